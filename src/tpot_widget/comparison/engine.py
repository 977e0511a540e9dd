"""The comparison engine: runs prepared once (`Comparer`), then each selection's statistics.

`Comparer` sorts every run by the brushed column once, so the widget recomputes on every
brush in milliseconds; `compute` turns prepared units and validated `Parameters` into a
`Comparison`: per-run estimates (request-level bootstrap, or run-level for arms), each run
against the baseline (run vs run, arm vs arm, or matched workloads), effect sizes, SLO
attainment and the notes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from .. import params, stats
from .._finite import clean
from .._threads import ProcessThreads
from ..arm import Arm
from ..params import DEFAULTS, Parameters, Range
from ..run import Run
from ..units import Unit as Source
from ..units import Values, as_units, renamed
from ..wire import ShiftFunctionDict, SLODict
from . import notes as notes_
from .results import Comparison, Difference, Draws, RunEstimate, verdict
from .selection import PreparedRun, Selection


@dataclass
class Unit:
    """A compared unit: one run, or an arm of repeated runs (each prepared on its own)."""

    name: str
    source: Run | Arm | Values
    parts: list[PreparedRun]
    pooled: PreparedRun

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

    def usable_rows(self, p: Parameters, columns: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(values, covariates) of the unit's usable rows in the selection, for matching."""
        run = self.run
        if run is None:
            raise ValueError("match needs Runs (plain arrays have no token columns)")
        mask = self.pooled.mask(Selection.of(p)) & ~run.errors
        values = np.asarray(run[p.dimension], dtype=np.float64)[mask]
        x = np.column_stack([np.asarray(run[c], dtype=np.float64)[mask] for c in columns])
        return values, x


def _values(source: Run | Arm | Values) -> np.ndarray:
    assert isinstance(source, Values)
    return source.values


def prepare_unit(source: Source, name: str, dimension: str, x_dimension: str) -> Unit:
    """One run, arm or plain values prepared for fast selection under `name` (each run of an
    arm on its own, and pooled). `compute` takes a list of these (the baseline first)."""
    source = renamed(source, name)
    if isinstance(source, Values):
        part = PreparedRun.of_values(name, source.values)
        return Unit(name, source, [part], part)
    runs_of = list(source.runs) if isinstance(source, Arm) else [source]
    parts = [PreparedRun.of_run(r, dimension, x_dimension) for r in runs_of]
    pooled_run = source.pooled if isinstance(source, Arm) else source
    pooled = parts[0] if len(parts) == 1 else PreparedRun.of_run(pooled_run, dimension, x_dimension)
    pooled.name = name
    return Unit(name, source, parts, pooled)


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
        self.dimension = params.normalize_column(dimension, "dimension")
        self.x_dimension = params.normalize_column(x_dimension, "x_dimension")
        units = as_units(runs)
        params.check_run_count(len(units))
        self._units: list[Unit] = [
            prepare_unit(source, source.name, self.dimension, self.x_dimension) for source in units
        ]
        names = [u.name for u in units]
        self.names: list[str] = names

    @property
    def runs(self) -> list[Run | np.ndarray]:
        """The compared runs (an arm as its pooled Run, plain values as their array),
        baseline first, names made unique."""
        return [u.run if u.run is not None else _values(u.source) for u in self._units]

    @property
    def units(self) -> list[Run | Arm | np.ndarray]:
        """The compared runs and arms as given (names made unique; plain values as their
        array), baseline first."""
        return [u.source.values if isinstance(u.source, Values) else u.source for u in self._units]

    def _selection(self, token_range: Any, time_range: Any) -> Selection:
        selection = Selection(
            params.normalize_range(token_range, "token_range"),
            params.normalize_range(time_range, "time_range"),
            self.x_dimension,
        )
        self.check_ranges(selection.token_range, selection.time_range)
        return selection

    def selection_mask(
        self, run_index: int, token_range: Any = None, time_range: Any = None
    ) -> np.ndarray:
        """`Selection.mask` of run `run_index`: its rows inside both ranges, errors included."""
        return self._units[run_index].pooled.mask(self._selection(token_range, time_range))

    def selected_values(
        self, run_index: int, token_range: Any = None, time_range: Any = None
    ) -> np.ndarray:
        """Sorted values used for statistics of run `run_index` in the ranges (read-only)."""
        return self._units[run_index].pooled.select(self._selection(token_range, time_range))

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

    def compare(
        self,
        parameters: Parameters | None = None,
        *,
        lean: bool = False,
        shift: bool = True,
        **values: Any,
    ) -> Comparison:
        """Estimates and CIs for the rows inside the ranges, each run vs the first.

        Takes a validated `Parameters`, or the keyword arguments of `compare` (validated by
        `params`); `random_state` None means the fixed seed 0. `lean=True` skips the extras
        and `shift=False` the shift functions alone (see `compute`).
        """
        random_state = values.pop("random_state", None)
        p = params.resolve(
            parameters, values, columns=(self.dimension, self.x_dimension), prepared_by="Comparer"
        )
        self.check_ranges(p.token_range, p.time_range)
        return compute(self._units, p, stats.make_rng(random_state), lean=lean, shift=shift)

    def shift_functions(
        self, parameters: Parameters, random_state: int | np.random.Generator | None = None
    ) -> tuple[ShiftFunctionDict, ...]:
        """The shift functions `compare(parameters, random_state=...)` would hold, alone: the
        widget shows the numbers first (`shift=False`) and adds these, which only the shift
        view draws, right after."""
        self.check_ranges(parameters.token_range, parameters.time_range)
        rng = stats.make_rng(random_state)
        seeds = [stats.draw_seeds(rng) for _ in self._units]  # as `compute` draws them
        selection = Selection.of(parameters)
        samples = [u.pooled.select(selection) for u in self._units]
        return _shift_entries(self._units, parameters, samples, seeds)


