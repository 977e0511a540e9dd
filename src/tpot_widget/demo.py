"""Synthetic, seeded demo runs: two serving configurations of one model, clearly labelled.

The shapes mimic real LLM serving: output lengths are a mix of short and long answers,
TPOT is lognormal and grows slowly with the output length (longer decodes share the batch
with more requests), TTFT has a heavy tail, a few requests fail. Configuration B is faster
on long outputs and about the same on short ones, so brushing the token range matters.

`demo_sweeps()` gives two configurations swept over 12 concurrency levels with repeats:
the candidate (speculative decoding) is faster at low load and slower past a crossing, and
TPOT and TTFT rise with load until an SLO is missed.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np

from .run import Run

if TYPE_CHECKING:
    from .arm import Arm
    from .sweep import Sweep

#: Every demo run's name starts with this, so nobody mistakes it for a measurement.
SYNTHETIC_PREFIX = "synthetic: "


def _demo_run(
    name: str,
    n: int,
    rng: np.random.Generator,
    *,
    tpot_short_s: float,
    tpot_long_s: float,
    error_rate: float,
) -> Run:
    """One synthetic run of `n` requests."""
    long = rng.random(n) < 0.45
    output = np.where(
        long,
        rng.lognormal(np.log(600), 0.35, n),
        rng.lognormal(np.log(120), 0.6, n),
    )
    output = np.clip(np.round(output), 1, 4096)
    inputs = np.clip(np.round(rng.lognormal(np.log(900), 0.7, n)), 8, 32000)
    # TPOT median drifts from tpot_short_s (few tokens) to tpot_long_s (~1000 tokens).
    weight = np.clip(np.log(output) / np.log(1000), 0, 1.2)
    tpot_median = tpot_short_s + (tpot_long_s - tpot_short_s) * weight
    tpot = tpot_median * rng.lognormal(0.0, 0.18, n)
    ttft = 0.04 + inputs * 2.5e-5 + rng.gamma(1.5, 0.05, n)
    e2e = ttft + tpot * np.maximum(output - 1, 0)
    starts = np.sort(rng.uniform(0, n / 20.0, n))  # about 20 requests per second
    failed = rng.random(n) < error_rate
    errors = np.where(
        failed,
        rng.choice(
            np.array(
                ["ReadTimeout: no first token within 60 s", "HTTP 503: server overloaded"],
                dtype=object,
            ),
            n,
        ),
        np.array(None, dtype=object),
    )
    for column in (ttft, e2e, output):
        column[failed] = np.nan
    return Run.from_columns(
        SYNTHETIC_PREFIX + name,
        time_to_first_token=ttft,
        time_to_last_token=e2e,
        num_tokens_output=output,
        num_tokens_input=inputs,
        request_start=starts,
        error=errors,
        format="demo",
        metadata={"synthetic": True, "generator": "tpot_widget.demo", "n_requests": n},
    )


def demo_runs(n: int = 5000, seed: int = 0) -> list[Run]:
    """Two synthetic runs (baseline, candidate) of `n` requests each, reproducible by `seed`."""
    rng = np.random.default_rng(seed)
    baseline = _demo_run(
        "baseline (TP=1, max_num_seqs=256)",
        n,
        rng,
        tpot_short_s=0.018,
        tpot_long_s=0.026,
        error_rate=0.01,
    )
    candidate = _demo_run(
        "candidate (TP=1, max_num_seqs=128)",
        n,
        rng,
        tpot_short_s=0.0182,
        tpot_long_s=0.022,
        error_rate=0.015,
    )
    return [baseline, candidate]


def demo_arms(n_runs: int = 3, n: int = 2000, seed: int = 0, run_effect: float = 0.04) -> list[Arm]:
    """Two arms of `n_runs` synthetic repeated runs each, with a run-to-run effect.

    Each repeat's speed is scaled by a lognormal(0, `run_effect`) factor, as repeated
    benchmark runs of one configuration differ; returns `[Arm(baseline), Arm(candidate)]`.
    """
    from .arm import Arm

    rng = np.random.default_rng(seed)
    arms = []
    for label, short, long in (
        ("baseline (TP=1, max_num_seqs=256)", 0.018, 0.026),
        ("candidate (TP=1, max_num_seqs=128)", 0.0182, 0.022),
    ):
        runs = []
        for i in range(n_runs):
            scale = float(rng.lognormal(0.0, run_effect))
            runs.append(
                _demo_run(
                    f"{label} #{i + 1}",
                    n,
                    rng,
                    tpot_short_s=short * scale,
                    tpot_long_s=long * scale,
                    error_rate=0.01,
                )
            )
        arms.append(Arm(runs, name=SYNTHETIC_PREFIX + label))
    return arms


#: The demo sweeps' concurrency levels (vLLM's ``--max-concurrency``).
DEMO_SWEEP_LEVELS: tuple[int, ...] = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128)
#: (label, TPOT median at concurrency → 0 in s, the concurrency that doubles it): the
#: candidate starts 14% faster and slows down twice as fast; the medians cross at about 14.
_DEMO_SWEEP_CONFIGS = (
    ("baseline (TP=1)", 0.018, 48.0),
    ("candidate (TP=1, speculative decoding)", 0.0155, 28.0),
)


def _demo_sweep_run(
    name: str,
    n: int,
    rng: np.random.Generator,
    *,
    concurrency: int,
    tpot_s: float,
    ttft_scale: float,
) -> Run:
    """One closed-loop run: `concurrency` clients taking the next request of one queue as
    soon as their previous one ends (as benchmark clients do), so the start times hold that
    many requests in flight until the queue is empty."""
    output = np.clip(np.round(rng.lognormal(np.log(300), 0.7, n)), 2, 4096)
    inputs = np.clip(np.round(rng.lognormal(np.log(900), 0.7, n)), 8, 32000)
    tpot = tpot_s * (1 + 0.03 * np.log(output / 300)) * rng.lognormal(0.0, 0.18, n)
    ttft = (0.04 + inputs * 2.5e-5 + rng.gamma(1.5, 0.04, n)) * ttft_scale
    e2e = ttft + tpot * (output - 1)
    busy = e2e + rng.uniform(0.0, 0.01, n)  # each request's slot time, with client turnaround
    free = [0.0] * concurrency  # when each client is next free (a heap)
    starts = np.empty(n)
    for i in range(n):
        starts[i] = heapq.heappop(free)
        heapq.heappush(free, starts[i] + busy[i])
    failed = rng.random(n) < 0.005
    errors = np.where(failed, "HTTP 503: server overloaded", np.array(None, dtype=object))
    for column in (ttft, e2e, output):
        column[failed] = np.nan
    order = np.argsort(starts, kind="stable")
    return Run.from_columns(
        SYNTHETIC_PREFIX + name,
        time_to_first_token=ttft[order],
        time_to_last_token=e2e[order],
        num_tokens_output=output[order],
        num_tokens_input=inputs[order],
        request_start=starts[order],
        error=errors[order],
        format="demo",
        metadata={"synthetic": True, "generator": "tpot_widget.demo", "n_requests": n},
        load=("concurrency", concurrency),
    )


def demo_sweeps(n: int = 1000, repeats: int = 3, seed: int = 0) -> list[Sweep]:
    """Two synthetic configurations swept over 12 concurrency levels, `repeats` runs each.

    Parameters
    ----------
    n
        Requests per run.
    repeats
        Runs per level (each with a lognormal(0, 3%) run-to-run effect on its speed); 1
        gives single runs.
    seed
        Everything is reproducible from it.

    Returns
    -------
    list of Sweep
        ``[baseline, candidate]``, named ``"synthetic: ..."``. The candidate (speculative
        decoding) has a lower TPOT at low concurrency and a higher one past a crossing near
        14; TPOT and TTFT rise with load, so an SLO such as
        ``{"time_per_output_token": 0.030}`` is met up to a max load within the sweep.
    """
    from dataclasses import replace

    from .sweep import REPEAT_KEY, SWEEP_CONFIG_KEY, Sweep

    rng = np.random.default_rng(seed)
    sweeps = []
    for label, tpot_s, doubling in _DEMO_SWEEP_CONFIGS:
        name = SYNTHETIC_PREFIX + label
        runs = []
        for c in DEMO_SWEEP_LEVELS:
            for k in range(repeats):
                scale = float(rng.lognormal(0.0, 0.03))
                run = _demo_sweep_run(
                    f"{label} c={c} #{k + 1}",
                    n,
                    rng,
                    concurrency=c,
                    tpot_s=tpot_s * (1 + c / doubling) * scale,
                    ttft_scale=(1 + c / 32) * scale,
                )
                meta = {**run.metadata, SWEEP_CONFIG_KEY: name, REPEAT_KEY: k}
                runs.append(replace(run, metadata=meta))
        sweeps.append(Sweep(runs, name=name))
    return sweeps
