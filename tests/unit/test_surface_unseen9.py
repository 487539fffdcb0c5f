"""Surface files of round 9 (unseen files, see CHANGELOG): synthetic twins of their layouts.

Each test writes a small file with the layout of a public file (the public files are not
copied; values are generated):

* SurfaceTopography (MIT) test/file_format_examples/xy-2.txt: a line of units alone (``µm µm``)
  and a point count above a headerless x, z table; csv-1.csv: ``X_(microns),y1``.
* Zygo MetroPro "XYZ Data File - Format 1" (MetroPro Reference Guide; header fields as read by
  the public ZYGO-IPD parser): pixel indices, heights in um, ``No Data``.
* afmformats (MIT) tests/data/fmt-chiaro-txt_AEBP1_Indentation_002.txt: an Optics11 Chiaro
  indenter text export (its header; the curve is a generated Hertz indentation), and the
  afmformats ``.tab`` export of tests/test_fmt_tab_load.py (force and tip position only).
* lmfitxps (MIT) examples/FermiEdge.csv: a headerless two-column Fermi edge on a kinetic axis.
* Thermo Avantage ``.avg`` (a DataSpace dumped as text), as the public readers of KherveFitting
  and PyExpLabSys parse it: ``DS_...`` properties, ``$SPACEAXES``, ``LIST@`` value lines.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from solidna.analysis.pipeline import analyze
from solidna.analysis.topography import read_topography
from solidna.errors import DataFormatError

# --------------------------------------------------------------------------------------------
# Topography
# --------------------------------------------------------------------------------------------
X_UM = np.array([13.38, 14.91, 16.29, 17.66, 19.04, 20.88, 22.40, 23.93, 25.16, 26.38])
Z_UM = np.array([17.85, 17.85, 17.55, 18.47, 18.93, 18.93, 19.23, 19.23, 20.15, 21.37])


def test_units_line_above_a_headerless_profile(tmp_path):
    """SurfaceTopography's xy-2.txt: ``µm µm``, a count, then ``x, z`` rows. The units line was
    skipped and the profile read in metres (29 m long, Rq 0.82 m)."""
    f = tmp_path / "xy-2.txt"
    rows = "\n".join(f"   {a:.7e},   {b:.7e}" for a, b in zip(X_UM, Z_UM, strict=True))
    f.write_text(f"\u00b5m \u00b5m\n{len(X_UM) - 1}\n{rows}\n", encoding="utf-8")
    topo = read_topography(f)
    assert topo.positions_m[-1] == pytest.approx((X_UM[-1] - X_UM[0]) * 1e-6)
    assert np.sort(topo.heights_m) == pytest.approx(np.sort(Z_UM) * 1e-6)
    assert not any("no unit" in n for n in topo.notes), topo.notes
    summary = analyze(f, "topography", tmp_path / "out", surface={"level": "none"})
    res = summary["results"][f.name]
    assert res["Rq [nm]"] == pytest.approx(np.std(Z_UM) * 1e3, rel=0.25)


def test_units_line_of_an_xyz_table(tmp_path):
    """The same units line above x, y, z rows gives a map in those units."""
    f = tmp_path / "xyz.txt"
    rows = [f"{x} {y} {0.1 * x + 0.2 * y}" for y in range(3) for x in range(4)]
    f.write_text("um um nm\n" + "\n".join(rows) + "\n")
    topo = read_topography(f)
    assert topo.heights_m.shape == (3, 4)
    assert topo.size_m == pytest.approx((4e-6, 3e-6))
    assert topo.heights_m[2, 3] == pytest.approx(0.7e-9)


def test_plural_unit_names_and_underscored_column_names(tmp_path):
    """SurfaceTopography's csv-1.csv names its positions ``X_(microns)``: neither the plural
    unit nor the underscore was understood, and the positions were read in metres."""
    f = tmp_path / "csv-1.csv"
    f.write_text(
        "X_(microns),y1\n" + "\n".join(f"{a},{b}" for a, b in zip(X_UM, Z_UM, strict=True)) + "\n"
    )
    topo = read_topography(f)
    assert topo.positions_m[-1] == pytest.approx((X_UM[-1] - X_UM[0]) * 1e-6)
    # the height column states no unit: in the positions' unit (one length unit per profile,
    # as SurfaceTopography reads it), and said so
    assert topo.heights_m == pytest.approx(Z_UM * 1e-6)
    assert any("'y1' states no unit" in n for n in topo.notes), topo.notes

    g = tmp_path / "map.csv"
    rows = [f"{x},{y},{x + y}" for y in range(3) for x in range(4)]
    g.write_text("x (micrometers),y (micrometers),z (nanometres)\n" + "\n".join(rows) + "\n")
    topo = read_topography(g)
    assert topo.size_m == pytest.approx((4e-6, 3e-6))
    assert topo.heights_m[2, 3] == pytest.approx(5e-9)


def _zygo(path, pixel="1e-06", nx=20, ny=10):
    header = [
        "Zygo XYZ Data File - Format 1",
        '0 3 0 0 "Tue Aug 25 16:59:23 2026"',
        f"0 0 {nx} {ny} 1 255",
        f"0 0 {nx} {ny}",
        '""',
        '""',
        '""',
        f"0 0.5 6.328e-07 0.5 1 0 {pixel} 1787677163",
        '3 2 0 0 0 666666 0 ""',
        "0 0 1 33 0 0 0.1 60.4318 2 50",
        "0 1 100 0 0 0 0 0 0 0",
        '0 ""',
        "1 5 0",
        "#",
    ]
    z = 0.05 * np.sin(2 * np.pi * np.arange(nx) / 7)[None, :] * np.ones((ny, 1))
    rows = [
        f"{x + 5} {y + 7} " + ("No Data" if (x, y) == (0, 0) else f"{z[y, x]:.6f}")
        for y in range(ny)
        for x in range(nx)
    ]
    path.write_text("\n".join([*header, *rows, "#"]) + "\n")
    return z * 1e-6


def test_zygo_xyz_export(tmp_path):
    """A Zygo MetroPro XYZ export was refused (no SurfaceTopography reader knows it)."""
    f = tmp_path / "scan.xyz"
    z = _zygo(f)
    topo = read_topography(f)
    assert topo.heights_m.shape == (10, 20)
    assert topo.size_m == pytest.approx((20e-6, 10e-6))
    assert np.isnan(topo.heights_m[0, 0])
    assert topo.heights_m[3, 4] == pytest.approx(z[3, 4])
    summary = analyze(f, "topography", tmp_path / "out", surface={"level": "none"})
    assert summary["results"][f.name]["missing points"] == 1


def test_zygo_xyz_without_camera_resolution_is_refused_clearly(tmp_path):
    f = tmp_path / "scan.xyz"
    _zygo(f, pixel="0")
    with pytest.raises(DataFormatError, match="camera resolution"):
        read_topography(f)


# --------------------------------------------------------------------------------------------
# AFM
# --------------------------------------------------------------------------------------------
K_CHIARO = 0.019  # N/m, the public file's header
R_CHIARO = 27.5e-6  # m
E_EFF = 156.009  # Pa, the header's E[eff]; E(nu = 0.5) = 0.75 E_eff = 117.007 Pa
CHIARO_HEAD = """Date\t12/05/2025\tTime\t11:20:38\tStatus\tOK
AEBP1_01
Scan (#)\t1\tX (#)\t1\tY (#)\t1\tIndentation (#)\t1
X-position (um)\t5314.320
Y-position (um)\t5500.880
Z-position (um)\t6833.680
Z surface (um)\t6838.680
Piezo position (nm) (Measured)\t-10.3

k (N/m)\t0.019
Tip radius (um)\t27.500
Calibration factor\t2.809
SMDuration (s) 0.000

Device:\tChiaro
Software version: V3.5.0

Control mode: Peak Load Poking
Measurement: Indentation

Profile:
Max load (\u00b5N)\t0.050
Piezo speed  (\u00b5m/s)\t7.000

Model: Hertz
E[eff] (Pa)\t156.009
E[v=0.500] (Pa)\t117.007
Comment:\x20

Time (s)\tLoad (uN)\tIndentation (nm)\tCantilever (nm)\tPiezo (nm)\tAuxiliary
"""


def _chiaro(path, n: int = 1500, contact_m: float = 40e-6):
    """A Hertz indentation as the Chiaro exports it: load [uN] = k * cantilever, indentation
    [nm] (zero off contact), cantilever bending and piezo travel [nm]."""
    up = np.linspace(0.0, contact_m + 12e-6, n)
    c = 4 / 3 * E_EFF * np.sqrt(R_CHIARO)

    def bend(z: float) -> float:
        if z <= contact_m:
            return 0.0
        return brentq(lambda d: K_CHIARO * d - c * max(z - contact_m - d, 0.0) ** 1.5, 0, z)

    rows = []
    for i, z in enumerate(np.concatenate([up, up[::-1]])):
        d = bend(z)
        ind = max(z - contact_m - d, 0.0)
        rows.append(
            f"{i * 1e-3:.6f}\t{K_CHIARO * d * 1e6:.6f}\t{ind * 1e9:.6f}\t{d * 1e9:.6f}\t"
            f"{z * 1e9 + 65:.6f}\t0.000000"
        )
    path.write_text(CHIARO_HEAD + "\n".join(rows) + "\n", encoding="latin-1")


def test_chiaro_export_uses_the_piezo_height_and_the_stated_tip_radius(tmp_path):
    """afmformats gives a Chiaro curve's indentation (zero off contact) as its measured height;
    read as the base position it put E at 167 Pa for the file's 117 Pa (277 Pa with the default
    10 um radius the analysis used in place of the 27.5 um the file states)."""
    pytest.importorskip("afmformats")
    from solidna.analysis.afm import fit_contact, read_force_curves

    f = tmp_path / "AEBP1_Indentation_002.txt"
    _chiaro(f)
    (curve,) = read_force_curves(f)
    assert curve.metadata["tip radius [m]"] == pytest.approx(R_CHIARO)
    assert "piezo height" in curve.metadata["height"]
    fit = fit_contact(curve, tip_radius_m=R_CHIARO)
    assert fit.youngs_modulus_Pa == pytest.approx(0.75 * E_EFF, rel=0.02)

    summary = analyze(f, "afm-force", tmp_path / "out")
    res = summary["results"][f.name]["curve"]
    assert res["Young's modulus [Pa]"] == pytest.approx(0.75 * E_EFF, rel=0.02)
    assert any("tip radius 27.5 um, as the file states" in n for n in summary["notes"])
    # a radius the user gives wins over the file's
    summary = analyze(f, "afm-force", tmp_path / "out2", surface={"tip_radius": "10 um"})
    res = summary["results"][f.name]["curve"]
    assert res["Young's modulus [Pa]"] == pytest.approx(
        0.75 * E_EFF * np.sqrt(R_CHIARO / 10e-6), rel=0.02
    )


def test_afmformats_tab_export_with_tip_position_only(tmp_path):
    """afmformats' own .tab export keeps the force and the tip position: it was refused as
    "not a complete force-curve file" (a KeyError on 'height (piezo)')."""
    pytest.importorskip("afmformats")
    from solidna.analysis.afm import fit_contact, indentation_force, read_force_curves

    k, e = 0.0223, 5e3
    tip = np.linspace(3e-6, 1e-6, 800)
    force = indentation_force("paraboloid", 2e-6 - tip, e)
    meta = (
        '# BEGIN METADATA\r\n# {\r\n#   "enum": 0,\r\n#   "imaging mode": "force-distance",\r\n'
        f'#   "spring constant": {k}\r\n# }}\r\n# END METADATA\r\n'
    )
    rows = [
        f"{fv}\t{t}\t{int(i >= len(tip))}"
        for i, (fv, t) in enumerate(
            zip(np.r_[force, force[::-1]], np.r_[tip, tip[::-1]], strict=True)
        )
    ]
    f = tmp_path / "curve.tab"
    f.write_text(meta + "# force\ttip position\tsegment\r\n" + "\r\n".join(rows) + "\r\n")
    (curve,) = read_force_curves(f)
    assert curve.tip() == pytest.approx(tip)
    fit = fit_contact(curve)
    assert fit.youngs_modulus_Pa == pytest.approx(e, rel=1e-3)
    assert fit.contact_point_m == pytest.approx(2e-6, abs=2e-9)


# --------------------------------------------------------------------------------------------
# XPS
# --------------------------------------------------------------------------------------------
def test_a_step_fitted_as_a_peak_is_flagged(tmp_path):
    """lmfitxps' FermiEdge.csv: a headerless Fermi edge on a kinetic axis, read (as the note
    says) as binding energy. It was fitted with one peak of area 34 +- 47 cps.eV reported as
    converged, with no flag."""
    ke = np.round(234.246 + 0.12295 * np.arange(47), 3)
    counts = np.round(170 + 235 / (1 + np.exp((ke - 236.3) / 0.08)))
    counts += np.where(np.arange(47) % 3 == 0, 9.0, -6.0)  # counting noise
    f = tmp_path / "FermiEdge.csv"
    f.write_text("".join(f"{a},{b:.1f}\n" for a, b in zip(ke, counts, strict=True)))
    summary = analyze(f, "xps", tmp_path / "out")
    (region,) = summary["results"][f.name]["regions"].values()
    assert region["converged"] is False
    assert any("not determined by the data" in flag for flag in region["flags"]), region


#: A Thermo Avantage text dump (.avg) as public readers parse it (KherveFitting's
#: ``parse_avg_file``, PyExpLabSys' Avantage reader): properties, the energy axis under
#: ``$SPACEAXES`` (start, width, points, ENERGY, ...), values on ``LIST@`` lines under ``$DATA``.
AVG_HEAD = """;================
;Dump of DataSpace 'F:\\\\data\\\\C1s Scan.VGD'
; on 12/5/2008 at 14:26:48
;================
$FORMAT=3
$PROPERTIES=SUM
DS_EXT_SUPROPID_TITLE       : VT_BSTR = 'C1s Scan'
$PROPERTIES=STD
DS_GEPROPID_INSTRUMENT                      : VT_BSTR = 'K-Alpha'
DS_GEPROPID_VALUE_LABEL                     : VT_BSTR = 'Counts'
DS_SOPROPID_ENERGY                          : VT_R4   = 1486.680054
DS_ACPROPID_ACQ_TIME                        : VT_R4   = 0.050000
DS_ACPROPID_EV_SCALE                        : VT_I2   = {scale}
DS_ANPROPID_PASS                            : VT_R4   = 50.000000
$DATAAXES=1,#empty#
    0=        0,        {last},          1
