"""Benchmark of the surface analysis (issue 14), each against a baseline run side by side:

* fit of a 4-peak C 1s region with an active Shirley background (goal <= 1 s); baseline: the
  same four peaks fitted by ``scipy.optimize.curve_fit`` on data with the background known
  (the cheapest possible fit);
* a 100 x 100 force map (10 000 curves of 1000 points, paraboloid; goal <= 60 s on 2 cores);
  baseline: the closed-form modulus at a known contact point for every curve (one dot product);
* roughness of a 1024 x 1024 image with plane levelling (goal <= 1 s); baseline: ``numpy.std``.

Run: .venv/bin/python benchmarks/bench_surface.py [--map-size 100] [--workers 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import measure

from solidna.analysis.afm import ForceCurve, fit_force_map, indentation_force
from solidna.analysis.topography import level, roughness
from solidna.analysis.xps.fit import Peak, XPSFit
from solidna.analysis.xps.lineshapes import line_shape

C1S = [(284.8, 30000.0, 1.1), (286.5, 12000.0, 1.2), (289.2, 8000.0, 1.3), (291.3, 5000.0, 1.2)]


def xps_region():
    x = np.linspace(279.0, 297.0, 361)
    peaks = sum(line_shape("gl_sum", x, a, c, w, 0.3) for c, a, w in C1S)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (peaks[1:] + peaks[:-1]) * np.diff(x))])
    bg = 2000.0 + 0.04 * cum
    return x, np.random.default_rng(0).poisson(peaks + bg).astype(float), bg


def xps_baseline(x, y, bg):
    from scipy.optimize import curve_fit

    def model(x, *p):
        return sum(line_shape("gl_sum", x, p[i], p[i + 1], p[i + 2], 0.3) for i in (0, 3, 6, 9))

    p0 = [v for c, a, w in C1S for v in (a, c + 0.2, 1.0)]
    return curve_fit(model, x, y - bg, p0=p0)[0]


def force_map(n_side: int, points: int = 1000) -> list[ForceCurve]:
    rng = np.random.default_rng(1)
    z = np.linspace(1.5e-6, 0.0, points)
    curves = []
    for k in range(n_side * n_side):
        e = 7.3e6 * (1 + 0.2 * rng.standard_normal())
        f = indentation_force("paraboloid", 5e-7 - z, e, tip_radius_m=20e-9)
        f = f + 1e-3 * f.max() * rng.standard_normal(points)
        c = ForceCurve(z, f, z[::-1], f[::-1], position_m=(k % n_side * 1e-7, k // n_side * 1e-7))
        c.index = k
        curves.append(c)
    return curves


def map_baseline(curves):
    out = []
    for c in curves:
        s = indentation_force("paraboloid", 5e-7 - c.approach_height_m, 1.0, tip_radius_m=20e-9)
        out.append(float(s @ c.approach_force_N / (s @ s)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--map-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    x, y, bg = xps_region()
    starts = [Peak(f"p{k}", c + 0.3 * (-1) ** k, 1.0) for k, (c, _, _) in enumerate(C1S)]
    tic = time.perf_counter()
    xps_baseline(x, y, bg)
    base = time.perf_counter() - tic
    fit = measure("XPS 4-peak region, active Shirley", lambda: XPSFit(starts).fit(x, y), 1.0, 3)
    tic = time.perf_counter()
    XPSFit(starts).fit(x, y)
    ours = time.perf_counter() - tic
    print(
        f"  converged {fit.converged_}; baseline curve_fit (known background) {base:.3f} s; "
        f"ratio {ours / base:.1f}"
    )

    n = args.map_size
    curves = force_map(n)
    tic = time.perf_counter()
    map_baseline(curves)
    base = time.perf_counter() - tic
    tic = time.perf_counter()
    table = measure(
        f"force map {n}x{n} ({n * n} curves x 1000 points), {args.workers} workers",
        lambda: fit_force_map(curves, "paraboloid", workers=args.workers, tip_radius_m=20e-9),
        60.0,
    )
    ours = time.perf_counter() - tic
    flagged = int((table["Flag"] != "").sum())
    print(
        f"  flagged {flagged}; baseline (E at a known contact point) {base:.2f} s; "
        f"ratio {ours / base:.0f}"
    )

    h = np.random.default_rng(2).standard_normal((1024, 1024)) + np.linspace(0, 5, 1024)[None, :]
    tic = time.perf_counter()
    float(np.std(h))
    base = time.perf_counter() - tic
    tic = time.perf_counter()
    measure("roughness 1024x1024, plane levelling", lambda: roughness(level(h, "plane")), 1.0, 3)
    ours = (time.perf_counter() - tic) / 3
    print(f"  baseline numpy.std {base:.3f} s; ratio {ours / base:.1f}")


if __name__ == "__main__":
    main()
