"""Our symmetric and NVP models as a PyBaMM modeller uses them, round 5.

* **A time-varying ambient temperature** (``pv["Ambient temperature [K]"] = lambda y, z, t:
  ...``, the function PyBaMM's own thermal parameters read) was refused with "Cannot process
  parameter" by the symmetric cell and by the half-cell, whose SPMe takes it; the models read
  "Ambient temperature [K]" as a plain parameter.
* **The temperature each experiment step ran at**: the symmetric cell had no
  "Ambient temperature [K]" / "Cell temperature [K]" variables (KeyError), which PyBaMM's
  isothermal models, the half-cell's SPMe among them, define.
* Checked against analytic limits, beyond the earlier rounds: the first instant of a step at an
  experiment's temperature (ohmic, film and Butler-Volmer drops, each with its temperature law),
  Sand's time above the limiting current (IDAKLU and CasADi), Faraday's capacity of a slow
  discharge between the cut-offs and the Nernst (open-circuit) voltage after a rest;
  ``inputs=`` sweeps with ``calculate_sensitivities=True`` against finite differences; drive
  cycles from arrays; CasADi's modes against IDAKLU; ``pybamm.BatchStudy``.

No files are read: the models run with solidna's own parameter values.
"""

import numpy as np
import pybamm
import pytest
from scipy.optimize import brentq

from solidna import lu2019
from solidna.models import NaCO2CellModel, NVPHalfCellModel, SymmetricCellModel
from solidna.models.nvp import open_circuit_potential_V

F = 96485.33212  # C/mol (CODATA 2018, as pybamm.constants.F)
R_GAS = 8.314462618  # J/(mol K)


def _ramp(y, z, t):
    """An ambient temperature rising from 25 degC by 35 K in 10 minutes [K] (PyBaMM's
    signature of "Ambient temperature [K]": electrode width and height [m], time [s])."""
    return 298.15 + 35.0 * t / 600.0


# -- a time-varying ambient temperature --------------------------------------------------------
# (model, solve keywords): the half cell starts charged (initial_soc=1) so that its default 1 C
# discharge runs for the 10 minutes (from the as-made, discharged NVP it stops at 2.5 V at once)
MODELS = [
    (SymmetricCellModel, {}),
    (NVPHalfCellModel, {"initial_soc": 1}),
    (NaCO2CellModel, {}),
]


@pytest.mark.parametrize(("model_class", "solve_kwargs"), MODELS)
def test_a_time_varying_ambient_temperature_reaches_the_model(model_class, solve_kwargs):
    # Before: TypeError "Cannot process parameter '<function _ramp ...>'" for every model.
    pv = model_class().default_parameter_values
    pv["Ambient temperature [K]"] = _ramp
    sol = pybamm.Simulation(model_class(), parameter_values=pv).solve([0, 600], **solve_kwargs)
    t = sol["Time [s]"].entries
    np.testing.assert_allclose(sol["Ambient temperature [K]"].entries, _ramp(0, 0, t), rtol=1e-12)
    # the voltage at the end of the ramp is (nearly) that of a run at the end temperature:
    # the drops are set by the temperature of the moment; what differs is the history (film
    # growth, salt and particle profiles), measured at < 0.1 % of the drop
    constant = model_class().default_parameter_values
    constant["Ambient temperature [K]"] = _ramp(0, 0, 600.0)
    ref = pybamm.Simulation(model_class(), parameter_values=constant).solve(
        [0, 600], **solve_kwargs
    )
    room = pybamm.Simulation(model_class()).solve([0, 600], **solve_kwargs)
    v, v_ref, v_room = (s["Voltage [V]"].entries[-1] for s in (sol, ref, room))
    assert abs(v - v_ref) < 0.02 * abs(v_room - v_ref)


