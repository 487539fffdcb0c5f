"""Input checks shared by the analysis modules (one definition, one message style)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from solidna.errors import DataFormatError

__all__ = [
    "as_real_1d",
    "as_real_columns",
    "check_same_length",
    "check_time_order",
    "time_order_problem",
]


def as_real_1d(name: str, values, min_points: int = 1, allow_scalar: bool = False) -> np.ndarray:
    """Return ``values`` as a finite 1-D float array, or raise :class:`DataFormatError`.

    ``allow_scalar`` turns a single number into a one-element array.

    Parameters
    ----------
    name : str
        Name of the input, used in error messages.
    values : array_like of float
        The values to check, in whatever unit the caller uses (unchanged).
    min_points : int, optional
        Fewest points accepted [-].
    allow_scalar : bool, optional
        Accept a single number as a one-element array.

    Returns
    -------
    numpy.ndarray
        The values as a 1-D float array, in the unit they were given in.
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            f"{name} must be a sequence of real numbers; got {type(values).__name__} ({exc}). "
            "Pass a 1-D numpy array or list of floats."
        ) from exc
    if allow_scalar and arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise DataFormatError(
            f"{name} must be 1-D; got shape {arr.shape}. Pass one column, e.g. df[col].to_numpy()."
        )
    if arr.size < min_points:
        raise DataFormatError(
            f"{name} has {arr.size} point(s); at least {min_points} are needed. Pass the full data."
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        raise DataFormatError(
            f"{name} contains {int(bad.sum())} NaN/inf value(s) (first at index "
            f"{int(np.argmax(bad))}). Drop those rows before the analysis."
        )
    return arr


def check_same_length(**arrays: np.ndarray) -> None:
    """Raise :class:`DataFormatError` unless every array has as many points as the first.

    Parameters
    ----------
    **arrays : numpy.ndarray
        The arrays by name (used in the message), in any unit.
    """
    (first, ref), *others = arrays.items()
    for name, arr in others:
        if arr.size != ref.size:
            raise DataFormatError(
                f"{first} has {ref.size} points but {name} has {arr.size}; they must match point "
                "by point (one value per sample)."
            )


def as_real_columns(
    min_points: int = 1, allow_scalar: bool = False, **columns
) -> tuple[np.ndarray, ...]:
    """Each column as by :func:`as_real_1d`, all as long as the first (one row per sample).

    Parameters
    ----------
    min_points, allow_scalar : as for :func:`as_real_1d`
    **columns : array_like of float
        The columns by name, each in its own unit (unchanged).

    Returns
    -------
    tuple of numpy.ndarray
        The columns as 1-D float arrays, in the order given.
    """
    arrays = {
        name: as_real_1d(name, values, min_points, allow_scalar) for name, values in columns.items()
    }
    check_same_length(**arrays)
    return tuple(arrays.values())


def time_order_problem(time_s: np.ndarray) -> tuple[str, int] | None:
    """Why a record's time axis cannot be analysed, or ``None`` when it is fine.

    Returns ``("backwards", k)`` when time decreases from sample ``k`` to ``k + 1`` (the first
    place), ``("flat", 0)`` when it never advances; callers word the message for their input
    (an array, or a file's rows).

    Parameters
    ----------
    time_s : numpy.ndarray of float
        Time [s].

    Returns
    -------
    tuple of (str, int) or None
        The problem and the sample index where it starts, or ``None``.
    """
    steps = np.diff(time_s)
    if np.any(steps < 0):
        return "backwards", int(np.argmax(steps < 0))
    if time_s.size > 1 and time_s[-1] <= time_s[0]:
        return "flat", 0
    return None


def check_time_order(
    time_s: np.ndarray, backwards: Callable[[int], str], flat: Callable[[], str]
) -> None:
    """Raise :class:`DataFormatError` when the time axis cannot be analysed
    (:func:`time_order_problem`), with the caller's wording for its input.

    Parameters
    ----------
    time_s : numpy.ndarray of float
        Time [s].
    backwards : callable
        ``backwards(k)``: the message when time decreases from sample ``k`` to ``k + 1``.
    flat : callable
        ``flat()``: the message when time never advances.

    Raises
    ------
    DataFormatError
        With the message of the problem found.
    """
    problem = time_order_problem(time_s)
    if problem is not None:
        kind, k = problem
        raise DataFormatError(backwards(k) if kind == "backwards" else flat())
