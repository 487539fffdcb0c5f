"""Defects found by reading real public topography and AFM force files (session 18).

Every file here is a synthetic twin written by the test; no third-party file is copied. Each
test names the public file whose layout it follows and that file's licence (GPL sources:
layout only).
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

from solidna.analysis.afm import adhesion, read_force_curves
from solidna.analysis.topography import read_topography
from solidna.errors import DataFormatError

pytest.importorskip("SurfaceTopography")

# --------------------------------------------------------------------------------------------
# ISO 25178-71 SDF version 2.0 (text and binary), which SurfaceTopography 1.25 does not read
# --------------------------------------------------------------------------------------------
NX, NY = 30, 20  # points per profile, profiles


def _ramp_m() -> np.ndarray:
    """The heights [m] of sdfio's interop samples: (profile * 30 + point) nm, one point
    undefined (profile 0, last point)."""
    z = np.fromfunction(lambda i, j: (i * NX + j) * 1e-9, (NY, NX))
    z[0, NX - 1] = np.nan
    return z


def _sdf_text(path, version: str, z_scale: float, data_type: int) -> None:
    """An SDF text file of the ramp, layout of sdfio's tests/interop_samples/
    mm11_iso2_ascii_int32.sdf (MIT; a Digital Surf MountainsMap 11 export): ``aISO-2.0``,
    aligned ``Name = value`` fields, a ``*`` line, one profile per line of integer codes with a
    trailing space and ``BAD`` where undefined, CRLF line ends, an empty trailer."""
    codes = _ramp_m() / z_scale
    rows = [
        " ".join("BAD" if np.isnan(v) else str(int(round(v))) for v in row) + " " for row in codes
    ]
    lines = [
        f"aISO-{version}",
        "ManufacID      = test",
        "CreateDate     = 230920261959",
        "ModDate        = 240920260805",
        f"NumPoints      = {NX}",
        f"NumProfiles    = {NY}",
        "Xscale         = 1e-06",
        "Yscale         = 1e-06",
        f"Zscale         = {z_scale:g}",
        "Zresolution    = -1",
        "Compression    = 0",
        f"DataType       = {data_type}",
        "CheckType      = 0",
        "*",
        *rows,
        "",
        "*",
        " ",
        "*",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))


def test_sdf_version_2_text_is_read_in_the_units_its_header_states(tmp_path):
    p = tmp_path / "surface_iso2.sdf"
    _sdf_text(p, "2.0", 1e-14, 6)
    topo = read_topography(p)
    assert topo.heights_m.shape == (NY, NX)
    np.testing.assert_allclose(topo.heights_m, _ramp_m(), atol=1e-15, equal_nan=True)
    assert topo.size_m == pytest.approx((NX * 1e-6, NY * 1e-6))
    assert any("SDF version 2.0" in n for n in topo.notes)


def test_sdf_version_2_binary_is_read_with_its_32_bit_counts(tmp_path):
    """Binary SDF 2.0 as sdfio's src/sdfio/_binary.py (MIT) writes it: ``bISO-2.0``, 10-byte
    ManufacID, two 12-byte dates, NumPoints and NumProfiles as uint32 (uint16 in version 1.0),
    Xscale, Yscale, Zscale, Zresolution (float64), three bytes, then int32 codes whose minimum
    marks an undefined point."""
    z_scale = 1e-14
    codes = _ramp_m() / z_scale
    raw = np.where(np.isnan(codes), -(2**31), np.round(np.nan_to_num(codes))).astype("<i4")
    head = b"bISO-2.0" + b"test".ljust(10) + b"230920261959" + b"240920260805"
    head += struct.pack("<II", NX, NY) + struct.pack("<ddddBBB", 1e-6, 1e-6, z_scale, -1, 0, 6, 0)
    p = tmp_path / "surface_iso2_binary.sdf"
    p.write_bytes(head + raw.tobytes())
    topo = read_topography(p)
    np.testing.assert_allclose(topo.heights_m, _ramp_m(), atol=1e-15, equal_nan=True)
    assert topo.size_m == pytest.approx((NX * 1e-6, NY * 1e-6))


def test_control_sdf_version_1_text_reads_as_before(tmp_path):
    """The same file as version 1.0 (sdfio's mm11_iso1_ascii_int32.sdf) is SurfaceTopography's
    to read, and gives the same heights and size."""
    p = tmp_path / "surface_iso1.sdf"
    _sdf_text(p, "1.0", 1e-14, 6)
    topo = read_topography(p)
    np.testing.assert_allclose(topo.heights_m, _ramp_m(), atol=1e-15, equal_nan=True)
    assert topo.size_m == pytest.approx((NX * 1e-6, NY * 1e-6))
    assert not any("SDF version" in n for n in topo.notes)


def test_sdf_version_2_with_fewer_values_than_its_header_names_them(tmp_path):
    p = tmp_path / "short.sdf"
    _sdf_text(p, "2.0", 1e-14, 6)
    text = p.read_bytes().decode("ascii").replace("59900000 \r\n", "\r\n")
    p.write_bytes(text.encode("ascii"))
    with pytest.raises(DataFormatError, match=r"30 points x 20 profiles \(600 values\).*599"):
        read_topography(p)


# --------------------------------------------------------------------------------------------
# The older JPK SPM text export (.out): "# direction: trace" / "retrace", no "# TEXT EXPORT"
# --------------------------------------------------------------------------------------------
K_JPK = 0.0177  # N/m
CONTACT_M = 5e-6  # height of the contact point [m]
DIP_N = 0.5e-9  # adhesion dip of the retrace [N]


def _jpk_out(path, direction_words=("trace", "retrace")) -> None:
    """A curve in the layout of afmToolkit's data-raw/data/cellcluster3_L15-*.out (GPL-licensed
    package: layout only): a ``# key: value`` header without ``# TEXT EXPORT``, ``# direction:
    trace`` over the approach rows, a blank line, the header again with ``# direction:
    retrace`` over the retract rows; columns smoothedStrainGaugeHeight vDeflection
    strainGaugeHeight height error hDeflection in m N m m V V, heights from far to near in both
    halves."""
    h = np.linspace(13.4e-6, 3.4e-6, 200)
    f_app = (
        np.where(h < CONTACT_M, 2e-9 * (np.clip(CONTACT_M - h, 0, None) / 1e-6) ** 1.5, 0.0) + 1e-10
    )
    f_ret = f_app - np.where((h > CONTACT_M) & (h < CONTACT_M + 0.5e-6), DIP_N, 0.0)

    def half(word: str, f: np.ndarray) -> str:
        head = [
            "# xPosition: 3.49E-7",
            "# yPosition: -1.2E-5",
            "# index: 0",
            "# kLength: 200",
            "# feedbackMode: contact",
            "#",
            f"# direction: {word}",
            "# columns: smoothedStrainGaugeHeight vDeflection strainGaugeHeight height error "
            "hDeflection",
            "# heightMultiplier: 0.61206",
            "# sensitivity: 5.3775E-8",
            f"# springConstant: {K_JPK}",
            "# units: m N m m V V",
            "#",
        ]
        rows = [
            f"{a:.8g} {b:.8g} {a:.8g} {a * 0.9:.8g} -0.0044 -0.089"
            for a, b in zip(h, f, strict=True)
        ]
        return "\n".join(head + rows) + "\n"

    path.write_text(half(direction_words[0], f_app) + "\n" + half(direction_words[1], f_ret))


def test_older_jpk_text_export_is_read_as_approach_and_retract(tmp_path):
    p = tmp_path / "cellcluster-2007.10.30-22.12.42.out"
    _jpk_out(p)
    (curve,) = read_force_curves(p)
    assert curve.spring_constant_N_m == pytest.approx(K_JPK)
    assert len(curve.approach_height_m) == len(curve.retract_height_m) == 200
    assert adhesion(curve)["adhesion [N]"] == pytest.approx(DIP_N, rel=1e-3)
    assert any("direction: trace" in n for n in curve.metadata["notes"])


def test_control_jpk_text_export_with_segment_lines_reads_as_before(tmp_path):
    """The same halves under ``# TEXT EXPORT`` with ``# segment: extend``/``retract`` (JPK
    Data Processing's export) read the same, without the note."""
    p = tmp_path / "force-save.txt"
    _jpk_out(p, ("extend", "retract"))
    text = p.read_text().replace("# direction:", "# segment:")
    p.write_text("# TEXT EXPORT\n" + text)
    (curve,) = read_force_curves(p)
    assert adhesion(curve)["adhesion [N]"] == pytest.approx(DIP_N, rel=1e-3)
    assert not any("direction" in n for n in curve.metadata["notes"])


