"""Protocols, parameter sets, materials, units and sweeps called from Python as in a notebook.

Each test below failed on the code before its fix: a traceback from inside Python, NumPy or pint
(TypeError, KeyError, AttributeError, ZeroDivisionError, "math domain error"), a silently wrong
number ("50 %" read as 50, a NaN or infinite potential) or a silently accepted nonsense option
(``add="no"`` adding a parameter, a NaN anodic limit letting every window through). Valid input
gives the numbers worked out by hand in each test. The sweep specs are the repository's own
``examples/sweep_symmetric.yaml``, changed in one entry.
"""

from __future__ import annotations

import copy
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

import solidna as sd
from solidna.errors import (
    DataFormatError,
    InvalidOptionError,
    OutOfRangeError,
    UnitError,
)
from solidna.materials import electrolyte as el
from solidna.materials import thermo
from solidna.parameters import Parameter, ParameterSet
from solidna.parameters.parameter_set import unit_of
from solidna.protocols import (
    GalvanostaticCycling,
    PlatingStripping,
    RateTest,
    Rest,
    current_schedule,
)
from solidna.protocols.nvp import check_window
from solidna.sweep import engine, load_spec, open_store, status_counts
from solidna.units import as_pint_unit, check_duration, parse_quantity, to_si

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sweep_symmetric.yaml"
F = 96485.33212  # C/mol, as solidna.materials.thermo
R = 8.314462618  # J/(mol K)


@pytest.fixture(scope="module")
def ps() -> ParameterSet:
    return sd.lu2019()


def _spec(**changes) -> dict:
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec.update(copy.deepcopy(changes))
    return spec


# -- units ---------------------------------------------------------------------------------------
def test_percent_is_a_fraction_not_a_bare_number() -> None:
    # pint calls "%" unitless; the percent was dropped and "50 %" read as 50
    assert to_si("50 %", "-") == pytest.approx(0.5)
    assert to_si("50 percent", "dimensionless") == pytest.approx(0.5)
    assert to_si("500 ppm", "-") == pytest.approx(5e-4)
    assert to_si("0.8", "-") == 0.8 and to_si(0.8, "-") == 0.8  # a bare number stays itself


@pytest.mark.parametrize("unit", [None, 5, ["s"], {}])
def test_a_unit_that_is_not_a_string_is_a_unit_error(unit) -> None:
    with pytest.raises(UnitError, match="string"):
        to_si("1 h", unit)
    with pytest.raises(UnitError, match="string"):
        as_pint_unit(unit)


@pytest.mark.parametrize("unit", ["abc", "1e99 h", "0.1 mA/cm2"])
def test_an_unknown_unit_is_a_unit_error(unit) -> None:
    with pytest.raises(UnitError, match="not a unit"):
        parse_quantity("1 h", unit)
    with pytest.raises(UnitError, match="not a unit"):
        to_si("1 h", unit)


@pytest.mark.parametrize("duration", ["1 h", None, [1.0]])
def test_check_duration_refuses_what_is_not_a_number(duration) -> None:
    with pytest.raises(OutOfRangeError, match="number of seconds"):
        check_duration(duration, "the run", "Give seconds.")


# -- electrolyte -----------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [5, "lu2019", [1.0], np.float64(1.0)])
def test_electrolyte_parameters_that_are_not_a_mapping(bad) -> None:
    for call in (
        lambda: el.conductivity("25 degC", 0.8, bad),
        lambda: el.modulus(0.8, bad),
        lambda: el.composition(0.8, bad),
        lambda: el.anodic_limit_V(bad),
        lambda: el.melting_point_K(bad),
        lambda: el.salt_concentration_mol_m3(0.8, bad),
    ):
        with pytest.raises(InvalidOptionError, match="mapping"):
            call()


def test_electrolyte_mapping_lacking_an_entry_names_it(ps) -> None:
    values = dict(ps)
    del values["SSE melting point [K]"]
    with pytest.raises(InvalidOptionError, match=r"SSE melting point \[K\]"):
        el.conductivity("25 degC", 0.8, values)  # was KeyError
    with pytest.raises(InvalidOptionError, match=r"SN density \[kg.m-3\]"):
        el.composition(0.8, {})  # was KeyError
    with pytest.raises(InvalidOptionError, match="anodic stability"):
        el.anodic_limit_V({})


