"""Compare runs: per-run estimates with bootstrap CIs and each run against the baseline.

`compare(a, b, ...)` is the one-call form; `Comparer` prepares the runs once (sorted by the
brushed column) so the widget can recompute on every brush in milliseconds. Both give
identical numbers. Every parameter is validated by `params`, the one place that owns them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import params, stats
from .arm import Arm, as_arm_or_run
from .display import format_threshold
from .params import DEFAULTS, Parameters, Range
from .run import Run

if TYPE_CHECKING:
    import pandas as pd

Verdict = Literal[
    "faster",
    "slower",
    "no significant difference",
    "equivalent",
    "inconclusive",
    "not enough data",
]
#: Kept for callers of the first version: a (lo, hi) range with open ends as None.
TokenRange = Range

#: The note every comparison of single runs carries: what its intervals cover.
REQUEST_NOISE_NOTE = (
    "Intervals cover request-to-request noise within each run only, not run-to-run "
    "variation: repeat each configuration (an Arm of several runs) before trusting a small "
    "difference."
)


@dataclass(frozen=True)
class RunEstimate:
    """One run's (or arm's) statistic with its CI; estimate and CI are None below 2 values.

    `n` counts the rows used (selected, not failed, value present); `n_errors` the run's
    failed requests; `n_missing` selected non-failed rows whose value is NaN (excluded).
    For an arm, `n_runs` > 1 and `between_run_share` is the share of the variance of a
    run's statistic that comes from run-to-run variation (None for a single run).
    """

    name: str
    n: int
    n_errors: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n_missing: int = 0
    n_runs: int = 1
    between_run_share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-safe dict of the contract (no `n_missing`)."""
        return {
            "name": self.name,
            "n": self.n,
            "n_errors": self.n_errors,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n_runs": self.n_runs,
            "between_run_share": self.between_run_share,
        }


