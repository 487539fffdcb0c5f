"""What a figure module returns to the reproduce runner.

Each figure module (``solidna.reproduce.fig3``, ``...fig4``) defines ``PREFIXES`` (the target-id
prefixes it covers, e.g. ``("fig4", "figS18")``), optionally ``EXPECTED_WALL_TIME_S`` (a typical
wall time, so that the runner can weigh its share of the progress bar), and
``run(progress) -> FigureOutput``. A figure module computes model values; it never tunes a
parameter and never reads a target value to make a model value (it may read targets for plotting
the paper's numbers beside the model's, and for captions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from solidna.progress import Progress, no_progress

__all__ = ["TargetResult", "FigureOutput", "Note", "Progress", "no_progress"]


@dataclass
class TargetResult:
    """The model's value for one target id, computed in this run."""

    id: str
    model: float | bool | None
    note: str = ""


class Note(str):
    """A note of the report (a string), and the targets whose result it explains.

    Parameters
    ----------
    text : str
        The note.
    about : iterable of str
        Target ids or id prefixes (``"fig1d"``, ``"abstract.mna"``) whose results the note
        explains; a missed result of the report links to every note about it. Empty for a note
        about the figure as a whole.

    Examples
    --------
    >>> note = Note("Fig. 1d: semi-empirical MD", ["fig1d"])
    >>> note.explains("fig1d.na_accelerates"), note.explains("fig1c.lumo_shift_on_na")
    (True, False)
    >>> "semi-empirical" in note
    True
    """

    about: tuple[str, ...]

    def __new__(cls, text: str, about: Iterable[str] = ()) -> Note:
        note = super().__new__(cls, text)
        note.about = tuple(about)
        return note

    @property
    def text(self) -> str:
        """The note as a plain string."""
        return str.__str__(self)

    def explains(self, target_id: str) -> bool:
        """Whether this note is about ``target_id`` (an id starting with one of ``about``, as
        for ``solidna reproduce --only``)."""
        return any(target_id.startswith(p) for p in self.about)


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

    def note(self, text: str, *about: str) -> None:
        """Add a note to the report that explains the results of the targets ``about``."""
        self.notes.append(Note(text, tuple(about)))
