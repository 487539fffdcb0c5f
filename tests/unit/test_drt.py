"""Unit tests of solidna.analysis.drt: the DRT inversion, its lambda choice, band, peaks, inputs.

The physics round trips (the symmetric-cell model's spectra) are in
tests/physics/test_drt_round_trips.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

# the package exports the function drt, which shadows the submodule's attribute name
import solidna.analysis.drt as drt_module
from _shared_data import shared_data
from solidna.analysis.drt import DRTResult, drt_evolution, fit_drt
from solidna.errors import DataFormatError, InvalidOptionError, SolidnaWarning

ZARC_FILE, needs_zarc_file = shared_data("drt", "2XZARCequal.csv")

#: Issue 15 acceptance for the noisy two-ZARC spectrum: peaks within 15 % in tau, 5 % in area.
ZARC_TAU_RTOL = 0.15
ZARC_AREA_RTOL = 0.05
#: The two-ZARC ground truth (data README: pyDRTtools tutorial): tau 0.1 s and 1e-4 s, 50 Ohm each,
#: R_inf 10 Ohm, ZARC exponent 0.8, noise 0.5 Ohm on each part.
ZARC_TAUS_S = (1e-4, 0.1)
ZARC_R_OHM = 50.0
ZARC_R_INF = 10.0
ZARC_NOISE_OHM = 0.5
#: High-frequency limit of the noisy two-ZARC spectrum: R_inf plus the area of gamma below the
#: measured range (tau < 1/(2 pi f_max)). With 0.5 Ohm noise the data fix this sum, not its split:
#: for some noise draws the fit moves ~1 Ohm from R_inf into a small peak just beyond 1 MHz. The
#: sum must come back within 0.5 Ohm, the noise of one point.
ZARC_R_INF_ATOL = 0.5

#: A single RC is a delta function in tau; drawn with Gaussian RBFs at 20 per decade its peak
#: sits within 1 % of RC and holds R within 1 % (measured: 0.8 %, 0.2 %); 2 % / 1 % allow for
#: the grid position.
RC_TAU_RTOL = 0.02
RC_AREA_RTOL = 0.01
#: Fitting one part only loses the other's information: tau and R within 3 %.
ONE_PART_RTOL = 0.03

#: The exact Gram matrix of the second derivatives against 200,001-node quadrature: round-off.
PENALTY_RTOL = 1e-6

F_RC = np.logspace(5, -2, 71)
RC_R, RC_TAU, RC_R_INF = 100.0, 1e-3, 10.0


def rc_spectrum(f=F_RC):
    return RC_R_INF + RC_R / (1 + 2j * np.pi * f * RC_TAU)


def zarc_spectrum(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The two-ZARC spectrum of 2XZARCequal.csv built here with our own seeded noise."""
    f = np.logspace(-2, 6, 81)
    w = 2 * np.pi * f
    z = ZARC_R_INF + sum(ZARC_R_OHM / (1 + (1j * w * t) ** 0.8) for t in ZARC_TAUS_S)
    rng = np.random.default_rng(seed)
    return f, z + ZARC_NOISE_OHM * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))


def assert_two_zarc_peaks(res: DRTResult) -> None:
    peaks = res.peaks
    for tau in ZARC_TAUS_S:
        k = int(np.argmin(np.abs(np.log(peaks["tau [s]"] / tau))))
        assert peaks["tau [s]"].iloc[k] == pytest.approx(tau, rel=ZARC_TAU_RTOL)
        assert peaks["R [Ohm]"].iloc[k] == pytest.approx(ZARC_R_OHM, rel=ZARC_AREA_RTOL)
    beyond = res.tau_s < 1 / (2 * np.pi * res.frequency_Hz.max())
    hf_limit = res.R_inf + np.trapezoid(res.gamma[beyond], np.log(res.tau_s[beyond]))
    assert hf_limit == pytest.approx(ZARC_R_INF, abs=ZARC_R_INF_ATOL)


