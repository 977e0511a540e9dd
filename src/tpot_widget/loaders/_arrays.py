"""vLLM / SGLang style result files: one object per run with parallel per-request arrays
(`ttfts`, `itls`, `output_lens`, `errors`...), one object per file or one per line."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..load import Load
from ..run import Run
from ._io import LoadError
from ._json import read_json_documents, where
from ._levels import UNLIMITED, limit, offered_load
from ._metadata import scalar_metadata
from ._records import expect_fields, refuse_empty_lines
from ._times import seconds_since_first
from ._values import error_texts, number_array


def runs_with_arrays(
    path: Path,
    detail_keys: Sequence[str],
    *,
    kind: str,
    no_details: str,
    skip_advice: str,
    known_keys: Sequence[str] = (),
    tool: str = "",
) -> list[tuple[int | None, dict[str, Any]]]:
    """(line or None, object) of every run of a vLLM/SGLang-style result file that holds
    all `detail_keys` (per-request arrays).

    A non-object is a LoadError ("expected a JSON object (`kind`)"); a file with no detailed
    run is a LoadError "`path`: `no_details`"; runs without the arrays are skipped with one
    warning that lists them and ends with `skip_advice`. When no object has any of
    `known_keys` (the format's fields) the file is not the `tool`'s at all: `expect_fields`;
    when some lines have none, they are `refuse_empty_lines`'s error.
    """
    runs: list[tuple[int | None, dict[str, Any]]] = []
    summaries: list[str] = []
    found: set[str] = set()
    empty: list[int] = []  # lines (of a multi-run file) with none of `known_keys`
    for line, obj in read_json_documents(path):
        if not isinstance(obj, dict):
            raise LoadError(f"{where(path, line)}: expected a JSON object ({kind})")
        found.update(obj)
        if all(k in obj for k in detail_keys):
            runs.append((line, obj))
        elif line is not None and known_keys and not any(k in obj for k in known_keys):
            empty.append(line)
        else:
            summaries.append(where(path, line))
    if not runs:
        if known_keys:
            expect_fields(found, known_keys, path, tool=tool or kind)
        if empty and not summaries:
            refuse_empty_lines(path, empty, known_keys, tool=tool or kind, unit="run")
        raise LoadError(f"{path}: {no_details}")
    refuse_empty_lines(path, empty, known_keys, tool=tool or kind, unit="run")
    if summaries:
        warnings.warn(
            f"skipped {len(summaries)} run(s) without per-request data ({', '.join(summaries)}); "
            + skip_advice,
            stacklevel=3,
        )
    return runs


def parallel_arrays_runs(
    path: Path,
    runs: Sequence[tuple[int | None, Mapping[str, Any]]],
    names: Sequence[str],
    *,
    format: str,
    tool: str,
    array_keys: Sequence[str],
    loads: Sequence[Load | None] | None = None,
    extra: Sequence[Mapping[str, Any]] | None = None,
) -> list[Run]:
    """`parallel_arrays_run` for every (line, object) run with its name and load level
    (default: what its `request_rate` and `max_concurrency` say, `run_level`); the metadata
    is the tool's name, the run's scalar header fields (the arrays left out) and the run's
    `extra` entries."""
    levels = loads if loads is not None else [run_level(obj) for _, obj in runs]
    extras = extra if extra is not None else [{}] * len(runs)
    return [
        parallel_arrays_run(
            obj,
            name=name,
            path=path,
            line=line,
            format=format,
            metadata={"tool": tool, **scalar_metadata(obj, skip=array_keys), **more},
            load=level,
        )
        for (line, obj), name, level, more in zip(runs, names, levels, extras, strict=True)
    ]


def run_level(obj: Mapping[str, Any]) -> Load | None:
    """The level of a vLLM / SGLang run: `request_rate` (a number, or "inf" / Infinity for no
    limit) and `max_concurrency` (null for no limit), by `offered_load`. A run with a
    ramp-up (`ramp_up_strategy`) changes its rate as it goes: no one level."""
    if obj.get("ramp_up_strategy") or "request_rate" not in obj:
        return None
    rate = limit(obj.get("request_rate"))
    concurrency = (
        UNLIMITED
        if "max_concurrency" in obj and obj["max_concurrency"] is None
        else limit(obj.get("max_concurrency"))
    )
    return offered_load(rate, concurrency)


def parallel_arrays_run(
    obj: Mapping[str, Any],
    *,
    name: str,
    path: Path,
    line: int | None,
    format: str,
    metadata: Mapping[str, Any],
    load: Load | None = None,
) -> Run:
    """A Run (at level `load`) from `input_lens`, `output_lens`, `ttfts`, `itls`, `errors`
    (+ optional `latencies`, `start_times`), as vLLM and SGLang write them.

    E2E = `latencies` when present, else TTFT + sum(ITLs). A failed request (non-empty
    error) keeps its error text; its placeholder timings (0.0) become NaN.
    """
    at = where(path, line)
    ttfts = _required_array(obj, "ttfts", at)
    n = len(ttfts)
    output_lens = _required_array(obj, "output_lens", at, n)
    input_lens = _array_field(obj, "input_lens", at, n, required=False)
    itls = _array_field(obj, "itls", at, n, required=False)
    latencies = _array_field(obj, "latencies", at, n, required=False)
    start_times = _array_field(obj, "start_times", at, n, required=False)
    errors = _array_field(obj, "errors", at, n, required=False)
    error_text = (
        [None] * n if errors is None else error_texts(errors, lambda i: f"{at}: errors[{i}]")
    )

    ttft = _floats(ttfts, "ttfts", at)
    if latencies is not None:
        e2e = _floats(latencies, "latencies", at)
    elif itls is not None:
        e2e = ttft + _itl_sums(itls, at)
    else:
        raise LoadError(
            f"{at}: neither `latencies` nor `itls` is present, so the end-to-end latency "
            "of each request is unknown"
        )
    failed = np.array([e is not None for e in error_text], dtype=bool)
    ttft[failed] = np.nan
    e2e[failed] = np.nan
    request_start = (
        seconds_since_first(_floats(start_times, "start_times", at))
        if start_times is not None
        else None
    )
    return Run.from_columns(
        name,
        time_to_first_token=ttft,
        time_to_last_token=e2e,
        num_tokens_output=_floats(output_lens, "output_lens", at),
        num_tokens_input=None if input_lens is None else _floats(input_lens, "input_lens", at),
        request_start=request_start,
        error=error_text,
        format=format,
        source=str(path),
        metadata=metadata,
        load=load,
    )


def _array_field(
    obj: Mapping[str, Any], key: str, at: str, n: int | None = None, *, required: bool = True
) -> list[Any] | None:
    """obj[key] as a list of length n; a LoadError naming the field when it is not."""
    value = obj.get(key)
    if value is None:
        if required:
            raise LoadError(f"{at}: the per-request field `{key}` is missing")
        return None
    if not isinstance(value, list):
        raise LoadError(f"{at}: `{key}` should be a list, one entry per request")
    if n is not None and len(value) != n:
        raise LoadError(
            f"{at}: `{key}` has {len(value)} entries but `ttfts` has {n}; the per-request "
            "arrays must be parallel"
        )
    return value


def _required_array(obj: Mapping[str, Any], key: str, at: str, n: int | None = None) -> list[Any]:
    """`_array_field` of a field every file has (a LoadError when it is missing)."""
    value = _array_field(obj, key, at, n)
    assert value is not None  # required: a missing field raised
    return value


def _floats(values: list[Any], key: str, at: str) -> np.ndarray:
    """float64 array of a per-request list by the number rule (`number_array`)."""
    return number_array(values, lambda i: f"{at}: {key}[{i}]")


def _itl_sums(itls: list[Any], at: str) -> np.ndarray:
    """Sum of each request's inter-token gaps (None → NaN), by the number rule."""
    sums = np.full(len(itls), np.nan)
    for index, gaps in enumerate(itls):
        if gaps is None:
            continue
        if not isinstance(gaps, list):
            raise LoadError(f"{at}: itls[{index}] should be a list of numbers (one per gap)")

        def gap(j: int, i: int = index) -> str:
            return f"{at}: itls[{i}][{j}]"

        sums[index] = math.fsum(number_array(gaps, gap))
    return sums