# --------------------------------------------------------------------------------------------
# NanoScope ASCII export whose header lines are each in double quotes
# --------------------------------------------------------------------------------------------
DEFL_SENS_NM_V, K_NS = 36.35, 0.07444


def _nanoscope(path, quoted: bool) -> float:
    """A NanoScope Analysis ASCII force export in the layout of afmToolkit's
    inst/veecoFolder/veeco_file1.txt (a MultiMode V curve; GPL-licensed package: layout only):
    the exported header with each line in double quotes (``"\\@Sens. DeflSens: V 36.35 nm/V"``,
    ``"\\Spring Constant: 0.07444"``), then the tab-separated columns with a trailing tab.
    Returns the adhesion [N] the curve holds."""
    keys = [
        "\\*Force file list",
        "\\Version: 0x07300000",
        "\\*Scanner list",
        "\\@Sens. Zsens: V 6.680000 nm/V",
        "\\*Ciao scan list",
        "\\Operating mode: Force",
        f"\\@Sens. DeflSens: V {DEFL_SENS_NM_V:.5f} nm/V",
        "\\*Ciao force image list",
        f"\\Spring Constant: {K_NS}",
        "\\*Force file list end",
    ]
    head = "\n".join(f'"{k}"' if quoted else k for k in keys) + "\n"
    ramp = np.linspace(0.0, 540.0, 300)  # Z extension [nm]
    ex = np.where(ramp > 400, (ramp - 400) / DEFL_SENS_NM_V * 0.5, 0.0) - 0.1  # [V]
    rt_ramp = ramp[::-1]
    dip_v = 0.3
    rt = np.where(rt_ramp > 400, (rt_ramp - 400) / DEFL_SENS_NM_V * 0.5, 0.0) - 0.1
    rt -= np.where((rt_ramp < 400) & (rt_ramp > 370), dip_v, 0.0)
    cols = "Calc_Ramp_Ex_nm\tCalc_Ramp_Rt_nm\tDefl_V_Ex\tDefl_V_Rt\t\n"
    rows = "".join(
        f"{a:.6e}\t{b:.6e}\t{c:.6e}\t{d:.6e}\t\n"
        for a, b, c, d in zip(ramp, rt_ramp, ex, rt, strict=True)
    )
    path.write_text(head + cols + rows)
    return dip_v * DEFL_SENS_NM_V * 1e-9 * K_NS


