"""Bootstrap confidence intervals (percentile and BCa) for one sample and for two.

Works on sorted float64 arrays. Each statistic brings its kernel (`statistics`: order
statistics draw replicates without resampling rows, the mean resamples rows in a parallel
kernel or uses its moments); this module turns replicates into intervals. BCa follows
scipy.stats.bootstrap (Efron & Tibshirani eq. 14.14/15.36) with closed-form jackknives,
so nothing of size n×n is ever allocated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np

from . import kernels
from .moments import (
    Moments,
    cornish_fisher_applies,
    mean_difference_acceleration,
    mean_replicates_from_moments,
)
from .statistics import Statistic, parse_statistic

Method = Literal["BCa", "percentile"]
#: Bootstrap interval methods, by canonical name.
METHODS: tuple[str, ...] = ("BCa", "percentile")
#: Independent random streams per sample (the mean kernel's chunks); fixed so that the
#: numbers do not depend on how many threads Numba uses.
N_CHUNKS = 16
_NORMAL = NormalDist()


def estimate(x_sorted: np.ndarray, statistic: str | Statistic) -> float:
    """The statistic of sorted data (len ≥ 1), by its kernel (`statistics`): quantiles bit
    for bit np.median / np.quantile ("linear"), the mean np.mean of the sorted values."""
    return parse_statistic(statistic).estimate(x_sorted)


def replicates(
    x_sorted: np.ndarray, statistic: str | Statistic, n_resamples: int, seeds: np.ndarray
) -> np.ndarray:
    """`n_resamples` bootstrap replicates of the statistic of sorted data (len ≥ 1).

    `seeds` holds N_CHUNKS uint32 seeds, one per block of replicates. Quantiles come from the
    order-statistic kernel; the mean of a sample where `cornish_fisher_applies` (n ≥ 500,
    near-normal resampling distribution) from its moments, smaller or very skewed samples
    resample rows (see `statistics`).
    """
    return parse_statistic(statistic).replicates(x_sorted, int(n_resamples), seeds)


def replicates_from_moments(m: Moments, n_resamples: int, seeds: np.ndarray) -> np.ndarray | None:
    """Replicates of the mean from a range's moments, or None when the rows must be resampled.

    The brush's path for statistic="mean": `SortedSelector.moments(range)` then this; None
    (n < 500 or a strongly skewed resampling distribution) means: select the rows and call
    `replicates`. Same seeds, same draws as `replicates` on the rows gives.
    """
    if m.n >= 1 and m.s2 == 0.0:
        return np.full(int(n_resamples), m.mean)
    if not cornish_fisher_applies(m):
        return None
    return mean_replicates_from_moments(m, n_resamples, seeds)


def jackknife(x_sorted: np.ndarray, statistic: str | Statistic) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-out values of the statistic as (distinct values, how many rows give each).

    Closed form where the kernel has one: a quantile gives at most three distinct values
    (O(1)), the mean (S − x_i)/(n − 1), one per row (O(n)). Needs len ≥ 2.
    """
    return parse_statistic(statistic).jackknife(x_sorted)


def acceleration(groups: Sequence[tuple[np.ndarray, np.ndarray]]) -> float:
    """BCa acceleration from each sample's jackknife (values, counts), as scipy sums them.

    Returns 0 when the jackknife has no spread (scipy would return NaN and warn).
    """
    num = 0.0
    den = 0.0
    for values, counts in groups:
        n = float(np.sum(counts))
        mean = float(np.dot(counts, values)) / n
        u = (n - 1.0) * (mean - values)
        num += float(np.dot(counts, u**3)) / n**3
        den += float(np.dot(counts, u**2)) / n**2
    if not den > 0.0 or not math.isfinite(num):
        return 0.0
    return num / (6.0 * den**1.5)


def _bca_levels(
    reps: np.ndarray, theta_hat: float, alpha: float, accel: float
) -> tuple[float, float]:
    """Adjusted percentile levels (alpha_1, alpha_2) of BCa; `reps` must be sorted."""
    below = int(
        np.searchsorted(reps, theta_hat, "left") + np.searchsorted(reps, theta_hat, "right")
    )
    return _bca_adjusted(below, len(reps), alpha, accel)


def _bca_adjusted(below: int, b: int, alpha: float, accel: float) -> tuple[float, float]:
    """BCa's levels from `below` = #(reps < θ̂) + #(reps ≤ θ̂) of b replicates."""
    # scipy gives NaN when every replicate lies on one side; clip to stay finite.
    p = min(max(below / (2.0 * b), 0.5 / b), 1.0 - 0.5 / b)
    z0 = _NORMAL.inv_cdf(p)
    z_alpha = _NORMAL.inv_cdf(alpha)
    levels = []
    for z in (z_alpha, -z_alpha):
        num = z0 + z
        den = 1.0 - accel * num
        if den <= 0.0:  # the adjusted level runs off the end of the distribution
            levels.append(1.0 if num > 0 else 0.0)
            continue
        levels.append(_NORMAL.cdf(z0 + num / den))
    return levels[0], levels[1]


