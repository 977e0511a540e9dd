"""The TPOTCompare widget in a real JupyterLab + headless Chromium, driven like a user would.

Tests generate notebooks, run them in Lab and check what the page shows against the numbers
`compare()` gives in this process for the same runs, and against what Python holds (the notebook
writes the widget's state to a JSON file on every change; see lab.state_dump_code). To stay
fast, the tests share two notebooks (synthetic runs, real fixture runs) per module and reset the
widget from Python before each test; the run-name test opens its own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page

from tpot_widget import Run, compare, load_run
from tpot_widget.demo import demo_runs
from tpot_widget.display import short_labels

from .conftest import NotebookPages, state_file
from .lab import (
    LabServer,
    execute_in_kernel,
    index_builder,
    read_state,
    state_dump_code,
    wait_for_state,
    wait_until,
)

pytestmark = pytest.mark.e2e

#: Small real runs (24 requests each) for the render checks.
FIXTURE_FILES = (
    "vllm/vllm-0.33.0_mock_openai-chat_c4_detailed.json",
    "sglang/sglang-0.5.23_mock_concurrency4_output-details.jsonl",
)
#: Synthetic runs with long and short answers: brushing changes the numbers.
DEMO_N = 2000
XSS_NAME = '<img src=x onerror="window.__xss=1">'
WAIT_S = 60.0

#: JS: everything the stats panel shows, as raw attribute strings.
READ_PANEL_JS = """
(root) => {
  const panel = root.querySelector('[data-testid="stats-panel"]');
  const rows = (sel) => Array.from(panel.querySelectorAll(sel));
  return {
    stale: panel.getAttribute('data-stale'),
    runs: rows('[data-testid="stat-run"]').map((r) => ({
      n: r.getAttribute('data-n'), estimate: r.getAttribute('data-estimate'),
      ci_low: r.getAttribute('data-ci-low'), ci_high: r.getAttribute('data-ci-high'),
    })),
    diffs: rows('[data-testid="stat-diff"]').map((r) => ({
      estimate: r.getAttribute('data-estimate'), ci_low: r.getAttribute('data-ci-low'),
      ci_high: r.getAttribute('data-ci-high'), verdict: r.getAttribute('data-verdict'),
      relative: r.getAttribute('data-relative'),
    })),
  };
}
"""


# ----------------------------------------------------------------------------- helpers


def _number(text: str | None) -> float | None:
    """A data-* attribute (JS String(x), "" for None) as a Python float or None."""
    assert text is not None, "attribute missing on a stats panel row"
    return None if text == "" else float(text)


def _close(shown: float | None, expected: float | None) -> bool:
    """Same number as Python's (JS prints the shortest round-trip repr; allow 1e-12)."""
    if shown is None or expected is None:
        return shown is None and expected is None
    return math.isclose(shown, expected, rel_tol=1e-12, abs_tol=1e-15)


def read_panel(root: Locator) -> dict[str, Any]:
    """The stats panel's attributes: stale flag, per-run and per-difference numbers."""
    return root.evaluate(READ_PANEL_JS)


