"""Instrument files in, one tidy table out: :func:`read`.

Every reader returns a :class:`Measurement` whose ``data`` is a pandas table in SI with the
columns of :data:`COLUMNS`:

* time series (cycling, CV): ``"Time [s]"``, ``"Voltage [V]"``, ``"Current [A]"`` (positive =
  oxidation of the working electrode: charge of a cathode against Na, stripping in Na|Na),
  ``"Current density [A.m-2]"`` (when the electrode area is known), ``"Capacity [A.h]"`` (net
  charge since the start, ``integral of I dt``), ``"Cycle number"`` and ``"Step"`` (the
  instrument's, when it has them);
* impedance: ``"Frequency [Hz]"``, ``"Z_re [Ohm]"``, ``"Z_im [Ohm]"`` with ``Z_im < 0`` on a
  capacitive arc (impedance.py's convention; the Nyquist plot shows ``-Z_im``), ``"Spectrum"``
  (1, 2, ... when the file holds several sweeps) and ``"Time [s]"`` where the file has it.

A file can hold both (an EC-Lab Modulo Bat or GCPL-with-EIS record, a Parstat export):
``read(path, kind="timeseries")`` or ``kind="impedance"`` chooses the part; without ``kind`` the
part with more rows is returned, and the notes say that the other exists.

Formats (:data:`FORMATS`) and the reader behind each:

================  ================================================================
``biologic-mpr``  BioLogic EC-Lab binary ``.mpr`` - galvani
``biologic-mpt``  BioLogic EC-Lab text ``.mpt`` (any technique, incl. PEIS) - own
``neware``        Neware ``.nda`` and ``.ndax`` - NewareNDA
``arbin``         Arbin ``.xlsx`` / ``.csv`` export (``Channel*`` sheets) - python-calamine
``workbook``      any cycler's ``.xlsx`` / ``.xls``: Neware BTS ``record`` / ``Detail_*``
                  sheets, Landt/LANHE ``Record``, a researcher's own sheet; the
                  time-series sheet is found by its columns - python-calamine (else
                  openpyxl) + own
``maccor``        Maccor tab-separated text export - own
``neware-csv``    Neware BTS CSV export (record or multi-level sheet) - own
``gamry-eis``     Gamry ``.DTA`` EIS (also aborted runs) - impedance.py preprocessing
``zplot-eis``     Scribner ZPlot ``.z`` - impedance.py preprocessing; a CorrWare ``.cor``
                  DC curve (CV, potentiodynamic; ``CORRW ASCII``) as a time series - own
``versastudio-eis`` PAR VersaStudio ``.par`` - impedance.py preprocessing
``parstat``       Parstat text (EIS + potential at 0 Hz) - impedance.py + own
``powersuite-eis`` PowerSuite text - impedance.py preprocessing
``autolab-eis``   Metrohm Autolab (Z60W/NOVA) text - impedance.py preprocessing
``chi-eis``       CH Instruments A.C. impedance text - impedance.py preprocessing
``zview-eis``     Scribner ZView data file text (``ZView ... Data File``) - impedance.py
``relaxis-eis``   RelaxIS spectrum export text (``Data: Frequency`` ...) - own
``pstrace-eis``   PalmSens PSTrace CSV impedance export (curves side by side) - own
``keysight-4294a`` Agilent/Keysight 4294A text: two traces (|Z|-theta, R-X) or the R-X
                  data array - own
``ivium-eis``     Ivium ``.idf`` / ``.ids`` (``primary_data``) - own
``zahner-eis``    Zahner Thales ASCII (``LOGF``, ``LOGZm``, ``Phim``, ``Real``, ``Imag``) - own
``eis-blocks``    an impedance table repeated per scan under its own names (NOVA) - own
``pssession``     PalmSens PSTrace session (JSON in UTF-16): the first measurement of
                  the part asked for (time series or impedance) - own
``csv``           any delimited text, with a column mapping or unit-bearing headers;
                  also headerless ``f, Z', Z''`` (impedance.py's ``readCSV`` layout) and
                  ixdat's CSV export (columns named by its ``aliases`` line)
================  ================================================================

The format is detected from the file's content (magic bytes, first lines), not its name; a name
that contradicts the content (a ``.mpr`` that is text) is refused. Input files are only read.
A workbook with ``Channel*`` sheets is ``arbin``, any other ``workbook``: its sheets are scored
by whether their columns give time, voltage and current, summaries (cycle, step, statis) are
never read, record sheets split over several sheets are joined (Landt's later ``Record1``
... sheets without a header too), cycles written in blocks of columns side by side are put
one below the other; ``read(path, sheet=...)`` chooses the sheet, ``columns=`` maps its
columns (see :mod:`solidna.analysis.io.workbook`). Landt's CSV of all layers (cycle, step and
record tables one below the other) is read for its record.
A text table that is a cycler's cycle or step summary (Neware's cycle and step layers, Arbin's
statistics: efficiency, start and end voltage columns, one row per cycle or step) is refused
as such, naming the record layer to export, rather than read as a few-point time series.

Examples
--------
>>> import solidna.analysis.io as sio
>>> sorted(sio.FORMATS)[:4]
['arbin', 'autolab-eis', 'biologic-mpr', 'biologic-mpt']
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from solidna.analysis.io._table import (
    CAPACITY,
    COLUMNS,
    CURRENT,
    CURRENT_DENSITY,
    CYCLE,
    FREQUENCY,
    SPECIFIC_CURRENT,
    SPECTRUM,
    STEP,
    TIME,
    VOLTAGE,
    Z_IM,
    Z_RE,
    Measurement,
    Progress,
    check_file,
    decodes,
    split_header,
)
from solidna.analysis.io.biologic import (
    MPR_MAGIC,
    MPT_MAGICS,
    looks_like_mpt_columns,
    read_mpr,
    read_mpt,
    write_mpt,
)
from solidna.analysis.io.cyclers import (
    NEWARE_MAGIC,
    is_ndax,
    looks_like_arbin_header,
    looks_like_neware_csv,
    maccor_header_line,
    read_arbin,
    read_maccor,
    read_neware,
    read_neware_csv,
)
from solidna.analysis.io.generic import ALIASES, looks_like_pssession, read_csv, read_pssession
from solidna.analysis.io.impedance_text import (
    IMPEDANCE_TEXT_FORMATS,
    detect_impedance_text,
    read_impedance_text,
)
from solidna.analysis.io.workbook import OLE_MAGIC, read_workbook, sheet_names
from solidna.errors import (
    DataFormatError,
    InvalidOptionError,
    SolidnaError,
    check_choice,
    user_stacklevel,
)

__all__ = [
    "read",
    "detect_format",
    "check_file",
    "Measurement",
    "FORMATS",
    "COLUMNS",
    "ALIASES",
    "write_mpt",
    "write_csv_table",
    "split_header",
    "TIME",
    "VOLTAGE",
    "CURRENT",
    "CURRENT_DENSITY",
    "SPECIFIC_CURRENT",
    "CAPACITY",
    "CYCLE",
    "STEP",
    "FREQUENCY",
    "Z_RE",
    "Z_IM",
    "SPECTRUM",
    "PARTS",
]

#: What ``read(..., kind=...)`` can ask for.
PARTS = ("timeseries", "impedance")
#: Other words ``read(..., kind=...)`` takes for a part: ``"eis"``, as ``solidna analyze --kind
#: eis`` calls the impedance part (``kind="eis"`` was refused as unknown).
_PART_ALIASES = {"eis": "impedance"}


def _impedance_reader(fmt: str) -> Callable[..., Measurement]:
    def reader(path: Path, *, area_m2: float | None = None, kind: str | None = None):
        return read_impedance_text(path, fmt, area_m2=area_m2, kind=kind)

    reader.__name__ = f"read_{fmt.replace('-', '_')}"
    return reader


#: Format name -> (reader, description).
FORMATS: dict[str, tuple[Callable[..., Measurement], str]] = {
    "biologic-mpr": (read_mpr, "BioLogic EC-Lab binary .mpr (galvani)"),
    "biologic-mpt": (read_mpt, "BioLogic EC-Lab text .mpt"),
    "neware": (read_neware, "Neware .nda/.ndax (NewareNDA)"),
    "arbin": (read_arbin, "Arbin .xlsx/.csv export"),
    "workbook": (read_workbook, "cycler workbook .xlsx/.xls (the time-series sheet)"),
    "maccor": (read_maccor, "Maccor tab-separated text export"),
    "neware-csv": (read_neware_csv, "Neware BTS CSV export (record or multi-level sheet)"),
    **{
        fmt: (_impedance_reader(fmt), f"{desc} (impedance.py)")
        for fmt, (_, _, desc) in IMPEDANCE_TEXT_FORMATS.items()
    },
    "pssession": (read_pssession, "PalmSens PSTrace session .pssession (JSON)"),
    "csv": (read_csv, "delimited text with unit-bearing headers or a column mapping"),
}

# Extensions that promise one format; content that disagrees is refused.
_EXTENSIONS = {
    ".mpr": "biologic-mpr",
    ".mpt": "biologic-mpt",
    ".nda": "neware",
    ".ndax": "neware",
    ".xlsx": "workbook",
    ".xls": "workbook",
    ".pssession": "pssession",
}
# Formats a file with such an extension may hold as well: an Arbin workbook, and the text
# tables some instruments write under a workbook's name.
_ALSO = {"workbook": ("arbin", "csv", "neware-csv")}


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of ``path`` (a key of :data:`FORMATS`), from its content.

    Parameters
    ----------
    path : str or os.PathLike
        The data file.

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Raises
    ------
    DataFormatError
        The file is missing, a directory, unreadable, empty (:func:`check_file`), of an unknown
        binary format, or its extension promises a format its content does not have.
    """
    p = check_file(path)
    with open(p, "rb") as fh:
        head = fh.read(8192)
    fmt: str | None = None
    if head.startswith(MPR_MAGIC):
        fmt = "biologic-mpr"
    elif head.startswith(NEWARE_MAGIC):
        fmt = "neware"
    elif head.startswith(b"PK\x03\x04"):
        if is_ndax(p):
            fmt = "neware"
        else:
            import zipfile

            try:
                with zipfile.ZipFile(p) as zf:
                    names = zf.namelist()
            except (zipfile.BadZipFile, OSError):
                names = []
            if any(n.startswith("xl/") for n in names):
                sheets = sheet_names(p) or []
                channel = any(str(n).lower().startswith("channel") for n in sheets)
                fmt = "arbin" if channel else "workbook"
            elif not names:
                raise DataFormatError(
                    f"{p}: a damaged ZIP container (truncated .ndax or .xlsx?). Copy or export "
                    "the file again."
                )
    elif head.startswith(OLE_MAGIC):
        # a legacy .xls, or an encrypted .xlsx (the workbook reader says which)
        fmt = "workbook"
    elif head.startswith(b"TDSm"):
        # National Instruments' TDMS lead-in tag: EC4 DAQ (Nordic Electrochemistry) and
        # LabVIEW-built potentiostats save their raw runs so (ec4py's public test data, MIT)
        raise DataFormatError(
            f"{p}: a National Instruments TDMS file (EC4 DAQ, LabVIEW), which solidna cannot "
            "read. Read the text export saved beside it (EC4 DAQ's .txt with 'Time (s)', "
            "'E (V)', 'i (A)' columns), or export the channels as CSV."
        )
    elif head[4:19] == b"Standard Jet DB" or head[4:19] == b"Standard ACE DB":
        raise DataFormatError(
            f"{p}: an Arbin .res (MS Access) file, which solidna cannot read. Export the test "
            "from Arbin's Data Watcher / MITS Pro as .xlsx or .csv."
        )
    if fmt is None:
        wide = _copied_encoding(head)
        text = head.decode(wide, errors="replace") if wide else head.decode("latin-1")
        lines = text.lstrip("\ufeff").splitlines()
        binary = b"\x00" in head and wide is None
        if binary and b"primary_data" in head:
            # IviumSoft .idf/.ids files hold NUL bytes between their text lines (pyimpspec's
            # parse_ids drops them): text, for the Ivium reader
            binary, lines = False, text.replace("\x00", "").splitlines()
        if not binary and lines:
            first = lines[0].strip()
            _refuse_companion_file(p, lines)
            # an .mpt exported without its header starts with EC-Lab's column line
            # (after any blank lines: cheminfo/biologic-converter's noHeader.mpt)
            filled = next((line for line in lines if line.strip()), "")
            if looks_like_pssession(text):
                fmt = "pssession"
            elif first in MPT_MAGICS or looks_like_mpt_columns(filled):
                fmt = "biologic-mpt"
            elif maccor_header_line(lines[:40]) is not None:
                fmt = "maccor"
            elif looks_like_arbin_header(lines[0]):
                fmt = "arbin"
            elif looks_like_neware_csv(lines[:5]):
                fmt = "neware-csv"
            else:
                fmt = detect_impedance_text(lines, text) or "csv"
        else:
            raise DataFormatError(
                f"{p}: unknown binary format (first bytes {head[:16]!r}). Known formats: "
                + "; ".join(f"{k} ({v[1]})" for k, v in FORMATS.items())
                + ". Export the data as text (CSV) and read it with a column mapping."
            )
    expected = _EXTENSIONS.get(p.suffix.lower())
    if expected is not None and expected != fmt and fmt not in _ALSO.get(expected, ()):
        raise DataFormatError(
            f"{p}: the extension {p.suffix!r} means {FORMATS[expected][1]}, but the content "
            f"looks like {FORMATS[fmt][1]} (wrong format or renamed file). Rename the file, or "
            f"pass format={fmt!r} to read it as such."
        )
    return fmt


