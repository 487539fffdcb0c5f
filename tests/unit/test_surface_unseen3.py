"""Surface analysis on a third round of files from other projects (the unseen-file review).

The test builds a small synthetic file with the structure of a public export that was misread
(the public files are not copied): a LG4X-style two-column ``BE/eV,<name>`` UPS spectrum of a
metal's Fermi edge, which was fitted as a core level, and a LG4X NEXAFS spectrum on a photon
energy axis (``PE/eV``), which was read as binding energy.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.analysis.xps.io import read_xps
from solidna.errors import DataFormatError

runner = CliRunner()


def _fermi_edge(be: np.ndarray, kt_eV: float = 0.05) -> np.ndarray:
    """Counts of a metal valence band: a flat d-band hump above a Fermi step at 0 eV."""
    step = 1.0 / (1.0 + np.exp(-be / kt_eV))  # occupied states at BE > 0
    hump = 4.0 * np.exp(-(((be - 2.6) / 1.0) ** 2))
    return 100.0 * (1.2 + step * (2.0 + hump))


def _analyse(path):
    """``solidna analyze --kind xps`` on one file: its summary and its only region."""
    out = path.parent / "out"
    result = runner.invoke(cli.app, ["analyze", str(path), "--kind", "xps", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    (region,) = summary["results"][path.name]["regions"].values()
    return summary, region


def test_a_valence_band_through_the_fermi_level_is_not_fitted_as_a_core_level(tmp_path):
    # LG4X's UPS Fermi-edge export (BE 5.3 to -1.7 eV) came out as one "unassigned" core-level
    # component at 2.68 eV with a Shirley background, reported as converged.
    be = np.round(np.arange(5.3, -1.71, -0.02), 4)
    path = tmp_path / "Ef.csv"
    rows = [f"{e:.6g},{y:.6g}" for e, y in zip(be, _fermi_edge(be), strict=True)]
    path.write_text("BE/eV,InEf\n" + "\n".join(rows) + "\n")
    summary, region = _analyse(path)
    assert region.get("valence band or Fermi edge") is True
    assert "components" not in region
    assert any("Fermi level" in n for n in summary["notes"])


def test_a_core_level_window_above_the_fermi_level_is_still_fitted(tmp_path):
    be = np.round(np.arange(295.0, 278.0, -0.1), 3)
    y = 400 + 9000 * np.exp(-4 * np.log(2) * ((be - 284.8) / 1.2) ** 2)
    path = tmp_path / "C1s.csv"
    rows = [f"{e:.4g},{v:.6g}" for e, v in zip(be, y, strict=True)]
    path.write_text("BE/eV,InC1s\n" + "\n".join(rows) + "\n")
    _, region = _analyse(path)
    assert region["core level"] == "C 1s" and region["components"]


def test_a_photon_energy_axis_is_refused_as_an_absorption_spectrum(tmp_path):
    # LG4X's NEXAFS carbon K edge ("PE/eV,AbNorm_...", 270.7-320.7 eV) was read as binding
    # energy: a "C 1s" fit whose pi* resonance became C-C and whose 288 eV feature entered the
    # paper comparison as the carboxylate line.
    pe = np.round(np.arange(270.7, 320.8, 0.2), 1)
    edge = 0.07 + 0.3 / (1 + np.exp(-(pe - 290.0))) + 0.3 * np.exp(-(((pe - 285.0) / 0.5) ** 2))
    path = tmp_path / "CK.csv"
    rows = [f"{e:.1f},{a:.6g}" for e, a in zip(pe, edge, strict=True)]
    path.write_text("PE/eV,AbNorm_CK\r\n" + "\r\n".join(rows))
    with pytest.raises(DataFormatError, match="photon energy"):
        read_xps(path)


def test_an_unrecognised_topography_file_gets_a_short_error(tmp_path):
    # SurfaceTopography's own test file "This is nonsense. Should raise CannotDetectFileFormat.":
    # the error carried every reader's failure, about 50 lines.
    from solidna.analysis.topography import read_topography

    path = tmp_path / "nonsense.txt"
    path.write_text("This is nonsense. Should raise CannotDetectFileFormat.")
    with pytest.raises(DataFormatError, match="no reader of SurfaceTopography") as err:
        read_topography(path)
    assert str(err.value).count("\n") == 0 and len(str(err.value)) < 400