def panel_mismatches(panel: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Where the panel differs from `expected` (a Comparison.to_dict()); empty if it agrees."""
    problems: list[str] = []
    if len(panel["runs"]) != len(expected["runs"]):
        return [f"{len(panel['runs'])} stat-run rows, expected {len(expected['runs'])}"]
    if len(panel["diffs"]) != len(expected["differences"]):
        return [f"{len(panel['diffs'])} stat-diff rows, expected {len(expected['differences'])}"]
    for i, (shown, want) in enumerate(zip(panel["runs"], expected["runs"], strict=True)):
        if shown["n"] != str(want["n"]):
            problems.append(f"run {i}: data-n={shown['n']!r}, expected {want['n']}")
        for key in ("estimate", "ci_low", "ci_high"):
            if not _close(_number(shown[key]), want[key]):
                problems.append(f"run {i} {key}: shown {shown[key]!r}, expected {want[key]!r}")
    for j, (shown, want) in enumerate(zip(panel["diffs"], expected["differences"], strict=True)):
        if shown["verdict"] != want["verdict"]:
            problems.append(f"diff {j}: verdict {shown['verdict']!r}, expected {want['verdict']!r}")
        for key in ("estimate", "ci_low", "ci_high", "relative"):
            if not _close(_number(shown[key]), want[key]):
                problems.append(f"diff {j} {key}: shown {shown[key]!r}, expected {want[key]!r}")
    return problems


def stats_mismatches(stats: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Where Python's `w.stats` differs from `expected` (both Comparison.to_dict())."""
    problems: list[str] = []
    for key in ("dimension", "statistic", "method", "confidence_level", "token_range"):
        if stats.get(key) != expected[key]:
            problems.append(f"stats[{key!r}] = {stats.get(key)!r}, expected {expected[key]!r}")
    for part in ("runs", "differences"):
        got, want = stats.get(part, []), expected[part]
        if len(got) != len(want):
            problems.append(f"{len(got)} {part}, expected {len(want)}")
            continue
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            for key, value in w.items():
                ok = _close(g.get(key), value) if isinstance(value, float) else g.get(key) == value
                if not ok:
                    problems.append(f"{part}[{i}].{key} = {g.get(key)!r}, expected {value!r}")
    return problems


def wait_settled(
    root: Locator, expected: dict[str, Any], what: str, state_path: Path | None = None
) -> dict[str, Any]:
    """Wait until the panel is not stale and shows `expected`; return the panel.

    With `state_path`, a failure also shows the history of Python's token_range.
    """
    last: dict[str, Any] = {}

    def settled() -> bool:
        nonlocal last
        last = read_panel(root)
        return last["stale"] == "false" and not panel_mismatches(last, expected)

    try:
        wait_until(settled, WAIT_S, what)
    except AssertionError:
        problems = panel_mismatches(last, expected)
        state = read_state(state_path) if state_path is not None else None
        history = None if state is None else state.get("history")
        raise AssertionError(
            f"{what}: panel stale={last.get('stale')!r}, mismatches: {problems}; "
            f"widget shows range {shown_range(root)}; Python's token_range history "
            f"[changed trait, token_range, stats.token_range]: {history}"
        ) from None
    return last


def shown_range(root: Locator) -> tuple[str, str]:
    """The token range the widget's inputs show."""
    return (
        root.locator('[data-testid="token-min"]').input_value(),
        root.locator('[data-testid="token-max"]').input_value(),
    )


def wait_converged(root: Locator, state_path: Path, what: str) -> dict[str, Any]:
    """Wait until the panel is idle and Python's token_range (and stats) = the shown range."""
    last: dict[str, Any] = {}

    def converged() -> dict[str, Any] | None:
        state = read_state(state_path)
        shown = shown_range(root)
        last.update(state=state, shown=shown, stale=read_panel(root)["stale"])
        if state is None or state["token_range"] is None or last["stale"] != "false":
            return None
        as_numbers = [None if v == "" else float(v) for v in shown]
        if as_numbers != state["token_range"] or state["stats"]["token_range"] != as_numbers:
            return None
        return state

    try:
        return wait_until(converged, WAIT_S, what)
    except AssertionError:
        state = last.get("state") or {}
        raise AssertionError(
            f"{what}: the widget shows range {last.get('shown')} (panel stale="
            f"{last.get('stale')!r}) but Python's token_range is {state.get('token_range')}; "
            f"history [changed trait, token_range, stats.token_range]: {state.get('history')}"
        ) from None


def widget_cells(runs_code: str, state_path: Path, widget_args: str = "") -> list[str]:
    """Notebook cells: build `runs`, create `w`, dump its state on change, display it."""
    return [
        "from tpot_widget import TPOTCompare, Run, load_run\n"
        "from tpot_widget.demo import demo_runs\n" + runs_code,
        f"w = TPOTCompare(*runs{', ' + widget_args if widget_args else ''})",
        state_dump_code("w", state_path),
        "w",
    ]


def fixture_runs(fixtures_dir: Path) -> list[Run]:
    """The small real runs of FIXTURE_FILES, loaded in this process."""
    return [load_run(fixtures_dir / name) for name in FIXTURE_FILES]


def fixture_runs_code(fixtures_dir: Path) -> str:
    """Notebook code building the same `runs` as fixture_runs()."""
    paths = [str(fixtures_dir / name) for name in FIXTURE_FILES]
    return f"runs = [load_run(p) for p in {paths!r}]"


def main_plot_area(root: Locator, view: str = "scatter") -> dict[str, float]:
    """Bounding box of a view's main (x, y) plot area: the drag target of a brush."""
    area = root.locator(f'[data-testid="{view}"] .draglayer g.xy > .nsewdrag').first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None, "the scatter's plot area is not visible"
    return box


def drag_horizontally(page: Page, box: dict[str, float], start: float, end: float) -> None:
    """A user's mouse drag across the plot area from fraction `start` to `end` of its width."""
    y = box["y"] + box["height"] * 0.5
    x0 = box["x"] + box["width"] * start
    x1 = box["x"] + box["width"] * end
    page.mouse.move(x0, y)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x0 + (x1 - x0) * i / 20, y)
        page.wait_for_timeout(15)
    page.mouse.up()


def pixel_to_x(root: Locator, fraction: float, view: str = "scatter") -> float:
    """Data x at `fraction` of a view's main plot width (plotly's own axis conversion)."""
    return root.evaluate(
        """(root, [f, view]) => {
          const gd = root.querySelector(`[data-testid="${view}"]`);
          const gd2 = gd.classList.contains('js-plotly-plot') ? gd
            : gd.querySelector('.js-plotly-plot');
          const ax = gd2._fullLayout.xaxis;
          return ax.p2d(ax._length * f);
        }""",
        [fraction, view],
    )


# ----------------------------------------------------------------------------- fixtures


@dataclass
class SharedWidget:
    """A widget several tests of this module share: its page, root and state file."""

    page: Page
    root: Locator
    state_path: Path
    runs: list[Run]
    #: compare(*runs).to_dict(): what the panel shows with every row selected.
    full: dict[str, Any]


def _open_shared(
    opener: NotebookPages, lab: LabServer, name: str, runs: list[Run], runs_code: str
) -> SharedWidget:
    state_path = state_file(lab, name)
    page = opener.open_widget(f"{name}.ipynb", widget_cells(runs_code, state_path))
    root = page.locator(".tpot-widget").last
    return SharedWidget(page, root, state_path, runs, compare(*runs).to_dict())


def _reset(widget: SharedWidget) -> SharedWidget:
    """Back to every row and TPOT (set from Python), settled."""
    execute_in_kernel(
        widget.page,
        "w.token_range = None\nw.time_range = None\nw.slo = {}\n"
        "w.dimension = 'time_per_output_token'",
    )
    wait_for_state(
        widget.state_path,
        lambda s: (
            s["token_range"] is None
            and s["time_range"] is None
            and not s["slo"]
            and s["dimension"] == s["stats"]["dimension"] == "time_per_output_token"
            and s["stats"]["token_range"] is None
            and s["stats"].get("time_range") is None
            and not s["stats"].get("slo")
        ),
        WAIT_S,
        "the reset from Python",
    )
    wait_settled(widget.root, widget.full, "panel after the reset from Python")
    return widget