def test_half_cell_interphases_see_the_temperature_its_spme_sees():
    # The interphase films read solidna's "Ambient temperature [K]", the SPMe PyBaMM's; a
    # function of (y, z, t) must give the two the same temperature (PyBaMM reads a 0-D cell at
    # y = z = 1): the film drop of the ramp equals that of the constant end temperature, as the
    # SPMe's own electrolyte temperature does
    def ramp_in_y_z(y, z, t):
        return 298.15 + 10.0 * y + 10.0 * z + 15.0 * t / 600.0  # 333.15 K at the end

    pv = NVPHalfCellModel().default_parameter_values
    pv["Ambient temperature [K]"] = ramp_in_y_z
    sol = pybamm.Simulation(NVPHalfCellModel(), parameter_values=pv).solve([0, 600], initial_soc=1)
    constant = NVPHalfCellModel().default_parameter_values
    constant["Ambient temperature [K]"] = 333.15
    ref = pybamm.Simulation(NVPHalfCellModel(), parameter_values=constant).solve(
        [0, 600], initial_soc=1
    )
    assert sol["X-averaged cell temperature [K]"].entries[-1] == pytest.approx(333.15, rel=1e-12)
    film, film_ref = (s["Contact overpotential [V]"].entries[-1] for s in (sol, ref))
    assert film == pytest.approx(film_ref, rel=1e-3)


# -- the temperature of each experiment step ---------------------------------------------------
@pytest.mark.parametrize("mode", ["legacy", "unified"])
def test_symmetric_cell_reports_the_temperature_of_each_step(mode):
    # Before: KeyError 'Ambient temperature [K]' (PyBaMM's isothermal models define it)
    exp = pybamm.Experiment(
        [
            pybamm.step.string("Discharge at 0.1 mA for 10 minutes", temperature="25oC"),
            pybamm.step.string("Charge at 0.1 mA for 10 minutes", temperature="60oC"),
        ]
    )
    sol = pybamm.Simulation(
        SymmetricCellModel(), experiment=exp, experiment_model_mode=mode
    ).solve()
    steps = sol.cycles[0].steps if len(sol.cycles) == 1 else sol.cycles
    for step, celsius in zip(steps, (25.0, 60.0), strict=True):
        np.testing.assert_allclose(step["Ambient temperature [C]"].entries, celsius, rtol=1e-12)
        np.testing.assert_allclose(
            step["Volume-averaged cell temperature [K]"].entries, celsius + 273.15, rtol=1e-12
        )
        cell = step["Cell temperature [K]"].entries
        assert cell.shape[0] == 20  # across the SSE, as PyBaMM's "Cell temperature [K]"
        np.testing.assert_allclose(cell, celsius + 273.15, rtol=1e-12)


# -- analytic limits ---------------------------------------------------------------------------
def test_symmetric_first_instant_of_a_step_is_the_ohmic_film_and_butler_volmer_drop():
    # At the first instant of a galvanostatic step from rest the salt is uniform (no
    # concentration term): -V = i (R_bulk + 2 rho L0) + 2 (2RT/F) asinh(i / (2 i0)) for
    # alpha = 1/2, with kappa, rho and i0 each carried to the step's temperature by its law
    T = 313.15
    exp = pybamm.Experiment(
        [pybamm.step.string("Discharge at 0.5 mA for 1 minute", temperature=f"{T - 273.15}oC")]
    )
    sol = pybamm.Simulation(SymmetricCellModel(), experiment=exp).solve()
    pv = SymmetricCellModel().default_parameter_values
    T_ref = pv["Reference temperature [K]"]
    law = pv["SSE conductivity temperature factor [-]"]
    kappa = (
        pv["SSE conductivity [S.m-1]"]
        * law.conductivity_S_m(T)
        / law.conductivity_S_m(pv["Temperature [K]"])
    )
    arr = lambda e_a: np.exp(e_a / R_GAS * (1 / T_ref - 1 / T))  # noqa: E731
    rho = pv["Modified interphase resistivity [Ohm.m]"] / arr(
        pv["Modified interphase resistivity activation energy [J.mol-1]"]
    )
    i0 = pv["Modified exchange-current density [A.m-2]"] * arr(
        pv["Modified exchange-current density activation energy [J.mol-1]"]
    )
    i = 0.5e-3 / pv["Electrode area [m2]"]
    L0 = pv["Modified interphase initial thickness [m]"]
    drop = (
        i * pv["SSE thickness [m]"] / kappa
        + 2 * i * rho * L0
        + 2 * (2 * R_GAS * T / F) * np.arcsinh(i / (2 * i0))
    )
    assert pv["Charge-transfer coefficient [-]"] == 0.5
    assert -sol["Voltage [V]"].entries[0] == pytest.approx(drop, rel=1e-6)


