"""The fast column reader for big JSON-lines files (LLMeter's responses.jsonl: a million
lines in a few seconds), with the precise line-by-line reader as its fallback."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ._io import LoadError, open_data, progress
from ._json import parse_lines, read_bytes, where
from ._values import BAD_NUMBER, number_array


@dataclass
class JsonLinesColumns:
    """Top-level fields of every object of a JSON-lines file, one column per field."""

    #: field → float64 array (NaN where absent or null)
    numbers: dict[str, np.ndarray]
    #: field → list of raw values (None where absent)
    values: dict[str, list[Any]]
    #: the file's line number of every row (1-based), for messages
    lines: np.ndarray
    #: the wanted fields that appear (even as null) in at least one line
    present: set[str] = field(default_factory=set)
    #: the keys of the first line, in order (for "is this the right format?" messages)
    first_keys: tuple[str, ...] = ()
    #: line numbers of the objects holding none of `line_fields` (see `refuse_empty_lines`)
    empty_lines: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)


#: Files at least this big show a progress bar (bytes read) if the load lasts long enough.
PROGRESS_MIN_BYTES = 64 << 20


def read_json_lines_columns(
    path: Path,
    numeric: Sequence[str],
    other: Sequence[str] = (),
    *,
    line_fields: Sequence[str] = (),
    chunk_size: int = 1 << 22,
) -> JsonLinesColumns:
    """Read some top-level fields of every line of a (possibly huge) JSON-lines file fast.

    Fast path, chunk by chunk: each line is cut just before the first of the wanted fields
    (as line 1 orders them; LLMeter writes the long texts first, so the cut skips them),
    and the tails are parsed by a single orjson call. A chunk where anything does not fit (blank
    lines, other key orders, NaN literals, a broken line) is re-read line by line, which
    gives the usual file:line errors and the truncated-last-line warning. Numeric fields
    follow the number rule (`number_array`). The file is opened by `_io.open_data`
    (compressed files, BOM); big files show a progress bar once the load is slow.
    Objects that hold none of `line_fields` (when given) are listed in `empty_lines`.
    """
    wanted = (*numeric, *other)
    numbers: dict[str, list[np.ndarray]] = {k: [] for k in numeric}
    values: dict[str, list[Any]] = {k: [] for k in other}
    line_parts: list[np.ndarray] = []
    present: set[str] = set()
    first_keys: list[str] = []
    anchor: bytes | None = None
    anchor_known = False
    expected: tuple[str, ...] = ()
    getters = {k: operator.itemgetter(k) for k in wanted}
    quoted = {k: orjson.dumps(k) for k in wanted}
    fields = frozenset(line_fields)
    empty_lines: list[int] = []
    # every fast-path row starts at the anchor field: no row to check when it is a line field
    fast_rows_checked = False

    def take(rows: list[Any], lines: np.ndarray, chunk_cut: int | None) -> bool:
        """Append the rows' fields; False when a fast chunk's cut may have lost a field."""
        columns: dict[str, list[Any]] = {}
        for key in wanted:
            try:
                columns[key] = list(map(getters[key], rows))
                if rows:
                    present.add(key)
            except KeyError:
                if chunk_cut is not None and (
                    key in expected or buffer.find(quoted[key], 0, chunk_cut) >= 0
                ):
                    return False  # lines not laid out like line 1: the field may precede the cut
                columns[key] = [row.get(key) for row in rows]
                if key not in present and any(key in row for row in rows):
                    present.add(key)
        for key in numeric:
            numbers[key].append(_float_column(columns[key], key, path, lines))
        for key in other:
            values[key].extend(columns[key])
        if fields and (chunk_cut is None or fast_rows_checked):
            empty_lines.extend(
                int(lines[i]) for i, row in enumerate(rows) if fields.isdisjoint(row)
            )
        line_parts.append(lines)
        return True

    def slow(chunk: bytes | bytearray, first_line: int, at_eof: bool) -> None:
        rows: list[Any] = []
        numbers_seen: list[int] = []
        for number, obj in parse_lines(chunk, path, first_line=first_line, at_eof=at_eof):
            if not isinstance(obj, dict):
                raise LoadError(
                    f"{where(path, number)}: expected one JSON object per line, "
                    f"got a {type(obj).__name__}"
                )
            if not first_keys and not line_parts and not rows:
                first_keys.extend(obj)
            for key in numeric:
                value = obj.get(key)
                if isinstance(value, float) and value != value:
                    obj[key] = BAD_NUMBER
            rows.append(obj)
            numbers_seen.append(number)
        take(rows, np.array(numbers_seen, dtype=np.int64), None)

    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    filled = 0
    next_line = 1
    with open_data(path) as handle:
        # a plain file's size tells where it ends; a compressed one ends at a short read
        size = handle.size if handle.compression is None else None
        bar = progress(
            total=handle.size,
            desc=path.name,
            unit="B",
            disable=handle.size < PROGRESS_MIN_BYTES,
        )
        consumed = 0
        try:
            while True:
                if filled == len(buffer):  # a line longer than the buffer: grow it
                    view.release()
                    buffer.extend(bytes(len(buffer)))
                    view = memoryview(buffer)
                wanted_bytes = len(buffer) - filled
                count = handle.readinto(view[filled:])
                consumed += count
                at_eof = count < wanted_bytes or (size is not None and consumed >= size)
                end = filled + count
                if end == 0:
                    break
                cut = end if at_eof else buffer.rfind(b"\n", 0, end) + 1
                if cut == 0:
                    filled = end
                    continue
                if not anchor_known:
                    anchor, expected, keys = _anchor_from_first_line(buffer, cut, wanted)
                    first_keys.extend(keys)
                    anchor_known = True
                    fast_rows_checked = not expected or expected[0] not in fields
                # the cut skips the texts: check the whole chunk is UTF-8 (ASCII is quick)
                rows = (
                    _fast_rows(buffer, cut, anchor)
                    if anchor is not None and _is_utf8(buffer, cut)
                    else None
                )
                if rows is not None and take(
                    rows, np.arange(next_line, next_line + len(rows), dtype=np.int64), cut
                ):
                    next_line += len(rows)
                else:
                    slow(buffer[:cut], next_line, at_eof)
                    next_line += buffer.count(b"\n", 0, cut) + (buffer[cut - 1] != 0x0A)
                bar.update(handle.position() - bar.n)
                rest = end - cut
                buffer[:rest] = buffer[cut:end]
                filled = rest
                if at_eof:
                    break
        finally:
            bar.close()
    view.release()
    if next_line == 1 or not line_parts or sum(len(p) for p in line_parts) == 0:
        read_bytes(path)  # raises the usual "empty file" error if blank
        raise LoadError(f"{path}: no JSON object found in the file")
    return JsonLinesColumns(
        numbers={
            k: np.concatenate(v) if v else np.empty(0, dtype=np.float64) for k, v in numbers.items()
        },
        values=values,
        lines=np.concatenate(line_parts),
        present=present,
        first_keys=tuple(dict.fromkeys(first_keys)),
        empty_lines=empty_lines,
    )


def _anchor_from_first_line(
    buffer: bytearray, cut: int, wanted: Sequence[str]
) -> tuple[bytes | None, tuple[str, ...], tuple[str, ...]]:
    """The bytes (`"key":`) just before which every line is cut: the first wanted field
    in the first line's order; the wanted fields that line has; and all its keys.
    (None, (), keys) when the first line gives no usable anchor (then every line is
    parsed whole)."""
    first = bytes(buffer[:cut]).lstrip().split(b"\n", 1)[0].strip()
    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError:
        return None, (), ()  # the line-by-line path will say what is wrong
    if not isinstance(obj, dict):
        return None, (), ()
    keys = tuple(obj)
    present = [k for k in obj if k in wanted]
    if not present:
        return None, (), keys
    key = orjson.dumps(present[0])
    start = first.rfind(key)
    colon = first.find(b":", start + len(key))
    if start < 0 or colon < 0 or first[start + len(key) : colon].strip():
        return None, (), keys
    return first[start : colon + 1], tuple(present), keys


def _is_utf8(buffer: bytearray, cut: int) -> bool:
    """True when buffer[:cut] is valid UTF-8 (else the line-by-line path names the line)."""
    with memoryview(buffer)[:cut] as view:
        if view.tobytes().isascii():
            return True
        try:
            str(view, "utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _fast_rows(buffer: bytearray, cut: int, anchor: bytes) -> list[Any] | None:
    """Parse every line of buffer[:cut] from its (last) `anchor` on, with one orjson call.

    None when the chunk does not fit (a line without the anchor, e.g. blank; a tail that is
    not the rest of a top-level object; NaN literals...): the caller then reads it line
    by line. A wrong cut cannot parse by accident: its braces do not balance.
    """
    tails: list[bytes | bytearray] = []
    append = tails.append
    find = buffer.find
    rfind = buffer.rfind
    pos = 0
    while pos < cut:
        newline = find(b"\n", pos, cut)
        if newline < 0:
            newline = cut
        start = rfind(anchor, pos, newline)
        if start < 0:
            return None
        append(buffer[start:newline])
        pos = newline + 1
    try:
        rows = orjson.loads(b"[{" + b",{".join(tails) + b"]")
    except orjson.JSONDecodeError:
        return None
    return rows if len(rows) == len(tails) else None


def _float_column(values: list[Any], key: str, path: Path, lines: np.ndarray) -> np.ndarray:
    """float64 array of `values` by the number rule (None → NaN); anything that is not a
    JSON number is a LoadError at its line."""
    return number_array(values, lambda i: f"{where(path, int(lines[i]))}: {key}")
