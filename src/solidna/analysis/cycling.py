"""Metrics of galvanostatic plating/stripping of symmetric Na cells (paper Fig. 4h and S18).

The same functions read a simulated :class:`Result` and a researcher's cycler export: each takes
plain arrays of time in s, voltage in V and current density in A/m2 (1 mA/cm2 = 10 A/m2).

Sign convention: positive current density strips Na from the working electrode (anodic) and
gives a positive cell voltage; negative current plates it. A **half cycle** is one uninterrupted
stretch of current of one sign; rests (``|i|`` below a threshold) separate nothing but themselves
and are excluded. A **cycle** is one stripping plus one plating half cycle: a new cycle starts with
every half cycle that has the sign of the test's first half cycle, so it holds whichever comes
first in the protocol. Where the file has the instrument's cycle index (the tidy table's
``"Cycle number"``), pass it as ``cycle_index``: each half cycle then belongs to the instrument's
cycle at its first sample, so the cycles are numbered as the instrument (and every export of the
same test) numbers them.

Overpotential (the definition the simulator and the reproduction use; verbatim in
:func:`per_cycle_overpotential`): the half-cycle overpotential is the median of ``|V|`` over the
last ``window`` fraction (default 10 %) of that half cycle's duration (the plateau a reader takes
from the figure, robust to noise); the cycle overpotential is the mean of its stripping and
plating half-cycle overpotentials.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from solidna.analysis._checks import (
    MAX_CELL_VOLTAGE_V,
    as_real_columns,
    check_cell_voltage,
    check_time_order,
    float_array,
    real_number,
)
from solidna.errors import (
    DataFormatError,
    InvalidOptionError,
    SolidnaWarning,
    check_flag,
    user_stacklevel,
)

__all__ = [
    "CyclingEvent",
    "PER_CYCLE_COLUMNS",
    "split_half_cycles",
    "complete_half_cycles",
    "per_cycle_overpotential",
    "time_to_voltage",
    "detect_runaway",
    "detect_short_circuit",
    "REST_FRACTION",
    "REST_OFF_FRACTION",
    "GLITCH_MAX_SAMPLES",
    "GLITCH_FRACTION",
    "COMPLETE_DURATION_FRACTION",
    "SHORTEST_HALF_CYCLE_S",
    "RUNAWAY_VOLTAGE_LIMIT_V",
    "RUNAWAY_GROWTH_FACTOR",
    "SHORT_COLLAPSE_FRACTION",
    "SHORT_REFERENCE_HALF_CYCLES",
    "NOT_SYMMETRIC_VOLTAGE_V",
    "NOT_SYMMETRIC_OFFSET_V",
    "not_a_symmetric_cell",
    "rest_threshold",
]

#: Default rest threshold, as a fraction of the typical applied current (the 90th percentile of
#: |i|): 5 %. Cyclers hold the set current within 0.1-1 % and read ~0 during rests, so 5 % separates
#: the two with a wide margin whatever the current density.
REST_FRACTION: float = 0.05

#: Hysteresis of the rest threshold: once a half cycle has started (|i| above REST_FRACTION), it
#: goes on while the current keeps its sign and |i| stays above 0.5 % of the typical current. So
#: the constant-voltage tail of a CC-CV charge, whose current decays through the 5 % threshold and
#: crosses it again and again, stays in its half cycle (one CC-CV charge once became 132 "cycles",
#: issue 10), while a rest (a cycler reads below 0.1 % there) still ends it.
REST_OFF_FRACTION: float = 0.005

#: A run of current with at most GLITCH_MAX_SAMPLES samples that lasts less than GLITCH_FRACTION
#: (10 %) of the median run is a glitch (a sample or two of overshoot when a cycler switches
#: direction) and is ignored: a real half cycle has many samples, and one that short and that
#: sparsely sampled could not be analysed anyway.
GLITCH_MAX_SAMPLES: int = 2
GLITCH_FRACTION: float = 0.1

#: The last half cycle counts as complete when the data go on with another sign or a rest, or when
#: it lasted (plus one sample interval) at least this fraction (99 %) of the median duration of the
#: other half cycles of its sign (a simulation that stops exactly at the end of a half cycle; 1 %
#: allows for timing jitter). Of its sign: a full cell's discharge is shorter than its charge by
#: the coulombic efficiency, so against all half cycles a record ending on a complete discharge at
#: 90 % efficiency lost its last discharge.
COMPLETE_DURATION_FRACTION: float = 0.99

#: Median half-cycle duration [s] below which the time axis is taken for hours (a warning): 20 s.
#: The paper's half cycles last 0.5-2 h (Fig. 4h, S18; 10-20 h for the full cells of Fig. 5), and a
#: galvanostatic half cycle of a battery lasts a minute at the least (36 s at 100 C); a time in
#: hours passed as seconds makes a 10-h half cycle last "10 s" and every capacity 3600 times too
#: small. (Pulses of a few seconds, HPPC, are not cycles; they get the warning.)
SHORTEST_HALF_CYCLE_S: float = 20.0

#: Default |V| limit of :func:`detect_runaway`: 1 V, an order of magnitude above the 80-150 mV
#: plateaus of a healthy M-Na|M-Na cell (Fig. 4h) and far below the ~10 V the failing Na|Na cell
#: reached (probably the instrument's compliance, physics brief section 6).
RUNAWAY_VOLTAGE_LIMIT_V: float = 1.0

#: Default growth factor of :func:`detect_runaway`: a cycle overpotential three times that of the
#: first cycle. The healthy cell grew 1.9x in 4000 h (80 -> 150 mV), so 3x marks a runaway.
RUNAWAY_GROWTH_FACTOR: float = 3.0

#: A half cycle is a short circuit when its median |V| falls below this fraction (20 %) of the
#: median over the preceding half cycles: a dendrite bridging the electrolyte takes the current
#: through metal, so |V| collapses by an order of magnitude, while a healthy plateau drifts by tens
#: of per cent at most between half cycles.
SHORT_COLLAPSE_FRACTION: float = 0.2

#: Number of preceding half cycles whose median |V| forms the reference of the short test.
SHORT_REFERENCE_HALF_CYCLES: int = 5

#: Columns of :func:`per_cycle_overpotential` (indexed by ``"Cycle number"``).
PER_CYCLE_COLUMNS = (
    "Time [h]",
    "Overpotential [mV]",
    "Stripping overpotential [mV]",
    "Plating overpotential [mV]",
)
_HALF_CYCLE_COLUMNS = [
    "Half cycle",
    "Cycle number",
    "Kind",
    "Sign",
    "Start index",
    "End index",
    "Start time [s]",
    "End time [s]",
    "Duration [s]",
    "Current density [A.m-2]",
    "Complete",
]


@dataclass(frozen=True)
class CyclingEvent:
    """An event found in a cycling record.

    Attributes
    ----------
    kind : str
        ``"voltage_limit"``, ``"growth"`` or ``"short_circuit"``.
    time_s : float
        When it happened, in s from the start of the record.
    cycle : int or None
        Cycle number it belongs to (None when the record has no half cycles, e.g. voltage only).
    value_V : float
        The voltage that triggered it, in V (|V| at the crossing, or the half-cycle overpotential
        or median).
    detail : str
        Human-readable description with the criterion.
    """

    kind: str
    time_s: float
    cycle: int | None
    value_V: float
    detail: str


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------
def _checked(time_s, **columns) -> tuple[np.ndarray, ...]:
    t, *rest = as_real_columns(2, time_s=time_s, **columns)
    check_time_order(
        t,
        lambda k: (
            f"the time must not decrease; it goes from {t[k]:.6g} s to {t[k + 1]:.6g} s at index "
            f"{k + 1}. Sort the record by time (or concatenate files in order)."
        ),
        lambda: "the time spans no time (all values equal); pass a real record.",
    )
    if "voltage_V" in columns:
        check_cell_voltage("voltage_V", rest[list(columns).index("voltage_V")])
    return (t, *rest)


def _check_voltage_level(name: str, value_V: float) -> None:
    """Refuse a voltage level no cell reaches (:data:`MAX_CELL_VOLTAGE_V`): most likely mV."""
    if value_V > MAX_CELL_VOLTAGE_V:
        raise InvalidOptionError(
            f"{name} = {value_V:g} V lies beyond the {MAX_CELL_VOLTAGE_V:g} V any single cell "
            f"reaches, so it could never be met: pass volts ({value_V:g} mV is "
            f"{value_V / 1e3:g} V)."
        )


def _check_window(window: float) -> float:
    w = real_number("window", window, "fraction of the half cycle", "Default 0.1.")
    if not (0 < w <= 1):
        raise InvalidOptionError(
            f"window is the fraction of each half cycle's duration to read the plateau from and "
            f"must lie in (0, 1]; got {window!r}. Default 0.1 (the last 10 %)."
        )
    return w


#: Least |voltage| [V] that a record must hold at every row carrying current, while the current
#: runs both ways, to be taken for a full or half cell rather than a symmetric one. A Na|Na cell's
#: voltage is its overpotential and changes sign with the current (its open-circuit voltage is
#: 0); a full or half cell keeps the sign of its open-circuit voltage, ~2-4 V here. 0.5 V lies
#: far above any offset a symmetric cell reads near 0 V, and a symmetric cell polarised beyond it
#: (pristine Na near its 10 V limit) still changes sign with the current.
NOT_SYMMETRIC_VOLTAGE_V: float = 0.5
#: Least median |voltage| [V], in each direction of the current, of a record whose voltage keeps
#: one sign at every row carrying current, to be taken for no symmetric cell. A working
#: electrode against a reference (CH Instruments' chronopotentiometry in ecat's public examples,
#: MIT: 0.38-1.08 V both ways) sits below :data:`NOT_SYMMETRIC_VOLTAGE_V` at times, yet never
#: changes sign; a Na|Na cell's offset at 0 A is a few mV, its overpotential changes sign.
NOT_SYMMETRIC_OFFSET_V: float = 0.2


def not_a_symmetric_cell(voltage_V, current) -> str | None:
    """Why a record cannot be a symmetric (Na|Na) cell, or None.

    The current runs both ways (at least 5 % of the rows that carry it, each way) while the
    voltage keeps one sign and stays beyond :data:`NOT_SYMMETRIC_VOLTAGE_V`: a full or half cell,
    whose "overpotential" read as a symmetric cell's would be its cell voltage (3755 mV for a
    3.7 V cell). Or the voltage keeps one sign with its median beyond
    :data:`NOT_SYMMETRIC_OFFSET_V` each way: an electrode against a reference (845 mV
    "overpotential" for a working electrode held at 0.38-1.08 V).

    Parameters
    ----------
    voltage_V : array_like of float
        Cell voltage [V].
    current : array_like of float
        Current or current density, any unit (only its sign and size relative to the typical
        value are used).

    Returns
    -------
    str or None
        The reason, for an error or a note; None when the record can be a symmetric cell.
    """
    v = np.asarray(voltage_V, dtype=float)
    i = np.asarray(current, dtype=float)
    ok = np.isfinite(v) & np.isfinite(i)
    v, i = v[ok], i[ok]
    threshold = rest_threshold(i)
    flowing = np.abs(i) > threshold
    if not threshold > 0 or flowing.sum() < 2:
        return None
    positive = float(np.mean(i[flowing] > 0))
    if min(positive, 1 - positive) < 0.05:
        return None
    vf, up = v[flowing], i[flowing] > 0
    beyond = np.all(vf > NOT_SYMMETRIC_VOLTAGE_V) or np.all(vf < -NOT_SYMMETRIC_VOLTAGE_V)
    one_sign = np.all(vf > 0) or np.all(vf < 0)
    offset = min(float(np.median(np.abs(vf[up]))), float(np.median(np.abs(vf[~up]))))
    if not (beyond or (one_sign and offset > NOT_SYMMETRIC_OFFSET_V)):
        return None
    return (
        f"the voltage stays between {vf.min():.3g} and {vf.max():.3g} V while the current runs "
        "both ways: a full or half cell, or an electrode against a reference (its voltage keeps "
        "one sign), not a symmetric Na|Na cell, whose voltage is its overpotential and changes "
        "sign with the current"
    )


def rest_threshold(current) -> float:
    """The current below which a row counts as a rest: :data:`REST_FRACTION` of the typical
    applied current (the 90th percentile of ``|i|``, NaN ignored); 0 when no current flows.

    Parameters
    ----------
    current : array_like of float
        Current or current density, any unit.

    Returns
    -------
    float
        The threshold, in the unit of ``current``.
    """
    i = np.abs(float_array("current", current, "the current's unit"))
    if i.size and np.all(np.isnan(i)):
        return 0.0
    return float(REST_FRACTION * np.nanpercentile(i, 90)) if i.size else 0.0


# --------------------------------------------------------------------------------------------
# Half cycles
# --------------------------------------------------------------------------------------------
def split_half_cycles(
    time_s,
    current_density_A_m2,
    rest_threshold_A_m2: float | None = None,
    cycle_index=None,
) -> pd.DataFrame:
    """Split a galvanostatic record into constant-sign current segments (half cycles).

    A half cycle is a maximal run of samples whose current has one sign and
    ``|i| >= rest_threshold_A_m2``; rests between them are excluded. A change of current magnitude
    without a change of sign or a rest does not start a new half cycle. Runs of at most
    :data:`GLITCH_MAX_SAMPLES` samples lasting less than :data:`GLITCH_FRACTION` of the median run
    (switching glitches) are ignored, except the last one, and the half cycle a glitch interrupted
    is joined up again.

    Parameters
    ----------
    time_s : array_like of float
        Time in s, non-decreasing.
    current_density_A_m2 : array_like of float
        Current density in A/m2 (positive = stripping from the working electrode).
    rest_threshold_A_m2 : float, optional
        A half cycle starts where ``|i|`` reaches this and goes on, with hysteresis, while the
        current keeps its sign and ``|i|`` stays above :data:`REST_OFF_FRACTION` /
        :data:`REST_FRACTION` (a tenth) of it, so a CV tail stays in its half cycle. Default:
        :data:`REST_FRACTION` (5 %) of the 90th percentile of ``|i|``.
    cycle_index : array_like of int, optional
        The instrument's cycle number per sample (the tidy table's ``"Cycle number"``). When
        given, each half cycle's ``"Cycle number"`` is the instrument's at its first sample;
        without it, a new cycle starts with each half cycle of the sign of the first one.

    Returns
    -------
    pandas.DataFrame
        One row per half cycle with columns ``"Half cycle"`` (1, 2, ...), ``"Cycle number"``,
        ``"Kind"`` (``"stripping"``/``"plating"``), ``"Sign"`` (+1/-1), ``"Start index"``,
        ``"End index"`` (inclusive), ``"Start time [s]"``, ``"End time [s]"``, ``"Duration [s]"``,
        ``"Current density [A.m-2]"`` (median) and ``"Complete"`` (False only for a final half
        cycle that the record cuts short). Empty (with these columns) if there is no current.
    """
    if cycle_index is None:
        t, i = _checked(time_s, current_density_A_m2=current_density_A_m2)
    else:
        t, i, cyc = _checked(
            time_s, current_density_A_m2=current_density_A_m2, cycle_index=cycle_index
        )
        if np.any(cyc != np.round(cyc)):
            k = int(np.flatnonzero(cyc != np.round(cyc))[0])
            raise DataFormatError(
                f"cycle_index must hold whole cycle numbers; got {cyc[k]!r} at index {k}. Pass "
                "the instrument's cycle column, or None to count cycles from the current."
            )
    if rest_threshold_A_m2 is None:
        threshold = rest_threshold(i)
    else:
        threshold = real_number(
            "rest_threshold_A_m2", rest_threshold_A_m2, "A/m2", "1 mA/cm2 = 10 A/m2."
        )
        if not threshold >= 0:
            raise InvalidOptionError(
                f"rest_threshold_A_m2 must be >= 0 A/m2; got {rest_threshold_A_m2!r}. "
                "1 mA/cm2 = 10 A/m2."
            )
    sign = _hysteresis_sign(i, threshold, REST_OFF_FRACTION / REST_FRACTION * threshold)
    edges = np.flatnonzero(np.diff(sign)) + 1
    starts = np.concatenate([[0], edges])
    ends = np.concatenate([edges - 1, [i.size - 1]])

    def end_time(b: int) -> float:
        # A half cycle ends when the next one (or the rest) begins: the first sample after it.
        return float(t[b + 1] if b + 1 < t.size else t[b])

    raw = [(int(a), int(b), int(sign[a])) for a, b in zip(starts, ends, strict=True) if sign[a]]
    if raw:
        # Drop glitches (a sample or two of reversed current at a switch), except the last
        # segment, then re-join the half cycle a glitch had split.
        durations = np.array([end_time(b) - t[a] for a, b, _ in raw])
        n_samples = np.array([b - a + 1 for a, b, _ in raw])
        short = (n_samples <= GLITCH_MAX_SAMPLES) & (
            durations < GLITCH_FRACTION * float(np.median(durations))
        )
        kept = [seg for seg, g in zip(raw, short, strict=True) if not g] + (
            [raw[-1]] if short[-1] else []
        )
        merged: list[tuple[int, int, int]] = []
        for a, b, s_ in kept:
            if merged and merged[-1][2] == s_ and np.all(sign[merged[-1][1] + 1 : a] != 0):
                merged[-1] = (merged[-1][0], b, s_)
            else:
                merged.append((a, b, s_))
        raw = merged
    if not raw:
        return pd.DataFrame(columns=_HALF_CYCLE_COLUMNS)
    # columns built as arrays (a 4000-h record has 4000 half cycles)
    a_idx, b_idx, signs = (np.array(col, dtype=np.int64) for col in zip(*raw, strict=True))
    after = np.minimum(b_idx + 1, t.size - 1)  # a half cycle ends where the next one begins
    frame = pd.DataFrame(
        {
            "Half cycle": np.arange(1, len(raw) + 1),
            # a new cycle starts with each half cycle of the first one's sign
            "Cycle number": np.cumsum(signs == signs[0]),
            "Kind": np.where(signs > 0, "stripping", "plating"),
            "Sign": signs,
            "Start index": a_idx,
            "End index": b_idx,
            "Start time [s]": t[a_idx],
            "End time [s]": t[after],
            "Current density [A.m-2]": [float(np.median(i[a : b + 1])) for a, b, _ in raw],
        }
    )
    if cycle_index is not None:
        frame["Cycle number"] = cyc[frame["Start index"].to_numpy()].astype(np.int64)
    frame["Duration [s]"] = frame["End time [s]"] - frame["Start time [s]"]
    complete = np.ones(len(frame), dtype=bool)
    last_end = int(frame["End index"].iloc[-1])
    if last_end == i.size - 1:
        # The record stops inside the last half cycle: complete only if it lasted as long as the
        # others (a simulation that ends exactly at the switch).
        # Its duration lacks the one sample interval that the others get from the next sample.
        others = frame["Duration [s]"].iloc[:-1]
        same_sign = others[frame["Sign"].iloc[:-1] == frame["Sign"].iloc[-1]]
        others = same_sign if not same_sign.empty else others
        a = int(frame["Start index"].iloc[-1])
        dt = float(np.median(np.diff(t[a:]))) if i.size - a > 1 else 0.0
        if others.empty:
            complete[-1] = False
        else:
            complete[-1] = bool(
                frame["Duration [s]"].iloc[-1] + dt >= COMPLETE_DURATION_FRACTION * others.median()
            )
    frame["Complete"] = complete
    return frame[_HALF_CYCLE_COLUMNS].reset_index(drop=True)


def _hysteresis_sign(i: np.ndarray, on: float, off: float) -> np.ndarray:
    """Sign of the current per sample (0 = rest) with hysteresis between ``off`` and ``on``.

    A sample with ``off <= |i| < on`` keeps the sign of the half cycle it continues (a run of one
    sign that reaches ``on`` somewhere); a run that never reaches ``on`` is rest.
    """
    strong = np.where(np.abs(i) >= on, np.sign(i), 0).astype(int)
    cand = np.where(np.abs(i) >= min(off, on), np.sign(i), 0).astype(int)
    if cand.size == 0:
        return cand
    run = np.r_[0, np.cumsum(cand[1:] != cand[:-1])]
    has_strong = np.bincount(run, weights=(strong != 0).astype(float)) > 0
    return np.where(has_strong[run], cand, 0).astype(int)


def complete_half_cycles(
    time_s: np.ndarray,
    current: np.ndarray,
    rest_threshold: float | None = None,
    cycle_index=None,
) -> pd.DataFrame:
    """The half cycles to analyse: those of :func:`split_half_cycles` without an incomplete
    last one (unless no half cycle is complete).

    Parameters
    ----------
    time_s : numpy.ndarray
        Time in s, non-decreasing.
    current : numpy.ndarray
        Current or current density (any unit; only its sign and size relative to the typical
        current matter).
    rest_threshold : float, optional
        |current| below which a sample is a rest, in the unit of ``current``; default
        :data:`REST_FRACTION` of the typical current.
    cycle_index : array_like, optional
        The instrument's cycle number per sample; ``None`` counts cycles.

    Raises
    ------
    DataFormatError
        No current flows (no half cycle at all).
    """
    return _analysable(split_half_cycles(time_s, current, rest_threshold, cycle_index))


def _analysable(halves: pd.DataFrame, check_time_unit: bool = True) -> pd.DataFrame:
    """The half cycles of :func:`complete_half_cycles` from the whole split (one split serves
    every analysis of a record, so its short-half-cycle warning is said once); with
    ``check_time_unit=False`` without that warning (see :func:`per_cycle_overpotential`)."""
    if halves.empty:
        raise DataFormatError(
            "No current flows in the record (|current| below the rest threshold everywhere), so "
            "there are no half cycles. Check the current column and its units."
        )
    if not halves["Complete"].all() and halves["Complete"].any():
        halves = halves[halves["Complete"]]
    median_s = float(halves["Duration [s]"].median())
    if check_time_unit and 0 < median_s < SHORTEST_HALF_CYCLE_S:
        warnings.warn(
            f"the half cycles last {median_s:.3g} s (median), shorter than any galvanostatic "
            f"half cycle ({SHORTEST_HALF_CYCLE_S:g} s): is the time in hours or minutes? It is "
            "read in seconds: convert it (hours * 3600), or state the unit of a file's time "
            "column (a header such as 'Time [h]', or --column 'time=COLUMN [h]'); capacities and "
            "times would be off by that factor.",
            SolidnaWarning,
            stacklevel=user_stacklevel(),
        )
    return halves


def _half_cycle_overpotentials(t, v, halves: pd.DataFrame, window: float) -> np.ndarray:
    """Median |V| over the last ``window`` of each half cycle's duration, in V."""
    out = np.empty(len(halves))
    starts = halves["Start index"].to_numpy()
    ends = halves["End index"].to_numpy()
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        tt, vv = t[a : b + 1], np.abs(v[a : b + 1])
        t_end = tt[-1]
        t_from = t_end - window * (t_end - tt[0])
        sel = tt >= t_from - 1e-12 * max(abs(t_end), 1.0)
        out[k] = float(np.median(vv[sel])) if sel.any() else float(vv[-1])
    return out


