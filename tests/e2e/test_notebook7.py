"""The TPOTCompare widget in Jupyter Notebook 7 (not Lab): it renders, brushes and resets.

The notebook is opened at /notebooks/<name> on the session's server (Notebook 7's UI), its
cells run from the Run menu as a user would. What the page shows is checked against
`compare()` in this process and against what Python holds (the notebook writes the widget's
state to a JSON file on every change; see lab.state_dump_code), as in test_widget_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from tpot_widget import Run, compare
from tpot_widget.demo import demo_runs

from .conftest import state_file
from .lab import (
    LabServer,
    index_builder,
    read_state,
    wait_for_state,
    wait_for_widget,
    write_notebook,
)
from .servers import open_notebook7, run_all_cells_notebook7, screenshot_on_failure
from .test_widget_browser import (
    WAIT_S,
    drag_horizontally,
    main_plot_area,
    pixel_to_x,
    read_panel,
    shown_range,
    stats_mismatches,
    wait_converged,
    wait_settled,
    widget_cells,
)
from .test_widget_sweeps_browser import (
    click_level,
    expected_at,
    sweep_cells,
    sweeps,
    wait_level,
    wait_views_at,
)

pytestmark = pytest.mark.e2e

#: Synthetic runs with long and short answers: brushing changes the numbers.
DEMO_N = 2000
NAME = "notebook7.ipynb"


@dataclass
class Notebook7Widget:
    """The widget of one Notebook 7 page, shared by this module's tests."""

    page: Page
    root: Locator
    state_path: Path
    runs: list[Run]
    #: compare(*runs).to_dict(): what the panel shows with every row selected.
    full: dict[str, Any]


@pytest.fixture(scope="module")
def nb7_module(browser: Browser, lab: LabServer) -> Iterator[Notebook7Widget]:
    """A generated notebook opened in the Notebook 7 UI, all cells run, the widget rendered."""
    state_path = state_file(lab, "notebook7")
    write_notebook(lab.root_dir / NAME, widget_cells(f"runs = demo_runs(n={DEMO_N})", state_path))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        try:
            open_notebook7(page, lab, NAME)
            run_all_cells_notebook7(page)
            root = wait_for_widget(page)
        except BaseException:
            print("screenshot:", screenshot_on_failure(page, "notebook7-setup"))
            raise
        runs = demo_runs(n=DEMO_N)
        yield Notebook7Widget(page, root, state_path, runs, compare(*runs).to_dict())
    finally:
        context.close()
        lab.shutdown_sessions([NAME])


@pytest.fixture
def nb7(nb7_module: Notebook7Widget) -> Notebook7Widget:
    """The shared widget with every row selected (reset from the page if a test brushed)."""
    state = read_state(nb7_module.state_path)
    if state is None or state["token_range"] is not None:
        nb7_module.root.locator('[data-testid="reset-selection"]').click()
        wait_for_state(
            nb7_module.state_path,
            lambda s: s["token_range"] is None and s["stats"]["token_range"] is None,
            WAIT_S,
            "reset-selection to clear token_range",
        )
    wait_settled(nb7_module.root, nb7_module.full, "panel with every row selected")
    return nb7_module


def test_renders_in_notebook7(nb7: Notebook7Widget) -> None:
    """In Notebook 7's UI: run names, the three plots and the panel == compare() == w.stats."""
    page, root = nb7.page, nb7.root
    # This is Notebook 7's single-document page, not JupyterLab.
    assert "/notebooks/" in page.url
    assert page.evaluate("() => document.body.dataset.notebook") == "notebooks"

    # Each header shows a short label of its run; hovering shows the full name.
    names = root.locator('[data-testid="run-name"]')
    assert names.count() == len(nb7.runs)
    for element, run in zip(names.all(), nb7.runs, strict=True):
        assert element.get_attribute("title") == run.name
        assert (element.text_content() or "").strip(), f"empty header label for {run.name!r}"
    for testid in ("scatter", "box", "hist"):
        plot = root.locator(f'[data-testid="{testid}"]')
        assert plot.locator("svg.main-svg").count() > 0, f"{testid}: no plotly SVG"
    # The scatter's legend names the runs as the headers do.
    legend = root.locator('[data-testid="scatter"] .legend .legendtext').all_text_contents()
    labels = [(e.text_content() or "").strip() for e in names.all()]
    assert all(label in legend for label in labels), f"legend {legend!r}, headers {labels!r}"

    panel = wait_settled(root, nb7.full, "initial stats in Notebook 7")
    assert [int(r["n"]) for r in panel["runs"]] == [r["n"] for r in nb7.full["runs"]]
    assert index_builder(root) == "worker", "the brush's indexes were built on the main thread"
    state = read_state(nb7.state_path)
    assert state is not None and state["token_range"] is None
    assert stats_mismatches(state["stats"], nb7.full) == []


