"""`compare_sweeps`: configurations compared level by level across a load sweep.

"Is B faster than A?" has an answer per load level, so the comparison is made at each level
both sweeps ran (the engine's `compare` of that level, lean: the same numbers without the
extras), and, where the levels differ (guidellm picks its constant rates per
configuration), against the baseline interpolated between its neighbouring levels. On top
of the levels: where each configuration stops being faster than the baseline (the
crossing), the highest load at which each meets the SLO target (max load) and each
level's throughput against speed per user (Pareto). `SweepComparer` prepares every level's
runs once, so new token / time ranges recompute in milliseconds.

The statistics across levels are in `stats.level_draws` (each level's sampling
distribution as draws), `stats.load_curves` (interpolation on log load, where a curve
first leaves a region) and `stats.pareto`.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from . import params, stats
from ._finite import clean
from ._threads import ProcessThreads
from .comparison.engine import Unit, compute, prepare_unit
from .comparison.results import Comparison, Difference, Draws, RunEstimate, verdict
from .comparison.selection import GroupCounts, Selection, in_range
from .display import format_threshold
from .load import Load
from .params import DEFAULT_SLO_TARGET, DEFAULTS, MAX_RUNS, MIN_RUNS, Parameters, Range
from .run import Run
from .stats import level_draws, load_curves, pareto
from .stats.saturation import SATURATED_BELOW
from .sweep import Sweep, load_sweep, named_apart
from .sweep_results import Crossing, LevelRow, MaxLoad, ParetoPoint, SweepComparison
from .wire import CrossingStatus, MaxLoadStatus

__all__ = ["SweepComparer", "compare_sweeps"]

#: Threads computing load levels at once: the engine's order-statistic kernel releases the
#: GIL, so levels of single runs (request-level bootstraps) run in parallel on several cores
#: (1 = one after the other); lean arms are run-level and Python-bound: computed inline.
LEVEL_WORKERS = max(1, min(4, os.cpu_count() or 1))
#: The threads shared by every SweepComparer of this process.
_POOL = ProcessThreads(LEVEL_WORKERS, "tpot-sweep")


#: Draws per level behind the max-load interval (at most; fewer when n_resamples is lower).
#: The bounds of a 95% percentile interval from 2999 draws move by about 5% of an SD
#: (≈ 1% of the interval's width) from draw to draw; exact Beta draws cost ~0.7 ms per 10k.
ATTAINMENT_DRAWS = 2999

_CROSSING_STATUS: dict[str, CrossingStatus] = {
    "within": "within the sweep",
    "never left": "none within the sweep",
    "never inside": "not faster at the lowest level",
    "no points": "not enough data",
}
_MAX_LOAD_STATUS: dict[str, MaxLoadStatus] = {
    "within": "within the sweep",
    "never left": "always met",
    "never inside": "not reached",
    "no points": "not enough data",
}


@dataclass
class _Level:
    """One configuration at one load level, prepared once."""

    level: Load
    position: float | None
    served_share: float | None
    runs: tuple[Run, ...]
    unit: Unit
    _slo_counts: dict[tuple[tuple[str, float | str], ...], GroupCounts] = dataclasses.field(
        default_factory=dict
    )

    def slo_counts(self, objectives: Any, selection: Selection) -> tuple[list[int], list[int]]:
        """(requests meeting the SLO, requests) of each run in the selection, errors
        included (`GroupCounts`, built once per objectives: a token range costs four binary
        searches per run instead of a mask over every row)."""
        key = tuple(sorted(objectives.items()))
        counter = self._slo_counts.get(key)
        if counter is None:
            met = self.unit.slo_met(objectives)
            counter = GroupCounts(self.unit.pooled, met, self.run_index, len(self.runs))
            self._slo_counts[key] = counter
        return counter.counts(selection)

    @cached_property
    def run_index(self) -> np.ndarray | None:
        """Which run of the arm each pooled row came from (None for a single run)."""
        if len(self.runs) == 1:
            return None
        run = self.unit.run
        assert run is not None
        return np.asarray(run.metadata["run_index"])


@dataclass
class _Point:
    """A level's estimate and its log draws, where a curve can use them."""

    log_x: float
    log_estimate: float
    log_draws: np.ndarray


