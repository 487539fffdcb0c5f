"""The samples of a current schedule at its switches (``solve_schedule(switch_samples=True)``,
the Na-CO2 record): the end of each constant-current interval with its own current, the start
of the next with the new current; the charge of a record integrates to the schedule's, and every
other sample is what the solve without them gives, bit for bit."""

from __future__ import annotations

import numpy as np
import pybamm
import pytest

from solidna.analysis.io._table import integrate_current
from solidna.models import na_co2
from solidna.models.base import solve_schedule
from solidna.models.schedule import switch_times
from solidna.parameters import lu2019
from solidna.protocols.steps import ScheduleSegment

HALF_S = 2 * 3600.0
VARIABLES = ("Voltage [V]", "Current density [A.m-2]")


def _values() -> dict:
    return na_co2.na_co2_parameter_values(lu2019(), "modified")


def _solve(segments, switch_samples: bool) -> dict:
    values = _values()
    pv = pybamm.ParameterValues(dict(values))
    pv["Lower voltage cut-off [V]"] = 0.5
    pv["Upper voltage cut-off [V]"] = values["SSE anodic stability limit [V]"]
    return solve_schedule(
        na_co2.schedule_model("modified"),
        pv,
        segments,
        VARIABLES,
        10,
        12,
        na_co2.solver(),
        "{exc}",
        early=na_co2.EARLY_OUTPUT_FRACTIONS,
        switch_samples=switch_samples,
    )[1]


@pytest.fixture(scope="module", params=["square wave", "two steps"])
def schedule(request):
    i = 200 * _values()["MWCNT loading [kg.m-2]"]  # 200 mA/g [A.m-2]
    if request.param == "square wave":
        segments = [ScheduleSegment(0.0, 4 * HALF_S, i, HALF_S)]
    else:  # one inner switch: a discharge, then a charge
        segments = [
            ScheduleSegment(0.0, HALF_S, i),
            ScheduleSegment(HALF_S, 2 * HALF_S, -i),
        ]
    return segments, i, _solve(segments, False), _solve(segments, True)


def test_every_switch_has_an_end_and_a_start_sample(schedule) -> None:
    segments, i, _, out = schedule
    t, cur = out["Time [s]"], out["Current density [A.m-2]"]
    assert np.all(np.diff(t) > 0)
    switch = switch_times(segments)
    for k, s in enumerate(switch[1:], start=1):
        before = np.flatnonzero((t < s) & (t >= np.nextafter(s, -np.inf)))
        after = np.flatnonzero((t > s) & (t <= np.nextafter(s, np.inf)))
        old = i if k % 2 else -i
        assert before.size == 1 and cur[before[0]] == pytest.approx(old, rel=1e-12)
        if s < switch[-1]:
            assert after.size == 1 and cur[after[0]] == pytest.approx(-old, rel=1e-12)
    assert not np.any(np.isin(t, switch[1:]))  # never the two-valued sample at a switch


def test_the_other_samples_are_unchanged(schedule) -> None:
    _, _, plain, out = schedule
    common = np.isin(out["Time [s]"], plain["Time [s]"])
    np.testing.assert_array_equal(out["Time [s]"][common], plain["Time [s]"])
    for name in VARIABLES:
        np.testing.assert_array_equal(out[name][common], plain[name])


def test_the_end_and_start_samples_continue_their_intervals(schedule) -> None:
    """The end sample is the interval's last state (next to the sample 1e-6 of the interval
    before it); the start sample is the integrator's consistent restart (next to the sample
    1e-6 of the interval after it), not the state of the interval that ended."""
    _, _, plain, out = schedule
    t, v, cur = out["Time [s]"], out["Voltage [V]"], out["Current density [A.m-2]"]
    new = np.flatnonzero(~np.isin(t, plain["Time [s]"]))
    assert new.size > 0
    for j in new:
        # an end sample continues the interval before it, a start sample the one after
        neighbour = j - 1 if cur[j] == cur[j - 1] else j + 1
        assert cur[neighbour] == cur[j]
        assert abs(t[neighbour] - t[j]) < 1e-5 * HALF_S
        assert v[j] == pytest.approx(v[neighbour], abs=2e-3)  # double-layer swing in 0.007 s


def test_the_record_integrates_to_the_scheduled_charge(schedule) -> None:
    """With the analysis' own integration (``integrate_current``): each half cycle carries
    |i| times its duration to 1e-9, where the record without switch samples missed up to
    1e-5 h of each (the 999.999 of 1000 mAh/g)."""
    segments, i, plain, out = schedule
    expected = abs(i) * HALF_S / 3600.0
    switch = switch_times(segments)

    def per_half(record: dict) -> np.ndarray:
        t, cur = record["Time [s]"], record["Current density [A.m-2]"]
        q = integrate_current(t, cur)
        last = [int(np.flatnonzero(t < s)[-1]) for s in switch[1:]]  # each interval's last
        return np.abs(np.diff(np.r_[0.0, q[last]]))

    np.testing.assert_allclose(per_half(out), expected, rtol=1e-9)
    np.testing.assert_allclose(per_half(plain), expected, rtol=1e-5)
    if len(segments) == 1:
        # the square wave's switches lacked an end sample: charge was missed (so the check
        # above can fail); at the ends of the two steps PyBaMM made the integrator stop one
        # floating-point step early too, which gave an end sample already
        assert per_half(plain).min() < expected * (1 - 1e-8)