@dataclass(frozen=True)
class Difference:
    """A run against the baseline: b − a and b / a − 1 with CIs, p-values, effect sizes, verdict.

    Without a threshold, "faster" means the CI of b − a lies entirely below 0 (lower times
    are better). With `threshold` t, the relative CI decides: below −t "faster", above +t
    "slower", inside [−t, t] "equivalent", otherwise "inconclusive". `prob_faster` is
    P(a request of this run is faster than one of the baseline) (ties count half);
    `hl_*` the Hodges–Lehmann shift (median of pairwise differences) with its CI.
    """

    name: str
    baseline: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    relative: float | None
    relative_ci_low: float | None
    relative_ci_high: float | None
    p_value: float | None
    verdict: Verdict
    p_value_adjusted: float | None = None
    prob_faster: float | None = None
    hl_estimate: float | None = None
    hl_ci_low: float | None = None
    hl_ci_high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-safe dict of the contract."""
        return {
            "name": self.name,
            "baseline": self.baseline,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "relative": self.relative,
            "relative_ci_low": self.relative_ci_low,
            "relative_ci_high": self.relative_ci_high,
            "p_value": self.p_value,
            "p_value_adjusted": self.p_value_adjusted,
            "verdict": self.verdict,
            "prob_faster": self.prob_faster,
            "hl_estimate": self.hl_estimate,
            "hl_ci_low": self.hl_ci_low,
            "hl_ci_high": self.hl_ci_high,
        }


@dataclass(frozen=True)
class Comparison:
    """The result of `compare`: `.runs` (baseline first) and `.differences` vs the baseline.

    `parameters` are the validated parameters it was computed with; `notes` say in words what
    the intervals cover and what to watch (confounded workloads, warm-up, ...); `slo` is the
    SLO attainment table when objectives were given; `warm_up` a suggested time cut or None.
    """

    runs: tuple[RunEstimate, ...]
    differences: tuple[Difference, ...]
    parameters: Parameters = DEFAULTS
    notes: tuple[str, ...] = ()
    slo: dict[str, Any] | None = None
    warm_up: dict[str, Any] | None = None
    shift_function: tuple[dict[str, Any], ...] = ()

    # The parameters most callers read, as attributes of the comparison itself.
    @property
    def dimension(self) -> str:
        """The compared column."""
        return self.parameters.dimension

    @property
    def statistic(self) -> str:
        """The estimated statistic ("median", "mean", "p90"...)."""
        return self.parameters.statistic

    @property
    def method(self) -> str:
        """The bootstrap interval method."""
        return self.parameters.method

    @property
    def confidence_level(self) -> float:
        """The confidence level of every interval."""
        return self.parameters.confidence_level

    @property
    def token_range(self) -> Range | None:
        """The selection on `x_dimension` (None = every row)."""
        return self.parameters.token_range

    @property
    def time_range(self) -> Range | None:
        """The selection on `request_start` (None = every row)."""
        return self.parameters.time_range

    @property
    def n_resamples(self) -> int:
        """Bootstrap resamples per interval."""
        return self.parameters.n_resamples

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (Python floats/ints/str, None where not enough data, never NaN/inf).

        The parameters at the top level (ranges as [lo, hi] with None for an open end), then
        "runs", "differences", "notes", "slo" ({"objectives", "runs", "differences"} or None),
        "warm_up" and "shift_function" (one entry per non-baseline run).
        """
        out = self.parameters.to_dict()
        out.pop("slo")
        out.update(
            {
                "runs": [r.to_dict() for r in self.runs],
                "differences": [d.to_dict() for d in self.differences],
                "notes": list(self.notes),
                "slo": self.slo,
                "warm_up": self.warm_up,
                "shift_function": [dict(s) for s in self.shift_function],
            }
        )
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per run: its estimate and CI, then its difference vs the baseline."""
        import pandas as pd

        rows = []
        diffs: list[Difference | None] = [None, *self.differences]
        for r, d in zip(self.runs, diffs, strict=True):
            row: dict[str, Any] = {**r.to_dict(), "n_missing": r.n_missing}
            for key in ("estimate", "ci_low", "ci_high"):
                row[f"diff_{key}"] = None if d is None else getattr(d, key)
            for key in (
                "relative",
                "relative_ci_low",
                "relative_ci_high",
                "p_value",
                "p_value_adjusted",
                "prob_faster",
                "hl_estimate",
                "hl_ci_low",
                "hl_ci_high",
            ):
                row[key] = None if d is None else getattr(d, key)
            row["verdict"] = None if d is None else d.verdict
            rows.append(row)
        frame = pd.DataFrame(rows).set_index("name")
        frame.attrs.update(self.parameters.to_dict())
        frame.attrs["notes"] = list(self.notes)
        return frame

    def __repr__(self) -> str:
        p = self.parameters
        lines = [
            f"Comparison({p.statistic} of {p.dimension}, {p.method} "
            f"{p.confidence_level:.0%} CI, token_range={p.token_range}, "
            f"time_range={p.time_range})"
        ]
        for r in self.runs:
            if r.estimate is None:
                lines.append(f"  {r.name}: n={r.n}, not enough data")
            else:
                lines.append(
                    f"  {r.name}: n={r.n} {r.estimate:.6g} [{r.ci_low:.6g}, {r.ci_high:.6g}]"
                )
        for d in self.differences:
            if d.estimate is None:
                lines.append(f"  {d.name} − {d.baseline}: not enough data")
            else:
                p_text = "?" if d.p_value is None else f"{d.p_value:.3g}"
                lines.append(
                    f"  {d.name} − {d.baseline}: {d.estimate:+.6g} [{d.ci_low:+.6g}, "
                    f"{d.ci_high:+.6g}] p={p_text} → {d.verdict}"
                )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def clean(value: Any) -> float | None:
    """A Python float, or None for None/NaN/inf (the JSON-safe contract)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def verdict(
    ci_low: float | None,
    ci_high: float | None,
    relative_ci_low: float | None = None,
    relative_ci_high: float | None = None,
    threshold: float | None = None,
) -> Verdict:
    """The verdict of a difference: by its CI against 0, or by the relative CI against ±t."""
    if threshold is None:
        if ci_low is None or ci_high is None:
            return "not enough data"
        if ci_high < 0.0:
            return "faster"
        if ci_low > 0.0:
            return "slower"
        return "no significant difference"
    if relative_ci_low is None or relative_ci_high is None:
        return "not enough data"
    if relative_ci_high < -threshold:
        return "faster"
    if relative_ci_low > threshold:
        return "slower"
    if -threshold <= relative_ci_low and relative_ci_high <= threshold:
        return "equivalent"
    return "inconclusive"


def _is_array_like(obj: Any) -> bool:
    """Plain 1-D numbers (ndarray, pandas Series, list of numbers), not a run source."""
    if isinstance(obj, (Run, Arm, str, bytes)) or hasattr(obj, "columns"):
        return False
    if isinstance(obj, np.ndarray):
        return True
    if hasattr(obj, "__array__") and getattr(obj, "ndim", None) == 1:
        return True
    if isinstance(obj, (list, tuple)):
        try:
            return np.asarray(obj).dtype.kind in "fiu"
        except (ValueError, TypeError):
            return False
    return False


def _bounds(rng: Range | None) -> tuple[float, float]:
    if rng is None:
        return -math.inf, math.inf
    lo, hi = rng
    return (-math.inf if lo is None else float(lo)), (math.inf if hi is None else float(hi))


