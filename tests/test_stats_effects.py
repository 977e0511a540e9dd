"""Holm's adjustment, P(B faster than A) and the Hodges–Lehmann shift, against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from tpot_widget import stats


def holm_by_step_down(p: list[float], alpha: float) -> set[int]:
    """Holm's procedure as published: reject the smallest p while p_(j) ≤ α / (m − j)."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    rejected: set[int] = set()
    for j, i in enumerate(order):
        if p[i] > alpha / (len(p) - j):
            break
        rejected.add(i)
    return rejected


def test_holm_known_values() -> None:
    # statsmodels.stats.multitest.multipletests(p, method="holm")[1]
    got = stats.holm([0.01, 0.04, 0.03, 0.005])
    assert got == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.holm([0.2]) == [0.2]  # one test: the p-value itself
    assert stats.holm([0.5, None, 0.01]) == [pytest.approx(0.5), None, pytest.approx(0.02)]
    assert stats.holm([]) == []


def test_holm_adjusted_p_rejects_what_the_step_down_procedure_rejects() -> None:
    rng = np.random.default_rng(0)
    grid = [0.001, 0.01, 0.02, 0.05, 0.1, 0.2]
    for m in range(1, 8):
        for _ in range(30):
            p = rng.choice([*rng.random(m).tolist(), 0.01, 0.05], m).tolist()  # ties too
            adjusted = stats.holm(p)
            assert all(a >= q for a, q in zip(adjusted, p, strict=True))
            for alpha in grid:
                by_adjusted = {i for i, a in enumerate(adjusted) if a <= alpha}
                assert by_adjusted == holm_by_step_down(p, alpha), (p, alpha)


def brute_superiority(a: np.ndarray, b: np.ndarray) -> float:
    less = (b[None, :] < a[:, None]).mean()
    ties = (b[None, :] == a[:, None]).mean()
    return float(less + ties / 2)


def test_probability_b_faster_equals_pairwise_count() -> None:
    rng = np.random.default_rng(1)
    for n, m in ((1, 1), (3, 5), (40, 33), (500, 700)):
        for tied in (False, True):
            a, b = rng.lognormal(0, 0.3, n), rng.lognormal(0.05, 0.3, m)
            if tied:
                a, b = np.round(a * 10), np.round(b * 10)
            got = stats.probability_faster(np.sort(a), np.sort(b))
            assert got == pytest.approx(brute_superiority(a, b), abs=1e-12)
    assert stats.probability_faster(np.array([]), np.array([1.0])) is None


def test_kth_pairwise_difference_equals_sorted_outer_difference() -> None:
    rng = np.random.default_rng(2)
    for n, m in ((1, 1), (2, 7), (30, 41), (120, 90)):
        for tied in (False, True):
            a = np.sort(rng.normal(0, 1, n))
            b = np.sort(rng.normal(0.3, 1.5, m))
            if tied:
                a, b = np.round(a, 1), np.round(b, 1)
            all_d = np.sort(np.subtract.outer(b, a).ravel())
            for k in {1, len(all_d), *rng.integers(1, len(all_d) + 1, 10).tolist()}:
                assert stats.kth_pairwise_difference(a, b, int(k)) == all_d[k - 1]
    # large enough for the bracketing search (n·m > 4 (n + m)): smooth and integer data
    for integer in (False, True):
        a = np.sort(rng.lognormal(3, 0.3, 700))
        b = np.sort(rng.lognormal(3.05, 0.3, 800))
        if integer:
            a, b = np.round(a), np.round(b)
        all_d = np.sort(np.subtract.outer(b, a).ravel())
        for k in {1, 2, len(all_d) // 2, len(all_d), *rng.integers(1, len(all_d) + 1, 15).tolist()}:
            assert stats.kth_pairwise_difference(a, b, int(k)) == all_d[k - 1], (integer, k)


def test_kth_pairwise_difference_of_integer_data_with_huge_ties() -> None:
    """Whole-number values where one difference holds most pairs: the bracket can end as
    (1 − 2⁻⁵³, 2], whose width rounds to 1 although it holds the differences 1 and 2."""
    rng = np.random.default_rng(6)
    for trial in range(30):
        a = np.sort(rng.choice([0.0, 0.0, 0.0, 1.0], 300) + rng.integers(0, 2, 300) * (trial % 3))
        b = np.sort(rng.choice([3.0, 3.0, 3.0, 2.0, 4.0], 400))
        all_d = np.sort(np.subtract.outer(b, a).ravel())
        ks = [int(k) for k in rng.integers(1, len(all_d) + 1, 20)]
        assert stats.kth_pairwise_differences(a, b, ks) == [all_d[k - 1] for k in ks], trial
        for k in ks[:5]:
            assert stats.kth_pairwise_difference(a, b, k) == all_d[k - 1], (trial, k)


def test_hodges_lehmann_equals_median_of_pairwise_differences() -> None:
    rng = np.random.default_rng(3)
    for n, m in ((5, 5), (6, 9), (50, 61)):
        a, b = np.sort(rng.lognormal(0, 0.3, n)), np.sort(rng.lognormal(0.1, 0.3, m))
        res = stats.hodges_lehmann(a, b)
        assert res.estimate == pytest.approx(float(np.median(np.subtract.outer(b, a))))
        all_d = np.sort(np.subtract.outer(b, a).ravel())
        # the CI's endpoints are order statistics of the pairwise differences
        assert res.ci_low in all_d and res.ci_high in all_d
        assert res.ci_low <= res.estimate <= res.ci_high


def test_hodges_lehmann_ci_covers_a_true_shift() -> None:
    rng = np.random.default_rng(4)
    sims, covered = 300, 0
    shift = 0.002
    for _ in range(sims):
        a = np.sort(rng.lognormal(np.log(0.025), 0.3, 200))
        b = np.sort(rng.lognormal(np.log(0.025), 0.3, 260) + shift)
        res = stats.hodges_lehmann(a, b, 0.95)
        covered += res.ci_low <= shift <= res.ci_high
    assert 0.92 <= covered / sims <= 0.98, covered / sims


def test_hodges_lehmann_on_large_samples_without_pairs() -> None:
    """n = m = 200k (4·10¹⁰ pairs): found by counting, never by forming the pairs."""
    rng = np.random.default_rng(5)
    a = np.sort(rng.lognormal(np.log(0.025), 0.3, 200_000))
    b = np.sort(rng.lognormal(np.log(0.025), 0.3, 200_000) + 0.001)
    res = stats.hodges_lehmann(a, b)
    assert res.ci_low < 0.001 < res.ci_high
    assert res.ci_high - res.ci_low < 0.0005


def test_mann_whitney_gives_p_and_probability_faster_from_one_merge() -> None:
    rng = np.random.default_rng(5)
    for a, b in (
        (rng.lognormal(0, 1, 300), rng.lognormal(0.1, 1, 200)),
        (np.round(rng.normal(10, 2, 400)), np.round(rng.normal(10.5, 2, 300))),  # ties
        (rng.normal(0, 1, 5), rng.normal(1, 1, 6)),  # scipy's exact path
    ):
        xa, xb = np.sort(a), np.sort(b)
        p, prob = stats.mann_whitney(xa, xb)
        assert p == stats.mann_whitney_p(xa, xb)
        assert prob == pytest.approx(stats.probability_faster(xa, xb), abs=1e-12)
    assert stats.mann_whitney(np.array([]), np.array([1.0])) == (None, None)
