"""The square wave as PyBaMM inputs and the per-process block simulations of cycle jumping
(issue 13: "each worker builds each model once ... parameters as PyBaMM inputs")."""

from __future__ import annotations

import numpy as np
import pybamm
import pytest

from solidna import lu2019
from solidna.cells.symmetric import SymmetricCell, _block_simulations
from solidna.models.schedule import (
    current_expression,
    square_wave_current,
    square_wave_inputs,
    switch_times,
)
from solidna.protocols import PlatingStripping, current_schedule
from solidna.protocols.steps import ScheduleSegment


@pytest.mark.parametrize("current_density", [1.0, -3.0])
def test_square_wave_inputs_equal_the_constant_schedule(current_density):
    # a step's wave (from t = 0), and a segment later in a schedule with a negative first half
    segments = current_schedule([PlatingStripping(abs(current_density), "7 h", half_cycle="1.5 h")])
    if current_density < 0:
        segments = [ScheduleSegment(1800.0, 1800.0 + 7 * 3600, current_density, 5400.0)]
    area = 2e-4
    const = current_expression(segments, area)
    wave = square_wave_current(pybamm.t)
    inputs = square_wave_inputs(segments[0], area)
    # every switch (where the current is two-valued, the same side must be taken), and between
    times = np.union1d(switch_times(segments), np.linspace(0, 8 * 3600, 97))
    for t in times:
        expected = const(pybamm.Scalar(t)).evaluate()
        assert wave.evaluate(t=t, inputs=inputs) == pytest.approx(float(expected), abs=0), t


def test_runs_share_one_block_simulation_and_a_changed_parameter_becomes_an_input():
    cell = SymmetricCell("modified")
    cache = _block_simulations()
    cache.clear()
    a = cell.cycle("0.1 mA/cm2", "1 h", "200 h")
    b = cell.cycle("0.2 mA/cm2", "2 h", "400 h")  # another wave: the same simulation
    assert len(cache) == 1
    assert a.overpotential().iloc[-1] < b.overpotential().iloc[-1]
    name = "Modified interphase resistivity [Ohm.m]"
    other = SymmetricCell("modified", lu2019().updated({name: 2 * lu2019()[name]}))
    first = other.cycle("0.1 mA/cm2", "1 h", "200 h")
    assert len(cache) == 2 and name in cache[-1].inputs
    # the new simulation serves the original values too, with the parameter as an input
    again = cell.cycle("0.1 mA/cm2", "1 h", "200 h")
    assert len(cache) == 2
    np.testing.assert_allclose(again.overpotential(), a.overpotential(), rtol=1e-6)
    assert first.overpotential().iloc[-1] > a.overpotential().iloc[-1]
