"""The parameters of a comparison: their types, defaults, and the one validation every surface uses.

`compare`, `Comparer`, `TPOTCompare`, the report and the CLI all call the functions here, so
they accept and refuse exactly the same values with the same messages. `Parameters` is the
validated set a `Comparison` carries and reports (`Comparison.parameters`).
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from .columns import NUMERIC_COLUMNS, TOKEN_COLUMNS
from .durations import validate_slo
from .stats.statistics import parse_statistic
from .wire import ParametersDict

__all__ = [
    "DEFAULTS",
    "MATCH_COLUMNS",
    "MAX_RESAMPLES",
    "MAX_RUNS",
    "METHODS",
    "MIN_RESAMPLES",
    "MIN_RUNS",
    "NAMES",
    "RANGE_BOUND_RULE",
    "Parameters",
    "Range",
    "check_run_count",
    "normalize_column",
    "normalize_confidence_level",
    "normalize_gpus",
    "normalize_match",
    "normalize_method",
    "normalize_n_resamples",
    "normalize_range",
    "normalize_slo_target",
    "normalize_statistic",
    "normalize_threshold",
    "resolve",
    "unique_names",
]

#: An inclusive (lo, hi) range on one column; either bound None = open on that side.
Range = tuple[float | None, float | None]

#: How many runs (or arms) one comparison holds; the first is the baseline.
MIN_RUNS, MAX_RUNS = 2, 8
#: Bounds of `n_resamples`: below 100 an interval's tails hold a handful of replicates; above
#: a million the replicates alone need tens of MB per run and the brush stops being live.
MIN_RESAMPLES, MAX_RESAMPLES = 100, 1_000_000
#: Confidence levels offered: [0.5, 0.9999]; lower is not a confidence interval anyone uses.
MIN_CONFIDENCE, MAX_CONFIDENCE = 0.5, 0.9999
#: Bootstrap interval methods, by canonical name.
METHODS: tuple[str, ...] = ("BCa", "percentile")
#: Columns a comparison can be matched on (workload covariates).
MATCH_COLUMNS: tuple[str, ...] = TOKEN_COLUMNS


@dataclass(frozen=True)
class Parameters:
    """A validated set of comparison parameters (the defaults are the documented ones).

    Build it with `Parameters.from_user(...)`, which validates and normalises every value;
    the constructor itself trusts its arguments.
    """

    dimension: str = "time_per_output_token"
    x_dimension: str = "num_tokens_output"
    statistic: str = "median"
    confidence_level: float = 0.95
    method: str = "BCa"
    n_resamples: int = 9999
    token_range: Range | None = None
    time_range: Range | None = None
    threshold: float | None = None
    match: tuple[str, ...] | None = None
    slo: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_user(cls, **values: Any) -> Parameters:
        """Validate user-facing values (any subset; the rest take their defaults)."""
        unknown = set(values) - set(NAMES)
        if unknown:
            raise TypeError(f"unknown comparison parameter(s): {', '.join(sorted(unknown))}")
        d = DEFAULTS
        return cls(
            dimension=normalize_column(values.get("dimension", d.dimension), "dimension"),
            x_dimension=normalize_column(values.get("x_dimension", d.x_dimension), "x_dimension"),
            statistic=normalize_statistic(values.get("statistic", d.statistic)),
            confidence_level=normalize_confidence_level(
                values.get("confidence_level", d.confidence_level)
            ),
            method=normalize_method(values.get("method", d.method)),
            n_resamples=normalize_n_resamples(values.get("n_resamples", d.n_resamples)),
            token_range=normalize_range(values.get("token_range"), "token_range"),
            time_range=normalize_range(values.get("time_range"), "time_range"),
            threshold=normalize_threshold(values.get("threshold")),
            match=normalize_match(values.get("match")),
            slo=validate_slo(values.get("slo") or {}),
        )

    def to_dict(self) -> ParametersDict:
        """JSON-safe: ranges as [lo, hi] lists (None = open), `match` as a list or None."""
        return {
            "dimension": self.dimension,
            "x_dimension": self.x_dimension,
            "statistic": self.statistic,
            "confidence_level": self.confidence_level,
            "method": self.method,
            "n_resamples": self.n_resamples,
            "token_range": None if self.token_range is None else list(self.token_range),
            "time_range": None if self.time_range is None else list(self.time_range),
            "threshold": self.threshold,
            "match": None if self.match is None else list(self.match),
            "slo": dict(self.slo),
        }


#: The defaults, written once.
DEFAULTS = Parameters()
#: The parameters' names, in order: `compare`'s keywords and `TPOTCompare`'s traits of the
#: same name (the widget builds its `Parameters` from them).
NAMES: tuple[str, ...] = tuple(f.name for f in fields(Parameters))


def resolve(
    parameters: Parameters | None,
    values: Mapping[str, Any],
    *,
    dimension: str,
    x_dimension: str,
    prepared_by: str,
) -> Parameters:
    """The parameters of a prepared comparer's call: a validated `Parameters`, or `compare`'s
    keyword arguments validated here (not both), for the columns it was prepared for."""
    if parameters is None:
        parameters = Parameters.from_user(dimension=dimension, x_dimension=x_dimension, **values)
    elif values:
        raise TypeError("pass either a Parameters or keyword arguments, not both")
    if (parameters.dimension, parameters.x_dimension) != (dimension, x_dimension):
        raise ValueError(
            f"this {prepared_by} was prepared for dimension={dimension!r}, "
            f"x_dimension={x_dimension!r}; build another for {parameters.dimension!r}"
        )
    return parameters


def _is_number(value: Any) -> bool:
    """A real number that is not a bool (True is not 1 token)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _show(value: Any) -> str:
    """A value as messages quote it, the same whichever surface passed it: whole numbers
    without ".0" (95 and 95.0 → "95"), numpy scalars as plain numbers, pairs as (lo, hi)."""
    if _is_number(value):
        try:
            number = float(value)
        except OverflowError:
            return str(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))
        return repr(number)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return repr(value)