def compute(
    units: Sequence[Unit],
    p: Parameters,
    rng: np.random.Generator,
    *,
    lean: bool = False,
    shift: bool = True,
) -> Comparison:
    """The statistics of `units` for parameters `p` (see `compare`); one unit gives its
    estimate alone (no difference).

    `lean=True` computes what a table of many comparisons shows (a sweep's levels): the
    estimates, CIs, differences, p-values and verdicts, identical to the full computation;
    it skips the extras (shift function, Hodges–Lehmann shift, the workload-confound and
    warm-up hints, an arm's `between_run_share`), which come back empty or None.
    `shift=False` leaves out the shift functions only (`Comparer.shift_functions` gives them).
    """
    stat = stats.parse_statistic(p.statistic)
    need = stats.minimum_sample_size(stat, p.confidence_level)
    selection = Selection.of(p)
    seeds = [stats.draw_seeds(rng) for _ in units]  # one stream per run, whatever is computed
    is_arm = [len(u.parts) > 1 for u in units]
    # each run's selection once: an arm's runs feed its estimate and its differences
    parts = [[part.select(selection) for part in u.parts] for u in units]
    samples = [
        _pooled_sample(u, runs, selection, lean) if arm else runs[0]
        for u, runs, arm in zip(units, parts, is_arm, strict=True)
    ]
    # the shift functions need only the samples and seeds: drawn on another core meanwhile
    shift_functions = None
    if not lean and shift:
        shift_functions = _BACKGROUND.get().submit(_shift_entries, units, p, samples, seeds)
    # an arm's estimate is run-level: its pooled request-level bootstrap would go unused
    singles = [
        None if arm else _single_estimate(u, x, s, stat, p, selection, need)
        for u, x, s, arm in zip(units, samples, seeds, is_arm, strict=True)
    ]
    arms = [
        _arm_estimate(u, runs, p, stat, s, selection, lean) if arm else None
        for u, runs, s, arm in zip(units, parts, seeds, is_arm, strict=True)
    ]
    estimates: list[RunEstimate] = []
    draws: list[Draws] = []
    for single, arm in zip(singles, arms, strict=True):
        if single is not None:
            estimates.append(single.row)
            draws.append(Draws(replicates=single.reps))
        else:
            assert arm is not None
            estimates.append(arm[0])
            draws.append(Draws(run_estimates=_run_level_estimates(arm[1])))
    notes: list[str] = notes_.too_few_notes(
        [e for e, arm in zip(estimates, arms, strict=True) if arm is None], stat, p, need
    )
    for u, arm in zip(units, arms, strict=True):
        if arm is not None:
            notes += notes_.arm_notes(u.name, len(u.parts), arm[1])

    differences: list[Difference] = []
    for i in range(1, len(units)):
        d: stats.DifferenceInterval | None
        if p.match is not None:
            d, note = _matched(units[0], units[i], p, stat, seeds[i])
            notes.append(note)
        elif is_arm[0] or is_arm[i]:
            d = _arm_vs_arm(units[0], units[i], parts[0], parts[i], p, stat, seeds[i])
            if d is not None and d.method == stats.arms.BORROWED:
                notes.append(
                    f"{units[i].name} vs {units[0].name}: one side has a single usable run; "
                    "its run-to-run variation is assumed equal to the other arm's."
                )
        else:
            a, b = singles[0], singles[i]
            assert a is not None and b is not None
            d = _run_vs_run(a, b, samples[0], samples[i], stat, p)
        if p.match is None and not lean:
            notes += notes_.confound_notes(units[0], units[i], p, need)
        differences.append(
            _with_effects(
                d,
                units[i].name,
                units[0].name,
                samples[0],
                samples[i],
                p,
                need,
                request_effects=not (is_arm[0] or is_arm[i]),
                lean=lean,
            )
        )
    if any(is_arm):
        notes += notes_.arm_effect_notes()
        notes += notes_.power_notes([arm[1] for arm in arms if arm is not None])
    adjusted = stats.holm([d.p_value for d in differences])
    differences = [
        dataclasses.replace(d, p_value_adjusted=clean(a))
        for d, a in zip(differences, adjusted, strict=True)
    ]
    warm_up = None if lean else notes_.warm_up_hint(units, p)
    slo, slo_notes = _slo(units, p, selection)
    notes += slo_notes
    return Comparison(
        runs=tuple(estimates),
        differences=tuple(differences),
        parameters=p,
        notes=tuple(notes_.general_notes(units, p, estimates, warm_up) + notes),
        slo=slo,
        warm_up=warm_up,
        shift_function=() if shift_functions is None else shift_functions.result(),
        draws=tuple(draws),
    )


