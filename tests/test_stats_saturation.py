"""The served share of an offered load (`stats.saturation`): saturation, and not noise."""

from __future__ import annotations

import numpy as np
import pytest
from factories import queue

from tpot_widget.stats.saturation import MIN_REQUESTS, SATURATED_BELOW, served_share


def test_a_queue_serves_its_capacity_over_the_offered_rate() -> None:
    assert served_share(*queue(10.0, 6.0), "rate", 10.0) == pytest.approx(0.6, abs=0.01)
    assert served_share(*queue(4.0, 6.0), "rate", 4.0) == pytest.approx(1.0, abs=0.01)


def test_long_requests_in_a_short_run_are_not_saturation() -> None:
    # 300 requests over 30 s, each taking up to 25 s: most end after the window's middle,
    # but nothing queues (latency does not grow with start time)
    rng = np.random.default_rng(0)
    start = np.sort(rng.uniform(0, 30, 300))
    share = served_share(start, rng.uniform(0.5, 25.0, 300), "rate", 10.0)
    assert share == pytest.approx(1.0, abs=0.1) and share > SATURATED_BELOW


def test_a_client_that_could_not_send_as_offered_is_caught() -> None:
    start = np.arange(300) / 6.0  # offered 10 req/s, sent 6
    assert served_share(start, np.full(300, 2.0), "rate", 10.0) == pytest.approx(0.6, abs=0.01)


def test_poisson_arrivals_to_a_server_that_keeps_up_are_rarely_flagged() -> None:
    rng = np.random.default_rng(1)
    flagged = 0
    for _ in range(500):
        start = np.cumsum(rng.exponential(1 / 8.0, 300))
        e2e = rng.lognormal(np.log(4.0), 0.6, 300)
        flagged += served_share(start, e2e, "rate", 8.0) < SATURATED_BELOW
    assert flagged / 500 <= 0.02


def test_closed_loop_share_is_requests_in_flight_over_the_offered_concurrency() -> None:
    latency, n = 2.0, 400
    full = np.array([(i // 8) * latency for i in range(n)])  # 8 in flight
    assert served_share(full, np.full(n, latency), "concurrency", 8) == pytest.approx(1.0)
    assert served_share(full, np.full(n, latency), "concurrency", 16) == pytest.approx(0.5)


def test_no_claim_without_an_offered_value_or_enough_timed_requests() -> None:
    start, e2e = queue(10.0, 6.0)
    assert served_share(start, e2e, "throughput", None) is None
    assert served_share(start[: MIN_REQUESTS - 1], e2e[: MIN_REQUESTS - 1], "rate", 10.0) is None
    assert served_share(np.zeros(100), np.ones(100), "rate", 10.0) is None  # all at once
