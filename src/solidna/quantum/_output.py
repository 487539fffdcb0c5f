"""Writing a result as ``<stem>.csv``, ``<stem>.json`` and ``<stem>.png``, staged."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["save_result"]


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
            figure().savefig(stage / f"{stem}.png", dpi=150)
            names.append(f"{stem}.png")
    return [Path(out).expanduser() / n for n in names]
