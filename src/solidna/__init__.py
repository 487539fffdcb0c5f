"""solidna: the all-solid-state Na-CO2 battery of Lu et al. (Chem. Sci. 2019, 10, 4306) in software.

Layout (one concept per folder; data flows one way, and a layer imports only the ones before it)::

    errors, units, io_utils, progress   foundation: errors, quantities with units, files, progress
    parameters/  targets/  report/      parameter sets with provenance; the paper's numbers;
                                        figure style and HTML (presentation only)
    materials/                          SN/PVDF-HFP/NaClO4 electrolyte; Na-CO2 thermodynamics
    analysis/                           readers (io/), EIS, kinetics, cycling, metrics: arrays and
                                        files in, numbers out (used by simulated results too)
    quantum/                            first principles (RDKit, PySCF, tblite/ASE), lazy imports
    models/                             PyBaMM models: the interphase submodel, symmetric, na_co2, nvp
    protocols/                          typed steps: plating/stripping, rest, CV, EIS, Na-CO2, NVP
    cells/                              Cell and Result bases; SymmetricCell, NaCO2Cell, NVPCell
    calibrate/                          fits of the paper's calibrate numbers; the paper's experiments
    analysis/pipeline.py                what `solidna analyze` runs on measured files
    reproduce/                          one module per figure of the paper; the comparison
    cli/                                one module per command group, a thin layer over the API

Quick start::

    >>> import solidna as sd
    >>> cell = sd.SymmetricCell(anode="modified")
    >>> result = cell.cycle(current_density="0.1 mA/cm2", half_cycle="1 h", duration="4 h")
    >>> result.status
    'completed'

A bare number is read in SI units: ``current_density=0.1`` is 0.1 A/m2 (0.01 mA/cm2). Pass
strings with units (``"0.1 mA/cm2"``) to say what you mean.
"""

from __future__ import annotations

import os

# PyBaMM may ask an interactive telemetry question on first import; solidna never wants it.
os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

__version__ = "0.1.0"

import importlib  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from solidna.errors import (  # noqa: E402
    ConvergenceError,
    DataFormatError,
    InvalidOptionError,
    OutOfRangeError,
    OutOfRangeWarning,
    SolidnaError,
    UnitError,
)

if TYPE_CHECKING:
    from solidna.cells import NaCO2Cell, NVPCell, SymmetricCell
    from solidna.parameters import ParameterSet, lu2019
    from solidna.protocols import CyclicVoltammetry, ImpedanceSpectroscopy, PlatingStripping, Rest

# The cells and parameter sets are imported on first use (PEP 562): `import solidna` and the
# command line's start (--help, --version) then do not pay for pint, pandas and scipy (0.9 s).
_LAZY = {
    "SymmetricCell": "solidna.cells",
    "NaCO2Cell": "solidna.cells",
    "NVPCell": "solidna.cells",
    "ParameterSet": "solidna.parameters",
    "lu2019": "solidna.parameters",
    "PlatingStripping": "solidna.protocols",
    "Rest": "solidna.protocols",
    "CyclicVoltammetry": "solidna.protocols",
    "ImpedanceSpectroscopy": "solidna.protocols",
}
#: Subpackages reachable as attributes (``sd.protocols.RateTest``) without their own import.
_SUBPACKAGES = (
    "analysis",
    "calibrate",
    "cells",
    "materials",
    "models",
    "parameters",
    "protocols",
    "quantum",
    "reproduce",
    "sweep",
    "targets",
    "units",
)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"solidna.{name}")
    else:
        raise AttributeError(f"module 'solidna' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBPACKAGES))


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
