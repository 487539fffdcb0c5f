"""Our models as a PyBaMM modeller uses them, round 6.

* **The default solve of the half cell**: ``pybamm.Simulation(NVPHalfCellModel()).solve([0,
  3600])`` stopped at the 2.5 V cut-off after 2 s: the as-made NVP (Na3V2(PO4)3) is
  discharged and the default "Current function [A]" was a 1 C discharge. PyBaMM's own
  half-cell set (Xu2022) starts charged and discharges for the hour. The default current now
  runs 1 C across the window from the start state: a charge from the as-made cell, a discharge
  from one started charged (``initial_soc=1``, as the earlier rounds' tests do).
* **An experiment with start times** (``pybamm.step.string(..., start_time=datetime)``) failed
  for the Na-CO2 cell with ``KeyError: "Input parameter 'Ambient temperature [K]' not found"``:
  the scale of its CO2 concentration was the saturation at the ambient temperature, which
  PyBaMM's padding rest takes as an input.
* **The default plot** (``sim.plot()``) of the symmetric and Na-CO2 cells showed the current,
  voltage and discharge capacity only; it now shows their state (salt or CO2 and product
  profiles, interphase films, overpotentials), as an SPMe's shows its concentrations.
* Checked beyond the earlier rounds, against a run of the same protocol or a conservation law:
  "Hold at ... until C/20" (the hold's voltage and end current, the sodium balance, the Nernst
  voltage after the rest), ``solve(starting_solution=...)``, ``model.new_copy()``, IDAKLU's
  ``output_variables``, ``Solution.save`` / ``pybamm.load`` / ``save_data``,
  ``initial_soc="3.4 V"`` and ``get_parameter_info`` against the exported values.

No files are read: the models run with solidna's own parameter values.
"""

import datetime

import numpy as np
import pybamm
import pytest

import solidna as sd
from solidna import lu2019
from solidna.models import NaCO2CellModel, NVPHalfCellModel, SymmetricCellModel, nvp
from solidna.models.nvp import open_circuit_potential_V, theoretical_capacity_mAh_g

F = 96485.33212  # C/mol (CODATA 2018, as pybamm.constants.F)
MODELS = [SymmetricCellModel, NaCO2CellModel, NVPHalfCellModel]
# The half cell's 1 C default current passes the charge of its first 1 C charge in
# sd.NVPCell().cycle(): the same model, on HalfCellSolver's finer particle mesh (30 shells
# against the SPMe's default 20 of a plain Simulation): measured 5e-5 apart.
FIRST_CHARGE_RTOL = 1e-3


def _first_step(model_class) -> str:
    """A 10-minute 1 C step the fresh cell can take: the as-made half cell is discharged (it
    charges), the symmetric and Na-CO2 cells discharge."""
    if model_class is NVPHalfCellModel:
        return "Charge at 1C for 10 minutes"
    return "Discharge at 1C for 10 minutes"


# -- the default solve ---------------------------------------------------------------------------
def test_half_cell_default_solve_charges_the_as_made_cell_for_the_hour():
    # Before: a 1 C discharge of the discharged cell, "event: Minimum voltage [V]" at t = 2.0 s.
    sim = pybamm.Simulation(NVPHalfCellModel())
    sol = sim.solve([0, 3600])
    q = sim.parameter_values["Nominal cell capacity [A.h]"]
    np.testing.assert_allclose(sol["Current [A]"].entries, -q, rtol=1e-12)  # 1 C charge
    assert sol.termination == "event: Maximum voltage [V]"  # charged to 3.8 V ...
    assert sol.t[-1] > 0.9 * 3600  # ... in just under the hour
    charged_mAh_g = -sol["Discharge capacity [A.h]"].entries[-1] / q
    charged_mAh_g *= theoretical_capacity_mAh_g(lu2019())
    first = sd.NVPCell().cycle(cycles=1).cycles().iloc[0]["Charge capacity [mAh.g-1]"]
    assert charged_mAh_g == pytest.approx(first, rel=FIRST_CHARGE_RTOL)
    sim.plot(show_plot=False)  # PyBaMM's default variables of an SPMe


def test_half_cell_started_charged_discharges_for_the_hour():
    # as PyBaMM's own half cell (Xu2022, which starts charged): the earlier rounds' tests
    # solve the default current from initial_soc=1
    sim = pybamm.Simulation(NVPHalfCellModel())
    sol = sim.solve([0, 3600], initial_soc=1)
    q = sim.parameter_values["Nominal cell capacity [A.h]"]
    np.testing.assert_allclose(sol["Current [A]"].entries, q, rtol=1e-12)
    assert sol.termination == "event: Minimum voltage [V]"
    assert sol.t[-1] > 0.9 * 3600


