r"""Exchange current density of Na plating/stripping from a symmetric-cell CV (paper Fig. 4g).

A symmetric cell Na|SSE|Na has two identical interfaces. At steady state the same current density
``i`` crosses both, one anodically and one cathodically. With Butler-Volmer kinetics and transfer
coefficient alpha = 1/2 each interface carries ``i = 2 i0 sinh(F eta / (2RT))``, i.e.
``eta = (2RT/F) asinh(i / (2 i0))``, and the cell voltage is (physics brief section 5; Bard &
Faulkner, *Electrochemical Methods*, 2nd ed., sections 3.4-3.5)

.. math::

    V = i R_\Omega + 2 \cdot \frac{2RT}{F} \operatorname{asinh}\frac{i}{2 i_0}
      = i R_\Omega + \frac{4RT}{F} \operatorname{asinh}\frac{i}{2 i_0},

where ``R_Omega`` [Ohm.m2] lumps every ohmic drop (SSE bulk, interphase films, contacts) and
``i0`` [A.m-2] is the exchange current density of **one** interface. Concentration polarisation is
neglected (about 2 mV at 0.1 mA/cm2, physics brief section 3).

A CV at 5 mV/s (the paper's -0.5 to 0.5 V sweep) is quasi-steady apart from the capacitive current
``C dV/dt``, which changes sign with the sweep direction. Three extractions are offered:

``"bv-fit"`` (default)
    The forward (rising voltage) and backward (falling voltage) branches are interpolated on a
    common voltage grid and averaged at equal voltage, which cancels the capacitive current. The
    inverse form above, ``V(i)``, is then fitted by least squares in voltage, with ``R_Omega`` and
    ``ln i0`` free (``R_Omega`` held at ``ohmic_resistance_ohm_m2`` when given, the "iR
    correction" with an EIS value). ``ln i0`` is used for conditioning; bounds ``1e-6 <= i0 <= 1e4``
    A/m2 and ``R_Omega >= 0``. For each ``i0``, ``R_Omega`` is linear and solved exactly, so a scan
    of ``ln i0`` over the whole bound range finds the global minimum before a joint least-squares
    polish (which also gives the standard error).

    *When kinetics are hidden by the ohmic drop.* With ``R_Omega`` free, only the curvature of
    ``V(i)`` tells kinetics from ohmic drop: for ``x = i_max/(2 i0) << 1`` the asinh is linear and
    only the sum ``R_Omega + 2RT/(F i0)`` is determined. The result's ``identifiable`` is False when
    the part of ``(4RT/F) asinh(i/(2 i0))`` that no straight line absorbs stays below
    :data:`IDENTIFIABILITY_FACTOR` times the larger of the fit's residual RMS and
    :data:`VOLTAGE_FLOOR_V`; ``note`` then gives the lower bound ``i0 >= 2RT/(F R_tot)`` that does
    hold, and recommends fixing ``R_Omega`` from EIS. (With ``R_Omega`` fixed, the criterion is the
    whole kinetic voltage.)

``"micro-polarisation"``
    The slope ``dV/di`` at ``i -> 0`` (a straight-line fit to the averaged branch within
    ``|V| < 10 mV``) is the total resistance ``R_tot = R_Omega + 2 R_ct,1`` with
    ``R_ct,1 = RT/(F i0)`` the charge-transfer resistance of one interface, so

    .. math:: i_0 = \frac{RT}{F R_{ct,1}}, \qquad R_{ct,1} = \frac{R_{tot} - R_\Omega}{2}.

    It needs ``ohmic_resistance_ohm_m2``. Taking the summed ``R_tot - R_Omega`` (both interfaces)
    as if it were one interface's ``R_ct`` would give an ``i0`` a factor of 2 too low
    (physics brief section 5). Within 10 mV the asinh is linear to 0.2 %.

``"tafel"``
    The cell voltage is iR-corrected with the given ``R_Omega`` and split evenly between the two
    identical interfaces, ``eta = (V - i R_Omega)/2``. For ``|eta| >= 60 mV`` (> 2RT/F = 51 mV, where
    the back reaction has fallen to ``exp(-F|eta|/RT) < 10 %`` of the forward one) ``log10|i|`` is
    linear in ``|eta|``, ``log10|i| = log10 i0 + |eta| / b`` with Tafel slope ``b = 2.303 * 2RT/F``
    (118 mV/decade per interface at 25 C). A straight line through those points (both sweep
    directions folded onto ``|eta|``) extrapolated to ``eta = 0`` gives ``i0``. The neglected back
    reaction makes ``|i|`` at 60 mV 10 % smaller than the Tafel asymptote, so the extrapolated
    ``i0`` is biased low: by about 6 % when the window reaches 250 mV, by 10-13 % when the ohmic drop
    limits it to 60-130 mV. ``back_reaction_correction=True`` plots
    ``log10(|i|/(1 - exp(-F|eta|/RT)))`` instead (the Allen-Hickling form, Bard & Faulkner
    section 3.4), which is exactly linear for alpha = 1/2 and removes that bias. The fitted slope is
    reported in ``note`` as a check of alpha = 1/2.

All inputs are SI: voltage in V, current density in A/m2 (1 mA/cm2 = 10 A/m2), resistance in Ohm.m2,
temperature in K.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares, minimize_scalar

from solidna.analysis._checks import (
    as_real_columns,
    check_cell_voltage,
    check_temperature_K,
    float_array,
    real_number,
)
from solidna.errors import (
    ConvergenceError,
    DataFormatError,
    InvalidOptionError,
    check_choice,
    check_flag,
)
from solidna.materials import thermo

__all__ = [
    "ExchangeCurrentResult",
    "exchange_current_from_cv",
    "symmetric_cell_voltage",
    "cv_waveform",
    "cv_voltage",
    "CVSweep",
    "cv_sweep",
    "CVPeaks",
    "cv_peaks",
    "PEAK_DROP_FRACTION",
    "FARADAY_C_MOL",
    "GAS_CONSTANT_J_MOL_K",
    "I0_BOUNDS_A_M2",
    "MICRO_POLARISATION_WINDOW_V",
    "TAFEL_MIN_OVERPOTENTIAL_V",
    "IDENTIFIABILITY_FACTOR",
    "VOLTAGE_FLOOR_V",
]

#: Faraday constant in C/mol (CODATA; the models' value, solidna.materials.thermo.F).
FARADAY_C_MOL: float = thermo.F
#: Molar gas constant in J/(mol.K) (CODATA; the models' value, solidna.materials.thermo.R).
GAS_CONSTANT_J_MOL_K: float = thermo.R

#: Search range of the exchange current density in A/m2: 1e-6 A/m2 (0.1 nA/cm2, far below the
#: pristine Na|SSE interface, ~0.002 mA/cm2 in the paper) to 1e4 A/m2 (1 A/cm2, beyond any
#: solid-state interface). Outside it the fit is not meaningful.
I0_BOUNDS_A_M2: tuple[float, float] = (1e-6, 1e4)

#: Half-width of the voltage window of the micro-polarisation slope: 10 mV. There the asinh of
#: the symmetric-cell equation is linear to better than 0.2 %, and a 5 mV/s CV sampled every mV
#: still gives ~20 points per branch.
MICRO_POLARISATION_WINDOW_V: float = 0.010

#: Smallest per-interface overpotential used in the Tafel fit: 60 mV, above 2RT/F = 51 mV at 25 C,
#: where the back reaction is below 10 % of the forward one.
TAFEL_MIN_OVERPOTENTIAL_V: float = 0.060

#: The kinetic signature the fit relies on must exceed this many times the noise level for i0 to
#: count as identifiable (3 sigma: a 0.3 % chance that noise alone mimics it).
IDENTIFIABILITY_FACTOR: float = 3.0

#: Voltage below which a kinetic signature is not trusted even when the fit residual is smaller:
#: 1 mV. Real CVs carry mV-level systematic errors that the model lacks (residual capacitive and
#: drift currents after branch averaging, ~2 mV of concentration polarisation at 0.1 mA/cm2).
VOLTAGE_FLOOR_V: float = 1e-3

#: Default voltage step between samples of :func:`cv_waveform`: 1 mV, the staircase step of a
#: typical potentiostat CV.
CV_DEFAULT_VOLTAGE_STEP_V: float = 1e-3

#: Most samples :func:`cv_waveform` builds: 10 million (80 MB per array). The paper's 5 mV/s
#: sweep over +-0.5 V at 1 mV per sample has 2001; a tiny ``voltage_step_V`` (1e-12 V) would
#: otherwise ask for terabytes.
CV_MAX_SAMPLES: int = 10_000_000

_METHODS = ("bv-fit", "micro-polarisation", "tafel")
_SWEEPS = ("average", "forward", "backward", "none")


@dataclass(frozen=True)
class ExchangeCurrentResult:
    """Exchange current density extracted from a symmetric-cell CV or micro-polarisation.

    Attributes
    ----------
    i0_A_m2 : float
        Exchange current density of one interface in A/m2 (1 mA/cm2 = 10 A/m2).
    ohmic_resistance_ohm_m2 : float
        Area-specific ohmic resistance used or fitted, in Ohm.m2.
    method : str
        ``"bv-fit"``, ``"micro-polarisation"`` or ``"tafel"``.
    residual_rms_V : float
        RMS of the voltage residual of the fit, in V (Tafel: of ``eta`` recomputed from the line).
    n_points : int
        Number of (voltage, current) points the fit used (after branch averaging).
    note : str
        How the value was obtained and any caveat (identifiability, Tafel slope).
    i0_rel_std : float
        Relative 1-sigma standard error of ``i0`` from the fit (NaN when not available).
    identifiable : bool
        False when the data cannot separate kinetics from ohmic drop (see module docstring).
    charge_transfer_resistance_ohm_m2 : float
        ``RT/(F i0)`` of one interface, in Ohm.m2 (the cell shows twice this).
    temperature_K : float
        Temperature used, in K.
    i0_lower_bound_A_m2 : float
        When ``identifiable`` is False ("bv-fit" with R_Omega free): the bound
        ``i0 >= 2RT/(F R_tot)`` that the zero-current slope ``R_tot`` does support; NaN otherwise.
        ``i0_A_m2`` is then the best fit, or NaN if that has no kinetic overpotential at all.
    """

    i0_A_m2: float
    ohmic_resistance_ohm_m2: float
    method: str
    residual_rms_V: float
    n_points: int
    note: str
    i0_rel_std: float = math.nan
    identifiable: bool = True
    charge_transfer_resistance_ohm_m2: float = math.nan
    temperature_K: float = 298.15
    i0_lower_bound_A_m2: float = math.nan


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------
def _kinetic_prefactor_V(temperature_K: float) -> float:
    """4RT/F in V: the prefactor of the asinh for two interfaces in series at alpha = 1/2."""
    return 4.0 * GAS_CONSTANT_J_MOL_K * temperature_K / FARADAY_C_MOL


def symmetric_cell_voltage(
    current_density_A_m2,
    i0_A_m2: float,
    ohmic_resistance_ohm_m2: float,
    temperature_K: float = 298.15,
) -> np.ndarray:
    """Quasi-steady voltage of a symmetric cell, ``V = i R + (4RT/F) asinh(i/(2 i0))``.

    Parameters
    ----------
    current_density_A_m2 : array_like of float
        Current density ``i`` in A/m2 (positive = stripping from the working electrode).
    i0_A_m2 : float
        Exchange current density of one interface ``i0`` in A/m2.
    ohmic_resistance_ohm_m2 : float
        Area-specific ohmic resistance ``R`` in Ohm.m2.
    temperature_K : float
        Temperature ``T`` in K.

    Returns
    -------
    numpy.ndarray
        Cell voltage in V.
    """
    i = float_array("current_density_A_m2", current_density_A_m2, "A/m2")
    i0 = real_number("i0_A_m2", i0_A_m2, "A/m2", "1 mA/cm2 = 10 A/m2.")
    if not i0 > 0:
        raise InvalidOptionError(
            f"i0_A_m2 is an exchange current density and must be > 0 A/m2; got {i0_A_m2!r}. "
            "1 mA/cm2 = 10 A/m2."
        )
    r = real_number("ohmic_resistance_ohm_m2", ohmic_resistance_ohm_m2, "Ohm.m2")
    if r < 0:
        raise InvalidOptionError(
            f"ohmic_resistance_ohm_m2 must be >= 0 Ohm.m2; got {ohmic_resistance_ohm_m2!r}."
        )
    return i * r + _kinetic_prefactor_V(_check_temperature(temperature_K)) * np.arcsinh(
        i / (2.0 * i0)
    )


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------
def _monotonic_runs(voltage: np.ndarray) -> list[tuple[int, int, int]]:
    """Split a sweep into runs of rising (+1) and falling (-1) voltage: (start, end, direction).

    Runs share their vertex points. Wiggles spanning less than 5 % of the voltage range (noise on a
    measured sweep) are merged into the surrounding run.
    """
    d = np.sign(np.diff(voltage))
    # Holds (staircase steps) take the direction of the preceding step.
    for k in range(d.size):
        if d[k] == 0:
            d[k] = d[k - 1] if k > 0 else 0
    if np.all(d == 0):
        return []
    first = d[np.nonzero(d)[0][0]]
    d[d == 0] = first
    span = float(np.ptp(voltage))
    for _ in range(10):
        edges = np.flatnonzero(np.diff(d)) + 1
        bounds = np.concatenate([[0], edges, [d.size]])
        changed = False
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            run_span = abs(float(voltage[b] - voltage[a]))
            if run_span < 0.05 * span and 0 < a and b < d.size:
                d[a:b] = d[a - 1]
                changed = True
                break
        if not changed:
            break
    edges = np.flatnonzero(np.diff(d)) + 1
    bounds = np.concatenate([[0], edges, [d.size]])
    return [(int(a), int(b), int(d[a])) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _branch(voltage, current, runs, direction, grid):
    """Mean current of all runs of one direction, interpolated on ``grid`` (NaN where uncovered)."""
    stack = []
    for a, b, d in runs:
        if d != direction:
            continue
        v, i = voltage[a : b + 1], current[a : b + 1]
        order = np.argsort(v, kind="stable")
        v, i = v[order], i[order]
        # Staircase data repeat voltages; average the repeats so np.interp sees a function.
        vu, inv = np.unique(v, return_inverse=True)
        iu = np.bincount(inv, weights=i) / np.bincount(inv)
        if vu.size < 2:
            continue
        row = np.interp(grid, vu, iu, left=np.nan, right=np.nan)
        stack.append(row)
    if not stack:
        return np.full_like(grid, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        return np.nanmean(np.vstack(stack), axis=0)


def _prepare(voltage_V, current_density_A_m2, sweep: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the (voltage, current) points to analyse, after branch handling."""
    v, i = as_real_columns(5, voltage_V=voltage_V, current_density_A_m2=current_density_A_m2)
    check_choice("sweep", sweep, _SWEEPS)
    check_cell_voltage("voltage_V", v)
    if sweep == "none":
        order = np.argsort(v, kind="stable")
        return v[order], i[order]
    runs = _monotonic_runs(v)
    if not runs:
        raise DataFormatError(
            "voltage_V never changes, so there is no sweep to analyse. For steady-state "
            "(V, i) points from separate holds pass sweep='none'."
        )
    step = np.median(np.abs(np.diff(v))[np.abs(np.diff(v)) > 0])
    n_grid = int(min(2001, max(51, round(np.ptp(v) / step) + 1)))
    grid = np.linspace(v.min(), v.max(), n_grid)
    directions = {"forward": [1], "backward": [-1], "average": [1, -1]}[sweep]
    branches = [_branch(v, i, runs, d, grid) for d in directions]
    labels = ("forward", "backward") if sweep == "average" else (sweep,)
    missing = [name for name, b in zip(labels, branches, strict=True) if np.all(np.isnan(b))]
    if missing:
        raise DataFormatError(
            f"sweep={sweep!r} needs a {' and a '.join(missing)} (rising/falling voltage) branch, "
            "but the data have none. Pass a full CV cycle, choose sweep='forward'/'backward', or "
            "sweep='none' for steady-state points."
        )
    mean = np.mean(np.vstack(branches), axis=0)
    ok = np.isfinite(mean)
    if ok.sum() < 5:
        raise DataFormatError(
            f"The forward and backward branches overlap on only {int(ok.sum())} voltage grid "
            "points; at least 5 are needed. Pass a complete cycle (e.g. 0 -> +0.5 -> -0.5 -> 0 V)."
        )
    return grid[ok], mean[ok]


