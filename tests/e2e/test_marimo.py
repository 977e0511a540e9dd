"""The TPOTCompare widget in marimo: `marimo run notebooks/marimo_demo.py` (and the sweep app,
notebooks/marimo_sweeps.py), driven in Chromium.

The example app wraps the widget in `mo.ui.anywidget` and shows `w.stats` in a reactive cell
below it (as text, and as JSON in a hidden `data-testid="python-stats"` element). The tests
brush the scatter and check that the widget's panel and the reactive cell both show what
`compare()` gives in this process on the same demo runs and the range the page reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from tpot_widget import Run, compare
from tpot_widget.demo import demo_runs

from .lab import index_builder, wait_until
from .servers import MarimoServer, screenshot_on_failure, wait_for_marimo_widget
from .test_widget_browser import (
    WAIT_S,
    drag_horizontally,
    main_plot_area,
    pixel_to_x,
    read_panel,
    shown_range,
    stats_mismatches,
    wait_settled,
)
from .test_widget_sweeps_browser import click_level, expected_at, sweeps, wait_level, wait_views_at

pytestmark = pytest.mark.e2e

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "marimo_demo.py"


@dataclass
class MarimoApp:
    """The example app open in one page: its widget root and the runs it was built from."""

    page: Page
    root: Locator
    server: MarimoServer
    runs: list[Run]
    #: compare(*runs).to_dict(): what the panel shows with every row selected.
    full: dict[str, Any]


def python_stats(page: Page) -> dict[str, Any] | None:
    """What the reactive cell last rendered as JSON (`w.stats`; in the sweep app
    {"load_level", "stats"}); None while marimo re-renders it."""
    element = page.locator('[data-testid="python-stats"]')
    if element.count() != 1:
        return None
    raw = element.get_attribute("data-stats")
    return None if raw is None else json.loads(raw)


def wait_python_stats(page: Page, condition: Any, what: str) -> dict[str, Any]:
    """Poll the reactive cell's `w.stats` until `condition(stats)` holds."""
    return wait_until(lambda: (s := python_stats(page)) is not None and condition(s) and s,
                      WAIT_S, what)  # fmt: skip


