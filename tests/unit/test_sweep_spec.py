"""The sweep spec: what it accepts, and the clear errors that name the entry (before any work)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from solidna.errors import DataFormatError, InvalidOptionError, OutOfRangeError, UnitError
from solidna.sweep import load_spec
from solidna.sweep.spec import spec_differences

BASE = {
    "cell": "symmetric",
    "anode": "modified",
    "protocol": {"cycle": {"half_cycle": "1 h", "duration": "10 h"}},
    "vary": {
        "sse_thickness": {"values": ["40 um", "60 um", "100 um"]},
        "current_density": {"linspace": [0.05, 0.2, 4], "unit": "mA/cm2"},
    },
    "outputs": [
        {"time_to": {"overpotential_above": "150 mV"}},
        {"overpotential_at": {"times": ["5 h"], "cycles": [2]}},
        "energy",
        "per_cycle",
    ],
}


def spec(**changes):
    raw = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


def test_grid_is_the_product_of_the_axes_in_their_units():
    s = load_spec(spec())
    assert s.dims == ("sse_thickness", "current_density")
    assert s.shape == (3, 4) and s.size == 12
    assert s.axes[0].unit == "um" and s.axes[1].unit == "mA/cm**2"  # as pint writes it
    np.testing.assert_allclose(s.axes[1].values, [0.05, 0.1, 0.15, 0.2])
    idx, point = s.points()[5]
    assert idx == (1, 1) and point == {"sse_thickness": 60.0, "current_density": 0.1}
    conditions, arguments, parameters = s.inputs(point)
    assert conditions == {"sse_thickness": (60.0, "um")}
    assert arguments["current_density"] == (0.1, "mA/cm**2")
    assert parameters == {}
    # 10 h of 1 h half cycles: 5 cycles at most
    assert s.expected_cycles() == 5
    names = [o.name for o in s.outputs]
    assert names == [
        "Time to overpotential above 150 mV [h]",
        "Overpotential at 5 h [mV]",
        "Overpotential at cycle 2 [mV]",
        "Dissipated energy [Wh.m-2]",
        "Overpotential [mV]",
    ]


def test_logspace_takes_end_points_and_parameter_entries_are_converted_to_si():
    s = load_spec(
        spec(
            vary={
                "Modified interphase initial thickness [m]": {"logspace": ["10 nm", "1000 nm", 3]}
            }
        )
    )
    ax = s.axes[0]
    assert ax.target == "parameter" and ax.scale == "log"
    np.testing.assert_allclose(ax.values, [10, 100, 1000])
    _, _, parameters = s.inputs({ax.name: 100.0})
    assert parameters == {ax.name: pytest.approx(1e-7, rel=1e-12)}


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_samples_fill_the_ranges_and_repeat_with_the_seed(method):
    raw = spec(
        design={"method": method, "samples": 8, "seed": 3},
        vary={
            "sse_thickness": {"range": ["40 um", "100 um"]},
            "current_density": {"range": [0.05, 0.2], "unit": "mA/cm2", "scale": "log"},
        },
    )
    s = load_spec(raw)
    assert s.dims == ("sample",) and s.shape == (8,)
    values = s.sample_values()
    assert values.shape == (8, 2)
    assert np.all((values[:, 0] >= 40) & (values[:, 0] <= 100))
    assert np.all((values[:, 1] >= 0.05) & (values[:, 1] <= 0.2))
    np.testing.assert_array_equal(values, load_spec(raw).sample_values())
    if method == "lhs":  # one sample in each of the 8 strata of each axis
        strata = np.floor((values[:, 0] - 40) / 60 * 8)
        assert sorted(strata) == list(range(8))


def test_unknown_parameter_gets_the_closest_matches():
    raw = spec(vary={"Modified interphase intial thickness [m]": {"values": ["10 nm"]}})
    with pytest.raises(
        InvalidOptionError,
        match=r"vary.Modified interphase intial.*Closest.*"
        r"Modified interphase initial thickness \[m\]",
    ):
        load_spec(raw)


def test_unknown_condition_gets_the_closest_matches():
    with pytest.raises(InvalidOptionError, match=r"vary.sse_thicknes'.*Closest: 'sse_thickness'"):
        load_spec(spec(vary={"sse_thicknes": {"values": ["40 um"]}}))


def test_missing_unit_is_refused_naming_the_entry():
    with pytest.raises(UnitError, match=r"vary.sse_thickness.values.*40.*has no unit"):
        load_spec(spec(vary={"sse_thickness": {"values": [40, 60]}}))


def test_a_decimal_comma_split_by_yaml_is_named():
    import yaml

    # YAML reads the flow list [0,1 mA/cm2, 0,2 mA/cm2] as [0, '1 mA/cm2', 0, '2 mA/cm2']
    items = yaml.safe_load("[0,1 mA/cm2, 0,2 mA/cm2]")
    assert items == [0, "1 mA/cm2", 0, "2 mA/cm2"]
    with pytest.raises(UnitError, match=r"0,1 mA/cm2 with a decimal comma.*write 0.1 mA/cm2"):
        load_spec(spec(vary={"current_density": {"values": items}}))
    # a real list of quantities is not taken for one
    load_spec(spec(vary={"current_density": {"values": ["0.1 mA/cm2", "0.2 mA/cm2"]}}))


def test_wrong_kind_of_unit_is_refused():
    with pytest.raises(UnitError, match=r"vary.sse_thickness.*a time"):
        load_spec(spec(vary={"sse_thickness": {"values": ["40 h"]}}))


def test_empty_grid_is_refused():
    with pytest.raises(OutOfRangeError, match=r"vary.sse_thickness.values' is empty"):
        load_spec(spec(vary={"sse_thickness": {"values": []}}))
    with pytest.raises(OutOfRangeError, match=r"linspace.*positive integer.*0"):
        load_spec(spec(vary={"sse_thickness": {"linspace": ["40 um", "60 um", 0]}}))


def test_zero_samples_is_refused():
    raw = spec(
        design={"method": "lhs", "samples": 0},
        vary={"sse_thickness": {"range": ["40 um", "100 um"]}},
    )
    with pytest.raises(OutOfRangeError, match=r"'design'.*'samples' must be a positive integer.*0"):
        load_spec(raw)


def test_value_outside_a_parameter_validity_range_is_refused():
    # the transference number of the set is valid from 0.3 to 0.5
    raw = spec(vary={"Cation transference number [-]": {"values": [0.4, 0.7]}})
    with pytest.raises(OutOfRangeError, match=r"Cation transference number.*= 0.7.*validity range"):
        load_spec(raw)


def test_value_the_cell_refuses_is_refused_before_any_work():
    # at or above the SSE's melting point the electrolyte model does not apply (Fig. S14)
    raw = spec(vary={"temperature": {"values": ["25 degC", "120 degC"]}})
    with pytest.raises(OutOfRangeError, match=r"vary.temperature' = 120 degC"):
        load_spec(raw)


def test_value_outside_the_validated_range_is_refused_unless_extrapolating():
    """A value the cell only warns about (10-60 C validated) stopped a sweep with no way to run
    it; the error now names 'extrapolate: true', which lets it through (hard limits stay)."""
    raw = spec(vary={"temperature": {"values": ["25 degC", "70 degC"]}})
    with pytest.raises(OutOfRangeError, match=r"= 70 degC: .*validated.*'extrapolate: true'"):
        load_spec(raw)
    s = load_spec({**raw, "extrapolate": True})
    assert s.extrapolate and s.canonical["extrapolate"] is True
    assert "extrapolate" not in load_spec(spec()).canonical  # earlier stores resume unchanged
    melted = spec(vary={"temperature": {"values": ["25 degC", "120 degC"]}}, extrapolate=True)
    with pytest.raises(OutOfRangeError, match=r"120 degC.*melting point"):
        load_spec(melted)
    with pytest.raises(InvalidOptionError, match=r"'extrapolate': true or false, got 'yes'"):
        load_spec(spec(extrapolate="yes"))


def test_output_that_the_cell_does_not_report_is_refused():
    with pytest.raises(InvalidOptionError, match=r"symmetric cell reports no capacity"):
        load_spec(spec(outputs=[{"cycles_to": {"capacity_below": "80 %"}}]))
    with pytest.raises(InvalidOptionError, match=r"unknown output 'enrgy'.*'energy'"):
        load_spec(spec(outputs=["enrgy"]))


def test_other_structural_errors_name_the_entry():
    with pytest.raises(InvalidOptionError, match=r"unknown cell 'symetric'.*'symmetric'"):
        load_spec(spec(cell="symetric"))
    with pytest.raises(InvalidOptionError, match=r"unknown key 'varry'"):
        load_spec(spec(varry={}))
    with pytest.raises(DataFormatError, match=r"'vary': give at least one"):
        load_spec(spec(vary={}))
    with pytest.raises(InvalidOptionError, match=r"'vary.current_density': also given a fixed"):
        load_spec(spec(protocol={"cycle": {"current_density": "0.1 mA/cm2"}}))
    with pytest.raises(DataFormatError, match=r"a grid axis takes exactly one"):
        load_spec(spec(vary={"sse_thickness": {"range": ["40 um", "60 um"]}}))


def test_yaml_and_toml_files_give_the_same_spec(tmp_path):
    yaml_text = """
