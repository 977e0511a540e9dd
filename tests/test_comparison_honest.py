"""compare() beyond one run's noise: matched workloads, thresholds, arms, SLO, shift function."""

from __future__ import annotations

import json

import numpy as np
import pytest
from factories import make_run

from tpot_widget import Arm, compare, shift_function


def _grows_with_length(scale: float):
    """TPOT that grows with output length (longer answers decode slower per token)."""

    def tpot(out: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return scale * (0.015 + 0.00002 * out) * rng.lognormal(0, 0.1, len(out))

    return tpot


def test_confounded_workload_raw_says_slower_matched_says_the_truth() -> None:
    """B is 5% faster per length, but got much longer outputs: raw 'slower', matched 'faster'."""
    a = make_run("A", 4000, seed=1, tokens=(10, 600), tpot_of=_grows_with_length(1.0))
    b = make_run("B", 4000, seed=2, tokens=(300, 1000), tpot_of=_grows_with_length(0.95))
    raw = compare(a, b, n_resamples=999)
    assert raw.differences[0].verdict == "slower"
    assert any("match" in n for n in raw.notes), raw.notes  # the confound is named
    matched = compare(a, b, match="num_tokens_output", n_resamples=999)
    assert matched.differences[0].verdict == "faster"
    rel = matched.differences[0].relative
    assert rel is not None and -0.09 < rel < -0.01
    assert any("left out" in n for n in matched.notes)
    json.dumps(matched.to_dict(), allow_nan=False)


def test_matched_is_no_difference_when_speed_per_length_is_equal() -> None:
    a = make_run("A", 4000, seed=3, tokens=(10, 600), tpot_of=_grows_with_length(1.0))
    b = make_run("B", 4000, seed=4, tokens=(300, 1000), tpot_of=_grows_with_length(1.0))
    assert compare(a, b, n_resamples=999).differences[0].verdict == "slower"
    matched = compare(a, b, match="num_tokens_output", n_resamples=999)
    assert matched.differences[0].verdict == "no significant difference"


@pytest.mark.parametrize(
    ("scale", "threshold", "expected"),
    [
        (0.90, 0.02, "faster"),
        (1.10, 0.02, "slower"),
        (1.00, 0.05, "equivalent"),
        (0.98, 0.02, "inconclusive"),
    ],
)
def test_threshold_verdicts(scale: float, threshold: float, expected: str) -> None:
    a = make_run("A", 3000, 0.02, 11, sigma=0.3)
    b = make_run("B", 3000, 0.02 * scale, 12, sigma=0.3)
    d = compare(a, b, threshold=threshold, n_resamples=999).differences[0]
    assert d.verdict == expected
    assert d.relative_ci_low is not None and d.relative_ci_high is not None
    if expected == "equivalent":
        assert -threshold <= d.relative_ci_low and d.relative_ci_high <= threshold


def test_holm_adjusted_p_is_p_with_one_run_and_never_smaller() -> None:
    runs = [make_run(f"r{i}", 800, 0.02 * (1 + 0.01 * i), 20 + i) for i in range(4)]
    one = compare(runs[0], runs[1], n_resamples=199).differences[0]
    assert one.p_value_adjusted == one.p_value
    many = compare(*runs, n_resamples=199).differences
    assert all(
        d.p_value is not None and d.p_value_adjusted is not None and d.p_value_adjusted >= d.p_value
        for d in many
    )


def test_single_runs_say_what_their_interval_covers_and_arms_enter_run_to_run() -> None:
    a = [make_run(f"A{i}", 1000, 0.02 * (1 + 0.04 * (i - 1)), 30 + i) for i in range(3)]
    b = [make_run(f"B{i}", 1000, 0.02 * (1 + 0.04 * (i - 1)), 40 + i) for i in range(3)]
    single = compare(a[0], b[0], n_resamples=999)
    assert any("request-to-request noise" in n for n in single.notes)
    arms = compare(Arm(a, name="A"), b, n_resamples=999)  # a plain list is an arm too
    assert [r.n_runs for r in arms.runs] == [3, 3]
    assert not any("request-to-request noise within each run only" in n for n in arms.notes)
    arm_width = arms.runs[0].ci_high - arms.runs[0].ci_low  # type: ignore[operator]
    run_width = single.runs[0].ci_high - single.runs[0].ci_low  # type: ignore[operator]
    assert arm_width > 2 * run_width  # run-to-run variation widens the arm's interval
    assert arms.runs[0].between_run_share is not None and arms.runs[0].between_run_share > 0.5


def test_slo_attainment_counts_failed_requests_as_missed() -> None:
    a = make_run("A", 1000, 0.02, 50, n_failed=100)
    b = make_run("B", 1000, 0.02, 51)
    c = compare(a, b, slo={"ttft": "200ms", "tpot": 0.03}, n_resamples=199)
    slo = c.to_dict()["slo"]
    assert slo["objectives"] == {"time_to_first_token": 0.2, "time_per_output_token": 0.03}
    for run, row in zip((a, b), slo["runs"], strict=True):
        ok = (
            ~run.errors
            & (run["time_to_first_token"] <= 0.2)
            & (run["time_per_output_token"] <= 0.03)
        )
        assert (row["n"], row["met"]) == (len(run), int(ok.sum()))
        assert row["ci_low"] <= row["attainment"] <= row["ci_high"]
    assert slo["differences"][0]["verdict"] == "better"  # A's 100 failures miss
    json.dumps(c.to_dict(), allow_nan=False)


def test_warm_up_is_offered_not_applied() -> None:
    a = make_run("A", 3000, 0.02, 60, warm_up=(12, 2.0), duration=120)
    b = make_run("B", 3000, 0.02, 61, duration=120)
    c = compare(a, b, n_resamples=199)
    assert c.warm_up is not None and 9 < c.warm_up["seconds"] < 15
    assert any("warm-up" in n for n in c.notes)
    trimmed = compare(a, b, time_range=(c.warm_up["seconds"], None), n_resamples=199)
    assert trimmed.warm_up is None
    assert trimmed.runs[0].n < c.runs[0].n


def test_shift_function_sees_a_tail_only_change() -> None:
    a = make_run("A", 6000, 0.02, 70)
    tail = make_run(
        "B",
        6000,
        0.02,
        71,
        tpot_of=lambda out, rng: np.where(
            rng.random(len(out)) < 0.15, 0.04, 0.02 * rng.lognormal(0, 0.05, len(out))
        ),
    )
    frame = shift_function(a, tail, n_resamples=999)
    assert list(frame.columns) == ["quantile", "baseline", "run", "difference", "ci_low", "ci_high"]
    top = frame[frame["quantile"] >= 0.9]
    assert (top["ci_low"] > 0).all()  # the slow tail is seen
    d = compare(a, tail, n_resamples=199).to_dict()["shift_function"][0]
    assert d["name"] == "B" and len(d["quantiles"]) == 9


# --- the edges (issue 16) --------------------------------------------------------------------


@pytest.mark.parametrize(("n", "sims"), [(2, 100), (3, 100), (5, 100), (10, 500)])
def test_aa_comparisons_of_tiny_runs_are_not_called_different(n: int, sims: int) -> None:
    """2-request runs were called significant 35% of the time; now ≤ 5% at 2, 3, 5, 10."""
    rng = np.random.default_rng(n)
    called = 0
    for s in range(sims):
        a, b = 0.02 * rng.lognormal(0, 0.3, n), 0.02 * rng.lognormal(0, 0.3, n)
        d = compare(a, b, n_resamples=999, random_state=s).differences[0]
        called += d.verdict in ("faster", "slower")
        if n < 6:  # below the median's minimum at 95%: no verdict, no numbers
            assert d.verdict == "not enough data" and d.p_value is None
    assert called / sims <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / sims), called / sims


