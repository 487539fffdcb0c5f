"""XPS line shapes and backgrounds (plain NumPy functions of the binding energy in eV).

Line shapes are normalised to unit area where the shape has a finite area, so the ``area``
parameter is the peak area [cps.eV]:

* ``gl_sum`` - Gaussian-Lorentzian sum ``(1 - m) G + m L`` (CasaXPS ``SGL``), same FWHM;
* ``gl_product`` - Gaussian-Lorentzian product ``exp(-4 ln2 (1 - m) u^2) / (1 + 4 m u^2)``,
  ``u = (E - E0) / FWHM`` (CasaXPS ``GL``), normalised numerically;
* ``pseudo_voigt`` - as ``gl_sum`` (the pseudo-Voigt is the same sum; kept as its own name);
* ``voigt`` - exact Voigt (scipy ``voigt_profile``); ``m`` is the Lorentzian share of the FWHM;
* ``doniach_sunjic`` - Doniach & Sunjic (1970) metal line with asymmetry ``alpha`` (``m``) and
  Lorentzian FWHM; its tail towards higher binding energy is not integrable, so ``area`` is the
  area within +-10 FWHM;
* ``doniach_sunjic_gauss`` (in :data:`METAL_SHAPES`) - the line of a metal as the theory gives
  it, with a finite area: a Voigt core (the core hole's Lorentzian lifetime width and the
  instrument's Gaussian) convolved with the spectrum of conduction-electron excitations, the
  power law ``eps^(alpha - 1)`` of Doniach & Sunjic (1970) cut off exponentially at
  :data:`DS_CUTOFF_EV` (a Gamma distribution of shape ``alpha``). Without the cut-off it is the
  Doniach-Sunjic line convolved with a Gaussian; with it, ``area`` is the whole line's area.

Backgrounds: iterative Shirley (Shirley 1972; Proctor & Sherwood 1982 iteration) and Tougaard
(Tougaard 1997 universal cross-sections: U2 ``B T / (C + T^2)^2``, U3
``B T / ((C - T^2)^2 + D T^2)``).

Written here from the equations: lmfitxps (MIT) has these shapes too, but its LICENSE says its
Shirley routine derives from GPL-3 code, so nothing is taken from it (solidna is BSD-3).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import integrate, special

from solidna.errors import ConvergenceError, InvalidOptionError

__all__ = [
    "SHAPES",
    "METAL_SHAPES",
    "DS_CUTOFF_EV",
    "ASYMMETRY_RANGE",
    "line_shape",
    "shirley",
    "tougaard",
    "linear_background",
    "TOUGAARD_U2_C_EV2",
    "TOUGAARD_U3_C_EV2",
    "TOUGAARD_U3_D_EV2",
]

SHAPES = ("gl_sum", "gl_product", "pseudo_voigt", "voigt", "doniach_sunjic")
#: Asymmetric line shapes of metals with a finite area and an ``asymmetry`` of their own (the
#: ``m`` of :func:`line_shape` stays the Lorentzian share): ``doniach_sunjic_gauss``.
METAL_SHAPES = ("doniach_sunjic_gauss",)
#: Energy [eV] at which the power-law spectrum of conduction-electron excitations is cut off
#: (``exp(-eps / DS_CUTOFF_EV)``). Doniach & Sunjic (J. Phys. C 3, 285, 1970) derive the power
#: law for excitation energies small against an energy of the order of the conduction-band width;
#: 5 eV lies between the Fermi energy of Na (3.2 eV) and the d-band widths of Mo and W (5-10
#: eV). The exponential form is a choice: any cut-off gives a finite area, and the area a fit
#: gives depends on it (the tail beyond a few eV merges with the Shirley or Tougaard step).
DS_CUTOFF_EV = 5.0
#: Range [-] of the Doniach-Sunjic asymmetry (singularity index) ``alpha`` of a metal's line:
#: measured values lie from about 0.03-0.06 (Au 4f, W 4f) to about 0.2-0.23 (Na, Li, Pd, Pt)
#: (Hufner & Wertheim, Phys. Rev. B 11, 678, 1975; Citrin, Wertheim & Baer, Phys. Rev. B 16,
#: 4256, 1977); 0.3 leaves room above the largest, and 0 is the symmetric (Voigt) line.
ASYMMETRY_RANGE = (0.0, 0.3)
#: Grid step of the Fourier evaluation of ``doniach_sunjic_gauss``, as a share [-] of the FWHM.
_DS_STEP_SHARE = 0.05
_LN2 = math.log(2.0)

#: Tougaard (1997) universal two-parameter cross-section, C [eV2] (metals and most solids).
TOUGAARD_U2_C_EV2 = 1643.0
#: Tougaard (1997) three-parameter cross-section for polymers, C and D [eV2]: the organic part
#: of an SEI is polymer-like.
TOUGAARD_U3_C_EV2 = 551.0
TOUGAARD_U3_D_EV2 = 436.0


def _gauss(u: np.ndarray) -> np.ndarray:
    # unit-area Gaussian in units of the FWHM
    return 2.0 * math.sqrt(_LN2 / math.pi) * np.exp(-4.0 * _LN2 * u * u)


def _lorentz(u: np.ndarray) -> np.ndarray:
    return (2.0 / math.pi) / (1.0 + 4.0 * u * u)


@lru_cache(maxsize=4096)
def _gl_product_norm(m: float) -> float:
    f = lambda u: math.exp(-4.0 * _LN2 * (1.0 - m) * u * u) / (1.0 + 4.0 * m * u * u)  # noqa: E731
    return integrate.quad(f, -np.inf, np.inf, limit=200)[0]


def _voigt_widths(fwhm: float, m: float) -> tuple[float, float]:
    # Lorentzian FWHM = m * FWHM; Gaussian FWHM from Olivero & Longbothum (1977):
    # fV = 0.5346 fL + sqrt(0.2166 fL^2 + fG^2)
    fl = m * fwhm
    fg2 = max((fwhm - 0.5346 * fl) ** 2 - 0.2166 * fl * fl, 1e-12)
    return math.sqrt(fg2) / (2.0 * math.sqrt(2.0 * _LN2)), fl / 2.0


def _ds_gauss(
    x: np.ndarray, center: float, fwhm: float, m: float, alpha: float, cutoff_eV: float
) -> np.ndarray:
    """Unit-area Voigt (``fwhm``, Lorentzian share ``m``) convolved with the Gamma distribution
    of shape ``alpha`` and scale ``cutoff_eV`` towards higher binding energy, at ``x`` [eV].

    Evaluated through its characteristic function, ``exp(-gamma |t| - sigma^2 t^2 / 2)
    (1 - i cutoff t)^(-alpha)`` (the product of those of the Lorentzian, the Gaussian and the
    Gamma distribution), by FFT on a uniform grid wide enough that the periodic images of the
    tails fold back less than 1e-3 of the area, then interpolated linearly."""
    sigma, gamma = _voigt_widths(fwhm, m)
    step = _DS_STEP_SHARE * fwhm
    # the Lorentzian tails beyond 50 FWHM hold < 1.3 % of its area and fold back spread over
    # the whole period (< 1e-4 of the peak height); the Gamma tail beyond 8 cut-offs holds
    # < 1e-4 of the line's (alpha <= 0.3)
    pad = 50.0 * fwhm + 8.0 * cutoff_eV
    lo, hi = min(float(np.min(x)), center) - pad, max(float(np.max(x)), center) + pad
    n = int(2 ** math.ceil(math.log2((hi - lo) / step)))
    h = (hi - lo) / n
    t = 2.0 * math.pi * np.fft.fftfreq(n, h)
    phi = np.exp(
        -gamma * np.abs(t) - 0.5 * (sigma * t) ** 2 - alpha * np.log(1.0 - 1j * cutoff_eV * t)
    )
    # f(E_k) = 1 / (2 pi) int phi(t) exp(-i t (E_k - center)) dt, E_k = lo + k h
    f = np.fft.fft(phi * np.exp(-1j * t * (lo - center))).real / (n * h)
    return np.interp(x, lo + h * np.arange(n), f)


def line_shape(
    shape: str,
    energy_eV: np.ndarray,
    area: float,
    center: float,
    fwhm: float,
    m: float,
    *,
    asymmetry: float = 0.0,
    cutoff_eV: float = DS_CUTOFF_EV,
) -> np.ndarray:
    """A peak of ``area`` [cps.eV] at ``center`` [eV] with ``fwhm`` [eV] and shape parameter ``m``.

    ``m`` is the Lorentzian fraction (0-1) of ``gl_sum``, ``gl_product``, ``pseudo_voigt``,
    ``voigt`` and ``doniach_sunjic_gauss`` and the asymmetry ``alpha`` (0-0.5) of
    ``doniach_sunjic``.

    Parameters
    ----------
    shape : str
        One of :data:`SHAPES` (``"gl_sum"``, ``"gl_product"``, ``"pseudo_voigt"``, ``"voigt"``,
        ``"doniach_sunjic"``) or :data:`METAL_SHAPES` (``"doniach_sunjic_gauss"``).
    energy_eV : array_like of float
        Binding energies at which to evaluate the peak [eV].
    area : float
        Peak area [cps.eV] (for ``doniach_sunjic``, the area within +-10 FWHM of the centre;
        for ``doniach_sunjic_gauss`` the whole area, the tail cut off at ``cutoff_eV``).
    center : float
        Peak position (binding energy) [eV]; for ``doniach_sunjic_gauss`` the energy of the
        line without conduction-electron excitations (the edge of the Doniach-Sunjic line),
        below the maximum of the asymmetric line.
    fwhm : float
        Full width at half maximum [eV] (the Lorentzian FWHM for ``doniach_sunjic``; the FWHM
        of the Voigt core, before the asymmetry widens it, for ``doniach_sunjic_gauss``);
        clipped below at 1e-6 eV.
    m : float
        Lorentzian fraction [-] (0 = Gaussian, 1 = Lorentzian; clipped to 0-1 for
        ``gl_product``, ``voigt`` and ``doniach_sunjic_gauss``) or, for ``doniach_sunjic``, the
        asymmetry ``alpha`` [-] (clipped to 0-0.49).
    asymmetry : float, optional
        Doniach-Sunjic asymmetry ``alpha`` [-] of ``doniach_sunjic_gauss`` (clipped to
        :data:`ASYMMETRY_RANGE`; 0 gives the Voigt line); ignored by the other shapes.
    cutoff_eV : float, optional
        Cut-off energy [eV] of the conduction-electron excitations of ``doniach_sunjic_gauss``
        (default :data:`DS_CUTOFF_EV`).

    Returns
    -------
    numpy.ndarray of float
        Intensity at each energy [cps], same shape as ``energy_eV``.

    Raises
    ------
    InvalidOptionError
        ``shape`` is not one of :data:`SHAPES` or :data:`METAL_SHAPES`, or ``cutoff_eV`` is not
        positive.
    """
    x = np.asarray(energy_eV, dtype=float)
    fwhm = max(float(fwhm), 1e-6)
    u = (x - center) / fwhm
    if shape in ("gl_sum", "pseudo_voigt"):
        return area / fwhm * ((1.0 - m) * _gauss(u) + m * _lorentz(u))
    if shape == "gl_product":
        m = min(max(float(m), 0.0), 1.0)
        g = np.exp(-4.0 * _LN2 * (1.0 - m) * u * u) / (1.0 + 4.0 * m * u * u)
        return area / (fwhm * _gl_product_norm(round(m, 6))) * g
    if shape == "voigt":
        sigma, gamma = _voigt_widths(fwhm, min(max(float(m), 0.0), 1.0))
        return area * special.voigt_profile(x - center, sigma, gamma)
    if shape == "doniach_sunjic":
        alpha = min(max(float(m), 0.0), 0.49)
        gamma = fwhm / 2.0

        def ds(e: np.ndarray) -> np.ndarray:
            # tail towards higher binding energy (lower kinetic energy): d counts towards lower BE
            d = center - e
            return np.cos(math.pi * alpha / 2.0 + (1.0 - alpha) * np.arctan(d / gamma)) / (
                (d * d + gamma * gamma) ** ((1.0 - alpha) / 2.0)
            )

        shape_ = ds(x) * math.gamma(1.0 - alpha)
        grid = center + fwhm * np.linspace(-10.0, 10.0, 2001)
        norm = float(np.trapezoid(ds(grid), grid)) * math.gamma(1.0 - alpha)
        return area * shape_ / norm
    if shape == "doniach_sunjic_gauss":
        if not float(cutoff_eV) > 0:
            raise InvalidOptionError(
                f"cutoff_eV of doniach_sunjic_gauss must be > 0 [eV]; got {cutoff_eV!r}."
            )
        alpha = min(max(float(asymmetry), ASYMMETRY_RANGE[0]), ASYMMETRY_RANGE[1])
        m = min(max(float(m), 0.0), 1.0)
        flat = x.reshape(-1)
        out = _ds_gauss(flat, float(center), fwhm, m, alpha, float(cutoff_eV))
        return area * out.reshape(x.shape)
    raise InvalidOptionError(
        f"line shape {shape!r} is not known; choose one of {SHAPES + METAL_SHAPES}."
    )


def _cumulative_area(y: np.ndarray, dx: np.ndarray) -> np.ndarray:
    # trapezoid area of y from the first point to each point (0 at the first): the Shirley step
    return np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * dx)])


def _loss_kernel(
    energy_eV: np.ndarray, kind: str = "U3", c_eV2: float | None = None, d_eV2: float | None = None
) -> np.ndarray:
    # Tougaard (1997) universal cross-section K(T) at the losses T = 0, dE, 2 dE, ... of the axis
    t = float(np.mean(np.diff(energy_eV))) * np.arange(len(energy_eV))
    if kind == "U2":
        c = TOUGAARD_U2_C_EV2 if c_eV2 is None else c_eV2
        return t / (c + t * t) ** 2
    c = TOUGAARD_U3_C_EV2 if c_eV2 is None else c_eV2
    d = TOUGAARD_U3_D_EV2 if d_eV2 is None else d_eV2
    return t / ((c - t * t) ** 2 + d * t * t)


def _loss_integral(energy_eV: np.ndarray, j: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    # sum_T K(T) j(E - T) dT at every energy of the (uniform) axis
    return np.convolve(j, kernel)[: len(energy_eV)] * float(np.mean(np.diff(energy_eV)))


def _edge(y: np.ndarray, n: int) -> tuple[float, float]:
    n = max(1, min(n, len(y) // 4 or 1))
    return float(np.mean(y[:n])), float(np.mean(y[-n:]))


def shirley(
    energy_eV: np.ndarray,
    intensity: np.ndarray,
    *,
    edge_points: int = 5,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> np.ndarray:
    """Iterative Shirley background on an ascending binding-energy axis.

    ``B(E) = I_low + (I_high - I_low) A(E) / A_total``, with ``A(E)`` the area of
    ``max(intensity - B, 0)`` from the low-BE end to ``E``, iterated to self-consistency. The end
    levels are the means of ``edge_points`` points at each end.

    Parameters
    ----------
    energy_eV : array_like of float
        Binding energies, ascending [eV].
    intensity : array_like of float
        Measured intensity at each energy [cps] (any consistent unit; the background has the
        same).
    edge_points : int, optional
        Number of points averaged at each end for the end levels ``I_low`` and ``I_high``
        (default 5; at most a quarter of the points are used).
    tol : float, optional
        Convergence tolerance [-]: the iteration stops when the largest change of the background
        is below ``tol`` times the intensity range (default 1e-6).
    max_iter : int, optional
        Maximum number of iterations (default 100).

    Returns
    -------
    numpy.ndarray of float
        Background at each energy, in the unit of ``intensity``.

    Raises
    ------
    ConvergenceError
        The iteration does not settle within ``max_iter`` steps (relative change above ``tol``),
        or the high-binding-energy end lies clearly below the low-binding-energy end (the region
        sits on another line's tail; no Shirley step fits).
    """
    x = np.asarray(energy_eV, dtype=float)
    y = np.asarray(intensity, dtype=float)
    low, high = _edge(y, edge_points)
    noise = float(np.std(np.diff(y, 2))) / np.sqrt(6.0)
    # a slight dip (peak tails, noise: 3 sigma of the edge means or 2 % of the peak height) is
    # tolerated: the clipped iteration still converges
    if low - high > max(3.0 * noise / np.sqrt(max(1, edge_points)), 0.02 * float(np.ptp(y))):
        # inelastic losses raise the background towards high binding energy; a region whose
        # high-BE end lies clearly lower sits on another line's tail, which no Shirley step fits
        raise ConvergenceError(
            f"the Shirley background does not apply: the high-binding-energy end ({high:.4g}) "
            f"lies below the low-binding-energy end ({low:.4g}) (another line's tail?). Widen "
            "the region or use background='linear'."
        )
    bg = np.full_like(y, low)
    scale = max(abs(high - low), np.ptp(y), 1e-300)
    dx = np.diff(x)
    for _ in range(max_iter):
        # only intensity above the background makes the step: a dip below it (noise at the
        # ends) would otherwise drive the iteration into oscillation
        signal = np.clip(y - bg, 0.0, None)
        cum = _cumulative_area(signal, dx)
        total = cum[-1]
        if total <= 0:
            return np.full_like(y, low)
        new = low + (high - low) * cum / total
        if np.max(np.abs(new - bg)) < tol * scale:
            return new
        bg = new
    raise ConvergenceError(
        f"the Shirley background did not converge in {max_iter} iterations; the region may "
        "not reach the background on both sides. Widen the region or use background='linear'."
    )


def tougaard(
    energy_eV: np.ndarray,
    intensity: np.ndarray,
    *,
    kind: str = "U3",
    c_eV2: float | None = None,
    d_eV2: float | None = None,
    edge_points: int = 5,
) -> np.ndarray:
    """Tougaard background with a universal cross-section, scaled to meet the high-BE end.

    ``B(E) = I_low + b * sum_T K(T) (j(E - T) - I_low) dT`` over energy losses ``T >= 0``
    (electrons of lower binding energy that lost ``T``); ``b`` is chosen so that the background
    equals the mean of the last ``edge_points`` points.

    Parameters
    ----------
    energy_eV, intensity, edge_points
        As for :func:`shirley` (the energy axis evenly spaced): binding energies [eV], the
        measured intensity [cps] and the points averaged at each end.
    kind : {"U2", "U3"}
        Two-parameter (C = 1643 eV2) or three-parameter polymer (C = 551, D = 436 eV2)
        cross-section; ``c_eV2``/``d_eV2`` override them.
    c_eV2, d_eV2 : float, optional
        Cross-section parameters C and D [eV2] (default: the values of ``kind``).

    Returns
    -------
    numpy.ndarray of float
        The loss background, one value per energy (unit of ``intensity``).

    Raises
    ------
    InvalidOptionError
        ``kind`` is not ``"U2"`` or ``"U3"``.
    """
    x = np.asarray(energy_eV, dtype=float)
    y = np.asarray(intensity, dtype=float)
    kind = kind.upper()
    if kind not in ("U2", "U3"):
        raise InvalidOptionError(f"Tougaard kind {kind!r}: choose 'U2' or 'U3'.")
    low, high = _edge(y, edge_points)
    # conv[i] = sum_T K(T) j(x_i - T) dT
    conv = _loss_integral(x, y - low, _loss_kernel(x, kind, c_eV2, d_eV2))
    ref = _edge(conv, edge_points)[1]
    b = (high - low) / ref if ref != 0 else 0.0
    return low + b * conv


def linear_background(
    energy_eV: np.ndarray, intensity: np.ndarray, *, edge_points: int = 5
) -> np.ndarray:
    """Straight line between the mean levels of the two ends.

    Parameters
    ----------
    energy_eV : numpy.ndarray of float
        Binding energy [eV].
    intensity : numpy.ndarray of float
        Intensity [counts/s].
    edge_points : int, optional
        Points averaged at each end [-].

    Returns
    -------
    numpy.ndarray of float
        Background intensity [counts/s], one per energy.
    """
    x = np.asarray(energy_eV, dtype=float)
    low, high = _edge(np.asarray(intensity, dtype=float), edge_points)
    return low + (high - low) * (x - x[0]) / (x[-1] - x[0])
