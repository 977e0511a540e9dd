"""The statistics registry: one grammar, one message, labels, choices, and a new statistic as
one entry plus its kernel (a 10% trimmed mean, checked against scipy.stats.bootstrap).

The scipy check follows test_stats_scipy: scipy runs with K seeds, ours with M seeds; the
Monte-Carlo standard error (se) of an endpoint is the larger seed-to-seed standard deviation.
Our default-seed endpoint lies within 3 se of scipy's mean endpoint, and our mean endpoint
over seeds within 3 se·√(1/M + 1/K).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from factories import make_run
from scipy import stats as sps
from stats_checks import assert_endpoints_agree

from tpot_widget import TPOTCompare, compare, stats
from tpot_widget.display import statistic_label
from tpot_widget.params import normalize_statistic
from tpot_widget.stats import statistics

# --- the grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        ("median", "median", "median"),
        ("mean", "mean", "mean"),
        (" Median ", "median", "median"),
        ("p90", "p90", "90th percentile"),
        ("P95", "p95", "95th percentile"),
        ("p99.9", "p99.9", "99.9th percentile"),
        ("p99.90", "p99.9", "99.9th percentile"),
        ("p05", "p5", "5th percentile"),
        ("p0.1", "p0.1", "0.1th percentile"),
        ("p50.0", "p50", "50th percentile"),
        ("p99.9999999", "p99.9999999", "99.9999999th percentile"),
    ],
)
def test_names_are_read_once_and_canonical(text: str, name: str, label: str) -> None:
    stat = statistics.parse_statistic(text)
    assert (stat.name, stat.label) == (name, label)
    assert normalize_statistic(text) == name
    assert statistic_label(name) == label


def test_a_percentile_is_numpys_quantile_at_the_percent_as_written() -> None:
    x = np.sort(np.random.default_rng(1).lognormal(size=1001))
    assert stats.estimate(x, "p99.9") == np.quantile(x, 0.999)
    assert stats.estimate(x, "p95") == np.quantile(x, 0.95)


@pytest.mark.parametrize(
    "value", ["p0", "p100", "p100.0", "p0.0", "p101", "p-1", "p", "p.5", "mode", "", None, 90]
)
def test_one_grammar_refuses_with_one_message(value: object) -> None:
    """p0 / p100 passed the engine's parser and not params' before: now both refuse them."""
    expected = (
        f"statistic={value!r} is not supported; use 'median', 'mean' or a percentile strictly "
        "between 0 and 100 such as 'p90', 'p99' or 'p99.9'"
    )
    with pytest.raises(ValueError) as info:
        normalize_statistic(value)
    assert str(info.value) == expected
    x = np.arange(20.0)
    for call in (
        lambda: stats.bootstrap_ci(x, value),  # type: ignore[arg-type]
        lambda: stats.difference_ci(x, x + 1, value),  # type: ignore[arg-type]
        lambda: stats.arm_ci([x, x + 1], value),  # type: ignore[arg-type]
        lambda: stats.estimate(x, value),  # type: ignore[arg-type]
    ):
        with pytest.raises(ValueError) as info:
            call()
        assert str(info.value) == expected


def test_the_widget_offers_p95_and_takes_it() -> None:
    a, b = make_run("a", 200, seed=1), make_run("b", 200, seed=2)
    w = TPOTCompare(a, b, n_resamples=199)
    offered = w._choices["statistics"]
    assert [s["name"] for s in offered] == ["median", "mean", "p90", "p95", "p99"]
    assert {"name": "p95", "label": "95th percentile", "kind": "quantile"} in offered
    assert all(set(s) == {"name", "label", "kind"} for s in offered)
    w.statistic = "p95"
    assert w.stats["statistic"] == "p95"
    assert w.stats["runs"][0]["estimate"] == pytest.approx(
        np.quantile(a["time_per_output_token"], 0.95), rel=1e-12
    )


def test_kinds_say_which_kernel_serves_a_statistic() -> None:
    median, mean, p90 = (statistics.parse_statistic(n) for n in ("median", "mean", "p90"))
    assert (median.kind, median.quantile, median.from_moments) == ("quantile", 0.5, False)
    assert (mean.kind, mean.quantile, mean.from_moments) == ("moment", None, True)
    assert (p90.kind, p90.quantile) == ("quantile", 0.9)


# --- registering a statistic -----------------------------------------------------------------

TRIM = 0.1


def trimmed_mean(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """The kernel: a 10% trimmed mean along `axis` (scipy's, vectorised)."""
    return np.asarray(sps.trim_mean(x, TRIM, axis=axis))


#: The registry entry: a name, a label, the kernel.
TRIM10 = statistics.from_function("trim10", "10% trimmed mean", trimmed_mean)


def test_registration_is_undone() -> None:
    with pytest.raises(ValueError, match="statistic='trim10' is not supported"):
        normalize_statistic("trim10")
    with statistics.registered(TRIM10):
        assert normalize_statistic("TRIM10") == "trim10"
        assert statistic_label("trim10") == "10% trimmed mean"
        with pytest.raises(ValueError, match="'mean', 'trim10' or a percentile"):
            normalize_statistic("p0")  # the message names the registered statistic too
    with pytest.raises(ValueError, match="statistic='trim10' is not supported"):
        normalize_statistic("trim10")


@pytest.mark.parametrize("name", ["median", "mean", "p90", "Trim", "trim 10", ""])
def test_a_registered_name_cannot_shadow_the_grammar(name: str) -> None:
    with pytest.raises(ValueError, match="cannot register"):
        statistics.register(statistics.from_function(name, "x", trimmed_mean))


def test_a_registered_statistic_reaches_every_surface() -> None:
    """compare, the widget (its choices and stats) and the tables take the new statistic;
    its estimate is the trimmed mean itself (the mean's moments path is not taken for it)."""
    a, b = make_run("a", 600, seed=1), make_run("b", 600, seed=2, tpot=0.021)
    with statistics.registered(TRIM10):
        c = compare(a, b, statistic="trim10", n_resamples=199)
        for run, row in zip((a, b), c.runs, strict=True):
            assert row.estimate == pytest.approx(
                float(trimmed_mean(np.sort(run["time_per_output_token"]))), rel=1e-12
            )
        w = TPOTCompare(a, b, statistic="trim10", n_resamples=199)
        assert w._choices["statistics"][-1] == {
            "name": "trim10",
            "label": "10% trimmed mean",
            "kind": "moment",
        }
        assert w.stats["runs"][0]["estimate"] == c.runs[0].estimate
        assert "trim10" in w._summary_markdown


# --- the trimmed mean's intervals agree with scipy.stats.bootstrap ---------------------------

B = 9999
K = 5  # scipy seeds
M = 12  # our seeds


def samples() -> tuple[np.ndarray, np.ndarray]:
    a = make_run("a", 150, seed=21)["time_per_output_token"]
    b = make_run("b", 170, seed=22, tpot=0.021, sigma=0.3)["time_per_output_token"]
    return a, b


@cache
def scipy_endpoints(which: str) -> np.ndarray:
    """(K, 2): scipy's BCa endpoints of the baseline's trimmed mean or of b − a."""
    a, b = samples()
    statistic: Callable[..., np.ndarray]
    if which == "baseline":
        data: tuple[np.ndarray, ...] = (a,)
        statistic = trimmed_mean
    else:
        data = (a, b)

        def statistic(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
            return trimmed_mean(y, axis) - trimmed_mean(x, axis)

    out = []
    for seed in range(K):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sps.bootstrap(
                data, statistic, n_resamples=B, method="BCa", rng=np.random.default_rng(seed)
            )
        out.append([res.confidence_interval.low, res.confidence_interval.high])
    return np.array(out)


@cache
def our_endpoints() -> dict[str, np.ndarray]:
    """(M, 2) per quantity: compare(..., statistic="trim10") with M seeds."""
    a, b = samples()
    baseline, difference = [], []
    with statistics.registered(TRIM10):
        for seed in range(M):
            c = compare(a, b, statistic="trim10", n_resamples=B, random_state=seed)
            baseline.append([c.runs[0].ci_low, c.runs[0].ci_high])
            d = c.differences[0]
            difference.append([d.ci_low, d.ci_high])
    return {"baseline": np.array(baseline), "difference": np.array(difference)}


@pytest.mark.parametrize("which", ["baseline", "difference"])
def test_trimmed_mean_ci_agrees_with_scipy(which: str) -> None:
    theirs = scipy_endpoints(which)
    mine = our_endpoints()[which]
    assert np.all(np.isfinite(mine))
    assert_endpoints_agree(mine, theirs)


def test_the_jackknife_of_a_registered_statistic_is_leave_one_out() -> None:
    x = np.sort(np.round(np.random.default_rng(3).lognormal(3, 0.3, 60)))  # ties
    values, counts = TRIM10.jackknife(x)
    assert counts.sum() == len(x)
    closed = np.sort(np.repeat(values, counts.astype(int)))
    direct = np.sort([float(trimmed_mean(np.delete(x, i))) for i in range(len(x))])
    np.testing.assert_allclose(closed, direct, rtol=1e-12)
