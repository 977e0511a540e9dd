"""Parquet files: those `Run.to_parquet` writes (read back exactly), and any Parquet table
with the canonical columns (`time_to_first_token`, `time_to_last_token`,
`num_tokens_output`, optionally `num_tokens_input`, `tpot_reported`, `request_start`,
`error`; seconds and token counts).

`Run.to_parquet` stores the run's name, format, source and metadata as JSON in the schema
metadata (`run.PARQUET_KEY`); they come back as they were, so a reloaded run is the run
that was saved. A table without them is named after its file, with format "parquet".
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from ..load import Load
from ..run import NUMERIC_COLUMNS, PARQUET_KEY, Run
from ._io import LoadError, data_stem, open_data

FORMAT = "parquet"
#: The tool's side files (glob patterns) that hold no per-request data; a folder's
#: search passes over them without a word.
COMPANIONS: tuple[str, ...] = ()

_MAGIC = b"PAR1"
_REQUIRED = ("time_to_first_token", "time_to_last_token", "num_tokens_output")


def sniff(path: Path, head: bytes) -> bool:
    """A file that starts with Parquet's magic bytes."""
    return head.startswith(_MAGIC)


def _read_table(path: Path) -> Any:
    """The pyarrow table of a (possibly compressed) Parquet file."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise LoadError(f"{path}: reading Parquet needs pyarrow (pip install pyarrow)") from exc
    with open_data(path) as f:
        compressed = f.compression is not None
        data = f.read() if compressed else None
    try:
        return pq.read_table(str(path) if data is None else io.BytesIO(data))
    except (pa.ArrowException, OSError) as exc:
        reason = " ".join(str(exc).split())
        raise LoadError(
            f"{path}: not a readable Parquet file ({reason}); the file is damaged or "
            "truncated (an interrupted copy, an edit): restore it from the original, or write "
            "it again (Run.to_parquet)"
        ) from exc


def load(path: Path) -> list[Run]:
    """The run of a Parquet file (seconds, token counts, error texts)."""
    path = Path(path)
    table = _read_table(path)
    names = table.column_names
    duplicated = sorted({c for c in names if names.count(c) > 1})
    if duplicated:
        raise LoadError(f"{path}: duplicate column(s) {duplicated}; keep one of each")
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise LoadError(
            f"{path}: the Parquet table lacks {', '.join(missing)} (found: "
            f"{', '.join(names[:12]) or 'no column'}); a run needs {', '.join(_REQUIRED)} "
            "in seconds and tokens (Run.to_parquet writes them)"
        )
    header = _header(table, path)
    columns: dict[str, Any] = {}
    for name in (*NUMERIC_COLUMNS, "error"):
        if name == "time_per_output_token" or name not in names:
            continue
        column = table.column(name)
        if name == "error":
            columns[name] = _error_values(column)
            continue
        kind = str(column.type)
        if not (kind.startswith(("double", "float", "int", "uint", "halffloat"))):
            raise LoadError(
                f"{path}: column {name!r} is of type {kind}; it should hold numbers "
                "(seconds or token counts)"
            )
        columns[name] = column.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    try:
        run = Run.from_columns(
            header.get("name") or data_stem(path),
            time_to_first_token=columns["time_to_first_token"],
            time_to_last_token=columns["time_to_last_token"],
            num_tokens_output=columns["num_tokens_output"],
            num_tokens_input=columns.get("num_tokens_input"),
            tpot_reported=columns.get("tpot_reported"),
            request_start=columns.get("request_start"),
            error=columns.get("error"),
            format=header.get("format") or FORMAT,
            source=header["source"] if "source" in header else str(path),
            metadata=header.get("metadata") or {},
            load=header.get("load"),
        )
    except ValueError as exc:
        raise LoadError(f"{path}: {exc}") from exc
    return [run]


def _error_values(column: Any) -> np.ndarray:
    """The error column's values (str, None, flags): a dictionary-encoded (categorical)
    column is decoded first, so that its missing entries stay missing (numpy conversion of a
    dictionary column fills them with a category)."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    values: np.ndarray = column.to_numpy(zero_copy_only=False)
    return values


#: The header fields `Run.to_parquet` writes, and the JSON types each may hold.
_HEADER_TYPES: dict[str, tuple[type, ...]] = {
    "version": (int,),
    "name": (str,),
    "format": (str,),
    "source": (str, type(None)),
    "metadata": (dict,),
    "load": (dict, str, type(None)),
}


def _header(table: Any, path: Path) -> dict[str, Any]:
    """The run header `Run.to_parquet` stored, {} for another tool's Parquet file; an edited
    or damaged header is a LoadError naming the file and the field."""
    raw = (table.schema.metadata or {}).get(PARQUET_KEY)
    if raw is None:
        return {}
    try:
        header = json.loads(raw)
    except ValueError:
        raise _broken_header(path, "it is not valid JSON") from None
    if not isinstance(header, dict):
        raise _broken_header(path, f"it holds a {type(header).__name__}, not an object")
    for key, kinds in _HEADER_TYPES.items():
        if key in header and not isinstance(header[key], kinds):
            names = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
            raise _broken_header(path, f"{key!r} is {header[key]!r}, not {names}")
    if header.get("load") is not None:
        try:
            Load.parse(header["load"])
        except ValueError as exc:
            raise _broken_header(path, f"'load' is {header['load']!r} ({exc})") from None
    return header


def _broken_header(path: Path, why: str) -> LoadError:
    """The error of an edited or damaged run header, saying how to get a loadable file."""
    key = PARQUET_KEY.decode()
    return LoadError(
        f"{path}: the run header Run.to_parquet stores in the Parquet schema metadata (key "
        f"{key!r}) is broken: {why}. Was the file edited? Write the run again with "
        f"Run.to_parquet, or drop the {key!r} key (pyarrow: table.replace_schema_metadata) "
        "to load the columns as a plain table"
    )
