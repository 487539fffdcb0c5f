"""Cycler workbooks (``.xlsx``, ``.xls``) of any instrument: the sheet holding the time series.

Why our own: a workbook is a container, not a layout. Arbin writes ``Channel_*`` sheets, Neware
BTS a ``record`` sheet (BTS 8, split over ``record``, ``record1`` ... when long) or
``Detail_<unit>_<channel>_<n>`` sheets (BTS 7) beside summaries (``cycle``, ``step``,
``statis``), Landt/LANHE ``Record``/``Cycle-Tab``/``Step-Tab`` with English or Chinese column
names, and researchers one sheet of their own, often with a title row above the header (or a
row of units below the names, as Origin writes). python-calamine reads the cells (.xlsx and
.xls; without it, openpyxl reads .xlsx and pandas .xls with xlrd); cellpy's experimental Neware-xlsx loader would pull
in a whole framework for one layout. This module only decides which sheet is the time series
and hands its table to the readers that already exist:

* a workbook with ``Channel*`` sheets holding Arbin's columns is an Arbin export
  (:func:`~solidna.analysis.io.cyclers.arbin_measurement`);
* otherwise every sheet's header row is found (the row of names above the longest run of data
  rows, as for a CSV: a title or a metadata block above it is skipped) and the sheet is scored
  by whether its columns give time, voltage and current: Neware's names go through the Neware
  record logic (:func:`~solidna.analysis.io.cyclers.neware_frame`: ``h:min:s.ms`` times, mA,
  step types), all others through the generic column mapping
  (:func:`~solidna.analysis.io.generic.table_measurement`, with ``columns=`` when given).
  Summary sheets (cycle, step, statis ...) hold no per-sample record and are never chosen. Of
  the sheets that qualify, record/detail sheets are preferred, and several of them with one
  header (a long record split over sheets) are joined in order, as are the record sheets after
  them that hold rows of data and no header (Landt's ``Record1``, ``Record2`` ... go on under
  the header of ``Record``). A sheet that writes each cycle in a block of columns of its own,
  under a ``Cycle N`` label (another LANDdt export), is read block after block
  (:func:`column_blocks`).

Excel cells come typed: a time of day or a duration (``datetime.time``, ``timedelta``, or a
date in 1899/1900 for a duration over 24 h) is turned into ``h:mm:ss`` text, which the readers'
duration parser reads (:func:`~solidna.analysis.io._table.parse_durations`); a time column of
date-times becomes the time elapsed since its first row. Which sheet was read, from which
header row, is in the measurement's notes and metadata.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.analysis.io._table import (
    Measurement,
    Progress,
    check_file,
    finish_table,
    one_line,
    parse_durations,
)
from solidna.analysis.io.cyclers import (
    arbin_measurement,
    looks_like_arbin_header,
    neware_columns,
    neware_frame,
    neware_missing,
)
from solidna.analysis.io.generic import check_columns, map_columns, table_measurement
from solidna.errors import DataFormatError, InvalidOptionError

__all__ = ["read_workbook", "sheet_names", "ZIP_MAGIC", "OLE_MAGIC"]

ZIP_MAGIC = b"PK\x03\x04"
#: Compound-file (OLE2) magic: a legacy ``.xls``, or an encrypted ``.xlsx`` (Office wraps a
#: password-protected workbook in an OLE container holding an ``EncryptedPackage`` stream).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

#: Rows of each sheet looked at to find its header and score it.
_PREVIEW_ROWS = 200

# Sheet names of summaries (one row per cycle or step, no per-sample record): Neware "cycle",
# "step", "statis", "Cycle_67_1_1", "unit", "test", "Info"; Landt "Cycle-Tab", "Step-Tab";
# Arbin "Global_Info", "Statistics_...".
_SUMMARY = re.compile(
    r"(?i)^(cycle|cyc|step|statis|stat|statistics|info|unit|test|global[ _]?info|summary|"
    r"循环|工步|统计|信息)(?:[ _-]?(tab|table|layer|层|表))?(?:[ _-]\d+)*$"
)
# Record sheets, preferred: Neware "record", "record1", "Detail_67_1_1"; Landt "Record",
# "Record-Tab"; LANHE's newer exports "Ch1_DefaultGroup" (beside "Test information", "Ch1_Proc",
# "Log"; echemistpy's LANHE reader takes the sheet so named); "data", "raw"; Chinese 记录
# (record), 详细 (detail), 数据 (data).
_RECORD = re.compile(r"(?i)^(record|detail|data|raw|记录|详细|数据|(?:ch\d+[ _-]?)?defaultgroup)")


# --------------------------------------------------------------------------------------------
# Opening the workbook
# --------------------------------------------------------------------------------------------
def sheet_names(path: Path) -> list[str] | None:
    """The sheet names of an ``.xlsx`` from its ``xl/workbook.xml`` (cheap: no cells read).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    list of str or None
        The names in the workbook's order; None when the file is not such a container.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            text = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    import html

    return [
        html.unescape(n) for n in re.findall(r"<(?:\w+:)?sheet\b[^>]*\bname=\"([^\"]*)\"", text)
    ]


