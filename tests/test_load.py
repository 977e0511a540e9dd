"""`Load` (a run's load level) and `Run.achieved` (what its requests show was achieved)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from factories import make_run

from tpot_widget import Load, Run, load_run, load_sweeps


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


# --- the sweep layouts of seven tools load as sweeps at their levels ------------------------

C, R = "concurrency", "rate"
#: fixture folder (tests/fixtures/sweeps/) → {configuration: (levels, repeats per level)}
SWEEP_LAYOUTS: dict[str, dict[str, tuple[list[Load], int]]] = {
    "guidellm-0.8.1-sweep": {
        "Llama-3.1-8B-Instruct · guidellm-0.8.1-sweep": (
            [Load("synchronous"), Load(R, 2), Load(R, 4), Load("throughput")],
            1,
        )
    },
    "guidellm-0.3-sweep": {
        "Llama-3.1-8B-Instruct · guidellm-0.3-sweep": (
            [Load("synchronous"), Load(R, 1.5), Load(R, 3), Load("throughput")],
            1,
        )
    },
    "vllm-sweep": {f"max_num_seqs={s}": ([Load(C, 2), Load(C, 8)], 2) for s in (64, 256)},
    "aiperf-sweep/Llama-3.1-8B-Instruct-openai-chat-concurrency_sweep": {
        "Llama-3.1-8B-Instruct-openai-chat-concurrency_sweep": (
            [Load(C, 1), Load(C, 4), Load(C, 8)],
            1,
        )
    },
    "aiperf-sweep/Llama-3.1-8B-Instruct-openai-chat-concurrency_sweep-repeated": {
        "Llama-3.1-8B-Instruct-openai-chat-concurrency_sweep-repeated": (
            [Load(C, 2), Load(C, 8)],
            2,
        )
    },
    "llmeter-loadtest": {
        "Llama-3.1-8B-Instruct · 20260601-1200": ([Load(C, 1), Load(C, 2), Load(C, 4)], 1)
    },
    "genai-bench-sweep": {
        f"openai_vllm_text-to-text_llama-3.1-8b_20260601_120000 · {s}": (
            [Load(C, 1), Load(C, 4)],
            1,
        )
        for s in ("D(100,100)", "D(2000,200)")
    },
    "evalscope-sweep": {
        "Llama-3.1-8B-Instruct · 20260601_120000": ([Load(C, 1), Load(C, 4)], 1),
        "Llama-3.1-8B-Instruct · 20260601_130000": ([Load(R, 1), Load(R, 4)], 1),
    },
    "inference-perf-stages": {
        "Llama-3.1-8B-Instruct · llama-poisson-sweep": ([Load(R, 1), Load(R, 2), Load(R, 4)], 1)
    },
}


@pytest.mark.filterwarnings("error")  # a sweep loads without a word: side files are no runs
@pytest.mark.parametrize("folder", list(SWEEP_LAYOUTS))
def test_the_sweep_layouts_of_seven_tools_load_as_sweeps_at_their_levels(
    fixtures_dir: Path, folder: str
) -> None:
    sweeps = load_sweeps(fixtures_dir / "sweeps" / folder)
    found = {s.name: (s.levels, {len(s.runs_at(x)) for x in s.levels}) for s in sweeps}
    expected = {name: (lv, {repeats}) for name, (lv, repeats) in SWEEP_LAYOUTS[folder].items()}
    assert found == expected
