"""tpot_widget.report: one self-contained, offline, escaped HTML file with compare()'s numbers."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import plotly.offline
import pytest
from factories import make_run

from tpot_widget import Run, compare
from tpot_widget.demo import demo_runs
from tpot_widget.display import PALETTE, short_labels
from tpot_widget.params import Parameters
from tpot_widget.report import SCATTER_MAX_POINTS, render_html, write_html

XSS = "<img src=x onerror=alert(1)>"
SCRIPT_XSS = "</script><script>alert(2)</script>"


def measured(name: str, seed: int, tpot: float = 0.02) -> Run:
    """A run that looks measured (format "vllm", a source path, one failed request)."""
    return make_run(
        name, seed=seed, tpot=tpot, n_failed=1, format="vllm", source=f"/data/{name}.json"
    )


class Collector(HTMLParser):
    """Elements with a data-testid, their attributes, and the text of every script."""

    def __init__(self) -> None:
        super().__init__()
        self.by_testid: dict[str, list[dict[str, str]]] = {}
        self.scripts: list[dict[str, Any]] = []
        self._in_script: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "data-testid" in attributes:
            self.by_testid.setdefault(attributes["data-testid"], []).append(attributes)
        if tag == "script":
            self._in_script = {"attrs": attributes, "text": ""}
            self.scripts.append(self._in_script)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._in_script["text"] += data


def parse(text: str) -> Collector:
    collector = Collector()
    collector.feed(text)
    return collector


@pytest.fixture(scope="module")
def demo() -> list[Run]:
    return demo_runs(n=800)


@pytest.fixture(scope="module")
def demo_report(demo: list[Run], tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    written = write_html(demo, path, token_range=(100, 400), n_resamples=999)
    assert written == path
    return path.read_text(encoding="utf-8")


def without_plotly(text: str) -> str:
    js = plotly.offline.get_plotlyjs()
    assert text.count(js) == 1
    return text.replace(js, "")


def test_plotly_js_is_inlined_exactly_once(demo_report: str) -> None:
    js = plotly.offline.get_plotlyjs()
    assert demo_report.count(js) == 1
    # Its licence banner, too: no second (e.g. minified differently) copy.
    banner = js.lstrip()[:60]
    assert demo_report.count(banner) == 1
    # Everything but plotly.js is small: data embedded compactly (2 × 800 requests).
    assert len(demo_report) - len(js) < 250_000


def test_nothing_is_loaded_from_the_network(demo_report: str) -> None:
    rest = without_plotly(demo_report)
    assert not re.search(r"<script[^>]*\bsrc\s*=", demo_report, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", rest, re.I)
    assert not re.search(r"<(img|iframe)\b", rest, re.I)
    assert "http://" not in rest and "https://" not in rest and "//cdn" not in rest
    assert "@import" not in rest and "url(" not in rest


def test_scripts_are_the_expected_ones(demo_report: str) -> None:
    doc = parse(demo_report)
    kinds = [s["attrs"].get("type", "text/javascript") for s in doc.scripts]
    assert kinds.count("application/json") == 2
    assert len(doc.scripts) == 5
    assert demo_report.lower().count("</script") == 5


def test_stats_table_matches_compare(demo: list[Run], demo_report: str) -> None:
    expected = compare(*demo, token_range=(100, 400), n_resamples=999).to_dict()
    doc = parse(demo_report)
    rows = doc.by_testid["stat-run"]
    assert [r["data-name"] for r in rows] == [r["name"] for r in expected["runs"]]
    for row, want in zip(rows, expected["runs"], strict=True):
        assert int(row["data-n"]) == want["n"]
        for attr, key in (("data-estimate", "estimate"), ("data-ci-low", "ci_low")):
            assert float(row[attr]) == want[key]
        assert float(row["data-ci-high"]) == want["ci_high"]
    (diff,) = doc.by_testid["stat-diff"]
    want = expected["differences"][0]
    assert float(diff["data-estimate"]) == want["estimate"]
    assert float(diff["data-ci-low"]) == want["ci_low"]
    assert float(diff["data-ci-high"]) == want["ci_high"]
    assert float(diff["data-relative"]) == want["relative"]
    assert diff["data-verdict"] == want["verdict"]
    # The machine-readable copy is the whole dict.
    (stats_script,) = [s for s in doc.scripts if s["attrs"].get("id") == "tpot-stats"]
    assert json.loads(stats_script["text"]) == expected


def test_numbers_are_shown_in_milliseconds(demo: list[Run], demo_report: str) -> None:
    expected = compare(*demo, token_range=(100, 400), n_resamples=999).to_dict()
    estimate_ms = expected["runs"][0]["estimate"] * 1e3
    assert f"{estimate_ms:#.4g} ms" in demo_report


def test_header_says_what_was_compared(demo_report: str) -> None:
    doc = parse(demo_report)
    assert "report-header" in doc.by_testid
    for text in (
        "Time per output token",
        "Output tokens in [100, 400]",
        "median",
        "95% BCa bootstrap",
        "999 resamples",
        "tpot_widget 0.1.0",
        "UTC",
        "synthetic: baseline (TP=1, max_num_seqs=256)",
    ):
        assert text in demo_report, text
    assert "synthetic-note" in doc.by_testid


def test_no_synthetic_note_for_measured_runs(tmp_path: Path) -> None:
    text = render_html([measured("a", 1), measured("b", 2)], n_resamples=199)
    assert "synthetic-note" not in parse(text).by_testid
    assert "all requests" in text
    assert "/data/a.json" in text


def test_plots_carry_the_figures(demo_report: str) -> None:
    doc = parse(demo_report)
    assert "scatter" in doc.by_testid and "compare" in doc.by_testid
    (data,) = [s for s in doc.scripts if s["attrs"].get("id") == "tpot-data"]
    payload = json.loads(data["text"])
    assert set(payload["figures"]) == {"scatter", "time", "compare", "ecdf", "shift"}
    scatter = payload["figures"]["scatter"]["data"]
    points = [t for t in scatter if t["type"] == "scattergl"]
    names = [
        "synthetic: baseline (TP=1, max_num_seqs=256)",
        "synthetic: candidate (TP=1, max_num_seqs=128)",
    ]
    assert [t["meta"]["run"] for t in points] == names
    assert [t["name"] for t in points] == short_labels(names)
    # Typed arrays travel as base64 blobs, each distinct one stored once.
    assert payload["blobs"] and len(set(payload["blobs"])) == len(payload["blobs"])
    assert payload["template"]["layout"]["paper_bgcolor"] == "white"
    assert payload["figures"]["compare"]["layout"]["xaxis"]["type"] == "log"


@pytest.mark.parametrize("name", [XSS, SCRIPT_XSS, "quote \" and ' & amp"])
def test_run_names_are_text_never_html(name: str) -> None:
    text = render_html([measured(name, 1), measured("other", 2)], n_resamples=199)
    assert name not in text
    assert "<img" not in without_plotly(text)
    assert text.lower().count("</script") == 5
    doc = parse(text)
    assert doc.by_testid["stat-run"][0]["data-name"] == name  # the attribute decodes back
    assert doc.by_testid["run-label"][0]["title"] == name  # the cell's hover title, too
    (stats_script,) = [s for s in doc.scripts if s["attrs"].get("id") == "tpot-stats"]
    assert json.loads(stats_script["text"])["runs"][0]["name"] == name


def test_duplicate_run_names_are_told_apart() -> None:
    text = render_html([measured("same", 1), measured("same", 2)], n_resamples=199)
    names = [r["data-name"] for r in parse(text).by_testid["stat-run"]]
    assert names == ["same (1)", "same (2)"]


def test_three_runs_and_other_dimensions() -> None:
    runs = [measured("a", 1), measured("b", 2, tpot=0.03), measured("c", 3)]
    text = render_html(
        runs, dimension="time_to_first_token", statistic="p90", n_resamples=199, log_axis=False
    )
    doc = parse(text)
    assert len(doc.by_testid["stat-run"]) == 3
    assert len(doc.by_testid["stat-diff"]) == 2
    assert "Time to first token" in text
    assert "p90" in text


def test_bad_token_range_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"token_range=\(500, 100\) is empty: the lower bound"):
        render_html([measured("a", 1), measured("b", 2)], token_range=(500, 100))


def test_unwritable_path_names_the_file(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "r.html"
    with pytest.raises(OSError, match="missing-dir"):
        write_html([measured("a", 1), measured("b", 2)], target, n_resamples=199)


class FakeLLMeterResult:
    """Duck-typed `llmeter.results.Result`: `run_name` and `responses` (dicts, as saved)."""

    def __init__(self, run: Run) -> None:
        self.run_name = run.name
        # Python numbers, as llmeter's InvocationResponse holds them (not numpy scalars)
        self.responses = [
            {
                "time_to_first_token": float(run["time_to_first_token"][i]),
                "time_to_last_token": None
                if np.isnan(run["time_to_last_token"][i])
                else float(run["time_to_last_token"][i]),
                "num_tokens_output": int(run["num_tokens_output"][i]),
                "num_tokens_input": 100,
                "error": run["error"][i],
            }
            for i in range(len(run))
        ]


def test_llmeter_results_and_paths_are_accepted(fixtures_dir: Path) -> None:
    run = measured("from a Result", 7)
    llmeter_folder = fixtures_dir / "llmeter" / "v0.1.12-tiny-run-a"
    text = render_html([FakeLLMeterResult(run), run, llmeter_folder], n_resamples=199)
    rows = parse(text).by_testid["stat-run"]
    assert [r["data-name"] for r in rows][:2] == ["from a Result (1)", "from a Result (2)"]
    assert rows[0]["data-estimate"] == rows[1]["data-estimate"]  # the same data either way
    assert int(rows[0]["data-n"]) == run.valid("time_per_output_token").sum()
    assert str(llmeter_folder) in text  # the folder run's source is named in the header


def test_duplicate_names_stay_two_runs_with_their_own_numbers() -> None:
    a, b = measured("same", 1), measured("same", 2, tpot=0.03)
    text = render_html([a, b], n_resamples=199)
    doc = parse(text)
    rows = doc.by_testid["stat-run"]
    assert [r["data-name"] for r in rows] == ["same (1)", "same (2)"]
    want = compare(a, b, n_resamples=199).to_dict()
    assert [float(r["data-estimate"]) for r in rows] == [r["estimate"] for r in want["runs"]]
    assert rows[0]["data-estimate"] != rows[1]["data-estimate"]
    (diff,) = doc.by_testid["stat-diff"]
    assert diff["data-name"] == "same (2)" and diff["data-verdict"] == "slower"
    # each run keeps its own colour in the plots
    (data,) = [s for s in doc.scripts if s["attrs"].get("id") == "tpot-data"]
    traces = json.loads(data["text"])["figures"]["scatter"]["data"]
    colours = {t["name"]: t["marker"]["color"] for t in traces if t["type"] == "scattergl"}
    assert colours == {"same (1)": PALETTE[0], "same (2)": PALETTE[1]}


def test_open_ended_range_gives_strict_json() -> None:
    text = render_html(
        [measured("a", 1), measured("b", 2)], token_range=(100, None), n_resamples=199
    )
    (stats_script,) = [s for s in parse(text).scripts if s["attrs"].get("id") == "tpot-stats"]
    stats = json.loads(stats_script["text"])
    assert stats["token_range"] == [100, None]
    json.dumps(stats, allow_nan=False)
    assert "Infinity" not in stats_script["text"] and "NaN" not in stats_script["text"]


def test_parameters_object_or_keywords_give_the_same_report() -> None:
    runs = [measured("a", 1), measured("b", 2)]
    values = {"statistic": "P90", "token_range": (50, 600), "n_resamples": 199}
    by_keywords = parse(render_html(runs, **values))
    by_object = parse(render_html(runs, parameters=Parameters.from_user(**values)))
    assert by_keywords.by_testid["stat-run"] == by_object.by_testid["stat-run"]
    assert by_keywords.by_testid["stat-diff"] == by_object.by_testid["stat-diff"]
    with pytest.raises(TypeError, match="either"):
        render_html(runs, parameters=Parameters.from_user(), statistic="mean")


# --- the time, ECDF and shift views; time range and SLO ------------------------------------

SLO = {"time_per_output_token": 0.025, "time_to_first_token": 0.25}


def payload_of(doc: Collector) -> dict[str, Any]:
    (data,) = [s for s in doc.scripts if s["attrs"].get("id") == "tpot-data"]
    return json.loads(data["text"])


def stats_of(doc: Collector) -> dict[str, Any]:
    (script,) = [s for s in doc.scripts if s["attrs"].get("id") == "tpot-stats"]
    return json.loads(script["text"])


def metas(figure: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """A figure's traces (as embedded) keyed by (run, role) of their meta."""
    return {(t["meta"]["run"], t["meta"]["role"]): t for t in figure["data"] if "meta" in t}


