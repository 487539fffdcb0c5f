"""Benchmark: what an experiment's temperature costs a PyBaMM simulation of each model. The same
experiment is solved without a temperature (the step runs at the values' own temperature, where
the SSE conductivity's law folds to 1) and at 35 degC (PyBaMM calls the law with the step's
temperature: one evaluation of the effective-medium conductivity per step), side by side in this
one process, alternating, best of ``REPEAT`` each, as ratios.

Run: .venv/bin/python benchmarks/bench_experiment_temperature.py
"""

from __future__ import annotations

import time

import pybamm
from _common import measure  # noqa: F401 - sets the environment of every benchmark

from solidna.models import NaCO2CellModel, NVPHalfCellModel, SymmetricCellModel

REPEAT = 5
STEPS = [
    "Discharge at 0.1 mA for 30 minutes",
    "Rest for 10 minutes",
    "Charge at 0.1 mA for 30 minutes",
]
MODELS = {
    "symmetric": SymmetricCellModel,
    "Na-CO2": NaCO2CellModel,
    "NVP": NVPHalfCellModel,
}


def _solve(model_class, temperature: float | None) -> None:
    experiment = pybamm.Experiment(STEPS * 2, temperature=temperature)
    pybamm.Simulation(model_class(), experiment=experiment).solve()


def main() -> None:
    best: dict[tuple[str, str], float] = {}
    for _ in range(REPEAT):
        for name, model_class in MODELS.items():
            for label, temperature in (("values' T", None), ("35 degC", 308.15)):
                tic = time.perf_counter()
                _solve(model_class, temperature)
                key = (name, label)
                best[key] = min(best.get(key, float("inf")), time.perf_counter() - tic)
    for name in MODELS:
        base, warm = best[(name, "values' T")], best[(name, "35 degC")]
        print(
            f"{name}: at the values' temperature {base:.3f} s, a 35 degC step {warm:.3f} s "
            f"(ratio {warm / base:.2f}, best of {REPEAT})"
        )


if __name__ == "__main__":
    main()
