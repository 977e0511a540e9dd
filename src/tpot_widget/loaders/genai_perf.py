"""GenAI-Perf / Perf Analyzer `profile_export.json`: one run per experiment.

The file holds raw send and receive timestamps (epoch ns) and the raw streamed responses,
but no token counts and no error flag. TTFT and E2E are measured to the first and last
response that carries content; the output token count is the number of such responses
(chunks), since no tokenizer is used here (the run's metadata says so).

Load level: each experiment's `experiment.mode` and `value` (Perf Analyzer's
`--concurrency-range` / `--request-rate-range`): "concurrency" → concurrency, "request_rate"
→ rate. A file of several experiments is one configuration's sweep: its runs share the
`sweep_config` "endpoint · file". GenAI-Perf names its artifact folder
`<model>-<service>-<endpoint>-concurrency<N>` (or `-request_rate<R>`): runs in such folders
share the `sweep_config` of the name without its level.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import orjson

from ..load import Load
from ..params import unique_names
from ..run import Run
from ._columns import RequestColumns
from ._io import LoadError
from ._json import read_json_object_list
from ._levels import limit, offered_load
from ._metadata import sweep_metadata
from ._names import file_label
from ._records import as_row

FORMAT = "genai-perf"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ("*genai_perf.json", "*genai_perf.csv", "inputs.json")

#: How output tokens are counted; recorded in every run's metadata.
TOKEN_COUNTING = "content-bearing response chunks (no tokenizer)"

_EXPERIMENTS = re.compile(rb'"experiments"\s*:\s*\[')
_SIGNATURE = re.compile(rb'"(response_timestamps|service_kind|request_inputs)"\s*:')
#: Top-level string fields that carry generated text in non-OpenAI payloads.
_TEXT_FIELDS = ("text_output", "text", "generated_text", "output", "content", "delta")
#: Fields of an OpenAI choice (or its delta/message) that carry generated content.
_CHOICE_FIELDS = ("content", "reasoning_content", "reasoning", "text", "tool_calls", "refusal")


def sniff(path: Path, head: bytes) -> bool:
    """A JSON object with an `experiments` list and Perf Analyzer's request fields."""
    return (
        head.lstrip().startswith(b"{")
        and _EXPERIMENTS.search(head) is not None
        and _SIGNATURE.search(head) is not None
    )


def _has_value(value: Any) -> bool:
    """True for a non-empty string / list / dict (generated content), False otherwise."""
    if isinstance(value, str):
        return value != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return False


def _payload_content(payload: Any) -> tuple[bool, str | None]:
    """(carries generated content?, error text) for one decoded response payload."""
    if not isinstance(payload, dict):
        return False, None
    error = payload.get("error")
    error_text = None
    if error:
        error_text = str(error.get("message") or error) if isinstance(error, dict) else str(error)
    choices = payload.get("choices")
    if isinstance(choices, list):
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            if _has_value(choice.get("text")):
                return True, error_text
            for part in (choice.get("delta"), choice.get("message")):
                if isinstance(part, dict) and any(_has_value(part.get(f)) for f in _CHOICE_FIELDS):
                    return True, error_text
        return False, error_text
    return any(_has_value(payload.get(f)) for f in _TEXT_FIELDS), error_text


def _response_content(output: Any) -> tuple[bool, str | None]:
    """(carries generated content?, error text) for one entry of `response_outputs`.

    Entries are `{"text_output": ...}` or `{"response": <raw SSE text or JSON body>}`;
    role-only chunks, empty deltas, usage-only chunks and `[DONE]` carry no content.
    """
    if not isinstance(output, dict):
        return _has_value(output), None
    if "text_output" in output:
        return _has_value(output["text_output"]), None
    raw = output.get("response")
    if not isinstance(raw, str) or not raw.strip():
        return False, None
    if raw.count("data:") == 1 and raw.startswith("data:"):  # the usual one event per chunk
        events = [raw[len("data:") :].strip()]
    else:
        events = [
            line[len("data:") :].strip() for line in raw.splitlines() if line.startswith("data:")
        ]
    if not events:
        events = [raw.strip()]  # a non-streaming JSON body
    content, error = False, None
    for event in events:
        if not event or event == "[DONE]":
            continue
        try:
            payload = orjson.loads(event)
        except orjson.JSONDecodeError:
            content = True  # plain generated text
            continue
        has, err = _payload_content(payload)
        content = content or has
        error = error or err
    return content, error


def _int_ns(value: Any, where: str) -> int:
    """An epoch-ns timestamp as int, or a LoadError saying where it is broken."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise LoadError(f"{where}: expected a timestamp in nanoseconds, got {value!r}")
    return int(value)


#: GenAI-Perf's artifact folder: "<model>-<service kind>-<endpoint>-<stimulus>".
_ARTIFACT_FOLDER = re.compile(r"^(?P<config>.+)-(?:concurrency|request_rate)\d+(?:\.\d+)?$")


def _level(experiment: Any) -> Load | None:
    """The level of an experiment's `mode` and `value` (None for other modes)."""
    if not isinstance(experiment, dict):
        return None
    value = limit(experiment.get("value"), unlimited=())
    if experiment.get("mode") == "concurrency":
        return offered_load(None, value)
    if experiment.get("mode") == "request_rate":
        return offered_load(value, None)
    return None


