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

import numpy as np

from . import kernels
from .critical import normal_quantile
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

    `kth_pairwise_differences` with one rank (see there for the method).
    """
    return kth_pairwise_differences(a_sorted, b_sorted, [k])[0]


def kth_pairwise_differences(
    a_sorted: np.ndarray, b_sorted: np.ndarray, ks: Sequence[int]
) -> list[float]:
    """The ks-th smallest (1-based) of the n·m differences b_j − a_i, without forming them.

    Per rank k: keeps a bracket lo < answer ≤ hi with the counts of pairs ≤ each; narrows
    it by interpolating the count (the pairs' CDF), alternating with bisection (of the
    value, then of the float64 keys, so ties and odd shapes still converge in ≤ 64 steps)
    until the bracket holds ≤ 4 (n + m) pairs, which are then listed and partitioned. The
    first brackets come from one sample of pairs (checked by counting), shared by every
    rank, and a rank inside a bracket already listed is read off that listing, so the
    Hodges–Lehmann estimate and its CI bounds cost about one rank's work. Exact in every
    case: only counts decide.
    """
    a_sorted = np.ascontiguousarray(a_sorted, dtype=np.float64)  # one kernel signature
    b_sorted = np.ascontiguousarray(b_sorted, dtype=np.float64)
    n, m = len(a_sorted), len(b_sorted)
    for k in ks:
        if not 1 <= k <= n * m:
            raise ValueError(f"k must be in 1..{n * m}, got {k}")
    found: dict[int, float] = {}
    wanted = sorted(set(int(k) for k in ks))
    if not wanted:
        return []
    search = _PairSearch(a_sorted, b_sorted, wanted)
    for k in wanted:
        if k not in found:
            found.update(search.resolve(k, [w for w in wanted if w not in found]))
    return [found[int(k)] for k in ks]


def _one_integer(lo: float, hi: float) -> bool:
    """Whether (lo, hi] holds at most one integer (then it is floor(hi)).

    Not `hi − lo ≤ 1`: that difference rounds, and (1 − 2⁻⁵³, 2] holds 1 and 2.
    """
    return math.floor(hi) - math.floor(lo) <= 1


class _PairSearch:
    """The state `kth_pairwise_differences` shares between ranks: the data, whether it is
    integer, the widest bracket and the sampled first brackets."""

    def __init__(self, a_sorted: np.ndarray, b_sorted: np.ndarray, ks: Sequence[int]) -> None:
        self.a, self.b = a_sorted, b_sorted
        n, m = len(a_sorted), len(b_sorted)
        self.nm = n * m
        self.limit = 4 * (n + m)
        self.lo = _from_key(_key(float(b_sorted[0] - a_sorted[-1])) - 1)
        self.hi = float(b_sorted[-1] - a_sorted[0])
        self.integer = bool(
            np.all(a_sorted == np.round(a_sorted)) and np.all(b_sorted == np.round(b_sorted))
        )
        self.first: dict[int, tuple[float, float]] = {}
        if self.nm > self.limit:
            # first brackets from 20,000 random pairs (fixed seed): the sample's quantiles
            # k/nm ± 6 standard errors, each side kept only if its count confirms it
            rng = np.random.default_rng(0x5EED)
            sample = np.sort(
                b_sorted[rng.integers(0, m, 20_000)] - a_sorted[rng.integers(0, n, 20_000)]
            )
            levels = []
            for k in ks:
                p = k / self.nm
                margin = 6.0 * math.sqrt(p * (1.0 - p) / len(sample)) + 1.0 / len(sample)
                levels += [max(p - margin, 0.0), min(p + margin, 1.0)]
            bounds = np.quantile(sample, levels).tolist()
            for i, k in enumerate(ks):
                self.first[k] = (float(bounds[2 * i]), float(bounds[2 * i + 1]))
        self.counts: dict[float, int] = {}

    def count(self, t: float) -> int:
        """Pairs with b_j − a_i ≤ t (remembered: ranks often probe the same bound)."""
        c = self.counts.get(t)
        if c is None:
            c = self.counts[t] = int(kernels.count_pairwise_le(self.a, self.b, t))
        return c

    def resolve(self, k: int, pending: Sequence[int]) -> dict[int, float]:
        """The k-th difference, and every pending rank its final bracket also holds."""
        lo, hi = self.lo, self.hi
        c_lo, c_hi = 0, self.nm
        limit = self.limit
        if k in self.first:
            t_lo, t_hi = self.first[k]
            if lo < t_lo < hi:
                c = self.count(t_lo)
                if c < k:
                    lo, c_lo = t_lo, c
            if lo < t_hi < hi:
                c = self.count(t_hi)
                if c >= k:
                    hi, c_hi = t_hi, c
        step = 0
        while c_hi - c_lo > limit and _key(hi) - _key(lo) > 1:
            step += 1
            if self.integer:  # integer data (e.g. whole milliseconds): integer differences
                if _one_integer(lo, hi):
                    break
                # an integer strictly inside: floor(lo) < t < floor(hi) (they are ≥ 2 apart)
                t: float = float(math.floor(lo) + (math.floor(hi) - math.floor(lo)) // 2)
            elif step % 4 == 0:
                t = _from_key((_key(lo) + _key(hi)) // 2)
            else:
                # interpolate the count to land just below k, then just above: a bracket
                target = k - limit / 4 if step % 2 else k + limit / 4
                target = min(max(target, c_lo + 1.0), c_hi - 1.0)
                t = lo + (hi - lo) * ((target - c_lo) / (c_hi - c_lo))
            if not lo < t < hi:
                t = _from_key((_key(lo) + _key(hi)) // 2)
            c = self.count(t)
            if c >= k:
                hi, c_hi = t, c
            else:
                lo, c_lo = t, c
        held = [j for j in pending if c_lo < j <= c_hi]
        if self.integer and _one_integer(lo, hi) and c_hi - c_lo > limit:
            # integer differences: every pair in (lo, hi] is its one integer (a big tie)
            return dict.fromkeys(held, float(math.floor(hi)))
        if _key(hi) - _key(lo) <= 1:
            return dict.fromkeys(held, hi)  # (lo, hi] holds one float64: hi
        inside = kernels.pairwise_between(self.a, self.b, lo, hi)
        index = [j - c_lo - 1 for j in held]
        part = np.partition(inside, index)
        return {j: float(part[i]) for j, i in zip(held, index, strict=True)}


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
    _, tie_term = _rank_sum(a_sorted, b_sorted)
    total = n + m
    var_u = nm / 12.0 * ((total + 1) - (tie_term / (total * (total - 1)) if total > 1 else 0.0))
    z = normal_quantile(confidence_level)
    c = max(1, math.floor(nm / 2.0 - z * math.sqrt(max(var_u, 0.0))))
    c = min(c, (nm + 1) // 2)
    middle = [half + 1] if nm % 2 else [half, half + 1]
    # the estimate's ranks and both CI ranks in one search (one sample, shared listings)
    *centre, lo, hi = kth_pairwise_differences(a_sorted, b_sorted, [*middle, c, nm + 1 - c])
    est = centre[0] if nm % 2 else 0.5 * (centre[0] + centre[1])
    return ShiftEstimate(float(est), lo, hi)
