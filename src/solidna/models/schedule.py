"""Piecewise current schedules as PyBaMM expressions, and output times that avoid the switches.

Shared by every cell model: a schedule is a list of segments (``start_s``, ``end_s``,
``current_density_A_m2``, ``half_cycle_s``; see :class:`solidna.protocols.ScheduleSegment`),
each constant or a square wave that starts with the positive half cycle. The switch times are
passed to IDAKLU as ``t_eval`` breakpoints, so each constant-current interval is integrated
without stepping across a discontinuity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pybamm

__all__ = [
    "SQUARE_WAVE_INPUTS",
    "current_expression",
    "interp_times",
    "square_wave_current",
    "square_wave_inputs",
    "switch_times",
]


def switch_times(segments: Sequence) -> np.ndarray:
    """All times [s] at which the current of the schedule may change.

    Parameters
    ----------
    segments : sequence of ScheduleSegment
        The schedule.

    Returns
    -------
    numpy.ndarray
        Sorted unique switch times [s].
    """
    return np.unique(np.concatenate([s.switch_times() for s in segments]))


def current_expression(segments: Sequence, area_m2: float):
    """Current [A] as a PyBaMM expression of time for a piecewise schedule.

    Parameters
    ----------
    segments : sequence of ScheduleSegment
        The schedule (times [s], current densities [A.m-2]).
    area_m2 : float
        Electrode area [m2].

    Returns
    -------
    callable
        ``t [s] -> current [A]`` as a PyBaMM expression.
    """

    def current(t):
        total = pybamm.Scalar(0)
        for seg in segments:
            if seg.current_density_A_m2 == 0:
                continue
            window = (t >= seg.start_s) * (t < seg.end_s)
            amp = abs(seg.current_density_A_m2) * area_m2
            if seg.half_cycle_s is not None:
                phase = pybamm.Modulo(t - seg.start_s, 2 * seg.half_cycle_s)
                window = window * (1 - 2 * (phase >= seg.half_cycle_s))
            if seg.current_density_A_m2 < 0:
                # -1 inside the window, written as 1 - 2 H(t - start): a negative scalar factor
                # would be simplified by PyBaMM into the negation of a boolean (Heaviside) node,
                # which NumPy refuses to evaluate
                window = window * (1 - 2 * (t >= seg.start_s))
            total = total + window * amp
        return total

    return current


#: Input parameters of :func:`square_wave_current`: amplitude [A] (signed: the current of the
#: first half cycle), half cycle [s], start and end [s] of the wave.
SQUARE_WAVE_INPUTS = (
    "Square-wave current [A]",
    "Square-wave half cycle [s]",
    "Square-wave start [s]",
    "Square-wave end [s]",
)


def square_wave_current(t):
    """Current [A] of one square-wave segment with its amplitude, half cycle, start and end as
    PyBaMM input parameters (:data:`SQUARE_WAVE_INPUTS`), so that one discretised model serves
    every current density and half cycle (e.g. the points of a sweep).

    Equal to :func:`current_expression` of the same segment, value for value: the wave starts
    with the positive half cycle at the start and is zero from the end on. The switch times are
    not constants of the expression, so PyBaMM cannot find them: pass them as ``t_eval``
    (:func:`switch_times`), where IDAKLU stops and restarts the integration.

    Parameters
    ----------
    t : pybamm.Symbol
        Time [s].

    Returns
    -------
    pybamm.Symbol
        Current [A].
    """
    amp, half, start, end = (pybamm.InputParameter(name) for name in SQUARE_WAVE_INPUTS)
    phase = pybamm.Modulo(t - start, 2 * half)
    # "t - start >= 0" and "end - t > 0" rather than "t >= start" and "t < end": the same tests,
    # written so that PyBaMM does not make them discontinuity events (both are t_eval points)
    return amp * (t - start >= 0) * (end - t > 0) * (1 - 2 * (phase >= half))


def square_wave_inputs(segment, area_m2: float) -> dict[str, float]:
    """Values of :data:`SQUARE_WAVE_INPUTS` for one square-wave ``segment``
    (:class:`solidna.protocols.ScheduleSegment` with a half cycle) over ``area_m2`` [m2].

    Parameters
    ----------
    segment : ScheduleSegment
        A square-wave segment (times [s], current density [A.m-2]).
    area_m2 : float
        Electrode area [m2].

    Returns
    -------
    dict
        Input name -> value (current [A], half cycle, start and end [s]).
    """
    return dict(
        zip(
            SQUARE_WAVE_INPUTS,
            (
                segment.current_density_A_m2 * area_m2,
                segment.half_cycle_s,
                segment.start_s,
                segment.end_s,
            ),
            strict=True,
        )
    )


def interp_times(
    switch: np.ndarray, points_per_half_cycle: int, early: Sequence[float] = ()
) -> np.ndarray:
    """Output times: dense near the end of every constant-current interval (where the
    overpotential is read) and never exactly at a switch, where the current is two-valued.

    Parameters
    ----------
    switch : numpy.ndarray
        Switch times of the schedule [s], sorted.
    points_per_half_cycle : int
        Output points per interval between switches [-].
    early : sequence of float, optional
        Further output points as fractions of each interval (below 0.02, where the regular
        points start): where a cell's voltage moves fast just after a switch [-].

    Returns
    -------
    numpy.ndarray
        Sorted output times [s].
    """
    frac = np.concatenate(
        [
            [1e-6],
            np.asarray(early, dtype=float),
            np.linspace(0.02, 0.88, max(points_per_half_cycle - 8, 2)),
            [0.9, 0.92, 0.94, 0.96, 0.98, 0.99, 1 - 1e-6],
        ]
    )
    starts, ends = switch[:-1], switch[1:]
    t = (starts[:, None] + frac[None, :] * (ends - starts)[:, None]).ravel()
    return np.unique(t)