def _sweep_config(path: Path, top: dict[str, Any], experiments: int) -> str | None:
    """The configuration of the file's runs when they form a sweep (several experiments, or
    an artifact folder named after its level), else None."""
    folder = _ARTIFACT_FOLDER.match(path.parent.name)
    if folder is not None:
        return folder.group("config")
    if experiments > 1:
        endpoint = top.get("endpoint")
        label = file_label(path, ("profile_export",))
        return f"{endpoint} · {label}" if isinstance(endpoint, str) and endpoint else label
    return None


def _experiment_name(experiment: Any, index: int) -> str:
    """'concurrency 10', 'request_rate 2.0', ... from the experiment's mode and value."""
    if isinstance(experiment, dict) and experiment.get("mode") is not None:
        value = experiment.get("value")
        return f"{experiment['mode']} {value}" if value is not None else str(experiment["mode"])
    return f"experiment {index}"


def _load_experiment(
    path: Path, index: int, experiment: Any, top: dict[str, Any], name: str, config: str | None
) -> Run:
    where = f"{path}: experiments[{index}]"
    experiment = as_row(experiment, where)
    requests = experiment.get("requests")
    if not isinstance(requests, list):
        raise LoadError(f"{where} has no 'requests' list; is this a GenAI-Perf profile export?")
    if not requests:
        raise LoadError(f"{where} ({name}) holds no requests")

    columns = RequestColumns()
    for j, item in enumerate(requests):
        at = f"{where}.requests[{j}]"
        request = as_row(item, at)
        if "timestamp" not in request:
            raise LoadError(f"{at} lacks 'timestamp' (the send time in ns)")
        sent = _int_ns(request["timestamp"], f"{at}.timestamp")
        stamps = request.get("response_timestamps") or []
        outputs = request.get("response_outputs") or []
        if not isinstance(stamps, list) or not isinstance(outputs, list):
            raise LoadError(f"{at}: response_timestamps and response_outputs must be lists")
        if outputs and len(outputs) != len(stamps):
            raise LoadError(
                f"{at}: {len(stamps)} response_timestamps but {len(outputs)} "
                "response_outputs; they must pair up one to one"
            )
        content: list[int] = []  # indices of the responses that carry content
        error: str | None = None
        for k in range(len(stamps)):
            # Without response texts (older exports) every response counts as content.
            has, err = _response_content(outputs[k]) if outputs else (True, None)
            error = error or err
            if has:
                content.append(k)
        ttft: float | None = None
        e2e: float | None = None
        if content:
            k0, k1 = content[0], content[-1]
            ttft = (_int_ns(stamps[k0], f"{at}.response_timestamps[{k0}]") - sent) / 1e9
            e2e = (_int_ns(stamps[k1], f"{at}.response_timestamps[{k1}]") - sent) / 1e9
        else:
            error = error or (
                "no response with content (GenAI-Perf records no error flag; "
                f"{len(stamps)} empty response(s))"
            )
        columns.add(ttft=ttft, e2e=e2e, output_tokens=float(len(content)), start=sent, error=error)

    return columns.run(
        name,
        path,
        format=FORMAT,
        per_second=1e9,
        metadata={
            "tool": "GenAI-Perf",
            "experiment_index": index,
            "experiment": experiment.get("experiment"),
            "service_kind": top.get("service_kind"),
            "endpoint": top.get("endpoint"),
            "num_tokens_output_counted_as": TOKEN_COUNTING,
            "num_tokens_input": "not recorded by GenAI-Perf (NaN)",
            **(sweep_metadata(config) if config is not None else {}),
        },
        load=_level(experiment.get("experiment")),
    )


def load(path: Path) -> list[Run]:
    """Every experiment of a GenAI-Perf `profile_export.json` as a Run (seconds)."""
    path = Path(path)
    data, experiments = read_json_object_list(
        path,
        "experiments",
        expected="a GenAI-Perf profile export (an object with an 'experiments' list)",
        empty="the 'experiments' list is empty; the profile holds no run",
    )
    config = _sweep_config(path, data, len(experiments))
    # an artifact folder per level: the runs of several folders are told apart by it
    prefix = f"{config} · " if _ARTIFACT_FOLDER.match(path.parent.name) else ""
    names = unique_names(
        [
            prefix + _experiment_name(e.get("experiment") if isinstance(e, dict) else None, i)
            for i, e in enumerate(experiments)
        ]
    )
    return [
        _load_experiment(path, index, experiment, data, name, config)
        for index, (experiment, name) in enumerate(zip(experiments, names, strict=True))
    ]
