"""Physics of the three cells at conditions the paper did not use (temperature 0-80 C, SSE
thickness, PVDF-HFP ratio, currents above the limiting one, CO2 pressure, scan rates, C-rates).

What tests/physics/test_*_physics.py check at the paper's conditions is not repeated here; each
test below states its tolerance and why, and each can fail: a limit, a trend with its expected
size, a conservation law, a convergence check or a round trip (the model's impedance against its
own small-current polarisation; the salt depletion time against Sand's equation).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from solidna import lu2019
from solidna.cells.na_co2 import NaCO2Cell
from solidna.cells.nvp import NVPCell
from solidna.cells.symmetric import SymmetricCell
from solidna.errors import OutOfRangeWarning
from solidna.materials import thermo
from solidna.models.na_co2 import na_co2_parameter_values, solve_na_co2
from solidna.models.solve import (
    limiting_current_density_A_m2,
    sand_time_s,
    symmetric_parameter_values,
)
from solidna.protocols.steps import ScheduleSegment

F = 96485.33212
R = 8.314462618

# Growth of the interphases frozen, so that the polarisation after 3 h and the impedance at t = 0
# see the same cell.
_FROZEN = {
    "modified": {"Modified interphase solvent diffusivity [m2.s-1]": 0.0},
    "pristine": {"Pristine interphase chemical growth rate [m.s-1]": 0.0},
}


def _params(anode: str = "modified", **updates: float):
    values = _FROZEN[anode] | updates
    return lu2019().updated(values, method="assumed", source="test")


# ---------------------------------------------------------------------------------------------
# Symmetric cell: limits and the DC-limit round trip
# ---------------------------------------------------------------------------------------------
# The EIS at 1e-5 Hz is within 1e-4 of its DC value for every case below (the slowest process,
# salt diffusion across <= 300 um, has tau <= 600 s). The polarisation at 1e-3 A/m2 departs from
# linear by (i / 2 i0)^2 / 6 < 2e-4 (pristine i0 ~ 1.7e-2 A/m2 at 25 C, higher when warm). The
# measured ratios lie within 1.5e-4 of 1.
DC_ROUND_TRIP_REL = 1e-3


@pytest.mark.parametrize(
    ("anode", "conditions"),
    [
        ("modified", {"temperature": "0 degC"}),
        ("modified", {"temperature": "80 degC"}),
        ("modified", {"sse_thickness": "300 um"}),
        ("modified", {"pvdf_ratio": 1.5}),
        ("pristine", {"temperature": "45 degC"}),
    ],
)
def test_eis_dc_limit_equals_small_current_polarisation(anode, conditions):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)  # 0 and 80 C are outside 10-60 C
        cell = SymmetricCell(anode, _params(anode), **conditions)
    z = cell.eis(f_max="1 kHz", f_min="1e-5 Hz", points_per_decade=1).timeseries
    z_dc = z["Z_re [Ohm.cm2]"].iloc[-1]
    assert abs(z["Z_im [Ohm.cm2]"].iloc[-1]) < 1e-2 * z_dc  # the lowest frequency is DC-like
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)  # below 0.001 mA/cm2 on purpose
        run = cell.cycle("1e-4 mA/cm2", half_cycle="3 h", duration="6 h", jump=False)
    slope = run.overpotential().iloc[0] * 1e-3 / 1e-3 * 1e4  # mV / (A/m2) -> Ohm.cm2
    assert slope == pytest.approx(z_dc, rel=DC_ROUND_TRIP_REL)


def test_rest_gives_zero_voltage_off_paper():
    # open circuit: no current, no overpotential, whatever the temperature or the layer's growth
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)
        for anode, T in (("modified", "80 degC"), ("pristine", "0 degC")):
            run = SymmetricCell(anode, temperature=T, sse_thickness="200 um").rest("10 h")
            assert np.max(np.abs(run.timeseries["Voltage [V]"])) < 1e-9


# ---------------------------------------------------------------------------------------------
# Symmetric cell: trends
# ---------------------------------------------------------------------------------------------
# The first half cycle's overpotential is linear in the SSE thickness with the slope of the bulk
# and the steady diffusion potential, i (1/kappa + 2RT(1 - t+)^2/(F^2 D c0)) (physics brief 3,
# 5), while the salt difference across the SSE, x = (1 - t+) i L/(F D c0), is small: the
# logarithm of the concentration ratio adds x^2/12 relative (1.8e-4 at 0.02 mA/cm2 and 240 um;
# 4.4e-3 at the paper's 0.1 mA/cm2, which is why this test runs at 0.02). The salt profile of the
# thickest SSE settles in L^2/(pi^2 D) ~ 370 s, e^-10 of the 1-h half cycle, and the film is
# frozen: 1e-3 for the slope and for the linear fit's residual.
THICKNESS_SLOPE_REL = 1e-3


def test_overpotential_is_linear_in_sse_thickness_with_the_bulk_and_diffusion_slope():
    thick_um = np.array([30.0, 60.0, 120.0, 240.0])
    eta = []
    for L in thick_um:
        cell = SymmetricCell("modified", _params(), sse_thickness=f"{L} um")
        eta.append(cell.cycle("0.02 mA/cm2", "1 h", "2 h", jump=False).overpotential().iloc[0])
    eta = np.array(eta) * 1e-3  # V
    slope, intercept = np.polyfit(thick_um * 1e-6, eta, 1)
    residual = eta - (slope * thick_um * 1e-6 + intercept)
    assert np.max(np.abs(residual)) < 1e-3 * eta.max()
    v = symmetric_parameter_values(_params(), "modified")
    T, tp = v["Temperature [K]"], v["Cation transference number [-]"]
    per_m = 1 / v["SSE conductivity [S.m-1]"] + 2 * R * T * (1 - tp) ** 2 / (
        F**2 * v["Salt diffusivity [m2.s-1]"] * v["Salt concentration [mol.m-3]"]
    )
    assert slope == pytest.approx(0.2 * per_m, rel=THICKNESS_SLOPE_REL)  # i = 0.2 A/m2


# The model's DC resistance at T against the sum of its parts, each with its own Arrhenius law
# written out here from the parameter set (independently of models.base.arrhenius): bulk L/kappa
# (electrolyte model), films 2 rho(T) L0, charge transfer 2 RT/(F i0(T)), diffusion. The EIS at
# 1e-5 Hz is DC within 1e-4 (above); 1e-3 covers it.
DC_PARTS_REL = 1e-3


@pytest.mark.parametrize("T_C", [0.0, 45.0, 80.0])
def test_dc_resistance_follows_each_arrhenius_law(T_C):
    T = 273.15 + T_C
    ps = _params().updated({"Temperature [K]": T}, method="assumed", source="test")
    v = symmetric_parameter_values(ps, "modified")
    T_ref = v["Reference temperature [K]"]

    def factor(name: str) -> float:
        return math.exp(v[name] / R * (1 / T_ref - 1 / T))

    tp = v["Cation transference number [-]"]
    L = v["SSE thickness [m]"]
    rho = v["Modified interphase resistivity [Ohm.m]"] / factor(
        "Modified interphase resistivity activation energy [J.mol-1]"
    )
    i0 = v["Modified exchange-current density [A.m-2]"] * factor(
        "Modified exchange-current density activation energy [J.mol-1]"
    )
    expected = (
        L / v["SSE conductivity [S.m-1]"]
        + 2 * rho * v["Initial left interphase thickness [m]"]
        + 2 * R * T / (F * i0)
        + 2
        * R
        * T
        * (1 - tp) ** 2
        * L
        / (F**2 * v["Salt diffusivity [m2.s-1]"] * v["Salt concentration [mol.m-3]"])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)
        cell = SymmetricCell("modified", ps)
    z = cell.eis(f_max="1 Hz", f_min="1e-5 Hz", points_per_decade=1).timeseries
    assert z["Z_re [Ohm.cm2]"].iloc[-1] * 1e-4 == pytest.approx(expected, rel=DC_PARTS_REL)


# Convergence off the paper's temperature: pristine Na at 70 C reaches the cycler's 10 V limit
# after 3.34 h (16 h at 25 C). The time of that event moves by < 1e-12 relative between solver
# tolerances 1e-4 and 1e-8 and meshes of 20 and 60 points (the layer grows at a rate independent
# of the solution): 1e-6 accepted.
LIMIT_TIME_REL = 1e-6


def test_time_to_the_voltage_limit_converges_at_70_c():
    from solidna.models.solve import solve_current

    ps = lu2019().updated({"Temperature [K]": 343.15}, method="assumed", source="test")
    v = symmetric_parameter_values(ps, "pristine")
    square_wave = [ScheduleSegment(0, 100 * 3600, 1.0, 3600)]
    times = []
    for rtol, n in ((1e-6, 20), (1e-8, 20), (1e-6, 60), (1e-4, 20)):
        out = solve_current(v, "pristine", square_wave, rtol=rtol, var_pts=n)
        assert "Voltage limit" in out["termination"]
        times.append(out["Time [s]"][-1])
    assert np.ptp(times) < LIMIT_TIME_REL * times[0]
    assert 3600 < times[0] < 16 * 3600  # reached, and sooner than at 25 C


# ---------------------------------------------------------------------------------------------
# Symmetric cell: above the limiting current (salt depletion, Sand's time)
# ---------------------------------------------------------------------------------------------
# Semi-infinite diffusion holds while sqrt(D t_s) << L: at 10 mA/cm2, sqrt(D t_s) = 9 um against
# 60 um. The run stops at 1e-3 c0 instead of 0 (a (1 - 1e-3)^2 change of t_s). With 80 mesh
# points the stop time is 0.05 % from Sand's; with the default 20, 3.6 % (the face value is
# extrapolated from 3-um cells): 1 % and 5 %.
SAND_FINE_REL = 1e-2
SAND_DEFAULT_REL = 5e-2


@pytest.mark.parametrize(("var_pts", "rel"), [(80, SAND_FINE_REL), (20, SAND_DEFAULT_REL)])
def test_salt_depletion_time_is_sands_time(var_pts, rel):
    cell = SymmetricCell(var_pts=var_pts)
    run = cell.cycle("10 mA/cm2", half_cycle="1 h", duration="2 h", jump=False)
    t_stop = run.timeseries["Time [h]"].iloc[-1] * 3600
    values = cell._values(None)
    assert t_stop == pytest.approx(sand_time_s(values, 100.0), rel=rel)
    assert "limiting current" in run.status and "Sand's time" in run.status


def test_limiting_current_separates_steady_runs_from_depleted_ones():
    cell = SymmetricCell()
    i_lim = limiting_current_density_A_m2(cell._values(None)) / 10  # mA/cm2 (3.5)
    below = cell.cycle(f"{0.9 * i_lim} mA/cm2", "1 h", "2 h", jump=False)
    assert below.status == "completed"
    above = cell.cycle(f"{1.2 * i_lim} mA/cm2", "1 h", "2 h", jump=False)
    assert above.status.startswith("voltage limit") and "limiting current" in above.status
    # the paper's 0.1 mA/cm2 and a square wave faster than Sand's time never deplete
    assert cell.cycle(f"{1.5 * i_lim} mA/cm2", "2 s", "20 s", jump=False).status == "completed"


def test_a_current_past_the_limit_at_once_names_the_start_voltage():
    # 30 mA/cm2 across the M-Na cell: at the first instant (no salt gradient yet) the drop is
    # i (R_b + 2 R_f) + 2 (2/f) asinh(i / 2 i0) = 22.9 V, past the 10 V limit; the message
    # states it to its 3 significant digits (0.5 %)
    import re

    from solidna.errors import ConvergenceError

    cell = SymmetricCell()
    with pytest.raises(ConvergenceError, match="first instant") as err:
        cell.cycle("30 mA/cm2", "1 h", "2 h", jump=False)
    v0 = float(re.search(r"\|V\| at the first instant is ([0-9.]+) V", str(err.value))[1])
    v = cell._values(None)
    i, T = 300.0, v["Temperature [K]"]
    expected = (
        i * v["SSE thickness [m]"] / v["SSE conductivity [S.m-1]"]
        + 2
        * i
        * v["Modified interphase resistivity [Ohm.m]"]
        * v["Initial left interphase thickness [m]"]
        + 4 * R * T / F * math.asinh(i / (2 * v["Modified exchange-current density [A.m-2]"]))
    )
    assert v0 == pytest.approx(expected, rel=5e-3)


def test_cv_beyond_the_limiting_current_stops_and_says_why():
    run = SymmetricCell().cv("-5 V", "5 V", "5 mV/s")
    assert run.status.startswith("stopped at") and "limiting current" in run.status
    # the peak current cannot exceed the limiting current by more than its transient excess
    i_lim = limiting_current_density_A_m2(SymmetricCell()._values(None)) / 10
    assert run.timeseries["Current density [mA.cm-2]"].abs().max() < 1.05 * i_lim


def test_fast_cv_warns_that_the_double_layer_is_missing():
    cell = SymmetricCell()
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutOfRangeWarning)
        cell.cv(scan_rate="5 mV/s")  # the paper's sweep: quasi-steady, silent
    with pytest.warns(OutOfRangeWarning, match="double-layer charging"):
        cell.cv(scan_rate="20 V/s")


# ---------------------------------------------------------------------------------------------
# Na-CO2 cell
# ---------------------------------------------------------------------------------------------
# At 0.5 mA/g the median discharge voltage of a 20 mAh/g half cycle sits 0.06 mV below E_eq at
# every pressure (reaction first order in CO2: the kinetic shift there is < 0.01 mV per decade;
# measured 0.4 uV), so differences between pressures are the Nernst term (3RT/4F) ln(p2/p1)
# to 0.02 mV (a wrong stoichiometry, RT/4F or RT/F, would be off by 18 mV or more).
NERNST_ABS_V = 2e-5


def test_low_current_voltage_shifts_with_co2_pressure_by_nernst():
    medians = {}
    for p in (0.25, 1.0, 4.0):
        run = NaCO2Cell(co2_pressure=p).cycle("0.5 mA/g", "20 mAh/g", cycles=1)
        medians[p] = float(run.cycles()["Median discharge voltage [V]"].iloc[0])
    T = lu2019()["Temperature [K]"]
    per_decade = 3 * R * T / (4 * F)  # 4 Na + 3 CO2 -> 2 Na2CO3 + C: 3 CO2 per 4 e-
    assert medians[4.0] - medians[1.0] == pytest.approx(per_decade * math.log(4), abs=NERNST_ABS_V)
    assert medians[1.0] - medians[0.25] == pytest.approx(per_decade * math.log(4), abs=NERNST_ABS_V)


# Faraday's law and the CO2 balance as in test_na_co2_physics.py, at 45 C and 3 bar: same
# tolerances (double layer < 1e-4 of the charge; trapezoid of the gas-side flux 1 %).
@pytest.fixture(scope="module")
def warm_pressurised_discharge():
    ps = lu2019().updated(
        {"Temperature [K]": 318.15, "CO2 partial pressure [bar]": 3.0},
        method="assumed",
        source="test",
    )
    v = na_co2_parameter_values(ps, "modified")
    i = 400 * v["MWCNT loading [kg.m-2]"]  # 400 mA/g
    t_end = 800 * 3.6 / 400 * 1000  # 800 mAh/g
    names = (
        "Voltage [V]",
        "Product volume per area [m]",
        "CO2 per area [mol.m-2]",
        "CO2 flux at gas side [mol.m-2.s-1]",
    )
    return v, i, solve_na_co2(v, "modified", [ScheduleSegment(0, t_end, i)], 1.0, 4.86, names)


def test_faraday_and_co2_balance_off_paper(warm_pressurised_discharge):
    v, i, out = warm_pressurised_discharge
    t = out["Time [s]"]
    assert out["termination"] == "final time"  # the 800 mAh/g were passed
    q = i * t[-1]
    expected = thermo.product_molar_volume_m3_mol(v) * q / F
    assert out["Product volume per area [m]"][-1] == pytest.approx(expected, rel=1e-3)
    inflow = -np.trapezoid(out["CO2 flux at gas side [mol.m-2.s-1]"], t)
    stored = out["CO2 per area [mol.m-2]"][-1] - out["CO2 per area [mol.m-2]"][0]
    assert inflow - stored == pytest.approx(0.75 * q / F, rel=1e-2)


# The reported discharge capacity is the current times the time to the cut-off (the time series
# is sampled densely near the cut-off: 2000 points per run).
CAPACITY_REL = 1e-3


def test_capacity_is_current_times_time_to_cutoff_off_paper():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)
        cell = NaCO2Cell(temperature="5 degC", co2_pressure=2.0)
    run = cell.discharge("300 mA/g", "1.8 V")
    t_h = run.timeseries["Time [h]"].iloc[-1]
    assert run.discharge_capacity() == pytest.approx(300 * t_h, rel=CAPACITY_REL)
    assert run.status == "cut-off 1.8 V reached"


def test_capacity_falls_with_rate_and_rises_with_pressure_off_paper():
    cell = NaCO2Cell(temperature="45 degC")
    caps = [cell.discharge(f"{r} mA/g").discharge_capacity() for r in (100, 250, 600)]
    assert caps[0] > caps[1] > caps[2] > 0, caps
    # more dissolved CO2 (Henry) feeds the reaction deeper into the cathode
    by_p = [NaCO2Cell(co2_pressure=p).discharge("200 mA/g").discharge_capacity() for p in (2, 8)]
    assert by_p[1] > by_p[0] > caps[-1], by_p


# Mesh convergence: at the paper's 1 bar and 200 mA/g doubling the default mesh changes the
# capacity by 0.26 % (0.5 % accepted) and the cell is silent; at 0.1 bar the product front is
# thin, the default mesh is 10 % off a doubled one, and the cell warns (with the mesh to use).
def test_na_co2_mesh_convergence_and_its_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutOfRangeWarning)
        coarse = NaCO2Cell().discharge("200 mA/g").discharge_capacity()
    fine = NaCO2Cell(var_pts=40).discharge("200 mA/g").discharge_capacity()
    assert coarse == pytest.approx(fine, rel=5e-3)
    with pytest.warns(OutOfRangeWarning, match="var_pts="):
        low_p = NaCO2Cell(co2_pressure=0.1).discharge("200 mA/g").discharge_capacity()
    low_p_fine = NaCO2Cell(co2_pressure=0.1, var_pts=40).discharge("200 mA/g")
    assert low_p < 0.95 * low_p_fine.discharge_capacity()  # the warning is warranted


def test_cutoffs_must_bracket_the_nernst_open_circuit_voltage():
    from solidna.errors import OutOfRangeError

    cell = NaCO2Cell(co2_pressure=5.0)  # E_eq 2.377 V
    with pytest.raises(OutOfRangeError, match="discharge cut-off .2.4 V. is at or above"):
        cell.cycle("200 mA/g", "100 mAh/g", cycles=1, discharge_cutoff="2.4 V")
    with pytest.raises(OutOfRangeError, match="charge cut-off .2.35 V. is at or below"):
        cell.cycle("200 mA/g", "100 mAh/g", cycles=1, charge_cutoff="2.35 V")
    with pytest.raises(OutOfRangeError, match="2.377 V"):
        cell.discharge("200 mA/g", "2.38 V")


def test_co2_pressure_outside_a_decade_of_the_paper_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutOfRangeWarning)
        NaCO2Cell(co2_pressure=1.0)
        NaCO2Cell(co2_pressure=5.0)
    for p in (0.05, 20.0):
        with pytest.warns(OutOfRangeWarning, match=f"{p:g} bar"):
            NaCO2Cell(co2_pressure=p)


# ---------------------------------------------------------------------------------------------
# NVP half-cell
# ---------------------------------------------------------------------------------------------
# Sodium balance at 45 C with a 100-um SSE and 0.5 C: the sodium the cathode gains (plus what is
# locked in lost NVP) equals the charge passed over F, and the salt in the electrolyte stays what
# it was; the solver conserves the discretised inventory to about its rtol (1e-6), the
# tolerance of tests/physics/test_nvp_physics.py (1e-4) is kept.
SODIUM_BALANCE_REL = 1e-4


def test_nvp_sodium_balance_off_paper():
    from solidna.models import nvp as model

    ps = lu2019().updated(
        {"Temperature [K]": 318.15, "SSE thickness [m]": 100e-6}, method="assumed", source="test"
    )
    values = model.half_cell_parameter_values(ps, "modified")
    solver = model.HalfCellSolver(values, "modified")
    i1c = values["Nominal cell capacity [A.h]"]
    steps = [
        model.CurrentStep(-0.5 * i1c, 6 * 3600, 2.5, 3.8, "charge", 1),
        model.CurrentStep(0.5 * i1c, 6 * 3600, 2.5, 3.8, "discharge", 1),
    ]
    records, status = solver.run(steps)
    assert status == "completed" and all(r.termination == "cut-off" for r in records)
    n0 = values["Initial concentration in positive electrode [mol.m-3]"] * (
        values["Positive electrode active material volume fraction"]
        * values["Positive electrode thickness [m]"]
        * values["Electrode area [m2]"]
    )
    passed = sum(np.sign(r.step.current_A) * r.capacity_Ah * 3600 for r in records) / F
    end = records[-1].end_state
    inventory = end["sodium in the cathode [mol]"] + end["sodium lost with active material [mol]"]
    assert inventory - n0 == pytest.approx(
        passed, rel=SODIUM_BALANCE_REL, abs=SODIUM_BALANCE_REL * n0
    )
    salt = records[0].end_state["sodium in the electrolyte [mol]"]
    assert end["sodium in the electrolyte [mol]"] == pytest.approx(salt, rel=SODIUM_BALANCE_REL)


def test_nvp_capacity_falls_with_rate_and_with_sse_thickness_when_warm():
    caps = {}
    for L in ("30 um", "600 um"):
        run = NVPCell(temperature="45 degC", sse_thickness=L).rate_test(
            c_rates=(0.2, 1.0, 2.0), cycles_per_rate=1
        )
        caps[L] = run.cycles()["Discharge capacity [mAh.g-1]"].to_numpy()
        assert caps[L][0] > caps[L][1] > caps[L][2] > 0, caps
        assert caps[L][0] <= run.theoretical_capacity_mAh_g
    # a thicker SSE adds ohmic drop: less capacity at every rate, the more the faster
    loss = caps["30 um"] - caps["600 um"]
    assert np.all(loss > 0) and loss[2] > loss[0], loss


# A fading half-cell inserts no more sodium than it gave up in the same cycle: after the first
# cycle (which starts from the fresh, not quite full NVP) the coulombic efficiency stays <= 1. The
# resolved cycles of a 1000-cycle run at 2 C keep it (<= 0.9996). The skipped cycles of a jumped
# run once got their CE from charge and discharge capacities interpolated (PCHIP) separately, each
# within the jump tolerance (0.5 %), and it reached 1.0024 in 193 of them; now the discharge
# capacity and the CE are interpolated and the charge capacity is their ratio
# (solidna.cells.nvp._fill_skipped), so a skipped cycle's CE stays within that of the resolved
# cycles around it.
def test_nvp_coulombic_efficiency_never_exceeds_one_after_the_first_cycle():
    table = NVPCell().cycle(2, 1000).cycles()
    resolved = table[~table["Interpolated"]].iloc[1:]
    skipped = table[table["Interpolated"]]
    assert len(skipped) > 100  # the run did jump
    assert resolved["Coulombic efficiency [-]"].max() <= 1.0  # the model itself keeps it
    assert table["Coulombic efficiency [-]"].iloc[1:].max() <= 1.0
    ce = skipped["Coulombic efficiency [-]"]
    assert ce.max() <= resolved["Coulombic efficiency [-]"].max()
    # the table stays consistent: CE = discharge / charge, and no skipped cycle gives back more
    # charge than it took
    q_c, q_d = skipped["Charge capacity [mAh.g-1]"], skipped["Discharge capacity [mAh.g-1]"]
    np.testing.assert_allclose(q_d / q_c, ce, rtol=1e-12)
    assert (q_c >= q_d).all()
