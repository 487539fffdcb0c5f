"""Tests of the solidna command line (typer CliRunner, fake figure modules: fast)."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from typer.testing import CliRunner

import solidna
import solidna.reproduce
from solidna import cli
from solidna.reproduce.base import FigureOutput, TargetResult

FAKE = "solidna_test_cli_fake_fig3f"
runner = CliRunner()


def install_fake(monkeypatch: pytest.MonkeyPatch, w1p5_model: float) -> None:
    """A figure module for fig3f: w0p5 passes; w1p5 passes only when ``w1p5_model`` is ~0.07."""
    module = types.ModuleType(FAKE)
    module.PREFIXES = ("fig3f",)

    def run(progress):
        progress("fitting", 0.5)
        fig = Figure(figsize=(2, 1.5))
        fig.add_subplot().plot([0, 1], [0, 1])
        return FigureOutput(
            name="fig3f",
            results=[
                TargetResult("fig3f.sigma.w0p5", 0.62, "fake"),
                TargetResult("fig3f.sigma.w1p5", w1p5_model, "fake"),
            ],
            figures={"fig3f": fig},
        )

    module.run = run
    monkeypatch.setitem(sys.modules, FAKE, module)
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", (FAKE,))


def test_reproduce_exit_1_when_a_result_fails(monkeypatch, tmp_path: Path) -> None:
    install_fake(monkeypatch, w1p5_model=0.2)
    out = tmp_path / "tmp"
    result = runner.invoke(cli.app, ["reproduce", "--only", "fig3f", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "fig3f.sigma.w0p5" in result.stdout
    counts = [line for line in result.stdout.splitlines() if "pass" in line or "reference" in line]
    assert counts[-3:] == [
        "calibrate (fitted): 1/5 pass, 1 fail, 3 without model value",
        "validate (predicted): 0/1 pass, 1 without model value (consistency 0/1)",
        "0 reference",
    ]
    assert "reproduction.json" in result.stdout and "report.html" in result.stdout
    data = json.loads((out / "reproduction.json").read_text())
    assert [r["pass"] for r in data["results"][:3]] == [True, None, False]
    assert (out / "figures" / "fig3f.png").exists()


def test_reproduce_exit_0_when_all_pass(monkeypatch, tmp_path: Path) -> None:
    install_fake(monkeypatch, w1p5_model=0.07)
    result = runner.invoke(cli.app, ["reproduce", "--only", "fig3f", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "calibrate (fitted): 2/5 pass, 3 without model value\n" in result.stdout
    lines = [line for line in result.stdout.splitlines() if str(tmp_path) not in line]
    assert max(map(len, lines)) <= 80  # the files' paths aside, every line fits 80 columns


def test_reproduce_unknown_prefix_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["reproduce", "--only", "fig9", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "Error: Unknown target prefix 'fig9'" in result.stderr
    assert "Valid prefixes" in result.stderr
    assert "Traceback" not in result.output


def test_reproduce_refuses_non_empty_out_and_force_keeps_files(monkeypatch, tmp_path: Path) -> None:
    install_fake(monkeypatch, w1p5_model=0.07)
    (tmp_path / "mine.txt").write_text("keep")
    result = runner.invoke(cli.app, ["reproduce", "--only", "fig3f", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not empty" in result.stderr and "--force" in result.stderr
    result = runner.invoke(
        cli.app, ["reproduce", "--only", "fig3f", "--out", str(tmp_path), "--force"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine.txt").read_text() == "keep"


def test_reproduce_comma_separated_prefixes(monkeypatch, tmp_path: Path) -> None:
    install_fake(monkeypatch, w1p5_model=0.07)
    out = tmp_path / "o"
    result = runner.invoke(cli.app, ["reproduce", "--only", "fig3f,thermo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ids = [r["id"] for r in json.loads((out / "reproduction.json").read_text())["results"]]
    assert "thermo.E0" in ids and "fig3f.sigma.w0p5" in ids


def test_targets() -> None:
    result = runner.invoke(cli.app, ["targets"])
    assert result.exit_code == 0, result.output
    assert "fig3f.sigma.w0p5" in result.stdout and "thermo.E0" in result.stdout
    result = runner.invoke(cli.app, ["targets", "--only", "fig4h"])
    assert result.exit_code == 0
    assert "fig4h.mna.overpotential.start" in result.stdout and "fig3f" not in result.stdout
    result = runner.invoke(cli.app, ["targets", "--only", "nope"])
    assert result.exit_code == 2 and "Error:" in result.stderr


def test_version() -> None:
    result = runner.invoke(cli.app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"solidna {solidna.__version__}"


def test_parameters() -> None:
    result = runner.invoke(cli.app, ["parameters"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli.app, ["parameters", "--set", "nosuchset"])
    assert result.exit_code == 2
    assert "Unknown parameter set 'nosuchset'" in result.stderr


def test_simulate_group_exists() -> None:
    result = runner.invoke(cli.app, ["simulate", "--help"])
    assert result.exit_code == 0
    assert "Simulate" in result.stdout


def test_calibrate_uses_the_routines(monkeypatch) -> None:
    calls: list[tuple[str, bool]] = []
    fake = types.ModuleType("solidna.calibrate")

    def calibrate_electrolyte(write: bool = True) -> dict:
        calls.append(("electrolyte", write))
        return {"parameters": {"SSE conductivity [S.m-1]": 0.0512}, "residuals": [0.01, -0.02]}

    def calibrate_symmetric(write: bool = True, progress=None) -> dict:
        calls.append(("symmetric", write))
        return {"rms_residual": 0.003}

    def calibrate_na_co2(write: bool = True, progress=None) -> dict:
        calls.append(("na_co2", write))
        return {"rms_residual": 0.001}

    def calibrate_nvp(write: bool = True, progress=None) -> dict:
        calls.append(("nvp", write))
        return {"rms_residual": 0.002}

    fake.calibrate_electrolyte = calibrate_electrolyte
    fake.calibrate_symmetric = calibrate_symmetric
    fake.calibrate_na_co2 = calibrate_na_co2
    fake.calibrate_nvp = calibrate_nvp
    monkeypatch.setitem(sys.modules, "solidna.calibrate", fake)

    result = runner.invoke(cli.app, ["calibrate", "electrolyte", "--check"])
    assert result.exit_code == 0, result.output
    assert calls == [("electrolyte", False)]
    assert "SSE conductivity [S.m-1]" in result.stdout and "0.0512" in result.stdout
    assert "no parameter file was written" in result.stdout

    calls.clear()
    result = runner.invoke(cli.app, ["calibrate"])
    assert result.exit_code == 0, result.output
    assert calls == [("electrolyte", True), ("symmetric", True), ("na_co2", True), ("nvp", True)]


def test_calibrate_all_weighs_each_step_by_its_typical_duration(monkeypatch) -> None:
    # the bar's share of a step follows its typical duration, so the time left after the
    # one-second electrolyte fit is not a quarter of the whole
    from solidna.cli import calibrate as cli_calibrate

    fake = types.ModuleType("solidna.calibrate")
    for step in cli_calibrate.STEPS:

        def routine(write: bool = True, progress=None) -> dict:
            progress("half way", 0.5)
            return {}

        setattr(fake, f"calibrate_{step.replace('-', '_')}", routine)
    monkeypatch.setitem(sys.modules, "solidna.calibrate", fake)
    seen: list[tuple[str, float]] = []
    monkeypatch.setattr(
        cli_calibrate.ProgressDisplay,
        "__call__",
        lambda self, message, fraction=None: seen.append((message, fraction)),
    )
    result = runner.invoke(cli.app, ["calibrate", "all", "--check"])
    assert result.exit_code == 0, result.output
    assert set(cli_calibrate.STEP_SECONDS) == set(cli_calibrate.STEPS)
    weights = [cli_calibrate.STEP_SECONDS[s] for s in cli_calibrate.STEPS]
    halves = [f for m, f in seen if m.endswith("half way")]
    expected = [(sum(weights[:k]) + weights[k] / 2) / sum(weights) for k in range(len(weights))]
    assert halves == pytest.approx(expected)
    assert halves[0] < 0.01  # the electrolyte fit is a sliver of the whole


def test_calibrate_missing_routine_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "solidna.calibrate", types.ModuleType("solidna.calibrate"))
    result = runner.invoke(cli.app, ["calibrate", "symmetric"])
    assert result.exit_code == 2
    assert "has no function calibrate_symmetric()" in result.stderr


def test_main_handles_user_errors_and_sets_environment(monkeypatch, capsys) -> None:
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.delenv("PYBAMM_DISABLE_TELEMETRY", raising=False)
    monkeypatch.setattr(sys, "argv", ["solidna", "targets", "--only", "fig9"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2
    assert "Error: Unknown target prefix 'fig9'" in capsys.readouterr().err
    assert cli.os.environ["MPLBACKEND"] == "Agg"
    assert cli.os.environ["PYBAMM_DISABLE_TELEMETRY"] == "true"
