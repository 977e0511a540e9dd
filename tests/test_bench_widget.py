"""The brush-latency benchmark's arithmetic (benchmarks/bench_widget.py, trace_widget.py).

The benchmarks run a real browser; what they conclude from the page's logs and from a trace
is checked here on small hand-made logs, so a wrong number cannot hide behind a slow run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

bench_widget = pytest.importorskip("bench_widget")
trace_widget = pytest.importorskip("trace_widget")


def drag_log(final_text: str = "C", estimate: str = "0.02") -> dict[str, Any]:
    """A drag: down at 0 ms, moves to 100 ms, up at 105; three requests, answered in order."""
    return {
        "pointer": [["pointerdown", 0.0, 0.0]]
        + [["pointermove", float(t), float(t) - 1] for t in range(20, 101, 20)]
        + [["pointerup", 105.0, 103.0]],
        "requests": [[1, 10.0], [2, 60.0], [3, 105.0]],
        "answers": [[1, 40.0], [2, 90.0], [3, 150.0]],
        "panel": [[41.0, "A", 1], [91.0, "B", 2], [152.0, "C", 3]],
        "plots": [["box", 50.0], ["hist", 70.0], ["box", 130.0], ["shift", 170.0]],
        "final": {
            "text": final_text,
            "rows": [[estimate, "0.01", "0.03", "10"]],
            "stats_seq": 3,
            "request_seq": 3,
            "token_range": [100, 400],
            "stats_token_range": [100, 400],
            "stats_runs": [[0.02, 0.01, 0.03, 10]],
        },
    }


def test_latencies_count_from_the_last_pointer_event() -> None:
    """Panel: first change after the last request's answer; views: last redraw of any plot."""
    d = bench_widget.analyse_drag(drag_log())
    assert d.verified, d.problems
    assert d.panel_ms == pytest.approx(152 - 105)
    assert d.views_ms == pytest.approx(170 - 105)
    assert d.last_view == "shift"
    assert d.view_ms == {"box": pytest.approx(25), "shift": pytest.approx(65)}
    assert d.input_delay_ms == pytest.approx(2)
    assert d.round_trip_ms == pytest.approx(30)  # 30, 30, 45


def test_rates_while_dragging_are_per_second_between_first_and_last_move() -> None:
    """Two box redraws… one between the moves (20–100 ms): 1 per 0.08 s."""
    d = bench_widget.analyse_drag(drag_log())
    assert d.moves == 5
    assert d.drag_s == pytest.approx(0.08)
    assert d.view_rates == {"box": pytest.approx(1 / 0.08), "hist": pytest.approx(1 / 0.08)}
    assert d.panel_rate == pytest.approx(2 / 0.08)  # "A" → "B"


def test_a_widget_that_fires_its_draw_events_is_timed_and_counted_by_them() -> None:
    """Previews drawn without plotly count as updates; the last redraw showing something new
    ends it."""
    log = drag_log()
    log["drawn"] = [["hist", 30.0, "preview"], ["hist", 60.0, "preview"], ["hist", 90.0, "preview"],
                    ["ecdf", 60.0, "preview"], ["hist", 180.0, "figure"],
                    ["ecdf", 400.0, "sync"]]  # fmt: skip
    d = bench_widget.analyse_drag(log)
    assert d.view_rates == {"hist": pytest.approx(3 / 0.08), "ecdf": pytest.approx(1 / 0.08)}
    assert d.views_ms == pytest.approx(180 - 105)  # plotly catching up (sync) shows nothing new
    assert d.last_view == "hist"
    assert "shift" not in d.view_ms  # the widget's events, not plotly's afterplot


def test_a_panel_that_changes_after_the_last_answer_is_not_final() -> None:
    """The panel text at the end is not the one shown after the answer: flagged."""
    assert not bench_widget.analyse_drag(drag_log(final_text="D")).verified


def test_a_panel_whose_numbers_differ_from_the_stats_is_flagged() -> None:
    d = bench_widget.analyse_drag(drag_log(estimate="0.5"))
    assert "the panel's numbers are not the stats' numbers" in d.problems


def test_percentile_interpolates() -> None:
    assert bench_widget.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == pytest.approx(9.1)
    assert bench_widget.percentile([4.0], 50) == 4.0


def test_self_time_splits_parents_around_children_and_marks_forced_layout() -> None:
    """A Layout inside a FunctionCall is forced by JS; the call's self time excludes it."""
    slices = [(0.0, 10.0, "RunTask", 0), (1.0, 9.0, "FunctionCall", 1), (3.0, 5.0, "Layout", 2)]
    pieces = sorted(trace_widget.self_times(slices))
    assert pieces == [
        (0.0, 1.0, "RunTask", False),
        (1.0, 3.0, "FunctionCall", False),
        (3.0, 5.0, "Layout", True),
        (5.0, 9.0, "FunctionCall", False),
        (9.0, 10.0, "RunTask", False),
    ]
    assert trace_widget.busy_intervals(slices) == [(0.0, 10.0)]


def test_source_map_segments_decode() -> None:
    """Base64 VLQ: A = 0, C = 1, D = -1, gB = 16 (a continuation digit)."""
    assert trace_widget._vlq("AACA") == [0, 0, 1, 0]
    assert trace_widget._vlq("ADgB") == [0, -1, 16]
