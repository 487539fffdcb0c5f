"""Writing a result as ``<stem>.csv``, ``<stem>.json`` and ``<stem>.png``, staged."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from solidna._docstrings import fill_doc

__all__ = ["SavedResult", "save_result", "run_info"]


def run_info(wall_time_s: float) -> dict[str, Any]:
    """The ``run`` record of a result's JSON: when it was written, the wall time [s] it took and
    the versions of the quantum-chemistry packages."""
    from solidna.quantum.cache import package_versions

    return {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "wall_time_s": round(wall_time_s, 2),
        "versions": package_versions(),
    }


def save_result(
    out: str | os.PathLike[str],
    stem: str,
    table: Any,
    data: dict[str, Any],
    figure: Callable[[], Any] | None,
    force: bool = False,
) -> list[Path]:
    """Write the table (CSV), the data (JSON) and the figure (PNG, when ``figure`` is given).

    Everything goes into a staging directory that is moved into ``out`` only when complete
    (:func:`solidna.io_utils.output_dir`), so a failed run leaves nothing half-written.

    Parameters
    ----------
    out : str or os.PathLike
        Output directory.
    stem : str
        File name stem (``stem.csv``, ``stem.json``, ``stem.png``).
    table : pandas.DataFrame
        The table written as CSV.
    data : dict
        JSON-able data.
    figure : callable or None
        Returns the matplotlib figure to save; ``None`` for no figure.
    force : bool, optional
        Overwrite a non-empty ``out``.

    Returns
    -------
    list of pathlib.Path
        The files written, at their final place in ``out``.

    Raises
    ------
    OutputExistsError
        If ``out`` is a non-empty directory and ``force`` is False.
    """
    from solidna.io_utils import output_dir, write_csv, write_json

    names = [f"{stem}.csv", f"{stem}.json"]
    with output_dir(out, force) as stage:
        write_csv(stage / names[0], table)
        write_json(stage / names[1], data)
        if figure is not None:
            import matplotlib.pyplot as plt

            fig = figure()
            fig.savefig(stage / f"{stem}.png", dpi=150)
            plt.close(fig)  # saved: free its memory (a screen or a study draws one per call)
            names.append(f"{stem}.png")
    return [Path(out).expanduser() / n for n in names]


class SavedResult:
    """A result that is saved as its table, its data and its figure (:func:`save_result`).

    A subclass sets ``STEM`` (the file stem) and has ``table()``, ``as_dict()`` and ``plot()``;
    ``_drawable()`` says whether there is anything to draw.
    """

    STEM = "result"

    def _drawable(self) -> bool:
        return True

    @fill_doc
    def save(self, out: str | os.PathLike[str], force: bool = False) -> list[Path]:
        """Write ``<stem>.csv`` (the table), ``<stem>.json`` (all the data) and ``<stem>.png``
        (the figure, when there is anything to draw) into ``out``, staged; the stem is the
        result's kind (``screen``, ``decision``).

        %(Parameters: out, force)s

        %(Returns: files_written)s

        %(Raises: output_exists)s
        """
        figure = self.plot if self._drawable() else None
        return save_result(out, self.STEM, self.table(), self.as_dict(), figure, force)