@pytest.fixture(scope="module")
def demo_module(module_notebooks: NotebookPages, lab: LabServer) -> SharedWidget:
    """Synthetic runs with long and short answers (brushing changes the numbers)."""
    return _open_shared(
        module_notebooks, lab, "demo", demo_runs(n=DEMO_N), f"runs = demo_runs(n={DEMO_N})"
    )


@pytest.fixture
def demo(demo_module: SharedWidget) -> SharedWidget:
    """The shared demo widget, reset to every row and TPOT."""
    return _reset(demo_module)


@pytest.fixture(scope="module")
def real_module(
    module_notebooks: NotebookPages, lab: LabServer, fixtures_dir: Path
) -> SharedWidget:
    """Two small real runs (vLLM and SGLang benchmark outputs)."""
    return _open_shared(
        module_notebooks,
        lab,
        "real",
        fixture_runs(fixtures_dir),
        fixture_runs_code(fixtures_dir),
    )


@pytest.fixture
def real(real_module: SharedWidget) -> SharedWidget:
    """The shared real-runs widget, reset to every row and TPOT."""
    return _reset(real_module)


# ----------------------------------------------------------------------------- tests


def test_views_render_fixture_runs(real: SharedWidget) -> None:
    """Two real runs: header names and counts, the three plots with both runs, the stats."""
    root, runs = real.root, real.runs
    labels = short_labels([run.name for run in runs])
    headers = root.locator('[data-testid="run-header"]')
    assert headers.count() == len(runs)
    for header, run, label in zip(headers.all(), runs, labels, strict=True):
        name = header.locator('[data-testid="run-name"]')
        assert name.text_content() == label
        assert name.get_attribute("title") == run.name, "the full name is not one hover away"
        count = re.sub(
            r"[\s,.\u202f\u2009]", "", header.locator('[data-testid="run-count"]').inner_text()
        )
        assert str(len(run)) in count, f"run-count {count!r} does not show {len(run)} requests"
        errors = header.locator('[data-testid="run-errors"]').inner_text()
        assert str(run.n_errors) in errors, f"run-errors {errors!r} does not show {run.n_errors}"

    for testid in ("scatter", "box", "hist"):
        plot = root.locator(f'[data-testid="{testid}"]')
        assert plot.locator("svg.main-svg").count() > 0, f"{testid}: no plotly SVG"
    scatter = root.locator('[data-testid="scatter"]')
    assert scatter.locator("canvas").count() + scatter.locator(".scatterlayer .point").count() > 0
    legend = scatter.locator(".legend .legendtext").all_text_contents()
    for label in labels:
        assert label in legend, f"legend {legend!r} lacks {label!r}"
    # One drawn trace per run at least (box: box traces; hist: bars or step lines).
    for testid in ("box", "hist"):
        traces = root.locator(f'[data-testid="{testid}"] .cartesianlayer .trace').count()
        assert traces >= len(runs), f"{testid}: {traces} traces drawn for {len(runs)} runs"

    panel = wait_settled(root, real.full, "initial stats of the fixture runs")
    assert index_builder(root) == "worker", "the brush's indexes were built on the main thread"
    assert [int(r["n"]) for r in panel["runs"]] == [r["n"] for r in real.full["runs"]]
    state = read_state(real.state_path)
    assert state is not None and state["token_range"] is None
    assert stats_mismatches(state["stats"], real.full) == []


def test_brush_sets_token_range_and_stats(demo: SharedWidget) -> None:
    """A mouse drag over the scatter sets Python's token_range; panel == compare() on it."""
    page, root = demo.page, demo.root
    before = read_panel(root)

    box = main_plot_area(root)
    lo_x, hi_x = pixel_to_x(root, 0.55), pixel_to_x(root, 0.9)
    drag_horizontally(page, box, 0.55, 0.9)

    # A drag sends several ranges; wait until the widget is idle and Python holds the range
    # the widget shows (its inputs), with stats for it.
    state = wait_converged(root, demo.state_path, "the brush to reach Python")
    lo, hi = state["token_range"]
    # The range is where the mouse went (plotly's own pixel → data conversion, ±5 %).
    assert lo < hi
    assert abs(lo - lo_x) <= 0.05 * lo_x + 1, f"brush start {lo} vs dragged {lo_x:.1f}"
    assert abs(hi - hi_x) <= 0.05 * hi_x + 1, f"brush end {hi} vs dragged {hi_x:.1f}"

    expected = compare(*demo.runs, token_range=(lo, hi)).to_dict()
    assert stats_mismatches(state["stats"], expected) == []
    after = wait_settled(root, expected, f"panel for token_range {(lo, hi)}", demo.state_path)
    assert after["runs"] != before["runs"], "the panel's numbers did not change with the brush"
    selected = sum(int(r["n"]) for r in after["runs"])
    assert 0 < selected < sum(int(r["n"]) for r in before["runs"])


#: JS: the brush band's canvas mid-drag: its box on the page, and per CSS-pixel column of
#: its middle row whether anything is painted there (alpha > 0); null while it is hidden.
BAND_JS = """
(root) => {
  const band = root.querySelector('[data-testid="scatter"] [data-testid="brush-band"]');
  if (band === null || band.hidden) return null;
  const box = band.getBoundingClientRect();
  const ratio = band.width / box.width;
  const middle = Math.floor(band.height / 2);
  const row = band.getContext('2d').getImageData(0, middle, band.width, 1).data;
  const painted = [];
  for (let x = 0; x < box.width; x++) painted.push(row[4 * Math.floor(x * ratio) + 3] > 0);
  return {left: box.left, width: box.width, painted};
}
"""


