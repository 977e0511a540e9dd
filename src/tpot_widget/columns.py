"""The columns of a `Run`, defined once: name, label, short label, unit and kind.

Every surface reads this table: `run` (which columns a Run has), `params` (which columns a
comparison may use), `display` and `tables` (labels and units), and the widget's front end
(sent as `_choices["columns"]`, see `choices`). A new column is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypedDict

__all__ = [
    "ALL",
    "COLUMNS",
    "DURATION_COLUMNS",
    "NUMERIC_COLUMNS",
    "TOKEN_COLUMNS",
    "Column",
    "ColumnChoice",
    "Kind",
    "choices",
    "column",
]

#: What a column measures: a duration (seconds), a token count, a time offset into the run
#: (seconds since its first request), or text (the error).
Kind = Literal["duration", "tokens", "time", "text"]


@dataclass(frozen=True)
class Column:
    """One Run column as people see it.

    `label` is the column in words ("time per output token (TPOT)"), `short_label` what an
    axis or a table heading says ("TPOT"); `unit` is the unit of its stored values ("s",
    "tokens", or "" for text).
    """

    name: str
    label: str
    short_label: str
    unit: str
    kind: Kind


class ColumnChoice(TypedDict):
    """A column as the front end receives it in `_choices["columns"]`."""

    name: str
    label: str
    short_label: str
    unit: str
    kind: Kind


#: Every column of a Run, in its order (durations, token counts, request start, error).
ALL: tuple[Column, ...] = (
    Column("time_to_first_token", "time to first token (TTFT)", "TTFT", "s", "duration"),
    Column("time_to_last_token", "end-to-end latency", "E2E latency", "s", "duration"),
    Column("time_per_output_token", "time per output token (TPOT)", "TPOT", "s", "duration"),
    Column("tpot_reported", "TPOT as reported by the tool", "TPOT (tool's own)", "s", "duration"),
    Column("num_tokens_input", "input tokens", "input tokens", "tokens", "tokens"),
    Column("num_tokens_output", "output tokens", "output tokens", "tokens", "tokens"),
    Column("request_start", "request start (s into the run)", "request start", "s", "time"),
    Column("error", "error", "error", "", "text"),
)
_BY_NAME = {c.name: c for c in ALL}

#: Column names by kind, in order (what `run` and `params` check names against).
DURATION_COLUMNS: tuple[str, ...] = tuple(c.name for c in ALL if c.kind == "duration")
TOKEN_COLUMNS: tuple[str, ...] = tuple(c.name for c in ALL if c.kind == "tokens")
NUMERIC_COLUMNS: tuple[str, ...] = tuple(c.name for c in ALL if c.kind != "text")
COLUMNS: tuple[str, ...] = tuple(c.name for c in ALL)


def column(name: str) -> Column:
    """The column called `name`; a name outside the table (an LLMeter dimension of its own)
    gets its name in words as both labels, no unit and kind "text"."""
    found = _BY_NAME.get(name)
    if found is not None:
        return found
    words = name.replace("_", " ")
    return Column(name, words, words, "", "text")


def choices() -> list[ColumnChoice]:
    """Every column as `_choices["columns"]` sends it: {name, label, short_label, unit, kind}."""
    return [
        ColumnChoice(
            name=c.name, label=c.label, short_label=c.short_label, unit=c.unit, kind=c.kind
        )
        for c in ALL
    ]
