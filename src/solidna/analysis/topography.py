"""AFM topography: read, level, roughness (Sa, Sq, Sz), image and 3-D view (Fig. 2f, S8).

Files are read with ``SurfaceTopography`` (MIT; Bruker/Nanoscope ``.di``/``.spm``, Nanosurf
``.nid``, Gwyddion ``.gwy``, and many more), imported lazily (``pip install solidna[surface]``).
Gwyddion files whose data fields SurfaceTopography does not list (it finds channels only under
the usual keys and with SI units) are read by a small GwyContainer parser here: the format is a
documented, fixed serialisation (gwyddion.net, "Gwyddion native file format"). Text exports that
state their grid in ``key : value`` lines (``Image Width``/``Image Height`` [pixels], ``Real
Width``/``Real Height``, ``Z Unit``; Nanosurf's text export) are read here too, in the units the
header gives: SurfaceTopography's matrix reader takes them for one row of heights in metres.
Text tables whose column names state length units (a profilometer's ``Lateral(µm),Total
Profile(Å)``, ``x (um),y (um),z (nm)``) are read here in those units (SurfaceTopography skips the
header and takes every value for metres); a table whose named units include no length (a
cycler's ``Test Time / s,Voltage / V``) is refused rather than read as a profile. Keyence VK-X
CSV exports (``"XY Calibration","138.000","nm"``, ``"Horizontal"``, ``"Vertical"``, ``"Unit"``,
then the height rows; English or German keys) are read here too. ASCII height matrices under a
header - Gwyddion's export in any of its languages (``# Kanal:``, ``# Breite:``), several of them
in one file (the first height channel is read, phase and other channels are refused as
heights), SPIP/attocube (``# x-pixels``, ``# x-length`` in nm, ``# z-unit`` or ``Bit2nm``),
NT-MDT Nova (``NX``, ``Scale X``, ``Unit X``) and Wyko ASCII - are read here in the units their
headers state: SurfaceTopography 1.25 reads only the English Gwyddion header (the others came
out in metres, as a profile, or refused). ISO 25178-71 SDF files of version 2.0 (text or
binary; SurfaceTopography reads version 1.0) are read here too, and so are Asylum Research
images saved as Igor binary waves (``.ibw``, one layer per channel; read with igor2, which
afmformats already needs).

Roughness (ISO 25178-2 areal parameters, on the levelled heights ``z`` of the evaluation area):

* ``Sa = mean(|z - mean(z)|)`` - arithmetic mean height (the areal ``Ra``);
* ``Sq = sqrt(mean((z - mean(z))^2))`` - root-mean-square height (the areal ``Rq``, SurfaceTopography's
  ``rms_height_from_area``);
* ``Sz = max(z) - min(z)`` - maximum height (highest peak to deepest pit);
* ``Ssk``, ``Sku`` - skewness and kurtosis.

The paper's 6.15 nm (Fig. S8) does not say which it is; commercial AFM software reports "Ra" (=Sa)
and "Rq" (=Sq) side by side, so both are given.

A line profile (a 1-D scan, as SurfaceTopography reads from two-column text files) gets the
profile parameters of ISO 4287 instead: ``Ra``, ``Rq``, ``Rp``, ``Rv``, ``Rz = Rp + Rv`` (the
whole profile as one evaluation length, no filter), ``Rsk``, ``Rku``, each mean weighted by the
length of profile a point stands for (the positions may be uneven).

Missing points (NaN, which SurfaceTopography reports for undefined data) stay missing: levelling
fits the finite points and the roughness parameters leave the missing ones out.
"""

from __future__ import annotations

import math
import os
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solidna.errors import DataFormatError, check_choice

__all__ = [
    "Topography",
    "read_topography",
    "level",
    "roughness",
    "LEVELS",
    "plot_image",
    "plot_3d",
]