@pytest.fixture(scope="module")
def selected() -> tuple[list[Run], str]:
    runs = [measured("a", 1), measured("b", 2, tpot=0.025), measured("c", 3)]
    text = render_html(runs, token_range=(100, 800), time_range=(10, 50), slo=SLO, n_resamples=199)
    return runs, text


def test_report_carries_the_new_views_of_the_selection(selected: tuple[list[Run], str]) -> None:
    runs, text = selected
    doc = parse(text)
    for testid in ("scatter", "time", "compare", "ecdf", "shift"):
        assert testid in doc.by_testid, testid
    payload = payload_of(doc)
    assert list(payload["figures"]) == ["scatter", "time", "compare", "ecdf", "shift"]
    stats = stats_of(doc)
    assert stats["time_range"] == [10, 50]
    # The ECDF draws exactly the rows the statistics use (compare's selection) per run.
    ecdf = metas(payload["figures"]["ecdf"])
    for row in stats["runs"]:
        assert ecdf[row["name"], "selection"]["meta"]["n"] == row["n"]
    # One time trace set per run; one shift trace set per non-baseline run.
    time = metas(payload["figures"]["time"])
    assert {name for name, _ in time} == {r.name for r in runs}
    shift = metas(payload["figures"]["shift"])
    assert {name for name, _ in shift} == {"b", "c"}
    assert payload["figures"]["shift"]["layout"]["xaxis"]["title"]["text"] == (
        "quantile of the baseline"
    )
    # The selected time range is shaded on the time view.
    (band,) = [s for s in payload["figures"]["time"]["layout"]["shapes"] if s["type"] == "rect"]
    assert (band["x0"], band["x1"]) == (10, 50)


