"""XPS fits judged by their residual; the energy axis of a text export on the command line.

A fit that leaves a C-O shoulder or a doublet partner unfitted converges like any other, and was
reported "converged" with no word on its misfit (real files: LG4X ``C1s_sample.csv``, MIT; W 4f
and Mo 3d doublets fitted as two single lines). :func:`solidna.analysis.xps.fit.fit_quality`
judges the fit as XPS practice does: the reduced chi-square under counting (Poisson) noise where
the counts are known, runs of one sign in the residual (Durbin-Watson, a scan over energy
windows) naming the range missed and what to try there, and the doublet check.

The spectra are synthetic, with Poisson noise of known counts (numpy's generator, fixed seeds).
The headerless two-column text file is the layout of LG4X's ``Example/*.csv`` exports without
their header line (hidecode221b/LG4X, MIT; layout only, no data copied).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from _twins import DWELL_S, SCANS, counting_spectrum
from solidna import cli
from solidna.analysis.xps.fit import Peak, XPSFit
from solidna.analysis.xps.io import XPSSpectrum
from solidna.analysis.xps.lineshapes import line_shape

runner = CliRunner()
STEP_EV = 0.1


def _c1s_counts(seed: int, shoulder: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """C 1s counts: C-C at 284.8 eV and a C-O shoulder at 286.4 eV (``shoulder`` of its area)
    on a flat background, Poisson noise."""
    be = np.arange(280.0, 292.0 + STEP_EV / 2, STEP_EV)
    mean = (
        800.0
        + line_shape("gl_sum", be, 24000.0, 284.8, 1.2, 0.3)
        + line_shape("gl_sum", be, 24000.0 * shoulder, 286.4, 1.2, 0.3)
    )
    return be, np.random.default_rng(seed).poisson(mean).astype(float)


def _spectrum(be, counts, label="C 1s") -> XPSSpectrum:
    # a VAMAS-like spectrum: counts per second with the dwell time and scans it was made of
    return counting_spectrum(be, counts, label)


TWO_PEAKS = [Peak("C-C", 285.0), Peak("C-O", 286.2, fwhm_like="C-C")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_right_model_passes_without_a_note(seed) -> None:
    fit = XPSFit(TWO_PEAKS).fit(_spectrum(*_c1s_counts(seed)))
    q = fit.quality_
    assert q["verdict"] == "good", q["notes"]
    assert q["misfits"] == [] and q["notes"] == []
    noise = q["counting noise"]
    assert noise["judged"] and noise["counts per unit [s]"] == pytest.approx(DWELL_S * SCANS)
    assert noise["reduced chi-square"] < noise["limit"]
    assert 1.5 < q["Durbin-Watson"] < 2.5
    assert fit.summary()["fit quality"]["verdict"] == "good"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_missing_shoulder_is_named_with_its_energy_range(seed) -> None:
    fit = XPSFit([Peak("C-C", 285.0)]).fit(_spectrum(*_c1s_counts(seed)))
    assert fit.converged_  # the optimiser is content: the old report stopped there
    q = fit.quality_
    assert q["verdict"] == "poor"
    shoulder = [
        m for m in q["misfits"] if m["data"] == "above" and m["from [eV]"] < 286.4 < m["to [eV]"]
    ]
    assert len(shoulder) == 1 and abs(shoulder[0]["at [eV]"] - 286.4) < 0.8
    text = " ".join(q["notes"])
    assert "under counting noise" in text and "another component near 28" in text
    assert f"{shoulder[0]['from [eV]']:.2f}-{shoulder[0]['to [eV]']:.2f} eV" in text


def test_counts_that_do_not_scatter_as_counts_are_not_judged_by_them() -> None:
    be, counts = _c1s_counts(4)
    # the file's dwell x scans says 100 times more counts than were measured: the chi-square
    # under counting noise would judge the file's bookkeeping, so it is not used
    spec = _spectrum(be, counts)
    fit = XPSFit(TWO_PEAKS).fit(spec, counts_per_unit_s=200.0)
    noise = fit.quality_["counting noise"]
    assert not noise["judged"] and "not raw counts" in noise["reason"]
    assert fit.quality_["verdict"] == "good"
    fit = XPSFit(TWO_PEAKS).fit(be, counts / 2.0)  # arrays: the counts are not known
    assert not fit.quality_["counting noise"]["judged"]
    assert "dwell time" in fit.quality_["counting noise"]["reason"]


def test_smoothed_data_are_not_judged_by_their_runs() -> None:
    be, counts = _c1s_counts(5)
    # a Gaussian smoothing of 1.5 points (sigma), as an export's "smooth" option does
    kernel = np.exp(-0.5 * (np.arange(-4, 5) / 1.5) ** 2)
    smooth = np.convolve(counts, kernel / kernel.sum(), mode="same")
    fit = XPSFit(TWO_PEAKS, "linear").fit(be[3:-3], smooth[3:-3])
    q = fit.quality_
    assert q["verdict"] == "not judged" and q["misfits"] == []
    assert "correlated" in " ".join(q["notes"])


def _w4f(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """W 4f of W metal: 4f7/2 at 31.4 eV, 4f5/2 2.18 eV higher with 3/4 of its area."""
    be = np.arange(26.0, 40.0 + 0.05 / 2, 0.05)
    mean = (
        400.0
        + line_shape("gl_sum", be, 30000.0, 31.4, 0.8, 0.3)
        + line_shape("gl_sum", be, 22500.0, 33.58, 0.8, 0.3)
    )
    return be, np.random.default_rng(seed).poisson(mean).astype(float)


def test_a_doublet_region_fitted_with_single_lines_is_noted() -> None:
    be, counts = _w4f(6)
    spec = _spectrum(be, counts, label="W 4f")
    singles = XPSFit([Peak("a", 31.5, 0.8), Peak("b", 33.5, 0.8)]).fit(spec)
    text = " ".join(singles.quality_["notes"])
    assert "W 4f is a spin-orbit doublet" in text
    assert "splitting_eV=2.18, area_ratio=0.75" in text
    doublet = XPSFit([Peak("W", 31.5, 0.8, splitting_eV=2.18, area_ratio=0.75)]).fit(spec)
    assert doublet.quality_["verdict"] == "good", doublet.quality_["notes"]
    assert doublet.quality_["notes"] == []


def test_a_missing_doublet_partner_is_named_as_such() -> None:
    be, counts = _w4f(7)
    fit = XPSFit([Peak("W 4f7/2", 31.5, 0.8)]).fit(_spectrum(be, counts, label="W 4f"))
    q = fit.quality_
    assert q["verdict"] == "poor"
    text = " ".join(q["notes"])
    assert "the spin-orbit partner of the line 'W 4f7/2'" in text
    assert "split 2.18 eV, area ratio 3:4" in text
    assert any(m["from [eV]"] < 33.58 < m["to [eV]"] for m in q["misfits"])


def test_fit_quality_alone() -> None:
    from solidna.analysis.xps.fit import fit_quality

    x = np.linspace(0, 10, 201)
    f = 1000 + 5000 * np.exp(-((x - 5) ** 2))
    y = np.random.default_rng(8).poisson(f).astype(float)
    q = fit_quality(x, y, f, np.full_like(x, 1000.0), 190, counts_per_unit_s=1.0)
    assert q["verdict"] == "good" and q["counting noise"]["judged"]
    q = fit_quality(x, y + 600 * np.exp(-((x - 7) ** 2) / 0.5), f, np.full_like(x, 1000.0), 190)
    assert q["verdict"] == "poor" and abs(q["misfits"][0]["at [eV]"] - 7.0) < 0.5


# --- the report --------------------------------------------------------------------------------
def _write(path: Path, be: np.ndarray, counts: np.ndarray, header: str | None) -> Path:
    rows = "\n".join(f"{e:.2f},{c:.0f}" for e, c in zip(be[::-1], counts[::-1], strict=True))
    path.write_text((header + "\n" if header else "") + rows + "\n")
    return path


def _analyze(tmp_path: Path, *args: str) -> tuple[int, str, dict]:
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["analyze", *args, "--kind", "xps", "--out", str(out)])
    summary = json.loads((out / "summary.json").read_text()) if result.exit_code == 0 else {}
    return result.exit_code, result.output, summary


def test_the_report_says_the_fit_misses_the_shoulder(tmp_path) -> None:
    # LG4X's layout ("BE/eV,In<name>", integer counts, no dwell time): judged by the scatter
    be, counts = _c1s_counts(9, shoulder=0.15)
    path = _write(tmp_path / "C1s_sample.csv", be, counts, "BE/eV,InC1s_sample")
    code, output, summary = _analyze(tmp_path, str(path))
    assert code == 0, output
    (region,) = summary["results"]["C1s_sample.csv"]["regions"].values()
    assert region["converged"] and region["fit quality"] == "poor"
    assert not region["fit quality checks"]["counting noise"]["judged"]
    notes = " ".join(summary["notes"])
    assert "fit quality: the model does not describe the data" in notes
    assert "another component near 28" in notes


# --- --energy-axis -----------------------------------------------------------------------------
def test_energy_axis_kinetic_round_trip(tmp_path) -> None:
    be, counts = _c1s_counts(10, shoulder=0.0)
    path = _write(tmp_path / "c1s.txt", 1486.6 - be, counts, None)  # kinetic energies
    code, output, summary = _analyze(
        tmp_path, str(path), "--energy-axis", "kinetic", "--photon-energy", "1486.6"
    )
    assert code == 0, output
    fit = (tmp_path / "out" / "tables" / "c1s.c1s.fit.csv").read_text().splitlines()
    energies = [float(line.split(",")[0]) for line in fit[1:]]
    assert min(energies) == pytest.approx(280.0) and max(energies) == pytest.approx(292.0)
    (region,) = summary["results"]["c1s.txt"]["regions"].values()
    assert region["core level"] == "C 1s"
    assert "is kinetic: binding energy = 1486.6 eV" in " ".join(summary["notes"])
    # without the option the column is taken as binding energy, as the note says
    code, output, summary = _analyze(tmp_path, str(path), "--force")
    assert code == 0, output
    assert "column 1 taken as binding energy" in " ".join(summary["notes"])


def test_energy_axis_binding_overrides_the_header(tmp_path) -> None:
    be, counts = _c1s_counts(11, shoulder=0.0)
    path = _write(tmp_path / "c1s.csv", be, counts, "Kinetic energy [eV],Intensity")
    code, output, summary = _analyze(tmp_path, str(path), "--energy-axis", "binding")
    assert code == 0, output
    assert "energy axis taken as binding energy, as asked" in " ".join(summary["notes"])


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--kind", "eis", "--energy-axis", "kinetic"], ["--energy-axis", "--kind xps only"]),
        (["--kind", "xps", "--energy-axis", "kin"], ["--energy-axis", "binding, kinetic"]),
        (["--kind", "xps", "--energy-axis", "photon"], ["--energy-axis", "binding, kinetic"]),
    ],
)
def test_energy_axis_is_checked(tmp_path, args, fragments) -> None:
    path = _write(tmp_path / "c1s.txt", *_c1s_counts(12), None)
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["analyze", str(path), *args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.stderr.split())
    assert text.startswith("Error:") and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in text, text
    assert not out.exists()


def test_a_text_export_of_raw_counts_is_judged_under_counting_noise(tmp_path):
    """A text export of raw counts with its dwell time and scans (the header lines the reader
    turns into counts per second): the counts per unit were not kept, so its fit was judged
    against the measured scatter only. The reader now records them, and the two-peak model of
    the two-peak spectrum passes the counting-noise test."""
    from solidna.analysis.xps.io import read_xps

    be, counts = _c1s_counts(seed=5)
    path = tmp_path / "c1s.txt"
    rows = "\n".join(f"{e:.2f}\t{c:.0f}" for e, c in zip(be, counts, strict=True))
    path.write_text(
        f"# Region: C 1s\n# Dwell Time: {DWELL_S}\n# Number of Scans: {SCANS}\n"
        f"# Excitation Energy: 1486.6\nBinding Energy\tCounts\n{rows}\n"
    )
    (spectrum,) = read_xps(path)
    assert spectrum.metadata["counts per unit [s]"] == pytest.approx(DWELL_S * SCANS)
    fit = XPSFit(TWO_PEAKS, background="shirley").fit(spectrum)
    assert fit.quality_["counting noise"]["judged"]
