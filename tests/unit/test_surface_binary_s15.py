"""Binary AFM and topography files of session 15: units SurfaceTopography converts, files given
to the wrong kind of analysis, and afmformats exports of creep-compliance curves.

The readers were checked against the libraries' own test files (afmformats 0.18.7's
tests/data, all read alike; SurfaceTopography 1.25's writers for .nc/.x3p/.gwy/.npy in m, mm,
µm, nm, Å). Every file here is a synthetic twin written by the library's own writer:

* NetCDF ``.nc`` and Gwyddion ``.gwy``: SurfaceTopography's ``to_netcdf`` and ``to_gwy``
  (ContactEngineering/SurfaceTopography, MIT);
* afmformats HDF5 and ``.tab`` exports: afmformats' ``AFMData.export_data`` (fmt ``"hdf5"``,
  ``"tab"``; AFM-analysis/afmformats, MIT), with the three segments (approach, dwell at
  constant force, retract) of afmformats' ``AFMCreepCompliance``;
* an ``.ibw`` that is no Igor wave: a version word and zeros, written here (no vendor layout).
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.afm import fit_contact, indentation_force, read_force_curves
from solidna.analysis.topography import read_topography
from solidna.errors import DataFormatError

pytest.importorskip("SurfaceTopography")
afmformats = pytest.importorskip("afmformats")

TIP = np.linspace(3e-6, 0.0, 300)  # tip position, far to near [m]
E_PA, CP_M, K_N_M = 2e4, 1e-6, 0.05
N_DWELL = 120


def _sine_topography(unit: str):
    """A 32 x 16 sine surface of size 2 x 1 (in ``unit``), heights of amplitude 0.01."""
    from SurfaceTopography import Topography

    x = np.arange(32)[:, None] / 32
    y = np.arange(16)[None, :] / 16
    h = 0.01 * np.sin(2 * np.pi * x) * np.cos(2 * np.pi * y)
    return Topography(h, (2.0, 1.0), unit=unit)


@pytest.mark.parametrize(("unit", "factor"), [("km", 1e3), ("fm", 1e-15)])
def test_length_unit_that_surfacetopography_converts(tmp_path, unit, factor):
    """SurfaceTopography knows km and fm (``Support.UnitConversion.length_units``); solidna's
    table did not and refused the file ("unknown length unit 'km'")."""
    t = _sine_topography(unit)
    p = tmp_path / f"surface-{unit}.nc"
    t.to_netcdf(str(p))
    topo = read_topography(p)
    assert topo.size_m == pytest.approx((2.0 * factor, 1.0 * factor), rel=1e-12)
    np.testing.assert_allclose(topo.heights_m, t.heights().T * factor, rtol=1e-12)


def _creep_curve() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Segments 0 (approach), 1 (dwell at the peak force), 2 (retract, a weaker force)."""
    f = indentation_force("paraboloid", CP_M - TIP, E_PA) + 3e-10
    base = TIP - f / K_N_M
    retract = 0.9 * f[::-1]
    data = {
        "force": np.r_[f, np.full(N_DWELL, f[-1]), retract],
        "height (piezo)": np.r_[base, np.full(N_DWELL, base[-1]), base[::-1]],
        "segment": np.r_[np.zeros(len(f)), np.ones(N_DWELL), np.full(len(f), 2)].astype(np.uint8),
    }
    return data, f, retract


def _meta(tmp_path, mode: str, points: int) -> dict:
    """afmformats metadata of one curve of ``mode`` with ``points`` points."""
    return {
        "enum": 0,
        "spring constant": K_N_M,
        "imaging mode": mode,
        "path": str(tmp_path / "curve.jpk-force"),
        "point count": points,
    }


