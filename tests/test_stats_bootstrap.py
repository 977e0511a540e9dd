"""The array-level statistics API: estimates, closed-form jackknives, edge cases, selection."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy import stats as sps

from tpot_widget import stats
from tpot_widget.stats import bootstrap

STATISTICS = ["median", "mean", "p50", "p90", "p95", "p99", "p25", "p0.1", "p99.9"]


def numpy_statistic(x: np.ndarray, statistic: str) -> float:
    if statistic == "median":
        return float(np.median(x))
    if statistic == "mean":
        return float(np.mean(x))
    # "p99.9" is np.quantile(x, 0.999): the percent as written, not 99.9 / 100 in floats
    return float(np.quantile(x, round(float(statistic[1:]) / 100.0, 12)))


def samples() -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    out = []
    for n in (2, 3, 4, 5, 10, 11, 20, 101, 1000):
        out.append(rng.lognormal(-3.5, 0.6, n))
        out.append(np.round(rng.lognormal(3.0, 0.3, n)))  # integer milliseconds: ties
    return out


@pytest.mark.parametrize("statistic", STATISTICS)
def test_estimate_equals_numpy(statistic: str) -> None:
    for x in samples():
        expected = numpy_statistic(x, statistic)
        if statistic == "mean":  # the summation order differs
            assert stats.estimate(np.sort(x), statistic) == pytest.approx(expected, rel=1e-14)
        else:
            assert stats.estimate(np.sort(x), statistic) == expected


def test_quantile_of_sorted_replicates_equals_numpy() -> None:
    rng = np.random.default_rng(12)
    for x in [*samples(), rng.lognormal(size=9999), np.round(rng.normal(size=9999), 1)]:
        xs = np.sort(x)
        for q in (0.0, 0.001, 0.025, 0.0312, 0.5, 0.9, 0.975, 0.99999, 1.0, *rng.random(20)):
            assert bootstrap.quantile_sorted(xs, q) == np.quantile(x, q)


def test_interval_of_unsorted_replicates_equals_that_of_sorted_ones() -> None:
    """`interval` partitions instead of sorting: the same endpoints, to the bit, for BCa and
    percentile, θ̂ inside, outside and on replicates, ties, constants and NaN."""
    rng = np.random.default_rng(13)
    cases = [rng.lognormal(size=9999), np.round(rng.normal(size=9999), 1), rng.normal(size=7)]
    cases += [np.full(50, 2.5), np.append(rng.normal(size=99), np.nan)]
    for reps in cases:
        finite = reps[np.isfinite(reps)]
        for theta in (float(np.median(finite)), float(finite[3]), -10.0, 10.0, float("nan")):
            for method in ("BCa", "percentile"):
                for level in (0.5, 0.95, 0.999):
                    for accel in (0.0, 0.1, -0.3):
                        got = bootstrap.interval(reps, theta, level, method, lambda a=accel: a)
                        want = bootstrap._interval_sorted(
                            np.sort(reps), theta, level, method, lambda a=accel: a
                        )
                        assert got == want or np.array_equal(got, want, equal_nan=True), (
                            theta,
                            method,
                            level,
                            accel,
                        )


@pytest.mark.parametrize("statistic", STATISTICS)
def test_closed_form_jackknife_equals_leave_one_out(statistic: str) -> None:
    for x in samples():
        xs = np.sort(x)
        values, counts = stats.jackknife(xs, statistic)
        assert counts.sum() == len(xs)
        closed = np.repeat(values, counts.astype(int))
        brute = np.array([numpy_statistic(np.delete(xs, i), statistic) for i in range(len(xs))])
        np.testing.assert_allclose(np.sort(closed), np.sort(brute), rtol=1e-12, atol=0)


def test_acceleration_matches_scipy_formula_for_two_samples() -> None:
    """The multi-sample acceleration equals scipy's sum over per-sample jackknives."""
    rng = np.random.default_rng(2)
    a, b = np.sort(rng.lognormal(size=40)), np.sort(rng.lognormal(size=31))
    theta_a, theta_b = np.median(a), np.median(b)
    # scipy's _bca_interval, written out: leave one row out of one sample at a time.
    jack = [
        np.array([theta_b - np.median(np.delete(a, i)) for i in range(len(a))]),
        np.array([np.median(np.delete(b, i)) - theta_a for i in range(len(b))]),
    ]
    nums = dens = 0.0
    for t in jack:
        u = (len(t) - 1) * (t.mean() - t)
        nums += (u**3).sum() / len(t) ** 3
        dens += (u**2).sum() / len(t) ** 2
    expected = nums / (6 * dens**1.5)
    (va, ca), (vb, cb) = stats.jackknife(a, "median"), stats.jackknife(b, "median")
    got = stats.acceleration([(theta_b - va, ca), (vb - theta_a, cb)])
    assert got == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("method", ["BCa", "percentile"])
