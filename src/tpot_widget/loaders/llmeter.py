"""LLMeter run folders (0.1.0–0.2.x), lone `responses.jsonl` files and `Result` objects.

A run folder holds `responses.jsonl` (one request per line, seconds) and usually
`summary.json` (run name, model, endpoint...). Older versions lack the later fields
(`request_time`, `retries`, cached/reasoning token counts, `annotations`); missing ones
are NaN. LLMeter's own `time_per_output_token` is kept as `tpot_reported`. Big files go
through the chunked fast reader of `_jsonl_columns` (a million lines in a few seconds).
llmeter itself is never imported: a `Result` is recognised by its attributes.

Load level: the run's `clients` (summary.json, `Result.clients`) is its concurrency: each
client sends its requests one after another. A `LoadTest` writes one run folder per client
count, `<test_name>/<NNNNN>-clients/` (llmeter/experiments.py): those runs share the
`sweep_config` "<model> · <test_name>" and are named "<test_name> · concurrency N".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..load import Load
from ..run import Run
from ._io import LoadError, data_name, data_stem, find_member
from ._json import read_json, where
from ._jsonl_columns import read_json_lines_columns
from ._levels import limit
from ._metadata import scalar_metadata, sweep_metadata
from ._names import level_name, short_model
from ._records import expect_fields, refuse_empty_lines
from ._times import iso_to_epoch, seconds_since_first
from ._values import error_texts, number_array

FORMAT = "llmeter"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ()

RESPONSES = "responses.jsonl"
SUMMARY = "summary.json"

#: Numeric per-request fields read from responses.jsonl (seconds and token counts).
_NUMERIC = (
    "time_to_first_token",
    "time_to_last_token",
    "num_tokens_input",
    "num_tokens_output",
    "time_per_output_token",
)
_OTHER = ("error", "request_time")
#: LLMeter writes these on every line (null when unknown): a line with none is no request.
_LINE_FIELDS = (*_NUMERIC, "error")
#: A responses file with none of these in any line is not LLMeter's.
_CORE = ("time_to_first_token", "time_to_last_token", "num_tokens_output")
#: Run-level fields of summary.json / Result kept as metadata.
_SUMMARY_FIELDS = (
    "run_name",
    "run_description",
    "model_id",
    "endpoint_name",
    "provider",
    "clients",
    "n_requests",
    "total_requests",
    "total_test_time",
    "start_time",
    "first_request_time",
    "last_request_time",
    "end_time",
)


def sniff(path: Path, head: bytes) -> bool:
    """A folder with `responses.jsonl` (or .gz, .bz2, .xz, .zst), or JSON lines with
    LLMeter's per-request fields."""
    if not head and path.is_dir():
        return find_member(path, RESPONSES) is not None
    start = head.lstrip()
    if not start.startswith(b"{"):
        return False
    if start.startswith(b'{"response_text"'):  # LLMeter's first field, in every version
        return True
    first_line = start.split(b"\n", 1)[0]
    return all(
        key in first_line
        for key in (b'"time_to_last_token"', b'"num_tokens_output"', b'"time_to_first_token"')
    )


def load(path: Path) -> list[Run]:
    """The run of an LLMeter folder, or of a `responses.jsonl` file (with its summary.json
    when one sits beside it)."""
    path = Path(path)
    summary_path: Path | None
    if path.is_dir():
        found = find_member(path, RESPONSES)
        if found is None:
            raise LoadError(
                f"{path}: no {RESPONSES} in this folder; LLMeter writes the per-request "
                "data there (is this a run folder, and did the run finish writing?)"
            )
        responses = found
        summary_path = find_member(path, SUMMARY)
        default_name = path.name
    else:
        responses = path
        beside = data_name(path) == RESPONSES  # a run folder's file: its summary may be there
        summary_path = find_member(path.parent, SUMMARY) if beside else None
        default_name = path.parent.name if beside and path.parent.name else data_stem(path)
    summary = _read_summary(summary_path) if summary_path is not None else {}
    name = str(summary.get("run_name") or default_name)
    folder = responses.parent
    test = _load_test_name(folder)
    extra: dict[str, Any] = {}
    if test is not None:  # a LoadTest's run: name it by its test and level
        extra = sweep_metadata(_load_test_config(test, summary.get("model_id")))
        name = level_name(test, _level(summary) or _folder_level(folder))
    run = _load_responses(responses, name, summary, source=str(path), extra=extra)
    if run.load is None and test is not None:
        run = run.with_load(_folder_level(folder))
    return [run]


