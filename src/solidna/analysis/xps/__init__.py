"""X-ray photoelectron spectroscopy: files in, fitted components, species, atomic % out.

Modules
-------
io
    VAMAS ``.vms``/``.npl`` (REGULAR and IRREGULAR), PHI ``.pro`` depth profiles, text/CSV:
    :func:`read_xps` -> list of :class:`XPSSpectrum` (binding energy ascending, counts per second).
lineshapes
    Gaussian-Lorentzian sum/product, pseudo-Voigt, Voigt, Doniach-Sunjic; iterative Shirley,
    Tougaard U2/U3 and linear backgrounds.
fit
    :class:`XPSFit` (lmfit): active Shirley/Tougaard background, components, spin-orbit doublets,
    shared FWHM and position constraints; :func:`guess_peaks`; :func:`fit_states` (adds the
    chemical states a spin-orbit region's residual calls for, by the BIC); :func:`fit_metal_lines`
    (the asymmetric metal line for a fitted line at a metal's position, e.g. Na metal 1s).
species
    Species table with literature binding energies (``species.toml``), charge correction to
    adventitious C 1s, atomic % with relative sensitivity factors (``rsf.toml``), depth profiles.
"""

from __future__ import annotations

from solidna.analysis.xps.fit import (
    BACKGROUNDS,
    Peak,
    XPSFit,
    fit_metal_lines,
    fit_states,
    guess_peaks,
)
from solidna.analysis.xps.io import XPSSpectrum, read_xps
from solidna.analysis.xps.lineshapes import METAL_SHAPES, SHAPES, line_shape, shirley, tougaard
from solidna.analysis.xps.species import (
    ADVENTITIOUS_C1S_EV,
    assign,
    atomic_percent,
    charge_shift,
    depth_profile,
    metallic_state,
    rsf_table,
    species_table,
)

__all__ = [
    "ADVENTITIOUS_C1S_EV",
    "BACKGROUNDS",
    "METAL_SHAPES",
    "SHAPES",
    "Peak",
    "XPSFit",
    "XPSSpectrum",
    "assign",
    "atomic_percent",
    "charge_shift",
    "depth_profile",
    "fit_metal_lines",
    "fit_states",
    "guess_peaks",
    "line_shape",
    "metallic_state",
    "read_xps",
    "rsf_table",
    "shirley",
    "species_table",
    "tougaard",
]
