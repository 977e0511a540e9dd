"""Static plotly figures with LLMeter's plotting signatures, for one run.

`scatter_histogram_2d`, `boxplot_by_dimension` and `histogram_by_dimension` take the same
arguments and return the same types as `llmeter.plotting`, for a `Run` or an LLMeter
`Result` (anything with `run_name` and `get_dimension`), so an LLMeter notebook runs by
changing its imports. Unlike LLMeter they use the active plotly template, let `histnorm` be
overridden and say clearly when a dimension has no values. Views of several runs are the
widget's (js/views/), in the notebook and in the HTML report alike.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.express as px
import plotly.graph_objects as go

from .run import DURATION_COLUMNS, Run

__all__ = [
    "boxplot_by_dimension",
    "histogram_by_dimension",
    "scatter_histogram_2d",
]

#: Dimensions shown with SI-prefixed seconds on axes (20m → "20ms").
TIME_DIMENSIONS: frozenset[str] = frozenset(DURATION_COLUMNS) | {"request_start"}


# --- helpers shared by every figure ------------------------------------------------------


def plotly_text(text: str) -> str:
    """`text` escaped so that plotly.js shows it literally (it renders a subset of HTML tags)."""
    return html.escape(str(text), quote=False)


#: Axis labels of the canonical columns; other dimensions get LLMeter's capitalised name.
_LABELS: dict[str, str] = {
    "time_per_output_token": "Time per output token",
    "time_to_first_token": "Time to first token",
    "time_to_last_token": "End-to-end latency",
    "tpot_reported": "TPOT reported by the tool",
    "num_tokens_input": "Input tokens",
    "num_tokens_output": "Output tokens",
    "request_start": "Request start",
}


def dimension_label(dimension: str) -> str:
    """A human label for a dimension: `num_tokens_output` → "Output tokens"."""
    return _LABELS.get(dimension, dimension.replace("_", " ").capitalize())


def run_name(run: Any) -> str:
    """The run's name: `Run.name` or an LLMeter Result's `run_name` (else "run")."""
    if isinstance(run, Run):
        return run.name
    name = getattr(run, "run_name", None) or getattr(run, "name", None)
    return str(name) if name else "run"


def _to_float_array(values: Sequence[Any], name: str, dimension: str) -> np.ndarray:
    """float64 array from a list that may hold None; a clear error for non-numeric values."""
    try:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"run {name!r}: dimension {dimension!r} is not numeric; plot a number such as "
            "time_per_output_token, time_to_first_token or num_tokens_output"
        ) from None


def _get_dimension(run: Any, dimension: str) -> list[Any]:
    """`run.get_dimension(dimension)` with one clear error for an unknown dimension."""
    getter = getattr(run, "get_dimension", None)
    if getter is None:
        raise TypeError(
            f"expected a tpot_widget Run or an LLMeter Result, got {type(run).__name__}; "
            "load one with tpot_widget.load_run(path)"
        )
    try:
        return list(getter(dimension))
    except (AttributeError, KeyError) as exc:
        raise ValueError(f"run {run_name(run)!r} has no dimension {dimension!r} ({exc})") from None


def dimension_values(
    run: Any,
    dimension: str,
    filter_dimension: str | None = None,
    filter_value: Any = None,
) -> np.ndarray:
    """The values of `dimension` as float64, NaN where missing, like LLMeter's get_dimension.

    With `filter_dimension`, only rows whose `filter_dimension` equals `filter_value`
    (LLMeter's filter semantics; `filter_value=None` selects rows where it is missing).
    """
    name = run_name(run)
    if isinstance(run, Run) and dimension != "error":
        try:
            values = np.array(run[dimension], dtype=np.float64)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
    else:
        values = _to_float_array(_get_dimension(run, dimension), name, dimension)
    if filter_dimension is not None:
        keys = _get_dimension(run, filter_dimension)
        if len(keys) != len(values):
            raise ValueError(
                f"run {name!r}: {filter_dimension!r} has {len(keys)} values but "
                f"{dimension!r} has {len(values)}; cannot filter one by the other"
            )
        keep = np.array([k == filter_value for k in keys], dtype=bool)
        values = values[keep]
    return values


def _require_finite(values: np.ndarray, run: Any, dimension: str, what: str = "") -> np.ndarray:
    """The finite values; a ValueError naming the run and dimension when there are none."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        total = values.size
        detail = f"all {total} values are missing" if total else "it has no rows"
        raise ValueError(
            f"run {run_name(run)!r}: nothing to plot for {dimension!r}{what} ({detail}; "
            "errored requests and requests without this measurement have no value). "
            "Check the run's errors or pick another dimension."
        )
    return finite


def _format_axis(axis: dict[str, Any], dimension: str) -> None:
    """Seconds with SI prefixes on duration axes (0.02 → "20ms")."""
    if dimension in TIME_DIMENSIONS:
        axis.update(tickformat="~s", ticksuffix="s", hoverformat=".4~s")


# --- LLMeter-compatible single-run API ---------------------------------------------------


def scatter_histogram_2d(
    result: Any, x_dimension: str, y_dimension: str, n_bins_x: int, n_bins_y: int
) -> go.Figure:
    """Scatter of `y_dimension` against `x_dimension` with marginal histograms (LLMeter's).

    Rows missing either value are left out; the active plotly template is used.
    """
    x = dimension_values(result, x_dimension)
    y = dimension_values(result, y_dimension)
    _require_finite(x, result, x_dimension)
    _require_finite(y, result, y_dimension)
    keep = np.isfinite(x) & np.isfinite(y)
    if not keep.any():
        raise ValueError(
            f"run {run_name(result)!r}: no request has both {x_dimension!r} and "
            f"{y_dimension!r}; nothing to plot"
        )
    x, y = x[keep], y[keep]
    fig = px.scatter(
        x=x,
        y=y,
        marginal_x="histogram",
        marginal_y="histogram",
        range_x=_zero_based_range(x),
        range_y=_zero_based_range(y),
        labels={"x": dimension_label(x_dimension), "y": dimension_label(y_dimension)},
        title=plotly_text(run_name(result)),
        width=800,
        height=800,
    )
    for trace in fig.data:
        if trace.type == "histogram" and trace.x is not None:
            trace.nbinsx = int(n_bins_x)
            _format_axis(_layout_axis(fig, "xaxis", trace.xaxis), x_dimension)
        elif trace.type == "histogram":
            trace.nbinsy = int(n_bins_y)
            _format_axis(_layout_axis(fig, "yaxis", trace.yaxis), y_dimension)
        else:
            _format_axis(_layout_axis(fig, "xaxis", trace.xaxis), x_dimension)
            _format_axis(_layout_axis(fig, "yaxis", trace.yaxis), y_dimension)
    return fig


def _layout_axis(fig: go.Figure, kind: str, ref: str) -> Any:
    """The layout axis object a trace refers to ("x3" → layout.xaxis3)."""
    return fig.layout[kind + ref[1:]]


def _zero_based_range(values: np.ndarray) -> list[float]:
    """[0, max·1.1] for positive data (LLMeter's look), widened to include negatives."""
    low, high = float(values.min()), float(values.max())
    top = high * 1.1 if high > 0 else 1.0
    return [min(0.0, low * 1.1), top]


def boxplot_by_dimension(
    result: Any, dimension: str, name: str | None = None, **box_kwargs: Any
) -> go.Box:
    """A horizontal box of one run's `dimension` (LLMeter's), named after the run by default.

    `box_kwargs` go to `go.Box` and override the defaults (e.g. `boxpoints=False`).
    """
    values = _require_finite(dimension_values(result, dimension), result, dimension)
    trace_kwargs: dict[str, Any] = {
        "x": values,
        "name": name or plotly_text(run_name(result)),
    }
    trace_kwargs.update(box_kwargs)
    return go.Box(**trace_kwargs)


def histogram_by_dimension(
    result: Any,
    dimension: str,
    filter_dimension: str | None = None,
    filter_value: Any = None,
    **histogram_kwargs: Any,
) -> go.Histogram:
    """A histogram of one run's `dimension` (LLMeter's), as probabilities by default.

    Pass `histnorm=None` (or "", "percent", ...) to override; `filter_dimension` and
    `filter_value` keep the rows where that dimension equals that value.
    """
    values = dimension_values(result, dimension, filter_dimension, filter_value)
    what = f" where {filter_dimension} == {filter_value!r}" if filter_dimension else ""
    values = _require_finite(values, result, dimension, what)
    trace_kwargs: dict[str, Any] = {
        "x": values,
        "name": plotly_text(run_name(result)),
        "histnorm": "probability",
    }
    trace_kwargs.update(histogram_kwargs)
    if trace_kwargs["name"] is None:
        trace_kwargs["name"] = plotly_text(run_name(result))
    return go.Histogram(**trace_kwargs)