# --------------------------------------------------------------------------------------------
# Round trips on synthetic spectra
# --------------------------------------------------------------------------------------------
def test_single_rc_gives_one_peak_at_rc():
    res = fit_drt(F_RC, rc_spectrum(), n_boot=0)
    assert len(res.peaks) == 1
    peak = res.peaks.iloc[0]
    assert peak["tau [s]"] == pytest.approx(RC_TAU, rel=RC_TAU_RTOL)
    assert peak["R [Ohm]"] == pytest.approx(RC_R, rel=RC_AREA_RTOL)
    assert peak["C [F]"] == pytest.approx(RC_TAU / RC_R, rel=RC_TAU_RTOL + RC_AREA_RTOL)
    assert peak["f [Hz]"] == pytest.approx(1 / (2 * math.pi * peak["tau [s]"]))
    assert res.R_inf == pytest.approx(RC_R_INF, rel=RC_AREA_RTOL)
    assert res.R_pol == pytest.approx(RC_R, rel=RC_AREA_RTOL)


@pytest.mark.parametrize("fit", ["real", "imag"])
def test_one_part_fits_recover_the_rc(fit):
    res = fit_drt(F_RC, rc_spectrum(), fit=fit, n_boot=0)
    peak = res.peaks.iloc[int(np.argmax(res.peaks["R [Ohm]"]))]
    assert peak["tau [s]"] == pytest.approx(RC_TAU, rel=ONE_PART_RTOL)
    assert peak["R [Ohm]"] == pytest.approx(RC_R, rel=ONE_PART_RTOL)
    assert res.R_inf == pytest.approx(RC_R_INF, rel=ONE_PART_RTOL)
    assert res.fit == fit


@needs_zarc_file
def test_two_zarc_reference_file():
    data = pd.read_csv(ZARC_FILE)
    f = data["Freq"].to_numpy()
    z = data["Real"].to_numpy() + 1j * data["Imag"].to_numpy()
    res = fit_drt(f, z, seed=1)
    assert_two_zarc_peaks(res)
    assert res.lam_method == "lcurve"
    assert res.lam > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_zarc_with_our_own_noise(seed):
    f, z = zarc_spectrum(seed)
    assert_two_zarc_peaks(fit_drt(f, z, n_boot=0))


def test_gcv_and_fixed_lambda_are_reported():
    f, z = zarc_spectrum(0)
    gcv = fit_drt(f, z, lam="gcv", n_boot=0)
    assert gcv.lam_method == "gcv"
    assert gcv.lam_curve["GCV"].notna().all()
    fixed = fit_drt(f, z, lam=0.1, n_boot=0)
    assert (fixed.lam, fixed.lam_method) == (0.1, "fixed")


def test_result_is_reproducible_for_a_seed():
    f, z = zarc_spectrum(0)
    a, b = fit_drt(f, z, seed=7), fit_drt(f, z, seed=7)
    assert a.lam == b.lam
    np.testing.assert_array_equal(a.band, b.band)
    c = fit_drt(f, z, seed=8)
    np.testing.assert_array_equal(a.gamma, c.gamma)  # only the band is random
    assert not np.array_equal(a.band, c.band)
    assert np.all(a.band[0] <= a.gamma) and np.all(a.gamma <= a.band[1])


def test_reconstruction_and_residuals_match_the_noise():
    f, z = zarc_spectrum(0)
    res = fit_drt(f, z, weighting="none", n_boot=0)
    abs_rms = np.sqrt(np.mean(np.abs(z - res.reconstructed) ** 2))
    # complex noise of 0.5 Ohm per part has |noise| rms 0.71 Ohm; the fit absorbs a little of it
    assert 0.5 * math.sqrt(2) * ZARC_NOISE_OHM < abs_rms < 1.2 * math.sqrt(2) * ZARC_NOISE_OHM
    np.testing.assert_allclose(res.residuals, (z - res.reconstructed) / np.abs(z))


