"""``solidna sweep`` tried as a new user would, round 18.

- A spec value with a decimal comma was read by pint as something else, silently: "1,5 mm" as
  15 mm (then "outside 1-5000 um"), "1,000 um" as 1000 um (accepted), "0,04 mm" as 0 mm ("must
  be positive"), "85,5 mV" as 855 mV. The command line has refused a decimal comma in its own
  words since round 13; the spec now does too.
- A YAML syntax error named the file ``"<unicode string>"`` (PyYAML's name for a string).
- A resumed sweep showed "[ 33 %] 4/6 points done": the percentage was of this run's points,
  the count of all of them.
- After Ctrl-C the sweep said nothing for the seconds its cluster took to close.

The runs go through in-process ``distributed`` schedulers on 127.0.0.1 (one worker thread) with
two short symmetric-cell points.
"""

from __future__ import annotations

import io
import logging

import pytest
import yaml
from rich.console import Console

from solidna.cli._common import ProgressDisplay
from solidna.errors import SolidnaError, UnitError
from solidna.progress import TimeLeft
from solidna.sweep import load_spec, run

BASE = {
    "cell": "symmetric",
    "protocol": {"cycle": {"current_density": "0.1 mA/cm2", "half_cycle": "1 h"}},
    "vary": {"duration": {"values": ["2 h", "4 h"]}},
    "outputs": ["energy"],
    "jump": False,
}


def _spec(**changes) -> dict:
    return {**BASE, **changes}


@pytest.mark.parametrize("value", ["1,5 mm", "1,000 um", "0,04 mm"])
def test_a_decimal_comma_in_a_spec_value_is_refused_in_words(value):
    spec = _spec(vary={"sse_thickness": {"values": [value]}})
    with pytest.raises(UnitError) as err:
        load_spec(spec)
    text = str(err.value)
    assert "decimal comma" in text and "vary.sse_thickness" in text, text


def test_a_decimal_comma_in_an_output_threshold_is_refused():
    spec = _spec(outputs=[{"time_to": {"overpotential_above": "85,5 mV"}}])
    with pytest.raises(UnitError, match="decimal comma"):
        load_spec(spec)


def test_spec_values_in_the_usual_notations_still_read():
    spec = load_spec(_spec(vary={"sse_thickness": {"values": ["50 µm", "6e1 um", "0.07 mm"]}}))
    # each value in the first one's unit (um)
    assert [p["sse_thickness"] for _, p in spec.points()] == pytest.approx([50.0, 60.0, 70.0])


def test_a_yaml_error_names_the_line_and_column_not_a_unicode_string(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("cell: symmetric\nvary:\n  sse_thickness: {values: [40 um, 60 um]\n")
    with pytest.raises(SolidnaError) as err:
        load_spec(path)
    text = str(err.value)
    assert "<unicode string>" not in text, text
    assert "bad.yaml" in text and "line 4, column 1" in text and "line 3" in text, text


def test_time_left_from_a_start_fraction_counts_only_the_work_done_since():
    now = [0.0]
    left = TimeLeft(lambda: now[0], start_fraction=0.5)
    assert left.fraction == 0.5
    now[0] = 10.0
    # a quarter of the whole in 10 s: the last quarter takes 10 s more (not 10 * 0.25 / 0.75)
    assert left.update(0.75) == pytest.approx(10.0)


def test_a_resumed_sweep_counts_its_time_left_from_this_runs_points():
    from test_sweep_progress_s17 import shown_after_cluster_start

    text, _ = shown_after_cluster_start(50)
    # 40 points at 1 point/s, not a rate counted from the cluster's start
    assert text.strip().endswith("(about 40 s left)"), text
    assert "[ 60 %] 60/100" in text


def test_stopping_is_said_at_once_even_between_throttled_lines():
    from solidna.cli.sweep import _SweepProgress

    stream = Console(file=io.StringIO(), width=200)
    with ProgressDisplay(stream, terminal=False, clock=lambda: 0.0, interval_s=1e9) as shown:
        progress = _SweepProgress(shown)
        progress("1/2 points done", 0.5)
        progress.stopping("stopping the workers")
    assert "stopping the workers" in stream.file.getvalue()


class _Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, float | None]] = []

    def __call__(self, message: str, fraction: float | None = None) -> None:
        self.events.append((message, fraction))