def test_the_band_shows_the_span_dragged_while_the_hand_moves(demo: SharedWidget) -> None:
    """Mid-drag the band covers the plot area's columns between where the drag started and
    where the pointer is, and nothing else; it is gone once the button is released."""
    page, root = demo.page, demo.root
    box = main_plot_area(root)
    y = box["y"] + box["height"] * 0.5
    x0, x1 = box["x"] + box["width"] * 0.3, box["x"] + box["width"] * 0.6
    page.mouse.move(x0, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * i / 10, y)
        page.wait_for_timeout(15)
    page.wait_for_timeout(100)
    band = root.evaluate(BAND_JS)
    page.mouse.up()
    assert band is not None, "no band was shown while dragging"
    painted = [band["left"] + x for x, on in enumerate(band["painted"]) if on]
    assert painted, "the band painted nothing"
    assert abs(min(painted) - x0) <= 2 and abs(max(painted) - x1) <= 2, (
        f"the band spans {min(painted):.0f}..{max(painted):.0f}, the drag {x0:.0f}..{x1:.0f}"
    )
    assert len(painted) >= (x1 - x0) - 2, "the band has gaps inside the span dragged"
    wait_until(lambda: root.evaluate(BAND_JS) is None, WAIT_S, "the band hidden after the drag")
    wait_converged(root, demo.state_path, "the brush to reach Python")


#: JS: from now on, log the first run's estimate at every change of the panel.
WATCH_PANEL_JS = """
(root) => {
  const panel = root.querySelector('[data-testid="stats-panel"]');
  window.__panelShown = [];
  new MutationObserver(() => {
    const row = panel.querySelector('[data-testid="stat-run"]');
    window.__panelShown.push(row ? row.getAttribute('data-estimate') : null);
  }).observe(panel, {childList: true, subtree: true, attributes: true});
}
"""

#: JS: the medians of the selected rows' box per run (plotly's data of the box view).
BOX_MEDIANS_JS = """
(root) => root.querySelector('[data-testid="box"]').data
  .filter((t) => t.boxmean === true).map((t) => t.median.length ? t.median[0] : null)
"""


def _selected_medians_ms(runs: list[Run], lo: float, hi: float) -> list[float]:
    """Median TPOT (ms) of each run's usable rows with lo <= output tokens <= hi."""
    medians = []
    for run in runs:
        df = run.to_pandas()
        tokens = df["num_tokens_output"].to_numpy(dtype=float)
        tpot = df["time_per_output_token"].to_numpy(dtype=np.float32).astype(float) * 1000
        keep = df["error"].isna().to_numpy() & np.isfinite(tpot) & (tokens >= lo) & (tokens <= hi)
        medians.append(float(np.median(tpot[keep])))
    return medians


def test_rapid_brushes_end_on_the_last_one_in_the_panel_and_the_views(demo: SharedWidget) -> None:
    """Brushes in quick succession (the kernel still busy with older ones): the panel ends on
    compare() of the last range and no late answer replaces it; the box plots show the last
    range's rows."""
    page, root = demo.page, demo.root
    box = main_plot_area(root)
    root.evaluate(WATCH_PANEL_JS)
    y = box["y"] + box["height"] * 0.5
    for start, end in ((0.1, 0.4), (0.6, 0.92), (0.2, 0.7), (0.35, 0.6), (0.5, 0.85)):
        page.mouse.move(box["x"] + box["width"] * start, y)
        page.mouse.down()
        for i in range(1, 6):  # no pause: the kernel is still busy with the previous brush
            page.mouse.move(box["x"] + box["width"] * (start + (end - start) * i / 5), y)
        page.mouse.up()
    state = wait_converged(root, demo.state_path, "the last brush to reach Python")
    lo, hi = state["token_range"]
    expected = compare(*demo.runs, token_range=(lo, hi)).to_dict()
    wait_settled(root, expected, f"panel for the last brush {(lo, hi)}", demo.state_path)
    # once the last answer is shown, no other (older) one replaces it
    final = read_panel(root)["runs"][0]["estimate"]
    assert page.evaluate("() => window.__panelShown")[-1] == final
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__panelShown")[-1] == final, "a late answer was shown"

    root.locator('[data-testid="box"]').scroll_into_view_if_needed()
    want = _selected_medians_ms(demo.runs, lo, hi)

    def box_shows_last_brush() -> bool:
        got = root.evaluate(BOX_MEDIANS_JS)
        return len(got) == len(want) and all(
            g is not None and math.isclose(g, w, rel_tol=1e-6)
            for g, w in zip(got, want, strict=True)
        )

    wait_until(box_shows_last_brush, WAIT_S, f"the box plots of the last brush (medians {want})")


def test_range_inputs_and_reset(demo: SharedWidget) -> None:
    """Typing a token range sets token_range (panel marked stale meanwhile); reset clears it."""
    page, root, state_path = demo.page, demo.root, demo.state_path
    # Record every value data-stale takes from here on.
    root.evaluate(
        """(root) => {
          const panel = root.querySelector('[data-testid="stats-panel"]');
          window.__staleSeen = [];
          new MutationObserver(() => window.__staleSeen.push(panel.getAttribute('data-stale')))
            .observe(panel, {attributes: true, attributeFilter: ['data-stale']});
        }"""
    )
    # Typing a bound and pressing Enter applies it (without leaving the field).
    root.locator('[data-testid="token-min"]').fill("200")
    root.locator('[data-testid="token-min"]').press("Enter")
    wait_for_state(
        state_path,
        lambda s: s["token_range"] == [200, None],
        WAIT_S,
        "token_range (200, None) after typing 200 + Enter in token-min",
    )
    root.locator('[data-testid="token-max"]').fill("700")
    root.locator('[data-testid="token-max"]').press("Enter")
    state = wait_for_state(
        state_path,
        lambda s: s["token_range"] == [200, 700] and s["stats"]["token_range"] == [200, 700],
        WAIT_S,
        "token_range (200, 700) from the range inputs",
    )
    expected = compare(*demo.runs, token_range=(200, 700)).to_dict()
    assert stats_mismatches(state["stats"], expected) == []
    wait_settled(root, expected, "panel for the typed range", state_path)
    seen = page.evaluate("() => window.__staleSeen")
    assert "true" in seen, f"data-stale never became 'true' while recomputing (saw {seen})"
    assert seen[-1] == "false"

    root.locator('[data-testid="reset-selection"]').click()
    wait_for_state(
        state_path,
        lambda s: s["token_range"] is None and s["stats"]["token_range"] is None,
        WAIT_S,
        "reset to clear token_range",
    )
    wait_settled(root, demo.full, "panel after reset")
    assert shown_range(root) == ("", "")


