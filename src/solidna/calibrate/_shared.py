"""Helpers shared by the calibration routines: a chord solver for square systems of residuals in
log space, and the writer of ``fitted_*.toml`` files with their provenance.

Factored from :mod:`solidna.calibrate.symmetric` (whose ``_chord_solve`` and ``_write`` follow the
same pattern) so that every routine records the same provenance: routine, solidna version, targets,
log residuals, model values and cost, and per parameter its value, unit, source, method
``fitted``, note, targets and routine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from solidna.errors import ConvergenceError

__all__ = ["chord_solve", "write_fitted_toml"]


def chord_solve(
    fun: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    *,
    residual_tol: float,
    jacobian_step: float,
    max_step: float = np.inf,
    max_iter: int = 15,
    what: str = "calibration",
) -> tuple[np.ndarray, int]:
    """Solve ``fun(x) = 0`` (as many residuals as unknowns) by the chord method.

    The Jacobian is computed by forward differences of size ``jacobian_step`` and reused while
    the largest residual at least halves per step; otherwise it is recomputed at the current
    point. Each step is scaled down so that no unknown moves by more than ``max_step``.

    Parameters
    ----------
    fun : callable
        Residuals of the unknowns ``x`` (e.g. log model/paper of log parameters).
    x0 : numpy.ndarray
        Initial guess.
    residual_tol : float
        Converged when every |residual| is below it.
    jacobian_step : float
        Forward-difference step in ``x``.
    max_step : float
        Largest change of any unknown per step (a trust bound for strongly nonlinear residuals).
    max_iter : int
        Chord steps allowed.
    what : str
        Name of the calibration, for the error message.

    Returns
    -------
    x : numpy.ndarray
        The solution.
    nfev : int
        Number of residual evaluations.

    Raises
    ------
    ConvergenceError
        If the residuals are not below ``residual_tol`` after ``max_iter`` steps.
    """
    nfev = 0

    def jacobian(x: np.ndarray, r: np.ndarray) -> np.ndarray:
        nonlocal nfev
        jac = np.empty((r.size, x.size))
        for k in range(x.size):
            xk = x.copy()
            xk[k] += jacobian_step
            jac[:, k] = (fun(xk) - r) / jacobian_step
            nfev += 1
        return jac

    x = np.asarray(x0, float).copy()
    r = fun(x)
    nfev += 1
    jac = jacobian(x, r)
    for _ in range(max_iter):
        if np.max(np.abs(r)) < residual_tol:
            return x, nfev
        dx = -np.linalg.solve(jac, r)
        largest = np.max(np.abs(dx))
        if largest > max_step:
            dx *= max_step / largest
        x_new = x + dx
        r_new = fun(x_new)
        nfev += 1
        if np.max(np.abs(r_new)) > 0.5 * np.max(np.abs(r)):
            jac = jacobian(x_new, r_new)  # slow progress: refresh the slopes
        x, r = x_new, r_new
    if np.max(np.abs(r)) < residual_tol:
        return x, nfev
    raise ConvergenceError(
        f"{what} did not converge in {max_iter} chord steps; residuals "
        f"{np.round(r, 5).tolist()} (tolerance {residual_tol:g})."
    )


def write_fitted_toml(
    path: Path,
    *,
    routine: str,
    regenerate: str,
    targets: Sequence[str],
    result: Mapping[str, Any],
    entries: Mapping[str, tuple[str, str, str]],
    extra_meta: Mapping[str, Any] | None = None,
) -> Path:
    """Write fitted parameters with their provenance to ``path`` (TOML).

    Parameters
    ----------
    path : Path
        The ``fitted_*.toml`` file.
    routine : str
        Dotted name of the calibration function.
    regenerate : str
        Command that regenerates the file (written in its header).
    targets : sequence of str
        Target ids the values were fitted to (calibrate role only).
    result : mapping
        ``parameters`` (name -> value), ``residuals`` and ``model`` (target id -> value),
        ``cost``.
    entries : mapping
        Parameter name -> (unit, source, note).
    extra_meta : mapping, optional
        More ``[meta]`` fields (e.g. the protocol the model values come from).
    """
    import tomli_w

    from solidna import __version__

    meta: dict[str, Any] = {
        "routine": routine,
        "solidna_version": __version__,
        "targets": list(targets),
        "residuals_log": {k: float(v) for k, v in result["residuals"].items()},
        "model_values": {k: float(v) for k, v in result["model"].items()},
        "cost": float(result["cost"]),
    }
    meta.update(extra_meta or {})
    doc: dict[str, Any] = {"meta": meta, "parameters": {}}
    for name, value in result["parameters"].items():
        unit, source, note = entries[name]
        doc["parameters"][name] = {
            "value": float(value),
            "unit": unit,
            "source": source,
            "method": "fitted",
            "note": note,
            "targets": list(targets),
            "routine": routine,
        }
    header = f"# Written by {routine} - do not edit by hand.\n# Regenerate: {regenerate}\n"
    path.write_text(header + tomli_w.dumps(doc))
    return path