#: First lines of the files EC-Lab and BT-Lab save beside a run's data, which hold no data
#: rows (seen in public repositories beside the .mpr they belong to: hz-b/bessyii_devices'
#: ``multi_technique_01_CV_C01.mpl``, jdhuang-csm/biologic-com's ``CP.mps``,
#: m0l0t0ph/thesis' ``..._GCPL_C01_LOOP.txt``): what each is.
_ECLAB_COMPANIONS = {
    "EC-LAB LOG FILE": "EC-Lab's log of the run (.mpl: its settings and events)",
    "BT-LAB LOG FILE": "BT-Lab's log of the run (.mpl: its settings and events)",
    "EC-LAB SETTING FILE": "EC-Lab's settings file (.mps: the techniques to run)",
    "BT-LAB SETTING FILE": "BT-Lab's settings file (.mps: the techniques to run)",
    "VMP EXPERIMENT LOOP INDEXES": "EC-Lab's loop index (_LOOP.txt: the row where each loop starts)",
}


#: The line by which Admiral Instruments' Squidstat software marks the settings file it writes
#: beside each run's CSV ("Experiment settings and notes.txt": ``Software Version: Squidstat
#: User Interface v2.11.19.2020`` on its third line, as the public runs of
#: marciG30/Squidstat_1092_1338 have it).
_SQUIDSTAT_SETTINGS = re.compile(r"^\s*Software Version:\s*Squidstat", re.IGNORECASE)


