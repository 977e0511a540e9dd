"""What `compare_sweeps` returns: a `SweepComparison` of configurations across load levels.

`rows` (one per configuration and load level, each non-baseline row against the baseline),
`crossing` (where each configuration stops being faster than the baseline), `max_load`
(the highest load meeting the SLO target), `pareto` (throughput against speed per user) and
`notes`. `to_dict()` is the strict-JSON model of the load and Pareto views (documented
there); `to_frame()` the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .load import Load
from .params import Parameters
from .wire import (
    CrossingDict,
    CrossingStatus,
    CurvePointDict,
    LevelDifferencePointDict,
    MaxLoadDict,
    MaxLoadStatus,
    SweepParetoPointDict,
    SweepStatsDict,
    Verdict,
)

if TYPE_CHECKING:
    import pandas as pd

    from .sweep import Axis

#: How `to_dict` names the load axis, by `Sweep.axis`.
AXIS_LABELS = {"concurrency": "concurrency (requests in flight)", "rate": "request rate (req/s)"}


@dataclass(frozen=True)
class LevelRow:
    """One configuration at one load level, and (non-baseline) against the baseline there.

    Attributes
    ----------
    config, level, load
        The configuration, its `Load`, and where the level sits on the load axis
        (`Sweep.position`; None when it cannot be placed).
    n, n_runs, estimate, ci_low, ci_high
        The engine's estimate at this level (as `compare` of the level gives it): requests
        used, runs (> 1: an arm of repeats, run-level interval), the statistic and its CI.
        None below 2 values.
    baseline
        The baseline's name on every non-baseline row (None on the baseline's rows).
    difference, difference_ci_low, difference_ci_high
        This configuration minus the baseline, in the dimension's unit.
    relative, relative_ci_low, relative_ci_high
        This configuration / baseline − 1.
    p_value, p_value_adjusted, verdict
        p-value of the difference (the engine's at a common level; from the draws when
        interpolated), Holm-adjusted across every compared row of the sweep comparison, and
        the verdict at this level ("faster", "slower", ...). All None when the row is not
        compared (the baseline has no level within reach).
    interpolated
        True when the baseline had no run at this level and was interpolated between its
        neighbouring levels (linear in log load, on the log of the statistic).
    served_share, saturated
        Share of the offered load the runs served (`tpot_widget.stats.saturation`), and
        whether that is below the saturation threshold.
    attainment, attainment_ci_low, attainment_ci_high
        Share of the selected requests that met every SLO objective (with `slo`), with its
        interval (Jeffreys for one run; run-level on the probit scale for an arm).
    """

    config: str
    level: Load
    load: float | None
    n: int
    n_runs: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    baseline: str | None = None
    difference: float | None = None
    difference_ci_low: float | None = None
    difference_ci_high: float | None = None
    relative: float | None = None
    relative_ci_low: float | None = None
    relative_ci_high: float | None = None
    p_value: float | None = None
    p_value_adjusted: float | None = None
    verdict: Verdict | None = None
    interpolated: bool = False
    served_share: float | None = None
    saturated: bool = False
    attainment: float | None = None
    attainment_ci_low: float | None = None
    attainment_ci_high: float | None = None

    @property
    def compared(self) -> bool:
        """Whether this row carries a comparison with the baseline."""
        return self.verdict is not None

    def curve_point(self) -> CurvePointDict:
        """This row as a point of the load view's curve (JSON-safe)."""
        return {
            "level": self.level.to_dict(),
            "label": str(self.level),
            "load": self.load,
            "n": self.n,
            "n_runs": self.n_runs,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "served_share": self.served_share,
            "saturated": self.saturated,
            "attainment": self.attainment,
            "attainment_ci_low": self.attainment_ci_low,
            "attainment_ci_high": self.attainment_ci_high,
        }

    def difference_point(self) -> LevelDifferencePointDict:
        """This (compared) row against the baseline, as the load view reads it (JSON-safe)."""
        assert self.verdict is not None, "a row not compared has no difference"
        return {
            "level": self.level.to_dict(),
            "label": str(self.level),
            "load": self.load,
            "difference": self.difference,
            "difference_ci_low": self.difference_ci_low,
            "difference_ci_high": self.difference_ci_high,
            "relative": self.relative,
            "relative_ci_low": self.relative_ci_low,
            "relative_ci_high": self.relative_ci_high,
            "p_value": self.p_value,
            "p_value_adjusted": self.p_value_adjusted,
            "verdict": self.verdict,
            "interpolated": self.interpolated,
        }


