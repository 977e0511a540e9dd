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
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..run import Run
from ._columns import RequestColumns
from ._io import LoadError
from ._json import read_json_list
from ._names import model_folder_name, model_in_bodies
from ._records import as_row
from ._values import as_number

FORMAT = "inference-perf"

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
    requests = RequestColumns()
    for index, item in enumerate(data):
        at = f"{path}: [{index}]"
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
        requests.add(
            ttft=None if first_chunk is None or start is None else first_chunk - start,
            e2e=None if end is None or start is None else end - start,
            tpot_reported=(
                (token_times[-1] - token_times[0]) / (n_out - 1)
                if len(token_times) > 1 and n_out is not None and n_out > 1
                else None
            ),
            input_tokens=_input_tokens(info, at),
            output_tokens=n_out,
            start=start,
            error=_error_text(record.get("error")),
        )
    model = model_in_bodies(r.get("request") if isinstance(r, dict) else None for r in data)
    return [
        requests.run(
            model_folder_name(path, model),
            path,
            format=FORMAT,
            metadata={
                "tool": "inference-perf",
                "model": model,
                "tpot_reported": "inference-perf's own TPOT (last - first token time) / (n - 1)",
            },
        )
    ]


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
