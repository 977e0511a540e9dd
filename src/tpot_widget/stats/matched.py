"""Matched workloads: compare runs as if both had served the same mix of token counts.

Method: post-stratification with a regression adjustment inside the cells. Over the common
support of the covariate(s) x (per column, [max of the minima, min of the maxima]), cells are
the quantile bins of the pooled x of both runs (two columns give the grid of both; ties merge
edges, so integer token counts become exact strata where there are enough rows). Their number
grows with the data: per column max(10, round(√N / 2)) bins, N the pooled requests on the
support (2,000 → 22, 20,000 → 71, 200,000 → 224), and at most N / (4 · n_min) so that a cell
can hold the statistic's minimum sample n_min (`order.minimum_sample_size`) of both runs.
A cell counts when each run has ≥ n_min requests in it (at least 2); its weight is its share
of the pooled requests in counted cells.

Inside a cell the runs' x still differ a little (the run with longer outputs sits higher in
each bin), and with a fixed number of cells that residue does not shrink while the noise
does: with 10 cells, identical speeds and TPOT rising with length, matched A/A comparisons
said "slower" most of the time at 10k requests per run. So each value is first moved to its
cell's pooled mean x along the common within-cell slope β (least squares of the values on x,
both runs, centred per cell): v' = v − β · (x − x̄_cell). With the adjustment a linear trend
leaves no bias, and with cells that narrow as N grows a curved one leaves a residue that
vanishes faster than the noise (tests/test_stats_matched.py: A/A ≤ 5 % at 1k, 10k and 100k
requests per run, lengths exponential with different means, TPOT linear and quadratic in x).

Each run's matched statistic is Σ_c w_c θ_c, θ_c the statistic of its adjusted requests in
cell c: for the mean the post-stratified, covariate-adjusted mean; for the median and
quantiles the weighted average of per-cell values (the per-length median averaged over the
pooled workload, not the median of a reweighted sample: it keeps each cell's bootstrap O(B)
through the order-statistic kernel). Under the null (equal per-cell distributions) both
runs estimate the same Σ_c w_c θ_c, whatever their x distributions.

CI: a stratified bootstrap with the weights and the slope held fixed (inference conditional
on the pooled workload): each run's requests are resampled within each cell, independently.
The difference's interval is normal with the replicates' SD, Δ ± z · sd*(Δ), and its p-value
2 Φ(−|Δ| / sd*(Δ)), so the p-value and the interval always agree; the ratio − 1 takes the
percentile interval of the replicate ratios. Requests outside the common support
(`n_outside_*`) or in a cell the other run has too few requests in (`n_unmatched_*`) are left
out and counted.

`confounding` says when the raw comparison is at risk: the x distributions differ (KS
distance > 0.1 or |standardized mean difference| > 0.1, the usual balance bound in the
matching literature) AND the dimension varies with x (|Spearman ρ| > 0.1 on the pooled
requests).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from . import bootstrap as bs
from .critical import normal_quantile
from .order import describe_minimum, minimum_sample_size

KS_BOUND = 0.1
SMD_BOUND = 0.1
CORRELATION_BOUND = 0.1


@dataclass(frozen=True)
class MatchedDifference(bs.DifferenceInterval):
    """θ_B − θ_A and θ_B / θ_A − 1 on the matched workload, with CIs and what was left out.

    `cells_a`/`cells_b` give each request's cell (−1: left out), `weights` each cell's
    pooled share; `support` the (lo, hi) of each covariate column; `slope` the common
    within-cell slope per column the values were adjusted along (None: not adjusted).
    """

    p_value: float | None
    theta_a: float | None
    theta_b: float | None
    n_a: int
    n_b: int
    n_outside_a: int
    n_outside_b: int
    n_unmatched_a: int
    n_unmatched_b: int
    n_cells: int
    support: tuple[tuple[float, float], ...]
    weights: np.ndarray
    cells_a: np.ndarray
    cells_b: np.ndarray
    slope: tuple[float, ...] | None = None


def _columns(x: np.ndarray, n: int, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError(f"{name} must have one row per value ({n}), got shape {arr.shape}")
    return arr


#: Fewest quantile bins per covariate column (the rule of the module docstring).
MIN_BINS = 10


def default_bins(n_pooled: int, n_min: int) -> int:
    """Bins per column for `n_pooled` requests: max(10, √N / 2), at most N / (4 · n_min)."""
    grow = max(MIN_BINS, round(math.sqrt(n_pooled) / 2.0))
    return max(1, min(grow, n_pooled // (4 * max(n_min, 2))))


def _support(
    xa: np.ndarray, xb: np.ndarray, ok_a: np.ndarray, ok_b: np.ndarray
) -> tuple[list[tuple[float, float]], np.ndarray, np.ndarray]:
    """Each column's common (lo, hi), and which rows of each run lie inside all of them."""
    support = []
    inside_a, inside_b = ok_a.copy(), ok_b.copy()
    for k in range(xa.shape[1]):
        ca, cb = xa[ok_a, k], xb[ok_b, k]
        lo, hi = max(ca.min(), cb.min()), min(ca.max(), cb.max())
        if lo > hi:
            raise ValueError(
                f"no common support: the runs' covariate column {k} ranges do not overlap "
                f"([{ca.min():g}, {ca.max():g}] vs [{cb.min():g}, {cb.max():g}])"
            )
        support.append((float(lo), float(hi)))
        with np.errstate(invalid="ignore"):
            inside_a &= (xa[:, k] >= lo) & (xa[:, k] <= hi)
            inside_b &= (xb[:, k] >= lo) & (xb[:, k] <= hi)
    return support, inside_a, inside_b


