"""The selection: which rows of a run a comparison looks at, and one run prepared to answer it fast.

A `Selection` is the token range on `x_dimension` and the time range on `request_start`
(inclusive, None = open). It has one meaning everywhere: `Selection.mask` is the rows inside
both ranges, failed requests included (exports show them with their error); the statistics
use the *usable* rows among them: not failed and with a value (`PreparedRun.select`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import stats
from ..params import DEFAULTS, Range

if TYPE_CHECKING:
    from ..params import Parameters
    from ..run import Run


def bounds(rng: Range | None) -> tuple[float, float]:
    """(lo, hi) as floats, an open end as ∓inf."""
    if rng is None:
        return -math.inf, math.inf
    lo, hi = rng
    return (-math.inf if lo is None else float(lo)), (math.inf if hi is None else float(hi))


def in_range(values: np.ndarray, rng: Range | None) -> np.ndarray:
    """Rows with lo <= value <= hi (NaN never inside a range; every row inside None)."""
    if rng is None:
        return np.ones(len(values), dtype=bool)
    lo, hi = bounds(rng)
    with np.errstate(invalid="ignore"):
        return (values >= lo) & (values <= hi)


@dataclass(frozen=True)
class Selection:
    """The rows a comparison looks at: `x_dimension` in `token_range` and `request_start` in
    `time_range` (inclusive; None = that range is open)."""

    token_range: Range | None = None
    time_range: Range | None = None
    x_dimension: str = DEFAULTS.x_dimension

    @classmethod
    def of(cls, p: Parameters) -> Selection:
        """The selection of a set of comparison parameters."""
        return cls(p.token_range, p.time_range, p.x_dimension)

    @property
    def is_everything(self) -> bool:
        """Whether every row is selected (no range set)."""
        return self.token_range is None and self.time_range is None

    def mask(self, run: Run) -> np.ndarray:
        """Rows of `run` inside both ranges, failed requests included."""
        return in_range(np.asarray(run[self.x_dimension]), self.token_range) & in_range(
            np.asarray(run["request_start"]), self.time_range
        )

    def usable(self, run: Run, dimension: str) -> np.ndarray:
        """The selected rows that count for statistics on `dimension`: not failed, a value."""
        return self.mask(run) & run.valid(dimension)


class PreparedRun:
    """One run's rows ready for fast selection: by x (token range) and by request start."""

    def __init__(
        self, name: str, values: np.ndarray, x: np.ndarray | None, t: np.ndarray | None, ok: Any
    ) -> None:
        self.name = name
        ok = np.asarray(ok, dtype=bool)
        self.n_errors = int((~ok).sum())
        self._values = np.asarray(values, dtype=np.float64)
        self._x = x
        self._t = t
        self._ok = ok
        self.selector = stats.SortedSelector(self._values, x, ok)
        nan_value = ok & np.isnan(self._values)
        self._missing_x = None if x is None else np.sort(x[nan_value])
        self._n_missing = int(nan_value.sum())

    @classmethod
    def of_run(cls, run: Run, dimension: str, x_dimension: str) -> PreparedRun:
        """A Run's `dimension` prepared for selections on `x_dimension` and time."""
        values = np.asarray(run[dimension], dtype=np.float64)
        x = np.asarray(run[x_dimension], dtype=np.float64)
        t = np.asarray(run["request_start"], dtype=np.float64)
        return cls(run.name, values, x, t, ~run.errors)

    @classmethod
    def of_values(cls, name: str, values: np.ndarray) -> PreparedRun:
        """Plain values (no x, no start times, nothing failed): only `Selection()` applies."""
        return cls(name, values, None, None, np.ones(len(values), dtype=bool))

    @property
    def has_x(self) -> bool:
        """Whether a token range can be selected (plain arrays have no x)."""
        return self._x is not None

    @property
    def has_time(self) -> bool:
        """Whether the run knows when its requests started."""
        return self._t is not None and bool(np.isfinite(self._t).any())

    @cached_property
    def warm_up_cut(self) -> float | None:
        """Where an obvious warm-up ends (seconds into the run), or None (computed once)."""
        if not self.has_time:
            return None
        assert self._t is not None
        usable = self._ok & np.isfinite(self._values)
        return stats.detect_warm_up(self._t[usable], self._values[usable])

    @cached_property
    def _by_value(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sorted usable values, their x, their request start): a time filter keeps order."""
        usable = self._ok & ~np.isnan(self._values)
        order = np.argsort(self._values[usable], kind="stable")
        x = np.full(len(self._values), np.nan) if self._x is None else self._x
        t = np.full(len(self._values), np.nan) if self._t is None else self._t
        return self._values[usable][order], x[usable][order], t[usable][order]

    def select(self, selection: Selection) -> np.ndarray:
        """Sorted usable values inside the selection."""
        if selection.time_range is None:
            return self.selector.select(selection.token_range)
        values, x, t = self._by_value
        keep = in_range(t, selection.time_range)
        if selection.token_range is not None:
            keep &= in_range(x, selection.token_range)
        return values[keep]

    def mask(self, selection: Selection) -> np.ndarray:
        """`Selection.mask`: every row (errors included) inside both ranges."""
        mask = self.selector.mask(selection.token_range)
        if selection.time_range is not None and self._t is not None:
            mask = mask & in_range(self._t, selection.time_range)
        return mask

    def n_missing(self, selection: Selection) -> int:
        """How many non-failed rows in the selection have no value (NaN) and are left out."""
        if selection.is_everything:
            return self._n_missing
        if selection.time_range is None and self._missing_x is not None:
            lo, hi = bounds(selection.token_range)
            return int(
                np.searchsorted(self._missing_x, hi, side="right")
                - np.searchsorted(self._missing_x, lo, side="left")
            )
        nan_value = self._ok & np.isnan(self._values)
        return int((nan_value & self.mask(selection)).sum())


class GroupCounts:
    """Per group of a run's rows (an arm's runs), how many lie in a selection and how many of
    those carry a flag (e.g. met the SLO): `Selection.mask` counted, without building it.

    Each group's x values are sorted once, all of them and the flagged ones apart (NaN
    last: never inside a range), so a token range is four binary searches per group; a time
    range falls back to the mask.
    """

    def __init__(
        self, run: PreparedRun, flags: np.ndarray, groups: np.ndarray | None, n_groups: int = 1
    ) -> None:
        flags = np.asarray(flags, dtype=bool)
        self._run = run
        self._flags = flags
        self._groups = groups
        self._n_groups = 1 if groups is None else n_groups
        x = run._x if run._x is not None else np.full(len(flags), np.nan)
        members = (
            [np.ones(len(flags), dtype=bool)]
            if groups is None
            else [groups == g for g in range(self._n_groups)]
        )
        self._x_all = [np.sort(x[rows]) for rows in members]
        self._x_flagged = [np.sort(x[rows & flags]) for rows in members]

    def counts(self, selection: Selection) -> tuple[list[int], list[int]]:
        """(flagged, rows) per group inside `selection` (errors included, as `mask`)."""
        if selection.time_range is not None:
            mask = self._run.mask(selection)
            flagged = self._flags & mask
            if self._groups is None:
                return [int(flagged.sum())], [int(mask.sum())]
            k = self._n_groups
            return (
                np.bincount(self._groups[flagged], minlength=k).tolist(),
                np.bincount(self._groups[mask], minlength=k).tolist(),
            )
        if selection.token_range is None:
            return [len(x) for x in self._x_flagged], [len(x) for x in self._x_all]
        lo, hi = bounds(selection.token_range)
        return [_inside(x, lo, hi) for x in self._x_flagged], [
            _inside(x, lo, hi) for x in self._x_all
        ]


def _inside(x_sorted: np.ndarray, lo: float, hi: float) -> int:
    """How many of the sorted values lie in [lo, hi] (NaN never)."""
    start = int(x_sorted.searchsorted(lo, side="left"))
    return max(0, int(x_sorted.searchsorted(hi, side="right")) - start)