def runs_against_voltage(voltage_V: np.ndarray, current: np.ndarray) -> bool:
    """Whether a symmetric cell's current runs against its voltage: its V(i) rises through the
    origin, so ``sum(V i) > 0`` for any sweep; a negative sum is a cycler that counts the other
    direction as positive (or voltage and current from different channels).

    Parameters
    ----------
    voltage_V : numpy.ndarray
        Working-electrode voltage [V].
    current : numpy.ndarray
        Current or current density (any unit), one per voltage.

    Notes
    -----
    A sweep that does not pass through 0 V is not a symmetric cell's: a three-electrode CV
    against a reference electrode (echemdb's EC-Lab ``eclab_cv_csv.mpt``: 0.85 -> 0.81 V vs.
    SCE, the cathodic current negative as EC-Lab writes it) gave a negative sum and was read
    with its sign turned. Such a sweep says nothing about the sign: False.
    """
    v = np.asarray(voltage_V, dtype=float)
    if not v.size or not (np.nanmin(v) <= 0.0 <= np.nanmax(v)):
        return False
    return float(np.dot(v, current)) < 0


def _check_current_sign(v: np.ndarray, i: np.ndarray) -> None:
    """Refuse a current whose sign runs against the voltage (:func:`runs_against_voltage`)."""
    if runs_against_voltage(v, i):
        raise DataFormatError(
            "current_density_A_m2 runs against voltage_V (negative current at positive voltage): "
            "in a symmetric cell the current has the sign of the voltage (positive = stripping "
            "from the working electrode). Your cycler counts the other direction as positive: "
            "pass -current."
        )


