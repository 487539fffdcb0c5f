"""Cycler text exports met in public repositories' test files that solidna refused (session 15).

Every file here is a synthetic twin, written by the test, of one known galvanostatic record: a
rest, a charge at +2 mA for 1 h, a rest and a discharge at -2 mA for 1 h, sampled every 300 s.
Reading it back must give that record: the charge positive, 2 mA.h in at the end of the charge
and nothing left at the end. The layouts (no text copied) are those of:

* Novonix's HPC export as ionworks/ionworksdata's test file ``tests/test_data/novonix.csv``
  has it (MIT licence): ``[Summary]`` ... ``[Protocol]`` ... ``[Data]`` above a header of 15
  names over data rows of 20 fields;
* the same export as TRI-AMDD/beep's test file ``raw/test_Nova_Form-CH01-01_short.csv`` has
  it (Apache-2.0 licence): the header and every data row each wholly in double quotes;
* the Maccor CSV export of ionworks/ionworksdata's ``tests/test_data/maccor_csv.txt`` (MIT):
  ``Capacity (AHr)``, ``Current (A)``, ``Voltage (V)``, ``MD``, the test time written
  ``:0:00:00:05`` (days:hours:minutes:seconds), the current positive on discharge;
* REPOWER's record CSV of ionworks/ionworksdata's ``tests/test_data/repower.csv`` (MIT) and
  its reader ``ionworksdata/read/repower.py``: Neware-like ``Cycle ID, Step ID, Record ID``,
  ``Relative Time(Sec)`` (or ``(Hour)``) restarting in every step, a step summary line
  (``□1 : 1 Still(1--6001): 0.000Ah [0.000Wh]``, GBK) at the head of each step.

Each test of a fix fails on the code before this session (``PYTHONPATH=/tmp/s15/head/src``);
``test_row_names_without_a_header_name_are_not_a_short_header`` guards the new rule for headers
shorter than their rows against a layout it must not read so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import solidna.analysis.io as sio
from solidna.analysis.io._table import parse_durations
from solidna.errors import DataFormatError

I_A = 2e-3  # current of both half cycles [A]
DT_S = 300.0  # sampling interval [s]
HALF_S = 3600.0  # each half cycle [s]
REST_S = 600.0  # each rest [s]
Q_AH = I_A * HALF_S / 3600.0  # charge of each half cycle [A.h]


def _record(first_rest_s: float = REST_S) -> pd.DataFrame:
    """The record: one row at t = 0, then each step sampled every DT_S from DT_S on.

    Columns: test time [s], step time [s], step (1-4), kind (rest/charge/discharge), current
    [A] (charge +), voltage [V], the step's unsigned capacity counter [A.h].
    """
    steps = [
        ("rest", 0.0, first_rest_s),
        ("charge", I_A, HALF_S),
        ("rest", 0.0, REST_S),
        ("discharge", -I_A, HALF_S),
    ]
    rows = [(0.0, 0.0, 1, "rest", 0.0, 3.0, 0.0)]
    start, v_end = 0.0, 3.0
    for number, (kind, current, duration) in enumerate(steps, start=1):
        for tau in np.arange(DT_S, duration + DT_S / 2, DT_S):
            if kind == "charge":
                v = 3.0 + tau / duration
            elif kind == "discharge":
                v = 4.0 - tau / duration
            else:
                v = v_end
            rows.append((start + tau, tau, number, kind, current, v, abs(current) * tau / 3600.0))
        start += duration
        v_end = rows[-1][5]
    return pd.DataFrame(rows, columns=["t", "tau", "step", "kind", "i", "v", "q"]).drop_duplicates(
        "t"
    )


def _check(m: sio.Measurement, rec: pd.DataFrame) -> None:
    """The record read back: times, signed currents, net charge at the end of each half."""
    np.testing.assert_allclose(m.data[sio.TIME], rec["t"], atol=0.01)
    np.testing.assert_allclose(m.data[sio.CURRENT], rec["i"], atol=1e-9)
    np.testing.assert_allclose(m.data[sio.VOLTAGE], rec["v"], atol=1e-5)
    q = m.data[sio.CAPACITY].to_numpy()
    end_of_charge = int(np.flatnonzero(rec["kind"].to_numpy() == "charge")[-1])
    assert q[end_of_charge] == pytest.approx(Q_AH, rel=1e-3)
    assert q[-1] == pytest.approx(0.0, abs=Q_AH * 1e-3)


# ------------------------------------------------------------------------------------------
# Novonix HPC export
# ------------------------------------------------------------------------------------------
_NOVONIX_NAMES = (
    "Date and Time,Cycle Number,Step Type,Run Time (h),Step Time (h),Current (A),"
    "Potential (V),Capacity (Ah),Temperature (°C),Circuit Temperature (°C),Energy (Wh),"
    "dVdt (I/h),dIdt (V/h),Step Number,Step position"
)
# Novonix's step types: 0 open circuit, 1 constant-current charge, 2 constant-current discharge
_NOVONIX_TYPE = {"rest": 0, "charge": 1, "discharge": 2}


def _novonix_lines(rec: pd.DataFrame, *, extra_fields: bool) -> list[str]:
    start = dt.datetime(2023, 6, 14, 17, 22, 45)
    lines = [
        "[Summary]",
        "Novonix HPC data file",
        "Novonix",
        "Channel: 01",
        "Cell: twin.csv",
        "Capacity (Ah): 0.002",
        "Started: 2023-06-14 5:22:45 PM",
        "Version: 2.3.0",
        "[End Summary]",
        "[Protocol]",
        "Protocol: twin.pro1",
        "[0: Open_circuit_storage:]",
        "   [Save data when ΔV > 0.005 V or when Δt > 300 seconds]",
        "[1: Constant_current_charge: 20 C/xx to 4.2 V]",
        "   [During CC, Save data when ΔV > 0.01 V, or when Δt > 300 seconds]",
        "[End Protocol]",
        "[Data]",
        _NOVONIX_NAMES,
    ]
    for r in rec.itertuples():
        clock = start + dt.timedelta(seconds=r.t)
        stamp = f"{clock:%Y-%m-%d} {clock.hour % 12 or 12}:{clock:%M:%S %p}"
        fields = [
            stamp,
            "1",
            str(_NOVONIX_TYPE[r.kind]),
            f"{r.t / 3600:.7f}",
            f"{r.tau / 3600:.7f}",
            f"{r.i:.10f}",
            f"{r.v:.8f}",
            f"{r.q:.10f}",
            "25.00000000",
            "22.300",
            f"{r.q * r.v:.10f}",
            "0.0000000",
            "0.0000000",
            str(r.step),
            "0",
        ]
        if extra_fields:
            # the HPC export's five unnamed fields after the named ones
            fields += ["0", "0", "", f"{abs(r.i) * 7:.6f}", f"{r.v * 3:.6f}"]
        lines.append(",".join(fields))
    return lines


def test_novonix_rows_wider_than_their_header(tmp_path: Path) -> None:
    # 15 names over rows of 20 fields: the first data row was taken for the header and the
    # file refused ("none of its columns is recognised")
    rec = _record()
    path = tmp_path / "novonix.csv"
    path.write_text("\n".join(_novonix_lines(rec, extra_fields=True)) + "\n", encoding="utf-8")
    m = sio.read(path)
    assert m.format == "csv" and len(m.data) == len(rec)
    _check(m, rec)
    assert any("20 fields a row under 15 names" in n for n in m.notes)


def test_csv_rows_each_wholly_in_quotes(tmp_path: Path) -> None:
    # every line of the table in one pair of quotes (the CSV saved again by a program that took
    # each line for one cell): refused, no column recognised
    rec = _record()
    lines = _novonix_lines(rec, extra_fields=False)
    lines = [f'"{line}"' if "," in line else line for line in lines]
    path = tmp_path / "novonix_quoted.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = sio.read(path)
    assert len(m.data) == len(rec)
    _check(m, rec)
    assert m.source == path
    assert any("wholly in double quotes" in n for n in m.notes)
    assert not any("solidna-" in n for n in m.notes)  # the temporary copy is not named


def test_row_names_without_a_header_name_are_not_a_short_header(tmp_path: Path) -> None:
    # R's write.table(sep=",") writes a row-name column without a name in the header: taking
    # the three names for the first three columns would put "time" over the row numbers
    lines = ['"time","voltage","current"'] + [
        f'"{k + 1}",{60 * k},{3.1 + 0.1 * k:.1f},0.001' for k in range(6)
    ]
    path = tmp_path / "r_table.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFormatError, match="header"):
        sio.read(path)


# ------------------------------------------------------------------------------------------
# Maccor CSV export
# ------------------------------------------------------------------------------------------
def test_maccor_csv_units_in_parentheses_and_day_clock(tmp_path: Path) -> None:
    # "Voltage (V)", "Current (A)", "Capacity (AHr)" were not found ("Maccor export without
    # the voltage, current column(s)"); ":1:00:05:00" was no time ("non-numeric values")
    rec = _record(first_rest_s=86400.0)
    mode = {"rest": "R", "charge": "C", "discharge": "D"}

    def clock(seconds: float) -> str:
        days, rest = divmod(round(seconds), 86400)
        return f":{days}:{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"

    lines = [
        "Rec#,Cycle P,Step,Test Time,Cycle Time,Step Time,Capacity (AHr),Energy (WHr),"
        "Current (A),Voltage (V),MD,ES,DPT,Cycle C,ACImp (Ohms),DCIR (Ohms),EVTemp (C),"
        "EVHum (%),Aux #1,Calc InSitu Thickness"
    ]
    for k, r in enumerate(rec.itertuples(), start=1):
        # the public file writes the discharge current positive, the charge negative: the MD
        # column, not the sign, tells them apart
        amps = -r.i
        lines.append(
            f"{k},0,{r.step},{clock(r.t)},{clock(r.t)},{clock(r.tau)},{r.q:.8f},"
            f"{r.q * r.v:.8f},{amps:.6f},{r.v:.6f},{mode[r.kind]},0,,1,0,0,25,40,1.58,4.78"
        )
    path = tmp_path / "maccor_export.txt"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    m = sio.read(path)
    assert m.format == "maccor"
    _check(m, rec)


def test_durations_with_days_before_a_colon() -> None:
    cells = pd.Series([":0:00:00:05", ":1:02:03:04", ":12:00:00:00.5"])
    np.testing.assert_allclose(parse_durations(cells), [5.0, 93784.0, 12 * 86400 + 0.5])
    # an ordinary clock still reads as hours:minutes:seconds
    np.testing.assert_allclose(parse_durations(pd.Series(["26:03:04"])), [93784.0])


# ------------------------------------------------------------------------------------------
# REPOWER record CSV
# ------------------------------------------------------------------------------------------
_REPOWER_NAMES = (
    "Cycle ID,Step ID,Record ID,Step State,Work Step No,System Time,Relative Time({unit}),"
    "Voltage(V),Current(A),Capacity(Ah),Energy(Wh),Global charge Capacity(Ah),"
    "Global discharge Capacity(Ah),Global Soc(%),Charge Capacity(Ah),Discharge Capacity(Ah),"
    "Charge Energy(Wh),Discharge Energy(Wh),DCIR(mO),Warm Temp(?),Warm Temp setting(?),"
    "humidity,humidity setting,POWER(W),CDS Temperature1(?),MTV T5(?),"
)


@pytest.mark.parametrize(("unit", "per_s"), [("Sec", 1.0), ("Hour", 1 / 3600)])
def test_repower_record_csv(tmp_path: Path, unit: str, per_s: float) -> None:
    # detected as a Neware export, then refused: "Neware record table without the time
    # column(s)"; its step summary lines are no records
    rec = _record()
    state = {"rest": "Still", "charge": "CC Chg", "discharge": "CC DChg"}
    width = _REPOWER_NAMES.count(",")
    lines = [_REPOWER_NAMES.format(unit=unit)]
    start = dt.datetime(2024, 4, 30, 12, 51, 30)
    for step, group in rec.groupby("step", sort=True):
        first, last = int(group.index[0]) + 1, int(group.index[-1]) + 1
        kind = group["kind"].iloc[0]
        summary = f"□1 : {step} {state[kind]}({first}--{last}): {group['q'].iloc[-1]:.3f}Ah"
        lines.append(summary + " [0.000Wh]" + "," * width)
        for k, r in zip(group.index, group.itertuples(), strict=True):
            charge = r.q if r.kind == "charge" else 0.0
            discharge = r.q if r.kind == "discharge" else 0.0
            lines.append(
                f"1,{r.step},{k + 1},{state[r.kind]},{r.step},"
                f"{start + dt.timedelta(seconds=r.t):%Y-%m-%d %H:%M:%S},{r.tau * per_s:.6f},"
                f"{r.v:.5f},{r.i:.6f},{r.q:.6f},0,0,0,,{charge:.6f},{discharge:.6f},0,0,0,0,0,"
                "0,0,0,-67.000,24.9,"
            )
    path = tmp_path / "repower.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    m = sio.read(path)
    assert len(m.data) == len(rec)
    _check(m, rec)
    assert any("4 line(s) without a record id" in n for n in m.notes)
    assert m.metadata["instrument"].startswith("REPOWER")
