"""The offline HTML report in headless Chromium, every network request refused.

The report runs the widget's own view code (js/report.ts mounts js/widget.ts's render() over
the embedded model): every view registered in js/views/registry.ts draws, the panel shows
`compare()`'s numbers exactly as `tpot-compare --format markdown` prints them, the views follow
a brush while the panel says the new range's statistics need the kernel, and run names are
text, never HTML.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from tpot_widget import Run, compare
from tpot_widget.demo import demo_runs
from tpot_widget.display import short_labels
from tpot_widget.report import write_html
from tpot_widget.tables import markdown_table

from .lab import REPORT_VIEWS_DRAWN_JS, index_builder

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
XSS_NAME = '<img src=x onerror="window.__xss=1">'
TOKEN_RANGE = (100.0, 700.0)
TIME_RANGE = (20.0, 400.0)
SLO = {"time_per_output_token": 0.03, "time_to_first_token": 0.5}

#: JS: the report is drawn: every view's box holds a drawn plot or a note, the panel its rows.
READY_JS = f"""
() => {{
  const root = document.querySelector('.tpot-widget');
  return root !== null && ({REPORT_VIEWS_DRAWN_JS.strip()})(root)
    && root.querySelectorAll('[data-testid="stat-run"]').length > 0;
}}
"""

#: node: the views js/views/registry.ts registers, in order (bundled by esbuild): id and
#: whether only a sweep widget shows it.
REGISTRY_JS = """
const esbuild = require("esbuild");
const out = esbuild.buildSync({entryPoints: ["js/views/registry.ts"], bundle: true,
  format: "cjs", platform: "node", write: false, logLevel: "silent"});
const module_ = {exports: {}};
new Function("module", "exports", "require", out.outputFiles[0].text)(
  module_, module_.exports, require);
console.log(JSON.stringify(module_.exports.VIEWS.map((v) => [v.id, v.sweepOnly === true])));
"""

#: node (ESM): the report bundle with one more view in the registry — and no other edit.
PROBE_BUILD_JS = """
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { report } from "./esbuild.mjs";
const PROBE = `
  import type { ViewSpec } from "./common";
  export const probeView: ViewSpec = {
    id: "probe", area: "grid", redrawOn: ["data"],
    figure: (s) => ({ data: [{ type: "bar", x: s.runs.map((r) => r.label),
      y: s.prep.points.map((p) => p.x.length) }], layout: {} }),
  };`;
