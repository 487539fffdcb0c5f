"""Battery-cycler exports: Neware ``.nda``/``.ndax`` (NewareNDA), Arbin ``.xlsx``/``.csv`` and
Maccor text (own readers).

* **Neware**: NewareNDA (Solid-Energy-Systems) decodes both binary formats. Its ``Time`` is the
  time within the step in most files, but runs on across steps in others; which one is decided
  from the data (does ``Time`` fall back at the step changes?), and only a restarting time gets
  the earlier steps' durations added (:func:`neware_test_time`). Capacities count from zero in
  every step; the net charge takes its sign from the counter's name (charge +, discharge -) using
  magnitudes, because NewareNDA reports a negative ``Discharge_Capacity`` in pulse steps, and is
  checked against the integral of the current (:func:`neware_net_charge`).
  BTS CSV exports (one record table, or the multi-level sheet with cycle, step and record rows)
  and the record sheets of BTS workbooks (found by :mod:`solidna.analysis.io.workbook`) are read
  here with the same rules (:func:`neware_frame`); their times may be ``hh:mm:ss`` text, a
  current written unsigned takes its sign from the step type (``CC_Chg``, ``CC_DChg``).
* **Arbin**: the export is an ordinary spreadsheet (or CSV) with fixed column names
  (``Test_Time(s)``, ``Voltage(V)``, ``Current(A)``, ``Charge_Capacity(Ah)``, ...); no dedicated
  reader is needed beyond pandas (openpyxl for ``.xlsx``). cellpy and navani read it too, but
  pull in whole frameworks (navani pins pandas < 3, which this project's environment cannot take).
  Arbin's charge and discharge capacities count from zero in every cycle. The raw channel table
  (MITS Pro's ``Channel_Normal_Table``, as beep's test CSVs hold it) names the same quantities
  without units (``Test_Time``, ``Current``, ``Voltage``, ``Charge_Capacity``): read in
  Arbin's units (s, A, V, A.h), with a note (:data:`ARBIN_RAW_COLUMNS`).
* **Maccor**: the tab-separated text export has no reader outside cellpy/navani (same reasons).
  Its current is unsigned; the mode column ``Md`` (``C`` charge, ``D`` discharge, ``R`` rest) gives
  the sign. ``Cap. [Ah]`` counts from zero in every step. ``TestTime`` is in minutes in the
  classic export (checked against the wall-clock column ``DPT Time`` when present) or written as
  ``0d 00:00:05`` (days, hours, minutes, seconds) in others. Units come from the headers
  (``Amp-hr``/``mAmp-hr``, ``Amps``/``mAmps``); a ``Volts`` column whose values are a thousand
  times the energy-over-capacity voltage is in mV (decided from the data and noted).
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.analysis.io._table import (
    CAPACITY,
    CURRENT,
    CYCLE,
    STEP,
    TIME,
    VOLTAGE,
    Measurement,
    Progress,
    accumulate_counter,
    check_file,
    cumulative_from_counter,
    finish_table,
    integrate_current,
    no_data_rows,
    one_line,
    parse_durations,
    split_header,
    text_encoding,
    unit_factor,
    wall_clock,
    without_digit_groups,
)
from solidna.analysis.io.generic import (
    _current_sign,
    _decimal_mark,
    _sniff,
    _time_unit_from_wall_clock,
    _without_digit_groups,
    note_scaled_rivals,
    read_delimited,
    refuse_summary,
    table_measurement,
)
from solidna.errors import DataFormatError, InvalidOptionError

__all__ = [
    "read_neware",
    "read_neware_csv",
    "read_arbin",
    "arbin_measurement",
    "neware_frame",
    "read_maccor",
    "neware_test_time",
    "neware_net_charge",
    "NEWARE_MAGIC",
    "ARBIN_COLUMNS",
    "ARBIN_RAW_COLUMNS",
    "COUNTER_MISMATCH_REL",
]

#: Where an instrument's charge counter and the integral of its current differ by more than 2 %
#: of the largest charge, the measurement's notes say so (a counter of another sign convention,
#: a lost reset or a current in another unit is off by far more; sampling of the integral by less).
COUNTER_MISMATCH_REL = 0.02

NEWARE_MAGIC = b"NEWARE"


# --------------------------------------------------------------------------------------------
# Neware
# --------------------------------------------------------------------------------------------


def _numbers(values: pd.Series) -> np.ndarray:
    """A column of a cycler export as float64, text that is no number as NaN.

    Thousands separators (Maccor's ``1,005.3806`` s, Excel-formatted Neware and Arbin exports'
    ``"1,500.000"`` mA) are removed first (:func:`~solidna.analysis.io._table.without_digit_groups`):
    coerced as they stand they became NaN and their rows were lost or refused.
    """
    return pd.to_numeric(without_digit_groups(values), errors="coerce").to_numpy(float)


@fill_doc
def read_neware(path: Path, *, area_m2: float | None = None) -> Measurement:
    """Read a Neware ``.nda`` or ``.ndax`` file with NewareNDA.

    Parameters
    ----------
    path : pathlib.Path
        The ``.nda``/``.ndax`` file.
    %(area_m2)s

    %(Returns: measurement)s

    Raises
    ------
    DataFormatError
        Not a Neware file, truncated, or a version NewareNDA cannot decode.
    InvalidOptionError
        NewareNDA is not installed.
    """
    path = check_file(path, "a Neware .nda or .ndax file")
    try:
        import NewareNDA
    except ImportError:
        raise InvalidOptionError(
            f"{path}: reading Neware .nda/.ndax files needs the package NewareNDA "
            "(pip install NewareNDA); or export the data from BTS as CSV."
        ) from None
    suffix = path.suffix.lower()
    if suffix not in (".nda", ".ndax"):
        # NewareNDA dispatches on the extension only.
        raise DataFormatError(
            f"{path}: Neware files must end in .nda or .ndax (NewareNDA dispatches on the "
            "extension); rename the file."
        )
    try:
        with warnings.catch_warnings():
            # NewareNDA uses pandas keywords that pandas 3 deprecates; not the user's concern
            warnings.simplefilter("ignore")
            raw = NewareNDA.read(str(path), log_level="ERROR")
    except Exception as exc:  # NewareNDA raises struct errors, KeyError, zipfile errors ...
        raise DataFormatError(
            f"{path}: NewareNDA cannot read this file ({one_line(exc)}). It is "
            "truncated, not a Neware file, or a version NewareNDA does not know; export it "
            "from BTS as CSV and read that with a column mapping."
        ) from None
    if raw is None or len(raw) == 0:
        raise no_data_rows(path)
    notes: list[str] = []
    step = raw["Step"].to_numpy()
    time_s = neware_test_time(raw["Time"].to_numpy(dtype=float), step, notes)
    # NewareNDA's current is signed already (negative on discharge)
    current = raw["Current(mA)"].to_numpy(dtype=float) * 1e-3
    capacity = neware_net_charge(
        time_s,
        current,
        raw["Charge_Capacity(mAh)"].to_numpy(dtype=float) * 1e-3,
        raw["Discharge_Capacity(mAh)"].to_numpy(dtype=float) * 1e-3,
        step,
        notes,
    )
    frame = pd.DataFrame(
        {
            TIME: time_s,
            VOLTAGE: raw["Voltage"].to_numpy(dtype=float),
            CURRENT: current,
            CAPACITY: capacity,
            CYCLE: raw["Cycle"].to_numpy(),
            STEP: step,
        }
    )
    metadata: dict[str, Any] = {"instrument": "Neware BTS", "reader": "NewareNDA.read"}
    try:
        meta = NewareNDA.read_metadata(str(path))
        metadata.update({str(k): str(v) for k, v in dict(meta).items()})
    except Exception:  # metadata are optional; the data were read
        pass
    if "Timestamp" in raw:
        metadata["start"] = str(raw["Timestamp"].iloc[0])
        _check_wall_clock(wall_clock(raw["Timestamp"]), time_s, notes)
    table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2, notes=notes)
    return Measurement(table, "timeseries", "neware", path, area_m2, metadata, notes)


def neware_test_time(step_time_s: np.ndarray, step: np.ndarray, notes: list[str]) -> np.ndarray:
    """Test time in s from Neware's ``Time``, deciding from the data how it counts.

    Neware's ``Time`` restarts at zero in every step in most files and runs on across steps in
    others (the same NewareNDA column). At the step changes, a time that falls back means it
    restarts: the earlier steps' durations are added (:func:`cumulative_from_counter`). A time that
    goes on rising is already the test time and is kept. The decision (by the majority of the step
    changes where the time moves: one where it stays equal decides nothing) is written to
    ``notes``.

    Parameters
    ----------
    step_time_s : numpy.ndarray of float
        Neware's ``Time`` column [s].
    step : numpy.ndarray
        Step index of each row [-].
    notes : list of str
        Receives the decision (appended to in place).

    Returns
    -------
    numpy.ndarray of float
        Test time [s].
    """
    t = np.asarray(step_time_s, dtype=float)
    seg = np.asarray(step)
    changes = np.flatnonzero(seg[1:] != seg[:-1]) + 1
    if changes.size == 0:
        notes.append("one step only: Neware's Time is the test time.")
        return t.copy()
    falls = int(np.sum(t[changes] < t[changes - 1]))
    # a time equal across a step change decides nothing: the last record of a step and the
    # first of the next often share their stamp, and a one-record step that restarts at 0 is
    # followed by another 0; the changes where the time moves decide, by majority
    rises = int(np.sum(t[changes] > t[changes - 1]))
    if falls > rises:
        notes.append(
            f"Neware's Time restarts in each step ({falls} of {changes.size} step changes): test "
            "time = step time + the durations of the earlier steps."
        )
        return cumulative_from_counter(t, seg)
    notes.append(
        f"Neware's Time runs on across steps (falls back at {falls} of {changes.size} step "
        "changes): taken as the test time, nothing added."
    )
    return t.copy()


def neware_net_charge(
    time_s: np.ndarray,
    current_A: np.ndarray,
    charge_Ah: np.ndarray,
    discharge_Ah: np.ndarray,
    step: np.ndarray,
    notes: list[str],
) -> np.ndarray:
    """Running net charge in A.h from Neware's per-step charge and discharge counters.

    The counters' magnitudes are used (charge +, discharge -), because NewareNDA reports a negative
    ``Discharge_Capacity`` in pulse steps, which would count a discharge as charge. A step whose
    counted charge still has the opposite sign of its ``integral of I dt`` takes the sign of the
    current. Where the result and the integral of the current differ by more than
    :data:`COUNTER_MISMATCH_REL` of the largest charge, ``notes`` says so.

    Parameters
    ----------
    time_s : numpy.ndarray of float
        Test time [s].
    current_A : numpy.ndarray of float
        Current [A], positive on charge.
    charge_Ah, discharge_Ah : numpy.ndarray of float
        Neware's per-step charge and discharge counters [A h].
    step : numpy.ndarray
        Step index of each row [-].
    notes : list of str
        Receives what was corrected or found (appended to in place).

    Returns
    -------
    numpy.ndarray of float
        Running net charge [A h].
    """
    counter = np.abs(np.nan_to_num(charge_Ah)) - np.abs(np.nan_to_num(discharge_Ah))
    seg = np.asarray(step)
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    ends = np.r_[starts[1:] - 1, seg.size - 1]
    integral = integrate_current(time_s, current_A)
    before = np.maximum(starts - 1, 0)
    step_integral = integral[ends] - integral[before]
    step_counter = counter[ends]
    scale = max(float(np.max(np.abs(integral))), float(np.max(np.abs(counter))), 1e-30)
    flip = (np.sign(step_counter) * np.sign(step_integral) < 0) & (
        np.abs(step_integral) > 1e-3 * scale
    )
    if flip.any():
        lengths = ends - starts + 1
        factor = np.repeat(np.where(flip, -1.0, 1.0), lengths)
        counter = counter * factor
        notes.append(
            f"{int(flip.sum())} step(s) counted charge against the sign of their current; the "
            "net capacity takes the sign of the current there."
        )
    magnitude = np.abs(np.nan_to_num(charge_Ah)) + np.abs(np.nan_to_num(discharge_Ah))
    net = accumulate_counter(counter, seg, magnitude)
    deviation = float(np.max(np.abs(net - integral))) / scale if net.size else 0.0
    if deviation > COUNTER_MISMATCH_REL:
        notes.append(
            f"the instrument's capacity counter and the integral of the current differ by up to "
            f"{100 * deviation:.1f} % of the largest charge (> {100 * COUNTER_MISMATCH_REL:g} %); "
            "the counter is used. Check the current and capacity columns."
        )
    return net


def _check_wall_clock(wall: pd.Series, time_s: np.ndarray, notes: list[str]) -> None:
    """Note when the test time and the wall clock disagree by more than 2 % (pauses aside)."""
    ok = wall.notna().to_numpy()
    if ok.sum() < 2:
        return
    w = wall[ok]
    elapsed = (w.iloc[-1] - w.iloc[0]).total_seconds()
    span = float(time_s[ok][-1] - time_s[ok][0])
    if elapsed > 0 and span > 0 and abs(span / elapsed - 1) > COUNTER_MISMATCH_REL:
        notes.append(
            f"the test time spans {span / 3600:.4g} h but the wall clock {elapsed / 3600:.4g} h "
            "(a paused test, or a time column counted differently); the test time is used."
        )


def is_ndax(path: Path) -> bool:
    """True for a ZIP container holding Neware's ``data.ndc``."""
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.lower().endswith("data.ndc") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


