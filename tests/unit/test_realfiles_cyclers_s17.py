"""Cycler and potentiostat text files met in public sources that solidna misread (session 17).

Every file here is a synthetic twin, written by the test, of a layout seen in a public file; no
text of those files is copied. The layouts are those of:

* the example data shipped with NREL's ampworks (PyPI sdist ``ampworks-0.1.0``, BSD-3-Clause):
  ``datasets/resources/dqdv/cell1_rough.csv`` (``Seconds,Amps,Volts,Ah``: columns named by
  their unit word alone), ``gitt/gitt_charge.csv`` (``Seconds,Volts,Amps``) and
  ``hppc/hppc_discharge.csv`` (``Seconds,Amps,Volts,State,Step,Cycle,Ah``, its ``Ah`` a running
  charge counted positive out of the cell: it rises through every discharge pulse and falls
  through every charge pulse, ending at +0.0032 Ah where the current's integral gives
  -0.0032 Ah);
* the Rodeostat potentiostat's Python library (IO Rodeo, iorodeo/potentiostat, MIT licence),
  whose data files (``docs/_figure_scripts/cyclic_test_data.txt``) hold ``t, volt, curr``
  lines without a header (s, V, uA);
* CH Instruments' chronopotentiometry text as canismarko/galvanolab's test file
  ``tests/Cylindrical_2_cycling.txt`` has it (licence not stated: layout only): the potential
  only, the currents in the header with ``Init P/N = N``; galvanolab's test expects the first
  current to be -1.4e-4 A;
* a Novonix CSV saved again with each line in quotes (TRI-AMDD/beep, Apache-2.0), for the
  reading of such a file in one pass.

Each test of a fix fails on the code before this session (``PYTHONPATH=/tmp/s17/head/src``);
the tests named guards hold rules that must stay (they pass there too).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import solidna.analysis.io as sio
from solidna.analysis.io import generic
from solidna.errors import DataFormatError

CAPACITY = "Capacity [A.h]"
CURRENT = "Current [A]"
TIME = "Time [s]"
VOLTAGE = "Voltage [V]"


def _net_charge(t: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Running net charge [A h] by the trapezoid rule (charge +)."""
    return np.r_[0.0, np.cumsum(np.diff(t) * 0.5 * (i[1:] + i[:-1]))] / 3600.0


def _hppc_record() -> pd.DataFrame:
    """Three HPPC blocks as ampworks' example runs them, at 10 s (1 s in the pulses): rest,
    a 1080 s discharge at C/20, rest, a 30 s discharge pulse, rest, a 10 s charge pulse, rest.
    The voltage follows the charge (an open-circuit slope and an ohmic drop)."""
    plan = [  # (step, current [A], duration [s], interval [s])
        (1, 0.0, 600.0, 10.0),
    ]
    for _ in range(3):
        plan += [
            (2, -1.07e-3, 1080.0, 10.0),
            (3, 0.0, 600.0, 10.0),
            (4, -3.2e-3, 30.0, 1.0),
            (5, 0.0, 40.0, 1.0),
            (6, 2.4e-3, 10.0, 1.0),
            (7, 0.0, 40.0, 1.0),
        ]
    t, i, step, start = [], [], [], 0.0
    for k, current, span, dt in plan:
        n = int(round(span / dt))
        # the first sample of a step a millisecond after the last of the one before
        t.extend(start + 1e-3 + dt * np.arange(n + 1))
        i.extend([current] * (n + 1))
        step.extend([k] * (n + 1))
        start = t[-1]
    t, i = np.array(t) - t[0], np.array(i)
    q = _net_charge(t, i)
    v = 4.17 + 30.0 * q + 15.0 * i
    return pd.DataFrame({"t": t, "i": i, "v": v, "q": q, "step": step})


def test_columns_named_by_their_unit_word_are_read(tmp_path: Path) -> None:
    """ampworks' ``Seconds,Amps,Volts,Ah``: refused before ("no column for Time [s]") though
    'Amps' and 'Volts' were known; the unit word is the column's unit (nothing assumed)."""
    t = 10.0 * np.arange(60)
    i = np.full(t.size, -1.89e-3)
    v = 4.1 - 2e-4 * t
    discharged = -_net_charge(t, i)  # the file's Ah: the discharge counted positive
    path = tmp_path / "cell1_rough.csv"
    rows = "".join(
        f"{a:.10g},{b:.10g},{c:.10g},{d:.10g}\n"
        for a, b, c, d in zip(t, i, v, discharged, strict=True)
    )
    path.write_text("Seconds,Amps,Volts,Ah\n" + rows)
    m = sio.read(path)
    np.testing.assert_allclose(m.data[TIME], t)
    np.testing.assert_allclose(m.data[CURRENT], i)
    np.testing.assert_allclose(m.data[VOLTAGE], v)
    # the running net charge (charge +): the file's count of the discharge, negative
    np.testing.assert_allclose(m.data[CAPACITY], -discharged, atol=1e-12)
    assert not any("SI assumed" in n for n in m.notes)


