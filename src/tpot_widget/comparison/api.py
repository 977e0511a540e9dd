"""The public functions: `compare` (the one-call comparison) and `shift_function`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import stats
from ..params import DEFAULTS, Parameters, Range
from .engine import Comparer
from .results import Comparison
from .selection import Selection

if TYPE_CHECKING:
    import pandas as pd


def compare(
    *runs: Any,
    dimension: str = DEFAULTS.dimension,
    statistic: str = DEFAULTS.statistic,
    confidence_level: float = DEFAULTS.confidence_level,
    method: str = DEFAULTS.method,
    n_resamples: int = DEFAULTS.n_resamples,
    token_range: Range | None = None,
    x_dimension: str = DEFAULTS.x_dimension,
    time_range: Range | None = None,
    threshold: float | None = None,
    match: str | Sequence[str] | None = None,
    slo: dict[str, float | str] | None = None,
    random_state: int | np.random.Generator | None = None,
) -> Comparison:
    """Compare 2..8 runs or arms (the first is the baseline) on `statistic` of `dimension`.

    Parameters
    ----------
    *runs
        `Run`s, `Arm`s of repeated runs (a plain list of runs counts as an arm), LLMeter
        Results, paths / URLs, or 1-D arrays of `dimension` values (then ranges and matching
        are unavailable). Repeated names are made distinct (" (2)", " (3)"...).
    dimension
        The compared column, e.g. "time_per_output_token" (seconds).
    statistic
        "median", "mean", or a percentile strictly between 0 and 100 such as "p90", "p99.9".
    confidence_level
        Of every interval, in [0.5, 0.9999].
    method
        "BCa" (default) or "percentile" bootstrap intervals.
    n_resamples
        Bootstrap resamples, 100 to 1,000,000.
    token_range
        (lo, hi) on `x_dimension`, inclusive, None = open end; None = every row.
    x_dimension
        The column `token_range` selects on (default "num_tokens_output").
    time_range
        (lo, hi) on `request_start` (seconds since the run's first request), e.g. (30, None)
        to drop a 30 s warm-up. Needs runs with start times.
    threshold
        A relative practical threshold, e.g. 0.02: verdicts become "faster" / "slower" /
        "equivalent" / "inconclusive" by the relative CI against ±2%.
    match
        "num_tokens_output", "num_tokens_input" or both: compare matched workloads.
    slo
        Objectives per duration column in seconds (or texts such as "500ms"), e.g.
        ``{"time_to_first_token": 0.5, "time_per_output_token": 0.05}``: adds attainment.
    random_state
        None (the fixed seed 0: the same input always gives the same numbers), an int seed
        or a numpy Generator.

    Returns
    -------
    Comparison
        `.runs`, `.differences`, `.notes`, `.parameters`; `to_dict()` is JSON-safe.

    Notes
    -----
    An interval from single runs covers request-to-request noise only (said in `notes`);
    with arms, run-to-run variation enters the intervals.
    """
    p = Parameters.from_user(
        dimension=dimension,
        statistic=statistic,
        confidence_level=confidence_level,
        method=method,
        n_resamples=n_resamples,
        token_range=token_range,
        x_dimension=x_dimension,
        time_range=time_range,
        threshold=threshold,
        match=match,
        slo=slo,
    )
    return Comparer(runs, p.dimension, p.x_dimension).compare(p, random_state=random_state)


def shift_function(
    baseline: Any,
    run: Any,
    quantiles: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    *,
    dimension: str = DEFAULTS.dimension,
    x_dimension: str = DEFAULTS.x_dimension,
    token_range: Range | None = None,
    time_range: Range | None = None,
    match: str | Sequence[str] | None = None,
    confidence_level: float = DEFAULTS.confidence_level,
    n_resamples: int = DEFAULTS.n_resamples,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Wilcox's shift function of `run` against `baseline`: the difference at each quantile.

    Parameters
    ----------
    baseline, run
        Runs (or anything `compare` accepts: arms are pooled, arrays, paths).
    quantiles
        Quantiles in (0, 1), default the deciles.
    dimension, x_dimension, token_range, time_range, confidence_level, n_resamples,
    random_state
        As in `compare`.
    match
        Token column(s): both runs are restricted to the common support of those columns
        (the quantiles are of the matched range, not reweighted).

    Returns
    -------
    pandas.DataFrame
        Columns quantile, baseline, run, difference (run − baseline, in the dimension's
        unit), ci_low, ci_high: a simultaneous band (all quantiles covered together at
        `confidence_level`) from the order-statistic bootstrap, covering request noise.
        A change only in the tail shows as a band away from 0 at the upper quantiles only.
    """
    import pandas as pd

    p = Parameters.from_user(
        dimension=dimension,
        x_dimension=x_dimension,
        token_range=token_range,
        time_range=time_range,
        match=match,
        confidence_level=confidence_level,
        n_resamples=n_resamples,
    )
    comparer = Comparer([baseline, run], p.dimension, p.x_dimension)
    comparer.check_ranges(p.token_range, p.time_range)
    units = comparer._units
    if p.match is not None:
        xs = [u.usable_rows(p, p.match) for u in units]
        lo = np.maximum(xs[0][1].min(axis=0), xs[1][1].min(axis=0))
        hi = np.minimum(xs[0][1].max(axis=0), xs[1][1].max(axis=0))
        samples = [np.sort(v[np.all((x >= lo) & (x <= hi), axis=1) & ~np.isnan(v)]) for v, x in xs]
    else:
        samples = [u.pooled.select(Selection.of(p)) for u in units]
    s = stats.shift_function(
        samples[0],
        samples[1],
        quantiles=quantiles,
        confidence_level=p.confidence_level,
        n_resamples=p.n_resamples,
        random_state=random_state if random_state is not None else 0,
    )
    frame = pd.DataFrame(
        {
            "quantile": s.quantiles,
            "baseline": s.baseline,
            "run": s.run,
            "difference": s.difference,
            "ci_low": s.ci_low,
            "ci_high": s.ci_high,
        }
    )
    frame.attrs.update({"baseline": units[0].name, "run": units[1].name, **p.to_dict()})
    return frame
