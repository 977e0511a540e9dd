"""A corpus of bad inputs, generated here: each must end in a clear error naming the file
(and line/field), or load with a warning that counts and names what was changed or
skipped. Never a hang, never silently wrong numbers."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from loader_checks import assert_same_runs, per_request_fixtures, write_jsonl

import tpot_widget
from tpot_widget.loaders import FORMATS, LoadError

LLMETER_RUN = "llmeter/v0.1.12-tiny-run-a"
VLLM = "vllm/vllm-0.33.0_mock_openai-chat_c4_detailed.json"
SGLANG = "sglang/sglang-0.5.23_mock_concurrency4_output-details.jsonl"
LLMPERF = "llmperf/bedrock_13b_individual_responses.json"
LLM_LOAD_TEST = "llm-load-test/llm-load-test-b27aad1_mock_openai-completions_c4_output-004.json"
GENAI_PERF = "genai-perf/openai_chat_profile_export.json"
AIPERF = "aiperf/aiperf-0.13.0_mock_concurrency4_profile_export.jsonl"


def _line(i: int, **extra: Any) -> dict[str, Any]:
    """One LLMeter response line (texts first, as LLMeter writes them)."""
    n_out = 3 + i % 20
    ttft = 0.1 + (i % 5) / 100
    return {
        "response_text": f"reply {i}",
        "id": f"id{i}",
        "input_prompt": f"prompt {i}",
        "time_to_first_token": ttft,
        "time_to_last_token": ttft + 0.02 * (n_out - 1),
        "num_tokens_input": 10,
        "num_tokens_output": n_out,
        "time_per_output_token": 0.02,
        "error": None,
        "request_time": "2026-01-01T00:00:00Z",
        **extra,
    }


def _llmeter_run(folder: Path, rows: list[dict[str, Any]], name: str | None = None) -> Path:
    """An LLMeter run folder with `rows` in responses.jsonl (and a summary)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "responses.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "summary.json").write_text(json.dumps({"run_name": name or folder.name}))
    return folder


def _call_with_deadline(fn: Callable[[], Any], fifos: list[Path], seconds: float = 10.0) -> Any:
    """fn() in a thread; if it blocks (on a FIFO), unblock it and fail the test."""
    result: dict[str, Any] = {}

    def target() -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result["value"] = fn()
            except BaseException as exc:  # handed to the test thread
                result["error"] = exc
        result["warnings"] = [str(w.message) for w in caught]

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        for fifo in fifos:  # a waiting reader gets EOF once a writer opens and closes
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(5)
        pytest.fail(f"loading blocked on a FIFO ({fifos})")
    return result


# --- things that are not regular files ------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "responses.jsonl"
    os.mkfifo(fifo)
    for format in (None, "llmeter", "vllm"):
        result = _call_with_deadline(lambda f=format: tpot_widget.load_run(fifo, format=f), [fifo])
        error = result.get("error")
        assert isinstance(error, LoadError), result
        assert str(fifo) in str(error) and "named pipe" in str(error)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_inside_a_folder_is_skipped_and_named(tmp_path: Path) -> None:
    root = tmp_path / "outputs"
    _llmeter_run(root / "good", [_line(i) for i in range(4)])
    os.mkfifo(root / "results.json")
    (root / "bad_run").mkdir()
    os.mkfifo(root / "bad_run" / "responses.jsonl")  # a run folder whose data is a pipe
    fifos = [root / "results.json", root / "bad_run" / "responses.jsonl"]
    result = _call_with_deadline(lambda: tpot_widget.load_runs(root), fifos)
    assert "error" not in result, result
    assert [r.name for r in result["value"]] == ["good"]
    (message,) = [m for m in result["warnings"] if "skipped" in m]
    for fifo in fifos:
        assert f"{fifo}: not a regular file" in message


def test_a_folder_with_links_to_itself_loads_each_file_once(tmp_path: Path) -> None:
    root = tmp_path / "outputs"
    _llmeter_run(root / "a", [_line(i) for i in range(3)])
    vllm_file = root / "vllm.json"
    shutil.copy(Path(__file__).parent / "fixtures" / VLLM, vllm_file)
    os.symlink(".", root / "again")  # the folder itself
    os.symlink("a", root / "a_link")  # a run folder twice
    os.symlink("vllm.json", root / "vllm_link.json")  # a file twice
    with pytest.warns(UserWarning, match="a link") as caught:
        runs = tpot_widget.load_runs(root)
    assert sorted(r.format for r in runs) == ["llmeter", "vllm"]
    message = str(caught[0].message)
    for link in ("again", "a_link", "vllm_link.json"):
        assert f"{root / link}: the same" in message


