"""Duration texts and SLO objectives: one parser for the Python API, the CLI and the widget.

A duration text is a number followed by a unit: ``"500ms"``, ``"0.5s"``, ``"50 ms"``,
``"1.2e-3s"``, ``"250us"`` / ``"250µs"``, ``"800ns"``, ``"1.5min"``. The unit is required in
a text: a bare ``"500"`` is refused because tools disagree on what it means (vLLM's
``--goodput ttft:500`` is milliseconds, the Python API here is seconds); a caller that knows
its unit (the widget's ms inputs) passes ``default_unit="ms"``. ``"m"`` is refused too (milli
or minutes?): write ``ms`` or ``min``. A Python number is taken as seconds.

SLO objectives map a duration column (`tpot_widget.run.DURATION_COLUMNS`) to a threshold in
seconds. Keys may be the column names or the short aliases of `SLO_ALIASES`
(``ttft``, ``tpot``, ``e2e``/``e2el``/``latency``); there is no ``itl``: no tool here records
per-token gaps as a column, and TPOT is the per-token figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from .run import DURATION_COLUMNS

#: Seconds per unit, for every unit spelling a duration text may use.
UNITS: Mapping[str, float] = MappingProxyType(
    {
        "ns": 1e-9,
        "us": 1e-6,
        "µs": 1e-6,  # MICRO SIGN
        "μs": 1e-6,  # GREEK SMALL LETTER MU
        "ms": 1e-3,
        "s": 1.0,
        "sec": 1.0,
        "min": 60.0,
    }
)

#: Short names accepted as SLO keys, each mapped to its canonical duration column.
SLO_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "ttft": "time_to_first_token",
        "tpot": "time_per_output_token",
        "e2e": "time_to_last_token",
        "e2el": "time_to_last_token",
        "latency": "time_to_last_token",
    }
)

_NUMBER_UNIT = re.compile(
    r"^\s*(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>[^\d\s.+-]*)\s*$"
)


def _unit_list() -> str:
    return ", ".join(UNITS)


def parse_duration(text: str | float, *, default_unit: str | None = None) -> float:
    """Parse a duration into seconds.

    Parameters
    ----------
    text : str or float
        A number with a unit (``"500ms"``, ``"0.5 s"``, ``"1.2e-3s"``, ``"250µs"``,
        ``"1.5min"``), or a Python int/float taken as seconds.
    default_unit : str, optional
        The unit of a bare number in `text` (e.g. ``"ms"`` for the widget's inputs). By
        default a bare number in a text is refused as ambiguous.

    Returns
    -------
    float
        The duration in seconds, finite and >= 0.

    Raises
    ------
    ValueError
        If the text is not a number with a known unit, or the duration is negative, NaN or
        infinite. The message quotes the text and lists the units.
    """
    if isinstance(text, bool):
        raise ValueError(f"a duration must be a number or a text like '500ms', got {text!r}")
    if isinstance(text, (int, float)):
        seconds = float(text)
        where = repr(text)
    elif isinstance(text, str):
        match = _NUMBER_UNIT.match(text)
        if match is None:
            raise ValueError(
                f"cannot read the duration {text!r}: write a number and a unit, "
                f"e.g. '500ms' or '0.5s' (units: {_unit_list()})"
            )
        unit = (match["unit"] or default_unit or "").lower() or None
        if unit is None:
            raise ValueError(
                f"the duration {text!r} has no unit: write e.g. '{match['number']}ms' or "
                f"'{match['number']}s' (units: {_unit_list()})"
            )
        if unit == "m":
            raise ValueError(
                f"the unit 'm' in {text!r} is ambiguous: write 'ms' for milliseconds or "
                "'min' for minutes"
            )
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r} in {text!r}; units are {_unit_list()}")
        seconds = float(match["number"]) * UNITS[unit]
        where = repr(text)
    else:
        raise ValueError(
            f"a duration must be a number or a text like '500ms', got {type(text).__name__}"
        )
    if not math.isfinite(seconds):
        raise ValueError(f"the duration {where} is not finite")
    if seconds < 0:
        raise ValueError(f"the duration {where} is negative")
    return seconds


def format_duration(seconds: float) -> str:
    """Format seconds as a short text that `parse_duration` reads back.

    Parameters
    ----------
    seconds : float
        A finite duration in seconds.

    Returns
    -------
    str
        ``"500ms"`` below one second (``"250us"`` below a millisecond), else ``"1.5s"``;
        up to 6 significant digits.
    """
    seconds = float(seconds)
    if seconds != 0 and abs(seconds) < 1e-3:
        return f"{seconds * 1e6:.6g}us"
    if abs(seconds) < 1:
        return f"{seconds * 1e3:.6g}ms"
    return f"{seconds:.6g}s"


def slo_key(key: str) -> str:
    """The canonical duration column for an SLO key or alias.

    Parameters
    ----------
    key : str
        A column of `DURATION_COLUMNS` or an alias of `SLO_ALIASES`; case and ``-``/``_``
        do not matter (``"TTFT"``, ``"time-to-first-token"``).

    Returns
    -------
    str
        The column name, e.g. ``"time_to_first_token"``.

    Raises
    ------
    ValueError
        If the key names no duration column; the message lists the valid keys.
    """
    if not isinstance(key, str):
        raise ValueError(f"an SLO key must be a text, got {key!r}; {_valid_keys()}")
    normal = key.strip().lower().replace("-", "_")
    if normal in DURATION_COLUMNS:
        return normal
    if normal in SLO_ALIASES:
        return SLO_ALIASES[normal]
    hint = ""
    if normal == "itl":
        hint = " (per-token gaps are not a column; 'tpot' is the per-token figure)"
    raise ValueError(f"unknown SLO objective {key!r}{hint}; {_valid_keys()}")


def _valid_keys() -> str:
    aliases = ", ".join(f"{a} ({c})" for a, c in SLO_ALIASES.items())
    return f"valid keys are {', '.join(DURATION_COLUMNS)} or the aliases {aliases}"


def parse_slo(text: str) -> tuple[str, float]:
    """Parse one ``key=duration`` objective, as given to the CLI's ``--slo``.

    Parameters
    ----------
    text : str
        ``"ttft=500ms"``, ``"tpot = 50ms"`` or ``"time_to_last_token:2s"`` (``=`` or ``:``).
        The duration needs a unit.

    Returns
    -------
    tuple of (str, float)
        The canonical column and the threshold in seconds, e.g.
        ``("time_to_first_token", 0.5)``.

    Raises
    ------
    ValueError
        If there is no ``=``/``:``, the key is unknown, or the duration is bad or not > 0.
    """
    key, sep, value = text.partition("=")
    if not sep:
        key, sep, value = text.partition(":")
    if not sep or not key.strip():
        raise ValueError(
            f"cannot read the SLO objective {text!r}: write key=duration, e.g. 'ttft=500ms' "
            "or 'tpot=50ms'"
        )
    column = slo_key(key)
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise ValueError(f"SLO objective {text!r}: {exc}") from None
    if seconds <= 0:
        raise ValueError(f"SLO objective {text!r}: the threshold must be > 0")
    return column, seconds


def parse_slos(texts: Iterable[str]) -> dict[str, float]:
    """Parse several objectives (repeated ``--slo``; each text may hold comma-separated ones).

    Parameters
    ----------
    texts : iterable of str
        E.g. ``["ttft=500ms", "tpot=50ms"]`` or ``["ttft=500ms,tpot=50ms"]``.

    Returns
    -------
    dict of str to float
        Canonical column → seconds, in `DURATION_COLUMNS` order.

    Raises
    ------
    ValueError
        On a bad objective, or the same column given twice (``ttft`` and
        ``time_to_first_token`` count as the same).
    """
    found: dict[str, tuple[str, float]] = {}
    for text in texts:
        for part in str(text).split(","):
            if not part.strip():
                continue
            column, seconds = parse_slo(part.strip())
            if column in found:
                raise ValueError(
                    f"the SLO objective for {column} is given twice: {found[column][0]!r} and "
                    f"{part.strip()!r}"
                )
            found[column] = (part.strip(), seconds)
    return {c: found[c][1] for c in DURATION_COLUMNS if c in found}


def validate_slo(objectives: Mapping[str, float | str]) -> dict[str, float]:
    """Check SLO objectives and return them with canonical keys, in seconds.

    Parameters
    ----------
    objectives : mapping of str to float or str
        Column or alias → threshold. Numbers are seconds; texts need a unit
        (``{"ttft": "500ms", "time_per_output_token": 0.05}``).

    Returns
    -------
    dict of str to float
        Canonical column → positive finite seconds (Python floats), in `DURATION_COLUMNS`
        order. Empty if `objectives` is empty.

    Raises
    ------
    ValueError
        Naming the bad key or value: an unknown key (the valid keys are listed), a threshold
        that is not a positive finite duration, or one column given twice under two names.
    """
    if not isinstance(objectives, Mapping):
        raise ValueError(
            "slo must be a mapping of duration column to seconds, e.g. "
            f"{{'time_to_first_token': 0.5}}, got {type(objectives).__name__}"
        )
    found: dict[str, tuple[str, float]] = {}
    for key, value in objectives.items():
        column = slo_key(key)
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            raise ValueError(f"SLO objective {key!r}: {exc}") from None
        if seconds <= 0:
            raise ValueError(f"SLO objective {key!r}: the threshold must be > 0, got {value!r}")
        if column in found:
            raise ValueError(
                f"the SLO objective for {column} is given twice: as {found[column][0]!r} and "
                f"as {key!r}"
            )
        found[column] = (key, seconds)
    return {c: found[c][1] for c in DURATION_COLUMNS if c in found}
