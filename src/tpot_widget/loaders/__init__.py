"""Turn benchmark outputs (files, folders, objects) into `Run`s.

One module per tool; each exposes `FORMAT` (its name), `sniff(path, head) -> bool` (does
this file or folder look like mine, judged from its content) and `load(path) -> list[Run]`.
This module only detects and dispatches.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

from ..run import Run
from . import aiperf, genai_perf, guidellm, llm_load_test, llmeter, llmperf, sglang, vllm
from ._common import LoadError

__all__ = ["FORMATS", "LoadError", "load_run", "load_runs"]

#: Loader modules in detection order (most specific signatures first).
LOADERS: tuple[ModuleType, ...] = (
    llmeter,
    vllm,
    sglang,
    aiperf,
    genai_perf,
    guidellm,
    llmperf,
    llm_load_test,
)
#: Format name → loader module; the values accepted by `format=`.
FORMATS: dict[str, ModuleType] = {m.FORMAT: m for m in LOADERS}

_HEAD_BYTES = 1 << 16


def _read_head(path: Path) -> bytes:
    if path.is_dir():
        return b""
    try:
        with path.open("rb") as f:
            return f.read(_HEAD_BYTES)
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the file ({exc.strerror})") from exc


def _detect(path: Path) -> ModuleType:
    head = _read_head(path)
    if not path.is_dir() and not head.strip():
        raise LoadError(
            f"{path}: the file is empty; was the benchmark interrupted before it wrote?"
        )
    for module in LOADERS:
        if module.sniff(path, head):
            return module
    tried = ", ".join(FORMATS)
    raise LoadError(
        f"{path}: not a benchmark output this library recognises (tried: {tried}). "
        "Pass format=... to force one, or see FORMATS in tpot_widget.loaders."
    )


def _load_path(path: Path, format: str | None) -> list[Run]:
    if not path.exists():
        raise LoadError(f"{path}: no such file or folder")
    if format is not None:
        try:
            module = FORMATS[format]
        except KeyError:
            raise LoadError(
                f"unknown format {format!r}; choose one of {', '.join(FORMATS)}"
            ) from None
        return module.load(path)
    if path.is_dir() and not llmeter.sniff(path, b""):
        return _load_folder_of_runs(path)
    return _detect(path).load(path)


def _load_folder_of_runs(folder: Path) -> list[Run]:
    """Every run in a folder that is not itself a run (e.g. LLMeter's output root)."""
    runs = _runs_below(folder, depth=_MAX_DEPTH)
    if not runs:
        raise LoadError(
            f"{folder}: found no benchmark run in this folder or its subfolders (looked for "
            f"LLMeter run folders and files of: {', '.join(FORMATS)})"
        )
    return runs


#: How deep `load_runs(folder)` looks (LLMeter experiments nest runs two levels down).
_MAX_DEPTH = 3


def _runs_below(folder: Path, depth: int) -> list[Run]:
    """The runs of `folder`'s run subfolders and recognised files, sorted by name."""
    runs: list[Run] = []
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    for entry in entries:
        if entry.is_dir():
            if llmeter.sniff(entry, b""):
                runs.extend(llmeter.load(entry))
            elif depth > 1:
                runs.extend(_runs_below(entry, depth - 1))
            continue
        if entry.suffix.lower() not in (".json", ".jsonl"):
            continue
        head = _read_head(entry)
        module = next((m for m in LOADERS if head.strip() and m.sniff(entry, head)), None)
        if module is not None:
            runs.extend(module.load(entry))
    return runs


def load_runs(source: Any, format: str | None = None) -> list[Run]:
    """Every run that `source` holds.

    `source` is a path (file or folder), a `Run`, an LLMeter `Result` (duck-typed), a
    pandas/polars DataFrame with the canonical columns, or a list of those. The format is
    detected from the content; `format=` (one of `FORMATS`) overrides the detection.
    """
    if isinstance(source, Run):
        return [source]
    if isinstance(source, (str, os.PathLike)):
        return _load_path(Path(source), format)
    if isinstance(source, (list, tuple)):
        return [run for item in source for run in load_runs(item, format)]
    if llmeter.is_result_object(source):
        return [llmeter.load_result_object(source)]
    if hasattr(source, "columns") and (hasattr(source, "iloc") or hasattr(source, "to_pandas")):
        return [Run.from_frame(source)]
    raise TypeError(
        f"cannot load a run from a {type(source).__name__}; pass a path, a Run, an LLMeter "
        "Result or a DataFrame with the columns time_to_first_token, time_to_last_token, "
        "num_tokens_output"
    )


def load_run(source: Any, format: str | None = None) -> Run:
    """Exactly one run from `source` (see `load_runs`); an error lists the runs found."""
    runs = load_runs(source, format)
    if len(runs) != 1:
        names = ", ".join(repr(r.name) for r in runs)
        raise LoadError(
            f"{source}: expected exactly one run, found {len(runs)}: {names}. "
            "Use load_runs() to get them all and pick one."
        )
    return runs[0]
