"""Our models as a PyBaMM modeller uses them, round 2: saving and pickling simulations, the
"80% capacity" termination of an experiment, ``sim.solve(initial_soc=...)`` - each compared with
what PyBaMM's own models do in the same call."""

import pickle

import numpy as np
import pybamm
import pytest

from solidna.errors import InvalidOptionError
from solidna.models import NaCO2CellModel, NVPHalfCellModel, SymmetricCellModel

# The capacity of a fresh NVP electrode is its theoretical capacity, which is also the nominal
# capacity of the export (1 C); both come from the same set of numbers, so they agree to
# rounding.
CAPACITY_RTOL = 1e-9


# -- saving: sim.save / pybamm.load_sim / pickle, as for pybamm.lithium_ion.SPM ----------------
@pytest.mark.parametrize("model_class", [SymmetricCellModel, NaCO2CellModel, NVPHalfCellModel])
def test_simulation_saves_loads_and_pickles(tmp_path, model_class):
    # The NVP parameter values held closures (lambdas), which the processed model keeps: sim.save
    # and pickle.dumps(solution) raised "Can't pickle local object ...contact_resistance_ohm".
    sim = pybamm.Simulation(model_class())
    sol = sim.solve([0, 10])
    path = tmp_path / "sim.pkl"
    sim.save(str(path))
    loaded = pybamm.load_sim(str(path))
    np.testing.assert_array_equal(
        loaded.solution["Voltage [V]"].entries, sol["Voltage [V]"].entries
    )
    again = pickle.loads(pickle.dumps(sol))
    np.testing.assert_array_equal(again["Voltage [V]"].entries, sol["Voltage [V]"].entries)
    # an unpickled parameter set solves to the same numbers
    pv = pickle.loads(pickle.dumps(model_class().default_parameter_values))
    sol2 = pybamm.Simulation(model_class(), parameter_values=pv).solve([0, 10])
    np.testing.assert_allclose(sol2["Voltage [V]"].entries, sol["Voltage [V]"].entries, rtol=1e-12)


# -- termination "80% capacity" --------------------------------------------------------------
def test_nvp_capacity_is_the_nvp_electrode_capacity_and_fades():
    model = NVPHalfCellModel()
    pv = model.default_parameter_values
    sol = pybamm.Simulation(model, parameter_values=pv).solve([0, 600])
    cap = sol["Capacity [A.h]"].entries
    # the Na metal is in excess: the cell's capacity is the NVP electrode's
    np.testing.assert_array_equal(cap, sol["Positive electrode capacity [A.h]"].entries)
    assert cap[0] == pytest.approx(pv["Nominal cell capacity [A.h]"], rel=CAPACITY_RTOL)
    # current-driven loss of active material lowers it while current flows
    assert np.all(np.diff(cap) <= 0) and cap[-1] < cap[0]


def test_nvp_experiment_capacity_termination():
    # was: KeyError "Variable 'Capacity [A.h]' is not a summary variable."
    cycle = ("Discharge at 1 C until 2.5 V", "Charge at 1 C until 3.8 V")
    exp = pybamm.Experiment([cycle] * 6, termination="99.9% capacity")
    sol = pybamm.Simulation(NVPHalfCellModel(), experiment=exp).solve()
    cap = np.asarray(sol.summary_variables["Capacity [A.h]"])
    assert sol.termination == "experiment capacity limit reached"
    assert len(sol.cycles) < 6  # stopped by the capacity, not by the end of the experiment
    assert cap[-1] <= 0.999 * cap[0] < cap[-2]


# -- sim.solve(initial_soc=...) --------------------------------------------------------------
@pytest.mark.parametrize(
    ("model_class", "start_state"),
    [
        (SymmetricCellModel, "Initial left interphase thickness [m]"),
        (NaCO2CellModel, "Initial product volume fraction [-]"),
    ],
)
def test_initial_soc_is_refused_where_there_is_no_state_of_charge(model_class, start_state):
    # was: KeyError 'open-circuit potential' from inside PyBaMM's electrode SOH solver
    sim = pybamm.Simulation(model_class())
    with pytest.raises(InvalidOptionError, match="no state of charge") as info:
        sim.solve([0, 60], initial_soc=0.5)
    assert start_state in str(info.value)
    assert isinstance(info.value, KeyError)  # as the missing option PyBaMM looked up


