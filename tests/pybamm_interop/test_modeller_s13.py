"""Our models as a PyBaMM modeller runs them, round 3: PyBaMM's unified experiment mode
(``experiment_model_mode="unified"``: one model whose control residual switches between the
steps' control laws) runs every step type on all three cells, as the default legacy mode does.

Before the fix every voltage hold, power and resistance step of the NVP half cell failed in the
unified mode with ``pybamm.ModelError: algebraic and initial conditions must have the same shape
after discretisation but algebraic.shape = () and initial_conditions.shape = (1, 1) for variable
'Current variable [A]'``: the half cell's contact resistance (its interphase films) carried
PyBaMM's "current collector" domain into "Voltage [V]". No files are read: the models run with
solidna's own parameter values.
"""

import numpy as np
import pybamm
import pytest

import solidna as sd
from solidna.models import NVPHalfCellModel

# Legacy and unified modes solve the same equations with the same solver (IDAKLU, rtol 1e-6 of
# ~1-3 V); they agree to ~1e-8 V (measured), 1e-6 V leaves room for step-size differences.
MODES_ATOL_V = 1e-6
# Currents are 1e-5-1e-4 A and the two modes agree to ~1e-15 A (measured); 1e-9 A is 1e-4 of
# the smallest.
MODES_ATOL_A = 1e-9
# An algebraic control law (hold, power, resistance) is met to the solver's tolerance (rtol 1e-6
# of the voltage, ~3 V); 1e-4 relative is ample and far from any other value.
CONTROL_RTOL = 1e-4
HOLD_ATOL_V = 2e-5

# One experiment per cell with every step type PyBaMM's string steps have: current, C-rate,
# voltage hold, power (not on the symmetric cell: refused, no open-circuit voltage - see
# test_power_step_s12.py), resistance and rest. The NVP half cell is assembled discharged
# (Na3V2(PO4)3), so its experiment charges first.
EXPERIMENTS = {
    "nvp": [
        "Charge at 1 C for 10 minutes",
        "Hold at 3.5 V for 2 minutes",
        "Discharge at 0.05 mW for 2 minutes",
        "Discharge at 100000 Ohm for 2 minutes",
        "Rest for 1 minute",
        "Discharge at 0.1C for 2 minutes",
        "Discharge at 0.01 mA for 2 minutes",
    ],
    "na-co2": [
        "Discharge at 0.01 mA for 5 minutes",
        "Hold at 3.0 V for 2 minutes",
        "Discharge at 0.01 mW for 2 minutes",
        "Discharge at 100000 Ohm for 2 minutes",
        "Rest for 1 minute",
        "Discharge at 0.1C for 2 minutes",
        "Charge at 0.01 mA for 2 minutes",
    ],
    "symmetric": [
        "Discharge at 0.1 mA for 5 minutes",
        "Hold at 0.01 V for 2 minutes",
        "Discharge at 100 Ohm for 2 minutes",
        "Rest for 1 minute",
        "Charge at 1C for 2 minutes",
    ],
}
CELLS = {"nvp": sd.NVPCell, "na-co2": sd.NaCO2Cell, "symmetric": sd.SymmetricCell}


def _solve(cell_name, steps, mode):
    cell = CELLS[cell_name]()
    sim = pybamm.Simulation(
        cell.model(),
        parameter_values=cell.parameter_values(),
        experiment=pybamm.Experiment(steps),
        experiment_model_mode=mode,
    )
    return sim.solve()


def test_nvp_voltage_stays_domainless_with_its_parameter_values():
    # PyBaMM's own "Voltage [V]" has no domain; the half cell's "Contact resistance [Ohm]"
    # (a function of the film states, which live on "current collector") gave it one when the
    # parameter values were set in it - as the unified experiment model sets them in its
    # control laws (V - target, V I - target, V - R I)
    cell = sd.NVPCell()
    model, values = cell.model(), cell.parameter_values()
    for name in ("Voltage [V]", "Power [W]", "Contact overpotential [V]"):
        assert values.process_symbol(model.variables[name]).domain == [], name


