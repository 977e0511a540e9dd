"""The statistics a comparison estimates, defined once: names, grammar, labels and kernels.

A statistic is "median", "mean", a percentile "pNN" / "pNN.d" with 0 < NN < 100, or a name
added with `register`. `parse_statistic` is the one parser of those names: `params` (every
surface's validation), the bootstrap (`stats.bootstrap`), `display` (labels) and the widget's
choices (`choices`) all read this registry, so they accept, refuse and label the same names.

Each `Statistic` carries its kernel: `estimate`, `replicates` and `jackknife` on sorted data.
Quantiles use the exact order-statistic kernel (no rows resampled), the mean the parallel
resampling kernel (or its moments, see `stats.moments`). Another statistic is one entry plus
its kernel: `from_function` builds a kernel from a vectorised function (rows resampled, the
jackknife leaves out each distinct value), e.g. a 10% trimmed mean::

    register(from_function("trim10", "10% trimmed mean",
                           lambda x, axis: scipy.stats.trim_mean(x, 0.1, axis=axis)))
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache, partial
from typing import Literal, TypedDict

import numpy as np

from . import kernels
from .moments import CF_MIN_N, Moments, cornish_fisher_applies, mean_replicates_from_moments

__all__ = [
    "OFFERED",
    "PARALLEL_LOCK",
    "Statistic",
    "StatisticChoice",
    "StatisticKind",
    "choices",
    "from_function",
    "parse_statistic",
    "register",
    "registered",
    "statistic_names",
    "unregister",
]

#: What a statistic is: a quantile of the values (median, pNN) or a moment-like summary of
#: all of them (mean, trimmed mean).
StatisticKind = Literal["quantile", "moment"]
#: Estimate of sorted data (len ≥ 1).
Estimate = Callable[[np.ndarray], float]
#: `n_resamples` bootstrap replicates of sorted data (len ≥ 1) from the caller's uint32 seeds.
Replicates = Callable[[np.ndarray, int, np.ndarray], np.ndarray]
#: Leave-one-out values of sorted data (len ≥ 2) as (distinct values, how many rows give each).
Jackknife = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]

#: Numba's default "workqueue" threading layer aborts on concurrent parallel launches
#: (e.g. the widget's warm-up thread and a brush); parallel kernels run under this lock.
PARALLEL_LOCK = threading.Lock()


@dataclass(frozen=True)
class Statistic:
    """A statistic the engine estimates and bootstraps, with its kernel.

    Attributes
    ----------
    name
        The canonical name: "median", "mean", "p90", "p99.9", or a registered name.
    kind
        "quantile" or "moment".
    label
        In words, as tables and the panel print it: "median", "90th percentile".
    estimate, replicates, jackknife
        The kernel (see the module docstring); bootstrap calls nothing else.
    quantile
        The probability of a quantile (median: 0.5), None for a moment.
    from_moments
        True when replicates may come from a range's moments (`SortedSelector.moments`,
        `bootstrap.replicates_from_moments`): the mean's live brush path.
    """

    name: str
    kind: StatisticKind
    label: str
    estimate: Estimate = field(compare=False, repr=False)
    replicates: Replicates = field(compare=False, repr=False)
    jackknife: Jackknife = field(compare=False, repr=False)
    quantile: float | None = None
    from_moments: bool = False


class StatisticChoice(TypedDict):
    """A statistic as the front end receives it in `_choices["statistics"]`."""

    name: str
    label: str
    kind: StatisticKind


# --- the quantile kernel: exact order statistics, no rows resampled -----------------------


def _virtual_index(n: int, q: float, midpoint: bool) -> tuple[int, float]:
    """(j, g): the statistic sits at sorted position j + g, exactly as numpy computes it."""
    if midpoint:
        return (n - 1) // 2, (0.5 if n % 2 == 0 else 0.0)
    h = (n - 1) * q  # numpy's "linear" method
    if h >= n - 1:
        return n - 1, 0.0
    if h <= 0:
        return 0, 0.0
    j = math.floor(h)
    return int(j), float(h - j)


def _quantile_estimate(q: float, midpoint: bool, x_sorted: np.ndarray) -> float:
    """Bit for bit np.median (midpoint) / np.quantile(x, q) ("linear") of sorted data."""
    if x_sorted[0] == x_sorted[-1]:
        return float(x_sorted[0])
    j, g = _virtual_index(len(x_sorted), q, midpoint)
    return float(kernels.interpolated(x_sorted, j, g, midpoint))


def _quantile_replicates(
    q: float, midpoint: bool, x_sorted: np.ndarray, n_resamples: int, seeds: np.ndarray
) -> np.ndarray:
    """Replicates drawn from the order statistics' Beta laws (exact in distribution)."""
    if x_sorted[0] == x_sorted[-1]:
        return np.full(n_resamples, float(x_sorted[0]))
    j, g = _virtual_index(len(x_sorted), q, midpoint)
    return kernels.order_statistic_replicates(x_sorted, j, g, midpoint, n_resamples, seeds)