#: Levelling modes: ``none`` removes only the mean height, ``plane`` a least-squares plane,
#: ``line`` a least-squares straight line from every scan line (row) - the usual correction of
#: line-to-line offsets and tilt.
LEVELS = ("none", "plane", "line")
#: Relative spread of the point spacing below which a profile is evenly spaced [-]: its length
#: counts one spacing per point and each point weighs the same in Ra, Rq (:func:`_cells`).
UNIFORM_RTOL = 1e-3
#: Largest ratio of the height spread to the scan's extent [-] of a file that states no length
#: unit: no AFM or profilometer map is ten times deeper than it is wide, so the heights and the
#: positions are in different units. A Nanovea profilometer's text export (bskinn/
#: nanovea-roughness' test_data: ``0.0050,0.0000,478.3340``, x and y in mm, z in µm, no header)
#: came out as a 0.5 m map of heights spread over 60 m (both "taken as metres"), its Sq 1000
#: times too large against its size and in the wrong unit.
UNITLESS_MAX_ASPECT = 10.0
_UNITS = {
    "m": 1.0,
    "mm": 1e-3,
    "um": 1e-6,
    "µm": 1e-6,  # micro sign U+00B5
    "\u03bcm": 1e-6,  # Greek small mu U+03BC (Nanosurf text exports)
    "nm": 1e-9,
    "pm": 1e-12,
    "A": 1e-10,
    # the angstrom as SurfaceTopography reports it (a Digital Surf .sur file in "Å", U+00C5) and
    # its own code point U+212B; refused as "unknown length unit" before
    "\u00c5": 1e-10,
    "\u212b": 1e-10,
}
#: A text export that states its grid in ``key : value`` lines above the heights (Nanosurf's
#: "Text File Create Date / Image Width : 128 / Real Width : 10.00 μm / Z Unit : nm", the heights
#: then row by row, here all on one line). SurfaceTopography's matrix reader takes such a file
#: for one row of heights in metres, ignoring the header, so it is read here.
_GRID_KEYS = ("image width", "image height")
_NUMBER_TEXT = re.compile(r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$")


@dataclass
class Topography:
    """A height map in metres (rows: y, columns: x), or a line profile (1-D heights).

    Attributes
    ----------
    heights_m : numpy.ndarray
        Heights [m]: 2-D (rows: y, columns: x) for a map, 1-D for a line profile; NaN where the
        file has no height.
    size_m : (float, float)
        Physical size ``(x, y)`` [m]; ``(length, 0)`` for a profile.
    channel : str
        The channel read.
    source : Path or None
        The file read.
    channels : list of str
        Every channel of the file.
    notes : list of str
        What was assumed while reading (units).
    metadata : dict
        The reader's information.
    positions_m : numpy.ndarray or None
        x positions of a profile's points [m] (they may be uneven); None for a map.
    """

    heights_m: np.ndarray
    size_m: tuple[float, float]  # (x, y) physical size
    channel: str = ""
    source: Path | None = None
    channels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    positions_m: np.ndarray | None = None

    @property
    def is_profile(self) -> bool:
        """True for a line profile (1-D heights)."""
        return np.ndim(self.heights_m) == 1

    @property
    def pixel_m(self) -> tuple[float, float]:
        """Mean point spacing ``(x, y)`` [m]; ``(x, 0)`` for a profile."""
        if self.is_profile:
            return self.size_m[0] / len(self.heights_m), 0.0
        ny, nx = self.heights_m.shape
        return self.size_m[0] / nx, self.size_m[1] / ny


def _factor(unit: Any, what: str, notes: list[str]) -> float:
    if isinstance(unit, (tuple, list)):
        unit = unit[0]
    if unit in (None, ""):
        notes.append(f"the file gives no unit for {what}; taken as metres")
        return 1.0
    if unit in _UNITS:
        return _UNITS[unit]
    known = _library_length_units()
    if unit in known:
        # a unit SurfaceTopography converts ("km", "fm") but the table here lacks: its reader
        # reported it, so its own factor applies (refused as "unknown length unit" before)
        return known[unit]
    raise DataFormatError(
        f"unknown length unit {unit!r} for {what}; known: {sorted({*_UNITS, *known})}."
    )


def _library_length_units() -> dict[str, float]:
    """SurfaceTopography's table of length units [m per unit] (``Support.UnitConversion``), or
    an empty one when it is not installed."""
    try:
        from SurfaceTopography.Support.UnitConversion import length_units
    except ImportError:
        return {}
    return {str(k): float(v) for k, v in length_units.items()}


# --------------------------------------------------------------------------------------------
# Text export with a "key : value" header naming the grid
# --------------------------------------------------------------------------------------------
def _length(text: str, what: str, p: Path) -> float:
    """``"10.00 μm"`` -> metres."""
    parts = text.split()
    try:
        value = float(parts[0])
    except (IndexError, ValueError):
        raise DataFormatError(f"{p}: {what} {text!r} is not a number with a unit.") from None
    unit = parts[1] if len(parts) > 1 else ""
    if unit not in _UNITS:
        raise DataFormatError(
            f"{p}: {what} {text!r}: unknown length unit {unit!r}; known: {sorted(_UNITS)}."
        )
    return value * _UNITS[unit]


def _read_header_grid(p: Path) -> Topography | None:
    """A text export whose header gives ``Image Width``/``Image Height`` [pixels], ``Real
    Width``/``Real Height`` and ``Z Unit`` above the heights (row by row, in any line layout);
    None for any other file."""
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if b"\0" in head or b"image width" not in head.lower():
        return None  # binary, or no such header: not this layout (the whole file is not read)
    text = p.read_bytes().decode("utf-8", errors="replace")
    header: dict[str, str] = {}
    values: list[str] = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not values and sep and not _NUMBER_TEXT.match(key):
            header[key.strip().lower()] = value.strip()
        elif line.strip():
            values += line.split()
    if not all(k in header for k in _GRID_KEYS):
        return None
    try:
        nx, ny = int(header["image width"]), int(header["image height"])
        z = np.array(values, dtype=float)
    except ValueError:
        raise DataFormatError(
            f"{p}: the header gives an image of {header['image width']} x "
            f"{header['image height']} pixels but the rest of the file is not all numbers."
        ) from None
    if z.size != nx * ny:
        raise DataFormatError(
            f"{p}: the header gives an image of {nx} x {ny} pixels ({nx * ny} heights) but the "
            f"file holds {z.size} numbers; it is cut short or another layout."
        )
    notes: list[str] = []
    unit = header.get("z unit", "")
    if unit and unit not in _UNITS:
        raise DataFormatError(f"{p}: Z Unit {unit!r} is not a length unit solidna knows.")
    factor = _factor(unit, "the heights", notes)
    sizes = []
    for axis, n in (("width", nx), ("height", ny)):
        real = header.get(f"real {axis}")
        if real is None:
            notes.append(f"the file gives no real {axis}: the pixel is taken as 1 m")
            sizes.append(float(n))
        else:
            sizes.append(_length(real, f"Real {axis.title()}", p))
    notes.append(
        f"heights read from the header's {nx} x {ny} grid ({header.get('z unit') or 'm'}), "
        "row by row"
    )
    name = header.get("name", "")
    return Topography(
        z.reshape(ny, nx) * factor,
        (sizes[0], sizes[1]),
        name,
        p,
        [name],
        notes,
        {"header": header},
    )


# --------------------------------------------------------------------------------------------
# Keyence VK-X CSV export ("ImageDataCsv")
# --------------------------------------------------------------------------------------------
#: Keys of a Keyence VK-X CSV export, English and German (as matusm/Kcsv2Bcr reads them): the
#: pixel size with its unit, the grid and the height unit.
_KEYENCE_KEYS = {
    "xy calibration": "pixel",
    "xy-justierung": "pixel",
    "horizontal": "nx",
    "horizont.": "nx",
    "vertical": "ny",
    "vertikal": "ny",
    "unit": "unit",
    "einheit": "unit",
}


def _csv_cells(line: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in line.split(",")]


def _text(p: Path) -> str:
    """The text of a table export: UTF-8 (a byte-order mark dropped), else ISO-8859-1, which
    Keyence (Kcsv2Bcr) and other Windows instrument software write (a "µm" as one byte)."""
    raw = p.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _read_keyence_csv(p: Path) -> Topography | None:
    """A Keyence VK-X "ImageDataCsv" export: quoted ``"key","value"[,"unit"]`` lines
    (``"XY Calibration","138.000","nm"``, ``"Horizontal"``, ``"Vertical"``, ``"Unit","um"``),
    a line naming the data (``"Height"``), then one row of heights per profile (an empty or
    non-numeric cell is a missing point); None for any other file. SurfaceTopography does not
    read this export."""
    with open(p, "rb") as fh:
        head = fh.read(4096)
    lowered = head.decode("latin-1").lower()
    if b"\0" in head or not any(f'"{k}"' in lowered for k in ("xy calibration", "xy-justierung")):
        return None
    lines = _text(p).splitlines()
    found: dict[str, list[str]] = {}
    start, name = None, "Height"
    for n, line in enumerate(lines):
        cells = _csv_cells(line)
        key = _KEYENCE_KEYS.get(cells[0].lower())
        if key and len(cells) >= 2:
            found[key] = cells[1:]
        elif len(cells) == 1 and cells[0] and "nx" in found:
            start, name = n + 1, cells[0]  # the data named ("Height"): the table follows
            break
    if start is None or not {"pixel", "nx", "ny"} <= set(found):
        raise DataFormatError(
            f"{p}: a Keyence CSV export without its grid ('XY Calibration', 'Horizontal', "
            "'Vertical' and a line naming the data, e.g. 'Height'); export it again."
        )
    try:
        nx, ny = int(float(found["nx"][0])), int(float(found["ny"][0]))
        pixel = float(found["pixel"][0])
    except ValueError:
        raise DataFormatError(f"{p}: the Keyence header's grid is not numeric: {found}.") from None
    pixel_unit = found["pixel"][1] if len(found["pixel"]) > 1 else ""
    z_unit = found.get("unit", [""])[0]
    notes: list[str] = []
    for unit, what in ((pixel_unit, "XY Calibration"), (z_unit, "Unit")):
        if unit not in _UNITS:
            raise DataFormatError(
                f"{p}: the Keyence header's {what} unit {unit!r} is not a length unit solidna "
                f"knows ({sorted(_UNITS)})."
            )
    rows = []
    for line in lines[start:]:
        cells = _csv_cells(line)
        if len(cells) < nx:
            continue  # a blank line or a trailing note
        rows.append([_number_or_nan(c) for c in cells[:nx]])
        if len(rows) == ny:
            break
    if len(rows) != ny:
        raise DataFormatError(
            f"{p}: the Keyence header gives {ny} profiles of {nx} points but the file holds "
            f"{len(rows)}; it is cut short."
        )
    z = np.array(rows, dtype=float) * _UNITS[z_unit]
    if np.isnan(z).any():
        notes.append(f"{int(np.isnan(z).sum())} missing points (empty cells) left out")
    notes.append(
        f"Keyence CSV: {ny} x {nx} heights in {z_unit}, pixel {pixel:g} {pixel_unit} "
        "(XY Calibration)"
    )
    step = pixel * _UNITS[pixel_unit]
    return Topography(z, (nx * step, ny * step), name, p, [name], notes, {"header": found})


def _number_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


# --------------------------------------------------------------------------------------------
# Text table whose column names state their units (profilometer exports)
# --------------------------------------------------------------------------------------------
#: A column name with its unit: ``Lateral(µm)``, ``Total Profile (Å)``, ``x [um]``, ``z/nm``.
_NAMED_UNIT = re.compile(r"^(?P<name>.*?)\s*(?:[(\[]\s*(?P<u1>[^)\]]+?)\s*[)\]]|/\s*(?P<u2>\S+))$")
#: Length units a column name may carry: those of the file readers (:data:`_UNITS`) but ``A``,
#: which in a column name is the ampere (``Current (A)``), and the angstrom's own spellings.
_COLUMN_UNITS = {k: v for k, v in _UNITS.items() if k != "A"} | {
    "\u00c5": 1e-10,
    "\u212b": 1e-10,
    "angstrom": 1e-10,
    "angstroms": 1e-10,
    "micron": 1e-6,
    "microns": 1e-6,  # SurfaceTopography's csv-1.csv: "X_(microns)"
    "micrometer": 1e-6,
    "micrometers": 1e-6,
    "micrometre": 1e-6,
    "micrometres": 1e-6,
    "nanometer": 1e-9,
    "nanometers": 1e-9,
    "nanometre": 1e-9,
    "nanometres": 1e-9,
    "millimeter": 1e-3,
    "millimeters": 1e-3,
    "millimetre": 1e-3,
    "millimetres": 1e-3,
    "cm": 1e-2,
}
#: Names of the lateral position (x) and of the height columns of a profile or x, y, z table; a
#: name may run on after an underscore (``X_(microns)``).
_X_NAME = re.compile(r"^(?:x|lateral|position|distance|length|scan|encoder\s*1?)(?:\b|_)", re.I)
_Y_NAME = re.compile(r"^y(?:\b|_)", re.I)
_Z_NAME = re.compile(
    r"^(?:z|height|profile|total\s+profile|raw\s+profile|altitude|topography|depth|elevation|"
    r"surface)(?:\b|_)",
    re.I,
)


def _column_unit(field: str) -> tuple[str, float | None]:
    """(name, factor to metres) of a column name; factor None when it names no length unit."""
    m = _NAMED_UNIT.match(field.strip())
    if not m:
        return field.strip(), None
    unit = (m.group("u1") or m.group("u2") or "").strip()
    return m.group("name").strip(), _COLUMN_UNITS.get(unit, _COLUMN_UNITS.get(unit.lower()))


def _header_fields(line: str) -> list[str]:
    """The cells of a header line: split at tabs, semicolons or commas, else at white space
    outside a bracketed unit (``x (um) z (nm)``); trailing empty cells dropped."""
    for sep in ("\t", ";", ","):
        if sep in line:
            cells = [c.strip() for c in line.split(sep)]
            break
    else:
        cells = re.findall(r"[^\s(\[]+(?:\s*[(\[][^)\]]*[)\]])?", line)
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _read_named_table(p: Path, channel: str | int | None) -> Topography | None:
    """A profile (x and height columns) or an x, y, z grid from a text table whose column names
    state length units (Bruker Dektak ``Lateral(µm),Total Profile(Å)``, ``Altitude (µm)``,
    ``x (um),y (um),z (nm)``); None for any other file, which SurfaceTopography then reads.

    SurfaceTopography's text readers skip the header and take every value for metres, so a
    profile in µm and nm came out 1e6 and 1e9 times too large; the units named are applied here.
    """
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if b"\0" in head or not re.search(rb"[(\[/]", head):
        return None
    text = _text(p)
    lines = text.splitlines()
    header, rows, start = None, [], 0
    for n, line in enumerate(lines):
        cells = _header_fields(line)
        try:
            values = [float(c) for c in cells]
        except ValueError:
            if len(rows) >= 3:
                break  # the table ended (a footer follows)
            header, rows, start = cells, [], n + 1
            continue
        if values:
            rows.append(values)
    if header is None or len(rows) < 3 or any(len(r) != len(header) for r in rows):
        return None
    names, factors = zip(*(_column_unit(c) for c in header), strict=True)
    if not any(f is not None for f in factors):
        stated = [c for c in header if _NAMED_UNIT.match(c)]
        if len(stated) >= 2:
            # e.g. a cycler table ("Test Time / s, Voltage / V"), which SurfaceTopography would
            # read as a profile in metres
            raise DataFormatError(
                f"{p}: its columns state units ({', '.join(repr(c) for c in stated)}) and none "
                "is a length: not a height profile or map. A topography table names its "
                "positions and heights, e.g. 'x (um)' and 'z (nm)'."
            )
        return None  # no length unit named: not this layout
    table = np.array(rows, dtype=float)
    lengths = [k for k, f in enumerate(factors) if f is not None]
    x_col = next((k for k in lengths if _X_NAME.match(names[k])), None)
    y_col = next((k for k in lengths if _Y_NAME.match(names[k])), None)
    heights = [k for k in lengths if _Z_NAME.match(names[k]) and k not in (x_col, y_col)]
    if not heights:
        heights = [k for k in lengths if k not in (x_col, y_col)]
    assumed = None
    if x_col is not None and not heights and len(header) == 2 and y_col is None:
        # a profile whose height column states no unit beside a lateral column that does
        # (SurfaceTopography's csv-1.csv: "X_(microns),y1"). The height is in the lateral
        # column's unit: a SurfaceTopography topography has one length unit, taken from the
        # lateral column, and its Dektak reader rescales the heights only when their column
        # names a unit of its own (SurfaceTopography/IO/XYZ.py, read_text_header_dektak). Read
        # in metres, a profile in um came out 1e6 times too rough (heights of 18 m beside 13 um
        # steps in csv-1.csv).
        other = 1 - x_col
        if _NAMED_UNIT.match(header[other].strip()) is None:
            factors = tuple(factors[x_col] if k == other else f for k, f in enumerate(factors))
            heights = [other]
            assumed = (
                f"the height column {names[other]!r} states no unit: taken in the unit of "
                f"{header[x_col]!r}, as SurfaceTopography reads one unit for a profile (if it "
                f"is in another, name it so, e.g. '{names[other]} (nm)')"
            )
    if x_col is None or not heights:
        if any(_NAMED_UNIT.match(c) and f is None for c, f in zip(header, factors, strict=True)):
            return None  # other quantities (s, V, A ...) beside a length: not a height table
        found = ", ".join(repr(h) for h in header)
        raise DataFormatError(
            f"{p}: the columns ({found}) name length units but solidna cannot tell the lateral "
            "position from the height: name them e.g. 'x (um)' and 'z (nm)' (and 'y (um)' for "
            "a map)."
        )
    choices = [names[k] for k in heights]
    z_col = heights[_pick(choices, channel, p)]
    notes = [
        f"columns {names[x_col]!r} and {names[z_col]!r} of a text table, in the units their "
        "names state"
    ]
    if assumed:
        notes.append(assumed)
    if len(heights) > 1:
        notes.append(
            f"height columns {choices}: {names[z_col]!r} read (choose another with --channel, or channel= in Python)"
        )
    x = table[:, x_col] * factors[x_col]
    z = table[:, z_col] * factors[z_col]
    meta = {"columns": list(header), "table starts at line": start + 1}
    if y_col is not None:
        return _named_grid(p, x, table[:, y_col] * factors[y_col], z, names[z_col], notes, meta)
    return _named_profile(p, x, z, (names[x_col], names[z_col]), choices, notes, meta)


def _named_profile(
    p: Path, x, z, names: tuple[str, str], choices: list[str], notes: list[str], meta: dict
) -> Topography:
    """A line profile from lateral positions ``x`` [m] and heights ``z`` [m] of a text table."""
    step = np.diff(x)
    if np.ptp(x) == 0:
        # a stylus profilometer's text export (Counter, Altitude (µm), Encoder1 (µm), Encoder2
        # (µm), Row number) whose encoder stood still: the positions are the counter times the
        # step its separate parameters file states ("X step distance = 0.005 mm"); this was
        # refused as "several scans in one table"
        raise DataFormatError(
            f"{p}: the lateral column {names[0]!r} holds one value ({x[0]:g} m) for all "
            f"{len(x)} points: it gives no positions (an encoder that did not move). Export the "
            "profile with its lateral positions (e.g. a column 'x (um)' of counter times step)."
        )
    if not (np.all(step > 0) or np.all(step < 0)):
        raise DataFormatError(
            f"{p}: the lateral positions {names[0]!r} do not run one way (a profile's x "
            "must rise or fall steadily); several scans in one table are not read."
        )
    order = np.argsort(x)
    x, z = x[order], z[order]
    uniform = np.allclose(np.diff(x), np.diff(x).mean(), rtol=UNIFORM_RTOL)
    # a uniform scan's length counts one spacing per point, as SurfaceTopography's line scans
    length = len(x) * np.diff(x).mean() if uniform else x[-1] - x[0]
    notes.append(
        f"a line profile of {len(z)} points, not a height map: profile roughness (Ra, Rq, ISO 4287)"
    )
    return Topography(z, (float(length), 0.0), names[1], p, choices, notes, meta, x - x[0])


#: A separator of the cells of a headerless table's row: commas, semicolons, tabs or spaces.
_CELLS = re.compile(r"[,;\s]+")
#: The first line of Gwyddion's profile export ("Profile 1", or "Profile 1  Profile 2" for
#: several); a line of column names ("x y") and a line of units in brackets ("[m] [m]") follow.
_GWY_PROFILE_TITLE = re.compile(r"^\s*profile\s+\d+(?:\s+profile\s+\d+)*\s*$", re.I)


def _read_unit_line_table(p: Path) -> Topography | None:
    """A headerless x, z (or x, y, z) table under a line of units alone, ``µm µm`` (and an
    optional line with the point count), as SurfaceTopography's test file xy-2.txt, or under
    Gwyddion's profile-export header (``Profile 1`` over ``x y`` over ``[um] [nm]``; of several
    profiles of one length side by side, the first); None for any other file.

    SurfaceTopography's XYZ reader skips the units line and takes the values for metres (its
    test asserts the unit None), so a profile in µm came out 1e6 times too long and too rough.
    """
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if b"\0" in head:
        return None
    text = _text(p)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 4:
        return None
    gwyddion = _GWY_PROFILE_TITLE.match(lines[0]) is not None and len(lines) >= 6
    if gwyddion:
        # Gwyddion's profile export: "Profile 1" over "x y" over "[m] [m]" (one pair of columns
        # per profile); its unit line was taken for no unit at all and the values for metres,
        # so a profile exported in um and nm came out 1e6 and 1e9 times too large
        lines = lines[2:]
    cells = [u for u in _CELLS.split(lines[0].strip()) if u]
    units = [u[1:-1].strip() if gwyddion and u[:1] == "[" and u[-1:] == "]" else u for u in cells]
    factors = [_COLUMN_UNITS.get(u, _COLUMN_UNITS.get(u.lower())) for u in units]
    several = gwyddion and len(units) > 2 and len(units) % 2 == 0
    if (not 2 <= len(units) <= 3 and not several) or any(f is None for f in factors):
        return None
    start = 1
    if re.fullmatch(r"\s*\d+\s*", lines[1]):
        start = 2  # the number of points (xy-2.txt states 23 above 24 rows: not checked)
    rows = [[c for c in _CELLS.split(line.strip()) if c] for line in lines[start:]]
    if several:
        if any(len(r) != len(cells) for r in rows):
            # profiles of different lengths leave cells empty: the columns cannot be told apart
            # once the empty cells are gone
            raise DataFormatError(
                f"{p}: a Gwyddion profile export of {len(cells) // 2} profiles of different "
                "lengths side by side; its rows cannot be split into the profiles. Export each "
                "profile to its own file."
            )
        rows = [r[:2] for r in rows]
        units, factors = units[:2], factors[:2]
    try:
        table = np.array([[float(c) for c in r] for r in rows])
    except ValueError:
        return None
    if table.ndim != 2 or table.shape[1] != len(units) or len(table) < 3:
        return None
    notes = [f"a table under the units line {lines[0].strip()!r}: columns in those units"]
    if several:
        notes.append(
            f"the file holds {len(cells) // 2} profiles side by side (Gwyddion's profile "
            "export): the first is read"
        )
    meta = {"units": units}
    columns = [c * f for c, f in zip(table.T, factors, strict=True)]
    if len(units) == 3:
        return _named_grid(p, columns[0], columns[1], columns[2], "z", notes, meta)
    return _named_profile(p, columns[0], columns[1], ("x", "z"), ["z"], notes, meta)


def _named_grid(p: Path, x, y, z, name: str, notes: list[str], meta: dict) -> Topography:
    """An x, y, z table on a full rectangular grid -> a height map (rows: y)."""
    xs, ys = np.unique(x), np.unique(y)
    if xs.size * ys.size != z.size or xs.size < 2 or ys.size < 2:
        raise DataFormatError(
            f"{p}: the x, y, z table holds {z.size} points on {xs.size} x and {ys.size} y "
            "values: not a full grid. Export the map as a height matrix or a complete grid."
        )
    grid = np.full((ys.size, xs.size), np.nan)
    grid[np.searchsorted(ys, y), np.searchsorted(xs, x)] = z
    if np.isnan(grid).any():
        raise DataFormatError(f"{p}: the x, y, z table repeats points; not a full grid.")
    size = (xs.size * np.diff(xs).mean(), ys.size * np.diff(ys).mean())
    notes.append(f"a {ys.size} x {xs.size} grid from the x, y, z columns")
    return Topography(grid, (float(size[0]), float(size[1])), name, p, [name], notes, meta)


# --------------------------------------------------------------------------------------------
# ASCII height matrices under a "# key: value" header (Gwyddion, SPIP, attocube)
# --------------------------------------------------------------------------------------------
#: Header keys of Gwyddion's "ASCII data matrix" export with "Add informational header", in the
#: languages Gwyddion writes them (its asciiexport module follows the user interface's
#: language; the list is SurfaceTopography's, test/IO/test_asc.py upstream). SurfaceTopography
#: 1.25 knows only the English keys: a German export was read as metres (a 4 x 3 um map of
#: heights in nm came out 4 x 3 m with heights in m), a French one refused; and a file of several
#: exports in a row (Gwyddion appends them) was read as one profile of the last column.
_MATRIX_KEYS = {
    "channel": ("channel", "kanál", "kanal", "canal", "canale", "チャネル", "канал"),
    "width": ("width", "šířka", "breite", "largeur", "larghezza", "anchura", "幅", "ширина"),
    "height": ("height", "výška", "höhe", "hauteur", "altezza", "altura", "高さ", "высота"),
    "unit": (
        "value units",
        "jednotky hodnot",
        "einheiten",
        "unités",
        "unità valore",
        "unidades de valor",
        "値の単位",
        "единицы измерения",
    ),
}
_MATRIX_ALIAS = {alias: key for key, names in _MATRIX_KEYS.items() for alias in names}
#: ``# key: value`` or ``# key = value`` (SPIP writes ``=``, attocube ``:``, Japanese ``：``).
_HEADER_LINE = re.compile(r"^\s*(?P<key>[^:=：]+?)\s*[:=：]\s*(?P<value>.*?)\s*$")


def _matrix_blocks(p: Path) -> list[tuple[dict[str, str], list[str]]] | None:
    """The ``(header, data lines)`` blocks of a text file whose header lines start with ``#``
    (or, NT-MDT Nova's ASCII export, whose header starts with ``File Format = ASCII`` and ends at
    ``Start of Data``); None when the file does not start with such a header."""
    with open(p, "rb") as fh:
        head = fh.read(4096)
    nova = head.lstrip()[:32].lower().startswith(b"file format = ascii")
    if b"\0" in head or not (head.lstrip().startswith(b"#") or nova):
        return None
    blocks: list[tuple[dict[str, str], list[str]]] = []
    in_header = nova
    # _text: a Gwyddion export re-saved by a Windows editor in ISO-8859-1 keeps its "µm" (one
    # byte, which UTF-8 decoding replaced: "unknown length unit")
    for line in _text(p).splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith("#") or in_header:
            if not blocks or blocks[-1][1]:  # a header after data starts a new export
                blocks.append(({}, []))
            m = _HEADER_LINE.match(s.lstrip("#"))
            if m:
                key = m["key"].strip().lower()
                blocks[-1][0][_MATRIX_ALIAS.get(key, key)] = m["value"]
            in_header = in_header and not s.lower().startswith("start of data")
        else:
            blocks[-1][1].append(s)
    return blocks


def _matrix_values(p: Path, rows: list[str], name: str) -> np.ndarray:
    try:
        z = [[float(v) for v in r.replace(",", " ").split()] for r in rows]
        if len({len(r) for r in z}) != 1:
            raise ValueError
    except ValueError:
        raise DataFormatError(
            f"{p}: channel {name!r}: the lines under the header are not a matrix of numbers "
            "(every line the same number of values)."
        ) from None
    return np.array(z, dtype=float)


def _matrix_channel(p: Path, header: dict[str, str], rows: list[str], k: int):
    """One block -> ``(name, heights [m] or None when not a length, size (x, y) [m], notes)``;
    None when the block's header is neither layout."""
    notes: list[str] = []
    if "width" in header and "height" in header:  # Gwyddion
        name = header.get("channel") or f"channel {k}"
        unit = header.get("unit", "")
        if unit not in _UNITS:
            return name, None, (0.0, 0.0), [f"values in {unit or 'no unit'!r}"]
        z = _matrix_values(p, rows, name) * _UNITS[unit]
        size = (_length(header["width"], "Width", p), _length(header["height"], "Height", p))
        notes.append(f"Gwyddion ASCII matrix export, channel {name!r} (heights in {unit})")
    elif "x-pixels" in header and "x-length" in header:  # SPIP, attocube
        name = header.get("display") or "Topography"
        # SPIP: lateral lengths in nm, heights in z-unit or in Bit2nm nm (SurfaceTopography's
        # reading; attocube states x-unit/y-unit)
        z = _matrix_values(p, rows, name)
        unit = header.get("z-unit", "")
        if unit:
            if unit not in _UNITS:
                return name, None, (0.0, 0.0), [f"values in {unit!r}"]
            z = z * _UNITS[unit]
        else:
            z = z * float(header.get("bit2nm", 1.0)) * 1e-9
            notes.append(f"no z-unit: heights in Bit2nm = {header.get('bit2nm', '1 (assumed)')} nm")
        size = tuple(
            float(header[f"{a}-length"]) * _UNITS.get(header.get(f"{a}-unit", "nm"), float("nan"))
            for a in "xy"
        )
        if not all(math.isfinite(s) for s in size):
            raise DataFormatError(f"{p}: unknown lateral unit in {header!r}.")
        pixels = (int(float(header["x-pixels"])), int(float(header.get("y-pixels", 0))))
        if z.shape != pixels[::-1]:
            raise DataFormatError(
                f"{p}: the header gives {pixels[0]} x {pixels[1]} pixels (x-pixels values per "
                f"line, y-pixels lines) but the matrix is {z.shape[1]} x {z.shape[0]}."
            )
        notes.append("SPIP/attocube ASCII matrix export (lateral lengths in nm unless stated)")
    elif "nx" in header and "scale x" in header:  # NT-MDT Nova: pixel sizes in Unit X
        name = "Height"
        unit, lateral = header.get("unit data", ""), header.get("unit x", "")
        if unit not in _UNITS or lateral not in _UNITS:
            return name, None, (0.0, 0.0), [f"values in {unit!r}, lengths in {lateral!r}"]
        z = _matrix_values(p, rows, name) * _UNITS[unit]
        if header.get("datascaleneeded", "no").lower().startswith("y"):
            z = z * float(header.get("scale data", 1.0))
        nx, ny = int(float(header["nx"])), int(float(header.get("ny", 0)))
        if z.shape != (ny, nx):
            raise DataFormatError(
                f"{p}: the header gives NX = {nx}, NY = {ny} but the matrix is "
                f"{z.shape[1]} x {z.shape[0]}."
            )
        pitch = _UNITS[lateral]
        size = (
            nx * float(header["scale x"]) * pitch,
            ny * float(header.get("scale y", header["scale x"])) * pitch,
        )
        notes.append(f"Nova ASCII matrix export (pixel {header['scale x']} {lateral})")
    elif "lateral units" in header and "unit" in header:  # Gwyddion XYZ export
        name = header.get("channel") or f"channel {k}"
        unit, lateral = header["unit"], header["lateral units"]
        if lateral not in _UNITS:
            raise DataFormatError(
                f"{p}: 'Lateral units: {lateral}' is no length unit solidna knows "
                f"({sorted(_UNITS)}); export the channel again with lengths in m."
            )
        if unit not in _UNITS:
            return name, None, (0.0, 0.0), [f"values in {unit or 'no unit'!r}"]
        if all(r.count("\t") == 2 and "." not in r for r in rows):
            # Gwyddion writes the locale's decimal mark unless "Use dot as decimal separator"
            # is ticked (xyzexport): tab-separated x, y, z with decimal commas
            rows = [r.replace(",", ".") for r in rows]
        xyz = _matrix_values(p, rows, name)
        if xyz.shape[1] != 3:
            raise DataFormatError(
                f"{p}: channel {name!r}: {xyz.shape[1]} values a line under a header with "
                "'Lateral units'; Gwyddion's XYZ export writes x, y, z."
            )
        f_xy, f_z = _UNITS[lateral], _UNITS[unit]
        grid = _named_grid(p, xyz[:, 0] * f_xy, xyz[:, 1] * f_xy, xyz[:, 2] * f_z, name, [], {})
        z, size = grid.heights_m, grid.size_m
        notes.append(
            f"Gwyddion XYZ export, channel {name!r} (x, y in {lateral}, heights in {unit}); "
            + grid.notes[0]
        )
    else:
        return None
    return name, z, (float(size[0]), float(size[1])), notes


def _read_ascii_matrix(p: Path, channel: str | int | None) -> Topography | None:
    """A height matrix under a ``#`` header (Gwyddion's ASCII export, in any of its languages,
    several exports in a row; SPIP and attocube ASCII), or Gwyddion's XYZ export under its
    ``# Lateral units:``/``# Value units:`` header, in the units the header states (a channel
    whose values are no length is refused). None for any other file."""
    blocks = _matrix_blocks(p)
    if not blocks:
        return None
    found = [c for k, (h, rows) in enumerate(blocks) if (c := _matrix_channel(p, h, rows, k))]
    if not found:
        return None
    names = [c[0] for c in found]
    lengths = [k for k, c in enumerate(found) if c[1] is not None]
    if channel is None:
        if not lengths:
            raise DataFormatError(
                f"{p}: no channel holds heights: "
                + ", ".join(f"{c[0]!r} ({c[3][0]})" for c in found)
                + ". Export the height (topography) channel."
            )
        k = lengths[0]
    else:
        k = _pick(names, channel, p)
        if found[k][1] is None:
            raise DataFormatError(
                f"{p}: channel {names[k]!r} has {found[k][3][0]}, not heights; height "
                f"channels: {[names[j] for j in lengths]}."
            )
    name, z, size, notes = found[k]
    return Topography(z, size, name, p, names, notes, {"header": blocks[k][0]})


#: Zygo MetroPro's XYZ export ("Zygo XYZ Data File - Format 1"): a 14-line header whose line 8
#: holds the camera resolution [m/pixel] as its 7th field, a ``#`` line, then ``x y z`` rows of
#: pixel indices and the height in micrometres (``No Data`` where none was measured), closed by
#: another ``#`` (MetroPro Reference Guide, "XYZ data file format").
_ZYGO_XYZ = "zygo xyz data file"
ZYGO_HEIGHT_UNIT_M = 1e-6


def _read_zygo_xyz(p: Path) -> Topography | None:
    """A Zygo MetroPro XYZ export, or None for any other file.

    SurfaceTopography has no reader for it: it was refused ("no reader recognises its format").
    """
    with open(p, "rb") as fh:
        head = fh.read(64)
    if not head.lstrip().lower().startswith(_ZYGO_XYZ.encode()):
        return None
    lines = p.read_text(encoding="latin-1").splitlines()
    marks = [k for k, line in enumerate(lines) if line.strip() == "#"]
    if not marks or marks[0] < 8:
        raise DataFormatError(
            f"{p}: a Zygo XYZ file without its header (14 lines, then a '#' line): re-export it "
            "from MetroPro or Mx."
        )
    fields = lines[7].split()
    try:
        pixel = float(fields[6])
    except (IndexError, ValueError):
        pixel = 0.0
    if not (np.isfinite(pixel) and pixel > 0):
        raise DataFormatError(
            f"{p}: the Zygo XYZ header's line 8 ({lines[7].strip()!r}) gives no camera "
            "resolution (its 7th field, metres per pixel), which sets the lateral scale; "
            "re-export the file with the instrument's calibration."
        )
    end = marks[1] if len(marks) > 1 else len(lines)
    xs, ys, zs = [], [], []
    for n, line in enumerate(lines[marks[0] + 1 : end], start=marks[0] + 2):
        cells = line.split()
        if len(cells) < 3:
            continue
        try:
            xs.append(int(float(cells[0])))
            ys.append(int(float(cells[1])))
            zs.append(np.nan if cells[2].lower() == "no" else float(cells[2]))
        except ValueError:
            raise DataFormatError(
                f"{p}: line {n} ({line.strip()!r}) of the Zygo XYZ data is not 'x y z' (pixel "
                "indices and a height in um, or 'No Data')."
            ) from None
    if len(zs) < 4:
        raise DataFormatError(f"{p}: the Zygo XYZ file holds {len(zs)} points; no height map.")
    x, y = np.asarray(xs) - min(xs), np.asarray(ys) - min(ys)
    grid = np.full((int(y.max()) + 1, int(x.max()) + 1), np.nan)
    grid[y, x] = np.asarray(zs) * ZYGO_HEIGHT_UNIT_M
    if grid.shape[0] < 2 or grid.shape[1] < 2:
        raise DataFormatError(f"{p}: the Zygo XYZ points span one line; no height map.")
    size = (grid.shape[1] * pixel, grid.shape[0] * pixel)
    notes = [
        f"Zygo XYZ export: heights in um, {pixel * 1e6:.4g} um per pixel (the header's camera "
        "resolution)"
    ]
    return Topography(grid, size, "height", p, ["height"], notes, {"pixel size [m]": pixel})


def _read_wyko_ascii(p: Path) -> Topography | None:
    """Veeco/Bruker Wyko ASCII export (``Wyko ASCII Data File Format 0 <real units> 1``; the
    layout of Gwyddion's opdfile module): ``Pixel_size`` [mm], ``Wavelength`` [nm] and ``Mult``
    in a block table, then ``RAW_DATA``: ``X Size`` lines of ``Y Size`` values (the values of a
    line taken along x, as SurfaceTopography's AscReader reads them), ``Bad`` where undefined; heights in nm (real units 1) or in wavelength / Mult (0).
    SurfaceTopography 1.25 took the file for a two-column profile in metres. None for any other
    file."""
    with open(p, "rb") as fh:
        if not fh.read(64).startswith(b"Wyko ASCII Data File Format"):
            return None
    lines = p.read_bytes().decode("latin-1").splitlines()
    flags = lines[0].split("\t")
    table = {ln.split("\t")[0].strip().lower(): ln.split("\t") for ln in lines[1:] if "\t" in ln}
    try:
        start = next(i for i, ln in enumerate(lines) if ln.startswith("RAW_DATA")) + 1
        pixel_m = float(table["pixel_size"][3]) * 1e-3
        rows = [[_number_or_nan(v) for v in ln.split("\t")] for ln in lines[start:] if ln.strip()]
        z = np.array(rows, dtype=float)
        real_units = flags[1].strip() == "1"
        scale = 1.0 if real_units else float(table["wavelength"][3]) / float(table["mult"][3])
    except (StopIteration, KeyError, IndexError, ValueError):
        raise DataFormatError(
            f"{p}: a Wyko ASCII export without a readable Pixel_size, Wavelength/Mult or "
            "RAW_DATA block (or with lines of unequal length); export it again."
        ) from None
    notes = [
        "Wyko ASCII export: heights in nm"
        + ("" if real_units else f" from wavelength / Mult = {scale:g} nm per unit")
    ]
    ny, nx = z.shape
    return Topography(
        z * scale * 1e-9, (nx * pixel_m, ny * pixel_m), "Height", p, ["Height"], notes
    )


# --------------------------------------------------------------------------------------------
# ISO 25178-71 surface data file (SDF) of a version SurfaceTopography does not read
# --------------------------------------------------------------------------------------------
#: The 8-byte version identifier an SDF file starts with: ``aISO-1.0`` (text) or ``bISO-2.0``
#: (binary). SurfaceTopography 1.25 (IO/SDF.py) knows only version 1.0; a version 2.0 file
#: (sdfio's interop samples, a Digital Surf MountainsMap 11 export) fell through to its matrix
#: reader and was refused as "a bare matrix of heights, which states neither the scan size nor
#: the height unit" although its header states both.
_SDF_MAGIC = re.compile(rb"^(?P<form>[ab])ISO-(?P<version>\d\.\d)")
#: SDF data types (the ``DataType`` code) as little-endian NumPy types with the raw value that
#: marks a point not measured (a binary file's sentinel; a text file writes ``BAD``), as
#: sdfio's datatypes.py lists them: 3 binary32, 4 int8 (version 2.0), 5 int16, 6 int32, 7
#: binary64.
_SDF_TYPES = {
    3: ("<f4", -3.402823466e38),
    4: ("<i1", -128.0),
    5: ("<i2", -32768.0),
    6: ("<i4", -2147483648.0),
    7: ("<f8", -1.7976931348623158e308),
}
#: Header fields the grid needs (record 1 of ISO 25178-71).
_SDF_FIELDS = ("numpoints", "numprofiles", "xscale", "yscale", "zscale", "datatype")


def _sdf_text_header(p: Path, text: str) -> tuple[dict[str, str], list[str], int]:
    """The ``Name = value`` fields of a text SDF's header (names lower-cased), its lines and
    the index of the line after the header's ``*``."""
    lines = text.splitlines()
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1:], 1):
        if line.strip() == "*":
            return fields, lines, i + 1
        name, sep, value = line.partition("=")
        if sep:
            fields[name.strip().lower()] = value.strip()
    raise DataFormatError(f"{p}: an SDF file whose header does not end with a '*' line.")