def per_cycle_overpotential(
    time_s,
    voltage_V,
    current_density_A_m2,
    window: float = 0.1,
    rest_threshold_A_m2: float | None = None,
    cycle_index=None,
    check_time_unit: bool = True,
) -> pd.DataFrame:
    """Overpotential of each plating/stripping cycle of a symmetric cell.

    DEFINITION: the half-cycle overpotential is the median of |V| over the last `window` fraction
    (default 10 %) of that half cycle's duration (the plateau a reader takes from the figure,
    robust to noise); the cycle overpotential is the mean of its stripping and plating half-cycle
    overpotentials. Incomplete final half cycles are dropped, unless they are the only ones.

    A cycle whose other half cycle is missing (dropped as incomplete) takes the value of the half
    cycle it has. Half cycles are found by :func:`split_half_cycles`; they are numbered by the
    instrument's ``cycle_index`` where given, else counted (a new cycle with each half cycle of the
    first one's sign).

    Parameters
    ----------
    time_s : array_like of float
        Time in s, non-decreasing.
    voltage_V : array_like of float
        Cell voltage in V.
    current_density_A_m2 : array_like of float
        Current density in A/m2 (positive = stripping from the working electrode).
    window : float
        Fraction of each half cycle's duration, counted back from its end, in (0, 1].
    rest_threshold_A_m2 : float, optional
        Passed to :func:`split_half_cycles`.
    cycle_index : array_like of int, optional
        The instrument's cycle number per sample (the tidy table's ``"Cycle number"``), passed
        to :func:`split_half_cycles`; None counts the cycles.
    check_time_unit : bool
        Warn (:class:`~solidna.errors.SolidnaWarning`) when the half cycles last less than
        :data:`SHORTEST_HALF_CYCLE_S` (median), the mark of a time in hours or minutes read as
        seconds (default True, for a file's record). False where ``time_s`` is in seconds by
        construction, e.g. a simulated run whose short half cycles are what was asked for.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``"Cycle number"`` (1, 2, ..., or the instrument's numbers), columns ``"Time [h]"`` (end of the cycle),
        ``"Overpotential [mV]"``, ``"Stripping overpotential [mV]"``,
        ``"Plating overpotential [mV]"`` (NaN where that half cycle is missing).

    Raises
    ------
    DataFormatError
        Mismatched, non-finite or decreasing inputs, no current flows at all, or the record is
        not a symmetric cell's (:func:`not_a_symmetric_cell`).
    InvalidOptionError
        ``window`` outside (0, 1], or ``check_time_unit`` not True or False.
    """
    check_time_unit = check_flag(check_time_unit, "check_time_unit", default=True)
    t, v, i = _checked(time_s, voltage_V=voltage_V, current_density_A_m2=current_density_A_m2)
    halves = split_half_cycles(t, i, rest_threshold_A_m2, cycle_index)
    return _checked_overpotentials(t, v, i, halves, window, check_time_unit)