def _check_temperature(temperature_K: float) -> float:
    t = real_number("temperature_K", temperature_K, "K", "25 degC is 298.15 K.")
    if t <= 0:
        raise InvalidOptionError(
            f"temperature_K must be a positive number of kelvin; got {temperature_K!r}. "
            "25 degC is 298.15 K."
        )
    check_temperature_K("temperature_K", t)
    return t


def _check_resistance(r, method: str, required: bool) -> float | None:
    if r is None:
        if required:
            raise InvalidOptionError(
                f"method={method!r} needs ohmic_resistance_ohm_m2 (the high-frequency intercept Rs "
                "of the cell's EIS, e.g. fit_rs_rct(f, Z)['Rs [Ohm.m2]']). Pass 0.0 to skip the "
                "iR correction knowingly, or use method='bv-fit', which can fit it."
            )
        return None
    r = real_number("ohmic_resistance_ohm_m2", r, "Ohm.m2", "1 Ohm.cm2 = 1e-4 Ohm.m2.")
    if r < 0:
        raise InvalidOptionError(
            f"ohmic_resistance_ohm_m2 must be >= 0 (area-specific, Ohm.m2); got {r!r}. "
            "1 Ohm.cm2 = 1e-4 Ohm.m2."
        )
    return r


# --------------------------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------------------------
def _bv_fit(v, i, t_K, r_fixed):
    b = _kinetic_prefactor_V(t_K)
    lo, hi = (math.log(x) for x in I0_BOUNDS_A_M2)
    i_scale = float(np.max(np.abs(i)))
    if i_scale == 0:
        raise DataFormatError("current_density_A_m2 is zero everywhere; there is no kinetics.")

    def r_opt(ln_i0):
        if r_fixed is not None:
            return r_fixed
        kin = b * np.arcsinh(i / (2.0 * math.exp(ln_i0)))
        return max(0.0, float(np.dot(i, v - kin) / np.dot(i, i)))

    def sse(ln_i0):
        res = i * r_opt(ln_i0) + b * np.arcsinh(i / (2.0 * math.exp(ln_i0))) - v
        return float(np.dot(res, res))

    grid = np.linspace(lo, hi, 201)
    values = np.array([sse(x) for x in grid])
    k = int(np.argmin(values))
    a, c = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    tried = [f"scan of ln(i0) over [{I0_BOUNDS_A_M2[0]:g}, {I0_BOUNDS_A_M2[1]:g}] A/m2"]
    opt = minimize_scalar(sse, bounds=(a, c), method="bounded", options={"xatol": 1e-10})
    ln_i0 = float(opt.x) if opt.success else float(grid[k])
    tried.append("bounded Brent refinement")
    r0 = r_opt(ln_i0)

    # Joint polish (and Jacobian for the standard error); R scaled to a volt at i_scale.
    r_unit = 1.0 / i_scale
    if r_fixed is None:

        def fun(p):
            return i * p[0] * r_unit + b * np.arcsinh(i / (2.0 * np.exp(p[1]))) - v

        x0 = np.array([r0 / r_unit, ln_i0])
        lower, upper = np.array([0.0, lo]), np.array([np.inf, hi])
    else:

        def fun(p):
            return i * r_fixed + b * np.arcsinh(i / (2.0 * np.exp(p[0]))) - v

        x0 = np.array([ln_i0])
        lower, upper = np.array([lo]), np.array([hi])
    x0 = np.clip(x0, lower, upper)
    try:
        sol = least_squares(fun, x0, bounds=(lower, upper), x_scale="jac", xtol=1e-14, ftol=1e-14)
        tried.append("joint least-squares polish")
        if sol.cost <= 0.5 * sse(ln_i0) * (1 + 1e-9):
            x0 = sol.x
            jac = sol.jac
        else:
            jac = None
    except (ValueError, np.linalg.LinAlgError) as exc:
        tried.append(f"joint least-squares polish failed ({exc})")
        jac = None
    if r_fixed is None:
        r_fit, ln_i0 = float(x0[0] * r_unit), float(x0[1])
    else:
        r_fit, ln_i0 = r_fixed, float(x0[0])
    residual = fun(x0)
    if not np.all(np.isfinite(residual)):
        raise ConvergenceError(
            "The Butler-Volmer fit produced non-finite residuals after " + ", ".join(tried) + "."
        )
    rms = float(np.sqrt(np.mean(residual**2)))
    i0 = math.exp(ln_i0)
    # Standard error of ln(i0) from the Jacobian at the optimum.
    rel_std = math.nan
    if jac is None:
        eps = 1e-6
        cols = []
        for j in range(x0.size):
            dx = np.zeros_like(x0)
            dx[j] = eps
            cols.append((fun(x0 + dx) - fun(x0 - dx)) / (2 * eps))
        jac = np.column_stack(cols)
    dof = max(v.size - x0.size, 1)
    s2 = float(np.dot(residual, residual)) / dof
    try:
        cov = np.linalg.inv(jac.T @ jac) * s2
        rel_std = float(math.sqrt(max(cov[-1, -1], 0.0)))
    except np.linalg.LinAlgError:
        rel_std = math.inf
    at_bound = "lower" if ln_i0 <= lo + 0.05 else ("upper" if ln_i0 >= hi - 0.05 else None)
    return i0, r_fit, rms, rel_std, at_bound, tried


