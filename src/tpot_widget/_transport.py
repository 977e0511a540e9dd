"""Binary column transport between the widget's kernel side and the browser.

Columns travel once, as raw little-endian buffers (float32 values, uint8 flags) next to a
small JSON header `{"dtype", "shape"}`; never as JSON lists. js/codecs.ts is the mirror. The
HTML report embeds the same bytes as base64 text (`embedded_columns`), thinned evenly above
a number of rows per run (`thin_rows`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .run import NUMERIC_COLUMNS, Run

#: dtypes the front end can decode (js/codecs.ts), by name.
DTYPES: dict[str, np.dtype[Any]] = {
    "float32": np.dtype("<f4"),
    "float64": np.dtype("<f8"),
    "int32": np.dtype("<i4"),
    "uint8": np.dtype("u1"),
}
#: The pseudo-column holding 1 where a request failed (errors are excluded from statistics).
ERROR_FLAG = "error"


def encode_array(values: np.ndarray, dtype: str) -> tuple[dict[str, Any], memoryview]:
    """`values` as (header, buffer): a contiguous little-endian copy in `dtype`, zero JSON."""
    if dtype not in DTYPES:
        raise ValueError(f"unsupported dtype {dtype!r}; one of {sorted(DTYPES)}")
    array = np.ascontiguousarray(values, dtype=DTYPES[dtype])
    header = {"dtype": dtype, "shape": list(array.shape)}
    return header, memoryview(array.reshape(-1).view(np.uint8).data)


def decode_array(header: dict[str, Any], buffer: bytes | memoryview) -> np.ndarray:
    """The inverse of `encode_array` (used by tests and tools that read the messages)."""
    dtype = DTYPES[header["dtype"]]
    return np.frombuffer(buffer, dtype=dtype).reshape(header["shape"])


def column_key(run_key: int | str, column: str) -> str:
    """The key the browser caches a column under: "run_key/column", run_key being the run's
    index or its `_runs_meta` key (e.g. "L3.C1": a sweep level's run, wire.RunMetaDict)."""
    return f"{run_key}/{column}"


def parse_key(key: str, n_runs: int) -> tuple[int, str]:
    """(run_index, column) from a key; ValueError for anything the browser may not ask for."""
    index_text, column = _split_key(key, range(n_runs))
    return int(index_text), column


def _split_key(key: str, run_keys: Iterable[int | str]) -> tuple[str, str]:
    """(run key, column) from a key whose run part is one of `run_keys`; else ValueError."""
    run_key, _, column = key.partition("/")
    if run_key not in {str(k) for k in run_keys}:
        raise ValueError(f"bad column key {key!r}: no such run")
    if column != ERROR_FLAG and column not in NUMERIC_COLUMNS:
        raise ValueError(f"bad column key {key!r}: unknown column")
    return run_key, column


def column_array(run: Run, column: str) -> tuple[dict[str, Any], memoryview]:
    """One Run column ready to send: numbers as float32 (NaN = missing), errors as uint8 flags."""
    if column == ERROR_FLAG:
        return encode_array(run.errors.astype(np.uint8), "uint8")
    return encode_array(run[column], "float32")


def columns_message(
    runs: Sequence[Run] | Mapping[str, Run], keys: Iterable[str]
) -> tuple[dict[str, Any], list[memoryview]]:
    """The custom message answering a request for `keys`: content + one buffer per column.

    `runs` by index, or by run key ("L3.C1"...). `content["columns"][i]` is `{"key",
    "dtype", "shape"}` and describes `buffers[i]`; keys that are not valid are reported in
    `content["rejected"]` instead of failing the batch.
    """
    by_key = runs if isinstance(runs, Mapping) else {str(i): r for i, r in enumerate(runs)}
    described: list[dict[str, Any]] = []
    buffers: list[memoryview] = []
    rejected: list[str] = []
    for key in dict.fromkeys(keys):  # dedupe, keep order
        try:
            run_key, column = _split_key(key, by_key)
        except ValueError:
            rejected.append(key)
            continue
        header, buffer = column_array(by_key[run_key], column)
        described.append({"key": key, **header})
        buffers.append(buffer)
    return {"type": "columns", "columns": described, "rejected": rejected}, buffers


def thin_rows(n: int, max_rows: int, seed: int = 0) -> np.ndarray | None:
    """Ascending indices of an evenly spread, seeded sample of `max_rows` of `n` rows (one
    random row from each of `max_rows` consecutive equal blocks), or None to keep every row."""
    if n <= max_rows:
        return None
    edges = np.arange(max_rows + 1, dtype=np.int64) * n // max_rows
    offsets = np.random.default_rng(seed).random(max_rows) * np.diff(edges)
    return edges[:-1] + offsets.astype(np.int64)


def embedded_columns(
    runs: Sequence[Run],
    columns: Sequence[Sequence[str]],
    max_rows: int,
    keys: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Run i's `columns[i]` as `{"key", "dtype", "shape", "data"}` (the bytes in base64, the
    dtypes `column_array` sends), each run thinned to the same `thin_rows(len(run), max_rows)`
    rows of every column (js/protocol.ts `EmbeddedColumn`); keyed by run index, or by
    `keys[i]` (the runs' `_runs_meta` keys, e.g. "L3.C1")."""
    run_keys = [str(i) for i in range(len(runs))] if keys is None else list(keys)
    out: list[dict[str, Any]] = []
    for index, run, names in zip(run_keys, runs, columns, strict=True):
        rows = thin_rows(len(run), max_rows)
        for column in names:
            header, buffer = column_array(run, column)
            if rows is not None:
                values = np.frombuffer(buffer, dtype=DTYPES[header["dtype"]])[rows]
                header, buffer = encode_array(values, header["dtype"])
            data = base64.b64encode(buffer).decode("ascii")
            out.append({"key": column_key(index, column), **header, "data": data})
    return out