def interval(
    reps: np.ndarray,
    theta_hat: float,
    confidence_level: float,
    method: str,
    accel: Callable[[], float],
) -> tuple[float, float]:
    """The CI from replicates; `accel` is called only for BCa (jackknife is lazy).

    The replicates are not sorted: BCa's z0 counts them and the two percentiles read the
    four order statistics they need after one partition (the sorted replicates' values).
    NaN in the replicates or theta takes the sorted path, whose order puts NaN last.
    """
    reps = np.asarray(reps, dtype=np.float64)
    smallest, largest = float(reps.min()), float(reps.max())
    if math.isnan(smallest + largest) or math.isnan(theta_hat):
        return _interval_sorted(np.sort(reps), theta_hat, confidence_level, method, accel)
    if smallest == largest:  # constant data: a zero-width interval
        return smallest, smallest
    alpha = (1.0 - confidence_level) / 2.0
    if method == "BCa":
        below = int(np.count_nonzero(reps < theta_hat) + np.count_nonzero(reps <= theta_hat))
        a1, a2 = _bca_adjusted(below, len(reps), alpha, accel())
    else:
        a1, a2 = alpha, 1.0 - alpha
    ordered = np.partition(reps, _quantile_ranks(len(reps), (a1, a2)))
    return quantile_sorted(ordered, a1), quantile_sorted(ordered, a2)


def _interval_sorted(
    ordered: np.ndarray,
    theta_hat: float,
    confidence_level: float,
    method: str,
    accel: Callable[[], float],
) -> tuple[float, float]:
    """`interval` of sorted replicates."""
    if ordered[0] == ordered[-1]:  # constant data: a zero-width interval
        return float(ordered[0]), float(ordered[0])
    alpha = (1.0 - confidence_level) / 2.0
    if method == "BCa":
        a1, a2 = _bca_levels(ordered, theta_hat, alpha, accel())
    else:
        a1, a2 = alpha, 1.0 - alpha
    return quantile_sorted(ordered, a1), quantile_sorted(ordered, a2)


def _quantile_ranks(n: int, qs: Sequence[float]) -> list[int]:
    """The 0-based order statistics `quantile_sorted(x, q)` reads, for each q."""
    ranks = set()
    for q in qs:
        h = (n - 1) * q
        if h >= n - 1:
            ranks.add(n - 1)
        else:
            j = math.floor(h)
            ranks.update((j, min(j + 1, n - 1)))
    return sorted(ranks)


def quantile_sorted(x_sorted: np.ndarray, q: float) -> float:
    """np.quantile(x, q) (method "linear") of sorted data, bit for bit, without partitioning."""
    n = len(x_sorted)
    h = (n - 1) * q
    if h >= n - 1:
        return float(x_sorted[-1])
    j = math.floor(h)
    return float(kernels.interpolated(x_sorted, j, h - j, False))


def check_method(method: str, confidence_level: float, n_resamples: int) -> str:
    """Validate the common parameters; returns the canonical method name."""
    canonical = {m.lower(): m for m in METHODS}.get(str(method).lower())
    if canonical is None:
        raise ValueError(f"unknown method {method!r}; use 'BCa' or 'percentile'")
    if not 0.0 < float(confidence_level) < 1.0:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level!r}")
    if int(n_resamples) < 1:
        raise ValueError(f"n_resamples must be a positive integer, got {n_resamples!r}")
    return canonical


def make_rng(random_state: int | np.random.Generator | None) -> np.random.Generator:
    """A Generator from None (fixed seed 0), an int seed, or a Generator (used as is)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng(0)
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    raise TypeError(
        f"random_state must be None, an int or a numpy Generator, got {type(random_state)}"
    )


def draw_seeds(rng: np.random.Generator) -> np.ndarray:
    """The N_CHUNKS kernel seeds for one sample."""
    return rng.integers(0, 2**32, size=N_CHUNKS, dtype=np.uint64).astype(np.uint32)


@dataclass(frozen=True)
class Interval:
    """An estimate with its bootstrap CI; all None when there is not enough data (n < 2)."""

    n: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None


def sorted_finite(values: np.ndarray) -> np.ndarray:
    """Sorted float64 copy of the non-NaN values (an already sorted input is not re-sorted)."""
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[~np.isnan(x)]
    if len(x) > 1 and not bool(np.all(x[1:] >= x[:-1])):
        x = np.sort(x)
    return x


def bootstrap_ci(
    values: np.ndarray,
    statistic: str = "median",
    confidence_level: float = 0.95,
    method: str = "BCa",
    n_resamples: int = 9999,
    random_state: int | np.random.Generator | None = None,
) -> Interval:
    """One-sample bootstrap CI of a statistic (NaN values ignored); the array-level API."""
    method = check_method(method, confidence_level, n_resamples)
    stat = parse_statistic(statistic)
    x = sorted_finite(values)
    if len(x) < 2:
        return Interval(len(x), None, None, None)
    seeds = draw_seeds(make_rng(random_state))
    theta = estimate(x, stat)
    reps = replicates(x, stat, int(n_resamples), seeds)
    lo, hi = interval(
        reps, theta, confidence_level, method, lambda: acceleration([jackknife(x, stat)])
    )
    return Interval(len(x), theta, lo, hi)


@dataclass(frozen=True)
class DifferenceInterval:
    """b − a and b / a − 1 of a statistic with CIs; None where undefined or too little data."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    relative: float | None
    relative_ci_low: float | None
    relative_ci_high: float | None