def _kinetic_signal_V(i, i0, t_K, r_free: bool) -> float:
    """Largest part of the kinetic voltage that the fit can tell from ohmic drop, in V."""
    kin = _kinetic_prefactor_V(t_K) * np.arcsinh(i / (2.0 * i0))
    if not r_free:
        return float(np.max(np.abs(kin)))
    # With R free a straight line through the origin absorbs the linear part of the asinh.
    slope = float(np.dot(i, kin) / np.dot(i, i))
    return float(np.max(np.abs(kin - slope * i)))


def exchange_current_from_cv(
    voltage_V,
    current_density_A_m2,
    temperature_K: float = 298.15,
    method: str = "bv-fit",
    ohmic_resistance_ohm_m2: float | None = None,
    sweep: str = "average",
    micro_window_V: float = MICRO_POLARISATION_WINDOW_V,
    tafel_min_overpotential_V: float = TAFEL_MIN_OVERPOTENTIAL_V,
    back_reaction_correction: bool = False,
) -> ExchangeCurrentResult:
    """Exchange current density of one Na|SSE interface from a symmetric-cell CV.

    See the module docstring for the three methods and their equations.

    Parameters
    ----------
    voltage_V : array_like of float
        Cell voltage in V, in measurement order (e.g. 0 -> +0.5 -> -0.5 -> 0 V at 5 mV/s).
    current_density_A_m2 : array_like of float
        Current density in A/m2, same length (positive = stripping from the working electrode).
    temperature_K : float
        Cell temperature in K (default 298.15 K; below 150 K it is taken for degC and refused).
    method : {"bv-fit", "micro-polarisation", "tafel"}
        Extraction method.
    ohmic_resistance_ohm_m2 : float, optional
        Area-specific ohmic resistance in Ohm.m2 from EIS (the high-frequency intercept). Fixes
        ``R_Omega`` in "bv-fit" (otherwise fitted); required by the other two methods.
    sweep : {"average", "forward", "backward", "none"}
        ``"average"`` (default) interpolates the rising- and falling-voltage branches on a common
        grid and averages them at equal voltage (cancels capacitive current); ``"forward"`` /
        ``"backward"`` use one branch; ``"none"`` uses the points as given (steady-state holds).
    micro_window_V : float
        Half-width of the voltage window of the micro-polarisation slope (default 10 mV).
    tafel_min_overpotential_V : float
        Smallest per-interface overpotential in the Tafel fit (default 60 mV).
    back_reaction_correction : bool
        "tafel" only: plot ``log10(|i| / (1 - exp(-F|eta|/RT)))`` instead of ``log10|i|`` (the
        Allen-Hickling form, exact for alpha = 1/2 at every ``eta``), which removes the bias of the
        neglected back reaction. Default False (the classical Tafel line an experimenter draws).

    Returns
    -------
    ExchangeCurrentResult

    Raises
    ------
    DataFormatError
        Mismatched, too short or non-finite arrays; no usable sweep branch; a voltage beyond
        20 V (mV, or the columns swapped); a current whose sign runs against the voltage.
    OutOfRangeError
        A temperature below 150 K (degC given as K).
    InvalidOptionError
        Unknown method/sweep, missing or negative ``ohmic_resistance_ohm_m2``, bad temperature.
    ConvergenceError
        The fit ends at the lower i0 bound (or at the upper one with R_Omega fixed), too few points
        lie in the micro-polarisation/Tafel window, or the slope leaves a non-positive
        charge-transfer resistance. (With R_Omega free, an upper-bound fit is not an error but a
        result with ``identifiable=False`` and ``i0_A_m2 = nan``.)
    """
    check_choice("method", method, _METHODS)
    t_K = _check_temperature(temperature_K)
    r_given = _check_resistance(ohmic_resistance_ohm_m2, method, method != "bv-fit")
    micro_window_V = real_number("micro_window_V", micro_window_V, "V", "Default 0.010 V.")
    tafel_min_overpotential_V = real_number(
        "tafel_min_overpotential_V", tafel_min_overpotential_V, "V", "Default 0.060 V."
    )
    check_flag(back_reaction_correction, "back_reaction_correction", False)
    v, i = _prepare(voltage_V, current_density_A_m2, sweep)
    _check_current_sign(v, i)
    rt_f = GAS_CONSTANT_J_MOL_K * t_K / FARADAY_C_MOL

    if method == "bv-fit":
        i0, r_fit, rms, rel_std, at_bound, tried = _bv_fit(v, i, t_K, r_given)
        if at_bound == "lower" or (at_bound == "upper" and r_given is not None):
            why = (
                "the curve is not of the symmetric-cell form (check units: V and A/m2)"
                if at_bound == "lower"
                else "the given ohmic resistance already explains the whole voltage, leaving no "
                "kinetic overpotential (check ohmic_resistance_ohm_m2, area-specific in Ohm.m2)"
            )
            raise ConvergenceError(
                f"The Butler-Volmer fit ended at the {at_bound} bound i0 = {i0:.3g} A/m2 (allowed "
                f"{I0_BOUNDS_A_M2[0]:g}-{I0_BOUNDS_A_M2[1]:g} A/m2) after "
                + ", ".join(tried)
                + f": {why}. Check the sweep, or try method='micro-polarisation'."
            )
        signal = _kinetic_signal_V(i, i0, t_K, r_given is None)
        floor = max(rms, VOLTAGE_FLOOR_V)
        identifiable = at_bound is None and signal >= IDENTIFIABILITY_FACTOR * floor
        note = (
            f"Butler-Volmer fit (alpha = 1/2, two interfaces) of V(i) on {v.size} points, sweep="
            f"{sweep!r}; R_Omega {'fixed' if r_given is not None else 'fitted'}; kinetic "
            f"signature {1e3 * signal:.3g} mV against noise {1e3 * floor:.3g} mV."
        )
        lower_bound = math.nan
        if not identifiable:
            r_tot = r_fit + 2.0 * rt_f / i0
            lower_bound = 2.0 * rt_f / r_tot
            note += (
                " Kinetics hidden by the ohmic drop: the sweep cannot separate i0 from R_Omega; "
                f"only i0 >= {lower_bound:.3g} A/m2 holds (R_tot = {r_tot:.4g} Ohm.m2). "
                "Fix ohmic_resistance_ohm_m2 from EIS or use method='micro-polarisation'."
            )
            if at_bound == "upper":
                # The best fit is "no kinetics at all": no finite value to report.
                note += " The best fit has no kinetic overpotential at all (i0 at the upper bound)."
                i0 = math.nan
                rel_std = math.inf
        r_ohm, n_points, r_ct = r_fit, v.size, rt_f / i0

    elif method == "micro-polarisation":
        if not (0 < micro_window_V <= 0.1):
            raise InvalidOptionError(
                f"micro_window_V must lie in (0, 0.1] V; got {micro_window_V!r}. Default 0.010 V."
            )
        sel = np.abs(v) < micro_window_V
        if sel.sum() < 3:
            raise ConvergenceError(
                f"Only {int(sel.sum())} point(s) lie within |V| < {1e3 * micro_window_V:g} mV; the "
                "micro-polarisation slope needs at least 3. Sample the sweep more finely near 0 V "
                "or widen micro_window_V."
            )
        vs, is_ = v[sel], i[sel]
        if np.ptp(is_) == 0:
            raise ConvergenceError(
                "The current does not vary within the micro-polarisation window; no slope."
            )
        coef, residual, cov = _line_fit(is_, vs)
        r_tot = float(coef[0])
        rms = float(np.sqrt(np.mean(residual**2)))
        r_ct1 = (r_tot - r_given) / 2.0
        if r_ct1 <= 0:
            raise ConvergenceError(
                f"The micro-polarisation slope R_tot = {r_tot:.4g} Ohm.m2 does not exceed the ohmic "
                f"resistance {r_given:.4g} Ohm.m2, so no charge-transfer resistance is left. Check "
                "ohmic_resistance_ohm_m2 (area-specific, Ohm.m2) and the current units (A/m2)."
            )
        i0 = rt_f / r_ct1
        rel_std = math.sqrt(max(cov[0, 0], 0.0)) / (2.0 * r_ct1)
        note = (
            f"Micro-polarisation: slope dV/di = R_tot = {r_tot:.4g} Ohm.m2 over {vs.size} points "
            f"with |V| < {1e3 * micro_window_V:g} mV; R_ct,1 = (R_tot - R_Omega)/2 = "
            f"{r_ct1:.4g} Ohm.m2 per interface; i0 = RT/(F R_ct,1)."
        )
        r_ohm, n_points, r_ct, identifiable = r_given, vs.size, r_ct1, r_ct1 > 0
        lower_bound = math.nan

    else:
        i0, rms, rel_std, n_points, note = _tafel(
            v, i, r_given, rt_f, tafel_min_overpotential_V, back_reaction_correction
        )
        r_ohm, r_ct, identifiable, lower_bound = r_given, rt_f / i0, True, math.nan

    return ExchangeCurrentResult(
        i0_A_m2=i0,
        ohmic_resistance_ohm_m2=r_ohm,
        method=method,
        residual_rms_V=rms,
        n_points=int(n_points),
        note=note,
        i0_rel_std=rel_std,
        identifiable=bool(identifiable),
        charge_transfer_resistance_ohm_m2=r_ct,
        temperature_K=t_K,
        i0_lower_bound_A_m2=lower_bound,
    )


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares line ``y = coef[0] x + coef[1]``: coefficients, residuals (fit - data) and
    their covariance (NaN where the design is singular)."""
    design = np.column_stack([x, np.ones_like(x)])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = design @ coef - y
    dof = max(x.size - 2, 1)
    try:
        cov = np.linalg.inv(design.T @ design) * float(residual @ residual) / dof
    except np.linalg.LinAlgError:
        cov = np.full((2, 2), math.nan)
    return coef, residual, cov


def _tafel(
    v: np.ndarray,
    i: np.ndarray,
    r_given: float,
    rt_f: float,
    tafel_min_overpotential_V: float,
    back_reaction_correction: bool,
) -> tuple[float, float, float, int, str]:
    """Tafel extrapolation: ``i0``, RMS of eta [V], relative std of i0, points used, note."""
    if not (0 < tafel_min_overpotential_V < 1):
        raise InvalidOptionError(
            f"tafel_min_overpotential_V must lie in (0, 1) V; got {tafel_min_overpotential_V!r}. "
            "Default 0.060 V."
        )
    eta = (v - i * r_given) / 2.0
    sel = (
        (np.abs(eta) >= tafel_min_overpotential_V) & (np.abs(i) > 0) & (np.sign(eta) == np.sign(i))
    )
    if sel.sum() < 3:
        raise ConvergenceError(
            f"Only {int(sel.sum())} point(s) reach a per-interface overpotential |eta| >= "
            f"{1e3 * tafel_min_overpotential_V:g} mV after iR correction (largest "
            f"{1e3 * float(np.max(np.abs(eta))):.3g} mV); the Tafel fit needs at least 3. The "
            "kinetics do not reach the Tafel region: use method='bv-fit' or 'micro-polarisation'."
        )
    x, y = np.abs(eta[sel]), np.log10(np.abs(i[sel]))
    if back_reaction_correction:
        # i = i0 e^(f eta/2) (1 - e^(-f eta)) for alpha = 1/2: divide out the back reaction.
        y = y - np.log10(-np.expm1(-x / rt_f))
    coef, _, cov = _line_fit(x, y)
    slope, intercept = float(coef[0]), float(coef[1])
    if slope <= 0:
        raise ConvergenceError(
            f"The Tafel line has a non-positive slope ({slope:.3g} decades/V): the current does "
            "not grow with overpotential in the window. Check ohmic_resistance_ohm_m2."
        )
    i0 = 10.0**intercept
    residual_eta = (y - intercept) / slope - x
    rms = float(np.sqrt(np.mean(residual_eta**2)))
    rel_std = math.log(10.0) * math.sqrt(max(cov[1, 1], 0.0))
    tafel_mV = 1e3 / slope
    expected_mV = 1e3 * math.log(10.0) * 2.0 * rt_f
    note = (
        f"Tafel{' (Allen-Hickling back-reaction correction)' if back_reaction_correction else ''}: "
        f"eta = (V - i R_Omega)/2 per interface, {x.size} points with |eta| >= "
        f"{1e3 * tafel_min_overpotential_V:g} mV; slope {tafel_mV:.1f} mV/decade (alpha = 1/2 "
        f"expects {expected_mV:.1f}); extrapolated to eta = 0."
    )
    return i0, rms, rel_std, x.size, note


def _finite_rows(a, b) -> tuple[np.ndarray, np.ndarray]:
    """Two samples as float arrays, keeping the rows where both are finite."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    return a[ok], b[ok]


