"""`compare` / `Comparer` / `Comparison`: the contract the widget, report and CLI rely on."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from factories import make_run
from scipy import stats as sps

from tpot_widget import Comparison, Run, compare
from tpot_widget.comparison import Comparer
from tpot_widget.demo import demo_runs

RUN_KEYS = {
    "name",
    "n",
    "n_errors",
    "estimate",
    "ci_low",
    "ci_high",
    "n_runs",
    "between_run_share",
}
DIFF_KEYS = {
    "name",
    "baseline",
    "estimate",
    "ci_low",
    "ci_high",
    "relative",
    "relative_ci_low",
    "relative_ci_high",
    "p_value",
    "p_value_adjusted",
    "verdict",
    "prob_faster",
    "hl_estimate",
    "hl_ci_low",
    "hl_ci_high",
}
N_RES = 1999  # enough for the behaviour checked here, and quick


def assert_json_safe(d: dict) -> None:
    json.dumps(d, allow_nan=False)  # raises on NaN / inf / numpy types

    def walk(v: object) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        else:
            assert v is None or type(v) in (float, int, str), type(v)

    walk(d)


@pytest.fixture(scope="module")
def runs() -> tuple[Run, Run, Run]:
    return (
        make_run("base", 3000, 0.025, 1, error_rate=0.02),
        make_run("fast", 2500, 0.022, 2),
        make_run("slow", 2000, 0.028, 3, error_rate=0.05),
    )


def test_to_dict_layout_and_json_safety(runs: tuple[Run, Run, Run]) -> None:
    c = compare(*runs, n_resamples=N_RES)
    assert isinstance(c, Comparison)
    d = c.to_dict()
    assert set(d) == {
        "dimension",
        "x_dimension",
        "statistic",
        "method",
        "confidence_level",
        "n_resamples",
        "token_range",
        "time_range",
        "threshold",
        "match",
        "minimum_n",
        "runs",
        "differences",
        "notes",
        "slo",
        "warm_up",
        "shift_function",
    }
    assert d["minimum_n"] == 6  # the median's 95% interval needs 6 requests
    assert (d["dimension"], d["statistic"], d["method"], d["confidence_level"]) == (
        "time_per_output_token",
        "median",
        "BCa",
        0.95,
    )
    assert d["token_range"] is None
    assert [r["name"] for r in d["runs"]] == ["base", "fast", "slow"]
    assert all(set(r) == RUN_KEYS for r in d["runs"])
    assert [x["name"] for x in d["differences"]] == ["fast", "slow"]
    assert all(set(x) == DIFF_KEYS and x["baseline"] == "base" for x in d["differences"])
    assert_json_safe(d)
    # Attributes mirror the dict.
    assert c.runs[1].estimate == d["runs"][1]["estimate"]
    assert c.differences[0].verdict == d["differences"][0]["verdict"]


def test_numbers_are_what_a_user_would_compute(runs: tuple[Run, Run, Run]) -> None:
    c = compare(*runs, n_resamples=N_RES)
    for run, est in zip(runs, c.runs, strict=True):
        values = run["time_per_output_token"][run.valid("time_per_output_token")]
        assert est.n == len(values)
        assert est.n_errors == run.n_errors
        assert est.estimate == np.median(values)
        assert est.ci_low < est.estimate < est.ci_high
    base = runs[0]["time_per_output_token"][runs[0].valid("time_per_output_token")]
    for run, diff in zip(runs[1:], c.differences, strict=True):
        values = run["time_per_output_token"][run.valid("time_per_output_token")]
        assert diff.estimate == pytest.approx(np.median(values) - np.median(base), rel=1e-12)
        assert diff.relative == pytest.approx(np.median(values) / np.median(base) - 1, rel=1e-12)
        assert diff.ci_low < diff.estimate < diff.ci_high
        assert diff.relative_ci_low < diff.relative < diff.relative_ci_high
        assert diff.p_value == pytest.approx(sps.mannwhitneyu(base, values).pvalue, rel=1e-9)
    assert [d.verdict for d in c.differences] == ["faster", "slower"]


def test_no_significant_difference_between_samples_of_one_distribution() -> None:
    a, b = make_run("a", 800, 0.025, 10), make_run("b", 900, 0.025, 11)
    diff = compare(a, b, n_resamples=N_RES).differences[0]
    assert diff.ci_low < 0 < diff.ci_high
    assert diff.verdict == "no significant difference"
    assert diff.p_value > 0.05


@pytest.mark.parametrize("statistic", ["median", "mean", "p90", "p99"])
@pytest.mark.parametrize("token_range", [None, (100, 400), (None, 300), (500, None)])
def test_compare_equals_comparer_bit_for_bit(
    runs: tuple[Run, Run, Run], statistic: str, token_range: tuple | None
) -> None:
    n_res = 499 if statistic == "mean" else N_RES
    kw = {"statistic": statistic, "n_resamples": n_res, "token_range": token_range}
    expected = compare(*runs, **kw).to_dict()
    comparer = Comparer(runs)
    comparer.compare(token_range=(1, 2), n_resamples=199)  # an earlier brush changes nothing
    assert comparer.compare(**kw).to_dict() == expected
    assert compare(*runs, **kw, random_state=0).to_dict() == expected  # None = seed 0


def test_token_range_selects_rows_inclusively(runs: tuple[Run, Run, Run]) -> None:
    c = compare(*runs, token_range=(100, 400), n_resamples=N_RES)
    assert c.token_range == (100, 400)
    assert c.to_dict()["token_range"] == [100, 400]
    comparer = Comparer(runs)
    for i, (run, est) in enumerate(zip(runs, c.runs, strict=True)):
        x = run["num_tokens_output"]
        with np.errstate(invalid="ignore"):
            inside = (x >= 100) & (x <= 400)
        np.testing.assert_array_equal(comparer.selection_mask(i, (100, 400)), inside)
        assert comparer.selection_mask(i, None).all()
        values = run["time_per_output_token"][inside & run.valid("time_per_output_token")]
        assert est.n == len(values)
        assert est.estimate == np.median(values)
        np.testing.assert_array_equal(comparer.selected_values(i, (100, 400)), np.sort(values))


def test_seeds_and_generators() -> None:
    a, b = make_run("a", 500, 0.025, 20), make_run("b", 500, 0.024, 21)
    first = compare(a, b, statistic="mean", n_resamples=499)
    other = compare(a, b, statistic="mean", n_resamples=499, random_state=7)
    assert first.runs[0].estimate == other.runs[0].estimate
    assert first.runs[0].ci_low != other.runs[0].ci_low
    gen = compare(a, b, statistic="mean", n_resamples=499, random_state=np.random.default_rng(0))
    assert gen.to_dict() == first.to_dict()


def test_arrays_are_runs_of_values() -> None:
    rng = np.random.default_rng(30)
    a, b = rng.lognormal(-3.7, 0.3, 400), rng.lognormal(-3.6, 0.3, 300)
    a[:5] = np.nan  # NaN values are left out, and counted
    c = compare(a, list(b), n_resamples=N_RES)
    assert [r.name for r in c.runs] == ["run 1", "run 2"]
    assert (c.runs[0].n, c.runs[0].n_missing, c.runs[0].n_errors) == (395, 5, 0)
    assert c.runs[0].estimate == np.nanmedian(a)
    assert c.differences[0].verdict == "slower"
    with pytest.raises(ValueError, match="token_range needs Runs"):
        compare(a, b, token_range=(1, 10))


@pytest.mark.parametrize("infinity", [np.inf, -np.inf])
def test_arrays_holding_infinities_are_refused_with_their_count(infinity: float) -> None:
    """inf is no measurement (issue 16: an error deep inside the effect sizes)."""
    values = np.random.default_rng(31).lognormal(-3.7, 0.3, 50)
    values[[3, 9]] = infinity
    with pytest.raises(ValueError, match=r"run 2: 2 of its 50 values are infinite \(rows 3, 9\)"):
        compare(np.ones(50) * 0.02, values, n_resamples=N_RES)


def test_nan_values_of_a_run_are_counted_not_dropped_silently() -> None:
    run = make_run("r", 200, 0.02, 40)
    out = np.array(run["num_tokens_output"])
    out[:7] = 1  # one output token: TPOT is undefined (NaN)
    broken = Run.from_columns(
        "r",
        time_to_first_token=run["time_to_first_token"],
        time_to_last_token=run["time_to_last_token"],
        num_tokens_output=out,
    )
    c = compare(broken, run, n_resamples=N_RES)
    assert (c.runs[0].n, c.runs[0].n_missing) == (193, 7)
    # two runs named "r" stay two rows, made distinct by the one naming rule
    assert c.to_frame()["n_missing"].to_dict() == {"r (1)": 7, "r (2)": 0}


@pytest.mark.parametrize("statistic", ["median", "mean", "p90"])
def test_not_enough_data_is_explicit_and_json_safe(statistic: str) -> None:
    for a in ([], [0.02]):
        enough = np.linspace(0.02, 0.03, 60)  # above every statistic's minimum at 95%
        c = compare(np.array(a), enough, statistic=statistic)
        r, d = c.runs[0], c.differences[0]
        assert (r.n, r.estimate, r.ci_low, r.ci_high) == (len(a), None, None, None)
        assert c.runs[1].estimate is not None
        assert d.verdict == "not enough data"
        assert all(getattr(d, k) is None for k in DIFF_KEYS - {"name", "baseline", "verdict"})
        assert_json_safe(c.to_dict())
    run = make_run("r", 300, 0.02, 50)
    c = compare(run, run, token_range=(5000, 6000))  # an empty brush
    assert [x.n for x in c.runs] == [0, 0]
    assert c.differences[0].verdict == "not enough data"
    assert_json_safe(c.to_dict())


def test_constant_data_gives_zero_width_intervals() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = compare(np.full(100, 0.02), np.full(80, 0.03), n_resamples=N_RES)
        same = compare(np.full(100, 0.02), np.full(80, 0.02), n_resamples=N_RES)
    assert (c.runs[0].ci_low, c.runs[0].ci_high) == (0.02, 0.02)
    assert c.differences[0].ci_low == c.differences[0].ci_high == pytest.approx(0.01)
    assert c.differences[0].verdict == "slower"
    assert same.differences[0].verdict == "no significant difference"
    assert same.differences[0].p_value == 1.0
    assert_json_safe(c.to_dict())


def test_zero_baseline_has_no_relative_difference() -> None:
    c = compare(np.zeros(50), np.full(50, 0.01), n_resamples=N_RES)
    d = c.differences[0]
    assert d.relative is None and d.relative_ci_low is None and d.verdict == "slower"
    assert_json_safe(c.to_dict())


def test_number_of_runs_and_parameters_are_checked(runs: tuple[Run, Run, Run]) -> None:
    with pytest.raises(ValueError, match="2 to 8 runs"):
        compare(runs[0])
    with pytest.raises(ValueError, match="2 to 8 runs"):
        compare(*([runs[0]] * 9))
    with pytest.raises(ValueError, match="statistic='p200' is not supported"):
        compare(*runs, statistic="p200")
    with pytest.raises(ValueError, match="method='bca-ish' is not supported"):
        compare(*runs, method="bca-ish")
    with pytest.raises(ValueError, match="lower bound is above the upper"):
        compare(*runs, token_range=(400, 100))
    with pytest.raises(ValueError, match="not a numeric Run column"):
        compare(*runs, dimension="tpot")
    eight = compare(*([runs[0]] * 8), n_resamples=199)
    assert len(eight.runs) == 8 and len(eight.differences) == 7


def test_other_dimensions_and_percentile_method() -> None:
    a, b = demo_runs()
    c = compare(
        a,
        b,
        dimension="time_to_first_token",
        x_dimension="num_tokens_input",
        method="percentile",
        confidence_level=0.9,
        token_range=(500, 2000),
        n_resamples=N_RES,
    )
    assert (c.dimension, c.method, c.confidence_level) == ("time_to_first_token", "percentile", 0.9)
    x = a["num_tokens_input"]
    with np.errstate(invalid="ignore"):
        inside = (x >= 500) & (x <= 2000)
    values = a["time_to_first_token"][inside & a.valid("time_to_first_token")]
    assert c.runs[0].estimate == np.median(values)


def test_to_frame_has_one_row_per_run(runs: tuple[Run, Run, Run]) -> None:
    frame = compare(*runs, n_resamples=N_RES).to_frame()
    assert list(frame.index) == ["base", "fast", "slow"]
    assert {"n", "n_errors", "estimate", "ci_low", "ci_high", "diff_estimate", "verdict"} <= set(
        frame.columns
    )
    assert frame.loc["fast", "verdict"] == "faster"
    assert math.isnan(frame.loc["base", "diff_estimate"])


def test_llmeter_run_folders_are_loaded(fixtures_dir: Path) -> None:
    folder = fixtures_dir / "llmeter" / "v0.1.12-tiny-run-a"
    c = compare(folder, str(folder), n_resamples=N_RES)
    assert [r.name for r in c.runs] == ["run-a (1)", "run-a (2)"]
    assert c.runs[0].n_errors == 2
    assert c.runs[0].n == 6
    assert c.differences[0].estimate == 0.0
