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
First, the widget's brush (`w.token_range = ...`: stats and sweep_stats) side by side with
another git revision (`--against main`: run from a temporary worktree, alternately with this
tree) and whether both give the same numbers: every `w.stats` and `w.sweep_stats` of a set
of brushes (token and time ranges, with and without an SLO, arms, single runs, levels only
one configuration ran) is hashed, and the hashes compared.
Run: .venv/bin/python benchmarks/bench_sweeps.py [--quick] [--widget-only] [--against REV]
     [--brush-only]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

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


#: The widget-brush rows: (label, requests per run, repeats per level, with the SLO).
WIDGET_BRUSH_CASES = [
    ("2 × 12 levels × 3 repeats × 10k, SLO", 10_000, 3, True),
    ("2 × 12 levels × 3 repeats × 10k", 10_000, 3, False),
    ("2 × 12 levels × 10k (single runs), SLO", 10_000, 1, True),
]
#: Brushes of the widget rows and the identity check: token ranges, an open end, a range
#: that selects almost nothing, everything.
WIDGET_BRUSHES: list[Any] = [(100 + 5 * i, 500 + 3 * i) for i in range(20)] + [
    (None, 300),
    (1990, 2000),
    None,
]


def widget_brush(n: int, repeats: int, with_slo: bool, rounds: int = 2) -> dict[str, Any]:
    """ms per `w.token_range = ...` on `TPOTCompare(*demo_sweeps(n, repeats))` (both stats
    recomputed), and a digest of every brush's `w.stats` and `w.sweep_stats`."""
    from tpot_widget import TPOTCompare
    from tpot_widget.stats import warm_up

    warm_up()
    sweeps = demo_sweeps(n=n, repeats=repeats)
    start = time.perf_counter()
    w = TPOTCompare(*sweeps, slo=SLO if with_slo else None)
    opened = time.perf_counter() - start
    for brush in WIDGET_BRUSHES[:3]:  # the first brushes build the orderings a brush needs
        w.token_range = (brush[0] - 1, brush[1])
    digest = hashlib.sha256()
    times = []
    for r in range(rounds):
        for brush in WIDGET_BRUSHES:
            start = time.perf_counter()
            w.token_range = brush
            times.append((time.perf_counter() - start) * 1e3)
            if r == 0:
                digest.update(_dumped(w))
    times.sort()
    return {
        "open": opened,
        "median": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "digest": digest.hexdigest()[:12],
    }


def _dumped(w: Any) -> bytes:
    return json.dumps([w.stats, w.sweep_stats], sort_keys=True).encode()


def identity_digests() -> dict[str, str]:
    """Digests of `w.stats` and `w.sweep_stats` over brushes of cases the timed rows do not
    cover: time ranges, two SLO objectives, levels only one configuration ran (interpolated),
    arms against single runs, small runs, a Generator's stream, another level chosen."""
    from tpot_widget import TPOTCompare, compare_sweeps
    from tpot_widget.stats import warm_up

    warm_up()
    out: dict[str, str] = {}
    base, other = demo_sweeps(n=2_000, repeats=3, seed=3)
    # the candidate: levels 2 and 48 missing (interpolated against the baseline there), one
    # run at levels 8 and 64 (an arm against a single run), two at level 4
    kept = []
    for level in other.levels:
        runs = other.runs_at(level)
        if level.value in (2, 48):
            continue
        kept += runs[:1] if level.value in (8, 64) else runs[:2] if level.value == 4 else runs
    mixed = Sweep(kept, name=other.name)
    two_slo = {"time_per_output_token": 0.03, "time_to_first_token": 0.3}
    cases: list[tuple[str, list[Sweep], dict[str, Any]]] = [
        ("mixed levels, two objectives", [base, mixed], {"slo": two_slo}),
        ("mixed levels, no SLO, mean", [base, mixed], {"statistic": "mean"}),
        ("single runs, p90, SLO", demo_sweeps(n=2_000, repeats=1, seed=4), {"slo": SLO}),
        (
            "arms, threshold, SLO",
            demo_sweeps(n=1_000, repeats=2, seed=5),
            {"slo": SLO, "threshold": 0.02},
        ),
    ]
    for label, sweeps, kwargs in cases:
        statistic = kwargs.pop("statistic", "p90" if "p90" in label else "median")
        w = TPOTCompare(*sweeps, statistic=statistic, **kwargs)
        digest = hashlib.sha256()
        for brush in WIDGET_BRUSHES[::4]:
            w.token_range = brush
            digest.update(_dumped(w))
        if w.stats.get("runs"):
            w.load_level = sweeps[0].levels[3].value
        for time_range in [(5.0, 40.0), (None, 20.0), (0.0, 0.5)]:
            w.time_range = time_range
            digest.update(_dumped(w))
            w.token_range = (50, 700)
            digest.update(_dumped(w))
        out[label] = digest.hexdigest()[:12]
    s = compare_sweeps(base, mixed, slo=SLO, random_state=np.random.default_rng(7), gpus=[2, 4])
    out["compare_sweeps with a Generator, gpus"] = hashlib.sha256(
        json.dumps(s.to_dict(), sort_keys=True).encode()
    ).hexdigest()[:12]
    return out


