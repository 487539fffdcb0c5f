"""Peak fitting of an XPS region on lmfit: background, components, doublets, shared constraints;
:func:`fit_states` adds the chemical states a spin-orbit region's residual calls for (by the BIC).

>>> import numpy as np
>>> from solidna.analysis.xps.fit import Peak, XPSFit
>>> be = np.linspace(280, 295, 301)
>>> from solidna.analysis.xps.lineshapes import line_shape
>>> y = 100 + line_shape("gl_sum", be, 2000, 284.8, 1.2, 0.3)
>>> fit = XPSFit([Peak("C-C", 285.0)], background="linear").fit(be, y)
>>> round(float(fit.table_["Position [eV]"].iloc[0]), 2)
284.8
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.analysis.xps.lineshapes import (
    ASYMMETRY_RANGE,
    DS_CUTOFF_EV,
    METAL_SHAPES,
    SHAPES,
    _cumulative_area,
    _loss_integral,
    _loss_kernel,
    line_shape,
    linear_background,
    shirley,
    tougaard,
)
from solidna.errors import ConvergenceError, DataFormatError, InvalidOptionError, check_choice

__all__ = [
    "Peak",
    "XPSFit",
    "BACKGROUNDS",
    "guess_peaks",
    "read_peaks",
    "fit_quality",
    "fit_states",
    "fit_metal_lines",
]

#: Backgrounds of :class:`XPSFit`.
BACKGROUNDS = ("shirley", "tougaard-u3", "tougaard-u2", "linear", "none")
#: Bound on how far a free position may move from its start [eV]: beyond it the component is
#: describing another chemical state.
POSITION_WINDOW_EV = 2.0
#: A line whose area's standard error reaches this share of the area is not resolved by the
#: data (the fit would describe them as well without it): the fit is flagged.
AREA_RESOLVED = 1.0
#: Chance [-] that a fit of the right model to data with white (counting) noise is said to miss
#: the data somewhere: the residual test below is a scan over every energy window, each at
#: ``MISFIT_ALPHA / (number of windows)`` (Bonferroni), so a note is a true miss, not noise.
MISFIT_ALPHA = 1e-3
#: Smallest area [-] a systematic miss must hold, as a share of the fitted peak area, to be
#: named: below 0.5 % the quantification does not change (RSF uncertainties are 5-10 %).
MISFIT_MIN_SHARE = 0.005
#: The point-to-point scatter of the residual, relative to counting (Poisson) noise, within
#: which the counts are taken as raw counting statistics: outside it the file's "counts" were
#: scaled or smoothed, and the chi-square under counting noise would judge the export, not the
#: fit. The estimate (the remainder of the filter of :data:`SCATTER_WINDOW`) has a relative
#: standard error of about 1.75 / sqrt(points): 0.16 for 121 points, whose white-noise estimates
#: lie in 0.62-1.58 99.9 % of the time (simulated); a shorter region is judged less often.
POISSON_SCATTER_RANGE = (0.5, 1.5)
#: Points of the cubic Savitzky-Golay filter whose remainder is the residual's noise [-]: an
#: XPS line or a miss spans more (0.9 eV at the usual 0.1 eV step), counting noise does not.
SCATTER_WINDOW = 9
#: Largest lag-1 autocorrelation [-] of the second differences of that noise that is still white:
#: -0.66 for independent points (-0.48 at the 99.9th percentile of 121 of them); data smoothed
#: with a Gaussian-like kernel or interpolated come out higher, and their residual runs say
#: nothing about the model. (A box-car smoothing keeps it near -0.6 and is not detected; with the
#: counts known, the counting noise still bounds the scan below.)
WHITE_NOISE_D2_LAG1 = -0.45


@dataclass
class Peak:
    """One component (or spin-orbit doublet) of a region.

    Parameters
    ----------
    name : str
        Label (e.g. ``"C-C"``); a doublet's second line is ``name + " (2)"``.
    center_eV : float
        Start position [eV] (binding energy).
    fwhm_eV : float
        Start FWHM [eV].
    shape : str
        One of :data:`~solidna.analysis.xps.lineshapes.SHAPES` or
        :data:`~solidna.analysis.xps.lineshapes.METAL_SHAPES` (``"doniach_sunjic_gauss"``:
        the asymmetric line of a metal with a finite area; its ``fwhm_eV`` is that of the
        Voigt core, its position the edge of the line, below its maximum).
    mixing : float
        Lorentzian fraction (GL, pseudo-Voigt, Voigt, ``doniach_sunjic_gauss``) or asymmetry
        (``doniach_sunjic``).
    fix_mixing : bool
        Hold ``mixing`` (default True: GL(30) is the usual convention).
    asymmetry : float
        Start (or held) Doniach-Sunjic asymmetry ``alpha`` [-] of ``doniach_sunjic_gauss``,
        fitted within :data:`~solidna.analysis.xps.lineshapes.ASYMMETRY_RANGE`; not used by
        the other shapes.
    fix_asymmetry : bool
        Hold ``asymmetry`` (default False).
    splitting_eV, area_ratio : float, optional
        Spin-orbit doublet: second line at ``center + splitting`` with ``area_ratio`` times the
        area (0.5 for p, 2/3 for d, 3/4 for f), both held.
    fwhm_like, position_from : str, optional
        Share the FWHM of another peak; hold the position at ``position_from`` plus
        ``position_offset_eV``.
    fix_center : bool
        Hold the position.
    """

    name: str
    center_eV: float
    fwhm_eV: float = 1.2
    shape: str = "gl_sum"
    mixing: float = 0.3
    fix_mixing: bool = True
    splitting_eV: float | None = None
    area_ratio: float | None = None
    fwhm_like: str | None = None
    position_from: str | None = None
    position_offset_eV: float = 0.0
    fix_center: bool = False
    asymmetry: float = 0.1
    fix_asymmetry: bool = False


def _pname(name: str) -> str:
    # lmfit names are identifiers: the peak name made one, with a checksum of the name so that
    # two names alike but for punctuation stay apart (crc32, not hash(): the same in every run)
    safe = "".join(c if c.isalnum() else "_" for c in name)
    return f"p{safe}_{zlib.crc32(name.encode()) % 10**6}"


class XPSFit:
    """Fit a region: background first (from the data), then the components on lmfit.

    Parameters
    ----------
    peaks : sequence of Peak
        The components (a doublet is one Peak).
    background : str, optional
        One of :data:`BACKGROUNDS` (default ``"shirley"``, fitted with the peaks).
    edge_points : int, optional
        Points averaged at each end of the region for the background's end levels [-].
    max_nfev : int, optional
        Largest number of model evaluations of the optimiser [-].
    fwhm_range_eV : (float, float), optional
        Bounds of every line's FWHM [eV] (default 0.2-6 eV; :func:`fit_states` holds them to
        :data:`PHYSICAL_FWHM_EV`).

    Attributes after :meth:`fit`
    ----------------------------
    params_ : dict
        Best-fit values. ``table_``: one row per line (position, FWHM, area, shape, standard
        errors). ``background_``, ``envelope_``, ``components_`` (name -> array), ``residual_``.
    converged_ : bool
        lmfit's success flag, finite uncertainties and no parameter at a bound; the reasons when
        not are in ``flags_`` (a fit that fails is flagged, not silent).
    redchi_ : float
        Reduced chi-square (Poisson-shaped weights scaled to the point-to-point scatter).
    quality_ : dict
        How well the model describes the data, judged as XPS practice does (numbers of the fit
        unchanged): ``"verdict"`` (``"good"``, ``"poor"`` or ``"not judged"``), the reduced
        chi-square under counting noise where the counts are known, the Durbin-Watson
        statistic of the residual, the energy ranges the envelope misses systematically and
        ``"notes"`` (what to try there: another component, a doublet). See
        :func:`fit_quality`.
    bic_ : float
        Bayesian information criterion of the fit, ``n ln(chi2 / n) + k ln n`` [-].
    notes_ : list of str
        How the model was built: each component :func:`fit_states` added, with the fall of the
        BIC that justified it (empty for a model given as is).
    """

    def __init__(
        self,
        peaks: Sequence[Peak],
        background: str = "shirley",
        *,
        edge_points: int = 5,
        max_nfev: int = 4000,
        fwhm_range_eV: tuple[float, float] = (0.2, 6.0),
    ):
        self.peaks = list(peaks)
        if not self.peaks:
            raise InvalidOptionError("XPSFit needs at least one Peak.")
        self.background = check_choice("background", background, BACKGROUNDS)
        names = [p.name for p in self.peaks]
        if len(set(names)) != len(names):
            raise InvalidOptionError(f"peak names must be unique; got {names}.")
        for p in self.peaks:
            check_choice(f"shape of {p.name}", p.shape, SHAPES + METAL_SHAPES)
            low_a, high_a = ASYMMETRY_RANGE
            if p.shape in METAL_SHAPES and not low_a <= p.asymmetry <= high_a:
                raise InvalidOptionError(
                    f"asymmetry of {p.name} is {p.asymmetry!r}; the Doniach-Sunjic asymmetry of "
                    f"a metal lies in {low_a:g}-{high_a:g} (measured 0.03-0.23): give one there."
                )
            for ref in (p.fwhm_like, p.position_from):
                if ref is not None and ref not in names:
                    raise InvalidOptionError(
                        f"peak {p.name!r} refers to {ref!r}, which is not a peak; peaks: {names}."
                    )
        self.edge_points = int(edge_points)
        self.max_nfev = int(max_nfev)
        low, high = (float(v) for v in fwhm_range_eV)
        if not 0.0 < low < high:
            raise InvalidOptionError(
                f"fwhm_range_eV must be (low, high) with 0 < low < high [eV]; got {fwhm_range_eV}."
            )
        self.fwhm_range_eV = (low, high)
        #: Sentences on how the model was built (components added by :func:`fit_states`).
        self.notes_: list[str] = []
        #: Names of single lines :func:`fit_states` put in a spin-orbit region where a partner
        #: would lie inside the window and none fits, or where ``species.toml`` puts a line of
        #: another level of the element (W 5p3/2 in W 4f): lines of another level (S 2s in
        #: Mo 3d), to be left out of the level's area.
        self.other_lines_: list[str] = []

    def _background(self, x, y):
        return _data_background(self.background, x, y, self.edge_points)

    @staticmethod
    def _step(x, peaks, kernel):
        if kernel is None:  # Shirley: cumulative peak area from the low-BE end
            return _cumulative_area(peaks, np.diff(x))
        return _loss_integral(x, peaks, kernel)

    def _lines(self, values: dict[str, float]):
        """(label, peak, area, center, fwhm, m) of every line, doublet partners included."""
        out = []
        for p in self.peaks:
            k = _pname(p.name)
            area, center = values[f"{k}_area"], values[f"{k}_center"]
            fwhm, m = values[f"{k}_fwhm"], values[f"{k}_m"]
            out.append((p.name, p, area, center, fwhm, m))
            if p.splitting_eV is not None:
                out.append(
                    (f"{p.name} (2)", p, area * p.area_ratio, center + p.splitting_eV, fwhm, m)
                )
        return out

    def _evaluate(self, x, values):
        return {
            label: line_shape(
                p.shape, x, a, c, w, m, asymmetry=values.get(f"{_pname(p.name)}_alpha", 0.0)
            )
            for label, p, a, c, w, m in self._lines(values)
        }

    @fill_doc
    def fit(
        self,
        energy_eV,
        intensity=None,
        *,
        counts_per_unit_s: float | None = None,
        level: str | None = None,
    ) -> XPSFit:
        """Fit ``intensity`` [cps] on ``energy_eV`` (or one :class:`XPSSpectrum`); returns self.

        Parameters
        ----------
        %(xps_region)s
        counts_per_unit_s : float, optional
            Counts per unit of intensity [s]: dwell time x number of scans for a rate, 1 for raw
            counts; it lets :attr:`quality_` judge the fit under counting noise. Default: from
            the spectrum's metadata (``dwell [s]`` and ``scans``, or raw counts), else unknown.
        level : str, optional
            Core level of the region (``"W 4f"``), for the doublet check of :attr:`quality_`.
            Default: from the spectrum's label and energies.

        Returns
        -------
        XPSFit
            This object, fitted.
        """
        import lmfit

        x, y, counts_per_unit_s, level = _region_data(
            energy_eV, intensity, counts_per_unit_s, level
        )
        if not np.any(y != 0):
            raise DataFormatError("the spectrum holds no counts (all zero); nothing to fit.")
        for p in self.peaks:
            if not x[0] <= p.center_eV <= x[-1]:
                raise InvalidOptionError(
                    f"peak {p.name!r} starts at {p.center_eV} eV, outside the region "
                    f"{x[0]:.2f}-{x[-1]:.2f} eV; give a start position inside it."
                )
        bg = self._background(x, y)
        net = y - bg
        # Poisson-shaped weights (noise ~ sqrt(intensity)), scaled by the point-to-point noise
        # (second differences remove the smooth signal: var(d2) = 6 var(noise)). The weights'
        # floor is 1e-3 of the largest intensity, as in fit_quality: a background-subtracted
        # reference padded with zeros (xpsdeeplearning's Ti references) gave its zero points an
        # almost infinite weight, and the fit put every line at zero area.
        noise = max(float(np.std(np.diff(y, 2))) / np.sqrt(6.0), 1e-9 * float(np.max(np.abs(y))))
        floor = 1e-3 * float(np.max(np.abs(y)))
        sigma = noise * np.sqrt(np.maximum(np.abs(y), floor) / max(np.mean(np.abs(y)), 1e-30))
        params = lmfit.Parameters()
        span = float(np.trapezoid(np.clip(net, 0, None), x))
        for p in self.peaks:
            k = _pname(p.name)
            near = np.abs(x - p.center_eV) < max(p.fwhm_eV, 3 * np.mean(np.diff(x)))
            height = float(np.max(net[near])) if np.any(near) else float(np.max(net))
            params.add(
                f"{k}_area",
                value=max(height * p.fwhm_eV * 1.06, span * 1e-3, 1e-9),
                min=0.0,
            )
            params.add(
                f"{k}_center",
                value=p.center_eV,
                min=max(p.center_eV - POSITION_WINDOW_EV, x[0]),
                max=min(p.center_eV + POSITION_WINDOW_EV, x[-1]),
                vary=not p.fix_center,
            )
            low, high = self.fwhm_range_eV
            params.add(f"{k}_fwhm", value=float(np.clip(p.fwhm_eV, low, high)), min=low, max=high)
            hi = 0.49 if p.shape == "doniach_sunjic" else 1.0
            params.add(f"{k}_m", value=min(p.mixing, hi), min=0.0, max=hi, vary=not p.fix_mixing)
            if p.shape in METAL_SHAPES:
                low_a, high_a = ASYMMETRY_RANGE
                params.add(
                    f"{k}_alpha",
                    value=float(np.clip(p.asymmetry, low_a, high_a)),
                    min=low_a,
                    max=high_a,
                    vary=not p.fix_asymmetry,
                )
        for p in self.peaks:
            k = _pname(p.name)
            if p.fwhm_like:
                params[f"{k}_fwhm"].expr = f"{_pname(p.fwhm_like)}_fwhm"
            if p.position_from:
                params[f"{k}_center"].set(min=-np.inf, max=np.inf)
                params[
                    f"{k}_center"
                ].expr = f"{_pname(p.position_from)}_center + {p.position_offset_eV!r}"

        active = self.background in ("shirley", "tougaard-u3", "tougaard-u2")
        if active:
            # "Active" background (Herrera-Gomez et al. 2014): the Shirley step (or Tougaard loss
            # tail) is made by the fitted peaks themselves, B = b0 + b1 S[peaks], with b0 and b1
            # solved by linear least squares at every step; the data-based background above only
            # gives the start. Peaks whose tails leave the region are then not cut by the
            # background.
            kernel = (
                _loss_kernel(x, self.background[-2:].upper())
                if self.background != "shirley"
                else None
            )

        def model_of(v):
            peaks = sum(self._evaluate(x, v).values())
            if not active:
                return peaks, bg
            step = self._step(x, peaks, kernel)
            basis = np.column_stack([np.ones_like(x), step]) / sigma[:, None]
            coef = np.linalg.lstsq(basis, (y - peaks) / sigma, rcond=None)[0]
            return peaks, coef[0] + coef[1] * step

        def residual(pars):
            peaks, background = model_of(pars.valuesdict())
            return (y - background - peaks) / sigma

        result = lmfit.minimize(residual, params, method="least_squares", max_nfev=self.max_nfev)
        values = result.params.valuesdict()
        bg = model_of(values)[1]
        self.result_ = result
        self.params_ = dict(values)
        self.energy_eV, self.intensity_ = x, y
        self.background_ = bg
        self.components_ = self._evaluate(x, values)
        self.envelope_ = bg + sum(self.components_.values())
        self.residual_ = y - self.envelope_
        self.redchi_ = float(result.redchi)
        # Bayesian information criterion of lmfit, n ln(chi2 / n) + k ln n: the weights depend
        # on the data alone, so two models of one region compare by it (fit_states)
        self.bic_ = float(result.bic)
        errors_ok = all(
            result.params[n].stderr is not None and np.isfinite(result.params[n].stderr)
            for n in result.params
            if result.params[n].vary
        )
        # a parameter stuck at a bound is a fit that wanted to go elsewhere (another state, a
        # wider line): flagged, never reported as a clean result
        self.flags_ = []
        for p in self.peaks:
            k = _pname(p.name)
            for what in ("center", "fwhm", "area"):
                par = result.params[f"{k}_{what}"]
                if not par.vary or par.expr:
                    continue
                span = max(abs(par.value), 1e-9) * 1e-6
                low = np.isfinite(par.min) and par.value - par.min <= span and what != "area"
                if low or (np.isfinite(par.max) and par.max - par.value <= span):
                    self.flags_.append(f"{what} of {p.name} at its bound ({par.value:.4g})")
        if not errors_ok:
            self.flags_.append("standard errors could not be estimated")
        else:
            for p in self.peaks:
                par = result.params[f"{_pname(p.name)}_area"]
                if par.vary and not par.expr and par.stderr >= AREA_RESOLVED * abs(par.value):
                    # the data do not fix this line: a shape the peak model cannot describe (a
                    # step such as a Fermi edge on an axis read as binding energy gave one
                    # "converged" peak of area 34 +- 47 cps.eV)
                    self.flags_.append(
                        f"area of {p.name} not determined by the data "
                        f"({par.value:.4g} +- {par.stderr:.2g})"
                    )
        if not result.success:
            self.flags_.append(f"lmfit: {result.message}")
        self.converged_ = not self.flags_
        rows = []
        lines_of = self._lines(values)
        for label, p, area, center, fwhm, m in lines_of:
            k = _pname(p.name)
            err = {
                n: result.params[f"{k}_{n}"].stderr for n in ("area", "center", "fwhm")
            }  # the second line of a doublet shares its parent's errors (scaled area)
            numeric = float(np.trapezoid(self.components_[label], x))
            rows.append(
                {
                    "Name": label,
                    "Shape": p.shape,
                    "Position [eV]": center,
                    "Position error [eV]": err["center"],
                    "FWHM [eV]": fwhm,
                    "FWHM error [eV]": err["fwhm"],
                    "Area [cps.eV]": area,
                    "Area in region [cps.eV]": numeric,
                    "Area error [cps.eV]": None
                    if err["area"] is None
                    else err["area"] * (area / values[f"{k}_area"] if values[f"{k}_area"] else 1),
                    "Mixing": m,
                }
            )
        if any(p.shape in METAL_SHAPES for p in self.peaks):
            # the column only where an asymmetric line is fitted: the tables of symmetric fits
            # stay as they were
            for row, (_, p, *_rest) in zip(rows, lines_of, strict=True):
                k = _pname(p.name)
                row["Asymmetry"] = values.get(f"{k}_alpha", np.nan)
                row["Asymmetry error"] = (
                    result.params[f"{k}_alpha"].stderr if f"{k}_alpha" in result.params else None
                )
        self.table_ = pd.DataFrame(rows)
        # active backgrounds solve two more coefficients (b0, b1) at every step
        nfree = len(x) - result.nvarys - (2 if active else 0)
        self.quality_ = fit_quality(
            x,
            y,
            self.envelope_,
            self.background_,
            nfree,
            counts_per_unit_s=counts_per_unit_s,
            level=level,
            lines=[(label, c, p.splitting_eV is not None) for label, p, _, c, _, _ in lines_of],
        )
        return self

    def check(self) -> XPSFit:
        """Raise :class:`ConvergenceError` unless the fit converged (for scripts that need it)."""
        if not getattr(self, "converged_", False):
            raise ConvergenceError(
                "the XPS fit did not converge ("
                + "; ".join(getattr(self, "flags_", ["not fitted"]))
                + "); check the start positions, the region and the number of peaks."
            )
        return self

    def plot(
        self, title: str = "", species: dict[str, str] | None = None, unit: str = "counts.s-1"
    ):
        """Data, background, components, envelope and residual (a matplotlib Figure).

        Parameters
        ----------
        title : str, optional
            Axes title.
        species : dict of str to str, optional
            Chemical species by component name, shown in the legend.
        unit : str, optional
            Intensity unit of the axis label (``"counts"`` for raw counts).

        Returns
        -------
        matplotlib.figure.Figure
            Intensity [counts/s] and residual against binding energy [eV].
        """
        from solidna.analysis._output import figure_axes, pretty_unit

        fig, (ax, axr) = figure_axes(
            (7, 5), 2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]}
        )
        x = self.energy_eV
        ax.plot(x, self.intensity_, "o", ms=2.5, color="0.35", label="data")
        ax.plot(x, self.background_, "--", lw=1, color="0.5", label=f"{self.background}")
        for label, comp in self.components_.items():
            line = ax.fill_between(x, self.background_, self.background_ + comp, alpha=0.35)
            tag = species.get(label) if species else None
            line.set_label(f"{label}" + (f" - {tag}" if tag else ""))
        ax.plot(x, self.envelope_, "-", lw=1.3, color="k", label="envelope")
        ax.set_ylabel(f"Intensity [{pretty_unit(unit)}]")
        # outside the axes: inside, the legend of a many-component fit hides the data
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_title(title)
        axr.plot(x, self.residual_, "-", lw=0.8)
        axr.axhline(0, color="0.5", lw=0.6)
        axr.set_ylabel(f"Residual [{pretty_unit(unit)}]")
        axr.set_xlabel("Binding energy [eV]")
        axr.invert_xaxis()
        return fig

    def summary(self) -> dict[str, Any]:
        """JSON-ready results."""
        return {
            "background": self.background,
            "converged": self.converged_,
            "flags": list(self.flags_),
            "reduced chi-square": self.redchi_,
            "fit quality": self.quality_,
            "components": self.table_.to_dict(orient="records"),
        }


def _data_background(background: str, x: np.ndarray, y: np.ndarray, edge_points: int):
    # the background estimated from the data alone (one of BACKGROUNDS, already checked)
    if background == "shirley":
        return shirley(x, y, edge_points=edge_points)
    if background.startswith("tougaard"):
        return tougaard(x, y, kind=background[-2:], edge_points=edge_points)
    if background == "linear":
        return linear_background(x, y, edge_points=edge_points)
    return np.zeros_like(y)


def _counts_per_unit(spectrum) -> float | None:
    """Counts per unit of a spectrum's intensity [s]: 1 for raw counts, dwell time x number of
    scans for a rate whose file states both (VAMAS; a text export's raw counts turned into a
    rate by the reader, ``counts per unit [s]``), else None (not known)."""
    if spectrum.intensity_unit == "counts":
        return 1.0
    meta = spectrum.metadata
    try:
        if meta.get("counts per unit [s]") is not None:
            k = float(meta["counts per unit [s]"])
        else:
            k = float(meta.get("dwell [s]")) * float(meta.get("scans"))
    except (TypeError, ValueError):
        return None
    return k if np.isfinite(k) and k > 0 else None


def _best_window(r: np.ndarray) -> tuple[float, int, int]:
    """The contiguous window ``r[i:j]`` whose sum is largest in size against its noise,
    ``sum / sqrt(j - i)`` (a scan statistic; N(0, 1) for every window of white unit noise):
    (statistic, i, j)."""
    c = np.concatenate([[0.0], np.cumsum(r)])
    best = (0.0, 0, 0)
    for width in range(1, len(r) + 1):
        s = (c[width:] - c[:-width]) / np.sqrt(width)
        k = int(np.argmax(np.abs(s)))
        if abs(s[k]) > abs(best[0]):
            best = (float(s[k]), k, k + width)
    return best


def fit_quality(
    energy_eV: np.ndarray,
    intensity: np.ndarray,
    envelope: np.ndarray,
    background: np.ndarray,
    nfree: int,
    *,
    counts_per_unit_s: float | None = None,
    level: str | None = None,
    lines: Sequence[tuple[str, float, bool]] = (),
) -> dict[str, Any]:
    """How well a fitted envelope describes an XPS region, judged as XPS practice does.

    Three checks, none of which changes the fit:

    * counting noise: with the counts known (``counts_per_unit_s``), the reduced chi-square
      under Poisson noise, ``sum((y - f)**2 / (f / k)) / nfree``, is 1 +- sqrt(2 / nfree) for a
      model that describes the data; it is used only when the residual's point-to-point scatter
      agrees with counting noise (:data:`POISSON_SCATTER_RANGE`), else the "counts" were scaled
      or smoothed and the number would judge the export;
    * residual structure: the residual in units of its own point-to-point scatter (what a
      cubic through :data:`SCATTER_WINDOW` points leaves, Poisson-shaped) gives the Durbin-Watson statistic (2 for independent points,
      lower for runs of one sign) and, by a scan over every energy window with a Bonferroni
      bound (:data:`MISFIT_ALPHA`), the ranges the envelope misses systematically; a range is
      named when it holds at least :data:`MISFIT_MIN_SHARE` of the fitted area, with what to
      try there (another component, the spin-orbit partner of a line, the background at a
      region end). Smoothed data (correlated scatter, :data:`WHITE_NOISE_D2_LAG1`) are not
      judged this way;
    * doublets: a region of a spin-orbit level (``species.toml`` ``[[doublets]]``) fitted with
      single lines is noted, with the split and area ratio to use.

    Parameters
    ----------
    energy_eV : numpy.ndarray
        Binding energy [eV], ascending.
    intensity, envelope, background : numpy.ndarray
        Data, fitted envelope (background included) and background [counts/s or counts].
    nfree : int
        Degrees of freedom of the fit [-] (points minus fitted parameters).
    counts_per_unit_s : float, optional
        Counts per unit of intensity [s] (dwell time x scans; 1 for raw counts); None when the
        file does not state them.
    level : str, optional
        Core level of the region (``"Mo 3d"``).
    lines : sequence of (str, float, bool)
        Every fitted line: label, position [eV], whether it belongs to a doublet.

    Returns
    -------
    dict
        ``"verdict"`` (``"good"``, ``"poor"``, ``"not judged"``), ``"counting noise"`` (the
        reduced chi-square under Poisson noise and whether it is used, or why not),
        ``"Durbin-Watson"`` [-], ``"misfits"`` (``from [eV]``, ``to [eV]``, ``at [eV]``,
        ``data`` above/below the envelope, ``significance [sigma]``, ``share of fitted area
        [-]``) and ``"notes"`` (sentences for a report).
    """
    from scipy.stats import norm

    from solidna.analysis.xps.species import doublet_of

    x = np.asarray(energy_eV, dtype=float)
    y = np.asarray(intensity, dtype=float)
    f = np.asarray(envelope, dtype=float)
    res = y - f
    n = len(x)
    notes: list[str] = []
    out: dict[str, Any] = {"verdict": "not judged", "misfits": [], "notes": notes}
    doublet = doublet_of(level)
    singles = [(label, c) for label, c, paired in lines if not paired]
    if doublet is not None and singles:
        notes.append(
            f"{doublet.level} is a spin-orbit doublet (second line {doublet.splitting_eV:g} eV "
            f"higher, area ratio {doublet.ratio_text}; {doublet.source}) but "
            f"{len(singles)} line(s) are fitted as single lines, whose split and area ratio are "
            f"free: fit doublets (Peak(splitting_eV={doublet.splitting_eV:g}, area_ratio="
            f"{doublet.area_ratio:.4g}), or splitting = {doublet.splitting_eV:g} and area_ratio "
            f"= {doublet.area_ratio:.4g} in a --peaks file)"
        )
        outside = [label for label, c in singles if c + doublet.splitting_eV > float(np.max(x))]
        if outside:
            # the automatic start peaks keep such a line single (guess_peaks): say why
            notes.append(
                f"the spin-orbit partner of {', '.join(repr(o) for o in outside)} lies above "
                f"the measured window (up to {float(np.max(x)):.2f} eV): its area and the "
                "doublet are not measured; widen the region to fit the doublet"
            )
    if n < 2 * SCATTER_WINDOW or nfree < 1:
        out["counting noise"] = {"judged": False, "reason": "too few points"}
        notes.append(
            f"{n} points for {n - nfree} fitted parameters: too few for the fit to be judged"
        )
        return out
    from scipy.signal import savgol_coeffs, savgol_filter

    # Poisson-shaped noise (variance ~ intensity), floored where the envelope nears zero
    shape = np.sqrt(np.maximum(np.abs(f), 1e-3 * max(float(np.max(np.abs(f))), 1e-300)))
    z = res / shape
    # the residual's fast part: z minus a cubic through SCATTER_WINDOW points (Savitzky-Golay).
    # A systematic miss is broader and stays out of it, so it measures the noise alone (second
    # differences of the residual itself took a large miss's curvature for correlated noise);
    # its variance is (1 - h0) times the noise's, h0 the filter's central weight
    half = SCATTER_WINDOW // 2
    h0 = float(savgol_coeffs(SCATTER_WINDOW, 3)[half])
    fast = (z - savgol_filter(z, SCATTER_WINDOW, 3))[half:-half]
    scale = float(np.std(fast)) / np.sqrt(1.0 - h0)
    if not scale > 0:
        out["counting noise"] = {"judged": False, "reason": "the residual is zero"}
        return out
    d2 = np.diff(fast, 2)
    lag1 = float(np.corrcoef(d2[:-1], d2[1:])[0, 1])
    out["scatter correlation [-]"] = lag1
    poor = False
    if counts_per_unit_s:
        k = float(counts_per_unit_s)
        redchi = float(np.sum(z**2)) * k / nfree
        scatter = scale**2 * k
        # 5 standard deviations of the reduced chi-square above what the point-to-point
        # scatter explains (counting noise, or the measured scatter where it is larger): a
        # chi-square above it is a model that misses the data, not noisier counts
        limit = (1.0 + 5.0 * np.sqrt(2.0 / nfree)) * max(1.0, scatter)
        low, high = POISSON_SCATTER_RANGE
        judged = bool(low <= scatter <= high)
        out["counting noise"] = {
            "counts per unit [s]": k,
            "reduced chi-square": redchi,
            "limit": float(limit),
            "scatter / counting noise": float(scatter),
            "judged": judged,
        }
        if not judged:
            out["counting noise"]["reason"] = (
                f"the counts scatter {scatter:.2g} times as much as counting noise implies "
                "(not raw counts: scaled or smoothed)"
            )
        elif redchi > limit:
            poor = True
            notes.append(
                f"reduced chi-square {redchi:.3g} under counting noise ({k:g} counts per unit "
                f"of intensity, from the file's dwell time and scans); a model that describes "
                f"the data gives 1 +- {np.sqrt(2.0 / nfree):.2g}, its points scatter "
                f"{scatter:.2g} times counting noise"
            )
    else:
        out["counting noise"] = {
            "judged": False,
            "reason": "the file states no dwell time and number of scans (counts = intensity x "
            "dwell x scans): judged against the measured point-to-point scatter instead",
        }
    if lag1 > WHITE_NOISE_D2_LAG1:
        notes.append(
            f"the point-to-point scatter is correlated (lag-1 correlation of its second "
            f"differences {lag1:.2f}; -0.67 for independent points): smoothed or interpolated "
            "data, whose residual runs do not judge the model"
        )
        if poor:
            out["verdict"] = "poor"
        return out
    if counts_per_unit_s:
        # smoothing keeps the sums of counts: over a window, the noise is at least counting
        # noise, however little the points scatter (a Kratos export scatters half as much)
        scale = max(scale, 1.0 / np.sqrt(float(counts_per_unit_s)))
    r = z / scale
    dw = float(np.sum(np.diff(r) ** 2) / np.sum(r**2))
    out["Durbin-Watson"] = dw
    threshold = float(norm.isf(MISFIT_ALPHA / (n * (n + 1))))
    out["misfit threshold [sigma]"] = threshold
    area = abs(float(np.trapezoid(f - np.asarray(background, dtype=float), x)))
    parts, misfits = [(0, n)], []
    while parts and len(misfits) < 3:
        start, stop = parts.pop(0)
        if stop - start < 2:
            continue
        stat, i, j = _best_window(r[start:stop])
        i, j = i + start, j + start
        if abs(stat) < threshold:
            continue
        share = float(np.trapezoid(res[i:j], x[i:j])) / area if area > 0 and j - i > 1 else 0.0
        parts += [(start, i), (j, stop)]
        if abs(share) < MISFIT_MIN_SHARE:
            continue
        sign = 1.0 if stat > 0 else -1.0
        at = float(x[i + int(np.argmax(sign * res[i:j]))])
        misfits.append(
            {
                "from [eV]": float(x[i]),
                "to [eV]": float(x[j - 1]),
                "at [eV]": at,
                "data": "above" if sign > 0 else "below",
                "significance [sigma]": abs(stat),
                "share of fitted area [-]": share,
            }
        )
        notes.append(
            f"the envelope misses the data at {x[i]:.2f}-{x[j - 1]:.2f} eV (data "
            f"{'above' if sign > 0 else 'below'} it, most at {at:.2f} eV; "
            f"{100 * abs(share):.1f} % of the fitted area, {abs(stat):.0f} sigma of the "
            f"point-to-point scatter, {threshold:.1f} needed): "
            + _what_to_try(sign, at, i == 0, j == n, singles, doublet)
        )
    out["misfits"] = sorted(misfits, key=lambda m: m["from [eV]"])
    out["verdict"] = "poor" if (poor or misfits) else "good"
    return out


def _what_to_try(sign, at, low_end, high_end, singles, doublet) -> str:
    """What to try where the envelope misses the data (for :func:`fit_quality`)."""
    if low_end or high_end:
        return (
            f"at the {'low' if low_end else 'high'} binding-energy end of the region the "
            "background does not follow the data (an end point on a loss feature or on the "
            "tail of a line outside the region): widen the region or try another background"
        )
    if sign < 0:
        return (
            "a component too wide or misplaced there, a symmetric shape on an asymmetric "
            "(metallic) line, a background above the data, or one component too many"
        )
    if doublet is not None:
        split = doublet.splitting_eV
        tol = max(0.5, 0.25 * split)
        for label, c in singles:
            for partner in (c + split, c - split):
                if abs(at - partner) <= tol:
                    return (
                        f"the spin-orbit partner of the line {label!r} at {c:.2f} eV (expected "
                        f"at {partner:.2f} eV): fit it as a {doublet.level} doublet, split "
                        f"{split:g} eV, area ratio {doublet.ratio_text}"
                    )
        return (
            f"another component near {at:.2f} eV (a {doublet.level} doublet: split {split:g} "
            f"eV, area ratio {doublet.ratio_text})"
        )
    return f"another component near {at:.2f} eV"


def guess_peaks(
    energy_eV: np.ndarray,
    intensity: np.ndarray,
    *,
    background: str = "shirley",
    max_peaks: int = 6,
    min_prominence: float = 0.05,
    level: str | None = None,
) -> list[Peak]:
    """Start peaks for an unknown region: prominent maxima of the background-subtracted data.

    A shoulder is not a maximum; give the peaks explicitly (``Peak`` list) for a region whose
    components overlap strongly.

    For a spin-orbit level (``level`` listed in ``species.toml`` ``[[doublets]]``: W 4f, Mo 3d,
    Sn 3d, Cl 2p, S 2p, ...) the start peaks are doublets with the table's splitting and area
    ratio, as a researcher fits such a level (see :func:`_pair_doublets`):

    * a maximum with a partner maximum at its position + splitting (within half the mean
      half-height width of the two, :data:`DOUBLET_POSITION_TOLERANCE`) and a height compatible
      with the area ratio (:data:`DOUBLET_HEIGHT_FACTOR`) becomes one doublet centred at the
      lower-binding-energy line (j = l + 1/2); the partner maximum is not a peak of its own;
    * a maximum with no partner maximum, but data at its position + splitting high enough to
      hide the partner (under another line, or unresolved as in S 2p or P 2p, where the
      maximum is the envelope of both lines), is still a doublet: its start position and FWHM
      are those of the doublet whose envelope has that maximum and width;
    * failing that, a maximum with data high enough at its position - splitting is the
      j = l - 1/2 line of a doublet whose stronger line hides under another line (the
      doublet starts there, unless it is already a start peak);
    * a maximum with room for neither partner inside the measured window (the partner would
      lie outside it, e.g. a window holding Sn 3d5/2 alone) stays a single line: the data hold
      no trace of the partner, and a doublet would add an area nobody measured to the
      quantification (:func:`fit_quality` notes a partner above the window).

    Parameters
    ----------
    energy_eV : array_like of float
        Binding energies of the region, ascending [eV].
    intensity : array_like of float
        Measured intensity at each energy [cps].
    background : str, optional
        Background subtracted before the search: one of :data:`BACKGROUNDS` (default
        ``"shirley"``).
    max_peaks : int, optional
        Largest number of peaks returned, the highest first kept (default 6).
    min_prominence : float, optional
        Smallest prominence of a maximum as a fraction [-] of the highest point of the smoothed
        background-subtracted data (default 0.05); a maximum must also stand 5 standard
        deviations above the counting noise.
    level : str, optional
        Core level of the region (``"Mo 3d"``, ``"Sn 3d5/2"``; e.g. from
        :func:`solidna.analysis.xps.species.level_of`). Default None: single lines. A level
        that is not a doublet (C 1s, O 1s, N 1s, ...) gives the same start peaks as None.

    Returns
    -------
    list of Peak
        Start peaks in ascending binding energy, named ``"<position> eV"``, each with the
        default shape and a start FWHM [eV] from the half-height width (clipped to 0.5-4 eV);
        doublets (``splitting_eV``, ``area_ratio``) for a doublet level as above.
        The highest point alone when no maximum is prominent enough.

    Raises
    ------
    DataFormatError
        The region holds no intensity above its background.
    """
    import warnings

    from scipy.signal import find_peaks, peak_widths

    x = np.asarray(energy_eV, dtype=float)
    y = np.asarray(intensity, dtype=float)
    background = check_choice("background", background, BACKGROUNDS)
    net = y - _data_background(background, x, y, 5)
    smooth = np.convolve(net, np.ones(5) / 5, mode="same")
    top = float(np.max(smooth))
    if top <= 0:
        raise DataFormatError("the region holds no peak above its background.")
    # a maximum counts when it stands out of the counting noise (5 sigma of the 5-point mean)
    noise = float(np.std(np.diff(y, 2))) / np.sqrt(6.0) / np.sqrt(5.0)
    idx, _ = find_peaks(smooth, prominence=max(min_prominence * top, 5.0 * noise))
    if len(idx) == 0:
        idx = np.array([int(np.argmax(smooth))])
    idx = idx[np.argsort(smooth[idx])[::-1]][:max_peaks]
    with warnings.catch_warnings():
        # the fallback maximum (no prominent peak) has no defined width: clipped below
        warnings.simplefilter("ignore", RuntimeWarning)  # scipy's PeakPropertyWarning
        widths = peak_widths(smooth, idx, rel_height=0.5)[0] * float(np.mean(np.diff(x)))
    from solidna.analysis.xps.species import doublet_of

    doublet = doublet_of(level)
    if doublet is not None:
        return _pair_doublets(x, smooth, idx, widths, doublet)
    return [
        Peak(f"{x[i]:.1f} eV", float(x[i]), float(np.clip(w, 0.5, 4.0)))
        for i, w in sorted(zip(idx, widths, strict=True), key=lambda t: x[t[0]])
    ]


#: Largest distance [-], in units of the mean half-height width (FWHM) of the two maxima, between
#: a maximum and the position + splitting where its spin-orbit partner belongs, for the two to
#: be taken as one doublet: 0.5 FWHM is the half width at half maximum. A line's maximum moves
#: off its centre by overlap with a neighbour, but by less than that (further, the neighbour
#: dominates and the two maxima merge into one); a maximum further off is another component.
DOUBLET_POSITION_TOLERANCE = 0.5
#: Allowed factor [-] between a partner maximum's height relative to its line and the area ratio
#: of the doublet (equal widths give a height ratio equal to the area ratio). A factor of 2 each
#: way allows the broader j = l - 1/2 line (Coster-Kronig broadening) and the other lines and
#: background the two maxima stand on; beyond it the maximum belongs to another component.
DOUBLET_HEIGHT_FACTOR = 2.0


def _doublet_start(width_eV: float, split_eV: float, ratio: float) -> tuple[float, float]:
    """Start (FWHM [eV], offset [eV]) of a doublet whose envelope has one maximum of half-height
    width ``width_eV``: the lines' common FWHM and how far the maximum lies above the first
    line's centre. Two lines of the default shape (GL(30)) are summed for FWHMs 0.3-4 eV and the
    one whose envelope is as wide as measured is taken: for a resolved doublet the FWHM is the
    measured one and the offset 0, for an unresolved one (S 2p, P 2p, Si 2p) the maximum lies
    between the lines, near ``split * ratio / (1 + ratio)``, and the lines are narrower."""
    best = (np.inf, float(np.clip(width_eV, 0.5, 4.0)), 0.0)
    for w in np.linspace(0.3, 4.0, 75):
        u = np.arange(-3.0 * w, split_eV + 3.0 * w, 0.005)
        env = line_shape("gl_sum", u, 1.0, 0.0, w, 0.3) + line_shape(
            "gl_sum", u, ratio, split_eV, w, 0.3
        )
        k = int(np.argmax(env))
        above = env >= 0.5 * env[k]
        # the contiguous stretch above half height around the maximum
        lo = k - int(np.argmin(above[k::-1])) if not above[0] else 0
        hi = k + int(np.argmin(above[k:])) if not above[-1] else len(u) - 1
        miss = abs((u[hi] - u[lo]) - width_eV)
        if miss < best[0]:
            best = (miss, float(w), float(u[k]))
    return best[1], best[2]


def _pair_doublets(x, smooth, idx, widths, doublet) -> list[Peak]:
    """Doublet start peaks from the maxima ``idx`` (indices of ``x``) of a spin-orbit region;
    ``widths`` [eV] are their half-height widths (see :func:`guess_peaks`)."""
    split, ratio = doublet.splitting_eV, doublet.area_ratio
    step = abs(float(np.mean(np.diff(x))))
    maxima = sorted(
        (
            (int(i), float(w) if np.isfinite(w) and w > 0 else 1.2)
            for i, w in zip(idx, widths, strict=True)
        ),
        key=lambda t: x[t[0]],
    )
    order = np.argsort(x)
    lo_x, hi_x = float(x[order[0]]), float(x[order[-1]])

    def at(energy: float) -> float:
        # the smoothed background-subtracted data at an energy [eV]
        return float(np.interp(energy, x[order], smooth[order]))

    used: set[int] = set()
    peaks: list[Peak] = []
    for k, (i, w) in enumerate(maxima):
        if k in used:
            continue
        used.add(k)
        c, h = float(x[i]), float(smooth[i])
        best = None
        for m in range(k + 1, len(maxima)):
            j, wj = maxima[m]
            if m in used:
                continue
            off = abs(float(x[j]) - (c + split))
            tol = max(DOUBLET_POSITION_TOLERANCE * 0.5 * (w + wj), 2.0 * step)
            rel = float(smooth[j]) / h if h > 0 else np.inf
            compatible = ratio / DOUBLET_HEIGHT_FACTOR <= rel <= ratio * DOUBLET_HEIGHT_FACTOR
            if off <= tol and compatible and (best is None or off < best[0]):
                best = (off, m)
        # could the partner hide in the data at c + split (the maximum is the j = l + 1/2 line),
        # or its stronger partner at c - split (the maximum is the j = l - 1/2 line)? Only where
        # the data there reach the partner's height, within DOUBLET_HEIGHT_FACTOR
        upper = lo_x <= c + split <= hi_x and at(c + split) >= h * ratio / DOUBLET_HEIGHT_FACTOR
        lower = lo_x <= c - split <= hi_x and at(c - split) >= h / ratio / DOUBLET_HEIGHT_FACTOR
        if best is not None:
            # a resolved doublet: the lower line sets the start, the partner maximum goes
            used.add(best[1])
            center, fwhm = c, float(np.clip(w, 0.5, 4.0))
        elif upper:
            # no partner maximum: hidden under another line, or unresolved (the maximum is
            # the envelope of both lines)
            fwhm, offset = _doublet_start(w, split, ratio)
            center = max(c - offset, lo_x)
            fwhm = float(np.clip(fwhm, 0.5, 4.0))
        elif lower:
            # the j = l - 1/2 line of a doublet whose stronger line hides under another line
            # (MoO3 3d3/2 seen, its 3d5/2 merged with the 3d3/2 of Mo metal); none when that
            # doublet is already a start peak (the maximum is its partner, moved by a neighbour)
            center, fwhm = c - split, float(np.clip(w, 0.5, 4.0))
            if any(abs(p.center_eV - center) <= max(0.5 * w, 2.0 * step) for p in peaks):
                continue
        else:
            # no room for a partner inside the measured window (it lies outside, or the data
            # where it belongs are far below it): a single line, as the data show (see
            # guess_peaks; fit_quality notes a partner outside the window)
            peaks.append(Peak(f"{c:.1f} eV", c, float(np.clip(w, 0.5, 4.0))))
            continue
        peaks.append(Peak(f"{center:.1f} eV", center, fwhm, splitting_eV=split, area_ratio=ratio))
    # unique names (two starts may round to one label)
    seen: dict[str, int] = {}
    for p in peaks:
        seen[p.name] = seen.get(p.name, 0) + 1
        if seen[p.name] > 1:
            p.name = f"{p.name} #{seen[p.name]}"
    return sorted(peaks, key=lambda p: p.center_eV)


def _region_data(
    energy_eV, intensity, counts_per_unit_s: float | None, level: str | None
) -> tuple[np.ndarray, np.ndarray, float | None, str | None]:
    """Binding energies [eV] in ascending order, intensities [counts/s], counts per unit [s] and
    level of a region given as a spectrum (``intensity`` None: the last two from its metadata
    and label where not given) or as two arrays (sorted by energy)."""
    if intensity is None:
        from solidna.analysis.xps.species import level_of

        spectrum = energy_eV
        x, y = spectrum.binding_energy_eV, spectrum.intensity_cps
        if counts_per_unit_s is None:
            counts_per_unit_s = _counts_per_unit(spectrum)
        if level is None:
            level = level_of(spectrum.label, x)
        return x, y, counts_per_unit_s, level
    x = np.asarray(energy_eV, dtype=float)
    y = np.asarray(intensity, dtype=float)
    order = np.argsort(x)
    return x[order], y[order], counts_per_unit_s, level


#: FWHM range [eV] of one chemical state's line in :func:`fit_states`. Below 0.3 eV a line is
#: narrower than a laboratory spectrometer resolves (the monochromated Al K-alpha line alone is
#: 0.26 eV wide); above 3 eV it is wider than one chemical state of a solid (1-2 eV for oxides
#: and sulfides, up to about 2.5 eV at a high pass energy): such a line holds several states
#: (free one-doublet fits with a Shirley background of the shared MultiPak and xps_eis Mo 3d
#: regions give 2.4 and 5.2 eV; the xps_eis blocks read in their true energy order).
PHYSICAL_FWHM_EV = (0.3, 3.0)
#: Most components (chemical states; a doublet counts once) :func:`fit_states` fits in a region:
#: the states an analyst resolves in one level - Mo or W 0, 4+, 5+, 6+; S 2p sulfide,
#: polysulfide, sulfite, sulfate.
MAX_STATES = 4
#: Smallest fall of the Bayesian information criterion [-] for which :func:`fit_states` keeps
#: a new component: 10 is "very strong" evidence on the scale of Kass & Raftery (J. Am. Stat.
#: Assoc. 90, 773, 1995). With 3 more parameters (area, position, FWHM; the doublet's split
#: and ratio held) and ~400 points the chi-square must fall by ~28, which counting noise alone
#: gives about once in 10^4 trials even searching the whole region.
BIC_MIN_DECREASE = 10.0
#: Further BIC fall [-] a single line must give, over the best doublet at its place, to be
#: added to a spin-orbit region: a line without partner there is the exception (a line of
#: another level in the window: S 2s in Mo 3d of a sulfide, W 5p3/2 in W 4f).
SINGLET_BIC_MARGIN = 10.0
#: Start positions tried for a new doublet at each step [-]: the best maxima of the
#: matched-filter scan of the residual (:func:`_screen`); a single line is tried at the best one.
STATE_CANDIDATES = 3
#: Model evaluations [-] allowed to a trial fit of :func:`fit_states`: a component the data
#: hold converges in a few hundred (70-900 on the synthetic and shared regions); one placed on
#: noise wanders to the limit, and such a trial is refused (not converged) instead of running
#: for seconds.
TRIAL_NFEV = 1500


def _named(peaks: Sequence[Peak], name: str) -> str:
    # a name no peak has yet (two states may start at one rounded position)
    taken = {p.name for p in peaks}
    out, k = name, 1
    while out in taken:
        k += 1
        out = f"{name} #{k}"
    return out


def _restart(fit: XPSFit) -> list[Peak]:
    """The fitted components of ``fit`` as start peaks (positions, FWHMs, mixings and
    asymmetries fitted)."""
    from dataclasses import replace

    out = []
    for p in fit.peaks:
        k = _pname(p.name)
        out.append(
            replace(
                p,
                center_eV=float(fit.params_[f"{k}_center"]),
                fwhm_eV=float(fit.params_[f"{k}_fwhm"]),
                mixing=float(fit.params_[f"{k}_m"]),
                asymmetry=float(fit.params_.get(f"{k}_alpha", p.asymmetry)),
            )
        )
    return out


def _screen(
    fit: XPSFit, width: float, margin_eV: float, split: float | None, ratio: float | None
) -> list[float]:
    """Start positions [eV] of a new component, best first: a matched-filter scan of the
    residual. At every energy (``margin_eV`` inside the region) and for FWHMs of 0.7, 1 and 1.4
    times ``width`` clipped to :data:`PHYSICAL_FWHM_EV`, the chi-square fall a line (or, with
    ``split`` and ``ratio``, a doublet) of the best positive area would give with the other
    components held, under Poisson-shaped weights; the local maxima of the best fall, at least
    ``width`` apart, up to :data:`STATE_CANDIDATES`. A line centred nearer an end than
    ``margin_eV`` (half its FWHM) has much of its area outside the window, where the background
    takes it; a doublet's partner must lie inside too."""
    x = fit.energy_eV
    env = np.abs(fit.envelope_)
    weight = 1.0 / np.sqrt(np.maximum(env, 1e-3 * float(np.max(env))))
    rw = fit.residual_ * weight
    top = x[-1] - margin_eV - (split or 0.0)
    centers = x[(x >= x[0] + margin_eV) & (x <= top)][::2]
    if len(centers) == 0:
        return []
    gain = np.zeros(len(centers))
    low, high = PHYSICAL_FWHM_EV
    for w in sorted({float(np.clip(f * width, low, high)) for f in (0.7, 1.0, 1.4)}):
        g = line_shape("gl_sum", x[None, :], 1.0, centers[:, None], w, 0.3)
        if split is not None:
            g = g + line_shape("gl_sum", x[None, :], ratio, centers[:, None] + split, w, 0.3)
        g = g * weight[None, :]
        proj = g @ rw
        norm = np.einsum("ij,ij->i", g, g)
        gain = np.maximum(gain, np.where(proj > 0, proj * proj / norm, 0.0))
    picked: list[float] = []
    for i in np.argsort(gain)[::-1]:
        if gain[i] <= 0 or len(picked) >= STATE_CANDIDATES:
            break
        inner = 0 < i < len(gain) - 1
        local = inner and gain[i] >= gain[i - 1] and gain[i] >= gain[i + 1]
        if local and all(abs(centers[i] - c) >= width for c in picked):
            picked.append(float(centers[i]))
    return picked


