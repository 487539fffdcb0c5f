"""Defects that public XPS and topography files exposed (session 20); synthetic twins only.

* angzeli/xps-fitting-workbench, artifacts/reviewed/*/calibrated/N1s.review-v1.bundle/curves.csv:
  a fitting program's export ``binding_energy_eV,raw_intensity,background,component:...,
  total_fit,residual``. The measured column was not recognised as the data (``raw_`` prefix,
  underscores), so the background, the component, the envelope and the residual came back as
  four more spectra, each fitted and quantified.
* cheminfo/xps-analysis, src/from/__tests__/data/cellulose_fitted_following_briggs.vms: a
  SurfaceSpectra/CasaXPS cellulose C 1s whose O-C-O shoulder (288.2 eV, a fifth of the C-O
  line at 286.8 eV) the state search never added: with its FWHM free the new line broadened
  under the main line and was refused as a merge. The twin is a GL(30) C-O line, its O-C-O
  shoulder and a weak C-C line (values invented, Poisson noise).
* bskinn/nanovea-roughness, test_data/test1.txt: a Nanovea profilometer x, y, z export (x and
  y in mm, z in µm, no header, two empty lines between scan lines). Taken as metres it became
  a 0.5 m map of heights spread over tens of metres, its Sq in "metres".
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.topography import read_topography, roughness
from solidna.analysis.xps.fit import fit_states
from solidna.analysis.xps.io import XPSSpectrum, read_xps_text
from solidna.analysis.xps.lineshapes import line_shape
from solidna.errors import DataFormatError


# --------------------------------------------------------------------------------------------
# XPS: a fit export whose measured column is "raw_intensity"
# --------------------------------------------------------------------------------------------
def _fit_export(tmp_path, data_name: str):
    be = 392.35 + 0.1 * np.arange(120)
    background = 24548.0 - 2.5 * (be - be[0])
    component = 16900.0 * np.exp(-4 * np.log(2) * ((be - 400.25) / 1.3) ** 2)
    raw = background + component + 50.0 * np.sin(7 * be)
    total = background + component
    rows = [
        f"binding_energy_eV,{data_name},background,component:imide_N-C=O,total_fit,residual",
        *(
            ",".join(f"{v:.6f}" for v in row)
            for row in zip(be, raw, background, component, total, raw - total, strict=True)
        ),
    ]
    path = tmp_path / "curves.csv"
    path.write_text("\n".join(rows) + "\n")
    return path, raw


@pytest.mark.parametrize(
    "data_name", ["raw_intensity", "Raw Data", "Measured", "exp_counts", "Intensity (raw)"]
)
def test_fit_export_keeps_only_the_measured_column(tmp_path, data_name):
    path, raw = _fit_export(tmp_path, data_name)
    spectra = read_xps_text(path)
    assert len(spectra) == 1  # before: five spectra (data, background, component, fit, residual)
    (s,) = spectra
    assert s.metadata["intensity"] == data_name
    np.testing.assert_allclose(s.intensity_cps, raw, rtol=1e-6)
    assert s.binding_energy_eV[0] == pytest.approx(392.35)
    note = next(n for n in s.metadata["notes"] if "set aside" in n)
    for name in ("background", "component:imide_N-C=O", "total_fit", "residual"):
        assert repr(name) in note


def test_fit_curve_names_are_not_data():
    from solidna.analysis.xps.io import _DATA_COLUMN

    for name in (
        "background",
        "total_fit",
        "residual",
        "Envelope",
        "component:C-C",
        "Exp",
        "intensity_fit",
    ):
        assert not _DATA_COLUMN.match(name), name


# --------------------------------------------------------------------------------------------
# XPS: a shoulder of a single-line level
# --------------------------------------------------------------------------------------------
def test_state_search_adds_the_shoulder_of_a_single_line_level():
    be = np.arange(294.16, 282.16 - 1e-9, -0.05)
    areas = {286.8: 4800.0, 288.2: 1000.0, 284.9: 120.0}
    counts = 200.0 + 40.0 * (be > 287.0)  # a step under the line: the Shirley background
    for center, area in areas.items():
        fwhm = 0.9 if center < 285 else 1.1
        counts = counts + 2.5 * line_shape("gl_sum", be, area, center, fwhm, 0.3)
    rng = np.random.default_rng(7)
    spectrum = XPSSpectrum(be, rng.poisson(counts) / 2.5, "C 1s")  # 2.5 s per point
    fit = fit_states(spectrum, level="C 1s")
    table = fit.table_.sort_values("Position [eV]")
    positions = table["Position [eV]"].to_numpy()
    # before: one line at 286.9 eV, the O-C-O shoulder unfitted ("no further component ...")
    shoulder = np.argmin(np.abs(positions - 288.2))
    assert positions[shoulder] == pytest.approx(288.2, abs=0.1)
    assert np.min(np.abs(positions - 286.8)) < 0.1
    share = table["Area [cps.eV]"].iloc[shoulder] / table["Area [cps.eV]"].sum()
    assert share == pytest.approx(1000.0 / sum(areas.values()), abs=0.03)
    assert any("added where the residual held structure" in n for n in fit.notes_)


# --------------------------------------------------------------------------------------------
# Topography: an x, y, z table without units
# --------------------------------------------------------------------------------------------
def _nanovea(tmp_path, header: str | None = None):
    """A Nanovea-style export: x fastest, x and y in mm, z in µm, two empty lines between
    scan lines."""
    rng = np.random.default_rng(1)
    n, step = 21, 0.005
    z = 478.0 + rng.normal(0.0, 1.5, (n, n))
    lines = [] if header is None else [header]
    for j in range(n):
        lines += [f"{i * step:.4f},{j * step:.4f},{z[j, i]:.4f}" for i in range(n)]
        if j < n - 1:
            lines += ["", ""]
    path = tmp_path / "scan.txt"
    path.write_text("\n".join(lines) + "\n")
    return path, z


def test_unitless_map_too_large_for_metres_is_refused(tmp_path):
    path, _ = _nanovea(tmp_path)
    with pytest.raises(DataFormatError, match="states no length unit") as info:
        read_topography(path)  # before: a 0.1 m map, heights over ~8 m, Sq in "metres"
    assert "x (mm), y (mm), z (um)" in str(info.value)


def test_units_named_in_a_header_read_the_same_map(tmp_path):
    path, z = _nanovea(tmp_path, header="x (mm),y (mm),z (um)")
    topo = read_topography(path)
    assert topo.size_m == pytest.approx((0.105e-3, 0.105e-3), rel=1e-6)
    assert topo.heights_m.shape == (21, 21)
    sq = roughness(topo.heights_m)["Sq"]
    assert sq == pytest.approx(np.std(z) * 1e-6, rel=1e-3)


def test_unitless_map_in_metres_still_reads(tmp_path):
    path = tmp_path / "metres.txt"
    rng = np.random.default_rng(2)
    rows = [
        f"{i * 1e-7:.3e} {j * 1e-7:.3e} {rng.normal(0.0, 2e-9):.4e}"
        for j in range(16)
        for i in range(16)
    ]
    path.write_text("\n".join(rows) + "\n")
    topo = read_topography(path)
    assert max(topo.size_m) < 1e-5
    assert any("taken as metres" in n for n in topo.notes)


# --------------------------------------------------------------------------------------------
# AFM: a binary NanoScope force file
# --------------------------------------------------------------------------------------------
def _nanoscope_force(tmp_path, context: str):
    """The layout of PLSysGitHub/Nanoscope_ForceCurve_analysis' Example_RawData/cr00028.000 (a
    BioScope Catalyst force curve): a text header of CR LF lines ended by a SUB byte, padded to
    its stated length, then binary ramps (here arbitrary bytes)."""
    header = "\r\n".join(
        [
            "\\*Force file list",
            "\\Version: 0x09010300",
            f"\\Start context: {context}",
            "\\Data length: 8192",
            "\\*Ciao scan list",
            "\\Operating mode: Force",
            "\\@Sens. DeflSens: V 14.50635 nm/V",
            "\\*File list end",
        ]
    ).encode("latin-1")
    raw = header + b"\r\n\x1a"
    raw += b"\x00" * (8192 - len(raw)) + bytes(range(256)) * 32
    path = tmp_path / "cr00001.000"
    path.write_bytes(raw)
    return path


def test_binary_nanoscope_force_file_is_named_by_both_readers(tmp_path):
    from solidna.analysis.afm import read_force_curves

    path = _nanoscope_force(tmp_path, "FOL")
    # before: "not a force curve ... SurfaceTopography reads it as a topography", then as a
    # topography "a bare matrix of heights"
    with pytest.raises(DataFormatError, match="binary Bruker NanoScope force file") as info:
        read_force_curves(path)
    assert "Force Curve ASCII" in str(info.value)
    with pytest.raises(DataFormatError, match="binary Bruker NanoScope force file"):
        read_topography(path)


def test_nanoscope_ascii_export_header_is_not_taken_for_the_binary_file(tmp_path):
    from solidna.analysis.afm import _nanoscope_force_binary

    # an exported header (text, no SUB byte) over the columns NanoScope Analysis writes
    path = tmp_path / "export.txt"
    path.write_text("\\*Force file list\n\\Start context: FOL\nCalc_Ramp_Ex_nm\tDefl_V_Ex\n1\t2\n")
    assert _nanoscope_force_binary(path) is None
    assert _nanoscope_force_binary(_nanoscope_force(tmp_path, "FVOL")) == "FVOL"