def test_dimension_switch_follows(demo: SharedWidget) -> None:
    """A range set from Python shows in the inputs; switching to TTFT recomputes on that range."""
    root, runs = demo.root, demo.runs
    execute_in_kernel(demo.page, "w.token_range = (100, 400)")
    wait_until(
        lambda: shown_range(root) in {("100", "400"), ("100.0", "400.0")},
        WAIT_S,
        "the range inputs to show the token_range set from Python",
    )
    tpot = compare(*runs, token_range=(100, 400)).to_dict()
    tpot_panel = wait_settled(root, tpot, "TPOT stats on (100, 400)")

    root.locator('[data-testid="dimension-select"]').select_option("time_to_first_token")
    state = wait_for_state(
        demo.state_path,
        lambda s: s["dimension"] == s["stats"]["dimension"] == "time_to_first_token",
        WAIT_S,
        "w.dimension and w.stats to follow the dropdown",
    )
    assert state["token_range"] == [100, 400]
    ttft = compare(*runs, dimension="time_to_first_token", token_range=(100, 400)).to_dict()
    assert stats_mismatches(state["stats"], ttft) == []
    panel = wait_settled(root, ttft, "panel for TTFT")
    assert panel["runs"] != tpot_panel["runs"]


def test_run_names_are_text_not_html(
    notebooks: NotebookPages, fixtures_dir: Path, state_path: Path
) -> None:
    """A run named like an HTML tag shows literally and never executes, even on hover."""
    code = (
        fixture_runs_code(fixtures_dir)
        + f"\nruns[1] = Run.from_frame(runs[1].to_pandas(), name={XSS_NAME!r})"
    )
    page = notebooks.open_widget("xss.ipynb", widget_cells(code, state_path))
    root = page.locator(".tpot-widget").last

    names = root.locator('[data-testid="run-name"]').all_text_contents()
    xss_label = short_labels([fixture_runs(fixtures_dir)[0].name, XSS_NAME])[1]
    assert names[1] == xss_label
    assert root.locator('[data-testid="run-name"]').nth(1).get_attribute("title") == XSS_NAME
    assert page.locator('img[src="x"]').count() == 0
    page.wait_for_timeout(300)  # an injected <img onerror> fires asynchronously
    assert page.evaluate("() => typeof window.__xss") == "undefined"

    # Hover across the plots: tooltips and legends must not inject it either.
    for testid in ("scatter", "box", "hist"):
        area = root.locator(f'[data-testid="{testid}"] .nsewdrag').first
        area.scroll_into_view_if_needed()
        box = area.bounding_box()
        assert box is not None
        for i in range(1, 8):
            page.mouse.move(box["x"] + box["width"] * i / 8, box["y"] + box["height"] * 0.6)
            page.wait_for_timeout(20)
    page.wait_for_timeout(300)
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    legend = root.locator('[data-testid="scatter"] .legend .legendtext').all_text_contents()
    assert xss_label in legend, f"the legend does not show the name literally: {legend!r}"


def _luminance(css_color: str) -> float:
    """Relative luminance (0 black .. 1 white) of a CSS rgb()/rgba() color."""
    values = [float(v) for v in re.findall(r"[\d.]+", css_color)[:3]]
    assert len(values) == 3, f"not an rgb color: {css_color!r}"
    r, g, b = (v / 255 for v in values)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


#: JS: the colors a user sees: the root's effective background and the scatter's tick labels.
COLORS_JS = """
(root) => {
  let el = root, bg = 'rgba(0, 0, 0, 0)';
  while (el) {
    const c = getComputedStyle(el).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c)) { bg = c; break; }
    el = el.parentElement;
  }
  const tick = root.querySelector('[data-testid="scatter"] .xtick text');
  return {
    theme: root.getAttribute('data-theme'),
    ownBackground: getComputedStyle(root).backgroundColor,
    background: bg,
    tick: tick ? getComputedStyle(tick).fill : null,
  };
}
"""