@dataclass(frozen=True)
class CVSweep:
    """The waveform a recorded CV was run with, read from its time and voltage.

    Attributes
    ----------
    scan_rate_V_s : float
        Median over the sweeps of ``|V_end - V_start| / (t_end - t_start)``, in V/s (NaN when the
        record has no sweep or no increasing time). The median ignores a first partial sweep
        and a hold at a vertex; a run of a single step (a first sample taken before the
        potential was under control) counts only where no run is longer.
    scan_rate_spread : float
        (largest - smallest) / median of the rates of the full sweeps (the first and the last
        left out when there are three or more: they may start after a rest or stop mid-sweep)
        [-]; above a few per cent the record holds several scan rates.
    v_min_V, v_max_V : float
        Lowest and highest voltage recorded, in V (the vertices of a full sweep).
    n_sweeps : int
        Rising and falling sweeps (a full cycle is two).
    """

    scan_rate_V_s: float
    scan_rate_spread: float
    v_min_V: float
    v_max_V: float
    n_sweeps: int


def cv_sweep(time_s, voltage_V) -> CVSweep:
    """Scan rate, vertices and number of sweeps of a recorded CV.

    The record's own numbers, so that a reader of the analysis sees which waveform the file holds
    (a file's header states the programmed rate, when it does, not the one run).

    Parameters
    ----------
    time_s, voltage_V : array_like of float
        The record's time [s] and cell voltage [V], sample by sample.

    Returns
    -------
    CVSweep
    """
    t, v = _finite_rows(time_s, voltage_V)
    rates = []
    runs = _monotonic_runs(v) if v.size > 1 else []
    # a run of one step between two samples is no sweep when the record has longer ones: the
    # first sample of a potentiostat's record may be taken before the potential is under control
    # (Admiral Squidstat's public CV exports start 24 mV off, then sweep at 1 mV a sample), and
    # in a one-sweep record (an LSV) the median of two rates would be their mean
    swept = [(a, b) for a, b, _ in runs if b - a >= 2] or [(a, b) for a, b, _ in runs]
    for a, b in swept:
        if t[b] > t[a]:
            rates.append(abs(float(v[b] - v[a])) / float(t[b] - t[a]))
    rate = float(np.median(rates)) if rates else math.nan
    inner = rates[1:-1] if len(rates) >= 3 else rates
    spread = float(np.ptp(inner) / rate) if inner and rate > 0 else math.nan
    return CVSweep(
        scan_rate_V_s=rate,
        scan_rate_spread=spread,
        v_min_V=float(v.min()) if v.size else math.nan,
        v_max_V=float(v.max()) if v.size else math.nan,
        n_sweeps=len(runs),
    )