class _Prepared:
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

    @property
    def has_x(self) -> bool:
        return self._x is not None

    @cached_property
    def warm_up_cut(self) -> float | None:
        """Where an obvious warm-up ends (seconds into the run), or None (computed once)."""
        if not self.has_time:
            return None
        assert self._t is not None
        usable = self._ok & np.isfinite(self._values)
        return stats.detect_warm_up(self._t[usable], self._values[usable])

    @property
    def has_time(self) -> bool:
        """Whether the run knows when its requests started."""
        return self._t is not None and bool(np.isfinite(self._t).any())

    @cached_property
    def _by_value(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sorted usable values, their x, their request start): a time filter keeps order."""
        usable = self._ok & ~np.isnan(self._values)
        order = np.argsort(self._values[usable], kind="stable")
        x = np.full(len(self._values), np.nan) if self._x is None else self._x
        t = np.full(len(self._values), np.nan) if self._t is None else self._t
        return self._values[usable][order], x[usable][order], t[usable][order]

    def select(self, token_range: Range | None, time_range: Range | None) -> np.ndarray:
        """Sorted usable values inside both ranges."""
        if time_range is None:
            return self.selector.select(token_range)
        values, x, t = self._by_value
        t_lo, t_hi = _bounds(time_range)
        with np.errstate(invalid="ignore"):
            keep = (t >= t_lo) & (t <= t_hi)
            if token_range is not None:
                x_lo, x_hi = _bounds(token_range)
                keep &= (x >= x_lo) & (x <= x_hi)
        return values[keep]

    def mask(self, token_range: Range | None, time_range: Range | None) -> np.ndarray:
        """Boolean mask over all rows (errors included) inside both ranges."""
        mask = self.selector.mask(token_range)
        if time_range is not None and self._t is not None:
            lo, hi = _bounds(time_range)
            with np.errstate(invalid="ignore"):
                mask = mask & (self._t >= lo) & (self._t <= hi)
        return mask

    def n_missing(self, token_range: Range | None, time_range: Range | None) -> int:
        """How many non-failed rows in the ranges have no value (NaN) and are left out."""
        if token_range is None and time_range is None:
            return self._n_missing
        if time_range is None and self._missing_x is not None:
            lo, hi = _bounds(token_range)
            return int(
                np.searchsorted(self._missing_x, hi, side="right")
                - np.searchsorted(self._missing_x, lo, side="left")
            )
        nan_value = self._ok & np.isnan(self._values)
        return int((nan_value & self.mask(token_range, time_range)).sum())


@dataclass
class _Unit:
    """A compared unit: one run, or an arm of repeated runs (each prepared on its own)."""

    name: str
    source: Run | Arm | np.ndarray
    parts: list[_Prepared]
    pooled: _Prepared

    _met: dict[tuple[tuple[str, float], ...], np.ndarray] = dataclasses.field(default_factory=dict)

    @property
    def n_errors(self) -> int:
        return self.pooled.n_errors

    @property
    def run(self) -> Run | None:
        """The unit's rows as one Run (an arm pooled); None for a plain array."""
        if isinstance(self.source, Arm):
            return self.source.pooled
        return self.source if isinstance(self.source, Run) else None

    def slo_met(self, objectives: Any) -> np.ndarray:
        """Which requests meet the SLO (cached per objectives: a brush only counts)."""
        key = tuple(sorted(objectives.items()))
        if key not in self._met:
            run = self.run
            assert run is not None
            self._met[key] = stats.slo_met(run.columns, run.errors, objectives)
        return self._met[key]


def _named(item: Run | Arm, name: str) -> Run | Arm:
    if item.name == name:
        return item
    if isinstance(item, Arm):
        return item.renamed(name)
    return dataclasses.replace(item, name=name)


