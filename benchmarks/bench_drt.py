"""Benchmark: DRT of an 80-point spectrum with automatic lambda (goal <= 2 s) and of 60 spectra
(goal <= 60 s), each against a baseline run side by side on the same RBF grid: a plain
unregularised non-negative least-squares fit (no lambda search, no band, no KK test).

The spectra are two ZARCs (tau 1e-4 s and 0.1 s, 50 Ohm each, R_inf 10 Ohm, exponent 0.8, like
shared/data/drt/2XZARCequal.csv) with 0.5 Ohm of seeded Gaussian noise, 10 points per decade from
10 mHz (80 points). The 60 spectra let the low-frequency resistance grow by 1 % per spectrum (an
impedance-evolution series of Fig. 4e-f).

Run: .venv/bin/python benchmarks/bench_drt.py
"""

from __future__ import annotations

import time

import numpy as np
from _common import measure

# the package exports the function drt, which shadows the submodule's attribute name
import solidna.analysis.drt as drt_module
from solidna.analysis.drt import drt_evolution, fit_drt

N_POINTS = 80
N_SPECTRA = 60


def spectrum(seed: int, growth: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    f = np.logspace(-2, -2 + (N_POINTS - 1) / 10, N_POINTS)
    w = 2 * np.pi * f
    z = 10 + 50 / (1 + (1j * w * 1e-4) ** 0.8) + 50 * growth / (1 + (1j * w * 0.1) ** 0.8)
    rng = np.random.default_rng(seed)
    return f, z + 0.5 * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))


def baseline(f: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Unregularised NNLS of the same discretisation (the cheapest possible DRT)."""
    from scipy.optimize import nnls

    omega = 2 * np.pi * f
    ext = drt_module.TAU_EXTENSION_DECADES * np.log(10)
    y_lo, y_hi = -np.log(omega.max()) - ext, -np.log(omega.min()) + ext
    m = int(np.ceil((y_hi - y_lo) / np.log(10) * drt_module.RBF_PER_DECADE)) + 1
    y = np.linspace(y_lo, y_hi, m)
    k_re, k_im = drt_module._kernels(omega, y, drt_module._rbf_epsilon(y[1] - y[0]))
    ones, zeros = np.ones(f.size), np.zeros(f.size)
    a = np.vstack([np.column_stack([ones, k_re]), np.column_stack([zeros, k_im])])
    x, _ = nnls(a, np.concatenate([z.real, z.imag]), maxiter=50 * a.shape[1])
    return x


def timed(fn) -> float:
    tic = time.perf_counter()
    fn()
    return time.perf_counter() - tic


def main() -> None:
    f, z = spectrum(0)
    fit_drt(f, z)  # warm-up: imports
    res = measure(
        f"DRT, {N_POINTS} points, L-curve lambda, 40-replicate band, lin-KK check",
        lambda: fit_drt(f, z),
        goal_s=2.0,
        repeat=3,
    )
    print(
        f"  lambda = {res.lam:.3g} ({res.lam_method}); peaks (tau s, R Ohm): "
        + ", ".join(
            f"{t:.3g}/{r:.3g}"
            for t, r in zip(res.peaks["tau [s]"], res.peaks["R [Ohm]"], strict=True)
        )
    )
    t_gcv = min(timed(lambda: fit_drt(f, z, lam="gcv")) for _ in range(3))
    t_bare = min(timed(lambda: fit_drt(f, z, n_boot=0, kk="skip")) for _ in range(3))
    t_base = min(timed(lambda: baseline(f, z)) for _ in range(3))
    t_full = min(timed(lambda: fit_drt(f, z)) for _ in range(3))
    print(f"  same spectrum, GCV lambda: {t_gcv:.2f} s")
    print(f"  L-curve lambda without band and KK: {t_bare:.2f} s")
    print(f"  baseline (unregularised NNLS, same grid): {t_base:.3f} s")
    print(
        f"  ratios to the baseline: full {t_full / t_base:.0f}x, GCV {t_gcv / t_base:.0f}x, "
        f"no band/KK {t_bare / t_base:.0f}x"
    )

    spectra = [spectrum(k, 1 + 0.01 * k) for k in range(N_SPECTRA)]
    table, _ = measure(
        f"DRT evolution of {N_SPECTRA} spectra (table + figure)",
        lambda: drt_evolution(spectra),
        goal_s=60.0,
    )
    t_base60 = timed(lambda: [baseline(fs, zs) for fs, zs in spectra])
    print(f"  baseline, {N_SPECTRA} unregularised NNLS fits: {t_base60:.2f} s")
    r_col = [c for c in table.columns if c.endswith("R [Ohm]") and c.startswith("P")]
    print(f"  processes tracked: {len(r_col)}; columns {r_col}")


if __name__ == "__main__":
    main()