#: One thread for work a comparison overlaps with its own (its kernels release the GIL).
_BACKGROUND = ProcessThreads(1, "tpot-compare")


def _shift_entries(
    units: Sequence[Unit], p: Parameters, samples: Sequence[np.ndarray], seeds: Sequence[np.ndarray]
) -> tuple[ShiftFunctionDict, ...]:
    """Each run's shift function against the baseline (arms: left empty, see `_shift_entry`)."""
    is_arm = [len(u.parts) > 1 for u in units]
    return tuple(
        _shift_entry(
            units[0].name,
            units[i].name,
            samples[0],
            samples[i],
            p,
            seeds[i],
            pooled=not (is_arm[0] or is_arm[i]),
        )
        for i in range(1, len(units))
    )


def _pooled_sample(
    u: Unit, runs: Sequence[np.ndarray], selection: Selection, lean: bool
) -> np.ndarray:
    """An arm's requests in the selection as one sorted sample; `lean` only counts them
    (the request-level extras that read their values are skipped), so its runs are joined."""
    return np.concatenate(runs) if lean else u.pooled.select(selection)


def _run_level_estimates(a: stats.ArmInterval) -> tuple[float, ...]:
    """An arm's run statistics when its interval is run-level (≥ 2 runs with data), else ()."""
    return a.run_estimates if a.method == stats.arms.RUN_LEVEL and a.n_runs >= 2 else ()


@dataclass(frozen=True)
class _Single:
    """One unit's request-level result: the row, theta, replicates, and the mean's moments."""

    row: RunEstimate
    theta: float | None = None
    reps: np.ndarray | None = None
    moments: stats.Moments | None = None  # set when the mean came from O(1) moments


def _single_estimate(
    u: Unit,
    x: np.ndarray,
    seeds: np.ndarray,
    stat: stats.Statistic,
    p: Parameters,
    selection: Selection,
    need: int,
) -> _Single:
    """One unit's pooled rows: estimate and request-level bootstrap CI.

    Below `need` values (`stats.minimum_sample_size`) no interval can hold the level: the
    row says so with None. The mean of a large selection takes the live path: its moments in
    O(1) from prefix sums, Cornish–Fisher replicates and the closed-form BCa acceleration
    (`stats.moments`).
    """
    missing = u.pooled.n_missing(selection)
    if len(x) < max(need, 2):
        row = RunEstimate(u.name, len(x), u.n_errors, None, None, None, missing, len(u.parts))
        return _Single(row)
    theta = stats.estimate(x, stat)
    moments = reps = None
    if stat.from_moments and p.time_range is None:
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


