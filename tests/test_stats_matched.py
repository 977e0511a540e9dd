"""Matched workloads: post-stratified comparisons on token counts, by simulation.

The model: TPOT grows with the output length (per-token cost rises with context), so a
run that got longer outputs looks slower though it is not, per length.
"""

from __future__ import annotations

import numpy as np
import pytest

from tpot_widget import stats


def run(rng: np.random.Generator, n: int, lo: int, hi: int, speed: float = 1.0):
    """(TPOT, output tokens): TPOT = 20 ms · (1 + x/1000) · speed · lognormal noise."""
    x = rng.integers(lo, hi, n).astype(float)
    tpot = 0.020 * (1.0 + x / 1000.0) * speed * rng.lognormal(0, 0.25, n)
    return tpot, x


def test_confounded_case_raw_says_slower_matched_says_the_truth() -> None:
    rng = np.random.default_rng(0)
    a, xa = run(rng, 4000, 10, 1200)
    b, xb = run(rng, 4000, 300, 2000)  # B got longer outputs, same speed per length
    raw = stats.difference_ci(a, b, "median", 0.95, "percentile", 1999, random_state=1)
    assert raw.ci_low > 0, "the raw comparison calls B slower"
    same = stats.matched_difference(a, xa, b, xb, "median", n_resamples=1999, random_state=1)
    assert same.ci_low <= 0.0 <= same.ci_high, same
    assert same.n_outside_a == int(np.sum(xa < 300)) and same.n_outside_b == int(np.sum(xb > 1199))
    # and when B is 5 % faster per length, matched says faster while raw says slower
    b2, xb2 = run(rng, 4000, 300, 2000, speed=0.95)
    raw2 = stats.difference_ci(a, b2, "median", 0.95, "percentile", 1999, random_state=1)
    faster = stats.matched_difference(a, xa, b2, xb2, "median", n_resamples=1999, random_state=1)
    assert raw2.ci_low > 0 and faster.ci_high < 0, (raw2, faster)
    assert faster.relative == pytest.approx(-0.05, abs=0.02)


@pytest.mark.parametrize("statistic", ["median", "mean"])
def test_aa_with_different_token_distributions_keeps_the_nominal_rate(statistic: str) -> None:
    rng = np.random.default_rng(1)
    sims, hits, raw_hits = (100 if statistic == "median" else 50), 0, 0
    for _ in range(sims):
        a, xa = run(rng, 1500, 10, 1200)
        b, xb = run(rng, 1500, 300, 2000)
        d = stats.matched_difference(a, xa, b, xb, statistic, n_resamples=499, random_state=rng)
        hits += not (d.ci_low <= 0.0 <= d.ci_high)
        raw = stats.difference_ci(a, b, statistic, 0.95, "percentile", 499, random_state=rng)
        raw_hits += not (raw.ci_low <= 0.0 <= raw.ci_high)
    assert hits / sims <= 0.10, hits / sims
    assert raw_hits / sims >= 0.9, raw_hits / sims


def test_two_covariates_and_the_mean_is_the_post_stratified_mean() -> None:
    rng = np.random.default_rng(2)
    n = 3000
    a, xa = run(rng, n, 10, 1000)
    b, xb = run(rng, n, 10, 1000)
    ia, ib = rng.integers(100, 4000, n).astype(float), rng.integers(100, 4000, n).astype(float)
    d = stats.matched_difference(
        a,
        np.c_[xa, ia],
        b,
        np.c_[xb, ib],
        "mean",
        n_bins=4,
        n_resamples=199,
        random_state=0,
        adjust=False,
    )
    assert d.n_cells <= 16 and d.n_cells >= 12
    # recompute the post-stratified means by hand from the returned cells
    ca, cb, w = d.cells_a, d.cells_b, d.weights
    theta_a = sum(w[c] * a[ca == c].mean() for c in range(d.n_cells))
    theta_b = sum(w[c] * b[cb == c].mean() for c in range(d.n_cells))
    assert d.theta_a == pytest.approx(theta_a) and d.theta_b == pytest.approx(theta_b)
    assert d.estimate == pytest.approx(theta_b - theta_a)
    assert sum(w) == pytest.approx(1.0)


def test_no_common_support_is_a_clear_error() -> None:
    rng = np.random.default_rng(3)
    a, xa = run(rng, 100, 10, 100)
    b, xb = run(rng, 100, 200, 300)
    with pytest.raises(ValueError, match="no common support"):
        stats.matched_difference(a, xa, b, xb)


def test_confound_detector() -> None:
    rng = np.random.default_rng(4)
    a, xa = run(rng, 3000, 10, 1200)
    b, xb = run(rng, 3000, 300, 2000)
    c = stats.confounding(a, xa, b, xb)
    assert c.confounded and c.ks > 0.2 and c.correlation > 0.3 and "match" in c.note
    # same token distributions: no confound
    b2, xb2 = run(rng, 3000, 10, 1200)
    assert not stats.confounding(a, xa, b2, xb2).confounded
    # different token distributions but TPOT does not depend on tokens: no confound
    flat_a = rng.lognormal(np.log(0.02), 0.25, 3000)
    flat_b = rng.lognormal(np.log(0.02), 0.25, 3000)
    c3 = stats.confounding(flat_a, xa, flat_b, xb)
    assert c3.ks > 0.2 and not c3.confounded


