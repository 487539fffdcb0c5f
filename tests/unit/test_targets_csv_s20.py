"""`solidna targets --format csv|json` is "for programs": its tolerances must be numbers there,
not only the "±10 %" text made for people (session 20)."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from solidna import cli
from solidna.targets import load_targets


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli.app, ["targets", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_tolerances_are_numbers() -> None:
    rows = {row["id"]: row for row in json.loads(_run("--format", "json"))}
    for target in load_targets():
        row = rows[target.id]
        tol = target.tol or {}
        assert row["tol_rel"] == (float(tol["rel"]) if "rel" in tol else None), target.id
        assert row["tol_abs"] == (float(tol["abs"]) if "abs" in tol else None), target.id
        assert isinstance(row["tol"], str)  # the text for people is kept


def test_csv_tolerances_read_back_as_floats() -> None:
    rows = list(csv.DictReader(io.StringIO(_run("--format", "csv", "--only", "fig3f"))))
    assert rows and all(float(row["tol_rel"]) > 0 for row in rows)
    assert all(row["tol_abs"] == "" for row in rows)  # fig3f's tolerances are relative only


def test_table_is_unchanged_by_the_number_columns() -> None:
    assert "tol_rel" not in _run("--only", "fig3f")
