"""Benchmark: MD seeds in parallel vs serial, and a run stopped after its events vs full length.

(a) The same seeds of FEC on the Na13 cluster, one worker process vs two (``reactive_md``'s
    process pool): the ratio is the parallel speed-up (at most 2 on two cores; less when other
    work shares them).
(b) One seed of FEC with the ``fast`` settings, stopped 20 fs after ring opening and C-F cleavage
    (not before 100 fs) vs the full 250 fs: the ratio of simulated times is the saving of the
    early stop for seeds that react.

Run: .venv/bin/python benchmarks/bench_quantum_seeds.py [n_seeds] [duration_fs]
"""

import sys
import tempfile
import time

from _common import measure

from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import get_md_settings
from solidna.quantum.md import md_adsorbate, reactive_md, run_trajectory
from solidna.quantum.molecules import molecule


def main() -> None:
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    duration = float(sys.argv[2]) if len(sys.argv) > 2 else 40.0
    fec = molecule("FEC")
    cfg = get_md_settings("fast").replace(
        duration_fs=duration, seeds=tuple(range(1, n_seeds + 1)), stop_margin_fs=None
    )
    times = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            tic = time.perf_counter()
            measure(
                f"(a) {n_seeds} seeds x {duration:g} fs, {workers} worker(s)",
                lambda w=workers, d=tmp: reactive_md(fec, cfg, cache=ResultsCache(d), workers=w),
                goal_s=600.0,
            )
            times[workers] = time.perf_counter() - tic
    print(f"  parallel speed-up (serial / 2 workers): {times[1] / times[2]:.2f}")

    start = md_adsorbate(fec)
    early = get_md_settings("fast")
    full = early.replace(stop_margin_fs=None)
    t_early = measure(
        "(b) seed 1, stopped after the events", lambda: run_trajectory(start, early, 1), 300.0
    )
    t_full = measure("(b) seed 1, full 250 fs", lambda: run_trajectory(start, full, 1), 300.0)
    print(
        f"  simulated {t_early.times_fs[-1]:g} fs vs {t_full.times_fs[-1]:g} fs; wall "
        f"{t_early.wall_time_s:.1f} s vs {t_full.wall_time_s:.1f} s (ratio "
        f"{t_full.wall_time_s / t_early.wall_time_s:.2f})"
    )


if __name__ == "__main__":
    main()
