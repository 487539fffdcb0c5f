"""Error hierarchy of solidna.

Every error raised on bad user input is a :class:`SolidnaError` and also the matching built-in
exception, so ``except ValueError`` keeps working for callers that do not know solidna. A message
says what is wrong, shows the value, lists what is allowed and says how to fix it.
"""

from __future__ import annotations

import difflib
import math
import numbers
import sys
from collections.abc import Iterable

__all__ = [
    "OutputNotWritableError",
    "SolidnaError",
    "InvalidOptionError",
    "UnitError",
    "DataFormatError",
    "OutOfRangeError",
    "ConvergenceError",
    "OutputExistsError",
    "SolidnaWarning",
    "OutOfRangeWarning",
    "closest_matches",
    "check_choice",
    "check_flag",
    "is_number",
    "positive_int",
    "user_stacklevel",
]


class SolidnaError(Exception):
    """Base class of every error raised by solidna."""


class InvalidOptionError(SolidnaError, ValueError):
    """An option or name is not one of the allowed choices."""


class UnitError(SolidnaError, ValueError):
    """A quantity could not be parsed or has the wrong dimensions."""


class DataFormatError(SolidnaError, ValueError):
    """An input file or table is malformed."""


class OutOfRangeError(SolidnaError, ValueError):
    """A value lies outside the range where the model is physically valid."""


class ConvergenceError(SolidnaError, RuntimeError):
    """A solver or a fit did not converge."""


class OutputExistsError(SolidnaError, FileExistsError):
    """An output directory exists and is not empty (and ``force`` was not given)."""


class OutputNotWritableError(SolidnaError, PermissionError):
    """The output directory (or the directory that would hold it) cannot be written."""


class SolidnaWarning(UserWarning):
    """Base class of solidna warnings."""


class OutOfRangeWarning(SolidnaWarning):
    """A value lies outside the validated range; the result is an extrapolation."""


def closest_matches(value: str, allowed: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` allowed names closest to ``value`` (for 'did you mean' messages).

    Parameters
    ----------
    value : str
        What the user gave.
    allowed : iterable of str
        The valid names.
    n : int
        At most this many matches (default 3), closest first.
    """
    return difflib.get_close_matches(str(value), list(allowed), n=n, cutoff=0.4)


def check_choice(name: str, value: str, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`InvalidOptionError`
    (naming the allowed values and the closest one).

    Parameters
    ----------
    name : str
        What is chosen, for the message (``"anode type"``).
    value : str
        The choice given.
    allowed : iterable of str
        The choices accepted.
    """
    allowed = list(allowed)
    if value in allowed:
        return value
    hint = closest_matches(value, allowed)
    did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
    raise InvalidOptionError(
        f"Unknown {name} {value!r}. Allowed: {', '.join(repr(a) for a in allowed)}.{did_you_mean}"
    )


def is_number(value: object) -> bool:
    """True for a real number (int, float or one of numpy's), False for anything else, a bool
    included (``True`` would otherwise pass as 1).

    Parameters
    ----------
    value : object
        What the user gave.
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def positive_int(
    value: object, name: str, fix: str = "", maximum: int | None = None, minimum: int = 1
) -> int:
    """``value`` as an int if it is a whole number in [``minimum``, ``maximum``], else
    :class:`OutOfRangeError`.

    Parameters
    ----------
    value : object
        E.g. a number of cycles; ``3``, ``3.0`` and ``numpy.int64(3)`` are accepted, ``True``,
        ``2.5``, ``"3"``, ``0`` are not.
    name : str
        The argument's name, for the message.
    fix : str
        How to fix it (e.g. ``"Example: cycles=200."``).
    maximum : int, optional
        The largest value accepted (e.g. :data:`MAX_CYCLES`).
    minimum : int
        The smallest value accepted (default 1).
    """
    if not is_number(value) or not math.isfinite(value) or value != int(value) or value < minimum:
        raise OutOfRangeError(
            f"{name} must be a whole number >= {minimum}; got {value!r}. {fix}".rstrip()
        )
    if maximum is not None and value > maximum:
        raise OutOfRangeError(
            f"{name} = {value!r} is above the largest value accepted, {maximum}. {fix}".rstrip()
        )
    return int(value)


def positive_float(value: object, name: str, unit: str = "") -> float:
    """``value`` as a float if it is a finite number > 0 (a numeric string too), else
    :class:`InvalidOptionError` naming ``name`` and ``unit``.

    Parameters
    ----------
    value : object
        E.g. a spring constant; ``0.5``, ``"0.5"`` and ``numpy.float32(0.5)`` are accepted,
        ``True``, ``0``, ``nan``, ``"x"`` are not.
    name : str
        What it is, for the message (e.g. ``"spring constant"``).
    unit : str
        Its unit, for the message (e.g. ``"N/m"``).
    """
    try:
        v = math.nan if isinstance(value, bool) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        v = math.nan
    if not (v > 0 and math.isfinite(v)):
        where = f" in {unit}" if unit else ""
        raise InvalidOptionError(f"the {name} must be a positive number{where}; got {value!r}.")
    return v


def check_flag(value: object, name: str) -> bool | None:
    """``value`` if it is ``True``, ``False`` or ``None``, else :class:`InvalidOptionError`
    (a string such as ``"no"`` would otherwise count as true).

    Parameters
    ----------
    value : object
        The caller's choice.
    name : str
        The argument's name, for the message.
    """
    if value is None or isinstance(value, bool):
        return value
    raise InvalidOptionError(
        f"{name} must be True, False or None (the default); got {value!r}. Example: {name}=False."
    )


def user_stacklevel() -> int:
    """The ``stacklevel`` of :func:`warnings.warn` that points a warning at the first caller
    outside solidna (the user's line), however deep inside solidna it is raised; call it in the
    function that warns.

    A fixed stacklevel shows one of solidna's own lines instead when the check sits a call
    deeper (a subclass's ``super().__init__``, a shared helper).
    """
    frame = sys._getframe(1)  # the function that warns: stacklevel 1
    level = 1
    while frame.f_back is not None and _in_solidna(frame.f_globals.get("__name__", "")):
        frame = frame.f_back
        level += 1
    return level


def _in_solidna(module: str) -> bool:
    return module == "solidna" or module.startswith("solidna.")
