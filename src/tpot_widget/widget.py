"""`TPOTCompare`: the notebook widget (anywidget) linking a scatter brush to live bootstrap CIs.

Thin by design: it holds the synced state, answers the browser's column requests with binary
buffers (`_transport`), and recomputes `stats` with a cached `Comparer` whenever the token
range, dimension, statistic or confidence level changes. The front end lives in js/.

Given `Sweep`s, it compares the configurations at one load level (`load_level`, the levels
in `sweep_levels`) and keeps `sweep_stats`, every level's comparison, up to date with a
cached `SweepComparer`.
"""

from __future__ import annotations

import difflib
import threading
from collections import ChainMap, Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import anywidget
import numpy as np
import traitlets

from . import _outbox, _transport, columns, params
from .arm import Arm
from .columns import DURATION_COLUMNS, NUMERIC_COLUMNS, TOKEN_COLUMNS
from .comparison import Comparer, Comparison
from .display import PALETTE, short_labels, unit_of
from .durations import validate_slo
from .params import DEFAULT_SLO_TARGET, DEFAULTS, Parameters, Range
from .run import Run
from .stats import statistics
from .sweep import Sweep, named_apart
from .sweep_comparison import SweepComparer
from .sweep_levels import LevelChoice, SweepLevels, level_value
from .sweep_results import SweepComparison
from .tables import markdown_table
from .units import Values, as_units
from .wire import ChoicesDict, LoadLevelValue, RunMetaDict

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

_STATIC = Path(__file__).parent / "static"
#: Choices offered for `x_dimension` (when a run has numbers in them).
X_DIMENSIONS: tuple[str, ...] = (*TOKEN_COLUMNS, "request_start")
#: Choices offered for `dimension` (TPOT first: it is what the widget is about).
DIMENSIONS: tuple[str, ...] = (
    "time_per_output_token",
    *(c for c in DURATION_COLUMNS if c != "time_per_output_token"),
    *TOKEN_COLUMNS,
)
#: The public surface: what `dir(w)` lists (traits, then methods and properties).
PUBLIC: tuple[str, ...] = (
    "dimension",
    "x_dimension",
    "statistic",
    "confidence_level",
    "log_axis",
    "token_range",
    "time_range",
    "threshold",
    "match",
    "slo",
    "method",
    "n_resamples",
    "density_threshold",
    "load_level",
    "slo_target",
    "gpus",
    "stats",
    "sweep_stats",
    "error_message",
    "runs",
    "comparison",
    "sweeps",
    "sweep_comparison",
    "selection_mask",
    "selection_df",
    "reset_selection",
    "to_html",
    "observe",
    "unobserve",
)
_warm_up_started = threading.Event()


def _warm_up_in_background() -> None:
    """Compile the Numba kernels once per process in a daemon thread (first brush: no compile)."""
    if _warm_up_started.is_set():
        return
    _warm_up_started.set()

    def target() -> None:
        from .stats import warm_up

        warm_up()

    threading.Thread(target=target, name="tpot-widget-warm-up", daemon=True).start()


class ParameterError(traitlets.TraitError, ValueError):
    """A refused parameter value: `params`' message, catchable as TraitError or ValueError."""


class ParamTrait(traitlets.TraitType[Any, Any]):
    """A trait whose values are validated and normalised by one `params` function.

    The widget then accepts and refuses exactly what `compare` does, with its message.
    """

    allow_none = True

    def __init__(self, normalize: Any, default_value: Any, info_text: str, **kwargs: Any) -> None:
        self._normalize = normalize
        self.info_text = info_text
        super().__init__(default_value=default_value, **kwargs)

    def validate(self, obj: Any, value: Any) -> Any:
        return _checked(self._normalize, value)


class RangeTrait(ParamTrait):
    """None or an inclusive (lo, hi) pair of optional numbers, normalised by `params`."""

    def __init__(self, **kwargs: Any) -> None:
        info = "None or a (lo, hi) pair of numbers or None (an open end)"
        super().__init__(params.normalize_range, None, info, **kwargs)

    def validate(self, obj: Any, value: Any) -> Any:
        return _checked(lambda v: params.normalize_range(v, self.name or "range"), value)


class CheckedAny(traitlets.Any):
    """Any value, checked by the widget's validator, None included (traitlets lets None pass
    a trait that allows it unchecked)."""

    allow_none = False


