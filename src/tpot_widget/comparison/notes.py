"""The notes of a comparison: what its intervals cover and what to watch, in words.

Every interval says what it covers (request-to-request noise for single runs, run-to-run
variation for arms); confounded workloads and an apparent warm-up are pointed out with the
parameter that addresses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .. import stats
from ..display import format_threshold
from ..params import Parameters
from ..wire import WarmUpDict
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


def confound_notes(a: Unit, b: Unit, p: Parameters, need: int) -> list[str]:
    """A note when the runs' output lengths differ enough to confound the raw comparison (not
    below `need` values a side: with no verdict to confound, a hint would be noise)."""
    if a.run is None or b.run is None:
        return []
    va, xa = _confound_sample(a, p)
    vb, xb = _confound_sample(b, p)
    if min(len(va), len(vb)) < need:
        return []
    c = stats.confounding(va, xa, vb, xb, "num_tokens_output")
    return [f"{b.name} vs {a.name}: {c.note}"] if c.confounded and c.note else []


def warm_up_hint(units: Sequence[Unit], p: Parameters) -> WarmUpDict | None:
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
            f"{names}: the first {seconds:.0f} s look like a warm-up (a change-point test finds "
            "them different from the rest of the run; it flags at most "
            f"{stats.warmup.FALSE_ALARM_RATE:.0%} of steady runs); exclude them with "
            f"time_range=({seconds:.0f}, None)?"
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


#: Why an arm comparison carries no request-level effect sizes (issue 16, item 8).
ARM_EFFECTS_NOTE = (
    "Arms: no P(faster), Hodges–Lehmann shift or shift function. They compare single "
    "requests of the pooled runs, so their intervals take run-to-run variation for request "
    "noise (in A/A arms with 3% run-to-run noise the Hodges–Lehmann interval excluded 0 in "
    "about half the comparisons); the arm difference above is the run-level effect."
)


def too_few_notes(
    estimates: Sequence[RunEstimate], stat: stats.Statistic, p: Parameters, need: int
) -> list[str]:
    """A note per single run below the statistic's minimum sample (no estimate, no verdict)."""
    return [
        f"{e.name}: {e.n} request{'s' if e.n != 1 else ''} in the selection, but "
        f"{stats.describe_minimum(stat, p.confidence_level)} (fewer cannot hold the level "
        "without assuming a distribution): not enough data, no estimate and no verdict."
        for e in estimates
        if e.n < need
    ]


def arm_notes(name: str, n_given: int, a: stats.ArmInterval) -> list[str]:
    """What an arm's interval really is: which runs it uses and the method it fell back to."""
    if a.n_runs == 0:
        return [f"{name}: an arm of {n_given} runs, none with enough values: {a.note}."]
    used = f"{a.n_runs} of {n_given} runs" if a.left_out else f"{a.n_runs} runs"
    if a.method == stats.arms.REQUEST_LEVEL:
        what = (
            f"{name}: an arm of {n_given} runs with one usable; its interval is that run's "
            "request-level bootstrap and covers request noise only, not run-to-run variation"
        )
    else:
        share = (
            ""
            if a.between_run_share is None
            else f"; {a.between_run_share:.0%} of a run's variance is between runs"
        )
        what = (
            f"{name}: an arm of {used}; its interval covers run-to-run variation (run-level "
            f"t-interval on the log scale){share}"
        )
    left = f" Left out: {', '.join(a.left_out)} ({a.note})." if a.left_out else ""
    return [f"{what}.{left}"]


def arm_effect_notes() -> list[str]:
    """The note saying why arms carry no request-level effect sizes."""
    return [ARM_EFFECTS_NOTE]


def power_notes(arms: Sequence[stats.ArmInterval]) -> list[str]:
    """How little arms of 2 or 3 runs can see (the measured power table)."""
    used = [a.n_runs for a in arms if a.n_runs >= 2]
    return [stats.arms.power_note(min(used))] if used and min(used) <= 3 else []


def general_notes(
    units: Sequence[Unit],
    p: Parameters,
    estimates: Sequence[RunEstimate],
    warm_up: WarmUpDict | None,
) -> list[str]:
    """What the intervals cover, the threshold's meaning and the warm-up hint."""
    notes: list[str] = []
    if all(len(u.parts) == 1 for u in units):
        notes.append(REQUEST_NOISE_NOTE)
    if p.threshold is not None:
        notes.append(
            f"Verdicts use a practical threshold of {format_threshold(p.threshold)}:"
            " 'equivalent' = the relative CI lies inside it, 'inconclusive' = it crosses it."
        )
    if warm_up is not None:
        notes.append(str(warm_up["message"]))
    return notes


__all__ = [
    "ARM_EFFECTS_NOTE",
    "CONFOUND_MAX_ROWS",
    "REQUEST_NOISE_NOTE",
    "arm_effect_notes",
    "arm_notes",
    "confound_notes",
    "general_notes",
    "matched_note",
    "power_notes",
    "too_few_notes",
    "warm_up_hint",
]
