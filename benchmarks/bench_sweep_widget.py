"""A sweep widget's latency as a user feels it, in real JupyterLab + headless Chromium (issue 17).

    .venv/bin/python benchmarks/bench_sweep_widget.py [--sizes 1000 [10000]] [--switches 2]
                                                      [--drags 10] [--moves 40] [--hz 60]

The widget is `TPOTCompare(*demo_sweeps(n))`: two synthetic configurations × 12 concurrency
levels × 3 repeats (72 runs of n requests). Measured inside the page with performance.now(),
with bench_widget.py's machinery (its page hooks, drags and checks):

- first render: running the cell that displays the widget → every view drawn (the load and
  Pareto views included) and the panel's numbers shown (goal ≤ 3 s at 72 runs);
- level switch → every view redrawn: a level chosen in the level control (each level in turn,
  `--switches` rounds: the first visit of a level fetches its columns, later ones find them
  cached) → the panel settled at that level, and → the last redraw of any view;
- brush → every view: real mouse drags over the scatter at the level shown (as
  bench_widget.py), each checked to end on the last brush. Goals (issue 18: the bounds of
  runs, with the sweeps' 72 runs): panel median ≤ 50 ms, every view median ≤ 80 ms and
  p90 ≤ 120 ms (issue 17 asked p90 ≤ 150 ms).

Goals are printed next to the measurements, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bench_widget import (  # the notebook, page hooks and drags of the runs' benchmark
    PANEL_MEDIAN_GOAL_MS,
    TIMEOUT_MS,
    VIEWS_MEDIAN_GOAL_MS,
    DragResult,
    Row,
    Shown,
    WidgetPage,
    by_view,
    goal_row,
    kernel_state,
    lab_and_browser,
    machine_description,
    measure_drag,
    percentile,
    print_table,
    widget_page,
)
from e2e.lab import execute_in_kernel

#: The goals of issue 17 (72 runs: 2 configurations × 12 levels × 3 repeats).
RENDER_GOAL_MS = 3000.0
VIEWS_P90_GOAL_MS = 150.0
#: Issue 18 holds the sweeps' 72 runs to the brush bounds of runs (bench_widget.py's goals,
#: panel median and every view median from there): every view p90 within this.
VIEWS_P90_GOAL_SWEEPS_MS = 120.0
#: Quiet time (ms) after the last redraw or answer before a level switch counts as finished.
QUIET_MS = 600

#: JS: choose level `index` in the level control; resolve once the widget is quiet with the
#: panel settled at that level: ms from the choice to the panel, and to each view's last redraw.
LEVEL_SWITCH_JS = """
async ([index, quiet, timeout]) => {
  const b = window.__bench;
  const select = b.root.querySelector('[data-testid="load-level-select"]');
  const level = b.root.querySelector('[data-testid="stats-level"]');
  const want = String(b.model.get('_choices').load_levels[index].value);
  const shown = () => level.dataset.level === want && b.panel.dataset.stale === 'false';
  let panelAt = null;
  const observer = new MutationObserver(() => {
    if (panelAt === null && shown()) panelAt = performance.now();
  });
  observer.observe(level, {attributes: true, childList: true, subtree: true});
  observer.observe(b.panel, {attributes: true, attributeFilter: ['data-stale']});
  b.start();
  const t0 = performance.now();
  select.value = String(index);
  select.dispatchEvent(new Event('change'));
  while (true) {
    await new Promise((r) => setTimeout(r, 20));
    const now = performance.now();
    if (now - t0 > timeout) throw new Error('the level switch did not settle');
    const settled = shown() && b.model.get('_stats_seq') === b.model.get('_request_seq');
    const last = Math.max(t0, ...b.plots.map((p) => p[1]), ...b.answers.map((a) => a[1]));
    if (settled && now - last > quiet) break;
  }
  observer.disconnect();
  b.recording = false;
  const views = {};
  for (const [id, t] of b.plots) if (t >= t0) views[id] = t - t0;
  const answer = b.answers.length ? b.answers[b.answers.length - 1][1] - t0 : null;
  return {panel: panelAt === null ? 0 : panelAt - t0, views, answer};
}
"""


def sweeps_shown(n: int) -> Shown:
    """TPOTCompare(*demo_sweeps(n)) with a TPOT objective: 72 runs of n requests; the first
    render counts once every view shown is drawn (the load view among them)."""
    return Shown(
        f"bench_sweeps_{n}.ipynb",
        f"from tpot_widget.demo import demo_sweeps\nsweeps = demo_sweeps(n={n})",
        "TPOTCompare(*sweeps, slo={'time_per_output_token': 0.03})",
        views=("load",),
        every_visible=True,
    )


def switch_levels(wp: WidgetPage, rounds: int) -> list[tuple[int, dict[str, Any]]]:
    """Every level in turn, `rounds` times: (round, the switch's times)."""
    n_levels = wp.page.evaluate("() => window.__bench.model.get('_choices').load_levels.length")
    out = []
    for r in range(rounds):
        # from the lowest level up, starting away from the level shown (the highest)
        for index in range(n_levels):
            out.append((r, wp.page.evaluate(LEVEL_SWITCH_JS, [index, QUIET_MS, TIMEOUT_MS])))
    return out


def level_rows(n: int, switches: list[tuple[int, dict[str, Any]]]) -> list[Row]:
    """The level switch lines: panel and every view, first visits and cached ones."""
    rows = []
    tag = f"{n:,}/run"
    for label, wanted in (("first visit: columns fetched", 0), ("cached columns", 1)):
        runs = [s for r, s in switches if (r == 0) == (wanted == 0)]
        if not runs:
            continue
        panel = [s["panel"] for s in runs]
        views = [max(s["views"].values(), default=0.0) for s in runs]
        rows.append(Row(f"level switch → panel at that level, median / p90 ({label}, {tag})",
                        f"{percentile(panel, 50):.0f}/{percentile(panel, 90):.0f}"))  # fmt: skip
        rows.append(Row(f"level switch → every view redrawn, median / p90 ({label}, {tag})",
                        f"{percentile(views, 50):.0f}/{percentile(views, 90):.0f}"))  # fmt: skip
        per_view = by_view(s["views"] for s in runs)
        for view in sorted(per_view):
            rows.append(Row(f"  level switch → {view} redrawn, median ({label}, {tag})",
                            f"{percentile(per_view[view], 50):.0f}"))  # fmt: skip
    return rows


def drag_rows(n: int, drags: list[DragResult]) -> list[Row]:
    """The brush lines at 72 runs: panel and every view after the hand stops."""
    tag = f"{n:,}/run"
    panel = [d.panel_ms for d in drags]
    views = [d.views_ms for d in drags]
    p90 = percentile(views, 90)
    bad = [d for d in drags if not d.verified]
    return [
        goal_row(f"brush: hand stops → panel final, median ({tag})", percentile(panel, 50),
                 PANEL_MEDIAN_GOAL_MS),
        Row(f"brush: hand stops → panel final, p90 ({tag})", f"{percentile(panel, 90):.0f}"),
        goal_row(f"brush: hand stops → every view redrawn, median ({tag})",
                 percentile(views, 50), VIEWS_MEDIAN_GOAL_MS),
        goal_row(f"brush: hand stops → every view redrawn, p90 ({tag})", p90,
                 VIEWS_P90_GOAL_SWEEPS_MS),
        Row(f"  (issue 17's bound for the same p90: ≤ {VIEWS_P90_GOAL_MS:.0f} ms, "
            f"{'met' if p90 <= VIEWS_P90_GOAL_MS else 'NOT MET'})", ""),
        Row(f"  last view redrawn (most often) ({tag})",
            "/".join(statistics.multimode(d.last_view for d in drags))),
        *(Row(f"  brush: hand stops → {view} redrawn, median / p90 ({tag})",
              f"{percentile(ms, 50):.0f}/{percentile(ms, 90):.0f}")
          for view, ms in sorted(by_view(d.view_ms for d in drags).items())),
        Row(f"  request → answer round trip in the page, median / p90 ({tag})",
            f"{percentile([d.round_trip_ms for d in drags], 50):.0f}/"
            f"{percentile([d.round_trip_ms for d in drags], 90):.0f}"),
        Row(f"  drags whose final panel answers the last brush ({tag})",
            f"{len(drags) - len(bad)}/{len(drags)}", f"{len(drags)}",
            "met" if not bad else "NOT MET"),
    ]  # fmt: skip


def kernel_row(n: int, set_state: list[float]) -> Row:
    """The kernel's time per browser request (apply the change, recompute, send the answer)."""
    return Row(
        f"  kernel per request: apply + recompute + answer, median / p90 ({n:,}/run)",
        f"{percentile(set_state, 50):.1f}/{percentile(set_state, 90):.1f}",
    )


def main() -> None:
    """Render, level switches and drags at every size; print the table with the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000],
                        help="requests per run (72 runs); add 10000 for the big case")  # fmt: skip
    parser.add_argument("--switches", type=int, default=2, help="rounds over every level")
    parser.add_argument("--drags", type=int, default=10, help="separate drags per size")
    parser.add_argument("--moves", type=int, default=40, help="pointer moves per drag")
    parser.add_argument("--hz", type=float, default=60.0, help="pointer moves per second")
    args = parser.parse_args()

    rows: list[Row] = []
    with lab_and_browser() as (lab, browser):
        print(f"machine: {machine_description(browser)}", flush=True)
        for n in sorted(args.sizes):
            t0 = time.perf_counter()
            with widget_page(lab, browser, n, sweeps_shown(n)) as wp:
                render = wp.render
                print(f"n={n:,} (72 runs): widget up in {time.perf_counter() - t0:.1f} s; "
                      f"views: {', '.join(render['views'])}", flush=True)  # fmt: skip
                ok = "met" if render["stats"] <= RENDER_GOAL_MS else "NOT MET"
                goal = f"≤ {RENDER_GOAL_MS:.0f}"
                rows.append(Row(f"first render: every view + stats ({n:,}/run, 72 runs)",
                                f"{render['stats']:.0f}", goal, ok))  # fmt: skip
                rows.append(Row(f"  of which TPOTCompare(...) in the kernel ({n:,}/run)",
                                f"{render['ctor']:.0f}"))  # fmt: skip
                rows.extend(level_rows(n, switch_levels(wp, args.switches)))
                execute_in_kernel(wp.page, "w.load_level = 16")
                wp.page.wait_for_timeout(1500)
                kernel_state(wp)  # clears the kernel's timing log
                drags = [measure_drag(wp, i, args.moves, args.hz) for i in range(args.drags)]
                set_state = kernel_state(wp)["timing"]["set_state"]
                for i, d in enumerate(drags):
                    if not d.verified:
                        print(f"  drag {i}: {d.problems}", flush=True)
                rows.extend(drag_rows(n, drags))
                if set_state:
                    rows.append(kernel_row(n, set_state))
        print_table(rows)
        print(f"\nmachine: {machine_description(browser)}")


if __name__ == "__main__":
    main()
