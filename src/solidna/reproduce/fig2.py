"""Fig. 2 (and 4d, S8, S9) of Lu 2019: what solidna's surface analysis says of the paper's numbers.

These rows are ``reference`` rows: the paper measured them (XPS positions, an AFM film thickness,
a roughness) and solidna has no model that predicts them. This module shows, for each:

* XPS positions (fig2a, fig4d): the chemical state that solidna's species table
  (``solidna/analysis/xps/species.toml``, literature binding energies with sources) assigns to the
  paper's position, after moving the paper's positions from its charge reference (adventitious
  C 1s at 284.5 eV) to the table's (284.8 eV). The "model" value is the table's literature
  binding energy of that state (on the paper's 284.5 eV scale), so the gap between the paper's
  number and it is the chemical-shift disagreement; the note lists every candidate state.
* fig2e (interphase thickness from the retract curve) and figS8 (roughness): no value (measured
  quantities; the paper's raw files are not published); the note names the analysis that
  measures them from a user's file (``solidna analyze --kind afm-force|topography``).
* Fig. S9 (Young's modulus map) has no numeric target; ``solidna analyze --kind afm-map`` makes
  the map and its histogram from a force-map file.

It never tunes a parameter and never turns a paper number into a model value.
"""

from __future__ import annotations

from solidna._docstrings import fill_doc
from solidna.reproduce.base import FigureOutput, Progress, TargetResult, no_progress
from solidna.targets import load_targets

__all__ = ["PREFIXES", "run", "PAPER_CHARGE_REFERENCE_EV"]

PREFIXES = ("fig2", "fig4d", "figS8", "figS9")
#: Typical wall time of :func:`run` [s].
EXPECTED_WALL_TIME_S = 2.0
#: The paper's charge reference: C-C/C-H of C 1s at 284.5 eV (Lu et al. 2019, Fig. 2a text).
PAPER_CHARGE_REFERENCE_EV = 284.5

_MEASURED = {
    "fig2e": (
        "measured quantity with no model prediction: the cell model takes the 8 nm film as an "
        "input (parameter source lu2019:fig2e). `solidna analyze CURVE --kind afm-force` "
        "measures a film thickness from a breakthrough or a stiffness change in the curve"
    ),
    "figS8": (
        "measured quantity with no model prediction (the paper's topography file is not "
        "published). `solidna analyze IMAGE --kind topography` reports Sa and Sq (ISO 25178-2); "
        "the paper does not say whether 6.15 nm is an Ra/Sa- or Rq/Sq-type number"
    ),
}


