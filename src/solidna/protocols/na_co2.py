"""Na-CO2 protocol steps (Lu 2019, Fig. 5): currents in mA/g and capacities in mAh/g of MWCNT,
as the paper reports them.

* :class:`FullDischarge` - constant current to a lower cut-off (Fig. 5c);
* :class:`CapacityCycling` - discharge/charge to a fixed capacity, N cycles (Fig. 5d-f).
"""

from __future__ import annotations

from dataclasses import dataclass

from solidna.errors import OutOfRangeError
from solidna.protocols.steps import Step, _positive
from solidna.units import to_si

__all__ = ["FullDischarge", "CapacityCycling"]

Quantity = str | float | int
MAH_PER_G = 3.6e3  # C/kg in 1 mAh/g
MA_PER_G = 1.0  # A/kg in 1 mA/g


@dataclass(init=False)
class FullDischarge(Step):
    """Constant-current discharge to ``cutoff`` (Fig. 5c).

    Parameters
    ----------
    current : str or float
        Per mass of MWCNT, e.g. ``"50 mA/g"`` (a bare number is in mA/g). Must be > 0.
    cutoff : str or float
        Lower voltage cut-off, e.g. ``"1.5 V"``.
    max_capacity : str or float
        Upper bound of the run (safety stop), e.g. ``"30000 mAh/g"``.
    """

    current_A_kg: float
    cutoff_V: float
    max_capacity_C_kg: float

    def __init__(
        self,
        current: Quantity = "50 mA/g",
        cutoff: Quantity = "1.5 V",
        max_capacity: Quantity = "30000 mAh/g",
    ):
        if isinstance(current, int | float) and not isinstance(current, bool):
            current = f"{current} mA/g"
        self.current_A_kg = _positive(
            to_si(current, "A/kg", "current per CNT mass"),
            "Current",
            current,
            'Give it per gram of MWCNT, e.g. "50 mA/g".',
        )
        self.cutoff_V = to_si(cutoff, "V", "cut-off voltage")
        if self.cutoff_V <= 0:
            raise OutOfRangeError(f"The cut-off voltage must be > 0 V; got {cutoff!r}.")
        self.max_capacity_C_kg = _positive(
            to_si(max_capacity, "C/kg", "maximum capacity"),
            "Maximum capacity",
            max_capacity,
            'Example: "30000 mAh/g".',
        )
        self.duration_s = self.max_capacity_C_kg / self.current_A_kg

    def describe(self) -> dict:
        return {
            "step": "full discharge",
            "current [mA.g-1]": self.current_A_kg / MA_PER_G,
            "cut-off [V]": self.cutoff_V,
        }


@dataclass(init=False)
class CapacityCycling(Step):
    """Discharge then charge to a fixed capacity, ``cycles`` times (Fig. 5e-f).

    Parameters
    ----------
    current : str or float
        Per mass of MWCNT, e.g. ``"200 mA/g"`` (bare number in mA/g), same for both directions.
    capacity : str or float
        Per half cycle, e.g. ``"1000 mAh/g"`` (bare number in mAh/g). Must be > 0.
    cycles : int
        Number of discharge/charge cycles (>= 1).
    discharge_cutoff, charge_cutoff : str or float
        Voltage limits that end the run if reached (cell failure), e.g. ``"1.0 V"``, ``"4.5 V"``.
    """

    current_A_kg: float
    capacity_C_kg: float
    cycles: int
    discharge_cutoff_V: float
    charge_cutoff_V: float

    def __init__(
        self,
        current: Quantity = "200 mA/g",
        capacity: Quantity = "1000 mAh/g",
        cycles: int = 50,
        discharge_cutoff: Quantity = "1.0 V",
        charge_cutoff: Quantity = "4.8 V",
    ):
        if isinstance(current, int | float) and not isinstance(current, bool):
            current = f"{current} mA/g"
        if isinstance(capacity, int | float) and not isinstance(capacity, bool):
            capacity = f"{capacity} mAh/g"
        self.current_A_kg = _positive(
            to_si(current, "A/kg", "current per CNT mass"),
            "Current",
            current,
            'Give it per gram of MWCNT, e.g. "200 mA/g".',
        )
        self.capacity_C_kg = _positive(
            to_si(capacity, "C/kg", "capacity per CNT mass"),
            "Capacity limit",
            capacity,
            'Give it per gram of MWCNT, e.g. "1000 mAh/g".',
        )
        if not isinstance(cycles, int) or isinstance(cycles, bool) or cycles < 1:
            raise OutOfRangeError(f"cycles must be a positive integer; got {cycles!r}.")
        self.cycles = cycles
        self.discharge_cutoff_V = to_si(discharge_cutoff, "V", "discharge cut-off")
        self.charge_cutoff_V = to_si(charge_cutoff, "V", "charge cut-off")
        if not 0 < self.discharge_cutoff_V < self.charge_cutoff_V:
            raise OutOfRangeError(
                f"Need 0 < discharge cut-off < charge cut-off; got {discharge_cutoff!r} and "
                f"{charge_cutoff!r}."
            )
        self.half_cycle_s = self.capacity_C_kg / self.current_A_kg
        self.duration_s = 2 * self.half_cycle_s * cycles

    def describe(self) -> dict:
        return {
            "step": "capacity-limited cycling",
            "current [mA.g-1]": self.current_A_kg / MA_PER_G,
            "capacity [mAh.g-1]": self.capacity_C_kg / MAH_PER_G,
            "cycles": self.cycles,
            "discharge cut-off [V]": self.discharge_cutoff_V,
            "charge cut-off [V]": self.charge_cutoff_V,
        }
