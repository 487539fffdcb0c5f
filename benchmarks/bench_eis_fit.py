"""Benchmark: the Rs/Rct circuit fit of a dense simulated spectrum, on the frequencies the summary
reads (at most ``EIS_FIT_MAX_POINTS_PER_DECADE`` per decade) against every frequency, side by
side in this one process, as a ratio; and how far Rs and Rct move between the two.

``solidna simulate eis --points-per-decade 1000`` spent minutes in this fit (it read all 7001
frequencies, twice) while the spectrum itself takes about a second.

Run: .venv/bin/python benchmarks/bench_eis_fit.py [POINTS_PER_DECADE]   (default 200)
"""

from __future__ import annotations

import sys
import time

from _common import measure  # noqa: F401 - sets the environment of every benchmark

import solidna as sd
from solidna.analysis.eis import fit_rs_rct


def main(points_per_decade: int = 200) -> None:
    tic = time.perf_counter()
    result = sd.SymmetricCell("pristine").eis(points_per_decade=points_per_decade)
    spectrum_s = time.perf_counter() - tic
    f = result.timeseries["Frequency [Hz]"].to_numpy()
    z = result.impedance_ohm_m2
    keep = result.fit_frequencies()
    print(f"spectrum: {len(f)} frequencies in {spectrum_s:.2f} s; the fit reads {len(keep)}")

    tic = time.perf_counter()
    sub = fit_rs_rct(f[keep], z[keep])
    sub_s = time.perf_counter() - tic
    tic = time.perf_counter()
    full = fit_rs_rct(f, z)
    full_s = time.perf_counter() - tic
    print(f"fit on {len(keep)} frequencies: {sub_s:.2f} s; on all {len(f)}: {full_s:.2f} s")
    print(f"ratio (subsampled / all): {sub_s / full_s:.3f}")
    for name in ("Rs [Ohm.m2]", "Rct [Ohm.m2]"):
        print(f"{name}: {sub[name]:.6g} vs {full[name]:.6g} ({sub[name] / full[name] - 1:+.2%})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
