"""The SN/NaClO4/PVDF-HFP solid-state electrolyte (SSE) of Lu et al., Chem. Sci. 2019 (Fig. 3).

The SSE is succinonitrile (SN) with NaClO4 at SN : NaClO4 = 20 : 1 (molar), stiffened by PVDF-HFP
at a weight ratio ``w`` = mass of PVDF-HFP / mass of SN (the paper's "pvdf ratio", 0.5-1.5; 0.8 is
the optimal SSE used in every cell).

Three laws, each a small pure equation function that the public functions bind to a parameter set:

* **Composition** (ideal mixing, volumes additive): volume fractions of the polymer ``phi_P`` and of
  the conducting phase SN + salt ``phi_c = 1 - phi_P``, and the overall concentrations of salt and SN.
* **Ionic conductivity** (Fig. 3f, 3g): a generalised effective medium (GEM, McLachlan 1987) of
  three phases, each with its own conductivity and Arrhenius law:

  - the free SN/NaClO4 plastic-crystal phase, ``sigma_SN``;
  - the swollen PVDF-HFP gel: the polymer takes up ``s`` volumes of the SN/NaClO4 solution per
    volume of polymer (``s`` = "SSE gel swelling ratio [-]") and conducts with ``sigma_gel``; the
    paper attributes part of the conductivity to the C-F bonds of PVDF-HFP, which dissociate
    NaClO4 (Fig. 3e and its text), so ``sigma_gel`` may exceed ``sigma_SN``;
  - dry polymer, present only when there is too little SN/NaClO4 to swell all of it
    (``phi_P (1 + s) > 1``), with a small conductivity ``sigma_dry > 0``.

  With ``phi_P`` the polymer volume fraction: if ``phi_P (1 + s) <= 1``, the gel fraction is
  ``phi_P (1 + s)`` and the rest is free SN phase; otherwise all the solution is in the gel, whose
  fraction is ``(1 - phi_P) (1 + s) / s``, and the rest is dry polymer. The effective
  conductivity ``sigma`` solves McLachlan's GEM equation::

      sum_i phi_i (sigma_i^(1/t) - sigma^(1/t)) / (sigma_i^(1/t) + A sigma^(1/t)) = 0,
      A = (1 - phi_crit) / phi_crit,      sigma_i(T) = sigma_i(T_ref) exp(-E_i/k_B (1/T - 1/T_ref))

  Every phase conducts (``sigma_dry > 0``), so ``sigma > 0`` for every composition the API accepts
  (no percolation zero); it falls steeply once the gel is diluted by dry polymer (w > ~0.7), which
  is why Fig. 3f drops sevenfold from w = 0.8 to 1.5 after barely changing from 0.5 to 0.8.
* **Young's modulus** (Fig. 3f): semidilute-gel scaling (de Gennes), ``E = E_ref (phi_P /
  phi_P_ref)**n`` with n fitted (9/4 expected).

Outside the validated ranges (10-60 C, Fig. 3g; w = 0.5-1.5, Fig. 3f) the public functions warn
with :class:`~solidna.errors.OutOfRangeWarning`; at or above the SSE melting point (105 C, Fig. S14)
they raise :class:`~solidna.errors.OutOfRangeError`. The ``*_S_m`` / ``*_Pa`` / ``*_mol_m3``
functions are the numeric fast paths for models: floats in SI, no unit parsing, no warnings.

Examples
--------
>>> import solidna.materials.electrolyte as el
>>> round(el.conductivity("25 degC", 0.8) * 10, 2)  # S/m -> mS/cm
0.51
>>> round(el.salt_concentration_mol_m3(0.8))
418
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable, Iterable, Mapping

import numpy as np
from scipy import constants
from scipy.optimize import brentq

from solidna._docstrings import fill_doc
from solidna.errors import (
    InvalidOptionError,
    OutOfRangeError,
    OutOfRangeWarning,
    is_number,
    user_stacklevel,
)
from solidna.parameters.parameter_set import require_entries
from solidna.units import to_si

__all__ = [
    "BOLTZMANN_EV_K",
    "ARRHENIUS_TEMPERATURES_K",
    "FITTED_PARAMETERS",
    "SIGMA_SN",
    "SIGMA_GEL",
    "SWELLING",
    "EA_GEL",
    "E_REF",
    "N_MOD",
    "composition",
    "conducting_phase_volume_fraction",
    "salt_concentration_mol_m3",
    "sn_concentration_mol_m3",
    "check_conditions",
    "check_temperature",
    "conductivity",
    "conductivity_S_m",
    "modulus",
    "modulus_Pa",
    "activation_energy",
    "arrhenius_slope",
    "activation_energy_from_slope",
    "anodic_limit_V",
    "melting_point_K",
    "phase_fractions",
    "effective_medium_conductivity",
    "arrhenius_factor",
    "gel_modulus",
]

#: Boltzmann constant [eV.K-1] (CODATA, via scipy.constants).
BOLTZMANN_EV_K: float = constants.physical_constants["Boltzmann constant in eV/K"][0]

#: Temperatures of the Arrhenius plot, 10, 20, ..., 60 C (Fig. 3g) [K].
ARRHENIUS_TEMPERATURES_K: tuple[float, ...] = tuple(273.15 + c for c in range(10, 61, 10))

# Parameter names (PyBaMM style). Fixed constants live in sets/lu2019/electrolyte.toml; the fitted
# ones in sets/lu2019/fitted_electrolyte.toml (written by solidna.calibrate.electrolyte).
_RATIO = "SSE SN to NaClO4 molar ratio [-]"
_W_DEFAULT = "SSE PVDF-HFP ratio [-]"
_M_SN = "SN molar mass [kg.mol-1]"
_M_SALT = "NaClO4 molar mass [kg.mol-1]"
_RHO_SN = "SN density [kg.m-3]"
_RHO_SALT = "NaClO4 density [kg.m-3]"
_RHO_P = "PVDF-HFP density [kg.m-3]"
_T_REF = "SSE reference temperature [K]"
_T_EXP = "SSE percolation exponent [-]"
_PHI_CRIT = "SSE effective-medium critical fraction [-]"
_EA_SN = "SSE SN-phase activation energy [eV]"
_SIGMA_DRY = "SSE dry polymer conductivity [S.m-1]"
_EA_DRY = "SSE dry polymer activation energy [eV]"
_PHI_P_REF = "SSE modulus reference polymer volume fraction [-]"
_T_MELT = "SSE melting point [K]"
_V_ANODIC = "SSE anodic stability limit [V]"
SIGMA_SN = "SSE SN-phase conductivity [S.m-1]"
SIGMA_GEL = "SSE gel-phase conductivity [S.m-1]"
SWELLING = "SSE gel swelling ratio [-]"
EA_GEL = "SSE gel-phase activation energy [eV]"
E_REF = "SSE reference Young's modulus [Pa]"
N_MOD = "SSE modulus exponent [-]"

#: Names of the parameters fitted by :func:`solidna.calibrate.electrolyte.calibrate_electrolyte`.
FITTED_PARAMETERS: tuple[str, ...] = (SIGMA_SN, SIGMA_GEL, SWELLING, EA_GEL, E_REF, N_MOD)

# Validated ranges used when a plain mapping (without valid_range metadata) is passed.
_DEFAULT_T_RANGE_K = (283.15, 333.15)  # Fig. 3g: 10-60 C
_DEFAULT_W_RANGE = (0.5, 1.5)  # Fig. 3f


# -- parameters ------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _default_parameters() -> Mapping[str, float]:
    from solidna.parameters import lu2019

    return lu2019()


# The entries each law reads (so that a mapping lacking one is refused by name up front, not with
# a KeyError from deep inside the law).
_COMPOSITION_NAMES = (_RATIO, _M_SN, _M_SALT, _RHO_SN, _RHO_SALT, _RHO_P)
_CONDUCTIVITY_NAMES = (
    *_COMPOSITION_NAMES,
    _T_REF,
    _T_EXP,
    _PHI_CRIT,
    _EA_SN,
    _SIGMA_DRY,
    _EA_DRY,
    _T_MELT,
    SIGMA_SN,
    SIGMA_GEL,
    SWELLING,
    EA_GEL,
)
_MODULUS_NAMES = (*_COMPOSITION_NAMES, _T_MELT, _PHI_P_REF, E_REF, N_MOD)


def _resolve(
    parameters: Mapping[str, float] | None, names: tuple[str, ...] = _CONDUCTIVITY_NAMES
) -> Mapping[str, float]:
    """``parameters`` (default the Lu 2019 set) once it is a mapping holding every entry of
    ``names`` as a number; else :class:`InvalidOptionError` naming what is wrong."""
    params = _default_parameters() if parameters is None else parameters
    if isinstance(params, Mapping):
        missing = [name for name in names if name not in params]
        if missing and all(name in FITTED_PARAMETERS for name in missing):
            raise InvalidOptionError(
                f"The parameter set lacks the fitted electrolyte parameters {missing}. They are "
                "written to sets/lu2019/fitted_electrolyte.toml by 'python -m "
                "solidna.calibrate.electrolyte'; run it, or pass a mapping that contains them."
            )
    return require_entries(params, names, "the SSE laws")


def _is_finite_number(value: object) -> bool:
    return is_number(value) and math.isfinite(value)


def _valid_range(
    params: Mapping[str, float], name: str, default: tuple[float, float]
) -> tuple[float, float]:
    entry = getattr(params, "entry", None)
    if entry is not None and name in params:
        rng = entry(name).valid_range
        if rng is not None:
            return float(rng[0]), float(rng[1])
    return default


def _warn_outside_valid_range(
    value: float,
    params: Mapping[str, float],
    name: str,
    default: tuple[float, float],
    message: Callable[[float, float], str],
) -> None:
    """OutOfRangeWarning with ``message(lo, hi)`` when ``value`` lies outside the valid range of
    the parameter ``name`` (``default`` where the set gives none)."""
    lo, hi = _valid_range(params, name, default)
    if not lo <= value <= hi:
        warnings.warn(message(lo, hi), OutOfRangeWarning, stacklevel=user_stacklevel())


# -- input checks ----------------------------------------------------------------------------------
def _check_pvdf_ratio(pvdf_ratio: object, params: Mapping[str, float], warn: bool) -> float:
    if isinstance(pvdf_ratio, bool) or not isinstance(pvdf_ratio, numbers.Real):
        raise InvalidOptionError(
            f"pvdf_ratio must be a number (mass of PVDF-HFP per mass of SN), got "
            f"{type(pvdf_ratio).__name__} {pvdf_ratio!r}. Example: pvdf_ratio=0.8 (the paper's "
            "optimal SSE)."
        )
    w = float(pvdf_ratio)
    if not math.isfinite(w):
        raise InvalidOptionError(f"pvdf_ratio must be finite, got {w!r}. Example: pvdf_ratio=0.8.")
    if w <= 0.0:
        raise OutOfRangeError(
            f"pvdf_ratio = {w:g} is not physical: the mass of PVDF-HFP per mass of SN must be > 0 "
            "(the paper's SSEs use 0.5-1.5; 0.8 is the optimal). Give a positive ratio."
        )
    if warn:
        _warn_outside_valid_range(
            w,
            params,
            _W_DEFAULT,
            _DEFAULT_W_RANGE,
            lambda lo, hi: (
                f"pvdf_ratio = {w:g} lies outside the validated range {lo:g}-{hi:g} of Fig. 3f; "
                "the conductivity and modulus laws are extrapolated there."
            ),
        )
    return w


def _check_temperature(temperature: object, params: Mapping[str, float], warn: bool) -> float:
    T = to_si(temperature, "K", "temperature")
    if not math.isfinite(T) or T <= 0.0:
        raise OutOfRangeError(
            f"temperature {temperature!r} = {T:g} K is not a physical absolute temperature. Give a "
            'temperature such as "25 degC" or 298.15 (K).'
        )
    T_melt = params[_T_MELT]
    if T >= T_melt:
        raise OutOfRangeError(
            f"temperature {T - 273.15:.4g} degC ({T:.2f} K) is at or above the SSE melting point "
            f"{T_melt - 273.15:.0f} degC ({T_melt:.2f} K, Fig. S14): the electrolyte is liquid "
            "there and its solid-state laws do not apply. Use a temperature below the melting "
            "point; the conductivity is validated for 10-60 degC."
        )
    if warn:
        _warn_outside_valid_range(
            T,
            params,
            _T_REF,
            _DEFAULT_T_RANGE_K,
            lambda lo, hi: (
                f"temperature {T - 273.15:.4g} degC lies outside the validated range "
                f"{lo - 273.15:.0f}-{hi - 273.15:.0f} degC of the Arrhenius plot (Fig. 3g); the "
                "conductivity is extrapolated with the Arrhenius law of each phase."
            ),
        )
    return T


@fill_doc
def check_conditions(
    temperature: str | float,
    pvdf_ratio: float,
    parameters: Mapping[str, float] | None = None,
    *,
    warn_temperature: bool = True,
) -> tuple[float, float]:
    """Check a temperature and a PVDF-HFP ratio against the SSE's laws; return them in SI.

    Parameters
    ----------
    temperature : str or float
        e.g. ``"25 degC"``; a bare number is in K.
    %(pvdf_ratio, parameters)s
    warn_temperature : bool
        Warn outside the conductivity's validated 10-60 C. A cell passes False and states its
        own validated range instead (one warning, naming the cell).

    Returns
    -------
    (float, float)
        Temperature [K] and PVDF-HFP ratio [-].

    Raises
    ------
    OutOfRangeError
        At or above the SSE melting point (105 C), at a non-positive temperature or ``w <= 0``.

    Warns
    -----
    OutOfRangeWarning
        Outside w = 0.5-1.5, and (with ``warn_temperature``) outside 10-60 C.
    """
    p = _resolve(parameters, (_T_MELT,))
    T = _check_temperature(temperature, p, warn=warn_temperature)
    return T, _check_pvdf_ratio(pvdf_ratio, p, warn=True)


# -- equation functions ----------------------------------------------------------------------------
def _require(function: str, low: float, **values: object) -> None:
    """Refuse an argument of an equation function that is not a finite number above ``low``
    (None, a string, 0 K): it reached the arithmetic as a TypeError or ZeroDivisionError."""
    for name, value in values.items():
        if not _is_finite_number(value) or not value > low:
            raise OutOfRangeError(
                f"{function}: {name} must be a finite number > {low:g}, got {value!r:.60}."
            )


def phase_fractions(phi_p: float, s: float) -> tuple[float, float, float]:
    """Volume fractions of the free SN phase, the swollen gel and the dry polymer [-].

    The polymer (volume fraction ``phi_p``) takes up ``s`` volumes of SN/NaClO4 solution per
    volume of polymer while solution is left; the rest of the solution is a free phase. When
    ``phi_p (1 + s) > 1`` all the solution is in the gel and the polymer it cannot swell stays
    dry.

    Parameters
    ----------
    phi_p : float
        Polymer volume fraction [-].
    s : float
        "SSE gel swelling ratio [-]" (volume of solution per volume of polymer in the gel, > 0).

    Returns
    -------
    (float, float, float)
        Free SN phase, gel and dry polymer fractions [-]; they sum to 1.
    """
    _require("phase_fractions", 0.0, s=s)
    if not _is_finite_number(phi_p) or not 0.0 <= phi_p <= 1.0:
        raise OutOfRangeError(
            f"phase_fractions: phi_p is a volume fraction, from 0 to 1; got {phi_p!r:.60}."
        )
    gel = phi_p * (1.0 + s)
    if gel <= 1.0:
        return 1.0 - gel, gel, 0.0
    gel = (1.0 - phi_p) * (1.0 + s) / s
    return 0.0, gel, 1.0 - gel


def effective_medium_conductivity(
    fractions: tuple[float, ...], sigmas: tuple[float, ...], phi_crit: float, t: float
) -> float:
    """Conductivity of a random mixture of phases, McLachlan's generalised effective medium.

    Solves ``sum_i phi_i (sigma_i^(1/t) - sigma^(1/t)) / (sigma_i^(1/t) + A sigma^(1/t)) = 0``
    with ``A = (1 - phi_crit) / phi_crit`` (McLachlan, Blaszkiewicz & Newnham, J. Am. Ceram. Soc.
    73, 2187 (1990)); with two phases and ``t = 1``, ``phi_crit = 1/3`` it is Bruggeman's
    symmetric law. The root lies between the smallest and largest phase conductivity; it is
    found by Brent's method in ln(sigma) (scipy), since the phases span decades.

    Parameters
    ----------
    fractions : tuple of float
        Volume fraction of each phase [-] (summing to 1).
    sigmas : tuple of float
        Conductivity of each phase [S.m-1] (all > 0).
    phi_crit : float
        "SSE effective-medium critical fraction [-]": conducting fraction at the crossover.
    t : float
        "SSE percolation exponent [-]".

    Returns
    -------
    float
        Effective conductivity [S.m-1].
    """
    _require("effective_medium_conductivity", 0.0, t=t, phi_crit=phi_crit)
    if not phi_crit < 1.0:
        raise OutOfRangeError(
            f"effective_medium_conductivity: phi_crit is a fraction below 1, got {phi_crit!r}."
        )
    try:
        pairs = list(zip(fractions, sigmas, strict=True))
    except (TypeError, ValueError):
        raise OutOfRangeError(
            "effective_medium_conductivity: fractions and sigmas must be sequences of the same "
            f"length (one entry per phase); got {fractions!r:.60} and {sigmas!r:.60}."
        ) from None
    for f, sg in pairs:
        if not _is_finite_number(f) or f < 0.0:
            raise OutOfRangeError(
                f"effective_medium_conductivity: volume fractions are numbers >= 0, got {f!r}."
            )
        if f > 0.0:
            _require("effective_medium_conductivity", 0.0, sigma=sg)
    if not any(f > 0.0 for f, _sg in pairs):
        raise OutOfRangeError(
            "effective_medium_conductivity: no phase has a volume fraction > 0; got "
            f"{fractions!r:.60}."
        )
    present = [(f, sg) for f, sg in zip(fractions, sigmas, strict=True) if f > 0.0]
    if len(present) == 1:
        return float(present[0][1])
    a = (1.0 - phi_crit) / phi_crit
    roots = [(f, sg ** (1.0 / t)) for f, sg in present]

    def balance(ln_sigma: float) -> float:
        x = math.exp(ln_sigma / t)
        return sum(f * (r - x) / (r + a * x) for f, r in roots)

    lo = math.log(min(sg for _f, sg in present))
    hi = math.log(max(sg for _f, sg in present))
    if hi - lo < 1e-12:
        return math.exp(lo)
    return math.exp(brentq(balance, lo, hi, xtol=1e-12, rtol=1e-13))


def arrhenius_factor(T: float, E_a: float, T_ref: float) -> float:
    """Arrhenius factor ``exp(-E_a / k_B * (1/T - 1/T_ref))`` (Fig. 3g).

    Parameters
    ----------
    T : float
        Temperature [K].
    E_a : float
        Activation energy of one phase [eV].
    T_ref : float
        "SSE reference temperature [K]" (where the factor is 1).

    Returns
    -------
    float
        sigma(T) / sigma(T_ref) [-].
    """
    _require("arrhenius_factor", 0.0, T=T, T_ref=T_ref)
    if not _is_finite_number(E_a):
        raise OutOfRangeError(f"arrhenius_factor: E_a must be a finite number [eV], got {E_a!r}.")
    exponent = -E_a / BOLTZMANN_EV_K * (1.0 / T - 1.0 / T_ref)
    # beyond exp(709) a float overflows (OverflowError); the conductivity is then meaningless
    return math.exp(exponent) if exponent < 709.0 else math.inf


def gel_modulus(phi_p: float, E_ref: float, phi_p_ref: float, n: float) -> float:
    """Young's modulus of a semidilute polymer gel, ``E = E_ref (phi_p / phi_p_ref)**n``.

    de Gennes scaling gives n = 9/4 for a good solvent (de Gennes 1979, ch. V).

    Parameters
    ----------
    phi_p : float
        Polymer volume fraction [-].
    E_ref : float
        "SSE reference Young's modulus [Pa]" (modulus at ``phi_p_ref``).
    phi_p_ref : float
        "SSE modulus reference polymer volume fraction [-]".
    n : float
        "SSE modulus exponent [-]".

    Returns
    -------
    float
        Young's modulus [Pa].
    """
    _require("gel_modulus", 0.0, E_ref=E_ref, phi_p_ref=phi_p_ref)
    if not _is_finite_number(phi_p) or not 0.0 <= phi_p <= 1.0:
        raise OutOfRangeError(f"gel_modulus: phi_p is a volume fraction, 0 to 1; got {phi_p!r}.")
    if not _is_finite_number(n):
        raise OutOfRangeError(f"gel_modulus: n must be a finite number, got {n!r}.")
    return E_ref * (phi_p / phi_p_ref) ** n


def _volumes(w: float, p: Mapping[str, float]) -> tuple[float, float, float, float]:
    """Amount of salt and the volumes of SN, salt and polymer per kilogram of SN.

    Returns (n_salt [mol], V_SN [m3], V_salt [m3], V_P [m3]); ideal mixing (additive volumes).
    """
    n_sn = 1.0 / p[_M_SN]  # mol of SN per kg of SN
    n_salt = n_sn / p[_RATIO]  # SN : NaClO4 = 20 : 1 (paper text)
    v_sn = 1.0 / p[_RHO_SN]
    v_salt = n_salt * p[_M_SALT] / p[_RHO_SALT]
    v_p = w / p[_RHO_P]  # w = mass PVDF-HFP / mass SN
    return n_salt, v_sn, v_salt, v_p


@fill_doc
def conducting_phase_volume_fraction(pvdf_ratio: float, parameters: Mapping[str, float]) -> float:
    """Volume fraction of the conducting phase (SN + NaClO4) [-]; fast path, no checks.

    Parameters
    ----------
    %(pvdf_ratio)s
    parameters : ParameterSet or mapping
        Parameter values (densities, salt ratio).

    Returns
    -------
    float
        Volume fraction of SN + NaClO4 in the SSE [-].
    """
    _, v_sn, v_salt, v_p = _volumes(float(pvdf_ratio), parameters)
    return (v_sn + v_salt) / (v_sn + v_salt + v_p)


# -- composition -----------------------------------------------------------------------------------
def composition(
    pvdf_ratio: float, parameters: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Volume fractions and concentrations of the SSE from its recipe (ideal mixing).

    Parameters
    ----------
    pvdf_ratio : float
        Mass of PVDF-HFP per mass of SN, ``w`` [-] (> 0; the paper uses 0.5-1.5).
    parameters : ParameterSet or mapping, optional
        Densities, molar masses and the SN : NaClO4 ratio; default :func:`solidna.lu2019`.

    Returns
    -------
    dict of str to float
        ``"SN volume fraction [-]"``, ``"NaClO4 volume fraction [-]"``,
        ``"Polymer volume fraction [-]"`` (these three sum to 1),
        ``"Conducting phase volume fraction [-]"`` (SN + NaClO4),
        ``"Salt concentration [mol.m-3]"`` and ``"SN concentration [mol.m-3]"`` (per volume of SSE),
        ``"Salt concentration in the conducting phase [mol.m-3]"`` and ``"SSE density [kg.m-3]"``.

    Raises
    ------
    InvalidOptionError
        If ``pvdf_ratio`` is not a number.
    OutOfRangeError
        If ``pvdf_ratio <= 0``.
    """
    p = _resolve(parameters, _COMPOSITION_NAMES)
    w = _check_pvdf_ratio(pvdf_ratio, p, warn=False)  # the mixing rule holds for any w > 0
    n_salt, v_sn, v_salt, v_p = _volumes(w, p)
    v = v_sn + v_salt + v_p
    n_sn = 1.0 / p[_M_SN]
    mass = 1.0 + n_salt * p[_M_SALT] + w  # kg per kg of SN
    return {
        "SN volume fraction [-]": v_sn / v,
        "NaClO4 volume fraction [-]": v_salt / v,
        "Polymer volume fraction [-]": v_p / v,
        "Conducting phase volume fraction [-]": (v_sn + v_salt) / v,
        "Salt concentration [mol.m-3]": n_salt / v,
        "SN concentration [mol.m-3]": n_sn / v,
        "Salt concentration in the conducting phase [mol.m-3]": n_salt / (v_sn + v_salt),
        "SSE density [kg.m-3]": mass / v,
    }


