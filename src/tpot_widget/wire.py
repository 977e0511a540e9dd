"""The shapes of the dicts that cross the wire, typed once: what `Comparison.to_dict()` (the
widget's `stats`, the CLI's JSON, the report's model) and the widget's plumbing traits hold.

js/protocol.ts declares the same types for the front end; a contract test checks real
`to_dict()` outputs against both. Every number is a Python float or int, None where the data
cannot support it (never NaN or inf); ranges are [lo, hi] lists with None for an open end.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from .columns import ColumnChoice
from .load import LoadKind
from .stats.slo import SLOVerdict
from .stats.statistics import StatisticChoice

__all__ = [
    "ChoicesDict",
    "CrossingDict",
    "CrossingStatus",
    "CurveDict",
    "CurvePointDict",
    "DifferenceDict",
    "LevelDifferenceDict",
    "LevelDifferencePointDict",
    "LoadDict",
    "LoadLevelDict",
    "LoadLevelValue",
    "MaxLoadDict",
    "MaxLoadStatus",
    "ParametersDict",
    "RunDict",
    "RunMetaDict",
    "SLODict",
    "SLODifferenceDict",
    "SLORunDict",
    "ShiftFunctionDict",
    "StatsDict",
    "SweepAxisDict",
    "SweepConfigurationDict",
    "SweepParetoConfigurationDict",
    "SweepParetoDict",
    "SweepParetoPointDict",
    "SweepStatsDict",
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


class _AgainstBaselineKeys(TypedDict):
    """What every comparison with the baseline reports: the relative difference (b / a − 1)
    with its CI, the p-value, the Holm-adjusted p-value and the verdict."""

    relative: float | None
    relative_ci_low: float | None
    relative_ci_high: float | None
    p_value: float | None
    #: Holm-adjusted across the comparison's differences (in a sweep comparison: across every
    #: compared level and configuration).
    p_value_adjusted: float | None
    verdict: Verdict


class DifferenceDict(_AgainstBaselineKeys):
    """One non-baseline run against the baseline: `Difference.to_dict()`."""

    name: str
    baseline: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
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


#: A load level as `w.load_level` holds it: the number of a concurrency or rate level (16,
#: 2.5), else the kind's name ("synchronous", "throughput"; "throughput=50" in the rare case
#: such a level carries a value). Two-way: the front end sets `load_level` to one of these.
LoadLevelValue = float | str


class LoadDict(TypedDict):
    """`Load.to_dict()`: a load level's kind and value (None for throughput)."""

    kind: LoadKind
    value: float | None


class LoadLevelDict(TypedDict):
    """One load level a sweep widget offers (`_choices["load_levels"]`, sorted by load)."""

    #: What `w.load_level` holds when this level is chosen (and what the front end sets).
    value: LoadLevelValue
    kind: LoadKind
    #: As tables print it: "concurrency 16", "rate 2.5", "throughput".
    label: str
    #: The configurations that ran this level, baseline first (the others show their
    #: nearest level by achieved request rate, see `RunMetaDict.level_note`).
    configurations: list[str]


class RunMetaDict(TypedDict):
    """One run as the widget's `_runs_meta` describes it to the front end.

    In a sweep widget there is one entry per configuration, at the current `load_level`.
    """

    #: The run part of its column keys ("<key>/<column>", `_transport.column_key`): "0",
    #: "1"... for plain runs (their index); "L<level>.C<config>" in a sweep widget, <level>
    #: indexing `_choices["load_levels"]` (the level this configuration's runs are at) and
    #: <config> the configuration (0 = baseline). Stable: the kernel answers any valid key,
    #: whichever level is current (so a late request for an older level's run is answered
    #: with that run's columns).
    key: str
    name: str
    label: str
    color: str
    n_requests: int
    n_errors: int
    n_runs: int
    top_errors: list[list[str | int]]
    synthetic: bool
    has_start_times: bool
    #: The level this entry's runs are at (None without sweeps); differs from
    #: `w.load_level` when the configuration did not run the chosen level.
    load_level: LoadLevelValue | None
    #: Why this configuration shows another level than the chosen one, in words; else None.
    level_note: str | None


class ChoicesDict(TypedDict):
    """The widget's `_choices`: what the controls offer, the columns and the statistics."""

    dimensions: list[str]
    x_dimensions: list[str]
    units: dict[str, str]
    slo_columns: list[str]
    columns: list[ColumnChoice]
    statistics: list[StatisticChoice]
    #: The load levels of every configuration, sorted (empty without sweeps).
    load_levels: list[LoadLevelDict]


