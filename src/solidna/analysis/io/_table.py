"""The tidy table every reader returns, its column names, unit-bearing headers and the checks.

Every reader turns an instrument file into one :class:`pandas.DataFrame` with SI columns named
after :data:`COLUMNS` and hands it to :func:`finish_table`, which refuses empty, truncated and
non-monotonic records with a :class:`~solidna.errors.DataFormatError` that names the file, the
problem and the fix. Units in headers (``"Time [h]"``, ``"Test_Time(s)"``, ``"Ewe/V"``,
``"Current density [mA.cm-2]"``) are read with pint (:func:`solidna.units.Q_`).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna.analysis._checks import check_time_order
from solidna.errors import DataFormatError, SolidnaWarning, user_stacklevel
from solidna.progress import Progress

# The column constants (TIME ... Z_IM) are public through solidna.analysis.io.
__all__ = [
    "COLUMNS",
    "QUANTITIES",
    "Measurement",
    "Progress",
    "check_file",
    "ANY_INSTRUMENT_FILE",
    "BLANK_PROBE_BYTES",
    "split_header",
    "unit_factor",
    "numeric_column",
    "GROUPED",
    "digit_group_separator",
    "without_digit_groups",
    "plain_number",
    "cumulative_from_counter",
    "accumulate_counter",
    "net_charge_from_step_counter",
    "finish_table",
    "cycles_from_one",
    "no_data_rows",
    "one_line",
    "spectrum_index",
    "parse_durations",
    "clock_seconds",
    "read_clock",
    "wall_clock",
    "time_from_clock",
    "EC_LAB_DEFAULT_AREA_CM2",
    "stored_area",
    "decimal_comma_rows_to_points",
    "GAMRY_OVERLOADS",
    "gamry_overload_rows",
]

#: Tidy column names (SI). ``Z_im`` follows the electrochemical convention of impedance.py:
#: negative on a capacitive arc (the Nyquist plot shows ``-Z_im``). ``Current`` is positive for
#: oxidation of the working electrode (charge of a cathode against Na, stripping in a Na|Na cell);
#: ``Capacity`` is the net charge passed since the start of the record, ``integral of I dt``
#: (BioLogic's ``(Q-Qo)``), so the charge of any stretch is a difference of two values.
TIME = "Time [s]"
VOLTAGE = "Voltage [V]"
CURRENT = "Current [A]"
CURRENT_DENSITY = "Current density [A.m-2]"
#: A current per mass of active material (a header in mA/g, e.g. solidna simulate na-co2): read
#: as such, turned into a current by the analysis with the mass (``--mass``).
SPECIFIC_CURRENT = "Specific current [A.kg-1]"
CAPACITY = "Capacity [A.h]"
CYCLE = "Cycle number"
STEP = "Step"
FREQUENCY = "Frequency [Hz]"
Z_RE = "Z_re [Ohm]"
Z_IM = "Z_im [Ohm]"
#: Number of the spectrum a frequency belongs to (1, 2, ...) in a file holding several spectra.
SPECTRUM = "Spectrum"

#: EC-Lab's default "Electrode surface area" (cm2): the value of a cell whose area was never set.
#: Taken as unknown, never as the area (53 mAh/cm2 and 680 A/m2 were read from it, issue 10).
EC_LAB_DEFAULT_AREA_CM2 = 0.001


def stored_area(
    area_cm2: float,
    area_m2: float | None,
    where: str,
    metadata: dict[str, Any],
    notes: list[str],
    *,
    unset_cm2: float,
    unset_words: str,
) -> float | None:
    """The electrode area [m2] to use, from the value a file stores [cm2] and the user's.

    Instruments store the current and the impedance unnormalised (A, Ohm) beside the area the
    run was set up with; that area is used as one given with ``area=`` would be, once. The
    stored value goes to ``metadata["electrode area [cm2]"]``. The user's ``area_m2`` wins (a
    note when the two differ). The instrument's value for an area never set (``unset_cm2``:
    EC-Lab's 0.001 cm2, Gamry's 1 cm2), zero, a negative or a non-finite value is taken as
    unknown, with a note.

    Parameters
    ----------
    area_cm2 : float
        The area the file stores [cm2].
    area_m2 : float or None
        The area the user gave [m2] (None: not given).
    where : str
        Where the file stores it, for the notes (``"header"``, ``"Gamry header's AREA"``).
    metadata, notes
        The measurement's metadata and notes, added to in place.
    unset_cm2 : float
        The instrument's value for an area never set [cm2].
    unset_words : str
        What that value is, for the note (``"EC-Lab's default (never set)"``).

    Returns
    -------
    float or None
        Area [m2], or None when unknown.
    """
    metadata["electrode area [cm2]"] = area_cm2
    if area_m2 is not None:
        if not np.isclose(area_cm2 * 1e-4, area_m2, rtol=1e-6):
            notes.append(
                f"the {where} gives {area_cm2:g} cm2; the area given, {area_m2 * 1e4:g} cm2, is "
                "used."
            )
        return area_m2
    if np.isclose(area_cm2, unset_cm2, rtol=1e-9):
        unknown = f"{unset_words}, taken as unknown"
    elif not (np.isfinite(area_cm2) and area_cm2 > 0):
        unknown = "not an area"
    else:
        notes.append(f"electrode area {area_cm2:g} cm2 from the {where}.")
        return area_cm2 * 1e-4
    notes.append(
        f"the electrode area {area_cm2:g} cm2 in the {where} is {unknown}: currents and impedances "
        "stay absolute (A, Ohm); give the area with area= / --area (e.g. --area '1 cm2')."
    )
    return None


#: Quantity key -> (tidy column, SI unit as pint understands it).
QUANTITIES: dict[str, tuple[str, str]] = {
    "time": (TIME, "s"),
    "voltage": (VOLTAGE, "V"),
    "current": (CURRENT, "A"),
    "current density": (CURRENT_DENSITY, "A/m**2"),
    "capacity": (CAPACITY, "A*h"),
    "cycle": (CYCLE, ""),
    "step": (STEP, ""),
    "frequency": (FREQUENCY, "Hz"),
    "z_re": (Z_RE, "ohm"),
    "z_im": (Z_IM, "ohm"),
    "-z_im": (Z_IM, "ohm"),
    # a Bode export: Z_re and Z_im are computed from the modulus and the phase (degrees unless
    # the header says rad)
    "|z|": ("|Z| [Ohm]", "ohm"),
    "phase": ("Phase [deg]", "deg"),
    "-phase": ("Phase [deg]", "deg"),
}

#: The columns of a time series and of an impedance spectrum, in this order.
COLUMNS = {
    "timeseries": [
        TIME,
        VOLTAGE,
        CURRENT,
        CURRENT_DENSITY,
        SPECIFIC_CURRENT,
        CAPACITY,
        CYCLE,
        STEP,
    ],
    "impedance": [FREQUENCY, Z_RE, Z_IM, SPECTRUM, TIME],
}


#: How much of a file :func:`check_file` reads to tell a blank file (only white space, byte-order
#: marks or NUL bytes: an export that never wrote its data, or a copy that failed) from data.
BLANK_PROBE_BYTES = 65536

#: What a file may be when the caller does not say which format it expects, in the
#: "--flag (CLI) / name (Python)" form whose CLI part alone the command line shows (the formats
#: are listed under ``--format`` in ``solidna analyze --help``).
ANY_INSTRUMENT_FILE = (
    "an instrument data file (a format listed under --format (CLI) / "
    "solidna.analysis.io.FORMATS (Python))"
)


def check_file(path: str | os.PathLike[str], expected: str = ANY_INSTRUMENT_FILE) -> Path:
    """``path`` as a :class:`~pathlib.Path` if it is a readable file that holds something, else a
    :class:`DataFormatError` that says what it is instead and what to do.

    Every reader starts with it, so a missing file, a directory, an unreadable file and an empty
    one (no bytes, or only blank space) get the same message from every format.

    Parameters
    ----------
    path : str or os.PathLike
        The file to check.
    expected : str, optional
        What the caller reads, for the message (e.g. ``"a BioLogic EC-Lab text export
        (.mpt)"``); default any instrument file.

    Returns
    -------
    pathlib.Path
        The same path.

    Raises
    ------
    DataFormatError
        The path is missing, a directory, unreadable, empty or blank.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "run.mpt"
    >>> _ = p.write_bytes(b"")
    >>> try:
    ...     check_file(p, "an EC-Lab text export (.mpt)")
    ... except DataFormatError as exc:
    ...     print(str(exc).split("run.mpt: ")[1])  # doctest: +ELLIPSIS
    the file is empty (0 bytes); expected an EC-Lab text export (.mpt). Check that ...
    """
    p = Path(path)
    if p.is_dir():
        inside = sorted(c.name for c in p.iterdir() if c.is_file())[:5]
        listed = f" (files in it: {', '.join(inside)})" if inside else " (it holds no files)"
        raise DataFormatError(
            f"{p} is a directory, not a file{listed}; expected {expected}. Give the file itself, "
            f"e.g. {p / (inside[0] if inside else 'run.mpt')}."
        )
    if not p.is_file():
        raise DataFormatError(f"{p}: no such file (expected {expected}). Check the path.")
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(BLANK_PROBE_BYTES)
    except OSError as exc:
        raise DataFormatError(
            f"{p}: the file cannot be read ({exc.strerror or one_line(exc)}). Check its "
            "permissions, or copy it to a folder you can read."
        ) from None
    _refuse_pointer(p, head)
    if size == 0 or (size <= BLANK_PROBE_BYTES and not head.strip(b" \t\r\n\f\v\x00\xef\xbb\xbf")):
        what = "0 bytes" if size == 0 else f"{size} bytes of blank space, no data"
        raise DataFormatError(
            f"{p}: the file is empty ({what}); expected {expected}. Check that the export "
            "finished and that this is the right file, then export or copy it again."
        )
    return p


#: First bytes of a Git LFS pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md)
#: and of an unlocked git-annex pointer: what a clone holds in place of a large file until the
#: content is fetched. Read as data, a pointer was "none of its columns is recognised ('oid',
#: 'sha256:...')" or "not a topography", sending the user to the wrong fix.
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_ANNEX_POINTER = b"/annex/objects/"


def _refuse_pointer(p: Path, head: bytes) -> None:
    """Refuse a Git LFS or git-annex pointer file, naming the size of the file it stands for."""
    if head.startswith(_LFS_POINTER):
        size = re.search(rb"^size (\d+)", head, re.M)
        real = f" of {int(size[1])} bytes" if size else ""
        raise DataFormatError(
            f"{p}: a Git LFS pointer to the real file{real}, not the data itself. Fetch the "
            "content (git lfs pull in the repository, or download the file itself), then read "
            "it again."
        )
    if head.startswith(_ANNEX_POINTER):
        raise DataFormatError(
            f"{p}: a git-annex pointer, not the data itself. Fetch the content (git annex get "
            f"{p.name} in the repository), then read it again."
        )


@dataclass
class Measurement:
    """One instrument file as a tidy table.

    Attributes
    ----------
    data : pandas.DataFrame
        A time series (``"Time [s]"``, ``"Voltage [V]"``, ``"Current [A]"``, and where known
        ``"Current density [A.m-2]"``, ``"Capacity [A.h]"``, ``"Cycle number"``, ``"Step"``) or an
        impedance spectrum (``"Frequency [Hz]"``, ``"Z_re [Ohm]"``, ``"Z_im [Ohm]"``, with
        ``Z_im < 0`` on a capacitive arc). See :data:`COLUMNS`.
    kind : str
        ``"timeseries"`` or ``"impedance"``.
    format : str
        The reader used (a key of :data:`solidna.analysis.io.FORMATS`).
    source : pathlib.Path
        The file read (never modified).
    area_m2 : float or None
        Electrode area in m2 (given by the user, or from the file header or settings), else None.
    metadata : dict
        What the file's header says (instrument, start date, channel ...), as strings/numbers.
    notes : list of str
        Assumptions the reader made (e.g. a unit taken as SI because the header had none).
    """

    data: pd.DataFrame
    kind: str
    format: str
    source: Path
    area_m2: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.data)

    def describe(self) -> dict[str, Any]:
        """Short summary for ``summary.json``: file, format, kind, rows, columns, area, notes."""
        out: dict[str, Any] = {
            "file": str(self.source),
            "format": self.format,
            "kind": self.kind,
            "rows": len(self.data),
            "columns": list(self.data.columns),
            "electrode area [cm2]": None if self.area_m2 is None else self.area_m2 * 1e4,
            "metadata": self.metadata,
            "notes": self.notes,
        }
        if self.kind == "timeseries" and len(self.data):
            t = self.data[TIME].to_numpy()
            out["duration [h]"] = float(t[-1] - t[0]) / 3600.0
        return out


# --------------------------------------------------------------------------------------------
# Unit-bearing headers
# --------------------------------------------------------------------------------------------
_BRACKETS = re.compile(r"^(?P<stem>.*?)\s*\[(?P<unit>[^\[\]]+)\]\s*$")
_PARENS = re.compile(r"^(?P<stem>.*?[^\s(])\s*\((?P<unit>[^()]+)\)\s*$")
_SLASH = re.compile(r"^(?P<stem>.+?)/(?P<unit>[^/]+)$")
# EC-Lab puts the unit of a recorded average inside the angle brackets when the technique
# records the average (``<Ewe/V>`` in chronopotentiometry with ``record <Ewe>``), but outside
# otherwise (``<I>/mA``); both name the same quantity.
_ANGLE = re.compile(r"^<(?P<stem>[^<>/]+)/(?P<unit>[^<>/]+)>$")
# Words in parentheses that are not units (Re(Z), Im(Z), (Q-Qo) ...) are kept in the stem.
_NOT_UNITS = {"z", "q-qo", "y", "z'", "z''"}
# A unit after a number sign, with no space on either side (Digatron's English export:
# ``Program Duration#s``, ``Voltage#V``, ``AhCha#Ah``, ``Tenv#degC``). A name that ends in the
# sign (``Step#``, Maccor's ``Cyc#``) or whose text after it is no unit (``T#1``) keeps it whole.
_NUMBER_SIGN = re.compile(r"^(?P<stem>.*[^\s#])#(?P<unit>[^\s#]+)$")
# A unit after the last underscore (``voltage_V``, ``test_time_s``, ``current_a``: Landt and
# Battery Data Format exports) is read only when it is one of these, so that ``Cycle_Index`` or
# ``temperature_1_C`` (C is coulomb to pint) keep their name whole.
_SUFFIX = re.compile(r"^(?P<stem>[^\s_][^\s]*?)_(?P<unit>[A-Za-z]+)$")
# "_min" is minutes after a time ("test_time_min") but a minimum after a quantity ("V_min",
# "I_min": the per-cycle statistics of BatteryArchive / battery-data-toolkit summaries)
_TIME_STEM = re.compile(r"(?i)(time|^t$)")
_SUFFIX_UNITS = {
    "s": "s",
    "sec": "s",
    "min": "min",
    "h": "h",
    "hr": "h",
    "v": "V",
    "mv": "mV",
    "a": "A",
    "ma": "mA",
    "ua": "uA",
    "ah": "A*h",
    "mah": "mA*h",
    "wh": "W*h",
    "mwh": "mW*h",
    "ohm": "ohm",
    "ohms": "ohm",
    # impedance in kOhm and mOhm, frequency in kHz and times in ms, written "Zre_kOhm",
    # "Zre_mOhm", "f_kHz", "t_ms" as the brackets of other columns are
    "kohm": "kohm",
    "mohm": "mohm",
    "hz": "Hz",
    "khz": "kHz",
    "ms": "ms",
    "deg": "deg",
}


def split_header(name: str) -> tuple[str, str | None]:
    """Split a column header into its quantity and its unit.

    Understands ``"Time [h]"``, ``"Test_Time(s)"``, ``"Voltage(V)"``, ``"Ewe/V"``,
    ``"<Ewe/V>"`` (EC-Lab's recorded average, stem ``"<Ewe>"``), ``"(Q-Qo)/mA.h"``,
    ``"-Im(Z)/Ohm"``, Digatron's ``"Voltage#V"`` (a unit after ``#``; ``"Step#"``, with nothing
    after it, is a name) and, for the units of ``_SUFFIX_UNITS``, ``"voltage_V"``.

    Parameters
    ----------
    name : str
        The column header.

    Returns
    -------
    (str, str or None)
        The stem (stripped) and the unit text, or None when the header has no unit.

    Examples
    --------
    >>> split_header("Time [h]"), split_header("Test_Time(s)"), split_header("Re(Z)/Ohm")
    (('Time', 'h'), ('Test_Time', 's'), ('Re(Z)', 'Ohm'))
    >>> split_header("Cycle_Index"), split_header("test_time_s"), split_header("current_a")
    (('Cycle_Index', None), ('test_time', 's'), ('current', 'A'))
    >>> split_header("Program Duration#s"), split_header("AhCha#AH"), split_header("Cyc#")
    (('Program Duration', 's'), ('AhCha', 'A*h'), ('Cyc#', None))
    """
    text = str(name).strip()
    m = _ANGLE.match(text)
    if m:
        return f"<{m.group('stem').strip()}>", m.group("unit").strip()
    m = _NUMBER_SIGN.match(text)
    if m:
        # before the slash: "SpecCap#mAh/g" is one unit; a unit pint cannot read as written is
        # taken as one of _SUFFIX_UNITS in any case (Digatron also writes "AhCha#AH")
        unit = m.group("unit")
        if re.search(r"[^\W\d_]|%|°", unit) and _reads_as_unit(unit):
            return m.group("stem"), unit
        if unit.lower() in _SUFFIX_UNITS:
            return m.group("stem"), _SUFFIX_UNITS[unit.lower()]
    for pattern in (_BRACKETS, _SLASH, _PARENS):
        m = pattern.match(text)
        if m and m.group("unit").strip().lower() not in _NOT_UNITS:
            if pattern is _SLASH and re.search(r"\s|\(", m.group("unit").strip()):
                # a slash between words before a unit in parentheses ("Charge/Discharge
                # Efficiency(%)", Neware's cycle layer): the unit is the one in parentheses
                paren = _PARENS.match(text)
                if paren and _reads_as_unit(paren.group("unit")):
                    return paren.group("stem").strip(), _plain_unit(paren.group("unit"))
            stem = m.group("stem").strip()
            if pattern is _BRACKETS:
                # "quantity / [unit]": the slash and the brackets both mark the unit (ixdat's
                # CSV export writes "$U_{RHE}$ / [V]", "J / [mA cm$^{-2}$]")
                stem = re.sub(r"\s*/$", "", stem)
            return stem, _plain_unit(m.group("unit"))
    for pattern, units in ((_SUFFIX, _SUFFIX_UNITS), (_COMMA, _COMMA_UNITS)):
        m = pattern.match(text)
        unit = m.group("unit").lower() if m else None
        if unit in units and (unit != "min" or _TIME_STEM.search(m.group("stem"))):
            if unit == "mohm" and m.group("unit")[0] == "M":
                # "Z_MOhm" is megaohms, "Z_mOhm" milliohms: the case of the prefix decides
                return m.group("stem"), "Mohm"
            return m.group("stem"), units[unit]
    return text, None


#: TeX markup of a unit written for a plot label (ixdat's "mA cm$^{-2}$", "$\\mu$A"): the
#: dollar signs, the braces of an exponent and the named Greek letters are not the unit.
_TEX_NAMES = {r"\mu": "u", r"\Omega": "ohm", r"\cdot": " ", r"\times": " ", r"\,": " "}


def _plain_unit(unit: str) -> str:
    """``unit`` without TeX markup (``"mA cm$^{-2}$"`` -> ``"mA cm^-2"``), stripped."""
    text = unit.strip()
    if "$" not in text:
        return text
    for tex, plain in _TEX_NAMES.items():
        text = text.replace(tex, plain)
    text = re.sub(r"\^\{([^{}]*)\}", r"^\1", text.replace("$", ""))
    text = re.sub(r"\\mathrm\{([^{}]*)\}", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


#: A unit after a comma, inside a quoted name (Bitrode's newer CSV: ``"Total Time, S"``). Only
#: the units of :data:`_COMMA_UNITS`, written in capitals by Bitrode ("S" is seconds there, not
#: siemens), so that a name such as "Voltage, cell 1" keeps its words.
_COMMA = re.compile(r"^(?P<stem>[^,]*[^,\s])\s*,\s*(?P<unit>[A-Za-z]{1,4})\s*$")
_COMMA_UNITS = {**_SUFFIX_UNITS, "w": "W"}


def _reads_as_unit(text: str) -> bool:
    """True when ``text`` reads as a unit (pint), ``%`` included."""
    from solidna.units import Q_

    try:
        Q_(1.0, _pint_unit(text))
    except Exception:
        return False
    return True


def _pint_unit(unit: str) -> str:
    """Instrument unit text -> pint syntax: ``mA.h`` -> ``mA*h``, ``cm-2`` -> ``cm**-2``."""
    u = unit.strip().replace("µ", "u").replace("μ", "u").replace("Ω", "ohm")
    u = re.sub(r"(?i)ohm", "ohm", u)
    u = re.sub(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z])", "*", u)
    u = re.sub(r"(?<=[A-Za-z])(-?\d+)(?![\d.])", r"**\1", u)
    seconds = re.fullmatch(r"(?i)([a-z]*)sec", u)  # "sec", "msec", Landt's "Sec"
    return seconds.group(1) + "s" if seconds else u


#: A character no unit text holds (letters, digits, µ, Ω, °, superscripts and * / ^ . - + ( ) %
#: : and spaces are allowed).
_NOT_UNIT_CHARACTER = re.compile(r"[^\w\s*/^.\-+()%:·²³°µμΩ]")


def unit_factor(unit: str | None, si_unit: str, *, what: str, path: Path | str) -> float:
    """Factor that converts values in ``unit`` into ``si_unit``.

    Parameters
    ----------
    unit : str or None
        Unit text from a header (``"mA.h"``, ``"min"``, ``"Ohm"``); None means already SI.
    si_unit : str
        Target unit in pint syntax (``"A*h"``, ``"s"``).
    what : str
        Column description for the message.
    path : path
        File, for the message.

    Raises
    ------
    DataFormatError
        The unit is unknown or has the wrong dimensions (e.g. a current column in V).
    """
    if unit is None or si_unit == "":
        return 1.0
    odd = _NOT_UNIT_CHARACTER.search(unit)
    if odd:
        # pint skips such a character: "�A" (an undecoded µ) and "?A" (a µ an export could not
        # encode) would be read as A, a million times too large
        raise DataFormatError(
            f"{path}: the unit {unit!r} of {what} holds {odd.group()!r}, which no unit has: a "
            "character lost to the file's text encoding (a µ?). Save the file as UTF-8, or map "
            f"the column with its unit, e.g. columns={{'{what.split()[0]}': 'column [uA]'}}."
        )
    from solidna.units import Q_

    try:
        q = Q_(1.0, _pint_unit(unit))
    except Exception:
        raise DataFormatError(
            f"{path}: cannot read the unit {unit!r} of {what}. Give the column a unit such as "
            f"[{si_unit.replace('**', '')}] in its header, or map it with columns="
            f"{{'{what.split()[0]}': 'column [unit]'}}."
        ) from None
    try:
        return float(q.to(si_unit).magnitude)
    except Exception:
        raise DataFormatError(
            f"{path}: {what} is in {unit!r}, which is not a unit of {si_unit!r} (mixed-up "
            "units or columns). Check the column mapping and the header units."
        ) from None


_NUMBER_WITH_UNIT = re.compile(
    r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s].*?)?\s*$"
)


#: A number with digit groups, as a spreadsheet writes it with "Use 1000 separator" on: a comma
#: (English, Maccor's ``1,005.3806`` s), a point (German, "1.020,5"), a space or no-break space
#: (French, "1 020,5") or an apostrophe (Swiss, "1'020.5") between groups of three digits.
GROUPED = re.compile(
    r"^\s*[-+]?\d{1,3}(?P<sep>[,.' \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*"
    r"(?P<dec>[.,]\d*)?(?:[eE][-+]?\d+)?\s*$"
)


#: A number with a decimal comma, or a whole number ("1,0003201E+003", "-2,748", "0").
_COMMA_DECIMAL = re.compile(r"[-+]?\d+(?:,\d+)?(?:[eE][-+]?\d+)?")


def _row_fields(line: str) -> list[str]:
    """The cells of a text row separated by semicolons, tabs or spaces (not commas)."""
    return [f for f in re.split(r"[;\t]|\s+", line.strip()) if f]


def _is_comma_row(line: str) -> bool:
    """True for a row of two or more numbers with decimal commas, some with a comma."""
    fields = _row_fields(line)
    return (
        len(fields) > 1
        and all(_COMMA_DECIMAL.fullmatch(f) for f in fields)
        and any("," in f for f in fields)
    )


def _is_point_row(line: str) -> bool:
    """True for a row of two or more numbers (any separator) of which one has a decimal point."""
    fields = [f for f in re.split(r"[;,\s]+", line.strip()) if f]
    if len(fields) < 2 or not any("." in f for f in fields):
        return False
    try:
        [float(f) for f in fields]
    except ValueError:
        return False
    return True


def decimal_comma_rows_to_points(lines: list[str]) -> list[str]:
    """``lines`` with their rows of decimal-comma numbers written with decimal points and their
    semicolons as commas, for readers that parse numbers with a point and split at commas.

    An export written (or re-saved by Excel) in a locale with decimal commas has rows such as
    ``1,0003201E+003<TAB>6,5470886E+001`` or ``84,0016;9616,0``: impedance.py's readers refused
    such a file (Parstat ended in a ValueError), and the XPS text reader, which splits at commas
    too, read ``84,0016;9616,0`` as the four numbers 84, 16, 9616 and 0 - a spectrum of wrong
    numbers, silently. Rows are changed only when three or more are such rows and no row of
    numbers has a decimal point; other lines (headers, metadata) are left as they are.

    Parameters
    ----------
    lines : list of str
        The file's lines.

    Returns
    -------
    list of str
        ``lines`` itself when it is not a decimal-comma table, else a changed copy.
    """
    comma_rows = [_is_comma_row(line) for line in lines]
    if sum(comma_rows) < 3 or any(
        _is_point_row(line)
        for line, is_comma in zip(lines, comma_rows, strict=True)
        if not is_comma
    ):
        return lines
    return [
        line.replace(",", ".").replace(";", ",") if is_comma else line
        for line, is_comma in zip(lines, comma_rows, strict=True)
    ]


def plain_number(decimal: str = ".") -> re.Pattern:
    """A number without digit groups, in the decimal mark ``decimal``."""
    return re.compile(rf"\s*[-+]?(?:\d+\{decimal}?\d*|\{decimal}\d+)(?:[eE][-+]?\d+)?\s*")


def digit_group_separator(values: pd.Series, decimal: str = ".") -> str | None:
    """The separator between digit groups of a column of numbers written with them, or None.

    One rule for every reader (the table-level conversion of a CSV's columns and the cells of
    :func:`numeric_column` alike): the cells that are numbers with digit groups
    (:data:`GROUPED`) must all use one separator, which is not the decimal mark ``decimal``,
    and their decimals that mark; a comma between groups also needs a decimal point somewhere
    in the column, since ``"1,020"`` alone may be a decimal comma.

    Parameters
    ----------
    values : pandas.Series
        The column's cells (text).
    decimal : str, optional
        The file's decimal mark.
    """
    if pd.api.types.is_numeric_dtype(values.dtype):
        return None
    text = values[values.notna()].astype(str)
    text = text[text.str.strip() != ""]
    if text.empty:
        return None
    # a plain number in the decimal mark ("375.000" with a decimal point) is not grouped
    groups = text[~text.str.fullmatch(plain_number(decimal))].str.extract(GROUPED)
    seps = set(groups["sep"].dropna())
    marks = {m[0] for m in groups["dec"].dropna() if m}
    if len(seps) != 1 or decimal in seps or (marks and marks != {decimal}):
        return None
    if seps == {","} and not text.str.contains(".", regex=False).any():
        return None
    return seps.pop()


def without_digit_groups(values: pd.Series, decimal: str = ".") -> pd.Series:
    """The cells with their digit-group separators removed, where that is what they are
    (:func:`digit_group_separator`); the grouped cells are then plain numbers with a decimal
    point, the others are left as they are.

    Maccor writes ``Test Time (sec)`` as ``995.3802`` then ``1,005.3806`` (and Excel-formatted
    exports do the same): the comma groups three digits before a decimal point.
    """
    sep = digit_group_separator(values, decimal)
    if sep is None:
        return values
    text = values.astype(str)
    grouped = (
        values.notna() & text.str.fullmatch(GROUPED) & ~text.str.fullmatch(plain_number(decimal))
    )
    plain = text.str.replace(sep, "", regex=False).str.replace(decimal, ".", regex=False)
    return values.where(~grouped, plain)


#: Engineering notation: a number with an SI prefix right after it and no unit ("727.384m",
#: "1.461k"), as matplotlib's EngFormatter and Zahner's exports write a column of mixed scales.
_ENGINEERING = re.compile(
    r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)([pnu\u00b5\u03bcmkMG]?)\s*$"
)
_SI_PREFIX = {
    "p": 1e-12,
    "n": 1e-9,
    "u": 1e-6,
    "\u00b5": 1e-6,
    "\u03bc": 1e-6,
    "m": 1e-3,
    "": 1.0,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
}


def _engineering(text: pd.Series, units: list[str]) -> np.ndarray | None:
    """The values of a column in engineering notation, or None when it is not one.

    Only a column whose cells mix two or more scales (prefixes, or a prefix and none) counts:
    ``"3 m"`` in every cell stays a unit (metre), read by the caller.
    """
    if not units or not all(u in _SI_PREFIX for u in units):
        return None
    parts = text.str.extract(_ENGINEERING)
    if parts[0].isna().any():
        return None  # a space before the letter, or a longer suffix: a unit, not a prefix
    scales = parts[1].fillna("")
    if scales.nunique() < 2:
        return None
    return parts[0].astype(float).to_numpy() * scales.map(_SI_PREFIX).to_numpy(dtype=float)


def numeric_column(
    values: pd.Series, *, what: str, path: Path | str, notes: list[str] | None = None
) -> tuple[np.ndarray, str | None]:
    """Column as float64, with the unit if the cells carry one (``"3.2 V"``).

    Parameters
    ----------
    values : pandas.Series
        The column's cells, numbers or text, in the file's unit.
    what : str
        What the column is, for error messages.
    path : pathlib.Path or str
        The file read, for error messages.
    notes : list of str, optional
        Where to say that the cells were in engineering notation (SI prefixes of mixed scales
        after the numbers, "727.384m", "1.461k"), read with the prefixes applied.

    Returns
    -------
    (numpy.ndarray, str or None)
        The numbers and the unit found in the cells (None for plain numbers).

    Raises
    ------
    DataFormatError
        A cell is not a number, or the cells carry different units (mixed units).
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=float, na_value=np.nan), None
    values = without_digit_groups(values)
    as_num = pd.to_numeric(values, errors="coerce")
    bad = as_num.isna() & values.notna() & (values.astype(str).str.strip() != "")
    if not bad.any():
        return as_num.to_numpy(dtype=float, na_value=np.nan), None
    text = values.astype(str)
    comma = text[bad].str.fullmatch(r"\s*[-+]?\d*,\d+(?:[eE][-+]?\d+)?\s*")
    filled = text[values.notna() & (text.str.strip() != "")]
    if (
        comma.all()
        and not filled.str.contains(".", regex=False).any()
        and not text[bad].str.fullmatch(r"\s*[-+]?\d{1,3},\d{3}\s*").all()
    ):
        # every cell that is not a whole number has a decimal comma, and one at least cannot be
        # a thousands separator ("0,0747"): numbers stored as text in a spreadsheet of a locale
        # with decimal commas (a CSV imported into Excel as text)
        if notes is not None:
            notes.append(f"{what} holds numbers with decimal commas: read as such.")
        number = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        return number.where(values.notna()).to_numpy(dtype=float, na_value=np.nan), None
    if comma.any():
        # "3,500": a decimal comma, or a comma between digit groups; read as the number 3 with
        # the unit ",500" the message spoke of mixed units
        cell = text[bad][comma].iloc[0]
        raise DataFormatError(
            f"{path}: {what} holds {cell!r}, a number with a comma that may be a decimal comma "
            "or a thousands separator (the file's numbers were read with a decimal point). Save "
            "the table again with one decimal mark: a point, or commas with ';' between the "
            "columns."
        )
    parts = text.str.extract(_NUMBER_WITH_UNIT)
    if parts[0].isna()[values.notna()].any():
        k = int(np.flatnonzero((parts[0].isna() & values.notna()).to_numpy())[0])
        raise DataFormatError(
            f"{path}: {what} holds a value that is not a number, {text.iloc[k]!r} in data row "
            f"{k + 1}. Remove text rows inside the data, or map another column."
        )
    units = sorted({u for u in parts[1].dropna().unique() if u})
    engineering = _engineering(text[values.notna()], units)
    if engineering is not None:
        if notes is not None:
            notes.append(
                f"{what} is in engineering notation (an SI prefix after the number: 'm' = "
                "1e-3, 'k' = 1e3, ...): read with the prefixes applied."
            )
        out = np.full(len(values), np.nan)
        out[values.notna().to_numpy()] = engineering
        return out, None
    if len(units) > 1 or (units and parts[1].isna()[values.notna()].any()):
        shown = ", ".join(repr(u) for u in units[:4]) + (" and none" if len(units) == 1 else "")
        raise DataFormatError(
            f"{path}: {what} mixes units within the column ({shown}). Convert the column to one "
            "unit and put that unit in the header, e.g. 'Voltage [V]'."
        )
    return parts[0].astype(float).to_numpy(), units[0] if units else None


