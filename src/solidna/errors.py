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

from solidna._docstrings import fill_doc

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
    "positive_float",
    "real_number",
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
    """Return up to ``n`` allowed names close to ``value`` (for 'did you mean' messages), closest
    first; none when no name is close.

    A name is close when it is a typing slip away (at most one edit - a letter added, dropped,
    changed or two swapped - per three letters typed, case and ``_``/``-``/space ignored:
    ``temprature``, ``cut_off``, ``crate``), or when one of the two holds the other (an
    abbreviation or a partial name: ``temp`` for ``temperature``, ``current`` for
    ``current_density``). difflib's similarity alone (0.4 before) took words that merely share
    letters: ``SymmetricCell().cycle(bogus=1)`` was answered "did you mean 'progress'?".

    Parameters
    ----------
    value : str
        What the user gave.
    allowed : iterable of str
        The valid names.
    n : int
        At most this many matches (default 3), closest first.
    """
    typed, names = _plain(value), [str(name) for name in allowed]
    if not names or n <= 0:
        return []
    # ranked by difflib's similarity (closest first), then kept only if close
    ranked = difflib.get_close_matches(str(value), names, n=len(names), cutoff=0)
    close = []
    for name in ranked:
        plain = _plain(name)
        shorter, longer = sorted((typed, plain), key=len)
        if len(shorter) >= 3 and shorter in longer:
            close.append(name)
        elif _edits(typed, plain) <= max(1, len(typed) // 3):
            close.append(name)
    return close[:n]


def _plain(name: object) -> str:
    """``name`` as compared by :func:`closest_matches`: lower case, no ``_``, ``-`` or spaces."""
    return "".join(ch for ch in str(name).lower() if ch not in "_- ")


def _edits(a: str, b: str) -> int:
    """Edits (insertion, deletion, substitution, swap of two neighbours) turning ``a`` into
    ``b`` (optimal string alignment distance)."""
    if abs(len(a) - len(b)) > max(len(a), len(b)) // 2 + 1:  # far apart: no need to count
        return max(len(a), len(b))
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


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


@fill_doc
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
    %(argument_name)s
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


@fill_doc
def real_number(
    name: str, value: object, unit: str = "", fix: str = "", *, positive: bool = False
) -> float:
    """``value`` as a finite float (> 0 with ``positive``), else :class:`InvalidOptionError`
    naming it: the one check of a number argument.

    Accepts a Python or NumPy real number, a one-element array or list and a numeric string
    (``"0.1"``); refuses ``True``/``False`` (NumPy's too: ``True`` would pass as 1), complex
    numbers (their imaginary part would be dropped without a word), ``None``, strings with a
    unit (``"10 mV"``), several values, NaN and inf.

    Parameters
    ----------
    %(argument_name)s
    value : object
        What the caller passed.
    unit : str, optional
        The unit the number is read in (for the message), e.g. ``"V"``.
    fix : str, optional
        How to fix it, e.g. ``"Default 0.1."``.
    positive : bool, optional
        Refuse 0 and negative numbers too.

    Returns
    -------
    float
        The number, in ``unit`` (unchanged).
    """
    import numpy as np  # loaded by the analyses that check numbers, not by ``import solidna``

    where = f" in {unit}" if unit else ""
    try:
        if value is None or isinstance(value, bool) or _is_numpy_bool(value):
            raise TypeError(f"{type(value).__name__} is not a number")
        arr = np.asarray(value)
        if arr.dtype.kind in "bc":
            raise TypeError("a bool is not a number" if arr.dtype.kind == "b" else "complex")
        arr = arr.astype(float)
        if arr.size != 1:
            raise TypeError(f"{arr.size} values")
        number = float(arr.reshape(()))
    except (TypeError, ValueError) as exc:
        # NumPy's own text of a failed conversion shows its types ("could not convert string
        # to float: np.str_('abc')"); the reasons raised above are already plain words
        reason = "not a number" if isinstance(exc, ValueError) else str(exc)
        raise InvalidOptionError(
            f"{name} must be a single number{where}; got {value!r} ({reason}). "
            f"Pass a plain number such as 0.5 (no unit in the text). {fix}".rstrip()
        ) from exc
    if not math.isfinite(number):
        raise InvalidOptionError(
            f"{name} must be a finite number{where}; got {value!r}. {fix}".rstrip()
        )
    if positive and not number > 0:
        raise InvalidOptionError(
            f"{name} must be a positive number{where}; got {value!r}. {fix}".rstrip()
        )
    return number


def positive_float(value: object, name: str, unit: str = "") -> float:
    """``value`` as a float if it is a finite number > 0 (:func:`real_number` with
    ``positive=True``), else :class:`InvalidOptionError` naming ``name`` and ``unit``.

    Parameters
    ----------
    value : object
        E.g. a spring constant; ``0.5``, ``"0.5"`` and ``numpy.float32(0.5)`` are accepted,
        ``True``, ``numpy.True_``, ``0``, ``nan``, ``"x"`` are not.
    name : str
        What it is, for the message (e.g. ``"spring constant"``).
    unit : str
        Its unit, for the message (e.g. ``"N/m"``).
    """
    return real_number(f"the {name}", value, unit, positive=True)


@fill_doc
def check_flag(value: object, name: str, default: bool | None = None) -> bool | None:
    """``value`` as a bool if it is ``True`` or ``False`` (NumPy's too), ``None`` if it is
    ``None`` and so is the ``default``, else :class:`InvalidOptionError` (a string such as
    ``"no"`` would otherwise count as true).

    Parameters
    ----------
    value : object
        The caller's choice.
    %(argument_name)s
    default : bool or None
        The argument's default, for the message; ``None`` (the default) accepts ``None``.
    """
    if value is None and default is None:
        return None
    if isinstance(value, bool) or _is_numpy_bool(value):
        return bool(value)  # type: ignore[arg-type]
    if default is None:
        allowed, example = "True, False or None (the default)", False
    else:
        allowed, example = f"True or False (default {default})", not default
    raise InvalidOptionError(f"{name} must be {allowed}; got {value!r}. Example: {name}={example}.")


def _is_numpy_bool(value: object) -> bool:
    # NumPy is looked up, not imported: a NumPy bool exists only once NumPy is loaded, and
    # ``import solidna`` does not load it
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.bool_)


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
