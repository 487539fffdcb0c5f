"""Cycler workbooks beyond Arbin: Neware BTS, Landt/LANHE and researchers' own .xlsx files.

Every workbook is built here (openpyxl) from one known galvanostatic record: two cycles of
+/- 0.5 mA for 1 h each with 10 min rests, so each half cycle passes 0.5 mA.h. Reading it back
must give that charge, the charge positive (oxidation of the working electrode), two cycles,
and the same table as the same record written as CSV.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import solidna.analysis.io as sio
from solidna.analysis.metrics import galvanostatic_cycles
from solidna.errors import DataFormatError, InvalidOptionError

I_MA = 0.5  # current of both half cycles [mA]
STEPS = [("CC_Chg", 1, 3600.0), ("Rest", 0, 600.0), ("CC_DChg", -1, 3600.0), ("Rest", 0, 600.0)]
CYCLES = 2
DT = 60.0  # sampling interval [s]
HALF_CYCLE_AH = I_MA * 1e-3 * 3600.0 / 3600.0  # 0.5 mA for 1 h [A.h]
START = dt.datetime(2024, 5, 6, 9, 30, 0)


def _record() -> pd.DataFrame:
    """The known record: per row cycle, step, step type, times [s], current [mA], V, Q [mA.h]."""
    rows, total, step_id = [], 0.0, 0
    for cycle in range(1, CYCLES + 1):
        for name, sign, duration in STEPS:
            step_id += 1
            for rel in np.arange(0.0, duration + DT / 2, DT):
                frac = rel / duration
                if sign > 0:
                    volt = 3.0 + 0.4 * frac
                elif sign < 0:
                    volt = 3.4 - 0.4 * frac
                else:
                    volt = 3.4 if STEPS.index((name, sign, duration)) == 1 else 3.0
                rows.append(
                    {
                        "cycle": cycle,
                        "step": step_id,
                        "type": name,
                        "rel": rel,
                        "total": total + rel,
                        "current": sign * I_MA,
                        "voltage": volt,
                        "capacity": abs(sign) * I_MA * rel / 3600.0,
                    }
                )
            total += duration
    return pd.DataFrame(rows)


def _hms(seconds: float) -> str:
    h, rest = divmod(seconds, 3600.0)
    m, s = divmod(rest, 60.0)
    return f"{int(h)}:{int(m):02d}:{s:06.3f}"


def _write(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with the given sheets (lists of rows), in order."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _neware_bts8(rec: pd.DataFrame, *, signed: bool = True) -> list[list]:
    """A BTS 8 'record' sheet: step time as h:min:s.ms text, total time as Excel durations."""
    header = [
        "DataPoint",
        "Cycle Index",
        "Step Index",
        "Step Type",
        "Time",
        "Total Time",
        "Current(mA)",
        "Voltage(V)",
        "Capacity(mAh)",
        "Date",
    ]
    rows = [header]
    for k, r in enumerate(rec.itertuples()):
        current = r.current if signed else abs(r.current)
        rows.append(
            [
                k + 1,
                r.cycle,
                r.step,
                r.type.replace("_", " "),
                _hms(r.rel),
                dt.timedelta(seconds=r.total),
                current,
                r.voltage,
                r.capacity,
                START + dt.timedelta(seconds=r.total),
            ]
        )
    return rows


def _summaries() -> dict[str, list[list]]:
    """Neware's other sheets: metadata blocks and per-cycle / per-step summaries. 'statis' has
    time, voltage and current columns (one row per step end) but is not the record."""
    return {
        "unit": [["Unit", "BTS-8"], ["Channel", 3], ["Start", START]],
        "test": [["Test name", "NVP-01"], ["Active mass", "1 mg"]],
        "cycle": [
            ["Cycle Index", "Chg. Cap.(mAh)", "DChg. Cap.(mAh)", "Chg.-DChg. Eff(%)"],
            [1, 0.5, 0.5, 100.0],
            [2, 0.5, 0.5, 100.0],
        ],
        "statis": [
            ["DataPoint", "Step Type", "Total Time", "Voltage(V)", "Current(mA)"],
            [61, "CC Chg", "1:00:00", 3.4, 0.5],
            [72, "Rest", "1:10:00", 3.4, 0.0],
            [133, "CC DChg", "2:10:00", 3.0, -0.5],
        ],
    }


def _check_round_trip(m: sio.Measurement) -> pd.DataFrame:
    d = m.data
    t, v, i = (d[c].to_numpy(float) for c in (sio.TIME, sio.VOLTAGE, sio.CURRENT))
    q = d[sio.CAPACITY].to_numpy(float)
    cycles = galvanostatic_cycles(t, v, i, q)
    assert len(cycles) == CYCLES
    np.testing.assert_allclose(cycles["Charge capacity [A.h]"], HALF_CYCLE_AH, rtol=1e-6)
    np.testing.assert_allclose(cycles["Discharge capacity [A.h]"], HALF_CYCLE_AH, rtol=1e-6)
    # charge positive: the current of the CC_Chg rows is +0.5 mA
    assert i.max() == pytest.approx(I_MA * 1e-3) and i.min() == pytest.approx(-I_MA * 1e-3)
    assert v[np.argmax(i)] < 3.41 and t[-1] == pytest.approx(CYCLES * 8400.0)
    return cycles


# --------------------------------------------------------------------------------------------
# Neware BTS
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned-current"])
def test_neware_bts8_workbook_round_trip(tmp_path, signed):
    rec = _record()
    path = _write(
        tmp_path / "nvp.xlsx", {**_summaries(), "record": _neware_bts8(rec, signed=signed)}
    )
    assert sio.detect_format(path) == "workbook"
    m = sio.read(path)
    assert m.format == "workbook" and m.kind == "timeseries"
    assert m.metadata["sheet"] == "record" and m.metadata["header row"] == 1
    assert m.metadata["instrument"].startswith("Neware")
    assert m.metadata["start"].startswith("2024-05-06 09:30")
    assert any("'record'" in n and "not read" in n and "'statis'" in n for n in m.notes)
    cycles = _check_round_trip(m)
    assert m.data[sio.CYCLE].tolist()[-1] == CYCLES
    if not signed:
        assert any("unsigned" in n for n in m.notes)
    # the instrument's counter gives the net charge: +0.5 mA.h after the first charge
    q_end_charge = m.data[sio.CAPACITY].iloc[60]
    assert q_end_charge == pytest.approx(HALF_CYCLE_AH, rel=1e-9)
    assert cycles["Coulombic efficiency [%]"].iloc[0] == pytest.approx(100.0, rel=1e-6)


def test_neware_workbook_and_csv_give_the_same_table(tmp_path):
    rec = _record()
    rows = _neware_bts8(rec)
    xlsx = _write(tmp_path / "run.xlsx", {**_summaries(), "record": rows})
    # the same record as BTS writes it to CSV: durations and dates as text
    text = [rows[0]] + [
        [_hms(c.total_seconds()) if isinstance(c, dt.timedelta) else c for c in r] for r in rows[1:]
    ]
    csv = tmp_path / "run.csv"
    pd.DataFrame(text[1:], columns=text[0]).to_csv(csv, index=False)
    from_csv, from_xlsx = sio.read(csv), sio.read(xlsx)
    assert from_csv.format == "neware-csv"
    pd.testing.assert_frame_equal(from_xlsx.data, from_csv.data, rtol=1e-9, atol=1e-9)


def test_neware_bts7_detail_split_over_two_sheets(tmp_path):
    """BTS 7: 'Detail_*' sheets (mA, mAh, per-step h:min:s.ms times, no total time) split
    mid-step; joined in order, the test time built from the step times."""
    rec = _record()
    header = [
        "Record Index",
        "Status",
        "Jump",
        "Cycle",
        "Steps",
        "Cur(mA)",
        "Voltage(V)",
        "CapaCity(mAh)",
        "Energy(mWh)",
        "Relative Time(h:min:s.ms)",
        "Absolute Time",
    ]
    body = [
        [
            k + 1,
            r.type,
            None,
            r.cycle,
            r.step,
            r.current,
            r.voltage,
            r.capacity,
            r.capacity * r.voltage,
            _hms(r.rel),
            START + dt.timedelta(seconds=r.total),
        ]
        for k, r in enumerate(rec.itertuples())
    ]
    cut = 150  # inside the discharge of cycle 1
    sheets = {
        "Info": [["Barcode", "NVP-02"], ["Start time", START]],
        "Cycle_1_3_1": [["Cycle", "CapaCity(mAh)"], [1, 0.5], [2, 0.5]],
        "Statis_1_3_1": [["Steps", "Status", "CapaCity(mAh)"], [1, "CC_Chg", 0.5]],
        "Detail_1_3_1": [header, *body[:cut]],
        "Detail_1_3_2": [header, *body[cut:]],
    }
    path = _write(tmp_path / "bts7.xlsx", sheets)
    m = sio.read(path)
    assert m.metadata["sheet"] == ["Detail_1_3_1", "Detail_1_3_2"]
    assert any("split over 2 sheets" in n for n in m.notes)
    assert any("restarts in each step" in n for n in m.notes)
    assert len(m.data) == len(rec)
    np.testing.assert_allclose(m.data[sio.TIME], rec["total"], atol=1e-6)
    _check_round_trip(m)


# --------------------------------------------------------------------------------------------
# Landt / LANHE and researchers' own sheets
# --------------------------------------------------------------------------------------------
_LANDT = {
    "english": ["Record", "Cycle-Index", "Step-Index", "TestTime/Sec", "StepTime/Sec"]
    + ["Current/mA", "Capacity/mAh", "Voltage/V", "SysTime"],
    "chinese": ["序号", "循环号", "工步号", "测试时间/Sec", "步次时间/Sec"]
    + ["电流/mA", "容量/mAh", "电压/V", "系统时间"],
}


@pytest.mark.parametrize("names", sorted(_LANDT))
def test_landt_workbook(tmp_path, names):
    rec = _record()
    body = [
        [k + 1, r.cycle, r.step, r.total, r.rel, r.current, r.capacity, r.voltage]
        + [START + dt.timedelta(seconds=r.total)]
        for k, r in enumerate(rec.itertuples())
    ]
    sheets = {
        "Cycle-Tab": [["Cycle", "ChargeCap/mAh", "DischargeCap/mAh"], [1, 0.5, 0.5]],
        "Step-Tab": [["Step", "Mode", "Period/Sec", "Capacity/mAh"], [1, "CCC", 3600, 0.5]],
        "Record-Tab": [_LANDT[names], *body],
    }
    m = sio.read(_write(tmp_path / "landt.xlsx", sheets))
    assert m.metadata["sheet"] == "Record-Tab"
    assert m.metadata["columns used"]["time"] == _LANDT[names][3]
    assert m.metadata["columns used"]["cycle"] == _LANDT[names][1]
    _check_round_trip(m)
    assert m.data[sio.CYCLE].max() == CYCLES


def test_own_sheet_with_a_title_above_the_header(tmp_path):
    """A researcher's sheet: a title, a blank row and a key-value block above the header; time
    in minutes as numbers, and a second sheet of notes."""
    rec = _record()
    body = [[r.total / 60.0, r.voltage, r.current] for r in rec.itertuples()]
    sheets = {
        "Notes": [["Cell NVP-03, assembled 2024-05-02"], ["mass", "1 mg"]],
        "Data": [
            ["NVP | Na half cell, 0.5 mA, 25 degC"],
            [],
            ["Operator", "AB"],
            ["Time (min)", "Voltage (V)", "Current (mA)"],
            *body,
        ],
    }
    m = sio.read(_write(tmp_path / "mine.xlsx", sheets))
    assert m.metadata["sheet"] == "Data" and m.metadata["header row"] == 4
    _check_round_trip(m)


def test_excel_time_cells_and_date_times(tmp_path):
    """Durations as Excel writes them (day fractions in an h:mm:ss format: a time of day below
    24 h, a date in 1900 above it) and a time column of date-times both give seconds."""
    seconds = [0.0, 30.0, 3600.0, 90000.0, 180000.5]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "run"
    ws.append(["Step time", "Voltage [V]", "Current [A]", "Clock"])
    for k, s in enumerate(seconds):
        ws.append([s / 86400.0, 3.0, 1e-3, START + dt.timedelta(seconds=s)])
        ws.cell(row=k + 2, column=1).number_format = "h:mm:ss.000"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    by_duration = sio.read(path, columns={"time": "Step time"})
    np.testing.assert_allclose(by_duration.data[sio.TIME], seconds, atol=1e-3)
    by_clock = sio.read(path, columns={"time": "Clock"})
    np.testing.assert_allclose(by_clock.data[sio.TIME], seconds, atol=1e-3)
    assert any("date-times" in n for n in by_clock.notes)


def test_sheet_and_columns_options(tmp_path):
    rec = _record()
    body = [[r.total, r.voltage, r.current] for r in rec.itertuples()]
    sheets = {
        "a": [["Alpha", "Beta", "Gamma"], *body],
        "b": [["Time [s]", "Voltage [V]", "Current [mA]"], *body],
    }
    path = _write(tmp_path / "two.xlsx", sheets)
    m = sio.read(path)  # 'a' is not recognised without a mapping: 'b' holds the time series
    assert m.metadata["sheet"] == "b"
    mapped = sio.read(
        path,
        sheet="a",
        columns={"time": "Alpha [s]", "voltage": "Beta [V]", "current": "Gamma [mA]"},
    )
    assert mapped.metadata["sheet"] == "a"
    pd.testing.assert_frame_equal(mapped.data, m.data)
    assert sio.read(path, sheet=1).metadata["sheet"] == "b"
    with pytest.raises(InvalidOptionError, match=r"no sheet 'c'.*0: 'a', 1: 'b'"):
        sio.read(path, sheet="c")
    with pytest.raises(DataFormatError, match="none of its columns is recognised"):
        sio.read(path, sheet="a")
    csv = tmp_path / "x.csv"
    csv.write_text("Time [s],Voltage [V],Current [A]\n0,1,0\n1,1,0\n")
    with pytest.raises(InvalidOptionError, match="has no sheets"):
        sio.read(csv, sheet="a")


def test_arbin_workbook_keeps_its_reader_and_format(tmp_path):
    rec = _record()
    header = ["Test_Time(s)", "Voltage(V)", "Current(A)", "Cycle_Index", "Step_Index"]
    body = [[r.total, r.voltage, r.current * 1e-3, r.cycle, r.step] for r in rec.itertuples()]
    path = _write(
        tmp_path / "arbin.xlsx", {"Global_Info": [["Channel", 1]], "Channel_1_1": [header, *body]}
    )
    assert sio.detect_format(path) == "arbin"
    m = sio.read(path)
    assert m.format == "arbin" and m.metadata["sheet"] == "Channel_1_1"
    _check_round_trip(m)
    assert sio.read(path, format="arbin").format == "arbin"
    # a sheet of one's own named "Channel 1" is read by its columns, not as Arbin's
    own = [["Time [s]", "Voltage [V]", "Current [mA]"]] + [
        [r.total, r.voltage, r.current] for r in rec.itertuples()
    ]
    mine = sio.read(_write(tmp_path / "mine.xlsx", {"Channel 1": own}))
    assert mine.format == "workbook"
    _check_round_trip(mine)
    other = _write(tmp_path / "other.xlsx", {"record": _neware_bts8(rec)})
    with pytest.raises(DataFormatError, match="not an Arbin export.*format='workbook'"):
        sio.read(other, format="arbin")


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------
def test_empty_workbook(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(DataFormatError, match=r"holds no data \(sheets: 'Sheet' \(empty\)\)"):
        sio.read(path)


def test_workbook_without_a_time_series(tmp_path):
    path = _write(
        tmp_path / "summary.xlsx",
        {
            "cycle": _summaries()["cycle"],
            "statis": _summaries()["statis"],
            "notes": [["just text"]],
        },
    )
    with pytest.raises(DataFormatError) as info:
        sio.read(path)
    message = str(info.value)
    assert "no sheet of this workbook holds a time series" in message
    assert "'cycle' (row 1: Cycle Index, Chg. Cap.(mAh)" in message
    assert "'notes' (no header row" in message
    assert "sheet='name'" in message and "columns=" in message
    # a summary chosen by hand is read for what it is
    assert len(sio.read(path, sheet="statis").data) == 3


def test_encrypted_and_legacy_and_damaged_workbooks(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(DataFormatError, match="password-protected"):
        sio.read(encrypted)
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(ole + b"\x00" * 1024)
    if importlib.util.find_spec("python_calamine") or importlib.util.find_spec("xlrd"):
        with pytest.raises(DataFormatError, match="cannot open"):
            sio.read(legacy)
    else:
        with pytest.raises(InvalidOptionError, match="xlrd.*save it as .xlsx"):
            sio.read(legacy)
    good = _write(tmp_path / "good.xlsx", {"record": _neware_bts8(_record())})
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(DataFormatError, match="damaged|cannot open"):
        sio.read(damaged)


def test_cli_analyze_reads_a_workbook(tmp_path):
    from typer.testing import CliRunner

    from solidna.cli import app

    path = _write(tmp_path / "nvp.xlsx", {**_summaries(), "record": _neware_bts8(_record())})
    out = tmp_path / "out"
    args = ["analyze", str(path), "--kind", "nvp", "--mass", "1 mg", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(next(out.glob("tables/*cycles*.csv")))
    assert len(table) == CYCLES


def test_neware_record_sheet_without_cycle_and_step_columns(tmp_path):
    """BTS 8 record sheets may lack the cycle and step indices (the step sheet holds them): the
    steps are told apart by the step type, and the cycles still count two."""
    rows = [
        [c for c, name in zip(r, _neware_bts8(_record())[0], strict=True) if "Index" not in name]
        for r in _neware_bts8(_record())
    ]
    m = sio.read(_write(tmp_path / "noids.xlsx", {**_summaries(), "record": rows}))
    assert sio.CYCLE not in m.data
    assert any("a new step wherever the step type" in n for n in m.notes)
    _check_round_trip(m)


def test_kind_chooses_between_a_cycling_and_an_impedance_sheet(tmp_path):
    f = np.logspace(5, -1, 15)
    z = 20 + 100 / (1 + 1j * 2 * np.pi * f * 1e-5)
    eis = [["Frequency [Hz]", "Z' [Ohm]", "Z'' [Ohm]"]] + [
        [a, b, c] for a, b, c in zip(f, z.real, z.imag, strict=True)
    ]
    cycling = [["Time [s]", "Voltage [V]", "Current [mA]"]] + [
        [r.total, r.voltage, r.current] for r in _record().itertuples()
    ]
    path = _write(tmp_path / "both.xlsx", {"data EIS": eis, "data cycling": cycling})
    assert sio.read(path).kind == "impedance"  # the first record-like sheet
    m = sio.read(path, kind="timeseries")
    assert m.metadata["sheet"] == "data cycling"
    _check_round_trip(m)
    assert len(sio.read(path, kind="impedance").data) == len(f)


def test_progress_is_reported_for_a_long_sheet(tmp_path):
    rows = [["Time [s]", "Voltage [V]", "Current [A]"]] + [
        [float(k), 3.0, 1e-3] for k in range(21000)
    ]
    seen = []
    m = sio.read(_write(tmp_path / "long.xlsx", {"run": rows}), progress=lambda *a: seen.append(a))
    assert len(m.data) == 21000
    assert seen and all(0.0 <= f <= 1.0 for _, f in seen)


def test_own_sheet_with_names_over_a_row_of_units(tmp_path):
    """Origin's layout: long names in one row, units in the row below, then the data."""
    body = [[r.total / 3600.0, r.voltage, r.current] for r in _record().itertuples()]
    sheets = {"Book1": [["Time", "Voltage", "Current"], ["h", "V", "mA"], *body]}
    m = sio.read(_write(tmp_path / "origin.xlsx", sheets))
    assert m.metadata["columns used"] == {
        "time": "Time [h]",
        "voltage": "Voltage [V]",
        "current": "Current [mA]",
    }
    _check_round_trip(m)


