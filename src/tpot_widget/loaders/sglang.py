"""SGLang `python -m sglang.bench_serving --output-details` result files.

JSON lines, one run per line (SGLang appends), with the same parallel per-request arrays
as vLLM (`input_lens`, `output_lens`, `ttfts`, `itls`, `errors`) but no latencies and no
start times: E2E = TTFT + sum(ITLs), and `request_start` is unknown (NaN).

Load level: `request_rate` (Infinity for no limit) and `max_concurrency` (null for no
limit), as vLLM's. A file of several runs (one per line, appended) is a sweep: its runs
share the `sweep_config` "backend · file".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..params import unique_names
from ..run import Run
from ._arrays import parallel_arrays_runs, runs_with_arrays
from ._io import data_stem
from ._metadata import sweep_metadata
from .vllm import SGLANG_KEYS

FORMAT = "sglang"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ()

_DETAIL_KEYS = ("ttfts", "output_lens", "itls")
#: Run-level fields of every SGLang result.
_HEADER_FIELDS = (
    "backend",
    "dataset_name",
    "completed",
    "total_output_tokens_retokenized",
    "mean_e2e_latency_ms",
    "mean_ttft_ms",
)
_ARRAY_KEYS = ("input_lens", "output_lens", "ttfts", "itls", "generated_texts", "errors")


def sniff(path: Path, head: bytes) -> bool:
    """A JSON object with SGLang's own aggregate fields (retokenized totals, e2e latency)."""
    start = head.lstrip()
    if not start.startswith(b"{"):
        return False
    return any(k in head for k in SGLANG_KEYS) and (
        b'"backend"' in head or b'"dataset_name"' in head
    )


def load(path: Path) -> list[Run]:
    """Every run of an SGLang result file (one per line)."""
    path = Path(path)
    runs = runs_with_arrays(
        path,
        _DETAIL_KEYS,
        kind="an SGLang result",
        no_details=(
            "this SGLang result holds only aggregate numbers (no per-request "
            "arrays). Rerun `python -m sglang.bench_serving` with `--output-details` "
            "(SGLang 0.4.7 or later) to keep them."
        ),
        skip_advice="rerun sglang.bench_serving with --output-details to keep them",
        known_keys=(*_ARRAY_KEYS, *_HEADER_FIELDS),
        tool="SGLang",
    )
    several = len(runs) > 1
    names = unique_names(
        [_run_name(obj, path, index, several) for index, (_, obj) in enumerate(runs, 1)]
    )
    config = f"{runs[0][1].get('backend') or 'SGLang'} · {data_stem(path)}"
    return parallel_arrays_runs(
        path,
        runs,
        names,
        format=FORMAT,
        tool="SGLang",
        array_keys=_ARRAY_KEYS,
        extra=[sweep_metadata(config) if several else {} for _ in runs],
    )


def _run_name(obj: dict[str, Any], path: Path, index: int, several: bool) -> str:
    """`tag` when set, else the file's name (with the run's number when it holds several)."""
    if obj.get("tag"):
        return str(obj["tag"])
    if not several:
        return data_stem(path)
    rate = obj.get("request_rate")
    concurrency = obj.get("max_concurrency")
    return f"{data_stem(path)} #{index} (rate={rate}, max_concurrency={concurrency})"