def _checked_overpotentials(
    t: np.ndarray,
    v: np.ndarray,
    i: np.ndarray,
    halves: pd.DataFrame,
    window: float,
    check_time_unit: bool = True,
) -> pd.DataFrame:
    """:func:`per_cycle_overpotential` of checked arrays and their half cycles
    (:func:`split_half_cycles`): the window checked, a record that is not a symmetric cell's
    refused."""
    window = _check_window(window)
    reason = not_a_symmetric_cell(v, i)
    if reason:
        # its "overpotential" would be its cell voltage (3440 mV for a 3.5 V cell)
        raise DataFormatError(
            f"per_cycle_overpotential reads a symmetric Na|Na cell: {reason}. For a full or half "
            "cell use solidna.analysis.metrics.galvanostatic_cycles."
        )
    return _overpotential_table(t, v, _analysable(halves, check_time_unit), window)


def _overpotential_table(
    t: np.ndarray, v: np.ndarray, halves: pd.DataFrame, window: float
) -> pd.DataFrame:
    """The table of :func:`per_cycle_overpotential` from checked arrays and the half cycles to
    analyse (:func:`complete_half_cycles`)."""
    eta = _half_cycle_overpotentials(t, v, halves, window)
    # Vectorised over cycles (a 4000-h record has 2000): with several half cycles of one sign in
    # a cycle (rests between them), their mean is taken.
    sign = halves["Sign"].to_numpy()
    cycles, where = np.unique(halves["Cycle number"].to_numpy(), return_inverse=True)

    def mean_of(sel: np.ndarray) -> np.ndarray:
        n = np.bincount(where[sel], minlength=len(cycles))
        total = np.bincount(where[sel], weights=1e3 * eta[sel], minlength=len(cycles))
        return np.divide(total, n, out=np.full(len(cycles), math.nan), where=n > 0)

    strip, plate = mean_of(sign > 0), mean_of(sign < 0)
    end_s = np.full(len(cycles), -np.inf)
    np.maximum.at(end_s, where, halves["End time [s]"].to_numpy(float))
    # the mean of the two halves, or the one a cycle has
    both = np.where(np.isnan(strip), plate, np.where(np.isnan(plate), strip, 0.5 * (strip + plate)))
    out = pd.DataFrame(
        dict(zip(PER_CYCLE_COLUMNS, (end_s / 3600.0, both, strip, plate), strict=True)),
        index=cycles,
    )
    out.index = out.index.astype(int)
    out.index.name = "Cycle number"
    return out.astype(float)


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------
def time_to_voltage(time_s, voltage_V, threshold_V: float) -> float | None:
    """First time at which ``|V|`` reaches ``threshold_V``, linearly interpolated, in s.

    Parameters
    ----------
    time_s, voltage_V : array_like of float
        Time in s (non-decreasing) and cell voltage in V, sample by sample.
    threshold_V : float
        Voltage magnitude in V (> 0), e.g. 1.0 for a runaway or the cycler's 10 V limit.

    Returns
    -------
    float or None
        Time in s (``time_s[0]`` if the record starts at or above the threshold), or None if
        ``|V|`` never reaches it.
    """
    t, v = _checked(time_s, voltage_V=voltage_V)
    thr = real_number("threshold_V", threshold_V, "V", "E.g. 1.0 for a runaway.")
    _check_voltage_level("threshold_V", thr)
    if not thr > 0:
        raise InvalidOptionError(
            f"threshold_V must be a voltage magnitude > 0 V; got {threshold_V!r}."
        )
    mag = np.abs(v)
    above = np.flatnonzero(mag >= thr)
    if above.size == 0:
        return None
    k = int(above[0])
    if k == 0:
        return float(t[0])
    # |V| crosses between samples k-1 (below) and k (at or above): interpolate linearly in |V|.
    m0, m1 = mag[k - 1], mag[k]
    frac = (thr - m0) / (m1 - m0) if m1 != m0 else 1.0
    return float(t[k - 1] + frac * (t[k] - t[k - 1]))


