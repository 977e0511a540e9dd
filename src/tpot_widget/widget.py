"""`TPOTCompare`: the notebook widget (anywidget) linking a scatter brush to live bootstrap CIs.

Thin by design: it holds the synced state, answers the browser's column requests with binary
buffers (`_transport`), and recomputes `stats` with a cached `Comparer` whenever the token
range, dimension, statistic or confidence level changes. The front end lives in js/.
"""

from __future__ import annotations

import difflib
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import anywidget
import numpy as np
import traitlets

from . import _transport, columns, params
from .arm import Arm
from .columns import DURATION_COLUMNS, NUMERIC_COLUMNS, TOKEN_COLUMNS
from .comparison import Comparer, Comparison
from .display import PALETTE, short_labels, unit_of
from .durations import validate_slo
from .params import DEFAULTS, Parameters, Range
from .run import Run
from .stats import statistics
from .tables import markdown_table
from .units import Values, as_units
from .wire import ChoicesDict, RunMetaDict

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
    "stats",
    "error_message",
    "runs",
    "comparison",
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

    Notes
    -----
    `token_range` and `time_range` are the source of truth for the selection (set them from
    Python or brush the views); `stats` is always `compare(...).to_dict()` for the current
    state and is read-only, like `error_message`.
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
    #: `compare(...).to_dict()` for the current state; recomputed on every change. Read it or
    #: observe it (`w.observe(cb, "stats")`); it cannot be assigned.
    stats = traitlets.Dict(read_only=True).tag(sync=True)
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
        **kwargs: Any,
    ) -> None:
        _check_keywords(kwargs)
        units = as_units(runs, values=False, what="TPOTCompare")
        params.check_run_count(len(units), "TPOTCompare")
        self._units: tuple[Run | Arm, ...] = tuple(u for u in units if not isinstance(u, Values))
        self._runs: tuple[Run, ...] = tuple(
            u.pooled if isinstance(u, Arm) else u for u in self._units
        )
        self._comparers: dict[tuple[str, str], Comparer] = {}
        self._computed_key: Parameters | None = None
        self._comparison: Comparison | None = None
        self._ready = False  # no recomputation while traitlets sets the initial values
        _warm_up_in_background()
        labels = short_labels([u.name for u in self._units])
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
            _runs_meta=[
                self._meta(i, unit, label)
                for i, (unit, label) in enumerate(zip(self._units, labels, strict=True))
            ],
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
        """The compared runs, baseline first (an arm as its pooled requests)."""
        return self._runs

    @property
    def comparison(self) -> Comparison:
        """The `Comparison` behind `stats` (current runs, parameters and ranges)."""
        if self._comparison is None:
            self._recompute()
        assert self._comparison is not None
        return self._comparison

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
            _checked(lambda v: self._comparer().check_ranges(None, v), value)
        return value

    # --- recomputation -----------------------------------------------------------------------

    @traitlets.observe(*params.NAMES, "_request_seq")
    def _on_state_change(self, change: dict[str, Any]) -> None:
        if self._ready:
            self._recompute()

    def _comparer(self) -> Comparer:
        key = (self.dimension, self.x_dimension)
        comparer = self._comparers.get(key)
        if comparer is None:
            comparer = Comparer(self._units, dimension=self.dimension, x_dimension=self.x_dimension)
            self._comparers[key] = comparer
        return comparer

    def _parameters(self) -> Parameters:
        """The traits named like the parameters, validated as `compare` validates them."""
        return Parameters.from_user(**{name: getattr(self, name) for name in params.NAMES})

    def _recompute(self) -> None:
        """Bring `stats` up to date (once per distinct state) and answer the browser's request."""
        with self.hold_sync():
            try:
                parameters = self._parameters()
                if parameters != self._computed_key:
                    comparison = self._comparer().compare(parameters)
                    self._comparison = comparison
                    self._computed_key = parameters
                    self.set_trait("stats", comparison.to_dict())
                    self._summary_markdown = markdown_table(self.stats)
                self.set_trait("error_message", "")
            except Exception as exc:
                self._computed_key = None
                self.set_trait("error_message", f"{type(exc).__name__}: {exc}")
                self._stats_seq = self._request_seq
                raise
            self._stats_seq = self._request_seq

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
                self.set_trait("error_message", f"{type(exc).__name__}: {exc}")
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
        try:
            message, buffers = _transport.columns_message(self._runs, keys)
        except Exception as exc:
            self.send({"type": "columns", "error": f"{type(exc).__name__}: {exc}", "keys": keys})
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

    def _meta(self, index: int, unit: Run | Arm, label: str) -> RunMetaDict:
        run = unit.pooled if isinstance(unit, Arm) else unit
        errors = Counter(e for e in run.columns["error"] if e is not None)
        return {
            "name": run.name,
            "label": label,
            "color": PALETTE[index % len(PALETTE)],
            "n_requests": len(run),
            "n_errors": run.n_errors,
            "n_runs": len(unit) if isinstance(unit, Arm) else 1,
            "top_errors": [[text, count] for text, count in errors.most_common(5)],
            "synthetic": bool(run.metadata.get("synthetic", False)),
            "has_start_times": bool(np.isfinite(run["request_start"]).any()),
        }

    def _choice_lists(self) -> ChoicesDict:
        def has_numbers(column: str) -> bool:
            return any(np.isfinite(run[column]).any() for run in self._runs)

        return {
            "dimensions": [c for c in DIMENSIONS if has_numbers(c)],
            "x_dimensions": [c for c in X_DIMENSIONS if has_numbers(c)],
            "units": {c: unit_of(c) for c in NUMERIC_COLUMNS},
            "slo_columns": [c for c in DURATION_COLUMNS if has_numbers(c)],
            "columns": columns.choices(),
            "statistics": statistics.choices(),
        }