@dataclass(frozen=True)
class Crossing:
    """Where a configuration stops being faster than the baseline (lower statistic).

    `estimate` is the load (on the sweep's axis) where log(θ / θ_baseline) first reaches 0
    going up in load, interpolated linearly in log load between the last level where the
    configuration is faster and the first where it is not; `ci_low`/`ci_high` its
    percentile interval. `status`: "within the sweep", "none within the sweep" (faster at
    every compared level: no estimate), "not faster at the lowest level" (no estimate),
    "not enough data". A None bound with `open_low`/`open_high` True means the interval
    extends below the lowest (above the highest) compared level.
    """

    name: str
    baseline: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    status: CrossingStatus
    open_low: bool = False
    open_high: bool = False

    def to_dict(self) -> CrossingDict:
        """JSON-safe."""
        return {
            "name": self.name,
            "baseline": self.baseline,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "status": self.status,
            "open_low": self.open_low,
            "open_high": self.open_high,
        }


@dataclass(frozen=True)
class MaxLoad:
    """The highest load at which a configuration's SLO attainment stays ≥ `target`.

    Interpolated linearly in log load between the last level meeting the target and the
    first missing it, on the probit of the attainment; `ci_low`/`ci_high` its percentile
    interval. `status`: "within the sweep", "always met" (every level meets it: no
    estimate; the max load is above the highest level), "not reached" (the lowest level
    already misses it), "not enough data". `open_low`/`open_high` as for `Crossing`.
    """

    name: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    status: MaxLoadStatus
    target: float
    open_low: bool = False
    open_high: bool = False

    def to_dict(self) -> MaxLoadDict:
        """JSON-safe."""
        return {
            "name": self.name,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "status": self.status,
            "target": self.target,
            "open_low": self.open_low,
            "open_high": self.open_high,
        }


@dataclass(frozen=True)
class ParetoPoint:
    """One configuration's throughput and speed per user at one load level.

    `throughput`: aggregate output tokens/s; `per_user`: output tokens/s per user (Σ tokens
    / Σ E2E); `per_gpu`: throughput / the configuration's GPU count (None without one). Each
    with its interval where one exists (see `tpot_widget.stats.pareto`): per user always
    (request-level for one run), throughput and per GPU only with repeats (run-level).
    `on_frontier`: no other level of the same configuration beats it on both per-user and
    throughput (per GPU when given); `on_overall_frontier`: no level of any configuration does.
    """

    config: str
    level: Load
    load: float | None
    n_runs: int
    throughput: float | None
    throughput_ci_low: float | None
    throughput_ci_high: float | None
    per_user: float | None
    per_user_ci_low: float | None
    per_user_ci_high: float | None
    per_gpu: float | None = None
    per_gpu_ci_low: float | None = None
    per_gpu_ci_high: float | None = None
    on_frontier: bool = False
    on_overall_frontier: bool = False

    def to_dict(self) -> SweepParetoPointDict:
        """JSON-safe (the level as {"kind", "value"} with its label)."""
        return {
            "level": self.level.to_dict(),
            "label": str(self.level),
            "load": self.load,
            "n_runs": self.n_runs,
            "throughput": self.throughput,
            "throughput_ci_low": self.throughput_ci_low,
            "throughput_ci_high": self.throughput_ci_high,
            "per_user": self.per_user,
            "per_user_ci_low": self.per_user_ci_low,
            "per_user_ci_high": self.per_user_ci_high,
            "per_gpu": self.per_gpu,
            "per_gpu_ci_low": self.per_gpu_ci_low,
            "per_gpu_ci_high": self.per_gpu_ci_high,
            "on_frontier": self.on_frontier,
            "on_overall_frontier": self.on_overall_frontier,
        }


