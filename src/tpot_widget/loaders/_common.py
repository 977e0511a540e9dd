"""What every loader shares: the error type, and JSON / JSON-lines readers that name the
file and line of anything they cannot read."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson


class LoadError(ValueError):
    """A benchmark file or folder that cannot be read; the message says where and what to do."""


def where(path: Path | str, line: int | None = None) -> str:
    """`path` or `path:line` for messages."""
    return f"{path}:{line}" if line is not None else str(path)


def parse_json(data: bytes | str, path: Path | str, line: int | None = None) -> Any:
    """Parse one JSON document fast (orjson); fall back to the stdlib for NaN/Infinity.

    Raises LoadError naming the file (and line) on a syntax error.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as fast_error:
        try:
            return json.loads(data)  # accepts NaN / Infinity, which some tools write
        except json.JSONDecodeError as exc:
            at = f"line {exc.lineno} column {exc.colno}" if line is None else f"column {exc.colno}"
            raise LoadError(
                f"{where(path, line)}: invalid JSON ({exc.msg} at {at}); "
                "is the file complete and really JSON?"
            ) from fast_error


def read_bytes(path: Path) -> bytes:
    """The file's bytes; an empty (or whitespace-only) file is a LoadError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the file ({exc.strerror})") from exc
    if not data.strip():
        raise LoadError(f"{path}: the file is empty; was the benchmark interrupted before it wrote?")
    return data


def read_json(path: Path) -> Any:
    """One JSON document from a file, with file-and-position errors."""
    return parse_json(read_bytes(path), path)


def iter_json_lines(path: Path, data: bytes | None = None) -> Iterator[tuple[int, Any]]:
    """(line number, object) for every non-blank line of a JSON-lines file.

    A syntax error on the last line is taken as a run interrupted mid-write: the complete
    lines are kept and a warning names the file and line. Anywhere else it is a LoadError.
    """
    if data is None:
        data = read_bytes(path)
    lines = data.split(b"\n")
    last = len(lines)
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    for number in range(1, last + 1):
        raw = lines[number - 1]
        if not raw.strip():
            continue
        try:
            obj = parse_json(raw, path, number)
        except LoadError:
            if number == last and number > 1:
                warnings.warn(
                    f"{where(path, number)}: the last line is incomplete (an interrupted run?); "
                    f"loaded the {number - 1} complete line(s) before it",
                    stacklevel=2,
                )
                return
            raise
        yield number, obj


def looks_like_json_lines(head: bytes) -> bool:
    """True when the first non-blank line is a complete JSON object on its own."""
    first = head.lstrip().split(b"\n", 1)[0].strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def ms_to_s(value: Any) -> float | None:
    """Milliseconds → seconds, None stays None."""
    return None if value is None else float(value) / 1e3
