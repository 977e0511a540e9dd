"""A load level's sampling distribution as draws (`stats.level_draws`)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from tpot_widget import stats
from tpot_widget.stats import level_draws


def test_jeffreys_interval_is_the_beta_posteriors_and_covers_by_enumeration() -> None:
    lo, hi = level_draws.attainment_interval(37, 50, 0.95)
    assert lo == pytest.approx(sps.beta.ppf(0.025, 37.5, 13.5))
    assert hi == pytest.approx(sps.beta.ppf(0.975, 37.5, 13.5))
    assert level_draws.attainment_interval(0, 50, 0.95)[0] == 0.0
    assert level_draws.attainment_interval(50, 50, 0.95)[1] == 1.0
    assert level_draws.attainment_interval(0, 0, 0.95) is None
    # exact coverage, summing the binomial over every count, for attainments an SLO target
    # is set at (0.5 to 0.95): Jeffreys' averages the nominal level (Brown, Cai & DasGupta)
    for n, worst in ((100, 0.93), (400, 0.94)):
        k = np.arange(n + 1)
        bounds = np.array([level_draws.attainment_interval(int(j), n, 0.95) for j in k])
        coverage = []
        for p in np.linspace(0.5, 0.95, 46):
            inside = (bounds[:, 0] <= p) & (p <= bounds[:, 1])
            coverage.append(sps.binom.pmf(k, n, p)[inside].sum())
        assert np.mean(coverage) == pytest.approx(0.95, abs=0.003)
        assert min(coverage) >= worst


def test_a_runs_draws_are_its_replicates_paired_independently_of_other_levels() -> None:
    rng = np.random.default_rng(0)
    seeds = stats.draw_seeds(np.random.default_rng(1))
    x1 = np.sort(rng.lognormal(np.log(0.02), 0.2, 400))
    x2 = np.sort(rng.lognormal(np.log(0.03), 0.2, 900))
    r1 = stats.replicates(x1, "median", 4000, seeds)  # two levels, seeded alike
    r2 = stats.replicates(x2, "median", 4000, seeds)
    assert np.corrcoef(r1, r2)[0, 1] > 0.5  # the same random numbers behind both
    pairing = level_draws.Pairing(rng, 2, 4000)
    d1 = level_draws.statistic_log_draws(float(np.median(x1)), r1, (), pairing)
    d2 = level_draws.statistic_log_draws(float(np.median(x2)), r2, (), pairing)
    assert np.array_equal(np.sort(d1), np.sort(np.log(r1)))  # the same draws, reordered
    assert abs(np.corrcoef(d1, d2)[0, 1]) < 0.05
    assert level_draws.statistic_log_draws(0.0, r1, (), pairing) is None
    assert level_draws.statistic_log_draws(None, None, (), pairing) is None


def test_an_arms_draws_follow_its_run_level_t_interval_on_the_log_scale() -> None:
    thetas = (0.020, 0.022, 0.019)
    estimate = float(np.mean(thetas))
    pairing = level_draws.Pairing(np.random.default_rng(2), 2, 200_000)
    draws = level_draws.statistic_log_draws(estimate, None, thetas, pairing)
    assert draws is not None
    half = sps.t.ppf(0.975, 2) * np.std(np.log(thetas), ddof=1) / math.sqrt(3)
    lo, hi = np.quantile(draws, [0.025, 0.975])
    assert lo == pytest.approx(math.log(estimate) - half, abs=0.002)
    assert hi == pytest.approx(math.log(estimate) + half, abs=0.002)
    other = level_draws.statistic_log_draws(estimate, None, thetas, pairing)
    assert abs(np.corrcoef(draws, other)[0, 1]) < 0.01  # one t vector, paired independently
    assert level_draws.statistic_log_draws(estimate, None, (0.02,), pairing) is None


def test_the_pairing_keeps_every_two_levels_offsets_far_apart() -> None:
    for n_draws, count in ((9999, 24), (999, 48), (100, 8)):
        pairing = level_draws.Pairing(np.random.default_rng(count), count, n_draws)
        index = np.arange(n_draws, dtype=np.float64)
        offsets = [int(pairing.shifted(index)[0]) for _ in range(count)]
        starts = [(n_draws - o) % n_draws for o in offsets]  # where each shift put index 0
        for i in range(count):
            for j in range(i):
                d = abs(starts[i] - starts[j])
                assert min(d, n_draws - d) >= n_draws // (count + 1)


def test_an_arms_attainment_interval_is_run_level_on_the_probit_scale() -> None:
    met, n = [180, 150, 190], [200, 200, 200]
    estimate, lo, hi, used = level_draws.arm_attainment(met, n, 0.95)
    assert estimate == pytest.approx(520 / 600) and used == 3
    z = [sps.norm.ppf(m / k) for m, k in zip(met, n, strict=True)]
    half = sps.t.ppf(0.975, 2) * np.std(z, ddof=1) / math.sqrt(3)
    assert sps.norm.ppf(lo) == pytest.approx(sps.norm.ppf(520 / 600) - half)
    assert sps.norm.ppf(hi) == pytest.approx(sps.norm.ppf(520 / 600) + half)
    wide = level_draws.attainment_interval(520, 600, 0.95)
    assert lo < wide[0] and hi > wide[1]  # run-to-run variation widens it
    assert level_draws.arm_attainment([5, 0], [10, 0], 0.95) is None  # one run with requests
    draws = level_draws.attainment_probit_draws(200, 200, 1000, np.random.default_rng(3))
    assert np.isfinite(draws).all() and draws.min() > 1.0  # all met: finite, high probits


@pytest.mark.parametrize("met", [[0, 0, 0], [200, 200, 200]])
def test_repeats_that_all_met_the_slo_alike_still_have_an_interval_around_the_estimate(
    met: list[int],
) -> None:
    # every repeat at 0 % (or 100 %): the runs' probits agree exactly, yet 600 requests do not
    # pin the attainment down to a point
    estimate, lo, hi, used = level_draws.arm_attainment(met, [200, 200, 200], 0.95)
    assert used == 3 and lo <= estimate <= hi and hi - lo > 1e-3
    assert (lo == 0.0) if met[0] == 0 else (hi == 1.0)


def test_every_levels_attainment_at_once_is_each_levels_own() -> None:
    """`level_attainments` gives, level by level, the numbers and draws of the one-level
    functions (arms, single runs, an arm left with one run, no requests), from the same
    random streams."""
    counts = [
        ([40, 45, 38], [50, 50, 49]),  # an arm
        ([0], [0]),  # nothing selected
        ([97], [100]),  # one run
        ([10, 0, 12], [20, 0, 20]),  # an arm, one run without requests
        ([5, 0], [10, 0]),  # an arm left with one run: its pooled counts
        ([30, 30, 30], [30, 30, 30]),  # all met
        ([3, 7, 2, 9], [10, 10, 10, 10]),  # four runs
        ([0, 0, 0], [25, 30, 20]),  # none met
    ]
    rng = np.random.default_rng(11)
    batch = level_draws.level_attainments(counts, 0.9, level_draws.Pairing(rng, 8, 500), rng)
    rng = np.random.default_rng(11)
    pairing = level_draws.Pairing(rng, 8, 500)
    for (met, n), got in zip(counts, batch, strict=True):
        arm = level_draws.arm_attainment(met, n, 0.9)
        if arm is not None:
            draws = level_draws.arm_attainment_probit_draws(met, n, pairing)
            expected = (arm[0], arm[1], arm[2], draws, sum(n))
        elif sum(n) == 0:
            expected = (None, None, None, None, 0)
        else:
            interval = level_draws.attainment_interval(sum(met), sum(n), 0.9)
            assert interval is not None
            draws = level_draws.attainment_probit_draws(sum(met), sum(n), 500, rng)
            expected = (sum(met) / sum(n), *interval, draws, sum(n))
        assert got[:3] == expected[:3] and got.n == expected[4]  # exactly, not approximately
        if expected[3] is None:
            assert got.probit_draws is None
        else:
            np.testing.assert_array_equal(got.probit_draws, expected[3])


def test_pairing_shifts_as_np_roll() -> None:
    """The shifted draws are np.roll's (the offsets spread from a random start)."""
    values = np.random.default_rng(4).normal(size=101)
    pairing = level_draws.Pairing(np.random.default_rng(9), 5, 101)
    offsets = []
    for _ in range(6):
        offsets.append(pairing._next)
        np.testing.assert_array_equal(pairing.shifted(values), np.roll(values, offsets[-1]))
    stream = np.random.default_rng(9)
    stream.integers(101)  # the random start
    t = stream.standard_t(3, size=101)
    again = level_draws.Pairing(np.random.default_rng(9), 5, 101)
    for offset in offsets:
        np.testing.assert_array_equal(again.t(3), np.roll(t, offset))
