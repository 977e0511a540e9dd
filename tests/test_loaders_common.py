"""The shared loader machinery: detection, bad input, folders, DataFrames, the fast reader."""

from __future__ import annotations

import json
import math
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tpot_widget
from tpot_widget import Load
from tpot_widget.loaders import FORMATS, LoadError
from tpot_widget.loaders._jsonl_columns import read_json_lines_columns


def _row(i: int, **extra: Any) -> dict[str, Any]:
    """An LLMeter response line: long texts first, as LLMeter writes them."""
    n_out = 2 + i % 50
    ttft = 0.1 + (i % 7) / 100
    return {
        "response_text": f"reply {i} " * (i % 5),
        "input_payload": {"messages": [{"content": [{"text": f'say "{i}"\n'}]}]},
        "id": f"id{i}",
        "input_prompt": f'say "{i}"',
        "time_to_first_token": ttft,
        "time_to_last_token": ttft + 0.01 * (n_out - 1),
        "num_tokens_input": 10 + i % 3,
        "num_tokens_output": n_out,
        "time_per_output_token": 0.01,
        "error": None,
        "request_time": f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z",
        **extra,
    }


def _write_lines(path: Path, rows: list[Any], *, tail: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + tail)
    return path


def _llmeter_folder(root: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    folder = root / name
    _write_lines(folder / "responses.jsonl", rows)
    (folder / "summary.json").write_text(json.dumps({"run_name": f"run {name}"}))
    return folder


# --- detection and bad input ---------------------------------------------------------------


def test_unknown_format_lists_the_formats_tried(tmp_path: Path) -> None:
    path = tmp_path / "mystery.json"
    path.write_text(json.dumps({"hello": [1, 2, 3]}))
    with pytest.raises(LoadError) as info:
        tpot_widget.load_run(path)
    message = str(info.value)
    assert str(path) in message
    for name in FORMATS:
        assert name in message
    assert "format=" in message


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    for content in ("", "\n  \n"):
        path = tmp_path / "responses.jsonl"
        path.write_text(content)
        with pytest.raises(LoadError, match="empty"):
            tpot_widget.load_run(path)
        with pytest.raises(LoadError, match="empty"):
            tpot_widget.load_run(path, format="llmeter")


def test_missing_path_and_unknown_format_name(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        tpot_widget.load_run(tmp_path / "nope.json")
    path = _write_lines(tmp_path / "r.jsonl", [_row(0)])
    with pytest.raises(LoadError, match=r"unknown format 'llmeter2'.*llmeter, vllm"):
        tpot_widget.load_run(path, format="llmeter2")


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "run" / "responses.jsonl"
    rows = [json.dumps(_row(i)) for i in range(5)]
    rows[2] = rows[2].replace('"error": null', '"error": nul')
    path.parent.mkdir()
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(LoadError, match=r"responses\.jsonl:3: invalid JSON"):
        tpot_widget.load_run(path.parent)


def test_syntax_error_in_a_single_json_document(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    text = json.dumps(
        {
            "date": "x",
            "model_id": "m",
            "tokenizer_id": "t",
            "num_prompts": 1,
            "completed": 1,
            "ttfts": [0.1],
        },
        indent=2,
    )
    path.write_text(text.replace('"ttfts"', '"ttfts" 1'))
    with pytest.raises(LoadError, match=r"result\.json: invalid JSON .*line 7"):
        tpot_widget.load_run(path, format="vllm")


def test_truncated_last_line_loads_the_complete_lines(tmp_path: Path) -> None:
    complete = [_row(i) for i in range(4)]
    broken = json.dumps(_row(4))[:57]
    path = _write_lines(tmp_path / "cut" / "responses.jsonl", complete, tail=broken)
    with pytest.warns(UserWarning, match=r"responses\.jsonl:5: the last line is incomplete"):
        run = tpot_widget.load_run(path.parent)
    assert len(run) == 4
    assert run["num_tokens_output"].tolist() == [r["num_tokens_output"] for r in complete]


def test_bad_numbers_become_nan_with_a_counting_warning(tmp_path: Path) -> None:
    path = tmp_path / "bad" / "responses.jsonl"
    lines = [json.dumps(_row(i)) for i in range(6)]

    def spoil(i: int, key: str, bad: str) -> None:
        good = f'"{key}": {json.dumps(_row(i)[key])}'
        assert good in lines[i]
        lines[i] = lines[i].replace(good, f'"{key}": {bad}')

    spoil(1, "time_to_first_token", "NaN")
    spoil(2, "time_to_last_token", "Infinity")
    spoil(3, "time_to_first_token", "-0.5")
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n")
    with pytest.warns(UserWarning, match=r"bad: 3 NaN, infinite or negative"):
        run = tpot_widget.load_run(path.parent)
    assert np.isnan(run["time_to_first_token"][[1, 3]]).all()
    assert np.isnan(run["time_to_last_token"][2])
    assert run.valid("time_per_output_token").tolist() == [True, False, False, False, True, True]


def test_a_non_number_names_its_line(tmp_path: Path) -> None:
    rows = [_row(i) for i in range(3)]
    rows[1]["num_tokens_output"] = "many"
    path = _write_lines(tmp_path / "x" / "responses.jsonl", rows)
    with pytest.raises(LoadError, match=r"responses\.jsonl:2: num_tokens_output is 'many'"):
        tpot_widget.load_run(path)


def test_load_run_on_a_multi_run_file_lists_the_names(fixtures_dir: Path, tmp_path: Path) -> None:
    line = fixtures_dir / "sglang" / "sglang-0.5.23_mock_concurrency4_output-details.jsonl"
    text = line.read_text().strip()
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join([text.replace('"tag": null', f'"tag": "t{i}"') for i in range(3)]))
    with pytest.raises(LoadError, match=r"found 3: 't0', 't1', 't2'.*load_runs"):
        tpot_widget.load_run(path)
    assert [r.name for r in tpot_widget.load_runs(path)] == ["t0", "t1", "t2"]


def test_format_override_loads_what_detection_does_not(tmp_path: Path) -> None:
    # a hand-trimmed LLMeter file whose first line is a bare error row: not recognised
    rows = [
        {"error": "throttled"},
        {
            "num_tokens_output": 5,
            "time_to_last_token": 0.5,
            "time_to_first_token": 0.1,
            "error": None,
        },
    ]
    path = _write_lines(tmp_path / "numbers.jsonl", rows)
    with pytest.raises(LoadError, match="not a benchmark output"):
        tpot_widget.load_run(path)
    run = tpot_widget.load_run(path, format="llmeter")
    assert run.format == "llmeter"
    assert run["error"].tolist() == ["throttled", None]
    assert run["time_per_output_token"][1] == pytest.approx(0.1)


# --- folders and in-memory sources ---------------------------------------------------------


def test_folder_of_llmeter_run_folders(fixtures_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "outputs"
    _llmeter_folder(root, "b", [_row(i) for i in range(3)])
    _llmeter_folder(root, "a", [_row(i) for i in range(5)])
    # LLMeter experiments nest runs one level deeper
    shutil.copytree(fixtures_dir / "llmeter" / "v0.1.12-tiny-run-a", root / "sweep" / "c1")
    (root / "notes.txt").write_text("not a run")
    with pytest.warns(UserWarning, match=r"(?s)skipped 1 path.*notes\.txt: not recognised"):
        runs = tpot_widget.load_runs(root)
    assert [r.name for r in runs] == ["run a", "run b", "run-a"]
    assert [len(r) for r in runs] == [5, 3, 10]
    with pytest.raises(LoadError, match="found 3"), pytest.warns(UserWarning):
        tpot_widget.load_run(root)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LoadError, match="found no benchmark run"):
        tpot_widget.load_runs(empty)


def test_dataframes_pandas_and_polars(fixtures_dir: Path) -> None:
    polars = pytest.importorskip("polars")
    run = tpot_widget.load_run(fixtures_dir / "llmeter" / "v0.1.12-tiny-run-a")
    frame = run.to_pandas()
    from_pandas = tpot_widget.load_run(frame)
    assert from_pandas.name == "run-a"
    assert from_pandas.n_errors == run.n_errors == 2
    np.testing.assert_array_equal(
        from_pandas["time_per_output_token"], run["time_per_output_token"]
    )
    from_polars = tpot_widget.load_runs(polars.from_pandas(frame))[0]
    assert len(from_polars) == 10 and from_polars.n_errors == 2
    np.testing.assert_array_equal(from_polars["time_to_last_token"], run["time_to_last_token"])
    both = tpot_widget.load_runs([frame, run])
    assert len(both) == 2 and both[1] is run
    with pytest.raises(TypeError, match="cannot load a run from a int"):
        tpot_widget.load_runs(3)


# --- the fast reader agrees with the line-by-line reader ------------------------------------


def _slow_reference(path: Path, keys: tuple[str, ...]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {k: [] for k in keys}
    for line in path.read_text().splitlines():
        if line.strip():
            obj = json.loads(line)
            for k in keys:
                out[k].append(obj.get(k))
    return out


def test_fast_reader_matches_line_by_line_reading(tmp_path: Path) -> None:
    rows: list[Any] = [_row(i) for i in range(3000)]
    rows[10]["response_text"] = "x" * 20000  # a line longer than the chunk
    rows[700] = {k: v for k, v in rows[700].items() if k != "request_time"}
    rows[1500] = dict(reversed(list(rows[1500].items())))  # another key order
    rows[2000]["annotations"] = {"time_to_first_token": 99}  # the key nested, after
    text = "".join(json.dumps(r) + "\n" for r in rows)
    text = text.replace(json.dumps(rows[900]) + "\n", json.dumps(rows[900]) + "\n\n")
    text = text.replace(json.dumps(rows[1200]) + "\n", json.dumps(rows[1200]) + "\r\n")
    path = tmp_path / "responses.jsonl"
    path.write_text(text)
    numeric = ("time_to_first_token", "time_to_last_token", "num_tokens_output")
    other = ("error", "request_time")
    reference = _slow_reference(path, numeric + other)
    for chunk_size in (4096, 1 << 16, 1 << 22):
        columns = read_json_lines_columns(path, numeric, other, chunk_size=chunk_size)
        assert len(columns) == len(rows)
        for key in numeric:
            expected = np.array(reference[key], dtype=float)
            np.testing.assert_array_equal(columns.numbers[key], expected)
        for key in other:
            assert columns.values[key] == reference[key]
    # line numbers account for the blank line
    assert columns.lines[900] == 901 and columns.lines[901] == 903


def test_fast_reader_warns_once_for_a_truncated_last_line(tmp_path: Path) -> None:
    rows = [_row(i) for i in range(2000)]
    path = tmp_path / "responses.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + json.dumps(_row(2000))[:80])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        columns = read_json_lines_columns(path, ("time_to_first_token",), chunk_size=8192)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "responses.jsonl:2001" in messages[0]
    assert len(columns) == 2000
    assert not math.isnan(columns.numbers["time_to_first_token"][-1])


# --- load levels: set by the user, or stated by a folder's name ----------------------------


def _llmperf_file(fixtures_dir: Path, folder: Path, name: str) -> Path:
    """LLMPerf's fixture (its requests record no level) copied to `folder/name`."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(fixtures_dir / "llmperf" / "bedrock_13b_individual_responses.json", target)
    return target


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("concurrency_16", Load("concurrency", 16)),
        ("max_concurrency=4", Load("concurrency", 4)),
        ("num_concurrency8", Load("concurrency", 8)),
        ("request_rate_2.5", Load("rate", 2.5)),
        ("vllm-2.0qps-concurrency32-llama", Load("rate", 2.0)),  # a rate beside a cap
        ("00064-clients", Load("concurrency", 64)),
        ("max_num_seqs=32", None),  # not a level
        ("generate_3", None),
        ("concurrency_4-vs-concurrency_8", None),  # two levels: none
        ("results", None),
    ],
)
def test_a_folder_name_states_the_level_a_tool_did_not_record(
    fixtures_dir: Path, tmp_path: Path, folder: str, expected: Load | None
) -> None:
    path = _llmperf_file(fixtures_dir, tmp_path / folder, "x_individual_responses.json")
    assert tpot_widget.load_run(path).load == expected


def test_a_recorded_level_wins_over_the_folder_name(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "concurrency_99"
    shutil.copytree(fixtures_dir / "llmeter" / "v0.1.12-tiny-run-a", folder / "run-a")
    assert tpot_widget.load_run(folder / "run-a").load == Load("concurrency", 2)  # its clients


def test_load_sets_or_replaces_the_level_of_one_run(fixtures_dir: Path) -> None:
    path = fixtures_dir / "llmeter" / "v0.1.12-tiny-run-a"
    assert tpot_widget.load_run(path, load="rate=2.5").load == Load("rate", 2.5)
    assert tpot_widget.load_run(path, load=("concurrency", 8)).load == Load("concurrency", 8)
    assert tpot_widget.load_run(path).with_load("synchronous").load == Load("synchronous")
    with pytest.raises(ValueError, match="cannot read a load level"):
        tpot_widget.load_run(path, load=16)  # a concurrency or a rate? say which


def test_load_for_many_runs_is_a_mapping_a_function_or_one_shared_level(
    fixtures_dir: Path,
) -> None:
    sweep = fixtures_dir / "sweeps" / "guidellm-0.8.1-sweep" / "benchmarks.json"
    runs = tpot_widget.load_runs(sweep)
    first, second = runs[0].name, runs[1].name
    # one level for runs the tool put at different levels would erase the sweep: refused
    with pytest.raises(ValueError, match=r"different load levels.*mapping.*function"):
        tpot_widget.load_runs(sweep, load="concurrency=4")
    # a mapping sets the runs it names; the others keep what the tool recorded
    mapped = tpot_widget.load_runs(sweep, load={first: "concurrency=1", second: None})
    assert [r.load for r in mapped] == [Load("concurrency", 1), None] + [r.load for r in runs[2:]]
    with pytest.raises(ValueError, match=r"'nope'.*its runs are"):
        tpot_widget.load_runs(sweep, load={"nope": "rate=1"})
    # a function of the run replaces every level
    doubled = tpot_widget.load_runs(
        sweep, load=lambda r: ("rate", 2 * r.load.value) if r.load.kind == "rate" else r.load
    )
    assert [r.load for r in doubled][2:] == [Load("rate", 4.0), Load("rate", 8.0)]
    # runs at one level (or none) may share one level
    repeats = [runs[0].with_load(None), runs[1].with_load(None)]
    assert {r.load for r in tpot_widget.load_runs(repeats, load="rate=3")} == {Load("rate", 3)}


def test_a_tools_side_files_in_a_folder_are_passed_over_without_a_word(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    # AIPerf's summary and inputs beside each level, evalscope's arguments: no runs, no loss
    artifact = "Llama-3.1-8B-Instruct-openai-chat-concurrency_sweep"
    shutil.copytree(fixtures_dir / "sweeps" / "aiperf-sweep" / artifact, tmp_path / "a")
    (tmp_path / "a" / "concurrency_1" / "inputs.json").write_text('{"data": []}')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(tpot_widget.load_runs(tmp_path / "a")) == 3
    (tmp_path / "a" / "notes.json").write_text('{"who": "me"}')  # not a side file: named
    with pytest.warns(UserWarning, match=r"(?s)skipped 1 path.*notes\.json: not recognised"):
        tpot_widget.load_runs(tmp_path / "a")
