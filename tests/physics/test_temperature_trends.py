"""Direction and size of the temperature dependence of every cell (issue 11).

Every process carries its own Arrhenius law anchored at the paper's 25 C (parameter sets; see
solidna.models.base.arrhenius): these tests check that the cells respond as the physics says,
with the mechanism in a comment, on short runs (a few seconds in all).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from solidna import lu2019
from solidna.calibrate import experiments as ex
from solidna.cells.nvp import NVPCell
from solidna.cells.symmetric import SymmetricCell
from solidna.models.solve import solve_current
from solidna.protocols import PlatingStripping, current_schedule

R = 8.314462618  # J/(mol K)
TEMPERATURES_C = (10.0, 25.0, 40.0, 60.0)
# The film voltage at the end of the first half cycle is i rho(T) L(1 h); L grows by < 0.1 % in
# that hour, with its own activation energy, so the film's apparent activation energy equals the
# resistivity's to better than 1 %.
FILM_EA_REL = 0.01

_PARTS = {
    "film": ("Left interphase voltage [V]", "Right interphase voltage [V]"),
    "charge transfer": (
        "Left charge-transfer overpotential [V]",
        "Right charge-transfer overpotential [V]",
    ),
}


def _at(T_C: float):
    return lu2019().updated({"Temperature [K]": 273.15 + T_C}, method="assumed", source="test")


def _apparent_ea(x_cold: float, x_warm: float, T_cold: float, T_warm: float) -> float:
    """E [J/mol] of x ~ exp(E / RT) between two temperatures [K] (x a resistance-like part)."""
    return R * math.log(x_cold / x_warm) / (1 / T_cold - 1 / T_warm)


def _symmetric_parts(T_C: float) -> dict[str, float]:
    """M-Na overpotential parts [V] at the end of the first 1-h half cycle at 0.1 mA/cm2."""
    cell = SymmetricCell("modified", _at(T_C))
    values = cell._values(None)
    names = [n for pair in _PARTS.values() for n in pair]
    out = solve_current(
        values,
        "modified",
        current_schedule([PlatingStripping("0.1 mA/cm2", "1 h", half_cycle="1 h")]),
        variables=(
            "Working-electrode voltage [V]",
            "Bulk SSE resistance [Ohm.m2]",
            "Concentration overpotential [V]",
            *names,
        ),
    )
    k = int(np.searchsorted(out["Time [s]"], 3600.0 * (1 - 1e-6))) - 1
    parts = {name: out[a][k] - out[b][k] for name, (a, b) in _PARTS.items()}
    parts["bulk"] = 1.0 * out["Bulk SSE resistance [Ohm.m2]"][k]  # i = 1 A/m2
    parts["concentration"] = out["Concentration overpotential [V]"][k]
    return {"total": out["Working-electrode voltage [V]"][k], **parts}


@pytest.fixture(scope="module")
def symmetric_parts():
    return {T: _symmetric_parts(T) for T in (10.0, 60.0)}


def test_symmetric_overpotential_falls_with_temperature():
    # Every resistance in series (SSE bulk, NaF-rich film, charge transfer, salt diffusion) is a
    # thermally activated conductance, so the M-Na overpotential must fall as T rises.
    eta = [
        SymmetricCell("modified", _at(T)).cycle("0.1 mA/cm2", "1 h", "2 h").overpotential().iloc[0]
        for T in TEMPERATURES_C
    ]
    assert np.all(np.diff(eta) < 0), eta


def test_symmetric_apparent_activation_energy_lies_between_its_parts(symmetric_parts):
    # The overpotential is a sum of positive parts, so its apparent activation energy is a
    # weighted mean of theirs: between the smallest and the largest.
    cold, warm = symmetric_parts[10.0], symmetric_parts[60.0]
    T1, T2 = 283.15, 333.15
    e_parts = {n: _apparent_ea(cold[n], warm[n], T1, T2) for n in cold if n != "total"}
    assert all(cold[n] > 0 and warm[n] > 0 for n in e_parts)
    e_total = _apparent_ea(cold["total"], warm["total"], T1, T2)
    assert min(e_parts.values()) < e_total < max(e_parts.values()), (e_total, e_parts)


def test_symmetric_film_part_carries_the_film_activation_energy(symmetric_parts):
    # Size, not only direction: the film voltage i rho L follows the film resistivity's law.
    cold, warm = symmetric_parts[10.0], symmetric_parts[60.0]
    e_film = _apparent_ea(cold["film"], warm["film"], 283.15, 333.15)
    expected = lu2019()["Modified interphase resistivity activation energy [J.mol-1]"]
    assert e_film == pytest.approx(expected, rel=FILM_EA_REL)


def test_pristine_na_reaches_the_limit_sooner_when_warmer():
    # The SN polymerisation that grows the pristine layer (60 kJ/mol) is more strongly activated
    # than ion transport through the layer (30 kJ/mol): warmer, the layer thickens faster than
    # it becomes more conductive, so the 10 V limit comes sooner.
    times = []
    for T in (25.0, 40.0, 60.0):
        t = ex.time_to_limit_h(ex.fig4h(_at(T), "pristine", "60 h"))
        times.append(math.inf if t is None else t)
    assert times[2] < times[1] < times[0], times


def test_na_co2_gap_falls_and_capacity_does_not_fall_with_temperature():
    # Gap: the oxidation of Na2CO3 + C (60 kJ/mol) speeds up faster than the Tafel slope RT/aF
    # grows, and the SSE and anode resistances fall, so the charge-discharge gap narrows.
    # Capacity at a fixed rate: it is set by CO2 supply into the clogging cathode, D c_sat; the
    # diffusivity rises (30 kJ/mol) faster than the solubility falls (van 't Hoff, -20 kJ/mol),
    # so the supply - and the capacity - does not fall.
    gaps = [ex.fig5d_gap_V(_at(T), 200) for T in TEMPERATURES_C]
    caps = [ex.fig5c(_at(T), 200).discharge_capacity() for T in TEMPERATURES_C]
    assert np.all(np.diff(gaps) < 0), gaps
    assert np.all(np.diff(caps) >= 0), caps


def test_nvp_rate_capability_does_not_fall_with_temperature():
    # NVP solid diffusion, both charge transfers, the films and the SSE all speed up when warm,
    # so the capacity at 2 C (relative to 0.1 C) cannot fall as temperature rises.
    ratios = []
    for T in TEMPERATURES_C:
        result = NVPCell("modified", _at(T)).rate_test(c_rates=(0.1, 2.0), cycles_per_rate=1)
        ratios.append(result.capacity_at(2.0) / result.capacity_at(0.1))
    assert np.all(np.diff(ratios) >= 0), ratios


def test_every_temperature_law_states_its_source_or_assumption():
    # Issue 11 provenance: each activation energy (or dissolution enthalpy) has a method, a
    # source and, unless fitted, the range it may take and the reason for its value.
    ps = lu2019()
    laws = [n for n in ps if "activation energy" in n or "dissolution enthalpy" in n]
    assert len(laws) >= 15
    for name in laws:
        entry = ps.entry(name)
        assert entry.method in ("literature", "assumed", "fitted", "measured"), name
        assert entry.source and entry.note, name
        if entry.method != "fitted":
            assert entry.valid_range is not None, name
            lo, hi = entry.valid_range
            assert lo <= entry.value <= hi, name
