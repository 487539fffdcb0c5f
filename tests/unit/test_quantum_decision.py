"""Screening as a decision: the ranking rule, F- release, the oxidation gate, clear errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.errors import InvalidOptionError
from solidna.quantum.cache import ResultsCache
from solidna.quantum.decision import (
    CANDIDATES,
    Candidate,
    DecisionResult,
    anodic_limit_V,
    cached_decision,
    decide,
    has_cf_bond,
    oxidation_potential_V,
)
from solidna.quantum.levels import MD_LEVELS, get_level
from solidna.quantum.molecules import molecule

runner = CliRunner()
#: The smallest MD that runs: Na5 cluster, 10 fs, two seeds.
TINY_MD = MD_LEVELS["test"].replace(duration_fs=10.0, seeds=(1, 2))


# every computation in a cache of its own, never the user's (fixture in tests/conftest.py)
pytestmark = pytest.mark.usefixtures("private_cache")


def _candidate(name: str, cf: int, lumo_na: float, homo: float = -8.5, has_cf=True) -> Candidate:
    ox = oxidation_potential_V(homo)
    return Candidate(
        name=name, formula="", homo_eV=homo, lumo_eV=0.0, lumo_complex_eV=lumo_na,
        delta_lumo_eV=lumo_na, oxidation_V=ox, passes_oxidation=ox >= 4.86, has_cf=has_cf,
        cf_seeds=cf, seeds=8, cf_interval=(0.0, 1.0), cf_median_fs=None, source="computed",
    )  # fmt: skip


def test_at_least_eight_candidates_with_fluorinated_and_plain_ones() -> None:
    assert len(CANDIDATES) >= 8
    mols = [molecule(n) for n in CANDIDATES]
    assert {"FEC", "DFEC", "VC", "EC", "PC", "DMC", "EMC"} <= set(CANDIDATES)
    fluorinated = {m.name for m in mols if has_cf_bond(m)}
    assert fluorinated == {"FEC", "DFEC", "FEMC"}  # FEMC: the fluorinated linear carbonate


def test_a_molecule_without_fluorine_ranks_below_fec_on_f_release() -> None:
    # EC is easier to reduce here (lower LUMO) but cannot release F-: it ranks below FEC
    fec = _candidate("FEC", cf=6, lumo_na=-0.4)
    ec = _candidate("EC", cf=0, lumo_na=-0.9, has_cf=False)
    result = DecisionResult(get_level("test"), TINY_MD, [ec, fec], limit_V=4.86)
    assert [c.name for c in result.ranked()] == ["FEC", "EC"]
    assert result.rank_of("FEC") == 1 and "agrees" in result.summary_text()
    assert "cannot release F-" in ec.reasons(4.86)


def test_oxidation_gate_comes_first_then_release_then_lumo() -> None:
    unstable = _candidate("X", cf=8, lumo_na=-2.0, homo=-6.0)  # E_ox ~ 4.3 V < 4.86 V
    a = _candidate("A", cf=8, lumo_na=-0.2)
    b = _candidate("B", cf=7, lumo_na=-0.6)  # 7/8 and 8/8: the same class, so the LUMO decides
    c = _candidate("C", cf=2, lumo_na=-1.5)  # C-F cleavage in some seeds only
    result = DecisionResult(get_level("test"), TINY_MD, [unstable, c, a, b], limit_V=4.86)
    assert [c.name for c in result.ranked()] == ["B", "A", "C", "X"]
    assert not unstable.passes_oxidation
    assert oxidation_potential_V(-8.0) == pytest.approx(8.0 - 1.73)
    assert anodic_limit_V() == pytest.approx(4.86)  # the lu2019 parameter set (Fig. S13)


def test_decide_runs_and_is_cached(tmp_path) -> None:
    # formyl fluoride (a C-F bond) and formaldehyde (none): the same pipeline as FEC and EC, faster
    names = ["O=CF", "C=O"]
    store = ResultsCache(tmp_path / "c")
    result = decide(names, level="test", md=TINY_MD, cache=store, workers=1)
    by = {c.name: c for c in result.candidates}
    assert by["O=CF"].has_cf and by["O=CF"].seeds == 2
    assert not by["C=O"].has_cf and by["C=O"].release_fraction == 0.0
    assert by["O=CF"].release_fraction >= by["C=O"].release_fraction
    table = result.table()
    assert list(table["Rank"]) == [1, 2] and "Reasons" in table
    again = cached_decision(names, level="test", md=TINY_MD, store=store)
    assert again is not None
    assert [c.name for c in again.ranked()] == [c.name for c in result.ranked()]
    assert cached_decision(names[:1], level="test", md=TINY_MD, store=store) is None
    paths = result.save(tmp_path / "out")
    data = json.loads(paths[1].read_text())
    assert data["table"][0]["Rank"] == 1 and "summary" in data


@pytest.mark.parametrize(
    ("molecules", "level", "message"),
    [
        (["FECX"], "test", "Unknown molecule name 'FECX'"),
        (["C1CC("], "test", "Invalid SMILES"),
        (["FEC"], "papper", "Did you mean 'paper'"),
    ],
)
def test_bad_input_is_a_clear_error(molecules, level, message) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        decide(molecules, level=level, md=TINY_MD, cache=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--decide", "FECX"], "Unknown molecule name 'FECX'"),
        (["--decide", "--md", "fastt"], "Did you mean 'fast'"),
        (["--study", "FEC", "EC"], "--study takes one molecule"),
        (["--study", "--level", "papper"], "Did you mean 'paper'"),
    ],
)
def test_cli_bad_input_is_a_clear_error(tmp_path, args, message) -> None:
    out = tmp_path / "never"
    result = runner.invoke(cli.app, ["screen", *args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr.replace("\n", " ")
    assert not out.exists()


def test_cli_decide_writes_the_ranked_table(tmp_path) -> None:
    out = tmp_path / "decision"
    args = ["screen", "--decide", "O=CF", "C=O", "--level", "test", "--md", "test"]
    result = runner.invoke(cli.app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ranked" in result.stdout and "no C-F" in result.stdout
    for name in ("decision.csv", "decision.json", "decision.png"):
        assert (out / name).exists(), name


@pytest.mark.parametrize(("workers", "env"), [(0, None), (None, "many")])
def test_a_bad_worker_count_is_refused_before_computing(monkeypatch, workers, env) -> None:
    import solidna.quantum.screen as screen_module

    def no_screen(*args, **kwargs):
        raise AssertionError("computed before the worker count was checked")

    monkeypatch.setattr(screen_module, "screen", no_screen)
    if env is not None:
        monkeypatch.setenv("SOLIDNA_WORKERS", env)
    with pytest.raises(InvalidOptionError, match="whole number >= 1"):
        decide(["FEC"], level="test", md=TINY_MD, cache=False, workers=workers)
