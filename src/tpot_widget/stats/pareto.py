"""Throughput against interactivity: the two axes of a serving Pareto plot, and its frontier.

A serving configuration trades aggregate throughput for speed per user: more load raises
output tokens/s of the whole server and lowers each user's. At each load level:

- **aggregate output tokens/s** (`throughput`): output tokens of the successful requests
  divided by the span from the first request start to the last request end (`run_duration`,
  the duration every goodput figure here uses); per GPU when divided by a GPU count, as
  vLLM's ``plot_pareto`` puts it on its y-axis.
- **output tokens/s per user** (`per_user_rate`): Σ output tokens / Σ E2E latency over the
  successful requests, i.e. the aggregate divided by the mean number of requests in flight
  (Little's law). vLLM's ``plot_pareto`` divides the output throughput by the configured
  concurrency, which is what this gives when the concurrency is held; guidellm's per-request
  output tokens/s (tokens / request latency) averaged with each request weighted by its
  latency is the same ratio. It is measured at any kind of load (rate levels have no
  configured concurrency).

Intervals: the per-user rate of one run has a request-level interval (the delta method for
a ratio of sums). A single run's aggregate throughput is one measurement of the server:
no interval exists without repeats. With an arm of repeats, both get a run-level
t-interval over the runs.

The frontier keeps the points no other point beats on both axes (higher is better on both).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .critical import normal_quantile, t_quantile
from .slo import run_duration


def throughput(
    num_tokens_output: np.ndarray,
    ok: np.ndarray,
    request_start: np.ndarray,
    time_to_last_token: np.ndarray,
) -> float | None:
    """Aggregate output tokens/s of the requests given (None without a duration).

    Output tokens of the `ok` requests with a token count, over `run_duration` of all the
    requests given (failed ones included: they occupied the server too).
    """
    duration = run_duration(request_start, time_to_last_token)
    if duration is None:
        return None
    tokens = np.asarray(num_tokens_output, dtype=np.float64)[np.asarray(ok, dtype=bool)]
    tokens = tokens[np.isfinite(tokens)]
    if len(tokens) == 0:
        return None
    return float(tokens.sum()) / duration


def per_user_rate(
    num_tokens_output: np.ndarray, time_to_last_token: np.ndarray, confidence_level: float
) -> tuple[float, float | None, float | None] | None:
    """Σ tokens / Σ E2E of successful requests, with its delta-method interval.

    Parameters
    ----------
    num_tokens_output, time_to_last_token : numpy.ndarray
        The successful requests' output tokens and E2E latencies (rows with either missing
        are left out).
    confidence_level : float
        Of the interval.

    Returns
    -------
    tuple or None
        (estimate, ci_low, ci_high) in output tokens/s; the interval is R ± z·SE with
        SE² = Σ(yᵢ − R·xᵢ)² / (n (n − 1) x̄²) (request-level; None below 2 requests). None
        when no request has both numbers or the latencies sum to 0.
    """
    y = np.asarray(num_tokens_output, dtype=np.float64)
    x = np.asarray(time_to_last_token, dtype=np.float64)
    keep = np.isfinite(y) & np.isfinite(x)
    y, x = y[keep], x[keep]
    n = len(y)
    if n == 0 or not x.sum() > 0.0:
        return None
    ratio = float(y.sum() / x.sum())
    if n < 2:
        return ratio, None, None
    residual = y - ratio * x
    se = math.sqrt(float(residual @ residual) / (n * (n - 1))) / float(x.mean())
    z = normal_quantile(confidence_level)
    return ratio, max(0.0, ratio - z * se), ratio + z * se


def run_level_interval(
    values: Sequence[float | None], confidence_level: float
) -> tuple[float | None, float | None, float | None]:
    """Mean of the runs' values with its t-interval (None bounds below 2 values)."""
    known = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=np.float64)
    if len(known) == 0:
        return None, None, None
    mean = float(known.mean())
    if len(known) < 2:
        return mean, None, None
    half = (
        t_quantile(confidence_level, len(known) - 1)
        * float(known.std(ddof=1))
        / math.sqrt(len(known))
    )
    return mean, mean - half, mean + half


def frontier(x: Sequence[float | None], y: Sequence[float | None]) -> list[bool]:
    """Which points no other point beats on both axes (≥ on both and > on one); a point with
    a missing coordinate is never on it."""
    points = [
        (float(a), float(b)) if a is not None and b is not None else None
        for a, b in zip(x, y, strict=True)
    ]
    out = []
    for p in points:
        if p is None:
            out.append(False)
            continue
        beaten = any(
            q is not None and q[0] >= p[0] and q[1] >= p[1] and (q[0] > p[0] or q[1] > p[1])
            for q in points
        )
        out.append(not beaten)
    return out
