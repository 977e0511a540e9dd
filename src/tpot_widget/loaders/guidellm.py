"""guidellm `benchmarks.json`: every benchmark (one load strategy/rate) is a run.

Reads both schemas: 0.4+ (`request_start_time`, `request_latency`, `info.timings`,
`info.error`) and 0.2–0.3 (flat `start_time`, `end_time`, `first_token_time`, `error`).
Runs are named "model · strategy" (the file's stem stands in for a missing model), so
that runs of two files stay apart. Requests come from `successful`, `errored` and
`incomplete`; the latter two keep an error text (incomplete ones say "incomplete: ..."),
so they are counted but not used in statistics.
guidellm's own `time_per_output_token_ms` (it includes the TTFT) goes to `tpot_reported`.

Load level: the benchmark's strategy (`config.strategy` in 0.4+, `args.strategy` in
0.2–0.3; guidellm/scheduler/strategies.py): `type_` "synchronous" → synchronous,
"concurrent" → concurrency `streams`, "throughput" → throughput, "constant" and "poisson"
→ rate `rate` (requests/s); a replayed trace has none. A file is one configuration's
sweep (guidellm's default profile runs synchronous, throughput, then constant rates): its
runs share the `sweep_config` "model · file" (the folder for the default benchmarks.json).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from ..load import Load
from ..params import unique_names
from ..run import Run
from ._io import LoadError, data_stem
from ._json import member, read_json
from ._levels import limit
from ._metadata import sweep_metadata
from ._names import file_label, plain_number, short_model
from ._records import as_row
from ._times import since_first_start
from ._values import as_number, diff_or_none

FORMAT = "guidellm"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ()

_BENCHMARKS = re.compile(rb'"benchmarks"\s*:')
_SIGNATURE = re.compile(
    rb'"(guidellm_version|generative_benchmark|request_totals|scheduler_state'
    rb'|time_to_first_token_ms|generative_text_response|generative_request_stats)"'
)
_STATUSES = ("successful", "errored", "incomplete")


def sniff(path: Path, head: bytes) -> bool:
    """A JSON object with a `benchmarks` key and guidellm's own field or type names."""
    return (
        head.lstrip().startswith(b"{")
        and _BENCHMARKS.search(head) is not None
        and _SIGNATURE.search(head) is not None
    )


def _first_number(value: Any, fallback: Any, where: str) -> float | None:
    """`value` as a number, else `fallback` (both may be None)."""
    return as_number(fallback if value is None else value, where)


def _scaled(value: float | None, factor: float) -> float | None:
    """value × factor, None stays None."""
    return None if value is None else value * factor


def _strategy_name(strategy: Any, index: int) -> str:
    """'synchronous', 'concurrent 4 streams', 'constant 1.5 req/s', 'throughput', ..."""
    if not isinstance(strategy, dict) or not strategy.get("type_"):
        return f"benchmark {index}"
    kind = str(strategy["type_"])
    if strategy.get("rate") is not None and kind not in ("synchronous", "concurrent"):
        return f"{kind} {plain_number(strategy['rate'])} req/s"
    if strategy.get("streams") is not None:
        return f"{kind} {plain_number(strategy['streams'])} streams"
    if strategy.get("max_concurrency") is not None and kind != "synchronous":
        return f"{kind} (max concurrency {plain_number(strategy['max_concurrency'])})"
    return kind


def _level(strategy: Any) -> Load | None:
    """The load level of a strategy (`type_` and `streams` / `rate`), None for a trace."""
    if not isinstance(strategy, dict):
        return None
    kind = strategy.get("type_")
    if kind == "synchronous":
        return Load("synchronous")
    if kind == "throughput":
        return Load("throughput")
    if kind == "concurrent":
        streams = limit(strategy.get("streams"), unlimited=())
        return None if streams is None else Load("concurrency", streams)
    if kind in ("constant", "poisson"):
        rate = limit(strategy.get("rate"), unlimited=())
        return None if rate is None else Load("rate", rate)
    return None


def _strategy(bench: Any) -> Any:
    """The benchmark's strategy: `config.strategy` (0.4+) or `args.strategy` (0.2–0.3)."""
    if not isinstance(bench, dict):
        return None
    for section in ("config", "args"):
        part = bench.get(section)
        if isinstance(part, dict) and part.get("strategy") is not None:
            return part["strategy"]
    return None


def _model(bench: Any) -> Any:
    """The benchmark's model: `config.backend.model` (0.4+) or `worker.backend_model`."""
    if not isinstance(bench, dict):
        return None
    config = bench.get("config")
    backend = config.get("backend") if isinstance(config, dict) else None
    if isinstance(backend, dict) and backend.get("model"):
        return backend["model"]
    worker = bench.get("worker")
    return worker.get("backend_model") if isinstance(worker, dict) else None


def _is_new_schema(request: dict[str, Any]) -> bool:
    """0.4+ requests carry `info`/`request_start_time`; 0.2–0.3 ones a flat `start_time`."""
    return "info" in request or "request_start_time" in request


#: One request: (ttft, e2e, tpot_reported, input tokens, output tokens, start epoch s, error).
_Row = tuple[
    float | None, float | None, float | None, float | None, float | None, float | None, str | None
]


