"""Our models as a PyBaMM modeller uses them, round 4.

* **Parameter values answer a change under either name.** The NVP half cell is PyBaMM's SPMe,
  which reads PyBaMM's names ("Separator thickness [m]", "Electrolyte conductivity [S.m-1]",
  "Positive particle radius [m]", ...); the export filled them with the numbers of the set's
  entries ("SSE thickness [m]", "SSE conductivity [S.m-1]", "NVP particle radius [m]", ...),
  which it keeps too - the names the symmetric and Na-CO2 models read. Before the fix
  ``pv["SSE conductivity [S.m-1]"] = 0.4 * ...`` on the half cell changed nothing (the same
  voltage): the model read the copy. The same held for the fresh film's thickness of the
  symmetric and Na-CO2 cells ("Modified interphase initial thickness [m]").
* **CasADi "fast with events"** ran a Na-CO2 discharge past its cut-off into a non-finite rate.
* **PyBaMM's option "calculate discharge energy"** was refused by the symmetric and Na-CO2
  models, whose "Throughput energy [W.h]" summary variable is then 0 (as PyBaMM's own).
* **Citations**: the exported values register their source (Lu 2019) with PyBaMM.

No files are read: the models run with solidna's own parameter values.
"""

import functools

import numpy as np
import pybamm
import pytest

from solidna import lu2019
from solidna.errors import InvalidOptionError
from solidna.models import (
    NaCO2CellModel,
    NVPHalfCellModel,
    SymmetricCellModel,
    provenance_table,
    pybamm_parameter_values,
)
from solidna.models.nvp import half_cell_parameter_values

# The linked and the copied values are the same numbers; PyBaMM builds slightly different
# expression trees from them (a parameter folded into a constant before or after), which moves
# the IDA trajectory at its rounding level: ~2e-8 V over a whole experiment (measured), far
# below the solver's rtol of 1e-6 of ~3 V. 1e-6 V leaves room for that.
SAME_ATOL_V = 1e-6
# Dividing any of these entries by 2.5 (the plateau potential: times 1.02) moves the voltage of
# a 5-minute 1 C charge by more than 1 mV (measured: 3-160 mV).
CHANGED_MIN_V = 1e-3

# (the set's entry, PyBaMM's name the SPMe reads, the keyword of PyBaMM's functional parameter
# that holds it, or None for a number)
PAIRS = [
    ("SSE thickness [m]", "Separator thickness [m]", None),
    ("SSE conductivity [S.m-1]", "Electrolyte conductivity [S.m-1]", "value"),
    ("NVP particle radius [m]", "Positive particle radius [m]", None),
    ("NVP diffusivity [m2.s-1]", "Positive particle diffusivity [m2.s-1]", "d"),
    ("NVP plateau potential [V]", "Positive electrode OCP [V]", "plateau_V"),
    (
        "NVP exchange-current density [A.m-2]",
        "Positive electrode exchange-current density [A.m-2]",
        "i0",
    ),
    (
        "Modified exchange-current density [A.m-2]",
        "Exchange-current density for lithium metal electrode [A.m-2]",
        "i0",
    ),
]
# The plateau potential moves by a few per cent, the others by a factor 2.5.
FACTOR = {"NVP plateau potential [V]": 1.02}
DEFAULT_FACTOR = 0.4


def _charge_voltage(pv):
    """Voltage [V] of a 5-minute 1 C charge of the fresh (discharged) half cell."""
    pv["Current function [A]"] = -pv["Nominal cell capacity [A.h]"]
    sol = pybamm.Simulation(NVPHalfCellModel(), parameter_values=pv).solve(
        [0, 300], t_interp=np.linspace(0, 300, 11)
    )
    return sol["Voltage [V]"].entries


@pytest.fixture(scope="module")
def base_voltage():
    return _charge_voltage(pybamm_parameter_values("nvp"))


@pytest.mark.parametrize(("entry", "pybamm_name", "keyword"), PAIRS)
def test_nvp_change_of_the_sets_entry_reaches_the_model(base_voltage, entry, pybamm_name, keyword):
    factor = FACTOR.get(entry, DEFAULT_FACTOR)
    by_entry = pybamm_parameter_values("nvp")
    by_entry[entry] = factor * by_entry[entry]
    # the reference: PyBaMM's own name changed, as before the fix (a number, or the keyword of
    # the functional parameter with the number in it)
    by_name = pybamm.ParameterValues(half_cell_parameter_values(lu2019(), "modified"))
    if keyword is None:
        by_name[pybamm_name] = factor * by_name[pybamm_name]
    else:
        function = by_name[pybamm_name]
        changed = {keyword: factor * function.keywords[keyword]}
        by_name[pybamm_name] = functools.partial(function.func, **function.keywords | changed)
    if entry == "SSE conductivity [S.m-1]":
        # the salt diffusivity follows the conductivity (Nernst-Einstein, an expression of it
        # in the export since session 20): values built with this conductivity have both
        diffusivity = by_name["Electrolyte diffusivity [m2.s-1]"]
        changed = {"value": factor * diffusivity.keywords["value"]}
        by_name["Electrolyte diffusivity [m2.s-1]"] = functools.partial(
            diffusivity.func, **diffusivity.keywords | changed
        )
    v_entry, v_name = _charge_voltage(by_entry), _charge_voltage(by_name)
    assert np.max(np.abs(v_name - base_voltage)) > CHANGED_MIN_V  # the change matters
    np.testing.assert_allclose(v_entry, v_name, rtol=0, atol=SAME_ATOL_V)


