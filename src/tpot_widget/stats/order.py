"""How many requests a statistic needs before an interval at a given level can hold it.

Quantiles: a distribution-free interval of the q-quantile from n values is a pair of order
statistics [x_(r), x_(s)]; the widest, [x_(1), x_(n)], misses the quantile exactly when all
n values fall on one side of it, with probability q^n + (1 − q)^n. So an interval at level L
exists only from the smallest n with

    1 − q^n − (1 − q)^n ≥ L        (median at 95 %: 6; p90: 29; p99: 299),

and no method (bootstrap included: its replicates never leave [x_(1), x_(n)]) can do better
without assuming a distribution. Below it the honest answer is "not enough data".

The mean: no finite n makes a distribution-free interval of a mean possible (a far tail can
hold any share of it), so its minimum comes from the interval used. The bootstrap interval of
a mean is, for normal data, the z-interval with the plug-in SD (divisor n), whose miss rate is
P(|T_{n−1}| > z · √((n − 1)/n)). `minimum_sample_size` asks that it miss at most
`MEAN_MISS_FACTOR` times the nominal rate (a 95 % interval: at most 6 %), the best case;
skewed data need more. At 95 % that is 41 requests.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .critical import normal_quantile
from .statistics import Statistic, parse_statistic

#: The bootstrap interval of a mean is used from the n where, for normal data, it misses at
#: most this many times the nominal rate (1.2: a 95 % interval misses at most 6 %).
MEAN_MISS_FACTOR = 1.2
#: Beyond this many requests the search gives up (a quantile of 0 or 1 has no interval).
_LARGEST = 10**9


@lru_cache(maxsize=256)
def _quantile_minimum(q: float, confidence_level: float) -> int:
    """Smallest n with 1 − q^n − (1 − q)^n ≥ level (see module docstring)."""
    worst = max(q, 1.0 - q)
    if not 0.0 < q < 1.0:
        return _LARGEST
    # q^n + (1-q)^n ≤ 1 − L needs at least worst^n ≤ 1 − L: start there, step up
    n = max(1, math.ceil(math.log(1.0 - confidence_level) / math.log(worst)) - 1)
    while q**n + (1.0 - q) ** n > 1.0 - confidence_level + 1e-15:
        n += 1
        if n > _LARGEST:
            return _LARGEST
    return n


@lru_cache(maxsize=64)
def _mean_minimum(confidence_level: float) -> int:
    """Smallest n whose bootstrap interval of a normal mean misses ≤ MEAN_MISS_FACTOR × α."""
    from scipy import stats as sps

    alpha = 1.0 - confidence_level
    z = normal_quantile(confidence_level)
    n = 2
    while 2.0 * float(sps.t.sf(z * math.sqrt((n - 1) / n), n - 1)) > MEAN_MISS_FACTOR * alpha:
        n += 1
    return n


def minimum_sample_size(statistic: str | Statistic, confidence_level: float = 0.95) -> int:
    """The fewest values from which an interval of `statistic` can hold `confidence_level`.

    Parameters
    ----------
    statistic : str or Statistic
        "median", "mean" or a percentile "p<percent>".
    confidence_level : float, default 0.95
        The two-sided level, between 0 and 1.

    Returns
    -------
    int
        For a quantile q: the smallest n with 1 − q^n − (1 − q)^n ≥ level (median at 95 %:
        6, p90: 29, p99: 299). For the mean: the smallest n at which the bootstrap interval of
        a normal sample's mean misses at most `MEAN_MISS_FACTOR` × the nominal rate (95 %:
        41). See the module docstring.
    """
    stat = parse_statistic(statistic)
    level = float(confidence_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level!r}")
    if stat.kind == "quantile" and stat.quantile is not None:
        return _quantile_minimum(float(stat.quantile), level)
    return _mean_minimum(level)  # a moment: the mean's rule (see the module docstring)


def describe_minimum(statistic: str | Statistic, confidence_level: float) -> str:
    """In words, for notes: "the median's 95% interval needs at least 6 requests"."""
    stat = parse_statistic(statistic)
    need = minimum_sample_size(stat, confidence_level)
    return f"the {stat.name}'s {confidence_level * 100:g}% interval needs at least {need} requests"
