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

from tpot_widget.plotting import (
    boxplot_by_dimension,
    histogram_by_dimension,
    scatter_histogram_2d,
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
    fig = scatter_histogram_2d(run, "num_tokens_output", TPOT, 10, 10)
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
    ]
    for fig in figs:
        assert fig.layout.template.layout.paper_bgcolor == wanted
