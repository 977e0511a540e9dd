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
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

#: Durations in seconds (cleaned: NaN, ±Infinity and negatives become NaN with a warning).
DURATION_COLUMNS: tuple[str, ...] = (
    "time_to_first_token",
    "time_to_last_token",
    "time_per_output_token",
    "tpot_reported",
)
#: Token counts (float64 so that a missing count can be NaN).
TOKEN_COLUMNS: tuple[str, ...] = ("num_tokens_input", "num_tokens_output")
#: Every numeric column, in display order.
NUMERIC_COLUMNS: tuple[str, ...] = (*DURATION_COLUMNS, *TOKEN_COLUMNS, "request_start")
#: Every column of a Run, in order; `error` holds str or None.
COLUMNS: tuple[str, ...] = (*NUMERIC_COLUMNS, "error")


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
    `_clean_bad_values` counts it with the other bad values before it becomes NaN.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        array = values.astype(np.float64, copy=True)
    else:
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
    """An object array of str-or-None error texts (empty strings and NaN mean no error)."""
    if values is None:
        return np.full(n, None, dtype=object)
    out = np.empty(n, dtype=object)
    values = list(values)
    if len(values) != n:
        raise ValueError(f"column 'error' has {len(values)} rows, expected {n}")
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
            out[i] = None
        else:
            out[i] = str(v)
    return out


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
    ) -> Run:
        """Build a Run from per-request sequences (seconds, token counts, error texts).

        Recomputes `time_per_output_token`; turns NaN, ±Infinity and negative durations
        into NaN and warns with their count, naming `source`.
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
        _clean_bad_values(columns, name=name, source=source)
        columns["time_per_output_token"] = recompute_tpot(
            columns["time_to_first_token"],
            columns["time_to_last_token"],
            columns["num_tokens_output"],
        )
        columns["error"] = _as_error_column(error, n)
        ordered = {c: columns[c] for c in COLUMNS}
        for array in ordered.values():
            array.flags.writeable = False
        return cls(
            name=str(name),
            columns=MappingProxyType(ordered),
            format=format,
            source=None if source is None else str(source),
            metadata=MappingProxyType(dict(metadata or {})),
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
    ) -> Run:
        """A Run from a pandas or polars DataFrame with the canonical column names.

        Needs `time_to_first_token`, `time_to_last_token` and `num_tokens_output`; the
        other columns are optional. `time_per_output_token` is recomputed, not read.
        """
        if hasattr(frame, "to_pandas") and not hasattr(frame, "iloc"):
            frame = frame.to_pandas()  # polars
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
            series = frame[c]
            if c == "error":
                return series.tolist()
            return series.to_numpy(dtype=np.float64, na_value=np.nan)

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
        )

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
        mask = np.array([e is not None for e in self.columns["error"]], dtype=bool)
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

    def __repr__(self) -> str:
        tpot = self.columns["time_per_output_token"][self.valid("time_per_output_token")]
        median = f"{np.median(tpot) * 1e3:.3g} ms" if len(tpot) else "n/a"
        return (
            f"Run({self.name!r}, format={self.format!r}, requests={len(self)}, "
            f"errors={self.n_errors}, median_tpot={median})"
        )


def _clean_bad_values(columns: dict[str, np.ndarray], *, name: str, source: str | None) -> None:
    """NaN-out non-finite and negative durations in place; warn once with the count."""
    bad = 0
    for column in ("time_to_first_token", "time_to_last_token", "tpot_reported"):
        array = columns[column]
        mask = np.isinf(array) | (array < 0)
        bad += int(mask.sum())
        array[mask] = np.nan
    for column in TOKEN_COLUMNS:
        array = columns[column]
        mask = np.isinf(array) | (array < 0)
        bad += int(mask.sum())
        array[mask] = np.nan
    if bad:
        where = f"{source}" if source else f"run {name!r}"
        warnings.warn(
            f"{where}: {bad} NaN, infinite or negative duration/token value(s) set to NaN "
            "(they are treated as missing)",
            stacklevel=3,
        )