#: EC-Lab's .mgr (graph/window settings saved beside a run, e.g. ``..._02_MB_C04.mgr``) is XML
#: whose first element is ``<Configuration>`` and whose ``<Info>`` names ``Soft="EC-Lab"``.
_ECLAB_SOFT = re.compile(r"""Soft\s*=\s*["'](EC|BT)-Lab["']""", re.IGNORECASE)


def _is_eclab_configuration(lines: list[str]) -> bool:
    """Whether ``lines`` (a file's first lines) start EC-Lab's XML configuration (.mgr)."""
    body = [line.strip() for line in lines[:20] if line.strip()]
    if body and body[0].startswith("<?xml"):
        body = body[1:]
    return (
        bool(body)
        and body[0].startswith("<Configuration")
        and any(_ECLAB_SOFT.search(line) for line in body[:10])
    )


def _refuse_companion_file(path: Path, lines: list[str]) -> None:
    """Refuse a file of an instrument's set that is not the data (its first ``lines`` say so:
    EC-Lab's log, settings and loop files, Squidstat's settings file), naming the file to read
    instead; a generic table reader would only report a parse error."""
    first = lines[0].strip() if lines else ""
    what = _ECLAB_COMPANIONS.get(first.upper())
    if what is not None:
        raise DataFormatError(
            f"{path}: {what}, which holds no measured data. Read the run's data file instead: "
            "the .mpr of the same run, or its text export .mpt (EC-Lab: Export as Text)."
        )
    if _is_eclab_configuration(lines):
        raise DataFormatError(
            f"{path}: EC-Lab's window/graph configuration (.mgr: XML starting with "
            '<Configuration>, Soft="EC-Lab"), which holds no measured data. Read the run\'s '
            "data file instead: the .mpr of the same run, or its text export .mpt (EC-Lab: "
            "Export as Text)."
        )
    if any(_SQUIDSTAT_SETTINGS.match(line) for line in lines[:10]):
        raise DataFormatError(
            f"{path}: the settings and notes the Squidstat software writes beside a run "
            "('Experiment settings and notes.txt'), which hold no measured data. Read the run's "
            "CSV in the same folder instead (its name ends with the technique and the start, "
            "e.g. '1_CV-Cyclic Voltammetry 20210205 134439.csv')."
        )


