"""Static plotly figures: LLMeter's plotting signatures for one run, and multi-run views.

`scatter_histogram_2d`, `boxplot_by_dimension` and `histogram_by_dimension` take the same
arguments and return the same types as `llmeter.plotting`, for a `Run` or an LLMeter
`Result` (anything with `run_name` and `get_dimension`), so an LLMeter notebook runs by
changing its imports. Unlike LLMeter they use the active plotly template, let `histnorm` be
overridden and say clearly when a dimension has no values. `scatter_histogram_2d_runs`,
`compare_figure`, `time_figure`, `ecdf_figure` and `shift_figure` draw several runs on shared
axes in the widget's colours (`display.PALETTE`); the HTML report is made of them. They name
runs by their short labels (`display.short_labels`: the part of the names that tells the
runs apart) in legends and on the box plots' axis, by their full names on hover and in each
trace's ``meta["run"]``, and draw SLO objectives as dashed lines. The single-run functions
keep LLMeter's behaviour and name a run in full.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from .display import PALETTE, format_count, format_value, short_column_label, short_labels
from .run import DURATION_COLUMNS, Run
from .stats import rolling_quantiles
from .stats.warmup import _nice_window

__all__ = [
    "NothingToPlot",
    "boxplot_by_dimension",
    "compare_figure",
    "ecdf_figure",
    "histogram_by_dimension",
    "scatter_histogram_2d",
    "scatter_histogram_2d_runs",
    "shift_figure",
    "time_figure",
]

#: Dimensions shown with SI-prefixed seconds on axes (20m → "20ms").
TIME_DIMENSIONS: frozenset[str] = frozenset(DURATION_COLUMNS) | {"request_start"}

_UNSET: Any = object()

#: The time view's x-axis title (the widget's, js/views/time.ts).
TIME_AXIS_TITLE = "request start time (s since the run's first request)"
#: The ECDF view's y-axis title (the widget's, js/views/ecdf.ts).
ECDF_Y_TITLE = "cumulative share of requests"
#: The shift-function view's axis titles.
SHIFT_X_TITLE = "quantile of the baseline"
SHIFT_Y_TITLE = "difference (run \u2212 baseline)"
#: Above this many points per run the scatter and the time view draw an evenly spread,
#: seeded sample of them (the scatter's marginal histograms and the time view's rolling
#: lines always use every request), so a report of big runs stays small.
MAX_POINTS = 20_000
#: Points per ECDF curve: exact at each, a few hundred whatever the run size.
ECDF_POINTS = 240
#: Neutral ink of reference lines (SLO thresholds, the zero line): not a run colour.
_REFERENCE_INK = "#59636e"


class NothingToPlot(ValueError):
    """A multi-run view has no value to draw (e.g. an empty selection): say so, not crash."""


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


def _value_hover(dimension: str) -> str:
    """A hovertemplate fragment for one value of `dimension`."""
    return "%{x:.4~s}s" if dimension in TIME_DIMENSIONS else "%{x}"


def colorway(template: Any = None) -> list[str]:
    """The colour sequence of `template` (default: the active plotly template)."""
    if template is None:
        template = pio.templates.default
    if isinstance(template, str):
        # "plotly_white+presentation" style names: the first part with a colorway wins.
        for part in template.split("+"):
            colors = pio.templates[part].layout.colorway
            if colors:
                return list(colors)
    elif template is not None:
        colors = go.layout.Template(template).layout.colorway
        if colors:
            return list(colors)
    return list(px.colors.qualitative.Plotly)


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


# --- multi-run views ---------------------------------------------------------------------


def as_runs(runs: Any) -> list[Run]:
    """A list of `Run`s from Runs, LLMeter Results, paths or DataFrames (via load_runs)."""
    from .loaders import load_runs

    if isinstance(runs, Run) or not isinstance(runs, (list, tuple)):
        runs = [runs]
    out: list[Run] = []
    for item in runs:
        out.extend([item] if isinstance(item, Run) else load_runs(item))
    if not out:
        raise ValueError("no runs given; pass at least one Run, LLMeter Result or path")
    return out


def _in_range(values: np.ndarray, rng: tuple[float | None, float | None] | None) -> np.ndarray:
    """lo <= values <= hi (inclusive, None = open end); every row when `rng` is None."""
    mask = np.ones(len(values), dtype=bool)
    if rng is not None:
        lo, hi = rng
        with np.errstate(invalid="ignore"):
            if lo is not None:
                mask &= values >= lo
            if hi is not None:
                mask &= values <= hi
    return mask


def selection_mask(
    run: Run,
    dimension: str,
    x_dimension: str,
    token_range: tuple[float | None, float | None] | None,
    time_range: tuple[float | None, float | None] | None = None,
) -> np.ndarray:
    """Rows the statistics use: no error, `dimension` present, x in `token_range` and
    request_start in `time_range` (inclusive; a None range keeps every row)."""
    mask = run.valid(dimension)
    if token_range is not None:
        mask &= _in_range(run[x_dimension], token_range)
    if time_range is not None:
        mask &= _in_range(run["request_start"], time_range)
    return mask


def _shared_bins(arrays: Sequence[np.ndarray], n_bins: int) -> dict[str, float] | None:
    """Plotly `xbins` covering every array with ~n_bins equal bins (so overlays align)."""
    pooled = [a for a in arrays if a.size]
    if not pooled:
        return None
    low = min(float(a.min()) for a in pooled)
    high = max(float(a.max()) for a in pooled)
    if not high > low:
        return None
    size = (high - low) / max(int(n_bins), 1)
    return {"start": low, "end": high + size * 1e-6, "size": size}


def scatter_histogram_2d_runs(
    runs: Sequence[Any],
    x_dimension: str = "num_tokens_output",
    y_dimension: str = "time_per_output_token",
    n_bins_x: int = 40,
    n_bins_y: int = 40,
    *,
    token_range: tuple[float | None, float | None] | None = None,
    time_range: tuple[float | None, float | None] | None = None,
    slo: Mapping[str, float] | None = None,
    max_points: int = MAX_POINTS,
    template: Any = None,
    height: int = 620,
) -> go.Figure:
    """Every run's requests as points of (x, y), with overlaid marginal histograms.

    Errored requests and rows missing either value are left out, and so are requests
    outside `time_range` (as in the widget); `token_range` is shaded. Marginals are
    probabilities on shared bins, so runs of different sizes compare; they are counted here
    over every request, so they stay exact when a big run's points are thinned. `slo`
    objectives (column → seconds) on either axis are drawn as dashed lines.

    Parameters
    ----------
    runs
        Runs, LLMeter Results or paths (the first is the baseline).
    x_dimension, y_dimension
        The columns on the x and y axes.
    n_bins_x, n_bins_y
        About how many bins each marginal histogram has (shared by every run).
    token_range
        (lo, hi) on `x_dimension`, inclusive, None = open end: shaded.
    time_range
        (lo, hi) on request_start: requests outside it are left out.
    slo
        Objectives, column → seconds.
    max_points
        Above this many points a run draws an evenly spread, seeded sample of them (the
        marginals still count every request); a note in the figure says so.
    template, height
        The plotly template (default: the active one) and the figure's height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Per run four traces, named by the run's short label (`display.short_labels`), with
        ``meta = {"run": full name, "role": "legend" | "points" | "x_marginal" |
        "y_marginal"}`` (points also carry ``"drawn"`` and ``"total"``); the full name is
        in every hover label.
    """
    run_list = as_runs(list(runs))
    labels = short_labels([r.name for r in run_list])
    colors = list(PALETTE)  # the widget's colours: a run looks the same everywhere
    fig = go.Figure()
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for run in run_list:
        keep = ~run.errors & np.isfinite(run[x_dimension]) & np.isfinite(run[y_dimension])
        if time_range is not None:
            keep &= _in_range(run["request_start"], time_range)
        xs.append(run[x_dimension][keep].astype(np.float32))
        ys.append(run[y_dimension][keep].astype(np.float32))
    if not any(x.size for x in xs):
        where = "" if time_range is None else f" with request_start in {list(time_range)}"
        raise NothingToPlot(
            f"no run has a request with both {x_dimension!r} and {y_dimension!r}{where}; "
            "nothing to plot"
        )
    x_edges = _bin_edges(xs, n_bins_x)
    y_edges = _bin_edges(ys, n_bins_y)
    x_hover = "%{x:.4~s}s" if x_dimension in TIME_DIMENSIONS else "%{x}"
    y_hover = "%{y:.4~s}s" if y_dimension in TIME_DIMENSIONS else "%{y}"
    notes: list[str] = []
    for i, (run, x, y) in enumerate(zip(run_list, xs, ys, strict=True)):
        color = colors[i % len(colors)]
        label, full = plotly_text(labels[i]), plotly_text(run.name)
        group = f"run{i}"
        # The legend entry: an empty trace with an opaque marker (dense runs' points are faint).
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=label,
                legendgroup=group,
                marker={"color": color, "size": 9},
                hoverinfo="skip",
                meta={"run": run.name, "role": "legend"},
            )
        )
        keep = _thin(x.size, max_points)
        xp, yp = (x, y) if keep is None else (x[keep], y[keep])
        if keep is not None:
            notes.append(
                f"showing {format_count(xp.size)} of {format_count(x.size)} requests of "
                f"{labels[i]} (an evenly spread sample; the histograms count every request)"
            )
        fig.add_trace(
            go.Scattergl(
                x=xp,
                y=yp,
                mode="markers",
                name=label,
                legendgroup=group,
                showlegend=False,
                marker={"color": color, **_marker_density(xp.size)},
                meta={
                    "run": run.name,
                    "role": "points",
                    "drawn": int(xp.size),
                    "total": int(x.size),
                },
                hovertemplate=(
                    f"{dimension_label(x_dimension)}: {x_hover}<br>"
                    f"{dimension_label(y_dimension)}: {y_hover}<extra>{full}</extra>"
                ),
            )
        )
        common = {
            "name": label,
            "legendgroup": group,
            "showlegend": False,
            "marker": {"color": color, "line": {"width": 0}},
            "opacity": 0.5,
        }
        centers, widths, shares, bins = _marginal(x, x_edges)
        fig.add_trace(  # top marginal: x values, bars up
            go.Bar(
                x=centers,
                y=shares,
                width=widths,
                customdata=bins,
                xaxis="x2",
                yaxis="y2",
                meta={"run": run.name, "role": "x_marginal", "n": int(x.size)},
                hovertemplate=(f"{_bin_hover(x_dimension)}: %{{y:.1%}}<extra>{full}</extra>"),
                **common,
            )
        )
        centers, widths, shares, bins = _marginal(y, y_edges)
        fig.add_trace(  # right marginal: y values, bars sideways
            go.Bar(
                y=centers,
                x=shares,
                width=widths,
                customdata=bins,
                orientation="h",
                xaxis="x3",
                yaxis="y3",
                meta={"run": run.name, "role": "y_marginal", "n": int(y.size)},
                hovertemplate=(f"{_bin_hover(y_dimension)}: %{{x:.1%}}<extra>{full}</extra>"),
                **common,
            )
        )
    xaxis: dict[str, Any] = {"domain": [0.0, 0.8], "anchor": "y", "zeroline": False}
    yaxis: dict[str, Any] = {"domain": [0.0, 0.78], "anchor": "x", "zeroline": False}
    xaxis["title"] = {"text": dimension_label(x_dimension)}
    yaxis["title"] = {"text": dimension_label(y_dimension)}
    _format_axis(xaxis, x_dimension)
    _format_axis(yaxis, y_dimension)
    fig.update_layout(
        xaxis=xaxis,
        yaxis=yaxis,
        xaxis2={"domain": [0.0, 0.8], "anchor": "y2", "matches": "x", "showticklabels": False},
        yaxis2={"domain": [0.81, 1.0], "anchor": "x2", "tickformat": ".0%"},
        xaxis3={"domain": [0.82, 1.0], "anchor": "y3", "tickformat": ".0%"},
        yaxis3={"domain": [0.0, 0.78], "anchor": "x3", "matches": "y", "showticklabels": False},
        barmode="overlay",
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        legend={"orientation": "h", "y": 1.08, "x": 0.0, "yanchor": "bottom"},
        dragmode="zoom",
    )
    if template is not None:
        fig.update_layout(template=template)
    if token_range is not None:
        _shade_range(fig, token_range, xs)
    _add_slo_lines(fig, slo, x_dimension, "x")
    _add_slo_lines(fig, slo, y_dimension, "y")
    _note(fig, notes, top=0.77)
    return fig


def _bin_edges(arrays: Sequence[np.ndarray], n_bins: int) -> np.ndarray:
    """Bin edges shared by every array: ~n_bins equal bins over the pooled range (one bin
    around the value when every value is the same)."""
    pooled = [a for a in arrays if a.size]
    low = min(float(a.min()) for a in pooled)
    high = max(float(a.max()) for a in pooled)
    if not high > low:
        half = abs(low) * 0.05 or 0.5
        return np.array([low - half, low + half])
    return np.linspace(low, high, max(int(n_bins), 1) + 1)


def _marginal(
    values: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A marginal histogram of every value: bar centres, widths, shares of `values` in each
    bin (the last bin includes its upper edge) and each bin's [lo, hi]."""
    counts, _ = np.histogram(values.astype(np.float64), bins=edges)
    shares = counts / values.size if values.size else counts.astype(np.float64)
    return (
        (edges[:-1] + edges[1:]) / 2,
        np.diff(edges),
        shares,
        np.column_stack([edges[:-1], edges[1:]]),
    )


