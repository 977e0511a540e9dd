"""trtllm-bench --request_json: integer-ns timestamps, exact subtraction, error flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import other_tools_files

import tpot_widget
from tpot_widget.loaders import LoadError, trtllm_bench

FILE = Path("trtllm-bench") / "request_info.json"


def _raw(fixtures_dir: Path) -> list[dict[str, Any]]:
    return json.loads((fixtures_dir / FILE).read_text())


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_values_match_raw_fields(fixtures_dir: Path) -> None:
    raw = _raw(fixtures_dir)
    run = tpot_widget.load_run(fixtures_dir / FILE)
    assert run.format == "trtllm-bench"
    assert run.name == "request_info"
    assert len(run) == len(raw) == 4
    assert run.n_errors == 0
    first = min(r["start_timestamp"] for r in raw)
    for i, r in enumerate(raw):
        ttft = (r["first_token_timestamp"] - r["start_timestamp"]) / 1e9
        e2e = (r["end_timestamp"] - r["start_timestamp"]) / 1e9
        n = r["output_tokens"]
        assert run["time_to_first_token"][i] == pytest.approx(ttft, rel=1e-12)
        assert run["time_to_last_token"][i] == pytest.approx(e2e, rel=1e-12)
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
        assert run["tpot_reported"][i] == pytest.approx(r["intertoken_latency"] / 1e9)
        assert run["num_tokens_input"][i] == r["num_input_tokens"]
        assert run["num_tokens_output"][i] == n
        assert run["request_start"][i] == (r["start_timestamp"] - first) / 1e9
    # by hand, request 1: first token 45_120_333 ns after the start; 1 s of decode for 200
    assert run["time_to_first_token"][0] == pytest.approx(0.045120333, abs=1e-15)
    assert run["time_per_output_token"][0] == pytest.approx(1.0 / 200)
    assert run["request_start"].tolist() == [0.0, 0.0125, 0.025, 0.0375]


def test_non_streaming_and_error_flags(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _raw(fixtures_dir)
    raw[0]["first_token_timestamp"] = -1  # TensorRT-LLM's "unknown" (no streaming)
    raw[1]["error_tokens"] = 2
    del raw[2]["output_tokens"]  # older files: the count under its RequestRecord name
    run = trtllm_bench.load(_write(tmp_path / "r.json", raw))[0]
    assert np.isnan(run["time_to_first_token"][0])
    assert run["error"][1] == "TensorRT-LLM flagged 2 error response(s)"
    assert run["num_tokens_output"][2] == raw[2]["num_total_output_tokens"]


def test_detected_by_content_only_trtllm(fixtures_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "requests.json"
    renamed.write_bytes((fixtures_dir / FILE).read_bytes())
    assert tpot_widget.load_run(renamed).format == "trtllm-bench"
    for other in other_tools_files(fixtures_dir, "trtllm-bench"):
        assert not trtllm_bench.sniff(other, other.read_bytes()[: 1 << 16]), other


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"engine": {}}, "--report_json file holds only aggregates"),
        ([], "the list of requests is empty"),
        ([{"start_timestamp": 5}], "[0] lacks end_timestamp"),
        ([{"start_timestamp": "5", "end_timestamp": 9}], "[0].start_timestamp"),
        ([{"start_timestamp": 5, "end_timestamp": 9, "output_tokens": True}], "output_tokens"),
    ],
)
def test_bad_input_names_file_and_place(tmp_path: Path, data: Any, expected: str) -> None:
    path = _write(tmp_path / "r.json", data)
    with pytest.raises(LoadError) as info:
        trtllm_bench.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)
