"""Benchmark: what showing progress costs a simulation. A CV (progress after each CasADi window)
and jumped cycling runs (progress after each resolved block: 4000 h of a symmetric cell, 500
NVP cycles) are run with the CLI's
progress bar (``solidna.cli._common.ProgressDisplay`` drawing to a discarded terminal) and without
a callback, side by side in this one process, alternating, best of ``REPEAT`` each, as ratios.

Run: .venv/bin/python benchmarks/bench_progress.py [CV_CYCLES]   (default 20)
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable

from _common import measure  # noqa: F401 - sets the environment of every benchmark
from rich.console import Console

import solidna as sd
from solidna.cli._common import ProgressDisplay
from solidna.protocols import GalvanostaticCycling

REPEAT = 5


def _best(runs: dict[str, Callable[[Callable | None], object]]) -> dict[str, float]:
    """Best wall time of each run, with and without a progress bar, alternating."""
    best: dict[str, float] = {}
    for _ in range(REPEAT):
        for name, run in runs.items():
            for shown in (False, True):
                key = f"{name}, {'bar' if shown else 'none'}"
                tic = time.perf_counter()
                if shown:
                    console = Console(file=io.StringIO(), force_terminal=True, width=100)
                    with ProgressDisplay(console) as progress:
                        run(progress)
                else:
                    run(None)
                best[key] = min(best.get(key, float("inf")), time.perf_counter() - tic)
    return best


def main(cv_cycles: int = 20) -> None:
    cell, nvp = sd.SymmetricCell("modified"), sd.NVPCell("modified")
    runs = {
        f"CV {cv_cycles} cycles": lambda p: cell.cv(cycles=cv_cycles, progress=p),
        "symmetric 4000 h jumped": lambda p: cell.cycle("0.1 mA/cm2", "1 h", "4000 h", progress=p),
        "NVP 500 cycles jumped": lambda p: nvp.run(GalvanostaticCycling(1, 500), progress=p),
    }
    for run in runs.values():  # warm-up: imports, model builds
        run(None)
    best = _best(runs)
    for name in runs:
        bar, none = best[f"{name}, bar"], best[f"{name}, none"]
        print(
            f"{name}: no callback {none:.2f} s, progress bar {bar:.2f} s (best of {REPEAT}); "
            f"ratio {bar / none:.2f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
