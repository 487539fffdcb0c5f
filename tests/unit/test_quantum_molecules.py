"""solidna.quantum: molecules, levels, the results cache and the MD analysis (fast, no DFT)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from solidna.errors import InvalidOptionError, OutOfRangeError
from solidna.quantum.cache import ResultsCache, cache_dir, cache_key
from solidna.quantum.levels import LEVELS, MD_LEVELS, Level, get_level, get_md_settings
from solidna.quantum.md import (
    BOND_BREAK_FACTOR,
    Trajectory,
    analyse,
    na_cluster,
    place_adsorbate,
    summarise,
)
from solidna.quantum.molecules import (
    KNOWN_MOLECULES,
    check_charge_multiplicity,
    from_smiles,
    molecule,
    na_complex,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLIDNA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOLIDNA_NO_CACHE", raising=False)


# -- molecules ----------------------------------------------------------------------------------
def test_every_table_entry_builds_and_binds_na() -> None:
    for name, entry in KNOWN_MOLECULES.items():
        mol = molecule(name)
        assert mol.n_atoms > 1 and mol.coordinating_atom is not None, name
        complex_ = na_complex(mol)
        assert complex_.charge == mol.charge + 1, name
        assert complex_.symbols[-1] == "Na" and complex_.na_index == mol.n_atoms, name
        assert entry.smiles  # a SMILES for every name


def test_names_are_case_insensitive_and_take_aliases() -> None:
    assert molecule("fec").name == "FEC"
    assert molecule("TFSI").name == "TFSI-" and molecule("TFSI").charge == -1
    assert molecule("perchlorate").formula == "ClO4"


def test_names_are_looked_up_before_smiles() -> None:
    # "PC" is also valid SMILES (P-C); the table wins
    assert molecule("PC").formula == "C4H6O3"


def test_smiles_input_and_deterministic_geometry() -> None:
    a = molecule("O=C1OCC(F)O1")
    b = molecule("O=C1OCC(F)O1")
    assert a.formula == "C3H3FO3"
    np.testing.assert_array_equal(a.coordinates_A, b.coordinates_A)


def test_na_placed_on_carbonyl_oxygen_and_nitrile_nitrogen() -> None:
    fec = molecule("FEC")
    c = na_complex(fec)
    o = c.coordinating_atom
    assert c.symbols[o] == "O"
    carbon = [j for i, j in fec.bonds if i == o] + [i for i, j in fec.bonds if j == o]
    assert [fec.symbols[k] for k in carbon] == ["C"]  # the carbonyl O has one neighbour
    d = np.linalg.norm(c.coordinates_A[-1] - c.coordinates_A[o])
    assert d == pytest.approx(2.25)
    # Na+ on the C=O axis, beyond O
    co = c.coordinates_A[o] - c.coordinates_A[carbon[0]]
    ona = c.coordinates_A[-1] - c.coordinates_A[o]
    assert np.dot(co, ona) / np.linalg.norm(co) / np.linalg.norm(ona) == pytest.approx(1.0)
    sn = na_complex(molecule("SN"))
    assert sn.symbols[sn.coordinating_atom] == "N"


def test_complex_of_complex_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match="already a Na\\+ complex"):
        na_complex(na_complex(molecule("EC")))


def test_unknown_name_lists_closest_matches() -> None:
    with pytest.raises(
        InvalidOptionError, match=r"Unknown molecule name 'FECX'.*Closest names: FEC"
    ):
        molecule("FECX")
    with pytest.raises(InvalidOptionError, match=r"Closest names: .*DEGDME"):
        molecule("DEGDM")


def test_invalid_smiles_is_reported_as_such() -> None:
    with pytest.raises(InvalidOptionError, match=r"Invalid SMILES 'C1CC\(': RDKit cannot parse"):
        molecule("C1CC(")
    with pytest.raises(InvalidOptionError, match="Invalid SMILES"):
        from_smiles("O=C1OCC(F)O")  # unclosed ring


def test_charge_and_multiplicity_defaults() -> None:
    assert molecule("ClO4-").charge == -1 and molecule("ClO4-").multiplicity == 1
    radical = molecule("FEC", charge=-1)
    assert radical.multiplicity == 2 and radical.n_electrons == 55


@pytest.mark.parametrize(
    ("charge", "multiplicity", "match"),
    [
        (0, 2, r"54 electrons, which cannot have multiplicity 2.*1, 3, 5"),
        (-1, 1, r"55 electrons, which cannot have multiplicity 1.*2, 4, 6"),
        (0, 0, "multiplicity must be 2S\\+1 >= 1"),
        (54, 1, r"charge \+54 leaves 0 electrons.*largest possible charge is \+53"),
        (0, 57, "cannot have multiplicity 57"),
    ],
)
def test_impossible_charge_or_multiplicity(charge: int, multiplicity: int, match: str) -> None:
    with pytest.raises(OutOfRangeError, match=match):
        molecule("FEC", charge=charge, multiplicity=multiplicity)


def test_check_charge_multiplicity_counts_electrons() -> None:
    assert check_charge_multiplicity(["Na"], 1, 1) == 10
    with pytest.raises(OutOfRangeError, match="must be an integer"):
        check_charge_multiplicity(["Na"], 0.5, 1)  # type: ignore[arg-type]


def test_rigid_motions_keep_internal_geometry() -> None:
    fec = molecule("FEC")
    theta = 0.7
    rot = np.array(
        [[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]]
    )
    moved = fec.translated([1.0, -2.0, 3.0]).rotated(rot)

    def distances(m):
        x = m.coordinates_A
        return np.linalg.norm(x[:, None] - x[None], axis=2)

    np.testing.assert_allclose(distances(moved), distances(fec), atol=1e-10)
    with pytest.raises(InvalidOptionError, match="orthogonal"):
        fec.rotated(np.ones((3, 3)))


# -- levels -------------------------------------------------------------------------------------
def test_levels_state_their_settings() -> None:
    assert get_level("paper").basis == "6-311+G(d,p)"
    assert "IEF-PCM(eps=78.4)" in get_level("fast").label
    assert "gas phase" in LEVELS["test"].label
    assert get_md_settings("fast").n_steps == 500
    assert MD_LEVELS["fast"].electronic_temperature_K > 300


def test_unknown_level_suggests_closest() -> None:
    with pytest.raises(InvalidOptionError, match="Did you mean 'paper'"):
        get_level("papper")


def test_level_refuses_inconsistent_settings() -> None:
    with pytest.raises(OutOfRangeError, match="permittivity above 1"):
        Level(name="bad", epsilon=0.5)
    with pytest.raises(InvalidOptionError, match="opt_basis"):
        Level(name="bad", optimizer="xtb+dft")
    with pytest.raises(InvalidOptionError, match="Unknown solvent model"):
        Level(name="bad", solvent="COSMO-RS")


# -- cache --------------------------------------------------------------------------------------
def test_cache_dir_is_outside_the_repository(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("SOLIDNA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "solidna"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path("~/.cache/solidna").expanduser()
    assert REPO not in cache_dir().parents


def test_cache_round_trip_marks_the_source(tmp_path) -> None:
    store = ResultsCache(tmp_path)
    payload = {"molecule": "FEC", "level": LEVELS["fast"].as_dict()}
    assert store.get("orbitals", payload) is None
    store.put("orbitals", payload, {"lumo_eV": -0.5, "source": "computed"})
    hit = store.get("orbitals", payload)
    assert hit["lumo_eV"] == -0.5 and hit["source"] == "cache"
    entry = json.loads(Path(hit["cache_file"]).read_text())
    assert entry["key"]["versions"]["pyscf"]  # package versions are part of the key
    assert entry["value"].get("source") is None  # a stored value never claims to be fresh


def test_cache_key_changes_with_level_and_molecule() -> None:
    a, _ = cache_key("orbitals", {"m": "FEC", "level": LEVELS["fast"].as_dict()})
    b, _ = cache_key("orbitals", {"m": "FEC", "level": LEVELS["paper"].as_dict()})
    c, _ = cache_key("orbitals", {"m": "EC", "level": LEVELS["fast"].as_dict()})
    assert len({a, b, c}) == 3


def test_no_cache_reads_nothing_but_stores(tmp_path, monkeypatch) -> None:
    payload = {"m": "FEC"}
    ResultsCache(tmp_path).put("orbitals", payload, {"x": 1})
    assert ResultsCache(tmp_path, read=False).get("orbitals", payload) is None
    from solidna.quantum.cache import reading_enabled

    monkeypatch.setenv("SOLIDNA_NO_CACHE", "1")
    assert not reading_enabled()


# -- MD helpers ---------------------------------------------------------------------------------
def test_na_cluster_is_a_truncated_pyramid() -> None:
    cluster = na_cluster(3, 2)
    assert len(cluster) == 9 + 4
    z = cluster.get_positions()[:, 2]
    assert np.isclose(z.max(), 0.0) and len(set(np.round(z, 6))) == 2
    d = np.linalg.norm(cluster.get_positions()[:, None] - cluster.get_positions()[None], axis=2)
    nearest = np.sort(d, axis=1)[:, 1]
    assert nearest.min() == pytest.approx(4.29 * np.sqrt(3) / 2)  # bcc nearest neighbour


def test_adsorbate_placed_at_contact_distance_f_down() -> None:
    fec = molecule("FEC")
    system = place_adsorbate(na_cluster(3, 2), fec, 2.5, azimuth_rad=0.3)
    pos = system.get_positions()
    mol, metal = pos[: fec.n_atoms], pos[fec.n_atoms :]
    closest = np.min(np.linalg.norm(mol[:, None] - metal[None], axis=2))
    assert closest == pytest.approx(2.5, abs=1e-6)
    f = fec.symbols.index("F")
    heavy = [i for i, s in enumerate(fec.symbols) if s != "H"]
    assert mol[f, 2] < mol[heavy, 2].mean()  # F points towards the metal


def _synthetic(break_at: float | None, persist: bool = True) -> Trajectory:
    # Two bonds: a ring C-O (index 0-1) and a C-F (1-2); lengths in A every 0.5 fs.
    t = np.arange(0, 100.5, 0.5)
    co = np.full_like(t, 1.40)
    cf = np.full_like(t, 1.38)
    if break_at is not None:
        co[t >= break_at] = 1.40 * (BOND_BREAK_FACTOR + 0.1)
        if not persist:
            co[t >= break_at + 4] = 1.40
        cf[t >= break_at + 20] = 3.0
    return Trajectory(
        adsorbate="X", seed=1, settings={}, symbols=["O", "C", "F", "Na"], n_adsorbate=3,
        bonds=[[0, 1], [1, 2]], ring_bonds=[[0, 1]], times_fs=t.tolist(),
        bond_lengths_A=np.c_[co, cf].tolist(), na_f_A=(4.0 - 0.02 * t).tolist(),
        potential_eV=[0.0] * len(t), kinetic_eV=[0.0] * len(t), frame_times_fs=[], frames_A=[],
        scf_retries=0, versions={}, computed_at="", wall_time_s=0.0,
    )  # fmt: skip


def test_bond_breaking_needs_the_threshold_for_the_persistence_time() -> None:
    ev = analyse(_synthetic(30.0))
    assert ev.ring_opening_fs == 30.0 and ev.cf_cleavage_fs == 50.0
    assert ev.ring_bond == "O0-C1"
    assert ev.na_f_at_80fs_A == pytest.approx(4.0 - 1.6)
    brief = analyse(_synthetic(30.0, persist=False))  # 4 fs excursion: a vibration, not a break
    assert brief.ring_opening_fs is None


def test_median_over_seeds_treats_unobserved_as_later() -> None:
    trajs = [_synthetic(30.0), _synthetic(40.0), _synthetic(None)]
    for seed, tr in enumerate(trajs, start=1):
        tr.seed = seed
    summary = summarise(trajs)
    assert summary.ring_opening_fs == 40.0  # median of 30, 40, inf
    assert "seed 3: not observed" in summary.per_seed_text("ring_opening_fs")
    assert summarise([_synthetic(None), _synthetic(None), _synthetic(30.0)]).ring_opening_fs is None


def test_screen_progress_never_goes_backwards(monkeypatch):
    """Fractions passed to progress rise monotonically from 0 to 1, also through the steps
    inside each orbital computation and past a failed molecule."""
    from types import SimpleNamespace

    from solidna.errors import ConvergenceError
    from solidna.quantum import screen as screen_module

    calls = {"n": 0}

    def fake_orbitals(mol, level, cache=None, message=None):
        calls["n"] += 1
        for step in ("geometry", "SCF", "orbitals"):
            message(f"{mol.name}: {step}")
        if mol.name.startswith("VC") and "Na" in mol.name:
            raise ConvergenceError("SCF did not converge")
        return SimpleNamespace(lumo_eV=-1.0, homo_eV=-7.0, provenance="test")

    monkeypatch.setattr(screen_module, "frontier_orbitals", fake_orbitals)
    monkeypatch.setattr(
        screen_module, "na_complex", lambda mol: SimpleNamespace(name=f"{mol.name}-Na+")
    )
    seen: list[tuple[str, float | None]] = []
    result = screen_module.screen(
        ["FEC", "VC", "EC"], "test", cache=False, progress=lambda m, f: seen.append((m, f))
    )
    fractions = [f for _, f in seen if f is not None]
    assert calls["n"] == 6
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(b >= a for a, b in zip(fractions, fractions[1:], strict=False))
    assert any(f is None for _, f in seen)  # inner steps report only a message
    assert [f["molecule"] for f in result.failures] == ["VC"]


def test_na_can_be_placed_at_every_candidate_site() -> None:
    from solidna.quantum.molecules import candidate_sites

    fec = molecule("FEC")
    for site, kind in candidate_sites(fec):
        cplx = na_complex(fec, site=site)
        distance = np.linalg.norm(cplx.coordinates_A[-1] - cplx.coordinates_A[site])
        assert distance == pytest.approx(2.25)  # the O and F contact distance
        assert cplx.coordinating_atom == site and kind in ("carbonyl O", "ether O", "F")
    assert na_complex(fec).name == "FEC-Na+"  # the default site keeps the plain name
    with pytest.raises(InvalidOptionError, match="not an atom index"):
        na_complex(fec, site=99)
