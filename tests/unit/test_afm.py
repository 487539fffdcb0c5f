"""AFM force curves and maps (issue 14): readers, contact models, fits, adhesion, film thickness.

Real files: ``../shared/data/afm`` (values from shared/data/README.md and afmformats' tests).
"""

from __future__ import annotations

import numpy as np
import pytest

from _shared_data import shared_data
from solidna.analysis.afm import (
    INDENTERS,
    ForceCurve,
    adhesion,
    film_thickness,
    fit_contact,
    fit_force_map,
    indentation_force,
    modulus_grid,
    read_force_curves,
)
from solidna.errors import DataFormatError, InvalidOptionError

AFM, needs_data = shared_data("afm")
JPK = AFM / "fmt-jpk-fd_flipsign_2015.05.22-15.31.49.352.jpk-force"
IGOR = AFM / "fmt-igor-fd_U3_3_p10004.ibw"
WORKSHOP = AFM / "fmt-afm-workshop-fd_single_2020-02-14_13.41.25.csv"
#: nanite's published modulus of the flipsign curve (tests/test_open_jpk_variation.py: hertz_para,
#: R = 10 um, nu = 0.5): 5230.0 Pa. Our force offset is the mean force just before the contact
#: (nanite's own offset and contact-point estimators differ; the curve's baseline drifts by
#: 2 % of the peak force over the 50 um approach): we get 5293 Pa (+1.2 %); 3 % bounds the
#: difference of the two offset definitions.
NANITE_E_PA = 5230.008779761989
NANITE_RTOL = 0.03
#: Noise-free curves: the contact-point search stops at 1e-5 of the contact region, which moves
#: E by a few 1e-6.
EXACT_RTOL = 1e-4


def _synthetic(indenter, e_pa=2e4, cp_m=1e-6, noise_n=0.0, seed=0, **kw):
    z = np.linspace(3e-6, 0, 2000)  # tip position, far to near
    f = indentation_force(indenter, cp_m - z, e_pa, **kw)
    f = f + noise_n * np.random.default_rng(seed).standard_normal(len(z)) + 3e-10  # offset
    return ForceCurve(z, f, z[::-1], f[::-1] - 1e-9 * (z[::-1] < cp_m + 5e-8))


@needs_data
def test_readers_match_afmformats_tests():
    (c,) = read_force_curves(IGOR)  # afmformats tests/test_fmt_igor.py
    assert c.spring_constant_N_m == pytest.approx(0.31451)
    assert len(c.approach_force_N) + len(c.retract_force_N) - 1 == 10097  # split at the turn
    assert max(c.approach_force_N.max(), c.retract_force_N.max()) == pytest.approx(
        1.778407e-07, rel=1e-7
    )
    assert min(c.approach_height_m.min(), c.retract_height_m.min()) == pytest.approx(
        -1.0322237e-06, rel=1e-7
    )
    (w,) = read_force_curves(WORKSHOP)  # tests/test_afm_data.py, test_fmt_workshop.py
    assert len(w.approach_force_N) + len(w.retract_force_N) == 2030
    assert w.approach_force_N[0] == pytest.approx(1276.4373e-9)
    assert w.spring_constant_N_m is None
    (j,) = read_force_curves(JPK)
    assert j.spring_constant_N_m == pytest.approx(0.01868898956509838)
    assert (len(j.approach_force_N), len(j.retract_force_N)) == (10000, 4000)


@needs_data
def test_flipsign_modulus_against_nanite():
    (c,) = read_force_curves(JPK)
    fit = fit_contact(c, "paraboloid", poisson=0.5, tip_radius_m=10e-6)
    assert fit.ok
    assert fit.youngs_modulus_Pa == pytest.approx(NANITE_E_PA, rel=NANITE_RTOL)
    # a sphere of the same radius at indentations << R is the paraboloid
    sphere = fit_contact(c, "sphere", poisson=0.5, tip_radius_m=10e-6)
    assert sphere.youngs_modulus_Pa == pytest.approx(fit.youngs_modulus_Pa, rel=0.01)
    adh = adhesion(c)
    assert adh["adhesion [N]"] > 0


@needs_data
def test_other_real_curves_fit_without_flags():
    for path in (IGOR, WORKSHOP):
        (c,) = read_force_curves(path)
        fit = fit_contact(c, "pyramid", half_angle_deg=17.5)
        assert fit.youngs_modulus_Pa > 0 and fit.max_indentation_m > 0


@pytest.mark.parametrize("indenter", ["paraboloid", "cone", "pyramid", "sphere"])
def test_round_trip_within_one_percent(indenter):
    kw = {"tip_radius_m": 5e-6, "half_angle_deg": 20.0, "poisson": 0.3}
    peak = indentation_force(indenter, np.array([1e-6]), 2e4, **kw)[0]
    c = _synthetic(indenter, noise_n=0.002 * peak, **kw)
    fit = fit_contact(c, indenter, **kw)
    assert fit.youngs_modulus_Pa == pytest.approx(2e4, rel=0.01)
    assert fit.contact_point_m == pytest.approx(1e-6, rel=0.01)
    assert fit.ok