# --- a sweep comparison: `SweepComparison.to_dict()`, the widget's `sweep_stats` ----------------


class SweepAxisDict(TypedDict):
    """The load axis: what the loads are, its label, its scale (always log)."""

    kind: Literal["concurrency", "rate"]
    label: str
    scale: Literal["log"]


class SweepConfigurationDict(TypedDict):
    """One configuration: its name, whether it is the baseline, its GPU count (or None)."""

    name: str
    baseline: bool
    gpus: int | None


class CurvePointDict(TypedDict):
    """One configuration at one level (the load view's point with its CI band)."""

    level: LoadDict
    label: str
    #: Where the level sits on the load axis (`Sweep.position`); None: not placeable.
    load: float | None
    n: int
    n_runs: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    served_share: float | None
    saturated: bool
    #: Share of the selected requests meeting every SLO objective (None without `slo`).
    attainment: float | None
    attainment_ci_low: float | None
    attainment_ci_high: float | None


class CurveDict(TypedDict):
    """One configuration's curve: its points ordered by load."""

    name: str
    points: list[CurvePointDict]


class LevelDifferencePointDict(_AgainstBaselineKeys):
    """A non-baseline configuration against the baseline at one of its levels."""

    level: LoadDict
    label: str
    load: float | None
    difference: float | None
    difference_ci_low: float | None
    difference_ci_high: float | None
    #: True when the baseline did not run this level (interpolated between its neighbours).
    interpolated: bool


class LevelDifferenceDict(TypedDict):
    """One non-baseline configuration's compared levels."""

    name: str
    baseline: str
    points: list[LevelDifferencePointDict]


#: A crossing's status: where the configuration stops being faster than the baseline.
CrossingStatus = Literal[
    "within the sweep",
    "none within the sweep",
    "not faster at the lowest level",
    "not enough data",
]
#: A max load's status: where the SLO attainment falls below the target.
MaxLoadStatus = Literal["within the sweep", "always met", "not reached", "not enough data"]


class CrossingDict(TypedDict):
    """`Crossing.to_dict()`: the load where a configuration stops being faster, with its CI
    (a None bound with open_low / open_high: beyond the compared levels)."""

    name: str
    baseline: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    status: CrossingStatus
    open_low: bool
    open_high: bool


class MaxLoadDict(TypedDict):
    """`MaxLoad.to_dict()`: the highest load meeting the SLO target, with its CI."""

    name: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    status: MaxLoadStatus
    target: float
    open_low: bool
    open_high: bool


class SweepParetoPointDict(TypedDict):
    """`ParetoPoint.to_dict()`: output tokens/s (aggregate, per GPU) against per user."""

    level: LoadDict
    label: str
    load: float | None
    n_runs: int
    throughput: float | None
    throughput_ci_low: float | None
    throughput_ci_high: float | None
    per_user: float | None
    per_user_ci_low: float | None
    per_user_ci_high: float | None
    per_gpu: float | None
    per_gpu_ci_low: float | None
    per_gpu_ci_high: float | None
    on_frontier: bool
    on_overall_frontier: bool


class SweepParetoConfigurationDict(TypedDict):
    """One configuration's Pareto points, by level."""

    name: str
    points: list[SweepParetoPointDict]


class SweepParetoDict(TypedDict):
    """The Pareto view: x = per-user output tokens/s; y = per GPU when every configuration
    has a GPU count, else aggregate output tokens/s."""

    x: Literal["per_user"]
    y: Literal["per_gpu", "throughput"]
    configurations: list[SweepParetoConfigurationDict]


class SweepStatsDict(_ParameterKeys):
    """`SweepComparison.to_dict()`, the widget's `sweep_stats` (``{}`` without sweeps): the
    parameters at the top level, then the load view's curves and differences, the crossing,
    max load and the Pareto view."""

    slo: dict[str, float]
    slo_target: float
    axis: SweepAxisDict
    configurations: list[SweepConfigurationDict]
    curves: list[CurveDict]
    differences: list[LevelDifferenceDict]
    #: The SLO objective on the compared dimension (seconds), the load view's SLO line.
    slo_line: float | None
    crossing: list[CrossingDict]
    #: One per configuration with `slo`; [] without.
    max_load: list[MaxLoadDict]
    pareto: SweepParetoDict
    notes: list[str]