def _acceptable(trial: XPSFit, current: XPSFit, new: Peak) -> bool:
    """Whether a fit with the component ``new`` added is a model of distinct, measured states:
    lmfit succeeded with finite errors (unless the fit before had none either), every area is
    determined by the data, the new component is at no bound, and its lines lie at least half
    the larger FWHM from the other components' lines of the same j (closer, two lines describe
    one state's shape, not two states)."""
    if not trial.result_.success:
        return False
    if any("standard errors" in f for f in trial.flags_) and not any(
        "standard errors" in f for f in current.flags_
    ):
        return False
    if any("not determined" in f or new.name in f for f in trial.flags_):
        return False
    k = _pname(new.name)
    c, w = trial.params_[f"{k}_center"], trial.params_[f"{k}_fwhm"]
    for p in trial.peaks:
        if p.name == new.name:
            continue
        q = _pname(p.name)
        cp, wp = trial.params_[f"{q}_center"], trial.params_[f"{q}_fwhm"]
        close = 0.5 * max(w, wp)
        if abs(c - cp) < close:
            return False
        # a single line on the partner of a doublet (or a doublet's partner on a single line)
        # would only change that doublet's area ratio
        if new.splitting_eV is None and p.splitting_eV is not None:
            if abs(c - (cp + p.splitting_eV)) < close:
                return False
        if new.splitting_eV is not None and p.splitting_eV is None:
            if abs(c + new.splitting_eV - cp) < close:
                return False
    return True


