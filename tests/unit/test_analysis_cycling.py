"""Unit tests of solidna.analysis.cycling: half cycles, overpotential, runaway, shorts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.cycling import (
    detect_runaway,
    detect_short_circuit,
    per_cycle_overpotential,
    split_half_cycles,
    time_to_voltage,
)
from solidna.errors import DataFormatError, InvalidOptionError

HOUR_S = 3600.0
#: 0.1 mA/cm2 = 1 A/m2, the paper's Fig. 4h current density.
CURRENT_A_M2 = 1.0
#: Overpotentials built from exact plateaus must come back exactly, up to float round-off
#: (mV <-> V conversions).
EXACT_ABS_MV = 1e-9


def square_wave(
    n_cycles: int = 5,
    half_cycle_s: float = HOUR_S,
    dt_s: float = 60.0,
    strip_mV=lambda k: 80.0 + 10.0 * k,
    plate_mV=lambda k: 90.0 + 10.0 * k,
    first_sign: int = 1,
):
    """Symmetric-cell record: cycle k (0-based) strips at +strip_mV(k) and plates at -plate_mV(k).

    Each half cycle starts with a 10-minute transient (voltage at 3x the plateau) that the
    plateau reading must ignore.
    """
    t = np.arange(0.0, 2 * n_cycles * half_cycle_s + dt_s / 2, dt_s)
    half = np.minimum((t // half_cycle_s).astype(int), 2 * n_cycles - 1)
    sign = np.where(half % 2 == 0, first_sign, -first_sign)
    cycle = half // 2
    plateau_mV = np.where(sign > 0, strip_mV(cycle), plate_mV(cycle))
    in_half = t - half * half_cycle_s
    transient = np.where(in_half < 600.0, 3.0, 1.0)
    v = sign * plateau_mV * transient / 1e3
    i = sign * CURRENT_A_M2
    return t, v, i


# --------------------------------------------------------------------------------------------
# Half cycles
# --------------------------------------------------------------------------------------------
def test_split_half_cycles_numbers_cycles_and_kinds():
    t, _, i = square_wave(n_cycles=3)
    halves = split_half_cycles(t, i)
    assert list(halves["Half cycle"]) == [1, 2, 3, 4, 5, 6]
    assert list(halves["Cycle number"]) == [1, 1, 2, 2, 3, 3]
    assert list(halves["Kind"]) == ["stripping", "plating"] * 3
    assert list(halves["Sign"]) == [1, -1] * 3
    assert halves["Duration [s]"].iloc[:-1].tolist() == [HOUR_S] * 5
    assert halves["Complete"].all()
    assert halves["Current density [A.m-2]"].tolist() == [1.0, -1.0] * 3


def test_split_half_cycles_excludes_rests_and_starts_cycles_with_the_first_sign():
    # plating first, 30-minute rests (with 0.1 % of offset current) between half cycles
    t = np.arange(0.0, 6 * HOUR_S, 60.0)
    phase = (t // (HOUR_S / 2)).astype(int) % 4  # plate, rest, strip, rest (30 min each)
    i = np.select([phase == 0, phase == 2], [-CURRENT_A_M2, CURRENT_A_M2], 1e-3)
    halves = split_half_cycles(t, i)
    assert list(halves["Kind"])[:2] == ["plating", "stripping"]
    assert list(halves["Cycle number"]) == [1, 1, 2, 2, 3, 3]
    assert np.allclose(halves["Duration [s]"], HOUR_S / 2)


def test_split_half_cycles_marks_a_truncated_final_half_cycle():
    t, _, i = square_wave(n_cycles=2)
    keep = t <= 3.5 * HOUR_S
    halves = split_half_cycles(t[keep], i[keep])
    assert list(halves["Complete"]) == [True, True, True, False]


def test_switching_glitch_does_not_start_a_half_cycle():
    t, v, i = square_wave(n_cycles=3)
    i = i.copy()
    i[30] = -CURRENT_A_M2  # one sample of reversed current in the middle of the first stripping
    halves = split_half_cycles(t, i)
    assert len(halves) == 6
    assert halves["End time [s]"].iloc[0] == HOUR_S
    assert list(per_cycle_overpotential(t, v, i).index) == [1, 2, 3]


def test_split_half_cycles_with_no_current_is_empty():
    t = np.linspace(0, 10, 11)
    assert split_half_cycles(t, np.zeros_like(t)).empty


# --------------------------------------------------------------------------------------------
# Overpotential
# --------------------------------------------------------------------------------------------
def test_per_cycle_overpotential_is_exact_on_square_wave():
    t, v, i = square_wave(n_cycles=5)
    table = per_cycle_overpotential(t, v, i)
    assert isinstance(table, pd.DataFrame)
    assert table.index.name == "Cycle number"
    assert list(table.index) == [1, 2, 3, 4, 5]
    assert list(table.columns) == [
        "Time [h]",
        "Overpotential [mV]",
        "Stripping overpotential [mV]",
        "Plating overpotential [mV]",
    ]
    k = np.arange(5)
    assert np.allclose(
        table["Stripping overpotential [mV]"], 80 + 10 * k, atol=EXACT_ABS_MV, rtol=0
    )
    assert np.allclose(table["Plating overpotential [mV]"], 90 + 10 * k, atol=EXACT_ABS_MV, rtol=0)
    assert np.allclose(table["Overpotential [mV]"], 85 + 10 * k, atol=EXACT_ABS_MV, rtol=0)
    assert np.allclose(table["Time [h]"], 2.0 * (k + 1))


def test_overpotential_window_reads_the_end_of_each_half_cycle():
    t, v, i = square_wave(n_cycles=2)
    # A whole-half-cycle median still ignores the 10-minute transient (1/6 of the points) ...
    assert per_cycle_overpotential(t, v, i, window=1.0)["Overpotential [mV]"].iloc[0] == 85.0
    # ... but a linear ramp shows the window: the last 10 % of a 0 -> 100 mV ramp has median 95.
    ramp_v = np.where(i > 0, 1.0, -1.0) * ((t % HOUR_S) / HOUR_S) * 0.1
    table = per_cycle_overpotential(t, ramp_v, i)
    assert table["Stripping overpotential [mV]"].iloc[0] == pytest.approx(95.0, abs=1.0)


def test_overpotential_median_is_robust_to_a_spike():
    t, v, i = square_wave(n_cycles=2)
    v = v.copy()
    v[55] = 5.0  # a 5 V glitch inside the last 10 % of the first half cycle
    table = per_cycle_overpotential(t, v, i)
    assert table["Stripping overpotential [mV]"].iloc[0] == pytest.approx(80.0, abs=EXACT_ABS_MV)


def test_incomplete_final_half_cycle_is_dropped_unless_alone():
    t, v, i = square_wave(n_cycles=3)
    keep = t <= 4.5 * HOUR_S  # cycle 3 stripping runs for half an hour only
    table = per_cycle_overpotential(t[keep], v[keep], i[keep])
    assert list(table.index) == [1, 2]
    # Only one (incomplete) half cycle: it is kept.
    early = t <= 0.5 * HOUR_S
    alone = per_cycle_overpotential(t[early], v[early], i[early])
    assert list(alone.index) == [1]
    assert alone["Stripping overpotential [mV]"].iloc[0] == pytest.approx(80.0)
    assert np.isnan(alone["Plating overpotential [mV]"].iloc[0])
    assert alone["Overpotential [mV]"].iloc[0] == pytest.approx(80.0)


def test_cycle_missing_its_second_half_takes_the_first():
    t, v, i = square_wave(n_cycles=3)
    keep = t <= 5.0 * HOUR_S  # cycle 3 stripping complete, plating never started
    table = per_cycle_overpotential(t[keep], v[keep], i[keep])
    assert list(table.index) == [1, 2, 3]
    assert table.loc[3, "Overpotential [mV]"] == pytest.approx(100.0)
    assert np.isnan(table.loc[3, "Plating overpotential [mV]"])


def test_overpotential_input_errors():
    t, v, i = square_wave(n_cycles=1)
    with pytest.raises(DataFormatError, match="must match"):
        per_cycle_overpotential(t, v[:-1], i)
    bad = v.copy()
    bad[3] = np.nan
    with pytest.raises(DataFormatError, match="NaN"):
        per_cycle_overpotential(t, bad, i)
    with pytest.raises(DataFormatError, match="must not decrease"):
        per_cycle_overpotential(t[::-1], v, i)
    with pytest.raises(InvalidOptionError, match="window"):
        per_cycle_overpotential(t, v, i, window=0.0)
    with pytest.raises(DataFormatError, match="No current flows"):
        per_cycle_overpotential(t, v, np.zeros_like(i))


# --------------------------------------------------------------------------------------------
# Time to voltage, runaway, short circuit
# --------------------------------------------------------------------------------------------
def test_time_to_voltage_interpolates_linearly():
    t = np.array([0.0, 10.0, 20.0, 30.0])
    v = np.array([0.1, -0.3, -0.7, 2.0])  # |V| crosses 0.5 between 10 s (0.3) and 20 s (0.7)
    assert time_to_voltage(t, v, 0.5) == pytest.approx(15.0)
    assert time_to_voltage(t, v, 0.1) == 0.0
    assert time_to_voltage(t, v, 5.0) is None
    with pytest.raises(InvalidOptionError, match="threshold_V"):
        time_to_voltage(t, v, 0.0)


def test_runaway_by_voltage_limit_and_by_growth():
    t, _, i = square_wave(n_cycles=8)
    # Overpotential doubling every 4 h, like the pristine Na|Na cell heading for 10 V (Fig. 4h).
    v = np.sign(i) * 0.08 * 2.0 ** (t / (4 * HOUR_S))
    events = detect_runaway(t, v, i)
    kinds = [e.kind for e in events]
    assert kinds == ["growth", "voltage_limit"]
    growth, limit = events
    # Plateaus read at ~0.95 h into each half cycle: cycle 1 gives (94.1 + 112.0)/2 = 103.1 mV,
    # cycle 4 gives 292 mV < 3 x 103.1 mV, cycle 5 gives 412 mV: the event is cycle 5, at 10 h.
    assert growth.cycle == 5
    assert growth.time_s == pytest.approx(10 * HOUR_S)
    assert growth.value_V == pytest.approx(0.4124, abs=1e-3)
    # |V| = 1 V when 2^(t/4h) = 12.5: t = 4 h * log2(12.5) = 14.58 h (sampling every minute).
    assert limit.time_s == pytest.approx(4 * HOUR_S * np.log2(12.5), abs=60.0)
    assert limit.cycle == 8


def test_no_runaway_for_a_healthy_cell():
    t, v, i = square_wave(n_cycles=5)
    assert detect_runaway(t, v, i) == []
    assert detect_runaway(t, v) == []  # voltage limit only
    with pytest.raises(InvalidOptionError, match="at least one criterion"):
        detect_runaway(t, v, i, voltage_limit_V=None, growth_factor=None)


def test_short_circuit_detected_at_the_collapsing_half_cycle():
    t, v, i = square_wave(n_cycles=5)
    v = v.copy()
    shorted = t >= 6 * HOUR_S  # from the start of cycle 4 the cell reads 1 mV under current
    v[shorted] = np.sign(i[shorted]) * 1e-3
    events = detect_short_circuit(t, v, i)
    assert events, "the collapse was not detected"
    first = events[0]
    assert first.kind == "short_circuit"
    assert first.cycle == 4
    assert first.time_s == pytest.approx(6 * HOUR_S)
    assert first.value_V == pytest.approx(1e-3)


def test_no_short_circuit_for_a_healthy_cell():
    t, v, i = square_wave(n_cycles=5)
    assert detect_short_circuit(t, v, i) == []
    with pytest.raises(InvalidOptionError, match="collapse_fraction"):
        detect_short_circuit(t, v, i, collapse_fraction=1.5)


# --------------------------------------------------------------------------------------------
# The instrument's cycle index (issue 10: every analysis numbers cycles as the instrument does)
# --------------------------------------------------------------------------------------------
def _instrument_index(t, half_cycle_s=HOUR_S, first=1, offset_halves=0):
    """A cycler's cycle number per sample: +1 at every other half-cycle start, from ``first``;
    ``offset_halves = 1`` counts cycles from the second half cycle on (plating + stripping)."""
    half = (t // half_cycle_s).astype(int)
    return first + (half + offset_halves) // 2


def test_cycle_index_that_agrees_with_the_count_changes_nothing():
    t, v, i = square_wave(n_cycles=5)
    counted = per_cycle_overpotential(t, v, i)
    given = per_cycle_overpotential(t, v, i, cycle_index=_instrument_index(t))
    pd.testing.assert_frame_equal(given, counted)
    pd.testing.assert_frame_equal(
        split_half_cycles(t, i, cycle_index=_instrument_index(t)), split_half_cycles(t, i)
    )


def test_cycle_index_numbers_and_pairs_the_half_cycles_as_the_instrument():
    t, v, i = square_wave(n_cycles=3)
    # a cycler counting from 0 (as EC-Lab text does) keeps its numbers ...
    shifted = per_cycle_overpotential(t, v, i, cycle_index=_instrument_index(t, first=0))
    assert list(shifted.index) == [0, 1, 2]
    np.testing.assert_allclose(shifted["Overpotential [mV]"], [85, 95, 105], atol=EXACT_ABS_MV)
    # ... and one whose cycle is plating + stripping pairs them so: cycle 1 is the first
    # stripping alone, cycle 2 the first plating (90 mV) with the second stripping (90 mV) ...
    paired = per_cycle_overpotential(t, v, i, cycle_index=_instrument_index(t, offset_halves=1))
    assert list(paired.index) == [1, 2, 3, 4]
    np.testing.assert_allclose(paired["Overpotential [mV]"], [80, 90, 100, 110], atol=EXACT_ABS_MV)
    assert np.isnan(paired.loc[1, "Plating overpotential [mV]"])
    assert np.isnan(paired.loc[4, "Stripping overpotential [mV]"])


def test_events_carry_the_instrument_cycle_numbers():
    t, v, i = square_wave(n_cycles=5)
    v = v.copy()
    shorted = t >= 6 * HOUR_S
    v[shorted] = np.sign(i[shorted]) * 1e-3
    (event, *_) = detect_short_circuit(t, v, i, cycle_index=_instrument_index(t, first=10))
    assert event.cycle == 13  # the 4th cycle, numbered from 10
    grow = square_wave(
        n_cycles=4, strip_mV=lambda k: 80.0 * 2.0**k, plate_mV=lambda k: 80.0 * 2.0**k
    )
    (growth,) = detect_runaway(
        *grow, voltage_limit_V=None, cycle_index=_instrument_index(grow[0], first=10)
    )
    assert growth.kind == "growth" and growth.cycle == 12  # 320 mV >= 3 x 80 mV


def test_cycle_index_errors():
    t, v, i = square_wave(n_cycles=1)
    with pytest.raises(DataFormatError, match="must match"):
        per_cycle_overpotential(t, v, i, cycle_index=np.ones(t.size - 1))
    with pytest.raises(DataFormatError, match="whole cycle numbers"):
        split_half_cycles(t, i, cycle_index=np.full(t.size, 1.5))
    bad = np.ones(t.size)
    bad[2] = np.nan
    with pytest.raises(DataFormatError, match="NaN"):
        split_half_cycles(t, i, cycle_index=bad)


@pytest.mark.parametrize(
    ("voltage", "expected"),
    [
        (lambda i: 3.7 + 0.1 * i, "between 3.6 and 3.8 V"),  # a full cell, both ways
        (lambda i: -3.7 + 0.1 * i, "between -3.8 and -3.6 V"),  # leads swapped
        (lambda i: 0.08 * i, None),  # a symmetric cell
        (lambda i: 0.01 + 0.005 * i, None),  # offset, but near 0 V
        (lambda i: 9.0 * i, None),  # pristine Na near its limit still changes sign
    ],
)
def test_a_full_cell_is_not_taken_for_a_symmetric_one(voltage, expected):
    """`analyze --kind symmetric` on a 3.7 V full cell reported an "overpotential" of 3755 mV
    beside the paper's 80 mV: the voltage that never changes sign while the current does says
    it is no Na|Na cell."""
    from solidna.analysis.cycling import not_a_symmetric_cell

    i = np.sign(np.sin(np.linspace(0, 20, 2000)))
    reason = not_a_symmetric_cell(voltage(i), i * 1e-3)
    if expected is None:
        assert reason is None
    else:
        assert expected in reason and "not a symmetric Na|Na cell" in reason
    # a current one way only (a discharge) proves nothing
    assert not_a_symmetric_cell(np.full(100, 3.7), np.full(100, 1e-3)) is None
