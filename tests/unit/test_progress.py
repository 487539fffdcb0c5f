"""The time-left estimate of long work (solidna.progress.TimeLeft)."""

from __future__ import annotations

import pytest

from solidna.progress import TimeLeft, scaled


class Clock:
    """A clock the test sets by hand: ``clock.t`` seconds."""

    t = 0.0

    def __call__(self) -> float:
        return self.t


def test_estimate_is_withheld_at_the_start_and_zero_at_the_end() -> None:
    clock = Clock()
    left = TimeLeft(clock)
    clock.t = 1.0
    assert left.update(0.5) is None  # before 2 s: start-up cost
    clock.t = 10.0
    assert left.update(0.01) == pytest.approx(10.0)  # the fraction never goes back: still 0.5
    assert left.fraction == 0.5
    assert left.update(1.0) == 0.0


def test_average_rate_estimate_at_an_advance() -> None:
    clock = Clock()
    left = TimeLeft(clock)
    clock.t = 30.0
    assert left.update(0.25) == pytest.approx(90.0)  # 30 s for a quarter: 90 s for the rest


def test_time_left_counts_down_while_the_fraction_does_not_move() -> None:
    # one long step (a model run inside a calibration): the estimate made at the last advance
    # counts down instead of growing with the elapsed time
    clock = Clock()
    left = TimeLeft(clock)
    clock.t = 30.0
    left.update(0.25)
    shown = []
    for t in (40.0, 60.0, 100.0):
        clock.t = t
        shown.append(left.update(None))
    assert shown == pytest.approx([80.0, 60.0, 20.0])
    assert all(a > b for a, b in zip(shown, shown[1:], strict=False))


def test_after_the_countdown_the_average_rate_estimate_returns() -> None:
    clock = Clock()
    left = TimeLeft(clock)
    clock.t = 30.0
    left.update(0.25)
    clock.t = 200.0  # the step takes longer than the estimate: the countdown has run out
    assert left.seconds_left() == pytest.approx(200.0 * 0.75 / 0.25)
    clock.t = 210.0
    assert left.update(0.5) == pytest.approx(210.0)  # a new advance: a new estimate


def test_scaled_sub_task_maps_into_its_range() -> None:
    seen = []
    sub = scaled(lambda m, f: seen.append(f), 0.2, 0.6)
    sub("a", 0.5)
    sub("b", 2.0)  # clipped to the sub-task's end
    sub("c", None)
    assert seen[:2] == pytest.approx([0.4, 0.6])
    assert seen[2] is None
