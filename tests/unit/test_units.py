"""User quantities: notations understood, messages in plain words, the bare-number rule."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from solidna.errors import OutOfRangeError, OutOfRangeWarning, UnitError
from solidna.protocols import (
    CapacityCycling,
    CyclicVoltammetry,
    FullDischarge,
    GalvanostaticCycling,
    ImpedanceSpectroscopy,
    PlatingStripping,
    Rest,
)
from solidna.units import KINDS, MAX_DURATION_S, kind_of, to_si


@pytest.mark.parametrize(
    ("text", "unit", "same_as"),
    [
        ("0.1 mA cm-2", "A/m**2", "0.1 mA/cm2"),
        ("0.1 mA cm^-2", "A/m**2", "0.1 mA/cm2"),
        ("0.1 mA·cm-2", "A/m**2", "0.1 mA/cm2"),
        ("0.1 mA.cm-2", "A/m**2", "0.1 mA/cm2"),
        ("0.1 mA cm⁻²", "A/m**2", "0.1 mA/cm2"),
        ("12 Ohm cm2", "ohm*m**2", "12 ohm*cm**2"),
        ("12 Ω·cm²", "ohm*m**2", "12 ohm*cm**2"),
        ("1000 mAh g-1", "C/kg", "1000 mAh/g"),
        ("200 mA g^-1", "A/kg", "200 mA/g"),
        ("5 mV s-1", "V/s", "5 mV/s"),
        ("1 mAh cm-2", "C/m**2", "1 mAh/cm2"),
        ("60 µm", "m", "60 um"),
        ("25 °C", "K", "25 degC"),
        ("1e5 Hz", "Hz", "100 kHz"),
        ("3 kOhm", "ohm", "3000 ohm"),
    ],
)
def test_exponent_notation_parses_like_the_slash_notation(text, unit, same_as):
    assert to_si(text, unit) == pytest.approx(to_si(same_as, unit), rel=1e-12)


def test_known_values():
    assert to_si("0.1 mA/cm2", "A/m**2") == pytest.approx(1.0)
    assert to_si("0.1 mA cm-2", "A/m**2") == pytest.approx(1.0)
    assert to_si("1000 mAh g-1", "C/kg") == pytest.approx(3.6e6)
    assert to_si("25 degC", "K") == pytest.approx(298.15)


@pytest.mark.parametrize("text", ["0.1 ?A/cm2", "0.1 \ufffdA/cm2", "0.1 mA!/cm2", "0.1 mA/cm2?"])
def test_a_character_no_unit_has_is_refused(text):
    # pint skips it: "0.1 ?A/cm2" (a µ lost in copying) was read as 0.1 A/cm2, 1e6 too large
    with pytest.raises(UnitError, match="which no number or unit has"):
        to_si(text, "A/m**2", "current density")
    assert to_si("0.1 µA·cm⁻²", "A/m**2") == pytest.approx(1e-3)  # the symbols that are units


@pytest.mark.parametrize(
    ("text", "fixed"), [("0,1 mA/cm2", "0.1 mA/cm2"), ("-0,5 V", "-0.5 V"), ("2,5 h", "2.5 h")]
)
def test_decimal_comma_is_named_and_fixed(text, fixed):
    unit = {"mA/cm2": "A/m**2", "V": "V", "h": "s"}[text.split()[-1]]
    with pytest.raises(UnitError, match=f"{text!r} has a decimal comma.*Write {fixed!r}"):
        to_si(text, unit, "value")


@pytest.mark.parametrize(
    ("text", "unit", "given", "expected"),
    [
        ("5 V", "A/m**2", "a voltage", 'a current density, e.g. "0.1 mA/cm2"'),
        ("1 h", "V", "a time", 'a voltage, e.g. "0.5 V"'),
        ("0.1 mA/cm2", "A/kg", "a current density", "a specific current"),
        ("25 m", "K", "a length", 'a temperature, e.g. "25 degC"'),
        ("5 mV/s", "Hz", "a scan rate", "a frequency"),
        ("1 bar", "m", "a pressure", "a length"),
        ("1 mAh/g", "C/m**2", "a specific capacity (per mass)", "an areal capacity"),
        ("5 kg m", "A/m**2", "a quantity in kg·m", "a current density"),
    ],
)
def test_wrong_kind_is_said_in_plain_words(text, unit, given, expected):
    with pytest.raises(UnitError) as info:
        to_si(text, unit, "x")
    message = str(info.value)
    assert f"{text!r} is {given}, not" in message and expected in message
    assert "[mass]" not in message and "[length]" not in message and "**" not in message


def test_unknown_unit_and_garbage_are_named():
    with pytest.raises(UnitError, match=r"cannot parse '0.1 mA/bananas' .*'bananas' is not a unit"):
        to_si("0.1 mA/bananas", "A/m**2", "current density")
    with pytest.raises(UnitError, match=r"cannot parse 'fast' as a current density"):
        to_si("fast", "A/m**2", "current density")


def test_every_kind_has_a_plain_name_and_a_parsable_example():
    for unit, kind in KINDS.items():
        assert "[" not in kind.name and kind.name.split()[0] in ("a", "an")
        assert to_si(kind.example, unit) > 0
    assert kind_of("mA/cm**2").name == "a current density"  # any unit of the dimension


@pytest.mark.parametrize("text", ["-300 degC", "-273.15 degC", "-5 K", "-500 degF"])
def test_below_absolute_zero_shows_the_value_as_given(text):
    with pytest.raises(OutOfRangeError) as info:
        to_si(text, "K", "temperature")
    message = str(info.value)
    assert f"temperature: {text!r} is at or below absolute zero" in message
    assert "not a physical absolute temperature" in message
    assert "-26.85" not in message


def test_bare_temperature_below_zero_says_how_it_was_read():
    with pytest.raises(OutOfRangeError, match=r"-5 is read as -5 K .*if you meant -5 degC"):
        to_si(-5, "K", "temperature")


@pytest.mark.parametrize("text", ["nan h", "inf h", float("inf")])
def test_non_finite_is_refused(text):
    with pytest.raises(OutOfRangeError, match="not a finite number"):
        to_si(text, "s", "duration")


def test_maximum_is_stated():
    with pytest.raises(
        OutOfRangeError, match=r"'1e99 h' is above the largest value accepted, 1e\+05 h"
    ):
        to_si("1e99 h", "s", "duration", maximum=MAX_DURATION_S)


def test_positive_with_hint():
    with pytest.raises(OutOfRangeError, match=r"^Scan rate must be a positive.*got '0 mV/s'\. Ex"):
        to_si("0 mV/s", "V/s", "scan rate", positive=True, hint="Example: '5 mV/s'.")


def test_bare_number_outside_typical_warns_with_the_si_reading():
    with pytest.warns(OutOfRangeWarning) as record:
        assert to_si(50, "A/m**2", "current density", typical=(1.0, 5.0)) == 50
    message = str(record[0].message)
    assert "current density = 50 is read as 50 A/m2 = 5 mA/cm2 (a bare number is SI)" in message
    assert "if you meant 50 mA/cm2, pass '50 mA/cm2'" in message
    assert "outside the typical range 0.1 to 0.5 mA/cm2" in message


def test_bare_number_inside_typical_and_quantities_with_units_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert to_si(2, "A/m**2", "current density", typical=(1.0, 5.0)) == 2
        assert to_si("50 mA/cm2", "A/m**2", "current density", typical=(1.0, 5.0)) == 500


def test_bare_number_in_a_string_is_si():
    with pytest.warns(OutOfRangeWarning, match="'0.1' is read as 0.1 A/m2"):
        assert to_si("0.1", "A/m**2", "current density", typical=(1.0, 5.0)) == 0.1


# ---- the protocols use the rule -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: PlatingStripping(0.1, "100 h"), r"0.1 A/m2 = 0.01 mA/cm2.*'0.1 mA/cm2'"),
        (lambda: PlatingStripping("0.1 mA/cm2", "100 h", half_cycle=1), r"1 s .*'1 h'"),
        (lambda: PlatingStripping("0.1 mA/cm2", 4000), r"4000 s = 1.111 h.*'4000 h'"),
        (lambda: PlatingStripping("0.1 mA/cm2", "100 h", capacity=1), r"'1 mAh/cm2'"),
        (lambda: Rest(24), r"24 s .*'24 h'"),
        (lambda: CyclicVoltammetry(scan_rate=5), r"5 V/s = 5000 mV/s.*'5 mV/s'"),
        (lambda: CyclicVoltammetry(-500, "0.5 V"), r"-500 V.*outside the typical range -2 to 2 V"),
        (lambda: ImpedanceSpectroscopy(1e9, 0.1), r"f_max = 1000000000.0 is read as 1e\+09 Hz"),
        (lambda: CapacityCycling("200 mA/g", 1000), r"1000 C/kg = 0.2778 mAh/g.*'1000 mAh/g'"),
        (
            lambda: FullDischarge(5),
            r"5 A/kg \(a bare number is SI\)\. .*typical range 50 to 500 mA/g",
        ),
    ],
)
def test_protocols_warn_on_a_bare_number_outside_their_typical_range(make, match):
    with pytest.warns(OutOfRangeWarning, match=match):
        make()


def test_paper_protocols_do_not_warn():
    from solidna.protocols import lu2019, nvp

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lu2019.fig4h_modified(), lu2019.fig4g_cv(), lu2019.fig4e_eis(), lu2019.fig4e_rest()
        lu2019.figS18("0.5 mA/cm2"), nvp.figS31_cycling(), nvp.figS31_rate_test()
        PlatingStripping(1.0, 360000, half_cycle=3600)  # SI numbers in range
        CapacityCycling(200, "1000 mAh/g", cycles=2)  # A/kg is mA/g


def test_c_rate_outside_the_paper_range_warns():
    with pytest.warns(OutOfRangeWarning, match=r"C-rate 5 lies outside 0.1-2 C.*Fig. S31"):
        GalvanostaticCycling(5, 1)


@pytest.mark.parametrize(
    "make",
    [
        lambda: PlatingStripping("0.1 mA/cm2", "1e99 h"),
        lambda: PlatingStripping("0.1 mA/cm2", "1e7 h", half_cycle="1 h"),
        lambda: Rest("1e99 h"),
    ],
)
def test_huge_durations_are_refused_with_the_maximum(make):
    with pytest.raises(OutOfRangeError, match=r"above the largest value accepted, 1e\+05 h"):
        make()


@pytest.mark.parametrize("value", [np.float32(300.0), np.int64(300), np.float64(300.0)])
def test_numpy_numbers_are_bare_numbers(value):
    assert to_si(value, "K", "temperature") == pytest.approx(300.0)


def test_celsius_written_as_coulomb_says_degc():
    with pytest.raises(UnitError, match=r"C is the coulomb; degrees Celsius are written degC"):
        to_si("25 C", "K", "temperature")


@pytest.mark.parametrize("text", ["mA/cm2", "1_0 mA/cm2", "h"])
def test_a_quantity_starts_with_its_number(text):
    # pint alone would read "mA/cm2" as 1 mA/cm2 and "1_0" as 10
    with pytest.raises(UnitError, match="does not start with a number"):
        to_si(text, "A/m**2", "current density")


def test_the_registry_is_built_once_when_threads_ask_at_the_same_moment():
    # quantities of two registries cannot be combined; a threaded analysis may ask at once
    import threading

    import solidna.units as units

    saved = list(units._REGISTRY)
    units._REGISTRY.clear()
    try:
        got, start = [], threading.Barrier(8)

        def ask():
            start.wait()
            got.append(units._registry())

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len({id(r) for r in got}) == 1
    finally:
        units._REGISTRY[:] = saved
