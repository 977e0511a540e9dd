"""LLMeter: run folders of every version, lone responses.jsonl files, Result objects."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import SWEEPS, levels, sweep_structure

import tpot_widget
from tpot_widget.loaders import LoadError, llmeter


def _folder(fixtures_dir: Path) -> Path:
    return fixtures_dir / "llmeter" / "v0.1.12-tiny-run-a"


def _raw(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "responses.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _write_lines(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_fixture_folder_values_match_raw_fields(fixtures_dir: Path) -> None:
    folder = _folder(fixtures_dir)
    raw = _raw(folder)
    run = tpot_widget.load_run(folder)
    assert run.name == "run-a"  # summary.json's run_name
    assert run.format == "llmeter"
    assert len(run) == len(raw) == 10
    errors = [r["error"] for r in raw if r["error"]]
    assert run.n_errors == len(errors) == 2
    assert [e for e in run["error"] if e] == errors
    assert run.metadata["model_id"] == "fake-model"
    assert run.metadata["clients"] == 2
    first = min(_epoch(r["request_time"]) for r in raw)
    for i, r in enumerate(raw):
        ttft, e2e, n = r["time_to_first_token"], r["time_to_last_token"], r["num_tokens_output"]
        if ttft is None:
            assert np.isnan(run["time_to_first_token"][i])
            assert np.isnan(run["time_per_output_token"][i])
            continue
        assert run["time_to_first_token"][i] == ttft
        assert run["time_to_last_token"][i] == e2e
        assert run["num_tokens_output"][i] == n
        assert run["num_tokens_input"][i] == r["num_tokens_input"]
        assert run["request_start"][i] == _epoch(r["request_time"]) - first
        if n > 1:
            assert run["time_per_output_token"][i] == pytest.approx((e2e - ttft) / (n - 1))
            assert run["tpot_reported"][i] == pytest.approx(r["time_per_output_token"])
        else:  # a 1-token reply has no TPOT
            assert np.isnan(run["time_per_output_token"][i])
    assert any(r["num_tokens_output"] == 1 for r in raw)


def test_median_tpot_matches_llmeter_stats(fixtures_dir: Path) -> None:
    folder = _folder(fixtures_dir)
    stats = json.loads((folder / "stats.json").read_text())
    run = tpot_widget.load_run(folder)
    tpot = run["time_per_output_token"][run.valid("time_per_output_token")]
    assert np.median(tpot) == pytest.approx(stats["time_per_output_token-p50"], rel=1e-9)


def test_responses_file_alone_and_beside_its_summary(fixtures_dir: Path, tmp_path: Path) -> None:
    beside = tpot_widget.load_run(_folder(fixtures_dir) / "responses.jsonl")
    assert beside.name == "run-a"
    lone = tmp_path / "my-run" / "responses.jsonl"
    lone.parent.mkdir()
    shutil.copy(_folder(fixtures_dir) / "responses.jsonl", lone)
    run = tpot_widget.load_run(lone)
    assert run.name == "my-run"  # no summary.json: the folder's name
    assert len(run) == 10 and run.n_errors == 2
    np.testing.assert_array_equal(run["time_to_last_token"], beside["time_to_last_token"])
    renamed = tmp_path / "other.jsonl"
    shutil.copy(lone, renamed)
    assert tpot_widget.load_run(renamed).name == "other"


def test_folder_without_summary_is_named_after_the_folder(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "interrupted"
    shutil.copytree(_folder(fixtures_dir), folder)
    (folder / "summary.json").unlink()
    run = tpot_widget.load_run(folder)
    assert run.name == "interrupted"
    assert len(run) == 10


def test_old_v010_file_without_later_fields(tmp_path: Path) -> None:
    rows = [
        {
            "response_text": "a b c",
            "id": "x1",
            "input_prompt": "hello",
            "time_to_first_token": 0.2,
            "time_to_last_token": 0.5,
            "num_tokens_input": 3,
            "num_tokens_output": 4,
            "time_per_output_token": 0.1,
            "error": None,
        },
        {
            "response_text": None,
            "id": "x2",
            "input_prompt": "hello",
            "time_to_first_token": None,
            "time_to_last_token": None,
            "num_tokens_input": None,
            "num_tokens_output": None,
            "time_per_output_token": None,
            "error": "timeout",
        },
    ]
    run = tpot_widget.load_run(_write_lines(tmp_path / "v010" / "responses.jsonl", rows))
    assert run.name == "v010"
    assert run["time_per_output_token"][0] == pytest.approx((0.5 - 0.2) / 3)
    assert np.isnan(run["request_start"]).all()  # no request_time before 0.1.10
    assert list(run["error"]) == [None, "timeout"]


def test_v02_fields_and_mid_stream_failure_keep_their_timings(tmp_path: Path) -> None:
    base = {
        "response_text": "x",
        "input_payload": {"messages": [{"role": "user", "content": [{"text": "hi"}]}]},
        "id": "a",
        "input_prompt": "hi",
        "num_tokens_input_cached": 0,
        "num_tokens_output_reasoning": None,
        "retries": 0,
        "annotations": {"note": "time_to_first_token is measured client-side"},
    }
    rows = [
        {
            **base,
            "time_to_first_token": 0.1,
            "time_to_last_token": 1.1,
            "num_tokens_input": 10,
            "num_tokens_output": 11,
            "time_per_output_token": 0.1,
            "error": None,
            "request_time": "2026-01-01T00:00:00Z",
        },
        {
            **base,
            "time_to_first_token": 0.2,
            "time_to_last_token": 0.9,
            "num_tokens_input": 10,
            "num_tokens_output": None,
            "time_per_output_token": None,
            "error": "stream broken",
            "request_time": "2026-01-01T00:00:03Z",
        },
    ]
    run = tpot_widget.load_run(_write_lines(tmp_path / "v02" / "responses.jsonl", rows))
    assert run["time_per_output_token"][0] == pytest.approx(0.1)
    assert run["time_to_first_token"][1] == 0.2  # kept, but excluded from statistics
    assert run.errors.tolist() == [False, True]
    assert run["request_start"].tolist() == [0.0, 3.0]


def test_other_key_orders_give_the_same_numbers(tmp_path: Path, fixtures_dir: Path) -> None:
    raw = _raw(_folder(fixtures_dir))
    reordered = [dict(reversed(list(r.items()))) for r in raw]
    path = _write_lines(tmp_path / "reordered" / "responses.jsonl", reordered)
    run = tpot_widget.load_run(path)
    reference = tpot_widget.load_run(_folder(fixtures_dir))
    for column in ("time_to_first_token", "time_to_last_token", "num_tokens_output"):
        np.testing.assert_array_equal(run[column], reference[column])
    # a file whose lines change layout midway is read correctly too
    mixed = raw[:5] + reordered[5:]
    run = tpot_widget.load_run(_write_lines(tmp_path / "mixed" / "responses.jsonl", mixed))
    np.testing.assert_array_equal(run["num_tokens_input"], reference["num_tokens_input"])


def test_sniff_is_by_content() -> None:
    line = b'{"time_to_first_token": 0.1, "time_to_last_token": 0.2, "num_tokens_output": 3}\n'
    assert llmeter.sniff(Path("anything.txt"), line)
    assert llmeter.sniff(Path("x.jsonl"), b'{"response_text": "' + b"a" * 70000)
    assert not llmeter.sniff(Path("responses.jsonl"), b'{"metadata": {}, "metrics": {}}\n')
    assert not llmeter.sniff(Path("responses.jsonl"), b"[1, 2]")


# --- Result objects (llmeter is not a dependency: a look-alike) ---------------------------


@dataclass
class FakeResponse:
    response_text: str | None
    time_to_first_token: float | None = None
    time_to_last_token: float | None = None
    num_tokens_input: int | None = None
    num_tokens_output: int | None = None
    time_per_output_token: float | None = None
    error: str | None = None
    request_time: datetime | None = None


@dataclass
class FakeResult:
    responses: list[Any]
    run_name: str | None = None
    model_id: str | None = None
    output_path: str | None = None
    clients: int = 1


def _fake_responses() -> list[FakeResponse]:
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return [
        FakeResponse("a", 0.1, 0.5, 5, 5, 0.1, None, t0),
        FakeResponse("b", 0.2, 0.8, 5, 4, 0.2, None, t0.replace(second=2)),
        FakeResponse(None, error="boom", request_time=t0.replace(second=3)),
    ]


def test_result_object_with_response_objects_and_dicts() -> None:
    result = FakeResult(_fake_responses(), run_name="obj-run", model_id="m")
    assert llmeter.is_result_object(result)
    run = tpot_widget.load_run(result)
    assert run.name == "obj-run" and run.format == "llmeter"
    assert run.metadata["model_id"] == "m"
    assert run["time_per_output_token"][:2].tolist() == pytest.approx([0.1, 0.2])
    assert run["request_start"].tolist() == [0.0, 2.0, 3.0]
    assert run.n_errors == 1 and run["error"][2] == "boom"
    as_dicts = FakeResult([asdict(r) for r in _fake_responses()], run_name="dicts")
    run2 = tpot_widget.load_runs(as_dicts)[0]
    np.testing.assert_array_equal(run2["time_to_last_token"], run["time_to_last_token"])


def test_result_object_holding_numpy_scalars_loads() -> None:
    # a Result built in memory (e.g. from a DataFrame row) holds np.float64 / np.int64
    responses = [
        FakeResponse("a", np.float64(0.11), np.float64(0.61), np.int64(7), np.int64(6)),
        FakeResponse("b", np.float32(0.25), 0.75, 3, np.int32(5), error=np.str_("boom")),
    ]
    run = tpot_widget.load_run(FakeResult(responses, run_name="numpy"))
    assert run["time_to_first_token"].tolist() == [0.11, float(np.float32(0.25))]
    assert run["time_to_last_token"].tolist() == [0.61, 0.75]
    assert run["num_tokens_input"].tolist() == [7.0, 3.0]
    assert run["num_tokens_output"].tolist() == [6.0, 5.0]
    assert run["error"].tolist() == [None, "boom"] and run.n_errors == 1
    # booleans (numpy's too) and text are still not numbers
    for bad in (np.bool_(True), True, "0.11", np.str_("0.11")):
        wrong = [FakeResponse("a", bad, 0.5, 5, 5)]
        with pytest.raises(LoadError, match=r"\[0\]\.time_to_first_token is .*not a number"):
            tpot_widget.load_run(FakeResult(wrong, run_name="bad"))


def test_result_without_responses_in_memory_reads_its_output_path(fixtures_dir: Path) -> None:
    result = FakeResult([], run_name=None, output_path=str(_folder(fixtures_dir)))
    run = llmeter.load_result_object(result)
    assert run.name == "v0.1.12-tiny-run-a"
    assert len(run) == 10
    with pytest.raises(LoadError, match="no responses"):
        llmeter.load_result_object(FakeResult([], run_name="empty"))


def test_is_result_object_rejects_other_things(fixtures_dir: Path) -> None:
    import pandas as pd

    run = tpot_widget.load_run(_folder(fixtures_dir))
    frame = pd.DataFrame({"responses": [1], "run_name": ["x"]})
    for thing in (run, "path", _folder(fixtures_dir), frame, {"responses": []}):
        assert not llmeter.is_result_object(thing)


# --- load levels and sweeps ----------------------------------------------------------------


def test_a_run_is_at_the_concurrency_of_its_clients(fixtures_dir: Path) -> None:
    run = tpot_widget.load_run(_folder(fixtures_dir))
    assert levels([run]) == [("concurrency", 2.0)]  # summary.json: "clients": 2
    assert sweep_structure([run]) == [(None, None)]  # a lone run is no sweep
    result = FakeResult(_fake_responses(), run_name="obj", clients=8)
    assert levels([tpot_widget.load_run(result)]) == [("concurrency", 8.0)]


def test_a_load_test_folder_is_one_sweep_over_its_client_counts(fixtures_dir: Path) -> None:
    runs = tpot_widget.load_runs(fixtures_dir / SWEEPS / "llmeter-loadtest")
    assert levels(runs) == [("concurrency", 1.0), ("concurrency", 2.0), ("concurrency", 4.0)]
    assert sweep_structure(runs) == [("Llama-3.1-8B-Instruct · 20260601-1200", None)] * 3
    assert [r.name for r in runs] == [f"20260601-1200 · concurrency {c}" for c in (1, 2, 4)]


def test_a_load_test_run_without_summary_takes_its_folder_level(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    run_folder = tmp_path / "my-test" / "00016-clients"
    run_folder.mkdir(parents=True)
    shutil.copy(_folder(fixtures_dir) / "responses.jsonl", run_folder)
    (run,) = tpot_widget.load_runs(tmp_path / "my-test")
    assert levels([run]) == [("concurrency", 16.0)]
    assert sweep_structure([run]) == [("my-test", None)]
    assert run.name == "my-test · concurrency 16"


@dataclass
class FakeLoadTestResult:
    results: dict[int, FakeResult]
    test_name: str | None = None


def test_a_load_test_result_object_loads_as_its_sweep() -> None:
    results = {
        c: FakeResult(_fake_responses(), f"{c:05d}-clients", "org/m", None, c) for c in (4, 1)
    }
    load_test = FakeLoadTestResult(results, "lt")
    assert llmeter.is_load_test_result(load_test)
    assert not llmeter.is_load_test_result(results[1])
    runs = tpot_widget.load_runs(load_test)
    assert levels(runs) == [("concurrency", 1.0), ("concurrency", 4.0)]  # by client count
    assert sweep_structure(runs) == [("m · lt", None)] * 2
    assert [r.name for r in runs] == ["lt · concurrency 1", "lt · concurrency 4"]