def test_legacy_xls_goes_through_the_same_sheet_logic(tmp_path, monkeypatch):
    """Without python-calamine an .xls is opened by pandas (xlrd, when installed); its sheets
    then take the same path. pandas' reading is stood in for here, so that the test runs without
    xlrd."""
    import solidna.analysis.io.workbook as wbk

    monkeypatch.setattr(wbk._Book, "_open_calamine", lambda self, head: False)
    grid = pd.DataFrame(_neware_bts8(_record()))
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(wbk.OLE_MAGIC + b"\x00" * 1024)
    monkeypatch.setattr(
        wbk.pd, "read_excel", lambda *a, **k: {"cycle": grid.head(1), "record": grid}
    )
    m = sio.read(legacy)
    assert m.metadata["sheet"] == "record"
    _check_round_trip(m)


def test_real_arbin_workbook_by_hand_gives_the_same_time_series():
    """The real Arbin export (navani's example) read as Arbin and read as a workbook with a
    column mapping: the same time, voltage and current."""
    path = Path(__file__).resolve().parents[1] / "data" / "arbin"
    path = path / "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"
    arbin = sio.read(path)
    mapped = sio.read(
        path, columns={"time": "Test_Time(s)", "voltage": "Voltage(V)", "current": "Current(A)"}
    )
    assert arbin.format == "arbin" and mapped.format == "workbook"
    assert mapped.metadata["sheet"] == "Channel_11_1"
    for col in (sio.TIME, sio.VOLTAGE, sio.CURRENT):
        np.testing.assert_array_equal(mapped.data[col], arbin.data[col])