class _Baseline:
    """The baseline's curve: its levels by load, and its value anywhere between them."""

    def __init__(self, points: dict[Load, _Point]) -> None:
        self.points = points
        distinct: list[_Point] = []  # sorted by load, the first level at each load
        for q in sorted(points.values(), key=lambda q: q.log_x):
            if not distinct or q.log_x > distinct[-1].log_x:
                distinct.append(q)
        self._distinct = distinct
        self._xs = np.array([q.log_x for q in distinct])
        self._estimates = np.array([q.log_estimate for q in distinct])

    @cached_property
    def _draws(self) -> np.ndarray:
        """Every distinct level's draws stacked (built when a level is interpolated)."""
        if not self._distinct:
            return np.empty((0, 0))
        return np.stack([q.log_draws for q in self._distinct])

    def at(self, level: Load, log_x: float) -> tuple[float, np.ndarray, bool] | None:
        """(log estimate, log draws, interpolated) at `level` or, if the baseline did not run
        it, at `log_x` between its neighbouring levels; None outside its loads."""
        if level in self.points:
            q = self.points[level]
            return q.log_estimate, q.log_draws, False
        if len(self._xs) == 0 or not self._xs[0] <= log_x <= self._xs[-1]:
            return None
        estimate = float(load_curves.interpolate(self._xs, self._estimates, log_x))
        return estimate, load_curves.interpolate(self._xs, self._draws, log_x), True


