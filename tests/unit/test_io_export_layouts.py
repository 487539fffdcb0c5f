"""Instrument tables laid out as real exports lay them out: each test builds a small file with the
structure of one class of export that was once misread (a header line with a trailing delimiter,
units after an underscore, a file that counts discharge positive, a per-step capacity counter,
a Neware cycle line that holds its first step, Maccor header pairs, a Bode export)."""

from __future__ import annotations

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.analysis.io._table import integrate_current
from solidna.errors import DataFormatError

I_MA = 1.0  # mA
HALF_S = 1800.0  # s


def _cycle_rows(n_cycles=2, dt=60.0, discharge_positive=False):
    """Rows (t [s], V [V], I [A], step type, per-step unsigned capacity [Ah]) of charge and
    discharge at 1 mA for 30 min each; ``discharge_positive`` counts the current as BattMo's
    Battery Data Format CSV does."""
    rows = []
    now = 0.0
    for _ in range(n_cycles):
        for kind, sign, v0 in (("charge", 1, 3.4), ("discharge", -1, 3.3)):
            for k, ts in enumerate(np.arange(dt, HALF_S + dt / 2, dt)):
                i = sign * I_MA * 1e-3 * (-1 if discharge_positive else 1)
                rows.append((now + ts, v0 + sign * 1e-4 * k, i, kind, I_MA * 1e-3 * ts / 3600))
            now += HALF_S
    return rows


