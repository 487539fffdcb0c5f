"""DRT of the symmetric-cell model's own impedance recovers the model's own time constants.

The spectra come from ``SymmetricCell.eis`` (pybamm.EISSimulation of the model) at the initial
state, after a 24-h rest and after 10 h of cycling, for pristine Na and M-Na. The time constants
and resistances they are compared with come from the parameters (never from a fit):

* interphase film, per electrode ``R_f = rho_f L``, ``C_f = eps_r eps_0 / L``, so
  ``tau_f = rho_f eps_r eps_0`` (independent of L); two films in series give a peak of ``2 R_f``;
* charge transfer, per electrode ``R_ct = RT/(F i0)`` (Butler-Volmer linearised at alpha = 1/2)
  with ``C_dl`` in parallel: ``tau_ct = R_ct C_dl``; two electrodes: ``2 R_ct``;
* salt diffusion across the SSE (thickness L_sse): the slowest relaxation of the antisymmetric
  concentration profile, ``tau_D = L_sse^2 / (pi^2 D)`` (the first pole of the finite-length
  Warburg ``tanh(sqrt(s))/sqrt(s)``, which holds 8/pi^2 = 81 % of it), with
  ``R_D = 2 R T (1 - t+)^2 L_sse / (F^2 D c0)`` from the model's concentration overpotential;
* bulk ``R_b = (L_sse - L_deg)/kappa + L_deg/(r_deg kappa)`` (the high-frequency limit).

What is resolvable, and what is tested
--------------------------------------
M-Na: tau_f = 2.09e-4 s and tau_ct = 1.49e-4 s differ by a factor 1.4 and 2 R_ct is 4 % of 2 R_f:
the two arcs are one arc, and a regularised DRT of the noise-free spectrum shows one peak. The
test asks that peak to sit at tau_f (the resistance-weighted time constant of the pair is within
1.5 % of tau_f) and to hold 2 (R_f + R_ct); the separate charge-transfer peak is an honest miss
(xfail, strict). The diffusion peak (2 % of the total) is resolved.
Pristine Na: film (~1e-3 s) and charge transfer (~0.15 s) are 2.2 decades apart and resolved;
the diffusion resistance is 0.02-0.06 % of the total, below the peak threshold (xfail, strict).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants

import solidna
from solidna.analysis.drt import PEAK_PROMINENCE, fit_drt
from solidna.models.interphase import VACUUM_PERMITTIVITY
from solidna.models.solve import symmetric_parameter_values

#: Issue 15: peaks at the model's time constants within 10 % ...
TAU_RTOL = 0.10
#: ... and peak areas (and their sum, against DC resistance minus Rs) within 5 %.
AREA_RTOL = 0.05
#: The model's DC resistance from its parameters against the low-frequency end of its own
#: spectrum (0.1 mHz, where the diffusion arc has closed to omega tau_D = 0.015, i.e. within
#: ~0.01 % of R_D): they must agree within 0.1 % of the total.
DC_RTOL = 1e-3
#: R_inf of the DRT against the model's bulk resistance: the film arc still has
#: Z_im = R/(omega tau) ~ 1e-3 of its R at 1 MHz, which the series R and the RBFs above 1 MHz share.
R_INF_RTOL = 0.02

F_MAX, F_MIN, PPD = "1 MHz", "0.1 mHz", 10
STATES = ("initial", "after 24 h rest", "after cycling")
ANODES = ("modified", "pristine")


def model_constants(cell, state) -> dict[str, float]:
    """Time constants and resistances [s, Ohm.m2] of the symmetric-cell model from its parameters."""
    st = state or cell.initial_state
    v = symmetric_parameter_values(cell.parameters, cell.anode, (st["left"], st["right"]))
    p = "Modified" if cell.anode == "modified" else "Pristine"
    T = v["Temperature [K]"]
    F, R = constants.physical_constants["Faraday constant"][0], constants.R
    r_f = [v[f"{p} interphase resistivity [Ohm.m]"] * st[s] for s in ("left", "right")]
    c_f = [
        v[f"{p} interphase relative permittivity [-]"] * VACUUM_PERMITTIVITY / st[s]
        for s in ("left", "right")
    ]
    r_ct = R * T / (F * v[f"{p} exchange-current density [A.m-2]"])
    l_sse, d = v["SSE thickness [m]"], v["Salt diffusivity [m2.s-1]"]
    t_plus, c0, kappa = (
        v["Cation transference number [-]"],
        v["Salt concentration [mol.m-3]"],
        v["SSE conductivity [S.m-1]"],
    )
    l_deg = 0.0
    if cell.anode == "pristine":
        beta = v["Pristine SSE degradation depth ratio [-]"]
        l0 = v["Pristine interphase initial thickness [m]"]
        l_deg = min(sum(beta * max(st[s] - l0, 0.0) for s in ("left", "right")), 0.5 * l_sse)
    r_b = (l_sse - l_deg) / kappa + l_deg / (v["Degraded SSE conductivity ratio [-]"] * kappa)
    r_d = 2 * R * T * (1 - t_plus) ** 2 * l_sse / (F**2 * d * c0)
    out = {
        "tau_f": r_f[0] * c_f[0],
        "R_f": sum(r_f),
        "tau_ct": r_ct * v["Double-layer capacitance [F.m-2]"],
        "R_ct": 2 * r_ct,
        "tau_D": l_sse**2 / (math.pi**2 * d),
        "R_D": r_d,
        "R_b": r_b,
    }
    out["DC"] = r_b + out["R_f"] + out["R_ct"] + r_d
    return out


@pytest.fixture(scope="module")
def cases():
    out = {}
    for anode in ANODES:
        cell = solidna.SymmetricCell(anode)
        states = {
            "initial": None,
            "after 24 h rest": cell.rest("24 h").final_state,
            "after cycling": cell.cycle(
                "0.1 mA/cm2", half_cycle="1 h", duration="10 h"
            ).final_state,
        }
        for label, state in states.items():
            spec = cell.eis(F_MAX, F_MIN, PPD, state=state)
            f = spec.timeseries["Frequency [Hz]"].to_numpy()
            z = spec.impedance_ohm_m2
            res = fit_drt(f, z, unit="Ohm.m2", seed=2019)
            out[(anode, label)] = (z, model_constants(cell, state), res)
    return out


def peak_near(res, tau: float):
    peaks = res.peaks
    k = int(np.argmin(np.abs(np.log(peaks["tau [s]"].to_numpy() / tau))))
    return peaks.iloc[k]


@pytest.mark.parametrize("anode", ANODES)
@pytest.mark.parametrize("state", STATES)
def test_dc_resistance_of_parameters_is_the_spectrum_low_frequency_limit(cases, anode, state):
    z, m, _ = cases[(anode, state)]
    assert z[-1].real == pytest.approx(m["DC"], rel=DC_RTOL)


@pytest.mark.parametrize("anode", ANODES)
@pytest.mark.parametrize("state", STATES)
def test_peak_areas_sum_to_dc_resistance_minus_rs(cases, anode, state):
    _, m, res = cases[(anode, state)]
    total = float(res.peaks["R [Ohm.m2]"].sum())
    assert total == pytest.approx(m["DC"] - m["R_b"], rel=AREA_RTOL)
    assert res.R_inf == pytest.approx(m["R_b"], rel=R_INF_RTOL)
    assert res.lam > 0 and res.lam_method == "lcurve"


@pytest.mark.parametrize("state", STATES)
def test_mna_film_peak_at_tau_f_holds_film_and_charge_transfer(cases, state):
    _, m, res = cases[("modified", state)]
    peak = peak_near(res, m["tau_f"])
    assert peak["tau [s]"] == pytest.approx(m["tau_f"], rel=TAU_RTOL)
    assert peak["R [Ohm.m2]"] == pytest.approx(m["R_f"] + m["R_ct"], rel=AREA_RTOL)
    # one peak for both processes between tau_ct/3 and 3 tau_f
    near = res.peaks["tau [s]"].between(m["tau_ct"] / 3, 3 * m["tau_f"])
    assert int(near.sum()) == 1


@pytest.mark.parametrize("state", STATES)
def test_mna_diffusion_peak_at_tau_d(cases, state):
    _, m, res = cases[("modified", state)]
    peak = peak_near(res, m["tau_D"])
    assert peak["tau [s]"] == pytest.approx(m["tau_D"], rel=TAU_RTOL)
    assert peak["R [Ohm.m2]"] == pytest.approx(m["R_D"], rel=AREA_RTOL)


@pytest.mark.xfail(
    strict=True,
    reason="M-Na: tau_ct/tau_f = 0.71 and R_ct/R_f = 0.04 - the charge-transfer arc lies inside the "
    "film arc and no regularised DRT of the spectrum separates it (issue 15 item 2, honest miss)",
)
@pytest.mark.parametrize("state", STATES)
def test_mna_charge_transfer_peak_resolved(cases, state):
    _, m, res = cases[("modified", state)]
    peak = peak_near(res, m["tau_ct"])
    assert peak["tau [s]"] == pytest.approx(m["tau_ct"], rel=TAU_RTOL)
    assert peak["R [Ohm.m2]"] == pytest.approx(m["R_ct"], rel=AREA_RTOL)


@pytest.mark.parametrize("state", STATES)
def test_pristine_film_and_charge_transfer_resolved(cases, state):
    _, m, res = cases[("pristine", state)]
    for tau, r in ((m["tau_f"], m["R_f"]), (m["tau_ct"], m["R_ct"])):
        peak = peak_near(res, tau)
        assert peak["tau [s]"] == pytest.approx(tau, rel=TAU_RTOL)
        assert peak["R [Ohm.m2]"] == pytest.approx(r, rel=AREA_RTOL)


@pytest.mark.xfail(
    strict=True,
    reason="pristine Na: R_D is 0.02-0.06 % of the total resistance, below the DRT's peak threshold "
    "(PEAK_PROMINENCE = 0.5 % of max gamma): the diffusion peak is not reported (honest miss)",
)
@pytest.mark.parametrize("state", STATES)
def test_pristine_diffusion_peak_resolved(cases, state):
    _, m, res = cases[("pristine", state)]
    assert m["R_D"] / (m["DC"] - m["R_b"]) < PEAK_PROMINENCE  # why it is missed
    peak = peak_near(res, m["tau_D"])
    assert peak["tau [s]"] == pytest.approx(m["tau_D"], rel=TAU_RTOL)
