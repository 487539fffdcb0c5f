"""A power step on the Na|SSE|Na symmetric cell (no open-circuit voltage) is refused with a
clear solidna error before the solver runs; the cells with an open-circuit voltage (NVP half
cell, Na-CO2) still run power steps, and the symmetric cell's current, voltage and resistance
steps are unchanged.

Before the fix "Discharge at 1 mW" failed inside IDA ("IDAGetDky: IDA_BAD_K") and "Charge at
1 mW" ran as a 1.1 mA discharge (V*I = -R I^2 has two roots of opposite sign for a charge
power). No files are read: the models run with solidna's own parameter values.
"""

import numpy as np
import pybamm
import pytest

import solidna as sd
from solidna.errors import InvalidOptionError
from solidna.models import NaCO2CellModel, NVPHalfCellModel, SymmetricCellModel

# The solver meets PyBaMM's algebraic power constraint V*I = P to its tolerance (rtol 1e-6 of
# ~1 mW); 1e-3 relative is ample and far from any other power.
POWER_RTOL = 1e-3
# A voltage hold is an algebraic constraint met to the solver's tolerance (rtol 1e-6 of ~1 V).
HOLD_ATOL_V = 2e-5
# With no open-circuit voltage a resistance step's current is zero from rest (I = V/R, V = 0):
# the solver's zero is at its absolute tolerance (atol 1e-8 on the scaled current) or below.
REST_CURRENT_ATOL_A = 1e-9


def _symmetric_simulation(steps, mode="legacy"):
    cell = sd.SymmetricCell()
    return pybamm.Simulation(
        cell.model(),
        parameter_values=cell.parameter_values(),
        experiment=pybamm.Experiment(steps),
        experiment_model_mode=mode,
    )


def _ida_never_called(monkeypatch):
    """Make any call of the solver fail the test: the refusal must come before it."""

    def fail(*args, **kwargs):
        raise AssertionError("the solver ran before the power step was refused")

    monkeypatch.setattr(pybamm.BaseSolver, "step", fail)
    monkeypatch.setattr(pybamm.BaseSolver, "solve", fail)


# -- the refusal ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("step", "target"),
    [
        ("Discharge at 1 mW for 10 minutes", "0.001 W, a discharge"),
        ("Charge at 1 mW for 10 minutes", "-0.001 W, a charge"),
    ],
)
def test_symmetric_power_step_refused_before_the_solver(monkeypatch, step, target):
    sim = _symmetric_simulation([step])
    _ida_never_called(monkeypatch)
    with pytest.raises(InvalidOptionError) as info:
        sim.solve()
    message = str(info.value)
    assert "Na|SSE|Na symmetric cell cannot run an experiment's power step" in message
    assert target in message  # the step, by its target
    assert "no open-circuit voltage" in message  # why
    assert "I = P/V" in message
    assert "'Discharge at 0.1 mA for 1 hour'" in message  # what to run instead
    assert "'Hold at 0.05 V for 10 minutes'" in message


def test_symmetric_power_step_refused_in_pybamms_unified_experiment_model(monkeypatch):
    # "unified": one model switching between the steps' control laws (the target is an input)
    sim = _symmetric_simulation(
        ["Discharge at 0.1 mA for 1 minute", "Discharge at 1 mW for 1 minute"], mode="unified"
    )
    _ida_never_called(monkeypatch)
    with pytest.raises(InvalidOptionError, match="power step \\(operating mode 'power'\\)"):
        sim.solve()


def test_symmetric_power_step_after_current_steps_refused_at_set_up(monkeypatch):
    # the experiment's models are built before its first step is solved
    sim = _symmetric_simulation(
        [
            "Discharge at 0.1 mA for 10 minutes",
            "Rest for 1 minute",
            "Discharge at 2 mW for 1 minute",
        ]
    )
    _ida_never_called(monkeypatch)
    with pytest.raises(InvalidOptionError, match=r"'Power function \[W\]' = 0.002 W"):
        sim.solve()


@pytest.mark.parametrize(
    "build",
    [
        lambda: SymmetricCellModel({"operating mode": "power"}),
        lambda: SymmetricCellModel({"operating mode": "power", "anode": "pristine"}),
        lambda: sd.SymmetricCell().model(operating_mode="power"),
    ],
)
def test_symmetric_model_in_operating_mode_power_refused_at_construction(build):
    with pytest.raises(InvalidOptionError) as info:
        build()
    message = str(info.value)
    assert "cannot run in operating mode 'power' (the model option 'operating mode')" in message
    assert "no open-circuit voltage" in message
    assert "'operating mode' 'current' or 'voltage'" in message


# -- controls: what still runs ----------------------------------------------------------------
@pytest.mark.parametrize("mode", ["legacy", "unified"])
def test_symmetric_current_hold_and_resistance_steps_still_run(mode):
    sol = _symmetric_simulation(
        [
            "Discharge at 0.1 mA for 10 minutes",
            "Hold at 0.01 V for 2 minutes",
            "Rest for 1 minute",
            "Discharge at 10 Ohm for 2 minutes",
            "Charge at 1C for 5 minutes",
        ],
        mode=mode,
    ).solve()
    assert len(sol.cycles) == 5
    np.testing.assert_allclose(sol.cycles[0]["Current [A]"].entries, 1e-4)
    assert sol.cycles[0]["Voltage [V]"].entries[-1] < 0  # a discharge lowers V
    np.testing.assert_allclose(sol.cycles[1]["Voltage [V]"].entries, 0.01, atol=HOLD_ATOL_V)
    assert sol.cycles[1]["Current [A]"].entries[-1] < 0  # +V is reached on charge
    # the resistance step meets V = R I: after the rest the cell barely holds any voltage
    res = sol.cycles[3]
    v, i = res["Voltage [V]"].entries, res["Current [A]"].entries
    np.testing.assert_allclose(v, 10 * i, atol=HOLD_ATOL_V)
    assert np.all(np.abs(i) < 1e-5)
    assert sol.cycles[4]["Voltage [V]"].entries[-1] > 0  # a charge raises V


def test_symmetric_resistance_step_from_rest_has_no_current():
    # no open-circuit voltage: a load across the fresh cell draws nothing
    sol = _symmetric_simulation(["Discharge at 1 Ohm for 1 minute"]).solve()
    np.testing.assert_allclose(sol["Current [A]"].entries, 0, atol=REST_CURRENT_ATOL_A)


def test_na_co2_power_step_still_runs():
    model = NaCO2CellModel()
    sol = pybamm.Simulation(
        model, experiment=pybamm.Experiment(["Discharge at 1 mW for 10 minutes"])
    ).solve()
    assert sol.termination == "final time"
    np.testing.assert_allclose(sol["Power [W]"].entries, 1e-3, rtol=POWER_RTOL)
    assert np.all(sol["Current [A]"].entries > 0)  # a discharge


def test_nvp_power_steps_still_run():
    exp = pybamm.Experiment(
        [
            "Charge at 1 C for 10 minutes",
            "Discharge at 1 mW for 2 minutes",
            "Charge at 1 mW for 2 minutes",
        ]
    )
    sol = pybamm.Simulation(NVPHalfCellModel(), experiment=exp).solve()
    assert len(sol.cycles) == 3
    for cycle, power in ((1, 1e-3), (2, -1e-3)):
        np.testing.assert_allclose(sol.cycles[cycle]["Power [W]"].entries, power, rtol=POWER_RTOL)
    assert np.all(sol.cycles[1]["Current [A]"].entries > 0)
    assert np.all(sol.cycles[2]["Current [A]"].entries < 0)