def test_header_names_both_ranges(selected: tuple[list[Run], str]) -> None:
    _, text = selected
    assert "Output tokens in [100, 800] (inclusive) and 10 s ≤ request start ≤ 50 s" in text
    only_time = render_html([measured("a", 1), measured("b", 2)], time_range=(5, None),
                            n_resamples=199)  # fmt: skip
    assert "request start ≥ 5 s" in only_time and "Output tokens in" not in only_time


def test_slo_lines_are_drawn_where_the_axis_is_that_column(
    selected: tuple[list[Run], str],
) -> None:
    _, text = selected
    doc = parse(text)
    assert "slo-table" in doc.by_testid
    figures = payload_of(doc)["figures"]

    def slo_lines(key: str) -> list[tuple[str, float]]:
        shapes = figures[key]["layout"].get("shapes", [])
        return sorted(
            (s["xref"], s["x0"]) if s["x0"] == s["x1"] else (s["yref"], s["y0"])
            for s in shapes
            if s.get("name") == "slo"
        )

    tpot = SLO["time_per_output_token"]
    assert slo_lines("time") == [("y", tpot)]
    assert slo_lines("ecdf") == [("x", tpot)]
    assert slo_lines("compare") == [("x", tpot), ("x2", tpot)]
    assert slo_lines("scatter") == [("y", tpot)]  # x is output tokens: no objective there
    assert slo_lines("shift") == []
    ttft = render_html(
        [measured("a", 1), measured("b", 2)],
        dimension="time_to_first_token",
        slo=SLO,
        n_resamples=199,
    )
    assert ("y", SLO["time_to_first_token"]) in [
        (s["yref"], s["y0"])
        for s in payload_of(parse(ttft))["figures"]["time"]["layout"]["shapes"]
        if s.get("name") == "slo"
    ]


