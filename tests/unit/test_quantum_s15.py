"""Screening inputs a chemist gives that the paper did not: one molecule under two names, an
element the level's basis lacks, ties in the ranking and a failed molecule in the table.

The ranking and table tests build :class:`ScreenResult` from synthetic orbital energies (no
computation); the CLI test is refused before any computation. Total well under a second plus
the RDKit and PySCF imports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.errors import InvalidOptionError
from solidna.quantum.levels import LEVELS
from solidna.quantum.orbitals import NaShift, OrbitalResult
from solidna.quantum.screen import ScreenResult, parse_molecules

runner = CliRunner()


# every computation in a cache of its own, never the user's (fixture in tests/conftest.py)
pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.mark.parametrize(
    ("given", "names"),
    [
        (["FEC", "O=C1OCC(F)O1"], ("FEC", "O=C1OCC(F)O1")),  # a table name and its own SMILES
        (["EC", "VC", "C1COC(=O)O1"], ("EC", "C1COC(=O)O1")),  # another spelling of EC
        (["N#CCCC#N", "SN"], ("N#CCCC#N", "SN")),  # SMILES first, then the name
    ],
)
def test_the_same_molecule_under_two_names_is_refused(given, names) -> None:
    with pytest.raises(InvalidOptionError, match="same molecule given twice") as info:
        parse_molecules(given)
    message = str(info.value)
    assert all(name in message for name in names), message


def test_stereoisomers_are_different_molecules() -> None:
    # (R)- and (S)-FEC and racemic FEC differ in their canonical SMILES: three molecules
    parsed = parse_molecules(["F[C@H]1COC(=O)O1", "F[C@@H]1COC(=O)O1", "FEC"])
    assert len({m.smiles for m in parsed}) == 3


def test_an_element_outside_the_basis_is_refused_before_computing() -> None:
    # PySCF's 6-31+G(d) (fast level) has no Br; its 3-21G (test level) has
    with pytest.raises(InvalidOptionError, match=r"basis 6-31\+G\(d\) has no Br \(N#CCBr\)"):
        parse_molecules(["AN", "BrCC#N"], level="fast")
    assert [m.name for m in parse_molecules(["BrCC#N"], level="test")] == ["N#CCBr"]
    paper = LEVELS["paper"]
    with pytest.raises(InvalidOptionError, match=r"6-311\+G\(d,p\) has no Br.*6-31\+G\(d\) has"):
        parse_molecules(["BrCC#N"], level=paper)


def test_cli_refuses_an_element_outside_the_basis_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = runner.invoke(
        cli.app, ["screen", "AN", "BrCC#N", "--level", "fast", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    text = result.stderr.replace("\n", " ")
    assert "Error:" in text and "has no Br (N#CCBr)" in text and "Traceback" not in text
    assert "unexpected" not in text  # not reported as a bug of solidna
    assert not out.exists()


def _orbitals(name: str, homo: float, lumo: float, charge: int = 0) -> OrbitalResult:
    return OrbitalResult(
        name=name,
        formula="C3H4O3",
        smiles="O=C1OCCO1",
        charge=charge,
        multiplicity=1,
        homo_eV=homo,
        lumo_eV=lumo,
        total_energy_Eh=-300.0,
        level=LEVELS["test"].as_dict(),
        geometry="synthetic",
        symbols=["C"],
        coordinates_A=[[0.0, 0.0, 0.0]],
        scf={},
        versions={},
        computed_at="2026-01-01T00:00:00+00:00",
        wall_time_s=0.0,
    )


def _shift(name: str, lumo_complex: float) -> NaShift:
    return NaShift(
        free=_orbitals(name, -8.0, 0.5),
        complex=_orbitals(f"{name}-Na+", -9.0, lumo_complex, charge=1),
    )


def test_ties_share_a_rank_and_keep_the_order_given() -> None:
    # A and B agree to 0.3 meV (below the table's 1 meV): same rank, in the order given, and
    # the next molecule is third (competition ranking)
    result = ScreenResult(
        level=LEVELS["test"],
        shifts=[_shift("D", -0.2), _shift("A", -1.0001), _shift("B", -1.0004), _shift("C", -0.5)],
    )
    assert [s.free.name for s in result.ranked()] == ["A", "B", "C", "D"]
    assert result.ranks() == [1, 1, 3, 4]
    table = result.table()
    assert list(table["Molecule"]) == ["A", "B", "C", "D"]
    assert list(table["Rank"]) == [1, 1, 3, 4]
    assert [r["rank"] for r in result.as_dict()["results"]] == [1, 1, 3, 4]


def test_a_failed_molecule_is_named_in_the_table(tmp_path: Path) -> None:
    result = ScreenResult(
        level=LEVELS["test"],
        shifts=[_shift("EC", -1.0)],
        failures=[{"molecule": "TFSI-", "error": "The SCF of TFSI- did not converge."}],
    )
    table = result.table()
    assert list(table["Molecule"]) == ["EC", "TFSI-"]
    failed = table.iloc[1]
    assert failed["Source"] == "failed: The SCF of TFSI- did not converge."
    assert failed.isna()["Rank"] and failed.isna()["LUMO with Na+ [eV]"]
    written = result.save(tmp_path / "out")
    csv = next(p for p in written if p.suffix == ".csv").read_text().splitlines()
    assert csv[1].startswith("1,EC,") and csv[2].startswith(",TFSI-,")


def test_progress_names_the_complex_of_an_anion_as_it_is_named(monkeypatch) -> None:
    # the complex of PF6- is "PF6- + Na+" everywhere (na_complex); the progress said "PF6--Na+"
    from solidna.quantum import screen as screen_module

    def frontier_orbitals(mol, level, **_):
        complex_ = mol.na_index is not None
        return _orbitals(mol.name, -9.0 if complex_ else -8.0, -1.0 if complex_ else 1.0)

    monkeypatch.setattr(screen_module, "frontier_orbitals", frontier_orbitals)
    seen: list[str] = []
    screen_module.screen(["PF6-", "EC"], "test", cache=False, progress=lambda m, f: seen.append(m))
    assert "PF6- + Na+ (1/2)" in seen and "EC-Na+ (2/2)" in seen
    assert not any("PF6--Na+" in m for m in seen)


def test_decision_reasons_say_when_the_lumo_with_na_is_na_s() -> None:
    # FEC-Na+ at the fast level: its LUMO (-0.44 eV) is 70 % on Na (FEC's own lowest acceptor
    # orbital in the complex is at -0.35 eV); the reasons must not call it FEC's
    from solidna.quantum.decision import Candidate

    common = dict(
        formula="C3H3FO3", homo_eV=-8.7, lumo_eV=0.04, lumo_complex_eV=-0.44,
        delta_lumo_eV=-0.48, oxidation_V=7.0, passes_oxidation=True, has_cf=True, cf_seeds=6,
        seeds=8, cf_interval=(0.4, 0.9), cf_median_fs=50.0, source="computed",
    )  # fmt: skip
    on_na = Candidate(name="FEC", lumo_complex_na_share=0.70, **common)
    assert "70% on Na: the bound Na+'s orbital" in on_na.reasons(4.86)
    on_molecule = Candidate(name="FEC", lumo_complex_na_share=0.03, **common)
    assert "% on Na" not in on_molecule.reasons(4.86)
    assert "% on Na" not in Candidate(name="FEC", **common).reasons(4.86)  # not recorded