def _sand_time_run(solver, var_pts):
    """Three times the limiting current through the symmetric cell: the run's end [s] and
    Sand's time [s], t_s = pi D (c0 F)^2 / (4 ((1 - t+) i)^2) (semi-infinite: sqrt(D t_s) is
    0.15 of the SSE)."""
    model = SymmetricCellModel()
    pv = model.default_parameter_values
    # the salt diffusivity is an expression of the conductivity and the transference number
    D = pv.evaluate(pybamm.Parameter("Salt diffusivity [m2.s-1]"))
    c0 = pv["Salt concentration [mol.m-3]"]
    t_plus, L = pv["Cation transference number [-]"], pv["SSE thickness [m]"]
    i = 3 * 2 * F * D * c0 / ((1 - t_plus) * L)
    t_sand = np.pi * D * (c0 * F) ** 2 / (4 * ((1 - t_plus) * i) ** 2)
    current_mA = i * pv["Electrode area [m2]"] * 1e3
    exp = pybamm.Experiment([f"Discharge at {current_mA} mA for {3 * t_sand} seconds"])
    sol = pybamm.Simulation(
        model, experiment=exp, solver=solver, var_pts={model.spatial_variable(): var_pts}
    ).solve()
    assert "Voltage limit [V]" in str(sol.termination)
    return sol.t[-1], t_sand


@pytest.mark.parametrize(
    "solver", [None, pybamm.CasadiSolver(mode="safe")], ids=["IDAKLU", "CasADi safe"]
)
def test_symmetric_run_above_the_limiting_current_stops_at_sands_time(solver):
    # depletion to 1e-3 of c0 is Sand's time to (1 - 1e-3)^2; 80 volumes resolve the 9-um
    # diffusion layer (20, the default, gives 1.04)
    t_end, t_sand = _sand_time_run(solver, 80)
    assert t_end / t_sand == pytest.approx(1.0, abs=0.005)


def test_half_cell_slow_discharge_passes_faradays_capacity_between_the_cut_offs():
    # C/20 from initial_soc=1 (the stoichiometry whose OCV is 3.8 V) to 2.5 V passes the charge
    # of the stoichiometry window, Q_theoretical (x(2.5 V) - x(3.8 V)), less the little left by
    # the overpotential at 2.5 V (measured 0.2 %)
    params = lu2019()

    def sto_at(voltage):
        return brentq(lambda x: open_circuit_potential_V(x, params) - voltage, 1e-9, 1 - 1e-9)

    exp = pybamm.Experiment(["Discharge at C/20 until 2.5 V"])
    sol = pybamm.Simulation(NVPHalfCellModel(), experiment=exp).solve(initial_soc=1)
    q = NVPHalfCellModel().default_parameter_values["Nominal cell capacity [A.h]"]
    expected = q * (sto_at(2.5) - sto_at(3.8))
    assert sol["Average positive particle stoichiometry"].entries[0] == pytest.approx(
        sto_at(3.8), rel=1e-6
    )
    assert 0.99 < sol["Discharge capacity [A.h]"].entries[-1] / expected <= 1.0


def test_half_cell_rests_to_the_nernst_voltage_of_the_charge_passed():
    # 20 minutes at 1 C charge (a third of the theoretical capacity: "Discharge capacity
    # [A.h]" is -Q/3, PyBaMM's sign) then a long rest: the voltage is the OCV of the mean
    # stoichiometry, 1/3 below the start, less what the cathode film took with the NVP it
    # consumed (loss of active material)
    params = lu2019()
    exp = pybamm.Experiment(["Charge at 1C for 20 minutes", "Rest for 10 hours"])
    sol = pybamm.Simulation(NVPHalfCellModel(), experiment=exp).solve()
    q = NVPHalfCellModel().default_parameter_values["Nominal cell capacity [A.h]"]
    assert sol["Discharge capacity [A.h]"].entries[-1] == pytest.approx(-q / 3, rel=1e-9)
    x = sol["Average positive particle stoichiometry"].entries[-1]
    assert x == pytest.approx(params["NVP initial stoichiometry [-]"] - 1 / 3, abs=1e-4)
    assert sol["Voltage [V]"].entries[-1] == pytest.approx(
        open_circuit_potential_V(x, params), abs=1e-6
    )