@fill_doc
def salt_concentration_mol_m3(
    pvdf_ratio: float | None = None, parameters: Mapping[str, float] | None = None
) -> float:
    """Overall NaClO4 concentration in the SSE [mol.m-3] (per volume of SSE, polymer included).

    Parameters
    ----------
    %(set_pvdf_ratio)s
    %(parameters)s

    Returns
    -------
    float
        Salt concentration [mol.m-3] (about 418 at w = 0.8).
    """
    return _composition_entry("Salt concentration [mol.m-3]", pvdf_ratio, parameters)


def sn_concentration_mol_m3(
    pvdf_ratio: float | None = None, parameters: Mapping[str, float] | None = None
) -> float:
    """Overall SN concentration in the SSE [mol.m-3] (per volume of SSE, polymer included; about
    8350 at w = 0.8). Arguments as :func:`salt_concentration_mol_m3`.

    Parameters
    ----------
    pvdf_ratio, parameters : as for :func:`salt_concentration_mol_m3`

    Returns
    -------
    float
        SN concentration [mol.m-3].
    """
    return _composition_entry("SN concentration [mol.m-3]", pvdf_ratio, parameters)


def _composition_entry(
    name: str, pvdf_ratio: float | None, parameters: Mapping[str, float] | None
) -> float:
    p = _resolve(parameters, _COMPOSITION_NAMES + ((_W_DEFAULT,) if pvdf_ratio is None else ()))
    w = p[_W_DEFAULT] if pvdf_ratio is None else pvdf_ratio
    return composition(w, p)[name]