def _read_sdf(p: Path) -> Topography | None:
    """An ISO 25178-71 SDF file of a version other than 1.0 (text or binary); None for any
    other file (version 1.0 is left to SurfaceTopography, which reads it).

    The layout is sdfio's (MIT; src/sdfio/_ascii.py, _binary.py): a text file holds
    ``Name = value`` lines, a ``*`` line, the heights row by row (one row a profile, ``BAD``
    where undefined), a ``*`` line and an optional trailer; a binary file holds the fields
    packed (version 2.0: ``NumPoints``, ``NumProfiles`` as 32-bit counts) and the raw values.
    Heights are raw values times ``Zscale`` [m]; points are ``Xscale`` [m] apart along a
    profile and profiles ``Yscale`` [m] apart. The size is points times spacing, as
    SurfaceTopography sizes a version 1.0 file.
    """
    with open(p, "rb") as fh:
        head = fh.read(8)
    m = _SDF_MAGIC.match(head)
    if m is None or m["version"] == b"1.0":
        return None
    version = m["version"].decode()
    if version != "2.0":
        raise DataFormatError(
            f"{p}: an ISO 25178-71 SDF file of version {version}; solidna reads versions 1.0 "
            "and 2.0. Export the surface as SDF 2.0 or as a Gwyddion .gwy file."
        )
    if m["form"] == b"a":
        fields, lines, start = _sdf_text_header(p, p.read_bytes().decode("latin-1"))
        missing = [f for f in _SDF_FIELDS if f not in fields]
        if missing:
            raise DataFormatError(
                f"{p}: an SDF (version {version}) header without {', '.join(missing)}; solidna "
                "needs NumPoints, NumProfiles, Xscale, Yscale, Zscale and DataType. Export the "
                "surface again as SDF or as a Gwyddion .gwy file."
            )
        try:
            nx, ny = int(fields["numpoints"]), int(fields["numprofiles"])
            dx, dy = float(fields["xscale"]), float(fields["yscale"])
            dz = float(fields["zscale"])
            code = int(fields["datatype"])
            compression = int(fields.get("compression", "0"))
        except ValueError:
            found = ", ".join(f"{k} = {fields[k]!r}" for k in _SDF_FIELDS)
            raise DataFormatError(f"{p}: the SDF header's grid is not numeric: {found}.") from None
        end = next((i for i in range(start, len(lines)) if lines[i].strip() == "*"), len(lines))
        tokens = " ".join(lines[start:end]).split()
        try:
            raw = np.array([np.nan if t.upper() == "BAD" else float(t) for t in tokens])
        except ValueError:
            bad = next(t for t in tokens if t.upper() != "BAD" and not _NUMBER_TEXT.match(t))
            raise DataFormatError(
                f"{p}: the SDF data hold {bad!r}, neither a number nor 'BAD'."
            ) from None
        form = "text"
    else:
        buf = p.read_bytes()
        counts = "<II"  # version 2.0 (version 1.0: "<HH")
        at = 8 + 10 + 12 + 12  # magic, ManufacID, CreateDate, ModDate
        try:
            nx, ny = struct.unpack_from(counts, buf, at)
            at += struct.calcsize(counts)
            dx, dy, dz, _, compression, code, _ = struct.unpack_from("<ddddBBB", buf, at)
        except struct.error:
            raise DataFormatError(f"{p}: a binary SDF file shorter than its header.") from None
        at += struct.calcsize("<ddddBBB")
        raw = None
        form = "binary"
    if code not in _SDF_TYPES:
        raise DataFormatError(
            f"{p}: SDF data type {code}; solidna reads types {sorted(_SDF_TYPES)} (ISO 25178-71)."
        )
    if compression != 0:
        raise DataFormatError(
            f"{p}: a compressed SDF data area (Compression = {compression}); export the surface "
            "uncompressed."
        )
    if nx < 1 or ny < 1 or not all(math.isfinite(v) and v > 0 for v in (dx, dz)):
        raise DataFormatError(
            f"{p}: the SDF header states {nx} x {ny} points, Xscale {dx:g} m and Zscale {dz:g}: "
            "no grid (they must be positive)."
        )
    dtype, sentinel = _SDF_TYPES[code]
    if raw is None:
        size = nx * ny * np.dtype(dtype).itemsize
        if len(buf) - at < size:
            raise DataFormatError(
                f"{p}: the SDF header states {nx} x {ny} points but the file holds "
                f"{(len(buf) - at) // np.dtype(dtype).itemsize} values."
            )
        words = np.frombuffer(buf, dtype=dtype, count=nx * ny, offset=at)
        raw = np.where(words == np.array(sentinel, dtype=dtype), np.nan, words.astype(float))
    if raw.size != nx * ny:
        raise DataFormatError(
            f"{p}: the SDF header states {nx} points x {ny} profiles ({nx * ny} values) but the "
            f"data hold {raw.size}."
        )
    heights = raw.reshape(ny, nx) * dz
    notes = [
        f"ISO 25178-71 SDF version {version} ({form}): heights = values x Zscale {dz:g} m, "
        f"points {dx:g} m apart"
        + (f", profiles {dy:g} m apart" if ny > 1 else "")
        + "; read here (SurfaceTopography reads SDF version 1.0 only)"
    ]
    meta = {"format": f"SDF {version} ({form})", "pixel size [m]": (dx, dy)}
    if ny == 1:
        # "NumProfiles = 1" is a profile: Yscale means nothing (ISO 25178-71, as sdfio's header
        # notes)
        notes.append("one profile: a line profile")
        x = np.arange(nx) * dx
        return Topography(heights[0], (nx * dx, 0.0), "Height", p, ["Height"], notes, meta, x)
    if not (math.isfinite(dy) and dy > 0):
        raise DataFormatError(f"{p}: the SDF header states Yscale {dy:g} for {ny} profiles.")
    return Topography(heights, (nx * dx, ny * dy), "Height", p, ["Height"], notes, meta)


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
    # the z unit of each field: a length (or none, taken as metres) is a height
    z_units = [str(o.get("si_unit_z", {}).get("unitstr", "")) for o in fields.values()]
    key, notes = _height_channel(p, titles, z_units, channel)
    obj = list(fields.values())[key]
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


