"""Galvanostatic battery metrics (solidna.analysis.metrics) on records with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.metrics import (
    METRIC_COLUMNS,
    cycling_summary,
    galvanostatic_cycles,
    median_voltage,
)
from solidna.errors import DataFormatError, InvalidOptionError

#: Exact up to the sampling: one sample interval (60 s) of a 1-h half cycle is 1.7 %; records
#: below are built with samples off the switch times, so every half cycle after the first is
#: integrated exactly and comparisons use 1e-9.
EXACT = 1e-9


def _record(n_cycles=3, fade=0.0, discharge_first=True, rest_s=0.0, dt=60.0):
    """Discharge/charge at 1 mA for 1 h each (capacity fading by ``fade`` per cycle), with
    voltages 2.3 V on discharge (dropping 0.05 V per cycle) and 4.0 V on charge."""
    t, i, v = [], [], []
    now = 0.0
    for c in range(n_cycles):
        order = (-1, 1) if discharge_first else (1, -1)
        for sign in order:
            dur = 3600.0 * (1 - fade * c) if sign < 0 else 3600.0
            ts = now + np.arange(dt / 2, dur, dt)
            t.append(ts)
            i.append(np.full(ts.size, sign * 1e-3))
            v.append(np.full(ts.size, 2.3 - 0.05 * c if sign < 0 else 4.0))
            now += dur
            if rest_s:
                tr = now + np.arange(dt / 2, rest_s, dt)
                t.append(tr)
                i.append(np.zeros(tr.size))
                v.append(np.full(tr.size, 3.0))
                now += rest_s
    return np.concatenate(t), np.concatenate(v), np.concatenate(i)


def test_definitions_on_an_exact_record():
    t, v, i = _record(n_cycles=3, fade=0.1)
    table = galvanostatic_cycles(t, v, i, mass_g=1e-3, area_m2=1e-4)
    assert list(table.columns[: len(METRIC_COLUMNS)]) == METRIC_COLUMNS
    assert table.index.tolist() == [1, 2, 3]
    later = table.loc[2:]
    # discharge capacity 1 mA x (1 - 0.1 (c-1)) h, charge 1 mA h
    assert later["Discharge capacity [A.h]"].to_numpy() == pytest.approx(
        [0.9e-3, 0.8e-3], rel=EXACT
    )
    assert later["Charge capacity [A.h]"].to_numpy() == pytest.approx([1e-3, 1e-3], rel=EXACT)
    assert later["Coulombic efficiency [%]"].to_numpy() == pytest.approx([90, 80], rel=EXACT)
    assert later["Terminal discharge voltage [V]"].to_numpy() == pytest.approx([2.25, 2.2])
    assert later["Charge-discharge gap [V]"].to_numpy() == pytest.approx([1.75, 1.8])
    assert later["Mean discharge voltage [V]"].to_numpy() == pytest.approx([2.25, 2.2], rel=EXACT)
    assert later["Energy efficiency [%]"].to_numpy() == pytest.approx(
        [100 * 0.9 * 2.25 / 4.0, 100 * 0.8 * 2.2 / 4.0], rel=EXACT
    )
    # retention relative to cycle 1 (which lacks the half interval before its first sample)
    q1 = table.loc[1, "Discharge capacity [A.h]"]
    assert table["Capacity retention [%]"].to_numpy() == pytest.approx(
        100 * table["Discharge capacity [A.h]"].to_numpy() / q1
    )
    assert table.loc[2, "Specific discharge capacity [mA.h.g-1]"] == pytest.approx(900.0)
    assert table.loc[2, "Areal discharge capacity [mA.h.cm-2]"] == pytest.approx(0.9)


def test_rests_between_half_cycles_and_charge_first():
    t, v, i = _record(n_cycles=2, discharge_first=False, rest_s=600.0)
    table = galvanostatic_cycles(t, v, i, reference_cycle=2)
    assert table.loc[2, "Charge capacity [A.h]"] == pytest.approx(1e-3, rel=EXACT)
    assert table.loc[2, "Discharge capacity [A.h]"] == pytest.approx(1e-3, rel=EXACT)
    assert table.loc[2, "Capacity retention [%]"] == pytest.approx(100.0)


def test_instrument_counter_is_used_when_given():
    t, v, i = _record(n_cycles=2)
    q = np.cumsum(np.r_[0.0, i[1:] * np.diff(t)]) / 3600 * 1.05  # a counter 5 % off
    plain = galvanostatic_cycles(t, v, i)
    counted = galvanostatic_cycles(t, v, i, q)
    assert counted.loc[2, "Discharge capacity [A.h]"] == pytest.approx(
        1.05 * plain.loc[2, "Discharge capacity [A.h]"]
    )


def test_incomplete_last_half_cycle_is_dropped():
    t, v, i = _record(n_cycles=2)
    keep = t < 3 * 3600 + 1200  # stops 20 min into the 2nd charge
    table = galvanostatic_cycles(t[keep], v[keep], i[keep])
    assert np.isnan(table.loc[2, "Charge capacity [A.h]"])
    assert table.loc[2, "Discharge capacity [A.h]"] == pytest.approx(1e-3, rel=EXACT)


def test_summary():
    t, v, i = _record(n_cycles=3, fade=0.1)
    summary = cycling_summary(galvanostatic_cycles(t, v, i, mass_g=1e-3))
    assert summary["cycles"] == 3
    assert summary["terminal discharge voltage change [V]"] == pytest.approx(-0.1)
    assert summary["charge-discharge gap, cycle 2 [V]"] == pytest.approx(1.75)
    assert "specific discharge capacity, first cycle [mA.h.g-1]" in summary
    assert cycling_summary(pd.DataFrame()) == {"cycles": 0}


def test_errors():
    t, v, i = _record(n_cycles=2)
    with pytest.raises(DataFormatError, match="No current flows"):
        galvanostatic_cycles(t, v, np.zeros_like(i))
    with pytest.raises(DataFormatError, match="one value per sample"):
        galvanostatic_cycles(t, v[:-1], i)
    with pytest.raises(InvalidOptionError, match="reference_cycle 7 has no discharge"):
        galvanostatic_cycles(t, v, i, reference_cycle=7)
    with pytest.raises(InvalidOptionError, match="mass_g must be a positive number in g"):
        galvanostatic_cycles(t, v, i, mass_g=0)
    with pytest.raises(DataFormatError, match="must not decrease"):
        galvanostatic_cycles(t[::-1], v, i)


def test_module_doctests():
    import doctest

    import solidna.analysis.metrics as mod

    assert doctest.testmod(mod).failed == 0


# --- median voltage over the charge passed -------------------------------------------------


def _resampled_median(q, v, n=1_000_001):
    """The median of V(Q) read linearly on a fine even grid of Q: the definition, by brute force."""
    q, v = np.asarray(q, float), np.asarray(v, float)
    order = np.argsort(q)
    grid = np.linspace(q.min(), q.max(), n)
    return float(np.median(np.interp(grid, q[order], v[order])))


def test_median_voltage_matches_the_median_of_the_curve_on_random_records():
    rng = np.random.default_rng(7)
    for _ in range(100):
        n = int(rng.integers(2, 40))
        q = np.concatenate([[0.0], np.sort(rng.uniform(0.0, 1.0, n - 1))])
        v = rng.normal(3.0, 0.5, n)
        if rng.random() < 0.3:  # voltages held flat over several samples
            v = np.round(v, 1)
        assert median_voltage(q, v) == pytest.approx(_resampled_median(q, v), abs=1e-5)


def test_median_voltage_does_not_depend_on_where_the_curve_was_sampled():
    # V = 3 + Q^2 over Q in [0, 1]: the median over Q is 3.25 V. Sampled evenly, densely at the
    # end (as the simulators sample) or densely where V moves fast (as a cycler logging on dV)
    curve = lambda q: 3.0 + q**2  # noqa: E731
    for q in (
        np.linspace(0, 1, 41),
        np.concatenate([np.linspace(0, 0.88, 17), np.linspace(0.9, 1, 30)]),
        np.sqrt(np.linspace(0, 1, 41)),
    ):
        assert median_voltage(q, curve(q)) == pytest.approx(3.25, abs=2e-3)
    dense_end = np.concatenate([np.linspace(0, 0.88, 17), np.linspace(0.9, 1, 30)])
    assert np.median(curve(dense_end)) > 3.6  # what a median of the samples reads


def test_median_voltage_edge_cases():
    assert median_voltage([0.0, 1.0], [3.0, 3.0]) == 3.0
    assert median_voltage([0.0], [2.5]) == 2.5  # one sample
    assert median_voltage([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]) == 2.0  # no charge passed
    assert median_voltage([1.0, 0.5, 0.0], [4.0, 3.5, 3.0]) == pytest.approx(3.5)  # Q falling
    # a plateau holding most of the charge is the median
    assert median_voltage([0.0, 0.1, 0.9, 1.0], [2.0, 2.3, 2.3, 2.0]) == pytest.approx(2.3)


def test_gap_uses_the_median_over_the_charge():
    # one cycle sampled unevenly: the discharge's voltage falls linearly 2.5 -> 2.1 V, the
    # charge's rises 3.8 -> 4.2 V; logging every 30 s for the first 10 min, then every 5 min
    # (with a last sample just before the end)
    t, v, i = [], [], []
    for k, (sign, v0, v1) in enumerate(((-1, 2.5, 2.1), (1, 3.8, 4.2))):
        ts = np.concatenate(
            [np.arange(30.0, 600.0, 30.0), np.arange(600.0, 3600.0, 300.0), [3570.0]]
        )
        t.append(k * 3600.0 + ts)
        v.append(v0 + (v1 - v0) * ts / 3600.0)
        i.append(np.full(ts.size, sign * 1e-3))
    table = galvanostatic_cycles(np.concatenate(t), np.concatenate(v), np.concatenate(i))
    assert table.loc[1, "Median discharge voltage [V]"] == pytest.approx(2.3, abs=0.02)
    assert table.loc[1, "Median charge voltage [V]"] == pytest.approx(4.0, abs=0.02)
    assert table.loc[1, "Charge-discharge gap [V]"] == pytest.approx(1.7, abs=0.03)