#: Fall of the current after its largest value along one sweep, as a share [-] of the current's
#: span over that sweep, from which the sweep holds a peak. A symmetric Na|Na cell's current
#: rises with |V| all along a sweep (Butler-Volmer, film and ohmic drops; at the SSE's limiting
#: current it levels off and the run stops at the depletion time): the model's Fig. 4g CVs of
#: both anodes, and sweeps to +-2 V and to the limiting current, fall by 0.0. A redox couple in
#: solution is diffusion-limited: after its peak the current falls (Randles-Sevcik), by 43-62 %
#: of the span in ecat's CH Instruments CVs of ferrocene and an iron complex (MIT); the
#: supporting electrolyte alone, 0.2 %. Smoothing over 2 % of a sweep keeps noise out.
PEAK_DROP_FRACTION: float = 0.2


@dataclass(frozen=True)
class CVPeaks:
    """Current peaks of a CV's sweeps (a diffusion-limited redox couple, not a symmetric cell).

    Attributes
    ----------
    drop : float
        Largest fall of the current after its peak along one sweep, as a share of that sweep's
        current span [-]; 0 for a current that grows with |V| all along every sweep.
    anodic_V, anodic_current : float
        Potential [V] and current (the unit given) of the highest anodic peak of the rising
        sweeps (NaN when none falls by :data:`PEAK_DROP_FRACTION`).
    cathodic_V, cathodic_current : float
        The same for the lowest cathodic peak of the falling sweeps.
    """

    drop: float
    anodic_V: float
    anodic_current: float
    cathodic_V: float
    cathodic_current: float

    @property
    def peaked(self) -> bool:
        """Whether a sweep holds a peak (:data:`PEAK_DROP_FRACTION`)."""
        return self.drop > PEAK_DROP_FRACTION