def detect_runaway(
    time_s,
    voltage_V,
    current_density_A_m2=None,
    voltage_limit_V: float | None = RUNAWAY_VOLTAGE_LIMIT_V,
    growth_factor: float | None = RUNAWAY_GROWTH_FACTOR,
    window: float = 0.1,
    rest_threshold_A_m2: float | None = None,
    cycle_index=None,
) -> list[CyclingEvent]:
    """Find voltage runaway: ``|V|`` beyond a limit, or overpotential growth beyond a factor.

    Two criteria, each switched off by passing None:

    * ``voltage_limit_V``: the first time ``|V| >= voltage_limit_V`` (:func:`time_to_voltage`),
      e.g. the pristine Na|Na cell of Fig. 4h heading for ~10 V after 16 h;
    * ``growth_factor`` (only when ``current_density_A_m2`` is given, since it needs the cycles):
      the first cycle whose overpotential
      (:func:`per_cycle_overpotential`) reaches ``growth_factor`` times that of the first cycle;
      its time is the end of that cycle.

    Parameters
    ----------
    time_s, voltage_V : array_like of float
        Time in s and cell voltage in V.
    current_density_A_m2 : array_like of float, optional
        Current density in A/m2; needed for the growth criterion and to number cycles.
    voltage_limit_V : float or None
        |V| limit in V (default :data:`RUNAWAY_VOLTAGE_LIMIT_V`, 1 V).
    growth_factor : float or None
        Growth factor over the first cycle (default :data:`RUNAWAY_GROWTH_FACTOR`, 3).
    window : float
        Plateau window of :func:`per_cycle_overpotential`.
    rest_threshold_A_m2 : float, optional
        Passed to :func:`split_half_cycles`.
    cycle_index : array_like of int, optional
        The instrument's cycle number per sample, to number the cycles as it does (used only
        with ``current_density_A_m2``).

    Returns
    -------
    list of CyclingEvent
        At most one event per criterion, sorted by time; empty if none triggers.
    """
    if voltage_limit_V is None and growth_factor is None:
        raise InvalidOptionError(
            "detect_runaway needs at least one criterion: pass voltage_limit_V (e.g. 1.0 V) or "
            "growth_factor (e.g. 3.0)."
        )
    if current_density_A_m2 is None:
        t, v = _checked(time_s, voltage_V=voltage_V)
        i = None
    else:
        t, v, i = _checked(time_s, voltage_V=voltage_V, current_density_A_m2=current_density_A_m2)
    halves = split_half_cycles(t, i, rest_threshold_A_m2, cycle_index) if i is not None else None
    limit = None
    if voltage_limit_V is not None:
        limit = real_number("voltage_limit_V", voltage_limit_V, "V", "Or None to switch it off.")
        _check_voltage_level("voltage_limit_V", limit)
        if not limit > 0:
            raise InvalidOptionError(
                f"voltage_limit_V must be > 0 V or None; got {voltage_limit_V!r}."
            )
    factor, table = None, None
    if growth_factor is not None and i is not None:
        factor = real_number("growth_factor", growth_factor, "-", "Or None to switch it off.")
        if not factor > 1:
            raise InvalidOptionError(f"growth_factor must be > 1 or None; got {growth_factor!r}.")
        # per_cycle_overpotential on the half cycles already split
        table = _checked_overpotentials(t, v, i, halves, window)
    return _runaway_events(t, v, halves, limit, factor, table)


