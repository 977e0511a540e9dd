"""The offline HTML report in headless Chromium with every network request refused.

A report must render from the file alone (plotly inlined, no CDN), show the statistics
`compare()` gives, and show run names as text, never as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from tpot_widget import Run, compare
from tpot_widget.demo import demo_runs
from tpot_widget.display import short_labels
from tpot_widget.report import write_html

pytestmark = pytest.mark.e2e

XSS_NAME = '<img src=x onerror="window.__xss=1">'
TOKEN_RANGE = (100.0, 700.0)
TIME_RANGE = (20.0, 400.0)
SLO = {"time_per_output_token": 0.03, "time_to_first_token": 0.5}
ALL_PLOTS = ("scatter", "time", "compare", "ecdf", "shift")


class OfflinePage:
    """A page whose every non-file:// request is aborted (and recorded)."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(viewport={"width": 1300, "height": 1000})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, path: Path, plots: Sequence[str] = ALL_PLOTS) -> Page:
        """Load the report and wait until every plot says it has rendered (`plots` at least)."""
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        self.page.wait_for_function(
            """(wanted) => {
              const plots = Array.from(document.querySelectorAll('div.plot'));
              const ids = plots.map((p) => p.getAttribute('data-testid'));
              return wanted.every((id) => ids.includes(id)) && plots.every((p) =>
                p.getAttribute('data-rendered') === 'true' && p.querySelector('svg.main-svg'));
            }""",
            arg=list(plots),
            timeout=30_000,
        )
        return self.page


@pytest.fixture
def offline(browser: Browser) -> Iterator[OfflinePage]:
    """An offline page (closed after the test); `.page` is screenshotted on failure."""
    opener = OfflinePage(browser)
    try:
        yield opener
    finally:
        opener.context.close()


@pytest.fixture
def page(offline: OfflinePage) -> Page:
    """The offline page itself (so a failure leaves a screenshot)."""
    return offline.page


def _number(text: str | None) -> float | None:
    assert text is not None, "attribute missing"
    return None if text == "" else float(text)


def _same(shown: float | None, expected: float | None) -> bool:
    if shown is None or expected is None:
        return shown is None and expected is None
    return math.isclose(shown, expected, rel_tol=1e-12, abs_tol=1e-15)


def _ms(value: float) -> str:
    """A seconds value as the report prints it in milliseconds (four significant digits)."""
    text = f"{value * 1e3:#.4g}"
    return text[:-1] if text.endswith(".") else text


def check_name_cell(row: Any, name: str, label: str) -> None:
    """A table row names its run by the short label, the full name as the cell's title."""
    cell = row.locator("td").first
    assert (cell.text_content() or "").strip() == label
    assert cell.get_attribute("title") == name
    assert row.get_attribute("data-name") == name


def check_stats(page: Page, runs: Sequence[Run], expected: dict[str, Any]) -> None:
    """The statistics tables show `expected` (a Comparison.to_dict()) for `runs`."""
    labels = dict(zip([r.name for r in runs], short_labels([r.name for r in runs]), strict=True))
    rows = page.locator('table[data-testid="stats-table"] tr[data-testid="stat-run"]')
    assert rows.count() == len(runs)
    for row, run, want in zip(rows.all(), runs, expected["runs"], strict=True):
        check_name_cell(row, run.name, labels[run.name])
        assert row.get_attribute("data-n") == str(want["n"])
        for attr, key in (("data-estimate", "estimate"), ("data-ci-low", "ci_low"),
                          ("data-ci-high", "ci_high")):  # fmt: skip
            assert _same(_number(row.get_attribute(attr)), want[key]), (run.name, key)
        text = row.inner_text()
        assert _ms(want["estimate"]) in text, f"{_ms(want['estimate'])} not shown in {text!r}"
    diffs = page.locator('table[data-testid="diff-table"] tr[data-testid="stat-diff"]')
    assert diffs.count() == len(runs) - 1
    for row, want in zip(diffs.all(), expected["differences"], strict=True):
        assert row.get_attribute("data-verdict") == want["verdict"]
        assert _same(_number(row.get_attribute("data-estimate")), want["estimate"])
        assert _same(_number(row.get_attribute("data-relative")), want["relative"])
        check_name_cell(row, want["name"], labels[want["name"]])


def test_report_renders_offline(offline: OfflinePage, page: Page, tmp_path: Path) -> None:
    """Plots and statistics of a brushed range render with the network cut off."""
    runs = demo_runs(n=1500)
    path = write_html(runs, tmp_path / "report.html", token_range=TOKEN_RANGE)
    offline.open(path)

    for testid in ("scatter", "compare"):
        plot = page.locator(f'[data-testid="{testid}"]')
        assert plot.locator("svg.main-svg").count() > 0, f"{testid}: no plotly SVG"
        assert plot.locator(".trace").count() >= len(runs), f"{testid}: traces missing"
    legend = page.locator('[data-testid="scatter"] .legend .legendtext').all_text_contents()
    for label in short_labels([run.name for run in runs]):
        assert label in legend, f"legend {legend!r} lacks {label!r}"
    header = page.locator('[data-testid="report-header"]').inner_text()
    assert all(run.name in header for run in runs)
    assert page.locator('[data-testid="synthetic-note"]').is_visible()

    check_stats(page, runs, compare(*runs, token_range=TOKEN_RANGE).to_dict())
    assert offline.blocked == [], f"the report tried the network: {offline.blocked}"
    assert offline.errors == [], f"script errors: {offline.errors}"


