"""The shape of a tool's records: an object with the fields it needs, and files whose
records hold none of the tool's fields (another tool's file, `{}` lines)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ._io import LoadError
from ._json import where


def expect_fields(
    found: Iterable[str], expected: Sequence[str], path: Path | str, *, tool: str, hint: str = ""
) -> None:
    """LoadError when none of `expected` (a format's per-request fields) was found.

    A file forced with the wrong `format=`, another tool's file under this tool's file
    name, or a file of `{}` lines would otherwise load as a run of NaN.
    """
    found = set(found)
    if found & set(expected):
        return
    seen = ", ".join(sorted(found)[:12]) or "none"
    tail = f" {hint}" if hint else ""
    raise LoadError(
        f"{path}: none of {tool}'s per-request fields is present (expected "
        f"{', '.join(expected)}; found: {seen}); is this really a {tool} file?{tail}"
    )


#: How many line numbers `refuse_empty_lines` lists.
_LINES_SHOWN = 5


def refuse_empty_lines(
    path: Path | str,
    lines: Sequence[int],
    expected: Sequence[str],
    *,
    tool: str,
    unit: str = "request",
) -> None:
    """LoadError when some lines of a JSON-lines file hold none of `expected` (the format's
    fields), e.g. a `{}` line among real requests.

    Such a line is not a `unit` of the tool (it writes these fields on every line), and
    loading it would add a `unit` of NaN without a word. The message names the file and
    first line, counts the lines and lists the first few; the rule of every JSON-lines
    reader (a file where *no* line has the fields is `expect_fields`'s error).
    """
    if not lines:
        return
    shown = ", ".join(map(str, lines[:_LINES_SHOWN]))
    more = f" and {len(lines) - _LINES_SHOWN} more" if len(lines) > _LINES_SHOWN else ""
    names = ", ".join(expected[:8]) + (", ..." if len(expected) > 8 else "")
    raise LoadError(
        f"{where(path, lines[0])}: {len(lines)} line(s) hold none of {tool}'s fields "
        f"({names}): line {shown}{more}. {tool} writes them on every line, so these lines "
        f"are not {unit}s (an empty {{}} object, another tool's line, a damaged file?): "
        "remove them or restore the file"
    )


def as_row(
    value: Any,
    where: str,
    required: Sequence[str] = (),
    *,
    needed_by: str = "every row",
    hint: str = "",
) -> dict[str, Any]:
    """`value` as a JSON object holding every `required` key (null values allowed); else a
    LoadError naming `where`, the missing keys and (optionally) a `hint` in parentheses."""
    if not isinstance(value, dict):
        raise LoadError(f"{where} is a {type(value).__name__}, expected an object")
    missing = [k for k in required if k not in value]
    if missing:
        tail = f" ({hint})" if hint else ""
        raise LoadError(
            f"{where} lacks {', '.join(missing)}; {needed_by} needs {', '.join(required)}{tail}"
        )
    return value