#: Asylum Research image channels and the unit of their values (the Igor wave states one data
#: unit for all its layers, "V" in afm-tools' tests/ibw_preview/sample.ibw, MIT, whose height
#: layers hold metres): heights and the other lengths are in m, phases in degrees. A channel
#: named otherwise is not taken for heights.
_ASYLUM_UNITS = {
    "height": "m",
    "zsensor": "m",
    "amplitude": "m (an amplitude)",
    "latamplitude": "m (an amplitude)",
    "deflection": "m (a deflection)",
    "phase": "deg",
    "latphase": "deg",
    "lateral": "V",
    "potential": "V",
    "current": "A",
    "frequency": "Hz",
}
#: An Asylum channel name: the channel, then the scan direction (``HeightRetrace``).
_ASYLUM_CHANNEL = re.compile(r"^([A-Za-z]+?)(Trace|Retrace)?$")
#: The scan size in an Asylum note (``FastScanSize: 1e-05``) [m].
_ASYLUM_SIZE = re.compile(r"^(Fast|Slow)ScanSize:\s*([-+0-9.eE]+)\s*$", re.M)


def _ibw_dim_labels(p: Path, header: dict[str, Any], ndim: int) -> list[list[str]]:
    """The dimension labels of an Igor binary wave (version 5), cut at their NUL: igor2 joins a
    label with what the 32-byte field held before (``HeightRetracetrace``). The section follows
    the wave, its formula, note and unit strings (Igor Technical Note 003)."""
    start = 64 + int(header["wfmSize"]) + int(header["formulaSize"]) + int(header["noteSize"])
    start += int(header["dataEUnitsSize"]) + sum(int(v) for v in header["dimEUnitsSize"])
    raw = p.read_bytes()
    out = []
    for size in (int(v) for v in header["dimLabelsSize"][:ndim]):
        block = raw[start : start + size]
        start += size
        out.append(
            [block[i : i + 32].split(b"\0", 1)[0].decode("latin-1") for i in range(0, size, 32)]
        )
    return out


