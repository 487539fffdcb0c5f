"""The Python API tried as a new user would (issue 9): bad input gets a solidna error that names
the value, says what is allowed and how to fix it - never a traceback from numpy/PyBaMM/pint,
never silent acceptance. One test per class of defect found; runs are a few hours of cycling."""

from __future__ import annotations

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import solidna as sd
from solidna.errors import (
    InvalidOptionError,
    OutOfRangeError,
    OutOfRangeWarning,
    OutputExistsError,
    UnitError,
)
from solidna.protocols import CapacityCycling, FullDischarge, GalvanostaticCycling, RateTest
from solidna.protocols.nvp import parse_c_rate

# the symmetric cell's steps, as the top-level API exports them
CyclicVoltammetry, ImpedanceSpectroscopy = sd.CyclicVoltammetry, sd.ImpedanceSpectroscopy
PlatingStripping, Rest = sd.PlatingStripping, sd.Rest


@pytest.fixture(scope="module")
def short_run():
    """Two 1-h cycles of the M-Na symmetric cell at 0.1 mA/cm2."""
    return sd.SymmetricCell().cycle("0.1 mA/cm2", "1 h", "4 h")


# -- cell construction ----------------------------------------------------------------------------
@pytest.mark.parametrize("anode", ["Pristine", " Modified ", "M-NA"])
def test_anode_names_ignore_case_and_spaces(anode):
    assert sd.SymmetricCell(anode).anode in ("modified", "pristine")


@pytest.mark.parametrize("anode", [None, 1, ["modified"]])
def test_an_anode_that_is_not_a_name_is_refused(anode):
    with pytest.raises(InvalidOptionError, match=r"anode must be a name.*'modified', 'pristine'"):
        sd.SymmetricCell(anode)


def test_parameters_may_be_named_and_anything_else_is_refused():
    assert sd.SymmetricCell(parameters="lu2019").parameters.name == "lu2019"
    with pytest.raises(InvalidOptionError, match=r"got dict.*\.updated\("):
        sd.SymmetricCell(parameters={"Temperature [K]": 300.0})
    with pytest.raises(InvalidOptionError, match="Did you mean 'lu2019'"):
        sd.SymmetricCell(parameters="lu2091")


@pytest.mark.parametrize(
    ("value", "error", "text"),
    [
        ("80 %", UnitError, r"pvdf_ratio must be a plain number \(no unit\), got str '80 %'"),
        (True, UnitError, "got bool True"),
        ([0.8], UnitError, r"got list \[0.8\]"),
        (float("nan"), OutOfRangeError, "pvdf_ratio must be a finite number, got nan"),
    ],
)
def test_pvdf_ratio_must_be_a_plain_number(value, error, text):
    with pytest.raises(error, match=text):
        sd.SymmetricCell(pvdf_ratio=value)


@pytest.mark.parametrize("var_pts", [0, 2, 2.5, True, "20", 1e6])
def test_mesh_points_are_checked_before_pybamm_sees_them(var_pts):
    with pytest.raises(OutOfRangeError, match=rf"var_pts.*{var_pts!r}.*Example: var_pts=20"):
        sd.SymmetricCell(var_pts=var_pts)


def test_a_thickness_given_with_a_far_off_unit_warns():
    with pytest.warns(OutOfRangeWarning, match=r"SSE thickness '60 mm' \(6e\+04 um\) lies outside"):
        sd.SymmetricCell(sse_thickness="60 mm")


@pytest.mark.parametrize(("given", "shown"), [("0.1 MA/cm2", "1e+08"), ("0.1 uA/cm2", "0.0001")])
def test_a_current_density_with_a_slip_of_the_unit_warns(given, shown):
    text = re.escape(f"'{given}' ({shown} mA/cm2) lies outside")
    with pytest.warns(OutOfRangeWarning, match=text):
        PlatingStripping(given, "10 h")


@pytest.mark.parametrize(("p", "text"), [(0, "positive"), (-1, "positive"), ("1e99 bar", "64 bar")])
def test_co2_pressure_must_be_positive_and_gaseous(p, text):
    with pytest.raises(OutOfRangeError, match=text):
        sd.NaCO2Cell(co2_pressure=p)


