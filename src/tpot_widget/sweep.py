"""`Sweep`: one configuration's runs across load levels; `load_sweep` / `load_sweeps` build them.

A serving benchmark is rarely one load point: the same configuration runs at concurrency
1, 2, 4, ... or at several request rates, often repeating each level. TPOT depends on load
more than on anything else, so configurations are compared level by level
(`compare_sweeps`). A `Sweep` orders one configuration's runs by their `Load`; several runs
at one level form an `Arm` of repeats, so a comparison there covers run-to-run variation.

Every run needs a load level: the loaders set `run.load` where the tool records it, and
`run.with_load("concurrency=16")` sets or overrides it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import params
from .arm import Arm
from .display import common_prefix
from .load import Load
from .loaders._remote import DEFAULT_TIMEOUT
from .run import Run
from .stats.saturation import SATURATED_BELOW, served_share

if TYPE_CHECKING:
    from .loaders._user_load import LoadOption

__all__ = [
    "REPEAT_KEY",
    "SWEEP_CONFIG_KEY",
    "Axis",
    "Sweep",
    "load_sweep",
    "load_sweeps",
    "named_apart",
]

#: `run.metadata` key naming the configuration a sweep run belongs to (set by the loaders of
#: layouts that hold several configurations, e.g. a vLLM sweep folder's SERVE parameter sets).
SWEEP_CONFIG_KEY = "sweep_config"
#: `run.metadata` key numbering a run's repeat at its level (0, 1, 2...; orders an Arm).
REPEAT_KEY = "repeat"

Axis = Literal["concurrency", "rate"]

_HOW_TO_SET = (
    "set it on each run with run.with_load('concurrency=16') (or 'rate=2.5', 'synchronous', "
    "'throughput'), or when loading with load_run(path, load='concurrency=16')"
)


class Sweep:
    """One configuration's runs across load levels (repeats at a level are an `Arm`).

    Parameters
    ----------
    runs
        The configuration's runs, each with a load level (`Run.load`); any order. Runs at
        the same level are repeats (ordered by ``metadata["repeat"]`` where present).
    name
        The configuration's name in tables and views; default: the runs'
        ``metadata["sweep_config"]`` when they share one, else their names' common
        beginning, else the first run's name.

    Raises
    ------
    ValueError
        With no run, with a run that has no load level (the message says how to set it), or
        with concurrency and rate levels mixed (one sweep varies one kind of load).

    Notes
    -----
    The sweep's `axis` is "rate" when any level is a request rate (guidellm's sweep:
    synchronous, constant rates, throughput), else "concurrency". `position(level)` places a
    level on that axis: its offered value where it has one; synchronous is concurrency 1 on
    a concurrency axis; otherwise (throughput, or synchronous on a rate axis) the load the
    runs achieved (mean requests in flight, or requests/s), None without start times.
    """

    def __init__(self, runs: Iterable[Run], name: str | None = None) -> None:
        items = list(runs)
        if not items:
            raise ValueError("a Sweep needs at least one run (with a load level)")
        wrong = [type(r).__name__ for r in items if not isinstance(r, Run)]
        if wrong:
            raise TypeError(
                f"a Sweep is built from Runs, got {', '.join(sorted(set(wrong)))}; "
                "load them first (load_sweep(path) does)"
            )
        without = [r.name for r in items if r.load is None]
        if without:
            shown = ", ".join(repr(n) for n in without[:5]) + (", ..." if len(without) > 5 else "")
            raise ValueError(
                f"{len(without)} of {len(items)} run(s) have no load level ({shown}): a sweep "
                f"orders runs by their load; {_HOW_TO_SET}"
            )
        kinds = {r.load.kind for r in items if r.load is not None}
        if {"concurrency", "rate"} <= kinds:
            raise ValueError(
                "a sweep varies one kind of load, and these runs mix concurrency and rate "
                "levels; split them into two sweeps (or correct the runs' load with "
                "run.with_load(...))"
            )
        self.name: str = str(name) if name is not None else _default_name(items)
        by_level: dict[Load, list[Run]] = {}
        for run in items:
            assert run.load is not None
            by_level.setdefault(run.load, []).append(run)
        self._levels: list[Load] = sorted(by_level)
        self._runs: dict[Load, tuple[Run, ...]] = {
            level: tuple(sorted(group, key=_repeat_key)) for level, group in by_level.items()
        }
        self.axis: Axis = _axis(kinds)
        # measured once per level (the runs are immutable)
        self._positions: dict[Load, float | None] = {}
        self._served: dict[Load, float | None] = {}
        self._arms: dict[Load, Arm] = {}

    # --- levels ----------------------------------------------------------------------------

    @property
    def levels(self) -> list[Load]:
        """The load levels, sorted (synchronous, then by value, then throughput)."""
        return list(self._levels)

    @property
    def runs(self) -> tuple[Run, ...]:
        """Every run, level by level (repeats in order)."""
        return tuple(r for level in self._levels for r in self._runs[level])

    def runs_at(self, level: Any) -> tuple[Run, ...]:
        """The runs at `level` (one, or its repeats)."""
        return self._runs[self.level(level)]

    def at(self, level: Any) -> Run | Arm:
        """The Run at `level`, or the `Arm` of its repeats (named after the sweep).

        `level` is a `Load`, a text such as "concurrency=16", a (kind, value) pair, or a bare
        number: the level with that value.
        """
        key = self.level(level)
        runs = self._runs[key]
        if len(runs) == 1:
            return runs[0]
        if key not in self._arms:  # built once: an Arm checks its runs for duplicates
            self._arms[key] = Arm(runs, name=self.name)
        return self._arms[key]

    def level(self, level: Any) -> Load:
        """The sweep's `Load` that `level` names (see `at`); a ValueError lists the levels."""
        if isinstance(level, (int, float, np.integer, np.floating)) and not isinstance(level, bool):
            matches = [x for x in self._levels if x.value is not None and x.value == float(level)]
            if len(matches) == 1:
                return matches[0]
            if matches:
                both = " and ".join(str(x) for x in matches)
                raise ValueError(
                    f"{self.name}: {level!r} is ambiguous ({both}); name the level, e.g. "
                    f"'{matches[0].kind}' or Load('{matches[-1].kind}', {level!r})"
                )
        else:
            try:
                wanted = Load.parse(level)
            except ValueError:
                wanted = None
            if wanted in self._runs:
                assert wanted is not None
                return wanted
        names = ", ".join(str(x) for x in self._levels)
        raise ValueError(f"{self.name}: no load level {level!r}; its levels are {names}")

    def position(self, level: Any) -> float | None:
        """Where `level` sits on the sweep's load axis (see the class notes); None if unknown."""
        level = self.level(level)
        if level not in self._positions:
            self._positions[level] = self._position(level)
        return self._positions[level]

    def _position(self, level: Load) -> float | None:
        if level.kind == self.axis:
            return level.value
        if level.kind == "synchronous" and self.axis == "concurrency":
            return 1.0
        measured = [
            r.achieved.mean_in_flight if self.axis == "concurrency" else r.achieved.request_rate
            for r in self._runs[level]
        ]
        known = [m for m in measured if m is not None and m > 0]
        return float(np.mean(known)) if known else None

    def served_share(self, level: Any) -> float | None:
        """The share of `level`'s offered load its runs served (mean over repeats), or None.

        See `tpot_widget.stats.saturation`: completions per second against an offered rate,
        requests in flight against an offered concurrency, both over the arrival window.
        """
        level = self.level(level)
        if level not in self._served:
            shares = [
                served_share(r["request_start"], r["time_to_last_token"], level.kind, level.value)
                for r in self._runs[level]
            ]
            known = [s for s in shares if s is not None]
            self._served[level] = float(np.mean(known)) if known else None
        return self._served[level]

    @property
    def saturated(self) -> list[Load]:
        """The levels whose runs served less than `SATURATED_BELOW` of their offered load."""
        out = []
        for level in self._levels:
            share = self.served_share(level)
            if share is not None and share < SATURATED_BELOW:
                out.append(level)
        return out

    @property
    def notes(self) -> tuple[str, ...]:
        """What to know before comparing: saturated levels, levels without a position."""
        notes = []
        saturated = self.saturated
        if saturated:
            shares = ", ".join(f"{x} served {self.served_share(x):.0%}" for x in saturated)
            notes.append(
                f"{self.name}: {len(saturated)} level(s) did not achieve their offered load "
                f"({shares}): the server (or the client) saturated, so there the comparison "
                "is at the load actually served, which is below the level's nominal value."
            )
        unplaced = [x for x in self._levels if self.position(x) is None]
        if unplaced:
            names = ", ".join(str(x) for x in unplaced)
            notes.append(
                f"{self.name}: {names} cannot be placed on the {self.axis} axis (the runs have "
                "no request start times to measure the load they achieved); they are left "
                "out of the load curves."
            )
        return tuple(notes)

    # --- conveniences ----------------------------------------------------------------------

    def renamed(self, name: str) -> Sweep:
        """The same runs under another configuration name."""
        return Sweep(self.runs, name=name)

    def __len__(self) -> int:
        return len(self._levels)

    def __iter__(self) -> Iterator[Load]:
        return iter(self._levels)

    def __repr__(self) -> str:
        repeats = {len(self._runs[x]) for x in self._levels}
        each = (
            f", {repeats.pop()} run(s) per level"
            if len(repeats) == 1
            else f", {len(self.runs)} runs"
        )
        levels = ", ".join(str(x) for x in self._levels[:6])
        more = ", ..." if len(self._levels) > 6 else ""
        return f"Sweep({self.name!r}, {len(self)} levels: {levels}{more}{each})"