def _within_span(trial: XPSFit, new: Peak, span: float | None) -> bool:
    """Whether the doublet ``new`` lies within ``span`` [eV] of the strongest other doublet of
    ``trial`` (True when there is no span or no other doublet): two states of one level lie no
    further apart than the level's lowest and highest states (see
    :func:`~solidna.analysis.xps.species.state_span_eV`)."""
    others = [p for p in trial.peaks if p.splitting_eV is not None and p.name != new.name]
    if span is None or not others:
        return True
    main = max(others, key=lambda p: trial.params_[f"{_pname(p.name)}_area"])
    at = trial.params_[f"{_pname(new.name)}_center"]
    return abs(at - trial.params_[f"{_pname(main.name)}_center"]) <= span


@fill_doc
def fit_states(
    energy_eV,
    intensity=None,
    *,
    peaks: Sequence[Peak] | None = None,
    background: str = "shirley",
    level: str | None = None,
    counts_per_unit_s: float | None = None,
    max_states: int = MAX_STATES,
    charge_shift_eV: float = 0.0,
) -> XPSFit:
    """Fit a region with as many chemical states as its data support (at most ``max_states``).

    Starting from ``peaks`` (default: :func:`guess_peaks` with ``level``), the fit adds one
    component at a time where the residual holds structure, as an analyst does. The stopping
    rule is the Bayesian information criterion (BIC, ``n ln(chi2 / n) + k ln n``):

    1. a start doublet is made a single line when that lowers the BIC by
       :data:`BIC_MIN_DECREASE` + :data:`SINGLET_BIC_MARGIN` (its partner position holds another
       state's line: S 2s beside Mo 3d5/2 in MoS2);
       a line of another level of the same element that ``species.toml`` ``[[companions]]``
       puts inside the window (W 5p3/2 in W 4f) is tried at its offset from the strongest
       doublet and kept when the BIC falls by :data:`BIC_MIN_DECREASE`; it is no state
       (not counted in ``max_states``) and is listed in ``other_lines_``;
    2. at each step a matched-filter scan of the residual (:func:`_screen`) gives up to
       :data:`STATE_CANDIDATES` places for a doublet of the level (split and area ratio of
       ``species.toml``, both held) and one for a single line; each is fitted with every
       component free, every line's FWHM in :data:`PHYSICAL_FWHM_EV`;
    3. the best doublet is kept if it lowers the BIC by at least :data:`BIC_MIN_DECREASE`
       ("very strong" evidence, Kass & Raftery 1995); a single line in a spin-orbit region
       needs :data:`SINGLET_BIC_MARGIN` more, over the fit before and over the best doublet.
       A candidate whose lines merge with another component's, sit at a bound or leave an
       area the data do not fix is refused (:func:`_acceptable`), and so is a doublet further
       from the strongest other doublet than the level's states lie apart in ``species.toml``
       (:func:`~solidna.analysis.xps.species.state_span_eV`: a line of another level). In a
       region of a single-line level (C 1s, O 1s, F 1s) a refused line is tried once more with
       the FWHM of the strongest component (a shoulder whose free FWHM grew under the main
       line, as O-C-O beside C-O in cellulose);
    4. the search stops when no candidate qualifies or at ``max_states`` components. Each
       added component (position, FWHM, share of the area, BIC and reduced chi-square before
       and after) and the reason for stopping are in the result's ``notes_``;
    5. a component whose charge-corrected position ``species.toml`` assigns to a metal
       (:func:`~solidna.analysis.xps.species.metallic_state`: Mo, W, Na metal) is fitted
       with the asymmetric metal line ``doniach_sunjic_gauss``, its asymmetry free within
       :data:`~solidna.analysis.xps.lineshapes.ASYMMETRY_RANGE` and its Lorentzian share
       free (:func:`_metallic_lines`), once the states are found: switched on the start
       model, the tail took the intensity of an oxide state 1.4 eV above the metal (W metal
       + WO2) and the search then misplaced the states. It is kept when the BIC falls (two
       parameters more, for a line whose asymmetry theory predicts); the notes give the
       asymmetry and the change of area. A region with no line of a metal, or whose metal
       line the data show symmetric, is fitted exactly as with symmetric lines.

    A start that already holds ``max_states`` components or more (a region of many lines and
    satellites, e.g. Ni 2p) is fitted as :class:`XPSFit` fits it, with no search.

    Parameters
    ----------
    %(xps_region)s
    peaks : sequence of Peak, optional
        Start components (default: :func:`guess_peaks` of the data with ``level``).
    background : str, optional
        One of :data:`BACKGROUNDS` (default ``"shirley"``).
    level : str, optional
        Core level of the region (``"Mo 3d"``); default from the spectrum's label and energies.
        A spin-orbit level (``species.toml`` ``[[doublets]]``) gets doublets; any other level,
        or None, single lines.
    counts_per_unit_s : float, optional
        Counts per unit of intensity [s], for the quality check (see :meth:`XPSFit.fit`).
    max_states : int, optional
        Most components of the final model [-] (default :data:`MAX_STATES`).
    charge_shift_eV : float, optional
        Charge shift [eV] added to the fitted positions before they are compared with the
        metallic states of ``species.toml`` (from :func:`~solidna.analysis.xps.species.
        charge_reference` of the sample's C 1s fit). Default 0: the positions as recorded (a
        metal in contact with the spectrometer does not charge).

    Returns
    -------
    XPSFit
        The fit of the chosen model; ``notes_`` says which components were added, at which
        fall of the BIC, and why the search stopped.

    Raises
    ------
    InvalidOptionError
        ``max_states`` below 1.
    ConvergenceError
        The background does not apply to the region (see :func:`shirley`).
    """
    import warnings
    from dataclasses import replace

    from solidna.analysis.xps.species import companions_of, doublet_of, state_span_eV

    if int(max_states) < 1:
        raise InvalidOptionError(f"max_states must be at least 1; got {max_states}.")
    try:
        shift_ok = np.isfinite(float(charge_shift_eV))
    except (TypeError, ValueError):
        shift_ok = False
    if not shift_ok:
        raise InvalidOptionError(
            f"charge_shift_eV must be a finite number of eV (the shift that puts C 1s C-C/C-H "
            f"at its reference; 0 for none); got {charge_shift_eV!r}."
        )
    max_states = int(max_states)
    x, y, counts_per_unit_s, level = _region_data(energy_eV, intensity, counts_per_unit_s, level)
    if peaks is None:
        peaks = guess_peaks(x, y, background=background, level=level)
    peaks = list(peaks)

    def run(start: Sequence[Peak], fwhm_range=PHYSICAL_FWHM_EV, max_nfev=4000) -> XPSFit:
        with warnings.catch_warnings():
            # a trial whose covariance has a negative diagonal (a component the data do not
            # fix) makes lmfit warn; such a trial is flagged and refused (_acceptable)
            warnings.simplefilter("ignore", RuntimeWarning)
            return XPSFit(start, background, fwhm_range_eV=fwhm_range, max_nfev=max_nfev).fit(
                x, y, counts_per_unit_s=counts_per_unit_s, level=level
            )

    if len(peaks) >= max_states:
        fit = run(peaks, (0.2, 6.0))
        fit, said = _metallic_lines(fit, lambda p: run(p, (0.2, 6.0)), level, charge_shift_eV)
        fit.notes_ = said
        return fit
    doublet = doublet_of(level)
    current = run(peaks)
    notes: list[str] = []
    high = float(x[-1])
    other: list[str] = []  # single lines of another level (see XPSFit.other_lines_)
    if doublet is not None:
        # a start doublet whose partner position holds another state's line (S 2s 3 eV below
        # Mo 3d5/2 in MoS2 was paired with it by guess_peaks) is a single line when the data
        # say so by the margin a single line needs in a spin-orbit region
        for p in [q for q in current.peaks if q.splitting_eV is not None]:
            alone = [
                replace(q, splitting_eV=None, area_ratio=None) if q.name == p.name else q
                for q in _restart(current)
            ]
            trial = run(alone, max_nfev=TRIAL_NFEV)
            gain = BIC_MIN_DECREASE + SINGLET_BIC_MARGIN
            demoted = next(q for q in alone if q.name == p.name)
            if _acceptable(trial, current, demoted) and trial.bic_ <= current.bic_ - gain:
                notes.append(
                    f"start component {p.name!r} fitted as a single line (no {doublet.level} "
                    f"partner {doublet.splitting_eV:g} eV above it in the data: a line of "
                    f"another level, left out of the {doublet.level} area); BIC "
                    f"{current.bic_:.1f} -> {trial.bic_:.1f}"
                )
                current = trial
                other.append(p.name)
    # lines of another level of the same element inside the window (W 5p3/2 in W 4f): tried
    # where the physics puts them, beside the strongest doublet, before the screen of the
    # residual below, which took the W 5p3/2 line of the shared Kratos W 4f region (cut at
    # 45 eV) for a W 4f doublet at 39.4 eV and counted it in the W 4f area. They do not count
    # as states and are left out of the level's area
    companions: list[str] = []
    paired = [p for p in current.peaks if p.splitting_eV is not None]
    if doublet is not None and paired:
        main = max(paired, key=lambda p: current.params_[f"{_pname(p.name)}_area"])
        main_at = float(current.params_[f"{_pname(main.name)}_center"])
        start = _restart(current)
        extra = []
        for comp in companions_of(level):
            c = main_at + comp.offset_eV
            if x[0] + 0.5 * comp.fwhm_eV <= c <= high - 0.5 * comp.fwhm_eV:
                name = _named(start + [new for _, new in extra], comp.line)
                extra.append((comp, Peak(name, c, comp.fwhm_eV)))
        # all together first (one such line alone may not lower the BIC while the other
        # misses), then each alone
        for group in [extra] + ([[e] for e in extra] if len(extra) > 1 else []):
            if not group:
                continue
            now = _restart(current)
            if any(any(q.name == new.name for q in now) for _, new in group):
                continue
            trial = run(
                sorted([*now, *(new for _, new in group)], key=lambda p: p.center_eV),
                max_nfev=TRIAL_NFEV,
            )
            if trial.bic_ > current.bic_ - BIC_MIN_DECREASE or not all(
                _acceptable(trial, current, new) for _, new in group
            ):
                continue
            for comp, new in group:
                k = _pname(new.name)
                notes.append(
                    f"line {new.name!r} of another level of the element (expected "
                    f"{comp.offset_eV:g} eV above the first line of the strongest "
                    f"{doublet.level} doublet; {comp.source}) added at "
                    f"{trial.params_[f'{k}_center']:.2f} eV, FWHM "
                    f"{trial.params_[f'{k}_fwhm']:.2f} eV, left out of the {doublet.level} area"
                )
                other.append(new.name)
                companions.append(new.name)
            notes[-1] += f"; BIC {current.bic_:.1f} -> {trial.bic_:.1f}"
            current = trial
    ratio_ = doublet.area_ratio if doublet is not None else None
    span = state_span_eV(level)
    added: list[str] = []  # components the search added (see _metallic_lines)
    while len(current.peaks) - len(companions) < max_states:
        start = _restart(current)
        fwhms = [p.fwhm_eV for p in start]
        width = float(np.clip(np.median(fwhms), *PHYSICAL_FWHM_EV))
        # (BIC, fit, new peak, a single line of another level?): doublets, single lines
        best: tuple[float, XPSFit, Peak, bool] | None = None
        single: tuple[float, XPSFit, Peak, bool] | None = None
        if doublet is not None:
            for c in _screen(current, width, 0.5 * width, doublet.splitting_eV, ratio_):
                new = Peak(
                    _named(start, f"{c:.1f} eV"),
                    c,
                    width,
                    splitting_eV=doublet.splitting_eV,
                    area_ratio=ratio_,
                )
                trial = run(sorted([*start, new], key=lambda p: p.center_eV), max_nfev=TRIAL_NFEV)
                if (
                    _acceptable(trial, current, new)
                    and _within_span(trial, new, span)
                    and (best is None or trial.bic_ < best[0])
                ):
                    best = (trial.bic_, trial, new, False)
        for c in _screen(current, width, 0.5 * width, None, None)[:1]:
            new = Peak(_named(start, f"{c:.1f} eV"), c, width)
            trial = run(sorted([*start, new], key=lambda p: p.center_eV), max_nfev=TRIAL_NFEV)
            if doublet is None and not _acceptable(trial, current, new):
                # a shoulder of a single-line level (O-C-O beside C-O in cellulose C 1s, a
                # SurfaceSpectra/CasaXPS file of cheminfo/xps-analysis): with its FWHM free the
                # new line broadened under the main line and took its area, was refused as a
                # merge, and the search stopped with the shoulder unfitted. States of one level
                # in one spectrum share the instrumental and lifetime width, so the line is
                # tried again with the FWHM of the strongest component (as an analyst constrains
                # it in CasaXPS)
                main = max(start, key=lambda q: current.params_[f"{_pname(q.name)}_area"])
                new = replace(new, fwhm_like=main.fwhm_like or main.name)
                trial = run(sorted([*start, new], key=lambda p: p.center_eV), max_nfev=TRIAL_NFEV)
            # where a doublet could stand, a single line needs the extra margin, over the fit
            # before and over the best doublet
            paired = doublet is not None and c + doublet.splitting_eV <= high - 0.5 * width
            margin = SINGLET_BIC_MARGIN if paired else 0.0
            if _acceptable(trial, current, new):
                single = (trial.bic_ + margin, trial, new, paired)
        target = current.bic_ - BIC_MIN_DECREASE
        chosen = best if best is not None and best[0] <= target else None
        if single is not None and single[0] <= target:
            if best is None or single[0] <= best[0]:
                chosen = single
        if chosen is None:
            notes.append(
                f"no further component lowers the BIC by {BIC_MIN_DECREASE:g} or more "
                f"(Kass & Raftery 1995 'very strong'): {len(current.peaks)} component(s) kept"
            )
            break
        trial, new, foreign = chosen[1], chosen[2], chosen[3]
        k = _pname(new.name)
        row = trial.table_.set_index("Name")
        area = float(trial.params_[f"{k}_area"]) * (
            1.0 + (new.area_ratio if new.splitting_eV is not None else 0.0)
        )
        share = area / max(float(row["Area [cps.eV]"].sum()), 1e-300)
        if new.splitting_eV is not None and doublet is not None:
            kind = (
                f"a {doublet.level} doublet (split {doublet.splitting_eV:g} eV, area ratio "
                f"{doublet.ratio_text})"
            )
        elif foreign:
            kind = (
                f"a single line (no {doublet.level} partner fits there: a line of another "
                "level in the window, e.g. S 2s in Mo 3d, W 5p3/2 in W 4f; left out of the "
                f"{doublet.level} area)"
            )
            other.append(new.name)
        elif doublet is not None:
            kind = "a single line (its spin-orbit partner would lie outside the window)"
        else:
            kind = "a single line"
        notes.append(
            f"component {new.name!r} added where the residual held structure: {kind} at "
            f"{trial.params_[f'{k}_center']:.2f} eV, FWHM {trial.params_[f'{k}_fwhm']:.2f} eV, "
            f"{100 * share:.0f} % of the fitted area; BIC {current.bic_:.1f} -> {trial.bic_:.1f}, "
            f"reduced chi-square {current.redchi_:.3g} -> {trial.redchi_:.3g}"
        )
        current = trial
        added.append(new.name)
    else:
        notes.append(f"the search for further components stopped at the cap of {max_states} states")
    current, said = _metallic_lines(
        current, run, level, charge_shift_eV, skip=frozenset(other), droppable=added
    )
    notes[-1:-1] = said  # the reason the search stopped stays the last sentence
    current.notes_ = notes
    current.other_lines_ = [n for n in other if any(p.name == n for p in current.peaks)]
    return current