class Comparer:
    """Runs prepared once (sorted by `x_dimension`) for fast repeated `compare` calls.

    Parameters
    ----------
    runs
        2..8 runs or arms, the first is the baseline: `Run`s, `Arm`s (or plain lists of runs),
        LLMeter Results, paths / URLs, or 1-D arrays of `dimension` values. Repeated names are
        made distinct by `params.unique_names` (" (2)", " (3)"...).
    dimension
        The compared column.
    x_dimension
        The column `token_range` selects on.
    """

    def __init__(
        self,
        runs: Sequence[Any],
        dimension: str = DEFAULTS.dimension,
        x_dimension: str = DEFAULTS.x_dimension,
    ) -> None:
        items = [as_arm_or_run(item) for item in runs]
        params.check_run_count(len(items))
        self.dimension = params.normalize_column(dimension, "dimension")
        self.x_dimension = params.normalize_column(x_dimension, "x_dimension")
        sources: list[Run | Arm | np.ndarray] = []
        for item in items:
            if _is_array_like(item):
                sources.append(np.asarray(item, dtype=np.float64).ravel())
            elif isinstance(item, (Run, Arm)):
                sources.append(item)
            else:
                sources.append(_load(item))
        raw_names = [
            f"run {i + 1}" if isinstance(s, np.ndarray) else s.name for i, s in enumerate(sources)
        ]
        names = params.unique_names(raw_names)
        self._units: list[_Unit] = []
        for name, source in zip(names, sources, strict=True):
            if isinstance(source, np.ndarray):
                part = _Prepared(name, source, None, None, np.ones(len(source), dtype=bool))
                self._units.append(_Unit(name, source, [part], part))
                continue
            source = _named(source, name)
            runs_of = list(source.runs) if isinstance(source, Arm) else [source]
            parts = [self._prepare(r) for r in runs_of]
            pooled_run = source.pooled if isinstance(source, Arm) else source
            pooled = parts[0] if len(parts) == 1 else self._prepare(pooled_run)
            pooled.name = name
            self._units.append(_Unit(name, source, parts, pooled))
        self.names: list[str] = names

    def _prepare(self, run: Run) -> _Prepared:
        values = np.asarray(run[self.dimension], dtype=np.float64)
        x = np.asarray(run[self.x_dimension], dtype=np.float64)
        t = np.asarray(run["request_start"], dtype=np.float64)
        return _Prepared(run.name, values, x, t, ~run.errors)

    @property
    def runs(self) -> list[Run | np.ndarray]:
        """The compared runs (an arm as its pooled Run), baseline first, names made unique."""
        return [u.source.pooled if isinstance(u.source, Arm) else u.source for u in self._units]

    @property
    def units(self) -> list[Run | Arm | np.ndarray]:
        """The compared runs and arms as given (names made unique), baseline first."""
        return [u.source for u in self._units]

    def selection_mask(
        self, run_index: int, token_range: Any = None, time_range: Any = None
    ) -> np.ndarray:
        """Boolean mask over run `run_index`'s rows (errors included) inside both ranges."""
        token_range = params.normalize_range(token_range, "token_range")
        time_range = params.normalize_range(time_range, "time_range")
        self.check_ranges(token_range, time_range)
        return self._units[run_index].pooled.mask(token_range, time_range)

    def selected_values(
        self, run_index: int, token_range: Any = None, time_range: Any = None
    ) -> np.ndarray:
        """Sorted values used for statistics of run `run_index` in the ranges (read-only)."""
        token_range = params.normalize_range(token_range, "token_range")
        time_range = params.normalize_range(time_range, "time_range")
        self.check_ranges(token_range, time_range)
        return self._units[run_index].pooled.select(token_range, time_range)

    def check_ranges(self, token_range: Range | None, time_range: Range | None) -> None:
        """Refuse ranges the runs cannot serve (no x column; no request start times)."""
        if token_range is not None and not all(u.pooled.has_x for u in self._units):
            raise ValueError(
                "token_range needs Runs (with an x column such as num_tokens_output); "
                "plain arrays hold only the values of the dimension"
            )
        if time_range is not None:
            without = [u.name for u in self._units if not u.pooled.has_time]
            if without:
                raise ValueError(
                    f"time_range needs request start times, and {', '.join(map(repr, without))} "
                    "has none (its tool did not record when each request started); compare "
                    "without time_range, or trim the run before loading it"
                )

    def compare(self, parameters: Parameters | None = None, **values: Any) -> Comparison:
        """Estimates and CIs for the rows inside the ranges, each run vs the first.

        Takes a validated `Parameters`, or the keyword arguments of `compare` (validated by
        `params`); `random_state` None means the fixed seed 0.
        """
        random_state = values.pop("random_state", None)
        if parameters is None:
            parameters = Parameters.from_user(
                dimension=self.dimension, x_dimension=self.x_dimension, **values
            )
        elif values:
            raise TypeError("pass either a Parameters or keyword arguments, not both")
        p = parameters
        if (p.dimension, p.x_dimension) != (self.dimension, self.x_dimension):
            raise ValueError(
                f"this Comparer was prepared for dimension={self.dimension!r}, "
                f"x_dimension={self.x_dimension!r}; build another for {p.dimension!r}"
            )
        self.check_ranges(p.token_range, p.time_range)
        return _compute(self._units, p, stats.make_rng(random_state))


def _compute(units: Sequence[_Unit], p: Parameters, rng: np.random.Generator) -> Comparison:
    """The statistics of `units` for parameters `p` (see `compare`)."""
    stat = stats.parse_statistic(p.statistic)
    seeds = [stats.draw_seeds(rng) for _ in units]  # one stream per run, whatever is computed
    samples = [u.pooled.select(p.token_range, p.time_range) for u in units]
    singles = [
        _single_estimate(u, x, s, stat, p) for u, x, s in zip(units, samples, seeds, strict=True)
    ]
    estimates = [
        _arm_estimate(u, p, stat, s) if len(u.parts) > 1 else single.row
        for u, single, s in zip(units, singles, seeds, strict=True)
    ]

    differences: list[Difference] = []
    notes: list[str] = []
    for i in range(1, len(units)):
        d: stats.DifferenceInterval | None
        if p.match is not None:
            d, note = _matched(units[0], units[i], p, stat, seeds[i])
            notes.append(note)
        elif len(units[0].parts) > 1 or len(units[i].parts) > 1:
            d = _arm_vs_arm(units[0], units[i], p, stat, seeds[i])
        else:
            d = _run_vs_run(singles[0], singles[i], samples[0], samples[i], stat, p)
        if p.match is None:
            notes += _confound_notes(units[0], units[i], p)
        differences.append(
            _with_effects(d, units[i].name, units[0].name, samples[0], samples[i], p)
        )
    adjusted = stats.holm([d.p_value for d in differences])
    differences = [
        dataclasses.replace(d, p_value_adjusted=clean(a))
        for d, a in zip(differences, adjusted, strict=True)
    ]
    warm_up = _warm_up_hint(units, p)
    return Comparison(
        runs=tuple(estimates),
        differences=tuple(differences),
        parameters=p,
        notes=tuple(_notes(units, p, estimates, warm_up) + notes),
        slo=_slo(units, p),
        warm_up=warm_up,
        shift_function=tuple(
            _shift_entry(units[0].name, units[i].name, samples[0], samples[i], p, seeds[i])
            for i in range(1, len(units))
        ),
    )


