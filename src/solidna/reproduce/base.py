"""What a figure module returns to the reproduce runner.

Each figure module (``solidna.reproduce.fig3``, ``...fig4``) defines ``PREFIXES`` (the target-id
prefixes it covers, e.g. ``("fig4", "figS18")``), optionally ``EXPECTED_WALL_TIME_S`` (a typical
wall time, so that the runner can weigh its share of the progress bar), and
``run(progress) -> FigureOutput``. A figure module computes model values; it never tunes a
parameter and never reads a target value to make a model value (it may read targets for plotting
the paper's numbers beside the model's, and for captions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from solidna.progress import Progress, no_progress
from solidna.report.notes import Note

__all__ = ["TargetResult", "FigureOutput", "Note", "Progress", "no_progress"]


@dataclass
class TargetResult:
    """The model's value for one target id, computed in this run."""

    id: str
    model: float | bool | None
    note: str = ""


@dataclass
class FigureOutput:
    """Model values, figures, captions and notes produced by one figure module."""

    name: str
    results: list[TargetResult] = field(default_factory=list)
    # file stem -> matplotlib Figure (written as figures/<stem>.png)
    figures: dict[str, Any] = field(default_factory=dict)
    # file stem -> caption shown beneath the figure: what it shows, and where the paper's numbers
    # (the markers) come from
    captions: dict[str, str] = field(default_factory=dict)
    # notes shown in the report; a Note also names the targets whose results it explains
    notes: list[str] = field(default_factory=list)

    def figure(self, stem: str, figure: Any, caption: str) -> None:
        """Add a figure with its caption (a figure without one would leave the reader guessing).

        Parameters
        ----------
        stem : str
            File stem of the figure (written as ``figures/<stem>.png``).
        figure : matplotlib.figure.Figure
            The figure.
        caption : str
            What the figure shows and where the paper's numbers (its markers) come from.
        """
        if not caption.strip():
            raise ValueError(f"figure {stem!r} needs a caption")
        self.figures[stem] = figure
        self.captions[stem] = caption

    def note(self, text: str, *about: str) -> None:
        """Add a note to the report that explains the results of the targets ``about``.

        Parameters
        ----------
        text : str
            The note.
        *about : str
            Target ids or id prefixes the note explains.
        """
        self.notes.append(Note(text, tuple(about)))
