"""Arm: repeated runs of one configuration, named, pooled for views, compared as one unit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from factories import make_run

from tpot_widget import Arm, Run, compare
from tpot_widget.arm import as_arm_or_run
from tpot_widget.run import COLUMNS


def runs_of(prefix: str, k: int = 3, seed: int = 0, **kwargs: object) -> list[Run]:
    return [make_run(f"{prefix} run {i + 1}", 200, seed=seed + i, **kwargs) for i in range(k)]


# --- naming ---------------------------------------------------------------------------------


def test_explicit_name_wins() -> None:
    arm = Arm(runs_of("vllm-tp2"), name="vLLM TP=2")
    assert arm.name == "vLLM TP=2"


def test_runs_with_one_name_give_the_arm_that_name() -> None:
    arm = Arm([make_run("vllm-tp2", 100, seed=i) for i in range(3)])
    assert arm.name == "vllm-tp2"


def test_default_name_is_the_common_prefix_without_separators() -> None:
    arm = Arm(runs_of("vllm-tp2"))
    assert arm.name == "vllm-tp2 run"
    two = [make_run("cfg-A/seed-1", 50), make_run("cfg-A/seed-2", 50, seed=1)]
    assert Arm(two).name == "cfg-A/seed"


def test_names_without_a_common_prefix_say_how_many_runs() -> None:
    arm = Arm([make_run("alpha", 50), make_run("beta", 50, seed=1), make_run("gamma", 50, seed=2)])
    assert arm.name == "alpha (×3 runs)"


def test_renamed_keeps_the_runs() -> None:
    arm = Arm(runs_of("x"))
    other = arm.renamed("y")
    assert other.name == "y" and arm.name != "y"
    assert other.runs == arm.runs


def test_an_empty_arm_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one run"):
        Arm([])


# --- contents --------------------------------------------------------------------------------


def test_len_iter_and_repr() -> None:
    runs = runs_of("x", k=2)
    arm = Arm(runs, name="x")
    assert len(arm) == 2
    assert list(arm) == runs
    assert repr(arm) == "Arm('x', runs=2, requests=[200, 200])"


def test_pooled_holds_every_request_of_every_run_in_order() -> None:
    runs = [make_run("a 1", 120, seed=1, error_rate=0.1), make_run("a 2", 80, seed=2)]
    pooled = Arm(runs, name="a").pooled
    assert isinstance(pooled, Run)
    assert pooled.name == "a"
    assert len(pooled) == 200
    for column in COLUMNS:
        if column == "error":
            assert list(pooled[column]) == [*runs[0][column], *runs[1][column]]
        else:
            np.testing.assert_array_equal(
                pooled[column], np.concatenate([runs[0][column], runs[1][column]])
            )
    assert pooled.n_errors == runs[0].n_errors + runs[1].n_errors > 0
    # which rows came from which run
    index = np.asarray(pooled.metadata["run_index"])
    assert (index == 0).sum() == 120 and (index == 1).sum() == 80
    assert pooled.metadata["arm"] == ["a 1", "a 2"]
    assert pooled.metadata["n_runs"] == 2
    assert pooled.format == "synthetic"


def test_pooled_columns_are_read_only() -> None:
    pooled = Arm(runs_of("x", k=2)).pooled
    with pytest.raises(ValueError):
        pooled["num_tokens_output"][0] = 1.0


def test_paths_are_loaded(tmp_path: Path) -> None:
    runs = runs_of("saved", k=2)
    paths = [run.to_parquet(tmp_path / f"{i}.parquet") for i, run in enumerate(runs)]
    arm = Arm(paths)
    assert [r.name for r in arm] == [r.name for r in runs]
    np.testing.assert_array_equal(
        arm.pooled["time_per_output_token"],
        np.concatenate([r["time_per_output_token"] for r in runs]),
    )


# --- each run once ---------------------------------------------------------------------------


def test_the_same_run_three_times_is_one_run_with_a_warning_naming_it() -> None:
    """Issue 16: Arm([a, a, a]) gave a CI ~1e-17 wide and p = 1.8e-31."""
    a, b = make_run("a", 300, seed=1), make_run("b", 300, tpot=0.021, seed=2)
    with pytest.warns(UserWarning) as caught:
        arm = Arm([a, a, a])
    assert [str(w.message)[:54] for w in caught] == [
        "Arm: run 2 ('a') is the same run object as run 1 ('a')",
        "Arm: run 3 ('a') is the same run object as run 1 ('a')",
    ]
    assert arm.runs == (a,)
    with pytest.warns(UserWarning, match="left out"):
        c = compare([a, a, a], b, n_resamples=999)
    r, d = c.runs[0], c.differences[0]
    assert r.n_runs == 1 and r.n == 300
    assert r.ci_high - r.ci_low > 1e-4  # type: ignore[operator]
    assert d.p_value is not None and d.p_value > 1e-20


def test_a_run_and_its_parquet_copy_count_once(tmp_path: Path) -> None:
    runs = runs_of("cfg", k=2)
    copy = runs[0].to_parquet(tmp_path / "copy.parquet")
    with pytest.warns(UserWarning, match=r"run 3 \('cfg run 1'\) has the same requests as run 1"):
        arm = Arm([*runs, copy])
    assert [r.name for r in arm] == ["cfg run 1", "cfg run 2"]


def test_runs_whose_requests_differ_only_in_their_errors_are_both_kept() -> None:
    """The errors are part of the requests: other messages, or other requests failing."""
    base = make_run("r", 200, seed=1, error_rate=0.1)
    other_text = make_run("r", 200, seed=1, error_rate=0.1, error_text="timeout")
    assert len(Arm([base, other_text])) == 2
    with pytest.warns(UserWarning, match="has the same requests as run 1"):
        assert len(Arm([base, make_run("r", 200, seed=1, error_rate=0.1)])) == 1


def test_runs_that_merely_share_a_name_are_both_kept() -> None:
    arm = Arm([make_run("same", 100, seed=1), make_run("same", 100, seed=2)])
    assert len(arm) == 2


# --- an arm wherever a run goes ---------------------------------------------------------------


def test_a_list_of_runs_in_a_runs_place_is_an_arm() -> None:
    a, b = runs_of("cfg-a"), runs_of("cfg-b", seed=10)
    as_lists = compare(a, b, n_resamples=999).to_dict()
    as_arms = compare(Arm(a), Arm(b), n_resamples=999).to_dict()
    assert as_lists == as_arms
    assert [r["n_runs"] for r in as_lists["runs"]] == [3, 3]
    assert [r["n"] for r in as_lists["runs"]] == [600, 600]
    assert [r["name"] for r in as_lists["runs"]] == ["cfg-a run", "cfg-b run"]
    # an arm's interval is not the single-run one: the notes say what it covers
    assert not any("request-to-request noise within each run only" in n for n in as_lists["notes"])


def test_an_arm_and_a_single_run_can_be_compared() -> None:
    stats = compare(runs_of("cfg-a"), make_run("single", 600, seed=42), n_resamples=999).to_dict()
    assert [r["n_runs"] for r in stats["runs"]] == [3, 1]
    assert stats["differences"][0]["name"] == "single"
    assert any("single usable run" in n and "assumed equal" in n for n in stats["notes"])


def test_arms_with_one_name_stay_two_arms() -> None:
    a = [make_run("same", 200, seed=i) for i in range(2)]
    b = [make_run("same", 200, seed=10 + i, tpot=0.03) for i in range(2)]
    stats = compare(a, b, n_resamples=999).to_dict()
    assert [r["name"] for r in stats["runs"]] == ["same (1)", "same (2)"]
    assert stats["differences"][0]["verdict"] == "slower"


def test_as_arm_or_run_passes_other_things_through() -> None:
    run = make_run("x", 10)
    assert as_arm_or_run(run) is run
    arm = Arm([run])
    assert as_arm_or_run(arm) is arm
    assert isinstance(as_arm_or_run([run, make_run("y", 10, seed=1)]), Arm)
    assert as_arm_or_run("path/to/file.json") == "path/to/file.json"
    assert as_arm_or_run([]) == []
    numbers = [0.1, 0.2, 0.3]
    assert as_arm_or_run(numbers) is numbers  # plain values stay values, not an arm
