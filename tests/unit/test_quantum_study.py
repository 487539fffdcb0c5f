"""The level-of-theory study at the small ``test`` level: design, band, table from the cache."""

from __future__ import annotations

import pytest

from solidna.errors import InvalidOptionError
from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import Level
from solidna.quantum.molecules import candidate_sites, molecule
from solidna.quantum.study import (
    DEFAULT_POINT,
    LOWEST,
    SOLVENTS,
    cached_study,
    run_study,
    study_design,
)

#: A seconds-long study: formyl fluoride (Na+ at the carbonyl O or the F), two functionals, gas
#: phase, 3-21G.
TINY = {
    "name": "O=CF",
    "level": "test",
    "functionals": ("B3LYP", "PBE0"),
    "solvents": ("gas",),
    "large_basis": None,
    "dft_geometry": False,
    "small_basis": "3-21G",
}


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLIDNA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOLIDNA_NO_CACHE", raising=False)


def test_fec_sites_are_every_heteroatom() -> None:
    sites = candidate_sites(molecule("FEC"))
    kinds = dict(sites)
    assert kinds[0] == "carbonyl O" and kinds[5] == "F"
    assert sorted(k for k, v in kinds.items() if v == "ether O") == [2, 6]


def test_design_varies_every_factor_and_holds_the_default_setting() -> None:
    points = study_design([0, 2, 5, 6])
    assert DEFAULT_POINT in points
    assert {p.functional for p in points} == {"B3LYP", "CAM-B3LYP", "PBE0", "M06-2X"}
    assert {p.basis for p in points} == {"6-31+G(d)", "6-311+G(d,p)"}
    assert {p.solvent for p in points} == set(SOLVENTS)
    assert {p.geometry for p in points} == {"GFN2-xTB", "B3LYP/6-31+G(d)"}
    assert {p.site for p in points} == {0, 2, 5, 6, LOWEST}
    assert len(points) == len(set(points))
    # the site tier comes first, so the lowest site is known before it is used
    first_lowest = next(i for i, p in enumerate(points) if p.site == LOWEST)
    assert all(p.site != LOWEST for p in points[:first_lowest])


def test_study_table_is_reproducible_from_the_cache(tmp_path) -> None:
    store = ResultsCache(tmp_path / "study-cache")
    first = run_study(cache=store, **TINY)
    assert first.source == "computed" and not first.failures
    assert len(first.rows) == 3  # B3LYP at both sites, PBE0 at the lowest
    assert sum(r.lowest_site for r in first.rows) == 2
    for r in first.rows:
        assert r.lumo_complex_eV < r.lumo_free_eV  # a bare Na+ in the gas phase lowers the LUMO
        assert r.final_contacts != "none"
    second = run_study(cache=store, **TINY)
    assert second.source == "cache"
    a, b = first.table(), second.table()
    assert list(b["Source"]) == ["cache"] * len(b)
    assert a.drop(columns="Source").equals(b.drop(columns="Source"))
    assert second.lowest_site == first.lowest_site
    # the band of a gas-only study is empty (it counts implicit-solvent settings only)
    with pytest.raises(InvalidOptionError, match="no implicit-solvent point"):
        second.band()
    # reproduce's reader finds it as the latest study of this molecule and level
    latest = cached_study("O=CF", "test", store)
    assert latest is not None and latest.source == "cache" and len(latest.rows) == 3
    paths = second.save(tmp_path / "out")
    assert [p.name for p in paths] == ["study.csv", "study.json", "study.png"]


def test_band_statistics_and_summary() -> None:
    from solidna.quantum.study import StudyResult, StudyRow

    def row(solvent: str, d: float, lowest: bool = True) -> StudyRow:
        return StudyRow(
            "B3LYP",
            "6-31+G(d)",
            solvent,
            "GFN2-xTB",
            "O0 (carbonyl O)",
            0,
            "O0",
            0.0,
            d,
            -9.0,
            -9.5,
            -1.0,
            lowest_site=lowest,
        )

    rows = [
        row("PCM eps=78.4", -0.5),
        row("PCM eps=107", -0.45),
        row("SMD eps=107", -1.1),
        row("gas", -5.0),
        row("PCM eps=107", -0.2, lowest=False),
    ]
    study = StudyResult("FEC", rows, "O0 (carbonyl O)", [])
    band = study.band()
    assert band["n"] == 3 and band["min_eV"] == -1.1 and band["max_eV"] == -0.45
    assert band["median_eV"] == -0.5
    text = study.summary_text(-0.89)
    assert "inside the band" in text and "gas phase -5.00" in text
    assert study.default_row().delta_lumo_eV == -0.5
    assert "gas phase" in study.groups()
    assert "not computed here" in study.design_note()  # an empty design lacks every tier


def test_cached_study_never_computes(tmp_path) -> None:
    assert cached_study(store=ResultsCache(tmp_path / "empty")) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "FECX"}, "Unknown molecule name 'FECX'"),
        ({"name": "C1CC("}, "Invalid SMILES"),
        ({"level": "papper"}, "Did you mean 'paper'"),
        ({"solvents": ("gas", "COSMO-RS")}, "Unknown solvent treatment 'COSMO-RS'"),
        ({"sites": (1,)}, "not heteroatoms"),
        ({"name": "C"}, "no atom that can bind Na"),
        ({"functionals": ()}, "at least one functional"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, message) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        run_study(**({"cache": False} | kwargs))


def test_unsupported_solvent_model_is_a_clear_error() -> None:
    with pytest.raises(InvalidOptionError, match="SMD"):
        Level(name="x", solvent="COSMO-RS")


def test_default_row_is_chosen_by_its_setting_not_by_the_site_label() -> None:
    """The default row is the one computed at DEFAULT_POINT (atom index and all), whatever the
    start site's label reads: a label beginning with 'O0' at another atom is not it."""
    from solidna.quantum.study import StudyResult, StudyRow

    def row(label: str, index: int, d: float) -> StudyRow:
        return StudyRow(
            DEFAULT_POINT.functional,
            DEFAULT_POINT.basis,
            DEFAULT_POINT.solvent,
            DEFAULT_POINT.geometry,
            label,
            index,
            "O0",
            0.0,
            d,
            -9.0,
            -9.5,
            -1.0,
        )

    decoy = row("O0x (a label that looks like atom 0)", 3, -0.3)
    default = row("carbonyl oxygen", DEFAULT_POINT.site, -0.6)
    assert decoy.point != DEFAULT_POINT and default.point == DEFAULT_POINT
    assert StudyResult("FEC", [decoy, default], "", []).default_row() is default
    assert StudyResult("FEC", [decoy], "", []).default_row() is None