def test_penalty_matrix_is_the_gram_matrix_of_second_derivatives():
    y = np.linspace(0.0, 2.0, 9)
    eps = drt_module._rbf_epsilon(y[1] - y[0])
    u = np.linspace(-10, 12, 200_001)

    def d2(c):
        return (4 * eps**4 * (u - c) ** 2 - 2 * eps**2) * np.exp(-((eps * (u - c)) ** 2))

    exact = drt_module._penalty_matrix(y, eps)
    for i, j in ((0, 0), (2, 3), (1, 5)):
        quad = np.trapezoid(d2(y[i]) * d2(y[j]), u)
        assert exact[i, j] == pytest.approx(quad, rel=PENALTY_RTOL, abs=1e-9 * exact[0, 0])


# --------------------------------------------------------------------------------------------
# Inductance and bad inputs
# --------------------------------------------------------------------------------------------
def test_inductive_high_frequency_points_fit_a_series_inductance():
    l_true = 1e-6  # H: a long cable; Z_im > 0 above ~40 kHz
    z = rc_spectrum() + 2j * np.pi * F_RC * l_true
    assert np.sum(z.imag > 0) > 0
    res = fit_drt(F_RC, z, n_boot=0)
    assert res.L == pytest.approx(l_true, rel=RC_AREA_RTOL)
    assert res.peaks["tau [s]"].iloc[0] == pytest.approx(RC_TAU, rel=RC_TAU_RTOL)
    dropped = fit_drt(F_RC, z, inductance="drop", n_boot=0)
    assert dropped.n_dropped == int(np.sum(z.imag > 0))
    assert dropped.L == 0.0
    assert dropped.frequency_Hz.size == F_RC.size - dropped.n_dropped


def test_bad_inputs_are_refused_clearly():
    z = rc_spectrum()
    with pytest.raises(DataFormatError, match="at least 10"):
        fit_drt(F_RC[:6], z[:6])
    f_rep = F_RC.copy()
    f_rep[5] = f_rep[4]
    with pytest.raises(DataFormatError, match="repeats"):
        fit_drt(f_rep, z)
    f_two = np.concatenate([F_RC[:40], F_RC[5:36]])  # a second sweep appended
    z_two = np.concatenate([z[:40], z[5:36]])
    with pytest.raises(DataFormatError, match="repeats|not monotonic"):
        fit_drt(f_two, z_two)
    f_jumbled = F_RC.copy()
    f_jumbled[[10, 11]] = f_jumbled[[11, 10]]
    with pytest.raises(DataFormatError, match="not monotonic"):
        fit_drt(f_jumbled, z)
    with pytest.raises(DataFormatError, match="-Z_im"):
        fit_drt(F_RC, np.conj(z))
    with pytest.raises(DataFormatError, match="complex"):
        fit_drt(F_RC, z.real)
    with pytest.raises(InvalidOptionError, match="lam"):
        fit_drt(F_RC, z, lam="aic")
    with pytest.raises(InvalidOptionError, match="lam"):
        fit_drt(F_RC, z, lam=-1.0)
    with pytest.raises(InvalidOptionError, match="fit"):
        fit_drt(F_RC, z, fit="complex")
    with pytest.raises(InvalidOptionError, match="unit"):
        fit_drt(F_RC, z, unit="kOhm")


def test_ascending_and_descending_frequencies_give_the_same_drt():
    a = fit_drt(F_RC, rc_spectrum(), n_boot=0)
    b = fit_drt(F_RC[::-1], rc_spectrum()[::-1], n_boot=0)
    np.testing.assert_allclose(a.gamma, b.gamma, rtol=1e-9, atol=1e-9 * a.gamma.max())


def test_spectrum_failing_kramers_kronig_warns_or_raises():
    z = rc_spectrum()
    elapsed = np.cumsum(1.0 / F_RC)
    drifting = z + 0.3 * RC_R * elapsed / elapsed[-1]  # resistance creeping up during the sweep
    with pytest.raises(DataFormatError, match="Kramers-Kronig"):
        fit_drt(F_RC, drifting, kk="raise", n_boot=0)
    with pytest.warns(SolidnaWarning, match="Kramers-Kronig"):
        res = fit_drt(F_RC, drifting, n_boot=0)
    assert res.kk is not None and not res.kk.valid
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fit_drt(F_RC, drifting, kk="skip", n_boot=0).kk is None


