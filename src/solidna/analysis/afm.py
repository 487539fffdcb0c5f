"""AFM force curves and force maps: contact point, Young's modulus, adhesion, film thickness.

Files are read with ``afmformats`` (MIT; JPK ``.jpk-force``/``.jpk-force-map``, Asylum/Igor
``.ibw``, AFM Workshop CSV, NT-MDT, ...), imported lazily (``pip install solidna[surface]``).

The contact models are written here rather than taken from nanite, which is GPL-3.0 (solidna is
BSD-3). Force ``F`` against indentation ``delta`` (``E* = E / (1 - nu^2)``):

* paraboloid (Hertz 1882): ``F = 4/3 E* sqrt(R) delta^1.5``;
* cone (Sneddon 1965): ``F = 2/pi E* tan(alpha) delta^2``;
* four-sided pyramid (Bilodeau 1992): ``F = 0.7453 E* tan(alpha) delta^2``;
* sphere (Sneddon 1965, exact): ``delta = a/2 ln((R+a)/(R-a))``,
  ``F = E*/2 [(a^2 + R^2) ln((R+a)/(R-a)) - 2 a R]``;
* DMT (Derjaguin-Muller-Toporov 1975) on the retract curve: paraboloid plus the measured
  adhesion ``F + F_adh = 4/3 E* sqrt(R) delta^1.5``.

For a given contact point the force is linear in ``E``, so the fit solves ``E`` in closed form
and searches the contact point alone (variable projection): exact, and fast enough for maps.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna.errors import DataFormatError, InvalidOptionError, check_choice, positive_float

__all__ = [
    "ForceCurve",
    "ContactFit",
    "INDENTERS",
    "read_force_curves",
    "indentation_force",
    "fit_contact",
    "adhesion",
    "film_thickness",
    "fit_force_map",
    "require_surface_extra",
]

#: Indenter geometries of :func:`fit_contact` (``dmt`` fits the retract curve).
INDENTERS = ("paraboloid", "cone", "pyramid", "sphere", "dmt")
#: Share of the approach points, just before the contact, whose mean force is the zero of force.
BASELINE_FRACTION = 0.1
#: A curve is in contact when its force rises above the baseline by this many baseline standard
#: deviations (and by at least 10 points): below it the curve is noise.
CONTACT_SIGMAS = 8.0
#: Slope ratio (substrate / film) that makes a stiffness change a film boundary.
STIFFENING_RATIO = 2.0
#: Bilodeau (1992) pre-factor of the four-sided pyramid.
PYRAMID_FACTOR = 0.7453


def require_surface_extra(module: str):
    """Import an optional surface-analysis reader, or say how to install it.

    Parameters
    ----------
    module : str
        Importable name of the package, e.g. ``"afmformats"``, ``"vamas"`` or
        ``"SurfaceTopography"`` (the ``surface`` extra).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    DataFormatError
        The package is not installed (the message says ``pip install solidna[surface]``).
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise DataFormatError(
            f"reading this file needs the optional package {module!r}: install it with "
            "`pip install solidna[surface]` (vamas, afmformats, SurfaceTopography)."
        ) from None


@dataclass
class ForceCurve:
    """One force-distance curve (SI units; time order within each segment).

    ``height`` is the cantilever base position [m] (larger = further from the surface); ``tip``
    the tip position ``height + F/k`` when the spring constant is known (the cantilever bends
    away from the surface by ``F/k``), else ``height``.
    """

    approach_height_m: np.ndarray
    approach_force_N: np.ndarray
    retract_height_m: np.ndarray
    retract_force_N: np.ndarray
    spring_constant_N_m: float | None = None
    position_m: tuple[float, float] | None = None
    index: int = 0
    source: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def tip(self, segment: str = "approach") -> np.ndarray:
        """Tip position: piezo height plus cantilever deflection (force / spring constant).

        Parameters
        ----------
        segment : {"approach", "retract"}, optional
            Which segment of the curve.

        Returns
        -------
        numpy.ndarray of float
            Tip position [m]; the piezo height when no spring constant is known.
        """
        h = self.approach_height_m if segment == "approach" else self.retract_height_m
        f = self.approach_force_N if segment == "approach" else self.retract_force_N
        if self.spring_constant_N_m:
            return h + f / self.spring_constant_N_m
        return h


