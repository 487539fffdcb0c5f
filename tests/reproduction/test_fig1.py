"""Fig. 1c-d targets (DESIGN section 4).

The run at the default level (what ``solidna reproduce`` does: B3LYP/6-31+G(d)/IEF-PCM orbitals
and 16 GFN2-xTB trajectories, stopped after their events) takes several minutes, so it is marked
``slow``; its faster twin runs the same figure module at the ``test`` level (3-21G, gas phase,
short MD on a Na5 cluster) and checks everything but the paper's numbers: that every target gets a
value or a reason, that each value says where it came from, that a second run reads the cache and
says so, and the figures.
"""

from __future__ import annotations

import pytest
from _targets import assert_every_figure_has_a_caption, paper_marker_lines

from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import MD_LEVELS
from solidna.reproduce import fig1
from solidna.targets import compare, load_targets

TARGETS = [t for t in load_targets(["fig1"]) if t.role in ("calibrate", "validate")]

# Targets the model honestly misses: id -> the reason, with the numbers of the default run
# (strict xfail: if a future version hits them, the test says so). Never loosened.
KNOWN_MISSES: dict[str, str] = {
    "fig1c.lumo_shift_on_na": (
        "B3LYP/6-31+G(d), IEF-PCM (eps 78.4, UFF x 1.1 cavity) on GFN2-xTB geometries lowers the "
        "FEC LUMO by 0.48 eV on Na+ binding (0.04 -> -0.44 eV), not 0.89 eV; the paper's level "
        "and solvent model are not stated, and the shift depends on the Na+ cavity radius (this "
        "test computes the default setting; the report judges the cached level-of-theory band)"
    ),
    "fig1d.na_accelerates": (
        "GFN2-xTB on a Na13 cluster, 8 seeds each: FEC-Na+ does not react significantly sooner "
        "than FEC (one-sided Mann-Whitney U: ring opening p = 0.70, median 40.8 vs 35.5 fs; C-F "
        "cleavage p = 0.90, median 55.8 vs 49 fs)"
    ),
    "fig1d.na_f_distance_80fs": (
        "GFN2-xTB: at 80 fs the F of FEC-Na+ is 0.288 nm (median of 8 seeds, bootstrap 95 % CI "
        "0.222-0.344 nm) from the nearest Na, not 0.18 nm; the paper's value is itself below the "
        "0.193 nm bond of a gas-phase NaF molecule"
    ),
}

#: MD of the fast twin: the test settings, long enough to have a frame at 80 fs.
TWIN_MD = MD_LEVELS["test"].replace(duration_fs=90.0)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLIDNA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOLIDNA_NO_CACHE", raising=False)


# -- the default level (slow) ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def default_run():
    out = fig1.run(cache=False)  # a reproduction test computes; it never reads a cache
    return {r.id: r for r in out.results}, out


@pytest.mark.slow
def test_every_target_has_a_model_value(default_run):
    by_id, _ = default_run
    for t in TARGETS:
        assert by_id[t.id].model is not None, f"{t.id}: {by_id[t.id].note}"
        assert "computed in this run" in by_id[t.id].note or t.id.startswith("fig1d")


@pytest.mark.slow
@pytest.mark.parametrize(
    "target",
    [
        pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[t.id]))
        if t.id in KNOWN_MISSES
        else t
        for t in TARGETS
    ],
    ids=lambda t: t.id,
)
def test_target_within_tolerance(default_run, target):
    by_id, _ = default_run
    model = by_id[target.id].model
    assert compare(target, model), (
        f"{target.id}: paper {target.value}, model {model} ({by_id[target.id].note})"
    )


# -- the fast twin (test level) -------------------------------------------------------------------
@pytest.fixture(scope="module")
def twin(tmp_path_factory):
    store = ResultsCache(tmp_path_factory.mktemp("fig1-cache"))
    first = fig1.run(level="test", md=TWIN_MD, cache=store)
    second = fig1.run(level="test", md=TWIN_MD, cache=store)
    return first, second


