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

__all__ = [
    "axis_label",
    "cycle_lines",
    "figure_axes",
    "nyquist_axes",
    "paper_row",
    "pretty_unit",
    "refuse_unused",
    "safe_name",
    "steady_axis",
    "wrapped_title",
    "write_summary",
]


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


#: Unit words typeset as the field writes them (Ohm -> the Greek capital omega, um -> micro-m).
_UNIT_WORDS = {"Ohm": "\u03a9", "ohm": "\u03a9", "um": "\u00b5m", "degC": "\u00b0C"}
#: Energy and charge units written as one word when followed by "h" (mA.h -> mAh, W.h -> Wh).
_HOUR_PREFIXED = {"A", "mA", "uA", "W", "mW", "kW"}


def pretty_unit(unit: str) -> str:
    """A PyBaMM-style unit (``"mA.h.g-1"``, ``"Ohm.cm2"``) in the field's notation for an axis
    (``"mAh g$^{-1}$"``, ``"Ω cm$^{2}$"``): factors separated by a space, exponents raised.

    Parameters
    ----------
    unit : str
        Unit written with ``.`` between factors and the exponent after each (``m2``, ``s-1``).
        Anything that is not such a product (``%``, ``at.%``, ``-``) is returned unchanged.
    """
    parts = unit.split(".")
    if not all(re.fullmatch(r"[A-Za-z\u00b5]+-?\d*", p) for p in parts):
        return unit
    out: list[str] = []
    for part in parts:
        name, power = re.fullmatch(r"([A-Za-z\u00b5]+)(-?\d*)", part).groups()
        if name == "h" and not power and out and out[-1] in _HOUR_PREFIXED:
            out[-1] += "h"
            continue
        word = _UNIT_WORDS.get(name, name)
        out.append(f"{word}$^{{{power}}}$" if power else word)
    return " ".join(out)


def axis_label(label: str) -> str:
    """``"Quantity [unit]"`` with its unit typeset by :func:`pretty_unit` (other text kept)."""
    return re.sub(r"\[([^\[\]]+)\]", lambda m: f"[{pretty_unit(m.group(1))}]", label)


def nyquist_axes(ax, unit: str) -> None:
    """Nyquist axes as the field draws them: Z' right, -Z'' up, both in ``unit``, equal aspect
    (a semicircle stays round).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    unit : str
        Impedance unit, PyBaMM style (``"Ohm"``, ``"Ohm.cm2"``).
    """
    u = pretty_unit(unit)
    ax.set_xlabel(f"Z' [{u}]")
    ax.set_ylabel(f"\u2212Z'' [{u}]")
    ax.set_aspect("equal", adjustable="datalim")


#: Smallest span of a y axis, as a fraction of the values' magnitude (:func:`steady_axis`).
STEADY_SPAN_FRACTION = 0.02


def steady_axis(ax, values, fraction: float = STEADY_SPAN_FRACTION) -> None:
    """Give a y axis whose values barely change (a capacity-limited cycle's capacity, a
    coulombic efficiency of 99.9998 %) a span of at least ``fraction`` of their magnitude and
    plain tick labels: matplotlib would zoom into the last digits and write the axis as an
    offset ("1e-9+9.99999e2").

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    values : array-like
        The values drawn on the axis (NaN ignored).
    fraction : float
        Smallest span as a fraction of max(|values|) [-].
    """
    import numpy as np

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    if v.size == 0:
        return
    lo, hi = float(v.min()), float(v.max())
    span = fraction * max(abs(lo), abs(hi))
    if hi - lo < span:
        mid = 0.5 * (lo + hi)
        ax.set_ylim(mid - span, mid + span)


def wrapped_title(ax, text: str, width: int | None = None, **kwargs: Any) -> None:
    """Set ``text`` as the title of ``ax``, wrapped onto lines that fit the axes (a long file
    name is otherwise cut at the figure's edge).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    text : str
    width : int, optional
        Characters per line [default: from the axes' width, ~9 per inch at 12 pt].
    **kwargs
        Passed to ``ax.set_title``.
    """
    import textwrap

    if width is None:
        inches = ax.get_position().width * ax.figure.get_figwidth()
        width = max(20, int(9.5 * inches))
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)
    ax.set_title("\n".join(lines) or text, **kwargs)


def cycle_lines(ax, segments, cycles, cmap: str = "viridis", label: str = "Cycle number"):
    """Draw curves coloured by their cycle number, with a colour bar saying so.

    One :class:`~matplotlib.collections.LineCollection` for all curves (a run of hundreds of
    cycles draws as fast as one curve).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    segments : sequence of (N_i, 2) arrays
        x, y of each curve.
    cycles : sequence of int
        Cycle number of each curve.
    cmap : str
        A perceptually uniform, colour-blind-safe map (viridis by default).
    label : str
        Colour bar label.

    Returns
    -------
    matplotlib.colorbar.Colorbar or None
        None when there is a single cycle (a colour bar of one value says nothing).
    """
    import numpy as np
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize
    from matplotlib.ticker import MaxNLocator

    cycles = np.asarray(cycles, dtype=float)
    lo, hi = (float(cycles.min()), float(cycles.max())) if cycles.size else (1.0, 1.0)
    lines = LineCollection(
        list(segments), array=cycles, cmap=cmap, norm=Normalize(lo, max(hi, lo + 1)), lw=1
    )
    ax.add_collection(lines)
    ax.autoscale_view()
    if hi <= lo:
        lines.set_array(None)
        lines.set_color("C0")
        return None
    bar = ax.figure.colorbar(lines, ax=ax, label=label, pad=0.02)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    return bar


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