def _read_asylum_ibw(p: Path, channel: str | int | None) -> Topography | None:
    """An Asylum Research image saved as an Igor binary wave (``.ibw``: one layer per channel,
    the scan settings in the wave's note), or None for any other file.

    It was refused ("SurfaceTopography cannot read it; open it in Gwyddion"); igor2, which
    afmformats already needs, reads the wave. The layers are named by the wave's labels
    (``HeightRetrace``, ``ZSensorRetrace``, ``PhaseRetrace``), their units by the channel
    (:data:`_ASYLUM_UNITS`, said in the notes), the size by the note's ``FastScanSize`` and
    ``SlowScanSize`` [m] (else the wave's point spacing times its points).
    """
    if p.suffix.lower() != ".ibw":
        return None
    try:
        from igor2 import binarywave
    except ImportError:
        return None
    try:
        loaded = binarywave.load(str(p))
    except Exception:  # not an Igor wave igor2 reads: the other readers decide
        return None
    wave = loaded["wave"]
    header = wave["wave_header"]
    data = np.asarray(wave["wData"], dtype=float)
    try:
        lateral = [b"".join(header["dimUnits"][d]).decode("latin-1") for d in (0, 1)]
    except (KeyError, IndexError, TypeError):
        lateral = []
    if data.ndim == 2 and lateral == ["m", "m"]:
        data = data[:, :, None]
    # an image has two lateral axes in metres (a force wave: points x channels, or 1-D)
    if data.ndim != 3 or min(data.shape[:2]) < 2 or lateral not in (["m", "m"], ["", ""]):
        return None
    try:
        labels = _ibw_dim_labels(p, wave["bin_header"], 3)[2][1:]
    except (KeyError, IndexError, TypeError):
        labels = []
    names = [
        labels[k] if k < len(labels) and labels[k] else f"layer {k}" for k in range(data.shape[2])
    ]
    units = []
    for n in names:
        m = _ASYLUM_CHANNEL.match(n)
        units.append(_ASYLUM_UNITS.get(m.group(1).lower(), "no stated unit") if m else "no label")
    k, notes = _height_channel(p, names, units, channel)
    note = wave["note"].decode("latin-1", "replace").replace("\r", "\n")
    size = {m.group(1).lower(): float(m.group(2)) for m in _ASYLUM_SIZE.finditer(note)}
    nx, ny = data.shape[0], data.shape[1]
    if "fast" in size and "slow" in size:
        sx, sy = size["fast"], size["slow"]
        said = f"scan size {sx:g} m x {sy:g} m (the note's FastScanSize, SlowScanSize)"
    else:
        sx, sy = (float(header["sfA"][0]) * nx, float(header["sfA"][1]) * ny)
        said = f"scan size {sx:g} m x {sy:g} m (the wave's point spacing times its points)"
    notes.append(
        f"Asylum Research image (Igor binary wave): channel {names[k]!r} in {units[k]} (Asylum "
        f"stores height channels in metres; the wave's own data unit names no channel), {said}"
    )
    # Igor's first index is x (along a line), its second y: rows of y, as the other readers
    heights = data[:, :, k].T * _UNITS[units[k]]
    return Topography(heights, (sx, sy), names[k], p, names, notes, {"format": "Asylum .ibw"})


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


