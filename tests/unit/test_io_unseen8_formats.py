"""Layouts of an eighth round of public files (synthetic twins of their structure only).

* An unsigned current: a cycler export that writes the current as a magnitude and leaves out
  the mode column (PyProBE's Maccor sample: ``Rec, Cycle C, Step, Test Time (sec), ...,
  Capacity, Energy, Current, Voltage, DPT Time``). Before, every discharge was read as a
  charge; now each current-carrying stretch takes the sign of the voltage's drift within it.
* CH Instruments chronopotentiometry: ``Time/sec, Potential/V`` only, the currents, times and
  potential limits in the header; the current is rebuilt from that programme (was refused).
* Gamry Virtual Front Panel (VFP600): a ``VFPCURVE`` of Voltage and Current without time,
  sampled at the header's ``FREQ`` (gamry-parser's test: T[-1] = 19/15 s); was refused.
* Scribner ZView's own data file (``"ZView Calculated Data File: Version 1.1"``): format
  ``zview-eis`` (was labelled ``autolab-eis``; the numbers were right).

Controls (pass before and after): a signed export of the same cycle, a charge-only record at
two currents (its second stage starts below the first), a record with a current column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.io import CAPACITY, CURRENT, TIME, VOLTAGE, Z_IM, Z_RE, read
from solidna.errors import DataFormatError

# --------------------------------------------------------------------------------------------
# An unsigned current (Maccor-style CSV without the Md column)
# --------------------------------------------------------------------------------------------
_MACCOR_NAMES = (
    "Rec,Cycle C,Step,Test Time (sec),Step Time (sec),Capacity,Energy,Current,Voltage,"
    "DPT Time,Temp 1"
)


def _maccor_csv(path: Path, stages: list[tuple[int, float, float]], signed: bool = False) -> Path:
    """A Maccor-style CSV of 10 s of rest then, per stage (step, current [A], dV/dt [V/s]),
    60 rows at 1 s; the current written unsigned unless ``signed``."""
    lines = ["Today's Date ,01-Dec-26", "Date of Test:,01-Dec-26 9:00:00 AM", _MACCOR_NAMES]
    rec, t, v = 1, 0.0, 3.668
    for k in range(10):
        lines.append(f"{rec},1,1,{t:.4f},{k:.4f},0,0,0,{v:.4f},01-Dec-26 9:00:00 AM,22.3")
        rec, t = rec + 1, t + 1
    for step, amps, slope in stages:
        for k in range(60):
            v += slope
            cap = abs(amps) * k / 3600
            current = amps if signed else abs(amps)
            lines.append(
                f"{rec},1,{step},{t:.4f},{k:.4f},{cap:.6f},0,{current:.3f},{v:.4f},"
                "01-Dec-26 9:00:00 AM,22.3"
            )
            rec, t = rec + 1, t + 1
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


# the export's names carry no units (as the sample's): the warning saying so is expected
_NO_UNITS = pytest.mark.filterwarnings(
    "ignore:.*no unit in the header:solidna.errors.SolidnaWarning"
)


@_NO_UNITS
def test_unsigned_current_takes_the_sign_of_the_voltage_drift(tmp_path):
    # charge at 10 A (voltage rising), then discharge at 10 A (falling), current unsigned
    path = _maccor_csv(tmp_path / "unsigned.csv", [(2, 10.0, 0.005), (3, -10.0, -0.005)])
    m = read(path)
    i = m.data[CURRENT].to_numpy()
    step = m.data["Step"].to_numpy()
    assert np.all(i[step == 2] == pytest.approx(10.0))
    assert np.all(i[step == 3] == pytest.approx(-10.0))  # was +10 A: the discharge as a charge
    # net charge back to ~0 at the end (was +0.333 Ah: 120 s at +10 A)
    assert abs(m.data[CAPACITY].iloc[-1]) < 0.01
    assert any("current is unsigned in the file" in n for n in m.notes)


@_NO_UNITS
def test_signed_export_of_the_same_cycle_is_unchanged(tmp_path):
    path = _maccor_csv(tmp_path / "signed.csv", [(2, 10.0, 0.005), (3, -10.0, -0.005)], True)
    m = read(path)
    assert m.data[CURRENT].min() == pytest.approx(-10.0)
    assert not any("current is unsigned" in n for n in m.notes)


@_NO_UNITS
def test_charge_at_two_currents_is_not_taken_for_an_unsigned_record(tmp_path):
    # a two-stage charge: the second, lower current starts below where the first ended
    # (less overpotential) but the voltage still rises within it: both stay charges
    path = _maccor_csv(tmp_path / "two_stage.csv", [(2, 10.0, 0.005), (3, 5.0, 0.002)])
    lines = path.read_text().splitlines()
    # drop the voltage by 50 mV at the switch to the second stage (the ohmic step)
    out = []
    for line in lines:
        cells = line.split(",")
        if len(cells) == 11 and cells[2] == "3":
            cells[8] = f"{float(cells[8]) - 0.05:.4f}"
        out.append(",".join(cells))
    path.write_text("\r\n".join(out) + "\r\n")
    m = read(path)
    assert m.data[CURRENT].min() >= 0
    assert not any("current is unsigned" in n for n in m.notes)


@_NO_UNITS
def test_unsigned_current_whose_stretches_do_not_tell_is_kept_and_said(tmp_path):
    # charge and discharge tell their direction, a long flat stretch at 10 A does not: the
    # current is kept as written (no sign guessed) and the note says it may be unsigned
    path = _maccor_csv(
        tmp_path / "flat.csv", [(2, 10.0, 0.005), (3, -10.0, -0.005), (4, 10.0, 0.0)]
    )
    m = read(path)
    assert m.data[CURRENT].min() >= 0
    assert any("if the export wrote the current unsigned" in n for n in m.notes)


def test_charge_at_a_lower_current_after_a_fast_stage_stays_a_charge(tmp_path):
    # BEEP's fast-charge record (Arbin, 2017-05-09_test-TC-contact_CH33): 6.6 A with the
    # voltage rising 3.30 -> 3.60 V, then 1.1 A with the voltage falling 3.47 -> 3.38 V as the
    # overpotential relaxes, then flat: a charge throughout, never negative, no step column
    t1 = np.arange(60.0) * 3.0
    v1 = 3.30 + 0.30 * t1 / t1[-1]
    t2 = t1[-1] + 0.2 + np.arange(60.0) * 5.0
    v2 = 3.38 + 0.09 * np.exp(-(t2 - t2[0]) / 40.0)
    rows = [(a, b, 6.6) for a, b in zip(t1, v1, strict=True)]
    rows.append((t1[-1] + 0.1, 3.47, 1.5e-4))
    rows += [(a, b, 1.1) for a, b in zip(t2, v2, strict=True)]
    lines = ["Time [s],Voltage [V],Current [A]"] + [f"{a:.4f},{b:.5f},{c:g}" for a, b, c in rows]
    path = tmp_path / "fast_charge.csv"
    path.write_text("\n".join(lines) + "\n")
    m = read(path)
    assert m.data[CURRENT].min() >= 0
    assert m.data[CAPACITY].iloc[-1] == pytest.approx((6.6 * 177 + 1.1 * 295) / 3600, rel=0.02)
    assert not any("current is unsigned" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# CH Instruments chronopotentiometry
# --------------------------------------------------------------------------------------------
def _chi_cp(path: Path, init: str = "P", high: float = 1.0, rows: int = 251) -> Path:
    """1 mA anodic / 1 mA cathodic for 100 s each, 3 segments, 1 s a row; started anodic, the
    potential rises 10 mV/s from 0.5 V and reaches the high limit (1.0 V) at 50 s."""
    head = [
        "Dec. 01, 2026   10:00:00",
        "Chronopotentiometry",
        "File: d:\\lab\\cp.bin",
        "Instrument Model:  CHI760E",
        "",
        "Cathodic Current (A) = 1e-3",
        "Anodic Current (A) = 1e-3",
        f"High E Limit (V) = {high}",
        "Low E Limit (V) = 0",
        "Cathodic Time (s) = 100",
        "Anodic Time (s) = 100",
        f"Init P/N = {init}",
        "Data Storage Interval (s) = 1",
        "Quiet Time (sec) = 2",
        "Segment = 3",
        "",
        "Time/sec, Potential/V",
    ]
    t = np.arange(rows, dtype=float)
    if init == "P":
        e = np.where(t <= 50, 0.5 + 0.01 * t, np.where(t <= 150, 1.0 - 0.005 * (t - 50), 0.5))
    else:  # cathodic first: the potential falls for 100 s, then rises
        e = np.where(t < 100, 0.9 - 0.004 * t, 0.5 + 0.004 * (t - 100))
    body = [f"{a:.3f}, {b:.4f}" for a, b in zip(t, e, strict=True)]
    path.write_text("\r\n".join(head + body) + "\r\n")
    return path


def test_chi_chronopotentiometry_current_from_the_header(tmp_path):
    m = read(_chi_cp(tmp_path / "cp.txt"))
    t = m.data[TIME].to_numpy()
    i = m.data[CURRENT].to_numpy()
    # anodic until the potential reaches the 1.0 V limit at 50 s, then cathodic for 100 s,
    # then anodic again (by time)
    assert i[t <= 50] == pytest.approx(1e-3)
    assert i[(t >= 51) & (t < 151)] == pytest.approx(-1e-3)
    assert i[t >= 151] == pytest.approx(1e-3)
    assert any("chronopotentiometry programme" in n for n in m.notes)


def test_chi_chronopotentiometry_starting_cathodic(tmp_path):
    # a high limit never reached: segments by time only, starting cathodic (Init P/N = N)
    m = read(_chi_cp(tmp_path / "cp_n.txt", init="N", high=5.0, rows=150))
    i = m.data[CURRENT].to_numpy()
    t = m.data[TIME].to_numpy()
    assert i[t < 100] == pytest.approx(-1e-3)
    assert i[t >= 100] == pytest.approx(1e-3)


def test_chi_chronopotentiometry_past_its_segments_is_refused(tmp_path):
    # 3 segments of 100 s by time (limit never reached): rows after 300 s are not covered
    with pytest.raises(DataFormatError, match="runs on past its 3 segment"):
        read(_chi_cp(tmp_path / "cp_long.txt", high=5.0, rows=320))


# --------------------------------------------------------------------------------------------
# Gamry VFP600 and ZView
# --------------------------------------------------------------------------------------------
def test_gamry_vfp600_time_from_the_acquisition_frequency(tmp_path):
    rows = [(0.03 + 0.001 * k, 5e-10 + 1e-12 * k) for k in range(20)]
    text = (
        "VFP600\nTAG\tVFP600\nCTRLMODE\tIQUANT\t1\tControl Mode\n"
        "FREQ\tQUANT\t1.50000E+1\tAcquisition Frequency (Hz)\nVFPCURVE\tTABLE\n"
        "\tVoltage\tCurrent\n\tV\tA\n" + "".join(f"\t{v:.6f}\t{i:.6E}\n" for v, i in rows)
    )
    path = tmp_path / "vfp600_data.dta"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    m = read(path)
    assert m.kind == "timeseries"
    assert m.data[TIME].iloc[0] == 0
    assert m.data[TIME].iloc[-1] == pytest.approx(19 / 15)  # gamry-parser: round(T*100) = 127
    assert m.data[VOLTAGE].iloc[-1] == pytest.approx(0.049)
    assert m.data[CURRENT].iloc[-1] == pytest.approx(5.19e-10)


def test_zview_data_file_is_named_zview(tmp_path):
    text = (
        '"ZView Calculated Data File: Version 1.1"\n'
        "\"  Freq (Hz)    Ampl     Bias   Time(Sec)   Z'(a)    Z''(b)    GD   Err   Range\"\n"
    )
    for k, f in enumerate(np.logspace(5, 0, 12)):
        text += f" {f:.6E},  0,  0,  {k + 1:.6E},  {100 + k:.6E}, {-10 - k:.6E},  0, 0, 0\n"
    path = tmp_path / "calc.z"
    path.write_text(text)
    m = read(path)
    assert m.format == "zview-eis"  # was autolab-eis
    assert m.data[Z_RE].iloc[0] == pytest.approx(100)
    assert m.data[Z_IM].iloc[0] == pytest.approx(-10)


# --------------------------------------------------------------------------------------------
# Dates readable in both orders: the second order from the distinct dates only
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("padded", [True, False])
def test_both_order_clock_equals_a_full_conversion(padded):
    from solidna.analysis.io._table import read_clock

    stamps = pd.Timestamp("2024-02-01 23:00:00") + pd.to_timedelta(np.arange(500) * 600.0, "s")
    fmt = "%d/%m/%Y %H:%M:%S" if padded else "%-d/%-m/%Y %H:%M:%S"
    text = pd.Series(stamps.strftime(fmt))
    read, order, why = read_clock(text)
    assert order == "day/month/year" and why.startswith("assumed")
    full = pd.to_datetime(text, format="%d/%m/%Y %H:%M:%S")
    assert (read == full).all()


# --------------------------------------------------------------------------------------------
# Gamry DC curves: decimal commas (a German Windows locale), the open-circuit technique
# --------------------------------------------------------------------------------------------
_GAMRY_HEAD = (
    "EXPLAIN\nTAG\t{tag}\nTITLE\tLABEL\tExperiment-Title\tTest &Identifier\n"
    "DATE\tLABEL\t3/10/2019\tDate\nTIME\tLABEL\t12:00:00\tTime\n"
    "SAMPLETIME\tQUANT\t3,00000E+001\tSa&mple Period (s)\n"
    "CONVENTION\tIQUANT\t1\tCurrent Convention\nCURVE\tTABLE\t10\n"
)


def _gamry_dta(path: Path, tag: str, names: str, units: str, rows: list[str]) -> Path:
    """A Gamry .DTA of the technique ``tag`` with one CURVE table (tab-separated cells)."""
    table = f"\t{names}\n\t{units}\n" + "".join(f"\t{r}\n" for r in rows)
    path.write_text(_GAMRY_HEAD.format(tag=tag) + table)
    return path


def test_gamry_curve_with_decimal_commas(tmp_path):
    # gamry-parser's chronoa_de_data.dta: T 0 ... 270 s, Vf "4,99669E-001", Im "1,40441E-008"
    rows = [
        f"{k}\t{30 * k}\t{0.5 - 1e-5 * k:.5E}\t{1e-8 / (k + 1):.5E}\t0\t0.5\t6\t...".replace(
            ".", ","
        )
        for k in range(10)
    ]
    names, units = "Pt\tT\tVf\tIm\tVu\tSig\tIERange\tOver", "#\ts\tV vs. Ref.\tA\tV\tV\t#\tbits"
    m = read(_gamry_dta(tmp_path / "chronoa_de_data.dta", "CHRONOA", names, units, rows))
    # was refused: "10 data row(s) have missing or non-numeric values"
    assert m.data[TIME].iloc[-1] == pytest.approx(270)
    assert m.data[VOLTAGE].iloc[1] == pytest.approx(0.49999)
    assert m.data[CURRENT].iloc[0] == pytest.approx(1e-8)


def test_gamry_open_circuit_potential_reads_with_zero_current(tmp_path):
    rows = [
        f"{k}\t{5.00833 * (k + 1):.5f}\t{0.0205 - 1e-5 * k:.5E}\t0.0205\t0\t..." for k in range(12)
    ]
    names, units = "Pt\tT\tVf\tVm\tAch\tOver", "#\ts\tV vs. Ref.\tV\tV\tbits"
    m = read(_gamry_dta(tmp_path / "ocp_data.dta", "CORPOT", names, units, rows))
    # was refused: "no curve with T/Vf/Im columns"
    assert (m.data[CURRENT] == 0).all()
    assert m.data[VOLTAGE].iloc[0] == pytest.approx(0.0205)
    assert any("open circuit" in n for n in m.notes)


def test_gamry_curve_without_current_of_another_technique_is_refused(tmp_path):
    # no current column outside the open-circuit technique: not read as 0 A
    rows = [f"{k}\t{k}\t{0.1 * k:.5E}\t0" for k in range(12)]
    path = _gamry_dta(tmp_path / "cp.dta", "CHRONOP", "Pt\tT\tVf\tAch", "#\ts\tV\tV", rows)
    with pytest.raises(DataFormatError, match="T/Vf/Im"):
        read(path)


def test_cv_with_positive_current_only_is_not_signed_by_its_sweeps(tmp_path):
    # an alcohol oxidation on Pt: an anodic peak on the forward sweep and another on the
    # reverse sweep, the current positive throughout and near zero at both vertices; the
    # reverse sweep lowers the voltage under a positive current, as any sweep does, and must
    # not be taken for the discharge of an unsigned record
    up = np.linspace(0.0, 1.0, 101)
    down = np.linspace(0.99, 0.0, 100)
    e = np.r_[up, down, up[1:], down]
    forward = np.r_[np.ones(101), np.zeros(100), np.ones(100), np.zeros(100)].astype(bool)
    peak = np.where(
        forward, np.exp(-(((e - 0.6) / 0.08) ** 2)), np.exp(-(((e - 0.45) / 0.06) ** 2))
    )
    i = 1e-4 * (1e-4 + peak)
    t = np.arange(e.size) * 0.2
    lines = ["Time [s],Voltage [V],Current [A]"] + [
        f"{a:.2f},{b:.4f},{c:.6e}" for a, b, c in zip(t, e, i, strict=True)
    ]
    path = tmp_path / "cv_positive.csv"
    path.write_text("\n".join(lines) + "\n")
    m = read(path)
    assert m.data[CURRENT].min() > 0
    assert not any("current is unsigned" in n for n in m.notes)
