"""Benchmark: how long ``import solidna`` and the command line's start take.

The cells and parameter sets are imported on first use (``solidna/__init__.py``, PEP 562), and
pint's unit registry is built on first use (``solidna.units``), so ``import solidna`` and
``solidna --version`` / ``--help`` load no pint, pandas or scipy. Measured side by side in fresh
interpreters (best of 5 each), against the baseline of what the package used to import eagerly
(the cells and the unit registry), which every cell run still pays once.

Run: .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import subprocess
import sys
import time

import _common  # noqa: F401 - sets PYBAMM_DISABLE_TELEMETRY and MPLBACKEND for the children

REPEAT = 5
CASES = {
    "python alone": "pass",
    "import solidna": "import solidna",
    "solidna --version": "import sys; sys.argv = ['solidna', '--version']; "
    "from solidna.cli import main; main()",
    "baseline: import solidna + the cells": "import solidna; solidna.SymmetricCell; "
    "solidna.units.ureg",
}


def best_of(code: str) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        tic = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=False, capture_output=True)
        best = min(best, time.perf_counter() - tic)
    return best


def main() -> None:
    times = {label: best_of(code) for label, code in CASES.items()}
    base = times["baseline: import solidna + the cells"]
    for label, t in times.items():
        print(f"{label:40s} {t:6.3f} s   {t / base:5.2f} x baseline")


if __name__ == "__main__":
    main()
