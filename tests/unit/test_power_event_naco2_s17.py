"""Where the Na-CO2 model's maximum-power event applies (no solves).

The event "Maximum power point [V]" ends a power step before the cell's maximum power point,
past which no current solves V I = P (tests/physics/test_off_paper_naco2_s17.py solves such
steps). It belongs to a power step's own copy of the model (PyBaMM's default "legacy"
experiment mode) and to a model built in operating mode "power"; a current, resistance or
voltage step's copy must not get it (a current step past the maximum power point is well
posed), nor PyBaMM's "unified" model, which switches one copy between every step's law.
"""

from __future__ import annotations

import pybamm
import pytest

from solidna.cells.na_co2 import NaCO2Cell
from solidna.models.na_co2 import MAXIMUM_POWER_EVENT, NaCO2CellModel


def _step_events(steps: list[str], mode: str = "legacy") -> dict[str, list[str]]:
    """Event names of each experiment model PyBaMM builds for the steps, by step."""
    cell = NaCO2Cell()
    sim = pybamm.Simulation(
        cell.model(),
        parameter_values=cell.parameter_values(),
        experiment=pybamm.Experiment(steps),
        experiment_model_mode=mode,
    )
    sim.build_for_experiment()
    # the discretised model each step is solved with (one shared model in "unified" mode)
    return {
        step: [e.name for e in model.events] for step, model in sim.steps_to_built_models.items()
    }


def test_only_the_power_step_copy_gets_the_event():
    steps = [
        "Discharge at 1 mA for 1 minute",
        "Discharge at 1000 Ohm for 1 minute",
        "Hold at 2 V for 1 minute",
        "Discharge at 1 mW for 1 minute",
    ]
    events = _step_events(steps)
    with_event = [step for step, names in events.items() if MAXIMUM_POWER_EVENT in names]
    assert len(events) == 4
    assert len(with_event) == 1 and "power" in with_event[0].lower()


def test_unified_model_is_left_without_the_event():
    events = _step_events(
        ["Discharge at 1 mA for 1 minute", "Discharge at 1 mW for 1 minute"], "unified"
    )
    assert len(events) == 2
    assert all(MAXIMUM_POWER_EVENT not in names for names in events.values())


@pytest.mark.parametrize(
    ("mode", "has_event"), [("power", True), ("current", False), ("resistance", False)]
)
def test_a_model_built_in_power_mode_has_the_event(mode, has_event):
    names = [e.name for e in NaCO2CellModel({"operating mode": mode}).events]
    assert (MAXIMUM_POWER_EVENT in names) == has_event


def test_the_original_model_keeps_its_events():
    cell = NaCO2Cell()
    model = cell.model()
    before = [e.name for e in model.events]
    sim = pybamm.Simulation(
        model,
        parameter_values=cell.parameter_values(),
        experiment=pybamm.Experiment(["Discharge at 1 mW for 1 minute"]),
    )
    sim.build_for_experiment()
    assert [e.name for e in model.events] == before
