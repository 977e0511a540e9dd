"""TPOTCompare's kernel side: the synced model, brushing handshake, selection and transport."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
import traitlets
from factories import make_run

from tpot_widget import Run, TPOTCompare, compare
from tpot_widget._transport import decode_array
from tpot_widget.display import short_labels
from tpot_widget.run import COLUMNS
from tpot_widget.tables import markdown_table
from tpot_widget.widget import PUBLIC

#: What a refused value raises: ValueError from params, TraitError on a trait assignment.
INVALID = (ValueError, traitlets.TraitError)


ERROR_TEXT = "HTTP 503: <b>overloaded</b>"


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    """TPOT grows with the output length; failed requests keep their numbers (as some tools
    report them): they must be excluded all the same."""
    return [
        make_run(
            name,
            n,
            tpot,
            seed,
            error_rate=error_rate,
            tokens=(2, 1200),
            tpot_per_token=tpot / 2000,
            error_text=ERROR_TEXT,
            failed_keep_timings=True,
        )
        for name, n, seed, tpot, error_rate in [
            ("baseline", 1500, 1, 0.020, 0.02),
            ("candidate", 1400, 2, 0.017, 0.03),
            ("other <img src=x onerror=alert(1)>", 1300, 3, 0.021, 0.0),
        ]
    ]


@pytest.fixture
def widget(runs: list[Run]) -> TPOTCompare:
    return TPOTCompare(*runs)


def _mask(run: Run, column: str, lo: float | None, hi: float | None) -> np.ndarray:
    """Independent selection: lo <= x <= hi over all rows (errors included)."""
    x = np.asarray(run[column], dtype=float)
    mask = ~np.isnan(x)
    if lo is not None:
        mask &= x >= lo
    if hi is not None:
        mask &= x <= hi
    return mask


def _usable(run: Run, dimension: str) -> np.ndarray:
    errors = np.array([e is not None for e in run["error"]])
    return ~errors & ~np.isnan(np.asarray(run[dimension], dtype=float))


def test_initial_stats_are_compare_for_all_rows(widget: TPOTCompare, runs: list[Run]) -> None:
    assert widget.token_range is None
    assert widget.stats == compare(*runs).to_dict()
    assert [r["name"] for r in widget.stats["runs"]] == [r.name for r in runs]
    assert len(widget.stats["differences"]) == 2
    json.dumps(widget.stats)  # JSON-safe, as synced


def test_token_range_recomputes_stats_like_compare(widget: TPOTCompare, runs: list[Run]) -> None:
    widget.token_range = (200, 700)
    assert widget.stats == compare(*runs, token_range=(200, 700)).to_dict()
    assert widget.stats["token_range"] == [200, 700]
    for run, row in zip(runs, widget.stats["runs"], strict=True):
        expected_n = int(
            (
                _mask(run, "num_tokens_output", 200, 700) & _usable(run, "time_per_output_token")
            ).sum()
        )
        assert row["n"] == expected_n
        assert row["n_errors"] == run.n_errors
    # the comparison object behind the numbers
    assert widget.comparison.to_dict() == widget.stats


def test_open_ended_range_and_reset(widget: TPOTCompare, runs: list[Run]) -> None:
    widget.token_range = (None, 300)
    assert widget.stats == compare(*runs, token_range=(None, 300)).to_dict()
    widget.reset_selection()
    assert widget.token_range is None
    assert widget.stats == compare(*runs).to_dict()


def test_errors_are_excluded_from_statistics(widget: TPOTCompare, runs: list[Run]) -> None:
    baseline = runs[0]
    assert baseline.n_errors > 0
    row = widget.stats["runs"][0]
    assert row["n_errors"] == baseline.n_errors
    assert row["n"] == int(_usable(baseline, "time_per_output_token").sum())
    values = np.asarray(baseline["time_per_output_token"])[
        _usable(baseline, "time_per_output_token")
    ]
    assert row["estimate"] == pytest.approx(float(np.median(values)))
    # the header data says how many failed, and why (text, never markup interpreted here)
    meta = widget._runs_meta[0]
    assert meta["n_errors"] == baseline.n_errors
    assert meta["top_errors"][0][0] == ERROR_TEXT
    # failed requests that report numbers are still left out of the statistics
    assert np.isfinite(np.asarray(baseline["time_per_output_token"])[baseline.errors]).any()


def test_selection_df_matches_an_independent_mask(widget: TPOTCompare, runs: list[Run]) -> None:
    widget.token_range = (150, 450)
    df = widget.selection_df()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["run", *COLUMNS]
    for run in runs:
        part = df[df["run"] == run.name]
        mask = _mask(run, "num_tokens_output", 150, 450)
        assert len(part) == int(mask.sum())
        np.testing.assert_array_equal(
            part["num_tokens_output"].to_numpy(), np.asarray(run["num_tokens_output"])[mask]
        )
        np.testing.assert_array_equal(
            part["time_per_output_token"].to_numpy(),
            np.asarray(run["time_per_output_token"])[mask],
        )
    # failed requests in range are part of the selection, with their error text
    assert df["error"].notna().any()


def test_selection_df_polars(widget: TPOTCompare, runs: list[Run]) -> None:
    pl = pytest.importorskip("polars")
    widget.token_range = (150, 450)
    df = widget.selection_df(backend="polars")
    assert isinstance(df, pl.DataFrame)
    assert df.columns == ["run", *COLUMNS]
    pandas_df = widget.selection_df()
    assert df.height == len(pandas_df)
    counts = dict(df.group_by("run").len().iter_rows())
    for run in runs:
        assert counts[run.name] == int(_mask(run, "num_tokens_output", 150, 450).sum())
    with pytest.raises(ValueError, match="backend"):
        widget.selection_df(backend="arrow")  # type: ignore[arg-type]


def test_empty_selection_says_not_enough_data(widget: TPOTCompare) -> None:
    widget.token_range = (100_000, 200_000)
    stats = widget.stats
    assert all(r["n"] == 0 and r["estimate"] is None for r in stats["runs"])
    assert all(r["ci_low"] is None and r["ci_high"] is None for r in stats["runs"])
    assert [d["verdict"] for d in stats["differences"]] == ["not enough data"] * 2
    assert len(widget.selection_df()) == 0


def test_dimension_statistic_and_confidence_changes(widget: TPOTCompare, runs: list[Run]) -> None:
    widget.token_range = (100, 900)
    widget.dimension = "time_to_first_token"
    assert (
        widget.stats
        == compare(*runs, dimension="time_to_first_token", token_range=(100, 900)).to_dict()
    )
    widget.statistic = "p90"
    widget.confidence_level = 0.9
    assert (
        widget.stats
        == compare(
            *runs,
            dimension="time_to_first_token",
            statistic="p90",
            confidence_level=0.9,
            token_range=(100, 900),
        ).to_dict()
    )
    widget.x_dimension = "num_tokens_input"
    assert (
        widget.stats
        == compare(
            *runs,
            dimension="time_to_first_token",
            x_dimension="num_tokens_input",
            statistic="p90",
            confidence_level=0.9,
            token_range=(100, 900),
        ).to_dict()
    )
    # the selection follows the x dimension
    mask = _mask(runs[1], "num_tokens_input", 100, 900)
    assert (widget.selection_df()["run"] == runs[1].name).sum() == int(mask.sum())


def test_observe_stats(widget: TPOTCompare) -> None:
    seen: list[dict[str, Any]] = []
    widget.observe(lambda change: seen.append(change["new"]), "stats")
    widget.token_range = (300, 600)
    widget.token_range = (300, 800)
    assert [s["token_range"] for s in seen] == [[300, 600], [300, 800]]


def test_browser_brush_handshake_answers_every_request(
    widget: TPOTCompare, runs: list[Run]
) -> None:
    # what the front end sends while brushing: the range plus a sequence number
    widget.set_state({"token_range": [120.0, 480.0], "_request_seq": 7})
    assert widget.token_range == (120, 480)
    assert widget._stats_seq == 7
    assert widget.stats == compare(*runs, token_range=(120, 480)).to_dict()
    # the same range again still gets an answer (so the browser can clear "stale")
    widget.set_state({"token_range": [120, 480], "_request_seq": 8})
    assert widget._stats_seq == 8
    widget.set_state({"statistic": "mean", "_request_seq": 9})
    assert widget._stats_seq == 9
    assert widget.stats["statistic"] == "mean"


def test_invalid_input_gives_clear_errors(runs: list[Run]) -> None:
    with pytest.raises(ValueError, match="2 to 8 runs"):
        TPOTCompare(runs[0])
    with pytest.raises(ValueError, match="2 to 8 runs"):
        TPOTCompare(*(runs * 3))
    w = TPOTCompare(*runs[:2])
    # a trait assignment raises traitlets' TraitError with the message of params
    with pytest.raises(INVALID, match=r"token_range=\(500, 100\) is empty: the lower bound"):
        w.token_range = (500, 100)
    with pytest.raises(INVALID, match="token_range must be None or a \\(lo, hi\\) pair"):
        w.token_range = 100  # type: ignore[assignment]
    with pytest.raises(Exception, match="statistic"):
        w.statistic = "mode"
    with pytest.raises(Exception, match="not a numeric Run column"):
        w.dimension = "error"
    assert w.token_range is None  # a rejected value leaves the state alone
    assert w.stats == compare(*runs[:2]).to_dict()


def test_accepts_dataframes(runs: list[Run]) -> None:
    a, b = runs[0].to_pandas(), runs[1].to_pandas()
    w = TPOTCompare(a, b)
    assert [m["n_requests"] for m in w._runs_meta] == [len(runs[0]), len(runs[1])]
    assert w.stats["runs"][0]["n"] == compare(runs[0], runs[1]).to_dict()["runs"][0]["n"]


def test_columns_travel_as_binary_buffers(widget: TPOTCompare, runs: list[Run]) -> None:
    sent: list[tuple[Any, Any]] = []
    widget.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    keys = ["0/num_tokens_output", "2/time_per_output_token", "1/error", "9/num_tokens_output"]
    widget._on_custom_msg(widget, {"type": "columns", "keys": keys}, [])
    (content, buffers) = sent[0]
    assert [c["key"] for c in content["columns"]] == keys[:3]
    assert content["rejected"] == ["9/num_tokens_output"]
    assert all(isinstance(b, memoryview) for b in buffers)
    assert [c["dtype"] for c in content["columns"]] == ["float32", "float32", "uint8"]
    tokens = decode_array(content["columns"][0], buffers[0])
    np.testing.assert_array_equal(tokens, np.asarray(runs[0]["num_tokens_output"], np.float32))
    tpot = decode_array(content["columns"][1], buffers[1])
    np.testing.assert_allclose(tpot, runs[2]["time_per_output_token"], rtol=1e-6)
    flags = decode_array(content["columns"][2], buffers[2])
    assert int(flags.sum()) == runs[1].n_errors
    # and nothing column-sized is in the JSON state (the front end's files aside)
    state = json.dumps({k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")})
    assert len(state) < 20_000


def test_widget_ships_the_built_front_end(widget: TPOTCompare) -> None:
    esm = widget._esm
    assert isinstance(esm, str) and "plotly" in esm.lower()
    assert "data-testid" in esm or "testid" in esm
    assert widget._choices["dimensions"][0] == "time_per_output_token"
    assert "num_tokens_output" in widget._choices["x_dimensions"]


def test_transport_round_trip_and_key_checks(runs: list[Run]) -> None:
    from tpot_widget import _transport

    values = np.array([0.5, np.nan, 3.0])
    header, buffer = _transport.encode_array(values, "float32")
    assert header == {"dtype": "float32", "shape": [3]}
    assert buffer.nbytes == 12
    np.testing.assert_array_equal(_transport.decode_array(header, buffer), values.astype("f4"))
    with pytest.raises(ValueError, match="unsupported dtype"):
        _transport.encode_array(values, "float16")
    assert _transport.parse_key("1/time_to_first_token", 3) == (1, "time_to_first_token")
    for bad in ("3/time_to_first_token", "-1/error", "x/error", "0/__class__", "0"):
        with pytest.raises(ValueError, match="bad column key"):
            _transport.parse_key(bad, 3)


def test_to_html_writes_the_current_comparison(widget: TPOTCompare, tmp_path: Any) -> None:
    widget.token_range = (100, 600)
    out = widget.to_html(tmp_path / "report.html")
    text = out.read_text(encoding="utf-8")
    assert out.exists() and "candidate" in text
    assert "<img src=x onerror=alert(1)>" not in text  # the run name is escaped


def test_stats_and_error_message_are_read_only(widget: TPOTCompare) -> None:
    before = widget.stats
    with pytest.raises(traitlets.TraitError, match="read-only"):
        widget.stats = {}
    with pytest.raises(traitlets.TraitError, match="read-only"):
        widget.error_message = "nothing to see"
    assert widget.stats == before and widget.error_message == ""


def test_dir_shows_the_documented_public_surface_only(widget: TPOTCompare) -> None:
    names = dir(widget)
    assert names == sorted(PUBLIC)  # dir() sorts what __dir__ lists
    assert not any(n.startswith("_") for n in names)
    assert {"stats", "token_range", "selection_df", "to_html", "comparison"} <= set(names)
    for name in names:
        getattr(widget, name)  # every listed name exists
    # the plumbing is private, but still there for the front end
    assert "runs_meta" not in names and "_runs_meta" not in names
    assert isinstance(widget._runs_meta, list) and isinstance(widget._choices, dict)


def test_two_runs_with_one_name_stay_two_runs() -> None:
    a = make_run("same", 400, 0.020, seed=1)
    b = make_run("same", 300, 0.030, seed=2)
    w = TPOTCompare(a, b)
    assert [r["name"] for r in w.stats["runs"]] == ["same (1)", "same (2)"]
    assert [r["n"] for r in w.stats["runs"]] == [400, 300]
    (diff,) = w.stats["differences"]
    assert (diff["name"], diff["baseline"], diff["verdict"]) == ("same (2)", "same (1)", "slower")
    df = w.selection_df()
    assert list(df["run"].cat.categories) == ["same (1)", "same (2)"]
    assert df["run"].value_counts().to_dict() == {"same (1)": 400, "same (2)": 300}
    assert [m["name"] for m in w._runs_meta] == ["same (1)", "same (2)"]
    assert w.stats == compare(a, b).to_dict()


def test_labels_are_the_short_labels_of_the_unique_names() -> None:
    names = [
        "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=256",
        "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=128",
    ]
    w = TPOTCompare(*(make_run(name, 200, seed=i) for i, name in enumerate(names)))
    labels = [m["label"] for m in w._runs_meta]
    assert labels == short_labels(names)
    assert "256" in labels[0] and "128" in labels[1]
    # full names everywhere else
    assert [r["name"] for r in w.stats["runs"]] == names
    assert [m["name"] for m in w._runs_meta] == names
    colours = [m["color"] for m in w._runs_meta]
    assert colours[0] != colours[1]


def test_summary_markdown_follows_the_stats(widget: TPOTCompare) -> None:
    assert widget._summary_markdown == markdown_table(widget.stats)
    widget.token_range = (200, 700)
    assert widget._summary_markdown == markdown_table(widget.stats)
    assert "200 ≤ output tokens ≤ 700" in widget._summary_markdown
    assert "| baseline |" in widget._summary_markdown
    assert "| candidate |" in widget._summary_markdown
    # a name with markup is shown as text when the Markdown is rendered (a PR comment)
    assert "| other &lt;img src=x onerror=alert(1)> |" in widget._summary_markdown
    assert "<img" not in widget._summary_markdown


def test_time_range_selects_by_request_start() -> None:
    timed = [make_run("a", 600, seed=1), make_run("b", 600, seed=2)]
    w = TPOTCompare(*timed)
    w.time_range = (30, None)
    assert w.stats == compare(*timed, time_range=(30, None)).to_dict()
    starts = np.asarray(timed[0]["request_start"])
    np.testing.assert_array_equal(w.selection_mask(0), starts >= 30)
    # runs without start times refuse a time range, and keep their state
    untimed = TPOTCompare(timed[0], make_run("no start times", 300, seed=3, duration=None))
    with pytest.raises(INVALID, match="time_range needs request start times"):
        untimed.time_range = (30, None)
    assert untimed.time_range is None


def test_a_refused_value_from_the_browser_is_answered_not_lost(runs: list[Run]) -> None:
    """The front end sends a threshold params refuses: the kernel says why and answers."""
    w = TPOTCompare(*runs)
    sent: list[Any] = []
    w.send_state = lambda key=None: sent.append(key)  # type: ignore[method-assign]
    before = dict(w.stats)
    w.set_state({"threshold": 1.5, "_request_seq": 7})
    assert w.threshold is None and w._request_seq == 0  # the whole message rolled back
    assert "threshold=1.5" in w.error_message
    assert w._stats_seq == 7  # the browser's request is answered
    assert ["threshold", "_request_seq"] in sent  # and it gets the values in force back
    assert w.stats == before
    w.set_state({"threshold": 0.02, "_request_seq": 8})
    assert w.error_message == "" and w.stats["threshold"] == 0.02 and w._stats_seq == 8


def test_an_unknown_keyword_is_refused_as_compare_refuses_it(runs: list[Run]) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'treshold'") as info:
        TPOTCompare(*runs[:2], treshold=0.02)
    assert "did you mean 'threshold'?" in str(info.value)
    with pytest.raises(TypeError, match="unexpected keyword argument 'treshold'"):
        compare(*runs[:2], treshold=0.02)  # type: ignore[call-arg]


def test_ipywidgets_keywords_still_work(runs: list[Run]) -> None:
    import ipywidgets

    w = TPOTCompare(*runs[:2], layout=ipywidgets.Layout(width="600px"), n_resamples=199)
    assert w.layout.width == "600px"


def test_the_front_end_gets_the_statistics_and_columns_it_offers(widget: TPOTCompare) -> None:
    choices = widget._choices
    assert [s["name"] for s in choices["statistics"]] == ["median", "mean", "p90", "p95", "p99"]
    assert [c["name"] for c in choices["columns"]] == list(COLUMNS)
    widget.statistic = "p95"
    assert widget.stats["statistic"] == "p95"
