"""Compare runs: per-run estimates with bootstrap CIs and each run against the baseline.

`compare(a, b, ...)` is the one-call form; `Comparer` pre-sorts the runs once so that the
widget can recompute on every brush in milliseconds. Both give identical numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import stats
from .run import Run

if TYPE_CHECKING:
    import pandas as pd

Verdict = Literal["faster", "slower", "no significant difference", "not enough data"]
TokenRange = tuple[float | None, float | None]
MIN_RUNS, MAX_RUNS = 2, 8


@dataclass(frozen=True)
class RunEstimate:
    """One run's statistic with its CI; estimate and CI are None below 2 values.

    `n` counts the rows used (selected, not failed, value present); `n_errors` the run's
    failed requests; `n_missing` selected non-failed rows whose value is NaN (excluded).
    """

    name: str
    n: int
    n_errors: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n_missing: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON-safe dict of the contract (no `n_missing`)."""
        return {
            "name": self.name,
            "n": self.n,
            "n_errors": self.n_errors,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


@dataclass(frozen=True)
class Difference:
    """A run against the baseline: b − a and b / a − 1 with CIs, Mann–Whitney p, verdict.

    "faster" means the CI of b − a lies entirely below 0 (lower times are better).
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
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class Comparison:
    """The result of `compare`: `.runs` (baseline first) and `.differences` vs the baseline."""

    runs: tuple[RunEstimate, ...]
    differences: tuple[Difference, ...]
    dimension: str
    statistic: str
    method: str
    confidence_level: float
    token_range: TokenRange | None
    n_resamples: int = 9999

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (Python floats/ints/str, None where not enough data, never NaN)."""
        return {
            "dimension": self.dimension,
            "statistic": self.statistic,
            "method": self.method,
            "confidence_level": self.confidence_level,
            "token_range": None if self.token_range is None else list(self.token_range),
            "runs": [r.to_dict() for r in self.runs],
            "differences": [d.to_dict() for d in self.differences],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per run: its estimate and CI, then its difference vs the baseline."""
        import pandas as pd

        by_name = {d.name: d for d in self.differences}
        rows = []
        for i, r in enumerate(self.runs):
            row: dict[str, Any] = {**r.to_dict(), "n_missing": r.n_missing}
            d = by_name.get(r.name) if i > 0 else None
            for key in (
                "estimate",
                "ci_low",
                "ci_high",
                "relative",
                "relative_ci_low",
                "relative_ci_high",
                "p_value",
            ):
                value = None if d is None else getattr(d, key)
                row[key if key.startswith(("relative", "p_")) else f"diff_{key}"] = value
            row["verdict"] = None if d is None else d.verdict
            rows.append(row)
        frame = pd.DataFrame(rows).set_index("name")
        frame.attrs.update(
            {
                "dimension": self.dimension,
                "statistic": self.statistic,
                "method": self.method,
                "confidence_level": self.confidence_level,
                "token_range": self.token_range,
            }
        )
        return frame

    def __repr__(self) -> str:
        lines = [
            f"Comparison({self.statistic} of {self.dimension}, {self.method} "
            f"{self.confidence_level:.0%} CI, token_range={self.token_range})"
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
                lines.append(
                    f"  {d.name} − {d.baseline}: {d.estimate:+.6g} [{d.ci_low:+.6g}, "
                    f"{d.ci_high:+.6g}] p={d.p_value:.3g} → {d.verdict}"
                )
        return "\n".join(lines)


def _clean(value: float | None) -> float | None:
    """A Python float, or None for None/NaN/inf (the JSON-safe contract)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _verdict(ci_low: float | None, ci_high: float | None) -> Verdict:
    if ci_low is None or ci_high is None:
        return "not enough data"
    if ci_high < 0.0:
        return "faster"
    if ci_low > 0.0:
        return "slower"
    return "no significant difference"


def _is_array_like(obj: Any) -> bool:
    """Plain 1-D numbers (ndarray, pandas Series, list of numbers), not a run source."""
    if isinstance(obj, (Run, str, bytes)) or hasattr(obj, "columns"):
        return False
    if isinstance(obj, np.ndarray):
        return True
    if hasattr(obj, "__array__") and getattr(obj, "ndim", None) == 1:
        return True
    if isinstance(obj, (list, tuple)):
        try:
            return np.asarray(obj).dtype.kind in "fiub"
        except (ValueError, TypeError):
            return False
    return False


@dataclass(frozen=True)
class _Prepared:
    name: str
    n_errors: int
    selector: stats.SortedSelector
    missing_x: np.ndarray  # sorted x of the rows (not failed) whose value is NaN

    def n_missing(self, token_range: TokenRange | None) -> int:
        """How many non-failed rows in the range have no value (NaN) and are left out."""
        if token_range is None:
            return len(self.missing_x)
        lo = -np.inf if token_range[0] is None else token_range[0]
        hi = np.inf if token_range[1] is None else token_range[1]
        return int(
            np.searchsorted(self.missing_x, hi, side="right")
            - np.searchsorted(self.missing_x, lo, side="left")
        )


class Comparer:
    """Runs prepared once (pre-sorted by `x_dimension`) for fast repeated `compare` calls.

    `runs`: 2..8 Runs, LLMeter Results, paths, or 1-D arrays of `dimension` values.
    """

    def __init__(
        self,
        runs: Sequence[Any],
        dimension: str = "time_per_output_token",
        x_dimension: str = "num_tokens_output",
    ) -> None:
        runs = list(runs)
        if not MIN_RUNS <= len(runs) <= MAX_RUNS:
            raise ValueError(
                f"compare needs 2 to 8 runs (the first is the baseline), got {len(runs)}"
            )
        self.dimension = dimension
        self.x_dimension = x_dimension
        self._prepared: list[_Prepared] = []
        self.runs: list[Run | np.ndarray] = []
        for i, item in enumerate(runs):
            if _is_array_like(item):
                values = np.asarray(item, dtype=np.float64).ravel()
                usable = ~np.isnan(values)
                self.runs.append(values)
                self._prepared.append(
                    _Prepared(
                        name=f"run {i + 1}",
                        n_errors=0,
                        selector=stats.SortedSelector(values, None, usable),
                        missing_x=np.full(int((~usable).sum()), np.nan),
                    )
                )
                continue
            run = item if isinstance(item, Run) else _load(item)
            self.runs.append(run)
            values = np.asarray(run[dimension], dtype=np.float64)
            x = np.asarray(run[x_dimension], dtype=np.float64)
            ok = ~run.errors
            nan_value = ok & np.isnan(values)
            self._prepared.append(
                _Prepared(
                    name=run.name,
                    n_errors=run.n_errors,
                    selector=stats.SortedSelector(values, x, ok),
                    missing_x=np.sort(x[nan_value]),
                )
            )
        self.names = [p.name for p in self._prepared]

    def selection_mask(self, run_index: int, token_range: TokenRange | None) -> np.ndarray:
        """Boolean mask over run `run_index`'s rows (errors included) with x in the range."""
        return self._prepared[run_index].selector.mask(_check_range(token_range))

    def selected_values(self, run_index: int, token_range: TokenRange | None) -> np.ndarray:
        """Sorted values used for statistics of run `run_index` in the range (read-only)."""
        token_range = _check_range(token_range)
        self._check_has_x(token_range)
        return self._prepared[run_index].selector.select(token_range)

    def _check_has_x(self, token_range: TokenRange | None) -> None:
        if token_range is not None and not all(p.selector.has_x for p in self._prepared):
            raise ValueError(
                "token_range needs Runs (with an x column such as num_tokens_output); "
                "plain arrays hold only the values of the dimension"
            )

    def compare(
        self,
        token_range: TokenRange | None = None,
        statistic: str = "median",
        confidence_level: float = 0.95,
        method: str = "BCa",
        n_resamples: int = 9999,
        random_state: int | np.random.Generator | None = None,
    ) -> Comparison:
        """Estimates and CIs for the rows with x in `token_range`, each run vs the first."""
        method = stats.bootstrap.check_method(method, confidence_level, n_resamples)
        stat = stats.parse_statistic(statistic)
        token_range = _check_range(token_range)
        self._check_has_x(token_range)
        confidence_level = float(confidence_level)
        n_resamples = int(n_resamples)
        rng = stats.make_rng(random_state)

        samples: list[np.ndarray] = []
        thetas: list[float | None] = []
        reps: list[np.ndarray | None] = []
        estimates: list[RunEstimate] = []
        for p in self._prepared:
            seeds = stats.draw_seeds(rng)  # drawn for every run, so runs keep their streams
            x = p.selector.select(token_range)
            samples.append(x)
            missing = p.n_missing(token_range)
            if len(x) < 2:
                thetas.append(None)
                reps.append(None)
                estimates.append(RunEstimate(p.name, len(x), p.n_errors, None, None, None, missing))
                continue
            theta = stats.estimate(x, stat)
            r = stats.replicates(x, stat, n_resamples, seeds)
            lo, hi = stats.interval(
                r,
                theta,
                confidence_level,
                method,
                lambda x=x: stats.acceleration([stats.jackknife(x, stat)]),
            )
            thetas.append(theta)
            reps.append(r)
            estimates.append(
                RunEstimate(
                    p.name, len(x), p.n_errors, _clean(theta), _clean(lo), _clean(hi), missing
                )
            )

        differences: list[Difference] = []
        base = self._prepared[0].name
        for i in range(1, len(self._prepared)):
            name = self._prepared[i].name
            theta_a, theta_b = thetas[0], thetas[i]
            reps_a, reps_b = reps[0], reps[i]
            if theta_a is None or theta_b is None or reps_a is None or reps_b is None:
                differences.append(
                    Difference(
                        name, base, None, None, None, None, None, None, None, "not enough data"
                    )
                )
                continue
            d = stats.difference_from_replicates(
                samples[0],
                samples[i],
                stat,
                theta_a,
                theta_b,
                reps_a,
                reps_b,
                confidence_level,
                method,
            )
            lo, hi = _clean(d.ci_low), _clean(d.ci_high)
            differences.append(
                Difference(
                    name=name,
                    baseline=base,
                    estimate=_clean(d.estimate),
                    ci_low=lo,
                    ci_high=hi,
                    relative=_clean(d.relative),
                    relative_ci_low=_clean(d.relative_ci_low),
                    relative_ci_high=_clean(d.relative_ci_high),
                    p_value=_clean(stats.mann_whitney_p(samples[0], samples[i])),
                    verdict=_verdict(lo, hi),
                )
            )
        return Comparison(
            runs=tuple(estimates),
            differences=tuple(differences),
            dimension=self.dimension,
            statistic=stat.name,
            method=method,
            confidence_level=confidence_level,
            token_range=token_range,
            n_resamples=n_resamples,
        )


def _load(source: Any) -> Run:
    from .loaders import load_run

    return load_run(source)


def _check_range(token_range: Any) -> TokenRange | None:
    """Validate (lo, hi) with either end None; returns a tuple of Python numbers or None."""
    if token_range is None:
        return None
    try:
        lo, hi = token_range
    except (TypeError, ValueError):
        raise ValueError(
            f"token_range must be None or a pair (lo, hi), got {token_range!r}"
        ) from None

    def number(v: Any) -> float | None:
        if v is None:
            return None
        f = float(v)
        if math.isnan(f):
            return None
        return int(f) if f.is_integer() else f

    lo_n, hi_n = number(lo), number(hi)
    if lo_n is not None and hi_n is not None and lo_n > hi_n:
        raise ValueError(f"token_range ({lo}, {hi}) is empty: lo must be <= hi")
    return (lo_n, hi_n)


def compare(
    *runs: Any,
    dimension: str = "time_per_output_token",
    statistic: str = "median",
    confidence_level: float = 0.95,
    method: str = "BCa",
    n_resamples: int = 9999,
    token_range: TokenRange | None = None,
    x_dimension: str = "num_tokens_output",
    random_state: int | np.random.Generator | None = None,
) -> Comparison:
    """Compare 2..8 runs (the first is the baseline) on `statistic` of `dimension`.

    Same numbers as `Comparer(runs, dimension, x_dimension).compare(...)`; random_state
    None means the fixed seed 0, so the same input always gives the same result.
    """
    return Comparer(runs, dimension, x_dimension).compare(
        token_range=token_range,
        statistic=statistic,
        confidence_level=confidence_level,
        method=method,
        n_resamples=n_resamples,
        random_state=random_state,
    )