class _Book:
    """The sheets of a workbook as rows of typed cells: python-calamine when installed (.xlsx and
    .xls; a Rust reader, ~10 times faster than openpyxl on a long record sheet, see
    benchmarks/bench_workbook.py), else openpyxl for .xlsx and pandas+xlrd for .xls."""

    def __init__(self, path: Path):
        self.path = path
        with open(path, "rb") as fh:
            head = fh.read(8)
        self._wb: Any = None
        self._calamine: Any = None
        self._frames: dict[str, pd.DataFrame] | None = None
        if head.startswith((ZIP_MAGIC, OLE_MAGIC)) and self._open_calamine(head):
            pass
        elif head.startswith(ZIP_MAGIC):
            self._open_xlsx()
        elif head.startswith(OLE_MAGIC):
            self._open_xls()
        else:
            raise DataFormatError(
                f"{path}: not an Excel workbook (first bytes {head!r}; an .xlsx is a ZIP "
                "container, an .xls an OLE file). Read it by its content: solidna's read() "
                "without format=, or export it from the instrument again."
            )

    def _open_calamine(self, head: bytes) -> bool:
        """Open with python-calamine; False when it is not installed."""
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            return False
        if head.startswith(OLE_MAGIC) and _is_encrypted(self.path):
            return False  # the .xls path says that it is password-protected
        try:
            self._calamine = CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # CalamineError, zip errors of a truncated file
            raise DataFormatError(
                f"{self.path}: cannot open the workbook ({one_line(exc)}); the file is "
                "truncated or not an Excel file. Copy or export it again."
            ) from None
        self.names = [str(n) for n in self._calamine.sheet_names]
        return True

    def _open_xlsx(self) -> None:
        try:
            import openpyxl
        except ImportError:
            raise InvalidOptionError(
                f"{self.path}: reading .xlsx needs the package openpyxl (pip install openpyxl); "
                "or export the data sheet as CSV."
            ) from None
        try:
            self._wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # BadZipFile, KeyError (missing part), InvalidFileException
            raise DataFormatError(
                f"{self.path}: cannot open the workbook ({one_line(exc)}); the file is "
                "truncated or not an Excel file. Copy or export it again."
            ) from None
        self.names = [str(n) for n in self._wb.sheetnames]

    def _open_xls(self) -> None:
        if _is_encrypted(self.path):
            raise DataFormatError(
                f"{self.path}: a password-protected (encrypted) workbook, which cannot be read "
                "without the password. Open it in Excel or LibreOffice, remove the password "
                "(Excel: File > Info > Protect Workbook > Encrypt with Password, clear it) and "
                "save it, or export the data sheet as CSV."
            )
        try:
            self._frames = pd.read_excel(self.path, sheet_name=None, header=None)
        except ImportError:
            raise InvalidOptionError(
                f"{self.path}: a legacy Excel 97-2003 .xls workbook; reading it needs the "
                "package python-calamine or xlrd (pip install python-calamine), neither of which "
                "is installed. Open it in Excel or "
                "LibreOffice and save it as .xlsx, or export the data sheet as CSV."
            ) from None
        except Exception as exc:
            raise DataFormatError(
                f"{self.path}: cannot open the .xls workbook ({one_line(exc)}); the file is "
                "truncated or not an Excel file."
            ) from None
        self.names = [str(n) for n in self._frames]

    def rows(
        self, name: str, limit: int | None = None, progress: Progress | None = None
    ) -> list[tuple]:
        """The sheet's rows (tuples of cells, None for empty), at most ``limit``."""
        if self._calamine is not None:
            sheet = self._calamine.get_sheet_by_name(name)
            total = sheet.total_height
            out = []
            # calamine gives "" for an empty cell (openpyxl None); the leading empty rows and
            # columns are kept, so that row numbers in the notes are the sheet's own
            for k, row in enumerate(sheet.iter_rows()):
                if limit is not None and k >= limit:
                    break
                out.append(tuple(None if c == "" else c for c in row))
                if progress is not None and k % 20000 == 0 and k:
                    progress(f"reading sheet {name!r}", min(k / total, 1.0) if total else 0.0)
            return out
        if self._frames is not None:
            frame = self._frames[name]
            frame = frame if limit is None else frame.head(limit)
            values = frame.astype(object).where(frame.notna(), None)
            return [tuple(r) for r in values.itertuples(index=False, name=None)]
        ws = self._wb[name]
        if not hasattr(ws, "iter_rows"):
            return []  # a chart sheet
        total = ws.max_row if isinstance(getattr(ws, "max_row", None), int) else None
        out = []
        for k, row in enumerate(ws.iter_rows(values_only=True)):
            if limit is not None and k >= limit:
                break
            out.append(row)
            if progress is not None and k % 20000 == 0 and k:
                progress(f"reading sheet {name!r}", min(k / total, 1.0) if total else 0.0)
        return out

    def close(self) -> None:
        if self._wb is not None:
            self._wb.close()
        if self._calamine is not None:
            self._calamine.close()


