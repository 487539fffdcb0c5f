"""Galvanostatic battery metrics (solidna.analysis.metrics) on records with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.metrics import METRIC_COLUMNS, cycling_summary, galvanostatic_cycles
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
    with pytest.raises(InvalidOptionError, match="mass_g must be > 0"):
        galvanostatic_cycles(t, v, i, mass_g=0)
    with pytest.raises(DataFormatError, match="must not decrease"):
        galvanostatic_cycles(t[::-1], v, i)


def test_module_doctests():
    import doctest

    import solidna.analysis.metrics as mod

    assert doctest.testmod(mod).failed == 0
