"""Error hierarchy of solidna.

Every error raised on bad user input is a :class:`SolidnaError` and also the matching built-in
exception, so ``except ValueError`` keeps working for callers that do not know solidna. A message
says what is wrong, shows the value, lists what is allowed and says how to fix it.
"""

from __future__ import annotations

import difflib
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
    """Return ``value`` if it is one of ``allowed``, else raise :class:`InvalidOptionError`."""
    allowed = list(allowed)
    if value in allowed:
        return value
    hint = closest_matches(value, allowed)
    did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
    raise InvalidOptionError(
        f"Unknown {name} {value!r}. Allowed: {', '.join(repr(a) for a in allowed)}.{did_you_mean}"
    )
