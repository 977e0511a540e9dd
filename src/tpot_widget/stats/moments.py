"""The live mean: moments of any token range in O(1) and the bootstrap of a mean from them.

A run's rows are sorted by x once; compensated prefix sums of (v − c)^k, k = 1..4, with c a
per-run reference value (its median, so the powers stay small and cancel little), give any
range's count, mean and central sums Σ(v − v̄)^k in O(1). The bootstrap distribution of a
mean of n resampled rows has cumulants

    κ1 = v̄,  κ2 = m2 / n,  κ3 = m3 / n²,  κ4 = (m4 − 3 m2²) / n³

(m_k the sample's central moments Σ(v − v̄)^k / n): its skewness γ1 = κ3 / κ2^{3/2} shrinks
like 1/√n and its excess kurtosis γ2 = κ4 / κ2² like 1/n. The second-order Cornish–Fisher
expansion maps standard normal draws z to draws of that distribution,

    w = z + (z² − 1) γ1 / 6 + (z³ − 3z) γ2 / 24 − (2z³ − 5z) γ1² / 36,  replicate = κ1 + √κ2 · w,

with an error of order n^{-3/2}. It is used when n ≥ CF_MIN_N and |γ1|, |γ2| ≤ CF_MAX_GAMMA
(`cornish_fisher_applies`); there the neglected terms (γ1³, γ1·γ2, κ5/κ2^{5/2}) shift a 95 %
endpoint by well under 1 % of the bootstrap SD, while the Monte-Carlo error of an endpoint
from 9999 replicates is about 3 % of it. Elsewhere the rows are resampled exactly (cheap
at such n). BCa's acceleration of a mean has the closed form a = m3 / (6 m2^{3/2}) · n^{-1/2}
= Σ(v − v̄)³ / (6 (Σ(v − v̄)²)^{3/2}), which is exactly scipy's jackknife value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import kernels

#: Smallest sample whose mean is bootstrapped by Cornish–Fisher instead of resampling rows.
CF_MIN_N = 500
#: Largest |skewness| and |excess kurtosis| of the resampling distribution of the mean
#: for which the Cornish–Fisher draws stand in for resampling.
CF_MAX_GAMMA = 0.25


@dataclass(frozen=True)
class Moments:
    """Count, mean and central sums Σ(v − mean)^k (k = 2, 3, 4) of a sample.

    Enough to bootstrap its mean (`mean_replicates_from_moments`), to compute BCa's
    acceleration (`mean_acceleration`) and Welch's test (`welch_p`) without the rows.
    """

    n: int
    mean: float
    s2: float
    s3: float
    s4: float

    @classmethod
    def from_values(cls, values: np.ndarray) -> Moments:
        """Two-pass moments of the non-NaN values (the accurate reference)."""
        x = np.asarray(values, dtype=np.float64)
        x = x[~np.isnan(x)]
        n = len(x)
        if n == 0:
            return cls(0, math.nan, 0.0, 0.0, 0.0)
        mean = float(np.mean(x))
        d = x - mean
        d2 = d * d
        return cls(n, mean, float(d2.sum()), float((d2 * d).sum()), float((d2 * d2).sum()))

    def variance(self, ddof: int = 1) -> float:
        """Σ(v − mean)² / (n − ddof); NaN when n ≤ ddof."""
        return self.s2 / (self.n - ddof) if self.n > ddof else math.nan


def resampling_cumulants(m: Moments) -> tuple[float, float, float, float]:
    """(mean, variance, skewness, excess kurtosis) of the bootstrap distribution of the mean."""
    n = m.n
    m2, m3, m4 = m.s2 / n, m.s3 / n, m.s4 / n
    var = m2 / n
    if not var > 0.0:
        return m.mean, 0.0, 0.0, 0.0
    gamma1 = (m3 / m2**1.5) / math.sqrt(n)
    gamma2 = (m4 / (m2 * m2) - 3.0) / n
    return m.mean, var, gamma1, gamma2


def cornish_fisher_applies(m: Moments) -> bool:
    """Whether `mean_replicates_from_moments` may stand in for resampling rows (see module)."""
    if m.n < CF_MIN_N:
        return False
    _, var, g1, g2 = resampling_cumulants(m)
    return var == 0.0 or (abs(g1) <= CF_MAX_GAMMA and abs(g2) <= CF_MAX_GAMMA)


def mean_replicates_from_moments(m: Moments, n_resamples: int, seeds: np.ndarray) -> np.ndarray:
    """`n_resamples` draws of the bootstrap distribution of the mean, by Cornish–Fisher.

    Parameters
    ----------
    m : Moments
        The sample's moments (n ≥ 1).
    n_resamples : int
        How many replicates.
    seeds : numpy.ndarray
        The sample's N_CHUNKS uint32 seeds (as for `replicates`); same seeds, same draws.

    Returns
    -------
    numpy.ndarray
        Replicates whose distribution matches the exact bootstrap distribution of the
        sample mean up to O(n^{-3/2}) (meant for `cornish_fisher_applies(m)`), so that
        percentile and BCa intervals from them cover what resampling's intervals cover.
    """
    mean, var, g1, g2 = resampling_cumulants(m)
    if var == 0.0:
        return np.full(int(n_resamples), mean)
    rng = np.random.default_rng([int(s) for s in seeds])
    z = rng.standard_normal(int(n_resamples))
    z2 = z * z
    w = z + (z2 - 1.0) * (g1 / 6.0) + z * (z2 - 3.0) * (g2 / 24.0)
    w -= z * (2.0 * z2 - 5.0) * (g1 * g1 / 36.0)
    return mean + math.sqrt(var) * w


def mean_acceleration(m: Moments) -> float:
    """BCa acceleration of a one-sample mean: Σd³ / (6 (Σd²)^{3/2}), scipy's jackknife value."""
    if not m.s2 > 0.0:
        return 0.0
    return m.s3 / (6.0 * m.s2**1.5)