def _bin_hover(dimension: str) -> str:
    """A hovertemplate fragment for a bin [lo, hi] held in customdata."""
    if dimension in TIME_DIMENSIONS:
        return "%{customdata[0]:.4~s}s – %{customdata[1]:.4~s}s"
    return "%{customdata[0]:.4~g} – %{customdata[1]:.4~g}"


def _marker_density(n_points: int) -> dict[str, float]:
    """Smaller, fainter markers as a run has more points, so dense runs do not hide others."""
    opacity = min(0.6, max(0.08, 0.6 * math.sqrt(2000 / max(n_points, 1))))
    return {"size": 4 if n_points <= 20_000 else 3, "opacity": round(opacity, 3)}


def _shade_range(
    fig: go.Figure,
    token_range: tuple[float | None, float | None],
    xs: Sequence[np.ndarray],
) -> None:
    """Shade the selected x range on the scatter (open ends reach the data's extent)."""
    lo, hi = token_range
    pooled = [x for x in xs if x.size]
    data_lo = min(float(x.min()) for x in pooled)
    data_hi = max(float(x.max()) for x in pooled)
    # An open end reaches the data's extent, but never past the other end (a range beyond
    # the data is drawn where it is, not stretched back over the data).
    x0 = min(data_lo, float(hi)) if lo is None and hi is not None else data_lo
    x1 = max(data_hi, float(lo)) if hi is None and lo is not None else data_hi
    x0 = x0 if lo is None else float(lo)
    x1 = x1 if hi is None else float(hi)
    fig.add_shape(
        type="rect",
        xref="x",
        yref="y domain",
        x0=x0,
        x1=x1,
        y0=0,
        y1=1,
        fillcolor="rgba(99, 110, 250, 0.10)",
        line={"width": 1, "color": "rgba(99, 110, 250, 0.6)", "dash": "dot"},
        layer="below",
    )


def _comparison_runs(comparison: Any) -> list[Mapping[str, Any]]:
    """Per-run rows of a Comparison or of its to_dict()."""
    data = comparison if isinstance(comparison, Mapping) else comparison.to_dict()
    return list(data["runs"])


def compare_figure(
    runs: Sequence[Any],
    dimension: str = "time_per_output_token",
    x_dimension: str = "num_tokens_output",
    *,
    token_range: tuple[float | None, float | None] | None = None,
    time_range: tuple[float | None, float | None] | None = None,
    log_axis: bool = True,
    histnorm: str | None = "probability",
    bin_size: float | None = None,
    n_bins: int = 60,
    comparison: Any = None,
    slo: Mapping[str, float] | None = None,
    template: Any = None,
    height: int = 560,
) -> go.Figure:
    """Box plots (top) and overlaid histograms (bottom) of `dimension` for several runs.

    Only the rows the statistics use are drawn: no error, value present, x_dimension in
    `token_range` and request_start in `time_range`. With `comparison` (a Comparison or its
    dict), each run's estimate is marked on its box with its confidence interval; an `slo`
    objective on `dimension` is a dashed line on both panels. Boxes and legend entries are
    named by the runs' short labels (the full name on hover and in ``meta["run"]``). Raises
    `NothingToPlot` (a ValueError) when no run has a row in the selection.
    """
    run_list = as_runs(list(runs))
    colors = list(PALETTE)  # the widget's colours: a run looks the same everywhere
    values = [
        run[dimension][selection_mask(run, dimension, x_dimension, token_range, time_range)].astype(
            np.float32
        )
        for run in run_list
    ]
    if not any(v.size for v in values):
        raise NothingToPlot(
            f"no run has a value of {dimension!r}"
            f"{_selection_words(x_dimension, token_range, time_range)}; nothing to plot"
        )
    labels = short_labels([r.name for r in run_list])
    fig = make_subplots(rows=2, cols=1, row_heights=[0.42, 0.58], vertical_spacing=0.12)
    hover = _value_hover(dimension)
    for i, (run, v) in enumerate(zip(run_list, values, strict=True)):
        color = colors[i % len(colors)]
        fig.add_trace(
            go.Box(
                x=v,
                name=plotly_text(labels[i]),
                meta={"run": run.name, "role": "box"},
                legendgroup=f"run{i}",
                marker={"color": color, "size": 3},
                boxpoints="outliers",
                orientation="h",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
    if comparison is not None:
        _add_estimates(fig, comparison, run_list, labels)
    xbins = (
        {"start": min(float(v.min()) for v in values if v.size), "size": float(bin_size)}
        if bin_size
        else _shared_bins(values, n_bins)
    )
    for i, (run, v) in enumerate(zip(run_list, values, strict=True)):
        color = colors[i % len(colors)]
        fig.add_trace(
            go.Histogram(
                x=v,
                name=plotly_text(labels[i]),
                meta={"run": run.name, "role": "histogram"},
                legendgroup=f"run{i}",
                marker={"color": color},
                opacity=0.55,
                histnorm=histnorm,
                xbins=xbins,
                autobinx=xbins is None,
                hovertemplate=(f"{hover}<br>%{{y:.3g}}<extra>{plotly_text(run.name)}</extra>"),
            ),
            row=2,
            col=1,
        )
    label = dimension_label(dimension)
    box_axis: dict[str, Any] = {"title": {"text": label + (" (log)" if log_axis else "")}}
    if log_axis:
        box_axis["type"] = "log"
    _format_axis(box_axis, dimension)
    hist_axis: dict[str, Any] = {"title": {"text": label}}
    _format_axis(hist_axis, dimension)
    pooled = np.concatenate([v for v in values if v.size]).astype(np.float64)
    low, high = np.quantile(pooled, [0.002, 0.998])
    if high > low:
        pad = 0.03 * (high - low)
        hist_axis["range"] = [float(low - pad), float(high + pad)]
    fig.update_xaxes(box_axis, row=1, col=1)
    fig.update_xaxes(hist_axis, row=2, col=1)
    fig.update_yaxes({"autorange": "reversed", "automargin": True}, row=1, col=1)
    norm_title = {"probability": "Fraction of requests", "percent": "% of requests"}
    fig.update_yaxes(
        {"title": {"text": norm_title.get(histnorm or "", histnorm or "Requests")}},
        row=2,
        col=1,
    )
    fig.update_layout(
        barmode="overlay",
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "y": 1.04, "x": 0.0, "yanchor": "bottom"},
        dragmode="zoom",
    )
    if template is not None:
        fig.update_layout(template=template)
    _add_slo_lines(fig, slo, dimension, "x", refs=("x", "x2"))
    return fig


def _add_estimates(
    fig: go.Figure, comparison: Any, runs: Sequence[Run], labels: Sequence[str]
) -> None:
    """Mark each run's estimate and confidence interval on its box (at the box's label; the
    full name on hover)."""
    data = comparison if isinstance(comparison, Mapping) else comparison.to_dict()
    rows = _comparison_runs(data)
    level = data.get("confidence_level")
    stat = data.get("statistic", "estimate")
    ci = f"{level:.0%} CI" if isinstance(level, (int, float)) else "CI"
    xs, ys, full, plus, minus = [], [], [], [], []
    for run, label, row in zip(runs, labels, rows, strict=False):
        est, lo, hi = row.get("estimate"), row.get("ci_low"), row.get("ci_high")
        if est is None or lo is None or hi is None or not math.isfinite(est):
            continue
        xs.append(est)
        ys.append(plotly_text(label))
        full.append(plotly_text(run.name))
        plus.append(hi - est)
        minus.append(est - lo)
    if not xs:
        return
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            name=f"{stat} ± {ci}",
            marker={"symbol": "diamond", "size": 9, "color": "black"},
            error_x={"type": "data", "array": plus, "arrayminus": minus, "thickness": 2},
            customdata=full,
            hovertemplate=f"{stat}: %{{x:.4~s}}<extra>%{{customdata}}</extra>",
        ),
        row=1,
        col=1,
    )


# --- time, ECDF and shift-function views -----------------------------------------------

Range = tuple[float | None, float | None]


def _selection_words(x_dimension: str, token_range: Range | None, time_range: Range | None) -> str:
    """ " with num_tokens_output in [100, 400] and request_start in [30, None]" (or "")."""
    parts = []
    if token_range is not None:
        parts.append(f"{x_dimension} in {list(token_range)}")
    if time_range is not None:
        parts.append(f"request_start in {list(time_range)}")
    return " with " + " and ".join(parts) if parts else ""


def _add_slo_lines(
    fig: go.Figure,
    slo: Mapping[str, float] | None,
    column: str,
    axis: str,
    refs: Sequence[str] | None = None,
    scale: float = 1.0,
) -> None:
    """A dashed line at `slo[column]` (seconds × `scale`) across each subplot of `refs`.

    `axis` "x" draws a vertical line on x axes showing `column`, "y" a horizontal one; the
    first line is labelled "SLO: TPOT ≤ 50.0 ms". Nothing when `column` has no objective.
    """
    if not slo or column not in slo or slo[column] is None:
        return
    value = float(slo[column]) * scale
    text = f"SLO: {short_column_label(column)} ≤ {format_value(float(slo[column]), 's')}"
    for k, ref in enumerate(refs or (axis,)):
        other = ("y" if axis == "x" else "x") + ref[1:] + " domain"
        line = {"color": _REFERENCE_INK, "width": 1.3, "dash": "dash"}
        label: dict[str, Any] = {
            "text": plotly_text(text) if k == 0 else "",
            "font": {"size": 11, "color": _REFERENCE_INK},
            "textposition": "end",
            "textangle": 0,
        }
        if axis == "x":
            label.update(xanchor="left", yanchor="top")
            shape = {"xref": ref, "yref": other, "x0": value, "x1": value, "y0": 0, "y1": 1}
        else:
            label.update(xanchor="right", yanchor="bottom")
            shape = {"yref": ref, "xref": other, "y0": value, "y1": value, "x0": 0, "x1": 1}
        fig.add_shape(type="line", line=line, label=label, name="slo", **shape)


def _note(fig: go.Figure, texts: Sequence[str], top: float = 0.99) -> None:
    """Text notes (e.g. "b: no request start times") stacked in the plot's top-left corner
    (the first at paper height `top`)."""
    for k, text in enumerate(texts):
        fig.add_annotation(
            text=plotly_text(text),
            xref="paper",
            yref="paper",
            x=0.01,
            y=top - 0.07 * k,
            xanchor="left",
            yanchor="top",
            showarrow=False,
            align="left",
            bgcolor="rgba(255, 255, 255, 0.85)",
            font={"size": 12, "color": _REFERENCE_INK},
            name="note",
        )


def _finish(fig: go.Figure, template: Any, height: int) -> go.Figure:
    """The layout every newer view shares: height, margins, legend on top, template."""
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        legend={"orientation": "h", "y": 1.02, "x": 0.0, "yanchor": "bottom"},
        hovermode="closest",
        dragmode="zoom",
    )
    if template is not None:
        fig.update_layout(template=template)
    return fig


def _hover_value(dimension: str, axis: str) -> str:
    """A hovertemplate fragment for the value of `dimension` on `axis` ("x" or "y")."""
    return f"%{{{axis}:.4~s}}s" if dimension in TIME_DIMENSIONS else f"%{{{axis}}}"


