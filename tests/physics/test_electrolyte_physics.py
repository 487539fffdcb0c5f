"""Physical invariants of the SSE laws (solidna.materials.electrolyte): Arrhenius consistency of
each phase and of the composite, monotonicity in the PVDF-HFP ratio, the effective-medium limits
(one phase, Bruggeman), no percolation zero, the gel-scaling exponent."""

from __future__ import annotations

import math

import numpy as np
import pytest

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
def test_local_activation_energy_between_those_of_the_phases(T, w, params):
    """-k_B d ln(sigma) / d(1/T) of a mixture of Arrhenius phases lies between the smallest and
    largest phase activation energy (an effective medium is a weighted mean of its phases)."""
    inv_T = 1.0 / T
    up = el.conductivity_S_m(1.0 / (inv_T + FD_STEP_INV_K), w, params)
    down = el.conductivity_S_m(1.0 / (inv_T - FD_STEP_INV_K), w, params)
    e_local = -(math.log(up) - math.log(down)) / (2 * FD_STEP_INV_K) * el.BOLTZMANN_EV_K
    phases = [
        params["SSE SN-phase activation energy [eV]"],
        params[el.EA_GEL],
        params["SSE dry polymer activation energy [eV]"],
    ]
    assert min(phases) * (1 - FD_REL) <= e_local <= max(phases) * (1 + FD_REL)


def test_single_phase_composite_follows_its_activation_energy(params):
    """With every phase at the same activation energy the composite is exactly Arrhenius."""
    e = 0.4
    same = params.updated(
        {
            "SSE SN-phase activation energy [eV]": e,
            el.EA_GEL: e,
            "SSE dry polymer activation energy [eV]": e,
        }
    )
    for w in (0.5, 1.5):
        T = 310.0
        inv_T = 1.0 / T
        up = el.conductivity_S_m(1.0 / (inv_T + FD_STEP_INV_K), w, same)
        down = el.conductivity_S_m(1.0 / (inv_T - FD_STEP_INV_K), w, same)
        slope = (math.log(up) - math.log(down)) / (2 * FD_STEP_INV_K)
        assert slope == pytest.approx(-e / el.BOLTZMANN_EV_K, rel=FD_REL)


def test_arrhenius_slope_round_trip(params):
    """conductivity(T) -> straight-line fit -> the apparent activation energy of the model."""
    slope = el.arrhenius_slope(0.8, params)
    assert el.activation_energy_from_slope(slope) == pytest.approx(
        el.activation_energy(params), rel=ROUNDTRIP_REL
    )


def test_conductivity_increases_with_temperature(params):
    sig = [el.conductivity_S_m(T, 0.8, params) for T in el.ARRHENIUS_TEMPERATURES_K]
    assert np.all(np.diff(sig) > 0)


def test_conductivity_peaks_at_gel_saturation(params):
    """Below saturation, polymer turns free SN phase into gel, which conducts better (the C-F
    bonds dissociate NaClO4, Fig. 3e text), so sigma rises; beyond it, dry polymer dilutes the
    gel and sigma falls. The maximum sits at the saturation composition phi_P (1 + s) = 1 - a
    prediction between the w = 0.5 and 0.8 samples, which the paper did not measure - and the
    three measured samples keep the paper's order."""
    s = params[el.SWELLING]
    sig = np.array([el.conductivity_S_m(298.15, w, params) for w in W_GRID])
    assert np.all(sig > 0)
    phi_p = np.array([1 - _phi_c(w, params) for w in W_GRID])
    below, beyond = phi_p * (1 + s) < 1, phi_p * (1 + s) > 1
    if params[el.SIGMA_GEL] > params[el.SIGMA_SN]:
        assert np.all(np.diff(sig[below]) > 0)
    assert np.all(np.diff(sig[beyond]) < 0)
    at = [el.conductivity_S_m(298.15, w, params) for w in (0.5, 0.8, 1.5)]
    assert at[0] > at[1] > at[2]


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