@pytest.mark.parametrize(
    ("statistic", "level", "need"),
    [("median", 0.95, 6), ("p90", 0.95, 29), ("p99", 0.95, 299), ("median", 0.99, 8)],
)
def test_below_the_minimum_sample_there_is_no_estimate_and_a_note_says_what_is_needed(
    statistic: str, level: float, need: int
) -> None:
    a = make_run("A", need - 1, seed=1)
    b = make_run("B", 400, seed=2)
    c = compare(a, b, statistic=statistic, confidence_level=level, n_resamples=199)
    r, d = c.runs[0], c.differences[0]
    assert (r.n, r.estimate, r.ci_low, r.ci_high) == (need - 1, None, None, None)
    assert d.verdict == "not enough data" and d.p_value is None and d.estimate is None
    assert any(f"needs at least {need} requests" in note and "A:" in note for note in c.notes)
    ok = compare(make_run("A", need, seed=1), b, statistic=statistic, confidence_level=level)
    assert ok.runs[0].estimate is not None
    json.dumps(c.to_dict(), allow_nan=False)


def test_the_mean_needs_41_requests_at_95_percent() -> None:
    b = make_run("B", 400, seed=2)
    c = compare(make_run("A", 40, seed=1), b, statistic="mean", n_resamples=199)
    assert c.runs[0].estimate is None and c.differences[0].verdict == "not enough data"
    assert any("the mean's 95% interval needs at least 41 requests" in n for n in c.notes)
    assert compare(make_run("A", 41, seed=1), b, statistic="mean").runs[0].estimate is not None


def test_two_run_arms_give_a_positive_interval_and_say_they_have_little_power() -> None:
    """A median TPOT CI of [−7.2, 27.7] ms from 2 runs (issue 16): the log scale keeps it > 0."""
    a = [make_run(f"A{i}", 300, tpot, seed=i) for i, tpot in enumerate((0.008, 0.022))]
    b = [make_run(f"B{i}", 300, 0.015, seed=10 + i) for i in range(2)]
    c = compare(a, b, n_resamples=199)
    r = c.runs[0]
    assert r.ci_low is not None and r.ci_low > 0 and r.ci_low < r.estimate < r.ci_high  # type: ignore[operator]
    assert any("little power" in n and "2 runs" in n for n in c.notes)


