"""Lines of another level of the same element inside a spin-orbit region (session 18).

The shared Kratos W 4f region (LG4X ``Example/0-150W.vms``, MIT) holds, besides the W 4f
doublet, the W 5p3/2 line about 6 eV above W 4f7/2 (36.8 eV against 31.4 eV in the metal:
Moulder et al. 1992; X-ray Data Booklet, Table 1-1). :func:`~solidna.analysis.xps.fit.fit_states`
screened the residual for W 4f doublets only (a single line needs a large extra BIC fall there),
so on that region cut at 45 eV it took the broad W 5p3/2 line for a second W 4f doublet at
39.4 eV (a "W state" 5.9 eV above the WO3 doublet, 6 % of the fitted area) and counted it in
the W 4f area. ``species.toml`` ``[[companions]]`` now names such lines and :func:`fit_states`
tries them where the physics puts them (offset from the strongest doublet's first line),
keeping one only when the BIC falls by ``BIC_MIN_DECREASE``; it is listed in ``other_lines_``
(out of the level's area) and does not count as a chemical state. A doublet further from the
strongest one than the level's states lie apart in ``species.toml`` (``state_span_eV``: W 4f7/2
metal 31.4 to WO3 35.8 eV, with tolerances 5.1 eV) is no longer added as a state.

The spectra are synthetic: the package's own GL(30) lines (``line_shape("gl_sum", ...)``) on a
Shirley-type step (a constant plus the cumulative peak area) with Poisson counts (numpy's
generator, fixed seeds), as a VAMAS block holding counts per second with its dwell time and
number of scans (ISO 14976 layout, as ``tests/_twins.counting_spectrum`` writes it; no file
copied). The layout of the window (25 eV wide, 0.1 eV step, WO3-like doublet 8 eV above its
low end) follows the LG4X example named above.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from _twins import DWELL_S, SCANS, counting_spectrum
from solidna.analysis.xps.fit import fit_states
from solidna.analysis.xps.lineshapes import _cumulative_area, line_shape
from solidna.analysis.xps.species import doublet_of

ROOT = Path(__file__).resolve().parents[2]
#: Binding energies of the W 4f window [eV] (Kratos layout: 0.1 eV step).
W = np.arange(27.5, 47.5 + 0.05, 0.1)
#: Background below the lines [counts] and the share of it the Shirley step adds above them.
BACKGROUND, STEP_SHARE = 600.0, 0.2
#: WO3-like W 4f7/2 line: area [counts], position [eV], FWHM [eV].
WO3 = (12000.0, 35.8, 1.15)
#: W 5p3/2 line: 11 % of the W 4f7/2 area, 5.6 eV above it (WO3: 35.8 / 41.4 eV), 2 eV wide.
W5P = (1300.0, 41.4, 2.0)


def _region(seed: int, with_5p: bool = True):
    """A W 4f region: the WO3-like doublet (the table's split and area ratio), the W 5p3/2 line
    when ``with_5p``, a Shirley-type step and Poisson counts, in counts per second."""
    d = doublet_of("W 4f")
    area, center, fwhm = WO3
    peaks = line_shape("gl_sum", W, area, center, fwhm, 0.3)
    peaks += line_shape("gl_sum", W, area * d.area_ratio, center + d.splitting_eV, fwhm, 0.3)
    if with_5p:
        peaks += line_shape("gl_sum", W, W5P[0], W5P[1], W5P[2], 0.3)
    step = _cumulative_area(peaks, np.diff(W))
    mean = BACKGROUND + peaks + STEP_SHARE * BACKGROUND * step / step[-1]
    counts = np.random.default_rng(seed).poisson(mean).astype(float)
    return counting_spectrum(W, counts, "W 4f")


def _region_with(seed: int, lines) -> object:
    """The W 4f region of :func:`_region` without its W 5p3/2 line, with the single ``lines``
    (area [counts], position [eV], FWHM [eV]) instead."""
    d = doublet_of("W 4f")
    area, center, fwhm = WO3
    peaks = line_shape("gl_sum", W, area, center, fwhm, 0.3)
    peaks += line_shape("gl_sum", W, area * d.area_ratio, center + d.splitting_eV, fwhm, 0.3)
    for a, c, w in lines:
        peaks += line_shape("gl_sum", W, a, c, w, 0.3)
    step = _cumulative_area(peaks, np.diff(W))
    mean = BACKGROUND + peaks + STEP_SHARE * BACKGROUND * step / step[-1]
    counts = np.random.default_rng(seed).poisson(mean).astype(float)
    return counting_spectrum(W, counts, "W 4f")


def _w4f_states(fit) -> list[tuple[float, float]]:
    """(position [eV], area of the state, both lines [cps.eV]) of every W 4f doublet, lines of
    another level left out."""
    rows = fit.table_.set_index("Name")
    out = []
    for p in fit.peaks:
        if p.splitting_eV is None or p.name in fit.other_lines_:
            continue
        out.append(
            (
                float(rows.loc[p.name, "Position [eV]"]),
                float(
                    rows.loc[p.name, "Area [cps.eV]"] + rows.loc[f"{p.name} (2)", "Area [cps.eV]"]
                ),
            )
        )
    return out


def _assert_the_one_wo3_state(fit) -> None:
    """One W 4f state, WO3's, at its position (0.1 eV) with its area (5 %)."""
    states = _w4f_states(fit)
    assert len(states) == 1, (states, fit.notes_)
    position, area = states[0]
    truth = WO3[0] * (1.0 + doublet_of("W 4f").area_ratio) / (DWELL_S * SCANS)
    assert abs(position - WO3[1]) < 0.1
    assert abs(area / truth - 1.0) < 0.05, (area, truth)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_w5p_line_is_not_a_w4f_state(seed):
    # the old code found the line only through the residual screen, as an unnamed single line
    # ("41.3 eV"); on the real region cut at 45 eV it took it for a W 4f doublet at 39.4 eV
    fit = fit_states(_region(seed))
    _assert_the_one_wo3_state(fit)
    line = [p.name for p in fit.peaks if p.name in fit.other_lines_]
    assert line == ["W 5p3/2"], fit.notes_
    at = float(fit.table_.set_index("Name").loc["W 5p3/2", "Position [eV]"])
    assert abs(at - W5P[1]) < 0.2
    assert any("W 5p3/2" in n and "left out of the W 4f area" in n for n in fit.notes_)


@pytest.mark.parametrize("seed", [3, 4])
def test_no_w5p_line_where_the_data_hold_none(seed):
    # the line is kept only when the BIC says the data hold it
    fit = fit_states(_region(seed, with_5p=False))
    assert fit.other_lines_ == [], fit.notes_
    assert len(_w4f_states(fit)) == 1, fit.notes_


def test_companions_table():
    # W 4f names W 5p3/2 (with its j suffix or none), other levels none; sources are cited
    from solidna.analysis.xps.species import companions_of

    assert [c.line for c in companions_of("W 4f7/2")] == ["W 5p3/2"]
    assert [c.line for c in companions_of("W 4f")] == ["W 5p3/2"]
    assert companions_of("Mo 3d") == [] and companions_of(None) == []
    bib = (ROOT / "src" / "solidna" / "parameters" / "references.bib").read_text()
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M))
    assert {c.source for c in companions_of("W 4f")} <= keys


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_w4f_state_beyond_the_span_of_w_states(seed):
    # the W 5p3/2 line and a broad feature above it (a loss structure): the old code took
    # them for W 4f doublets at 41.8-43.9 eV, 6-8 eV above WO3, where no W 4f state lies
    # (species.toml: metal 31.4 to WO3 35.8 eV), adding 3-7 % to the W 4f area
    from solidna.analysis.xps.species import state_span_eV

    fit = fit_states(_region_with(seed, [W5P, (900.0, 44.5, 3.0)]))
    _assert_the_one_wo3_state(fit)
    assert "W 5p3/2" in fit.other_lines_
    assert state_span_eV("W 4f") == pytest.approx(35.8 + 0.4 - (31.4 - 0.3))


def test_state_span_of_levels():
    # from the states of species.toml; none for a level without two states (Sn 3d) or an s level
    from solidna.analysis.xps.species import state_span_eV

    assert state_span_eV("Mo 3d5/2") == pytest.approx(232.6 + 0.4 - (227.9 - 0.3))
    assert state_span_eV("S 2p") == pytest.approx(168.8 + 0.7 - (162.0 - 0.7))
    assert state_span_eV("Sn 3d") is None and state_span_eV("C 1s") is None
    assert state_span_eV(None) is None
