"""The shapes of the dicts that cross the wire, typed once: what `Comparison.to_dict()` (the
widget's `stats`, the CLI's JSON, the report's model) and the widget's plumbing traits hold.

js/protocol.ts declares the same types for the front end; a contract test checks real
`to_dict()` outputs against both. Every number is a Python float or int, None where the data
cannot support it (never NaN or inf); ranges are [lo, hi] lists with None for an open end.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from .columns import ColumnChoice
from .stats.slo import SLOVerdict
from .stats.statistics import StatisticChoice

__all__ = [
    "ChoicesDict",
    "DifferenceDict",
    "ParametersDict",
    "RunDict",
    "RunMetaDict",
    "SLODict",
    "SLODifferenceDict",
    "SLORunDict",
    "ShiftFunctionDict",
    "StatsDict",
    "Verdict",
    "WarmUpDict",
]

#: A difference's verdict: by its CI against 0, or with a threshold by the relative CI.
Verdict = Literal[
    "faster",
    "slower",
    "no significant difference",
    "equivalent",
    "inconclusive",
    "not enough data",
]
#: [lo, hi] on a column, either bound None = open; None = every row.
RangeList = list[float | None]


class _ParameterKeys(TypedDict):
    """The parameters as the stats dict and `Parameters.to_dict()` both hold them."""

    dimension: str
    x_dimension: str
    statistic: str
    confidence_level: float
    method: str
    n_resamples: int
    token_range: RangeList | None
    time_range: RangeList | None
    threshold: float | None
    match: list[str] | None


class ParametersDict(_ParameterKeys):
    """`Parameters.to_dict()`: the parameters with the SLO objectives (seconds per column)."""

    slo: dict[str, float]


class RunDict(TypedDict):
    """One run (or arm): `RunEstimate.to_dict()`."""

    name: str
    n: int
    n_errors: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n_runs: int
    between_run_share: float | None


class DifferenceDict(TypedDict):
    """One non-baseline run against the baseline: `Difference.to_dict()`."""

    name: str
    baseline: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    relative: float | None
    relative_ci_low: float | None
    relative_ci_high: float | None
    p_value: float | None
    p_value_adjusted: float | None
    verdict: Verdict
    prob_faster: float | None
    hl_estimate: float | None
    hl_ci_low: float | None
    hl_ci_high: float | None


class SLORunDict(TypedDict):
    """One run's SLO attainment in the selection, with goodput."""

    name: str
    n: int
    met: int
    n_errors: int
    attainment: float | None
    ci_low: float | None
    ci_high: float | None
    duration_s: float | None
    goodput_rps: float | None
    goodput_tokens_per_s: float | None
    #: Objective columns this run did not measure (attainment then unknown, not 0 %).
    unmeasured: list[str]


class SLODifferenceDict(TypedDict):
    """A run's attainment minus the baseline's (a share: 0.01 = one percentage point)."""

    name: str
    baseline: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: SLOVerdict


class SLODict(TypedDict):
    """SLO attainment: objectives in seconds per duration column, runs, differences."""

    objectives: dict[str, float]
    confidence_level: float
    runs: list[SLORunDict]
    differences: list[SLODifferenceDict]


class WarmUpDict(TypedDict):
    """A suggested warm-up cut: seconds into the runs, which runs show it, in words."""

    seconds: float
    runs: list[str]
    message: str


class ShiftFunctionDict(TypedDict):
    """One run's shift function against the baseline: values per quantile, with the band."""

    name: str
    baseline: str
    quantiles: list[float | None]
    baseline_values: list[float | None]
    run_values: list[float | None]
    difference: list[float | None]
    ci_low: list[float | None]
    ci_high: list[float | None]


class StatsDict(_ParameterKeys):
    """`Comparison.to_dict()`, the widget's `stats`: the parameters at the top level, then
    the runs (baseline first), the differences, notes, SLO, warm-up hint and shift functions."""

    #: The fewest requests a run needs for the statistic at the level ("not enough data" below).
    minimum_n: int
    runs: list[RunDict]
    differences: list[DifferenceDict]
    notes: list[str]
    slo: SLODict | None
    warm_up: WarmUpDict | None
    shift_function: list[ShiftFunctionDict]


class RunMetaDict(TypedDict):
    """One run as the widget's `_runs_meta` describes it to the front end."""

    name: str
    label: str
    color: str
    n_requests: int
    n_errors: int
    n_runs: int
    top_errors: list[list[str | int]]
    synthetic: bool
    has_start_times: bool


class ChoicesDict(TypedDict):
    """The widget's `_choices`: what the controls offer, the columns and the statistics."""

    dimensions: list[str]
    x_dimensions: list[str]
    units: dict[str, str]
    slo_columns: list[str]
    columns: list[ColumnChoice]
    statistics: list[StatisticChoice]
