"""Speed of a brush over a load sweep (printed, never asserted).

Two configurations × 12 concurrency levels (`tpot_widget.demo.demo_sweeps`), median TPOT,
BCa, 9999 resamples, 95 %. A brush moves the token range; `SweepComparer.compare` then
recomputes every level's CIs, differences, p-values and verdicts (the engine's lean path),
the crossing and the Pareto points (cached: the token range does not change them). Side by
side: the same levels through the full per-level `Comparer.compare` (shift function,
Hodges–Lehmann, hints), as a widget showing one level computes it. With an SLO, max load and
each level's attainment come on top.
The widget side (`TPOTCompare(sweep_a, sweep_b)`): opening it, choosing a level, and a brush
(a new token range), which recomputes both `stats` (the full compare of the current level)
and `sweep_stats` (every level, lean) before the kernel answers.
Goal (issue 17): ≤ 40 ms for a brush over 2 × 12 levels × 10k requests.
Run: .venv/bin/python benchmarks/bench_sweeps.py [--quick] [--widget-only]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from tpot_widget.comparison import Comparer
from tpot_widget.demo import demo_sweeps
from tpot_widget.sweep import Sweep
from tpot_widget.sweep_comparison import SweepComparer

SLO = {"time_per_output_token": 0.030}
#: Brushes cycled through, so that no call sees the previous call's selection.
BRUSHES = [(50 + 5 * k, 900 - 7 * k) for k in range(8)]


def timed(fn: Callable[[int], object], repeat: int) -> tuple[float, float]:
    """(median, fastest) seconds of `repeat` calls fn(i) after one untimed call."""
    fn(0)
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i + 1)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def case(label: str, sweeps: list[Sweep], repeat: int) -> None:
    """One row per way of recomputing the brush for these sweeps."""
    n_levels = len(sweeps[0])
    runs = sum(len(s.runs) for s in sweeps)
    requests = sum(len(r) for s in sweeps for r in s.runs)
    start = time.perf_counter()
    comparer = SweepComparer(sweeps)
    prepare = time.perf_counter() - start
    print(f"{label}: {runs} runs, {requests:,} requests; SweepComparer prepared in {prepare:.2f} s")

    def brush(i: int, slo: bool = False) -> object:
        tr = BRUSHES[i % len(BRUSHES)]
        return comparer.compare(token_range=tr, slo=SLO if slo else None)

    per_level = [Comparer([s.at(level) for s in sweeps]) for level in sweeps[0].levels]

    def full_levels(i: int) -> None:
        tr = BRUSHES[i % len(BRUSHES)]
        for c in per_level:
            c.compare(token_range=tr)

    rows = [
        ("sweep brush (lean levels + crossing + Pareto)", timed(brush, repeat)),
        ("  + SLO: attainment per level and max load", timed(lambda i: brush(i, True), repeat)),
        ("12 × full per-level Comparer.compare", timed(full_levels, max(3, repeat // 3))),
    ]
    header = f"{'':48} | {'median':>9} | {'fastest':>9} | {'per level':>9} | {'per run':>8}"
    print(header)
    print("-" * len(header))
    for name, (median, best) in rows:
        print(
            f"{name:48} | {median * 1e3:6.1f} ms | {best * 1e3:6.1f} ms | "
            f"{median / n_levels * 1e3:6.2f} ms | {median / runs * 1e3:5.2f} ms"
        )
    print()


def widget_case(label: str, sweeps: list[Sweep], repeat: int) -> None:
    """The widget's costs: open, choose a level, brush (both stats), on these sweeps."""
    from tpot_widget import TPOTCompare

    runs = sum(len(s.runs) for s in sweeps)
    requests = sum(len(r) for s in sweeps for r in s.runs)
    print(f"widget, {label}: {runs} runs, {requests:,} requests")
    start = time.perf_counter()
    w = TPOTCompare(*sweeps)
    first_open = time.perf_counter() - start
    start = time.perf_counter()
    TPOTCompare(*sweeps)
    second_open = time.perf_counter() - start
    levels = [c["value"] for c in w._choices["load_levels"]]

    def choose(i: int) -> None:  # a level not chosen before: its runs prepared, then compared
        w.load_level = levels[i % len(levels)]

    def brush(i: int) -> None:
        w.token_range = BRUSHES[i % len(BRUSHES)]

    def brush_level_only(i: int) -> None:
        w._comparer().compare(token_range=BRUSHES[i % len(BRUSHES)])

    def brush_sweep_only(i: int) -> None:
        w._sweep_comparer().compare(token_range=BRUSHES[i % len(BRUSHES)])

    first_choice = timed(choose, min(repeat, len(levels) - 2))
    w.load_level = 16
    rows = [
        ("choose a level (first time: prepare + compare)", first_choice),
        ("choose a level again (cached runs)", timed(choose, repeat)),
        ("brush → stats + sweep_stats (both)", timed(brush, repeat)),
        ("  of which stats (full compare of one level)", timed(brush_level_only, repeat)),
        ("  of which sweep_stats (every level, lean)", timed(brush_sweep_only, repeat)),
    ]
    print(f"open: {first_open:.2f} s the first time (Numba warm-up included), {second_open:.2f} s")
    header = f"{'':48} | {'median':>9} | {'fastest':>9}"
    print(header)
    print("-" * len(header))
    for name, (median, best) in rows:
        print(f"{name:48} | {median * 1e3:6.1f} ms | {best * 1e3:6.1f} ms")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 72 × 10k case")
    parser.add_argument("--widget-only", action="store_true", help="only the widget's cases")
    args = parser.parse_args()
    repeat = 5 if args.quick else 15
    print(__doc__.splitlines()[0])
    print("(median of repeated brushes, the fastest in its own column; goal: ≤ 40 ms for the")
    print(" first case. 'per level' = median / 12; 'per run' = median / runs.)\n")
    big = None if args.quick else demo_sweeps(n=10_000, repeats=3)
    widget_case("2 × 12 levels × 3 repeats × 1k requests (demo_sweeps())", demo_sweeps(), repeat)
    if big is not None:
        widget_case("2 × 12 levels × 3 repeats × 10k requests", big, 5)
    if args.widget_only:
        return
    case("2 × 12 levels × 10k requests", demo_sweeps(n=10_000, repeats=1, seed=1), repeat)
    case("2 × 12 levels × 3 repeats × 1k requests", demo_sweeps(n=1_000, repeats=3), repeat)
    if big is not None:
        case("2 × 12 levels × 3 repeats × 10k requests", big, 5)


if __name__ == "__main__":
    main()
