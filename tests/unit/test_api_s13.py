"""The Python API as a battery researcher uses it (session 13): a changed parameter's
provenance, a read-only parameter set, a progress callback that is not a function, and the
impedance frequencies named in their messages.

No file is read: every input is a value in the test.
"""

from __future__ import annotations

import pickle

import pytest

import solidna as sd
from solidna.errors import InvalidOptionError, OutOfRangeError, UnitError
from solidna.protocols import ImpedanceSpectroscopy

FITTED = "SSE gel-phase conductivity [S.m-1]"


# -- parameters: a changed value's provenance ----------------------------------------------------
def test_a_changed_fitted_value_drops_the_old_fits_uncertainty_and_record():
    ps = sd.lu2019()
    old = ps.entry(FITTED)
    # the shipped value is a fit with a standard uncertainty and its routine recorded
    assert old.method == "fitted" and old.uncertainty is not None and old.extra

    changed = ps.updated({FITTED: old.value / 2}).entry(FITTED)

    assert changed.value == pytest.approx(old.value / 2)
    assert (changed.method, changed.source) == ("assumed", "user")
    # the fit's uncertainty and routine belonged to the old value, not to this one
    assert changed.uncertainty is None
    assert dict(changed.extra) == {}
    # the quantity's own unit and validity range stay
    assert changed.unit == old.unit and changed.valid_range == old.valid_range


def test_the_provenance_table_of_a_changed_set_shows_no_uncertainty_for_the_user_value():
    ps = sd.lu2019().updated({FITTED: 0.03})
    table = ps.provenance()
    row = table.loc[FITTED]
    assert row["method"] == "assumed" and row["source"] == "user"
    assert row["uncertainty"] is None or row["uncertainty"] != row["uncertainty"]  # None or NaN
    # other fitted entries keep theirs
    assert sd.lu2019().entry("SSE gel swelling ratio [-]").uncertainty is not None
    assert table.loc["SSE gel swelling ratio [-]", "uncertainty"] == pytest.approx(
        ps.entry("SSE gel swelling ratio [-]").uncertainty
    )


def test_a_value_set_through_the_cell_carries_no_borrowed_uncertainty():
    # a cell's own values go through updated() too; the entry must read as the user's value
    cell = sd.SymmetricCell(extra={FITTED: 0.03})
    entry = cell.parameters.entry(FITTED)
    assert entry.source == "user" and entry.uncertainty is None and dict(entry.extra) == {}


def test_item_assignment_says_how_to_make_a_changed_copy():
    ps = sd.lu2019()
    with pytest.raises(InvalidOptionError, match=r"read-only.*ps\.updated\(\{"):
        ps[FITTED] = 0.03
    with pytest.raises(InvalidOptionError, match=r"read-only.*updated"):
        del ps[FITTED]
    # the set is unchanged
    assert ps[FITTED] == sd.lu2019()[FITTED]


def test_the_message_of_item_assignment_works_as_code():
    ps = sd.lu2019()
    with pytest.raises(InvalidOptionError) as info:
        ps["Temperature [K]"] = 308.15
    suggested = str(info.value).split("ps = ", 1)[1].split(" (the value", 1)[0]
    changed = eval(suggested, {"ps": ps})  # noqa: S307 - the message's own code, in a test
    assert changed["Temperature [K]"] == 308.15


def test_a_changed_set_still_pickles_and_compares():
    ps = sd.lu2019().updated({FITTED: 0.03})
    again = pickle.loads(pickle.dumps(ps))
    assert again == ps and again.entry(FITTED).uncertainty is None


# -- progress callback ---------------------------------------------------------------------------
@pytest.mark.parametrize("progress", [5, "yes", True, [print]])
def test_a_progress_that_is_not_a_function_is_refused_before_the_run(progress):
    cell = sd.SymmetricCell()
    with pytest.raises(InvalidOptionError, match=r"progress must be a function.*got"):
        cell.cycle("0.1 mA/cm2", "1 h", duration="2 h", progress=progress)


def test_a_progress_that_is_not_a_function_is_refused_by_every_cell():
    with pytest.raises(InvalidOptionError, match="progress must be a function"):
        sd.SymmetricCell().cv(progress=1)
    with pytest.raises(InvalidOptionError, match="progress must be a function"):
        sd.NaCO2Cell().cycle(cycles=1, progress=1)
    from solidna.protocols.nvp import GalvanostaticCycling

    with pytest.raises(InvalidOptionError, match="progress must be a function"):
        sd.NVPCell().run(GalvanostaticCycling(1, 1), progress=1)


def test_a_progress_function_is_still_called():
    calls = []
    sd.SymmetricCell().cycle(
        "0.1 mA/cm2", "1 h", duration="2 h", progress=lambda m, f=None: calls.append(m)
    )
    assert calls


# -- impedance frequencies -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"f_min": "-1 Hz"}, "Lowest frequency f_min must be"),
        ({"f_max": "0 Hz"}, "Highest frequency f_max must be"),
        ({"f_min": None}, "lowest frequency f_min: expected a number"),
    ],
)
def test_a_bad_frequency_is_named_as_its_argument(given, named):
    with pytest.raises((OutOfRangeError, UnitError)) as info:
        ImpedanceSpectroscopy(**given)
    assert named in str(info.value)
    assert "F_min" not in str(info.value) and "F_max" not in str(info.value)


# -- misspelt and surplus arguments --------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "closest"),
    [
        (lambda: sd.SymmetricCell(temprature="25 degC"), "'temperature'"),
        (lambda: sd.NaCO2Cell(pressure="1 bar"), "'co2_pressure'"),
        (lambda: sd.SymmetricCell().cycle(current="0.1 mA/cm2"), "'current_density'"),
        (lambda: sd.SymmetricCell().eis(fmax="1 MHz"), "'f_max'"),
        (lambda: sd.NaCO2Cell().discharge(cut_off="1.5 V"), "'cutoff'"),
        (lambda: sd.NVPCell().cycle(crate=1), "'c_rate'"),
    ],
)
def test_a_misspelt_argument_is_refused_with_the_closest_one(call, closest):
    from solidna.cells.base import UnknownArgumentError

    with pytest.raises(UnknownArgumentError, match=f"did you mean {closest}") as info:
        call()
    # still what Python raised before, for callers that catch it
    assert isinstance(info.value, TypeError)
    assert "Its arguments:" in str(info.value)


def test_surplus_positional_arguments_are_refused_listing_the_order():
    with pytest.raises(InvalidOptionError, match=r"too many positional.*in order: current_dens"):
        sd.SymmetricCell().cycle("0.1 mA/cm2", "1 h", "2 h", None, None, None, None, 1)
    with pytest.raises(InvalidOptionError, match=r"multiple values for argument 'current_density'"):
        sd.SymmetricCell().cycle("0.1 mA/cm2", current_density="0.2 mA/cm2")


def test_the_checked_methods_keep_their_signature_and_docstring():
    import inspect

    assert list(inspect.signature(sd.SymmetricCell.cycle).parameters)[:3] == [
        "self",
        "current_density",
        "half_cycle",
    ]
    assert "plating/stripping" in sd.SymmetricCell.cycle.__doc__
    assert "co2_pressure" in inspect.signature(sd.NaCO2Cell).parameters
