"""JSON and JSON-lines documents: parsing with file-and-line errors, the truncated last
line of an interrupted run, and the small side files that only name a run.

Files are opened only through `._io` (`open_data`, `read_all`, `find_member`), which
handles compression, BOMs and links.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ._io import LoadError, find_member, read_all


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
        except UnicodeDecodeError as exc:
            at = f"byte {exc.start + 1}" if line is None else f"column {exc.start + 1}"
            raise LoadError(
                f"{where(path, line)}: not valid UTF-8 text (byte 0x{data[exc.start]:02x} at "
                f"{at}); binary or corrupted data? Benchmark outputs are UTF-8 JSON: "
                "re-save the file as UTF-8 (`iconv -f UTF-8 -t UTF-8 -c` drops invalid bytes) "
                "or restore a clean copy"
            ) from None
        except json.JSONDecodeError as exc:
            at = f"line {exc.lineno} column {exc.colno}" if line is None else f"column {exc.colno}"
            # json's messages may end in "at" ("Unterminated string starting at"): say it once
            reason = exc.msg.removesuffix(" at")
            raise LoadError(
                f"{where(path, line)}: invalid JSON ({reason} at {at}); "
                "is the file complete and really JSON?"
            ) from fast_error


def member(obj: Any, key: str) -> dict[str, Any]:
    """`obj[key]` when `obj` is an object holding an object there, else {} (optional parts
    of a document: read with `.get` whatever is present)."""
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def read_bytes(path: Path) -> bytes:
    """The file's (decompressed, BOM-less) bytes via `_io.open_data`; an empty (or
    whitespace-only) file is a LoadError."""
    data = read_all(path)
    if not data.strip():
        raise LoadError(
            f"{path}: the file is empty; was the benchmark interrupted before it wrote?"
        )
    return data


def read_json(path: Path) -> Any:
    """One JSON document from a file, with file-and-position errors."""
    return parse_json(read_bytes(path), path)


def iter_json_lines(path: Path, data: bytes | None = None) -> Iterator[tuple[int, Any]]:
    """(line number, object) for every non-blank line of a JSON-lines file.

    A syntax error on the last line is taken as a run interrupted mid-write: the complete
    lines are kept and a warning names the file and line. Anywhere else it is a LoadError,
    as is a complete line (the last one too) holding bytes that are not UTF-8.
    """
    if data is None:
        data = read_bytes(path)
    yield from parse_lines(data, path, first_line=1, at_eof=True)


def parse_lines(
    data: bytes | bytearray | memoryview, path: Path, *, first_line: int, at_eof: bool
) -> Iterator[tuple[int, Any]]:
    """Parse the lines of `data` (numbered from `first_line`) one by one, precisely.

    With `at_eof`, a cut-off last non-blank line (not line 1) only warns: it is a run that
    was interrupted while writing. A last line that is whole but holds an invalid byte is no
    interruption: it is refused like any other line (file:line).
    """
    lines = bytes(data).split(b"\n")
    last = len(lines)
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    for index in range(last):
        raw = lines[index]
        if not raw.strip():
            continue
        number = first_line + index
        try:
            obj = parse_json(raw, path, number)
        except LoadError:
            if at_eof and index == last - 1 and number > 1 and not _whole_but_not_utf8(raw):
                warnings.warn(
                    f"{where(path, number)}: the last line is incomplete (an interrupted run?); "
                    f"loaded the complete line(s) before it",
                    stacklevel=3,
                )
                return
            raise
        yield number, obj


def _whole_but_not_utf8(line: bytes) -> bool:
    """True when `line` is a complete JSON document once its invalid bytes are replaced: its
    problem is the bytes, not a cut (a line cut inside a character is not whole)."""
    try:
        json.loads(line.decode("utf-8", errors="replace"))
    except ValueError:
        return False
    return True


def looks_like_json_lines(head: bytes) -> bool:
    """True when the first non-blank line is a complete JSON object on its own."""
    first = head.lstrip().split(b"\n", 1)[0].strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def read_json_object_list(
    path: Path, key: str, *, expected: str, empty: str
) -> tuple[dict[str, Any], list[Any]]:
    """The JSON object of `path` and its non-empty list `key`.

    LoadError "`path`: expected `expected`" when the file is not such an object, and
    "`path`: `empty`" when the list is empty.
    """
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise LoadError(f"{path}: expected {expected}")
    items = data[key]
    if not items:
        raise LoadError(f"{path}: {empty}")
    return data, items


def read_json_list(path: Path, *, expected: str) -> list[Any]:
    """The non-empty JSON list of requests in `path`.

    LoadError "`path`: expected `expected`" when the file holds no list, and "the list of
    requests is empty" when it is empty.
    """
    data = read_json(path)
    if not isinstance(data, list):
        raise LoadError(f"{path}: expected {expected}")
    if not data:
        raise LoadError(f"{path}: the list of requests is empty; the run holds no request")
    return data


def read_side_json(folder: Path, name: str, max_bytes: int) -> Any | None:
    """The JSON document of the file `name` in `folder` (compressed too), or None when it is
    missing, bigger than `max_bytes` on disk, or unreadable.

    For the side files that only name a run (AIPerf's summary, genai-bench's experiment
    metadata): the per-request data is complete without them, so they never fail a load.
    """
    member = find_member(folder, name)
    if member is None:
        return None
    try:
        if member.stat().st_size > max_bytes:
            return None
        return parse_json(read_all(member), member)
    except (OSError, LoadError):
        return None


def read_json_documents(path: Path) -> list[tuple[int | None, Any]]:
    """Every JSON document of a file that holds either one document or one per line.

    Returns (line number or None, document) pairs: a single (possibly pretty-printed)
    document gives one pair with line None; JSON lines (e.g. results appended run after
    run) give one pair per line, with the truncated-last-line rule of `iter_json_lines`.
    """
    data = read_bytes(path)
    try:
        return [(None, orjson.loads(data))]
    except orjson.JSONDecodeError:
        pass
    stripped = data.strip()
    if b"\n" not in stripped:
        return [(None, parse_json(data, path))]  # one line: NaN/Infinity, or a real error
    if not _first_line_is_an_object(stripped):
        # A pretty-printed document (the first line is not a whole object): parse it whole
        # so that a syntax error is reported at its real line and column.
        return [(None, parse_json(data, path))]
    return list(iter_json_lines(path, data))


def _first_line_is_an_object(data: bytes) -> bool:
    """True when the first line of `data` is a whole JSON object (NaN/Infinity allowed)."""
    first = data.split(b"\n", 1)[0].strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False
