"""AFM force curves and force maps: contact point, Young's modulus, adhesion, film thickness.

Files are read with ``afmformats`` (MIT; JPK ``.jpk-force``/``.jpk-force-map``, Asylum/Igor
``.ibw``, AFM Workshop CSV, NT-MDT, ...), imported lazily (``pip install solidna[surface]``).
JPK text exports (``# TEXT EXPORT``), which afmformats does not read, are read here
(:func:`read_jpk_text`).

The contact models are written here rather than taken from nanite, which is GPL-3.0 (solidna is
BSD-3). Force ``F`` against indentation ``delta`` (``E* = E / (1 - nu^2)``):

* paraboloid (Hertz 1882): ``F = 4/3 E* sqrt(R) delta^1.5``;
* cone (Sneddon 1965): ``F = 2/pi E* tan(alpha) delta^2``;
* four-sided pyramid (Bilodeau 1992): ``F = 0.7453 E* tan(alpha) delta^2``;
* sphere (Sneddon 1965, exact): ``delta = a/2 ln((R+a)/(R-a))``,
  ``F = E*/2 [(a^2 + R^2) ln((R+a)/(R-a)) - 2 a R]``;
* DMT (Derjaguin-Muller-Toporov 1975) on the retract curve: paraboloid plus the measured
  adhesion ``F + F_adh = 4/3 E* sqrt(R) delta^1.5``.

For a given contact point the force is linear in ``E``, so the fit solves ``E`` in closed form
and searches the contact point alone (variable projection): exact, and fast enough for maps.
"""

from __future__ import annotations

import logging
import math
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna.errors import DataFormatError, InvalidOptionError, check_choice, positive_float

__all__ = [
    "ForceCurve",
    "ContactFit",
    "INDENTERS",
    "read_force_curves",
    "read_jpk_text",
    "read_nanoscope_ascii",
    "read_nanoscope_force",
    "read_force_table",
    "indentation_force",
    "fit_contact",
    "adhesion",
    "film_thickness",
    "fit_force_map",
    "require_surface_extra",
]

#: Indenter geometries of :func:`fit_contact` (``dmt`` fits the retract curve).
INDENTERS = ("paraboloid", "cone", "pyramid", "sphere", "dmt")
#: Share of the approach points, just before the contact, whose mean force is the zero of force.
BASELINE_FRACTION = 0.1
#: A curve is in contact when its force rises above the baseline by this many baseline standard
#: deviations (and by at least 10 points): below it the curve is noise.
CONTACT_SIGMAS = 8.0
#: Slope ratio (substrate / film) that makes a stiffness change a film boundary.
STIFFENING_RATIO = 2.0
#: Bilodeau (1992) pre-factor of the four-sided pyramid.
PYRAMID_FACTOR = 0.7453


def require_surface_extra(module: str):
    """Import an optional surface-analysis reader, or say how to install it.

    Parameters
    ----------
    module : str
        Importable name of the package, e.g. ``"afmformats"``, ``"vamas"`` or
        ``"SurfaceTopography"`` (the ``surface`` extra).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    DataFormatError
        The package is not installed (the message says ``pip install solidna[surface]``).
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise DataFormatError(
            f"reading this file needs the optional package {module!r}: install it with "
            "`pip install solidna[surface]` (vamas, afmformats, SurfaceTopography)."
        ) from None


@dataclass
class ForceCurve:
    """One force-distance curve (SI units; time order within each segment).

    ``height`` is the cantilever base position [m] (larger = further from the surface); ``tip``
    the tip position ``height + (F - F0)/k`` when the spring constant is known (the cantilever
    bends away from the surface by ``F/k``; ``F0`` is the force baseline, the deflection at zero
    force), else ``height``.
    """

    approach_height_m: np.ndarray
    approach_force_N: np.ndarray
    retract_height_m: np.ndarray
    retract_force_N: np.ndarray
    spring_constant_N_m: float | None = None
    position_m: tuple[float, float] | None = None
    index: int = 0
    source: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def tip(self, segment: str = "approach", baseline_N: float = 0.0) -> np.ndarray:
        """Tip position: piezo height plus cantilever deflection (force / spring constant).

        Parameters
        ----------
        segment : {"approach", "retract"}, optional
            Which segment of the curve.
        baseline_N : float, optional
            Force baseline [N] (the recorded force, or deflection times spring constant, with
            the tip far from the surface; :attr:`ContactFit.baseline_N`), subtracted before the
            deflection is added: a recorded deflection offset (a photodiode not zeroed, e.g.
            -5 V in NanoScope "Native" units) is no bending of the cantilever and must not
            move the tip, as in afmformats' and nanite's tip position. Default 0 (the force
            as recorded).

        Returns
        -------
        numpy.ndarray of float
            Tip position [m]; the piezo height when no spring constant is known.
        """
        h = self.approach_height_m if segment == "approach" else self.retract_height_m
        f = self.approach_force_N if segment == "approach" else self.retract_force_N
        if self.spring_constant_N_m:
            return h + (f - baseline_N) / self.spring_constant_N_m
        return h


#: What a JPK text export starts with (JPK Data Processing, "Export as text"); afmformats reads
#: JPK curves only from the binary .jpk-force/.jpk-force-map files, so solidna reads the text
#: export itself (:func:`read_jpk_text`).
_JPK_TEXT_MARKS = ("# TEXT EXPORT", "# springConstant:", "# segment:")
#: The older JPK SPM software (2007) exported a curve as ``.out`` text: the same ``# key:
#: value`` header, ``# columns:`` and ``# units:`` lines, but no ``# TEXT EXPORT`` line and each
#: half under ``# direction: trace`` (the approach) or ``# direction: retrace`` (the retract)
#: instead of ``# segment:`` (the layout of afmToolkit's data-raw/data/*.out, read by its
#: afmReadJPK.R). solidna took it for a table of unknown columns and asked to rename them.
_JPK_DIRECTIONS = {"trace": "extend", "retrace": "retract"}
_JPK_OLD_MARKS = ("# columns:", "# units:", "# direction:")
#: JPK channel names of the cantilever base position, in afmformats' order of preference for the
#: binary files (measured sensor heights before the piezo's nominal ``height``), so that a curve
#: reads the same from its text export as from its .jpk-force file.
_JPK_HEIGHTS = ("strainGaugeHeight", "capacitiveSensorHeight", "measuredHeight", "height")
#: Unit prefixes a JPK text export may carry on a column (it writes SI base units by default).
_JPK_PREFIX = {"": 1.0, "m": 1e-3, "u": 1e-6, "\u00b5": 1e-6, "\u03bc": 1e-6, "n": 1e-9, "p": 1e-12}


@contextmanager
def _quiet_afmformats() -> Iterator[None]:
    """Keep afmformats' own logging (it logs a loader failure with its traceback, which Python
    prints to stderr when nothing handles it) and the NumPy warnings of its loaders off the
    user's terminal: solidna reports the failure itself, in one line."""
    logger = logging.getLogger("afmformats")
    quiet = logging.NullHandler()
    propagate = logger.propagate
    logger.addHandler(quiet)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.removeHandler(quiet)
        logger.propagate = propagate


def _jpk_text(p: Path) -> bool:
    with open(p, "rb") as fh:  # the header only
        head = fh.read(4000).decode("latin-1").lstrip("\ufeff")
    if head.startswith(_JPK_TEXT_MARKS[0]):
        return True
    if all(m in head for m in _JPK_OLD_MARKS) and head.startswith("#"):
        return True  # the older JPK SPM export, any suffix (it wrote .out)
    return p.suffix.lower() == ".txt" and all(m in head for m in _JPK_TEXT_MARKS[1:])


def _jpk_scale(unit: str, base: str) -> float | None:
    """The factor from ``unit`` (``nm``, ``N``, ``pN`` ...) to the SI ``base`` unit, or None when
    ``unit`` is not that quantity."""
    unit = unit.strip()
    if not unit.endswith(base):
        return None
    return _JPK_PREFIX.get(unit[: -len(base)])


