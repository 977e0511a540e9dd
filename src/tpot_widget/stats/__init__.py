"""The statistics engine: bootstrap CIs of medians, quantiles and means, pure numpy/Numba.

The statistics themselves (names, labels, kernels) are registered in `statistics`.

Array-level API (no Runs, no pandas): `bootstrap_ci`, `difference_ci`, `mann_whitney_p`,
the building blocks `estimate`/`replicates`/`jackknife`/`interval`, the brush helper
`SortedSelector` (with O(1) range `moments` for the live mean: `replicates_from_moments`),
arms of repeated runs (`arm_ci`, `arm_difference`), matched workloads
(`matched_difference`, `confounding`), effect sizes (`probability_faster`,
`hodges_lehmann`), `holm`, Wilcox's `shift_function`, the fewest values an interval needs
(`minimum_sample_size`), SLO attainment (`slo_summary`, `clopper_pearson_interval`), and
`warm_up()` which compiles every Numba kernel on tiny inputs.
"""

from __future__ import annotations

import numpy as np

from . import kernels, statistics
from .arms import ArmDifference, ArmInterval, arm_ci, arm_difference
from .bootstrap import (
    METHODS,
    DifferenceInterval,
    Interval,
    acceleration,
    bootstrap_ci,
    difference_ci,
    difference_from_replicates,
    draw_seeds,
    estimate,
    interval,
    jackknife,
    make_rng,
    replicates,
    replicates_from_moments,
    sorted_finite,
)
from .effects import (
    ShiftEstimate,
    hodges_lehmann,
    holm,
    kth_pairwise_difference,
    kth_pairwise_differences,
    probability_faster,
)
from .mannwhitney import mann_whitney, mann_whitney_p
from .matched import Confounding, MatchedDifference, confounding, matched_difference
from .moments import (
    MomentPrefix,
    Moments,
    cornish_fisher_applies,
    mean_acceleration,
    mean_difference_acceleration,
    mean_replicates_from_moments,
    welch_p,
)
from .order import describe_minimum, minimum_sample_size
from .selection import SortedSelector, select_sorted
from .shift import ShiftFunction, quantile_replicates, shift_function
from .slo import (
    SLOVerdict,
    attainment_verdict,
    clopper_pearson_interval,
    goodput,
    newcombe_difference,
    run_duration,
    slo_met,
    slo_summary,
    wilson_interval,
)
from .statistics import Statistic, parse_statistic
from .warmup import TimeQuantiles, detect_warm_up, rolling_quantiles

__all__ = [
    "METHODS",
    "ArmDifference",
    "ArmInterval",
    "Confounding",
    "DifferenceInterval",
    "Interval",
    "MatchedDifference",
    "MomentPrefix",
    "Moments",
    "SLOVerdict",
    "ShiftEstimate",
    "ShiftFunction",
    "SortedSelector",
    "Statistic",
    "TimeQuantiles",
    "acceleration",
    "arm_ci",
    "arm_difference",
    "attainment_verdict",
    "bootstrap_ci",
    "clopper_pearson_interval",
    "compiled_kernels",
    "confounding",
    "cornish_fisher_applies",
    "describe_minimum",
    "detect_warm_up",
    "difference_ci",
    "difference_from_replicates",
    "draw_seeds",
    "estimate",
    "goodput",
    "hodges_lehmann",
    "holm",
    "interval",
    "jackknife",
    "kth_pairwise_difference",
    "kth_pairwise_differences",
    "make_rng",
    "mann_whitney",
    "mann_whitney_p",
    "matched_difference",
    "mean_acceleration",
    "mean_difference_acceleration",
    "mean_replicates_from_moments",
    "minimum_sample_size",
    "newcombe_difference",
    "parse_statistic",
    "probability_faster",
    "quantile_replicates",
    "replicates",
    "replicates_from_moments",
    "rolling_quantiles",
    "run_duration",
    "select_sorted",
    "shift_function",
    "slo_met",
    "slo_summary",
    "sorted_finite",
    "warm_up",
    "welch_p",
    "wilson_interval",
]


def compiled_kernels() -> dict[str, int]:
    """How many signatures each Numba kernel has compiled (0 everywhere right after import)."""
    return {k.py_func.__name__: len(k.signatures) for k in kernels.KERNELS}


def _array(values: list[float], writeable: bool) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = writeable
    return array


def warm_up() -> None:
    """Compile (or load from Numba's cache) every kernel, so the first brush never waits.

    Covers writeable and read-only arrays (cached selections are read-only), which Numba
    compiles separately.
    """
    seeds = np.arange(4, dtype=np.uint32)
    for writeable in (True, False):
        x = _array([1.0, 2.0, 3.0, 5.0], writeable)
        kernels.interpolated(x, 1, 0.5, True)
        kernels.order_statistic_replicates(x, 1, 0.5, True, 4, seeds)
        with statistics.PARALLEL_LOCK:
            kernels.mean_replicates(x, 4, seeds)
        kernels.select_in_range(x, _array([1.0, 2.0, 3.0, 4.0], writeable), 2.0, 3.0)
        kernels.moment_prefix_sums(x, 2.0)
        kernels.joint_order_statistic_replicates(x, np.array([1, 3], dtype=np.int64), 4, seeds)
        for other in (True, False):
            kernels.count_pairwise_le(x, _array([2.0, 4.0], other), 0.5)
            kernels.pairwise_between(x, _array([2.0, 4.0], other), -1.0, 1.0)
        for other in (True, False):
            kernels.rank_sum_with_ties(x, _array([2.0, 4.0], other))
            kernels.rank_sum_no_ties(x, _array([2.0, 4.0], other))
