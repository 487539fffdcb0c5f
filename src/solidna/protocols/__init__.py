"""The paper's experiments as typed protocol steps.

Each step parses its quantities with units (``"0.1 mA/cm2"``, ``"1 h"``) into SI floats stored in
attributes named with their unit, and checks them, raising errors that name the value, what is
allowed and how to fix it. A bare number is SI; one outside the step's typical range warns with
the SI reading spelled out (the ranges and their reasons are module constants).

Symmetric Na|SSE|Na cell (:mod:`~solidna.protocols.steps`):

* :class:`Rest` - open circuit for a duration (Fig. 4e-f "after resting for 24 h");
* :class:`PlatingStripping` - galvanostatic plating/stripping (Fig. 4h, S18);
* :class:`CyclicVoltammetry` - triangular voltage sweep (Fig. 4g);
* :class:`ImpedanceSpectroscopy` - EIS frequency grid (Fig. 4e).

Na-CO2 cell (:mod:`~solidna.protocols.na_co2`): :class:`FullDischarge` (Fig. 5c),
:class:`CapacityCycling` (Fig. 5d-f). Na|SSE|NVP cell (:mod:`~solidna.protocols.nvp`):
:class:`GalvanostaticCycling`, :class:`RateTest` (Fig. S31). The paper's conditions:
:mod:`~solidna.protocols.lu2019`.
"""

from solidna.protocols.na_co2 import CapacityCycling, FullDischarge
from solidna.protocols.nvp import GalvanostaticCycling, RateTest
from solidna.protocols.steps import (
    CyclicVoltammetry,
    ImpedanceSpectroscopy,
    PlatingStripping,
    Rest,
    Step,
    current_schedule,
)

__all__ = [
    "CapacityCycling",
    "current_schedule",
    "CyclicVoltammetry",
    "FullDischarge",
    "GalvanostaticCycling",
    "ImpedanceSpectroscopy",
    "PlatingStripping",
    "RateTest",
    "Rest",
    "Step",
]
