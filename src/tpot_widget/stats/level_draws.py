"""A load level's sampling distribution as draws, so that levels can be combined into curves.

A sweep measures each load level in its own run(s), so the levels' estimates are
independent. Quantities that involve several levels (a value interpolated between two
levels, the load where a curve crosses a line) get their intervals from independent draws
of every level's sampling distribution, combined draw by draw:

- **a statistic of one run** (median, pNN, mean): its request-level bootstrap replicates,
  the same ones its interval came from, shifted cyclically (`Pairing`). A run's replicates
  are i.i.d. draws of its bootstrap distribution, so any order is one; but levels computed
  with the same seed draw from the same random numbers at the same positions, so as they
  come they would move together. Each level is shifted by its own offset, the offsets
  spread evenly around the circle from a random start (any two at least B / (levels + 1)
  apart), so no draw of one level is paired with one made from the same random numbers as
  another's: the independence of a full shuffle at a tenth of its cost.
- **a statistic of an arm of k ≥ 2 repeats**: the run-level t-distribution the arm's
  interval comes from, on the log scale so that every draw stays positive:
  θ̄ · exp(s / √k · T_{k−1}), s the SD of the runs' log statistics. One vector of t draws
  per degrees of freedom serves every arm, shifted per level like the replicates.
- **SLO attainment of one run** (met of n requests): Jeffreys' Beta(met + ½, n − met + ½),
  whose equal-tailed interval (`attainment_interval`) covers a binomial proportion close to
  its level from n ≈ 10 on (Brown, Cai & DasGupta 2001), never leaves [0, 1] and is not
  degenerate at 0 or 1.
- **SLO attainment of an arm**: a run-level t-distribution on the probit scale,
  Φ(z̄ + s_z / √k · T_{k−1}) around the pooled attainment, s_z the SD of the runs' probits,
  so that run-to-run variation of the attainment enters. The spread is never below what
  request noise alone gives the pooled requests (repeats that all met the SLO equally —
  all 0 %, say — have s_z = 0, yet their attainment is not known exactly), and the interval
  never narrower than the pooled requests' Jeffreys interval.

Everything is returned on the scale the curves use: the log of a statistic, the probit of
an attainment (`probit`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from .critical import t_quantile

_NORMAL = NormalDist()


def probit(p: np.ndarray | float, n: np.ndarray | float | None = None) -> np.ndarray:
    """Φ⁻¹(p), with p kept inside [½/n, 1 − ½/n] when `n` is given (a share of n requests
    that is exactly 0 or 1 has a finite probit); without `n`, p must lie in (0, 1)."""
    from scipy.special import ndtri

    p = np.asarray(p, dtype=np.float64)
    if n is not None:
        half = 0.5 / np.asarray(n, dtype=np.float64)
        p = np.clip(p, half, 1.0 - half)
    return np.asarray(ndtri(p), dtype=np.float64)


class Pairing:
    """Hands out the levels' draws so that they pair as independent (see the module notes).

    Parameters
    ----------
    rng : numpy.random.Generator
        For the random start of the offsets and the t draws.
    count : int
        How many draw vectors it will shift at most (the offsets' spacing).
    n_draws : int
        The length of every draw vector.
    """

    def __init__(self, rng: np.random.Generator, count: int, n_draws: int) -> None:
        self.rng = rng
        self.n_draws = int(n_draws)
        self._gap = max(1, self.n_draws // (count + 1))
        self._next = int(rng.integers(self.n_draws))
        self._t: dict[int, np.ndarray] = {}  # per df: its t draws twice over (read-only)

    def _offset(self) -> int:
        offset, self._next = self._next, (self._next + self._gap) % self.n_draws
        return offset

    def shifted(self, values: np.ndarray) -> np.ndarray:
        """`values` shifted cyclically by the next offset (`np.roll`'s values)."""
        return _rolled(np.asarray(values), self._offset())

    def t(self, df: int) -> np.ndarray:
        """Standard t draws with `df` degrees of freedom, shifted like any level's (a
        read-only view)."""
        if df not in self._t:
            draws = self.rng.standard_t(df, size=self.n_draws)
            twice = np.concatenate((draws, draws))
            twice.flags.writeable = False
            self._t[df] = twice
        start = self.n_draws - self._offset()  # np.roll by offset = this window of twice over
        return self._t[df][start : start + self.n_draws]


def _rolled(values: np.ndarray, offset: int) -> np.ndarray:
    """np.roll(values, offset) of a 1-D array with 0 <= offset < len(values), without its
    overhead (a sweep rolls every level's draws on every brush)."""
    if offset == 0:
        return values.copy()
    return np.concatenate((values[-offset:], values[:-offset]))


def statistic_log_draws(
    estimate: float | None,
    replicates: np.ndarray | None,
    run_estimates: Sequence[float],
    pairing: Pairing,
) -> np.ndarray | None:
    """Draws of log θ for one level (see the module docstring), or None when there are none.

    Parameters
    ----------
    estimate : float or None
        The level's estimate (an arm's: the geometric mean of its runs' statistics).
    replicates : numpy.ndarray or None
        A single run's bootstrap replicates of its statistic.
    run_estimates : sequence of float
        An arm's runs' statistics (used when `replicates` is None; needs ≥ 2).
    pairing : Pairing
        Shifts the replicates and gives the t draws (`pairing.n_draws` of them).

    Returns
    -------
    numpy.ndarray or None
        None when the level has no estimate or draws, or a statistic that is not positive
        (its log is undefined).
    """
    if estimate is None or not estimate > 0.0:
        return None
    if replicates is not None:
        reps = np.asarray(replicates, dtype=np.float64)
        if len(reps) != pairing.n_draws or not bool(np.all(reps > 0.0)):
            return None
        return np.log(pairing.shifted(reps))
    thetas = np.asarray(run_estimates, dtype=np.float64)
    if len(thetas) < 2 or not bool(np.all(thetas > 0.0)):
        return None
    k = len(thetas)
    scale = float(np.std(np.log(thetas), ddof=1)) / math.sqrt(k)
    return math.log(estimate) + scale * pairing.t(k - 1)


def statistic_log_draws_many(
    levels: Sequence[tuple[float | None, np.ndarray | None, Sequence[float]]],
    pairing: Pairing,
) -> list[np.ndarray | None]:
    """`statistic_log_draws` of every (estimate, replicates, run_estimates), in order (the
    same numbers and shifts); the arms' SDs of their log statistics computed together."""
    scales: dict[int, float] = {}
    arms_by_runs: dict[int, list[int]] = {}
    for j, (estimate, replicates, run_estimates) in enumerate(levels):
        if replicates is None and estimate is not None and estimate > 0.0:
            k = len(run_estimates)
            if k >= 2 and all(theta > 0.0 for theta in run_estimates):
                arms_by_runs.setdefault(k, []).append(j)
    for k, which in arms_by_runs.items():
        logs = np.log(np.array([levels[j][2] for j in which], dtype=np.float64))
        for j, sd in zip(which, np.std(logs, axis=1, ddof=1).tolist(), strict=True):
            scales[j] = sd / math.sqrt(k)
    out: list[np.ndarray | None] = []
    for j, (estimate, replicates, run_estimates) in enumerate(levels):
        if j in scales:
            assert estimate is not None
            out.append(math.log(estimate) + scales[j] * pairing.t(len(run_estimates) - 1))
        elif replicates is not None:
            out.append(statistic_log_draws(estimate, replicates, run_estimates, pairing))
        else:
            out.append(None)  # no estimate, a statistic ≤ 0 or fewer than 2 runs
    return out


def attainment_interval(met: int, n: int, confidence_level: float) -> tuple[float, float] | None:
    """Jeffreys' equal-tailed interval for met / n (0 when met = 0, 1 when met = n); None
    when n = 0."""
    if n <= 0:
        return None
    lo, hi = _jeffreys(np.array([met]), np.array([n]), confidence_level)
    return float(lo[0]), float(hi[0])


def attainment_probit_draws(
    met: int, n: int, n_draws: int, rng: np.random.Generator
) -> np.ndarray | None:
    """Probit draws of one run's attainment from Jeffreys' Beta (None when n = 0)."""
    if n <= 0:
        return None
    return probit(rng.beta(met + 0.5, n - met + 0.5, size=n_draws), n)


def arm_attainment(
    met: Sequence[int], n: Sequence[int], confidence_level: float
) -> tuple[float, float, float, int] | None:
    """An arm's pooled attainment with its run-level interval (probit scale t-interval).

    Returns (estimate, ci_low, ci_high, runs used), or None with fewer than 2 runs that have
    requests (then the caller uses one run's Jeffreys interval).
    """
    used = [(int(m), int(k)) for m, k in zip(met, n, strict=True) if k > 0]
    if len(used) < 2:
        return None
    total_met, total = sum(m for m, _ in used), sum(k for _, k in used)
    jeffreys = attainment_interval(total_met, total, confidence_level)
    assert jeffreys is not None  # total > 0: every used run has requests
    lo, hi = _arm_bounds(*_arm_probit(used), jeffreys, confidence_level)
    return total_met / total, lo, hi, len(used)


def _arm_bounds(
    centre: float, scale: float, df: int, jeffreys: tuple[float, float], confidence_level: float
) -> tuple[float, float]:
    """An arm's run-level t-interval on the probit scale, never narrower than the pooled
    requests' Jeffreys interval."""
    half = t_quantile(confidence_level, df) * scale
    return min(_NORMAL.cdf(centre - half), jeffreys[0]), max(
        _NORMAL.cdf(centre + half), jeffreys[1]
    )


def _arm_probit(used: Sequence[tuple[int, int]]) -> tuple[float, float, int]:
    """(probit of the pooled attainment, SE of the mean run probit, degrees of freedom)."""
    met, n = zip(*used, strict=True)
    return _arm_probits([(np.array(met, dtype=np.int64), np.array(n, dtype=np.int64))])[0]


def arm_attainment_probit_draws(
    met: Sequence[int], n: Sequence[int], pairing: Pairing
) -> np.ndarray | None:
    """Probit draws of an arm's attainment (run-level t), or None with fewer than 2 runs."""
    used = [(int(m), int(k)) for m, k in zip(met, n, strict=True) if k > 0]
    if len(used) < 2:
        return None
    centre, scale, df = _arm_probit(used)
    return centre + scale * pairing.t(df)


class LevelAttainment(NamedTuple):
    """One level's SLO attainment: estimate, interval, probit draws (None when there are
    none), and the requests it counts."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    probit_draws: np.ndarray | None
    n: int


NO_ATTAINMENT = LevelAttainment(None, None, None, None, 0)


def level_attainments(
    counts: Sequence[tuple[Sequence[int], Sequence[int]]],
    confidence_level: float,
    pairing: Pairing,
    rng: np.random.Generator,
) -> list[LevelAttainment]:
    """Every level's attainment with its interval and probit draws, at once.

    The numbers (and the order the draws are taken from `rng` and `pairing`) of, level by
    level: `arm_attainment` and `arm_attainment_probit_draws` where ≥ 2 runs have requests,
    else `attainment_interval` and `attainment_probit_draws` of the pooled counts; what
    costs per call (the runs' probits and SDs, the Beta quantiles) is computed for all
    levels together.

    Parameters
    ----------
    counts : sequence of (met, n)
        Per level, the requests meeting the SLO and the requests of each of its runs.
    confidence_level : float
        Of the intervals.
    pairing : Pairing
        Shifts the arms' t draws; `pairing.n_draws` draws per level.
    rng : numpy.random.Generator
        The single runs' Beta draws.
    """
    met = [np.asarray(m, dtype=np.int64) for m, _ in counts]
    n = [np.asarray(k, dtype=np.int64) for _, k in counts]
    used = [k > 0 for k in n]
    is_arm = [int(u.sum()) >= 2 for u in used]
    total_met = np.array([int(m[u].sum()) for m, u in zip(met, used, strict=True)], dtype=np.int64)
    total = np.array([int(k[u].sum()) for k, u in zip(n, used, strict=True)], dtype=np.int64)
    arms = _arm_probits(
        [(m[u], k[u]) for m, k, u, arm in zip(met, n, used, is_arm, strict=True) if arm]
    )
    lows, highs = _jeffreys(total_met, total, confidence_level)
    out: list[LevelAttainment] = []
    arm_index = 0
    for j, arm in enumerate(is_arm):
        tm, t_n = int(total_met[j]), int(total[j])
        if arm:
            centre, scale, df = arms[arm_index]
            arm_index += 1
            jeffreys = (float(lows[j]), float(highs[j]))
            lo, hi = _arm_bounds(centre, scale, df, jeffreys, confidence_level)
            out.append(LevelAttainment(tm / t_n, lo, hi, centre + scale * pairing.t(df), t_n))
        elif t_n == 0:
            out.append(NO_ATTAINMENT)
        else:
            draws = attainment_probit_draws(tm, t_n, pairing.n_draws, rng)
            out.append(LevelAttainment(tm / t_n, float(lows[j]), float(highs[j]), draws, t_n))
    return out


def _jeffreys(
    met: np.ndarray, n: np.ndarray, confidence_level: float
) -> tuple[np.ndarray, np.ndarray]:
    """`attainment_interval` of every (met, n) with n > 0 (NaN where n = 0)."""
    from scipy.special import betaincinv

    alpha = 1.0 - confidence_level
    ok = n > 0
    a, b = met[ok] + 0.5, n[ok] - met[ok] + 0.5
    lo = np.full(len(n), np.nan)
    hi = np.full(len(n), np.nan)
    lo[ok] = np.where(met[ok] == 0, 0.0, betaincinv(a, b, alpha / 2))
    hi[ok] = np.where(met[ok] == n[ok], 1.0, betaincinv(a, b, 1 - alpha / 2))
    return lo, hi


def _arm_probits(arms: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[tuple[float, float, int]]:
    """Per arm, from its used runs' (met, n): the probit of the pooled attainment, the SE of
    the mean run probit (never below the pooled requests' own noise) and the degrees of
    freedom; the runs' probits and SDs of arms with as many runs computed together."""
    out: list[tuple[float, float, int] | None] = [None] * len(arms)
    by_runs: dict[int, list[int]] = {}
    for j, (m, _) in enumerate(arms):
        by_runs.setdefault(len(m), []).append(j)
    for k, which in by_runs.items():
        met = np.stack([arms[j][0] for j in which])
        n = np.stack([arms[j][1] for j in which])
        z = probit(met / n, n)
        total_met, total = met.sum(axis=1), n.sum(axis=1)
        centres = probit(total_met / total, total)
        run_level = np.std(z, axis=1, ddof=1)
        for row, j in enumerate(which):
            centre, tm, t_n = float(centres[row]), int(total_met[row]), int(total[row])
            # request noise of the pooled share, on the probit scale (delta method, Jeffreys' p̃)
            shrunk = (tm + 0.5) / (t_n + 1.0)
            floor = math.sqrt(shrunk * (1.0 - shrunk) / t_n) / _NORMAL.pdf(centre)
            out[j] = (centre, max(float(run_level[row]) / math.sqrt(k), floor), k - 1)
    assert all(o is not None for o in out)
    return [o for o in out if o is not None]
