"""`Sweep`, `load_sweep`, `load_sweeps`: one configuration's runs ordered by load level."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from factories import make_queued_run, make_run

from tpot_widget import Arm, Load, Run
from tpot_widget.sweep import Sweep, load_sweep, load_sweeps

LEVELS = (1, 4, 16)


def sweep_runs(config: str = "A", repeats: int = 1, levels=LEVELS, seed: int = 0) -> list[Run]:
    """One configuration's runs at concurrency `levels`, `repeats` runs each, marked as a sweep."""
    return [
        make_run(
            f"{config} c={c} #{k}",
            n=60,
            seed=seed + 100 * i + k,
            load=f"concurrency={c}",
            metadata={"sweep_config": config, "repeat": k},
        )
        for i, c in enumerate(levels)
        for k in range(repeats)
    ]


def test_levels_are_sorted_and_a_level_gives_its_run_or_the_arm_of_its_repeats() -> None:
    single = Sweep(list(reversed(sweep_runs())))
    assert single.name == "A"
    assert single.levels == [Load("concurrency", c) for c in LEVELS]
    assert isinstance(single.at(4), Run) and single.at(4).name == "A c=4 #0"
    runs = sweep_runs(repeats=3)
    repeated = Sweep([runs[2], runs[0], runs[1], *runs[3:]])
    arm = repeated.at("concurrency=1")
    assert isinstance(arm, Arm) and arm.name == "A"
    assert [r.name for r in arm.runs] == ["A c=1 #0", "A c=1 #1", "A c=1 #2"]
    assert repeated.at(Load("concurrency", 16)).runs == repeated.runs_at(16)
    assert len(repeated) == 3 and repeated.axis == "concurrency"
    assert "3 levels" in repr(repeated) and "3 run(s) per level" in repr(repeated)


def test_an_unknown_level_is_an_error_listing_the_levels() -> None:
    with pytest.raises(ValueError, match=r"no load level 8.*concurrency 1, concurrency 4"):
        Sweep(sweep_runs()).at(8)


def test_runs_without_a_load_level_are_refused_with_how_to_set_it() -> None:
    runs = [*sweep_runs(), make_run("no load", n=20)]
    with pytest.raises(ValueError, match=r"'no load'.*with_load\('concurrency=16'\).*load_run"):
        Sweep(runs)
    with pytest.raises(ValueError, match=r"1 of 4 run\(s\) have no load level"):
        load_sweeps(runs)


def test_a_sweep_does_not_mix_concurrency_and_rate_levels() -> None:
    runs = [make_run("c", n=20, load="concurrency=2"), make_run("r", n=20, load="rate=2")]
    with pytest.raises(ValueError, match="mix concurrency and rate"):
        Sweep(runs)


def test_a_guidellm_style_sweep_is_on_the_rate_axis_with_measured_ends() -> None:
    runs = [
        make_run("sync", n=80, seed=1, load="synchronous", duration=80.0),
        make_run("r2", n=80, seed=2, load="rate=2", duration=40.0),
        make_run("max", n=80, seed=3, load="throughput", duration=10.0),
    ]
    sweep = Sweep(runs, name="g")
    assert sweep.axis == "rate"
    assert [str(x) for x in sweep.levels] == ["synchronous", "rate 2", "throughput"]
    assert sweep.position("rate=2") == 2.0
    assert sweep.position("throughput") == pytest.approx(runs[2].achieved.request_rate)
    assert sweep.position("synchronous") == pytest.approx(runs[0].achieved.request_rate)
    concurrency = Sweep([make_run("s", n=20, load="synchronous"), *sweep_runs()])
    assert concurrency.axis == "concurrency" and concurrency.position("synchronous") == 1.0


def test_load_sweeps_groups_by_configuration_and_load_sweep_wants_exactly_one() -> None:
    runs = sweep_runs("A") + sweep_runs("B", seed=7)
    sweeps = load_sweeps(runs)
    assert [s.name for s in sweeps] == ["A", "B"]
    assert all(len(s) == 3 for s in sweeps)
    with pytest.raises(ValueError, match=r"found 2: 'A' \(3 levels, 3 runs\); 'B'.*load_sweeps"):
        load_sweep(runs)
    assert load_sweep(sweep_runs("A"), name="base").name == "base"
    sweep = load_sweep(sweep_runs("A"))
    assert load_sweep(sweep) is sweep


