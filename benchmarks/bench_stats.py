"""Speed of the statistics engine vs scipy.stats.bootstrap (printed, never asserted).

Difference of medians of two runs, 9999 resamples, 95 % CI. scipy runs in a subprocess
with a 60 s limit (what exceeds it is reported as skipped). Ours: the widget's path,
`Comparer.compare(token_range=...)` on a brush selecting ~90 % of the rows (so the selection
is rebuilt, sorted, every call), BCa; and the cold one-call `compare()` on raw arrays
(full sort, no pre-sorting). First, a widget brush on the demo runs (the full compare: shift
function, Hodges–Lehmann, confound check), side by side with another git revision
(`--against main`: run from a temporary worktree) and whether both give the same numbers.
Run: .venv/bin/python benchmarks/bench_stats.py [--quick] [--against REV] [--brush-only]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tpot_widget.run import Run

SCIPY_LIMIT_S = 60.0
B = 9999


def make_data(n: int) -> dict[str, np.ndarray]:
    """Two runs of n requests: lognormal TPOT (s) and output token counts."""
    rng = np.random.default_rng(n)
    return {
        "a": rng.lognormal(np.log(0.025), 0.3, n),
        "b": rng.lognormal(np.log(0.0245), 0.3, n),
        "xa": rng.integers(2, 2000, n).astype(float),
        "xb": rng.integers(2, 2000, n).astype(float),
    }


def scipy_once(n: int, method: str) -> float:
    """Seconds for one scipy.stats.bootstrap of the difference of medians (in this process)."""
    from scipy import stats as sps

    d = make_data(n)

    def diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.median(y, axis=axis) - np.median(x, axis=axis)

    start = time.perf_counter()
    sps.bootstrap(
        (d["a"], d["b"]), diff, n_resamples=B, method=method, rng=0, batch=max(1, 10**7 // n)
    )
    return time.perf_counter() - start


def scipy_time(n: int, method: str) -> str:
    """scipy's time as text, or why it was skipped (limit, memory)."""
    here = str(Path(__file__).resolve().parent)
    code = (
        f"import sys; sys.path.insert(0, {here!r}); import bench_stats as b; "
        f"print(b.scipy_once({n}, {method!r}))"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=SCIPY_LIMIT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"> {SCIPY_LIMIT_S:.0f} s (skipped)"
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["failed"])[-1]
        return "failed: " + last[:40]
    return f"{float(out.stdout.strip()):.3g} s"