def test_a_symlink_loop_says_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop.jsonl"
    os.symlink(loop.name, loop)
    with pytest.raises(LoadError, match=r"loop\.jsonl: symlink loop"):
        tpot_widget.load_run(loop)
    ping, pong = tmp_path / "ping", tmp_path / "pong"
    os.symlink(pong.name, ping)
    os.symlink(ping.name, pong)
    with pytest.raises(LoadError, match=r"ping: symlink loop"):
        tpot_widget.load_run(ping)
    root = tmp_path / "outputs"
    _llmeter_run(root / "run", [_line(0)])
    os.symlink("self.json", root / "self.json")
    with pytest.warns(UserWarning, match=r"self\.json: symlink loop"):
        assert len(tpot_widget.load_runs(root)) == 1


def test_empty_path_string_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _llmeter_run(tmp_path / "run", [_line(0)])
    monkeypatch.chdir(tmp_path)  # "" would otherwise load the current folder
    for empty in ("", "  "):
        with pytest.raises(LoadError, match="empty path"):
            tpot_widget.load_runs(empty)


# --- impossible timings --------------------------------------------------------------------


def test_impossible_timings_are_counted_named_and_set_to_nan(tmp_path: Path) -> None:
    rows = [_line(i) for i in range(10)]
    rows[2].update(time_to_first_token=0.9, time_to_last_token=0.5)  # TTFT > E2E
    rows[4].update(time_to_first_token=0.0, time_to_last_token=0.0)
    rows[5].update(time_to_first_token=1e300)
    rows[6].update(num_tokens_output=1e30)
    rows[7].update(time_to_first_token=0.0, time_to_last_token=0.0, error="timeout")  # failed
    folder = _llmeter_run(tmp_path / "odd", rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = tpot_widget.load_run(folder)
    (message,) = [str(w.message) for w in caught if "impossible" in str(w.message)]
    assert "responses.jsonl" in message or "odd" in message
    assert "TTFT > E2E in 1 (row 2)" in message
    assert "TTFT = E2E = 0 in 1 (row 4)" in message
    assert "in 2 (rows 5, 6)" in message
    ttft, e2e = run["time_to_first_token"], run["time_to_last_token"]
    assert np.isnan(ttft[[2, 4, 5]]).all() and np.isnan(e2e[[2, 4]]).all()
    assert np.isnan(run["num_tokens_output"][6])
    assert run.valid("time_per_output_token").tolist() == [
        True,
        True,
        False,
        True,
        False,
        False,
        False,
        False,
        True,
        True,
    ]
    # untouched rows keep their values exactly
    assert ttft[0] == rows[0]["time_to_first_token"] and e2e[9] == rows[9]["time_to_last_token"]


def test_impossible_timings_in_a_vllm_file(fixtures_dir: Path, tmp_path: Path) -> None:
    raw = json.loads((fixtures_dir / VLLM).read_text())
    raw["ttfts"][3] = raw["latencies"][3] + 1.0
    path = tmp_path / "v.json"
    path.write_text(json.dumps(raw))
    with pytest.warns(UserWarning, match=r"v\.json: impossible values.*TTFT > E2E in 1 \(row 3\)"):
        run = tpot_widget.load_run(path)
    assert np.isnan(run["time_to_first_token"][3])


# --- one number rule -----------------------------------------------------------------------


def _spoil_llmeter(tmp_path: Path, field: str, value: Any, row: int = 1) -> Path:
    rows = [_line(i) for i in range(4)]
    rows[row][field] = value
    return _llmeter_run(tmp_path / f"spoiled_{field}", rows)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("num_tokens_output", "14"),
        ("num_tokens_output", True),
        ("time_to_first_token", "0.06"),
        ("time_to_last_token", False),
        ("num_tokens_input", [3]),
    ],
)
def test_llmeter_refuses_text_and_booleans_in_number_fields(
    tmp_path: Path, field: str, value: Any
) -> None:
    folder = _spoil_llmeter(tmp_path, field, value)
    with pytest.raises(LoadError, match=rf"responses\.jsonl:2: {field} is .*not a number"):
        tpot_widget.load_run(folder)