def test_low_frequency_inductive_loop_is_reported():
    z = rc_spectrum()
    z[-8:] = z[-8:].real + 0.2j * RC_R  # inductive loop at the lowest frequencies
    with pytest.warns(SolidnaWarning, match="inductive loop"):
        fit_drt(F_RC, z, kk="skip", n_boot=0)


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
def test_units_label_the_peak_table():
    res = fit_drt(F_RC, rc_spectrum() * 1e-4, unit="Ohm.m2", n_boot=0)
    assert {"R [Ohm.m2]", "C [F.m-2]", "tau [s]", "f [Hz]"} <= set(res.peaks.columns)
    assert res.peaks["R [Ohm.m2]"].iloc[0] == pytest.approx(RC_R * 1e-4, rel=RC_AREA_RTOL)
    assert "L [H.m2]" in res.summary()


def test_peak_beyond_the_sweep_is_flagged_out_of_range():
    # a slow RC (tau = 100 s) seen only down to 10 mHz (tau_max measured = 16 s): its DRT peak
    # sits at the edge of the grid, outside the measured range
    z = rc_spectrum() + 50.0 / (1 + 2j * np.pi * F_RC * 100.0)
    res = fit_drt(F_RC, z, n_boot=0, kk="skip")
    inside = res.peaks[res.peaks["In measured range"]]
    assert inside["tau [s]"].iloc[0] == pytest.approx(RC_TAU, rel=RC_TAU_RTOL)
    assert not res.peaks["In measured range"].iloc[-1]
    assert res.peaks["tau [s]"].iloc[-1] > 1 / (2 * np.pi * F_RC.min())


def test_frame_summary_and_plot():
    res = fit_drt(F_RC, rc_spectrum(), n_boot=5)
    frame = res.to_frame()
    assert list(frame.columns) == [
        "tau [s]",
        "f [Hz]",
        "gamma [Ohm]",
        "gamma lower [Ohm]",
        "gamma upper [Ohm]",
    ]
    assert len(frame) == res.tau_s.size
    summary = res.summary()
    assert summary["Number of peaks"] == 1
    assert summary["lambda method"] == "lcurve"
    assert res.settings["seed"] == 0
    fig = res.plot()
    assert len(fig.axes) == 3


@pytest.mark.parametrize("style", ["waterfall", "map"])
def test_evolution_follows_a_growing_process(style):
    growth = (1.0, 1.5, 2.0)
    spectra = [(F_RC, RC_R_INF + g * RC_R / (1 + 2j * np.pi * F_RC * RC_TAU)) for g in growth]
    table, fig = drt_evolution(
        spectra, ["initial", "rest", "cycled"], times_h=[0, 24, 48], style=style, n_boot=0
    )
    assert list(table["Label"]) == ["initial", "rest", "cycled"]
    np.testing.assert_allclose(table["P1 R [Ohm]"], np.array(growth) * RC_R, rtol=RC_AREA_RTOL)
    np.testing.assert_allclose(table["P1 tau [s]"], RC_TAU, rtol=RC_TAU_RTOL)
    np.testing.assert_allclose(table["R_inf [Ohm]"], RC_R_INF, rtol=RC_AREA_RTOL)
    assert len(table.attrs["drt_results"]) == 3
    assert len(fig.axes) >= 2


def test_evolution_refuses_mismatched_labels():
    with pytest.raises(DataFormatError, match="labels"):
        drt_evolution([(F_RC, rc_spectrum())], ["a", "b"])
    with pytest.raises(DataFormatError, match="empty"):
        drt_evolution([])


def test_module_doctests():
    import doctest

    assert doctest.testmod(drt_module).failed == 0
