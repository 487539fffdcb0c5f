"""Instrument files written from their public layouts, for the tests of more than one folder.

Importable as ``_twins`` (pyproject.toml puts ``tests`` on pytest's ``pythonpath``). Each writer
says where its layout comes from; no third-party file is copied.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

#: Dwell time per point [s] and number of scans of the synthetic XPS regions of the tests: their
#: counts are sums over DWELL_S * SCANS seconds, as a VAMAS file states them.
DWELL_S, SCANS = 0.2, 10


def counting_spectrum(be: np.ndarray, counts: np.ndarray, label: str):
    """A VAMAS-like XPS region: ``counts`` (summed over :data:`DWELL_S` x :data:`SCANS`) as
    counts per second, with the dwell time and scans in its metadata.

    Parameters
    ----------
    be : numpy.ndarray
        Binding energies [eV].
    counts : numpy.ndarray
        Counts at ``be``.
    label : str
        The region's label (its level, e.g. ``"Mo 3d"``).

    Returns
    -------
    solidna.analysis.xps.io.XPSSpectrum
    """
    from solidna.analysis.xps.io import XPSSpectrum

    return XPSSpectrum(
        be,
        counts / (DWELL_S * SCANS),
        label,
        1486.6,
        metadata={"dwell [s]": DWELL_S, "scans": SCANS},
    )


def write_4294a(
    path: Path, f: np.ndarray, parameter: str, a: np.ndarray, b: np.ndarray, digits: int = 6
) -> Path:
    """An Agilent/Keysight 4294A text file of two traces, sweeping up.

    Layout: ethz-pes/impedance_analyzer_4294A_matlab (BSD-2), ``data/impedance.txt``: a header
    with ``"MEASURE PARAMETER: ..."``, then ``"TRACE: A"`` and ``"TRACE: B"``, each with its
    names row and one tab-separated row per frequency (the "Imag" cells 0 for scalar traces).

    Parameters
    ----------
    path : Path
        Where to write.
    f : numpy.ndarray
        Frequencies [Hz], in any order (written rising).
    parameter : str
        The measure parameter, e.g. ``"IMPEDANCE MAG PHASE (DEG)"`` or ``"R-X"``.
    a, b : numpy.ndarray
        The two traces at ``f``.
    digits : int
        Digits after the point of the traces' values.
    """
    order = np.argsort(f)
    f, a, b = f[order], a[order], b[order]
    names = '"Frequency"\t"Data Trace Real"\t"Data Trace Imag"'
    head = [
        "4294A REV1.11",
        '"DATE: Jan 25 2018"',
        "",
        "",
        f'"MEASURE PARAMETER: {parameter}"',
        '"ADAPTER: NONE"',
        '"SWEEP TYPE: LOG FREQ"',
        f'"NUMBER of POINTS: {f.size}"',
        '"OSC LEVEL:  500 mVolt"',
        '"DC BIAS: OFF"',
        "",
        "",
        '"TRACE: A"',
        '"FORMAT: LOG"',
        "",
        names,
    ]

    def rows(values: np.ndarray) -> list[str]:
        return [f"{x:.11e}\t{y:.{digits}e}\t{0:.{digits}e}" for x, y in zip(f, values, strict=True)]

    mid = ["", "", '"TRACE: B"', '"FORMAT: LINEAR"', "", names]
    path.write_text("\n".join(head + rows(a) + mid + rows(b)) + "\n")
    return path


def write_gwy(path: Path, channels: list[tuple[str, np.ndarray, tuple, str, str]]) -> Path:
    """A Gwyddion ``.gwy`` file of several channels.

    Serialised as the "Gwyddion native file format" page of gwyddion.net documents it: magic
    ``GWYP``, then a GwyContainer of ``/k/data`` GwyDataFields (with GwySIUnits) and
    ``/k/data/title`` strings; objects of name, size and typed components.

    Parameters
    ----------
    path : Path
        Where to write.
    channels : list of (title, heights, (x size, y size), lateral unit, value unit)
        One field per channel; ``heights`` of shape (ny, nx).
    """

    def comp(name: str, kind: str, payload: bytes) -> bytes:
        return name.encode() + b"\0" + kind.encode() + payload

    def obj(cls: str, comps: list[bytes]) -> bytes:
        body = b"".join(comps)
        return cls.encode() + b"\0" + struct.pack("<I", len(body)) + body

    def unit(u: str) -> bytes:
        return obj("GwySIUnit", [comp("unitstr", "s", u.encode() + b"\0")])

    comps = []
    for k, (title, z, size, unit_xy, unit_z) in enumerate(channels):
        ny, nx = z.shape
        field = obj(
            "GwyDataField",
            [
                comp("xres", "i", struct.pack("<i", nx)),
                comp("yres", "i", struct.pack("<i", ny)),
                comp("xreal", "d", struct.pack("<d", size[0])),
                comp("yreal", "d", struct.pack("<d", size[1])),
                comp("si_unit_xy", "o", unit(unit_xy)),
                comp("si_unit_z", "o", unit(unit_z)),
                comp("data", "D", struct.pack("<I", z.size) + z.astype("<f8").tobytes()),
            ],
        )
        comps.append(comp(f"/{k}/data", "o", field))
        comps.append(comp(f"/{k}/data/title", "s", title.encode() + b"\0"))
    path.write_bytes(b"GWYP" + obj("GwyContainer", comps))
    return path


def noisy_impedance(z: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    """``z`` [Ohm] with normal noise of ``sigma`` |Z| on each part (seeded)."""
    rng = np.random.default_rng(seed)
    return z + sigma * np.abs(z) * (rng.normal(size=z.size) + 1j * rng.normal(size=z.size))


def quiet_kk(f: np.ndarray, z: np.ndarray, **kwargs):
    """:func:`solidna.analysis.eis.kramers_kronig` without its warnings (the tests read the
    verdict it returns)."""
    import warnings

    from solidna.analysis.eis import kramers_kronig
    from solidna.errors import SolidnaWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SolidnaWarning)
        return kramers_kronig(f, z, **kwargs)