def _runaway_events(
    t: np.ndarray,
    v: np.ndarray,
    halves: pd.DataFrame | None,
    limit_V: float | None,
    factor: float | None,
    table: pd.DataFrame | None,
) -> list[CyclingEvent]:
    """The events of :func:`detect_runaway` from checked arrays and criteria, the record's half
    cycles (or None) and its :func:`per_cycle_overpotential` table (None: no growth criterion)."""

    def cycle_at(time: float) -> int | None:
        if halves is None or halves.empty:
            return None
        started = halves[halves["Start time [s]"] <= time]
        return int(started["Cycle number"].iloc[-1]) if not started.empty else None

    events: list[CyclingEvent] = []
    if limit_V is not None:
        hit = time_to_voltage(t, v, limit_V)
        if hit is not None:
            events.append(
                CyclingEvent(
                    kind="voltage_limit",
                    time_s=hit,
                    cycle=cycle_at(hit),
                    value_V=limit_V,
                    detail=f"|V| reached {limit_V:g} V at {hit / 3600:.4g} h",
                )
            )
    if factor is not None and table is not None:
        eta = table["Overpotential [mV]"]
        base = float(eta.iloc[0])
        over = eta[eta >= factor * base] if base > 0 else eta.iloc[0:0]
        if not over.empty:
            cyc = int(over.index[0])
            events.append(
                CyclingEvent(
                    kind="growth",
                    time_s=float(table.loc[cyc, "Time [h]"]) * 3600.0,
                    cycle=cyc,
                    value_V=float(over.iloc[0]) / 1e3,
                    detail=(
                        f"cycle {cyc} overpotential {over.iloc[0]:.4g} mV >= {factor:g} x the first "
                        f"cycle's {base:.4g} mV"
                    ),
                )
            )
    return sorted(events, key=lambda e: e.time_s)


