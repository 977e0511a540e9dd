"""What names a run: the model it served (from request bodies or a header) and the folder
or file that tells runs of one tool apart.

Runs named alike are told apart by `tpot_widget.params.unique_names`, the one naming rule
of every surface ("x (1)", "x (2)").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Any

from ..load import Load
from ._io import data_stem


def model_in_bodies(bodies: Iterable[Any], limit: int = 50) -> str | None:
    """The `model` of the first request body (a JSON string) that names one, among the
    first `limit`; None when none does (bodies that are not JSON objects are passed over)."""
    for body in islice(bodies, limit):
        if not isinstance(body, str) or '"model"' not in body:
            continue
        try:
            model = json.loads(body).get("model")
        except (ValueError, AttributeError):
            continue
        if isinstance(model, str) and model.strip():
            return model
    return None


def short_model(model: Any) -> str | None:
    """A model id without its organisation ("meta-llama/Llama-3.1-8B" → "Llama-3.1-8B");
    None for anything but non-blank text."""
    if not isinstance(model, str) or not model.strip():
        return None
    return model.strip().rstrip("/").rsplit("/", 1)[-1]


def model_folder_name(path: Path, model: str | None) -> str:
    """ "model · folder" for tools whose file name is fixed (the folder tells runs apart),
    with the `short_model`; the folder alone without a model."""
    folder = path.parent.name or data_stem(path)
    short = short_model(model)
    return folder if short is None else f"{short} · {folder}"


def file_label(path: Path, default_stems: Iterable[str] = ()) -> str:
    """The file's name without suffixes, or its folder's name when that name is one the
    tool always writes (`default_stems`, e.g. guidellm's "benchmarks")."""
    stem = data_stem(path)
    return (path.parent.name or stem) if stem in set(default_stems) else stem


def plain_number(value: Any) -> str:
    """A count or rate without a trailing '.0' (4.0 → '4', 1.5 → '1.5', 0.123456 → '0.1235')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def level_name(base: str, load: Load | None, repeat: int | None = None) -> str:
    """ "base · concurrency 16 · run 2": a sweep run's name that tells its level (and repeat)
    apart from the others' where the tool's own names do not."""
    parts = [base]
    if load is not None:
        parts.append(str(load))
    if repeat is not None:
        parts.append(f"run {repeat}")
    return " · ".join(parts)
