"""Protocols of the Na|SSE|Na3V2(PO4)3 cells (Lu 2019, Fig. S31) as typed steps.

* :class:`GalvanostaticCycling` - constant-current charge then discharge between two cut-off
  voltages, repeated (Fig. S31: 200 cycles);
* :class:`RateTest` - the same at a sequence of C-rates, a few cycles each (Fig. S31 rate test).

1 C is the theoretical capacity of the NVP in the cell (117.6 mAh/g) passed in one hour. The cell
is assembled discharged (Na3V2(PO4)3), so every cycle starts with the charge. Conditions the
paper does not state are assumptions, each with its reason (module constants below); the
calibration routine and the figure module use these same objects.
"""

from __future__ import annotations

import math
import numbers
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from solidna._docstrings import fill_doc
from solidna.errors import (
    OutOfRangeError,
    OutOfRangeWarning,
    UnitError,
    is_number,
    positive_int,
    user_stacklevel,
)
from solidna.protocols.steps import MAX_CYCLES, Step
from solidna.units import check_duration, to_si

__all__ = [
    "LOWER_CUTOFF",
    "UPPER_CUTOFF",
    "CYCLING_C_RATE",
    "CYCLING_CYCLES",
    "RATE_TEST_C_RATES",
    "RATE_TEST_CYCLES_PER_RATE",
    "C_RATE_TYPICAL",
    "parse_c_rate",
    "check_window",
    "GalvanostaticCycling",
    "RateTest",
    "HalfCycle",
    "figS31_cycling",
    "figS31_rate_test",
]

# Voltage window (not stated; ESI). 2.5-3.8 V vs Na+/Na brackets the 3.4 V V3+/V4+ plateau and
# stays clear of the 1.6 V V2+/V3+ plateau below and of the SSE's 4.86 V anodic limit above: the
# usual window for NVP half-cells.
LOWER_CUTOFF = "2.5 V"
UPPER_CUTOFF = "3.8 V"
# 200-cycle test rate (not stated; ESI). 1 C is the usual long-cycling rate of NVP half-cells and
# lies inside the rate test's range.
CYCLING_C_RATE = 1.0
CYCLING_CYCLES = 200
# Rate test (Fig. S31): 0.1 C to 2 C and back to 0.1 C (the usual shape of a rate test; the
# return checks that the capacity recovers), 5 cycles per rate (assumed).
RATE_TEST_C_RATES = (0.1, 0.2, 0.5, 1.0, 2.0, 0.1)
RATE_TEST_CYCLES_PER_RATE = 5
#: C-rates [h-1] the model is validated for: the span of the paper's rate test (Fig. S31). Outside
#: it a C-rate warns (the capacity and polarisation are extrapolated).
C_RATE_TYPICAL = (0.1, 2.0)
# A step may last at most this many times its nominal duration (1/C h) before it is stopped: the
# cut-off always comes first unless the model is broken.
MAX_DURATION_FACTOR = 3.0

_C_RATE_TEXT = re.compile(r"^\s*([-+0-9.eE]+)\s*C\s*$")
# "C/2", "C/10": one C over a number of hours, the common notation of rate tests
_C_FRACTION = re.compile(r"^\s*C\s*/\s*([0-9.eE+]+)\s*$")
_C_RATE_EXAMPLES = "a number of C such as 1, 0.1, '2 C' or 'C/2'"


def _c_rate_text(c_rate: str) -> float:
    fraction = _C_FRACTION.match(c_rate)
    match = _C_RATE_TEXT.match(c_rate)
    try:
        if fraction:
            return 1.0 / float(fraction.group(1))
        return float(match.group(1) if match else c_rate)
    except (ValueError, ZeroDivisionError):
        pass
    if re.match(r"^\s*[-+]?\d*,\d+", c_rate):
        why = "it has a decimal comma; solidna reads a point as the decimal mark"
    else:
        why = "it is not a number of C"
    raise UnitError(
        f"C-rate {c_rate!r} is not understood ({why}); give {_C_RATE_EXAMPLES} "
        "(1 C = the theoretical capacity, 117.6 mAh/g, in one hour)."
    )


