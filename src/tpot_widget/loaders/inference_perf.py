"""inference-perf (kubernetes-sigs; also what llm-d-benchmark runs):
`per_request_lifecycle_metrics.json`, a JSON list with one record per request.

Every record has `start_time`, `end_time` (seconds of the client's monotonic clock),
`request` (the body sent, a JSON string), `response`, `info` and `error` (null or
`{error_type, error_msg}`). `info` changed over time; all three layouts are read:

- since May 2026: `info.request_metrics.text.input_tokens` (and the mirror
  `info.input_tokens`), `info.response_metrics.{output_tokens, chunk_times[],
  output_token_times[], server_usage}`;
- April 2026: `info.input_tokens`, `info.response_info.{output_tokens, chunk_times[],
  output_token_times[]}`;
- before: flat `info.{input_tokens, output_tokens, output_token_times[]}`.

TTFT = first content chunk (`chunk_times[0]`, else `output_token_times[0]`) − start;
E2E = end − start; output tokens = `output_tokens` (the client's count). inference-perf's
own TPOT, (last token time − first token time) / (output tokens − 1), goes to
`tpot_reported`.

Load level: inference-perf runs its load in stages, one after another, and writes one
summary per stage beside the requests, `stage_<i>_lifecycle_metrics.json`
(inference_perf/reportgen/base.py): its `load_summary` holds the stage's `count` of
requests, `send_duration` (last start − first start), `requested_rate` and, for the
"concurrent" load type, `concurrency`. The per-request file does not say which stage a
request belongs to, so the requests are assigned to the stages by start time, stage 0's
`count` first: stages do not overlap. Each stage is then a run at its level (concurrency,
else rate); the stages' `send_duration` must match, else the file loads as one run, with a
warning. A file of several stages is a sweep: its runs share the `sweep_config`
"model · folder".
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..load import Load
from ..run import Run
from ._columns import RequestColumns
from ._io import LoadError
from ._json import read_json_list, read_side_json
from ._levels import limit, offered_load
from ._metadata import scalar_metadata, sweep_metadata
from ._names import level_name, model_folder_name, model_in_bodies
from ._records import as_row
from ._values import as_number, is_number

FORMAT = "inference-perf"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = (
    "summary_lifecycle_metrics.json",
    "stage_*_lifecycle_metrics.json",
    "*_prometheus_metrics.json",
    "config.yaml",
)

#: A JSON list whose first record starts with start_time, end_time (inference-perf's order).
_HEAD = re.compile(rb'^\[\s*\{\s*"start_time"\s*:\s*[-+0-9.eE]+\s*,\s*"end_time"\s*:')
_RESPONSE_KEYS = ("response_metrics", "response_info")


def sniff(path: Path, head: bytes) -> bool:
    """A JSON list of records that begin with `start_time`, `end_time` (and carry `info`)."""
    return _HEAD.match(head.lstrip()) is not None


def load(path: Path) -> list[Run]:
    """The one run of a per_request_lifecycle_metrics.json."""
    path = Path(path)
    data = read_json_list(
        path,
        expected="inference-perf's per_request_lifecycle_metrics.json (a JSON list of "
        "requests); summary_lifecycle_metrics.json holds no per-request data",
    )
    rows = [_request(item, f"{path}: [{index}]") for index, item in enumerate(data)]
    model = model_in_bodies(r.get("request") if isinstance(r, dict) else None for r in data)
    base = model_folder_name(path, model)
    metadata = {
        "tool": "inference-perf",
        "model": model,
        "tpot_reported": "inference-perf's own TPOT (last - first token time) / (n - 1)",
    }
    stages = _stages(path, [row["start"] for row in rows])
    if len(stages) <= 1:
        stage = stages[0] if stages else None
        return [
            _run(
                rows,
                base,
                path,
                {**metadata, **(stage.metadata if stage else {})},
                stage.level if stage else None,
            )
        ]
    return [
        _run(
            [rows[i] for i in stage.requests],
            level_name(f"{base} · stage {stage.id}", stage.level),
            path,
            {**metadata, **stage.metadata, **sweep_metadata(base)},
            stage.level,
        )
        for stage in stages
    ]


def _request(item: Any, at: str) -> dict[str, Any]:
    """One request record as the keyword arguments of `RequestColumns.add`."""
    record = as_row(
        item,
        at,
        ("start_time", "end_time", "info"),
        needed_by="an inference-perf request record",
    )
    start = as_number(record.get("start_time"), f"{at}.start_time")
    end = as_number(record.get("end_time"), f"{at}.end_time")
    info = record.get("info")
    info = info if isinstance(info, dict) else {}
    response = _response_part(info)
    n_out = as_number(response.get("output_tokens"), f"{at}.output_tokens")
    first_chunk = _first_time(response, at)
    token_times = _times(response.get("output_token_times"), f"{at}.output_token_times")
    return {
        "ttft": None if first_chunk is None or start is None else first_chunk - start,
        "e2e": None if end is None or start is None else end - start,
        "tpot_reported": (
            (token_times[-1] - token_times[0]) / (n_out - 1)
            if len(token_times) > 1 and n_out is not None and n_out > 1
            else None
        ),
        "input_tokens": _input_tokens(info, at),
        "output_tokens": n_out,
        "start": start,
        "error": _error_text(record.get("error")),
    }


def _run(
    rows: Sequence[dict[str, Any]],
    name: str,
    path: Path,
    metadata: dict[str, Any],
    level: Load | None,
) -> Run:
    """The Run of some requests."""
    requests = RequestColumns()
    for row in rows:
        requests.add(**row)
    return requests.run(name, path, format=FORMAT, metadata=metadata, load=level)


class _Stage(NamedTuple):
    """A load stage: its id, level, summary fields and its requests' indices in the file."""

    id: int
    level: Load | None
    metadata: dict[str, Any]
    requests: list[int]


