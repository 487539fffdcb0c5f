"""Statistics of MD event times on synthetic data whose answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solidna.errors import OutOfRangeError
from solidna.quantum.stats import (
    ALPHA,
    bootstrap_median,
    compare_times,
    wilson_interval,
)


def test_clearly_sooner_is_detected_with_the_exact_p_value() -> None:
    a = [50.0, 51, 52, 53, 54, 55, 56, 57]
    b = [10.0, 11, 12, 13, 14, 15, 16, 17]
    result = compare_times(a, b)
    # every b below every a: U = 0 and the exact one-sided p is 1 / C(16, 8)
    assert result.statistic == 0
    assert result.p_value == pytest.approx(1 / math.comb(16, 8))
    assert result.sooner
    assert result.difference.median == pytest.approx(-40.0)
    assert result.difference.high < 0  # the whole interval of the difference is negative
    assert "p = " in result.text() and "sooner" in result.text()


def test_same_distribution_is_not_sooner() -> None:
    a = [30.0, 35, 40, 45, 50, 55, 60, 65]
    result = compare_times(a, list(a))
    assert not result.sooner and result.p_value > 0.4
    assert result.difference.low < 0 < result.difference.high


def test_later_is_not_sooner() -> None:
    result = compare_times([10.0, 11, 12, 13], [40.0, 41, 42, 43])
    assert not result.sooner and result.p_value > 0.9


def test_three_against_three_cannot_reach_alpha_by_much() -> None:
    # the old design (3 seeds) could at best give p = 1/20 = 0.05: never below alpha = 0.05
    result = compare_times([50.0, 51, 52], [10.0, 11, 12])
    assert result.p_value == pytest.approx(0.05)
    assert not result.sooner and ALPHA == 0.05


def test_censored_events_count_as_later_than_every_observed_one() -> None:
    a = [None] * 8  # never observed within the run
    b = [20.0, 25, 30, 35, 40, 45, 50, 55]
    result = compare_times(a, b)
    assert result.sooner
    assert result.difference.median is None  # median(a) is censored: no difference defined
    back = compare_times(b, a)
    assert not back.sooner


def test_power_on_shifted_exponentials() -> None:
    # B's rate is 5x A's: with 8 seeds each the test detects it in most synthetic experiments
    # (a 3x rate only in about half of them: 8 seeds resolve large accelerations only)
    rng = np.random.default_rng(7)
    hits = sum(
        compare_times(rng.exponential(60.0, 8), rng.exponential(12.0, 8), n_boot=10).sooner
        for _ in range(200)
    )
    assert hits / 200 > 0.7
    # and under the null it rejects in about alpha of them (one-sided, 5 %)
    false = sum(
        compare_times(rng.exponential(40.0, 8), rng.exponential(40.0, 8), n_boot=10).sooner
        for _ in range(400)
    )
    assert false / 400 < 0.1


def test_bootstrap_median_interval() -> None:
    iv = bootstrap_median([1.0, 2, 3, 4, 5, 6, 7, 8, 9])
    assert iv.median == 5.0 and iv.low <= 5.0 <= iv.high
    assert iv.low >= 1.0 and iv.high <= 9.0
    assert iv.n == 9 and iv.n_observed == 9
    # the interval narrows with more seeds from the same distribution
    rng = np.random.default_rng(3)
    wide = bootstrap_median(rng.normal(50, 10, 8))
    narrow = bootstrap_median(rng.normal(50, 10, 200))
    assert narrow.high - narrow.low < wide.high - wide.low


def test_bootstrap_median_with_censoring() -> None:
    iv = bootstrap_median([10.0, 20, None, None, None])
    assert iv.median is None and iv.high is None and iv.n_observed == 2
    iv = bootstrap_median([10.0, 20, 30, 40, None])
    assert iv.median == 30.0 and iv.low is not None


def test_wilson_interval_known_values() -> None:
    lo, hi = wilson_interval(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-3) and hi == pytest.approx(0.7634, abs=1e-3)
    lo, hi = wilson_interval(0, 8)
    assert lo == 0.0 and 0.2 < hi < 0.4
    lo, hi = wilson_interval(8, 8)
    assert hi == 1.0 and 0.6 < lo < 0.8


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: bootstrap_median([]), "at least one seed"),
        (lambda: bootstrap_median([1.0, -2.0]), "non-negative"),
        (lambda: bootstrap_median([1.0], level=1.5), "between 0 and 1"),
        (lambda: wilson_interval(3, 2), "0 <= k <= n"),
    ],
)
def test_bad_input_is_a_clear_error(call, message) -> None:
    with pytest.raises(OutOfRangeError, match=message):
        call()