@fill_doc
def fit_metal_lines(
    fit: XPSFit,
    energy_eV,
    intensity=None,
    *,
    counts_per_unit_s: float | None = None,
    level: str | None = None,
    charge_shift_eV: float = 0.0,
) -> XPSFit:
    """``fit`` with its lines at a metal's position refitted with the asymmetric metal line.

    Step 5 of :func:`fit_states` for a fit made otherwise: a single-line level such as Na 1s is
    fitted by :class:`XPSFit` from its maxima, not by the state search, so a Na metal 1s line
    (``species.toml``: metallic) kept the symmetric line and lost its tail's area (a synthetic
    Na metal 1s line of asymmetry 0.15, fitted as ``solidna analyze`` fitted it: 18 % of its
    area, position 0.1 eV high). A component whose position plus ``charge_shift_eV``
    :func:`~solidna.analysis.xps.species.metallic_state` assigns to a metal is refitted with
    ``doniach_sunjic_gauss`` (asymmetry and Lorentzian share free) and kept when the BIC falls;
    the sentences saying so are added to ``notes_``. A fit with no line of a metal comes back
    unchanged.

    Parameters
    ----------
    fit : XPSFit
        A fitted model of the region (its background, FWHM range and evaluation cap are kept).
    %(xps_region)s
    charge_shift_eV : float, optional
        Charge shift [eV] added to the fitted positions before they are compared with the
        metallic states (see :func:`fit_states`).

    Returns
    -------
    XPSFit
        ``fit`` itself, or the refit with the asymmetric metal line(s).
    """
    x, y, counts_per_unit_s, level = _region_data(energy_eV, intensity, counts_per_unit_s, level)

    def run(start: Sequence[Peak]) -> XPSFit:
        return XPSFit(
            start, fit.background, fwhm_range_eV=fit.fwhm_range_eV, max_nfev=fit.max_nfev
        ).fit(x, y, counts_per_unit_s=counts_per_unit_s, level=level)

    kept, said = _metallic_lines(fit, run, level, charge_shift_eV)
    if said:
        kept.notes_, kept.other_lines_ = [*fit.notes_, *said], list(fit.other_lines_)
    return kept


