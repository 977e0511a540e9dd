"""TPOTCompare with arms of repeated runs: run-level statistics, pooled views, traceable rows."""

from __future__ import annotations

import json
from pathlib import Path

from factories import make_run

from tpot_widget import Arm, TPOTCompare, compare


def _arm(prefix: str, seed: int, n_runs: int = 3) -> list:
    return [
        make_run(f"{prefix} #{i + 1}", 400, 0.02 * (1 + 0.03 * i), seed + i) for i in range(n_runs)
    ]


def test_arms_in_the_widget_equal_compare_and_keep_their_runs() -> None:
    a, b = Arm(_arm("base", 1), name="base"), _arm("cand", 10)  # a plain list is an arm too
    w = TPOTCompare(a, b)
    assert w.stats == compare(a, b).to_dict()
    assert [m["n_runs"] for m in w._runs_meta] == [3, 3]
    assert [r["n_runs"] for r in w.stats["runs"]] == [3, 3]
    assert all(r["between_run_share"] is not None for r in w.stats["runs"])
    json.dumps(w.stats, allow_nan=False)
    # views and selections show an arm's requests pooled, each row naming its run
    assert [len(r) for r in w.runs] == [1200, 1200]
    df = w.selection_df()
    assert df.groupby("run", observed=True).size().tolist() == [1200, 1200]
    assert sorted(df.loc[df["run"] == "base", "arm_run"].unique()) == [
        "base #1",
        "base #2",
        "base #3",
    ]


def test_arm_brush_and_time_range_follow_compare() -> None:
    a, b = Arm(_arm("base", 20)), Arm(_arm("cand", 30))
    w = TPOTCompare(a, b)
    w.token_range = (100, 600)
    w.time_range = (10, None)
    assert w.stats == compare(a, b, token_range=(100, 600), time_range=(10, None)).to_dict()
    mask = w.selection_mask(0)
    pooled = w.runs[0]
    assert (
        mask.sum()
        == (
            (pooled["num_tokens_output"] >= 100)
            & (pooled["num_tokens_output"] <= 600)
            & (pooled["request_start"] >= 10)
        ).sum()
    )


def test_a_plain_list_of_paths_is_an_arm(tmp_path: Path) -> None:
    """As for runs, a list of files in a run's place is one arm (each file loaded)."""
    paths = {
        side: [
            str(run.to_parquet(tmp_path / f"{run.name.replace(' #', '-')}.parquet"))
            for run in _arm(side, seed)
        ]
        for side, seed in (("base", 40), ("cand", 50))
    }
    w = TPOTCompare(paths["base"], paths["cand"], n_resamples=199)
    assert [m["n_runs"] for m in w._runs_meta] == [3, 3]
    assert w.stats == compare(_arm("base", 40), _arm("cand", 50), n_resamples=199).to_dict()
