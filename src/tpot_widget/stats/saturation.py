"""Did a run achieve the load it was offered? The served share of an offered rate or concurrency.

A sweep's highest levels often ask more of the server than it can serve: the client offers
16 req/s and the server completes 11, or 256 requests are meant to be in flight and the
client keeps fewer. Comparisons there are at the load actually served, so a sweep says so.

Both measures look at the *arrival window* (first to last request start), where a
benchmark's load is held, so that the ramp-down after the last start (up to one request
latency, often a large share of a short run) does not count as a shortfall:

- **rate** (open loop): requests completed per second in the middle half of the arrival
  window, divided by the offered rate. A server that keeps up completes, in any stretch of
  the steady state, as many requests as arrive; a saturated one completes fewer (its queue
  grows). The middle half keeps the first completions (one latency after the first start)
  out of the count.
- **concurrency** (closed loop): the time-average number of requests in flight over the
  arrival window (each request counted for the part of its E2E latency inside the window),
  divided by the offered concurrency. A closed-loop client keeps every slot busy until its
  last start; fewer in flight means the client could not hold the level.

A level is *saturated* when its share is below `SATURATED_BELOW`; with fewer than
`MIN_REQUESTS` timed requests no claim is made (None).
"""

from __future__ import annotations

import math

import numpy as np

#: A served share below this is reported as "did not achieve the offered load". Poisson
#: arrivals alone move the share of a 300-request run by about ±8% (1 SD); 0.85 flags a
#: clear shortfall, not noise.
SATURATED_BELOW = 0.85
#: Fewer timed requests than this: no claim about the served share.
MIN_REQUESTS = 50


def served_share(
    request_start: np.ndarray,
    time_to_last_token: np.ndarray,
    kind: str,
    offered: float | None,
) -> float | None:
    """The share of the offered load a run served (1.0 = all of it), or None if unknown.

    Parameters
    ----------
    request_start : numpy.ndarray
        Start times in seconds (NaN where unknown).
    time_to_last_token : numpy.ndarray
        E2E latencies in seconds (NaN where unknown, e.g. a failed request: it counts as
        ending at its start).
    kind : str
        "rate" or "concurrency" (other kinds offer no number to compare with: None).
    offered : float or None
        The offered rate (requests/s) or concurrency.

    Returns
    -------
    float or None
        Served / offered as described in the module docstring; None without an offered
        value, with fewer than `MIN_REQUESTS` requests that have a start time, or when the
        requests all started at once.
    """
    if kind not in ("rate", "concurrency") or offered is None or not offered > 0:
        return None
    start = np.asarray(request_start, dtype=np.float64)
    e2e = np.asarray(time_to_last_token, dtype=np.float64)
    known = np.isfinite(start)
    if int(known.sum()) < MIN_REQUESTS:
        return None
    start, e2e = start[known], e2e[known]
    end = start + np.where(np.isfinite(e2e), e2e, 0.0)
    first, last = float(start.min()), float(start.max())
    window = last - first
    if not window > 0.0:
        return None
    if kind == "concurrency":
        inside = np.clip(np.minimum(end, last) - np.maximum(start, first), 0.0, None)
        return float(inside.sum() / window / offered)
    lo, hi = first + window / 4.0, first + 3.0 * window / 4.0
    completed = int(np.count_nonzero((end >= lo) & (end < hi)))
    share = completed / (hi - lo) / offered
    return share if math.isfinite(share) else None
