"""Cells: a model, a parameter set and a protocol give a :class:`~solidna.cells.base.Result`.

* :class:`SymmetricCell` - Na|SSE|Na (Fig. 4): cycling, rest, CV and impedance;
* :class:`NaCO2Cell` - Na|SSE|CO2 (Fig. 5): full discharge and capacity-limited cycling;
* :class:`NVPCell` - Na|SSE|Na3V2(PO4)3 (Fig. S31): galvanostatic cycling and rate tests.

What the three share (anode choice, the user's conditions, the electrolyte's validity checks,
the run record, saving a result) is written once in :mod:`solidna.cells.base`.
"""

from solidna.cells.base import ANODE_ALIASES, ANODES, Cell, Result
from solidna.cells.na_co2 import NaCO2Cell, NaCO2Result
from solidna.cells.nvp import NVPCell, NVPResult
from solidna.cells.symmetric import CVResult, CyclingResult, EISResult, SymmetricCell

__all__ = [
    "Cell",
    "Result",
    "ANODES",
    "ANODE_ALIASES",
    "SymmetricCell",
    "NaCO2Cell",
    "NVPCell",
    "CyclingResult",
    "CVResult",
    "EISResult",
    "NaCO2Result",
    "NVPResult",
]
