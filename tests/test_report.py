"""tpot_widget.report: one self-contained, offline, escaped HTML file with compare()'s numbers."""

from __future__ import annotations

import json
import math
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
from tpot_widget.display import PALETTE
from tpot_widget.params import Parameters
from tpot_widget.report import render_html, write_html

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
    assert set(payload["figures"]) == {"scatter", "compare"}
    scatter = payload["figures"]["scatter"]["data"]
    names = [t["name"] for t in scatter if t["type"] == "scattergl"]
    assert names == [
        "synthetic: baseline (TP=1, max_num_seqs=256)",
        "synthetic: candidate (TP=1, max_num_seqs=128)",
    ]
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
        [measured("a", 1), measured("b", 2)], token_range=(100, math.inf), n_resamples=199
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
