"""Round trips of the surface analysis (issue 14): make data with known parameters, analyse it,
recover them.

* XPS: a 4-peak region (the paper's C 1s states of Fig. 2a) on a Shirley or Tougaard background
  with counting noise -> positions within 0.05 eV, areas within 2 %;
* AFM: Hertz/Sneddon curves with known E and contact point and noise -> within 1 %;
* topography: a surface with a known Sq under a tilt -> Sq exact after plane levelling.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.afm import ForceCurve, fit_contact, indentation_force
from solidna.analysis.topography import level, roughness
from solidna.analysis.xps.fit import Peak, XPSFit
from solidna.analysis.xps.lineshapes import (
    TOUGAARD_U3_C_EV2,
    TOUGAARD_U3_D_EV2,
    line_shape,
)

#: Issue 14's acceptance: positions within 0.05 eV, areas within 2 %.
POSITION_ATOL_EV = 0.05
AREA_RTOL = 0.02
#: Issue 14's acceptance for the force curves: E and contact point within 1 %.
AFM_RTOL = 0.01
#: "Exact" for a roughness: double-precision round-off of sums over 10^4 points.
SQ_RTOL = 1e-12

# (position [eV], area [cps.eV], FWHM [eV]): C-C, C-O, carboxylate, CF2 of Fig. 2a (284.8 scale)
C1S = [(284.8, 30000.0, 1.1), (286.5, 12000.0, 1.2), (289.2, 8000.0, 1.3), (291.3, 5000.0, 1.2)]


def _region(background: str, shape: str, seed: int, scale: float = 1.0):
    x = np.linspace(279.0, 297.0, 361)
    peaks = sum(line_shape(shape, x, a * scale, c, w, 0.3) for c, a, w in C1S)
    dx = np.diff(x)
    if background == "shirley":
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (peaks[1:] + peaks[:-1]) * dx)])
        bg = 2000.0 * scale + 0.04 * cum
    else:
        t = float(np.mean(dx)) * np.arange(len(x))
        k = t / ((TOUGAARD_U3_C_EV2 - t * t) ** 2 + TOUGAARD_U3_D_EV2 * t * t)
        bg = 2000.0 * scale + 2500.0 * np.convolve(peaks, k)[: len(x)] * float(np.mean(dx))
    rng = np.random.default_rng(seed)
    return x, rng.poisson(peaks + bg).astype(float)


@pytest.mark.parametrize("background", ["shirley", "tougaard-u3"])
@pytest.mark.parametrize("shape", ["gl_sum", "voigt"])
@pytest.mark.parametrize("seed", [0, 1])
def test_xps_region_round_trip(background, shape, seed):
    x, y = _region(background, shape, seed)
    starts = [Peak(f"p{k}", c + 0.3 * (-1) ** k, 1.0, shape) for k, (c, _, _) in enumerate(C1S)]
    fit = XPSFit(starts, background).fit(x, y)
    assert fit.converged_
    t = fit.table_
    for k, (c, a, _) in enumerate(C1S):
        assert t["Position [eV]"].iloc[k] == pytest.approx(c, abs=POSITION_ATOL_EV)
        assert t["Area [cps.eV]"].iloc[k] == pytest.approx(a, rel=AREA_RTOL)


def test_xps_doublet_round_trip():
    # Cl 2p-like doublet: splitting 1.6 eV, area ratio 1/2 (p level), on a Shirley step
    x = np.linspace(192.0, 212.0, 401)
    peaks = (
        line_shape("gl_sum", x, 6000, 198.6, 1.0, 0.3)
        + line_shape("gl_sum", x, 3000, 200.2, 1.0, 0.3)
        + line_shape("gl_sum", x, 4000, 208.5, 1.2, 0.3)
        + line_shape("gl_sum", x, 2000, 210.1, 1.2, 0.3)
    )
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (peaks[1:] + peaks[:-1]) * np.diff(x))])
    y = np.random.default_rng(3).poisson(500 + peaks + 0.05 * cum).astype(float)
    fit = XPSFit(
        [
            Peak("NaCl", 198.4, splitting_eV=1.6, area_ratio=0.5),
            Peak("NaClO4", 208.8, splitting_eV=1.6, area_ratio=0.5),
        ],
        "shirley",
    ).fit(x, y)
    t = fit.table_.set_index("Name")
    assert t.loc["NaCl", "Position [eV]"] == pytest.approx(198.6, abs=POSITION_ATOL_EV)
    assert t.loc["NaClO4 (2)", "Position [eV]"] == pytest.approx(210.1, abs=POSITION_ATOL_EV)
    assert t.loc["NaCl", "Area [cps.eV]"] == pytest.approx(6000, rel=AREA_RTOL)
    assert t.loc["NaClO4 (2)", "Area [cps.eV]"] == pytest.approx(2000, rel=AREA_RTOL)


def test_xps_fit_that_cannot_converge_is_flagged():
    # pure noise and a budget of 3 evaluations: the result says it did not converge
    x = np.linspace(280, 295, 301)
    y = np.random.default_rng(0).poisson(100.0, size=x.size).astype(float)
    fit = XPSFit([Peak("a", 285.0), Peak("b", 286.0)], "linear", max_nfev=3).fit(x, y)
    assert not fit.converged_
    from solidna.errors import ConvergenceError

    with pytest.raises(ConvergenceError, match="did not converge"):
        fit.check()


@pytest.mark.parametrize("indenter", ["paraboloid", "cone", "pyramid", "sphere"])
@pytest.mark.parametrize("e_pa", [5e3, 7.3e6])
def test_force_curve_round_trip(indenter, e_pa):
    kw = {"tip_radius_m": 2e-6, "half_angle_deg": 35.0, "poisson": 0.4}
    cp = 400e-9
    z = np.linspace(1200e-9, 0.0, 3000)
    f = indentation_force(indenter, cp - z, e_pa, **kw)
    rng = np.random.default_rng(7)
    f_noisy = f + 0.003 * f.max() * rng.standard_normal(z.size) - 2e-10
    fit = fit_contact(ForceCurve(z, f_noisy, z[::-1], f_noisy[::-1]), indenter, **kw)
    assert fit.youngs_modulus_Pa == pytest.approx(e_pa, rel=AFM_RTOL)
    assert fit.contact_point_m == pytest.approx(cp, rel=AFM_RTOL)


def test_known_sq_survives_plane_levelling_exactly():
    rng = np.random.default_rng(11)
    field = level(rng.standard_normal((100, 120)), "plane")  # no plane left in it
    sq = 6.15e-9
    field *= sq / np.sqrt(np.mean(field**2))
    y, x = np.mgrid[0:100, 0:120]
    tilted = field + 3e-8 + 2e-10 * x - 5e-10 * y
    assert roughness(level(tilted, "plane"))["Sq"] == pytest.approx(sq, rel=SQ_RTOL)
    # 'none' removes only the mean: the tilt stays in the roughness
    assert roughness(level(tilted, "none"))["Sq"] > 2 * sq