def read(
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    area: str | float | None = None,
    progress: Progress | None = None,
    kind: str | None = None,
    sheet: str | int | None = None,
) -> Measurement:
    """Read an instrument file into a tidy table (see the module docstring for formats).

    Parameters
    ----------
    path : str or path-like
        The file (only read, never modified).
    format : str, optional
        A key of :data:`FORMATS`; detected from the content when None.
    columns : mapping, optional
        For ``format="csv"`` and workbooks: quantity -> column header, e.g. ``{"time": "t [min]",
        "voltage": "E", "current": "I [mA]"}``. Quantities: time, voltage, current,
        current density, capacity, cycle, step, frequency, z_re, z_im, -z_im, |z|, phase,
        -phase (a Bode export: Z from |Z| and the phase, in degrees unless stated). A value
        ``"t [min]"`` names the column ``t`` in minutes when no column is called ``"t [min]"``.
        EC-Lab files (biologic-mpt, biologic-mpr) take it too, to choose between columns of one
        quantity: ``{"voltage": "Ewe-Ece/V"}`` reads the cell voltage of a record with a
        reference electrode (default: the potential the header's ``Potential control`` names).
    area : str or float, optional
        Electrode area (``"1.13 cm2"``; a number is in m2). Adds ``"Current density [A.m-2]"``;
        overrides an area in the file header.
    progress : callable, optional
        ``progress(message, fraction)`` while large text files are read.
    kind : {"timeseries", "impedance", "eis"}, optional
        The part of a file that holds both (EC-Lab Modulo Bat / GCPL with EIS, Parstat); default
        the part with more rows; ``"eis"`` (as ``solidna analyze --kind eis``) is
        ``"impedance"``. A file that holds only one part refuses the other, saying which it
        holds; another word is refused, naming the ones allowed.
    sheet : str or int, optional
        A workbook's data sheet, by name or position (from 0); default the sheet whose columns
        give a time series (record sheets first; summaries never). Only for workbooks.

    Returns
    -------
    Measurement
        ``.data`` (the tidy table), ``.kind``, ``.format``, ``.source``, ``.area_m2``,
        ``.metadata``, ``.notes``.

    Raises
    ------
    DataFormatError
        Unknown, empty, truncated or malformed file; missing columns; time going backwards;
        mixed units. The message names the file, the problem and the fix.
    InvalidOptionError
        Unknown ``format``, or the optional reader package is not installed.
    UnitError
        ``area`` cannot be parsed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "run.csv").write_text("Time [h],Voltage [V],Current [mA]\\n0,0.08,0.1\\n1,0.09,0.1\\n")
    >>> m = read(d / "run.csv", area="1 cm2")
    >>> m.format, list(m.data.columns)[:4]
    ('csv', ['Time [s]', 'Voltage [V]', 'Current [A]', 'Current density [A.m-2]'])
    >>> float(m.data["Time [s]"].iloc[-1]), float(m.data["Current density [A.m-2]"].iloc[0])
    (3600.0, 1.0)
    """
    p = check_file(path)
    with _utf8_copy(p) as (readable, encoding):
        if readable == p:
            return _read(p, format, columns, area, progress, kind, sheet)
        # messages and warnings name the file the user gave, not the temporary copy
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                m = _read(readable, format, columns, area, progress, kind, sheet)
            except SolidnaError as exc:
                raise type(exc)(str(exc).replace(str(readable), str(p))) from None
        for w in caught:
            text = str(w.message).replace(str(readable), str(p))
            warnings.warn(text, w.category, stacklevel=user_stacklevel())
        m.source = p
        m.notes[:] = [note.replace(str(readable), str(p)) for note in m.notes]
    if encoding == "utf-8-sig":
        m.notes.append("a UTF-8 byte-order mark at its start: read through a copy without it.")
    else:
        m.notes.append(f"text in {encoding.upper()}: read through a UTF-8 copy.")
    return m


