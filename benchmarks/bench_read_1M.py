"""Benchmark: read a one-million-row cycler file and compute the per-cycle metrics.

Goal (issue 10): <= 2 s and <= 1 GB peak memory for reading and analysing the million rows. The file is a synthetic
Na|SSE|Na plating/stripping record (1-h half cycles at 0.1 mA/cm2 sampled every 10 s: 2778 h,
1389 cycles, noise 0.3 mV) written in a temporary directory twice: as a BioLogic-like ``.mpt``
text export and as a generic CSV. Timed: :func:`solidna.analysis.io.read` plus the symmetric-cell
per-cycle overpotential and the galvanostatic battery metrics of the whole record.

Also timed (for information): the whole ``analyze`` run on that file, which writes the tidy table
back as CSV (1M rows), figures and the report.

Run: .venv/bin/python benchmarks/bench_read_1M.py
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import measure

import solidna.analysis.io as sio
from solidna.analysis.cycling import per_cycle_overpotential
from solidna.analysis.metrics import galvanostatic_cycles

N_ROWS = 1_000_000
DT_S = 10.0
AREA_M2 = 1e-4
#: Read + per-cycle analysis of the million rows (issue 10), and the peak memory of the whole run.
GOAL_S = 2.0
GOAL_GB = 1.0


def synthetic_record(n: int = N_ROWS) -> pd.DataFrame:
    """Tidy table of a square-wave plating/stripping record with a slowly rising plateau."""
    rng = np.random.default_rng(0)
    t = np.arange(n) * DT_S + DT_S / 2
    sign = np.where((t // 3600) % 2 == 0, 1.0, -1.0)
    eta_V = 0.080 + 0.070 * np.sqrt(t / (4000 * 3600))
    v = sign * eta_V + rng.normal(0, 3e-4, n)
    i = sign * 1e-5  # 0.1 mA/cm2 on 1 cm2
    return pd.DataFrame({sio.TIME: t, sio.VOLTAGE: v, sio.CURRENT: i})


def read_and_analyse(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = sio.read(path, area="1 cm2")
    d = m.data
    t = d[sio.TIME].to_numpy()
    v = d[sio.VOLTAGE].to_numpy()
    eta = per_cycle_overpotential(t, v, d[sio.CURRENT_DENSITY].to_numpy())
    cycles = galvanostatic_cycles(t, v, d[sio.CURRENT].to_numpy(), d[sio.CAPACITY].to_numpy())
    return eta, cycles


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        frame = synthetic_record()
        tic = time.perf_counter()
        mpt = sio.write_mpt(
            sio.Measurement(frame, "timeseries", "csv", Path(tmp), AREA_M2),
            Path(tmp) / "record.mpt",
        )
        csv = sio.write_csv_table(frame, Path(tmp) / "record.csv")
        print(
            f"wrote {N_ROWS:,} rows: {mpt.stat().st_size / 1e6:.0f} MB .mpt and "
            f"{csv.stat().st_size / 1e6:.0f} MB .csv in {time.perf_counter() - tic:.1f} s (untimed)"
        )
        del frame
        base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS before reading: {base_mb:.0f} MB")
        for path in (mpt, csv):
            eta, cycles = measure(
                f"read {path.suffix} ({N_ROWS:,} rows) + per-cycle overpotential + battery metrics",
                lambda p=path: read_and_analyse(p),
                goal_s=GOAL_S,
            )
            print(
                f"  {len(eta)} cycles; overpotential {eta['Overpotential [mV]'].iloc[0]:.1f} -> "
                f"{eta['Overpotential [mV]'].iloc[-1]:.1f} mV; coulombic efficiency "
                f"{cycles['Coulombic efficiency [%]'].median():.2f} %"
            )
        from solidna.analysis.pipeline import analyze

        summary = measure(
            "solidna analyze --kind symmetric on the .mpt (all tables, figures, report.html)",
            lambda: analyze([mpt], "symmetric", Path(tmp) / "out", area="1 cm2"),
            goal_s=30.0,
        )
        print(f"  wrote {len(summary['outputs'])} files")
        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        verdict = "meets" if peak_gb <= GOAL_GB else "MISSES"
        print(f"peak RSS of the whole run: {peak_gb:.2f} GB (goal <= {GOAL_GB:g} GB: {verdict})")


if __name__ == "__main__":
    main()
