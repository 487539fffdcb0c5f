"""Round trips in the units users' files carry: simulate -> write a plain CSV with the units in
its headers (mA, mV, min, uA, Ohm) or a BioLogic-like ``.mpt`` twin -> ``analyze`` with the
electrode area in cm2 (and the mass in mg) -> the quantities that made the data.

The other round-trip files use a 1 cm2 cell, where a lost or doubled area factor cannot show;
here the areas are 0.785 cm2 (a 10-mm disc) and 1.13 cm2 (a 12-mm disc), so every A <-> A/m2 and
Ohm <-> Ohm.m2 conversion of the chain is tested. The CSV twins are written by the tests (column
names as in ``solidna.analysis.io``'s documented examples, no third-party file); the ``.mpt`` twin
is :func:`solidna.analysis.io.write_mpt` (EC-Lab's text layout, the reader's own convention).

What is compared, and why the tolerances are what they are:

* symmetric cycling and NVP / Na-CO2 capacities: the analysis reads the model's own samples and
  applies the same definitions, so only the text rounding of the file is left (``REL``);
* EIS: the series resistance against the bulk resistance from the parameters within three of the
  fit's standard errors; the one-arc circuit's R1 between R_f + R_ct (the merged film and
  charge-transfer arcs, see tests/physics/test_drt_round_trips.py) and that plus R_D (it takes in
  part of the small diffusion arc, which that circuit has no element for); DRT peaks as in
  test_drt_round_trips.py (issue 15: tau within 10 %, resistance within 5 %);
* CV: the model fit's exchange current of a noise-free record (``CV_REL``).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import constants
from typer.testing import CliRunner

import solidna.analysis.io as sio
from solidna import NaCO2Cell, NVPCell, SymmetricCell, cli, lu2019
from solidna.analysis.pipeline import analyze
from solidna.models.interphase import VACUUM_PERMITTIVITY
from solidna.models.nvp import active_mass_kg_m2
from solidna.models.solve import symmetric_parameter_values

#: A 10-mm disc [cm2] and a 12-mm disc [cm2]: areas that are not 1, so a lost area factor shows.
DISC_10MM_CM2 = 0.785
DISC_12MM_CM2 = 1.13
#: The file holds the model's samples (the CSV twins with pandas' 17 significant digits, the .mpt
#: twin with write_mpt's 10) and the analysis applies the model's own definitions: only that
#: rounding and the unit conversions are left; 1e-6 leaves a margin of 1e4 over 10 digits and
#: still catches any lost factor, offset or missed sample.
REL = 1e-6
#: The model fit of a noise-free CV recovers i0 with a relative standard error below 1e-5; 1 %
#: allows for the ODE solver's tolerance on another platform and is 5x tighter than the
#: project's 5 % round-trip acceptance.
CV_REL = 0.01
#: Issue 15 (tests/physics/test_drt_round_trips.py): DRT peaks at the model's time constants
#: within 10 % and their resistances within 5 %.
TAU_RTOL, AREA_RTOL = 0.10, 0.05
#: Standard errors within which a fitted value must hold the true one (3 sigma: 99.7 %).
N_SIGMA = 3.0


def _symmetric_csv(ts: pd.DataFrame, path, area_cm2: float) -> None:
    """A cycler's CSV: time in s, potential in mV, current in mA (not a density)."""
    pd.DataFrame(
        {
            "time/s": ts["Time [h]"] * 3600,
            "Ewe/mV": ts["Voltage [V]"] * 1e3,
            "I/mA": ts["Current density [mA.cm-2]"] * area_cm2,
        }
    ).to_csv(path, index=False)


@pytest.fixture(scope="module")
def symmetric_run():
    return SymmetricCell().cycle("0.5 mA/cm2", "1 h", "20 h")