def _height_channel(
    p: Path, names: list[str], value_units: list[str], channel: str | int | None
) -> tuple[int, list[str]]:
    """The channel to read: the one asked for, else the first that holds heights; and the
    notes to keep.

    A channel holds heights when the unit of its values is a length of :data:`_UNITS` or ""
    (none stated: the lateral unit applies). An AFM file often lists amplitude (V) and phase
    (deg) before its height channel: read first, they were refused ("unknown length unit 'V'")
    or taken for heights in the lateral unit (a phase in degrees became "roughness" in nm).

    Parameters
    ----------
    p : Path
        The file (for messages).
    names : list of str
        The channels' names.
    value_units : list of str
        The unit of each channel's values ("" when the file states none).
    channel : str or int, optional
        The channel asked for (name or index).
    """
    heights = [k for k, u in enumerate(value_units) if u in _UNITS or not u]
    listed = ", ".join(f"{n!r} in {u!r}" for n, u in zip(names, value_units, strict=True))
    if channel is None:
        if not heights:
            raise DataFormatError(
                f"{p}: no channel holds heights (a length): {listed}. Save the height "
                "(topography) channel with the image."
            )
        k = heights[0]
        notes = []
        if k:
            notes.append(
                f"channel {names[k]!r} read, the first that holds heights (before it: "
                + ", ".join(f"{n!r} in {u!r}" for n, u in zip(names[:k], value_units, strict=False))
                + "); choose another with --channel, or channel= in Python"
            )
        return k, notes
    k = _pick(names, channel, p)
    if k not in heights:
        raise DataFormatError(
            f"{p}: channel {names[k]!r} holds values in {value_units[k]!r}, not heights; height "
            f"channels: {[names[j] for j in heights]}."
        )
    return k, []


def _value_unit(unit: Any) -> str:
    """The unit of a SurfaceTopography channel's values: it gives a channel whose values are no
    length (a NanoScope ``Phase`` or ``AmplitudeError``) the unit ``(lateral, value)``, a height
    channel its length unit alone ("" returned: the lateral unit applies)."""
    if isinstance(unit, (tuple, list)):
        return str(unit[1]) if len(unit) > 1 and unit[1] else "a unit that is no length"
    return ""


#: Suffixes afmformats reads that name no force-curve file by themselves: it takes any numeric
#: ``.txt`` for an NT-MDT Nova export and a ``.csv`` for an AFM Workshop one
#: (``afmformats.formats``, 0.18), so its recognising them says nothing.
_AMBIGUOUS_FORCE_SUFFIXES = (".txt", ".csv")


def _confirm_force_curves(p: Path) -> None:
    """Raise unless afmformats loads at least one force curve from ``p`` (a file that lacks
    only the calibration to give forces counts: afmformats recognised its curves)."""
    import afmformats

    try:
        if not afmformats.load_data(p):
            raise DataFormatError(f"{p}: no force curves")
    except BaseException as exc:
        if type(exc).__name__ != "MissingMetaDataError":
            raise


def _force_curve_hint(p: Path) -> str:
    """A sentence sending a force-curve file to the AFM analyses, or "" for any other file.

    A JPK ``.jpk-force``/``.jpk-force-map``/``.jpk-qi-data``, an afmformats HDF5 or ``.tab``
    export or an Asylum force wave (``.ibw``) given as a topography was refused as "no height
    channel" or "is it a complete .di/.spm/.nid/.gwy file?", which sent the user to re-export a
    file that is complete. afmformats' own format detection (``get_recipe``: the suffix, then
    each recipe's check of the content) tells them apart.
    """
    if p.suffix.lower() in _AMBIGUOUS_FORCE_SUFFIXES:
        return ""
    from solidna.analysis.afm import _quiet_afmformats

    try:
        from afmformats.formats import get_recipe

        with _quiet_afmformats():
            recipe = get_recipe(p)
            if "detect" not in getattr(recipe, "recipe", {}):
                # a recipe that checks the suffix only (Asylum .ibw: an image is an .ibw too):
                # afmformats must load force curves from it
                _confirm_force_curves(p)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # afmformats' errors derive from BaseException; missing: no hint
        return ""
    what = f"{getattr(recipe, 'maker', '')} {getattr(recipe, 'descr', '')}".strip()
    return (
        f" It is an AFM force-curve file ({what or p.suffix}), not a height map: analyse it "
        "with solidna analyze --kind afm-force (single curves) or --kind afm-map (a force map), "
        "or read_force_curves() in Python."
    )


#: Height-map formats that neither solidna nor SurfaceTopography reads, by suffix, with the
#: export to make instead (AFMReader's tests/resources: sample_0.ibw, an Asylum Research image,
#: was refused with "is it a complete .di/.spm/.nid/.gwy/... file?"; sample_0.asd, a high-speed
#: AFM movie, with "MemoryError").
_UNREAD_MAPS = {
    ".ibw": (
        "an Igor binary wave (Asylum Research .ibw) that is neither an image with lateral axes "
        "in metres nor a force curve. Open it in Gwyddion and save the height channel as a "
        "Gwyddion .gwy file, or export it as 'ASCII data matrix' with 'Add informational "
        "header' (it states the scan size and the height unit)."
    ),
    ".asd": (
        "a high-speed AFM movie (.asd, RIBM/Ando), a series of frames; solidna reads single "
        "height maps. Save the frame you need as a Gwyddion .gwy file or as an 'ASCII data "
        "matrix' with its informational header (scan size and height unit)."
    ),
}


def read_topography(path: str | os.PathLike[str], channel: str | int | None = None) -> Topography:
    """Read a height map (first channel, or ``channel`` by index or name).

    Parameters
    ----------
    path : str or os.PathLike
        Topography file: Bruker/Nanoscope ``.di``/``.spm``, Nanosurf ``.nid``, Gwyddion
        ``.gwy``, an Asylum Research image (``.ibw``) or any other format SurfaceTopography
        reads.
    channel : str or int, optional
        Channel to read, by its name in the file or its 0-based index (an all-digit string counts
        as an index). Default: the first channel.

    Returns
    -------
    Topography
        Heights [m] (rows: y, columns: x; NaN where the file has none), physical size
        ``(x, y)`` [m], the channel read, the names of all channels and notes on the unit
        conversion. A line profile (a two-column text file) has 1-D heights and its x positions
        in ``positions_m`` [m].

    Raises
    ------
    DataFormatError
        Empty/unreadable file, unknown channel, or SurfaceTopography missing. An AFM
        force-curve file that afmformats recognises (JPK ``.jpk-force``, afmformats HDF5 or
        ``.tab`` export, Asylum force wave) is named as one, with the analyses that read it.
    """
    from solidna.analysis.afm import require_surface_extra
    from solidna.analysis.io import check_file

    p = check_file(path, "a topography file (Bruker .spm, Nanosurf .nid, Gwyddion .gwy, ...)")
    with open(p, "rb") as fh:  # the magic only: _read_gwy reads the whole file once
        gwyddion = fh.read(4) == b"GWYP"
    if gwyddion:
        return _read_gwy(p, channel)
    from solidna.analysis.afm import _nanoscope_force_binary, _nanoscope_force_message

    if _nanoscope_force_binary(p) == "FOL":
        # single force curves, no image: SurfaceTopography took the binary ramps for "a bare
        # matrix of heights" (a force volume, FVOL, holds a height image and is read below)
        raise DataFormatError(_nanoscope_force_message(p, "FOL"))
    topostats = _read_topostats(p, channel)
    if topostats is not None:
        return topostats
    asylum = _read_asylum_ibw(p, channel)
    if asylum is not None:
        return asylum
    grid = (
        _read_sdf(p)
        or _read_zygo_xyz(p)
        or _read_header_grid(p)
        or _read_ascii_matrix(p, channel)
        or _read_wyko_ascii(p)
    )
    if grid is not None:
        return grid
    table = _read_keyence_csv(p) or _read_named_table(p, channel) or _read_unit_line_table(p)
    if table is not None:
        return table
    unread = _UNREAD_MAPS.get(p.suffix.lower())
    if p.suffix.lower() == ".asd":
        # SurfaceTopography has no reader for it, and one of its readers allocates what the
        # movie's header is taken to state (a MemoryError)
        raise DataFormatError(f"{p}: {unread}")
    st = require_surface_extra("SurfaceTopography")
    try:
        reader = st.open_topography(str(p))
        names = [c.name for c in reader.channels]
        if not names:
            raise DataFormatError(f"{p}: the file holds no height channel." + _force_curve_hint(p))
        k, channel_notes = _height_channel(
            p, names, [_value_unit(getattr(c, "unit", None)) for c in reader.channels], channel
        )
        topo = reader.topography(channel_index=k)
        # undefined points come as a masked array: NaN, so that nothing takes them as heights
        heights = np.ma.filled(np.ma.asarray(topo.heights(), dtype=float), np.nan)
        wide = _nanoscope_32bit(p, reader.channels[k])
        if wide is not None:
            heights = wide[0]
            channel_notes.append(wide[1])
        positions = np.asarray(topo.positions(), float) if topo.dim == 1 else None
    except DataFormatError:
        raise
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        hint = _force_curve_hint(p)
        if hint:
            # an AFM force curve (afmformats' .tab export is a table of numbers to
            # SurfaceTopography): asking for a complete .di/.gwy file or a re-exported matrix
            # misled
            if type(exc).__name__ == "CannotDetectFileFormat":
                reason = "no reader of SurfaceTopography recognises its format"
            raise DataFormatError(f"{p}: not a topography ({reason}).{hint}") from None
        if unread:
            # SurfaceTopography's own failure names neither the format nor an export: its list
            # of 16 readers tried (AFMReader's sample_0.ibw), or a missing physical size
            raise DataFormatError(f"{p}: {unread}") from None
        with open(p, "rb") as fh:
            hdf5 = fh.read(8) == _HDF5_MAGIC
        if hdf5:
            # SurfaceTopography takes any HDF5 dataset for a height map without a size (JPK's
            # .h5-jpk, AFMReader's sample_0.h5-jpk): "a bare matrix of heights" misled
            raise DataFormatError(
                f"{p}: an HDF5 file ({p.suffix or 'no suffix'}) whose layout solidna does not read "
                f"as a height map ({reason}). Save the height channel as a Gwyddion .gwy file or "
                "as an 'ASCII data matrix' with 'Add informational header' (scan size and "
                "height unit); solidna reads TopoStats .topostats and afmformats force-curve "
                "HDF5 files."
            ) from None
        bare = type(exc).__name__ == "CannotDetectFileFormat" and _bare_matrix(p)
        if type(exc).__name__ == "CannotDetectFileFormat" and not bare:
            # its message lists every reader's own failure (~50 lines for a text file), which
            # names no cause the user can act on
            tried = str(exc).count("tried ")
            reason = f"no reader of SurfaceTopography recognises its format; {tried} tried"
        elif bare or (isinstance(exc, ValueError) and "physical_sizes" in str(exc)):
            # a bare matrix of numbers (numpy.savetxt, SurfaceTopography's to_matrix, "Save as
            # text" without a header): neither the scan size nor the height unit is in the file
            raise DataFormatError(
                f"{p}: a bare matrix of heights, which states neither the scan size nor the "
                "height unit. Export it again with them: Gwyddion 'ASCII data matrix' with "
                "'Add informational header' (# Width: 5.000 um, # Height: 5.000 um, # Value "
                "units: m), a Gwyddion .gwy file, or an x, y, z table whose columns name their "
                "units ('x (um)', 'y (um)', 'z (nm)')."
            ) from None
        raise DataFormatError(
            f"{p}: SurfaceTopography cannot read it ({reason}); is it a complete "
            ".di/.spm/.nid/.gwy/... file, or a text table of x, y, z or of a height matrix?"
        ) from None
    notes = channel_notes
    f = _factor(topo.unit, "the heights and sizes", notes)
    if topo.unit in (None, ""):
        _check_unitless(p, heights, topo.physical_sizes)
    info = {
        "info": {k2: str(v) for k2, v in getattr(topo, "info", {}).items() if k2 != "raw_metadata"}
    }
    if heights.ndim == 1 and positions is not None:
        notes.append(
            f"a line profile of {len(heights)} points, not a height map: profile roughness "
            "(Ra, Rq, ISO 4287)"
        )
        (length,) = topo.physical_sizes
        return Topography(
            heights * f, (float(length) * f, 0.0), names[k], p, names, notes, info, positions * f
        )
    if heights.ndim != 2:
        raise DataFormatError(
            f"{p}: the heights have {heights.ndim} dimension(s); solidna reads height maps (2-D) "
            "and line profiles (1-D)."
        )
    sx, sy = topo.physical_sizes
    # SurfaceTopography's arrays are indexed (x, y); ours are (rows = y, columns = x)
    return Topography(
        heights.T * f, (float(sx) * f, float(sy) * f), names[k], p, names, notes, info
    )


