"""Follow-ups of the off-paper audit of the cells (tests/physics/test_off_paper.py):

* a jumped NVP run's skipped cycles: discharge capacity and coulombic efficiency interpolated,
  the charge capacity their ratio (a skipped cycle can no longer give back more than it took);
* a jumped Na-CO2 run's skipped cycles: the gap is that of the interpolated median voltages;
* a CV that stopped early: its exchange current is marked (API, summary, ``simulate cv``);
* ``simulate na-co2 --mesh-points``, named by the cell's mesh warning;
* the Rs/Rct fit of a dense simulated spectrum reads at most 20 frequencies per decade, once.
"""

from __future__ import annotations

import json
import types
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.interpolate import PchipInterpolator
from typer.testing import CliRunner

from solidna import cli
from solidna.cells import nvp
from solidna.cells.na_co2 import NaCO2Cell
from solidna.cells.symmetric import BV_FIT_KEY, EIS_FIT_MAX_POINTS_PER_DECADE, SymmetricCell
from solidna.errors import OutOfRangeWarning, SolidnaWarning

runner = CliRunner()


def run(*args: str):
    return runner.invoke(cli.app, list(args))


# --- NVP: skipped cycles of a jumped run ---------------------------------------------------------
def _nvp_table(resolved: dict[int, tuple[float, float]], n: int) -> tuple[pd.DataFrame, list]:
    """A per-cycle table as nvp._cycle_table makes it: ``resolved`` maps a cycle to its (charge,
    discharge) capacity [mAh/g]; the others are zero until filled."""
    cols = list(nvp._CYCLE_COLUMNS[1:])
    table = pd.DataFrame(0.0, index=pd.Index(range(1, n + 1), name="Cycle"), columns=cols)
    for col in nvp._CYCLE_COLUMNS[5:]:
        table[col] = np.nan
    records = []
    for cycle, (q_c, q_d) in resolved.items():
        table.loc[cycle, ["Charge capacity [mAh.g-1]", "Discharge capacity [mAh.g-1]"]] = q_c, q_d
        table.loc[cycle, "Coulombic efficiency [-]"] = q_d / q_c
        table.loc[cycle, nvp._CYCLE_COLUMNS[5:]] = 1.0, 2.0, 0.9, float(cycle)
        records.append(types.SimpleNamespace(step=types.SimpleNamespace(cycle=cycle)))
    return table, records


def test_nvp_skipped_cycles_interpolate_discharge_and_efficiency():
    # a fade that bends (resolved CE 0.9995-0.9999 < 1): each capacity interpolated on its own
    # within a tolerance far above their difference could cross; the table must not
    resolved = {1: (106.0, 105.9), 2: (105.95, 105.9), 30: (100.0, 99.95), 31: (99.9, 99.86)}
    resolved |= {80: (90.0, 89.991), 81: (89.8, 89.76), 200: (85.0, 84.96)}
    table, records = _nvp_table(resolved, 200)
    out = nvp._fill_skipped(table, records, 200)
    skipped = out[out["Interpolated"]]
    assert len(skipped) == 200 - len(resolved)
    cyc = np.array(sorted(resolved), float)
    q_d = np.array([resolved[c][1] for c in sorted(resolved)])
    ce = q_d / np.array([resolved[c][0] for c in sorted(resolved)])
    at = skipped.index.to_numpy(float)
    np.testing.assert_allclose(
        skipped["Discharge capacity [mAh.g-1]"], PchipInterpolator(cyc, q_d)(at), rtol=1e-12
    )
    np.testing.assert_allclose(
        skipped["Coulombic efficiency [-]"], PchipInterpolator(cyc, ce)(at), rtol=1e-12
    )
    np.testing.assert_allclose(
        skipped["Charge capacity [mAh.g-1]"] * skipped["Coulombic efficiency [-]"],
        skipped["Discharge capacity [mAh.g-1]"],
        rtol=1e-12,
    )
    assert skipped["Coulombic efficiency [-]"].max() <= ce[1:].max()
    # the resolved cycles are kept as they are
    for c, (q_c, q_dc) in resolved.items():
        assert out.loc[c, "Charge capacity [mAh.g-1]"] == q_c
        assert out.loc[c, "Discharge capacity [mAh.g-1]"] == q_dc