def test_nvp_electrode_area_sets_pybamms_height_and_width():
    # PyBaMM's area is "Electrode height [m]" x "Electrode width [m]"; the set's is "Electrode
    # area [m2]" (the symmetric and Na-CO2 models read it): at a fixed current, a cell of
    # twice the area runs at half the current density
    pv = pybamm_parameter_values("nvp")
    area = pv["Electrode area [m2]"]
    pv["Electrode area [m2]"] = 2 * area
    height = pv.evaluate(pybamm.Parameter("Electrode height [m]"))
    width = pv.evaluate(pybamm.Parameter("Electrode width [m]"))
    assert height * width == pytest.approx(2 * area, rel=1e-12)


@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_nvp_links_keep_every_number(anode):
    # each link evaluates to the number the half cell's values hold under PyBaMM's name
    copies = half_cell_parameter_values(lu2019(), anode)
    pv = pybamm_parameter_values("nvp", anode)
    linked = [name for name in copies if isinstance(pv[name], pybamm.Symbol)]
    assert "Separator thickness [m]" in linked and "Positive particle radius [m]" in linked
    for name in linked:
        assert pv.evaluate(pybamm.Parameter(name)) == copies[name], name
    table = provenance_table("nvp", anode)
    assert table.loc["Separator thickness [m]", "value"] == "SSE thickness [m]"
    assert "a link" in table.loc["Separator thickness [m]", "note"]


def test_nvp_linked_values_start_from_a_state():
    # a state to start from (the interphases of an aged cell) is a number, not the set's entry
    values = half_cell_parameter_values(
        lu2019(), "modified", {"negative interphase thickness [m]": 5e-8}
    )
    from solidna.models.nvp import link_set_entries

    linked = link_set_entries(values, "modified")
    assert linked["Initial negative interphase thickness [m]"] == 5e-8
    assert isinstance(linked["Initial positive interphase thickness [m]"], pybamm.Parameter)


# -- the symmetric and Na-CO2 cells: the start state's entry ----------------------------------
# (the model's name for the start state, the set's entry of the fresh cell's value)
START_STATES = {
    "symmetric": (
        ("Initial left interphase thickness [m]", "Initial right interphase thickness [m]"),
        "Modified interphase initial thickness [m]",
        "Discharge at 0.1 mA for 10 minutes",
    ),
    "na-co2": (
        ("Initial anode interphase thickness [m]",),
        "Modified interphase initial thickness [m]",
        "Discharge at 0.05 mA for 10 minutes",
    ),
}
# Three times the fresh film moves either cell's voltage by far more than 1 mV (measured: 148 mV
# on the symmetric cell, 37 mV on the Na-CO2 cell, over a 10-minute discharge).
THICKNESS_FACTOR = 3.0


def _experiment_voltage(cell, pv, step):
    model_class = {"symmetric": SymmetricCellModel, "na-co2": NaCO2CellModel}[cell]
    sim = pybamm.Simulation(
        model_class(), parameter_values=pv, experiment=pybamm.Experiment([step], period="1 minute")
    )
    return sim.solve()["Voltage [V]"].entries


@pytest.mark.parametrize("cell", list(START_STATES))
def test_fresh_film_thickness_entry_reaches_the_model(cell):
    # was: pv["Modified interphase initial thickness [m]"] = 3 x ... changed nothing (the models
    # read "Initial left/right/anode interphase thickness [m]", a copy of its number)
    names, entry, step = START_STATES[cell]
    base = _experiment_voltage(cell, pybamm_parameter_values(cell), step)
    by_entry = pybamm_parameter_values(cell)
    by_entry[entry] = THICKNESS_FACTOR * by_entry[entry]
    by_name = pybamm_parameter_values(cell)
    for name in names:
        by_name[name] = THICKNESS_FACTOR * by_name.evaluate(pybamm.Parameter(name))
    v_entry, v_name = (
        _experiment_voltage(cell, by_entry, step),
        _experiment_voltage(cell, by_name, step),
    )
    assert np.max(np.abs(v_name - base)) > CHANGED_MIN_V
    np.testing.assert_allclose(v_entry, v_name, rtol=0, atol=SAME_ATOL_V)


def test_symmetric_start_state_of_an_aged_cell_stays_a_number():
    pv = pybamm_parameter_values("symmetric", initial_thickness_m=(2e-7, 3e-7))
    assert pv["Initial left interphase thickness [m]"] == 2e-7
    assert pv["Initial right interphase thickness [m]"] == 3e-7


