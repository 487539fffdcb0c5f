"""The paper's experiments as typed protocol steps.

Each step parses its quantities with units (``"0.1 mA/cm2"``, ``"1 h"``) into SI floats stored in
attributes named with their unit, and checks them, raising errors that name the value, what is
allowed and how to fix it.

* :class:`Rest` - open circuit for a duration (Fig. 4e-f "after resting for 24 h");
* :class:`PlatingStripping` - galvanostatic plating/stripping of a symmetric cell (Fig. 4h, S18);
* :class:`CyclicVoltammetry` - triangular voltage sweep (Fig. 4g);
* :class:`ImpedanceSpectroscopy` - EIS frequency grid (Fig. 4e).
"""

from solidna.protocols.steps import (
    CyclicVoltammetry,
    ImpedanceSpectroscopy,
    PlatingStripping,
    Rest,
    Step,
    current_schedule,
)

__all__ = [
    "Step",
    "Rest",
    "PlatingStripping",
    "CyclicVoltammetry",
    "ImpedanceSpectroscopy",
    "current_schedule",
]