def test_electrolyte_mapping_with_a_quantity_string(ps) -> None:
    values = dict(ps) | {"SN density [kg.m-3]": "1.02 g/cm3"}
    with pytest.raises(InvalidOptionError, match="not finite numbers.*to_si"):
        el.conductivity("25 degC", 0.8, values)  # was TypeError
    # the same set with the number in kg/m3 gives the set's result, and is left unchanged
    values = dict(ps)
    before = dict(values)
    assert el.conductivity("25 degC", 0.8, values) == el.conductivity("25 degC", 0.8, ps)
    assert values == before


def test_conductivity_far_below_the_range_is_out_of_range() -> None:
    # 1 K: the Arrhenius factors underflow to 0 and log(0) raised "math domain error"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(OutOfRangeError, match="validated 10-60 degC"):
            el.conductivity(1.0, 0.8)


def test_arrhenius_slope_temperatures(ps) -> None:
    numbers = el.arrhenius_slope(0.8, ps, (283.15, 333.15))
    # a string with its unit is a temperature, as everywhere else (float("10 degC") raised)
    assert el.arrhenius_slope(0.8, ps, ("10 degC", "60 degC")) == pytest.approx(numbers)
    for bad in ([300.0], (), None, 300.0, "300 K", np.array(300.0)):
        with pytest.raises(InvalidOptionError, match="temperature"):
            el.arrhenius_slope(0.8, ps, bad)


def test_activation_energy_from_slope() -> None:
    # Fig. 3g: -1.63383 K/1000 -> 1.63383 * 1000 * ln 10 * k_B = 0.3242 eV
    assert el.activation_energy_from_slope(-1.63383) == pytest.approx(
        1.63383e3 * math.log(10) * 8.617333262e-5, rel=1e-9
    )
    for bad in ("-1.6", None, float("nan"), [1.0]):
        with pytest.raises(InvalidOptionError, match="slope"):
            el.activation_energy_from_slope(bad)


@pytest.mark.parametrize(
    "call",
    [
        lambda: el.arrhenius_factor(0.0, 0.3, 298.15),  # ZeroDivisionError
        lambda: el.arrhenius_factor(300.0, 0.3, 0.0),
        lambda: el.arrhenius_factor("300 K", 0.3, 298.15),  # TypeError
        lambda: el.phase_fractions(1.5, 0.0),  # ZeroDivisionError
        lambda: el.phase_fractions(0.3, None),
        lambda: el.gel_modulus(0.3, 1e6, 0.0, 2.25),  # ZeroDivisionError
        lambda: el.effective_medium_conductivity((0.5,), (0.1, 1.0), 0.3, 1.5),  # zip strict
        lambda: el.effective_medium_conductivity((0.5, 0.5), (0.0, 1.0), 0.3, 1.5),  # log(0)
        lambda: el.effective_medium_conductivity((0.5, 0.5), (0.1, 1.0), 0.3, None),
    ],
)
def test_equation_functions_refuse_what_they_cannot_compute(call) -> None:
    with pytest.raises(OutOfRangeError):
        call()


def test_equation_functions_keep_their_values() -> None:
    # Bruggeman's symmetric law (t = 1, phi_crit = 1/3), two phases of 1 and 4 S/m at 1/2 each:
    # sigma solves 0.5 (1 - s)/(1 + 2 s) + 0.5 (4 - s)/(4 + 2 s) = 0, i.e. 4 s2 - 5 s - 8 = 0
    expected = (5 + math.sqrt(153)) / 8
    assert el.effective_medium_conductivity((0.5, 0.5), (1.0, 4.0), 1 / 3, 1.0) == pytest.approx(
        expected, rel=1e-9
    )
    assert el.phase_fractions(0.2, 1.0) == pytest.approx((0.6, 0.4, 0.0))
    assert el.gel_modulus(0.6, 1e6, 0.3, 2.0) == pytest.approx(4e6)


def test_check_temperature() -> None:
    """New today: the public check of a temperature against the SSE's laws."""
    assert el.check_temperature("35 degC") == pytest.approx(308.15)
    assert el.check_temperature(308.15) == pytest.approx(308.15)
    with pytest.raises(OutOfRangeError, match="melting point"):
        el.check_temperature("110 degC")
    with pytest.raises(OutOfRangeError, match="absolute zero"):
        el.check_temperature(-5)
    with pytest.raises(UnitError):
        el.check_temperature("abc")
    with pytest.raises(UnitError, match="decimal comma"):
        el.check_temperature("0,5 degC")
    with pytest.raises(InvalidOptionError, match="mapping"):
        el.check_temperature("25 degC", 5)
    with pytest.warns(sd.OutOfRangeWarning, match="validated range"):
        el.check_temperature("80 degC")


