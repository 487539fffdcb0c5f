"""Physical invariants of the SSE laws (solidna.materials.electrolyte): Arrhenius consistency, monotonicity in
the PVDF-HFP ratio, the percolation threshold, the gel-scaling exponent."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

import solidna
import solidna.materials.electrolyte as el

# Central differences of ln(sigma) in 1/T with a step of 1e-7 K^-1: truncation error ~ step^2
# (negligible) and rounding ~ 1e-16/1e-7 relative, so 1e-6 separates a wrong slope from noise.
FD_REL = 1e-6
FD_STEP_INV_K = 1e-7
# A straight-line fit of an exactly Arrhenius model returns its slope to rounding.
ROUNDTRIP_REL = 1e-9
# Composition grid over the validated range of Fig. 3f.
W_GRID = np.linspace(0.5, 1.5, 41)


@pytest.fixture(scope="module")
def params():
    return solidna.lu2019()


@pytest.mark.parametrize("T", [283.15, 298.15, 315.0, 333.15])
@pytest.mark.parametrize("w", [0.5, 0.8, 1.5])
def test_conductivity_follows_activation_energy(T, w, params):
    """d ln(sigma) / d(1/T) = -E_a / k_B."""
    inv_T = 1.0 / T
    up = el.conductivity_S_m(1.0 / (inv_T + FD_STEP_INV_K), w, params)
    down = el.conductivity_S_m(1.0 / (inv_T - FD_STEP_INV_K), w, params)
    slope = (math.log(up) - math.log(down)) / (2 * FD_STEP_INV_K)
    expected = -el.activation_energy(params) / el.BOLTZMANN_EV_K
    assert slope == pytest.approx(expected, rel=FD_REL)


def test_arrhenius_slope_round_trip(params):
    """conductivity(T) -> straight-line fit -> activation energy recovers the parameter."""
    slope = el.arrhenius_slope(0.8, params)
    assert el.activation_energy_from_slope(slope) == pytest.approx(
        el.activation_energy(params), rel=ROUNDTRIP_REL
    )
    # the slope is a property of the temperature law, not of the composition
    assert el.arrhenius_slope(1.2, params) == pytest.approx(slope, rel=ROUNDTRIP_REL)


def test_conductivity_increases_with_temperature(params):
    sig = [el.conductivity_S_m(T, 0.8, params) for T in el.ARRHENIUS_TEMPERATURES_K]
    assert np.all(np.diff(sig) > 0)


def test_conductivity_decreases_with_pvdf_ratio(params):
    sig = np.array([el.conductivity_S_m(298.15, w, params) for w in W_GRID])
    assert np.all(sig > 0)
    assert np.all(np.diff(sig) < 0)


def test_modulus_increases_with_pvdf_ratio(params):
    E = np.array([el.modulus_Pa(w, params) for w in W_GRID])
    assert np.all(E > 0)
    assert np.all(np.diff(E) > 0)


def test_modulus_scaling_exponent(params):
    """d ln E / d ln phi_P equals the fitted gel exponent, close to de Gennes' 9/4."""
    phi = [1 - el.conducting_phase_volume_fraction(w, params) for w in (0.6, 1.4)]
    E = [el.modulus_Pa(w, params) for w in (0.6, 1.4)]
    n = math.log(E[1] / E[0]) / math.log(phi[1] / phi[0])
    assert n == pytest.approx(params["SSE modulus exponent [-]"], rel=ROUNDTRIP_REL)
    # de Gennes semidilute scaling: 9/4; a fitted exponent off by more than 20 % would mean the gel
    # picture does not describe Fig. 3f.
    assert n == pytest.approx(9 / 4, rel=0.20)


def _threshold_ratio(params) -> float:
    phi_th = params["SSE percolation threshold [-]"]
    return brentq(lambda w: el.conducting_phase_volume_fraction(w, params) - phi_th, 0.01, 100.0)


def test_conductivity_vanishes_at_and_below_threshold(params):
    w_th = _threshold_ratio(params)
    assert w_th > 1.5  # the threshold lies beyond the compositions of Fig. 3f
    for w in (w_th * (1 + 1e-9), w_th * 1.1, 5.0):  # more polymer = less conducting phase
        assert el.conductivity_S_m(298.15, w, params) == 0.0


def test_conductivity_continuous_at_threshold(params):
    """sigma -> 0 as phi_c -> phi_th from above, as (phi_c - phi_th)^t."""
    w_th = _threshold_ratio(params)
    sig = [el.conductivity_S_m(298.15, w_th * (1 - eps), params) for eps in (1e-2, 1e-4, 1e-6)]
    assert sig[0] > sig[1] > sig[2] > 0
    assert sig[2] < 1e-9 * el.conductivity_S_m(298.15, 0.8, params)


def test_pure_percolation_limit_has_universal_exponent(params):
    """With the dissociation factor switched off the law is (phi_c - phi_th)^2."""
    p = params.updated({"SSE dissociation coefficient [-]": 0.0})
    phi_th = p["SSE percolation threshold [-]"]
    ws = (0.6, 1.2)
    phi = [el.conducting_phase_volume_fraction(w, p) for w in ws]
    sig = [el.conductivity_S_m(298.15, w, p) for w in ws]
    ratio = ((phi[0] - phi_th) / (phi[1] - phi_th)) ** 2
    assert sig[0] / sig[1] == pytest.approx(ratio, rel=ROUNDTRIP_REL)


def test_reference_temperature_factor_is_one(params):
    """At T_ref the conductivity does not depend on the activation energy."""
    T_ref = params["SSE reference temperature [K]"]
    other = params.updated({"SSE activation energy [eV]": 0.6})
    assert el.conductivity_S_m(T_ref, 0.8, other) == el.conductivity_S_m(T_ref, 0.8, params)


def test_salt_and_sn_scale_together(params):
    """The recipe fixes SN : NaClO4 = 20 : 1; more polymer dilutes both alike."""
    for w in (0.5, 1.0, 1.5):
        c_salt = el.salt_concentration_mol_m3(w, params)
        c_sn = el.sn_concentration_mol_m3(w, params)
        assert c_sn / c_salt == pytest.approx(params["SSE SN to NaClO4 molar ratio [-]"])
    assert el.salt_concentration_mol_m3(1.5, params) < el.salt_concentration_mol_m3(0.5, params)