def _is_encrypted(path: Path) -> bool:
    """True for an OLE container holding Office's ``EncryptedPackage`` stream."""
    with open(path, "rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            if _ENCRYPTED in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTED) :]
    return False


# --------------------------------------------------------------------------------------------
# A sheet's table
# --------------------------------------------------------------------------------------------
_NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?\s*$")
_DURATION_TEXT = re.compile(r"^\s*(\d+\s*(d|-|\.|\s)\s*)?\d+:\d{1,2}:\d{1,2}([.,]\d*)?\s*$")


def _is_value(v: object) -> bool:
    """A cell that holds a measured value (a number, a date, a time or a duration)."""
    if isinstance(v, bool) or v is None:
        return False
    if isinstance(v, (int, float, np.number, dt.datetime, dt.time, dt.timedelta)):
        return True
    return isinstance(v, str) and bool(_NUMBER_TEXT.match(v) or _DURATION_TEXT.match(v))


def _is_name(v: object) -> bool:
    return isinstance(v, str) and bool(v.strip()) and not _is_value(v)


def header_row(rows: list[tuple]) -> int | None:
    """Index of the header row: the row of names above the longest run of data rows.

    The rule of the CSV reader (:func:`~solidna.analysis.io.generic.read_csv`): a title row or
    a metadata block (``Key``, ``value`` pairs) above the header has at most one data row below
    each of its rows, the header a long run. A data row holds two or more values; blank rows do
    not end a run. None when no row of two or more names has a data row below it.
    """
    blank = [all(v is None or (isinstance(v, str) and not v.strip()) for v in r) for r in rows]
    data = [sum(_is_value(v) for v in r) >= 2 for r in rows]
    best, found = 0, None
    for k, row in enumerate(rows[:-1]):
        names = sum(_is_name(v) for v in row)
        filled = sum(not (v is None or (isinstance(v, str) and not v.strip())) for v in row)
        if names < 2 or 2 * names < filled:
            continue
        run = 0
        for j in range(k + 1, len(rows)):
            if blank[j]:
                continue
            if not data[j]:
                break
            run += 1
        if run > best:
            best, found = run, k
    return found


def _filled(row: tuple) -> set[int]:
    return {j for j, v in enumerate(row) if v is not None and str(v).strip()}


def _header_names(rows: list[tuple], k: int) -> list[str]:
    """The column names of header row ``k``. Where the row above names the same columns and
    row ``k`` holds short words (Origin's and many researchers' layout: ``Time``, ``Voltage``
    over ``s``, ``V``), row ``k`` is their units: ``"Time [s]"``."""
    row = rows[k]
    above = rows[k - 1] if k > 0 else ()
    if (
        k > 0
        and len(_filled(row)) >= 2
        and _filled(row) == _filled(above)
        and all(_is_name(above[j]) for j in _filled(row))
        and all(len(str(row[j]).strip()) <= 12 for j in _filled(row))
    ):
        row = tuple(
            f"{str(a).strip()} [{str(u).strip()}]" if u is not None and str(u).strip() else a
            for a, u in zip(above, row, strict=False)
        )
    names, seen = [], {}
    for j, v in enumerate(row):
        name = str(v).strip() if v is not None and str(v).strip() else f"column {j + 1}"
        if name in seen:  # pandas' rule for a repeated header
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _sheet_table(rows: list[tuple], k: int, names: list[str] | None = None) -> pd.DataFrame:
    """The table below header row ``k``, cells as pandas types (durations as ``h:mm:ss`` text);
    with ``names``, every row from row ``k`` on is data under those names (a sheet that goes on
    with the rows of another's header)."""
    if names is None:
        names, start = _header_names(rows, k), k + 1
    else:
        start = k
    width = len(names)
    body = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows[start:]]
    frame = pd.DataFrame(body, columns=names, dtype=object)
    frame = frame.dropna(how="all").reset_index(drop=True)
    unnamed = [c for c in frame.columns if c.startswith("column ") and frame[c].isna().all()]
    frame = frame.drop(columns=unnamed).infer_objects()
    for col in frame.columns:
        if pd.api.types.is_timedelta64_dtype(frame[col].dtype):
            seconds = frame[col].dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
            frame[col] = duration_text(seconds).set_axis(frame.index)
        elif frame[col].dtype == object or pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = _plain_cells(frame[col])
    return frame


