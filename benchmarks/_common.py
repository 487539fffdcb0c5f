"""Wall time and peak memory of a call (benchmarks print; tests never assert timings)."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")


def measure(label: str, fn: Callable[[], Any], goal_s: float, repeat: int = 1) -> Any:
    """Run ``fn`` ``repeat`` times and print the best wall time, the goal and peak RSS."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        tic = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - tic)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "meets" if best <= goal_s else "MISSES"
    print(
        f"{label}: {best:.2f} s wall (goal <= {goal_s:g} s: {verdict}); peak RSS {peak_mb:.0f} MB"
    )
    return result