def test_nanoscope_export_with_quoted_header_uses_the_calibration_it_states(tmp_path):
    p = tmp_path / "veeco_file.txt"
    expected = _nanoscope(p, quoted=True)
    (curve,) = read_force_curves(p)
    assert curve.spring_constant_N_m == pytest.approx(K_NS)
    assert curve.metadata["sensitivity"] == pytest.approx(DEFL_SENS_NM_V * 1e-9)
    assert adhesion(curve)["adhesion [N]"] == pytest.approx(expected, rel=1e-6)


def test_control_nanoscope_export_with_plain_header_reads_the_same(tmp_path):
    p = tmp_path / "plain.txt"
    expected = _nanoscope(p, quoted=False)
    (curve,) = read_force_curves(p)
    assert adhesion(curve)["adhesion [N]"] == pytest.approx(expected, rel=1e-6)


# --------------------------------------------------------------------------------------------
# Scienta SES text export of a 3-D region: one [Data n:k] block per value of Dimension 3
# --------------------------------------------------------------------------------------------
def _scienta(path, layers: int) -> tuple[np.ndarray, np.ndarray]:
    """A Scienta SES text export of one region, layout of minespex' tests/data/scienta3D.txt
    (MIT): ``[Region 1]`` with ``Dimension 1`` (binding energy), ``Dimension 2`` (Y-Scale
    [mm], 3 slices) and, for ``layers`` > 1, ``Dimension 3`` (Seq. Iteration[a.u.]), a ``[Run
    Mode Information 1]`` naming the "Add Dimension" mode, then one ``[Data 1:k]`` block per
    iteration (``[Data 1]`` for a 2-D region), each row the energy and the 3 slices. Returns
    the energies [eV] and the per-layer sums over the slices."""
    be = np.round(np.linspace(280.0, 290.0, 41), 3)
    peak = np.exp(-(((be - 284.8) / 0.6) ** 2))
    cube = np.stack(
        [[(100 + 900 * peak) * (1 + 0.1 * s) * (1 + k) for s in range(3)] for k in range(layers)]
    )  # [layer, slice, energy]
    lines = [
        "[Info]",
        "Number of Regions=0001",
        "Version=1.3.1",
        "",
        "[Region 1]",
        "Region Name=C1s",
        "Dimension 1 name=Binding Energy [eV]",
        f"Dimension 1 size={be.size}",
        "Dimension 1 scale=" + " ".join(f"{e:g}" for e in be),
        "Dimension 2 name=Y-Scale [mm]",
        "Dimension 2 size=3",
        "Dimension 2 scale=1.234 5.678 9.012",
    ]
    if layers > 1:
        lines += [
            "Dimension 3 name=Seq. Iteration[a.u.]",
            f"Dimension 3 size={layers}",
            "Dimension 3 scale=" + " ".join(str(k + 1) for k in range(layers)),
        ]
    lines += ["", "[Info 1]", "Region Name=C1s", "Energy Step=0.25", "[Run Mode Information 1]"]
    lines += ["Name=Add Dimension"] if layers > 1 else []
    lines += ["", ""]
    for k in range(layers):
        lines.append(f"[Data 1:{k + 1}]" if layers > 1 else "[Data 1]")
        lines += [
            f" {e:.5e} " + " ".join(f"{cube[k, s, i]:.5e}" for s in range(3))
            for i, e in enumerate(be)
        ]
        lines += ["", ""]
    path.write_text("\n".join(lines))
    return be, cube.sum(axis=1)


