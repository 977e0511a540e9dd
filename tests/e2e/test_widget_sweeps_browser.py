"""A sweep widget (`TPOTCompare(sweep_a, sweep_b)`) in a real JupyterLab + headless Chromium.

The 72-run demo (`demo_sweeps()`: two synthetic configurations × 12 concurrency levels × 3
repeats) is opened once per module. Choosing a level — a click on the load view's point, on
the Pareto view's, in the level control, or `w.load_level = L` from Python — must make the
panel show that level's pair: its numbers equal `compare(a.at(L), b.at(L))` computed in this
process, Python's `w.load_level` and `w.stats` agree, and the views of the requests draw that
level's runs (the box view's medians are the pooled runs' medians at L). Switching levels
rapidly must end on the last level chosen without ever showing an older one after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page

from tpot_widget import Sweep, compare
from tpot_widget.demo import demo_sweeps

from .conftest import NotebookPages, state_file
from .lab import LabServer, execute_in_kernel, read_state, wait_for_state, wait_until
from .test_widget_browser import (
    WAIT_S,
    drag_horizontally,
    main_plot_area,
    panel_mismatches,
    pixel_to_x,
    read_panel,
    stats_mismatches,
    wait_converged,
)

pytestmark = pytest.mark.e2e

#: The SLO of every sweep widget here (the load view's SLO line and max-load markers).
SLO = {"time_per_output_token": 0.03}
#: What the notebooks run to build the sweeps (this process builds the same: seeded).
SWEEPS_CODE = "sweeps = demo_sweeps()  # synthetic: 2 configurations x 12 levels x 3 repeats"


def sweeps() -> list[Sweep]:
    """The sweeps of SWEEPS_CODE, built in this process."""
    return demo_sweeps()


def sweep_dump_code(widget_var: str, path: Path) -> str:
    """Notebook code: write the sweep widget's Python-side state as JSON on every change."""
    return f"""
import json as _json, os as _os
def _dump_sweep(change=None, _w={widget_var}, _path={str(path)!r}):
    tr = _w.token_range
    state = {{
        "load_level": _w.load_level,
        "token_range": None if tr is None else [tr[0], tr[1]],
        "keys": [m["key"] for m in _w._runs_meta],
        "stats": _w.stats,
    }}
    with open(_path + ".tmp", "w") as f:
        _json.dump(state, f)
    _os.replace(_path + ".tmp", _path)
{widget_var}.observe(_dump_sweep, names=["stats", "load_level", "token_range", "_runs_meta"])
_dump_sweep()
"""


def sweep_cells(state_path: Path) -> list[str]:
    """Notebook cells: the demo sweeps, the widget `w` (with SLO), its state dump, `w`."""
    return [
        "from tpot_widget import TPOTCompare\nfrom tpot_widget.demo import demo_sweeps\n"
        + SWEEPS_CODE,
        f"w = TPOTCompare(*sweeps, slo={SLO!r})",
        sweep_dump_code("w", state_path),
        "w",
    ]


def expected_at(pair: list[Sweep], level: float, **values: Any) -> dict[str, Any]:
    """compare() of the two configurations' runs at `level` (the SLO of the widget)."""
    a, b = pair
    return compare(a.at(level), b.at(level), slo=SLO, **values).to_dict()


def shown_level(root: Locator) -> str | None:
    """The level the panel says its numbers compare (data-level), None when it says none."""
    return root.locator('[data-testid="stats-level"]').get_attribute("data-level")


def level_attr(level: float) -> str:
    """How the page writes a level's value (JS String(16) = "16", String(2.5) = "2.5")."""
    return str(int(level)) if float(level).is_integer() else repr(float(level))


def wait_level(root: Locator, level: float, expected: dict[str, Any], what: str) -> dict[str, Any]:
    """Wait until the panel is settled at `level` and shows `expected`; return the panel."""
    last: dict[str, Any] = {}

    def settled() -> bool:
        last.update(panel=read_panel(root), level=shown_level(root))
        return (
            last["level"] == level_attr(level)
            and last["panel"]["stale"] == "false"
            and not panel_mismatches(last["panel"], expected)
        )

    try:
        wait_until(settled, WAIT_S, what)
    except AssertionError:
        problems = panel_mismatches(last.get("panel", {"runs": [], "diffs": []}), expected)
        raise AssertionError(
            f"{what}: the panel shows level {last.get('level')!r} (stale="
            f"{last.get('panel', {}).get('stale')!r}), mismatches with level {level}: {problems}"
        ) from None
    return dict(last["panel"])


