"""Unit tests of solidna.materials.electrolyte: composition, unit parsing, every warning and error path."""

from __future__ import annotations

import math
import re
import tomllib
import warnings
from pathlib import Path

import pytest

import solidna
import solidna.materials.electrolyte as el
from solidna.errors import InvalidOptionError, OutOfRangeError, OutOfRangeWarning, UnitError

# Volume fractions are sums of floats: they must close to 1 to rounding only.
CLOSURE_TOL = 1e-12
# physics.md section 3 derived phi_P = 0.30 and 0.42 M at w = 0.8 with SN at 1.0 g/cm3; we use the
# handbook 0.985 g/cm3, which moves these by about 1 %, so 2 % tolerance checks the arithmetic.
BRIEF_REL = 0.02
# Different spellings of the same temperature must give the same number to rounding.
PARSE_REL = 1e-12


@pytest.fixture(scope="module")
def params():
    return solidna.lu2019()


# -- composition -------------------------------------------------------------------------------------
@pytest.mark.parametrize("w", [0.1, 0.5, 0.8, 1.5, 3.0])
def test_composition_volume_fractions_close(w, params):
    c = el.composition(w, params)
    total = (
        c["SN volume fraction [-]"]
        + c["NaClO4 volume fraction [-]"]
        + c["Polymer volume fraction [-]"]
    )
    assert total == pytest.approx(1.0, abs=CLOSURE_TOL)
    assert c["Conducting phase volume fraction [-]"] + c["Polymer volume fraction [-]"] == (
        pytest.approx(1.0, abs=CLOSURE_TOL)
    )
    assert all(v > 0 for v in c.values())


def test_composition_matches_physics_brief_at_optimal_ratio(params):
    c = el.composition(0.8, params)
    assert c["Polymer volume fraction [-]"] == pytest.approx(0.30, rel=BRIEF_REL)
    assert c["Salt concentration [mol.m-3]"] == pytest.approx(420.0, rel=BRIEF_REL)
    # SN : NaClO4 = 20 : 1 by recipe, whatever w
    assert c["SN concentration [mol.m-3]"] / c["Salt concentration [mol.m-3]"] == pytest.approx(
        20.0
    )


def test_concentration_functions_agree_with_composition(params):
    c = el.composition(1.2, params)
    assert el.salt_concentration_mol_m3(1.2, params) == c["Salt concentration [mol.m-3]"]
    assert el.sn_concentration_mol_m3(1.2, params) == c["SN concentration [mol.m-3]"]
    # default composition: the set's optimal SSE, w = 0.8
    assert el.salt_concentration_mol_m3() == el.composition(0.8)["Salt concentration [mol.m-3]"]
    assert el.sn_concentration_mol_m3() == el.composition(0.8)["SN concentration [mol.m-3]"]


def test_composition_density_is_mass_over_volume(params):
    c = el.composition(0.8, params)
    # between the lightest (SN, 985) and heaviest (NaClO4, 2499) component
    assert 985.0 < c["SSE density [kg.m-3]"] < 2499.0


def test_composition_accepts_out_of_range_ratio_silently(params):
    # the mixing rule is exact for any w > 0; only the fitted laws warn outside 0.5-1.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        el.composition(3.0, params)


# -- unit parsing --------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["25 degC", "25 °C", "298.15 K", 298.15, "77 degF"])
def test_temperature_spellings(spelling, params):
    ref = el.conductivity(298.15, 0.8, params)
    assert el.conductivity(spelling, 0.8, params) == pytest.approx(ref, rel=PARSE_REL)


def test_default_arguments_are_room_temperature_optimal_sse(params):
    assert el.conductivity() == pytest.approx(
        el.conductivity("25 degC", 0.8, params), rel=PARSE_REL
    )


@pytest.mark.parametrize("bad", ["25 m", "hot", True])
def test_temperature_bad_units(bad, params):
    with pytest.raises(UnitError, match="temperature"):
        el.conductivity(bad, 0.8, params)


def test_fast_path_equals_public_path(params):
    assert el.conductivity_S_m(310.0, 1.1, params) == el.conductivity(310.0, 1.1, params)
    assert el.modulus_Pa(1.1, params) == el.modulus(1.1, params)


# -- warnings and errors --------------------------------------------------------------------------------
def test_no_warning_inside_validated_ranges(params):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for T in ("10 degC", "25 degC", "60 degC"):
            for w in (0.5, 0.8, 1.5):
                el.conductivity(T, w, params)
        el.modulus(0.5, params)
        el.arrhenius_slope(0.8, params)


@pytest.mark.parametrize("T", ["5 degC", "70 degC", "104 degC"])
def test_temperature_outside_validated_range_warns(T, params):
    with pytest.warns(OutOfRangeWarning, match=r"outside the validated range 10-60 degC"):
        el.conductivity(T, 0.8, params)


@pytest.mark.parametrize("T", ["105 degC", "120 degC", 400.0])
def test_temperature_at_or_above_melting_point_raises(T, params):
    with pytest.raises(OutOfRangeError, match=r"at or above the SSE melting point 105 degC.*below"):
        el.conductivity(T, 0.8, params)


@pytest.mark.parametrize("T", [0.0, -5.0, float("nan")])
def test_unphysical_temperature_raises(T, params):
    with pytest.raises(OutOfRangeError, match="not a physical absolute temperature"):
        el.conductivity(T, 0.8, params)


