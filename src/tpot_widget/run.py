"""The `Run`: one benchmark run as immutable per-request columns, whatever tool wrote it.

Column names are LLMeter's dimension names, times are seconds, missing numbers are NaN and
failed requests keep their error text. TPOT is always recomputed from TTFT, E2E and the
output token count (FORMATS.md), so runs from different tools compare like with like.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

# The column names by kind (durations in seconds, token counts, request start, error) are
# defined once with their labels and units in `columns`; run.py re-exports them.
from .columns import COLUMNS, DURATION_COLUMNS, NUMERIC_COLUMNS, TOKEN_COLUMNS
from .load import Achieved, Load, measure_achieved

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

#: Plausibility bounds, the one place they are set: a duration above `MAX_DURATION_S`
#: (about 11.6 days) or a token count above `MAX_TOKENS` is not a measurement; it becomes
#: NaN with a warning, as do TTFT > E2E (by more than `TIME_TOLERANCE_S`) and
#: TTFT = E2E = 0 on a request without error.
MAX_DURATION_S = 1e6
MAX_TOKENS = 1e9
TIME_TOLERANCE_S = 1e-6
#: How many row numbers a warning lists before "...".
_ROWS_SHOWN = 5
#: Schema-metadata key of `Run.to_parquet` files (name, format, source, metadata as JSON).
PARQUET_KEY = b"tpot_widget"


def recompute_tpot(ttft: np.ndarray, e2e: np.ndarray, output_tokens: np.ndarray) -> np.ndarray:
    """TPOT = (E2E − TTFT) / (output tokens − 1) where output tokens > 1, else NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tpot = (e2e - ttft) / (output_tokens - 1.0)
    tpot[~(output_tokens > 1)] = np.nan
    tpot[~np.isfinite(tpot) | (tpot < 0)] = np.nan
    return tpot


def _as_float_column(values: Any, n: int | None, name: str) -> np.ndarray:
    """A float64 copy of `values` with None → NaN; raises if the length is wrong.

    A NaN written as a value (not None) is turned into -inf here so that
    `_clean_bad_values` counts it with the other bad values before it becomes NaN. Text
    and booleans are not numbers: a ValueError names the column and row.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "b":
        raise ValueError(f"column {name!r} holds booleans, not numbers")
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        array = values.astype(np.float64, copy=True)
    else:
        values = list(values) if not isinstance(values, list) else values
        for row, v in enumerate(values):
            if isinstance(v, (bool, np.bool_, str, bytes)) or not (
                v is None or isinstance(v, (int, float, np.integer, np.floating))
            ):
                raise ValueError(
                    f"column {name!r}, row {row}: {v!r} is not a number (numbers or None only; "
                    "text and booleans are not read as numbers)"
                )
        array = np.array(
            [np.nan if v is None else (-np.inf if v != v else v) for v in values],
            dtype=np.float64,
        ).reshape(-1)
    if array.ndim != 1:
        raise ValueError(f"column {name!r} must be one-dimensional, got shape {array.shape}")
    if n is not None and len(array) != n:
        raise ValueError(f"column {name!r} has {len(array)} rows, expected {n}")
    return array


def _as_error_column(values: Any, n: int) -> np.ndarray:
    """An object array of str-or-None error texts.

    No error: None, NaN, pandas <NA>, "", False and 0. An error: any other string (its text), True
    ("error") or another number (e.g. an HTTP status, as text). Lists, dicts and other
    objects are a ValueError naming the row.
    """
    if values is None:
        return np.full(n, None, dtype=object)
    if not (isinstance(values, np.ndarray) and values.dtype == object):
        values = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if len(values) != n:
        raise ValueError(f"column 'error' has {len(values)} rows, expected {n}")
    kinds = set(map(type, values))
    if kinds <= {str, type(None)}:  # the usual case, fast for big runs
        out = np.array(values, dtype=object) if isinstance(values, list) else values.copy()
        if str in kinds:
            out[out == ""] = None
        return out.reshape(n)
    out = np.empty(n, dtype=object)
    for i, v in enumerate(values):
        if v is None or v is False or (isinstance(v, str) and v == "") or _is_pandas_missing(v):
            out[i] = None
        elif isinstance(v, str):
            out[i] = v
        elif v is True or isinstance(v, np.bool_):
            out[i] = "error" if v else None
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out[i] = None if v == 0 or v != v else str(v)
        else:
            raise ValueError(
                f"column 'error', row {i}: {v!r} is not an error text (expected a string, "
                "None, or a boolean/number flag)"
            )
    return out


def _is_pandas_missing(value: Any) -> bool:
    """True for pandas' <NA> and NaT (without importing pandas)."""
    kind = type(value)
    return kind.__module__.startswith("pandas") and kind.__name__ in ("NAType", "NaTType")


