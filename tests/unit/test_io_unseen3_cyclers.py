"""Third round of cycler layouts the readers had not seen (synthetic files with the same
structure as real public exports; no third-party file is copied here).

* Maccor MIMS text with ``Test (Min)``/``Test (Hr)``; its first-line metadata; an unsigned
  ``Amp-hr`` that runs on from charge into discharge; a Maccor comma export whose ``TestTime``
  unit only its wall clock tells;
* BatteryArchive / battery-data-toolkit CSV: impedance columns left empty, ``V_min`` statistics
  in the summary, charge and discharge capacity counters;
* a Novonix full export (the header below ~700 protocol lines); BaSyTec ``~Time[s]``, ``U[V]``;
* EC-Lab open-circuit records (no current column), loops notes, three-electrode records;
* a capacity column checked against the integral of the current, and the mean voltage.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.io import CAPACITY, CURRENT, CYCLE, TIME, VOLTAGE, read, split_header
from solidna.errors import DataFormatError


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------------------------
# Maccor: the unit of the test time is in the header ("Test (Min)", "Test (Hr)")
# --------------------------------------------------------------------------------------------
def _maccor(time_header: str, times: list[float], amp_hr: list[float] | None = None) -> str:
    head = [
        "Today's Date 01/02/2026  Date of Test:\t01/01/2026\t Filename:\tC:\\x\\cell.001 "
        "Procedure: form.000\tComment/Barcode: ",
        f"Rec#\tCyc#\tStep\t{time_header}\tStep (Min)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES"
        "\tDPt Time",
    ]
    modes = ["R", "C", "C", "C", "D", "D", "D"]
    amps = [0.0, 0.001, 0.001, 0.001, -0.001, -0.001, -0.001]
    amp_hr = amp_hr or [0.0] * len(times)
    rows = []
    for k, (t, md, i, q) in enumerate(zip(times, modes, amps, amp_hr, strict=True)):
        step = {"R": 1, "C": 2, "D": 3}[md]
        rows.append(
            f"{k + 1}\t0\t{step}\t{t:.4f}\t0.0000\t{q:.10f}\t0.0\t{i:.10f}\t3.5\t{md}\t1\t12:00:00"
        )
    return "\r\n".join(head + rows) + "\r\n"


@pytest.mark.parametrize(("header", "factor"), [("Test (Min)", 60.0), ("Test (Hr)", 3600.0)])
def test_maccor_test_time_unit_from_the_header(tmp_path: Path, header: str, factor: float) -> None:
    times = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    m = read(_write(tmp_path / "cell.001", _maccor(header, times), "latin-1"))
    assert m.format == "maccor"
    np.testing.assert_allclose(m.data[TIME], np.array(times) * factor)
    np.testing.assert_allclose(m.data[CURRENT], [0, 1e-3, 1e-3, 1e-3, -1e-3, -1e-3, -1e-3])
    assert m.data[CYCLE].min() == 1


# --------------------------------------------------------------------------------------------
# CSV with an impedance part of the schema left empty
# --------------------------------------------------------------------------------------------
def test_csv_with_empty_impedance_columns_is_a_time_series(tmp_path: Path) -> None:
    header = (
        "Cycle_Index,Step,Time_s,Current_A,Voltage_V,Charge_Capacity_Ah,Discharge_Capacity_Ah,"
        "Frequency_Hz,Z_Imag_Ohm,Z_Real_Ohm,Cycle_Label"
    )
    rows = []
    for k in range(8):
        t = 10.0 * k
        i = 0.0 if k < 2 else -0.002
        q = max(0.0, 0.002 * (t - 10.0) / 3600)
        rows.append(f"1,{1 if k < 2 else 2},{t},{i},{3.3 - 0.01 * k:.3f},0,{q:.8f},NaN,NaN,NaN,")
    m = read(_write(tmp_path / "p1-raw.csv", "\n".join([header] + rows) + "\n"))
    assert m.kind == "timeseries"
    np.testing.assert_allclose(m.data[TIME], np.arange(8) * 10.0)
    assert (m.data[CURRENT].iloc[2:] < 0).all()
    np.testing.assert_allclose(m.data[VOLTAGE].iloc[-1], 3.23)
    # 2 mA for 60 s of discharge (the file's counters, written to 8 decimals)
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], -0.002 * 60 / 3600, rtol=1e-3)


def test_csv_impedance_rows_beside_a_time_series_are_set_aside(tmp_path: Path) -> None:
    header = "Time_s,Current_A,Voltage_V,Frequency_Hz,Z_Real_Ohm,Z_Imag_Ohm"
    rows = [f"{10.0 * k},0.001,{3.3 + 0.01 * k:.3f},NaN,NaN,NaN" for k in range(6)]
    # two impedance rows recorded in the middle of the record (no current column value)
    rows[3:3] = ["35,,3.33,1000,0.05,-0.01", "36,,3.33,100,0.06,-0.02"]
    m = read(_write(tmp_path / "mixed.csv", "\n".join([header] + rows) + "\n"))
    assert m.kind == "timeseries"
    assert len(m.data) == 6
    assert any("impedance" in n for n in m.notes)


def test_maccor_capacity_counter_running_on_from_charge_into_discharge(tmp_path: Path) -> None:
    # Amp-hr counts on (unsigned) across the switch from charge to discharge instead of
    # restarting: what the discharge adds must be subtracted from the net charge
    times = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    amp_hr = [0.0, 1e-5, 2e-5, 3e-5, 4e-5, 5e-5, 6e-5]
    m = read(_write(tmp_path / "cell.001", _maccor("Test (Min)", times, amp_hr), "latin-1"))
    np.testing.assert_allclose(m.data[CAPACITY], [0, 1e-5, 2e-5, 3e-5, 2e-5, 1e-5, 0], atol=1e-12)


def test_maccor_capacity_counter_restarting_at_each_step(tmp_path: Path) -> None:
    # the usual Maccor counter: back to zero at each step (the net charge goes on from there)
    times = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    amp_hr = [0.0, 1e-5, 2e-5, 3e-5, 1e-5, 2e-5, 3e-5]
    m = read(_write(tmp_path / "cell.001", _maccor("Test (Min)", times, amp_hr), "latin-1"))
    np.testing.assert_allclose(m.data[CAPACITY], [0, 1e-5, 2e-5, 3e-5, 2e-5, 1e-5, 0], atol=1e-12)


# --------------------------------------------------------------------------------------------
# "_min" after a quantity: a minimum (a per-cycle summary column), unless the stem is a time
# --------------------------------------------------------------------------------------------
def test_split_header_min_suffix_is_minutes_only_after_a_time() -> None:
    assert split_header("test_time_min") == ("test_time", "min")
    assert split_header("Step_Time_min") == ("Step_Time", "min")
    assert split_header("V_min") == ("V_min", None)
    assert split_header("I_min") == ("I_min", None)


def test_cycle_summary_table_is_refused_for_what_it_lacks(tmp_path: Path) -> None:
    header = "Cycle_Index,Time_s,Q_chg,Q_dis,CE,V_min,V_max,V_avg,I_min,I_max,I_avg,T_min,T_max"
    rows = ["1,0,NaN,0.0007,NaN,3,3.27,3.08,-0.00095,0,-0.0004,29.7,29.9"]
    rows += ["2,6359.94,0.0218,0.0217,0.99,3,4.1,3.69,-0.00095,0.00095,0,29.6,29.9"]
    path = _write(tmp_path / "p1-summary.csv", "\n".join([header] + rows) + "\n")
    with pytest.raises(DataFormatError, match=r"no column for Voltage \[V\], Current \[A\]"):
        read(path)


# --------------------------------------------------------------------------------------------
# A preamble longer than the lines sniffed (Novonix full export: summary + protocol sections)
# --------------------------------------------------------------------------------------------
def test_csv_header_below_a_long_protocol_section(tmp_path: Path) -> None:
    lines = ["[Summary]", "Novonix HPC data file", "Started: 1/3/2019 9:33:48 AM", "[End Summary]"]
    lines += ["[Protocol]"]
    for k in range(150):
        lines += [
            "[Constant current charge]",
            f"   [Charge_current {k % 5 + 1} A]",
            "   [Trip conditions]",
            "      [0 End step if step time is longer than 10 seconds]",
            "[End charge]",
        ]
    lines += ["[End Protocol]", "[Data]"]
    lines += [
        "Date and Time,Cycle Number,Step Number,Run Time (h), Step Time (h),Current (A),"
        "Potential (V),Capacity (Ah),Temperature (°C)"
    ]
    for k in range(12):
        i = 0.0 if k < 4 else 0.5
        lines.append(
            f"1/3/2019 9:{33 + k}:48 AM,1,{0 if k < 4 else 1},{k / 60:.7f},{k / 60:.7f},"
            f"{i:.10f},{3.5 + 0.01 * k:.8f},{max(0, k - 4) * 0.5 / 60:.10f},20.0"
        )
    m = read(_write(tmp_path / "novonix.csv", "\n".join(lines) + "\n"))
    assert m.kind == "timeseries"
    assert len(m.data) == 12
    np.testing.assert_allclose(m.data[TIME].iloc[-1], 11 * 60.0, rtol=1e-6)
    np.testing.assert_allclose(m.data[CURRENT].iloc[-1], 0.5)
    np.testing.assert_allclose(m.data[VOLTAGE].iloc[0], 3.5)


# --------------------------------------------------------------------------------------------
# EC-Lab open-circuit record: no current column, every row in mode 3 (rest)
# --------------------------------------------------------------------------------------------
def test_eclab_open_circuit_record_without_current_column(tmp_path: Path) -> None:
    head = [
        "EC-Lab ASCII FILE",
        "Nb header lines : N",
        "",
        "Open Circuit Voltage",
        "",
        "Acquisition started on : 04.22.2015 16:16:38",
        "Electrode surface area : 0,001 cm²",
        "tR (h:m:s)          0:15:0,0000         ",
        "",
        "Number of loops : 1",
        "Loop 0 from point number 0 to 5",
        "",
    ]
    head[1] = f"Nb header lines : {len(head) + 1}"
    rows = [f"3\t0\t{456603.5 + 0.25 * k:.4f}\t{3.2423 - 0.001 * k:.6f}" for k in range(6)]
    rows = [r.replace(".", ",") for r in rows]
    text = "\n".join(head + ["mode\terror\ttime/s\tEwe/V"] + rows) + "\n"
    m = read(_write(tmp_path / "ocv.mpt", text, "latin-1"))
    assert m.kind == "timeseries"
    np.testing.assert_allclose(m.data[CURRENT], 0.0)
    np.testing.assert_allclose(m.data[VOLTAGE].iloc[0], 3.2423)
    np.testing.assert_allclose(m.data[TIME].iloc[-1] - m.data[TIME].iloc[0], 1.25)
    assert any("mode 3" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# A capacity counter checked against the integral of the current
# --------------------------------------------------------------------------------------------
def _maccor_charge(amp_hr: list[float]) -> str:
    head = [
        "Today's Date 01/02/2026  Date of Test:\t01/01/2026\t Filename:\tC:\\x\\c.001",
        "Rec#\tCyc#\tStep\tTest (Sec)\tStep (Sec)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time",
    ]
    rows = [
        f"{k + 1}\t0\t1\t{10.0 * k:.4f}\t{10.0 * k:.4f}\t{q:.10f}\t0.0\t0.1000000000\t3.5\tC\t1\t"
        "12:00:00"
        for k, q in enumerate(amp_hr)
    ]
    return "\r\n".join(head + rows) + "\r\n"


def test_capacity_counter_that_stands_still_while_current_flows_is_not_used(
    tmp_path: Path,
) -> None:
    m = read(_write(tmp_path / "c.001", _maccor_charge([0.0] * 8), "latin-1"))
    # 0.1 A for 70 s, integrated instead of the counter that never moved
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], 0.1 * 70 / 3600, rtol=1e-9)
    assert any("integral of the current" in n for n in m.notes)


@pytest.mark.parametrize("share", [0.6, 0.4])
def test_capacity_counter_far_from_the_current_integral_is_noted(
    tmp_path: Path, share: float
) -> None:
    # the counter rises at 60 % (40 %) of the rate the current gives (a wrong time unit or
    # current): the instrument's counter is kept, the mismatch noted
    amp_hr = [share * 0.1 * 10.0 * k / 3600 for k in range(8)]
    m = read(_write(tmp_path / "c.001", _maccor_charge(amp_hr), "latin-1"))
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], amp_hr[-1], rtol=1e-6)
    assert any("integral of the current" in n and f"{share:.0%}" in n for n in m.notes)


def test_capacity_counter_that_matches_the_current_gives_no_note(tmp_path: Path) -> None:
    amp_hr = [0.1 * 10.0 * k / 3600 for k in range(8)]
    m = read(_write(tmp_path / "c.001", _maccor_charge(amp_hr), "latin-1"))
    assert not any("integral of the current" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# The mean voltage stays a mean of the measured voltages when the counter disagrees
# --------------------------------------------------------------------------------------------
def test_mean_voltage_within_the_measured_range_with_a_disagreeing_counter() -> None:
    from solidna.analysis.metrics import galvanostatic_cycles

    t = np.arange(0.0, 7200.0, 60.0)
    i = np.where(t < 3600, 1e-3, -1e-3)
    v = np.where(i > 0, 3.8 + t / 36000, 3.4 - (t - 3600) / 36000)
    # a counter at half the charge the current gives (e.g. a wrong time unit in the file)
    q = 0.5 * np.cumsum(np.r_[0.0, i[1:] * np.diff(t)]) / 3600
    table = galvanostatic_cycles(t, v, i, q)
    row = table.iloc[0]
    assert v[i > 0].min() <= row["Mean charge voltage [V]"] <= v[i > 0].max()
    assert v[i < 0].min() <= row["Mean discharge voltage [V]"] <= v[i < 0].max()
    np.testing.assert_allclose(row["Charge capacity [A.h]"], q[t < 3600].max(), rtol=1e-9)


# --------------------------------------------------------------------------------------------
# BaSyTec-style result file: "~" comment lines, the header line itself starting with "~",
# the voltage named U (the IEC symbol)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sep", ["\t", ","])
def test_tilde_header_and_u_for_voltage(tmp_path: Path, sep: str) -> None:
    head = [
        "~Resultfile from a battery test system",
        "~Date and Time of Data Converting: 19.05.2025 14:36:50",
        "~",
        sep.join(["~Time[h]", "DataSet", "t-Step[h]", "Line", "Command", "U[V]", "I[A]"]),
    ]
    rows = [
        sep.join([f"{k / 1000:.6f}", str(k + 1), "0", "2", cmd, f"{u:.3f}", f"{i:g}"])
        for k, (cmd, u, i) in enumerate(
            [("Pause", 2.875, 0), ("Charge", 2.9, 0.005), ("Charge", 2.95, 0.005)]
        )
    ]
    m = read(_write(tmp_path / "cell.txt", "\n".join(head + rows) + "\n", "latin-1"))
    np.testing.assert_allclose(m.data[TIME], [0.0, 3.6, 7.2])
    np.testing.assert_allclose(m.data[VOLTAGE], [2.875, 2.9, 2.95])
    np.testing.assert_allclose(m.data[CURRENT], [0, 0.005, 0.005])


def test_eclab_loop_note_only_when_the_rows_span_several_loops(tmp_path: Path) -> None:
    # a truncated copy: the header lists 2 loops, the rows hold only the first
    head = ["EC-Lab ASCII FILE", "Nb header lines : N", "", "Galvanostatic Cycling", ""]
    head += ["Number of loops : 2", "Loop 0 from point number 0 to 99"]
    head += ["Loop 1 from point number 100 to 199", ""]
    head[1] = f"Nb header lines : {len(head) + 1}"
    rows = [
        f"1\t{10.0 * k:.4f}\t{1.5 + 0.01 * k:.4f}\t0.04\t{0.04 * 10 * k / 3600:.8f}"
        for k in range(5)
    ]
    text = "\n".join(head + ["mode\ttime/s\tEwe/V\t<I>/mA\t(Q-Qo)/mA.h"] + rows) + "\n"
    m = read(_write(tmp_path / "gcpl.mpt", text, "latin-1"))
    assert not any("loops" in n for n in m.notes)
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], 0.04e-3 * 40 / 3600, rtol=1e-4)


def test_assumed_unit_note_does_not_repeat_the_path(tmp_path: Path) -> None:
    path = _write(tmp_path / "plain.csv", "time,voltage,current\n0,3.5,0.1\n10,3.6,0.1\n")
    with pytest.warns(UserWarning, match="plain.csv: no unit in the header"):
        m = read(path)
    assert any(n.startswith("no unit in the header") for n in m.notes)


def test_maccor_mims_first_line_metadata_split_at_its_keys(tmp_path: Path) -> None:
    times = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    m = read(_write(tmp_path / "cell.001", _maccor("Test (Min)", times), "latin-1"))
    assert m.metadata["Filename"] == "C:\\x\\cell.001"
    assert m.metadata["Procedure"] == "form.000"
    assert m.metadata["Date of Test"] == "01/01/2026"


# --------------------------------------------------------------------------------------------
# Charge and discharge capacity counters in a CSV give the net charge
# --------------------------------------------------------------------------------------------
def test_csv_charge_and_discharge_counters_give_the_net_charge(tmp_path: Path) -> None:
    # per-cycle counters (Arbin, BatteryArchive); the first discharge sample is logged while
    # the current still ramps, so the integral of the logged current falls short
    header = "Cycle_Index,Time_s,Current_A,Voltage_V,Charge_Capacity_Ah,Discharge_Capacity_Ah"
    rows = ["1,0,0,3.3,0,0", "1,10,-0.00002,3.29,0,0.0000012"]
    rows += [
        f"1,{10 + 200 * k},-0.00095,{3.28 - 0.01 * k:.2f},0,{0.0000012 + 0.00095 * 200 * k / 3600:.8f}"
        for k in range(1, 6)
    ]
    rows += [
        f"2,{1010 + 200 * k},0.00095,{3.2 + 0.01 * k:.2f},{0.00095 * 200 * k / 3600:.8f},0"
        for k in range(1, 4)
    ]
    m = read(_write(tmp_path / "p-raw.csv", "\n".join([header] + rows) + "\n"))
    dis = 0.0000012 + 0.00095 * 200 * 5 / 3600
    chg = 0.00095 * 200 * 3 / 3600
    np.testing.assert_allclose(m.data[CAPACITY].iloc[6], -dis, rtol=1e-4)
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], chg - dis, rtol=1e-4)
    assert any("charge and discharge capacity" in n for n in m.notes)


def test_eclab_three_electrode_record_names_the_voltage_it_reads(tmp_path: Path) -> None:
    head = ["EC-Lab ASCII FILE", "Nb header lines : 6", "", "Galvanostatic Cycling", ""]
    cols = ["mode", "time/s", "<I>/mA", "Ewe/V", "Ece/V", "Ewe-Ece/V"]
    rows = [
        f"1\t{10.0 * k:.1f}\t0.12\t{0.01 * k:.3f}\t-0.95\t{0.96 + 0.01 * k:.3f}" for k in range(4)
    ]
    m = read(_write(tmp_path / "gcpl.mpt", "\n".join(head + ["\t".join(cols)] + rows) + "\n"))
    np.testing.assert_allclose(m.data[VOLTAGE], [0.0, 0.01, 0.02, 0.03])
    assert any("Ewe-Ece/V" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# A time column without a unit, checked against a wall-clock column (Maccor comma export)
# --------------------------------------------------------------------------------------------
def test_csv_time_without_unit_takes_the_unit_the_wall_clock_shows(tmp_path: Path) -> None:
    head = ["Today''s Date,04/08/2019 1:39:09 PM", "Date of Test:,02/28/2018 11:12:44 AM"]
    head += ["Rec#,Cyc#,Step,TestTime,StepTime,Amp-hr,Amps,Volts,State,DPt Time,"]
    rows = []
    for k in range(8):
        md, amps = ("R", 0.0) if k < 4 else ("C", 1.5)
        stamp = f"02/28/2018 11:12:{44 + k:02d} AM"
        rows.append(f"{k + 1},0,1,{k / 60:.10f},{k / 60:.10f},0.00,{amps:.2f},3.93,{md},{stamp}")
    m = read(_write(tmp_path / "maccor.csv", "\r\n".join(head + rows) + "\r\n"))
    np.testing.assert_allclose(m.data[TIME], np.arange(8.0), rtol=1e-6)
    assert any("wall clock" in n for n in m.notes)
    assert m.data[CYCLE].min() == 1


def test_csv_time_without_unit_not_read_off_a_duration_column(tmp_path: Path) -> None:
    # a step-time column of durations is no wall clock: the time stays in s (assumed, warned)
    rows = [f"{60.0 * k},00:{k:02d}:00,3.5,0.1" for k in range(5)]
    path = _write(tmp_path / "d.csv", "\n".join(["time,step time,voltage,current"] + rows) + "\n")
    with pytest.warns(UserWarning, match="SI assumed"):
        m = read(path)
    np.testing.assert_allclose(m.data[TIME], 60.0 * np.arange(5))
    assert not any("wall clock" in n for n in m.notes)