def test_scienta_3d_region_gives_one_summed_spectrum_per_layer(tmp_path):
    from solidna.analysis.xps.io import read_xps

    p = tmp_path / "scienta3D.txt"
    be, sums = _scienta(p, layers=2)
    spectra = read_xps(p)
    assert [s.label for s in spectra] == [
        "C1s (Seq. Iteration[a.u.] 1)",
        "C1s (Seq. Iteration[a.u.] 2)",
    ]
    for s, expected in zip(spectra, sums, strict=True):
        np.testing.assert_allclose(s.binding_energy_eV, be)
        np.testing.assert_allclose(s.intensity_cps, expected, rtol=1e-4)
        assert any("'Y-Scale [mm]'" in n for n in s.metadata["notes"])


def test_control_scienta_2d_region_stays_one_summed_spectrum(tmp_path):
    from solidna.analysis.xps.io import read_xps

    p = tmp_path / "scienta2D.txt"
    be, sums = _scienta(p, layers=1)
    (spectrum,) = read_xps(p)
    assert spectrum.label == "C1s"
    np.testing.assert_allclose(spectrum.intensity_cps, sums[0], rtol=1e-4)


# --------------------------------------------------------------------------------------------
# Adhesion against the retract's own baseline, not the approach lifted by a long-range force
# --------------------------------------------------------------------------------------------
SENS_NM_V, K_FV = 25.0, 0.318  # fdafm's README: 0.04 V/nm and 0.318 N/m


