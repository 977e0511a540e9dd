"""Turn benchmark outputs (files, folders, URLs, objects) into `Run`s.

One module per tool, each a `Loader`: `FORMAT` (its name), `sniff(path, head) -> bool`
(does this file or folder look like mine, judged from its content; `head` is the first
64 KiB, decompressed, b"" for a folder) and `load(path) -> list[Run]`. Register a new
module by adding it to `LOADERS` (one line). This module only detects and dispatches;
files are opened by `._io` (regular files only, compression, BOM), URLs staged by
`._remote`.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..run import Run
from . import (
    aibrix,
    aiperf,
    evalscope,
    genai_bench,
    genai_perf,
    guidellm,
    inference_perf,
    llm_load_test,
    llmeter,
    llmperf,
    parquet,
    sglang,
    trtllm_bench,
    vllm,
)
from ._io import (
    LoadError,
    check_file,
    data_name,
    file_url_path,
    is_dir,
    is_url,
    progress,
    read_head,
    stat_path,
)
from ._levels import level_in_path
from ._remote import DEFAULT_TIMEOUT, MAX_DEPTH, load_remote
from ._user_load import LoadOption, apply_load

__all__ = ["FORMATS", "LOADERS", "LoadError", "Loader", "load_run", "load_runs"]


class Loader(Protocol):
    """What a loader module provides (modules satisfy it structurally)."""

    #: The format's name, accepted by `format=`.
    FORMAT: str
    #: Glob patterns of the side files the tool writes beside its per-request data that hold
    #: none (summaries, settings: AIPerf's profile_export_aiperf.json...); a folder's search
    #: skips them without naming them, since they are no run and nothing is lost.
    COMPANIONS: tuple[str, ...]

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when `path` (a file, or a folder with `head == b""`) is this format's."""
        ...

    def load(self, path: Path) -> list[Run]:
        """Every run that `path` holds."""
        ...


#: Loader modules in detection order (most specific signatures first); one line each.
LOADERS: list[Loader] = [
    parquet,
    llmeter,
    vllm,
    sglang,
    aiperf,
    genai_perf,
    guidellm,
    llmperf,
    llm_load_test,
    genai_bench,
    inference_perf,
    aibrix,
    trtllm_bench,
    evalscope,
]
#: Format name → loader module; the values accepted by `format=`.
FORMATS: dict[str, Loader] = {m.FORMAT: m for m in LOADERS}


def _detect(path: Path) -> Loader:
    """The loader that claims the file `path` (content-based), or a LoadError."""
    head = read_head(path)
    if not is_dir(path) and not head.strip():
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


def _module(format: str) -> Loader:
    """The loader named `format`, or a LoadError listing the names."""
    try:
        return FORMATS[format]
    except KeyError:
        raise LoadError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}") from None


def _folder_loader(folder: Path) -> Loader | None:
    """The loader that claims a folder as its own (an LLMeter run folder, a `vllm bench
    sweep serve` folder), else None: the folder is then searched for runs."""
    return next((m for m in LOADERS if m.sniff(folder, b"")), None)


def _load_local(path: Path, format: str | None) -> list[Run]:
    """The runs of a local file or folder (the format detected unless given), each at the
    load level its tool recorded, else the one its file or folder name states."""
    folder = is_dir(path)  # raises for a missing path or a symlink loop
    if not folder:
        check_file(path)  # a FIFO, socket or device is refused, never opened
    if format is not None:
        module = _module(format)
        if folder and not module.sniff(path, b""):
            raise LoadError(
                f"{path}: is a folder, and format={format!r} reads one run's output (a file, "
                "or an LLMeter run folder holding responses.jsonl); pass that path, or leave "
                "format out to load every run found in the folder"
            )
        runs = module.load(path)
    elif folder:
        claimed = _folder_loader(path)
        runs = claimed.load(path) if claimed is not None else _load_folder_of_runs(path)
    else:
        runs = _detect(path).load(path)
    return [_with_named_level(run) for run in runs]


def _with_named_level(run: Run) -> Run:
    """`run`, at the level its file's or folder's name states (`concurrency_16`, `rate=2`,
    ...) when its tool recorded none."""
    if run.load is not None or not run.source:
        return run
    level = level_in_path(Path(run.source))
    return run if level is None else run.with_load(level)