def column_blocks(rows: list[tuple], k: int) -> list[tuple[int, int, str]] | None:
    """The blocks of columns of a sheet that writes each cycle beside the last, or None.

    One of Landt's LANDdt export layouts puts every cycle in a block of columns of its own: a
    row of labels (``Cycle 1``, one merged cell over its block) above header row ``k``, which
    repeats the block's names (``Record, TestTime/h, Voltage/V, Current/mA, ...``) once per
    cycle (navani's ``landt_file_loader`` reads it; MIT licence). Read as one table, only the
    first block, the first cycle, was read. A block starts at each repeat of the header's first
    name, under a label; every block holds the first block's names (the last may hold one more,
    ``EnergyD``) and the row above holds nothing but the labels.

    Returns
    -------
    list of (first column, end column, label) or None
    """
    if k < 1:
        return None
    row, above = rows[k], rows[k - 1]
    text = [str(v).strip() if v is not None else "" for v in row]
    filled = [j for j, v in enumerate(text) if v]
    if not filled:
        return None
    first = text[filled[0]]
    starts = [j for j in filled if text[j] == first]
    if len(starts) < 2:
        return None
    labels = {j for j, v in enumerate(above) if v is not None and str(v).strip()}
    if labels != set(starts):
        return None
    ends = [*starts[1:], len(row)]
    names = [{text[j] for j in range(a, b) if text[j]} for a, b in zip(starts, ends, strict=True)]
    if not all(names[0] <= other for other in names[1:]):
        return None
    return [(a, b, str(above[a]).strip()) for a, b in zip(starts, ends, strict=True)]


