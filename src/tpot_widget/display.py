"""How things are shown to people: the run palette, short run labels, column and statistic
labels (read from `columns` and the statistics registry), and number formatting, shared by
the widget, the report and the CLI.

The front end's js/format.ts mirrors the formatting functions (same units, digits and
words); the widget sends `PALETTE` colours and `short_labels` to the browser, so a run has
one colour and one label on every surface.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from . import columns
from .stats.statistics import parse_statistic

__all__ = [
    "MAX_LABEL",
    "PALETTE",
    "column_label",
    "common_prefix",
    "format_ci",
    "format_count",
    "format_delta",
    "format_p",
    "format_percent",
    "format_percent_ci",
    "format_points",
    "format_points_ci",
    "format_range",
    "format_share",
    "format_threshold",
    "format_value",
    "middle_ellipsis",
    "short_column_label",
    "short_labels",
    "statistic_label",
    "unit_of",
]

#: One colour per run (baseline first); readable on light and dark backgrounds.
PALETTE: tuple[str, ...] = (
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#B279A2",
    "#72B7B2",
    "#EECA3B",
    "#9D755D",
)

#: Longest short label (characters) before it is shortened with a middle ellipsis.
MAX_LABEL = 28
_ELLIPSIS = "…"
_MINUS = "\u2212"
_SEGMENT = re.compile(r"[\s/|·,;]+")
_NUMBER = re.compile(r"[\d.]+")


# --- run labels ----------------------------------------------------------------------------


def common_prefix(texts: Sequence[str]) -> str:
    """The longest string every text starts with (character by character)."""
    if not texts:
        return ""
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def middle_ellipsis(text: str, max_len: int = MAX_LABEL) -> str:
    """`text` cut in the middle to `max_len` characters, keeping more of the end."""
    if len(text) <= max_len:
        return text
    keep = max_len - 1
    head = keep // 3
    return text[:head] + _ELLIPSIS + text[len(text) - (keep - head) :]


def _differing_tokens(names: Sequence[str]) -> list[str] | None:
    """The words that differ between the names, if the names have the same number of words.

    Words are split at spaces and "/", "|", "·", ",", ";"; brackets and colons around a word
    are dropped ("(TP=1," → "TP=1"). Differing words are joined with " · ".
    """
    parts = [[w.strip("()[]{}:") for w in _SEGMENT.split(n)] for n in names]
    parts = [[w for w in p if w] for p in parts]
    if len({len(p) for p in parts}) != 1 or not parts[0]:
        return None
    differing = [i for i in range(len(parts[0])) if len({p[i] for p in parts}) > 1]
    if not differing:
        return None
    return [" · ".join(p[i] for i in differing) for p in parts]


def _window(label: str, prefix: int, suffix: int, max_len: int) -> str:
    """`label` shortened around its differing characters [prefix, len - suffix)."""
    start, end = prefix, len(label) - suffix
    if end - start >= max_len - 2:
        return middle_ellipsis(label[start:end], max_len)
    budget = max_len - (end - start) - 2  # context around the difference; two ellipses
    right = min(len(label) - end, budget // 2)
    left = min(start, budget - right)
    right = min(len(label) - end, budget - left)
    start, end = start - left, end + right
    head = _ELLIPSIS if start > 0 else ""
    tail = _ELLIPSIS if end < len(label) else ""
    return head + label[start:end] + tail


def short_labels(names: Sequence[str], max_len: int = MAX_LABEL) -> list[str]:
    """Short, distinct labels for run names: the part that tells them apart.

    Names with the same number of words keep only the words that differ
    ("… / tp4 / max_num_seqs=256" → "max_num_seqs=256"); a label still longer than
    `max_len` is cut around its differing characters, keeping the end. Names already short
    stay whole. The full name stays everywhere else (hover titles, `stats`, exports).
    """
    names = [str(n) for n in names]
    if len(names) < 2 or len(set(names)) < len(names):
        return [middle_ellipsis(n, max_len) for n in names]
    if all(len(n) <= max_len for n in names):
        return list(names)
    labels = _differing_tokens(names) or list(names)
    if all(_NUMBER.fullmatch(label) for label in labels):
        # Only a number differs ("… (1)" / "… (2)" from unique_names, "seed 1" / "seed 2"):
        # a bare "1" says nothing, so keep the context around it from the full names.
        labels = list(names)
    if any(len(label) > max_len for label in labels):
        prefix = len(common_prefix(labels))
        suffix = len(common_prefix([label[::-1] for label in labels]))
        shortest = min(len(label) for label in labels)
        if prefix + suffix > shortest:
            suffix = max(shortest - prefix, 0)
        labels = [
            label if len(label) <= max_len else _window(label, prefix, suffix, max_len)
            for label in labels
        ]
    if len(set(labels)) < len(labels):  # shortening merged two: fall back to the names
        return [middle_ellipsis(n, max_len) for n in names]
    return labels


# --- column and statistic labels -----------------------------------------------------------


def column_label(column: str) -> str:
    """A column in words: "time_per_output_token" → "time per output token (TPOT)"."""
    return columns.column(column).label


def short_column_label(column: str) -> str:
    """A short axis label: "TPOT", "TTFT", "E2E latency", "output tokens"..."""
    return columns.column(column).short_label


def statistic_label(statistic: str) -> str:
    """A statistic in words, from the registry: "p90" → "90th percentile"; "median", "mean"
    as they are. A name the registry does not know is shown as given."""
    try:
        return parse_statistic(statistic).label
    except ValueError:
        return statistic


#: How `format_value` shows each kind of column: durations in ms ("s"), token counts
#: ("tokens"), offsets into the run in seconds ("s-offset").
_FORMAT_UNITS = {"duration": "s", "tokens": "tokens", "time": "s-offset", "text": "s-offset"}


def unit_of(column: str) -> str:
    """How a column is shown: "s" (seconds, shown as ms), "tokens" or "s-offset" (seconds)."""
    return _FORMAT_UNITS[columns.column(column).kind]


# --- numbers -------------------------------------------------------------------------------


def _significant(x: float, digits: int = 3, trim_zeros: bool = False) -> str:
    """`x` with `digits` significant digits, thousands grouped (as js/format.ts)."""
    if not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{abs(x):,.{decimals}f}"
    if trim_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return (_MINUS if x < 0 else "") + text


def _missing(x: float | None) -> bool:
    return x is None or not math.isfinite(x)


def format_value(x: float | None, unit: str) -> str:
    """A value in its unit: seconds as "21.4 ms", tokens as "1,024 tokens"; None → "n/a"."""
    if x is None or _missing(x):
        return "n/a"
    if unit == "s":
        return f"{_significant(x * 1000)} ms"
    if unit == "tokens":
        return f"{_significant(x, 4, True)} tokens"
    return f"{_significant(x)} s"


def format_delta(x: float | None, unit: str) -> str:
    """A signed difference: "+1.23 ms" / "−0.520 ms"."""
    if x is None or _missing(x):
        return "n/a"
    sign = "+" if x > 0 else _MINUS if x < 0 else "±"
    return sign + format_value(abs(x), unit)


def format_ci(lo: float | None, hi: float | None, unit: str, signed: bool = False) -> str:
    """A CI as "[20.9, 22.0] ms" (one unit at the end); "n/a" when a bound is missing."""
    if lo is None or hi is None or _missing(lo) or _missing(hi):
        return "n/a"
    scale = 1000.0 if unit == "s" else 1.0
    suffix = {"s": " ms", "tokens": " tokens"}.get(unit, " s")

    def one(v: float) -> str:
        text = _significant(v * scale, 4 if unit == "tokens" else 3, unit == "tokens")
        return f"+{text}" if signed and v > 0 else text

    return f"[{one(lo)}, {one(hi)}]{suffix}"


def format_percent(x: float | None, signed: bool = True) -> str:
    """A relative difference (b / a − 1) as "+5.10%" / "−12.3%"."""
    if x is None or _missing(x):
        return "n/a"
    pct = abs(x * 100)
    text = f"{pct:.0f}" if pct >= 100 else f"{pct:.1f}" if pct >= 10 else f"{pct:.2f}"
    if not signed:
        return f"{text}%"
    return ("+" if x > 0 else _MINUS if x < 0 else "±") + f"{text}%"


def format_points(x: float | None) -> str:
    """A difference of two shares in percentage points: 0.0096 → "+0.96 pp" (as js/format.ts)."""
    text = format_percent(x)
    return text if text == "n/a" else f"{text[:-1]} pp"


def format_points_ci(lo: float | None, hi: float | None) -> str:
    """A CI of a difference of shares: "[−1.35, +3.26] pp"."""
    if lo is None or hi is None or _missing(lo) or _missing(hi):
        return "n/a"
    return f"[{format_percent(lo)[:-1]}, {format_percent(hi)[:-1]}] pp"


def format_percent_ci(lo: float | None, hi: float | None) -> str:
    """A relative CI as "[−14.0%, −10.1%]"."""
    if lo is None or hi is None:
        return "n/a"
    return f"[{format_percent(lo)}, {format_percent(hi)}]"


def format_p(p: float | None) -> str:
    """A p-value as js/format.ts's formatP writes it (without "p = "): "0.50", "0.012",
    "< 0.001"; two decimals from 0.1 up, else two significant digits; None → "n/a"."""
    if p is None or _missing(p):
        return "n/a"
    if p < 0.001:
        return "< 0.001"
    return f"{p:.2f}" if p >= 0.1 else f"{p:#.2g}"


def format_threshold(threshold: float) -> str:
    """A relative practical threshold as "±2%" (0.02) or "±2.5%", as js/format.ts."""
    pct = math.floor(threshold * 1000 + 0.5) / 10  # Math.round: halves go up
    return f"±{pct:g}%"


def format_share(x: float | None) -> str:
    """A share as "93.4%" (0.9342); None → "n/a", as js/format.ts's formatShare."""
    if x is None or _missing(x):
        return "n/a"
    return f"{x * 100:.1f}%"


