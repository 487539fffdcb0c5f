"""PyBaMM models of the Lu 2019 cells. Only this folder imports pybamm.

* :mod:`~solidna.models.interphase` - the Na interphase submodel (modified / pristine),
* :mod:`~solidna.models.symmetric` - the Na|SSE|Na symmetric cell,
* :mod:`~solidna.models.solve` - build parameter values and solve (time domain, CV, impedance).
"""

from solidna.models.interphase import ANODE_TYPES, InterphaseSubmodel
from solidna.models.symmetric import SymmetricCellModel

__all__ = ["ANODE_TYPES", "InterphaseSubmodel", "SymmetricCellModel"]