class SweepComparer:
    """Sweeps prepared once (every level's runs sorted) for fast repeated comparisons.

    Parameters
    ----------
    sweeps
        2..8 configurations, the first is the baseline: `Sweep`s, lists of runs with load
        levels, or paths (each must hold one configuration, see `load_sweep`). Repeated
        names are made distinct (" (2)", ...). All on one load axis (concurrency or rate).
    dimension, x_dimension
        As for `Comparer`.
    """

    def __init__(
        self,
        sweeps: Sequence[Any],
        dimension: str = DEFAULTS.dimension,
        x_dimension: str = DEFAULTS.x_dimension,
    ) -> None:
        items = [load_sweep(s) for s in sweeps]
        if not MIN_RUNS <= len(items) <= MAX_RUNS:
            raise ValueError(
                f"compare_sweeps needs {MIN_RUNS} to {MAX_RUNS} sweeps (configurations; the "
                f"first is the baseline), got {len(items)}"
            )
        axes = {s.axis for s in items}
        if len(axes) > 1:
            which = ", ".join(f"{s.name!r}: {s.axis}" for s in items)
            raise ValueError(
                f"the sweeps vary different kinds of load ({which}); compare sweeps of "
                "concurrency with sweeps of concurrency, rates with rates"
            )
        self.dimension = params.normalize_column(dimension, "dimension")
        self.x_dimension = params.normalize_column(x_dimension, "x_dimension")
        self.sweeps: list[Sweep] = named_apart(items)
        self.names: list[str] = [s.name for s in self.sweeps]
        self.axis = items[0].axis
        self._levels: list[dict[Load, _Level]] = [
            {
                level: _Level(
                    level,
                    s.position(level),
                    s.served_share(level),
                    s.runs_at(level),
                    prepare_unit(s.at(level), s.name, self.dimension, self.x_dimension),
                )
                for level in s.levels
            }
            for s in self.sweeps
        ]
        self._pareto_cache: dict[tuple[Any, ...], tuple[ParetoPoint, ...]] = {}

    def check_ranges(self, token_range: Range | None, time_range: Range | None) -> None:
        """Refuse ranges some level's runs cannot serve (no request start times)."""
        if time_range is None:
            return
        without = [
            f"{name} @ {lv.level}"
            for name, levels in zip(self.names, self._levels, strict=True)
            for lv in levels.values()
            if not lv.unit.pooled.has_time
        ]
        if without:
            raise ValueError(
                f"time_range needs request start times, and {', '.join(without[:5])} "
                f"{'has' if len(without) == 1 else 'have'} none; compare without time_range"
            )

    def compare(
        self,
        parameters: Parameters | None = None,
        *,
        slo_target: float = DEFAULT_SLO_TARGET,
        gpus: int | Sequence[int | None] | None = None,
        random_state: int | np.random.Generator | None = None,
        **values: Any,
    ) -> SweepComparison:
        """Every level's comparison, the crossing, max load and Pareto points.

        Parameters
        ----------
        parameters
            A validated `Parameters`; or pass `compare`'s keyword arguments instead
            (statistic, confidence_level, method, n_resamples, token_range, time_range,
            threshold, match, slo), validated by `params`.
        slo_target
            The attainment `max_load` holds to, in (0, 1).
        gpus
            GPU count for all configurations or one per configuration (None: unknown).
        random_state
            None (the fixed seed 0), an int or a Generator. A level's numbers are those of
            `compare` of that level with the same `random_state` (int or None).

        Returns
        -------
        SweepComparison
        """
        p = params.resolve(
            parameters,
            values,
            columns=(self.dimension, self.x_dimension),
            prepared_by="SweepComparer",
        )
        self.check_ranges(p.token_range, p.time_range)
        target = params.normalize_slo_target(slo_target)
        gpu_counts = params.normalize_gpus(gpus, len(self.names))
        estimates, directs = self._levels_compared(p, random_state)
        draw_rng = _draw_rng(random_state)
        pairing = level_draws.Pairing(draw_rng, len(estimates), p.n_resamples)
        log_draws = dict(
            zip(
                estimates,
                level_draws.statistic_log_draws_many(
                    [
                        (row.estimate, d.replicates, d.run_estimates)
                        for row, d in estimates.values()
                    ],
                    pairing,
                ),
                strict=True,
            )
        )
        attainment = self._attainment(p, draw_rng) if p.slo else {}
        baseline = _Baseline(self._curve(0, estimates, log_draws))
        rows = self._rows(p, estimates, directs, log_draws, attainment, baseline)
        crossings = tuple(
            self._crossing(i, p, estimates, log_draws, baseline) for i in range(1, len(self.names))
        )
        max_loads = tuple(self._max_load(i, p, target, attainment) for i in range(len(self.names)))
        return SweepComparison(
            configurations=tuple(self.names),
            axis=self.axis,
            rows=rows,
            crossing=crossings,
            max_load=max_loads if p.slo else (),
            pareto=self._pareto(p, gpu_counts),
            parameters=p,
            slo_target=target,
            gpus=gpu_counts,
            notes=tuple(self._notes(p, rows, gpu_counts)),
        )

    # --- the levels through the engine ------------------------------------------------------

    def _levels_compared(
        self, p: Parameters, random_state: int | np.random.Generator | None
    ) -> tuple[
        dict[tuple[int, Load], tuple[RunEstimate, Draws]], dict[tuple[int, Load], Difference]
    ]:
        """Each (configuration, level)'s estimate and draws, and each level's differences.

        A level the baseline ran is one lean `compute` of every configuration there (the
        baseline first), seeded as `compare` seeds, so its numbers are `compare`'s of that
        level; a level the baseline lacks is computed per configuration. Levels are computed
        on `LEVEL_WORKERS` threads (each with its own seeded generator: the same numbers).
        """
        engine_p = dataclasses.replace(p, slo={})  # attainment is counted per level below
        present: dict[Load, list[int]] = {}
        for i, levels in enumerate(self._levels):
            for level in levels:
                present.setdefault(level, []).append(i)
        jobs: list[tuple[Load, list[int]]] = []
        for level in sorted(present):
            configs = present[level]
            groups = [configs] if configs[0] == 0 else [[i] for i in configs]
            jobs += [(level, group) for group in groups]

        def run(job: tuple[Load, list[int]]) -> Comparison:
            level, group = job
            units = [self._levels[i][level].unit for i in group]
            return compute(units, engine_p, stats.make_rng(random_state), lean=True)

        # Threads pay for levels with single runs only: their quantile bootstraps run in a
        # kernel that releases the GIL. A lean arm is run-level (no bootstrap), Python bound:
        # it runs here meanwhile. A shared Generator is drawn from in order, and the mean's
        # resampling kernel may be Numba-parallel (not to be entered from two threads under
        # every threading layer): no threads then.
        bootstrapped = [
            any(len(self._levels[i][level].unit.parts) == 1 for i in group) for level, group in jobs
        ]
        parallel = (
            LEVEL_WORKERS > 1
            and not isinstance(random_state, np.random.Generator)
            and not stats.parse_statistic(p.statistic).from_moments
        )
        results: list[Comparison | None] = [None] * len(jobs)
        if parallel and any(bootstrapped):
            pool = _POOL.get()
            futures = {j: pool.submit(run, job) for j, job in enumerate(jobs) if bootstrapped[j]}
            for j, job in enumerate(jobs):
                if not bootstrapped[j]:
                    results[j] = run(job)
            for j, future in futures.items():
                results[j] = future.result()
        else:
            results = [run(job) for job in jobs]
        estimates: dict[tuple[int, Load], tuple[RunEstimate, Draws]] = {}
        directs: dict[tuple[int, Load], Difference] = {}
        for (level, group), c in zip(jobs, results, strict=True):
            assert c is not None
            for j, i in enumerate(group):
                estimates[(i, level)] = (c.runs[j], c.draws[j])
            if group[0] == 0:
                for j, i in enumerate(group[1:]):
                    directs[(i, level)] = c.differences[j]
        return estimates, directs

    # --- rows -------------------------------------------------------------------------------

    def _curve(
        self,
        i: int,
        estimates: dict[tuple[int, Load], tuple[RunEstimate, Draws]],
        log_draws: dict[tuple[int, Load], np.ndarray | None],
    ) -> dict[Load, _Point]:
        """Configuration i's levels usable in curves: placed, positive estimate, with draws."""
        out: dict[Load, _Point] = {}
        for level, lv in self._levels[i].items():
            row, _ = estimates[(i, level)]
            draws = log_draws[(i, level)]
            if lv.position is None or row.estimate is None or draws is None:
                continue
            out[level] = _Point(math.log(lv.position), math.log(row.estimate), draws)
        return out

    def _rows(
        self,
        p: Parameters,
        estimates: dict[tuple[int, Load], tuple[RunEstimate, Draws]],
        directs: dict[tuple[int, Load], Difference],
        log_draws: dict[tuple[int, Load], np.ndarray | None],
        attainment: dict[tuple[int, Load], level_draws.LevelAttainment],
        baseline: _Baseline,
    ) -> tuple[LevelRow, ...]:
        rows: list[LevelRow] = []
        for i, name in enumerate(self.names):
            curve = self._curve(i, estimates, log_draws) if i else baseline.points
            for level in sorted(self._levels[i]):
                lv = self._levels[i][level]
                est, _ = estimates[(i, level)]
                share = lv.served_share
                att = attainment.get((i, level), level_draws.NO_ATTAINMENT)
                row = LevelRow(
                    config=name,
                    level=level,
                    load=lv.position,
                    n=est.n,
                    n_runs=est.n_runs,
                    estimate=est.estimate,
                    ci_low=est.ci_low,
                    ci_high=est.ci_high,
                    served_share=share,
                    saturated=share is not None and share < SATURATED_BELOW,
                    attainment=att.estimate,
                    attainment_ci_low=att.ci_low,
                    attainment_ci_high=att.ci_high,
                )
                if i:
                    row = dataclasses.replace(row, baseline=self.names[0])
                    if (i, level) in directs:
                        row = _with_difference(row, directs[(i, level)])
                    elif level in curve:
                        at = baseline.at(level, curve[level].log_x)
                        if at is not None:
                            row = _interpolated(row, curve[level], at[0], at[1], p)
                rows.append(row)
        adjusted = stats.holm([r.p_value for r in rows])
        return tuple(
            dataclasses.replace(r, p_value_adjusted=clean(a)) if r.p_value is not None else r
            for r, a in zip(rows, adjusted, strict=True)
        )

    # --- crossing and max load --------------------------------------------------------------

    def _crossing(
        self,
        i: int,
        p: Parameters,
        estimates: dict[tuple[int, Load], tuple[RunEstimate, Draws]],
        log_draws: dict[tuple[int, Load], np.ndarray | None],
        baseline: _Baseline,
    ) -> Crossing:
        """Where configuration i stops being faster than the baseline (see `Crossing`)."""
        xs: list[float] = []
        g: list[float] = []
        pairs: list[tuple[np.ndarray, np.ndarray]] = []
        for level, point in sorted(self._curve(i, estimates, log_draws).items(), key=_by_x):
            base = baseline.at(level, point.log_x)
            if base is None:
                continue
            xs.append(point.log_x)
            g.append(point.log_estimate - base[0])
            pairs.append((point.log_draws, base[1]))
        exit_ = _exit(xs, g, _difference_rows(pairs), p.confidence_level, inclusive=False)
        return Crossing(
            name=self.names[i],
            baseline=self.names[0],
            estimate=exit_.estimate,
            ci_low=exit_.ci_low,
            ci_high=exit_.ci_high,
            status=_CROSSING_STATUS[exit_.status],
            open_low=exit_.open_low,
            open_high=exit_.open_high,
        )

    def _attainment(
        self, p: Parameters, rng: np.random.Generator
    ) -> dict[tuple[int, Load], level_draws.LevelAttainment]:
        """Per (configuration, level): its SLO attainment, interval and probit draws."""
        selection = Selection.of(p)
        n_draws = min(p.n_resamples, ATTAINMENT_DRAWS)
        pairing = level_draws.Pairing(rng, sum(map(len, self._levels)), n_draws)
        keys = [(i, level) for i, levels in enumerate(self._levels) for level in levels]
        counts = [self._levels[i][level].slo_counts(p.slo, selection) for i, level in keys]
        values = level_draws.level_attainments(counts, p.confidence_level, pairing, rng)
        return dict(zip(keys, values, strict=True))

    def _max_load(
        self,
        i: int,
        p: Parameters,
        target: float,
        attainment: dict[tuple[int, Load], level_draws.LevelAttainment],
    ) -> MaxLoad:
        """The highest load at which configuration i's attainment stays ≥ target."""
        threshold = float(level_draws.probit(target))
        levels = sorted(
            (lv for lv in self._levels[i].values() if lv.position is not None),
            key=lambda lv: (lv.position, lv.level),
        )
        points = [
            (lv, value)
            for lv in levels
            if (value := attainment.get((i, lv.level))) is not None
            and value.estimate is not None
            and value.probit_draws is not None
        ]
        xs = [math.log(lv.position) for lv, _ in points if lv.position is not None]
        probits = level_draws.probit(
            np.array([v.estimate for _, v in points], dtype=np.float64),
            np.array([v.n for _, v in points], dtype=np.float64),
        )
        g = [threshold - float(z) for z in probits]
        g_draws = _difference_rows(
            [(threshold, v.probit_draws) for _, v in points if v.probit_draws is not None]
        )
        exit_ = _exit(xs, g, g_draws, p.confidence_level, inclusive=True)
        return MaxLoad(
            name=self.names[i],
            estimate=exit_.estimate,
            ci_low=exit_.ci_low,
            ci_high=exit_.ci_high,
            status=_MAX_LOAD_STATUS[exit_.status],
            target=target,
            open_low=exit_.open_low,
            open_high=exit_.open_high,
        )

    # --- Pareto -------------------------------------------------------------------------------

    def _pareto(self, p: Parameters, gpus: tuple[int | None, ...]) -> tuple[ParetoPoint, ...]:
        """Throughput and per-user rate per level (time range only: throughput is the whole
        server's, a token range of it is not), cached per time range."""
        key = (p.time_range, p.confidence_level, gpus)
        if key not in self._pareto_cache:
            points = [
                self._pareto_point(name, lv, p, gpus[i])
                for i, name in enumerate(self.names)
                for level, lv in sorted(self._levels[i].items())
            ]
            per_gpu = all(g is not None for g in gpus)
            y = [q.per_gpu if per_gpu else q.throughput for q in points]
            x = [q.per_user for q in points]
            overall = pareto.frontier(x, y)
            flagged = []
            for name in self.names:
                own = [j for j, q in enumerate(points) if q.config == name]
                within = pareto.frontier([x[j] for j in own], [y[j] for j in own])
                flagged += [
                    dataclasses.replace(points[j], on_frontier=f, on_overall_frontier=overall[j])
                    for j, f in zip(own, within, strict=True)
                ]
            self._pareto_cache[key] = tuple(flagged)
        return self._pareto_cache[key]

    def _pareto_point(self, name: str, lv: _Level, p: Parameters, gpus: int | None) -> ParetoPoint:
        rates: list[float | None] = []
        users: list[tuple[float, float | None, float | None] | None] = []
        for run in lv.runs:
            keep = in_range(np.asarray(run["request_start"]), p.time_range)
            ok = keep & ~run.errors
            rates.append(
                pareto.throughput(
                    run["num_tokens_output"][keep],
                    ok[keep],
                    run["request_start"][keep],
                    run["time_to_last_token"][keep],
                )
            )
            users.append(
                pareto.per_user_rate(
                    run["num_tokens_output"][ok], run["time_to_last_token"][ok], p.confidence_level
                )
            )
        tput: tuple[float | None, float | None, float | None]
        user: tuple[float | None, float | None, float | None]
        if len(lv.runs) == 1:
            tput = (rates[0], None, None)
            user = users[0] or (None, None, None)
        else:
            tput = pareto.run_level_interval(rates, p.confidence_level)
            user = pareto.run_level_interval(
                [u[0] if u is not None else None for u in users], p.confidence_level
            )
        per_gpu = tuple(None if v is None or gpus is None else v / gpus for v in tput)
        return ParetoPoint(
            config=name,
            level=lv.level,
            load=lv.position,
            n_runs=len(lv.runs),
            throughput=clean(tput[0]),
            throughput_ci_low=clean(tput[1]),
            throughput_ci_high=clean(tput[2]),
            per_user=clean(user[0]),
            per_user_ci_low=clean(user[1]),
            per_user_ci_high=clean(user[2]),
            per_gpu=clean(per_gpu[0]),
            per_gpu_ci_low=clean(per_gpu[1]),
            per_gpu_ci_high=clean(per_gpu[2]),
        )

    # --- notes --------------------------------------------------------------------------------

    def _notes(
        self, p: Parameters, rows: Sequence[LevelRow], gpus: tuple[int | None, ...]
    ) -> list[str]:
        notes: list[str] = []
        singles = sum(r.n_runs == 1 for r in rows)
        repeats = len(rows) - singles
        if singles:
            notes.append(
                f"{singles} of {len(rows)} configuration-levels have one run: their intervals "
                "cover request-to-request noise only, not run-to-run variation; repeat the "
                "levels (several runs at a level form an arm) before trusting a small "
                "difference."
            )
        if repeats:
            notes.append(
                f"{repeats} of {len(rows)} configuration-levels have repeated runs: their "
                "intervals are run-level (t over the runs' statistics) and cover run-to-run "
                "variation."
            )
        compared = [r for r in rows if r.compared]
        if compared:
            notes.append(
                f"Verdicts are per level at {p.confidence_level:.0%}; across the "
                f"{len(compared)} compared levels the Holm-adjusted p (p_value_adjusted) "
                "keeps the chance of any false difference at "
                f"{1 - p.confidence_level:.0%}: read it for the sweep as a whole."
            )
        if p.threshold is not None:
            notes.append(
                f"Verdicts use a practical threshold of {format_threshold(p.threshold)}:"
                " 'equivalent' = the relative CI lies inside it, 'inconclusive' = it crosses it."
            )
        interpolated = [r for r in compared if r.interpolated]
        if interpolated:
            notes.append(
                f"{len(interpolated)} level(s) have no run of the baseline "
                f"({self.names[0]}) at the same load: there the baseline is interpolated "
                "between its neighbouring levels (the log of the statistic, linear in log "
                "load; rows marked interpolated), and the interval is the percentile interval "
                "of independent draws of both levels and of the other configuration: it "
                "carries their sampling noise, not the error of a straight line between the "
                "levels."
            )
        outside = [r for r in rows if r.baseline is not None and not r.compared]
        if outside:
            where = ", ".join(f"{r.config} @ {r.level}" for r in outside[:6])
            more = ", ..." if len(outside) > 6 else ""
            notes.append(
                f"Not compared (outside the baseline's load range, or not placeable on the "
                f"load axis): {where}{more}."
            )
        notes.append(
            "The crossing and max load are interpolated linearly in log load between "
            "neighbouring levels (on the log ratio of the statistics; on the probit of the SLO "
            "attainment); their intervals are percentile intervals over independent draws of "
            "every level and cover the levels' sampling noise, not the curve's shape between "
            "levels: levels closer together narrow that gap."
        )
        if p.match is not None:
            notes.append(
                "match applies to the per-level differences; the crossing compares the "
                "configurations' unmatched statistics."
            )
        if not p.slo:
            notes.append(
                "max_load needs SLO objectives: pass slo={...} (e.g. "
                "{'time_per_output_token': 0.025}) and slo_target."
            )
        for sweep in self.sweeps:
            notes += sweep.notes
        notes.append(
            "Pareto points: per-user output tokens/s = output tokens / E2E latency summed "
            "over successful requests (the aggregate divided by the mean requests in "
            "flight); aggregate output tokens/s over first start to last end"
            + (" per GPU" if all(g is not None for g in gpus) else "")
            + "; both over every request in the time range (a token range does not apply: "
            "throughput is the whole server's). A single run's aggregate has no interval; "
            "repeats give a run-level one."
        )
        if any(g is not None for g in gpus) and not all(g is not None for g in gpus):
            notes.append("gpus is given for some configurations only: Pareto uses throughput.")
        untimed = [q for q in self._pareto(p, gpus) if q.throughput is None]
        if untimed:
            where = ", ".join(f"{q.config} @ {q.level}" for q in untimed[:6])
            notes.append(
                f"No aggregate throughput at {where}{', ...' if len(untimed) > 6 else ''}: "
                "the runs have no request start times (the Pareto view leaves them out)."
            )
        return notes


