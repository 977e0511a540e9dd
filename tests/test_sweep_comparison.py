"""`compare_sweeps` / `SweepComparer`: configurations compared level by level across a sweep.

The statistical claims (false positives, coverage) are proven in
test_sweep_comparison_proof.py; here: what a user reads in the table, the dict and notes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from factories import make_queued_run, make_run

import tpot_widget.sweep_comparison as sweep_comparison
from tpot_widget import Sweep, compare, compare_sweeps, stats
from tpot_widget.sweep_comparison import SweepComparer

LEVELS = (1, 4, 16, 64)
B = 999


def sweep(
    name: str,
    tpot: Callable[[float], float],
    levels: Sequence[float] = LEVELS,
    *,
    repeats: int = 1,
    kind: str = "concurrency",
    seed: int = 0,
    **kwargs: object,
) -> Sweep:
    """One configuration, TPOT median `tpot(load)` at each level, `repeats` runs per level."""
    return Sweep(
        [
            make_run(
                f"{name} {c:g} #{k}",
                n=300,
                tpot=tpot(c) * (1.0 + 0.02 * k),
                seed=seed + 97 * i + k,
                load=f"{kind}={c:g}",
                metadata={"sweep_config": name, "repeat": k},
                **kwargs,
            )
            for i, c in enumerate(levels)
            for k in range(repeats)
        ],
        name=name,
    )


def rising(base: float, doubling: float) -> Callable[[float], float]:
    return lambda c: base * (1 + c / doubling)


A = rising(0.020, 64)
B_CROSSING = rising(0.016, 32)  # faster at low load, slower past c ≈ 21


def test_a_level_both_ran_has_the_numbers_compare_gives_there() -> None:
    for repeats in (1, 3):
        a = sweep("A", A, repeats=repeats)
        b = sweep("B", B_CROSSING, repeats=repeats, seed=5)
        s = compare_sweeps(a, b, n_resamples=B, token_range=(10, 900))
        for level in a.levels:
            c = compare(a.at(level), b.at(level), n_resamples=B, token_range=(10, 900))
            ra, rb = (r for r in s.rows if r.level == level)
            assert (ra.estimate, ra.ci_low, ra.ci_high) == (
                c.runs[0].estimate,
                c.runs[0].ci_low,
                c.runs[0].ci_high,
            )
            d = c.differences[0]
            assert (rb.estimate, rb.difference, rb.relative_ci_low, rb.p_value, rb.verdict) == (
                c.runs[1].estimate,
                d.estimate,
                d.relative_ci_low,
                d.p_value,
                d.verdict,
            )
            assert rb.n_runs == repeats and not rb.interpolated


def test_the_frame_has_one_row_per_level_and_configuration() -> None:
    s = compare_sweeps(sweep("A", A), sweep("B", B_CROSSING, seed=5), n_resamples=B)
    frame = s.to_frame()
    assert len(frame) == 2 * len(LEVELS)
    contract = ["config", "kind", "load", "n", "estimate", "ci_low", "ci_high", "relative"]
    contract += ["p_value", "p_value_adjusted", "verdict", "interpolated"]
    assert set(contract) <= set(frame.columns)
    base = frame[frame.config == "A"]
    assert base.verdict.isna().all() and base.relative.isna().all()
    other = frame[frame.config == "B"]
    assert list(other.load) == list(LEVELS) and list(other.kind) == ["concurrency"] * 4
    verdicts = list(other.verdict)  # truth: -20%, -17%, -4%, +33%
    assert verdicts[:2] == ["faster", "faster"] and verdicts[-1] == "slower"
    assert frame.attrs["statistic"] == "median" and frame.attrs["notes"] == list(s.notes)


def test_holm_adjusts_across_every_compared_level() -> None:
    s = compare_sweeps(sweep("A", A), sweep("B", B_CROSSING, seed=5), n_resamples=B)
    compared = [r for r in s.rows if r.compared]
    assert [r.p_value_adjusted for r in compared] == stats.holm([r.p_value for r in compared])
    assert all(r.p_value_adjusted >= r.p_value for r in compared)


def test_to_dict_is_strict_json_for_the_load_and_pareto_views() -> None:
    a = sweep("A", A, duration=60.0)
    b = sweep("B", B_CROSSING, seed=5, duration=60.0)
    s = compare_sweeps(a, b, slo={"tpot": "30ms", "ttft": 1}, gpus=[1, 2], n_resamples=B)
    d = json.loads(json.dumps(s.to_dict(), allow_nan=False))
    assert d["axis"] == {
        "kind": "concurrency",
        "label": "concurrency (requests in flight)",
        "scale": "log",
    }
    assert [c["name"] for c in d["curves"]] == ["A", "B"]
    point = d["curves"][1]["points"][0]
    assert point["level"] == {"kind": "concurrency", "value": 1.0} and point["load"] == 1.0
    assert point["label"] == "concurrency 1" and point["attainment"] is not None
    assert d["differences"][0]["points"][0]["verdict"] == "faster"
    assert d["slo_line"] == 0.030 and d["slo_target"] == 0.9
    assert [m["name"] for m in d["max_load"]] == ["A", "B"]
    assert d["crossing"][0]["status"] == "within the sweep"
    assert d["pareto"]["y"] == "per_gpu" and d["configurations"][1]["gpus"] == 2
    pareto_b = d["pareto"]["configurations"][1]["points"]
    assert pareto_b[0]["per_gpu"] == pytest.approx(pareto_b[0]["throughput"] / 2)
    assert d["notes"] == list(s.notes)


def test_crossing_is_where_it_stops_being_faster_or_says_why_there_is_none() -> None:
    a = sweep("A", A)
    s = compare_sweeps(a, sweep("B", B_CROSSING, seed=5), n_resamples=B)
    (x,) = s.crossing
    assert x.status == "within the sweep" and 16 < x.estimate < 64
    assert x.ci_low < x.estimate < x.ci_high and (x.name, x.baseline) == ("B", "A")
    faster = compare_sweeps(a, sweep("B", rising(0.015, 64), seed=5), n_resamples=B)
    (x,) = faster.crossing
    assert (x.status, x.estimate, x.ci_high, x.open_high) == (
        "none within the sweep",
        None,
        None,
        True,
    )
    assert x.ci_low == pytest.approx(64)  # the whole interval lies above the highest level
    slower = compare_sweeps(a, sweep("B", rising(0.025, 64), seed=5), n_resamples=B)
    (x,) = slower.crossing
    assert (x.status, x.ci_low, x.open_low) == ("not faster at the lowest level", None, True)
    assert x.ci_high == pytest.approx(1)
    assert "crossing B: none within the sweep [64, above the sweep]" in repr(faster)


def test_max_load_is_the_highest_load_meeting_the_slo_target() -> None:
    a, b = sweep("A", A), sweep("B", B_CROSSING, seed=5)
    s = compare_sweeps(a, b, slo={"time_per_output_token": 0.030}, n_resamples=B)
    ma, mb = s.max_load
    assert ma.status == mb.status == "within the sweep" and ma.target == 0.9
    assert 4 < ma.estimate < 16 and 4 < mb.estimate < 64
    assert ma.ci_low <= ma.estimate <= ma.ci_high
    rows = s.rows_of("A")
    assert rows[0].attainment > 0.9 > rows[-1].attainment
    assert all(r.attainment_ci_low <= r.attainment <= r.attainment_ci_high for r in rows)
    loose = compare_sweeps(a, b, slo={"time_per_output_token": 10.0}, n_resamples=B)
    assert [m.status for m in loose.max_load] == ["always met", "always met"]
    assert loose.max_load[0].estimate is None and loose.max_load[0].open_high
    strict = compare_sweeps(a, b, slo={"time_per_output_token": 0.001}, n_resamples=B)
    assert [m.status for m in strict.max_load] == ["not reached", "not reached"]
    none = compare_sweeps(a, b, n_resamples=B)
    assert none.max_load == () and any("max_load needs SLO" in n for n in none.notes)
    target = compare_sweeps(
        a, b, slo={"time_per_output_token": 0.030}, slo_target=0.5, n_resamples=B
    )
    assert target.max_load[0].estimate > ma.estimate  # a lower target allows more load


def test_a_level_the_baseline_lacks_is_compared_with_it_interpolated_or_not_at_all() -> None:
    a = sweep("A", A, kind="rate")
    b = sweep("B", B_CROSSING, levels=(1, 2, 4, 200), kind="rate", seed=5)
    s = compare_sweeps(a, b, n_resamples=B)
    rows = {r.load: r for r in s.rows_of("B")}
    assert not rows[1].interpolated and not rows[4].interpolated
    assert rows[2].interpolated and rows[2].verdict == "faster"
    assert rows[2].relative_ci_low < rows[2].relative < rows[2].relative_ci_high
    assert rows[2].difference_ci_low < rows[2].difference < rows[2].difference_ci_high
    assert 0.0 < rows[2].p_value < 0.05
    assert rows[200].verdict is None and not rows[200].compared  # beyond the baseline's loads
    assert any("interpolated between its neighbouring levels" in n for n in s.notes)
    assert any("Not compared" in n and "B @ rate 200" in n for n in s.notes)
    frame = s.to_frame()
    assert list(frame[frame.config == "B"].interpolated) == [False, True, False, False]


def test_brushing_a_prepared_sweep_gives_a_fresh_comparisons_numbers() -> None:
    a, b = sweep("A", A), sweep("B", B_CROSSING, seed=5)
    comparer = SweepComparer([a, b])
    whole = comparer.compare(n_resamples=B)
    brushed = comparer.compare(n_resamples=B, token_range=(100, 400))
    fresh = compare_sweeps(a, b, n_resamples=B, token_range=(100, 400))
    assert brushed.to_dict() == fresh.to_dict()
    assert all(r.n < w.n for r, w in zip(brushed.rows, whole.rows, strict=True))
    assert brushed.pareto == whole.pareto  # throughput is the whole server's


def test_levels_on_threads_give_the_numbers_of_one_after_the_other(monkeypatch) -> None:
    a, b = sweep("A", A, repeats=2), sweep("B", B_CROSSING, repeats=2, seed=5)
    threaded = compare_sweeps(a, b, n_resamples=B, random_state=3).to_dict()
    monkeypatch.setattr(sweep_comparison, "LEVEL_WORKERS", 1)
    assert compare_sweeps(a, b, n_resamples=B, random_state=3).to_dict() == threaded
    generator = compare_sweeps(a, b, n_resamples=B, random_state=np.random.default_rng(3))
    assert generator.rows[0].estimate == threaded["curves"][0]["points"][0]["estimate"]


def test_the_notes_say_what_the_intervals_cover() -> None:
    single = compare_sweeps(sweep("A", A), sweep("B", B_CROSSING, seed=5), n_resamples=B)
    assert any("8 of 8 configuration-levels have one run" in n for n in single.notes)
    assert any("Holm-adjusted" in n for n in single.notes)
    repeated = compare_sweeps(
        sweep("A", A, repeats=3), sweep("B", B_CROSSING, repeats=3, seed=5), n_resamples=B
    )
    assert any("have repeated runs" in n and "run-to-run" in n for n in repeated.notes)
    assert all(r.n_runs == 3 for r in repeated.rows)
    untimed = compare_sweeps(sweep("A", A, duration=None), sweep("B", A), n_resamples=B)
    assert any(n.startswith("No aggregate throughput at A @ concurrency 1") for n in untimed.notes)


def test_saturated_levels_are_marked_and_named() -> None:
    a = Sweep([make_queued_run(f"a{r}", r, capacity=6.0, seed=1) for r in (2, 4, 10)], name="A")
    b = Sweep([make_queued_run(f"b{r}", r, capacity=8.0, seed=2) for r in (2, 4, 10)], name="B")
    s = compare_sweeps(a, b, n_resamples=B)
    assert [r.saturated for r in s.rows_of("A")] == [False, False, True]
    assert s.rows_of("A")[2].served_share == pytest.approx(0.6, abs=0.05)
    assert any(n.startswith("A: 1 level(s) did not achieve") for n in s.notes)


def test_pareto_points_are_throughput_against_speed_per_user() -> None:
    a = sweep("A", A, duration=60.0, repeats=2)
    b = sweep("B", B_CROSSING, duration=60.0, seed=5)
    s = compare_sweeps(a, b, n_resamples=B)
    run = b.at(16)
    ok = ~run.errors
    q = next(q for q in s.pareto if q.config == "B" and q.level == b.level(16))
    tokens, e2e = run["num_tokens_output"][ok], run["time_to_last_token"][ok]
    assert q.per_user == pytest.approx(tokens.sum() / e2e.sum())
    assert q.throughput == pytest.approx(tokens.sum() / run.achieved.duration)
    assert q.per_user_ci_low < q.per_user < q.per_user_ci_high  # request-level
    assert q.throughput_ci_low is None and q.per_gpu is None  # one run, no GPU count
    arm = next(q for q in s.pareto if q.config == "A" and q.load == 16)
    assert arm.n_runs == 2 and arm.throughput_ci_low < arm.throughput < arm.throughput_ci_high
    # a point no configuration beats is not beaten within its own configuration either
    assert all(q.on_frontier for q in s.pareto if q.on_overall_frontier)
    assert any(q.on_overall_frontier for q in s.pareto)


def test_what_cannot_be_compared_is_refused_with_a_reason() -> None:
    a, b = sweep("A", A), sweep("B", B_CROSSING, seed=5)
    with pytest.raises(ValueError, match="2 to 8 sweeps"):
        compare_sweeps(a)
    with pytest.raises(ValueError, match="2 to 8 sweeps"):
        compare_sweeps(*[a] * 9)
    with pytest.raises(ValueError, match="different kinds of load"):
        compare_sweeps(a, sweep("R", A, kind="rate"))
    with pytest.raises(ValueError, match=r"slo_target=1\.5 must be a share"):
        compare_sweeps(a, b, slo_target=1.5)
    with pytest.raises(ValueError, match="gpus has 3 entries for 2 configurations"):
        compare_sweeps(a, b, gpus=[1, 2, 4])
    with pytest.raises(ValueError, match=r"gpus: 0\.5 is not a GPU count"):
        compare_sweeps(a, b, gpus=0.5)
    untimed = sweep("U", A, duration=None)
    with pytest.raises(ValueError, match=r"time_range needs request start times, and U @ "):
        compare_sweeps(untimed, b, time_range=(10, None))


def test_sweeps_may_be_given_as_lists_of_runs_and_keep_distinct_names() -> None:
    a = sweep("same", A)
    b = sweep("same", B_CROSSING, seed=5)
    s = compare_sweeps(list(a.runs), list(b.runs), n_resamples=B, threshold=0.5)
    assert s.configurations == ("same (1)", "same (2)")
    assert {r.verdict for r in s.rows if r.compared} == {"equivalent"}


def test_the_demo_sweeps_cross_and_miss_the_slo_within_the_sweep() -> None:
    from tpot_widget.demo import demo_sweeps

    a, b = demo_sweeps(n=400, repeats=3)
    assert all(s.name.startswith("synthetic: ") for s in (a, b))
    assert len(a) == len(b) == 12 and len(a.runs) == 36 and a.saturated == []
    assert all(r.metadata["synthetic"] for r in a.runs + b.runs)
    s = compare_sweeps(a, b, slo={"time_per_output_token": 0.030}, n_resamples=B)
    verdicts = [r.verdict for r in s.rows_of(b.name)]
    assert verdicts[0] == "faster" and verdicts[-1] == "slower"
    (x,) = s.crossing
    assert x.status == "within the sweep" and 4 < x.estimate < 32
    assert [m.status for m in s.max_load] == ["within the sweep"] * 2
    ttft = [np.nanmedian(a.at(c).pooled["time_to_first_token"]) for c in (1, 128)]
    assert ttft[1] > 2 * ttft[0]  # TTFT rises with load too
    assert demo_sweeps(n=50, repeats=1)[0].runs[5].columns["time_to_last_token"].tolist() == (
        demo_sweeps(n=50, repeats=1)[0].runs[5].columns["time_to_last_token"].tolist()
    )


def _guidellm_like(name: str, tpot: Callable[[float], float], rates: Sequence[float], seed: int):
    """synchronous, constant rates of its own choosing, throughput (as guidellm's sweep):
    300 requests of 2-100 tokens each; throughput reaches ~20 req/s."""

    def run(label: str, load: str, at: float, duration: float, k: int) -> object:
        return make_run(
            f"{name} {label}",
            n=300,
            tpot=tpot(at),
            seed=seed + k,
            load=load,
            duration=duration,
            tokens=(2, 100),
        )

    runs = [run("sync", "synchronous", 0.5, 600.0, 0)]
    runs += [run(f"{r}", f"rate={r}", r, 300 / r, i + 1) for i, r in enumerate(rates)]
    runs.append(run("max", "throughput", 20.0, 13.0, 9))
    return Sweep(runs, name=name)


def test_a_guidellm_style_sweep_compares_its_own_rates_with_the_baseline_interpolated() -> None:
    a = _guidellm_like("A", A, (2.0, 5.0, 10.0), seed=0)
    b = _guidellm_like("B", B_CROSSING, (3.0, 7.0, 12.0), seed=50)
    s = compare_sweeps(a, b, n_resamples=B)
    assert s.axis == "rate"
    rows = {str(r.level): r for r in s.rows_of("B")}
    assert not rows["synchronous"].interpolated and not rows["throughput"].interpolated
    assert rows["synchronous"].load == pytest.approx(b.position("synchronous"))
    assert rows["throughput"].load == pytest.approx(
        b.runs_at("throughput")[0].achieved.request_rate
    )
    assert all(rows[f"rate {r:g}"].interpolated for r in (3.0, 7.0, 12.0))
    assert rows["rate 3"].verdict == "faster"
    assert s.crossing[0].status in ("within the sweep", "none within the sweep")


def test_a_level_without_enough_data_is_said_so_and_left_out_of_the_curves() -> None:
    a = sweep("A", A)
    runs = list(sweep("B", B_CROSSING, seed=5).runs)
    runs[2] = make_run("B tiny", n=1, tpot=0.02, load="concurrency=16")
    s = compare_sweeps(a, Sweep(runs, name="B"), n_resamples=B)
    tiny = s.rows_of("B")[2]
    assert tiny.estimate is None and tiny.verdict == "not enough data"
    assert s.crossing[0].status == "within the sweep"  # from the other levels


def test_the_mean_and_a_quantile_work_across_levels_too() -> None:
    a, b = sweep("A", A), sweep("B", B_CROSSING, seed=5)
    for statistic in ("mean", "p90"):
        s = compare_sweeps(a, b, statistic=statistic, n_resamples=B)
        c = compare(a.at(4), b.at(4), statistic=statistic, n_resamples=B)
        assert s.rows_of("B")[1].estimate == c.runs[1].estimate
        assert s.rows_of("B")[1].relative_ci_low == c.differences[0].relative_ci_low
        assert s.crossing[0].status == "within the sweep"
