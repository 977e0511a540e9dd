"""The Pareto quantities: throughput, output tokens/s per user and the frontier."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from tpot_widget.stats import pareto


def test_per_user_rate_is_tokens_over_latency_and_its_interval_covers() -> None:
    rng = np.random.default_rng(4)

    def requests(n: int) -> tuple[np.ndarray, np.ndarray]:
        tokens = np.round(rng.lognormal(np.log(300), 0.7, n)) + 1
        e2e = 0.1 + tokens * 0.02 * rng.lognormal(0, 0.2, n)
        return tokens, e2e

    big_y, big_x = requests(2_000_000)
    truth = big_y.sum() / big_x.sum()
    covered = 0
    sims = 2000
    for _ in range(sims):
        y, x = requests(200)
        estimate, lo, hi = pareto.per_user_rate(y, x, 0.95)
        assert estimate == pytest.approx(y.sum() / x.sum())
        covered += lo <= truth <= hi
    # 2000 runs: Monte-Carlo SE 0.5 pp
    assert 0.93 <= covered / sims <= 0.97, covered / sims
    assert pareto.per_user_rate(np.array([5.0]), np.array([1.0]), 0.95) == (5.0, None, None)
    assert pareto.per_user_rate(np.array([np.nan]), np.array([1.0]), 0.95) is None


def test_throughput_counts_successful_tokens_over_the_span_of_all_requests() -> None:
    tokens = np.array([100.0, 200.0, 300.0, np.nan])
    ok = np.array([True, True, False, True])
    start = np.array([0.0, 1.0, 2.0, 3.0])
    e2e = np.array([2.0, 2.0, 6.0, 1.0])  # the failed request ends last, at 8 s
    assert pareto.throughput(tokens, ok, start, e2e) == pytest.approx(300.0 / 8.0)
    assert pareto.throughput(tokens, ok, np.full(4, np.nan), e2e) is None


def test_repeats_give_a_run_level_t_interval() -> None:
    mean, lo, hi = pareto.run_level_interval([10.0, 12.0, 11.0, None], 0.95)
    half = sps.t.ppf(0.975, 2) * np.std([10, 12, 11], ddof=1) / math.sqrt(3)
    assert (mean, lo, hi) == pytest.approx((11.0, 11.0 - half, 11.0 + half))
    assert pareto.run_level_interval([10.0], 0.95) == (10.0, None, None)
    assert pareto.run_level_interval([None], 0.95) == (None, None, None)


def test_the_frontier_keeps_what_nothing_beats_on_both_axes() -> None:
    x = [50.0, 40.0, 30.0, 30.0, 20.0, None]
    y = [100.0, 300.0, 250.0, 300.0, 350.0, 999.0]
    assert pareto.frontier(x, y) == [True, True, False, False, True, False]