def test_nvp_skipped_cycles_of_a_short_jumped_run_keep_ce_below_one():
    table = nvp.NVPCell().cycle(1, 200).cycles()  # Fig. S31's protocol
    skipped, resolved = table[table["Interpolated"]], table[~table["Interpolated"]].iloc[1:]
    assert len(skipped) > 100
    assert skipped["Coulombic efficiency [-]"].max() <= resolved["Coulombic efficiency [-]"].max()
    assert (skipped["Charge capacity [mAh.g-1]"] >= skipped["Discharge capacity [mAh.g-1]"]).all()


# --- Na-CO2: skipped cycles of a jumped run -----------------------------------------------------
def test_na_co2_skipped_cycles_gap_is_that_of_their_median_voltages():
    table = NaCO2Cell().cycle("200 mA/g", "1000 mAh/g", 50, jump=True).cycles()
    skipped = table[table["Interpolated"]]
    assert len(skipped) > 10
    gap = skipped["Median charge voltage [V]"] - skipped["Median discharge voltage [V]"]
    np.testing.assert_allclose(skipped["Gap [V]"], gap, atol=1e-12)
    # capacity-limited cycling: the skipped cycles pass the resolved cycles' charge
    for kind in ("Charge", "Discharge"):
        q = table[f"{kind} capacity [mAh.g-1]"]
        assert q.max() - q.min() < 1e-6


# --- CV stopped early: the exchange current is marked -------------------------------------------
@pytest.fixture(scope="module")
def truncated_cv():
    cv = SymmetricCell("modified").cv("-5 V", "5 V", "5 mV/s")
    assert cv.status.startswith("stopped at")
    return cv


def test_truncated_cv_marks_its_exchange_current(truncated_cv):
    assert not truncated_cv.complete
    note = truncated_cv.truncation_note()
    assert note.startswith("The CV sweep stopped early (stopped at")
    assert "salt transport" in note
    with pytest.warns(SolidnaWarning, match="stopped early"):
        res = truncated_cv.exchange_current("bv-fit", sweep="forward")
    assert res.note.startswith(note)
    summary = truncated_cv.summary()
    assert summary[BV_FIT_KEY] is None
    assert summary["plain Butler-Volmer fit: note"].startswith(note)
    assert "Narrow the vertices" in summary["plain Butler-Volmer fit: note"]


def test_complete_cv_is_not_marked():
    cv = SymmetricCell("modified").cv()
    assert cv.complete and cv.truncation_note() == ""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SolidnaWarning)
        res = cv.exchange_current()
    assert "stopped early" not in res.note
    assert "stopped early" not in json.dumps(cv.summary())


