"""Unit spellings researchers type that solidna misread or explained wrongly (session 20).

Each case is a plain-text temperature or frequency as written in lab notes and instrument
exports: the Fahrenheit sign, "F" for Fahrenheit, "oC" for degrees Celsius and a lower-case
prefixed unit ("khz").
"""

from __future__ import annotations

import pytest

from solidna.errors import UnitError
from solidna.units import to_si


@pytest.mark.parametrize(
    ("text", "kelvin"),
    [("77 \u2109", 298.15), ("77 \u00baF", 298.15), ("77 \u02daF", 298.15)],
)
def test_fahrenheit_sign_is_read(text: str, kelvin: float) -> None:
    # "℉" was refused as "a µ lost in copying" while its Celsius twin "℃" was read
    assert to_si(text, "K") == pytest.approx(kelvin)


def test_bare_f_names_the_farad_and_degf() -> None:
    with pytest.raises(UnitError) as info:
        to_si("140 F", "K", name="--temperature")
    message = str(info.value)
    assert "'140 F'" in message
    assert "farad" in message
    assert "degF" in message


@pytest.mark.parametrize(("text", "fix"), [("25 oC", "degC"), ("77 oF", "degF")])
def test_letter_o_for_degree_sign_is_explained(text: str, fix: str) -> None:
    with pytest.raises(UnitError) as info:
        to_si(text, "K", name="--temperature")
    message = str(info.value)
    assert repr(text) in message
    assert repr(fix) in message


@pytest.mark.parametrize(
    ("text", "fix"), [("1 khz", "1 kHz"), ("1 KHZ", "1 kHz"), ("1 MHZ", "1 MHz")]
)
def test_lower_case_prefixed_unit_gets_its_spelling(text: str, fix: str) -> None:
    # the prefix's case is kept when it makes a unit: "MHZ" is mega-, not millihertz
    with pytest.raises(UnitError) as info:
        to_si(text, "Hz", name="--f-max")
    assert f"did you mean {fix!r}?" in str(info.value)


def test_celsius_and_case_hints_are_kept() -> None:
    # the hints of earlier rounds still come first
    with pytest.raises(UnitError, match="coulomb"):
        to_si("25 C", "K")
    with pytest.raises(UnitError, match="did you mean '0.1 mA/cm2'"):
        to_si("0.1 ma/cm2", "A/m**2")
