"""Typed protocol steps (see the package docstring)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from solidna.errors import InvalidOptionError, OutOfRangeError
from solidna.units import to_si

__all__ = [
    "Step",
    "Rest",
    "PlatingStripping",
    "CyclicVoltammetry",
    "ImpedanceSpectroscopy",
    "current_schedule",
    "ScheduleSegment",
]

Quantity = str | float | int


def _positive(value: float, name: str, shown: Quantity, fix: str) -> float:
    if not math.isfinite(value) or value <= 0:
        raise OutOfRangeError(f"{name} must be a positive, finite quantity; got {shown!r}. {fix}")
    return value


class Step:
    """Base class of protocol steps; ``duration_s`` is the step's length in seconds."""

    duration_s: float

    def describe(self) -> dict:
        """The step's inputs as understood, with units (for summary.json)."""
        raise NotImplementedError


@dataclass(init=False)
class Rest(Step):
    """Open circuit (zero current) for ``duration``.

    Parameters
    ----------
    duration : str or float
        e.g. ``"24 h"``; a bare number is in seconds.
    """

    duration_s: float

    def __init__(self, duration: Quantity = "24 h"):
        self.duration_s = _positive(
            to_si(duration, "s", "rest duration"), "Rest duration", duration, 'Example: "24 h".'
        )

    def describe(self) -> dict:
        return {"step": "rest", "duration [h]": self.duration_s / 3600}


@dataclass(init=False)
class PlatingStripping(Step):
    """Galvanostatic plating/stripping of a symmetric cell (square-wave current).

    The first half cycle strips Na from the left (working) electrode; the sign then alternates
    every half cycle. Give either ``half_cycle`` or ``capacity`` (per half cycle); with neither,
    1 h half cycles are used.

    Parameters
    ----------
    current_density : str or float
        Magnitude, e.g. ``"0.1 mA/cm2"`` (a bare number is in A/m2). Must be > 0.
    duration : str or float
        Total time, e.g. ``"4000 h"``.
    half_cycle : str or float, optional
        Time per half cycle, e.g. ``"1 h"``.
    capacity : str or float, optional
        Areal capacity per half cycle, e.g. ``"1 mAh/cm2"``; the half cycle is capacity / current.
    """

    current_density_A_m2: float
    half_cycle_s: float
    duration_s: float

    def __init__(
        self,
        current_density: Quantity = "0.1 mA/cm2",
        duration: Quantity = "100 h",
        half_cycle: Quantity | None = None,
        capacity: Quantity | None = None,
    ):
        i = to_si(current_density, "A/m**2", "current density")
        self.current_density_A_m2 = _positive(
            i,
            "Current density",
            current_density,
            'Give its magnitude, e.g. "0.1 mA/cm2": the sign alternates by itself, the first '
            "half cycle stripping the left electrode.",
        )
        self.duration_s = _positive(
            to_si(duration, "s", "duration"), "Duration", duration, 'Example: "4000 h".'
        )
        if half_cycle is not None and capacity is not None:
            raise OutOfRangeError(
                f"Give either half_cycle ({half_cycle!r}) or capacity ({capacity!r}), not both: "
                "each fixes the length of a half cycle."
            )
        if capacity is not None:
            q = _positive(
                to_si(capacity, "C/m**2", "capacity per half cycle"),
                "Capacity per half cycle",
                capacity,
                'Example: "1 mAh/cm2".',
            )
            self.half_cycle_s = q / self.current_density_A_m2
            self.capacity_C_m2 = q
        else:
            hc = "1 h" if half_cycle is None else half_cycle
            self.half_cycle_s = _positive(
                to_si(hc, "s", "half-cycle time"), "Half-cycle time", hc, 'Example: "1 h".'
            )
            self.capacity_C_m2 = self.half_cycle_s * self.current_density_A_m2
        if self.half_cycle_s > self.duration_s * (1 + 1e-12):
            raise OutOfRangeError(
                f"The half cycle ({self.half_cycle_s / 3600:.4g} h) is longer than the duration "
                f"({self.duration_s / 3600:.4g} h): not even one half cycle would finish. "
                "Shorten the half cycle (or the capacity per half cycle) or lengthen the duration."
            )

    @property
    def n_cycles(self) -> int:
        """Number of complete cycles (one stripping + one plating half cycle)."""
        return int(self.duration_s // (2 * self.half_cycle_s) + 1e-9)

    def describe(self) -> dict:
        return {
            "step": "plating/stripping",
            "current density [mA.cm-2]": self.current_density_A_m2 / 10,
            "half cycle [h]": self.half_cycle_s / 3600,
            "capacity per half cycle [mAh.cm-2]": self.capacity_C_m2 / 36000,
            "duration [h]": self.duration_s / 3600,
        }


@dataclass(init=False)
class CyclicVoltammetry(Step):
    """Triangular voltage sweep 0 -> v_max -> v_min -> 0, repeated ``cycles`` times (Fig. 4g).

    Parameters
    ----------
    v_min, v_max : str or float
        Vertex voltages, e.g. ``"-0.5 V"``, ``"0.5 V"`` (bare numbers in V); v_min < 0 < v_max.
    scan_rate : str or float
        e.g. ``"5 mV/s"`` (bare number in V/s), > 0.
    cycles : int
        Number of cycles, >= 1.
    """

    v_min_V: float
    v_max_V: float
    scan_rate_V_s: float
    cycles: int

    def __init__(
        self,
        v_min: Quantity = "-0.5 V",
        v_max: Quantity = "0.5 V",
        scan_rate: Quantity = "5 mV/s",
        cycles: int = 1,
    ):
        self.v_min_V = to_si(v_min, "V", "lower vertex voltage")
        self.v_max_V = to_si(v_max, "V", "upper vertex voltage")
        if not self.v_min_V < 0 < self.v_max_V:
            raise OutOfRangeError(
                f"The sweep must bracket 0 V (the open-circuit voltage of a symmetric cell): got "
                f"v_min={v_min!r}, v_max={v_max!r}. Example: v_min='-0.5 V', v_max='0.5 V'."
            )
        self.scan_rate_V_s = _positive(
            to_si(scan_rate, "V/s", "scan rate"), "Scan rate", scan_rate, 'Example: "5 mV/s".'
        )
        if not isinstance(cycles, int) or isinstance(cycles, bool) or cycles < 1:
            raise OutOfRangeError(f"cycles must be a positive integer; got {cycles!r}.")
        self.cycles = cycles
        self.duration_s = cycles * 2 * (self.v_max_V - self.v_min_V) / self.scan_rate_V_s

    def waveform(self) -> tuple[np.ndarray, np.ndarray]:
        """Knots (time [s], voltage [V]) of the piecewise-linear sweep."""
        v = [0.0]
        for _ in range(self.cycles):
            v += [self.v_max_V, self.v_min_V, 0.0]
        v = np.array(v)
        t = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(v)) / self.scan_rate_V_s)])
        return t, v

    def describe(self) -> dict:
        return {
            "step": "cyclic voltammetry",
            "lower vertex [V]": self.v_min_V,
            "upper vertex [V]": self.v_max_V,
            "scan rate [mV.s-1]": self.scan_rate_V_s * 1e3,
            "cycles": self.cycles,
        }