def _arm_estimate(
    u: Unit,
    runs: Sequence[np.ndarray],
    p: Parameters,
    stat: stats.Statistic,
    seeds: np.ndarray,
    selection: Selection,
    lean: bool = False,
) -> tuple[RunEstimate, stats.ArmInterval]:
    """An arm's estimate with a run-level interval (covers run-to-run variation), from its
    runs' selected values."""
    a = stats.arm_ci(
        list(runs),
        stat.name,
        p.confidence_level,
        p.method,
        p.n_resamples,
        np.random.default_rng(seeds),
        names=[part.name for part in u.parts],
        between_run_share=not lean,
        presorted=True,  # PreparedRun.select: sorted, no NaN
    )
    row = RunEstimate(
        u.name,
        a.n,
        u.n_errors,
        clean(a.estimate),
        clean(a.ci_low),
        clean(a.ci_high),
        u.pooled.n_missing(selection),
        a.n_runs,
        clean(a.between_run_share),
    )
    return row, a


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
    a: Unit,
    b: Unit,
    runs_a: Sequence[np.ndarray],
    runs_b: Sequence[np.ndarray],
    p: Parameters,
    stat: stats.Statistic,
    seeds: np.ndarray,
) -> stats.ArmDifference | None:
    """b − a when either side is an arm: run-level (pooled t on the log scale), from each
    run's selected values."""
    d = stats.arm_difference(
        list(runs_a),
        list(runs_b),
        stat.name,
        p.confidence_level,
        p.method,
        p.n_resamples,
        np.random.default_rng(seeds),
        a_names=[part.name for part in a.parts],
        b_names=[part.name for part in b.parts],
        presorted=True,
    )
    return None if d.estimate is None else d


def _matched(
    a: Unit, b: Unit, p: Parameters, stat: stats.Statistic, seeds: np.ndarray
) -> tuple[stats.MatchedDifference | None, str]:
    """The matched-workload difference (post-stratified) and a note of what was left out."""
    assert p.match is not None
    va, xa = a.usable_rows(p, p.match)
    vb, xb = b.usable_rows(p, p.match)
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
    return (None if d.estimate is None else d), notes_.matched_note(a, b, how, d)


#: Resamples of the shift-function band in `compare` (a view; `shift_function` takes any).
SHIFT_RESAMPLES = 999


def _shift_entry(
    base: str,
    name: str,
    xa: np.ndarray,
    xb: np.ndarray,
    p: Parameters,
    seeds: np.ndarray,
    pooled: bool = True,
) -> ShiftFunctionDict:
    """One run's shift function against the baseline, JSON-safe (None where undefined).

    Not for arms (`pooled` False): its band would cover request noise only (every value
    None then, as for too few data; the notes say why).
    """
    empty = np.array([])
    s = stats.shift_function(
        xa if pooled else empty,
        xb if pooled else empty,
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
    need: int,
    request_effects: bool = True,
    lean: bool = False,
) -> Difference:
    """A `Difference` row: CIs, verdict, p (Mann–Whitney or run-level), effect sizes.

    Not enough data (every number None) when either side has fewer than `need` values. The
    request-level effect sizes (P(faster), Hodges–Lehmann) are left out for arms
    (`request_effects` False): on pooled requests they would take run-to-run variation for
    request noise (`notes.ARM_EFFECTS_NOTE`).
    """
    if d is None or len(xa) < max(need, 2) or len(xb) < max(need, 2):
        return Difference.not_enough_data(name, base)
    lo, hi = clean(d.ci_low), clean(d.ci_high)
    rel_lo, rel_hi = clean(d.relative_ci_low), clean(d.relative_ci_high)
    mw_p = prob_faster = None
    if request_effects:
        mw_p, prob_faster = stats.mann_whitney(xa, xb)
    # arms and matched comparisons carry their own p (run-level / stratified); runs use U's
    p_value = d.p_value if isinstance(d, (stats.ArmDifference, stats.MatchedDifference)) else mw_p
    hl = (
        stats.hodges_lehmann(_thinned(xa), _thinned(xb), p.confidence_level)
        if request_effects and not lean
        else stats.ShiftEstimate(None, None, None)
    )
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


def _slo(
    units: Sequence[Unit], p: Parameters, selection: Selection
) -> tuple[SLODict | None, list[str]]:
    """SLO attainment per unit in the selection, each against the baseline, and its notes
    (unmeasured columns), which join the comparison's notes."""
    if not p.slo:
        return None, []
    runs = [u.run for u in units]
    if any(r is None for r in runs):
        raise ValueError("slo needs Runs (plain arrays have no per-request columns)")
    summary = stats.slo_summary(
        [u.name for u in units],
        [r.columns for r in runs if r is not None],
        [r.errors for r in runs if r is not None],
        p.slo,
        masks=[u.pooled.mask(selection) for u in units],
        met=[u.slo_met(p.slo) for u in units],
        confidence_level=p.confidence_level,
    )
    notes = [str(n) for n in summary.pop("notes", [])]
    return cast(SLODict, summary), notes  # its keys are checked against SLODict in test_wire