def _check_keywords(kwargs: Mapping[str, Any]) -> None:
    """Refuse a keyword that is neither a parameter nor a trait (ipywidgets' `layout`...), as
    Python refuses `compare(a, b, treshold=0.02)`: a typo must not pass silently."""
    known = set(TPOTCompare.class_trait_names())
    for name in kwargs:
        if name not in known:
            close = difflib.get_close_matches(name, [*params.NAMES, "log_axis"], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"TPOTCompare() got an unexpected keyword argument {name!r}{hint}")


def _checked(normalize: Any, value: Any) -> Any:
    """Run a `params` normaliser, turning its ValueError into a `ParameterError`."""
    try:
        return normalize(value)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None


def _sweeps_of(items: Sequence[Any]) -> list[Sweep] | None:
    """The sweeps given to TPOTCompare (a single list of them counts), None when no Sweep is
    given; mixing sweeps with runs is refused (a level of a sweep is `sweep.at(level)`)."""
    given = list(items)
    if (
        len(given) == 1
        and isinstance(given[0], (list, tuple))
        and any(isinstance(x, Sweep) for x in given[0])
    ):
        given = list(given[0])  # TPOTCompare([a, b]): the list holds the sweeps
    sweeps = [x for x in given if isinstance(x, Sweep)]
    if not sweeps:
        return None
    if len(sweeps) != len(given):
        others = len(given) - len(sweeps)
        raise TypeError(
            f"TPOTCompare compares either runs (or arms) or sweeps, not both: got "
            f"{len(sweeps)} Sweep(s) ({', '.join(repr(s.name) for s in sweeps[:4])}) and "
            f"{others} other argument(s). Pass only sweeps, one per configuration "
            "(load_sweep(path)), or compare one level's runs with sweep.at(level)."
        )
    if not params.MIN_RUNS <= len(sweeps) <= params.MAX_RUNS:
        raise ValueError(
            f"TPOTCompare needs {params.MIN_RUNS} to {params.MAX_RUNS} sweeps (configurations; "
            f"the first is the baseline; any number of runs per level), got {len(sweeps)}"
        )
    return named_apart(sweeps)


def _error_text(exc: Exception) -> str:
    """What `error_message` and a refused columns request say of an exception."""
    return f"{type(exc).__name__}: {exc}"


