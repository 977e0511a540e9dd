"""inference-perf per_request_lifecycle_metrics.json: all three `info` layouts, errors kept."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import SWEEPS, levels, other_tools_files, sweep_structure

import tpot_widget
from tpot_widget.loaders import LoadError, inference_perf

FILE = Path("inference-perf") / "llm-d-stage0" / "per_request_lifecycle_metrics.json"


def _raw(fixtures_dir: Path) -> list[dict[str, Any]]:
    return json.loads((fixtures_dir / FILE).read_text())


def _write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))
    return path


def test_values_match_raw_fields(fixtures_dir: Path) -> None:
    raw = _raw(fixtures_dir)
    run = tpot_widget.load_run(fixtures_dir / FILE)
    assert run.format == "inference-perf"
    assert len(run) == len(raw) == 4
    first = min(r["start_time"] for r in raw)
    for i, r in enumerate(raw):
        assert run["request_start"][i] == pytest.approx(r["start_time"] - first, abs=1e-9)
        assert run["time_to_last_token"][i] == pytest.approx(r["end_time"] - r["start_time"])
        assert run["num_tokens_input"][i] == r["info"]["request_metrics"]["text"]["input_tokens"]
        metrics = r["info"]["response_metrics"]
        if metrics is None:
            continue
        ttft = metrics["chunk_times"][0] - r["start_time"]
        e2e = r["end_time"] - r["start_time"]
        n = metrics["output_tokens"]
        times = metrics["output_token_times"]
        assert run["time_to_first_token"][i] == pytest.approx(ttft, rel=1e-9)
        assert run["num_tokens_output"][i] == n
        assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
        assert run["tpot_reported"][i] == pytest.approx((times[-1] - times[0]) / (n - 1))
    # by hand, request 0: chunks 0.130 s after start, then 0.040 + 0.042 + 0.038 s, end
    # 0.004 s after the last chunk; 7 tokens: TTFT 0.130, TPOT (0.254 - 0.130) / 6
    assert run["time_to_first_token"][0] == pytest.approx(0.130)
    assert run["time_per_output_token"][0] == pytest.approx(0.124 / 6)


def test_error_kept_with_type_and_message(fixtures_dir: Path) -> None:
    run = inference_perf.load(fixtures_dir / FILE)[0]
    assert run.n_errors == 1
    assert run["error"][2].startswith("ClientConnectorError: Cannot connect to host")
    assert np.isnan(run["time_to_first_token"][2])


def test_name_from_model_and_folder(fixtures_dir: Path) -> None:
    run = inference_perf.load(fixtures_dir / FILE)[0]
    assert run.name == "Llama-3.1-8B-Instruct · llm-d-stage0"
    assert run.metadata["model"] == "meta-llama/Llama-3.1-8B-Instruct"


def _older(raw: list[dict[str, Any]], layout: str) -> list[dict[str, Any]]:
    """The same requests in the April 2026 (`response_info`) or earlier (flat) layout."""
    out = copy.deepcopy(raw)
    for r in out:
        info = r["info"]
        metrics = info.pop("response_metrics")
        del info["request_metrics"], info["labels"]
        if layout == "response_info":
            info["response_info"] = metrics
        elif metrics is not None:
            info["output_tokens"] = metrics["output_tokens"]
            info["output_token_times"] = metrics["output_token_times"]
    return out


@pytest.mark.parametrize("layout", ["response_info", "flat"])
def test_older_info_layouts_give_the_same_run(
    fixtures_dir: Path, tmp_path: Path, layout: str
) -> None:
    current = inference_perf.load(fixtures_dir / FILE)[0]
    path = _write(
        tmp_path / "old" / "per_request_lifecycle_metrics.json", _older(_raw(fixtures_dir), layout)
    )
    older = tpot_widget.load_run(path)
    for column in (
        "time_to_first_token",
        "time_to_last_token",
        "num_tokens_input",
        "num_tokens_output",
        "time_per_output_token",
        "tpot_reported",
    ):
        np.testing.assert_allclose(older[column], current[column], rtol=1e-12)
    assert list(older["error"]) == list(current["error"])


def test_non_streaming_request_has_no_ttft(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = _raw(fixtures_dir)
    raw[0]["info"]["response_metrics"] = {"output_tokens": 7, "server_usage": None}
    run = inference_perf.load(_write(tmp_path / "r" / "x.json", raw))[0]
    assert np.isnan(run["time_to_first_token"][0])
    assert run["time_to_last_token"][0] == pytest.approx(raw[0]["end_time"] - raw[0]["start_time"])


def test_detected_by_content_only_inference_perf(fixtures_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "requests.json"
    renamed.write_bytes((fixtures_dir / FILE).read_bytes())
    assert tpot_widget.load_run(renamed).format == "inference-perf"
    for other in other_tools_files(fixtures_dir, "inference-perf"):
        assert not inference_perf.sniff(other, other.read_bytes()[: 1 << 16]), other


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"successes": {"count": 3}}, "summary_lifecycle_metrics.json holds no per-request"),
        ([], "the list of requests is empty"),
        ([{"start_time": 1.0, "end_time": 2.0}], "[0] lacks info"),
        ([{"start_time": "1.0", "end_time": 2.0, "info": {}}], "[0].start_time"),
        (
            [{"start_time": 1.0, "end_time": 2.0, "info": {"output_token_times": 3}}],
            "[0].output_token_times should be a list",
        ),
    ],
)
def test_bad_input_names_file_and_place(tmp_path: Path, data: Any, expected: str) -> None:
    path = _write(tmp_path / "x" / "per_request_lifecycle_metrics.json", data)
    with pytest.raises(LoadError) as info:
        inference_perf.load(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


# --- load levels and sweeps ----------------------------------------------------------------

STAGES = Path(SWEEPS) / "inference-perf-stages" / "llama-poisson-sweep"


def test_each_stage_is_a_run_at_its_requested_rate(fixtures_dir: Path) -> None:
    path = fixtures_dir / STAGES / "per_request_lifecycle_metrics.json"
    runs = inference_perf.load(path)
    assert levels(runs) == [("rate", 1.0), ("rate", 2.0), ("rate", 4.0)]
    config = "Llama-3.1-8B-Instruct · llama-poisson-sweep"
    assert sweep_structure(runs) == [(config, None)] * 3
    assert [r.metadata["stage"] for r in runs] == [0, 1, 2]
    # the file lists requests as they finished; each stage holds its own 4, by start time
    raw = json.loads(path.read_text())
    starts = sorted(r["start_time"] for r in raw)
    for stage, run in enumerate(runs):
        assert len(run) == 4
        spread = starts[4 * stage + 3] - starts[4 * stage]
        assert np.nanmax(run["request_start"]) == pytest.approx(spread)
        assert run.metadata["send_duration"] == pytest.approx(spread)


def _stage_file(folder: Path, stage: int, **load_summary: Any) -> None:
    (folder / f"stage_{stage}_lifecycle_metrics.json").write_text(
        json.dumps({"load_summary": load_summary})
    )


def test_a_concurrent_stage_is_at_its_concurrency(fixtures_dir: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "run" / "per_request_lifecycle_metrics.json", _raw(fixtures_dir))
    _stage_file(path.parent, 0, count=4, requested_rate=9.0, concurrency=8)
    (run,) = inference_perf.load(path)
    assert levels([run]) == [("concurrency", 8.0)]
    assert run.name == "Llama-3.1-8B-Instruct · run"  # one stage: named as before
    assert sweep_structure([run]) == [(None, None)]


def test_stages_that_do_not_fit_the_requests_load_as_one_run(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    path = _write(tmp_path / "run" / "per_request_lifecycle_metrics.json", _raw(fixtures_dir))
    _stage_file(path.parent, 0, count=3, requested_rate=1.0)
    _stage_file(path.parent, 1, count=3, requested_rate=2.0)  # 6 requests told, 4 in the file
    with pytest.warns(UserWarning, match="do not fit the stage summaries.*one run"):
        (run,) = inference_perf.load(path)
    assert run.load is None and len(run) == 4