@fill_doc
def check_temperature(
    temperature: str | float, parameters: Mapping[str, float] | None = None
) -> float:
    """Check a temperature against the SSE's laws; return it in K.

    Parameters
    ----------
    temperature : str or float
        e.g. ``"35 degC"``; a bare number is in K.
    %(parameters)s

    Returns
    -------
    float
        Temperature [K].

    Raises
    ------
    OutOfRangeError
        At or above the SSE melting point (105 C) or at a non-positive temperature.

    Warns
    -----
    OutOfRangeWarning
        Outside the conductivity's validated 10-60 C.
    """
    return _check_temperature(temperature, _resolve(parameters, (_T_MELT,)), warn=True)


# -- conductivity ----------------------------------------------------------------------------------
@fill_doc
def conductivity_S_m(
    temperature_K: float, pvdf_ratio: float, parameters: Mapping[str, float]
) -> float:
    """Ionic conductivity [S.m-1]; numeric fast path for models (no unit parsing, no checks).

    Parameters
    ----------
    temperature_K : float
        Temperature [K].
    %(pvdf_ratio)s
    parameters : ParameterSet or mapping
        Must contain the fixed and fitted electrolyte parameters.

    Returns
    -------
    float
        sigma(T, w) [S.m-1] (> 0 for every w > 0).
    """
    p = parameters
    T = float(temperature_K)
    phi_p = 1.0 - conducting_phase_volume_fraction(pvdf_ratio, p)
    t_ref = p[_T_REF]
    sigmas = (
        p[SIGMA_SN] * arrhenius_factor(T, p[_EA_SN], t_ref),
        p[SIGMA_GEL] * arrhenius_factor(T, p[EA_GEL], t_ref),
        p[_SIGMA_DRY] * arrhenius_factor(T, p[_EA_DRY], t_ref),
    )
    if not all(0.0 < sg < math.inf for sg in sigmas):
        # far below the validated range the Arrhenius factors underflow to 0 (or overflow), and
        # the effective medium's log(sigma) raised "math domain error"
        raise OutOfRangeError(
            f"At {T:.4g} K the Arrhenius laws of the SSE phases give conductivities "
            f"{[f'{sg:.3g}' for sg in sigmas]} S/m, outside what a float holds: the temperature "
            "is far outside the validated 10-60 degC (283-333 K). Use a temperature in or near "
            "that range."
        )
    fractions = phase_fractions(phi_p, p[SWELLING])
    return effective_medium_conductivity(fractions, sigmas, p[_PHI_CRIT], p[_T_EXP])