def _stacked_blocks(rows: list[tuple], k: int, blocks: list[tuple[int, int, str]]) -> pd.DataFrame:
    """The blocks of :func:`column_blocks` read one by one and put below each other, in order;
    a block's rows that hold nothing but their first cell (a record number) are left out."""
    parts = []
    for a, b, _ in blocks:
        part = _sheet_table([tuple(r[a:b]) for r in rows], k)
        if part.shape[1] > 1:
            part = part.loc[part.iloc[:, 1:].notna().any(axis=1)]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _time_runs_on(frame: pd.DataFrame, path: Path) -> bool:
    """True when the table's time column (found by its name) never goes back: blocks put one
    below the other that continue one record (a cycle after another)."""
    try:
        mapping = map_columns(list(frame.columns), None, path)
    except DataFormatError:
        return False
    if "time" not in mapping:
        return False
    col = frame[mapping["time"][0]]
    t = parse_durations(col)
    if t is None:
        t = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    t = t[np.isfinite(t)]
    return t.size > 1 and bool(np.all(np.diff(t) >= 0))


# openpyxl turns a duration of a day or more in a time format into a date from its epoch
# (1899-12-30; 1899-12-31 below day 60, where it skips Excel's 1900 leap-day bug)
_EPOCH = dt.datetime(1899, 12, 30)
_LAST_EPOCH_DAY = dt.datetime(1900, 3, 1)


def _seconds_of(v: object) -> float | None:
    if isinstance(v, dt.timedelta):
        return v.total_seconds()
    if isinstance(v, dt.datetime):
        if v.year > 1900:
            return None
        epoch = _EPOCH + dt.timedelta(days=1) if v < _LAST_EPOCH_DAY else _EPOCH
        return (v - epoch).total_seconds()
    if isinstance(v, dt.time):
        return v.hour * 3600.0 + v.minute * 60.0 + v.second + v.microsecond * 1e-6
    return None


def duration_text(seconds: np.ndarray) -> pd.Series:
    """Durations [s] as ``h:mm:ss.ffffff`` text (NaN stays empty), as exports write them."""
    out = []
    for s in np.asarray(seconds, dtype=float):
        if not np.isfinite(s):
            out.append(None)
            continue
        h, rest = divmod(s, 3600.0)
        m, sec = divmod(rest, 60.0)
        out.append(f"{int(h)}:{int(m):02d}:{sec:09.6f}")
    return pd.Series(out, dtype=object)


def _plain_cells(col: pd.Series) -> pd.Series:
    """A column of Excel time or duration cells as ``h:mm:ss`` text; date-times as datetime64;
    anything else unchanged."""
    present = col.dropna()
    if present.empty:
        return col
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        col = col.astype(object).where(col.notna(), None)
        present = col.dropna()
    kinds = {type(v) for v in present.head(1000)}
    if kinds <= {dt.time, dt.timedelta, pd.Timedelta, dt.datetime, pd.Timestamp} and not (
        kinds <= {dt.datetime, pd.Timestamp} and all(v.year > 1900 for v in present.head(1000))
    ):
        seconds = [np.nan if v is None else _seconds_of(v) for v in col]
        if not any(s is None for s in seconds):
            return duration_text(np.array(seconds, dtype=float)).set_axis(col.index)
    if kinds <= {dt.datetime, pd.Timestamp}:
        return pd.to_datetime(col, errors="coerce")
    return col


