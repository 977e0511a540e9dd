"""The bootstrap kernels draw from exactly the bootstrap distribution (proved for n <= 7).

For small n every one of the nⁿ equally likely resamples is enumerated, giving the exact
distribution of the statistic; the kernel's replicates must fit it (chi-square, fixed
seeds). An off-by-one in the Beta parameters of the order-statistic kernel fails these
tests by hundreds of standard deviations (checked while writing them).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats as sps

from tpot_widget.stats import bootstrap, kernels, statistics

#: Distinct, unevenly spaced values: every order statistic maps to its own value.
DATA = np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0, 22.0])
#: Ties: the distribution of a statistic merges values, as with integer-millisecond data.
TIED = np.array([3.0, 3.0, 5.0, 5.0, 5.0, 8.0, 9.0])
N_DRAWS = 200_000
#: A correct kernel gives p-values spread over (0, 1); a wrong one gives ~0 (< 1e-30).
P_MIN = 1e-4


def exact_distribution(x: np.ndarray, statistic: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of the statistic over all nⁿ resamples and their probabilities."""
    n = len(x)
    idx = np.array(list(itertools.product(range(n), repeat=n)), dtype=np.int64)
    resamples = x[idx]
    if statistic == "median":
        values = np.median(resamples, axis=1)
    elif statistic == "mean":
        values = np.mean(resamples, axis=1)
    else:
        values = np.quantile(resamples, float(statistic[1:]) / 100.0, axis=1)
    # Round away float noise between equal values computed in different orders.
    distinct, counts = np.unique(np.round(values, 9), return_counts=True)
    return distinct, counts / len(values)


def chi_square_p(draws: np.ndarray, support: np.ndarray, probs: np.ndarray) -> float:
    """Chi-square goodness of fit of draws to a discrete law (cells with expectation < 5 pooled)."""
    positions = np.searchsorted(support, np.round(draws, 9))
    assert np.all(positions < len(support)), "a replicate outside the exact support"
    assert np.array_equal(support[positions], np.round(draws, 9)), "a replicate off the support"
    observed = np.bincount(positions, minlength=len(support)).astype(float)
    expected = probs * len(draws)
    # Pool small cells from the left into their neighbours until each expects >= 5.
    obs_cells, exp_cells = [], []
    acc_o = acc_e = 0.0
    for o, e in zip(observed, expected, strict=True):
        acc_o += o
        acc_e += e
        if acc_e >= 5.0:
            obs_cells.append(acc_o)
            exp_cells.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0:
        obs_cells[-1] += acc_o
        exp_cells[-1] += acc_e
    if len(obs_cells) < 2:
        return 1.0
    return float(sps.chisquare(obs_cells, exp_cells).pvalue)


CASES = [
    (n, statistic, data_name)
    for n in range(2, 8)
    for statistic in ("median", "p90", "p25")
    for data_name in ("distinct", "tied")
    if not (data_name == "tied" and n < 4)
]


@pytest.mark.parametrize(("n", "statistic", "data_name"), CASES)
def test_order_statistic_kernel_is_exact(n: int, statistic: str, data_name: str) -> None:
    x = np.sort((DATA if data_name == "distinct" else TIED)[:n])
    support, probs = exact_distribution(x, statistic)
    seeds = np.arange(1, bootstrap.N_CHUNKS + 1, dtype=np.uint32) * (n + 31)
    draws = bootstrap.replicates(x, statistic, N_DRAWS, seeds)
    p = chi_square_p(draws, support, probs)
    assert p > P_MIN, f"replicates of the {statistic} (n={n}) do not follow the exact law: p={p}"
    # The bootstrap mean of the replicates matches the exact expectation closely too.
    exact_mean = float(np.dot(support, probs))
    exact_sd = float(np.sqrt(np.dot(probs, (support - exact_mean) ** 2)))
    assert abs(draws.mean() - exact_mean) <= 5 * exact_sd / np.sqrt(N_DRAWS) + 1e-12


@pytest.mark.parametrize("n", [2, 3, 5, 6])
def test_mean_kernel_is_exact(n: int) -> None:
    x = DATA[:n].copy()
    support, probs = exact_distribution(x, "mean")
    seeds = np.arange(bootstrap.N_CHUNKS, dtype=np.uint32) + 1000 * n
    draws = kernels.mean_replicates(x, N_DRAWS // 4, seeds)
    assert chi_square_p(draws, support, probs) > P_MIN


@pytest.mark.parametrize(
    ("n", "q", "midpoint"), [(1_000_001, 0.5, True), (100_001, 0.99, False), (5001, 0.0, False)]
)
def test_order_statistic_law_at_large_n(n: int, q: float, midpoint: bool) -> None:
    """With x = 0, 1, ..., n−1 a replicate is its own index floor(n·U), U ~ Beta(j+1, n−j).

    Indices are binned at about 40 equiprobable edges; a bin's exact probability is the
    Beta law's mass between its edges divided by n.
    """
    x = np.arange(n, dtype=np.float64)
    j, g = statistics._virtual_index(n, q, midpoint)
    assert g == 0.0
    seeds = bootstrap.draw_seeds(np.random.default_rng(n))
    draws = kernels.order_statistic_replicates(x, j, g, midpoint, 40_000, seeds)
    law = sps.beta(j + 1, n - j)
    edges = np.unique(np.ceil(n * law.ppf(np.linspace(0, 1, 41)[1:-1])))
    edges = np.concatenate([[0.0], edges[edges > 0], [float(n)]])
    probs = np.diff(law.cdf(edges / n))
    bins = np.searchsorted(edges, draws, side="right") - 1
    assert chi_square_p(bins.astype(float), np.arange(len(probs), dtype=float), probs) > P_MIN


def test_chi_square_check_rejects_a_shifted_law() -> None:
    """The check has power: the law of the 2nd order statistic fails for the median (n=5)."""
    x = DATA[:5]
    support, probs = exact_distribution(x, "median")
    rng = np.random.default_rng(0)
    wrong = x[np.minimum((5 * rng.beta(2, 4, N_DRAWS)).astype(int), 4)]
    assert chi_square_p(wrong, support, probs) < 1e-30


def test_replicates_do_not_depend_on_thread_count() -> None:
    import numba

    x = np.sort(np.random.default_rng(3).lognormal(size=1001))
    seeds = bootstrap.draw_seeds(np.random.default_rng(5))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = bootstrap.replicates(x, "p90", 2000, seeds)
        one_mean = bootstrap.replicates(x, "mean", 200, seeds)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, bootstrap.replicates(x, "p90", 2000, seeds))
    np.testing.assert_array_equal(one_mean, bootstrap.replicates(x, "mean", 200, seeds))
