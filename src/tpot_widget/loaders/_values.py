"""The number rule of every loader, and the per-request values read by it.

A number field holds a JSON number or null. Text such as "14" and the booleans
true/false are not numbers: they are a LoadError naming the file, the line (or request)
and the field, never coerced. Error fields hold a message or nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard

import numpy as np

from ._io import LoadError

#: A NaN literal read from a file comes back as this value (`number_array`, the fast
#: JSON-lines reader) so that `Run.from_columns` counts it with the other bad values
#: before it becomes NaN.
BAD_NUMBER = -math.inf


#: What a number field must hold, said in every number error.
NUMBER_RULE = (
    'a number field must hold a JSON number or null (text such as "14" and true/false '
    "are not read as numbers); fix the file or the tool that wrote it"
)


def ms_to_s(value: Any) -> float | None:
    """Milliseconds → seconds, None stays None."""
    return None if value is None else float(value) / 1e3


def as_number(value: Any, where: str, what: str | None = None) -> float | None:
    """A JSON number as float (None stays None = missing); anything else is a LoadError
    naming `where` (file and position) and `what` (the field), when given."""
    if value is None:
        return None
    if not is_number(value):
        if what is None:
            raise LoadError(f"{where}: expected a number, got {value!r}; {NUMBER_RULE}")
        raise LoadError(f"{where}: {what} should be a number, got {value!r}; {NUMBER_RULE}")
    return float(value)


def field_number(row: Mapping[str, Any], key: str, where: str) -> float | None:
    """row[key] through `as_number` (a missing key is None); errors name the field."""
    return as_number(row.get(key), where, key)


_NUMBER_TYPES = frozenset((int, float, type(None)))


def is_number(value: Any) -> TypeGuard[float]:
    """True for a real number: int, float, or a numpy integer/float scalar (an in-memory
    LLMeter Result may hold np.float64); False for bool, np.bool_, text and the rest."""
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, (int, float, np.integer, np.floating))


def number_array(values: Sequence[Any], where_of: Callable[[int], str]) -> np.ndarray:
    """float64 array of a per-request list of JSON numbers, by the number rule.

    None → NaN; a NaN literal → `BAD_NUMBER` (so that `Run.from_columns` counts it as a bad
    value); text, booleans, lists... are a LoadError "`where_of(i)` is ..., not a number",
    where `where_of(i)` names the file, position and field of entry i (e.g.
    "runs.json:3: ttfts[7]"). Numpy integer and float scalars (objects in memory) are
    numbers too; np.bool_ is not. Fast for big lists (one type scan, one numpy conversion).
    """
    values = values if isinstance(values, list) else list(values)
    if not set(map(type, values)) <= _NUMBER_TYPES:
        for index, value in enumerate(values):
            if value is not None and not is_number(value):
                raise LoadError(f"{where_of(index)} is {value!r}, not a number; {NUMBER_RULE}")
    try:
        array = np.array(values, dtype=np.float64)
    except OverflowError:
        big = next(i for i, v in enumerate(values) if isinstance(v, int) and abs(v) > 1e308)
        raise LoadError(
            f"{where_of(big)} is {values[big]}, too large to be a real measurement"
        ) from None
    missing = np.isnan(array)
    if missing.any() and int(missing.sum()) != values.count(None):  # NaN literals written
        written = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
        array[missing & written] = BAD_NUMBER
    return array


def error_texts(values: Sequence[Any], where_of: Callable[[int], str]) -> list[str | None]:
    """Per-request error fields that hold a message or nothing, by one rule.

    None (or a missing field) and "" mean success; any other string is the error text.
    Anything else (0, false, {}, [], numbers) is not what these tools write and is a
    LoadError naming `where_of(i)` (file, position, field), so that no request is counted
    failed or successful by guesswork.
    """
    values = values if isinstance(values, list) else list(values)
    kinds = set(map(type, values))
    if not kinds <= {str, type(None)}:
        for index, value in enumerate(values):
            if value is not None and not isinstance(value, str):
                raise LoadError(
                    f"{where_of(index)} is {value!r}; expected an error message (a string) "
                    "or null for success"
                )
    if kinds <= {type(None)}:
        return [None] * len(values)
    return [str(v) if v else None for v in values]  # np.str_ (in memory) → str


def diff_or_none(end: float | None, start: float | None) -> float | None:
    """end − start, or None when either is missing."""
    return None if end is None or start is None else end - start