def _quantile_jackknife(
    q: float, midpoint: bool, x_sorted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Closed form: leaving one row out gives at most three distinct values (O(1))."""
    x = x_sorted
    n = len(x)
    j, g = _virtual_index(n - 1, q, midpoint)
    if g == 0.0:
        # Leaving out sorted row i > j keeps x[j] at position j; i <= j shifts x[j+1] there.
        return np.array([x[j], x[j + 1]]), np.array([n - 1.0 - j, j + 1.0])

    def interp(lo: float, hi: float) -> float:
        return float(kernels.interpolated(np.array([lo, hi]), 0, g, midpoint))

    values = [interp(x[j], x[j + 1]), interp(x[j], x[j + 2]), interp(x[j + 1], x[j + 2])]
    counts = [n - j - 2, 1, j + 1]
    return np.array(values, dtype=np.float64), np.array(counts, dtype=np.float64)


def _quantile(name: str, label: str, q: float, midpoint: bool = False) -> Statistic:
    return Statistic(
        name=name,
        kind="quantile",
        label=label,
        estimate=partial(_quantile_estimate, q, midpoint),
        replicates=partial(_quantile_replicates, q, midpoint),
        jackknife=partial(_quantile_jackknife, q, midpoint),
        quantile=q,
    )


# --- the mean's kernel ----------------------------------------------------------------------


def _mean_estimate(x_sorted: np.ndarray) -> float:
    """np.mean of the sorted values (equal to np.mean(x) up to rounding); constant data exact."""
    if x_sorted[0] == x_sorted[-1]:
        return float(x_sorted[0])
    return float(np.mean(x_sorted))


def _mean_replicates(x_sorted: np.ndarray, n_resamples: int, seeds: np.ndarray) -> np.ndarray:
    """From the moments where `cornish_fisher_applies` (n ≥ 500, near-normal), else rows
    resampled in the parallel kernel."""
    if x_sorted[0] == x_sorted[-1]:
        return np.full(n_resamples, float(x_sorted[0]))
    if len(x_sorted) >= CF_MIN_N:
        m = Moments.from_values(x_sorted)
        if cornish_fisher_applies(m):
            return mean_replicates_from_moments(m, n_resamples, seeds)
    with PARALLEL_LOCK:
        return kernels.mean_replicates(x_sorted, n_resamples, seeds)


def _mean_jackknife(x_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(S − x_i) / (n − 1), one per row (O(n))."""
    n = len(x_sorted)
    return (float(np.sum(x_sorted)) - x_sorted) / (n - 1), np.ones(n)


MEAN = Statistic(
    name="mean",
    kind="moment",
    label="mean",
    estimate=_mean_estimate,
    replicates=_mean_replicates,
    jackknife=_mean_jackknife,
    from_moments=True,
)
MEDIAN = _quantile("median", "median", 0.5, midpoint=True)


# --- a kernel from any vectorised function --------------------------------------------------

#: Values per block when `from_function` resamples rows (bounds its memory to ~32 MB).
_BLOCK_VALUES = 4_000_000


def _function_replicates(
    function: Callable[..., np.ndarray], x_sorted: np.ndarray, n_resamples: int, seeds: np.ndarray
) -> np.ndarray:
    """Rows resampled with replacement, `function(resamples, axis=-1)` per block."""
    rng = np.random.default_rng(np.asarray(seeds, dtype=np.uint32))
    n = len(x_sorted)
    block = max(1, _BLOCK_VALUES // n)
    out = np.empty(n_resamples)
    for start in range(0, n_resamples, block):
        stop = min(start + block, n_resamples)
        rows = x_sorted[rng.integers(0, n, size=(stop - start, n))]
        out[start:stop] = function(rows, axis=-1)
    return out


def _function_jackknife(
    function: Callable[..., np.ndarray], x_sorted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Leaving out any copy of a value leaves the same data: one value per distinct value."""
    distinct, first, counts = np.unique(x_sorted, return_index=True, return_counts=True)
    n = len(x_sorted)
    block = max(1, _BLOCK_VALUES // n)
    values = np.empty(len(distinct))
    keep = np.ones(n, dtype=bool)
    for start in range(0, len(distinct), block):
        stop = min(start + block, len(distinct))
        rows = np.empty((stop - start, n - 1))
        for k, i in enumerate(first[start:stop]):
            keep[i] = False
            rows[k] = x_sorted[keep]
            keep[i] = True
        values[start:stop] = function(rows, axis=-1)
    return values, counts.astype(np.float64)


def from_function(
    name: str,
    label: str,
    function: Callable[..., np.ndarray],
    kind: StatisticKind = "moment",
) -> Statistic:
    """A statistic from a vectorised function ``function(x, axis=-1)``, as scipy's bootstrap
    takes one: replicates resample rows (seeded), the jackknife leaves one value out.

    Costs O(n) per replicate: for large runs a dedicated kernel (like the mean's) is faster.
    """

    def estimate(x_sorted: np.ndarray) -> float:
        return float(function(x_sorted, axis=-1))

    return Statistic(
        name=name,
        kind=kind,
        label=label,
        estimate=estimate,
        replicates=partial(_function_replicates, function),
        jackknife=partial(_function_jackknife, function),
    )


# --- the registry and the one grammar ---------------------------------------------------------

_PERCENTILE = re.compile(r"p(\d{1,2}(?:\.\d+)?)")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_NAMED: dict[str, Statistic] = {"median": MEDIAN, "mean": MEAN}
_BUILT_IN = frozenset(_NAMED)
#: The percentiles the widget offers beside the named statistics (any pNN is accepted).
OFFERED: tuple[str, ...] = ("p90", "p95", "p99")


@lru_cache(maxsize=256)
def _percentile(percent: str) -> Statistic:
    """The percentile statistic of a canonical percent text ("90", "99.9")."""
    return _quantile(f"p{percent}", f"{percent}th percentile", float(Decimal(percent) / 100))


def _percent(text: str) -> str | None:
    """The canonical percent of "pNN" / "pNN.d" with 0 < NN < 100 ("p05" → "5",
    "p99.90" → "99.9"), else None."""
    match = _PERCENTILE.fullmatch(text)
    if match is None:
        return None
    percent = Decimal(match.group(1))
    if not 0 < percent < 100:
        return None
    return format(percent.normalize(), "f")


def statistic_names() -> str:
    """The accepted names in words, for messages."""
    extra = [name for name in _NAMED if name not in _BUILT_IN]
    named = ", ".join(repr(n) for n in ("median", "mean", *extra))
    return f"{named} or a percentile strictly between 0 and 100 such as 'p90', 'p99' or 'p99.9'"


def parse_statistic(statistic: str | Statistic) -> Statistic:
    """The `Statistic` of a name (case and surrounding spaces ignored); a `Statistic` as is.

    Raises
    ------
    ValueError
        For any other name (p0 and p100, the minimum and maximum, included: their bootstrap
        is degenerate), with the one message every surface shows.
    """
    if isinstance(statistic, Statistic):
        return statistic
    text = statistic.strip().lower() if isinstance(statistic, str) else ""
    named = _NAMED.get(text)
    if named is not None:
        return named
    percent = _percent(text)
    if percent is not None:
        return _percentile(percent)
    raise ValueError(f"statistic={statistic!r} is not supported; use {statistic_names()}")


def register(statistic: Statistic) -> None:
    """Add a statistic to the registry: every surface then accepts, labels and offers it.

    Its name is lower case (letters, digits, "_"), and neither a built-in name nor a
    percentile; registering the same name again replaces the entry (undo: `unregister`).
    """
    name = statistic.name
    if not _NAME.fullmatch(name) or name in _BUILT_IN or _PERCENTILE.fullmatch(name):
        raise ValueError(
            f"cannot register a statistic named {name!r}: use a new lower-case name "
            "(letters, digits, '_'), not 'median', 'mean' or a percentile"
        )
    _NAMED[name] = statistic


def unregister(name: str) -> None:
    """Remove a registered statistic (the built-in ones stay)."""
    if name in _BUILT_IN:
        raise ValueError(f"{name!r} is built in and cannot be removed")
    _NAMED.pop(name, None)


@contextmanager
def registered(statistic: Statistic) -> Iterator[Statistic]:
    """`register` for the duration of a ``with`` block (tests), then `unregister`."""
    register(statistic)
    try:
        yield statistic
    finally:
        unregister(statistic.name)


def choices() -> list[StatisticChoice]:
    """The statistics the widget offers, as `_choices["statistics"]` sends them:
    median, mean, the `OFFERED` percentiles, then any registered statistic."""
    offered = [MEDIAN, MEAN, *(_percentile(p[1:]) for p in OFFERED)]
    offered += [s for name, s in _NAMED.items() if name not in _BUILT_IN]
    return [StatisticChoice(name=s.name, label=s.label, kind=s.kind) for s in offered]