def cv_peaks(voltage_V, current) -> CVPeaks:
    """Peaks of the current along the sweeps of a recorded CV.

    Each monotonic sweep's current, signed by the sweep's direction and smoothed over 2 % of its
    points, is checked for a maximum before the sweep's end from which it falls by more than
    :data:`PEAK_DROP_FRACTION` of its span: the current of a diffusion-limited couple, which the
    symmetric-cell analysis does not describe.

    Parameters
    ----------
    voltage_V : array_like of float
        Voltage [V], sample by sample.
    current : array_like of float
        Current or current density (any unit), one per voltage.

    Returns
    -------
    CVPeaks
    """
    v, i = _finite_rows(voltage_V, current)
    worst = 0.0
    best = {1: (math.nan, math.nan), -1: (math.nan, math.nan)}
    for a, b, d in _monotonic_runs(v) if v.size > 1 else []:
        signed = d * i[a : b + 1]
        if signed.size < 10:
            continue
        k = max(1, signed.size // 100)
        smooth = np.convolve(signed, np.ones(2 * k + 1) / (2 * k + 1), mode="valid")
        span = float(np.ptp(smooth))
        if not span > 0:
            continue
        top = int(np.argmax(smooth))
        drop = float(smooth[top] - smooth[-1]) / span
        worst = max(worst, drop)
        height = float(smooth[top])  # signed by the sweep's direction: the larger, the higher
        if drop > PEAK_DROP_FRACTION and (math.isnan(best[d][1]) or height > d * best[d][1]):
            best[d] = (float(v[a + k + top]), d * height)
    return CVPeaks(worst, *best[1], *best[-1])


# --------------------------------------------------------------------------------------------
# CV waveform
# --------------------------------------------------------------------------------------------
def _check_waveform(v_min_V, v_max_V, scan_rate_V_s, start_V):
    v_min_V, v_max_V, start_V = (
        real_number(name, val, "V")
        for name, val in (("v_min_V", v_min_V), ("v_max_V", v_max_V), ("start_V", start_V))
    )
    scan_rate_V_s = real_number("scan_rate_V_s", scan_rate_V_s, "V/s", "5 mV/s is 0.005.")
    if not v_min_V < v_max_V:
        raise InvalidOptionError(
            f"v_min_V ({v_min_V!r} V) must be below v_max_V ({v_max_V!r} V), e.g. -0.5 and 0.5."
        )
    if not (v_min_V <= start_V <= v_max_V):
        raise InvalidOptionError(
            f"start_V = {start_V!r} V must lie within [v_min_V, v_max_V] = [{v_min_V}, {v_max_V}] V."
        )
    if not scan_rate_V_s > 0:
        raise InvalidOptionError(
            f"scan_rate_V_s must be > 0 V/s; got {scan_rate_V_s!r}. 5 mV/s is 0.005."
        )
    return v_min_V, v_max_V, scan_rate_V_s, start_V


def cv_voltage(
    time_s,
    v_min_V: float = -0.5,
    v_max_V: float = 0.5,
    scan_rate_V_s: float = 0.005,
    start_V: float = 0.0,
) -> np.ndarray:
    """Voltage of the triangular CV waveform at arbitrary times (periodic).

    The sweep starts at ``start_V`` going up, turns at ``v_max_V``, runs down to ``v_min_V`` and
    back up: 0 -> +0.5 -> -0.5 -> 0 V for the defaults (paper Fig. 4g). One cycle lasts
    ``2 (v_max_V - v_min_V) / scan_rate_V_s`` (400 s at 5 mV/s).

    Parameters
    ----------
    time_s : array_like of float
        Times in s from the start of the sweep (>= 0).
    v_min_V, v_max_V : float
        Vertex voltages in V.
    scan_rate_V_s : float
        Scan rate in V/s (> 0).
    start_V : float
        Starting voltage in V, within the vertices.

    Returns
    -------
    numpy.ndarray
        Voltage in V.
    """
    v_min_V, v_max_V, scan_rate_V_s, start_V = _check_waveform(
        v_min_V, v_max_V, scan_rate_V_s, start_V
    )
    t = float_array("time_s", time_s, "s")
    span = v_max_V - v_min_V
    u = np.mod((start_V - v_min_V) + scan_rate_V_s * t, 2.0 * span)
    return np.where(u <= span, v_min_V + u, v_max_V - (u - span))


def cv_waveform(
    v_min_V: float = -0.5,
    v_max_V: float = 0.5,
    scan_rate_V_s: float = 0.005,
    n_cycles: int = 1,
    start_V: float = 0.0,
    voltage_step_V: float = CV_DEFAULT_VOLTAGE_STEP_V,
) -> tuple[np.ndarray, np.ndarray]:
    """Sample times and voltages of a triangular CV: ``start -> v_max -> v_min -> start``.

    The simulator and the analysis share this definition (see :func:`cv_voltage`). Samples are
    spaced uniformly in time so that the voltage moves ``voltage_step_V`` per sample (1 mV by
    default); every vertex and the end point are included exactly.

    Parameters
    ----------
    v_min_V, v_max_V : float
        Vertex voltages in V (default -0.5 and 0.5, paper Fig. 4g).
    scan_rate_V_s : float
        Scan rate in V/s (default 0.005 = 5 mV/s).
    n_cycles : int
        Number of full cycles (>= 1).
    start_V : float
        Start and end voltage in V (default 0).
    voltage_step_V : float
        Voltage change between samples in V (default 1 mV).

    Returns
    -------
    time_s : numpy.ndarray
        Sample times in s, starting at 0.
    voltage_V : numpy.ndarray
        Voltage in V at those times.

    Examples
    --------
    >>> t, v = cv_waveform()
    >>> float(t[-1]), float(v.max()), float(v.min()), float(v[-1])
    (400.0, 0.5, -0.5, 0.0)
    """
    v_min_V, v_max_V, scan_rate_V_s, start_V = _check_waveform(
        v_min_V, v_max_V, scan_rate_V_s, start_V
    )
    if isinstance(n_cycles, str) or not (
        real_number("n_cycles", n_cycles, "cycles") == int(n_cycles) and n_cycles >= 1
    ):
        raise InvalidOptionError(f"n_cycles must be a whole number >= 1; got {n_cycles!r}.")
    voltage_step_V = real_number("voltage_step_V", voltage_step_V, "V", "Default 0.001 V.")
    if not (0 < voltage_step_V <= v_max_V - v_min_V):
        raise InvalidOptionError(
            f"voltage_step_V must lie in (0, v_max_V - v_min_V]; got {voltage_step_V!r} V."
        )
    span = v_max_V - v_min_V
    period = 2.0 * span / scan_rate_V_s
    t_end = int(n_cycles) * period
    dt = voltage_step_V / scan_rate_V_s
    n = int(math.ceil(t_end / dt - 1e-9))
    if n > CV_MAX_SAMPLES:
        raise InvalidOptionError(
            f"voltage_step_V = {voltage_step_V:g} V over {int(n_cycles)} cycle(s) of "
            f"{v_min_V:g}..{v_max_V:g} V needs {n:.3g} samples, more than {CV_MAX_SAMPLES:.0e}. "
            "Use a step of at least 1e-4 V (0.1 mV) or fewer cycles."
        )
    t = np.linspace(0.0, n * dt, n + 1)
    t = t[t < t_end - 1e-9 * dt]
    # Vertex times: first arrival at v_max, then every half period.
    t_first_top = (v_max_V - start_V) / scan_rate_V_s
    vertices = np.arange(t_first_top, t_end, span / scan_rate_V_s)
    t = np.union1d(np.concatenate([t, [t_end]]), vertices)
    v = cv_voltage(t, v_min_V, v_max_V, scan_rate_V_s, start_V)
    # Round-off at the vertices and the end: put them on the exact values.
    v = np.clip(v, v_min_V, v_max_V)
    v[-1] = start_V
    return t, v
