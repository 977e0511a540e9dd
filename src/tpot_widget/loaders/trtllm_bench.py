"""TensorRT-LLM `trtllm-bench throughput --request_json FILE`: a JSON list, one object per
request (TensorRT-LLM's `RequestRecord`, its token ids replaced by `output` text and
`output_tokens` = their count).

Timestamps are integer nanoseconds of `time.perf_counter_ns()`: `start_timestamp`,
`first_token_timestamp` (-1 when unknown: a non-streaming run), `end_timestamp`.
TTFT = first − start, E2E = end − start, output tokens = `output_tokens` (or
`num_total_output_tokens` / `num_output_tokens` in older files). `error_tokens` counts the
responses TensorRT-LLM flagged as errors: a request with any is failed.
TensorRT-LLM's own `intertoken_latency` (ns) goes to `tpot_reported`.

Load level: none in the request file (trtllm-bench's `--concurrency` is only in the report
JSON, named by the user); set it with `load=` or a folder name such as `concurrency_64`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..run import Run
from ._columns import RequestColumns
from ._io import LoadError, data_stem
from ._json import read_json_list
from ._records import as_row

FORMAT = "trtllm-bench"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ()

_KEYS = (b'"start_timestamp"', b'"first_token_timestamp"', b'"end_timestamp"')
_LIST = re.compile(rb"^\[\s*\{")
_REQUIRED = ("start_timestamp", "end_timestamp")
_OUTPUT_KEYS = ("output_tokens", "num_total_output_tokens", "num_output_tokens")


def sniff(path: Path, head: bytes) -> bool:
    """A JSON list whose first object has TensorRT-LLM's ns timestamps and
    `decode_iteration`."""
    start = head.lstrip()
    if _LIST.match(start) is None:
        return False
    first = start[: start.find(b"}") + 1] if b"}" in start else start
    return all(k in first for k in _KEYS) and b'"decode_iteration"' in first


def load(path: Path) -> list[Run]:
    """The one run of a trtllm-bench request JSON."""
    path = Path(path)
    data = read_json_list(
        path,
        expected="trtllm-bench's --request_json output (a JSON list of requests); "
        "the --report_json file holds only aggregates",
    )
    requests = RequestColumns()
    for index, item in enumerate(data):
        at = f"{path}: [{index}]"
        record = as_row(item, at, _REQUIRED, needed_by="a trtllm-bench request record")
        start = _ns(record, "start_timestamp", at)
        first = _ns(record, "first_token_timestamp", at)
        end = _ns(record, "end_timestamp", at)
        n_out = next(
            (_count(record, k, at) for k in _OUTPUT_KEYS if record.get(k) is not None), None
        )
        itl = record.get("intertoken_latency")
        flagged = _count(record, "error_tokens", at)
        requests.add(
            # exact integer subtraction before the division by 1e9
            ttft=None if start is None or first is None else (first - start) / 1e9,
            e2e=None if start is None or end is None else (end - start) / 1e9,
            tpot_reported=(
                _float(itl, f"{at}.intertoken_latency") / 1e9
                if itl is not None and n_out is not None and n_out > 1
                else None
            ),
            input_tokens=_count(record, "num_input_tokens", at),
            output_tokens=n_out,
            start=start,
            error=f"TensorRT-LLM flagged {int(flagged)} error response(s)" if flagged else None,
        )
    return [
        requests.run(
            data_stem(path),
            path,
            format=FORMAT,
            per_second=1e9,
            metadata={
                "tool": "trtllm-bench",
                "streaming": any(t is not None for t in requests.ttft),
                "tpot_reported": "TensorRT-LLM's intertoken_latency, (end - first) / (n - 1)",
            },
        )
    ]


def _float(value: Any, at: str) -> float:
    """A JSON number as float; anything else is a LoadError naming `at`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LoadError(f"{at} should be a number, got {value!r}")
    return float(value)


def _ns(record: dict[str, Any], key: str, at: str) -> int | None:
    """An integer-ns timestamp; TensorRT-LLM's -1 (and any value ≤ 0) means unknown."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LoadError(f"{at}.{key} should be integer nanoseconds, got {value!r}")
    return int(value) if value > 0 else None


def _count(record: dict[str, Any], key: str, at: str) -> float | None:
    """A token count (None when absent; negative = TensorRT-LLM's unset -1 → None)."""
    value = record.get(key)
    if value is None:
        return None
    number = _float(value, f"{at}.{key}")
    return None if number < 0 else number
