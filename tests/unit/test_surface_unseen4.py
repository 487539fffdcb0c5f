"""XPS text exports on a fourth round of files from other projects (the unseen-file review).

Each test builds a small synthetic file with the structure of a public export (the public files
are not copied): SLRI's CLAM2 EDC export (a kinetic-energy scan declared in the header, a row of
column names, then one table per scan under a ``Scan : n`` line, with the ring current and the
photon flux beside the count rate), and text exports of raw counts with or without the dwell
time and number of scans that turn them into counts per second.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from _shared_data import shared_data
from solidna import cli
from solidna.analysis.topography import read_topography
from solidna.analysis.xps.io import read_xps
from solidna.errors import DataFormatError

runner = CliRunner()
XPS, needs_data = shared_data("xps")

HV = 600.0
KE = np.round(np.arange(305.0, 320.01, 0.1), 3)  # C 1s at BE 284.8 eV <-> KE 315.2 eV


def _c1s(be: np.ndarray, height: float = 9000.0) -> np.ndarray:
    return 400 + height * np.exp(-4 * np.log(2) * ((be - 284.8) / 1.2) ** 2)


def _clam2(path, scans=2):
    """A CLAM2 EDC export: header, names, then ``Scan : n`` tables of 7 columns."""
    head = [
        "",
        "CLAM2 Development Software Ver.05:   CLAM2 Development by PES using Synchrotron Light: EDC",
        "Saturday, March 24, 2012",
        "",
        "Parameter Setting",
        f"Fix Photon Energy: {HV:.6f} eV",
        "1638.4 eV (XPS): CAE=100",
        f"Kinetic Energy Scan:   {KE[0]:.4f} - {KE[-1]:.4f}   eV ",
        " Kinetic Energy Step:  0.1000   eV ",
        f"Number of scan : {scans}*",
        "",
        "Energy (eV)\tCPS\tIe (mA)\tIp (A)\tCPS/Ip\tAvg CPS\tAvg CPS/Ip\t",
        "",
    ]
    cps = np.round(_c1s(HV - KE))
    lines = list(head)
    for n in range(1, scans + 1):
        lines += ["", f"Scan : \t{n}", ""]
        ip = 2.97e-10
        lines += [
            f"{e:.6f}\t{c:.6f}\t88.1\t{ip:.6E}\t{c / ip:.6E}\t{c:.6f}\t{c / ip:.6E}"
            for e, c in zip(KE, cps, strict=True)
        ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")
    return cps


def test_clam2_kinetic_scan_tables_are_read_as_one_spectrum_per_scan(tmp_path):
    # The header's "Kinetic Energy Scan" was not read (the axis was taken as binding energy),
    # the "Scan : 1" line hid the column names, so CPS/Ip passed for the "sum" of the other
    # columns, and the second scan's ring current and photon flux came back as spectra.
    path = tmp_path / "120324_1144_C1s.txt"
    cps = _clam2(path)
    spectra = read_xps(path)
    assert [s.label for s in spectra] == [f"{path.stem} scan 1", f"{path.stem} scan 2"]
    for s in spectra:
        np.testing.assert_allclose(s.binding_energy_eV, np.sort(HV - KE), atol=1e-9)
        np.testing.assert_allclose(s.intensity_cps, cps[::-1])  # ascending binding energy
        assert s.metadata["intensity"] == "CPS"
        assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(284.8, abs=0.06)


def test_a_column_and_its_copy_beside_small_columns_are_not_detector_channels(tmp_path):
    # CPS/Ip equalled Avg CPS/Ip plus three small columns to 6e-10: taken for a channel sum
    be = np.round(np.arange(280.0, 290.01, 0.1), 3)
    c, ip = np.round(_c1s(be)), 2.97e-10
    rows = [
        f"{e:.6f}\t{a:.6f}\t88.1\t{ip:.6E}\t{a / ip:.6E}\t{a:.6f}\t{a / ip:.6E}"
        for e, a in zip(be, c, strict=True)
    ]
    path = tmp_path / "unnamed.txt"
    path.write_text("\n".join(rows) + "\n")
    spectra = read_xps(path, energy_axis="binding")
    assert len(spectra) == 6
    assert not any("detector channels" in n for s in spectra for n in s.metadata["notes"])


def test_detector_channels_beside_their_sum_are_still_summed(tmp_path):
    # control: lmfitxps' Au 4f layout, nine channels sharing the signal and their sum
    be = np.round(np.arange(80.0, 95.01, 0.05), 3)
    y = _c1s(be + 200.0, 900.0)
    shares = np.linspace(0.5, 1.5, 9) / np.linspace(0.5, 1.5, 9).sum()
    channels = np.round(np.outer(y, shares))
    table = np.column_stack([be, channels, channels.sum(axis=1)])
    path = tmp_path / "channels.txt"
    path.write_text("\n".join("\t".join(f"{v:g}" for v in r) for r in table) + "\n")
    (s,) = read_xps(path)
    np.testing.assert_allclose(s.intensity_cps, channels.sum(axis=1))


def _specs_counts(path, dwell=None, scans=None, separate=False):
    be = np.round(np.arange(295.0, 278.0, -0.1), 3)
    counts = np.round(_c1s(be, 40000.0))
    head = ["# Created by:        SpecsLab Prodigy", "# Energy Axis:       Binding Energy"]
    head += ["# Count Rate:        Counts"]
    if separate:
        head += ["# Separate Scan Data: yes"]
    head += ["#", "# Region:            C1s"]
    if dwell is not None:
        head += [f"# Dwell Time:        {dwell}"]
    if scans is not None:
        head += [f"# Number of Scans:   {scans}"]
    head += ["# ColumnLabels: energy counts"]
    rows = [f"{e:.3f}  {c:.0f}" for e, c in zip(be, counts, strict=True)]
    path.write_text("\n".join(head + rows) + "\n")
    return be, counts


def test_specs_counts_become_counts_per_second_with_the_stated_dwell_and_scans(tmp_path):
    # "Count Rate: Counts" with a dwell time and a number of scans: the counts were labelled
    # counts per second as they stood (here 2x too high)
    path = tmp_path / "C1s.xy"
    be, counts = _specs_counts(path, dwell=0.25, scans=8)
    (s,) = read_xps(path)
    order = np.argsort(be)
    np.testing.assert_allclose(s.intensity_cps, counts[order] / (0.25 * 8))
    assert s.intensity_unit == "counts.s-1"
    assert any("dwell time (0.25 s)" in n for n in s.metadata["notes"])


def test_separate_scan_tables_are_single_scans(tmp_path):
    path = tmp_path / "C1s.xy"
    be, counts = _specs_counts(path, dwell=0.5, scans=4, separate=True)
    (s,) = read_xps(path)
    np.testing.assert_allclose(s.intensity_cps, counts[np.argsort(be)] / 0.5)


def test_omicron_counts_use_the_dwell_of_the_settings_table(tmp_path):
    # Omicron EIS text export: a settings table (names over values) then "Energy Counts"
    names = "Region\tEnabled\tStart\tEnd\tStep\tSweeps\tDwell\tMode\tSweeps-Acquired"
    values = "1\ttrue\t295.0\t278.0\t0.1\t3\t0.200\tCAE\t2"
    be = np.round(np.arange(295.0, 278.0, -0.1), 3)
    counts = np.round(_c1s(be, 40000.0))
    rows = [f"{e:.1f}\t{c:.0f}" for e, c in zip(be, counts, strict=True)]
    path = tmp_path / "omicron.txt"
    path.write_text("\n".join([names, values, "Energy\tCounts", *rows]) + "\n")
    (s,) = read_xps(path, energy_axis="binding")
    # the sweeps acquired (2), not the sweeps asked for (3)
    np.testing.assert_allclose(s.intensity_cps, counts[np.argsort(be)] / (0.2 * 2))


def test_counts_without_dwell_time_are_labelled_counts_in_the_outputs(tmp_path):
    path = tmp_path / "C1s.xy"
    _specs_counts(path)
    (s,) = read_xps(path)
    assert s.intensity_unit == "counts"
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["analyze", str(path), "--kind", "xps", "--out", str(out)])
    assert result.exit_code == 0, result.output
    comp = pd.read_csv(out / "tables" / "C1s.xps_components.csv")
    assert "Area [counts.eV]" in comp.columns and "Area [cps.eV]" not in comp.columns
    (fit,) = (out / "tables").glob("*.fit.csv")
    assert "Intensity [counts]" in pd.read_csv(fit).columns


def test_an_intensity_column_that_names_no_unit_is_noted_as_assumed(tmp_path):
    be = np.round(np.arange(295.0, 278.0, -0.1), 3)
    rows = [f"{e:.3f},{v:.6g}" for e, v in zip(be, _c1s(be), strict=True)]
    path = tmp_path / "C1s.csv"
    path.write_text("BE/eV,InC1s\n" + "\n".join(rows) + "\n")
    (s,) = read_xps(path)
    assert s.intensity_unit == "counts.s-1"
    assert any("taken as counts per second (assumed)" in n for n in s.metadata["notes"])


def test_an_intensity_column_named_after_the_anode_gives_the_photon_energy(tmp_path):
    # Ctrl+Q's "BE/eV<TAB>AlKa": the column names the X-ray source. It became the region's
    # name ("AlKa"), and the same file on a kinetic axis was refused for want of a photon energy.
    ke = np.round(np.arange(1195.0, 1215.01, 0.05), 3)
    y = _c1s(1486.6 - ke)
    path = tmp_path / "C1s_KE.txt"
    rows = [f"{e:g}\t{v:.4f}" for e, v in zip(ke, y, strict=True)]
    path.write_text("KE/eV\tAlKa\n" + "\n".join(rows) + "\n")
    (s,) = read_xps(path)
    assert s.label == "C1s_KE"
    assert s.photon_energy_eV == pytest.approx(1486.6)
    np.testing.assert_allclose(s.binding_energy_eV, np.sort(1486.6 - ke), atol=1e-9)
    assert any("the column name 'AlKa'" in n for n in s.metadata["notes"])


def test_a_fermi_edge_on_a_converted_kinetic_axis_is_not_fitted_as_a_core_level(tmp_path):
    # CLAM2 UPS of gold, hv = 39 eV, KE 34-37 eV: BE = hv - KE puts the Fermi level at 3.5 eV
    # (no work function subtracted), above the 1 eV of the valence-band rule, so the edge was
    # fitted as a core level (one "unassigned" component, converged).
    ke = np.round(np.arange(34.0, 37.001, 0.02), 3)
    counts = np.round(120 + 360 / (1 + np.exp((ke - 35.55) / 0.08)))
    head = [
        "Fix Photon Energy: 39.000000 eV",
        "Kinetic Energy Scan:   34.0000 - 37.0000   eV ",
        "",
        "Energy (eV)\tCPS\tIe (mA)\tIp (A)\tCPS/Ip\tAvg CPS\tAvg CPS/Ip\t",
        "",
        "Scan : \t1",
        "",
    ]
    rows = [
        f"{e:.6f}\t{c:.6f}\t84.4\t8.6E-11\t{c / 8.6e-11:.6E}\t{c:.6f}\t{c / 8.6e-11:.6E}"
        for e, c in zip(ke, counts, strict=True)
    ]
    path = tmp_path / "EF.txt"
    path.write_text("\r\n".join(head + rows) + "\r\n")
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["analyze", str(path), "--kind", "xps", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    (region,) = summary["results"][path.name]["regions"].values()
    assert region.get("valence band or Fermi edge") is True
    assert "components" not in region


@needs_data
def test_vamas_counts_without_a_dwell_time_stay_counts(tmp_path):
    # a VAMAS block in counts whose dwell time is 0: the counts could not be turned into a
    # rate and were labelled counts per second as they stood
    source = XPS / "regular.vms"
    lines = source.read_text(encoding="latin-1").splitlines()
    k = lines.index("pulse counting")  # signal mode, then the dwell time [s], then scans
    (ref,) = read_xps(source)
    assert ref.intensity_unit == "counts.s-1"
    lines[k + 1] = "0"
    path = tmp_path / "nodwell.vms"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    (s,) = read_xps(path)
    assert s.intensity_unit == "counts"
    np.testing.assert_allclose(s.intensity_cps, ref.intensity_cps * 0.1 * 1)  # dwell 0.1 s x 1
    assert any("in counts, not counts per second" in n for n in s.metadata["notes"])


def _nanosurf_text(path, z_nm, width="10.00 \u03bcm", height="7.50 \u03bcm"):
    """A Nanosurf-style text export: ``key : value`` lines, then the heights on one line."""
    ny, nx = z_nm.shape
    head = [
        "Text File Create Date : 12/17/2021 6:12:05 PM",
        "",
        f"Name : Topography_Flat_Bwd ({nx}x{ny})",
        "",
        f"Image Width : {nx}",
        f"Image Height : {ny}",
        "",
        f"Real Width : {width}",
        f"Real Height : {height}",
        "Z Unit : nm",
        "",
    ]
    path.write_text("\n".join(head) + "\n" + " ".join(f"{v:.6f}" for v in z_nm.ravel()) + " \n")


def test_a_text_map_with_its_grid_in_the_header_is_read_in_its_units(tmp_path):
    # erma0x/atomic-force-microscope-viewer's topography_in_nanometers.txt (128 x 128 heights in
    # nm on one line, 10 um wide): SurfaceTopography took it for one row of heights in metres
    # and solidna refused "a height map must be 2-D ... got (1, 16384)"
    y, x = np.mgrid[0:12, 0:16]
    z_nm = 500 + 20 * x - 5 * y + 30 * np.sin(x)
    path = tmp_path / "topography_in_nanometers.txt"
    _nanosurf_text(path, z_nm)
    topo = read_topography(path)
    assert topo.heights_m.shape == (12, 16)
    np.testing.assert_allclose(topo.heights_m, z_nm * 1e-9)
    assert topo.size_m == pytest.approx((10e-6, 7.5e-6))


def test_a_text_map_whose_header_and_heights_disagree_is_refused(tmp_path):
    path = tmp_path / "cut.txt"
    _nanosurf_text(path, np.ones((4, 5)))
    path.write_text(path.read_text().replace("Image Height : 4", "Image Height : 5"))
    with pytest.raises(DataFormatError, match="holds 20 numbers"):
        read_topography(path)