def format_share_ci(lo: float | None, hi: float | None) -> str:
    """A share's CI as "[93.1%, 95.0%]" (an attainment's: no sign, as the panel writes it)."""
    if lo is None or hi is None or _missing(lo) or _missing(hi):
        return "n/a"
    return f"[{format_share(lo)}, {format_share(hi)}]"


def format_count(n: int) -> str:
    """A count with thousands separators: 12,345."""
    return f"{int(n):,}"


def _js_string(x: float) -> str:
    """A number as JavaScript's String(x) writes everyday values: 30, 0.5, 1000000."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def format_range(rng: Sequence[float | None] | None, column: str) -> str:
    """A selection in words, as js/panel.ts's rangeWords: "all requests",
    "200 ≤ output tokens ≤ 800", "output tokens ≥ 1,000", "request start ≥ 30 s"."""
    if rng is None:
        return "all requests"
    lo, hi = rng
    if lo is None and hi is None:
        return "all requests"
    what = short_column_label(column)

    def number(v: float) -> str:
        if columns.column(column).kind == "tokens":
            return format_count(math.floor(v + 0.5))  # Math.round: halves go up
        return f"{_js_string(v)} s"

    if lo is None:
        return f"{what} ≤ {number(hi)}"  # type: ignore[arg-type]
    if hi is None:
        return f"{what} ≥ {number(lo)}"
    return f"{number(lo)} ≤ {what} ≤ {number(hi)}"