def _jpk_segments(p: Path) -> list[dict[str, Any]]:
    """The segments of a JPK text export: header settings (``# key: value``) and numeric rows.

    A segment's header holds ``segment`` (extend, retract, pause ...), ``columns`` and ``units``;
    a header line after rows starts the next segment (JPK repeats the whole header there).
    """
    segments: list[dict[str, Any]] = []
    head: dict[str, str] = {}
    rows: list[list[float]] = []
    for n, line in enumerate(p.read_bytes().decode("latin-1").splitlines(), 1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("#"):
            if rows:
                segments.append({"head": head, "rows": rows})
                # file settings carry over; JPK repeats each segment's own below
                head = {k: v for k, v in head.items() if k not in ("segmentIndex", "segment")}
                rows = []
            key, sep, value = text.lstrip("#").partition(":")
            if sep:
                head[key.strip()] = value.strip()
                if key.strip() == "direction" and value.strip().lower() in _JPK_DIRECTIONS:
                    # the older JPK SPM export names a half by its scan direction
                    head["segment"] = _JPK_DIRECTIONS[value.strip().lower()]
            continue
        try:
            rows.append([float(v) for v in text.split()])
        except ValueError:
            raise DataFormatError(
                f"{p}: line {n} of the JPK text export is neither a '#' header line nor a row of "
                f"numbers ({text[:60]!r}); export the curve again from JPK Data Processing."
            ) from None
    if rows:
        segments.append({"head": head, "rows": rows})
    return segments


def _deflection_force(
    d: np.ndarray,
    unit: str,
    column: str,
    kspring: float | None,
    sens: float | None,
    where: str,
    notes: list[str],
) -> np.ndarray:
    """A deflection column as a force [N]: in N (any prefix) as it is, in m times the spring
    constant, in V times the sensitivity [m/V] and the spring constant; a note says which
    calibration was used (added once to ``notes``)."""
    if (s := _jpk_scale(unit, "N")) is not None:
        return d * s
    volts = _jpk_scale(unit, "V")
    s = volts if volts is not None else _jpk_scale(unit, "m")
    if s is None:
        raise DataFormatError(f"{where}: {column!r} is in {unit!r}; solidna reads it in N, m or V.")
    need = {"spring constant": kspring} | ({"sensitivity": sens} if volts is not None else {})
    missing = " and ".join(n for n, v in need.items() if not v)
    if missing:
        raise DataFormatError(
            f"{where}: {column!r} is in {unit!r} and the file states no {missing} to turn it "
            "into a force. Give it (--spring-constant '0.05 N/m', --sensitivity '50 nm/V' with "
            "solidna analyze; spring_constant_N_m=, sensitivity= [m/V] in Python) or export the "
            "deflection as a force (N)."
        )
    note = f"{column!r} in {unit} turned into a force with k = {kspring:g} N/m"
    note += f" and a sensitivity of {sens:g} m/V" if volts is not None else ""
    if note not in notes:
        notes.append(note)
    return d * s * (sens if volts is not None else 1.0) * kspring


def read_jpk_text(
    path: str | os.PathLike[str],
    sensitivity: float | None = None,
    spring_constant_N_m: float | None = None,
) -> list[ForceCurve]:
    """Force curves of a JPK text export (JPK Data Processing "Export as text", ``.txt``).

    afmformats reads JPK curves only from the binary ``.jpk-force`` files; the text export is a
    plain table per segment under ``# segment:``, ``# columns:`` and ``# units:`` lines, read
    here. The base position is the first of ``strainGaugeHeight``, ``capacitiveSensorHeight``,
    ``measuredHeight``, ``height`` the file holds (afmformats' choice for the binary files); the
    force is ``vDeflection`` in N, or in m or V turned into a force with the spring constant and
    sensitivity the header states (``# springConstant:``, ``# sensitivity:``) or given. A curve
    starts at each ``segmentIndex: 0``; its first ``extend`` segment is the approach, its first
    ``retract`` the retract curve, and pauses are left out (noted in ``metadata``). The older
    JPK SPM export (``.out``, no ``# TEXT EXPORT`` line) names its halves ``# direction:
    trace`` and ``retrace``: read as extend and retract.

    Parameters
    ----------
    path : str or os.PathLike
        The text export.
    sensitivity : float, optional
        Deflection sensitivity [m/V]; replaces the header's value.
    spring_constant_N_m : float, optional
        Spring constant [N/m]; replaces the header's value.

    Returns
    -------
    list of ForceCurve
        One per curve of the file, SI units.

    Raises
    ------
    DataFormatError
        No height or ``vDeflection`` column, units that are not a length or a force, a
        deflection in V or m without the calibration that turns it into a force, or no
        ``extend`` segment.
    """
    p = Path(path)
    groups: list[list[dict[str, Any]]] = []
    for seg in _jpk_segments(p):
        index, kind = seg["head"].get("segmentIndex"), seg["head"].get("segment")
        # a curve starts at segment 0 (or, without indices, where a segment kind repeats)
        if (
            not groups
            or index == "0"
            or (index is None and any(s["head"].get("segment") == kind for s in groups[-1]))
        ):
            groups.append([])
        groups[-1].append(seg)
    if not groups:
        raise DataFormatError(f"{p}: the JPK text export holds no rows of numbers.")
    return [_jpk_curve(p, k, g, sensitivity, spring_constant_N_m) for k, g in enumerate(groups)]


def _jpk_number(head: dict[str, str], key: str, positive: bool = True) -> float | None:
    """A header value as a number; None when absent, not a number (JPK writes ``----``) or,
    with ``positive``, not above zero."""
    try:
        value = float(head.get(key, ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and (value > 0 or not positive) else None


def _jpk_curve(
    p: Path,
    k: int,
    group: list[dict[str, Any]],
    sensitivity: float | None,
    spring_constant_N_m: float | None,
) -> ForceCurve:
    """One curve (its segments) of a JPK text export; see :func:`read_jpk_text`."""
    where = f"{p}: curve {k + 1}" if k else f"{p}"
    kinds = [s["head"].get("segment", "").lower() for s in group]
    if "extend" not in kinds:
        raise DataFormatError(
            f"{where}: no 'extend' segment (segments: {', '.join(kinds) or 'unnamed'}); export "
            "the approach (extend) segment with the curve."
        )
    head = group[kinds.index("extend")]["head"]
    kspring = spring_constant_N_m or _jpk_number(head, "springConstant")
    sens = sensitivity or _jpk_number(head, "sensitivity")
    notes: list[str] = []

    def columns(seg: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        h = seg["head"]
        names = h.get("columns", "").split()
        units = h.get("units", "").split()
        width = min(len(r) for r in seg["rows"])
        if not names or len(units) != len(names) or width < len(names):
            raise DataFormatError(
                f"{where}: segment {h.get('segment', '?')!r} names {len(names)} columns with "
                f"{len(units)} units over rows of {width} numbers; the '# columns:' and "
                "'# units:' lines must match the rows. Export the curve again."
            )
        table = np.array([r[: len(names)] for r in seg["rows"]], dtype=float)
        hname = next((c for c in _JPK_HEIGHTS if c in names), None)
        if hname is None or "vDeflection" not in names:
            raise DataFormatError(
                f"{where}: the export needs a height column ({', '.join(_JPK_HEIGHTS)}) and "
                f"'vDeflection'; it holds {', '.join(names)}. Select them in JPK Data "
                "Processing's text export."
            )
        hscale = _jpk_scale(units[names.index(hname)], "m")
        if hscale is None:
            raise DataFormatError(
                f"{where}: {hname!r} is in {units[names.index(hname)]!r}, not a length; export "
                "it calibrated (in m)."
            )
        dunit = units[names.index("vDeflection")]
        d = table[:, names.index("vDeflection")]
        force = _deflection_force(d, dunit, "vDeflection", kspring, sens, where, notes)
        return table[:, names.index(hname)] * hscale, force

    ha, fa = columns(group[kinds.index("extend")])
    if "retract" in kinds:
        hr, fr = columns(group[kinds.index("retract")])
    else:
        hr, fr = np.empty(0), np.empty(0)
        notes.append("no 'retract' segment: the approach alone")
    left = sorted({s for s in kinds if s not in ("extend", "retract")})
    if left or kinds.count("extend") > 1 or kinds.count("retract") > 1:
        notes.append(
            f"segments {', '.join(kinds)}: the first extend and retract are analysed, the "
            "others left out"
        )
    if any("direction" in s["head"] for s in group):
        notes.append(
            "older JPK SPM text export: '# direction: trace' read as the approach (extend), "
            "'retrace' as the retract"
        )
    x, y = (_jpk_number(head, key, positive=False) for key in ("xPosition", "yPosition"))
    try:
        index = int(head.get("index", k))
    except ValueError:
        index = k
    if index < 0:  # "index: -1": a single curve, not a map point
        index = k
    meta: dict[str, Any] = {"format": "JPK text export", "notes": notes}
    if sens:
        meta["sensitivity"] = sens
    return ForceCurve(
        ha,
        fa,
        hr,
        fr,
        kspring,
        None if x is None or y is None else (x, y),
        index,
        p,
        meta,
    )


#: A column of a Bruker NanoScope Analysis "ASCII Export" of a force curve: a quantity, a unit
#: and the segment, in either order (``Calc_Ramp_Ex_nm``, ``Defl_V_Ex``, ``Defl_pN_Rt``,
#: ``Height_Sensor_nm_Ex``).
_NANOSCOPE_COLUMN = re.compile(
    r"^(?P<what>[A-Za-z]+(?:_[A-Za-z]+)*?)_(?P<a>[A-Za-z]+)_(?P<b>[A-Za-z]+)$"
)
_NANOSCOPE_SEGMENTS = {"ex": "approach", "rt": "retract"}
#: Base positions in order of preference: the Z sensor (measured) before the calculated ramp.
_NANOSCOPE_HEIGHTS = ("height_sensor", "zsensor", "calc_ramp", "ramp")


#: How many lines an exported NanoScope header ("Export header" in the ASCII export) may take
#: before the column line.
NANOSCOPE_HEADER_LINES = 5000
#: The first line of a Bruker NanoScope force file (``.000``, ``.pfc``): a text header ended by
#: a SUB byte (0x1A), then the deflection and height ramps as binary integers
#: (PLSysGitHub/Nanoscope_ForceCurve_analysis' Example_RawData/cr00028.000, a BioScope
#: Catalyst curve, ``\Start context: FOL``; a force volume says ``FVOL``).
_NANOSCOPE_FORCE_MAGIC = b"\\*Force file list"
_NANOSCOPE_CONTEXT = re.compile(rb"^\\Start context:\s*(\w+)", re.M)


def _nanoscope_force_binary(path: str | os.PathLike[str]) -> str | None:
    """The start context (``"FOL"`` single curve, ``"FVOL"`` force volume) of a binary Bruker
    NanoScope force file, or None for any other file (its ASCII export included).

    Parameters
    ----------
    path : str or os.PathLike
        Any file.

    Returns
    -------
    str or None
        The ``\\Start context`` of the header (``"?"`` when it states none), or None.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 18)
    except OSError:
        return None
    if not head.startswith(_NANOSCOPE_FORCE_MAGIC) or b"\x1a" not in head:
        return None
    m = _NANOSCOPE_CONTEXT.search(head[: head.index(b"\x1a")])
    return m.group(1).decode("latin-1") if m else "?"


def _nanoscope_force_message(
    path: str | os.PathLike[str], context: str, why: str | None = None
) -> str:
    """Why a binary NanoScope force file is not read here, and what reads it.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    context : str
        Its ``\\Start context`` (from :func:`_nanoscope_force_binary`).
    why : str, optional
        What :func:`read_nanoscope_force` could not decode in single curves (``FOL``); None
        when the file is refused as a whole (a force volume, or force curves given to a
        topography reader).

    Returns
    -------
    str
        The message of the :class:`~solidna.errors.DataFormatError` the readers raise.
    """
    kind = "a force volume (FVOL)" if context == "FVOL" else f"force curves ({context})"
    head = f"{path}: a binary Bruker NanoScope force file ('\\*Force file list', {kind})"
    if _NANOSCOPE_SINGLE.match(context) and why is None:
        # SurfaceTopography took its binary ramps for "a bare matrix of heights"
        return (
            f"{head}: force-distance curves, not a height map. Analyse it with solidna "
            "analyze --kind afm-force, or read_force_curves() in Python."
        )
    what = f"which solidna cannot decode: {why}" if why else "which solidna does not decode"
    return (
        f"{head}, {what}. Export the curves from NanoScope Analysis as ASCII (Export > "
        "Force Curve ASCII, with 'Export header' for the deflection sensitivity and spring "
        "constant) and analyse that file with solidna analyze --kind afm-force, or "
        "read_force_curves() in Python."
    )


#: Start contexts of a NanoScope force file of single curves (``FOL``; ``FOL2`` in NanoScope 4
#: to 6 files of two or more channels); a force volume is ``FVOL``.
_NANOSCOPE_SINGLE = re.compile(r"^FOL\d*$")
#: A NanoScope parameter value ``V [Sens. DeflSens] (0.000375 V/LSB) 2.5 V``: the soft scale
#: (the sensitivity that turns volts into a quantity), the hard scale (volts per stored integer,
#: "LSB") and the hard value.
_NANOSCOPE_VALUE = re.compile(
    r"^[VCS]\s*(?:\[(?P<soft>[^\]]*)\])?\s*(?:\((?P<hard>[-+\d.eE]+)\s*(?P<hunit>[^)]*)\))?"
    r"\s*(?P<value>[-+]?\d[\d.eE+-]*)?"
)
#: Length units of a NanoScope sensitivity (``nm/V``; NanoScope writes ``~m`` for um).
_NANOSCOPE_LENGTHS = {"nm": 1e-9, "~m": 1e-6, "um": 1e-6, "\u00b5m": 1e-6, "pm": 1e-12, "m": 1.0}
#: A 32-bit channel whose hard scale [V/LSB] spans more than this [V] over the integer range
#: states the scale of 16-bit words: no NanoScope input spans more than the +-220 V of the Z
#: piezo drive (a 16-bit V/LSB of 0.000375, the 24.576 V span of the +-12 V ADCs, read as the
#: step of a 32-bit integer would span 1.6 MV).
_NANOSCOPE_SPAN_V = 1000.0


def _nanoscope_sections(p: Path) -> list[tuple[str, dict[str, str]]]:
    """The header of a NanoScope file as ``(section, {key: value})`` pairs in file order: the
    section named by its ``\\*`` line, keys lower-cased without the leading backslash (the
    ``@4:`` group prefix kept), up to ``\\*File list end`` or the SUB byte."""
    with open(p, "rb") as fh:
        head = fh.read(_NANOSCOPE_HEADER_BYTES)
    head = head.split(b"\x1a", 1)[0]
    sections: list[tuple[str, dict[str, str]]] = []
    for raw in head.decode("latin-1").splitlines():
        line = raw.strip()
        if line.lower().startswith("\\*file list end"):
            break
        if line.startswith("\\*"):
            sections.append((line[2:].strip().lower(), {}))
        elif line.startswith("\\") and sections:
            key, _, value = line[1:].partition(":")
            if key.startswith("@") and re.match(r"@\d$", key):
                # "\@4:Z scale: ..." carries its group number before the first colon
                more, _, value = value.partition(":")
                key = f"{key}:{more}"
            sections[-1][1].setdefault(key.strip().lower(), value.strip())
    return sections


#: Bytes [-] read for a NanoScope header (a force file's states ``\\Data length: 40960``).
_NANOSCOPE_HEADER_BYTES = 1 << 20


def _nanoscope_sensitivity(
    sections: Sequence[tuple[str, dict[str, str]]], soft: str | None
) -> float | None:
    """The sensitivity [m/V] a soft scale names (``Sens. DeflSens`` -> ``\\@Sens. DeflSens: V
    50 nm/V``), looked up in any section; None when absent or not a length per volt."""
    if not soft:
        return None
    key = "@" + soft.strip().lower()
    for _, values in sections:
        if key in values:
            m = re.match(r"^V\s+([-+\d.eE]+)\s*(\S+)/V\b", values[key])
            if m and m.group(2) in _NANOSCOPE_LENGTHS:
                value = float(m.group(1)) * _NANOSCOPE_LENGTHS[m.group(2)]
                return value if math.isfinite(value) and value > 0 else None
    return None


def _nanoscope_words(p: Path, where: str, channel: dict[str, str]) -> tuple[np.ndarray, int]:
    """The stored integers of one ``\\*Ciao force image list`` channel and their width [bytes]:
    ``\\Data length`` bytes at ``\\Data offset``, little-endian signed 16-bit or (``\\Bytes/pixel:
    4``, NanoScope 9) 32-bit integers."""
    try:
        offset, length = int(channel["data offset"]), int(channel["data length"])
        width = int(channel.get("bytes/pixel", "2"))
    except (KeyError, ValueError):
        raise DataFormatError(
            f"{where}: a '\\*Ciao force image list' without a whole-number 'Data offset', "
            "'Data length' and 'Bytes/pixel'"
        ) from None
    if width not in (2, 4) or length <= 0 or length % (2 * width):
        raise DataFormatError(
            f"{where}: 'Bytes/pixel: {width}' with 'Data length: {length}': solidna reads 2- "
            "or 4-byte integers filling an approach and a retract of equal length"
        )
    with open(p, "rb") as fh:
        fh.seek(offset)
        raw = fh.read(length)
    if len(raw) < length:
        raise DataFormatError(
            f"{where}: the header places {length} bytes of data at byte {offset}, but the file "
            f"ends {length - len(raw)} bytes short (an incomplete copy?)"
        )
    return np.frombuffer(raw, dtype="<i2" if width == 2 else "<i4").astype(float), width


def _nanoscope_ramp(
    sections: Sequence[tuple[str, dict[str, str]]], channel: dict[str, str]
) -> float | None:
    """The Z piezo travel [m] of a ramp: ``\\@4:Ramp size`` (or the older ``\\@Z scan size``)
    in volts times the sensitivity it names (``[Sens. Zsens]``, ``[Sens. Zscan]``)."""
    keys = ("@4:ramp size", "@4:ramp size zsweep", "@z scan size")
    pools = [channel] + [values for name, values in sections if name == "ciao force list"]
    for key in keys:
        for values in pools:
            m = _NANOSCOPE_VALUE.match(values.get(key, ""))
            if m and m.group("value"):
                sens = _nanoscope_sensitivity(sections, m.group("soft"))
                travel = float(m.group("value")) * (sens or math.nan)
                if math.isfinite(travel) and travel > 0:
                    return travel
    return None


def _nanoscope_scaled(
    sections: Sequence[tuple[str, dict[str, str]]],
    channel: dict[str, str],
    width: int,
    notes: list[str],
) -> tuple[float, str | None, str]:
    """The volts per stored integer of a channel, its soft scale and its label.

    The ``(... V/LSB)`` of ``\\@4:Z scale`` is the hard scale of a force curve's integers (not
    the hard value after it, which is the display range): a Bruker applications scientist's
    reading of it (Nanoscale World forum, "Understanding raw data in header of force curve
    files", 2012), and on public BioScope Catalyst and MultiMode 8 curves it puts the deflection
    at contact on the header's trigger threshold.
    """
    m = _NANOSCOPE_VALUE.match(channel.get("@4:z scale", ""))
    label_m = re.search(r'"([^"]*)"', channel.get("@4:image data", ""))
    label = label_m.group(1) if label_m else "channel"
    if not m or m.group("hard") is None or "/lsb" not in (m.group("hunit") or "").lower():
        return math.nan, None, label
    hard = float(m.group("hard"))
    if width == 4 and abs(hard) * 2.0**32 > _NANOSCOPE_SPAN_V:
        hard /= 2.0**16
        note = (
            f"'{label}': 32-bit integers under the V/LSB of 16-bit words: scaled by "
            "1/65536 (the hard scale times 2^32 would span more than any input)"
        )
        if note not in notes:
            notes.append(note)
    return hard, m.group("soft"), label


def read_nanoscope_force(
    path: str | os.PathLike[str],
    sensitivity: float | None = None,
    spring_constant_N_m: float | None = None,
) -> list[ForceCurve]:
    """A force curve of a binary Bruker NanoScope force file (``\\Start context: FOL``).

    The text header (``\\*Force file list`` ... ``\\*File list end``) describes each recorded
    channel in a ``\\*Ciao force image list``: ``\\Data offset`` and ``\\Data length`` [bytes] of
    its integers, ``\\Bytes/pixel`` (2, or 4 in NanoScope 9), ``\\@4:Image Data`` (its name)
    and ``\\@4:Z scale: V [Sens. DeflSens] (h V/LSB) ...``. An integer times ``h`` is volts;
    volts times the sensitivity the soft scale names (``\\@Sens. DeflSens: V 50 nm/V``) is the
    cantilever deflection, which times ``\\Spring Constant`` [N/m] is the force. The approach
    fills the first half of the data, the retract the second, each stored from the turning
    point outwards (the approach in reverse time order, as magic-afm reads a force volume's
    curves): on public BioScope Catalyst and MultiMode 8 files both halves start at the
    trigger deflection, and the Catalyst's Height Sensor channel falls from its largest
    extension. The base position is minus the Height Sensor
    channel when the file records one (measured, as for the ASCII export), else the Z piezo
    ramp: ``\\@4:Ramp size`` volts times ``\\@Sens. Zsens`` spread evenly over the half
    (``Samps/line`` points), zero at the turning point. Where ``\\Samps/line`` states fewer
    points than a half holds, each half is read to the smaller count from the turning point;
    points holding the smallest integer (a marker of no data) are left out.

    Parameters
    ----------
    path : str or os.PathLike
        The force file (``.000``, ``.001``, ...).
    sensitivity : float, optional
        Deflection sensitivity [m/V]; replaces the header's ``\\@Sens. DeflSens``.
    spring_constant_N_m : float, optional
        Spring constant [N/m]; replaces the header's ``\\Spring Constant``.

    Returns
    -------
    list of ForceCurve
        The curve, SI units, each segment in time order.

    Raises
    ------
    DataFormatError
        A force volume (``FVOL``), a header without a deflection channel, its data offset and
        length or the Z ramp, a data block past the end of the file, or no sensitivity or
        spring constant to turn the deflection into a force.
    """
    p = Path(path)
    context = _nanoscope_force_binary(p)
    if context is None:
        raise DataFormatError(f"{p}: not a binary NanoScope force file ('\\*Force file list').")
    if not _NANOSCOPE_SINGLE.match(context):
        raise DataFormatError(_nanoscope_force_message(p, context))
    sections = _nanoscope_sections(p)
    channels = [values for name, values in sections if name == "ciao force image list"]
    notes: list[str] = []
    defl = height = None
    for channel in channels:
        soft = _NANOSCOPE_VALUE.match(channel.get("@4:z scale", ""))
        name = (soft.group("soft") or "") if soft else ""
        if defl is None and re.search(r"defl", name, re.I):
            defl = channel
        elif height is None and re.search(r"z\s*sens(?:or)?\s*sens", name, re.I):
            height = channel
    if defl is None:
        found = ", ".join(repr(c.get("@4:image data", "?")) for c in channels)
        raise DataFormatError(
            _nanoscope_force_message(
                p,
                context,
                "no '\\*Ciao force image list' scaled by the deflection sensitivity "
                f"([Sens. DeflSens]; channels: {found or 'none'})",
            )
        )
    where = f"{p}"
    words, width = _nanoscope_words(p, where, defl)
    volts_per_lsb, soft, label = _nanoscope_scaled(sections, defl, width, notes)
    if not math.isfinite(volts_per_lsb):
        raise DataFormatError(
            _nanoscope_force_message(
                p, context, f"the '{label}' channel states no '\\@4:Z scale' in V/LSB"
            )
        )
    half = len(words) // 2
    counts = [int(c) for c in re.findall(r"\d+", defl.get("samps/line", ""))] or [half]
    if not 0 < max(counts) <= half:
        raise DataFormatError(
            f"{p}: 'Samps/line: {defl.get('samps/line', '')}' states more points than the "
            f"data block of '{label}' holds ({half} a segment)"
        )
    # public readers disagree on which of the two counts is the approach's (pyfmreader: the
    # second, magic-afm: the first): each half is read to the smaller, from the turning point,
    # which never reads unused points and leaves out at most some of the far baseline
    n = min(counts)
    if n < half:
        notes.append(
            f"Samps/line states {' and '.join(map(str, counts))} points of the {half} stored a "
            f"segment: the {n} of each segment nearest the turning point are read"
        )
    stated = _nanoscope_sensitivity(sections, soft)
    sens = sensitivity or stated
    if sensitivity is None and stated:
        notes.append(f"sensitivity {stated:g} m/V from the header ({soft})")
    kspring = spring_constant_N_m
    for channel in [defl] + channels:
        k_m = re.match(r"[-+]?\d[\d.eE+-]*", channel.get("spring constant", ""))
        if kspring is None and k_m and float(k_m.group(0)) > 0:
            kspring = float(k_m.group(0))
    volts = words * volts_per_lsb
    force = _deflection_force(volts, "V", label, kspring, sens, where, notes)
    step = None
    base = None
    h_unused = np.zeros(len(words), dtype=bool)
    travel = _nanoscope_ramp(sections, defl)
    if height is not None:
        h_words, h_width = _nanoscope_words(p, where, height)
        h_scale, h_soft, h_label = _nanoscope_scaled(sections, height, h_width, notes)
        h_sens = _nanoscope_sensitivity(sections, h_soft)
        if len(h_words) == len(words) and math.isfinite(h_scale) and h_sens:
            # the sensor reads the extension towards the sample: the base position is minus it
            base = -h_words * h_scale * h_sens
            h_unused = h_words == -(2.0 ** (8 * h_width - 1))
            notes.append(
                f"NanoScope force file: base position = minus the '{h_label}' channel "
                "(measured Z extension)"
            )
            if travel and np.ptp(base[:n]) < FLAT_HEIGHT_SHARE * travel:
                # a sensor that was off reads a constant: the ramp is the base position
                notes[-1] = (
                    f"the '{h_label}' channel stays put while the Z ramp travels "
                    f"{travel:.3g} m: the ramp is the base position"
                )
                base, h_unused = None, np.zeros(len(words), dtype=bool)
    if base is None:
        if travel is None:
            raise DataFormatError(
                _nanoscope_force_message(
                    p,
                    context,
                    "the header states no Z ramp ('\\@4:Ramp size' with its '\\@Sens. Zsens') "
                    "and no Height Sensor channel",
                )
            )
        # the ramp spans the points Samps/line states, not the unused ones past them
        step = travel / max(counts)
        ramp = np.arange(half) * step
        base = np.concatenate([ramp, ramp])
        notes.append(
            "NanoScope force file: base position = the Z piezo ramp "
            f"({travel:.4g} m over {max(counts)} points), zero at the turning point"
        )
    # a point holding the smallest integer is a marker, not a measurement (magic-afm removes
    # the -32768 that opens a PeakForce capture's extend segment)
    unused = (words == -(2.0 ** (8 * width - 1))) | h_unused
    # each half is stored from the turning point outwards: the approach runs backwards in time
    app, ret = slice(n - 1, None, -1), slice(half, half + n)
    ka, kr = ~unused[app], ~unused[ret]
    if not (ka.all() and kr.all()):
        notes.append(
            f"{int((~ka).sum() + (~kr).sum())} points holding the smallest {8 * width}-bit "
            "integer (a marker of no data) are left out"
        )
    ha, fa = base[app][ka], force[app][ka]
    hr, fr = base[ret][kr], force[ret][kr]
    meta: dict[str, Any] = {"format": "NanoScope force file", "notes": notes, "channel": label}
    version = next((v.get("version") for sec, v in sections if sec == "force file list"), None)
    if version:
        meta["version"] = version
    if sens:
        meta["sensitivity"] = sens
    if step is not None:
        meta["ramp step [m]"] = step
    return [ForceCurve(ha, fa, hr, fr, kspring, None, 0, p, meta)]


def _nanoscope_start(lines: Sequence[str]) -> int | None:
    """Index of the column line of a NanoScope ASCII export (below an exported header, if any),
    or None."""
    for i, line in enumerate(lines[:NANOSCOPE_HEADER_LINES]):
        if "_Ex" in line and _nanoscope_columns(line) is not None:
            return i
    return None


#: Calibration lines of an exported NanoScope header: ``\@Sens. DeflSens: V 25.00 nm/V`` (the
#: deflection sensitivity) and ``\Spring Constant: 0.318`` [N/m].
_NANOSCOPE_SENS = re.compile(r"^\\@?(?:\d:)?Sens\.\s*DeflSens:\s*V\s+([-+\d.eE]+)\s*nm/V", re.I)
_NANOSCOPE_SPRING = re.compile(r"^\\@?(?:\d:)?Spring\s+constant:\s*(?:V\s+)?([-+\d.eE]+)", re.I)


def _nanoscope_calibration(header: Sequence[str]) -> dict[str, float]:
    """The deflection sensitivity [m/V] and spring constant [N/m] an exported NanoScope header
    states (positive values only)."""
    out: dict[str, float] = {}
    for line in header:
        # NanoScope Analysis may export the header with each line in double quotes
        # ("\@Sens. DeflSens: V 36.35000 nm/V", a MultiMode V force export of afmToolkit's
        # inst/veecoFolder): the calibration it states was not found, and a deflection in V was
        # refused for want of it
        line = line.strip().strip('"')
        for key, pattern, scale in (
            ("sensitivity", _NANOSCOPE_SENS, 1e-9),
            ("spring constant", _NANOSCOPE_SPRING, 1.0),
        ):
            m = pattern.match(line)
            if m and key not in out:
                try:
                    value = float(m.group(1)) * scale
                except ValueError:
                    continue
                if math.isfinite(value) and value > 0:
                    out[key] = value
    return out


def _nanoscope_columns(line: str) -> dict[str, tuple[str, str, str]] | None:
    """{column: (quantity, unit, segment)} when ``line`` is the header of a NanoScope ASCII
    force-curve export (a ``Calc_Ramp``/``Defl`` column of each segment), else None."""
    out = {}
    for name in (c.strip() for c in line.split("\t")):
        m = _NANOSCOPE_COLUMN.match(name)
        if not m:
            continue
        a, b = m.group("a"), m.group("b")
        seg, unit = (a, b) if a.lower() in _NANOSCOPE_SEGMENTS else (b, a)
        if seg.lower() in _NANOSCOPE_SEGMENTS:
            out[name] = (m.group("what").lower(), unit, _NANOSCOPE_SEGMENTS[seg.lower()])
    what = {q for q, _, _ in out.values()}
    return out if "defl" in what and what & set(_NANOSCOPE_HEIGHTS) else None


def _deflection_rank(unit: str, sensitivity: float | None, spring: float | None) -> int:
    """Preference [-] of a deflection column by its unit (lowest first): V when the sensitivity
    and the spring constant are known (the measured signal, converted with the calibration
    given or stated), a length when the spring constant is known, a force, then the columns
    that cannot be converted (V first, so that a refusal names the calibration it needs)."""
    if unit == "V":
        return 0 if sensitivity and spring else 3
    if _jpk_scale(unit, "m"):
        return 1 if spring else 4
    return 2 if _jpk_scale(unit, "N") else 5


def read_nanoscope_ascii(
    path: str | os.PathLike[str],
    sensitivity: float | None = None,
    spring_constant_N_m: float | None = None,
) -> list[ForceCurve]:
    """A force curve of a Bruker NanoScope Analysis "ASCII Export" (tab-separated ``.txt``).

    The columns name quantity, unit and segment (``Calc_Ramp_Ex_nm``, ``Calc_Ramp_Rt_nm``,
    ``Defl_V_Ex``, ``Defl_V_Rt``), each segment in time order. The ramp is the Z extension
    towards the sample (a curve on mica rises at the ramp's largest values), so the base
    position is minus the ramp (or the Z sensor height, when exported). The deflection in V
    ("Native" units) needs the sensitivity [m/V] and the spring constant, in nm the spring
    constant; in pN or nN it is the force. afmformats does not read this export.

    Parameters
    ----------
    path : str or os.PathLike
        The export.
    sensitivity : float, optional
        Deflection sensitivity [m/V]; else the exported header's ``Sens. DeflSens`` when the
        header was exported with the curve (the columns alone do not record it).
    spring_constant_N_m : float, optional
        Spring constant [N/m]; else the exported header's ``Spring Constant``.

    Returns
    -------
    list of ForceCurve
        The curve, SI units.

    Raises
    ------
    DataFormatError
        Rows that are not numbers, a segment without its base position or deflection, or a
        deflection in V or nm without the calibration it needs.
    """
    p = Path(path)
    lines = p.read_bytes().decode("latin-1").lstrip("\ufeff").splitlines()
    start = _nanoscope_start(lines)
    if start is None:
        raise DataFormatError(f"{p}: not a NanoScope ASCII force-curve export.")
    columns = _nanoscope_columns(lines[start])
    names = [c.strip() for c in lines[start].split("\t")]
    rows = []
    for n, line in enumerate(lines[start + 1 :], start + 2):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("\t")]
        try:
            rows.append([float(c) if c else np.nan for c in cells[: len(names)]])
        except ValueError:
            raise DataFormatError(
                f"{p}: line {n} is not a row of numbers ({line[:60]!r}); export the curve again "
                "from NanoScope Analysis (ASCII Export)."
            ) from None
    width = len(names)
    table = np.array([r + [np.nan] * (width - len(r)) for r in rows], dtype=float)
    notes = ["NanoScope ASCII export: base position = minus the Z ramp (extension to the sample)"]
    stated = _nanoscope_calibration(lines[:start])
    if sensitivity is None and "sensitivity" in stated:
        sensitivity = stated["sensitivity"]
        notes.append(f"sensitivity {sensitivity:g} m/V from the exported header (DeflSens)")
    if spring_constant_N_m is None and "spring constant" in stated:
        spring_constant_N_m = stated["spring constant"]
        notes.append(f"spring constant {spring_constant_N_m:g} N/m from the exported header")
    segments = {}
    for seg in ("approach", "retract"):
        own = {c: v for c, v in columns.items() if v[2] == seg}
        # NanoScope exports a signal in several units side by side (Defl_V, Defl_nm, Defl_pN,
        # Defl_Lsb; Height_Sensor_V, _nm, _Lsb): the height in a length unit, the deflection
        # as the rawest signal the calibration at hand converts
        heights = [c for q in _NANOSCOPE_HEIGHTS for c, v in own.items() if v[0] == q]
        hname = next((c for c in heights if _jpk_scale(own[c][1], "m")), None)
        hname = hname or next(iter(heights), None)
        defls = [c for c, v in own.items() if v[0] == "defl"]
        rank = partial(_deflection_rank, sensitivity=sensitivity, spring=spring_constant_N_m)
        dname = min(defls, key=lambda c: rank(own[c][1]), default=None)
        if hname is None or dname is None:
            segments[seg] = (np.empty(0), np.empty(0))
            continue
        hunit, dunit = own[hname][1], own[dname][1]
        hscale = _jpk_scale(hunit, "m")
        if hscale is None:
            raise DataFormatError(f"{p}: {hname!r} is in {hunit!r}, not a length.")
        h = table[:, names.index(hname)]
        d = table[:, names.index(dname)]
        keep = np.isfinite(h) & np.isfinite(d)
        force = _deflection_force(
            d[keep], dunit, dname, spring_constant_N_m, sensitivity, str(p), notes
        )
        segments[seg] = (-h[keep] * hscale, force)
    if segments["approach"][0].size == 0:
        raise DataFormatError(
            f"{p}: no approach (Ex) columns with a base position and a deflection; export "
            "'Extend' with the ramp and the deflection."
        )
    (ha, fa), (hr, fr) = segments["approach"], segments["retract"]
    meta: dict[str, Any] = {"format": "NanoScope ASCII export", "notes": notes}
    if sensitivity:
        meta["sensitivity"] = sensitivity
    return [ForceCurve(ha, fa, hr, fr, spring_constant_N_m, None, 0, p, meta)]


#: A column name with its unit: ``Height (nm)``, ``Force [nN]``, ``Separation/um``.
_FD_NAMED_UNIT = re.compile(
    r"^(?P<name>.*?)\s*(?:[(\[]\s*(?P<u1>[^)\]]+?)\s*[)\]]|/\s*(?P<u2>\S+))$"
)
#: Names of the cantilever base position (the piezo or its sensor) in a force-distance table.
_FD_BASE = re.compile(
    r"^(?:height|distance|z|piezo|z[ _-]?(?:sensor|piezo|position|height)|ramp|displacement|"
    r"extension|position)\b",
    re.I,
)
#: A column name with its unit as a suffix after an underscore, as a table written from a
#: pandas frame names it (``force_nN``, ``height_nm``, ``time_s``): taken only when the suffix
#: is a unit the role needs (m, N or V with an SI prefix).
_FD_SUFFIX_UNIT = re.compile(r"^(?P<name>[A-Za-z][\w ]*?)_(?P<unit>[a-zA-Z\u00b5\u03bc]{1,3})$")
#: Names of the tip position (tip-sample separation), which includes the cantilever's bending.
#: An indentation is the tip position turned over (its zero the contact point): the approach's
#: direction decides the sign, as for any distance.
_FD_TIP = re.compile(
    r"^(?:separation|tip[ _-]?sample[ _-]?(?:separation|distance)|tip position|indentation)",
    re.I,
)
#: Names of the force, or of the deflection that gives it.
_FD_FORCE = re.compile(r"^(?:force|load|v?deflection|vertical[ _-]?deflection)\b", re.I)
#: The segment column of afmformats' convention: 0 approach, 1 retract.
_FD_SEGMENT = re.compile(r"^segment\b", re.I)
_FD_SEGMENT_WORDS = {"extend": "0", "approach": "0", "retract": "1"}
_FD_SEGMENT_WORD = re.compile(r"(?i)\b(" + "|".join(_FD_SEGMENT_WORDS) + r")\b")


def _fd_separator(line: str) -> str | None:
    """The cell separator of a force-distance table's header line (tab, semicolon, comma), or
    None for white space. A header holds names, not numbers, so the first separator it holds is
    its own; the rows are split by :func:`_fd_rows` (the generic reader's rule)."""
    return next((sep for sep in ("\t", ";", ",") if sep in line), None)


def _fd_cells(line: str, sep: str | None = None) -> list[str]:
    """The cells of a line, split at ``sep`` (default: the line's own separator)."""
    sep = sep or _fd_separator(line)
    if sep is None:
        return line.split()
    return [c.strip().strip('"') for c in line.split(sep)]


#: A cell the table may hold for a missing value (read as NaN, the row left out where a column
#: in use holds it).
_FD_NOT_A_NUMBER = re.compile(r"\s*[-+]?(?:nan|inf(?:inity)?)\s*", re.I)


def _fd_rows(lines: list[str], header_sep: str | None) -> tuple[list[list[str]], str | None, str]:
    """The cells of a force table's data lines, their separator and decimal mark.

    The separator and the decimal mark are the generic table reader's
    (:func:`solidna.analysis.io.generic._delimiter_of_rows`, ``_decimal_mark``): the separator
    that splits the most lines into rows of numbers of one width (a row ``1497,4958\t-0,2`` of
    a tab table with decimal commas is no comma-separated row), and the decimal mark the cells
    decide (``"1.497,4958"`` or ``"0,2"``: a comma; ``"1.020"`` alone decides nothing). A table
    whose header is split at white space is split at white space.
    """
    from solidna.analysis.io.generic import _decimal_mark, _delimiter_of_rows

    sep = header_sep
    if header_sep is not None and lines:
        sep = _delimiter_of_rows(lines)
    rows = [_fd_cells(line, sep) for line in lines]
    decimal = "." if sep == "," else _decimal_mark([c for r in rows for c in r])
    return rows, sep, decimal


def _fd_numbers(rows: list[list[str]], decimal: str) -> np.ndarray | None:
    """The numbers of a force table's rows (cells as :func:`_fd_rows` splits them), read as the
    generic reader reads a column: digit groups removed where the column has them
    (:func:`solidna.analysis.io._table.without_digit_groups`, ``"1.497,4958"``), then a plain
    number in the decimal mark (``plain_number``). The first row that is not all numbers ends
    the table (a footer) after 20 rows; before, the file is no force table (None)."""
    from solidna.analysis.io._table import GROUPED, plain_number, without_digit_groups

    number = plain_number(decimal)

    def numeric(cell: str) -> bool:
        return bool(
            number.fullmatch(cell) or GROUPED.fullmatch(cell) or _FD_NOT_A_NUMBER.fullmatch(cell)
        )

    keep: list[list[str]] = []
    for cells in rows:
        if cells and all(numeric(c) for c in cells):
            keep.append(cells)
        elif len(keep) >= 20:
            break  # a footer
        else:
            return None
    if not keep:
        return np.empty((0, 0))
    width = min(len(r) for r in keep)
    out = np.empty((len(keep), width))
    for k in range(width):
        column = without_digit_groups(pd.Series([r[k] for r in keep], dtype=object), decimal)
        text = column.astype(str).str.strip()
        # the grouped cells came back with a decimal point, the plain ones keep the file's mark
        plain = text.str.fullmatch(number)
        text = text.where(~plain, text.str.replace(decimal, ".", regex=False))
        values = pd.to_numeric(text, errors="coerce")
        if values.isna().any() and not text[values.isna()].str.fullmatch(_FD_NOT_A_NUMBER).all():
            return None  # a digit group the column does not bear out ("1,020" beside "0,2")
        out[:, k] = values.to_numpy(dtype=float, na_value=np.nan)
    return out


def _fd_header(cells: list[str]) -> dict[str, Any] | None:
    """The roles of a force-distance table's header cells (base or tip position with a length
    unit, force or deflection with a unit of N, m or V, optional segment), or None."""
    roles: dict[str, Any] = {}
    for k, cell in enumerate(cells):
        m = _FD_NAMED_UNIT.match(cell)
        name, unit = (m["name"], (m["u1"] or m["u2"]).strip()) if m else (cell, "")
        suffix = None if m else _FD_SUFFIX_UNIT.match(cell)
        if suffix and any(_jpk_scale(suffix["unit"], q) is not None for q in ("m", "N", "V")):
            # jarogumulec/AFM_viscoelasticity's curve CSVs: time_s,force_nN,indentation_nm,segment
            name, unit = suffix["name"], suffix["unit"]
        if _FD_SEGMENT.match(name) and "segment" not in roles:
            roles["segment"] = k
            continue
        if not unit:
            continue
        length = _jpk_scale(unit, "m")
        if length is not None and _FD_TIP.match(name) and "tip" not in roles:
            roles["tip"] = (k, cell, length)
        elif length is not None and _FD_BASE.match(name) and "base" not in roles:
            roles["base"] = (k, cell, length)
        elif _FD_FORCE.match(name) and "force" not in roles:
            if any(_jpk_scale(unit, q) is not None for q in ("N", "m", "V")):
                roles["force"] = (k, cell, unit)
    if "force" in roles and ("tip" in roles or "base" in roles):
        return roles
    return None


def read_force_table(
    path: str | os.PathLike[str],
    sensitivity: float | None = None,
    spring_constant_N_m: float | None = None,
) -> list[ForceCurve] | None:
    """A force curve from a text table whose header names the distance and the force with
    their units (``Height (nm)<TAB>Force (nN)``, ``Separation [um];Deflection [V]``), as curve
    software and spreadsheets export it; None when the file is no such table.

    The distance is the cantilever base (``Height``, ``Z``, ``Piezo``, ``Distance``, ...) or the
    tip (``Separation``, ``Tip position``, or an ``Indentation``, the tip position turned over);
    the force is ``Force``/``Load`` in N (any prefix) or a ``Deflection`` in m or V with the
    spring constant (and sensitivity) given. A unit may also follow the name after an
    underscore, as a table written from a pandas frame names it (``force_nN``, ``height_nm``).
    A ``Segment`` column (0 approach, 1 retract, afmformats' convention; or ``extend``/
    ``retract``) splits the curve, and with three or more segments (0 approach, 1 a dwell, 2
    retract) the last is the retract and those between are set aside; else the curve is split
    where the distance turns (the point nearest the surface).
    The approach runs towards the surface, so a distance that grows over it (a Z extension) is
    turned into a height (larger = farther), and a force that falls where the tip presses on
    the surface is turned over; the notes say so.

    Parameters
    ----------
    path : str or os.PathLike
        The table (tab, semicolon, comma or white-space separated). The rows are split and
        their numbers read by the generic table reader's rules (:func:`_fd_rows`,
        :func:`_fd_numbers`): the separator that splits the lines into rows of numbers, the
        decimal mark the cells decide (a decimal comma, with a note, in a table not separated
        by commas) and digit groups removed where a column has them.
    sensitivity : float, optional
        Deflection sensitivity [m/V], for a deflection in V.
    spring_constant_N_m : float, optional
        Spring constant [N/m], for a deflection in m or V (or to give the tip position its
        bending).

    Returns
    -------
    list of ForceCurve or None
        The curve (SI units), or None for another layout.

    Raises
    ------
    DataFormatError
        A deflection without the calibration it needs, or fewer than 20 rows.
    """
    p = Path(path)
    with open(p, "rb") as fh:
        head = fh.read(1 << 14)
    if b"\0" in head:
        return None
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    roles, start, sep = None, 0, None
    lines = text.splitlines()
    for n, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if n > 200:
            return None
        head = s.lstrip("#").strip()
        # the header's own separator: it holds names, not numbers
        sep = _fd_separator(head)
        roles = _fd_header(_fd_cells(head, sep))
        if roles is not None:
            start = n + 1
            break
    if roles is None:
        return None
    data = [s for line in lines[start:] if (s := line.strip()) and not s.startswith("#")]
    if "segment" in roles:
        # a segment named in words (JPK's extend/retract) -> afmformats' 0/1, before the rows
        # are split: a row of words is no row of numbers to the separator's choice
        data = [_FD_SEGMENT_WORD.sub(lambda m: _FD_SEGMENT_WORDS[m[1].lower()], s) for s in data]
    rows, sep, decimal = _fd_rows(data, sep)
    for cells in rows:
        while cells and not cells[-1]:
            cells.pop()  # a row ending with its separator
    table = _fd_numbers(rows, decimal)
    if table is None or not table.size:
        return None
    decimal_comma = decimal == ","
    width = table.shape[1]
    used = [roles[r][0] for r in ("tip", "base", "force") if r in roles] + (
        [roles["segment"]] if "segment" in roles else []
    )
    if max(used) >= width:
        return None
    table = table[np.all(np.isfinite(table[:, used]), axis=1)]
    if len(table) < 20:
        raise DataFormatError(
            f"{p}: a force-distance table of {len(table)} rows; a curve needs at least 20."
        )
    notes: list[str] = []
    on_tip = "tip" in roles
    k_d, name_d, scale_d = roles["tip"] if on_tip else roles["base"]
    k_f, name_f, unit_f = roles["force"]
    dist = table[:, k_d] * scale_d
    force = _deflection_force(
        table[:, k_f], unit_f, name_f, spring_constant_N_m, sensitivity, str(p), notes
    )
    if "segment" in roles:
        seg = table[:, roles["segment"]]
        approach, retract = seg == 0, seg == 1
        if not approach.any():
            raise DataFormatError(
                f"{p}: the segment column holds no 0 (approach); afmformats' convention is 0 "
                "for the approach and 1 for the retract."
            )
        later = np.unique(seg[seg > 0])
        if len(later) > 1:
            # a curve with a dwell (afmformats' creep-compliance or stress-relaxation curves:
            # 0 approach, 1 the hold at constant height or force, 2 retract); the hold was
            # read as the retract, and the retract was dropped
            retract = seg == later[-1]
            held = int(np.isin(seg, later[:-1]).sum())
            notes.append(
                f"segments {', '.join(f'{v:g}' for v in later[:-1])} between the approach (0) "
                f"and the last segment ({later[-1]:g}, read as the retract) are a dwell "
                f"({held} rows): set aside"
            )
    else:
        # the turn is the extreme of the distance inside the record (the point nearest the
        # surface); a record that runs one way only is an approach
        ends = (0, len(dist) - 1)
        turn = next(
            (int(i) for i in (np.argmin(dist), np.argmax(dist)) if int(i) not in ends), None
        )
        approach = np.zeros(len(dist), bool)
        if turn is None or min(turn, len(dist) - 1 - turn) < 10:
            approach[:] = True
            retract = ~approach
            notes.append("one segment: read as the approach (no retract)")
        else:
            approach[: turn + 1] = True
            retract = ~approach
            retract[turn] = True
            notes.append("split into approach and retract where the distance turns")
    ha, fa, hr, fr = dist[approach], force[approach], dist[retract], force[retract]
    if ha[-1] > ha[0]:
        # the approach runs towards the surface: this distance grows towards it (a Z extension)
        ha, hr = -ha, -hr
        notes.append(f"{name_d!r} grows towards the surface: read with its sign turned over")
    n_base = max(5, len(fa) // 10)
    if np.median(fa[-5:]) < np.median(fa[:n_base]) - 10 * (np.std(fa[:n_base]) + 1e-300):
        # the force falls where the tip presses on the surface: the other sign convention
        fa, fr = -fa, -fr
        notes.append(f"{name_f!r} falls in contact: read with its sign turned over")
    if on_tip and spring_constant_N_m:
        # ForceCurve.tip adds the bending F/k to the base position
        ha, hr = ha - fa / spring_constant_N_m, hr - fr / spring_constant_N_m
    elif on_tip:
        notes.append(f"{name_d!r} is the tip position; no spring constant needed")
    if on_tip and name_d.lower().startswith("indentation"):
        notes.append(
            f"{name_d!r} read as the tip position (an indentation is the tip position turned "
            "over, zero at the contact point): its direction is taken from the approach, and the "
            "contact point is fitted, not taken from the column's zero"
        )
    notes.insert(0, f"force-distance table: {name_d!r} and {name_f!r} in the units they name")
    if decimal_comma:
        kind = {"\t": "tab", ";": "semicolon"}.get(sep, "white-space")
        notes.insert(
            1,
            f"decimal commas read: the cells of this {kind}-separated table write a decimal "
            "comma ('0,2'; a point between digit groups, '1.497,4958', removed), as a "
            "spreadsheet saved in a German, French or Spanish locale does",
        )
    meta: dict[str, Any] = {"format": "force-distance table", "notes": notes}
    meta["table starts at line"] = start + 1
    if on_tip:
        meta["tip position"] = name_d
    return [ForceCurve(ha, fa, hr, fr, spring_constant_N_m, None, 0, p, meta)]


def read_force_curves(
    path: str | os.PathLike[str],
    sensitivity: float | None = None,
    spring_constant_N_m: float | None = None,
) -> list[ForceCurve]:
    """Every force curve of a file (one, or all points of a force map), via ``afmformats``.

    Parameters
    ----------
    path : str or os.PathLike
        Force-curve or force-map file: JPK ``.jpk-force``/``.jpk-force-map``, Asylum/Igor
        ``.ibw``, AFM Workshop ``.csv``, NT-MDT Nova ``.txt`` (with ``sensitivity`` and
        ``spring_constant_N_m``), or any other format ``afmformats`` reads; a binary Bruker
        NanoScope force file of single curves (``.000``, ...; :func:`read_nanoscope_force`)
        and NanoScope's ASCII export (:func:`read_nanoscope_ascii`) are read here.
    sensitivity : float, optional
        Deflection sensitivity, passed to afmformats (``meta_override``): [m/V], or [m/A] for
        an NT-MDT Nova ``.txt``, whose deflection is a current (nA). Required for NT-MDT Nova
        files, which do not record it; for other formats it replaces the file's value.
    spring_constant_N_m : float, optional
        Cantilever spring constant [N/m], passed the same way: required for NT-MDT Nova files,
        else it replaces the file's value.

    Returns
    -------
    list of ForceCurve
        One per curve in file order, in SI units: heights [m], forces [N], spring constant
        [N/m] when the file records it (or it is given) and the map position ``(x, y)`` [m] when
        it has one. A curve without segment marks is split into approach and retract at its
        lowest height; a hold at that height (an Asylum dwell) is left out, with a note. A
        creep-compliance or stress-relaxation curve keeps its approach and
        retract (afmformats' class of the recorded imaging mode, its own HDF5/``.tab`` exports
        included); its dwell is left out, with a note. A text table that afmformats does not read, whose header names the
        distance and the force with units (``Height (nm)``, ``Force (nN)``), is read by
        :func:`read_force_table`.

    Raises
    ------
    DataFormatError
        Empty/unreadable file, an NT-MDT Nova ``.txt`` without ``sensitivity`` and
        ``spring_constant_N_m``, no force-distance data, or ``afmformats`` missing. A JPK text
        export (``# TEXT EXPORT``) is read by :func:`read_jpk_text` (afmformats reads JPK
        binary files only). A NanoScope force volume (``FVOL``) is refused with the export
        that solidna reads. A height map that SurfaceTopography reads (``.nc``, ``.gwy``,
        ``.x3p``, ``.spm``, ...) is named as one, with the analysis that reads it.
    """
    from solidna.analysis.io import check_file

    p = check_file(path, "an AFM force-curve or force-map file (JPK, Asylum .ibw, ...)")
    override: dict[str, float] = {}
    for key, value, unit in (
        ("sensitivity", sensitivity, "m/V (m/A for NT-MDT Nova)"),
        ("spring constant", spring_constant_N_m, "N/m"),
    ):
        if value is not None:
            override[key] = positive_float(value, key, unit)
    if _jpk_text(p):
        # afmformats reads JPK curves only from the binary files and would take this for an
        # NT-MDT Nova export (any numeric .txt)
        return read_jpk_text(p, override.get("sensitivity"), override.get("spring constant"))
    with open(p, "rb") as fh:  # the header only (an exported NanoScope header included)
        head = fh.read(1 << 18).decode("latin-1").lstrip("\ufeff").splitlines()
    if _nanoscope_start(head) is not None:
        # afmformats does not read NanoScope Analysis' ASCII export
        return read_nanoscope_ascii(p, override.get("sensitivity"), override.get("spring constant"))
    if _nanoscope_force_binary(p) is not None:
        # afmformats has no NanoScope reader
        return read_nanoscope_force(p, override.get("sensitivity"), override.get("spring constant"))
    af = require_surface_extra("afmformats")
    try:
        # afmformats loads lazily: a broken file fails when its columns are first read
        with _quiet_afmformats():
            data = _afmformats_hdf5(p, override)
            if data is None:
                data = af.load_data(p, meta_override=override)
            return _curves(data, p)
    except (DataFormatError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # afmformats' errors derive from BaseException
        # a table naming its distance and force with units, which afmformats does not read
        # (it takes a .txt for NT-MDT Nova, a .csv for AFM Workshop, and no other suffix)
        table = read_force_table(p, override.get("sensitivity"), override.get("spring constant"))
        if table is not None:
            return table
        if type(exc).__name__ == "MissingMetaDataError":
            raise DataFormatError(
                _missing_meta_message(p, getattr(exc, "meta_keys", None))
            ) from None
        if isinstance(exc, NotImplementedError) and override:
            # afmformats' Igor (.ibw) reader refuses meta_override: the file's force was
            # computed with its own calibration, which the message blamed on the file
            names = {
                "sensitivity": "--sensitivity (CLI) / sensitivity= (Python)",
                "spring constant": "--spring-constant (CLI) / spring_constant_N_m= (Python)",
            }
            raise InvalidOptionError(
                f"{p}: the {' and '.join(override)} of a {p.suffix} file cannot be replaced "
                "(afmformats reads its force as the instrument computed it, with the file's own "
                f"calibration). Leave out {' and '.join(names[k] for k in override)} to use "
                "the file's values."
            ) from None
        hint = _topography_hint(p)
        if hint:
            # a height map: asking for a complete force-curve file misled
            raise DataFormatError(f"{p}: not a force curve.{hint}") from None
        header = _force_table_header(p)
        if header:
            # a table of force against something: blaming afmformats sent the user to look
            # for another file, not to name the columns
            raise DataFormatError(
                f"{p}: a table whose header ({', '.join(repr(c) for c in header)}) names no "
                "distance and force that solidna can pair: it needs a distance column (Height, "
                "Z, Piezo, Distance, Separation, Tip position or Indentation) and a force column "
                "(Force, Load or Deflection), each with its unit: 'Height (nm)', 'Force [nN]', "
                "'Separation/um' or 'force_nN'. Rename the columns, or export the curve as "
                ".jpk-force, .ibw or a JPK/NanoScope text export."
            ) from None
        raise DataFormatError(
            f"{p}: afmformats cannot read it ({type(exc).__name__}: {exc}); is it a complete "
            "force-curve file (.jpk-force, .jpk-force-map, .ibw, AFM Workshop .csv, NT-MDT "
            ".txt)?"
        ) from None


def _force_table_header(p: Path) -> list[str]:
    """The cells of a text table's header when one of them names a force or a deflection
    (with or without a unit), else []: the file is a force table whose columns were not
    understood."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(1 << 14)
    except OSError:
        return []
    if b"\0" in head:
        return []
    for line in head.decode("latin-1").lstrip("\ufeff").splitlines()[:200]:
        text = line.strip().lstrip("#").strip()
        if not text:
            continue
        cells = [c for c in _fd_cells(text) if c]
        names = []
        for c in cells:
            m = _FD_NAMED_UNIT.match(c) or _FD_SUFFIX_UNIT.match(c)
            names.append(m["name"] if m else c)
        if len(cells) >= 2 and any(_FD_FORCE.match(n) for n in names):
            return cells
        if any(ch.isdigit() for ch in text[:1]):
            return []  # the data began: no header
    return []


#: SurfaceTopography's readers of any numeric text (``IO.Text``, ``IO.XYZ``): a broken force
#: table read by them is no evidence of a height map.
_GENERIC_TEXT_READERS = ("Text", "XYZ")


def _topography_hint(p: Path) -> str:
    """A sentence sending a topography (height map) file to the topography analysis, or "".

    A SurfaceTopography ``.nc``/``.x3p``/``.npy`` or a Gwyddion ``.gwy`` given as a force curve
    was refused as "afmformats cannot read it (Unsupported file extension)". SurfaceTopography's
    own format detection (``open_topography``) tells a height map; it runs only on a file
    afmformats has refused.
    """
    try:
        from SurfaceTopography import open_topography

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = open_topography(str(p))
            channels = reader.channels
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # not a topography either, or SurfaceTopography missing: no hint
        return ""
    if not channels or type(reader).__module__.rsplit(".", 1)[-1] in _GENERIC_TEXT_READERS:
        return ""
    names = ", ".join(repr(c.name) for c in channels[:4])
    return (
        f" SurfaceTopography reads it as a topography (channels {names}), not a force-distance "
        "curve: analyse it with solidna analyze --kind topography, or read_topography() in "
        "Python."
    )


def _afmformats_hdf5(p: Path, override: dict[str, float]) -> list | None:
    """The curves of an afmformats HDF5 export whose groups do not start at ``"0"``, else None.

    afmformats names each curve's group after its index in the file it came from
    (``AFMData.export_data(path, fmt="hdf5")``), but recognises its own export only when a group
    ``"0"`` exists (``fmt_hdf5.detect_hdf5``, afmformats 0.18): one curve saved from a map or an
    Asylum .ibw (index 1) was refused as an unknown format. Such a file is loaded with
    afmformats' own HDF5 loader here.
    """
    if p.suffix != ".h5":
        return None
    try:
        import h5py

        with h5py.File(p, "r") as h5:
            if h5.attrs.get("software") != "afmformats" or "0" in h5:
                return None
            modes = {str(h5[k].attrs.get("imaging mode", "")) for k in h5 if k.isdigit()}
    except (ImportError, OSError):
        return None
    if not modes:
        return None
    from afmformats.formats import default_data_classes_by_modality
    from afmformats.formats.fmt_hdf5 import load_hdf5

    curves = []
    for dd in load_hdf5(p, meta_override=override):
        cls = default_data_classes_by_modality.get(dd["metadata"].get("imaging mode"))
        if cls is None:
            continue
        dd["metadata"]["format"] = "afmformats (HDF5-based)"
        curves.append(cls(data=dd["data"], metadata=dd["metadata"], diskcache=False))
    return curves


def _missing_meta_message(p: Path, keys: Sequence[str] | None) -> str:
    """Why afmformats needs calibration values for ``p`` and how to give them.

    afmformats asks for them in two formats: NT-MDT Nova ``.txt`` (deflection as a current, nA;
    afmformats takes any numeric ``.txt`` for one) and AFM Workshop ``.csv`` whose deflection is
    the photodetector's top-bottom voltage (``Extend T-B(V)``) and whose header lacks the light
    lever gain and force constant.
    """
    missing = " and ".join(keys or ("sensitivity", "spring constant"))
    how = (
        "--sensitivity and --spring-constant with solidna analyze, or read_force_curves(path, "
        "sensitivity=..., spring_constant_N_m=... [N/m]) in Python"
    )
    if p.suffix.lower() == ".csv":
        return (
            f"{p}: an AFM Workshop force curve whose deflection is the photodetector voltage "
            f"('T-B(V)' columns), and the file does not record the {missing} that turn it into "
            f"a force. Give them: {how}, with the sensitivity in m/V; or export the curve again "
            "with the force in nN ('Extend Force(nN)' columns) or with the header's 'Light Lever "
            "Gain, mV/nm' and 'Force Constant, nN/nm' set."
        )
    if p.suffix.lower() == ".txt":
        return (
            f"{p}: afmformats reads a numeric .txt as an NT-MDT Nova export (height [nm], "
            "approach and retract deflection [nA]), which records neither the deflection "
            f"sensitivity nor the spring constant. Give the {missing}: {how}, with the "
            "sensitivity in m/A. If the file is another instrument's text export, save the "
            "curve in its native format instead."
        )
    return (
        f"{p}: afmformats needs the {missing}, which the file does not record, to turn the "
        f"deflection into a force. Give them: {how}."
    )


#: A measured height that spans less than this share of the piezo height's travel over the
#: approach does not follow the cantilever base: afmformats fills "height (measured)" of an
#: Optics11 Chiaro export with the instrument's indentation, zero until contact.
FLAT_HEIGHT_SHARE = 0.01
#: A tip radius stated in a text export's header: Optics11 Chiaro ``Tip radius (um)<TAB>27.500``.
_TIP_RADIUS = re.compile(
    r"^\s*tip\s+radius\s*[(\[]\s*(um|\u00b5m|\u03bcm|nm|mm|m)\s*[)\]]\s*[:=\t ]\s*"
    r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*$",
    re.I | re.M,
)
_LENGTH_UNITS = {"um": 1e-6, "\u00b5m": 1e-6, "\u03bcm": 1e-6, "nm": 1e-9, "mm": 1e-3, "m": 1.0}


def _stated_tip_radius(p: Path) -> float | None:
    """The tip radius [m] a text file's header states (Optics11 Chiaro), else None."""
    with open(p, "rb") as fh:
        head = fh.read(1 << 14)
    if b"\0" in head:
        return None  # a binary file: afmformats reads its metadata
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("latin-1")  # Chiaro writes ISO-8859-1 (afmformats' reader)
    m = _TIP_RADIUS.search(text)
    if not m:
        return None
    value = float(m.group(2)) * _LENGTH_UNITS[m.group(1).lower()]
    return value if value > 0 else None


def _height_column(d, where: str) -> tuple[str, str | None]:
    """The afmformats column of the cantilever base position, and a note when it is not the
    measured height.

    The measured height (a sensor's) is preferred to the piezo's nominal one, as afmformats
    does; but a "height (measured)" that stays put over the approach while the piezo travels is
    no base position (an Optics11 Chiaro export's indentation, zero off contact: read as a
    height, the whole approach sat at one point and the modulus came out 2.7 times too high).
    """
    if "height (measured)" not in d.columns and "height (piezo)" not in d.columns:
        if "tip position" in d.columns:
            # afmformats' own .tab export (as nanite and PyJibe save curves) keeps the force
            # and the tip position only; it was refused as "not a complete force-curve file"
            return "tip position", (
                "the file holds the tip position and no cantilever base height: the base "
                "height is the tip position less the deflection (force / spring constant)"
            )
        raise DataFormatError(
            f"{where}: none of the columns 'height (measured)', 'height (piezo)' and "
            f"'tip position' (it has {', '.join(map(repr, d.columns))}): solidna needs a "
            "distance axis to analyse a force curve."
        )
    if "height (measured)" not in d.columns:
        return "height (piezo)", None
    if "height (piezo)" not in d.columns:
        return "height (measured)", None
    measured = np.asarray(d.appr["height (measured)"], float)
    piezo = np.asarray(d.appr["height (piezo)"], float)
    if len(piezo) < 10:
        return "height (measured)", None
    travel = float(np.ptp(piezo))
    # the leading run of points over which the measured height stays put (off the surface)
    moved = np.flatnonzero(np.abs(measured - measured[0]) > FLAT_HEIGHT_SHARE * travel)
    run = int(moved[0]) if moved.size else len(measured)
    if (
        travel > 0
        and run >= len(piezo) // 10
        and abs(piezo[run - 1] - piezo[0]) > FLAT_HEIGHT_SHARE * travel
    ):
        return "height (piezo)", (
            "the file's measured height does not move over the approach (an indentation, not "
            "a base position): the piezo height is used"
        )
    return "height (measured)", None


def _by_imaging_mode(d):
    """``d`` as afmformats' class of its own imaging mode (approach, dwell and retract segments).

    afmformats loads its HDF5 and ``.tab`` exports as force-distance curves whatever the
    ``imaging mode`` they record (its recipes for them list that modality only, 0.18): the
    dwell of an exported creep-compliance curve (segment 1) then came back as the retract and
    the real retract (segment 2) was dropped. The recorded mode picks the class, as afmformats'
    own JPK loader does.
    """
    from afmformats.formats import default_data_classes_by_modality

    cls = default_data_classes_by_modality.get(d.metadata.get("imaging mode"))
    if cls is None or type(d) is cls or "segment" not in d.columns:
        return d
    data = {c: np.asarray(d[c]) for c in d.columns}
    return cls(data=data, metadata=dict(d.metadata), diskcache=False)


#: Points of a window [-] over which a held height is told from the ramp, and the share of the
#: ramp's step [-] below which the height counts as held.
_HOLD_WINDOW = 10
_HOLD_SPEED = 0.2
#: Share [-] of a curve's points that a hold at the bottom must span to be taken for a dwell.
_HOLD_SHARE = 0.1


def _hold_at_bottom(z: np.ndarray, turn: int) -> tuple[int, int]:
    """The approach's last and the retract's first index of a one-segment curve with its
    turning point at ``turn``: ``(turn, turn)``, or the ends of a dwell held at the bottom.

    An Asylum .ibw force wave without segment marks holds the bottom height through its dwell
    (pyrtz2's data/example/*.ibw: 20 000 of 35 000 points, 10 s at 2 kHz, while the force
    relaxes from 4.4 to 1.0 nN): split at the lowest height, that hold was the start of the
    retract. The hold is the run about ``turn`` where the height moves, over
    ``_HOLD_WINDOW`` points, less than ``_HOLD_SPEED`` of what the approach ramp moves; it is a
    dwell when it spans more than ``_HOLD_SHARE`` of the points (a turn without a dwell stays
    still for a few points only, and is split at ``turn`` as before).
    """
    w = _HOLD_WINDOW
    step = float(np.median(np.abs(np.diff(z[: turn + 1]))))
    if len(z) <= 2 * w or not step > 0:
        return turn, turn
    still = np.abs(z[w:] - z[:-w]) < _HOLD_SPEED * w * step  # still[i]: z[i..i+w] held
    j = min(turn, len(still) - 1)
    if not still[j]:
        return turn, turn
    lo, hi = j, j
    while lo > 0 and still[lo - 1]:
        lo -= 1
    while hi < len(still) - 1 and still[hi + 1]:
        hi += 1
    if hi - lo < _HOLD_SHARE * len(z) or lo < 10 or hi > len(z) - 10:
        return turn, turn
    return lo, hi


def _curves(data, p: Path) -> list[ForceCurve]:
    curves = []
    radius = _stated_tip_radius(p)
    for k, d in enumerate(data):
        d = _by_imaging_mode(d)
        if "force" not in d.columns:
            raise DataFormatError(f"{p}: curve {k + 1} has no force column; is it calibrated?")
        hcol, height_note = _height_column(d, f"{p}: curve {k + 1}")
        a, r = d.appr, d.retr
        meta = {
            k2: d.metadata[k2] for k2 in d.metadata if isinstance(d.metadata[k2], (int, float, str))
        }
        if height_note:
            meta["height"] = height_note
        rest = len(d["force"]) - len(a["force"]) - len(r["force"])
        if rest > 0:
            # afmformats' creep-compliance and stress-relaxation curves hold a dwell (and a
            # JPK stress-relaxation one a segment before the approach) besides the approach and
            # retract: they were dropped without a word, and the peak force and height range
            # differed from afmformats' own
            mode = d.metadata.get("imaging mode", "")
            meta["notes"] = [
                f"{rest} of a curve's {len(d['force'])} points ({mode or 'a'} curve: the dwell between approach and retract, or a segment before the "
                "approach) are not analysed; the modulus and adhesion come from the approach "
                "and retract, and no creep or relaxation is fitted"
            ]
        if radius is not None:
            meta["tip radius [m]"] = radius
        x, y = d.metadata.get("position x"), d.metadata.get("position y")
        ha, fa = np.asarray(a[hcol], float), np.asarray(a["force"], float)
        hr, fr = np.asarray(r[hcol], float), np.asarray(r["force"], float)
        k_spring = d.metadata.get("spring constant")
        if hcol == "tip position" and k_spring:
            # the base is the tip less the cantilever's bending F/k (ForceCurve.tip adds it back)
            ha, hr = ha - fa / k_spring, hr - fr / k_spring
        if len(hr) == 0 and len(ha) > 40:
            # one segment (e.g. an Igor wave without segment marks): split at the turning point,
            # the lowest base position
            turn = int(np.argmin(ha))
            if 10 < turn < len(ha) - 10:
                end, start = _hold_at_bottom(ha, turn)
                if start > end:
                    rate = d.metadata.get("rate retract") or d.metadata.get("rate approach")
                    held = f" of {(start - end) / rate:.3g} s at {rate:g} Hz" if rate else ""
                    meta.setdefault("notes", []).append(
                        f"{start - end - 1} points held at the lowest height between approach "
                        f"and retract (a dwell{held}) are not analysed: the retract starts where "
                        "the height leaves the bottom"
                    )
                ha, fa, hr, fr = ha[: end + 1], fa[: end + 1], ha[start:], fa[start:]
                meta["segments"] = "split at the lowest height (no segment marks in the file)"
        curves.append(
            ForceCurve(
                ha,
                fa,
                hr,
                fr,
                d.metadata.get("spring constant"),
                None if x is None or y is None else (float(x), float(y)),
                int(d.metadata.get("enum", k)),
                p,
                meta,
            )
        )
    if not curves:
        raise DataFormatError(f"{p}: no force curves in the file.")
    return curves


def indentation_force(
    indenter: str,
    delta_m: np.ndarray,
    youngs_modulus_Pa: float,
    *,
    poisson: float = 0.5,
    tip_radius_m: float = 10e-6,
    half_angle_deg: float = 17.5,
) -> np.ndarray:
    """Force [N] of an indenter at indentations ``delta_m`` [m] (zero where ``delta <= 0``).

    Parameters
    ----------
    indenter : str
        Geometry, one of :data:`INDENTERS`: ``"paraboloid"`` (Hertz), ``"cone"`` (Sneddon),
        ``"pyramid"`` (Bilodeau, four-sided), ``"sphere"`` (Sneddon, exact) or ``"dmt"`` (the
        paraboloid law; the adhesion offset is not added here).
    delta_m : array_like of float
        Indentation depth [m] (positive into the sample).
    youngs_modulus_Pa : float
        Young's modulus of the sample [Pa].
    poisson : float, optional
        Poisson ratio of the sample [-], in [0, 0.5] (default 0.5, incompressible).
    tip_radius_m : float, optional
        Tip radius [m] of the paraboloid, sphere and DMT models (default 10 um).
    half_angle_deg : float, optional
        Half opening angle [deg] of the cone and pyramid (default 17.5 deg).

    Returns
    -------
    numpy.ndarray of float
        Force [N] at each indentation, same shape as ``delta_m``.

    Raises
    ------
    InvalidOptionError
        Unknown ``indenter``, or ``poisson`` outside [0, 0.5].
    DataFormatError
        Sphere: an indentation reaches the tip radius.
    """
    indenter = check_choice("indenter", indenter, INDENTERS)
    return youngs_modulus_Pa * _shape(
        indenter, np.asarray(delta_m, float), poisson, tip_radius_m, half_angle_deg
    )


def _sphere_shape(d: np.ndarray, r: float) -> np.ndarray:
    # invert delta = a/2 ln((R+a)/(R-a)) for the contact radius a (monotonic in a) by bisection
    lo = np.zeros_like(d)
    hi = np.full_like(d, r * (1 - 1e-12))
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        val = 0.5 * mid * np.log((r + mid) / (r - mid))
        big = val > d
        hi = np.where(big, mid, hi)
        lo = np.where(big, lo, mid)
    a = 0.5 * (lo + hi)
    f = 0.5 * ((a * a + r * r) * np.log((r + a) / (r - a)) - 2 * a * r)
    return np.where(d > 0, np.maximum(f, 0.0), 0.0)  # round-off near a = 0


def _shape(indenter: str, delta: np.ndarray, nu: float, radius: float, angle_deg: float):
    """Force per unit Young's modulus [N/Pa]."""
    if not 0 <= nu < 0.5 + 1e-12:
        raise InvalidOptionError(f"Poisson ratio {nu} must lie in [0, 0.5].")
    d = np.clip(delta, 0.0, None)
    eff = 1.0 / (1.0 - nu * nu)
    tan = math.tan(math.radians(angle_deg))
    if indenter in ("paraboloid", "dmt"):
        return eff * 4.0 / 3.0 * math.sqrt(radius) * d * np.sqrt(d)
    if indenter == "cone":
        return eff * 2.0 / math.pi * tan * d * d
    if indenter == "pyramid":
        return eff * PYRAMID_FACTOR * tan * d * d
    if d.size and d.max() >= radius:
        raise DataFormatError(
            f"indentation {d.max():.3g} m exceeds the sphere radius {radius:.3g} m; use a "
            "larger --tip-radius or the paraboloid model."
        )
    return eff * _sphere_shape(d, radius)


@dataclass
class ContactFit:
    """Result of :func:`fit_contact` (SI units).

    ``contact_point_m`` is a tip position, ``ForceCurve.tip(segment, baseline_N)``: the piezo
    height plus the deflection with its baseline subtracted (a deflection offset does not move
    it); ``separation_m`` is the tip-sample separation (0 at contact, negative = indentation).
    """

    youngs_modulus_Pa: float
    contact_point_m: float
    indenter: str
    baseline_N: float
    baseline_noise_N: float
    rms_residual_N: float
    max_indentation_m: float
    adhesion_N: float | None
    flags: list[str]
    separation_m: np.ndarray
    force_N: np.ndarray
    model_N: np.ndarray

    @property
    def ok(self) -> bool:
        return not self.flags

    def summary(self) -> dict[str, Any]:
        """The fit results as a dict with unit-bearing keys (e.g. ``"Young's modulus [Pa]"``).

        Returns
        -------
        dict
            Indenter, modulus [Pa], contact point [m], max indentation [m], baseline force,
            noise, rms residual and adhesion [N], and the quality flags.
        """
        return {
            "indenter": self.indenter,
            "Young's modulus [Pa]": self.youngs_modulus_Pa,
            "contact point [m]": self.contact_point_m,
            "max indentation [m]": self.max_indentation_m,
            "baseline force [N]": self.baseline_N,
            "baseline noise [N]": self.baseline_noise_N,
            "rms residual [N]": self.rms_residual_N,
            "adhesion [N]": self.adhesion_N,
            "flags": list(self.flags),
        }


def _contact_index(z: np.ndarray, force: np.ndarray, fraction: float, where: str):
    """First point of the final sustained rise of the approach, the force offset and the noise.

    A straight line through the far part of the approach (its first half) takes up a slow drift
    (hydrodynamic drag, virtual deflection); the contact is where the force leaves it for good by
    :data:`CONTACT_SIGMAS` standard deviations. The offset is the mean force over the
    ``fraction`` of points just before that point (the zero of force at contact).
    """
    n = len(force)
    half = max(n // 2, 5)
    coef = np.polyfit(z[:half], force[:half], 1)
    resid = force - np.polyval(coef, z)
    sd = float(np.std(resid[:half]))
    above = resid > CONTACT_SIGMAS * max(sd, 1e-300)
    if above[-1] and above.sum() >= 10:
        idx = n - int(np.argmax(~above[::-1])) if not above.all() else 0
    else:
        idx = n
    if n - idx < 10:
        raise DataFormatError(
            f"{where}: no contact - the approach force never rises {CONTACT_SIGMAS:g} standard "
            f"deviations ({CONTACT_SIGMAS * sd:.3g} N) above its baseline for 10 points or more. "
            "Was the surface reached?"
        )
    window = force[max(0, idx - max(5, int(fraction * n))) : max(idx, 5)]
    return idx, float(np.mean(window)), float(np.std(window))


def _baseline(force: np.ndarray, fraction: float) -> tuple[float, float]:
    n = max(5, int(len(force) * fraction))
    base = force[:n]
    return float(np.mean(base)), float(np.std(base))


def fit_contact(
    curve: ForceCurve,
    indenter: str = "paraboloid",
    *,
    poisson: float = 0.5,
    tip_radius_m: float = 10e-6,
    half_angle_deg: float = 17.5,
    baseline_fraction: float = BASELINE_FRACTION,
    max_indentation_m: float | None = None,
) -> ContactFit:
    """Young's modulus and contact point of one curve.

    The force offset is the mean of a window of ``baseline_fraction`` of the approach just
    before the contact point (refined with it, up to three times), so a drifting far-field
    baseline does not bias it. The model ``F = E s(cp - tip)`` is fitted to the approach (``dmt``: the
    retract, offset by the adhesion) with ``cp`` searched over the contact region and ``E``
    solved linearly for each ``cp``.

    Parameters
    ----------
    curve : ForceCurve
        The curve (SI units), with at least 20 approach points; the tip position (base height
        corrected by ``F/k``) is used when the spring constant is known.
    indenter : str, optional
        Contact model, one of :data:`INDENTERS` (default ``"paraboloid"``; ``"dmt"`` fits the
        retract curve).
    poisson : float, optional
        Poisson ratio of the sample [-], in [0, 0.5] (default 0.5).
    tip_radius_m : float, optional
        Tip radius [m] of the paraboloid, sphere and DMT models (default 10 um).
    half_angle_deg : float, optional
        Half opening angle [deg] of the cone and pyramid, in (0, 90) (default 17.5 deg).
    baseline_fraction : float, optional
        Share [-] of the approach points, just before the contact, whose mean force is the
        zero of force (default :data:`BASELINE_FRACTION`, 0.1; at least 5 points).
    max_indentation_m : float, optional
        Fit only the points indented by at most this depth [m] (default: all points in
        contact).

    Returns
    -------
    ContactFit
        Young's modulus [Pa], contact point [m], force offset and noise [N], rms residual [N],
        largest indentation [m], adhesion [N], the fitted separation [m], force and model [N],
        and ``flags`` (empty when the fit looks sound).

    Raises
    ------
    DataFormatError
        The curve never touches the surface (force never rises above the baseline noise), or
        has fewer than 20 approach points.
    InvalidOptionError
        Unknown ``indenter``, or a tip radius, half angle or Poisson ratio out of range.
    """
    indenter = check_choice("indenter", indenter, INDENTERS)
    positive_float(tip_radius_m, "tip radius", "m")
    positive_float(half_angle_deg, "half angle", "degrees")
    if not 0 < half_angle_deg < 90:
        raise InvalidOptionError(f"half angle must lie in (0, 90) degrees; got {half_angle_deg}.")
    where = f"{curve.source or 'curve'} #{curve.index}"
    f_raw = curve.approach_force_N
    if len(f_raw) < 20:
        raise DataFormatError(f"{where}: {len(f_raw)} approach points; need at least 20.")
    z_app = curve.tip("approach")
    idx, base, noise = _contact_index(z_app, f_raw, baseline_fraction, where)
    direction = 1.0 if z_app[0] > z_app[-1] else -1.0  # towards the surface
    n_base = max(5, int(baseline_fraction * len(f_raw)))

    def one_pass(base: float, near: float | None = None):
        f_app = f_raw - base
        f_ret = curve.retract_force_N - base
        adh = float(-np.min(f_ret)) if len(f_ret) else None
        if indenter == "dmt":
            # the retract, time-reversed (surface last), from the pull-off inwards, lifted by the
            # adhesion: F + F_adh = Hertz (DMT)
            z_r, f_r = curve.tip("retract")[::-1], f_ret[::-1]
            pull = int(np.argmin(f_r))
            z, f = z_r[pull:], f_r[pull:] + (adh or 0.0)
            idx_fit = 0
        else:
            z, f = z_app, f_app
            idx_fit = idx
        reach = max(abs(float(z[idx_fit]) - float(z[-1])), 1e-12)

        def project(cp: float, zz: np.ndarray = z, fz: np.ndarray = f):
            """E solved linearly at the contact point ``cp``; the squared residual."""
            delta = direction * (cp - zz)
            use = slice(None) if max_indentation_m is None else delta <= max_indentation_m
            s = _shape(indenter, delta[use], poisson, tip_radius_m, half_angle_deg)
            ff = fz[use]
            ss = float(np.dot(s, s))
            sf = float(np.dot(s, ff))
            e = sf / ss if ss > 0 else 0.0
            # ||f - e s||^2 = ||f||^2 - (s.f)^2 / (s.s) at the optimum e
            return e, float(np.dot(ff, ff)) - (sf * e if ss > 0 else 0.0)

        from scipy.optimize import minimize_scalar

        # the contact point lies within one contact-region length of the first sustained rise
        if near is None:
            grid = float(z[idx_fit]) + direction * np.linspace(-reach, reach, 41)
        else:  # a refinement: the contact point moves little when the offset is corrected
            grid = near + direction * np.linspace(-0.1 * reach, 0.1 * reach, 11)
        # points farther than every candidate are out of contact for all of them: their cost
        # is the same constant, so the search leaves them out (a long approach costs nothing)
        far = float(np.max(direction * grid))
        inside = direction * z < far
        zi, fi = z[inside], f[inside]
        costs = [project(c, zi, fi)[1] for c in grid]
        k = int(np.argmin(costs))
        a2, b2 = sorted((grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]))
        best = minimize_scalar(
            lambda c: project(c, zi, fi)[1],
            bounds=(a2, b2),
            method="bounded",
            options={"xatol": 1e-5 * reach},
        )
        cp = float(best.x)
        e, cost = project(cp)
        return base, f_ret, adh, z, f, project, best, k, cp, e, cost, len(grid)

    # The force offset is the mean just before the contact; the first estimate of the contact
    # (a threshold) comes late for a slowly rising curve (cone, pyramid), so the offset is taken
    # again before the fitted contact point until it settles.
    result = one_pass(base)
    for _ in range(3):
        if indenter == "dmt":
            break
        before = np.nonzero(direction * (z_app - result[8]) > 0)[0][-n_base:]
        if len(before) < 5:
            break
        new_base = float(np.mean(f_raw[before]))
        if abs(new_base - result[0]) <= 1e-3 * max(noise, 1e-300):
            break
        result = one_pass(new_base, near=result[8])
    base, f_ret, adh, z, f, project, best, k, cp, e, cost, n_grid = result
    delta = direction * (cp - z)
    # the fit ran on the tip position of the recorded force; the contact point is reported on
    # the tip position of the baseline-subtracted force (ForceCurve.tip with ``baseline_N``),
    # which a deflection offset does not move (a uniform shift: E and indentation unchanged)
    if curve.spring_constant_N_m:
        cp -= base / curve.spring_constant_N_m
    model = e * _shape(indenter, delta, poisson, tip_radius_m, half_angle_deg)
    flags = []
    if not e > 0:
        flags.append("modulus not positive: the curve does not look like an indentation")
    if not best.success:
        flags.append("contact-point search did not converge")
    if k in (0, n_grid - 1):
        flags.append("contact point at the edge of the search range")
    rms = math.sqrt(cost / max(len(f), 1))
    if rms > 0.2 * float(np.max(np.abs(f))):
        flags.append(f"poor fit: rms residual {rms:.3g} N is > 20 % of the peak force")
    return ContactFit(
        youngs_modulus_Pa=e,
        contact_point_m=cp,
        indenter=indenter,
        baseline_N=base,
        baseline_noise_N=noise,
        rms_residual_N=rms,
        max_indentation_m=float(np.max(delta)),
        adhesion_N=adh,
        flags=flags,
        separation_m=-delta,
        force_N=f,
        model_N=model,
    )


#: Fewest retract points whose farthest share can be the zero of force of :func:`adhesion`.
RETRACT_BASELINE_MIN_POINTS = 20


def _retract_baseline(curve: ForceCurve, fraction: float) -> float | None:
    """Mean force [N] of the retract's farthest ``fraction`` of points (by base height), or
    None when the retract is too short or its minimum lies among them."""
    h, f = np.asarray(curve.retract_height_m), np.asarray(curve.retract_force_N)
    keep = np.isfinite(h) & np.isfinite(f)
    h, f = h[keep], f[keep]
    if len(f) < RETRACT_BASELINE_MIN_POINTS:
        return None
    n = max(5, int(len(f) * fraction))
    far = np.argsort(h)[-n:]
    if int(np.argmin(f)) in set(far.tolist()):
        return None
    return float(np.mean(f[far]))


def adhesion(curve: ForceCurve, baseline_fraction: float = BASELINE_FRACTION) -> dict[str, float]:
    """Adhesion force [N] (baseline minus the retract minimum) and the pull-off tip position [m].

    The zero of force is the retract's own baseline: the mean force of its farthest
    ``baseline_fraction`` of points (largest base heights, whichever order the file stores them
    in), as fdafm measures it (kejia6002/fdafm, library/retract_data_indlen_adhfor_fd_transform.py:
    the mean of the last 150 retract points). The approach's level just before the contact
    differs from it where drift or a long-range force lifts the approach (fdafm's
    180424_fv_sc_loc1-2-102 curve: 1.08 nN against that level, 0.71 nN stated by fdafm). A
    retract too short to hold a free part (under 20 points, or its minimum among its farthest
    points) falls back to the approach's level.

    Parameters
    ----------
    curve : ForceCurve
        The curve (SI units); it must have a retract segment.
    baseline_fraction : float, optional
        Share [-] of the retract points, farthest from the surface, whose mean force is the
        zero of force (default :data:`BASELINE_FRACTION`, 0.1); for the fallback, of the
        approach points just before the contact (without a contact, its first share).

    Returns
    -------
    dict[str, float]
        ``"adhesion [N]"`` (zero or positive) and ``"pull-off tip position [m]"``.

    Raises
    ------
    DataFormatError
        The curve has no retract segment.
    """
    if not len(curve.retract_force_N):
        raise DataFormatError(f"{curve.source}: the curve has no retract segment.")
    base = _retract_baseline(curve, baseline_fraction)
    if base is None:
        try:
            _, base, _ = _contact_index(
                curve.tip("approach"), curve.approach_force_N, baseline_fraction, ""
            )
        except DataFormatError:  # no contact: the far part of the approach is the zero
            base, _ = _baseline(curve.approach_force_N, baseline_fraction)
    f = curve.retract_force_N - base
    k = int(np.argmin(f))
    return {
        "adhesion [N]": float(max(-f[k], 0.0)),
        # on the tip position of the baseline-subtracted force, as the contact point
        "pull-off tip position [m]": float(curve.tip("retract", base)[k]),
    }


def film_thickness(
    separation_m: np.ndarray,
    force_N: np.ndarray,
    method: str = "breakthrough",
    *,
    min_jump_m: float = 0.5e-9,
    reference_rms_N: float | None = None,
) -> dict[str, Any]:
    """Thickness of a surface film from a force-separation curve in contact (Fig. 2e).

    Parameters
    ----------
    separation_m, force_N : array
        Tip-sample separation [m] (0 at the contact point, negative = indentation) and force
        [N] in time order of one segment.
    method : {"breakthrough", "stiffness"}
        ``breakthrough``: the largest jump of the separation towards the surface between two
        successive points in contact at no rise of force (the tip punches through the film);
        the thickness is the jump. ``stiffness``: two straight lines fitted to force against
        separation in contact; the thickness is the separation from the contact point to the
        kink where the slope changes (the tip reaches the stiffer substrate). A kink counts
        when the slope rises by :data:`STIFFENING_RATIO` and, given ``reference_rms_N`` (the rms
        residual of the smooth contact-model fit), the two lines fit at least twice as well.

    Returns
    -------
    dict
        ``thickness [m]``, ``at force [N]``, ``method`` and ``found`` (False with a reason when
        no event is found: the result is flagged, never a silent number).
    """
    method = check_choice("film-thickness method", method, ("breakthrough", "stiffness"))
    s = np.asarray(separation_m, float)
    f = np.asarray(force_N, float)
    contact = s <= 0
    if contact.sum() < 10:
        return {
            "method": method,
            "thickness [m]": None,
            "found": False,
            "reason": "fewer than 10 points in contact",
        }
    if method == "breakthrough":
        ds = np.diff(s)
        df = np.diff(f)
        ok = contact[1:] & contact[:-1] & (df <= 0)
        if not np.any(ok):
            return {"method": method, "thickness [m]": None, "found": False, "reason": "no jump"}
        jumps = np.where(ok, -ds, 0.0)
        k = int(np.argmax(jumps))
        if jumps[k] < min_jump_m or jumps[k] < 10 * float(np.median(np.abs(ds[contact[1:]]))):
            return {
                "method": method,
                "thickness [m]": None,
                "found": False,
                "reason": f"largest jump {jumps[k]:.3g} m is not a breakthrough",
            }
        return {
            "method": method,
            "thickness [m]": float(jumps[k]),
            "at force [N]": float(f[k]),
            "found": True,
        }
    sc, fc = s[contact], f[contact]
    order = np.argsort(-sc)  # from the contact point inwards
    sc, fc = sc[order], fc[order]
    best = _best_split(sc, fc)
    k = best[1]
    slope = [np.polyfit(sc[p], fc[p], 1)[0] for p in (slice(0, k), slice(k, None))]
    rms_two = math.sqrt(best[0] / len(sc))
    # a Hertzian curve stiffens smoothly (F ~ delta^1.5) and two lines fit it too; a film on a
    # stiffer substrate is a kink: the two lines must beat the smooth contact model clearly
    found = abs(slope[1]) > STIFFENING_RATIO * abs(slope[0]) and (
        reference_rms_N is None or rms_two < 0.5 * reference_rms_N
    )
    return {
        "method": method,
        "thickness [m]": float(-sc[k]) if found else None,
        "stiffness film [N.m-1]": float(-slope[0]),
        "stiffness substrate [N.m-1]": float(-slope[1]),
        "found": bool(found),
        **({} if found else {"reason": "no kink beyond the smooth stiffening of the contact"}),
    }


def _line_sse(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Residual sum of squares of a straight-line fit to every prefix ``x[:k], y[:k]``."""
    n = np.arange(1, len(x) + 1, dtype=float)
    sx, sy = np.cumsum(x), np.cumsum(y)
    sxx, sxy, syy = np.cumsum(x * x), np.cumsum(x * y), np.cumsum(y * y)
    vxx = sxx - sx * sx / n
    vxy = sxy - sx * sy / n
    vyy = syy - sy * sy / n
    with np.errstate(invalid="ignore", divide="ignore"):
        sse = vyy - np.where(vxx > 0, vxy * vxy / vxx, 0.0)
    return np.maximum(sse, 0.0)


def _best_split(x: np.ndarray, y: np.ndarray, margin: int = 5) -> tuple[float, int]:
    """(total SSE, k) of the best two-line split ``[:k]``/``[k:]`` (cumulative sums: O(n))."""
    head = _line_sse(x, y)  # head[k-1]: SSE of x[:k]
    tail = _line_sse(x[::-1], y[::-1])[::-1]  # tail[k]: SSE of x[k:]
    ks = np.arange(margin, len(x) - margin)
    total = head[ks - 1] + tail[ks]
    j = int(np.argmin(total))
    return float(total[j]), int(ks[j])


def _fit_one(args):
    curve, kwargs = args
    try:
        fit = fit_contact(curve, **kwargs)
        return fit.youngs_modulus_Pa, fit.contact_point_m, fit.adhesion_N, "; ".join(fit.flags)
    except DataFormatError as exc:
        return math.nan, math.nan, math.nan, str(exc)


def fit_force_map(
    curves: Sequence[ForceCurve],
    indenter: str = "paraboloid",
    *,
    workers: int = 1,
    progress=None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Fit every curve of a force map; a failed curve is recorded (NaN and its reason).

    Parameters
    ----------
    curves : sequence of ForceCurve
        The curves of the map (e.g. from :func:`read_force_curves`), SI units.
    indenter : str, optional
        Contact model, one of :data:`INDENTERS` (default ``"paraboloid"``).
    workers : int, optional
        Number of processes (default 1); more than one is used only for more than 50 curves.
    progress : callable, optional
        ``progress(message, fraction)`` called every 100 curves, ``fraction`` in [0, 1]
        (default: none).
    **kwargs
        Passed to :func:`fit_contact`: ``poisson`` [-], ``tip_radius_m`` [m],
        ``half_angle_deg`` [deg], ``baseline_fraction`` [-], ``max_indentation_m`` [m].

    Returns
    -------
    pandas.DataFrame
        One row per curve: ``Index``, ``x [m]``, ``y [m]``, ``Young's modulus [Pa]``,
        ``Contact point [m]``, ``Adhesion [N]``, ``Flag``.
    """
    from solidna.progress import no_progress

    progress = progress or no_progress
    jobs = [(c, dict(indenter=indenter, **kwargs)) for c in curves]
    results = []
    with ExitStack() as stack:
        if workers > 1 and len(jobs) > 50:
            from concurrent.futures import ProcessPoolExecutor

            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers))
            outcomes = pool.map(_fit_one, jobs, chunksize=max(1, len(jobs) // (8 * workers)))
        else:
            outcomes = map(_fit_one, jobs)
        for k, r in enumerate(outcomes):
            results.append(r)
            if k % 100 == 0:
                progress(f"fitted {k + 1}/{len(jobs)} curves", (k + 1) / len(jobs))
    progress(f"fitted {len(jobs)} curves", 1.0)
    rows = []
    for c, (e, cp, adh, flag) in zip(curves, results, strict=True):
        x, y = c.position_m or (math.nan, math.nan)
        rows.append(
            {
                "Index": c.index,
                "x [m]": x,
                "y [m]": y,
                "Young's modulus [Pa]": e,
                "Contact point [m]": cp,
                "Adhesion [N]": adh,
                "Flag": flag,
            }
        )
    return pd.DataFrame(rows)


def modulus_grid(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The map as a 2-D array (rows: y, columns: x) with its x and y axes [m]."""
    xs = np.unique(table["x [m]"].to_numpy())
    ys = np.unique(table["y [m]"].to_numpy())
    grid = np.full((len(ys), len(xs)), np.nan)
    ix = np.searchsorted(xs, table["x [m]"].to_numpy())
    iy = np.searchsorted(ys, table["y [m]"].to_numpy())
    grid[iy, ix] = table["Young's modulus [Pa]"].to_numpy()
    return grid, xs, ys