# --------------------------------------------------------------------------------------------
# Which sheet
# --------------------------------------------------------------------------------------------
class _Sheet:
    """One sheet's header and what it can give."""

    def __init__(self, name: str, rows: list[tuple], columns: Mapping[str, str] | None):
        self.name = name
        self.empty = not any(any(v is not None for v in r) for r in rows)
        self.header_index = None if self.empty else header_row(rows)
        self.header: list[str] = []
        self.reader: str | None = None  # "neware" or "generic" when it holds a table to read
        self.kind = "timeseries"  # or "impedance" (a sheet of frequency and Z columns)
        # a sheet of data rows only (no header), and its width: a long record's later sheets
        # (Landt's "Record1", "Record2" ... under the header of "Record")
        filled = [r for r in rows if any(v is not None and str(v).strip() for v in r)]
        self.headerless = (
            not self.empty
            and self.header_index is None
            and all(sum(_is_value(v) for v in r) >= 2 for r in filled)
        )
        self.width = max((max(_filled(r)) + 1 for r in filled), default=0)
        self.continues: _Sheet | None = None  # the sheet whose header its rows take
        if self.header_index is None:
            return
        self.header = _header_names(rows, self.header_index)
        cols = neware_columns(self.header)
        if not columns and cols["record"] is not None and not neware_missing(cols):
            self.reader = "neware"
            return
        try:
            mapping = map_columns(self.header, columns, "")
            check_columns(mapping, self.header, "")
        except (DataFormatError, InvalidOptionError):
            return
        self.reader = "generic"
        if "frequency" in mapping and not {"time", "voltage"} <= set(mapping):
            self.kind = "impedance"

    @property
    def summary(self) -> bool:
        return bool(_SUMMARY.match(self.name.strip()))

    def describe(self) -> str:
        if self.empty:
            return f"{self.name!r} (empty)"
        if self.header_index is None:
            return f"{self.name!r} (no header row: no row of names above rows of numbers)"
        shown = ", ".join(self.header[:8]) + (", ..." if len(self.header) > 8 else "")
        return f"{self.name!r} (row {self.header_index + 1}: {shown})"


def _choose(
    sheets: list[_Sheet], path: Path, notes: list[str], kind: str | None = None
) -> list[_Sheet]:
    """The sheets that hold the time series (several: a record split over sheets); with
    ``kind``, sheets of that kind first (a workbook of cycling and impedance sheets)."""
    qualified = [s for s in sheets if s.reader is not None and not s.summary]
    if kind is not None and any(s.kind == kind for s in qualified):
        qualified = [s for s in qualified if s.kind == kind]
    if not qualified:
        if all(s.empty for s in sheets):
            raise DataFormatError(
                f"{path}: the workbook holds no data (sheets: "
                f"{', '.join(s.describe() for s in sheets) or 'none'}). Check that the export "
                "finished and that this is the right file."
            )
        raise DataFormatError(
            f"{path}: no sheet of this workbook holds a time series (a header with time, "
            "voltage and current, Neware's or Landt's names, or names such as 'Time [s]', "
            "'Voltage [V]', 'Current [mA]'); summary sheets (cycle, step, statis) are not read. "
            f"Sheets: {'; '.join(s.describe() for s in sheets)}. Choose the data sheet with "
            "sheet='name' (--sheet on the command line) and map its columns with "
            "columns={'time': 'Time [s]', 'voltage': 'E [V]', 'current': 'I [mA]'} "
            "(--column 'time=Time [s]' ...)."
        )
    records = [s for s in qualified if _RECORD.match(s.name.strip())]
    if records:
        first = records[0]
        chosen = [s for s in records if s.header == first.header and s.reader == first.reader]
        chosen = _with_continuations(sheets, chosen)
    else:
        chosen = [qualified[0]]
    others = [s.name for s in qualified if s not in chosen]
    if len(chosen) > 1:
        notes.append(
            f"the record is split over {len(chosen)} sheets "
            f"({', '.join(repr(s.name) for s in chosen)}): joined in this order."
        )
    if others:
        notes.append(
            f"sheet(s) {', '.join(map(repr, others))} hold a time series too and were not "
            "read; choose one with sheet=."
        )
    return chosen


def _with_continuations(sheets: list[_Sheet], chosen: list[_Sheet]) -> list[_Sheet]:
    """``chosen`` (record sheets under one header) with the record sheets after them that hold
    rows of data and no header, as wide as that header at most, in the workbook's order.

    LANDdt splits a long record over sheets ``Record``, ``Record1``, ``Record2`` ... and writes
    the header on the first only (navani's Landt reader joins them so; MIT licence): the later
    sheets were not read, and the record ended where the first sheet did, without a word.
    """
    first = chosen[0]
    order = {id(s): k for k, s in enumerate(sheets)}
    out = list(chosen)
    for s in sheets[order[id(first)] + 1 :]:
        if (
            s not in out
            and s.headerless
            and _RECORD.match(s.name.strip())
            and s.width <= len(first.header)
        ):
            s.continues = first
            out.append(s)
    return sorted(out, key=lambda s: order[id(s)])


