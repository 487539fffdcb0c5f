"""Benchmark (issue 13): cycle jumping of the NVP half-cell and the Na-CO2 cell against the full
solve, measured side by side in one run, with the agreement of the per-cycle tables.

* NVP: the 200 cycles at 1 C of Fig. S31 (M-Na); jumping is on by default (>= 100 cycles).
* Na-CO2: the 50 capacity-limited cycles of Fig. 5d (200 mA/g, 1000 mAh/g, M-Na); jumping is
  opt-in for this cell (``cycle(..., jump=True)``: see ``NA_CO2_JUMP_TOLERANCE``).

Each variant gives what a user gets: the run and its per-cycle table. Best of three, interleaved
so that load on the machine hits both alike.

Run: .venv/bin/python benchmarks/bench_jump_cells.py
"""

import time
from collections.abc import Callable

import numpy as np

from solidna.cells.na_co2 import NaCO2Cell
from solidna.cells.nvp import NVPCell

REPEAT = 3


def compare(title: str, run: Callable[[bool], object], table: Callable, diff: Callable) -> None:
    """Time ``run(jump)`` jumped and full (best of :data:`REPEAT`, interleaved, per-cycle table
    included) and print the ratio and ``diff(jumped result, full result, their tables)``."""
    best = {True: float("inf"), False: float("inf")}
    out = {}
    for _ in range(REPEAT):
        for jump in (True, False):
            tic = time.perf_counter()
            result = run(jump)
            out[jump] = (result, table(result))
            best[jump] = min(best[jump], time.perf_counter() - tic)
    info = out[True][0].inputs["cycle jumping"]
    print(
        f"{title}: jumped {best[True]:.3f} s, full {best[False]:.3f} s (best of {REPEAT}); "
        f"full / jumped = {best[False] / best[True]:.1f}"
    )
    print(
        f"  {info['resolved cycles']} of {info['cycles']} cycles resolved, {info['jumps']} jumps "
        f"({info['rejected jumps']} rejected); {diff(*out[True], *out[False])}"
    )


def _largest(cj, cf, cols, relative: bool) -> float:
    d = [np.abs(cj[k] / cf[k] - 1) if relative else np.abs(cj[k] - cf[k]) for k in cols]
    return max(float(np.max(x)) for x in d)


_CAPACITIES = ("Charge capacity [mAh.g-1]", "Discharge capacity [mAh.g-1]")


def nvp() -> None:
    cell = NVPCell("modified")
    cell.cycle(1.0, 2)  # warm-up: imports and the first model build

    def diff(rj, cj, rf, cf) -> str:
        return (
            f"largest per-cycle capacity difference {100 * _largest(cj, cf, _CAPACITIES, True):.3f}"
            f" % (acceptance < 0.5 %); retention {rj.retention():.5f} jumped, "
            f"{rf.retention():.5f} full"
        )

    compare(
        "NVP 200 cycles at 1 C (M-Na)",
        lambda jump: cell.cycle(1.0, 200, jump=jump),
        lambda result: result.cycles,
        diff,
    )


def na_co2() -> None:
    cell = NaCO2Cell("modified")
    cell.cycle("200 mA/g", "1000 mAh/g", 2)  # warm-up
    voltages = [
        f"{w} {k} voltage [V]" for w in ("Terminal", "Median") for k in ("discharge", "charge")
    ]

    def diff(rj, cj, rf, cf) -> str:
        return (
            f"largest per-cycle voltage difference {1e3 * _largest(cj, cf, voltages, False):.2f} "
            f"mV, capacity {100 * _largest(cj, cf, _CAPACITIES, True):.2g} %"
        )

    compare(
        "Na-CO2 50 cycles, 200 mA/g, 1000 mAh/g (M-Na)",
        lambda jump: cell.cycle("200 mA/g", "1000 mAh/g", 50, jump=jump),
        lambda result: result.cycles(),
        diff,
    )


if __name__ == "__main__":
    nvp()
    na_co2()