@pytest.mark.parametrize("w", [0.3, 1.7])
def test_pvdf_ratio_outside_validated_range_warns(w, params):
    with pytest.warns(
        OutOfRangeWarning, match=r"pvdf_ratio = .* outside the validated range 0.5-1.5"
    ):
        el.conductivity("25 degC", w, params)
    with pytest.warns(OutOfRangeWarning, match="pvdf_ratio"):
        el.modulus(w, params)


@pytest.mark.parametrize("w", [0.0, -0.5])
def test_non_positive_pvdf_ratio_raises(w, params):
    for call in (
        lambda: el.conductivity("25 degC", w, params),
        lambda: el.modulus(w, params),
        lambda: el.composition(w, params),
    ):
        with pytest.raises(OutOfRangeError, match=re.escape(f"pvdf_ratio = {w:g} is not physical")):
            call()


@pytest.mark.parametrize("w", ["0.8", None, True, [0.8]])
def test_non_numeric_pvdf_ratio_raises(w, params):
    with pytest.raises(InvalidOptionError, match="pvdf_ratio must be a number"):
        el.conductivity("25 degC", w, params)
    with pytest.raises(InvalidOptionError, match="pvdf_ratio must be a number"):
        el.composition(w, params)


@pytest.mark.parametrize("w", [float("nan"), float("inf")])
def test_non_finite_pvdf_ratio_raises(w, params):
    with pytest.raises(InvalidOptionError, match="must be finite"):
        el.modulus(w, params)


def test_missing_fitted_parameters_say_how_to_fix():
    fixed_only = {k: v for k, v in solidna.lu2019().items() if k not in el.FITTED_PARAMETERS}
    with pytest.raises(InvalidOptionError, match="python -m solidna.calibrate.electrolyte"):
        el.conductivity("25 degC", 0.8, fixed_only)


def test_plain_mapping_uses_default_validity_ranges(params):
    plain = dict(params)
    assert el.conductivity(300.0, 0.8, plain) == el.conductivity(300.0, 0.8, params)
    with pytest.warns(OutOfRangeWarning, match="10-60 degC"):
        el.conductivity("0 degC", 0.8, plain)


# -- parameters and provenance --------------------------------------------------------------------------
def test_stability_limits(params):
    assert el.anodic_limit_V(params) == 4.86
    assert el.melting_point_K(params) - 273.15 == pytest.approx(105.0)
    for name, source in (
        ("SSE melting point [K]", "lu2019:figS14"),
        ("SSE anodic stability limit [V]", "lu2019:figS13"),
    ):
        entry = params.entry(name)
        assert (entry.source, entry.method) == (source, "measured")


def test_activation_energy_is_the_models_apparent_value(params):
    """The composite's activation energy is computed from its Arrhenius slope (Fig. 3g), not
    read from a parameter; each phase's own activation energy carries its provenance."""
    slope = el.arrhenius_slope(0.8, params)
    assert el.activation_energy(params) == el.activation_energy_from_slope(slope)
    assert params.entry(el.EA_GEL).method == "fitted"
    entry = params.entry("SSE SN-phase activation energy [eV]")
    assert entry.method == "assumed" and entry.valid_range is not None and entry.note


def test_activation_energy_from_paper_slope():
    # physics.md section 3: slope -1.63383 of log10(sigma) vs 1000/T gives E_a = 0.324 eV
    assert el.activation_energy_from_slope(-1.63383) == pytest.approx(0.324, abs=5e-4)


def test_percolation_exponent_is_universal_literature_value(params):
    entry = params.entry("SSE percolation exponent [-]")
    assert (entry.value, entry.method) == (2.0, "literature")


def test_composition_outside_data_warns_naming_the_range(params):
    with pytest.warns(OutOfRangeWarning, match="0.5-1.5"):
        value = el.conductivity("25 degC", 3.0, params)
    assert value > 0  # no percolation zero: the dry polymer still conducts


def test_every_electrolyte_source_is_cited():
    folder = Path(solidna.__file__).parent / "parameters"
    bib = (folder / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    checked = 0
    for file in ("electrolyte.toml", "fitted_electrolyte.toml"):
        data = tomllib.loads((folder / "sets" / "lu2019" / file).read_text())
        for name, raw in data["parameters"].items():
            key = raw["source"].split(":")[0]  # "lu2019:fig3f,fig3g" -> "lu2019"
            assert key in keys, f"{name}: source {raw['source']!r} has no entry in references.bib"
            checked += 1
    assert checked >= 12


def test_equation_functions():
    assert el.phase_fractions(0.2, 1.0) == pytest.approx((0.6, 0.4, 0.0))
    assert el.phase_fractions(0.6, 1.0) == pytest.approx((0.0, 0.8, 0.2))
    assert el.effective_medium_conductivity((0.0, 1.0, 0.0), (1.0, 2.0, 3.0), 0.5, 2.0) == 2.0
    assert el.arrhenius_factor(300.0, 0.3, 300.0) == 1.0
    assert el.gel_modulus(0.3, 5.0, 0.3, 2.25) == 5.0
    assert math.isclose(el.gel_modulus(0.6, 1.0, 0.3, 2.0), 4.0)
