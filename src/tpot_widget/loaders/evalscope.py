"""evalscope perf (modelscope/evalscope): the SQLite file `benchmark_data.db`, table
`result`, one row per request (warm-up requests are not written).

Columns read: `start_time`, `completed_time` (s, `time.perf_counter()`), `success` (1/0),
`latency` (E2E, s), `first_chunk_latency` (TTFT, s), `prompt_tokens`, `completion_tokens`,
`time_per_output_token` (evalscope's own TPOT, s; since October 2025), `is_stream` (since
July 2026; a non-streaming request has no TTFT) and `request` (the JSON body, for the
model's name). `response_messages` is a pickle and is never read. A failed row
(`success` = 0) has no timings and evalscope keeps no error text in the file.

Load level: evalscope writes each run into `<outputs>/<time>/<name>/parallel_P_number_N/`
(closed loop: P requests in flight) or `rate_R_number_N/` (`--open-loop`: R requests/s),
with its arguments in `benchmark_args.json` beside the database
(evalscope/perf/main.py, utils/db_util.py). From the arguments: open loop → rate `rate`;
closed loop → rate `rate` when it is set (not -1, its "no limit"; `parallel` then only caps
it), else concurrency `parallel`; without them, from the folder's name. Runs in such
folders share the `sweep_config` "<name> · <time>" of the folders above.
"""

from __future__ import annotations

import math
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from ..load import Load
from ..run import Run
from ._io import LoadError
from ._json import read_side_json
from ._levels import UNLIMITED, level_in_name, limit, offered_load
from ._metadata import sweep_metadata
from ._names import model_folder_name, model_in_bodies
from ._times import since_first_start

FORMAT = "evalscope"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = (
    "benchmark_args.json",
    "benchmark_summary.json",
    "benchmark_percentile.json",
)

_MAGIC = b"SQLite format 3\x00"
_NEEDED = ("latency", "first_chunk_latency", "completion_tokens", "success")
_NUMERIC = (
    "start_time",
    "latency",
    "first_chunk_latency",
    "prompt_tokens",
    "completion_tokens",
    "time_per_output_token",
    "success",
    "is_stream",
)
_FAILED = "request failed (evalscope keeps no error message in benchmark_data.db)"


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection (the file is never changed, not even its journal)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _columns(connection: sqlite3.Connection) -> list[str]:
    """The column names of table `result` ([] when there is no such table)."""
    return [row[1] for row in connection.execute("PRAGMA table_info(result)")]


def sniff(path: Path, head: bytes) -> bool:
    """An SQLite file whose table `result` has evalscope's latency columns."""
    if not head.startswith(_MAGIC):
        return False
    try:
        with closing(_connect(Path(path))) as connection:
            columns = _columns(connection)
    except sqlite3.Error:
        return False
    return all(c in columns for c in _NEEDED)


def load(path: Path) -> list[Run]:
    """The one run of an evalscope perf `benchmark_data.db`."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            magic = f.read(len(_MAGIC))
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the file ({exc.strerror})") from exc
    if magic != _MAGIC:
        raise LoadError(f"{path}: not an SQLite database; evalscope perf writes benchmark_data.db")
    try:
        with closing(_connect(path)) as connection:
            columns = _columns(connection)
            missing = [c for c in _NEEDED if c not in columns]
            if missing:
                raise LoadError(
                    f"{path}: table `result` lacks the column(s) {', '.join(missing)} (or the "
                    f"table is missing); evalscope perf's table has {', '.join(_NEEDED)}"
                )
            wanted = [c for c in (*_NUMERIC, "request") if c in columns]
            rows = connection.execute(
                f"SELECT rowid, {', '.join(wanted)} FROM result ORDER BY rowid"
            ).fetchall()
    except sqlite3.Error as exc:
        raise LoadError(f"{path}: cannot read the SQLite database ({exc})") from exc
    if not rows:
        raise LoadError(f"{path}: table `result` holds no request")
    index = {c: i + 1 for i, c in enumerate(wanted)}

    def column(name: str) -> list[float | None]:
        if name not in index:
            return [None] * len(rows)
        return [_number(row[index[name]], path, row[0], name) for row in rows]

    success = column("success")
    stream = column("is_stream")
    ttft = column("first_chunk_latency")
    tpot = column("time_per_output_token")
    errors: list[str | None] = []
    for i, ok in enumerate(success):
        failed = not ok
        errors.append(_FAILED if failed else None)
        if stream[i] == 0:  # a non-streaming reply: its "first chunk" is the whole reply
            ttft[i] = tpot[i] = None
    at = index.get("request")
    model = None if at is None else model_in_bodies(row[at] for row in rows)
    return [
        Run.from_columns(
            model_folder_name(path, model),  # evalscope names the folder after the run
            time_to_first_token=ttft,
            time_to_last_token=column("latency"),
            tpot_reported=tpot,
            num_tokens_input=column("prompt_tokens"),
            num_tokens_output=column("completion_tokens"),
            request_start=since_first_start(column("start_time")),
            error=errors,
            format=FORMAT,
            source=str(path),
            metadata={
                "tool": "evalscope perf",
                "model": model,
                "tpot_reported": "evalscope's time_per_output_token, (E2E - TTFT) / (n - 1)",
                **(
                    sweep_metadata(_sweep_config(path))
                    if _RUN_FOLDER.match(path.parent.name)
                    else {}
                ),
            },
            load=_level(path),
        )
    ]


#: evalscope's run folder (evalscope/perf/main.py `run_multi_benchmark`).
_RUN_FOLDER = re.compile(r"^(?:parallel_\d+|rate_-?\d+(?:\.\d+)?)_number_\d+$")
_ARGS_FILE = "benchmark_args.json"
_ARGS_MAX_BYTES = 4 << 20


def _first(value: Any) -> Any:
    """A sweep argument's value for one run (a list's first entry, as evalscope sets it)."""
    return value[0] if isinstance(value, list) and value else value


def _level(path: Path) -> Load | None:
    """The run's level from `benchmark_args.json`, else from its folder's name."""
    args = read_side_json(path.parent, _ARGS_FILE, _ARGS_MAX_BYTES)
    if not isinstance(args, dict):
        return _folder_level(path.parent.name)
    rate = limit(_first(args.get("rate")), unlimited=(-1, -1.0))
    if args.get("open_loop"):
        return offered_load(rate, None)
    parallel = limit(_first(args.get("parallel")), unlimited=())
    return offered_load(None if rate == UNLIMITED else rate, parallel)


def _folder_level(name: str) -> Load | None:
    """`parallel_P_number_N` → concurrency P; `rate_R_number_N` → rate R."""
    if not _RUN_FOLDER.match(name):
        return None
    if name.startswith("parallel_"):
        return Load("concurrency", int(name.split("_")[1]))
    return level_in_name(name.rsplit("_number_", 1)[0])


def _sweep_config(path: Path) -> str:
    """ "<name> · <time>": the folders evalscope writes its runs into."""
    name_folder = path.parent.parent
    return " · ".join(p for p in (name_folder.name, name_folder.parent.name) if p) or "evalscope"


def _number(value: Any, path: Path, rowid: int, name: str) -> float | None:
    """An SQLite REAL/INTEGER as float (NULL → None); text or blobs are a LoadError."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        return -math.inf if math.isnan(number) else number
    raise LoadError(
        f"{path}: table result, row {rowid}: {name} is {value!r}, not a number; "
        "is this really evalscope's benchmark_data.db?"
    )
