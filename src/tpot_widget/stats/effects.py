"""Effect sizes a person can read beside a p-value, and Holm's adjustment across runs.

- `probability_faster(a, b)`: P(a request of B takes less than one of A), ties counted
  half, from the Mann–Whitney U of one O(n + m) merge of the sorted samples.
- `hodges_lehmann(a, b)`: the median of all n·m pairwise differences b_j − a_i with the
  distribution-free CI from U's quantiles (Hollander & Wolfe): [D_(C), D_(nm + 1 − C)],
  C = ⌊nm/2 − z_{1−α/2} · sd(U)⌋ with the tie-corrected sd of U under the null (the
  normal approximation of U's distribution; exact selection of the order statistics).
  The pairs are never formed: the k-th smallest difference is found by bisection over
  the float64 values, each step counting pairs ≤ t in O(n + m) (`kth_pairwise_difference`),
  so 64 counts at most: O((n + m) · 64) time, O(1) extra memory.
- `holm(p_values)`: Holm's step-down adjusted p-values (family-wise error control over
  the non-baseline runs; with one p-value it is that p-value).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from . import kernels
from .mannwhitney import _rank_sum


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm-adjusted p-values, in the input order; None entries stay None and don't count.

    Parameters
    ----------
    p_values : sequence of float or None
        One p-value per non-baseline run (None where there was not enough data).

    Returns
    -------
    list of float or None
        p_adj_(j) = max_{i ≤ j} min(1, (m − i + 1) · p_(i)) over the m p-values sorted
        ascending: rejecting where p_adj ≤ α keeps the chance of any false "faster" or
        "slower" among the m runs at most α. Equal to the input when m = 1.
    """
    present = [(float(p), i) for i, p in enumerate(p_values) if p is not None]
    m = len(present)
    out: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(sorted(present)):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def probability_faster(a_sorted: np.ndarray, b_sorted: np.ndarray) -> float | None:
    """P(b < a) + P(b = a)/2 for a random request a of A and b of B; None if one is empty.

    Parameters
    ----------
    a_sorted, b_sorted : numpy.ndarray
        Sorted finite values (lower is faster) of the baseline A and of the run B.

    Returns
    -------
    float or None
        U_A / (n·m), U_A the Mann–Whitney U of A (mid-ranks for ties): 0.5 means neither
        is faster, above 0.5 that B's requests tend to be faster.
    """
    a_sorted = np.ascontiguousarray(a_sorted, dtype=np.float64)
    b_sorted = np.ascontiguousarray(b_sorted, dtype=np.float64)
    n, m = len(a_sorted), len(b_sorted)
    if n == 0 or m == 0:
        return None
    rank_sum, _ = _rank_sum(a_sorted, b_sorted)
    u_a = rank_sum - n * (n + 1) / 2.0
    return float(u_a / (n * m))


def _key(x: float) -> int:
    """An integer with the order of the float64 x (−0.0 and 0.0 share 0)."""
    i = int(np.float64(x).view(np.int64))
    return i if i >= 0 else -(i & 0x7FFFFFFFFFFFFFFF)


def _from_key(k: int) -> float:
    bits = k if k >= 0 else (-k) | (1 << 63)
    return float(np.int64(np.uint64(bits).astype(np.int64)).view(np.float64))


