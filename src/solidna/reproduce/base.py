"""What a figure module returns to the reproduce runner.

Each figure module (``solidna.reproduce.fig3``, ``...fig4``) defines ``PREFIXES`` (the target-id
prefixes it covers, e.g. ``("fig4", "figS18")``) and ``run(progress) -> FigureOutput``. A figure
module computes model values; it never tunes a parameter and never reads a target value to make
a model value (it may read targets for plotting the paper's numbers beside the model's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TargetResult", "FigureOutput", "Progress", "no_progress"]

# progress(message, fraction_done_or_None)
Progress = Callable[[str, float | None], None]


def no_progress(message: str, fraction: float | None = None) -> None:
    """A progress callback that does nothing."""


@dataclass
class TargetResult:
    """The model's value for one target id, computed in this run."""

    id: str
    model: float | bool | None
    note: str = ""


@dataclass
class FigureOutput:
    """Model values and figures produced by one figure module."""

    name: str
    results: list[TargetResult] = field(default_factory=list)
    # file stem -> matplotlib Figure (written as figures/<stem>.png)
    figures: dict[str, Any] = field(default_factory=dict)
    # free-form notes shown in the report (e.g. why a validate target is missed)
    notes: list[str] = field(default_factory=list)
