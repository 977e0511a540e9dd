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


def test_the_between_run_share_from_fewer_resamples_moves_far_less_than_its_sampling_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The within-run variances behind the share use at most SHARE_RESAMPLES: their
    Monte-Carlo error is small beside how much the share varies from arm to arm."""
    from tpot_widget.stats import arms as arms_module

    rng = np.random.default_rng(21)
    members = [arm(rng, 3, 2000, run_sd=0.01) for _ in range(12)]

    def shares() -> np.ndarray:
        return np.array(
            [stats.arm_ci(m, n_resamples=9999, random_state=5).between_run_share for m in members]
        )

    capped = shares()
    monkeypatch.setattr(arms_module, "SHARE_RESAMPLES", 20_000)
    reference = shares()
    assert float(np.max(np.abs(capped - reference))) <= 0.03, (capped, reference)
    assert float(np.std(reference)) >= 0.1  # the arm-to-arm spread it stands beside


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


def test_arm_estimate_is_the_geometric_mean_of_run_statistics_with_a_log_t_interval() -> None:
    from scipy import stats as sps

    rng = np.random.default_rng(5)
    runs = arm(rng, 4, 300)
    logs = np.log([np.median(r) for r in runs])
    res = stats.arm_ci(runs, "median", 0.9, n_resamples=199, random_state=0)
    half = sps.t.ppf(0.95, 3) * logs.std(ddof=1) / 2
    assert res.estimate == pytest.approx(np.exp(logs.mean()))
    assert (res.ci_low, res.ci_high) == pytest.approx(
        (np.exp(logs.mean() - half), np.exp(logs.mean() + half))
    )
    assert res.run_estimates == pytest.approx(tuple(np.exp(logs)))
    assert res.n == 1200 and res.n_runs == 4


def test_runs_without_enough_data_are_left_out_by_name_with_what_they_need() -> None:
    rng = np.random.default_rng(6)
    runs = [*arm(rng, 3, 200), np.array([0.02] * 5), np.array([np.nan, np.nan])]
    names = ["r1", "r2", "r3", "short", "empty"]
    res = stats.arm_ci(runs, n_resamples=199, names=names)
    assert res.n_runs == 3 and res.left_out == ("short", "empty")
    assert "short (5)" in res.note and "empty (0)" in res.note and "at least 6" in res.note
    assert stats.arm_ci(runs, "p90", n_resamples=199).note is not None
    assert "at least 29" in stats.arm_ci(runs, "p90", n_resamples=199).note
    with pytest.raises(ValueError, match="at least one run"):
        stats.arm_ci([])


def test_an_arm_left_with_one_run_says_it_uses_that_runs_request_interval() -> None:
    rng = np.random.default_rng(9)
    runs = [*arm(rng, 1, 300), np.array([np.nan] * 10)]
    res = stats.arm_ci(runs, n_resamples=199, names=["good", "no values"])
    assert res.method == "request-level bootstrap" and res.n_runs == 1
    assert "request noise only" in res.note and "no values (0)" in res.note


@pytest.mark.parametrize("k", [2, 3])
def test_two_or_three_runs_never_give_an_interval_below_zero(k: int) -> None:
    """Raw-scale t with 2 runs gave a median TPOT CI of [-7.2, 27.7] ms (issue 16)."""
    rng = np.random.default_rng(12)
    for _ in range(200):
        runs = arm(rng, k, 200, run_sd=0.5)
        res = stats.arm_ci(runs, n_resamples=2, random_state=rng)
        assert res.ci_low is not None and res.ci_low > 0.0
        assert res.ci_low <= res.estimate <= res.ci_high


# --- the run-level test: chosen by simulation ---------------------------------------------


def _run_medians(rng: np.random.Generator, sims: int, k: int, scale: float) -> np.ndarray:
    """(sims, k) run medians of 1000 requests (σ 0.3) with 3 % run-to-run noise."""
    within = 1.2533 * 0.3 / np.sqrt(1000)  # the SD of a median of 1000 lognormal(0.3) values
    noise = rng.normal(0, 0.03, (sims, k)) + rng.normal(0, within, (sims, k))
    return MEDIAN * scale * np.exp(noise)


def _welch_raw_p(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Yesterday's test: Welch's t on the raw run medians (Satterthwaite df)."""
    from scipy import stats as sps

    va, vb = a.var(1, ddof=1) / a.shape[1], b.var(1, ddof=1) / b.shape[1]
    df = (va + vb) ** 2 / (va**2 / (a.shape[1] - 1) + vb**2 / (b.shape[1] - 1))
    return 2 * sps.t.sf(np.abs(b.mean(1) - a.mean(1)) / np.sqrt(va + vb), df)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_log_pooled_t_keeps_the_aa_rate_and_beats_raw_welch_in_power(k: int) -> None:
    """3 % run noise, true +8 %: A/A ≤ 5 % (+MC), power ≥ raw Welch's and `POWER_TABLE`."""
    rng = np.random.default_rng(100 + k)
    sims = 1000
    a0, b0 = _run_medians(rng, sims, k, 1.0), _run_medians(rng, sims, k, 1.0)
    a1, b1 = _run_medians(rng, sims, k, 1.0), _run_medians(rng, sims, k, 1.08)

    def rate(a: np.ndarray, b: np.ndarray) -> float:
        hits = 0
        for ra, rb in zip(a, b, strict=True):
            d = stats.arm_difference(
                [np.array([x] * 6) for x in ra], [np.array([x] * 6) for x in rb], n_resamples=2
            )
            assert d.method == "run-level t" and d.df == 2 * k - 2
            assert (d.p_value < 0.05) == (d.ci_low > 0 or d.ci_high < 0)
            assert (d.ci_low > 0) == (d.relative_ci_low > 0)
            hits += d.p_value < 0.05
        return hits / len(a)

    aa, power = rate(a0, b0), rate(a1, b1)
    se = np.sqrt(0.05 * 0.95 / sims)
    assert aa <= 0.05 + 2 * se, aa
    welch = float(np.mean(_welch_raw_p(a1, b1) < 0.05))
    assert power >= welch, (power, welch)
    assert power == pytest.approx(stats.arms.POWER_TABLE[k], abs=0.04), power