#: The comparison columns of a non-baseline row, in `to_frame` and in `to_dict`'s differences.
_COMPARED = (
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "relative",
    "relative_ci_low",
    "relative_ci_high",
    "p_value",
    "p_value_adjusted",
    "verdict",
    "interpolated",
)


@dataclass(frozen=True)
class SweepComparison:
    """Configurations compared across load levels; the first is the baseline.

    Attributes
    ----------
    configurations : tuple of str
        The configurations' names, baseline first.
    axis : str
        "concurrency" or "rate": what the loads are (`Sweep.axis`).
    rows : tuple of LevelRow
        One per configuration and load level (configuration order, then load).
    crossing : tuple of Crossing
        One per non-baseline configuration.
    max_load : tuple of MaxLoad
        One per configuration when `slo` was given, else empty.
    pareto : tuple of ParetoPoint
        One per configuration and load level.
    parameters : Parameters
        The validated comparison parameters.
    slo_target : float
        The attainment `max_load` holds to.
    gpus : tuple of (int or None)
        Each configuration's GPU count (None when not given).
    notes : tuple of str
        What the intervals cover, interpolation, saturation, what was left out.
    """

    configurations: tuple[str, ...]
    axis: Axis
    rows: tuple[LevelRow, ...]
    crossing: tuple[Crossing, ...]
    max_load: tuple[MaxLoad, ...]
    pareto: tuple[ParetoPoint, ...]
    parameters: Parameters
    slo_target: float
    gpus: tuple[int | None, ...]
    notes: tuple[str, ...]

    @property
    def baseline(self) -> str:
        """The baseline configuration's name."""
        return self.configurations[0]

    def rows_of(self, config: str) -> tuple[LevelRow, ...]:
        """One configuration's rows, by load."""
        return tuple(r for r in self.rows if r.config == config)

    def to_frame(self) -> pd.DataFrame:
        """One row per load level and configuration.

        Columns: config, kind, level (its label, e.g. "concurrency 16"), load (the level's
        position on the axis), n, n_runs, estimate, ci_low, ci_high, then for non-baseline
        rows (None on the baseline's) baseline, difference, difference_ci_low/high,
        relative, relative_ci_low/high, p_value, p_value_adjusted, verdict, interpolated;
        then served_share, saturated and, with an SLO, attainment with its interval. The
        parameters and notes are in ``frame.attrs``.
        """
        import pandas as pd

        records = []
        for r in self.rows:
            record: dict[str, Any] = {
                "config": r.config,
                "kind": r.level.kind,
                "level": str(r.level),
                "load": r.load,
                "n": r.n,
                "n_runs": r.n_runs,
                "estimate": r.estimate,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "baseline": r.baseline,
            }
            for key in _COMPARED:
                value = getattr(r, key)
                record[key] = None if r.baseline is None and key == "interpolated" else value
            record["served_share"] = r.served_share
            record["saturated"] = r.saturated
            if self.parameters.slo:
                record["attainment"] = r.attainment
                record["attainment_ci_low"] = r.attainment_ci_low
                record["attainment_ci_high"] = r.attainment_ci_high
            records.append(record)
        frame = pd.DataFrame.from_records(records)
        frame.attrs.update(self.parameters.to_dict())
        frame.attrs.update({"slo_target": self.slo_target, "notes": list(self.notes)})
        return frame

    def to_dict(self) -> SweepStatsDict:
        """Strict JSON (Python str/int/float/bool/None; never NaN or inf): the model of the
        load and Pareto views.

        Returns
        -------
        dict
            The parameters at the top level as in `Comparison.to_dict` (dimension,
            statistic, confidence_level, method, n_resamples, token_range, time_range,
            threshold, match, slo), then::

                "slo_target": 0.9,
                "axis": {"kind": "concurrency" | "rate", "label": str, "scale": "log"},
                "configurations": [{"name", "baseline": bool, "gpus": int | None}],
                # the load view: the statistic with its CI band against load, one line
                # per configuration (points ordered by load; load None: not placeable)
                "curves": [{"name", "points": [{"level": {"kind", "value"}, "label",
                    "load", "n", "n_runs", "estimate", "ci_low", "ci_high",
                    "served_share", "saturated",
                    "attainment", "attainment_ci_low", "attainment_ci_high"}]}],
                # each non-baseline configuration against the baseline, level by level
                "differences": [{"name", "baseline", "points": [{"level", "label", "load",
                    "difference", "difference_ci_low", "difference_ci_high", "relative",
                    "relative_ci_low", "relative_ci_high", "p_value", "p_value_adjusted",
                    "verdict", "interpolated"}]}],
                # the SLO line of the load view: the objective on the compared dimension
                "slo_line": float | None,          # seconds; None without one
                "crossing": [Crossing.to_dict()],   # one per non-baseline configuration
                "max_load": [MaxLoad.to_dict()],    # the load view's markers; [] without slo
                # the Pareto view: x = per-user output tokens/s, y = per GPU when every
                # configuration has a GPU count, else aggregate output tokens/s
                "pareto": {"x": "per_user", "y": "per_gpu" | "throughput",
                           "configurations": [{"name", "points": [ParetoPoint.to_dict()]}]},
                "notes": [str],
        """
        p = self.parameters
        gpus_given = all(g is not None for g in self.gpus)
        return {
            **p.to_dict(),
            "slo_target": self.slo_target,
            "axis": {"kind": self.axis, "label": AXIS_LABELS[self.axis], "scale": "log"},
            "configurations": [
                {"name": name, "baseline": i == 0, "gpus": self.gpus[i]}
                for i, name in enumerate(self.configurations)
            ],
            "curves": [
                {"name": name, "points": [r.curve_point() for r in self.rows_of(name)]}
                for name in self.configurations
            ],
            "differences": [
                {
                    "name": name,
                    "baseline": self.baseline,
                    "points": [r.difference_point() for r in self.rows_of(name) if r.compared],
                }
                for name in self.configurations[1:]
            ],
            "slo_line": p.slo.get(p.dimension),
            "crossing": [c.to_dict() for c in self.crossing],
            "max_load": [m.to_dict() for m in self.max_load],
            "pareto": {
                "x": "per_user",
                "y": "per_gpu" if gpus_given else "throughput",
                "configurations": [
                    {
                        "name": name,
                        "points": [q.to_dict() for q in self.pareto if q.config == name],
                    }
                    for name in self.configurations
                ],
            },
            "notes": list(self.notes),
        }

    def __repr__(self) -> str:
        p = self.parameters
        lines = [
            f"SweepComparison({p.statistic} of {p.dimension} across {self.axis} levels, "
            f"{p.confidence_level:.0%} CI; baseline {self.baseline!r})"
        ]
        for r in self.rows:
            if r.estimate is None:
                text = "not enough data"
            else:
                text = f"{r.estimate:.6g} [{r.ci_low:.6g}, {r.ci_high:.6g}]"
            if r.compared and r.relative is not None:
                mark = " (interpolated)" if r.interpolated else ""
                text += f"  {r.relative:+.1%} → {r.verdict}{mark}"
            lines.append(f"  {r.config} @ {r.level}: {text}")
        for c in self.crossing:
            lines.append(f"  crossing {c.name}: {_load_text(c.estimate, c.ci_low, c.ci_high, c)}")
        for m in self.max_load:
            lines.append(f"  max load {m.name}: {_load_text(m.estimate, m.ci_low, m.ci_high, m)}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _load_text(
    estimate: float | None, low: float | None, high: float | None, x: Crossing | MaxLoad
) -> str:
    lo = "below the sweep" if x.open_low else "?" if low is None else f"{low:.4g}"
    hi = "above the sweep" if x.open_high else "?" if high is None else f"{high:.4g}"
    value = x.status if estimate is None else f"{estimate:.4g}"
    return f"{value} [{lo}, {hi}]"