#: What a JPK text export starts with (JPK Data Processing, "Export as text"); afmformats reads
#: JPK curves only from the binary .jpk-force/.jpk-force-map files.
_JPK_TEXT_MARKS = ("# TEXT EXPORT", "# springConstant:", "# segment:")


@contextmanager
def _quiet_afmformats() -> Iterator[None]:
    """Keep afmformats' own logging (it logs a loader failure with its traceback, which Python
    prints to stderr when nothing handles it) and the NumPy warnings of its loaders off the
    user's terminal: solidna reports the failure itself, in one line."""
    logger = logging.getLogger("afmformats")
    quiet = logging.NullHandler()
    propagate = logger.propagate
    logger.addHandler(quiet)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.removeHandler(quiet)
        logger.propagate = propagate


def _jpk_text(p: Path) -> bool:
    if p.suffix.lower() != ".txt":
        return False
    with open(p, "rb") as fh:  # the header only
        head = fh.read(4000).decode("latin-1")
    return head.startswith(_JPK_TEXT_MARKS[0]) or all(m in head for m in _JPK_TEXT_MARKS[1:])


def read_force_curves(
    path: str | os.PathLike[str],
    sensitivity: float | None = None,
    spring_constant_N_m: float | None = None,
) -> list[ForceCurve]:
    """Every force curve of a file (one, or all points of a force map), via ``afmformats``.

    Parameters
    ----------
    path : str or os.PathLike
        Force-curve or force-map file: JPK ``.jpk-force``/``.jpk-force-map``, Asylum/Igor
        ``.ibw``, AFM Workshop ``.csv``, NT-MDT Nova ``.txt`` (with ``sensitivity`` and
        ``spring_constant_N_m``), or any other format ``afmformats`` reads.
    sensitivity : float, optional
        Deflection sensitivity, passed to afmformats (``meta_override``): [m/V], or [m/A] for
        an NT-MDT Nova ``.txt``, whose deflection is a current (nA). Required for NT-MDT Nova
        files, which do not record it; for other formats it replaces the file's value.
    spring_constant_N_m : float, optional
        Cantilever spring constant [N/m], passed the same way: required for NT-MDT Nova files,
        else it replaces the file's value.

    Returns
    -------
    list of ForceCurve
        One per curve in file order, in SI units: heights [m], forces [N], spring constant
        [N/m] when the file records it (or it is given) and the map position ``(x, y)`` [m] when
        it has one. A curve without segment marks is split into approach and retract at its
        lowest height.

    Raises
    ------
    DataFormatError
        Empty/unreadable file, a JPK text export (afmformats reads JPK binary files only), an
        NT-MDT Nova ``.txt`` without ``sensitivity`` and ``spring_constant_N_m``, no
        force-distance data, or ``afmformats`` missing.
    """
    from solidna.analysis.io import check_file

    p = check_file(path, "an AFM force-curve or force-map file (JPK, Asylum .ibw, ...)")
    override: dict[str, float] = {}
    for key, value, unit in (
        ("sensitivity", sensitivity, "m/V (m/A for NT-MDT Nova)"),
        ("spring constant", spring_constant_N_m, "N/m"),
    ):
        if value is not None:
            override[key] = positive_float(value, key, unit)
    if _jpk_text(p):
        raise DataFormatError(
            f"{p}: a JPK text export (.txt). afmformats reads JPK force curves only from the "
            "binary files (it takes any numeric .txt for an NT-MDT Nova export), so solidna "
            "cannot read this one: save the curve as .jpk-force (or the map as .jpk-force-map) "
            "in JPK Data Processing and give that file."
        )
    af = require_surface_extra("afmformats")
    try:
        # afmformats loads lazily: a broken file fails when its columns are first read
        with _quiet_afmformats():
            return _curves(af.load_data(p, meta_override=override), p)
    except (DataFormatError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # afmformats' errors derive from BaseException
        if type(exc).__name__ == "MissingMetaDataError":
            raise DataFormatError(
                _missing_meta_message(p, getattr(exc, "meta_keys", None))
            ) from None
        raise DataFormatError(
            f"{p}: afmformats cannot read it ({type(exc).__name__}: {exc}); is it a complete "
            "force-curve file (.jpk-force, .jpk-force-map, .ibw, AFM Workshop .csv, NT-MDT "
            ".txt)?"
        ) from None


def _missing_meta_message(p: Path, keys: Sequence[str] | None) -> str:
    """Why afmformats needs calibration values for ``p`` and how to give them.

    afmformats asks for them in two formats: NT-MDT Nova ``.txt`` (deflection as a current, nA;
    afmformats takes any numeric ``.txt`` for one) and AFM Workshop ``.csv`` whose deflection is
    the photodetector's top-bottom voltage (``Extend T-B(V)``) and whose header lacks the light
    lever gain and force constant.
    """
    missing = " and ".join(keys or ("sensitivity", "spring constant"))
    how = (
        "--sensitivity and --spring-constant with solidna analyze, or read_force_curves(path, "
        "sensitivity=..., spring_constant_N_m=... [N/m]) in Python"
    )
    if p.suffix.lower() == ".csv":
        return (
            f"{p}: an AFM Workshop force curve whose deflection is the photodetector voltage "
            f"('T-B(V)' columns), and the file does not record the {missing} that turn it into "
            f"a force. Give them: {how}, with the sensitivity in m/V; or export the curve again "
            "with the force in nN ('Extend Force(nN)' columns) or with the header's 'Light Lever "
            "Gain, mV/nm' and 'Force Constant, nN/nm' set."
        )
    if p.suffix.lower() == ".txt":
        return (
            f"{p}: afmformats reads a numeric .txt as an NT-MDT Nova export (height [nm], "
            "approach and retract deflection [nA]), which records neither the deflection "
            f"sensitivity nor the spring constant. Give the {missing}: {how}, with the "
            "sensitivity in m/A. If the file is another instrument's text export, save the "
            "curve in its native format instead."
        )
    return (
        f"{p}: afmformats needs the {missing}, which the file does not record, to turn the "
        f"deflection into a force. Give them: {how}."
    )


def _curves(data, p: Path) -> list[ForceCurve]:
    curves = []
    for k, d in enumerate(data):
        if "force" not in d.columns:
            raise DataFormatError(f"{p}: curve {k + 1} has no force column; is it calibrated?")
        hcol = "height (measured)" if "height (measured)" in d.columns else "height (piezo)"
        a, r = d.appr, d.retr
        meta = {
            k2: d.metadata[k2] for k2 in d.metadata if isinstance(d.metadata[k2], (int, float, str))
        }
        x, y = d.metadata.get("position x"), d.metadata.get("position y")
        ha, fa = np.asarray(a[hcol], float), np.asarray(a["force"], float)
        hr, fr = np.asarray(r[hcol], float), np.asarray(r["force"], float)
        if len(hr) == 0 and len(ha) > 40:
            # one segment (e.g. an Igor wave without segment marks): split at the turning point,
            # the lowest base position
            turn = int(np.argmin(ha))
            if 10 < turn < len(ha) - 10:
                ha, fa, hr, fr = ha[: turn + 1], fa[: turn + 1], ha[turn:], fa[turn:]
                meta["segments"] = "split at the lowest height (no segment marks in the file)"
        curves.append(
            ForceCurve(
                ha,
                fa,
                hr,
                fr,
                d.metadata.get("spring constant"),
                None if x is None or y is None else (float(x), float(y)),
                int(d.metadata.get("enum", k)),
                p,
                meta,
            )
        )
    if not curves:
        raise DataFormatError(f"{p}: no force curves in the file.")
    return curves


def indentation_force(
    indenter: str,
    delta_m: np.ndarray,
    youngs_modulus_Pa: float,
    *,
    poisson: float = 0.5,
    tip_radius_m: float = 10e-6,
    half_angle_deg: float = 17.5,
) -> np.ndarray:
    """Force [N] of an indenter at indentations ``delta_m`` [m] (zero where ``delta <= 0``).

    Parameters
    ----------
    indenter : str
        Geometry, one of :data:`INDENTERS`: ``"paraboloid"`` (Hertz), ``"cone"`` (Sneddon),
        ``"pyramid"`` (Bilodeau, four-sided), ``"sphere"`` (Sneddon, exact) or ``"dmt"`` (the
        paraboloid law; the adhesion offset is not added here).
    delta_m : array_like of float
        Indentation depth [m] (positive into the sample).
    youngs_modulus_Pa : float
        Young's modulus of the sample [Pa].
    poisson : float, optional
        Poisson ratio of the sample [-], in [0, 0.5] (default 0.5, incompressible).
    tip_radius_m : float, optional
        Tip radius [m] of the paraboloid, sphere and DMT models (default 10 um).
    half_angle_deg : float, optional
        Half opening angle [deg] of the cone and pyramid (default 17.5 deg).

    Returns
    -------
    numpy.ndarray of float
        Force [N] at each indentation, same shape as ``delta_m``.

    Raises
    ------
    InvalidOptionError
        Unknown ``indenter``, or ``poisson`` outside [0, 0.5].
    DataFormatError
        Sphere: an indentation reaches the tip radius.
    """
    indenter = check_choice("indenter", indenter, INDENTERS)
    return youngs_modulus_Pa * _shape(
        indenter, np.asarray(delta_m, float), poisson, tip_radius_m, half_angle_deg
    )


def _sphere_shape(d: np.ndarray, r: float) -> np.ndarray:
    # invert delta = a/2 ln((R+a)/(R-a)) for the contact radius a (monotonic in a) by bisection
    lo = np.zeros_like(d)
    hi = np.full_like(d, r * (1 - 1e-12))
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        val = 0.5 * mid * np.log((r + mid) / (r - mid))
        big = val > d
        hi = np.where(big, mid, hi)
        lo = np.where(big, lo, mid)
    a = 0.5 * (lo + hi)
    f = 0.5 * ((a * a + r * r) * np.log((r + a) / (r - a)) - 2 * a * r)
    return np.where(d > 0, np.maximum(f, 0.0), 0.0)  # round-off near a = 0


def _shape(indenter: str, delta: np.ndarray, nu: float, radius: float, angle_deg: float):
    """Force per unit Young's modulus [N/Pa]."""
    if not 0 <= nu < 0.5 + 1e-12:
        raise InvalidOptionError(f"Poisson ratio {nu} must lie in [0, 0.5].")
    d = np.clip(delta, 0.0, None)
    eff = 1.0 / (1.0 - nu * nu)
    tan = math.tan(math.radians(angle_deg))
    if indenter in ("paraboloid", "dmt"):
        return eff * 4.0 / 3.0 * math.sqrt(radius) * d * np.sqrt(d)
    if indenter == "cone":
        return eff * 2.0 / math.pi * tan * d * d
    if indenter == "pyramid":
        return eff * PYRAMID_FACTOR * tan * d * d
    if d.size and d.max() >= radius:
        raise DataFormatError(
            f"indentation {d.max():.3g} m exceeds the sphere radius {radius:.3g} m; use a "
            "larger --tip-radius or the paraboloid model."
        )
    return eff * _sphere_shape(d, radius)


@dataclass
class ContactFit:
    """Result of :func:`fit_contact` (SI units)."""

    youngs_modulus_Pa: float
    contact_point_m: float
    indenter: str
    baseline_N: float
    baseline_noise_N: float
    rms_residual_N: float
    max_indentation_m: float
    adhesion_N: float | None
    flags: list[str]
    separation_m: np.ndarray
    force_N: np.ndarray
    model_N: np.ndarray

    @property
    def ok(self) -> bool:
        return not self.flags

    def summary(self) -> dict[str, Any]:
        """The fit results as a dict with unit-bearing keys (e.g. ``"Young's modulus [Pa]"``).

        Returns
        -------
        dict
            Indenter, modulus [Pa], contact point [m], max indentation [m], baseline force,
            noise, rms residual and adhesion [N], and the quality flags.
        """
        return {
            "indenter": self.indenter,
            "Young's modulus [Pa]": self.youngs_modulus_Pa,
            "contact point [m]": self.contact_point_m,
            "max indentation [m]": self.max_indentation_m,
            "baseline force [N]": self.baseline_N,
            "baseline noise [N]": self.baseline_noise_N,
            "rms residual [N]": self.rms_residual_N,
            "adhesion [N]": self.adhesion_N,
            "flags": list(self.flags),
        }


def _contact_index(z: np.ndarray, force: np.ndarray, fraction: float, where: str):
    """First point of the final sustained rise of the approach, the force offset and the noise.

    A straight line through the far part of the approach (its first half) takes up a slow drift
    (hydrodynamic drag, virtual deflection); the contact is where the force leaves it for good by
    :data:`CONTACT_SIGMAS` standard deviations. The offset is the mean force over the
    ``fraction`` of points just before that point (the zero of force at contact).
    """
    n = len(force)
    half = max(n // 2, 5)
    coef = np.polyfit(z[:half], force[:half], 1)
    resid = force - np.polyval(coef, z)
    sd = float(np.std(resid[:half]))
    above = resid > CONTACT_SIGMAS * max(sd, 1e-300)
    if above[-1] and above.sum() >= 10:
        idx = n - int(np.argmax(~above[::-1])) if not above.all() else 0
    else:
        idx = n
    if n - idx < 10:
        raise DataFormatError(
            f"{where}: no contact - the approach force never rises {CONTACT_SIGMAS:g} standard "
            f"deviations ({CONTACT_SIGMAS * sd:.3g} N) above its baseline for 10 points or more. "
            "Was the surface reached?"
        )
    window = force[max(0, idx - max(5, int(fraction * n))) : max(idx, 5)]
    return idx, float(np.mean(window)), float(np.std(window))


def _baseline(force: np.ndarray, fraction: float) -> tuple[float, float]:
    n = max(5, int(len(force) * fraction))
    base = force[:n]
    return float(np.mean(base)), float(np.std(base))


def fit_contact(
    curve: ForceCurve,
    indenter: str = "paraboloid",
    *,
    poisson: float = 0.5,
    tip_radius_m: float = 10e-6,
    half_angle_deg: float = 17.5,
    baseline_fraction: float = BASELINE_FRACTION,
    max_indentation_m: float | None = None,
) -> ContactFit:
    """Young's modulus and contact point of one curve.

    The force offset is the mean of a window of ``baseline_fraction`` of the approach just
    before the contact point (refined with it, up to three times), so a drifting far-field
    baseline does not bias it. The model ``F = E s(cp - tip)`` is fitted to the approach (``dmt``: the
    retract, offset by the adhesion) with ``cp`` searched over the contact region and ``E``
    solved linearly for each ``cp``.

    Parameters
    ----------
    curve : ForceCurve
        The curve (SI units), with at least 20 approach points; the tip position (base height
        corrected by ``F/k``) is used when the spring constant is known.
    indenter : str, optional
        Contact model, one of :data:`INDENTERS` (default ``"paraboloid"``; ``"dmt"`` fits the
        retract curve).
    poisson : float, optional
        Poisson ratio of the sample [-], in [0, 0.5] (default 0.5).
    tip_radius_m : float, optional
        Tip radius [m] of the paraboloid, sphere and DMT models (default 10 um).
    half_angle_deg : float, optional
        Half opening angle [deg] of the cone and pyramid, in (0, 90) (default 17.5 deg).
    baseline_fraction : float, optional
        Share [-] of the approach points, just before the contact, whose mean force is the
        zero of force (default :data:`BASELINE_FRACTION`, 0.1; at least 5 points).
    max_indentation_m : float, optional
        Fit only the points indented by at most this depth [m] (default: all points in
        contact).

    Returns
    -------
    ContactFit
        Young's modulus [Pa], contact point [m], force offset and noise [N], rms residual [N],
        largest indentation [m], adhesion [N], the fitted separation [m], force and model [N],
        and ``flags`` (empty when the fit looks sound).

    Raises
    ------
    DataFormatError
        The curve never touches the surface (force never rises above the baseline noise), or
        has fewer than 20 approach points.
    InvalidOptionError
        Unknown ``indenter``, or a tip radius, half angle or Poisson ratio out of range.
    """
    indenter = check_choice("indenter", indenter, INDENTERS)
    positive_float(tip_radius_m, "tip radius", "m")
    positive_float(half_angle_deg, "half angle", "degrees")
    if not 0 < half_angle_deg < 90:
        raise InvalidOptionError(f"half angle must lie in (0, 90) degrees; got {half_angle_deg}.")
    where = f"{curve.source or 'curve'} #{curve.index}"
    f_raw = curve.approach_force_N
    if len(f_raw) < 20:
        raise DataFormatError(f"{where}: {len(f_raw)} approach points; need at least 20.")
    z_app = curve.tip("approach")
    idx, base, noise = _contact_index(z_app, f_raw, baseline_fraction, where)
    direction = 1.0 if z_app[0] > z_app[-1] else -1.0  # towards the surface
    n_base = max(5, int(baseline_fraction * len(f_raw)))

    def one_pass(base: float, near: float | None = None):
        f_app = f_raw - base
        f_ret = curve.retract_force_N - base
        adh = float(-np.min(f_ret)) if len(f_ret) else None
        if indenter == "dmt":
            # the retract, time-reversed (surface last), from the pull-off inwards, lifted by the
            # adhesion: F + F_adh = Hertz (DMT)
            z_r, f_r = curve.tip("retract")[::-1], f_ret[::-1]
            pull = int(np.argmin(f_r))
            z, f = z_r[pull:], f_r[pull:] + (adh or 0.0)
            idx_fit = 0
        else:
            z, f = z_app, f_app
            idx_fit = idx
        reach = max(abs(float(z[idx_fit]) - float(z[-1])), 1e-12)

        def project(cp: float, zz: np.ndarray = z, fz: np.ndarray = f):
            """E solved linearly at the contact point ``cp``; the squared residual."""
            delta = direction * (cp - zz)
            use = slice(None) if max_indentation_m is None else delta <= max_indentation_m
            s = _shape(indenter, delta[use], poisson, tip_radius_m, half_angle_deg)
            ff = fz[use]
            ss = float(np.dot(s, s))
            sf = float(np.dot(s, ff))
            e = sf / ss if ss > 0 else 0.0
            # ||f - e s||^2 = ||f||^2 - (s.f)^2 / (s.s) at the optimum e
            return e, float(np.dot(ff, ff)) - (sf * e if ss > 0 else 0.0)

        from scipy.optimize import minimize_scalar

        # the contact point lies within one contact-region length of the first sustained rise
        if near is None:
            grid = float(z[idx_fit]) + direction * np.linspace(-reach, reach, 41)
        else:  # a refinement: the contact point moves little when the offset is corrected
            grid = near + direction * np.linspace(-0.1 * reach, 0.1 * reach, 11)
        # points farther than every candidate are out of contact for all of them: their cost
        # is the same constant, so the search leaves them out (a long approach costs nothing)
        far = float(np.max(direction * grid))
        inside = direction * z < far
        zi, fi = z[inside], f[inside]
        costs = [project(c, zi, fi)[1] for c in grid]
        k = int(np.argmin(costs))
        a2, b2 = sorted((grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]))
        best = minimize_scalar(
            lambda c: project(c, zi, fi)[1],
            bounds=(a2, b2),
            method="bounded",
            options={"xatol": 1e-5 * reach},
        )
        cp = float(best.x)
        e, cost = project(cp)
        return base, f_ret, adh, z, f, project, best, k, cp, e, cost, len(grid)

    # The force offset is the mean just before the contact; the first estimate of the contact
    # (a threshold) comes late for a slowly rising curve (cone, pyramid), so the offset is taken
    # again before the fitted contact point until it settles.
    result = one_pass(base)
    for _ in range(3):
        if indenter == "dmt":
            break
        before = np.nonzero(direction * (z_app - result[8]) > 0)[0][-n_base:]
        if len(before) < 5:
            break
        new_base = float(np.mean(f_raw[before]))
        if abs(new_base - result[0]) <= 1e-3 * max(noise, 1e-300):
            break
        result = one_pass(new_base, near=result[8])
    base, f_ret, adh, z, f, project, best, k, cp, e, cost, n_grid = result
    delta = direction * (cp - z)
    model = e * _shape(indenter, delta, poisson, tip_radius_m, half_angle_deg)
    flags = []
    if not e > 0:
        flags.append("modulus not positive: the curve does not look like an indentation")
    if not best.success:
        flags.append("contact-point search did not converge")
    if k in (0, n_grid - 1):
        flags.append("contact point at the edge of the search range")
    rms = math.sqrt(cost / max(len(f), 1))
    if rms > 0.2 * float(np.max(np.abs(f))):
        flags.append(f"poor fit: rms residual {rms:.3g} N is > 20 % of the peak force")
    return ContactFit(
        youngs_modulus_Pa=e,
        contact_point_m=cp,
        indenter=indenter,
        baseline_N=base,
        baseline_noise_N=noise,
        rms_residual_N=rms,
        max_indentation_m=float(np.max(delta)),
        adhesion_N=adh,
        flags=flags,
        separation_m=-delta,
        force_N=f,
        model_N=model,
    )


def adhesion(curve: ForceCurve, baseline_fraction: float = BASELINE_FRACTION) -> dict[str, float]:
    """Adhesion force [N] (baseline minus the retract minimum) and the pull-off tip position [m].

    Parameters
    ----------
    curve : ForceCurve
        The curve (SI units); it must have a retract segment.
    baseline_fraction : float, optional
        Share [-] of the approach points, just before the contact, whose mean force is the
        zero of force (default :data:`BASELINE_FRACTION`, 0.1); without a contact, the first
        share of the approach is used.

    Returns
    -------
    dict[str, float]
        ``"adhesion [N]"`` (zero or positive) and ``"pull-off tip position [m]"``.

    Raises
    ------
    DataFormatError
        The curve has no retract segment.
    """
    try:
        _, base, _ = _contact_index(
            curve.tip("approach"), curve.approach_force_N, baseline_fraction, ""
        )
    except DataFormatError:  # no contact: the far part of the approach is the zero
        base, _ = _baseline(curve.approach_force_N, baseline_fraction)
    f = curve.retract_force_N - base
    if not len(f):
        raise DataFormatError(f"{curve.source}: the curve has no retract segment.")
    k = int(np.argmin(f))
    return {
        "adhesion [N]": float(max(-f[k], 0.0)),
        "pull-off tip position [m]": float(curve.tip("retract")[k]),
    }


def film_thickness(
    separation_m: np.ndarray,
    force_N: np.ndarray,
    method: str = "breakthrough",
    *,
    min_jump_m: float = 0.5e-9,
    reference_rms_N: float | None = None,
) -> dict[str, Any]:
    """Thickness of a surface film from a force-separation curve in contact (Fig. 2e).

    Parameters
    ----------
    separation_m, force_N : array
        Tip-sample separation [m] (0 at the contact point, negative = indentation) and force
        [N] in time order of one segment.
    method : {"breakthrough", "stiffness"}
        ``breakthrough``: the largest jump of the separation towards the surface between two
        successive points in contact at no rise of force (the tip punches through the film);
        the thickness is the jump. ``stiffness``: two straight lines fitted to force against
        separation in contact; the thickness is the separation from the contact point to the
        kink where the slope changes (the tip reaches the stiffer substrate). A kink counts
        when the slope rises by :data:`STIFFENING_RATIO` and, given ``reference_rms_N`` (the rms
        residual of the smooth contact-model fit), the two lines fit at least twice as well.

    Returns
    -------
    dict
        ``thickness [m]``, ``at force [N]``, ``method`` and ``found`` (False with a reason when
        no event is found: the result is flagged, never a silent number).
    """
    method = check_choice("film-thickness method", method, ("breakthrough", "stiffness"))
    s = np.asarray(separation_m, float)
    f = np.asarray(force_N, float)
    contact = s <= 0
    if contact.sum() < 10:
        return {
            "method": method,
            "thickness [m]": None,
            "found": False,
            "reason": "fewer than 10 points in contact",
        }
    if method == "breakthrough":
        ds = np.diff(s)
        df = np.diff(f)
        ok = contact[1:] & contact[:-1] & (df <= 0)
        if not np.any(ok):
            return {"method": method, "thickness [m]": None, "found": False, "reason": "no jump"}
        jumps = np.where(ok, -ds, 0.0)
        k = int(np.argmax(jumps))
        if jumps[k] < min_jump_m or jumps[k] < 10 * float(np.median(np.abs(ds[contact[1:]]))):
            return {
                "method": method,
                "thickness [m]": None,
                "found": False,
                "reason": f"largest jump {jumps[k]:.3g} m is not a breakthrough",
            }
        return {
            "method": method,
            "thickness [m]": float(jumps[k]),
            "at force [N]": float(f[k]),
            "found": True,
        }
    sc, fc = s[contact], f[contact]
    order = np.argsort(-sc)  # from the contact point inwards
    sc, fc = sc[order], fc[order]
    best = _best_split(sc, fc)
    k = best[1]
    slope = [np.polyfit(sc[p], fc[p], 1)[0] for p in (slice(0, k), slice(k, None))]
    rms_two = math.sqrt(best[0] / len(sc))
    # a Hertzian curve stiffens smoothly (F ~ delta^1.5) and two lines fit it too; a film on a
    # stiffer substrate is a kink: the two lines must beat the smooth contact model clearly
    found = abs(slope[1]) > STIFFENING_RATIO * abs(slope[0]) and (
        reference_rms_N is None or rms_two < 0.5 * reference_rms_N
    )
    return {
        "method": method,
        "thickness [m]": float(-sc[k]) if found else None,
        "stiffness film [N.m-1]": float(-slope[0]),
        "stiffness substrate [N.m-1]": float(-slope[1]),
        "found": bool(found),
        **({} if found else {"reason": "no kink beyond the smooth stiffening of the contact"}),
    }


def _line_sse(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Residual sum of squares of a straight-line fit to every prefix ``x[:k], y[:k]``."""
    n = np.arange(1, len(x) + 1, dtype=float)
    sx, sy = np.cumsum(x), np.cumsum(y)
    sxx, sxy, syy = np.cumsum(x * x), np.cumsum(x * y), np.cumsum(y * y)
    vxx = sxx - sx * sx / n
    vxy = sxy - sx * sy / n
    vyy = syy - sy * sy / n
    with np.errstate(invalid="ignore", divide="ignore"):
        sse = vyy - np.where(vxx > 0, vxy * vxy / vxx, 0.0)
    return np.maximum(sse, 0.0)


def _best_split(x: np.ndarray, y: np.ndarray, margin: int = 5) -> tuple[float, int]:
    """(total SSE, k) of the best two-line split ``[:k]``/``[k:]`` (cumulative sums: O(n))."""
    head = _line_sse(x, y)  # head[k-1]: SSE of x[:k]
    tail = _line_sse(x[::-1], y[::-1])[::-1]  # tail[k]: SSE of x[k:]
    ks = np.arange(margin, len(x) - margin)
    total = head[ks - 1] + tail[ks]
    j = int(np.argmin(total))
    return float(total[j]), int(ks[j])


def _fit_one(args):
    curve, kwargs = args
    try:
        fit = fit_contact(curve, **kwargs)
        return fit.youngs_modulus_Pa, fit.contact_point_m, fit.adhesion_N, "; ".join(fit.flags)
    except DataFormatError as exc:
        return math.nan, math.nan, math.nan, str(exc)


def fit_force_map(
    curves: Sequence[ForceCurve],
    indenter: str = "paraboloid",
    *,
    workers: int = 1,
    progress=None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Fit every curve of a force map; a failed curve is recorded (NaN and its reason).

    Parameters
    ----------
    curves : sequence of ForceCurve
        The curves of the map (e.g. from :func:`read_force_curves`), SI units.
    indenter : str, optional
        Contact model, one of :data:`INDENTERS` (default ``"paraboloid"``).
    workers : int, optional
        Number of processes (default 1); more than one is used only for more than 50 curves.
    progress : callable, optional
        ``progress(message, fraction)`` called every 100 curves, ``fraction`` in [0, 1]
        (default: none).
    **kwargs
        Passed to :func:`fit_contact`: ``poisson`` [-], ``tip_radius_m`` [m],
        ``half_angle_deg`` [deg], ``baseline_fraction`` [-], ``max_indentation_m`` [m].

    Returns
    -------
    pandas.DataFrame
        One row per curve: ``Index``, ``x [m]``, ``y [m]``, ``Young's modulus [Pa]``,
        ``Contact point [m]``, ``Adhesion [N]``, ``Flag``.
    """
    from solidna.progress import no_progress

    progress = progress or no_progress
    jobs = [(c, dict(indenter=indenter, **kwargs)) for c in curves]
    results = []
    with ExitStack() as stack:
        if workers > 1 and len(jobs) > 50:
            from concurrent.futures import ProcessPoolExecutor

            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers))
            outcomes = pool.map(_fit_one, jobs, chunksize=max(1, len(jobs) // (8 * workers)))
        else:
            outcomes = map(_fit_one, jobs)
        for k, r in enumerate(outcomes):
            results.append(r)
            if k % 100 == 0:
                progress(f"fitted {k + 1}/{len(jobs)} curves", (k + 1) / len(jobs))
    progress(f"fitted {len(jobs)} curves", 1.0)
    rows = []
    for c, (e, cp, adh, flag) in zip(curves, results, strict=True):
        x, y = c.position_m or (math.nan, math.nan)
        rows.append(
            {
                "Index": c.index,
                "x [m]": x,
                "y [m]": y,
                "Young's modulus [Pa]": e,
                "Contact point [m]": cp,
                "Adhesion [N]": adh,
                "Flag": flag,
            }
        )
    return pd.DataFrame(rows)


def modulus_grid(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The map as a 2-D array (rows: y, columns: x) with its x and y axes [m]."""
    xs = np.unique(table["x [m]"].to_numpy())
    ys = np.unique(table["y [m]"].to_numpy())
    grid = np.full((len(ys), len(xs)), np.nan)
    ix = np.searchsorted(xs, table["x [m]"].to_numpy())
    iy = np.searchsorted(ys, table["y [m]"].to_numpy())
    grid[iy, ix] = table["Young's modulus [Pa]"].to_numpy()
    return grid, xs, ys