def detect_short_circuit(
    time_s,
    voltage_V,
    current_density_A_m2,
    collapse_fraction: float = SHORT_COLLAPSE_FRACTION,
    n_reference: int = SHORT_REFERENCE_HALF_CYCLES,
    rest_threshold_A_m2: float | None = None,
    cycle_index=None,
) -> list[CyclingEvent]:
    """Find short circuits: ``|V|`` collapsing to ~0 while current flows.

    A half cycle (complete or not) is flagged when its median ``|V|`` falls below
    ``collapse_fraction`` times the median of the medians of up to ``n_reference`` preceding half
    cycles. The event time is the first sample of that half cycle at which ``|V|`` is below the
    collapse level (the onset).

    Parameters
    ----------
    time_s, voltage_V, current_density_A_m2 : array_like of float
        Time in s, cell voltage in V, current density in A/m2.
    collapse_fraction : float
        Fraction of the reference |V| below which a half cycle counts as shorted (default 0.2).
    n_reference : int
        Number of preceding half cycles forming the reference (default 5).
    rest_threshold_A_m2 : float, optional
        Passed to :func:`split_half_cycles`.
    cycle_index : array_like of int, optional
        The instrument's cycle number per sample, to number the cycles as it does.

    Returns
    -------
    list of CyclingEvent
        One event per flagged half cycle, in time order; empty if none.
    """
    frac = real_number("collapse_fraction", collapse_fraction, "-", "Default 0.2.")
    if not (0 < frac < 1):
        raise InvalidOptionError(
            f"collapse_fraction must lie in (0, 1); got {collapse_fraction!r}. Default 0.2."
        )
    if int(n_reference) != n_reference or n_reference < 1:
        raise InvalidOptionError(f"n_reference must be a whole number >= 1; got {n_reference!r}.")
    t, v, i = _checked(time_s, voltage_V=voltage_V, current_density_A_m2=current_density_A_m2)
    halves = split_half_cycles(t, i, rest_threshold_A_m2, cycle_index)
    return _short_circuit_events(t, v, halves, frac, int(n_reference))


