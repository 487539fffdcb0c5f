"""Benchmark (issue 13a): the 4000-h M-Na run (0.1 mA/cm2, 1-h half cycles, 2000 cycles) with
cycle jumping against the full solve and the bare PyBaMM model of the same size, measured side
by side in one run (goal: jumped >= 20x faster than full).

Each variant gives what a user gets: the run and its per-cycle overpotential (the bare model:
its solve only). Best of three, interleaved so that load on the machine hits all alike.

Run: .venv/bin/python benchmarks/bench_symmetric_jump.py
"""

import time

from bench_symmetric_4000h import solve_bare

import solidna as sd
from solidna.protocols import PlatingStripping, current_schedule

REPEAT = 3


def main() -> None:
    cell = sd.SymmetricCell(anode="modified")
    cell.cycle("0.1 mA/cm2", "1 h", "10 h")  # warm-up: imports and first model build
    values = dict(cell.parameter_values())
    segments = current_schedule([PlatingStripping("0.1 mA/cm2", "4000 h", half_cycle="1 h")])
    solve_bare(values, current_schedule([PlatingStripping("0.1 mA/cm2", "10 h", half_cycle="1 h")]))

    def run(jump: bool):
        result = cell.cycle("0.1 mA/cm2", "1 h", "4000 h", jump=jump)
        return result, result.cycles()

    best = {"jumped": float("inf"), "full": float("inf"), "bare": float("inf")}
    out = {}
    for _ in range(REPEAT):
        for name, fn in (
            ("jumped", lambda: run(True)),
            ("full", lambda: run(False)),
            ("bare", lambda: solve_bare(values, segments)),
        ):
            tic = time.perf_counter()
            out[name] = fn()
            best[name] = min(best[name], time.perf_counter() - tic)
    (rj, cj), (_, cf) = out["jumped"], out["full"]
    diff = (cj["Overpotential [mV]"] - cf["Overpotential [mV]"]).abs().max()
    info = rj.inputs["cycle jumping"]
    ratio = best["full"] / best["jumped"]
    print(
        f"4000 h M-Na: jumped {best['jumped']:.3f} s, full {best['full']:.2f} s, bare PyBaMM "
        f"{best['bare']:.2f} s (best of {REPEAT})"
    )
    print(
        f"  full / jumped = {ratio:.1f} (goal >= 20: {'meets' if ratio >= 20 else 'MISSES'}); "
        f"bare / jumped = {best['bare'] / best['jumped']:.1f}; full / bare = "
        f"{best['full'] / best['bare']:.2f}"
    )
    print(
        f"  {info['resolved cycles']} of {info['cycles']} cycles resolved, {info['jumps']} jumps "
        f"({info['rejected jumps']} rejected); largest per-cycle overpotential difference "
        f"{diff:.3f} mV (acceptance < 1 mV)"
    )


if __name__ == "__main__":
    main()