#: The rule of a range's bounds, quoted by every refusal (the CLI's empty side is None).
RANGE_BOUND_RULE = "a bound is a finite number, or None (empty on the command line) for an open end"


def _show_bound(bound: Any) -> str:
    """A range bound as messages quote it; an int beyond the float range in short (1.000e+400)."""
    if isinstance(bound, numbers.Integral) and not isinstance(bound, bool):
        try:
            float(bound)
        except OverflowError:
            return format(Decimal(int(bound)), ".3e")
    return _show(bound)


def normalize_range(value: Any, name: str = "token_range") -> Range | None:
    """None or an inclusive (lo, hi) pair: each bound a finite number or None (open), lo <= hi.

    Ints stay ints (200, not 200.0); (None, None) means "everything" → None. An infinite
    bound is not "open": ±inf, NaN and an int beyond the float range are refused with
    `RANGE_BOUND_RULE` (a range written (5, -inf) is a mistake, not a request for every row),
    as are strings, booleans and anything but a pair (a ValueError).
    """
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, Iterable)):
        raise ValueError(f"{name} must be None or a (lo, hi) pair, got {_show(value)}")
    items = list(value)
    if len(items) != 2:
        raise ValueError(f"{name} must be None or a (lo, hi) pair, got {_show(value)}")
    bounds: list[float | None] = []
    for bound in items:
        if bound is None:
            bounds.append(None)
            continue
        if not _is_number(bound):
            raise ValueError(
                f"{name} bounds must be numbers or None, got {_show(bound)} in {_show(value)}"
            )
        try:
            number = float(bound)
        except OverflowError:  # an int beyond the float range: no measurement reaches it
            number = math.inf
        if not math.isfinite(number):
            shown = ", ".join(_show_bound(b) for b in items)
            raise ValueError(f"{name}=({shown}): {RANGE_BOUND_RULE}")
        if isinstance(bound, numbers.Integral) or number.is_integer():
            bounds.append(int(number))
        else:
            bounds.append(number)
    lo, hi = bounds
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"{name}=({lo}, {hi}) is empty: the lower bound is above the upper")
    if lo is None and hi is None:
        return None
    return (lo, hi)


def normalize_column(value: Any, name: str = "dimension") -> str:
    """A numeric Run column name, else a ValueError listing them."""
    if not isinstance(value, str) or value not in NUMERIC_COLUMNS:
        raise ValueError(
            f"{name}={_show(value)} is not a numeric Run column; "
            f"choose one of {list(NUMERIC_COLUMNS)}"
        )
    return value


def normalize_statistic(value: Any) -> str:
    """The canonical name of a registered statistic: "median", "mean", a percentile "pNN" /
    "pNN.d" with 0 < NN < 100 ("P90 " → "p90", "p99.90" → "p99.9"), or a name added with
    `stats.statistics.register`; the one grammar is `stats.statistics.parse_statistic`'s.

    p0 and p100 (the minimum and maximum) are refused: their bootstrap is degenerate.
    """
    return parse_statistic(value).name


def normalize_confidence_level(value: Any) -> float:
    """A float in [0.5, 0.9999], e.g. 0.95."""
    if not _is_number(value) or not MIN_CONFIDENCE <= float(value) <= MAX_CONFIDENCE:
        raise ValueError(
            f"confidence_level={_show(value)} must be a number in [{MIN_CONFIDENCE}, "
            f"{MAX_CONFIDENCE}], e.g. 0.95"
        )
    return float(value)


