"""``to_si`` with the units as the parameter names write them (``"S.m-1"``, ``"Ohm"``, ``"-"``):
the parameter sets' messages point users at it."""

from __future__ import annotations

import pytest

from solidna.units import as_pint_unit, to_si


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("2 mS/cm", "S.m-1", 0.2),  # was a TypeError from pint
        ("5 Ohm", "Ohm", 5.0),  # was "'Ohm' is not defined"
        ("0.3", "-", 0.3),  # was an AssertionError
        ("2 ohm cm2", "Ohm.m2", 2e-4),
        ("3 mol/m3/bar", "mol.m-3.bar-1", 3.0),
        ("1e-12 m2/s", "m2.s-1", 1e-12),
    ],
)
def test_to_si_reads_parameter_name_units(value, unit, expected):
    assert to_si(value, unit) == pytest.approx(expected)


@pytest.mark.parametrize("unit", ["A/m**2", "ohm*m**2", "K", "m**2/s", "degC"])
def test_control_pint_units_are_kept(unit):
    assert as_pint_unit(unit) == unit