def _metallic_lines(
    fit: XPSFit,
    run,
    level: str | None,
    charge_shift_eV: float,
    skip: frozenset[str] = frozenset(),
    droppable: Sequence[str] = (),
) -> tuple[XPSFit, list[str]]:
    """``fit`` with its lines of a metal (``species.toml`` ``metallic = true``, assigned from
    the position plus ``charge_shift_eV``) refitted with ``doniach_sunjic_gauss`` when that
    lowers the BIC; ``run`` fits a list of start peaks. Returns the fit kept and sentences for
    its notes (none when no line is a metal's). Lines named in ``skip`` (another level's) and
    lines already asymmetric are left as they are.

    A component named in ``droppable`` (one the state search added) is also tried away: the
    search, fitting the metal with a symmetric line, may have added a line for the metal's
    tail (a single line 1 eV above Mo metal 3d5/2, 4 % of the area, in a synthetic Mo metal
    region), which the asymmetric line then leaves undetermined. The model of lowest BIC
    without new flags is kept."""
    from dataclasses import replace

    from solidna.analysis.xps.species import metallic_state

    start = _restart(fit)
    metals = {}
    for p in start:
        if p.name in skip or p.shape in METAL_SHAPES or p.shape == "doniach_sunjic":
            continue
        state = metallic_state(p.center_eV + float(charge_shift_eV), level)
        if state is not None:
            metals[p.name] = state
    if not metals:
        return fit, []
    asymmetric = [
        replace(
            p,
            shape="doniach_sunjic_gauss",
            fix_mixing=False,
            mixing=float(np.clip(p.mixing, 0.05, 0.95)),
            asymmetry=0.1,
            fix_asymmetry=False,
        )
        if p.name in metals
        else p
        for p in start
    ]
    options: list[tuple[list[Peak], str | None]] = [(asymmetric, None)]
    options += [
        ([q for q in asymmetric if q.name != d], d)
        for d in droppable
        if d not in metals and any(q.name == d for q in asymmetric)
    ]
    best: tuple[XPSFit, str | None] | None = None
    why = ""
    for peaks, dropped in options:
        trial = run(peaks)
        new_flags = [f for f in trial.flags_ if f not in fit.flags_]
        ok = trial.result_.success and not new_flags and trial.bic_ < fit.bic_
        if dropped is None and not ok:
            why = "; ".join(new_flags) if new_flags else f"BIC {fit.bic_:.1f} -> {trial.bic_:.1f}"
        if ok and (best is None or trial.bic_ < best[0].bic_):
            best = (trial, dropped)
    names = ", ".join(f"{n!r} ({s.name})" for n, s in metals.items())
    low, high = ASYMMETRY_RANGE
    if best is None:
        return fit, [
            f"line(s) {names} of a metal kept symmetric: the asymmetric metal line "
            f"(doniach_sunjic_gauss) does not describe the data better ({why})"
        ]
    trial, dropped = best
    said = []
    before = fit.table_.set_index("Name")["Area [cps.eV]"]
    after = trial.table_.set_index("Name")
    for n, state in metals.items():
        k = _pname(n)
        err = trial.result_.params[f"{k}_alpha"].stderr
        alpha = float(trial.params_[f"{k}_alpha"])
        said.append(
            f"line {n!r} is {state.name} (species.toml: metallic) and is fitted with the "
            f"asymmetric metal line doniach_sunjic_gauss (Doniach & Sunjic 1970, convolved with "
            f"a Gaussian, tail cut off at {DS_CUTOFF_EV:g} eV): asymmetry alpha {alpha:.3f}"
            + (f" +- {err:.2g}" if err is not None and np.isfinite(err) else "")
            + f" (fitted within {low:g}-{high:g}, the range measured on metals: Hufner & "
            f"Wertheim 1975, Citrin et al. 1977), position "
            f"{after.loc[n, 'Position [eV]']:.2f} eV (the line's edge), area "
            f"{before[n]:.4g} -> {after.loc[n, 'Area [cps.eV]']:.4g} cps.eV"
        )
    if dropped is not None:
        said.append(
            f"component {dropped!r}, added by the search while the metal line was symmetric, "
            f"is dropped: the asymmetric line describes the intensity it held (the metal's "
            f"tail); {len(trial.peaks)} component(s) remain"
        )
    said[-1] += f"; BIC {fit.bic_:.1f} -> {trial.bic_:.1f}"
    return trial, said