@dataclass(init=False)
class ImpedanceSpectroscopy(Step):
    """Frequency grid of an impedance measurement at open circuit.

    Parameters
    ----------
    f_max, f_min : str or float
        e.g. ``"1 MHz"``, ``"0.1 Hz"`` (bare numbers in Hz); f_max > f_min > 0.
    points_per_decade : int
        Log-spaced points per decade (default 10).
    """

    f_max_Hz: float
    f_min_Hz: float
    points_per_decade: int
    duration_s: float = field(default=0.0)

    def __init__(
        self, f_max: Quantity = "1 MHz", f_min: Quantity = "0.1 Hz", points_per_decade: int = 10
    ):
        self.f_max_Hz = _positive(to_si(f_max, "Hz", "f_max"), "f_max", f_max, 'Example: "1 MHz".')
        self.f_min_Hz = _positive(to_si(f_min, "Hz", "f_min"), "f_min", f_min, 'Example: "0.1 Hz".')
        if self.f_min_Hz >= self.f_max_Hz:
            raise OutOfRangeError(f"f_min ({f_min!r}) must be below f_max ({f_max!r}).")
        if not isinstance(points_per_decade, int) or points_per_decade < 1:
            raise OutOfRangeError(
                f"points_per_decade must be a positive integer; got {points_per_decade!r}."
            )
        self.points_per_decade = points_per_decade
        self.duration_s = 0.0

    def frequencies_Hz(self) -> np.ndarray:
        """Log-spaced frequencies [Hz] from f_max down to f_min."""
        decades = math.log10(self.f_max_Hz / self.f_min_Hz)
        n = max(int(round(decades * self.points_per_decade)) + 1, 2)
        return np.logspace(math.log10(self.f_max_Hz), math.log10(self.f_min_Hz), n)

    def describe(self) -> dict:
        return {
            "step": "impedance",
            "f_max [Hz]": self.f_max_Hz,
            "f_min [Hz]": self.f_min_Hz,
            "points per decade": self.points_per_decade,
        }


@dataclass(frozen=True)
class ScheduleSegment:
    """A constant-current or square-wave piece of a current schedule (SI units)."""

    start_s: float
    end_s: float
    current_density_A_m2: float
    half_cycle_s: float | None = None

    def switch_times(self) -> np.ndarray:
        """Times [s] at which the current changes within and at the ends of this segment."""
        if self.half_cycle_s is None:
            return np.array([self.start_s, self.end_s])
        n = int(np.floor((self.end_s - self.start_s) / self.half_cycle_s + 1e-9))
        times = self.start_s + self.half_cycle_s * np.arange(n + 1)
        return np.unique(np.append(times, self.end_s))


def current_schedule(steps: Sequence[Step]) -> list[ScheduleSegment]:
    """Turn rest and plating/stripping steps into back-to-back current segments."""
    t = 0.0
    segments = []
    for step in steps:
        if isinstance(step, Rest):
            segments.append(ScheduleSegment(t, t + step.duration_s, 0.0, None))
        elif isinstance(step, PlatingStripping):
            segments.append(
                ScheduleSegment(
                    t, t + step.duration_s, step.current_density_A_m2, step.half_cycle_s
                )
            )
        else:
            raise InvalidOptionError(
                f"A current schedule takes Rest and PlatingStripping steps, not {type(step).__name__}."
            )
        t += step.duration_s
    return segments
