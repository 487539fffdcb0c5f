"""Reactive MD: seeds, the early-stop rule, parallel seeds equal serial ones."""

from __future__ import annotations

import os

import numpy as np
import pytest

from solidna.errors import InvalidOptionError, OutOfRangeError
from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import MD_LEVELS
from solidna.quantum.md import BREAK_PERSIST_FS, _events_done, reactive_md
from solidna.quantum.molecules import molecule

TINY_MD = MD_LEVELS["test"].replace(duration_fs=10.0, seeds=(1, 2))


def test_default_md_has_eight_seeds_and_stops_after_the_events() -> None:
    fast = MD_LEVELS["fast"]
    assert len(fast.seeds) >= 8 and len(set(fast.seeds)) == len(fast.seeds)
    assert fast.stop_margin_fs is not None and fast.min_duration_fs >= 80.0
    assert len(MD_LEVELS["paper"].seeds) >= 8
    with pytest.raises(OutOfRangeError, match="seeds repeat"):
        fast.replace(seeds=(1, 1))
    with pytest.raises(OutOfRangeError, match="stop_margin_fs"):
        fast.replace(stop_margin_fs=-1.0)


def _record(times, ring, cf):
    # bonds: (0, 1) a ring bond, (1, 2) the C-F bond; lengths 1.0 at t = 0
    return {"t": list(times), "bonds": [[r, c] for r, c in zip(ring, cf, strict=True)]}


def test_early_stop_needs_both_events_held_the_margin_and_the_minimum() -> None:
    fec = molecule("FEC")  # only symbols, bonds and ring bonds are read: a three-atom view
    import dataclasses

    view = dataclasses.replace(
        fec, symbols=("O", "C", "F"), coordinates_A=np.zeros((3, 3)), multiplicity=2,
        bonds=((0, 1), (1, 2)),
        ring_bonds=((0, 1),),
    )  # fmt: skip
    cfg = MD_LEVELS["fast"]  # margin 20 fs, at least 100 fs
    t = np.arange(0.0, 151.0, 0.5)
    broken_ring = np.where(t >= 30.0, 2.0, 1.0)
    broken_cf = np.where(t >= 50.0, 2.0, 1.0)
    whole = np.ones_like(t)

    def done(upto: float, ring, cf) -> bool:
        k = t <= upto
        return _events_done(_record(t[k], ring[k], cf[k]), [[0, 1], [1, 2]], view, True, cfg)

    # C-F breaks at 50 fs, held 10 fs, margin 20 fs: done from 80 fs, but not before 100 fs
    assert not done(95.0, broken_ring, broken_cf)
    assert done(100.0, broken_ring, broken_cf)
    assert BREAK_PERSIST_FS == 10.0
    # without the C-F cleavage the run goes on (to its full length)
    assert not done(150.0, broken_ring, whole)
    assert not done(150.0, whole, broken_cf)


def test_parallel_seeds_equal_serial_seeds(tmp_path) -> None:
    fec = molecule("FEC")
    serial = reactive_md(fec, TINY_MD, cache=ResultsCache(tmp_path / "a"), workers=1)
    parallel = reactive_md(fec, TINY_MD, cache=ResultsCache(tmp_path / "b"), workers=2)
    assert [t.seed for t in parallel.trajectories] == [1, 2]
    for s, p in zip(serial.trajectories, parallel.trajectories, strict=True):
        np.testing.assert_allclose(s.bond_lengths_A, p.bond_lengths_A, atol=1e-8)
    assert parallel.fraction("cf_cleavage_fs")[1] == 2


# --------------------------------------------------------------------------------------------
# Worker processes and threads: set where they take effect, malformed settings refused
# --------------------------------------------------------------------------------------------
def test_md_workers_start_with_one_thread_and_the_parent_keeps_its_setting(monkeypatch) -> None:
    """OpenMP and BLAS read their thread counts when loaded, so the workers must start with
    them (a fresh, spawned interpreter with the setting in its environment)."""
    from solidna.quantum.md import WORKER_THREADS_ENV, _seed_pool

    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    with _seed_pool(1) as pool:
        seen = {name: pool.submit(os.getenv, name).result() for name in WORKER_THREADS_ENV}
    assert seen == WORKER_THREADS_ENV
    assert os.environ["OMP_NUM_THREADS"] == "4" and "OPENBLAS_NUM_THREADS" not in os.environ


@pytest.mark.parametrize("value", ["two", "0", "-3", "1.5"])
def test_malformed_worker_and_thread_variables_are_refused(monkeypatch, value) -> None:
    from solidna.quantum.md import worker_count
    from solidna.quantum.scf import thread_count

    for name, call in (("SOLIDNA_WORKERS", worker_count), ("SOLIDNA_THREADS", thread_count)):
        monkeypatch.setenv(name, value)
        with pytest.raises(InvalidOptionError) as info:
            call()
        message = str(info.value)
        assert f"{name}={value!r} is not a whole number >= 1" in message
        assert f"export {name}=2" in message and f"unset {name}" in message
        monkeypatch.delenv(name)
    monkeypatch.setenv("OMP_NUM_THREADS", value)
    with pytest.raises(InvalidOptionError, match="OMP_NUM_THREADS"):
        thread_count()


def test_worker_and_thread_counts_from_the_environment(monkeypatch) -> None:
    from solidna.quantum.md import worker_count
    from solidna.quantum.scf import thread_count

    monkeypatch.setenv("SOLIDNA_WORKERS", " 3 ")
    assert worker_count() == 3
    monkeypatch.setenv("SOLIDNA_WORKERS", "")
    assert worker_count() == max(1, min(2, os.cpu_count() or 1))
    monkeypatch.delenv("SOLIDNA_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4,2")  # OpenMP's list: the first level counts
    assert thread_count() == 4
    monkeypatch.setenv("SOLIDNA_THREADS", "2")
    assert thread_count() == 2
    monkeypatch.delenv("SOLIDNA_THREADS")
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert thread_count() == 1


@pytest.mark.parametrize("workers", [0, -1, 1.5, "2", True])
def test_reactive_md_refuses_a_bad_worker_count(tmp_path, workers) -> None:
    with pytest.raises(InvalidOptionError, match=r"workers must be a whole number >= 1.*got"):
        reactive_md(molecule("FEC"), TINY_MD, cache=ResultsCache(tmp_path), workers=workers)
