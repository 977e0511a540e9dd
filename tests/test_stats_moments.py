"""The live mean: O(1) range moments and the Cornish–Fisher bootstrap of a mean.

Proofs: range moments equal two-pass moments of the selected rows; the Cornish–Fisher
replicates have the quantiles of exact resampling; CI endpoints (BCa and percentile,
lognormal and integer-millisecond data, n = 500, 5k, 50k) agree with scipy.stats.bootstrap
within Monte-Carlo error (the pattern of test_stats_scipy.py); the closed-form accelerations
equal scipy's jackknife sums.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pytest
from scipy import stats as sps
from stats_checks import assert_endpoints_agree

from tpot_widget import stats
from tpot_widget.stats import moments, statistics

B = 9999


def tpot(n: int, kind: str, seed: int = 0) -> np.ndarray:
    """Skewed seconds (lognormal), integer milliseconds (ties), or a heavy tail."""
    rng = np.random.default_rng(seed + n)
    x = rng.lognormal(np.log(0.025), 0.35, n)
    if kind == "tied":
        return np.round(x * 1000)
    if kind == "heavy":
        x[rng.random(n) < 0.01] *= 40.0  # 1 % stalls, 40x slower
    return x


def test_range_moments_equal_two_pass_moments_of_the_rows() -> None:
    rng = np.random.default_rng(3)
    for kind in ("lognormal", "tied", "heavy"):
        n = 20_000
        values = tpot(n, kind) + (1e3 if kind == "tied" else 0.0)  # an offset to cancel
        x = rng.integers(1, 3000, n).astype(float)
        x[rng.random(n) < 0.01] = np.nan
        usable = rng.random(n) > 0.05
        sel = stats.SortedSelector(values, x, usable)
        # documented bound: a few ulps of the run's totals Σ|v − c|^k (c = the median)
        kept = values[usable & ~np.isnan(x)]
        c = float(np.median(kept))
        y = np.abs(kept - c)
        totals = [float(np.sum(y**k)) for k in (1, 2, 3, 4)]
        ranges = [(None, None), (1, 5), (2999, None), (100, 2900), (7, 7)]
        ranges += [tuple(sorted(rng.integers(0, 3000, 2).tolist())) for _ in range(40)]
        for r in [None, *ranges]:
            got = sel.moments(r)
            ref = stats.Moments.from_values(sel.select(r))
            assert got.n == ref.n
            if ref.n == 0:
                continue
            ulps = 64 * np.finfo(float).eps
            assert abs(got.mean - ref.mean) <= ulps * (totals[0] / ref.n + abs(ref.mean))
            pairs = ((got.s2, ref.s2), (got.s3, ref.s3), (got.s4, ref.s4))
            for k, (g, e) in enumerate(pairs, start=2):
                # central sums mix the raw sums: bound by the totals scaled by the range's mean
                spread = sum(totals[j - 1] * abs(got.mean - c) ** (k - j) for j in range(1, k + 1))
                assert abs(g - e) <= ulps * (spread + totals[k - 1]) + 1e-9 * abs(e), (kind, r, k)


def test_constant_range_has_zero_spread_and_a_zero_width_interval() -> None:
    values = np.r_[np.full(1000, 0.03), np.linspace(0.01, 0.05, 1000)]
    x = np.r_[np.full(1000, 5.0), np.arange(1000.0) + 10]
    sel = stats.SortedSelector(values, x, np.ones(2000, dtype=bool))
    m = sel.moments((5, 5))
    assert m.n == 1000 and m.s2 == 0.0 and m.mean == pytest.approx(0.03, rel=1e-12)
    reps = stats.replicates_from_moments(m, 99, np.arange(16, dtype=np.uint32))
    assert reps is not None and np.all(reps == m.mean)


def test_cornish_fisher_quantiles_match_exact_resampling() -> None:
    """Quantiles of the CF draws vs the row-resampling kernel's, within Monte-Carlo error."""
    b = 40_000
    qs = np.array([0.005, 0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975, 0.995])
    for kind, n in (("lognormal", 500), ("heavy", 3000), ("tied", 500)):
        x = np.sort(tpot(n, kind, seed=7))
        m = stats.Moments.from_values(x)
        assert stats.cornish_fisher_applies(m), (kind, moments.resampling_cumulants(m))
        seeds = stats.draw_seeds(np.random.default_rng(1))
        cf = stats.mean_replicates_from_moments(m, b, seeds)
        with statistics.PARALLEL_LOCK:
            exact = stats.kernels.mean_replicates(x, b, seeds)
        sd = exact.std()
        # se of a sample p-quantile ≈ √(p(1−p)/B) / density; density of ~normal reps
        z = sps.norm.ppf(qs)
        se = np.sqrt(qs * (1 - qs) / b) / sps.norm.pdf(z) * sd * np.sqrt(2)
        diff = np.quantile(cf, qs) - np.quantile(exact, qs)
        assert np.all(np.abs(diff) <= 4 * se), (kind, diff / se)
        # and CF is not merely "normal": the skew shows (third quantile asymmetry)
        if kind == "heavy":
            normal = m.mean + sd * z
            assert np.abs(np.quantile(cf, 0.995) - normal[-1]) > 2 * se[-1]


