"""The start of a sweep's workers. The time left counts from the moment they are up: the start
of the cluster (a minute on a busy machine) made the first estimate of a 1000-point sweep 57 min
for a run of 17 min. A sweep sent to a running scheduler that has no worker says it is waiting
for one, then stops with how to start workers, and leaves no store behind (so the same command,
run again once workers are up, starts cleanly).

The clusters are in-process ``distributed`` schedulers on 127.0.0.1 (one worker thread, or
none), closed at the end of each test.
"""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console

import solidna.sweep.engine as engine
from solidna.cli._common import ProgressDisplay
from solidna.errors import InvalidOptionError
from solidna.sweep import run

pytest.importorskip("distributed")

SPEC = {
    "cell": "symmetric",
    "protocol": {"cycle": {"current_density": "0.1 mA/cm2", "half_cycle": "1 h"}},
    "vary": {"duration": {"values": ["2 h", "4 h"]}},
    "outputs": ["energy"],
    "jump": False,
}


class _Recorder:
    """A progress callback that also records when the workers were said to be up."""

    def __init__(self) -> None:
        self.events: list[tuple[str, float | None]] = []

    def __call__(self, message: str, fraction: float | None = None) -> None:
        self.events.append((message, fraction))

    def workers_started(self) -> None:
        self.events.append(("<workers started>", None))


def _cluster(n_workers: int):
    """An in-process scheduler on 127.0.0.1 with ``n_workers`` one-thread workers."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",  # a free port: no clash with a dashboard running here
        silence_logs=logging.ERROR,
    )


def test_the_sweep_says_when_its_workers_are_up_before_any_point_is_counted(tmp_path):
    progress = _Recorder()
    with _cluster(1) as cluster:
        run(SPEC, tmp_path / "s.zarr", scheduler=cluster.scheduler_address, progress=progress)
    names = [m for m, _ in progress.events]
    assert "<workers started>" in names, names
    started = names.index("<workers started>")
    assert all(not f for _, f in progress.events[:started]), progress.events
    assert any(f for _, f in progress.events[started:]), progress.events
    # the message no longer says "starting the workers" once they run points
    assert any("running the first points" in m for m in names[started:]), names


def shown_after_cluster_start(done_before: int):
    """The command line's sweep display of 100 points, ``done_before`` of them done earlier: a
    minute to start the workers, then 10 points in 10 s. Returns (text shown, display)."""
    from solidna.cli.sweep import _SweepProgress

    now = [0.0]
    stream = Console(file=io.StringIO(), width=200)
    with ProgressDisplay(stream, terminal=False, clock=lambda: now[0], interval_s=0.0) as shown:
        progress = _SweepProgress(shown)
        progress(f"{done_before}/100 points done; starting the workers", done_before / 100)
        now[0] = 60.0  # a minute to start the workers
        progress.workers_started()
        now[0] = 70.0  # then 10 points in 10 s
        progress(f"{done_before + 10}/100 points done", (done_before + 10) / 100)
    return stream.file.getvalue(), shown


def test_the_command_line_time_left_leaves_out_the_start_of_the_cluster():
    text, shown = shown_after_cluster_start(0)
    left = shown.time_left
    # 90 points at 1 point/s: 90 s, not the 630 s of a rate counted from the cluster's start
    assert left.fraction == pytest.approx(0.1)
    assert text.strip().endswith("(about 1 min 30 s left)"), text


def test_a_scheduler_without_workers_is_refused_with_how_to_start_them(tmp_path, monkeypatch):
    # a short wait keeps the test fast (Dask's own 10 s timeout gave "No valid workers found")
    monkeypatch.setattr(engine, "WORKER_WAIT_S", 1.0, raising=False)
    messages: list[str] = []
    store = tmp_path / "sweep.zarr"
    with _cluster(0) as cluster:
        address = cluster.scheduler_address
        with pytest.raises(InvalidOptionError) as err:
            engine.run(
                SPEC, store, scheduler=address, progress=lambda m, f=None: messages.append(m)
            )
    text = str(err.value)
    assert f"dask worker {address}" in text and "No Dask worker joined" in text, text
    assert any("waiting for a worker" in m for m in messages), messages
    assert not store.exists()