cell: symmetric
protocol: {cycle: {half_cycle: 1 h, duration: 10 h}}
vary:
  sse_thickness: {values: [40 um, 60 um]}
outputs: [energy]
"""
    toml_text = """
cell = "symmetric"
outputs = ["energy"]
[protocol.cycle]
half_cycle = "1 h"
duration = "10 h"
[vary.sse_thickness]
values = ["40 um", "60 um"]
"""
    (tmp_path / "s.yaml").write_text(yaml_text)
    (tmp_path / "s.toml").write_text(toml_text)
    a = load_spec(tmp_path / "s.yaml")
    b = load_spec(tmp_path / "s.toml")
    assert a.canonical == b.canonical
    with pytest.raises(DataFormatError, match=r"does not exist"):
        load_spec(tmp_path / "missing.yaml")


def test_differences_between_specs_are_listed():
    a = load_spec(spec()).canonical
    b = load_spec(spec(anode="pristine")).canonical
    assert spec_differences(a, b) == ["anode: 'modified' -> 'pristine'"]
    assert spec_differences(a, a) == []


def test_the_readme_example_is_a_valid_six_point_map_of_two_quantities():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "sweep_symmetric.yaml"
    s = load_spec(path)
    assert s.cell == "symmetric" and s.design == "grid"
    assert len(s.axes) == 2 and s.size >= 6
    step_hours = s.expected_cycles() * 2  # 1 h half cycles
    assert 100 <= step_hours <= 1000  # a few hundred hours each


def test_jumping_is_refused_for_the_na_co2_cell():
    # its jumped record lacks the skipped cycles, which the sweep's per-cycle outputs read
    spec = {
        "cell": "na-co2",
        "protocol": {"cycle": {"capacity": "1000 mAh/g", "cycles": 3}},
        "vary": {"current": {"values": ["100 mA/g", "200 mA/g"]}},
        "outputs": ["energy"],
        "jump": True,
    }
    with pytest.raises(InvalidOptionError, match="'jump': true is not available for the na-co2"):
        load_spec(spec)
