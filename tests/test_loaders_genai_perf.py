"""GenAI-Perf profile_export.json: TTFT/E2E from content-bearing responses, chunks as tokens."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import levels, sweep_structure

import tpot_widget
from tpot_widget.loaders import LoadError, genai_perf
from tpot_widget.run import COLUMNS, NUMERIC_COLUMNS, Run


def _fixture(fixtures_dir: Path) -> Path:
    return fixtures_dir / "genai-perf" / "openai_chat_profile_export.json"


def _assert_same_runs(a: list[Run], b: list[Run]) -> None:
    assert [r.name for r in a] == [r.name for r in b]
    for x, y in zip(a, b, strict=True):
        assert x.format == y.format == "genai-perf"
        for column in NUMERIC_COLUMNS:
            np.testing.assert_array_equal(x[column], y[column])
        assert list(x["error"]) == list(y["error"])


def _has_content(output: dict[str, Any]) -> bool:
    """The test's own reading of one OpenAI chat SSE response: does it carry text?"""
    raw = output["response"]
    assert raw.startswith("data: ")
    body = raw[len("data: ") :].strip()
    if body == "[DONE]":
        return False
    choices = json.loads(body)["choices"]
    return any(c.get("delta", {}).get("content") for c in choices)


def _write(tmp_path: Path, data: Any, name: str = "profile_export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def _sse(payload: Any) -> dict[str, str]:
    return {"response": f"data: {json.dumps(payload)}\n\n"}


def _chunk(content: str | None = None, role: str | None = None) -> dict[str, str]:
    delta: dict[str, str] = {}
    if role is not None:
        delta["role"] = role
    if content is not None:
        delta["content"] = content
    return _sse({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})


def test_fixture_values_match_raw_fields(fixtures_dir: Path) -> None:
    path = _fixture(fixtures_dir)
    raw = json.loads(path.read_text())
    runs = genai_perf.load(path)
    assert len(runs) == len(raw["experiments"]) == 1
    run = runs[0]
    assert run.name == "concurrency 10"
    assert run.source == str(path)
    requests = raw["experiments"][0]["requests"]
    assert len(run) == len(requests) == 2
    first_sent = min(r["timestamp"] for r in requests)
    for i, request in enumerate(requests):
        times = [
            t
            for t, out in zip(
                request["response_timestamps"], request["response_outputs"], strict=True
            )
            if _has_content(out)
        ]
        # role-only first chunk, empty delta and [DONE] do not count
        assert len(times) == len(request["response_timestamps"]) - 3
        ttft = (times[0] - request["timestamp"]) / 1e9
        e2e = (times[-1] - request["timestamp"]) / 1e9
        assert run["time_to_first_token"][i] == pytest.approx(ttft, rel=1e-12)
        assert run["time_to_last_token"][i] == pytest.approx(e2e, rel=1e-12)
        assert run["num_tokens_output"][i] == len(times)
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (len(times) - 1))
        assert run["request_start"][i] == pytest.approx((request["timestamp"] - first_sent) / 1e9)
        assert run["error"][i] is None
    # GenAI-Perf has neither input token counts nor its own TPOT
    assert np.isnan(run["num_tokens_input"]).all()
    assert np.isnan(run["tpot_reported"]).all()
    assert run.metadata["num_tokens_output_counted_as"] == genai_perf.TOKEN_COUNTING
    assert "no tokenizer" in run.metadata["num_tokens_output_counted_as"]
    assert run.metadata["endpoint"] == raw["endpoint"]


def test_fixture_detected_by_content(fixtures_dir: Path, tmp_path: Path) -> None:
    path = _fixture(fixtures_dir)
    _assert_same_runs(tpot_widget.load_runs(path), genai_perf.load(path))
    # the content decides, not the name
    renamed = tmp_path / "whatever.json"
    renamed.write_bytes(path.read_bytes())
    assert tpot_widget.load_run(renamed).format == "genai-perf"
    assert tpot_widget.load_runs(str(path), format="genai-perf")[0].name == "concurrency 10"


def test_sniff_rejects_other_tools(fixtures_dir: Path) -> None:
    for other in sorted(fixtures_dir.rglob("*.json*")):
        if other.parent.name == "genai-perf":
            continue
        head = other.read_bytes()[: 1 << 16]
        assert not genai_perf.sniff(other, head), other


