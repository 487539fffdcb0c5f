"""solidna: the all-solid-state Na-CO2 battery of Lu et al. (Chem. Sci. 2019, 10, 4306) in software."""

from __future__ import annotations

import os

# PyBaMM may ask an interactive telemetry question on first import; solidna never wants it.
os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

__version__ = "0.1.0"

from solidna.cells import NaCO2Cell, NVPCell, SymmetricCell  # noqa: E402
from solidna.errors import (  # noqa: E402
    ConvergenceError,
    DataFormatError,
    InvalidOptionError,
    OutOfRangeError,
    OutOfRangeWarning,
    SolidnaError,
    UnitError,
)
from solidna.parameters import ParameterSet, lu2019  # noqa: E402
from solidna.protocols import (  # noqa: E402
    CyclicVoltammetry,
    ImpedanceSpectroscopy,
    PlatingStripping,
    Rest,
)

__all__ = [
    "__version__",
    "ParameterSet",
    "lu2019",
    "SymmetricCell",
    "NaCO2Cell",
    "NVPCell",
    "PlatingStripping",
    "Rest",
    "CyclicVoltammetry",
    "ImpedanceSpectroscopy",
    "SolidnaError",
    "InvalidOptionError",
    "UnitError",
    "DataFormatError",
    "OutOfRangeError",
    "OutOfRangeWarning",
    "ConvergenceError",
]