def test_twin_gives_every_target_a_value(twin):
    first, _ = twin
    by_id = {r.id: r for r in first.results}
    assert set(by_id) == {t.id for t in TARGETS}
    for t in TARGETS:
        assert by_id[t.id].model is not None, f"{t.id}: {by_id[t.id].note}"
        assert by_id[t.id].note


def test_twin_na_lowers_the_lumo_of_fec(twin):
    first, _ = twin
    by_id = {r.id: r for r in first.results}
    assert by_id["fig1c.fec_na_more_reducible"].model is True
    assert by_id["fig1c.lumo_shift_on_na"].model < 0


def test_twin_says_computed_then_cached(twin):
    first, second = twin
    notes_1 = {r.id: r.note for r in first.results}
    notes_2 = {r.id: r.note for r in second.results}
    assert "computed in this run" in notes_1["fig1c.lumo_shift_on_na"]
    assert "computed in this run" in notes_1["fig1d.fec_ring_opening"]
    assert "read from the results cache" in notes_2["fig1c.lumo_shift_on_na"]
    assert "read from the results cache" in notes_2["fig1d.fec_ring_opening"]
    values_1 = {r.id: r.model for r in first.results}
    values_2 = {r.id: r.model for r in second.results}
    assert values_1 == pytest.approx(values_2)


def test_twin_draws_fig1c_and_fig1d(twin):
    first, _ = twin
    assert set(first.figures) == {"fig1c", "fig1d"}
    assert any("cavity" in n for n in first.notes)
    assert any("meV/atom" in n for n in first.notes)


def test_twin_captions_and_paper_markers(twin):
    first, _ = twin
    assert_every_figure_has_a_caption(first)
    for stem in ("fig1c", "fig1d"):
        assert paper_marker_lines(first.figures[stem]), stem
    # the notes name the misses they explain (linked from the report)
    about = {p for n in first.notes for p in getattr(n, "about", ())}
    assert {"fig1c", "fig1d"} <= about


def test_twin_judges_acceleration_by_the_stated_test_and_gives_naf_context(twin):
    first, _ = twin
    by_id = {r.id: r for r in first.results}
    note = by_id["fig1d.na_accelerates"].note
    assert "one-sided Mann-Whitney U" in note and "p = " in note and "alpha = 0.05" in note
    assert "bootstrap 95 % CI" in by_id["fig1d.fec_cf_cleavage"].note
    naf = [n for n in first.notes if "fig1d.na_f_distance_80fs" in getattr(n, "about", ())]
    assert any("0.1926 nm" in n and "0.2317 nm" in n for n in naf)
    # the test level never reads the default study; the report says that one setting was used
    assert any("one setting only" in n or "level-of-theory band" in n for n in first.notes)


def test_unobserved_event_is_bounded_by_the_full_runs_not_an_early_stopped_one():
    # a seed that stopped early (after its events, at 100 fs) is no bound for the seeds in which
    # the event never came: they ran the full 250 fs
    from types import SimpleNamespace

    _censored_at = fig1._censored_at
    early = SimpleNamespace(cf_cleavage_fs=50.0, duration_fs=100.0)
    full = SimpleNamespace(cf_cleavage_fs=None, duration_fs=250.0)
    summary = SimpleNamespace(events=[early, full, full], duration_fs=100.0)
    assert _censored_at(summary, "cf_cleavage_fs") == 250.0
    assert (
        _censored_at(SimpleNamespace(events=[early], duration_fs=100.0), "cf_cleavage_fs") == 100.0
    )


def test_twin_says_where_the_complex_lumo_lies(twin):
    # at the test level (gas phase, B3LYP/3-21G) FEC-Na+'s LUMO is the bound cation's 3s-like
    # orbital; the note says so and gives FEC's own orbital in the complex beside it
    first, _ = twin
    note = {r.id: r.note for r in first.results}["fig1c.lumo_shift_on_na"]
    assert "on Na (the bound cation's orbital)" in note
    assert "FEC's own lowest empty orbital in the complex" in note
