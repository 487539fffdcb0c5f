"""Progress of long work: the callback every long routine accepts, and the time-left estimate.

A long routine (``reproduce``, ``calibrate_*``, ``analyze``, ``screen``) takes
``progress(message, fraction)``: ``fraction`` is the share of the whole work done so far, in
[0, 1], or ``None`` when only the message changes. The routine never prints; the caller (the CLI,
a notebook) decides how to show it. :class:`TimeLeft` turns fractions into an estimate of the time
left, and :func:`scaled` lets a routine hand a sub-task its own 0-1 range.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["Progress", "no_progress", "scaled", "TimeLeft", "format_duration"]

#: ``progress(message, fraction_done_or_None)``
Progress = Callable[[str, float | None], None]


def no_progress(message: str, fraction: float | None = None) -> None:
    """A progress callback that does nothing.

    Parameters
    ----------
    message : str
        Progress message (ignored).
    fraction : float, optional
        Fraction of the work done [-] (ignored).
    """


def scaled(progress: Progress, start: float, stop: float) -> Progress:
    """A callback for a sub-task that occupies ``[start, stop]`` of the parent's work.

    The sub-task reports its own fraction in [0, 1]; the parent sees ``start + f (stop - start)``.

    Parameters
    ----------
    progress : Progress
        The parent's progress callback.
    start, stop : float
        Fractions of the parent's work [-] at which the sub-task starts and ends.

    Returns
    -------
    Progress
        Callback taking ``(message, fraction)`` with a dimensionless ``fraction`` from 0 to 1.
    """

    def sub(message: str, fraction: float | None = None) -> None:
        if fraction is None:
            progress(message, None)
        else:
            f = min(max(float(fraction), 0.0), 1.0)
            progress(message, start + f * (stop - start))

    return sub


class TimeLeft:
    """Estimate of the time left from the fraction of work done.

    The fraction shown never goes backwards (a routine that re-estimates its total may report a
    smaller fraction; the display holds the larger one). The estimate assumes the remaining work
    proceeds at the average rate so far, and is withheld until 2 % of the work and 2 s have passed
    (earlier estimates are mostly start-up cost). Between two advances of the fraction (a long
    model run inside one step of a calibration) it counts down from the estimate made at the last
    advance: re-dividing the growing elapsed time by a fraction that has not moved would make the
    time left grow while the work goes on. Once that countdown has run out, the average-rate
    estimate is shown again (the step is slower than the average).

    Work done in parallel can say more with :meth:`adjust`: a one-off start-up within the elapsed
    time (a sweep's workers each build their models with their first point), left out of the rate
    since the work left will not repeat it; and the share of the work under way but not yet
    counted (the other workers' half-done batches when one reports), counted in the rate.

    Parameters
    ----------
    clock : callable
        Returns a time in seconds (default :func:`time.monotonic`); replaceable in tests.
    start_fraction : float
        Fraction of the work already done when this estimate starts [-] (a resumed sweep's
        earlier points): shown as done, but no part of the rate, which is of the work done from
        now on.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, start_fraction: float = 0.0):
        self._clock = clock
        self._start = clock()
        f0 = float(start_fraction)
        self.start_fraction = min(max(f0, 0.0), 1.0) if math.isfinite(f0) else 0.0
        self.fraction = self.start_fraction
        # (time of the last advance [s], estimate of the time left made then [s])
        self._advance: tuple[float, float] | None = None
        # one-off start-up in the elapsed time [s] (None: there is one, not yet measured), and
        # the share of the work under way, not yet in the fraction [-] (see adjust)
        self._start_up: float | None = 0.0
        self._under_way = 0.0

    def adjust(self, start_up_s: float | None, under_way: float = 0.0) -> None:
        """Say what the fraction alone does not: a one-off start-up and the work under way.

        Parameters
        ----------
        start_up_s : float or None
            Seconds of the elapsed time that were a one-off start-up the work left will not
            repeat [s] (the model building in each sweep worker's first point: the workers run
            side by side, so one worker's start-up); ``None``: there is one, not yet measured,
            and no estimate is made until it is (an estimate from the start-up alone was 2 min
            22 s for a sweep that had 3 s to go).
        under_way : float
            Share of the whole work done but not yet in the fraction [-] (the expected part done
            of the batches other workers are running when one reports): without it the rate of
            the first reports, when only one of several workers had reported, was of one worker.
        """
        if start_up_s is None or not math.isfinite(start_up_s):
            self._start_up = None
        else:
            self._start_up = max(0.0, float(start_up_s))
        g = float(under_way)
        self._under_way = min(max(g, 0.0), 1.0) if math.isfinite(g) else 0.0

    def update(self, fraction: float | None) -> float | None:
        """Record ``fraction`` (ignored when ``None`` or smaller than before); return the
        estimated time left [s], or ``None`` while no honest estimate can be made.

        Parameters
        ----------
        fraction : float or None
            Fraction of the work done [-], in [0, 1].

        Returns
        -------
        float or None
            Estimated time left [s], or ``None`` while unknown.
        """
        if fraction is not None and math.isfinite(fraction):
            f = min(max(float(fraction), 0.0), 1.0)
            if f > self.fraction:
                self.fraction = f
                left = self._average_rate_left()
                self._advance = None if left is None else (self.elapsed_s, left)
        return self.seconds_left()

    @property
    def elapsed_s(self) -> float:
        """Seconds since the work started [s]."""
        return self._clock() - self._start

    def seconds_left(self) -> float | None:
        """Estimated time left [s] at the current fraction, or ``None``."""
        if self.fraction >= 1.0:
            return 0.0
        if self._advance is not None:
            t_advance, left = self._advance
            countdown = left - (self.elapsed_s - t_advance)
            if countdown > 0:
                return countdown
        return self._average_rate_left()

    def _average_rate_left(self) -> float | None:
        f, t, f0 = self.fraction, self.elapsed_s, self.start_fraction
        if f >= 1.0:
            return 0.0
        if f - f0 < 0.02 * (1.0 - f0) or t < 2.0 or self._start_up is None:
            return None
        working = t - self._start_up
        if working <= 0.0:
            return None
        g = min(self._under_way, 1.0 - f)
        return working * (1.0 - f - g) / (f + g - f0)


def format_duration(seconds: float | None) -> str:
    """A duration for people: ``"45 s"``, ``"3 min 20 s"``, ``"1 h 05 min"``; ``"?"`` if unknown.

    Parameters
    ----------
    seconds : float or None
        Duration [s]; ``None`` or non-finite for unknown.

    Returns
    -------
    str
        Human-readable duration.
    """
    if seconds is None or not math.isfinite(seconds):
        return "?"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d} min"
