"""Mann–Whitney U two-sided p-value from two sorted samples, as scipy.stats.mannwhitneyu.

Large samples: the asymptotic normal test with tie and continuity corrections, computed
from one O(n) merge of the sorted arrays (scipy ranks the pooled data, O(n log n)).
Where scipy uses its exact distribution (a sample of ≤ 8 without ties), so does this module,
counting it itself: importing scipy.stats for it stalled a widget's brush for ~0.9 s the first
time a brushed selection held that few requests.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import kernels

#: A sample up to this size (and no ties): the p-value comes from U's exact distribution.
EXACT_MAX = 8


def _u_counts(n1: int, n2: int) -> np.ndarray:
    """`_count_orderings`, kept for small sizes (arms of repeated runs: the same few sizes on
    every brush); a large one (a few requests against a whole run) is computed each time."""
    if n1 * n2 <= 4096:
        return _small_u_counts(n1, n2)
    return _count_orderings(n1, n2)


def _count_orderings(n1: int, n2: int) -> np.ndarray:
    """How many of the C(n1 + n2, n1) orderings of two samples give U = 0, 1, ..., n1·n2
    (no ties): the coefficients of the Gaussian binomial [n1 + n2 choose m]_q, m the smaller
    size, built as the product over i = 1..m of (1 − q^(n + i)) / (1 − q^i): O(m² n)."""
    m, n = min(n1, n2), max(n1, n2)
    counts = np.zeros(m * n + m + 1)
    counts[0] = 1.0
    for i in range(1, m + 1):
        top = (i - 1) * n  # the degree so far
        counts[n + i : top + n + i + 1] -= counts[: top + 1]  # × (1 − q^(n+i))
        for r in range(i):  # ÷ (1 − q^i): a running sum along each stride-i class
            run = counts[r : top + n + i + 1 : i]
            np.cumsum(run, out=run)
        counts[i * n + 1 :] = 0.0  # the division is exact: nothing above degree i·n
    return counts[: m * n + 1]


_small_u_counts = functools.lru_cache(maxsize=256)(_count_orderings)


def exact_p(u1: float, n1: int, n2: int) -> float:
    """Two-sided p of U = u1 from its exact distribution, as scipy's method="exact":
    min(1, 2·P(U ≥ max(u1, n1·n2 − u1))), summed over the lower tail (U is symmetric), where
    the counts are exact."""
    counts = _u_counts(n1, n2)
    u = round(min(u1, n1 * n2 - u1))
    return min(1.0, 2.0 * float(np.sum(counts[: u + 1])) / float(np.sum(counts)))


def _has_ties(x_sorted: np.ndarray) -> bool:
    return bool(np.any(x_sorted[1:] == x_sorted[:-1]))


def _rank_sum(a_sorted: np.ndarray, b_sorted: np.ndarray) -> tuple[float, float]:
    """a's mid-rank sum and Σ(t³ − t): a branch-free merge when there are no ties at all."""
    if not (_has_ties(a_sorted) or _has_ties(b_sorted)):
        rank_sum, cross_tie = kernels.rank_sum_no_ties(a_sorted, b_sorted)
        if not cross_tie:
            return rank_sum, 0.0
    return kernels.rank_sum_with_ties(a_sorted, b_sorted)


def mann_whitney_p(a_sorted: np.ndarray, b_sorted: np.ndarray) -> float | None:
    """Two-sided p-value of the Mann–Whitney U test; None if a sample is empty."""
    return mann_whitney(a_sorted, b_sorted)[0]


def mann_whitney(a_sorted: np.ndarray, b_sorted: np.ndarray) -> tuple[float | None, float | None]:
    """(two-sided p-value, P(b < a) + P(b = a)/2) from one merge; (None, None) if one is empty.

    The second value is `effects.probability_faster` (U_A / (n·m)), computed from the same
    rank sum so a brush pays for one O(n) merge, not two.
    """
    n1, n2 = len(a_sorted), len(b_sorted)
    if n1 == 0 or n2 == 0:
        return None, None
    rank_sum, tie_term = _rank_sum(a_sorted, b_sorted)
    u1 = rank_sum - n1 * (n1 + 1) / 2.0
    prob_faster = float(u1 / (n1 * n2))
    # Σ(t³ − t) is 0 exactly when no value is tied, within or across the samples
    if (n1 <= EXACT_MAX or n2 <= EXACT_MAX) and tie_term == 0.0:
        return exact_p(u1, n1, n2), prob_faster
    u = max(u1, n1 * n2 - u1)
    n = n1 + n2
    variance = n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1)))
    if variance <= 0.0:  # every value equal: no evidence of a shift
        return 1.0, prob_faster
    z = (u - n1 * n2 / 2.0 - 0.5) / math.sqrt(variance)
    p = math.erfc(z / math.sqrt(2.0))  # 2 · P(Z > z)
    return min(max(p, 0.0), 1.0), prob_faster