def _short_circuit_events(
    t: np.ndarray, v: np.ndarray, halves: pd.DataFrame, frac: float, n_reference: int
) -> list[CyclingEvent]:
    """The events of :func:`detect_short_circuit` from checked arrays and criteria and the
    record's half cycles."""
    medians = [
        float(np.median(np.abs(v[a : b + 1])))
        for a, b in zip(halves["Start index"], halves["End index"], strict=True)
    ]
    events: list[CyclingEvent] = []
    for k in range(1, len(medians)):
        ref = float(np.median(medians[max(0, k - n_reference) : k]))
        level = frac * ref
        if ref > 0 and medians[k] < level:
            row = halves.iloc[k]
            a, b = int(row["Start index"]), int(row["End index"])
            below = np.flatnonzero(np.abs(v[a : b + 1]) < level)
            onset = float(t[a + int(below[0])])
            events.append(
                CyclingEvent(
                    kind="short_circuit",
                    time_s=onset,
                    cycle=int(row["Cycle number"]),
                    value_V=medians[k],
                    detail=(
                        f"half cycle {int(row['Half cycle'])} ({row['Kind']}): median |V| "
                        f"{1e3 * medians[k]:.3g} mV < {frac:g} x {1e3 * ref:.3g} mV of the "
                        f"preceding half cycles"
                    ),
                )
            )
    return events


