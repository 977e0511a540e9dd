"""Did a run achieve the load it was offered? The served share of an offered rate or concurrency.

A sweep's highest levels often ask more of the server than it can serve: the client offers
16 req/s and the server completes 11, or 256 requests are meant to be in flight and the
client keeps fewer. Comparisons there are at the load actually served, so a sweep says so.

Both are measured over the *arrival window* (first to last request start), where a
benchmark holds its load:

- **rate** (open loop): the smaller of two shares. The client's: requests sent per second
  over the arrival window against the offered rate (a client capped by a maximum
  concurrency sends fewer). The server's: 1 / (1 + s), s the least-squares slope of the
  E2E latency on the start time. A server that completes μ requests/s while λ arrive
  builds a queue: a request arriving at t leaves at about t·λ/μ, so latency grows by
  λ/μ − 1 per second of the run and 1 / (1 + s) estimates μ/λ, the share it serves; a
  server that keeps up shows no trend (s ≈ 0, share 1) however long its requests take.
- **concurrency** (closed loop): the time-average number of requests in flight over the
  arrival window (each request counted for the part of its E2E latency inside the window),
  against the offered concurrency. Clients that take the next request of one queue keep
  every slot busy until the last start; fewer in flight means the client could not hold
  the level.

A level is *saturated* when its share is below `SATURATED_BELOW`; with fewer than
`MIN_REQUESTS` timed requests no claim is made (None).
"""

from __future__ import annotations

import math

import numpy as np

#: A served share below this is reported as "did not achieve the offered load". Poisson
#: arrivals alone move the client's share of a 300-request run by about ±6% (1 SD); 0.85
#: flags a clear shortfall, not noise.
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
    sent = (len(start) - 1) / window / offered
    ok = np.isfinite(e2e)
    if int(ok.sum()) < MIN_REQUESTS:
        return sent
    t, latency = start[ok], e2e[ok]
    spread = float(np.var(t))
    slope = float(np.cov(t, latency, bias=True)[0, 1]) / spread if spread > 0 else 0.0
    served = 1.0 / (1.0 + max(slope, 0.0))
    share = min(sent, served)
    return share if math.isfinite(share) else None