def test_an_empty_selection_renders_with_notes() -> None:
    runs = [measured("a", 1), measured("b", 2)]
    text = render_html(runs, token_range=(5000, None), n_resamples=199)
    doc = parse(text)
    rows = doc.by_testid["stat-run"]
    assert [r["data-n"] for r in rows] == ["0", "0"]
    assert [r["data-estimate"] for r in rows] == ["", ""]
    assert text.count("<td>not enough data</td>") == 2
    (diff,) = doc.by_testid["stat-diff"]
    assert diff["data-verdict"] == "not enough data"
    for testid in ("compare", "ecdf", "shift"):
        assert testid not in doc.by_testid, testid
        assert f"{testid}-empty" in doc.by_testid, testid
    assert "no request in the selection (Output tokens in [5000, ∞] (inclusive))" in text
    # the views of every request still show where the requests are
    assert set(payload_of(doc)["figures"]) == {"scatter", "time"}
    assert "scatter" in doc.by_testid and "time" in doc.by_testid


def test_an_empty_time_range_renders_too() -> None:
    runs = [measured("a", 1), measured("b", 2)]
    doc = parse(render_html(runs, time_range=(1000, None), slo=SLO, n_resamples=199))
    assert set(payload_of(doc)["figures"]) == {"time"}
    for testid in ("scatter", "compare", "ecdf", "shift"):
        assert f"{testid}-empty" in doc.by_testid, testid
    assert [r["data-n"] for r in doc.by_testid["slo-run"]] == ["0", "0"]


