"""PyBaMM models of the Lu 2019 cells. Only this folder (and cells/) imports pybamm.

Every model follows PyBaMM's conventions (a positive current is a discharge and lowers the
voltage; PyBaMM's external circuit, variables, events and summary variables) and carries the
Lu 2019 values as ``default_parameter_values``, so ``pybamm.Simulation``, ``pybamm.Experiment``
and ``pybamm.EISSimulation`` run it as they run PyBaMM's own models:

* :mod:`~solidna.models.interphase` - the Na interphase submodel (modified / pristine),
* :mod:`~solidna.models.symmetric` - the Na|SSE|Na symmetric cell,
* :mod:`~solidna.models.na_co2` - the all-solid-state Na-CO2 cell,
* :mod:`~solidna.models.nvp` - the Na|SSE|NVP half-cell (PyBaMM's SPMe),
* :mod:`~solidna.models.parameter_values` - the parameter set as ``pybamm.ParameterValues``,
* :mod:`~solidna.models.solve` - build parameter values and solve (time domain, CV, impedance).
"""

from solidna.models.interphase import ANODE_TYPES, InterphaseSubmodel
from solidna.models.na_co2 import NaCO2CellModel
from solidna.models.nvp import NVPHalfCellModel
from solidna.models.parameter_values import provenance_table, pybamm_parameter_values
from solidna.models.symmetric import SymmetricCellModel

__all__ = [
    "ANODE_TYPES",
    "InterphaseSubmodel",
    "NaCO2CellModel",
    "NVPHalfCellModel",
    "SymmetricCellModel",
    "pybamm_parameter_values",
    "provenance_table",
]
