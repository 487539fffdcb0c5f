"""NVP half-cell: parameters from the formula, protocols, bad inputs, results and the CLI."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from solidna import lu2019
from solidna.cells.nvp import NVPCell, theoretical_capacity_mAh_g
from solidna.errors import InvalidOptionError, OutOfRangeError, UnitError
from solidna.models import nvp as model
from solidna.protocols.nvp import GalvanostaticCycling, RateTest, check_window, parse_c_rate

# 117.6 mAh/g is quoted to 0.1 mAh/g (physics brief section 4; Jian 2012).
THEORETICAL_CAPACITY_ABS = 0.05
# c_max ~ 1.38e4 mol/m3 is quoted to three figures (physics brief section 4).
CMAX_REL = 0.01


def test_theoretical_capacity_from_the_formula():
    assert theoretical_capacity_mAh_g() == pytest.approx(117.6, abs=THEORETICAL_CAPACITY_ABS)


def test_maximum_concentration_from_density():
    assert model.maximum_concentration_mol_m3(lu2019()) == pytest.approx(1.38e4, rel=CMAX_REL)


def test_ocp_has_a_plateau_near_3p4_V_and_is_monotonic():
    cell = NVPCell()
    x = np.linspace(0.001, 0.999, 999)
    u = cell.open_circuit_potential(x)
    assert np.all(np.diff(u) < 0)  # discharging (x up) lowers the potential
    assert cell.open_circuit_potential(0.5) == pytest.approx(3.40, abs=1e-6)
    plateau = u[(x > 0.15) & (x < 0.85)]
    assert plateau.max() - plateau.min() < 0.05  # two-phase: flat over most of the range


@pytest.mark.parametrize("bad", [0, -1, "-2 C"])
def test_non_positive_c_rate_is_refused(bad):
    with pytest.raises(OutOfRangeError, match="C-rate must be > 0"):
        parse_c_rate(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_c_rate_that_is_not_finite_is_called_so(bad):
    # NaN was reported as "must be > 0"
    with pytest.raises(OutOfRangeError, match="is not a finite number"):
        parse_c_rate(bad)


def test_c_rate_text():
    assert parse_c_rate("2 C") == 2.0
    assert parse_c_rate("0.1C") == 0.1
    with pytest.raises(UnitError, match="not understood"):
        parse_c_rate("fast")


def test_cell_refuses_zero_c_rate():
    with pytest.raises(OutOfRangeError, match=r"got 0\b"):
        NVPCell().cycle(c_rate=0, cycles=1)


def test_upper_cutoff_above_sse_stability_is_refused():
    with pytest.raises(OutOfRangeError, match=r"4.86 V.*Fig. S13"):
        NVPCell().cycle(1, 1, upper_cutoff="4.9 V")
    with pytest.raises(OutOfRangeError, match="stability"):
        check_window("2.5 V", "4.86 V", 4.86)


def test_window_must_be_positive_and_non_empty():
    with pytest.raises(OutOfRangeError, match="at or below 0 V"):
        check_window("0 V", "3.8 V", 4.86)
    with pytest.raises(OutOfRangeError, match="not below upper_cutoff"):
        check_window("3.8 V", "2.5 V", 4.86)
    with pytest.raises(UnitError):
        check_window("2.5 A", "3.8 V", 4.86)


def test_unknown_anode_is_refused_with_the_choices():
    with pytest.raises(InvalidOptionError, match="Unknown anode type 'modifed'.*modified"):
        NVPCell("modifed")
    assert NVPCell("M-Na").anode == "modified"
    assert NVPCell("na").anode == "pristine"


def test_protocol_counts_and_errors():
    assert len(GalvanostaticCycling(1, 3).half_cycles()) == 6
    rt = RateTest((0.1, 2), 2)
    assert [h.c_rate for h in rt.half_cycles()][::2] == [0.1, 0.1, 2, 2]
    with pytest.raises(OutOfRangeError, match="cycles must be"):
        GalvanostaticCycling(1, 0)
    with pytest.raises(OutOfRangeError, match="C-rate must be > 0"):
        RateTest((0.1, 0))


@pytest.fixture(scope="module")
def small_rate_test():
    return NVPCell().rate_test(c_rates=(0.1, 2), cycles_per_rate=1)


def test_result_tables_and_summary(small_rate_test, tmp_path):
    r = small_rate_test
    assert r.status == "completed"
    assert list(r.cycles().index) == [1, 2]
    assert {"Time [h]", "Current density [mA.cm-2]", "Voltage [V]", "Cycle"} <= set(r.timeseries)
    assert r.capacity_at(0.1) > r.capacity_at(2)
    with pytest.raises(OutOfRangeError, match="No cycles at 1 C"):
        r.capacity_at(1)
    out = r.save(tmp_path / "run")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed"
    assert len(summary["cycles"]["Discharge capacity [mAh.g-1]"]) == 2
    assert (out / "capacity.png").exists() and (out / "timeseries.csv").exists()


def test_cli_simulate_nvp(tmp_path):
    from solidna.cli import app

    runner = CliRunner()
    out = tmp_path / "nvp"
    res = runner.invoke(
        app,
        [
            "simulate",
            "nvp",
            "--protocol",
            "rate",
            "--c-rates",
            "0.1,2",
            "--cycles-per-rate",
            "1",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (out / "summary.json").exists()
    bad = runner.invoke(
        app, ["simulate", "nvp", "--upper-cutoff", "5 V", "--out", str(tmp_path / "x")]
    )
    assert bad.exit_code == 2
    assert "4.86" in bad.output
    bad = runner.invoke(app, ["simulate", "nvp", "--c-rate", "0", "--out", str(tmp_path / "y")])
    assert bad.exit_code == 2 and "C-rate must be > 0" in bad.output