#: Fastest of the repeated calls, per timed() call (shows what a quiet machine gets).
BEST: list[float] = []


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` calls (after one untimed call); the minimum goes to BEST."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    BEST.append(min(times))
    return statistics.median(times)


def seconds(text: str) -> float | None:
    return float(text[:-2]) if text.endswith(" s") and not text.startswith(">") else None


#: Demo requests per run of the widget brush rows.
BRUSH_SIZES = (10_000, 100_000, 1_000_000)
#: The brushes, cycled (each call sees a new token range, as while dragging).
DEMO_BRUSHES = [(100 + 5 * i, 400 + 7 * i) for i in range(30)]


def demo_brush(n: int, rounds: int) -> dict[str, object]:
    """Per-brush ms of `Comparer.compare(token_range=...)` on `demo_runs(n)` (what the widget
    computes on a brush) and a digest of every brush's stats dict (same digest: same numbers)."""
    from tpot_widget.comparison import Comparer
    from tpot_widget.demo import demo_runs
    from tpot_widget.stats import warm_up

    warm_up()
    comparer = Comparer(demo_runs(n))
    for brush in DEMO_BRUSHES[:3]:
        comparer.compare(token_range=brush)
    digest = hashlib.sha256()
    times = []
    for r in range(rounds):
        for brush in DEMO_BRUSHES:
            start = time.perf_counter()
            comparison = comparer.compare(token_range=brush)
            times.append((time.perf_counter() - start) * 1e3)
            if r == 0:
                digest.update(json.dumps(comparison.to_dict(), sort_keys=True).encode())
    times.sort()
    return {
        "n": n,
        "median": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "digest": digest.hexdigest()[:12],
    }


def _brush_rows(sizes: tuple[int, ...], pythonpath: str | None) -> list[dict[str, object]]:
    """`demo_brush` of each size in a fresh process (with `pythonpath` first: another revision)."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    here = str(Path(__file__).resolve().parent)
    rows = []
    for n in sizes:
        code = (
            f"import sys, json; sys.path.insert(0, {here!r}); import bench_stats as b; "
            f"print(json.dumps(b.demo_brush({n}, {2 if n <= 100_000 else 1})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return rows


def brush_side_by_side(against: str | None, sizes: tuple[int, ...] = BRUSH_SIZES) -> None:
    """The widget's brush, this tree and (optionally) revision `against`, alternately."""
    print("Widget brush: Comparer.compare(token_range=...) on demo_runs(n), the full comparison")
    print("(median of the 30 brushes, BCa, 9999 resamples; ms per brush, median / p90)")
    other: list[dict[str, object]] = []
    if against is not None:
        repo = Path(__file__).resolve().parent.parent
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "tree"
            subprocess.run(
                ["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), against],
                check=True,
                capture_output=True,
            )
            try:
                other = _brush_rows(sizes, str(tree / "src"))
            finally:
                subprocess.run(
                    ["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)],
                    check=False,
                    capture_output=True,
                )
    ours = _brush_rows(sizes, None)
    header = f"{'n/run':>9} | {against or '-':>14} | {'this tree':>14} | same numbers"
    print(header)
    print("-" * len(header))
    for i, row in enumerate(ours):
        them = other[i] if other else None
        theirs = f"{them['median']:.1f} / {them['p90']:.1f}" if them else "-"
        same = "-" if them is None else ("yes" if them["digest"] == row["digest"] else "NO")
        print(
            f"{row['n']:>9,} | {theirs:>14} | {row['median']:>6.1f} / {row['p90']:<5.1f} | {same}"
        )
    print("same numbers: every brush's stats dict (JSON) identical between the two trees.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip scipy at n >= 100k")
    parser.add_argument("--against", help="also time the widget brush on this git revision")
    parser.add_argument("--brush-only", action="store_true", help="only the widget brush rows")
    args = parser.parse_args()

    brush_side_by_side(args.against)
    if args.brush_only:
        return

    import numba

    from tpot_widget.comparison import Comparer, compare
    from tpot_widget.stats import SortedSelector, warm_up

    start = time.perf_counter()
    warm_up()
    print(f"warm_up(): {time.perf_counter() - start:.2f} s (Numba cache, incl. first load)")
    print(f"Numba threads: {numba.get_num_threads()} ({numba.threading_layer()})\n")

    header = (
        f"{'n':>9} | {'scipy BCa':>17} | {'scipy percentile':>17} | "
        f"{'ours brush (min)':>18} | {'ours cold':>9} | {'ratio':>9}"
    )
    print("Difference of medians, 9999 resamples, both runs of n requests, BCa for ours")
    print(header)
    print("-" * len(header))
    brush = (100.0, 1900.0)  # ~90 % of the rows: the selection is rebuilt every call
    for n in (1_000, 10_000, 100_000, 1_000_000):
        d = make_data(n)
        if n <= 10_000 or (n <= 100_000 and not args.quick):
            bca = scipy_time(n, "BCa") if n <= 10_000 else f"> {SCIPY_LIMIT_S:.0f} s (skipped)*"
            pct = scipy_time(n, "percentile")
        else:
            bca = pct = "not run"
        runs = [_run(d["a"], d["xa"], "a"), _run(d["b"], d["xb"], "b")]
        comparer = Comparer(runs)
        repeat = 15 if n <= 100_000 else 7
        ours_brush = timed(lambda c=comparer: c.compare(token_range=brush), repeat)
        brush_best = BEST[-1]
        ours_cold = timed(lambda d=d: compare(d["a"], d["b"]), max(3, repeat // 3))
        reference = seconds(bca) or seconds(pct)
        if reference:
            ratio = f"{reference / ours_brush:,.0f}x"
        elif bca.startswith(">"):  # scipy did not finish within the limit
            ratio = f"> {SCIPY_LIMIT_S / ours_brush:,.0f}x"
        else:
            ratio = "-"
        print(
            f"{n:>9,} | {bca:>17} | {pct:>17} | "
            f"{ours_brush * 1e3:>6.1f} ({brush_best * 1e3:.1f}) ms | "
            f"{ours_cold * 1e3:>6.1f} ms | {ratio:>9}"
        )
    print(
        "* scipy BCa at 100k: its jackknife takes n medians of n − 1 values (10¹⁰ operations;"
        " without batch= it allocates n × n)."
    )
    print(
        "ratio: scipy BCa / ours brush; '> x' where scipy exceeded the limit (a lower bound).\n"
        "ours brush: Comparer.compare(token_range=(100, 1900)) on two prepared runs: both\n"
        "selections (~90 % of the rows) + both runs' CIs + difference + ratio + Mann-Whitney.\n"
        "ours cold: compare(a, b) on raw arrays, incl. sorting both. Times are medians of\n"
        "repeated calls (the fastest call in parentheses); the machine's load shows in both.\n"
    )

    breakdown()
    live_mean()

    print("Selection helper: sorted TPOT of one run's rows in a token range")
    header = f"{'n':>9} | {'10 % range':>10} | {'90 % range':>10} | {'np.sort all':>11}"
    print(header)
    print("-" * len(header))
    for n in (100_000, 1_000_000):
        d = make_data(n)
        sel = SortedSelector(d["a"], d["xa"], np.ones(n, dtype=bool))
        small = timed(lambda s=sel: s.select((1.0, 200.0)), 15)
        large = timed(lambda s=sel: s.select((100.0, 1900.0)), 15)
        full = timed(lambda d=d: np.sort(d["a"]), 7)
        print(f"{n:>9,} | {small * 1e3:>7.2f} ms | {large * 1e3:>7.2f} ms | {full * 1e3:>8.2f} ms")


def breakdown() -> None:
    """Where a brush's time goes, per run and per comparison (BCa, median, 9999)."""
    print("Breakdown of ours brush (median of repeated calls)")
    header = (
        f"{'n':>9} | {'select/run':>10} | {'replicates/run':>14} | {'CI+BCa/run':>10} | "
        f"{'diff CIs':>8} | {'Mann-Whitney':>12} | {'per run*':>8}"
    )
    print(header)
    print("-" * len(header))
    for n in (100_000, 1_000_000):
        _breakdown_row(n)
    print("* per run: select + replicates + CI + half of (difference CIs + Mann-Whitney).\n")


def live_mean() -> None:
    """The brush with statistic="mean" and "median" (BCa, 9999 resamples, ~90 % range)."""
    from tpot_widget import stats
    from tpot_widget.comparison import Comparer

    print("Live mean: one brush of two runs, BCa, 9999 resamples (median of repeated calls)")
    header = (
        f"{'n/run':>9} | {'mean, moments path':>18} | {'mean, Comparer':>14} | "
        f"{'median, Comparer':>16}"
    )
    print(header)
    print("-" * len(header))
    brush = (100.0, 1900.0)
    for n in (100_000, 1_000_000):
        d = make_data(n)
        comparer = Comparer([_run(d["a"], d["xa"], "a"), _run(d["b"], d["xb"], "b")])
        ok = np.ones(n, dtype=bool)
        selectors = [stats.SortedSelector(d[v], d[x], ok) for v, x in (("a", "xa"), ("b", "xb"))]
        rng = np.random.default_rng(0)

        def moments_brush(selectors: list = selectors, rng: np.random.Generator = rng) -> None:
            ms, reps = [], []
            for sel in selectors:
                m = sel.moments(brush)
                r = stats.replicates_from_moments(m, B, stats.draw_seeds(rng))
                assert r is not None
                stats.interval(r, m.mean, 0.95, "BCa", lambda m=m: stats.mean_acceleration(m))
                ms.append(m)
                reps.append(r)
            stats.difference_from_replicates(
                ms[0], ms[1], "mean", ms[0].mean, ms[1].mean, reps[0], reps[1], 0.95, "BCa"
            )
            stats.welch_p(ms[0], ms[1])

        live = timed(moments_brush, 15)
        via_comparer = timed(lambda c=comparer: c.compare(token_range=brush, statistic="mean"), 7)
        median = timed(lambda c=comparer: c.compare(token_range=brush), 15)
        print(
            f"{n:>9,} | {live * 1e3:>15.2f} ms | {via_comparer * 1e3:>11.2f} ms | "
            f"{median * 1e3:>13.2f} ms"
        )
    print(
        "mean, moments path: per run SortedSelector.moments (O(1) prefix sums) + Cornish-\n"
        "Fisher replicates + BCa interval, then difference/ratio CIs from Moments + Welch p\n"
        "(what comparison.py does once integrated). mean, Comparer: today's compare(), which\n"
        "selects rows and takes their moments (O(n)) before the same draws, + Mann-Whitney.\n"
    )


def _breakdown_row(n: int) -> None:
    from tpot_widget import stats
    from tpot_widget.comparison import Comparer

    d = make_data(n)
    comparer = Comparer([_run(d["a"], d["xa"], "a"), _run(d["b"], d["xb"], "b")])
    selector = stats.SortedSelector(d["a"], d["xa"], np.ones(n, dtype=bool))
    brush = (100.0, 1900.0)
    xa, xb = comparer.selected_values(0, brush), comparer.selected_values(1, brush)
    seeds = stats.draw_seeds(np.random.default_rng(0))
    select = timed(lambda: selector.select(brush), 15)
    reps = timed(lambda: stats.replicates(xa, "median", B, seeds), 15)
    ra, rb = stats.replicates(xa, "median", B, seeds), stats.replicates(xb, "median", B, seeds)
    theta_a, theta_b = stats.estimate(xa, "median"), stats.estimate(xb, "median")

    def one_ci() -> None:
        stats.interval(
            ra, theta_a, 0.95, "BCa", lambda: stats.acceleration([stats.jackknife(xa, "median")])
        )

    ci = timed(one_ci, 15)
    diff = timed(
        lambda: stats.difference_from_replicates(
            xa, xb, "median", theta_a, theta_b, ra, rb, 0.95, "BCa"
        ),
        15,
    )
    mwu = timed(lambda: stats.mann_whitney_p(xa, xb), 15)
    per_run = select + reps + ci + (diff + mwu) / 2
    print(
        f"{n:>9,} | {select * 1e3:>7.2f} ms | {reps * 1e3:>11.2f} ms | {ci * 1e3:>7.2f} ms | "
        f"{diff * 1e3:>5.2f} ms | {mwu * 1e3:>9.2f} ms | {per_run * 1e3:>5.2f} ms"
    )


def _run(values: np.ndarray, x: np.ndarray, name: str) -> Run:
    """A Run whose TPOT is `values` (TTFT 0, E2E = TPOT × (tokens − 1))."""
    return Run.from_columns(
        name,
        time_to_first_token=np.zeros_like(values),
        time_to_last_token=values * (x - 1.0),
        num_tokens_output=x,
    )


if __name__ == "__main__":
    main()