def _check_unitless(p: Path, heights: np.ndarray, sizes: Sequence[float]) -> None:
    """Refuse a map or profile that states no length unit when its heights spread over more
    than :data:`UNITLESS_MAX_ASPECT` times its extent: its positions and heights are in
    different units, and its roughness would come out wrong."""
    size = max((abs(float(v)) for v in sizes), default=0.0)
    finite = heights[np.isfinite(heights)]
    spread = float(np.ptp(finite)) if finite.size else 0.0
    if spread <= UNITLESS_MAX_ASPECT * size:
        return
    raise DataFormatError(
        f"{p}: the file states no length unit, and its heights spread over {spread:g} while "
        f"the scan spans {size:g} (more than {UNITLESS_MAX_ASPECT:g} times as deep as wide, "
        "which no AFM or profilometer measures): the positions and the heights are in different "
        "units (a profilometer's x, y, z export often gives x and y in mm and z in um). Name "
        "the units in a header line above the rows ('x (mm), y (mm), z (um)'), or export the "
        "map with them (Gwyddion .gwy, or 'ASCII data matrix' with 'Add informational header')."
    )


_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
#: TopoStats' HDF5 file (``.topostats``): the processed height map ``image`` [nm] (TopoStats
#: works in nm), its pixel size ``pixel_to_nm_scaling`` [nm], from file version 0.2 the raw
#: ``image_original`` too (AFMReader's tests/resources/sample_0_1.topostats and
#: sample_0_2.topostats). SurfaceTopography reads it as a bare HDF5 dataset without a size,
#: and solidna refused it as "a bare matrix of heights".
_TOPOSTATS_MAPS = ("image", "image_original")


def _read_topostats(p: Path, channel: str | int | None) -> Topography | None:
    """A TopoStats ``.topostats`` file's height map, or None for any other file."""
    with open(p, "rb") as fh:
        if fh.read(8) != _HDF5_MAGIC:
            return None
    try:
        import h5py
    except ImportError:  # h5py comes with SurfaceTopography and afmformats
        return None
    with h5py.File(p, "r") as h5:
        if "pixel_to_nm_scaling" not in h5 or "image" not in h5:
            return None
        names = [n for n in _TOPOSTATS_MAPS if n in h5]
        k = _pick(names, channel, p)
        heights_nm = np.asarray(h5[names[k]][()], dtype=float)
        pixel_nm = float(np.asarray(h5["pixel_to_nm_scaling"][()]))
        version = h5["topostats_file_version"][()] if "topostats_file_version" in h5 else None
    if heights_nm.ndim != 2 or not pixel_nm > 0:
        raise DataFormatError(
            f"{p}: a TopoStats file whose {names[k]!r} is not a height map ({heights_nm.shape}) "
            f"or whose pixel size ({pixel_nm} nm) is not positive."
        )
    ny, nx = heights_nm.shape
    notes = [
        f"TopoStats file: {names[k]!r} heights in nm and a pixel of {pixel_nm:g} nm "
        "(TopoStats' units)"
        + ("; the map as TopoStats processed it (flattened)" if names[k] == "image" else "")
    ]
    meta = {"topostats file version": str(version)} if version is not None else {}
    return Topography(
        heights_nm * 1e-9,
        (nx * pixel_nm * 1e-9, ny * pixel_nm * 1e-9),
        names[k],
        p,
        names,
        notes,
        meta,
    )


#: Bytes [-] of a NanoScope file searched for its header (it ends at ``\\*File list end``, a few
#: tens of kB into the file).
_NANOSCOPE_HEADER_MAX = 1 << 20


def _nanoscope_images(p: Path) -> list[dict[str, str]]:
    """The ``\\*Ciao image list`` sections of a Bruker NanoScope header, in file order (keys
    lower-cased, as SurfaceTopography's DI reader keeps them); empty for any other file."""
    images: list[dict[str, str]] = []
    with open(p, "rb") as fh:
        head = fh.read(_NANOSCOPE_HEADER_MAX)
    if not head.startswith(b"\\*"):
        return images
    section: dict[str, str] | None = None
    for text in head.decode("latin-1").splitlines():
        line = text.strip()
        if line.lower() == "\\*file list end":
            break
        if line.startswith("\\*"):
            section = {} if line[2:].lower() == "ciao image list" else None
            if section is not None:
                images.append(section)
        elif section is not None and line.startswith("\\"):
            key, _, value = line[1:].partition(": ")
            section[key.lower()] = value.strip()
    return images


def _nanoscope_32bit(p: Path, channel: Any) -> tuple[np.ndarray, str] | None:
    """The heights of a NanoScope image whose data block holds 4 bytes a pixel while its header
    says ``\\Bytes/pixel: 2``, in SurfaceTopography's array order; None for any other channel.

    NanoScope 9 writes 32-bit image data and may leave ``Bytes/pixel: 2`` in an image's header
    (AFMReader's tests/resources/sample_0.spm, "Height": 4 194 304 bytes for 1024 x 1024
    pixels). SurfaceTopography trusts Bytes/pixel and read 16-bit words: every other height 0
    and the image made of the first half of the data. The integers are read as stored (signed,
    little-endian) and scaled by the header's own ``V/LSB`` and sensitivity, as
    SurfaceTopography scales the 16-bit words (pySPM, which AFMReader uses, reads the same
    numbers; on that file the heights then spread as its Height Sensor channel does).
    """
    scale = getattr(channel, "height_scale_factor", None)
    images = _nanoscope_images(p)
    index = getattr(channel, "index", None)
    if scale is None or index is None or index >= len(images):
        return None
    image = images[index]
    try:
        nx, ny = int(image["samps/line"]), int(image["number of lines"])
        offset, length = int(image["data offset"]), int(image["data length"])
        stated = int(image["bytes/pixel"])
    except (KeyError, ValueError):
        return None
    if stated != 2 or length != 4 * nx * ny:
        return None
    with open(p, "rb") as fh:
        fh.seek(offset)
        raw = fh.read(length)
    if len(raw) < length:
        return None
    words = np.frombuffer(raw, dtype="<i4").reshape(ny, nx)
    # SurfaceTopography's order (IO/DI.py: reshape(ny, nx).T, then fliplr), which the caller
    # turns into rows = y
    heights = np.fliplr(words.T).astype(float) * scale
    name = getattr(channel, "name", "") or f"channel {index}"
    return heights, (
        f"{name!r}: the header states 2 bytes a pixel but its data block holds 4 "
        f"({length} bytes for {nx} x {ny} pixels, as NanoScope 9 writes them): read as 32-bit "
        "integers with the header's V/LSB scale"
    )


