"""What every loader shares: the error type, the number rule, and JSON / JSON-lines
readers that name the file and line of anything they cannot read.

Stable helpers for loader modules (documented in each docstring): `LoadError`, `where`,
`parse_json`, `read_bytes`, `read_json`, `iter_json_lines`, `read_json_documents`,
`as_number`, `is_number`, `field_number`, `number_array`, `error_texts`, `as_row`,
`expect_fields`, `refuse_empty_lines`, `read_side_json`, `read_json_list`,
`RequestColumns` (a run filled one request at a time), `model_in_bodies`,
`short_model`, `model_folder_name`, `since_first_start`, `seconds_since_first`, `iso_to_epoch`,
`scalar_metadata`, `read_json_lines_columns`; files are opened only through `._io`
(`open_data`, `data_stem`, `find_member`...), which handles compression, BOMs and links.
Runs named alike are told apart by `tpot_widget.params.unique_names`, the one naming rule
of every surface ("x (1)", "x (2)").

The number rule (every loader): a number field holds a JSON number or null. Text such as
"14" and the booleans true/false are not numbers: they are a LoadError naming the file,
the line (or request) and the field, never coerced.
"""

from __future__ import annotations

import json
import math
import operator
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..run import Run
from ._io import LoadError, data_stem, find_member, open_data, progress, read_all

#: What a number field must hold, said in every number error.
NUMBER_RULE = (
    'a number field must hold a JSON number or null (text such as "14" and true/false '
    "are not read as numbers); fix the file or the tool that wrote it"
)


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
    yield from _parse_lines(data, path, first_line=1, at_eof=True)


def _parse_lines(
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


def is_number(value: Any) -> bool:
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


def diff_or_none(end: float | None, start: float | None) -> float | None:
    """end − start, or None when either is missing."""
    return None if end is None or start is None else end - start


def since_first_start(
    starts: Sequence[float | None], per_second: float = 1.0
) -> list[float | None]:
    """Start times → seconds after the earliest known one (None stays None).

    `per_second` is the unit of `starts` (1e9 for epoch ns); the subtraction happens
    before the division, so integer nanoseconds stay exact.
    """
    known = [s for s in starts if s is not None]
    first = min(known) if known else None
    return [None if s is None or first is None else (s - first) / per_second for s in starts]


@dataclass
class RequestColumns:
    """A run's per-request columns, filled one request at a time (`add`) and made into the
    Run (`run`): what every loader that walks a list of request records shares."""

    ttft: list[float | None] = field(default_factory=list)
    e2e: list[float | None] = field(default_factory=list)
    tpot_reported: list[float | None] = field(default_factory=list)
    input_tokens: list[float | None] = field(default_factory=list)
    output_tokens: list[float | None] = field(default_factory=list)
    starts: list[float | None] = field(default_factory=list)
    errors: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.errors)

    def add(
        self,
        *,
        ttft: float | None,
        e2e: float | None,
        output_tokens: float | None,
        input_tokens: float | None = None,
        tpot_reported: float | None = None,
        start: float | None = None,
        error: str | None = None,
    ) -> None:
        """One request: seconds, token counts, its start on the tool's clock, error text."""
        self.ttft.append(ttft)
        self.e2e.append(e2e)
        self.tpot_reported.append(tpot_reported)
        self.input_tokens.append(input_tokens)
        self.output_tokens.append(output_tokens)
        self.starts.append(start)
        self.errors.append(error)

    def run(
        self,
        name: str,
        path: Path,
        *,
        format: str,
        metadata: Mapping[str, Any],
        per_second: float = 1.0,
    ) -> Run:
        """The Run of these requests, their starts in seconds after the first one
        (`per_second`: the unit of the starts, 1e9 for nanoseconds; see `since_first_start`)."""
        return Run.from_columns(
            name,
            time_to_first_token=self.ttft,
            time_to_last_token=self.e2e,
            tpot_reported=self.tpot_reported,
            num_tokens_input=self.input_tokens,
            num_tokens_output=self.output_tokens,
            request_start=since_first_start(self.starts, per_second=per_second),
            error=self.errors,
            format=format,
            source=str(path),
            metadata=metadata,
        )


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