def named_apart(sweeps: Sequence[Sweep]) -> list[Sweep]:
    """The sweeps with repeated names made distinct by `params.unique_names` (" (2)", ...),
    the one naming rule of every surface."""
    names = params.unique_names([s.name for s in sweeps])
    return [s if s.name == n else s.renamed(n) for s, n in zip(sweeps, names, strict=True)]


def _axis(kinds: Set[str]) -> Axis:
    """The load axis of a sweep with these kinds of level (see `Sweep`)."""
    if "rate" in kinds:
        return "rate"
    if "concurrency" in kinds:
        return "concurrency"
    return "rate" if "throughput" in kinds else "concurrency"


def _repeat_key(run: Run) -> tuple[int, float]:
    """Order of repeats at a level: by metadata["repeat"] where present, else as given."""
    repeat = run.metadata.get(REPEAT_KEY)
    if isinstance(repeat, (int, float, np.integer, np.floating)) and not isinstance(repeat, bool):
        value = float(repeat)
        if math.isfinite(value):
            return 0, value
    return 1, 0.0


def _default_name(runs: Sequence[Run]) -> str:
    configs = {r.metadata.get(SWEEP_CONFIG_KEY) for r in runs}
    if len(configs) == 1:
        (config,) = configs
        if isinstance(config, str) and config:
            return config
    names = [r.name for r in runs]
    if len(set(names)) == 1:
        return names[0]
    prefix = common_prefix(names).rstrip(" -_/·:#(=@")
    return prefix if len(prefix) >= 3 else names[0]