def _in_process(call: str, pythonpath: str | None) -> Any:
    """`call` (an expression on this module, `b`) in a fresh process, its JSON result; with
    `pythonpath` first on the path (another revision's src)."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    here = str(Path(__file__).resolve().parent)
    code = (
        f"import sys, json; sys.path.insert(0, {here!r}); import bench_sweeps as b; "
        f"print(json.dumps({call}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def widget_side_by_side(against: str | None) -> None:
    """The widget's brush on this tree and (optionally) revision `against`, case by case
    alternately, and whether every brush's numbers are identical."""
    print("Widget brush: w.token_range = ... on TPOTCompare(*demo_sweeps(n, repeats)): `stats`")
    print("(the chosen level's full compare) and `sweep_stats` (every level, lean) recomputed")
    print("(median / p90 ms of 2 × 23 brushes; 'open': TPOTCompare(...) seconds, warm Numba)")
    repo = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        other_src = None
        if against is not None:
            tree = Path(tmp) / "tree"
            subprocess.run(
                ["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), against],
                check=True,
                capture_output=True,
            )
            other_src = str(tree / "src")
            # the JS bundle is built, not committed: the other tree uses this one's
            static = Path(other_src) / "tpot_widget" / "static"
            static.mkdir(exist_ok=True)
            for built in (repo / "src" / "tpot_widget" / "static").iterdir():
                if not (static / built.name).exists():
                    shutil.copy(built, static / built.name)
        try:
            header = f"{'':40} | {against or '-':>20} | {'this tree':>20} | same numbers"
            print(header)
            print("-" * len(header))
            for label, n, repeats, with_slo in WIDGET_BRUSH_CASES:
                call = f"b.widget_brush({n}, {repeats}, {with_slo})"
                them = _in_process(call, other_src) if other_src else None
                ours = _in_process(call, None)
                print(
                    f"{label:40} | {_cell(them):>20} | {_cell(ours):>20} | "
                    f"{_same(them, ours, 'digest')}"
                )
            them_ids = _in_process("b.identity_digests()", other_src) if other_src else None
            ours_ids = _in_process("b.identity_digests()", None)
        finally:
            if other_src is not None:
                subprocess.run(
                    ["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)],
                    check=False,
                    capture_output=True,
                )
    for label, digest in ours_ids.items():
        same = "-" if them_ids is None else "yes" if them_ids.get(label) == digest else "NO"
        print(f"  numbers of {label}: {same}")
    print("same numbers: every brush's w.stats and w.sweep_stats (JSON) identical.\n")


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    return f"{row['median']:.1f} / {row['p90']:.1f} ({row['open']:.2f} s)"


def _same(them: dict[str, Any] | None, ours: dict[str, Any], key: str) -> str:
    return "-" if them is None else "yes" if them[key] == ours[key] else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 72 × 10k case")
    parser.add_argument("--widget-only", action="store_true", help="only the widget's cases")
    parser.add_argument("--against", help="also time the widget brush on this git revision")
    parser.add_argument("--brush-only", action="store_true", help="only the widget brush rows")
    args = parser.parse_args()
    widget_side_by_side(args.against)
    if args.brush_only:
        return
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