def test_dark_theme(real: SharedWidget) -> None:
    """Switching JupyterLab to dark turns the widget and its plots dark."""
    page, root = real.page, real.root
    light = root.evaluate(COLORS_JS)
    assert light["theme"] == "light"
    assert _luminance(light["background"]) > 0.7
    try:
        page.evaluate(
            "() => window.jupyterapp.commands.execute("
            "'apputils:change-theme', {theme: 'JupyterLab Dark'})"
        )
        page.wait_for_function(
            "() => document.body.dataset.jpThemeLight === 'false'", timeout=WAIT_S * 1000
        )
        page.wait_for_function(
            "(root) => root.getAttribute('data-theme') === 'dark'",
            arg=root.element_handle(),
            timeout=WAIT_S * 1000,
        )
        # Plots are re-laid out with the theme's colors; give plotly a moment.
        dark = wait_until(
            lambda: (
                (c := root.evaluate(COLORS_JS))
                and c["tick"] is not None
                and _luminance(c["tick"]) > 0.5
                and c
            ),
            WAIT_S,
            "the scatter's tick labels to turn light on dark",
        )
        assert _luminance(dark["background"]) < 0.3, f"background {dark['background']}"
        assert light["tick"] is not None and _luminance(light["tick"]) < 0.5
    finally:
        # The theme is a user setting stored by the server: put it back for the other tests.
        page.evaluate(
            "() => window.jupyterapp.commands.execute("
            "'apputils:change-theme', {theme: 'JupyterLab Light'})"
        )
        page.wait_for_function(
            "() => document.body.dataset.jpThemeLight === 'true'", timeout=WAIT_S * 1000
        )


#: Two configuration names sharing a long prefix (issue 12): only the end tells them apart.
LONG_NAMES = (
    "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=256",
    "llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=128",
)

#: JS: elements of the widget (outside the plots) holding one of `texts` whose content
#: overflows their box (clipped by CSS overflow or spilling out).
CLIPPED_JS = """
(root, texts) => {
  const clipped = [];
  for (const el of root.querySelectorAll('*')) {
    if (!(el instanceof HTMLElement) || el.closest('.tpot-plot')) continue;
    const text = el.textContent || '';
    if (!texts.some((t) => text.includes(t))) continue;
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 || style.textOverflow === 'ellipsis') {
      clipped.push({tag: el.tagName, cls: el.className, text: text.slice(0, 80),
                    scroll: el.scrollWidth, client: el.clientWidth});
    }
  }
  return clipped;
}
"""


def _boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two bounding boxes share some area."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_long_run_names_stay_readable_and_copy(
    notebooks: NotebookPages, fixtures_dir: Path, state_path: Path, lab: LabServer
) -> None:
    """Names sharing a long prefix: short labels tell them apart, nothing clips; copy summary."""
    code = fixture_runs_code(fixtures_dir) + "".join(
        f"\nruns[{i}] = Run.from_frame(runs[{i}].to_pandas(), name={name!r})"
        for i, name in enumerate(LONG_NAMES)
    )
    page = notebooks.open_widget("long_names.ipynb", widget_cells(code, state_path))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lab.url)
    root = page.locator(".tpot-widget").last
    labels = short_labels(list(LONG_NAMES))
    assert labels[0] != labels[1]

    # No element that holds a run name (label or full name) is clipped, at two widths.
    for width in (1400, 900):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)
        clipped = root.evaluate(CLIPPED_JS, [*labels, *LONG_NAMES])
        assert clipped == [], f"clipped run names at {width}px: {clipped}"

    # The panel's run rows tell the runs apart (256 vs 128); the full name is in the title.
    rows = root.locator('[data-testid="stat-run-name"]')
    texts = rows.all_text_contents()
    assert "256" in texts[0] and "128" in texts[1], f"panel run rows read {texts!r}"
    assert [rows.nth(i).get_attribute("title") for i in range(2)] == list(LONG_NAMES)
    diff_title = root.locator('[data-testid="stat-diff"] .tpot-diff-title').inner_text()
    assert "128" in diff_title and "256" in diff_title, f"difference title {diff_title!r}"

    # Over the scatter the mode bar shows, and it covers no part of the top marginal.
    area = main_plot_area(root)
    page.mouse.move(area["x"] + area["width"] * 0.5, area["y"] + area["height"] * 0.5)
    modebar = root.locator('[data-testid="scatter"] .modebar')
    modebar.wait_for(state="visible")
    page.wait_for_timeout(400)  # plotly fades the mode bar in
    bar = modebar.bounding_box()
    top = root.locator('[data-testid="scatter"] .draglayer .xy2 .nsewdrag').first.bounding_box()
    assert bar is not None and top is not None
    assert not _boxes_overlap(bar, top), f"the mode bar {bar} covers the top marginal {top}"

    # "Copy summary" puts a Markdown table naming both runs on the clipboard.
    button = root.locator('[data-testid="copy-summary"]')
    button.click()
    page.wait_for_function(
        "(b) => b.dataset.copied === 'true'", arg=button.element_handle(), timeout=WAIT_S * 1000
    )
    clipboard = page.evaluate("() => navigator.clipboard.readText()")
    assert "|" in clipboard, f"not a table: {clipboard!r}"
    for end in ("max_num_seqs=256", "max_num_seqs=128"):
        assert end in clipboard, f"the copied summary does not name {end}: {clipboard!r}"


#: JS: the drawn lines of a view (SVG path data of its line traces), to see it redraw.
LINES_JS = """
(root, view) => Array.from(
  root.querySelectorAll(`[data-testid="${view}"] .scatterlayer path.js-line`)
).map((p) => p.getAttribute('d')).join('|')
"""


def _shown_time_range(root: Locator) -> list[float | None]:
    """The time range the widget's inputs show (None for an empty side)."""
    values = [root.locator(f'[data-testid="time-{side}"]').input_value() for side in ("min", "max")]
    return [None if v == "" else float(v) for v in values]


