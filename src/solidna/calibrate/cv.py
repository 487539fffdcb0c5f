"""Exchange current from a symmetric-cell CV by fitting the cell model to it (Fig. 4g).

Why a model-based fit: in M-Na|M-Na cells an ~8 nm NaF-rich film of several hundred Ohm cm2
sits in series with charge transfer, so at +-0.5 V the CV is ohmic to within ~0.1 mV and the
curvature a plain Butler-Volmer/Tafel fit relies on is smaller than the hysteresis from salt
diffusion at 5 mV/s. A BV fit with a co-fitted ohmic resistance
(:func:`solidna.analysis.kinetics.exchange_current_from_cv`) then saturates at an apparent
~0.6 mA/cm2 whatever the true exchange current. Fitting the model that includes film, bulk,
diffusion and Butler-Volmer kinetics separates them: the free parameters are the exchange-current
density and the interphase resistivity; everything else (SSE transport, capacitances) is taken
from the parameter set, as an experimenter would take it from conductivity and EIS measurements.

On noise-free simulated data the estimate is exact to solver tolerance (round-trip test). On
measured data the kinetic information behind a dominant film is small: read ``i0_rel_se`` (the
relative standard error from the Jacobian) before trusting the number.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from solidna._docstrings import fill_doc
from solidna.errors import ConvergenceError, DataFormatError, check_choice
from solidna.materials.thermo import F, R
from solidna.parameters import ParameterSet
from solidna.progress import Progress, no_progress

__all__ = ["CVModelFit", "fit_cv", "MAX_EVALUATIONS"]


@dataclass
class CVModelFit:
    """Result of :func:`fit_cv` (SI units)."""

    i0_A_m2: float
    interphase_resistivity_ohm_m: float
    i0_rel_se: float
    residual_rms_A_m2: float
    n_evaluations: int
    method: str = "symmetric-cell model fit (PyBaMM), free: i0 and interphase resistivity"


#: Fastest scan rate [V/s] taken as a CV of a Na|SSE|Na cell: 100 times the typical 0.1 V/s of
#: the CV step. Above it the times are most likely not in seconds (5 mV/s with time in hours
#: reads as 18 V/s), and the fit would return a wrong exchange current without a word.
MAX_SCAN_RATE_V_S = 10.0

#: Most model evaluations of one fit: the paper's CVs converge in 10-30 (two parameters, each
#: Jacobian two extra runs); a fit still wandering after 100 has no well-defined minimum.
MAX_EVALUATIONS = 100


def _check_cv_units(time_s: np.ndarray, voltage_V: np.ndarray, limit_V: float) -> None:
    """Refuse a CV whose voltages cannot be in V (beyond the cycler's protection: mV) or whose
    scan rate cannot be in V/s (times in hours or minutes)."""
    from solidna.calibrate._common import check_in_volts

    check_in_volts(voltage_V, limit_V)
    rates = np.abs(np.diff(voltage_V) / np.diff(time_s))
    rate = float(np.median(rates[rates > 0])) if np.any(rates > 0) else 0.0
    if rate > MAX_SCAN_RATE_V_S:
        raise DataFormatError(
            f"The CV's scan rate reads {rate:.4g} V/s (median |dV/dt|): the time must be in "
            "seconds. Times in hours: multiply by 3600; in minutes: by 60."
        )


@fill_doc
def fit_cv(
    time_s: np.ndarray,
    voltage_V: np.ndarray,
    current_density_A_m2: np.ndarray,
    anode: str,
    parameters: ParameterSet,
    state: Mapping[str, float] | None = None,
    initial_i0_A_m2: float | None = None,
    progress: Progress | None = None,
) -> CVModelFit:
    """Fit the symmetric-cell model to a CV and return the exchange-current density.

    Parameters
    ----------
    time_s, voltage_V, current_density_A_m2 : array
        The measured (or simulated) CV: time [s], applied voltage [V], current density [A/m2].
    anode : str
        ``"modified"`` or ``"pristine"``: which interphase parameterisation to fit.
    parameters : ParameterSet
        Fixed parameters (SSE, capacitances, interphase thickness).
    %(cv_state)s
    initial_i0_A_m2 : float, optional
        Starting guess (default: the set's value).
    %(progress)s
        Once per model evaluation, with its number and duration, and fraction ``None``: the
        number of evaluations is not known in advance (typically 10-30, at most
        :data:`MAX_EVALUATIONS`).

    Raises
    ------
    DataFormatError
        Arrays of different lengths or fewer than 10 points, time not increasing, values not
        finite, voltages beyond 1.5 times the set's voltage limit (not in volts) or a scan rate
        above :data:`MAX_SCAN_RATE_V_S` (times not in seconds).
    ConvergenceError
        The model fit fails.
    """
    from solidna.models.solve import solve_voltage, symmetric_parameter_values

    anode = check_choice("anode type", anode, ("modified", "pristine"))
    t = np.asarray(time_s, float)
    v = np.asarray(voltage_V, float)
    i = np.asarray(current_density_A_m2, float)
    if not (t.shape == v.shape == i.shape) or t.size < 10:
        raise DataFormatError(
            f"CV arrays must have the same length (>= 10 points); got {t.size}, {v.size}, {i.size}."
        )
    if np.any(np.diff(t) <= 0) or not np.all(np.isfinite(np.c_[t, v, i])):
        raise DataFormatError("CV time must increase strictly and all values must be finite.")
    _check_cv_units(t, v, float(parameters.get("Voltage limit [V]", 10.0)))
    prefix = "Modified" if anode == "modified" else "Pristine"
    k_i0 = f"{prefix} exchange-current density [A.m-2]"
    k_rho = f"{prefix} interphase resistivity [Ohm.m]"
    st = dict(state) if state else None
    base = symmetric_parameter_values(parameters, anode, (st["left"], st["right"]) if st else None)
    scale = max(np.max(np.abs(i)), 1e-12)
    # Parameterise by (ln i0, ln R_int) with R_int = rho L + RT/(F i0) the interfacial DC
    # resistance of one electrode: the slope of the CV fixes R_int, its curvature i0. In
    # (i0, rho) the two are almost collinear and the optimiser stalls in the valley.
    rt_f = R * base["Temperature [K]"] / F
    thickness = 0.5 * (
        base["Initial left interphase thickness [m]"]
        + base["Initial right interphase thickness [m]"]
    )
    i0_start = initial_i0_A_m2 or base[k_i0]
    x0 = np.log([i0_start, base[k_rho] * thickness + rt_f / i0_start])
    n_eval = 0

    def unpack(x: np.ndarray) -> tuple[float, float]:
        i0 = float(np.exp(x[0]))
        # a film cannot have negative resistance: floor at 1e-6 of the interfacial resistance
        rho = max(float(np.exp(x[1])) - rt_f / i0, 1e-6 * float(np.exp(x[1]))) / thickness
        return i0, rho

    report = progress or no_progress
    last_t = time.monotonic()

    def residual(x: np.ndarray) -> np.ndarray:
        nonlocal n_eval, last_t
        n_eval += 1
        values = dict(base)
        values[k_i0], values[k_rho] = unpack(x)
        out = solve_voltage(values, anode, t - t[0], v)
        now = time.monotonic()
        report(f"CV model fit: evaluation {n_eval} took {now - last_t:.1f} s (10-30 usual)", None)
        last_t = now
        return (np.interp(t - t[0], out["Time [s]"], out["Current density [A.m-2]"]) - i) / scale

    try:
        fit = least_squares(
            residual,
            x0,
            x_scale=1.0,
            diff_step=1e-3,
            xtol=1e-10,
            ftol=1e-12,
            max_nfev=MAX_EVALUATIONS,
        )
    except Exception as exc:
        raise ConvergenceError(
            f"Model fit of the CV failed ({exc}); tried least-squares on log(i0), log(R_int) "
            f"from i0 = {i0_start:.3g} A/m2."
        ) from None
    jac = fit.jac
    try:
        cov = np.linalg.inv(jac.T @ jac) * np.sum(fit.fun**2) / max(len(fit.fun) - 2, 1)
        se = float(np.sqrt(max(cov[0, 0], 0.0)))
    except np.linalg.LinAlgError:
        se = float("inf")
    i0_fit, rho_fit = unpack(fit.x)
    return CVModelFit(
        i0_A_m2=i0_fit,
        interphase_resistivity_ohm_m=rho_fit,
        i0_rel_se=se,
        residual_rms_A_m2=float(np.sqrt(np.mean(fit.fun**2)) * scale),
        n_evaluations=n_eval,
    )
