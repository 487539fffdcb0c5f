"""The three PyBaMM models in the hands of a PyBaMM user, round 7 (session 19): what this round
checked beyond the earlier ones, held as tests.

* The default plot's variables of the symmetric and Na-CO2 models are one definition now
  (:attr:`OneDomainModel.default_quick_plot_variables`, the current density and voltage then
  each model's ``STATE_PLOT_VARIABLES``): the same panels as before.
* ``sim.solve(t_eval, inputs=[...])`` (a list of inputs, one build) equals separate solves with
  the values set, on all three models.
* ``pybamm.step`` objects: a power step delivers its power (the Na-CO2 cell and the half cell;
  the half cell's "Discharge energy [W.h]" is P t), a custom termination ends the step where
  its function crosses zero.
* **A mesh by name**: ``var_pts={"x": 40}``, as for the symmetric cell and PyBaMM's own models,
  failed for the Na-CO2 cell (KeyError "Points not given for variable 'x_c'"), and so did its
  own name ``{"x_c": 40}`` (AttributeError: PyBaMM looks a string key up among its standard
  spatial variables); only the variable object refined it. Its coordinate is "x" now (fails on
  the old code).
* CasADi's "safe" and "fast" modes solve the one-domain models to IDAKLU's numbers (the half
  cell: tests/pybamm_interop/test_modeller_s17.py).

No files are read: the models run with solidna's own parameter values (Lu 2019).
"""

from __future__ import annotations

import numpy as np
import pybamm
import pytest

from solidna.models import NaCO2CellModel, NVPHalfCellModel, SymmetricCellModel

MODELS = [SymmetricCellModel, NaCO2CellModel, NVPHalfCellModel]
IDS = ["symmetric", "na-co2", "nvp"]


# -- the default plot ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model_class", "panels"),
    [
        (
            SymmetricCellModel,
            [
                "Salt concentration [mol.m-3]",
                ["Left interphase thickness [m]", "Right interphase thickness [m]"],
                [
                    "Left charge-transfer overpotential [V]",
                    "Right charge-transfer overpotential [V]",
                ],
                ["Left interphase voltage [V]", "Right interphase voltage [V]"],
            ],
        ),
        (
            NaCO2CellModel,
            [
                "CO2 concentration [mol.m-3]",
                ["Product volume fraction [-]", "Dead product volume fraction [-]"],
                "Cathode overpotential [V]",
                "Anode interphase thickness [m]",
            ],
        ),
    ],
    ids=IDS[:2],
)
def test_default_plot_shows_current_density_voltage_then_the_cells_state(model_class, panels):
    model = model_class()
    shown = model.default_quick_plot_variables
    assert shown == ["Total current density [A.m-2]", "Voltage [V]", *panels]
    # a panel of several lines is a list (pybamm.QuickPlot's form); every name is a variable
    for entry in shown:
        assert isinstance(entry, str | list)
        for name in [entry] if isinstance(entry, str) else entry:
            assert name in model.variables, name
    # a fresh list each time: a caller's edit does not reach the class
    shown[-1] = "Voltage [V]"
    assert model_class().default_quick_plot_variables[-1] == panels[-1]


# -- the mesh ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model_class", "profile", "length"),
    [
        (SymmetricCellModel, "Salt concentration [mol.m-3]", "SSE thickness [m]"),
        (NaCO2CellModel, "CO2 concentration [mol.m-3]", "Cathode thickness [m]"),
    ],
    ids=IDS[:2],
)
def test_var_pts_by_name_refines_the_mesh(model_class, profile, length):
    model = model_class()
    sim = pybamm.Simulation(model, var_pts={"x": 40})
    sol = sim.solve([0, 60])
    assert sol[profile].entries.shape == (40, sol.t.size)
    # the cell centres of 40 equal volumes across the domain
    thickness = sim.parameter_values.evaluate(pybamm.Parameter(length))
    centres = (np.arange(40) + 0.5) * thickness / 40
    np.testing.assert_allclose(sol["x [m]"].entries[:, 0], centres, rtol=1e-12)


# -- a list of inputs --------------------------------------------------------------------------
INPUT_CASES = [
    (SymmetricCellModel, "Modified interphase initial thickness [m]"),
    (NaCO2CellModel, "Saturated CO2 concentration [mol.m-3]"),
    (NVPHalfCellModel, "NVP diffusivity [m2.s-1]"),
]