# -- thermodynamics --------------------------------------------------------------------------------
def test_thermo_temperature_with_its_unit(ps) -> None:
    # a TypeError ("25 degC" - 298.15) before; a string is a quantity as everywhere else
    assert thermo.standard_potential_V("25 degC", ps) == pytest.approx(
        thermo.standard_potential_V(298.15, ps)
    )
    assert thermo.equilibrium_potential_V("35 degC", 1.0, ps) == pytest.approx(
        thermo.equilibrium_potential_V(308.15, 1.0, ps)
    )


@pytest.mark.parametrize(
    ("temperature", "pressure", "error"),
    [
        (None, 1.0, UnitError),  # TypeError
        ("abc", 1.0, UnitError),
        (float("nan"), 1.0, OutOfRangeError),  # a NaN potential
        (float("inf"), 1.0, OutOfRangeError),
        (-5.0, 1.0, OutOfRangeError),  # a number, silently
        (298.15, float("inf"), OutOfRangeError),  # an infinite potential
        (298.15, "1 h", UnitError),  # TypeError
        (298.15, None, UnitError),
        (298.15, 0.0, OutOfRangeError),
    ],
)
def test_thermo_bad_temperature_or_pressure(temperature, pressure, error) -> None:
    with pytest.raises(error):
        thermo.equilibrium_potential_V(temperature, pressure)


def test_thermo_pressure_with_its_unit(ps) -> None:
    # Nernst: 3 CO2 per 4 e-, +3RT/4F ln(p/1 bar); 1 atm = 1.01325 bar
    e1 = thermo.equilibrium_potential_V(298.15, 1.0, ps)
    expected = e1 + 3 * R * 298.15 / (4 * F) * math.log(1.01325)
    assert thermo.equilibrium_potential_V(298.15, "1 atm", ps) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: thermo.reaction_gibbs_energy_J_mol({}),  # KeyError
        lambda: thermo.reaction_entropy_J_mol_K({"Na standard molar entropy [J.mol-1.K-1]": 51}),
        lambda: thermo.specific_energy_Wh_kg(5),  # TypeError
        lambda: thermo.product_molar_volume_m3_mol("lu2019"),
        lambda: thermo.standard_potential_V(298.15, [1.0]),
    ],
)
def test_thermo_parameters_that_do_not_hold_the_reaction(call) -> None:
    with pytest.raises(InvalidOptionError, match="parameter|mapping"):
        call()


def test_equilibrium_potential_temperature_coefficient(ps) -> None:
    """New today: dE_eq/dT. By hand: dS = 2 S(Na2CO3) + S(C) - 4 S(Na) - 3 S(CO2); dS/4F plus
    the Nernst term's 3R/4F ln p; and the slope of equilibrium_potential_V itself."""
    ds = (
        2 * ps["Na2CO3 standard molar entropy [J.mol-1.K-1]"]
        + ps["Graphite standard molar entropy [J.mol-1.K-1]"]
        - 4 * ps["Na standard molar entropy [J.mol-1.K-1]"]
        - 3 * ps["CO2 standard molar entropy [J.mol-1.K-1]"]
    )
    for p_bar in (1.0, 0.2):
        coefficient = thermo.equilibrium_potential_temperature_coefficient_V_K(p_bar, ps)
        assert coefficient == pytest.approx(
            ds / (4 * F) + 3 * R / (4 * F) * math.log(p_bar), rel=1e-12
        )
        slope = (
            thermo.equilibrium_potential_V(308.15, p_bar, ps)
            - thermo.equilibrium_potential_V(288.15, p_bar, ps)
        ) / 20.0
        assert coefficient == pytest.approx(slope, rel=1e-9)
    assert thermo.equilibrium_potential_temperature_coefficient_V_K("1 atm", ps) == pytest.approx(
        ds / (4 * F) + 3 * R / (4 * F) * math.log(1.01325), rel=1e-12
    )
    assert ds / (4 * F) == pytest.approx(-1.48e-3, rel=0.01)  # about -1.5 mV/K
    for bad in (0.0, -1.0, float("inf"), float("nan")):
        with pytest.raises(OutOfRangeError):
            thermo.equilibrium_potential_temperature_coefficient_V_K(bad, ps)
    for bad in ("abc", None, "1 h"):
        with pytest.raises(UnitError):
            thermo.equilibrium_potential_temperature_coefficient_V_K(bad, ps)


# -- parameter sets --------------------------------------------------------------------------------
def test_parameter_set_get_and_in_with_an_unhashable_name(ps) -> None:
    assert ps.get(["Temperature [K]"]) is None  # TypeError: unhashable
    assert ps.get({}, 1.0) == 1.0
    assert (["Temperature [K]"] in ps) is False


