"""Mann–Whitney U two-sided p-value from two sorted samples, as scipy.stats.mannwhitneyu.

Large samples: the asymptotic normal test with tie and continuity corrections, computed
from one O(n) merge of the sorted arrays (scipy ranks the pooled data, O(n log n)).
Where scipy would use its exact distribution (a sample of ≤ 8 without ties), scipy is called.
"""

from __future__ import annotations

import math

import numpy as np

from . import kernels


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
    if n1 <= 8 or n2 <= 8:
        pooled = np.concatenate([a_sorted, b_sorted])
        if not _has_ties(np.sort(pooled)):
            from scipy.stats import mannwhitneyu

            return float(mannwhitneyu(a_sorted, b_sorted, method="exact").pvalue), prob_faster
    u = max(u1, n1 * n2 - u1)
    n = n1 + n2
    variance = n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1)))
    if variance <= 0.0:  # every value equal: no evidence of a shift
        return 1.0, prob_faster
    z = (u - n1 * n2 / 2.0 - 0.5) / math.sqrt(variance)
    p = math.erfc(z / math.sqrt(2.0))  # 2 · P(Z > z)
    return min(max(p, 0.0), 1.0), prob_faster
