"""Benchmark: 4000-h M-Na run at 0.1 mA/cm2 with 1-h half cycles (2000 cycles); goal <= 5 s.

Run: .venv/bin/python benchmarks/bench_symmetric_4000h.py
"""

from _common import measure

import solidna as sd


def main() -> None:
    cell = sd.SymmetricCell(anode="modified")
    cell.cycle("0.1 mA/cm2", "1 h", "10 h")  # warm-up: imports and first model build
    result = measure(
        "4000 h M-Na, 2000 cycles (solve + per-cycle analysis)",
        lambda: (lambda r: (r, r.overpotential()))(cell.cycle("0.1 mA/cm2", "1 h", "4000 h")),
        goal_s=5.0,
        repeat=3,
    )
    eta = result[1]
    print(f"  cycles: {len(eta)}; overpotential {eta.iloc[0]:.1f} -> {eta.iloc[-1]:.1f} mV")


if __name__ == "__main__":
    main()
