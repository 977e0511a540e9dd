"""Proof by seeded simulation of what `compare_sweeps` claims (written before the method).

The model: at concurrency c a configuration's TPOT is lognormal (σ = 0.2) around a median
m(c) that rises with load, m_A(c) = 20 ms · (1 + c/64) and m_B(c) = 16 ms · (1 + c/32):
B is faster at low load and slower past the true crossing c× = 21⅓ (between the levels 16
and 24). With an SLO of TPOT ≤ 30 ms, the share of requests meeting it is
Φ(log(30 ms / m(c)) / σ), which falls below the 90% target at a known max load
(10.3 for A, 14.4 for B). The curves are not straight lines on log load, so interpolating
between levels has a (small) error the intervals do not model: the simulation includes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from statistics import NormalDist

import numpy as np
import pytest
from factories import make_run

from tpot_widget import compare_sweeps
from tpot_widget.sweep import Sweep

LEVELS = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128)
SIGMA = 0.2
SLO = 0.030
TARGET = 0.9


def median_a(c: float) -> float:
    return 0.020 * (1 + c / 64)


def median_b(c: float) -> float:
    return 0.016 * (1 + c / 32)


#: Where m_A = m_B: 20 (1 + c/64) = 16 (1 + c/32).
TRUE_CROSSING = 4 / (0.5 - 20 / 64)
#: The TPOT median at which Φ(log(SLO / m) / σ) = TARGET, and the loads where each reaches it.
_M_AT_TARGET = SLO * math.exp(-NormalDist().inv_cdf(TARGET) * SIGMA)
TRUE_MAX_LOAD = {"A": 64 * (_M_AT_TARGET / 0.020 - 1), "B": 32 * (_M_AT_TARGET / 0.016 - 1)}


def simulated_sweep(
    name: str,
    median: Callable[[float], float],
    rng: np.random.Generator,
    *,
    levels: Sequence[float] = LEVELS,
    kind: str = "concurrency",
    n: int = 400,
    repeats: int = 1,
    run_effect: float = 0.0,
) -> Sweep:
    """One configuration: `repeats` runs of `n` requests per level, each run's TPOT scaled by
    a lognormal(0, `run_effect`) run effect."""
    runs = []
    for c in levels:
        for k in range(repeats):
            scale = float(np.exp(rng.normal(0.0, run_effect))) if run_effect else 1.0
            runs.append(
                make_run(
                    f"{name} {kind}={c:g} #{k}",
                    n=n,
                    tpot=median(c) * scale,
                    sigma=SIGMA,
                    seed=int(rng.integers(2**31)),
                    duration=None,
                    load=f"{kind}={c:g}",
                    metadata={"sweep_config": name, "repeat": k},
                )
            )
    return Sweep(runs, name=name)


def covers(low: float | None, high: float | None, truth: float, open_low: bool, open_high: bool):
    """Whether [low, high] holds the truth; an open side (beyond the sweep) holds everything."""
    return (open_low or (low is not None and low <= truth)) and (
        open_high or (high is not None and truth <= high)
    )


def _aa_rates(sims: int, seed: int, repeats: int, run_effect: float) -> tuple[float, float]:
    """(per-level false-positive rate, family-wise rate of Holm-adjusted p < 0.05) in A/A."""
    rng = np.random.default_rng(seed)
    level_hits = level_tests = family_hits = 0
    for i in range(sims):
        a = simulated_sweep("A", median_a, rng, n=300, repeats=repeats, run_effect=run_effect)
        b = simulated_sweep("B", median_a, rng, n=300, repeats=repeats, run_effect=run_effect)
        s = compare_sweeps(a, b, n_resamples=999, random_state=i)
        rows = [r for r in s.rows if r.baseline is not None]
        assert len(rows) == len(LEVELS) and not any(r.interpolated for r in rows)
        level_hits += sum(r.verdict in ("faster", "slower") for r in rows)
        level_tests += len(rows)
        family_hits += any(r.p_value_adjusted < 0.05 for r in rows)
    return level_hits / level_tests, family_hits / sims


@pytest.mark.slow
def test_aa_per_level_false_positives_and_holm_family_wise_stay_at_five_percent():
    # Single runs without a run effect: the intervals' claim (request noise). Arms of
    # repeats get the engine's run-level intervals, proven in test_stats_arms.py.
    per_level, family = _aa_rates(sims=240, seed=17, repeats=1, run_effect=0.0)
    # 2880 level tests: Monte-Carlo SE 0.4 pp; 240 sweeps: SE 1.4 pp for the family rate
    assert 0.02 <= per_level <= 0.05 + 0.008, per_level
    assert family <= 0.05 + 0.02, family


def _coverage_crossing_and_max_load(
    sims: int,
    seed: int,
    *,
    b_levels: Sequence[float] = LEVELS,
    repeats: int = 1,
    run_effect: float = 0.0,
) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    crossing = {"covered": 0, "found": 0, "estimates": []}
    max_load = {name: 0 for name in TRUE_MAX_LOAD}
    for i in range(sims):
        a = simulated_sweep("A", median_a, rng, repeats=repeats, run_effect=run_effect)
        b = simulated_sweep(
            "B", median_b, rng, levels=b_levels, repeats=repeats, run_effect=run_effect
        )
        s = compare_sweeps(
            a,
            b,
            slo={"time_per_output_token": SLO},
            slo_target=TARGET,
            n_resamples=999,
            random_state=i,
        )
        (x,) = s.crossing
        crossing["covered"] += covers(x.ci_low, x.ci_high, TRUE_CROSSING, x.open_low, x.open_high)
        if x.status == "within the sweep":
            crossing["found"] += 1
            crossing["estimates"].append(x.estimate)
        for m in s.max_load:
            max_load[m.name] += covers(
                m.ci_low, m.ci_high, TRUE_MAX_LOAD[m.name], m.open_low, m.open_high
            )
    return {
        "crossing": crossing["covered"] / sims,
        "crossing_found": crossing["found"] / sims,
        "crossing_median": float(np.median(crossing["estimates"])),
        **{f"max_load_{k}": v / sims for k, v in max_load.items()},
    }


@pytest.mark.slow
def test_crossing_and_max_load_intervals_cover_the_truth_at_least_90_percent():
    c = _coverage_crossing_and_max_load(sims=160, seed=3)
    assert c["crossing_found"] >= 0.95, c
    assert c["crossing_median"] == pytest.approx(TRUE_CROSSING, rel=0.05), c
    # nominal 95%; 160 sweeps: Monte-Carlo SE 1.7 pp
    assert c["crossing"] >= 0.90, c
    assert c["max_load_A"] >= 0.90, c
    assert c["max_load_B"] >= 0.90, c


@pytest.mark.slow
def test_with_repeats_and_a_run_effect_the_intervals_still_cover():
    c = _coverage_crossing_and_max_load(sims=80, seed=5, repeats=3, run_effect=0.04)
    assert c["crossing"] >= 0.90, c
    assert c["max_load_A"] >= 0.90, c
    assert c["max_load_B"] >= 0.90, c


#: guidellm picks its constant rates per configuration: B's levels fall between A's (the
#: same curves as above, with the load read as a request rate).
B_LEVELS = (1.5, 3, 5, 10, 14, 20, 28, 40, 56, 80, 112)


@pytest.mark.slow
def test_differing_levels_compare_at_interpolated_points_that_cover_the_true_ratio():
    rng = np.random.default_rng(11)
    sims = 80
    covered = tests = 0
    crossing_covered = 0
    for i in range(sims):
        a = simulated_sweep("A", median_a, rng, kind="rate")
        b = simulated_sweep("B", median_b, rng, levels=B_LEVELS, kind="rate")
        s = compare_sweeps(a, b, n_resamples=999, random_state=i)
        assert s.axis == "rate"
        rows = [r for r in s.rows if r.config == "B"]
        assert all(r.interpolated for r in rows)  # no level in common: all interpolated
        for r in rows:
            truth = median_b(r.load) / median_a(r.load) - 1
            covered += r.relative_ci_low <= truth <= r.relative_ci_high
            tests += 1
        (x,) = s.crossing
        crossing_covered += covers(x.ci_low, x.ci_high, TRUE_CROSSING, x.open_low, x.open_high)
    # 880 interpolated points: Monte-Carlo SE 0.7 pp
    assert covered / tests >= 0.92, covered / tests
    assert crossing_covered / sims >= 0.90, crossing_covered / sims
