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
  area within +-10 FWHM.

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
    "line_shape",
    "shirley",
    "tougaard",
    "linear_background",
    "TOUGAARD_U2_C_EV2",
    "TOUGAARD_U3_C_EV2",
    "TOUGAARD_U3_D_EV2",
]

SHAPES = ("gl_sum", "gl_product", "pseudo_voigt", "voigt", "doniach_sunjic")
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


def line_shape(
    shape: str, energy_eV: np.ndarray, area: float, center: float, fwhm: float, m: float
) -> np.ndarray:
    """A peak of ``area`` [cps.eV] at ``center`` [eV] with ``fwhm`` [eV] and shape parameter ``m``.

    ``m`` is the Lorentzian fraction (0-1) of ``gl_sum``, ``gl_product``, ``pseudo_voigt`` and
    ``voigt`` and the asymmetry ``alpha`` (0-0.5) of ``doniach_sunjic``.

    Parameters
    ----------
    shape : str
        One of :data:`SHAPES`: ``"gl_sum"``, ``"gl_product"``, ``"pseudo_voigt"``, ``"voigt"``,
        ``"doniach_sunjic"``.
    energy_eV : array_like of float
        Binding energies at which to evaluate the peak [eV].
    area : float
        Peak area [cps.eV] (for ``doniach_sunjic``, the area within +-10 FWHM of the centre).
    center : float
        Peak position (binding energy) [eV].
    fwhm : float
        Full width at half maximum [eV] (the Lorentzian FWHM for ``doniach_sunjic``); clipped
        below at 1e-6 eV.
    m : float
        Lorentzian fraction [-] (0 = Gaussian, 1 = Lorentzian; clipped to 0-1 for
        ``gl_product`` and ``voigt``) or, for ``doniach_sunjic``, the asymmetry ``alpha`` [-]
        (clipped to 0-0.49).

    Returns
    -------
    numpy.ndarray of float
        Intensity at each energy [cps], same shape as ``energy_eV``.

    Raises
    ------
    InvalidOptionError
        ``shape`` is not one of :data:`SHAPES`.
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
    raise InvalidOptionError(f"line shape {shape!r} is not known; choose one of {SHAPES}.")


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
