"""Benchmark: Na-CO2 steps that exhaust the cathode's CO2, each operating mode next to a current
step of the same length (the ratio is what this watches).

A 1000 Ohm load on the fresh 1 cm2 cell draws ~1.7 mA (~11x the paper's highest rate): the CO2
runs out within ~30 s and the reaction collapses to the gas side. With the CO2 reduction first
order in ``max(c, 0)`` the load's 3 minutes took ~26 s and its 10 minutes did not finish; a
1.2 V hold took ~290 s for 10 minutes (the current step: ~0.2 s, it ends at the cut-off). With
the rate first order in c (solidna.models.na_co2) each takes a few tenths of a second.

Run: .venv/bin/python benchmarks/bench_na_co2_exhaustion.py
"""

import time

import pybamm
from _common import measure

import solidna as sd

STEPS = {
    "current": "Discharge at 1.7 mA for 10 minutes",
    "resistance": "Discharge at 1000 Ohm for 10 minutes",
    "voltage hold": "Hold at 1.2 V for 10 minutes",
    "power (with a cut-off)": "Discharge at 2.8 mW for 10 minutes or until 1.5 V",
}
#: The resistance and hold steps may take this many times the current step's time [-].
GOAL_RATIO = 5.0


def main() -> None:
    cell = sd.NaCO2Cell()
    model, values = cell.model(), cell.parameter_values()

    def run(step: str):
        sim = pybamm.Simulation(
            model, parameter_values=values, experiment=pybamm.Experiment([step])
        )
        return sim.solve()

    run(STEPS["current"])  # warm-up: imports, first model build
    times = {}
    for mode, step in STEPS.items():
        tic = time.perf_counter()
        sol = measure(f"{mode}: '{step}'", lambda step=step: run(step), goal_s=1.0, repeat=3)
        times[mode] = (time.perf_counter() - tic) / 3
        print(f"    ends at {sol.t[-1]:.0f} s: {sol.termination}")
    for mode in ("resistance", "voltage hold", "power (with a cut-off)"):
        ratio = times[mode] / times["current"]
        verdict = "meets" if ratio <= GOAL_RATIO else "MISSES"
        print(
            f"{mode} / current (mean of 3 runs each): {ratio:.1f}x (goal <= {GOAL_RATIO:g}x: {verdict})"
        )


if __name__ == "__main__":
    main()
