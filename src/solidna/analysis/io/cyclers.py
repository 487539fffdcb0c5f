"""Battery-cycler exports: Neware ``.nda``/``.ndax`` (NewareNDA), Arbin ``.xlsx``/``.csv`` and
Maccor text (own readers).

* **Neware**: NewareNDA (Solid-Energy-Systems) decodes both binary formats. Its ``Time`` is the
  time within the step and its capacities count from zero in every step, so the test time and the
  running net charge are rebuilt here by adding up the steps (:func:`cumulative_from_counter`).
* **Arbin**: the export is an ordinary spreadsheet (or CSV) with fixed column names
  (``Test_Time(s)``, ``Voltage(V)``, ``Current(A)``, ``Charge_Capacity(Ah)``, ...); no dedicated
  reader is needed beyond pandas (openpyxl for ``.xlsx``). cellpy and navani read it too, but
  pull in whole frameworks (navani pins pandas < 3, which this project's environment cannot take).
  Arbin's charge and discharge capacities count from zero in every cycle.
* **Maccor**: the tab-separated text export has no reader outside cellpy/navani (same reasons).
  Its current is unsigned; the mode column ``Md`` (``C`` charge, ``D`` discharge, ``R`` rest) gives
  the sign. ``Cap. [Ah]`` counts from zero in every step. ``TestTime`` is in minutes in the
  classic export; the unit is checked against the wall-clock column ``DPT Time`` when present.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna.analysis.io._table import (
    CAPACITY,
    CURRENT,
    CYCLE,
    STEP,
    TIME,
    VOLTAGE,
    Measurement,
    Progress,
    cumulative_from_counter,
    finish_table,
    one_line,
    unit_factor,
)
from solidna.analysis.io.generic import read_delimited
from solidna.errors import DataFormatError, InvalidOptionError

__all__ = ["read_neware", "read_arbin", "read_maccor", "NEWARE_MAGIC", "ARBIN_COLUMNS"]

NEWARE_MAGIC = b"NEWARE"


# --------------------------------------------------------------------------------------------
# Neware
# --------------------------------------------------------------------------------------------


def read_neware(path: Path, *, area_m2: float | None = None) -> Measurement:
    """Read a Neware ``.nda`` or ``.ndax`` file with NewareNDA.

    Raises
    ------
    DataFormatError
        Not a Neware file, truncated, or a version NewareNDA cannot decode.
    InvalidOptionError
        NewareNDA is not installed.
    """
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
        raise DataFormatError(f"{path}: the Neware file holds no data records.")
    step = raw["Step"].to_numpy()
    step_time = raw["Time"].to_numpy(dtype=float)
    # Test time = step time + the durations of all earlier steps.
    time_s = cumulative_from_counter(step_time, step)
    # NewareNDA's current is signed already (negative on discharge)
    current = raw["Current(mA)"].to_numpy(dtype=float) * 1e-3
    counter_mAh = raw["Charge_Capacity(mAh)"].to_numpy(dtype=float) - raw[
        "Discharge_Capacity(mAh)"
    ].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            TIME: time_s,
            VOLTAGE: raw["Voltage"].to_numpy(dtype=float),
            CURRENT: current,
            CAPACITY: cumulative_from_counter(counter_mAh, step) * 1e-3,
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
    table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2)
    notes = ["test time and net capacity rebuilt from NewareNDA's per-step time and capacities."]
    return Measurement(table, "timeseries", "neware", path, area_m2, metadata, notes)


def is_ndax(path: Path) -> bool:
    """True for a ZIP container holding Neware's ``data.ndc``."""
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.lower().endswith("data.ndc") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


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


