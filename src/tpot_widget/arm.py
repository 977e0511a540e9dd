"""`Arm`: repeated runs of one configuration, compared as one unit.

A single run's CI covers request-to-request noise only; an arm of repeated runs lets the
comparison see run-to-run variation too (`compare` then uses a run-level interval, see
`stats.arms`). Views show an arm's requests pooled (`Arm.pooled()`), coloured as one run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from .display import common_prefix
from .run import COLUMNS, Run

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
        self._runs: tuple[Run, ...] = tuple(loaded)
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
        return Arm(self._runs, name=name)

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