def parse_c_rate(c_rate: str | float | int, warn: bool = True) -> float:
    """C-rate [h-1] from ``1``, ``0.5``, ``"2 C"`` or ``"C/2"``; must be positive and finite.

    Parameters
    ----------
    c_rate : str or float
        C-rate [h-1] as a number, or text such as ``"2 C"`` or ``"C/10"``.
    warn : bool
        Warn (:class:`~solidna.errors.OutOfRangeWarning`) outside :data:`C_RATE_TYPICAL`
        (default); ``False`` where the C-rate only looks a result up.

    Returns
    -------
    float
        C-rate [h-1].

    Raises
    ------
    OutOfRangeError
        For a C-rate <= 0 or not finite.
    UnitError
        For text that is not a number of C, or a value that is neither a number nor text.
    """
    if isinstance(c_rate, str):
        value = _c_rate_text(c_rate)
    elif is_number(c_rate):
        value = float(c_rate)
    else:
        raise UnitError(f"C-rate: got {type(c_rate).__name__} {c_rate!r}; give {_C_RATE_EXAMPLES}.")
    if not math.isfinite(value):  # NaN was reported as "must be > 0"
        raise OutOfRangeError(f"C-rate {c_rate!r} is not a finite number; give {_C_RATE_EXAMPLES}.")
    if value <= 0:
        raise OutOfRangeError(
            f"C-rate must be > 0; got {c_rate!r}. Give the magnitude, e.g. 1 or '2 C': the "
            "protocol charges and discharges by itself (1 C = 117.6 mAh/g in one hour)."
        )
    lo, hi = C_RATE_TYPICAL
    if warn and not lo <= value <= hi:
        warnings.warn(
            f"C-rate {c_rate!r} lies outside {lo:g}-{hi:g} C, the span of the paper's rate test "
            "(Fig. S31): the capacity and polarisation there are an extrapolation. A number is "
            "read in C (1 C = 117.6 mAh/g in one hour).",
            OutOfRangeWarning,
            stacklevel=user_stacklevel(),
        )
    return value


def check_window(
    lower: str | float, upper: str | float, anodic_limit_V: float | None
) -> tuple[float, float]:
    """Cut-off voltages [V] vs Na+/Na, checked against the SSE's stability.

    Parameters
    ----------
    lower, upper : str or float
        e.g. ``"2.5 V"``, ``"3.8 V"`` (bare numbers in V).
    anodic_limit_V : float or None
        "SSE anodic stability limit [V]" (4.86 V, Fig. S13); ``None`` checks only the order and
        sign (a protocol, which knows no parameter set).

    Raises
    ------
    OutOfRangeError
        If the upper cut-off is at or above the SSE's anodic limit, the lower one is <= 0 V (Na
        would plate on the cathode side) or the window is empty.
    """
    lo = to_si(lower, "V", "lower cut-off voltage")
    hi = to_si(upper, "V", "upper cut-off voltage")
    if anodic_limit_V is not None:
        # a string reached ">=" (TypeError); NaN compared False and let every window through
        anodic_limit_V = to_si(anodic_limit_V, "V", "anodic limit (anodic_limit_V)")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise OutOfRangeError(f"Cut-off voltages must be finite; got {lower!r}, {upper!r}.")
    if anodic_limit_V is not None and hi >= anodic_limit_V:
        raise OutOfRangeError(
            f"upper_cutoff {hi:g} V is outside the SSE's stability window: the SN-based "
            f"electrolyte oxidises at {anodic_limit_V:g} V vs Na+/Na (Fig. S13). Use an upper "
            f"cut-off below {anodic_limit_V:g} V, e.g. {UPPER_CUTOFF!r}."
        )
    if lo <= 0:
        raise OutOfRangeError(
            f"lower_cutoff {lo:g} V is at or below 0 V vs Na+/Na, where sodium would plate; "
            f"use a positive value, e.g. {LOWER_CUTOFF!r}."
        )
    if lo >= hi:
        raise OutOfRangeError(
            f"lower_cutoff {lo:g} V is not below upper_cutoff {hi:g} V: the voltage window is "
            f"empty. Example: lower_cutoff={LOWER_CUTOFF!r}, upper_cutoff={UPPER_CUTOFF!r}."
        )
    return lo, hi


@dataclass(frozen=True)
class HalfCycle:
    """One constant-current half cycle: ``"charge"`` or ``"discharge"`` at ``c_rate`` [h-1]."""

    label: str
    cycle: int
    c_rate: float
    lower_cutoff_V: float
    upper_cutoff_V: float

    @property
    def max_duration_s(self) -> float:
        """Longest the half cycle may last [s] (it normally ends at a cut-off)."""
        return MAX_DURATION_FACTOR * 3600 / self.c_rate


def _cycles(
    c_rates: Sequence[float], first_cycle: int, lo: float, hi: float
) -> Iterator[HalfCycle]:
    for k, rate in enumerate(c_rates):
        yield HalfCycle("charge", first_cycle + k, rate, lo, hi)
        yield HalfCycle("discharge", first_cycle + k, rate, lo, hi)


