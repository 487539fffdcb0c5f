"""Messages and docstrings: 'did you mean' suggestions close to what was typed, the per-file
option count worded for one file and for many, and shared docstring entries used where the
meaning is the same."""

from __future__ import annotations

import inspect

import pytest

import solidna as sd
from solidna._docstrings import DOCS
from solidna.cells.base import UnknownArgumentError
from solidna.errors import InvalidOptionError, closest_matches


# -- 'did you mean' ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda: sd.SymmetricCell().cycle(bogus=1),
        lambda: sd.SymmetricCell().run([], bogus=1),
        lambda: sd.SymmetricCell().cv(bogus=1),
        lambda: sd.NaCO2Cell().cycle(bogus=1),
        lambda: sd.NVPCell().run(bogus=1),
        lambda: sd.SymmetricCell(mode="modified"),
    ],
)
def test_an_argument_far_from_every_name_gets_no_suggestion(call):
    """``SymmetricCell().cycle(bogus=1)`` was answered "did you mean 'progress'?" (difflib's
    similarity 0.46 passed the 0.4 cut-off: the two share 'o', 'g', 's'); ``mode=`` was
    answered 'anode'."""
    with pytest.raises(UnknownArgumentError) as info:
        call()
    message = str(info.value)
    assert "did you mean" not in message.lower()
    assert "Its arguments:" in message  # the list to choose from is still given


@pytest.mark.parametrize(
    ("typed", "names", "expected"),
    [
        ("temprature", ["temperature", "anode"], "temperature"),  # a dropped letter
        ("cut_off", ["cutoff", "current"], "cutoff"),  # an extra separator
        ("crate", ["c_rate", "cycles"], "c_rate"),
        ("fmax", ["f_max", "f_min"], "f_max"),
        ("papper", ["paper", "fast"], "paper"),
        ("micro-polarization", ["micro-polarisation", "tafel"], "micro-polarisation"),
        ("SSE thicknes [m]", ["SSE thickness [m]", "Salt diffusivity [m2.s-1]"], None),
        ("temp", ["temperature", "state"], "temperature"),  # an abbreviation
        ("current", ["current_density", "capacity"], "current_density"),  # a partial name
        ("pressure", ["co2_pressure", "cutoff"], "co2_pressure"),
        ("Temperature", ["temperature"], "temperature"),  # case
    ],
)
def test_a_slip_or_a_partial_name_is_still_suggested(typed, names, expected):
    expected = expected or names[0]
    assert closest_matches(typed, names)[:1] == [expected]


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("bogus", ["progress", "state", "jump"]),
        ("mode", ["anode", "parameters"]),
        ("rate", ["state", "duration"]),  # two of four letters changed
        ("x", ["jump"]),
        ("hello", ["half_cycle", "state"]),
    ],
)
def test_a_name_that_only_shares_letters_is_not_suggested(typed, names):
    assert closest_matches(typed, names) == []


def test_closest_matches_takes_any_iterable_and_no_names():
    assert closest_matches("temprature", (name for name in ["temperature"])) == ["temperature"]
    assert closest_matches("temprature", []) == []


# -- one value per file ----------------------------------------------------------------------------
def test_the_per_file_count_is_worded_for_one_file_and_for_many():
    """Two areas for one file were refused with "give one value for all 1 files"."""
    from solidna.analysis.pipeline import _per_file

    with pytest.raises(InvalidOptionError) as one:
        _per_file("area", ["1 cm2", "2 cm2"], 1, "m2", "the electrode area")
    assert "area: give one value for the one file; got 2." in str(one.value)
    assert "all 1 files" not in str(one.value)
    with pytest.raises(InvalidOptionError) as many:
        _per_file("area", ["1 cm2", "2 cm2"], 3, "m2", "the electrode area")
    assert "area: give one value for all 3 files or one per file; got 2." in str(many.value)


# -- shared docstring entries ----------------------------------------------------------------------
def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("obj", "entry"),
    [
        ("solidna.models.nvp:HalfCellSolver.run", "points_per_step"),
        ("solidna.models.parameter_values:pybamm_parameter_values", "parameter_set"),
        ("solidna.models.solve:SSEConductivityFactor", "pvdf_ratio"),
        ("solidna.analysis._checks:as_real_1d", "argument_name"),
        ("solidna.analysis._checks:check_temperature_K", "argument_name"),
        ("solidna.analysis._checks:spectrum_pairs", "argument_name"),
        ("solidna.analysis._checks:check_cell_voltage", "argument_name"),
        ("solidna.analysis._checks:float_array", "argument_name"),
    ],
)
def test_a_parameter_described_in_the_shared_entries_uses_them(obj, entry):
    import importlib

    module, _, path = obj.partition(":")
    target = importlib.import_module(module)
    for part in path.split("."):
        target = getattr(target, part)
    doc = inspect.getdoc(target)
    assert "%(" not in doc
    assert _flat(DOCS[entry]) in _flat(doc)