@pytest.mark.parametrize(("model_class", "name"), INPUT_CASES, ids=IDS)
def test_a_list_of_inputs_equals_separate_solves(model_class, name):
    model = model_class()
    pv = model.default_parameter_values
    p0 = pv.evaluate(pybamm.Parameter(name))  # a derived value is an expression of its inputs
    pv[name] = "[input]"
    factors = (1.0, 0.5, 2.0)
    sols = pybamm.Simulation(model, parameter_values=pv).solve(
        [0, 600], inputs=[{name: p0 * f} for f in factors]
    )
    assert len(sols) == len(factors)
    for sol, factor in zip(sols, factors, strict=True):
        alone = model_class().default_parameter_values
        alone[name] = p0 * factor
        ref = pybamm.Simulation(model_class(), parameter_values=alone).solve([0, 600])
        assert sol["Voltage [V]"].entries[-1] == pytest.approx(
            ref["Voltage [V]"].entries[-1], rel=1e-9
        )
    # the swept parameter moves the voltage (a film, the CO2 supply, the NVP's diffusion)
    assert len({round(float(s["Voltage [V]"].entries[-1]), 9) for s in sols}) == len(factors)


# -- pybamm.step objects ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model_class", "power_W"), [(NaCO2CellModel, 1e-5), (NVPHalfCellModel, -1e-5)], ids=IDS[1:]
)
def test_power_step_object_delivers_its_power(model_class, power_W):
    # the Na-CO2 cell discharges (it is built with no product to oxidise), the as-made half
    # cell charges; PyBaMM's sign: P > 0 on discharge
    exp = pybamm.Experiment([pybamm.step.power(power_W, duration=600)])
    sol = pybamm.Simulation(model_class(), experiment=exp).solve()
    assert sol.termination == "final time"
    np.testing.assert_allclose(sol["Power [W]"].entries, power_W, rtol=1e-6)
    voltage, current = sol["Voltage [V]"].entries, sol["Current [A]"].entries
    np.testing.assert_allclose(voltage * current, power_W, rtol=1e-6)


def test_half_cell_power_discharge_energy_is_power_times_time():
    model = NVPHalfCellModel({"calculate discharge energy": "true"})
    exp = pybamm.Experiment(["Discharge at 0.5 mW until 2.5 V"])
    sol = pybamm.Simulation(model, experiment=exp).solve(initial_soc=1)
    t_end = sol.t[-1]
    assert t_end > 3000  # most of the capacity at ~C/1.2
    assert sol["Discharge energy [W.h]"].entries[-1] == pytest.approx(
        0.5e-3 * t_end / 3600, rel=1e-6
    )


@pytest.mark.parametrize("model_class", MODELS, ids=IDS)
def test_custom_termination_ends_the_step_where_its_function_crosses_zero(model_class):
    current = 1e-5 if model_class is NaCO2CellModel else -1e-5
    stop = pybamm.step.CustomTermination("after 300 s", lambda v: 300 - v["Time [s]"])
    exp = pybamm.Experiment([pybamm.step.current(current, duration=3600, termination=stop)])
    sol = pybamm.Simulation(model_class(), experiment=exp).solve()
    assert sol.t[-1] == pytest.approx(300, rel=1e-6)
    assert "after 300 s" in sol.termination


# -- solvers -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model_class", "steps"),
    [
        (SymmetricCellModel, ["Discharge at 2 C for 30 minutes", "Rest for 10 minutes"]),
        (NaCO2CellModel, ["Discharge at 1 C for 30 minutes", "Rest for 10 minutes"]),
    ],
    ids=IDS[:2],
)
@pytest.mark.parametrize("mode", ["safe", "fast"])
def test_casadi_modes_agree_with_idaklu(model_class, steps, mode):
    exp = pybamm.Experiment(steps)
    ref = pybamm.Simulation(model_class(), experiment=exp).solve()
    sol = pybamm.Simulation(
        model_class(), experiment=exp, solver=pybamm.CasadiSolver(mode=mode)
    ).solve()
    for a, b in ((ref.cycles[0], sol.cycles[0]), (ref, sol)):
        # measured within 1e-6 V (the Na-CO2 rest), 1e-9 V (the symmetric discharge)
        assert b["Voltage [V]"].entries[-1] == pytest.approx(a["Voltage [V]"].entries[-1], abs=2e-6)
