"""AFM topography: read, level, roughness (Sa, Sq, Sz), image and 3-D view (Fig. 2f, S8).

Files are read with ``SurfaceTopography`` (MIT; Bruker/Nanoscope ``.di``/``.spm``, Nanosurf
``.nid``, Gwyddion ``.gwy``, and many more), imported lazily (``pip install solidna[surface]``).
Gwyddion files whose data fields SurfaceTopography does not list (it finds channels only under
the usual keys and with SI units) are read by a small GwyContainer parser here: the format is a
documented, fixed serialisation (gwyddion.net, "Gwyddion native file format").

Roughness (ISO 25178-2 areal parameters, on the levelled heights ``z`` of the evaluation area):

* ``Sa = mean(|z - mean(z)|)`` - arithmetic mean height (the areal ``Ra``);
* ``Sq = sqrt(mean((z - mean(z))^2))`` - root-mean-square height (the areal ``Rq``, SurfaceTopography's
  ``rms_height_from_area``);
* ``Sz = max(z) - min(z)`` - maximum height (highest peak to deepest pit);
* ``Ssk``, ``Sku`` - skewness and kurtosis.

The paper's 6.15 nm (Fig. S8) does not say which it is; commercial AFM software reports "Ra" (=Sa)
and "Rq" (=Sq) side by side, so both are given.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solidna.errors import DataFormatError, check_choice

__all__ = ["Topography", "read_topography", "level", "roughness", "LEVELS", "plot_image", "plot_3d"]

#: Levelling modes: ``none`` removes only the mean height, ``plane`` a least-squares plane,
#: ``line`` a least-squares straight line from every scan line (row) - the usual correction of
#: line-to-line offsets and tilt.
LEVELS = ("none", "plane", "line")
_UNITS = {"m": 1.0, "mm": 1e-3, "um": 1e-6, "µm": 1e-6, "nm": 1e-9, "pm": 1e-12, "A": 1e-10}


@dataclass
class Topography:
    """A height map in metres (rows: y, columns: x)."""

    heights_m: np.ndarray
    size_m: tuple[float, float]  # (x, y) physical size
    channel: str = ""
    source: Path | None = None
    channels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def pixel_m(self) -> tuple[float, float]:
        ny, nx = self.heights_m.shape
        return self.size_m[0] / nx, self.size_m[1] / ny


def _factor(unit: Any, what: str, notes: list[str]) -> float:
    if isinstance(unit, (tuple, list)):
        unit = unit[0]
    if unit in (None, ""):
        notes.append(f"the file gives no unit for {what}; taken as metres")
        return 1.0
    if unit not in _UNITS:
        raise DataFormatError(f"unknown length unit {unit!r} for {what}; known: {sorted(_UNITS)}.")
    return _UNITS[unit]


# --------------------------------------------------------------------------------------------
# Gwyddion GwyContainer
# --------------------------------------------------------------------------------------------
def _cstring(buf: bytes, i: int) -> tuple[str, int]:
    j = buf.index(b"\0", i)
    return buf[i:j].decode("utf-8", "replace"), j + 1


_SIZES = {"b": 1, "c": 1, "i": 4, "q": 8, "d": 8}
_FMT = {"b": "<?", "c": "<c", "i": "<i", "q": "<q", "d": "<d"}


def _gwy_object(buf: bytes, i: int) -> tuple[dict[str, Any], int]:
    name, i = _cstring(buf, i)
    (size,) = struct.unpack_from("<I", buf, i)
    i += 4
    end = i + size
    if end > len(buf):
        raise DataFormatError("the Gwyddion file is truncated (an object runs past the end).")
    obj: dict[str, Any] = {"__class__": name}
    while i < end:
        key, i = _cstring(buf, i)
        t = chr(buf[i])
        i += 1
        if t in _SIZES:
            (obj[key],) = struct.unpack_from(_FMT[t], buf, i)
            i += _SIZES[t]
        elif t == "s":
            obj[key], i = _cstring(buf, i)
        elif t == "o":
            obj[key], i = _gwy_object(buf, i)
        elif t.lower() in _SIZES and t.isupper():
            (n,) = struct.unpack_from("<I", buf, i)
            i += 4
            dtype = {"C": "i1", "I": "<i4", "Q": "<i8", "D": "<f8", "B": "?"}[t]
            width = _SIZES[t.lower()]
            obj[key] = np.frombuffer(buf, dtype, n, i).copy()
            i += n * width
        elif t in ("S", "O"):  # counted lists of strings or of objects
            (n,) = struct.unpack_from("<I", buf, i)
            i += 4
            read_item = _cstring if t == "S" else _gwy_object
            items = []
            for _ in range(n):
                item, i = read_item(buf, i)
                items.append(item)
            obj[key] = items
        else:
            raise DataFormatError(f"unknown Gwyddion component type {t!r} at byte {i - 1}.")
    return obj, end


def _read_gwy(p: Path, channel: str | int | None) -> Topography:
    buf = p.read_bytes()
    if not buf.startswith(b"GWYP"):
        raise DataFormatError(f"{p}: not a Gwyddion file (no GWYP magic).")
    try:
        top, _ = _gwy_object(buf, 4)
    except (struct.error, ValueError, IndexError):
        raise DataFormatError(f"{p}: the Gwyddion file is truncated or damaged.") from None
    fields = {
        key: obj
        for key, obj in top.items()
        if isinstance(obj, dict) and obj.get("__class__") == "GwyDataField"
    }
    if not fields:
        raise DataFormatError(f"{p}: the Gwyddion file holds no data field (image).")
    titles = [str(top.get(f"{k}/title", k)) for k in fields]
    key = _pick(titles, channel, p)
    obj = list(fields.values())[key]
    notes: list[str] = []
    xy = obj.get("si_unit_xy", {}).get("unitstr", "")
    z = obj.get("si_unit_z", {}).get("unitstr", "")
    fxy, fz = (
        _factor(xy or None, "the lateral size", notes),
        _factor(z or None, "the heights", notes),
    )
    data = np.asarray(obj["data"], float).reshape(int(obj["yres"]), int(obj["xres"]))
    return Topography(
        data * fz,
        (float(obj["xreal"]) * fxy, float(obj["yreal"]) * fxy),
        titles[key],
        p,
        titles,
        notes,
    )


def _pick(names: list[str], channel: str | int | None, p: Path) -> int:
    if channel is None:
        return 0
    if isinstance(channel, int) or str(channel).isdigit():
        k = int(channel)
        if not 0 <= k < len(names):
            raise DataFormatError(f"{p}: channel {k} does not exist; channels: {names}.")
        return k
    if channel not in names:
        raise DataFormatError(f"{p}: no channel {channel!r}; channels: {names}.")
    return names.index(channel)


def read_topography(path: str | os.PathLike[str], channel: str | int | None = None) -> Topography:
    """Read a height map (first channel, or ``channel`` by index or name).

    Parameters
    ----------
    path : str or os.PathLike
        Topography file: Bruker/Nanoscope ``.di``/``.spm``, Nanosurf ``.nid``, Gwyddion
        ``.gwy`` or any other format SurfaceTopography reads.
    channel : str or int, optional
        Channel to read, by its name in the file or its 0-based index (an all-digit string counts
        as an index). Default: the first channel.

    Returns
    -------
    Topography
        Heights [m] (rows: y, columns: x), physical size ``(x, y)`` [m], the channel read, the
        names of all channels and notes on the unit conversion.

    Raises
    ------
    DataFormatError
        Empty/unreadable file, unknown channel, or SurfaceTopography missing.
    """
    from solidna.analysis.afm import require_surface_extra
    from solidna.analysis.io import check_file

    p = check_file(path, "a topography file (Bruker .spm, Nanosurf .nid, Gwyddion .gwy, ...)")
    with open(p, "rb") as fh:  # the magic only: _read_gwy reads the whole file once
        gwyddion = fh.read(4) == b"GWYP"
    if gwyddion:
        return _read_gwy(p, channel)
    st = require_surface_extra("SurfaceTopography")
    try:
        reader = st.open_topography(str(p))
        names = [c.name for c in reader.channels]
        if not names:
            raise DataFormatError(f"{p}: the file holds no height channel.")
        k = _pick(names, channel, p)
        topo = reader.topography(channel_index=k)
        heights = np.asarray(topo.heights(), float)
    except DataFormatError:
        raise
    except Exception as exc:
        raise DataFormatError(
            f"{p}: SurfaceTopography cannot read it ({type(exc).__name__}: {exc}); is it a "
            "complete .di/.spm/.nid/.gwy/... file?"
        ) from None
    notes: list[str] = []
    f = _factor(topo.unit, "the heights and sizes", notes)
    sx, sy = topo.physical_sizes
    # SurfaceTopography's arrays are indexed (x, y); ours are (rows = y, columns = x)
    return Topography(
        heights.T * f,
        (float(sx) * f, float(sy) * f),
        names[k],
        p,
        names,
        notes,
        {
            "info": {
                k2: str(v) for k2, v in getattr(topo, "info", {}).items() if k2 != "raw_metadata"
            }
        },
    )


def level(heights: np.ndarray, mode: str = "plane") -> np.ndarray:
    """Levelled heights (same unit); every mode also removes the mean.

    ``none``: the mean only; ``plane``: the least-squares plane ``a + b x + c y``; ``line``: the
    least-squares line ``a_j + b_j x`` of every row ``j`` (scan line).

    Parameters
    ----------
    heights : array_like of float
        Height map, 2-D (rows: y, columns: x), at least 2 x 2 points, in any length unit
        (e.g. [m], as :attr:`Topography.heights_m`).
    mode : str, optional
        One of :data:`LEVELS`: ``"none"``, ``"plane"`` (default) or ``"line"``.

    Returns
    -------
    numpy.ndarray of float
        Levelled heights, same shape and unit as ``heights``, zero mean.

    Raises
    ------
    DataFormatError
        ``heights`` is not 2-D with at least 2 x 2 points.
    InvalidOptionError
        Unknown ``mode``.
    """
    mode = check_choice("level", mode, LEVELS)
    h = np.asarray(heights, float)
    if h.ndim != 2 or min(h.shape) < 2:
        raise DataFormatError(f"a height map must be 2-D with at least 2x2 points; got {h.shape}.")
    ny, nx = h.shape
    x = np.arange(nx) - (nx - 1) / 2
    if mode == "none":
        return h - np.nanmean(h)
    if mode == "line":
        # per-row slope: x is centred, so the row mean and the slope decouple
        slope = (h - h.mean(axis=1, keepdims=True)) @ x / float(x @ x)
        out = h - h.mean(axis=1, keepdims=True) - np.outer(slope, x)
        return out - out.mean()
    y = np.arange(ny) - (ny - 1) / 2
    hc = h - h.mean()
    bx = float((hc.sum(axis=0) @ x) / (ny * float(x @ x)))
    by = float((hc.sum(axis=1) @ y) / (nx * float(y @ y)))
    out = hc - bx * x[None, :] - by * y[:, None]
    return out - out.mean()


def roughness(heights: np.ndarray, region: tuple[slice, slice] | None = None) -> dict[str, float]:
    """Sa, Sq, Sz, Sp, Sv, Ssk, Sku (ISO 25178-2) of ``heights`` (in its unit) or a region.

    Parameters
    ----------
    heights : array_like of float
        Height map, 2-D (rows: y, columns: x), in any length unit (e.g. [m]); non-finite
        heights are left out.
    region : (slice, slice), optional
        Rows and columns of the evaluation area; its mean is removed before the parameters.

    Returns
    -------
    dict of str to float
        ``Sa``, ``Sq``, ``Sz``, ``Sp``, ``Sv`` in the unit of ``heights``; ``Ssk``, ``Sku`` [-].

    Raises
    ------
    DataFormatError
        The evaluation area holds fewer than 4 finite heights.
    """
    h = np.asarray(heights, float)
    if region is not None:
        h = h[region]
    h = h[np.isfinite(h)]
    if h.size < 4:
        raise DataFormatError("the evaluation area holds fewer than 4 finite heights.")
    z = h - h.mean()
    sq = float(np.sqrt(np.mean(z * z)))
    return {
        "Sa": float(np.mean(np.abs(z))),
        "Sq": sq,
        "Sz": float(z.max() - z.min()),
        "Sp": float(z.max()),
        "Sv": float(-z.min()),
        "Ssk": float(np.mean(z**3) / sq**3) if sq > 0 else 0.0,
        "Sku": float(np.mean(z**4) / sq**4) if sq > 0 else 0.0,
    }


def plot_image(topo: Topography, heights_m: np.ndarray, title: str = ""):
    """Height image in nm with a colour bar and the lateral size in um.

    Parameters
    ----------
    topo : Topography
        The map the heights come from; its physical size ``size_m`` [m] sets the axes.
    heights_m : numpy.ndarray of float
        Heights to show [m], 2-D (rows: y, columns: x), e.g. ``level(topo.heights_m)``;
        shown in [nm].
    title : str, optional
        Title of the axes (default none).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (x and y in [um], colour bar in [nm]).
    """
    import matplotlib.pyplot as plt

    from solidna.report.style import apply_style

    apply_style()
    fig, ax = plt.subplots(figsize=(5.6, 4.6))
    sx, sy = topo.size_m
    im = ax.imshow(
        heights_m * 1e9, origin="lower", extent=(0, sx * 1e6, 0, sy * 1e6), cmap="afmhot"
    )
    fig.colorbar(im, ax=ax, label="Height [nm]")
    ax.grid(False)
    ax.set_xlabel("x [um]")
    ax.set_ylabel("y [um]")
    ax.set_title(title)
    return fig


def plot_3d(topo: Topography, heights_m: np.ndarray, title: str = "", max_points: int = 128):
    """3-D surface view (decimated to ``max_points`` per side).

    Parameters
    ----------
    topo, heights_m, title
        As for :func:`plot_image`: the map, the heights to draw [m] and the title.
    max_points : int, optional
        Largest number of points drawn along each side (default 128); the map is decimated
        by a whole step to stay at or near it.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (x and y in [um], height in [nm]).
    """
    import matplotlib.pyplot as plt

    from solidna.report.style import apply_style

    apply_style()
    ny, nx = heights_m.shape
    step = max(1, max(nx, ny) // max_points)
    h = heights_m[::step, ::step] * 1e9
    sx, sy = topo.size_m
    x = np.linspace(0, sx * 1e6, h.shape[1])
    y = np.linspace(0, sy * 1e6, h.shape[0])
    fig = plt.figure(figsize=(6, 4.6))
    ax = fig.add_subplot(projection="3d")
    xx, yy = np.meshgrid(x, y)
    ax.plot_surface(xx, yy, h, cmap="afmhot", linewidth=0, antialiased=False)
    ax.set_xlabel("x [um]")
    ax.set_ylabel("y [um]")
    ax.set_zlabel("Height [nm]")
    ax.set_title(title)
    return fig