def _cells(
    xa: np.ndarray, xb: np.ndarray, inside_a: np.ndarray, inside_b: np.ndarray, n_bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """Raw cell ids (−1 outside) of both runs: the grid of each column's pooled quantile bins."""
    ids_a = np.zeros(len(xa), dtype=np.int64)
    ids_b = np.zeros(len(xb), dtype=np.int64)
    for k in range(xa.shape[1]):
        pooled = np.concatenate([xa[inside_a, k], xb[inside_b, k]])
        edges = np.unique(np.quantile(pooled, np.linspace(0.0, 1.0, n_bins + 1)))
        n_here = max(len(edges) - 1, 1)
        inner = edges[1:-1]
        ids_a = ids_a * n_here + np.searchsorted(inner, xa[:, k], side="right")
        ids_b = ids_b * n_here + np.searchsorted(inner, xb[:, k], side="right")
    return np.where(inside_a, ids_a, -1), np.where(inside_b, ids_b, -1)


def _within_cell_slope(
    x: np.ndarray, v: np.ndarray, cells: np.ndarray, n_cells: int
) -> tuple[np.ndarray, np.ndarray]:
    """(β, each cell's mean x): least squares of v on x after centring both per cell."""
    count = np.bincount(cells, minlength=n_cells).astype(np.float64)
    x_mean = np.stack(
        [np.bincount(cells, x[:, k], n_cells) / np.maximum(count, 1.0) for k in range(x.shape[1])],
        axis=1,
    )
    v_mean = np.bincount(cells, v, n_cells) / np.maximum(count, 1.0)
    dx, dv = x - x_mean[cells], v - v_mean[cells]
    beta = np.linalg.lstsq(dx, dv, rcond=None)[0] if np.any(dx != 0.0) else np.zeros(x.shape[1])
    return np.where(np.isfinite(beta), beta, 0.0), x_mean


def matched_difference(
    a_values: np.ndarray,
    a_x: np.ndarray,
    b_values: np.ndarray,
    b_x: np.ndarray,
    statistic: str = "median",
    n_bins: int | None = None,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    random_state: int | np.random.Generator | None = None,
    adjust: bool = True,
) -> MatchedDifference:
    """Difference of a statistic between two runs for matched workloads on x.

    Parameters
    ----------
    a_values, b_values : numpy.ndarray
        Request values of the baseline A and of run B (NaN values are left out).
    a_x, b_x : numpy.ndarray
        Their covariates, shape (n,) or (n, d) (e.g. output and input token counts).
    statistic : str
        "median", "mean" or "p<percent>".
    n_bins : int, optional
        Quantile bins of the pooled x per covariate column; default `default_bins` (grows
        with the data, see the module docstring).
    confidence_level, n_resamples, random_state
        As for `difference_ci`.
    adjust : bool, default True
        Move each value to its cell's mean x along the common within-cell slope first.

    Returns
    -------
    MatchedDifference
        The matched statistics Σ_c w_c θ_c of each run on the pooled workload of the
        common support, their difference (normal interval from the stratified bootstrap's
        SD, with the p-value of the same test) and ratio − 1 (percentile interval), covering
        request noise given the pooled workload, and how many requests of each run were
        left out (see module docstring).
    """
    bs.check_method("percentile", confidence_level, n_resamples)
    stat = bs.parse_statistic(statistic)
    if n_bins is not None and int(n_bins) < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    va = np.asarray(a_values, dtype=np.float64).ravel()
    vb = np.asarray(b_values, dtype=np.float64).ravel()
    xa, xb = _columns(a_x, len(va), "a_x"), _columns(b_x, len(vb), "b_x")
    ok_a = ~np.isnan(va) & ~np.isnan(xa).any(axis=1)
    ok_b = ~np.isnan(vb) & ~np.isnan(xb).any(axis=1)
    need = max(2, minimum_sample_size(stat, confidence_level))
    if ok_a.sum() < need or ok_b.sum() < need:
        raise ValueError(
            f"matching needs at least {need} requests with a value and x in each run "
            f"({describe_minimum(stat, confidence_level)})"
        )
    support, inside_a, inside_b = _support(xa, xb, ok_a, ok_b)
    n_pooled = int(inside_a.sum() + inside_b.sum())
    bins = default_bins(n_pooled, need) if n_bins is None else int(n_bins)
    raw_a, raw_b = _cells(xa, xb, inside_a, inside_b, bins)
    count_a = np.bincount(raw_a[raw_a >= 0])
    count_b = np.bincount(raw_b[raw_b >= 0])
    size = max(len(count_a), len(count_b))
    count_a = np.pad(count_a, (0, size - len(count_a)))
    count_b = np.pad(count_b, (0, size - len(count_b)))
    kept = np.flatnonzero((count_a >= need) & (count_b >= need))
    relabel = np.full(size, -1, dtype=np.int64)
    relabel[kept] = np.arange(len(kept))
    cells_a = np.where(raw_a >= 0, relabel[np.maximum(raw_a, 0)], -1)
    cells_b = np.where(raw_b >= 0, relabel[np.maximum(raw_b, 0)], -1)
    if len(kept) == 0:
        raise ValueError(
            f"no common support: no token bin holds {need} requests of both runs "
            f"({describe_minimum(stat, confidence_level)})"
        )
    pooled = (count_a + count_b)[kept].astype(np.float64)
    weights = pooled / pooled.sum()
    if adjust:
        in_a, in_b = cells_a >= 0, cells_b >= 0
        beta, x_mean = _within_cell_slope(
            np.concatenate([xa[in_a], xb[in_b]]),
            np.concatenate([va[in_a], vb[in_b]]),
            np.concatenate([cells_a[in_a], cells_b[in_b]]),
            len(kept),
        )
        va, vb = va.copy(), vb.copy()
        va[in_a] -= (xa[in_a] - x_mean[cells_a[in_a]]) @ beta
        vb[in_b] -= (xb[in_b] - x_mean[cells_b[in_b]]) @ beta
    rng = bs.make_rng(random_state)
    b = int(n_resamples)
    theta = [0.0, 0.0]
    reps = [np.zeros(b), np.zeros(b)]
    for side, (v, cells) in enumerate(((va, cells_a), (vb, cells_b))):
        order = np.argsort(cells, kind="stable")
        sorted_cells = cells[order]
        bounds = np.searchsorted(sorted_cells, np.arange(len(kept) + 1))
        for c in range(len(kept)):
            x = np.sort(v[order[bounds[c] : bounds[c + 1]]])
            theta[side] += weights[c] * bs.estimate(x, stat)
            reps[side] += weights[c] * bs.replicates(x, stat, b, bs.draw_seeds(rng))
    theta_a, theta_b = theta
    diff = theta_b - theta_a
    sd = float(np.std(reps[1] - reps[0], ddof=1)) if b > 1 else 0.0
    z = normal_quantile(confidence_level)
    lo, hi = diff - z * sd, diff + z * sd
    no_spread_p = 1.0 if diff == 0.0 else 0.0
    p = 2.0 * NormalDist().cdf(-abs(diff) / sd) if sd > 0.0 else no_spread_p
    rel = rel_lo = rel_hi = None
    if theta_a > 0.0 and math.isfinite(theta_a) and np.all(reps[0] > 0.0):
        rel = theta_b / theta_a - 1.0
        rel_lo, rel_hi = bs.interval(
            reps[1] / reps[0] - 1.0, rel, confidence_level, "percentile", lambda: 0.0
        )
    return MatchedDifference(
        estimate=diff,
        ci_low=lo,
        ci_high=hi,
        relative=rel,
        relative_ci_low=rel_lo,
        relative_ci_high=rel_hi,
        p_value=float(p),
        theta_a=theta_a,
        theta_b=theta_b,
        n_a=int((cells_a >= 0).sum()),
        n_b=int((cells_b >= 0).sum()),
        n_outside_a=int((ok_a & ~inside_a).sum()),
        n_outside_b=int((ok_b & ~inside_b).sum()),
        n_unmatched_a=int((inside_a & (cells_a < 0)).sum()),
        n_unmatched_b=int((inside_b & (cells_b < 0)).sum()),
        n_cells=len(kept),
        support=tuple(support),
        weights=weights,
        cells_a=cells_a,
        cells_b=cells_b,
        slope=tuple(float(x) for x in beta) if adjust else None,
    )


def ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov–Smirnov distance sup |F_a − F_b| of non-empty samples.

    `scipy.stats.ks_2samp(a, b).statistic`, computed as scipy does (both ECDFs at every
    pooled value, two binary searches), without its p-value; a sorted sample (the
    x-sorted rows of a brush) costs no sort.
    """
    a, b = _sorted(a), _sorted(b)
    pooled = np.concatenate([a, b])
    cdf_diff = np.searchsorted(a, pooled, side="right") / len(a) - np.searchsorted(
        b, pooled, side="right"
    ) / len(b)
    return float(max(min(max(-cdf_diff.min(), 0.0), 1.0), cdf_diff.max()))


def _sorted(x: np.ndarray) -> np.ndarray:
    """x itself when already ascending (O(n) check), else a sorted copy."""
    return x if len(x) < 2 or bool(np.all(x[1:] >= x[:-1])) else np.sort(x)


def _mostly_sorted(x: np.ndarray) -> bool:
    """Whether x is a few ascending stretches (at most 8 descents)."""
    return int(np.count_nonzero(x[1:] < x[:-1])) <= 8


def average_ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks of x, ties given their mean rank (`scipy.stats.rankdata`'s default)."""
    n = len(x)
    # ties get one mean rank whatever their order, so any sort serves; timsort ("stable")
    # merges already-sorted stretches (the pooled x-sorted rows of two runs) in O(n)
    order = np.argsort(x, kind="stable" if _mostly_sorted(x) else "quicksort")
    ordered = x[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    sizes = np.diff(np.append(starts, n))
    mean_rank = starts + (sizes + 1) / 2.0
    ranks = np.empty(n, dtype=np.float64)
    ranks[order] = np.repeat(mean_rank, sizes)
    return ranks


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's ρ of paired x and y: `scipy.stats.spearmanr(x, y).statistic` (NaN when
    either is constant), as scipy computes it (Pearson's r of the average ranks)."""
    if len(x) < 2 or np.all(x == x[0]) or np.all(y == y[0]):
        return math.nan
    return float(np.corrcoef(np.vstack([average_ranks(x), average_ranks(y)]))[1, 0])


@dataclass(frozen=True)
class Confounding:
    """Whether x differs between the runs enough, and matters enough, to confound."""

    confounded: bool
    ks: float
    smd: float
    correlation: float
    note: str | None


def confounding(
    a_values: np.ndarray,
    a_x: np.ndarray,
    b_values: np.ndarray,
    b_x: np.ndarray,
    covariate: str = "num_tokens_output",
) -> Confounding:
    """Detect a workload confound of the raw comparison on one covariate.

    Parameters
    ----------
    a_values, a_x, b_values, b_x : numpy.ndarray
        Each run's request values and covariate (1-D; NaN pairs left out).
    covariate : str
        The covariate's name, for the note (and the `match=` it suggests).

    Returns
    -------
    Confounding
        `confounded` when (KS distance > 0.1 or |SMD| > 0.1) and |Spearman ρ| > 0.1 of
        value vs x on the pooled requests; `note` then says so and suggests `match`.
    """
    va, xa = np.asarray(a_values, float).ravel(), np.asarray(a_x, float).ravel()
    vb, xb = np.asarray(b_values, float).ravel(), np.asarray(b_x, float).ravel()
    ka = ~np.isnan(va) & ~np.isnan(xa)
    kb = ~np.isnan(vb) & ~np.isnan(xb)
    xa, xb, va, vb = xa[ka], xb[kb], va[ka], vb[kb]
    if len(xa) < 2 or len(xb) < 2:
        return Confounding(False, math.nan, math.nan, math.nan, None)
    ks = ks_distance(xa, xb)
    spread = math.sqrt((float(np.var(xa, ddof=1)) + float(np.var(xb, ddof=1))) / 2.0)
    smd = (float(np.mean(xb)) - float(np.mean(xa))) / spread if spread > 0 else 0.0
    pooled_x, pooled_v = np.concatenate([xa, xb]), np.concatenate([va, vb])
    rho = spearman(pooled_x, pooled_v) if np.ptp(pooled_x) > 0 else 0.0
    if not math.isfinite(rho):
        rho = 0.0
    confounded = (ks > KS_BOUND or abs(smd) > SMD_BOUND) and abs(rho) > CORRELATION_BOUND
    note = None
    if confounded:
        note = (
            f"the runs' {covariate} distributions differ (KS distance {ks:.2f}, standardized "
            f"mean difference {smd:+.2f}) and the values vary with it (Spearman {rho:+.2f}): "
            f"the raw difference mixes speed with workload; compare with match={covariate!r}"
        )
    return Confounding(confounded, ks, smd, rho, note)
