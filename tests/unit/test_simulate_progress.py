"""Long simulations show progress with the time left: jumped cycling reports its cycles, a CV the
share of the sweep simulated, the CV's model fit each evaluation; the display pulses (no "0 %"
that looks stuck) until the work reports a fraction, and logs get lines only from then on."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

import solidna as sd
from solidna import cli
from solidna.calibrate.cv import fit_cv
from solidna.cli._common import ProgressDisplay

runner = CliRunner()


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, float | None]] = []

    def __call__(self, message: str, fraction: float | None = None) -> None:
        self.calls.append((message, fraction))

    @property
    def fractions(self) -> list[float]:
        return [f for _, f in self.calls if f is not None]


def _check_fractions(fractions: list[float]) -> None:
    assert len(fractions) >= 3, fractions
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions == sorted(fractions)  # never backwards
    assert fractions[-1] == 1.0


def test_jumped_cycling_reports_the_cycles_done() -> None:
    seen = Recorder()
    result = sd.SymmetricCell().cycle("0.1 mA/cm2", "1 h", "400 h", progress=seen)
    assert result.jumped is not None  # 200 cycles: jumped by default
    _check_fractions(seen.fractions)
    message, fraction = seen.calls[-1]
    assert message == "cycle 200 of 200" and fraction == 1.0
    # the reported count is the cycles done: its fraction matches the message
    for message, fraction in seen.calls:
        done, total = map(int, re.fullmatch(r"cycle (\d+) of (\d+)", message).groups())
        assert fraction == pytest.approx(done / total)


def test_jumped_na_co2_cycling_reports_the_cycles_done() -> None:
    seen = Recorder()
    sd.NaCO2Cell().cycle(cycles=3, jump=True, progress=seen)
    # three cycles are resolved in one piece (no jump): reported once, at the end
    assert seen.calls == [("cycle 3 of 3", 1.0)]
    resolved = Recorder()
    sd.NaCO2Cell().cycle(cycles=2, progress=resolved)
    assert resolved.calls == [("solving", None)]


def test_a_resolved_run_says_it_is_solving_without_a_fraction() -> None:
    seen = Recorder()
    sd.SymmetricCell().cycle("0.1 mA/cm2", "1 h", "4 h", progress=seen)
    assert seen.calls == [("solving", None)]


def test_resolved_nvp_cycling_reports_each_cycle() -> None:
    from solidna.protocols import GalvanostaticCycling

    seen = Recorder()
    sd.NVPCell().run(GalvanostaticCycling(1, 3), jump=False, progress=seen)
    _check_fractions(seen.fractions)
    assert [m for m, _ in seen.calls] == [f"cycle {c} of 3" for c in (1, 1, 2, 2, 3, 3)]


def test_cv_reports_the_share_of_the_sweep_and_is_unchanged_by_it() -> None:
    cell = sd.SymmetricCell()
    seen = Recorder()
    with_progress = cell.cv(cycles=3, progress=seen)
    _check_fractions(seen.fractions)
    assert {m for m, _ in seen.calls} == {"sweeping 3 cycles"}
    plain = cell.cv(cycles=3)
    a = with_progress.timeseries["Current density [mA.cm-2]"].to_numpy()
    b = plain.timeseries["Current density [mA.cm-2]"].to_numpy()
    assert np.array_equal(a, b)  # reporting reads the solve; a CV is the same on every run


def test_cv_fit_reports_each_model_evaluation() -> None:
    cell = sd.SymmetricCell("pristine")
    ts = cell.cv(cycles=1).timeseries
    seen = Recorder()
    fit = fit_cv(
        ts["Time [s]"].to_numpy(),
        ts["Voltage [V]"].to_numpy(),
        ts["Current density [mA.cm-2]"].to_numpy() * 10,
        "pristine",
        cell.parameters,
        progress=seen,
    )
    assert len(seen.calls) == fit.n_evaluations
    assert all(f is None for _, f in seen.calls)  # the count is not known in advance
    assert seen.calls[-1][0].startswith(f"CV model fit: evaluation {fit.n_evaluations} took")


def test_terminal_bar_pulses_until_a_fraction_is_reported() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    with ProgressDisplay(console) as progress:
        task = progress._bar.tasks[0]
        progress("solving", None)
        assert task.total is None  # indeterminate: no "0 %"
        progress("cycle 10 of 100", 0.1)
        assert task.total == 1.0 and task.completed == pytest.approx(0.1)
        progress("message only", None)
        assert task.total == 1.0  # once measured, it stays a bar


def test_plain_lines_start_with_the_first_fraction() -> None:
    buffer = io.StringIO()
    with ProgressDisplay(Console(file=buffer, width=200), terminal=False) as progress:
        progress("simulating", None)
        progress("solving", None)
        assert buffer.getvalue() == ""  # a short run leaves a log clean
        progress("cycle 1 of 4", 0.25)
    assert buffer.getvalue().splitlines() == ["[ 25 %] cycle 1 of 4"]


def test_cli_simulate_logs_the_cycles_of_a_long_run(tmp_path) -> None:
    out = tmp_path / "o"
    result = runner.invoke(
        cli.app, ["simulate", "symmetric", "--duration", "400 h", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "%]" in line]
    assert lines and lines[-1].startswith("[100 %] symmetric cell, 200 cycles: cycle 200 of 200")
