"""Numba kernels of the bootstrap: replicate draws and the Mann–Whitney rank sum.

Every kernel is compiled lazily (`cache=True`, no eager signatures), so importing this
module compiles nothing; `tpot_widget.stats.warm_up()` compiles them all on tiny inputs.
Seeds are uint32 values handed in by the caller, so the same seed gives the same numbers.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def _interpolate(lo: float, hi: float, g: float, midpoint: bool) -> float:
    """numpy's value between two neighbouring order statistics (median: their mean)."""
    if midpoint:
        return (lo + hi) * 0.5
    diff = hi - lo
    if g >= 0.5:
        return hi - diff * (1.0 - g)
    return lo + diff * g


@njit(cache=True)
def interpolated(x_sorted: np.ndarray, j: int, g: float, midpoint: bool) -> float:
    """The statistic at virtual index j + g of sorted data (numpy "linear" quantile)."""
    if g == 0.0:
        return x_sorted[j]
    return _interpolate(x_sorted[j], x_sorted[j + 1], g, midpoint)


@njit(cache=True, inline="always")
def _gamma(d: float, c: float) -> float:
    """Gamma(shape) draw, shape >= 1, d = shape − 1/3, c = 1/√(9d) (Marsaglia & Tsang 2000).

    About twice as fast as numba's np.random.gamma/beta (Cheng's method), and exact.
    """
    while True:
        x = np.random.standard_normal()
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = np.random.random()
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2:
            return d * v
        if math.log(u) < 0.5 * x2 + d * (1.0 - v + math.log(v)):
            return d * v


@njit(cache=True, inline="always")
def _chunk_bounds(c: int, n_chunks: int, n_resamples: int) -> tuple[int, int]:
    """Replicates [start, stop) of chunk c: contiguous blocks, independent of thread count."""
    size = (n_resamples + n_chunks - 1) // n_chunks
    start = min(c * size, n_resamples)
    return start, min(start + size, n_resamples)


@njit(cache=True, nogil=True)  # nogil: a sweep draws its levels' replicates on threads
def order_statistic_replicates(
    x_sorted: np.ndarray, j: int, g: float, midpoint: bool, n_resamples: int, seeds: np.ndarray
) -> np.ndarray:
    """Bootstrap replicates of the quantile at virtual index j + g, without resampling rows.

    The (j+1)-th smallest of n resampled values is x[floor(n·U)] with U ~ Beta(j+1, n−j);
    the next one uses U' = U + (1−U)·Beta(1, n−j−1). O(n_resamples) after one sort;
    chunk c of len(seeds) draws its block of replicates from seeds[c].
    """
    n = x_sorted.shape[0]
    k = j + 1  # 1-based rank of the lower order statistic
    n_chunks = seeds.shape[0]
    out = np.empty(n_resamples, dtype=np.float64)
    inv_rest = 1.0 / (n - k) if n > k else 0.0
    # Beta(k, n−k+1) = G1 / (G1 + G2) with G1 ~ Gamma(k), G2 ~ Gamma(n−k+1).
    d1 = k - 1.0 / 3.0
    c1 = 1.0 / math.sqrt(9.0 * d1)
    d2 = (n - k + 1) - 1.0 / 3.0
    c2 = 1.0 / math.sqrt(9.0 * d2)
    for c in range(n_chunks):
        np.random.seed(seeds[c])
        start, stop = _chunk_bounds(c, n_chunks, n_resamples)
        for r in range(start, stop):
            g1 = _gamma(d1, c1)
            u = g1 / (g1 + _gamma(d2, c2))
            i1 = int(n * u)
            if i1 > n - 1:
                i1 = n - 1
            if g == 0.0:
                out[r] = x_sorted[i1]
                continue
            # Beta(1, n-k) by inversion: 1 - V**(1/(n-k)), computed without cancellation.
            v = -math.expm1(math.log(1.0 - np.random.random()) * inv_rest)
            u2 = u + (1.0 - u) * v
            i2 = int(n * u2)
            if i2 > n - 1:
                i2 = n - 1
            out[r] = _interpolate(x_sorted[i1], x_sorted[i2], g, midpoint)
    return out


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