@contextmanager
def open_app(browser: Browser, server: MarimoServer, name: str) -> Iterator[tuple[Page, Locator]]:
    """The server's app open in a fresh browser context, its widget settled (a screenshot
    `name` if it does not get there); the context is closed after."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        try:
            page.goto(server.url, wait_until="domcontentloaded")
            root = wait_for_marimo_widget(page, server)
        except BaseException:
            print("screenshot:", screenshot_on_failure(page, name))
            raise
        yield page, root
    finally:
        context.close()


@pytest.fixture(scope="module")
def marimo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MarimoServer]:
    """`marimo run notebooks/marimo_demo.py --headless` on a free port, stopped by PID after."""
    server = MarimoServer.start(NOTEBOOK, tmp_path_factory.mktemp("marimo"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def marimo_module(browser: Browser, marimo_server: MarimoServer) -> Iterator[MarimoApp]:
    """The app open in a fresh browser context, its widget rendered with settled numbers."""
    with open_app(browser, marimo_server, "marimo-setup") as (page, root):
        runs = demo_runs()  # what the notebook compares: demo_runs() with its defaults
        yield MarimoApp(page, root, marimo_server, runs, compare(*runs).to_dict())


@pytest.fixture
def marimo_app(marimo_module: MarimoApp) -> MarimoApp:
    """The shared app with every row selected (reset from the page if a test brushed)."""
    page, root = marimo_module.page, marimo_module.root
    stats = python_stats(page)
    if stats is None or stats["token_range"] is not None:
        root.locator('[data-testid="reset-selection"]').click()
        wait_python_stats(page, lambda s: s["token_range"] is None, "the reset to reach Python")
    wait_settled(root, marimo_module.full, "panel with every row selected")
    return marimo_module


def test_renders_in_marimo(marimo_app: MarimoApp) -> None:
    """`marimo run`: run names, the three plots, panel == compare() == the reactive w.stats."""
    page, root, runs = marimo_app.page, marimo_app.root, marimo_app.runs
    # marimo mounts anywidgets in a shadow root: styles and queries must work in there.
    assert root.evaluate("(r) => r.getRootNode() instanceof ShadowRoot"), (
        "the widget is not in a shadow root: marimo changed how it mounts anywidgets, so this "
        "test no longer covers the shadow-root case"
    )

    # Each header shows a short label of its run; hovering shows the full name.
    names = root.locator('[data-testid="run-name"]')
    assert names.count() == len(runs)
    for element, run in zip(names.all(), runs, strict=True):
        assert element.get_attribute("title") == run.name
        assert (element.text_content() or "").strip(), f"empty header label for {run.name!r}"
    for testid in ("scatter", "box", "hist"):
        plot = root.locator(f'[data-testid="{testid}"]')
        assert plot.locator("svg.main-svg").count() > 0, f"{testid}: no plotly SVG"

    panel = wait_settled(root, marimo_app.full, "initial stats in marimo")
    assert index_builder(root) == "worker", "the brush's indexes were built on the main thread"
    assert [int(r["n"]) for r in panel["runs"]] == [r["n"] for r in marimo_app.full["runs"]]
    stats = wait_python_stats(page, lambda s: True, "the reactive cell's w.stats")
    assert stats_mismatches(stats, marimo_app.full) == []
    assert "every request" in page.get_by_text("Python's").first.inner_text()


def test_brush_in_marimo_updates_widget_and_cells(marimo_app: MarimoApp) -> None:
    """A drag on the scatter: the panel and the reactive cell show compare() on that range."""
    page, root = marimo_app.page, marimo_app.root
    before = read_panel(root)

    box = main_plot_area(root)
    lo_x, hi_x = pixel_to_x(root, 0.2), pixel_to_x(root, 0.6)
    drag_horizontally(page, box, 0.2, 0.6)

    def converged() -> dict[str, Any] | None:
        """Python's w.stats is for the range the widget's inputs show, and the panel is idle."""
        stats = python_stats(page)
        shown = [None if v == "" else float(v) for v in shown_range(root)]
        if stats is None or stats["token_range"] is None or read_panel(root)["stale"] != "false":
            return None
        return stats if stats["token_range"] == shown else None

    stats = wait_until(converged, WAIT_S, "the brush to reach Python and the reactive cell")
    lo, hi = stats["token_range"]
    assert lo < hi
    assert abs(lo - lo_x) <= 0.05 * lo_x + 1, f"brush start {lo} vs dragged {lo_x:.1f}"
    assert abs(hi - hi_x) <= 0.05 * hi_x + 1, f"brush end {hi} vs dragged {hi_x:.1f}"

    expected = compare(*marimo_app.runs, token_range=(lo, hi)).to_dict()
    assert stats_mismatches(stats, expected) == []
    after = wait_settled(root, expected, f"panel for token_range {(lo, hi)}")
    assert after["runs"] != before["runs"], "the panel's numbers did not change with the brush"
    selected = sum(int(r["n"]) for r in after["runs"])
    assert 0 < selected < sum(int(r["n"]) for r in before["runs"])
    # The reactive cell's visible text follows too.
    heading = page.get_by_text("Python's").first.inner_text()
    assert f"{lo:.0f} to {hi:.0f} output tokens" in heading, heading


def test_reset_in_marimo(marimo_app: MarimoApp) -> None:
    """Typing a range, then reset-selection: Python's w.stats goes back to every request."""
    page, root = marimo_app.page, marimo_app.root
    root.locator('[data-testid="token-min"]').fill("200")
    root.locator('[data-testid="token-max"]').fill("700")
    root.locator('[data-testid="token-max"]').press("Enter")
    stats = wait_python_stats(
        page, lambda s: s["token_range"] == [200, 700], "the typed range (200, 700) in Python"
    )
    expected = compare(*marimo_app.runs, token_range=(200, 700)).to_dict()
    assert stats_mismatches(stats, expected) == []
    wait_settled(root, expected, "panel for the typed range")

    root.locator('[data-testid="reset-selection"]').click()
    stats = wait_python_stats(page, lambda s: s["token_range"] is None, "reset in Python")
    assert stats_mismatches(stats, marimo_app.full) == []
    wait_settled(root, marimo_app.full, "panel after reset")
    assert shown_range(root) == ("", "")


# ----------------------------------------------------------------------------- sweeps

SWEEPS_APP = NOTEBOOK.parent / "marimo_sweeps.py"


@pytest.fixture(scope="module")
def sweeps_app(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Page, Locator]]:
    """`marimo run notebooks/marimo_sweeps.py` open in a page, its widget settled."""
    server = MarimoServer.start(SWEEPS_APP, tmp_path_factory.mktemp("marimo-sweeps"))
    try:
        with open_app(browser, server, "marimo-sweeps-setup") as (page, root):
            yield page, root
    finally:
        server.stop()


def test_choosing_a_level_in_marimo(sweeps_app: tuple[Page, Locator]) -> None:
    """A click on the load view's point: the panel and the reactive cell's `w.stats` show
    compare(a.at(L), b.at(L)); a marimo dropdown setting `w.load_level` from Python moves the
    widget to its level."""
    page, root = sweeps_app
    pair = sweeps()
    wait_level(root, 128, expected_at(pair, 128), "the sweep panel at concurrency 128")

    click_level(page, root, "load", 12)
    expected = expected_at(pair, 12)
    wait_until(
        lambda: (
            (s := python_stats(page)) is not None
            and s["load_level"] == 12
            and not stats_mismatches(s["stats"], expected)
        ),
        WAIT_S,
        "the click's level and its statistics in the reactive cell",
    )
    wait_level(root, 12, expected, "the panel at concurrency 12 in marimo")
    wait_views_at(root, pair, 12, "the views at concurrency 12 in marimo")

    page.locator('select[data-testid="marimo-plugin-dropdown"]').select_option(
        label="concurrency 48"
    )
    wait_level(root, 48, expected_at(pair, 48), "the panel at concurrency 48 set from Python")
    wait_views_at(root, pair, 48, "the views at concurrency 48 in marimo")
