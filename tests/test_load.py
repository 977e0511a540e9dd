"""`Load` (a run's load level) and `Run.achieved` (what its requests show was achieved)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from factories import make_run

from tpot_widget import Load, Run, load_run


def test_load_parses_texts_pairs_and_dicts_to_one_value() -> None:
    assert Load.parse("concurrency=16") == Load("concurrency", 16.0)
    assert Load.parse(("rate", 2.5)) == Load("rate", 2.5)
    assert Load.parse({"kind": "throughput", "value": None}) == Load("throughput")
    assert Load("synchronous").value == 1.0
    assert hash(Load("concurrency", 16)) == hash(Load("concurrency", 16.0))


@pytest.mark.parametrize(
    "bad", [16, "16", ("speed", 3), ("rate", 0), ("rate", -1), ("rate", math.inf), ("rate", None)]
)
def test_load_refuses_what_it_cannot_read_and_says_how(bad: object) -> None:
    with pytest.raises(ValueError, match="load"):
        Load.parse(bad)


def test_levels_sort_as_a_sweep_runs_them() -> None:
    levels = [Load("throughput"), Load("rate", 8), Load("synchronous"), Load("rate", 0.5)]
    assert [str(x) for x in sorted(levels)] == ["synchronous", "rate 0.5", "rate 8", "throughput"]


def test_achieved_is_measured_from_start_times_and_latencies() -> None:
    # 4 requests, one per second, each 2 s long: 4 requests over 5 s, 8 s busy / 5 s = 1.6
    run = Run.from_columns(
        "r",
        time_to_first_token=[0.1] * 4,
        time_to_last_token=[2.0] * 4,
        num_tokens_output=[11, 11, 11, 11],
        request_start=[0.0, 1.0, 2.0, 3.0],
    )
    a = run.achieved
    assert a.duration == pytest.approx(5.0)
    assert a.request_rate == pytest.approx(0.8)
    assert a.mean_in_flight == pytest.approx(1.6)
    assert a.output_tokens_per_s == pytest.approx(44 / 5)


def test_achieved_is_none_without_start_times() -> None:
    run = make_run(duration=None)
    assert run.achieved.request_rate is None and run.achieved.mean_in_flight is None


def test_parquet_keeps_the_load_and_achieved_follows(tmp_path: object) -> None:
    run = make_run(n=50).with_load("rate=4")
    path = run.to_parquet(f"{tmp_path}/r.parquet")
    back = load_run(path)
    assert back.load == Load("rate", 4.0)
    assert back.achieved == run.achieved
    assert np.isfinite(back.achieved.request_rate or math.nan)