def test_runs_without_start_times_are_named_on_the_time_view() -> None:
    timed, untimed = measured("timed", 1), make_run("untimed", seed=2, duration=None)
    doc = parse(render_html([timed, untimed], n_resamples=199))
    time = payload_of(doc)["figures"]["time"]
    assert {name for name, _ in metas(time)} == {"timed"}
    assert [a["text"] for a in time["layout"]["annotations"]] == ["untimed: no request start times"]
    neither = [make_run("x", seed=1, duration=None), make_run("y", seed=2, duration=None)]
    doc = parse(render_html(neither, n_resamples=199))
    assert "time" not in doc.by_testid and "time-empty" in doc.by_testid
    assert "No request start times in these runs" in render_html(neither, n_resamples=199)


def test_report_of_two_10k_runs_stays_small() -> None:
    runs = [make_run("a", n=10_000, seed=1), make_run("b", n=10_000, seed=2, tpot=0.022)]
    text = render_html(runs, token_range=(100, 800), time_range=(5, None), n_resamples=199)
    rest = len(text) - len(plotly.offline.get_plotlyjs())
    print(f"2 x 10k report: {len(text):,} characters, {rest:,} besides plotly.js")
    # Points as float32 base64 (~5.3 bytes a value) for the scatter and the time view; the
    # ECDFs, rolling lines and shift function are a few hundred points whatever the size.
    assert rest < 800_000


# --- short labels (issue 12) and big runs ------------------------------------------------

ISSUE12 = "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs="
ISSUE12_NAMES = [ISSUE12 + "256", ISSUE12 + "128"]
ISSUE12_LABELS = ["max_num_seqs=256", "max_num_seqs=128"]


class Cells(HTMLParser):
    """The text and attributes of every `td[data-testid="run-label"]`, by its table."""

    def __init__(self) -> None:
        super().__init__()
        self.table = ""
        self.cells: list[tuple[str, dict[str, str], str]] = []
        self._cell: dict[str, str] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.table = attributes.get("data-testid", "")
        if attributes.get("data-testid") == "run-label":
            self._cell, self._text = attributes, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells.append((self.table, self._cell, self._text))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text += data


def legend_names(figure: dict[str, Any]) -> list[str]:
    """The legend entries of an embedded figure (traces shown in the legend)."""
    return [t["name"] for t in figure["data"] if t.get("showlegend", True) and "meta" in t]


def test_issue12_names_show_their_short_labels_with_the_full_name_on_hover() -> None:
    runs = [measured(ISSUE12_NAMES[0], 1), measured(ISSUE12_NAMES[1], 2, tpot=0.025)]
    text = render_html(runs, slo=SLO, n_resamples=199)
    cells = Cells()
    cells.feed(text)
    by_table: dict[str, list[tuple[str, str]]] = {}
    for table, attrs, shown in cells.cells:
        by_table.setdefault(table, []).append((shown, attrs["title"]))
    assert by_table == {
        "stats-table": list(zip(ISSUE12_LABELS, ISSUE12_NAMES, strict=True)),
        "diff-table": [(ISSUE12_LABELS[1], ISSUE12_NAMES[1])],
        "slo-table": list(zip(ISSUE12_LABELS, ISSUE12_NAMES, strict=True)),
        "slo-diff-table": [(ISSUE12_LABELS[1], ISSUE12_NAMES[1])],
    }
    doc = parse(text)
    for testid in ("stat-run", "stat-diff", "slo-run", "slo-diff"):
        for row in doc.by_testid[testid]:  # the DOM contract: data-name is the full name
            assert row["data-name"] in ISSUE12_NAMES
            assert row["data-label"] == ISSUE12_LABELS[ISSUE12_NAMES.index(row["data-name"])]
    # In full in the header's run list and in the machine-readable statistics.
    for name, label in zip(ISSUE12_NAMES, ISSUE12_LABELS, strict=True):
        assert f"<strong>{name}</strong>" in text
        assert f"shown as “{label}”" in text
    assert [r["name"] for r in stats_of(doc)["runs"]] == ISSUE12_NAMES
    # Every legend shows the labels; the traces name the run in full (meta and hover).
    figures = payload_of(doc)["figures"]
    for key in ("scatter", "time", "compare", "ecdf"):
        assert legend_names(figures[key]) == ISSUE12_LABELS, key
        for trace in figures[key]["data"]:
            if "hovertemplate" in trace and "meta" in trace:
                assert trace["meta"]["run"] in trace["hovertemplate"], (key, trace["name"])
    boxes = [t for t in figures["compare"]["data"] if t["type"] == "box"]
    assert [t["name"] for t in boxes] == ISSUE12_LABELS
    (shift,) = [t for t in figures["shift"]["data"] if t["meta"]["role"] == "difference"]
    assert shift["name"] == " − ".join(reversed(ISSUE12_LABELS))
    assert " − ".join(reversed(ISSUE12_NAMES)) in shift["hovertemplate"]