def test_an_arm_member_without_values_is_named_and_the_note_says_which_interval_is_used() -> None:
    good = make_run("good", 400, seed=1)
    empty = make_run("empty", 400, seed=2, n_failed=400)  # every request failed
    c = compare(Arm([good, empty], name="A"), make_run("B", 400, seed=3), n_resamples=199)
    note = next(n for n in c.notes if n.startswith("A:"))
    assert "empty" in note and "request-level bootstrap" in note
    assert "run-level t" not in note
    assert c.runs[0].n_runs == 1


def test_arms_carry_no_request_level_effect_sizes_and_say_why() -> None:
    a = [make_run(f"A{i}", 500, 0.02 * (1 + 0.03 * i), seed=i) for i in range(3)]
    b = [make_run(f"B{i}", 500, 0.02 * (1 + 0.03 * i), seed=10 + i) for i in range(3)]
    c = compare(a, b, n_resamples=199)
    d = c.differences[0]
    assert d.prob_faster is None and d.hl_estimate is None and d.hl_ci_low is None
    assert all(v is None for v in c.to_dict()["shift_function"][0]["difference"])
    assert any("Hodges–Lehmann" in n and "run-to-run" in n for n in c.notes)
    single = compare(a[0], b[0], n_resamples=199).differences[0]
    assert single.prob_faster is not None and single.hl_estimate is not None


def test_pooled_hodges_lehmann_of_aa_arms_excludes_zero_far_too_often() -> None:
    """Why arms leave it out: 3 % run-to-run noise, A/A, pooled HL vs the arm verdict."""
    from tpot_widget import stats

    rng = np.random.default_rng(8)
    sims, hl_hits, arm_hits = 120, 0, 0
    for _ in range(sims):
        a, b = (
            [0.02 * np.exp(rng.normal(0, 0.03)) * rng.lognormal(0, 0.3, 400) for _ in range(3)]
            for _ in range(2)
        )
        hl = stats.hodges_lehmann(np.sort(np.concatenate(a)), np.sort(np.concatenate(b)))
        hl_hits += not (hl.ci_low <= 0 <= hl.ci_high)  # type: ignore[operator]
        arm_hits += stats.arm_difference(a, b, n_resamples=2).p_value < 0.05  # type: ignore[operator]
    assert hl_hits / sims >= 0.3, hl_hits / sims
    assert arm_hits / sims <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / sims), arm_hits / sims


def test_matched_p_value_and_verdict_agree() -> None:
    for seed in range(6):
        a = make_run("A", 3000, seed=seed, tokens=(10, 600), tpot_of=_grows_with_length(1.0))
        b = make_run("B", 3000, seed=50 + seed, tokens=(300, 1000), tpot_of=_grows_with_length(1.0))
        d = compare(a, b, match="num_tokens_output", n_resamples=499).differences[0]
        assert d.p_value is not None
        assert (d.p_value < 0.05) == (d.verdict in ("faster", "slower"))


def test_a_twenty_percent_slower_first_tenth_is_offered_as_a_warm_up() -> None:
    a = make_run("A", 1000, 0.02, 60, warm_up=(12, 1.2), duration=120)
    c = compare(a, make_run("B", 1000, 0.02, 61, duration=120), n_resamples=199)
    assert c.warm_up is not None and 8 < c.warm_up["seconds"] < 16


def test_slo_on_a_run_without_ttft_says_so_instead_of_zero_and_worse() -> None:
    a = make_run("A", 500, seed=1)
    with pytest.warns(UserWarning, match="set to NaN"):  # the tool recorded no TTFT
        no_ttft = make_run("B", 500, seed=2, columns={"time_to_first_token": [np.nan] * 500})
    c = compare(a, no_ttft, slo={"ttft": 0.5}, n_resamples=199)
    slo = c.to_dict()["slo"]
    row = slo["runs"][1]
    assert row["attainment"] is None and row["unmeasured"] == ["time_to_first_token"]
    assert slo["differences"][0]["verdict"] == "not enough data"
    assert any("B" in n and "time_to_first_token" in n and "not 0%" in n for n in c.notes)
    json.dumps(c.to_dict(), allow_nan=False)


def test_runs_too_small_for_a_verdict_get_no_workload_hint_either() -> None:
    # 2 requests a run: no verdict, so a confound hint (KS on 2 values) would only be noise
    a = make_run("a", n=2, seed=1, tokens=(2, 50))
    b = make_run("b", n=2, seed=2, tokens=(500, 1000), tpot_per_token=1e-4)
    c = compare(a, b)
    assert c.differences[0].verdict == "not enough data"
    assert not any("match=" in n for n in c.notes)