#: Bytes of a file's beginning that decide its text encoding.
_HEAD_BYTES = 8192
#: Column-name words of Chinese cycler exports (Landt/LANHE, Neware BTS): 时间 time, 电压
#: voltage, 电流 current, 容量 capacity, 循环 cycle, 工步 step, 状态 state, 记录 record.
_CHINESE_HEADER_WORDS = ("时间", "电压", "电流", "容量", "循环", "工步", "状态", "记录")
#: The East Asian Windows code pages a cycler or potentiostat export without a byte-order mark
#: may be in, each with column-name words that only text decoded in it holds: GB18030 (Chinese
#: Windows; Landt's LANDdt, Neware's BTSDA), Shift_JIS as Windows writes it, cp932 (Japanese
#: Windows; the TOYO cyclers' raw data files, whose header ``日付,時刻,経過時間[Sec],電圧[V],
#: 電流[mA],...,状態,ﾓｰﾄﾞ,ｻｲｸﾙ`` the public toyo-battery reader (MIT licence) reads in it:
#: 時間/時刻 time, 電圧 voltage, 電流 current, 容量 capacity, 状態 state, サイクル/ｻｲｸﾙ cycle)
#: and cp949 (Korean Windows: 시간 time, 전압 voltage, 전류 current, 용량 capacity, 사이클
#: cycle, 스텝 step). The words differ between them (电压, 電圧 and 전압 are three spellings),
#: and bytes of one code page decoded as another give other characters, so at most one fits.
_CODE_PAGE_WORDS = (
    ("gb18030", _CHINESE_HEADER_WORDS),
    ("cp932", ("時間", "時刻", "電圧", "電流", "容量", "状態", "サイクル", "ｻｲｸﾙ")),
    ("cp949", ("시간", "전압", "전류", "용량", "사이클", "스텝")),
)


