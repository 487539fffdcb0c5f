"""Na-CO2 protocol steps (Lu 2019, Fig. 5): currents in mA/g and capacities in mAh/g of MWCNT,
as the paper reports them.

* :class:`FullDischarge` - constant current to a lower cut-off (Fig. 5c);
* :class:`CapacityCycling` - discharge/charge to a fixed capacity, N cycles (Fig. 5d-f).
"""

from __future__ import annotations

from dataclasses import dataclass

from solidna.errors import OutOfRangeError, positive_int
from solidna.protocols.steps import MAX_CYCLES, Quantity, Step, positive_si
from solidna.units import check_duration, to_si

__all__ = [
    "FullDischarge",
    "CapacityCycling",
    "SPECIFIC_CURRENT_TYPICAL_A_KG",
    "CAPACITY_LIMIT_TYPICAL_C_KG",
]

MAH_PER_G = 3.6e3  # C/kg in 1 mAh/g
MA_PER_G = 1.0  # A/kg in 1 mA/g

# Typical ranges (SI) of the inputs; a bare number (read in SI) outside warns (to_si(typical=)).
#: Current per mass of MWCNT [A/kg = mA/g]: 50-500 mA/g, the paper's rate test (Fig. 5c-d).
SPECIFIC_CURRENT_TYPICAL_A_KG = (50.0, 500.0)
#: Capacity limit per mass of MWCNT [C/kg]: 100-5000 mAh/g; the paper limits to 1000 mAh/g
#: (Fig. 5d-f). ``capacity=1000`` (1000 C/kg = 0.28 mAh/g) warns.
CAPACITY_LIMIT_TYPICAL_C_KG = (100 * MAH_PER_G, 5000 * MAH_PER_G)
#: Safety stop of a full discharge [C/kg]: 1000-100 000 mAh/g (full discharges reach ~10^4).
MAX_CAPACITY_TYPICAL_C_KG = (1e3 * MAH_PER_G, 1e5 * MAH_PER_G)


def _specific_current_A_kg(current: Quantity, example: str) -> float:
    hint = f"Give it per gram of MWCNT, e.g. {example!r}."
    return positive_si(current, "A/kg", "current per CNT mass", SPECIFIC_CURRENT_TYPICAL_A_KG, hint)


@dataclass(init=False)
class FullDischarge(Step):
    """Constant-current discharge to ``cutoff`` (Fig. 5c).

    Parameters
    ----------
    current : str or float
        Per mass of MWCNT, e.g. ``"50 mA/g"`` (a bare number is SI, A/kg, which is the same
        number in mA/g). Must be > 0.
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
        self.current_A_kg = _specific_current_A_kg(current, "50 mA/g")
        self.cutoff_V = to_si(cutoff, "V", "cut-off voltage")
        if self.cutoff_V <= 0:
            raise OutOfRangeError(
                f"The cut-off voltage must be > 0 V; got {cutoff!r}. Example: cutoff='1.5 V'."
            )
        self.max_capacity_C_kg = positive_si(
            max_capacity, "C/kg", "maximum capacity", MAX_CAPACITY_TYPICAL_C_KG, "30000 mAh/g"
        )
        self.duration_s = check_duration(
            self.max_capacity_C_kg / self.current_A_kg,
            "the discharge (at most max_capacity / current)",
            "Raise the current or lower max_capacity.",
        )

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
        Per mass of MWCNT, e.g. ``"200 mA/g"`` (a bare number is SI, A/kg = mA/g), same for
        both directions.
    capacity : str or float
        Per half cycle, e.g. ``"1000 mAh/g"``. A bare number is SI (C/kg; 1 mAh/g = 3600 C/kg)
        and warns when outside :data:`CAPACITY_LIMIT_TYPICAL_C_KG`. Must be > 0.
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
        self.current_A_kg = _specific_current_A_kg(current, "200 mA/g")
        self.capacity_C_kg = positive_si(
            capacity,
            "C/kg",
            "capacity limit per CNT mass",
            CAPACITY_LIMIT_TYPICAL_C_KG,
            'Give it per gram of MWCNT, e.g. "1000 mAh/g".',
        )
        self.cycles = positive_int(cycles, "cycles", "Example: cycles=50.", maximum=MAX_CYCLES)
        self.discharge_cutoff_V = to_si(discharge_cutoff, "V", "discharge cut-off")
        self.charge_cutoff_V = to_si(charge_cutoff, "V", "charge cut-off")
        if not 0 < self.discharge_cutoff_V < self.charge_cutoff_V:
            raise OutOfRangeError(
                f"Need 0 < discharge cut-off < charge cut-off; got {discharge_cutoff!r} and "
                f"{charge_cutoff!r}. Example: discharge_cutoff='1.0 V', charge_cutoff='4.8 V'."
            )
        self.half_cycle_s = self.capacity_C_kg / self.current_A_kg
        self.duration_s = check_duration(
            2 * self.half_cycle_s * self.cycles,
            f"{self.cycles} cycles of {self.half_cycle_s / 3600:.4g}-h half cycles",
            "Raise the current, or lower the capacity per half cycle or the number of cycles.",
        )

    def describe(self) -> dict:
        return {
            "step": "capacity-limited cycling",
            "current [mA.g-1]": self.current_A_kg / MA_PER_G,
            "capacity [mAh.g-1]": self.capacity_C_kg / MAH_PER_G,
            "cycles": self.cycles,
            "discharge cut-off [V]": self.discharge_cutoff_V,
            "charge cut-off [V]": self.charge_cutoff_V,
        }
