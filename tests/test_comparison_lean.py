"""The engine's lean recompute (`Comparer.compare(lean=True)`) and the draws it keeps.

A sweep recomputes every load level on each brush: lean skips the extras nobody sees in a
table of levels, and must give the same estimates, intervals, p-values and verdicts.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from factories import make_run

from tpot_widget import Arm, stats
from tpot_widget.comparison import Comparer
from tpot_widget.comparison.engine import compute, prepare_unit
from tpot_widget.params import Parameters


def _core(c) -> list:
    runs = [dataclasses.replace(r, between_run_share=None) for r in c.runs]
    diffs = [
        dataclasses.replace(d, hl_estimate=None, hl_ci_low=None, hl_ci_high=None)
        for d in c.differences
    ]
    return [runs, diffs]


def test_lean_gives_the_same_numbers_and_skips_the_extras() -> None:
    a = make_run("a", n=3000, seed=1, warm_up=(10.0, 3.0))
    b = make_run("b", n=3000, seed=2, tpot=0.021, tpot_per_token=1e-5)
    arm_a = Arm([make_run(f"a{i}", n=500, seed=10 + i) for i in range(3)])
    arm_b = Arm([make_run(f"b{i}", n=500, seed=20 + i, tpot=0.022) for i in range(3)])
    for runs in ([a, b], [arm_a, arm_b], [a, arm_b]):
        comparer = Comparer(runs)
        for kw in ({}, {"token_range": (100, 800)}, {"statistic": "mean", "threshold": 0.02}):
            full = comparer.compare(**kw)
            lean = comparer.compare(lean=True, **kw)
            assert _core(lean) == _core(full)
            assert lean.shift_function == () and lean.warm_up is None
            assert all(d.hl_estimate is None for d in lean.differences)
            assert all(r.between_run_share is None for r in lean.runs)
    confounded = make_run("c", n=3000, seed=3, tpot_per_token=2e-5, tokens=(500, 1000))
    full = Comparer([a, confounded]).compare()
    assert full.warm_up is not None and any("match=" in n for n in full.notes)  # the hints
    lean = Comparer([a, confounded]).compare(lean=True)
    assert not any("match=" in n or "warm-up" in n for n in lean.notes)


def test_a_comparison_keeps_each_units_draws() -> None:
    a, b = make_run("a", n=400, seed=1), make_run("b", n=400, seed=2)
    arm = Arm([make_run(f"c{i}", n=300, seed=30 + i) for i in range(3)])
    c = Comparer([a, b, arm]).compare(n_resamples=999)
    single, _, repeats = c.draws
    assert single.replicates is not None and len(single.replicates) == 999
    low, high = np.quantile(single.replicates, [0.025, 0.975])
    width = c.runs[0].ci_high - c.runs[0].ci_low
    assert abs(low - c.runs[0].ci_low) < 0.5 * width and abs(high - c.runs[0].ci_high) < 0.5 * width
    assert repeats.replicates is None and len(repeats.run_estimates) == 3
    # an arm estimates the geometric mean of its runs (its interval is on the log scale)
    assert np.exp(np.mean(np.log(repeats.run_estimates))) == pytest.approx(c.runs[2].estimate)
    assert c.draws == c.draws and c == dataclasses.replace(c, draws=())  # not compared


def test_one_prepared_unit_gives_its_estimate_alone() -> None:
    run = make_run("a", n=400, seed=1)
    p = Parameters(n_resamples=999)
    alone = compute([prepare_unit(run, "a", p.dimension, p.x_dimension)], p, stats.make_rng(0))
    with_partner = Comparer([run, make_run("b", n=400, seed=2)]).compare(p)
    assert alone.differences == () and alone.runs[0] == with_partner.runs[0]


def test_the_shift_functions_come_alone_as_compare_would_give_them() -> None:
    a, b, c = (make_run(name, n=500, seed=i) for i, name in enumerate("abc"))
    comparer = Comparer([a, b, c])
    p = Parameters.from_user(token_range=(100, 700))
    full = comparer.compare(p)
    numbers = comparer.compare(p, shift=False)
    assert numbers.shift_function == () and numbers.runs == full.runs
    assert numbers.differences == full.differences and numbers.notes == full.notes
    assert comparer.shift_functions(p) == full.shift_function