def test_cli_analyze_sheet_option(tmp_path):
    from typer.testing import CliRunner

    from solidna.cli import app

    # two record-like sheets: --sheet picks the one asked for, by name or by position
    rec = _neware_bts8(_record())
    path = _write(tmp_path / "two.xlsx", {"notes": [["a note"]], "record": rec})
    base = ["analyze", str(path), "--kind", "nvp", "--mass", "1 mg"]
    for choice in ("record", "1"):
        out = tmp_path / f"out-{choice}"
        result = CliRunner().invoke(app, [*base, "--sheet", choice, "--out", str(out)])
        assert result.exit_code == 0, result.output
        summary = json.loads((out / "summary.json").read_text())
        assert summary["files"][0]["metadata"]["sheet"] == "record"
        assert summary["inputs"]["sheet"] == choice
    out = tmp_path / "out-missing"
    result = CliRunner().invoke(app, [*base, "--sheet", "cycle", "--out", str(out)])
    assert result.exit_code != 0
    assert "cycle" in result.output and "record" in result.output  # names the sheets there are
    assert "Traceback" not in result.output and not out.exists()
    # a CSV has no sheets: refused, not ignored
    csv = tmp_path / "record.csv"
    csv.write_text("Time [s],Voltage [V],Current [A]\n0,3.0,0.001\n1,3.1,0.001\n")
    result = CliRunner().invoke(
        app, [*base[:1], str(csv), *base[2:], "--sheet", "1", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code != 0 and "sheet" in result.output
    # with a surface kind the option acts on nothing: refused by the parser's kind table
    result = CliRunner().invoke(
        app, ["analyze", str(csv), "--kind", "xps", "--sheet", "1", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code != 0 and "--sheet" in result.output


def test_calamine_and_openpyxl_read_the_same_cells(tmp_path, monkeypatch):
    # python-calamine (fast, when installed) and openpyxl (the fallback) must give one table,
    # typed cells included (durations, date-times, a title row above the header)
    pytest.importorskip("python_calamine")
    import solidna.analysis.io.workbook as wbk

    rows = [["Neware export"], [], *_neware_bts8(_record())]
    path = _write(tmp_path / "both.xlsx", {**_summaries(), "record": rows})
    fast = sio.read(path)
    monkeypatch.setattr(wbk._Book, "_open_calamine", lambda self, head: False)
    slow = sio.read(path)
    pd.testing.assert_frame_equal(fast.data, slow.data)
    assert fast.metadata["sheet"] == slow.metadata["sheet"] == "record"
    _check_round_trip(fast)
