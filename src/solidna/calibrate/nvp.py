"""Calibration of the Na|SSE|NVP half-cell to the ``calibrate`` targets of Fig. S31.

Free parameters (fitted in log space) and the target that mainly fixes each:

=====================================================  =========================================
``NVP diffusivity [m2.s-1]``                           figS31.mna.capacity.2C (rate capability)
``Positive interphase growth coefficient [m3.C-1]``    figS31.mna.retention.200cycles (fade)
=====================================================  =========================================

Both model values come from :func:`solidna.nvp.figS31_rate_test` and
:func:`solidna.nvp.figS31_cycling` with M-Na - the same simulations the figure module
(:mod:`solidna.reproduce.figS31`) reports - and only ``role: calibrate`` targets are read
(:func:`solidna.reproduce.targets.calibrate_targets`). ``figS31.na.worse_than_mna`` is a
validate target: the pristine cells are predicted, never fitted. The fitted values are written to
``parameters/sets/lu2019/fitted_nvp.toml`` with the targets, residuals, model values, routine and
solidna version. Run ``python -m solidna.calibrate.nvp`` to regenerate it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from solidna.calibrate._shared import chord_solve, write_fitted_toml
from solidna.parameters import ParameterSet
from solidna.parameters.parameter_set import set_directory
from solidna.reproduce.targets import calibrate_targets

__all__ = [
    "calibrate_nvp",
    "model_values",
    "residuals",
    "FREE_PARAMETERS",
    "TARGET_IDS",
    "ROUTINE",
    "lu2019_base",
]

ROUTINE = "solidna.calibrate.nvp.calibrate_nvp"
FITTED_FILE = "fitted_nvp.toml"

# name -> (unit, initial guess, note). Initial guesses are round orders of magnitude, not the
# answer: a solid diffusivity of 1e-16 m2/s (inside the 1e-13 - 1e-17 literature range, physics
# brief section 4) and a film growth of 1e-13 m3/C (about 1 nm of film per 100 cycles on the
# particles, the slow side reaction of Fig. S32). The fit must find the values from there.
FREE_PARAMETERS: dict[str, tuple[str, float, str]] = {
    "NVP diffusivity [m2.s-1]": (
        "m2.s-1",
        1e-16,
        "Effective sodium diffusivity in NVP particles (ill-defined for a two-phase reaction; "
        "with the 0.25 um radius it sets the rate capability).",
    ),
    "Positive interphase growth coefficient [m3.C-1]": (
        "m3.C-1",
        1e-13,
        "Cathode-SSE film growth per charge through the particle surface, dL/dt = g |j|; the "
        "film consumes NVP (loss of active material) and adds its resistance (Fig. S32).",
    ),
}

TARGET_IDS = ("figS31.mna.capacity.2C", "figS31.mna.retention.200cycles")

# Residual tolerance: |ln(model/paper)| below 1e-3 (0.1 %) is far inside the targets' tolerances
# (10 % and 0.05/0.80 = 6 %) and above the residual noise (solver rtol 1e-6).
RESIDUAL_TOL = 1e-3
JACOBIAN_STEP = 0.05  # in log space: 5 % parameter changes, well above the residual noise
# Largest change of a log parameter per chord step (a factor e): the retention falls steeply once
# the film consumes most of the NVP, so long steps from a poor guess must be limited.
MAX_LOG_STEP = 1.0
# Output samples per half cycle during the fit: only capacities are read.
FIT_POINTS_PER_STEP = 2


def model_values(
    parameters: ParameterSet,
    progress: Callable[[str], None] | None = None,
    points_per_step: int = FIT_POINTS_PER_STEP,
) -> dict[str, float]:
    """Model values of the two Fig. S31 calibrate observables with M-Na, in the targets' units."""
    from solidna import nvp

    say = progress or (lambda msg: None)
    say("M-Na|SSE|NVP rate test")
    rate = nvp.figS31_rate_test(parameters, "modified", points_per_step)
    say("M-Na|SSE|NVP 200 cycles")
    cycling = nvp.figS31_cycling(parameters, "modified", points_per_step)
    obs = nvp.figS31_observables(rate, cycling)
    return {
        "figS31.mna.capacity.2C": obs["capacity at 2 C [mAh.g-1]"],
        "figS31.mna.retention.200cycles": obs["retention"],
    }


