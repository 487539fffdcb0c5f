"""Our models in PyBaMM's own machinery (issue 12): pybamm.Experiment, default parameter values,
EISSimulation - as a PyBaMM user would run them."""

import numpy as np
import pybamm
import pytest

import solidna as sd
from solidna.analysis.cycling import per_cycle_overpotential
from solidna.models import (
    NaCO2CellModel,
    NVPHalfCellModel,
    SymmetricCellModel,
    provenance_table,
    pybamm_parameter_values,
)

# A cut-off event is located by the solver's root finding; the voltage there is within the
# solver tolerance (rtol 1e-6 of ~1 V) - 1e-4 V is ample and still far below any physics.
CUTOFF_ATOL_V = 1e-4
# A voltage hold is an algebraic constraint met to the solver's tolerance (rtol 1e-6 of a few V).
HOLD_ATOL_V = 2e-5
# Issue 12 acceptance: PyBaMM's experiment and SymmetricCell.cycle agree per cycle within 0.1 mV.
OVERPOTENTIAL_ATOL_MV = 0.1
# PyBaMM's summary variables that every model must offer (experiment machinery reads them).
REQUIRED_VARIABLES = (
    "Voltage [V]",
    "Battery voltage [V]",
    "Current [A]",
    "Current variable [A]",
    "Discharge capacity [A.h]",
    "Throughput capacity [A.h]",
    "C-rate",
    "Power [W]",
)


def _final_step_voltage(sol, cycle, step=-1):
    return float(sol.cycles[cycle].steps[step]["Voltage [V]"].entries[-1])


# -- symmetric cell ---------------------------------------------------------------------------
def test_symmetric_plain_simulation_runs_with_default_parameters():
    model = SymmetricCellModel()
    for name in REQUIRED_VARIABLES:
        assert name in model.variables
    sol = pybamm.Simulation(model).solve([0, 600])
    v = sol["Voltage [V]"].entries
    assert np.all(v[1:] < 0)  # default current is a 0.1 mA/cm2 discharge: V drops below 0
    assert sol["Discharge capacity [A.h]"].entries[-1] == pytest.approx(1e-4 * 600 / 3600)


def test_symmetric_experiment_steps_cutoffs_hold_and_cycles():
    exp = pybamm.Experiment(
        [
            ("Discharge at 0.1 mA for 1 hour", "Rest for 10 minutes"),
            ("Charge at 0.1 mA for 1 hour", "Rest for 10 minutes"),
            "Discharge at 0.1 mA for 2 hours or until -0.0795 V",
            "Charge at 0.1 mA for 2 hours or until 0.0795 V",
            "Hold at 0.05 V for 10 minutes",
            pybamm.step.current(1e-4, duration=600),  # a pybamm.step object
            "Discharge at 1 C for 10 minutes",  # C-rate: 1 C = 0.1 mA/cm2 (Nominal capacity)
        ]
    )
    sim = pybamm.Simulation(SymmetricCellModel(), experiment=exp)
    sol = sim.solve()
    assert len(sol.cycles) == 7
    # a discharge lowers the voltage, a charge raises it; rest relaxes toward 0
    assert _final_step_voltage(sol, 0, 0) < -0.07
    assert _final_step_voltage(sol, 1, 0) > 0.07
    assert abs(_final_step_voltage(sol, 0, 1)) < 0.005
    # the cut-offs stop the steps (well before the 2-h limit), at the cut-off
    for k, target in ((2, -0.0795), (3, 0.0795)):
        step = sol.cycles[k].steps[0]
        assert "[experiment]" in step.termination
        assert step["Time [s]"].entries[-1] - step["Time [s]"].entries[0] < 3600
        assert _final_step_voltage(sol, k) == pytest.approx(target, abs=CUTOFF_ATOL_V)
    hold = sol.cycles[4]
    np.testing.assert_allclose(hold["Voltage [V]"].entries, 0.05, atol=HOLD_ATOL_V)
    assert hold["Current [A]"].entries[-1] < 0  # +0.05 V (phi_R > phi_L) is reached on charge
    np.testing.assert_allclose(sol.cycles[6]["Current [A]"].entries, 1e-4, rtol=1e-9)
    # summary variables: PyBaMM's and the cell's own, one per cycle
    summary = sol.summary_variables
    assert len(summary["Throughput capacity [A.h]"]) == 7
    assert len(summary["Change in left interphase thickness [m]"]) == 7
    assert all(d > 0 for d in summary["Change in left interphase thickness [m]"])


def test_symmetric_current_termination_of_a_hold():
    exp = pybamm.Experiment(["Hold at -0.05 V until 6.3e-5 A", "Rest for 1 minute"])
    sol = pybamm.Simulation(SymmetricCellModel(), experiment=exp).solve()
    step = sol.cycles[0].steps[0]
    assert "[experiment]" in step.termination
    assert abs(step["Current [A]"].entries[-1]) == pytest.approx(6.3e-5, rel=1e-3)


def test_symmetric_unified_experiment_mode():
    exp = pybamm.Experiment(
        [
            "Discharge at 0.1 mA for 30 minutes",
            "Hold at 0.02 V for 5 minutes",
            "Rest for 5 minutes",
        ]
    )
    sol = pybamm.Simulation(
        SymmetricCellModel(), experiment=exp, experiment_model_mode="unified"
    ).solve()
    assert len(sol.cycles) == 3
    np.testing.assert_allclose(sol.cycles[1]["Voltage [V]"].entries[-1], 0.02, atol=HOLD_ATOL_V)


