"""``solidna analyze --kind xps|afm-force|afm-map|topography`` and the fig2 reproduce rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from _shared_data import shared_data
from solidna import cli
from solidna.analysis.pipeline import analyze
from solidna.analysis.surface_pipeline import paper_level, surface_options
from solidna.errors import DataFormatError, InvalidOptionError

SHARED, needs_data = shared_data()
runner = CliRunner()


def _multipak(out: Path, *options: str):
    """``solidna analyze Mutlipak_vms.npl --kind xps --out OUT OPTIONS...``."""
    path = SHARED / "xps" / "Mutlipak_vms.npl"
    return runner.invoke(
        cli.app, ["analyze", str(path), "--kind", "xps", "--out", str(out), *options]
    )


@needs_data
def test_cli_xps_writes_fits_species_and_report(tmp_path):
    out = tmp_path / "xps"
    result = _multipak(out, "--charge-reference", "284.5")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    regions = summary["results"]["Mutlipak_vms.npl"]["regions"]
    assert set(regions) == {"C 1s", "O 1s", "S 2p", "N 1s", "Mo 3d"}
    c1s = regions["C 1s"]
    assert c1s["core level"] == "C 1s" and c1s["components"][0].startswith("284.50 eV")
    assert "atomic % [at.%]" in summary["results"]["Mutlipak_vms.npl"]
    assert (out / "tables" / "Mutlipak_vms.xps_components.csv").is_file()
    assert (out / "figures" / "Mutlipak_vms_C_1s_fit.png").is_file()
    html = (out / "report.html").read_text()
    assert "fig2a.c1s.cc" in html and "data:image/png;base64" in html


@needs_data
def test_xps_depth_profile_from_phi_pro(tmp_path):
    summary = analyze(
        SHARED / "xps" / "SnO2_10nm_1.pro",
        "xps",
        tmp_path / "pro",
        surface={"sputter_rate": "0.05 nm/s", "rsf": {"Sn 3d5/2": 14.8}},  # a user's RSF
    )
    assert summary["inputs"]["sputter_rate_m_s"] == pytest.approx(5e-11)
    assert "indenter" not in summary["inputs"]  # only the options that act on xps
    res = summary["results"]["SnO2_10nm_1.pro"]
    assert res["depth profile"]["cycles"] == 21
    import pandas as pd

    prof = pd.read_csv(tmp_path / "pro" / "tables" / "SnO2_10nm_1.depth_profile.csv", index_col=0)
    assert prof["Sputter time [s]"].iloc[-1] == 600.0
    assert prof["Depth [nm]"].iloc[-1] == pytest.approx(30.0)  # 600 s x 0.05 nm/s
    # carbon is a surface contaminant: its share falls after the first sputter cycle; the
    # SnO2 film then thins over the Si substrate
    assert prof["C 1s [at.%]"].iloc[-1] < 0.5 * prof["C 1s [at.%]"].iloc[0]
    assert prof["Sn 3d5/2 [at.%]"].max() > 50 and prof["Si 2p [at.%]"].iloc[-1] > 20
    assert res["sensitivity factors"]["Sn 3d5/2"] == 14.8


@needs_data
def test_cli_afm_force_and_options(tmp_path):
    jpk = SHARED / "afm" / "fmt-jpk-fd_flipsign_2015.05.22-15.31.49.352.jpk-force"
    out = tmp_path / "afm"
    args = ["analyze", str(jpk), "--kind", "afm-force", "--tip-radius", "10 um", "--poisson"]
    result = runner.invoke(cli.app, [*args, "0.5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    res = json.loads((out / "summary.json").read_text())["results"][jpk.name]["curve"]
    assert res["Young's modulus [Pa]"] == pytest.approx(5230, rel=0.03)  # nanite, see test_afm
    assert (out / "figures").is_dir() and (out / "tables").is_dir()
    bad = runner.invoke(cli.app, [*args, "0.5", "--indenter", "flat", "--out", str(tmp_path / "b")])
    assert bad.exit_code != 0 and "indenter" in bad.output.lower()
    assert not (tmp_path / "b").exists()


@needs_data
def test_afm_map_of_single_curves(tmp_path):
    files = [SHARED / "afm" / "fmt-jpk-fd_flipsign_2015.05.22-15.31.49.352.jpk-force"]
    summary = analyze(files, "afm-map", tmp_path / "map")
    res = summary["results"][files[0].name]
    assert res["curves"] == 1 and res["fitted"] == 1
    assert (tmp_path / "map" / "figures").is_dir()


@needs_data
def test_cli_topography_levels_and_roughness(tmp_path):
    nid = SHARED / "topo" / "nid-1.nid"
    out = tmp_path / "topo"
    result = runner.invoke(
        cli.app, ["analyze", str(nid), "--kind", "topography", "--level", "none", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    res = summary["results"]["nid-1.nid"]
    assert res["Sq [nm]"] == pytest.approx(239.5896706764167, rel=1e-6)  # SurfaceTopography
    comp = summary["paper comparison"][0]
    assert comp["id"] == "figS8.roughness" and comp["paper"] == 6.15
    assert {p.name for p in (out / "figures").iterdir()} == {
        "nid-1_topography.png",
        "nid-1_topography_3d.png",
    }


def test_every_file_failing_is_an_error_and_leaves_nothing(tmp_path):
    bad = tmp_path / "empty.vms"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["analyze", str(bad), "--kind", "xps", "--out", str(out)])
    assert result.exit_code != 0 and "empty" in result.output
    assert not out.exists()


def test_cli_kinds_are_the_pipeline_kinds():
    from solidna.analysis import pipeline, surface_pipeline
    from solidna.cli import analyze as cli_analyze

    assert cli_analyze.SURFACE_KINDS == surface_pipeline.SURFACE_KINDS
    assert cli_analyze.KINDS == pipeline.KINDS


def test_options_are_checked():
    with pytest.raises(InvalidOptionError, match="poisson"):
        surface_options("afm-force", poisson=0.7)
    with pytest.raises(InvalidOptionError, match="half-angle"):
        surface_options("afm-force", half_angle=95)
    opts = surface_options("afm-force", tip_radius="20 nm", half_angle="0.3 rad")
    assert opts["tip_radius_m"] == pytest.approx(20e-9)
    assert opts["half_angle_deg"] == pytest.approx(17.188733853924695)  # 0.3 rad in deg
    assert surface_options("afm-force", half_angle=17.5)["half_angle_deg"] == 17.5  # bare: deg
    assert surface_options("xps", charge_reference="284.5 eV")["charge_reference_eV"] == 284.5
    assert surface_options("xps", charge_reference=284.5)["charge_reference_eV"] == 284.5
    assert paper_level("Na 1s binding energy") == "Na 1s"
    assert paper_level("Young's modulus") is None


def test_spectrum_file_with_no_counts(tmp_path):
    f = tmp_path / "zero.csv"
    f.write_text("B.E., counts\n" + "\n".join(f"{280 + 0.1 * i},0" for i in range(100)))
    with pytest.raises(DataFormatError, match="only zeros"):
        analyze(f, "xps", tmp_path / "o")


def test_fig2_reference_rows():
    from solidna.reproduce import FIGURE_MODULES, fig2
    from solidna.reproduce.runner import select_modules

    assert "solidna.reproduce.fig2" in FIGURE_MODULES
    # --only fig4d runs this module (and fig4's, which gives no fig4d value)
    assert "solidna.reproduce.fig2" in [m for m, _ in select_modules(["fig4d"])]
    out = fig2.run()
    results = {r.id: r for r in out.results}
    assert results["fig2a.f1s.naf"].model is not None and "NaF" in results["fig2a.f1s.naf"].note
    assert "CF2" in results["fig2a.c1s.cf"].note
    assert "nitrile" in results["fig4d.c1s.nitrile"].note
    assert results["fig2e.interphase_thickness"].model is None
    assert results["figS8.roughness"].model is None
    assert set(results) >= {"fig4d.n1s.imine", "fig2a.c1s.carboxylate"}
    assert np.all([isinstance(r.note, str) and r.note for r in out.results])
    import matplotlib.pyplot as plt

    plt.close("all")


@needs_data
def test_peaks_file_and_sputter_rate(tmp_path):
    peaks = tmp_path / "peaks.toml"
    peaks.write_text(
        '[[peak]]\nregion = "C 1s"\nname = "C-C"\ncenter = 284.8\n\n'
        '[[peak]]\nregion = "C 1s"\nname = "C-O"\ncenter = 286.4\nfwhm_like = "C-C"\n'
    )
    out = tmp_path / "xps"
    result = _multipak(out, "--peaks", str(peaks))
    assert result.exit_code == 0, result.output
    import pandas as pd

    comp = pd.read_csv(out / "tables" / "Mutlipak_vms.xps_components.csv")
    c1s = comp[comp["Region"] == "C 1s"]
    assert list(c1s["Name"]) == ["C-C", "C-O"]
    assert c1s["FWHM [eV]"].nunique() == 1  # shared FWHM


def test_rsf_option():
    from solidna.cli.analyze import parse_rsf

    assert parse_rsf(["Sn 3d5/2=14.8"]) == {"Sn 3d5/2": "14.8"}
    with pytest.raises(InvalidOptionError, match="LEVEL=VALUE"):
        parse_rsf(["Sn 3d"])
    with pytest.raises(InvalidOptionError, match="positive"):
        surface_options("xps", rsf={"Sn 3d5/2": "-1"})
    assert surface_options("xps", rsf={"Sn 3d5/2": "14.8"})["rsf"] == {"Sn 3d5/2": 14.8}


def test_bad_peaks_file(tmp_path):
    bad = tmp_path / "peaks.toml"
    bad.write_text('[[peak]]\nregion = "C 1s"\nname = "x"\ncentre = 284.8\n')
    with pytest.raises(DataFormatError, match="needs region, name and center"):
        surface_options("xps", peaks=bad)
    bad.write_text("not toml [")
    with pytest.raises(DataFormatError, match="cannot read"):
        surface_options("xps", peaks=bad)


def test_afm_map_pipeline_on_a_synthetic_map(tmp_path, monkeypatch):
    # no real force-map file is in shared/data: a 4x5 map of Hertz curves, one without contact
    from solidna.analysis import afm

    z = np.linspace(3e-6, 0, 400)
    curves = []
    for k in range(20):
        e = 1e4 * (1 + k)
        f = afm.indentation_force("paraboloid", 1e-6 - z, e) if k != 7 else np.zeros(z.size)
        c = afm.ForceCurve(z, f, z[::-1], f[::-1], position_m=(k % 5 * 1e-6, k // 5 * 1e-6))
        c.index = k
        curves.append(c)
    monkeypatch.setattr(afm, "read_force_curves", lambda path: curves)
    fake = tmp_path / "map.jpk-force-map"
    fake.write_bytes(b"x")
    summary = analyze(fake, "afm-map", tmp_path / "out")
    res = summary["results"][fake.name]
    assert res["curves"] == 20 and res["fitted"] == 19 and res["flagged"] == 1
    # the inputs as understood: the options of afm-map only
    assert set(summary["inputs"]) == {
        "indenter",
        "tip_radius_m",
        "half_angle_deg",
        "poisson",
        "spring_constant_N_m",  # None: the file's
        "sensitivity",
    }
    assert any("1 of 20 curves" in n for n in summary["notes"])
    assert (tmp_path / "out" / "figures" / "map_modulus_map.png").is_file()


def test_afm_map_that_never_reaches_the_surface_says_why(tmp_path, monkeypatch):
    # every curve flat (afmformats' jpk-qi-data test map: a peak force of 2.8e-12 N): the error
    # gave "no curve of the map could be fitted" only; it now carries the first curve's reason
    from solidna.analysis import afm

    z = np.linspace(3e-6, 0, 400)
    curves = []
    for k in range(4):
        c = afm.ForceCurve(z, np.zeros(z.size), z[::-1], np.zeros(z.size), position_m=(k, 0.0))
        c.index = k
        curves.append(c)
    reason = afm._fit_one((curves[0], {"indenter": "paraboloid"}))[3]
    assert reason
    monkeypatch.setattr(afm, "read_force_curves", lambda path: curves)
    fake = tmp_path / "flat.jpk-force-map"
    fake.write_bytes(b"x")
    with pytest.raises(DataFormatError, match="no curve of the map could be fitted") as err:
        analyze(fake, "afm-map", tmp_path / "out")
    assert f"the first curve's reason: {reason}" in str(err.value)
    assert not (tmp_path / "out").exists()
