"""Arms of repeated runs: estimates and differences whose CIs cover run-to-run variation.

An arm is several runs of one configuration. Requests of one run share its conditions
(the server's state, the neighbours, the clock), so pooling requests treats a run effect
as noise that averages out, and it does not: with a 4 % run effect, pooled intervals call
most A/A comparisons significant (tests/test_stats_arms.py).

Method: a run-level interval. Each run gives its statistic θ_r (the median, a quantile or
the mean of its requests); the arm's estimate is their mean θ̄ and its CI the t-interval
θ̄ ± t_{k−1} · s / √k, s² the variance of the θ_r over the k runs. s² contains both the
between-run variance and each run's own sampling variance, so the interval covers the
configuration's expected run statistic with both sources of noise, without a model of
either. With 3–5 runs this covers better than a bootstrap of so few clusters (whose
percentile interval is too narrow by about √((k − 1)/k) · t/z). Two arms: Welch's
t-interval for θ̄_B − θ̄_A with Satterthwaite's degrees of freedom, and for the ratio
θ̄_B / θ̄_A − 1 the same on the log scale (delta method: var(log θ̄) ≈ s² / (k θ̄²)).

Fallbacks, each named in `note`: an arm of one run has no between-run variance to
estimate, so a one-run arm uses the request-level bootstrap (its interval covers request
noise only); when only one of two arms has a single run, that run is given the other
arm's run-to-run variance ("borrowed"). Runs with fewer than 2 values are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import bootstrap as bs
from .mannwhitney import mann_whitney_p

RUN_LEVEL = "run-level t"
BORROWED = "run-level t (borrowed)"
REQUEST_LEVEL = "request-level bootstrap"
SINGLE_RUN_NOTE = (
    "one run per arm: the interval covers request noise only, not run-to-run variation; "
    "repeat the runs (3-5 per configuration) for a verdict that holds on the next run"
)


@dataclass(frozen=True)
class ArmInterval:
    """An arm's estimate with a CI covering run-to-run variation (see module docstring).

    Attributes
    ----------
    n_runs, n : int
        Runs used (≥ 2 values each) and their requests in total.
    estimate, ci_low, ci_high : float or None
        Mean of the runs' statistics and its t-interval (one run: the run's statistic and
        its request-level bootstrap CI). None when no run has 2 values.
    run_estimates : tuple of float
        Each used run's statistic.
    between_run_share : float or None
        Share of the variance of one run's statistic that is between runs:
        max(0, s² − w̄) / s², w̄ the mean within-run (bootstrap) variance of the statistic.
        None with fewer than 2 runs.
    method : str
        "run-level t" or "request-level bootstrap".
    note : str or None
        What the interval does not cover, or which runs were left out.
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


@dataclass(frozen=True)
class ArmDifference(bs.DifferenceInterval):
    """θ_B − θ_A and θ_B / θ_A − 1 of two arms with CIs and a two-sided p-value.

    Run-level (Welch) when both arms have ≥ 2 runs; `df` its degrees of freedom (None for
    the request-level bootstrap, whose p-value is Mann–Whitney's on the single runs).
    """

    p_value: float | None
    df: float | None
    method: str
    note: str | None


def _usable_runs(runs: Sequence[np.ndarray]) -> tuple[list[np.ndarray], str | None]:
    """Sorted finite values of each run with ≥ 2 of them, and a note on the ones left out."""
    if len(runs) == 0:
        raise ValueError("an arm needs at least one run (a list of per-run value arrays)")
    kept = [bs.sorted_finite(r) for r in runs]
    used = [x for x in kept if len(x) >= 2]
    dropped = len(kept) - len(used)
    note = None
    if dropped:
        note = (
            f"{dropped} runs with fewer than 2 values left out"
            if dropped > 1
            else ("1 run with fewer than 2 values left out")
        )
    return used, note


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


def _run_statistics(
    runs: list[np.ndarray], stat: bs.Statistic, n_resamples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each run's statistic and the bootstrap variance of it (within-run sampling noise)."""
    thetas, within = [], []
    for x in runs:
        thetas.append(bs.estimate(x, stat))
        if n_resamples < 2:  # the run statistics only
            within.append(0.0)
            continue
        reps = bs.replicates(x, stat, n_resamples, bs.draw_seeds(rng))
        within.append(float(np.var(reps, ddof=1)))
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
    *,
    between_run_share: bool = True,
) -> ArmInterval:
    """The arm's statistic with a CI that covers run-to-run variation.

    Parameters
    ----------
    runs : sequence of numpy.ndarray
        One array of request values per run of the same configuration (NaN ignored).
    statistic, confidence_level, method, n_resamples, random_state
        As for `bootstrap_ci`; `method` applies to the one-run fallback, `n_resamples` to
        it and to the within-run variances behind `between_run_share`.
    between_run_share : bool, default True
        False skips the within-run bootstraps that `between_run_share` needs (it is then
        None); the estimate and interval are unchanged.

    Returns
    -------
    ArmInterval
        With ≥ 2 runs: the mean of the runs' statistics and its t-interval, which covers
        the configuration's expected run statistic (run effect and request noise both).
        With one run: its request-level bootstrap CI, which covers request noise only
        (said in `note`).
    """
    method = bs.check_method(method, confidence_level, n_resamples)
    stat = bs.parse_statistic(statistic)
    used, dropped = _usable_runs(runs)
    n = int(sum(len(x) for x in used))
    rng = bs.make_rng(random_state)
    if not used:
        return ArmInterval(0, 0, None, None, None, (), None, RUN_LEVEL, _join(dropped))
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
        )
    from scipy.special import stdtrit  # t quantiles (scipy.stats.t.ppf's values, 50x faster)

    thetas, within = _run_statistics(used, stat, int(n_resamples) if between_run_share else 0, rng)
    k = len(thetas)
    mean = float(np.mean(thetas))
    half = (
        float(stdtrit(k - 1, 0.5 + confidence_level / 2))
        * float(np.std(thetas, ddof=1))
        / math.sqrt(k)
    )
    return ArmInterval(
        k,
        n,
        mean,
        mean - half,
        mean + half,
        tuple(float(t) for t in thetas),
        _share(thetas, within) if between_run_share else None,
        RUN_LEVEL,
        _join(dropped),
    )