# Neware BTS exports: header names of the record table (BTS 7.x CSV "Record ID ...", BTS 8
# "DataPoint ...", BTS 7.x .xls/.xlsx detail sheets "Record Index ... Cur(mA) ... CapaCity(mAh)"),
# compared without their units, case and spaces (neware_columns): one name stands for all units
_NEWARE_CSV: dict[str, tuple[str, ...]] = {
    "record": ("Record ID", "DataPoint", "Record Index"),
    "step": ("Step ID", "Step Index", "Steps", "Step"),
    "cycle": ("Cycle ID", "Cycle Index", "Cycle"),
    "total_time": ("Total Time", "Total Time(h:min:s.ms)", "Test Time"),
    # "Relative Time(...)": BTS 7.x detail sheets "Relative Time(h:min:s.ms)", and REPOWER's
    # record export (a Neware-like table: "Cycle ID, Step ID, Record ID, Step State, ..., System
    # Time, Relative Time(Sec)", ionworks/ionworksdata's test file) "Relative Time(Hour)" too
    "step_time": (
        "Time(h:min:s.ms)",
        "Time",
        "Step Time",
        "Step Time(h:min:s.ms)",
        "Relative Time(h:min:s.ms)",
    ),
    "current": ("Current(mA)", "Cur(mA)"),
    "voltage": ("Voltage(V)",),
    # BTS 7.x Excel-style names spell the counters out ("Chg. Capacity(mAh)")
    "charge": ("Capacitance_Chg(mAh)", "Chg. Cap.(mAh)", "Cap_Chg(mAh)", "Chg. Capacity(mAh)"),
    "discharge": (
        "Capacitance_DChg(mAh)",
        "DChg. Cap.(mAh)",
        "Cap_DChg(mAh)",
        "DChg. Capacity(mAh)",
    ),
    # one per-step counter, unsigned, beside a step type (BTS 8 record sheets, BTS 7 details)
    "capacity": ("Capacity(mAh)",),
    "step_type": ("Step Type", "Status"),
    "wall": ("Realtime", "Date", "Absolute Time", "System Time"),
}


