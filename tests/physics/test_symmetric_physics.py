"""Physics invariants of the symmetric-cell model (DESIGN section 4)."""

import numpy as np
import pytest

from solidna import lu2019
from solidna.cells.symmetric import SymmetricCell
from solidna.models.solve import solve_current, symmetric_parameter_values
from solidna.protocols.steps import ScheduleSegment

F = 96485.33212
R = 8.314462618

# Solver relative tolerance is 1e-6: invariants that hold exactly in the equations are checked
# to a few times that.
EXACT_REL = 1e-5
# The small-current limit is linear to O((i/i0)^2) and O(i/i_lim); at 1e-3 A/m2 both are < 1e-4.
LINEAR_REL = 1e-3
# EIS at 1e-5 Hz versus steady DC: the finite-diffusion element is within 1e-3 of its DC value.
EIS_DC_REL = 1e-2


def _values(anode):
    return symmetric_parameter_values(lu2019(), anode)


@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_zero_current_gives_zero_voltage(anode):
    out = solve_current(_values(anode), anode, [ScheduleSegment(0, 3600 * 10, 0.0)])
    assert np.max(np.abs(out["Voltage [V]"])) < 1e-9


@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_antisymmetric_in_current(anode):
    v = _values(anode)
    pos = solve_current(v, anode, [ScheduleSegment(0, 3600, 1.0)])
    neg = solve_current(v, anode, [ScheduleSegment(0, 3600, -1.0)])
    np.testing.assert_allclose(neg["Voltage [V]"], -pos["Voltage [V]"], rtol=EXACT_REL, atol=1e-9)


def _dc_resistance(v):
    """Analytic small-signal DC resistance [Ohm.m2]: bulk + 2 films + 2 R_ct + diffusion."""
    T = v["Temperature [K]"]
    L = v["SSE thickness [m]"]
    tp = v["Cation transference number [-]"]
    r_bulk = L / v["SSE conductivity [S.m-1]"]
    r_film = (
        v["Modified interphase resistivity [Ohm.m]"] * v["Initial left interphase thickness [m]"]
    )
    r_ct = R * T / (F * v["Modified exchange-current density [A.m-2]"])
    # steady linear profile: c(0) - c(L) = (1 - t+) i L / (F D); eta_c = (2RT/F)(1-t+) dc/c0
    r_diff = (
        2
        * R
        * T
        / F
        * (1 - tp) ** 2
        * L
        / (F * v["Salt diffusivity [m2.s-1]"] * v["Salt concentration [mol.m-3]"])
    )
    return r_bulk + 2 * r_film + 2 * r_ct + r_diff


def test_small_current_linear_limit():
    v = _values("modified")
    v["Modified interphase solvent diffusivity [m2.s-1]"] = 0.0  # freeze the film for this check
    i = 1e-3
    out = solve_current(v, "modified", [ScheduleSegment(0, 3600 * 3, i)])
    measured = -out["Voltage [V]"][-1] / i  # PyBaMM's sign: a discharge lowers the voltage
    assert measured == pytest.approx(_dc_resistance(v), rel=LINEAR_REL)


def test_eis_low_frequency_limit_equals_dc_resistance():
    v = _values("modified")
    v["Modified interphase solvent diffusivity [m2.s-1]"] = 0.0
    from solidna.models.solve import impedance

    z = impedance(v, "modified", np.array([1e-5]))[0]
    out = solve_current(v, "modified", [ScheduleSegment(0, 3600 * 3, 1e-3)])
    r_dc = -out["Voltage [V]"][-1] / 1e-3  # PyBaMM's sign: a discharge lowers the voltage
    assert z.real == pytest.approx(r_dc, rel=EIS_DC_REL)
    assert abs(z.imag) < EIS_DC_REL * z.real


def test_eis_high_frequency_limit_is_bulk_resistance():
    v = _values("modified")
    from solidna.models.solve import impedance

    z = impedance(v, "modified", np.array([1e8]))[0]
    r_bulk = v["SSE thickness [m]"] / v["SSE conductivity [S.m-1]"]
    assert z.real == pytest.approx(r_bulk, rel=1e-2)


def test_salt_is_conserved():
    v = _values("modified")
    out = solve_current(
        v,
        "modified",
        [ScheduleSegment(0, 7200, 2.0, 1800.0)],
        variables=("Voltage [V]", "Salt concentration [mol.m-3]"),
    )
    c = out["Salt concentration [mol.m-3]"]  # (x, t) on a uniform mesh
    mean = c.mean(axis=0)
    np.testing.assert_allclose(mean, v["Salt concentration [mol.m-3]"], rtol=1e-8)


