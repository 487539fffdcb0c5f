"""Distribution of relaxation times (DRT): resolve the processes of an impedance spectrum by their
time constants, without choosing an equivalent circuit first.

Model
-----
An impedance that obeys Kramers-Kronig and has a DC limit is written (Ciucci & Chen, Electrochim.
Acta 167, 439 (2015); Wan et al., Electrochim. Acta 184, 483 (2015))::

    Z(omega) = R_inf + j omega L + integral gamma(ln tau) / (1 + j omega tau) d ln tau

``gamma`` (same unit as ``Z``, per unit of ``ln tau``) is expanded in Gaussian radial basis
functions ``phi_k(y) = exp(-(eps (y - y_k))^2)`` on a uniform grid ``y_k = ln tau_k`` that extends
:data:`TAU_EXTENSION_DECADES` beyond the measured ``1/(2 pi f)`` range. ``R_inf``, ``L`` and the
RBF weights are found together by non-negative least squares with a Tikhonov penalty
``lambda * integral (d2 gamma / d(ln tau)2)^2 d ln tau`` (second derivative: it penalises
curvature, not height, so peak areas are not shrunk). The Gram matrix of the penalty is exact
for Gaussians (:func:`_penalty_matrix`). A peak of ``gamma`` is one relaxation process: its area
is the process's resistance ``R``, its position the time constant ``tau = R C``, so
``C = tau / R``.

Choice of lambda
----------------
``lam="lcurve"`` (default) takes the corner (largest Menger curvature) of the L-curve (Hansen,
SIAM Rev. 34, 561 (1992)); ``lam="gcv"`` minimises generalised cross-validation (Golub, Heath & Wahba,
Technometrics 21, 215 (1979)) computed for the non-negative solution on its free set
(the influence matrix of the unconstrained problem restricted to the RBFs that are not at the
bound); a float fixes it. The L-curve is the default because GCV is nearly flat once
non-negativity already regularises: on 2XZARCequal.csv (0.5 Ohm noise) the GCV score varies by
less than 10 % from lambda = 1e-10 to 1e-2, its minimum (lambda ~ 1e-3) leaves noise peaks that
take 8-12 % of each true peak's area, while the L-curve corner (lambda ~ 0.1) recovers both areas
within 1.5 %. On the model's noise-free spectra both choose lambda < 2e-6 and the same peaks. The value and the method are in the result. The search is
deterministic; the only random numbers are the bootstrap draws of the credible band, taken from
``numpy.random.default_rng(seed)``. An automatic lambda within one grid step of either end of
:data:`LAMBDA_RANGE` means the criterion found no optimum inside the range (noise-free spectra
send both to the floor, where gamma grows spurious peaks): ``DRTResult.notes`` says so.

Credible band
-------------
Wild bootstrap of the weighted residuals (Rademacher signs; Wu, Ann. Stat. 14, 1261 (1986)):
each replicate refits ``Z_fit + r * s_i`` at the chosen lambda; the band is the central
:data:`BAND_LEVEL` interval of the replicates of ``gamma``. It reflects what the residuals
hold: on a measured spectrum mostly its noise; on a noise-free (simulated) one the basis' own
misfit, which at the small lambda such a spectrum gets still moves gamma by up to about a tenth
of its peak (the model's Fig. 4e spectra: the band's widest point 9 % of the highest peak).

R_inf and the high-frequency end
--------------------------------
The tau grid reaches :data:`TAU_EXTENSION_DECADES` below ``1/omega_max``. There an RBF at
``tau`` differs from a series resistance only by ``-j omega tau`` times its area (which a fitted
L >= 0 cancels) and by ``(omega tau)^2`` times its area in the real part: one decade out, 1 % at
the highest frequency, below the noise of most spectra. The data fix ``R_inf`` plus the area of
gamma below ``1/omega_max`` (:attr:`DRTResult.R_hf`), not the split. On the symmetric-cell
model's modified-Na spectrum (1 MHz to 0.1 Hz, R_b ~ 1.5 % of the DC resistance) with 0.5 % noise
of |Z|, ``R_inf`` is off by -100 % to +0.1 % of R_b over 12 noise draws (noise moves it into
a peak near 1e-8 s), while ``R_hf`` stays within 0.5 % (1 % noise: 1.0 %). Alternatives measured
and not taken:

* RBFs only at ``tau >= 1/f_max`` (pyDRTtools' collocation ``tau = 1/f``, Wan et al. 2015):
  that spectrum's ``R_inf`` within 0.3 % (0.6 % at 1 % noise), but an RC at
  ``tau = 1/omega_max`` is not drawn (residuals 11 % of |Z|, ``R_inf`` 33 Ohm high on 10 Ohm);
* no extension below ``1/omega_max``: ``R_inf`` within 1.6 % (3.2 % at 1 % noise), but a ZARC
  (n = 0.8) at ``tau = 1/omega_max`` has its tail cut: ``R_inf`` 7.7 Ohm high on 10 Ohm;
* moving a separate peak below the range into ``R_inf`` unless a likelihood-ratio test rejects
  that: the noise artefacts (2XZARCequal.csv, 1.2 Ohm; a noisy R-(R||CPE), 4 Ohm) and the true
  short-tau tail of a Warburg element (5.8 Ohm; R + R||C + R||W, noise-free) give the same
  statistic (7.3 and 8.9 against 10.1 residual variances), so no threshold separates them.

So the extension stays, ``R_inf`` is the model's series resistance, and ``R_hf`` is reported
beside it as the high-frequency resistance.

Why not pyDRTtools
------------------
pyDRTtools 0.2 (MIT, the reference implementation of this method) installs from PyPI but does not
import: its ``__init__`` loads the PyQt5 GUI, and ``basics`` imports ``cvxopt``, a dependency it
does not declare. cvxopt is GPL-3.0, which a BSD-3-Clause package cannot require. The
quadratic program it solves with cvxopt is, with the penalty folded in, a non-negative least
squares problem that :func:`scipy.optimize.nnls` solves directly, so this module is written on
NumPy/SciPy only. pyimpspec (GPL-3.0) is not used.

Limits
------
Two processes whose time constants differ by less than about a factor of 3 (a third of a decade)
are not resolved by any regularised DRT of a noise-free spectrum (the regularisation and the
RBF width set the resolution). In the symmetric cell with M-Na the interphase film (tau_f ~ 2.1e-4
s) and charge transfer (tau_ct ~ 1.5e-4 s) differ by a factor 1.4 and give a single peak. A
spectrum without a DC limit (blocking electrode, semi-infinite diffusion) or with an inductive
loop at low frequency is outside the model above.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar, nnls
from scipy.signal import find_peaks

from solidna.analysis._checks import as_real_1d, check_same_length, real_number, spectrum_pairs

# the capacitive end is judged in eis (its lin-KK test needs it, and eis must not import this
# module, which imports eis); re-exported here, where it was public first
from solidna.analysis.eis import capacitive_end
from solidna.errors import (
    DataFormatError,
    InvalidOptionError,
    SolidnaWarning,
    check_choice,
    positive_int,
)

__all__ = [
    "DRTResult",
    "capacitive_end",
    "fit_drt",
    "drt_evolution",
    "MIN_POINTS",
    "TAU_EXTENSION_DECADES",
    "RBF_FWHM_SPACINGS",
    "RBF_PER_DECADE",
    "PEAK_PROMINENCE",
    "BAND_LEVEL",
    "DEFAULT_N_BOOT",
    "TRACK_GAP_DECADES",
]

#: Fewest points a spectrum needs for a DRT with an automatic lambda. GCV estimates the noise
#: from the residual degrees of freedom (2N minus the effective number of parameters); with the
#: series R and L and at least one peak of ~3 effective parameters, fewer than 10 points (20
#: numbers) leave too few degrees of freedom for a stable minimum.
MIN_POINTS: int = 10

#: The tau grid extends this many decades beyond 1/(2 pi f_max) and 1/(2 pi f_min): a Debye
#: process at the edge of the measured range has half its DRT peak outside it, and truncating the
#: grid there would push its area into R_inf or distort it (Ciucci & Chen 2015 use one decade;
#: pyDRTtools puts its RBFs at tau = 1/f, none below 1/f_max). Below 1/omega_max R_inf and gamma
#: trade against each other: see "R_inf and the high-frequency end" in the module docstring.
TAU_EXTENSION_DECADES: float = 1.0

#: Full width at half maximum of each Gaussian RBF, in grid spacings. Two spacings (pyDRTtools'
#: default shape coefficient 0.5) make neighbouring RBFs overlap enough for a smooth gamma without
#: widening a single Debye peak beyond the regularisation's own width.
RBF_FWHM_SPACINGS: float = 2.0

#: RBFs per decade of tau. A Debye (RC) process has a delta-function DRT; the narrowest peak the
#: basis can draw is one RBF, so its width sets the resolution. With 10 per decade the model's
#: noise-free pristine spectrum left residuals of 0.7 % of |Z| and put both peaks 4 % above the
#: model's tau_f and tau_ct; with 20 per decade the residual is 0.2 % and the peaks within 1 %
#: (40 per decade gains nothing more and is 3x slower).
RBF_PER_DECADE: float = 20.0

#: A local maximum of gamma is a peak if its prominence exceeds this fraction of max(gamma).
#: 0.5 % lets the M-Na salt-diffusion peak through (~2 % of the total resistance, a
#: well-separated peak about 3 % as high as the interphase peak) while ignoring the ripples of a
#: regularised fit of noisy data (< 0.3 % of max gamma on 2XZARCequal.csv with 0.5 Ohm noise).
PEAK_PROMINENCE: float = 0.005

#: Central probability of the bootstrap credible band of gamma.
BAND_LEVEL: float = 0.95

#: Bootstrap replicates of the band: 40 resolve the 2.5/97.5 % quantiles to about +-1 replicate
#: and keep an 80-point DRT below 1 s (benchmarks/bench_drt.py). 0 switches the band off.
DEFAULT_N_BOOT: int = 40

#: Search range of lambda (dimensionless: Z is divided by max|Z|, see :func:`fit_drt`). Below 1e-10
#: the penalty is at round-off of the data term; above 1 gamma is a straight line.
LAMBDA_RANGE: tuple[float, float] = (1e-10, 1.0)

#: Grid points of the lambda search before the GCV minimum is refined (Brent, bounded).
LAMBDA_GRID: int = 21

#: Peaks of successive spectra belong to the same process when their log10(tau) lie within this
#: many decades of each other (:func:`drt_evolution`): half a decade separates the film (~1e-4 s)
#: from charge transfer on pristine Na (~1e-1 s) while following a process whose tau drifts.
TRACK_GAP_DECADES: float = 0.5

#: Z_im > 0 below the capacitive part is reported (a low-frequency inductive loop) only when at
#: least this many points show it: on a noisy spectrum single points scatter across zero where an
#: arc closes (2XZARCequal.csv: one point, +0.59 Ohm at 10 mHz, with 0.5 Ohm noise); a loop spans
#: several points.
LF_INDUCTIVE_MIN_POINTS: int = 3


_UNITS = {"Ohm": ("F", "H"), "Ohm.m2": ("F.m-2", "H.m2"), "Ohm.cm2": ("F.cm-2", "H.cm2")}

_FINE_FACTOR = 5  # evaluation grid of gamma: 5 points per RBF spacing (peak positions, areas)
#: The evaluation grid of gamma reaches this many RBF spacings beyond the outermost centres: there
#: a Gaussian of RBF_FWHM_SPACINGS = 2 spacings FWHM has fallen to 2**-16 of its height, so the
#: areas (R_pol, the peaks, R_hf) hold the whole of the edge RBFs. A grid that stopped at the
#: outermost centres lost the outer half of each edge RBF: R_inf + R_pol fell short of the fit's
#: own DC resistance by half the area of the last RBF.
_EDGE_SPACINGS = 4


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DRTResult:
    """Distribution of relaxation times of one spectrum.

    Attributes
    ----------
    tau_s : numpy.ndarray
        Time constants [s] of the evaluation grid (ascending, log-spaced): the RBF centres
        (``settings["tau_range_s"]``) and 4 RBF spacings beyond, where the edge RBFs end.
    gamma : numpy.ndarray
        gamma(ln tau) on ``tau_s``, in ``unit`` (the unit of the impedance passed; area under
        gamma against ln tau is a resistance).
    band : numpy.ndarray
        Shape (2, len(tau_s)): lower and upper bound of the :data:`BAND_LEVEL` bootstrap band
        (both equal to ``gamma`` when ``n_boot=0``).
    peaks : pandas.DataFrame
        One row per peak, ascending tau: ``tau [s]``, ``f [Hz]`` (``1/(2 pi tau)``),
        ``R [unit]`` (area between the minima that bound the peak), ``C [F...]`` (``tau/R``),
        ``gamma [unit]`` (height), ``Fraction of R_pol [-]``, ``In measured range`` (apex
        between 1/(2 pi f_max) and 1/(2 pi f_min); outside, the peak is the edge of a process the
        sweep did not reach and its tau and R are not determined).
    R_inf : float
        Series resistance of the model, in ``unit``. Not determined by the data alone when
        gamma has area below ``1/(2 pi f_max)``: there a relaxation differs from a series
        resistance by ``(omega tau)^2`` only (see "R_inf and the high-frequency end" in the
        module docstring); use :attr:`R_hf` for the high-frequency resistance.
    L : float
        Series inductance, in ``unit`` x s (H, H.m2 or H.cm2).
    R_pol : float
        Total polarisation resistance, the area under gamma (= DC resistance - R_inf).
    lam : float
        Regularisation parameter used (dimensionless, for Z / max|Z|).
    lam_method : str
        ``"gcv"``, ``"lcurve"`` or ``"fixed"``.
    frequency_Hz : numpy.ndarray
        Frequencies fitted (after any dropped inductive points), in the order given.
    impedance : numpy.ndarray
        Complex impedance fitted, in ``unit``.
    reconstructed : numpy.ndarray
        Complex impedance of the DRT at ``frequency_Hz``, in ``unit``.
    residuals : numpy.ndarray
        Complex ``(Z - Z_drt) / |Z|`` per point.
    unit : str
        Unit of the impedance: ``"Ohm"``, ``"Ohm.m2"`` or ``"Ohm.cm2"``.
    fit : str
        Parts fitted: ``"both"``, ``"real"`` or ``"imag"``.
    weighting : str
        ``"modulus"`` or ``"none"``.
    lam_curve : pandas.DataFrame
        The lambda search: ``lambda``, ``residual norm``, ``seminorm``, ``GCV``.
    n_dropped : int
        Inductive high-frequency points dropped (``inductance="drop"``).
    kk : KKResult or None
        Lin-KK test run before the DRT (``kk="skip"`` gives None).
    settings : dict
        Every setting of the run (for the run record).
    notes : tuple of str
        What the user should know about the result: an automatic lambda at the edge of its
        search range (:data:`LAMBDA_RANGE`), where the peaks may be spurious or merged; a series
        capacitance fitted to a spectrum without a DC limit.
    C_series : float or None
        Series capacitance [F, F.m-2 or F.cm-2] fitted beside gamma when the spectrum ends
        capacitive (``capacitance``), else None.
    R_hf : float
        High-frequency resistance, in ``unit``: ``R_inf`` plus the area of gamma below
        ``tau = 1/(2 pi f_max)`` (every process faster than the sweep reaches, which an
        equivalent circuit's series R0 would hold too). The data determine this sum, not its
        split into ``R_inf`` and gamma. It includes the part of a process at the edge of the
        range that lies beyond it (a Debye at exactly ``1/(2 pi f_max)``: half its R).
    """

    tau_s: np.ndarray
    gamma: np.ndarray
    band: np.ndarray
    peaks: pd.DataFrame
    R_inf: float
    L: float
    R_pol: float
    lam: float
    lam_method: str
    frequency_Hz: np.ndarray
    impedance: np.ndarray
    reconstructed: np.ndarray
    residuals: np.ndarray
    unit: str
    fit: str
    weighting: str
    lam_curve: pd.DataFrame
    n_dropped: int = 0
    kk: Any = None
    settings: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    C_series: float | None = None
    R_hf: float = math.nan

    @property
    def residual_rms(self) -> float:
        """Root-mean-square of ``|residuals|`` (relative to |Z|)."""
        return float(np.sqrt(np.mean(np.abs(self.residuals) ** 2)))

    def to_frame(self) -> pd.DataFrame:
        """gamma and its band against tau as a table (``tau [s]``, ``f [Hz]``,
        ``gamma [unit]``, ``gamma lower [unit]``, ``gamma upper [unit]``)."""
        u = self.unit
        return pd.DataFrame(
            {
                "tau [s]": self.tau_s,
                "f [Hz]": 1.0 / (2 * np.pi * self.tau_s),
                f"gamma [{u}]": self.gamma,
                f"gamma lower [{u}]": self.band[0],
                f"gamma upper [{u}]": self.band[1],
            }
        )

    def summary(self) -> dict[str, Any]:
        """Scalars of the result (for tables and the run record)."""
        u = self.unit
        out = {
            f"R_inf [{u}]": self.R_inf,
            f"R_hf [{u}]": self.R_hf,
            f"L [{_UNITS[u][1]}]": self.L,
            f"R_pol [{u}]": self.R_pol,
            "lambda [-]": self.lam,
            "lambda method": self.lam_method,
            "Number of peaks": int(len(self.peaks)),
            "Residual RMS [-]": self.residual_rms,
        }
        if self.C_series is not None:
            out[f"C_series [{_UNITS[u][0]}]"] = self.C_series
        return out

    def plot(self):
        """gamma(tau) with its band and peaks; Nyquist data and reconstruction; residuals."""
        from solidna.analysis._output import figure_axes, nyquist_axes, pretty_unit

        u = self.unit
        fig, axes = figure_axes((13, 3.8), 1, 3)
        ax = axes[0]
        ax.fill_between(self.tau_s, self.band[0], self.band[1], color="0.8", label="95 % band")
        ax.plot(self.tau_s, self.gamma, color="C0", label=f"DRT ({self.lam_method})")
        if len(self.peaks):
            ax.plot(self.peaks["tau [s]"], self.peaks[f"gamma [{u}]"], "v", color="C3")
        ax.set_xscale("log")
        ax.set_xlabel("\u03c4 [s]")
        ax.set_ylabel(f"\u03b3 [{pretty_unit(u)}]")
        ax.legend(fontsize=8)
        ax = axes[1]
        ax.plot(self.impedance.real, -self.impedance.imag, "o", ms=3, label="data")
        ax.plot(self.reconstructed.real, -self.reconstructed.imag, "-", label="DRT")
        nyquist_axes(ax, u)
        ax.legend(fontsize=8)
        ax = axes[2]
        ax.plot(self.frequency_Hz, 100 * self.residuals.real, "o-", ms=3, label="real")
        ax.plot(self.frequency_Hz, 100 * self.residuals.imag, "s-", ms=3, label="imag")
        ax.axhline(0, color="0.6", lw=0.5)
        ax.set_xscale("log")
        ax.set_xlabel("Frequency [Hz]")
        ax.set_ylabel("(Z \u2212 Z$_{DRT}$)/|Z| [%]")
        ax.legend(fontsize=8)
        fig.tight_layout()
        return fig


# --------------------------------------------------------------------------------------------
# Discretisation
# --------------------------------------------------------------------------------------------
def _rbf_epsilon(spacing: float) -> float:
    """Shape parameter ``eps`` of ``exp(-(eps x)^2)`` whose FWHM is RBF_FWHM_SPACINGS spacings."""
    return 2.0 * math.sqrt(math.log(2.0)) / (RBF_FWHM_SPACINGS * spacing)


def _kernels(omega: np.ndarray, y: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Real and imaginary parts of ``integral phi_k(u) / (1 + j omega e^u) du``, shape (N, M).

    Trapezoidal quadrature over +-6/eps around each centre (the Gaussian is < 1e-15 beyond). For
    a Gaussian times a function that varies on a scale of 1 in ln tau (>> 1/eps), the trapezoidal
    rule converges exponentially: 61 nodes (spacing 0.2/eps) agree with 241 to < 1e-12.
    """
    u = np.linspace(-6.0 / eps, 6.0 / eps, 61)
    wq = np.full(u.size, u[1] - u[0])
    wq[[0, -1]] *= 0.5
    wq = wq * np.exp(-((eps * u) ** 2))
    x = np.log(omega)[:, None, None] + y[None, :, None] + u[None, None, :]
    # 1/(1 + j e^x) = (1 - j e^x)/(1 + e^2x); written with exp(-|x|) to avoid overflow
    t = np.exp(-np.abs(x))
    big = x > 0
    re = np.where(big, t * t / (1 + t * t), 1 / (1 + t * t))
    im = -np.where(big, t / (1 + t * t), t / (1 + t * t))
    return re @ wq, im @ wq


def _penalty_matrix(y: np.ndarray, eps: float) -> np.ndarray:
    """``integral phi_i'' phi_j'' dy`` for Gaussian RBFs, exactly.

    With d = y_i - y_j: ``sqrt(pi/2) eps^3 (3 - 6 (eps d)^2 + (eps d)^4) exp(-(eps d)^2 / 2)``
    (Parseval, the Fourier transform of a Gaussian; checked against quadrature in the tests).
    """
    d = eps * (y[:, None] - y[None, :])
    return math.sqrt(math.pi / 2) * eps**3 * (3 - 6 * d**2 + d**4) * np.exp(-(d**2) / 2)


def _rbf_values(y_eval: np.ndarray, y: np.ndarray, eps: float) -> np.ndarray:
    return np.exp(-((eps * (y_eval[:, None] - y[None, :])) ** 2))


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------
def _check_spectrum(frequency_Hz, impedance) -> tuple[np.ndarray, np.ndarray]:
    f = as_real_1d("frequency_Hz", frequency_Hz, MIN_POINTS)
    z_in = np.asarray(impedance)
    if not np.iscomplexobj(z_in) or z_in.ndim != 1:
        raise DataFormatError(
            f"impedance must be a 1-D complex array (Z_re + 1j*Z_im, Z_im < 0 on a capacitive "
            f"arc); got dtype {z_in.dtype}, shape {z_in.shape}."
        )
    z = z_in.astype(complex)
    check_same_length(frequency_Hz=f, impedance=z)
    if not np.all(np.isfinite(z)):
        raise DataFormatError("impedance contains NaN/inf values; drop those rows first.")
    if np.any(f <= 0):
        raise DataFormatError(
            f"frequency_Hz must be > 0; got minimum {f.min()!r} Hz. Drop zero/negative rows."
        )
    if np.unique(f).size < f.size:
        raise DataFormatError(
            f"frequency_Hz repeats {f.size - np.unique(f).size} value(s): a DRT needs one "
            "impedance per frequency. Average repeated measurements, or split a file holding "
            "several sweeps into one spectrum per sweep."
        )
    steps = np.diff(f)
    if not (np.all(steps > 0) or np.all(steps < 0)):
        k = int(np.argmax(np.sign(steps) != np.sign(steps[0]))) + 1
        raise DataFormatError(
            f"frequency_Hz is not monotonic (direction changes at index {k}, "
            f"{f[k - 1]:g} -> {f[k]:g} Hz): this looks like several sweeps in one record. "
            "Split them into one spectrum each (drt_evolution takes a list), or sort the points."
        )
    if np.all(z.imag >= 0) and np.any(z.imag > 0):
        raise DataFormatError(
            "every Z_im is >= 0: the spectrum looks like -Z_im was passed. Pass Z_re + 1j*Z_im "
            "with Z_im < 0 on a capacitive arc."
        )
    return f, z


# --------------------------------------------------------------------------------------------
# Solver
# --------------------------------------------------------------------------------------------
class _Problem:
    """Weighted, scaled least-squares problem ``[A; sqrt(lam) P] x = [b; 0]``, ``x >= 0``."""

    def __init__(self, a: np.ndarray, b: np.ndarray, penalty: np.ndarray, n_fixed: int):
        self.a, self.b = a, b
        self.n_data = b.size
        self.n_fixed = n_fixed  # leading columns (R_inf, L) without penalty
        m = penalty.shape[0]
        full = np.zeros((n_fixed + m, n_fixed + m))
        full[n_fixed:, n_fixed:] = penalty
        self.penalty = full
        # Factor of the penalty (P^T P = penalty) for the stacked NNLS; a jitter of 1e-10 of its
        # diagonal makes the (positive semi-definite) Gram matrix factorisable.
        jitter = 1e-10 * np.trace(penalty) / m
        chol = np.linalg.cholesky(penalty + jitter * np.eye(m)).T
        self.p = np.zeros((m, n_fixed + m))
        self.p[:, n_fixed:] = chol
        self.ata = a.T @ a

    def solve(self, lam: float, b: np.ndarray | None = None) -> np.ndarray:
        rhs = np.concatenate([self.b if b is None else b, np.zeros(self.p.shape[0])])
        x, _ = nnls(np.vstack([self.a, math.sqrt(lam) * self.p]), rhs, maxiter=50 * self.a.shape[1])
        return x

    def criteria(self, lam: float, gcv: bool = True) -> tuple[np.ndarray, float, float, float]:
        """Solution, residual norm, seminorm sqrt(x' P x) and GCV score (NaN unless ``gcv``)."""
        x = self.solve(lam)
        r = self.a @ x - self.b
        rss = float(r @ r)
        semi = float(math.sqrt(max(x @ self.penalty @ x, 0.0)))
        if not gcv:
            return x, math.sqrt(rss), semi, math.nan
        free = x > 0
        if free.any():
            h = self.ata[np.ix_(free, free)]
            g = h + lam * self.penalty[np.ix_(free, free)]
            try:
                trace = float(np.trace(np.linalg.solve(g, h)))
            except np.linalg.LinAlgError:  # singular at lam -> 0 with collinear RBFs
                trace = float(np.trace(np.linalg.lstsq(g, h, rcond=None)[0]))
        else:
            trace = 0.0
        dof = max(self.n_data - trace, 1e-12)
        gcv = self.n_data * rss / dof**2
        return x, math.sqrt(rss), semi, gcv


def _choose_lambda(prob: _Problem, lam: str | float) -> tuple[float, str, pd.DataFrame]:
    lo, hi = (math.log10(v) for v in LAMBDA_RANGE)
    if not isinstance(lam, str):
        value = real_number("lam", lam, "-", "Or 'gcv' / 'lcurve' to choose it.")
        if not value > 0:
            raise InvalidOptionError(
                f"lam must be 'gcv', 'lcurve' or a positive number; got {lam!r}."
            )
        _, rn, sn, g = prob.criteria(value)
        curve = pd.DataFrame(
            {"lambda": [value], "residual norm": [rn], "seminorm": [sn], "GCV": [g]}
        )
        return value, "fixed", curve
    if lam not in ("gcv", "lcurve"):
        try:
            float(lam)
        except ValueError:
            check_choice("lam", lam, ("gcv", "lcurve"))
        raise InvalidOptionError(
            f"lam = {lam!r} is text; pass a fixed lambda as a number (lam={lam.strip()}), or "
            "'gcv' / 'lcurve' to choose it."
        )
    n_grid = LAMBDA_GRID if lam == "gcv" else 2 * LAMBDA_GRID - 1
    grid = np.logspace(lo, hi, n_grid)
    rows = [prob.criteria(v, gcv=lam == "gcv")[1:] for v in grid]
    rn, sn, g = (np.array(c) for c in zip(*rows, strict=True))
    extra = []
    if lam == "gcv":
        k = int(np.argmin(g))
        a, b = math.log10(grid[max(k - 1, 0)]), math.log10(grid[min(k + 1, grid.size - 1)])
        best = minimize_scalar(
            lambda t: prob.criteria(10.0**t)[3],
            bounds=(a, b),
            method="bounded",
            options={"xatol": 0.02},
        )
        value = 10.0 ** float(best.x) if best.fun <= g[k] else float(grid[k])
        _, r1, s1, g1 = prob.criteria(value)
        extra = [(value, r1, s1, g1)]
    else:
        # Corner of the L-curve: largest Menger curvature of (log rho, log eta) (Hansen 1992),
        # over interior grid points.
        xs, ys = np.log(np.maximum(rn, 1e-300)), np.log(np.maximum(sn, 1e-300))
        kappa = np.full(grid.size, -np.inf)
        for k in range(1, grid.size - 1):
            p1, p2, p3 = (np.array([xs[i], ys[i]]) for i in (k - 1, k, k + 1))
            d12, d23, d13 = (np.linalg.norm(u - v) for u, v in ((p1, p2), (p2, p3), (p1, p3)))
            area2 = (p2[0] - p1[0]) * (p3[1] - p1[1]) - (p2[1] - p1[1]) * (p3[0] - p1[0])
            if d12 * d23 * d13 > 0:
                # positive for a corner that turns the way an L does (concave in log-log)
                kappa[k] = 2 * area2 / (d12 * d23 * d13)
        value = float(grid[int(np.argmax(kappa))])
    table = pd.DataFrame(
        {
            "lambda": np.concatenate([grid, [e[0] for e in extra]]),
            "residual norm": np.concatenate([rn, [e[1] for e in extra]]),
            "seminorm": np.concatenate([sn, [e[2] for e in extra]]),
            "GCV": np.concatenate([g, [e[3] for e in extra]]),
        }
    ).sort_values("lambda", ignore_index=True)
    return value, lam, table


def _lambda_edge_note(value: float, method: str) -> str | None:
    """A note when an automatic lambda lies within one grid step of a bound of LAMBDA_RANGE.

    There the criterion had no optimum inside the range: the L-curve's curvature needs a
    neighbour on each side, so its corner is at best one step inside a bound, and GCV's refined
    minimum lies between the grid points next to its grid minimum. Noise-free spectra (simulated,
    or smoothed by the instrument) send both criteria to the floor, where gamma follows every
    wiggle of the data (pyimpspec's reference spectrum of three processes: 10 peaks at the floor,
    3 at lambda = 1e-3).
    """
    if method not in ("gcv", "lcurve"):
        return None
    lo, hi = (math.log10(v) for v in LAMBDA_RANGE)
    n_grid = LAMBDA_GRID if method == "gcv" else 2 * LAMBDA_GRID - 1
    step = (hi - lo) / (n_grid - 1) * (1 + 1e-9)
    x = math.log10(value)
    name = {"gcv": "GCV", "lcurve": "L-curve"}[method]
    where = (
        f"the automatic lambda ({name}) is {value:.3g}, at the {{edge}} edge of its search range "
        f"{LAMBDA_RANGE[0]:g} to {LAMBDA_RANGE[1]:g}: the criterion found no optimum inside it"
    )
    explicit = (
        "Compare with an explicit lambda, e.g. fit_drt(f, Z, lam=1e-3) in Python, and trust "
        "only the peaks that stay."
    )
    if x <= lo + step:
        return (
            where.format(edge="lower") + ", so the regularisation is at its weakest and "
            "peaks may be spurious (noise or ringing: many small ones, some outside the "
            f"measured range). {explicit}"
        )
    if x >= hi - step:
        return (
            where.format(edge="upper") + ", so the regularisation is at its strongest and gamma "
            "is over-smoothed: close processes may merge into one peak and small ones vanish, "
            f"and spurious broad peaks can appear. {explicit}"
        )
    return None


def _find_peaks(
    tau: np.ndarray, gamma: np.ndarray, unit: str, measured_s: tuple[float, float]
) -> pd.DataFrame:
    """Peaks of gamma: apex (parabolic refinement in ln tau), area between bounding minima, and
    whether the apex lies inside the measured range ``1/(2 pi f_max) <= tau <= 1/(2 pi f_min)``
    (a peak outside it is the edge of a process the sweep did not reach, e.g. the start of a
    diffusion arc at the lowest frequency: its tau and area are not determined by the data)."""
    cap_unit = _UNITS[unit][0]
    cols = ["tau [s]", "f [Hz]", f"R [{unit}]", f"C [{cap_unit}]", f"gamma [{unit}]"]
    cols += ["Fraction of R_pol [-]", "In measured range"]
    gmax = float(gamma.max()) if gamma.size else 0.0
    if gmax <= 0:
        return pd.DataFrame(columns=cols)
    # pad with zeros so a peak at the grid edge is found too
    padded = np.concatenate([[0.0], gamma, [0.0]])
    idx, _ = find_peaks(padded, prominence=PEAK_PROMINENCE * gmax)
    idx = idx - 1
    if idx.size == 0:
        return pd.DataFrame(columns=cols)
    y = np.log(tau)
    bounds = [0]
    for a, b in zip(idx[:-1], idx[1:], strict=True):
        bounds.append(int(a + np.argmin(gamma[a : b + 1])))
    bounds.append(y.size - 1)
    total = float(np.trapezoid(gamma, y))
    rows = []
    for k, i in enumerate(idx):
        lo, hi = bounds[k], bounds[k + 1]
        area = float(np.trapezoid(gamma[lo : hi + 1], y[lo : hi + 1]))
        yi, gi = y[i], gamma[i]
        if 0 < i < y.size - 1:
            g0, g1, g2 = gamma[i - 1], gamma[i], gamma[i + 1]
            den = g0 - 2 * g1 + g2
            if den < 0:
                shift = 0.5 * (g0 - g2) / den
                yi = y[i] + shift * (y[i + 1] - y[i])
                gi = g1 - 0.25 * (g0 - g2) * shift
        t = math.exp(yi)
        rows.append([t, 1 / (2 * math.pi * t), area, t / area if area > 0 else math.nan, gi])
        rows[-1].append(area / total if total > 0 else math.nan)
        rows[-1].append(bool(measured_s[0] <= t <= measured_s[1]))
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def fit_drt(
    frequency_Hz,
    impedance,
    *,
    fit: str = "both",
    lam: str | float = "lcurve",
    weighting: str = "modulus",
    inductance: str = "fit",
    capacitance: str = "auto",
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = 0,
    rbf_per_decade: float = RBF_PER_DECADE,
    kk: str = "warn",
    unit: str = "Ohm",
) -> DRTResult:
    """Distribution of relaxation times of an impedance spectrum (Tikhonov, Gaussian RBFs, NNLS).

    Parameters
    ----------
    frequency_Hz : array_like of float
        Frequencies in Hz, strictly monotonic (ascending or descending), at least
        :data:`MIN_POINTS`.
    impedance : array_like of complex
        ``Z_re + 1j Z_im`` (``Z_im < 0`` on a capacitive arc), in ``unit``.
    fit : {"both", "real", "imag"}
        Parts fitted. ``"real"`` cannot see L (found afterwards from the imaginary residual);
        ``"imag"`` cannot see R_inf (found afterwards from the real residual).
    lam : {"gcv", "lcurve"} or float
        Regularisation parameter, or how to choose it (see the module docstring).
    weighting : {"modulus", "none"}
        ``"modulus"`` weights each point by 1/|Z| (relative errors: a potentiostat's accuracy is a
        fraction of |Z|); ``"none"`` fits absolute errors (constant noise, e.g. 2XZARCequal.csv).
    inductance : {"fit", "drop"}
        ``"fit"``: a series inductance L >= 0 is fitted (cables; positive Z_im at high
        frequency). ``"drop"``: the high-frequency points with Z_im > 0 are removed and L = 0.
    capacitance : {"auto", "fit", "none"}
        A series capacitance C >= 0 beside gamma. A spectrum without a DC limit in the sweep
        (a blocking electrode; an arc that closes far below the lowest frequency) cannot be
        represented by gamma alone: the regularised fit puts a huge peak at the edge of the tau
        range, R_pol becomes that extrapolation and the peaks inside the range fall below the
        peak threshold. ``"auto"`` (default) fits C when the spectrum ends capacitive
        (:func:`capacitive_end`: phase below
        :data:`~solidna.analysis.eis.CAPACITIVE_END_PHASE_DEG` and ``|Z_im|`` rising as ``f^``
        :data:`~solidna.analysis.eis.CAPACITIVE_END_SLOPE` or faster over its lowest
        frequencies), with a note;
        ``"fit"`` always, ``"none"`` never. Not with ``fit="real"`` (the real part cannot see C).
    n_boot : int
        Bootstrap replicates of the credible band (0: no band).
    seed : int
        Seed of the bootstrap draws (the result is reproducible for a given seed).
    rbf_per_decade : float
        RBFs per decade of tau (default :data:`RBF_PER_DECADE`).
    kk : {"warn", "raise", "skip"}
        Lin-KK test first (:func:`solidna.analysis.eis.kramers_kronig`): warn (default) or raise
        :class:`~solidna.errors.DataFormatError` if the spectrum fails it, or skip the test.
    unit : {"Ohm", "Ohm.m2", "Ohm.cm2"}
        Unit of ``impedance`` (labels of the peak table; capacitance in F, F.m-2 or F.cm-2).

    Returns
    -------
    DRTResult

    Raises
    ------
    DataFormatError
        Too few points, repeated or non-monotonic frequencies, NaN, -Z_im passed, or (with
        ``kk="raise"``) a spectrum that fails the Kramers-Kronig test.
    InvalidOptionError
        An unknown option.

    Examples
    --------
    >>> import numpy as np
    >>> f = np.logspace(5, -2, 71)
    >>> z = 10 + 100 / (1 + 2j * np.pi * f * 1e-3)      # R_inf = 10, one RC: R = 100, tau = 1 ms
    >>> res = fit_drt(f, z, n_boot=0)
    >>> round(float(res.peaks["tau [s]"].iloc[0]), 4), round(float(res.peaks["R [Ohm]"].iloc[0]))
    (0.001, 100)
    """
    from solidna.analysis.eis import kramers_kronig

    check_choice("fit", fit, ("both", "real", "imag"))
    check_choice("weighting", weighting, ("modulus", "none"))
    check_choice("inductance", inductance, ("fit", "drop"))
    check_choice("capacitance", capacitance, ("auto", "fit", "none"))
    if capacitance == "fit" and fit == "real":
        raise InvalidOptionError(
            "capacitance='fit' needs the imaginary part: use fit='both' or fit='imag'."
        )
    check_choice("kk", kk, ("warn", "raise", "skip"))
    check_choice("unit", unit, tuple(_UNITS))
    n_boot = positive_int(
        n_boot,
        "n_boot",
        f"It counts bootstrap replicates (0: no band). Default {DEFAULT_N_BOOT}.",
        minimum=0,
    )
    seed = positive_int(seed, "seed", "Any whole number >= 0, e.g. seed=0.", minimum=0)
    f, z = _check_spectrum(frequency_Hz, impedance)

    # ---- inductive high-frequency points ------------------------------------------------------
    descending = f[0] > f[-1]
    order = np.argsort(f)[::-1]  # descending frequency internally
    f, z = f[order], z[order]
    n_dropped = 0
    if inductance == "drop":
        n_dropped = int(np.argmax(z.imag <= 0)) if np.any(z.imag <= 0) else f.size
        f, z = f[n_dropped:], z[n_dropped:]
        if f.size < MIN_POINTS:
            raise DataFormatError(
                f"only {f.size} points are left after dropping {n_dropped} inductive "
                f"(Z_im > 0) high-frequency points; at least {MIN_POINTS} are needed. Use "
                "inductance='fit' to model them with a series inductance instead."
            )
    first_cap = int(np.argmax(z.imag < 0))
    late_inductive = np.flatnonzero(z.imag[first_cap:] > 0) + first_cap
    late_inductive = late_inductive[f[late_inductive] < f[first_cap] / 10]
    if late_inductive.size >= LF_INDUCTIVE_MIN_POINTS:
        warnings.warn(
            f"{late_inductive.size} point(s) below {f[first_cap] / 10:.3g} Hz have Z_im > 0 "
            "(an inductive loop or noise at low frequency): a DRT with gamma >= 0 cannot "
            "represent them; their residuals will be large.",
            SolidnaWarning,
            stacklevel=2,
        )

    # a spectrum without a DC limit: a series capacitance beside gamma (below) where it ends
    # capacitive; the KK test also adds one for a diffusion tail still rising at f_min (lin-KK's
    # RC elements stop at 1/(2 pi f_min), gamma's tau grid goes TAU_EXTENSION_DECADES beyond)
    cap_end = capacitive_end(f, z)
    kk_result = None
    if kk != "skip":
        kk_result = kramers_kronig(f, z, add_cap="auto")
        if not kk_result.valid:
            msg = (
                f"the spectrum fails the Kramers-Kronig test (systematic residual up to "
                f"{100 * kk_result.max_systematic:.2f} % of |Z| against a noise-based threshold "
                f"of {100 * kk_result.threshold:.2f} %): it may be drifting, non-linear or "
                "non-causal, and a DRT of it can show spurious peaks."
            )
            if kk == "raise":
                raise DataFormatError(msg + " Pass kk='warn' to compute the DRT anyway.")
            warnings.warn(msg, SolidnaWarning, stacklevel=2)

    # ---- a spectrum without a DC limit: series capacitance ---------------------------------------
    with_c = capacitance == "fit" or (capacitance == "auto" and fit != "real" and cap_end)

    # ---- discretisation ------------------------------------------------------------------------
    omega = 2 * np.pi * f
    per_decade = float(rbf_per_decade)
    if not (2.0 <= per_decade <= 100.0):
        raise InvalidOptionError(
            f"rbf_per_decade must lie in [2, 100]; got {rbf_per_decade!r}. Default {RBF_PER_DECADE}."
        )
    ext = TAU_EXTENSION_DECADES * math.log(10)
    y_lo, y_hi = -math.log(omega.max()) - ext, -math.log(omega.min()) + ext
    m = int(math.ceil((y_hi - y_lo) / math.log(10) * per_decade)) + 1
    y = np.linspace(y_lo, y_hi, m)
    eps = _rbf_epsilon(y[1] - y[0])
    k_re, k_im = _kernels(omega, y, eps)

    scale = float(np.max(np.abs(z)))
    wts = scale / np.abs(z) if weighting == "modulus" else np.ones(f.size)
    zs = z / scale
    # L column, scaled to O(1); all zeros (L = 0) when the inductive points were dropped
    w_col = omega / omega.max() if inductance == "fit" else np.zeros(f.size)
    ones = np.ones(f.size)
    zeros = np.zeros(f.size)
    # series C column: Z_C = -j / (omega C), scaled to O(1) at the lowest frequency
    c_col = -omega.min() / omega
    extra_re = [zeros] if with_c else []
    extra_im = [c_col] if with_c else []
    if fit == "both":
        a = np.vstack(
            [
                np.column_stack([ones, zeros, *extra_re, k_re]) * wts[:, None],
                np.column_stack([zeros, w_col, *extra_im, k_im]) * wts[:, None],
            ]
        )
        b = np.concatenate([zs.real * wts, zs.imag * wts])
        n_fixed = 2 + len(extra_im)
    elif fit == "real":
        a = np.column_stack([ones, k_re]) * wts[:, None]
        b = zs.real * wts
        n_fixed = 1
    else:
        a = np.column_stack([w_col, *extra_im, k_im]) * wts[:, None]
        b = zs.imag * wts
        n_fixed = 1 + len(extra_im)
    prob = _Problem(a, b, _penalty_matrix(y, eps), n_fixed)
    lam_value, lam_method, curve = _choose_lambda(prob, lam)
    edge = _lambda_edge_note(lam_value, lam_method)
    x = prob.solve(lam_value)

    def unpack(xv: np.ndarray) -> tuple[float, float, np.ndarray]:
        """(R_inf, L, weights) in the scaled problem, filling the part the fit cannot see."""
        coef = xv[n_fixed:]
        if fit == "both":
            return float(xv[0]), float(xv[1]), coef
        if fit == "real":
            # L from the imaginary residual: least squares with L >= 0
            rim = (zs.imag - k_im @ coef) * wts
            col = w_col * wts
            if not col.any():
                return float(xv[0]), 0.0, coef
            return float(xv[0]), max(float(col @ rim / (col @ col)), 0.0), coef
        rre = (zs.real - k_re @ coef) * wts
        return max(float(wts @ rre / (wts @ wts)), 0.0), float(xv[0]), coef

    r_inf_s, l_s, coef = unpack(x)
    c_s = float(x[n_fixed - 1]) if with_c else 0.0  # the last unpenalised column
    z_fit_s = r_inf_s + 1j * w_col * l_s + 1j * c_col * c_s + (k_re + 1j * k_im) @ coef

    pad = _EDGE_SPACINGS * (y[1] - y[0])
    y_fine = np.linspace(y_lo - pad, y_hi + pad, (m - 1 + 2 * _EDGE_SPACINGS) * _FINE_FACTOR + 1)
    basis = _rbf_values(y_fine, y, eps)
    gamma = scale * basis @ coef

    # ---- bootstrap band -------------------------------------------------------------------------
    if int(n_boot) > 0:
        rng = np.random.default_rng(seed)
        fitted = a @ x
        resid = b - fitted
        reps = np.empty((int(n_boot), y_fine.size))
        for i in range(int(n_boot)):
            signs = rng.choice((-1.0, 1.0), size=resid.size)
            reps[i] = scale * basis @ prob.solve(lam_value, fitted + resid * signs)[n_fixed:]
        q = (1 - BAND_LEVEL) / 2
        band = np.quantile(reps, [q, 1 - q], axis=0)
        band = np.vstack([np.minimum(band[0], gamma), np.maximum(band[1], gamma)])
    else:
        band = np.vstack([gamma, gamma])

    tau = np.exp(y_fine)
    peaks = _find_peaks(tau, gamma, unit, (1 / omega.max(), 1 / omega.min()))
    notes = [] if edge is None else [edge]
    c_series = None
    if with_c:
        # Z_C,scaled = -j c_s omega_min / omega  ->  1 / (omega_min C) = c_s * scale
        c_series = math.inf if c_s <= 0 else 1.0 / (c_s * scale * omega.min())
        why = (
            f"the spectrum ends capacitive (phase {cap_end[0]:.0f} deg, |Z_im| ~ "
            f"f^{cap_end[1]:.2f} at its lowest frequencies): no DC limit inside the sweep (a "
            f"blocking electrode, or an arc that closes below {f.min():.3g} Hz)"
            if cap_end
            else "capacitance='fit'"
        )
        notes.append(
            f"{why}; a series capacitance C = {c_series:.4g} {_UNITS[unit][0]} was fitted "
            "beside gamma, so R_pol is not the extrapolated resistance of that capacitive end "
            "(with capacitance='none' it ends in one huge peak beyond the range). A tail that "
            "is not an ideal capacitor (a CPE) still leaves peaks near the lowest frequency: "
            "check their 'In measured range'."
        )
    # area of gamma below 1/omega_max (cumulative trapezoid, interpolated at the bound)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (gamma[1:] + gamma[:-1]) * np.diff(y_fine))])
    r_beyond = float(np.interp(-math.log(omega.max()), y_fine, cum))
    z_fit = scale * z_fit_s
    if not descending:  # return the points in the order given
        f, z, z_fit = f[::-1], z[::-1], z_fit[::-1]
    settings = {
        "fit": fit,
        "lam": lam,
        "weighting": weighting,
        "inductance": inductance,
        "capacitance": capacitance,
        "series capacitance fitted": bool(with_c),
        "n_boot": int(n_boot),
        "seed": int(seed),
        "rbf_per_decade": per_decade,
        "n_rbf": m,
        "tau_range_s": (float(math.exp(y_lo)), float(math.exp(y_hi))),
        "kk": kk,
        "unit": unit,
    }
    return DRTResult(
        tau_s=tau,
        gamma=gamma,
        band=band,
        peaks=peaks,
        R_inf=scale * r_inf_s,
        R_hf=scale * r_inf_s + r_beyond,
        L=scale * l_s / omega.max(),
        R_pol=float(np.trapezoid(gamma, y_fine)),
        lam=lam_value,
        lam_method=lam_method,
        frequency_Hz=f,
        impedance=z,
        reconstructed=z_fit,
        residuals=(z - z_fit) / np.abs(z),
        unit=unit,
        fit=fit,
        weighting=weighting,
        lam_curve=curve,
        n_dropped=n_dropped,
        kk=kk_result,
        settings=settings,
        notes=tuple(notes),
        C_series=c_series,
    )


def _track(results: Sequence[DRTResult]) -> list[float]:
    """Process centres (log10 tau) shared by several DRTs: cluster all peaks by log10(tau)."""
    logs = sorted(math.log10(t) for r in results for t in r.peaks["tau [s]"].to_numpy() if t > 0)
    if not logs:
        return []
    groups = [[logs[0]]]
    for v in logs[1:]:
        if v - groups[-1][-1] > TRACK_GAP_DECADES:
            groups.append([v])
        else:
            groups[-1].append(v)
    return [float(np.median(g)) for g in groups]


def drt_evolution(
    spectra: Sequence[tuple[Any, Any]],
    labels: Sequence[str] | None = None,
    *,
    times_h: Sequence[float] | None = None,
    style: str = "auto",
    **drt_kwargs,
):
    """DRT of several spectra (e.g. Fig. 4e: initial, after rest, after cycling) side by side.

    Peaks of successive spectra are assigned to processes by their time constants (peaks within
    :data:`TRACK_GAP_DECADES` of each other belong to one process), so the resistance of each
    process can be followed from spectrum to spectrum.

    Parameters
    ----------
    spectra : sequence of (frequency_Hz, impedance)
        One spectrum per entry (complex impedance in ``unit``).
    labels : sequence of str, optional
        Name of each spectrum (default ``"spectrum 1"``...).
    times_h : sequence of float, optional
        Time of each spectrum in h: the x axis of the resistance lines (default: spectrum number).
    style : {"auto", "waterfall", "map"}
        gamma(tau) as offset curves or as a colour map (``"auto"``: waterfall up to 12 spectra).
    **drt_kwargs
        Passed to :func:`fit_drt` (``unit``, ``lam``, ``fit``, ``weighting``, ``seed``...).

    Returns
    -------
    table : pandas.DataFrame
        One row per spectrum: ``Spectrum``, ``Label``, ``Time [h]`` (if given), ``R_inf [unit]``,
        ``R_hf [unit]``, ``R_pol [unit]``, ``lambda [-]``, ``Residual RMS [-]`` and per process
        ``k`` ``P{k} tau [s]``, ``P{k} R [unit]``, ``P{k} C [...]`` (NaN where the spectrum has no
        peak of that process).
    figure : matplotlib.figure.Figure
        gamma(tau) (waterfall or colour map) and R_inf and each process's R against time or
        spectrum number.

    The individual :class:`DRTResult` objects are in ``table.attrs["drt_results"]``.
    """
    from solidna.analysis._output import figure_axes, pretty_unit

    check_choice("style", style, ("auto", "waterfall", "map"))
    spectra = spectrum_pairs("spectra", spectra)
    if not spectra:
        raise DataFormatError("spectra is empty; pass a list of (frequency_Hz, impedance) pairs.")
    allowed = [
        p for p in inspect.signature(fit_drt).parameters if p not in ("frequency_Hz", "impedance")
    ]
    for key in drt_kwargs:
        check_choice("option of fit_drt", key, allowed)
    labels = (
        list(labels) if labels is not None else [f"spectrum {k + 1}" for k in range(len(spectra))]
    )
    if len(labels) != len(spectra):
        raise DataFormatError(
            f"{len(spectra)} spectra but {len(labels)} labels; give one label per spectrum."
        )
    if times_h is not None:
        times_h = as_real_1d("times_h", times_h, allow_scalar=True)
        if times_h.size != len(spectra):
            raise DataFormatError(
                f"{len(spectra)} spectra but {times_h.size} times; give one time per spectrum."
            )
    results = [fit_drt(fr, zz, **drt_kwargs) for fr, zz in spectra]
    unit = results[0].unit
    cap_unit = _UNITS[unit][0]
    centres = _track(results)
    rows = []
    for k, (lab, res) in enumerate(zip(labels, results, strict=True)):
        row: dict[str, Any] = {"Spectrum": k + 1, "Label": lab}
        if times_h is not None:
            row["Time [h]"] = float(times_h[k])
        row[f"R_inf [{unit}]"] = res.R_inf
        row[f"R_hf [{unit}]"] = res.R_hf
        row[f"R_pol [{unit}]"] = res.R_pol
        row["lambda [-]"] = res.lam
        row["Residual RMS [-]"] = res.residual_rms
        for j in range(1, len(centres) + 1):
            row[f"P{j} tau [s]"] = math.nan
            row[f"P{j} R [{unit}]"] = 0.0 if len(res.peaks) else math.nan
            row[f"P{j} C [{cap_unit}]"] = math.nan
        for _, pk in res.peaks.iterrows():
            j = 1 + int(np.argmin([abs(math.log10(pk["tau [s]"]) - c) for c in centres]))
            # two peaks of one spectrum in one process: add their areas, keep the larger's tau
            if not (row[f"P{j} R [{unit}]"] > pk[f"R [{unit}]"]):
                row[f"P{j} tau [s]"] = pk["tau [s]"]
            row[f"P{j} R [{unit}]"] = (row[f"P{j} R [{unit}]"] or 0.0) + pk[f"R [{unit}]"]
            row[f"P{j} C [{cap_unit}]"] = row[f"P{j} tau [s]"] / row[f"P{j} R [{unit}]"]
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["drt_results"] = results

    # ---- figure -----------------------------------------------------------------------------
    n = len(results)
    use_map = style == "map" or (style == "auto" and n > 12)
    fig, axes = figure_axes((11, 4), 1, 2)
    ax = axes[0]
    if use_map:
        tau = results[0].tau_s
        grid = np.array([np.interp(np.log(tau), np.log(r.tau_s), r.gamma) for r in results])
        mesh = ax.pcolormesh(tau, np.arange(1, n + 1), grid, shading="nearest", cmap="viridis")
        fig.colorbar(mesh, ax=ax, label=f"\u03b3 [{pretty_unit(unit)}]")
        ax.set_xscale("log")
        ax.set_ylabel("Spectrum")
    else:
        offset = 0.6 * max(float(r.gamma.max()) for r in results)
        for k, (lab, r) in enumerate(zip(labels, results, strict=True)):
            base = k * offset
            ax.fill_between(r.tau_s, base + r.band[0], base + r.band[1], color="0.85", lw=0)
            ax.plot(r.tau_s, base + r.gamma, color=f"C{k % 10}", label=lab)
        ax.set_xscale("log")
        ax.set_ylabel(f"\u03b3 + offset [{pretty_unit(unit)}]")
        ax.legend(fontsize=8)
    ax.set_xlabel("\u03c4 [s]")
    ax.set_title("DRT")
    ax = axes[1]
    xs = table["Time [h]"] if times_h is not None else table["Spectrum"]
    ax.plot(xs, table[f"R_inf [{unit}]"], "o-", color="0.4", label="R_inf")
    for j, c in enumerate(centres, start=1):
        ax.plot(xs, table[f"P{j} R [{unit}]"], "s-", label=f"P{j} (\u03c4 ~ {10**c:.2g} s)")
    ax.set_xlabel("Time [h]" if times_h is not None else "Spectrum")
    ax.set_ylabel(f"R [{pretty_unit(unit)}]")
    ax.set_yscale("log")
    ax.set_title("Resistances")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return table, fig