def test_time_named_in_minutes_or_hours_takes_that_unit(tmp_path: Path) -> None:
    """``Minutes`` and ``Hours`` are read in their own unit, as ``Seconds`` in seconds."""
    for word, factor in (("Minutes", 60.0), ("Hours", 3600.0)):
        path = tmp_path / f"{word}.csv"
        rows = "".join(f"{k * 0.5},{0.001},{3.0 + 0.01 * k}\n" for k in range(12))
        path.write_text(f"{word},Amps,Volts\n" + rows)
        m = sio.read(path)
        np.testing.assert_allclose(m.data[TIME], 0.5 * factor * np.arange(12))


def test_capacity_counted_positive_out_of_the_cell_is_read_negated(tmp_path: Path) -> None:
    """ampworks' HPPC ``Ah``: the net charge with the other sign all through. Taken before for
    a per-step counter and rebuilt step by step, it ended far from the current's integral
    (+0.0120 Ah for -0.0032 Ah in ampworks' file); read with its sign reversed it is that
    integral."""
    rec = _hppc_record()
    path = tmp_path / "hppc.csv"
    table = pd.DataFrame(
        {
            TIME: rec["t"],
            CURRENT: rec["i"],
            VOLTAGE: rec["v"],
            "Step": rec["step"],
            CAPACITY: -rec["q"],
        }
    )
    table.to_csv(path, index=False, float_format="%.10g")
    m = sio.read(path)
    np.testing.assert_allclose(m.data[CAPACITY], rec["q"], atol=1e-9)
    assert m.data[CAPACITY].iloc[-1] < 0  # three blocks discharge more than they charge
    assert any("sign reversed" in n for n in m.notes)


def test_guard_a_per_step_unsigned_counter_is_still_rebuilt(tmp_path: Path) -> None:
    """Guard: a counter that restarts at each step and rises through charge and discharge
    alike (Maccor's, Novonix's) is not a net charge with either sign: it is rebuilt."""
    rec = _hppc_record()
    per_step = np.zeros(len(rec))
    for _, block in rec.groupby((rec["step"] != rec["step"].shift()).cumsum()):
        q = block["q"].to_numpy()
        per_step[block.index] = np.abs(q - q[0])
    path = tmp_path / "per_step.csv"
    pd.DataFrame(
        {
            TIME: rec["t"],
            CURRENT: rec["i"],
            VOLTAGE: rec["v"],
            "Step": rec["step"],
            CAPACITY: per_step,
        }
    ).to_csv(path, index=False, float_format="%.10g")
    m = sio.read(path)
    # the counter as written (10 digits) and summed step by step: within a millionth
    np.testing.assert_allclose(m.data[CAPACITY], rec["q"], rtol=1e-5, atol=1e-9)
    assert any("restarts at each step" in n for n in m.notes)


def test_headerless_clock_table_is_not_read_as_an_impedance_spectrum(tmp_path: Path) -> None:
    """The Rodeostat's ``t, volt, curr`` lines (s, V, uA), no header: read before as
    impedance.py's ``f, Z', Z''`` (a 'spectrum' at 0.01 ... 2 Hz); refused now, naming why and
    asking for a header."""
    t = 0.01 * np.arange(1, 201)
    e = np.clip(-0.1 + 1.2 * (t - 1.0), -0.1, 1.1)
    i_ua = 20.0 * e + 0.05 * np.sin(37 * t)
    path = tmp_path / "data.txt"
    path.write_text(
        "".join(f"{a:1.3f}, {b:1.4f}, {c:1.4f}\n" for a, b, c in zip(t, e, i_ua, strict=True))
    )
    with pytest.raises(DataFormatError, match=r"no frequency sweep.*equal steps.*header"):
        sio.read(path)


def test_guard_headerless_log_sweep_is_still_a_spectrum(tmp_path: Path) -> None:
    """Guard: impedance.py's headerless ``f, Z', Z''`` (log-spaced frequencies, Z' > 0) reads."""
    f = np.logspace(5, -1, 31)
    z = 10.0 + 100.0 / (1 + 1j * 2 * np.pi * f * 1e-4 * 100.0)
    path = tmp_path / "spectrum.csv"
    path.write_text(
        "".join(f"{a:.10g},{b.real:.10g},{b.imag:.10g}\n" for a, b in zip(f, z, strict=True))
    )
    m = sio.read(path)
    assert m.kind == "impedance" and len(m.data) == f.size


