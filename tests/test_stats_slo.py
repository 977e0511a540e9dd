"""SLO attainment: who meets the objectives, Wilson/Newcombe CIs, verdicts and goodput."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from factories import make_run
from scipy.stats import binom, binomtest

from tpot_widget import Run
from tpot_widget.stats.slo import (
    attainment_verdict,
    goodput,
    newcombe_difference,
    run_duration,
    slo_met,
    slo_summary,
    wilson_interval,
)

# --- slo_met ---------------------------------------------------------------------------


def test_a_request_meets_the_slo_only_if_it_succeeded_and_meets_every_objective() -> None:
    columns = {
        "time_to_first_token": np.array([0.1, 0.5, 0.6, 0.1, np.nan, 0.1]),
        "time_per_output_token": np.array([0.01, 0.05, 0.01, 0.09, 0.01, 0.01]),
    }
    errors = np.array([False, False, False, False, False, True])
    got = slo_met(columns, errors, {"time_to_first_token": 0.5, "time_per_output_token": 0.05})
    # ok; exactly at both thresholds meets; TTFT too slow; TPOT too slow; TTFT unknown; failed
    assert got.tolist() == [True, True, False, False, False, False]
    only_ttft = slo_met(columns, errors, {"time_to_first_token": 0.5})
    assert only_ttft.tolist() == [True, True, False, True, False, False]


def test_with_no_objective_the_successful_requests_meet() -> None:
    errors = np.array([False, True, False])
    assert slo_met({}, errors, {}).tolist() == [True, False, True]


def test_slo_met_on_a_run_agrees_with_a_plain_loop() -> None:
    run = make_run(n=500, error_rate=0.1, seed=3)
    objectives = {"time_to_first_token": 0.2, "time_per_output_token": 0.021}
    got = slo_met(run.columns, run.errors, objectives)
    expected = [
        (not failed) and ttft <= 0.2 and tpot <= 0.021
        for failed, ttft, tpot in zip(
            run.errors, run["time_to_first_token"], run["time_per_output_token"], strict=True
        )
    ]
    assert got.tolist() == expected
    assert not got[run.errors].any()
    assert 0 < got.sum() < len(run)


def test_slo_met_refuses_unknown_columns_and_bad_thresholds() -> None:
    columns = {"time_to_first_token": np.array([0.1])}
    errors = np.array([False])
    with pytest.raises(ValueError, match=r"'time_to_last_token'.*columns are"):
        slo_met(columns, errors, {"time_to_last_token": 1.0})
    with pytest.raises(ValueError, match="not finite"):
        slo_met(columns, errors, {"time_to_first_token": math.nan})
    with pytest.raises(ValueError, match="rows"):
        slo_met(columns, np.array([False, False]), {"time_to_first_token": 1.0})


# --- Wilson ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 30, 263])
@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
def test_wilson_interval_matches_scipy_binomtest(n: int, level: float) -> None:
    for met in sorted({0, 1, n // 3, n // 2, n - 1, n}):
        if not 0 <= met <= n:
            continue
        expected = binomtest(met, n).proportion_ci(confidence_level=level, method="wilson")
        lo, hi = wilson_interval(met, n, level)
        assert lo == pytest.approx(expected.low, abs=1e-12)
        assert hi == pytest.approx(expected.high, abs=1e-12)
        assert 0.0 <= lo <= met / n <= hi <= 1.0


def test_wilson_interval_hand_computed() -> None:
    # 0/10 at 95%: z²/(n + z²) = 1.959964²/(10 + 1.959964²) = 0.27753
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.277533, abs=1e-6))
    assert wilson_interval(10, 10) == (pytest.approx(0.722467, abs=1e-6), 1.0)


def test_wilson_interval_of_nothing_is_none_and_bad_counts_are_refused() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="0 <= met <= n"):
        wilson_interval(5, 4)
    with pytest.raises(ValueError, match="0 <= met <= n"):
        wilson_interval(1.5, 4)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="confidence_level"):
        wilson_interval(1, 4, 95)


# --- Newcombe --------------------------------------------------------------------------

#: Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10: (m1/n1, m2/n2)
#: with the 95% interval of p1 − p2. Here p1 is the run ("b") and p2 the baseline ("a").
NEWCOMBE_TABLE_II = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
]


@pytest.mark.parametrize(("m1", "n1", "m2", "n2", "lo", "hi"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_the_published_table(
    m1: int, n1: int, m2: int, n2: int, lo: float, hi: float
) -> None:
    diff, got_lo, got_hi = newcombe_difference(m2, n2, m1, n1, limits="wilson")
    assert diff == pytest.approx(m1 / n1 - m2 / n2, abs=1e-12)
    assert got_lo == pytest.approx(lo, abs=5e-5)
    assert got_hi == pytest.approx(hi, abs=5e-5)


def test_newcombe_is_antisymmetric_and_none_without_data() -> None:
    d, lo, hi = newcombe_difference(48, 80, 56, 70)
    d2, lo2, hi2 = newcombe_difference(56, 70, 48, 80)
    assert (d2, lo2, hi2) == pytest.approx((-d, -hi, -lo), abs=1e-12)
    assert newcombe_difference(0, 0, 3, 10) is None
    assert newcombe_difference(3, 10, 0, 0) is None


def _exact_coverage(n_a: int, n_b: int, p_a: float, p_b: float, level: float) -> float:
    """P(the interval covers p_b − p_a), summed over every outcome (a, b)."""
    total = 0.0
    pmf_b = binom.pmf(np.arange(n_b + 1), n_b, p_b)
    for a in range(n_a + 1):
        w_a = binom.pmf(a, n_a, p_a)
        if w_a < 1e-12:
            continue
        for b in range(n_b + 1):
            if pmf_b[b] < 1e-12:
                continue
            _, lo, hi = newcombe_difference(a, n_a, b, n_b, level, limits="wilson")
            if lo <= p_b - p_a <= hi:
                total += w_a * pmf_b[b]
    return total


@pytest.mark.parametrize(("n_a", "n_b"), [(30, 40), (80, 60)])
def test_newcombe_with_wilson_limits_is_close_to_nominal_on_average(n_a: int, n_b: int) -> None:
    grid = (0.5, 0.8, 0.95, 0.99)
    coverage = [_exact_coverage(n_a, n_b, pa, pb, 0.95) for pa in grid for pb in grid]
    # Newcombe reports a mean coverage a little above nominal and no deep dips.
    assert 0.945 <= float(np.mean(coverage)) <= 0.97
    assert min(coverage) >= 0.93


# --- exact enumeration: the intervals hold their level at high attainment (issue 16) ---------

#: Attainments from 0.5 to 0.999, dense near 1 where Wilson fails.
HIGH_P = np.unique(np.concatenate([np.linspace(0.5, 0.99, 50), np.linspace(0.99, 0.999, 10)]))


def _coverage_by_n(bounds, level: float) -> np.ndarray:
    """(n, p) exact coverage over n = 20…500 of an interval function bounds(met, n, level)."""
    rows = []
    for n in range(20, 501):
        met = np.arange(n + 1)
        lo, hi = bounds(met, n, level)
        pmf = binom.pmf(met[None, :], n, HIGH_P[:, None])
        inside = (lo[None, :] <= HIGH_P[:, None]) & (HIGH_P[:, None] <= hi[None, :])
        rows.append((inside * pmf).sum(axis=1))
    return np.array(rows)


def test_wilson_misses_at_high_attainment_clopper_pearson_holds_its_level() -> None:
    from tpot_widget.stats import slo

    wilson = _coverage_by_n(lambda m, n, lv: slo._wilson_bounds(m, n, slo._z(lv)), 0.95)
    exact = _coverage_by_n(slo._clopper_pearson_bounds, 0.95)
    assert wilson[50 - 20, np.argmin(abs(HIGH_P - 0.99))] == pytest.approx(0.911, abs=0.001)
    assert wilson.min() < 0.85
    assert exact.min() >= 0.95 - 1e-9  # at every n and p: exact
    assert exact.mean() <= 0.975  # and not absurdly wide on average


def test_the_attainment_difference_holds_its_level_with_clopper_pearson_limits() -> None:
    from tpot_widget.stats.slo import newcombe_arrays

    sizes = [(20, 20), (50, 50), (200, 200), (500, 500), (20, 200), (50, 500), (200, 50)]
    grid = (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999)
    worst = {"clopper-pearson": 1.0, "wilson": 1.0}
    for n_a, n_b in sizes:
        a, b = np.arange(n_a + 1)[:, None], np.arange(n_b + 1)[None, :]
        for limits in worst:
            _, lo, hi = newcombe_arrays(a, n_a, b, n_b, 0.95, limits)  # type: ignore[arg-type]
            for pa in grid:
                for pb in grid:
                    w = binom.pmf(a, n_a, pa) * binom.pmf(b, n_b, pb)
                    cover = float((((lo <= pb - pa) & (pb - pa <= hi)) * w).sum())
                    worst[limits] = min(worst[limits], cover)
    assert worst["clopper-pearson"] >= 0.95, worst
    assert worst["wilson"] < 0.93, worst


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_clopper_pearson_interval_matches_scipy_exact(level: float) -> None:
    from tpot_widget.stats import clopper_pearson_interval

    for n in (1, 7, 50, 333):
        for met in sorted({0, 1, n // 2, n - 1, n}):
            expected = binomtest(met, n).proportion_ci(confidence_level=level, method="exact")
            assert clopper_pearson_interval(met, n, level) == pytest.approx(
                (expected.low, expected.high), abs=1e-10
            )
    assert clopper_pearson_interval(0, 0) is None


def test_attainment_verdict_false_alarms_at_the_nominal_rate() -> None:
    """Seeded: two runs with the same 90% attainment; 'better'/'worse' about 5% of the time."""
    rng = np.random.default_rng(11)
    trials, n = 3000, 200
    met_a = rng.binomial(n, 0.9, trials)
    met_b = rng.binomial(n, 0.9, trials)
    verdicts = [
        attainment_verdict(*newcombe_difference(int(a), n, int(b), n)[1:])
        for a, b in zip(met_a, met_b, strict=True)
    ]
    false_alarms = sum(v != "no significant difference" for v in verdicts) / trials
    assert false_alarms <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / trials)
    assert {"better", "worse"} & set(verdicts)  # both tails occur, at a low rate


def test_attainment_verdict_detects_a_real_drop() -> None:
    rng = np.random.default_rng(12)
    trials, n = 500, 400
    met_a = rng.binomial(n, 0.95, trials)
    met_b = rng.binomial(n, 0.85, trials)
    worse = sum(
        attainment_verdict(*newcombe_difference(int(a), n, int(b), n)[1:]) == "worse"
        for a, b in zip(met_a, met_b, strict=True)
    )
    assert worse / trials > 0.95


def test_attainment_verdict_words() -> None:
    assert attainment_verdict(0.01, 0.2) == "better"
    assert attainment_verdict(-0.2, -0.01) == "worse"
    assert attainment_verdict(-0.1, 0.1) == "no significant difference"
    assert attainment_verdict(None, None) == "not enough data"


# --- goodput ---------------------------------------------------------------------------


def test_goodput_counts_met_requests_over_the_span_from_first_start_to_last_end() -> None:
    start = np.array([0.0, 1.0, 2.0, 3.0])
    e2e = np.array([0.5, 0.5, 0.5, 2.0])  # the last request ends at 5 s
    tokens = np.array([10.0, 20.0, 30.0, 40.0])
    met = np.array([True, True, False, True])
    duration, rps, tps = goodput(met, start, e2e, tokens)
    assert duration == 5.0
    assert rps == pytest.approx(3 / 5)
    assert tps == pytest.approx((10 + 20 + 40) / 5)


def test_a_failed_request_without_e2e_ends_at_its_start() -> None:
    start = np.array([0.0, 1.0, 9.0])
    e2e = np.array([2.0, 1.0, np.nan])
    assert run_duration(start, e2e) == 9.0
    assert run_duration(start) == 9.0


def test_goodput_without_start_times_is_none() -> None:
    met = np.array([True, False])
    assert goodput(met, None) == (None, None, None)
    assert goodput(met, np.array([np.nan, np.nan]), np.array([1.0, 1.0])) == (None, None, None)
    assert run_duration(np.array([3.0]), np.array([0.0])) is None  # no span


def test_goodput_rows_without_a_start_still_count_as_met() -> None:
    start = np.array([0.0, np.nan, 4.0])
    e2e = np.array([1.0, 1.0, 1.0])
    duration, rps, _ = goodput(np.array([True, True, True]), start, e2e)
    assert duration == 5.0
    assert rps == pytest.approx(3 / 5)


def test_token_goodput_is_none_when_a_met_request_has_no_token_count() -> None:
    start = np.array([0.0, 1.0])
    e2e = np.array([1.0, 1.0])
    _, rps, tps = goodput(np.array([True, True]), start, e2e, np.array([5.0, np.nan]))
    assert rps == pytest.approx(1.0)
    assert tps is None
    # a missing count on a request that missed the SLO does not matter
    _, _, tps = goodput(np.array([True, False]), start, e2e, np.array([5.0, np.nan]))
    assert tps == pytest.approx(2.5)


# --- slo_summary -----------------------------------------------------------------------

OBJECTIVES = {"time_to_first_token": 0.25, "time_per_output_token": 0.022}


def _runs():
    return [
        make_run("base", n=800, seed=1, error_rate=0.05),
        make_run("fast", n=600, seed=2, tpot=0.017, error_rate=0.02),
        make_run("no-start", n=300, seed=3, duration=None),
    ]


def _summary(runs: list[Run], **kwargs: Any) -> dict[str, Any]:
    """`slo_summary` of `runs` on `OBJECTIVES` (names, columns and errors read from the runs)."""
    names, errors = [r.name for r in runs], [r.errors for r in runs]
    return slo_summary(names, [r.columns for r in runs], errors, OBJECTIVES, **kwargs)


def test_slo_summary_layout_and_numbers() -> None:
    runs = _runs()
    out = _summary(runs)
    assert set(out) == {"objectives", "confidence_level", "runs", "differences", "notes"}
    assert out["notes"] == []
    assert out["objectives"] == OBJECTIVES
    assert out["confidence_level"] == 0.95
    assert [r["name"] for r in out["runs"]] == ["base", "fast", "no-start"]
    for run, row in zip(runs, out["runs"], strict=True):
        assert set(row) == {
            "name",
            "n",
            "met",
            "n_errors",
            "attainment",
            "ci_low",
            "ci_high",
            "duration_s",
            "goodput_rps",
            "goodput_tokens_per_s",
            "unmeasured",
        }
        assert row["unmeasured"] == []
        met = slo_met(run.columns, run.errors, OBJECTIVES)
        assert row["n"] == len(run)
        assert row["met"] == int(met.sum())
        assert row["n_errors"] == run.n_errors
        assert row["attainment"] == pytest.approx(met.mean())
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(
            binomtest(int(met.sum()), len(run)).proportion_ci(0.95, method="exact")
        )
    base, fast, no_start = out["runs"]
    start, e2e = runs[0]["request_start"], runs[0]["time_to_last_token"]
    span = np.nanmax(np.where(np.isnan(e2e), start, start + e2e)) - start.min()
    assert base["duration_s"] == pytest.approx(span)
    met0 = slo_met(runs[0].columns, runs[0].errors, OBJECTIVES)
    assert base["goodput_rps"] == pytest.approx(met0.sum() / span)
    assert base["goodput_tokens_per_s"] == pytest.approx(
        runs[0]["num_tokens_output"][met0].sum() / span
    )
    assert no_start["duration_s"] is None
    assert no_start["goodput_rps"] is None and no_start["goodput_tokens_per_s"] is None

    d_fast, d_none = out["differences"]
    assert d_fast["name"] == "fast" and d_fast["baseline"] == "base"
    expected = newcombe_difference(base["met"], base["n"], fast["met"], fast["n"])
    assert (d_fast["estimate"], d_fast["ci_low"], d_fast["ci_high"]) == pytest.approx(expected)
    assert d_fast["verdict"] == "better"  # a faster TPOT and fewer failures
    assert d_none["verdict"] in {"better", "worse", "no significant difference"}
    json.dumps(out, allow_nan=False)  # JSON-safe: no NaN anywhere


def test_slo_summary_uses_only_the_selected_rows() -> None:
    runs = _runs()[:2]
    masks = [r["num_tokens_output"] < 300 for r in runs]
    out = _summary(runs, masks=masks)
    for run, mask, row in zip(runs, masks, out["runs"], strict=True):
        met = slo_met(run.columns, run.errors, OBJECTIVES)[mask]
        assert row["n"] == int(mask.sum())
        assert row["met"] == int(met.sum())
        assert row["n_errors"] == int(run.errors[mask].sum())
        start = run["request_start"][mask]
        e2e = run["time_to_last_token"][mask]
        assert row["duration_s"] == pytest.approx(run_duration(start, e2e))


def test_precomputed_met_masks_give_the_same_summary() -> None:
    runs = _runs()
    masks = [r["num_tokens_output"] > 100 for r in runs]
    met = [slo_met(r.columns, r.errors, OBJECTIVES) for r in runs]
    assert _summary(runs, masks=masks, met=met) == _summary(runs, masks=masks)


def test_an_empty_selection_is_not_enough_data() -> None:
    runs = _runs()[:2]
    masks = [np.zeros(len(runs[0]), dtype=bool), None]
    out = _summary(runs, masks=masks)
    empty = out["runs"][0]
    assert empty["n"] == 0 and empty["met"] == 0
    assert empty["attainment"] is None and empty["ci_low"] is None and empty["ci_high"] is None
    assert empty["goodput_rps"] is None
    assert out["differences"][0]["verdict"] == "not enough data"
    assert out["differences"][0]["estimate"] is None
    json.dumps(out, allow_nan=False)


def test_slo_summary_refuses_bad_arguments() -> None:
    runs = _runs()[:2]
    names, cols, errs = [r.name for r in runs], [r.columns for r in runs], [r.errors for r in runs]
    with pytest.raises(ValueError, match="at least one objective"):
        slo_summary(names, cols, errs, {})
    with pytest.raises(ValueError, match="masks"):
        slo_summary(names, cols, errs, OBJECTIVES, masks=[None])
    with pytest.raises(ValueError, match="rows, its mask"):
        slo_summary(names, cols, errs, OBJECTIVES, masks=[np.ones(3, dtype=bool), None])
    with pytest.raises(ValueError, match="column sets"):
        slo_summary(names, cols[:1], errs, OBJECTIVES)


def test_a_run_without_the_objectives_column_has_no_attainment_and_no_verdict() -> None:
    runs = _runs()[:2]
    cols = dict(runs[1].columns)
    cols["time_to_first_token"] = np.full(len(runs[1]), np.nan)  # the tool records no TTFT
    out = slo_summary(
        [r.name for r in runs],
        [runs[0].columns, cols],
        [r.errors for r in runs],
        OBJECTIVES,
    )
    row = out["runs"][1]
    assert row["unmeasured"] == ["time_to_first_token"]
    assert row["attainment"] is None and row["ci_low"] is None and row["goodput_rps"] is None
    assert out["differences"][0]["verdict"] == "not enough data"
    assert len(out["notes"]) == 1 and "time_to_first_token" in out["notes"][0]
    assert "not 0%" in out["notes"][0]
    json.dumps(out, allow_nan=False)


def test_a_selection_of_failed_requests_only_is_a_true_zero() -> None:
    runs = _runs()[:2]
    masks = [runs[0].errors, None]
    out = _summary(runs, masks=masks)
    assert out["runs"][0]["attainment"] == 0.0 and out["runs"][0]["unmeasured"] == []


def test_the_attainment_verdict_holds_its_false_alarm_rate_at_every_small_n() -> None:
    """SLO verdicts need no minimum sample: with equal attainments 'better'/'worse' ≤ 5%."""
    from tpot_widget.stats.slo import newcombe_arrays

    sizes = (1, 2, 3, 5, 8, 13, 20, 30)
    worst = 1.0
    for n_a in sizes:
        for n_b in sizes:
            a, b = np.arange(n_a + 1)[:, None], np.arange(n_b + 1)[None, :]
            _, lo, hi = newcombe_arrays(a, n_a, b, n_b, 0.95)
            for p in np.linspace(0.02, 0.999, 30):
                w = binom.pmf(a, n_a, p) * binom.pmf(b, n_b, p)
                worst = min(worst, float((((lo <= 0) & (hi >= 0)) * w).sum()))
    assert worst >= 0.95, worst