# -- inputs and sensitivities ------------------------------------------------------------------
SENSITIVITY_CASES = [
    (SymmetricCellModel, "Modified interphase initial thickness [m]"),
    (SymmetricCellModel, "SSE conductivity [S.m-1]"),
    (SymmetricCellModel, "Ambient temperature [K]"),
    (NVPHalfCellModel, "Modified interphase initial thickness [m]"),
    (NVPHalfCellModel, "SSE conductivity [S.m-1]"),
    (NVPHalfCellModel, "Ambient temperature [K]"),
]


@pytest.mark.parametrize(("model_class", "name"), SENSITIVITY_CASES)
def test_input_sweep_and_sensitivity_agree_with_finite_differences(model_class, name):
    # The interphase thickness, the SSE conductivity and the temperature as "[input]": one
    # build for a sweep, and IDAKLU's forward sensitivities equal a central difference
    # (measured to 1e-8; the half cell under a 1 C charge from as made)
    model = model_class()
    pv = model.default_parameter_values
    if model_class is NVPHalfCellModel:
        pv["Current function [A]"] = -pv["Nominal cell capacity [A.h]"]
    p0 = pv[name]
    pv[name] = "[input]"
    sim = pybamm.Simulation(model, parameter_values=pv)
    sol = sim.solve([0, 600], inputs={name: p0}, calculate_sensitivities=True)
    sensitivity = sol["Voltage [V]"].sensitivities[name][-1].item()
    h = 1e-4
    up, down = (
        sim.solve([0, 600], inputs={name: p0 * (1 + s)})["Voltage [V]"].entries[-1] for s in (h, -h)
    )
    assert sensitivity == pytest.approx((up - down) / (2 * h * p0), rel=1e-5)
    assert abs(up - down) > 1e-7  # the parameter moves the voltage


# -- drive cycles, solvers, batch studies ------------------------------------------------------
def test_symmetric_drive_cycle_from_an_array_passes_its_charge():
    # pybamm.step.current of a (time, current) array: the throughput is the integral of |I| of
    # the piecewise-linear current, and period= sets the output spacing
    t = np.linspace(0, 600, 61)
    current = 1e-4 * np.sin(2 * np.pi * t / 300)
    exp = pybamm.Experiment([pybamm.step.current(np.column_stack([t, current]))], period="5 s")
    sol = pybamm.Simulation(SymmetricCellModel(), experiment=exp).solve()
    fine = np.linspace(0, 600, 600_001)
    expected = np.trapezoid(np.abs(np.interp(fine, t, current)), fine) / 3600
    assert sol["Throughput capacity [A.h]"].entries[-1] == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(sol["Current [A]"].entries, np.interp(sol.t, t, current), atol=1e-12)
    assert np.diff(sol.t).max() <= 5 + 1e-9


def test_half_cell_casadi_modes_agree_with_idaklu():
    exp = pybamm.Experiment(["Charge at 1C until 3.8 V", "Discharge at 1C until 2.5 V"])
    capacities = {}
    for label, solver in (
        ("IDAKLU", None),
        ("safe", pybamm.CasadiSolver(mode="safe")),
        ("fast with events", pybamm.CasadiSolver(mode="fast with events")),
    ):
        sol = pybamm.Simulation(NVPHalfCellModel(), experiment=exp, solver=solver).solve()
        capacities[label] = sol["Throughput capacity [A.h]"].entries[-1]
    for label in ("safe", "fast with events"):
        assert capacities[label] == pytest.approx(capacities["IDAKLU"], rel=1e-4)


def test_batch_study_runs_both_models_as_plain_simulations():
    models = {"symmetric": SymmetricCellModel(), "half cell": NVPHalfCellModel()}
    batch = pybamm.BatchStudy(models=models)
    batch.solve([0, 60])
    for sim, model_class in zip(batch.sims, (SymmetricCellModel, NVPHalfCellModel), strict=True):
        alone = pybamm.Simulation(model_class()).solve([0, 60])
        assert sim.solution["Voltage [V]"].entries[-1] == pytest.approx(
            alone["Voltage [V]"].entries[-1], rel=1e-9
        )
