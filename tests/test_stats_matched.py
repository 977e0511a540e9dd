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
    sims, hits, raw_hits = 150, 0, 0
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
        a, np.c_[xa, ia], b, np.c_[xb, ib], "mean", n_bins=4, n_resamples=199, random_state=0
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