@pytest.mark.parametrize("twin", ["csv", "mpt without area", "mpt with area"])
def test_symmetric_cycling_in_ma_with_area_in_cm2(symmetric_run, twin, tmp_path):
    """Per-cycle overpotentials, cycle count, current density and half-cycle time of the
    simulation come back from a file in mA with the area given in cm2 (or in the .mpt header)."""
    ts = symmetric_run.timeseries
    own = symmetric_run.cycles()
    area = {"area": f"{DISC_10MM_CM2} cm2"}
    if twin == "csv":
        path = tmp_path / "sym.csv"
        _symmetric_csv(ts, path, DISC_10MM_CM2)
    else:
        frame = pd.DataFrame(
            {
                sio.TIME: ts["Time [h]"].to_numpy() * 3600,
                sio.VOLTAGE: ts["Voltage [V]"].to_numpy(),
                sio.CURRENT: ts["Current density [mA.cm-2]"].to_numpy() * DISC_10MM_CM2 * 1e-3,
            }
        )
        header_area = DISC_10MM_CM2 * 1e-4 if twin == "mpt with area" else None
        m = sio.Measurement(frame, "timeseries", "csv", tmp_path / "x", area_m2=header_area)
        path = sio.write_mpt(m, tmp_path / "sym.mpt")
        if header_area is not None:
            area = {}
    summary = analyze([path], "symmetric", tmp_path / "out", **area)
    result = summary["results"][path.name]
    table = pd.read_csv(tmp_path / "out" / "tables" / f"{path.stem}.cycles.csv", index_col=0)
    assert result["cycles"] == len(own) == 10
    assert list(table.index) == list(own.index)
    assert result["current density [mA.cm-2]"] == pytest.approx(0.5, rel=REL)
    assert result["half cycle [h]"] == pytest.approx(1.0, rel=REL)
    for column in (
        "Overpotential [mV]",
        "Stripping overpotential [mV]",
        "Plating overpotential [mV]",
    ):
        np.testing.assert_allclose(table[column], own[column], rtol=REL, err_msg=column)