def level_point(root: Locator, view: str, level: float) -> dict[str, float] | None:
    """Page coordinates of `level`'s point in a sweep view (plotly's own axis conversion)."""
    root.locator(f'[data-testid="{view}"]').scroll_into_view_if_needed()
    return root.evaluate(
        """(root, [view, level]) => {
          const gd = root.querySelector(`[data-testid="${view}"]`);
          const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
          const box = gd.getBoundingClientRect();
          for (const t of gd.data) {
            if (!Array.isArray(t.customdata)) continue;
            const k = t.customdata.indexOf(level);
            if (k < 0 || t.y[k] === null) continue;
            return {x: box.left + xa._offset + xa.d2p(t.x[k]),
                    y: box.top + ya._offset + ya.d2p(t.y[k])};
          }
          return null;
        }""",
        [view, level],
    )


def click_level(page: Page, root: Locator, view: str, level: float) -> None:
    """A user's click on `level`'s point in the load or Pareto view."""
    point = level_point(root, view, level)
    assert point is not None, f"the {view} view has no point of level {level}"
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(120)  # plotly picks the hovered point first
    page.mouse.down()
    page.mouse.up()


def box_medians(root: Locator) -> list[float]:
    """The box view's medians of the selected requests, one per configuration (ms)."""
    return root.evaluate(
        """(root) => {
          const gd = root.querySelector('[data-testid="box"]');
          return gd.data.filter((t) => t.type === 'box' && t.boxmean === true)
            .map((t) => t.median[0]);
        }"""
    )


def pooled_medians(pair: list[Sweep], level: float) -> list[float]:
    """Each configuration's median TPOT at `level` over its successful requests (ms, float32
    as the browser gets them): what the box view draws with every request selected."""
    out = []
    for sweep in pair:
        unit = sweep.at(level)
        run = getattr(unit, "pooled", unit)
        values = run["time_per_output_token"].astype(np.float32)
        usable = values[~run.errors & np.isfinite(values)]
        out.append(float(np.median(usable.astype(np.float64))) * 1000)
    return out


def wait_views_at(root: Locator, pair: list[Sweep], level: float, what: str) -> None:
    """Wait until the box view draws the pooled runs of `level` (the views of the requests)."""
    want = pooled_medians(pair, level)

    def drawn() -> bool:
        got = box_medians(root)
        return len(got) == len(want) and all(
            abs(g - w) <= 1e-4 * w for g, w in zip(got, want, strict=True)
        )

    wait_until(drawn, WAIT_S, f"{what}: box medians {want} (shows {box_medians(root)})")


def python_state(state_path: Path, condition: Callable[[dict[str, Any]], bool], what: str) -> Any:
    """Python's sweep widget state once `condition` holds."""
    return wait_for_state(state_path, condition, WAIT_S, what)


# ----------------------------------------------------------------------------- fixtures


@dataclass
class SweepWidget:
    """The 72-run demo sweep widget open in one page, shared by this module's tests."""

    page: Page
    root: Locator
    state_path: Path
    pair: list[Sweep]


@pytest.fixture(scope="module")
def sweep_module(module_notebooks: NotebookPages, lab: LabServer) -> SweepWidget:
    state_path = state_file(lab, "sweeps")
    page = module_notebooks.open_widget("sweeps.ipynb", sweep_cells(state_path))
    root = page.locator(".tpot-widget").last
    return SweepWidget(page, root, state_path, sweeps())


@pytest.fixture
def sweep(sweep_module: SweepWidget) -> SweepWidget:
    """The shared widget back at concurrency 128 with every row selected (from Python)."""
    execute_in_kernel(sweep_module.page, "w.token_range = None\nw.load_level = 128")
    python_state(
        sweep_module.state_path,
        lambda s: s["load_level"] == 128 and s["token_range"] is None,
        "the reset to concurrency 128 from Python",
    )
    wait_level(sweep_module.root, 128, expected_at(sweep_module.pair, 128), "reset panel")
    return sweep_module


# ----------------------------------------------------------------------------- tests


def test_the_72_run_demo_opens_with_the_load_and_pareto_views(sweep: SweepWidget) -> None:
    root = sweep.root
    for view in ("load", "pareto", "scatter", "box"):
        plot = root.locator(f'[data-testid="{view}"]')
        assert plot.locator("svg.main-svg").count() > 0, f"{view}: no plotly SVG"
    # the load view: a line per configuration over the 12 levels, the SLO line, max loads
    traces = root.evaluate(
        """(root) => root.querySelector('[data-testid="load"]').data
            .filter((t) => Array.isArray(t.customdata)).map((t) => t.customdata)"""
    )
    levels = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128]
    assert traces == [levels, levels]
    note = root.locator('[data-view="load"] .tpot-view-note').inner_text()
    assert "stops being faster than" in note and "Max load with \u2265 90%" in note
    # the level control offers the 12 levels; the panel says which it shows
    options = root.locator('[data-testid="load-level-select"] option').all_inner_texts()
    assert options == [f"concurrency {v}" for v in levels]
    assert "concurrency 128" in root.locator('[data-testid="stats-level"]').inner_text()
    headers = root.locator('[data-testid="run-arm"]').all_inner_texts()
    assert headers == ["arm of 3 runs", "arm of 3 runs"]
    wait_views_at(root, sweep.pair, 128, "the views at concurrency 128")