def test_modified_film_grows_parabolically():
    """Solvent-diffusion-limited growth: L^2 - L0^2 = 2 V_f D_sol c_SN t (PyBaMM / Marquis 2020)."""
    v = _values("modified")
    out = solve_current(v, "modified", [ScheduleSegment(0, 3600 * 1000, 0.0)])
    L0 = v["Initial left interphase thickness [m]"]
    k = (
        v["Modified interphase molar volume [m3.mol-1]"]
        * v["Modified interphase solvent diffusivity [m2.s-1]"]
        * v["SN concentration [mol.m-3]"]
    )
    expected = np.sqrt(L0**2 + 2 * k * 3600 * 1000)
    assert out["final state"][0] == pytest.approx(expected, rel=EXACT_REL)


def test_pristine_layer_grows_at_rest_and_faster_under_current():
    # The Lu 2019 set assumes no current enhancement (no calibrate number separates growth at
    # rest from growth under current; cell.toml): the layer grows alike at rest and in cycling.
    # With a finite enhancement density the law k_chem (1 + |i|/i_enh) grows faster under current.
    name = "Pristine interphase current enhancement density [A.m-2]"
    default = SymmetricCell("pristine")
    L0 = default.initial_state["left"]
    rest = default.rest("5 h").final_state["left"]
    cyc = default.cycle("0.1 mA/cm2", "1 h", "5 h").final_state["left"]
    assert rest > L0
    assert cyc - L0 == pytest.approx(rest - L0, rel=1e-3)
    enhanced = SymmetricCell("pristine", lu2019().updated({name: 1.0}))
    rest = enhanced.rest("5 h").final_state["left"]
    cyc = enhanced.cycle("0.1 mA/cm2", "1 h", "5 h").final_state["left"]
    assert cyc - L0 > 1.5 * (rest - L0)


def _overpotential(var_pts=20, rtol=1e-6):
    v = _values("modified")
    out = solve_current(
        v, "modified", [ScheduleSegment(0, 4 * 3600, 1.0, 3600.0)], var_pts=var_pts, rtol=rtol
    )
    return out["Voltage [V]"][out["Time [s]"] < 3600][-1]


def test_converges_under_mesh_refinement():
    coarse, mid, fine = (_overpotential(n) for n in (5, 10, 40))
    assert abs(mid - fine) < abs(coarse - fine)
    assert abs(mid - fine) < 1e-5 * 1e3  # < 0.01 mV at 10 cells


def test_converges_under_time_step_refinement():
    loose, tight = _overpotential(rtol=1e-4), _overpotential(rtol=1e-8)
    assert abs(_overpotential() - tight) < 1e-5  # default tolerance within 0.01 mV
    assert abs(loose - tight) < 1e-4


# The charge-driven term adds V_f f_ch |i| t / F; the extra thickness slows the time-driven
# (parabolic) growth a little (d/dt of L^2 is fixed), a coupling of order (extra / L) ~ 1e-4 here.
CHARGE_GROWTH_REL = 1e-2


@pytest.mark.parametrize("current_A_m2", [0.0, 2.0, 5.0])
def test_charge_driven_growth_adds_faradaic_thickness(current_A_m2):
    """'interphase growth': 'time and charge' adds fresh-surface growth in proportion to the
    charge passed (none at rest), V_f f_ch q / F on each electrode (Faraday's law)."""
    ps = lu2019()
    values = symmetric_parameter_values(ps, "modified")
    t_end = 20 * 3600.0
    seg = [ScheduleSegment(0.0, t_end, current_A_m2, 3600.0 if current_A_m2 else None)]
    final = {
        growth: solve_current(values, "modified", seg, interphase_growth=growth)["final state"][0]
        for growth in ("time", "time and charge")
    }
    v_f = ps["Modified interphase molar volume [m3.mol-1]"]
    f_ch = ps["Modified interphase fresh-surface charge fraction [-]"]
    expected = v_f * f_ch * current_A_m2 * t_end / F
    extra = final["time and charge"] - final["time"]
    if current_A_m2 == 0.0:
        assert extra == 0.0
    else:
        assert extra == pytest.approx(expected, rel=CHARGE_GROWTH_REL)