def test_symmetric_cycling_from_the_command_line_with_area_in_cm2(symmetric_run, tmp_path):
    """``solidna analyze FILE --kind symmetric --area "0.785 cm2"`` on a file in mA."""
    path = tmp_path / "sym.csv"
    _symmetric_csv(symmetric_run.timeseries, path, DISC_10MM_CM2)
    out = tmp_path / "out"
    args = ["analyze", str(path), "--kind", "symmetric", "--area", f"{DISC_10MM_CM2} cm2"]
    ran = CliRunner().invoke(cli.app, [*args, "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    result = json.loads((out / "summary.json").read_text())["results"]["sym.csv"]
    own = symmetric_run.cycles()["Overpotential [mV]"]
    assert result["current density [mA.cm-2]"] == pytest.approx(0.5, rel=REL)
    assert result["overpotential, first cycle [mV]"] == pytest.approx(own.iloc[0], rel=REL)
    assert result["overpotential, last cycle [mV]"] == pytest.approx(own.iloc[-1], rel=REL)


def _constants(cell: SymmetricCell) -> dict[str, float]:
    """Resistances [Ohm.m2] and time constants [s] of the fresh cell from its parameters (the
    definitions of tests/physics/test_drt_round_trips.py, at the initial state)."""
    st = cell.initial_state
    v = symmetric_parameter_values(cell.parameters, cell.anode, (st["left"], st["right"]))
    p = "Modified" if cell.anode == "modified" else "Pristine"
    T = v["Temperature [K]"]
    F, R = constants.physical_constants["Faraday constant"][0], constants.R
    r_f = v[f"{p} interphase resistivity [Ohm.m]"] * st["left"]
    c_f = v[f"{p} interphase relative permittivity [-]"] * VACUUM_PERMITTIVITY / st["left"]
    r_ct = R * T / (F * v[f"{p} exchange-current density [A.m-2]"])
    l_sse, d = v["SSE thickness [m]"], v["Salt diffusivity [m2.s-1]"]
    t_plus, c0 = v["Cation transference number [-]"], v["Salt concentration [mol.m-3]"]
    return {
        # the fresh pristine cell has no degraded SSE layer yet: the bulk is L / kappa
        "R_b": l_sse / v["SSE conductivity [S.m-1]"],
        "R_f": 2 * r_f,
        "tau_f": r_f * c_f,
        "R_ct": 2 * r_ct,
        "tau_ct": r_ct * v["Double-layer capacitance [F.m-2]"],
        "R_D": 2 * R * T * (1 - t_plus) ** 2 * l_sse / (F**2 * d * c0),
        "tau_D": l_sse**2 / (math.pi**2 * d),
    }


def _eis_csv(cell: SymmetricCell, path, area_cm2: float) -> None:
    """An impedance CSV in Ohm (of the cell, not area-specific): f, Z', -Z''."""
    spec = cell.eis("1 MHz", "0.1 mHz", 10).timeseries
    pd.DataFrame(
        {
            "Frequency [Hz]": spec["Frequency [Hz]"],
            "Z' [Ohm]": spec["Z_re [Ohm.cm2]"] / area_cm2,
            "-Z'' [Ohm]": -spec["Z_im [Ohm.cm2]"] / area_cm2,
        }
    ).to_csv(path, index=False)


def _peak_near(peaks: dict, tau: float) -> tuple[float, float]:
    taus = np.asarray(peaks["tau [s]"])
    k = int(np.argmin(np.abs(np.log(taus / tau))))
    return float(taus[k]), float(peaks["R [Ohm.m2]"][k])


@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_eis_in_ohm_with_area_recovers_resistances_and_drt_time_constants(anode, tmp_path):
    cell = SymmetricCell(anode)
    true = _constants(cell)
    path = tmp_path / f"eis_{anode}.csv"
    _eis_csv(cell, path, DISC_10MM_CM2)
    summary = analyze([path], "eis", tmp_path / "out", area=f"{DISC_10MM_CM2} cm2", drt=True)
    row = summary["results"]["files"][path.name]
    assert row["Rs [Ohm]"] == pytest.approx(row["R0 [Ohm.m2]"] / (DISC_10MM_CM2 * 1e-4), rel=REL)
    if anode == "modified":
        # Rs against the bulk resistance, within the fit's own uncertainty
        assert abs(row["R0 [Ohm.m2]"] - true["R_b"]) <= N_SIGMA * row["R0 std [Ohm.m2]"]
        # one arc (film and charge transfer, tau 1.4x apart) plus part of the 2 % diffusion arc
        low = true["R_f"] + true["R_ct"]
        assert low <= row["R1 [Ohm.m2]"] <= low + true["R_D"]
        expected = [("tau_f", true["R_f"] + true["R_ct"]), ("tau_D", true["R_D"])]
    else:
        # two arcs 2.2 decades apart: the one-arc circuit's fit is flagged as unreliable (its Rs
        # is 8 % low, 3 of its standard errors: they assume the circuit is right), and the
        # DRT resolves both arcs (the two-arc circuit: the slow test below)
        assert any("poor R0-p(R1,CPE1) fit" in n for n in summary["notes"])
        expected = [("tau_f", true["R_f"]), ("tau_ct", true["R_ct"])]
    drt = summary["results"]["DRT"][path.name]
    assert drt["R_inf [Ohm.m2]"] == pytest.approx(true["R_b"], rel=AREA_RTOL)
    for tau_name, resistance in expected:
        tau, r = _peak_near(drt["peaks"], true[tau_name])
        assert tau == pytest.approx(true[tau_name], rel=TAU_RTOL), tau_name
        assert r == pytest.approx(resistance, rel=AREA_RTOL), tau_name


@pytest.mark.parametrize(
    ("anode", "i0_A_m2"), [("modified", 8.0), ("pristine", None)], ids=["modified", "pristine"]
)
def test_cv_in_ma_with_area_recovers_exchange_current(anode, i0_A_m2, tmp_path):
    key = f"{anode.capitalize()} exchange-current density [A.m-2]"
    ps = lu2019() if i0_A_m2 is None else lu2019().updated({key: i0_A_m2})
    i0 = ps[key]
    cv = SymmetricCell(anode, ps).cv().timeseries
    path = tmp_path / "cv.csv"
    pd.DataFrame(
        {
            "Time [s]": cv["Time [s]"],
            "Ewe [mV]": cv["Voltage [V]"] * 1e3,
            "I [mA]": cv["Current density [mA.cm-2]"] * DISC_10MM_CM2,
        }
    ).to_csv(path, index=False)
    summary = analyze([path], "cv", tmp_path / "out", area=f"{DISC_10MM_CM2} cm2", anode=anode)
    fitted = summary["results"]["cv.csv"]["model fit"]
    assert fitted["determined"]
    assert fitted["exchange current density [mA.cm-2]"] * 10 == pytest.approx(i0, rel=CV_REL)


def test_nvp_in_ma_and_minutes_with_mass_and_area(tmp_path):
    """Capacities per cycle (mA.h/g and mA.h/cm2) and coulombic efficiency from a file in mA
    with the time in minutes, the current positive on charge (the cycler's sign)."""
    cell = NVPCell(anode="M-Na")
    res = cell.cycle(c_rate=1, cycles=3)
    ts = res.timeseries
    loading_mg_cm2 = active_mass_kg_m2(cell.parameters) * 1e6 / 1e4
    path = tmp_path / "nvp.csv"
    pd.DataFrame(
        {
            "Time [min]": ts["Time [h]"] * 60,
            "Voltage [V]": ts["Voltage [V]"],
            "Current [mA]": -ts["Current density [mA.cm-2]"] * DISC_12MM_CM2,
        }
    ).to_csv(path, index=False)
    mass = f"{loading_mg_cm2 * DISC_12MM_CM2} mg"
    summary = analyze([path], "nvp", tmp_path / "out", mass=mass, area=f"{DISC_12MM_CM2} cm2")
    table = pd.read_csv(tmp_path / "out" / "tables" / "nvp.cycles.csv", index_col=0)
    own = res.cycles()
    assert list(table.index) == list(own.index) == [1, 2, 3]
    for measured, model, scale in (
        ("Specific discharge capacity [mA.h.g-1]", "Discharge capacity [mAh.g-1]", 1.0),
        ("Specific charge capacity [mA.h.g-1]", "Charge capacity [mAh.g-1]", 1.0),
        ("Areal discharge capacity [mA.h.cm-2]", "Discharge capacity [mAh.g-1]", 1e-3),
        ("Coulombic efficiency [%]", "Coulombic efficiency [-]", 100.0),
    ):
        factor = scale * (loading_mg_cm2 if "Areal" in measured else 1.0)
        np.testing.assert_allclose(table[measured], own[model] * factor, rtol=REL, err_msg=measured)
    result = summary["results"]["nvp.csv"]
    assert result["mean coulombic efficiency [%]"] == pytest.approx(
        100 * own["Coulombic efficiency [-]"].mean(), rel=REL
    )
    # 1 C passes the theoretical capacity in one hour
    assert result["specific current [mA.g-1]"] == pytest.approx(
        cell.theoretical_capacity_mAh_g, rel=1e-3
    )


def test_na_co2_in_microamps_with_mass(tmp_path):
    """Per-gram capacities, voltages and the specific current from a file in uA with the mass
    in mg (the current positive on charge)."""
    mass_mg = 0.7
    res = NaCO2Cell(anode="M-Na").cycle(current="200 mA/g", capacity="1000 mAh/g", cycles=3)
    ts = res.timeseries
    path = tmp_path / "na_co2.csv"
    pd.DataFrame(
        {
            "Time [h]": ts["Time [h]"],
            "Voltage [V]": ts["Voltage [V]"],
            # mA/g * mg = uA
            "Current [uA]": -ts["Current [mA.g-1]"] * mass_mg,
        }
    ).to_csv(path, index=False)
    summary = analyze([path], "na-co2", tmp_path / "out", mass=f"{mass_mg} mg")
    table = pd.read_csv(tmp_path / "out" / "tables" / "na_co2.cycles.csv", index_col=0)
    own = res.cycles()
    assert list(table.index) == list(own.index) == [1, 2, 3]
    for measured, model in (
        ("Specific discharge capacity [mA.h.g-1]", "Discharge capacity [mAh.g-1]"),
        ("Specific charge capacity [mA.h.g-1]", "Charge capacity [mAh.g-1]"),
        ("Median discharge voltage [V]", "Median discharge voltage [V]"),
        ("Charge-discharge gap [V]", "Gap [V]"),
    ):
        np.testing.assert_allclose(table[measured], own[model], rtol=REL, err_msg=measured)
    np.testing.assert_allclose(table["Coulombic efficiency [%]"], 100.0, rtol=REL)
    assert summary["results"]["na_co2.csv"]["specific current [mA.g-1]"] == pytest.approx(
        200.0, rel=REL
    )


@pytest.mark.slow
def test_eis_two_arc_circuit_recovers_pristine_film_and_charge_transfer(tmp_path):
    """The pristine cell's two arcs with the circuit the poor-fit note proposes (2-5 min: the
    multi-start fit of seven parameters; its fast twin is the DRT of the test above)."""
    cell = SymmetricCell("pristine")
    true = _constants(cell)
    path = tmp_path / "eis.csv"
    _eis_csv(cell, path, DISC_10MM_CM2)
    circuit = "R0-p(R1,CPE1)-p(R2,CPE2)"
    summary = analyze([path], "eis", tmp_path / "out", area=f"{DISC_10MM_CM2} cm2", circuit=circuit)
    row = summary["results"]["files"][path.name]
    assert abs(row["R0 [Ohm.m2]"] - true["R_b"]) <= N_SIGMA * row["R0 std [Ohm.m2]"]
    assert row["R1 [Ohm.m2]"] == pytest.approx(true["R_f"], rel=AREA_RTOL)
    # the charge-transfer arc and the diffusion arc (0.06 % of it) are one element here
    assert true["R_ct"] <= row["R2 [Ohm.m2]"] <= true["R_ct"] + true["R_D"]


#: The spectra of the noisy DRT check: 0.5 % of |Z| (a good potentiostat's accuracy) on each
#: component, eight draws.
NOISE_OF_MODULUS, NOISE_SEEDS = 0.005, range(8)
#: R_inf of the DRT against the bulk resistance: above 60 kHz the film arc adds < 1 % of R_b to
#: Z_re (R_f / (1 + (omega tau_f)^2)), so ~12 points sit on the flat real part, each with noise
#: 0.5 % of |Z| ~ R_b there: their mean knows R_b to ~0.15 %; 2 % is more than 10x that.
R_INF_NOISY_RTOL = 0.02


@pytest.mark.xfail(
    strict=True,
    reason="DRT R_inf is not determined apart from gamma below 1/(2 pi f_max), where an RBF "
    "differs from a series R by (omega tau)^2 once L is fitted: with 0.5 % noise it comes out up "
    "to 8 % below R_b (seed 2; a 9th draw, seed 8: -100 %; the equivalent-circuit R0: within "
    "0.4 %). The determined sum is DRTResult.R_hf, within 0.5 % (test_drt_rinf_s14.py)",
)
def test_drt_r_inf_of_noisy_spectrum_is_the_bulk_resistance():
    from solidna.analysis.drt import fit_drt

    cell = SymmetricCell("modified")
    true = _constants(cell)
    spec = cell.eis("1 MHz", "0.1 Hz", 10).timeseries
    f = spec["Frequency [Hz]"].to_numpy()
    z = (spec["Z_re [Ohm.cm2]"] + 1j * spec["Z_im [Ohm.cm2]"]).to_numpy() * 1e-4
    errors = []
    for seed in NOISE_SEEDS:
        rng = np.random.default_rng(seed)
        noise = rng.normal(size=z.size) + 1j * rng.normal(size=z.size)
        res = fit_drt(f, z + NOISE_OF_MODULUS * np.abs(z) * noise, unit="Ohm.m2", seed=2019)
        errors.append(res.R_inf / true["R_b"] - 1)
    assert max(np.abs(errors)) <= R_INF_NOISY_RTOL, errors
