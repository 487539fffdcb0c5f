"""The three PyBaMM models as a PyBaMM modeller meets them, round 7: conservation, mesh and time
step (session 19).

Two defects of the Na-CO2 model (src/solidna/models/na_co2.py), each test failing on the old
code:

* **"CO2 flux at gas side [mol.m-2.s-1]"** was read from the boundary gradient of the CO2
  concentration and an extrapolated effective diffusivity, not from the flux the discretised
  equation uses: the CO2 balance of the model's own variables (stored = inflow - consumed) missed
  by 0.43 % of the inflow on the default mesh of 20 volumes (a second-order error: 0.11 % at 40,
  0.028 % at 80). It is now the integral of the discretised divergence, the flux the finite
  volumes pass at the gas side, and the balance closes to the solver's tolerance.
* **The summary's CO2 change**: PyBaMM names a summary variable's change "Change in " + its name
  with the first letter in lower case, so "CO2 per area [mol.m-2]" gave "Change in cO2 per area
  [mol.m-2]" and ``sol.summary_variables["Change in CO2 per area [mol.m-2]"]`` raised KeyError.
  The summary variable is now "Dissolved CO2 per area [mol.m-2]" (the old name stays a
  variable).

Checked, and held here, against laws: mesh convergence (halving the cell size moves the
voltage, or the capacity, about four times less each time: the finite volumes are second order)
and time-step independence (IDAKLU's output times do not move its steps: an experiment's
``period`` of 1 s or 10 minutes ends at the same numbers).

No files are read: the models run with solidna's own parameter values (Lu 2019).
"""

from __future__ import annotations

import numpy as np
import pybamm
import pytest

from solidna.models import NaCO2CellModel, NVPHalfCellModel, SymmetricCellModel

F = 96485.33212  # C/mol (CODATA 2018, as pybamm.constants.F)

#: The CO2 balance of the model's variables, relative to the larger of the CO2 that flowed in and
#: the CO2 the reaction turned over: the solver's tolerance and the trapezoidal rule over 1-s
#: samples (measured 7e-6 on the discharge, 3e-5 on the charge; the old flux: 4.3e-3).
CO2_BALANCE_REL = 1e-4


def _co2_cycle(var_pts: int = 20) -> tuple[pybamm.Solution, pybamm.ParameterValues]:
    """A 10-minute 1 C discharge and a 10-minute rest, then a 5-minute C/2 charge, sampled
    every second."""
    model = NaCO2CellModel()
    pv = model.default_parameter_values
    exp = pybamm.Experiment(
        [
            ("Discharge at 1 C for 10 minutes", "Rest for 10 minutes"),
            ("Charge at 0.5 C for 5 minutes",),
        ],
        period="1 second",
    )
    sim = pybamm.Simulation(
        model, parameter_values=pv, experiment=exp, var_pts={model.spatial_variable(): var_pts}
    )
    return sim.solve(), pv


@pytest.fixture(scope="module")
def co2_cycle():
    return _co2_cycle()


def _balance(cycle: pybamm.Solution, pv: pybamm.ParameterValues) -> tuple[float, float, float]:
    """(stored, inflow, consumed) [mol.m-2] over ``cycle``: the change of the dissolved CO2,
    the time integral of the inward flux at the gas side and the CO2 the reaction turned into
    product (3/4 CO2 per electron; the product's volume is v_p per electron)."""
    t = cycle.t
    stored = cycle["CO2 per area [mol.m-2]"].entries  # the name the old code had too
    inflow = -np.trapezoid(cycle["CO2 flux at gas side [mol.m-2.s-1]"].entries, t)
    product = cycle["Product volume per area [m]"].entries
    # an expression of the molar masses and densities: evaluated
    v_p = pv.evaluate(pybamm.Parameter("Product molar volume per electron [m3.mol-1]"))
    return stored[-1] - stored[0], inflow, 0.75 * (product[-1] - product[0]) / v_p


def test_co2_balance_of_the_models_variables_closes(co2_cycle):
    # dN/dt = inflow - (3/4F) * reaction: the dissolved CO2 changes by what flowed in at the gas
    # side minus what the reduction consumed (the charge's oxidation releases CO2: consumed < 0)
    sol, pv = co2_cycle
    for cycle in sol.cycles:
        stored, inflow, consumed = _balance(cycle, pv)
        scale = max(abs(inflow), abs(consumed))
        assert stored == pytest.approx(inflow - consumed, abs=CO2_BALANCE_REL * scale)


def test_co2_balance_closes_on_every_mesh():
    # the flux is the discretised equation's own, so the balance does not depend on the mesh
    # (the old flux converged to it at second order: 4.3e-3, 1.1e-3 at 20, 40 volumes)
    sol, pv = _co2_cycle(var_pts=7)
    stored, inflow, consumed = _balance(sol.cycles[0], pv)
    scale = max(abs(inflow), abs(consumed))
    assert stored == pytest.approx(inflow - consumed, abs=CO2_BALANCE_REL * scale)


