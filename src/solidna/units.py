"""Parse user quantities such as ``"0.1 mA/cm2"``, ``"1 h"``, ``"60 um"``, ``"25 degC"`` with pint.

SI inside: every parser returns a float in SI units (or Kelvin), and the name of each function says
which unit it returns. A **bare number is SI** (``current_density=0.1`` is 0.1 A/m2, i.e.
0.01 mA/cm2); :func:`to_si` warns when a bare number lies outside the range the caller calls
typical, spelling out how it was read.

Both the slash notation (``"0.1 mA/cm2"``, ``"1000 mAh/g"``) and the exponent notation of papers
(``"0.1 mA cm-2"``, ``"mA cm^-2"``, ``"mA·cm-2"``, ``"Ohm cm2"``, ``"mAh g-1"``) are understood;
a space between units is a product. Bad input raises :class:`~solidna.errors.UnitError` (cannot be
read, wrong kind of quantity) or :class:`~solidna.errors.OutOfRangeError` (below absolute zero,
not positive, above a stated maximum), with a message in plain words: what was expected (``"a
current density, e.g. 0.1 mA/cm2"``), what was given (``"'5 V' is a voltage"``) and how to fix it.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import threading
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from solidna.errors import (
    OutOfRangeError,
    OutOfRangeWarning,
    UnitError,
    is_number,
    user_stacklevel,
)

if TYPE_CHECKING:
    import pint

__all__ = [
    "ureg",  # noqa: F822 - built on first use by the module __getattr__ (PEP 562)
    "Q_",
    "Kind",
    "KINDS",
    "MAX_DURATION",
    "MAX_DURATION_S",
    "LABORATORY_MAXIMA",
    "as_pint_unit",
    "kind_of",
    "parse_quantity",
    "to_si",
    "format_quantity",
    "warn_unusual",
    "plain_powers",
    "check_duration",
]


_REGISTRY: list[pint.UnitRegistry] = []
_REGISTRY_LOCK = threading.Lock()


def _registry() -> pint.UnitRegistry:
    """The unit registry, built on first use: importing pint and building its registry takes
    0.4 s, which the command line's start (``--help``) and ``import solidna`` need not pay.
    Built once under a lock: quantities of two registries cannot be combined, and threads (a
    threaded analysis) may ask for it at the same moment."""
    if not _REGISTRY:
        with _REGISTRY_LOCK:
            if not _REGISTRY:
                import pint

                ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
                # Battery shorthand, where this pint does not know it ("cm2" is handled by
                # _normalise); defining a known name again only logs "Redefining 'Ah'"
                for name in ("mAh", "Ah"):
                    if name not in ureg:
                        ureg.define(f"{name} = {'milli' if name[0] == 'm' else ''}ampere * hour")
                _REGISTRY.append(ureg)
    return _REGISTRY[0]


def Q_(*args: Any) -> pint.Quantity:  # noqa: N802 - pint's customary name
    """A quantity of solidna's unit registry: ``Q_(0.1, "mA/cm2")``, ``Q_("1 h")``.

    Parameters
    ----------
    *args
        As ``pint.UnitRegistry.Quantity``: a magnitude and a unit, or one string.

    Returns
    -------
    pint.Quantity
        The quantity.
    """
    return _registry().Quantity(*args)


def __getattr__(name: str) -> Any:
    # `ureg`, solidna's pint registry, is built when first asked for (PEP 562)
    if name == "ureg":
        return _registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The longest duration (run, half cycle, rest, forecast) solidna accepts. 1e5 h is 11 years, 25
#: times the paper's longest test (4000 h, Fig. 4h); a larger value is a typing slip
#: (``"1e99 h"``) and would only exhaust memory or overflow the solver's time grid later.
MAX_DURATION = "1e5 h"
MAX_DURATION_S = 1e5 * 3600.0

#: The largest value accepted for a measured sample's quantities [SI: m2, kg, m, K, Ohm.m2, m,
#: m/s], and why: values no laboratory cell or instrument has are a typo of the unit or the
#: exponent (``--area "1e99 cm2"`` was accepted and gave R0 = 7.6e83 Ohm.m2). One table for the
#: analysis (:func:`solidna.analysis.pipeline.analyze`, ``surface_options``) and the command
#: line's options, which read it without importing the analysis package.
LABORATORY_MAXIMA: dict[str, tuple[float, str]] = {
    "area": (1.0, "laboratory cells are 0.1-1000 cm2"),
    "mass": (1.0, "the active mass of a laboratory cell is mg to g"),
    "thickness": (0.01, "electrolyte films and pellets are 1 um to a few mm thick"),
    "temperature": (1273.15, "electrolytes are measured from about -100 to a few hundred degC"),
    "ohmic_resistance": (100.0, "a cell of 1 MOhm.cm2 passes no measurable current in a CV"),
    "tip_radius": (1e-3, "AFM tips and colloidal probes are 1 nm to about 100 um in radius"),
    "sputter_rate": (1e-6, "ion guns remove about 0.01-10 nm/s"),
}


@dataclass(frozen=True)
class Kind:
    """A kind of quantity as people name it.

    Attributes
    ----------
    name : str
        In plain words with its article, e.g. ``"a current density"``.
    si : str
        The SI unit as pint reads it (``"A/m**2"``); the value :func:`to_si` returns is in it.
    example : str
        A typical input, e.g. ``"0.1 mA/cm2"``.
    practical : str
        The unit researchers use, as pint reads it (``"mA/cm**2"``).
    """

    name: str
    si: str
    example: str
    practical: str

    @property
    def bare(self) -> str:
        """The name without its article (``"current density"``)."""
        return self.name.split(" ", 1)[1]


def plain_powers(text: str) -> str:
    """Units in ``text`` as people write them: pint's ``"mA/cm**2"`` as ``"mA/cm2"``.

    Parameters
    ----------
    text : str
        A unit, or a message holding units.
    """
    return text.replace("**", "")


def _text(unit: str) -> str:
    """Unit as printed in messages: ``"mA/cm**2"`` -> ``"mA/cm2"``, ``"ohm*m"`` -> ``"ohm.m"``."""
    return plain_powers(unit).replace("*", ".")


#: Plain names of the quantities solidna takes, keyed by the unit callers ask :func:`to_si` for.
#: The first entry of a dimension names what a user gave (e.g. any ``[current]/[length]**2`` is
#: "a current density").
KINDS: dict[str, Kind] = {
    "A/m**2": Kind("a current density", "A/m**2", "0.1 mA/cm2", "mA/cm**2"),
    "s": Kind("a time", "s", "1 h", "h"),
    "m": Kind("a length", "m", "60 um", "um"),
    "K": Kind("a temperature", "K", "25 degC", "degC"),
    "V": Kind("a voltage", "V", "0.5 V", "V"),
    "V/s": Kind("a scan rate", "V/s", "5 mV/s", "mV/s"),
    "Hz": Kind("a frequency", "Hz", "1 MHz", "Hz"),
    "A/kg": Kind("a specific current (per mass)", "A/kg", "200 mA/g", "mA/g"),
    "C/kg": Kind("a specific capacity (per mass)", "C/kg", "1000 mAh/g", "mAh/g"),
    "C/m**2": Kind("an areal capacity", "C/m**2", "1 mAh/cm2", "mAh/cm**2"),
    "ohm*m**2": Kind("an area-specific resistance", "ohm*m**2", "12 Ohm cm2", "ohm*cm**2"),
    "Pa": Kind("a pressure", "Pa", "1 bar", "bar"),
    "bar": Kind("a pressure", "bar", "1 bar", "bar"),
    "kg": Kind("a mass", "kg", "0.5 mg", "mg"),
    "m**2": Kind("an area", "m**2", "1 cm2", "cm**2"),
    "ohm": Kind("a resistance", "ohm", "10 Ohm", "ohm"),
    "A": Kind("a current", "A", "0.1 mA", "mA"),
    "C": Kind("a charge", "C", "1 mAh", "mAh"),
    "A*h": Kind("a charge", "A*h", "1 mAh", "mAh"),
    "S/m": Kind("a conductivity", "S/m", "0.1 mS/cm", "mS/cm"),
    "m/s": Kind("a speed (e.g. a sputter rate)", "m/s", "0.1 nm/s", "nm/s"),
    # asked for by name only (kind_of matches no dimensionless unit by its dimension)
    "deg": Kind("an angle", "deg", "17.5 deg", "deg"),
    "J": Kind("an energy", "J", "1 eV", "eV"),
}


def as_pint_unit(unit: str) -> str:
    """``unit`` in pint's syntax: a parameter name's bracket unit (``"S.m-1"``, ``"Ohm.m"``,
    ``"mol.m-3.bar-1"``, ``"-"``) or a pint unit (``"A/m**2"``, kept as it is).

    The parameter sets name their units as PyBaMM does (:func:`solidna.parameters.unit_of`), and
    their messages point at :func:`to_si` to convert a value: ``to_si("2 mS/cm", "S.m-1")``
    must work (it raised pint's TypeError).

    Parameters
    ----------
    unit : str
        The unit text.

    Returns
    -------
    str
        The same unit as pint reads it (``"S*m**-1"``, ``"ohm*m"``, ``"dimensionless"``).

    Raises
    ------
    UnitError
        ``unit`` is not a string.
    """
    if not isinstance(unit, str):
        # None, a number or a list reached str.strip() (AttributeError)
        raise UnitError(
            f"A unit is written as a string such as 'A/m**2', 'S.m-1' or '-'; got "
            f"{type(unit).__name__} {unit!r}."
        )
    u = unit.strip()
    if u in ("", "-"):
        return "dimensionless"
    if u in KINDS:
        return u
    u = re.sub(r"(?<![A-Za-z])Ohm(?![A-Za-z])", "ohm", u)
    u = re.sub(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z])", "*", u)  # S.m-1 -> S*m-1
    return re.sub(r"(?<=[A-Za-z])(-?\d+)(?![\d.])", r"**\1", u)  # m-1 -> m**-1, cm2 -> cm**2


def kind_of(unit: str) -> Kind:
    """The :class:`Kind` of ``unit`` (a key of :data:`KINDS`, or any unit of the same dimension).

    Parameters
    ----------
    unit : str
        A pint unit string, e.g. ``"mA/cm2"``, or a parameter name's unit (``"S.m-1"``,
        :func:`as_pint_unit`).

    Raises
    ------
    UnitError
        ``unit`` is not a string, or not a unit pint knows (``"abc"``, ``"0.1 mA/cm2"``).
    """
    if isinstance(unit, str) and unit in KINDS:
        return KINDS[unit]
    given = unit
    unit = as_pint_unit(unit)
    if re.match(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s+\S", given):
        # a quantity given for a unit ("1e99 h", "0.1 mA/cm2"): as_pint_unit made "1e99" the
        # elementary charge to the 99th, pint refused the others later (ValueError)
        raise UnitError(
            f"{given!r} is a quantity, not a unit; give a unit without a number, such as "
            "'A/m**2', 'mA/cm2', 'S.m-1' or 'K'."
        )
    try:
        # a unit with a number in it ("1e99 h") is refused here rather than by the conversion
        # later (pint's ValueError "cannot have a scaling factor")
        _registry().parse_units(unit)
        dim = Q_(1.0, unit).dimensionality
    except Exception:  # pint's UndefinedUnitError, "cannot have a scaling factor" (ValueError)
        raise UnitError(
            f"{unit!r} is not a unit solidna knows; give a unit without a number, such as "
            "'A/m**2', 'mA/cm2', 'S.m-1' or 'K'."
        ) from None
    for kind in KINDS.values():
        # a dimensionless unit (rad, percent) says nothing of what it measures
        if dim and Q_(1, kind.si).dimensionality == dim:
            return Kind(kind.name, unit, kind.example, kind.practical)
    return Kind(f"a quantity in {_text(unit)}", unit, f"1 {_text(unit)}", unit)


def _what_it_is(q: pint.Quantity) -> str:
    """What a parsed quantity is, in plain words (never pint's dimension algebra)."""
    if q.dimensionless:
        return "a plain number (no unit)"
    for kind in KINDS.values():
        if q.check(Q_(1, kind.si).dimensionality):
            return kind.name
    return f"a quantity in {q.units:~P}"


_REPLACE = (
    ("µ", "u"),
    ("μ", "u"),
    ("°C", "degC"),
    # the ordinal sign and the ring above, typed for the degree sign on Spanish and Portuguese
    # keyboards and by some fonts' "degree" glyph
    ("ºC", "degC"),
    ("˚C", "degC"),
    ("℃", "degC"),
    # the Fahrenheit twins of the lines above; "℉" (U+2109) was refused as "a µ lost in copying"
    # while its Celsius sibling "℃" was read
    ("ºF", "degF"),
    ("˚F", "degF"),
    ("℉", "degF"),
    ("Ω", "ohm"),
    ("·", "*"),
    ("⋅", "*"),
    ("−", "-"),
    ("²", "2"),
    ("³", "3"),
    ("⁻", "-"),
    ("¹", "1"),
)
_OHM = re.compile(r"(?i)(?<![A-Za-z])([kMmGu]?)ohms?(?![A-Za-z])")
# "mA.cm-2": a dot between two unit names is a product
_DOT = re.compile(r"(?<=[A-Za-z])\.(?=[A-Za-z])")
# "cm2", "cm-2", "cm^-2", "g-1": a unit name (not a number's exponent as in 1e5) with a power
_POWER = re.compile(r"(?<![\w.])([A-Za-z]+)\^?([-+]?\d+)(?![\w.])")
_DECIMAL_COMMA = re.compile(r"^\s*([-+]?\d*),(\d+)")
# A character no quantity text holds: letters, digits, the symbols of _REPLACE, * / ^ . - + ( )
# % and spaces are allowed
_NOT_QUANTITY_CHARACTER = re.compile(r"[^\w\s*/^.\-+()%°º˚℃℉µμΩ·⋅−²³⁻¹]")
# A quantity starts with its number: pint would read "mA/cm2" as 1 mA/cm2 and "1_0 h" as 10 h.
_NUMBER_FIRST = re.compile(
    r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?(?![\d_])|^\s*[+-]?(?i:nan|inf)"
)


# "1cm2", "2e-3cm2", "25degC": a unit written against its number. pint reads "60um" but not
# "1cm2" (_POWER needs the unit name to stand alone), so a space is put between them; the number
# keeps its exponent ("1e5h" is 1e5 h, "12e5" stays a number: no unit letter follows it)
_NUMBER_AGAINST_UNIT = re.compile(
    r"^(\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![eE][+-]?\d)(?=[^\W\d_])"
)


def _normalise(text: str) -> str:
    text = _NUMBER_AGAINST_UNIT.sub(r"\1 ", text)
    for old, new in _REPLACE:
        text = text.replace(old, new)
    text = _OHM.sub(r"\1ohm", text)
    text = _DOT.sub("*", text)
    text = _POWER.sub(r"\1**\2", text)
    return text.strip()


@functools.lru_cache(maxsize=512)
def _parse_text(text: str) -> pint.Quantity:
    return Q_(_normalise(text))


def _parse_error(value: str, exc: Exception, kind: Kind, name: str) -> UnitError:
    import pint

    if isinstance(exc, pint.UndefinedUnitError):
        why = f"{', '.join(repr(u) for u in exc.unit_names)} is not a unit solidna knows"
        fixed = _case_fixed(value.replace("\u2212", "-"), kind.si)
        if fixed:
            why += f"; units are case-sensitive: did you mean {fixed!r}?"
        elif set(exc.unit_names) & _DEGREE_LOOKALIKES.keys():
            # "25 oC": a letter o typed for the degree sign, common in plain-text lab notes
            word = next(u for u in exc.unit_names if u in _DEGREE_LOOKALIKES)
            why += f"; for degrees write {_DEGREE_LOOKALIKES[word]!r}, e.g. '25 degC'"
    else:
        why = "it is not a number followed by a unit"
    return UnitError(
        f"{name}: cannot parse {value!r} as {kind.name} ({why}). Give a number and a unit, "
        f'e.g. "{kind.example}".'
    )


def parse_quantity(
    value: str | float | int | pint.Quantity, unit: str, name: str = "value"
) -> pint.Quantity:
    """Parse ``value`` into a pint quantity with the dimensions of ``unit``.

    Parameters
    ----------
    value : str, float, int or pint.Quantity
        ``"0.1 mA/cm2"`` or ``"0.1 mA cm-2"``; a bare number (or a string holding only a number)
        is taken to be in ``unit``.
    unit : str
        The unit (and so the dimension) expected, e.g. ``"A/m**2"``.
    name : str
        What the quantity is, for error messages (e.g. ``"current density"``).

    Returns
    -------
    pint.Quantity
        The parsed quantity (not yet converted).

    Raises
    ------
    UnitError
        ``value`` cannot be read (a decimal comma, an unknown unit, not a number) or is another
        kind of quantity than ``unit``.
    """
    import pint

    kind = kind_of(unit)
    if isinstance(value, bool):
        raise UnitError(
            f'{name}: got the boolean {value!r}; give {kind.name} such as "{kind.example}".'
        )
    if isinstance(value, pint.Quantity):
        q = value
    elif isinstance(value, numbers.Real):  # int, float and numpy's numbers
        q = Q_(float(value), unit)
    elif isinstance(value, str):
        # U+2212, the minus sign of typeset papers and word processors ("−0.5 V"), was "does not
        # start with a number"; the messages below still show the value as given
        text = value.replace("\u2212", "-")
        comma = _DECIMAL_COMMA.match(text)
        if comma:
            fixed = _DECIMAL_COMMA.sub(r"\1.\2", text, count=1).strip()
            raise UnitError(
                f"{name}: {value!r} has a decimal comma; solidna reads a point as the decimal "
                f"mark (and takes no thousands separators). Write {fixed!r}."
            )
        odd = _NOT_QUANTITY_CHARACTER.search(text)
        if odd:
            # pint skips such a character: "0.1 ?A/cm2" (a µ lost in a copy) would be 0.1 A/cm2
            why = (
                "a clock time? give the duration with its unit"
                if odd.group() == ":"
                else 'a µ lost in copying? µ may be written u, as in "uA"'
            )
            raise UnitError(
                f"{name}: {value!r} holds {odd.group()!r}, which no number or unit has ({why}). "
                f'Give {kind.name}, e.g. "{kind.example}".'
            )
        if not _NUMBER_FIRST.match(text):
            raise UnitError(
                f"{name}: cannot parse {value!r} as {kind.name}: it does not start with a "
                f'number. Give {kind.name}, e.g. "{kind.example}".'
            )
        try:
            q = _parse_text(text)
        except Exception as exc:  # pint raises many kinds; all mean "cannot parse"
            raise _parse_error(value, exc, kind, name) from None
        # a string holding only a number is in `unit`; "0.3 rad" and "50 %" have a
        # (dimensionless) unit, kept for the conversion: pint's `unitless` is True for "%", and
        # "50 %" was read as 50 where it is 0.5
        if not isinstance(q, pint.Quantity) or (q.units == _registry().dimensionless and unit):
            q = Q_(float(q.magnitude if isinstance(q, pint.Quantity) else q), unit)
    else:
        raise UnitError(
            f"{name}: expected a number or a string with units, got {type(value).__name__} "
            f'{value!r}. Give {kind.name}, e.g. "{kind.example}".'
        )
    if not q.check(Q_(1, unit).dimensionality):
        # "25 C" and "25 deg C" are a charge to pint (coulomb, degree x coulomb); meant as a
        # temperature, they are degrees Celsius
        if q.check("[current] * [time]") and Q_(1, unit).check("[temperature]"):
            hint = " (C is the coulomb; degrees Celsius are written degC)"
        elif q.check("[capacitance]") and Q_(1, unit).check("[temperature]"):
            # "77 F" is 77 farad to pint; meant as a temperature, it is degrees Fahrenheit
            hint = " (F is the farad; degrees Fahrenheit are written degF)"
        else:
            fixed = _case_fixed(text, unit) if isinstance(value, str) else None
            hint = f" (units are case-sensitive: did you mean {fixed!r}?)" if fixed else ""
        raise UnitError(
            f"{name}: {value!r} is {_what_it_is(q)}{hint}, not {kind.name}. Give "
            f'{kind.name}, e.g. "{kind.example}".'
        )
    return q


# Unit words typed for a degree sign and the spelling pint reads ("25 oC" is 25 degC)
_DEGREE_LOOKALIKES = {"oC": "degC", "oF": "degF", "OC": "degC", "OF": "degF"}

#: Most spellings :func:`_case_fixed` tries (its unit words in other cases).
CASE_VARIANTS_MAX = 256


def _case_fixed(text: str, unit: str) -> str | None:
    """``text`` with its unit words in another case when that makes it a quantity of ``unit``'s
    kind (``"0.1 ma/cm2"`` -> ``"0.1 mA/cm2"``: pint's "ma" is a milli-annum; ``"4 H"`` -> ``"4 h"``:
    H is the henry), else None. Each word is tried as written, lower case, upper case and with
    its prefix letter kept (``mA``); the first spelling of the right kind wins."""
    import itertools

    number = _NUMBER_FIRST.match(text)
    if number is None:
        return None
    head, rest = text[: number.end()], text[number.end() :]
    parts = re.split(r"([A-Za-z]+)", rest)
    words = parts[1::2]
    options = [
        # the prefix-kept spelling first: "ma" is far more often mA than MA
        list(
            dict.fromkeys(
                (
                    w,
                    w[:1] + w[1:].upper(),
                    w.lower(),
                    w[:1].lower() + w[1:],
                    w.upper(),
                    # a prefix and a capitalised unit, the prefix's case kept first (M is mega,
                    # m milli): "khz" -> "kHz", "MHZ" -> "MHz", then "KHZ" -> "kHz"
                    w[:1] + w[1:2].upper() + w[2:].lower(),
                    w[:1].lower() + w[1:2].upper() + w[2:].lower(),
                )
            )
        )
        for w in words
    ]
    target = Q_(1, unit).dimensionality
    for n, choice in enumerate(itertools.product(*options)):
        if n >= CASE_VARIANTS_MAX:
            break
        if list(choice) == words:
            continue
        spelled = parts.copy()
        spelled[1::2] = choice
        candidate = head + "".join(spelled)
        try:
            q = _parse_text(candidate)
        except Exception:  # pint raises many kinds; this spelling is simply not a quantity
            continue
        if hasattr(q, "dimensionality") and q.dimensionality == target:
            return candidate.strip()
    return None


def _is_bare(value: object) -> bool:
    """True for a number given without a unit (a bare number is read in SI)."""
    if is_number(value):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return False


def _shown(value: object, si: float, kind: Kind) -> str:
    """The value as the user gave it, with its SI reading when it was a bare number."""
    if _is_bare(value):
        return f"{value!r} (read as {si:.4g} {_text(kind.si)}: a bare number is SI)"
    return repr(value)


def _in_practical(si: float, kind: Kind) -> str:
    return f"{Q_(si, kind.si).to(kind.practical).magnitude:.4g} {_text(kind.practical)}"


def _sentence(name: str) -> str:
    return name[:1].upper() + name[1:]


def to_si(
    value: str | float | int | pint.Quantity,
    unit: str,
    name: str = "value",
    *,
    typical: tuple[float, float] | None = None,
    maximum: float | None = None,
    positive: bool = False,
    hint: str = "",
) -> float:
    """Parse ``value`` and return its magnitude in ``unit`` (an SI unit by convention).

    Parameters
    ----------
    value : str, float, int or pint.Quantity
        ``"0.1 mA/cm2"``, ``"0.1 mA cm-2"``, ``"25 degC"``; a bare number is in ``unit`` (SI).
    unit : str
        The unit of the returned number, e.g. ``"A/m**2"`` (see :data:`KINDS`), or as a
        parameter's name writes it (``"S.m-1"``, ``"-"``).
    name : str
        What the quantity is, in the caller's words, for messages (``"current density"``).
    typical : (float, float), optional
        The range [low, high] in ``unit`` that the caller calls typical (its validated range). A
        *bare number* outside it warns (:class:`~solidna.errors.OutOfRangeWarning`) with the SI
        reading spelled out, since it is most likely a number meant in another unit. Values given
        with a unit never warn here.
    maximum : float, optional
        The largest value accepted, in ``unit``; above it :class:`OutOfRangeError`.
    positive : bool
        Refuse zero and negative values (:class:`OutOfRangeError`).
    hint : str
        A sentence added to the messages of ``positive`` and ``maximum`` (how to fix it).

    Returns
    -------
    float
        The value in ``unit``.

    Raises
    ------
    UnitError
        ``value`` cannot be read or is another kind of quantity.
    OutOfRangeError
        Not finite; a temperature at or below absolute zero; not positive (with ``positive``);
        above ``maximum``.

    Examples
    --------
    >>> to_si("0.1 mA/cm2", "A/m**2", "current density")
    1.0
    >>> to_si("0.1 mA cm-2", "A/m**2", "current density")
    1.0
    >>> round(to_si("25 degC", "K"), 2)
    298.15
    """
    import pint

    kind = kind_of(unit)  # (checks the unit as given: "1e99 h" is no unit)
    unit = as_pint_unit(unit)  # also the parameter names' notation, "S.m-1"
    q = parse_quantity(value, unit, name)
    try:
        si = float(q.to(unit).magnitude)
    except pint.DimensionalityError as exc:  # pragma: no cover - checked above
        raise UnitError(f"{name}: {value!r} cannot be converted to {_text(unit)}.") from exc
    if q.check("[temperature]") and math.isfinite(si) and Q_(si, unit).to("K").m <= 0:
        if _is_bare(value):
            read = f"is read as {value} {_text(unit)} (a bare number is SI), which is"
            fix = f"if you meant {value} degC, pass '{value} degC'"
        else:
            read, fix = "is", 'give a temperature such as "25 degC" or "298.15 K"'
        raise OutOfRangeError(
            f"{name}: {value!r} {read} at or below absolute zero (-273.15 degC = 0 K), not a "
            f"physical absolute temperature; {fix}."
        )
    if not math.isfinite(si):
        also = " (not a physical absolute temperature)" if q.check("[temperature]") else ""
        raise OutOfRangeError(
            f"{name}: {value!r} is not a finite number{also}. Give {kind.name}, "
            f'e.g. "{kind.example}".'
        )
    if positive and not si > 0:
        raise OutOfRangeError(
            f"{_sentence(name)} must be a positive, finite quantity; got "
            f"{_shown(value, si, kind)}. {hint}".rstrip()
        )
    if maximum is not None and si > maximum:
        raise OutOfRangeError(
            f"{name}: {_shown(value, si, kind)} is above the largest value accepted, "
            f"{_in_practical(maximum, kind)}. {hint}".rstrip()
        )
    if typical is not None and _is_bare(value) and not typical[0] <= si <= typical[1]:
        practical = _text(kind.practical)
        low = Q_(typical[0], kind.si).to(kind.practical).magnitude
        range_text = f"{low:.4g} to {_in_practical(typical[1], kind)}"
        read = f"{si:.4g} {_text(kind.si)}"
        if Q_(1, kind.si).to(kind.practical).m == 1:  # the same number in both units: no mix-up
            meant = ""
        else:
            read += f" = {_in_practical(si, kind)}"
            meant = f"; if you meant {value} {practical}, pass '{value} {practical}'"
        warnings.warn(
            f"{name} = {value!r} is read as {read} (a bare number is SI){meant}. It lies outside "
            f"the typical range {range_text}.",
            OutOfRangeWarning,
            stacklevel=user_stacklevel(),
        )
    return si


def format_quantity(magnitude: float, unit: str, digits: int = 4) -> str:
    """Format a number with its unit for summaries, e.g. ``"0.1 mA/cm2"``.

    Parameters
    ----------
    magnitude : float
        The number, in ``unit``.
    unit : str
        The unit written after it.
    digits : int
        Significant figures (default 4).
    """
    return f"{magnitude:.{digits}g} {unit}"


def warn_unusual(
    given: object, si: float, span_si: tuple[float, float], name: str, unit: str, why: str
) -> None:
    """Warn (:class:`~solidna.errors.OutOfRangeWarning`) when a value given *with a unit* lies
    outside ``span_si``: most likely a slip of the unit (``"0.1 MA/cm2"`` for mA, ``"60 mm"`` for
    um). A bare number outside its typical range has had :func:`~solidna.units.to_si`'s warning,
    which spells out its SI reading, and is left alone here.

    Parameters
    ----------
    given : object
        What the user gave.
    si : float
        Its value in SI.
    span_si : (float, float)
        The range, in the same SI unit, inside which no warning is given.
    name : str
        The quantity in words.
    unit : str
        The unit the message shows values in (``"mA/cm2"``; a pint unit).
    why : str
        Where the range comes from.
    """
    if _is_bare(given) or span_si[0] <= si <= span_si[1]:
        return
    si_unit = Q_(1, unit).to_base_units().units
    lo, hi, value = (Q_(x, si_unit).to(unit).magnitude for x in (*span_si, si))
    shown = plain_powers(unit)
    warnings.warn(
        f"{name} {given!r} ({value:.4g} {shown}) lies outside {lo:g}-{hi:g} {shown} ({why}); "
        "results there are an extrapolation - check the unit.",
        OutOfRangeWarning,
        stacklevel=user_stacklevel(),
    )


def check_duration(duration_s: float, what: str, fix: str) -> float:
    """``duration_s`` [s] if a run may last that long (:data:`~solidna.units.MAX_DURATION`), else
    :class:`OutOfRangeError`; for durations that follow from other inputs (a capacity over a
    current, cycles over a scan rate).

    Parameters
    ----------
    duration_s : float
        The protocol's length [s].
    what : str
        What lasts that long, in words (``"the sweep"``).
    fix : str
        Which inputs to change.
    """
    if not is_number(duration_s):
        # a string or None reached "<=" (TypeError)
        raise OutOfRangeError(
            f"{_capital(what)}: the duration must be a number of seconds, got "
            f"{type(duration_s).__name__} {duration_s!r}. {fix}"
        )
    if not duration_s <= MAX_DURATION_S:
        raise OutOfRangeError(
            f"{_capital(what)} would last {duration_s / 3600:.4g} h, longer than the longest run "
            f"accepted ({MAX_DURATION}). {fix}"
        )
    return duration_s


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