@dataclass(frozen=True)
class _Single:
    """One unit's request-level result: the row, theta, replicates, and the mean's moments."""

    row: RunEstimate
    theta: float | None = None
    reps: np.ndarray | None = None
    moments: stats.Moments | None = None  # set when the mean came from O(1) moments


def _single_estimate(
    u: _Unit, x: np.ndarray, seeds: np.ndarray, stat: stats.Statistic, p: Parameters
) -> _Single:
    """One unit's pooled rows: estimate and request-level bootstrap CI.

    The mean of a large selection takes the live path: its moments in O(1) from prefix sums,
    Cornish–Fisher replicates and the closed-form BCa acceleration (`stats.moments`).
    """
    missing = u.pooled.n_missing(p.token_range, p.time_range)
    if len(x) < 2:
        row = RunEstimate(u.name, len(x), u.n_errors, None, None, None, missing, len(u.parts))
        return _Single(row)
    theta = stats.estimate(x, stat)
    moments = reps = None
    if stat.quantile is None and p.time_range is None:
        moments = u.pooled.selector.moments(p.token_range)
        reps = stats.replicates_from_moments(moments, p.n_resamples, seeds)
        if reps is None:
            moments = None
    if reps is None:
        reps = stats.replicates(x, stat, p.n_resamples, seeds)

    def accel() -> float:
        if moments is not None:
            return stats.mean_acceleration(moments)
        return stats.acceleration([stats.jackknife(x, stat)])

    lo, hi = stats.interval(reps, theta, p.confidence_level, p.method, accel)
    row = RunEstimate(
        u.name, len(x), u.n_errors, clean(theta), clean(lo), clean(hi), missing, len(u.parts)
    )
    return _Single(row, theta, reps, moments)


def _arm_estimate(u: _Unit, p: Parameters, stat: stats.Statistic, seeds: np.ndarray) -> RunEstimate:
    """An arm's estimate with a run-level interval (covers run-to-run variation)."""
    parts = [part.select(p.token_range, p.time_range) for part in u.parts]
    a = stats.arm_ci(
        parts,
        stat.name,
        p.confidence_level,
        p.method,
        p.n_resamples,
        np.random.default_rng(seeds),
    )
    return RunEstimate(
        u.name,
        a.n,
        u.n_errors,
        clean(a.estimate),
        clean(a.ci_low),
        clean(a.ci_high),
        u.pooled.n_missing(p.token_range, p.time_range),
        len(u.parts),
        clean(a.between_run_share),
    )


def _run_vs_run(
    a: _Single,
    b: _Single,
    xa: np.ndarray,
    xb: np.ndarray,
    stat: stats.Statistic,
    p: Parameters,
) -> stats.DifferenceInterval | None:
    """b − a of two single runs from their request-level replicates (None: not enough data)."""
    if a.theta is None or b.theta is None or a.reps is None or b.reps is None:
        return None
    if a.moments is None or b.moments is None:
        return stats.difference_from_replicates(
            xa, xb, stat, a.theta, b.theta, a.reps, b.reps, p.confidence_level, p.method
        )
    ma, mb = a.moments, b.moments  # the live mean: closed-form accelerations
    diff = b.theta - a.theta
    lo, hi = stats.interval(
        b.reps - a.reps,
        diff,
        p.confidence_level,
        p.method,
        lambda: stats.mean_difference_acceleration(ma, mb),
    )
    rel = rel_lo = rel_hi = None
    if a.theta != 0.0 and np.all(a.reps != 0.0):
        rel = b.theta / a.theta - 1.0
        rel_lo, rel_hi = stats.interval(
            b.reps / a.reps - 1.0,
            rel,
            p.confidence_level,
            p.method,
            lambda: stats.mean_difference_acceleration(ma, mb, relative=True),
        )
    return stats.DifferenceInterval(diff, lo, hi, rel, rel_lo, rel_hi)


def _arm_vs_arm(
    a: _Unit, b: _Unit, p: Parameters, stat: stats.Statistic, seeds: np.ndarray
) -> stats.ArmDifference | None:
    """b − a when either side is an arm: run-level (Welch) when both have ≥ 2 runs."""
    d = stats.arm_difference(
        [part.select(p.token_range, p.time_range) for part in a.parts],
        [part.select(p.token_range, p.time_range) for part in b.parts],
        stat.name,
        p.confidence_level,
        p.method,
        p.n_resamples,
        np.random.default_rng(seeds),
    )
    return None if d.estimate is None else d


