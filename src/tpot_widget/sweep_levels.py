"""The load levels a sweep widget offers, and the runs it compares at the chosen one.

`TPOTCompare(sweep_a, sweep_b)` compares the configurations at one load level at a time
(`w.load_level`). The levels offered are every configuration's levels together; where a
configuration did not run the chosen level (guidellm picks its constant rates per
configuration), it is shown at its own level nearest in achieved request rate, and that is
said. Each configuration-level has a stable key ("L3.C1") the front end asks columns by.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .arm import Arm
from .load import Load
from .run import Run
from .sweep import Sweep
from .tables import markdown_table
from .units import renamed
from .wire import LoadLevelDict, LoadLevelValue

if TYPE_CHECKING:
    from .comparison import Comparison

__all__ = ["LevelChoice", "SweepLevels", "level_value"]

_KEY = re.compile(r"^L(?P<level>\d+)\.C(?P<config>\d+)$")


def level_value(level: Load) -> LoadLevelValue:
    """A level as `w.load_level` holds it: the number of a concurrency or rate level, else
    the kind's name ("synchronous", "throughput"), with its value when it has an unusual one."""
    if level.kind in ("concurrency", "rate"):
        assert level.value is not None
        return float(level.value)
    if level == Load(level.kind):
        return level.kind
    assert level.value is not None
    return f"{level.kind}={level.value:g}"


@dataclass(frozen=True)
class LevelChoice:
    """The configurations at one chosen load level.

    `units` are the configurations' runs (an `Arm` of repeats, or one run) named after the
    configuration; `levels[i]` is the level configuration i is shown at (the chosen one, or
    its nearest), `keys[i]` its column key, `notes[i]` why it differs (None when it does not).
    """

    level: Load
    units: tuple[Run | Arm, ...]
    levels: tuple[Load, ...]
    keys: tuple[str, ...]
    notes: tuple[str | None, ...]

    def annotate(self, comparison: Comparison) -> Comparison:
        """`comparison` of `units`, its notes saying first which configuration is shown at
        another level than the chosen one."""
        said = tuple(n for n in self.notes if n is not None)
        if not said:
            return comparison
        return dataclasses.replace(comparison, notes=(*said, *comparison.notes))

    def summary(self, stats: Mapping[str, Any]) -> str:
        """The "copy summary" Markdown of this level's `stats`: the level, then the table."""
        return f"**Load level: {self.level}**\n\n{markdown_table(stats)}"