def test_simulate_cv_marks_a_truncated_sweep(tmp_path):
    out = tmp_path / "cv"
    result = run("simulate", "cv", "--v-min", "-5 V", "--v-max", "5 V", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "model-based fit, of the part run, the sweep stopped early" in text
    assert "for comparison: not reported" in text
    assert "The CV sweep stopped early" in text
    assert "stopped early" not in result.stderr  # stated once, in the note, not as a warning too
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"].startswith("stopped at")
    assert summary[BV_FIT_KEY] is None
    assert summary["exchange current method"] == "model-based CV fit of the part of the sweep run"
    assert summary["exchange current note"].startswith("The CV sweep stopped early")
    # the model-based fit solves the same model, salt transport included: the part run gives
    # the exchange current of the complete sweep (1.73 mA/cm2 for M-Na)
    assert summary["exchange current density [mA.cm-2]"] == pytest.approx(1.73, rel=0.01)


# --- simulate na-co2 --mesh-points --------------------------------------------------------------
def test_na_co2_mesh_points_option_default_and_help():
    from typer.main import get_command

    command = get_command(cli.app).commands["simulate"].commands["na-co2"]
    option = next(p for p in command.params if "--mesh-points" in p.opts)
    assert option.default == NaCO2Cell.default_var_pts
    assert "cells across the CO2 cathode" in option.help and "3 to 1000" in option.help


@pytest.mark.parametrize("value", ["2", "1001"])
def test_na_co2_mesh_points_out_of_range_refused(tmp_path, value):
    out = tmp_path / "run"
    result = run("simulate", "na-co2", "--mesh-points", value, "--out", str(out))
    assert result.exit_code == 2, result.output
    text = " ".join(result.stderr.split())
    assert f"--mesh-points: {value} is out of range; give 3 to 1000" in text
    assert "Traceback" not in result.output and not out.exists()


def test_na_co2_mesh_warning_names_the_option_that_silences_it(tmp_path):
    common = ("simulate", "na-co2", "--mode", "discharge", "--co2-pressure", "0.1 bar")
    common += ("--cutoff", "2.0 V")  # a shorter discharge: 419 vs 433 mAh/g at 20 and 40 cells
    coarse = run(*common, "--out", str(tmp_path / "coarse"))
    assert coarse.exit_code == 0, coarse.output
    text = " ".join(coarse.stderr.split())
    assert "Pass var_pts=31 or more to NaCO2Cell" in text
    assert "solidna simulate na-co2 --mesh-points 31" in text
    fine = run(*common, "--mesh-points", "40", "--out", str(tmp_path / "fine"))
    assert fine.exit_code == 0, fine.output
    assert "mesh" not in fine.stderr
    record = json.loads((tmp_path / "fine" / "summary.json").read_text())
    assert record["run"]["options"]["mesh points in the CO2 cathode"] == 40
    q = [
        json.loads((tmp_path / d / "summary.json").read_text())["cycles"][
            "Discharge capacity [mAh.g-1]"
        ][0]
        for d in ("coarse", "fine")
    ]
    assert q[1] > 1.02 * q[0]  # the coarse mesh underestimates (to 1.5 V: 579 vs 648 mAh/g)


def test_na_co2_mesh_warning_in_the_api_names_both():
    with pytest.warns(OutOfRangeWarning, match=r"var_pts=\d+ or more.*--mesh-points \d+"):
        NaCO2Cell(co2_pressure="0.1 bar").discharge("200 mA/g", "2.2 V")


# --- EIS: the Rs/Rct fit of a dense spectrum ----------------------------------------------------
def test_eis_fit_reads_at_most_20_points_per_decade_and_runs_once(monkeypatch):
    cell = SymmetricCell("modified")
    calls = []

    def fake_fit(f, z):
        calls.append(np.asarray(f))
        return {
            "Rs [Ohm.m2]": 1e-3,
            "Rct [Ohm.m2]": 7e-2,
            "Rs std [Ohm.m2]": 1e-5,
            "Rct std [Ohm.m2]": 1e-4,
        }

    monkeypatch.setattr("solidna.analysis.eis.fit_rs_rct", fake_fit)
    sparse = cell.eis(points_per_decade=10)  # Fig. 4e's grid: every frequency
    sparse.summary()
    assert len(calls[-1]) == len(sparse.timeseries) == 71
    assert "fit note" not in sparse.summary()
    dense = cell.eis(points_per_decade=1000)  # 7001 frequencies
    n_calls = len(calls)
    summary = dense.summary()
    f = calls[-1]
    decades = np.log10(f.max() / f.min())
    assert decades == pytest.approx(7) and len(f) <= EIS_FIT_MAX_POINTS_PER_DECADE * 7 + 2
    assert f.min() == dense.timeseries["Frequency [Hz]"].min()  # the lowest frequency kept
    assert summary["fit"] == pytest.approx({"Rs [Ohm.cm2]": 10.0, "Rct [Ohm.cm2]": 700.0})
    assert "fitted to 141 of the 7001 frequencies" in summary["fit note"]
    dense.summary(), dense.fit()
    assert len(calls) == n_calls + 1  # computed once per spectrum
    dense.timeseries = dense.timeseries.iloc[::2].reset_index(drop=True)  # a new spectrum
    dense.fit()
    assert len(calls) == n_calls + 2


def test_eis_fit_of_a_dense_spectrum_equals_that_of_its_20_per_decade_grid():
    cell = SymmetricCell("pristine")
    dense = cell.eis(points_per_decade=40).fit()
    grid = cell.eis(points_per_decade=EIS_FIT_MAX_POINTS_PER_DECADE).fit()
    for key in grid:
        assert dense[key] == pytest.approx(grid[key], rel=1e-9)


def test_na_co2_mesh_warning_beyond_the_finest_mesh_says_so():
    # 0.01 bar and 50 A/g: the reaction length needs more cells than var_pts may have
    with pytest.warns(OutOfRangeWarning, match=r"Even the finest mesh accepted \(var_pts=1000"):
        NaCO2Cell(co2_pressure="0.01 bar")._check_mesh(50000.0)
