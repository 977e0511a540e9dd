"""Ray LLMPerf `*_individual_responses.json`: a JSON list, one object per request.

Seconds and token counts per request, `error_code` null on success. LLMPerf records no
timestamps, so `request_start` is NaN. Its `inter_token_latency_s` (about E2E / n, TTFT
included) goes to `tpot_reported`. Extra keys (e.g. `GEN_TEXT`) are ignored.

Load level: `num_concurrent_requests` of the `<prefix>_summary.json` that LLMPerf writes
beside the requests (token_benchmark_ray.py); the run's name then says it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..load import Load
from ..run import Run
from ._columns import RequestColumns
from ._io import LoadError, data_name, data_stem
from ._json import read_json, read_side_json
from ._levels import limit
from ._names import level_name
from ._records import as_row
from ._values import field_number

FORMAT = "llmperf"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ("*_summary.json",)

#: Keys every request row must have (a row may hold null values, not lack the keys).
REQUIRED_KEYS = ("ttft_s", "end_to_end_latency_s", "number_output_tokens")
_SUFFIX = "_individual_responses"
_SIGNATURE = re.compile(rb'"(ttft_s|end_to_end_latency_s|number_output_tokens)"\s*:')


def sniff(path: Path, head: bytes) -> bool:
    """A JSON list whose objects use LLMPerf's per-request keys."""
    return head.lstrip().startswith(b"[") and _SIGNATURE.search(head) is not None


def run_name(path: Path) -> str:
    """The file name before `_individual_responses` (LLMPerf's run prefix), else the stem."""
    name = data_name(path)
    stem = name[: -len(".json")] if name.endswith(".json") else data_stem(path)
    cut = stem.rfind(_SUFFIX)
    return stem[:cut] if cut > 0 else stem


def load(path: Path) -> list[Run]:
    """The run of an LLMPerf `*_individual_responses.json` file (seconds)."""
    path = Path(path)
    data = read_json(path)
    if not isinstance(data, list):
        raise LoadError(
            f"{path}: expected LLMPerf's *_individual_responses.json (a JSON list of "
            f"requests), got a JSON {type(data).__name__}; the *_summary.json file holds "
            "aggregates only"
        )
    if not data:
        raise LoadError(f"{path}: the list of requests is empty; the run holds no request")
    requests = RequestColumns()
    for index, item in enumerate(data):
        where = f"{path}: request [{index}]"
        row = as_row(
            item,
            where,
            REQUIRED_KEYS,
            needed_by="every LLMPerf request",
            hint="is this an LLMPerf individual-responses file?",
        )
        code, message = row.get("error_code"), row.get("error_msg")
        error = f"error {code}: {message}" if message else f"error {code}"
        requests.add(
            ttft=field_number(row, "ttft_s", where),
            e2e=field_number(row, "end_to_end_latency_s", where),
            tpot_reported=field_number(row, "inter_token_latency_s", where),
            input_tokens=field_number(row, "number_input_tokens", where),
            output_tokens=field_number(row, "number_output_tokens", where),
            error=None if code is None else error,
        )
    level = _level(path)
    return [
        requests.run(
            level_name(run_name(path), level),
            path,
            format=FORMAT,
            load=level,
            metadata={
                "tool": "LLMPerf",
                "tpot_reported": "LLMPerf inter_token_latency_s (includes the TTFT)",
                "request_start": "not recorded by LLMPerf (NaN)",
            },
        )
    ]


_SUMMARY_MAX_BYTES = 4 << 20


def _level(path: Path) -> Load | None:
    """The concurrency of the `<prefix>_summary.json` beside the requests, else None."""
    name = data_name(path)
    cut = name.rfind(_SUFFIX)
    if cut <= 0:
        return None
    summary = read_side_json(path.parent, f"{name[:cut]}_summary.json", _SUMMARY_MAX_BYTES)
    value = summary.get("num_concurrent_requests") if isinstance(summary, dict) else None
    concurrency = limit(value, unlimited=())
    return None if concurrency is None else Load("concurrency", concurrency)
