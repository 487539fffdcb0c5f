"""Maps of a sweep a researcher reads at a glance, as PNG and a self-contained HTML page.

- two or more grid axes: a heatmap of each output over the first two (one per value of a third
  axis, or :data:`MAX_PANELS` of them spread from its first value to its last; further axes at
  their first value, said in the title), one colour scale for all the maps of an output, every
  cell labelled with its value, ``failed``, ``pending`` or ``n.r.`` (the criterion was not
  reached within the run);
- one grid axis: each output as a line over it;
- a sampled design: each output against each varied quantity;
- the Pareto front of the first two outputs (better directions from the store's ``sense``);
- per-cycle outputs: one curve per point.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from solidna._docstrings import fill_doc
from solidna.sweep.store import CYCLE_DIM, DONE, FAILED, STATUS, status_counts
from solidna.units import plain_powers

__all__ = ["figures", "pareto_front", "write_plots", "write_report", "scalar_outputs"]

_NOT_OUTPUTS = ("status", "error", "run_status", "Cycle end time [h]")


#: Most design points whose curves get a legend entry each (more would hide the plot).
MAX_LEGEND_POINTS = 12


def _design_dims(ds) -> tuple[str, ...]:
    return tuple(ds["status"].dims)


@fill_doc
def scalar_outputs(ds) -> list[str]:
    """The outputs with one value per point (in the spec's order).

    Parameters
    ----------
    %(sweep_dataset)s

    Returns
    -------
    list of str
        Output names.
    """
    dims = set(_design_dims(ds))
    names = json.loads(ds.attrs.get("spec", "{}")).get("outputs", list(ds.data_vars))
    return [n for n in names if n in ds and n not in _NOT_OUTPUTS and set(ds[n].dims) == dims]


def _per_cycle_outputs(ds) -> list[str]:
    return [n for n in ds.data_vars if n not in _NOT_OUTPUTS and CYCLE_DIM in ds[n].dims]


def _words(name: str) -> str:
    """A varied quantity as people name it: ``sse_thickness`` is "SSE thickness" (its parameter
    entry's words), ``current_density`` "current density"; a parameter entry loses its unit
    bracket (its values are in the spec's unit)."""
    from solidna.sweep.cells import CONDITION_ENTRIES

    name = CONDITION_ENTRIES.get(name, name).replace("_", " ")
    return name[: name.rfind("[")].rstrip() if name.endswith("]") else name


def _axis_label(ds, name: str) -> str:
    """A varied quantity in words with the spec's unit: "SSE thickness [um]"."""
    unit = plain_powers(ds[name].attrs.get("units", ""))
    return f"{_words(name)} [{unit}]" if unit else _words(name)


def pareto_front(x: np.ndarray, y: np.ndarray, sense_x: str, sense_y: str) -> np.ndarray:
    """Indices of the non-dominated points (NaN excluded), sorted by ``x``.

    A point is dominated when another is at least as good in both outputs and better in one;
    ``sense`` is ``"max"`` or ``"min"`` per output.

    Parameters
    ----------
    x, y : numpy.ndarray of float
        The two outputs, one value per point (each in its own unit).
    sense_x, sense_y : {"max", "min"}
        Whether larger or smaller is better.

    Returns
    -------
    numpy.ndarray of int
        Indices of the front's points.
    """
    sx = 1.0 if sense_x == "max" else -1.0
    sy = 1.0 if sense_y == "max" else -1.0
    ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    a, b = sx * x[ok], sy * y[ok]
    front = [
        i
        for k, i in enumerate(ok)
        if not np.any((a >= a[k]) & (b >= b[k]) & ((a > a[k]) | (b > b[k])))
    ]
    return np.asarray(sorted(front, key=lambda i: x[i]), dtype=int)


def _fmt(v: float) -> str:
    """Three significant digits, without an exponent from 0.001 to 10^6: ``.3g`` labelled the
    capacity limit of 1000 mAh/g and a current of 1000 mA/g "1e+03"."""
    if np.isfinite(v) and 1e-3 <= abs(v) < 1e6:
        return np.format_float_positional(v, precision=3, unique=False, fractional=False, trim="-")
    return f"{v:.3g}"


#: Heatmaps drawn along a third grid axis at most (one per value; further axes at their first).
MAX_PANELS = 4


def _panel_indices(n: int, most: int = MAX_PANELS) -> list[int]:
    """Indices of the values of a third grid axis drawn as panels: all of them when they fit,
    else ``most`` spread from the first to the last (the first ``most`` alone hid the far end of
    the axis, e.g. 200 um of a 40-200 um thickness axis)."""
    if n <= most:
        return list(range(n))
    return sorted({int(round(i)) for i in np.linspace(0, n - 1, most)})


def _colour_limits(ds, name: str) -> tuple[float, float] | tuple[None, None]:
    """One colour scale for every panel of an output (its finite values over the whole design):
    panels scaled each to their own range showed equal colours for unequal values."""
    v = np.asarray(ds[name].values, dtype=float)
    v = v[np.isfinite(v)]
    return (float(v.min()), float(v.max())) if v.size else (None, None)


def _heatmap(ds, name: str, dims: tuple[str, ...], sel: dict[str, int]):
    """``name`` over ``dims[0]`` and ``dims[1]``, the other axes at the indices ``sel``; the
    colour scale spans the output's values over the whole design."""
    from solidna.cells.base import _styled_axes

    da = ds[name].isel(sel)
    st = ds["status"].isel(sel)
    ydim, xdim = dims[0], dims[1]
    z = da.transpose(ydim, xdim).values
    s = st.transpose(ydim, xdim).values
    fig, ax = _styled_axes((1.2 + 0.9 * z.shape[1] + 1.5, 1.2 + 0.6 * z.shape[0]))
    vmin, vmax = _colour_limits(ds, name)
    mesh = ax.imshow(
        np.ma.masked_invalid(z),
        origin="lower",
        aspect="auto",
        cmap="viridis",
        vmin=vmin,
        vmax=vmax,
    )
    # the title names the quantity; the colour bar carries its unit (the whole name beside a
    # narrow bar ran off the figure)
    fig.colorbar(mesh, ax=ax, label=plain_powers(ds[name].attrs.get("units", "")) or None)
    not_reached = False
    for (i, j), v in np.ndenumerate(z):
        text = (
            "failed"
            if s[i, j] == FAILED
            else ("pending" if s[i, j] != DONE else ("n.r." if np.isnan(v) else _fmt(v)))
        )
        not_reached |= text == "n.r."
        # dark text on the bright end of the colour map, white on the dark end
        dark = not np.isfinite(v) or _luminance(mesh.cmap(mesh.norm(v))) > 0.5
        ax.text(j, i, text, ha="center", va="center", fontsize=7, color="k" if dark else "w")
    ax.grid(False)
    ax.set_xticks(range(z.shape[1]), [_fmt(v) for v in ds[xdim].values])
    ax.set_yticks(range(z.shape[0]), [_fmt(v) for v in ds[ydim].values])
    ax.set_xlabel(_axis_label(ds, xdim))
    ax.set_ylabel(_axis_label(ds, ydim))
    rest = ", ".join(_value_label(ds, d, float(ds[d].values[i])) for d, i in sel.items())
    ax.set_title(name + (f"\n({rest})" if rest else ""), fontsize=9)
    if not_reached:
        ax.annotate(
            "n.r.: not reached within the run",
            (0, 0),
            xycoords="figure fraction",
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7,
        )
    fig.tight_layout()
    return fig


def _value_label(ds, name: str, value: float) -> str:
    """``"SSE thickness 40 um"``: a varied quantity's words, one value and its unit."""
    unit = plain_powers(ds[name].attrs.get("units", ""))
    return f"{_words(name)} {_fmt(value)}" + (f" {unit}" if unit else "")


def _luminance(rgba: tuple[float, ...]) -> float:
    """Relative luminance [-] of a colour (ITU-R BT.709 weights), to pick a readable text."""
    r, g, b = rgba[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _against(ds, name: str, axes: list[str], style: str):
    """``name`` against each varied quantity in ``axes`` (a line over a grid axis, dots over
    samples)."""
    from solidna.cells.base import _styled_axes
    from solidna.report.style import label_log_axis

    fig, axs = _styled_axes((1.9 + 3.6 * len(axes), 3.6), ncols=len(axes))
    for ax, a in zip(np.atleast_1d(axs), axes, strict=True):
        ax.plot(ds[a].values, ds[name].values, style, ms=4)
        if ds[a].attrs.get("scale") == "log":
            ax.set_xscale("log")
            label_log_axis(ax.xaxis, np.ravel(ds[a].values))
        ax.set_xlabel(_axis_label(ds, a))
        ax.set_ylabel(name)
    fig.tight_layout()
    return fig


def _censored(ds, name: str) -> np.ndarray:
    """Points whose criterion was not reached within the run (done, NaN, a time_to output):
    better than any point that reached it."""
    done = ds["status"].values.ravel() == DONE
    is_criterion = "not reached" in ds[name].attrs.get("note", "")
    return done & np.isnan(ds[name].values.ravel()) & is_criterion


def _pareto(ds, xname: str, yname: str):
    from solidna.cells.base import _styled_axes

    x = ds[xname].values.ravel().astype(float)
    y = ds[yname].values.ravel().astype(float)
    sx, sy = ds[xname].attrs.get("sense", "max"), ds[yname].attrs.get("sense", "max")
    # a criterion not reached within the run ranks beyond every reached one: drawn at the edge
    for v, name, sense in ((x, xname, sx), (y, yname, sy)):
        cens = _censored(ds, name)
        finite = v[np.isfinite(v)]
        if cens.any():
            span = (finite.max() - finite.min()) if finite.size else 1.0
            edge = (finite.max() if finite.size else 0.0) + 0.1 * (span or 1.0)
            if sense == "min":
                edge = (finite.min() if finite.size else 0.0) - 0.1 * (span or 1.0)
            v[cens] = edge
    front = pareto_front(x, y, sx, sy)
    fig, ax = _styled_axes((5.5, 4))
    ax.plot(x, y, "o", color="0.6", ms=4, label="design points")
    if front.size:
        ax.plot(x[front], y[front], "o-", color="C3", label="Pareto front")
    cens = _censored(ds, xname) | _censored(ds, yname)
    if cens.any():
        ax.plot(x[cens], y[cens], ">", mfc="none", color="k", ms=8, label="not reached in the run")
    ax.set_xlabel(f"{plain_powers(xname)} ({'higher' if sx == 'max' else 'lower'} is better)")
    ax.set_ylabel(f"{plain_powers(yname)} ({'higher' if sy == 'max' else 'lower'} is better)")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def _cycles(ds, name: str):
    from solidna.cells.base import _styled_axes

    dims = _design_dims(ds)
    stacked = ds[name].stack(point=dims).transpose("point", CYCLE_DIM)
    n = stacked.shape[0]
    # a legend names each point's design values while it stays readable
    varied = [
        v for v in json.loads(ds.attrs.get("spec", "{}")).get("vary", {}) if v in stacked.coords
    ]
    labelled = 0 < n <= MAX_LEGEND_POINTS and bool(varied)
    fig, ax = _styled_axes((8.5 if labelled else 5.5, 3.6))
    for k in range(n):
        label = (
            ", ".join(_value_label(ds, v, float(stacked[v].values[k])) for v in varied)
            if labelled
            else None
        )
        ax.plot(ds[CYCLE_DIM].values, stacked.values[k], lw=0.8, alpha=0.8, label=label)
    ax.set_xlabel("Cycle number")
    ax.set_ylabel(name)
    ax.set_title(f"{name}: one curve per design point ({n})", fontsize=9)
    if labelled:
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def _note(ds, name: str) -> str:
    """What an output is, beyond its name: the store's own note, or for the energy figure what
    it integrates and over what (:data:`~solidna.sweep.outputs.ENERGY_NOTES`)."""
    from solidna.sweep.outputs import ENERGY, ENERGY_NOTES

    note = str(ds[name].attrs.get("note", ""))
    cell = json.loads(ds.attrs.get("spec", "{}")).get("cell", "")
    if not note and cell in ENERGY and ENERGY[cell][0] == name:
        note = ENERGY_NOTES.get(cell, "")
    return note


@fill_doc
def figures(ds) -> dict[str, Any]:
    """Figure stem -> (matplotlib Figure, caption) for a store's Dataset.

    Parameters
    ----------
    %(sweep_dataset)s

    Returns
    -------
    dict
        Figure stem -> (Figure, caption).
    """
    dims = _design_dims(ds)
    outputs = scalar_outputs(ds)
    figs: dict[str, Any] = {}
    grid = dims != ("sample",)
    for k, name in enumerate(outputs):
        stem = f"output{k + 1}"
        # what a figure is (an energy summed over the run), said where its maps are read
        note = _note(ds, name)
        about = f" {note[0].upper()}{note[1:].rstrip('.')}." if note else ""
        if grid and len(dims) >= 2:
            third = _panel_indices(ds.sizes[dims[2]]) if len(dims) > 2 else [None]
            for j in third:
                sel = {d: 0 for d in dims[2:]} | ({dims[2]: j} if j is not None else {})
                at = ", ".join(_value_label(ds, d, float(ds[d].values[i])) for d, i in sel.items())
                figs[stem if j is None else f"{stem}_{j + 1}"] = (
                    _heatmap(ds, name, dims, sel),
                    f"{name} over {_words(dims[0])} and {_words(dims[1])}"
                    + (f" ({at}); one colour scale for all its maps." if sel else ".")
                    + about,
                )
        elif grid:
            figs[stem] = (
                _against(ds, name, [dims[0]], "o-"),
                f"{name} over {_words(dims[0])}.{about}",
            )
        else:
            axes = [c for c in ds.coords if ds[c].dims == ("sample",) and c != "sample"]
            figs[stem] = (
                _against(ds, name, axes, "o"),
                f"{name} against each varied quantity.{about}",
            )
    if len(outputs) >= 2:
        figs["pareto"] = (
            _pareto(ds, outputs[0], outputs[1]),
            f"Pareto front of {outputs[0]} and {outputs[1]}: the designs no other beats in both.",
        )
    for k, name in enumerate(_per_cycle_outputs(ds)):
        figs[f"cycles{k + 1}"] = (_cycles(ds, name), f"{name} per cycle, every design point.")
    return figs


def _write(ds, out_dir: str | os.PathLike[str]) -> dict[str, tuple[Path, str]]:
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for stem, (fig, caption) in figures(ds).items():
        written[stem] = (out / f"{stem}.png", caption)
        fig.savefig(written[stem][0], dpi=130)
        plt.close(fig)
    return written


@fill_doc
def write_plots(ds, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write every figure of :func:`figures` as ``out_dir/<stem>.png``; return stem -> path.

    Parameters
    ----------
    %(sweep_dataset, out_dir)s

    Returns
    -------
    dict of str to pathlib.Path
        Figure stem -> file.
    """
    return {stem: path for stem, (path, _) in _write(ds, out_dir).items()}


def _failed_table(ds) -> str:
    dims = _design_dims(ds)
    st = ds["status"].values
    rows = []
    for idx in np.argwhere(st == FAILED):
        where = ", ".join(
            f"{d} = {_fmt(float(ds[d].values[i]))}" if d in ds.coords else f"{d} {i}"
            for d, i in zip(dims, idx, strict=True)
        )
        rows.append(
            f"<tr><td>{html.escape(where)}</td>"
            f"<td>{html.escape(str(ds['error'].values[tuple(idx)]))}</td></tr>"
        )
    if not rows:
        return "<p>No point failed.</p>"
    return f"<table><tr><th>point</th><th>error</th></tr>{''.join(rows)}</table>"


@fill_doc
def write_report(ds, out_dir: str | os.PathLike[str]) -> Path:
    """Write the figures and ``out_dir/report.html`` (self-contained: figures embedded).

    Parameters
    ----------
    %(sweep_dataset, out_dir)s

    Returns
    -------
    pathlib.Path
        The report file.
    """
    # the house page style of solidna's reports (the reproduction report's CSS and figures)
    from solidna.report.html import CSS, figure_html

    out = Path(out_dir)
    written = _write(ds, out)
    counts = status_counts(ds)
    spec = json.loads(ds.attrs.get("spec", "{}"))
    versions = json.loads(ds.attrs.get("package_versions", "{}"))
    pset = (
        f"{ds.attrs.get('parameter_set', '')} (hash {ds.attrs.get('parameter_set_hash', '')[:12]})"
    )
    count_row = "".join(f"<td>{counts[s]} {s}</td>" for s in STATUS.values())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(ds.attrs.get('title', 'solidna sweep'))}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{html.escape(ds.attrs.get('title', 'solidna sweep'))}</h1>",
        f"<table class='summary'><tr>{count_row}</tr></table>",
        "<h2>Maps</h2>",
        *(figure_html(stem, path, caption) for stem, (path, caption) in written.items()),
        "<h2>Failed points</h2>",
        _failed_table(ds),
        "<h2>Spec (as understood)</h2>",
        f"<pre class='mono'>{html.escape(json.dumps(spec, indent=2))}</pre>",
        "<h2>Run record</h2><table>",
        f"<tr><th>parameter set</th><td class='mono'>{html.escape(pset)}</td></tr>",
        *(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in versions.items()
        ),
        "</table></body></html>",
    ]
    page = out / "report.html"
    page.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return page
