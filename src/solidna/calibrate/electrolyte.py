"""Fit the electrolyte laws of :mod:`solidna.materials.electrolyte` to the paper's Fig. 3f/3g calibrate targets.

Six free parameters, six ``calibrate`` numbers, read through
:func:`solidna.targets.calibrate_targets` only (never a ``validate`` number):

========================================  =====================================================
targets                                   parameters
========================================  =====================================================
fig3f.sigma.w0p5, .w0p8, .w1p5,           "SSE SN-phase conductivity [S.m-1]",
fig3g.sigma.50C                           "SSE gel-phase conductivity [S.m-1]",
                                          "SSE gel swelling ratio [-]",
                                          "SSE gel-phase activation energy [eV]"
fig3f.modulus.w0p5, .w1p5                 "SSE reference Young's modulus [Pa]",
                                          "SSE modulus exponent [-]"
========================================  =====================================================

The residuals are ``ln(model / paper)`` (the conductivities span a decade, so relative errors weigh
each point alike). The fit is a bounded :func:`scipy.optimize.least_squares` from a fixed initial
guess, so it is deterministic. As many parameters as numbers: the fit interpolates; the model is
tested on the ``validate`` targets (modulus at w = 0.8, activation energy, Arrhenius slope).

Run ``python -m solidna.calibrate.electrolyte`` to rewrite ``sets/lu2019/fitted_electrolyte.toml``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w
from scipy.optimize import least_squares

from solidna import __version__
from solidna._docstrings import fill_doc
from solidna.calibrate._common import JACOBIAN_STEP, forward_jacobian, write_fitted
from solidna.calibrate.uncertainty import UNCERTAINTY_METHOD, Identifiability, identifiability
from solidna.errors import ConvergenceError, DataFormatError
from solidna.materials import electrolyte as el
from solidna.parameters import ParameterSet, set_directory
from solidna.progress import Progress, no_progress
from solidna.targets import Target, calibrate_targets
from solidna.units import Q_

__all__ = ["calibrate_electrolyte", "ROUTINE", "FITTED_FILE", "TARGET_PREFIXES"]

#: Qualified name recorded as the routine of every fitted value.
ROUTINE = "solidna.calibrate.electrolyte.calibrate_electrolyte"
#: File (in the lu2019 set folder) that this routine writes.
FITTED_FILE = "fitted_electrolyte.toml"
#: Target-id prefixes whose calibrate entries this routine reads.
TARGET_PREFIXES: tuple[str, ...] = ("fig3",)

# How the model computes each calibrate target: (quantity, temperature [K] or None for the
# reference ("room") temperature). The PVDF-HFP ratio comes from the target's `w` condition, or,
# for Fig. 3g, from the set's "SSE PVDF-HFP ratio [-]" (0.8, the optimal SSE of Fig. 3g).
_HOW: dict[str, tuple[str, float | None]] = {
    "fig3f.sigma.w0p5": ("conductivity", None),
    "fig3f.sigma.w0p8": ("conductivity", None),
    "fig3f.sigma.w1p5": ("conductivity", None),
    "fig3g.sigma.50C": ("conductivity", 323.15),  # "at 50 C" (paper text, Fig. 3g)
    "fig3f.modulus.w0p5": ("modulus", None),
    "fig3f.modulus.w1p5": ("modulus", None),
}
_SI_UNIT = {"conductivity": "S/m", "modulus": "Pa"}

# Free parameters in the order of the optimisation vector, with the internal transform, the fixed
# initial guess and the bounds (in the transformed space).
#   sigma_SN, sigma_gel: 0.1 S/m = 1 mS/cm, the order of SN electrolytes ("10^-3 S/cm", paper
#           text); the gel starts equal to the free phase.
#   s: 1.5, a typical electrolyte uptake of PVDF-HFP gels (100-300 % by volume); bounded to
#      0.1-10.
#   E_gel: 0.3 eV, typical of SN electrolytes.  E_ref: 7 MPa, the order of Fig. 3f.
#   n: 9/4, de Gennes.
_FREE: tuple[tuple[str, str, float, float, float], ...] = (
    # name, transform, initial guess (natural units), lower, upper (transformed)
    (el.SIGMA_SN, "log", 0.1, math.log(1e-5), math.log(1e2)),
    (el.SIGMA_GEL, "log", 0.1, math.log(1e-6), math.log(1e2)),
    (el.SWELLING, "lin", 1.5, 0.1, 10.0),
    (el.EA_GEL, "lin", 0.3, 0.01, 2.0),
    (el.E_REF, "log", 7.0e6, math.log(1e4), math.log(1e10)),
    (el.N_MOD, "lin", 2.25, 0.5, 6.0),
)
_UNITS = {
    el.SIGMA_SN: "S.m-1",
    el.SIGMA_GEL: "S.m-1",
    el.SWELLING: "-",
    el.EA_GEL: "eV",
    el.E_REF: "Pa",
    el.N_MOD: "-",
}
_NOTES = {
    el.SIGMA_SN: "Conductivity of the free SN/NaClO4 plastic-crystal phase at the reference "
    "temperature, one phase of the generalised effective-medium law (McLachlan 1990) of "
    "solidna.materials.electrolyte.",
    el.SIGMA_GEL: "Conductivity of the PVDF-HFP gel swollen by the SN/NaClO4 solution at the "
    "reference temperature; above the free phase's when the C-F bonds of PVDF-HFP dissociate "
    "NaClO4 (Fig. 3e text).",
    el.SWELLING: "Volume of SN/NaClO4 solution taken up per volume of PVDF-HFP in the saturated gel; "
    "beyond w where phi_P (1 + s) = 1 the gel is diluted by dry polymer and sigma falls steeply "
    "(Fig. 3f, w = 0.8 -> 1.5).",
    el.EA_GEL: "Arrhenius activation energy of the gel phase, fixed by sigma(50 C) against "
    "sigma(room T) of the w = 0.8 SSE (a gel with a little dry polymer in the model).",
    el.E_REF: "Young's modulus at the reference polymer volume fraction 0.30 (about w = 0.8).",
    el.N_MOD: "Gel scaling exponent of E = E_ref (phi_P/phi_P_ref)^n; de Gennes predicts 9/4.",
}
_SOURCES = {
    "conductivity": "lu2019:fig3f,fig3g",
    "modulus": "lu2019:fig3f",
}
_LAW_OF = {
    el.SIGMA_SN: "conductivity",
    el.SIGMA_GEL: "conductivity",
    el.SWELLING: "conductivity",
    el.EA_GEL: "conductivity",
    el.E_REF: "modulus",
    el.N_MOD: "modulus",
}
_TOL = 1e-12  # least_squares ftol/xtol/gtol: converge to machine-level, so reruns agree to 1e-9


def _read_targets() -> dict[str, Target]:
    """The calibrate targets of Fig. 3 (and nothing else), checked against what we can model."""
    targets = calibrate_targets(TARGET_PREFIXES)
    unknown = sorted(set(targets) - set(_HOW))
    missing = sorted(set(_HOW) - set(targets))
    if unknown or missing:
        raise DataFormatError(
            f"The calibrate targets of {TARGET_PREFIXES} changed: unknown {unknown}, missing "
            f"{missing}. Update solidna.calibrate.electrolyte._HOW to say how the model computes "
            "each one."
        )
    return targets


def _to_natural(x: np.ndarray) -> dict[str, float]:
    return {
        name: (math.exp(v) if kind == "log" else float(v))
        for (name, kind, *_rest), v in zip(_FREE, x, strict=True)
    }


def _model_si(target: Target, values: Mapping[str, float], default_w: float, t_ref: float) -> float:
    quantity, temperature = _HOW[target.id]
    w = float(target.conditions.get("w", default_w))
    if quantity == "conductivity":
        T = t_ref if temperature is None else temperature
        return el.conductivity_S_m(T, w, values)
    return el.modulus_Pa(w, values)


def _si(value: float, unit: str, si_unit: str) -> float:
    return float(Q_(value, unit).to(si_unit).magnitude)


@fill_doc
def calibrate_electrolyte(
    write: bool = False, path: str | Path | None = None, progress: Progress = no_progress
) -> dict[str, Any]:
    """Fit the SSE conductivity and modulus laws to the Fig. 3f/3g calibrate targets.

    Parameters
    ----------
    write : bool
        Write the fitted values with their provenance to ``path``.
    path : str or Path, optional
        Output TOML; default ``solidna/parameters/sets/lu2019/fitted_electrolyte.toml``.
    %(progress)s
        The fraction is 0 at the start of the fit and 1 at the end (the fit of closed-form laws
        takes well under a second).

    Returns
    -------
    dict
        ``"parameters"`` (name -> fitted value, SI/eV), ``"targets"`` (ids used),
        ``"residuals"`` (id -> model/paper - 1), ``"model"`` (id -> model value in the target's
        unit), ``"cost"`` (0.5 * sum of squared log residuals), ``"nfev"`` and ``"path"`` (the file
        written, or None).

    Raises
    ------
    ConvergenceError
        If the optimiser fails.
    DataFormatError
        If the calibrate targets of Fig. 3 are not the six this routine knows.
    """
    progress("fitting the electrolyte laws to Fig. 3f-g", 0.0)
    targets = _read_targets()
    ids = sorted(targets)
    base = ParameterSet.load("lu2019")
    fixed = {k: base[k] for k in base if k not in el.FITTED_PARAMETERS}
    default_w = fixed["SSE PVDF-HFP ratio [-]"]
    t_ref = fixed["SSE reference temperature [K]"]
    paper_si = {i: _si(float(targets[i].value), targets[i].unit, _SI_UNIT[_HOW[i][0]]) for i in ids}

    def residuals(x: np.ndarray) -> np.ndarray:
        values = {**fixed, **_to_natural(x)}
        out = []
        for i in ids:
            model = _model_si(targets[i], values, default_w, t_ref)
            out.append(math.log(max(model, 1e-300) / paper_si[i]))
        return np.array(out)

    x0 = np.array([math.log(g) if kind == "log" else g for _n, kind, g, _lo, _hi in _FREE])
    lower = np.array([lo for *_a, lo, _hi in _FREE])
    upper = np.array([hi for *_a, hi in _FREE])
    fit = least_squares(
        residuals, x0, bounds=(lower, upper), method="trf", ftol=_TOL, xtol=_TOL, gtol=_TOL
    )
    if not fit.success:
        raise ConvergenceError(f"Electrolyte calibration did not converge: {fit.message}")

    fitted = _to_natural(fit.x)
    analysis = _uncertainty(residuals, fit.x, fitted, [targets[i] for i in ids])
    values = {**fixed, **fitted}
    model_si = {i: _model_si(targets[i], values, default_w, t_ref) for i in ids}
    residual_rel = {i: model_si[i] / paper_si[i] - 1.0 for i in ids}
    model_units = {
        i: float(Q_(model_si[i], _SI_UNIT[_HOW[i][0]]).to(targets[i].unit).magnitude) for i in ids
    }
    result: dict[str, Any] = {
        "parameters": fitted,
        "targets": ids,
        "residuals": residual_rel,
        "model": model_units,
        "cost": float(fit.cost),
        "nfev": int(fit.nfev) + len(_FREE),
        "path": None,
        "uncertainty": analysis,
    }
    if write:
        out = Path(path) if path is not None else set_directory("lu2019") / FITTED_FILE
        # atomic, as Calibration.write: never a half-written fitted file
        result["path"] = write_fitted(out, _toml_text(result, targets))
    progress(f"electrolyte calibration done ({result['nfev']} evaluations)", 1.0)
    return result


def _uncertainty(
    residuals: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    fitted: Mapping[str, float],
    targets: list[Target],
) -> Identifiability:
    """Sensitivities and linearised uncertainties at the optimum, as every calibration gives
    them (:mod:`solidna.calibrate.uncertainty`): forward differences of ln(model) in the fitted
    coordinates - 2 % steps for a log-space parameter, 2 % of the value for a linear one (the
    swelling ratio, the gel's activation energy, the modulus exponent)."""
    steps = [
        JACOBIAN_STEP if kind == "log" else JACOBIAN_STEP * abs(x[k])
        for k, (_name, kind, *_rest) in enumerate(_FREE)
    ]
    jac = forward_jacobian(residuals, x, residuals(x), steps)
    return identifiability(
        jac,
        [name for name, *_ in _FREE],
        [fitted[name] for name, *_ in _FREE],
        targets,
        log_space=[kind == "log" for _n, kind, *_ in _FREE],
    )


def _toml_text(result: Mapping[str, Any], targets: Mapping[str, Target]) -> str:
    ids = list(result["targets"])
    analysis: Identifiability = result["uncertainty"]
    by_law = {law: [i for i in ids if _HOW[i][0] == law] for law in ("conductivity", "modulus")}
    doc: dict[str, Any] = {
        "meta": {
            "routine": ROUTINE,
            "solidna_version": __version__,
            "targets": ids,
            "residuals": {i: float(result["residuals"][i]) for i in ids},
            "residual_definition": "model / paper - 1 (the fit minimises the sum of ln(model/paper)^2)",
            "cost": float(result["cost"]),
            "optimiser": "scipy.optimize.least_squares (trf, bounded), fixed initial guess",
            "initial_guess": {name: guess for name, _k, guess, _lo, _hi in _FREE},
            "uncertainty": analysis.to_record(),
        },
        "parameters": {},
    }
    for name, value in result["parameters"].items():
        law = _LAW_OF[name]
        doc["parameters"][name] = {
            "value": float(value),
            "unit": _UNITS[name],
            "source": _SOURCES[law],
            "method": "fitted",
            "uncertainty": analysis.uncertainty(name),
            "uncertainty_method": UNCERTAINTY_METHOD,
            "targets": by_law[law],
            "routine": ROUTINE,
            "note": _NOTES[name],
        }
        if analysis.factor(name) is not None:  # log-space: the sd of ln p, as the other fits
            doc["parameters"][name]["uncertainty_log"] = float(
                analysis.std[analysis.parameters.index(name)]
            )
    header = (
        "# Written by solidna.calibrate.electrolyte.calibrate_electrolyte (python -m "
        "solidna.calibrate.electrolyte).\n# Do not edit by hand: rerun the routine.\n\n"
    )
    return header + tomli_w.dumps(doc)


def _main() -> None:
    result = calibrate_electrolyte(write=True)
    print(f"wrote {result['path']}")
    for name, value in result["parameters"].items():
        print(f"  {name:45s} {value:.6g}")
    for i in result["targets"]:
        print(f"  {i:25s} model {result['model'][i]:.4g}  residual {result['residuals'][i]:+.2e}")


if __name__ == "__main__":
    _main()