@pytest.mark.parametrize("statistic", ["median", "mean", "p90"])
def test_not_enough_data_and_constant_data(method: str, statistic: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning storm, no DegenerateDataWarning
        for values in ([], [3.0], [np.nan, 2.0, np.nan]):
            res = stats.bootstrap_ci(np.array(values), statistic, method=method)
            assert res.estimate is None and res.ci_low is None and res.ci_high is None
            assert res.n == sum(1 for v in values if v == v)
        const = stats.bootstrap_ci(np.full(500, 0.02), statistic, method=method)
        assert (const.n, const.estimate, const.ci_low, const.ci_high) == (500, 0.02, 0.02, 0.02)
        diff = stats.difference_ci(np.full(50, 2.0), np.full(40, 3.0), statistic, method=method)
        assert (diff.estimate, diff.ci_low, diff.ci_high) == (1.0, 1.0, 1.0)
        assert diff.relative == pytest.approx(0.5)
        assert diff.relative_ci_low == pytest.approx(0.5)
        none = stats.difference_ci(np.array([1.0]), np.array([1.0, 2.0]), statistic)
        assert none == bootstrap.NOT_ENOUGH


def test_nan_values_are_ignored() -> None:
    rng = np.random.default_rng(4)
    x = rng.lognormal(size=300)
    with_nan = np.concatenate([x, [np.nan] * 20])
    rng.shuffle(with_nan)
    assert stats.bootstrap_ci(with_nan) == stats.bootstrap_ci(x)


def test_seeded_and_reproducible() -> None:
    x = np.random.default_rng(5).lognormal(size=777)
    for statistic in ("p90", "mean"):
        first = stats.bootstrap_ci(x, statistic)
        assert stats.bootstrap_ci(x, statistic) == first  # random_state None = fixed seed 0
        assert stats.bootstrap_ci(x, statistic, random_state=0) == first
        gen = stats.bootstrap_ci(x, statistic, random_state=np.random.default_rng(0))
        assert gen == first
    # Another seed: the same estimate, other replicates (the mean's CI is continuous).
    other = stats.bootstrap_ci(x, "mean", random_state=1)
    assert other.estimate == first.estimate and other.ci_low != first.ci_low


def test_ci_contains_estimate_and_narrows_with_lower_confidence() -> None:
    x = np.random.default_rng(6).lognormal(size=2000)
    for statistic in ("median", "mean", "p95"):
        for method in ("BCa", "percentile"):
            wide = stats.bootstrap_ci(x, statistic, 0.99, method)
            narrow = stats.bootstrap_ci(x, statistic, 0.8, method)
            assert wide.ci_low < narrow.ci_low <= narrow.estimate <= narrow.ci_high < wide.ci_high


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"statistic": "p101"}, "statistic='p101' is not supported"),
        ({"statistic": "mode"}, "statistic='mode' is not supported"),
        ({"method": "basic"}, "unknown method"),
        ({"confidence_level": 1.5}, "confidence_level"),
        ({"n_resamples": 0}, "n_resamples"),
    ],
)
def test_bad_parameters_raise_clear_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        stats.bootstrap_ci(np.arange(10.0), **kwargs)


def test_mann_whitney_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    cases = [
        (rng.lognormal(size=300), rng.lognormal(0.1, size=250)),
        (np.round(rng.lognormal(3, 0.3, 400)), np.round(rng.lognormal(3.05, 0.3, 500))),
        (rng.normal(size=5), rng.normal(1, size=7)),  # scipy's exact test
        (np.array([1.0, 1.0, 2.0]), np.array([1.0, 3.0, 3.0, 4.0])),  # small with ties
        (np.full(20, 4.0), np.full(30, 4.0)),
        (np.arange(10.0), np.arange(10.0) + 100),
        (np.arange(30.0), np.arange(30.0) + 0.5),  # no ties anywhere
        (np.arange(30.0), np.arange(15.0, 45.0)),  # ties only across the samples
    ]
    for a, b in cases:
        expected = sps.mannwhitneyu(a, b).pvalue
        got = stats.mann_whitney_p(np.sort(a), np.sort(b))
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)
    assert stats.mann_whitney_p(np.array([]), np.arange(3.0)) is None