def _arbin_frame(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    raw = raw.rename(columns=lambda c: str(c).strip())
    # Newer exports write "Test Time (s)", "Voltage (V)" ...: compare without spaces.
    squeeze = {re.sub(r"\s+", "", c).replace("Test_Time", "TestTime"): c for c in raw.columns}
    need = {}
    for col, key in ARBIN_COLUMNS.items():
        norm = col.replace("Test_Time", "TestTime")
        hit = squeeze.get(norm) or squeeze.get(norm.replace("_", ""))
        if hit is not None:
            need[key] = hit
    missing = [
        c for c, k in ARBIN_COLUMNS.items() if k in ("time", "voltage", "current") and k not in need
    ]
    if missing:
        raise DataFormatError(
            f"{path}: Arbin export without {', '.join(missing)} (columns: "
            f"{', '.join(map(str, raw.columns[:15]))}). Export the channel sheet with the "
            "default columns, or read the file as format='csv' with a column mapping."
        )
    frame = pd.DataFrame(
        {
            TIME: pd.to_numeric(raw[need["time"]], errors="coerce"),
            VOLTAGE: pd.to_numeric(raw[need["voltage"]], errors="coerce"),
            CURRENT: pd.to_numeric(raw[need["current"]], errors="coerce"),
        }
    )
    if "charge" in need and "discharge" in need:
        charge = np.nan_to_num(pd.to_numeric(raw[need["charge"]], errors="coerce").to_numpy(float))
        discharge = np.nan_to_num(
            pd.to_numeric(raw[need["discharge"]], errors="coerce").to_numpy(float)
        )
        cycle = raw[need["cycle"]].to_numpy() if "cycle" in need else np.zeros(len(raw))
        # Arbin counts per cycle; a counter that drops inside a cycle (a resumed test) restarts
        # there too.
        restart = np.r_[True, cycle[1:] != cycle[:-1]]
        restart[1:] |= (np.diff(charge) < 0) | (np.diff(discharge) < 0)
        frame[CAPACITY] = cumulative_from_counter(charge - discharge, np.cumsum(restart))
    if "cycle" in need:
        frame[CYCLE] = raw[need["cycle"]].to_numpy()
    if "step" in need:
        frame[STEP] = raw[need["step"]].to_numpy()
    return frame


def read_arbin(
    path: Path, *, area_m2: float | None = None, progress: Progress | None = None
) -> Measurement:
    """Read an Arbin export: ``.xlsx``/``.xls`` workbook (every ``Channel*`` sheet, in order) or
    ``.csv``.

    Raises
    ------
    DataFormatError
        No channel sheet, missing columns, unreadable workbook.
    """
    metadata: dict[str, Any] = {"instrument": "Arbin"}
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            sheets = pd.read_excel(path, sheet_name=None)
        except ImportError:
            raise InvalidOptionError(
                f"{path}: reading .xlsx needs the package openpyxl (pip install openpyxl); or "
                "export the channel data as CSV."
            ) from None
        except Exception as exc:
            raise DataFormatError(
                f"{path}: cannot open the workbook ({one_line(exc)}); the file is "
                "truncated or not an Excel file."
            ) from None
        channel = [name for name in sheets if str(name).lower().startswith("channel")]
        if not channel:
            raise DataFormatError(
                f"{path}: no 'Channel_...' data sheet in this workbook (sheets: "
                f"{', '.join(map(str, sheets))}). Is it an Arbin export? Otherwise save the "
                "data as CSV and read it with a column mapping."
            )
        metadata["sheets"] = channel
        raw = pd.concat([sheets[name] for name in channel], ignore_index=True)
    else:
        raw = read_delimited(path, sep=",", skiprows=0, progress=progress)
    frame = _arbin_frame(raw, path)
    table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2)
    notes = ["net capacity from Arbin's per-cycle charge and discharge capacities."]
    return Measurement(table, "timeseries", "arbin", path, area_m2, metadata, notes)


def looks_like_arbin_header(line: str) -> bool:
    """True for the first line of an Arbin CSV export."""
    squeezed = re.sub(r"\s+", "", line)
    return "Test_Time(s)" in squeezed or ("TestTime(s)" in squeezed and "Current(A)" in squeezed)


# --------------------------------------------------------------------------------------------
# Maccor
# --------------------------------------------------------------------------------------------
# Column names of the two common Maccor text layouts (classic export / MIMS client).
_MACCOR = {
    "time": ("TestTime", "Test (Sec)", "Test Time"),
    "voltage": ("Voltage [V]", "Volts", "Voltage"),
    "current": ("Current [A]", "Amps", "Current"),
    "capacity": ("Cap. [Ah]", "Amp-hr", "Capacity"),
    "mode": ("Md", "State"),
    "cycle": ("Cycle C", "Cyc#", "Cycle"),
    "step": ("Step",),
    "wall": ("DPT Time", "DPt Time"),
}


def maccor_header_line(lines: list[str]) -> int | None:
    """Index of the column-header line of a Maccor text export, or None."""
    for k, line in enumerate(lines):
        cells = [c.strip() for c in line.rstrip("\r\n").split("\t")]
        if cells and cells[0] in ("Rec", "Rec#") and any(c in cells for c in ("Md", "State")):
            return k
    return None