def _force_volume_curve(path, retract_far_to_near: bool = False) -> float:
    """A NanoScope Analysis ASCII export of one force-volume curve in the layout of fdafm's
    test_data/sample/180424_fv_sc_loc1-2-102.spm.txt (kejia6002/fdafm; no licence stated:
    layout only): a header line ``Calc_Ramp_Ex_nm Calc_Ramp_Rt_nm Defl_V_Ex Defl_V_Rt`` with a
    trailing tab, then 512 rows in ``%e`` with three-digit exponents. As in that curve, the
    approach's deflection drifts up by 0.04 V on its way to the contact while the retract
    returns to a flat free level after its pull-off dip.
    Returns the dip [N] below the retract's free level."""
    n = 512
    ramp = np.arange(n) * 4.914772  # Z extension [nm]
    contact = 2390.0
    free = -5.83  # the retract's free level [V]
    drift = -5.82 + 0.04 * np.clip(ramp, 0, contact) / contact  # approach: -5.82 V to -5.78 V
    ex = drift + np.where(ramp > contact, (ramp - contact) / SENS_NM_V, 0.0)
    rt_ramp = ramp[::-1]
    dip_v = 0.09
    rt = free + np.where(rt_ramp > contact, (rt_ramp - contact) / SENS_NM_V, 0.0)
    rt -= np.where((rt_ramp <= contact) & (rt_ramp > contact - 20), dip_v, 0.0)
    if retract_far_to_near:
        rt_ramp, rt = rt_ramp[::-1], rt[::-1]

    def e(v: float) -> str:
        m, x = f"{v:.6e}".split("e")
        return f"{m}e{x[0]}{int(x[1:]):03d}"

    rows = ["Calc_Ramp_Ex_nm\tCalc_Ramp_Rt_nm\tDefl_V_Ex\tDefl_V_Rt\t"]
    rows += [
        f"{e(a)}\t{e(b)}\t{e(c)}\t{e(d)}\t"
        for a, b, c, d in zip(ramp, rt_ramp, ex, rt, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return dip_v * SENS_NM_V * 1e-9 * K_FV


@pytest.mark.parametrize("far_to_near", [False, True])
def test_adhesion_is_measured_from_the_retract_free_level(tmp_path, far_to_near):
    p = tmp_path / "180424_fv_sc.spm.txt"
    dip = _force_volume_curve(p, far_to_near)
    (curve,) = read_force_curves(p, sensitivity=SENS_NM_V * 1e-9, spring_constant_N_m=K_FV)
    assert adhesion(curve)["adhesion [N]"] == pytest.approx(dip, rel=0.02)


def test_control_a_retract_without_a_free_part_keeps_the_approach_level():
    """A retract of 10 points (fewer than a free part needs) is measured from the approach's
    level before the contact, as before."""
    from solidna.analysis.afm import ForceCurve

    level, dip = 2e-10, 7e-10  # approach's free force and the pull-off below it [N]
    h = np.linspace(2e-6, 0.0, 400)  # base height [m], far to near
    f = level + np.where(h < 0.5e-6, (0.5e-6 - h) * K_FV, 0.0)
    h_ret = np.linspace(0.49e-6, 0.52e-6, 10)
    f_ret = np.full(10, level + 1e-10)
    f_ret[4] = level - dip
    curve = ForceCurve(h, f, h_ret, f_ret, spring_constant_N_m=K_FV)
    assert adhesion(curve)["adhesion [N]"] == pytest.approx(dip, rel=1e-6)