class _CutoffCycling(Step):
    """Constant-current cycles between two cut-off voltages, charge first; a subclass gives the
    C-rate of each cycle (:meth:`_c_rates`)."""

    lower_cutoff_V: float
    upper_cutoff_V: float

    def _set_cutoffs(self, lower_cutoff: str | float, upper_cutoff: str | float) -> None:
        # order and sign here; the SSE's stability limit when a cell runs it (NVPCell.run)
        self.lower_cutoff_V, self.upper_cutoff_V = check_window(lower_cutoff, upper_cutoff, None)

    def _set_duration(self, duration_s: float) -> None:
        """The nominal duration [s]: 1/C hours per half cycle."""
        self.duration_s = check_duration(
            duration_s,
            "the protocol (at the nominal 1/C hours per half cycle)",
            "Raise the C-rate or lower the number of cycles.",
        )

    def _c_rates(self) -> list[float]:
        raise NotImplementedError

    def _describe(self, step: str, rates: dict[str, object]) -> dict:
        return {
            "step": step,
            **rates,
            "lower cut-off [V]": self.lower_cutoff_V,
            "upper cut-off [V]": self.upper_cutoff_V,
        }

    @fill_doc
    def half_cycles(self, first_cycle: int = 1) -> list[HalfCycle]:
        """The protocol as half cycles, numbered from ``first_cycle``.

        %(Parameters: first_cycle)s

        %(Returns: half_cycles)s
        """
        # a string or None reached "first_cycle + k" (TypeError)
        first = positive_int(first_cycle, "first_cycle", "Example: first_cycle=1.")
        return list(_cycles(self._c_rates(), first, self.lower_cutoff_V, self.upper_cutoff_V))


@fill_doc
@dataclass(init=False)
class GalvanostaticCycling(_CutoffCycling):
    """Constant-current charge then discharge between two cut-offs, ``cycles`` times.

    %(Parameters: c_rate, cycles, cutoffs)s
    """

    c_rate: float
    cycles: int
    lower_cutoff_V: float
    upper_cutoff_V: float

    def __init__(
        self,
        c_rate: str | float = CYCLING_C_RATE,
        cycles: int = CYCLING_CYCLES,
        lower_cutoff: str | float = LOWER_CUTOFF,
        upper_cutoff: str | float = UPPER_CUTOFF,
    ):
        self.c_rate = parse_c_rate(c_rate)
        self.cycles = positive_int(cycles, "cycles", "Example: cycles=200.", maximum=MAX_CYCLES)
        self._set_cutoffs(lower_cutoff, upper_cutoff)
        self._set_duration(2 * self.cycles * 3600 / self.c_rate)

    def _c_rates(self) -> list[float]:
        return [self.c_rate] * self.cycles

    def describe(self) -> dict:
        return self._describe(
            "galvanostatic cycling", {"C-rate [h-1]": self.c_rate, "cycles": self.cycles}
        )


@fill_doc
@dataclass(init=False)
class RateTest(_CutoffCycling):
    """Galvanostatic cycling at a sequence of C-rates, ``cycles_per_rate`` cycles each.

    %(Parameters: c_rates, cycles_per_rate, cutoffs)s
    """

    c_rates: tuple[float, ...]
    cycles_per_rate: int
    lower_cutoff_V: float
    upper_cutoff_V: float

    def __init__(
        self,
        c_rates: Sequence[str | float] = RATE_TEST_C_RATES,
        cycles_per_rate: int = RATE_TEST_CYCLES_PER_RATE,
        lower_cutoff: str | float = LOWER_CUTOFF,
        upper_cutoff: str | float = UPPER_CUTOFF,
    ):
        if getattr(c_rates, "ndim", None) == 0:  # numpy.array(1.0): not iterable (TypeError)
            c_rates = c_rates.item()
        if isinstance(c_rates, str | numbers.Real):
            c_rates = [c_rates]
        if not isinstance(c_rates, Iterable):
            raise UnitError(
                f"c_rates: got {type(c_rates).__name__} {c_rates!r}; give a sequence of C-rates, "
                "e.g. (0.1, 1, 2) or ('C/10', '1 C', '2 C')."
            )
        self.c_rates = tuple(parse_c_rate(r) for r in c_rates)
        if not self.c_rates:
            raise OutOfRangeError("The rate test needs at least one C-rate, e.g. (0.1, 1, 2).")
        self.cycles_per_rate = positive_int(
            cycles_per_rate,
            "cycles_per_rate",
            "Example: cycles_per_rate=5.",
            maximum=MAX_CYCLES // len(self.c_rates),
        )
        self._set_cutoffs(lower_cutoff, upper_cutoff)
        self._set_duration(sum(2 * self.cycles_per_rate * 3600 / r for r in self.c_rates))

    def _c_rates(self) -> list[float]:
        return [r for r in self.c_rates for _ in range(self.cycles_per_rate)]

    def describe(self) -> dict:
        return self._describe(
            "rate test",
            {"C-rates [h-1]": list(self.c_rates), "cycles per rate": self.cycles_per_rate},
        )


def figS31_cycling() -> GalvanostaticCycling:
    """Fig. S31 long-term cycling: 200 cycles at 1 C (assumed rate) in 2.5-3.8 V."""
    return GalvanostaticCycling(CYCLING_C_RATE, CYCLING_CYCLES)


def figS31_rate_test() -> RateTest:
    """Fig. S31 rate test: 0.1, 0.2, 0.5, 1, 2 C and back to 0.1 C, 5 cycles each."""
    return RateTest(RATE_TEST_C_RATES, RATE_TEST_CYCLES_PER_RATE)