def test_initial_soc_of_the_nvp_half_cell_sets_its_stoichiometry():
    # the half-cell has a state of charge, PyBaMM's half-cell meaning: a full cell rests at the
    # top of the window (3.8 V), a half-charged one on the plateau
    full = pybamm.Simulation(NVPHalfCellModel()).solve([0, 1], initial_soc=1)
    half = pybamm.Simulation(NVPHalfCellModel()).solve([0, 1], initial_soc=0.5)
    assert full["Voltage [V]"].entries[0] > half["Voltage [V]"].entries[0]


def test_model_options_stay_a_plain_mapping():
    model = SymmetricCellModel()
    assert dict(model.options) == {"surface form": "algebraic", "operating mode": "current"}
    assert model.options.get("open-circuit potential") is None
    assert "open-circuit potential" not in model.options
    with pytest.raises(KeyError):
        model.options["thermal"]
    copy = pickle.loads(pickle.dumps(model))
    assert copy.options == model.options


@pytest.mark.parametrize("model_class", [SymmetricCellModel, NaCO2CellModel])
def test_plot_voltage_components_names_what_to_plot_instead(model_class):
    # was: KeyError 'particle phases' from inside pybamm.plot_voltage_components (it works on an
    # SPM; these cells have no particles or OCP terms)
    sol = pybamm.Simulation(model_class()).solve([0, 10])
    with pytest.raises(InvalidOptionError, match="variable_names"):
        pybamm.plot_voltage_components(sol, show_plot=False)


# -- drive cycles ------------------------------------------------------------------------------
def _sine_drive_cycle(amplitude_A):
    t = np.linspace(0, 600, 61)
    return np.column_stack([t, amplitude_A * np.sin(t / 60)])


def test_symmetric_drive_cycle_through_zero_current():
    # was: SolverError "IDAGetDky: IDA_BAD_K" (a 0.1 mA/cm2 sine; an SPM runs its own sine)
    drive = _sine_drive_cycle(1e-4)
    exp = pybamm.Experiment([pybamm.step.current(drive)])
    sol = pybamm.Simulation(SymmetricCellModel(), experiment=exp).solve()
    assert sol["Time [s]"].entries[-1] == pytest.approx(600)
    # the same drive cycle as PyBaMM's "Current function [A]", solved with the differential
    # surface form (which never failed): the algebraic form is its fast-double-layer limit
    model = SymmetricCellModel({"surface form": "differential"})
    pv = model.default_parameter_values
    pv["Current function [A]"] = pybamm.Interpolant(drive[:, 0], drive[:, 1], pybamm.t)
    ref = pybamm.Simulation(model, parameter_values=pv).solve([0, 600])
    assert sol["Voltage [V]"].entries[-1] == pytest.approx(ref["Voltage [V]"].entries[-1], abs=1e-5)


# -- temperature of an experiment ---------------------------------------------------------------
# (an xfail before: the symmetric and Na-CO2 models read "Temperature [K]" only; see
# tests/physics/test_experiment_temperature.py for the two routes to one temperature)
@pytest.mark.parametrize("model_class", [SymmetricCellModel, NaCO2CellModel])
def test_experiment_temperature_reaches_the_model(model_class):
    steps = ["Discharge at 0.1 mA for 10 minutes"]
    room = pybamm.Simulation(model_class(), experiment=pybamm.Experiment(steps)).solve()
    warm = pybamm.Simulation(
        model_class(), experiment=pybamm.Experiment(steps, temperature=308.15)
    ).solve()
    v_room, v_warm = room["Voltage [V]"].entries[-1], warm["Voltage [V]"].entries[-1]
    assert v_warm != pytest.approx(v_room, rel=1e-3)