def iso_to_epoch(values: Sequence[Any], path: Path | str) -> np.ndarray:
    """ISO-8601 timestamps (str or datetime; None allowed) → epoch seconds, NaN if missing.

    Naive times are taken as UTC. Unparsable ones become NaN with one warning. Repeated
    strings (LLMeter writes whole seconds) are parsed once.
    """
    cache: dict[Any, float] = {}
    bad = 0
    for value in set(values):
        if value is None:
            cache[value] = math.nan
            continue
        try:
            if isinstance(value, datetime):
                moment = value
            else:
                text = str(value).strip()
                if text.endswith(("Z", "z")):
                    text = text[:-1] + "+00:00"
                moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            cache[value] = moment.timestamp()
        except (TypeError, ValueError):
            cache[value] = math.nan
            bad += 1
    if bad:
        warnings.warn(
            f"{path}: {bad} distinct timestamp value(s) could not be read as ISO-8601; "
            "their requests have no start time",
            stacklevel=2,
        )
    return np.fromiter((cache[v] for v in values), dtype=np.float64, count=len(values))


def seconds_since_first(times: np.ndarray) -> np.ndarray:
    """Times (any origin, seconds) → seconds since the earliest one; all-NaN stays NaN."""
    times = np.where(np.isfinite(times), np.asarray(times, dtype=np.float64), np.nan)
    if np.isnan(times).all():
        return times
    return times - np.nanmin(times)


# --- fast column reader for big JSON-lines files -------------------------------------------

#: A NaN literal read from a file comes back as this value from `read_json_lines_columns`
#: so that `Run.from_columns` counts it with the other bad values before it becomes NaN.
BAD_NUMBER = -math.inf


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
        for number, obj in _parse_lines(chunk, path, first_line=first_line, at_eof=at_eof):
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
    tails: list[bytes] = []
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


# --- vLLM / SGLang style: one object per run with parallel per-request arrays --------------


def runs_with_arrays(
    path: Path,
    detail_keys: Sequence[str],
    *,
    kind: str,
    no_details: str,
    skip_advice: str,
    known_keys: Sequence[str] = (),
    tool: str = "",
) -> list[tuple[int | None, dict[str, Any]]]:
    """(line or None, object) of every run of a vLLM/SGLang-style result file that holds
    all `detail_keys` (per-request arrays).

    A non-object is a LoadError ("expected a JSON object (`kind`)"); a file with no detailed
    run is a LoadError "`path`: `no_details`"; runs without the arrays are skipped with one
    warning that lists them and ends with `skip_advice`. When no object has any of
    `known_keys` (the format's fields) the file is not the `tool`'s at all: `expect_fields`;
    when some lines have none, they are `refuse_empty_lines`'s error.
    """
    runs: list[tuple[int | None, dict[str, Any]]] = []
    summaries: list[str] = []
    found: set[str] = set()
    empty: list[int] = []  # lines (of a multi-run file) with none of `known_keys`
    for line, obj in read_json_documents(path):
        if not isinstance(obj, dict):
            raise LoadError(f"{where(path, line)}: expected a JSON object ({kind})")
        found.update(obj)
        if all(k in obj for k in detail_keys):
            runs.append((line, obj))
        elif line is not None and known_keys and not any(k in obj for k in known_keys):
            empty.append(line)
        else:
            summaries.append(where(path, line))
    if not runs:
        if known_keys:
            expect_fields(found, known_keys, path, tool=tool or kind)
        if empty and not summaries:
            refuse_empty_lines(path, empty, known_keys, tool=tool or kind, unit="run")
        raise LoadError(f"{path}: {no_details}")
    refuse_empty_lines(path, empty, known_keys, tool=tool or kind, unit="run")
    if summaries:
        warnings.warn(
            f"skipped {len(summaries)} run(s) without per-request data ({', '.join(summaries)}); "
            + skip_advice,
            stacklevel=3,
        )
    return runs


