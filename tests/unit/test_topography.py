"""AFM topography (issue 14): readers, levelling, roughness definitions, figures.

Real files: ``../shared/data/topo`` (values from SurfaceTopography's and gwyfile's tests).
"""

from __future__ import annotations

import numpy as np
import pytest

from _shared_data import shared_data
from solidna.analysis.topography import (
    Topography,
    level,
    plot_3d,
    plot_image,
    read_topography,
    roughness,
)
from solidna.errors import DataFormatError, InvalidOptionError

TOPO, needs_data = shared_data("topo")
#: SurfaceTopography's tests compare with rtol 1e-6.
ST_RTOL = 1e-6
#: gwyfile's tests compare with rel 1e-5.
GWY_REL = 1e-5


@needs_data
@pytest.mark.parametrize(
    "channel, sq",
    [
        (0, 2.395896706764167e-07),
        (1, 3.026701737129839e-07),
        (2, 2.3941867686171115e-07),
        (3, 3.029781629305204e-07),
    ],
)
def test_nid_rms_heights_match_surfacetopography(channel, sq):
    # SurfaceTopography test/IO/test_ezd.py: rms_height_from_area of the raw (mean-removed) data
    t = read_topography(TOPO / "nid-1.nid", channel)
    assert t.heights_m.shape == (256, 256) and t.size_m == pytest.approx((2e-5, 2e-5), rel=ST_RTOL)
    assert len(t.channels) == 4
    assert roughness(level(t.heights_m, "none"))["Sq"] == pytest.approx(sq, rel=ST_RTOL)


@needs_data
def test_gwy_values_match_gwyfile():
    t = read_topography(TOPO / "test.gwy")
    assert t.channel == "Test" and t.heights_m.shape == (128, 128)
    assert t.heights_m[0, 0] == pytest.approx(0.00082494, rel=GWY_REL)
    assert t.heights_m[44, 33] == pytest.approx(0.00085301, rel=GWY_REL)
    assert roughness(level(t.heights_m, "none"))["Sq"] == pytest.approx(1.8771e-4, rel=1e-4)
    assert any("no unit" in n for n in t.notes)  # the file has no SI units: said, not hidden


@needs_data
def test_di_file():
    t = read_topography(TOPO / "di-1.di")
    assert t.channel == "Height" and t.heights_m.shape == (512, 512)
    assert t.size_m == pytest.approx((500e-9, 500e-9))  # scan 500 x 500 nm
    r = roughness(level(t.heights_m, "plane"))
    assert 0 < r["Sa"] < r["Sq"] < r["Sz"]
    with pytest.raises(DataFormatError, match="channel"):
        read_topography(TOPO / "di-1.di", "Nope")


def test_roughness_definitions_exact():
    h = np.array([[1.0, -1.0], [3.0, -3.0]])
    r = roughness(h)
    assert r["Sa"] == 2.0 and r["Sq"] == np.sqrt(5.0) and r["Sz"] == 6.0
    assert r["Sp"] == 3.0 and r["Sv"] == 3.0 and r["Ssk"] == 0.0
    # a region: its own mean is removed
    big = np.zeros((4, 4))
    big[:2, :2] = [[1.0, -1.0], [1.0, -1.0]]
    assert roughness(big + 7.0, (slice(0, 2), slice(0, 2)))["Sq"] == 1.0


def test_levelling():
    ny, nx = 64, 80
    y, x = np.mgrid[0:ny, 0:nx]
    rng = np.random.default_rng(1)
    rough = rng.standard_normal((ny, nx))
    tilted = 5.0 + 0.3 * x - 0.2 * y + rough
    flat = level(tilted, "plane")
    assert abs(flat.mean()) < 1e-12
    # what remains is the roughness minus its own best plane
    np.testing.assert_allclose(flat, level(rough, "plane"), atol=1e-10)
    offsets = tilted + rng.standard_normal((ny, 1)) * 10 + rng.standard_normal((ny, 1)) * 0.1 * x
    line = level(offsets, "line")
    assert np.allclose(line.mean(axis=1), 0, atol=1e-10)
    none = level(tilted, "none")
    np.testing.assert_allclose(none, tilted - tilted.mean())
    with pytest.raises(InvalidOptionError, match="level"):
        level(tilted, "poly")
    with pytest.raises(DataFormatError, match="2-D"):
        level(np.ones((1, 5)), "plane")
    # 1-D heights are a line profile: levelled by their straight mean line
    np.testing.assert_allclose(level(1.0 + 0.3 * np.arange(5.0), "plane"), 0.0, atol=1e-12)


def test_figures():
    t = Topography(np.random.default_rng(0).standard_normal((40, 50)) * 1e-9, (5e-6, 4e-6))
    import matplotlib.pyplot as plt

    for fig in (plot_image(t, t.heights_m), plot_3d(t, t.heights_m)):
        assert fig.axes
        plt.close(fig)


def test_bad_files(tmp_path):
    empty = tmp_path / "x.gwy"
    empty.write_bytes(b"")
    with pytest.raises(DataFormatError, match="empty"):
        read_topography(empty)
    if TOPO.is_dir():
        cut = tmp_path / "cut.gwy"
        cut.write_bytes((TOPO / "test.gwy").read_bytes()[:5000])
        with pytest.raises(DataFormatError, match="truncated"):
            read_topography(cut)
        cut_di = tmp_path / "cut.di"
        cut_di.write_bytes((TOPO / "di-1.di").read_bytes()[:4000])
        with pytest.raises(DataFormatError):
            read_topography(cut_di)
