"""The one factory for synthetic test runs (every test module builds its runs here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from tpot_widget import Run


def make_run(
    name: str = "run",
    n: int = 300,
    tpot: float = 0.02,
    seed: int = 0,
    *,
    error_rate: float = 0.0,
    n_failed: int | None = None,
    sigma: float = 0.2,
    tokens: tuple[int, int] = (2, 1000),
    tpot_per_token: float = 0.0,
    duration: float | None = 60.0,
    warm_up: tuple[float, float] | None = None,
    ttft: tuple[float, float] = (0.05, 0.3),
    output_tokens: np.ndarray | None = None,
    tpot_of: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    format: str = "synthetic",
    source: str | None = None,
    error_text: str = "HTTP 500",
    failed_keep_timings: bool = False,
    columns: Mapping[str, Sequence[Any]] | None = None,
    metadata: Mapping[str, Any] | None = None,
    load: Any = None,
) -> Run:
    """A Run whose TPOT is lognormal around `tpot` seconds (median), seeded.

    Parameters
    ----------
    name, n, tpot, seed
        Name, requests, median TPOT in seconds, random seed.
    error_rate, n_failed
        Failed requests (E2E NaN, error "HTTP 500"): a random share, or an exact count.
    error_text, failed_keep_timings
        The failed requests' error text; True keeps their timings (some tools report
        numbers for failed requests: they must be excluded all the same).
    sigma
        Lognormal spread of TPOT.
    tokens, output_tokens
        Output token counts: uniform integers in [lo, hi), or given exactly.
    tpot_per_token
        TPOT grows by this many seconds per output token (a workload confound).
    duration
        Request starts spread uniformly over this many seconds (None: no start times).
    warm_up
        (seconds, factor): requests starting in the first `seconds` are `factor` x slower.
    ttft
        TTFT uniform in this range, seconds.
    tpot_of
        Overrides TPOT: a function of (output tokens, rng).
    format, source
        The Run's `format` and `source` (e.g. "vllm" and a path, to look like a measured run).
    columns
        Exact per-request values by `Run.from_columns` keyword (e.g. None in chosen rows,
        an ``error`` column mixing None, "" and texts); they replace the generated columns
        and set `n` to their length.
    metadata, load
        The Run's `metadata` (e.g. ``{"sweep_config": "A", "repeat": 0}``) and load level
        (e.g. "concurrency=16").
    """
    rng = np.random.default_rng(seed)
    if columns:
        n = len(next(iter(columns.values())))
    out = (
        np.asarray(output_tokens, dtype=float)
        if output_tokens is not None
        else rng.integers(tokens[0], tokens[1], n).astype(float)
    )
    n = len(out)
    first = rng.uniform(ttft[0], ttft[1], n)
    if tpot_of is not None:
        per_token = tpot_of(out, rng)
    else:
        per_token = tpot * rng.lognormal(0, sigma, n) + tpot_per_token * out
    start = None if duration is None else np.sort(rng.uniform(0, duration, n))
    if warm_up is not None and start is not None:
        per_token = np.where(start < warm_up[0], per_token * warm_up[1], per_token)
    e2e = first + per_token * (out - 1)
    if n_failed is not None:
        failed = np.zeros(n, dtype=bool)
        failed[rng.choice(n, size=n_failed, replace=False)] = True
    else:
        failed = rng.random(n) < error_rate
    errors = np.where(failed, error_text, None)
    if not failed_keep_timings:
        e2e[failed] = np.nan
    generated: dict[str, Any] = {
        "time_to_first_token": first,
        "time_to_last_token": e2e,
        "num_tokens_output": out,
        "num_tokens_input": rng.integers(50, 2000, n).astype(float),
        "request_start": start,
        "error": errors,
    }
    return Run.from_columns(
        name,
        **(generated | dict(columns or {})),
        format=format,
        source=source,
        metadata=metadata,
        load=load,
    )


def make_queued_run(name: str, rate: float, capacity: float, n: int = 600, **kwargs: Any) -> Run:
    """An open-loop run offered `rate` req/s against a FIFO server completing `capacity` req/s
    (saturated when rate > capacity: requests queue and complete at `capacity`), at load
    "rate=<rate>"; 100 output tokens each, TTFT a tenth of E2E. `kwargs` go to `make_run`."""
    start = np.arange(n) / rate
    end = np.empty(n)
    free = 0.0
    for i, s in enumerate(start):
        free = max(s, free) + 1.0 / capacity
        end[i] = free
    e2e = end - start
    columns = {
        "request_start": start,
        "time_to_last_token": e2e,
        "time_to_first_token": 0.1 * e2e,
        "num_tokens_output": np.full(n, 100.0),
    }
    return make_run(name, load=f"rate={rate:g}", columns=columns, **kwargs)


def make_sweep(
    name: str,
    levels: Sequence[Any],
    tpot: float | Callable[[Any], float] = 0.02,
    *,
    repeats: int = 1,
    seed: int = 0,
    n: int = 300,
    **kwargs: Any,
) -> Any:
    """A `Sweep` named `name` of `make_run` runs, `repeats` per level.

    `levels` are load texts ("concurrency=4", "rate=2", "synchronous", "throughput") or
    numbers (concurrency levels). A rate level's requests start over n / rate seconds, so it
    achieves about its offered rate (synchronous: 0.5 requests/s, throughput: 20; less where
    the last requests' latencies stretch the run). `tpot` is
    the median TPOT in seconds, or a function of the level (a `Load`); repeat k is 2·k %
    slower. `kwargs` go to `make_run`.
    """
    from tpot_widget import Load, Sweep

    achieved = {"synchronous": 0.5, "throughput": 20.0}
    runs = []
    for i, text in enumerate(levels):
        level = Load.parse(f"concurrency={text:g}" if isinstance(text, (int, float)) else text)
        rate = level.value if level.kind == "rate" else achieved.get(level.kind)
        median = tpot(level) if callable(tpot) else tpot
        for k in range(repeats):
            options: dict[str, Any] = {"duration": n / rate} if rate is not None else {}
            runs.append(
                make_run(
                    f"{name} {level} #{k}",
                    n,
                    median * (1.0 + 0.02 * k),
                    seed + 97 * i + k,
                    load=level,
                    metadata={"sweep_config": name, "repeat": k},
                    **(options | kwargs),
                )
            )
    return Sweep(runs, name=name)
