"""A solve leaves a signal the process ignores ignored.

A job started in the background of a non-interactive shell (``solidna reproduce &`` in a
script) starts with SIGINT ignored. The solver's interrupt guard replaced that with its own
handler, so a Ctrl-C meant for the foreground stopped the background run, and the tests of
the guard failed when the suite itself ran in the background.
"""

from __future__ import annotations

import os
import signal

import pytest


@pytest.fixture
def sigint_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    yield
    signal.signal(signal.SIGINT, previous)


def _interrupting_integrator(monkeypatch, calls: list[int]) -> None:
    import pybamm

    original = pybamm.CasadiSolver._run_integrator

    def integrating(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pybamm.CasadiSolver, "_run_integrator", integrating)


def test_an_ignored_sigint_does_not_stop_a_solve(monkeypatch, sigint_ignored) -> None:
    import solidna as sd

    calls: list[int] = []
    _interrupting_integrator(monkeypatch, calls)
    cell = sd.SymmetricCell()
    result = cell.cv(cycles=2)  # ran to its end: no KeyboardInterrupt
    assert len(calls) >= 2  # integrated on after the signal
    monkeypatch.undo()
    assert result.status == "completed"
    assert (
        result.timeseries["Time [s]"].iloc[-1] == cell.cv(cycles=2).timeseries["Time [s]"].iloc[-1]
    )
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_control_a_handled_sigint_stops_the_solve(monkeypatch) -> None:
    import solidna as sd

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        calls: list[int] = []
        _interrupting_integrator(monkeypatch, calls)
        with pytest.raises(KeyboardInterrupt):
            sd.SymmetricCell().cv(cycles=2)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
