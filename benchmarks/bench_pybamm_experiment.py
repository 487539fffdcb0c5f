"""Benchmark: the symmetric cell in a pybamm.Experiment (issue 12) next to SymmetricCell.cycle.

24 h of 1-h half cycles at 0.1 mA/cm2 (12 cycles, 24 steps) through PyBaMM's experiment loop, and
the same protocol through our schedule path (one solve with "Current function [A]" as a
piecewise function of time); plus the 4000-h M-Na run of bench_symmetric_4000h.py for reference.

Run: .venv/bin/python benchmarks/bench_pybamm_experiment.py
"""

import pybamm
from _common import measure

import solidna as sd


def main() -> None:
    cell = sd.SymmetricCell(anode="modified")
    cell.cycle("0.1 mA/cm2", "1 h", "10 h")  # warm-up: imports and first model build
    exp = pybamm.Experiment(
        [("Discharge at 0.1 mA for 1 hour", "Charge at 0.1 mA for 1 hour")] * 12, period="4 minutes"
    )

    def experiment():
        sim = pybamm.Simulation(
            cell.model(), parameter_values=cell.parameter_values(), experiment=exp
        )
        return sim.solve()

    measure("pybamm.Experiment, 24 h (12 cycles, 24 steps)", experiment, goal_s=10.0, repeat=3)
    measure(
        "SymmetricCell.cycle, 24 h (one solve)",
        lambda: cell.cycle("0.1 mA/cm2", "1 h", "24 h"),
        goal_s=1.0,
        repeat=3,
    )
    measure(
        "SymmetricCell.cycle, 4000 h M-Na (2000 cycles)",
        lambda: cell.cycle("0.1 mA/cm2", "1 h", "4000 h").overpotential(),
        goal_s=5.0,
        repeat=3,
    )


if __name__ == "__main__":
    main()