def _bare_matrix(p: Path) -> bool:
    """True when the file is a bare matrix of numbers separated by commas, semicolons or tabs
    (at least 4 rows of one width of at least 4): SurfaceTopography reads a bare matrix only
    when it is separated by spaces, so a comma-separated one (FibrousBiomaterials/
    AFM_Nanofiber_Analyzer's sample_anisotropic.txt) was refused as an unknown format, asking
    whether it was 'a text table ... of a height matrix', which it is."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    if b"\0" in head:
        return False
    lines = [line for line in head.decode("latin-1").splitlines() if line.strip()][:-1][:50]
    widths = set()
    for line in lines:
        cells = [c for c in _CELLS.split(line.strip()) if c]
        try:
            [float(c) for c in cells]
        except ValueError:
            return False
        widths.add(len(cells))
    return len(lines) >= 4 and len(widths) == 1 and widths.pop() >= 4


def _cells(x: np.ndarray) -> np.ndarray:
    """Length of profile each point stands for: half the gap to each neighbour (trapezoid);
    the same for every point of an evenly spaced scan.

    Evenly spaced points each stand for one spacing, as SurfaceTopography's line scans count
    them (``UniformLineScan.rms_height_from_profile`` is the plain mean): the trapezoid's half
    weights at the two ends put Rq of a sampled sine (4 periods over 64 points) 0.67 % above
    A/sqrt(2) and Ra 1.2 % above its mean |z|.
    """
    if len(x) < 2:
        return np.ones_like(x)
    gaps = np.abs(np.diff(x))
    if np.allclose(gaps, gaps.mean(), rtol=UNIFORM_RTOL):
        return np.ones_like(x)
    w = np.zeros_like(x)
    w[:-1] += gaps / 2
    w[1:] += gaps / 2
    return w


def _level_profile(h: np.ndarray, mode: str, x_m: np.ndarray | None) -> np.ndarray:
    x = np.arange(len(h), dtype=float) if x_m is None else np.asarray(x_m, float)
    if x.shape != h.shape:
        raise DataFormatError(
            f"a profile needs one position per height; got {x.shape} positions for "
            f"{h.shape} heights."
        )
    ok = np.isfinite(h)
    if ok.sum() < 2:
        raise DataFormatError(
            f"the profile holds {int(ok.sum())} finite height(s) of {h.size}; need at least 2."
        )
    w = _cells(x[ok])
    if mode == "none":
        return h - np.average(h[ok], weights=w)
    # the least-squares mean line of ISO 4287, each point weighted by its length of profile
    slope, icpt = np.polyfit(x[ok], h[ok], 1, w=np.sqrt(w))
    out = h - (icpt + slope * x)
    return out - np.average(out[ok], weights=w)


def level(heights: np.ndarray, mode: str = "plane", x_m: np.ndarray | None = None) -> np.ndarray:
    """Levelled heights (same unit); every mode also removes the mean.

    ``none``: the mean only; ``plane``: the least-squares plane ``a + b x + c y``; ``line``: the
    least-squares line ``a_j + b_j x`` of every row ``j`` (scan line). The fits use the finite
    heights only: missing points (NaN) stay NaN and do not spread. A line profile (1-D heights)
    is levelled by its least-squares mean line under ``plane`` and ``line`` alike.

    Parameters
    ----------
    heights : array_like of float
        Height map, 2-D (rows: y, columns: x), at least 2 x 2 points, or a line profile (1-D),
        in any length unit (e.g. [m], as :attr:`Topography.heights_m`); NaN for missing points.
    mode : str, optional
        One of :data:`LEVELS`: ``"none"``, ``"plane"`` (default) or ``"line"``.
    x_m : array_like of float, optional
        Positions of a profile's points (any length unit, e.g. [m]); default evenly spaced.
        Ignored for a map.

    Returns
    -------
    numpy.ndarray of float
        Levelled heights, same shape and unit as ``heights``, zero mean over the finite points.

    Raises
    ------
    DataFormatError
        ``heights`` is neither a profile nor 2-D with at least 2 x 2 points, or holds too few
        finite heights for the fit (1 for ``none``, 3 for ``plane``, 2 for a profile).
    InvalidOptionError
        Unknown ``mode``.
    """
    mode = check_choice("level", mode, LEVELS)
    h = np.asarray(heights, float)
    if h.ndim == 1:
        return _level_profile(h, mode, x_m)
    if h.ndim != 2 or min(h.shape) < 2:
        raise DataFormatError(f"a height map must be 2-D with at least 2x2 points; got {h.shape}.")
    ok = np.isfinite(h)
    n_ok = int(ok.sum())
    need = {"none": 1, "line": 2, "plane": 3}[mode]
    if n_ok < need:
        raise DataFormatError(
            f"the height map holds {n_ok} finite height(s) of {h.size}; levelling '{mode}' needs "
            f"at least {need}."
        )
    ny, nx = h.shape
    x = np.arange(nx) - (nx - 1) / 2
    y = np.arange(ny) - (ny - 1) / 2
    if mode == "none":
        return h - h[ok].mean()
    if mode == "line":
        # per-row least squares over the finite points of the row (sums with 0/1 weights)
        wt = ok.astype(float)
        hz = np.where(ok, h, 0.0)
        n, sx, sxx = wt.sum(axis=1), wt @ x, wt @ (x * x)
        sy, sxy = hz.sum(axis=1), hz @ x
        det = n * sxx - sx * sx
        with np.errstate(invalid="ignore", divide="ignore"):
            # a row with one finite point loses its offset only; an empty row stays missing
            slope = np.where(det > 0, (n * sxy - sx * sy) / np.where(det > 0, det, 1.0), 0.0)
            icpt = (sy - slope * sx) / n
        out = h - icpt[:, None] - np.outer(slope, x)
        return out - out[ok].mean()
    xx, yy = np.meshgrid(x, y)
    design = np.column_stack([np.ones(n_ok), xx[ok], yy[ok]])
    coef, *_ = np.linalg.lstsq(design, h[ok], rcond=None)
    out = h - (coef[0] + coef[1] * xx + coef[2] * yy)
    return out - out[ok].mean()


def roughness(
    heights: np.ndarray,
    region: tuple[slice, slice] | None = None,
    x_m: np.ndarray | None = None,
) -> dict[str, float]:
    """Sa, Sq, Sz, Sp, Sv, Ssk, Sku (ISO 25178-2) of ``heights`` (in its unit) or a region;
    Ra, Rq, Rz, Rp, Rv, Rsk, Rku (ISO 4287) of a line profile.

    Parameters
    ----------
    heights : array_like of float
        Height map, 2-D (rows: y, columns: x), or a line profile (1-D), in any length unit
        (e.g. [m]); non-finite heights (missing points) are left out.
    region : (slice, slice), optional
        Rows and columns of the evaluation area (one slice for a profile); its mean is removed
        before the parameters.
    x_m : array_like of float, optional
        Positions of a profile's points (same unit as ``heights``' positions, any); each point
        weighs the length of profile it stands for. Default evenly spaced. Ignored for a map.

    Returns
    -------
    dict of str to float
        ``Sa``, ``Sq``, ``Sz``, ``Sp``, ``Sv`` (a profile: ``Ra``, ``Rq``, ``Rz``, ``Rp``,
        ``Rv``) in the unit of ``heights``; ``Ssk``, ``Sku`` (``Rsk``, ``Rku``) [-].

    Raises
    ------
    DataFormatError
        The evaluation area holds fewer than 4 finite heights.
    """
    h = np.asarray(heights, float)
    profile = h.ndim == 1
    x = None
    if profile:
        x = np.arange(len(h), dtype=float) if x_m is None else np.asarray(x_m, float)
    if region is not None:
        h = h[region]
        x = None if x is None else x[region]
    ok = np.isfinite(h)
    if ok.sum() < 4:
        raise DataFormatError(
            f"the evaluation area holds {int(ok.sum())} finite height(s) of {h.size}; the "
            "roughness needs at least 4."
        )
    w = _cells(x[ok]) if profile else np.ones(int(ok.sum()))
    if profile and not np.all(w == 1):
        return _uneven_profile_roughness(x[ok], h[ok])
    h = h[ok]
    z = h - np.average(h, weights=w)
    sq = float(np.sqrt(np.average(z * z, weights=w)))
    p = "R" if profile else "S"
    return {
        f"{p}a": float(np.average(np.abs(z), weights=w)),
        f"{p}q": sq,
        f"{p}z": float(z.max() - z.min()),
        f"{p}p": float(z.max()),
        f"{p}v": float(-z.min()),
        f"{p}sk": float(np.average(z**3, weights=w) / sq**3) if sq > 0 else 0.0,
        f"{p}ku": float(np.average(z**4, weights=w) / sq**4) if sq > 0 else 0.0,
    }


def _uneven_profile_roughness(x: np.ndarray, h: np.ndarray) -> dict[str, float]:
    """Profile roughness of unevenly spaced points, as SurfaceTopography's
    ``NonuniformLineScan`` integrates it: the profile is linear between points and each
    parameter is its integral over the evaluation length (ISO 4287's definitions).

    Weighting the points' own values by half the gaps to their neighbours (a trapezoid of
    z**2) overestimates Rq by (x_i+1 - x_i) (z_i+1 - z_i)**2 / 6 per segment: +0.66 % on
    SurfaceTopography's ``nonuniform.asc``. SurfaceTopography has no mean absolute height of
    a non-uniform scan (its ``mad_height`` is a median), so Ra is integrated here the same way:
    a segment whose ends share a sign contributes dx (|a| + |b|) / 2, one that crosses zero
    dx (a**2 + b**2) / (2 (|a| + |b|)).
    """
    from SurfaceTopography import NonuniformLineScan

    order = np.argsort(x, kind="stable")
    x, h = x[order], h[order]
    z = h - NonuniformLineScan(x, h).mean()
    line = NonuniformLineScan(x, z)
    sq = float(np.sqrt(line.moment(2)))
    a, b, dx = z[:-1], z[1:], np.diff(x)
    crossing = a * b < 0
    span = np.abs(a) + np.abs(b)
    area = np.where(
        crossing, dx * (a * a + b * b) / (2 * np.where(crossing, span, 1.0)), dx * span / 2
    )
    return {
        "Ra": float(area.sum() / (x[-1] - x[0])),
        "Rq": sq,
        "Rz": float(z.max() - z.min()),
        "Rp": float(z.max()),
        "Rv": float(-z.min()),
        "Rsk": float(line.moment(3) / sq**3) if sq > 0 else 0.0,
        "Rku": float(line.moment(4) / sq**4) if sq > 0 else 0.0,
    }


def plot_image(topo: Topography, heights_m: np.ndarray, title: str = ""):
    """Height image in nm with a colour bar and the lateral size in um; a line profile
    (``topo.is_profile``) as height in nm against position in um.

    Parameters
    ----------
    topo : Topography
        The map the heights come from; its physical size ``size_m`` [m] sets the axes (of a
        profile, its ``positions_m`` [m]).
    heights_m : numpy.ndarray of float
        Heights to show [m], 2-D (rows: y, columns: x) or 1-D for a profile, e.g.
        ``level(topo.heights_m)``; shown in [nm].
    title : str, optional
        Title of the axes (default none).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (x and y in [um], colour bar in [nm]; a profile: x in [um], height in [nm]).
    """
    import matplotlib.pyplot as plt

    from solidna.report.style import apply_style

    apply_style()
    if topo.is_profile:
        fig, ax = plt.subplots(figsize=(6, 3.6))
        x = topo.positions_m if topo.positions_m is not None else np.arange(len(heights_m))
        ax.plot(np.asarray(x) * 1e6, np.asarray(heights_m) * 1e9, "-", lw=0.9)
        ax.axhline(0, color="0.5", lw=0.7, ls=":")
        ax.set_xlabel("x [\u00b5m]")
        ax.set_ylabel("Height [nm]")
        ax.set_title(title)
        return fig
    fig, ax = plt.subplots(figsize=(5.6, 4.6))
    sx, sy = topo.size_m
    z_nm = heights_m * 1e9
    # colour scale over the 0.5-99.5 % heights (as Gwyddion's "adaptive" range): a few spikes or
    # an edge artefact would otherwise spend the whole scale and leave the surface one colour
    finite = z_nm[np.isfinite(z_nm)]
    lo, hi = np.percentile(finite, [0.5, 99.5]) if finite.size else (0.0, 1.0)
    clipped = finite.size and (finite.min() < lo or finite.max() > hi)
    im = ax.imshow(
        z_nm,
        origin="lower",
        extent=(0, sx * 1e6, 0, sy * 1e6),
        cmap="afmhot",
        vmin=lo,
        vmax=hi if hi > lo else None,
    )
    fig.colorbar(im, ax=ax, label="Height [nm]", extend="both" if clipped else "neither")
    ax.grid(False)
    ax.set_xlabel("x [\u00b5m]")
    ax.set_ylabel("y [\u00b5m]")
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
    ax.set_xlabel("x [\u00b5m]")
    ax.set_ylabel("y [\u00b5m]")
    ax.set_zlabel("Height [nm]")
    ax.set_title(title)
    return fig
