"""Benchmark: a slice of the test suite in one process and on every core (pytest-xdist, one test
file per worker, as ``make test`` runs it), alternately, so both see the same machine load.

The ratio is what this watches: on a 2-core machine the whole suite took 8 min 17 s on two
workers where one process takes about 17 minutes. The default slice (the physics tests, a few
minutes in one process) stands for the suite: mostly single-threaded solves and fits.

Run: .venv/bin/python benchmarks/bench_test_suite.py [PYTEST ARGS...]
(e.g. ``tests/unit/test_real_files.py``; default ``tests/physics``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SLICE = ["tests/physics"]
ROUNDS = 2


def run(args: list[str], parallel: bool) -> float:
    """Wall time [s] of one pytest run of ``args`` (serial or ``-n auto --dist loadfile``)."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    if parallel:
        command += ["-n", "auto", "--dist", "loadfile"]
    env = dict(os.environ, PYBAMM_DISABLE_TELEMETRY="true", MPLBACKEND="Agg")
    tic = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - tic
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        raise SystemExit(f"pytest failed ({'parallel' if parallel else 'serial'}): {tail}")
    return elapsed


def main() -> None:
    args = sys.argv[1:] or DEFAULT_SLICE
    print(f"slice: {' '.join(args)}; {os.cpu_count()} cores; best of {ROUNDS}, alternating")
    serial, parallel = [], []
    for _ in range(ROUNDS):
        serial.append(run(args, parallel=False))
        parallel.append(run(args, parallel=True))
    s, p = min(serial), min(parallel)
    print(f"one process: {s:.1f} s; every core: {p:.1f} s; ratio {p / s:.2f}")


if __name__ == "__main__":
    main()
