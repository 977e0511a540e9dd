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
