"""Request start times: any tool's clock (epoch seconds or ns, ISO-8601 text, a monotonic
clock) to seconds after the run's first request."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np


def since_first_start(
    starts: Sequence[float | None], per_second: float = 1.0
) -> list[float | None]:
    """Start times → seconds after the earliest known one (None stays None).

    `per_second` is the unit of `starts` (1e9 for epoch ns); the subtraction happens
    before the division, so integer nanoseconds stay exact.
    """
    known = [s for s in starts if s is not None]
    first = min(known) if known else None
    return [None if s is None or first is None else (s - first) / per_second for s in starts]


def iso_to_epoch(values: Sequence[Any], path: Path | str) -> np.ndarray:
    """ISO-8601 timestamps (str or datetime; None allowed) → epoch seconds, NaN if missing.

    Naive times are taken as UTC. Unparsable ones become NaN with one warning. Repeated
    strings (LLMeter writes whole seconds) are parsed once.
    """
    cache: dict[Any, float] = {}
    bad = 0
    for value in set(values):
        if value is None:
            cache[value] = math.nan
            continue
        try:
            if isinstance(value, datetime):
                moment = value
            else:
                text = str(value).strip()
                if text.endswith(("Z", "z")):
                    text = text[:-1] + "+00:00"
                moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            cache[value] = moment.timestamp()
        except (TypeError, ValueError):
            cache[value] = math.nan
            bad += 1
    if bad:
        warnings.warn(
            f"{path}: {bad} distinct timestamp value(s) could not be read as ISO-8601; "
            "their requests have no start time",
            stacklevel=2,
        )
    return np.fromiter((cache[v] for v in values), dtype=np.float64, count=len(values))


def seconds_since_first(times: np.ndarray) -> np.ndarray:
    """Times (any origin, seconds) → seconds since the earliest one; all-NaN stays NaN."""
    times = np.where(np.isfinite(times), np.asarray(times, dtype=np.float64), np.nan)
    if np.isnan(times).all():
        return times
    return times - np.nanmin(times)
