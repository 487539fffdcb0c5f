"""Reproducible parameter fits: each routine reads only ``calibrate`` targets and writes its fitted
values, with provenance (targets, residuals, routine, solidna version), into the parameter set.

* :func:`calibrate_electrolyte` - Fig. 3f-g (``fitted_electrolyte.toml``);
* :func:`calibrate_symmetric` - Fig. 4g-h (``fitted_symmetric.toml``);
* :func:`calibrate_na_co2` - Fig. 5c-f (``fitted_na_co2.toml``);
* :func:`calibrate_nvp` - Fig. S31 (``fitted_nvp.toml``);
* :func:`~solidna.calibrate.cv.fit_cv` - exchange current from a CV by a model fit.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["calibrate_electrolyte", "calibrate_symmetric", "calibrate_na_co2", "calibrate_nvp"]

_LAZY = {
    "calibrate_electrolyte": "solidna.calibrate.electrolyte",
    "calibrate_symmetric": "solidna.calibrate.symmetric",
    "calibrate_na_co2": "solidna.calibrate.na_co2",
    "calibrate_nvp": "solidna.calibrate.nvp",
}


def __getattr__(name: str) -> Any:
    # Imported lazily so that `python -m solidna.calibrate.<routine>` does not find the module
    # already imported by its package (runpy's RuntimeWarning), and importing the package stays
    # cheap.
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