class TPOTCompare(anywidget.AnyWidget):
    """Compare 2..8 benchmark runs or arms (the first is the baseline) with linked views.

    Parameters
    ----------
    *runs
        `Run`s, `Arm`s of repeated runs (a plain list of runs counts as one arm), paths /
        URLs / folders (every run they hold), LLMeter Results or DataFrames, read by
        `units.as_units` as every surface reads them. Repeated names are made distinct
        (" (2)", " (3)"...). A single list of 2..8 runs is taken as the runs.
    dimension
        The compared column (y axis, box plots, histograms, statistics).
    x_dimension
        The brushed column (scatter x axis); `token_range` bounds apply to it.
    statistic
        "median", "mean" or a percentile such as "p90".
    confidence_level
        Of every interval, in [0.5, 0.9999].
    token_range
        (lo, hi) on `x_dimension`, inclusive, None = open end; None = every row.
    time_range
        (lo, hi) on `request_start` in seconds (e.g. (30, None) drops a warm-up).
    threshold
        A relative practical threshold (0.02 = ±2%) for "equivalent" / "inconclusive".
    match
        "num_tokens_output", "num_tokens_input" or both: matched-workload differences.
    slo
        SLO objectives, seconds per duration column: ``{"time_to_first_token": 0.5}``.
    method, n_resamples
        The bootstrap interval method ("BCa" or "percentile") and its resamples.
    log_axis
        Log scale for `dimension` in the distribution views.
    load_level
        With sweeps: the load level compared (see `load_level`); default the highest level
        every configuration ran.
    slo_target, gpus
        With sweeps: `compare_sweeps`' SLO attainment target for max load, and GPU counts
        (one for all, or one per configuration) for the Pareto view's throughput per GPU.

    Notes
    -----
    `token_range` and `time_range` are the source of truth for the selection (set them from
    Python or brush the views); `stats` is always `compare(...).to_dict()` for the current
    state and is read-only, like `error_message`.

    Given 2..8 `Sweep`s instead of runs (``TPOTCompare(sweep_a, sweep_b)``; the limit is on
    configurations, any number of runs per level), every view and `stats` compare the
    configurations at `load_level` (``w.load_level = 16``), with the configurations' names;
    `sweep_stats` is ``compare_sweeps(...).to_dict()`` for the current parameters, every
    level at once.
    """

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    #: The compared column (y axis, box plots, histograms, statistics); a Run column name.
    dimension = traitlets.Unicode(DEFAULTS.dimension).tag(sync=True)
    #: The brushed column (scatter x axis); `token_range` bounds apply to it.
    x_dimension = traitlets.Unicode(DEFAULTS.x_dimension).tag(sync=True)
    #: "median", "mean" or a percentile such as "p90" (case ignored); what the panel estimates.
    statistic = traitlets.Unicode(DEFAULTS.statistic).tag(sync=True)
    #: Confidence level of every interval, in [0.5, 0.9999].
    confidence_level = traitlets.Float(DEFAULTS.confidence_level).tag(sync=True)
    #: Log scale for `dimension` in the box plots, histograms and ECDFs.
    log_axis = traitlets.Bool(True).tag(sync=True)
    #: (lo, hi) on `x_dimension`, inclusive, either bound None = open; None = every row.
    #: The source of truth for the selection: brushing sets it, setting it moves the brush.
    token_range = RangeTrait().tag(sync=True)
    #: (lo, hi) on `request_start` (seconds since the run's first request), like
    #: `token_range`; dragging on the time view sets it. None = every row.
    time_range = RangeTrait().tag(sync=True)
    #: A relative practical threshold (0.02 = ±2%) or None: verdicts become "faster",
    #: "slower", "equivalent" or "inconclusive" by the relative CI against ±threshold.
    threshold = ParamTrait(
        params.normalize_threshold, None, "None or a relative threshold in (0, 1)"
    ).tag(sync=True)
    #: Workload covariates the differences are matched on (token columns), or None.
    match = traitlets.List(traitlets.Unicode(), default_value=None, allow_none=True).tag(sync=True)
    #: SLO objectives in seconds per duration column; {} = none. Adds `stats["slo"]`.
    slo = traitlets.Dict().tag(sync=True)
    #: "BCa" or "percentile" bootstrap intervals.
    method = ParamTrait(params.normalize_method, DEFAULTS.method, "'BCa' or 'percentile'").tag(
        sync=True
    )
    #: Bootstrap resamples per interval, 100 to 1,000,000.
    n_resamples = ParamTrait(
        params.normalize_n_resamples, DEFAULTS.n_resamples, "an integer in [100, 1000000]"
    ).tag(sync=True)
    #: Above this many points per run the scatter becomes a 2-D histogram (density view).
    density_threshold = traitlets.Int(200_000).tag(sync=True)
    #: With sweeps: the load level `stats` and the views compare. Set a number (the
    #: concurrency or rate level: ``w.load_level = 16``), a `Load`, or a text ("rate=2.5",
    #: "throughput"); it holds the level's number, or the kind's name for "synchronous" and
    #: "throughput". A configuration that did not run it is shown at its nearest level by
    #: achieved request rate (said in `stats["notes"]`). None without sweeps.
    load_level = CheckedAny(None).tag(sync=True)
    #: With sweeps: the share of requests meeting every SLO objective that max load holds to.
    slo_target = ParamTrait(
        params.normalize_slo_target, DEFAULT_SLO_TARGET, "a share of requests in (0, 1)"
    ).tag(sync=True)
    #: With sweeps: GPUs per configuration (one per configuration, None where unknown) for
    #: the Pareto view's throughput per GPU; set one count for all or a list. None = unknown.
    gpus = traitlets.Any(None, allow_none=True).tag(sync=True)
    #: `compare(...).to_dict()` for the current state; recomputed on every change. Read it or
    #: observe it (`w.observe(cb, "stats")`); it cannot be assigned.
    stats = traitlets.Dict(read_only=True).tag(sync=True)
    #: With sweeps: `compare_sweeps(...).to_dict()` for the current parameters (every level,
    #: the crossing, max load, Pareto; whatever `load_level` is); {} without sweeps. Read-only.
    sweep_stats = traitlets.Dict(read_only=True).tag(sync=True)
    #: Text of the last failed recompute ("" when fine); the panel shows it as text. Read-only.
    error_message = traitlets.Unicode("", read_only=True).tag(sync=True)

    # Plumbing for the front end (private: not part of the API).
    _runs_meta = traitlets.List(traitlets.Dict()).tag(sync=True)
    _choices = traitlets.Dict().tag(sync=True)
    _summary_markdown = traitlets.Unicode("").tag(sync=True)
    # Brushing handshake: the browser bumps _request_seq with every change it makes; the
    # kernel answers by setting _stats_seq (with the new stats, in the same message).
    _request_seq = traitlets.Int(0).tag(sync=True)
    _stats_seq = traitlets.Int(0).tag(sync=True)

    def __init__(
        self,
        *runs: Any,
        dimension: str = DEFAULTS.dimension,
        x_dimension: str = DEFAULTS.x_dimension,
        statistic: str = DEFAULTS.statistic,
        confidence_level: float = DEFAULTS.confidence_level,
        token_range: Range | None = None,
        time_range: Range | None = None,
        threshold: float | None = None,
        match: str | Sequence[str] | None = None,
        slo: Mapping[str, float | str] | None = None,
        method: str = DEFAULTS.method,
        n_resamples: int = DEFAULTS.n_resamples,
        log_axis: bool = True,
        load_level: Any = None,
        slo_target: float = DEFAULT_SLO_TARGET,
        gpus: int | Sequence[int | None] | None = None,
        **kwargs: Any,
    ) -> None:
        _check_keywords(kwargs)
        sweeps = _sweeps_of(runs)
        self._levels: SweepLevels | None = None
        self._sweep_comparers: dict[tuple[str, str], SweepComparer] = {}
        self._sweep_key: tuple[Any, ...] | None = None
        self._sweep_comparison: SweepComparison | None = None
        self._choice: LevelChoice | None = None
        if sweeps is None:
            units = as_units(runs, values=False, what="TPOTCompare")
            params.check_run_count(len(units), "TPOTCompare")
            self._set_units(tuple(u for u in units if not isinstance(u, Values)))
            sweep_traits: dict[str, Any] = {}
            if load_level is not None or slo_target != DEFAULT_SLO_TARGET or gpus is not None:
                raise ValueError(
                    "load_level, slo_target and gpus apply to sweeps: "
                    "TPOTCompare(sweep_a, sweep_b, ...) with Sweeps (load_sweep(path))"
                )
        else:
            self._levels = SweepLevels(sweeps)
            # prepares every level now (and checks the sweeps share one load axis)
            self._sweep_comparer(dimension, x_dimension)
            levels = self._levels
            level = levels.default() if load_level is None else _checked(levels.resolve, load_level)
            self._choice = levels.choose(level)
            self._set_units(self._choice.units)
            sweep_traits = {
                "load_level": level_value(level),
                "slo_target": slo_target,
                "gpus": gpus,
            }
        self._comparers: dict[tuple[Any, ...], Comparer] = {}
        self._computed_key: tuple[Any, ...] | None = None
        self._comparison: Comparison | None = None
        self._ready = False  # no recomputation while traitlets sets the initial values
        _warm_up_in_background()
        super().__init__(
            dimension=dimension,
            x_dimension=x_dimension,
            statistic=statistic,
            confidence_level=confidence_level,
            token_range=token_range,
            time_range=time_range,
            threshold=threshold,
            match=None if match is None else ([match] if isinstance(match, str) else match),
            slo=slo or {},
            method=method,
            n_resamples=n_resamples,
            log_axis=log_axis,
            **sweep_traits,
            _runs_meta=self._metas(),
            _choices=self._choice_lists(),
            **kwargs,
        )
        self.on_msg(self._on_custom_msg)
        self._ready = True
        self._recompute()

    def __dir__(self) -> list[str]:
        """The documented public traits and methods only (the widget plumbing stays hidden)."""
        return list(PUBLIC)

    # --- public API ------------------------------------------------------------------------

    @property
    def runs(self) -> tuple[Run, ...]:
        """The compared runs, baseline first (an arm as its pooled requests); with sweeps,
        the configurations' runs at `load_level`."""
        return self._runs

    @property
    def comparison(self) -> Comparison:
        """The `Comparison` behind `stats` (current runs, parameters and ranges)."""
        if self._comparison is None:
            self._recompute()
        assert self._comparison is not None
        return self._comparison

    @property
    def sweeps(self) -> tuple[Sweep, ...]:
        """The compared sweeps, baseline first (names made distinct); () without sweeps."""
        return () if self._levels is None else self._levels.sweeps

    @property
    def sweep_comparison(self) -> SweepComparison | None:
        """The `SweepComparison` behind `sweep_stats` (e.g. its `to_frame()`); None without
        sweeps."""
        if self._levels is None:
            return None
        if self._sweep_comparison is None:
            self._recompute()
        return self._sweep_comparison

    def selection_mask(self, run_index: int) -> np.ndarray:
        """Boolean mask over run `run_index`'s rows inside both ranges (errors included)."""
        return self._comparer().selection_mask(run_index, self.token_range, self.time_range)

    def selection_df(
        self, backend: Literal["pandas", "polars"] = "pandas"
    ) -> pd.DataFrame | pl.DataFrame:
        """The selected rows of every run as one DataFrame: a `run` column + every Run column.

        Parameters
        ----------
        backend
            "pandas" (default) or "polars" (needs polars installed).

        Returns
        -------
        DataFrame
            Failed requests inside the ranges are included (their `error` says why); the
            `run` column holds the (unique) run names as a categorical, in order. For an
            arm, `arm_run` names the repeated run each row came from.
        """
        frames = [self._selected_frame(i, run) for i, run in enumerate(self._runs)]
        if backend == "pandas":
            import pandas as pd

            out = pd.concat(frames, ignore_index=True)
            out["run"] = pd.Categorical(out["run"], categories=[r.name for r in self._runs])
            return out
        if backend == "polars":
            try:
                import polars as pl
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ImportError(
                    "selection_df(backend='polars') needs polars: pip install 'tpot_widget[polars]'"
                ) from exc
            return pl.concat([pl.from_pandas(f) for f in frames], how="diagonal")
        raise ValueError(f"backend must be 'pandas' or 'polars', got {backend!r}")

    def reset_selection(self) -> None:
        """Select every row again (the same as the "reset selection" button)."""
        with self.hold_trait_notifications():
            self.token_range = None
            self.time_range = None

    def to_html(self, path: str | Path) -> Path:
        """Write a self-contained offline HTML report of this comparison to `path`: these
        views over the current runs, parameters, ranges and statistics, without a kernel."""
        from .report import write_widget

        return write_widget(self, path)

    # --- validation: every value through `params`, as compare() does -------------------------

    @traitlets.validate("dimension", "x_dimension")
    def _valid_column(self, proposal: dict[str, Any]) -> str:
        name = proposal["trait"].name
        return str(_checked(lambda v: params.normalize_column(v, name), proposal["value"]))

    @traitlets.validate("statistic")
    def _valid_statistic(self, proposal: dict[str, Any]) -> str:
        return str(_checked(params.normalize_statistic, proposal["value"]))

    @traitlets.validate("confidence_level")
    def _valid_confidence(self, proposal: dict[str, Any]) -> float:
        return float(_checked(params.normalize_confidence_level, proposal["value"]))

    @traitlets.validate("match")
    def _valid_match(self, proposal: dict[str, Any]) -> list[str] | None:
        value = _checked(params.normalize_match, proposal["value"])
        return None if value is None else list(value)

    @traitlets.validate("slo")
    def _valid_slo(self, proposal: dict[str, Any]) -> dict[str, float]:
        return dict(_checked(validate_slo, proposal["value"]))

    @traitlets.validate("time_range")
    def _valid_time_range(self, proposal: dict[str, Any]) -> Range | None:
        value: Range | None = proposal["value"]
        if value is not None:
            # with sweeps, every level's runs need start times (sweep_stats covers them all)
            check = self._comparer() if self._levels is None else self._sweep_comparer()
            _checked(lambda v: check.check_ranges(None, v), value)
        return value

    @traitlets.validate("load_level")
    def _valid_load_level(self, proposal: dict[str, Any]) -> LoadLevelValue | None:
        value = proposal["value"]
        if self._levels is None:
            if value is None:
                return None
            raise ParameterError(
                "load_level applies to sweeps: TPOTCompare(sweep_a, sweep_b) with Sweeps "
                "(load_sweep(path)); these are runs"
            )
        levels = self._levels
        return level_value(_checked(levels.resolve, value))

    @traitlets.validate("slo_target")
    def _valid_slo_target(self, proposal: dict[str, Any]) -> float:
        value = float(_checked(params.normalize_slo_target, proposal["value"]))
        if self._levels is None and value != DEFAULT_SLO_TARGET:
            raise ParameterError("slo_target applies to sweeps (max load within the SLO)")
        return value

    @traitlets.validate("gpus")
    def _valid_gpus(self, proposal: dict[str, Any]) -> list[int | None] | None:
        value = proposal["value"]
        if self._levels is None:
            if value is None:
                return None
            raise ParameterError("gpus applies to sweeps (the Pareto view's tokens/s per GPU)")
        counts = _checked(lambda v: params.normalize_gpus(v, len(self.sweeps)), value)
        return None if all(c is None for c in counts) else list(counts)

    # --- recomputation -----------------------------------------------------------------------

    @traitlets.observe(*params.NAMES, "load_level", "slo_target", "gpus", "_request_seq")
    def _on_state_change(self, change: dict[str, Any]) -> None:
        if self._ready:
            self._recompute()

    def _set_units(self, units: Sequence[Run | Arm]) -> None:
        """The compared units (and their runs, an arm pooled), baseline first."""
        self._units: tuple[Run | Arm, ...] = tuple(units)
        self._runs: tuple[Run, ...] = tuple(
            u.pooled if isinstance(u, Arm) else u for u in self._units
        )

    def _follow_load_level(self) -> None:
        """Compare the configurations at `load_level` from now on (units, metadata), whatever
        order the browser's changes are notified in."""
        if self._levels is None or self._choice is None:
            return
        level = self._levels.resolve(self.load_level)
        if level != self._choice.level:
            self._choice = self._levels.choose(level)
            self._set_units(self._choice.units)
            self.set_trait("_runs_meta", self._metas())

    def _comparer(self) -> Comparer:
        level = None if self._choice is None else self._choice.level
        key = (level, self.dimension, self.x_dimension)
        comparer = self._comparers.get(key)
        if comparer is None:
            comparer = Comparer(self._units, dimension=self.dimension, x_dimension=self.x_dimension)
            self._comparers[key] = comparer
        return comparer

    def _sweep_comparer(
        self, dimension: str | None = None, x_dimension: str | None = None
    ) -> SweepComparer:
        """The cached `SweepComparer` of the sweeps for these columns (default: the traits')."""
        key = (
            params.normalize_column(dimension or self.dimension, "dimension"),
            params.normalize_column(x_dimension or self.x_dimension, "x_dimension"),
        )
        comparer = self._sweep_comparers.get(key)
        if comparer is None:
            comparer = SweepComparer(self.sweeps, *key)
            self._sweep_comparers[key] = comparer
        return comparer

    def _parameters(self) -> Parameters:
        """The traits named like the parameters, validated as `compare` validates them."""
        return Parameters.from_user(**{name: getattr(self, name) for name in params.NAMES})

    def _recompute(self) -> None:
        """Bring `stats` (and `sweep_stats`) up to date, once per distinct state, and answer
        the browser's request: `stats` first, in a message of its own (the panel's numbers),
        then `sweep_stats` (every level; the load and Pareto views)."""
        with self.hold_sync():
            try:
                self._follow_load_level()
                parameters = self._parameters()
                level = None if self._choice is None else self._choice.level
                if (parameters, level) != self._computed_key:
                    comparison = self._level_comparison(parameters)
                    self._comparison = comparison
                    self._computed_key = (parameters, level)
                    self.set_trait("stats", comparison.to_dict())
                    self._summary_markdown = self._summary()
                self.set_trait("error_message", "")
            except Exception as exc:
                self._computed_key = None
                self._sweep_key = None
                self.set_trait("error_message", _error_text(exc))
                self._stats_seq = self._request_seq
                raise
            self._stats_seq = self._request_seq
        if self._levels is None:
            return
        with self.hold_sync():
            try:
                self._recompute_sweep(parameters)
            except Exception as exc:
                self._sweep_key = None
                self.set_trait("error_message", _error_text(exc))
                raise

    def _level_comparison(self, parameters: Parameters) -> Comparison:
        """`compare` of the current units; with sweeps, saying which configuration is shown
        at another level than the chosen one."""
        comparison = self._comparer().compare(parameters)
        return comparison if self._choice is None else self._choice.annotate(comparison)

    def _recompute_sweep(self, parameters: Parameters) -> None:
        """`sweep_stats`: every level compared, when the parameters, slo_target or gpus changed."""
        key = (parameters, self.slo_target, None if self.gpus is None else tuple(self.gpus))
        if key == self._sweep_key:
            return
        _outbox.wait_until_sent(self.comm)  # the panel's numbers leave first (see _outbox)
        comparison = self._sweep_comparer().compare(
            parameters, slo_target=self.slo_target, gpus=self.gpus
        )
        self._sweep_comparison = comparison
        self._sweep_key = key
        self.set_trait("sweep_stats", comparison.to_dict())

    def _summary(self) -> str:
        """The panel's "Copy summary" text: the comparison's Markdown table (at which level)."""
        if self._choice is None:
            return markdown_table(self.stats)
        return self._choice.summary(self.stats)

    # --- browser messages --------------------------------------------------------------------

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply the browser's changes; a value `params` refuses is answered, never lost.

        traitlets rolls the whole message back; the kernel then shows the refusal in
        `error_message`, answers the request (so the panel is not left waiting) and sends
        its current values back so the controls show what is in force.
        """
        try:
            super().set_state(sync_data)
        except traitlets.TraitError as exc:
            with self.hold_sync():
                self.set_trait("error_message", _error_text(exc))
                self._stats_seq = int(sync_data.get("_request_seq", self._request_seq))
            self.send_state([k for k in sync_data if k in self.keys])

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: list[Any]) -> None:
        """Answer {"type": "columns", "keys": [...]} with the columns as binary buffers.

        A request that fails is answered with {"type": "columns", "error", "keys"}, so the
        front end never waits for columns that will not come.
        """
        if not isinstance(content, dict) or content.get("type") != "columns":
            return
        keys = [k for k in content.get("keys", []) if isinstance(k, str)]
        runs: Sequence[Run] | Mapping[str, Run] = self._runs
        if self._levels is not None:
            # any configuration-level by its key ("L3.C1"); an index is the current level's
            current = {str(i): run for i, run in enumerate(self._runs)}
            runs = ChainMap(current, self._levels)  # type: ignore[arg-type]
        try:
            message, buffers = _transport.columns_message(runs, keys)
        except Exception as exc:
            self.send({"type": "columns", "error": _error_text(exc), "keys": keys})
            return
        self.send(message, buffers)

    # --- selection and metadata --------------------------------------------------------------

    def _selected_frame(self, index: int, run: Run) -> pd.DataFrame:
        mask = self.selection_mask(index)
        frame = run.to_pandas()[mask]
        frame.insert(0, "run", run.name)
        arm_runs = run.metadata.get("arm")
        if arm_runs is not None:
            run_index = np.asarray(run.metadata["run_index"])[mask]
            frame.insert(1, "arm_run", np.asarray(arm_runs, dtype=object)[run_index])
        return frame.reset_index(drop=True)

    def _metas(self) -> list[RunMetaDict]:
        """`_runs_meta`: one entry per compared unit (with sweeps, at the current level)."""
        labels = short_labels([u.name for u in self._units])
        return [
            self._meta(i, unit, label)
            for i, (unit, label) in enumerate(zip(self._units, labels, strict=True))
        ]

    def _meta(self, index: int, unit: Run | Arm, label: str) -> RunMetaDict:
        run = unit.pooled if isinstance(unit, Arm) else unit
        errors = Counter(e for e in run.columns["error"] if e is not None)
        choice = self._choice
        return {
            "key": str(index) if choice is None else choice.keys[index],
            "name": run.name,
            "label": label,
            "color": PALETTE[index % len(PALETTE)],
            "n_requests": len(run),
            "n_errors": run.n_errors,
            "n_runs": len(unit) if isinstance(unit, Arm) else 1,
            "top_errors": [[text, count] for text, count in errors.most_common(5)],
            "synthetic": bool(run.metadata.get("synthetic", False)),
            "has_start_times": bool(np.isfinite(run["request_start"]).any()),
            "load_level": None if choice is None else level_value(choice.levels[index]),
            "level_note": None if choice is None else choice.notes[index],
        }

    def _choice_lists(self) -> ChoicesDict:
        every = self._runs if self._levels is None else [r for s in self.sweeps for r in s.runs]

        def has_numbers(column: str) -> bool:
            return any(np.isfinite(run[column]).any() for run in every)

        return {
            "dimensions": [c for c in DIMENSIONS if has_numbers(c)],
            "x_dimensions": [c for c in X_DIMENSIONS if has_numbers(c)],
            "units": {c: unit_of(c) for c in NUMERIC_COLUMNS},
            "slo_columns": [c for c in DURATION_COLUMNS if has_numbers(c)],
            "columns": columns.choices(),
            "statistics": statistics.choices(),
            "load_levels": [] if self._levels is None else self._levels.choices(),
        }