#: A LoadTest's run folder: `f"{clients:05.0f}-clients"` (llmeter/experiments.py).
_CLIENTS_FOLDER = re.compile(r"^(?P<clients>\d+)-clients$")


def _load_test_name(folder: Path) -> str | None:
    """The LoadTest (its folder's name) that the run folder `folder` belongs to, else None."""
    if _CLIENTS_FOLDER.match(folder.name) is None:
        return None
    return folder.parent.name or "LoadTest"


def _load_test_config(test: str, model: Any) -> str:
    """The `sweep_config` of a LoadTest's runs: "model · test name" (the test alone without
    a model)."""
    short = short_model(model)
    return test if short is None else f"{short} · {test}"


def _folder_level(folder: Path) -> Load | None:
    """The concurrency a LoadTest run folder's name states."""
    match = _CLIENTS_FOLDER.match(folder.name)
    return None if match is None else Load("concurrency", int(match.group("clients")))


def _level(fields: Mapping[str, Any]) -> Load | None:
    """The run's concurrency: its `clients` (a positive number), else None."""
    clients = limit(fields.get("clients"), unlimited=())
    return None if clients is None else Load("concurrency", clients)


def _read_summary(path: Path) -> dict[str, Any]:
    """summary.json as a dict (interrupted runs have none: the caller passes None)."""
    summary = read_json(path)
    if not isinstance(summary, dict):
        raise LoadError(f"{path}: expected a JSON object (LLMeter's run summary)")
    return summary


def _load_responses(
    responses: Path,
    name: str,
    summary: Mapping[str, Any],
    *,
    source: str,
    extra: Mapping[str, Any] | None = None,
) -> Run:
    columns = read_json_lines_columns(responses, _NUMERIC, _OTHER, line_fields=_LINE_FIELDS)
    expect_fields(
        columns.present | set(columns.first_keys),
        _CORE,
        responses,
        tool="LLMeter",
        hint="Pass format=... for another tool's file.",
    )
    refuse_empty_lines(responses, columns.empty_lines, _LINE_FIELDS, tool="LLMeter")
    numbers = columns.numbers
    lines = columns.lines
    request_times = columns.values["request_time"]
    metadata = {"tool": "LLMeter", **_summary_metadata(summary), **(extra or {})}
    return Run.from_columns(
        name,
        time_to_first_token=numbers["time_to_first_token"],
        time_to_last_token=numbers["time_to_last_token"],
        num_tokens_output=numbers["num_tokens_output"],
        num_tokens_input=numbers["num_tokens_input"],
        tpot_reported=numbers["time_per_output_token"],
        request_start=_request_start(request_times, responses),
        error=error_texts(
            columns.values["error"], lambda i: f"{where(responses, int(lines[i]))}: error"
        ),
        format=FORMAT,
        source=source,
        metadata=metadata,
        load=_level(summary),
    )


def _request_start(request_times: Sequence[Any], where: Path | str) -> np.ndarray:
    """LLMeter's `request_time` (ISO-8601, whole seconds) → seconds since the first one."""
    if all(t is None for t in request_times):
        return np.full(len(request_times), np.nan)
    return seconds_since_first(iso_to_epoch(request_times, where))


def _summary_metadata(summary: Mapping[str, Any]) -> dict[str, Any]:
    picked = {k: summary[k] for k in _SUMMARY_FIELDS if k in summary}
    return scalar_metadata(picked)


# --- llmeter.results.Result, duck-typed ----------------------------------------------------