def _request_row(request: Any, status: str, where: str) -> _Row:
    """One request of either schema as a row of seconds, token counts and error text."""
    request = as_row(request, where)
    ttft = _scaled(
        as_number(request.get("time_to_first_token_ms"), f"{where}.time_to_first_token_ms"), 1e-3
    )
    e2e = as_number(request.get("request_latency"), f"{where}.request_latency")
    tpot = _scaled(
        as_number(request.get("time_per_output_token_ms"), f"{where}.time_per_output_token_ms"),
        1e-3,
    )
    if _is_new_schema(request):
        info = member(request, "info")
        timings = member(info, "timings")
        start = _first_number(
            request.get("request_start_time"),
            timings.get("request_start"),
            f"{where}.request_start",
        )
        first = as_number(
            timings.get("first_token_iteration"), f"{where}.info.timings.first_token_iteration"
        )
        end = _first_number(
            request.get("request_end_time"), timings.get("request_end"), f"{where}.request_end"
        )
        error = info.get("error")
        state = info.get("status")
    else:
        start = as_number(request.get("start_time"), f"{where}.start_time")
        first = as_number(request.get("first_token_time"), f"{where}.first_token_time")
        end = as_number(request.get("end_time"), f"{where}.end_time")
        error = request.get("error")
        state = None
    if ttft is None:
        ttft = diff_or_none(first, start)
    if e2e is None:
        e2e = diff_or_none(end, start)
    text = None if error is None or error == "" else str(error)
    if status == "errored":
        text = text or f"errored ({state or 'no error message recorded'})"
    elif status == "incomplete":
        text = f"incomplete: {text or state or 'the request did not finish'}"
    return (
        ttft,
        e2e,
        tpot,
        as_number(request.get("prompt_tokens"), f"{where}.prompt_tokens"),
        as_number(request.get("output_tokens"), f"{where}.output_tokens"),
        start,
        text,
    )


def _load_benchmark(
    path: Path, index: int, bench: Any, top: dict[str, Any], name: str, config_name: str
) -> Run:
    where = f"{path}: benchmarks[{index}]"
    bench = as_row(bench, where)
    requests = bench.get("requests")
    if not isinstance(requests, dict) or not any(
        isinstance(requests.get(s), list) for s in _STATUSES
    ):
        raise LoadError(
            f"{where} ({name}) has no per-request data ('requests' with successful/errored/"
            "incomplete lists); save the benchmark as JSON with guidellm's default output"
        )
    rows: list[_Row] = []
    counts: dict[str, int] = {}
    for status in _STATUSES:
        group = requests.get(status) or []
        if not isinstance(group, list):
            raise LoadError(f"{where}.requests.{status} is not a list")
        counts[status] = len(group)
        rows.extend(
            _request_row(r, status, f"{where}.requests.{status}[{i}]") for i, r in enumerate(group)
        )
    if not rows:
        raise LoadError(f"{where} ({name}) holds no requests (successful, errored or incomplete)")

    config = member(bench, "config")
    new_schema = bool(config) or "scheduler_metrics" in bench
    if new_schema:
        backend = member(config, "backend")
        model, target = backend.get("model"), backend.get("target")
        totals = (bench.get("scheduler_metrics") or {}).get("requests_made")
    else:
        worker = member(bench, "worker")
        model, target = worker.get("backend_model"), worker.get("backend_target")
        totals = bench.get("request_totals")
    if isinstance(totals, dict):
        sampled = {s: totals.get(s) for s in _STATUSES if totals.get(s) not in (None, counts[s])}
        if sampled:
            warnings.warn(
                f"{where} ({name}): guidellm kept only a sample of the requests "
                + ", ".join(f"{s} {counts[s]} of {n}" for s, n in sampled.items())
                + "; statistics use the sampled requests",
                stacklevel=3,
            )

    meta_top = member(top, "metadata")
    return Run.from_columns(
        name,
        time_to_first_token=[r[0] for r in rows],
        time_to_last_token=[r[1] for r in rows],
        tpot_reported=[r[2] for r in rows],
        num_tokens_input=[r[3] for r in rows],
        num_tokens_output=[r[4] for r in rows],
        request_start=since_first_start([r[5] for r in rows]),
        error=[r[6] for r in rows],
        format=FORMAT,
        source=str(path),
        metadata={
            "tool": "guidellm",
            "guidellm_version": meta_top.get("guidellm_version"),
            "schema": "0.4+" if new_schema else "0.2-0.3",
            "benchmark_index": index,
            "strategy": _strategy(bench),
            "model": model,
            "target": target,
            "requests_loaded": counts,
            "requests_made": totals,
            "start_time": bench.get("start_time"),
            "end_time": bench.get("end_time"),
            "duration": bench.get("duration"),
            "tpot_reported": "guidellm's own time_per_output_token_ms, in seconds",
            **sweep_metadata(config_name),
        },
        load=_level(_strategy(bench)),
    )


def load(path: Path) -> list[Run]:
    """Every benchmark of a guidellm `benchmarks.json` as a Run, named "model · strategy"
    (the file's stem when the report names no model)."""
    path = Path(path)
    data = read_json(path)
    if not isinstance(data, dict) or "benchmarks" not in data:
        raise LoadError(f"{path}: expected a guidellm report (an object with 'benchmarks')")
    benchmarks = data["benchmarks"]
    if not isinstance(benchmarks, list) or not benchmarks:
        raise LoadError(
            f"{path}: the 'benchmarks' list is empty or missing; the report holds no run "
            "(did guidellm stop before the first benchmark finished?)"
        )
    names = unique_names(
        [
            f"{short_model(_model(b)) or data_stem(path)} · {_strategy_name(_strategy(b), i)}"
            for i, b in enumerate(benchmarks)
        ]
    )
    model = short_model(next((m for m in map(_model, benchmarks) if m), None))
    label = file_label(path, ("benchmarks",))
    config_name = label if model is None else f"{model} · {label}"
    return [
        _load_benchmark(path, index, bench, data, name, config_name)
        for index, (bench, name) in enumerate(zip(benchmarks, names, strict=True))
    ]
