"""What every kind of ``solidna analyze`` shares: the figures' style, the paper-comparison rows,
safe file names, the summary and report files, and the refusal of an option the kind would ignore.

Used by :mod:`solidna.analysis.pipeline` (the electrochemical kinds) and
:mod:`solidna.analysis.surface_pipeline` (XPS, AFM, topography).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from solidna.errors import InvalidOptionError

__all__ = ["figure_axes", "paper_row", "refuse_unused", "safe_name", "write_summary"]


def refuse_unused(
    kind: str, table: Mapping[tuple[str, ...], tuple[str, ...]], given: Mapping[str, Any]
) -> None:
    """Refuse a keyword given (not None) that ``kind`` would ignore.

    Parameters
    ----------
    kind : str
        The kind of analysis.
    table : mapping
        Keyword names -> the kinds they act on.
    given : mapping
        Keyword -> value as passed (None: not given).

    Raises
    ------
    InvalidOptionError
        Naming the keyword, the kind given and the kinds it acts on.
    """
    for names, kinds in table.items():
        wrong = [n for n in names if kind not in kinds and given.get(n) is not None]
        if wrong:
            raise InvalidOptionError(
                f"{wrong[0]} applies to kind {' or '.join(kinds)} only and would be "
                f"ignored with kind {kind!r}; leave it out or change the kind."
            )


def paper_row(target_id: str, measured: float | None, note: str) -> dict[str, Any]:
    """Entry of the paper comparison of ``solidna analyze``: the paper's number beside the
    measured one (None when not finite).

    Parameters
    ----------
    target_id : str
        Id of the target (``"figS8.roughness"``).
    measured : float or None
        The measured value, in the target's unit.
    note : str
        Where the measured value comes from.

    Returns
    -------
    dict
        ``id``, ``quantity``, ``paper``, ``measured``, ``unit``, ``note``.
    """
    from solidna.targets import get_target

    t = get_target(target_id)
    return {
        "id": t.id,
        "quantity": t.quantity,
        "paper": t.value,
        "measured": None if measured is None or not math.isfinite(measured) else measured,
        "unit": t.unit,
        "note": note,
    }


def safe_name(name: str, fallback: str) -> str:
    """``name`` as a file-name part (letters, digits, ``._-``), or ``fallback`` when none is left.

    Parameters
    ----------
    name : str
        A file's stem or a region's label.
    fallback : str
        What to use when nothing of ``name`` is left (``"file"``, ``"region"``).
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or fallback


def figure_axes(figsize=(7, 3.8), nrows: int = 1, ncols: int = 1, **kwargs: Any):
    """``plt.subplots`` in the report style (:mod:`solidna.report.style`), for every figure of
    ``solidna analyze``.

    Parameters
    ----------
    figsize : (float, float)
        Width and height [inch].
    nrows, ncols : int
        Grid of axes.
    **kwargs
        Passed to ``plt.subplots`` (e.g. ``sharex``).

    Returns
    -------
    (matplotlib.figure.Figure, axes)
    """
    import matplotlib.pyplot as plt

    from solidna.report.style import apply_style

    apply_style()
    return plt.subplots(nrows, ncols, figsize=figsize, **kwargs)


def write_summary(
    writer,
    render: Callable[[Mapping[str, Any], Mapping[str, Path]], str],
    progress: Callable[[str, float | None], None],
    at: float,
    tic: float,
    **content: Any,
) -> dict[str, Any]:
    """Write ``summary.json`` and ``report.html`` of ``solidna analyze`` (every kind).

    Parameters
    ----------
    writer : object
        The output writer (``path(relative)``, ``files``, ``out``).
    render : callable
        Makes the HTML report from the summary and the figure paths.
    progress : callable
        Called as ``progress(message, fraction)``.
    at : float
        Fraction of the whole work done when the writing starts [-].
    tic : float
        Start time from :func:`time.perf_counter` [s], for the wall time.
    **content
        ``kind``, ``files``, ``inputs``, ``results``, ``comparisons``, ``notes``.

    Returns
    -------
    dict
        The summary as written.
    """
    from solidna import __version__
    from solidna.io_utils import write_json
    from solidna.targets import paper_info

    paper = paper_info()
    summary: dict[str, Any] = {
        "kind": content["kind"],
        "paper": {"citation": paper.get("citation", ""), "doi": paper.get("doi", "")},
        "solidna_version": __version__,
        "files": content["files"],
        "inputs": content["inputs"],
        "results": content["results"],
        "paper comparison": content["comparisons"],
        "notes": content["notes"],
        "wall time [s]": round(time.perf_counter() - tic, 3),
        "outputs": writer.files + ["summary.json", "report.html"],
    }
    figures = {Path(f).stem: writer.out / f for f in writer.files if f.startswith("figures/")}
    progress("writing summary.json and report.html", at)
    write_json(writer.path("summary.json"), summary)
    writer.path("report.html").write_text(render(summary, figures), encoding="utf-8")
    progress("done", 1.0)
    return summary