def test_no_zero_anywhere_the_api_accepts(params):
    """Every phase conducts, so sigma > 0 for any w > 0 (no artificial percolation zero), and it
    falls monotonically as polymer replaces the conducting solution beyond saturation."""
    ws = np.geomspace(0.01, 100.0, 81)
    sig = np.array([el.conductivity_S_m(298.15, w, params) for w in ws])
    assert np.all(sig > 0)
    # beyond the saturation of the gel (phi_P (1 + s) = 1) more polymer only dilutes the gel
    s = params[el.SWELLING]
    beyond = [x for w, x in zip(ws, sig, strict=True) if (1 - _phi_c(w, params)) * (1 + s) > 1]
    assert np.all(np.diff(beyond) < 0)
    # the floor is the dry polymer's conductivity
    assert sig[-1] >= params["SSE dry polymer conductivity [S.m-1]"] * (1 - 1e-9)


def _phi_c(w, params):
    return el.conducting_phase_volume_fraction(w, params)


def test_conductivity_continuous_at_gel_saturation(params):
    """The phase fractions switch regime where the gel takes up all the solution; sigma is
    continuous there (both branches give the pure saturated gel)."""
    s = params[el.SWELLING]
    fr_lo = el.phase_fractions(1 / (1 + s) * (1 - 1e-9), s)
    fr_hi = el.phase_fractions(1 / (1 + s) * (1 + 1e-9), s)
    assert fr_lo == pytest.approx((0.0, 1.0, 0.0), abs=1e-8)
    assert fr_hi == pytest.approx((0.0, 1.0, 0.0), abs=1e-8)
    for fr in (fr_lo, fr_hi, el.phase_fractions(0.2, s), el.phase_fractions(0.6, s)):
        assert sum(fr) == pytest.approx(1.0, abs=1e-14)


def test_effective_medium_limits():
    """GEM limits: one phase returns it; two phases at t = 1, phi_crit = 1/3 give Bruggeman's
    symmetric law, whose root is known in closed form."""
    assert el.effective_medium_conductivity((1.0, 0.0), (0.3, 7.0), 0.5, 2.0) == 0.3
    # Bruggeman, phi = 0.5 each: 0.5 (s1 - s)/(s1 + 2 s) + 0.5 (s2 - s)/(s2 + 2 s) = 0, i.e.
    # 4 s^2 - (s1 + s2) s - 2 s1 s2 = 0
    s1, s2 = 1.0, 4.0
    exact = (0.5 * (s1 + s2) + math.sqrt(0.25 * (s1 + s2) ** 2 + 8 * s1 * s2)) / 4
    got = el.effective_medium_conductivity((0.5, 0.5), (s1, s2), 1 / 3, 1.0)
    assert got == pytest.approx(exact, rel=1e-10)
    # the mixture lies between its phases and rises with the share of the better one
    mid = [el.effective_medium_conductivity((1 - f, f), (1e-3, 1.0), 0.64, 2.0) for f in (0.3, 0.6)]
    assert 1e-3 < mid[0] < mid[1] < 1.0


def test_reference_temperature_factor_is_one(params):
    """At T_ref the conductivity does not depend on the activation energies."""
    T_ref = params["SSE reference temperature [K]"]
    other = params.updated({el.EA_GEL: 0.6, "SSE SN-phase activation energy [eV]": 0.1})
    for w in (0.5, 0.8, 1.5):
        assert el.conductivity_S_m(T_ref, w, other) == el.conductivity_S_m(T_ref, w, params)


def test_salt_and_sn_scale_together(params):
    """The recipe fixes SN : NaClO4 = 20 : 1; more polymer dilutes both alike."""
    for w in (0.5, 1.0, 1.5):
        c_salt = el.salt_concentration_mol_m3(w, params)
        c_sn = el.sn_concentration_mol_m3(w, params)
        assert c_sn / c_salt == pytest.approx(params["SSE SN to NaClO4 molar ratio [-]"])
    assert el.salt_concentration_mol_m3(1.5, params) < el.salt_concentration_mol_m3(0.5, params)
