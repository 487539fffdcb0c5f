"""Fig. 3f, 3g, S13 and S14 of Lu et al. (2019): the SN/NaClO4/PVDF-HFP solid-state electrolyte.

Model values come from :mod:`solidna.materials.electrolyte` with the lu2019 parameter set (whose fitted
constants were written by :func:`solidna.calibrate.electrolyte.calibrate_electrolyte`). This module
computes; it never tunes a parameter. Target values are read only to draw the paper's points.

* ``fig3f.sigma.*`` - conductivity at room temperature (25 C, assumed) [mS/cm].
* ``fig3f.modulus.*`` - Young's modulus [MPa].
* ``fig3g.sigma.50C`` - conductivity of the optimal SSE (w = 0.8) at 50 C [mS/cm].
* ``fig3g.arrhenius_slope`` - slope of a straight-line fit of log10(sigma) against 1000/T of the
  model at 10, 20, ..., 60 C [K/1000]; ``fig3g.activation_energy`` - E_a from that slope [eV].
* ``figS13.anodic_limit``, ``figS14.melting_point`` - reference data used as-is.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from solidna._docstrings import fill_doc
from solidna.materials import electrolyte as el
from solidna.parameters import lu2019
from solidna.reproduce.base import FigureOutput, Progress, TargetResult, no_progress
from solidna.targets import Target, load_targets
from solidna.units import Q_

__all__ = ["PREFIXES", "run", "model_value"]

#: Target-id prefixes covered by this module.
PREFIXES: tuple[str, ...] = ("fig3", "figS13", "figS14")
#: Typical wall time of :func:`run` [s] (shares the progress bar of ``solidna reproduce``).
EXPECTED_WALL_TIME_S = 1.0

_T_50C_K = 323.15  # "1.32 mS cm-1 at 50 C" (paper text, Fig. 3g)
_W_GRID = np.linspace(0.5, 1.5, 101)  # composition range of Fig. 3f
_REFERENCE_NOTE = "reference data used as-is (value of the parameter set, {name})"


def _convert(value: float, si_unit: str, unit: str) -> float:
    """Convert ``value`` from ``si_unit`` to a target's unit (``"C"`` means degree Celsius)."""
    pint_unit = {"C": "degC"}.get(unit, unit)
    return float(Q_(value, si_unit).to(pint_unit).magnitude)


def model_value(target: Target, parameters: Mapping[str, float]) -> TargetResult:
    """The model's value of one Fig. 3 / S13 / S14 target, in the target's unit.

    Parameters
    ----------
    target : Target
        A target whose id starts with one of :data:`PREFIXES`.
    parameters : ParameterSet
        The parameter set (lu2019 with the fitted electrolyte values).

    Returns
    -------
    TargetResult
        ``model`` in ``target.unit`` (``None`` with a note for an id this module does not know).
    """
    tid = target.id
    w_opt = parameters["SSE PVDF-HFP ratio [-]"]
    t_room = parameters["SSE reference temperature [K]"]
    if tid.startswith("fig3f.sigma."):
        w = float(target.conditions["w"])
        sigma = el.conductivity(t_room, w, parameters)
        return TargetResult(
            tid,
            _convert(sigma, "S/m", target.unit),
            f"conductivity law at w = {w:g} and room temperature ({t_room - 273.15:g} C, assumed)",
        )
    if tid.startswith("fig3f.modulus."):
        w = float(target.conditions["w"])
        return TargetResult(
            tid,
            _convert(el.modulus(w, parameters), "Pa", target.unit),
            f"gel-scaling modulus law at w = {w:g}",
        )
    if tid == "fig3g.sigma.50C":
        sigma = el.conductivity(_T_50C_K, w_opt, parameters)
        return TargetResult(
            tid, _convert(sigma, "S/m", target.unit), f"conductivity law at 50 C, w = {w_opt:g}"
        )
    if tid == "fig3g.arrhenius_slope":
        slope = el.arrhenius_slope(w_opt, parameters)
        return TargetResult(
            tid,
            slope,
            "straight-line fit of log10(sigma) vs 1000/T of the model at 10, 20, ..., 60 C "
            f"(w = {w_opt:g})",
        )
    if tid == "fig3g.activation_energy":
        slope = el.arrhenius_slope(w_opt, parameters)
        return TargetResult(
            tid,
            el.activation_energy_from_slope(slope),
            "E_a = -slope * 1000 * ln(10) * k_B from the model's Arrhenius slope over 10-60 C",
        )
    if tid == "figS13.anodic_limit":
        name = "SSE anodic stability limit [V]"
        return TargetResult(tid, el.anodic_limit_V(parameters), _REFERENCE_NOTE.format(name=name))
    if tid == "figS14.melting_point":
        name = "SSE melting point [K]"
        value = round(_convert(el.melting_point_K(parameters), "K", target.unit), 9)
        return TargetResult(tid, value, _REFERENCE_NOTE.format(name=name))
    return TargetResult(tid, None, "not computed by solidna.reproduce.fig3 (unknown target id)")