def test_time_view_drag_sets_time_range(demo: SharedWidget) -> None:
    """Dragging across the time view sets Python's time_range; the panel = compare() on it."""
    page, root = demo.page, demo.root
    title = root.locator('[data-testid="time"] .g-xtitle').text_content() or ""
    assert "request start time" in title, f"time view x-axis title {title!r}"
    before = read_panel(root)
    lo_t, hi_t = pixel_to_x(root, 0.3, "time"), pixel_to_x(root, 0.8, "time")
    drag_horizontally(page, main_plot_area(root, "time"), 0.3, 0.8)

    def converged(s: dict[str, Any]) -> bool:
        tr = s["time_range"]
        return (
            tr is not None
            and s["stats"].get("time_range") == tr
            and _shown_time_range(root) == tr
            and read_panel(root)["stale"] == "false"
        )

    state = wait_for_state(demo.state_path, converged, WAIT_S, "the time brush to reach Python")
    lo, hi = state["time_range"]
    span = hi_t - lo_t
    assert abs(lo - lo_t) <= 0.05 * span and abs(hi - hi_t) <= 0.05 * span, (
        f"time_range {(lo, hi)} is not where the mouse went {(lo_t, hi_t)}"
    )
    assert state["token_range"] is None
    expected = compare(*demo.runs, time_range=(lo, hi)).to_dict()
    assert stats_mismatches(state["stats"], expected) == []
    after = wait_settled(root, expected, f"panel for time_range {(lo, hi)}", demo.state_path)
    selected = sum(int(r["n"]) for r in after["runs"])
    assert 0 < selected < sum(int(r["n"]) for r in before["runs"])
    veil = root.locator('[data-testid="time"] .tpot-veil')
    assert veil.count() == 1 and veil.is_visible(), "the time view shows no veil outside the range"

    # Set from Python, the range shows in the inputs.
    execute_in_kernel(page, "w.time_range = (10, None)")
    wait_until(lambda: _shown_time_range(root) == [10.0, None], WAIT_S, "time inputs at 10..")


def test_ecdf_and_shift_views_redraw_on_brush(demo: SharedWidget) -> None:
    """A scatter brush redraws the ECDF (selection) and the shift function (new stats), out
    of view too: when the user scrolls to them."""
    page, root = demo.page, demo.root
    ytitle = root.locator('[data-testid="ecdf"] .g-ytitle').text_content()
    assert ytitle == "cumulative share of requests"
    wait_until(lambda: root.evaluate(LINES_JS, "shift"), WAIT_S, "the shift function drawn")
    ecdf_before = root.evaluate(LINES_JS, "ecdf")
    shift_before = root.evaluate(LINES_JS, "shift")
    assert ecdf_before and shift_before

    drag_horizontally(page, main_plot_area(root), 0.5, 0.85)
    state = wait_converged(root, demo.state_path, "the brush to reach Python")
    expected = compare(*demo.runs, token_range=tuple(state["token_range"])).to_dict()
    wait_settled(root, expected, "panel after the brush", demo.state_path)
    root.locator('[data-testid="ecdf"]').scroll_into_view_if_needed()
    wait_until(lambda: root.evaluate(LINES_JS, "ecdf") != ecdf_before, WAIT_S, "the ECDF to redraw")
    root.locator('[data-testid="shift"]').scroll_into_view_if_needed()
    wait_until(
        lambda: root.evaluate(LINES_JS, "shift") != shift_before,
        WAIT_S,
        "the shift function to redraw",
    )
    # the faint ECDF of the rows outside the range is there too (two curves per run)
    n_lines = root.locator('[data-testid="ecdf"] .scatterlayer path.js-line').count()
    assert n_lines == 2 * len(demo.runs)


def test_slo_inputs_and_panel_match_compare(demo: SharedWidget) -> None:
    """Typing a TPOT objective (ms) sets w.slo; the panel's attainment = compare(slo=...)."""
    root = demo.root
    field = root.locator('[data-testid="slo-time_per_output_token"]')
    field.fill("25")
    field.press("Enter")
    slo = {"time_per_output_token": 0.025}
    state = wait_for_state(
        demo.state_path,
        lambda s: s["slo"] == slo and bool(s["stats"].get("slo")),
        WAIT_S,
        "w.slo from the SLO input",
    )
    want = compare(*demo.runs, slo=slo).to_dict()["slo"]
    assert state["stats"]["slo"]["runs"] == want["runs"]

    def shown() -> list[dict[str, str | None]]:
        return root.evaluate(
            """(root) => Array.from(root.querySelectorAll('[data-testid="slo-run"]')).map((r) => ({
                 n: r.dataset.n, met: r.dataset.met, attainment: r.dataset.attainment,
                 ci_low: r.dataset.ciLow, ci_high: r.dataset.ciHigh}))"""
        )

    def matches() -> bool:
        rows = shown()
        return len(rows) == len(want["runs"]) and all(
            row["n"] == str(w["n"])
            and row["met"] == str(w["met"])
            and all(_close(_number(row[k]), w[k]) for k in ("attainment", "ci_low", "ci_high"))
            for row, w in zip(rows, want["runs"], strict=True)
        )

    wait_until(matches, WAIT_S, f"the SLO table to show {want['runs']} (shows {shown()})")
    diffs = root.locator('[data-testid="slo-diff"]')
    assert diffs.count() == len(want["differences"])
    for i, w in enumerate(want["differences"]):
        assert _close(_number(diffs.nth(i).get_attribute("data-estimate")), w["estimate"])
    # the objective is drawn as a threshold line on the views whose axis is TPOT
    for view in ("scatter", "time", "box", "hist", "ecdf"):
        lines = root.locator(f'[data-testid="{view}"] .shapelayer path').count()
        assert lines >= 1, f"{view}: no SLO threshold line"


