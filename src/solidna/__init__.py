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
