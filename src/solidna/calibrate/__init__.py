"""Reproducible parameter fits: each routine reads only ``calibrate`` targets and writes its fitted
values, with provenance (targets, residuals, routine, solidna version), into the parameter set."""

from __future__ import annotations

from typing import Any

__all__ = ["calibrate_electrolyte"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `python -m solidna.calibrate.electrolyte` does not find the module
    # already imported by its package (runpy's RuntimeWarning).
    if name == "calibrate_electrolyte":
        from solidna.calibrate.electrolyte import calibrate_electrolyte

        return calibrate_electrolyte
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
