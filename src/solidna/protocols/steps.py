"""Typed protocol steps (see the package docstring)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from solidna.errors import InvalidOptionError, OutOfRangeError, positive_int
from solidna.units import MAX_DURATION, MAX_DURATION_S, check_duration, to_si, warn_unusual

__all__ = [
    "Step",
    "Rest",
    "PlatingStripping",
    "CyclicVoltammetry",
    "ImpedanceSpectroscopy",
    "current_schedule",
    "ScheduleSegment",
    "positive_si",
    "parse_duration_s",
    "MAX_CYCLES",
    "MIN_HALF_CYCLE_S",
    "MAX_FREQUENCIES",
    "MAX_POINTS_PER_STEP",
]

Quantity = str | float | int

# Typical ranges (SI) of the inputs. A bare number (read in SI) outside its range warns with the
# SI reading spelled out, as it is most likely a number meant in the lab's unit (to_si(typical=)).
#: Current density [A/m2]: 0.1-0.5 mA/cm2, the paper's plating/stripping tests (Fig. 4h, S18),
#: where the interphase parameters are calibrated. ``current_density=0.1`` (0.01 mA/cm2) warns.
CURRENT_DENSITY_TYPICAL_A_M2 = (1.0, 5.0)
#: Current density [A/m2] given with a unit beyond which it is most likely a slip of the unit
#: ("MA/cm2", "A/cm2" for mA/cm2; "uA/cm2"): 1 uA/cm2 to 100 mA/cm2, three decades around the
#: paper's range (beyond ~30 mA/cm2 the symmetric cell is past its 10 V limit at once).
CURRENT_DENSITY_PLAUSIBLE_A_M2 = (1e-2, 1e3)
#: Half cycle [s]: 10 min to 100 h; the paper's last 1-5 h (Fig. 4h, S18). ``half_cycle=1`` (1 s)
#: warns.
HALF_CYCLE_TYPICAL_S = (600.0, 100 * 3600.0)
#: Areal capacity per half cycle [C/m2]: 0.05-5 mAh/cm2 (1 mAh/cm2 = 36 000 C/m2); the paper's
#: are 0.1 and 1 mAh/cm2. ``capacity=1`` (1 C/m2) warns.
AREAL_CAPACITY_TYPICAL_C_M2 = (1800.0, 180000.0)
#: Duration of a cycling run [s]: 10 h to 10 000 h; the paper's runs last 16-4000 h (Fig. 4h).
#: ``duration=4000`` (4000 s, 1.1 h) warns.
DURATION_TYPICAL_S = (10 * 3600.0, 1e4 * 3600.0)
#: Rest [s]: 1 min to 1000 h; the paper rests 24 h (Fig. 4e-f). ``Rest(24)`` (24 s) warns.
REST_TYPICAL_S = (60.0, 1000 * 3600.0)
#: CV scan rate [V/s]: 0.1-100 mV/s, the usual range for solid-state cells (paper: 5 mV/s).
#: ``scan_rate=5`` (5 V/s) warns.
SCAN_RATE_TYPICAL_V_S = (1e-4, 0.1)
#: CV vertex [V]: within +-2 V; a symmetric Na|Na cell is swept +-0.5 V in the paper (Fig. 4g).
#: ``v_max=500`` (500 V, meant mV) warns.
VERTEX_TYPICAL_V = (-2.0, 2.0)
#: EIS frequency [Hz]: 1 mHz to 10 MHz, the range of laboratory potentiostats.
FREQUENCY_TYPICAL_HZ = (1e-3, 1e7)

# Limits beyond which an input is a typing slip, refused before any solve: past them a run would
# only exhaust memory or fail deep inside the solver.
#: Most cycles a protocol may hold: 500 times the 2000 cycles of the paper's longest test (4000 h
#: at 1-h half cycles, Fig. 4h); a cycle-jumped run's time series still holds every cycle (about
#: 30 samples each), some 1 GB at this count.
MAX_CYCLES = 1_000_000
#: Shortest half cycle [s] of plating/stripping. Shorter ones are current pulses, not cycling;
#: the solver of the symmetric cell fails on them (tried: 0.1 s fails, 1 s runs).
MIN_HALF_CYCLE_S = 1.0
#: Most output samples per half cycle (or step) of a run: a 4000-h run of 1-h half cycles then
#: still fits in memory (8e7 samples).
MAX_POINTS_PER_STEP = 10_000
#: Most frequencies of one impedance spectrum (a potentiostat records some tens per decade).
MAX_FREQUENCIES = 10_000


def positive_si(
    value: Quantity, unit: str, name: str, typical: tuple[float, float], hint: str, **limits: float
) -> float:
    """A positive protocol quantity in SI ``unit``, parsed by :func:`~solidna.units.to_si`.

    Parameters
    ----------
    value : str or float
        E.g. ``"0.1 mA/cm2"``; a bare number is SI and warns outside ``typical``.
    unit : str
        SI unit of the result (``"A/m**2"``).
    name : str
        The quantity in words, for messages.
    typical : (float, float)
        Typical range in ``unit`` (see the module constants and their reasons).
    hint : str
        How to fix a bad value: a sentence, or an example such as ``"1 h"`` (which becomes
        ``Example: '1 h'.``).
    **limits
        ``maximum=`` [``unit``], passed to :func:`~solidna.units.to_si`.
    """
    if not hint.endswith("."):
        hint = f"Example: {hint!r}."
    return to_si(value, unit, name, typical=typical, positive=True, hint=hint, **limits)


def parse_duration_s(
    value: Quantity, name: str, typical: tuple[float, float], example: str
) -> float:
    """A positive duration [s] no longer than :data:`~solidna.units.MAX_DURATION`.

    Parameters
    ----------
    value : str or float
        Duration with a unit (``"1 h"``); a bare number is in s.
    name : str
        The quantity in words, for messages.
    typical : (float, float)
        Typical range [s]; a bare number outside it warns.
    example : str
        An example value for error messages (``"1 h"``).

    Returns
    -------
    float
        Duration [s].
    """
    hint = f"Example: {example!r} (at most {MAX_DURATION})."
    return positive_si(value, "s", name, typical, hint, maximum=MAX_DURATION_S)


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
        self.duration_s = parse_duration_s(duration, "rest duration", REST_TYPICAL_S, "24 h")

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
        self.current_density_A_m2 = positive_si(
            current_density,
            "A/m**2",
            "current density",
            CURRENT_DENSITY_TYPICAL_A_M2,
            'Give its magnitude, e.g. "0.1 mA/cm2": the sign alternates by itself, the first '
            "half cycle stripping the left electrode.",
        )
        warn_unusual(
            current_density,
            self.current_density_A_m2,
            CURRENT_DENSITY_PLAUSIBLE_A_M2,
            "current density",
            "mA/cm**2",
            "three decades around the paper's 0.1-0.5 mA/cm2, Fig. 4h, S18",
        )
        self.duration_s = parse_duration_s(duration, "duration", DURATION_TYPICAL_S, "4000 h")
        if half_cycle is not None and capacity is not None:
            raise OutOfRangeError(
                f"Give either half_cycle ({half_cycle!r}) or capacity ({capacity!r}), not both: "
                "each fixes the length of a half cycle."
            )
        if capacity is not None:
            q = positive_si(
                capacity,
                "C/m**2",
                "capacity per half cycle",
                AREAL_CAPACITY_TYPICAL_C_M2,
                "1 mAh/cm2",
            )
            self.half_cycle_s = q / self.current_density_A_m2
            self.capacity_C_m2 = q
        else:
            hc = "1 h" if half_cycle is None else half_cycle
            self.half_cycle_s = parse_duration_s(hc, "half-cycle time", HALF_CYCLE_TYPICAL_S, "1 h")
            self.capacity_C_m2 = self.half_cycle_s * self.current_density_A_m2
        if self.half_cycle_s < MIN_HALF_CYCLE_S:
            given = f"half_cycle={half_cycle!r}" if capacity is None else f"capacity={capacity!r}"
            raise OutOfRangeError(
                f"The half cycle ({given}) lasts {self.half_cycle_s:.3g} s, shorter than "
                f"{MIN_HALF_CYCLE_S:g} s: that is a current pulse, not plating/stripping, and the "
                'solver is not made for it. Give a half cycle of at least 1 s, e.g. "1 h".'
            )
        if self.half_cycle_s > self.duration_s * (1 + 1e-12):
            raise OutOfRangeError(
                f"The half cycle ({self.half_cycle_s / 3600:.4g} h) is longer than the duration "
                f"({self.duration_s / 3600:.4g} h): not even one half cycle would finish. "
                "Shorten the half cycle (or the capacity per half cycle) or lengthen the duration."
            )
        if self.duration_s / (2 * self.half_cycle_s) > MAX_CYCLES:
            raise OutOfRangeError(
                f"{self.duration_s / (2 * self.half_cycle_s):.4g} cycles ({self.half_cycle_s:.3g}-s "
                f"half cycles for {self.duration_s / 3600:.4g} h) are more than the {MAX_CYCLES} "
                "cycles accepted. Lengthen the half cycle or shorten the duration."
            )

    @property
    def n_cycles(self) -> int:
        """Number of complete cycles (one stripping + one plating half cycle)."""
        return int(self.duration_s // (2 * self.half_cycle_s) + 1e-9)

    @property
    def cycles_begun(self) -> int:
        """Number of cycles the step runs into: the complete ones and a last, partial one when
        the duration ends inside a cycle (the cycles a run of the step reports)."""
        return math.ceil(self.duration_s / (2 * self.half_cycle_s) - 1e-9)

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
        self.v_min_V = to_si(v_min, "V", "lower vertex voltage", typical=VERTEX_TYPICAL_V)
        self.v_max_V = to_si(v_max, "V", "upper vertex voltage", typical=VERTEX_TYPICAL_V)
        if not self.v_min_V < 0 < self.v_max_V:
            raise OutOfRangeError(
                f"The sweep must bracket 0 V (the open-circuit voltage of a symmetric cell): got "
                f"v_min={v_min!r}, v_max={v_max!r}. Example: v_min='-0.5 V', v_max='0.5 V'."
            )
        self.scan_rate_V_s = positive_si(
            scan_rate, "V/s", "scan rate", SCAN_RATE_TYPICAL_V_S, "5 mV/s"
        )
        self.cycles = positive_int(cycles, "cycles", "Example: cycles=1.", maximum=MAX_CYCLES)
        self.duration_s = check_duration(
            self.cycles * 2 * (self.v_max_V - self.v_min_V) / self.scan_rate_V_s,
            "the sweep",
            "Raise the scan rate or lower the number of cycles.",
        )

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
        # named in words before the argument: a message starting with the name capitalises it,
        # and "F_min must be ..." named no argument of the call
        self.f_max_Hz = positive_si(
            f_max, "Hz", "highest frequency f_max", FREQUENCY_TYPICAL_HZ, "1 MHz"
        )
        self.f_min_Hz = positive_si(
            f_min, "Hz", "lowest frequency f_min", FREQUENCY_TYPICAL_HZ, "0.1 Hz"
        )
        if self.f_min_Hz >= self.f_max_Hz:
            raise OutOfRangeError(
                f"f_min ({f_min!r}) must be below f_max ({f_max!r}). Example: f_max='1 MHz', "
                "f_min='0.1 Hz'."
            )
        self.points_per_decade = positive_int(
            points_per_decade, "points_per_decade", "Example: points_per_decade=10."
        )
        n = self._count()
        if n > MAX_FREQUENCIES:
            raise OutOfRangeError(
                f"The spectrum would have {n} frequencies ({self.points_per_decade} per decade "
                f"from {self.f_min_Hz:.3g} Hz to {self.f_max_Hz:.3g} Hz), more than the "
                f"{MAX_FREQUENCIES} accepted. Use fewer points per decade (e.g. 10) or a narrower "
                "range."
            )
        self.duration_s = 0.0

    def _count(self) -> int:
        decades = math.log10(self.f_max_Hz / self.f_min_Hz)
        return max(int(round(decades * self.points_per_decade)) + 1, 2)

    def frequencies_Hz(self) -> np.ndarray:
        """Log-spaced frequencies [Hz] from f_max down to f_min."""
        return np.logspace(math.log10(self.f_max_Hz), math.log10(self.f_min_Hz), self._count())

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
    """Turn rest and plating/stripping steps into back-to-back current segments.

    Parameters
    ----------
    steps : sequence of Rest or PlatingStripping
        The protocol, in order.

    Returns
    -------
    list of ScheduleSegment
        One segment per step: start and end time in s, current density in A/m2 (0 for a rest)
        and half-cycle length in s (``None`` for a rest).
    """
    if isinstance(steps, Step):
        steps = [steps]
    if (
        isinstance(steps, str | bytes)
        or not isinstance(steps, Iterable)
        or getattr(steps, "ndim", 1) == 0  # a 0-d numpy array is not iterable
    ):
        # None or a number was iterated (TypeError)
        raise InvalidOptionError(
            f"current_schedule takes a sequence of Rest and PlatingStripping steps, got "
            f"{type(steps).__name__} {steps!r:.60}. Example: "
            "current_schedule([Rest('24 h'), PlatingStripping('0.1 mA/cm2', '100 h')])."
        )
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