def kth_pairwise_difference(a_sorted: np.ndarray, b_sorted: np.ndarray, k: int) -> float:
    """The k-th smallest (1-based) of the n·m differences b_j − a_i, without forming them.

    Keeps a bracket lo < answer ≤ hi with the counts of pairs ≤ each; narrows it by
    interpolating the count (the pairs' CDF), alternating with bisection (of the value,
    then of the float64 keys, so ties and odd shapes still converge in ≤ 64 steps) until
    the bracket holds ≤ 4 (n + m) pairs, which are then listed and partitioned. The first
    bracket comes from a sample of pairs (checked by counting), so smooth data needs a
    handful of O(n + m) counts. Exact in every case: only counts decide.
    """
    a_sorted = np.ascontiguousarray(a_sorted, dtype=np.float64)  # one kernel signature
    b_sorted = np.ascontiguousarray(b_sorted, dtype=np.float64)
    n, m = len(a_sorted), len(b_sorted)
    if not 1 <= k <= n * m:
        raise ValueError(f"k must be in 1..{n * m}, got {k}")
    lo = _from_key(_key(float(b_sorted[0] - a_sorted[-1])) - 1)
    hi = float(b_sorted[-1] - a_sorted[0])
    c_lo, c_hi = 0, n * m
    limit = 4 * (n + m)
    if c_hi > limit:
        # a first bracket from 20,000 random pairs (fixed seed): the sample's quantiles
        # k/nm ± 6 standard errors, each side kept only if its count confirms it
        rng = np.random.default_rng(0x5EED)
        sample = np.sort(
            b_sorted[rng.integers(0, m, 20_000)] - a_sorted[rng.integers(0, n, 20_000)]
        )
        p = k / (n * m)
        margin = 6.0 * math.sqrt(p * (1.0 - p) / len(sample)) + 1.0 / len(sample)
        t_lo = float(np.quantile(sample, max(p - margin, 0.0)))
        t_hi = float(np.quantile(sample, min(p + margin, 1.0)))
        if lo < t_lo < hi:
            c = int(kernels.count_pairwise_le(a_sorted, b_sorted, t_lo))
            if c < k:
                lo, c_lo = t_lo, c
        if lo < t_hi < hi:
            c = int(kernels.count_pairwise_le(a_sorted, b_sorted, t_hi))
            if c >= k:
                hi, c_hi = t_hi, c
    integer = bool(
        np.all(a_sorted == np.round(a_sorted)) and np.all(b_sorted == np.round(b_sorted))
    )
    step = 0
    while c_hi - c_lo > limit and _key(hi) - _key(lo) > 1:
        step += 1
        if integer:  # integer data (e.g. whole milliseconds): differences are integers
            if hi - lo <= 1.0:
                break
            t: float = float(math.floor(lo) + (math.floor(hi) - math.floor(lo)) // 2)
            t = t if lo < t < hi else 0.5 * (lo + hi)
        elif step % 4 == 0:
            t = _from_key((_key(lo) + _key(hi)) // 2)
        else:
            # interpolate the count to land just below k, then just above: a bracket
            target = k - limit / 4 if step % 2 else k + limit / 4
            target = min(max(target, c_lo + 1.0), c_hi - 1.0)
            t = lo + (hi - lo) * ((target - c_lo) / (c_hi - c_lo))
        if not lo < t < hi:
            t = _from_key((_key(lo) + _key(hi)) // 2)
        c = int(kernels.count_pairwise_le(a_sorted, b_sorted, t))
        if c >= k:
            hi, c_hi = t, c
        else:
            lo, c_lo = t, c
    if integer and hi - lo <= 1.0 and c_hi - c_lo > limit:
        return hi  # the k-th difference is the integer hi (a tie of many pairs)
    if _key(hi) - _key(lo) <= 1:
        return hi
    inside = kernels.pairwise_between(a_sorted, b_sorted, lo, hi)
    return float(np.partition(inside, k - c_lo - 1)[k - c_lo - 1])


@dataclass(frozen=True)
class ShiftEstimate:
    """The Hodges–Lehmann shift of B against A (b − a, in the values' unit) with its CI."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None


def hodges_lehmann(
    a_sorted: np.ndarray, b_sorted: np.ndarray, confidence_level: float = 0.95
) -> ShiftEstimate:
    """Hodges–Lehmann shift: the median of the pairwise differences b − a, with a CI.

    Parameters
    ----------
    a_sorted, b_sorted : numpy.ndarray
        Sorted finite values of the baseline A and of the run B.
    confidence_level : float
        Of the interval.

    Returns
    -------
    ShiftEstimate
        The median of all n·m differences b_j − a_i; the interval covers the shift Δ of
        the location-shift model (B distributed as A + Δ) with the given probability
        (U's normal approximation; distribution-free otherwise). All None if a sample
        is empty.
    """
    a_sorted = np.ascontiguousarray(a_sorted, dtype=np.float64)
    b_sorted = np.ascontiguousarray(b_sorted, dtype=np.float64)
    n, m = len(a_sorted), len(b_sorted)
    if n == 0 or m == 0:
        return ShiftEstimate(None, None, None)
    nm = n * m
    half = nm // 2
    if nm % 2:
        est = kth_pairwise_difference(a_sorted, b_sorted, half + 1)
    else:
        est = 0.5 * (
            kth_pairwise_difference(a_sorted, b_sorted, half)
            + kth_pairwise_difference(a_sorted, b_sorted, half + 1)
        )
    _, tie_term = _rank_sum(a_sorted, b_sorted)
    total = n + m
    var_u = nm / 12.0 * ((total + 1) - (tie_term / (total * (total - 1)) if total > 1 else 0.0))
    z = NormalDist().inv_cdf(0.5 + confidence_level / 2.0)
    c = max(1, math.floor(nm / 2.0 - z * math.sqrt(max(var_u, 0.0))))
    c = min(c, (nm + 1) // 2)
    lo = kth_pairwise_difference(a_sorted, b_sorted, c)
    hi = kth_pairwise_difference(a_sorted, b_sorted, nm + 1 - c)
    return ShiftEstimate(float(est), lo, hi)
