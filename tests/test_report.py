"""tpot_widget.report: one self-contained, offline, escaped HTML file: the widget over an
embedded model holding compare()'s numbers and the columns the views draw."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from factories import make_run

from tpot_widget import Run, TPOTCompare, compare
from tpot_widget._transport import thin_rows
from tpot_widget.demo import demo_runs
from tpot_widget.params import Parameters
from tpot_widget.report import MAX_POINTS, REPORT_JS, render_html, write_html
from tpot_widget.tables import markdown_table

XSS = "<img src=x onerror=alert(1)>"
SCRIPT_XSS = "</script><script>alert(2)</script>"
BUNDLE = REPORT_JS.read_text(encoding="utf-8")


def measured(name: str, seed: int, tpot: float = 0.02, n: int = 300) -> Run:
    """A run that looks measured (format "vllm", a source path, one failed request)."""
    return make_run(
        name, n=n, seed=seed, tpot=tpot, n_failed=1, format="vllm", source=f"/data/{name}.json"
    )


class Page(HTMLParser):
    """Elements with a data-testid (attributes, text) and every script (attributes, text)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.by_testid: dict[str, list[dict[str, str]]] = {}
        self.texts: dict[str, str] = {}
        self.scripts: list[dict[str, Any]] = []
        self._in_script: dict[str, Any] | None = None
        self._open: list[tuple[str, str]] = []  # (tag, testid) of the open testid elements
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "data-testid" in attributes:
            testid = attributes["data-testid"]
            self.by_testid.setdefault(testid, []).append(attributes)
            self.texts.setdefault(testid, "")
            self._open.append((tag, testid))
        if tag == "script":
            self._in_script = {"attrs": attributes, "text": ""}
            self.scripts.append(self._in_script)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._in_script["text"] += data
        for _, testid in self._open:
            self.texts[testid] += data

    def model(self) -> dict[str, Any]:
        (script,) = [s for s in self.scripts if s["attrs"].get("id") == "tpot-model"]
        assert script["attrs"]["type"] == "application/json"
        data: dict[str, Any] = json.loads(script["text"])
        return data


def columns_of(model: dict[str, Any]) -> dict[str, np.ndarray]:
    """The embedded columns decoded as the browser decodes them (base64 → dtype)."""
    return {
        c["key"]: np.frombuffer(base64.b64decode(c["data"]), dtype=c["dtype"]).reshape(c["shape"])
        for c in model["columns"]
    }


@pytest.fixture(scope="module")
def demo() -> list[Run]:
    return demo_runs(n=800)


