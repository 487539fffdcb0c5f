"""What limits a Na|SSE|NVP half-cell whose steps end at a cut-off almost at once.

A step that reaches its cut-off having passed less than ``SHORT_STEP_FRACTION`` (5 %) of the
theoretical capacity gets a note (``NVPResult.limits``, and the ``"completed; ..."`` status)
naming the largest of the losses between the voltage and the NVP's open-circuit voltage. The
tests check the named process and its size against independent estimates: the interphases'
drop ``i (R_Na + R_film)`` from the per-cycle table's resistances, the SSE's ohmic drop
``i L / sigma(T)`` from :func:`solidna.materials.electrolyte.conductivity`, and the causal check
of switching one Arrhenius law back to its 25 C value. No external files are used.
"""

import pytest

from solidna.cells.nvp import NVPCell
from solidna.materials import electrolyte
from solidna.models import nvp as model

# The parts of V - U_bulk sum to it to the solver's tolerance (rtol 1e-6 of volts).
GAP_SUM_ABS_V = 1e-4
# The interphase resistances move during a step of a few seconds by far less than this.
INTERPHASE_DROP_REL = 1e-2
# The SSE's drop i L / sigma: the model's ohmic loss also counts the cathode's pores (a fraction
# of the separator's for this thin, porous cathode), never less than the separator's alone.
SSE_PORES_FACTOR = 1.5
NA_INTERPHASE_EA = "Modified interphase resistivity activation energy [J.mol-1]"


def _current_density_A_cm2(result, c_rate: float) -> float:
    return result.inputs["1 C current density [mA.cm-2]"] * c_rate / 1000


@pytest.fixture(scope="module")
def cold():
    return NVPCell(temperature="10 degC").cycle(c_rate=2, cycles=1)


def test_cold_cell_names_the_na_interphase(cold):
    """At 10 C and 2 C both steps end within seconds; the note names the interphases, whose
    drop matches i (R_Na + R_film) from the cycle table, far above the SSE's i L / sigma."""
    assert cold.status.startswith("completed; at 10 degC the 2 C charge of cycle 1")
    assert len(cold.limits) == 2  # the charge and the discharge
    i = _current_density_A_cm2(cold, 2.0)
    row = cold.cycles().loc[1]
    expected = i * (
        row["Negative interphase resistance [Ohm.cm2]"]
        + row["Positive interphase resistance [Ohm.cm2]"]
    )
    L_cm = NVPCell().parameters["SSE thickness [m]"] * 100
    sigma_S_cm = electrolyte.conductivity("10 degC") / 100
    sse_estimate = i * L_cm / sigma_S_cm
    for lim in cold.limits:
        losses = lim["losses [V]"]
        assert set(losses) == set(model.LOSS_TERMS)
        assert next(iter(losses)) == "interphase resistances"
        assert "the largest loss was the interphase resistances" in lim["note"]
        assert losses["interphase resistances"] == pytest.approx(expected, rel=INTERPHASE_DROP_REL)
        assert sse_estimate <= losses["SSE ohmic drop"] <= SSE_PORES_FACTOR * sse_estimate
        assert losses["interphase resistances"] > 10 * losses["SSE ohmic drop"]
        gap = abs(lim["voltage [V]"] - lim["open-circuit voltage [V]"])
        assert sum(losses.values()) == pytest.approx(gap, abs=GAP_SUM_ABS_V)
        assert (
            lim["capacity [mAh.g-1]"] < model.SHORT_STEP_FRACTION * cold.theoretical_capacity_mAh_g
        )
    assert cold.summary()["limited steps"][0]["note"] == cold.limits[0]["note"]


def test_switching_the_na_interphase_law_back_restores_the_cell():
    """The diagnosis is causal: with the Na interphase's resistivity at its 25 C value the cell
    cycles at 10 C; with the NVP's diffusivity at its 25 C value instead it still does not."""
    ps = NVPCell(temperature="10 degC").parameters
    fixed = NVPCell(parameters=ps.updated({NA_INTERPHASE_EA: 0.0})).cycle(c_rate=2, cycles=1)
    assert fixed.status == "completed" and fixed.limits == []
    assert fixed.capacity_at(2) > 0.5 * fixed.theoretical_capacity_mAh_g
    other = NVPCell(
        parameters=ps.updated({"NVP diffusivity activation energy [J.mol-1]": 0.0})
    ).cycle(c_rate=2, cycles=1)
    assert other.limits and next(iter(other.limits[0]["losses [V]"])) == "interphase resistances"


def test_thick_sse_names_its_ohmic_drop():
    """A 5 mm SSE at 25 C: the note names the SSE's ohmic drop, i L / sigma(25 C), and its
    conductivity in mS/cm."""
    L_m = 5e-3
    ps = NVPCell().parameters.updated({"SSE thickness [m]": L_m})
    r = NVPCell(parameters=ps).cycle(c_rate=2, cycles=1)
    sigma = electrolyte.conductivity("25 degC")  # S/m
    estimate = _current_density_A_cm2(r, 2.0) * 1e4 * L_m / sigma
    lim = r.limits[0]
    assert next(iter(lim["losses [V]"])) == "SSE ohmic drop"
    assert estimate <= lim["losses [V]"]["SSE ohmic drop"] <= 1.05 * estimate
    assert f"conductivity {sigma * 10:.3g} mS/cm" in lim["note"]
    assert r.status.startswith("completed; ") and "SSE ohmic drop" in r.status


def test_paper_conditions_have_no_note():
    """At the paper's conditions (25 C, Fig. S31) every step passes far more than the
    threshold: no note, the status stays "completed"."""
    r = NVPCell().rate_test(c_rates=(0.1, 2), cycles_per_rate=1)
    assert r.status == "completed" and r.limits == []
    assert "limited steps" not in r.summary()
    assert r.capacity_at(2) > 10 * model.SHORT_STEP_FRACTION * r.theoretical_capacity_mAh_g
