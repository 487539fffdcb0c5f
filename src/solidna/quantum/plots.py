"""Figures of the first-principles results: Fig. 1c-style orbital levels and Fig. 1d-style MD.

matplotlib is imported inside the functions; every function returns a ``matplotlib.figure.Figure``
made without pyplot's global state (safe in threads and in the reproduce runner).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np

from solidna.quantum.md import NAF_CRYSTAL_A2_NM

__all__ = ["levels_figure", "md_figure", "LevelColumn"]

#: Colours of occupied (HOMO) and unoccupied (LUMO) levels.
HOMO_COLOUR = "#0072B2"
LUMO_COLOUR = "#D55E00"

#: A HOMO more than this below the median HOMO is drawn at that floor, its value written [eV].
OFF_SCALE_EV = 8.0

# (label, HOMO [eV], LUMO [eV], marker text under the column)
LevelColumn = tuple[str, float, float, str]


def levels_figure(
    groups: Sequence[Sequence[LevelColumn]],
    title: str,
    paper_lumo: dict[str, float] | None = None,
) -> Any:
    """HOMO and LUMO levels as short bars, one column per species, grouped (Fig. 1c style).

    Parameters
    ----------
    groups : sequence of sequences of (label, HOMO_eV, LUMO_eV, note)
        Columns drawn side by side; a gap separates groups (e.g. [free, with Na+] per molecule).
        Dashed lines join the LUMOs (and HOMOs) within a group.
    title : str
        Figure title (state the level of theory).
    paper_lumo : dict, optional
        label -> the paper's LUMO [eV], drawn as open circles.
    """
    from matplotlib.figure import Figure

    from solidna.report.style import PAPER_MARKER, apply_style

    apply_style()
    n_cols = sum(len(g) for g in groups) + max(len(groups) - 1, 0)
    width_in = max(5.5, 1.1 * n_cols + 1.5)
    fig = Figure(figsize=(width_in, 4.8))
    # A level far below the others (the 2p of a bare Na+ at about -31 eV) would squash the
    # frontier levels into a line: it is drawn at the bottom edge with its value written out.
    homos = [c[1] for g in groups for c in g]
    floor = float(np.median(homos)) - OFF_SCALE_EV
    ax = fig.add_subplot()
    x = 0.0
    ticks, labels = [], []
    paper_drawn = False
    for g, group in enumerate(groups):
        xs = []
        for label, homo_true, lumo, note in group:
            homo = max(homo_true, floor)
            for energy, colour in ((homo, HOMO_COLOUR), (lumo, LUMO_COLOUR)):
                ax.hlines(
                    energy,
                    x - 0.3,
                    x + 0.3,
                    colors=colour,
                    linewidth=3,
                    linestyles="solid"
                    if energy == homo_true or colour == LUMO_COLOUR
                    else "dotted",
                )
            ax.annotate(
                f"{lumo:.2f}",
                (x, lumo),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color=LUMO_COLOUR,
            )
            ax.annotate(
                f"{homo_true:.2f}" + (" (off scale)" if homo != homo_true else ""),
                (x, homo),
                xytext=(0, -4),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=8,
                color=HOMO_COLOUR,
            )
            if paper_lumo and label in paper_lumo:
                ax.plot(
                    [x],
                    [paper_lumo[label]],
                    **PAPER_MARKER,
                    label=None if paper_drawn else "Lu 2019 (LUMO)",
                )
                paper_drawn = True
            ticks.append(x)
            labels.append(label + (f"\n{note}" if note else ""))
            xs.append((x, homo, lumo))
            x += 1.0
        for (x0, h0, l0), (x1, h1, l1) in zip(xs, xs[1:], strict=False):
            ax.plot([x0 + 0.3, x1 - 0.3], [l0, l1], ls="--", lw=0.8, color=LUMO_COLOUR)
            ax.plot([x0 + 0.3, x1 - 0.3], [h0, h1], ls="--", lw=0.8, color=HOMO_COLOUR)
        if g < len(groups) - 1:
            x += 0.6
    ax.plot([], [], color=LUMO_COLOUR, lw=3, label="LUMO")
    ax.plot([], [], color=HOMO_COLOUR, lw=3, label="HOMO")
    ax.set_xticks(ticks, labels, fontsize=8)
    ax.set_xlim(-0.7, x - 0.3)
    ax.set_ylabel("Orbital energy [eV]")
    ax.set_title(textwrap.fill(title, int(11 * width_in)), fontsize=9)
    ax.legend(loc="best", fontsize=8)
    return fig


def md_figure(summaries: Sequence[Any], title: str, paper: dict[str, float] | None = None) -> Any:
    """Bond lengths and the Na-F distance over time for each adsorbate (Fig. 1d style).

    Parameters
    ----------
    summaries : sequence of MDSummary
        One per adsorbate (e.g. FEC and FEC-Na+), with their trajectories.
    title : str
        Figure title (state the method and settings).
    paper : dict, optional
        Paper values drawn as markers: ``ring_opening_fs``, ``cf_cleavage_fs`` (for the first
        adsorbate) and ``na_f_80fs_A`` (for the last).
    """
    from matplotlib.figure import Figure

    from solidna.quantum.md import BOND_BREAK_FACTOR
    from solidna.report.style import PALETTE, PAPER_MARKER, apply_style

    apply_style()
    fig = Figure(figsize=(12, 3.6 * len(summaries)))
    axes = fig.subplots(len(summaries), 2, squeeze=False)
    for row, summary in enumerate(summaries):
        if not summary.trajectories:
            continue
        traj = summary.trajectories[0]
        t = np.asarray(traj.times_fs)
        lengths = np.asarray(traj.bond_lengths_A)
        ax = axes[row, 0]
        ring = {tuple(b) for b in traj.ring_bonds}
        for k, (i, j) in enumerate(traj.bonds):
            kind = {traj.symbols[i], traj.symbols[j]}
            if (i, j) not in ring and kind != {"C", "F"}:
                continue
            ratio = lengths[:, k] / lengths[0, k]
            style = "-" if kind == {"C", "F"} else "--"
            ax.plot(t, ratio, style, lw=1.2, label=traj.bond_label(k))
        ax.axhline(BOND_BREAK_FACTOR, color="0.4", lw=0.8, ls=":")
        ax.set_xlabel("Time [fs]")
        ax.set_ylabel("Bond length / length at t = 0")
        ax.set_title(
            f"{summary.adsorbate} on Na (seed {traj.seed}): ring and C-F bonds", fontsize=9
        )
        ax.legend(fontsize=7, ncol=2)
        if paper and row == 0:
            # the C-F label to the left of its marker: a paper time past the simulated one
            # stands at the axes' edge, where a label to its right was cut off
            for key, label, dx, dy, ha in (
                ("ring_opening_fs", "ring opens", 5, 8, "left"),
                ("cf_cleavage_fs", "C-F breaks", -5, -14, "right"),
            ):
                if key in paper:
                    ax.plot([paper[key]], [BOND_BREAK_FACTOR], **PAPER_MARKER)
                    ax.annotate(
                        f"Lu 2019: {label}",
                        (paper[key], BOND_BREAK_FACTOR),
                        xytext=(dx, dy),
                        textcoords="offset points",
                        ha=ha,
                        fontsize=7,
                    )
        ax = axes[row, 1]
        for n, tr in enumerate(summary.trajectories):
            if tr.na_f_A:
                ax.plot(
                    tr.times_fs,
                    np.asarray(tr.na_f_A) / 10,
                    color=PALETTE[n % len(PALETTE)],
                    lw=1.1,
                    label=f"seed {tr.seed}",
                )
        ax.axhline(
            NAF_CRYSTAL_A2_NM,
            color="0.3",
            lw=0.8,
            ls="--",
            label=f"NaF crystal ({NAF_CRYSTAL_A2_NM:.3f} nm)",
        )
        if paper and row == len(summaries) - 1 and "na_f_80fs_A" in paper:
            ax.plot([80.0], [paper["na_f_80fs_A"] / 10], **PAPER_MARKER, label="Lu 2019")
        ax.set_xlabel("Time [fs]")
        ax.set_ylabel("Shortest Na-F distance [nm]")
        ax.set_title(f"{summary.adsorbate}: Na-F distance", fontsize=9)
        # beside the axes: the seeds' curves fill the whole panel
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(_wrap_settings(title, 110), fontsize=10)
    return fig


def _wrap_settings(text: str, width: int) -> str:
    """``text``, a list of settings separated by ", ", wrapped at those separators only (at
    spaces, ``textwrap`` split "dt = 0.5 fs" over two lines)."""
    lines: list[str] = []
    for part in text.split(", "):
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += ", " + part
        else:
            lines.append(part)
    return ",\n".join(lines)


def study_figure(study: Any, paper_eV: float | None = None) -> Any:
    """dLUMO of every study point, grouped by solvent treatment (the band of Fig. 1c).

    Parameters
    ----------
    study : StudyResult
        From :func:`solidna.quantum.study.run_study`.
    paper_eV : float, optional
        The paper's value, drawn as a horizontal line (with its band edges when given).
    """
    from matplotlib.figure import Figure

    from solidna.report.style import PALETTE, apply_style

    apply_style()
    fig = Figure(figsize=(10, 4.8))
    ax, ax_gas = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    functionals = sorted({r.functional for r in study.rows})
    markers = {"GFN2-xTB": "o", "B3LYP/6-31+G(d)": "s"}
    solvents = [s for s in dict.fromkeys(r.solvent for r in study.rows) if s != "gas"]
    where: dict[int, float] = {}  # row id -> x, to put the default's star on its own point
    for panel, names in ((ax, solvents), (ax_gas, ["gas"])):
        for x, solvent in enumerate(names):
            rows = [r for r in study.rows if r.solvent == solvent]
            for k, r in enumerate(rows):
                colour = PALETTE[functionals.index(r.functional) % len(PALETTE)]
                dx = 0.6 * (k / max(len(rows) - 1, 1) - 0.5)
                where[id(r)] = x + dx
                panel.plot(
                    [x + dx],
                    [r.delta_lumo_eV],
                    marker=markers.get(r.geometry, "^"),
                    ms=7 if r.basis.startswith("6-311") else 5,
                    mfc=colour if r.lowest_site else "none",
                    mec=colour,
                    ls="none",
                )
        panel.set_xticks(range(len(names)), names, fontsize=8)
        panel.set_xlim(-0.6, len(names) - 0.4)
    if study.band_rows():
        b = study.band()
        ax.axhspan(b["min_eV"], b["max_eV"], color="0.85", zorder=0, label="band (range)")
        ax.axhline(b["median_eV"], color="0.3", lw=1.2, label=f"median {b['median_eV']:+.2f} eV")
    default = study.default_row()
    if default is not None:
        x = where.get(id(default), 0.0)
        ax.plot(
            [x],
            [default.delta_lumo_eV],
            marker="*",
            ms=14,
            color="k",
            ls="none",
            label=f"default setting {default.delta_lumo_eV:+.2f} eV",
        )
    if paper_eV is not None:
        ax.axhline(paper_eV, color="#CC79A7", ls="--", lw=1.2, label=f"Lu 2019 {paper_eV:+.2f} eV")
    for f in functionals:
        colour = PALETTE[functionals.index(f) % len(PALETTE)]
        ax.plot([], [], "o", color=colour, label=f)
    ax.plot([], [], "s", mfc="none", mec="0.3", label="DFT geometry")
    ax.plot([], [], "o", mfc="none", mec="0.3", label="other start site")
    ax.set_ylabel("LUMO(FEC-Na+) - LUMO(FEC) [eV]")
    ax.set_title("Implicit solvent (filled: lowest-energy site; large: 6-311+G(d,p))", fontsize=9)
    ax_gas.set_title("Gas phase", fontsize=9)
    fig.subplots_adjust(bottom=0.3)
    ax.legend(fontsize=7, ncol=4, loc="upper left", bbox_to_anchor=(0.0, -0.1))
    fig.suptitle(f"Level-of-theory study of the LUMO shift of {study.molecule} on Na+", fontsize=10)
    return fig


def decision_figure(result: Any) -> Any:
    """Ranked reagents: oxidation estimate vs the anodic limit, F- release fraction, LUMO with Na+.

    Parameters
    ----------
    result : DecisionResult
        From :func:`solidna.quantum.decision.decide`.
    """
    from matplotlib.figure import Figure

    from solidna.report.style import apply_style

    apply_style()
    ranked = result.ranked()
    names = [f"{k}. {c.name}" for k, c in enumerate(ranked, start=1)]
    y = np.arange(len(ranked))[::-1]
    fig = Figure(figsize=(11, 0.45 * len(ranked) + 1.8))
    axes = fig.subplots(1, 3, sharey=True)
    ox = [c.oxidation_V for c in ranked]
    axes[0].barh(y, ox, color=[HOMO_COLOUR if c.passes_oxidation else "0.6" for c in ranked])
    axes[0].axvline(result.limit_V, color="k", ls="--", lw=1, label=f"limit {result.limit_V:g} V")
    axes[0].set_xlabel("E_ox estimate [V vs Na+/Na]")
    axes[0].legend(fontsize=7)
    frac = [c.release_fraction for c in ranked]
    err = np.array(
        [
            [c.release_fraction - c.cf_interval[0], c.cf_interval[1] - c.release_fraction]
            if c.has_cf
            else [0.0, 0.0]
            for c in ranked
        ]
    ).T
    axes[1].barh(y, frac, xerr=err, color=LUMO_COLOUR, capsize=3)
    for yy, c in zip(y, ranked, strict=True):
        if not c.has_cf:
            axes[1].text(0.02, yy, "no C-F bond", va="center", fontsize=7)
    axes[1].set_xlim(0, 1.05)
    axes[1].set_xlabel("Seeds with C-F cleavage on Na (95 % CI)")
    axes[2].barh(y, [c.lumo_complex_eV for c in ranked], color="#009E73")
    axes[2].set_xlabel("LUMO of the Na+ complex [eV]")
    axes[0].set_yticks(y, names, fontsize=8)
    fig.suptitle(
        textwrap.fill(f"Reagents for a NaF-rich interphase, ranked ({result.level.label})", 120),
        fontsize=10,
    )
    return fig
