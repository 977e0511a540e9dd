"""`Arm`: repeated runs of one configuration, compared as one unit.

A single run's CI covers request-to-request noise only; an arm of repeated runs lets the
comparison see run-to-run variation too (`compare` then uses a run-level interval, see
`stats.arms`). Views show an arm's requests pooled (`Arm.pooled()`), coloured as one run.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from .display import common_prefix
from .run import COLUMNS, NUMERIC_COLUMNS, Run

__all__ = ["Arm", "as_arm_or_run"]


class Arm:
    """Several runs of one configuration (e.g. AIPerf ``--num-profile-runs`` or a vLLM sweep).

    Parameters
    ----------
    runs
        The runs: `Run` objects, LLMeter Results, or paths / URLs (each loaded with
        `load_runs`, so a folder or file holding several runs adds them all). At least one.
    name
        The arm's name in tables and views; default: the runs' common name, else the first
        run's name with the count, e.g. ``"vllm-tp2 (×3 runs)"``.

    Notes
    -----
    A run given twice (the same object, or another run with identical requests, such as a
    run and its own Parquet copy) is counted once: the repeat is left out with a warning
    naming both. Counting it twice would treat one run's conditions as two independent
    repeats and shrink the run-to-run interval towards nothing.

    Wherever a run is accepted (`compare`, `Comparer`, `TPOTCompare`, the report, the CLI), an
    `Arm` or a plain list of runs is accepted too.
    """

    def __init__(self, runs: Iterable[Any], name: str | None = None) -> None:
        items = [runs] if isinstance(runs, (str, os.PathLike)) else list(runs)
        loaded: list[Run] = []
        for item in items:
            if isinstance(item, Run):
                loaded.append(item)
            else:
                from .loaders import load_runs

                loaded.extend(load_runs(item))
        if not loaded:
            raise ValueError("an Arm needs at least one run")
        self._runs: tuple[Run, ...] = _without_duplicates(loaded, name)
        self.name: str = str(name) if name is not None else _default_name(self._runs)

    @property
    def runs(self) -> tuple[Run, ...]:
        """The repeated runs, in the order given."""
        return self._runs

    def __len__(self) -> int:
        return len(self._runs)

    def __iter__(self) -> Iterator[Run]:
        return iter(self._runs)

    def __repr__(self) -> str:
        sizes = ", ".join(str(len(r)) for r in self._runs)
        return f"Arm({self.name!r}, runs={len(self._runs)}, requests=[{sizes}])"

    def renamed(self, name: str) -> Arm:
        """The same runs under another name (the naming rule makes names unique)."""
        other = Arm.__new__(Arm)  # the runs are already distinct: no second check
        other._runs, other.name = self._runs, str(name)
        return other

    @cached_property
    def pooled(self) -> Run:
        """Every request of every run as one Run (for views and selections; `run_index` in
        metadata says which rows came from which run)."""
        columns = {
            c: np.concatenate([np.asarray(r.columns[c]) for r in self._runs]) for c in COLUMNS
        }
        for array in columns.values():
            array.flags.writeable = False
        index = np.concatenate([np.full(len(r), i, dtype=np.int32) for i, r in enumerate(self)])
        index.flags.writeable = False
        formats = {r.format for r in self._runs}
        loads = {r.load for r in self._runs}
        return Run(
            name=self.name,
            columns=MappingProxyType(columns),
            format=formats.pop() if len(formats) == 1 else "mixed",
            source=None,
            metadata=MappingProxyType(
                {
                    "arm": [r.name for r in self._runs],
                    "n_runs": len(self._runs),
                    "run_index": index,
                    "synthetic": all(bool(r.metadata.get("synthetic")) for r in self._runs),
                }
            ),
            load=loads.pop() if len(loads) == 1 else None,
        )


def _fingerprint(run: Run) -> bytes:
    """A digest of a run's requests (every column, NaN normalised), not of its name."""
    digest = hashlib.blake2b(digest_size=16)
    for column in NUMERIC_COLUMNS:
        values = np.ascontiguousarray(run.columns[column], dtype=np.float64)
        digest.update(np.where(np.isnan(values), np.nan, values).tobytes())
    errors = np.asarray(run["error"], dtype=object)
    none = np.full(1, None, dtype=object)
    failed = np.flatnonzero(~np.equal(errors, none))  # which requests failed (vectorised)
    digest.update(failed.astype(np.int64).tobytes())
    digest.update("\x00".join(str(e) for e in errors[failed]).encode())
    return digest.digest()


def _without_duplicates(runs: Sequence[Run], arm_name: str | None) -> tuple[Run, ...]:
    """The runs with repeats (same object or identical requests) left out, with a warning."""
    kept: list[Run] = []
    seen: dict[bytes, int] = {}
    for i, run in enumerate(runs):
        first = next((j for j, k in enumerate(runs[:i]) if k is run), None)
        key = _fingerprint(run) if first is None else b""
        if first is None:
            first = seen.get(key)
        if first is None:
            seen[key] = i
            kept.append(run)
            continue
        same = "is the same run object as" if runs[first] is run else "has the same requests as"
        where = f"Arm {arm_name!r}" if arm_name is not None else "Arm"
        warnings.warn(
            f"{where}: run {i + 1} ({run.name!r}{_source(run)}) {same} run {first + 1} "
            f"({runs[first].name!r}{_source(runs[first])}); it is left out (an arm counts each "
            "run once: a repeat would pass for run-to-run agreement)",
            UserWarning,
            stacklevel=3,
        )
    return tuple(kept)


def _source(run: Run) -> str:
    return f", {run.source}" if run.source else ""


def _default_name(runs: Sequence[Run]) -> str:
    names = {r.name for r in runs}
    if len(names) == 1:
        return runs[0].name
    prefix = common_prefix([r.name for r in runs]).rstrip(" -_/·:#(")
    if len(prefix) >= 3:
        return prefix
    return f"{runs[0].name} (×{len(runs)} runs)"


def as_arm_or_run(item: Any) -> Arm | Run | Any:
    """A plain list/tuple of runs in a run's place is an arm; everything else passes through."""
    if isinstance(item, Arm | Run):
        return item
    if isinstance(item, (list, tuple)) and item and all(isinstance(r, Run) for r in item):
        return Arm(item)
    return item
