"""The notes of a comparison: what its intervals cover and what to watch, in words.

Every interval says what it covers (request-to-request noise for single runs, run-to-run
variation for arms); confounded workloads and an apparent warm-up are pointed out with the
parameter that addresses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import stats
from ..display import format_threshold
from ..params import Parameters
from .results import RunEstimate

if TYPE_CHECKING:
    from .engine import Unit

#: The note every comparison of single runs carries: what its intervals cover.
REQUEST_NOISE_NOTE = (
    "Intervals cover request-to-request noise within each run only, not run-to-run "
    "variation: repeat each configuration (an Arm of several runs) before trusting a small "
    "difference."
)

#: The confound check reads at most this many evenly spaced rows per run (it is a hint).
CONFOUND_MAX_ROWS = 2_000


def _confound_sample(u: Unit, p: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """(values, output tokens) of at most ~`CONFOUND_MAX_ROWS` selected rows, evenly spaced.

    With only a token range on output tokens this reads the x-sorted rows (no pass over the
    run), so the check costs the same at 1M requests as at 10k.
    """
    if p.time_range is None and p.x_dimension == "num_tokens_output" and u.pooled.has_x:
        x, values = u.pooled.selector.x_slice(p.token_range)
    else:
        values, xs = u.usable_rows(p, ["num_tokens_output"])
        x = xs[:, 0]
    step = max(1, len(values) // CONFOUND_MAX_ROWS)
    return values[::step], x[::step]


def confound_notes(a: Unit, b: Unit, p: Parameters) -> list[str]:
    """A note when the runs' output lengths differ enough to confound the raw comparison."""
    if a.run is None or b.run is None:
        return []
    va, xa = _confound_sample(a, p)
    vb, xb = _confound_sample(b, p)
    c = stats.confounding(va, xa, vb, xb, "num_tokens_output")
    return [f"{b.name} vs {a.name}: {c.note}"] if c.confounded and c.note else []


def warm_up_hint(units: Sequence[Unit], p: Parameters) -> dict[str, Any] | None:
    """A suggested warm-up cut when no time range is set and some run shows one."""
    if p.time_range is not None:
        return None
    found = {u.name: u.pooled.warm_up_cut for u in units}
    found = {name: cut for name, cut in found.items() if cut is not None}
    if not found:
        return None
    seconds = float(max(v for v in found.values() if v is not None))
    names = ", ".join(found)
    return {
        "seconds": seconds,
        "runs": list(found),
        "message": (
            f"{names}: the first {seconds:.0f} s look like a warm-up (the rolling median is "
            f"far from the rest of the run); exclude them with time_range=({seconds:.0f}, None)?"
        ),
    }


def matched_note(a: Unit, b: Unit, how: str, d: stats.MatchedDifference) -> str:
    """What a matched difference compares and what it leaves out."""
    return (
        f"{b.name} vs {a.name} matched on {how}: the difference compares the runs on the "
        f"pooled workload of their common support; {d.n_outside_a + d.n_unmatched_a} "
        f"request(s) of {a.name} and {d.n_outside_b + d.n_unmatched_b} of {b.name} fall "
        "outside it and are left out."
    )


def general_notes(
    units: Sequence[Unit],
    p: Parameters,
    estimates: Sequence[RunEstimate],
    warm_up: dict[str, Any] | None,
) -> list[str]:
    """What the intervals cover, the threshold's meaning and the warm-up hint."""
    notes: list[str] = []
    if all(len(u.parts) == 1 for u in units):
        notes.append(REQUEST_NOISE_NOTE)
    for e in estimates:
        if e.n_runs > 1:
            share = (
                ""
                if e.between_run_share is None
                else f"; {e.between_run_share:.0%} of a run's variance is between runs"
            )
            notes.append(
                f"{e.name}: an arm of {e.n_runs} runs; its interval covers run-to-run "
                f"variation (run-level t-interval){share}."
            )
    if p.threshold is not None:
        notes.append(
            f"Verdicts use a practical threshold of {format_threshold(p.threshold)}:"
            " 'equivalent' = the relative CI lies inside it, 'inconclusive' = it crosses it."
        )
    if warm_up is not None:
        notes.append(str(warm_up["message"]))
    return notes


__all__ = [
    "CONFOUND_MAX_ROWS",
    "REQUEST_NOISE_NOTE",
    "confound_notes",
    "general_notes",
    "matched_note",
    "warm_up_hint",
]
