"""SLO attainment: which requests meet every objective, exact CIs of it and its difference.

Array-level (no Runs): columns are any mapping of column name → numpy array (a Run's
``run.columns`` qualifies). Objectives are canonical duration columns → seconds, as returned
by `tpot_widget.durations.validate_slo`.

Definitions
-----------
- A request **meets the SLO** when it succeeded and its value is ``<= threshold`` for every
  objective. A failed request misses. A missing (NaN) value misses too: an unmeasured latency
  cannot be shown to meet the objective, and dropping it would flatter the run.
- **Attainment** = met / n, where n counts every selected request, failed ones included;
  its CI is Clopper–Pearson's (exact: it covers at least its level for every n and p).
  Wilson's score interval, the usual choice, does not at high attainment: by exact
  enumeration over n = 20…500 and p = 0.5…0.999 it falls to 0.84 (0.911 at p = 0.99,
  n = 50), every miss below the truth, while Clopper–Pearson never falls below 0.95
  (tests/test_stats_slo.py).
- The **difference** is attainment(run) − attainment(baseline), with Newcombe's
  square-and-add interval (Newcombe 1998, method 10) built on the Clopper–Pearson limits of
  each side. On a grid of n_a, n_b in 20…500 and p in 0.5…0.999 it covers ≥ 0.953 everywhere
  (with Wilson limits, Newcombe's own choice: 0.921; Agresti–Caffo: 0.928). With equal
  attainments it calls "better"/"worse" at most 4.1 % of the time at every n ≥ 1, so the
  verdict needs no minimum sample (below ~23 requests a side the interval of a non-zero
  difference can cover less, down to 0.91 at n = 1). Verdict "better"
  when the whole CI is above 0 (higher attainment), "worse" when below, "not enough data"
  when a side has no request or did not measure an objective's column.
- A run **without an objective's column** (absent, or NaN in every successful selected
  request, e.g. a tool that records no TTFT) has no attainment: None, the column named in
  ``unmeasured`` and in a note, never 0 % and never a "worse".
- **Goodput** = requests (and their output tokens) that met the SLO per second of the run,
  where the run's duration is the span from the first request start to the last request end
  (start + E2E; a request without E2E, e.g. a failed one, ends at its start) over the selected
  requests whose start time is known. None when no selected request has a start time, or the
  span is 0. Output-token goodput is None when a request that met the SLO has no token count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from .._finite import clean
from .critical import normal_quantile

SLOVerdict = Literal["better", "worse", "no significant difference", "not enough data"]
Limits = Literal["clopper-pearson", "wilson"]


def _z(confidence_level: float) -> float:
    """`normal_quantile` of `confidence_level`, which must lie in (0, 1)."""
    level = float(confidence_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence_level must be between 0 and 1, got {confidence_level!r}")
    return normal_quantile(level)


def _wilson_bounds(
    met: np.ndarray | float, n: np.ndarray | float, z: float
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Wilson score bounds (n > 0), exact 0 and 1 at the edges."""
    met = np.asarray(met, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    p = met / n
    z2 = z * z
    centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n)
    half = z / (1.0 + z2 / n) * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    lo = np.where(met == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(met == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return lo, hi


def _clopper_pearson_bounds(
    met: np.ndarray | float, n: np.ndarray | float, confidence_level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Clopper–Pearson bounds (n > 0) from Beta quantiles, exact 0 and 1 at the edges."""
    from scipy.special import betaincinv

    met = np.asarray(met, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    alpha = 1.0 - float(confidence_level)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(met == 0, 0.0, betaincinv(np.maximum(met, 1.0), n - met + 1.0, alpha / 2))
        hi = np.where(
            met == n, 1.0, betaincinv(met + 1.0, np.maximum(n - met, 1.0), 1.0 - alpha / 2)
        )
    return lo, hi


def _bounds(
    met: np.ndarray | float, n: np.ndarray | float, confidence_level: float, limits: Limits
) -> tuple[np.ndarray, np.ndarray]:
    if limits == "wilson":
        return _wilson_bounds(met, n, _z(confidence_level))
    return _clopper_pearson_bounds(met, n, confidence_level)


def _check_counts(met: int, n: int, what: str) -> tuple[int, int]:
    met_i, n_i = int(met), int(n)
    if met_i != met or n_i != n or n_i < 0 or not 0 <= met_i <= n_i:
        raise ValueError(f"{what}: need integers 0 <= met <= n, got met={met!r}, n={n!r}")
    return met_i, n_i


def _interval(
    met: int, n: int, confidence_level: float, limits: Limits, what: str
) -> tuple[float, float] | None:
    """One proportion's `limits` interval, its counts and level checked; None when n = 0."""
    met, n = _check_counts(met, n, what)
    _z(confidence_level)
    if n == 0:
        return None
    lo, hi = _bounds(met, n, confidence_level, limits)
    return float(lo), float(hi)


def wilson_interval(met: int, n: int, confidence_level: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion met / n (no continuity correction).

    Parameters
    ----------
    met : int
        Successes (requests that met the SLO), 0 <= met <= n.
    n : int
        Trials (requests).
    confidence_level : float, default 0.95
        Two-sided level, between 0 and 1.

    Returns
    -------
    tuple of (float, float) or None
        ``(low, high)`` within [0, 1] (exactly 0 when met = 0, exactly 1 when met = n);
        None when n = 0. Same as
        ``scipy.stats.binomtest(met, n).proportion_ci(confidence_level, method="wilson")``.
    """
    return _interval(met, n, confidence_level, "wilson", "wilson_interval")


def clopper_pearson_interval(
    met: int, n: int, confidence_level: float = 0.95
) -> tuple[float, float] | None:
    """Clopper–Pearson ("exact") interval for a proportion met / n.

    Parameters
    ----------
    met : int
        Successes (requests that met the SLO), 0 <= met <= n.
    n : int
        Trials (requests).
    confidence_level : float, default 0.95
        Two-sided level, between 0 and 1.

    Returns
    -------
    tuple of (float, float) or None
        ``(low, high)``: the Beta(met, n − met + 1) and Beta(met + 1, n − met) quantiles at
        α/2 and 1 − α/2 (exactly 0 when met = 0, 1 when met = n); it covers the true
        proportion with probability ≥ the level for every n and p. None when n = 0. Same as
        ``scipy.stats.binomtest(met, n).proportion_ci(confidence_level, method="exact")``.
    """
    return _interval(met, n, confidence_level, "clopper-pearson", "clopper_pearson_interval")


def newcombe_difference(
    met_a: int,
    n_a: int,
    met_b: int,
    n_b: int,
    confidence_level: float = 0.95,
    limits: Limits = "clopper-pearson",
) -> tuple[float, float, float] | None:
    """Difference of two proportions p_b − p_a with Newcombe's square-and-add interval.

    Newcombe (1998), "Interval estimation for the difference between independent
    proportions: comparison of eleven methods", Statistics in Medicine 17:873–890,
    method 10: the intervals (l, u) of each proportion combine as
    ``low = d − sqrt((p_b − l_b)² + (u_a − p_a)²)`` and
    ``high = d + sqrt((u_b − p_b)² + (p_a − l_a)²)``. Newcombe used Wilson limits; the
    default here is Clopper–Pearson limits, which keep the level at high attainment (see the
    module docstring).

    Parameters
    ----------
    met_a, n_a : int
        The baseline's successes and trials.
    met_b, n_b : int
        The other run's successes and trials.
    confidence_level : float, default 0.95
        Two-sided level, between 0 and 1.
    limits : {"clopper-pearson", "wilson"}
        The per-proportion intervals combined ("wilson": Newcombe's published method 10).

    Returns
    -------
    tuple of (float, float, float) or None
        ``(difference, low, high)`` with −1 <= low <= difference <= high <= 1; None when
        n_a or n_b is 0.
    """
    met_a, n_a = _check_counts(met_a, n_a, "newcombe_difference (a)")
    met_b, n_b = _check_counts(met_b, n_b, "newcombe_difference (b)")
    _z(confidence_level)
    if limits not in ("clopper-pearson", "wilson"):
        raise ValueError(f"limits must be 'clopper-pearson' or 'wilson', got {limits!r}")
    if n_a == 0 or n_b == 0:
        return None
    d, lo, hi = newcombe_arrays(
        np.array([met_a]),
        np.array([n_a]),
        np.array([met_b]),
        np.array([n_b]),
        confidence_level,
        limits,
    )
    return float(d[0]), float(lo[0]), float(hi[0])


def newcombe_arrays(
    met_a: np.ndarray,
    n_a: np.ndarray,
    met_b: np.ndarray,
    n_b: np.ndarray,
    confidence_level: float = 0.95,
    limits: Limits = "clopper-pearson",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised `newcombe_difference` (every n > 0): (d, low, high) arrays, for enumeration."""
    p_a = np.asarray(met_a, dtype=np.float64) / n_a
    p_b = np.asarray(met_b, dtype=np.float64) / n_b
    lo_a, hi_a = _bounds(met_a, n_a, confidence_level, limits)
    lo_b, hi_b = _bounds(met_b, n_b, confidence_level, limits)
    d = p_b - p_a
    lo = d - np.sqrt((p_b - lo_b) ** 2 + (hi_a - p_a) ** 2)
    hi = d + np.sqrt((hi_b - p_b) ** 2 + (p_a - lo_a) ** 2)
    return d, np.clip(lo, -1.0, 1.0), np.clip(hi, -1.0, 1.0)


def attainment_verdict(ci_low: float | None, ci_high: float | None) -> SLOVerdict:
    """The verdict for a difference in attainment (run − baseline) from its CI.

    Parameters
    ----------
    ci_low, ci_high : float or None
        The CI of the difference; None when there is not enough data.

    Returns
    -------
    str
        ``"better"`` (the CI lies above 0: higher attainment than the baseline),
        ``"worse"`` (below 0), ``"no significant difference"`` (contains 0) or
        ``"not enough data"``.
    """
    if ci_low is None or ci_high is None:
        return "not enough data"
    if ci_low > 0.0:
        return "better"
    if ci_high < 0.0:
        return "worse"
    return "no significant difference"


def slo_met(
    columns: Mapping[str, np.ndarray],
    errors: np.ndarray,
    objectives: Mapping[str, float],
) -> np.ndarray:
    """Which requests meet the SLO: succeeded and ``value <= threshold`` for every objective.

    Parameters
    ----------
    columns : mapping of str to numpy.ndarray
        Per-request columns (e.g. ``run.columns``), holding every objective's column.
    errors : numpy.ndarray of bool
        True where the request failed (``run.errors``); failed requests miss.
    objectives : mapping of str to float
        Column → threshold in seconds (see `tpot_widget.durations.validate_slo`). With no
        objective every successful request meets the SLO.

    Returns
    -------
    numpy.ndarray of bool
        One entry per request. A NaN value misses (an unmeasured latency does not meet an
        objective).

    Raises
    ------
    ValueError
        If an objective's column is absent, its length differs from `errors`, or a threshold
        is not a finite number.
    """
    errors = np.asarray(errors, dtype=bool)
    met = ~errors
    for column, threshold in objectives.items():
        if column not in columns:
            raise ValueError(
                f"SLO objective {column!r} is not a column here; columns are {list(columns)}"
            )
        limit = float(threshold)
        if not math.isfinite(limit):
            raise ValueError(f"SLO objective {column!r}: threshold {threshold!r} is not finite")
        values = np.asarray(columns[column], dtype=np.float64)
        if values.shape != errors.shape:
            raise ValueError(
                f"SLO objective {column!r}: the column has {values.shape[0]} rows, the error "
                f"mask {errors.shape[0]}"
            )
        met &= values <= limit  # NaN compares False: a missing value misses
    return met


def run_duration(
    request_start: np.ndarray | None, time_to_last_token: np.ndarray | None = None
) -> float | None:
    """The span of a set of requests: first start to last end (start + E2E), in seconds.

    Parameters
    ----------
    request_start : numpy.ndarray or None
        Start times in seconds (NaN where unknown); None when the tool records none.
    time_to_last_token : numpy.ndarray, optional
        E2E latency per request; a NaN E2E (a failed request) ends at its start.

    Returns
    -------
    float or None
        The span over the requests with a known start; None when none has one or the span
        is not > 0.
    """
    if request_start is None:
        return None
    start = np.asarray(request_start, dtype=np.float64)
    known = np.isfinite(start)
    if not known.any():
        return None
    end = start
    if time_to_last_token is not None:
        e2e = np.asarray(time_to_last_token, dtype=np.float64)
        end = np.where(np.isfinite(e2e), start + e2e, start)
    span = float(np.max(end[known]) - np.min(start[known]))
    return span if span > 0 else None


def goodput(
    met: np.ndarray,
    request_start: np.ndarray | None,
    time_to_last_token: np.ndarray | None = None,
    num_tokens_output: np.ndarray | None = None,
) -> tuple[float | None, float | None, float | None]:
    """Requests and output tokens per second that met the SLO.

    Parameters
    ----------
    met : numpy.ndarray of bool
        `slo_met` of the requests (the selection, failed requests included).
    request_start, time_to_last_token : numpy.ndarray or None
        As for `run_duration`, which gives the duration.
    num_tokens_output : numpy.ndarray, optional
        Output tokens per request.

    Returns
    -------
    tuple of (float or None, float or None, float or None)
        ``(duration_s, goodput_rps, goodput_tokens_per_s)``. All None without a duration;
        the token rate is None without token counts or when a request that met the SLO has
        no token count (NaN), rather than counting it as 0.
    """
    met = np.asarray(met, dtype=bool)
    duration = run_duration(request_start, time_to_last_token)
    if duration is None:
        return None, None, None
    rps = float(met.sum()) / duration
    tokens_per_s: float | None = None
    if num_tokens_output is not None:
        tokens = np.asarray(num_tokens_output, dtype=np.float64)[met]
        if not np.isnan(tokens).any():
            tokens_per_s = float(tokens.sum()) / duration
    return duration, clean(rps), clean(tokens_per_s)


def slo_summary(
    names: Sequence[str],
    columns: Sequence[Mapping[str, np.ndarray]],
    errors: Sequence[np.ndarray],
    objectives: Mapping[str, float],
    *,
    masks: Sequence[np.ndarray | None] | None = None,
    met: Sequence[np.ndarray] | None = None,
    confidence_level: float = 0.95,
) -> dict[str, Any]:
    """SLO attainment per run (Clopper–Pearson CI), goodput, and each run against the first.

    Parameters
    ----------
    names : sequence of str
        Run names; the first run is the baseline.
    columns : sequence of mapping of str to numpy.ndarray
        Each run's full columns (``run.columns``). Goodput uses ``request_start``,
        ``time_to_last_token`` and ``num_tokens_output`` where present.
    errors : sequence of numpy.ndarray of bool
        Each run's failed-request mask (``run.errors``).
    objectives : mapping of str to float
        Canonical column → seconds, at least one (`tpot_widget.durations.validate_slo`).
    masks : sequence of (numpy.ndarray of bool or None), optional
        Each run's selection over all its rows (failed included), e.g. the token and time
        ranges; None (or a None entry) selects every row.
    met : sequence of numpy.ndarray of bool, optional
        Precomputed ``slo_met(columns[i], errors[i], objectives)`` per run (full length), so
        a brush only has to count; computed here when omitted.
    confidence_level : float, default 0.95
        Two-sided level of every CI.

    Returns
    -------
    dict
        JSON-safe (Python ints/floats/str, None, never NaN)::

            {
              "objectives": {"time_to_first_token": 0.5, ...},   # seconds
              "confidence_level": 0.95,
              "runs": [                                           # baseline first
                {"name", "n", "met", "n_errors", "attainment", "ci_low", "ci_high",
                 "duration_s", "goodput_rps", "goodput_tokens_per_s", "unmeasured"}, ...],
              "differences": [                                    # one per non-baseline run
                {"name", "baseline", "estimate", "ci_low", "ci_high", "verdict"}, ...],
              "notes": [str, ...],                                # unmeasured columns
            }

        ``n`` counts the selected requests (failed included), ``met`` those meeting the SLO,
        ``n_errors`` the failed ones among them; ``attainment`` = met / n with its
        Clopper–Pearson CI (None when n = 0, or when the run did not measure an objective's
        column: ``unmeasured`` names them, and goodput is None too). ``estimate`` is
        attainment(run) − attainment(baseline) as a proportion (0.05 = 5 percentage points)
        with Newcombe's square-and-add CI on Clopper–Pearson limits; ``verdict`` is one of
        "better", "worse", "no significant difference", "not enough data".

    Raises
    ------
    ValueError
        With no objective, mismatched sequence lengths, or an objective missing from a run.
    """
    if not objectives:
        raise ValueError(
            "slo_summary needs at least one objective, e.g. {'time_to_first_token': 0.5}"
        )
    k = len(names)
    if len(columns) != k or len(errors) != k:
        raise ValueError(
            f"slo_summary: {k} names but {len(columns)} column sets and {len(errors)} error masks"
        )
    if masks is not None and len(masks) != k:
        raise ValueError(f"slo_summary: {k} names but {len(masks)} masks")
    if met is not None and len(met) != k:
        raise ValueError(f"slo_summary: {k} names but {len(met)} met masks")
    _z(confidence_level)
    objectives_out = {str(c): float(v) for c, v in objectives.items()}

    runs: list[dict[str, Any]] = []
    counts: list[tuple[int, int] | None] = []
    notes: list[str] = []
    for i, name in enumerate(names):
        cols, err = columns[i], np.asarray(errors[i], dtype=bool)
        ok = slo_met(cols, err, objectives) if met is None else np.asarray(met[i], dtype=bool)
        mask = None if masks is None else masks[i]
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != err.shape:
                raise ValueError(
                    f"slo_summary: run {name!r} has {err.shape[0]} rows, its mask {mask.shape[0]}"
                )

        def pick(column: str, mask: np.ndarray | None = mask, cols: Any = cols) -> Any:
            if column not in cols:
                return None
            values = np.asarray(cols[column], dtype=np.float64)
            return values if mask is None else values[mask]

        ok_sel = ok if mask is None else ok[mask]
        n = int(ok_sel.shape[0])
        n_met = int(ok_sel.sum())
        failed = err if mask is None else err[mask]
        n_errors = int(failed.sum())
        unmeasured = unmeasured_columns(cols, failed, objectives, pick)
        duration, rps, tps = goodput(
            ok_sel, pick("request_start"), pick("time_to_last_token"), pick("num_tokens_output")
        )
        attainment: float | None = None
        ci: tuple[float | None, float | None] = (None, None)
        if unmeasured:
            notes.append(
                f"SLO: {name} has no {' or '.join(unmeasured)} values in the selection "
                "(its tool did not record them): its attainment is unknown, not 0%, and it is "
                "not compared."
            )
            counts.append(None)
            rps = tps = None  # 0 met of an unmeasured column is not a goodput of 0
        else:
            if n > 0:
                lo, hi = _clopper_pearson_bounds(n_met, n, confidence_level)
                attainment, ci = n_met / n, (float(lo), float(hi))
            counts.append((n_met, n))
        runs.append(
            {
                "name": str(name),
                "n": n,
                "met": n_met,
                "n_errors": n_errors,
                "attainment": clean(attainment),
                "ci_low": clean(ci[0]),
                "ci_high": clean(ci[1]),
                "duration_s": clean(duration),
                "goodput_rps": rps,
                "goodput_tokens_per_s": tps,
                "unmeasured": unmeasured,
            }
        )

    differences: list[dict[str, Any]] = []
    for i in range(1, k):
        row: dict[str, Any] = {
            "name": str(names[i]),
            "baseline": str(names[0]),
            "estimate": None,
            "ci_low": None,
            "ci_high": None,
        }
        base, other = counts[0], counts[i]
        if base is not None and other is not None and base[1] > 0 and other[1] > 0:
            d, lo, hi = newcombe_arrays(
                np.array([base[0]]),
                np.array([base[1]]),
                np.array([other[0]]),
                np.array([other[1]]),
                confidence_level,
            )
            row.update(estimate=clean(d[0]), ci_low=clean(lo[0]), ci_high=clean(hi[0]))
        row["verdict"] = attainment_verdict(row["ci_low"], row["ci_high"])
        differences.append(row)

    return {
        "objectives": objectives_out,
        "confidence_level": float(confidence_level),
        "runs": runs,
        "differences": differences,
        "notes": notes,
    }


def unmeasured_columns(
    columns: Mapping[str, np.ndarray],
    failed: np.ndarray,
    objectives: Mapping[str, float],
    pick: Any,
) -> list[str]:
    """The objectives' columns a run did not measure: no value in any successful request.

    `pick(column)` gives the column's selected values (None when absent); `failed` is the
    selection's failed-request mask. A selection of failed requests only measured nothing
    either way, so it reports none (its attainment is a true 0 %).
    """
    succeeded = ~np.asarray(failed, dtype=bool)
    if not succeeded.any():
        return []
    out = []
    for column in objectives:
        values = pick(column) if column in columns else None
        if values is None or not np.isfinite(values[succeeded]).any():
            out.append(str(column))
    return out
