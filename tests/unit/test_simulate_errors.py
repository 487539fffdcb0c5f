"""Bad input to the symmetric-cell API and CLI gives clear, tested errors."""

import warnings

import pytest
from typer.testing import CliRunner

from solidna.cells.symmetric import SymmetricCell
from solidna.cli import app
from solidna.errors import InvalidOptionError, OutOfRangeError, OutOfRangeWarning, UnitError


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
    assert "positive" in res.output


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