def _pick(sheets: list[_Sheet], sheet: str | int, path: Path) -> _Sheet:
    """The sheet the user asked for, by name or 0-based position."""
    names = [s.name for s in sheets]
    listing = ", ".join(f"{k}: {n!r}" for k, n in enumerate(names))
    if isinstance(sheet, str) and sheet in names:
        return sheets[names.index(sheet)]
    if isinstance(sheet, str) and sheet.strip().lower() in [n.lower() for n in names]:
        return sheets[[n.lower() for n in names].index(sheet.strip().lower())]
    text = str(sheet).strip()
    if isinstance(sheet, (int, np.integer)) or text.isdigit():
        k = int(text)
        if 0 <= k < len(sheets):
            return sheets[k]
    raise InvalidOptionError(
        f"{path}: no sheet {sheet!r} in this workbook; its sheets are {listing} (by name, or by "
        "position counted from 0)."
    )


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
@fill_doc
def read_workbook(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    area_m2: float | None = None,
    progress: Progress | None = None,
    kind: str | None = None,
    arbin: bool = False,
) -> Measurement:
    """Read a cycler's workbook (``.xlsx``, ``.xls``).

    An Arbin export (``Channel*`` sheets) is read as Arbin; otherwise the sheet holding the time
    series is found by its columns (see the module docstring), or taken from ``sheet``.

    %(Parameters: file)s
    columns : mapping, optional
        Quantity -> column of the data sheet, as for a CSV
        (:func:`~solidna.analysis.io.generic.map_columns`); the sheet is then read by the
        generic column logic.
    sheet : str or int, optional
        The data sheet, by name or by position (from 0); default the one found. A sheet that is
        not there is refused, naming the workbook's sheets.
    %(area_m2, file_progress)s
    kind : {"timeseries", "impedance"}, optional
        Prefer a sheet of this kind when several qualify (default: the first record sheet).
    arbin : bool, optional
        Read only the ``Channel*`` sheets of an Arbin export, refusing a workbook without them
        (:func:`~solidna.analysis.io.cyclers.read_arbin`).

    %(Returns: measurement)s

    Raises
    ------
    DataFormatError
        Not a workbook, damaged, encrypted (password-protected), empty, or no sheet holds a
        time series (the message lists the sheets and their columns and says how to map them).
    InvalidOptionError
        ``sheet`` is not in the workbook; a legacy ``.xls`` without python-calamine or xlrd.
    """
    path = check_file(path, "an Excel workbook (.xlsx or .xls)")
    book = _Book(path)
    try:
        return _read(book, path, columns, sheet, area_m2, progress, kind, arbin)
    finally:
        book.close()


