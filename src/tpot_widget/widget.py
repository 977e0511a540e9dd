"""`TPOTCompare`: the notebook widget (anywidget) linking a scatter brush to live bootstrap CIs.

Thin by design: it holds the synced state, answers the browser's column requests with binary
buffers (`_transport`), and recomputes `stats` with a cached `Comparer` whenever the token
range, dimension, statistic or confidence level changes. The front end lives in js/.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import anywidget
import numpy as np
import traitlets

from . import _transport
from .comparison import Comparer, Comparison
from .loaders import load_run
from .run import COLUMNS, DURATION_COLUMNS, NUMERIC_COLUMNS, TOKEN_COLUMNS, Run

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

_STATIC = Path(__file__).parent / "static"
#: One colour per run (baseline first); readable on light and dark backgrounds.
PALETTE: tuple[str, ...] = (
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#B279A2",
    "#72B7B2",
    "#EECA3B",
    "#9D755D",
)
#: Choices offered for `x_dimension` (when a run has numbers in them).
X_DIMENSIONS: tuple[str, ...] = (*TOKEN_COLUMNS, "request_start")
#: Choices offered for `dimension` (TPOT first: it is what the widget is about).
DIMENSIONS: tuple[str, ...] = (
    "time_per_output_token",
    *(c for c in DURATION_COLUMNS if c != "time_per_output_token"),
    *TOKEN_COLUMNS,
)
_STATISTIC = re.compile(r"^(median|mean|p(\d{1,2}(\.\d+)?))$")
_MIN_RUNS, _MAX_RUNS = 2, 8
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


def _unit(column: str) -> str:
    """The unit the front end formats a column in: "s" (shown as ms), "tokens" or "s-offset"."""
    if column in DURATION_COLUMNS:
        return "s"
    if column in TOKEN_COLUMNS:
        return "tokens"
    return "s-offset"


def _normalize_range(value: Any) -> tuple[float | None, float | None] | None:
    """None or a (lo, hi) pair of finite floats/None with lo <= hi; ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"token_range must be None or a (lo, hi) pair, got {value!r}")
    bounds: list[float | int | None] = []
    for bound in value:
        if bound is None:
            bounds.append(None)
            continue
        number = float(bound)
        if math.isnan(number):
            raise ValueError(f"token_range bounds must be numbers or None, got {value!r}")
        if not math.isfinite(number):
            bounds.append(None)  # ±inf = open on that side
        else:
            bounds.append(int(number) if number.is_integer() else number)
    lo, hi = bounds
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"token_range=({lo}, {hi}): the lower bound is above the upper bound")
    if lo is None and hi is None:
        return None
    return (lo, hi)


