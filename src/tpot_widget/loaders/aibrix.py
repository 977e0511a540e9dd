"""AIBrix benchmark client (vllm-project/aibrix, benchmarks/client): JSON lines, one line
per request, written by `client.py` as each request finishes.

Fields: `prompt_tokens`, `output_tokens` (the server's usage), `latency` (E2E, s),
`start_time`, `end_time` (s, the client's event-loop clock), `ttft` and `tpot` (s; only
on streaming lines, null otherwise), `status` ("success" or "error"; absent in the
first versions), `error_type`, `error_message`. AIBrix's `tpot` divides the decode time by
all output tokens, (E2E − TTFT) / n; it goes to `tpot_reported`.

Load level: none recorded (the client replays a workload file's timestamps); set it with
`load=` or a folder name such as `rate_4`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from ..run import Run
from ._columns import RequestColumns
from ._io import LoadError, data_stem
from ._json import iter_json_lines, where
from ._values import as_number

FORMAT = "aibrix"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ()

_REQUIRED = ("prompt_tokens", "output_tokens", "latency")
#: A first line too long for the head (long prompts): recognised by AIBrix's key order.
_LINE_START = re.compile(rb'^\{\s*"request_id"\s*:[^,]*,\s*"status"\s*:\s*"(success|error)"')


def sniff(path: Path, head: bytes) -> bool:
    """JSON lines whose first object has AIBrix's prompt_tokens, output_tokens, latency and
    ttft/throughput fields (and none of another tool's)."""
    start = head.lstrip()
    if not start.startswith(b"{"):
        return False
    first, newline, _rest = start.partition(b"\n")
    if not newline:
        return _LINE_START.match(start) is not None
    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return (
        isinstance(obj, dict)
        and all(k in obj for k in _REQUIRED)
        and ("ttft" in obj or "throughput" in obj)
        and "metrics" not in obj
    )


def load(path: Path) -> list[Run]:
    """The one run of an AIBrix client output file."""
    path = Path(path)
    requests = RequestColumns()
    for line, record in iter_json_lines(path):
        at = where(path, line)
        if not isinstance(record, dict):
            raise LoadError(f"{at}: expected a JSON object (an AIBrix request line)")
        missing = [k for k in _REQUIRED if k not in record]
        if missing:
            raise LoadError(
                f"{at} lacks {', '.join(missing)}; every AIBrix line needs "
                f"{', '.join(_REQUIRED)} (and ttft, tpot, start_time when streaming)"
            )

        def number(key: str, record: dict[str, Any] = record, at: str = at) -> float | None:
            return as_number(record.get(key), at, key)

        error = _error_text(record)
        n_in, n_out = number("prompt_tokens"), number("output_tokens")
        if error is not None:  # AIBrix writes 0 tokens for a failed request: unknown, not 0
            n_in = None if n_in == 0 else n_in
            n_out = None if n_out == 0 else n_out
        requests.add(
            ttft=number("ttft"),
            e2e=number("latency"),
            tpot_reported=number("tpot"),
            input_tokens=n_in,
            output_tokens=n_out,
            start=number("start_time"),
            error=error,
        )
    if not requests:
        raise LoadError(f"{path}: no request line in this AIBrix output")
    return [
        requests.run(
            data_stem(path),
            path,
            format=FORMAT,
            metadata={
                "tool": "AIBrix benchmark client",
                "streaming_requests": sum(t is not None for t in requests.ttft),
                "tpot_reported": "AIBrix's own tpot, (E2E - TTFT) / output tokens",
            },
        )
    ]


def _error_text(record: dict[str, Any]) -> str | None:
    """ "error_type: error_message" for a line with status "error", else None."""
    if record.get("status", "success") == "success":
        return None
    kind = str(record.get("error_type") or "").strip()
    message = str(record.get("error_message") or "").strip()
    text = f"{kind}: {message}" if kind and message else (kind or message)
    return text or f"status {record.get('status')!r}"
