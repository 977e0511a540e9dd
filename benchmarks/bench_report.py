"""The HTML report at scale: its size and how long headless Chromium takes to open it.

    .venv/bin/python benchmarks/bench_report.py [--n 200000] [--repeats 3] [--compare OLD.html]

Goals (printed, never asserted): at 2 × 200k requests the report is no larger than 7.0 MB
(the plotly-figure report of issue 15) and opens — every view drawn, the statistics shown —
in under 2 s. Runs are tests/factories.make_run (the test suite's one factory); the page is
opened from file:// with every other request refused, as the browser tests do. With
`--compare`, another report file (e.g. one written by an older version of the same runs) is
opened in turns with this one, so both are measured under the same machine load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from e2e.lab import REPORT_VIEWS_DRAWN_JS, launch_chromium  # noqa: E402  (the e2e helpers live in tests/)
from factories import make_run  # noqa: E402

from tpot_widget.report import write_html  # noqa: E402

SIZE_GOAL_MB = 7.0
OPEN_GOAL_S = 2.0
TIMEOUT_MS = 120_000

#: JS: the report has drawn every plot and shows its statistics. Written for both reports, the
#: plotly-figure one (div.plot[data-rendered]) and the one running the widget's views (every
#: view's box holds a drawn plot or a note, the panel's rows carry their numbers).
READY_JS = f"""
() => {{
  const old = Array.from(document.querySelectorAll('div.plot'));
  if (old.length > 0) {{
    return old.every((p) => p.getAttribute('data-rendered') === 'true'
      && p.querySelector('svg.main-svg'));
  }}
  const root = document.querySelector('.tpot-widget');
  return root !== null && ({REPORT_VIEWS_DRAWN_JS.strip()})(root)
    && root.querySelectorAll('[data-testid="stat-run"][data-estimate]').length > 0;
}}
"""


#: JS run before the page: records (performance.now(), ms since navigation) when the first
#: view and when every view is drawn, from DOM mutations (so a busy page cannot delay it).
MARKS_JS = """
window.__marks = {};
const done = () => {
  const plots = Array.from(document.querySelectorAll('div.plot, .tpot-plot'));
  const drawn = plots.filter((p) => p.querySelector('svg.main-svg')
    && (!p.classList.contains('plot') || p.getAttribute('data-rendered') === 'true'));
  const now = performance.now();
  if (drawn.length > 0 && window.__marks.first === undefined) window.__marks.first = now;
};
new MutationObserver(done).observe(document, {subtree: true, childList: true, attributes: true});
"""


def open_times(paths: list[Path], repeats: int) -> tuple[dict[Path, list[float]], list[str]]:
    """Seconds from navigation to (the first view, every view) drawn, per file, the files
    opened in turns."""
    times: dict[Path, list[tuple[float, float]]] = {path: [] for path in paths}
    blocked: list[str] = []

    def refuse(route: Route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for _ in range(repeats):
                for path in paths:
                    context = browser.new_context(viewport={"width": 1300, "height": 1000})
                    context.route("**/*", refuse)
                    page = context.new_page()
                    page.add_init_script(MARKS_JS)
                    t0 = time.perf_counter()
                    page.goto(path.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
                    page.wait_for_function(READY_JS, timeout=TIMEOUT_MS, polling=20)
                    every = time.perf_counter() - t0
                    first = page.evaluate("() => window.__marks.first") / 1000
                    times[path].append((first, every))
                    context.close()
        finally:
            browser.close()
    return times, blocked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="requests per run")
    parser.add_argument("--repeats", type=int, default=3, help="page opens to time")
    parser.add_argument("--compare", type=Path, help="another report file to time in turns")
    args = parser.parse_args()

    runs = [make_run("baseline", n=args.n, seed=1), make_run("candidate", n=args.n, seed=2)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.html"
        t0 = time.perf_counter()
        write_html(runs, path, token_range=(100, 800))
        written_s = time.perf_counter() - t0
        paths = [path] + ([args.compare.resolve()] if args.compare else [])
        sizes = {p: p.stat().st_size / 1e6 for p in paths}
        times, blocked = open_times(paths, args.repeats)

    print(f"report of 2 x {args.n:,} requests (written in {written_s:.2f} s)")
    for p in paths:
        name = "this version" if p == path else str(p)
        first = [f for f, _ in times[p]]
        every = [a for _, a in times[p]]
        print(f"  {name}: {sizes[p]:.2f} MB (goal <= {SIZE_GOAL_MB} MB)")
        print(
            f"    open in Chromium: first view drawn, median "
            f"{statistics.median(first):.2f} s; every view drawn, median "
            f"{statistics.median(every):.2f} s (goal < {OPEN_GOAL_S} s); runs "
            + ", ".join(f"{f:.2f}/{a:.2f}" for f, a in times[p])
        )
    print(f"  network requests refused: {len(blocked)}")


if __name__ == "__main__":
    main()