#: Time unit words as record tables write them -> units the unit registry reads.
_TIME_WORDS = {"sec": "s", "hour": "h", "hours": "h", "hr": "h", "min": "min"}


def looks_like_neware_csv(lines: list[str]) -> bool:
    """True for a Neware BTS CSV export (record table or multi-level sheet)."""
    cells = {c.strip().strip('"') for line in lines[:5] for c in line.rstrip("\r\n").split(",")}
    # BTS's own step and cycle names only: a table of "Record ID, Cycle, Step, Time [s] ..." is
    # an ordinary CSV
    return (
        bool(cells & set(_NEWARE_CSV["record"]))
        and bool(cells & {"Step ID", "Step Index"})
        and bool(cells & {"Cycle ID", "Cycle Index"})
    )


def _neware_key(name: str) -> str:
    """A header's name with its unit as ``()``, lower case and without spaces.

    BTS versions, languages of the client and hand-edited exports differ in exactly these:
    ``Cur (mA)`` beside ``Cur(mA)``, ``Cur(A)`` beside ``Cur(mA)``, ``CapaCity(mAh)`` beside
    ``Capacity(mAh)``, ``Relative Time (h:min:s.ms)``; the unit is read from the header itself.
    A name listed with a unit needs one: a bare ``Current`` could be in A or mA.
    """
    stem, unit = split_header(name)
    return re.sub(r"\s+", "", stem).lower() + ("()" if unit else "")


def neware_columns(header: list[str]) -> dict[str, str | None]:
    """Role -> column of a Neware record table (None where the table has no such column).

    Names are compared without units, case and spaces (:func:`_neware_key`); the first name of
    a role that the header holds wins, as the order of :data:`_NEWARE_CSV` says.
    """
    keyed: dict[str, str] = {}
    for col in header:
        keyed.setdefault(_neware_key(col), col)
    return {
        role: next((keyed[k] for k in map(_neware_key, names) if k in keyed), None)
        for role, names in _NEWARE_CSV.items()
    }


def neware_missing(cols: dict[str, str | None]) -> list[str]:
    """The roles a Neware record table lacks to give a time series (empty when it has them).

    Without a step index the steps are told apart by the step type (a BTS 8 record sheet has
    no step column); without either, only a total-time column gives the time.
    """
    missing = [k for k in ("voltage", "current") if cols[k] is None]
    if cols["total_time"] is None and cols["step_time"] is None:
        missing.insert(0, "time")
    elif cols["step"] is None and cols["step_type"] is None and cols["total_time"] is None:
        missing.append("step")
    return missing


