"""A fresh NVP half cell given a current it cannot take (session 20).

At 10 C the drop across the SSE and the interphases carries the fresh cell's voltage past the
3.8 V cut-off at once. The status said "the cell can no longer be cycled", as of a cell worn out
by cycling, of a cell that had never passed charge; the command line then printed "cycles: 3;
retention 0.000", as if three cycles had run. The status now says the cell cannot take the
current and what to change, and the command line says how many cycles had a discharge.
"""

from __future__ import annotations

from typer.testing import CliRunner

import solidna as sd
from solidna import cli

runner = CliRunner()


def test_a_fresh_cell_that_cannot_take_the_current_says_so():
    run = sd.NVPCell("modified").cycle(c_rate=10.0, cycles=2)
    assert run.status.startswith("stopped at step 1")
    assert "cannot take 10 C" in run.status
    assert "lower C-rate" in run.status
    assert "can no longer be cycled" not in run.status
    assert (run.discharge_capacity() == 0).all()


def test_the_command_line_counts_the_cycles_with_a_discharge(tmp_path):
    out = tmp_path / "nvp"
    result = runner.invoke(
        cli.app, ["simulate", "nvp", "--c-rate", "10", "--cycles", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "cycles: 3, 0 of them with a discharge" in result.output
    assert "cannot take 10 C" in " ".join(result.output.split())


def test_a_run_whose_cycles_all_ran_prints_the_plain_count(tmp_path):
    out = tmp_path / "nvp"
    result = runner.invoke(cli.app, ["simulate", "nvp", "--cycles", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "cycles: 2; retention" in result.output
