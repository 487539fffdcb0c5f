"""Ctrl-C that the interrupted code swallows still stops the command.

A KeyboardInterrupt that lands while a compiled module initialises comes out of the import as
``ImportError: initialization failed`` (pybind11). ``solidna reproduce`` interrupted at that
moment recorded "figure module solidna.reproduce.fig4 failed: ImportError: initialization
failed", went on, wrote its results into --out and exited with status 1. The command line now
notes the signal itself and stops at the next progress report: exit status 130, --out untouched.
"""

from __future__ import annotations

import io
import os
import signal
import time

import pytest
from rich.console import Console
from typer.testing import CliRunner

from solidna import cli
from solidna.cli._common import ProgressDisplay

runner = CliRunner()


def _swallowed_ctrl_c() -> None:
    """Ctrl-C on this process, caught and turned into an ImportError, as pybind11 does."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1.0)  # the handler runs here
    except KeyboardInterrupt:
        try:
            raise ImportError("initialization failed") from None
        except ImportError:
            pass  # a figure module's failure, recorded and passed over


def test_reproduce_stops_after_a_ctrl_c_that_an_import_swallowed(
    tmp_path, monkeypatch, python_ctrl_c
):
    import solidna.reproduce.runner as runner_module

    def fake_reproduce(only, out, force, progress):
        progress("fig2: starting", 0.0)
        _swallowed_ctrl_c()
        progress("fig4: failed (ImportError: initialization failed)", 0.99)
        return {"results": [], "run": {"modules": [], "outputs": {"files": []}}}

    monkeypatch.setattr(runner_module, "reproduce", fake_reproduce)
    out = tmp_path / "results"
    result = runner.invoke(cli.app, ["reproduce", "--only", "fig4", "--out", str(out)])
    assert result.exit_code == 130, (result.exit_code, result.output)
    assert "Interrupted" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_progress_display_stops_once_ctrl_c_was_noted():
    from solidna.cli._common import CTRL_C

    stream = Console(file=io.StringIO(), width=80)
    CTRL_C.set()
    try:
        with ProgressDisplay(stream, terminal=False) as shown, pytest.raises(KeyboardInterrupt):
            shown("next step", 0.5)
    finally:
        CTRL_C.clear()