def test_na_co2_cell_names_its_keywords():
    with pytest.raises(TypeError, match="temprature"):
        sd.NaCO2Cell(temprature="25 degC")
    assert sd.NaCO2Cell(temperature="30 degC").parameters["Temperature [K]"] == pytest.approx(
        303.15
    )


# -- protocols ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: CyclicVoltammetry(scan_rate="1e-30 V/s"), "The sweep would last .* h, longer"),
        (lambda: CyclicVoltammetry(cycles=1e9), "cycles = 1000000000.0 is above .* 1000000"),
        (lambda: FullDischarge("1e-30 mA/g"), "The discharge .* would last"),
        (lambda: FullDischarge(max_capacity="1e99 mAh/g"), "Raise the current or lower"),
        (lambda: CapacityCycling(capacity="1e99 mAh/g"), "50 cycles of .* would last"),
        (lambda: CapacityCycling(cycles=1e12), "above the largest value accepted"),
        (lambda: GalvanostaticCycling(cycles=10**7), "above the largest value accepted"),
        (lambda: ImpedanceSpectroscopy(points_per_decade=10**9), "7000000001 frequencies"),
        (lambda: PlatingStripping("0.1 mA/cm2", "10 h", half_cycle="1e-3 s"), "current pulse"),
        (lambda: PlatingStripping("1 mA/cm2", "1e4 h", half_cycle="1 s"), "cycles accepted"),
    ],
)
def test_protocols_that_would_exhaust_the_machine_are_refused(make, text):
    with pytest.raises(OutOfRangeError, match=text):
        make()


@pytest.mark.parametrize(("text", "rate"), [("C/2", 0.5), ("C / 10", 0.1), ("2 C", 2.0)])
def test_c_rates_in_the_usual_notations(text, rate):
    assert parse_c_rate(text) == pytest.approx(rate)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, r"C-rate: got NoneType None; give a number of C such as 1, 0.1, '2 C' or 'C/2'"),
        ([1], r"C-rate: got list \[1\]"),
        ("0,5 C", "decimal comma"),
    ],
)
def test_c_rate_errors_name_the_value_and_the_notation(value, text):
    with pytest.raises(UnitError, match=text):
        parse_c_rate(value)


def test_rate_test_needs_a_sequence():
    with pytest.raises(UnitError, match=r"c_rates: got NoneType None; give a sequence"):
        RateTest(None)
    assert RateTest(np.array([0.5, 1.0]), 1).c_rates == (0.5, 1.0)


def test_nvp_cutoffs_in_the_wrong_order_are_refused_by_the_protocol():
    with pytest.raises(OutOfRangeError, match="lower_cutoff 3.8 V is not below upper_cutoff"):
        GalvanostaticCycling(1, 2, lower_cutoff="3.8 V", upper_cutoff="2.5 V")


def test_whole_numbers_may_be_numpy_integers():
    assert CyclicVoltammetry(cycles=np.int64(2)).cycles == 2


@pytest.mark.parametrize("make", [lambda: Rest(0), lambda: FullDischarge(cutoff=0)])
def test_protocol_errors_say_how_to_fix(make):
    with pytest.raises(OutOfRangeError, match="Example"):
        make()


# -- running: state, flags, steps -----------------------------------------------------------------
def test_state_of_another_cell_type_is_refused_by_name(short_run):
    co2_state = {"anode interphase thickness [m]": 8e-9}
    with pytest.raises(InvalidOptionError, match=r"starts from .* 'left', 'right'; got keys"):
        sd.SymmetricCell().eis(state=co2_state)
    with pytest.raises(InvalidOptionError, match="'anode interphase thickness \\[m\\]'"):
        sd.NaCO2Cell().discharge("500 mA/g", state=short_run.final_state)


@pytest.mark.parametrize(
    "state", [{"left": 20.0, "right": 20.0}, {"left": -1e-9, "right": 1e-9}, {"left": np.nan}]
)
def test_state_values_are_thicknesses_in_metres(state):
    error = InvalidOptionError if len(state) == 1 else OutOfRangeError
    with pytest.raises(error, match="state"):
        sd.SymmetricCell().rest("1 h", state=state)


