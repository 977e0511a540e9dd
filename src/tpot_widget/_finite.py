"""A number as the JSON-safe contract holds it (`wire`): a Python float, or None where there
is no finite value. Statistics, comparisons and loads all report their numbers through it."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["clean"]


def clean(value: Any) -> float | None:
    """A Python float, or None for None/NaN/inf (the JSON-safe contract)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
