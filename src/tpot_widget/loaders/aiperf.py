"""AIPerf `profile_export.jsonl`: one JSON line per request.

Each record has `metadata` (epoch-ns `request_start_ns`, `benchmark_phase`...), `metrics`
(`{name: {"value", "unit"}}`) and `error` (null, or `{code, type, message}`). Warm-up
records are dropped; times are converted by the unit each metric gives. AIPerf's
`inter_token_latency` (its per-request TPOT) goes to `tpot_reported`.

Also reads the earlier record layout of October 2025 (AIPerf's own example artifacts):
metric `ttft` instead of `time_to_first_token`, metadata `credit_phase` instead of
`benchmark_phase` and `timestamp_ns` instead of `request_start_ns`.

Load level: the profile's own settings in the `profile_export_aiperf.json` beside the
records (`input_config.loadgen`: `request_rate` → rate, a `concurrency` beside it only caps
it; else `concurrency`), else the folder AIPerf named after the level. A parameter sweep
(`--concurrency 10,20,30`; aiperf/orchestrator/strategies.py) writes
`<artifact>/concurrency_N/` (or `request_rate_R/`), and with `--num-profile-runs` the
repeats as `<artifact>/profile_runs/run_000K/concurrency_N/` (repeated mode) or
`<artifact>/concurrency_N/profile_runs/run_000K/` (independent mode); a run there has the
`sweep_config` of its artifact folder's name and `repeat` K.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any, NamedTuple

from ..load import Load
from ..run import Run
from ._io import LoadError, data_name, data_stem
from ._json import iter_json_lines, member, read_side_json, where
from ._levels import level_in_name, limit, offered_load
from ._metadata import sweep_metadata
from ._names import plain_number, short_model
from ._records import refuse_empty_lines
from ._times import since_first_start
from ._values import as_number

FORMAT = "aiperf"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = (
    "profile_export_aiperf*.json",
    "profile_export_aiperf*.csv",
    "inputs.json",
)

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
#: Column → AIPerf metric names, newest first (`ttft` until October 2025).
_TIMES: dict[str, tuple[str, ...]] = {
    "time_to_first_token": ("time_to_first_token", "ttft"),
    "time_to_last_token": ("request_latency",),
    "tpot_reported": ("inter_token_latency",),
}
#: Metadata names, newest first: the phase and the epoch-ns start of a request.
_PHASE_KEYS = ("benchmark_phase", "credit_phase")
_START_KEYS = ("request_start_ns", "timestamp_ns")
#: The aggregate file AIPerf writes next to profile_export.jsonl (model, load settings).
_SUMMARY_NAME = "profile_export_aiperf.json"
_SUMMARY_MAX_BYTES = 8 << 20
_TOKENS = {
    "num_tokens_input": "input_sequence_length",
    "num_tokens_output": "output_sequence_length",
}
#: The top-level fields of every AIPerf record; a line with none of them is no record.
_RECORD_FIELDS = ("metadata", "metrics", "error")
#: The per-request metrics read; a successful record needs at least one of them.
_METRICS = (*(n for names in _TIMES.values() for n in names), *_TOKENS.values())


def sniff(path: Path, head: bytes) -> bool:
    """JSON lines whose records carry AIPerf's `metadata` (request_start_ns, phase) and
    `metrics`."""
    start = head.lstrip()
    if not start.startswith(b"{"):
        return False
    first = start.split(b"\n", 1)[0]
    return (
        b'"metrics"' in first
        and b'"metadata"' in first
        and any(
            key in first
            for key in (
                b'"request_start_ns"',
                b'"benchmark_phase"',
                b'"credit_phase"',
                b'"timestamp_ns"',
            )
        )
    )


def load(path: Path) -> list[Run]:
    """The one run of a profile_export.jsonl (profiling-phase records only)."""
    path = Path(path)
    columns: dict[str, list[float | None]] = {k: [] for k in (*_TIMES, *_TOKENS)}
    starts: list[int | None] = []  # epoch ns, kept as ints until the first is subtracted
    errors: list[str | None] = []
    warmup = cancelled = 0
    layouts: set[str] = set()
    seen_metrics = False
    not_records: list[int] = []  # lines with none of metadata, metrics, error
    no_metrics: list[int] = []  # successful records without any per-request metric
    for line, record in iter_json_lines(path):
        at = where(path, line)
        if not isinstance(record, dict):
            raise LoadError(f"{at}: expected a JSON object (an AIPerf record)")
        meta = record.get("metadata") or {}
        metrics = record.get("metrics") or {}
        if not isinstance(meta, dict) or not isinstance(metrics, dict):
            raise LoadError(f"{at}: `metadata` and `metrics` should be JSON objects")
        seen_metrics = seen_metrics or "metrics" in record or "metadata" in record
        if not any(k in record for k in _RECORD_FIELDS):
            not_records.append(line)
            continue
        if _first_present(meta, _PHASE_KEYS, "profiling") != "profiling":
            warmup += 1
            continue
        succeeded = record.get("error") is None and not meta.get("was_cancelled")
        if succeeded and not any(m in metrics for m in _METRICS):
            no_metrics.append(line)
        for column, names in _TIMES.items():
            name = next((n for n in names if n in metrics), names[0])
            if name == "ttft":
                layouts.add("ttft")
            columns[column].append(_time_value(metrics.get(name), name, at))
        for column, metric in _TOKENS.items():
            columns[column].append(_plain_value(metrics.get(metric), metric, at))
        start = _first_present(meta, _START_KEYS, None)
        layouts.update(k for k in ("credit_phase", "timestamp_ns") if k in meta)
        starts.append(start if isinstance(start, int) and not isinstance(start, bool) else None)
        error = _error_text(record.get("error"))
        if error is None and meta.get("was_cancelled"):
            error = "cancelled"
            cancelled += 1
        errors.append(error)
    if not seen_metrics:
        raise LoadError(
            f"{path}: no AIPerf record here: expected JSON lines with `metadata` "
            "(request_start_ns or timestamp_ns, benchmark_phase or credit_phase) and "
            "`metrics` (time_to_first_token or ttft, request_latency, output_sequence_length)"
        )
    refuse_empty_lines(path, not_records, _RECORD_FIELDS, tool="AIPerf")
    refuse_empty_lines(path, no_metrics, _METRICS, tool="AIPerf")
    if not errors:
        raise LoadError(
            f"{path}: no profiling-phase record in this AIPerf export "
            f"({warmup} warm-up record(s) dropped); did the profiling phase run?"
        )
    _warn_if_no_ttft(path, columns["time_to_first_token"], errors)
    summary = _summary_metadata(path)
    position = _sweep_position(path)
    level = _level(summary) or (position.level if position else None)
    return [
        Run.from_columns(
            _run_name(path, summary, level, position),
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
                # the October 2025 names this file uses (empty: the current layout)
                "earlier_field_names": sorted(layouts),
                "warmup_records_dropped": warmup,
                "cancelled_requests": cancelled,
                **summary,
                **(sweep_metadata(position.config, position.repeat) if position else {}),
            },
            load=level,
        )
    ]


def _first_present(mapping: dict[str, Any], keys: tuple[str, ...], default: Any) -> Any:
    """The value of the first of `keys` that `mapping` holds, else `default`."""
    for key in keys:
        if key in mapping:
            return mapping[key]
    return default


def _warn_if_no_ttft(path: Path, ttft: list[float | None], errors: list[str | None]) -> None:
    """Warn when no successful record has a TTFT metric under either of its names."""
    ok = [t for t, e in zip(ttft, errors, strict=True) if e is None]
    if ok and all(t is None for t in ok):
        warnings.warn(
            f"{path}: none of the {len(ok)} successful AIPerf record(s) has a TTFT metric "
            "(`time_to_first_token` or `ttft`); TTFT and TPOT are missing (was the run "
            "made without --streaming?)",
            stacklevel=3,
        )


def _read_summary(path: Path) -> dict[str, Any]:
    """The `input_config` of the profile_export_aiperf.json next to `path`, or {}.

    Only names the run: a missing, huge or unreadable summary gives {} (the records
    themselves are complete without it).
    """
    data = read_side_json(path.parent, _SUMMARY_NAME, _SUMMARY_MAX_BYTES)
    config = data.get("input_config") if isinstance(data, dict) else None
    return config if isinstance(config, dict) else {}


def _summary_metadata(path: Path) -> dict[str, Any]:
    """Model and load settings from the summary next to the records, when there is one."""
    config = _read_summary(path)
    endpoint = member(config, "endpoint")
    loadgen = member(config, "loadgen")
    models = endpoint.get("model_names")
    out: dict[str, Any] = {}
    if isinstance(models, list) and models and isinstance(models[0], str):
        out["model"] = models[0]
    for key in ("concurrency", "request_rate", "request_count", "streaming"):
        source = loadgen if key != "streaming" else endpoint
        value = source.get(key)
        if isinstance(value, (int, float, str, bool)):
            out[key] = value
    return out


def _level(summary: dict[str, Any]) -> Load | None:
    """The level the profile's settings give: `request_rate`, else `concurrency`."""
    rate = limit(summary.get("request_rate"), unlimited=())
    concurrency = limit(summary.get("concurrency"), unlimited=())
    return offered_load(rate, concurrency)


