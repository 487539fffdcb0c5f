"""Bad input to the symmetric-cell API and CLI gives clear, tested errors."""

import warnings

import pytest
from typer.testing import CliRunner

from solidna.cells.symmetric import SymmetricCell
from solidna.cli import app
from solidna.errors import (
    ConvergenceError,
    InvalidOptionError,
    OutOfRangeError,
    OutOfRangeWarning,
    UnitError,
)


def test_unknown_anode_type():
    with pytest.raises(
        InvalidOptionError, match="Unknown anode type 'modfied'.*Did you mean 'modified'"
    ):
        SymmetricCell("modfied")


def test_anode_aliases():
    assert SymmetricCell("M-Na").anode == "modified"
    assert SymmetricCell("Na").anode == "pristine"


def test_temperature_at_melting_point_is_refused():
    with pytest.raises(OutOfRangeError, match="105"):
        SymmetricCell(temperature="105 degC")


def test_temperature_outside_validated_range_warns():
    with pytest.warns(OutOfRangeWarning):
        SymmetricCell(temperature="80 degC")


def test_unparseable_units():
    with pytest.raises(UnitError, match="cannot parse"):
        SymmetricCell(temperature="twenty-five degrees")
    with pytest.raises(UnitError, match="SSE thickness"):
        SymmetricCell(sse_thickness="60 bananas")


def test_negative_sse_thickness():
    with pytest.raises(OutOfRangeError, match="SSE thickness"):
        SymmetricCell(sse_thickness="-60 um")


def test_in_range_cell_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SymmetricCell(temperature="25 degC")


runner = CliRunner()


def test_cli_negative_current_density(tmp_path):
    res = runner.invoke(
        app,
        ["simulate", "symmetric", "--current-density", "-0.1 mA/cm2", "--out", str(tmp_path / "o")],
    )
    assert res.exit_code == 2
    assert "--current-density: '-0.1 mA/cm2' must be greater than zero" in res.output
    assert "Traceback" not in res.output


