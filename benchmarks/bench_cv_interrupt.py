"""Benchmark: what letting Ctrl-C stop a CV costs. The CV runs on
``solidna.models.solve._InterruptibleCasadiSolver`` (CasADi 'safe' mode that notes SIGINT/SIGTERM
and raises it between integrator calls); the baseline is the plain ``pybamm.CasadiSolver`` it
replaced, side by side in this one process, alternating, best of ``REPEAT`` each, as a ratio.

Run: .venv/bin/python benchmarks/bench_cv_interrupt.py [CYCLES]   (default 3)
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pybamm
from _common import measure  # noqa: F401 - sets the environment of every benchmark

import solidna as sd
from solidna.models import solve

REPEAT = 5


def _cv(cycles: int):
    return sd.SymmetricCell("modified").cv(cycles=cycles).timeseries


def main(cycles: int = 3) -> None:
    interruptible = solve._InterruptibleCasadiSolver
    best = {"plain": float("inf"), "interruptible": float("inf")}
    out: dict[str, list] = {"plain": [], "interruptible": []}
    _cv(cycles)  # warm-up: imports, model build
    for _ in range(REPEAT):
        for name, cls in (("plain", pybamm.CasadiSolver), ("interruptible", interruptible)):
            solve._InterruptibleCasadiSolver = cls
            if cls is pybamm.CasadiSolver:
                # the plain solver has no noting_interrupts() or reporting_progress(); give it
                # ones that do nothing (its _run_integrator neither raises nor reports)
                cls.noting_interrupts = interruptible.noting_interrupts
                cls.reporting_progress = interruptible.reporting_progress
                cls._interrupted = _NeverSet()
                cls._progress = []
            try:
                tic = time.perf_counter()
                out[name].append(_cv(cycles)["Current density [mA.cm-2]"].to_numpy())
                best[name] = min(best[name], time.perf_counter() - tic)
            finally:
                solve._InterruptibleCasadiSolver = interruptible
    # relative to the peak current, against the spread of the plain solver's own repeats (zero
    # since the CV's windows start without PyBaMM's random perturbation of the algebraic states)
    peak = float(np.max(np.abs(out["plain"][0])))
    own = max(float(np.max(np.abs(i - out["plain"][0]))) for i in out["plain"][1:]) / peak
    cross = max(float(np.max(np.abs(i - out["plain"][0]))) for i in out["interruptible"]) / peak
    print(
        f"CV, {cycles} cycle(s) at 5 mV/s: plain CasadiSolver {best['plain']:.2f} s, "
        f"interruptible {best['interruptible']:.2f} s (best of {REPEAT}); ratio "
        f"{best['interruptible'] / best['plain']:.2f}; currents differ from the first plain run by "
        f"{cross:.1e} of the peak (the plain solver's own repeats: {own:.1e})"
    )


class _NeverSet:
    def is_set(self) -> bool:
        return False

    def set(self) -> None:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
