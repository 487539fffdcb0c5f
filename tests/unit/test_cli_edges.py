"""The command line's sharp edges (issue 9, item 2): every user mistake is a one-line message with
the documented exit status, no traceback, and nothing left in --out."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import stat
import sys
import types
import warnings
from pathlib import Path

import pytest
from rich.console import Console
from typer.main import get_command
from typer.testing import CliRunner

import solidna
from solidna import cli
from solidna.cells.symmetric import SymmetricCell
from solidna.cli._common import ANODE_CHOICE, ProgressDisplay
from solidna.errors import InvalidOptionError, OutOfRangeWarning

runner = CliRunner()


def run(*args: str, **kwargs):
    return runner.invoke(cli.app, list(args), **kwargs)


def assert_user_error(result, *fragments: str, code: int = 2) -> None:
    """Exit status, the fragments in the error, and no traceback."""
    assert result.exit_code == code, result.output
    text = " ".join(result.stderr.split())
    for fragment in fragments:
        assert fragment in text, (fragment, result.stderr)
    assert "Traceback" not in result.output
    assert text.startswith("Error:") or text.startswith("Interrupted")


def staging_leftovers(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if ".solidna-staging-" in p.name]


# --- --version, -h, help text -----------------------------------------------------------------
def _commands(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(_commands(get_command(cli.app)))


def test_version_and_short_help() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"solidna {solidna.__version__}"
    assert run("-h").exit_code == 0
    assert run("simulate", "symmetric", "-h").exit_code == 0


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_option_is_documented_and_not_cut_at_80_columns(path, command) -> None:
    result = run(*path, "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    for param in command.params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        assert param.help, f"{' '.join(path)} {param.opts[0]} has no help"
        for opt in param.opts:
            assert re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", result.stdout), opt


def test_choices_are_listed_and_validated_by_the_parser() -> None:
    from solidna.cells.base import ANODES

    assert ANODE_CHOICE.choices == ANODES
    help_text = run("simulate", "na-co2", "--help", env={"COLUMNS": "80"}).stdout
    assert "[modified|pristine]" in help_text and "[discharge|cycle]" in help_text
    assert "[cycling|rate]" in run("simulate", "nvp", "--help").stdout
    analyze_help = run("analyze", "--help", env={"COLUMNS": "200"}).stdout
    assert "[symmetric|eis|cv|na-co2|nvp|battery|xps|afm-force|afm-map|topography]" in analyze_help
    assert_user_error(
        run("simulate", "symmetric", "--anode", "modifed"),
        "--anode: 'modifed' is not one of modified, pristine. Did you mean 'modified'?",
    )
    assert_user_error(run("simulate", "na-co2", "--mode", "cycles"), "--mode:", "discharge, cycle")


def test_surface_choices_are_the_analysis_ones() -> None:
    # written out in cli/analyze.py so that the command line starts without the analysis package
    from solidna.analysis.afm import INDENTERS
    from solidna.analysis.topography import LEVELS

    params = {p.name: p for p in get_command(cli.app).commands["analyze"].params}
    assert params["indenter"].metavar == "[" + "|".join(INDENTERS) + "]"
    assert params["level"].metavar == "[" + "|".join(LEVELS) + "]"


# --- quantities: option names, plain words ----------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--current-density", "0,1 mA/cm2"],
            "--current-density: '0,1 mA/cm2' has a decimal comma",
        ),
        (["--current-density", "5 V"], "not a current density"),
        (["--current-density", "0.1"], "--current-density: '0.1' has no unit"),
        (["--current-density", "-1 mA/cm2"], "must be greater than zero"),
        (["--temperature", "-300 degC"], "--temperature:"),
        (["--sse-thickness", "sixty um"], "--sse-thickness:"),
        (["--duration", "1e99 h"], "--duration: '1e99 h' is more than the maximum of 100000 h"),
    ],
)
def test_quantity_errors_name_the_option_in_plain_words(tmp_path, args, message) -> None:
    out = tmp_path / "never"
    result = run("simulate", "symmetric", *args, "--out", str(out))
    assert_user_error(result, message)
    assert "[mass]" not in result.stderr and "[length]" not in result.stderr
    assert not out.exists() and staging_leftovers(tmp_path) == []


def test_quantity_errors_say_what_is_expected() -> None:
    result = run("simulate", "symmetric", "--current-density", "5 V")
    assert_user_error(result, "--current-density:", "a current density, e.g.", "0.1 mA/cm2")
    result = run("simulate", "symmetric", "--temperature", "-300 degC")
    assert_user_error(result, "absolute zero")


def test_common_notation_mA_cm_minus_2_is_accepted(tmp_path, monkeypatch) -> None:
    seen = {}

    def fake_run(self, steps, **kwargs):
        seen["j"] = steps[-1].current_density_A_m2
        raise InvalidOptionError("stop here")

    monkeypatch.setattr(SymmetricCell, "run", fake_run)
    result = run(
        "simulate", "symmetric", "--current-density", "0.1 mA cm-2", "--out", str(tmp_path / "o")
    )
    assert_user_error(result, "stop here")
    assert seen["j"] == pytest.approx(1.0)  # 0.1 mA/cm2 = 1 A/m2


# --- options that would be ignored must act or be refused --------------------------------------
def test_na_co2_cutoff_is_the_discharge_cut_off_in_cycle_mode(tmp_path, monkeypatch) -> None:
    from solidna.cells.na_co2 import NaCO2Cell

    def fake_cycle(self, current, capacity, cycles, **kwargs):
        raise InvalidOptionError(f"called with {sorted(kwargs.items())}")

    monkeypatch.setattr(NaCO2Cell, "cycle", fake_cycle)
    out = tmp_path / "o"
    result = run("simulate", "na-co2", "--cutoff", "1.2 V", "--cycles", "1", "--out", str(out))
    assert_user_error(result, "('discharge_cutoff', '1.2 V')")
    assert not out.exists()


def test_na_co2_cycle_options_are_refused_in_discharge_mode(tmp_path) -> None:
    for option, value in (
        ("--cycles", "3"),
        ("--capacity", "500 mAh/g"),
        ("--charge-cutoff", "4 V"),
    ):
        result = run("simulate", "na-co2", "--mode", "discharge", option, value)
        assert_user_error(result, f"{option} applies to --mode cycle only")


def test_nvp_options_of_the_other_protocol_are_refused() -> None:
    assert_user_error(
        run("simulate", "nvp", "--protocol", "rate", "--c-rate", "2"),
        "--c-rate applies to --protocol cycling only",
    )
    assert_user_error(
        run("simulate", "nvp", "--c-rates", "1,2"), "--c-rates applies to --protocol rate"
    )


def test_cv_vertex_beyond_the_voltage_limit_is_refused(tmp_path) -> None:
    out = tmp_path / "cv"
    result = run("simulate", "cv", "--v-max", "20 V", "--out", str(out))
    assert_user_error(result, "voltage limit")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and staging_leftovers(tmp_path) == []


def test_analyze_refuses_negative_and_huge_forecast_and_bad_files(tmp_path) -> None:
    data = tmp_path / "sym.csv"
    data.write_text("Time [s],Voltage [V],Current [mA]\n0,0.08,0.1\n")
    base = ["analyze", str(data), "--kind", "symmetric", "--out", str(tmp_path / "o")]
    assert_user_error(run(*base, "--forecast", "-100 h"), "--forecast:", "greater than zero")
    assert_user_error(run(*base, "--forecast", "1e99 h"), "--forecast:", "maximum of 100000 h")
    twice = ["analyze", str(data), str(tmp_path / "." / "sym.csv"), "--kind", "symmetric"]
    assert_user_error(run(*twice, "--out", str(tmp_path / "o")), "sym.csv' is given twice")
    folder = tmp_path / "folder"
    folder.mkdir()
    assert_user_error(
        run("analyze", str(folder), "--kind", "eis", "--out", str(tmp_path / "o")),
        "is a directory, not a file",
    )
    assert not (tmp_path / "o").exists()


def test_old_spelling_na_co2_is_accepted_with_a_note(monkeypatch) -> None:
    calls = []
    fake = types.ModuleType("solidna.calibrate")

    def calibrate_na_co2(write: bool = True, progress=None) -> dict:
        calls.append(write)
        progress("one-argument progress message")  # the old one-argument callback still works
        progress("half way", 0.5)
        return {"rms_residual": 0.001}

    fake.calibrate_na_co2 = calibrate_na_co2
    monkeypatch.setitem(sys.modules, "solidna.calibrate", fake)
    for spelling in ("na-co2", "na_co2"):
        result = run("calibrate", spelling, "--check")
        assert result.exit_code == 0, result.output
    assert calls == [False, False]
    assert "old spelling" in result.stderr and "'na-co2'" in result.stderr
    assert "[ 50 %]" in result.stderr or "50 %" in result.stderr


# --- failures leave nothing behind; no traceback ----------------------------------------------
def test_failed_run_leaves_nothing_and_rerun_needs_no_force(tmp_path, monkeypatch) -> None:
    out = tmp_path / "sim"
    original = SymmetricCell.run

    def broken(self, *args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(SymmetricCell, "run", broken)
    result = run("simulate", "symmetric", "--duration", "2 h", "--out", str(out))
    assert_user_error(result, "unexpected RuntimeError: solver exploded", "report it", code=70)
    assert "SOLIDNA_DEBUG=1" in result.stderr
    assert not out.exists() and staging_leftovers(tmp_path) == []

    monkeypatch.setattr(SymmetricCell, "run", original)
    old = os.umask(0o022)
    try:
        result = run("simulate", "symmetric", "--duration", "2 h", "--out", str(out))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "summary.json",
        "timeseries.csv",
        "voltage.png",
    ]
    for name in ("summary.json", "timeseries.csv"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644, name


def test_debug_env_shows_the_traceback(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(SymmetricCell, "run", lambda *a, **k: 1 / 0)
    monkeypatch.setenv("SOLIDNA_DEBUG", "1")
    result = run("simulate", "symmetric", "--out", str(tmp_path / "o"))
    assert isinstance(result.exception, ZeroDivisionError)


def test_ctrl_c_is_one_line_and_exit_130(tmp_path, monkeypatch) -> None:
    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(SymmetricCell, "run", interrupted)
    out = tmp_path / "sim"
    result = run("simulate", "symmetric", "--out", str(out))
    assert result.exit_code == 130
    assert result.stderr.strip() == "Interrupted."
    assert not out.exists() and staging_leftovers(tmp_path) == []


def test_unwritable_out_is_a_clear_error(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    assert_user_error(
        run("simulate", "cv", "--out", str(blocker / "run")), "Cannot create the output directory"
    )
    assert_user_error(run("simulate", "cv", "--out", str(blocker)), "is a file, not a directory")

    from solidna import io_utils

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(io_utils.tempfile, "mkdtemp", denied)
    assert_user_error(run("simulate", "cv", "--out", str(tmp_path / "ro")), "permission denied")


def test_warnings_are_one_line_and_solver_logs_are_hidden(tmp_path, monkeypatch) -> None:
    seen = {}

    def noisy(self, *args, **kwargs):
        warnings.warn("temperature outside the validated range", OutOfRangeWarning, stacklevel=1)
        record = logging.makeLogRecord({"name": "pybamm.logger", "msg": "solver step failed"})
        seen["log shown"] = logging.getLogger("pybamm.logger").filter(record)
        raise InvalidOptionError("stop")

    monkeypatch.setattr(SymmetricCell, "run", noisy)
    result = run("simulate", "symmetric", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "Warning: temperature outside the validated range"
    assert ".py" not in result.stderr and "warnings.warn" not in result.stderr
    assert not seen["log shown"]


# --- simulate cv: the model-based exchange current, with the plain BV fit beside it -------------
def test_simulate_cv_prints_both_exchange_currents_with_units(tmp_path) -> None:
    out = tmp_path / "cv"
    result = run("simulate", "cv", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    m = re.search(r"model-based fit, as the report\): ([\d.]+) mA/cm2", text)
    assert m and float(m.group(1)) == pytest.approx(1.73, rel=0.05)
    assert "plain Butler-Volmer fit" in text and "for comparison" in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["exchange current density [mA.cm-2]"] == pytest.approx(1.73, rel=0.05)
    assert "plain Butler-Volmer fit: exchange current density [mA.cm-2]" in summary
    assert summary["exchange current method"].startswith("model-based")


# --- parameters and targets -------------------------------------------------------------------
@pytest.mark.parametrize("command", ["parameters", "targets"])
def test_tables_fit_80_columns_and_offer_csv_json(command) -> None:
    result = run(command, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    csv = run(command, "--format", "csv")
    assert csv.exit_code == 0
    header = csv.stdout.splitlines()[0].split(",")
    assert ("note" in header) if command == "parameters" else ("quantity" in header)
    data = json.loads(run(command, "--format", "json").stdout)
    assert isinstance(data, list) and len(data) > 10
    assert_user_error(run(command, "--format", "xml"), "--format")


# --- progress ---------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_plain_progress_is_throttled_monotone_and_shows_time_left() -> None:
    buffer = io.StringIO()
    clock = Clock()
    display = ProgressDisplay(Console(file=buffer, width=200), terminal=False, clock=clock)
    with display as progress:
        for k, f in enumerate([0.0, 0.01, 0.02, 0.1, 0.08, 0.5, 0.5, 1.0]):
            clock.t = 10.0 * k
            progress(f"step {k}", f)
        progress("message only", None)
    lines = buffer.getvalue().splitlines()
    shown = [int(re.match(r"\[\s*(\d+) %\]", line).group(1)) for line in lines]
    assert shown == sorted(shown) and shown[-1] == 100  # never backwards
    assert any("left)" in line and "about" in line for line in lines)
    # throttled: with the clock standing still, small steps print nothing new
    buffer.truncate(0)
    with ProgressDisplay(Console(file=buffer), terminal=False, clock=lambda: 0.0) as progress:
        for f in (0.0, 0.001, 0.002, 0.003, 0.2):
            progress("x", f)
    assert len(buffer.getvalue().strip("\0").splitlines()) == 2


def test_terminal_progress_bar_runs() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    with ProgressDisplay(console, clock=Clock()) as progress:
        progress("working", 0.5)
        progress("still working")
    assert "working" in buffer.getvalue()


@pytest.mark.parametrize(
    ("duration", "title", "cycles_line"),
    [
        ("1 h", "symmetric cell, 0.5 cycles", "cycles: 1 (the last one incomplete)"),
        ("3 h", "symmetric cell, 1.5 cycles", "cycles: 2 (the last one incomplete)"),
        ("2.5 h", "symmetric cell, 1.25 cycles", "cycles: 1;"),
        ("4 h", "symmetric cell, 2 cycles", "cycles: 2;"),
        ("4.5 h", "symmetric cell, 2.25 cycles", "cycles: 2;"),
    ],
)
def test_symmetric_counts_the_cycles_it_ran(tmp_path, duration, title, cycles_line):
    """The title counted whole cycles ("0 cycles" for 1 h of 1-h half cycles) while the table
    below it listed one: both now count what ran, and an incomplete last cycle is named."""
    result = run("simulate", "symmetric", "--duration", duration, "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert title + ":" in result.stdout
    assert cycles_line in result.stdout