@pytest.mark.parametrize(("fmt", "name"), [("hdf5", "cc.h5"), ("tab", "cc.tab")])
def test_creep_compliance_export_keeps_its_retract(tmp_path, fmt, name):
    """afmformats loads its own exports as force-distance curves whatever imaging mode they
    record: the dwell (segment 1) came back as the retract (120 points, the real 300-point
    retract dropped), silently. The recorded mode now picks the class; the dwell is noted."""
    data, f, retract = _creep_curve()
    meta = _meta(tmp_path, "creep-compliance", len(data["force"]))
    p = tmp_path / name
    afmformats.AFMCreepCompliance(data=data, metadata=meta, diskcache=False).export_data(p, fmt=fmt)
    (c,) = read_force_curves(p)
    np.testing.assert_allclose(c.approach_force_N, f, rtol=1e-6)
    np.testing.assert_allclose(c.retract_force_N, retract, rtol=1e-6)
    (note,) = c.metadata["notes"]
    assert f"{N_DWELL} of a curve's {len(data['force'])} points" in note
    assert "creep-compliance" in note
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-3)


def test_force_distance_curve_has_no_dwell_note(tmp_path):
    """A plain force-distance export (approach and retract only) gets no such note."""
    data, f, _ = _creep_curve()
    keep = data["segment"] != 1
    data = {k: v[keep] for k, v in data.items()}
    data["segment"] = (data["segment"] == 2).astype(np.uint8)
    meta = _meta(tmp_path, "force-distance", 2 * len(TIP))
    p = tmp_path / "fd.h5"
    afmformats.AFMForceDistance(data=data, metadata=meta, diskcache=False).export_data(
        p, fmt="hdf5"
    )
    (c,) = read_force_curves(p)
    assert len(c.approach_force_N) == len(c.retract_force_N) == len(f)
    assert "notes" not in c.metadata


@pytest.mark.parametrize(("fmt", "name"), [("hdf5", "curve.h5"), ("tab", "curve.tab")])
def test_force_curve_file_given_as_topography(tmp_path, fmt, name):
    """An afmformats export read as a topography was refused as "the file holds no height
    channel" or "is it a complete .di/.spm/.nid/.gwy file?": it now names the AFM kinds."""
    data, _, _ = _creep_curve()
    meta = _meta(tmp_path, "force-distance", 2 * len(TIP))
    keep = data["segment"] != 1
    data = {k: v[keep] for k, v in data.items()}
    data["segment"] = (data["segment"] == 2).astype(np.uint8)
    p = tmp_path / name
    afmformats.AFMForceDistance(data=data, metadata=meta, diskcache=False).export_data(p, fmt=fmt)
    with pytest.raises(DataFormatError, match="force-curve file") as err:
        read_topography(p)
    assert "--kind afm-force" in str(err.value) and "--kind afm-map" in str(err.value)


@pytest.mark.parametrize("suffix", [".nc", ".gwy"])
def test_topography_file_given_as_force_curve(tmp_path, suffix):
    """A height map read as a force curve was refused as "afmformats cannot read it
    (Unsupported file extension)... is it a complete force-curve file?": it now says what the
    file is and which analysis reads it."""
    t = _sine_topography("µm")
    p = tmp_path / f"surface{suffix}"
    (t.to_netcdf if suffix == ".nc" else t.to_gwy)(str(p))
    with pytest.raises(DataFormatError, match="reads it as a topography") as err:
        read_force_curves(p)
    assert "--kind topography" in str(err.value)


def test_numeric_text_is_not_called_a_topography(tmp_path):
    """Any numeric text is a matrix or x, y, z table to SurfaceTopography: a broken force table
    gets no topography hint (no evidence)."""
    p = tmp_path / "broken.dat"
    p.write_text("1 2 3\n4 5 6\n7 8 9\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read_force_curves(p)
    assert "topography" not in str(err.value)


def test_ibw_that_holds_no_force_curve_is_not_called_one(tmp_path):
    """afmformats takes every .ibw for an Asylum force wave (its recipe checks the suffix
    only): an unreadable .ibw is called a force curve only when afmformats loads curves."""
    p = tmp_path / "image.ibw"
    p.write_bytes(b"\x05\x00" + bytes(400))
    with pytest.raises(DataFormatError) as err:
        read_topography(p)
    assert "force-curve" not in str(err.value)