def _read(
    book: _Book,
    path: Path,
    columns: Mapping[str, str] | None,
    sheet: str | int | None,
    area_m2: float | None,
    progress: Progress | None,
    kind: str | None,
    arbin: bool,
) -> Measurement:
    notes: list[str] = []
    channel = [n for n in book.names if n.lower().startswith("channel")]
    if arbin and not channel:
        raise DataFormatError(
            f"{path}: no 'Channel_...' data sheet in this workbook (sheets: "
            f"{', '.join(map(repr, book.names))}), so it is not an Arbin export. Read it with "
            "format='workbook' (or without format=), which finds the data sheet of other "
            "cyclers' workbooks."
        )
    previews = {n: book.rows(n, _PREVIEW_ROWS) for n in book.names}
    sheets = [_Sheet(n, previews[n], columns) for n in book.names]
    # a sheet named "Channel 1" of one's own is not an Arbin export: Arbin's columns decide
    channel = [
        s.name for s in sheets if s.name in channel and looks_like_arbin_header(",".join(s.header))
    ]
    if sheet is not None:
        chosen = [_pick(sheets, sheet, path)]
    elif channel and not columns:
        chosen = [s for s in sheets if s.name in channel]
    else:
        chosen = _choose(sheets, path, notes, kind)
    for s in chosen:
        if s.header_index is None and s.continues is None:
            raise DataFormatError(
                f"{path}: sheet {s.describe()} has no table to read. Choose the data sheet "
                f"with sheet= (sheets: {'; '.join(x.describe() for x in sheets)})."
            )
    parts = []
    for s in chosen:
        rows = previews[s.name]
        if len(rows) >= _PREVIEW_ROWS:
            rows = book.rows(s.name, progress=progress)
        if s.continues is not None:
            parts.append(_sheet_table(rows, 0, names=s.continues.header))
            continue
        blocks = column_blocks(rows, s.header_index)
        stacked = None
        if blocks is not None and not columns:
            stacked = _stacked_blocks(rows, s.header_index, blocks)
            shown = ", ".join(repr(label) for _, _, label in blocks[:3])
            shown += ", ..." if len(blocks) > 3 else ""
            if _time_runs_on(stacked, path):
                notes.append(
                    f"sheet {s.name!r} writes {len(blocks)} blocks of columns side by side, one "
                    f"per label above the header ({shown}): read one below the other, in that "
                    "order."
                )
            else:
                # side by side, but not one record (two samples' runs, each from 0 s): the first
                # block is read, as before, and the others named
                notes.append(
                    f"sheet {s.name!r} writes {len(blocks)} blocks of columns side by side "
                    f"({shown}) whose times do not follow each other: only the first is read; "
                    "split the sheet to read the others."
                )
                stacked = None
        parts.append(stacked if stacked is not None else _sheet_table(rows, s.header_index))
    raw = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    names = [s.name for s in chosen]
    where = ", ".join(
        f"{s.name!r} (no header: the rows go on under that of {s.continues.name!r})"
        if s.continues is not None
        else f"{s.name!r} (header on row {s.header_index + 1})"
        for s in chosen
    )
    others = [n for n in book.names if n not in names]
    notes.insert(
        0,
        f"read sheet(s) {where} of the workbook"
        + (f"; not read: {', '.join(map(repr, others))}" if others else "")
        + ".",
    )
    metadata: dict[str, Any] = {
        "sheet": names[0] if len(names) == 1 else names,
        "sheets": list(book.names),
        "header row": chosen[0].header_index + 1,
    }
    first = chosen[0]
    if first.name in channel and not columns:
        return arbin_measurement(raw, path, area_m2=area_m2, metadata=metadata, notes=notes)
    if first.reader == "neware" and not columns:
        frame, extra = neware_frame(raw, path, notes)
        metadata.update(extra)
        metadata["instrument"] = "Neware BTS (workbook export)"
        table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2, notes=notes)
        return Measurement(table, "timeseries", "workbook", path, area_m2, metadata, notes)
    _elapsed_time(raw, columns, path, notes)
    return table_measurement(
        raw,
        path,
        columns=columns,
        area_m2=area_m2,
        notes=notes,
        format="workbook",
        metadata=metadata,
    )


def _elapsed_time(
    raw: pd.DataFrame, columns: Mapping[str, str] | None, path: Path, notes: list[str]
) -> None:
    """A time column of date-times becomes the time since its first row (``h:mm:ss`` text)."""
    try:
        mapping = map_columns(list(raw.columns), columns, path)
    except DataFormatError:
        return  # table_measurement says what is wrong
    if "time" not in mapping:
        return
    col = mapping["time"][0]
    if not pd.api.types.is_datetime64_any_dtype(raw[col].dtype):
        return
    t = raw[col]
    start = t.dropna().iloc[0] if t.notna().any() else None
    if start is None:
        return
    raw[col] = duration_text((t - start).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan))
    notes.append(
        f"time column {col!r} holds date-times: the time is counted from its first row ({start})."
    )