_STAGE_FILE = re.compile(r"^stage_(?P<id>\d+)_lifecycle_metrics\.json(?:\.\w+)?$")
_STAGE_MAX_BYTES = 16 << 20


def _stage_summaries(folder: Path) -> list[tuple[int, dict[str, Any]]]:
    """(stage id, `load_summary`) of every stage summary in `folder`, by id."""
    try:
        ids = {int(m["id"]) for e in os.scandir(folder) if (m := _STAGE_FILE.match(e.name))}
    except OSError:
        return []
    summaries = []
    for stage_id in sorted(ids):
        name = f"stage_{stage_id}_lifecycle_metrics.json"
        data = read_side_json(folder, name, _STAGE_MAX_BYTES)
        load = data.get("load_summary") if isinstance(data, dict) else None
        summaries.append((stage_id, load if isinstance(load, dict) else {}))
    return summaries


def _stages(path: Path, starts: Sequence[float | None]) -> list[_Stage]:
    """The load stages of the requests (start times `starts`), from the stage summaries
    beside them; [] when there are none, or (with a warning) when they do not fit."""
    summaries = _stage_summaries(path.parent)
    if not summaries:
        return []
    counts = [s.get("count") for _, s in summaries]
    known = [(s, i) for i, s in enumerate(starts) if s is not None]
    stages = _split(summaries, counts, sorted(known)) if len(known) == len(starts) else None
    if stages is not None:
        return stages
    told = ", ".join(
        f"stage {i}: {c} requests" for (i, _), c in zip(summaries, counts, strict=True)
    )
    warnings.warn(
        f"{path}: the requests do not fit the stage summaries beside them ({told}; the file "
        f"holds {len(starts)}, by start time); loaded as one run without a load level",
        stacklevel=4,
    )
    return []


def _split(
    summaries: list[tuple[int, dict[str, Any]]],
    counts: list[Any],
    by_start: list[tuple[float, int]],
) -> list[_Stage] | None:
    """The stages, each the next `count` requests by start time; None when the counts do
    not add up to the requests or a stage's spread of start times is not its
    `send_duration`."""
    if not all(isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in counts):
        return None
    if sum(counts) != len(by_start):
        return None
    stages = []
    first = 0
    for (stage_id, summary), count in zip(summaries, counts, strict=True):
        members = by_start[first : first + count]
        first += count
        spread = summary.get("send_duration")
        actual = members[-1][0] - members[0][0]
        if is_number(spread) and abs(actual - spread) > 1e-6 * max(1.0, abs(spread)):
            return None
        rate = limit(summary.get("requested_rate"), unlimited=())
        concurrency = limit(summary.get("concurrency"), unlimited=())
        level = offered_load(None, concurrency) or offered_load(rate, None)
        meta = {"stage": stage_id, **scalar_metadata(summary)}
        stages.append(_Stage(stage_id, level, meta, sorted(i for _, i in members)))
    return stages


def _response_part(info: dict[str, Any]) -> dict[str, Any]:
    """Where the response figures live: `response_metrics`, `response_info` or `info`."""
    for key in _RESPONSE_KEYS:
        part = info.get(key)
        if isinstance(part, dict):
            return part
    return info


def _times(values: Any, at: str) -> list[float]:
    """A list of timestamps (seconds); missing → []; anything else is a LoadError."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise LoadError(f"{at} should be a list of timestamps")
    return [t for t in (as_number(v, at) for v in values) if t is not None]


def _first_time(response: dict[str, Any], at: str) -> float | None:
    """The first content chunk's arrival: chunk_times[0], else output_token_times[0]."""
    for key in ("chunk_times", "output_token_times"):
        times = _times(response.get(key), f"{at}.{key}")
        if times:
            return times[0]
    return None


def _input_tokens(info: dict[str, Any], at: str) -> float | None:
    """`info.request_metrics.text.input_tokens`, else the older `info.input_tokens`."""
    request_metrics = info.get("request_metrics")
    if isinstance(request_metrics, dict):
        text = request_metrics.get("text")
        if isinstance(text, dict) and text.get("input_tokens") is not None:
            return as_number(text["input_tokens"], f"{at}.request_metrics.text.input_tokens")
    return as_number(info.get("input_tokens"), f"{at}.input_tokens")


def _error_text(error: Any) -> str | None:
    """`{error_type, error_msg}` → "error_type: error_msg"; None when there is no error."""
    if not error:
        return None
    if not isinstance(error, dict):
        return str(error)
    kind = str(error.get("error_type") or "").strip()
    message = str(error.get("error_msg") or "").strip()
    return f"{kind}: {message}" if kind and message else (kind or message or "error")