_PEAK_KEYS = {
    "name": "name",
    "center": "center_eV",
    "fwhm": "fwhm_eV",
    "shape": "shape",
    "mixing": "mixing",
    "fix_mixing": "fix_mixing",
    "splitting": "splitting_eV",
    "area_ratio": "area_ratio",
    "fwhm_like": "fwhm_like",
    "position_from": "position_from",
    "position_offset": "position_offset_eV",
    "fix_center": "fix_center",
    "asymmetry": "asymmetry",
    "fix_asymmetry": "fix_asymmetry",
}


def read_peaks(path) -> dict[str, list[Peak]]:
    """Start peaks per region from a TOML file.

    Each ``[[peak]]`` table has ``region`` (a core level such as ``"C 1s"``, or a region label of
    the file) and the fields of :class:`Peak` without units in the names: ``name``, ``center``
    [eV], ``fwhm`` [eV], ``shape``, ``mixing``, ``fix_mixing``, ``splitting`` [eV], ``area_ratio``,
    ``fwhm_like``, ``position_from``, ``position_offset`` [eV], ``fix_center``, ``asymmetry``,
    ``fix_asymmetry``. Example::

        [[peak]]
        region = "C 1s"
        name = "C-C"
        center = 284.8

        [[peak]]
        region = "C 1s"
        name = "C-O"
        center = 286.4
        fwhm_like = "C-C"

    Parameters
    ----------
    path : str or os.PathLike
        The TOML file.

    Returns
    -------
    dict of str to list of Peak
        Start peaks by region.

    Raises
    ------
    DataFormatError
        Unreadable TOML, a peak without region/name/center, an unknown field.
    """
    import tomllib
    from pathlib import Path

    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataFormatError(f"{p}: cannot read the peaks file ({exc}).") from None
    out: dict[str, list[Peak]] = {}
    for k, row in enumerate(data.get("peak", []), start=1):
        row = dict(row)
        region = row.pop("region", None)
        unknown = sorted(set(row) - set(_PEAK_KEYS))
        if region is None or "name" not in row or "center" not in row or unknown:
            raise DataFormatError(
                f"{p}: peak {k} needs region, name and center"
                + (f"; unknown fields {unknown}" if unknown else "")
                + f". Allowed fields: region, {', '.join(_PEAK_KEYS)}."
            )
        out.setdefault(str(region), []).append(Peak(**{_PEAK_KEYS[f]: v for f, v in row.items()}))
    if not out:
        raise DataFormatError(f"{p}: no [[peak]] tables in the peaks file.")
    return out
