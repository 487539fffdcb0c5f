"""Benchmark (issue 13d): forecast of a symmetric-cell record to 4000 h with 20 samples (21
model runs); goal <= 5 s.

The record: 200 h of a simulated M-Na cell (0.1 mA/cm2, 1-h half cycles) with 0.3 mV noise,
fitted by :class:`solidna.calibrate.from_data.InterphaseFit`. The forecast jumps over cycles and
its samples share one PyBaMM simulation; the baseline, measured in the same run, resolves every
cycle (``jump=False``) for 2 samples (3 runs) and is scaled to 21 runs. With ``--dask`` the
forecast also runs on an embedded Dask LocalCluster of two worker processes (start-up
included).

Run: .venv/bin/python benchmarks/bench_forecast.py [--dask]
"""

import sys
import time

import numpy as np
from _common import measure

import solidna as sd
from solidna.calibrate.from_data import InterphaseFit

UNTIL = "4000 h"
SAMPLES = 20


def main() -> None:
    record = sd.SymmetricCell("modified").cycle("0.1 mA/cm2", "1 h", "200 h").timeseries
    rng = np.random.default_rng(3)
    v = record["Voltage [V]"].to_numpy() + rng.normal(0, 3e-4, len(record))
    fit = InterphaseFit("modified").fit(
        record["Time [h]"].to_numpy() * 3600, v, record["Current density [mA.cm-2]"] * 10
    )
    fit.forecast("10 h", n_samples=2)  # warm-up
    fc = measure(
        f"forecast to {UNTIL}, {SAMPLES} samples (jumped)",
        lambda: fit.forecast(UNTIL, n_samples=SAMPLES),
        goal_s=5.0,
        repeat=2,
    )
    tic = time.perf_counter()
    full = fit.forecast(UNTIL, n_samples=2, jump=False)
    per_run = (time.perf_counter() - tic) / 3
    jumped_small = fit.forecast(UNTIL, n_samples=2)
    diff = (full["Overpotential [mV]"] - jumped_small["Overpotential [mV]"]).abs().max()
    print(
        f"  baseline without jumping: {per_run:.2f} s per run, ~{21 * per_run:.0f} s for "
        f"{SAMPLES} samples; best-fit forecast differs by at most {diff:.3f} mV"
    )
    print(
        f"  band at {UNTIL}: {fc['Lower [mV]'].iloc[-1]:.1f} - {fc['Upper [mV]'].iloc[-1]:.1f} mV"
    )
    if "--dask" in sys.argv:
        measure(
            f"forecast to {UNTIL}, {SAMPLES} samples on a 2-worker LocalCluster",
            lambda: fit.forecast(UNTIL, n_samples=SAMPLES, workers=2),
            goal_s=5.0,
        )


if __name__ == "__main__":
    main()