def test_short_names_stay_whole() -> None:
    doc = parse(render_html([measured("a", 1), measured("b", 2)], n_resamples=199))
    assert [r["data-label"] for r in doc.by_testid["stat-run"]] == ["a", "b"]
    assert [c["title"] for c in doc.by_testid["run-label"]] == ["a", "b", "b"]


def points_of(doc: Collector) -> dict[str, dict[str, Any]]:
    scatter = payload_of(doc)["figures"]["scatter"]["data"]
    return {t["meta"]["run"]: t for t in scatter if t["meta"]["role"] == "points"}


def test_a_big_run_draws_a_sample_and_says_so() -> None:
    big = SCATTER_MAX_POINTS + 5_000
    runs = [make_run("big", n=big, seed=1), measured("small", 2)]
    doc = parse(render_html(runs, n_resamples=199))
    points = points_of(doc)
    total = int(runs[0].valid("time_per_output_token").sum())
    assert points["big"]["meta"] == {
        "run": "big", "role": "points", "drawn": SCATTER_MAX_POINTS, "total": total,
    }  # fmt: skip
    assert points["small"]["meta"]["drawn"] == points["small"]["meta"]["total"]
    assert len(doc.by_testid["scatter-sampled"]) == 1
    text = render_html(runs, n_resamples=199)
    assert f"showing {SCATTER_MAX_POINTS:,} of {total:,} requests of <strong>big</strong>" in text
    assert "every statistic count every request" in text
    # the marginal histogram counts every request, the statistics too
    scatter = payload_of(doc)["figures"]["scatter"]["data"]
    marginal = {"run": "big", "role": "x_marginal", "n": total}
    assert [t["meta"] for t in scatter if t["meta"] == marginal] == [marginal]
    assert stats_of(doc)["runs"][0]["n"] == total
    small = parse(render_html([measured("a", 1), measured("b", 2)], n_resamples=199))
    assert "scatter-sampled" not in small.by_testid


def test_report_of_two_200k_runs_size() -> None:
    """Prints the report's size at 2 × 200k requests (run with -s); points are sampled."""
    n = 200_000
    runs = [make_run(ISSUE12_NAMES[0], n=n, seed=1), make_run(ISSUE12_NAMES[1], n=n, seed=2)]
    text = render_html(runs, token_range=(100, 800), n_resamples=199)
    doc = parse(text)
    payload = payload_of(doc)
    blobs = payload["blobs"]

    def blob_bytes(node: Any, seen: set[int]) -> set[int]:
        if isinstance(node, dict):
            if "$blob" in node:
                seen.add(node["$blob"])
            for value in node.values():
                blob_bytes(value, seen)
        elif isinstance(node, list):
            for value in node:
                blob_bytes(value, seen)
        return seen

    sizes = {
        key: sum(len(blobs[i]) for i in blob_bytes(fig, set()))
        for key, fig in payload["figures"].items()
    }
    rest = len(text) - len(plotly.offline.get_plotlyjs())
    print(f"\n2 x 200k report: {len(text):,} characters, {rest:,} besides plotly.js; "
          f"figure data: {sizes}")  # fmt: skip
    assert all(t["meta"]["drawn"] == SCATTER_MAX_POINTS for t in points_of(doc).values())
    assert sizes["scatter"] < 600_000  # 2 runs × 20,000 points × (x, y) float32 in base64