@pytest.mark.parametrize(("stoichiometry", "direction"), [(0.45, 1.0), (0.55, -1.0)])
def test_half_cell_default_current_runs_towards_the_farther_end(stoichiometry, direction):
    # discharge (+) from the charged half of the NVP's range, charge (-) from the discharged half
    model = NVPHalfCellModel()
    pv = model.default_parameter_values
    c_max = pv["Maximum concentration in positive electrode [mol.m-3]"]
    pv["Initial concentration in positive electrode [mol.m-3]"] = stoichiometry * c_max
    sol = pybamm.Simulation(model, parameter_values=pv).solve([0, 10])
    current = sol["Current [A]"].entries[0]
    assert current == pytest.approx(direction * pv["Nominal cell capacity [A.h]"], rel=1e-12)
    assert sol.t[-1] == 10.0


@pytest.mark.parametrize("model_class", [SymmetricCellModel, NaCO2CellModel])
def test_one_domain_default_solve_discharges_for_the_hour(model_class):
    # 0.1 mA/cm2 (one nominal capacity per hour) for the whole hour, and the default plot
    sim = pybamm.Simulation(model_class())
    sol = sim.solve([0, 3600])
    q = sim.parameter_values["Nominal cell capacity [A.h]"]
    assert sol.termination == "final time"
    assert sol["Discharge capacity [A.h]"].entries[-1] == pytest.approx(q, rel=1e-9)
    voltage = sol["Voltage [V]"].entries
    if model_class is SymmetricCellModel:
        # no open-circuit voltage: the drop of a discharge, growing with the films
        assert np.all(voltage < 0) and voltage[-1] < voltage[0]
    else:
        # a discharge runs below the cell's equilibrium (Nernst) voltage
        # (an expression of the CO2 pressure and the NIST-JANAF entries: evaluated)
        e_eq = sim.parameter_values.evaluate(pybamm.Parameter("Equilibrium voltage [V]"))
        assert np.all(voltage < e_eq)
    # the default plot shows the cell's state, as an SPMe's shows its concentrations (before:
    # the current, voltage and discharge capacity only)
    shown = set()
    for entry in sim.model.default_quick_plot_variables:
        shown.update([entry] if isinstance(entry, str) else entry)
    assert any("interphase thickness" in name for name in shown)
    assert any(sol[name].entries.ndim == 2 for name in shown)  # a profile across the cell
    sim.plot(show_plot=False)


# -- an experiment with start times --------------------------------------------------------------
@pytest.mark.parametrize("model_class", MODELS)
def test_experiment_with_start_times_is_the_same_as_its_rests(model_class):
    # Before (Na-CO2): KeyError "Input parameter 'Ambient temperature [K]' not found" while
    # PyBaMM built the state mappers of the rest it pads between the start times.
    day = datetime.datetime(2024, 1, 1)
    timed = pybamm.Experiment(
        [
            pybamm.step.string(_first_step(model_class), start_time=day.replace(hour=8)),
            pybamm.step.string("Rest for 10 minutes", start_time=day.replace(hour=9)),
        ]
    )
    # the same protocol written out: the step, the wait to 9:00, the rest
    rests = pybamm.Experiment(
        [_first_step(model_class), "Rest for 50 minutes", "Rest for 10 minutes"]
    )
    a = pybamm.Simulation(model_class(), experiment=timed).solve()
    b = pybamm.Simulation(model_class(), experiment=rests).solve()
    assert a.t[-1] == pytest.approx(b.t[-1], rel=1e-12) == 4200.0
    for name in ("Voltage [V]", "Discharge capacity [A.h]"):
        assert a[name].entries[-1] == pytest.approx(b[name].entries[-1], rel=1e-9, abs=1e-12)


# -- hold until a current --------------------------------------------------------------------------
def test_half_cell_cccv_charge_holds_the_voltage_and_keeps_the_sodium_balance():
    exp = pybamm.Experiment(
        ["Charge at 1C until 3.6 V", "Hold at 3.6 V until C/20", "Rest for 2 hours"]
    )
    sim = pybamm.Simulation(NVPHalfCellModel(), experiment=exp)
    sol = sim.solve()
    q = sim.parameter_values["Nominal cell capacity [A.h]"]
    hold = sol.cycles[1]
    np.testing.assert_allclose(hold["Voltage [V]"].entries, 3.6, atol=1e-6)
    current = hold["Current [A]"].entries
    assert np.all(np.diff(np.abs(current)) <= 0)  # the charging current only falls ...
    assert current[-1] == pytest.approx(-q / 20, rel=1e-6)  # ... to C/20, where the hold ends
    # sodium: what left the cathode, plus what the film took with the NVP it consumed, is the
    # charge passed (measured 3e-9 apart)
    n = sol["Total lithium in positive electrode [mol]"].entries
    lost = sol["Loss of lithium due to loss of active material in positive electrode [mol]"]
    passed = sol["Discharge capacity [A.h]"].entries[-1] * 3600 / F
    assert n[-1] - n[0] + lost.entries[-1] - lost.entries[0] == pytest.approx(passed, rel=1e-6)
    # after the rest the voltage is the open-circuit voltage of the mean stoichiometry
    x = sol["Average positive particle stoichiometry"].entries[-1]
    assert sol["Voltage [V]"].entries[-1] == pytest.approx(
        open_circuit_potential_V(x, lu2019()), abs=1e-6
    )