def test_a_result_continues_as_its_final_state(short_run):
    cell = sd.SymmetricCell()
    a = cell.rest("1 h", state=short_run)
    b = cell.rest("1 h", state=short_run.final_state)
    assert a.final_state == b.final_state


@pytest.mark.parametrize("jump", ["yes", 1, "no"])
def test_a_flag_that_is_not_a_bool_is_refused(jump):
    with pytest.raises(InvalidOptionError, match=rf"jump must be True, False or None.*{jump!r}"):
        sd.SymmetricCell().cycle("0.1 mA/cm2", "1 h", "2 h", jump=jump)


def test_steps_of_a_run():
    cell = sd.SymmetricCell()
    with pytest.raises(InvalidOptionError, match="non-empty list of Rest and PlatingStripping"):
        cell.run([])
    with pytest.raises(OutOfRangeError, match="points_per_half_cycle must be a whole number"):
        cell.run([Rest("1 h")], points_per_half_cycle=0)
    assert cell.run(Rest("1 h")).status == "completed"  # one step alone is a protocol too


def test_nvp_run_names_the_protocols_it_takes():
    with pytest.raises(InvalidOptionError, match="GalvanostaticCycling or RateTest.*PlatingStrip"):
        sd.NVPCell().run(PlatingStripping())


# -- results --------------------------------------------------------------------------------------
def test_a_rest_has_an_empty_cycle_table():
    table = sd.SymmetricCell().rest("1 h").cycles()
    assert len(table) == 0 and "Overpotential [mV]" in table


def test_plot_zoom_takes_units_and_refuses_nonsense(short_run):
    import matplotlib.pyplot as plt

    plt.close(short_run.plot(zoom_h="30 min"))
    with pytest.raises(OutOfRangeError, match=r"zoom \(zoom_h\) must be a positive"):
        short_run.plot(zoom_h=-1)


def test_nvp_cycles_reads_as_the_other_results():
    result = sd.NVPCell().rate_test(("C/2", 2), 1)
    table = result.cycles()  # a method, as cycles() of the other results
    assert isinstance(table, pd.DataFrame) and list(table.index) == [1, 2]
    table.loc[1, "Discharge capacity [mAh.g-1]"] = -1.0  # a copy: the result keeps its table
    assert result.cycles().loc[1, "Discharge capacity [mAh.g-1]"] > 0
    assert result.capacity_at("2 C") == result.capacity_at(2)
    with pytest.raises(OutOfRangeError, match=r"stoichiometry must be numbers in \[0, 1\]"):
        sd.NVPCell().open_circuit_potential(1.5)


# -- parameter sets -------------------------------------------------------------------------------
def test_membership_and_get_follow_the_mapping_protocol():
    ps = sd.lu2019()
    assert "Temprature [K]" not in ps and "Temperature [K]" in ps
    assert ps.get("Temprature [K]", 1.0) == 1.0


def test_updated_refuses_a_misspelt_name_unless_added_on_purpose():
    ps = sd.lu2019()
    with pytest.raises(InvalidOptionError, match=r"'Temprature \[K\]'; closest: \['Temperature"):
        ps.updated({"Temprature [K]": 300.0})
    assert ps.updated({"New thing [m]": 1.0}, add=True)["New thing [m]"] == 1.0
    # a calibration's base leaves its fitted file out and puts the names back: they are known
    base = sd.ParameterSet.load("lu2019", exclude=("fitted_symmetric.toml",))
    name = next(iter(set(ps) - set(base)))
    assert base.updated({name: ps[name]})[name] == ps[name]


@pytest.mark.parametrize("value", ["25 degC", None, True, float("nan")])
def test_updated_values_are_finite_numbers(value):
    with pytest.raises(OutOfRangeError, match=r"Temperature \[K\]: .* is not a finite number"):
        sd.lu2019().updated({"Temperature [K]": value})