@fill_doc
def run(progress: Progress = no_progress) -> FigureOutput:
    """Compute every target of :data:`PREFIXES` and draw Fig. 3f and Fig. 3g.

    %(Parameters: progress)s

    Returns
    -------
    FigureOutput
        ``name="fig3"``; results for every target id with the prefixes; figures ``"fig3f"`` and
        ``"fig3g"``.
    """
    params = lu2019()
    targets = load_targets(PREFIXES)
    out = FigureOutput(name="fig3")
    for k, target in enumerate(targets):
        progress(target.id, k / (len(targets) + 2))
        out.results.append(model_value(target, params))
    progress("drawing Fig. 3f", len(targets) / (len(targets) + 2))
    out.figures["fig3f"] = _plot_fig3f(params, targets)
    progress("drawing Fig. 3g", (len(targets) + 1) / (len(targets) + 2))
    out.figures["fig3g"] = _plot_fig3g(params, targets)
    out.captions.update(_captions(params))
    out.note(
        "Conductivity: generalised effective medium (McLachlan 1990) of a free SN/NaClO4 phase, "
        "a PVDF-HFP gel swollen by the solution and dry polymer, each with its own conductivity "
        "and Arrhenius law (no percolation zero); modulus: gel scaling E ~ phi_P^n. Six "
        "constants fitted to the six calibrate numbers of Fig. 3f/3g (exact interpolation); the "
        "validate numbers (E at w = 0.8, E_a, Arrhenius slope) are not fitted. E_a and the slope "
        "follow mostly from sigma(25 C) and sigma(50 C) at w = 0.8, where the SSE is gel. Room "
        "temperature is assumed to be 25 C.",
        "fig3",
    )
    progress("done", 1.0)
    return out


# -- figures ---------------------------------------------------------------------------------------
def _captions(params: Mapping[str, float]) -> dict[str, str]:
    """What each figure shows and where the paper's numbers (the open markers) come from."""
    w = params["SSE PVDF-HFP ratio [-]"]
    return {
        "fig3f": (
            "Ionic conductivity at room temperature (25 C, assumed) and Young's modulus of the "
            "SN/NaClO4/PVDF-HFP electrolyte against the PVDF-HFP : SN weight ratio (model lines). "
            "Markers: Lu 2019 Fig. 3f and text - conductivity at w = 0.5, 0.8 and 1.5 (circles) "
            "and modulus at w = 0.5, 0.8 and 1.5 (squares); the w = 0.8 modulus is a prediction, "
            "the other five points were fitted."
        ),
        "fig3g": (
            f"Arrhenius plot of the model electrolyte (w = {w:g}) at 10-60 C with the "
            "straight-line fit that gives the activation energy. Markers: Lu 2019 conductivities of the same "
            "electrolyte at 25 C (Fig. 3f) and 50 C (Fig. 3g and text)."
        ),
    }


# -- drawing ---------------------------------------------------------------------------------------
def _pyplot() -> Any:
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # headless safety: reproduce writes PNGs and never opens windows
    import matplotlib.pyplot as plt

    from solidna.report.style import apply_style

    apply_style()
    return plt


def _paper_points(targets: list[Target], prefix: str) -> tuple[list[float], list[float]]:
    pts = sorted(
        (float(t.conditions["w"]), float(t.value))
        for t in targets
        if t.id.startswith(prefix) and "w" in t.conditions
    )
    return [p[0] for p in pts], [p[1] for p in pts]