def mean_difference_acceleration(a: Moments, b: Moments, relative: bool = False) -> float:
    """BCa acceleration of mean(b) − mean(a) (or mean(b) / mean(a) − 1), as scipy sums it.

    scipy's two-sample jackknife leaves one row out of one sample; for the difference each
    left-out row contributes ±(v − v̄), exactly. For the ratio the contributions are the
    first-order (delta-method) terms, b: (v − v̄_b) / v̄_a, a: −(v − v̄_a) · v̄_b / v̄_a²,
    whose relative error is O(CV / n) — far below what moves an endpoint.
    """
    ka, kb = (-1.0, 1.0) if not relative else (-b.mean / a.mean**2, 1.0 / a.mean)
    num = ka**3 * a.s3 / a.n**3 + kb**3 * b.s3 / b.n**3
    den = ka**2 * a.s2 / a.n**2 + kb**2 * b.s2 / b.n**2
    if not den > 0.0 or not math.isfinite(num):
        return 0.0
    return num / (6.0 * den**1.5)


def welch_p(a: Moments, b: Moments) -> float | None:
    """Two-sided p-value of Welch's t-test of equal means, from moments; None if n < 2."""
    from scipy import stats as sps

    if a.n < 2 or b.n < 2:
        return None
    va, vb = a.variance() / a.n, b.variance() / b.n
    se2 = va + vb
    if not se2 > 0.0:
        return 1.0 if a.mean == b.mean else 0.0
    t = (b.mean - a.mean) / math.sqrt(se2)
    df = se2 * se2 / (va * va / (a.n - 1) + vb * vb / (b.n - 1))
    return float(2.0 * sps.t.sf(abs(t), df))


#: A range whose Σ(v − v̄)² is below this fraction of Σ(v − c)² is constant up to rounding.
_CANCELLED = 1e-12


class MomentPrefix:
    """Compensated prefix sums of (v − c)^k over values in a fixed order (x-sorted rows).

    `range(start, stop)` gives the moments of values[start:stop] in O(1). c is the median
    of the values, so a range's powers stay of the order of its spread; the sums are
    Neumaier-compensated in float64, so a range's sums carry an absolute error of a few
    ulps of the run's totals.
    """

    def __init__(self, values: np.ndarray) -> None:
        v = np.ascontiguousarray(values, dtype=np.float64)
        self.n = len(v)
        self.reference = float(np.median(v)) if len(v) else 0.0
        self._prefix = kernels.moment_prefix_sums(v, self.reference)

    def range(self, start: int, stop: int) -> Moments:
        """Moments of values[start:stop]."""
        n = stop - start
        if n <= 0:
            return Moments(0, math.nan, 0.0, 0.0, 0.0)
        p = self._prefix
        s1, s2, s3, s4 = (float(p[k, stop] - p[k, start]) for k in range(4))
        mu = s1 / n
        mu2 = mu * mu
        c2 = s2 - n * mu2
        if c2 <= _CANCELLED * s2:  # constant range (up to rounding of the sums)
            return Moments(n, self.reference + mu, 0.0, 0.0, 0.0)
        c3 = s3 - 3.0 * mu * s2 + 2.0 * n * mu2 * mu
        c4 = max(s4 - 4.0 * mu * s3 + 6.0 * mu2 * s2 - 3.0 * n * mu2 * mu2, 0.0)
        return Moments(n, self.reference + mu, c2, c3, c4)
