"""vLLM `vllm bench serve --save-result --save-detailed` result files.

One JSON object per run with parallel per-request arrays (`input_lens`, `output_lens`,
`ttfts`, `itls`, `errors`, and in newer versions `latencies`, `start_times`); with
`--append-result` several objects stand on separate lines of one file, each a run.
vLLM keeps no per-request TPOT of its own, so `tpot_reported` stays NaN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..params import unique_names
from ..run import Run
from ._arrays import parallel_arrays_runs, runs_with_arrays
from ._io import data_stem

FORMAT = "vllm"

#: Header fields vLLM writes first (`date`, `model_id`, `tokenizer_id`, `num_prompts`).
_VLLM_KEYS = (b'"tokenizer_id"', b'"num_prompts"', b'"model_id"', b'"date"')
#: Fields only SGLang's bench_serving writes; a file with them is not vLLM's.
SGLANG_KEYS = (b'"total_output_tokens_retokenized"', b'"mean_e2e_latency_ms"')
#: Per-request arrays; `latencies` alone is what vLLM keeps without --save-detailed.
_DETAIL_KEYS = ("ttfts", "output_lens")
#: Run-level fields of every vLLM result (with or without the per-request arrays).
_HEADER_FIELDS = (
    "date",
    "model_id",
    "tokenizer_id",
    "num_prompts",
    "completed",
    "request_throughput",
    "mean_ttft_ms",
)
_ARRAY_KEYS = (
    "input_lens",
    "output_lens",
    "ttfts",
    "itls",
    "latencies",
    "start_times",
    "queue_times",
    "server_ttfts",
    "server_queue_times",
    "generated_texts",
    "errors",
)


def sniff(path: Path, head: bytes) -> bool:
    """A JSON object starting with vLLM's header (date, model_id, tokenizer_id...)."""
    start = head.lstrip()
    if not start.startswith(b"{") or any(k in head for k in SGLANG_KEYS):
        return False
    first = start.split(b"\n", 1)[0] if start.startswith(b'{"') else start
    found = sum(k in first for k in _VLLM_KEYS)
    return found >= 3 and (
        b'"request_throughput"' in head or b'"ttfts"' in head or b'"completed"' in head
    )


def load(path: Path) -> list[Run]:
    """Every run of a vLLM result file (one per JSON object)."""
    path = Path(path)
    runs = runs_with_arrays(
        path,
        _DETAIL_KEYS,
        kind="a vLLM result",
        no_details=(
            "this vLLM result holds only aggregate numbers (no per-request TTFT "
            "and token counts). Rerun `vllm bench serve` with `--save-result "
            "--save-detailed` to keep the per-request arrays."
        ),
        skip_advice="per-request TTFT and token counts need `vllm bench serve --save-detailed`",
        known_keys=(*_ARRAY_KEYS, *_HEADER_FIELDS),
        tool="vLLM",
    )
    names = unique_names([_run_name(obj, path) for _, obj in runs])
    return parallel_arrays_runs(
        path, runs, names, format=FORMAT, tool="vLLM", array_keys=_ARRAY_KEYS
    )


def _run_name(obj: dict[str, Any], path: Path) -> str:
    """`label`, else model id + date, else the file's name."""
    if obj.get("label"):
        return str(obj["label"])
    parts = [str(obj[k]) for k in ("model_id", "date") if obj.get(k)]
    return " ".join(parts) if parts else data_stem(path)