def _not_none(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the entries of an object array that are not None (fast)."""
    return np.not_equal(values, None).astype(bool, copy=False)  # type: ignore[call-overload]


def _frame_seconds(series: Any, name: str) -> np.ndarray:
    """One DataFrame column as float64 seconds / counts, by the number rule.

    Timedeltas → seconds; a datetime `request_start` → seconds since its first value
    (other datetime columns are refused); booleans, text, lists... name the column and
    the first bad row.
    """
    import pandas as pd

    kind = series.dtype.kind
    if kind == "m":
        return series.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    if kind == "M" or isinstance(series.dtype, pd.DatetimeTZDtype):
        if name != "request_start":
            raise ValueError(
                f"column {name!r} holds dates/times; durations should be seconds or timedeltas"
            )
        elapsed = series - series.min()
        return elapsed.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    if kind == "b":
        raise ValueError(f"column {name!r} holds booleans, not numbers")
    if kind in "fiu":
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    values = series.tolist()
    out = np.empty(len(values), dtype=np.float64)
    for row, v in enumerate(values):
        if v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v is pd.NA:
            out[row] = np.nan
        elif isinstance(v, pd.Timedelta) or hasattr(v, "total_seconds"):
            out[row] = v.total_seconds()
        elif isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
            v, (bool, np.bool_)
        ):
            out[row] = float(v)
        else:
            label = series.index[row]
            at = f"row {row}" if label == row else f"row {row} (index {label!r})"
            raise ValueError(
                f"column {name!r}, {at}: {v!r} is not a number (numbers, timedeltas or "
                "None only; text and booleans are not read as numbers)"
            )
    return out


def _frame_errors(series: Any) -> list[Any]:
    """A DataFrame's error column as Python values, read by what its values say whatever its
    dtype: a categorical column by its values (not its codes), pandas <NA> (the `string` and
    nullable dtypes' missing value) as None."""
    values = series.astype(object)  # categories → their values; string dtype → str / <NA>
    return values.where(series.notna(), None).tolist()


@dataclass(frozen=True, eq=False, repr=False)
class Run:
    """One benchmark run: a name, where it came from, and one row per request.

    Build one with `Run.from_columns` (loaders do) or `Run.from_frame`; the columns are
    read-only numpy arrays of equal length (see `COLUMNS`).
    """

    name: str
    columns: Mapping[str, np.ndarray]
    format: str = "frame"
    source: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: The load level the tool ran this run at (None when it did not record one).
    load: Load | None = None

    @classmethod
    def from_columns(
        cls,
        name: str,
        *,
        time_to_first_token: Any,
        time_to_last_token: Any,
        num_tokens_output: Any,
        num_tokens_input: Any = None,
        tpot_reported: Any = None,
        request_start: Any = None,
        error: Any = None,
        format: str = "frame",
        source: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        load: Load | Any = None,
    ) -> Run:
        """Build a Run from per-request sequences (seconds, token counts, error texts).

        Recomputes `time_per_output_token`; turns NaN, ±Infinity, negative and
        impossible values (TTFT > E2E, TTFT = E2E = 0, beyond `MAX_DURATION_S` /
        `MAX_TOKENS`) into NaN and warns with their count and rows, naming `source`.
        Text and booleans in number columns are a ValueError (see `_as_float_column`).
        """
        ttft = _as_float_column(time_to_first_token, None, "time_to_first_token")
        n = len(ttft)
        e2e = _as_float_column(time_to_last_token, n, "time_to_last_token")
        out_tokens = _as_float_column(num_tokens_output, n, "num_tokens_output")

        def optional(values: Any, col: str) -> np.ndarray:
            return np.full(n, np.nan) if values is None else _as_float_column(values, n, col)

        columns: dict[str, np.ndarray] = {
            "time_to_first_token": ttft,
            "time_to_last_token": e2e,
            "tpot_reported": optional(tpot_reported, "tpot_reported"),
            "num_tokens_input": optional(num_tokens_input, "num_tokens_input"),
            "num_tokens_output": out_tokens,
            "request_start": optional(request_start, "request_start"),
        }
        error_column = _as_error_column(error, n)
        failed = _not_none(error_column)
        _clean_bad_values(columns, name=name, source=source, failed=failed)
        columns["time_per_output_token"] = recompute_tpot(
            columns["time_to_first_token"],
            columns["time_to_last_token"],
            columns["num_tokens_output"],
        )
        columns["error"] = error_column
        ordered = {c: columns[c] for c in COLUMNS}
        for array in ordered.values():
            array.flags.writeable = False
        return cls(
            name=str(name),
            columns=MappingProxyType(ordered),
            format=format,
            source=None if source is None else str(source),
            metadata=MappingProxyType(dict(metadata or {})),
            load=None if load is None else Load.parse(load),
        )

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        name: str | None = None,
        *,
        format: str = "frame",
        source: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        load: Load | Any = None,
    ) -> Run:
        """A Run from a pandas or polars DataFrame with the canonical column names.

        Needs `time_to_first_token`, `time_to_last_token` and `num_tokens_output`; the
        other columns are optional. `time_per_output_token` is recomputed, not read.
        Timedelta columns are converted to seconds; a datetime `request_start` to seconds
        since the first request. In `error` (object, pandas `string` or categorical), None,
        NaN, <NA>, "", False and 0 mean no error.
        A cell that is not a number (text, list, dict...) or a duplicate column is a
        ValueError naming the column and row.
        """
        if hasattr(frame, "to_pandas") and not hasattr(frame, "iloc"):
            frame = frame.to_pandas()  # polars
        if not (hasattr(frame, "columns") and hasattr(frame, "iloc")):
            raise TypeError(
                f"Run.from_frame expects a pandas or polars DataFrame, got a "
                f"{type(frame).__name__}; for per-request sequences use Run.from_columns, "
                "for a benchmark file load_run(path)"
            )
        duplicated = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        if duplicated:
            raise ValueError(
                f"the DataFrame has duplicate column(s) {duplicated}; keep one of each"
            )
        required = ("time_to_first_token", "time_to_last_token", "num_tokens_output")
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise ValueError(
                f"the DataFrame lacks the column(s) {missing}; a Run needs "
                f"{list(required)} (seconds and token counts), optionally "
                "num_tokens_input, tpot_reported, request_start and error"
            )

        def col(c: str) -> Any:
            if c not in frame.columns:
                return None
            if c == "error":
                return _frame_errors(frame[c])
            return _frame_seconds(frame[c], c)

        if name is None:
            name = str(frame.attrs.get("name", "run")) if hasattr(frame, "attrs") else "run"
        return cls.from_columns(
            name,
            time_to_first_token=col("time_to_first_token"),
            time_to_last_token=col("time_to_last_token"),
            num_tokens_output=col("num_tokens_output"),
            num_tokens_input=col("num_tokens_input"),
            tpot_reported=col("tpot_reported"),
            request_start=col("request_start"),
            error=col("error"),
            format=format,
            source=source,
            metadata=metadata,
            load=load,
        )

    # --- load level ----------------------------------------------------------------------

    def with_load(self, load: Load | Any) -> Run:
        """The same run at load level `load` (a `Load`, "concurrency=16", ("rate", 2.5)...;
        None clears it)."""
        import dataclasses

        return dataclasses.replace(self, load=None if load is None else Load.parse(load))

    @cached_property
    def achieved(self) -> Achieved:
        """What the run achieved, measured from its requests: request rate, mean requests in
        flight, output tokens/s (None where the run has no start times)."""
        return measure_achieved(self)

    # --- columns -------------------------------------------------------------------------

    def __getitem__(self, column: str) -> np.ndarray:
        """The read-only numpy array of one column."""
        try:
            return self.columns[column]
        except KeyError:
            raise KeyError(
                f"Run {self.name!r} has no column {column!r}; columns are {list(COLUMNS)}"
            ) from None

    def __len__(self) -> int:
        return len(self.columns["time_to_first_token"])

    def __iter__(self) -> Iterator[str]:
        return iter(COLUMNS)

    @property
    def run_name(self) -> str:
        """LLMeter's name for `name`."""
        return self.name

    @cached_property
    def errors(self) -> np.ndarray:
        """Read-only boolean mask of the failed requests (computed once: the Run is immutable)."""
        mask = _not_none(self.columns["error"])
        mask.flags.writeable = False
        return mask

    @cached_property
    def n_errors(self) -> int:
        """How many requests failed (kept in the data, excluded from statistics)."""
        return int(self.errors.sum())

    def valid(self, dimension: str) -> np.ndarray:
        """Mask of rows usable for statistics on `dimension`: no error, value not NaN."""
        return ~self.errors & ~np.isnan(self[dimension])

    def get_dimension(self, dimension: str) -> list[Any]:
        """LLMeter-compatible: the column as a list, None where missing (errors included)."""
        if dimension == "error":
            return list(self.columns["error"])
        values = self[dimension]
        as_int = dimension in TOKEN_COLUMNS
        return [
            None if math.isnan(v) else (int(v) if as_int else float(v)) for v in values.tolist()
        ]

    # --- conversions ---------------------------------------------------------------------

    def to_pandas(self) -> pd.DataFrame:
        """A pandas DataFrame with one column per Run column (a copy)."""
        import pandas as pd

        frame = pd.DataFrame({c: np.array(self.columns[c]) for c in COLUMNS})
        frame.attrs["name"] = self.name
        return frame

    def to_polars(self) -> pl.DataFrame:
        """A polars DataFrame with one column per Run column (needs polars installed)."""
        try:
            import polars as pl
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Run.to_polars() needs polars: pip install 'tpot_widget[polars]'"
            ) from exc
        data: dict[str, Any] = {c: np.array(self.columns[c]) for c in NUMERIC_COLUMNS}
        data["error"] = pl.Series("error", list(self.columns["error"]), dtype=pl.Utf8)
        return pl.DataFrame(data)

    def to_parquet(self, path: str | Path, *, compression: str = "snappy") -> Path:
        """Write the run to a Parquet file that `load_run` reads back exactly.

        Parameters
        ----------
        path
            The file to write (overwritten).
        compression
            Parquet codec (``"snappy"``, the fastest to reload here; ``"zstd"``, ``"none"``...).

        Returns
        -------
        Path
            The file written. Its columns are `COLUMNS` (float64, `error` as text); the
            name, format, source and metadata are JSON in the schema metadata under
            `PARQUET_KEY` (metadata values that are not JSON are written as text).
        """
        import json

        import pyarrow as pa
        import pyarrow.parquet as pq

        arrays = [pa.array(np.asarray(self.columns[c]), type=pa.float64()) for c in NUMERIC_COLUMNS]
        arrays.append(pa.array(list(self.columns["error"]), type=pa.string()))
        header = {
            "version": 1,
            "name": self.name,
            "format": self.format,
            "source": self.source,
            "metadata": dict(self.metadata),
            "load": None if self.load is None else self.load.to_dict(),
        }
        schema = pa.schema(
            [pa.field(c, pa.float64()) for c in NUMERIC_COLUMNS] + [pa.field("error", pa.string())],
            metadata={PARQUET_KEY: json.dumps(header, default=str).encode()},
        )
        path = Path(path)
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path, compression=compression)
        return path

    def __repr__(self) -> str:
        tpot = self.columns["time_per_output_token"][self.valid("time_per_output_token")]
        median = f"{np.median(tpot) * 1e3:.3g} ms" if len(tpot) else "n/a"
        return (
            f"Run({self.name!r}, format={self.format!r}, requests={len(self)}, "
            f"errors={self.n_errors}, median_tpot={median})"
        )


