"""Exit statuses of ``solidna``: a run that does not solve is not a usage error.

A solver or fit that fails on accepted input (:class:`~solidna.errors.ConvergenceError`) once
exited with status 2, the status of a bad command line, so a script could not tell "fix the
options" from "this case does not run". It now exits with 1; a bad option keeps 2.
"""

from __future__ import annotations

from typer.testing import CliRunner

from solidna import cli
from solidna.cli._common import FAILED_RUN_EXIT, USER_ERROR_EXIT

runner = CliRunner()


def test_a_run_that_does_not_solve_exits_1_and_leaves_nothing(tmp_path):
    out = tmp_path / "run"
    # 50 mA/cm2 puts the symmetric cell past its 10 V limit at t = 0 (a ConvergenceError)
    result = runner.invoke(
        cli.app,
        [
            "simulate",
            "symmetric",
            "--current-density",
            "50 mA/cm2",
            "--duration",
            "2 h",
            "--out",
            out,
        ],
    )
    assert result.exit_code == FAILED_RUN_EXIT == 1, result.output
    assert "past its limit" in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_bad_option_still_exits_2(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(
        cli.app, ["simulate", "symmetric", "--current-density", "0,1 mA/cm2", "--out", out]
    )
    assert result.exit_code == USER_ERROR_EXIT == 2, result.output
    assert list(tmp_path.iterdir()) == []