def test_a_header_line_ending_in_a_delimiter_is_still_the_header(tmp_path):
    # EC-Lab writes its column-name line with a trailing tab, the data rows without one; this
    # file used to lose its header and be read as an impedance spectrum from columns 1-3
    path = tmp_path / "eclab_table.txt"
    lines = ["mode\tox/red\terror\ttime/s\tEcell/V\tI/mA\t"]
    lines += [f"1\t1\t0\t{t:.1f}\t{v:.4f}\t{i * 1e3:.4f}" for t, v, i, *_ in _cycle_rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = sio.read(path)
    assert m.kind == "timeseries"
    np.testing.assert_allclose(m.data[sio.CURRENT].abs().max(), I_MA * 1e-3)
    assert m.data[sio.TIME].iloc[0] == pytest.approx(60.0)


def test_data_rows_ending_in_a_delimiter_and_units_after_an_underscore(tmp_path):
    # Landt / Battery Data Format exports: 'test_time_s,current_A,voltage_V' and rows ending
    # in ','
    path = tmp_path / "landt.csv"
    lines = ["cycle_index,step_index,test_time_s,current_mA,voltage_V,temperature_1_C"]
    lines += [f"1,1,{t:.1f},{i * 1e3:.4f},{v:.4f},25.0," for t, v, i, *_ in _cycle_rows()]
    path.write_text("\n".join(lines) + "\n")
    m = sio.read(path)
    assert m.metadata["columns used"]["current"] == "current_mA"
    np.testing.assert_allclose(m.data[sio.CURRENT].abs().max(), I_MA * 1e-3)  # mA read as mA
    assert m.data[sio.VOLTAGE].iloc[0] == pytest.approx(3.4)


def test_underscore_suffixes_that_are_not_units_stay_names():
    from solidna.analysis.io._table import split_header

    assert split_header("Cycle_Index") == ("Cycle_Index", None)
    assert split_header("temperature_1_C") == ("temperature_1_C", None)  # C is not read
    assert split_header("charge_capacity_Ah") == ("charge_capacity", "A*h")


def test_a_headerless_table_that_is_not_a_spectrum_is_refused(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("\n".join(f"3,0,0,{t},{v},{i}" for t, v, i, *_ in _cycle_rows()) + "\n")
    with pytest.raises(DataFormatError, match="without a recognisable header"):
        sio.read(path)


def test_headerless_spectrum_still_reads(tmp_path):
    f = np.logspace(5, -1, 31)
    z = 10 + 50 / (1 + 1j * 2 * np.pi * f * 1e-3)
    path = tmp_path / "spectrum.csv"
    path.write_text("\n".join(f"{a},{b.real},{b.imag}" for a, b in zip(f, z, strict=True)))
    assert sio.read(path).kind == "impedance"


@pytest.mark.parametrize("by", ["step type", "counters"])
def test_a_file_that_counts_discharge_positive_is_turned_round(tmp_path, by):
    rows = _cycle_rows(discharge_positive=True)
    path = tmp_path / "bdf.csv"
    if by == "step type":
        lines = ["Test Time / s,Current / A,Voltage / V,Step Type / 1"]
        lines += [f"{t},{i},{v},{kind}" for t, v, i, kind, _ in rows]
    else:
        lines = [
            "Test Time / s,Current / A,Voltage / V,Charge Capacity / Ah,Discharge Capacity / Ah"
        ]
        qc = qd = 0.0
        for t, v, i, kind, q in rows:
            qc, qd = (q, qd) if kind == "charge" else (qc, q)
            lines.append(f"{t},{i},{v},{qc},{qd}")
    path.write_text("\n".join(lines) + "\n")
    m = sio.read(path)
    assert any("positive on discharge" in n for n in m.notes)
    charge = m.data[sio.VOLTAGE] > 3.35  # the charge rows (3.4 V and up)
    assert (m.data.loc[charge, sio.CURRENT] > 0).all()
    assert (m.data.loc[~charge, sio.CURRENT] < 0).all()


def test_a_file_that_agrees_with_the_convention_is_left_alone(tmp_path):
    path = tmp_path / "agree.csv"
    lines = ["Test Time / s,Current / A,Voltage / V,Step Type / 1"]
    lines += [f"{t},{i},{v},{kind}" for t, v, i, kind, _ in _cycle_rows()]
    path.write_text("\n".join(lines) + "\n")
    m = sio.read(path)
    assert not any("discharge" in n for n in m.notes)
    assert (m.data.loc[m.data[sio.VOLTAGE] > 3.35, sio.CURRENT] > 0).all()


def test_a_per_step_unsigned_capacity_column_is_not_taken_as_net_charge(tmp_path):
    # Maccor and Novonix CSV "Capacity": per step, unsigned; the net charge is then integrated
    path = tmp_path / "maccor.csv"
    lines = ["Test Time (sec),Current (A),Voltage (V),Capacity (Ah)"]
    lines += [f"{t},{i},{v},{q}" for t, v, i, _, q in _cycle_rows()]
    path.write_text("\n".join(lines) + "\n")
    m = sio.read(path)
    assert any("does not behave as a running net charge" in n for n in m.notes)
    q = m.data[sio.CAPACITY].to_numpy()
    assert q.max() == pytest.approx(I_MA * 1e-3 * 0.5, rel=0.05)  # 0.5 mAh after each charge
    assert abs(q[-1]) < 0.05 * q.max()  # back to ~0 after each discharge


def test_a_signed_net_charge_column_is_kept(tmp_path):
    rows = _cycle_rows()
    t = np.array([r[0] for r in rows])
    i = np.array([r[2] for r in rows])
    q = integrate_current(t, i) + 1e-6  # a counter that started before the record
    path = tmp_path / "net.csv"
    lines = ["Time [s],Current [A],Voltage [V],Capacity [A.h]"]
    lines += [f"{a},{b},{r[1]},{c}" for a, b, r, c in zip(t, i, rows, q, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    m = sio.read(path)
    assert not any("net charge" in n for n in m.notes)
    np.testing.assert_allclose(m.data[sio.CAPACITY], q)


def test_neware_multilevel_first_step_on_the_cycle_line(tmp_path):
    # BTSDA's multi-level export writes a cycle's first step after the cycle fields, on one line
    lines = [
        "Cycle Index,Chg. Cap.(Ah),DChg. Cap.(Ah)",
        ",Step Index,Step Number,Step Type,Step Time",
        ",,DataPoint,Time,Total Time,Current(A),Voltage(V),Capacity(Ah)",
        "1,0.001,0.001,1,1,Rest,00:00:20",
        ",,1,00:00:00,00:00:00,0.0,4.30,0.0",
        ",,2,00:00:10,00:00:10,0.0,4.30,0.0",
        ",2,2,CC_Chg,00:00:20",
        ",,3,00:00:10,00:00:20,0.001,4.31,0.0000028",
        ",,4,00:00:20,00:00:30,0.001,4.32,0.0000056",
    ]
    path = tmp_path / "neware_multi.csv"
    path.write_text("\n".join(lines) + "\n")
    m = sio.read(path)
    assert m.data[sio.STEP].tolist() == [1, 1, 2, 2]


def test_maccor_header_holds_several_pairs_a_line(tmp_path):
    head = [
        "Today's Date:\t14 December 2020\tDate of Test:\t11 December 2020, 12:22:12 PM",
        "Filename:\tM50_01\tTester Channel:\t1",
        "Procedure:\tM50_Validation.000\tDescription:\t",
        "Rec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES",
    ]
    rows = [f"{k + 1}\t0\t1\t{k * 10.0}\t{k * 10.0}\t0\t0\t0.001\t3.5\tC\t0" for k in range(5)]
    path = tmp_path / "maccor.txt"
    path.write_text("\n".join(head + rows) + "\n", encoding="latin-1")
    meta = sio.read(path, format="maccor").metadata
    assert meta["Procedure"] == "M50_Validation.000"
    assert meta["Date of Test"] == "11 December 2020, 12:22:12 PM"
    assert meta["Tester Channel"] == "1"


def test_impedance_columns_real_and_imaginary_and_an_impedance_hint(tmp_path):
    f = np.logspace(4, 0, 9)
    z = 100 + 50 / (1 + 1j * 2 * np.pi * f * 1e-3)
    good = tmp_path / "fri.csv"
    good.write_text(
        "frequency,real,imaginary\n"
        + "\n".join(f"{a},{b.real},{b.imag}" for a, b in zip(f, z, strict=True))
    )
    m = sio.read(good)
    np.testing.assert_allclose(m.data[sio.Z_IM], z.imag)
    bad = tmp_path / "fmod.csv"
    bad.write_text("frequency,resistance,reactance\n" + "\n".join(f"{a},1,2" for a in f))
    with pytest.raises(DataFormatError, match="'z_re=Zr \\[Ohm\\]'"):
        sio.read(bad)


@pytest.mark.parametrize(
    ("header", "to_unit"),
    [
        ("Freq (Hz),|Z| (Ohm),Phase (°)", np.rad2deg),
        ("f/Hz,Zmod/Ohm,phase/rad", lambda a: a),
        ("frequency,|Z|,-phase", lambda a: -np.rad2deg(a)),  # no unit: degrees
    ],
)
def test_bode_export_modulus_and_phase(tmp_path, header, to_unit):
    f = np.logspace(4, 0, 9)
    z = 100 + 50 / (1 + 1j * 2 * np.pi * f * 1e-3)
    path = tmp_path / "bode.csv"
    rows = [f"{a},{abs(b)},{c}" for a, b, c in zip(f, z, to_unit(np.angle(z)), strict=True)]
    path.write_text(header + "\n" + "\n".join(rows), encoding="utf-8")
    m = sio.read(path)
    np.testing.assert_allclose(m.data[sio.Z_RE], z.real, rtol=1e-9)
    np.testing.assert_allclose(m.data[sio.Z_IM], z.imag, rtol=1e-9)
    assert any("from |Z| and the phase" in n for n in m.notes)


def test_modulus_without_phase_is_refused(tmp_path):
    path = tmp_path / "mod.csv"
    path.write_text("f [Hz],Zre [Ohm],|Z| [Ohm]\n1000,1,2\n100,1,2\n10,1,2\n")
    with pytest.raises(DataFormatError, match="Z_im"):
        sio.read(path)


def test_an_unsigned_current_is_signed_from_the_mode_column(tmp_path):
    # Maccor-style CSV: the current unsigned, the direction in the 'Md' column (C/D, R rests)
    path = tmp_path / "maccor_unsigned.csv"
    lines = ["Test Time (sec),Current (A),Voltage (V),Md"]
    lines += [f"{t},{abs(i)},{v},{'C' if i > 0 else 'D'}" for t, v, i, *_ in _cycle_rows()]
    lines.append(f"{4 * HALF_S + 60},0,3.35,R")
    path.write_text("\n".join(lines) + "\n")
    m = sio.read(path)
    assert any("unsigned" in n for n in m.notes)
    charge = m.data[sio.VOLTAGE] > 3.35
    assert (m.data.loc[charge, sio.CURRENT] > 0).all()
    assert (m.data.loc[m.data[sio.VOLTAGE] < 3.35, sio.CURRENT] < 0).all()
    assert m.data[sio.CURRENT].iloc[-1] == 0