def test_dmt_on_the_retract():
    z = np.linspace(3e-6, 0, 2000)
    f_app = indentation_force("paraboloid", 1e-6 - z, 2e4)
    adh = 0.05 * f_app.max()
    f_ret = indentation_force("paraboloid", 1e-6 - z[::-1], 2e4) - adh
    f_ret = np.where(z[::-1] > 1e-6 + 1e-8, 0.0, f_ret)  # pull-off at the contact point
    fit = fit_contact(ForceCurve(z, f_app, z[::-1], f_ret), "dmt")
    assert fit.youngs_modulus_Pa == pytest.approx(2e4, rel=0.01)
    assert fit.adhesion_N == pytest.approx(adh, rel=1e-6)


def test_contact_model_limits():
    d = np.array([-1e-9, 0.0, 1e-9])
    for ind in INDENTERS:
        f = indentation_force(ind, d, 1e3)
        assert f[0] == 0 and f[1] == 0 and f[2] > 0
    # sphere -> paraboloid for delta << R
    small = np.array([1e-9])
    assert indentation_force("sphere", small, 1e3, tip_radius_m=1e-5) == pytest.approx(
        indentation_force("paraboloid", small, 1e3, tip_radius_m=1e-5), rel=1e-3
    )
    with pytest.raises(InvalidOptionError, match="indenter"):
        indentation_force("flat", d, 1.0)
    with pytest.raises(InvalidOptionError, match="Poisson"):
        indentation_force("cone", d, 1.0, poisson=0.7)
    with pytest.raises(DataFormatError, match="exceeds the sphere radius"):
        indentation_force("sphere", np.array([2e-6]), 1.0, tip_radius_m=1e-6)


def test_no_contact_is_a_clear_error():
    z = np.linspace(3e-6, 0, 500)
    f = 1e-11 * np.random.default_rng(0).standard_normal(500)
    with pytest.raises(DataFormatError, match="no contact"):
        fit_contact(ForceCurve(z, f, z[::-1], f[::-1]))


def test_film_thickness_breakthrough_and_stiffness():
    d = np.linspace(0, 20e-9, 400)
    f = np.where(d < 8e-9, 0.01 * d, 0.01 * 8e-9 + 0.1 * (d - 8e-9))
    sep = np.concatenate([np.linspace(10e-9, 0, 100)[:-1], -d])
    force = np.concatenate([np.zeros(99), f])
    res = film_thickness(sep, force, "stiffness")
    assert res["found"] and res["thickness [m]"] == pytest.approx(8e-9, abs=0.1e-9)
    d1 = np.linspace(0, 3e-9, 100)
    d2 = np.linspace(11e-9, 14e-9, 100)
    sep = np.concatenate([np.linspace(10e-9, 0, 100)[:-1], -d1, -d2])
    force = np.concatenate([np.zeros(99), 2e-9 * (d1 / 3e-9) ** 1.5, 1.8e-9 + 5 * (d2 - 11e-9)])
    res = film_thickness(sep, force, "breakthrough")
    assert res["found"] and res["thickness [m]"] == pytest.approx(8e-9)
    # a plain Hertzian curve has neither: flagged, no number
    fit = fit_contact(_synthetic("paraboloid", noise_n=1e-12))
    for method in ("breakthrough", "stiffness"):
        res = film_thickness(
            fit.separation_m, fit.force_N, method, reference_rms_N=fit.rms_residual_N
        )
        assert not res["found"] and res["thickness [m]"] is None and res["reason"]


def test_force_map_records_failures():
    curves = []
    for k in range(9):
        if k == 4:
            z = np.linspace(3e-6, 0, 500)
            c = ForceCurve(z, np.zeros(500) + 1e-13 * np.sin(z * 1e7), z[::-1], np.zeros(500))
        else:
            c = _synthetic("paraboloid", e_pa=1e4 * (k + 1))
        c.position_m, c.index = (float(k % 3) * 1e-6, float(k // 3) * 1e-6), k
        curves.append(c)
    table = fit_force_map(curves)
    assert np.isnan(table.loc[4, "Young's modulus [Pa]"]) and "no contact" in table.loc[4, "Flag"]
    ok = table.drop(index=4)
    np.testing.assert_allclose(ok["Young's modulus [Pa]"], 1e4 * (ok["Index"] + 1), rtol=EXACT_RTOL)
    grid, xs, ys = modulus_grid(table)
    assert grid.shape == (3, 3) and grid[2, 2] == pytest.approx(9e4, rel=EXACT_RTOL)


def test_bad_files(tmp_path):
    empty = tmp_path / "x.jpk-force"
    empty.write_bytes(b"")
    with pytest.raises(DataFormatError, match="empty"):
        read_force_curves(empty)
    if JPK.is_file():
        cut = tmp_path / "cut.jpk-force"
        cut.write_bytes(JPK.read_bytes()[:3000])
        with pytest.raises(DataFormatError, match="cannot read"):
            read_force_curves(cut)