@fill_doc
def conductivity(
    temperature: str | float = "25 degC",
    pvdf_ratio: float = 0.8,
    parameters: Mapping[str, float] | None = None,
) -> float:
    """Ionic conductivity of the SSE [S.m-1] (Fig. 3f, 3g).

    %(Parameters: sse_temperature, checked_pvdf_ratio, parameters)s

    Returns
    -------
    float
        Conductivity [S.m-1] (multiply by 10 for mS/cm).

    Raises
    ------
    OutOfRangeError
        At or above the SSE melting point (105 C), at a non-positive temperature or ``w <= 0``.
    InvalidOptionError
        If ``pvdf_ratio`` is not a number.
    UnitError
        If ``temperature`` cannot be parsed as a temperature.

    Warns
    -----
    OutOfRangeWarning
        Outside 10-60 C or outside w = 0.5-1.5.
    """
    p = _resolve(parameters)
    T = _check_temperature(temperature, p, warn=True)
    w = _check_pvdf_ratio(pvdf_ratio, p, warn=True)
    return conductivity_S_m(T, w, p)


@fill_doc
def activation_energy(
    parameters: Mapping[str, float] | None = None, pvdf_ratio: float | None = None
) -> float:
    """Apparent activation energy of the SSE conductivity over 10-60 C [eV] (Fig. 3g).

    Each phase has its own Arrhenius law, so the composite's activation energy is a model output:
    the slope of log10(sigma) against 1000/T at 10, 20, ..., 60 C (:func:`arrhenius_slope`)
    converted to eV, as the paper analysed its data.

    Parameters
    ----------
    %(parameters)s
    %(set_pvdf_ratio)s
    """
    p = _resolve(parameters, _CONDUCTIVITY_NAMES + ((_W_DEFAULT,) if pvdf_ratio is None else ()))
    w = p[_W_DEFAULT] if pvdf_ratio is None else pvdf_ratio
    return activation_energy_from_slope(arrhenius_slope(w, p))