class SweepLevels(Mapping[str, Run]):
    """Every configuration's levels, together; a Mapping of run key → the runs at that
    configuration-level as one Run (an arm pooled), for the column requests.

    Parameters
    ----------
    sweeps
        The compared configurations, baseline first, names already distinct.
    """

    def __init__(self, sweeps: Sequence[Sweep]) -> None:
        self.sweeps = tuple(sweeps)
        self.levels: list[Load] = sorted({level for s in self.sweeps for level in s.levels})
        self._index = {level: i for i, level in enumerate(self.levels)}
        self._units: dict[tuple[int, Load], Run | Arm] = {}
        self._choices: dict[Load, LevelChoice] = {}

    # --- levels by value ---------------------------------------------------------------------

    def resolve(self, value: Any) -> Load:
        """The level `value` names (a Load, "rate=2.5", "throughput", a (kind, value) pair,
        {"kind", "value"}, or a bare number: the concurrency or rate level of that value, as
        `Sweep.at` reads it); a ValueError names the levels there are."""
        if isinstance(value, Load) and value in self._index:
            return value
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            number = float(value)
            matches = [x for x in self.levels if x.value == number]
            on_axis = [x for x in matches if x.kind in ("concurrency", "rate")]
            if len(on_axis) == 1 or len(matches) == 1:
                return (on_axis or matches)[0]
        else:
            try:
                wanted = Load.parse(value)
            except (ValueError, TypeError):
                wanted = None
            if wanted in self._index:
                assert wanted is not None
                return wanted
        there = ", ".join(repr(level_value(x)) for x in self.levels)
        raise ValueError(
            f"load_level={value!r} is not a level of these sweeps; their levels are {there} "
            "(a number is a concurrency or rate level; or write e.g. 'rate=2.5', 'throughput')"
        )

    def default(self) -> Load:
        """The highest level every configuration ran, else the baseline's first level."""
        common = set(self.sweeps[0].levels).intersection(*(s.levels for s in self.sweeps[1:]))
        return max(common) if common else self.sweeps[0].levels[0]

    def choices(self) -> list[LoadLevelDict]:
        """The levels for the front end's control (`_choices["load_levels"]`)."""
        return [
            {
                "value": level_value(level),
                "kind": level.kind,
                "label": str(level),
                "configurations": [s.name for s in self.sweeps if level in s.levels],
            }
            for level in self.levels
        ]

    # --- the runs at a level -------------------------------------------------------------------

    def choose(self, level: Load) -> LevelChoice:
        """The configurations at `level` (their nearest level where they lack it); cached."""
        if level not in self._choices:
            used = [self._nearest(i, level) for i in range(len(self.sweeps))]
            notes = [
                None if u == level else self._substitution_note(i, level, u)
                for i, u in enumerate(used)
            ]
            self._choices[level] = LevelChoice(
                level=level,
                units=tuple(self.unit(i, u) for i, u in enumerate(used)),
                levels=tuple(used),
                keys=tuple(self.key(i, u) for i, u in enumerate(used)),
                notes=tuple(notes),
            )
        return self._choices[level]

    def unit(self, config: int, level: Load) -> Run | Arm:
        """Configuration `config`'s runs at its `level` (one Run or an Arm), named after the
        configuration; cached, so an arm is pooled once."""
        if (config, level) not in self._units:
            sweep = self.sweeps[config]
            self._units[(config, level)] = renamed(sweep.at(level), sweep.name)  # type: ignore[assignment]
        return self._units[(config, level)]

    def key(self, config: int, level: Load) -> str:
        """The column key's run part of configuration `config` at its `level`: "L3.C1"."""
        return f"L{self._index[level]}.C{config}"

    def _nearest(self, config: int, level: Load) -> Load:
        """`level` if configuration `config` ran it, else its level closest in achieved
        request rate (log scale) to what the configurations that ran `level` achieved there;
        by position on the load axis where rates are unknown, else by order."""
        sweep = self.sweeps[config]
        if level in sweep.levels:
            return level
        others = [s for s in self.sweeps if level in s.levels]
        for measure in (_request_rate, _position):
            reference = _mean([measure(s, level) for s in others])
            if reference is None:
                continue
            known = [(x, measure(sweep, x)) for x in sweep.levels]
            scored = [(abs(math.log(m / reference)), x) for x, m in known if m is not None]
            if scored:
                return min(scored, key=lambda item: (item[0], item[1].sort_key))[1]
        rank = self._index[level]
        return min(sweep.levels, key=lambda x: (abs(self._index[x] - rank), x.sort_key))

    def _substitution_note(self, config: int, chosen: Load, used: Load) -> str:
        sweep = self.sweeps[config]
        rate = _request_rate(sweep, used)
        achieved = "" if rate is None else f", which achieved {rate:.3g} requests/s"
        return (
            f"{sweep.name} did not run {chosen}: it is shown at its nearest level by achieved "
            f"request rate, {used}{achieved}."
        )

    # --- Mapping: run key → Run (the column requests) ------------------------------------------

    def __getitem__(self, key: str) -> Run:
        match = _KEY.match(key)
        if match is None:
            raise KeyError(key)
        level_index, config = int(match["level"]), int(match["config"])
        if level_index >= len(self.levels) or config >= len(self.sweeps):
            raise KeyError(key)
        level = self.levels[level_index]
        if level not in self.sweeps[config].levels:
            raise KeyError(key)
        unit = self.unit(config, level)
        return unit.pooled if isinstance(unit, Arm) else unit

    def __iter__(self) -> Iterator[str]:
        for config, sweep in enumerate(self.sweeps):
            for level in sweep.levels:
                yield self.key(config, level)

    def __len__(self) -> int:
        return sum(len(s.levels) for s in self.sweeps)


def _request_rate(sweep: Sweep, level: Load) -> float | None:
    """Mean achieved request rate (requests/s) of the runs at `level`; None if unknown."""
    return _mean([r.achieved.request_rate for r in sweep.runs_at(level)])


def _position(sweep: Sweep, level: Load) -> float | None:
    position = sweep.position(level)
    return position if position is not None and position > 0 else None


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    return float(np.mean(known)) if known else None
