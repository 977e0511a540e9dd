"""Our bootstrap CIs agree with scipy.stats.bootstrap within Monte-Carlo error.

For each case scipy runs with several seeds (9999 resamples each) and ours with many
seeds; the Monte-Carlo standard error (se) of an endpoint is the larger of the two
seed-to-seed standard deviations. Checks: our default-seed endpoint lies within 3 se of
scipy's mean endpoint (as a user sees it), and our mean endpoint over seeds lies within
3 se·√(1/M + 1/K) of scipy's (a sharper test for bias). At n = 10,000 scipy's BCa takes
minutes (its jackknife is n × n), so those cases use the percentile method.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from scipy import stats as sps
from stats_checks import assert_endpoints_agree

from tpot_widget import stats

B = 9999
STATISTICS = ("median", "p90", "mean", "diff_median", "relative_median")


def data(n: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Two runs' TPOTs: skewed seconds (lognormal) or integer milliseconds (ties)."""
    rng = np.random.default_rng(n + (0 if kind == "lognormal" else 1))
    a = rng.lognormal(np.log(0.025), 0.35, n)
    b = rng.lognormal(np.log(0.0245), 0.4, n + n // 7)
    if kind == "tied":
        a, b = np.round(a * 1000), np.round(b * 1000)
    return a, b


def scipy_statistic(name: str) -> tuple[Callable[..., np.ndarray], int]:
    """(vectorised statistic for scipy.stats.bootstrap, number of samples it takes)."""
    if name == "median":
        return (lambda x, axis=-1: np.median(x, axis=axis)), 1
    if name == "p90":
        return (lambda x, axis=-1: np.quantile(x, 0.9, axis=axis)), 1
    if name == "mean":
        return (lambda x, axis=-1: np.mean(x, axis=axis)), 1
    if name == "diff_median":
        return (lambda x, y, axis=-1: np.median(y, axis=axis) - np.median(x, axis=axis)), 2
    return (lambda x, y, axis=-1: np.median(y, axis=axis) / np.median(x, axis=axis) - 1), 2


def ours(name: str, a: np.ndarray, b: np.ndarray, method: str, seed: int) -> tuple[float, float]:
    if name in ("median", "p90", "mean"):
        res = stats.bootstrap_ci(a, name, 0.95, method, B, random_state=seed)
        return res.ci_low, res.ci_high
    d = stats.difference_ci(a, b, "median", 0.95, method, B, random_state=seed)
    if name == "diff_median":
        return d.ci_low, d.ci_high
    return d.relative_ci_low, d.relative_ci_high


@cache
def scipy_endpoints(name: str, n: int, kind: str, method: str, k: int) -> np.ndarray:
    """(k, 2) array of scipy's CI endpoints for k seeds."""
    a, b = data(n, kind)
    statistic, n_samples = scipy_statistic(name)
    samples = (a,) if n_samples == 1 else (a, b)
    out = []
    for seed in range(k):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            # scipy's DegenerateDataWarning comes with a NaN, which the test checks instead
            warnings.simplefilter("ignore")
            res = sps.bootstrap(
                samples,
                statistic,
                n_resamples=B,
                method=method,
                rng=np.random.default_rng(1000 + seed),
                batch=500,
            )
        out.append([res.confidence_interval.low, res.confidence_interval.high])
    return np.array(out, dtype=float)


CASES = [
    pytest.param(
        name, n, kind, id=f"{name}-{n}-{kind}", marks=[pytest.mark.slow] if n > 1000 else []
    )
    for n in (50, 1000, 10_000)
    for kind in ("lognormal", "tied")
    for name in STATISTICS
    if not (n > 1000 and name == "relative_median")
]


@pytest.mark.parametrize(("name", "n", "kind"), CASES)
def test_ci_agrees_with_scipy(name: str, n: int, kind: str) -> None:
    method = "BCa" if n <= 1000 else "percentile"
    k = 5 if n <= 1000 else 2
    m = 20 if (name != "mean" or n <= 1000) else 10
    a, b = data(n, kind)
    theirs = scipy_endpoints(name, n, kind, method, k)
    mine = np.array([ours(name, a, b, method, seed) for seed in range(m)], dtype=float)
    assert np.all(np.isfinite(mine)), "our CI must always be finite"
    if np.isnan(theirs).any():
        # scipy's BCa is undefined when the jackknife has no spread (ties); ours falls
        # back to zero acceleration and still brackets the estimate.
        assert method == "BCa" and kind == "tied"
        assert np.all(mine[:, 0] <= mine[:, 1])
        return
    assert_endpoints_agree(mine, theirs, se_floor=1e-12 * np.abs(theirs).max())