@fill_doc
def arrhenius_slope(
    pvdf_ratio: float = 0.8,
    parameters: Mapping[str, float] | None = None,
    temperatures_K: tuple[float, ...] = ARRHENIUS_TEMPERATURES_K,
) -> float:
    """Slope of log10(sigma) against 1000/T of the model, as in Fig. 3g [K/1000].

    The model conductivity is evaluated at ``temperatures_K`` (10, 20, ..., 60 C) and a straight
    line is fitted, exactly as the paper analysed its data; the slope is a model prediction.

    Parameters
    ----------
    pvdf_ratio : float
        Mass of PVDF-HFP per mass of SN [-] (0.8 in Fig. 3g).
    %(parameters)s
    temperatures_K : tuple of float
        Temperatures of the fit [K].

    Returns
    -------
    float
        d log10(sigma) / d(1000/T) [K/1000] (the paper reports -1.63383).
    """
    p = _resolve(parameters)
    w = _check_pvdf_ratio(pvdf_ratio, p, warn=True)
    if (
        isinstance(temperatures_K, str | bytes | Mapping)
        or not isinstance(temperatures_K, Iterable)
        or getattr(temperatures_K, "ndim", 1) == 0  # numpy.array(300.0) is not iterable
    ):
        # a number or a string was iterated (TypeError) or read letter by letter (ValueError)
        raise InvalidOptionError(
            f"temperatures_K must be a sequence of temperatures, got "
            f"{type(temperatures_K).__name__} {temperatures_K!r:.60}. Example: "
            "temperatures_K=(283.15, 298.15, 313.15), or leave it out for 10, 20, ..., 60 degC."
        )
    # each as check_temperature reads it: a number in K or a string with its unit ("25 degC")
    temps = [_check_temperature(T, p, warn=True) for T in list(temperatures_K)]
    if len(set(temps)) < 2:
        # np.polyfit raised TypeError on none and fitted a meaningless line through one
        raise InvalidOptionError(
            f"An Arrhenius slope needs at least two different temperatures; got "
            f"{temperatures_K!r:.80}. Example: temperatures_K=(283.15, 298.15, 313.15)."
        )
    x = np.array([1000.0 / T for T in temps])
    y = np.log10([conductivity_S_m(T, w, p) for T in temps])
    slope, _intercept = np.polyfit(x, y, 1)
    return float(slope)