# --------------------------------------------------------------------------------------------
# Capacity counters
# --------------------------------------------------------------------------------------------
def cumulative_from_counter(counter: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Net charge since the start from a counter that restarts at zero in every segment.

    Cyclers count capacity per step (Neware, Maccor) or per cycle (Arbin); the tidy table holds
    the running total. Within each segment (a run of equal ``segment`` ids) the value is the
    counter plus the sum of the last counter values of all earlier segments.

    Parameters
    ----------
    counter : numpy.ndarray
        Signed charge counted from the start of each segment (positive on charge), any unit.
    segment : numpy.ndarray
        Segment id per sample; a new segment starts wherever it changes.

    Returns
    -------
    numpy.ndarray
        Running net charge, same unit as ``counter``.
    """
    counter = np.asarray(counter, dtype=float)
    if counter.size == 0:
        return counter
    seg = np.asarray(segment)
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    ends = np.r_[starts[1:] - 1, counter.size - 1]
    offsets = np.r_[0.0, np.cumsum(counter[ends])[:-1]]
    lengths = np.diff(np.r_[starts, counter.size])
    return counter + np.repeat(offsets, lengths)


def accumulate_counter(
    counter: np.ndarray, segment: np.ndarray, magnitude: np.ndarray | None = None
) -> np.ndarray:
    """Running total of a counter that may or may not restart at each segment change.

    Like :func:`cumulative_from_counter`, but decided from the data at every change of
    ``segment``: where the counter's magnitude falls back (it restarted from zero), the earlier
    total is added; where it goes on rising, only what it rose by counts, with the sign of the
    new segment. So a Maccor capacity that runs on from the CC to the CV step of one charge is
    not counted twice, and an unsigned counter that runs on from a charge into the discharge
    (a throughput, as some Maccor procedures count it) is subtracted there instead of jumping
    to minus its total. Rows whose counter is 0 (rests, signed 0) add nothing.

    Parameters
    ----------
    counter : numpy.ndarray
        Signed counter, any unit.
    segment : numpy.ndarray
        Segment id per sample (step, mode ...).
    magnitude : numpy.ndarray, optional
        What the instrument counts up (default ``|counter|``).
    """
    counter = np.asarray(counter, dtype=float)
    if counter.size == 0:
        return counter
    mag = np.abs(counter) if magnitude is None else np.asarray(magnitude, dtype=float)
    seg = np.asarray(segment)
    restart = (seg[1:] != seg[:-1]) & (mag[1:] < mag[:-1])
    # per row: the counter itself after a restart, else its rise with the row's sign
    step = np.where(restart, counter[1:], np.sign(counter[1:]) * np.diff(mag))
    return np.r_[counter[0], counter[0] + np.cumsum(step)]


def integrate_current(time_s: np.ndarray, current_A: np.ndarray, values=None) -> np.ndarray:
    """Running integral of the current in A.h (for files without a charge counter).

    Trapezoidal between samples of the same current sign; where the sign changes (a switch
    between charge, rest and discharge) the interval takes the value at its end, as a cycler's
    sample holds what happened since the previous sample. So no charge of one half cycle leaks
    into the next. ``values`` (same length) integrates another quantity (e.g. ``V I`` for the
    energy in W.h) with the same rule, still switched by the sign of the current.
    """
    t = np.asarray(time_s, dtype=float)
    i = np.asarray(current_A, dtype=float)
    y = i if values is None else np.asarray(values, dtype=float)
    if t.size == 0:
        return t
    same = np.sign(i[1:]) == np.sign(i[:-1])
    mean = np.where(same, 0.5 * (y[1:] + y[:-1]), y[1:])
    return np.r_[0.0, np.cumsum(mean * np.diff(t))] / 3600.0


def spectrum_index(frequency_Hz: np.ndarray, breaks: np.ndarray | None = None) -> np.ndarray:
    """Number (1, 2, ...) of the spectrum each frequency belongs to.

    A new spectrum starts where the sweep turns back: where the frequency steps against the
    direction of the sweep (most steps go one way: down from MHz to mHz, or up), or at a
    ``breaks`` position (e.g. where the impedance rows of a mixed record are interrupted by
    cycling rows). A single sweep is spectrum 1 throughout.

    Parameters
    ----------
    frequency_Hz : numpy.ndarray
        Frequencies in Hz, in file order.
    breaks : numpy.ndarray of bool, optional
        True where a new spectrum must start regardless of the frequency.
    """
    f = np.asarray(frequency_Hz, dtype=float)
    if f.size == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.zeros(f.size, dtype=bool)
    if breaks is not None:
        start |= np.asarray(breaks, dtype=bool)
    step = np.diff(np.log(np.where(f > 0, f, np.nan)))
    direction = np.sign(np.nanmedian(step)) if np.isfinite(step).any() else 0.0
    if direction != 0:
        start[1:] |= np.nan_to_num(step) * direction < 0
    start[0] = True
    return np.cumsum(start).astype(np.int64)


# the day count before the clock: "0d 00:00:05" (Maccor), "1-02:03:04" (Neware), "1.02:03:04"
# (.NET's TimeSpan text, which Landt's LANDdt writes for a test time past a day), "1 02:03:04",
# ":0:00:00:05" (days:hours:minutes:seconds, the Maccor CSV export of ionworks/ionworksdata's
# test files: four fields, a colon before the days)
_DURATION = re.compile(
    r"^\s*(?::?(?P<d>\d+)\s*(?:d|-|\.|\s|:)\s*)?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d*)?)\s*$"
)


def parse_durations(values: pd.Series) -> np.ndarray | None:
    """Durations written as ``[D]d HH:MM:SS[.ff]``, ``D-HH:MM:SS``, ``D.HH:MM:SS`` or
    ``HH:MM:SS`` in seconds.

    Maccor writes ``0d 00:00:05`` (also ``0d 00:00:5``), Neware BTS ``00:00:05`` or
    ``1-02:03:04.500``, Landt's LANDdt ``1.02:03:04`` past a day (hours past 24, ``26:03:04``,
    read as well). Returns None when the cells are not all durations (the caller then reads
    them as numbers); empty cells give NaN.

    Parameters
    ----------
    values : pandas.Series
        The column's cells.

    Returns
    -------
    numpy.ndarray of float or None
        Durations [s], or None when the cells are not durations.
    """
    if pd.api.types.is_numeric_dtype(values.dtype):
        return None  # numbers, not durations (and no string work on a million rows)
    first = values.dropna().head(50).astype(str)
    if first.empty or not first.str.match(_DURATION).all():
        return None
    text = values.astype(str).str.strip()
    present = values.notna() & (text != "")
    parts = text.str.extract(_DURATION)
    if present.sum() == 0 or parts["h"][present].isna().any():
        return None
    days = pd.to_numeric(parts["d"], errors="coerce").fillna(0.0)
    seconds = pd.to_numeric(parts["s"].str.replace(",", ".", regex=False), errors="coerce")
    total = (
        days * 86400.0
        + pd.to_numeric(parts["h"], errors="coerce") * 3600.0
        + pd.to_numeric(parts["m"], errors="coerce") * 60.0
        + seconds
    )
    return total.to_numpy(dtype=float, na_value=np.nan)


#: Date-and-time formats of a time column that holds the clock (EC-Lab/BT-Lab's absolute time
#: export writes ``11/20/2024 11:38:41.707`` under ``time/s``) or of a wall-clock column beside
#: the test time (Neware's ``Realtime``, Maccor's ``DPt Time``): ISO first, then month first (as
#: EC-Lab writes every date, e.g. its header's ``Acquisition started on``), then day first. Where
#: both of the last two read a column, :func:`read_clock` decides between them by the values.
CLOCK_FORMATS = (
    ("%Y-%m-%d %H:%M:%S.%f", "year-month-day"),
    ("%Y-%m-%d %H:%M:%S", "year-month-day"),
    ("%Y-%m-%d %H:%M", "year-month-day"),
    ("%Y-%m-%dT%H:%M:%S.%f", "year-month-day"),
    ("%Y-%m-%dT%H:%M:%S", "year-month-day"),
    ("%Y/%m/%d %H:%M:%S.%f", "year/month/day"),
    ("%Y/%m/%d %H:%M:%S", "year/month/day"),
    ("%m/%d/%Y %H:%M:%S.%f", "month/day/year"),
    ("%m/%d/%Y %H:%M:%S", "month/day/year"),
    ("%m/%d/%Y %H:%M", "month/day/year"),
    # a 12-hour clock (Digatron's "11/7/2018 5:08:07 PM")
    ("%m/%d/%Y %I:%M:%S %p", "month/day/year"),
    ("%m.%d.%Y %H:%M:%S.%f", "month.day.year"),
    ("%d/%m/%Y %H:%M:%S.%f", "day/month/year"),
    ("%d/%m/%Y %H:%M:%S", "day/month/year"),
    ("%d/%m/%Y %H:%M", "day/month/year"),
    ("%d/%m/%Y %I:%M:%S %p", "day/month/year"),
    ("%d.%m.%Y %H:%M:%S.%f", "day.month.year"),
    ("%d.%m.%Y %H:%M:%S", "day.month.year"),
    ("%d.%m.%Y %H:%M", "day.month.year"),
)


def read_clock(values: pd.Series, first: str | None = None) -> tuple[pd.Series, str, str] | None:
    """The dates and times of a clock column, the order of their fields and why that order.

    None unless every cell is a date and time in one of :data:`CLOCK_FORMATS` and the times
    never go back. ``first`` (``"year"``, ``"month"`` or ``"day"``) keeps only the order a
    file's header states. Otherwise the values decide between month first and day first: a
    field above 12 reads in one order only, a clock does not run backwards, and where both
    orders read every cell, the one whose largest step between two rows is the smaller (a
    record sampled at a steady rate does not jump a month between two rows; read in the wrong
    order, a change of day becomes a change of month). Where both give the same times (no date
    changes in the column) month first is kept, and it does not matter.

    Returns
    -------
    stamps : pandas.Series
        The dates and times (datetime64).
    order : str
        e.g. ``"day/month/year"``.
    why : str
        How the order was decided, for a note (empty for ISO dates).
    """
    if pd.api.types.is_numeric_dtype(values.dtype) or values.empty:
        return None
    text = values.astype(str).str.strip()
    found: dict[str, pd.Series] = {}
    read_as: dict[str, pd.Series] = {}  # format -> its dates, where it read every cell
    for fmt, words in CLOCK_FORMATS:
        if words in found or (first is not None and not words.startswith(first)):
            continue
        # the first cell decides cheaply: a text column that is no clock (units in the cells,
        # thousands separators) is not converted whole for every format
        if pd.isna(pd.to_datetime(text.iloc[0], format=fmt, errors="coerce")):
            continue
        stamps = _other_date_order(text, fmt, read_as)
        if stamps is None:
            stamps = pd.to_datetime(text, format=fmt, errors="coerce")
        if stamps.notna().all() and np.all(np.diff(stamps.to_numpy(dtype="datetime64[ns]")) >= 0):
            found[words] = read_as[fmt] = stamps
    if not found:
        return None
    words = next(iter(found))
    if first is not None:
        return found[words], words, "the order the file's header states"
    if words.startswith("year"):
        return found[words], words, ""
    if len(found) == 1:
        return (
            found[words],
            words,
            "the only order in which every date is a date and the times run forward",
        )
    seconds = {
        w: (s - s.iloc[0]).dt.total_seconds().to_numpy(dtype=float) for w, s in found.items()
    }
    if all(np.array_equal(seconds[w], seconds[words]) for w in found):
        return found[words], words, "either order gives the same times: no date changes"
    steps = {w: float(np.diff(t).max()) for w, t in seconds.items()}
    best = min(found, key=lambda w: steps[w])
    other = max(found, key=lambda w: steps[w])
    return (
        found[best],
        best,
        f"assumed: both orders read every date, and {other} would make a step of "
        f"{steps[other] / 86400:.3g} days between two rows against {steps[best]:.6g} s",
    )


def _other_date_order(text: pd.Series, fmt: str, read_as: dict[str, pd.Series]) -> pd.Series | None:
    """``text`` read with ``fmt`` from a reading in another order of the same date fields and
    the same time of day (``%m/%d/%Y %H:%M:%S`` against ``%d/%m/%Y %H:%M:%S``), else None.

    Where both orders read every cell (each field <= 12) the column would be converted twice
    (about 1 s per 300 000 rows each). The time of day is the same in both orders, and a
    record holds few distinct dates: only those are converted, the time of day is taken from
    the earlier reading.
    """
    date_fmt, _, time_fmt = fmt.partition(" ")
    for other, stamps in read_as.items():
        other_date, _, other_time = other.partition(" ")
        if other_time != time_fmt or sorted(other_date) != sorted(date_fmt) or other == fmt:
            continue
        ends = text.str.find(" ")
        if ends.nunique() == 1:  # zero-padded dates: a slice (ten times faster than a split)
            dates = text.str.slice(0, int(ends.iloc[0]))
        else:
            dates = text.str.split(" ", n=1).str[0]
        codes, distinct = pd.factorize(dates)
        days = pd.to_datetime(pd.Series(distinct), format=date_fmt, errors="coerce")
        of_day = stamps - stamps.dt.normalize()
        return pd.Series(days.to_numpy()[codes], index=text.index) + of_day
    return None


def clock_seconds(values: pd.Series, first: str | None = None) -> tuple[np.ndarray, str] | None:
    """Seconds from the first row of a column of dates and times, and the order read
    (:func:`read_clock`; the order's words followed by why, in brackets, where it was not ISO)."""
    clock = read_clock(values, first)
    if clock is None:
        return None
    stamps, words, why = clock
    seconds = (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy(dtype=float)
    return seconds, f"{words} ({why})" if why else words


def wall_clock(values: pd.Series) -> pd.Series:
    """The dates and times of a wall-clock column beside the test time (NaT where a cell is
    empty or not a date): :func:`read_clock` on the filled cells, so day-first dates are read
    day first; other layouts are left to pandas (month first where it cannot tell)."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values  # already dates (NewareNDA's Timestamp, a workbook's date cells)
    present = values.dropna()
    present = present[present.astype(str).str.strip() != ""]
    clock = read_clock(present) if not present.empty else None
    if clock is not None:
        return clock[0].reindex(values.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' "could not infer format"
        return pd.to_datetime(values, errors="coerce")


def time_from_clock(
    values: pd.Series, column: str, notes: list[str], first: str | None = None
) -> np.ndarray | None:
    """Seconds from the first row of a time column of dates and times, with a note.

    None when the column is numbers or not dates and times throughout (:func:`clock_seconds`,
    ``first`` as there): it is then read, or refused naming its cells, as any column.
    """
    clock = clock_seconds(values, first)
    if clock is None:
        return None
    notes.append(
        f"time column {column!r} holds dates and times (a clock, as EC-Lab's absolute time "
        f"export writes under 'time/s'), read as {clock[1]} and turned into seconds from the "
        f"first row, {str(values.iloc[0]).strip()}."
    )
    return clock[0]


# --------------------------------------------------------------------------------------------
# The checks every reader ends with
# --------------------------------------------------------------------------------------------
def _row_text(k: int) -> str:
    return f"data row {k + 1}"


def no_data_rows(path: Path | str) -> DataFormatError:
    """The error for a file that has its header but no data row after it (raise it).

    Parameters
    ----------
    path : pathlib.Path or str
        The file read, for the message.

    Returns
    -------
    DataFormatError
        The error, naming the file and what to check.
    """
    return DataFormatError(
        f"{path}: the file holds no data rows (a header, but nothing after it). Check that the "
        "export finished and that this is the right file."
    )


def finish_table(
    frame: pd.DataFrame,
    *,
    path: Path | str,
    kind: str,
    area_m2: float | None = None,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Check a tidy table and complete it; raise :class:`DataFormatError` on a bad file.

    Drops rows that are empty in every column, adds ``Current density`` from ``Current`` (or the
    reverse) when the electrode area is known, integrates ``Capacity`` from the current when the
    file has no counter, reads a counter that runs against the current all through (charge
    counted positive out of the cell) with its sign reversed, rebuilds a per-step counter
    (:func:`net_charge_from_step_counter`), orders the columns as :data:`COLUMNS`.

    Impedance: rows at 0 Hz (EC-Lab and Parstat record the potential there before and between
    spectra) are dropped with a note; ``"Spectrum"`` numbers the spectra from 1 (a new one where
    the sweep turns back, :func:`spectrum_index`) unless the reader set it. Time series: an
    instrument cycle index counting from 0 is shifted to count from 1 (with a note), so that the
    same test reads with the same cycle numbers from every format.

    ``notes`` (the measurement's) receives what was assumed or dropped.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table with the standard column names (SI units, as in :data:`COLUMNS`).
    path : pathlib.Path or str
        The file read, for error messages.
    kind : {"timeseries", "impedance"}
        What the table holds.
    area_m2 : float, optional
        Electrode area [m2]; None when unknown.
    notes : list of str, optional
        Receives what was assumed or dropped (appended to in place).

    Returns
    -------
    pandas.DataFrame
        The checked, completed table.

    Raises
    ------
    DataFormatError
        No data rows; a required column missing; NaN in a required column (with a hint at a
        truncated file when only the last row is incomplete); time decreasing; impedance with
        non-positive frequencies.
    """
    frame = frame.dropna(how="all").reset_index(drop=True)
    if frame.empty:
        raise no_data_rows(path)
    if kind == "impedance":
        required = [FREQUENCY, Z_RE, Z_IM]
    else:
        required = [TIME, VOLTAGE]
        if not any(c in frame for c in (CURRENT, CURRENT_DENSITY, SPECIFIC_CURRENT)):
            required.append(CURRENT)
    missing = [c for c in required if c not in frame]
    if missing:
        raise DataFormatError(
            f"{path}: no column for {', '.join(missing)} (found: {', '.join(map(str, frame.columns))}). "
            "Map the file's columns, e.g. read(path, columns={'time': 'Test time [min]', "
            "'voltage': 'Ecell/V', 'current': 'I/mA'}) or --column time='Test time [min]'."
        )
    currents = (CURRENT, CURRENT_DENSITY, SPECIFIC_CURRENT)
    check = required + [c for c in currents if c in frame and c not in required]
    values = frame[check].to_numpy(dtype=float)
    bad_rows = ~np.isfinite(values).all(axis=1)
    if bad_rows.any():
        k = int(np.argmax(bad_rows))
        cols = [c for c, ok in zip(check, np.isfinite(values[k]), strict=True) if not ok]
        if k == len(frame) - 1 and bad_rows.sum() == 1:
            raise DataFormatError(
                f"{path}: the last data row ({_row_text(k)}) is incomplete ({', '.join(cols)} "
                "missing): the file looks truncated. Export it again, or delete the last line."
            )
        raise DataFormatError(
            f"{path}: {int(bad_rows.sum())} data row(s) have missing or non-numeric values in "
            f"{', '.join(cols)} (first: {_row_text(k)}). Remove or fix those rows."
        )
    if kind == "impedance":
        f = frame[FREQUENCY].to_numpy(dtype=float)
        zero = f == 0
        if zero.any() and not zero.all():
            if SPECTRUM not in frame:
                # the 0-Hz rows between two sweeps separate the spectra
                brk = np.r_[False, zero[:-1]]
                frame[SPECTRUM] = spectrum_index(np.where(zero, np.nan, f), brk)
            frame = frame.loc[~zero].reset_index(drop=True)
            if SPECTRUM in frame:
                # renumber 1, 2, ... in order of appearance
                codes = pd.factorize(frame[SPECTRUM])[0]
                frame[SPECTRUM] = codes + 1
            message = (
                f"{int(zero.sum())} rows at 0 Hz (not impedance: the potential recorded before or "
                "between spectra) dropped."
            )
            if notes is not None:
                notes.append(message)
            f = frame[FREQUENCY].to_numpy(dtype=float)
        if np.any(f <= 0):
            k = int(np.argmax(f <= 0))
            raise DataFormatError(
                f"{path}: frequency {f[k]!r} Hz in {_row_text(k)} is not positive. Impedance "
                "frequencies must be > 0 Hz; check the frequency column and its unit."
            )
        if SPECTRUM not in frame:
            frame[SPECTRUM] = spectrum_index(f)
        out = frame[[c for c in COLUMNS["impedance"] if c in frame]].astype(float)
        out[SPECTRUM] = out[SPECTRUM].astype(np.int64)
        n_spectra = int(out[SPECTRUM].max())
        if n_spectra > 1 and notes is not None:
            notes.append(f"{n_spectra} spectra in the file (column 'Spectrum' numbers them).")
        return out.reset_index(drop=True)

    t = frame[TIME].to_numpy(dtype=float)
    check_time_order(
        t,
        lambda k: (
            f"{path}: time goes backwards, from {t[k]:.6g} s to {t[k + 1]:.6g} s at "
            f"{_row_text(k + 1)}. A record must be in time order: if the file joins several "
            "runs, split it or make the time cumulative."
        ),
        lambda: (
            f"{path}: time does not advance (all {t.size} rows at {t[0]:.6g} s). Map the test "
            "time column, not a constant one."
        ),
    )
    if area_m2 is not None:
        if CURRENT in frame and CURRENT_DENSITY not in frame:
            frame[CURRENT_DENSITY] = frame[CURRENT] / area_m2
        elif CURRENT_DENSITY in frame and CURRENT not in frame:
            frame[CURRENT] = frame[CURRENT_DENSITY] * area_m2
    if CAPACITY in frame and CURRENT in frame:
        verdict = _capacity_verdict(frame, notes)
        if verdict == "per-step":
            rebuilt = net_charge_from_step_counter(frame, notes)
            if rebuilt is None:
                verdict = "integrate"
                if notes is not None:
                    notes.append(
                        "the capacity column is no per-step counter either (it does not restart "
                        "at each step and rise through it): the capacity is integrated from the "
                        "current instead."
                    )
            else:
                frame[CAPACITY] = rebuilt
        elif verdict == "negated":
            frame[CAPACITY] = -frame[CAPACITY].to_numpy(dtype=float)
        if verdict == "integrate":
            frame = frame.drop(columns=CAPACITY)
    if CAPACITY not in frame and CURRENT in frame:
        frame[CAPACITY] = integrate_current(t, frame[CURRENT].to_numpy(dtype=float))
    for col in (CYCLE, STEP):
        if col in frame:
            vals = frame[col].to_numpy(dtype=float, na_value=np.nan)
            if np.isfinite(vals).all():
                frame[col] = vals.astype(np.int64)
    if CYCLE in frame and pd.api.types.is_integer_dtype(frame[CYCLE].dtype):
        frame[CYCLE] = cycles_from_one(frame, notes)
    order = [c for c in COLUMNS["timeseries"] if c in frame]
    return frame[order].reset_index(drop=True)


def cycles_from_one(frame: pd.DataFrame, notes: list[str] | None = None) -> np.ndarray:
    """The table's integer ``"Cycle number"`` numbered from 1, as every reader gives it.

    EC-Lab text, Maccor and others count cycles from 0 (their cycle 0 holds the first charge or
    discharge), galvani's half cycles and Neware from 1: a count from 0 is shifted by +1. A
    counter that is 0 only on the rows before it starts (BaSyTec's ``Cyc-Count``: 0 on the
    test's first data set, 1 from the next one on) is no count from 0: when those leading rows
    carry no current (a rest before the first cycle, below :data:`STEP_DIRECTION_FLOOR` of the
    typical current) they join the first counted cycle and the numbers stay the instrument's.
    Shifting them instead would number the first cycle 2.

    Parameters
    ----------
    frame : pandas.DataFrame
        A tidy time series with an integer ``"Cycle number"`` column (and ``"Current [A]"``,
        which decides whether the leading rows of cycle 0 carry current).
    notes : list of str, optional
        Notes of the measurement; what was done is added.

    Returns
    -------
    numpy.ndarray
        The cycle numbers [-], from 1 (the column as is when it does not start from 0).
    """
    cyc = frame[CYCLE].to_numpy(dtype=np.int64)
    if not cyc.size or int(cyc.min()) != 0:
        return cyc
    zero = cyc == 0
    first = int(np.argmax(~zero))
    if first > 0 and not zero[first:].any() and CURRENT in frame:
        amps = np.abs(frame[CURRENT].to_numpy(dtype=float))
        known = amps[np.isfinite(amps)]
        floor = STEP_DIRECTION_FLOOR * np.percentile(known, 90) if known.size else -1.0
        if np.all(amps[:first] <= floor):
            if notes is not None:
                notes.append(
                    f"the cycle counter is 0 on the first {first} row(s) only, which carry no "
                    f"current (a rest before it starts counting): counted in cycle "
                    f"{int(cyc[first])}, the instrument's numbers kept."
                )
            return np.where(zero, cyc[first], cyc)
    if notes is not None:
        notes.append("the instrument counts cycles from 0; cycle numbers shifted by +1.")
    return cyc + 1


#: Share of a capacity column's change [-] that may run against the current's sign or happen
#: while no current flows before the column is not taken as the running net charge. A net
#: charge counter follows the current apart from the sample at each switch (a few per half
#: cycle); a per-step or unsigned counter (Maccor or Novonix CSV "Capacity") runs against it
#: through every discharge, about half of its change.
NET_CHARGE_MISMATCH = 0.1


def _capacity_verdict(frame: pd.DataFrame, notes: list[str] | None) -> str:
    """What the table's capacity column is: ``"net"`` when it behaves as the running net charge
    it stands for (it rises on charge, falls on discharge, holds during rests, and counts the
    current), ``"negated"`` when it is that charge with the other sign (it rises on discharge
    and falls on charge throughout: a running "discharge capacity", the ``Ah`` column of NREL's
    ampworks HPPC example), ``"per-step"`` when it runs against the current's sign or moves
    while none flows (a per-step or unsigned counter, :func:`net_charge_from_step_counter`
    tries it), or ``"integrate"`` when it does not count the current at all; a note says why
    where it is not ``"net"``."""
    q = frame[CAPACITY].to_numpy(dtype=float)
    i = frame[CURRENT].to_numpy(dtype=float)
    if q.size < 3 or not np.isfinite(q).all():
        return "net"
    dq, i_end = np.diff(q), i[1:]
    typical = np.percentile(np.abs(i), 90)
    flowing = np.abs(i_end) > 0.05 * typical
    # where the current is below that floor, a change of the column counts against it only
    # when it does not go the current's own way: in a short record whose first sample is a
    # transient (cheminfo/biologic-converter's ca.mpt cut to 10 rows: 18.6 uA, then 10-30 nA)
    # that one sample sets the 90th percentile, every later sample falls under the floor, and
    # a counter rising with the small anodic current was read as "moving at rest"
    moves_at_rest = (dq != 0) & (np.sign(dq) != np.sign(i_end))
    against = np.where(flowing, np.sign(dq) == -np.sign(i_end), moves_at_rest)
    total = np.abs(dq).sum()
    share = np.abs(dq[against]).sum() / total if total > 0 else 0.0
    if share <= NET_CHARGE_MISMATCH:
        return "net" if _counts_the_current(frame, dq, notes) else "integrate"
    # the same test on the column with its sign reversed: a per-step or unsigned counter rises
    # on charge and on discharge, so it runs against the current either way; a net charge
    # counted positive out of the cell follows the current with every sign reversed. Without
    # current both ways (one discharge) either reading gives the same net charge.
    along = np.where(flowing, np.sign(dq) == np.sign(i_end), dq != 0)
    share_reversed = np.abs(dq[along]).sum() / total if total > 0 else 0.0
    if share_reversed <= NET_CHARGE_MISMATCH and _counts_the_current(frame, dq, None):
        if notes is not None:
            notes.append(
                "the capacity column runs against the current's sign throughout (it rises on "
                f"discharge and falls on charge; {share_reversed:.0%} of its change does not): "
                "it is the running net charge counted positive out of the cell, read with its "
                "sign reversed (charge +)."
            )
        return "negated"
    if notes is not None:
        notes.append(
            f"the capacity column does not behave as a running net charge: {share:.0%} of its "
            "change runs against the current's sign or happens while no current flows (a "
            "per-step or unsigned counter)."
        )
    return "per-step"


#: Share [-] of a per-step counter's rise that may be lost to falls inside a step, or gained in
#: steps without current, for the column to be read as one (a counter that restarts at each
#: step only rises through it; a reading's last digit may jitter by far less).
STEP_COUNTER_SLACK = 0.02
#: Fraction [-] of the typical current (90th percentile of ``|I|``) below which a row carries
#: no current when a file without a step column is cut into steps by the current's direction:
#: well below a constant-voltage tail (a few % of the applied current), above a rest's noise.
STEP_DIRECTION_FLOOR = 1e-3


def net_charge_from_step_counter(frame: pd.DataFrame, notes: list[str] | None) -> np.ndarray | None:
    """Running net charge [A h] from a capacity column that restarts at every step, unsigned.

    Novonix's ``Capacity (Ah)``, Maccor's ``Capacity (AHr)`` and the per-step counters of Landt
    and Arbin-style exports count each step's charge from zero, without a sign. Integrating the
    current instead misses what happened between samples, far off on sparse records (a
    constant-voltage tail saved every 10 min: the trapezoid between 24 mA and 0.6 mA counts
    several times what the cycler counted). Each step's count takes the sign of the step's
    current (charge +, a rest 0) and the steps are added up (:func:`accumulate_counter`; a
    counter that runs on across a step change counts only what it rose by).

    Steps are the instrument's (``Step`` and ``Cycle number`` where the table has them), else
    runs of one current direction (:data:`STEP_DIRECTION_FLOOR`); a counter that falls back
    within one starts a new one (at most one such restart per step). The column is read so only
    when it behaves as such a counter: it rises through every step (falls lose at most
    :data:`STEP_COUNTER_SLACK` of its rise), does not rise in steps without current or whose
    current runs both ways, and counts at least :data:`COUNTER_STILL` of the charge the
    integral of the current gives. Else None: the caller integrates the current.

    Parameters
    ----------
    frame : pandas.DataFrame
        The tidy table: ``Time [s]``, ``Current [A]`` (positive on charge), ``Capacity [A.h]``
        (the file's counter, any sign), optionally ``Step`` and ``Cycle number``.
    notes : list of str, optional
        Receives what was done (appended to in place).

    Returns
    -------
    numpy.ndarray of float or None
        Running net charge [A h], or None when the column is no per-step counter.
    """
    q = frame[CAPACITY].to_numpy(dtype=float)
    i = frame[CURRENT].to_numpy(dtype=float)
    t = frame[TIME].to_numpy(dtype=float)
    n = q.size
    if n < 3 or not (np.isfinite(q).all() and np.isfinite(i).all()):
        return None
    mag = np.abs(q)
    typical = float(np.percentile(np.abs(i), 90))
    if typical <= 0:
        return None
    change = np.zeros(n, dtype=bool)
    keys = {}
    for col in (STEP, CYCLE):
        if col in frame:
            values = pd.to_numeric(frame[col], errors="coerce").ffill().fillna(-1.0).to_numpy()
            if np.unique(values).size > 1:
                keys[col] = values
    source = "the file's step index"
    if STEP not in keys:
        # no step column (a cycle index alone holds both halves of a cycle): a step is a run of
        # one current direction (rest, charge, discharge)
        keys["direction"] = np.where(np.abs(i) > STEP_DIRECTION_FLOOR * typical, np.sign(i), 0.0)
        source = "the current's direction (no step column)"
    for key in keys.values():
        change[1:] |= key[1:] != key[:-1]
    rise = np.diff(mag)
    # a counter that falls back inside a step (by more than a reading's jitter) has restarted
    # there: a step change the table does not show (CC -> CV of one charge without a step
    # column, both one direction)
    fell = (rise < -STEP_COUNTER_SLACK * mag[:-1]) & ~change[1:]
    if int(fell.sum()) > int(change.sum()) + 1:
        # more restarts than steps: a quantity that falls through the steps (a net charge
        # through a discharge, a state of charge), not a counter
        return None
    change[1:] |= fell
    segment = np.cumsum(change)
    inside = ~change[1:]
    up = rise[inside & (rise > 0)].sum()
    down = -rise[inside & (rise < 0)].sum()
    if up <= 0 or down > STEP_COUNTER_SLACK * up:
        return None
    # each step's direction: the sign of its summed current. A step without current (a rest,
    # its noise) or whose current runs both ways (pulses) gives none: the count must not rise
    # there, as an unsigned count of such a step cannot be signed
    sums = np.bincount(segment, weights=i)
    sizes = np.bincount(segment, weights=np.abs(i))
    one_way = np.abs(sums) >= (1 - 2 * STEP_COUNTER_SLACK) * sizes
    flowing = sizes > STEP_DIRECTION_FLOOR * typical * np.bincount(segment)
    sign = np.where(flowing & one_way, np.sign(sums), 0.0)[segment]
    idle = inside & (sign[1:] == 0) & (rise > 0)
    if rise[idle].sum() > STEP_COUNTER_SLACK * up:
        return None  # it counts where no current flows one way: not a per-step charge counter
    net = accumulate_counter(sign * mag, segment, mag)
    integral = integrate_current(t, i)
    counted = float(np.abs(np.diff(net)).sum())
    expected = float(np.abs(np.diff(integral)).sum())
    if expected > 0 and counted < COUNTER_STILL * expected:
        return None
    if notes is not None:
        notes.append(
            f"the capacity column restarts at each step ({int(segment[-1]) + 1} steps, from "
            f"{source}): the running net charge is built from it, each step's count signed by "
            f"its current (charge +). It ends at {net[-1]:.6g} A.h, where integrating the "
            f"sampled current would give {integral[-1]:.6g} A.h."
        )
    return net


#: Ratio [-] of the charge a capacity column counts to the charge the current gives (both
#: summed without sign, over the recorded intervals) outside which a note names the mismatch;
#: below :data:`COUNTER_STILL` the column is not used: it does not count the current at all (a
#: counter left at zero). Between the two the instrument's own counter is kept: it is integrated
#: by the cycler at its internal rate, while a disagreement as large as a factor of 2 more often
#: comes from the time column (a unit or a clock the file misstates) than from the counter.
COUNTER_RATIO_TOLERANCE = 0.1
COUNTER_STILL = 0.1
#: Largest change [-] of the current over one sampling interval for the interval to be used in
#: that check: beyond it the samples do not tell how the current went in between.
COUNTER_STEP_FACTOR = 10.0


def _counts_the_current(frame: pd.DataFrame, dq: np.ndarray, notes: list[str] | None) -> bool:
    """Check a net-charge column against the integral of the current.

    Interval by interval, over the recorded intervals (a gap longer than ten times the median
    sampling interval, e.g. between EC-Lab loops, is left out of both): a column that counts
    less than :data:`COUNTER_STILL` of the charge the current gives does not count it (a
    counter left at zero) and is replaced by the integral; a ratio off by more than
    :data:`COUNTER_RATIO_TOLERANCE` is kept but noted, as it points at a wrong time unit,
    current or capacity column (the counter and the current cannot both be right)."""
    t = frame[TIME].to_numpy(dtype=float)
    i = frame[CURRENT].to_numpy(dtype=float)
    d_int = np.diff(integrate_current(t, i))
    dt = np.diff(t)
    positive = dt[dt > 0]
    recorded = dt <= 10 * np.median(positive) if positive.size else np.ones_like(dt, bool)
    # an interval in which the current switches (rest -> charge ...) is left out of both: the
    # samples cannot tell when in it the switch happened (integrate_current counts it all at
    # the new current, a 10 s rest sample before a 2 ms-old pulse counts 10 s), the counter can
    steady = recorded & (np.sign(i[1:]) == np.sign(i[:-1]))
    # so is one in which the current changes more than :data:`COUNTER_STEP_FACTOR`-fold: the
    # decay of a chronoamperometry transient between two samples a minute apart
    # (cheminfo/biologic-converter's ca.mpt: 18.6 uA, then 0.029 uA 60 s later, while EC-Lab
    # counts the charge every 0.1 s) is no straight line, and its trapezoid would outweigh
    # every other interval of the record
    small, large = (
        np.minimum(np.abs(i[1:]), np.abs(i[:-1])),
        np.maximum(np.abs(i[1:]), np.abs(i[:-1])),
    )
    steady &= large <= COUNTER_STEP_FACTOR * small
    if steady.any():
        recorded = steady
    expected = np.abs(d_int[recorded]).sum()
    if not np.isfinite(expected) or expected <= 0:
        return True
    ratio = np.abs(dq[recorded]).sum() / expected
    if ratio < COUNTER_STILL:
        if notes is not None:
            notes.append(
                f"the capacity column counts {ratio:.0%} of the charge the integral of the "
                "current gives (it does not follow the current): the capacity is integrated "
                "from the current instead."
            )
        return False
    if abs(ratio - 1) > COUNTER_RATIO_TOLERANCE and notes is not None:
        notes.append(
            f"the capacity column counts {ratio:.0%} of the charge the integral of the current "
            "gives; the column is used. Check the time unit and the current and capacity "
            "columns (they cannot all be right)."
        )
    return True


def text_encoding(data: bytes, fallback: str) -> str:
    """``"utf-8"`` when ``data`` is valid UTF-8, else ``fallback`` (the instrument's code page).

    Instrument software on Windows writes the ANSI code page, Windows-1252 on Western systems
    (``µ`` = 0xB5, ``²`` = 0xB2, ``°`` = 0xB0); a file that passed through an editor, a repository
    or a converter is often UTF-8, where ``cm²`` is two bytes that Latin-1 turns into ``cmÂ²``.
    Windows-1252 text whose non-ASCII bytes all happen to form UTF-8 sequences is vanishingly
    rare (it takes pairs such as ``Â²``), so valid UTF-8 is taken as UTF-8.

    Parameters
    ----------
    data : bytes
        The file's bytes, or its header's.
    fallback : str
        The encoding of a file that is not valid UTF-8 (``"cp1252"``, or ``"latin-1"``, which
        never fails).
    """
    return "utf-8" if decodes(data, "utf-8") else fallback


def decodes(data: bytes, encoding: str) -> bool:
    """True when ``data`` (a file's first bytes) decodes as ``encoding``; a character cut at its
    end does not count against it.

    Parameters
    ----------
    data : bytes
        The bytes.
    encoding : str
        A Python codec name.
    """
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3
    return True


def warn_assumed_units(assumed: Mapping[str, str], path: Path | str, notes: list[str]) -> None:
    """Warn once about columns whose header had no unit (taken as SI) and record a note."""
    if not assumed:
        return
    text = ", ".join(f"{col!r} as {unit}" for col, unit in assumed.items())
    message = (
        f"no unit in the header of {text} (SI assumed). Put units in the headers "
        "(e.g. 'Time [h]') or in the column mapping to be sure."
    )
    # the note belongs to the measurement (its source is known); the warning names the file
    notes.append(message)
    warnings.warn(f"{path}: {message}", SolidnaWarning, stacklevel=user_stacklevel())


#: Gamry's ``Over`` column (units "bits"): one character per condition, ``.`` where it did not
#: occur; the POSITION names the condition, not the letter (Gamry Framework help, "Overloads":
#: an ``h`` in the 4th and in the 6th place are different conditions). Position (from 1) ->
#: (what it means, after that page; True where the point's reading itself is not the cell's:
#: the electrometer or the current-to-voltage converter ran past its hardware limit, so the
#: potential or current written is a saturated value). The conditions of a moment within the
#: point (the "history" flags 4 and 6), of the control amplifier, of timing and of settling
#: leave the reading a measurement, and such rows are kept with a note. Positions 8 to 13 are
#: named in the files only by their letter (the help's full string is ``techihssivarq``):
#: they are counted and kept. Gamry's own example: ``....ih..i..`` on the points where the
#: I/E range was still climbing (IERange 9, 10, 11), as in gamry-parser's ocvcurve_data.dta
#: (MIT) before each range change.
GAMRY_OVERLOADS: dict[int, tuple[str, bool]] = {
    1: ("timing problem (data rate too fast)", False),
    2: ("potential overload (electrometer limit exceeded)", True),
    3: ("control amplifier overload (the potentiostat could not control the cell)", False),
    4: ("control amplifier overload during the point (history)", False),
    5: ("current overload (I/E converter limit exceeded: wrong I/E range)", True),
    6: ("current overload during the point (history: a spike or transient)", False),
    7: ("settling problem (a hardware relay or range had not settled)", False),
}


def gamry_overload_rows(
    flags: Sequence[str],
    time_s: np.ndarray | None,
    path: Path | str,
    notes: list[str],
) -> np.ndarray:
    """The rows of a Gamry curve to keep, from its ``Over`` column; notes for every flag set.

    Each condition of :data:`GAMRY_OVERLOADS` set on some rows gets a note with the count of
    rows, their time span and what it means. Rows whose reading is saturated (a potential or
    current overload: the value written is the converter's limit, not the cell's) are left out;
    the other conditions are reported and their rows kept.

    Parameters
    ----------
    flags : sequence of str
        The ``Over`` cells, one per row (``...........`` when nothing happened).
    time_s : numpy.ndarray, optional
        The rows' time [s], for the span in the notes.
    path : pathlib.Path or str
        The file, for the error message.
    notes : list of str
        The measurement's notes (appended to).

    Returns
    -------
    numpy.ndarray
        Boolean mask of the rows to keep.

    Raises
    ------
    DataFormatError
        Every row (or all but one) is saturated: there is no measured value to read.
    """
    cells = [str(f).strip() for f in flags]
    n = len(cells)
    width = max((len(c) for c in cells), default=0)
    # a flag is a letter (every one the help lists is); "." marks "none", and a copy through a
    # decimal-comma locale may have turned it into "," (never a flag either)
    hits = {
        pos: np.array([len(c) >= pos and c[pos - 1].isalpha() for c in cells], dtype=bool)
        for pos in range(1, width + 1)
    }
    keep = np.ones(n, dtype=bool)
    for pos, hit in hits.items():
        if GAMRY_OVERLOADS.get(pos, ("", False))[1]:
            keep &= ~hit
    for pos, hit in hits.items():
        if not hit.any():
            continue
        letters = "".join(sorted({cells[k][pos - 1] for k in np.flatnonzero(hit)}))
        meaning, saturated = GAMRY_OVERLOADS.get(
            pos, ("a condition the Gamry help names only by this letter", False)
        )
        where = ""
        if time_s is not None and np.isfinite(time_s[hit]).any():
            t0, t1 = np.nanmin(time_s[hit]), np.nanmax(time_s[hit])
            where = f" at t = {t0:.6g} s" if t0 == t1 else f" at t = {t0:.6g} to {t1:.6g} s"
        if saturated:
            done = "left out (the value written is the converter's limit, not the cell's)"
        elif (hit & ~keep).any():
            done = (
                f"{int((hit & keep).sum())} of them kept, the others left out for a potential "
                "or current overload"
            )
        else:
            done = "kept (the reading is still a measurement)"
        notes.append(
            f"Gamry 'Over' flag {letters!r} in position {pos} on {int(hit.sum())} of {n} rows"
            f"{where}: {meaning}; {done}."
        )
    if n and int(keep.sum()) < 2:
        raise DataFormatError(
            f"{path}: {n - int(keep.sum())} of {n} rows of the Gamry curve are flagged as a "
            "potential or current overload in its 'Over' column: the readings are the "
            "instrument's limits, so there is no measured curve to read. Measure again on a "
            "larger current range (or with autoranging)."
        )
    return keep


def one_line(exc: BaseException) -> str:
    """``"TypeName: message"`` on one line (library messages often span several).

    Parameters
    ----------
    exc : BaseException
        The exception to describe.

    Returns
    -------
    str
        Its type name and message, whitespace collapsed.
    """
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"