# -- Na-CO2 cell: PyBaMM's CasadiSolver in mode "fast with events" ---------------------------
# The solver integrates a window past a cut-off before it locates the event; its event time
# agrees with IDAKLU's (which stops at the event) to 0.1 s of 1309 s (measured), and its
# voltage there with the cut-off to 1e-5 V.
EVENT_TIME_RTOL = 1e-3
EVENT_ATOL_V = 1e-3


def test_na_co2_discharge_past_co2_exhaustion_with_casadi_fast_with_events():
    # was: SolverError CVODES "CV_REPTD_RHSFUNC_ERR" at t = 1967 s: past the cut-off the CO2
    # is exhausted, the cathode overpotential falls without bound and its exponential overflowed
    steps = ["Discharge at 0.5 mA for 5 hours or until 1.8 V", "Rest for 10 minutes"]
    ends = {}
    for name, solver in (
        ("casadi", pybamm.CasadiSolver(mode="fast with events")),
        ("idaklu", None),
    ):
        sol = pybamm.Simulation(
            NaCO2CellModel(), experiment=pybamm.Experiment(steps), solver=solver
        ).solve()
        assert len(sol.cycles) == 2, name
        step = sol.cycles[0]
        assert "[experiment]" in step.termination, name
        assert step["Voltage [V]"].entries[-1] == pytest.approx(1.8, abs=EVENT_ATOL_V), name
        ends[name] = step["Time [s]"].entries[-1]
    assert ends["casadi"] == pytest.approx(ends["idaklu"], rel=EVENT_TIME_RTOL)


# -- citations ---------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["symmetric", "na-co2", "nvp"])
def test_parameter_values_register_their_source_with_pybamms_citations(cell):
    # as pybamm.ParameterValues("Chen2020") registers Chen 2020: pybamm.print_citations() lists
    # the paper the values come from (it listed PyBaMM's own papers only). The entry is
    # registered as BibTeX text, which PyBaMM parses when it prints (with pybtex installed).
    pybamm.citations._reset()
    try:
        pybamm_parameter_values(cell)
        registered = pybamm.citations._unknown_citations | pybamm.citations._papers_to_cite
        entries = [entry for entry in registered if entry.startswith("@article{lu2019,")]
        assert len(entries) == 1
        assert "doi     = {10.1039/C8SC05178J}" in entries[0] and entries[0].endswith("}")
    finally:
        pybamm.citations._reset()


# -- PyBaMM's option "calculate discharge energy" ----------------------------------------------
# The integrated energy against the trapezoid rule of |V I| at 5-s samples of current steps
# (smooth): they agree to ~2e-5 (measured); 1e-3 leaves room for the rule's error.
ENERGY_RTOL = 1e-3
ENERGY_STEPS = {
    "symmetric": ["Discharge at 0.1 mA for 10 minutes", "Charge at 0.1 mA for 10 minutes"],
    "na-co2": ["Discharge at 0.05 mA for 10 minutes", "Charge at 0.05 mA for 10 minutes"],
}


@pytest.mark.parametrize("cell", list(ENERGY_STEPS))
def test_calculate_discharge_energy_option_integrates_the_energy(cell):
    # was: InvalidOptionError (the option was not one of the model's), and without it PyBaMM's
    # summary variable "Throughput energy [W.h]" is 0 for every cycle, as for PyBaMM's own
    # models without the option
    model_class = {"symmetric": SymmetricCellModel, "na-co2": NaCO2CellModel}[cell]
    exp = pybamm.Experiment(ENERGY_STEPS[cell], period="5 seconds")
    sol = pybamm.Simulation(
        model_class({"calculate discharge energy": "true"}), experiment=exp
    ).solve()
    t, power = sol["Time [s]"].entries, sol["Power [W]"].entries
    throughput = sol["Throughput energy [W.h]"].entries[-1]
    assert throughput == pytest.approx(np.trapezoid(np.abs(power), t) / 3600, rel=ENERGY_RTOL)
    # the discharge gives energy (V I > 0) and the charge takes it; the symmetric cell, with
    # no open-circuit voltage, only dissipates (V I < 0 on both)
    discharge = sol.cycles[0]["Discharge energy [W.h]"].entries[-1]
    assert discharge == pytest.approx(
        np.trapezoid(sol.cycles[0]["Power [W]"].entries, sol.cycles[0]["Time [s]"].entries) / 3600,
        rel=ENERGY_RTOL,
    )
    assert (discharge > 0) == (cell == "na-co2")
    summary = np.asarray(sol.summary_variables["Throughput energy [W.h]"])
    assert summary[-1] == throughput and 0 < summary[0] < summary[-1]


def test_calculate_discharge_energy_needs_the_capacity_states():
    with pytest.raises(InvalidOptionError, match="'capacity' = 'none'"):
        SymmetricCellModel({"calculate discharge energy": "true", "capacity": "none"})