#: A folder of at least this many runs to load shows a progress bar (if it is slow).
_PROGRESS_MIN_FILES = 4
#: How deep `load_runs(folder)` looks: files up to four levels below it, as a URL folder is
#: copied (`_remote.MAX_DEPTH`); evalscope writes outputs/<time>/<model>/parallel_*/x.db.
_MAX_DEPTH = MAX_DEPTH


@dataclass
class _FolderPlan:
    """What a folder holds: (loader, path) to load, and (path, reason) skipped."""

    todo: list[tuple[Loader, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    seen: dict[tuple[int, int], Path] = field(default_factory=dict)


def _plan_folder(folder: Path, plan: _FolderPlan, depth: int) -> None:
    """Fill `plan` with the runs below `folder`: each real file and folder once (links
    resolved), never opening anything that is not a regular file."""
    try:
        entries = sorted(
            (e for e in os.scandir(folder) if not e.name.startswith(".")), key=lambda e: e.name
        )
    except OSError as exc:
        plan.skipped.append((folder, f"cannot list the folder ({exc.strerror})"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            st = stat_path(path)
        except LoadError as exc:
            plan.skipped.append((path, str(exc).removeprefix(f"{path}: ")))
            continue
        key = (st.st_dev, st.st_ino)
        if key in plan.seen:
            plan.skipped.append((path, f"the same {_what(st)} as {plan.seen[key]} (a link)"))
            continue
        plan.seen[key] = path
        if stat.S_ISDIR(st.st_mode):
            claimed = _folder_loader(path)
            if claimed is not None:
                plan.todo.append((claimed, path))
            elif depth > 1:
                _plan_folder(path, plan, depth - 1)
            else:
                plan.skipped.append((path, f"deeper than {_MAX_DEPTH} levels; not searched"))
            continue
        if not stat.S_ISREG(st.st_mode):
            plan.skipped.append((path, "not a regular file (e.g. a named pipe); not opened"))
            continue
        try:
            module = _detect(path)
        except LoadError as exc:
            reason = str(exc).removeprefix(f"{path}: ")
            if reason.startswith("not a benchmark output"):
                if _is_companion(path):
                    continue
                reason = "not recognised as any format"
            plan.skipped.append((path, reason))
            continue
        plan.todo.append((module, path))


def _is_companion(path: Path) -> bool:
    """True for a side file a tool writes beside its runs (`Loader.COMPANIONS`)."""
    name = data_name(path)
    return any(fnmatch.fnmatchcase(name, p) for m in LOADERS for p in m.COMPANIONS)


def _what(st: os.stat_result) -> str:
    """'folder' or 'file', for the skipped-paths warning."""
    return "folder" if stat.S_ISDIR(st.st_mode) else "file"


def _load_folder_of_runs(folder: Path) -> list[Run]:
    """Every run in a folder that is not itself a run (e.g. LLMeter's output root).

    Loads what it can; one warning names every file skipped and why. A file that fails
    to load is skipped (named in that warning), not the end of the folder.
    """
    root = os.stat(folder)
    plan = _FolderPlan(seen={(root.st_dev, root.st_ino): folder})
    _plan_folder(folder, plan, depth=_MAX_DEPTH)
    runs: list[Run] = []
    bar = progress(
        plan.todo,
        desc=folder.name or str(folder),
        unit="file",
        disable=len(plan.todo) < _PROGRESS_MIN_FILES,
    )
    try:
        for module, path in bar:
            try:
                runs.extend(module.load(path))
            except LoadError as exc:
                plan.skipped.append((path, str(exc).removeprefix(f"{path}: ")))
    finally:
        bar.close()
    if not runs:
        details = "".join(f"\n  {p}: {why}" for p, why in plan.skipped)
        raise LoadError(
            f"{folder}: found no benchmark run in this folder or its subfolders (looked for "
            f"LLMeter run folders, vLLM sweep folders and files of: {', '.join(FORMATS)})"
            + (f"; skipped:{details}" if details else "")
        )
    if plan.skipped:
        warnings.warn(_skipped_message(folder, plan.skipped), stacklevel=5)
    return runs


def _skipped_message(folder: Path, skipped: Sequence[tuple[Path, str]]) -> str:
    """'<folder>: skipped N file(s): ...' with one line per file (at most 20)."""
    shown = skipped[:20]
    lines = "".join(f"\n  {p}: {why}" for p, why in shown)
    more = f"\n  ... and {len(skipped) - len(shown)} more" if len(skipped) > len(shown) else ""
    return f"{folder}: loaded the runs found; skipped {len(skipped)} path(s):{lines}{more}"


def load_runs(
    source: Any,
    format: str | None = None,
    *,
    storage_options: Mapping[str, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    load: LoadOption | None = None,
) -> list[Run]:
    """Every run that `source` holds.

    Parameters
    ----------
    source
        A path (file or folder; compressed files too) or ``file:`` URL, an fsspec URL
        (``s3://``, ``gs://``, ``https://``... to a file, or to a folder: end it with ``/``
        for http(s)), a `Run`, an LLMeter `Result` or `LoadTestResult` (duck-typed), a
        pandas/polars DataFrame with the canonical columns, or a list of those.
    format
        One of `FORMATS` to skip detection (it is otherwise read from the content).
    storage_options
        Passed to fsspec for URLs (credentials, ``endpoint_url``...).
    timeout
        Seconds an http(s) server may take to accept the connection and, while sending, between
        two pieces of data (30 by default); a server silent for longer fails the load, naming
        the URL. None waits forever. A ``client_kwargs={"timeout": ...}`` in
        `storage_options` takes precedence. Other URL kinds take their own options there
        (e.g. s3fs: ``config_kwargs={"connect_timeout": ..., "read_timeout": ...}``).
    load
        The load level of the runs, replacing what their tool recorded (`Run.load`): one
        level for every run (``"concurrency=16"``, ``Load("rate", 2.5)``, ``("rate",
        2.5)``; refused when the tool recorded different levels for them), a mapping
        ``{run name: level}`` (the runs it does not name keep theirs), or a function
        ``run -> level`` (None: no level).

    Returns
    -------
    list[Run]
        The runs, in file order (folders: sorted by path). Each is at the load level its
        tool recorded (docs/formats.md says where), else the one its file or folder name
        states (``concurrency_16``, ``rate=2.5``...), else None.
    """
    runs = _load_all(source, format, storage_options, timeout)
    return apply_load(runs, load, source)


def _load_all(
    source: Any,
    format: str | None,
    storage_options: Mapping[str, Any] | None,
    timeout: float | None,
) -> list[Run]:
    """Every run that `source` holds, at the levels the tools recorded (`load_runs`)."""
    if isinstance(source, Run):
        return [source]
    if isinstance(source, (str, os.PathLike)):
        text = os.fspath(source)
        if isinstance(text, bytes):
            text = os.fsdecode(text)
        if not text.strip():
            raise LoadError(
                "an empty path was given; pass a file or folder (use '.' for the current folder)"
            )
        if is_url(text):
            return load_remote(
                text, storage_options, lambda p: _load_local(p, format), timeout=timeout
            )
        return _load_local(Path(file_url_path(text) or text), format)
    if isinstance(source, (list, tuple)):
        return [run for item in source for run in _load_all(item, format, storage_options, timeout)]
    if llmeter.is_result_object(source):
        return [llmeter.load_result_object(source)]
    if llmeter.is_load_test_result(source):
        return llmeter.load_load_test_result(source)
    if hasattr(source, "columns") and (hasattr(source, "iloc") or hasattr(source, "to_pandas")):
        return [Run.from_frame(source)]
    raise TypeError(
        f"cannot load a run from a {type(source).__name__}; pass a path, a Run, an LLMeter "
        "Result or a DataFrame with the columns time_to_first_token, time_to_last_token, "
        "num_tokens_output"
    )


def load_run(
    source: Any,
    format: str | None = None,
    *,
    storage_options: Mapping[str, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    load: LoadOption | None = None,
) -> Run:
    """Exactly one run from `source` (see `load_runs`); an error lists the runs found.

    `load` sets (or replaces) its load level: a `Load`, ``"concurrency=16"``,
    ``("rate", 2.5)``...
    """
    runs = _load_all(source, format, storage_options, timeout)
    if len(runs) != 1:
        names = ", ".join(repr(r.name) for r in runs)
        raise LoadError(
            f"{source}: expected exactly one run, found {len(runs)}: {names}. "
            "Use load_runs() to get them all and pick one."
        )
    return apply_load(runs, load, source)[0]