def test_a_click_on_the_load_views_point_chooses_that_level(sweep: SweepWidget) -> None:
    page, root, pair = sweep.page, sweep.root, sweep.pair
    click_level(page, root, "load", 4)
    expected = expected_at(pair, 4)
    # Python's level, and its statistics (they follow the level in the same message)
    state = python_state(
        sweep.state_path,
        lambda s: s["load_level"] == 4 and not stats_mismatches(s["stats"], expected),
        "the click's level and its statistics in Python",
    )
    assert state["keys"] == ["L2.C0", "L2.C1"]
    wait_level(root, 4, expected, "the panel at concurrency 4 after the click")
    wait_views_at(root, pair, 4, "the views at concurrency 4")
    assert root.locator('[data-testid="load-level-select"]').input_value() == "2"
    # the Pareto view chooses too
    click_level(page, root, "pareto", 32)
    python_state(sweep.state_path, lambda s: s["load_level"] == 32, "the Pareto click in Python")
    wait_level(root, 32, expected_at(pair, 32), "the panel at concurrency 32")


def test_setting_load_level_from_python_moves_the_mark_and_every_view(sweep: SweepWidget) -> None:
    root, pair = sweep.root, sweep.pair
    execute_in_kernel(sweep.page, "w.load_level = 16")
    wait_level(root, 16, expected_at(pair, 16), "the panel at concurrency 16 set from Python")
    wait_views_at(root, pair, 16, "the views at concurrency 16")
    band = root.evaluate("(root) => root.querySelector('[data-testid=\"load\"]').data[0].x")
    assert band == [16, 16], "the load view's mark of the level chosen did not move"
    assert root.locator('[data-testid="load-level-select"]').input_value() == "5"


def test_rapid_level_switches_end_on_the_last_and_never_show_an_older_one(
    sweep: SweepWidget,
) -> None:
    root, pair = sweep.root, sweep.pair
    # record every level the panel shows (and whether it is settled), from now on
    root.evaluate(
        """(root) => {
          const el = root.querySelector('[data-testid="stats-level"]');
          const panel = root.querySelector('[data-testid="stats-panel"]');
          window.__levels = [];
          const note = () => window.__levels.push([el.dataset.level, panel.dataset.stale]);
          const observer = new MutationObserver(note);
          observer.observe(el, {attributes: true, childList: true, subtree: true});
          observer.observe(panel, {attributes: true, attributeFilter: ['data-stale']});
          window.__levelObserver = observer;
        }"""
    )
    select = root.locator('[data-testid="load-level-select"]')
    order = [1, 2, 4, 8, 12, 16, 24, 48]
    for value in order:  # as fast as the page takes them: no wait for any answer
        select.select_option(label=f"concurrency {value}")
    expected = expected_at(pair, 48)
    wait_level(root, 48, expected, "the panel at the last level chosen (48)")
    state = read_state(sweep.state_path)
    assert state is not None and state["load_level"] == 48
    assert stats_mismatches(state["stats"], expected) == []
    wait_views_at(root, pair, 48, "the views at concurrency 48")
    seen = root.evaluate("() => { window.__levelObserver.disconnect(); return window.__levels; }")
    shown = [level for level, _ in seen if level is not None]
    # levels appear in the order they were chosen (an older answer never follows a newer one)
    ranks = [order.index(int(level)) for level in shown if int(level) in order]
    assert ranks == sorted(ranks), f"an older level was shown after a newer one: {shown}"
    assert shown[-1] == "48"


def test_the_brush_and_threshold_work_at_a_level_and_follow_a_level_change(
    sweep: SweepWidget,
) -> None:
    page, root, pair = sweep.page, sweep.root, sweep.pair
    execute_in_kernel(page, "w.load_level = 8")
    wait_level(root, 8, expected_at(pair, 8), "the panel at concurrency 8")
    box = main_plot_area(root)
    lo_x, hi_x = pixel_to_x(root, 0.15), pixel_to_x(root, 0.5)
    drag_horizontally(page, box, 0.15, 0.5)
    state = wait_converged(root, sweep.state_path, "the brush at concurrency 8 to reach Python")
    lo, hi = state["token_range"]
    assert abs(lo - lo_x) <= 0.05 * lo_x + 1 and abs(hi - hi_x) <= 0.05 * hi_x + 1
    wait_level(root, 8, expected_at(pair, 8, token_range=(lo, hi)), "the brushed panel at 8")
    # another level keeps the brush (and a threshold set from Python)
    execute_in_kernel(page, "w.threshold = 0.02")
    click_level(page, root, "load", 64)
    expected = expected_at(pair, 64, token_range=(lo, hi), threshold=0.02)
    wait_level(root, 64, expected, "the brushed panel at concurrency 64 with a threshold")
    state = read_state(sweep.state_path)
    assert state is not None and state["token_range"] == [lo, hi]
    execute_in_kernel(page, "w.threshold = None")
