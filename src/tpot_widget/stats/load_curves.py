"""Curves over load levels: interpolation on log load, and where a curve first leaves a region.

A sweep measures a few load levels; between them a curve is drawn as a straight line in
log load (levels are usually spaced by a factor, and TPOT or attainment change smoothly on
that scale). Two questions are answered on such curves:

- **interpolation**: the value at a load between two levels (`interpolate`), e.g. a
  configuration's log TPOT at another configuration's level;
- **first exit**: the lowest load at which a curve leaves the region it starts in
  (`first_exit`), e.g. where log(θ_B / θ_A) stops being negative (B stops being faster) or
  where the probit of SLO attainment falls below the target's (the max load within the SLO).
  The exit is interpolated between the last level inside and the first level outside.

Both apply the same arithmetic to each of a level's draws (`stats.level_draws`): the
interval of an exit is the percentile interval of the exits of the draws. A draw that never
leaves counts as exiting above the highest level, one that starts outside as exiting below
the lowest, so the interval can be open on either side ("beyond the sweep"). The intervals
cover the levels' sampling noise; the straight line between two levels is an assumption
they do not cover (closer levels make it matter less).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

ExitStatus = Literal["within", "never left", "never inside", "no points"]


def interpolate(log_x: np.ndarray, values: np.ndarray, log_x_new: float) -> np.ndarray:
    """The values at `log_x_new`, linear in log x between the neighbouring points.

    Parameters
    ----------
    log_x : numpy.ndarray
        Strictly increasing log positions of the points (m of them).
    values : numpy.ndarray
        Shape (m,) or (m, draws): each point's value or draws.
    log_x_new : float
        Inside [log_x[0], log_x[-1]] (a ValueError otherwise: no extrapolation).

    Returns
    -------
    numpy.ndarray
        Shape () or (draws,); exactly a point's values at its own position.
    """
    log_x = np.asarray(log_x, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if not log_x[0] <= log_x_new <= log_x[-1]:
        raise ValueError(
            f"cannot interpolate at {math.exp(log_x_new):g}: outside the levels "
            f"[{math.exp(log_x[0]):g}, {math.exp(log_x[-1]):g}] (no extrapolation)"
        )
    j = int(np.searchsorted(log_x, log_x_new, side="left"))
    if log_x[j] == log_x_new:
        return values[j]
    w = (log_x_new - log_x[j - 1]) / (log_x[j] - log_x[j - 1])
    return (1.0 - w) * values[j - 1] + w * values[j]


@dataclass(frozen=True)
class CurveExit:
    """Where a curve first leaves its region, with a percentile interval (in x, not log x).

    `status`: "within" (it leaves between two points: `estimate` is set), "never left"
    (inside at every point: no estimate, the exit is above the highest point), "never
    inside" (outside already at the lowest point: below it), "no points". `ci_low` /
    `ci_high` are None when the interval is open on that side (`open_low` / `open_high`:
    the draws put the exit beyond the points) or there are no points; an interval wholly
    above the highest point is (highest point, open), one wholly below the lowest
    (open, lowest point).
    """

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    status: ExitStatus
    open_low: bool
    open_high: bool


def _exits(log_x: np.ndarray, g: np.ndarray, inclusive: bool) -> np.ndarray:
    """Log x of the first exit of each column of g (points × columns); ∓inf outside/never."""
    outside = g > 0.0 if inclusive else g >= 0.0
    first = np.argmax(outside, axis=0)
    left = outside.any(axis=0)
    out = np.full(g.shape[1], math.inf)
    out[left & (first == 0)] = -math.inf
    cols = np.flatnonzero(left & (first > 0))
    i = first[cols] - 1
    g_in, g_out = g[i, cols], g[i + 1, cols]
    share = np.where(g_out != g_in, g_in / (g_in - g_out), 0.0)
    out[cols] = log_x[i] + (log_x[i + 1] - log_x[i]) * share
    return out


def first_exit(
    log_x: np.ndarray,
    estimate: np.ndarray,
    draws: np.ndarray,
    confidence_level: float,
    *,
    inclusive: bool = False,
) -> CurveExit:
    """The lowest x at which the curve g leaves "inside" (g < 0; g ≤ 0 when `inclusive`).

    Parameters
    ----------
    log_x : numpy.ndarray
        Increasing log positions of the m points (equal positions allowed).
    estimate : numpy.ndarray
        The curve's value at each point, shape (m,).
    draws : numpy.ndarray
        Independent draws of the curve, shape (m, draws).
    confidence_level : float
        Of the percentile interval.
    inclusive : bool
        Whether g = 0 counts as inside.

    Returns
    -------
    CurveExit
        The exit of `estimate` (interpolated linearly in log x between the last point
        inside and the first outside) and the percentile interval of the draws' exits.
    """
    log_x = np.asarray(log_x, dtype=np.float64)
    if len(log_x) == 0:
        return CurveExit(None, None, None, "no points", False, False)
    point = float(_exits(log_x, np.asarray(estimate, dtype=np.float64)[:, None], inclusive)[0])
    status: ExitStatus = (
        "never inside" if point == -math.inf else "never left" if point == math.inf else "within"
    )
    exits = _exits(log_x, np.asarray(draws, dtype=np.float64), inclusive)
    b = len(exits)
    alpha = (1.0 - confidence_level) / 2.0
    ranks = [min(b - 1, math.floor(alpha * b)), max(0, math.ceil((1.0 - alpha) * b) - 1)]
    exits = np.partition(exits, ranks)  # the two order statistics, as a full sort gives them
    lo, hi = float(exits[ranks[0]]), float(exits[ranks[1]])
    # an interval wholly beyond the points is bounded by the nearest point on its near side
    lo = min(lo, float(log_x[-1]))
    hi = max(hi, float(log_x[0]))
    return CurveExit(
        estimate=math.exp(point) if status == "within" else None,
        ci_low=math.exp(lo) if math.isfinite(lo) else None,
        ci_high=math.exp(hi) if math.isfinite(hi) else None,
        status=status,
        open_low=lo == -math.inf,
        open_high=hi == math.inf,
    )