class TPOTCompare(anywidget.AnyWidget):
    """Compare 2..8 benchmark runs (the first is the baseline) with linked, brushable views.

    `token_range` is the source of truth for the selection (set it from Python or brush the
    scatter); `stats` is always `compare(...).to_dict()` for the current state.
    """

    _esm = _STATIC / "widget.js"

    #: The compared column (y axis, box plots, histograms, statistics); a Run column name.
    dimension = traitlets.Unicode("time_per_output_token").tag(sync=True)
    #: The brushed column (scatter x axis); `token_range` bounds apply to it.
    x_dimension = traitlets.Unicode("num_tokens_output").tag(sync=True)
    #: "median", "mean" or a quantile such as "p90"; what the panel estimates.
    statistic = traitlets.Unicode("median").tag(sync=True)
    #: Confidence level of every bootstrap CI, in (0, 1).
    confidence_level = traitlets.Float(0.95).tag(sync=True)
    #: Log scale for `dimension` in the box plots and histograms.
    log_axis = traitlets.Bool(True).tag(sync=True)
    #: (lo, hi) on `x_dimension`, inclusive, either bound None = open; None = every row.
    #: The source of truth for the selection: brushing sets it, setting it moves the brush.
    token_range = traitlets.Any(None, allow_none=True).tag(sync=True)
    #: `compare(...).to_dict()` for the current state; recomputed on every change. Read it,
    #: observe it (`w.observe(cb, "stats")`), don't assign it.
    stats = traitlets.Dict().tag(sync=True)
    #: Per run, baseline first: name, colour, request and error counts (for the header).
    runs_meta = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: {"dimensions": [...], "x_dimensions": [...], "units": {column: unit}} for the controls.
    choices = traitlets.Dict().tag(sync=True)
    #: Text of the last failed recompute ("" when fine); the panel shows it as text.
    error_message = traitlets.Unicode("").tag(sync=True)
    #: Above this many points per run the scatter becomes a 2-D histogram (density view).
    density_threshold = traitlets.Int(200_000).tag(sync=True)
    # Brushing handshake: the browser bumps _request_seq with every change it makes; the
    # kernel answers by setting _stats_seq (with the new stats, in the same message).
    _request_seq = traitlets.Int(0).tag(sync=True)
    _stats_seq = traitlets.Int(0).tag(sync=True)

    def __init__(
        self,
        *runs: Any,
        dimension: str = "time_per_output_token",
        x_dimension: str = "num_tokens_output",
        statistic: str = "median",
        confidence_level: float = 0.95,
        token_range: tuple[float | None, float | None] | None = None,
        log_axis: bool = True,
        **kwargs: Any,
    ) -> None:
        if len(runs) == 1 and isinstance(runs[0], (list, tuple)):
            runs = tuple(runs[0])
        if not _MIN_RUNS <= len(runs) <= _MAX_RUNS:
            raise ValueError(
                f"TPOTCompare needs {_MIN_RUNS} to {_MAX_RUNS} runs (the first is the "
                f"baseline), got {len(runs)}"
            )
        self._runs: tuple[Run, ...] = tuple(r if isinstance(r, Run) else load_run(r) for r in runs)
        self._comparers: dict[tuple[str, str], Comparer] = {}
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
            log_axis=log_axis,
            runs_meta=[self._meta(i, run) for i, run in enumerate(self._runs)],
            choices=self._choices(),
            **kwargs,
        )
        self.on_msg(self._on_custom_msg)
        self._ready = True
        self._recompute()

    # --- public API ------------------------------------------------------------------------

    @property
    def runs(self) -> tuple[Run, ...]:
        """The compared runs, baseline first."""
        return self._runs

    @property
    def comparison(self) -> Comparison:
        """The `Comparison` behind `stats` (current runs, dimension, statistic, range)."""
        if self._comparison is None:
            self._recompute()
        assert self._comparison is not None
        return self._comparison

    def selection_mask(self, run_index: int) -> np.ndarray:
        """Boolean mask over run `run_index`'s rows inside `token_range` (errors included)."""
        return self._comparer().selection_mask(run_index, self.token_range)

    def selection_df(
        self, backend: Literal["pandas", "polars"] = "pandas"
    ) -> pd.DataFrame | pl.DataFrame:
        """The selected rows of every run as one DataFrame: a `run` column + every Run column.

        Failed requests whose x value is in range are included (their `error` says why);
        `backend="polars"` needs polars installed.
        """
        if backend == "pandas":
            import pandas as pd

            frames = []
            for i, run in enumerate(self._runs):
                frame = run.to_pandas()[self.selection_mask(i)]
                frame.insert(0, "run", run.name)
                frames.append(frame)
            out = pd.concat(frames, ignore_index=True)
            out["run"] = pd.Categorical(out["run"], categories=list(dict.fromkeys(self._names())))
            return out
        if backend == "polars":
            try:
                import polars as pl
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ImportError(
                    "selection_df(backend='polars') needs polars: pip install 'tpot_widget[polars]'"
                ) from exc
            parts = [
                run.to_polars()
                .filter(pl.Series(self.selection_mask(i)))
                .with_columns(pl.lit(run.name, dtype=pl.Utf8).alias("run"))
                .select(["run", *COLUMNS])
                for i, run in enumerate(self._runs)
            ]
            return pl.concat(parts)
        raise ValueError(f"backend must be 'pandas' or 'polars', got {backend!r}")

    def reset_selection(self) -> None:
        """Select every row again (the same as the "reset selection" button)."""
        self.token_range = None

    def to_html(self, path: str | Path) -> Path:
        """Write a self-contained offline HTML report of this comparison to `path`."""
        from .report import write_html

        return write_html(
            self._runs,
            path,
            token_range=self.token_range,
            dimension=self.dimension,
            x_dimension=self.x_dimension,
            statistic=self.statistic,
            confidence_level=self.confidence_level,
            log_axis=self.log_axis,
            comparison=self.comparison,
        )

    # --- validation --------------------------------------------------------------------------

    @traitlets.validate("token_range")
    def _valid_range(self, proposal: dict[str, Any]) -> tuple[float | None, float | None] | None:
        return _normalize_range(proposal["value"])

    @traitlets.validate("dimension", "x_dimension")
    def _valid_column(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"]
        if value not in NUMERIC_COLUMNS:
            raise traitlets.TraitError(
                f"{proposal['trait'].name}={value!r} is not a numeric Run column; choose one "
                f"of {list(NUMERIC_COLUMNS)}"
            )
        return value

    @traitlets.validate("statistic")
    def _valid_statistic(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        if not _STATISTIC.match(value):
            raise traitlets.TraitError(
                f"statistic={value!r} is not supported; use 'median', 'mean' or a "
                "percentile such as 'p90' or 'p99'"
            )
        return value

    @traitlets.validate("confidence_level")
    def _valid_confidence(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        if not 0.5 <= value < 1:
            raise traitlets.TraitError(f"confidence_level={value} must be in [0.5, 1), e.g. 0.95")
        return value

    # --- recomputation -----------------------------------------------------------------------

    @traitlets.observe(
        "token_range", "dimension", "x_dimension", "statistic", "confidence_level", "_request_seq"
    )
    def _on_state_change(self, change: dict[str, Any]) -> None:
        if self._ready:
            self._recompute()

    def _comparer(self) -> Comparer:
        key = (self.dimension, self.x_dimension)
        comparer = self._comparers.get(key)
        if comparer is None:
            comparer = Comparer(self._runs, dimension=self.dimension, x_dimension=self.x_dimension)
            self._comparers[key] = comparer
        return comparer

    def _recompute(self) -> None:
        """Bring `stats` up to date (once per distinct state) and answer the browser's request."""
        key = (
            self.dimension,
            self.x_dimension,
            self.statistic,
            self.confidence_level,
            self.token_range,
        )
        with self.hold_sync():
            if key != self._computed_key:
                try:
                    comparison = self._comparer().compare(
                        token_range=self.token_range,
                        statistic=self.statistic,
                        confidence_level=self.confidence_level,
                    )
                except Exception as exc:
                    self._computed_key = None
                    self.error_message = f"{type(exc).__name__}: {exc}"
                    self._stats_seq = self._request_seq
                    raise
                self._comparison = comparison
                self._computed_key = key
                self.stats = comparison.to_dict()
                self.error_message = ""
            self._stats_seq = self._request_seq

    # --- browser messages --------------------------------------------------------------------

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: list[Any]) -> None:
        """Answer {"type": "columns", "keys": [...]} with the columns as binary buffers."""
        if not isinstance(content, dict) or content.get("type") != "columns":
            return
        keys = [k for k in content.get("keys", []) if isinstance(k, str)]
        message, buffers = _transport.columns_message(self._runs, keys)
        self.send(message, buffers)

    # --- metadata ----------------------------------------------------------------------------

    def _names(self) -> list[str]:
        return [run.name for run in self._runs]

    def _meta(self, index: int, run: Run) -> dict[str, Any]:
        errors = Counter(e for e in run.columns["error"] if e is not None)
        return {
            "name": run.name,
            "color": PALETTE[index % len(PALETTE)],
            "n_requests": len(run),
            "n_errors": run.n_errors,
            "top_errors": [[text, count] for text, count in errors.most_common(5)],
            "synthetic": bool(run.metadata.get("synthetic", False)),
        }

    def _choices(self) -> dict[str, Any]:
        def has_numbers(column: str) -> bool:
            return any(np.isfinite(run[column]).any() for run in self._runs)

        return {
            "dimensions": [c for c in DIMENSIONS if has_numbers(c)],
            "x_dimensions": [c for c in X_DIMENSIONS if has_numbers(c)],
            "units": {c: _unit(c) for c in NUMERIC_COLUMNS},
        }
