"""vLLM `vllm bench serve --save-result --save-detailed` result files, and the folders of
`vllm bench sweep serve`.

One JSON object per run with parallel per-request arrays (`input_lens`, `output_lens`,
`ttfts`, `itls`, `errors`, and in newer versions `latencies`, `start_times`); with
`--append-result` several objects stand on separate lines of one file, each a run.
vLLM keeps no per-request TPOT of its own, so `tpot_reported` stays NaN.

Load level: `request_rate` (a number, or "inf" for no limit) and `max_concurrency` (null
for no limit): the rate when it is finite, else the concurrency, else "throughput".

`vllm bench sweep serve` writes `<experiment>/SERVE--<serve params>-BENCH--<bench
params>/run=K.json` (vllm/benchmarks/sweep/serve.py): one folder per combination, K the
repeat (0, 1, ...), beside `summary.json` (the list of the runs) and `warmup.json`. Such a
folder (or the experiment folder) loads as its `run=K.json` runs; each run's
`sweep_config` is the SERVE parameters (with the BENCH ones that are not the load level).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..load import Load
from ..params import unique_names
from ..run import Run
from ._arrays import parallel_arrays_runs, run_level, runs_with_arrays
from ._io import LoadError, data_name, data_stem, is_regular_file
from ._levels import level_in_name
from ._metadata import sweep_metadata
from ._names import level_name, short_model

FORMAT = "vllm"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ()

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


#: A combination folder of `vllm bench sweep serve` (either part may be missing).
_COMBINATION = re.compile(r"^(?:SERVE--(?P<serve>.+?))?(?:-?BENCH--(?P<bench>.+))?$")
#: A measured run of a combination (warmup.json, summary.json and *.failure.json are not;
#: a compressed run=K.json.gz is one).
_RUN_FILE = re.compile(r"^run=(?P<repeat>\d+)\.json$")
#: BENCH parameters that set the load level (the rest belong to the configuration).
_LEVEL_PARAMS = re.compile(r"(?:^|-)(?:max[_-]concurrency|request[_-]rate)=[^-=]*(?=-|$)")


def _combination(folder: Path) -> re.Match[str] | None:
    """The match of a sweep combination folder's name, else None."""
    match = _COMBINATION.match(folder.name)
    return match if match and (match.group("serve") or match.group("bench")) else None


def _run_files(folder: Path) -> list[Path]:
    """The `run=K.json` files of a combination folder, by K."""
    try:
        found = [
            (m, e.name) for e in os.scandir(folder) if (m := _RUN_FILE.match(data_name(e.name)))
        ]
    except OSError:
        return []
    found.sort(key=lambda pair: int(pair[0].group("repeat")))
    return [folder / name for _, name in found if is_regular_file(folder / name)]


def _combination_folders(folder: Path) -> list[Path]:
    """`folder` itself when it is a combination folder with runs, else its subfolders that
    are (a sweep's experiment folder), by name."""
    if _combination(folder) and _run_files(folder):
        return [folder]
    try:
        children = sorted(e.path for e in os.scandir(folder) if e.is_dir())
    except OSError:
        return []
    return [Path(c) for c in children if _combination(Path(c)) and _run_files(Path(c))]


def sniff(path: Path, head: bytes) -> bool:
    """A JSON object starting with vLLM's header (date, model_id, tokenizer_id...), or a
    `vllm bench sweep serve` folder (an experiment or one combination)."""
    if not head and path.is_dir():
        return bool(_combination_folders(path))
    start = head.lstrip()
    if not start.startswith(b"{") or any(k in head for k in SGLANG_KEYS):
        return False
    first = start.split(b"\n", 1)[0] if start.startswith(b'{"') else start
    found = sum(k in first for k in _VLLM_KEYS)
    return found >= 3 and (
        b'"request_throughput"' in head or b'"ttfts"' in head or b'"completed"' in head
    )


def load(path: Path) -> list[Run]:
    """Every run of a vLLM result file (one per JSON object), or of a sweep folder."""
    path = Path(path)
    if path.is_dir():
        return _load_sweep_folder(path)
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
    position = _sweep_position(path)
    if position is not None:
        config, repeat = position
        extra = [sweep_metadata(config, repeat) for _ in runs]
        loads = [_level(obj, path) for _, obj in runs]
        names = unique_names([level_name(config, load, repeat) for load in loads])
    else:
        several = len(runs) > 1  # --append-result: one configuration's runs, one per line
        config = f"{short_model(runs[0][1].get('model_id')) or 'vLLM'} · {data_stem(path)}"
        extra = [sweep_metadata(config) if several else {} for _ in runs]
        loads = [run_level(obj) for _, obj in runs]
        names = unique_names([_run_name(obj, path) for _, obj in runs])
    return parallel_arrays_runs(
        path,
        runs,
        names,
        format=FORMAT,
        tool="vLLM",
        array_keys=_ARRAY_KEYS,
        loads=loads,
        extra=extra,
    )


def _load_sweep_folder(folder: Path) -> list[Run]:
    """The runs of a `vllm bench sweep serve` experiment or combination folder."""
    combinations = _combination_folders(folder)
    if not combinations:
        raise LoadError(
            f"{folder}: not a `vllm bench sweep serve` folder (no SERVE--.../BENCH--... folder "
            "with run=K.json files); pass a result file, or load_runs() the folder"
        )
    return [run for combination in combinations for f in _run_files(combination) for run in load(f)]


def _sweep_position(path: Path) -> tuple[str, int] | None:
    """(configuration, repeat) of a `run=K.json` in a sweep combination folder, else None.

    The configuration is the SERVE parameters, with the BENCH ones that do not set the load
    level; a named BENCH combination (`_benchmark_name`) is taken as naming a level. Without
    any, the experiment folder names it.
    """
    run_file = _RUN_FILE.match(data_name(path))
    combination = _combination(path.parent)
    if run_file is None or combination is None:
        return None
    parts = [combination.group("serve") or ""]
    bench = combination.group("bench") or ""
    if "=" in bench:
        parts.append(_LEVEL_PARAMS.sub("", bench).strip("-"))
    config = " · ".join(p for p in parts if p) or path.parent.parent.name or "vLLM sweep"
    return config, int(run_file.group("repeat"))


def _level(obj: dict[str, Any], path: Path) -> Load | None:
    """The run's level from its fields, else from its combination folder's name."""
    return run_level(obj) or level_in_name(path.parent.name)


def _run_name(obj: dict[str, Any], path: Path) -> str:
    """`label`, else model id + date, else the file's name."""
    if obj.get("label"):
        return str(obj["label"])
    parts = [str(obj[k]) for k in ("model_id", "date") if obj.get(k)]
    return " ".join(parts) if parts else data_stem(path)