def _rows(u: _Unit, p: Parameters, columns: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(values, covariates) of the unit's usable rows inside the ranges, for matching."""
    run = u.run
    if run is None:
        raise ValueError("match needs Runs (plain arrays have no token columns)")
    mask = u.pooled.mask(p.token_range, p.time_range) & ~run.errors
    values = np.asarray(run[p.dimension], dtype=np.float64)[mask]
    x = np.column_stack([np.asarray(run[c], dtype=np.float64)[mask] for c in columns])
    return values, x


def _matched(
    a: _Unit, b: _Unit, p: Parameters, stat: stats.Statistic, seeds: np.ndarray
) -> tuple[stats.MatchedDifference | None, str]:
    """The matched-workload difference (post-stratified) and a note of what was left out."""
    assert p.match is not None
    va, xa = _rows(a, p, p.match)
    vb, xb = _rows(b, p, p.match)
    how = " and ".join(p.match)
    try:
        d = stats.matched_difference(
            va,
            xa,
            vb,
            xb,
            stat.name,
            confidence_level=p.confidence_level,
            n_resamples=p.n_resamples,
            random_state=np.random.default_rng(seeds),
        )
    except ValueError as exc:
        return None, f"{b.name}: no matched comparison on {how} ({exc})."
    note = (
        f"{b.name} vs {a.name} matched on {how}: the difference compares the runs on the "
        f"pooled workload of their common support; {d.n_outside_a + d.n_unmatched_a} "
        f"request(s) of {a.name} and {d.n_outside_b + d.n_unmatched_b} of {b.name} fall "
        "outside it and are left out."
    )
    return (None if d.estimate is None else d), note


#: The confound check reads at most this many evenly spaced rows per run (it is a hint).
CONFOUND_MAX_ROWS = 2_000


def _confound_sample(u: _Unit, p: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """(values, output tokens) of at most ~`CONFOUND_MAX_ROWS` selected rows, evenly spaced.

    With only a token range on output tokens this reads the x-sorted rows (no pass over the
    run), so the check costs the same at 1M requests as at 10k.
    """
    if p.time_range is None and p.x_dimension == "num_tokens_output" and u.pooled.has_x:
        x, values = u.pooled.selector.x_slice(p.token_range)
    else:
        values, xs = _rows(u, p, ["num_tokens_output"])
        x = xs[:, 0]
    step = max(1, len(values) // CONFOUND_MAX_ROWS)
    return values[::step], x[::step]


def _confound_notes(a: _Unit, b: _Unit, p: Parameters) -> list[str]:
    """A note when the runs' output lengths differ enough to confound the raw comparison."""
    if a.run is None or b.run is None:
        return []
    va, xa = _confound_sample(a, p)
    vb, xb = _confound_sample(b, p)
    c = stats.confounding(va, xa, vb, xb, "num_tokens_output")
    return [f"{b.name} vs {a.name}: {c.note}"] if c.confounded and c.note else []


#: Resamples of the shift-function band in `compare` (a view; `shift_function` takes any).
SHIFT_RESAMPLES = 999


def _shift_entry(
    base: str, name: str, xa: np.ndarray, xb: np.ndarray, p: Parameters, seeds: np.ndarray
) -> dict[str, Any]:
    """One run's shift function against the baseline, JSON-safe (None where undefined)."""
    s = stats.shift_function(
        xa,
        xb,
        confidence_level=p.confidence_level,
        n_resamples=min(p.n_resamples, SHIFT_RESAMPLES),
        random_state=np.random.default_rng(seeds),
    )

    def values(array: np.ndarray) -> list[float | None]:
        return [clean(v) for v in array.tolist()]

    return {
        "name": name,
        "baseline": base,
        "quantiles": values(s.quantiles),
        "baseline_values": values(s.baseline),
        "run_values": values(s.run),
        "difference": values(s.difference),
        "ci_low": values(s.ci_low),
        "ci_high": values(s.ci_high),
    }


def _with_effects(
    d: stats.DifferenceInterval | None,
    name: str,
    base: str,
    xa: np.ndarray,
    xb: np.ndarray,
    p: Parameters,
) -> Difference:
    """A `Difference` row: CIs, verdict, p (Mann–Whitney or run-level), effect sizes."""
    if d is None or len(xa) < 2 or len(xb) < 2:
        return Difference(name, base, None, None, None, None, None, None, None, "not enough data")
    lo, hi = clean(d.ci_low), clean(d.ci_high)
    rel_lo, rel_hi = clean(d.relative_ci_low), clean(d.relative_ci_high)
    mw_p, prob_faster = stats.mann_whitney(xa, xb)
    # arms and matched comparisons carry their own p (run-level / stratified); runs use U's
    p_value = d.p_value if isinstance(d, (stats.ArmDifference, stats.MatchedDifference)) else mw_p
    hl = stats.hodges_lehmann(_thinned(xa), _thinned(xb), p.confidence_level)
    return Difference(
        name=name,
        baseline=base,
        estimate=clean(d.estimate),
        ci_low=lo,
        ci_high=hi,
        relative=clean(d.relative),
        relative_ci_low=rel_lo,
        relative_ci_high=rel_hi,
        p_value=clean(p_value),
        verdict=verdict(lo, hi, rel_lo, rel_hi, p.threshold),
        prob_faster=clean(prob_faster),
        hl_estimate=clean(hl.estimate),
        hl_ci_low=clean(hl.ci_low),
        hl_ci_high=clean(hl.ci_high),
    )


#: The Hodges–Lehmann shift uses at most this many evenly spaced order statistics per run, so
#: a brush stays live at 1M requests; below it the shift is exact.
HL_MAX_ROWS = 1_500


def _thinned(x_sorted: np.ndarray) -> np.ndarray:
    """At most `HL_MAX_ROWS` evenly spaced order statistics of sorted `x` (all of a small x).

    The thinned sample keeps the distribution's quantiles, so the shift estimate moves by at
    most the quantile grid's spacing; its CI is that of the smaller sample (conservative).
    """
    if len(x_sorted) <= HL_MAX_ROWS:
        return x_sorted
    index = np.linspace(0, len(x_sorted) - 1, HL_MAX_ROWS).round().astype(np.intp)
    return x_sorted[index]


def _slo(units: Sequence[_Unit], p: Parameters) -> dict[str, Any] | None:
    """SLO attainment per unit in the selection, and each against the baseline."""
    if not p.slo:
        return None
    runs = [u.run for u in units]
    if any(r is None for r in runs):
        raise ValueError("slo needs Runs (plain arrays have no per-request columns)")
    return stats.slo_summary(
        [u.name for u in units],
        [r.columns for r in runs if r is not None],
        [r.errors for r in runs if r is not None],
        p.slo,
        masks=[u.pooled.mask(p.token_range, p.time_range) for u in units],
        met=[u.slo_met(p.slo) for u in units],
        confidence_level=p.confidence_level,
    )


def _warm_up_hint(units: Sequence[_Unit], p: Parameters) -> dict[str, Any] | None:
    """A suggested warm-up cut when no time range is set and some run shows one."""
    if p.time_range is not None:
        return None
    found = {u.name: u.pooled.warm_up_cut for u in units}
    found = {name: cut for name, cut in found.items() if cut is not None}
    if not found:
        return None
    seconds = float(max(v for v in found.values() if v is not None))
    names = ", ".join(found)
    return {
        "seconds": seconds,
        "runs": list(found),
        "message": (
            f"{names}: the first {seconds:.0f} s look like a warm-up (the rolling median is "
            f"far from the rest of the run); exclude them with time_range=({seconds:.0f}, None)?"
        ),
    }


def _notes(
    units: Sequence[_Unit],
    p: Parameters,
    estimates: Sequence[RunEstimate],
    warm_up: dict[str, Any] | None,
) -> list[str]:
    """What the intervals cover and what to watch, in words."""
    notes: list[str] = []
    if all(len(u.parts) == 1 for u in units):
        notes.append(REQUEST_NOISE_NOTE)
    for e in estimates:
        if e.n_runs > 1:
            share = (
                ""
                if e.between_run_share is None
                else f"; {e.between_run_share:.0%} of a run's variance is between runs"
            )
            notes.append(
                f"{e.name}: an arm of {e.n_runs} runs; its interval covers run-to-run "
                f"variation (run-level t-interval){share}."
            )
    if p.threshold is not None:
        notes.append(
            f"Verdicts use a practical threshold of {format_threshold(p.threshold)}:"
            " 'equivalent' = the relative CI lies inside it, 'inconclusive' = it crosses it."
        )
    if warm_up is not None:
        notes.append(str(warm_up["message"]))
    return notes


def _load(source: Any) -> Run:
    from .loaders import load_run

    return load_run(source)


def compare(
    *runs: Any,
    dimension: str = DEFAULTS.dimension,
    statistic: str = DEFAULTS.statistic,
    confidence_level: float = DEFAULTS.confidence_level,
    method: str = DEFAULTS.method,
    n_resamples: int = DEFAULTS.n_resamples,
    token_range: Range | None = None,
    x_dimension: str = DEFAULTS.x_dimension,
    time_range: Range | None = None,
    threshold: float | None = None,
    match: str | Sequence[str] | None = None,
    slo: dict[str, float | str] | None = None,
    random_state: int | np.random.Generator | None = None,
) -> Comparison:
    """Compare 2..8 runs or arms (the first is the baseline) on `statistic` of `dimension`.

    Parameters
    ----------
    *runs
        `Run`s, `Arm`s of repeated runs (a plain list of runs counts as an arm), LLMeter
        Results, paths / URLs, or 1-D arrays of `dimension` values (then ranges and matching
        are unavailable). Repeated names are made distinct (" (2)", " (3)"...).
    dimension
        The compared column, e.g. "time_per_output_token" (seconds).
    statistic
        "median", "mean", or a percentile strictly between 0 and 100 such as "p90", "p99.9".
    confidence_level
        Of every interval, in [0.5, 0.9999].
    method
        "BCa" (default) or "percentile" bootstrap intervals.
    n_resamples
        Bootstrap resamples, 100 to 1,000,000.
    token_range
        (lo, hi) on `x_dimension`, inclusive, None = open end; None = every row.
    x_dimension
        The column `token_range` selects on (default "num_tokens_output").
    time_range
        (lo, hi) on `request_start` (seconds since the run's first request), e.g. (30, None)
        to drop a 30 s warm-up. Needs runs with start times.
    threshold
        A relative practical threshold, e.g. 0.02: verdicts become "faster" / "slower" /
        "equivalent" / "inconclusive" by the relative CI against ±2%.
    match
        "num_tokens_output", "num_tokens_input" or both: compare matched workloads.
    slo
        Objectives per duration column in seconds (or texts such as "500ms"), e.g.
        ``{"time_to_first_token": 0.5, "time_per_output_token": 0.05}``: adds attainment.
    random_state
        None (the fixed seed 0: the same input always gives the same numbers), an int seed
        or a numpy Generator.

    Returns
    -------
    Comparison
        `.runs`, `.differences`, `.notes`, `.parameters`; `to_dict()` is JSON-safe.

    Notes
    -----
    An interval from single runs covers request-to-request noise only (said in `notes`);
    with arms, run-to-run variation enters the intervals.
    """
    p = Parameters.from_user(
        dimension=dimension,
        statistic=statistic,
        confidence_level=confidence_level,
        method=method,
        n_resamples=n_resamples,
        token_range=token_range,
        x_dimension=x_dimension,
        time_range=time_range,
        threshold=threshold,
        match=match,
        slo=slo,
    )
    return Comparer(runs, p.dimension, p.x_dimension).compare(p, random_state=random_state)


def shift_function(
    baseline: Any,
    run: Any,
    quantiles: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    *,
    dimension: str = DEFAULTS.dimension,
    x_dimension: str = DEFAULTS.x_dimension,
    token_range: Range | None = None,
    time_range: Range | None = None,
    match: str | Sequence[str] | None = None,
    confidence_level: float = DEFAULTS.confidence_level,
    n_resamples: int = DEFAULTS.n_resamples,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Wilcox's shift function of `run` against `baseline`: the difference at each quantile.

    Parameters
    ----------
    baseline, run
        Runs (or anything `compare` accepts: arms are pooled, arrays, paths).
    quantiles
        Quantiles in (0, 1), default the deciles.
    dimension, x_dimension, token_range, time_range, confidence_level, n_resamples,
    random_state
        As in `compare`.
    match
        Token column(s): both runs are restricted to the common support of those columns
        (the quantiles are of the matched range, not reweighted).

    Returns
    -------
    pandas.DataFrame
        Columns quantile, baseline, run, difference (run − baseline, in the dimension's
        unit), ci_low, ci_high: a simultaneous band (all quantiles covered together at
        `confidence_level`) from the order-statistic bootstrap, covering request noise.
        A change only in the tail shows as a band away from 0 at the upper quantiles only.
    """
    import pandas as pd

    p = Parameters.from_user(
        dimension=dimension,
        x_dimension=x_dimension,
        token_range=token_range,
        time_range=time_range,
        match=match,
        confidence_level=confidence_level,
        n_resamples=n_resamples,
    )
    comparer = Comparer([baseline, run], p.dimension, p.x_dimension)
    comparer.check_ranges(p.token_range, p.time_range)
    units = comparer._units
    if p.match is not None:
        xs = [_rows(u, p, p.match) for u in units]
        lo = np.maximum(xs[0][1].min(axis=0), xs[1][1].min(axis=0))
        hi = np.minimum(xs[0][1].max(axis=0), xs[1][1].max(axis=0))
        samples = [np.sort(v[np.all((x >= lo) & (x <= hi), axis=1) & ~np.isnan(v)]) for v, x in xs]
    else:
        samples = [u.pooled.select(p.token_range, p.time_range) for u in units]
    s = stats.shift_function(
        samples[0],
        samples[1],
        quantiles=quantiles,
        confidence_level=p.confidence_level,
        n_resamples=p.n_resamples,
        random_state=random_state if random_state is not None else 0,
    )
    frame = pd.DataFrame(
        {
            "quantile": s.quantiles,
            "baseline": s.baseline,
            "run": s.run,
            "difference": s.difference,
            "ci_low": s.ci_low,
            "ci_high": s.ci_high,
        }
    )
    frame.attrs.update({"baseline": units[0].name, "run": units[1].name, **p.to_dict()})
    return frame
