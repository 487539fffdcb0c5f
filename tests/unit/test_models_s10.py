"""The CV solver (``solidna.models.solve.solve_voltage``): progress reporting, and the same
result each time the same sweep is solved."""

from __future__ import annotations

import signal

import numpy as np
import pytest

from solidna.models.solve import solve_voltage, symmetric_parameter_values
from solidna.parameters import lu2019
from solidna.protocols import CyclicVoltammetry


def _sweep(cycles: int) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    """The paper's CV (-0.5 V to 0.5 V at 5 mV/s; Fig. 4g) over ``cycles`` sweeps, on a coarse
    mesh (fast): values, knot times [s], knot voltages [V], output times [s]."""
    step = CyclicVoltammetry("-0.5 V", "0.5 V", "5 mV/s", cycles)
    t_k, v_k = step.waveform()
    t_out = np.unique(np.concatenate([np.linspace(0, step.duration_s, 40 * cycles + 1), t_k]))
    return symmetric_parameter_values(lu2019(), "pristine"), t_k, v_k, t_out


def _current(cycles: int = 4, **kwargs) -> np.ndarray:
    values, t_k, v_k, t_out = _sweep(cycles)
    out = solve_voltage(values, "pristine", t_k, v_k, t_out, var_pts=10, **kwargs)
    return out["Current density [A.m-2]"]


def test_progress_fractions_rise_to_one_and_leave_the_result_unchanged() -> None:
    fractions: list[float] = []
    with_progress = _current(progress=fractions.append)
    # 4 sweeps of 400 s in windows of at most 600 s: several reports before the final 1.0
    assert len(fractions) >= 3
    assert fractions[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert np.all(np.diff(fractions) >= 0)
    assert fractions[0] < 0.5  # reported along the way, not only at the end
    np.testing.assert_array_equal(with_progress, _current())


def test_a_progress_callback_that_raises_stops_the_solve_cleanly() -> None:
    calls: list[float] = []

    def stop(fraction: float) -> None:
        calls.append(fraction)
        if len(calls) == 2:
            raise KeyboardInterrupt

    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        _current(cycles=6, progress=stop)
    assert len(calls) == 2  # nothing integrated after the interrupt
    # the signal handlers are restored and the next solve runs normally
    assert signal.getsignal(signal.SIGINT) is before
    fractions: list[float] = []
    _current(cycles=1, progress=fractions.append)
    assert fractions[-1] == 1.0


def test_the_same_cv_gives_the_same_currents_each_time() -> None:
    """PyBaMM's CasADi 'safe' mode perturbed the algebraic start of every window by a random
    1e-6 (numpy's global generator): the same CV differed by 2e-5 to 8e-5 of its peak from one
    solve to the next, within a process and across processes."""
    first = _current()
    # whatever else draws from numpy's global generator in between (which PyBaMM's perturbation
    # drew from)
    np.random.random(7)  # noqa: NPY002
    np.testing.assert_array_equal(first, _current())