#: Folders of a sweep: the level's (`concurrency_10`, `request_rate_2.5`), a repeat's
#: (`run_0001`; `trial_0001` in AIPerf's first sweep docs) and the repeats' `profile_runs`.
_LEVEL_FOLDER = re.compile(r"^(?:concurrency|request_rate)_\d+(?:\.\d+)?$")
_REPEAT_FOLDER = re.compile(r"^(?:run|trial)_(?P<repeat>\d+)$")
_RUNS_FOLDER = "profile_runs"


class _Position(NamedTuple):
    """Where a profile export stands in a sweep or multi-run artifact folder."""

    config: str
    repeat: int | None
    level: Load | None


def _sweep_position(path: Path) -> _Position | None:
    """The artifact folder, repeat and level folder around `path`, from the folders AIPerf
    writes (see the module's docstring); None outside a sweep or multi-run folder."""
    level: Load | None = None
    repeat: int | None = None
    found = False
    folder = path.parent
    for _ in range(4):  # concurrency_N / profile_runs / run_000K, in either order
        name = folder.name
        if _LEVEL_FOLDER.match(name) and level is None:
            level = level_in_name(name)
        elif (match := _REPEAT_FOLDER.match(name)) and repeat is None:
            repeat = int(match.group("repeat"))
        elif name != _RUNS_FOLDER:
            break
        found = True
        folder = folder.parent
    if not found:
        return None
    return _Position(folder.name or "AIPerf sweep", repeat, level)


def _load_text(level: Load) -> str:
    """ "concurrency N" or "R req/s" (AIPerf's own words)."""
    if level.kind == "rate":
        return f"{plain_number(level.value)} req/s"
    return str(level)


def _run_name(
    path: Path, summary: dict[str, Any], level: Load | None, position: _Position | None
) -> str:
    """ "model · concurrency N" (or "· R req/s"; "· run K" for a repeat) from the summary
    next to the records; without a model, the sweep's artifact folder or AIPerf's artifact
    folder (it names it after model, endpoint and load)."""
    folder = path.parent.name if data_name(path).startswith("profile_export") else ""
    base = folder or data_stem(path)
    model = short_model(summary.get("model"))
    parts = [model or (position.config if position else base)]
    if level is not None:
        parts.append(_load_text(level))
    elif model is not None:
        parts.append(base)
    if position is not None and position.repeat is not None:
        parts.append(f"run {position.repeat}")
    return " · ".join(parts)


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
