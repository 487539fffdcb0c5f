"""Benchmark: the median over the charge passed (:func:`solidna.analysis.metrics.median_voltage`)
against a plain median of the samples (``numpy.median``, what the metrics used before), side by
side in one process on the same half cycles.

Two records: the one-million-row record of ``bench_read_1M.py`` (1389 cycles, 360 samples per
half cycle) and the Na-CO2 simulator's 50 cycles at 200 mA/g (about 34 samples per half cycle).
Printed: the time of each and their ratio, and the whole ``galvanostatic_cycles`` on the
million rows.

Run: .venv/bin/python benchmarks/bench_median.py
"""

from __future__ import annotations

import time

import numpy as np
from _common import measure
from bench_read_1M import synthetic_record

import solidna as sd
import solidna.analysis.io as sio
from solidna.analysis.cycling import split_half_cycles
from solidna.analysis.io._table import integrate_current
from solidna.analysis.metrics import galvanostatic_cycles, median_voltage


def best_of(fn, repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls [s]."""
    best = float("inf")
    for _ in range(repeat):
        tic = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - tic)
    return best


def compare(label: str, q: np.ndarray, v: np.ndarray, slices: list[tuple[int, int]]) -> None:
    new = best_of(lambda: [median_voltage(q[a : b + 1], v[a : b + 1]) for a, b in slices])
    old = best_of(lambda: [float(np.median(v[a : b + 1])) for a, b in slices])
    print(
        f"{label}: {len(slices)} half cycles; median over the charge {new * 1e3:.1f} ms, median "
        f"of the samples {old * 1e3:.1f} ms (baseline): ratio {new / old:.1f}"
    )


def main() -> None:
    frame = synthetic_record()
    t = frame[sio.TIME].to_numpy()
    v = frame[sio.VOLTAGE].to_numpy()
    i = frame[sio.CURRENT].to_numpy()
    halves = split_half_cycles(t, i)
    slices = list(zip(halves["Start index"], halves["End index"], strict=True))
    compare("1M-row record", integrate_current(t, i), v, slices)
    measure(
        "galvanostatic_cycles on the 1M rows (with the median over the charge)",
        lambda: galvanostatic_cycles(t, v, i),
        goal_s=2.0,
        repeat=3,
    )
    ts = sd.NaCO2Cell().cycle("200 mA/g", "1000 mAh/g", cycles=50).timeseries
    t, i = ts["Time [h]"].to_numpy() * 3600, ts["Current [mA.g-1]"].to_numpy()
    halves = split_half_cycles(t, i)
    slices = list(zip(halves["Start index"], halves["End index"], strict=True))
    compare(
        "Na-CO2, 50 cycles",
        ts["Capacity [mAh.g-1]"].to_numpy(),
        ts["Voltage [V]"].to_numpy(),
        slices,
    )


if __name__ == "__main__":
    main()