def test_confound_measures_are_scipys_to_the_bit() -> None:
    """The KS distance and Spearman ρ the confound note prints are scipy's own numbers
    (computed without scipy's p-values: sorted and unsorted samples, ties, constants)."""
    from scipy import stats as sps

    rng = np.random.default_rng(7)
    for n, m in ((2, 3), (40, 29), (2000, 1700)):
        for tied in (False, True):
            xa, xb = rng.lognormal(5, 1, n), rng.lognormal(5.2, 0.8, m)
            va, vb = rng.normal(size=n), rng.normal(size=m)
            if tied:
                xa, xb, va = np.round(xa, -1), np.round(xb, -1), np.round(va)
            for a, b in ((xa, xb), (np.sort(xa), np.sort(xb))):
                ks = sps.ks_2samp(a, b, method="asymp").statistic  # what confounding called
                assert stats.matched.ks_distance(a, b) == ks
            x, v = np.concatenate([xa, xb]), np.concatenate([va, vb])
            assert stats.matched.spearman(x, v) == sps.spearmanr(x, v).statistic
            assert np.array_equal(stats.matched.average_ranks(x), sps.rankdata(x))
    assert np.isnan(stats.matched.spearman(np.arange(5.0), np.ones(5)))


def test_the_adjusted_mean_moves_each_value_along_the_common_within_cell_slope() -> None:
    rng = np.random.default_rng(5)
    a, xa = run(rng, 2000, 10, 1200)
    b, xb = run(rng, 2000, 300, 2000)
    d = stats.matched_difference(a, xa, b, xb, "mean", n_resamples=199, random_state=0)
    assert d.slope is not None and d.slope[0] > 0  # TPOT rises with length
    ca, cb = d.cells_a, d.cells_b
    x = np.concatenate([xa[ca >= 0], xb[cb >= 0]])
    c = np.concatenate([ca[ca >= 0], cb[cb >= 0]])
    x_mean = np.array([x[c == k].mean() for k in range(d.n_cells)])
    adj_a = a - d.slope[0] * (xa - x_mean[np.maximum(ca, 0)])
    adj_b = b - d.slope[0] * (xb - x_mean[np.maximum(cb, 0)])
    theta_a = sum(d.weights[k] * adj_a[ca == k].mean() for k in range(d.n_cells))
    theta_b = sum(d.weights[k] * adj_b[cb == k].mean() for k in range(d.n_cells))
    assert d.theta_a == pytest.approx(theta_a) and d.theta_b == pytest.approx(theta_b)


# --- no bias as n grows (issue 16, item 7) --------------------------------------------------


def _length_mix(rng: np.random.Generator, n: int, mean_length: float) -> np.ndarray:
    """Whole output token counts, exponential (many short answers, a long tail)."""
    return np.clip(np.round(rng.exponential(mean_length, n)), 1, 8000)


def _tpot(rng: np.random.Generator, x: np.ndarray, shape: str) -> np.ndarray:
    """TPOT rising with length, linearly or quadratically, the same for both runs."""
    rise = 1 + x / 500 if shape == "linear" else 1 + (x / 500) ** 2
    return 0.020 * rise * rng.lognormal(0, 0.25, len(x))


def _matched_aa(n: int, sims: int, shape: str, seed: int, **options: object) -> tuple[float, float]:
    """(share called different, mean z) of matched A/A comparisons with different mixes."""
    rng = np.random.default_rng(seed)
    hits, zs = 0, []
    for _ in range(sims):
        xa, xb = _length_mix(rng, n, 200), _length_mix(rng, n, 400)
        a, b = _tpot(rng, xa, shape), _tpot(rng, xb, shape)
        d = stats.matched_difference(a, xa, b, xb, n_resamples=199, random_state=rng, **options)
        different = not (d.ci_low <= 0.0 <= d.ci_high)
        assert different == (d.p_value < 0.05)  # the p-value and the verdict agree
        hits += different
        zs.append(d.estimate / ((d.ci_high - d.ci_low) / (2 * 1.959964)))
    return hits / sims, float(np.mean(zs))


@pytest.mark.parametrize(("n", "sims"), [(1_000, 300), (10_000, 120)])
@pytest.mark.parametrize("shape", ["linear", "quadratic"])
def test_matched_aa_keeps_the_nominal_rate_as_requests_grow(n: int, sims: int, shape: str) -> None:
    rate, mean_z = _matched_aa(n, sims, shape, seed=n + len(shape))
    assert rate <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / sims), rate
    assert abs(mean_z) <= 3 / np.sqrt(sims) + 0.15, mean_z  # no drift of the difference


def test_ten_fixed_cells_without_adjustment_were_biased_at_10k() -> None:
    """Why the cells grow and values are adjusted: the old rule says 'different' mostly."""
    rate, mean_z = _matched_aa(10_000, 30, "linear", seed=3, n_bins=10, adjust=False)
    assert rate >= 0.5 and mean_z > 2, (rate, mean_z)


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["linear", "quadratic"])
def test_matched_aa_keeps_the_nominal_rate_at_100k_requests(shape: str) -> None:
    sims = 30
    rate, mean_z = _matched_aa(100_000, sims, shape, seed=100 + len(shape))
    assert rate <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / sims), rate
    assert abs(mean_z) <= 3 / np.sqrt(sims) + 0.15, mean_z


def test_cells_grow_with_the_data_and_hold_the_statistics_minimum() -> None:
    assert stats.matched.default_bins(2_000, 6) == 22
    assert stats.matched.default_bins(200_000, 6) == 224
    assert stats.matched.default_bins(2_000, 299) == 1  # a p99 needs 299 per cell
    rng = np.random.default_rng(6)
    a, xa = run(rng, 3000, 10, 1200)
    b, xb = run(rng, 3000, 10, 1200)
    d = stats.matched_difference(a, xa, b, xb, "p90", n_resamples=99, random_state=0)
    assert min(np.bincount(d.cells_a[d.cells_a >= 0])) >= 29
    with pytest.raises(ValueError, match="at least 6 requests"):
        stats.matched_difference(a[:5], xa[:5], b, xb)