def _neware_records(path: Path, progress: Progress | None) -> tuple[pd.DataFrame, bool]:
    """The record rows of a Neware CSV; multi-level sheets get their cycle and step ids."""
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        head = [fh.readline() for _ in range(3)]
    first = [c.strip() for c in head[0].split(",")]
    if first and first[0] and not (set(first) & set(_NEWARE_CSV["record"])):
        # Multi-level: cycle rows start in column 1, step rows in column 2, record rows in 3.
        import csv

        level_headers: dict[int, list[str]] = {}
        records, cycle_id, step_id = [], None, None
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            for row in csv.reader(fh):
                if not any(c.strip() for c in row):
                    continue
                level = next(k for k, c in enumerate(row) if c.strip())
                cells = [c.strip() for c in row[level:]]
                if level not in level_headers:
                    level_headers[level] = cells
                    continue
                if cells == level_headers[level]:
                    continue  # a repeated header
                if level == 0:
                    cycle_id = cells[0]
                    # BTSDA writes a cycle's first step on the cycle's own line, after the
                    # cycle fields: without this, that step's records have no step id
                    n_cycle = len(level_headers[0])
                    if 1 in level_headers and len(cells) > n_cycle and cells[n_cycle]:
                        step_id = cells[n_cycle]
                elif level == 1:
                    step_id = cells[0]
                else:
                    records.append([cycle_id, step_id, *cells])
        if len(level_headers) < 3 or not records:
            raise DataFormatError(
                f"{path}: a Neware multi-level export without record rows (levels found: "
                f"{len(level_headers)}). Export the record layer, or all three layers."
            )
        names = ["Cycle ID", "Step ID", *level_headers[max(level_headers)]]
        width = len(names)
        rows = [r[:width] + [None] * (width - len(r)) for r in records]
        frame = pd.DataFrame(rows, columns=names)
        frame = frame.loc[:, ~frame.columns.duplicated(keep="last")]
        return frame, True
    frame = read_delimited(path, sep=",", skiprows=0, encoding="utf-8-sig", progress=progress)
    return frame, False


@fill_doc
def read_neware_csv(
    path: Path, *, area_m2: float | None = None, progress: Progress | None = None
) -> Measurement:
    """Read a Neware BTS CSV export: the record table, or the multi-level sheet (cycle, step and
    record rows in one file). Times may be ``hh:mm:ss`` text.

    %(Parameters: file, area_m2, file_progress)s

    %(Returns: measurement)s

    Raises
    ------
    DataFormatError
        No record table, or a needed column (time, voltage, current) missing.
    """
    path = check_file(path, "a Neware BTS CSV export")
    raw, multi = _neware_records(path, progress)
    notes: list[str] = []
    if multi:
        notes.append(
            "Neware multi-level export: record rows read, cycle and step ids from the "
            "cycle and step rows above them."
        )
    frame, metadata = neware_frame(raw, path, notes)
    # REPOWER's record CSV has Neware's ids but its own names beside them
    repower = {"Work Step No", "Global Soc(%)"} <= {str(c).strip() for c in raw.columns}
    instrument = "REPOWER (record CSV)" if repower else "Neware BTS (CSV export)"
    metadata.update({"instrument": instrument, "multi-level": multi})
    table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2, notes=notes)
    return Measurement(table, "timeseries", "neware-csv", path, area_m2, metadata, notes)


