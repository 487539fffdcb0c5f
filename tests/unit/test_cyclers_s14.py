"""Cycler exports the field uses: Landt/LANHE layouts, BaSyTec names, and the shared rules
behind them (session 14).

Every file is a synthetic twin written here (openpyxl, plain text) of one known galvanostatic
record: a rest sample, then two cycles of +0.5 mA for 1 h (CCC), a 10-min rest, -0.5 mA for
1 h (CCD) and a rest, sampled every 60 s. Reading it back must give that record: 0.5 mA.h each
way in each cycle, the charge positive, two cycles. The layouts are the public ones:

* Landt/LANHE workbooks as navani reads them (``navani/echem.py``, MIT licence, see
  ``LICENSE-navani.txt``): a ``Record`` sheet whose long record goes on in sheets ``Record1``
  ... without a header; and as its ``landt_file_loader`` (a fork of navani's examples, MIT)
  reads the export that writes each cycle in a block of columns under a ``Cycle N`` label;
* Landt's CSV of all layers (a cycle table, a step table and the record one below the other,
  ``Record,CycleNo,StepNo,StepStatus,TestTime,...``) as a public LAND CSV parser reads it
  ("蓝电数据工作台", its time as ``h:mm:ss``, ``d-hh:mm:ss`` or ``d.hh:mm:ss``);
* BaSyTec's text export (``~Time[h] ... Command U[V] I[A] Ah[Ah] ... Cyc-Count``) as the
  layouts its public readers document.

Each test fails on the code before this session (``PYTHONPATH=/tmp/s14/head/src``).
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import solidna.analysis.io as sio
from solidna.analysis.metrics import galvanostatic_cycles
from solidna.errors import DataFormatError

I_MA = 0.5  # current of both half cycles [mA]
DT_S = 60.0  # sampling interval [s]
HALF_S = 3600.0  # each half cycle [s]
REST_S = 600.0  # each rest [s]
HALF_AH = I_MA * 1e-3 * HALF_S / 3600.0  # 0.5 mA.h [A.h]
START = dt.datetime(2025, 3, 1, 10, 0, 0)
MODES = {1: "CCC", -1: "CCD", 0: "R"}


def _record() -> pd.DataFrame:
    """Per row: record, cycle, step, sign (+1 charge, -1 discharge, 0 rest), test time [s], step
    time [s], voltage [V], signed current [mA], step capacity [mA.h]."""
    rows = [dict(cycle=1, step=1, sign=0, t=0.0, st=0.0, v=3.0, q=0.0)]
    t, step = 0.0, 1
    for cycle in (1, 2):
        for sign, span in ((1, HALF_S), (0, REST_S), (-1, HALF_S), (0, REST_S)):
            step += 1
            for j in range(1, int(span / DT_S) + 1):
                t += DT_S
                frac = j * DT_S / span
                v = 3.0 + 0.5 * frac if sign > 0 else 3.5 - 0.5 * frac if sign < 0 else None
                v = v if v is not None else rows[-1]["v"]
                q = abs(sign) * I_MA * j * DT_S / 3600.0
                rows.append(dict(cycle=cycle, step=step, sign=sign, t=t, st=j * DT_S, v=v, q=q))
    frame = pd.DataFrame(rows)
    frame["rec"] = np.arange(1, len(frame) + 1)
    frame["i"] = frame["sign"] * I_MA
    return frame


def _duration(seconds: float, style: str) -> str:
    """A duration as Landt writes it: ``h:mm:ss.fff`` (hours past 24), ``d-hh:mm:ss.fff`` or
    ``d.hh:mm:ss.fff`` (a day count before the clock)."""
    days, rest = divmod(seconds, 86400.0)
    h, rest = divmod(rest if style != "h" else seconds, 3600.0)
    m, s = divmod(rest, 60.0)
    clock = f"{int(h):02d}:{int(m):02d}:{s:06.3f}"
    return clock if style == "h" else f"{int(days)}{style}{clock}"


def _write(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def _check(m: sio.Measurement, rows: int | None = None) -> None:
    """The known record: its length, end time, two cycles of 0.5 mA.h each way, charge +."""
    rec = _record()
    d = m.data
    assert len(d) == (len(rec) if rows is None else rows)
    assert d[sio.TIME].iloc[-1] == pytest.approx(rec["t"].iloc[-1])
    np.testing.assert_allclose(d[sio.CURRENT], rec["i"] * 1e-3, atol=1e-12)
    table = galvanostatic_cycles(d[sio.TIME], d[sio.VOLTAGE], d[sio.CURRENT])
    assert len(table) == 2
    np.testing.assert_allclose(table["Charge capacity [A.h]"], HALF_AH, rtol=1e-9)
    np.testing.assert_allclose(table["Discharge capacity [A.h]"], HALF_AH, rtol=1e-9)


# --------------------------------------------------------------------------------------------
# Landt / LANHE workbooks
# --------------------------------------------------------------------------------------------
_OLD_LANDT = ["Index", "TestTime/h", "StepTime/h", "Voltage/V", "Current/mA", "Capacity/mAh"]
_OLD_LANDT += ["SpeCap/mAh/g", "Energy/mWh"]


def _old_landt_rows(rec: pd.DataFrame) -> list[list]:
    return [
        [r.rec, r.t / 3600.0, r.st / 3600.0, r.v, r.i, r.q, r.q / 0.005, r.q * r.v]
        for r in rec.itertuples()
    ]


@pytest.mark.parametrize("parts", [2, 3])
def test_landt_record_going_on_in_sheets_without_a_header(tmp_path: Path, parts: int) -> None:
    """LANDdt splits a long record over ``Record``, ``Record1``, ... and writes the header on the
    first sheet only: the later sheets were not read, and the record ended with the first sheet
    (one cycle of two, without a word)."""
    rows = _old_landt_rows(_record())
    chunks = np.array_split(np.arange(len(rows)), parts)
    sheets = {"Record": [_OLD_LANDT, *[rows[k] for k in chunks[0]]]}
    for n, chunk in enumerate(chunks[1:], start=1):
        sheets[f"Record{n}"] = [rows[k] for k in chunk]
    sheets["Cycle"] = [["Cycle", "CapC/mAh", "CapD/mAh"], [1, 0.5, 0.5], [2, 0.5, 0.5]]
    m = sio.read(_write(tmp_path / "landt.xlsx", sheets))
    _check(m)
    assert m.metadata["sheet"] == ["Record"] + [f"Record{n}" for n in range(1, parts)]
    assert any("no header: the rows go on under that of 'Record'" in n for n in m.notes)
    # Capacity/mAh over SpeCap/mAh/g: the 5 mg the cycler was given, reported, not used
    assert m.metadata["active mass [g]"] == pytest.approx(0.005, rel=1e-6)


def test_landt_sheet_of_data_rows_only_is_not_joined_to_another_name(tmp_path: Path) -> None:
    """Only record sheets go on under the first one's header: a headerless sheet of numbers with
    another name (a user's scratch sheet) is not joined."""
    rows = _old_landt_rows(_record())
    sheets = {"Record": [_OLD_LANDT, *rows], "Sheet2": [[1, 2, 3], [4, 5, 6]]}
    m = sio.read(_write(tmp_path / "landt.xlsx", sheets))
    _check(m)
    assert m.metadata["sheet"] == "Record"


def test_landt_cycles_in_blocks_of_columns_side_by_side(tmp_path: Path) -> None:
    """One LANDdt export writes each cycle in a block of columns under a ``Cycle N`` label, the
    header repeated per block (the last block with one more column, ``EnergyD``): only the first
    block, cycle 1, was read."""
    rec = _record()
    names = ["Record", "TestTime/h", "Voltage/V", "Current/mA", "Capacity/mAh", "SpeCap/mAh/g"]
    blocks = []
    for cycle in (1, 2):
        part = rec[rec["cycle"] == cycle]
        rows = [[r.rec, r.t / 3600.0, r.v, r.i, r.q, r.q / 0.005] for r in part.itertuples()]
        extra = ["EnergyD/mWh"] if cycle == 2 else []
        blocks.append((names + extra, [row + [0.1] * len(extra) for row in rows]))
    labels, header, body = [], [], []
    for cycle, (cols, _) in enumerate(blocks, start=1):
        labels += [f"Cycle {cycle}"] + [None] * (len(cols) - 1)
        header += cols
    for k in range(max(len(b) for _, b in blocks)):
        row = []
        for cols, b in blocks:
            row += b[k] if k < len(b) else [None] * len(cols)
        body.append(row)
    m = sio.read(_write(tmp_path / "cycles.xlsx", {"Record": [labels, header, *body]}))
    _check(m)
    assert any("2 blocks of columns side by side" in n for n in m.notes)


@pytest.mark.parametrize("style", [".", "-", " "])
def test_landt_test_time_with_a_day_count(tmp_path: Path, style: str) -> None:
    """LANHE's record sheet (``Record, Cycle, Step, TestTime, ...``, beside ``Test
    information``, ``Ch1_Proc`` and ``Log`` sheets, in the layout echemistpy's LANHE reader
    documents) writes its test time as text with a day count past a day: ``1.02:03:04.000``
    (.NET's form) was refused as "mixed units"."""
    rec = _record()
    rec["t"] += 86000.0  # the slice of a run that passes a day
    header = ["Record", "Cycle", "Step", "TestTime", "StepTime", "Voltage/V", "Current/uA"]
    header += ["Capacity/uAh", "SpeCap/mAh/g"]
    body = [
        [r.rec, r.cycle, r.step, _duration(r.t, style), _duration(r.st, style), r.v, r.i * 1e3]
        + [r.q * 1e3, r.q / 0.005]
        for r in rec.itertuples()
    ]
    sheets = {
        "Test information": [["Test name", "Active material"], ["NVP-1", "5 mg"]],
        "Ch1_Proc": [["Order", "Mode", "Time"], [1, "CCC", "1:00:00"]],
        "Log": [["Time", "Event"], ["2025-03-01 10:00:00", "Start"]],
        "Ch1_DefaultGroup": [["NVP-1"], header, *body],
    }
    m = sio.read(_write(tmp_path / "lanhe.xlsx", sheets))
    d = m.data
    np.testing.assert_allclose(d[sio.TIME], rec["t"], rtol=1e-12)
    np.testing.assert_allclose(d[sio.CURRENT], rec["i"] * 1e-3, atol=1e-12)


# --------------------------------------------------------------------------------------------
# Landt's CSV of all layers
# --------------------------------------------------------------------------------------------
def _land_csv(path: Path, order: str, cycles: int = 2, style: str = "h") -> Path:
    """Cycle (c), step (s) and record (r) tables one below the other, in ``order``."""
    table = {
        "c": ["Cycle,CapC/mAh,CapD/mAh,SpeCapC/mAh/g,SpeCapD/mAh/g,Efficiency/%,Period_C,Period_D"]
        + [f"{c},0.5,0.5,100,100,100.0,1:00:00,1:00:00" for c in range(1, cycles + 1)],
        "s": ["Step,CycleNo,Mode,StartTime,Period,Capacity/mAh,SpeCap/mAh/g,AveVolt/V"]
        + [
            f"{s},{(s - 2) // 4 + 1},CCC,2025/03/01 10:00:00,1:00:00,0.5,100,3.2"
            for s in range(2, 10)
        ],
        "r": [
            "Record,CycleNo,StepNo,StepStatus,TestTime,StepTime,SysTime,Voltage/V,Current/mA,"
            "Capacity/mAh,SpeCap/mAh/g,Energy/mWh"
        ]
        + [
            f"{r.rec},{r.cycle},{r.step},{MODES[r.sign]},{_duration(r.t, style)},"
            f"{_duration(r.st, style)},{START + dt.timedelta(seconds=r.t):%Y/%m/%d %H:%M:%S},"
            f"{r.v:.5f},{r.i:g},{r.q:.6f},{r.q / 0.005:.4f},{r.q * r.v:.6f}"
            for r in _record().itertuples()
        ],
    }
    lines = []
    for part in order:
        lines += [*table[part], ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("order", "cycles"), [("crs", 2), ("rsc", 2), ("csr", 300)], ids=["crs", "rsc", "long-cycles"]
)
def test_land_csv_of_all_layers_reads_the_record(tmp_path: Path, order: str, cycles: int) -> None:
    """The record table was read to the end of the file ("'CycleNo' in data row 281 is not a
    number" where the step table followed it), and a cycle table longer than the lines sniffed
    was taken for the data; now the record is read, and its StepNo is the step."""
    m = sio.read(_land_csv(tmp_path / "land.csv", order, cycles))
    _check(m)
    assert m.data[sio.STEP].max() == _record()["step"].max()
    assert any("tables one below the other" in n for n in m.notes)


def test_land_step_status_signs_an_unsigned_current(tmp_path: Path) -> None:
    """Landt's step modes (CCC, CVC, CCD, R; ``StepStatus``, ``Step-State``, 工步状态) state the
    direction of an unsigned current. A CC-CV charge's hold does not show its direction in the
    voltage, so the current was kept unsigned and every discharge read as a charge."""
    rows, t = ["TestTime/Sec,Step-State,Voltage/V,Current/mA"], 0.0
    rows.append("0,R,3.0,0")
    for _ in (1, 2):
        for j in range(1, 31):  # CC charge, 3.0 -> 3.6 V
            t += DT_S
            rows.append(f"{t:g},CCC,{3.0 + 0.02 * j:.4f},{I_MA}")
        for j in range(1, 31):  # CV hold at 3.6 V, the current decaying
            t += DT_S
            rows.append(f"{t:g},CVC,3.6,{I_MA * np.exp(-j / 10):.6f}")
        for j in range(1, 61):  # CC discharge
            t += DT_S
            rows.append(f"{t:g},CCD,{3.6 - 0.01 * j:.4f},{I_MA}")
    path = tmp_path / "cccv.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    d = sio.read(path).data
    modes = [r.split(",")[1] for r in rows[1:]]
    discharge = np.array([mode == "CCD" for mode in modes])
    assert np.all(d[sio.CURRENT][discharge] < 0) and np.all(d[sio.CURRENT][~discharge] >= 0)
    table = galvanostatic_cycles(d[sio.TIME], d[sio.VOLTAGE], d[sio.CURRENT])
    np.testing.assert_allclose(table["Discharge capacity [A.h]"], HALF_AH, rtol=1e-9)


def test_chinese_step_state_column(tmp_path: Path) -> None:
    """工步状态 (step state) is a step-type column: the unsigned current is signed from it."""
    names = {1: "恒流充电", -1: "恒流放电", 0: "搁置"}
    rows = ["测试时间,工步状态,电压/V,电流/mA,容量/mAh"] + [
        f"{_duration(r.t, 'h')},{names[r.sign]},{r.v:.5f},{abs(r.i):g},{r.q:.6f}"
        for r in _record().itertuples()
    ]
    path = tmp_path / "cn.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    m = sio.read(path)
    _check(m)
    assert any("step types of '工步状态'" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# BaSyTec
# --------------------------------------------------------------------------------------------
def test_basytec_cycle_counter_and_command(tmp_path: Path) -> None:
    """BaSyTec's ``Cyc-Count`` is its cycle counter (the cycle numbers were lost) and its
    ``Command`` (Charge, Discharge, Pause) the step type."""
    command = {1: "Charge", -1: "Discharge", 0: "Pause"}
    lines = [
        "~Resultfile from BaSyTec Battery Test System",
        "~Name of Test: NVP 2xF",
        "~",
        "~Time[h]\tDataSet\tDate\tTime\tt-Step[h]\tLine\tCommand\tU[V]\tI[A]\tAh-Step\t"
        "T1[°C]\tCyc-Count\tState",
    ]
    for r in _record().itertuples():
        stamp = START + dt.timedelta(seconds=r.t)
        lines.append(
            f"{r.t / 3600:.8f}\t{r.rec}\t{stamp:%d.%m.%Y}\t{stamp:%H:%M:%S}\t{r.st / 3600:.8f}\t"
            f"{r.step}\t{command[r.sign]}\t{r.v:.5f}\t{r.i * 1e-3:.6g}\t{r.q * 1e-3:.8f}\t25.1\t"
            f"{r.cycle}\t0"
        )
    path = tmp_path / "basytec.txt"
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    m = sio.read(path)
    _check(m)
    assert m.data[sio.CYCLE].tolist() == _record()["cycle"].tolist()
    assert m.metadata["columns used"]["cycle"] == "Cyc-Count"


# --------------------------------------------------------------------------------------------
# Shared rules
# --------------------------------------------------------------------------------------------
def test_efficiency_header_keeps_its_words() -> None:
    """A slash between words before a unit in parentheses is not the unit's slash."""
    assert sio.split_header("Charge/Discharge Efficiency(%)") == (
        "Charge/Discharge Efficiency",
        "%",
    )
    assert sio.split_header("Q charge/discharge/mA.h") == ("Q charge/discharge", "mA.h")
    assert sio.split_header("Re(Z)/Ohm") == ("Re(Z)", "Ohm")


def test_record_with_an_efficiency_column_is_read(tmp_path: Path) -> None:
    """Its stem was "Charge", a capacity name, and its unit "Discharge Efficiency(%)": a record
    carrying such a column was refused ("cannot read the unit")."""
    rows = ["Time [s],Voltage [V],Current [mA],Charge/Discharge Efficiency(%)"] + [
        f"{r.t:g},{r.v:.5f},{r.i:g},99.5" for r in _record().itertuples()
    ]
    path = tmp_path / "record.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    m = sio.read(path)
    _check(m)
    assert "capacity" not in m.metadata["columns used"]


def test_record_lacking_a_column_is_not_called_a_summary(tmp_path: Path) -> None:
    """A time series without a current column that carries an "End Voltage" column got the
    summary message; it is told which column it lacks."""
    rows = ["Test Time(s),Cycle Index,Voltage(V),End Voltage(V)"] + [
        f"{r.t:g},{r.cycle},{r.v:.5f},3.5" for r in _record().itertuples()
    ]
    path = tmp_path / "record.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        sio.read(path)
    assert "summary" not in str(err.value)
    assert "no column for" in str(err.value) and "current" in str(err.value).lower()


def test_arbin_csv_in_other_units_is_read_once(tmp_path: Path, monkeypatch) -> None:
    """An Arbin CSV with other units than Arbin's own was parsed twice (once as Arbin, once again
    by the generic reader); the table already read is now used."""
    from solidna.analysis.io import cyclers, generic

    calls = []
    original = generic.read_delimited

    def counting(*args, **kwargs):
        calls.append(args[0] if args else kwargs.get("path"))
        return original(*args, **kwargs)

    monkeypatch.setattr(generic, "read_delimited", counting)
    monkeypatch.setattr(cyclers, "read_delimited", counting)
    rows = ["Test_Time(s),Step_Index,Cycle_Index,Voltage(V),Current(mA)"] + [
        f"{r.t:g},{r.step},{r.cycle},{r.v:.5f},{r.i:g}" for r in _record().itertuples()
    ]
    path = tmp_path / "arbin.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    m = sio.read(path)
    _check(m)
    assert m.format == "arbin" and len(calls) == 1


@pytest.mark.parametrize("separator", ["'", " "])
def test_digit_groups_in_workbook_text_cells(tmp_path: Path, separator: str) -> None:
    """One rule for digit groups serves every reader: a workbook whose numbers are text with
    Swiss or French groups (``1'020.5``) was read by the CSV reader but refused in a workbook
    ("not a number"), whose cells went through the comma-only rule."""
    rec = _record()

    def grouped(x: float) -> str:
        return f"{x:,.1f}".replace(",", separator)

    body = [[grouped(r.t), r.v, r.i] for r in rec.itertuples()]
    path = _write(
        tmp_path / "groups.xlsx", {"Data": [["Time [s]", "Voltage [V]", "Current [mA]"], *body]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = sio.read(path)
    _check(m)


def test_blocks_side_by_side_that_are_not_one_record(tmp_path: Path) -> None:
    """Two samples' runs side by side, each from 0 s under its label, are not one record: the
    first block is read, as before, and the note says the others were not."""
    rec = _record()
    names = ["Record", "TestTime/h", "Voltage/V", "Current/mA"]
    rows = [[r.rec, r.t / 3600.0, r.v, r.i] for r in rec.itertuples()]
    labels = ["Sample A", None, None, None, "Sample B", None, None, None]
    body = [row + row for row in rows]
    m = sio.read(_write(tmp_path / "two.xlsx", {"Record": [labels, names + names, *body]}))
    _check(m)
    assert any("whose times do not follow each other" in n for n in m.notes)


def test_digatron_status_cha_is_a_charge(tmp_path: Path) -> None:
    """Digatron's ``Status`` says CHA, DCH or PAU (its public CSV: a metadata block, ``Time
    Stamp,Step,Status,Prog Time,...`` over a units line ``,,,,,,[V],[A],...``). CHA was not
    taken for a charge: with the current written as a magnitude, the rows labelled DCH alone
    decided, and every current, the charges' too, was turned negative."""
    status = {1: "CHA", -1: "DCH", 0: "PAU"}
    lines = ["Measurement ID,585", "Battery Name,NVP 2032", "Start Time,3/1/2025 10:00:00 AM"]
    lines += [
        "Time Stamp,Step,Status,Prog Time,Step Time,Cycle,Voltage,Current,Capacity,",
        ",,,,,,[V],[A],[Ah],",
    ]
    for r in _record().itertuples():
        stamp = START + dt.timedelta(seconds=r.t)
        lines.append(
            f"{stamp:%m/%d/%Y %I:%M:%S %p},{r.step},{status[r.sign]},{_duration(r.t, 'h')},"
            f"{_duration(r.st, 'h')},{r.cycle},{r.v:.5f},{abs(r.i) * 1e-3:.6f},"
            f"{r.q * 1e-3:.8f},"
        )
    path = tmp_path / "digatron.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = sio.read(path)
    _check(m)
    assert any("step types of 'Status'" in n for n in m.notes)
