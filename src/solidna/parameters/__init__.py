"""Parameter sets with per-entry provenance.

A set is a folder of TOML files (``sets/<name>/*.toml``). Each entry carries a value, a unit, a
source (a key of ``references.bib`` or ``lu2019:<figure>``), a method (measured | literature |
fitted | estimated | assumed), and optionally an uncertainty, a validity range and a note. Fitted
entries are written only by the calibration routines (``solidna.calibrate``), which record the
targets used, the residuals and the solidna version in the same file.
"""

from solidna.parameters.parameter_set import (
    METHODS,
    Parameter,
    ParameterSet,
    available_sets,
    lu2019,
    set_directory,
)

__all__ = ["Parameter", "ParameterSet", "METHODS", "available_sets", "lu2019", "set_directory"]