def test_brush_and_reset_in_notebook7(nb7: Notebook7Widget) -> None:
    """A mouse drag sets Python's token_range and the panel follows; reset brings all rows back."""
    page, root, state_path = nb7.page, nb7.root, nb7.state_path
    before = read_panel(root)

    box = main_plot_area(root)
    lo_x, hi_x = pixel_to_x(root, 0.3), pixel_to_x(root, 0.7)
    drag_horizontally(page, box, 0.3, 0.7)

    state = wait_converged(root, state_path, "the Notebook 7 brush to reach Python")
    lo, hi = state["token_range"]
    assert lo < hi
    assert abs(lo - lo_x) <= 0.05 * lo_x + 1, f"brush start {lo} vs dragged {lo_x:.1f}"
    assert abs(hi - hi_x) <= 0.05 * hi_x + 1, f"brush end {hi} vs dragged {hi_x:.1f}"

    expected = compare(*nb7.runs, token_range=(lo, hi)).to_dict()
    assert stats_mismatches(state["stats"], expected) == []
    after = wait_settled(root, expected, f"panel for token_range {(lo, hi)}", state_path)
    assert after["runs"] != before["runs"], "the panel's numbers did not change with the brush"
    selected = sum(int(r["n"]) for r in after["runs"])
    assert 0 < selected < sum(int(r["n"]) for r in before["runs"])

    root.locator('[data-testid="reset-selection"]').click()
    wait_for_state(
        state_path,
        lambda s: s["token_range"] is None and s["stats"]["token_range"] is None,
        WAIT_S,
        "reset-selection to clear token_range",
    )
    wait_settled(root, nb7.full, "panel after reset in Notebook 7")
    assert shown_range(root) == ("", "")


# ----------------------------------------------------------------------------- sweeps


def run_code_notebook7(page: Page, code: str) -> None:
    """Run `code` in a new cell at the end, typed and run as a user does (Shift+Enter)."""
    page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below, selected
    page.keyboard.press("Enter")  # edit it
    page.keyboard.type(code)
    page.keyboard.press("Shift+Enter")


def test_choosing_a_level_in_notebook7(browser: Browser, lab: LabServer) -> None:
    """A sweep widget in Notebook 7: a click on the load view's point, then `w.load_level`
    set from a cell, make the panel show that level's pair (= compare(a.at(L), b.at(L)))."""
    name = "notebook7_sweeps.ipynb"
    state_path = state_file(lab, "notebook7_sweeps")
    write_notebook(lab.root_dir / name, sweep_cells(state_path))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        open_notebook7(page, lab, name)
        run_all_cells_notebook7(page)
        root = wait_for_widget(page)
        pair = sweeps()
        wait_level(root, 128, expected_at(pair, 128), "the sweep panel at concurrency 128")

        click_level(page, root, "load", 8)
        at8 = expected_at(pair, 8)
        wait_for_state(
            state_path,
            lambda s: s["load_level"] == 8 and not stats_mismatches(s["stats"], at8),
            WAIT_S,
            "the click's level and its statistics in Python",
        )
        wait_level(root, 8, expected_at(pair, 8), "the panel at concurrency 8 in Notebook 7")
        wait_views_at(root, pair, 8, "the views at concurrency 8 in Notebook 7")

        run_code_notebook7(page, "w.load_level = 24")
        wait_level(root, 24, expected_at(pair, 24), "the panel at concurrency 24 set from a cell")
        wait_views_at(root, pair, 24, "the views at concurrency 24 in Notebook 7")
    except BaseException:
        print("screenshot:", screenshot_on_failure(page, "notebook7-sweeps"))
        raise
    finally:
        context.close()
        lab.shutdown_sessions([name])