def test_load_exclude(ps) -> None:
    assert ParameterSet.load("lu2019", exclude=None).hash() == ps.hash()  # TypeError
    for bad in (5, [1], np.float64(1.0)):
        with pytest.raises(InvalidOptionError, match="exclude"):
            ParameterSet.load("lu2019", exclude=bad)


def test_updated_checks_its_options(ps) -> None:
    before = ps.hash()
    with pytest.raises(InvalidOptionError, match="fitted"):
        ps.updated({"Temperature [K]": 300.0}, method="fited")  # was DataFormatError
    with pytest.raises(InvalidOptionError, match="note"):
        ps.updated({"Temperature [K]": 300.0}, note=np.array([1, 2]))  # ambiguous truth value
    with pytest.raises(InvalidOptionError, match="source"):
        ps.updated({"Temperature [K]": 300.0}, source=None)
    # "no" is truthy: the name was silently added
    with pytest.raises(InvalidOptionError, match="add"):
        ps.updated({"Brand new entry [m]": 1.0}, add="no")
    with pytest.raises(InvalidOptionError, match="note"):
        ps.updated({"Temperature [K]": 300.0}, note="")
    new = ps.updated({"Temperature [K]": 300.0}, method="measured", note="")
    assert new["Temperature [K]"] == 300.0 and ps["Temperature [K]"] == 298.15
    assert ps.hash() == before


def test_parameter_and_set_construction() -> None:
    with pytest.raises(DataFormatError, match="value"):
        Parameter("SSE thickness [m]", "60 um", "m", "user", "measured")  # was accepted
    with pytest.raises(DataFormatError, match="method"):
        Parameter("SSE thickness [m]", 6e-5, "m", "user", np.array([1, 2]))
    with pytest.raises(InvalidOptionError, match="mapping of name to Parameter"):
        ParameterSet("mine", [1, 2])  # TypeError
    with pytest.raises(InvalidOptionError, match="mapping of name to Parameter"):
        ParameterSet("mine", {"SSE thickness [m]": 6e-5})  # a value, not a Parameter
    with pytest.raises(InvalidOptionError, match="known"):
        ParameterSet("mine", {}, known=5)
    with pytest.raises(InvalidOptionError, match="string"):
        unit_of(None)  # AttributeError
    assert unit_of("SSE thickness [m]") == "m"


# -- protocols -------------------------------------------------------------------------------------
def test_current_schedule_arguments() -> None:
    for bad in (None, 5, "rest", np.array(1.0)):
        with pytest.raises(InvalidOptionError, match="sequence of Rest and PlatingStripping"):
            current_schedule(bad)  # TypeError: not iterable
    (only,) = current_schedule(Rest("2 h"))  # one step alone
    assert (only.start_s, only.end_s, only.current_density_A_m2) == (0.0, 7200.0, 0.0)


def test_current_schedule_charge_by_hand() -> None:
    # 24 h rest, then 0.1 mA/cm2 (1 A/m2) in 1-h half cycles for 10 h: 10 switches, the charge
    # of each half cycle 0.1 mAh/cm2 = 3600 C/m2, five stripping and five plating: net zero
    rest, cycling = current_schedule([Rest("24 h"), PlatingStripping("0.1 mA/cm2", "10 h", "1 h")])
    assert rest.end_s == cycling.start_s == 86400.0
    times = cycling.switch_times()
    assert np.allclose(times / 3600, np.arange(24, 35))
    signs = (-1) ** np.arange(len(times) - 1)
    charge = cycling.current_density_A_m2 * np.diff(times) * signs
    assert np.allclose(np.abs(charge), 3600.0) and charge.sum() == pytest.approx(0.0)


def test_half_cycles_first_cycle() -> None:
    protocol = GalvanostaticCycling(1, 2)
    assert [h.cycle for h in protocol.half_cycles(3)] == [3, 3, 4, 4]
    for bad in ("1", None, 0, 1.5, True):
        with pytest.raises(OutOfRangeError, match="first_cycle"):
            protocol.half_cycles(bad)  # TypeError for "1" and None


def test_areal_capacity_typical_range_is_the_documented_one() -> None:
    # 0.05-5 mAh/cm2 was stored as 180-18000 C/m2 (0.005-0.5 mAh/cm2): the paper's own
    # 1 mAh/cm2 given in SI (36000 C/m2) warned, 0.01 mAh/cm2 (360) did not
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        protocol = PlatingStripping("0.2 mA/cm2", "1000 h", capacity=36000)
    assert protocol.half_cycle_s == pytest.approx(5 * 3600)  # 1 mAh/cm2 at 0.2 mA/cm2
    with pytest.warns(sd.OutOfRangeWarning, match="0.05 to 5 mAh/cm2"):
        PlatingStripping("0.01 mA/cm2", "1000 h", capacity=360)


