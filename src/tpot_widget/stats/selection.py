"""Fast selection of rows by a range of another column (the brush), returning sorted values.

Built once per run: the usable rows are sorted by x (so a range is two binary searches)
and, separately, by value. A small selection is sorted directly; a large one is read off
the value-sorted rows in one linear pass, which beats sorting it. Both give the same array.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from .moments import MomentPrefix, Moments

#: Sort the slice when it holds fewer than n_usable / SORT_FRACTION rows, else filter.
SORT_FRACTION = 10


def _bounds(token_range: tuple[float | None, float | None] | None) -> tuple[float, float]:
    if token_range is None:
        return -np.inf, np.inf
    lo, hi = token_range
    lo_f = -np.inf if lo is None else float(lo)
    hi_f = np.inf if hi is None else float(hi)
    return lo_f, hi_f


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


class SortedSelector:
    """Sorted values of the usable rows whose x lies in [lo, hi], fast enough for a brush.

    `values` and `x` are per-row columns; `usable` masks rows that count for statistics
    (no error; NaN values are dropped too). With no range every usable row counts, even if
    its x is NaN; with a range, rows whose x is NaN never match. The orderings a range
    needs are built on first use (the x order on the first range, the value order on the
    second large range), so a one-off comparison pays for one sort only.
    """

    def __init__(self, values: np.ndarray, x: np.ndarray | None, usable: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        usable = np.asarray(usable, dtype=bool) & ~np.isnan(values)
        self.n_rows = len(values)
        self._values = values
        self._usable = usable
        self._x = None if x is None else np.asarray(x, dtype=np.float64)
        self._all_sorted = _read_only(np.sort(values[usable]))
        self._x_sorted: np.ndarray | None = None
        self._values_by_x: np.ndarray | None = None
        self._x_by_value: np.ndarray | None = None
        self._large_selections = 0
        self._prefix: MomentPrefix | None = None
        self._all_moments: Moments | None = None

    def _by_x(self) -> tuple[np.ndarray, np.ndarray]:
        """(x ascending, values in that order) over usable rows with an x (built once)."""
        if self._x_sorted is None or self._values_by_x is None:
            assert self._x is not None
            keep = self._usable & ~np.isnan(self._x)
            order = np.argsort(self._x[keep])
            self._values_by_x = _read_only(self._values[keep][order])
            self._x_sorted = _read_only(self._x[keep][order])
        return self._x_sorted, self._values_by_x

    def _x_in_value_order(self) -> np.ndarray:
        """x of the usable rows in the order of `_all_sorted` (built once)."""
        if self._x_by_value is None:
            assert self._x is not None
            order = np.argsort(self._values[self._usable])
            self._x_by_value = _read_only(self._x[self._usable][order])
        return self._x_by_value

    @property
    def has_x(self) -> bool:
        """Whether a range can be selected (an x column was given)."""
        return self._x is not None

    @property
    def n_usable(self) -> int:
        """Rows that count for statistics when no range is set."""
        return len(self._all_sorted)

    def _x_span(self, token_range: tuple[float | None, float | None] | None) -> tuple[int, int]:
        """[start, stop) of the range in the x-sorted usable rows: two binary searches."""
        if self._x is None:
            raise ValueError("a token range needs an x column (runs, not plain arrays)")
        lo, hi = _bounds(token_range)
        x_sorted, _ = self._by_x()
        start = int(np.searchsorted(x_sorted, lo, side="left"))
        return start, int(np.searchsorted(x_sorted, hi, side="right"))

    def select(self, token_range: tuple[float | None, float | None] | None) -> np.ndarray:
        """Sorted usable values with lo <= x <= hi (None = all usable rows)."""
        if token_range is None:
            return self._all_sorted
        start, stop = self._x_span(token_range)
        lo, hi = _bounds(token_range)
        values_by_x = self._by_x()[1]
        k = stop - start
        if k == len(self._all_sorted):
            return self._all_sorted
        if k * SORT_FRACTION >= len(self._all_sorted):
            self._large_selections += 1
            if self._large_selections > 1:  # a brush: worth building the value order
                return kernels.select_in_range(self._all_sorted, self._x_in_value_order(), lo, hi)
        return np.sort(values_by_x[start:stop])

    def x_slice(
        self, token_range: tuple[float | None, float | None] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(x, values) of the usable rows in the range, in x order: read-only views, O(log n)."""
        start, stop = self._x_span(token_range)
        x_sorted, values_by_x = self._by_x()
        return x_sorted[start:stop], values_by_x[start:stop]

    def moments(self, token_range: tuple[float | None, float | None] | None) -> Moments:
        """Moments of the usable values with lo <= x <= hi in O(1), without touching rows.

        The x-sorted rows' prefix sums (`MomentPrefix`) are built on first use; the same
        rows as `select` (equal to `Moments.from_values(select(token_range))` up to
        rounding). Feeds the live mean (`replicates_from_moments`).
        """
        if token_range is None:
            if self._all_moments is None:
                self._all_moments = Moments.from_values(self._all_sorted)
            return self._all_moments
        start, stop = self._x_span(token_range)
        if stop - start == len(self._all_sorted):
            return self.moments(None)
        if self._prefix is None:
            self._prefix = MomentPrefix(self._by_x()[1])
        return self._prefix.range(start, stop)

    def mask(self, token_range: tuple[float | None, float | None] | None) -> np.ndarray:
        """Boolean mask over all rows (errors included) whose x is in the range."""
        if token_range is None:
            return np.ones(self.n_rows, dtype=bool)
        if self._x is None:
            raise ValueError("a token range needs an x column (runs, not plain arrays)")
        lo, hi = _bounds(token_range)
        with np.errstate(invalid="ignore"):
            return (self._x >= lo) & (self._x <= hi)


def select_sorted(
    values: np.ndarray,
    x: np.ndarray,
    token_range: tuple[float | None, float | None] | None,
) -> np.ndarray:
    """One-off helper: sorted non-NaN values whose x is in the range (builds a selector)."""
    values = np.asarray(values, dtype=np.float64)
    return SortedSelector(values, x, ~np.isnan(values)).select(token_range)
