"""Wilcox's shift function: quantile differences with a simultaneous band, by simulation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from tpot_widget import stats

QS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def test_values_are_numpy_quantiles() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.lognormal(0, 0.3, 301), rng.lognormal(0.1, 0.3, 400)
    res = stats.shift_function(a, b, QS, n_resamples=199, random_state=0)
    np.testing.assert_array_equal(res.quantiles, QS)
    np.testing.assert_array_equal(res.baseline, np.quantile(a, QS))
    np.testing.assert_array_equal(res.run, np.quantile(b, QS))
    np.testing.assert_array_equal(res.difference, np.quantile(b, QS) - np.quantile(a, QS))
    assert np.all(res.ci_low <= res.difference) and np.all(res.difference <= res.ci_high)


def test_joint_order_statistic_replicates_have_the_resampling_joint_law() -> None:
    """Marginals match the one-quantile kernel; correlations match resampling rows."""
    rng = np.random.default_rng(1)
    x = np.sort(rng.lognormal(0, 0.4, 400))
    qs = np.array([0.2, 0.25, 0.5, 0.9])
    b = 20_000
    joint = stats.quantile_replicates(x, qs, b, stats.draw_seeds(rng))
    idx = rng.integers(0, len(x), (b, len(x)))
    direct = np.quantile(x[idx], qs, axis=1).T
    for k in range(len(qs)):
        # two-sample KS on the marginals: same distribution
        assert sps.ks_2samp(joint[:, k], direct[:, k]).pvalue > 0.001, qs[k]
    cj, cd = np.corrcoef(joint.T), np.corrcoef(direct.T)
    assert np.max(np.abs(cj - cd)) < 0.05, (cj, cd)


def lognormal_quantiles(mu: float, sigma: float, qs: tuple[float, ...]) -> np.ndarray:
    return np.exp(mu + sigma * sps.norm.ppf(qs))


def test_simultaneous_band_covers_all_true_differences() -> None:
    rng = np.random.default_rng(2)
    sims, covered, pointwise = 200, 0, 0
    mu, sigma = np.log(0.025), 0.3
    truth = lognormal_quantiles(mu + np.log(1.05), sigma, QS) - lognormal_quantiles(mu, sigma, QS)
    for _ in range(sims):
        a = rng.lognormal(mu, sigma, 600)
        b = rng.lognormal(mu + np.log(1.05), sigma, 700)
        res = stats.shift_function(a, b, QS, 0.95, n_resamples=999, random_state=rng)
        inside = (res.ci_low <= truth) & (truth <= res.ci_high)
        covered += inside.all()
        pointwise += inside.mean()
    # simultaneous: every quantile inside at once, ≥ nominal − 3·MC error (√(.05·.95/200))
    assert covered / sims >= 0.95 - 3 * np.sqrt(0.95 * 0.05 / sims), covered / sims
    assert pointwise / sims > covered / sims  # a band, wider than each pointwise need


def test_tail_only_change_shows_only_in_the_upper_quantiles() -> None:
    rng = np.random.default_rng(3)
    a = rng.lognormal(np.log(0.025), 0.3, 5000)
    b = rng.lognormal(np.log(0.025), 0.3, 5000)
    cut = np.quantile(b, 0.8)
    b = np.where(b > cut, cut + (b - cut) * 2.5 + 0.004, b)  # only the slowest 20 % slow down
    res = stats.shift_function(a, b, QS, n_resamples=1999, random_state=4)
    significant = (res.ci_low > 0) | (res.ci_high < 0)
    assert not significant[res.quantiles <= 0.7].any(), res
    assert significant[res.quantiles >= 0.85].all(), res
    assert np.all(res.ci_low[res.quantiles >= 0.85] > 0)


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="quantiles"):
        stats.shift_function(np.ones(10), np.ones(10), (0.5, 1.5))
    res = stats.shift_function(np.array([1.0]), np.arange(5.0), QS)
    assert np.isnan(res.difference).all() and np.isnan(res.ci_low).all()
