"""Arms of repeated runs: intervals that cover run-to-run variation, proven by simulation.

The model: each run's TPOT is lognormal around the configuration's median, times a run
effect lognormal(0, 0.04) (guidellm #243 measured run-to-run SD ~1.8x the within-run one).
"""

from __future__ import annotations

import numpy as np
import pytest

from tpot_widget import stats

MEDIAN = 0.025
RUN_SD = 0.04


def arm(rng: np.random.Generator, k: int, n: int, scale: float = 1.0, run_sd: float = RUN_SD):
    """k runs of n requests: lognormal(σ 0.3) around MEDIAN·scale, each run scaled by e^u."""
    return [
        MEDIAN * scale * np.exp(rng.normal(0, run_sd)) * rng.lognormal(0, 0.3, n) for _ in range(k)
    ]


def pooled_difference(a_runs, b_runs, rng) -> stats.DifferenceInterval:
    """Today's compare: pool each arm's requests, request-level bootstrap."""
    return stats.difference_ci(
        np.concatenate(a_runs), np.concatenate(b_runs), "median", 0.95, "percentile", 999, rng
    )


def test_aa_false_positive_rate_near_nominal_while_pooling_is_far_above() -> None:
    rng = np.random.default_rng(20240610)
    sims = 150
    arm_hits = pooled_hits = 0
    for _ in range(sims):
        a, b = arm(rng, 5, 1000), arm(rng, 5, 1000)
        d = stats.arm_difference(a, b, "median", n_resamples=199, random_state=rng)
        assert d.method == "run-level t"
        arm_hits += not (d.ci_low <= 0.0 <= d.ci_high)
        assert (d.p_value < 0.05) == (not (d.ci_low <= 0.0 <= d.ci_high))
        p = pooled_difference(a, b, rng)
        pooled_hits += not (p.ci_low <= 0.0 <= p.ci_high)
    assert arm_hits / sims <= 0.15, arm_hits / sims
    assert arm_hits / sims >= 0.005 or sims < 100  # not absurdly conservative either
    assert pooled_hits / sims >= 0.35, pooled_hits / sims


def test_true_eight_percent_change_is_found_most_of_the_time() -> None:
    rng = np.random.default_rng(7)
    sims = 150
    found = 0
    covered = 0
    for _ in range(sims):
        a, b = arm(rng, 5, 1000), arm(rng, 5, 1000, scale=1.08)
        d = stats.arm_difference(a, b, "median", n_resamples=199, random_state=rng)
        found += d.ci_low > 0.0
        covered += d.relative_ci_low <= 0.08 <= d.relative_ci_high
    assert found / sims >= 0.70, found / sims
    assert covered / sims >= 0.88, covered / sims  # the relative CI covers the true +8 %


def test_arm_interval_covers_the_configuration_median() -> None:
    rng = np.random.default_rng(3)
    sims = 200
    covered = 0
    shares = []
    for _ in range(sims):
        res = stats.arm_ci(arm(rng, 5, 1000), "median", n_resamples=199, random_state=rng)
        covered += res.ci_low <= MEDIAN <= res.ci_high
        shares.append(res.between_run_share)
    assert covered / sims >= 0.90, covered / sims
    # run SD 4 % vs within-run SD of a median of 1000 (~1.2 %): most variance is between runs
    assert 0.7 <= float(np.median(shares)) <= 0.98, np.median(shares)


def test_between_run_share_is_small_without_a_run_effect() -> None:
    rng = np.random.default_rng(4)
    shares = [
        stats.arm_ci(
            arm(rng, 5, 1000, run_sd=0.0), n_resamples=499, random_state=rng
        ).between_run_share
        for _ in range(60)
    ]
    assert float(np.median(shares)) <= 0.2, np.median(shares)


def test_single_run_request_ci_coverage_collapses_under_a_run_effect() -> None:
    """Why a single-run comparison carries a note: its CI covers request noise only."""
    rng = np.random.default_rng(11)
    sims = 200
    with_effect = without = 0
    for _ in range(sims):
        r = stats.bootstrap_ci(arm(rng, 1, 1000)[0], "median", 0.95, "percentile", 999, rng)
        with_effect += r.ci_low <= MEDIAN <= r.ci_high
        r0 = stats.bootstrap_ci(
            arm(rng, 1, 1000, run_sd=0.0)[0], "median", 0.95, "percentile", 999, rng
        )
        without += r0.ci_low <= MEDIAN <= r0.ci_high
    assert without / sims >= 0.90, without / sims
    assert with_effect / sims <= 0.70, with_effect / sims


def test_single_run_arms_fall_back_to_the_request_bootstrap_and_say_so() -> None:
    rng = np.random.default_rng(1)
    a, b = arm(rng, 1, 500), arm(rng, 1, 500, scale=1.1)
    res = stats.arm_ci(a, random_state=0)
    assert res.method == "request-level bootstrap" and res.between_run_share is None
    assert "request noise only" in res.note
    direct = stats.bootstrap_ci(a[0], random_state=0)
    assert (res.estimate, res.ci_low, res.ci_high) == (
        direct.estimate,
        direct.ci_low,
        direct.ci_high,
    )
    d = stats.arm_difference(a, b, random_state=0)
    assert d.method == "request-level bootstrap" and "request noise only" in d.note
    assert d.ci_low > 0 and d.p_value < 0.05


def test_one_single_run_arm_borrows_the_other_arms_run_variance() -> None:
    rng = np.random.default_rng(2)
    a, b = arm(rng, 1, 1000), arm(rng, 4, 1000)
    d = stats.arm_difference(a, b, n_resamples=199, random_state=rng)
    assert d.method == "run-level t (borrowed)"
    assert "one run" in d.note
    spread = np.std([np.median(r) for r in b], ddof=1)
    # the interval is at least as wide as the run-to-run spread implies
    assert d.ci_high - d.ci_low >= 2 * spread


def test_arm_estimate_is_the_mean_of_run_statistics_and_t_interval() -> None:
    from scipy import stats as sps

    rng = np.random.default_rng(5)
    runs = arm(rng, 4, 300)
    meds = np.array([np.median(r) for r in runs])
    res = stats.arm_ci(runs, "median", 0.9, n_resamples=199, random_state=0)
    half = sps.t.ppf(0.95, 3) * meds.std(ddof=1) / 2
    assert res.estimate == pytest.approx(meds.mean())
    assert (res.ci_low, res.ci_high) == pytest.approx((meds.mean() - half, meds.mean() + half))
    assert res.run_estimates == pytest.approx(tuple(meds))
    assert res.n == 1200 and res.n_runs == 4


def test_runs_without_enough_data_are_dropped_with_a_note() -> None:
    rng = np.random.default_rng(6)
    runs = [*arm(rng, 3, 200), np.array([0.02]), np.array([np.nan, np.nan])]
    res = stats.arm_ci(runs, n_resamples=199)
    assert res.n_runs == 3 and "2 runs" in res.note
    with pytest.raises(ValueError, match="at least one run"):
        stats.arm_ci([])
