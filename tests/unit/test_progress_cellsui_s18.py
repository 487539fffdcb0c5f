"""Full (non-jumping) runs report their progress with a fraction, and solving in pieces to do so
moves no number: ``solidna simulate symmetric --full`` showed a pulsing bar with no fraction and
no time left for the 45 s of a 2000-h run (one IDAKLU solve reports nothing until it ends)."""

from __future__ import annotations

import numpy as np
import pytest

import solidna as sd

# 40 cycles of 0.1-h half cycles: 80 constant-current intervals, solved in two pieces of 40
# (solidna.models.base.REPORT_MIN_INTERVALS)
CYCLING = {"current_density": "0.1 mA/cm2", "half_cycle": "0.1 h", "duration": "8 h"}


def _recorder():
    calls: list[tuple[str, float | None]] = []
    return calls, lambda message, fraction=None: calls.append((message, fraction))


def _fractions(calls):
    return [f for _, f in calls if f is not None]


def test_a_full_symmetric_run_reports_the_cycles_done_and_their_fraction():
    calls, progress = _recorder()
    sd.SymmetricCell().cycle(**CYCLING, jump=False, progress=progress)
    fractions = _fractions(calls)
    assert len(fractions) >= 2
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert 0 < fractions[0] < 1
    messages = [m for m, f in calls if f is not None]
    assert messages[0] == "cycle 20 of 40" and messages[-1] == "cycle 40 of 40"


def test_reporting_moves_no_number_of_a_symmetric_run():
    """The pieces restart where IDAKLU restarts anyway (a switch); the record has the same
    samples at the same times, and the values agree to round-off."""
    cell = sd.SymmetricCell()
    plain = cell.cycle(**CYCLING, jump=False)
    watched = cell.cycle(**CYCLING, jump=False, progress=lambda m, f=None: None)
    a, b = plain.timeseries, watched.timeseries
    assert a.shape == b.shape
    assert np.array_equal(a["Time [h]"].to_numpy(), b["Time [h]"].to_numpy())
    assert np.array_equal(
        a["Current density [mA.cm-2]"].to_numpy(), b["Current density [mA.cm-2]"].to_numpy()
    )
    np.testing.assert_allclose(b["Voltage [V]"], a["Voltage [V]"], rtol=1e-11, atol=0)
    np.testing.assert_allclose(watched.overpotential(), plain.overpotential(), rtol=1e-11, atol=0)
    for side in ("left", "right"):
        assert watched.final_state[side] == pytest.approx(plain.final_state[side], rel=1e-11)


def test_an_unwatched_full_run_is_the_model_solve_bit_for_bit():
    """Without ``progress`` the cell's solve is :func:`solidna.models.solve.solve_current`'s."""
    from solidna.cells.symmetric import _FACE_SALT, WORKING_ELECTRODE_VOLTAGE
    from solidna.models.solve import solve_current
    from solidna.protocols import PlatingStripping, current_schedule

    cell = sd.SymmetricCell()
    result = cell.cycle(**CYCLING, jump=False)
    step = PlatingStripping(CYCLING["current_density"], CYCLING["duration"], half_cycle="0.1 h")
    out = solve_current(
        cell._values(None),
        cell.anode,
        current_schedule([step]),
        variables=(WORKING_ELECTRODE_VOLTAGE, "Current density [A.m-2]", *_FACE_SALT),
        var_pts=cell.var_pts,
    )
    assert np.array_equal(result.timeseries["Time [h]"].to_numpy(), out["Time [s]"] / 3600)
    assert np.array_equal(
        result.timeseries["Voltage [V]"].to_numpy(), out[WORKING_ELECTRODE_VOLTAGE]
    )
    assert result.final_state == {"left": out["final state"][0], "right": out["final state"][1]}


def test_a_watched_run_stopped_by_the_voltage_limit_stops_as_an_unwatched_one():
    """A piece that ends in an event ends the run (no later piece starts past the stop)."""
    cell = sd.SymmetricCell("pristine")
    kwargs = {"current_density": "2 mA/cm2", "half_cycle": "0.1 h", "duration": "8 h"}
    plain = cell.cycle(**kwargs, jump=False)
    calls, progress = _recorder()
    watched = cell.cycle(**kwargs, jump=False, progress=progress)
    assert plain.status != "completed"  # the run this test is about
    assert watched.status == plain.status
    assert len(watched.timeseries) == len(plain.timeseries)


def test_a_full_rest_and_cycling_run_reports_the_hours_simulated():
    from solidna.protocols import PlatingStripping, Rest

    calls, progress = _recorder()
    steps = [Rest("1 h"), PlatingStripping("0.1 mA/cm2", "8 h", half_cycle="0.1 h")]
    sd.SymmetricCell().run(steps, jump=False, progress=progress)
    reported = [(m, f) for m, f in calls if f is not None]
    assert len(reported) >= 2
    assert reported[-1] == ("9 of 9 h simulated", 1.0)


def test_a_full_na_co2_cycling_run_reports_the_cycles_done():
    """40 capacity-limited cycles (80 intervals: two pieces). The Na-CO2 model is an ODE whose
    restart at a piece (a fresh IDAKLU start) differs from the whole solve's at a switch within
    the solver's tolerance (rtol 1e-6): watched, its voltages agree to 1e-5 relative."""
    cell = sd.NaCO2Cell()
    kwargs = {"current": "200 mA/g", "capacity": "200 mAh/g", "cycles": 40}
    calls, progress = _recorder()
    watched = cell.cycle(**kwargs, progress=progress)
    fractions = _fractions(calls)
    assert len(fractions) >= 2 and fractions[-1] == pytest.approx(1.0)
    assert [m for m, f in calls if f is not None][-1] == "cycle 40 of 40"
    plain = cell.cycle(**kwargs)
    a, b = plain.timeseries, watched.timeseries
    assert np.array_equal(a["Time [h]"].to_numpy(), b["Time [h]"].to_numpy())
    np.testing.assert_allclose(b["Voltage [V]"], a["Voltage [V]"], rtol=1e-5, atol=0)
