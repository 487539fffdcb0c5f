"""The time left of a sweep counts from the moment its workers are up: the start of the cluster
(a minute on a busy machine) made the first estimate of a 1000-point sweep 57 min for a run of
17 min.

The cluster is an in-process ``distributed`` scheduler with one worker thread on 127.0.0.1,
closed at the end of the test.
"""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console

from solidna.cli._common import ProgressDisplay
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


def test_the_sweep_says_when_its_workers_are_up_before_any_point_is_counted(tmp_path):
    from distributed import LocalCluster

    progress = _Recorder()
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",  # a free port: no clash with a dashboard running here
        silence_logs=logging.ERROR,
    ) as cluster:
        run(SPEC, tmp_path / "s.zarr", scheduler=cluster.scheduler_address, progress=progress)
    names = [m for m, _ in progress.events]
    assert "<workers started>" in names, names
    started = names.index("<workers started>")
    assert all(not f for _, f in progress.events[:started]), progress.events
    assert any(f for _, f in progress.events[started:]), progress.events
    # the message no longer says "starting the workers" once they run points
    assert any("running the first points" in m for m in names[started:]), names


def test_the_command_line_time_left_leaves_out_the_start_of_the_cluster():
    from solidna.cli.sweep import _SweepProgress

    now = [0.0]
    stream = Console(file=io.StringIO(), width=200)
    with ProgressDisplay(stream, terminal=False, clock=lambda: now[0], interval_s=0.0) as shown:
        progress = _SweepProgress(shown)
        progress("0/100 points done; starting the workers", 0.0)
        now[0] = 60.0  # a minute to start the workers
        progress.workers_started()
        now[0] = 70.0  # then 10 points in 10 s
        progress("10/100 points done", 0.1)
    left = shown.time_left
    # 90 points at 1 point/s: 90 s, not the 630 s of a rate counted from the cluster's start
    assert left.fraction == pytest.approx(0.1)
    assert stream.file.getvalue().strip().endswith("(about 1 min 30 s left)"), (
        stream.file.getvalue()
    )
