"""Automatic start peaks of spin-orbit levels are doublets (session 16).

Without start peaks, :func:`solidna.analysis.xps.fit.guess_peaks` put one single line on each
maximum: a doublet level (Mo 3d, Sn 3d, Cl 2p, S 2p) was fitted as independent lines, an
unresolved partner (S 2p, P 2p, a broad Cl 2p) or one hidden under another line (the 3d5/2 of
MoO3 beside the 3d3/2 of Mo metal) was missed, and the fit was "poor". With ``level`` the start
peaks are doublets with the splitting and area ratio of ``species.toml`` (Moulder et al.,
Handbook of X-ray Photoelectron Spectroscopy, 1992); the automatic fit of a region
(``surface_pipeline._fit_region``) passes the region's level.

The spectra are synthetic: GL(30) lines on a flat background with Poisson counts (numpy's
generator, fixed seeds), as a VAMAS block holding counts per second with its dwell time and
number of scans (ISO 14976 layout; no file copied).
"""

from __future__ import annotations

import numpy as np
import pytest

from _twins import DWELL_S, SCANS, counting_spectrum
from solidna.analysis.surface_pipeline import _fit_region
from solidna.analysis.xps.fit import guess_peaks
from solidna.analysis.xps.io import XPSSpectrum
from solidna.analysis.xps.lineshapes import line_shape
from solidna.analysis.xps.species import doublet_of

#: Flat background [counts].
BACKGROUND = 800.0


def _spectrum(level: str, be: np.ndarray, states, seed: int) -> XPSSpectrum:
    """A region of ``level`` holding one doublet per chemical state ``(area [counts], j = l + 1/2
    position [eV], FWHM [eV])``, with the table's splitting and area ratio; Poisson counts."""
    d = doublet_of(level)
    mean = np.full_like(be, BACKGROUND)
    for area, center, fwhm in states:
        mean += line_shape("gl_sum", be, area, center, fwhm, 0.3)
        mean += line_shape("gl_sum", be, area * d.area_ratio, center + d.splitting_eV, fwhm, 0.3)
    counts = np.random.default_rng(seed).poisson(mean).astype(float)
    return counting_spectrum(be, counts, level)


#: Regions: level, energies [eV], states (area [counts], position [eV], FWHM [eV]).
CASES = {
    # SnO2: 3d5/2 at 486.6 eV, resolved partner 8.41 eV higher
    "Sn 3d": ("Sn 3d", np.arange(480.0, 500.0 + 0.05, 0.1), [(60000.0, 486.6, 1.2)]),
    # a broad Cl 2p (1.5 eV lines, 1.6 eV split): the 2p1/2 is a shoulder, not a maximum
    "Cl 2p": ("Cl 2p", np.arange(194.0, 206.0 + 0.025, 0.05), [(20000.0, 198.5, 1.5)]),
    # sulfide S 2p: 1.18 eV split under 1.3 eV lines, one maximum between the lines
    "S 2p": ("S 2p", np.arange(158.0, 170.0 + 0.025, 0.05), [(20000.0, 162.0, 1.3)]),
    # Mo metal and a little MoO3: the oxide 3d5/2 (232.5 eV) merges with the metal 3d3/2
    "Mo 3d": (
        "Mo 3d",
        np.arange(224.0, 240.0 + 0.025, 0.05),
        [(30000.0, 228.0, 1.0), (9000.0, 232.5, 1.4)],
    ),
}


def _doublets(fit) -> list[tuple[float, float, float, float]]:
    """(position [eV], partner position [eV], area, partner area [cps.eV]) of each doublet."""
    t = fit.table_.set_index("Name")
    out = []
    for name in t.index:
        if f"{name} (2)" in t.index:
            a, b = t.loc[name], t.loc[f"{name} (2)"]
            out.append(
                (a["Position [eV]"], b["Position [eV]"], a["Area [cps.eV]"], b["Area [cps.eV]"])
            )
    return sorted(out)