def test_the_fast_reader_applies_the_rule_deep_in_a_big_file(tmp_path: Path) -> None:
    rows = [_line(i) for i in range(6000)]
    rows[4321]["num_tokens_output"] = "7"
    folder = _llmeter_run(tmp_path / "big", rows)
    with pytest.raises(LoadError, match=r"responses\.jsonl:4322: num_tokens_output is '7'"):
        tpot_widget.load_run(folder)


def test_an_llmeter_result_object_follows_the_same_rule() -> None:
    class Result:
        run_name = "obj"
        output_path = None

        def __init__(self) -> None:
            self.responses = [_line(0), _line(1, num_tokens_output="5")]

    with pytest.raises(LoadError, match=r"responses\[1\]\.num_tokens_output is '5'"):
        tpot_widget.load_run(Result())


def _vllm_spoiled(fixtures_dir: Path, tmp_path: Path, key: str, index: int, value: Any) -> Path:
    raw = json.loads((fixtures_dir / VLLM).read_text())
    if key == "itls":
        raw["itls"][index][0] = value
        raw.pop("latencies")
    else:
        raw[key][index] = value
    path = tmp_path / f"vllm_{key}.json"
    path.write_text(json.dumps(raw))
    return path


@pytest.mark.parametrize(
    ("key", "value", "where"),
    [
        ("ttfts", "0.06", r"ttfts\[2\]"),
        ("output_lens", True, r"output_lens\[2\]"),
        ("input_lens", "12", r"input_lens\[2\]"),
        ("latencies", False, r"latencies\[2\]"),
        ("itls", "0.01", r"itls\[2\]\[0\]"),
    ],
)
def test_vllm_refuses_text_and_booleans(
    fixtures_dir: Path, tmp_path: Path, key: str, value: Any, where: str
) -> None:
    path = _vllm_spoiled(fixtures_dir, tmp_path, key, 2, value)
    with pytest.raises(LoadError, match=rf"vllm_{key}\.json: {where} is .*not a number"):
        tpot_widget.load_run(path)


