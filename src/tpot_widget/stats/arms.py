"""Arms of repeated runs: estimates and differences whose CIs cover run-to-run variation.

An arm is several runs of one configuration. Requests of one run share its conditions
(the server's state, the neighbours, the clock), so pooling requests treats a run effect
as noise that averages out, and it does not: with a 4 % run effect, pooled intervals call
most A/A comparisons significant (tests/test_stats_arms.py).

Method: a run-level interval on the log scale. Each run gives its statistic θ_r (the
median, a quantile or the mean of its requests); a latency is positive and its run-to-run
variation multiplicative, so the arm works with log θ_r: its estimate is the geometric mean
exp(mean log θ_r) and its CI exp(mean ± t_{k−1} · s / √k), s the SD of the log θ_r over the
k runs. s contains both the between-run variance and each run's own sampling variance, so
the interval covers the configuration's typical run statistic with both sources of noise,
and it never leaves (0, ∞): two runs give a wide interval, not a negative latency.

Two arms: Student's t on the log run statistics with the pooled variance
s_p² = ((k_A − 1) s_A² + (k_B − 1) s_B²) / (k_A + k_B − 2) and k_A + k_B − 2 degrees of
freedom, so B / A − 1 = exp(Δ̄_log ± t · s_p √(1/k_A + 1/k_B)) − 1, with its two-sided p.
The difference in the value's unit is the same interval at the baseline's level,
θ̂_A · (B / A − 1), so both say the same thing. Chosen by simulation over today's Welch on the
raw scale (3 % run-to-run noise, a true 8 % change, 1000 requests a run; `POWER_TABLE`,
measured in tests/test_stats_arms.py): both keep the 5 % A/A rate with equal arms, and the
pooled log t finds the change more often with few runs (2 runs: 28 % vs 14 %; 3 runs: 60 %
vs 49 %). It assumes both configurations vary as much from run to run (relative); with a 2-run
arm twice as noisy as a 5-run one its A/A rate rises to ~13 %, where Welch's reaches ~9 %.

Members with fewer values than the statistic needs (`order.minimum_sample_size`) are left
out, by name. An arm left with one run uses that run's request-level bootstrap (its interval
covers request noise only); when only one of two arms has a single run, the pooled variance
comes from the other arm ("borrowed": the same run-to-run variation is assumed). Run
statistics that are not all > 0 fall back to the same t on the raw scale.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._threads import ProcessThreads
from . import bootstrap as bs
from .critical import t_quantile
from .mannwhitney import mann_whitney_p
from .order import describe_minimum, minimum_sample_size

RUN_LEVEL = "run-level t"
BORROWED = "run-level t (borrowed)"
REQUEST_LEVEL = "request-level bootstrap"
SINGLE_RUN_NOTE = (
    "one run per arm: the interval covers request noise only, not run-to-run variation; "
    "repeat the runs (3-5 per configuration) for a verdict that holds on the next run"
)
#: Threads bootstrapping an arm's runs at once (the replicate kernel releases the GIL).
_THREADS = ProcessThreads(max(1, min(3, os.cpu_count() or 1)), "tpot-arm")
#: Runs per arm → how often the run-level test finds a true 8 % change with 3 % run-to-run
#: noise at the 5 % level (seeded simulation in tests/test_stats_arms.py).
POWER_TABLE: dict[int, float] = {2: 0.28, 3: 0.60, 5: 0.91, 10: 1.00}


def power_note(runs_per_arm: int) -> str:
    """The note on how little few runs can see, with the measured power table."""
    table = ", ".join(f"{k} runs {p:.0%}" for k, p in POWER_TABLE.items())
    return (
        f"{runs_per_arm} runs per arm have little power: with 3% run-to-run noise a true 8% "
        f"change is found with {table} per arm (simulation); no significant difference "
        "here is weak evidence of none."
    )


@dataclass(frozen=True)
class ArmInterval:
    """An arm's estimate with a CI covering run-to-run variation (see module docstring).

    Attributes
    ----------
    n_runs, n : int
        Runs used (each with enough values for the statistic) and their requests in total.
    estimate, ci_low, ci_high : float or None
        Geometric mean of the runs' statistics and its log-scale t-interval (one run: the
        run's statistic and its request-level bootstrap CI). None when no run is usable.
    run_estimates : tuple of float
        Each used run's statistic.
    between_run_share : float or None
        Share of the variance of one run's statistic that is between runs:
        max(0, s² − w̄) / s², w̄ the mean within-run (bootstrap) variance of the statistic.
        None with fewer than 2 runs.
    method : str
        "run-level t" or "request-level bootstrap": the interval really used.
    note : str or None
        What the interval does not cover, and which runs were left out (by name).
    left_out : tuple of str
        The names of the runs left out for too few values.
    """

    n_runs: int
    n: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    run_estimates: tuple[float, ...]
    between_run_share: float | None
    method: str
    note: str | None
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArmDifference(bs.DifferenceInterval):
    """θ_B − θ_A and θ_B / θ_A − 1 of two arms with CIs and a two-sided p-value.

    Run-level (pooled t on the log run statistics) when the arms have 3 runs or more
    together and each at least one; `df` its degrees of freedom (None for the request-level
    bootstrap of two single runs, whose p-value is Mann–Whitney's).
    """

    p_value: float | None
    df: float | None
    method: str
    note: str | None


def _usable_runs(
    runs: Sequence[np.ndarray],
    stat: bs.Statistic,
    level: float,
    names: Sequence[str] | None,
    presorted: bool = False,
) -> tuple[list[np.ndarray], list[str], str | None]:
    """Sorted finite values of the runs with enough of them, the names left out, a note
    (`presorted`: the runs are sorted float64 values without NaN already)."""
    if len(runs) == 0:
        raise ValueError("an arm needs at least one run (a list of per-run value arrays)")
    if names is None:
        names = [f"run {i + 1}" for i in range(len(runs))]
    if len(names) != len(runs):
        raise ValueError(f"{len(runs)} runs but {len(names)} names")
    need = minimum_sample_size(stat, level)
    kept = list(runs) if presorted else [bs.sorted_finite(r) for r in runs]
    used = [x for x in kept if len(x) >= need]
    left_out = [str(name) for name, x in zip(names, kept, strict=True) if len(x) < need]
    note = None
    if left_out:
        counts = ", ".join(
            f"{name} ({len(x)})" for name, x in zip(names, kept, strict=True) if len(x) < need
        )
        note = f"left out for too few values ({describe_minimum(stat, level)}): {counts}"
    return used, left_out, note


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


#: Resamples behind each run's within-run variance (the between-run share only, a description):
#: their Monte-Carlo error (≈ 3% of the variance) is far below what a few runs' spread can
#: tell, and a brush of two 3-run arms takes 7 ms instead of 12 with 9999.
SHARE_RESAMPLES = 1999


def _run_statistics(
    runs: list[np.ndarray], stat: bs.Statistic, n_resamples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each run's statistic and the bootstrap variance of it (within-run sampling noise)."""
    thetas = [bs.estimate(x, stat) for x in runs]
    if n_resamples < 2 or not runs:  # the run statistics only
        return np.array(thetas), np.zeros(len(runs))
    seeds = [bs.draw_seeds(rng) for _ in runs]  # in run order, as one after the other would

    def variance(j: int) -> float:
        return float(np.var(bs.replicates(runs[j], stat, n_resamples, seeds[j]), ddof=1))

    # A quantile's replicate kernel releases the GIL: the runs' bootstraps on spare threads.
    # The mean's may be Numba-parallel, which some threading layers cannot enter from two
    # threads at once: one after the other.
    if stat.from_moments:
        return np.array(thetas), np.array([variance(j) for j in range(len(runs))])
    later = [_THREADS.get().submit(variance, j) for j in range(1, len(runs))]
    within = [variance(0)] + [f.result() for f in later]
    return np.array(thetas), np.array(within)


def _share(thetas: np.ndarray, within: np.ndarray) -> float | None:
    if len(thetas) < 2:
        return None
    s2 = float(np.var(thetas, ddof=1))
    if not s2 > 0.0:
        return 0.0
    return min(max(s2 - float(np.mean(within)), 0.0) / s2, 1.0)


def arm_ci(
    runs: Sequence[np.ndarray],
    statistic: str = "median",
    confidence_level: float = 0.95,
    method: str = "BCa",
    n_resamples: int = 9999,
    random_state: int | np.random.Generator | None = None,
    names: Sequence[str] | None = None,
    *,
    between_run_share: bool = True,
    presorted: bool = False,
) -> ArmInterval:
    """The arm's statistic with a CI that covers run-to-run variation.

    Parameters
    ----------
    runs : sequence of numpy.ndarray
        One array of request values per run of the same configuration (NaN ignored).
    statistic, confidence_level, method, n_resamples, random_state
        As for `bootstrap_ci`; `method` applies to the one-run fallback, `n_resamples` to
        it and (up to SHARE_RESAMPLES) to the within-run variances behind
        `between_run_share`.
    names : sequence of str, optional
        The runs' names, for the note on runs left out (default "run 1", "run 2", ...).
    between_run_share : bool, default True
        False skips the within-run bootstraps that `between_run_share` needs (it is then
        None); the estimate and interval are unchanged.
    presorted : bool, default False
        The runs are sorted float64 arrays without NaN (a prepared selection): not copied
        and checked again.

    Returns
    -------
    ArmInterval
        With ≥ 2 usable runs: the geometric mean of the runs' statistics and its log-scale
        t-interval (raw scale if a statistic is ≤ 0), which covers the configuration's
        typical run statistic (run effect and request noise both). With one: its
        request-level bootstrap CI, which covers request noise only (said in `note`).
    """
    method = bs.check_method(method, confidence_level, n_resamples)
    stat = bs.parse_statistic(statistic)
    used, left_out, dropped = _usable_runs(runs, stat, confidence_level, names, presorted)
    n = int(sum(len(x) for x in used))
    rng = bs.make_rng(random_state)
    if not used:
        return ArmInterval(
            0, 0, None, None, None, (), None, RUN_LEVEL, _join(dropped), tuple(left_out)
        )
    if len(used) == 1:
        r = bs.bootstrap_ci(used[0], stat.name, confidence_level, method, n_resamples, rng)
        return ArmInterval(
            1,
            n,
            r.estimate,
            r.ci_low,
            r.ci_high,
            (float(r.estimate),) if r.estimate is not None else (),
            None,
            REQUEST_LEVEL,
            _join(SINGLE_RUN_NOTE, dropped),
            tuple(left_out),
        )
    share_resamples = min(int(n_resamples), SHARE_RESAMPLES) if between_run_share else 0
    thetas, within = _run_statistics(used, stat, share_resamples, rng)
    k = len(thetas)
    t = t_quantile(confidence_level, k - 1)
    if np.all(thetas > 0.0):
        logs = np.log(thetas)
        centre, half = float(np.mean(logs)), t * float(np.std(logs, ddof=1)) / math.sqrt(k)
        estimate, lo, hi = math.exp(centre), math.exp(centre - half), math.exp(centre + half)
    else:
        estimate = float(np.mean(thetas))
        half = t * float(np.std(thetas, ddof=1)) / math.sqrt(k)
        lo, hi = estimate - half, estimate + half
    return ArmInterval(
        k,
        n,
        estimate,
        lo,
        hi,
        tuple(float(x) for x in thetas),
        _share(thetas, within) if between_run_share else None,
        RUN_LEVEL,
        _join(dropped),
        tuple(left_out),
    )


def arm_difference(
    a_runs: Sequence[np.ndarray],
    b_runs: Sequence[np.ndarray],
    statistic: str = "median",
    confidence_level: float = 0.95,
    method: str = "BCa",
    n_resamples: int = 9999,
    random_state: int | np.random.Generator | None = None,
    a_names: Sequence[str] | None = None,
    b_names: Sequence[str] | None = None,
    *,
    presorted: bool = False,
) -> ArmDifference:
    """Arm B against arm A: θ_B − θ_A and θ_B / θ_A − 1 with CIs and a p-value.

    Parameters
    ----------
    a_runs, b_runs : sequence of numpy.ndarray
        Per-run request values of the baseline arm and of the other arm.
    statistic, confidence_level, method, n_resamples, random_state
        As for `arm_ci`.
    a_names, b_names : sequence of str, optional
        The runs' names, for the note on runs left out.
    presorted : bool, default False
        As for `arm_ci`.

    Returns
    -------
    ArmDifference
        With 3 usable runs or more (each arm at least one): the pooled t on the log run
        statistics (module docstring): B / A − 1 with its CI and two-sided p; the difference
        b − a is θ̂_A · (B / A − 1) with the same interval in seconds (the geometric means'
        difference as its estimate), so the two never disagree. An arm with one run gets the
        other arm's run-to-run variance (method "run-level t (borrowed)"). Both with one
        run: the request-level bootstrap of the two runs and Mann–Whitney's p (request noise
        only). All None when an arm has no usable run.
    """
    method = bs.check_method(method, confidence_level, n_resamples)
    stat = bs.parse_statistic(statistic)
    ua, _, note_a = _usable_runs(a_runs, stat, confidence_level, a_names, presorted)
    ub, _, note_b = _usable_runs(b_runs, stat, confidence_level, b_names, presorted)
    dropped = _join(
        f"baseline arm: {note_a}" if note_a else None, f"other arm: {note_b}" if note_b else None
    )
    rng = bs.make_rng(random_state)
    if not ua or not ub:
        return ArmDifference(None, None, None, None, None, None, None, None, RUN_LEVEL, dropped)
    if len(ua) == 1 and len(ub) == 1:
        d = bs.difference_ci(ua[0], ub[0], stat.name, confidence_level, method, n_resamples, rng)
        return ArmDifference(
            d.estimate,
            d.ci_low,
            d.ci_high,
            d.relative,
            d.relative_ci_low,
            d.relative_ci_high,
            mann_whitney_p(ua[0], ub[0]),
            None,
            REQUEST_LEVEL,
            _join(SINGLE_RUN_NOTE, dropped),
        )
    from scipy.special import stdtr  # scipy.stats.t.sf's values, faster

    ta, _ = _run_statistics(ua, stat, 0, rng)
    tb, _ = _run_statistics(ub, stat, 0, rng)
    ka, kb = len(ta), len(tb)
    used_method, note = RUN_LEVEL, None
    if ka == 1 or kb == 1:
        used_method = BORROWED
        side = "baseline" if ka == 1 else "other"
        note = (
            f"the {side} arm has one run: its run-to-run variation is assumed equal to "
            "the other arm's"
        )
    log_scale = bool(np.all(ta > 0.0) and np.all(tb > 0.0))
    xa, xb = (np.log(ta), np.log(tb)) if log_scale else (ta, tb)
    df = float(ka + kb - 2)
    ss = (float(np.var(xa, ddof=1)) * (ka - 1) if ka > 1 else 0.0) + (
        float(np.var(xb, ddof=1)) * (kb - 1) if kb > 1 else 0.0
    )
    se = math.sqrt(ss / df * (1.0 / ka + 1.0 / kb))
    shift = float(np.mean(xb) - np.mean(xa))
    half = t_quantile(confidence_level, df) * se
    p = float(2.0 * stdtr(df, -abs(shift) / se)) if se > 0.0 else float(shift == 0.0)
    rel: float | None
    rel_lo: float | None
    rel_hi: float | None
    if log_scale:
        centre_a, centre_b = math.exp(float(np.mean(xa))), math.exp(float(np.mean(xb)))
        rel, rel_lo, rel_hi = math.expm1(shift), math.expm1(shift - half), math.expm1(shift + half)
        diff, lo, hi = centre_b - centre_a, centre_a * rel_lo, centre_a * rel_hi
    else:
        mean_a = float(np.mean(ta))
        diff, lo, hi = shift, shift - half, shift + half
        rel = rel_lo = rel_hi = None
        if mean_a > 0.0:
            rel, rel_lo, rel_hi = diff / mean_a, lo / mean_a, hi / mean_a
    return ArmDifference(
        diff, lo, hi, rel, rel_lo, rel_hi, p, df, used_method, _join(note, dropped)
    )
