"""Round trips through instrument-like files: simulate with known parameters -> write the data as
an instrument would -> ``solidna.analysis.pipeline`` -> recover the parameters (symmetric cycling with a
forecast of held-back data, CV exchange current, EIS Rs/Rct, conductivity and activation energy).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import solidna.analysis.io as sio
from solidna import lu2019
from solidna.analysis.cycling import per_cycle_overpotential
from solidna.analysis.pipeline import analyze
from solidna.cells.symmetric import SymmetricCell

F = 96485.33212
R = 8.314462618
AREA_M2 = 1e-4  # 1 cm2: the files carry currents in A and impedances in Ohm, as instruments do

#: Parameters recovered within 5 % (the project's round-trip acceptance, tests/physics).
ROUND_TRIP_REL = 0.05
#: The fit recovers the interphase parameters of a noisy record within 3 %: with 0.3 mV noise
#: per sample the Laplace standard errors are 0.05 % (resistivity) and 1 % (diffusivity).
FIT_REL = 0.03
#: Share of the held-back cycles inside the 95 % prediction band. With 300 cycles a correct band
#: holds 285 +- 4 of them; 90 % (270) is 4 standard deviations below and fails only when the band
#: is too narrow or biased.
INSIDE_BAND_FRACTION = 0.90
#: Voltage noise of the simulated cycler, V (a typical 16-bit channel on a 5 V range).
NOISE_V = 3e-4
TRAIN_H, HORIZON_H = 400.0, 1000.0


def _as_measurement(ts: pd.DataFrame, path) -> sio.Measurement:
    hours = ts["Time [h]"] if "Time [h]" in ts else ts["Time [s]"] / 3600
    frame = pd.DataFrame(
        {
            sio.TIME: hours.to_numpy() * 3600,
            sio.VOLTAGE: ts["Voltage [V]"].to_numpy(),
            sio.CURRENT: ts["Current density [mA.cm-2]"].to_numpy() * 10 * AREA_M2,
        }
    )
    return sio.Measurement(frame, "timeseries", "csv", path, area_m2=AREA_M2)


def test_symmetric_cycling_fit_and_forecast_of_held_back_data(tmp_path):
    ps = lu2019()
    rho, dsol = (
        "Modified interphase resistivity [Ohm.m]",
        "Modified interphase solvent diffusivity [m2.s-1]",
    )
    truth = {rho: 1.25 * ps[rho], dsol: 0.6 * ps[dsol]}
    ts = SymmetricCell("modified", ps.updated(truth)).cycle("0.1 mA/cm2", "1 h", "1000 h")
    ts = ts.timeseries
    rng = np.random.default_rng(7)
    ts["Voltage [V]"] = ts["Voltage [V]"] + rng.normal(0, NOISE_V, len(ts))
    record = ts[ts["Time [h]"] <= TRAIN_H + 1e-9]
    path = sio.write_mpt(_as_measurement(record, tmp_path / "x"), tmp_path / "mna.mpt")

    summary = analyze(
        [path], "symmetric", tmp_path / "out", forecast=f"{HORIZON_H} h", forecast_samples=6
    )
    fit = summary["results"]["mna.mpt"]["fit"]
    for name, value in truth.items():
        assert fit["parameters"][name]["value"] == pytest.approx(value, rel=FIT_REL)
    assert fit["model runs (fit)"] <= 12  # cheap: a few model calls, not an optimiser's hundreds

    forecast = pd.read_csv(tmp_path / "out" / "tables" / "mna.forecast.csv", index_col=0)
    full = per_cycle_overpotential(
        ts["Time [h]"].to_numpy() * 3600,
        ts["Voltage [V]"].to_numpy(),
        ts["Current density [mA.cm-2]"].to_numpy() * 10,
    )
    held = forecast[forecast["Time [h]"] > TRAIN_H + 1]
    measured = full["Overpotential [mV]"].reindex(held.index)
    inside = (measured >= held["Lower [mV]"]) & (measured <= held["Upper [mV]"])
    assert len(held) == 300
    assert inside.mean() >= INSIDE_BAND_FRACTION
    # and the band is informative: narrower than the growth it forecasts
    growth = held["Overpotential [mV]"].iloc[-1] - forecast["Overpotential [mV]"].iloc[0]
    assert (held["Upper [mV]"] - held["Lower [mV]"]).iloc[-1] < 0.2 * growth


def test_cv_exchange_current_round_trip(tmp_path):
    i0_true = 8.0
    ps = lu2019().updated({"Modified exchange-current density [A.m-2]": i0_true})
    cv = SymmetricCell("modified", ps).cv().timeseries
    path = sio.write_mpt(_as_measurement(cv, tmp_path / "x"), tmp_path / "cv.mpt")
    summary = analyze([path], "cv", tmp_path / "out")
    model = summary["results"]["cv.mpt"]["model fit"]
    assert model["exchange current density [mA.cm-2]"] * 10 == pytest.approx(
        i0_true, rel=ROUND_TRIP_REL
    )
    assert "Butler-Volmer fit" in summary["results"]["cv.mpt"]


def _spectrum_csv(cell: SymmetricCell, path) -> None:
    spec = cell.eis().timeseries
    pd.DataFrame(
        {
            "freq/Hz": spec["Frequency [Hz]"],
            "Re(Z)/Ohm": spec["Z_re [Ohm.cm2]"] / (AREA_M2 * 1e4),
            "-Im(Z)/Ohm": -spec["Z_im [Ohm.cm2]"] / (AREA_M2 * 1e4),
        }
    ).to_csv(path, index=False)


def test_eis_rs_rct_and_conductivity_round_trip(tmp_path):
    from solidna.models.solve import symmetric_parameter_values

    ps = lu2019()
    _spectrum_csv(SymmetricCell("modified", ps), tmp_path / "eis.csv")
    v = symmetric_parameter_values(ps, "modified")
    summary = analyze(
        [tmp_path / "eis.csv"],
        "eis",
        tmp_path / "out",
        area="1 cm2",
        thickness=v["SSE thickness [m]"],
    )
    row = summary["results"]["files"]["eis.csv"]
    rs = v["SSE thickness [m]"] / v["SSE conductivity [S.m-1]"] * 1e4
    r_film = (
        v["Modified interphase resistivity [Ohm.m]"] * v["Initial left interphase thickness [m]"]
    )
    r_ct = R * v["Temperature [K]"] / (F * v["Modified exchange-current density [A.m-2]"])
    assert row["KK max residual [%]"] < 5  # lin-KK reproduces the model spectrum (3.2 %)
    assert row["Rs [Ohm.cm2]"] == pytest.approx(rs, rel=ROUND_TRIP_REL)
    assert row["Rct [Ohm.cm2]"] == pytest.approx(2 * (r_film + r_ct) * 1e4, rel=ROUND_TRIP_REL)
    assert row["Conductivity [S.m-1]"] == pytest.approx(
        v["SSE conductivity [S.m-1]"], rel=ROUND_TRIP_REL
    )


def test_eis_arrhenius_over_temperatures_round_trip(tmp_path):
    from solidna.materials import electrolyte

    ps = lu2019()
    temps = ("10 degC", "25 degC", "40 degC", "55 degC")
    files = []
    for k, temp in enumerate(temps):
        files.append(tmp_path / f"eis_{k}.csv")
        _spectrum_csv(SymmetricCell("modified", ps, temperature=temp), files[-1])
    summary = analyze(
        files,
        "eis",
        tmp_path / "out",
        area="1 cm2",
        thickness=ps["SSE thickness [m]"],
        temperature=list(temps),
    )
    ea = summary["results"]["arrhenius"]["Activation energy [eV]"]
    assert ea == pytest.approx(electrolyte.activation_energy(ps), rel=ROUND_TRIP_REL)
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert any(c["id"] == "fig3g.activation_energy" for c in saved["paper comparison"])
