"""Kramers-Kronig test of spectra that end in the valley before a diffusion tail.

Below an arc, a cell with a Warburg tail has ``-Z_im`` falling toward a minimum (the "valley")
before the tail turns it up again. A sweep that stops near that minimum has no DC limit inside
the sweep, yet looks like an arc closing toward one: the shape rule of ``add_cap="auto"``
(:func:`solidna.analysis.eis._open_low_end`) gave lin-KK no series capacitance, its RC elements
left a systematic residual of 1.0-1.7 % at the low end, and the KK-compliant spectrum was
"not valid". Spectra are synthetic (R-RC-W and R-(R+W)||C, KK-compliant by construction).
"""

from __future__ import annotations

import numpy as np
import pytest

from _twins import noisy_impedance, quiet_kk


def _sweep(f_min_Hz: float) -> np.ndarray:
    """10 points per decade from 100 kHz down to ``f_min_Hz`` (the sweep order)."""
    n = int(round(10 * (5 - np.log10(f_min_Hz)))) + 1
    return np.logspace(5, np.log10(f_min_Hz), n)


def _series_cell(f: np.ndarray, r0_drift: float = 0.0) -> np.ndarray:
    """R-RC-W [Ohm]: 20 mOhm, an arc of 50 mOhm at 6.4 Hz (tau 25 ms) and a Warburg tail
    ``0.03 / sqrt(j w)``; its valley (the minimum of -Z_im) lies near 0.6 Hz. R0 may grow by
    ``r0_drift`` (a fraction) during the sweep."""
    w = 2 * np.pi * f
    r0 = 0.02 * (1 + r0_drift * np.linspace(0.0, 1.0, f.size))
    return r0 + 0.05 / (1 + 1j * w * 0.025) + 0.03 / np.sqrt(1j * w)


def _randles_cell(f: np.ndarray, r0_drift: float = 0.0) -> np.ndarray:
    """Randles R0 + (Rct + W) || C [Ohm]: 20 mOhm, 50 mOhm, 0.5 F, Warburg ``0.03/sqrt(j w)``;
    valley near 0.6 Hz."""
    w = 2 * np.pi * f
    r0 = 0.02 * (1 + r0_drift * np.linspace(0.0, 1.0, f.size))
    z_faradaic = 0.05 + 0.03 / np.sqrt(1j * w)
    return r0 + 1 / (1 / z_faradaic + 1j * w * 0.5)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("f_min_Hz", [1.9, 0.63])
def test_kk_of_a_sweep_ending_in_the_warburg_valley_is_valid(f_min_Hz: float, seed: int) -> None:
    """R-RC-W stopped at 1.9 Hz or 0.63 Hz (in the valley, -Z_im still falling): KK-compliant.
    Before: "not valid" in 7 of these 8 draws (systematic 1.1-1.3 % at the low end, no series
    capacitance). Now lin-KK tries the circuit with the capacitance when the plain one fails:
    valid, systematic 0.1-0.2 %."""
    f = _sweep(f_min_Hz)
    kk = quiet_kk(f, noisy_impedance(_series_cell(f), 0.002, seed), add_cap="auto")
    assert kk.valid, f"systematic {100 * kk.max_systematic:.2f} % > {100 * kk.threshold:.2f} %"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kk_of_a_randles_cell_ending_in_its_valley_is_valid(seed: int) -> None:
    """The Randles form of the same cell, stopped at 1.9 Hz: valid (before: "not valid" at 1.1 %
    in one of these 3 draws; the plain circuit passes the other two at the 1 % edge)."""
    f = _sweep(1.9)
    kk = quiet_kk(f, noisy_impedance(_randles_cell(f), 0.002, seed), add_cap="auto")
    assert kk.valid, f"systematic {100 * kk.max_systematic:.2f} % > {100 * kk.threshold:.2f} %"


@pytest.mark.parametrize("cell", [_series_cell, _randles_cell])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kk_still_flags_a_drift_in_the_valley(cell, seed: int) -> None:
    """Trying the second circuit does not hide a drift: R0 growing by 20 % during the sweep
    fails with and without the capacitance (2.0-2.2 %), and the spectrum stays "not valid"."""
    f = _sweep(0.63)
    kk = quiet_kk(f, noisy_impedance(cell(f, r0_drift=0.2), 0.002, seed), add_cap="auto")
    assert not kk.valid
    assert kk.max_systematic > 0.015


def test_kk_closing_arc_keeps_the_plain_circuit() -> None:
    """Control: a noisy R-RC arc that closes toward its DC limit passes with the plain circuit,
    which is tried first; the capacitance is not added."""
    f = _sweep(0.01)
    w = 2 * np.pi * f
    z = noisy_impedance(0.02 + 0.05 / (1 + 1j * w * 0.025), 0.005, 0)
    kk = quiet_kk(f, z, add_cap="auto")
    assert kk.valid
    assert not kk.add_cap


def test_kk_explicit_add_cap_is_not_second_guessed() -> None:
    """``add_cap=False`` given explicitly is kept: the valley spectrum then fails, as before,
    and the result says the circuit had no capacitance."""
    f = _sweep(0.63)
    kk = quiet_kk(f, noisy_impedance(_series_cell(f), 0.002, 0), add_cap=False)
    assert not kk.add_cap
    assert not kk.valid


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_kk_second_circuit_does_not_pass_a_drifting_closed_arc(seed: int) -> None:
    """A closing R-RC arc swept to 10 mHz whose resistance grows by 20 % during the sweep is
    flagged (1.05 % with the plain circuit). The series capacitance shaves that drift to
    0.95-1.02 % without removing it: taken whenever it passed, it let 3 of these 4 draws
    through as "valid"; it is taken only when it removes most of the residual
    (KK_ALTERNATIVE_GAIN), so the verdict stays "not valid"."""
    f = _sweep(0.01)
    w = 2 * np.pi * f
    r_ct = 0.05 * (1 + 0.2 * np.linspace(0.0, 1.0, f.size))
    z = noisy_impedance(0.02 + r_ct / (1 + 1j * w * 0.025), 0.002, seed)
    kk = quiet_kk(f, z, add_cap="auto")
    assert not kk.valid
    assert not kk.add_cap
