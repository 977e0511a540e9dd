"""genai-bench (sgl-project) run files: one JSON object per run (scenario × concurrency).

genai-bench writes `<scenario>_<task>_<iteration type>_<n>_time_<t>s.json` into its
experiment folder: `aggregated_metrics` (scenario, num_concurrency, ...), the per-request
list `individual_request_metrics` and `_time_unit` ("s" or "ms"; absent before the unit
option existed, meaning seconds). `ttft`, `tpot`, `e2e_latency` and `output_latency` are in
that unit; token counts are plain. A failed request has `error_code` (the HTTP status) and
`error_message`, and no metrics. genai-bench's own `tpot` goes to `tpot_reported`.

Load level: `aggregated_metrics.num_concurrency` (genai_bench/metrics/metrics.py), the
concurrency of the run; a `batch_size` iteration (embeddings) runs at concurrency 1
(genai_bench/cli/utils.py `get_run_params`). An experiment folder runs every traffic
scenario at every level, one file each: a scenario's runs share the `sweep_config`
"<experiment folder> · <scenario>" (and "· batch size B").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..load import Load
from ..run import Run
from ._io import LoadError, data_stem
from ._json import read_json, read_side_json
from ._levels import limit
from ._metadata import scalar_metadata, sweep_metadata
from ._names import plain_number, short_model
from ._records import as_row
from ._values import as_number

FORMAT = "genai-bench"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ("experiment_metadata.json",)

#: Seconds per unit of `_time_unit` (genai-bench writes "s" or "ms").
TIME_UNITS: dict[str, float] = {"s": 1.0, "ms": 1e-3}
_REQUESTS = "individual_request_metrics"
_HEAD = re.compile(rb'"(individual_request_metrics|aggregated_metrics)"\s*:')
_OWN = re.compile(rb'"(individual_request_metrics|num_concurrency|iteration_type|_time_unit)"')
#: What every request of individual_request_metrics holds (an entry with none is no request).
_REQUEST_FIELDS = (
    "ttft",
    "tpot",
    "e2e_latency",
    "num_input_tokens",
    "num_output_tokens",
    "error_code",
    "error_message",
)
_METADATA_FILE = "experiment_metadata.json"
_METADATA_MAX_BYTES = 4 << 20


def sniff(path: Path, head: bytes) -> bool:
    """A JSON object with genai-bench's `aggregated_metrics`/`individual_request_metrics`."""
    if not head.lstrip().startswith(b"{"):
        return False
    found = {m.group(1) for m in _HEAD.finditer(head)}
    return b"aggregated_metrics" in found and _OWN.search(head) is not None


def load(path: Path) -> list[Run]:
    """The one run of a genai-bench run file."""
    path = Path(path)
    data = read_json(path)
    if not isinstance(data, dict) or _REQUESTS not in data:
        raise LoadError(
            f"{path}: expected a genai-bench run file (an object with {_REQUESTS!r}, "
            "'aggregated_metrics' and '_time_unit'); experiment_metadata.json and the "
            "Excel/plot reports hold no per-request data"
        )
    requests = data[_REQUESTS]
    if not isinstance(requests, list) or not requests:
        raise LoadError(f"{path}: {_REQUESTS!r} is empty or not a list; the run holds no request")
    unit = data.get("_time_unit", "s")
    factor = TIME_UNITS.get(str(unit).strip())
    if factor is None:
        raise LoadError(
            f"{path}: unknown _time_unit {unit!r}; genai-bench writes one of "
            f"{', '.join(TIME_UNITS)}"
        )
    rows = [_row(r, factor, f"{path}: {_REQUESTS}[{i}]") for i, r in enumerate(requests)]
    aggregated = data.get("aggregated_metrics")
    aggregated = aggregated if isinstance(aggregated, dict) else {}
    model = _experiment_model(path)
    return [
        Run.from_columns(
            _run_name(path, aggregated, model),
            time_to_first_token=[r[0] for r in rows],
            time_to_last_token=[r[1] for r in rows],
            tpot_reported=[r[2] for r in rows],
            num_tokens_input=[r[3] for r in rows],
            num_tokens_output=[r[4] for r in rows],
            error=[r[5] for r in rows],
            format=FORMAT,
            source=str(path),
            metadata={
                "tool": "genai-bench",
                "time_unit": unit,
                "model": model,
                **scalar_metadata(aggregated, skip=("stats", "error_codes_frequency")),
                "tpot_reported": "genai-bench's own tpot, in seconds",
                **sweep_metadata(_sweep_config(path, aggregated)),
            },
            load=_level(aggregated),
        )
    ]


def _level(aggregated: dict[str, Any]) -> Load | None:
    """The run's concurrency: `num_concurrency` (1, its default, for batch-size runs)."""
    concurrency = limit(aggregated.get("num_concurrency", 1), unlimited=())
    return None if concurrency is None else Load("concurrency", concurrency)


def _sweep_config(path: Path, aggregated: dict[str, Any]) -> str:
    """ "<experiment folder> · <scenario>" (and the batch size of a batch-size run)."""
    parts = [path.parent.name or data_stem(path)]
    if aggregated.get("scenario"):
        parts.append(str(aggregated["scenario"]))
    if aggregated.get("iteration_type") == "batch_size" and "batch_size" in aggregated:
        parts.append(f"batch size {plain_number(aggregated['batch_size'])}")
    return " · ".join(parts)


_Row = tuple[float | None, float | None, float | None, float | None, float | None, str | None]


def _row(request: Any, factor: float, at: str) -> _Row:
    """One request: (ttft, e2e, tool's tpot) in seconds, input/output tokens, error text."""
    request = as_row(request, at)
    if not any(k in request for k in _REQUEST_FIELDS):
        raise LoadError(
            f"{at} holds none of genai-bench's per-request fields ({', '.join(_REQUEST_FIELDS)}); "
            "genai-bench writes them for every request (a failed one keeps error_code): "
            "remove the entry or restore the file"
        )

    def number(key: str) -> float | None:
        return as_number(request.get(key), f"{at}.{key}")

    def seconds(key: str) -> float | None:
        value = number(key)
        return None if value is None else value * factor

    code = request.get("error_code")
    message = request.get("error_message")
    error = None
    if code or message:  # genai-bench: a request failed when it has an error code
        label = f"error {code}" if code is not None else "error"
        error = f"{label}: {message}" if message else label
    return (
        seconds("ttft"),
        seconds("e2e_latency"),
        seconds("tpot"),
        number("num_input_tokens"),
        number("num_output_tokens"),
        error,
    )


def _experiment_model(path: Path) -> str | None:
    """`model` of the experiment_metadata.json beside the run file (None if unreadable)."""
    data = read_side_json(path.parent, _METADATA_FILE, _METADATA_MAX_BYTES)
    model = data.get("model") if isinstance(data, dict) else None
    return model if isinstance(model, str) and model.strip() else None


def _run_name(path: Path, aggregated: dict[str, Any], model: str | None) -> str:
    """ "model · scenario · concurrency N" (the experiment folder stands in for the model)."""
    who = short_model(model) if model else path.parent.name
    parts = [who or data_stem(path)]
    if aggregated.get("scenario"):
        parts.append(str(aggregated["scenario"]))
    if aggregated.get("iteration_type") == "batch_size" and "batch_size" in aggregated:
        parts.append(f"batch size {plain_number(aggregated['batch_size'])}")
    elif "num_concurrency" in aggregated:
        parts.append(f"concurrency {plain_number(aggregated['num_concurrency'])}")
    if len(parts) == 1:
        parts.append(data_stem(path))
    return " · ".join(parts)