def _by_x(item: tuple[Load, _Point]) -> tuple[float, Load]:
    return item[1].log_x, item[0]


def _difference_rows(pairs: Sequence[tuple[np.ndarray | float, np.ndarray]]) -> np.ndarray:
    """a − b of each (a, b) pair as the rows of one array, each written in place (a curve's
    draws: no temporary per level to stack on every brush)."""
    out = np.empty((len(pairs), len(pairs[0][1]) if pairs else 0))
    for row, (a, b) in zip(out, pairs, strict=True):
        np.subtract(a, b, out=row)
    return out


def _exit(
    xs: list[float],
    g: list[float],
    g_draws: np.ndarray,
    confidence_level: float,
    *,
    inclusive: bool,
) -> load_curves.CurveExit:
    """Where the curve g (its draws one row per point) first leaves its region."""
    if not xs:
        return load_curves.CurveExit(None, None, None, "no points", False, False)
    return load_curves.first_exit(
        np.array(xs), np.array(g), g_draws, confidence_level, inclusive=inclusive
    )


def _with_difference(row: LevelRow, d: Difference) -> LevelRow:
    """A row carrying the engine's difference at a level both configurations ran."""
    return dataclasses.replace(
        row,
        difference=d.estimate,
        difference_ci_low=d.ci_low,
        difference_ci_high=d.ci_high,
        relative=d.relative,
        relative_ci_low=d.relative_ci_low,
        relative_ci_high=d.relative_ci_high,
        p_value=d.p_value,
        verdict=d.verdict,
    )