# -- continuing, copying, output variables -------------------------------------------------------
@pytest.mark.parametrize("model_class", MODELS)
def test_starting_solution_continues_as_one_experiment(model_class):
    first = pybamm.Experiment([_first_step(model_class)])
    then = pybamm.Experiment(["Rest for 10 minutes"])
    both = pybamm.Experiment([_first_step(model_class), "Rest for 10 minutes"])
    s1 = pybamm.Simulation(model_class(), experiment=first).solve()
    continued = pybamm.Simulation(model_class(), experiment=then).solve(starting_solution=s1)
    whole = pybamm.Simulation(model_class(), experiment=both).solve()
    assert len(continued.cycles) == 2
    for name in ("Voltage [V]", "Discharge capacity [A.h]", "Throughput capacity [A.h]"):
        assert continued[name].entries[-1] == pytest.approx(
            whole[name].entries[-1], rel=1e-9, abs=1e-12
        ), name


@pytest.mark.parametrize("model_class", MODELS)
def test_new_copy_and_output_variables_solve_to_the_same_numbers(model_class):
    # the pristine anode: a copy that fell back to the default (modified) anode would differ
    model = model_class({"anode": "pristine"})
    pv = model.default_parameter_values
    t = [0, 600]
    reference = pybamm.Simulation(model, parameter_values=pv).solve(t)["Voltage [V]"].entries
    copy = model.new_copy()
    assert type(copy) is model_class and copy.cell_options["anode"] == "pristine"
    copied = pybamm.Simulation(copy, parameter_values=pv).solve(t)["Voltage [V]"].entries
    np.testing.assert_array_equal(copied, reference)
    # IDAKLU returning only the named variables, at the model's own tolerances
    default = model.default_solver
    solver = pybamm.IDAKLUSolver(
        rtol=default.rtol, atol=default.atol, output_variables=["Voltage [V]", "Current [A]"]
    )
    full = pybamm.IDAKLUSolver(rtol=default.rtol, atol=default.atol)
    only = pybamm.Simulation(model, parameter_values=pv, solver=solver).solve(t)
    every = pybamm.Simulation(model, parameter_values=pv, solver=full).solve(t)
    np.testing.assert_allclose(
        only["Voltage [V]"].entries, every["Voltage [V]"].entries, rtol=1e-12
    )


@pytest.mark.parametrize("model_class", MODELS)
def test_solution_saves_loads_and_exports_its_data(tmp_path, model_class):
    # Solution.save / pybamm.load (the solution alone; sim.save is round 2's) and save_data
    sol = pybamm.Simulation(model_class()).solve([0, 60])
    sol.save(str(tmp_path / "sol.pkl"))
    loaded = pybamm.load(str(tmp_path / "sol.pkl"))
    np.testing.assert_array_equal(loaded["Voltage [V]"].entries, sol["Voltage [V]"].entries)
    path = tmp_path / "sol.csv"
    sol.save_data(str(path), ["Time [s]", "Voltage [V]"], to_format="csv")
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    np.testing.assert_allclose(table[:, 1], sol["Voltage [V]"].entries, rtol=1e-12)


@pytest.mark.parametrize("voltage", [3.0, 3.4, 3.7])
def test_half_cell_initial_soc_as_a_voltage_starts_at_that_open_circuit_voltage(voltage):
    # PyBaMM's initial_soc="<V> V": the stoichiometry whose OCV is the voltage
    sim = pybamm.Simulation(NVPHalfCellModel())
    sol = sim.solve([0, 1], initial_soc=f"{voltage} V")
    x = sol["Average positive particle stoichiometry"].entries[0]
    assert open_circuit_potential_V(x, lu2019()) == pytest.approx(voltage, abs=1e-9)


@pytest.mark.parametrize("model_class", MODELS)
def test_every_parameter_the_model_reads_is_in_its_values(model_class):
    # model.print_parameter_info() lists what the model reads; the export holds each of them
    model = model_class()
    missing = set(model.get_parameter_info()) - set(model.default_parameter_values.keys())
    assert not missing


# -- the half cell's PyBaMM names ------------------------------------------------------------------
@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_pybamm_aliases_are_pure_renames_and_the_rest_real_functions(anode):
    prefix = "Modified" if anode == "modified" else "Pristine"
    values = nvp.half_cell_parameter_values(lu2019(), anode)
    linked = nvp.link_set_entries(values, anode)
    for name, entry in nvp.PYBAMM_ALIASES.items():
        entry = entry.format(anode=prefix)
        assert values[name] == values[entry], name
        assert linked[name] == pybamm.Parameter(entry), name
    # every other row of the table computes something: no rename is left outside the aliases
    for name, copy in nvp._copied_entries(prefix).items():
        if name not in nvp.PYBAMM_ALIASES:
            assert not isinstance(copy(pybamm.Parameter), pybamm.Parameter), name