@njit(cache=True, inline="always")
def _splitmix64(state: np.uint64) -> tuple[np.uint64, np.uint64]:
    """(next state, output) of SplitMix64, used to expand a seed into xoshiro's state."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return state, z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, parallel=True)
def mean_replicates(x: np.ndarray, n_resamples: int, seeds: np.ndarray) -> np.ndarray:
    """Bootstrap replicates of the mean by resampling rows, in parallel chunks.

    Chunk c (of len(seeds)) draws its block of replicates from seeds[c], so the result
    does not depend on how many threads run or how they pick up chunks. Row indices come
    from an inline xoshiro256+ generator (53-bit uniforms), several times faster than
    NumPy's Mersenne Twister for these n × n_resamples draws.
    """
    n = x.shape[0]
    n_chunks = seeds.shape[0]
    out = np.empty(n_resamples, dtype=np.float64)
    for c in prange(n_chunks):
        state = np.uint64(seeds[c])
        state, s0 = _splitmix64(state)
        state, s1 = _splitmix64(state)
        state, s2 = _splitmix64(state)
        state, s3 = _splitmix64(state)
        start, stop = _chunk_bounds(c, n_chunks, n_resamples)
        for r in range(start, stop):
            total = 0.0
            for _ in range(n):
                bits = s0 + s3
                t = s1 << np.uint64(17)
                s2 ^= s0
                s3 ^= s1
                s1 ^= s2
                s0 ^= s3
                s2 ^= t
                s3 = _rotl(s3, 45)
                i = int(float(bits >> np.uint64(11)) * _TO_UNIT * n)
                total += x[min(i, n - 1)]
            out[r] = total / n
    return out


@njit(cache=True)
def select_in_range(
    values_sorted: np.ndarray, x_by_value: np.ndarray, lo: float, hi: float
) -> np.ndarray:
    """The already-sorted values whose x lies in [lo, hi], one linear pass (stays sorted)."""
    n = values_sorted.shape[0]
    out = np.empty(n, dtype=np.float64)
    m = 0
    for i in range(n):  # branch-free: x is unordered here, so a branch mispredicts
        xi = x_by_value[i]
        out[m] = values_sorted[i]
        m += (xi >= lo) & (xi <= hi)
    return out[:m].copy()


@njit(cache=True)
def rank_sum_no_ties(a_sorted: np.ndarray, b_sorted: np.ndarray) -> tuple[float, bool]:
    """Sum of a's ranks in the pooled sample and whether a value of a equals one of b.

    A branch-free merge in integer arithmetic (about twice as fast as the tie-aware one).
    Exact only if neither sample has ties of its own (checked by the caller); with a cross
    tie the caller switches to `rank_sum_with_ties`.
    """
    n1 = a_sorted.shape[0]
    n2 = b_sorted.shape[0]
    i = 0
    j = 0
    rank_sum = 0
    cross_tie = False
    while i < n1 and j < n2:
        va = a_sorted[i]
        vb = b_sorted[j]
        take_a = np.int64(va <= vb)
        cross_tie |= va == vb
        # a's element, if taken, has rank i + j + 1 (1-based) in the pooled order.
        rank_sum += take_a * (i + j + 1)
        i += take_a
        j += 1 - take_a
    # a's remaining elements follow all of b: ranks i + n2 + 1 ... n1 + n2.
    rest = n1 - i
    return float(rank_sum) + rest * (i + n2 + 1.0) + rest * (rest - 1) / 2.0, cross_tie


@njit(cache=True)
def rank_sum_with_ties(a_sorted: np.ndarray, b_sorted: np.ndarray) -> tuple[float, float]:
    """Sum of a's mid-ranks in the pooled sample and Σ(t³ − t) over tie groups, O(n1 + n2)."""
    n1 = a_sorted.shape[0]
    n2 = b_sorted.shape[0]
    i = 0
    j = 0
    rank_sum = 0.0
    tie_term = 0.0
    before = 0.0
    while i < n1 or j < n2:
        take_a = j >= n2 or (i < n1 and a_sorted[i] <= b_sorted[j])
        value = a_sorted[i] if take_a else b_sorted[j]
        ca = 0
        while i < n1 and a_sorted[i] == value:
            ca += 1
            i += 1
        cb = 0
        while j < n2 and b_sorted[j] == value:
            cb += 1
            j += 1
        t = float(ca + cb)
        rank_sum += ca * (before + (t + 1.0) / 2.0)
        tie_term += t * t * t - t
        before += t
    return rank_sum, tie_term


@njit(cache=True)
def moment_prefix_sums(values: np.ndarray, reference: float) -> np.ndarray:
    """(4, n + 1) prefix sums of (v − reference)^k, k = 1..4, Neumaier-compensated.

    Row k − 1, column i holds Σ_{j < i} (v_j − reference)^k rounded once from the
    compensated sum, so a difference of two columns is accurate to ulps of the totals.
    """
    n = values.shape[0]
    out = np.zeros((4, n + 1), dtype=np.float64)
    sums = np.zeros(4)
    comps = np.zeros(4)
    for i in range(n):
        y = values[i] - reference
        p = y
        for k in range(4):
            s = sums[k]
            t = s + p
            if abs(s) >= abs(p):
                comps[k] += (s - t) + p
            else:
                comps[k] += (p - t) + s
            sums[k] = t
            out[k, i + 1] = t + comps[k]
            p *= y
    return out