@fill_doc
def run(progress: Progress = no_progress) -> FigureOutput:
    """Species assignment of every fig2a/fig4d position; notes for fig2e and figS8.

    %(Parameters: progress)s

    %(Returns: figure_output)s
    """
    from solidna.analysis.surface_pipeline import paper_level
    from solidna.analysis.xps.species import ADVENTITIOUS_C1S_EV, assign

    out = FigureOutput(name="fig2")
    shift = ADVENTITIOUS_C1S_EV - PAPER_CHARGE_REFERENCE_EV
    rows = []
    targets = load_targets(list(PREFIXES))
    for k, t in enumerate(targets):
        progress(f"Fig. 2: {t.id}", k / max(len(targets), 1))
        prefix = t.id.split(".", 1)[0]
        if prefix in _MEASURED:
            out.results.append(TargetResult(t.id, None, _MEASURED[prefix]))
            continue
        level = paper_level(t.quantity)
        found = assign(t.value + shift, level)
        if not found:
            out.results.append(
                TargetResult(
                    t.id,
                    None,
                    f"no state of the species table lies within its window of "
                    f"{t.value + shift:.2f} eV ({level}, 284.8 eV scale)",
                )
            )
            rows.append((t, level, None))
            continue
        best = found[0][0]
        others = ", ".join(f"{s.name} ({s.be_eV} eV)" for s, _ in found[1:])
        note = (
            f"{level} at {t.value} eV (paper, C 1s 284.5 eV) = {t.value + shift:.2f} eV on the "
            f"table's 284.8 eV scale: assigned {best.name} (literature {best.be_eV} eV +- "
            f"{best.tolerance_eV}, {best.source}, {best.method}); the paper's state (target "
            f"id): {t.id.rsplit('.', 1)[-1]}"
            + (f"; also within window: {others}" if others else "")
        )
        out.results.append(TargetResult(t.id, best.be_eV - shift, note))
        rows.append((t, level, best.name))
    out.figure(
        "fig2_xps_species",
        _figure(rows, shift),
        "The paper's XPS positions (Fig. 2a, 4d; on its 284.5 eV C 1s scale) against the "
        "windows of the chemical states in solidna's species table (bars: literature value +- "
        "tolerance, moved to the paper's scale). Each marker stands on the bar of the state "
        "assigned to it, labelled with the paper's name of the state; its dotted line shows the "
        "other windows it falls in, where the position alone cannot tell the states apart.",
    )
    out.note(
        f"XPS positions are compared on one charge scale: the paper's (C 1s at "
        f"{PAPER_CHARGE_REFERENCE_EV} eV) moved by {shift:+.1f} eV to the species table's "
        f"({ADVENTITIOUS_C1S_EV} eV). The model value of a fig2a/fig4d row is the literature "
        "binding energy of the state assigned, not a prediction.",
        *[t.id for t, _, _ in rows],
    )
    progress("Fig. 2: done", 1.0)
    return out


def _figure(rows, shift: float):
    """One panel per core level: the species table's windows as bars, the paper's positions as
    markers on the bar of the state each is assigned (a dotted line shows the other bars it
    crosses); a position no window holds stands above the bars."""
    import matplotlib.pyplot as plt

    from solidna.analysis.xps.species import species_table
    from solidna.report.style import PAPER_MARKER, apply_style

    apply_style()
    levels = sorted({lev for _, lev, _ in rows if lev})
    states_of = {lev: [s for s in species_table() if s.level == lev] for lev in levels}
    # each panel as tall as its states need: C 1s has about ten narrow windows
    heights = [max(len(states_of[lev]), 2) + 1.5 for lev in levels]
    fig, axes = plt.subplots(
        len(levels),
        1,
        figsize=(7.5, 1.6 + 0.3 * sum(heights)),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    for ax, lev in zip(axes[:, 0], levels, strict=True):
        states = states_of[lev]
        row_of = {s.name: j for j, s in enumerate(states)}
        for j, s in enumerate(states):
            ax.barh(
                j, 2 * s.tolerance_eV, left=s.be_eV - s.tolerance_eV - shift, height=0.6, alpha=0.35
            )
            # the name from the bar's high-energy end: its middle is where markers fall
            ax.text(
                s.be_eV + s.tolerance_eV - shift,
                j,
                f" {s.name}",
                ha="left",
                va="center",
                fontsize=6,
                clip_on=True,
            )
        for t, lv, assigned in rows:
            if lv != lev:
                continue
            y = row_of.get(assigned, len(states))
            ax.axvline(t.value, color="0.3", lw=0.6, ls=":")
            ax.plot([t.value], [y], **PAPER_MARKER)
            # the paper's own name of the state, from the target id (fig2a.c1s.cf -> cf)
            ax.annotate(
                t.id.rsplit(".", 1)[-1],
                (t.value, y),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=6,
            )
        ax.set_ylim(-0.7, len(states) + 0.7)
        ax.set_yticks([])
        ax.set_ylabel(lev)
        ax.invert_xaxis()
    axes[-1, 0].set_xlabel("Binding energy [eV] (C 1s C-C at 284.5 eV)")
    fig.suptitle(
        "Fig. 2a/4d: Lu 2019 XPS positions (markers, the paper's name of the state)\n"
        "on the literature windows of solidna's species table (bars)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig
