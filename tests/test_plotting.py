"""tpot_widget.plotting: LLMeter's signatures on Runs and LLMeter Results, minus its bugs."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from factories import make_run

from tpot_widget import Run, compare
from tpot_widget.display import PALETTE, short_labels
from tpot_widget.plotting import (
    ECDF_Y_TITLE,
    TIME_AXIS_TITLE,
    NothingToPlot,
    boxplot_by_dimension,
    compare_figure,
    ecdf_figure,
    histogram_by_dimension,
    scatter_histogram_2d,
    scatter_histogram_2d_runs,
    shift_figure,
    time_figure,
)

TPOT = "time_per_output_token"


class FakeResult:
    """Duck-typed LLMeter `Result`: `run_name` and `get_dimension` with None for missing."""

    def __init__(self, run_name: str, data: dict[str, list[Any]]) -> None:
        self.run_name = run_name
        self._data = data

    def get_dimension(
        self, dimension: str, filter_dimension: str | None = None, filter_value: Any = None
    ) -> list[Any]:
        if dimension not in self._data:
            raise AttributeError(f"'InvocationResponse' object has no attribute '{dimension}'")
        values = self._data[dimension]
        if filter_dimension is None:
            return list(values)
        keys = self._data[filter_dimension]
        return [v for v, k in zip(values, keys, strict=True) if k == filter_value]


@pytest.fixture
def fake() -> FakeResult:
    return FakeResult(
        "llmeter-run",
        {
            "num_tokens_output": [10, 20, None, 40, 50],
            TPOT: [0.02, 0.021, None, 0.019, 0.03],
            "error": [None, None, "timeout", None, "HTTP 500"],
            "time_to_first_token": [None] * 5,
        },
    )


@pytest.fixture
def restore_template() -> Iterator[None]:
    before = pio.templates.default
    yield
    pio.templates.default = before


# --- signatures --------------------------------------------------------------------------


def params(func: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


def test_signatures_are_llmeters() -> None:
    empty = inspect.Parameter.empty
    pk, kw = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_KEYWORD
    assert params(scatter_histogram_2d) == [
        ("result", pk, empty),
        ("x_dimension", pk, empty),
        ("y_dimension", pk, empty),
        ("n_bins_x", pk, empty),
        ("n_bins_y", pk, empty),
    ]
    assert params(boxplot_by_dimension) == [
        ("result", pk, empty),
        ("dimension", pk, empty),
        ("name", pk, None),
        ("box_kwargs", kw, empty),
    ]
    assert params(histogram_by_dimension) == [
        ("result", pk, empty),
        ("dimension", pk, empty),
        ("filter_dimension", pk, None),
        ("filter_value", pk, None),
        ("histogram_kwargs", kw, empty),
    ]


def test_return_types_for_a_run() -> None:
    run = make_run(n=50, n_failed=3)
    fig = scatter_histogram_2d(run, "num_tokens_output", TPOT, 20, 20)
    assert isinstance(fig, go.Figure)
    assert isinstance(boxplot_by_dimension(run, TPOT), go.Box)
    assert isinstance(histogram_by_dimension(run, TPOT), go.Histogram)


# --- behaviour on a Run ------------------------------------------------------------------


def test_scatter_histogram_2d_plots_every_request_with_both_values() -> None:
    run = make_run(n=60, n_failed=4)
    fig = scatter_histogram_2d(run, "num_tokens_output", TPOT, 20, 15)
    kinds = sorted(t.type for t in fig.data)
    assert kinds == ["histogram", "histogram", "scatter"] or kinds == [
        "histogram",
        "histogram",
        "scattergl",
    ]
    points = next(t for t in fig.data if t.type.startswith("scatter"))
    ok = run.valid(TPOT) & np.isfinite(run["num_tokens_output"])
    np.testing.assert_array_equal(np.asarray(points.y), run[TPOT][ok])
    np.testing.assert_array_equal(np.asarray(points.x), run["num_tokens_output"][ok])
    x_hist = next(t for t in fig.data if t.type == "histogram" and t.x is not None)
    y_hist = next(t for t in fig.data if t.type == "histogram" and t.y is not None)
    assert x_hist.nbinsx == 20
    assert y_hist.nbinsy == 15
    assert run.name in fig.layout.title.text


def test_box_and_histogram_use_the_run_name_and_drop_missing_values() -> None:
    run = make_run(n=40, n_failed=5)
    box = boxplot_by_dimension(run, TPOT)
    assert box.name == run.name
    assert len(box.x) == 35
    assert not np.isnan(np.asarray(box.x)).any()
    hist = histogram_by_dimension(run, TPOT, xbins={"size": 0.001})
    assert hist.name == run.name
    assert hist.histnorm == "probability"  # LLMeter's default
    assert hist.xbins.size == 0.001


def test_box_name_argument_is_honoured() -> None:
    # An old LLMeter popped `name` from **kwargs only, silently ignoring the argument.
    box = boxplot_by_dimension(make_run(), TPOT, name="after the fix")
    assert box.name == "after the fix"
    box = boxplot_by_dimension(make_run(), TPOT, "positional", boxpoints=False)
    assert box.name == "positional"
    assert box.boxpoints is False


@pytest.mark.parametrize("histnorm", [None, "", "percent", "probability density"])
def test_histnorm_can_be_overridden(histnorm: str | None) -> None:
    # LLMeter's `pop("histnorm", None) or "probability"` makes counts impossible.
    hist = histogram_by_dimension(make_run(), TPOT, histnorm=histnorm)
    assert hist.histnorm == histnorm


def test_histogram_filter_keeps_matching_rows() -> None:
    run = make_run(n=30)
    small = run["num_tokens_output"][0]
    hist = histogram_by_dimension(run, TPOT, "num_tokens_output", int(small))
    expected = run[TPOT][run["num_tokens_output"] == small]
    np.testing.assert_array_equal(np.asarray(hist.x), expected)


def test_html_in_a_run_name_is_shown_as_text() -> None:
    run = make_run(name="<b>bold</b> & <img src=x onerror=alert(1)>")
    assert boxplot_by_dimension(run, TPOT).name == (
        "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
    )
    fig = scatter_histogram_2d_runs([run, make_run("b", seed=1)])
    assert "<img" not in fig.to_json()


# --- LLMeter Result (duck-typed) ---------------------------------------------------------


def test_llmeter_result_works_like_a_run(fake: FakeResult) -> None:
    fig = scatter_histogram_2d(fake, "num_tokens_output", TPOT, 5, 5)
    points = next(t for t in fig.data if t.type.startswith("scatter"))
    assert list(points.x) == [10, 20, 40, 50]
    assert list(points.y) == [0.02, 0.021, 0.019, 0.03]
    box = boxplot_by_dimension(fake, TPOT)
    assert box.name == "llmeter-run"
    assert list(box.x) == [0.02, 0.021, 0.019, 0.03]
    ok_only = histogram_by_dimension(fake, TPOT, filter_dimension="error", filter_value=None)
    assert list(ok_only.x) == [0.02, 0.021, 0.019]
    assert ok_only.name == "llmeter-run"


def test_unknown_dimension_is_a_clear_error(fake: FakeResult) -> None:
    with pytest.raises(ValueError, match="no dimension 'tpot'"):
        boxplot_by_dimension(fake, "tpot")
    with pytest.raises(ValueError, match="no column 'tpot'"):
        histogram_by_dimension(make_run(), "tpot")


def test_something_else_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Run or an LLMeter Result"):
        boxplot_by_dimension([0.1, 0.2], TPOT)


# --- all-None dimensions -----------------------------------------------------------------


def test_all_none_dimension_is_a_clear_error(fake: FakeResult) -> None:
    for call in (
        lambda: boxplot_by_dimension(fake, "time_to_first_token"),
        lambda: histogram_by_dimension(fake, "time_to_first_token"),
        lambda: scatter_histogram_2d(fake, "num_tokens_output", "time_to_first_token", 5, 5),
    ):
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert "'llmeter-run'" in message
        assert "'time_to_first_token'" in message
        assert "all 5 values are missing" in message


def test_filter_that_matches_nothing_says_so(fake: FakeResult) -> None:
    with pytest.raises(ValueError, match="where error == 'nope'"):
        histogram_by_dimension(fake, TPOT, "error", "nope")


def test_run_whose_requests_all_failed() -> None:
    run = make_run(n=4, n_failed=4)
    with pytest.raises(ValueError, match="all 4 values are missing"):
        boxplot_by_dimension(run, TPOT)


# --- template ----------------------------------------------------------------------------


@pytest.mark.usefixtures("restore_template")
@pytest.mark.parametrize("template", ["plotly_dark", "simple_white", "ggplot2"])
def test_active_template_is_used(template: str) -> None:
    pio.templates.default = template
    wanted = pio.templates[template].layout.paper_bgcolor
    run = make_run()
    figs = [
        scatter_histogram_2d(run, "num_tokens_output", TPOT, 10, 10),
        go.Figure([boxplot_by_dimension(run, TPOT), histogram_by_dimension(run, TPOT)]),
        scatter_histogram_2d_runs([run, make_run("b", seed=2)]),
        compare_figure([run, make_run("b", seed=2)]),
    ]
    for fig in figs:
        assert fig.layout.template.layout.paper_bgcolor == wanted


def test_explicit_template_wins() -> None:
    fig = compare_figure([make_run(), make_run("b", seed=2)], template="plotly_dark")
    assert fig.layout.template.layout.paper_bgcolor == (
        pio.templates["plotly_dark"].layout.paper_bgcolor
    )


# --- multi-run views ---------------------------------------------------------------------


def test_scatter_runs_one_trace_set_per_run_on_shared_bins() -> None:
    runs = [make_run("a", n=80, n_failed=3), make_run("b", n=60, seed=3, n_failed=3)]
    fig = scatter_histogram_2d_runs(runs, token_range=(100, 300))
    scatters = [t for t in fig.data if t.type == "scattergl"]
    assert [t.name for t in scatters] == ["a", "b"]
    assert [len(t.x) for t in scatters] == [77, 57]  # failed requests left out
    legend = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in legend] == ["a", "b"]  # one opaque legend entry per run
    assert all(t.marker.opacity is None for t in legend)
    traces = by_role(fig)
    for axis, column in (("x", "num_tokens_output"), ("y", TPOT)):
        bars = [traces[r.name, f"{axis}_marginal"] for r in runs]
        # overlaid bars line up: the same bins for every run
        np.testing.assert_array_equal(bars[0].customdata, bars[1].customdata)
        edges = np.append(bars[0].customdata[:, 0], bars[0].customdata[-1, 1])
        for run, bar in zip(runs, bars, strict=True):
            values = run[column][run.valid(TPOT)].astype(np.float32).astype(np.float64)
            shares = bar.y if axis == "x" else bar.x
            want = np.histogram(values, bins=edges)[0] / len(values)
            np.testing.assert_allclose(shares, want, rtol=1e-12)
            assert shares.sum() == pytest.approx(1.0)
    (band,) = fig.layout.shapes
    assert (band.x0, band.x1) == (100, 300)


def test_scatter_thins_big_runs_but_the_marginals_count_every_request() -> None:
    # output tokens = row number, so the drawn x values say which rows were drawn
    big = make_run("big", n=3000, seed=5, output_tokens=np.arange(2, 3002))
    small = make_run("small", n=200, seed=6)
    full = scatter_histogram_2d_runs([big, small])
    thin = scatter_histogram_2d_runs([big, small], max_points=500)
    again = scatter_histogram_2d_runs([big, small], max_points=500)
    points = by_role(thin)["big", "points"]
    assert len(points.x) == 500
    assert (points.meta["drawn"], points.meta["total"]) == (500, 3000)
    assert set(points.x.tolist()) <= set(by_role(full)["big", "points"].x.tolist())
    np.testing.assert_array_equal(points.x, by_role(again)["big", "points"].x)  # seeded
    # evenly spread: every tenth of the run gets a tenth of the points
    np.testing.assert_array_equal(np.histogram(points.x, bins=10, range=(2, 3002))[0], [50] * 10)
    assert len(by_role(thin)["small", "points"].x) == 200  # below the threshold: every point
    for role in ("x_marginal", "y_marginal"):
        np.testing.assert_array_equal(by_role(thin)["big", role].x, by_role(full)["big", role].x)
        np.testing.assert_array_equal(by_role(thin)["big", role].y, by_role(full)["big", role].y)
    assert by_role(thin)["big", "x_marginal"].meta["n"] == 3000
    (note,) = [a.text for a in thin.layout.annotations]
    assert note.startswith("showing 500 of 3,000 requests of big")
    assert not full.layout.annotations


def test_multi_run_views_name_runs_by_short_labels_and_hover_the_full_name() -> None:
    runs = timed_runs()
    labels = short_labels([r.name for r in runs])
    assert labels == ["max_num_seqs=256", "max_num_seqs=128"]
    scatter = scatter_histogram_2d_runs(runs)
    legend = [t.name for t in scatter.data if t.showlegend is not False]
    assert legend == labels
    for run, label in zip(runs, labels, strict=True):
        for role in ("points", "x_marginal", "y_marginal"):
            trace = by_role(scatter)[run.name, role]
            assert trace.name == label and f"<extra>{run.name}</extra>" in trace.hovertemplate
    stats = compare(*runs, n_resamples=199).to_dict()
    boxes = compare_figure(runs, comparison=stats)
    assert [t.name for t in boxes.data if t.type == "box"] == labels  # the box plots' axis
    hists = [t for t in boxes.data if t.type == "histogram"]
    assert [t.name for t in hists] == labels
    assert [t.meta["run"] for t in hists] == [r.name for r in runs]
    assert all(r.name in t.hovertemplate for r, t in zip(runs, hists, strict=True))
    (marks,) = [t for t in boxes.data if t.type == "scatter"]
    assert list(marks.y) == labels  # on the boxes, whose names are the labels
    assert list(marks.customdata) == [r.name for r in runs]
    assert "%{customdata}" in marks.hovertemplate


def test_compare_figure_draws_the_selected_rows() -> None:
    runs = [make_run("a", n=120, n_failed=3), make_run("b", n=90, seed=4, n_failed=3)]
    fig = compare_figure(runs, token_range=(50, 250))
    boxes = [t for t in fig.data if t.type == "box"]
    hists = [t for t in fig.data if t.type == "histogram"]
    assert [b.name for b in boxes] == ["a", "b"]
    for run, box, hist in zip(runs, boxes, hists, strict=True):
        x = run["num_tokens_output"]
        rows = run.valid(TPOT) & (x >= 50) & (x <= 250)
        np.testing.assert_allclose(np.sort(box.x), np.sort(run[TPOT][rows]), rtol=1e-6)
        assert len(hist.x) == rows.sum()
    assert fig.layout.xaxis.type == "log"
    assert compare_figure(runs, log_axis=False).layout.xaxis.type != "log"


def test_compare_figure_marks_estimates_with_their_ci() -> None:
    runs = [make_run("a"), make_run("b", seed=5)]
    stats = {
        "statistic": "median",
        "confidence_level": 0.95,
        "runs": [
            {"estimate": 0.020, "ci_low": 0.019, "ci_high": 0.0215},
            {"estimate": None, "ci_low": None, "ci_high": None},
        ],
    }
    fig = compare_figure(runs, comparison=stats)
    (marks,) = [t for t in fig.data if t.type == "scatter"]
    assert list(marks.x) == [0.020]
    assert list(marks.y) == ["a"]
    assert marks.error_x.array[0] == pytest.approx(0.0015)
    assert marks.error_x.arrayminus[0] == pytest.approx(0.001)
    assert "95% CI" in marks.name


def test_multi_run_views_reject_empty_selection() -> None:
    runs = [make_run("a"), make_run("b", seed=6)]
    with pytest.raises(ValueError, match="nothing to plot"):
        compare_figure(runs, token_range=(10_000, None))


def test_dense_runs_get_fainter_points() -> None:
    few = scatter_histogram_2d_runs([make_run("a", n=100), make_run("b", n=100, seed=1)])
    many = scatter_histogram_2d_runs([make_run("a", n=30_000), make_run("b", n=100, seed=1)])
    (dense, sparse) = [t for t in many.data if t.type == "scattergl"]
    assert dense.marker.opacity < 0.2 < sparse.marker.opacity
    assert {t.marker.opacity for t in few.data if t.type == "scattergl"} == {sparse.marker.opacity}


# --- time, ECDF and shift-function views -------------------------------------------------

LONG = "bench 2024-06 / vllm 0.6 / llama-3-8b / tp1 / max_num_seqs="


def timed_runs(**kwargs: Any) -> list[Run]:
    """Two runs with start times over 60 s and names long enough to get short labels."""
    return [
        make_run(LONG + "256", n=400, seed=1, **kwargs),
        make_run(LONG + "128", n=300, seed=2, tpot=0.025, **kwargs),
    ]


def by_role(fig: go.Figure) -> dict[tuple[str, str], Any]:
    """The figure's traces keyed by (run's full name, role) from their `meta`."""
    out = {(t.meta["run"], t.meta["role"]): t for t in fig.data}
    assert len(out) == len(fig.data), "two traces share a (run, role)"
    return out


def in_range(values: np.ndarray, lo: float | None, hi: float | None) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (values >= (-np.inf if lo is None else lo)) & (
            values <= (np.inf if hi is None else hi)
        )


def test_time_figure_one_trace_set_per_run_with_short_labels() -> None:
    runs = timed_runs()
    fig = time_figure(runs, TPOT, time_range=(10, 40), slo={TPOT: 0.03})
    traces = by_role(fig)
    assert set(traces) == {(r.name, role) for r in runs for role in ("points", "median", "p90")}
    labels = short_labels([r.name for r in runs])
    assert labels == ["max_num_seqs=256", "max_num_seqs=128"]
    for i, run in enumerate(runs):
        points = traces[run.name, "points"]
        assert points.type == "scattergl"
        ok = run.valid(TPOT)
        np.testing.assert_allclose(np.sort(points.x), np.sort(run["request_start"][ok]), rtol=1e-6)
        assert points.name == labels[i] and run.name in points.hovertemplate
        for role in ("points", "median", "p90"):
            assert traces[run.name, role].legendgroup == points.legendgroup
        colours = {traces[run.name, "median"].line.color, points.marker.color}
        assert colours == {PALETTE[i]}
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == labels  # one entry per run, by its short label
    assert fig.layout.xaxis.title.text == TIME_AXIS_TITLE
    assert fig.layout.yaxis.title.text == "Time per output token"
    band = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(s.x0, s.x1) for s in band] == [(10, 40)]
    (slo_line,) = [s for s in fig.layout.shapes if s.name == "slo"]
    assert (slo_line.y0, slo_line.y1, slo_line.yref) == (0.03, 0.03, "y")
    assert "30.0 ms" in slo_line.label.text


def test_time_figure_rolling_lines_are_the_quantiles_of_each_bin() -> None:
    run = make_run("warm", n=2000, seed=3, warm_up=(10, 2.0), n_failed=20)
    token_range = (100, 800)
    fig = time_figure([run, make_run("other", n=2000, seed=4)], TPOT, token_range=token_range)
    traces = by_role(fig)
    median, p90 = traces["warm", "median"], traces["warm", "p90"]
    window = median.meta["window_s"]
    assert window == traces["other", "median"].meta["window_s"]  # bins shared across runs
    t, v = run["request_start"], run[TPOT]
    rows = run.valid(TPOT) & in_range(run["num_tokens_output"], *token_range)
    last = len(median.x) - 1
    checked = 0
    for k, (centre, med, high) in enumerate(zip(median.x, median.y, p90.y, strict=True)):
        lo, hi = centre - window / 2, centre + window / 2
        in_bin = rows & (t >= lo) & ((t <= hi) if k == last else (t < hi))
        if in_bin.sum() < 10:
            assert np.isnan(med) and np.isnan(high)
            continue
        assert med == pytest.approx(np.median(v[in_bin]), rel=1e-12)
        assert high == pytest.approx(np.quantile(v[in_bin], 0.9), rel=1e-12)
        checked += 1
    assert checked >= 5
    # the warm-up shows: the first bin's median is about twice the last one's
    assert median.y[0] > 1.6 * median.y[last]
    # points are every successful request (the lines only those in the token range)
    assert len(traces["warm", "points"].x) == run.valid(TPOT).sum() > rows.sum()


def test_time_figure_thins_points_but_not_lines() -> None:
    run = make_run("big", n=3000, seed=5)
    full = time_figure([run, make_run("b", seed=6)], TPOT)
    thin = time_figure([run, make_run("b", seed=6)], TPOT, max_points=500)
    points = by_role(thin)["big", "points"]
    assert len(points.x) == 500 and points.meta == {
        "run": "big", "role": "points", "drawn": 500, "total": 3000,
    }  # fmt: skip
    assert set(points.x.tolist()) <= set(by_role(full)["big", "points"].x.tolist())
    np.testing.assert_array_equal(
        by_role(thin)["big", "median"].y, by_role(full)["big", "median"].y
    )
    (note,) = [a.text for a in thin.layout.annotations]
    assert note.startswith("showing 500 of 3,000 requests of big as points")
    assert not full.layout.annotations


def test_time_figure_names_a_run_without_start_times() -> None:
    runs = [make_run("timed", seed=1), make_run("untimed <b>", seed=2, duration=None)]
    fig = time_figure(runs, TPOT)
    assert {name for name, _ in by_role(fig)} == {"timed"}
    texts = [a.text for a in fig.layout.annotations]
    assert texts == ["untimed &lt;b&gt;: no request start times"]  # plotly shows it as text


def test_ecdf_figure_draws_the_selection_and_the_rest_faint() -> None:
    runs = timed_runs()
    token_range, time_range = (100, 700), (5, 45)
    fig = ecdf_figure(runs, TPOT, token_range, time_range, slo={TPOT: 0.025})
    traces = by_role(fig)
    assert set(traces) == {(r.name, role) for r in runs for role in ("selection", "outside")}
    labels = short_labels([r.name for r in runs])
    for i, run in enumerate(runs):
        valid = run.valid(TPOT)
        inside = (
            valid
            & in_range(run["num_tokens_output"], *token_range)
            & in_range(run["request_start"], *time_range)
        )
        values = run[TPOT][inside]
        sel, out = traces[run.name, "selection"], traces[run.name, "outside"]
        assert sel.meta["n"] == inside.sum() and out.meta["n"] == (valid & ~inside).sum()
        # each drawn step is the exact share of selected requests at or below its value
        np.testing.assert_allclose(sel.y, [(values <= x).mean() for x in sel.x], rtol=1e-12)
        assert sel.y[-1] == 1.0 and sel.x[-1] == values.max()
        assert sel.name == labels[i] and run.name in sel.hovertemplate
        assert sel.line.color == out.line.color == PALETTE[i]
        assert out.opacity < sel.opacity and out.line.dash == "dot" and out.showlegend is False
    assert fig.layout.yaxis.title.text == ECDF_Y_TITLE
    assert fig.layout.xaxis.type == "log"
    assert ecdf_figure(runs, TPOT, log_axis=False).layout.xaxis.type != "log"
    (slo_line,) = [s for s in fig.layout.shapes if s.name == "slo"]
    assert (slo_line.x0, slo_line.xref) == (0.025, "x")


def test_ecdf_figure_of_an_empty_selection_says_so() -> None:
    runs = timed_runs()
    with pytest.raises(NothingToPlot, match="nothing to plot"):
        ecdf_figure(runs, TPOT, token_range=(5000, None))
    # one run empty, the other not: drawn, and the empty one named
    runs = [make_run("a", seed=1), make_run("short", seed=2, tokens=(2, 50))]
    fig = ecdf_figure(runs, TPOT, token_range=(100, None))
    assert by_role(fig)["short", "selection"].meta["n"] == 0
    assert [a.text for a in fig.layout.annotations] == ["short: no request in the selection"]


def test_shift_figure_draws_each_run_against_the_baseline() -> None:
    runs = [*timed_runs(), make_run(LONG + "64", seed=7, tpot=0.03)]
    stats = compare(*runs, n_resamples=199).to_dict()
    fig = shift_figure(stats)
    traces = by_role(fig)
    names = [r.name for r in runs]
    assert set(traces) == {
        (n, role) for n in names[1:] for role in ("band_high", "band_low", "difference")
    }
    labels = short_labels(names)
    for i, entry in enumerate(stats["shift_function"], start=1):
        diff = traces[entry["name"], "difference"]
        np.testing.assert_allclose(diff.x, entry["quantiles"])
        np.testing.assert_allclose(diff.y, np.array(entry["difference"]) * 1e3)  # in ms
        np.testing.assert_allclose(
            traces[entry["name"], "band_low"].y, np.array(entry["ci_low"]) * 1e3
        )
        np.testing.assert_allclose(
            traces[entry["name"], "band_high"].y, np.array(entry["ci_high"]) * 1e3
        )
        assert diff.line.color == PALETTE[i]
        assert diff.name == f"{labels[i]} − {labels[0]}"
        assert f"{names[i]} − {names[0]}" in diff.hovertemplate
    assert fig.layout.xaxis.title.text == "quantile of the baseline"
    assert fig.layout.yaxis.title.text == "difference (run − baseline) (ms)"
    (zero,) = [s for s in fig.layout.shapes if s.name == "zero"]
    assert (zero.y0, zero.y1) == (0, 0)


def test_shift_figure_without_enough_data() -> None:
    a, b = make_run("a", seed=1), make_run("b", seed=2)
    short = make_run("short", seed=3, tokens=(2, 50))
    with pytest.raises(NothingToPlot):
        shift_figure(compare(a, b, token_range=(5000, None), n_resamples=199))
    fig = shift_figure(compare(a, b, short, token_range=(100, None), n_resamples=199))
    assert {name for name, _ in by_role(fig)} == {"b"}
    assert [x.text for x in fig.layout.annotations] == [
        "short: not enough data for the shift function"
    ]


def test_scatter_and_compare_figure_respect_the_time_range() -> None:
    runs = timed_runs()
    time_range = (20, 30)
    scatter = scatter_histogram_2d_runs(runs, time_range=time_range)
    boxes = compare_figure(runs, token_range=(100, 900), time_range=time_range, slo={TPOT: 0.02})
    for run, points, box in zip(
        runs,
        [t for t in scatter.data if t.type == "scattergl"],
        [t for t in boxes.data if t.type == "box"],
        strict=True,
    ):
        in_time = in_range(run["request_start"], *time_range)
        assert len(points.x) == (run.valid(TPOT) & in_time).sum()
        inside = run.valid(TPOT) & in_time & in_range(run["num_tokens_output"], 100, 900)
        np.testing.assert_allclose(np.sort(box.x), np.sort(run[TPOT][inside]), rtol=1e-6)
    slo_lines = [s for s in boxes.layout.shapes if s.name == "slo"]
    assert sorted(s.xref for s in slo_lines) == ["x", "x2"]  # box plots and histograms
    assert {s.x0 for s in slo_lines} == {0.02}
    with pytest.raises(NothingToPlot):
        compare_figure(runs, time_range=(1000, None))


def test_a_range_beyond_the_data_is_not_shaded_over_the_data() -> None:
    runs = [make_run("a"), make_run("b", seed=1)]
    top = max(float(np.nanmax(r["num_tokens_output"])) for r in runs)
    (band,) = scatter_histogram_2d_runs(runs, token_range=(5000, None)).layout.shapes
    assert band.x0 == band.x1 == 5000 > top
    (band,) = scatter_histogram_2d_runs(runs, token_range=(100, None)).layout.shapes
    assert (band.x0, band.x1) == (100, top)