@pytest.mark.parametrize("case", list(CASES))
def test_automatic_fit_of_a_doublet_level_uses_doublets(case):
    """Old code: single lines at the maxima - S 2p, Cl 2p, Mo 3d judged "poor" (one line for
    an unresolved doublet; the hidden MoO3 3d5/2 missed), Sn 3d fitted as two free lines."""
    level, be, states = CASES[case]
    d = doublet_of(level)
    fit, warning = _fit_region(_spectrum(level, be, states, seed=11), "shirley")
    assert warning is None
    assert fit.converged_, fit.flags_
    assert fit.quality_["verdict"] != "poor", fit.quality_["notes"]
    assert not any("fitted as single lines" in n for n in fit.quality_["notes"])
    found = _doublets(fit)
    assert len(found) == len(states) and len(fit.table_) == 2 * len(states)
    for (_, center, _), (pos, pos2, a1, a2) in zip(
        sorted(states, key=lambda s: s[1]), found, strict=True
    ):
        assert pos == pytest.approx(center, abs=0.05)
        assert pos2 - pos == pytest.approx(d.splitting_eV, abs=1e-6)
        assert a2 / a1 == pytest.approx(d.area_ratio, rel=1e-6)


def test_round_trip_recovers_the_component_areas():
    """Mo metal + MoO3 simulated with known areas, fitted automatically: each state's area
    (both lines, in counts per second) within 3 % (Poisson noise on ~10^4 counts per line is
    ~1 %; the Shirley background shares the rest). Old code: 3 single lines, no oxide doublet."""
    level, be, states = CASES["Mo 3d"]
    d = doublet_of(level)
    for seed in (1, 2, 3):
        fit, _ = _fit_region(_spectrum(level, be, states, seed=seed), "shirley")
        found = _doublets(fit)
        assert len(found) == 2
        for (area, _, _), (_, _, a1, a2) in zip(
            sorted(states, key=lambda s: s[1]), found, strict=True
        ):
            true_cps = area * (1.0 + d.area_ratio) / (DWELL_S * SCANS)
            assert a1 + a2 == pytest.approx(true_cps, rel=0.03)


def test_resolved_partner_maximum_is_not_a_peak_of_its_own():
    """Two resolved Mo 3d states (four maxima) give two doublets, centred at the 3d5/2 lines."""
    be = np.arange(224.0, 240.0 + 0.025, 0.05)
    spec = _spectrum("Mo 3d", be, [(30000.0, 227.9, 0.9), (24000.0, 232.6, 1.3)], seed=4)
    peaks = guess_peaks(spec.binding_energy_eV, spec.intensity_cps, level="Mo 3d")
    assert [p.splitting_eV for p in peaks] == [3.13, 3.13]
    assert [p.area_ratio for p in peaks] == [pytest.approx(2 / 3, abs=1e-3)] * 2
    assert [p.center_eV for p in peaks] == [
        pytest.approx(227.9, abs=0.1),
        pytest.approx(232.6, abs=0.1),
    ]


def test_partner_above_the_window_keeps_a_single_line_and_is_noted():
    """A window holding only Sn 3d5/2 (480-492 eV): the 3d3/2 at 495 eV is not measured, so
    the start peak stays a single line (no unmeasured area is added) and the quality notes
    say the partner lies outside the window."""
    be = np.arange(480.0, 492.0 + 0.05, 0.1)
    spec = _spectrum("Sn 3d", be, [(60000.0, 486.6, 1.2)], seed=5)
    peaks = guess_peaks(spec.binding_energy_eV, spec.intensity_cps, level="Sn 3d5/2")
    assert len(peaks) == 1 and peaks[0].splitting_eV is None
    fit, _ = _fit_region(spec, "shirley")
    assert any("lies above the measured window" in n for n in fit.quality_["notes"])


@pytest.mark.parametrize("level", ["C 1s", "O 1s", "F 1s", "N 1s", "Na 1s", "Cu 3p"])
def test_single_line_levels_give_the_same_start_peaks(level):
    """C 1s (C-C, C-O, O-C=O) and other levels that are not doublets: start peaks identical,
    field by field, to those without a level."""
    be = np.arange(280.0, 295.0 + 0.025, 0.05)
    mean = BACKGROUND + sum(
        line_shape("gl_sum", be, a, c, 1.2, 0.3)
        for a, c in ((30000.0, 284.8), (9000.0, 286.4), (4000.0, 288.9))
    )
    y = np.random.default_rng(6).poisson(mean).astype(float)
    assert guess_peaks(be, y, level=level) == guess_peaks(be, y)
    assert all(p.splitting_eV is None for p in guess_peaks(be, y, level=level))
