"""Statistics of reactive-MD events over seeds: bootstrap intervals and a one-sided rank test.

An event time from one trajectory says little (per-seed spreads of tens of fs, Fig. 1d); these
functions turn the per-seed times of :mod:`solidna.quantum.md` into statements with an uncertainty.

Censoring: an event not observed within a trajectory of length T happened (if at all) after T.
Every trajectory that does not show an event runs to the full length (the MD stops early only
after its events, :attr:`~solidna.quantum.levels.MDSettings.stop_margin_fs`), so a censored time
is later than every observed one; it is represented by ``+inf``. Medians and rank tests are valid
with such values (only the order matters); a median that lands on ``+inf`` is "not observed".

* :func:`bootstrap_median` - median with a percentile bootstrap interval (resampling seeds).
* :func:`compare_times` - does system B react sooner than system A? One-sided Mann-Whitney U
  (``scipy.stats.mannwhitneyu``, exact p-value for small samples without ties, else the normal
  approximation with tie correction) and the bootstrap interval of the difference of medians.
* :func:`wilson_interval` - interval of a fraction of seeds (e.g. C-F cleavage seen in k of n).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from solidna.errors import OutOfRangeError

__all__ = [
    "ALPHA",
    "N_BOOTSTRAP",
    "Interval",
    "bootstrap_median",
    "Comparison",
    "compare_times",
    "wilson_interval",
    "as_times",
]

#: Significance level of the one-sided test (stated in the report).
ALPHA = 0.05
#: Bootstrap resamples (the interval's Monte-Carlo error is ~1 % of its width at 10 000).
N_BOOTSTRAP = 10_000
#: Seed of the bootstrap's random generator (the same data give the same interval).
BOOTSTRAP_SEED = 20190415


def as_times(values: Sequence[float | None]) -> np.ndarray:
    """Event times [fs] as an array; None (not observed) becomes ``+inf``.

    Parameters
    ----------
    values : sequence of float or None
        One event time per seed [fs] (non-negative); None: not observed within the run.

    Returns
    -------
    numpy.ndarray of float
        The times [fs], ``+inf`` for the events not observed.

    Raises
    ------
    OutOfRangeError
        No value given, or a value is NaN or negative.
    """
    arr = np.array([math.inf if v is None else float(v) for v in values], dtype=float)
    if arr.size == 0:
        raise OutOfRangeError("No event times given: at least one seed is needed.")
    if np.any(np.isnan(arr)) or np.any(arr < 0):
        raise OutOfRangeError(f"Event times must be non-negative numbers or None, got {values!r}.")
    return arr


def _finite_or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _median(arr: np.ndarray) -> float:
    """Median of times with ``+inf`` for censored ones: ``+inf`` when the upper middle value is
    censored (numpy would give nan for an inf-inf midpoint)."""
    srt = np.sort(arr)
    k = arr.size
    hi = srt[k // 2]
    return math.inf if math.isinf(hi) else 0.5 * (srt[(k - 1) // 2] + hi)


def _resampled_medians(arr: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """Medians (as :func:`_median`) of ``n_boot`` resamples of ``arr`` with replacement."""
    s = np.sort(arr[rng.integers(0, arr.size, size=(int(n_boot), arr.size))], axis=1)
    lo, hi = s[:, (arr.size - 1) // 2], s[:, arr.size // 2]
    return np.where(np.isinf(hi), np.inf, 0.5 * (lo + hi))


@dataclass
class Interval:
    """A median with its bootstrap interval (None: not observed / unbounded)."""

    median: float | None
    low: float | None
    high: float | None
    level: float
    n: int
    n_observed: int

    def text(self, unit: str = "fs", scale: float = 1.0, digits: int = 3) -> str:
        """``"43 fs (95 % CI 30-58 fs, 8 of 8 seeds)"``.

        Parameters
        ----------
        unit : str, optional
            Unit written after each value.
        scale : float, optional
            Factor applied to the values before writing them [-].
        digits : int, optional
            Significant digits.

        Returns
        -------
        str
            The interval in words.
        """

        def f(x: float | None) -> str:
            return "beyond the run" if x is None else f"{x * scale:.{digits}g} {unit}"

        head = "median not observed" if self.median is None else f"median {f(self.median)}"
        return (
            f"{head} (bootstrap {100 * self.level:.0f} % CI {f(self.low)} to {f(self.high)}; "
            f"observed in {self.n_observed} of {self.n} seeds)"
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return asdict(self)


def bootstrap_median(
    values: Sequence[float | None],
    level: float = 0.95,
    n_boot: int = N_BOOTSTRAP,
    seed: int = BOOTSTRAP_SEED,
) -> Interval:
    """Median of per-seed values and its percentile bootstrap interval (resampling seeds).

    Parameters
    ----------
    values : sequence of float or None
        One value per seed (None: not observed, i.e. later than the run).
    level : float
        Confidence level (0-1).
    n_boot : int
        Number of bootstrap resamples.
    seed : int
        Seed of the resampling.
    """
    if not 0.0 < level < 1.0:
        raise OutOfRangeError(f"Confidence level must be between 0 and 1, got {level!r}.")
    arr = as_times(values)
    boot = _resampled_medians(arr, np.random.default_rng(seed), n_boot)
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(boot, [tail, 100 - tail], method="lower")
    return Interval(
        median=_finite_or_none(_median(arr)),
        low=_finite_or_none(low),
        high=_finite_or_none(high),
        level=level,
        n=int(arr.size),
        n_observed=int(np.isfinite(arr).sum()),
    )


@dataclass
class Comparison:
    """Is B sooner than A? The one-sided test and the interval of the difference of medians.

    Attributes
    ----------
    statistic : float
        Mann-Whitney U of B against A (small when B's times are small).
    p_value : float
        One-sided p-value for "B's times are stochastically smaller than A's".
    alpha : float
        Significance level.
    difference : Interval
        Median(B) - median(A) [fs] and its bootstrap interval (None when a median is censored).
    sooner : bool
        ``p_value < alpha``.
    """

    statistic: float
    p_value: float
    alpha: float
    difference: Interval
    n_a: int
    n_b: int

    @property
    def sooner(self) -> bool:
        """B reacts significantly sooner than A (one-sided, at ``alpha``)."""
        return bool(self.p_value < self.alpha)

    def text(self) -> str:
        """``"one-sided Mann-Whitney U = 12, p = 0.04 (n = 8, 8); median difference ..."``."""
        d = self.difference
        diff = (
            "median difference not defined (an event not observed in half the seeds)"
            if d.median is None
            else f"median difference {d.median:+.1f} fs ({100 * d.level:.0f} % bootstrap CI "
            f"{'-inf' if d.low is None else f'{d.low:+.1f}'} to "
            f"{'+inf' if d.high is None else f'{d.high:+.1f}'} fs)"
        )
        verdict = "sooner" if self.sooner else "not significantly sooner"
        return (
            f"one-sided Mann-Whitney U = {self.statistic:g}, p = {self.p_value:.3g} "
            f"(n = {self.n_b} vs {self.n_a}; {verdict} at alpha = {self.alpha:g}); {diff}"
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return asdict(self) | {"sooner": self.sooner}


def compare_times(
    a: Sequence[float | None],
    b: Sequence[float | None],
    alpha: float = ALPHA,
    level: float = 0.95,
    n_boot: int = N_BOOTSTRAP,
    seed: int = BOOTSTRAP_SEED,
) -> Comparison:
    """Test whether the events of B happen sooner than those of A (per-seed times [fs]).

    One-sided Mann-Whitney U (H1: B stochastically smaller than A), with ``+inf`` for events not
    observed (see the module docstring), and the bootstrap interval of median(B) - median(A)
    from independent resampling of the seeds of each system.

    Parameters
    ----------
    a, b : sequence of float or None
        Per-seed event times of systems A and B [fs] (non-negative); None: not observed within
        the run (censored, ``+inf``).
    alpha : float, optional
        Significance level of the one-sided test [-] (default :data:`ALPHA`, 0.05).
    level : float, optional
        Confidence level of the bootstrap interval of the difference [-], between 0 and 1
        (default 0.95).
    n_boot : int, optional
        Number of bootstrap resamples (default :data:`N_BOOTSTRAP`, 10 000).
    seed : int, optional
        Seed of the resampling (default :data:`BOOTSTRAP_SEED`: the same data give the same
        interval).

    Returns
    -------
    Comparison
        U statistic, one-sided p-value, ``alpha``, the median difference median(B) - median(A)
        [fs] with its bootstrap interval (None where censored), and the sample sizes;
        ``sooner`` is ``p_value < alpha``.

    Raises
    ------
    OutOfRangeError
        A system has no times, or a time is NaN or negative.
    """
    from scipy.stats import mannwhitneyu

    xa, xb = as_times(a), as_times(b)
    # censored values as one finite value larger than every observed time: only ranks matter
    finite = np.concatenate([xa[np.isfinite(xa)], xb[np.isfinite(xb)]])
    big = (finite.max() if finite.size else 0.0) + 1.0
    res = mannwhitneyu(
        np.where(np.isfinite(xb), xb, big),
        np.where(np.isfinite(xa), xa, big),
        alternative="less",
    )
    rng = np.random.default_rng(seed)
    mb = _resampled_medians(xb, rng, n_boot)  # B first: the order fixes the random stream
    ma = _resampled_medians(xa, rng, n_boot)
    with np.errstate(invalid="ignore"):
        diff = mb - ma  # inf - inf = nan: undefined in that resample
    tail = 100 * (1 - level) / 2
    defined = diff[~np.isnan(diff)]
    low, high = (
        np.percentile(defined, [tail, 100 - tail], method="lower")
        if defined.size
        else (np.nan,) * 2
    )
    med_a, med_b = _median(xa), _median(xb)
    centre = float(med_b - med_a) if math.isfinite(med_a) and math.isfinite(med_b) else None
    difference = Interval(
        median=centre,
        low=None if not np.isfinite(low) else float(low),
        high=None if not np.isfinite(high) else float(high),
        level=level,
        n=int(xa.size + xb.size),
        n_observed=int(np.isfinite(xa).sum() + np.isfinite(xb).sum()),
    )
    return Comparison(
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        alpha=float(alpha),
        difference=difference,
        n_a=int(xa.size),
        n_b=int(xb.size),
    )


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a fraction k/n (e.g. seeds with C-F cleavage).

    The Wilson interval keeps its coverage for small n and k = 0 or n, where the normal
    approximation collapses to a point.

    Parameters
    ----------
    k : int
        Number of successes (e.g. seeds showing the event), ``0 <= k <= n``.
    n : int
        Number of trials (seeds), at least 1.
    level : float, optional
        Confidence level [-], between 0 and 1 (default 0.95).

    Returns
    -------
    (float, float)
        Lower and upper bounds of the fraction [-], within [0, 1].

    Raises
    ------
    OutOfRangeError
        ``n < 1`` or ``k`` outside ``[0, n]``.
    """
    from scipy.stats import norm

    if n < 1 or not 0 <= k <= n:
        raise OutOfRangeError(f"A fraction needs 0 <= k <= n and n >= 1, got k={k}, n={n}.")
    z = float(norm.ppf(0.5 + level / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