def _cluster():
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )


def test_a_resumed_sweep_shows_the_share_of_all_its_points(tmp_path):
    pytest.importorskip("distributed")
    from solidna.sweep.store import PENDING, PointWriter

    store = tmp_path / "s.zarr"
    with _cluster() as cluster:
        run(BASE, store, scheduler=cluster.scheduler_address)
        PointWriter(store).write_many([((1,), {}, PENDING, "", "")])  # as if interrupted
        progress = _Recorder()
        run(BASE, store, scheduler=cluster.scheduler_address, progress=progress)
    measured = [(m, f) for m, f in progress.events if f is not None]
    assert measured[0][1] == pytest.approx(0.5), measured  # 1 of 2 points done before
    assert measured[0][0].startswith("1/2 points done"), measured
    assert measured[-1][0].startswith("2/2 points done") and measured[-1][1] == 1.0, measured


def test_ctrl_c_during_a_sweep_says_it_is_stopping(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import solidna.sweep.engine as engine

    def interrupted(self, points):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine.PointWriter, "write_many", interrupted)
    progress = _Recorder()
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(BASE))
    with _cluster() as cluster, pytest.raises(KeyboardInterrupt):
        run(spec, tmp_path / "s.zarr", scheduler=cluster.scheduler_address, progress=progress)
    assert any("stopping the workers" in m for m, _ in progress.events), progress.events


def test_batches_are_sent_in_a_mixed_order_the_same_every_run(tmp_path, monkeypatch):
    # the time left is the rate so far extrapolated: sent in grid order, the first points are
    # one corner of the design space and the estimate drifts when a point's cost varies along
    # an axis (see solidna.sweep.engine._in_mixed_order for the simulated numbers)
    pytest.importorskip("distributed")
    from distributed import Client

    sent: list[list[tuple[int, ...]]] = []
    submit = Client.submit

    def spy(self, func, *args, **kwargs):
        if getattr(func, "__name__", "") == "run_points":
            sent.append([tuple(int(i) for i in idx) for idx, _ in args[1]])
        return submit(self, func, *args, **kwargs)

    monkeypatch.setattr(Client, "submit", spy)
    spec = _spec(vary={"duration": {"values": [f"{h} h" for h in range(2, 10)]}})
    orders = []
    for run_no in range(2):
        sent.clear()
        with _cluster() as cluster:
            run(spec, tmp_path / f"s{run_no}.zarr", scheduler=cluster.scheduler_address)
        orders.append([idx for batch in sent for idx in batch])
    grid = sorted(orders[0])
    assert grid == [(i,) for i in range(8)] and len(sent) > 1, sent
    assert orders[0] != grid, orders[0]  # not the grid's order
    assert orders[0] == orders[1]  # and the same in every run


def test_the_bar_counts_the_time_left_down_between_reports():
    # between two finished batches (tens of seconds on a big sweep) the terminal's "about N
    # left" stood still, then fell by the whole gap at once
    now = [0.0]
    stream = Console(file=io.StringIO(), width=100, force_terminal=True)
    with ProgressDisplay(stream, terminal=True, clock=lambda: now[0]) as shown:
        now[0] = 30.0
        shown("1/4 points done", 0.25)  # 30 s for a quarter: 90 s left
        now[0] = 60.0  # no report for 30 s
        column = shown._bar.columns[-1]
        task = shown._bar.tasks[0]
        assert str(column.render(task)) == "about 1 min 00 s left"