def test_parameter_sets_save_load_and_pickle(tmp_path):
    ps = sd.lu2019().updated({"Temperature [K]": 308.15})
    ps.save(tmp_path / "mine")
    back = sd.ParameterSet.load(tmp_path / "mine")
    assert back.hash() == ps.hash() and back.entry("Temperature [K]").source == "user"
    assert pickle.loads(pickle.dumps(ps)).hash() == ps.hash()
    (tmp_path / "mine" / "other.toml").write_text("")
    with pytest.raises(OutputExistsError, match="other TOML files"):
        ps.save(tmp_path / "mine")


def test_in_range_input_stays_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sd.SymmetricCell(temperature="25 degC", sse_thickness="60 um", pvdf_ratio="0.8")
        GalvanostaticCycling("C/2", 2)


# -- PyBaMM ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "step"),
    [
        (
            lambda: sd.NaCO2Cell("pristine", temperature="40 degC"),
            "Discharge at 0.05 mA for 1 hour",
        ),
        (lambda: sd.NVPCell(temperature="35 degC"), "Charge at 1 C until 3.8 V"),
    ],
)
def test_every_cell_gives_its_model_and_values_to_a_plain_pybamm_simulation(cell, step):
    import pybamm

    cell = cell()
    sim = pybamm.Simulation(
        cell.model(),
        parameter_values=cell.parameter_values(),
        experiment=pybamm.Experiment([step]),
    )
    assert sim.solve()["Voltage [V]"].entries.size > 1
    assert cell.parameter_values()["Ambient temperature [K]"] == cell.parameters["Temperature [K]"]


def test_model_options_may_be_written_with_underscores():
    model = sd.SymmetricCell().model(surface_form="differential")
    assert model.options["surface form"] == "differential"


# -- saving, tolerances, warnings -----------------------------------------------------------------
@pytest.mark.parametrize("out", [None, 1, ""])
def test_save_needs_a_directory_name(out):
    with pytest.raises(InvalidOptionError, match=rf"out must name a directory.*got {out!r}"):
        sd.SymmetricCell().rest("1 h").save(out)


def test_jump_tolerances_are_checked():
    from solidna.cells.jump import JumpTolerance

    with pytest.raises(OutOfRangeError, match="JumpTolerance rtol must be a finite number > 0"):
        JumpTolerance(rtol=-1)
    step = PlatingStripping("0.1 mA/cm2", "300 h")
    with pytest.raises(InvalidOptionError, match=r"got float 0.001.*JumpTolerance\(rtol=1e-3\)"):
        sd.SymmetricCell().run([step], jump_tolerance=1e-3)


@pytest.mark.parametrize(
    "make",
    [
        lambda: sd.NaCO2Cell(temperature="70 degC"),
        lambda: sd.SymmetricCell(sse_thickness="60 mm"),
        lambda: GalvanostaticCycling(5, 2),
    ],
)
def test_warnings_point_at_the_callers_line(make):
    with pytest.warns(OutOfRangeWarning) as record:
        make()
    assert {w.filename for w in record} == {__file__}


def test_exclude_names_a_file_not_a_substring():
    alone = sd.ParameterSet.load("lu2019", exclude="fitted_nvp.toml")
    assert set(alone) == set(sd.ParameterSet.load("lu2019", exclude=("fitted_nvp.toml",)))
    # only the two fitted entries are left out; nvp.toml ("nvp.toml" in "fitted_nvp.toml") stays
    assert "NVP molar mass [kg.mol-1]" in alone and len(alone) == len(sd.lu2019()) - 2


def test_a_condition_given_as_the_second_argument_is_explained():
    with pytest.raises(InvalidOptionError, match="second argument of a cell.*by keyword"):
        sd.SymmetricCell("modified", "60 um")


@pytest.mark.parametrize(
    ("step", "samples", "text"),
    [
        (Rest("1 h"), [], "runs one PlatingStripping step, got Rest"),
        (PlatingStripping("0.1 mA/cm2", "4 h"), {"x": 1.0}, "list of .* dicts, one per sample"),
    ],
)
def test_run_samples_names_what_it_takes(step, samples, text):
    with pytest.raises(InvalidOptionError, match=text):
        sd.SymmetricCell().run_samples(step, samples)