#: Share [-] of NUL bytes in every other byte above which text without a byte-order mark is
#: taken for UTF-16: ASCII text in UTF-16 has a NUL beside every character.
_UTF16_NUL_SHARE = 0.9


def _utf16_encoding(head: bytes) -> str | None:
    """``"utf-16"`` (a byte-order mark), ``"utf-16-le"``/``"utf-16-be"`` (none, but a NUL beside
    nearly every character of mostly-ASCII text), or None for anything else.

    Windows programs that save "Unicode" text write UTF-16 (PalmSens PSTrace CSV exports, text
    saved from Excel as "Unicode Text"); every solidna text reader expects 8-bit text.

    Parameters
    ----------
    head : bytes
        The first bytes of the file (a few kB).

    Returns
    -------
    str or None
        A Python codec name, or None.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = head[: len(head) // 2 * 2]
    if len(head) < 32:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, other, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= _UTF16_NUL_SHARE * len(zeros) and other.count(0) == 0:
            return name
    return None


def _copied_encoding(head: bytes) -> str | None:
    """The encoding of text that the readers, which expect UTF-8 or a Western code page, must be
    handed as a UTF-8 copy: UTF-16 (:func:`_utf16_encoding`), UTF-8 with a byte-order mark
    (``"utf-8-sig"``; the copy is without it), or an East Asian Windows code page (GB18030,
    cp932, cp949: :data:`_CODE_PAGE_WORDS`) when the text is not UTF-8 and, decoded in it,
    names the columns in that language (a Western code page decoded as one of them gives other
    characters); else None."""
    wide = _utf16_encoding(head)
    if wide is not None:
        return wide
    if head.startswith(codecs.BOM_UTF8):
        # an instrument export re-saved as "UTF-8" by Windows Notepad or Excel ("CSV UTF-8")
        # starts with a byte-order mark: the magic line of an EC-Lab, Gamry, ZPlot or
        # VersaStudio file is then not at the start, and the file was refused as another format
        return "utf-8-sig"
    if decodes(head, "utf-8"):
        return None
    for encoding, words in _CODE_PAGE_WORDS:
        if decodes(head, encoding) and any(w in head.decode(encoding, "replace") for w in words):
            return encoding
    return None


@contextlib.contextmanager
def _utf8_copy(path: Path) -> Iterator[tuple[Path, str | None]]:
    """``(path, None)``, or for text in UTF-16, UTF-8 with a byte-order mark or an East Asian
    code page (:func:`_copied_encoding`) a UTF-8 copy under the same name in a temporary
    directory and that encoding (every reader, impedance.py's too, then reads it as it reads
    any text export); the copy is deleted on leaving the block, also after an error."""
    with open(path, "rb") as fh:
        encoding = _copied_encoding(fh.read(_HEAD_BYTES))
    if encoding is None:
        yield path, None
        return
    data = path.read_bytes()
    if encoding == "utf-8-sig":
        # only the mark goes: the bytes after it are left to the readers' own decoding, which
        # also reads a file whose text after the mark is in a Windows code page (a mark put
        # before a Maccor export whose header holds bytes that are not UTF-8)
        text = None
        data = data[len(codecs.BOM_UTF8) :]
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DataFormatError(
                f"{path}: looks like {encoding} text but does not decode as such ({exc.reason} "
                f"at byte {exc.start}). Save it again as UTF-8 text, or check that it is complete."
            ) from None
    with tempfile.TemporaryDirectory(prefix="solidna-") as folder:
        copy = Path(folder) / path.name
        if text is None:
            copy.write_bytes(data)
        else:
            copy.write_text(text.lstrip("\ufeff"), encoding="utf-8", newline="")
        yield copy, encoding


def _read(
    p: Path,
    format: str | None,
    columns: Mapping[str, str] | None,
    area: str | float | None,
    progress: Progress | None,
    kind: str | None,
    sheet: str | int | None,
) -> Measurement:
    """:func:`read` of a file that every reader can open (see :func:`_utf8_copy`)."""
    fmt = detect_format(p) if format is None else check_choice("format", format, list(FORMATS))
    if kind is not None:
        kind = check_choice(
            "kind (the part of the file to read)", str(kind), [*PARTS, *_PART_ALIASES]
        )
        kind = _PART_ALIASES.get(kind, kind)
    area_m2 = None
    if area is not None:
        from solidna.units import to_si

        area_m2 = to_si(area, "m**2", "electrode area", positive=True, hint='Example: "1.13 cm2".')
    if fmt == "arbin" and (columns or sheet is not None) and _is_workbook(check_file(p)):
        fmt = "workbook"  # an Arbin workbook's sheet or columns chosen by hand
    reader = FORMATS[fmt][0]
    kwargs: dict = {"area_m2": area_m2}
    if columns:
        # EC-Lab files: to choose between columns of one quantity (Ewe/V or Ewe-Ece/V)
        if fmt not in ("csv", "workbook", "biologic-mpt", "biologic-mpr"):
            raise InvalidOptionError(
                f"{p}: columns= maps the columns of a generic text table (format='csv'), a "
                f"workbook's sheet or an EC-Lab file; this file is read as {fmt!r}, whose "
                "columns are known. Drop columns=, or pass format='csv' to map them yourself."
            )
        kwargs["columns"] = columns
    if sheet is not None:
        if fmt != "workbook":
            raise InvalidOptionError(
                f"{p}: sheet= chooses a sheet of an Excel workbook; this file is read as "
                f"{fmt!r} ({FORMATS[fmt][1]}), which has no sheets. Drop sheet=."
            )
        kwargs["sheet"] = sheet
    if fmt in ("biologic-mpt", "arbin", "maccor", "csv", "neware-csv", "workbook"):
        kwargs["progress"] = progress
    if fmt in ("biologic-mpr", "biologic-mpt", "parstat", "workbook", "pssession"):
        kwargs["kind"] = kind
    m = _without_pandas_warnings(reader, p, kwargs)
    if kind is not None and m.kind != kind:
        raise DataFormatError(
            f"{p}: kind={kind!r} asked for, but this {FORMATS[fmt][1]} file holds only "
            f"{'an impedance spectrum' if m.kind == 'impedance' else 'a time series'} "
            f"({len(m.data)} rows). Read it with kind={m.kind!r} (analyze: "
            f"{'--kind eis' if m.kind == 'impedance' else 'a cycling --kind'})."
        )
    return m


#: What pandas' parser warnings mean for the user of a table (the rest are noted as written).
_PANDAS_WARNINGS = {
    "Length of header or names does not match length of data": (
        "the rows have more fields than the header has names: the fields past the last name "
        "were not read."
    ),
}


def _without_pandas_warnings(
    reader: Callable[..., Measurement], p: Path, kwargs: Mapping[str, object]
) -> Measurement:
    """``reader(p, **kwargs)`` with pandas' own warnings (``ParserWarning``, ``DtypeWarning``)
    turned into notes of the measurement: they name pandas' arguments (``index_col=False``),
    not the file, and would reach the user as a traceback-like line. Other warnings pass on."""
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = reader(p, **kwargs)
    finally:
        # passed on once the recording has ended (warned inside it, they would be recorded)
        for w in caught:
            if not w.category.__module__.startswith("pandas"):
                warnings.warn(w.message, w.category, stacklevel=user_stacklevel())
    for w in caught:
        if w.category.__module__.startswith("pandas"):
            text = str(w.message).strip()
            meaning = next((v for k, v in _PANDAS_WARNINGS.items() if text.startswith(k)), None)
            note = meaning or f"the table parser warned: {text}"
            if note not in m.notes:
                m.notes.append(note)
    return m


def _is_workbook(path: Path) -> bool:
    """True for an .xlsx (ZIP) or .xls (OLE) file, by its first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    return head.startswith(b"PK\x03\x04") or head.startswith(OLE_MAGIC)


def write_csv_table(measurement: Measurement | pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a tidy table as CSV with its unit-bearing headers (reads back with :func:`read`).

    Parameters
    ----------
    measurement : Measurement or pandas.DataFrame
        The table (a measurement's ``data``), columns with units in their headers.
    path : str or os.PathLike
        The CSV file to write.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from solidna.io_utils import write_csv

    frame = measurement.data if isinstance(measurement, Measurement) else measurement
    return write_csv(path, frame)