def test_warm_up_hint_excludes_the_first_seconds(
    notebooks: NotebookPages, state_path: Path
) -> None:
    """A run with an obvious warm-up: the panel offers to cut it; the button sets time_range."""
    from factories import make_run

    def build() -> list[Run]:
        return [
            make_run("warm", n=2000, seed=1, duration=120.0, warm_up=(20.0, 2.0)),
            make_run("steady", n=2000, seed=2, duration=120.0),
        ]

    tests_dir = str(Path(__file__).resolve().parents[1])
    code = (
        f"import sys\nsys.path.insert(0, {tests_dir!r})\nfrom factories import make_run\n"
        "runs = [make_run('warm', n=2000, seed=1, duration=120.0, warm_up=(20.0, 2.0)),\n"
        "        make_run('steady', n=2000, seed=2, duration=120.0)]"
    )
    runs = build()
    hint = compare(*runs).to_dict()["warm_up"]
    assert hint is not None, "the factory's warm-up is not detected by compare()"
    page = notebooks.open_widget("warm_up.ipynb", widget_cells(code, state_path))
    root = page.locator(".tpot-widget").last
    button = root.locator('[data-testid="warm-up-exclude"]')
    button.wait_for(state="visible", timeout=WAIT_S * 1000)
    seconds = float(button.get_attribute("data-seconds") or "nan")
    assert seconds == hint["seconds"]
    assert f"{seconds:.0f}" in button.inner_text()
    button.click()
    state = wait_for_state(
        state_path,
        lambda s: s["time_range"] == [seconds, None] and s["stats"].get("time_range") is not None,
        WAIT_S,
        "time_range from the warm-up button",
    )
    expected = compare(*runs, time_range=(seconds, None)).to_dict()
    assert stats_mismatches(state["stats"], expected) == []
    wait_settled(root, expected, "panel without the warm-up")
    assert button.count() == 0 or not button.is_visible(), "the hint stays after accepting it"


def _shown_notes(root: Locator) -> list[str]:
    """The notes the stats panel lists."""
    return root.locator('[data-testid="stats-notes"] li').all_text_contents()


def test_threshold_and_match_controls_match_compare(demo: SharedWidget) -> None:
    """Threshold ±% and "match workloads on" set w.threshold / w.match; panel = compare()."""
    page, root, runs = demo.page, demo.root, demo.runs
    field = root.locator('[data-testid="threshold-input"]')
    choose = root.locator('[data-testid="match-select"]')
    error = root.locator('[data-testid="stats-error"]')
    try:
        # 2 (%) → threshold 0.02 in the kernel; the panel's verdicts and notes = compare()'s
        field.fill("2")
        field.press("Enter")
        wait_for_state(
            demo.state_path,
            lambda s: s["stats"].get("threshold") == 0.02,
            WAIT_S,
            "stats for threshold 0.02 from the threshold input",
        )
        execute_in_kernel(page, "assert w.threshold == 0.02, repr(w.threshold)")
        expected = compare(*runs, threshold=0.02).to_dict()
        wait_settled(root, expected, "panel for threshold=0.02", demo.state_path)
        note = root.locator('[data-testid="threshold"]')
        assert "\u00b12%" in (note.text_content() or ""), "the panel does not name the threshold"
        wait_until(lambda: _shown_notes(root) == expected["notes"], WAIT_S, "threshold notes")

        # a wider threshold turns the verdict to "equivalent", as compare() says
        wide = compare(*runs, threshold=0.2).to_dict()
        assert [d["verdict"] for d in wide["differences"]] != [
            d["verdict"] for d in expected["differences"]
        ], "the demo runs no longer tell a 2% from a 20% threshold"
        field.fill("20")
        field.press("Enter")
        wait_settled(root, wide, "panel for threshold=0.2", demo.state_path)
        execute_in_kernel(page, "assert w.threshold == 0.2, repr(w.threshold)")

        # a refused value: its reason as text in the error line, the kernel keeps 0.2
        field.fill("150")
        field.press("Enter")
        wait_until(lambda: "150" in (error.text_content() or ""), WAIT_S, "the refusal shown")
        assert error.locator("*").count() == 0, "the error line is not plain text"
        execute_in_kernel(page, "assert w.threshold == 0.2, repr(w.threshold)")
        assert read_panel(root)["stale"] == "false"

        # set from Python (the input still focused), the input empties and the error goes
        execute_in_kernel(page, "w.threshold = None")
        wait_until(lambda: field.input_value() == "", WAIT_S, "the threshold input to empty")
        wait_until(lambda: (error.text_content() or "") == "", WAIT_S, "the error line to clear")
        wait_settled(root, demo.full, "panel without a threshold", demo.state_path)

        # "output tokens" → match == ["num_tokens_output"]; the difference = compare()'s
        choose.select_option(label="output tokens")
        wait_for_state(
            demo.state_path,
            lambda s: s["stats"].get("match") == ["num_tokens_output"],
            WAIT_S,
            "stats matched on output tokens from the selector",
        )
        execute_in_kernel(page, "assert w.match == ['num_tokens_output'], repr(w.match)")
        matched = compare(*runs, match="num_tokens_output").to_dict()
        assert matched["differences"] != demo.full["differences"]
        wait_settled(root, matched, "panel matched on output tokens", demo.state_path)
        assert matched["notes"] != demo.full["notes"]
        wait_until(lambda: _shown_notes(root) == matched["notes"], WAIT_S, "matching notes")

        # set from Python (either order of the two columns), the selector shows "both"
        execute_in_kernel(page, "w.match = ['num_tokens_input', 'num_tokens_output']")
        wait_until(
            lambda: choose.evaluate("(s) => s.selectedOptions[0].textContent") == "both",
            WAIT_S,
            "the selector to show both",
        )
        choose.select_option(label="none")
        wait_for_state(
            demo.state_path,
            lambda s: s["stats"].get("match") is None,
            WAIT_S,
            "no matching after choosing none",
        )
        wait_settled(root, demo.full, "panel without matching", demo.state_path)
    finally:
        execute_in_kernel(page, "w.threshold = None\nw.match = None")