def test_skewed_small_sample_falls_back_to_resampling_rows() -> None:
    rng = np.random.default_rng(5)
    small = np.sort(rng.lognormal(0, 0.3, 499))
    very_skewed = np.sort(np.r_[np.ones(600), 1e4])  # one huge outlier
    for x in (small, very_skewed):
        m = stats.Moments.from_values(x)
        assert not stats.cornish_fisher_applies(m)
        assert stats.replicates_from_moments(m, 99, stats.draw_seeds(rng)) is None
    seeds = stats.draw_seeds(np.random.default_rng(0))
    with statistics.PARALLEL_LOCK:
        exact = stats.kernels.mean_replicates(very_skewed, 999, seeds)
    np.testing.assert_array_equal(stats.replicates(very_skewed, "mean", 999, seeds), exact)


def test_closed_form_accelerations_equal_the_jackknife() -> None:
    rng = np.random.default_rng(9)
    a = np.sort(rng.lognormal(0, 0.5, 600))
    b = np.sort(rng.lognormal(0.1, 0.7, 800))
    ma, mb = stats.Moments.from_values(a), stats.Moments.from_values(b)
    one = stats.acceleration([stats.jackknife(a, "mean")])
    assert stats.mean_acceleration(ma) == pytest.approx(one, rel=1e-9)
    (va, ca), (vb, cb) = stats.jackknife(a, "mean"), stats.jackknife(b, "mean")
    ta, tb = ma.mean, mb.mean
    diff = stats.acceleration([(tb - va, ca), (vb - ta, cb)])
    assert stats.mean_difference_acceleration(ma, mb) == pytest.approx(diff, rel=1e-9)
    rel = stats.acceleration([(tb / va - 1, ca), (vb / ta - 1, cb)])
    assert stats.mean_difference_acceleration(ma, mb, relative=True) == pytest.approx(rel, rel=1e-2)


def test_difference_from_moments_equals_difference_from_rows() -> None:
    """The brush path (Moments, no rows) gives the rows path's interval."""
    a = np.sort(tpot(5000, "lognormal", 1))
    b = np.sort(tpot(6000, "lognormal", 2) * 0.98)
    ma, mb = stats.Moments.from_values(a), stats.Moments.from_values(b)
    sa, sb = stats.draw_seeds(np.random.default_rng(1)), stats.draw_seeds(np.random.default_rng(2))
    ra, rb = stats.replicates(a, "mean", B, sa), stats.replicates(b, "mean", B, sb)
    ra_m, rb_m = stats.replicates_from_moments(ma, B, sa), stats.replicates_from_moments(mb, B, sb)
    assert ra_m is not None and rb_m is not None
    np.testing.assert_allclose(ra_m, ra, rtol=1e-12)
    rows = stats.difference_from_replicates(a, b, "mean", ma.mean, mb.mean, ra, rb, 0.95, "BCa")
    mom = stats.difference_from_replicates(
        ma, mb, "mean", ma.mean, mb.mean, ra_m, rb_m, 0.95, "BCa"
    )
    for field in ("ci_low", "ci_high", "relative_ci_low", "relative_ci_high"):
        assert getattr(mom, field) == pytest.approx(getattr(rows, field), rel=1e-6), field


