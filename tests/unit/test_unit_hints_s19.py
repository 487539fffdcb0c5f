"""Unit messages that point at the slip (session 19).

Found trying the command line as a new user: "25 deg C" was "a charge" without the coulomb hint
"25 C" gets; "4 H" (the henry) and "0.1 ma/cm2" (pint's "ma" is a milli-annum) were "a quantity
in ..." without saying that units are case-sensitive; "5 mv/s" was an unknown unit; a clock time
"4:00:00" was asked whether a µ was lost in copying.
"""

from __future__ import annotations

import pytest

from solidna.errors import UnitError
from solidna.units import to_si


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("25 deg C", "K", "C is the coulomb; degrees Celsius are written degC"),
        ("4 H", "s", "units are case-sensitive: did you mean '4 h'?"),
        ("0.1 ma/cm2", "A/m**2", "did you mean '0.1 mA/cm2'?"),
        ("5 mv/s", "V/s", "did you mean '5 mV/s'?"),
        ("60 UM", "m", "did you mean '60 um'?"),
        ("4:00:00", "s", "a clock time? give the duration with its unit"),
    ],
)
def test_the_message_names_the_slip(value, unit, expected):
    with pytest.raises(UnitError) as err:
        to_si(value, unit)
    assert expected in str(err.value)


@pytest.mark.parametrize(("value", "unit"), [("3 kg", "s"), ("0.5 ?A", "A"), ("2 V", "A")])
def test_no_case_hint_where_no_spelling_fits(value, unit):
    with pytest.raises(UnitError) as err:
        to_si(value, unit)
    assert "case-sensitive" not in str(err.value)


def test_right_spellings_still_read():
    assert to_si("0.1 mA/cm2", "A/m**2") == pytest.approx(1.0)
    assert to_si("4 h", "s") == pytest.approx(14400.0)
    assert to_si("25 degC", "K") == pytest.approx(298.15)