def test_sglang_llmperf_llm_load_test_genai_perf_refuse_them_too(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    sglang = json.loads((fixtures_dir / SGLANG).read_text().splitlines()[0])
    sglang["output_lens"][1] = "9"
    path = tmp_path / "sglang.jsonl"
    path.write_text(json.dumps(sglang) + "\n")
    with pytest.raises(LoadError, match=r"sglang\.jsonl(:1)?: output_lens\[1\] is '9'"):
        tpot_widget.load_run(path)

    llmperf = json.loads((fixtures_dir / LLMPERF).read_text())
    llmperf[2]["number_output_tokens"] = True
    path = tmp_path / "x_individual_responses.json"
    path.write_text(json.dumps(llmperf))
    with pytest.raises(LoadError, match=r"request \[2\]: number_output_tokens should be a number"):
        tpot_widget.load_run(path)

    llt = json.loads((fixtures_dir / LLM_LOAD_TEST).read_text())
    llt["results"][1]["ttft"] = "12.5"
    path = tmp_path / "output-001.json"
    path.write_text(json.dumps(llt))
    with pytest.raises(LoadError, match=r"results\[1\]: ttft should be a number"):
        tpot_widget.load_run(path)

    genai = json.loads((fixtures_dir / GENAI_PERF).read_text())
    genai["experiments"][0]["requests"][0]["timestamp"] = "1700000000000000000"
    path = tmp_path / "profile_export.json"
    path.write_text(json.dumps(genai))
    with pytest.raises(LoadError, match=r"requests\[0\]\.timestamp: expected a timestamp"):
        tpot_widget.load_run(path)


# --- LLMeter's error field -----------------------------------------------------------------


@pytest.mark.parametrize("value", [0, False, {}, [], 1, True, {"code": 500}])
def test_llmeter_error_that_is_not_a_message_is_refused(tmp_path: Path, value: Any) -> None:
    folder = _spoil_llmeter(tmp_path, "error", value, row=2)
    with pytest.raises(LoadError, match=r"responses\.jsonl:3: error is .*expected an error"):
        tpot_widget.load_run(folder)


def test_llmeter_error_null_missing_or_empty_is_success(tmp_path: Path) -> None:
    rows = [_line(i) for i in range(4)]
    rows[1]["error"] = ""
    del rows[2]["error"]
    rows[3]["error"] = "ThrottlingException: slow down"
    run = tpot_widget.load_run(_llmeter_run(tmp_path / "e", rows))
    assert run["error"].tolist() == [None, None, None, "ThrottlingException: slow down"]
    assert run.n_errors == 1


# --- files with none of a format's fields --------------------------------------------------


def test_a_file_of_empty_objects_is_not_a_run(tmp_path: Path) -> None:
    folder = tmp_path / "blank_run"
    folder.mkdir()
    (folder / "responses.jsonl").write_text("{}\n{}\n{}\n")
    with pytest.raises(LoadError, match=r"none of LLMeter's per-request fields.*time_to_first"):
        tpot_widget.load_run(folder)
    with pytest.raises(LoadError, match="none of LLMeter's"):
        tpot_widget.load_run(folder / "responses.jsonl", format="llmeter")


def test_another_tools_file_saved_as_responses_jsonl(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    shutil.copy(fixtures_dir / AIPERF, folder / "responses.jsonl")
    with pytest.raises(LoadError, match=r"none of LLMeter's.*found: .*metrics"):
        tpot_widget.load_run(folder)


@pytest.mark.parametrize(
    ("fixture", "format", "expected"),
    [
        (AIPERF, "llmeter", "none of LLMeter's"),
        (LLMPERF, "vllm", "expected a JSON object"),
        (AIPERF, "vllm", "none of vLLM's per-request fields"),
        (AIPERF, "sglang", "none of SGLang's per-request fields"),
        (VLLM, "llmperf", "expected LLMPerf"),
        (VLLM, "llm-load-test", "expected an llm-load-test output"),
        (VLLM, "genai-perf", "expected a GenAI-Perf"),
        (LLMPERF, "parquet", "not a readable Parquet"),
    ],
)
def test_a_forced_wrong_format_is_an_error_not_a_nan_run(
    fixtures_dir: Path, fixture: str, format: str, expected: str
) -> None:
    with pytest.raises(LoadError, match=expected):
        tpot_widget.load_run(fixtures_dir / fixture, format=format)


def test_objects_without_fields_are_refused_by_every_reader(tmp_path: Path) -> None:
    objects = tmp_path / "objects.json"
    objects.write_text("{}")
    lines = tmp_path / "lines.jsonl"
    lines.write_text("{}\n{}\n")
    array = tmp_path / "array.json"
    array.write_text("[{}, {}]")
    for format in FORMATS:
        for path in (objects, lines, array):
            with pytest.raises(LoadError):
                tpot_widget.load_run(path, format=format)


# --- a line with none of the format's fields among real ones: refused with file:line ------


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_an_empty_line_among_llmeter_requests_is_refused(tmp_path: Path, where: str) -> None:
    rows: list[Any] = [_line(i) for i in range(5)]
    at = {"first": 0, "middle": 2, "last": 5}[where]
    rows.insert(at, "{}")
    folder = tmp_path / "run"
    write_jsonl(folder / "responses.jsonl", rows)
    message = rf"responses\.jsonl:{at + 1}: 1 line\(s\) hold none of LLMeter's fields"
    with pytest.raises(LoadError, match=message):
        tpot_widget.load_run(folder)


def test_the_fast_reader_counts_and_names_lines_without_fields(tmp_path: Path) -> None:
    rows: list[Any] = [_line(i) for i in range(6000)]
    for index in (10, 4321, 4322, 5000, 5100, 5200, 5300):
        rows[index] = {"id": f"x{index}", "input_prompt": "no measurement"}
    folder = _llmeter_run(tmp_path / "big", rows)
    pattern = r"responses\.jsonl:11: 7 line\(s\).*line 11, 4322, 4323, 5001, 5101 and 2 more"
    with pytest.raises(LoadError, match=pattern):
        tpot_widget.load_run(folder)
    # lines laid out another way (request_time first, so the fast cut is not at a line field)
    moved = [{"request_time": r["request_time"], **r} for r in (_line(i) for i in range(3000))]
    moved[2500] = {"request_time": "2026-01-01T00:00:00Z"}
    _llmeter_run(tmp_path / "moved", moved)
    with pytest.raises(LoadError, match=r"responses\.jsonl:2501: 1 line\(s\)"):
        tpot_widget.load_run(tmp_path / "moved")
    # a line with any LLMeter field is a request (here a failure that kept only its error)
    fine = [_line(i) for i in range(4)] + [{"id": "f", "error": "timeout"}]
    run = tpot_widget.load_run(_llmeter_run(tmp_path / "fine", fine))
    assert len(run) == 5 and run["error"][4] == "timeout"


def _aiperf_lines(fixtures_dir: Path) -> list[Any]:
    return [json.loads(x) for x in (fixtures_dir / AIPERF).read_text().splitlines() if x.strip()]


def test_aiperf_lines_without_a_record_or_a_metric_are_refused(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    records = _aiperf_lines(fixtures_dir)
    empty = write_jsonl(tmp_path / "a" / "profile_export.jsonl", [*records[:3], "{}", *records[3:]])
    with pytest.raises(
        LoadError,
        match=r"profile_export\.jsonl:4: 1 line\(s\) hold none of "
        r"AIPerf's fields \(metadata, metrics, error\)",
    ):
        tpot_widget.load_run(empty)
    # a successful profiling record whose metrics hold no per-request metric
    bare = dict(records[1], metrics={})
    assert bare.get("error") is None
    no_metric = write_jsonl(
        tmp_path / "b" / "profile_export.jsonl", [records[0], bare, *records[2:]]
    )
    with pytest.raises(LoadError, match=r"profile_export\.jsonl:2: .*time_to_first_token, ttft"):
        tpot_widget.load_run(no_metric)
    # a failed record with only AIPerf's error metric is a request (kept, failed)
    failed = dict(records[1], metrics={"error_request_count": {"value": 1, "unit": "requests"}})
    failed["error"] = {"code": 500, "type": "ServerError", "message": "boom"}
    run = tpot_widget.load_run(write_jsonl(tmp_path / "c" / "x.jsonl", [records[0], failed]))
    assert len(run) == 2 and run.n_errors >= 1


@pytest.mark.parametrize("fixture", [SGLANG, VLLM])
def test_an_empty_line_among_vllm_or_sglang_runs_is_refused(
    fixtures_dir: Path, tmp_path: Path, fixture: str
) -> None:
    raw = json.loads((fixtures_dir / fixture).read_text().strip().splitlines()[0])
    path = write_jsonl(tmp_path / "results.jsonl", [raw, "{}", raw])
    with pytest.raises(LoadError, match=r"results\.jsonl:2: 1 line\(s\) hold none of .*not runs"):
        tpot_widget.load_runs(path)


def test_an_empty_line_among_aibrix_requests_is_refused(fixtures_dir: Path, tmp_path: Path) -> None:
    source = fixtures_dir / "aibrix" / "aibrix_output.jsonl"
    lines = [x for x in source.read_text().splitlines() if x.strip()]
    path = write_jsonl(tmp_path / "out.jsonl", [lines[0], "{}", *lines[1:]])
    with pytest.raises(LoadError, match=r"out\.jsonl:2 lacks prompt_tokens"):
        tpot_widget.load_run(path)


# --- folders: load what can be loaded, name the rest ----------------------------------------


def test_a_folder_names_every_file_it_skips(fixtures_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "outputs"
    _llmeter_run(root / "good", [_line(i) for i in range(3)])
    (root / "config.json").write_text(json.dumps({"model": "m"}))
    (root / "notes.jsonl").write_text('{"note": 1}\n')
    raw = json.loads((fixtures_dir / VLLM).read_text())
    summary_only = {k: v for k, v in raw.items() if k not in ("ttfts", "output_lens", "itls")}
    (root / "vllm_summary.json").write_text(json.dumps(summary_only))
    shutil.copy(fixtures_dir / VLLM, root / "vllm_detailed.json")
    with pytest.warns(UserWarning) as caught:
        runs = tpot_widget.load_runs(root)
    assert sorted(r.format for r in runs) == ["llmeter", "vllm"]
    (message,) = [str(w.message) for w in caught if "skipped" in str(w.message)]
    assert "skipped 3 path(s)" in message
    assert f"{root / 'config.json'}: not recognised" in message
    assert f"{root / 'notes.jsonl'}: not recognised" in message
    assert f"{root / 'vllm_summary.json'}: this vLLM result holds only aggregate" in message


def test_a_folder_with_nothing_loadable_says_why(tmp_path: Path) -> None:
    root = tmp_path / "outputs"
    root.mkdir()
    (root / "a.json").write_text("{}")
    with pytest.raises(LoadError, match=r"(?s)found no benchmark run.*a\.json: not recognised"):
        tpot_widget.load_runs(root)


# --- encodings and binary bytes ------------------------------------------------------------


def test_invalid_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    folder = _llmeter_run(tmp_path / "bin", [_line(i) for i in range(5)])
    data = (folder / "responses.jsonl").read_bytes().split(b"\n")
    data[2] = data[2].replace(b"reply 2", b"reply \xff\xfe\x00 2")
    (folder / "responses.jsonl").write_bytes(b"\n".join(data))
    with pytest.raises(LoadError, match=r"responses\.jsonl:3: not valid UTF-8"):
        tpot_widget.load_run(folder)


def test_invalid_utf8_in_a_json_document(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / VLLM).read_bytes().replace(b'"mock-model"', b'"mock-\xc3(model"', 1)
    path = tmp_path / "v.json"
    path.write_bytes(data)
    with pytest.raises(LoadError, match=r"v\.json: not valid UTF-8"):
        tpot_widget.load_run(path)


def test_a_utf8_bom_loads_everywhere(fixtures_dir: Path, tmp_path: Path) -> None:
    for original in per_request_fixtures(fixtures_dir):
        folder = tmp_path / original.parent.name
        if not folder.exists():  # siblings too: LLMeter's summary.json names the run
            shutil.copytree(original.parent, folder)
        copy = folder / original.name
        copy.chmod(0o644)
        copy.write_bytes(b"\xef\xbb\xbf" + original.read_bytes())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = tpot_widget.load_runs(original)
            got = tpot_widget.load_runs(copy)  # detected, not only with format=
        assert_same_runs(got, expected)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named_in_the_error(fixtures_dir: Path, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "vllm16.json"
    path.write_bytes((fixtures_dir / VLLM).read_text().encode(encoding))
    for format in (None, "vllm"):
        with pytest.raises(LoadError, match=r"vllm16\.json: the file is UTF-16; re-save it as"):
            tpot_widget.load_run(path, format=format)


def test_a_whole_last_line_with_an_invalid_byte_is_refused_not_called_incomplete(
    tmp_path: Path,
) -> None:
    """Invalid UTF-8 is refused with file:line on every line, the last one too: only a line
    cut short (an interrupted write) is dropped with the "incomplete" warning."""
    folder = _llmeter_run(tmp_path / "bad-last", [_line(i) for i in range(5)])
    lines = (folder / "responses.jsonl").read_bytes().rstrip(b"\n").split(b"\n")
    lines[-1] = lines[-1].replace(b"reply 4", b"reply \xff 4")
    (folder / "responses.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "incomplete" warning either
        with pytest.raises(LoadError, match=r"responses\.jsonl:5: not valid UTF-8") as info:
            tpot_widget.load_run(folder)
    assert "incomplete" not in str(info.value)


def test_a_last_line_cut_inside_a_character_is_still_incomplete(tmp_path: Path) -> None:
    folder = _llmeter_run(tmp_path / "cut", [_line(i) for i in range(5)])
    data = (folder / "responses.jsonl").read_bytes().rstrip(b"\n")
    cut = data[: data.rindex(b"\n") + 40] + "é".encode()[:1]  # half of a 2-byte character
    (folder / "responses.jsonl").write_bytes(cut)
    with pytest.warns(UserWarning, match=r"responses\.jsonl:5: the last line is incomplete"):
        run = tpot_widget.load_run(folder)
    assert len(run) == 4


def test_invalid_json_messages_say_at_once(tmp_path: Path) -> None:
    """json's "Unterminated string starting at" is not followed by a second "at"."""
    path = tmp_path / "cut.json"
    path.write_bytes(b'{"date": "2026')
    with pytest.raises(LoadError, match="invalid JSON") as info:
        tpot_widget.load_run(path, format="vllm")
    assert "at at" not in str(info.value)
    assert "Unterminated string starting at line 1 column 10" in str(info.value)


# --- forced formats on folders -------------------------------------------------------------


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_a_forced_format_on_a_folder_gives_one_message(
    fixtures_dir: Path, tmp_path: Path, format: str
) -> None:
    """load_runs(folder, format=...) of a folder that is not that format's run folder: one
    message for every format (it was three different ones, one an OS error)."""
    folder = tmp_path / "runs"
    folder.mkdir()
    shutil.copy(fixtures_dir / VLLM, folder / "vllm.json")
    with pytest.raises(LoadError) as info:
        tpot_widget.load_runs(folder, format=format)
    assert str(info.value) == (
        f"{folder}: is a folder, and format={format!r} reads one run's output (a file, or an "
        "LLMeter run folder holding responses.jsonl); pass that path, or leave format out to "
        "load every run found in the folder"
    )


def test_a_forced_format_still_reads_its_own_run_folder(fixtures_dir: Path) -> None:
    runs = tpot_widget.load_runs(fixtures_dir / LLMETER_RUN, format="llmeter")
    assert len(runs) == 1 and runs[0].format == "llmeter"


# --- Parquet: damaged files and edited headers -----------------------------------------------


def _parquet_with_header(tmp_path: Path, header: bytes) -> Path:
    import pyarrow.parquet as pq

    from tpot_widget.run import PARQUET_KEY

    path = tpot_widget.Run.from_columns(
        "p", time_to_first_token=[0.1], time_to_last_token=[1.0], num_tokens_output=[10]
    ).to_parquet(tmp_path / "p.parquet")
    table = pq.read_table(path)
    metadata = {**table.schema.metadata, PARQUET_KEY: header}
    pq.write_table(table.replace_schema_metadata(metadata), path)
    return path


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (b"{broken", "it is not valid JSON"),
        (b"[1, 2]", "it holds a list, not an object"),
        (b'{"name": 5}', "'name' is 5, not str"),
        (b'{"metadata": [1]}', "'metadata' is [1], not dict"),
        (b'{"load": "fast"}', "'load' is 'fast'"),
    ],
)
def test_an_edited_parquet_header_names_the_file_and_what_to_do(
    tmp_path: Path, header: bytes, why: str
) -> None:
    path = _parquet_with_header(tmp_path, header)
    with pytest.raises(LoadError) as info:
        tpot_widget.load_run(path)
    message = str(info.value)
    assert message.startswith(f"{path}: the run header")
    assert why in message
    assert "Write the run again with Run.to_parquet" in message


def test_a_damaged_parquet_file_names_the_file_and_what_to_do(tmp_path: Path) -> None:
    path = tpot_widget.Run.from_columns(
        "p", time_to_first_token=[0.1], time_to_last_token=[1.0], num_tokens_output=[10]
    ).to_parquet(tmp_path / "p.parquet")
    data = path.read_bytes()
    path.write_bytes(data[:4] + b"edited by hand" + data[18:])
    with pytest.raises(LoadError) as info:
        tpot_widget.load_run(path)
    message = str(info.value)
    assert message.startswith(f"{path}: not a readable Parquet file")
    assert "restore it from the original, or write it again" in message
    assert "\n" not in message


@pytest.mark.parametrize("dtype", ["category", "string", "object"])
def test_a_parquet_error_column_means_what_its_values_say(tmp_path: Path, dtype: str) -> None:
    """Another tool's Parquet table with a categorical (dictionary) or string error column:
    the categorical one marked every request failed."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "time_to_first_token": [0.1] * 5,
            "time_to_last_token": [1.0] * 5,
            "num_tokens_output": [10] * 5,
            "error": pd.Series([None, "HTTP 500", None, "", "HTTP 500"], dtype=dtype),
        }
    )
    path = tmp_path / f"{dtype}.parquet"
    frame.to_parquet(path)
    run = tpot_widget.load_run(path)
    assert run["error"].tolist() == [None, "HTTP 500", None, None, "HTTP 500"]
    assert run.n_errors == 2
