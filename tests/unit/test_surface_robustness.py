"""Surface readers on files from other projects (the unseen-file review, items 1-8).

Each test builds a small synthetic file with the structure of a real export that was misread:
an LG4X ``KE/eV`` CSV, a SPECS Prodigy ``.xy`` (kinetic axis named on an earlier ``#`` line,
several regions), a table of unnamed intensity columns, a topography with missing points, a
1-D line profile, a JPK text force-curve export, a header-less two-column spectrum and a C 1s
region whose strongest line is a carbide. The real files are not copied (their licences vary).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.analysis.pipeline import analyze
from solidna.analysis.surface_pipeline import surface_options
from solidna.analysis.xps.io import read_xps
from solidna.analysis.xps.species import charge_reference, charge_shift
from solidna.errors import DataFormatError, InvalidOptionError

runner = CliRunner()


def _peaks(x: np.ndarray, *peaks: tuple[float, float, float], base: float = 100.0) -> np.ndarray:
    """A flat background plus Gaussian peaks ``(centre, height, fwhm)`` on axis ``x``."""
    y = np.full_like(x, base, dtype=float)
    for c, h, w in peaks:
        y += h * np.exp(-4 * np.log(2) * ((x - c) / w) ** 2)
    return y


# -- item 1: kinetic-energy axes -----------------------------------------------------------------
def test_lg4x_ke_slash_ev_column_is_converted_with_its_photon_energy(tmp_path):
    # LG4X writes "KE/eV,PE: 600 eV": PE is LG4X's photon energy (its "hn")
    ke = np.arange(26.0, 606.0, 2.0)
    f = tmp_path / "lg4x_survey.csv"
    rows = "\n".join(
        f"{k:g},{y:.4f}" for k, y in zip(ke, _peaks(ke, (150.0, 500.0, 3.0)), strict=True)
    )
    f.write_text("KE/eV,PE: 600 eV\n" + rows + "\n")
    (s,) = read_xps(f)
    assert s.photon_energy_eV == 600.0
    assert s.binding_energy_eV.min() == pytest.approx(600.0 - 604.0)
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(450.0)
    assert any("kinetic" in n and "600" in n for n in s.metadata["notes"])
    assert s.label == "lg4x_survey"  # "PE: 600 eV" is a setting, not a region name


def test_specs_xy_kinetic_axis_named_on_an_earlier_comment_line(tmp_path):
    hv = 1486.61
    be = np.arange(300.0, 270.0, -0.1)
    f = tmp_path / "prodigy.xy"
    f.write_text(_specs_xy([("C 1s", be, _peaks(be, (284.8, 900.0, 1.2)))], hv, kinetic=True))
    (s,) = read_xps(f)
    assert s.label == "C 1s" and s.photon_energy_eV == pytest.approx(hv)
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(284.8, abs=1e-6)
    assert s.binding_energy_eV[[0, -1]] == pytest.approx([270.1, 300.0], abs=1e-6)


def test_scienta_style_energy_scale_and_excitation_energy(tmp_path):
    ke = np.linspace(420.0, 440.0, 201)
    f = tmp_path / "scienta.txt"
    f.write_text(
        "[Region 1]\nRegion Name=Ag 3d\nExcitation Energy=520\nEnergy Scale=Kinetic\n[Data 1]\n"
        + "\n".join(
            f"{k:.3f} {y:.3f}" for k, y in zip(ke, _peaks(ke, (431.0, 50.0, 1.0)), strict=True)
        )
    )
    (s,) = read_xps(f)
    assert s.photon_energy_eV == 520.0
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(89.0)


def test_kinetic_axis_without_photon_energy_names_the_command_line_option(tmp_path):
    ke = np.linspace(1190.0, 1210.0, 201)
    f = tmp_path / "ke.csv"
    f.write_text(
        "Kinetic energy [eV],counts\n"
        + "\n".join(
            f"{k:.3f},{y:.3f}" for k, y in zip(ke, _peaks(ke, (1201.8, 400.0, 1.2)), strict=True)
        )
    )
    with pytest.raises(DataFormatError, match="--photon-energy") as err:
        read_xps(f)
    assert "photon_energy_eV" in str(err.value)  # the Python spelling too
    (s,) = read_xps(f, photon_energy_eV=1486.6)
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(284.8, abs=1e-6)


def test_lg4x_pe_that_cannot_be_the_photon_energy_is_left_alone(tmp_path):
    # LG4X-V2 writes the pass energy in the same place: 20 eV cannot excite a 300 eV line
    be = np.arange(300.0, 275.0, -0.1)
    f = tmp_path / "NiWC_C1s.txt"
    f.write_text(
        "BE/eV\tPE: 20.0 eV\n"
        + "\n".join(
            f"{e:.2f}\t{y:.1f}" for e, y in zip(be, _peaks(be, (282.4, 900.0, 1.0)), strict=True)
        )
    )
    (s,) = read_xps(f)
    assert s.photon_energy_eV is None
    assert s.label == "NiWC_C1s"
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(282.4)


def test_photon_energy_option_is_checked():
    assert surface_options("xps", photon_energy="1486.6 eV")["photon_energy_eV"] == 1486.6
    assert surface_options("xps", photon_energy=1253.6)["photon_energy_eV"] == 1253.6  # bare: eV
    assert surface_options("xps")["photon_energy_eV"] is None
    with pytest.raises(InvalidOptionError, match="photon"):
        surface_options("xps", photon_energy="2 eV")
    with pytest.raises(InvalidOptionError, match="photon_energy"):
        surface_options("topography", photon_energy="1486.6 eV")


def test_cli_photon_energy_reaches_the_reader(tmp_path):
    hv = 1486.6
    be = np.linspace(295.0, 280.0, 151)
    f = tmp_path / "C1s_kinetic.csv"
    f.write_text(
        "Kinetic Energy,C1s\n"
        + "\n".join(
            f"{hv - e:.3f},{y:.3f}"
            for e, y in zip(be, _peaks(be, (284.8, 800.0, 1.3)), strict=True)
        )
    )
    out = tmp_path / "out"
    args = ["analyze", str(f), "--kind", "xps", "--photon-energy", "1486.6 eV", "--out", str(out)]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["inputs"]["photon_energy_eV"] == hv
    region = summary["results"][f.name]["regions"]["C1s"]
    assert region["components"][0].startswith("284.80 eV")
    # without it the error says how to give it on the command line
    out2 = tmp_path / "out2"
    result = runner.invoke(cli.app, ["analyze", str(f), "--kind", "xps", "--out", str(out2)])
    assert result.exit_code != 0 and "--photon-energy" in result.output
    assert "Traceback" not in result.output


# -- item 2: every region of a SPECS Prodigy .xy -------------------------------------------------
def _specs_xy(regions, hv: float, kinetic: bool = False) -> str:
    """A SPECS Prodigy .xy export: settings block, then per region its parameters and data."""
    axis = "Kinetic Energy" if kinetic else "Binding Energy"
    lines = [
        "# Created by:        SpecsLab Prodigy, Version 4.0",
        "#",
        "# XY-Serializer Export Settings:",
        "#   Comment Prefix:           #",
        f"#   Energy Axis:              {axis}",
        "#   Count Rate:               Counts per Second",
        "#   Separate Scan Data:       no",
        "#",
        "# Group:                        1 test",
        "#",
    ]
    for name, be, y in regions:
        x = hv - be if kinetic else be
        lines += [
            f"# Region:                       {name}",
            f"# Values/Curve:                 {len(be)}",
            f"# Excitation Energy:            {hv}",
            "# Pass Energy:                  20",
            "# Eff. Workfunction:            4.2",
            "#",
            "# Cycle: 0",
            "#",
            "# Cycle: 0, Curve: 0",
            "#",
            "# ColumnLabels:                 energy counts/s",
            "#",
        ]
        lines += [f"  {e:.4f}  {c:.4f}" for e, c in zip(x, y, strict=True)]
        lines += ["", ""]
    return "\n".join(lines) + "\n"


def test_specs_xy_reads_every_region(tmp_path):
    survey = np.arange(1000.0, 0.0, -1.0)
    fe = np.arange(740.0, 700.0, -0.5)
    f = tmp_path / "two_regions.xy"
    f.write_text(
        _specs_xy(
            [
                ("Survey", survey, _peaks(survey, (531.0, 300.0, 3.0))),
                ("Fe2p", fe, _peaks(fe, (711.0, 200.0, 2.0))),
            ],
            1486.61,
        )
    )
    spectra = read_xps(f)
    assert [(s.label, len(s.binding_energy_eV)) for s in spectra] == [
        ("Survey", len(survey)),
        ("Fe2p", len(fe)),
    ]
    assert all(s.photon_energy_eV == pytest.approx(1486.61) for s in spectra)
    assert spectra[1].binding_energy_eV[np.argmax(spectra[1].intensity_cps)] == pytest.approx(711)


# -- item 3: spectra with the same label ---------------------------------------------------------
def test_unnamed_columns_get_unique_labels(tmp_path):
    be = np.arange(96.0, 84.0, -0.05)
    f = tmp_path / "Au4f.txt"
    cols = [_peaks(be, (84.0 + k, 300.0, 1.0)) for k in range(3)]
    f.write_text(
        "#84 96 0.05 3\n"
        + "\n".join(" ".join(f"{v:.3f}" for v in (e, *r)) for e, *r in zip(be, *cols, strict=True))
    )
    spectra = read_xps(f)
    labels = [s.label for s in spectra]
    assert len(spectra) == 3 and len(set(labels)) == 3
    assert all(lab.startswith("Au4f") for lab in labels)


def test_regions_with_the_same_label_are_all_kept_by_the_analysis(tmp_path):
    be = np.arange(295.0, 280.0, -0.1)
    f = tmp_path / "repeat.xy"
    f.write_text(
        _specs_xy(
            [
                ("C 1s", be, _peaks(be, (284.8, 900.0, 1.2))),
                ("C 1s", be, _peaks(be, (284.8, 400.0, 1.2), (288.9, 300.0, 1.2))),
            ],
            1486.61,
        )
    )
    summary = analyze(f, "xps", tmp_path / "out")
    regions = summary["results"][f.name]["regions"]
    assert len(regions) == 2, regions
    assert len(list((tmp_path / "out" / "figures").glob("repeat_*_fit.png"))) == 2
    assert len(list((tmp_path / "out" / "tables").glob("repeat.*.fit.csv"))) == 2
    import pandas as pd

    comp = pd.read_csv(tmp_path / "out" / "tables" / "repeat.xps_components.csv")
    assert comp["Region"].nunique() == 2


# -- item 4: topography with missing points ------------------------------------------------------
def test_levelling_and_roughness_skip_missing_points():
    from solidna.analysis.topography import level, roughness

    y, x = np.mgrid[0:6, 0:7].astype(float)
    plane = 1.0 + 0.5 * x + 2.0 * y
    plane[1, 0] = plane[3, 4] = np.nan
    for mode in ("plane", "line"):
        out = level(plane, mode)
        assert np.isnan(out[1, 0]) and np.isnan(out[3, 4])
        assert np.isfinite(out).sum() == plane.size - 2
        np.testing.assert_allclose(out[np.isfinite(out)], 0.0, atol=1e-12)
    rough = plane + np.where((x + y) % 2 == 0, 1.0, -1.0)
    r = roughness(level(rough, "none"))
    assert np.isfinite(r["Sq"]) and r["Sq"] > 0


def test_topography_with_missing_points_is_analysed_with_a_note(tmp_path):
    f = tmp_path / "holes.xyz"
    rng = np.random.default_rng(1)
    z = rng.standard_normal((5, 5))
    z[2, 1] = z[4, 3] = np.nan
    f.write_text(
        "\n".join(
            f"{i} {j} {'NaN' if np.isnan(z[i, j]) else f'{z[i, j]:.6f}'}"
            for i in range(5)
            for j in range(5)
        )
        + "\n"
    )
    summary = analyze(f, "topography", tmp_path / "out")
    res = summary["results"][f.name]
    assert np.isfinite(res["Sq [nm]"]) and res["missing points"] == 2
    assert any("2 of 25" in n for n in summary["notes"]), summary["notes"]


# -- item 5: 1-D line profiles -------------------------------------------------------------------
def test_line_profile_gives_profile_roughness(tmp_path):
    from solidna.analysis.topography import read_topography

    x = np.array([0.0, 0.5, 1.2, 1.5, 2.1, 2.9, 3.0, 3.6, 4.4, 5.0])
    z = np.array([0.1, -0.2, 0.3, 0.0, -0.1, 0.2, -0.3, 0.1, 0.0, -0.1])
    f = tmp_path / "profile.csv"
    f.write_text(
        "X_(microns),y1\n" + "\n".join(f"{a},{b}" for a, b in zip(x, z, strict=True)) + "\n"
    )
    topo = read_topography(f)
    assert topo.heights_m.ndim == 1 and len(topo.heights_m) == len(x)
    summary = analyze(f, "topography", tmp_path / "out", surface={"level": "none"})
    res = summary["results"][f.name]
    assert res["profile"] is True and res["points"] == len(x)
    # the profile's rms height as SurfaceTopography integrates an uneven scan (linear between
    # points); the height column states no unit: in the positions' unit, um (1 um = 1e3 nm)
    from SurfaceTopography import NonuniformLineScan

    line = NonuniformLineScan(x, z)
    assert res["Rq [nm]"] == pytest.approx(line.rms_height_from_profile() * 1e3, rel=1e-9)
    # Ra: the mean |z - mean| of the linear profile, by fine sampling
    xf = np.linspace(x[0], x[-1], 2_000_001)
    zf = np.interp(xf, x, z) - line.mean()
    assert res["Ra [nm]"] == pytest.approx(np.mean(np.abs(zf)) * 1e3, rel=1e-5)
    # levelled: a straight line through an exact line leaves nothing
    g = tmp_path / "tilted.csv"
    g.write_text("x,z\n" + "\n".join(f"{a},{1 + 0.3 * a}" for a in x) + "\n")
    res = analyze(g, "topography", tmp_path / "out2")["results"][g.name]
    assert res["Rq [nm]"] == pytest.approx(0.0, abs=1e-6)


# -- item 6: AFM text files that afmformats takes for NT-MDT Nova --------------------------------
def test_jpk_text_export_is_read_quietly(tmp_path, capsys):
    # once refused (afmformats reads JPK binary files only); solidna reads it since round 7
    from solidna.analysis.afm import read_force_curves

    f = tmp_path / "force-save-test.txt"
    head = [
        "# TEXT EXPORT",
        "# index: 0",
        "# segmentIndex: 0",
        "# segment: extend",
        "# columns: height vDeflection seriesTime",
        "# springConstant: 0.05",
        "# sensitivity: 5.0E-8",
        "# units: m N s",
        "#",
    ]
    rows = [f"{5e-5 - k * 1e-8:.6E} {1e-10 * (k % 7):.6E} {k * 1e-3:.4f}" for k in range(30)]
    f.write_text("\n".join(head + rows) + "\n")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        (curve,) = read_force_curves(f)
    assert curve.metadata["format"] == "JPK text export"
    assert curve.spring_constant_N_m == pytest.approx(0.05)
    assert curve.approach_force_N[:7] == pytest.approx([1e-10 * k for k in range(7)])
    assert len(curve.retract_force_N) == 0  # an extend segment only
    assert capsys.readouterr().err == ""
    assert not seen, [str(w.message) for w in seen]


def test_ntmdt_text_needs_and_takes_sensitivity_and_spring_constant(tmp_path, capsys):
    from solidna.analysis.afm import read_force_curves

    f = tmp_path / "nova.txt"
    h = np.linspace(0.0, 2000.0, 200)  # nm
    appr = np.where(h < 500, (500 - h) * 0.01, 0.0) + 0.001 * np.sin(h)
    retr = appr - 0.2 * (h < 520)
    f.write_text(
        "\n".join(f"{a:.4f}\t{b:.5f}\t{c:.5f}" for a, b, c in zip(h, appr, retr, strict=True))
    )
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(DataFormatError, match="sensitivity") as err:
            read_force_curves(f)
    assert "spring constant" in str(err.value) and "spring_constant_N_m" in str(err.value)
    assert capsys.readouterr().err == ""
    assert not seen, [str(w.message) for w in seen]
    (c,) = read_force_curves(f, sensitivity=2e-8, spring_constant_N_m=0.1)
    assert c.spring_constant_N_m == 0.1
    assert np.max(np.abs(c.approach_force_N)) == pytest.approx(
        np.max(np.abs(appr)) * 1e-9 * 2e-8 * 0.1, rel=1e-3
    )


# -- item 7: a header-less spectrum --------------------------------------------------------------
def test_headerless_file_says_binding_energy_was_assumed(tmp_path):
    e = np.linspace(234.0, 240.0, 60)
    f = tmp_path / "edge.csv"
    f.write_text(
        "\n".join(f"{a:.3f},{b:.1f}" for a, b in zip(e, _peaks(e, (237.0, 40.0, 1.0)), strict=True))
    )
    (s,) = read_xps(f)
    assert any("binding energy" in n and "assumed" in n for n in s.metadata["notes"])
    summary = analyze(f, "xps", tmp_path / "out")
    assert any("binding energy" in n and "assumed" in n for n in summary["notes"])


# -- item 8: charge correction on a carbide line -------------------------------------------------
def test_charge_reference_warns_on_a_large_shift_or_a_minor_line():
    ref = charge_reference([282.4, 284.9, 286.5], 284.8, [10.0, 3.0, 1.0])
    assert ref.shift_eV == pytest.approx(2.4) and ref.index == 0
    assert any("1.5 eV" in w for w in ref.warnings)
    ok = charge_reference([284.6, 286.1, 288.6], 284.8, [3.6, 1.1, 1.0])
    assert ok.shift_eV == pytest.approx(0.2) and not ok.warnings
    minor = charge_reference([284.3, 285.6], 284.8, [0.5, 1.0])
    assert minor.index == 0 and any("largest" in w for w in minor.warnings)
    # charge_shift is the shift alone, as before
    assert charge_shift([282.4, 284.9], 284.8, [10.0, 3.0]) == pytest.approx(2.4)


def test_carbide_c1s_is_flagged_and_the_reference_is_not_compared(tmp_path):
    be = np.arange(292.0, 278.0, -0.1)
    f = tmp_path / "carbide.csv"
    y = _peaks(be, (282.4, 1000.0, 1.1), (284.9, 350.0, 1.3))
    f.write_text("BE/eV,C1s\n" + "\n".join(f"{e:.2f},{c:.3f}" for e, c in zip(be, y, strict=True)))
    summary = analyze(f, "xps", tmp_path / "out")
    assert any("1.5 eV" in n for n in summary["notes"]), summary["notes"]
    rows = [c for c in summary["paper comparison"] if c["id"].endswith("c1s.cc")]
    assert rows, summary["paper comparison"]
    for row in rows:
        assert row["measured"] is None
        assert "charge reference (not a measurement)" in row["note"]


def test_detector_channels_beside_their_sum_give_one_spectrum(tmp_path):
    # lmfitxps' Au 4f example: 9 channel columns and their sum; the sum is the spectrum
    be = np.arange(96.0, 84.0, -0.05)
    total = _peaks(be, (88.0, 900.0, 1.0), (91.7, 700.0, 1.0), base=300.0)
    share = np.array([0.0, 0.2, 0.3, 0.25, 0.25])
    channels = np.round(np.outer(total, share))
    f = tmp_path / "channels.txt"
    f.write_text(
        "#84 96 0.05 5\n"
        + "\n".join(
            " ".join(f"{v:g}" for v in (e, *c, c.sum())) for e, c in zip(be, channels, strict=True)
        )
    )
    (s,) = read_xps(f)
    np.testing.assert_allclose(s.intensity_cps[::-1], channels.sum(axis=1))
    assert any("detector channels" in n for n in s.metadata["notes"])


def test_photon_energy_given_for_a_vamas_file_is_not_used_and_said(tmp_path):
    from _shared_data import shared_data

    vms, needs = shared_data("xps", "regular.vms")
    if not vms.exists():
        pytest.skip(f"shared data not found at {vms}")
    (s,) = read_xps(vms, photon_energy_eV=1253.6)
    assert s.photon_energy_eV != 1253.6
    assert any("not used" in n for n in s.metadata["notes"])
