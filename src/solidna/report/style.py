"""Shared look of every solidna figure: one style, one palette, one marker for the paper's numbers.

Figure modules call :func:`apply_style` once before drawing and use the constants below, so that
pristine Na and modified Na (M-Na) have the same colour in every figure, and the paper's values are
always drawn the same way beside the model's curves.

Examples
--------
>>> from solidna.report.style import MODIFIED, PAPER_MARKER, PRISTINE
>>> PAPER_MARKER["marker"]
'o'
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "PRISTINE",
    "MODIFIED",
    "MODEL_LINE",
    "PAPER_MARKER",
    "PAPER_SCATTER",
    "PALETTE",
    "RC_PARAMS",
    "apply_style",
    "label_log_axis",
]

# Okabe-Ito colour-blind-safe palette.
PRISTINE: str = "#D55E00"  # vermillion: pristine Na anode (Na|SSE|Na, Na-CO2 with Na)
MODIFIED: str = "#0072B2"  # blue: FEC/NaClO4-treated anode (M-Na)
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)

# Model curves: solid lines.
MODEL_LINE: dict[str, Any] = {"linestyle": "-", "linewidth": 1.6}

# Paper values, for ``ax.plot(x, y, **PAPER_MARKER, label="paper")``: open black circles, no line.
PAPER_MARKER: dict[str, Any] = {
    "marker": "o",
    "markersize": 7,
    "markerfacecolor": "none",
    "markeredgecolor": "black",
    "markeredgewidth": 1.3,
    "linestyle": "none",
    "zorder": 5,
}

# The same look for ``ax.scatter(x, y, **PAPER_SCATTER, label="paper")``.
PAPER_SCATTER: dict[str, Any] = {
    "marker": "o",
    "s": 49,
    "facecolors": "none",
    "edgecolors": "black",
    "linewidths": 1.3,
    "zorder": 5,
}

RC_PARAMS: dict[str, Any] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.linewidth": 1.6,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.autolayout": True,  # tight layout on every draw and save
}


def apply_style() -> None:
    """Apply the solidna matplotlib style (readable fonts, light grid, tight layout, palette).

    Updates :data:`matplotlib.rcParams` in place; call it once before creating figures.
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(RC_PARAMS)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(PALETTE))


def label_log_axis(axis: Any, values: Any, max_ticks: int = 8) -> None:
    """Put a log axis' ticks at the plotted ``values``, written as plain numbers (50, 100, 200).

    Over a decade or two matplotlib labels a log axis "6x10^1, 2x10^2, 3x10^2 4x10^2" and the
    labels run into each other; a handful of swept values (currents, thicknesses) read better
    as the values themselves. With more than ``max_ticks`` distinct positive values the axis is
    left as matplotlib draws it.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis`` of a log-scaled axes.
    values : array_like of float
        The values plotted along the axis, in the axis' unit.
    max_ticks : int, optional
        Most distinct values given their own tick (default 8).
    """
    import math

    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    ticks = sorted({float(v) for v in values if math.isfinite(float(v)) and float(v) > 0})
    if not 0 < len(ticks) <= max_ticks:
        return
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())
