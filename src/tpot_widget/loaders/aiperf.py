"""AIPerf `profile_export.jsonl`: one JSON line per request.

Each record has `metadata` (epoch-ns `request_start_ns`, `benchmark_phase`...), `metrics`
(`{name: {"value", "unit"}}`) and `error` (null, or `{code, type, message}`). Warm-up
records are dropped; times are converted by the unit each metric gives. AIPerf's
`inter_token_latency` (its per-request TPOT) goes to `tpot_reported`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..run import Run
from ._common import LoadError, as_number, iter_json_lines, since_first_start, where

FORMAT = "aiperf"

#: Seconds per unit, for every time unit AIPerf writes (and common spellings).
TIME_UNITS: dict[str, float] = {
    "ns": 1e-9,
    "nanoseconds": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "microseconds": 1e-6,
    "ms": 1e-3,
    "milliseconds": 1e-3,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
}
_TIMES = {
    "time_to_first_token": "time_to_first_token",
    "time_to_last_token": "request_latency",
    "tpot_reported": "inter_token_latency",
}
_TOKENS = {
    "num_tokens_input": "input_sequence_length",
    "num_tokens_output": "output_sequence_length",
}


def sniff(path: Path, head: bytes) -> bool:
    """JSON lines whose records carry AIPerf's `metadata` (request_start_ns, phase) and
    `metrics`."""
    start = head.lstrip()
    if not start.startswith(b"{"):
        return False
    first = start.split(b"\n", 1)[0]
    return b'"metrics"' in first and (
        b'"request_start_ns"' in first or b'"benchmark_phase"' in first
    )


def load(path: Path) -> list[Run]:
    """The one run of a profile_export.jsonl (profiling-phase records only)."""
    path = Path(path)
    columns: dict[str, list[float]] = {k: [] for k in (*_TIMES, *_TOKENS)}
    starts: list[int | None] = []  # epoch ns, kept as ints until the first is subtracted
    errors: list[str | None] = []
    warmup = cancelled = 0
    for line, record in iter_json_lines(path):
        at = where(path, line)
        if not isinstance(record, dict):
            raise LoadError(f"{at}: expected a JSON object (an AIPerf record)")
        meta = record.get("metadata") or {}
        metrics = record.get("metrics") or {}
        if not isinstance(meta, dict) or not isinstance(metrics, dict):
            raise LoadError(f"{at}: `metadata` and `metrics` should be JSON objects")
        if meta.get("benchmark_phase", "profiling") != "profiling":
            warmup += 1
            continue
        for column, metric in _TIMES.items():
            columns[column].append(_time_value(metrics.get(metric), metric, at))
        for column, metric in _TOKENS.items():
            columns[column].append(_plain_value(metrics.get(metric), metric, at))
        start = meta.get("request_start_ns")
        starts.append(start if isinstance(start, int) and not isinstance(start, bool) else None)
        error = _error_text(record.get("error"))
        if error is None and meta.get("was_cancelled"):
            error = "cancelled"
            cancelled += 1
        errors.append(error)
    if not errors:
        raise LoadError(
            f"{path}: no profiling-phase record in this AIPerf export "
            f"({warmup} warm-up record(s) dropped); did the profiling phase run?"
        )
    name = path.parent.name if path.name == "profile_export.jsonl" else path.stem
    return [
        Run.from_columns(
            name or path.stem,
            time_to_first_token=columns["time_to_first_token"],
            time_to_last_token=columns["time_to_last_token"],
            tpot_reported=columns["tpot_reported"],
            num_tokens_input=columns["num_tokens_input"],
            num_tokens_output=columns["num_tokens_output"],
            request_start=since_first_start(starts, per_second=1e9),
            error=errors,
            format=FORMAT,
            source=str(path),
            metadata={
                "tool": "AIPerf",
                "warmup_records_dropped": warmup,
                "cancelled_requests": cancelled,
            },
        )
    ]


def _metric(entry: Any, metric: str, at: str) -> tuple[Any, Any]:
    """(value, unit) of one metric entry; (None, None) when absent."""
    if entry is None:
        return None, None
    if not isinstance(entry, dict):
        raise LoadError(f"{at}: metric {metric!r} should be an object with value and unit")
    return entry.get("value"), entry.get("unit")


def _time_value(entry: Any, metric: str, at: str) -> float | None:
    """A time metric in seconds, converted by its own `unit`."""
    value, unit = _metric(entry, metric, at)
    number = as_number(value, at, f"metric {metric!r}")
    if number is None:
        return None
    factor = TIME_UNITS.get(str(unit).strip())
    if factor is None:
        raise LoadError(
            f"{at}: metric {metric!r} is in the unknown time unit {unit!r}; "
            f"known units: {', '.join(TIME_UNITS)}"
        )
    return number * factor


def _plain_value(entry: Any, metric: str, at: str) -> float | None:
    """A count metric (tokens), as written."""
    value, _unit = _metric(entry, metric, at)
    return as_number(value, at, f"metric {metric!r}")


def _error_text(error: Any) -> str | None:
    """`{code, type, message}` → "type (code): message"; None when there is no error."""
    if not error:
        return None
    if not isinstance(error, dict):
        return str(error)
    message = str(error.get("message") or "").strip()
    kind = error.get("type")
    code = error.get("code")
    label = " ".join(str(x) for x in (kind, f"({code})" if code is not None else None) if x)
    text = f"{label}: {message}" if label and message else (label or message)
    return text or "error"