def activation_energy_from_slope(slope_K_per_1000: float) -> float:
    """Activation energy [eV] from the Arrhenius slope of log10(sigma) vs 1000/T [K/1000].

    ``E_a = -slope * 1000 * ln(10) * k_B`` (worked example from the paper, Fig. 3g: -1.63383
    gives 0.324 eV; documentation only - the model's slope is computed, see arrhenius_slope).

    Parameters
    ----------
    slope_K_per_1000 : float
        Slope of log10(sigma) vs 1000/T [K/1000] (negative for thermal activation).

    Returns
    -------
    float
        Activation energy [eV].

    Raises
    ------
    InvalidOptionError
        ``slope_K_per_1000`` is not a finite number.
    """
    if not _is_finite_number(slope_K_per_1000):
        raise InvalidOptionError(
            f"slope_K_per_1000 must be a finite number (the slope of log10(sigma) against "
            # the example is a round illustrative slope, not the paper's: the model's slope is
            # computed by arrhenius_slope, never read from a message
            f"1000/T, in K/1000), got {slope_K_per_1000!r:.60}. Example: -1.5."
        )
    return -float(slope_K_per_1000) * 1000.0 * math.log(10.0) * BOLTZMANN_EV_K


# -- modulus ---------------------------------------------------------------------------------------
@fill_doc
def modulus_Pa(pvdf_ratio: float, parameters: Mapping[str, float]) -> float:
    """Young's modulus [Pa]; numeric fast path (no checks).

    Parameters
    ----------
    %(pvdf_ratio)s
    parameters : ParameterSet or mapping
        Needs the composition constants and the fitted modulus law (E_ref, n).

    Returns
    -------
    float
        Young's modulus [Pa].
    """
    phi_p = 1.0 - conducting_phase_volume_fraction(pvdf_ratio, parameters)
    return gel_modulus(phi_p, parameters[E_REF], parameters[_PHI_P_REF], parameters[N_MOD])