def test_cli_existing_nonempty_out_without_force(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    res = runner.invoke(app, ["simulate", "symmetric", "--duration", "2 h", "--out", str(out)])
    assert res.exit_code == 2
    assert "not empty" in res.output and "--force" in res.output
    assert (out / "mine.txt").read_text() == "keep me"


def test_cli_simulate_symmetric_writes_contract_files(tmp_path):
    out = tmp_path / "o"
    res = runner.invoke(
        app,
        ["simulate", "symmetric", "--duration", "4 h", "--half-cycle", "1 h", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    import json

    import pandas as pd

    ts = pd.read_csv(out / "timeseries.csv")
    assert list(ts.columns) == ["Time [h]", "Current density [mA.cm-2]", "Voltage [V]"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed"
    assert len(summary["cycles"]["overpotential [mV]"]) == 2
    assert (out / "voltage.png").exists()


def test_cli_temperature_above_melting_point(tmp_path):
    res = runner.invoke(
        app, ["simulate", "cv", "--temperature", "110 degC", "--out", str(tmp_path / "o")]
    )
    assert res.exit_code == 2
    assert "melting" in res.output.lower()


@pytest.mark.parametrize(
    "v_min, v_max, name", [("-12 V", "0.5 V", "v_min"), ("-0.5 V", "11 V", "v_max")]
)
def test_cv_vertex_beyond_voltage_limit_is_refused(v_min, v_max, name):
    # the cycler stops at its 10 V limit: a sweep beyond it cannot be run as asked
    with pytest.raises(OutOfRangeError, match=rf"{name} = .* beyond the cycler's voltage limit"):
        SymmetricCell().cv(v_min, v_max)


def test_nvp_cell_refuses_a_mesh_option():
    from solidna.cells import NVPCell

    with pytest.raises(InvalidOptionError, match="var_pts=10 is not an option"):
        NVPCell(var_pts=10)


def test_cells_share_one_setup():
    from solidna.cells import Cell, NaCO2Cell, NVPCell

    for kind in (SymmetricCell, NaCO2Cell, NVPCell):
        cell = kind("M-Na", temperature="40 degC", sse_thickness="80 um")
        assert isinstance(cell, Cell)
        assert cell.anode == "modified"
        assert cell.parameters["Temperature [K]"] == pytest.approx(313.15)
        assert cell.parameters["SSE thickness [m]"] == pytest.approx(80e-6)
        assert cell.parameters.entry("SSE thickness [m]").source == "user"
        assert repr(cell).startswith(f"{kind.__name__}(anode='modified'")


def test_bare_numbers_are_si_and_warn_outside_the_typical_range():
    # a bare number is SI: 25 is 25 K, 60 is 60 m - the warning spells that reading out
    with pytest.warns(
        OutOfRangeWarning, match=r"temperature = 25 is read as 25 K .*pass '25 degC'"
    ):
        SymmetricCell(temperature=25)
    with pytest.warns(OutOfRangeWarning, match=r"SSE thickness = 60 is read as 60 m"):
        SymmetricCell(sse_thickness=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cell = SymmetricCell(temperature=298.15, sse_thickness=60e-6)  # SI within range: silent
    assert cell.parameters["SSE thickness [m]"] == pytest.approx(60e-6)


def test_a_failed_save_leaves_nothing_behind(tmp_path, monkeypatch):
    result = SymmetricCell().rest("1 h")
    out = tmp_path / "run"

    def broken_plot():
        raise RuntimeError("plot failed")

    monkeypatch.setattr(result, "plot", broken_plot)
    with pytest.raises(RuntimeError, match="plot failed"):
        result.save(out)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert result.save(out) == out  # the corrected rerun needs no force
    assert sorted(p.name for p in out.iterdir()) == [
        "summary.json",
        "timeseries.csv",
        "voltage.png",
    ]


@pytest.mark.parametrize("duration", ["2 h", "400 h"])  # a full solve and a cycle-jumped run
def test_a_current_past_the_limit_at_once_is_named(duration):
    # 50 mA/cm2 puts the cell past its 10 V limit at t = 0: not a numerical failure
    with pytest.raises(ConvergenceError, match=r"past its limit .* as soon as the current flows"):
        SymmetricCell().cycle(current_density="50 mA/cm2", duration=duration)


@pytest.mark.parametrize("cycles", [2, 300])  # a full run and a cycle-jumped run
def test_an_nvp_rate_past_the_window_at_once_stops_with_its_cause(cycles):
    # at 20 C the drop alone spans the 2.5-3.8 V window from the first instant: a stop with its
    # cause, as at 12 C (where the first step lasts an instant), not the solver's raw text
    from solidna.cells.nvp import NVPCell
    from solidna.protocols import GalvanostaticCycling

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)
        result = NVPCell().run(GalvanostaticCycling(c_rate="20 C", cycles=cycles))
    assert result.status.startswith("stopped at step 1 (charge, cycle 1)")
    assert "from the fresh cell: the C-rate is too high" in result.status


def test_an_nvp_window_that_excludes_the_fresh_cell_is_named_as_such():
    # a 3.5-3.8 V window starts the charge below its lower cut-off: not a C-rate too high
    from solidna.cells.nvp import NVPCell
    from solidna.protocols import GalvanostaticCycling

    protocol = GalvanostaticCycling(c_rate="1 C", cycles=2, lower_cutoff="3.5 V")
    status = NVPCell().run(protocol).status
    assert "from the fresh cell: its voltage lies outside the window; check the cut-offs" in status


def test_a_na_co2_current_past_the_limit_at_once_is_named_in_a_long_run():
    from solidna.cells.na_co2 import NaCO2Cell

    with pytest.raises(ConvergenceError, match=r"past its limit .* as soon as the current flows"):
        NaCO2Cell().cycle(current="50000 mA/g", cycles=100)


def test_cv_shows_no_solver_deprecation_warning():
    # CasADi is used on purpose for the voltage-driven DAE (models/solve.py): PyBaMM's
    # deprecation notice is not something a user of cv() can act on
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        result = SymmetricCell().cv("-0.5 V", "0.5 V", "5 mV/s", 1)
    assert result.status == "completed"
