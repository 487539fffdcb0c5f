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

__all__ = ["current_expression", "interp_times", "switch_times"]


def switch_times(segments: Sequence) -> np.ndarray:
    """All times [s] at which the current of the schedule may change."""
    return np.unique(np.concatenate([s.switch_times() for s in segments]))


def current_expression(segments: Sequence, area_m2: float):
    """Current [A] as a PyBaMM expression of time for a piecewise schedule."""

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


def interp_times(switch: np.ndarray, points_per_half_cycle: int) -> np.ndarray:
    """Output times: dense near the end of every constant-current interval (where the
    overpotential is read) and never exactly at a switch, where the current is two-valued."""
    frac = np.concatenate(
        [
            [1e-6],
            np.linspace(0.02, 0.88, max(points_per_half_cycle - 8, 2)),
            [0.9, 0.92, 0.94, 0.96, 0.98, 0.99, 1 - 1e-6],
        ]
    )
    starts, ends = switch[:-1], switch[1:]
    t = (starts[:, None] + frac[None, :] * (ends - starts)[:, None]).ravel()
    return np.unique(t)