def test_check_window_anodic_limit() -> None:
    assert check_window("2.5 V", "3.8 V", "4.86 V") == (2.5, 3.8)  # TypeError
    with pytest.raises(OutOfRangeError, match="not a finite number"):
        check_window("2.5 V", "5.5 V", float("nan"))  # NaN let every window through
    with pytest.raises(OutOfRangeError, match="stability window"):
        check_window("2.5 V", "5.5 V", 4.86)


def test_rate_test_takes_a_numpy_scalar() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert RateTest(np.array(1.0), 2).c_rates == (1.0,)  # TypeError: 0-d array
        assert RateTest(np.array([0.5, 1.0]), 2).c_rates == (0.5, 1.0)


# -- sweeps ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", [None, 5, True, ["spec.yaml"]])
def test_load_spec_source_type(source) -> None:
    with pytest.raises(InvalidOptionError, match="YAML or TOML file"):
        load_spec(source)  # TypeError from Path()


def test_sweep_percent_of_a_dimensionless_entry() -> None:
    # "40 %" was 40 (silently, outside the entry's 0.3-0.5 validity only when varied)
    spec = load_spec(_spec(parameters={"Cation transference number [-]": "40 %"}))
    assert spec.parameters["Cation transference number [-]"] == pytest.approx(0.4)
    spec = load_spec(_spec(vary={"Cation transference number [-]": {"values": ["35 %", "45 %"]}}))
    assert spec.axes[0].values == pytest.approx((0.35, 0.45))


def test_sweep_spec_from_python_sequences() -> None:
    grid = load_spec(_spec(vary={"sse_thickness": {"values": ["40 um", "60 um"]}}))
    for values in (("40 um", "60 um"), np.array(["40 um", "60 um"])):
        spec = load_spec(_spec(vary={"sse_thickness": {"values": values}}))
        assert spec.axes == grid.axes  # a tuple or an array was read as one value (UnitError)
    spec = load_spec(
        _spec(vary={"sse_thickness": {"values": np.array([40, 60], dtype=np.int64), "unit": "um"}})
    )
    assert spec.axes[0].values == pytest.approx(grid.axes[0].values)
    raw = _spec(vary={"sse_thickness": {"values": ("40 um", "60 um")}})
    kept = copy.deepcopy(raw)
    load_spec(raw)
    assert raw == kept  # the caller's dict is not changed


def test_sweep_output_times_one_value() -> None:
    # "times: 100 h" was read letter by letter ("'1' has no unit")
    spec = load_spec(_spec(outputs=[{"overpotential_at": {"times": "100 h"}}]))
    assert [o.at_time_h for o in spec.outputs] == [100.0]
    spec = load_spec(_spec(outputs=[{"overpotential_at": {"cycles": 10}}]))
    assert [o.at_cycle for o in spec.outputs] == [10]
    with pytest.raises(UnitError, match="no unit"):
        load_spec(_spec(outputs=[{"overpotential_at": {"times": 100}}]))


def test_open_store_and_status_counts_arguments(tmp_path) -> None:
    for bad in (None, 5, ["a"]):
        with pytest.raises(InvalidOptionError, match="path of a sweep's Zarr store"):
            open_store(bad)  # TypeError
    for bad in (None, "sweep.zarr", {}, 5):
        with pytest.raises(InvalidOptionError, match="Dataset"):
            status_counts(bad)  # TypeError / KeyError


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"workers": 0}, OutOfRangeError),  # silently one worker per core
        ({"workers": -1}, OutOfRangeError),
        ({"workers": "two"}, OutOfRangeError),
        ({"scheduler": 5}, InvalidOptionError),
        ({"retry_failed": "yes"}, InvalidOptionError),  # TypeError from numpy's "&"
        ({"jump": "no"}, InvalidOptionError),
    ],
)
def test_run_options_are_checked_before_any_work(tmp_path, monkeypatch, options, error) -> None:
    def no_workers(*args, **kwargs):
        raise AssertionError("the workers were started")

    monkeypatch.setattr(engine, "_execute", no_workers)
    out = tmp_path / "sweep.zarr"
    with pytest.raises(error):
        engine.run(str(EXAMPLE), out, **options)
    assert not out.exists()


def test_run_out_type() -> None:
    for bad in (None, 5):
        with pytest.raises(InvalidOptionError, match="Zarr store"):
            engine.run(str(EXAMPLE), bad)  # TypeError