def read_maccor(
    path: Path, *, area_m2: float | None = None, progress: Progress | None = None
) -> Measurement:
    """Read a Maccor tab-separated text export.

    Raises
    ------
    DataFormatError
        No ``Rec ... Md`` header line, missing columns, bad data rows.
    """
    with open(path, encoding="latin-1", errors="replace") as fh:
        head = [fh.readline() for _ in range(40)]
    k = maccor_header_line(head)
    if k is None:
        raise DataFormatError(
            f"{path}: no Maccor column header (a line starting 'Rec' with a 'Md' column) in the "
            "first 40 lines. Read it as format='csv' with a column mapping."
        )
    metadata: dict[str, Any] = {"instrument": "Maccor"}
    for line in head[:k]:
        key, _, value = line.partition("\t")
        key = key.strip().rstrip(":")
        if key and value.strip() and key in ("Name", "Channel", "Tester", "Procedure", "Started"):
            metadata[key] = re.sub(r"[^\x20-\x7e]", "", value).strip()
    raw = read_delimited(path, sep="\t", skiprows=k, encoding="latin-1", progress=progress)
    raw.columns = [str(c).strip() for c in raw.columns]
    cols = {}
    for key, names in _MACCOR.items():
        hit = next((n for n in names if n in raw.columns), None)
        if hit is not None:
            cols[key] = hit
    missing = [key for key in ("time", "voltage", "current", "mode") if key not in cols]
    if missing:
        raise DataFormatError(
            f"{path}: Maccor export without the {', '.join(missing)} column(s) (looked for "
            + "; ".join(f"{m}: {', '.join(_MACCOR[m])}" for m in missing)
            + "). Export with the default columns, or read as format='csv' with a mapping."
        )
    raw = raw.dropna(subset=[cols["time"]]).reset_index(drop=True)
    mode = raw[cols["mode"]].astype(str).str.strip().str.upper().str[:1]
    sign = np.select([mode == "C", mode == "D"], [1.0, -1.0], 0.0)
    notes: list[str] = []
    time_raw = pd.to_numeric(raw[cols["time"]], errors="coerce").to_numpy(float)
    time_unit = (
        "s" if cols["time"] == "Test (Sec)" else _maccor_time_unit(raw, cols, time_raw, notes)
    )
    time_s = time_raw * unit_factor(time_unit, "s", what="Maccor test time", path=path)
    current = pd.to_numeric(raw[cols["current"]], errors="coerce").to_numpy(float)
    frame = pd.DataFrame(
        {
            TIME: time_s,
            VOLTAGE: pd.to_numeric(raw[cols["voltage"]], errors="coerce").to_numpy(float),
            # unsigned in the file; rests (R) and other modes carry no current
            CURRENT: np.abs(current) * sign,
        }
    )
    if "capacity" in cols:
        cap = pd.to_numeric(raw[cols["capacity"]], errors="coerce").to_numpy(float)
        keys = [raw[cols[c]].to_numpy() for c in ("step", "cycle") if c in cols] + [mode.to_numpy()]
        change = np.zeros(len(raw), dtype=bool)
        for key in keys:
            change[1:] |= key[1:] != key[:-1]
        segment = np.cumsum(change)
        frame[CAPACITY] = cumulative_from_counter(np.nan_to_num(cap) * sign, segment)
    if "cycle" in cols:
        frame[CYCLE] = pd.to_numeric(raw[cols["cycle"]], errors="coerce").to_numpy()
    if "step" in cols:
        frame[STEP] = pd.to_numeric(raw[cols["step"]], errors="coerce").to_numpy()
    notes.append("current signed from the mode column Md (C +, D -, others 0).")
    table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2)
    return Measurement(table, "timeseries", "maccor", path, area_m2, metadata, notes)


def _maccor_time_unit(raw: pd.DataFrame, cols: dict, time_raw: np.ndarray, notes: list) -> str:
    """Minutes (classic export) unless the wall clock says otherwise."""
    if "wall" in cols and time_raw.size > 1 and np.nanmax(time_raw) > 0:
        wall = pd.to_datetime(
            raw[cols["wall"]].astype(str), errors="coerce", format="%m/%d/%Y %I:%M:%S %p"
        )
        if wall.notna().sum() > 1:
            first, last = wall.first_valid_index(), wall.last_valid_index()
            elapsed = (wall[last] - wall[first]).total_seconds()
            span = time_raw[last] - time_raw[first]
            if span > 0 and elapsed > 0:
                ratio = elapsed / span
                best = min(
                    (1.0, "s"),
                    (60.0, "min"),
                    (3600.0, "h"),
                    key=lambda u: abs(np.log(ratio / u[0])),
                )
                notes.append(f"TestTime in {best[1]} (checked against the DPT Time wall clock).")
                return best[1]
    notes.append("TestTime taken in minutes (Maccor's classic export; no wall clock to check).")
    return "min"