def test_current_sign_takes_a_sign_the_file_states() -> None:
    """The sign a reader knows from the file (CHI's programme) is an input of _current_sign:
    kept as it is, where the voltage alone would turn it (before: an attribute riding on the
    table, which _current_sign did not see)."""
    t = np.arange(40.0)
    i = np.where(t < 20, 1e-3, -1e-3)
    v = np.where(t < 20, 3.0 - 0.01 * t, 2.8 + 0.01 * (t - 20))  # falls under +, rises under -
    raw = pd.DataFrame({"t": t})
    assert generic._current_sign(raw, i, [], time=t, voltage=v) == -1.0
    notes: list[str] = []
    kept = generic._current_sign(
        raw, i, notes, time=t, voltage=v, stated_by="the header's programme"
    )
    assert kept == 1.0 and notes == []


def test_table_measurement_keeps_a_current_signed_by_the_file(tmp_path: Path) -> None:
    """table_measurement takes the column whose sign the file states as an argument
    (:class:`SignedCurrent`); the same table without it is turned by its voltage."""
    t = np.arange(40.0)
    raw = pd.DataFrame(
        {
            "Time [s]": t,
            "Voltage [V]": np.where(t < 20, 3.0 - 0.01 * t, 2.8 + 0.01 * (t - 20)),
            "Current [A]": np.where(t < 20, 1e-3, -1e-3),
        }
    )
    path = tmp_path / "cp.txt"
    turned = generic.table_measurement(raw.copy(), path)
    assert turned.data[CURRENT].iloc[0] == pytest.approx(-1e-3)
    signed = generic.SignedCurrent("Current [A]", "the header's chronopotentiometry programme")
    kept = generic.table_measurement(raw.copy(), path, signed_current=signed)
    assert kept.data[CURRENT].iloc[0] == pytest.approx(1e-3)


def test_guard_chi_chronopotentiometry_current_from_its_header(tmp_path: Path) -> None:
    """Guard (galvanolab's CHI660E layout): the current rebuilt from ``Init P/N = N`` and the
    cathodic current is -1.4e-4 A from the first row, as galvanolab's test expects, and stays
    so though the potential rises a little under it at first."""
    head = (
        "Oct. 18, 2020   21:16:13\nChronopotentiometry\nFile: c:\\twin.txt\n"
        "Data Source:  Experiment\nInstrument Model:  CHI660E\nHeader: \nNote: \n\n"
        "Cathodic Current (A) = 1.4e-4\nAnodic Current (A) = 5.6e-5\nInit P/N = N\n"
        "Data Storage Interval (s) = 5\nHigh E Limit (V) = 2.4\nHigh E Hold Time (s) = 7.2e+3\n"
        "Low E Limit (V) = 1.7\nCathodic Time (s) = 1e+5\nAnodic Time (s) = 1e+5\n"
        "Current Switching Polarity = Potential\nSegment = 5\n\nTime/sec, Potential/V\n\n"
    )
    t = 5.0 * np.arange(1, 121)
    # a sag, then a recovery (the potential rises under the cathodic current for a while)
    e = 2.229 - 0.13 * (1 - np.exp(-t / 60.0)) + 0.0002 * np.maximum(t - 120.0, 0.0)
    path = tmp_path / "cylindrical_cycling.txt"
    path.write_text(head + "".join(f"{a:.3e}, {b:.3e}\n" for a, b in zip(t, e, strict=True)))
    m = sio.read(path)
    np.testing.assert_allclose(m.data[CURRENT], -1.4e-4)
    assert any("rebuilt from the header" in n for n in m.notes)


def test_lines_wholly_in_quotes_are_read_without_a_copy(tmp_path: Path, monkeypatch) -> None:
    """A CSV whose every line is in quotes is read from its text once, unwrapped in memory:
    no temporary copy written and read again (before: one, read by a second read_csv)."""
    t = np.arange(30) / 60.0  # [h]
    i = np.where(t < 0.25, 1e-3, -1e-3)
    v = 3.5 + 0.4 * np.where(t < 0.25, t, 0.5 - t)
    lines = ["Run Time (h),Potential (V),Current (A)"] + [
        f"{a},{b:.6f},{c}" for a, b, c in zip(t, v, i, strict=True)
    ]
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join(lines) + "\n")
    quoted = tmp_path / "quoted.csv"
    quoted.write_text("\n".join(f'"{line}"' for line in lines) + "\r\n")

    def no_copy(*args, **kwargs):
        raise AssertionError("a temporary copy of the file was made")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_copy)
    m = sio.read(quoted)
    expected = sio.read(plain)
    pd.testing.assert_frame_equal(m.data, expected.data)
    assert m.source == quoted
    assert any("31 line(s) each wholly in double quotes" in n for n in m.notes)