def test_files_each_holding_a_whole_sweep_are_separate_configurations() -> None:
    a = [make_run(f"a{c}", n=20, load=f"rate={c}", source="a/benchmarks.json") for c in LEVELS]
    b = [make_run(f"b{c}", n=20, load=f"rate={c}", source="b/benchmarks.json") for c in LEVELS]
    assert [len(s) for s in load_sweeps(a + b)] == [3, 3]
    # one file per level (AIPerf's concurrency_N folders): one configuration
    per_level = [
        make_run(f"c{c}", n=20, load=f"concurrency={c}", source=f"c{c}.json") for c in LEVELS
    ]
    assert [len(s) for s in load_sweeps(per_level)] == [3]


def test_a_folder_of_parquet_runs_loads_as_its_configurations(tmp_path: Path) -> None:
    for run in sweep_runs("A", repeats=2) + sweep_runs("B", seed=5):
        run.to_parquet(tmp_path / f"{run.name.replace(' ', '_').replace('#', '')}.parquet")
    sweeps = {s.name: s for s in load_sweeps(tmp_path)}
    assert sorted(sweeps) == ["A", "B"]
    assert isinstance(sweeps["A"].at(16), Arm) and len(sweeps["A"].at(16)) == 2
    with pytest.raises(ValueError, match=f"{tmp_path}: expected exactly one"):
        load_sweep(tmp_path)


def _closed_loop_run(name: str, concurrency: int, slots: int, n: int = 400) -> Run:
    """A closed-loop run offered `concurrency` whose client keeps `slots` requests in flight."""
    latency = 2.0
    start = np.array([(i // slots) * latency for i in range(n)])
    e2e = np.full(n, latency)
    return make_run(
        name,
        load=f"concurrency={concurrency}",
        columns={
            "request_start": start,
            "time_to_last_token": e2e,
            "time_to_first_token": np.full(n, 0.2),
            "num_tokens_output": np.full(n, 100.0),
        },
    )


def test_levels_that_did_not_achieve_their_offered_load_are_named_in_the_notes() -> None:
    sweep = Sweep([make_queued_run(f"r{r}", r, capacity=6.0) for r in (2.0, 4.0, 10.0)], name="q")
    assert sweep.served_share(2.0) == pytest.approx(1.0, abs=0.05)
    assert sweep.served_share(10.0) == pytest.approx(0.6, abs=0.05)
    assert sweep.saturated == [Load("rate", 10.0)]
    (note,) = sweep.notes
    assert "q: 1 level(s) did not achieve their offered load (rate 10 served 60%" in note
    closed = Sweep([_closed_loop_run("c8", 8, 8), _closed_loop_run("c16", 16, 8)], name="c")
    assert closed.served_share(8) == pytest.approx(1.0)
    assert closed.saturated == [Load("concurrency", 16.0)]


def test_served_share_makes_no_claim_without_enough_timed_requests() -> None:
    sweep = Sweep(
        [make_run("r", n=30, load="rate=100"), make_run("s", n=300, duration=None, load="rate=5")]
    )
    assert sweep.served_share(100) is None and sweep.served_share(5) is None
    assert sweep.saturated == [] and sweep.notes == ()


def test_a_bare_number_naming_two_levels_asks_which() -> None:
    sweep = Sweep([make_run("s", n=20, load="synchronous"), *sweep_runs()])
    with pytest.raises(ValueError, match=r"1 is ambiguous \(synchronous and concurrency 1\)"):
        sweep.at(1)
    assert sweep.at("synchronous").name == "s" and sweep.at(("concurrency", 1)).name == "A c=1 #0"


def test_load_sweep_takes_the_levels_a_tool_did_not_record(tmp_path: Path) -> None:
    for level in (1, 4, 16):
        make_run(f"c{level}", n=60, seed=level).to_parquet(tmp_path / f"c{level}.parquet")
    with pytest.raises(ValueError, match="no load level"):
        load_sweep(tmp_path)
    sweep = load_sweep(tmp_path, load=lambda run: ("concurrency", int(run.name[1:])))
    assert [level.value for level in sweep.levels] == [1.0, 4.0, 16.0]