@pytest.fixture(scope="module")
def demo_report(demo: list[Run], tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    written = write_html(demo, path, token_range=(100, 400), n_resamples=999)
    assert written == path
    return path.read_text(encoding="utf-8")


def without_bundle(text: str) -> str:
    assert text.count(BUNDLE) == 1
    return text.replace(BUNDLE, "")


# --- one self-contained file -----------------------------------------------------------------


def test_the_widgets_bundle_is_inlined_once_and_no_figure_is_built(demo_report: str) -> None:
    assert demo_report.count(BUNDLE) == 1
    page = Page(demo_report)
    assert [(s["attrs"].get("id"), s["attrs"].get("type")) for s in page.scripts] == [
        ("tpot-stats", "application/json"),
        ("tpot-model", "application/json"),
        (None, None),
    ]
    assert demo_report.lower().count("</script") == 3
    # the widget is mounted in the page; no plotly figure (data + layout) is embedded
    assert "report-widget" in page.by_testid
    rest = without_bundle(demo_report)
    assert '"layout"' not in rest and '"bdata"' not in rest and "Plotly.newPlot" not in rest


def test_nothing_is_loaded_from_the_network(demo_report: str) -> None:
    rest = without_bundle(demo_report)
    assert not re.search(r"<script[^>]*\bsrc\s*=", demo_report, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", rest, re.I)
    assert not re.search(r"<(img|iframe)\b", rest, re.I)
    assert "http://" not in rest and "https://" not in rest and "//cdn" not in rest
    assert "@import" not in rest and "url(" not in rest


def test_the_model_holds_every_trait_of_the_widget_and_compares_numbers(
    demo: list[Run], demo_report: str
) -> None:
    model = Page(demo_report).model()
    state = model["state"]
    assert set(TPOTCompare.class_own_traits(sync=True)) | {"_report"} == set(state)
    expected = compare(*demo, token_range=(100, 400), n_resamples=999).to_dict()
    assert state["stats"] == expected
    (stats,) = [s for s in Page(demo_report).scripts if s["attrs"].get("id") == "tpot-stats"]
    assert json.loads(stats["text"]) == expected  # the statistics alone, machine-readable
    assert state["token_range"] == [100, 400] and state["time_range"] is None
    assert state["_summary_markdown"] == markdown_table(expected)
    assert state["_report"] == {"command": "tpot-compare"}
    assert [m["name"] for m in state["_runs_meta"]] == [r.name for r in demo]


def test_the_columns_round_trip_exactly_as_float32(demo: list[Run], demo_report: str) -> None:
    columns = columns_of(Page(demo_report).model())
    assert set(columns) == {
        f"{i}/{c}"
        for i in range(2)
        for c in ("num_tokens_output", "time_per_output_token", "error", "request_start")
    }
    for i, run in enumerate(demo):
        for name in ("num_tokens_output", "time_per_output_token", "request_start"):
            got = columns[f"{i}/{name}"]
            assert got.dtype == np.float32
            np.testing.assert_array_equal(got, run[name].astype(np.float32))  # NaN == NaN here
        np.testing.assert_array_equal(columns[f"{i}/error"], run.errors.astype(np.uint8))


def test_only_the_columns_of_the_compared_pair_and_existing_start_times() -> None:
    timed, untimed = measured("timed", 1), make_run("untimed", seed=2, duration=None)
    model = Page(
        render_html([timed, untimed], dimension="time_to_first_token", n_resamples=199)
    ).model()
    keys = [c["key"] for c in model["columns"]]
    assert keys == [
        "0/num_tokens_output",
        "0/time_to_first_token",
        "0/error",
        "0/request_start",
        "1/num_tokens_output",
        "1/time_to_first_token",
        "1/error",
    ]


def test_big_runs_are_thinned_evenly_and_the_page_says_so() -> None:
    n = MAX_POINTS * 3 + 7
    big, small = make_run("big", n=n, seed=1), measured("small", 2)
    text = render_html([big, small], n_resamples=199)
    page = Page(text)
    model = page.model()
    columns = columns_of(model)
    rows = thin_rows(n, MAX_POINTS)
    assert rows is not None and len(rows) == MAX_POINTS
    # one row from each of MAX_POINTS equal consecutive blocks: spread over the whole run
    blocks = np.arange(MAX_POINTS + 1) * n // MAX_POINTS
    assert np.all((rows >= blocks[:-1]) & (rows < blocks[1:]))
    for name in ("num_tokens_output", "time_per_output_token", "request_start"):
        np.testing.assert_array_equal(columns[f"0/{name}"], big[name][rows].astype(np.float32))
    np.testing.assert_array_equal(columns["0/error"], big.errors[rows].astype(np.uint8))
    assert len(columns["1/error"]) == len(small)  # small runs whole
    # the statistics count every request; the page says the views draw a sample
    assert model["state"]["stats"]["runs"][0]["n"] == int(big.valid("time_per_output_token").sum())
    note = page.texts["thinned-note"]
    assert f"{MAX_POINTS:,} of the {n:,} requests of big" in note
    assert "statistics count every request" in note
    assert "thinned-note" not in Page(render_html([small, measured("b", 3)])).by_testid


def test_report_of_two_200k_runs_stays_small() -> None:
    """At 2 × 200k requests the embedded columns are 2 × 20,000 rows (benchmarks/bench_report.py
    prints the size and the time Chromium takes to open it)."""
    runs = [make_run("a", n=200_000, seed=1), make_run("b", n=200_000, seed=2)]
    text = render_html(runs, token_range=(100, 800), n_resamples=199)
    model = Page(text).model()
    assert {len(v) for v in columns_of(model).values()} == {MAX_POINTS}
    model_bytes = len(json.dumps(model))
    print(f"\n2 x 200k report: {len(text):,} characters, the model {model_bytes:,}")
    assert model_bytes < 1_500_000


# --- what the header says ------------------------------------------------------------------


def test_header_says_what_was_compared(demo_report: str) -> None:
    page = Page(demo_report)
    header = page.texts["report-header"]
    for text in (
        "time per output token (TPOT)",
        "100 ≤ output tokens ≤ 400, inclusive",
        "median",
        "95% BCa bootstrap",
        "999 resamples",
        "fixed default seed (0)",
        "tpot_widget 0.1.0",
        "UTC",
        "synthetic: baseline (TP=1, max_num_seqs=256)",
        "shown as “baseline · max_num_seqs=256”",
    ):
        assert text in header, text
    assert "synthetic-note" in page.by_testid
    assert page.texts["report-selection"] == "100 ≤ output tokens ≤ 400, inclusive"


def test_header_names_both_ranges_and_measured_sources() -> None:
    runs = [measured("a", 1), measured("b", 2)]
    page = Page(render_html(runs, token_range=(100, 800), time_range=(10, 50), n_resamples=199))
    assert page.texts["report-selection"] == (
        "100 ≤ output tokens ≤ 800 and 10 s ≤ request start ≤ 50 s "
        "(seconds since each run's first request), inclusive"
    )
    assert "synthetic-note" not in page.by_testid
    assert "/data/a.json" in page.texts["report-header"]
    only_time = Page(render_html(runs, time_range=(5, None), n_resamples=199))
    assert only_time.texts["report-selection"].startswith("request start ≥ 5 s")
    assert Page(render_html(runs, n_resamples=199)).texts["report-selection"] == "all requests"


def test_title_and_other_dimensions() -> None:
    runs = [measured("a", 1), measured("b", 2, tpot=0.03), measured("c", 3)]
    text = render_html(runs, dimension="time_to_first_token", statistic="p90", n_resamples=199)
    assert "<title>Time to first token (TTFT): comparison of 3 runs</title>" in text
    stats = Page(text).model()["state"]["stats"]
    assert stats["statistic"] == "p90" and len(stats["differences"]) == 2
    assert "<title>A &amp; B</title>" in render_html(runs[:2], title="A & B", n_resamples=199)


# --- user text is text ---------------------------------------------------------------------


@pytest.mark.parametrize("name", [XSS, SCRIPT_XSS, "quote \" and ' & amp"])
def test_run_names_are_text_never_html(name: str) -> None:
    text = render_html([measured(name, 1), measured("other", 2)], n_resamples=199)
    rest = without_bundle(text)
    assert name not in rest
    assert "<img" not in rest
    assert text.lower().count("</script") == 3
    page = Page(text)
    assert name in page.texts["report-header"]  # shown, as text
    model = page.model()
    assert model["state"]["stats"]["runs"][0]["name"] == name  # the JSON decodes back
    assert model["state"]["_runs_meta"][0]["name"] == name


# --- arguments -----------------------------------------------------------------------------


def test_a_comparison_or_a_seed_gives_the_statistics_shown() -> None:
    runs = [measured("a", 1), measured("b", 2)]
    seeded = compare(*runs, n_resamples=199, random_state=7)
    by_seed = Page(render_html(runs, n_resamples=199, random_state=7)).model()["state"]
    assert by_seed["stats"] == seeded.to_dict()
    by_comparison = Page(render_html(runs, n_resamples=199, comparison=seeded)).model()["state"]
    assert by_comparison["stats"] == seeded.to_dict()
    assert by_comparison["_summary_markdown"] == markdown_table(seeded.to_dict())
    assert (
        "seed 7" in Page(render_html(runs, n_resamples=199, random_state=7)).texts["report-header"]
    )


def test_the_widgets_report_is_the_widget_as_it_is(tmp_path: Path) -> None:
    runs = [measured("a", 1), measured("b", 2)]
    w = TPOTCompare(*runs, n_resamples=199, slo={"time_per_output_token": 0.025})
    w.token_range = (200, 600)
    w.log_axis = False
    state = Page(w.to_html(tmp_path / "w.html").read_text(encoding="utf-8")).model()["state"]
    assert state["stats"] == w.stats
    assert state["token_range"] == [200, 600] and state["log_axis"] is False
    assert state["slo"] == {"time_per_output_token": 0.025}


def test_parameters_object_or_keywords_give_the_same_model() -> None:
    runs = [measured("a", 1), measured("b", 2)]
    values = {"statistic": "P90", "token_range": (50, 600), "n_resamples": 199}
    by_keywords = Page(render_html(runs, **values)).model()
    by_object = Page(render_html(runs, parameters=Parameters.from_user(**values))).model()
    assert by_keywords == by_object
    with pytest.raises(TypeError, match="either"):
        render_html(runs, parameters=Parameters.from_user(), statistic="mean")


def test_open_ended_range_gives_strict_json() -> None:
    text = render_html(
        [measured("a", 1), measured("b", 2)], token_range=(100, None), n_resamples=199
    )
    (script,) = [s for s in Page(text).scripts if s["attrs"].get("id") == "tpot-model"]
    assert "Infinity" not in script["text"] and "NaN" not in script["text"]
    state = json.loads(script["text"])["state"]
    assert state["stats"]["token_range"] == [100, None] and state["token_range"] == [100, None]


def test_an_empty_selection_is_written_with_its_notes() -> None:
    text = render_html([measured("a", 1), measured("b", 2)], token_range=(5000, None))
    stats = Page(text).model()["state"]["stats"]
    assert [r["n"] for r in stats["runs"]] == [0, 0]
    assert stats["differences"][0]["verdict"] == "not enough data"
    assert stats["notes"]


def test_duplicate_run_names_are_told_apart() -> None:
    text = render_html([measured("same", 1), measured("same", 2)], n_resamples=199)
    state = Page(text).model()["state"]
    assert [r["name"] for r in state["stats"]["runs"]] == ["same (1)", "same (2)"]
    first, second = state["_runs_meta"]
    assert first["color"] != second["color"]


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
    runs = Page(text).model()["state"]["stats"]["runs"]
    assert [r["name"] for r in runs][:2] == ["from a Result (1)", "from a Result (2)"]
    assert runs[0]["estimate"] == runs[1]["estimate"]  # the same data either way
    assert runs[0]["n"] == run.valid("time_per_output_token").sum()
    assert str(llmeter_folder) in text  # the folder run's source is named in the header


def test_bad_token_range_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"token_range=\(500, 100\) is empty: the lower bound"):
        render_html([measured("a", 1), measured("b", 2)], token_range=(500, 100))


def test_unwritable_path_names_the_file(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "r.html"
    with pytest.raises(OSError, match="missing-dir"):
        write_html([measured("a", 1), measured("b", 2)], target, n_resamples=199)


def test_a_missing_bundle_says_how_to_build_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tpot_widget.report as report

    monkeypatch.setattr(report, "REPORT_JS", tmp_path / "report.js")
    with pytest.raises(FileNotFoundError, match=r"report\.js is missing: build the front end"):
        render_html([measured("a", 1), measured("b", 2)], n_resamples=199)


# --- sweeps: the load and Pareto views, every level --------------------------------------------


@pytest.fixture(scope="module")
def sweeps() -> list[Any]:
    from factories import make_sweep

    a = make_sweep("A", [1, 2, 4, 8], lambda x: 0.02 * (1 + x.value / 8), repeats=2, n=150)
    b = make_sweep("B", [1, 4, 8, 16], lambda x: 0.018 * (1 + x.value / 6), seed=3, n=150)
    return [a, b]


def test_a_sweep_report_holds_the_load_and_pareto_views_and_every_level(sweeps: list[Any]) -> None:
    from tpot_widget import compare_sweeps

    slo = {"time_per_output_token": 0.03}
    text = render_html(sweeps, n_resamples=199, slo=slo, token_range=(50, None))
    page = Page(text)
    model = page.model()
    state = model["state"]
    want = compare_sweeps(*sweeps, n_resamples=199, slo=slo, token_range=(50, None))
    assert state["sweep_stats"] == want.to_dict()  # what the load and Pareto views draw
    # every level offered, each with the runs and numbers a widget shows there
    offered = [level["value"] for level in state["_choices"]["load_levels"]]
    assert offered == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert [level["load_level"] for level in model["levels"]] == offered
    w = TPOTCompare(*sweeps, n_resamples=199, slo=slo, token_range=(50, None))
    for level in model["levels"]:
        w.load_level = level["load_level"]
        assert level["stats"] == w.stats
        assert level["_runs_meta"] == w._runs_meta
        assert level["_summary_markdown"] == w._summary_markdown
    w.close()
    # B did not run 2: at that level it is shown at its nearest, and the panel's notes say so
    (at2,) = [level for level in model["levels"] if level["load_level"] == 2.0]
    assert at2["_runs_meta"][1]["level_note"] is not None
    assert at2["stats"]["notes"][0] == at2["_runs_meta"][1]["level_note"]
    # the report opens at the level a widget opens at; its columns are keyed by run key, for
    # every configuration-level (a, then b): any level can be shown without a kernel
    assert state["load_level"] == 8.0
    keys = {c["key"].split("/")[0] for c in model["columns"]}
    assert keys == {f"L{i}.C0" for i in range(4)} | {f"L{i}.C1" for i in (0, 2, 3, 4)}
    assert "levels_note" not in state["_report"]
    header = page.texts["report-header"]
    assert "Time per output token (TPOT): 2 configurations across 5 load levels" in header
    assert "4 load levels, 8 runs" in header and "4 load levels, 4 runs" in header
    assert page.texts["report-level"].startswith("concurrency 8")
    # the model is the front end's ReportModel (js/protocol.ts)
    from test_protocol import problems

    assert problems("ReportModel", model) == []


def test_a_sweep_reports_columns_are_each_levels_runs_thinned_to_a_shared_budget(
    sweeps: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpot_widget import report

    monkeypatch.setattr(report, "SWEEP_POINTS", 8 * 200)  # 8 configuration-levels: 200 each
    monkeypatch.setattr(report, "MIN_LEVEL_POINTS", 100)
    page = Page(render_html(sweeps, n_resamples=199))
    columns = columns_of(page.model())
    # A's levels are arms of 2 runs (300 requests): thinned to 200, evenly; B's 150: whole
    a8 = sweeps[0].at(8).pooled
    rows = thin_rows(len(a8), 200)
    assert rows is not None
    np.testing.assert_array_equal(
        columns["L3.C0/num_tokens_output"], a8["num_tokens_output"][rows].astype(np.float32)
    )
    assert len(columns["L4.C1/error"]) == 150
    note = page.texts["thinned-note"]
    assert "at most 200 requests per configuration and load level (of up to 300)" in note


def test_a_sweep_too_big_for_every_level_holds_its_own_and_says_why(
    sweeps: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpot_widget import report

    monkeypatch.setattr(report, "SWEEP_POINTS", 8 * 50)  # below MIN_LEVEL_POINTS per level
    model = Page(render_html(sweeps, n_resamples=199)).model()
    assert "levels" not in model
    assert "holds the level it shows only" in model["state"]["_report"]["levels_note"]
    keys = {c["key"].split("/")[0] for c in model["columns"]}
    assert keys == {m["key"] for m in model["state"]["_runs_meta"]} == {"L3.C0", "L3.C1"}


def test_a_sweep_widgets_report_opens_at_its_level_and_leaves_the_widget_alone(
    sweeps: list[Any], tmp_path: Path
) -> None:
    w = TPOTCompare(*sweeps, n_resamples=199, load_level=2)
    changes: list[str] = []
    w.observe(lambda change: changes.append(change["name"]))
    model = Page(w.to_html(tmp_path / "w.html").read_text(encoding="utf-8")).model()
    assert changes == [] and w.load_level == 2.0
    assert model["state"]["load_level"] == 2.0 and model["state"]["stats"] == w.stats
    assert len(model["levels"]) == 5
    w.close()