def _with_alpha(color: str, alpha: float) -> str:
    """A "#RRGGBB" palette colour as "rgba(r, g, b, alpha)" (a band's fill, say)."""
    r, g, b = (int(color[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha:g})"


def _thin(n: int, max_points: int, seed: int = 0) -> np.ndarray | None:
    """Indices (ascending) of an evenly spread, seeded sample of `max_points` of `n` rows:
    one random row from each of `max_points` consecutive equal blocks; None to keep all."""
    if n <= max_points:
        return None
    edges = np.arange(max_points + 1, dtype=np.int64) * n // max_points
    offsets = np.random.default_rng(seed).random(max_points) * np.diff(edges)
    return edges[:-1] + offsets.astype(np.int64)


def time_figure(
    runs: Sequence[Any],
    dimension: str = "time_per_output_token",
    time_range: Range | None = None,
    *,
    token_range: Range | None = None,
    x_dimension: str = "num_tokens_output",
    slo: Mapping[str, float] | None = None,
    window: float | None = None,
    max_points: int = MAX_POINTS,
    template: Any = None,
    height: int = 460,
) -> go.Figure:
    """`dimension` against each request's start time per run, with rolling median and p90.

    The widget's time view as a static figure: every successful request with a start time
    as a point (one colour per run), and per run a rolling median (solid) and p90 (dashed)
    over the requests with `x_dimension` in `token_range`, in consecutive time bins of
    `window` seconds shared by every run (`stats.rolling_quantiles`). `time_range` is
    shaded; an `slo` objective on `dimension` is a dashed line. A run without start times
    is named in a text note ("b: no request start times") rather than silently missing.

    Parameters
    ----------
    runs
        Runs, LLMeter Results or paths (the first is the baseline).
    dimension
        The plotted column (y axis).
    time_range
        (lo, hi) seconds since the run's first request, inclusive, None = open end: shaded.
    token_range
        (lo, hi) on `x_dimension`: the rows the rolling lines summarise (None = all).
    x_dimension
        The column `token_range` selects on.
    slo
        Objectives, column → seconds (``compare(...).to_dict()["slo"]["objectives"]``).
    window
        Width of the rolling lines' time bins in seconds. Default: the 1/2/5 × 10^k width
        `rolling_quantiles` picks for the run with the fewest requests (about 50 per bin),
        over the runs' whole time span.
    max_points
        Above this many points a run draws an evenly spread, seeded sample of them (the
        lines still use every request); a note names the run and both counts.
    template, height
        The plotly template (default: the active one) and the figure's height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Per run with start times: a ``scattergl`` of points and two lines, each with
        ``meta = {"run": full name, "role": "points" | "median" | "p90", ...}`` (lines also
        carry ``"window_s"``).
    """
    run_list = as_runs(list(runs))
    labels = short_labels([r.name for r in run_list])
    fig = go.Figure()
    notes: list[str] = []
    # per run with start times: (index, t, values) in time order, and the lines' rows
    timed: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    for i, run in enumerate(run_list):
        t = np.asarray(run["request_start"], dtype=np.float64)
        v = np.asarray(run[dimension], dtype=np.float64)
        if not np.isfinite(t).any():
            notes.append(f"{run.name}: no request start times")
            continue
        ok = ~run.errors & np.isfinite(t) & np.isfinite(v)
        if not ok.any():
            notes.append(f"{run.name}: no successful request with a start time and {dimension}")
            continue
        order = np.argsort(t[ok], kind="stable")
        in_tokens = _in_range(run[x_dimension], token_range)[ok][order]
        timed.append((i, t[ok][order], v[ok][order], in_tokens))
    pooled_t = [t for _, t, _, _ in timed]
    if window is None and timed:
        span = max(float(t[-1]) for t in pooled_t) - min(float(t[0]) for t in pooled_t)
        counts = [int(rows.sum()) for *_, rows in timed if rows.any()]
        window = _nice_window(span, min(counts, default=1))
    for i, t, v, _ in timed:
        run = run_list[i]
        color = PALETTE[i % len(PALETTE)]
        label, full = plotly_text(labels[i]), plotly_text(run.name)
        keep = _thin(len(t), max_points)
        tp, vp = (t, v) if keep is None else (t[keep], v[keep])
        if keep is not None:
            notes.append(
                f"showing {format_count(len(tp))} of {format_count(len(t))} requests of "
                f"{labels[i]} as points (an evenly spread sample); the lines use every request"
            )
        fig.add_trace(
            go.Scattergl(
                x=tp.astype(np.float32),
                y=vp.astype(np.float32),
                mode="markers",
                name=label,
                legendgroup=f"run{i}",
                showlegend=False,
                marker={"color": color, **_marker_density(len(tp))},
                meta={"run": run.name, "role": "points", "drawn": len(tp), "total": len(t)},
                hovertemplate=(
                    f"start %{{x:.1f}} s<br>{dimension_label(dimension)}: "
                    f"{_hover_value(dimension, 'y')}<extra>{full}</extra>"
                ),
            )
        )
    for i, t, v, rows in timed:
        run = run_list[i]
        color = PALETTE[i % len(PALETTE)]
        label, full = plotly_text(labels[i]), plotly_text(run.name)
        q = rolling_quantiles(t[rows], v[rows], window=window, quantiles=(0.5, 0.9))
        for row, (role, dash, width) in enumerate((("median", None, 2.6), ("p90", "dash", 1.6))):
            fig.add_trace(
                go.Scatter(
                    x=q.time,
                    y=q.values[row],
                    mode="lines",
                    name=label,
                    legendgroup=f"run{i}",
                    showlegend=row == 0,
                    connectgaps=False,
                    line={"color": color, "width": width, "dash": dash},
                    meta={"run": run.name, "role": role, "window_s": q.window},
                    hovertemplate=(
                        f"{role} of %{{x:.1f}} s ± {q.window / 2:g} s: "
                        f"{_hover_value(dimension, 'y')}<extra>{full}</extra>"
                    ),
                )
            )
    xaxis: dict[str, Any] = {"title": {"text": TIME_AXIS_TITLE}, "ticksuffix": " s"}
    yaxis: dict[str, Any] = {"title": {"text": dimension_label(dimension)}, "rangemode": "tozero"}
    _format_axis(yaxis, dimension)
    fig.update_layout(xaxis=xaxis, yaxis=yaxis)
    if time_range is not None and pooled_t:
        _shade_range(fig, time_range, pooled_t)
    _add_slo_lines(fig, slo, dimension, "y")
    _note(fig, notes)
    return _finish(fig, template, height)


def _ecdf_points(sorted_values: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most `points` steps of the ECDF of ascending values: x, share ≤ x (exact at each)."""
    n = len(sorted_values)
    if n == 0:
        return np.empty(0), np.empty(0)
    m = min(int(points), n)
    idx = np.unique(np.round(np.linspace(0, n - 1, m)).astype(np.intp))
    x = sorted_values[idx]
    return x, np.searchsorted(sorted_values, x, side="right") / n


def ecdf_figure(
    runs: Sequence[Any],
    dimension: str = "time_per_output_token",
    token_range: Range | None = None,
    time_range: Range | None = None,
    log_axis: bool = True,
    *,
    x_dimension: str = "num_tokens_output",
    slo: Mapping[str, float] | None = None,
    points: int = ECDF_POINTS,
    template: Any = None,
    height: int = 420,
) -> go.Figure:
    """Overlaid ECDFs of `dimension` over each run's selected requests; the rest faint behind.

    The selection is `compare`'s: successful requests with a value, `x_dimension` in
    `token_range` and request_start in `time_range`. Each curve is drawn with at most
    `points` steps, exact at each (the share of the run's selected requests at or below the
    value). The requests outside the selection are a faint dotted curve of the same colour.
    An `slo` objective on `dimension` is a dashed vertical line.

    Parameters
    ----------
    runs
        Runs, LLMeter Results or paths (the first is the baseline).
    dimension
        The column whose distribution is drawn (x axis).
    token_range, time_range
        The selection, as in `compare` (inclusive, None = open end / every row).
    log_axis
        Log x axis (values ≤ 0 cannot be drawn on it and are left out of the curve, not of
        the shares).
    x_dimension
        The column `token_range` selects on.
    slo
        Objectives, column → seconds.
    points
        Steps per curve.
    template, height
        The plotly template (default: the active one) and the figure's height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Per run a line with ``meta = {"run": full name, "role": "selection", "n": n}`` and,
        when some rows fall outside the selection, one with ``"role": "outside"``.

    Raises
    ------
    NothingToPlot
        When no run has a request in the selection.
    """
    run_list = as_runs(list(runs))
    labels = short_labels([r.name for r in run_list])
    inside_values, outside_values = [], []
    for run in run_list:
        valid = run.valid(dimension)
        inside = selection_mask(run, dimension, x_dimension, token_range, time_range)
        v = np.asarray(run[dimension], dtype=np.float64)
        inside_values.append(np.sort(v[inside]))
        outside_values.append(np.sort(v[valid & ~inside]))
    if not any(len(v) for v in inside_values):
        raise NothingToPlot(
            f"no run has a value of {dimension!r}"
            f"{_selection_words(x_dimension, token_range, time_range)}; nothing to plot"
        )
    fig = go.Figure()
    notes: list[str] = []
    hover = _hover_value(dimension, "x")
    for i, run in enumerate(run_list):
        color = PALETTE[i % len(PALETTE)]
        label, full = plotly_text(labels[i]), plotly_text(run.name)
        curves = [("selection", inside_values[i])]
        if len(outside_values[i]):
            curves.insert(0, ("outside", outside_values[i]))  # behind the selection's curve
        if not len(inside_values[i]):
            notes.append(f"{run.name}: no request in the selection")
        for role, values in curves:
            x, y = _ecdf_points(values, points)
            if log_axis:
                x, y = x[x > 0], y[x > 0]
            selected = role == "selection"
            where = "" if selected else " (outside the selection)"
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines",
                    name=label + where,
                    legendgroup=f"run{i}",
                    showlegend=selected,
                    opacity=1.0 if selected else 0.45,
                    line={
                        "shape": "hv",
                        "color": color,
                        "width": 1.8 if selected else 1.0,
                        "dash": None if selected else "dot",
                    },
                    meta={"run": run.name, "role": role, "n": len(values)},
                    hovertemplate=f"{hover}: %{{y:.1%}}<extra>{full}{where}</extra>",
                )
            )
    label = dimension_label(dimension)
    xaxis: dict[str, Any] = {"title": {"text": label + (" (log)" if log_axis else "")}}
    if log_axis:
        xaxis["type"] = "log"
    _format_axis(xaxis, dimension)
    yaxis = {"title": {"text": ECDF_Y_TITLE}, "tickformat": ".0%", "range": [0, 1.02]}
    fig.update_layout(xaxis=xaxis, yaxis=yaxis)
    _add_slo_lines(fig, slo, dimension, "x")
    _note(fig, notes)
    return _finish(fig, template, height)


def _floats(values: Sequence[float | None] | None) -> np.ndarray:
    """A float64 array with NaN for None (plotly leaves a gap there)."""
    return np.array([np.nan if v is None else v for v in values or []], dtype=np.float64)


def shift_figure(
    stats: Any,
    *,
    template: Any = None,
    height: int = 420,
) -> go.Figure:
    """The shift function of each run against the baseline: difference by quantile, with band.

    From `compare(...).to_dict()["shift_function"]`: for each non-baseline run the
    difference run − baseline at each quantile of the baseline (line and markers) inside its
    simultaneous confidence band (shaded), and a dotted zero line. "Faster only in the
    tail" shows as a curve below zero at the upper quantiles only. Durations are in ms.

    Parameters
    ----------
    stats
        A `Comparison` or its ``to_dict()`` (needs "runs", "dimension", "shift_function").
    template, height
        The plotly template (default: the active one) and the figure's height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Per non-baseline run three traces with ``meta = {"run": full name, "role":
        "band_high" | "band_low" | "difference"}``; a run whose entry has no finite
        difference (too few requests) is named in a text note.

    Raises
    ------
    NothingToPlot
        When no entry has a finite difference (e.g. an empty selection).
    """
    data = stats if isinstance(stats, Mapping) else stats.to_dict()
    names = [str(r["name"]) for r in data.get("runs", [])]
    labels = dict(zip(names, short_labels(names), strict=True))
    dimension = str(data.get("dimension", "time_per_output_token"))
    scale, suffix = (1e3, " (ms)") if dimension in DURATION_COLUMNS else (1.0, "")
    entries = list(data.get("shift_function") or [])
    usable = [e for e in entries if np.isfinite(_floats(e.get("difference"))).any()]
    if not usable:
        raise NothingToPlot(
            "no run has enough requests in the selection for a shift function; nothing to plot"
        )
    fig = go.Figure()
    notes = [f"{e['name']}: not enough data for the shift function" for e in entries
             if e not in usable]  # fmt: skip
    unit = suffix.strip(" ()")
    for entry in usable:
        name, base = str(entry["name"]), str(entry["baseline"])
        i = names.index(name) if name in names else 0
        color = PALETTE[i % len(PALETTE)]
        label = plotly_text(f"{labels.get(name, name)} − {labels.get(base, base)}")
        full = plotly_text(f"{name} − {base}")
        q = _floats(entry.get("quantiles"))
        common = {"x": q, "mode": "lines", "legendgroup": f"run{i}", "showlegend": False}
        fig.add_trace(
            go.Scatter(
                y=_floats(entry.get("ci_high")) * scale,
                line={"width": 0, "color": color},
                hoverinfo="skip",
                meta={"run": name, "role": "band_high"},
                name=label,
                **common,
            )
        )
        fig.add_trace(
            go.Scatter(
                y=_floats(entry.get("ci_low")) * scale,
                line={"width": 0, "color": color},
                fill="tonexty",
                fillcolor=_with_alpha(color, 0.2),
                hoverinfo="skip",
                meta={"run": name, "role": "band_low"},
                name=label,
                **common,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=q,
                y=_floats(entry.get("difference")) * scale,
                mode="lines+markers",
                name=label,
                legendgroup=f"run{i}",
                line={"color": color, "width": 1.8},
                marker={"color": color, "size": 5},
                meta={"run": name, "role": "difference"},
                hovertemplate=(f"quantile %{{x:.2f}}: %{{y:+.3~f}} {unit}<extra>{full}</extra>"),
            )
        )
    fig.add_shape(
        type="line",
        xref="paper",
        yref="y",
        x0=0,
        x1=1,
        y0=0,
        y1=0,
        line={"color": _REFERENCE_INK, "width": 1, "dash": "dot"},
        name="zero",
    )
    fig.update_layout(
        xaxis={"title": {"text": SHIFT_X_TITLE}, "range": [0, 1], "tickformat": ".0%"},
        yaxis={"title": {"text": SHIFT_Y_TITLE + suffix}, "zeroline": False},
    )
    _note(fig, notes)
    return _finish(fig, template, height)
