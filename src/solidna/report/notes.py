"""A note of the report that knows which targets it explains."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Note"]


class Note(str):
    """A note of the report (a string), and the targets whose result it explains.

    ``Note(text, about)``: ``text`` is the note; ``about`` the target ids or id prefixes
    (``"fig1d"``, ``"abstract.mna"``) whose results it explains (a missed result of the report
    links to every note about it; empty for a note about the figure as a whole).

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
        for ``solidna reproduce --only``).

        Parameters
        ----------
        target_id : str
            Target id (e.g. ``"fig4h.mna.overpotential.start"``).

        Returns
        -------
        bool
            True when the note is about it.
        """
        return any(target_id.startswith(p) for p in self.about)