def test_nvp_power_step_in_unified_mode_as_reported():
    # the reproduction of the report: the cell as assembled is discharged, so the step ends at
    # its cut-off; both modes end it at the same time and voltage
    steps = ["Discharge at 0.1 mW for 10 minutes or until 2.5 V"]
    legacy = _solve("nvp", steps, "legacy")
    unified = _solve("nvp", steps, "unified")
    for sol in (legacy, unified):
        assert sol["Voltage [V]"].entries[-1] == pytest.approx(2.5, abs=HOLD_ATOL_V)
        assert sol["Power [W]"].entries[-1] == pytest.approx(1e-4, rel=CONTROL_RTOL)
    assert unified["Time [s]"].entries[-1] == pytest.approx(
        legacy["Time [s]"].entries[-1], rel=CONTROL_RTOL
    )


@pytest.mark.parametrize("cell_name", list(EXPERIMENTS))
def test_unified_mode_runs_every_step_type_as_legacy(cell_name):
    steps = EXPERIMENTS[cell_name]
    capacity_Ah = CELLS[cell_name]().parameter_values()["Nominal cell capacity [A.h]"]
    legacy = _solve(cell_name, steps, "legacy")
    unified = _solve(cell_name, steps, "unified")
    assert len(unified.cycles) == len(legacy.cycles) == len(steps)
    for step, a, b in zip(steps, legacy.cycles, unified.cycles, strict=True):
        assert b["Time [s]"].entries[-1] == pytest.approx(a["Time [s]"].entries[-1]), step
        np.testing.assert_allclose(
            b["Voltage [V]"].entries[-1], a["Voltage [V]"].entries[-1], atol=MODES_ATOL_V
        )
        np.testing.assert_allclose(
            b["Current [A]"].entries[-1], a["Current [A]"].entries[-1], atol=MODES_ATOL_A
        )
        # each step's control law holds in the unified model (PyBaMM's step objects give the
        # target in SI units, positive on discharge)
        v, i = b["Voltage [V]"].entries, b["Current [A]"].entries
        control = pybamm.step.string(step)
        if isinstance(control, pybamm.step.Voltage):
            np.testing.assert_allclose(v, control.value, atol=HOLD_ATOL_V)
        elif isinstance(control, pybamm.step.Power):
            np.testing.assert_allclose(v * i, control.value, rtol=CONTROL_RTOL)
        elif isinstance(control, pybamm.step.Resistance):
            np.testing.assert_allclose(v, control.value * i, rtol=CONTROL_RTOL, atol=HOLD_ATOL_V)
        elif isinstance(control, pybamm.step.Current):  # current steps and rests
            np.testing.assert_allclose(i, control.value, rtol=CONTROL_RTOL, atol=MODES_ATOL_A)
        elif isinstance(control, pybamm.step.CRate):  # PyBaMM: 1 C = the nominal capacity in 1 h
            np.testing.assert_allclose(i, control.value * capacity_Ah, rtol=CONTROL_RTOL)


def test_nvp_half_cell_model_class_in_unified_mode():
    # the model class itself, with its default parameter values (as a PyBaMM script builds it)
    exp = pybamm.Experiment(
        [
            "Charge at 1 C for 5 minutes",
            "Hold at 3.45 V for 1 minute",
            "Discharge at 1 mW for 1 minute",
        ]
    )
    sol = pybamm.Simulation(
        NVPHalfCellModel(), experiment=exp, experiment_model_mode="unified"
    ).solve()
    np.testing.assert_allclose(sol.cycles[1]["Voltage [V]"].entries, 3.45, atol=HOLD_ATOL_V)
    np.testing.assert_allclose(sol.cycles[2]["Power [W]"].entries, 1e-3, rtol=CONTROL_RTOL)