def _plot_fig3f(params: Mapping[str, float], targets: list[Target]) -> Any:
    from solidna.report.style import MODEL_LINE, PALETTE, PAPER_MARKER

    plt = _pyplot()
    t_room = params["SSE reference temperature [K]"]
    sigma = [_convert(el.conductivity_S_m(t_room, w, params), "S/m", "mS/cm") for w in _W_GRID]
    modulus = [_convert(el.modulus_Pa(w, params), "Pa", "MPa") for w in _W_GRID]

    fig, ax = plt.subplots(figsize=(6.0, 4.2))
    ax2 = ax.twinx()
    ax2.spines["right"].set_visible(True)
    ax2.grid(False)
    h1 = ax.plot(_W_GRID, sigma, color=PALETTE[0], **MODEL_LINE, label="σ, model (25 °C)")
    ws, vs = _paper_points(targets, "fig3f.sigma.")
    h2 = ax.plot(ws, vs, **{**PAPER_MARKER, "markeredgecolor": PALETTE[0]}, label="σ, Lu 2019")
    h3 = ax2.plot(_W_GRID, modulus, color=PALETTE[1], **MODEL_LINE, label="E, model")
    ws, vs = _paper_points(targets, "fig3f.modulus.")
    h4 = ax2.plot(
        ws, vs, **{**PAPER_MARKER, "marker": "s", "markeredgecolor": PALETTE[1]}, label="E, Lu 2019"
    )
    ax.set_xlabel("PVDF-HFP : SN weight ratio w [-]")
    ax.set_ylabel("Ionic conductivity σ [mS cm$^{-1}$]", color=PALETTE[0])
    ax2.set_ylabel("Young's modulus E [MPa]", color=PALETTE[1])
    ax.set_ylim(bottom=0.0)
    ax2.set_ylim(bottom=0.0)
    handles = h1 + h2 + h3 + h4
    ax.legend(handles, [h.get_label() for h in handles], loc="center left")
    ax.set_title("Fig. 3f: conductivity and modulus vs PVDF-HFP ratio")
    return fig


def _plot_fig3g(params: Mapping[str, float], targets: list[Target]) -> Any:
    from solidna.report.style import MODEL_LINE, PALETTE, PAPER_MARKER

    plt = _pyplot()
    w = params["SSE PVDF-HFP ratio [-]"]
    temps = np.array(el.ARRHENIUS_TEMPERATURES_K)
    x = 1000.0 / temps
    log_sigma = np.log10(
        [_convert(el.conductivity_S_m(T, w, params), "S/m", "S/cm") for T in temps]
    )
    slope = el.arrhenius_slope(w, params)
    x_line = np.linspace(x.min(), x.max(), 50)
    intercept = float(np.mean(log_sigma - slope * x))

    by_id = {t.id: t for t in targets}
    paper_x, paper_y = [], []
    for tid, T in (
        ("fig3f.sigma.w0p8", params["SSE reference temperature [K]"]),
        ("fig3g.sigma.50C", _T_50C_K),
    ):
        if tid in by_id:
            t = by_id[tid]
            paper_x.append(1000.0 / T)
            paper_y.append(np.log10(_convert(float(t.value), t.unit, "S/cm")))

    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    ax.plot(x, log_sigma, "^", color=PALETTE[0], label="model, 10-60 °C")
    ax.plot(
        x_line,
        intercept + slope * x_line,
        color=PALETTE[0],
        **MODEL_LINE,
        label=f"Arrhenius fit, slope {slope:.3f} (E$_a$ = {el.activation_energy_from_slope(slope):.3f} eV)",
    )
    ax.plot(paper_x, paper_y, **PAPER_MARKER, label="Lu 2019 (25 °C, 50 °C)")
    ax.set_xlabel("1000/T [K$^{-1}$]")
    ax.set_ylabel("log$_{10}$(σ / S cm$^{-1}$)")
    ax.legend(loc="upper right")
    ax.set_title(f"Fig. 3g: Arrhenius plot of the SSE (w = {w:g})")
    return fig