def _interpolated(
    row: LevelRow,
    point: _Point,
    base_log_estimate: float,
    base_log_draws: np.ndarray,
    p: Parameters,
) -> LevelRow:
    """A row compared with the baseline interpolated at its load (percentile intervals of
    independent draws; the p-value from the same draws, so that it agrees with the CI)."""
    alpha = (1.0 - p.confidence_level) / 2.0
    log_ratio = point.log_draws - base_log_draws
    difference = np.exp(point.log_draws) - np.exp(base_log_draws)
    d_lo, d_hi = np.quantile(difference, [alpha, 1.0 - alpha])
    r_lo, r_hi = np.expm1(np.quantile(log_ratio, [alpha, 1.0 - alpha]))
    b = len(log_ratio)
    tail = min(int((log_ratio >= 0).sum()), int((log_ratio <= 0).sum()))
    p_value = min(1.0, 2.0 * (tail + 1) / (b + 1))
    diff = math.exp(point.log_estimate) - math.exp(base_log_estimate)
    lo, hi, rel_lo, rel_hi = clean(d_lo), clean(d_hi), clean(r_lo), clean(r_hi)
    return dataclasses.replace(
        row,
        difference=clean(diff),
        difference_ci_low=lo,
        difference_ci_high=hi,
        relative=clean(math.expm1(point.log_estimate - base_log_estimate)),
        relative_ci_low=rel_lo,
        relative_ci_high=rel_hi,
        p_value=p_value,
        verdict=verdict(lo, hi, rel_lo, rel_hi, p.threshold),
        interpolated=True,
    )