def test_content_rules_and_errors(tmp_path: Path) -> None:
    """Role-only, empty, usage-only and [DONE] chunks are not tokens; no content = failed."""
    usage_only = _sse({"choices": [], "usage": {"completion_tokens": 9}})
    done = {"response": "data: [DONE]\n\n"}
    data = {
        "service_kind": "openai",
        "endpoint": "v1/chat/completions",
        "experiments": [
            {
                "experiment": {"mode": "request_rate", "value": 2.0},
                "requests": [
                    {  # 2 content chunks among noise
                        "timestamp": 1_000_000_000,
                        "response_timestamps": [
                            1_100_000_000,
                            1_300_000_000,
                            1_350_000_000,
                            1_700_000_000,
                            1_800_000_000,
                            1_900_000_000,
                        ],
                        "response_outputs": [
                            _chunk(role="assistant"),
                            _chunk("Hello"),
                            _chunk(""),
                            _chunk(" world"),
                            usage_only,
                            done,
                        ],
                    },
                    {  # no content at all, an error payload
                        "timestamp": 1_500_000_000,
                        "response_timestamps": [1_600_000_000],
                        "response_outputs": [_sse({"error": {"message": "overloaded"}})],
                    },
                    {  # nothing came back
                        "timestamp": 2_000_000_000,
                        "response_timestamps": [],
                        "response_outputs": [],
                    },
                    {  # several events in one response; completions-style text
                        "timestamp": 3_000_000_000,
                        "response_timestamps": [3_200_000_000, 3_500_000_000],
                        "response_outputs": [
                            {"response": 'data: {"choices":[{"text":"a"}]}\n\ndata: [DONE]\n\n'},
                            {"response": 'data: {"choices":[{"text":"b"}]}\n\n'},
                        ],
                    },
                ],
            },
            {  # same mode/value again: the name must stay unique
                "experiment": {"mode": "request_rate", "value": 2.0},
                "requests": [
                    {
                        "timestamp": 10,
                        "response_timestamps": [20, 30, 40],
                        "response_outputs": [
                            {"text_output": "x"},
                            {"text_output": ""},
                            {"text_output": "y"},
                        ],
                    }
                ],
            },
        ],
    }
    runs = tpot_widget.load_runs(_write(tmp_path, data))
    assert [r.name for r in runs] == ["request_rate 2.0 (1)", "request_rate 2.0 (2)"]
    run = runs[0]
    assert run["num_tokens_output"].tolist() == [2.0, 0.0, 0.0, 2.0]
    assert run["time_to_first_token"][0] == pytest.approx(0.3)
    assert run["time_to_last_token"][0] == pytest.approx(0.7)
    assert run["time_per_output_token"][0] == pytest.approx(0.4)
    assert run["time_to_first_token"][3] == pytest.approx(0.2)
    assert run["time_to_last_token"][3] == pytest.approx(0.5)
    assert run["request_start"].tolist() == pytest.approx([0.0, 0.5, 1.0, 2.0])
    errors = list(run["error"])
    assert errors[0] is None and errors[3] is None
    assert errors[1] == "overloaded"
    assert errors[2] is not None and "no response with content" in errors[2]
    assert run.n_errors == 2
    assert math.isnan(run["time_to_first_token"][2])
    assert run.valid("time_per_output_token").tolist() == [True, False, False, True]
    triton = runs[1]
    assert triton["num_tokens_output"].tolist() == [2.0]
    assert triton["time_to_last_token"][0] == pytest.approx(30e-9)
    assert set(COLUMNS) == set(triton)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"service_kind": "openai", "experiments": []}, "'experiments' list is empty"),
        ({"service_kind": "openai"}, "'experiments' list"),
        (
            {"experiments": [{"experiment": {"mode": "concurrency", "value": 1}, "requests": []}]},
            "experiments[0] (concurrency 1) holds no requests",
        ),
        (
            {
                "experiments": [
                    {
                        "requests": [
                            {"timestamp": 1, "response_timestamps": [2], "response_outputs": []},
                            {
                                "timestamp": 1,
                                "response_timestamps": [2, 3],
                                "response_outputs": [{"text_output": "a"}],
                            },
                        ]
                    }
                ]
            },
            "experiments[0].requests[1]: 2 response_timestamps but 1 response_outputs",
        ),
        (
            {"experiments": [{"requests": [{"response_timestamps": [2]}]}]},
            "experiments[0].requests[0] lacks 'timestamp'",
        ),
        (
            {"experiments": [{"requests": [{"timestamp": "soon", "response_timestamps": []}]}]},
            "requests[0].timestamp: expected a timestamp in nanoseconds",
        ),
    ],
)
def test_bad_input_names_file_and_place(tmp_path: Path, data: Any, expected: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(LoadError) as info:
        genai_perf.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_truncated_file_is_a_clear_error(fixtures_dir: Path, tmp_path: Path) -> None:
    text = _fixture(fixtures_dir).read_text()
    path = tmp_path / "profile_export.json"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(LoadError, match="invalid JSON") as info:
        tpot_widget.load_runs(path)
    assert str(path) in str(info.value)


# --- load levels and sweeps ----------------------------------------------------------------


def test_each_experiment_is_at_its_mode_and_value(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = json.loads(_fixture(fixtures_dir).read_text())
    assert levels(genai_perf.load(_fixture(fixtures_dir))) == [("concurrency", 10.0)]
    first = raw["experiments"][0]
    modes = [("concurrency", 1), ("request_rate", 2.5), ("periodic_concurrency", 4)]
    raw["experiments"] = [{**first, "experiment": {"mode": m, "value": v}} for m, v in modes]
    runs = genai_perf.load(_write(tmp_path, raw, "sweep.json"))
    assert levels(runs) == [("concurrency", 1.0), ("rate", 2.5), None]
    # several experiments in one file: one configuration's sweep
    assert sweep_structure(runs) == [("v1/chat/completions · sweep", None)] * 3


def test_artifact_folders_named_after_the_level_form_one_sweep(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    for c in (1, 8):
        folder = tmp_path / f"meta-llama_Llama-3.1-8B-openai-chat-concurrency{c}"
        folder.mkdir()
        raw = json.loads(_fixture(fixtures_dir).read_text())
        raw["experiments"][0]["experiment"] = {"mode": "concurrency", "value": c}
        _write(folder, raw)
    runs = tpot_widget.load_runs(tmp_path)
    assert levels(runs) == [("concurrency", 1.0), ("concurrency", 8.0)]
    config = "meta-llama_Llama-3.1-8B-openai-chat"
    assert sweep_structure(runs) == [(config, None)] * 2
    assert [r.name for r in runs] == [f"{config} · concurrency {c}" for c in (1, 8)]