@njit(cache=True)
def count_pairwise_le(a_sorted: np.ndarray, b_sorted: np.ndarray, t: float) -> int:
    """How many pairs (i, j) have b_j − a_i ≤ t (as computed in float64), in O(n + m).

    For fixed j the difference falls as i rises, and the first i where it is ≤ t only
    moves right as j rises (rounding is monotone), so one pointer sweeps a once; the
    sweep is branch-free (n + m steps), as the comparisons are unpredictable.
    """
    n = a_sorted.shape[0]
    m = b_sorted.shape[0]
    i = 0
    j = 0
    total = 0
    last = n - 1
    while j < m:
        ii = i if i < n else last
        adv = np.int64((i < n) & (b_sorted[j] - a_sorted[ii] > t))
        i += adv
        total += (1 - adv) * (n - i)
        j += 1 - adv
    return total


@njit(cache=True, nogil=True)  # nogil: the shift function draws beside the other statistics
def joint_order_statistic_replicates(
    x_sorted: np.ndarray, ranks: np.ndarray, n_resamples: int, seeds: np.ndarray
) -> np.ndarray:
    """(n_resamples, len(ranks)) joint draws of the resample's order statistics at `ranks`.

    `ranks` are strictly increasing 1-based ranks. Uniform order statistics are Markov:
    given U_(r) = u, U_(s) = u + (1 − u)·Beta(s − r, n − s + 1) for s > r. So one resample's
    order statistics at all ranks cost one Beta draw each, and the k-th smallest resampled
    value is x[floor(n·U_(k))], as in `order_statistic_replicates`.
    """
    n = x_sorted.shape[0]
    q = ranks.shape[0]
    n_chunks = seeds.shape[0]
    out = np.empty((n_resamples, q), dtype=np.float64)
    for c in range(n_chunks):
        np.random.seed(seeds[c])
        start, stop = _chunk_bounds(c, n_chunks, n_resamples)
        for r in range(start, stop):
            u = 0.0
            prev = 0
            for k in range(q):
                s = ranks[k]
                a = s - prev
                b = n - s + 1
                if a == 1:
                    # Beta(1, b) by inversion, without cancellation
                    v = -math.expm1(math.log(1.0 - np.random.random()) / b)
                else:
                    da = a - 1.0 / 3.0
                    db = b - 1.0 / 3.0
                    ga = _gamma(da, 1.0 / math.sqrt(9.0 * da))
                    v = ga / (ga + _gamma(db, 1.0 / math.sqrt(9.0 * db)))
                u = u + (1.0 - u) * v
                i = int(n * u)
                if i > n - 1:
                    i = n - 1
                out[r, k] = x_sorted[i]
                prev = s
    return out


@njit(cache=True)
def pairwise_between(
    a_sorted: np.ndarray, b_sorted: np.ndarray, lo: float, hi: float
) -> np.ndarray:
    """Every difference b_j − a_i with lo < b_j − a_i ≤ hi (unordered), in O(n + m + out)."""
    n = a_sorted.shape[0]
    m = b_sorted.shape[0]
    total = 0
    p_hi = 0
    p_lo = 0
    for j in range(m):  # first pass: how many
        bj = b_sorted[j]
        while p_hi < n and bj - a_sorted[p_hi] > hi:
            p_hi += 1
        while p_lo < n and bj - a_sorted[p_lo] > lo:
            p_lo += 1
        total += p_lo - p_hi
    out = np.empty(total, dtype=np.float64)
    p_hi = 0
    p_lo = 0
    w = 0
    for j in range(m):
        bj = b_sorted[j]
        while p_hi < n and bj - a_sorted[p_hi] > hi:
            p_hi += 1
        while p_lo < n and bj - a_sorted[p_lo] > lo:
            p_lo += 1
        for i in range(p_hi, p_lo):
            out[w] = bj - a_sorted[i]
            w += 1
    return out


#: Every kernel, for warm-up and for the "import compiles nothing" check.
KERNELS = (
    interpolated,
    order_statistic_replicates,
    mean_replicates,
    select_in_range,
    rank_sum_no_ties,
    rank_sum_with_ties,
    moment_prefix_sums,
    count_pairwise_le,
    joint_order_statistic_replicates,
)
