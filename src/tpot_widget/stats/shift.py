"""Wilcox's shift function: B's quantiles minus A's, with a simultaneous confidence band.

Per quantile q (numpy's "linear" definition): the baseline value Q_A(q), the run's Q_B(q)
and their difference. The band is a bootstrap max-|t| band: each sample's resamples give
the joint replicates of all its quantiles at once (the order-statistic kernel, extended to
several ranks: `quantile_replicates`, O(B · Q) draws, rows never resampled); with
D*(q) = Q*_B(q) − Q*_A(q) and s(q) its bootstrap SD, the critical value c is the
confidence-level quantile of max_q |D*(q) − D(q)| / s(q), and the band D(q) ± c·s(q)
covers all Q true differences at once with that probability (it sits between the
pointwise interval, c ≈ 1.96, and Bonferroni's, c ≈ z_{1 − α/(2Q)}, using the correlation
of neighbouring quantiles). A change in the tail alone shows as a band away from 0 at the
upper quantiles only. Wilcox (1995) uses Harrell–Davis estimates and a Bonferroni-type
constant; the max-|t| bootstrap keeps numpy's quantiles and is less conservative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import bootstrap as bs
from . import kernels

DECILES: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class ShiftFunction:
    """Per quantile: baseline and run values, their difference and the simultaneous band.

    Arrays of len(quantiles); NaN everywhere when a sample has fewer than 2 values.
    `critical_value` is the band's multiplier of each quantile's bootstrap SD.
    """

    quantiles: np.ndarray
    baseline: np.ndarray
    run: np.ndarray
    difference: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    critical_value: float
    confidence_level: float


def _plan(n: int, qs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(distinct 1-based ranks, per q the column of its lower and upper rank, weight g)."""
    h = (n - 1) * qs
    j = np.clip(np.floor(h).astype(np.int64), 0, n - 1)
    g = np.where(j >= n - 1, 0.0, h - j)
    lower = j + 1
    upper = np.minimum(j + 2, n)
    ranks = np.unique(np.concatenate([lower, upper]))
    return ranks, np.searchsorted(ranks, lower), np.searchsorted(ranks, upper), g


def quantile_replicates(
    x_sorted: np.ndarray,
    quantiles: Sequence[float] | np.ndarray,
    n_resamples: int,
    seeds: np.ndarray,
) -> np.ndarray:
    """(n_resamples, Q) joint bootstrap replicates of numpy quantiles of one sorted sample.

    Each row is the quantiles of one and the same resample (so their correlation is the
    resampling one), drawn without resampling rows.
    """
    qs = np.asarray(quantiles, dtype=np.float64)
    n = len(x_sorted)
    ranks, lo_col, hi_col, g = _plan(n, qs)
    draws = kernels.joint_order_statistic_replicates(
        np.ascontiguousarray(x_sorted, dtype=np.float64), ranks, int(n_resamples), seeds
    )
    lo, hi = draws[:, lo_col], draws[:, hi_col]
    # numpy's "linear" interpolation, in its own two branches for bit-equality of ties
    diff = hi - lo
    return np.where(g >= 0.5, hi - diff * (1.0 - g), lo + diff * g)


def shift_function(
    a_values: np.ndarray,
    b_values: np.ndarray,
    quantiles: Sequence[float] = DECILES,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    random_state: int | np.random.Generator | None = None,
) -> ShiftFunction:
    """Wilcox's shift function of B against A with a simultaneous bootstrap band.

    Parameters
    ----------
    a_values, b_values : numpy.ndarray
        Request values of the baseline A and of the run B (NaN ignored).
    quantiles : sequence of float
        Quantiles in (0, 1), default the deciles 0.1 … 0.9.
    confidence_level : float
        Simultaneous coverage of the band.
    n_resamples : int
        Bootstrap resamples per sample.
    random_state : None, int or numpy.random.Generator
        As for `bootstrap_ci`.

    Returns
    -------
    ShiftFunction
        Q_A(q), Q_B(q), Q_B(q) − Q_A(q) and a band [ci_low, ci_high] that covers the true
        differences at all the quantiles at once with probability `confidence_level`
        (bootstrap max-|t|, see the module docstring).
    """
    bs.check_method("percentile", confidence_level, n_resamples)
    qs = np.asarray(quantiles, dtype=np.float64).ravel()
    if len(qs) == 0 or np.any(~np.isfinite(qs)) or np.any((qs <= 0.0) | (qs >= 1.0)):
        raise ValueError(f"quantiles must be numbers strictly between 0 and 1, got {quantiles!r}")
    order = np.argsort(qs)
    qs = qs[order]
    xa, xb = bs.sorted_finite(a_values), bs.sorted_finite(b_values)
    nan = np.full(len(qs), np.nan)
    if len(xa) < 2 or len(xb) < 2:
        return ShiftFunction(
            qs,
            nan,
            nan.copy(),
            nan.copy(),
            nan.copy(),
            nan.copy(),
            float("nan"),
            float(confidence_level),
        )
    rng = bs.make_rng(random_state)
    seeds_a, seeds_b = bs.draw_seeds(rng), bs.draw_seeds(rng)
    qa = np.array([bs.quantile_sorted(xa, q) for q in qs])  # np.quantile, bit for bit
    qb = np.array([bs.quantile_sorted(xb, q) for q in qs])
    diff = qb - qa
    reps = quantile_replicates(xb, qs, n_resamples, seeds_b) - quantile_replicates(
        xa, qs, n_resamples, seeds_a
    )
    sd = reps.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.abs(reps - diff) / sd
    t = np.where(sd > 0.0, t, 0.0)
    crit = float(np.quantile(t.max(axis=1), confidence_level))
    return ShiftFunction(
        qs, qa, qb, diff, diff - crit * sd, diff + crit * sd, crit, float(confidence_level)
    )
