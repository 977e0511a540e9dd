"""Compare runs: per-run estimates with bootstrap CIs and each run against the baseline.

`compare(a, b, ...)` is the one-call form; `Comparer` prepares the runs once (sorted by the
brushed column) so the widget can recompute on every brush in milliseconds. Both give
identical numbers. Every parameter is validated by `params`, the one place that owns them.

The package, one job per module: `results` (what a comparison returns), `selection` (which
rows it looks at), `engine` (the statistics of a selection), `notes` (what they cover, in
words) and `api` (`compare`, `shift_function`).
"""

from __future__ import annotations

from .._finite import clean
from .api import compare, shift_function
from .engine import HL_MAX_ROWS, SHIFT_RESAMPLES, Comparer
from .notes import CONFOUND_MAX_ROWS, REQUEST_NOISE_NOTE
from .results import Comparison, Difference, RunEstimate, Verdict, verdict
from .selection import Selection

__all__ = [
    "CONFOUND_MAX_ROWS",
    "HL_MAX_ROWS",
    "REQUEST_NOISE_NOTE",
    "SHIFT_RESAMPLES",
    "Comparer",
    "Comparison",
    "Difference",
    "RunEstimate",
    "Selection",
    "Verdict",
    "clean",
    "compare",
    "shift_function",
    "verdict",
]