def test_summary_names_the_change_of_the_dissolved_co2(co2_cycle):
    sol, pv = co2_cycle
    summary = sol.summary_variables
    change = summary["Change in dissolved CO2 per area [mol.m-2]"]
    for k, cycle in enumerate(sol.cycles):
        stored = cycle["Dissolved CO2 per area [mol.m-2]"].entries
        assert change[k] == pytest.approx(stored[-1] - stored[0], rel=1e-9)
    # the discharge consumes CO2 faster than the gas side supplies it; the charge releases it
    assert change[0] < 0 < change[1]
    # the older name is still the same variable
    np.testing.assert_array_equal(
        sol["CO2 per area [mol.m-2]"].entries, sol["Dissolved CO2 per area [mol.m-2]"].entries
    )


@pytest.mark.parametrize(
    "model_class",
    [SymmetricCellModel, NaCO2CellModel, NVPHalfCellModel],
    ids=["symmetric", "na-co2", "nvp"],
)
def test_every_summary_change_has_the_name_pybamm_gives_it(model_class):
    # PyBaMM lowers the first letter of a summary variable for its change: a name that starts
    # with an acronym or a symbol ("CO2 ...") has a change no one would look up
    for name in model_class().summary_variables:
        first = name.split()[0]
        assert first[1:] == first[1:].lower(), name


# -- mesh convergence and time-step independence ---------------------------------------------------
def _differences(values: list[float]) -> np.ndarray:
    return np.abs(np.diff(values))


def test_symmetric_mesh_convergence_near_the_limiting_current():
    # 80 % of the limiting current 2 F D c0 / ((1 - t+) L) for 0.3 L^2/D: a steep salt profile.
    # Halving the cell size moves the voltage 4x less (second order; measured 3.9-4.0x)
    model = SymmetricCellModel()
    pv = model.default_parameter_values
    d, c0, t_plus, length, area = (
        pv.evaluate(pybamm.Parameter(name))
        for name in (
            "Salt diffusivity [m2.s-1]",
            "Salt concentration [mol.m-3]",
            "Cation transference number [-]",
            "SSE thickness [m]",
            "Electrode area [m2]",
        )
    )
    i_lim = 2 * F * d * c0 / ((1 - t_plus) * length)
    step = f"Discharge at {0.8 * i_lim * area * 1e3:.6g} mA for {0.3 * length**2 / d:.6g} seconds"
    voltages = []
    for n in (5, 10, 20, 40, 80):
        sim = pybamm.Simulation(
            SymmetricCellModel(), experiment=pybamm.Experiment([step]), var_pts={"x": n}
        )
        voltages.append(float(sim.solve()["Voltage [V]"].entries[-1]))
    ratios = _differences(voltages)[:-1] / _differences(voltages)[1:]
    np.testing.assert_allclose(ratios, 4.0, rtol=0.1)
    assert _differences(voltages)[-1] < 1e-4  # 40 -> 80 volumes: tens of uV of 2.26 V


def test_na_co2_mesh_convergence():
    # the voltage after a 30-minute 1 C discharge: measured 4.0x less per halving
    voltages = []
    for n in (10, 20, 40, 80):
        model = NaCO2CellModel()
        sim = pybamm.Simulation(
            model,
            experiment=pybamm.Experiment(["Discharge at 1 C for 30 minutes"]),
            var_pts={model.spatial_variable(): n},
        )
        voltages.append(float(sim.solve()["Voltage [V]"].entries[-1]))
    ratios = _differences(voltages)[:-1] / _differences(voltages)[1:]
    np.testing.assert_allclose(ratios, 4.0, rtol=0.1)


def test_half_cell_mesh_convergence_of_the_capacity():
    # a 2 C charge to 3.8 V and discharge to 2.5 V: the charge passed converges at second
    # order in the particle and electrolyte meshes together (measured 4.0x per halving)
    capacities = []
    exp = pybamm.Experiment(["Charge at 2 C until 3.8 V", "Discharge at 2 C until 2.5 V"])
    for n in (10, 20, 40):
        var_pts = {"x_n": n, "x_s": n, "x_p": n, "r_p": n}
        sol = pybamm.Simulation(NVPHalfCellModel(), experiment=exp, var_pts=var_pts).solve()
        capacities.append(float(sol["Throughput capacity [A.h]"].entries[-1]))
    ratio = _differences(capacities)[0] / _differences(capacities)[1]
    assert ratio == pytest.approx(4.0, rel=0.1)


@pytest.mark.parametrize(
    ("model_class", "steps"),
    [
        (SymmetricCellModel, ["Discharge at 2 C for 30 minutes", "Charge at 2 C for 30 minutes"]),
        (NaCO2CellModel, ["Discharge at 1 C for 30 minutes", "Charge at 1 C for 10 minutes"]),
        (NVPHalfCellModel, ["Charge at 1 C until 3.8 V", "Discharge at 1 C until 2.5 V"]),
    ],
    ids=["symmetric", "na-co2", "nvp"],
)
def test_output_period_does_not_move_the_solution(model_class, steps):
    # IDAKLU interpolates its output; the period changes the samples, not the steps taken
    ends = []
    for period in ("1 second", "10 minutes"):
        exp = pybamm.Experiment(steps, period=period)
        sol = pybamm.Simulation(model_class(), experiment=exp).solve()
        ends.append(
            (
                sol.t[-1],
                sol["Voltage [V]"].entries[-1],
                sol["Throughput capacity [A.h]"].entries[-1],
                sol.cycles[0]["Voltage [V]"].entries[-1],
            )
        )
    np.testing.assert_allclose(ends[0], ends[1], rtol=1e-12, atol=1e-12)
