"""Ray LLMPerf *_individual_responses.json: one run, error rows kept, no timestamps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import levels

import tpot_widget
from tpot_widget.loaders import LoadError, llmperf
from tpot_widget.run import NUMERIC_COLUMNS


def _fixture(fixtures_dir: Path) -> Path:
    return fixtures_dir / "llmperf" / "bedrock_13b_individual_responses.json"


def _write(tmp_path: Path, data: Any, name: str = "x_individual_responses.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_fixture_values_match_raw_fields(fixtures_dir: Path) -> None:
    path = _fixture(fixtures_dir)
    raw = json.loads(path.read_text())
    (run,) = llmperf.load(path)
    assert run.name == "bedrock_13b"
    assert run.format == "llmperf"
    assert len(run) == len(raw) == 150
    n_failed = sum(r["error_code"] is not None for r in raw)
    assert run.n_errors == n_failed == 97
    success = next(i for i, r in enumerate(raw) if r["error_code"] is None)
    failed = next(i for i, r in enumerate(raw) if r["error_code"] is not None)
    for i in (success, failed, len(raw) - 1):
        r = raw[i]
        ttft, e2e, n = r["ttft_s"], r["end_to_end_latency_s"], r["number_output_tokens"]
        assert run["time_to_first_token"][i] == ttft
        assert run["time_to_last_token"][i] == e2e
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
        assert run["tpot_reported"][i] == r["inter_token_latency_s"]
        assert run["num_tokens_input"][i] == r["number_input_tokens"]
        assert run["num_tokens_output"][i] == n
    assert run["error"][success] is None
    text = run["error"][failed]
    assert str(raw[failed]["error_code"]) in text
    assert raw[failed]["error_msg"] in text
    # LLMPerf writes no timestamps
    assert np.isnan(run["request_start"]).all()
    # statistics only see the successful requests
    ok = [r["error_code"] is None and r["number_output_tokens"] > 1 for r in raw]
    assert run.valid("time_per_output_token").tolist() == ok


def test_fixture_detected_by_content(fixtures_dir: Path, tmp_path: Path) -> None:
    path = _fixture(fixtures_dir)
    (detected,) = tpot_widget.load_runs(path)
    (direct,) = llmperf.load(path)
    assert detected.name == direct.name == "bedrock_13b"
    for column in NUMERIC_COLUMNS:
        np.testing.assert_array_equal(detected[column], direct[column])
    assert list(detected["error"]) == list(direct["error"])
    renamed = tmp_path / "responses.json"
    renamed.write_bytes(path.read_bytes())
    run = tpot_widget.load_run(renamed)
    assert (run.format, run.name) == ("llmperf", "responses")


def test_sniff_rejects_other_tools_and_the_summary(fixtures_dir: Path) -> None:
    for other in sorted(fixtures_dir.rglob("*.json*")):
        if other.parent.name == "llmperf":
            continue
        assert not llmperf.sniff(other, other.read_bytes()[: 1 << 16]), other
    summary = b'{"results_ttft_s_mean": 0.5, "results_end_to_end_latency_s_mean": 3.0}'
    assert not llmperf.sniff(Path("bedrock_13b_summary.json"), summary)


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("bedrock_13b_individual_responses.json", "bedrock_13b"),
        (
            "meta-llama_Llama-2-7b_512_256_individual_responses.json",
            "meta-llama_Llama-2-7b_512_256",
        ),
        ("my_run.json", "my_run"),
    ],
)
def test_run_name_is_the_file_prefix(tmp_path: Path, file_name: str, expected: str) -> None:
    row = {"ttft_s": 0.1, "end_to_end_latency_s": 1.0, "number_output_tokens": 10}
    (run,) = llmperf.load(_write(tmp_path, [row], file_name))
    assert run.name == expected


def test_extra_and_null_values(tmp_path: Path) -> None:
    rows = [
        {
            "ttft_s": 0.2,
            "end_to_end_latency_s": 2.2,
            "number_output_tokens": 11,
            "number_input_tokens": 5,
            "error_code": None,
            "error_msg": "",
            "GEN_TEXT": "hi",
            "something_new": [1, 2],
        },
        {
            "ttft_s": None,
            "end_to_end_latency_s": None,
            "number_output_tokens": 0,
            "error_code": 429,
            "error_msg": "",
        },
    ]
    (run,) = llmperf.load(_write(tmp_path, rows))
    assert run["time_per_output_token"][0] == pytest.approx(0.2)
    assert np.isnan(run["tpot_reported"][0])
    assert list(run["error"]) == [None, "error 429"]
    assert np.isnan(run["time_to_first_token"][1])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], "the list of requests is empty"),
        ({"ttft_s": 1.0}, "a JSON list of requests"),
        (
            [
                {"ttft_s": 0.1, "end_to_end_latency_s": 1.0, "number_output_tokens": 10},
                {"ttft_s": 0.1, "end_to_end_latency_s": 1.0, "number_output_tokens": 10},
                {"ttft_s": 0.1, "error_code": None},
            ],
            "request [2] lacks end_to_end_latency_s, number_output_tokens",
        ),
        ([["ttft_s", 0.1]], "request [0] is a list, expected an object"),
        (
            [{"ttft_s": "0.1", "end_to_end_latency_s": 1.0, "number_output_tokens": 10}],
            "request [0]: ttft_s should be a number",
        ),
    ],
)
def test_bad_input_names_file_and_index(tmp_path: Path, data: Any, expected: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(LoadError) as info:
        llmperf.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_row_missing_keys_through_load_runs(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = json.loads(_fixture(fixtures_dir).read_text())
    del raw[5]["ttft_s"]
    path = _write(tmp_path, raw)
    with pytest.raises(LoadError, match=r"request \[5\] lacks ttft_s") as info:
        tpot_widget.load_runs(path)
    assert str(path) in str(info.value)


def test_the_summary_beside_gives_the_concurrency(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = json.loads(_fixture(fixtures_dir).read_text())
    path = _write(tmp_path, raw, "org-m_550_150_individual_responses.json")
    assert levels(llmperf.load(path)) == [None]  # LLMPerf's requests do not say
    summary = {"version": "2023-08-31", "name": "org-m_550_150_summary", "model": "org/m"}
    summary["num_concurrent_requests"] = 8
    (tmp_path / "org-m_550_150_summary.json").write_text(json.dumps(summary))
    (run,) = llmperf.load(path)
    assert levels([run]) == [("concurrency", 8.0)]
    assert run.name == "org-m_550_150 · concurrency 8"  # runs of a sweep are told apart