def normalize_method(value: Any) -> str:
    """ "BCa" or "percentile" (case ignored)."""
    canonical = {m.lower(): m for m in METHODS}.get(str(value).strip().lower())
    if canonical is None:
        raise ValueError(f"method={_show(value)} is not supported; use 'BCa' or 'percentile'")
    return canonical


def normalize_n_resamples(value: Any) -> int:
    """An integer in [100, 1,000,000]: fewer make the CI's tails noise, more exhaust memory."""
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not is_int and not (_is_number(value) and float(value).is_integer()):
        raise ValueError(f"n_resamples={_show(value)} must be an integer, e.g. 9999")
    n = int(value)
    if not MIN_RESAMPLES <= n <= MAX_RESAMPLES:
        raise ValueError(
            f"n_resamples={n} must be between {MIN_RESAMPLES:,} and {MAX_RESAMPLES:,} "
            "(9999 is plenty for a 95% CI)"
        )
    return n


def normalize_threshold(value: Any) -> float | None:
    """None, or a relative practical threshold in (0, 1): 0.02 = ±2% is "equivalent"."""
    if value is None:
        return None
    if not _is_number(value) or not 0.0 < float(value) < 1.0:
        raise ValueError(
            f"threshold={_show(value)} must be None or a relative difference in (0, 1), e.g. 0.02 "
            "for ±2%"
        )
    return float(value)


def normalize_match(value: Any) -> tuple[str, ...] | None:
    """None, a token column, or several: the workload covariates to match the runs on."""
    if value is None or value == () or value == []:
        return None
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, (Sequence, Iterable)) and not isinstance(value, bytes):
        items = list(value)
    else:
        items = [value]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or item not in MATCH_COLUMNS:
            # Names the offending item alone: a list or a single name gives the same text.
            columns = " or ".join(map(repr, MATCH_COLUMNS))
            raise ValueError(f"cannot match on {_show(item)}: match takes {columns} (or both)")
        if item not in out:
            out.append(item)
    return tuple(out)


def normalize_slo_target(value: Any) -> float:
    """The SLO attainment a sweep's max load holds to: a share in (0, 1), e.g. 0.9."""
    if not _is_number(value) or not 0.0 < float(value) < 1.0:
        raise ValueError(
            f"slo_target={_show(value)} must be a share of requests in (0, 1), e.g. 0.9 for 90% "
            "of requests meeting every objective"
        )
    return float(value)


def normalize_gpus(value: Any, n_configs: int) -> tuple[int | None, ...]:
    """GPUs per configuration (for per-GPU throughput): None, one count for all, or one per
    configuration (None where unknown); counts are positive integers."""
    if value is None:
        return (None,) * n_configs
    items = list(value) if isinstance(value, (list, tuple)) else [value] * n_configs
    if len(items) != n_configs:
        raise ValueError(
            f"gpus has {len(items)} entries for {n_configs} configurations; give one count for "
            "all, or one per configuration (None where unknown)"
        )
    out: list[int | None] = []
    for item in items:
        if item is None:
            out.append(None)
            continue
        if not _is_number(item) or not float(item).is_integer() or not float(item) >= 1:
            raise ValueError(f"gpus: {_show(item)} is not a GPU count (a positive integer)")
        out.append(int(item))
    return tuple(out)


def check_run_count(n: int, what: str = "compare") -> None:
    """Refuse fewer than 2 or more than 8 runs (the first is the baseline)."""
    if not MIN_RUNS <= n <= MAX_RUNS:
        raise ValueError(
            f"{what} needs {MIN_RUNS} to {MAX_RUNS} runs or arms (the first is the baseline), "
            f"got {n}"
        )


def unique_names(names: Sequence[str]) -> list[str]:
    """Names made distinct: each repeated name gets " (1)", " (2)"... in order; unique names
    unchanged.

    The one naming rule of every surface, so two runs with one name stay two runs in the
    statistics, the widget, selections, the report and the CLI. A generated name never
    collides with a name already present.
    """
    counts = Counter(names)
    taken = set(names)
    seen: Counter[str] = Counter()
    out: list[str] = []
    for name in names:
        if counts[name] == 1:
            out.append(name)
            continue
        seen[name] += 1
        candidate = f"{name} ({seen[name]})"
        while candidate in taken and candidate != name:
            seen[name] += 1
            candidate = f"{name} ({seen[name]})"
        taken.add(candidate)
        out.append(candidate)
    return out