def test_exact_mann_whitney_counts_every_ordering_and_agrees_with_scipy() -> None:
    """Small samples without ties: U's distribution counted here equals the enumeration of
    every ordering, and the p-value scipy's exact method gives, also for a few requests
    against a whole run."""
    from itertools import combinations

    from tpot_widget.stats.mannwhitney import _u_counts

    for n1, n2 in [(1, 1), (2, 3), (3, 3), (4, 2), (5, 5)]:
        enumerated = [0] * (n1 * n2 + 1)
        for first in combinations(range(n1 + n2), n1):  # the first sample's ranks
            u = sum(r - i for i, r in enumerate(sorted(first)))  # pairs it beats
            enumerated[u] += 1
        assert list(_u_counts(n1, n2)) == enumerated
    rng = np.random.default_rng(11)
    sizes = [(n1, n2) for n1 in range(1, 9) for n2 in range(1, 9)]
    for n1, n2 in [*sizes, (3, 1000), (8, 2000), (600, 5)]:  # a few requests vs a whole run
        a, b = rng.normal(size=n1), rng.normal(rng.normal(), size=n2)
        expected = sps.mannwhitneyu(a, b, method="exact").pvalue
        got = stats.mann_whitney_p(np.sort(a), np.sort(b))
        assert got == pytest.approx(expected, rel=1e-11)


def test_a_small_sample_p_value_needs_no_scipy_stats() -> None:
    """Importing scipy.stats takes ~0.9 s: it once happened mid-brush, the first time a
    selection held 8 or fewer requests (scipy's exact test), stalling the widget."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import numpy as np\n"
        "from tpot_widget import compare\n"
        "rng = np.random.default_rng(0)\n"
        "c = compare(0.02 * rng.lognormal(size=7), 0.02 * rng.lognormal(size=500))\n"
        "assert c.differences[0].p_value is not None\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_selector_returns_the_sorted_selection() -> None:
    rng = np.random.default_rng(8)
    n = 5000
    values = rng.lognormal(size=n)
    values[rng.random(n) < 0.02] = np.nan
    x = rng.integers(1, 1000, n).astype(float)
    x[rng.random(n) < 0.01] = np.nan
    usable = rng.random(n) > 0.05
    sel = stats.SortedSelector(values, x, usable)
    ok = usable & ~np.isnan(values)
    np.testing.assert_array_equal(sel.select(None), np.sort(values[ok]))
    ranges = [(10, 20), (1, 999), (None, 500), (300, None), (0, 2000), (5, 5), (600, 550 + 60)]
    ranges += [tuple(sorted(rng.integers(0, 1000, 2))) for _ in range(30)]
    for lo, hi in ranges:
        inside = (x >= (-np.inf if lo is None else lo)) & (x <= (np.inf if hi is None else hi))
        got = sel.select((lo, hi))
        np.testing.assert_array_equal(got, np.sort(values[ok & inside]))
        np.testing.assert_array_equal(sel.mask((lo, hi)), inside)
    assert sel.mask(None).all()
    with pytest.raises(ValueError, match="x column"):
        stats.SortedSelector(values, None, usable).select((1, 2))


def test_import_compiles_nothing_and_warm_up_compiles_everything() -> None:
    """In a fresh process: import compiles nothing; after warm_up() no brush compiles."""
    code = (
        "import tpot_widget, tpot_widget.comparison\n"
        "from tpot_widget import stats\n"
        "assert set(stats.compiled_kernels().values()) == {0}, stats.compiled_kernels()\n"
        "stats.warm_up()\n"
        "warm = stats.compiled_kernels()\n"
        "assert min(warm.values()) >= 1, warm\n"
        "from tpot_widget.comparison import Comparer\n"
        "from tpot_widget.demo import demo_runs\n"
        "c = Comparer(demo_runs())\n"
        "for s in ('median', 'mean', 'p90'):\n"
        "    for r in (None, (100, 400), (1, 3000), (100, 400)):\n"
        "        c.compare(token_range=r, statistic=s, n_resamples=199)\n"
        "for run in demo_runs():\n"
        "    sel = stats.SortedSelector(run['time_per_output_token'], run['num_tokens_output'],"
        " ~run.errors)\n"
        "    sel.moments((100, 400))\n"
        "    x = sel.select((100, 400))\n"
        "    stats.hodges_lehmann(x, x[::2])\n"
        "    stats.shift_function(x, x[::2], n_resamples=199)\n"
        "assert stats.compiled_kernels() == warm, 'a brush compiled a kernel'\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
