"""Benchmark: 200 cycles of a M-Na|SSE|NVP half-cell at 1 C (Fig. S31); goal <= 30 s.

Run: .venv/bin/python benchmarks/bench_nvp_200cycles.py

The model (PyBaMM SPMe half-cell with the Na and cathode interphase submodels) is built and
discretised once and stepped by IDAKLU from one constant-current half cycle to the next until a
voltage cut-off (input parameters), so the fade states evolve in the time domain with no
cycle-skipping approximation.
"""

from _common import measure

from solidna.cells.nvp import NVPCell


def main() -> None:
    cell = NVPCell(anode="modified")
    cell.cycle(1.0, 2)  # warm-up: imports and the first model build
    result = measure(
        "M-Na|SSE|NVP, 200 cycles at 1 C (build + solve + per-cycle table)",
        lambda: cell.cycle(1.0, 200),
        goal_s=30.0,
        repeat=3,
    )
    q = result.discharge_capacity()
    print(
        f"  cycles: {len(q)}; discharge capacity {q.iloc[0]:.1f} -> {q.iloc[-1]:.1f} mAh/g "
        f"(retention {result.retention():.3f}); status {result.status}"
    )
    result = measure(
        "Na|SSE|NVP (pristine), 200 cycles at 1 C",
        lambda: NVPCell(anode="pristine").cycle(1.0, 200),
        goal_s=30.0,
    )
    print(f"  status {result.status}")


if __name__ == "__main__":
    main()
