"""The DRT's high-frequency end: what the data determine there, and the whole of gamma.

Below ``tau = 1/omega_max`` an RBF of the DRT differs from a series resistance by
``-j omega tau`` (which the fitted series inductance cancels) and ``(omega tau)^2`` only, so a
noisy spectrum fixes ``R_inf`` plus the area of gamma there (``R_hf``), not the split (module
docstring of :mod:`solidna.analysis.drt`, "R_inf and the high-frequency end"; the split itself
is the strict xfail ``test_drt_r_inf_of_noisy_spectrum_is_the_bulk_resistance`` of
tests/physics/test_roundtrip_s13.py).

The spectra are written here: a twin of the symmetric-cell model's modified-Na spectrum (a bulk
resistance, a film arc 63 times larger, a small charge-transfer arc inside it and a diffusion
arc that does not close by 0.1 Hz; 1 MHz to 0.1 Hz, 10 points per decade), with the seeded
Gaussian noise of ``NOISE_LEVELS`` (a fraction of |Z| on each part); and single RC arcs placed
against the ends of the sweep. No third-party file is used.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from solidna.analysis.drt import fit_drt

#: The twin of the modified cell [Ohm]: R_b, film (R, tau [s]), charge transfer, diffusion (the
#: model's values in Ohm.m2 scaled to R_b = 1, tests/physics/test_roundtrip_s13.py::_constants).
R_B = 1.0
ARCS = ((63.0, 2.1e-4), (2.5, 1.5e-4), (1.5, 23.0))
F_CELL = np.logspace(6, -1, 71)
#: Noise of |Z| on each part: a good potentiostat (0.25 %) to a poor one (1 %).
NOISE_LEVELS = (0.0025, 0.005, 0.01)
NOISE_SEEDS = range(12)
#: Series inductance [H] with omega_max L = 6 % of R_b (cables): the inductance column is what
#: cancels the -j omega tau part of gamma below 1/omega_max.
CABLE_L = 0.06 * R_B / (2 * np.pi * F_CELL.max())
#: R_hf against R_b: above 60 kHz the film arc adds < 1 % of R_b to Z_re, so ~12 points sit on
#: the flat real part, each with noise up to 1 % of R_b: their mean knows R_b to ~0.3 %; 2 % (the
#: tolerance of the R_inf check in test_roundtrip_s13.py) is 7x that.
R_HF_RTOL = 0.02

#: Single-arc spectra against the ends of the sweep: R_inf + R || C, 100 kHz to 10 mHz.
F_RC = np.logspace(5, -2, 71)
RC_R_INF, RC_R = 10.0, 50.0
#: The returned gamma, integrated against the Debye kernel on its own grid (trapezoid, 5 points
#: per RBF spacing), must give back the fitted impedance to quadrature accuracy.
RECONSTRUCTION_RTOL = 1e-3


def cell_twin(seed: int | None, level: float, inductance_h: float = 0.0) -> np.ndarray:
    w = 2 * np.pi * F_CELL
    z = R_B + 1j * w * inductance_h + sum(r / (1 + 1j * w * t) for r, t in ARCS)
    if seed is None:
        return z
    rng = np.random.default_rng(seed)
    return z + level * np.abs(z) * (rng.normal(size=z.size) + 1j * rng.normal(size=z.size))


def rc_against_the_edge(tau_s: float) -> np.ndarray:
    return RC_R_INF + RC_R / (1 + 2j * np.pi * F_RC * tau_s)


@pytest.mark.parametrize("inductance_h", [0.0, CABLE_L], ids=["no L", "cable L"])
@pytest.mark.parametrize("level", NOISE_LEVELS)
def test_high_frequency_resistance_of_noisy_spectra_is_the_bulk_resistance(level, inductance_h):
    """R_hf (R_inf + gamma below 1/omega_max) within 2 % of R_b for every noise draw, where
    R_inf alone is 8 % low for seed 2 and 0 for seed 8 (0.5 % noise, here and on the model's
    spectrum)."""
    errors = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the lambda-edge and low-frequency warnings
        for seed in NOISE_SEEDS:
            res = fit_drt(F_CELL, cell_twin(seed, level, inductance_h), n_boot=0, kk="skip")
            errors.append(res.R_hf / R_B - 1)
    assert max(np.abs(errors)) <= R_HF_RTOL, np.round(errors, 4)


def test_high_frequency_resistance_holds_a_process_beyond_the_sweep():
    """An RC at tau = 0.3/omega_max (apex beyond the sweep) is in R_hf, as in an equivalent
    circuit's series R0 fitted to this sweep; R_hf + the area inside the range is the DC
    resistance."""
    res = fit_drt(F_RC, rc_against_the_edge(0.3 / (2 * np.pi * F_RC.max())), n_boot=0, kk="skip")
    assert res.R_hf == pytest.approx(RC_R_INF + RC_R, rel=0.01)
    assert res.R_inf + res.R_pol == pytest.approx(RC_R_INF + RC_R, rel=0.01)
    assert res.summary()["R_hf [Ohm]"] == res.R_hf


def test_high_frequency_resistance_leaves_a_process_inside_the_range_alone():
    """Guard: an RC three times slower than 1/omega_max has (almost) no area below it, so R_hf
    is R_inf, the series resistance (measured 9.79 Ohm: the regularised peak holds 0.2 Ohm more
    than R, 0.4 % of it)."""
    res = fit_drt(F_RC, rc_against_the_edge(3 / (2 * np.pi * F_RC.max())), n_boot=0, kk="skip")
    assert res.R_hf == pytest.approx(res.R_inf, abs=0.001 * RC_R)
    assert res.R_inf == pytest.approx(RC_R_INF, abs=0.01 * RC_R)


@pytest.mark.parametrize("where", ["beyond f_min", "beyond f_max"])
def test_returned_gamma_holds_the_whole_edge_rbfs(where):
    """gamma on tau_s reproduces the fitted spectrum. The evaluation grid used to stop at the
    outermost RBF centres and lose the outer half of each edge RBF (an RC ten times slower than
    1/omega_min: R_pol 66 Ohm of the fit's 90 Ohm)."""
    w = 2 * np.pi * F_RC
    tau = 10 / w.min() if where == "beyond f_min" else 0.3 / w.max()
    res = fit_drt(F_RC, rc_against_the_edge(tau), n_boot=0, kk="skip", capacitance="none")
    wt = w[:, None] * res.tau_s[None, :]
    y = np.log(res.tau_s)
    z_gamma = res.R_inf + 1j * w * res.L + np.trapezoid(res.gamma / (1 + 1j * wt), y, axis=1)
    z_fit = res.reconstructed
    assert np.max(np.abs(z_gamma - z_fit) / np.abs(z_fit)) <= RECONSTRUCTION_RTOL
    assert max(res.gamma[0], res.gamma[-1]) <= 1e-4 * res.gamma.max()
