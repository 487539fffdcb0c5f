"""Fourth round of potentiostat and cycler layouts the readers had not seen (synthetic files with
the same structure as real public exports; no third-party file is copied here).

* Admiral Squidstat CSV: ``Working Electrode (V)``, ``Cumulative Charge (mAh)``;
* Metrohm Autolab NOVA text: ``WE(1).Current (A)``, ``WE(1).Potential (V)`` beside
  ``Potential applied (V)``, ``Q+``/``Q-``, decimal commas and ``;``;
* Spectro Inlets Zilien ``.tsv``: ~100 "key, description, channel, type, value" lines above a
  table whose series each have their own ``Time [s]`` column;
* a CSV that counts the current positive on discharge and says so nowhere (BatteryArchive's
  flow-cell layout ``i, v, cycle_index, test_time``): the voltage's response tells;
* the cycle table notes a negative charge-discharge gap (charge and discharge swapped);
* EC-Lab three-electrode records whose working-electrode potential is the average ``<Ewe/V>``;
* Maccor exports with ``MD``, ``Test Time (sec)`` and thousands separators (``1,005.3806``);
* an open-circuit text export (no current column) refused with what to do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.io import CAPACITY, CURRENT, CYCLE, TIME, VOLTAGE, read
from solidna.analysis.metrics import galvanostatic_cycles
from solidna.errors import DataFormatError


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------------------------
# Potentiostat column names: Squidstat "Working Electrode (V)", NOVA "WE(1).Potential (V)"
# --------------------------------------------------------------------------------------------
def test_squidstat_working_electrode_and_cumulative_charge(tmp_path: Path) -> None:
    # 0.5 mA for 60 s a row from t = 0: the running charge is 0.5 mA * t / 3600 (mAh)
    head = (
        '"Step number","Step name","Elapsed Time (s)","Working Electrode (V)",'
        '"Working Electrode vs. NHE (V)","Current (mA)","Current Density (mA/cm²)",'
        '"Cumulative Charge (mAh)","Counter Electrode (V)"'
    )
    t = 60.0 * np.arange(1, 9)
    rows = [
        f"1_1,Constant Current,{x:g},{0.20 + 1e-3 * k:.4f},{0.40 + 1e-3 * k:.4f},0.5,0,"
        f"{0.5 * x / 3600:.8f},-0.7"
        for k, x in enumerate(t)
    ]
    m = read(_write(tmp_path / "squid.csv", "\n".join([head, *rows]) + "\n"))
    np.testing.assert_allclose(m.data[TIME], t)
    np.testing.assert_allclose(m.data[VOLTAGE], 0.20 + 1e-3 * np.arange(8))  # not vs. NHE
    np.testing.assert_allclose(m.data[CURRENT], 5e-4)
    # the file's own running charge (from t = 0), not an integral starting at the first row
    np.testing.assert_allclose(m.data[CAPACITY], 5e-4 * t / 3600, rtol=1e-6)


def test_autolab_nova_channel_prefix_and_charge_columns(tmp_path: Path) -> None:
    head = (
        "Potential applied (V);Time (s);WE(1).Current (A);WE(1).Potential (V);Scan;Index;"
        "Q+;Q-;Current range;Overload"
    )
    t = 6.4 + 0.01 * np.arange(10)
    rows = [
        f"{0.5 + 0.001 * k:.4f};{x:.4f};{2e-5:.1E};{0.501 + 0.001 * k:.4f};1;{k + 1};"
        "3,3E-05;-2,2E-05;10 µA;"
        for k, x in enumerate(t)
    ]
    text = "\n".join([head, *[r.replace(".", ",") for r in rows]]) + "\n"
    m = read(_write(tmp_path / "nova.txt", text))
    np.testing.assert_allclose(m.data[TIME], t)
    np.testing.assert_allclose(m.data[VOLTAGE], 0.501 + 0.001 * np.arange(10))  # measured
    np.testing.assert_allclose(m.data[CURRENT], 2e-5)
    # Q+ / Q- (the scan's anodic and cathodic charge) are not a running capacity
    np.testing.assert_allclose(m.data[CAPACITY], 2e-5 * (t - t[0]) / 3600, rtol=1e-6, atol=1e-15)


# --------------------------------------------------------------------------------------------
# A table below a block of key/value lines whose values are numbers (Zilien .tsv)
# --------------------------------------------------------------------------------------------
def test_table_below_key_value_lines_with_numbers_and_repeated_time_columns(
    tmp_path: Path,
) -> None:
    meta = ["num_header_lines\tNumber of header lines\t\tint\t45"]
    for k in range(44):
        meta.append(f"save_interval\tThe minimum time between saved values\tMFC{k}\tdouble\t1.0")
    groups = "pot\t\t\t\tIongauge value\t\tC0M2\t"
    header = "Time [s]\tVoltage [V]\tCurrent [mA]\tCycle [n]\tTime [s]\tPressure [mbar]\t"
    header += "Time [s]\tM2-H2 [A]"
    t = 95.0 + 0.5 * np.arange(6)
    rows = [
        f"{x:.3f}\t{0.59 + 1e-4 * k:.4f}\t{1e-3:.1e}\t1\t{0.3 + k:.3f}\t6.2e-07\t{0.4 + k:.3f}"
        "\t2.3e-09"
        for k, x in enumerate(t)
    ]
    m = read(_write(tmp_path / "zilien.tsv", "\n".join([*meta, groups, header, *rows]) + "\n"))
    np.testing.assert_allclose(m.data[TIME], t)  # the potentiostat's own time column
    np.testing.assert_allclose(m.data[VOLTAGE], 0.59 + 1e-4 * np.arange(6))
    np.testing.assert_allclose(m.data[CURRENT], 1e-6)
    assert any("3 columns are named 'Time [s]'" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# The current's sign, checked against the voltage it drives
# --------------------------------------------------------------------------------------------
def _flow_cell(sign: float, cycles: int = 2, rows: int = 12) -> str:
    """Galvanostatic cycles at 0.2 A, 30 s a row; ``sign`` -1 writes the charge negative."""
    lines = ["i,v,cycle_index,test_time,cell_id"]
    t = 0.0
    for c in range(1, cycles + 1):
        for k in range(rows):  # charge: the voltage rises
            lines.append(f"{sign * 0.2:g},{1.25 + 0.01 * k:.4f},{c},{t:.1f},cell")
            t += 30.0
        for k in range(rows):  # discharge: the voltage falls
            lines.append(f"{-sign * 0.2:g},{1.20 - 0.01 * k:.4f},{c},{t:.1f},cell")
            t += 30.0
    return "\n".join(lines) + "\n"


def test_current_positive_on_discharge_is_turned_by_the_voltage_response(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="SI assumed"):
        m = read(_write(tmp_path / "flow.csv", _flow_cell(-1.0)))
    assert any("counts the current positive on discharge" in n for n in m.notes)
    d = m.data
    rising = np.r_[False, np.diff(d[VOLTAGE].to_numpy()) > 0]
    assert (d[CURRENT].to_numpy()[rising] > 0).all()  # charge positive after reading
    table = galvanostatic_cycles(d[TIME], d[VOLTAGE], d[CURRENT], cycle_index=d[CYCLE])
    # each half cycle: 0.2 A over 12 rows of 30 s (the end-value rule counts every row's interval)
    np.testing.assert_allclose(table["Charge capacity [A.h]"], 0.2 * 12 * 30 / 3600, rtol=0.1)
    assert (table["Charge-discharge gap [V]"] > 0).all()


def test_current_sign_kept_when_the_voltage_agrees(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="SI assumed"):
        m = read(_write(tmp_path / "flow.csv", _flow_cell(+1.0)))
    assert not any("positive on discharge" in n for n in m.notes)
    assert m.data[CURRENT].iloc[0] == pytest.approx(0.2)


def test_current_sign_not_judged_on_a_potentiostatic_record(tmp_path: Path) -> None:
    # a potential step: the current decays (no constant-current segment) and the potential is
    # the control, not a response
    t = np.arange(20.0)
    rows = [f"{x:g},{0.5 + 0.002 * k:.4f},{-1.0 / (1 + x):.5f}" for k, x in enumerate(t)]
    m = read(_write(tmp_path / "ca.csv", "\n".join(["t [s],E [V],I [mA]", *rows]) + "\n"))
    assert not any("positive on discharge" in n for n in m.notes)
    assert m.data[CURRENT].iloc[0] == pytest.approx(-1e-3)


def test_too_few_rows_to_judge_the_sign(tmp_path: Path) -> None:
    # three rows of a falling voltage under +0.1 A: too few to call the convention
    text = "Test Time / s,Voltage / V,Current / A\n0,3.7,0.1\n1,3.6,0.1\n2,3.5,0.1\n"
    m = read(_write(tmp_path / "tiny.csv", text))
    assert m.data[CURRENT].iloc[0] == pytest.approx(0.1)


def test_cycle_table_notes_a_negative_charge_discharge_gap() -> None:
    # charge and discharge swapped (the voltage falls under a positive current)
    t = 30.0 * np.arange(48)
    i = np.where((t // 360) % 2 == 0, -0.2, 0.2)
    v = np.where(i < 0, 1.25 + 1e-4 * (t % 360), 1.20 - 1e-4 * (t % 360))
    table = galvanostatic_cycles(t, v, i, cycle_index=1 + (t // 720).astype(int))
    assert (table["Charge-discharge gap [V]"] < 0).all()
    assert any("look swapped" in n for n in table.attrs["notes"])
    right = galvanostatic_cycles(t, v, -i, cycle_index=1 + (t // 720).astype(int))
    assert not any("look swapped" in n for n in right.attrs["notes"])


def test_a_gap_within_the_noise_is_not_called_swapped() -> None:
    # a cell with overpotentials within 1 mV: a gap of -0.5 mV says nothing about the sign
    t = 30.0 * np.arange(48)
    i = np.where((t // 360) % 2 == 0, -0.2, 0.2)
    v = np.where(i < 0, 1.2005, 1.2)
    table = galvanostatic_cycles(t, v, i, cycle_index=1 + (t // 720).astype(int))
    assert (table["Charge-discharge gap [V]"] < 0).all()
    assert not any("look swapped" in n for n in table.attrs["notes"])


# --------------------------------------------------------------------------------------------
# EC-Lab: a three-electrode record read from the averaged working-electrode potential
# --------------------------------------------------------------------------------------------
def test_eclab_three_electrode_note_for_the_averaged_potential(tmp_path: Path) -> None:
    head = ["EC-Lab ASCII FILE", "Nb header lines : 6", "", "Cyclic Voltammetry", ""]
    cols = ["mode", "time/s", "<I>/mA", "<Ewe/V>", "<Ece>/V", "Ewe-Ece/V"]
    rows = [
        f"2\t{0.1 * k:.1f}\t{0.01 * k:.3f}\t{0.9 - 0.01 * k:.3f}\t0.85\t{0.05 - 0.01 * k:.3f}"
        for k in range(4)
    ]
    m = read(_write(tmp_path / "cv.mpt", "\n".join(head + ["\t".join(cols)] + rows) + "\n"))
    np.testing.assert_allclose(m.data[VOLTAGE], [0.9, 0.89, 0.88, 0.87])
    assert any("'<Ewe/V>'" in n and "Ewe-Ece/V" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# Maccor: "MD" and "Test Time (sec)", and numbers with thousands separators ("1,005.3806")
# --------------------------------------------------------------------------------------------
def _maccor_md(times: list[float]) -> str:
    head = [
        "Today's Date:\t20 May 2019\tDate of Test:\t17 May 2019, 09:09:25 AM",
        "Filename:\tAA\tTester Channel:\t2",
        "Procedure:\tBB\tDescription:\tAA",
        "Comment:\tstored @ 25°C",
        "Rec\tCycle\tStep\tTest Time (sec)\tStep Time (sec)\tCapacity\tEnergy\tCurrent\tVoltage"
        "\tMD\tES\tDPT Time\tAux #1\t Units\t",
    ]
    rows = []
    for k, t in enumerate(times):
        rest = k == 0
        step_t = 0.0 if rest else t - times[1]
        cap = 0.0 if rest else 1.75 * step_t / 3600
        cells = [k + 1, 1, 3 if rest else 4, f"{t:,.4f}", f"{step_t:,.4f}", f"{cap:.6f}", 0]
        cells += ["0" if rest else "1.75", f"{3.6 + 1e-4 * k:.6f}", "R" if rest else "C", 1]
        cells += ["05/17/2019 9:09:25 AM", "25.3", " C  "]
        rows.append("\t".join(str(c) for c in cells) + "\t")
    return "\r\n".join(head + rows) + "\r\n"


def test_maccor_md_column_test_time_sec_and_thousands_separators(tmp_path: Path) -> None:
    times = [0.0, 300.0, 600.0, 900.0, 1005.3806, 1500.0, 2400.5]
    m = read(_write(tmp_path / "maccor.txt", _maccor_md(times), "cp1252"))
    assert m.format == "maccor"
    np.testing.assert_allclose(m.data[TIME], times)  # no row lost past 1,000 s
    np.testing.assert_allclose(m.data[CURRENT], [0] + [1.75] * 6)
    # the file's per-step counter: 1.75 A since the charge started at 300 s
    np.testing.assert_allclose(
        m.data[CAPACITY].iloc[1:], 1.75 * (np.array(times[1:]) - 300.0) / 3600, rtol=1e-5
    )


def test_csv_numbers_with_thousands_separators(tmp_path: Path) -> None:
    rows = [f"{t:,.2f}\t3.7\t0.5" for t in (0.0, 600.0, 1200.0, 12000.5)]
    m = read(_write(tmp_path / "t.txt", "\n".join(["Time [s]\tE [V]\tI [A]", *rows]) + "\n"))
    np.testing.assert_allclose(m.data[TIME], [0.0, 600.0, 1200.0, 12000.5])


def test_decimal_commas_are_not_taken_for_thousands(tmp_path: Path) -> None:
    rows = ["0;3,700;0,500", "1;3,701;0,500", "2;3,702;0,500", "3;3,703;0,500"]
    m = read(_write(tmp_path / "dc.csv", "\n".join(["t [s];E [V];I [A]", *rows]) + "\n"))
    np.testing.assert_allclose(m.data[VOLTAGE], [3.7, 3.701, 3.702, 3.703])
    np.testing.assert_allclose(m.data[CURRENT], 0.5)


# --------------------------------------------------------------------------------------------
# An open-circuit text export: time and potential, no current column
# --------------------------------------------------------------------------------------------
def test_open_circuit_text_export_is_refused_saying_what_to_do(tmp_path: Path) -> None:
    rows = [f"{10.0 * k:.6E}\t{2.8493 + 1e-4 * k:.7E}\t0\t2.7E-005" for k in range(1, 7)]
    text = "\n".join(["time/s\t<Ewe>/V\terror\t<Ece>/V\t", *rows])
    with pytest.raises(DataFormatError, match="no column for Current") as err:
        read(_write(tmp_path / "ocv.txt", text))
    assert "open-circuit" in str(err.value) and ".mpt" in str(err.value)