@fill_doc
def modulus(pvdf_ratio: float = 0.8, parameters: Mapping[str, float] | None = None) -> float:
    """Young's modulus of the SSE at room temperature [Pa] (Fig. 3f).

    %(Parameters: checked_pvdf_ratio, parameters)s

    Returns
    -------
    float
        Young's modulus [Pa] (multiply by 1e-6 for MPa).

    Raises
    ------
    OutOfRangeError
        If ``pvdf_ratio <= 0``.
    InvalidOptionError
        If ``pvdf_ratio`` is not a number.

    Warns
    -----
    OutOfRangeWarning
        Outside w = 0.5-1.5.
    """
    p = _resolve(parameters, _MODULUS_NAMES)
    w = _check_pvdf_ratio(pvdf_ratio, p, warn=True)
    return modulus_Pa(w, p)


# -- stability limits ------------------------------------------------------------------------------
@fill_doc
def anodic_limit_V(parameters: Mapping[str, float] | None = None) -> float:
    """Anodic decomposition potential of the SSE vs Na+/Na [V] (4.86 V, Fig. S13).

    %(Parameters: parameters)s

    Returns
    -------
    float
        Anodic limit [V vs Na+/Na].
    """
    return float(_resolve(parameters, (_V_ANODIC,))[_V_ANODIC])


@fill_doc
def melting_point_K(parameters: Mapping[str, float] | None = None) -> float:
    """Melting point of the SSE [K] (about 105 C, Fig. S14).

    %(Parameters: parameters)s

    Returns
    -------
    float
        Melting point [K].
    """
    return float(_resolve(parameters, (_T_MELT,))[_T_MELT])
