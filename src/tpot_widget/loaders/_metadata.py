"""A run's metadata: the JSON-safe scalar fields of its tool's header, and where it stands
in a sweep (the keys `tpot_widget.sweep` reads)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..sweep import REPEAT_KEY, SWEEP_CONFIG_KEY


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


def sweep_metadata(config: str, repeat: int | None = None) -> dict[str, Any]:
    """`{"sweep_config": config, "repeat": repeat}` for a run of a sweep (no "repeat" when
    the tool runs each level once)."""
    out: dict[str, Any] = {SWEEP_CONFIG_KEY: config}
    if repeat is not None:
        out[REPEAT_KEY] = int(repeat)
    return out