def parallel_arrays_runs(
    path: Path,
    runs: Sequence[tuple[int | None, Mapping[str, Any]]],
    names: Sequence[str],
    *,
    format: str,
    tool: str,
    array_keys: Sequence[str],
) -> list[Run]:
    """`parallel_arrays_run` for every (line, object) run with its name; the metadata is
    the tool's name and the run's scalar header fields (the arrays left out)."""
    return [
        parallel_arrays_run(
            obj,
            name=name,
            path=path,
            line=line,
            format=format,
            metadata={"tool": tool, **scalar_metadata(obj, skip=array_keys)},
        )
        for (line, obj), name in zip(runs, names, strict=True)
    ]


def parallel_arrays_run(
    obj: Mapping[str, Any],
    *,
    name: str,
    path: Path,
    line: int | None,
    format: str,
    metadata: Mapping[str, Any],
) -> Run:
    """A Run from `input_lens`, `output_lens`, `ttfts`, `itls`, `errors` (+ optional
    `latencies`, `start_times`), as vLLM and SGLang write them.

    E2E = `latencies` when present, else TTFT + sum(ITLs). A failed request (non-empty
    error) keeps its error text; its placeholder timings (0.0) become NaN.
    """
    at = where(path, line)
    ttfts = _array_field(obj, "ttfts", at)
    n = len(ttfts)
    output_lens = _array_field(obj, "output_lens", at, n)
    input_lens = _array_field(obj, "input_lens", at, n, required=False)
    itls = _array_field(obj, "itls", at, n, required=False)
    latencies = _array_field(obj, "latencies", at, n, required=False)
    start_times = _array_field(obj, "start_times", at, n, required=False)
    errors = _array_field(obj, "errors", at, n, required=False)
    error_text = (
        [None] * n if errors is None else error_texts(errors, lambda i: f"{at}: errors[{i}]")
    )

    ttft = _floats(ttfts, "ttfts", at)
    if latencies is not None:
        e2e = _floats(latencies, "latencies", at)
    elif itls is not None:
        e2e = ttft + _itl_sums(itls, at)
    else:
        raise LoadError(
            f"{at}: neither `latencies` nor `itls` is present, so the end-to-end latency "
            "of each request is unknown"
        )
    failed = np.array([e is not None for e in error_text], dtype=bool)
    ttft[failed] = np.nan
    e2e[failed] = np.nan
    request_start = (
        seconds_since_first(_floats(start_times, "start_times", at))
        if start_times is not None
        else None
    )
    return Run.from_columns(
        name,
        time_to_first_token=ttft,
        time_to_last_token=e2e,
        num_tokens_output=_floats(output_lens, "output_lens", at),
        num_tokens_input=None if input_lens is None else _floats(input_lens, "input_lens", at),
        request_start=request_start,
        error=error_text,
        format=format,
        source=str(path),
        metadata=metadata,
    )


def _array_field(
    obj: Mapping[str, Any], key: str, at: str, n: int | None = None, *, required: bool = True
) -> list[Any] | None:
    """obj[key] as a list of length n; a LoadError naming the field when it is not."""
    value = obj.get(key)
    if value is None:
        if required:
            raise LoadError(f"{at}: the per-request field `{key}` is missing")
        return None
    if not isinstance(value, list):
        raise LoadError(f"{at}: `{key}` should be a list, one entry per request")
    if n is not None and len(value) != n:
        raise LoadError(
            f"{at}: `{key}` has {len(value)} entries but `ttfts` has {n}; the per-request "
            "arrays must be parallel"
        )
    return value


def _floats(values: list[Any], key: str, at: str) -> np.ndarray:
    """float64 array of a per-request list by the number rule (`number_array`)."""
    return number_array(values, lambda i: f"{at}: {key}[{i}]")


def _itl_sums(itls: list[Any], at: str) -> np.ndarray:
    """Sum of each request's inter-token gaps (None → NaN), by the number rule."""
    sums = np.full(len(itls), np.nan)
    for index, gaps in enumerate(itls):
        if gaps is None:
            continue
        if not isinstance(gaps, list):
            raise LoadError(f"{at}: itls[{index}] should be a list of numbers (one per gap)")
        sums[index] = math.fsum(number_array(gaps, lambda j, i=index: f"{at}: itls[{i}][{j}]"))
    return sums