def residuals(values: dict[str, float]) -> dict[str, float]:
    """Log residuals ln(model/paper) of the calibrate targets."""
    targets = calibrate_targets(("figS31",))
    return {tid: math.log(values[tid] / float(targets[tid].value)) for tid in TARGET_IDS}


def lu2019_base() -> ParameterSet:
    """The Lu 2019 set without the previous NVP fit, the free parameters at their guesses."""
    initial = {n: v[1] for n, v in FREE_PARAMETERS.items()}
    base = ParameterSet.load("lu2019", exclude=(FITTED_FILE,))
    return base.updated(initial, method="fitted", source="initial guess")


def calibrate_nvp(
    write: bool = False,
    path: str | Path | None = None,
    parameters: ParameterSet | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit the NVP diffusivity and the cathode-film growth to the Fig. S31 calibrate targets.

    Parameters
    ----------
    write : bool
        Write ``fitted_nvp.toml`` (default: only return the result).
    path : path, optional
        Where to write (default: the Lu 2019 set folder).
    parameters : ParameterSet, optional
        Fixed parameters (default: :func:`lu2019_base`, so the result does not depend on a
        previous fit).
    progress : callable, optional
        Called with a message per model evaluation.

    Returns
    -------
    dict
        ``parameters`` (name -> value), ``targets`` (ids), ``model`` (values), ``residuals``,
        ``cost``, ``nfev``, ``path``.
    """
    targets = calibrate_targets(("figS31",))
    missing = [t for t in TARGET_IDS if t not in targets]
    if missing:  # pragma: no cover - the targets file is package data
        raise RuntimeError(f"calibrate targets missing from the targets data: {missing}")
    base = parameters if parameters is not None else lu2019_base()
    names = list(FREE_PARAMETERS)
    say = progress or (lambda msg: None)
    evaluated: dict[bytes, dict[str, float]] = {}

    def fun(x: np.ndarray) -> np.ndarray:
        values = dict(zip(names, np.exp(x), strict=True))
        say(", ".join(f"{n.split('[')[0].strip()}={v:.4g}" for n, v in values.items()))
        ps = base.updated(values, method="fitted", source="calibration")
        evaluated[x.tobytes()] = model_values(ps)
        r = np.array(list(residuals(evaluated[x.tobytes()]).values()))
        say(f"  log residuals: {np.array2string(r, precision=5)}")
        return r

    x0 = np.log([FREE_PARAMETERS[n][1] for n in names])
    x, nfev = chord_solve(
        fun,
        x0,
        residual_tol=RESIDUAL_TOL,
        jacobian_step=JACOBIAN_STEP,
        max_step=MAX_LOG_STEP,
        what="NVP calibration (targets " + ", ".join(TARGET_IDS) + ")",
    )
    final = evaluated[x.tobytes()]
    res = residuals(final)
    out: dict[str, Any] = {
        "parameters": dict(zip(names, (float(v) for v in np.exp(x)), strict=True)),
        "targets": list(TARGET_IDS),
        "model": final,
        "residuals": res,
        "cost": 0.5 * float(sum(r**2 for r in res.values())),
        "nfev": nfev,
        "path": None,
    }
    if write:
        target = Path(path) if path is not None else set_directory("lu2019") / FITTED_FILE
        out["path"] = str(
            write_fitted_toml(
                target,
                routine=ROUTINE,
                regenerate="python -m solidna.calibrate.nvp",
                targets=TARGET_IDS,
                result=out,
                entries={n: (v[0], "lu2019:figS31", v[2]) for n, v in FREE_PARAMETERS.items()},
                extra_meta={"model_points_per_step": FIT_POINTS_PER_STEP},
            )
        )
    return out


if __name__ == "__main__":  # pragma: no cover
    result = calibrate_nvp(write=True, progress=print)
    for k, v in result["model"].items():
        print(f"{k:40s} {v:.6g}  (log residual {result['residuals'][k]:+.2e})")
    print("written:", result["path"])