def is_result_object(obj: Any) -> bool:
    """True for an `llmeter.results.Result` (or look-alike): `.responses` and `.run_name`."""
    if isinstance(obj, (str, bytes, Path, Run, Mapping)) or hasattr(obj, "columns"):
        return False
    return hasattr(obj, "responses") and hasattr(obj, "run_name")


def load_result_object(
    obj: Any, *, name: str | None = None, extra: Mapping[str, Any] | None = None
) -> Run:
    """A Run from an LLMeter `Result`: its responses (objects or dicts) and run fields, at
    the concurrency of its `clients`; `name` and `extra` metadata replace and add to them.

    A Result loaded with `load_responses=False` has no responses in memory; they are then
    read from `responses.jsonl` in its `output_path`.
    """
    responses = list(getattr(obj, "responses", None) or [])
    output_path = getattr(obj, "output_path", None)
    summary = {k: getattr(obj, k) for k in _SUMMARY_FIELDS if getattr(obj, k, None) is not None}
    name = name or (
        getattr(obj, "run_name", None)
        or (Path(str(output_path)).name if output_path else "llmeter run")
    )
    stored = find_member(Path(str(output_path)), RESPONSES) if output_path else None
    if not responses and stored is not None:
        return _load_responses(stored, str(name), summary, source=str(output_path), extra=extra)
    if not responses:
        raise LoadError(
            f"LLMeter result {name!r} has no responses (and no {RESPONSES} at its "
            "output_path); run it, or load it with Result.load(path, load_responses=True)"
        )

    def field(response: Any, key: str) -> Any:
        if isinstance(response, Mapping):
            return response.get(key)
        return getattr(response, key, None)

    def numbers(key: str) -> Any:
        return number_array(
            [field(response, key) for response in responses],
            lambda i: f"LLMeter result {name!r}: responses[{i}].{key}",
        )

    request_times = [field(r, "request_time") for r in responses]
    return Run.from_columns(
        str(name),
        time_to_first_token=numbers("time_to_first_token"),
        time_to_last_token=numbers("time_to_last_token"),
        num_tokens_output=numbers("num_tokens_output"),
        num_tokens_input=numbers("num_tokens_input"),
        tpot_reported=numbers("time_per_output_token"),
        request_start=_request_start(request_times, f"LLMeter result {name!r}"),
        error=error_texts(
            [field(r, "error") for r in responses],
            lambda i: f"LLMeter result {name!r}: responses[{i}].error",
        ),
        format=FORMAT,
        source=None if output_path is None else str(output_path),
        metadata={"tool": "LLMeter", **_summary_metadata(summary), **(extra or {})},
        load=_level(summary),
    )


# --- llmeter.experiments.LoadTestResult, duck-typed ------------------------------------------


def is_load_test_result(obj: Any) -> bool:
    """True for an `llmeter.experiments.LoadTestResult` (or look-alike): `.results` (a dict
    of client count → Result) and `.test_name`."""
    results = getattr(obj, "results", None)
    return (
        not isinstance(obj, (str, bytes, Path, Run, Mapping))
        and isinstance(results, Mapping)
        and hasattr(obj, "test_name")
        and all(is_result_object(r) for r in results.values())
    )


def load_load_test_result(obj: Any) -> list[Run]:
    """The runs of an LLMeter `LoadTestResult`, by client count: one sweep, named by the
    test ("<test_name> · concurrency N")."""
    test = str(getattr(obj, "test_name", None) or "LoadTest")
    results = sorted(obj.results.items(), key=lambda item: float(item[0]))
    if not results:
        raise LoadError(f"LLMeter LoadTestResult {test!r} holds no result; run the load test")
    runs = []
    for clients, result in results:
        level = _level({"clients": getattr(result, "clients", None) or clients})
        config = _load_test_config(test, getattr(result, "model_id", None))
        run = load_result_object(result, name=level_name(test, level), extra=sweep_metadata(config))
        runs.append(run if run.load is not None else run.with_load(level))
    return runs
