"""Parse user quantities such as ``"0.1 mA/cm2"``, ``"1 h"``, ``"60 um"``, ``"25 degC"`` with pint.

SI inside: every parser returns a float in SI units (or Kelvin), and the name of each function says
which unit it returns. Bad input raises :class:`~solidna.errors.UnitError` naming the value, the
expected dimension and an example.
"""

from __future__ import annotations

import functools
import re

import pint

from solidna.errors import UnitError

__all__ = ["ureg", "Q_", "parse_quantity", "to_si", "format_quantity"]

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
# Battery shorthand that pint does not know: "cm2" works natively; add mAh.
ureg.define("mAh = milliampere * hour")
ureg.define("Ah = ampere * hour")
Q_ = ureg.Quantity

# Examples used in error messages, keyed by the SI unit asked for.
_EXAMPLES = {
    "A/m**2": '"0.1 mA/cm2"',
    "s": '"1 h" or "30 min"',
    "m": '"60 um"',
    "K": '"25 degC" or "298.15 K"',
    "C/m**2": '"1 mAh/cm2"',
    "V": '"0.5 V" or "500 mV"',
    "V/s": '"5 mV/s"',
    "Hz": '"1 MHz"',
}

# "um" and "cm2" style shorthands that pint parses only with help.
_SHORTHAND = [
    (re.compile(r"(?<![A-Za-z])(cm|mm|um|m)([23])(?![0-9])"), r"\1**\2"),
    (re.compile(r"µ"), "u"),
    (re.compile(r"°C"), "degC"),
]


def _normalise(text: str) -> str:
    for pattern, repl in _SHORTHAND:
        text = pattern.sub(repl, text)
    return text.strip()


@functools.lru_cache(maxsize=512)
def _parse_text(text: str) -> pint.Quantity:
    return Q_(_normalise(text))


def parse_quantity(
    value: str | float | int | pint.Quantity, unit: str, name: str = "value"
) -> pint.Quantity:
    """Parse ``value`` into a pint quantity with the dimensions of ``unit``.

    Parameters
    ----------
    value : str, float, int or pint.Quantity
        ``"0.1 mA/cm2"``; a bare number is taken to be in ``unit``.
    unit : str
        The unit (and so the dimension) expected, e.g. ``"A/m**2"``.
    name : str
        What the quantity is, for error messages (e.g. ``"current density"``).

    Returns
    -------
    pint.Quantity
        The parsed quantity (not yet converted).
    """
    if isinstance(value, bool):
        raise UnitError(
            f"{name}: got the boolean {value!r}; give a quantity such as {_EXAMPLES.get(unit, unit)}."
        )
    if isinstance(value, pint.Quantity):
        q = value
    elif isinstance(value, int | float):
        q = Q_(float(value), unit)
    elif isinstance(value, str):
        try:
            q = _parse_text(value)
        except Exception as exc:  # pint raises many kinds; all mean "cannot parse"
            raise UnitError(
                f"{name}: cannot parse {value!r} as a quantity ({type(exc).__name__}). "
                f"Give a number with a unit, e.g. {_EXAMPLES.get(unit, unit)}."
            ) from None
        if not isinstance(q, pint.Quantity):  # a bare number in a string
            q = Q_(float(q), unit)
    else:
        raise UnitError(
            f"{name}: expected a number or a string with units, got {type(value).__name__} {value!r}. "
            f"Example: {_EXAMPLES.get(unit, unit)}."
        )
    if not q.check(Q_(1, unit).dimensionality):
        raise UnitError(
            f"{name}: {value!r} has dimensions {q.dimensionality}, expected those of {unit!r}. "
            f"Example: {_EXAMPLES.get(unit, unit)}."
        )
    return q


def to_si(value: str | float | int | pint.Quantity, unit: str, name: str = "value") -> float:
    """Parse ``value`` and return its magnitude in ``unit`` (an SI unit by convention).

    Examples
    --------
    >>> to_si("0.1 mA/cm2", "A/m**2", "current density")
    1.0
    >>> round(to_si("25 degC", "K"), 2)
    298.15
    """
    q = parse_quantity(value, unit, name)
    try:
        return float(q.to(unit).magnitude)
    except pint.DimensionalityError as exc:  # pragma: no cover - checked above
        raise UnitError(f"{name}: {value!r} cannot be converted to {unit!r}.") from exc


def format_quantity(magnitude: float, unit: str, digits: int = 4) -> str:
    """Format a number with its unit for summaries, e.g. ``"0.1 mA/cm2"``."""
    return f"{magnitude:.{digits}g} {unit}"
