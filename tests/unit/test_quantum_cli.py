"""``solidna screen`` and solidna.quantum.screen at the small ``test`` level (HCN: seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.errors import InvalidOptionError
from solidna.quantum import levels
from solidna.quantum.screen import RANKING, parse_molecules, screen

runner = CliRunner()
HCN = "C#N"  # the smallest nitrile: Na+ binds its N


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLIDNA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOLIDNA_NO_CACHE", raising=False)


def test_screen_writes_table_json_figure_and_marks_sources(tmp_path: Path) -> None:
    out = tmp_path / "screen"
    first = runner.invoke(cli.app, ["screen", HCN, "--level", "test", "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "computed" in first.stdout and "B3LYP/3-21G, gas phase" in first.stdout
    for name in ("screen.csv", "screen.json", "screen.png"):
        assert (out / name).exists(), name
    data = json.loads((out / "screen.json").read_text())
    assert data["ranking"] == RANKING
    row = data["results"][0]
    assert row["source"] == "computed in this run"
    assert row["complex"]["lumo_eV"] < row["free"]["lumo_eV"]
    assert data["level"]["basis"] == "3-21G" and data["run"]["versions"]["pyscf"]
    csv = (out / "screen.csv").read_text().splitlines()
    assert csv[0].startswith("Rank,Molecule,Formula,Charge,HOMO [eV],LUMO [eV]")

    # the same request again: every number is read from the cache, and says so
    again = runner.invoke(cli.app, ["screen", HCN, "--level", "test", "--out", str(out), "--force"])
    assert again.exit_code == 0, again.output
    assert "cache" in again.stdout
    cached = json.loads((out / "screen.json").read_text())["results"][0]
    assert cached["source"].startswith("read from cache (computed ")
    assert cached["delta_lumo_eV"] == pytest.approx(row["delta_lumo_eV"])

    # --no-cache recomputes
    fresh = runner.invoke(
        cli.app, ["screen", HCN, "--level", "test", "--out", str(out), "--force", "--no-cache"]
    )
    assert fresh.exit_code == 0, fresh.output
    recomputed = json.loads((out / "screen.json").read_text())["results"][0]
    assert recomputed["source"] == "computed in this run"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["FECX"], "Unknown molecule name 'FECX'"),
        (["C1CC("], "Invalid SMILES 'C1CC\\('"),
        (["FEC", "--level", "papper"], "Did you mean 'paper'"),
        (["FEC", "fec"], "given more than once: FEC"),
    ],
)
def test_screen_bad_input_is_a_clear_error(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "never"
    result = runner.invoke(cli.app, ["screen", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert "Error:" in result.stderr
    import re

    assert re.search(message, result.stderr.replace("\n", " ")), result.stderr
    assert not out.exists()  # nothing created before the input was understood


def test_screen_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(cli.app, ["screen", HCN, "--level", "test", "--out", str(out)])
    assert result.exit_code == 2 and "--force" in result.stderr


def test_unconverged_scf_is_reported_not_raised(tmp_path: Path, monkeypatch) -> None:
    hopeless = levels.LEVELS["test"].replace(max_cycle=1, conv_tol=1e-14)
    monkeypatch.setitem(levels.LEVELS, "test", hopeless)
    out = tmp_path / "fail"
    result = runner.invoke(cli.app, ["screen", HCN, "--level", "test", "--out", str(out)])
    assert result.exit_code == 1
    text = result.stdout.replace("\n", " ")
    assert "did not converge" in text and "(1) DIIS" in text and "second-order" in text
    assert "Traceback" not in result.output
    failures = json.loads((out / "screen.json").read_text())["failures"]
    assert failures[0]["molecule"] == HCN


def test_parse_molecules_checks_everything_first() -> None:
    with pytest.raises(InvalidOptionError, match="at least one molecule"):
        parse_molecules([])
    assert [m.name for m in parse_molecules(["FEC", "VC"])] == ["FEC", "VC"]


def test_screen_ranks_by_the_lumo_of_the_complex() -> None:
    result = screen([HCN, "CC#N"], level="test", cache=False)
    ranked = result.ranked()
    assert ranked[0].complex.lumo_eV <= ranked[1].complex.lumo_eV
    table = result.table()
    assert list(table["Rank"]) == [1, 2]
    assert table["More reducible with Na+"].all()
