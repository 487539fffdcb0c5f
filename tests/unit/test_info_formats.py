"""``solidna parameters --format csv|json`` are for scripts: their column names are the ASCII
names of :meth:`ParameterSet.provenance`; the table for people shows the uncertainty as ``± 1 sd``."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from solidna import cli
from solidna.parameters import lu2019

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(cli.app, ["parameters", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csv_and_json_keys_are_the_provenance_columns() -> None:
    expected = ["name", *lu2019().provenance().columns]
    header = next(csv.reader(io.StringIO(_run("--format", "csv"))))
    assert header == expected and all(name.isascii() for name in header)
    records = json.loads(_run("--format", "json"))
    assert list(records[0]) == expected
    fitted = [r for r in records if r["method"] == "fitted" and r["uncertainty"] is not None]
    assert fitted and all(r["uncertainty"] > 0 for r in fitted)


def test_the_table_names_the_uncertainty_as_one_standard_deviation() -> None:
    assert "± 1 sd" in _run()