def _groups(runs: Sequence[Run]) -> list[tuple[str | None, list[Run]]]:
    """Runs grouped into configurations: by ``metadata["sweep_config"]``; runs without one
    form one configuration, or one per source file when several files each hold a whole
    sweep (two guidellm ``benchmarks.json`` in a folder are two configurations)."""
    keyed: dict[str | None, list[Run]] = {}
    for run in runs:
        config = run.metadata.get(SWEEP_CONFIG_KEY)
        keyed.setdefault(None if config is None else str(config), []).append(run)
    groups: list[tuple[str | None, list[Run]]] = [(k, v) for k, v in keyed.items() if k is not None]
    loose = keyed.get(None, [])
    if loose:
        by_source: dict[str | None, list[Run]] = {}
        for run in loose:
            by_source.setdefault(run.source, []).append(run)
        whole_sweeps = len(by_source) > 1 and all(
            source is not None and len({r.load for r in group}) > 1
            for source, group in by_source.items()
        )
        if whole_sweeps:
            groups += [(None, group) for group in by_source.values()]
        else:
            groups.append((None, loose))
    return groups


def load_sweeps(
    source: Any,
    format: str | None = None,
    *,
    storage_options: Mapping[str, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    load: LoadOption | None = None,
) -> list[Sweep]:
    """Every configuration's sweep that `source` holds (like `load_runs`, grouped).

    Parameters
    ----------
    source
        A file or folder (a guidellm ``benchmarks.json``, a vLLM sweep folder, AIPerf's
        ``concurrency_N/`` folders, ...), an fsspec URL, or a list of `Run`s: anything
        `load_runs` accepts.
    format, storage_options, timeout
        As for `load_runs`.
    load
        Load levels for runs whose tool did not record one (or to override it), as for
        `load_runs`: one level, a mapping {run name: level} or a function of the run.

    Returns
    -------
    list of Sweep
        One per configuration: runs sharing ``metadata["sweep_config"]`` (set by the
        loaders where a layout holds several configurations); runs without it are one
        configuration, or one per file when several files each hold a whole sweep.
        Names are made distinct (" (2)", ...).

    Raises
    ------
    ValueError
        When a run has no load level: the message names the runs and says how to set it.
    """
    from .loaders import load_runs

    runs = load_runs(source, format, storage_options=storage_options, timeout=timeout, load=load)
    without = [r for r in runs if r.load is None]
    if without:
        shown = ", ".join(repr(r.name) for r in without[:5]) + (", ..." if len(without) > 5 else "")
        where = f"{source}: " if isinstance(source, (str, os.PathLike)) else ""
        raise ValueError(
            f"{where}{len(without)} of {len(runs)} run(s) have no load level ({shown}), so "
            f"they cannot be placed in a sweep; {_HOW_TO_SET}"
        )
    return named_apart([Sweep(group, name=key) for key, group in _groups(runs)])


def load_sweep(
    source: Any,
    name: str | None = None,
    format: str | None = None,
    *,
    storage_options: Mapping[str, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    load: LoadOption | None = None,
) -> Sweep:
    """Exactly one configuration's sweep from a file, folder, URL or list of runs.

    Parameters
    ----------
    source
        A `Sweep`, a list of `Run`s (each with a load level), or anything `load_sweeps`
        reads.
    name
        The configuration's name (default: see `Sweep`).
    format, storage_options, timeout, load
        As for `load_sweeps`.

    Returns
    -------
    Sweep

    Raises
    ------
    ValueError
        When `source` holds several configurations (the message lists them: use
        `load_sweeps`), or a run without a load level (the message says how to set it).
    """
    if isinstance(source, Sweep):
        return source if name is None else source.renamed(name)
    sweeps = load_sweeps(
        source, format, storage_options=storage_options, timeout=timeout, load=load
    )
    if len(sweeps) != 1:
        found = "; ".join(f"{s.name!r} ({len(s)} levels, {len(s.runs)} runs)" for s in sweeps)
        raise ValueError(
            f"{source}: expected exactly one configuration's sweep, found {len(sweeps)}: "
            f"{found}. Use load_sweeps() to get them all and pick one."
        )
    return sweeps[0] if name is None else sweeps[0].renamed(name)
