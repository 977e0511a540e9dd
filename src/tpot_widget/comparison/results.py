"""What a comparison returns: `RunEstimate` per run, `Difference` per run vs the baseline, and
the `Comparison` holding them with its parameters and notes; `verdict` turns a difference's
intervals into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..params import DEFAULTS, Parameters, Range
from ..wire import (
    DifferenceDict,
    RunDict,
    ShiftFunctionDict,
    SLODict,
    StatsDict,
    Verdict,
    WarmUpDict,
)

if TYPE_CHECKING:
    import pandas as pd


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

    def to_dict(self) -> RunDict:
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

    @classmethod
    def not_enough_data(cls, name: str, baseline: str) -> Difference:
        """The row of a difference the data cannot support: every number None."""
        return cls(name, baseline, None, None, None, None, None, None, None, "not enough data")

    def to_dict(self) -> DifferenceDict:
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


#: The difference columns of `Comparison.to_frame` besides its CI (which gets a diff_ prefix).
_FRAME_DIFFERENCE_KEYS = (
    "relative",
    "relative_ci_low",
    "relative_ci_high",
    "p_value",
    "p_value_adjusted",
    "prob_faster",
    "hl_estimate",
    "hl_ci_low",
    "hl_ci_high",
)


@dataclass(frozen=True, eq=False)
class Draws:
    """What a unit's interval was computed from, kept so that several comparisons can be
    combined without drawing again (a sweep interpolates between load levels).

    `replicates`: a single run's request-level bootstrap replicates of its statistic (None
    for an arm, or below 2 values). `run_estimates`: each run's statistic, for an arm of
    ≥ 2 runs (the inputs of its run-level t-interval); empty otherwise.
    """

    replicates: np.ndarray | None = None
    run_estimates: tuple[float, ...] = ()


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
    slo: SLODict | None = None
    warm_up: WarmUpDict | None = None
    shift_function: tuple[ShiftFunctionDict, ...] = ()
    #: Per unit, what its interval was drawn from (not part of `to_dict`; see `Draws`).
    draws: tuple[Draws, ...] = field(default=(), repr=False, compare=False)

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

    def to_dict(self) -> StatsDict:
        """JSON-safe dict (Python floats/ints/str, None where not enough data, never NaN/inf).

        The parameters at the top level (ranges as [lo, hi] with None for an open end), then
        "minimum_n" (the fewest requests a run needs for the statistic at the level; below it
        "not enough data"), "runs", "differences", "notes", "slo" ({"objectives", "runs",
        "differences"} or None), "warm_up" and "shift_function" (one entry per non-baseline
        run); typed by `wire.StatsDict`.
        """
        from ..stats import minimum_sample_size

        p = self.parameters.to_dict()
        return {
            "dimension": p["dimension"],
            "x_dimension": p["x_dimension"],
            "statistic": p["statistic"],
            "confidence_level": p["confidence_level"],
            "method": p["method"],
            "n_resamples": p["n_resamples"],
            "token_range": p["token_range"],
            "time_range": p["time_range"],
            "threshold": p["threshold"],
            "match": p["match"],
            "minimum_n": minimum_sample_size(p["statistic"], p["confidence_level"]),
            "runs": [r.to_dict() for r in self.runs],
            "differences": [d.to_dict() for d in self.differences],
            "notes": list(self.notes),
            "slo": self.slo,
            "warm_up": self.warm_up,
            "shift_function": [ShiftFunctionDict(**s) for s in self.shift_function],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per run: its estimate and CI, then its difference vs the baseline."""
        import pandas as pd

        rows = []
        diffs: list[Difference | None] = [None, *self.differences]
        for r, d in zip(self.runs, diffs, strict=True):
            row: dict[str, Any] = {**r.to_dict(), "n_missing": r.n_missing}
            for key in ("estimate", "ci_low", "ci_high"):
                row[f"diff_{key}"] = None if d is None else getattr(d, key)
            for key in _FRAME_DIFFERENCE_KEYS:
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
