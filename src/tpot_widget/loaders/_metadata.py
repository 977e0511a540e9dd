"""A run's metadata taken from its tool's header: the JSON-safe scalar fields."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any


def scalar_metadata(obj: Mapping[str, Any], skip: Iterable[str] = ()) -> dict[str, Any]:
    """The JSON-safe scalar fields of a tool's run header (lists and objects left out).

    Non-finite floats become strings ("inf") so the metadata can go to the browser as JSON.
    """
    skipped = set(skip)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key in skipped or isinstance(value, (list, dict, tuple)):
            continue
        plain = value is None or isinstance(value, (str, int, bool))
        plain = plain or (isinstance(value, float) and math.isfinite(value))
        out[str(key)] = value if plain else str(value)
    return out
