"""`analyze --kind eis --drt`: the DRT of every spectrum, in tables, figures and the summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from _shared_data import shared_data
from solidna.analysis.pipeline import analyze
from solidna.cli import app

TWO_ZARC, needs_shared = shared_data("drt", "2XZARCequal.csv")

# pyDRTtools' synthetic spectrum: two ZARCs of 50 Ohm at tau = 0.1 s and 1e-4 s (data README);
# the tolerances of issue 15's acceptance (15 % in tau, 5 % in area)
TAU_REL_TOL, AREA_REL_TOL = 0.15, 0.05


@needs_shared
def test_drt_of_a_file_recovers_the_two_zarcs(tmp_path):
    summary = analyze([TWO_ZARC], "eis", tmp_path / "out", drt=True, write_data=False)
    result = summary["results"]["DRT"]["2XZARCequal.csv"]
    assert result["lambda method"] == "lcurve" and result["lambda [-]"] > 0
    peaks = pd.read_csv(tmp_path / "out" / "tables" / "2XZARCequal.drt_peaks.csv")
    measured = peaks[peaks["In measured range"]].sort_values("tau [s]")
    np.testing.assert_allclose(measured["tau [s]"], [1e-4, 0.1], rtol=TAU_REL_TOL)
    np.testing.assert_allclose(measured["R [Ohm]"], [50, 50], rtol=AREA_REL_TOL)
    assert "figures/2XZARCequal_drt.png" in summary["outputs"]
    gamma = pd.read_csv(tmp_path / "out" / "tables" / "2XZARCequal.drt.csv")
    assert {"tau [s]", "gamma [Ohm]", "gamma lower [Ohm]", "gamma upper [Ohm]"} <= set(gamma)


def _rc_spectra(path, spectra):
    """One file of RC spectra (5 Ohm + R || tau = 1 ms), numbered from 1: ``spectra`` holds
    (number of frequencies from 100 kHz to 0.1 Hz, R [Ohm]) of each."""
    rows = []
    for number, (n, r) in enumerate(spectra, start=1):
        f = np.logspace(5, -1, n)
        z = 5.0 + r / (1 + 2j * np.pi * f * 1e-3)
        rows.append(
            pd.DataFrame(
                {
                    "Frequency [Hz]": f,
                    "Z_re [Ohm]": z.real,
                    "Z_im [Ohm]": z.imag,
                    "Spectrum": number,
                }
            )
        )
    pd.concat(rows).to_csv(path, index=False)
    return path


def test_drt_is_off_by_default_and_follows_several_spectra(tmp_path):
    # two RC spectra in one file: R grows from 40 to 60 Ohm at tau = 1 ms
    path = _rc_spectra(tmp_path / "two.csv", [(49, 40.0), (49, 60.0)])
    plain = analyze([path], "eis", tmp_path / "plain", circuit="R0-p(R1,C1)", write_data=False)
    assert "DRT" not in plain["results"]
    summary = analyze(
        [path], "eis", tmp_path / "out", circuit="R0-p(R1,C1)", write_data=False, drt=True
    )
    per_spectrum = summary["results"]["DRT"]["two.csv"]
    assert len(per_spectrum) == 2
    evolution = pd.read_csv(tmp_path / "out" / "tables" / "two.drt_evolution.csv")
    assert len(evolution) == 2
    for number, r in ((1, 40.0), (2, 60.0)):
        peaks = pd.read_csv(tmp_path / "out" / "tables" / f"two.{number}.drt_peaks.csv")
        main = peaks.loc[peaks["R [Ohm]"].idxmax()]
        assert main["tau [s]"] == pytest.approx(1e-3, rel=TAU_REL_TOL)
        assert main["R [Ohm]"] == pytest.approx(r, rel=AREA_REL_TOL)


@needs_shared
def test_cli_drt_flag(tmp_path):
    out = tmp_path / "cli"
    res = CliRunner().invoke(
        app, ["analyze", str(TWO_ZARC), "--kind", "eis", "--drt", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert (out / "figures" / "2XZARCequal_drt.png").exists()


def test_spectrum_names_agree_between_the_circuit_fit_and_the_drt(tmp_path):
    # three RC spectra in one file; the first is too short for a DRT (8 frequencies, fewer than
    # the DRT's minimum but enough for a circuit fit). Its tables once took the names of the
    # next: spectrum 2's DRT went to "three.1.drt.csv", and summary.json named the same
    # spectrum "three.csv spectrum 2" in the fits and "three.csv #2" in the DRT.
    path = _rc_spectra(tmp_path / "three.csv", [(8, 30.0), (49, 40.0), (49, 60.0)])
    summary = analyze(
        [path], "eis", tmp_path / "out", circuit="R0-p(R1,C1)", write_data=False, drt=True
    )
    fits = summary["results"]["files"]
    drt = summary["results"]["DRT"]["three.csv"]
    assert set(drt) == {"three.csv spectrum 2", "three.csv spectrum 3"}
    assert set(drt) < set(fits)
    tables = tmp_path / "out" / "tables"
    assert not (tables / "three.1.drt_peaks.csv").exists()
    for number, r in ((2, 40.0), (3, 60.0)):
        peaks = pd.read_csv(tables / f"three.{number}.drt_peaks.csv")
        assert peaks["R [Ohm]"].max() == pytest.approx(r, rel=AREA_REL_TOL)