def test_symmetric_per_area_step_via_c_rate():
    """PyBaMM's step grammar has no A/m2 unit; its per-size step is the C-rate, and the
    symmetric cell's nominal capacity makes 1 C = 0.1 mA/cm2 whatever the electrode area."""
    pv = pybamm_parameter_values("symmetric")
    pv["Electrode area [m2]"] = 2e-4
    pv["Nominal cell capacity [A.h]"] = 2e-4  # 1 A/m2 x area x 1 h
    exp = pybamm.Experiment(["Discharge at 1 C for 30 minutes"])
    sol = pybamm.Simulation(SymmetricCellModel(), parameter_values=pv, experiment=exp).solve()
    np.testing.assert_allclose(sol["Current density [A.m-2]"].entries, 1.0, rtol=1e-9)


def test_symmetric_experiment_agrees_with_cell_cycle_within_0p1_mV():
    cell = sd.SymmetricCell("modified")
    ours = cell.cycle("0.1 mA/cm2", "1 h", "6 h").overpotential().to_numpy()
    exp = pybamm.Experiment(
        [("Discharge at 0.1 mA for 1 hour", "Charge at 0.1 mA for 1 hour")] * 3,
        period="4 minutes",
    )
    sol = pybamm.Simulation(
        cell.model(), parameter_values=cell.parameter_values(), experiment=exp
    ).solve()
    t = sol["Time [s]"].entries
    i = sol["Current density [A.m-2]"].entries
    v_we = -sol["Voltage [V]"].entries  # PyBaMM's voltage is phi_right - phi_left
    theirs = per_cycle_overpotential(t, v_we, i)["Overpotential [mV]"].to_numpy()
    assert len(theirs) == len(ours) == 3
    np.testing.assert_allclose(theirs, ours, atol=OVERPOTENTIAL_ATOL_MV)


def test_symmetric_eis_from_a_plain_pybamm_script():
    model = SymmetricCellModel({"surface form": "differential"})
    eis = pybamm.EISSimulation(model)
    z = np.asarray(eis.solve(np.array([1e6, 1.0, 1e-3])).impedance)
    pv = model.default_parameter_values
    r_bulk = pv["SSE thickness [m]"] / pv["SSE conductivity [S.m-1]"] / pv["Electrode area [m2]"]
    assert z[0].real == pytest.approx(r_bulk, rel=0.05)
    assert np.all(z.real > 0) and z[1].imag < 0  # capacitive arc: PyBaMM's sign, Z' - jZ''


# -- Na-CO2 cell ------------------------------------------------------------------------------
def test_na_co2_experiment():
    model = NaCO2CellModel()
    for name in REQUIRED_VARIABLES:
        assert name in model.variables
    exp = pybamm.Experiment(
        [
            "Discharge at 0.05 mA for 1 hour",
            "Rest for 10 minutes",
            "Charge at 0.05 mA for 2 hours or until 2.9 V",
            "Discharge at 0.5 mA for 5 hours or until 1.8 V",
            "Hold at 2.2 V for 10 minutes",
        ]
    )
    sol = pybamm.Simulation(model, experiment=exp).solve()
    assert len(sol.cycles) == 5
    # an expression of the CO2 pressure and the NIST-JANAF entries: evaluated
    ocv = model.default_parameter_values.evaluate(pybamm.Parameter("Equilibrium voltage [V]"))
    assert _final_step_voltage(sol, 0) < ocv  # a discharge lowers the voltage
    assert _final_step_voltage(sol, 2) == pytest.approx(2.9, abs=CUTOFF_ATOL_V)
    assert _final_step_voltage(sol, 3) == pytest.approx(1.8, abs=CUTOFF_ATOL_V)
    np.testing.assert_allclose(sol.cycles[4]["Voltage [V]"].entries, 2.2, atol=HOLD_ATOL_V)
    assert len(sol.summary_variables["Change in product volume per area [m]"]) == 5


def test_na_co2_eis_from_a_plain_pybamm_script():
    z = pybamm.EISSimulation(NaCO2CellModel()).solve(np.array([1e3, 1.0])).impedance
    assert np.all(np.real(z) > 0)


# -- NVP half-cell ----------------------------------------------------------------------------
def test_nvp_experiment():
    model = NVPHalfCellModel()
    exp = pybamm.Experiment(
        [
            "Charge at 1 C until 3.8 V",
            "Rest for 10 minutes",
            "Discharge at 1 C until 2.5 V",
            "Charge at 0.5 C for 10 minutes",
            "Hold at 3.5 V for 5 minutes",
        ]
    )
    sol = pybamm.Simulation(model, experiment=exp).solve()
    assert len(sol.cycles) == 5
    assert _final_step_voltage(sol, 0) == pytest.approx(3.8, abs=CUTOFF_ATOL_V)
    assert _final_step_voltage(sol, 2) == pytest.approx(2.5, abs=CUTOFF_ATOL_V)
    np.testing.assert_allclose(sol.cycles[4]["Voltage [V]"].entries, 3.5, atol=HOLD_ATOL_V)
    assert len(sol.summary_variables["Change in negative interphase thickness [m]"]) == 5


def test_nvp_eis_from_a_plain_pybamm_script():
    model = NVPHalfCellModel({"surface form": "differential"})
    z = pybamm.EISSimulation(model).solve(np.array([1e3, 1.0])).impedance
    assert np.all(np.real(z) > 0)


# -- parameter values -------------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["symmetric", "na-co2", "nvp"])
def test_parameter_export_has_provenance_for_every_value(cell):
    pv = pybamm_parameter_values(cell)
    table = provenance_table(cell)
    assert set(table.index) == set(pv.keys())
    assert (
        table["method"]
        .isin(["measured", "literature", "fitted", "estimated", "assumed", "derived"])
        .all()
    )
    assert table.loc["Temperature [K]", "source"]