def neware_frame(
    raw: pd.DataFrame, path: Path | str, notes: list[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The tidy table (not yet checked) of a Neware record table, from a CSV or a workbook sheet.

    Times may be ``h:min:s.ms`` text (:func:`parse_durations`); a step time that restarts in
    every step gets the earlier steps' durations added (:func:`neware_test_time`). Units come
    from the headers (mA, mAh). The net charge comes from the charge and discharge counters
    (:func:`neware_net_charge`), or from the one per-step ``Capacity`` counter signed by the
    current. A current written unsigned beside a step type (``CC_Chg``, ``CC_DChg``, ``Rest``)
    takes its sign from it (charge positive, as the io package counts it).

    Parameters
    ----------
    raw : pandas.DataFrame
        The record table as read, the instrument's column names and units.
    path : pathlib.Path or str
        The file, for messages.
    notes : list of str
        Receives what was decided (appended to in place).

    Returns
    -------
    (pandas.DataFrame, dict)
        The table with the standard column names (SI), and metadata (the start date).

    Raises
    ------
    DataFormatError
        A needed column (time, voltage, current) is missing.
    """
    raw.columns = [str(c).strip() for c in raw.columns]
    cols = neware_columns(list(raw.columns))
    missing = neware_missing(cols)
    if missing:
        raise DataFormatError(
            f"{path}: Neware record table without the {', '.join(missing)} column(s) (looked for "
            + "; ".join(
                f"{m}: {', '.join(_NEWARE_CSV.get(m, ('Total Time', 'Time')))}" for m in missing
            )
            + f"; found {', '.join(map(str, raw.columns[:20]))}; names compare without case "
            "and spaces, with any unit in parentheses where one is shown). Export the record "
            "layer with its default columns, or read it as format='csv' with a column mapping."
        )

    def values(key: str, si: str) -> np.ndarray:
        col = cols[key]
        unit = split_header(col)[1]
        if unit and ":" in unit:
            unit = None
        # REPOWER capitalises its time units ("Relative Time(Sec)", "Relative Time(Hour)")
        unit = _TIME_WORDS.get(unit.lower(), unit) if unit else unit
        series = raw[col]
        seconds = parse_durations(series) if si == "s" else None
        if seconds is not None:
            return seconds
        v = _numbers(series)
        return v * unit_factor(unit, si, what=f"{key} column {col!r}", path=path)

    if cols["record"] is not None:
        # REPOWER writes a summary line at the head of each step ("1 : 1 Still(1--6001): 0.000Ah
        # [0.000Wh]" in the first cell, the others empty): no record id and no voltage
        record = pd.to_numeric(raw[cols["record"]], errors="coerce")
        volts = pd.to_numeric(raw[cols["voltage"]], errors="coerce")
        lines = record.isna() & volts.isna()
        if lines.any():
            first = str(raw.iloc[int(np.flatnonzero(lines)[0]), 0]).strip()
            notes.append(
                f"{int(lines.sum())} line(s) without a record id or a voltage (step summaries "
                f"such as {first[:60]!r}) skipped."
            )
            raw = raw.loc[~lines].reset_index(drop=True)
    if cols["step"] is not None:
        step = pd.to_numeric(raw[cols["step"]], errors="coerce").to_numpy()
    elif cols["step_type"] is not None:
        kind = raw[cols["step_type"]].astype(str).to_numpy()
        step = np.cumsum(np.r_[True, kind[1:] != kind[:-1]])
        notes.append(
            f"no step index: a new step wherever the step type {cols['step_type']!r} changes."
        )
    else:
        step = np.ones(len(raw), dtype=np.int64)
    if cols["total_time"] is not None:
        time_s = values("total_time", "s")
    else:
        time_s = neware_test_time(values("step_time", "s"), step, notes)
    current = values("current", "A")
    current = current * _current_sign(raw, current, notes)
    frame = pd.DataFrame({TIME: time_s, VOLTAGE: values("voltage", "V"), CURRENT: current})
    if cols["charge"] is not None and cols["discharge"] is not None:
        frame[CAPACITY] = neware_net_charge(
            time_s, current, values("charge", "A*h"), values("discharge", "A*h"), step, notes
        )
    elif cols["capacity"] is not None:
        counted = np.abs(values("capacity", "A*h"))
        frame[CAPACITY] = neware_net_charge(
            time_s,
            current,
            np.where(current > 0, counted, 0.0),
            np.where(current < 0, counted, 0.0),
            step,
            notes,
        )
    if cols["cycle"] is not None:
        frame[CYCLE] = pd.to_numeric(raw[cols["cycle"]], errors="coerce").to_numpy()
    frame[STEP] = step
    metadata: dict[str, Any] = {}
    if cols["wall"] is not None:
        wall = wall_clock(raw[cols["wall"]])
        if wall.notna().any():
            metadata["start"] = str(wall[wall.notna()].iloc[0])
            _check_wall_clock(wall, time_s, notes)
    return frame, metadata


# --------------------------------------------------------------------------------------------
# Arbin
# --------------------------------------------------------------------------------------------
#: Arbin export column -> tidy quantity (MITS Pro / MITS 7 exports).
ARBIN_COLUMNS = {
    "Test_Time(s)": "time",
    "Voltage(V)": "voltage",
    "Current(A)": "current",
    "Cycle_Index": "cycle",
    "Step_Index": "step",
    "Charge_Capacity(Ah)": "charge",
    "Discharge_Capacity(Ah)": "discharge",
}


#: Arbin's raw channel table (the ``Channel_Normal_Table`` of a MITS Pro ``.res`` database, as
#: TRI-AMDD/beep's ``arbin_conversion.yaml`` and cellpy's ``arbin_res`` loader name its columns,
#: and the CSV that beep's test file ``2017-05-09_test-TC-contact_CH33.csv`` holds): the same
#: quantities without units in the names, stored in Arbin's base units (s, A, V, A.h, W.h).
ARBIN_RAW_COLUMNS = {
    "Test_Time": "time",
    "Voltage": "voltage",
    "Current": "current",
    "Cycle_Index": "cycle",
    "Step_Index": "step",
    "Charge_Capacity": "charge",
    "Discharge_Capacity": "discharge",
}
# Names only Arbin's raw table has beside those (one of them makes a unitless header Arbin's)
_ARBIN_RAW_MARKS = {"Data_Point", "Step_Index", "Cycle_Index", "Charge_Capacity"}


def _arbin_raw_layout(names: list[str]) -> bool:
    """True for the header of Arbin's raw channel table (names without units)."""
    cells = {str(c).strip() for c in names}
    return {"Test_Time", "Voltage", "Current"} <= cells and bool(cells & _ARBIN_RAW_MARKS)


def _arbin_columns(raw: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """Quantity -> column of Arbin's own names in ``raw``, and the missing time, voltage and
    current names."""
    if _arbin_raw_layout(list(raw.columns)):
        names = {str(c).strip() for c in raw.columns}
        need = {key: col for col, key in ARBIN_RAW_COLUMNS.items() if col in names}
        return need, []
    # Newer exports write "Test Time (s)", "Voltage (V)" ...: compare without spaces.
    squeeze = {
        re.sub(r"\s+", "", str(c).strip()).replace("Test_Time", "TestTime"): str(c).strip()
        for c in raw.columns
    }
    need = {}
    for col, key in ARBIN_COLUMNS.items():
        norm = col.replace("Test_Time", "TestTime")
        hit = squeeze.get(norm) or squeeze.get(norm.replace("_", ""))
        if hit is not None:
            need[key] = hit
    missing = [
        c for c, k in ARBIN_COLUMNS.items() if k in ("time", "voltage", "current") and k not in need
    ]
    return need, missing


def _arbin_missing(raw: pd.DataFrame) -> bool:
    """True when ``raw`` lacks one of Arbin's time, voltage and current columns (by name and
    unit) but names each quantity with some unit: an Arbin table edited after the export."""
    _, missing = _arbin_columns(raw)
    if not missing:
        return False
    stems = {re.sub(r"[\s_]+", "", split_header(str(c))[0]).lower() for c in raw.columns}
    return {"testtime", "voltage", "current"} <= stems


def _arbin_capacity_column(raw: pd.DataFrame) -> str | None:
    """The column ``Capacity(Ah)`` / ``Capacity (Ah)`` (Arbin's name for one capacity counter)
    of ``raw``, or None."""
    return next((str(c) for c in raw.columns if re.sub(r"\s+", "", str(c)) == "Capacity(Ah)"), None)


def _arbin_frame(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    raw = raw.rename(columns=lambda c: str(c).strip())
    need, missing = _arbin_columns(raw)
    # Arbin's StatisticByCycle sheet, saved as CSV, has Test_Time(s), Voltage(V) and
    # Current(A) at each cycle's end: one row per cycle, not a record
    refuse_summary(raw, need, path, complete=not missing)
    if missing:
        raise DataFormatError(
            f"{path}: Arbin export without {', '.join(missing)} (columns: "
            f"{', '.join(map(str, raw.columns[:15]))}). Export the channel sheet with the "
            "default columns, or read the file as format='csv' with a column mapping."
        )
    frame = pd.DataFrame(
        {
            TIME: _numbers(raw[need["time"]]),
            VOLTAGE: _numbers(raw[need["voltage"]]),
            CURRENT: _numbers(raw[need["current"]]),
        }
    )
    if "charge" in need and "discharge" in need:
        charge = np.nan_to_num(_numbers(raw[need["charge"]]))
        discharge = np.nan_to_num(_numbers(raw[need["discharge"]]))
        cycle = _numbers(raw[need["cycle"]]) if "cycle" in need else np.zeros(len(raw))
        # an index left empty (beep's raw Arbin CSV has no cycle or step index in its first
        # rows) is no new cycle on every row: NaN != NaN restarted the counter at each row and
        # summed its values
        cycle = pd.Series(cycle).ffill().fillna(-1.0).to_numpy()
        # Arbin counts per cycle; a counter that drops inside a cycle (a resumed test) restarts
        # there too.
        restart = np.r_[True, cycle[1:] != cycle[:-1]]
        restart[1:] |= (np.diff(charge) < 0) | (np.diff(discharge) < 0)
        frame[CAPACITY] = cumulative_from_counter(charge - discharge, np.cumsum(restart))
    elif (capacity := _arbin_capacity_column(raw)) is not None:
        # one "Capacity (Ah)" column without the pair of counters (a table trimmed after the
        # export, or another instrument's table with Arbin's names): dropping it made the
        # current's integral the capacity, far off on sparse records; finish_table decides
        # what it counts (net charge, per step, nothing)
        frame[CAPACITY] = _numbers(raw[capacity])
    if "cycle" in need:
        frame[CYCLE] = raw[need["cycle"]].to_numpy()
    if "step" in need:
        frame[STEP] = raw[need["step"]].to_numpy()
    return frame


@fill_doc
def read_arbin(
    path: Path, *, area_m2: float | None = None, progress: Progress | None = None
) -> Measurement:
    """Read an Arbin export: ``.xlsx``/``.xls`` workbook (every ``Channel*`` sheet, in order) or
    ``.csv``.

    A workbook is opened by :func:`solidna.analysis.io.workbook.read_workbook`, which finds the
    header row of each sheet and refuses a workbook without a ``Channel*`` sheet here (read a
    workbook of another cycler with ``format="workbook"``).

    %(Parameters: file, area_m2, file_progress)s

    %(Returns: measurement)s

    Raises
    ------
    DataFormatError
        No channel sheet, missing columns, unreadable, encrypted or empty workbook.
    """
    path = check_file(path, "an Arbin export (.xlsx or .csv)")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from solidna.analysis.io.workbook import read_workbook

        return read_workbook(path, area_m2=area_m2, progress=progress, arbin=True)
    # A CSV re-saved from Excel in a European locale is separated by semicolons with decimal
    # commas, and Excel's "Unicode text" by tabs: the delimiter and decimal mark are sniffed, as
    # for any text table (the header is the first line, as detect_format found it)
    with open(path, "rb") as fh:
        encoding = text_encoding(fh.read(1 << 16), "cp1252")
    sep, _, decimal = _sniff(path, encoding)
    raw = read_delimited(
        path, sep=sep, skiprows=0, decimal=decimal, encoding=encoding, progress=progress
    )
    notes: list[str] = []
    raw = _without_digit_groups(raw, decimal, notes)
    if _arbin_missing(raw):
        # Arbin's names with other units ("Current(mA)", "Voltage(mV)", a table edited after
        # the export): the generic column logic converts the units its headers name, on the
        # table already read (the file was read a second time by the generic reader before)
        raw.columns = [str(c).strip() for c in raw.columns]
        m = table_measurement(
            raw,
            path,
            area_m2=area_m2,
            notes=notes,
            format="arbin",
            metadata={"instrument": "Arbin"},
        )
        m.notes.append(
            "Arbin column names with other units than Arbin's own: read as a generic table, "
            "in the units the headers name."
        )
        return m
    return arbin_measurement(raw, path, area_m2=area_m2, notes=notes)


def arbin_measurement(
    raw: pd.DataFrame,
    path: Path,
    *,
    area_m2: float | None = None,
    metadata: dict[str, Any] | None = None,
    notes: list[str] | None = None,
) -> Measurement:
    """The measurement of an Arbin channel table (a CSV's, or the channel sheets of a workbook).

    Parameters
    ----------
    raw : pandas.DataFrame
        The channel table, Arbin's column names (``Test_Time(s)``, ``Voltage(V)`` ...).
    path : pathlib.Path
        The file, for messages and the measurement's source.
    area_m2 : float, optional
        Electrode area [m2].
    metadata, notes : optional
        What the caller found so far (the sheets read); extended here.

    Returns
    -------
    Measurement
        Format ``"arbin"``.
    """
    frame = _arbin_frame(raw, path)
    notes = list(notes or [])
    if _arbin_raw_layout(list(raw.columns)):
        used = [c for c in ARBIN_RAW_COLUMNS if c in {str(n).strip() for n in raw.columns}]
        notes.append(
            "Arbin's raw channel table (column names without units: "
            + ", ".join(used)
            + "): read in Arbin's units, time in s, current in A, voltage in V, capacities in "
            "A.h (the units of MITS Pro's Channel_Normal_Table)."
        )
    stripped = raw.rename(columns=lambda c: str(c).strip())
    need, _ = _arbin_columns(stripped)
    if CAPACITY in frame and "charge" in need and "discharge" in need:
        notes.append("net capacity from Arbin's per-cycle charge and discharge capacities.")
    elif CAPACITY in frame:
        notes.append(
            f"no charge and discharge capacity counters: the capacity from the column "
            f"{_arbin_capacity_column(raw)!r}, checked against the current as any capacity "
            "column."
        )
    used = {
        key: (need[key], split_header(need[key])[1])
        for key in ("voltage", "current")
        if key in need
    }
    note_scaled_rivals(stripped, used, path, notes)
    metadata = {"instrument": "Arbin", **(metadata or {})}
    table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2, notes=notes)
    return Measurement(table, "timeseries", "arbin", path, area_m2, metadata, notes)


def looks_like_arbin_header(line: str) -> bool:
    """True for the first line of an Arbin CSV export."""
    squeezed = re.sub(r"\s+", "", line)
    if "Test_Time(s)" in squeezed or ("TestTime(s)" in squeezed and "Current(A)" in squeezed):
        return True
    # the raw channel table without units (ARBIN_RAW_COLUMNS), in any of the delimiters a CSV
    # may have
    text = line.lstrip("\ufeff").rstrip("\r\n")
    return any(
        _arbin_raw_layout([c.strip().strip('"') for c in text.split(sep)])
        for sep in (",", ";", "\t")
    )


# --------------------------------------------------------------------------------------------
# Maccor
# --------------------------------------------------------------------------------------------
# Column names of the two common Maccor text layouts (classic export / MIMS client).
_MACCOR = {
    "time": ("TestTime", "Test Time"),
    "voltage": ("Voltage [V]", "Volts", "Voltage", "mVolts"),
    "current": ("Current [A]", "Amps", "Current", "mAmps"),
    "capacity": ("Cap. [Ah]", "Amp-hr", "Capacity", "mAmp-hr"),
    "energy": ("Ener. [Wh]", "Watt-hr", "mWatt-hr", "Energy"),
    "mode": ("Md", "State"),
    "cycle": ("Cycle C", "Cyc#", "Cycle"),
    "step": ("Step",),
    "wall": ("DPT Time", "DPt Time"),
}
# MIMS exports name the test time with its unit: "Test (Sec)", "Test (Min)", "Test (Hr)"; the
# Maccor export of BatteryArchive's example "Test Time (sec)"
_MACCOR_TEST_TIME = re.compile(r"^Test(?:\s*Time)?\s*\((?P<unit>[A-Za-z]+)\)$")
_MACCOR_TIME_WORDS = {"sec": "s", "s": "s", "min": "min", "hr": "h", "hrs": "h", "h": "h"}
# Header keys kept as metadata; those of the MIMS first line may follow a space, not a tab
_MACCOR_METADATA = ("Name", "Channel", "Tester", "Tester Channel", "Procedure", "Started")
_MACCOR_METADATA += ("Date of Test", "Filename", "Comment/Barcode")
_MACCOR_INLINE_KEY = re.compile(r"\s*\b(Date of Test|Filename|Procedure|Comment/Barcode):[ \t]*")
# Maccor's unit words -> pint units (the bracketed headers are read by split_header)
_MACCOR_UNITS = {
    "Volts": "V",
    "mVolts": "mV",
    "Amps": "A",
    "mAmps": "mA",
    "Amp-hr": "A*h",
    "mAmp-hr": "mA*h",
    "Watt-hr": "W*h",
    "mWatt-hr": "mW*h",
    "Voltage": "V",
    "Current": "A",
    "Capacity": "A*h",
    "Energy": "W*h",
}


# Maccor's units in parentheses ("Capacity (AHr)", "Energy (WHr)": the CSV export, as
# ionworks/ionworksdata's Maccor reader lists its names)
_MACCOR_UNIT_WORDS = {"ahr": "A*h", "mahr": "mA*h", "whr": "W*h", "mwhr": "mW*h"}


def _maccor_unit(column: str) -> str:
    # a unit word, else a bracketed unit ("Ah", "Wh" are in the unit registry), else none
    unit = split_header(column)[1] or ""
    return _MACCOR_UNITS.get(column) or _MACCOR_UNIT_WORDS.get(unit.lower(), unit)


def _maccor_stem_match(columns: list[str], names: tuple[str, ...]) -> str | None:
    """The first of ``columns`` whose name without its unit ("Voltage (V)" -> "Voltage") is one
    of ``names``, for the exports that write the unit beside the name."""
    stems = {n.lower() for n in names}
    return next(
        (c for c in columns if split_header(c)[1] and split_header(c)[0].lower() in stems), None
    )


def _maccor_delimiter(line: str) -> str | None:
    """The delimiter of a Maccor column-header line (``Rec ... Md``), or None for another line.

    Maccor writes tabs; the export opened in Excel and saved again has commas, or semicolons
    in a locale with decimal commas.
    """
    for sep in ("\t", ",", ";"):
        # case as written varies by Maccor version and template ("Md", "MD")
        cells = [c.strip().lower() for c in line.rstrip("\r\n").split(sep)]
        if (
            len(cells) > 2
            and cells[0] in ("rec", "rec#")
            and any(c in cells for c in ("md", "state"))
        ):
            return sep
    return None


def maccor_header_line(lines: list[str]) -> int | None:
    """Index of the column-header line of a Maccor text export, or None."""
    return next((k for k, line in enumerate(lines) if _maccor_delimiter(line)), None)


@fill_doc
def read_maccor(
    path: Path, *, area_m2: float | None = None, progress: Progress | None = None
) -> Measurement:
    """Read a Maccor tab-separated text export (also re-saved by Excel with "," or ";").

    %(Parameters: file, area_m2, file_progress)s

    %(Returns: measurement)s

    Raises
    ------
    DataFormatError
        No ``Rec ... Md`` header line, missing columns, bad data rows.
    """
    path = check_file(path, "a Maccor tab-separated text export")
    with open(path, encoding="latin-1", errors="replace") as fh:
        head = [fh.readline() for _ in range(40)]
    k = maccor_header_line(head)
    if k is None:
        raise DataFormatError(
            f"{path}: no Maccor column header (a line starting 'Rec' with a 'Md' column) in the "
            "first 40 lines. Read it as format='csv' with a column mapping."
        )
    metadata: dict[str, Any] = {"instrument": "Maccor"}
    notes: list[str] = []
    sep = _maccor_delimiter(head[k]) or "\t"
    decimal = "."
    if sep != ",":
        # re-saved with ";" in a locale with decimal commas: the rows below the header decide
        decimal = _decimal_mark([c for line in head[k + 1 :] for c in line.strip().split(sep)])
    for line in head[:k]:
        # "key:<tab>value" pairs, one or several to a line ("Procedure:\tX.000\tDescription:\t");
        # MIMS writes some keys after a space, their value after a space too ("...\\x.001
        # Procedure: y.000\tComment/Barcode: z"): cut there first
        text = _MACCOR_INLINE_KEY.sub(lambda m: f"\t{m.group(1)}:\t", line.rstrip("\r\n"))
        cells = [c.strip() for c in re.split(f"\t|{re.escape(sep)}", text)]
        j = 0
        while j < len(cells) - 1:
            key = cells[j].rstrip(":").strip()
            if key in _MACCOR_METADATA and cells[j + 1]:
                metadata[key] = re.sub(r"[^\x20-\x7e]", "", cells[j + 1]).strip()
                j += 2
            else:
                j += 1
    raw = read_delimited(
        path, sep=sep, skiprows=k, decimal=decimal, encoding="latin-1", progress=progress
    )
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = _without_digit_groups(raw, decimal, notes)
    cols = {}
    lower = {c.lower(): c for c in reversed(raw.columns)}  # the first of a repeated name
    for key, names in _MACCOR.items():
        hit = next((lower[n.lower()] for n in names if n.lower() in lower), None)
        if hit is None and key in ("voltage", "current", "capacity", "energy"):
            hit = _maccor_stem_match(list(raw.columns), names)
        if hit is not None:
            cols[key] = hit
    stated_unit = None
    if "time" not in cols:
        for col in raw.columns:
            m = _MACCOR_TEST_TIME.match(col)
            if m and m.group("unit").lower() in _MACCOR_TIME_WORDS:
                cols["time"], stated_unit = col, _MACCOR_TIME_WORDS[m.group("unit").lower()]
                break
    missing = [key for key in ("time", "voltage", "current", "mode") if key not in cols]
    if missing:
        raise DataFormatError(
            f"{path}: Maccor export without the {', '.join(missing)} column(s) (looked for "
            + "; ".join(f"{m}: {', '.join(_MACCOR[m])}" for m in missing)
            + ("; or Test (Sec|Min|Hr)" if "time" in missing else "")
            + "). Export with the default columns, or read as format='csv' with a mapping."
        )
    raw = raw.dropna(subset=[cols["time"]]).reset_index(drop=True)
    mode = raw[cols["mode"]].astype(str).str.strip().str.upper().str[:1]
    sign = np.select([mode == "C", mode == "D"], [1.0, -1.0], 0.0)
    durations = parse_durations(raw[cols["time"]])
    if durations is not None:
        time_s = durations
        first = str(raw[cols["time"]].dropna().iloc[0]).strip() if len(raw) else ""
        notes.append(
            f"{cols['time']} read as days, hours, minutes and seconds (first cell {first!r})."
        )
    else:
        time_raw = _numbers(raw[cols["time"]])
        time_unit = stated_unit or _maccor_time_unit(raw, cols, time_raw, notes)
        time_s = time_raw * unit_factor(time_unit, "s", what="Maccor test time", path=path)

    def column(key: str, si: str) -> np.ndarray:
        unit = _maccor_unit(cols[key])
        values = _numbers(raw[cols[key]])
        return values * unit_factor(unit, si, what=f"Maccor {key} {cols[key]!r}", path=path)

    current = column("current", "A")
    voltage = column("voltage", "V")
    cap = column("capacity", "A*h") if "capacity" in cols else None
    if cap is not None and "energy" in cols:
        voltage = _maccor_check_voltage(voltage, cap, column("energy", "W*h"), cols, notes)
    frame = pd.DataFrame(
        {
            TIME: time_s,
            VOLTAGE: voltage,
            # unsigned in the file; rests (R) and other modes carry no current
            CURRENT: np.abs(current) * sign,
        }
    )
    if cap is not None:
        keys = [raw[cols[c]].to_numpy() for c in ("step", "cycle") if c in cols] + [mode.to_numpy()]
        change = np.zeros(len(raw), dtype=bool)
        for key in keys:
            change[1:] |= key[1:] != key[:-1]
        segment = np.cumsum(change)
        magnitude = np.abs(np.nan_to_num(cap))
        # Maccor's counter restarts at some step changes and runs on at others (CC -> CV of one
        # charge): decided from the data at each change
        frame[CAPACITY] = accumulate_counter(magnitude * sign, segment, magnitude)
    if "cycle" in cols:
        frame[CYCLE] = pd.to_numeric(raw[cols["cycle"]], errors="coerce").to_numpy()
    if "step" in cols:
        frame[STEP] = pd.to_numeric(raw[cols["step"]], errors="coerce").to_numpy()
    notes.append(f"current signed from the mode column {cols['mode']} (C +, D -, others 0).")
    table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2, notes=notes)
    return Measurement(table, "timeseries", "maccor", path, area_m2, metadata, notes)


def _maccor_check_voltage(
    voltage_V: np.ndarray, cap_Ah: np.ndarray, energy_Wh: np.ndarray, cols: dict, notes: list
) -> np.ndarray:
    """The voltage column in V, checked against energy / capacity (a mean voltage in V).

    Some exports label a column in mV "Volts"; the counters' ratio decides (a factor of 1000 off,
    within a factor of 2, is read as mV and noted).
    """
    ok = np.isfinite(cap_Ah) & np.isfinite(energy_Wh) & (np.abs(cap_Ah) > 0)
    if ok.sum() < 10:
        return voltage_V
    mean_v = np.median(np.abs(energy_Wh[ok]) / np.abs(cap_Ah[ok]))
    column_v = np.median(np.abs(voltage_V[ok]))
    if mean_v > 0 and column_v > 0 and abs(np.log10(column_v / mean_v) - 3) < np.log10(2):
        notes.append(
            f"the voltage column {cols['voltage']!r} holds mV (median {column_v:.4g} against "
            f"{mean_v:.4g} V from energy / capacity): divided by 1000."
        )
        return voltage_V / 1e3
    return voltage_V


def _maccor_time_unit(raw: pd.DataFrame, cols: dict, time_raw: np.ndarray, notes: list) -> str:
    """Minutes (classic export) unless the wall clock says otherwise (the rule of a CSV time
    column without a unit, :func:`~solidna.analysis.io.generic._time_unit_from_wall_clock`)."""
    unit = _time_unit_from_wall_clock(raw, cols["time"], time_raw, notes)
    if unit is not None:
        return unit
    notes.append("TestTime taken in minutes (Maccor's classic export; no wall clock to check).")
    return "min"