def _draw_rng(random_state: int | np.random.Generator | None) -> np.random.Generator:
    """The stream of the cross-level draws: the given Generator, else seeded apart from the
    engine's (which reuses the seed at every level, as `compare` of that level would)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng([0 if random_state is None else int(random_state), 0x5EEB])


def compare_sweeps(
    *sweeps: Any,
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
    slo_target: float = DEFAULT_SLO_TARGET,
    gpus: int | Sequence[int | None] | None = None,
    random_state: int | np.random.Generator | None = None,
) -> SweepComparison:
    """Compare 2..8 configurations' sweeps level by level (the first is the baseline).

    Parameters
    ----------
    *sweeps
        `Sweep`s (or lists of runs with load levels, or paths holding one configuration
        each, see `load_sweep`), all on one load axis.
    dimension, statistic, confidence_level, method, n_resamples, token_range, x_dimension,
    time_range, threshold, match, random_state
        As for `compare`, applied at every level (a level both configurations ran gives the
        numbers `compare` of that level gives).
    slo
        SLO objectives as for `compare`; they give each level's attainment and each
        configuration's `max_load`.
    slo_target
        The share of requests meeting every objective that `max_load` holds to, in (0, 1).
    gpus
        GPU count, one for every configuration or one per configuration (None where
        unknown): the Pareto view's throughput per GPU.

    Returns
    -------
    SweepComparison
        `.rows` (to_frame), `.crossing`, `.max_load`, `.pareto`, `.notes`; `to_dict()` is
        strict JSON.

    Notes
    -----
    Intervals at levels with one run per configuration cover request noise only; with
    repeats (an arm per level) they are run-level. Levels that only one configuration ran
    are compared with the baseline interpolated between its neighbouring levels (marked
    `interpolated`). See `SweepComparison` and the notes it carries.
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
    return SweepComparer(sweeps, p.dimension, p.x_dimension).compare(
        p, slo_target=slo_target, gpus=gpus, random_state=random_state
    )