const probe = {
  name: "probe",
  setup(b) {
    b.onResolve({ filter: /^probe:view$/ }, () => ({ path: "probe", namespace: "probe" }));
    b.onLoad({ filter: /.*/, namespace: "probe" },
      () => ({ contents: PROBE, loader: "ts", resolveDir: "js/views" }));
    b.onLoad({ filter: /views[\\\\/]registry\\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf-8");
      const head = "VIEWS: readonly ViewSpec[] = [";
      const added = text.replace(head, `${head}probeView, `);
      if (added === text) throw new Error("registry.ts changed shape: update this test");
      return { contents: `import { probeView } from "probe:view";\\n${added}`, loader: "ts" };
    });
  },
};
await build({ ...report, outfile: process.argv[1], minify: false, plugins: [probe] });
"""


def registered_views(sweeps: bool = False) -> list[str]:
    """The view ids of js/views/registry.ts, read from the source itself: those a widget of
    runs shows, or (`sweeps`) those a sweep widget shows (every one)."""
    done = subprocess.run(
        ["node", "-e", REGISTRY_JS], cwd=ROOT, capture_output=True, text=True, check=True
    )
    views: list[tuple[str, bool]] = json.loads(done.stdout)
    return [view for view, sweep_only in views if sweeps or not sweep_only]


class OfflinePage:
    """A page whose every request for something not on disk or in the page is aborted (and
    recorded)."""

    def __init__(self, browser: Browser, width: int = 1300) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": 1000}, accept_downloads=True
        )
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "blob:")):  # blob: the page's own objects, not the network
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, path: Path) -> Page:
        """Load the report and wait until every view and the panel are drawn."""
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        self.page.wait_for_function(READY_JS, timeout=30_000)
        return self.page

    def check_clean(self) -> None:
        assert self.blocked == [], f"the report tried the network: {self.blocked}"
        assert self.errors == [], f"script errors: {self.errors}"


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


def markdown_tables(text: str) -> list[list[list[str]]]:
    """The tables of a Markdown text: rows of cells (header and separator rows left out)."""
    tables: list[list[list[str]]] = []
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            rows.append(cells)
        elif rows:
            tables.append(rows[2:])
            rows = []
    return tables


def panel_rows(page: Page) -> list[dict[str, Any]]:
    """The panel's run table: per row its name cell (label, title) and the number cells."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('tr[data-testid="stat-run"]')).map((r) => {
          const cell = (id) => r.querySelector(`[data-testid="${id}"]`).textContent;
          return {name: r.dataset.name, title: r.querySelector('td').title,
            label: cell('stat-run-name'), n: cell('stat-run-n'), errors: cell('stat-run-errors'),
            estimate: cell('stat-run-estimate'), ci: cell('stat-run-ci'),
            attr: r.dataset.estimate};
        })"""
    )


def plot_data(page: Page, testid: str) -> list[dict[str, Any]]:
    """The traces plotly holds for a view (type, name, visibility, a few numbers)."""
    return page.evaluate(
        """(id) => document.querySelector(`[data-testid="${id}"]`).data.map((t) => ({
          type: t.type, name: t.name, visible: t.visible === undefined ? true : t.visible,
          legendgroup: t.legendgroup || null, median: t.median ? Array.from(t.median) : null}))""",
        testid,
    )


def drag(page: Page, testid: str, start: float, end: float, row: float = 0.5) -> None:
    """A user's drag across a view's plot area, from fraction `start` to `end` of its width."""
    page.locator(f'[data-testid="{testid}"]').scroll_into_view_if_needed()
    box = page.locator(f'[data-testid="{testid}"] .nsewdrag').first.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] * row
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + box["width"] * (start + (end - start) * i / 10), y)
        page.wait_for_timeout(20)
    page.mouse.up()


# --- every view, the panel's numbers ---------------------------------------------------------


def test_report_draws_every_registered_view_offline(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    """One plot per registered view, each drawn by plotly, with the network cut off."""
    runs = demo_runs(n=1500)
    values = {"token_range": TOKEN_RANGE, "time_range": TIME_RANGE, "slo": SLO}
    offline.open(write_html(runs, tmp_path / "views.html", **values))

    views = registered_views()
    assert views[:1] == ["scatter"] and len(views) >= 6, views
    shown = page.evaluate(
        "() => Array.from(document.querySelectorAll('.tpot-view')).map((v) => v.dataset.view)"
    )
    assert sorted(shown) == sorted(views)
    for view in views:
        plot = page.locator(f'.tpot-plot[data-testid="{view}"]')
        assert plot.is_visible(), f"{view}: {page.locator(f'[data-view={view!r}]').inner_text()}"
        assert plot.locator("svg.main-svg").count() > 0, f"{view}: no plotly SVG"
        assert len(plot_data(page, view)) > 0, f"{view}: nothing drawn"
    # the ranges the report was written with are veiled on the views they are brushed on
    for view in ("scatter", "time"):
        veils = page.locator(f'[data-testid="{view}"] .tpot-veil-side')
        assert veils.count() >= 1 and veils.first.is_visible(), view
    header = page.locator('[data-testid="report-header"]').inner_text()
    assert all(run.name in header for run in runs)
    assert page.locator('[data-testid="synthetic-note"]').is_visible()
    # the brush's indexes: built by a worker started from the report's own script, offline
    assert index_builder(page.locator(".tpot-widget")) == "worker"
    offline.check_clean()


def test_the_panels_run_table_reads_as_tpot_compare_markdown(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    """Every number of the run table is the cell `tpot-compare --format markdown` prints."""
    runs = demo_runs(n=1500)
    offline.open(write_html(runs, tmp_path / "numbers.html", token_range=TOKEN_RANGE, slo=SLO))
    stats = compare(*runs, token_range=TOKEN_RANGE, slo=SLO).to_dict()
    run_table, diff_table = markdown_tables(markdown_table(stats))

    rows = panel_rows(page)
    labels = short_labels([r.name for r in runs])
    assert [r["name"] for r in rows] == [r.name for r in runs]
    for row, cells, run, label, want in zip(
        rows, run_table, runs, labels, stats["runs"], strict=True
    ):
        assert (row["n"], row["errors"], row["estimate"], row["ci"]) == tuple(cells[1:5])
        assert row["label"] == label and row["title"] == run.name
        assert row["attr"] == repr(want["estimate"])  # the raw number, too
    # the differences: Δ%, its CI and Δ as the Markdown table prints them
    diff_text = page.locator('[data-testid="stat-diff"]').inner_text()
    for cell in diff_table[0][1:4]:
        assert cell in diff_text, (cell, diff_text)
    assert page.locator('tr[data-testid="slo-run"]').count() == len(runs)
    offline.check_clean()


# --- interaction -------------------------------------------------------------------------------


def test_a_brush_moves_the_views_and_the_panel_says_the_statistics_need_the_kernel(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    runs = demo_runs(n=1500)
    offline.open(write_html(runs, tmp_path / "brush.html", token_range=TOKEN_RANGE))
    kernel_note = page.locator('[data-testid="stats-kernel-note"]')
    assert kernel_note.inner_text() == ""
    selection = page.locator('[data-testid="stats-selection"]').inner_text()
    assert "as it was written" in selection and "100 ≤ output tokens ≤ 700" in selection
    before = [r["attr"] for r in panel_rows(page)]
    medians = [t["median"] for t in plot_data(page, "box") if t["median"]]

    drag(page, "scatter", 0.45, 0.75)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stats-kernel-note]').textContent !== ''"
    )
    lo, hi = (page.locator(f'[data-testid="token-{s}"]').input_value() for s in ("min", "max"))
    text = kernel_note.inner_text()
    assert f"≤ output tokens ≤ {int(hi):,}" in text and "need the kernel" in text, text
    assert f"rerun tpot-compare --tokens {lo}:{hi}" in text, text
    assert [r["attr"] for r in panel_rows(page)] == before  # the report's numbers, unchanged
    page.wait_for_function(
        """(old) => JSON.stringify(document.querySelector('[data-testid=box]').data
          .filter((t) => t.median).map((t) => Array.from(t.median))) !== old""",
        arg=json.dumps(medians),
    )  # the box plots follow the brush from the embedded columns

    # the range the report was written with again: the note goes
    page.locator('[data-testid="token-min"]').fill("100")
    page.locator('[data-testid="token-max"]').fill("700")
    page.locator('[data-testid="token-max"]').press("Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stats-kernel-note]').textContent === ''"
    )
    page.locator('[data-testid="reset-selection"]').click()
    page.wait_for_function(
        """() => document.querySelector('[data-testid=stats-kernel-note]').textContent
          .startsWith('The statistics for all requests need the kernel')"""
    )
    offline.check_clean()


def test_controls_only_the_kernel_serves_are_disabled_and_say_why(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    runs = demo_runs(n=600)
    offline.open(write_html(runs, tmp_path / "controls.html", slo=SLO))
    for testid in (
        "dimension-select",
        "x-dimension-select",
        "statistic-select",
        "confidence-select",
        "threshold-input",
        "match-select",
        "slo-time_per_output_token",
    ):
        control = page.locator(f'[data-testid="{testid}"]')
        assert control.is_disabled(), testid
        assert "Needs the kernel" in (control.get_attribute("title") or ""), testid
    # the statistics offered are the kernel's registry's (_choices.statistics)
    offered = page.locator('[data-testid="statistic-select"] option').all_inner_texts()
    assert offered == ["median", "mean", "p90", "p95", "p99"]
    for testid in ("log-axis", "token-min", "token-max", "reset-selection", "copy-summary"):
        assert page.locator(f'[data-testid="{testid}"]').is_enabled(), testid
    # the log axis is the views' own: it works without a kernel
    page.locator('[data-testid="log-axis"]').uncheck()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=hist]').layout.xaxis.type === 'linear'"
    )
    offline.check_clean()


def test_views_zoom_hover_toggle_and_download_as_plotly_does(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    runs = demo_runs(n=800)
    offline.open(write_html(runs, tmp_path / "plotly.html"))
    # legend: a click hides the run's points and marginals, a second shows them again
    page.locator('[data-testid="scatter"] .legend .traces').nth(1).click()
    page.wait_for_function(  # plotly waits out a double click first
        "() => document.querySelector('[data-testid=scatter]').data"
        ".some((t) => t.visible === 'legendonly')"
    )
    hidden = {t["visible"] for t in plot_data(page, "scatter") if t["legendgroup"] == "run1"}
    shown = {t["visible"] for t in plot_data(page, "scatter") if t["legendgroup"] == "run0"}
    assert hidden == {"legendonly"} and shown == {True}, (hidden, shown)
    # zoom: a drag on the histogram narrows its x axis
    before = page.evaluate(
        "() => document.querySelector('[data-testid=hist]')._fullLayout.xaxis.range"
    )
    drag(page, "hist", 0.3, 0.6)
    page.wait_for_function(
        """(old) => JSON.stringify(document.querySelector('[data-testid=hist]')
          ._fullLayout.xaxis.range) !== old""",
        arg=json.dumps(before),
    )
    # hover: a label with the run's name
    page.locator('[data-testid="ecdf"]').scroll_into_view_if_needed()
    box = page.locator('[data-testid="ecdf"] .nsewdrag').first.bounding_box()
    assert box is not None
    seen = ""
    for i in range(1, 30):
        page.mouse.move(box["x"] + box["width"] * i / 30, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(15)
        seen += page.locator('[data-testid="ecdf"] .hoverlayer').text_content() or ""
    assert "synthetic" in seen, seen
    # the mode bar's PNG download, offline
    page.locator('[data-testid="box"]').hover()
    button = page.locator('[data-testid="box"] .modebar-btn[data-title="Download plot as a PNG"]')
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "tpot_box.png"
    offline.check_clean()


# --- bad input, odd runs -----------------------------------------------------------------------


def test_an_empty_selection_renders_with_notes(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    runs = demo_runs(n=300)
    offline.open(write_html(runs, tmp_path / "empty.html", token_range=(50_000, None)))
    rows = panel_rows(page)
    assert [r["n"] for r in rows] == ["0", "0"] and {r["estimate"] for r in rows} == {"n/a"}
    verdict = page.locator('[data-testid="stat-diff"]').get_attribute("data-verdict")
    assert verdict == "not enough data"
    assert page.locator('[data-testid="stats-notes"] li').count() >= 1
    for view in ("box", "hist", "ecdf"):
        note = page.locator(f'[data-view="{view}"] .tpot-view-note').inner_text()
        assert note.startswith("Not enough data: no request in the selection"), (view, note)
    shift = page.locator('[data-view="shift"] .tpot-view-note').inner_text()
    assert shift.startswith("Not enough data for a shift function"), shift
    assert page.locator('.tpot-plot[data-testid="shift"]').is_hidden()
    offline.check_clean()


def test_a_run_named_like_html_shows_as_text(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    base, other = demo_runs(n=400)
    runs = [base, Run.from_frame(other.to_pandas(), name=XSS_NAME)]
    offline.open(write_html(runs, tmp_path / "xss.html"))
    page.wait_for_timeout(300)  # an injected <img onerror> fires asynchronously
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    assert XSS_NAME in page.locator('[data-testid="report-header"]').inner_text()
    label = short_labels([r.name for r in runs])[1]
    assert "<img" in label
    assert panel_rows(page)[1]["label"] == label
    legend = page.locator('[data-testid="scatter"] .legend .legendtext').all_text_contents()
    assert label in legend, f"the legend does not show it literally: {legend!r}"
    box = page.locator('[data-testid="scatter"] .nsewdrag').first.bounding_box()
    assert box is not None
    for i in range(1, 12):
        page.mouse.move(box["x"] + box["width"] * i / 12, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(10)
    page.wait_for_timeout(300)
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    offline.check_clean()


ISSUE12 = "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs="

#: Elements of the page (outside the plots) holding one of `texts` whose content overflows
#: their box (clipped by CSS overflow or an ellipsis, or spilling out).
CLIPPED_JS = """(texts) => Array.from(document.querySelectorAll('body *'))
  .filter((el) => !el.closest('.tpot-plot') && el.tagName !== 'SCRIPT' && el.tagName !== 'STYLE')
  .filter((el) => texts.some((t) => (el.textContent || '').includes(t)))
  .filter((el) => el.scrollWidth > el.clientWidth + 1
    || getComputedStyle(el).textOverflow === 'ellipsis')
  .map((el) => ({tag: el.tagName, testid: el.getAttribute('data-testid'),
    text: (el.textContent || '').slice(0, 80), scroll: el.scrollWidth, client: el.clientWidth}))"""


@pytest.mark.parametrize("width", [1300, 900])
def test_long_names_show_their_labels_unclipped(
    browser: Browser, tmp_path: Path, width: int
) -> None:
    """Issue 12's names: the panel and legend show `max_num_seqs=256` / `=128`, the full
    names on hover (title) and in the header; nothing holding a name is clipped."""
    names = [ISSUE12 + "256", ISSUE12 + "128"]
    labels = ["max_num_seqs=256", "max_num_seqs=128"]
    base, other = demo_runs(n=800)
    runs = [Run.from_frame(base.to_pandas(), name=names[0]),
            Run.from_frame(other.to_pandas(), name=names[1])]  # fmt: skip
    path = write_html(runs, tmp_path / "long.html", slo=SLO, time_range=TIME_RANGE)
    offline = OfflinePage(browser, width=width)
    try:
        page = offline.open(path)
        rows = panel_rows(page)
        assert [(r["label"], r["title"]) for r in rows] == list(zip(labels, names, strict=True))
        legend = page.locator('[data-testid="scatter"] .legend .legendtext').all_text_contents()
        assert legend == labels
        header = page.locator('[data-testid="report-header"]').inner_text()
        assert all(name in header for name in names)
        clipped = page.evaluate(CLIPPED_JS, [*names, *labels])
        assert clipped == [], clipped
        offline.check_clean()
    finally:
        offline.context.close()


# --- a view added to the registry appears in the report with no other edit ---------------------


def test_a_view_added_to_the_registry_appears_in_the_report(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Build the report bundle with one more view in js/views/registry.ts (nothing else
    changed): the written report draws it from the embedded model."""
    bundle = tmp_path / "report.js"
    subprocess.run(
        ["node", "--input-type=module", "-e", PROBE_BUILD_JS, str(bundle)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    import tpot_widget.report as report

    monkeypatch.setattr(report, "REPORT_JS", bundle)
    runs = demo_runs(n=500)
    path = write_html(runs, tmp_path / "probe.html")
    offline = OfflinePage(browser)
    try:
        page = offline.open(path)
        probe = page.locator('.tpot-plot[data-testid="probe"]')
        assert probe.locator("svg.main-svg").count() > 0
        (bar,) = page.evaluate("() => document.querySelector('[data-testid=probe]').data")
        assert bar["x"] == short_labels([r.name for r in runs])
        assert sum(bar["y"]) > 0  # drawn from the embedded columns
        offline.check_clean()
    finally:
        offline.context.close()


# --- a sweep report: the load and Pareto views, and every level --------------------------------


def test_a_sweep_report_draws_the_load_and_pareto_views_and_switches_levels_offline(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    """`tpot-compare --sweep`'s report of the 72-run demo: every registered view draws (the
    load and Pareto views from the embedded sweep_stats), and choosing a level — a click on
    the load view, or the level control — shows that level's pair as the widget would."""
    from tpot_widget.demo import demo_sweeps

    from .test_widget_sweeps_browser import click_level, expected_at, wait_level, wait_views_at

    pair = demo_sweeps()
    slo = {"time_per_output_token": 0.03}
    offline.open(write_html(pair, tmp_path / "sweeps.html", slo=slo))
    root = page.locator(".tpot-widget")
    shown = page.evaluate(
        "() => Array.from(document.querySelectorAll('.tpot-view')).map((v) => v.dataset.view)"
    )
    assert sorted(shown) == sorted(registered_views(sweeps=True))
    for view in ("load", "pareto"):
        plot = page.locator(f'.tpot-plot[data-testid="{view}"]')
        assert plot.locator("svg.main-svg").count() > 0, f"{view}: no plotly SVG"
        assert len(plot_data(page, view)) > 0, f"{view}: nothing drawn"
    assert page.locator('[data-testid="load-level-select"]').is_enabled()
    wait_level(root, 128, expected_at(pair, 128), "the report's panel at concurrency 128")

    click_level(page, root, "load", 2)
    wait_level(root, 2, expected_at(pair, 2), "the report's panel at concurrency 2")
    wait_views_at(root, pair, 2, "the report's views at concurrency 2")
    page.locator('[data-testid="load-level-select"]').select_option(label="concurrency 96")
    wait_level(root, 96, expected_at(pair, 96), "the report's panel at concurrency 96")
    wait_views_at(root, pair, 96, "the report's views at concurrency 96")
    offline.check_clean()


def test_a_level_one_configuration_did_not_run_says_so_in_the_panel(
    offline: OfflinePage, page: Page, tmp_path: Path
) -> None:
    """Levels that differ between configurations (guidellm picks its rates per
    configuration): at a level only A ran, the panel says B is shown at its nearest level."""
    from factories import make_sweep

    a = make_sweep("A", [1, 2, 4, 8], repeats=2, n=150)
    b = make_sweep("B", [1, 4, 8, 16], 0.03, n=150, seed=5)
    offline.open(write_html([a, b], tmp_path / "levels.html", n_resamples=199))
    page.locator('[data-testid="load-level-select"]').select_option(label="concurrency 2")
    level = page.locator('[data-testid="stats-level"]')
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stats-level\"]').dataset.level === '2'"
    )
    assert "Load level: concurrency 2" in level.inner_text()
    notes = level.locator('[data-testid="stats-level-note"]').all_inner_texts()
    assert len(notes) == 1 and notes[0].startswith("B did not run concurrency 2")
    # said once: under the level, not again in the notes
    assert notes[0] not in page.locator('[data-testid="stats-notes"]').inner_text()
    # the load view rings each configuration at the level it is shown at
    rings = page.evaluate(
        "() => document.querySelector('[data-testid=\"load\"]').data"
        ".find((t) => t.marker && t.marker.size === 16).x"
    )
    assert rings == [2, 1]
    offline.check_clean()
