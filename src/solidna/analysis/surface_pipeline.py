"""``solidna analyze --kind xps|afm-force|afm-map|topography``: surface files in, report out.

Called by :func:`solidna.analysis.pipeline.analyze`, which hands over the checked input paths,
the output writer (writes only inside ``--out``) and the report renderer, so both pages look
alike. Each file gives tables, figures and a results entry; a file that cannot be analysed is
recorded with the reason (the others go on), and the run fails only when none succeeds.

What every kind of ``solidna analyze`` shares (figures, paper rows, the summary and report
files, the refusal of an option the kind would ignore) is in :mod:`solidna.analysis._output`.

========== ==================================================================================
kind       analysis
========== ==================================================================================
xps        every region of a VAMAS/PHI/text file fitted (Shirley background, GL(30) components
           started at the prominent maxima) and judged by its residual (counting noise,
           systematic misses, doublets: :func:`solidna.analysis.xps.fit.fit_quality`),
           charge correction to C 1s, species labels
           (:mod:`solidna.analysis.xps.species`), atomic %, depth profile (PHI ``.pro``);
           surveys: peaks labelled with core levels
afm-force  contact point, Young's modulus (``indenter``), adhesion, film thickness from a
           breakthrough or stiffness change (Fig. 2e), per curve
afm-map    every curve of a force map fitted: modulus map and histogram (Fig. S9)
topography levelling, Sa/Sq/Sz, image and 3-D view (Fig. 2f, S8); a line profile:
           Ra/Rq/Rz and a profile figure
========== ==================================================================================
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna.analysis._output import (
    axis_label,
    figure_axes,
    paper_row,
    refuse_unused,
    safe_name,
    wrapped_title,
    write_summary,
)
from solidna.errors import (
    ConvergenceError,
    DataFormatError,
    InvalidOptionError,
    SolidnaError,
    check_choice,
    positive_float,
)
from solidna.units import LABORATORY_MAXIMA

__all__ = [
    "SURFACE_KINDS",
    "analyze_surface",
    "surface_options",
    "paper_level",
    "SURFACE_OPTION_KINDS",
]

#: Kinds handled here.
SURFACE_KINDS = ("xps", "afm-force", "afm-map", "topography")
#: A spectrum spanning more than this [eV] is a survey: its peaks are labelled, not fitted.
SURVEY_SPAN_EV = 150.0
#: A region (not a survey) reaching down to this binding energy [eV] holds the Fermi level
#: (0 eV): a valence band or Fermi edge, which has no core-level lines to fit. Core levels lie
#: deeper; the shallowest ones fitted as core levels (Zn 3d, Cd 4d: ~10 eV; Hf 4f: ~14 eV) are
#: measured in windows that stay well above 1 eV.
VALENCE_EDGE_EV = 1.0
#: On a kinetic axis turned into binding energy without the spectrometer's work function
#: (BE = hv - KE, as solidna converts), the Fermi level lies at BE = phi rather than 0: up to
#: this [eV] for the usual spectrometer work functions (4-5 eV). A CLAM2 UPS Fermi edge of gold
#: at hv = 39 eV lies at 3.5 eV on that axis.
SPECTROMETER_WORK_FUNCTION_MAX_EV = 5.0
#: A fitted component is set beside a paper position when within this distance [eV].
COMPARE_WINDOW_EV = 1.0
#: Largest number of curves of one file analysed one by one by ``afm-force`` (a map: afm-map).
MAX_SINGLE_CURVES = 20
#: Largest number of region figures of one XPS file (a depth profile has one per cycle).
MAX_REGION_FIGURES = 12
#: Binding energies [eV] accepted as the C-C/C-H reference of the charge correction. Laboratories
#: place adventitious carbon at 284.5-285.0 eV (the paper 284.5 eV, Fig. 2a; the common choice
#: 284.8 eV); a value outside this window is another line or another unit ("284.8 keV").
CHARGE_REFERENCE_RANGE_EV = (283.0, 287.0)
#: Photon energies [eV] accepted by ``photon_energy``: from laser photoemission (about 6 eV)
#: and He I UPS (21.2 eV) to hard X-ray photoemission (about 15 keV); a value outside is another
#: unit or a typo ("1.4866" meant in keV).
PHOTON_ENERGY_RANGE_EV = (5.0, 20000.0)
#: Sputter rates [m/s] called typical: Ar+ depth profiling removes 0.01-1 nm/s (the SiO2 and
#: Ta2O5 reference rates of ion guns at 0.5-5 keV), widened by a decade each way. A bare number
#: outside it (``0.1``, read as 0.1 m/s) warns with its SI reading; it is most likely nm/s.
SPUTTER_RATE_TYPICAL_M_S = (1e-12, 1e-8)
#: The largest sputter rate [m/s] and AFM tip radius [m] accepted, and why
#: (:data:`solidna.units.LABORATORY_MAXIMA`, which the command line's options read too).
SPUTTER_RATE_MAX_M_S, _SPUTTER_RATE_WHY = LABORATORY_MAXIMA["sputter_rate"]
TIP_RADIUS_MAX_M, _TIP_RADIUS_WHY = LABORATORY_MAXIMA["tip_radius"]
#: The largest relative sensitivity factor [-] accepted: on the Scofield scale (C 1s = 1) the
#: strongest core levels of the periodic table stay below about 60 (Scofield 1976); 1000 is a
#: typo, not a factor.
RSF_MAX = 1000.0
#: The kinds each option of :func:`surface_options` acts on (options -> kinds); one given with
#: another kind would be ignored, so it is refused (the command line's table,
#: ``solidna.cli.analyze.OPTION_KINDS``, agrees; a test checks).
SURFACE_OPTION_KINDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("indenter", "tip_radius", "half_angle", "poisson", "spring_constant", "sensitivity"): (
        "afm-force",
        "afm-map",
    ),
    ("workers",): ("afm-map",),
    ("level", "channel"): ("topography",),
    (
        "charge_reference",
        "background",
        "peaks",
        "sputter_rate",
        "rsf",
        "photon_energy",
        "energy_axis",
    ): ("xps",),
}

#: Keys of :func:`surface_options`' result -> the option they come from.
_OPTION_OF_KEY = {
    "tip_radius_m": "tip_radius",
    "half_angle_deg": "half_angle",
    "charge_reference_eV": "charge_reference",
    "sputter_rate_m_s": "sputter_rate",
    "photon_energy_eV": "photon_energy",
    "spring_constant_N_m": "spring_constant",
}


def surface_options(
    kind: str,
    *,
    indenter: str | None = None,
    tip_radius: str | float | None = None,
    half_angle: str | float | None = None,
    poisson: float | None = None,
    level: str | None = None,
    charge_reference: str | float | None = None,
    background: str | None = None,
    workers: int | None = None,
    peaks: str | os.PathLike[str] | None = None,
    sputter_rate: str | float | None = None,
    rsf: Mapping[str, float] | None = None,
    photon_energy: str | float | None = None,
    spring_constant: str | float | None = None,
    sensitivity: str | None = None,
    channel: str | None = None,
    energy_axis: str | None = None,
) -> dict[str, Any]:
    """Checked options of the surface kinds (SI; strings with units accepted).

    An option is given when not None; one that ``kind`` would ignore is refused
    (:data:`SURFACE_OPTION_KINDS`), e.g. ``sputter_rate`` with ``"afm-force"``.

    ``peaks``: a TOML file of start peaks per region (:func:`solidna.analysis.xps.fit.read_peaks`);
    regions it does not name start from their prominent maxima. ``sputter_rate``: ``"0.1 nm/s"``
    turns sputter time into depth in the depth profile. ``rsf``: core level -> relative
    sensitivity factor, added to / replacing the Scofield table (``{"Sn 3d5/2": 14.8}``).
    ``photon_energy``: turns a text file's kinetic-energy axis into binding energy when the file
    does not state it (``"1486.6 eV"``, Al K-alpha). ``energy_axis``: what the energy column of
    a text file is (``"binding"`` or ``"kinetic"``) when its header does not say.

    Parameters
    ----------
    kind : str
        The surface kind (one of :data:`SURFACE_KINDS`).
    indenter : str, optional
        AFM indenter geometry (a key of :data:`solidna.analysis.afm.INDENTERS`); default
        paraboloid.
    tip_radius : str or float, optional
        AFM tip radius [m] or a string with a unit (``"10 um"``); default 10 um.
    half_angle : str or float, optional
        Cone/pyramid half-angle: a string with a unit (``"17.5 deg"``, ``"0.3 rad"``) or a number
        in deg; in (0, 90) deg; default 17.5 deg.
    poisson : float, optional
        Poisson ratio of the sample [-], in [0, 0.5]; default 0.5.
    level : str, optional
        Topography levelling (a key of :data:`solidna.analysis.topography.LEVELS`); default
        plane.
    charge_reference : str or float, optional
        Binding energy of the adventitious C-C/C-H line for the charge correction: a string with
        a unit (``"284.5 eV"``) or a number in eV, within :data:`CHARGE_REFERENCE_RANGE_EV`;
        default 284.8 eV.
    background : str, optional
        XPS background (a key of :data:`solidna.analysis.xps.fit.BACKGROUNDS`); default
        shirley.
    workers : int, optional
        Worker processes of ``afm-map`` [-] (at least 1); default 1.
    peaks : str or os.PathLike, optional
        TOML file of start peaks.
    sputter_rate : str or float, optional
        Sputter rate: a string with a unit (``"0.1 nm/s"``) or a number in m/s (SI; one outside
        :data:`SPUTTER_RATE_TYPICAL_M_S` warns with its reading, as it is most likely nm/s).
    rsf : mapping of str to float, optional
        Relative sensitivity factors by core level [-].
    photon_energy : str or float, optional
        Photon energy of XPS text files on a kinetic-energy axis: a string with a unit
        (``"1486.6 eV"``) or a number in eV, within :data:`PHOTON_ENERGY_RANGE_EV`; it overrides
        the one the file states (VAMAS and PHI files record their own and keep it). Default:
        the file's.
    spring_constant : str or float, optional
        Cantilever spring constant for AFM files that do not record it, or to replace the
        file's: ``"0.1 N/m"`` (a number is in N/m). Default: the file's.
    sensitivity : str, optional
        Deflection sensitivity for AFM files that record the deflection as a signal (AFM
        Workshop in volts: ``"50 nm/V"``; NT-MDT Nova in nA: ``"20 nm/nA"``); a unit is
        required, as it says which. Default: the file's.
    channel : str, optional
        Topography channel to read, by its name in the file or its 0-based index (a file with
        several height channels, e.g. a Dektak export's raw and levelled profiles); default the
        first height channel.
    energy_axis : {"binding", "kinetic"}, optional
        The energy column of XPS text files (and workbooks): binding or kinetic energy (then
        converted with the photon energy), overriding the header; VAMAS, PHI and Avantage files
        record their own axis and keep it. Default: the header's, else binding energy (noted).

    Returns
    -------
    dict
        The checked options, lengths in m, rates in m/s, energies in eV, angles in deg.

    Raises
    ------
    InvalidOptionError
        A value out of its range (Poisson ratio, half-angle, charge reference, photon
        energy), an unknown
        choice, or an option that ``kind`` would ignore.
    UnitError, OutOfRangeError
        A quantity that cannot be read, of another kind, or not positive.
    """
    from solidna.analysis.afm import INDENTERS
    from solidna.analysis.topography import LEVELS
    from solidna.analysis.xps.fit import BACKGROUNDS, read_peaks
    from solidna.analysis.xps.io import ENERGY_AXES
    from solidna.analysis.xps.species import ADVENTITIOUS_C1S_EV
    from solidna.units import to_si

    refuse_unused(
        check_choice("kind", kind, SURFACE_KINDS),
        SURFACE_OPTION_KINDS,
        {
            "indenter": indenter,
            "tip_radius": tip_radius,
            "half_angle": half_angle,
            "poisson": poisson,
            "level": level,
            "charge_reference": charge_reference,
            "background": background,
            "workers": workers,
            "peaks": peaks,
            "sputter_rate": sputter_rate,
            "rsf": rsf,
            "photon_energy": photon_energy,
            "spring_constant": spring_constant,
            "sensitivity": sensitivity,
            "channel": channel,
            "energy_axis": energy_axis,
        },
    )
    poisson = 0.5 if poisson is None else float(poisson)
    if not 0.0 <= poisson <= 0.5:
        raise InvalidOptionError(f"--poisson must lie in [0, 0.5]; got {poisson}.")
    # a bare number is in the documented unit (deg, eV): to_si reads it in the unit asked for
    angle = 17.5 if half_angle is None else to_si(half_angle, "deg", "half-angle")
    if not 0 < angle < 90:
        raise InvalidOptionError(
            f"--half-angle must lie between 0 and 90 deg (a cone's half opening angle); got "
            f"{half_angle!r} = {angle:.4g} deg. Give e.g. '17.5 deg'."
        )
    ref = (
        ADVENTITIOUS_C1S_EV
        if charge_reference is None
        else to_si(charge_reference, "eV", "charge reference")
    )
    low, high = CHARGE_REFERENCE_RANGE_EV
    if not low <= ref <= high:
        raise InvalidOptionError(
            f"charge_reference is the binding energy of the C-C/C-H line of C 1s, between "
            f"{low:g} and {high:g} eV (usually 284.5-285.0 eV); got {charge_reference!r} = "
            f"{ref:.6g} eV. Give e.g. '284.8 eV'."
        )
    hv = None if photon_energy is None else to_si(photon_energy, "eV", "photon energy")
    low, high = PHOTON_ENERGY_RANGE_EV
    if hv is not None and not low <= hv <= high:
        raise InvalidOptionError(
            f"photon_energy is the X-ray (or UV) photon energy, between {low:g} and {high:g} "
            f"eV; got {photon_energy!r} = {hv:.6g} eV. Give e.g. '1486.6 eV' (Al K-alpha) or "
            "'1253.6 eV' (Mg K-alpha)."
        )
    return {
        "indenter": check_choice("indenter", indenter or "paraboloid", INDENTERS),
        "tip_radius_m": 10e-6
        if tip_radius is None
        else to_si(
            tip_radius,
            "m",
            "tip radius",
            positive=True,
            maximum=TIP_RADIUS_MAX_M,
            hint=f"{_TIP_RADIUS_WHY.capitalize()}.",
        ),
        # a tip radius the file states (Optics11 Chiaro) replaces the default, not the user's
        "tip_radius_given": tip_radius is not None,
        "half_angle_deg": angle,
        "poisson": poisson,
        "level": check_choice("level", level or "plane", LEVELS),
        "charge_reference_eV": ref,
        "background": check_choice("background", background or "shirley", BACKGROUNDS),
        "workers": max(1, int(workers or 1)),
        "rsf": _check_rsf(rsf),
        "peaks": None if peaks is None else str(peaks),
        "peak list": None if peaks is None else read_peaks(peaks),
        "sputter_rate_m_s": None
        if sputter_rate is None
        else to_si(
            sputter_rate,
            "m/s",
            "sputter rate",
            positive=True,
            typical=SPUTTER_RATE_TYPICAL_M_S,
            maximum=SPUTTER_RATE_MAX_M_S,
            hint=f"{_SPUTTER_RATE_WHY.capitalize()}; give the unit, e.g. '0.1 nm/s'.",
        ),
        "photon_energy_eV": hv,
        "spring_constant_N_m": None
        if spring_constant is None
        else to_si(spring_constant, "N/m", "spring constant", positive=True),
        "sensitivity": None if sensitivity is None else _sensitivity(sensitivity),
        "channel": None if channel is None or not str(channel).strip() else str(channel).strip(),
        "energy_axis": None
        if energy_axis is None
        else check_choice("energy_axis", str(energy_axis).strip().lower(), ENERGY_AXES),
    }


def _sensitivity(value: str | float) -> float:
    """A deflection sensitivity in SI: m/V for a deflection in volts, m/A for one in amperes
    (NT-MDT Nova). The unit says which, so a bare number is refused."""
    from solidna.errors import UnitError
    from solidna.units import to_si

    example = "'50 nm/V' (deflection in volts) or '20 nm/nA' (NT-MDT Nova, in nA)"
    try:
        float(str(value))
    except ValueError:
        pass  # a quantity with its unit, read below
    else:
        raise InvalidOptionError(
            f"sensitivity {value!r} needs its unit, which says what the deflection is in: "
            f"e.g. {example}."
        )
    for unit in ("m/V", "m/A"):
        try:
            return to_si(value, unit, "sensitivity", positive=True)
        except UnitError:
            continue
    raise InvalidOptionError(
        f"sensitivity {value!r} is not a length per volt or per ampere; give e.g. {example}."
    )


def _check_rsf(rsf: Mapping[str, float] | None) -> dict[str, float] | None:
    if not rsf:
        return None
    out = {}
    for level, value in dict(rsf).items():
        # "rsf: " names the keyword (the command line's --rsf) before the factor's own words
        try:
            factor = positive_float(value, f"sensitivity factor of {level!r}")
        except InvalidOptionError as exc:
            raise InvalidOptionError(f"rsf: {exc}") from None
        if factor > RSF_MAX:
            raise InvalidOptionError(
                f"rsf: the sensitivity factor of {level!r} is {factor:g}, more than "
                f"{RSF_MAX:g}: relative sensitivity factors (C 1s = 1) stay below about 60. "
                "Give the factor of your table, e.g. 'Sn 3d5/2=14.8'."
            )
        out[str(level)] = factor
    return out


def paper_level(quantity: str) -> str | None:
    """Core level named by a target's quantity (``"Na 1s binding energy"`` -> ``"Na 1s"``).

    Parameters
    ----------
    quantity : str
        The target's quantity text.

    Returns
    -------
    str or None
        The core level, or None when the text names none.
    """
    m = re.match(r"\s*([A-Z][a-z]?\s*\d[spdf])", quantity)
    return m.group(1) if m else None


# --------------------------------------------------------------------------------------------
# XPS
# --------------------------------------------------------------------------------------------
def _fit_region(spec, background: str, given=None, charge_shift_eV: float = 0.0):
    """Fit one region: the user's peaks as given; otherwise start peaks from the data, and for
    a spin-orbit level (Mo 3d, W 4f, S 2p) the chemical states the data support
    (:func:`~solidna.analysis.xps.fit.fit_states`: doublets added where the residual holds
    structure, by the BIC, at most four; a line at a metal's position, after
    ``charge_shift_eV``, with the asymmetric metal line). A single-line level is fitted from its
    maxima, and a line there at a metal's position (Na metal 1s) is tried with the asymmetric
    metal line (:func:`~solidna.analysis.xps.fit.fit_metal_lines`). Returns (fit, warning or
    None)."""
    from solidna.analysis.xps.fit import XPSFit, fit_metal_lines, fit_states, guess_peaks
    from solidna.analysis.xps.species import doublet_of, level_of

    # the region's level makes the start peaks of a spin-orbit level (Mo 3d, Sn 3d) doublets
    level = level_of(spec.label, spec.binding_energy_eV)

    def run(bg: str):
        if given:
            return XPSFit(given, bg).fit(spec)
        peaks = guess_peaks(spec.binding_energy_eV, spec.intensity_cps, background=bg, level=level)
        if doublet_of(level) is None:
            # a single-line level (C 1s, O 1s, ...): its maxima are its components, as before;
            # a line at a metal's position (Na metal 1s) gets the asymmetric metal line when
            # the data say so, as fit_states gives it to Mo 3d and W 4f
            fit = XPSFit(peaks, bg).fit(spec)
            if _has_metal(level):
                fit = fit_metal_lines(fit, spec, level=level, charge_shift_eV=charge_shift_eV)
            return fit
        # one doublet per maximum cannot describe two or three states of a metal (Mo metal,
        # MoO2, MoO3): a broad line took them all
        return fit_states(
            spec, peaks=peaks, background=bg, level=level, charge_shift_eV=charge_shift_eV
        )

    try:
        return run(background), None
    except ConvergenceError as exc:
        return run("linear"), f"{exc} - fitted with a linear background"


def _has_metal(level: str | None) -> bool:
    """True when ``species.toml`` has a metallic state of ``level`` (Mo 3d, W 4f, Na 1s)."""
    from solidna.analysis.xps.species import metallic_state, species_table

    # a metallic state of the table is the level's metal when its own position is taken for it
    return bool(level) and any(
        sp.metallic and metallic_state(sp.be_eV, level) == sp for sp in species_table()
    )


def _with_shift(fitted: tuple, shifts: Mapping[Any, float | None], background: str) -> tuple:
    """``(spectrum, name, level, fit)`` of a fitted region, refitted with its sample's charge
    shift where a line could be a metal's: the states of ``species.toml`` are charge corrected,
    and a metal line is told by its corrected position (:func:`~solidna.analysis.xps.species.
    metallic_state`), known only once the C 1s regions are fitted. Only automatic fits of a
    level with a metallic state (Mo 3d, W 4f, Na 1s) and a shift of 0.05 eV or more are
    refitted."""
    s, name, lev, fit, given = fitted
    shift = shifts.get(s.cycle or 0) or 0.0
    # an automatic fit is what fits metal lines asymmetric (fit_states for a spin-orbit level,
    # fit_metal_lines for a single-line one such as Na 1s)
    if given or not lev or abs(shift) < 0.05 or not _has_metal(lev):
        return s, name, lev, fit
    try:
        refit, _ = _fit_region(s, background, None, charge_shift_eV=shift)
    except SolidnaError:
        return s, name, lev, fit  # the fit without the shift stands
    return s, name, lev, refit


def _unique_names(names: Sequence[str]) -> list[str]:
    """``names`` with repeats suffixed ``_2``, ``_3``, ... (two regions of a file with one
    label would otherwise overwrite each other's results, figures and tables)."""
    seen: set[str] = set()
    out = []
    for name in names:
        new, n = name, 1
        while new in seen:
            n += 1
            new = f"{name}_{n}"
        seen.add(new)
        out.append(new)
    return out


def _survey(spec) -> pd.DataFrame:
    from scipy.signal import find_peaks

    from solidna.analysis.xps.species import levels

    x, y = spec.binding_energy_eV, spec.intensity_cps
    smooth = np.convolve(y, np.ones(5) / 5, mode="same")
    idx, props = find_peaks(smooth, prominence=0.03 * float(np.ptp(smooth)), distance=5)
    rows = []
    for i, prom in zip(idx, props["prominences"], strict=True):
        near = [(abs(be - x[i]), lev) for lev, be in levels().items() if abs(be - x[i]) <= 5.0]
        rows.append(
            {
                "Binding energy [eV]": float(x[i]),
                "Prominence [cps]": float(prom),
                "Core level": min(near)[1] if near else "",
            }
        )
    return pd.DataFrame(rows, columns=["Binding energy [eV]", "Prominence [cps]", "Core level"])


def _xps_file(p: Path, stem: str, w, opts, comparisons, notes, progress) -> dict[str, Any]:
    from solidna.analysis.xps.io import read_xps
    from solidna.analysis.xps.species import (
        atomic_percent,
        charge_reference,
        depth_profile,
        label,
        level_of,
        rsf_table,
    )

    axis = opts.get("energy_axis")
    spectra = read_xps(p, photon_energy_eV=opts.get("photon_energy_eV"), energy_axis=axis)
    if axis is not None and not any("table starts at line" in s.metadata for s in spectra):
        # only the text and workbook readers take an axis; the others record their own
        notes.append(
            f"{p.name}: energy axis '{axis}' given but not used: the file records its own "
            "energy axis (--energy-axis is for text exports whose header does not say)."
        )
    # what the reader assumed or converted (an energy axis taken as binding energy, a kinetic
    # axis and its photon energy), once per file
    said: list[str] = []
    for s in spectra:
        said += [n for n in s.metadata.get("notes", []) if n not in said]
    notes += [f"{p.name}: {n}" for n in said]
    empty = [s for s in spectra if not s.has_counts]
    for s in empty:
        notes.append(f"{p.name}: region {s.label!r} holds no counts; skipped.")
    spectra = [s for s in spectra if s.has_counts]
    if not spectra:
        raise DataFormatError(f"{p}: every spectrum holds only zeros; nothing to analyse.")
    result: dict[str, Any] = {"spectra": len(spectra) + len(empty), "regions": {}}
    rows: list[dict[str, Any]] = []
    fits = []
    n_fig = 0
    names = _unique_names(
        [s.label + (f" cycle {s.cycle}" if s.cycle is not None else "") for s in spectra]
    )
    for k, (s, name) in enumerate(zip(spectra, names, strict=True)):
        progress(f"{p.name}: {s.label} ({k + 1}/{len(spectra)})", k / len(spectra))
        part = safe_name(name, "region")  # of the file names
        span = float(np.ptp(s.binding_energy_eV))
        if span > SURVEY_SPAN_EV:
            table = _survey(s)
            if s.cycle in (None, 1):
                unit = "counts" if s.intensity_unit == "counts" else "cps"
                w.csv(
                    f"tables/{stem}.{part}.survey.csv",
                    table.rename(columns={"Prominence [cps]": f"Prominence [{unit}]"}),
                )
                fig = _survey_figure(s, table, f"{p.name}: {name}")
                w.figure(f"{stem}_{part}_survey", fig)
            result["regions"][name] = {
                "survey": True,
                "core levels": sorted({c for c in table["Core level"] if c}),
            }
            continue
        lev = level_of(s.label, s.binding_energy_eV)
        low, high = float(np.min(s.binding_energy_eV)), float(np.max(s.binding_energy_eV))
        edge = VALENCE_EDGE_EV + (
            SPECTROMETER_WORK_FUNCTION_MAX_EV
            if s.metadata.get("converted from kinetic energy")
            else 0.0
        )
        if lev is None and low <= edge:
            # a peak fit with core-level line shapes and a Shirley background on a valence band
            # or Fermi edge gives a "component" with no meaning (a LG4X UPS Fermi-edge export
            # came out as one unassigned peak at 2.7 eV, "converged")
            result["regions"][name] = {
                "valence band or Fermi edge": True,
                "binding energy range [eV]": [low, high],
            }
            where = (
                f"0 eV, or up to {SPECTROMETER_WORK_FUNCTION_MAX_EV:g} eV on this kinetic axis "
                "converted without the spectrometer's work function"
                if edge > VALENCE_EDGE_EV
                else "0 eV"
            )
            notes.append(
                f"{p.name}: {name}: binding energies {low:.3g} to {high:.3g} eV reach the Fermi "
                f"level ({where}): a valence band or Fermi edge, not a core level; not fitted "
                "with core-level lines."
            )
            continue
        listed = opts.get("peak list") or {}
        given = listed.get(s.label) or (listed.get(lev) if lev else None)
        try:
            fit, warn = _fit_region(s, opts["background"], given)
        except SolidnaError as exc:
            result["regions"][name] = {"error": str(exc)}
            notes.append(f"{p.name}: {name}: not fitted ({exc}).")
            continue
        if warn:
            notes.append(f"{p.name}: {name}: {warn}")
        if not fit.converged_:
            notes.append(
                f"{p.name}: {name}: the fit is flagged ({'; '.join(fit.flags_)}); its numbers "
                "need a closer look."
            )
        fits.append((s, name, lev, fit, given))
    # charge correction per cycle, from the lowest main C 1s component
    shifts: dict[Any, float | None] = {}
    reference: dict[Any, tuple[str, int]] = {}  # cycle -> region and row of the C-C/C-H line
    for cycle in sorted({s.cycle or 0 for s, *_ in fits}):
        c1s = [
            (pos, area, name, row)
            for s, name, lev, fit, _ in fits
            if (s.cycle or 0) == cycle and lev == "C 1s"
            for row, (pos, area) in enumerate(
                zip(fit.table_["Position [eV]"], fit.table_["Area [cps.eV]"], strict=True)
            )
        ]
        if not c1s:
            shifts[cycle] = None
            continue
        try:
            ref = charge_reference(
                [c[0] for c in c1s], opts["charge_reference_eV"], [c[1] for c in c1s]
            )
        except DataFormatError as exc:
            shifts[cycle] = None
            notes.append(f"{p.name}: {exc}")
            continue
        shifts[cycle] = ref.shift_eV
        reference[cycle] = (c1s[ref.index][2], c1s[ref.index][3])
        where = f"{p.name}: " + (f"cycle {cycle}: " if cycle else "")
        notes += [where + w for w in ref.warnings]
    fits = [_with_shift(f, shifts, opts["background"]) for f in fits]
    for s, name, _, fit in fits:
        if s.cycle is None:
            # the components the state search added (a spin-orbit level), then the verdict
            notes += [f"{p.name}: {name}: {n}." for n in fit.notes_]
            notes += _quality_notes(f"{p.name}: {name}", fit)
    notes += _profile_quality_notes(p.name, [(s, name, fit) for s, name, _, fit in fits])
    if not any(v is not None for v in shifts.values()) and fits:
        notes.append(
            f"{p.name}: no C 1s region; binding energies are as recorded (not charge corrected)."
        )
    cycles_max = {
        s.label: max(t.cycle or 0 for t, *_ in fits if t.label == s.label) for s, *_ in fits
    }
    for s, name, lev, fit in fits:
        part = safe_name(name, "region")
        shift = shifts.get(s.cycle or 0) or 0.0
        table = fit.table_.copy()
        table.insert(0, "Region", name)
        table.insert(1, "Core level", lev or "")
        table["Charge shift [eV]"] = shift
        table["Corrected position [eV]"] = table["Position [eV]"] + shift
        table["Species"] = [label(e, lev) if lev else "" for e in table["Corrected position [eV]"]]
        # the second line of a doublet (j = l - 1/2) is the state of its first line: the table
        # holds j = l + 1/2 positions, and the partner's own position would name another state
        # (Mo metal 3d3/2 at 231.0 eV lies in the Mo(V) 3d5/2 window)
        first = dict(zip(table["Name"], table["Species"], strict=True))
        table["Species"] = [
            first.get(n[: -len(" (2)")], sp) if n.endswith(" (2)") else sp
            for n, sp in zip(table["Name"], table["Species"], strict=True)
        ]
        # a single line the state search found in a spin-orbit region where no partner fits
        # (S 2s beside Mo 3d5/2) is another level's: not part of this level's area or at.%
        other = table["Name"].isin(fit.other_lines_)
        if other.any():
            table.loc[other, "Species"] = f"line of another level (not {lev})"
            table.loc[other, "Core level"] = ""
        table["Converged"] = fit.converged_
        table["Fit quality"] = fit.quality_["verdict"]
        # the C-C/C-H component sits at the reference by construction: not a measurement
        table["Charge reference"] = [
            reference.get(s.cycle or 0) == (name, row) for row in range(len(table))
        ]
        table["Cycle"] = s.cycle
        # what tells repeated regions apart (an angle-resolved series, several samples)
        table["Series"] = ", ".join(f"{k} {v}" for k, v in (s.metadata.get("series") or {}).items())
        table["Sputter time [s]"] = s.sputter_time_s
        rows += table.to_dict(orient="records")
        result["regions"][name] = {
            "core level": lev,
            "intensity unit": s.intensity_unit,
            "background": fit.background,
            "converged": fit.converged_,
            "flags": fit.flags_,
            "reduced chi-square": fit.redchi_,
            # beside "converged" (the optimiser's word): whether the model describes the data
            "fit quality": fit.quality_["verdict"],
            "fit quality checks": fit.quality_,
            "charge shift [eV]": shift,
            **({"state search": list(fit.notes_)} if fit.notes_ else {}),
            "components": [
                f"{r['Corrected position [eV]']:.2f} eV: {r['Species'] or 'unassigned'}"
                for r in table.to_dict(orient="records")
            ],
        }
        # a depth profile draws its first and last cycle; other files every region
        shown = s.cycle is None or s.cycle in (1, cycles_max.get(s.label, 1))
        if shown and n_fig < MAX_REGION_FIGURES:
            tags = dict(zip(table["Name"], table["Species"], strict=True))
            u = s.intensity_unit
            w.figure(f"{stem}_{part}_fit", fit.plot(f"{p.name}: {name}", tags, unit=u))
            curves = pd.DataFrame(
                {
                    "Binding energy [eV]": fit.energy_eV,
                    f"Intensity [{u}]": fit.intensity_,
                    f"Background [{u}]": fit.background_,
                    f"Envelope [{u}]": fit.envelope_,
                    f"Residual [{u}]": fit.residual_,
                }
                | {f"{c} [{u}]": v for c, v in fit.components_.items()}
            )
            w.csv(f"tables/{stem}.{part}.fit.csv", curves)
            n_fig += 1
    if rows:
        comp = pd.DataFrame(rows)
        w.csv(f"tables/{stem}.xps_components.csv", _in_counts(comp, [f[0] for f in fits], notes))
        rsf = rsf_table() | dict(opts.get("rsf") or {})
        levels_seen = {lev for lev in comp["Core level"] if lev}
        missing = sorted(levels_seen - set(rsf))
        if missing:
            notes.append(
                f"{p.name}: {', '.join(missing)} left out of the atomic % (no sensitivity factor "
                f"in the table); give yours with --rsf '{missing[0]}=VALUE'."
            )
        known = comp[comp["Core level"].isin(list(rsf))]
        first = known[known["Cycle"].isna() | (known["Cycle"] == known["Cycle"].min())]
        # one composition per series: the areas of a region measured at two take-off angles
        # (or on two samples) are two measurements, and their sum mixed them (C 36.3 / O 63.7
        # at.% of a 0 and 70 degree series added together)
        series = {
            name: group.groupby("Core level")["Area [cps.eV]"].sum().to_dict()
            for name, group in first.groupby("Series", sort=False)
            if len(group["Core level"].unique()) >= 2
        }
        if len(series) == 1:
            result["atomic % [at.%]"] = atomic_percent(next(iter(series.values())), rsf)
        elif series:
            result["atomic % [at.%]"] = {name: atomic_percent(a, rsf) for name, a in series.items()}
            notes.append(
                f"{p.name}: the regions form {len(series)} series ({'; '.join(series)}): one "
                "atomic % each, never their sum."
            )
        if series:
            levels = {lev for a in series.values() for lev in a}
            result["sensitivity factors"] = {lev: rsf[lev] for lev in sorted(levels)} | {
                "source": "Scofield (1976), Al K-alpha, C 1s = 1 (rsf.toml)"
                + (", with the user's values" if opts.get("rsf") else "")
            }
        if comp["Cycle"].notna().any():
            prof = depth_profile(
                [
                    {
                        "cycle": r["Cycle"],
                        "level": r["Core level"],
                        "species": r["Species"].split(" (or")[0] or r["Name"],
                        "area": r["Area [cps.eV]"],
                        "sputter time [s]": r["Sputter time [s]"],
                    }
                    for r in rows
                    if r["Core level"] in rsf
                ],
                rsf,
                sputter_rate_m_s=opts.get("sputter_rate_m_s"),
            )
            w.csv(f"tables/{stem}.depth_profile.csv", prof)
            w.figure(f"{stem}_depth_profile", _profile_figure(prof, p.name))
            result["depth profile"] = {
                "cycles": len(prof),
                "columns": [c for c in prof.columns if c.endswith("[at.%]")],
            }
        _xps_comparison(comp, p.name, comparisons)
    return result


_VERDICT_WORDS = {
    "poor": "the model does not describe the data",
    "good": "no systematic miss",
    "not judged": "not judged",
}


def _quality_notes(where: str, fit) -> list[str]:
    """The notes of a fit's quality check (:attr:`XPSFit.quality_`), the verdict first.

    "Converged" is the optimiser's word, not the model's: a fit that leaves a shoulder or a
    doublet partner unfitted converges too, so the residual's verdict is said beside it.
    """
    verdict = _VERDICT_WORDS[fit.quality_["verdict"]]
    return [
        f"{where}: " + (f"fit quality: {verdict}: " if k == 0 else "") + f"{n}."
        for k, n in enumerate(fit.quality_["notes"])
    ]


def _profile_quality_notes(file: str, fits: Sequence[tuple[Any, str, Any]]) -> list[str]:
    """The fit-quality notes of a depth profile: those of each region's first and last cycle
    (the cycles drawn) and a count of the verdicts over all cycles (every cycle's checks are in
    summary.json); a note per cycle would bury the report (141 for a 22-cycle PHI profile)."""
    out: list[str] = []
    by_label: dict[str, list[tuple[Any, str, Any]]] = {}
    for s, name, fit in fits:
        if s.cycle is not None:
            by_label.setdefault(s.label, []).append((s, name, fit))
    for label, group in by_label.items():
        group = sorted(group, key=lambda t: t[0].cycle)
        for _s, name, fit in {id(t): t for t in (group[0], group[-1])}.values():
            out += _quality_notes(f"{file}: {name}", fit)
        poor = [t[0].cycle for t in group if t[2].quality_["verdict"] == "poor"]
        if poor:
            out.append(
                f"{file}: {label}: fit quality poor in {len(poor)} of {len(group)} cycles "
                f"({', '.join(map(str, poor))}); each cycle's checks are under 'fit quality "
                "checks' in summary.json."
            )
    return out


def _xps_comparison(comp: pd.DataFrame, name: str, comparisons: list) -> None:
    """The paper's fig2a/fig4d positions beside the nearest fitted component of the same level."""
    from solidna.targets import load_targets

    for t in load_targets(["fig2a", "fig4d"]):
        lev = paper_level(t.quantity)
        same = comp[comp["Core level"] == lev]
        if same.empty:
            continue
        distance = np.abs(same["Corrected position [eV]"].to_numpy() - t.value)
        k = int(np.argmin(distance))
        row = same.iloc[k]
        near = distance[k] <= COMPARE_WINDOW_EV
        if not near:
            continue  # no component of this file near the paper's position: nothing to set beside
        if bool(row.get("Charge reference", False)):
            # the charge correction put this line at the reference energy: comparing it with
            # the paper's C-C position would compare the reference with itself
            measured = None
            note = (
                f"the charge reference (not a measurement): the {lev} component of {name} "
                f"({row['Region']}) taken as C-C/C-H was placed at "
                f"{row['Corrected position [eV]']:.2f} eV by the charge correction"
            )
        else:
            measured = float(row["Corrected position [eV]"])
            note = (
                f"nearest {lev} component of {name} ({row['Region']}), labelled "
                f"{row['Species'] or 'unassigned'}"
            )
        comparisons.append(
            {
                "id": t.id,
                "quantity": t.quantity,
                "paper": t.value,
                "measured": measured,
                "unit": t.unit,
                "note": note,
            }
        )


def _in_counts(frame: pd.DataFrame, spectra, notes: list[str]) -> pd.DataFrame:
    """``frame`` with its rate units relabelled as counts when its spectra are raw counts (a
    text export without a dwell time and scan count); a file mixing both is noted."""
    units = {s.intensity_unit for s in spectra}
    if units == {"counts"}:
        return frame.rename(columns=lambda c: c.replace("[cps.eV]", "[counts.eV]"))
    if len(units) > 1:
        notes.append(
            "some spectra are in counts and some in counts per second: their areas (and the "
            "atomic %) are not comparable; the components table's 'cps' stands for either."
        )
    return frame


def _survey_figure(spec, table: pd.DataFrame, title: str):
    fig, ax = figure_axes()
    ax.plot(spec.binding_energy_eV, spec.intensity_cps, lw=0.7)
    for _, r in table.iterrows():
        if r["Core level"]:
            y = float(
                np.interp(r["Binding energy [eV]"], spec.binding_energy_eV, spec.intensity_cps)
            )
            ax.annotate(
                r["Core level"],
                (r["Binding energy [eV]"], y),
                fontsize=7,
                rotation=90,
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
            )
    ax.invert_xaxis()
    ax.set_xlabel("Binding energy [eV]")
    ax.set_ylabel(axis_label(f"Intensity [{spec.intensity_unit}]"))
    wrapped_title(ax, title)
    return fig


def _profile_figure(prof: pd.DataFrame, name: str):
    fig, ax = figure_axes()
    x = prof["Sputter time [s]"] if "Sputter time [s]" in prof else prof.index
    for col in prof.columns:
        if col.endswith("[at.%]") and ":" not in col:
            ax.plot(x, prof[col], "o-", ms=3, label=col.replace(" [at.%]", ""))
    ax.set_xlabel("Sputter time [s]" if "Sputter time [s]" in prof else "Sputter cycle")
    ax.set_ylabel("Atomic fraction [at.%]")
    wrapped_title(ax, f"{name}: depth profile (RSF-weighted areas)")
    ax.legend()
    return fig


# --------------------------------------------------------------------------------------------
# AFM
# --------------------------------------------------------------------------------------------
def _afm_kwargs(opts, curves: Sequence[Any] = (), name: str = "", notes=None) -> dict[str, Any]:
    """The contact-model keywords of :func:`fit_contact`: the user's, else the tip radius the
    file states (``ForceCurve.metadata["tip radius [m]"]``, Optics11 Chiaro exports) in place
    of the 10 um default, with a note; a modulus scales as R^-1/2, so the default radius put a
    27.5 um Chiaro probe's modulus 1.66 times too high."""
    radius = opts["tip_radius_m"]
    stated = {c.metadata.get("tip radius [m]") for c in curves} - {None}
    if not opts.get("tip_radius_given", True) and len(stated) == 1:
        radius = float(stated.pop())
        if notes is not None:
            notes.append(
                f"{name}: tip radius {radius * 1e6:.4g} um, as the file states (give "
                "--tip-radius to override)"
            )
    return {
        "poisson": opts["poisson"],
        "tip_radius_m": radius,
        "half_angle_deg": opts["half_angle_deg"],
    }


def _calibration(opts: Mapping[str, Any]) -> dict[str, float]:
    """The AFM calibration the user gave (``read_force_curves`` keywords; the file's otherwise)."""
    keys = ("sensitivity", "spring_constant_N_m")
    return {key: opts[key] for key in keys if opts.get(key) is not None}


def _reader_notes(curves: Sequence[Any], name: str, notes: list[str]) -> None:
    """Add what the reader assumed or turned over (``ForceCurve.metadata["notes"]``: a unit, a
    sign, a segment left out, a calibration used) to the report, each note once per file; they
    were kept on the curves and never shown."""
    seen: set[str] = set()
    for c in curves:
        for n in c.metadata.get("notes") or ():
            if n not in seen:
                seen.add(n)
                notes.append(f"{name}: {n}")


def _afm_file(p: Path, stem: str, w, opts, comparisons, notes, progress) -> dict[str, Any]:
    from solidna.analysis.afm import adhesion, film_thickness, fit_contact, read_force_curves

    curves = read_force_curves(p, **_calibration(opts))
    if len(curves) > MAX_SINGLE_CURVES:
        notes.append(
            f"{p.name}: {len(curves)} curves (a force map); the first {MAX_SINGLE_CURVES} are "
            "analysed one by one. Use --kind afm-map for the modulus map."
        )
        curves = curves[:MAX_SINGLE_CURVES]
    out: dict[str, Any] = {}
    kwargs = _afm_kwargs(opts, curves, p.name, notes)
    _reader_notes(curves, p.name, notes)
    if curves and curves[0].metadata.get("height"):
        notes.append(f"{p.name}: {curves[0].metadata['height']}")
    for k, c in enumerate(curves):
        label = f"curve {c.index}" if len(curves) > 1 else "curve"
        progress(f"{p.name}: {label}", k / len(curves))
        try:
            fit = fit_contact(c, opts["indenter"], **kwargs)
        except DataFormatError as exc:
            out[label] = {"error": str(exc)}
            notes.append(f"{p.name}: {label}: {exc}")
            continue
        res = fit.summary()
        radius = kwargs["tip_radius_m"]
        if opts["indenter"] in ("paraboloid", "dmt") and fit.max_indentation_m > 0.5 * radius:
            # Hertz's paraboloid is a sphere's tip for indentations well below its radius: the
            # exact sphere (Sneddon 1965) gives 5 % less force at half the radius (1 % at R/10)
            notes.append(
                f"{p.name}: {label}: indentation {fit.max_indentation_m * 1e9:.4g} nm is more "
                f"than half the tip radius ({radius * 1e9:.4g} nm), where the paraboloid "
                "(Hertz) departs from a sphere by over 5 %: use --indenter sphere, or check "
                "--tip-radius (a sharp tip indents as a cone or pyramid)."
            )
        if not c.spring_constant_N_m and not c.metadata.get("tip position"):
            notes.append(
                f"{p.name}: no spring constant in the file; the tip position is the recorded "
                "height (no deflection correction)."
            )
        if len(c.retract_force_N):
            res.update(adhesion(c))
        else:
            # an approach alone (a JPK export of the extend segment, a table that runs one
            # way): the modulus stands; the whole file was refused for the missing adhesion
            res["pull-off tip position [m]"] = None
            notes.append(f"{p.name}: {label}: no retract segment, so no adhesion")
        tip = c.tip("approach", fit.baseline_N)
        direction = 1.0 if tip[0] > tip[-1] else -1.0  # tip moves towards the surface
        sep_app = direction * (tip - fit.contact_point_m)  # > 0 apart, < 0 indenting
        f_app = c.approach_force_N - fit.baseline_N
        films = {
            m: film_thickness(sep_app, f_app, m, reference_rms_N=fit.rms_residual_N)
            for m in ("breakthrough", "stiffness")
        }
        res["film thickness"] = films
        out[label] = res
        suffix = "" if len(curves) == 1 else f".{c.index}"
        w.csv(
            f"tables/{stem}{suffix}.curve.csv",
            pd.DataFrame(
                {
                    "Separation [m]": fit.separation_m,
                    "Force [N]": fit.force_N,
                    "Model force [N]": fit.model_N,
                }
            ),
        )
        if k < MAX_REGION_FIGURES:
            w.figure(f"{stem}{suffix.replace('.', '_')}_force", _curve_figure(c, fit, p.name))
        found = [f for f in films.values() if f.get("found")]
        if found:
            comparisons.append(
                paper_row(
                    "fig2e.interphase_thickness",
                    found[0]["thickness [m]"] * 1e9,
                    f"{found[0]['method']} of {p.name} {label}",
                )
            )
    if not any("error" not in v for v in out.values()):
        raise DataFormatError(
            f"{p}: no curve could be analysed: " + "; ".join(v["error"] for v in out.values())
        )
    return out


def _curve_figure(c, fit, name: str):
    from matplotlib.ticker import EngFormatter

    fig, ax = figure_axes()
    tip = c.tip("approach", fit.baseline_N)
    direction = 1.0 if tip[0] > tip[-1] else -1.0
    for seg in ("approach", "retract"):
        z = c.tip(seg, fit.baseline_N)
        f = (c.approach_force_N if seg == "approach" else c.retract_force_N) - fit.baseline_N
        ax.plot(direction * (z - fit.contact_point_m) * 1e9, f * 1e9, "-", lw=0.8, label=seg)
    inside = fit.model_N > 0
    ax.plot(
        fit.separation_m[inside] * 1e9,
        fit.model_N[inside] * 1e9,
        "k--",
        lw=1.2,
        label=f"{fit.indenter} fit, E = {EngFormatter('Pa', places=1)(fit.youngs_modulus_Pa)}",
    )
    ax.axvline(0, color="0.5", lw=0.7, ls=":", label="contact point")
    # the contact region, not the whole approach travel
    reach = max(fit.max_indentation_m, 1e-10) * 1e9
    ax.set_xlim(-1.3 * reach, 4.0 * reach)
    ax.set_xlabel("Tip-sample separation [nm]")
    ax.set_ylabel("Force [nN]")
    wrapped_title(ax, f"{name}")
    ax.legend(fontsize=7)
    return fig


def _afm_map(p: Path, stem: str, w, opts, comparisons, notes, progress) -> dict[str, Any]:
    from solidna.analysis.afm import fit_force_map, modulus_grid, read_force_curves

    curves = read_force_curves(p, **_calibration(opts))
    _reader_notes(curves, p.name, notes)
    table = fit_force_map(
        curves,
        opts["indenter"],
        workers=opts["workers"],
        progress=progress,
        **_afm_kwargs(opts, curves, p.name, notes),
    )
    w.csv(f"tables/{stem}.modulus_map.csv", table)
    e = table["Young's modulus [Pa]"].to_numpy()
    good = np.isfinite(e) & (table["Flag"] == "")
    failed = int((~good).sum())
    if failed:
        notes.append(
            f"{p.name}: {failed} of {len(table)} curves flagged or not fitted "
            "(see the Flag column of the map table)."
        )
    if not good.any():
        # the first curve's own reason (e.g. "the force never rises above the noise": a map
        # whose curves do not reach the surface) says what to change; "could not be fitted"
        # alone did not
        flags = table["Flag"].astype(str)
        reason = next((f for f in flags if f), "")
        raise DataFormatError(
            f"{p}: no curve of the map could be fitted"
            + (f"; the first curve's reason: {reason}" if reason else "")
            + ". See the curves one by one with --kind afm-force."
        )
    fig, (ax1, ax2) = figure_axes((10, 4), 1, 2)
    if np.isfinite(table["x [m]"]).all() and len(curves) > 1:
        grid, xs, ys = modulus_grid(table)
        im = ax1.imshow(
            grid / 1e6,
            origin="lower",
            cmap="viridis",
            aspect="equal",  # a map in true proportions
            extent=(xs.min() * 1e6, xs.max() * 1e6, ys.min() * 1e6, ys.max() * 1e6),
        )
        fig.colorbar(im, ax=ax1, label="Young's modulus [MPa]")
        ax1.grid(False)
        ax1.set_xlabel("x [\u00b5m]")
        ax1.set_ylabel("y [\u00b5m]")
    ax1.set_title(f"{p.name}: modulus map")
    ax2.hist(e[good] / 1e6, bins=min(50, max(5, int(good.sum() ** 0.5))))
    ax2.set_xlabel("Young's modulus [MPa]")
    ax2.set_ylabel("Curves")
    ax2.set_title("histogram")
    fig.tight_layout()
    w.figure(f"{stem}_modulus_map", fig)
    eg = e[good]
    return {
        "curves": len(table),
        "fitted": int(good.sum()),
        "flagged": failed,
        "indenter": opts["indenter"],
        "Young's modulus mean [Pa]": float(np.mean(eg)),
        "Young's modulus median [Pa]": float(np.median(eg)),
        "Young's modulus std [Pa]": float(np.std(eg)),
        "Young's modulus mean absolute deviation [Pa]": float(np.mean(np.abs(eg - eg.mean()))),
    }


# --------------------------------------------------------------------------------------------
# Topography
# --------------------------------------------------------------------------------------------
def _topo_file(p: Path, stem: str, w, opts, comparisons, notes, progress) -> dict[str, Any]:
    from solidna.analysis.topography import level, plot_3d, plot_image, read_topography, roughness

    topo = read_topography(p, opts.get("channel"))
    for n in topo.notes:
        notes.append(f"{p.name}: {n}")
    size = int(np.size(topo.heights_m))
    missing = size - int(np.isfinite(topo.heights_m).sum())
    if missing:
        notes.append(
            f"{p.name}: {missing} of {size} points have no height in the file (missing data): "
            f"levelled and evaluated on the other {size - missing}."
        )
    if topo.is_profile:
        return _profile_result(p, stem, w, opts, notes, topo, missing)
    h = level(topo.heights_m, opts["level"])
    r = roughness(h)
    w.figure(f"{stem}_topography", plot_image(topo, h, f"{p.name}: {topo.channel}"))
    w.figure(f"{stem}_topography_3d", plot_3d(topo, h, f"{p.name}: {topo.channel}"))
    ny, nx = h.shape
    comparisons.append(
        paper_row(
            "figS8.roughness",
            r["Sq"] * 1e9,
            f"Sq of {p.name} ({topo.channel}, level {opts['level']}); Sa = {r['Sa'] * 1e9:.3g} nm",
        )
    )
    return {
        "channel": topo.channel,
        "channels": topo.channels,
        "points": [nx, ny],
        "missing points": missing,
        "size [um]": [topo.size_m[0] * 1e6, topo.size_m[1] * 1e6],
        "level": opts["level"],
        "definitions": "ISO 25178-2 on the levelled heights: Sa mean |z|, Sq rms, Sz max - min",
    } | _in_nm(r)


def _in_nm(r: Mapping[str, float]) -> dict[str, float]:
    """Roughness parameters with the heights in nm (``"Sq [nm]"``); Ssk, Sku as they are."""
    return {
        (f"{k} [nm]" if k[1:] in ("a", "q", "z", "p", "v") else k): (
            v * 1e9 if k[1:] in ("a", "q", "z", "p", "v") else v
        )
        for k, v in r.items()
    }


def _profile_result(p: Path, stem: str, w, opts, notes, topo, missing: int) -> dict[str, Any]:
    """A line profile: ISO 4287 profile parameters and a profile figure."""
    from solidna.analysis.topography import level, plot_image, roughness

    # a profile's mean line is its least-squares straight line, under plane and line alike
    h = level(topo.heights_m, opts["level"], topo.positions_m)
    r = roughness(h, x_m=topo.positions_m)
    w.figure(f"{stem}_profile", plot_image(topo, h, f"{p.name}: {topo.channel}"))
    notes.append(
        f"{p.name}: a line profile; its Rq is not set beside the paper's areal roughness "
        "(Fig. S8), which is of a map."
    )
    return {
        "channel": topo.channel,
        "channels": topo.channels,
        "profile": True,
        "points": int(np.size(h)),
        "missing points": missing,
        "length [um]": topo.size_m[0] * 1e6,
        "level": opts["level"],
        "definitions": "ISO 4287 on the levelled profile, each point weighted by the length it "
        "stands for: Ra mean |z|, Rq rms, Rz = Rp + Rv over the whole profile (one evaluation "
        "length, no filter)",
    } | _in_nm(r)


_RUNNERS: dict[str, Callable] = {
    "xps": _xps_file,
    "afm-force": _afm_file,
    "afm-map": _afm_map,
    "topography": _topo_file,
}


def _one_sample_per_file(results: Mapping[str, Any]) -> list[str]:
    """A note when some XPS files of the run were not charge corrected for want of a C 1s region
    that another file of the run holds.

    Each file is one sample: its C 1s region gives its charge shift and its regions make its
    atomic %. Thermo Avantage exports each region of a sample as a CSV of its own
    (theoechem/article_MAHE_2024_IL_pitfalls: ``..._C_1s.csv``, ``..._Na_1s.csv``, ...): given
    together, each region file was told "no C 1s region; binding energies are as recorded",
    which did not say why the C 1s file of the same run did not count.
    """
    # the fitted core levels of each file (a survey or a valence band names none)
    levels = {
        name: {
            r["core level"]
            for r in res["regions"].values()
            if isinstance(r, Mapping) and r.get("core level")
        }
        for name, res in results.items()
        if isinstance(res, Mapping) and isinstance(res.get("regions"), Mapping)
    }
    with_c1s = sorted(name for name, lev in levels.items() if "C 1s" in lev)
    without = sorted(name for name, lev in levels.items() if lev and "C 1s" not in lev)
    if not with_c1s or not without:
        return []
    return [
        f"each file is analysed as one sample: {', '.join(without)} "
        f"{'holds' if len(without) == 1 else 'hold'} no C 1s region and "
        f"{'is' if len(without) == 1 else 'are'} not charge corrected, although "
        f"{', '.join(with_c1s)} {'holds' if len(with_c1s) == 1 else 'hold'} one; nor are the "
        "regions of different files quantified together (atomic %). If they are regions of one "
        "sample exported one per file (Thermo Avantage's CSV per region), export the sample's "
        "regions into one file (VAMAS .vms, or one workbook with a sheet per region)."
    ]


def analyze_surface(
    kind: str,
    paths: Sequence[Path],
    stems: Sequence[str],
    writer,
    opts: Mapping[str, Any],
    progress: Callable[[str, float | None], None],
    render: Callable[[Mapping[str, Any], Mapping[str, Path]], str],
    tic: float,
) -> dict[str, Any]:
    """Analyse surface files and write tables, figures, ``summary.json`` and ``report.html``.

    ``writer`` has ``csv(relative, frame)``, ``figure(stem, fig)``, ``path(relative)``,
    ``files`` and ``out`` (the output directory); ``render(summary, figures)`` makes the HTML
    page.

    Parameters
    ----------
    kind : str
        The surface kind (one of :data:`SURFACE_KINDS`).
    paths : sequence of pathlib.Path
        The input files.
    stems : sequence of str
        Output name stem for each file.
    writer : object
        Writes the tables and figures (see above).
    opts : mapping
        Checked options from :func:`surface_options` (SI units).
    progress : callable
        Called as ``progress(message, fraction)`` with the fraction done [-] (or None).
    render : callable
        Makes the HTML report from the summary and the figure paths.
    tic : float
        Start time from :func:`time.perf_counter` [s], for the wall time.

    Returns
    -------
    dict
        The summary (also written to ``summary.json``).

    Raises
    ------
    DataFormatError
        Every file failed (each reason named).
    """
    from solidna.progress import scaled

    runner = _RUNNERS[kind]
    comparisons: list[dict[str, Any]] = []
    notes: list[str] = []
    results: dict[str, Any] = {}
    files = []
    errors = []
    n = len(paths)
    for k, (p, stem) in enumerate(zip(paths, stems, strict=True)):
        sub = scaled(progress, 0.95 * k / n, 0.95 * (k + 1) / n)
        t0 = time.perf_counter()
        try:
            results[p.name] = runner(p, stem, writer, opts, comparisons, notes, sub)
            files.append(
                {"file": str(p), "kind": kind, "wall time [s]": round(time.perf_counter() - t0, 3)}
            )
        except SolidnaError as exc:
            # the readers' messages start with the path already: name the file once
            message = str(exc)
            for prefix in (f"{p}: ", f"{p.name}: "):
                message = message.removeprefix(prefix)
            errors.append(f"{p.name}: {message}")
            results[p.name] = {"error": str(exc)}
            files.append({"file": str(p), "kind": kind, "error": str(exc)})
    if len(errors) == n:
        raise DataFormatError("no file could be analysed: " + " | ".join(errors))
    notes += [f"not analysed: {e}" for e in errors]
    if kind == "xps":
        notes += _one_sample_per_file(results)
    # the inputs as understood: the options that act on this kind (workers change no result)
    shown = {n for names, kinds in SURFACE_OPTION_KINDS.items() if kind in kinds for n in names}
    shown.discard("workers")
    inputs = {k: v for k, v in opts.items() if _OPTION_OF_KEY.get(k, k) in shown}
    return write_summary(
        writer,
        render,
        progress,
        0.97,
        tic,
        kind=kind,
        files=files,
        inputs=inputs,
        results=results,
        comparisons=comparisons,
        notes=notes,
    )