def _rows(mask: np.ndarray) -> str:
    """'rows 3, 8, 12' (0-based, file order) with '...' after `_ROWS_SHOWN` of them."""
    rows = np.flatnonzero(mask)
    shown = ", ".join(str(r) for r in rows[:_ROWS_SHOWN])
    more = ", ..." if len(rows) > _ROWS_SHOWN else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _clean_bad_values(
    columns: dict[str, np.ndarray],
    *,
    name: str,
    source: str | None,
    failed: np.ndarray | None = None,
) -> None:
    """NaN-out bad values in place, the one place where values are sanitised.

    Non-finite and negative durations/token counts; durations above `MAX_DURATION_S` and
    token counts above `MAX_TOKENS`; and, on requests without error, TTFT > E2E or
    TTFT = E2E = 0 (both set to NaN). Each kind is warned about once, with its count and
    first rows (0-based, in file order), naming `source`.
    """
    n = len(columns["time_to_first_token"])
    bad = np.zeros(n, dtype=bool)
    bad_count = 0
    absurd = np.zeros(n, dtype=bool)
    for column in (*DURATION_COLUMNS[:2], "tpot_reported", *TOKEN_COLUMNS):
        array = columns[column]
        mask = np.isinf(array) | (array < 0)
        bad |= mask
        bad_count += int(mask.sum())
        array[mask] = np.nan
        limit = MAX_TOKENS if column in TOKEN_COLUMNS else MAX_DURATION_S
        too_big = array > limit
        absurd |= too_big
        array[too_big] = np.nan
    ok = np.ones(n, dtype=bool) if failed is None else ~failed
    ttft, e2e = columns["time_to_first_token"], columns["time_to_last_token"]
    with np.errstate(invalid="ignore"):
        after_end = ok & (ttft > e2e + TIME_TOLERANCE_S)
        both_zero = ok & (ttft == 0) & (e2e == 0)
    impossible = after_end | both_zero
    ttft[impossible] = np.nan
    e2e[impossible] = np.nan
    where = f"{source}" if source else f"run {name!r}"
    if bad_count:
        warnings.warn(
            f"{where}: {bad_count} NaN, infinite or negative duration/token value(s) set to NaN "
            f"({_rows(bad)}; they are treated as missing)",
            stacklevel=3,
        )
    parts = []
    if after_end.any():
        parts.append(f"TTFT > E2E in {int(after_end.sum())} ({_rows(after_end)})")
    if both_zero.any():
        parts.append(f"TTFT = E2E = 0 in {int(both_zero.sum())} ({_rows(both_zero)})")
    if absurd.any():
        parts.append(
            f"a duration above {MAX_DURATION_S:g} s or a token count above {MAX_TOKENS:g} in "
            f"{int(absurd.sum())} ({_rows(absurd)})"
        )
    if parts:
        warnings.warn(
            f"{where}: impossible values set to NaN (treated as missing): " + "; ".join(parts),
            stacklevel=3,
        )
