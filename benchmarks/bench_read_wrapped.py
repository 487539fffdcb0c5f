"""Benchmark: a CSV with every line in double quotes against the same CSV without them.

Some programs save a CSV again with each whole line as one quoted cell (``"t,V,I"``); solidna
reads such a file without the quotes (:func:`solidna.analysis.io.generic.read_csv`). Since this
session the file is read once and its unwrapped text parsed from memory (before: a temporary
copy written and read a second time). The baseline, run alternately in the same process, is the
same table as a plain CSV: the ratio wrapped / plain is what the quotes cost.

Run: .venv/bin/python benchmarks/bench_read_wrapped.py [rows]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (sets PYBAMM_DISABLE_TELEMETRY and MPLBACKEND)
import numpy as np

import solidna.analysis.io as sio

N_ROWS = 300_000
ROUNDS = 3


def write_tables(folder: Path, n: int) -> tuple[Path, Path]:
    """The same record as a plain CSV and with every line wholly in double quotes."""
    rng = np.random.default_rng(0)
    t = np.arange(n) * 10.0
    sign = np.where((t // 3600) % 2 == 0, 1.0, -1.0)
    v = sign * 0.08 + rng.normal(0, 3e-4, n)
    i = sign * 1e-5
    lines = ["Time [s],Voltage [V],Current [A]"]
    lines += [f"{a:.1f},{b:.6f},{c:.1e}" for a, b, c in zip(t, v, i, strict=True)]
    plain, wrapped = folder / "plain.csv", folder / "wrapped.csv"
    plain.write_text("\n".join(lines) + "\n")
    wrapped.write_text("\n".join(f'"{line}"' for line in lines) + "\n")
    return plain, wrapped


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N_ROWS
    with tempfile.TemporaryDirectory() as tmp:
        plain, wrapped = write_tables(Path(tmp), n)
        best = {"plain": float("inf"), "wrapped": float("inf")}
        for _ in range(ROUNDS):  # alternate, so that the machine's load hits both alike
            for name, path in (("plain", plain), ("wrapped", wrapped)):
                tic = time.perf_counter()
                m = sio.read(path)
                best[name] = min(best[name], time.perf_counter() - tic)
                assert len(m.data) == n
    print(
        f"{n} rows: plain {best['plain']:.2f} s, wrapped {best['wrapped']:.2f} s (best of "
        f"{ROUNDS}); ratio wrapped/plain {best['wrapped'] / best['plain']:.2f}"
    )


if __name__ == "__main__":
    main()