NOT_ENOUGH = DifferenceInterval(None, None, None, None, None, None)


def difference_from_replicates(
    a_sorted: np.ndarray | Moments,
    b_sorted: np.ndarray | Moments,
    statistic: str | Statistic,
    theta_a: float,
    theta_b: float,
    reps_a: np.ndarray,
    reps_b: np.ndarray,
    confidence_level: float,
    method: str,
) -> DifferenceInterval:
    """CIs of b − a and b / a − 1 from independent replicates of each sample.

    BCa's acceleration mirrors scipy's multi-sample jackknife: leave one row out of one
    sample while the other stays whole, and sum both samples' contributions. For the mean,
    `a_sorted` and `b_sorted` may be `Moments` (the live brush): the acceleration then
    comes from `mean_difference_acceleration`, without rows.
    """
    stat = parse_statistic(statistic)
    jack: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    from_moments = isinstance(a_sorted, Moments) or isinstance(b_sorted, Moments)
    if from_moments:
        if not stat.from_moments:
            raise TypeError(f"Moments stand in for the rows of a mean only, not of {stat.name}")
        ma = a_sorted if isinstance(a_sorted, Moments) else Moments.from_values(a_sorted)
        mb = b_sorted if isinstance(b_sorted, Moments) else Moments.from_values(b_sorted)

    def jackknives() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        if not jack:
            assert isinstance(a_sorted, np.ndarray) and isinstance(b_sorted, np.ndarray)
            jack["a"] = jackknife(a_sorted, stat)
            jack["b"] = jackknife(b_sorted, stat)
        return jack["a"], jack["b"]

    def accel_difference() -> float:
        if from_moments:
            return mean_difference_acceleration(ma, mb)
        (va, ca), (vb, cb) = jackknives()
        return acceleration([(theta_b - va, ca), (vb - theta_a, cb)])

    def accel_relative() -> float:
        if from_moments:
            return mean_difference_acceleration(ma, mb, relative=True)
        (va, ca), (vb, cb) = jackknives()
        with np.errstate(divide="ignore", invalid="ignore"):
            return acceleration([(theta_b / va - 1.0, ca), (vb / theta_a - 1.0, cb)])

    diff = theta_b - theta_a
    lo, hi = interval(reps_b - reps_a, diff, confidence_level, method, accel_difference)
    rel: float | None = None
    rel_lo: float | None = None
    rel_hi: float | None = None
    if theta_a != 0.0 and math.isfinite(theta_a):
        with np.errstate(divide="ignore", invalid="ignore"):
            rel_reps = reps_b / reps_a - 1.0
        if np.all(np.isfinite(rel_reps)):
            rel = theta_b / theta_a - 1.0
            rel_lo, rel_hi = interval(rel_reps, rel, confidence_level, method, accel_relative)
    return DifferenceInterval(diff, lo, hi, rel, rel_lo, rel_hi)


def difference_ci(
    a: np.ndarray,
    b: np.ndarray,
    statistic: str = "median",
    confidence_level: float = 0.95,
    method: str = "BCa",
    n_resamples: int = 9999,
    random_state: int | np.random.Generator | None = None,
) -> DifferenceInterval:
    """Two-sample bootstrap CI of statistic(b) − statistic(a) and of the ratio − 1.

    The samples are resampled independently (as scipy.stats.bootstrap does); NaN ignored.
    """
    method = check_method(method, confidence_level, n_resamples)
    stat = parse_statistic(statistic)
    xa, xb = sorted_finite(a), sorted_finite(b)
    if len(xa) < 2 or len(xb) < 2:
        return NOT_ENOUGH
    rng = make_rng(random_state)
    seeds_a, seeds_b = draw_seeds(rng), draw_seeds(rng)
    theta_a, theta_b = estimate(xa, stat), estimate(xb, stat)
    reps_a = replicates(xa, stat, int(n_resamples), seeds_a)
    reps_b = replicates(xb, stat, int(n_resamples), seeds_b)
    return difference_from_replicates(
        xa, xb, stat, theta_a, theta_b, reps_a, reps_b, confidence_level, method
    )
