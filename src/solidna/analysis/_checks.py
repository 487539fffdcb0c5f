"""Input checks shared by the analysis modules (one definition, one message style)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from solidna._docstrings import fill_doc

# real_number lives in solidna.errors (one check of a number for every layer); re-exported for
# the analysis modules that import their checks from here
from solidna.errors import DataFormatError, OutOfRangeError, real_number

__all__ = [
    "MAX_CELL_VOLTAGE_V",
    "MAX_RECORD_VOLTAGE_V",
    "MIN_TEMPERATURE_K",
    "as_real_1d",
    "as_real_columns",
    "check_cell_voltage",
    "check_same_length",
    "check_temperature_K",
    "check_time_order",
    "float_array",
    "real_number",
    "spectrum_pairs",
    "time_order_problem",
]

#: Lowest temperature [K] the analyses accept: 150 K (-123 degC). Sodium-metal and solid
#: electrolyte cells are measured between about -40 and 100 degC (233-373 K; the paper's Fig. 3g
#: spans 10-80 degC); no electrochemical test of such a cell runs below 150 K. Every temperature a
#: user might type in degC by mistake for one in K (up to 150 degC) lies below it, where it would
#: otherwise give a wrong activation energy or exchange current without a word.
MIN_TEMPERATURE_K: float = 150.0

#: Largest |voltage| [V] accepted from one cell: 20 V. Cyclers stop a cell at 10 V at most (the
#: pristine Na|Na cell of Fig. 4h runs into that limit; Na full cells stay below 5 V); a larger
#: number is a voltage in mV, or another column (current, capacity) passed as the voltage.
MAX_CELL_VOLTAGE_V: float = 20.0

#: Largest |voltage| [V] accepted from a cycling record of a full cell or a module: 100 V. A few
#: cells in series are cycled too (a 13-cell module reaches ~55 V), while a 2-4 V cell's voltage
#: in mV reads 2000-4000: this still catches it.
MAX_RECORD_VOLTAGE_V: float = 100.0


@fill_doc
def as_real_1d(name: str, values, min_points: int = 1, allow_scalar: bool = False) -> np.ndarray:
    """Return ``values`` as a finite 1-D float array, or raise :class:`DataFormatError`.

    ``allow_scalar`` turns a single number into a one-element array.

    Parameters
    ----------
    %(argument_name)s
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


@fill_doc
def check_temperature_K(name: str, values) -> np.ndarray:
    """Refuse temperatures below :data:`MIN_TEMPERATURE_K` (most likely degC given as K).

    Parameters
    ----------
    %(argument_name)s
    values : numpy.ndarray of float
        Temperature(s) [K], already finite.

    Returns
    -------
    numpy.ndarray
        ``values``, unchanged [K].

    Raises
    ------
    OutOfRangeError
        Any temperature below :data:`MIN_TEMPERATURE_K`.
    """
    arr = np.asarray(values, dtype=float)
    if arr.size and float(np.min(arr)) < MIN_TEMPERATURE_K:
        low = float(np.min(arr))
        raise OutOfRangeError(
            f"{name} must be in kelvin, at least {MIN_TEMPERATURE_K:g} K; got {low:g} K. "
            f"A value this low is most likely degC: pass {low + 273.15:g} K "
            "(K = degC + 273.15)."
        )
    return arr


@fill_doc
def spectrum_pairs(name: str, spectra) -> list[tuple[object, object]]:
    """Check that ``spectra`` is a sequence of ``(frequency_Hz, impedance)`` pairs.

    Parameters
    ----------
    %(argument_name)s
    spectra : iterable
        One ``(frequency_Hz, impedance)`` pair per spectrum.

    Returns
    -------
    list of tuple
        The pairs, unchanged (their arrays are checked by the analysis of each spectrum).

    Raises
    ------
    DataFormatError
        ``spectra`` is not iterable, or an entry is not a pair.
    """
    try:
        items = list(spectra)
    except TypeError as exc:
        raise DataFormatError(
            f"{name} must be a list of (frequency_Hz, impedance) pairs; got "
            f"{type(spectra).__name__}. Example: [(f1, z1), (f2, z2)]."
        ) from exc
    for k, item in enumerate(items):
        if isinstance(item, str | bytes) or not hasattr(item, "__len__") or len(item) != 2:
            size = len(item) if hasattr(item, "__len__") else "no"
            raise DataFormatError(
                f"{name}[{k}] must be a (frequency_Hz, impedance) pair; got "
                f"{type(item).__name__} with {size} entries. Pass one pair per spectrum, e.g. "
                "[(f1, z1), (f2, z2)], with z complex (Z_re + 1j*Z_im)."
            )
    return [(item[0], item[1]) for item in items]


@fill_doc
def check_cell_voltage(
    name: str,
    voltage_V: np.ndarray,
    limit_V: float = MAX_CELL_VOLTAGE_V,
    limit_reason: str | None = None,
) -> np.ndarray:
    """Refuse a voltage that cannot be in volts: beyond ``limit_V`` it is millivolts, or another
    column (current, capacity) passed as the voltage. NaN and inf are left to the callers' own
    checks.

    Parameters
    ----------
    %(argument_name)s
    voltage_V : numpy.ndarray of float
        Cell voltage [V].
    limit_V : float, optional
        Largest |voltage| [V]: :data:`MAX_CELL_VOLTAGE_V` (one cell, the default),
        :data:`MAX_RECORD_VOLTAGE_V` (a full cell's or a module's cycling record), or a limit
        of the caller's own (1.5 times a cycler's protection, with ``limit_reason``).
    limit_reason : str, optional
        What ``limit_V`` is, for the message (``"1.5 x the cycler's 10 V protection"``);
        default: the cell or module that ``limit_V`` is the largest voltage of.

    Returns
    -------
    numpy.ndarray
        ``voltage_V``, unchanged [V].

    Raises
    ------
    DataFormatError
        Any finite |voltage| above ``limit_V``.
    """
    finite = np.abs(np.asarray(voltage_V, dtype=float))
    finite = finite[np.isfinite(finite)]
    v_max = float(finite.max()) if finite.size else 0.0
    if v_max > limit_V:
        if limit_reason is None:
            driven = "any single cell" if limit_V <= MAX_CELL_VOLTAGE_V else "a cell or module"
            limit_reason = f"{driven} is driven to"
        raise DataFormatError(
            f"{name} reaches {v_max:.4g} V, beyond the {limit_V:g} V {limit_reason}: {name} "
            "must be in volts (a voltage in mV: divide by 1000), and the voltage and current "
            "columns must not be swapped."
        )
    return voltage_V


@fill_doc
def float_array(name: str, values, unit: str) -> np.ndarray:
    """``values`` as a float array of any shape (NaN kept), or :class:`DataFormatError`.

    Parameters
    ----------
    %(argument_name)s
    values : array_like of float
        A number or an array of numbers.
    unit : str
        The unit the numbers are in (for the message), e.g. ``"A/m2"``.

    Returns
    -------
    numpy.ndarray
        The values as floats, in ``unit`` (unchanged).
    """
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(
            f"{name} must be a number or an array of numbers in {unit}; got {values!r} ({exc})."
        ) from exc