def _welch(va: float, vb: float, dfa: float, dfb: float) -> tuple[float, float]:
    """(standard error, Satterthwaite df) of a difference with variance components va, vb."""
    se2 = va + vb
    den = (va * va / dfa if va else 0.0) + (vb * vb / dfb if vb else 0.0)
    df = se2 * se2 / den if den > 0.0 else math.inf
    return math.sqrt(se2), df


def arm_difference(
    a_runs: Sequence[np.ndarray],
    b_runs: Sequence[np.ndarray],
    statistic: str = "median",
    confidence_level: float = 0.95,
    method: str = "BCa",
    n_resamples: int = 9999,
    random_state: int | np.random.Generator | None = None,
) -> ArmDifference:
    """Arm B against arm A: θ_B − θ_A and θ_B / θ_A − 1 with CIs and a p-value.

    Parameters
    ----------
    a_runs, b_runs : sequence of numpy.ndarray
        Per-run request values of the baseline arm and of the other arm.
    statistic, confidence_level, method, n_resamples, random_state
        As for `arm_ci`.

    Returns
    -------
    ArmDifference
        Both arms with ≥ 2 runs: Welch's t-interval of the difference of the arms' mean
        run statistics (log scale for the ratio) and its two-sided p-value, covering
        run-to-run variation. One arm with one run: that run gets the other arm's
        run-level variance (method "run-level t (borrowed)"). Both with one run: the
        request-level bootstrap of the two runs and Mann–Whitney's p (request noise only).
    """
    method = bs.check_method(method, confidence_level, n_resamples)
    stat = bs.parse_statistic(statistic)
    ua, note_a = _usable_runs(a_runs)
    ub, note_b = _usable_runs(b_runs)
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
    from scipy.special import ndtri, stdtr, stdtrit  # scipy.stats.t/norm's values, faster

    ta, _ = _run_statistics(ua, stat, 0, rng)
    tb, _ = _run_statistics(ub, stat, 0, rng)
    ka, kb = len(ta), len(tb)
    mean_a, mean_b = float(np.mean(ta)), float(np.mean(tb))
    used_method, note = RUN_LEVEL, None
    if ka >= 2 and kb >= 2:
        s2a, s2b = float(np.var(ta, ddof=1)), float(np.var(tb, ddof=1))
        dfa, dfb = ka - 1.0, kb - 1.0
    else:
        # one arm has one run: give it the other arm's run-to-run variance
        many = ta if ka >= 2 else tb
        s2 = float(np.var(many, ddof=1))
        s2a = s2b = s2
        dfa = dfb = len(many) - 1.0
        used_method = BORROWED
        side = "baseline" if ka == 1 else "other"
        note = (
            f"the {side} arm has one run: its run-to-run variation is assumed equal to "
            "the other arm's"
        )
    diff = mean_b - mean_a
    se, df = _welch(s2a / ka, s2b / kb, dfa, dfb)
    if ka == 1 or kb == 1:
        df = dfa  # both components share the one estimated variance
    alpha_t = (
        float(stdtrit(df, 0.5 + confidence_level / 2))
        if math.isfinite(df)
        else float(ndtri(0.5 + confidence_level / 2))
    )
    if se > 0.0:
        lo, hi = diff - alpha_t * se, diff + alpha_t * se
        p = float(2.0 * stdtr(df, -abs(diff) / se))
    else:
        lo = hi = diff
        p = 1.0 if diff == 0.0 else 0.0
    rel = rel_lo = rel_hi = None
    if mean_a > 0.0 and mean_b > 0.0:
        rel = mean_b / mean_a - 1.0
        se_log, df_log = _welch(s2a / (ka * mean_a**2), s2b / (kb * mean_b**2), dfa, dfb)
        if ka == 1 or kb == 1:
            df_log = dfa
        t_log = (
            float(stdtrit(df_log, 0.5 + confidence_level / 2)) if math.isfinite(df_log) else alpha_t
        )
        log_ratio = math.log(mean_b / mean_a)
        rel_lo = math.expm1(log_ratio - t_log * se_log)
        rel_hi = math.expm1(log_ratio + t_log * se_log)
    return ArmDifference(
        diff,
        lo,
        hi,
        rel,
        rel_lo,
        rel_hi,
        p,
        df if math.isfinite(df) else None,
        used_method,
        _join(note, dropped),
    )