def _symmetric_record(
    time_s: np.ndarray,
    voltage_V: np.ndarray,
    current_density_A_m2: np.ndarray,
    window: float,
    cycle_index=None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[CyclingEvent]]:
    """The half cycles (:func:`split_half_cycles`), the per-cycle overpotential
    (:func:`per_cycle_overpotential`) and the events (:func:`detect_runaway` and
    :func:`detect_short_circuit` at their default criteria) of a plating/stripping record,
    from one split: what ``solidna analyze --kind symmetric`` reports, each warning said once.

    The caller has checked that the record is a symmetric cell's (:func:`not_a_symmetric_cell`,
    with its own message).

    Parameters
    ----------
    time_s, voltage_V, current_density_A_m2 : numpy.ndarray of float
        Time [s], cell voltage [V] and current density [A/m2], sample by sample.
    window : float
        Plateau window of :func:`per_cycle_overpotential` (fraction of each half cycle).
    cycle_index : array_like of int, optional
        The instrument's cycle number per sample; None counts the cycles.

    Returns
    -------
    tuple
        ``(half_cycles, per_cycle, events)``: the two tables and the events in time order
        (runaway first, then short circuits, as the two functions return them).
    """
    window = _check_window(window)
    t, v, i = _checked(time_s, voltage_V=voltage_V, current_density_A_m2=current_density_A_m2)
    halves = split_half_cycles(t, i, None, cycle_index)
    table = _overpotential_table(t, v, _analysable(halves), window)
    events = _runaway_events(
        t, v, halves, RUNAWAY_VOLTAGE_LIMIT_V, RUNAWAY_GROWTH_FACTOR, table
    ) + _short_circuit_events(t, v, halves, SHORT_COLLAPSE_FRACTION, SHORT_REFERENCE_HALF_CYCLES)
    return halves, table, events