$SPACEAXES=1
    0=    {start:.6f},       0.100000,        {n},  ENERGY,   LINEAR,  'E',   'eV',    'Energy'
$DATA=*
"""


def _avg(path, start: float, scale: int = 1, n: int = 151) -> np.ndarray:
    energy = start + 0.1 * np.arange(n)
    be = 1486.680054 - energy if scale != 2 else energy
    counts = 100.0 + 450.0 * np.exp(-4 * np.log(2) * ((be - 284.8) / 1.1) ** 2)
    rows = [
        f"LIST@ {k:3d}=  " + ",  ".join(f"{v:.6f}" for v in counts[k : k + 4])
        for k in range(0, n, 4)
    ]
    head = AVG_HEAD.format(scale=scale, last=n - 1, start=start, n=n)
    path.write_text(head + "\n".join(rows) + "\n", encoding="latin-1")
    return counts


def test_avantage_avg_dump(tmp_path):
    """A Thermo Avantage .avg file was refused ("no numeric rows")."""
    from solidna.analysis.xps.io import read_xps

    f = tmp_path / "C1s Scan.avg"
    counts = _avg(f, start=1191.68)  # kinetic: BE 295.0 -> 280.0 eV
    (spec,) = read_xps(f)
    assert spec.label == "C1s Scan"
    assert spec.photon_energy_eV == pytest.approx(1486.68, abs=1e-3)
    assert spec.binding_energy_eV[[0, -1]] == pytest.approx([280.000054, 295.000054], abs=1e-5)
    top = int(np.argmax(spec.intensity_cps))
    assert spec.binding_energy_eV[top] == pytest.approx(284.8, abs=0.06)
    assert spec.intensity_cps.max() == pytest.approx(counts.max() / 0.05, rel=1e-6)
    summary = analyze(f, "xps", tmp_path / "out")
    (region,) = summary["results"][f.name]["regions"].values()
    assert region["core level"] == "C 1s"

    g = tmp_path / "binding.avg"
    _avg(g, start=280.0, scale=2)  # DS_ACPROPID_EV_SCALE 2: a binding-energy axis
    (spec,) = read_xps(g)
    assert spec.binding_energy_eV[[0, -1]] == pytest.approx([280.0, 295.0])
    assert spec.binding_energy_eV[np.argmax(spec.intensity_cps)] == pytest.approx(284.8, abs=0.06)


def test_avantage_avg_without_photon_energy_is_refused_clearly(tmp_path):
    from solidna.analysis.xps.io import read_xps

    f = tmp_path / "scan.avg"
    _avg(f, start=1191.68)
    f.write_text(
        "".join(
            line + "\n"
            for line in f.read_text(encoding="latin-1").splitlines()
            if "SOPROPID_ENERGY" not in line
        ),
        encoding="latin-1",
    )
    with pytest.raises(DataFormatError, match="no photon energy"):
        read_xps(f)