def test_report_run_names_are_text(offline: OfflinePage, page: Page, tmp_path: Path) -> None:
    """A run named like an HTML tag shows literally in the tables and legend, never runs."""
    base, other = demo_runs(n=400)
    runs = [base, Run.from_frame(other.to_pandas(), name=XSS_NAME)]
    path = write_html(runs, tmp_path / "xss.html")
    offline.open(path)

    page.wait_for_timeout(300)  # an injected <img onerror> fires asynchronously
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    header = page.locator('[data-testid="report-header"]').inner_text()
    assert XSS_NAME in header
    check_stats(page, runs, compare(*runs).to_dict())
    legend = page.locator('[data-testid="scatter"] .legend .legendtext').all_text_contents()
    label = short_labels([r.name for r in runs])[1]
    assert "<img" in label and label in legend, f"the legend does not show it literally: {legend!r}"
    # Hovering shows tooltips with the name: still text.
    box = page.locator('[data-testid="scatter"] .nsewdrag').first.bounding_box()
    assert box is not None
    for i in range(1, 12):
        page.mouse.move(box["x"] + box["width"] * i / 12, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(10)
    page.wait_for_timeout(300)
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert offline.blocked == []


def plot_traces(page: Page, testid: str) -> list[dict[str, Any]]:
    """The traces plotly drew in a plot div (name, type, meta, points it decoded)."""
    return page.evaluate(
        """(id) => document.querySelector(`[data-testid="${id}"]`)._fullData.map((t) => ({
          name: t.name, type: t.type, meta: t.meta || null, n: t._length}))""",
        testid,
    )


def test_report_new_views_and_slo_render_offline(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    """The time, ECDF and shift views and the SLO table of a token + time selection render
    offline, one trace set per run, from compare()'s numbers."""
    runs = demo_runs(n=1500)
    values = {"token_range": TOKEN_RANGE, "time_range": TIME_RANGE, "slo": SLO}
    path = write_html(runs, tmp_path / "views.html", **values)
    offline.open(path)
    expected = compare(*runs, **values).to_dict()

    for testid in ALL_PLOTS:
        plot = page.locator(f'div.plot[data-testid="{testid}"]')
        assert plot.get_attribute("data-rendered") == "true", testid
        assert plot.locator(".main-svg").count() > 0, f"{testid}: no plotly SVG"
    names = [run.name for run in runs]
    time = plot_traces(page, "time")
    assert sorted({t["meta"]["run"] for t in time}) == sorted(names)
    assert {t["meta"]["role"] for t in time} == {"points", "median", "p90"}
    points = {t["meta"]["run"]: t["n"] for t in time if t["meta"]["role"] == "points"}
    assert all(points[name] > 1000 for name in names), points  # drawn, not just declared
    ecdf = plot_traces(page, "ecdf")
    chosen = {t["meta"]["run"]: t["meta"]["n"] for t in ecdf if t["meta"]["role"] == "selection"}
    assert chosen == {row["name"]: row["n"] for row in expected["runs"]}
    shift = plot_traces(page, "shift")
    assert {t["meta"]["run"] for t in shift} == {runs[1].name}
    # Axis titles as the widget words them, the SLO threshold drawn and labelled.
    time_text = page.locator('[data-testid="time"]').inner_text()
    assert "request start time (s since the run's first request)" in time_text
    assert "SLO: TPOT ≤ 30.0 ms" in time_text
    assert "cumulative share of requests" in page.locator('[data-testid="ecdf"]').inner_text()
    assert "quantile of the baseline" in page.locator('[data-testid="shift"]').inner_text()
    # Legends carry the short labels (the full names are in the header and on hover).
    legend = page.locator('[data-testid="time"] .legend .legendtext').all_text_contents()
    assert legend and all(label not in names for label in legend), legend
    # The selected time range is shaded on the time view.
    assert page.locator('[data-testid="time"] .layer-below .shapelayer path').count() == 1

    table = page.locator('table[data-testid="slo-table"]')
    assert table.is_visible()
    slo_rows = table.locator('tr[data-testid="slo-run"]')
    assert slo_rows.count() == len(runs)
    for row, want in zip(slo_rows.all(), expected["slo"]["runs"], strict=True):
        assert row.get_attribute("data-name") == want["name"]
        assert row.get_attribute("data-n") == str(want["n"])
        assert row.get_attribute("data-met") == str(want["met"])
    header = page.locator('[data-testid="report-header"]').inner_text()
    assert "20 s ≤ request start ≤ 400 s" in header
    check_stats(page, runs, expected)
    assert offline.blocked == [], f"the report tried the network: {offline.blocked}"
    assert offline.errors == [], f"script errors: {offline.errors}"


def test_report_of_an_empty_selection_renders(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    """Nothing in the selection: tables say "not enough data", notes replace the figures."""
    runs = demo_runs(n=300)
    path = write_html(runs, tmp_path / "empty.html", token_range=(50_000, None))
    offline.open(path, plots=("scatter", "time"))

    for testid in ("compare", "ecdf", "shift"):
        assert page.locator(f'div[data-testid="{testid}"]').count() == 0, testid
        note = page.locator(f'[data-testid="{testid}-empty"]')
        assert note.is_visible() and "Not enough data" in note.inner_text(), testid
    rows = page.locator('tr[data-testid="stat-run"]')
    assert rows.count() == len(runs)
    assert all("not enough data" in row.inner_text() for row in rows.all())
    verdict = page.locator('tr[data-testid="stat-diff"]').get_attribute("data-verdict")
    assert verdict == "not enough data"
    assert offline.blocked == [] and offline.errors == [], (offline.blocked, offline.errors)


def hover_texts(page: Page, testid: str) -> set[str]:
    """The hover labels seen moving the pointer across the middle of a plot's main area."""
    page.locator(f'[data-testid="{testid}"]').scroll_into_view_if_needed()
    box = page.locator(f'[data-testid="{testid}"] .nsewdrag').first.bounding_box()
    assert box is not None
    seen: set[str] = set()
    for row in (0.3, 0.5, 0.7, 0.9):
        for i in range(1, 25):
            page.mouse.move(box["x"] + box["width"] * i / 25, box["y"] + box["height"] * row)
            page.wait_for_timeout(15)
            text = page.locator(f'[data-testid="{testid}"] .hoverlayer').text_content() or ""
            if text:
                seen.add(text)
    page.mouse.move(0, 0)
    return seen


ISSUE12 = "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs="

#: Elements (outside plotly's SVG) whose text holds one of `texts` and that overflow their
#: box: CSS would clip them (overflow hidden, text-overflow ellipsis) or they spill out.
CLIPPED_JS = """(texts) => Array.from(document.querySelectorAll('body *'))
  .filter((el) => !el.closest('svg') && el.tagName !== 'SCRIPT' && el.tagName !== 'STYLE')
  .filter((el) => texts.some((t) => (el.textContent || '').includes(t)))
  .filter((el) => el.scrollWidth > el.clientWidth)
  .map((el) => ({tag: el.tagName, testid: el.getAttribute('data-testid'),
    text: (el.textContent || '').slice(0, 80), scroll: el.scrollWidth, client: el.clientWidth}))"""


@pytest.mark.parametrize("width", [1300, 900])
def test_report_of_long_names_shows_labels_unclipped(
    browser: Browser, tmp_path: Path, width: int
) -> None:
    """Issue 12's names: table cells and legends show `max_num_seqs=256` / `=128`, the full
    names on hover (title, hover label) and in the header; nothing holding a name is clipped."""
    names = [ISSUE12 + "256", ISSUE12 + "128"]
    labels = ["max_num_seqs=256", "max_num_seqs=128"]
    base, other = demo_runs(n=800)
    runs = [Run.from_frame(base.to_pandas(), name=names[0]),
            Run.from_frame(other.to_pandas(), name=names[1])]  # fmt: skip
    path = write_html(runs, tmp_path / "long.html", slo=SLO, time_range=TIME_RANGE)
    offline = OfflinePage(browser)
    try:
        offline.page.set_viewport_size({"width": width, "height": 1000})
        page = offline.open(path)
        for testid in ("stat-run", "stat-diff", "slo-run", "slo-diff"):
            rows = page.locator(f'tr[data-testid="{testid}"]').all()
            assert rows, testid
            for row in rows:
                name = row.get_attribute("data-name")
                assert name in names, (testid, name)
                check_name_cell(row, name, labels[names.index(name)])
        for testid in ("scatter", "time", "compare", "ecdf"):
            legend = page.locator(f'[data-testid="{testid}"] .legend .legendtext')
            runs_in_legend = [t for t in legend.all_text_contents() if "CI" not in t]
            assert runs_in_legend == labels, testid  # (the box panel adds "median ± 95% CI")
        box_axis = page.locator('[data-testid="compare"] .ytick text').all_text_contents()
        assert sorted(t for t in box_axis if t in labels) == sorted(labels), box_axis
        # The full names: in the header, and in the scatter's hover label.
        header = page.locator('[data-testid="report-header"]').inner_text()
        assert all(name in header for name in names)
        hovered = hover_texts(page, "scatter")
        assert any(name in text for text in hovered for name in names), hovered
        clipped = page.evaluate(CLIPPED_JS, [*names, *labels])
        assert clipped == [], clipped
        assert offline.blocked == [] and offline.errors == [], (offline.blocked, offline.errors)
    finally:
        offline.context.close()