def test_welch_p_equals_scipy() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.lognormal(0, 0.4, 300), rng.lognormal(0.05, 0.5, 450)
    p = stats.welch_p(stats.Moments.from_values(a), stats.Moments.from_values(b))
    assert p == pytest.approx(sps.ttest_ind(a, b, equal_var=False).pvalue, rel=1e-9)


# --- agreement with scipy.stats.bootstrap ------------------------------------------------


@cache
def scipy_endpoints(n: int, kind: str, method: str, k: int, b: int) -> np.ndarray:
    """(k, 2) scipy CI endpoints of the mean for k seeds."""
    x = tpot(n, kind)
    out = []
    for seed in range(k):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sps.bootstrap(
                (x,),
                lambda v, axis=-1: np.mean(v, axis=axis),
                n_resamples=b,
                method=method,
                rng=np.random.default_rng(1000 + seed),
                batch=max(1, 2 * 10**7 // n),
            )
        out.append([res.confidence_interval.low, res.confidence_interval.high])
    return np.array(out)


def exact_endpoints(n: int, kind: str, method: str, k: int) -> np.ndarray:
    """Endpoints from resampling rows (our kernel, proven against scipy at smaller n)."""
    x = np.sort(tpot(n, kind))
    theta = stats.estimate(x, "mean")
    out = []
    for seed in range(k):
        seeds = stats.draw_seeds(np.random.default_rng(1000 + seed))
        with statistics.PARALLEL_LOCK:
            reps = stats.kernels.mean_replicates(x, B, seeds)
        out.append(
            stats.interval(
                reps, theta, 0.95, method, lambda: stats.acceleration([stats.jackknife(x, "mean")])
            )
        )
    return np.array(out)


CASES = [
    pytest.param(n, kind, method, id=f"{n}-{kind}-{method}")
    for n in (500, 5000, 50_000)
    for kind in ("lognormal", "tied")
    for method in ("BCa", "percentile")
]


@pytest.mark.parametrize(("n", "kind", "method"), CASES)
def test_mean_ci_agrees_with_scipy(n: int, kind: str, method: str) -> None:
    """CF-based mean CIs vs scipy (n ≤ 5k; at 50k scipy's BCa jackknife is n² and its
    resampling 5·10⁸ draws per seed, so the reference there is row resampling, k seeds)."""
    x = tpot(n, kind)
    m = stats.Moments.from_values(x)
    assert stats.cornish_fisher_applies(m), "these cases exercise the Cornish–Fisher path"
    if n <= 5000:
        k = 5
        theirs = scipy_endpoints(n, kind, method, k, B)
    else:
        k = 3
        theirs = exact_endpoints(n, kind, method, k)
    mm = 20
    mine = np.array(
        [
            (lambda r: (r.ci_low, r.ci_high))(stats.bootstrap_ci(x, "mean", 0.95, method, B, s))
            for s in range(mm)
        ]
    )
    assert_endpoints_agree(mine, theirs)


@pytest.mark.parametrize("method", ["BCa", "percentile"])
def test_difference_of_means_agrees_with_scipy(method: str) -> None:
    a, b = tpot(3000, "lognormal", 1), tpot(3500, "tied", 2) / 1000 * 0.97
    k, mm = 4, 12
    out = []
    for seed in range(k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sps.bootstrap(
                (a, b),
                lambda x, y, axis=-1: np.mean(y, axis=axis) - np.mean(x, axis=axis),
                n_resamples=B,
                method=method,
                rng=np.random.default_rng(50 + seed),
                batch=2000,
            )
        out.append([res.confidence_interval.low, res.confidence_interval.high])
    theirs = np.array(out)
    mine = np.array(
        [
            (lambda d: (d.ci_low, d.ci_high))(stats.difference_ci(a, b, "mean", 0.95, method, B, s))
            for s in range(mm)
        ]
    )
    assert_endpoints_agree(mine, theirs, default_seed=False)
