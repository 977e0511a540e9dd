"""A comparison as a table of text: benchstat-style for the terminal, Markdown for a pull request.

Both read `Comparison.to_dict()` (what `w.stats` holds), so the CLI, the widget's "Copy
summary" button and a CI job print the same numbers, formatted by `display`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .display import (
    format_ci,
    format_delta,
    format_p,
    format_percent,
    format_percent_ci,
    format_points,
    format_points_ci,
    format_range,
    format_threshold,
    format_value,
    short_column_label,
    short_labels,
    unit_of,
)

__all__ = ["markdown_table", "text_table"]

#: Verdict words as the tables print them (benchstat's "~" for no significant difference).
_TEXT_VERDICT = {"no significant difference": "~"}


def _heading(stats: Mapping[str, Any]) -> str:
    """ "TPOT, median, 95% CI (BCa, 9999 resamples); 200 ≤ output tokens ≤ 800"."""
    level = float(stats["confidence_level"])
    resamples = stats.get("n_resamples")
    how = f"{stats['method']}, {resamples} resamples" if resamples else str(stats["method"])
    where = format_range(stats.get("token_range"), str(stats.get("x_dimension", "")))
    if stats.get("time_range") is not None:
        time_part = format_range(stats["time_range"], "request_start")
        where = time_part if where == "all requests" else f"{where}, {time_part}"
    head = f"{short_column_label(str(stats['dimension']))}, {stats['statistic']}"
    text = f"{head}, {level:.0%} CI ({how}); {where}"
    if stats.get("threshold") is not None:
        text += f"; practical threshold {format_threshold(stats['threshold'])}"
    if stats.get("match"):
        text += f"; matched on {', '.join(stats['match'])}"
    return text


def _run_cells(stats: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Rows per run: label, n, errors, estimate, CI (and runs when arms are compared)."""
    unit = unit_of(str(stats["dimension"]))
    level = f"{float(stats['confidence_level']):.0%} CI"
    runs = list(stats["runs"])
    arms = any((r.get("n_runs") or 1) > 1 for r in runs)
    header = ["run", "n", "errors", str(stats["statistic"]), level]
    if arms:
        header.append("runs")
    rows = []
    for r in runs:
        row = [
            str(r["name"]),
            str(r["n"]),
            str(r["n_errors"]),
            format_value(r.get("estimate"), unit),
            format_ci(r.get("ci_low"), r.get("ci_high"), unit),
        ]
        if arms:
            share = r.get("between_run_share")
            extra = "" if share is None else f" ({share:.0%} between runs)"
            row.append(f"{r.get('n_runs') or 1}{extra}")
        rows.append(row)
    return header, rows


def _diff_cells(stats: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Rows per non-baseline run: Δ%, its CI, Δ, p, adjusted p, verdict."""
    unit = unit_of(str(stats["dimension"]))
    level = f"{float(stats['confidence_level']):.0%} CI"
    diffs = list(stats["differences"])
    header = ["vs " + (str(diffs[0]["baseline"]) if diffs else ""), "Δ%", level, "Δ"]
    header += ["p", "p (Holm)", "P(faster)", "verdict"]
    rows = []
    for d in diffs:
        prob = d.get("prob_faster")
        rows.append(
            [
                str(d["name"]),
                format_percent(d.get("relative")),
                format_percent_ci(d.get("relative_ci_low"), d.get("relative_ci_high")),
                format_delta(d.get("estimate"), unit),
                format_p(d.get("p_value")),
                format_p(d.get("p_value_adjusted")),
                "n/a" if prob is None else f"{prob:.2f}",
                str(d.get("verdict")),
            ]
        )
    return header, rows


def _align(rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def _shorten(rows: list[list[str]], names: Sequence[str]) -> list[list[str]]:
    """First cells (run names) replaced by their short labels (`display.short_labels`)."""
    labels = dict(zip(names, short_labels(names), strict=True))
    return [[labels.get(row[0], row[0]), *row[1:]] for row in rows]


def text_table(stats: Mapping[str, Any], *, full_names: bool = False) -> str:
    """The statistics as a benchstat-style text table (`~` = no significant difference)."""
    names = [str(r["name"]) for r in stats["runs"]]
    lines = [_heading(stats), ""]
    header, rows = _run_cells(stats)
    if not full_names:
        rows = _shorten(rows, names)
    lines += _align([header, *rows], right={1, 2, 3})
    if stats["differences"]:
        header, rows = _diff_cells(stats)
        rows = [[*row[:-1], _TEXT_VERDICT.get(row[-1], row[-1])] for row in rows]
        if not full_names:
            rows = _shorten(rows, names)
            header[0] = "vs " + short_labels(names)[0]
        lines += ["", *_align([header, *rows], right={1, 3, 4, 5, 6})]
    slo = stats.get("slo")
    if slo:
        labels = None if full_names else dict(zip(names, short_labels(names), strict=True))
        lines += ["", *_slo_lines(slo, labels)]
    notes = list(stats.get("notes") or [])
    pairs = list(zip(short_labels(names), names, strict=True))
    if not full_names and any(label != name for label, name in pairs):
        notes.append("runs: " + "; ".join(f"{label} = {name}" for label, name in pairs))
    if notes:
        lines += ["", *(f"note: {n}" for n in notes)]
    return "\n".join(lines)


def _slo_lines(slo: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> list[str]:
    """The SLO attainment table; run names replaced by `labels` when given (the text table)."""

    def name(n: Any) -> str:
        return str(n) if labels is None else labels.get(str(n), str(n))

    objectives = ", ".join(
        f"{short_column_label(c)} ≤ {format_value(v, 's')}" for c, v in slo["objectives"].items()
    )
    rows = [["SLO: " + objectives, "n", "met", "attainment", "CI"]]
    for r in slo["runs"]:
        rows.append(
            [
                name(r["name"]),
                str(r["n"]),
                str(r["met"]),
                format_percent(r.get("attainment"), signed=False),
                format_percent_ci(r.get("ci_low"), r.get("ci_high")).replace("+", ""),
            ]
        )
    lines = _align(rows, right={1, 2, 3})
    for d in slo.get("differences", []):
        lines.append(
            f"  {name(d['name'])} vs {name(d['baseline'])}: {format_points(d.get('estimate'))} "
            f"{format_points_ci(d.get('ci_low'), d.get('ci_high'))} → {d.get('verdict')}"
        )
    return lines


def _md_escape(text: str) -> str:
    """Text shown literally in Markdown: no cell breaks, emphasis, code spans or HTML tags."""
    for char in ("\\", "|", "`", "*"):
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace("\n", " ")


def markdown_table(stats: Mapping[str, Any]) -> str:
    """The comparison as Markdown for a pull request or chat: runs, Δ% with CIs, verdicts, notes.

    Full run names (Markdown tables wrap), one table for the runs and one for the differences.
    """
    if not stats:
        return ""
    lines = [f"**{_md_escape(_heading(stats))}**", ""]
    header, rows = _run_cells(stats)
    lines += _md_rows(header, rows)
    if stats["differences"]:
        header, rows = _diff_cells(stats)
        lines += ["", *_md_rows(header, rows)]
    slo = stats.get("slo")
    if slo:
        lines += ["", "```", *_slo_lines(slo), "```"]
    for note in stats.get("notes") or []:
        lines += ["", f"> {_md_escape(note)}"]
    return "\n".join(lines) + "\n"


def _md_rows(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(_md_escape(h) for h in header) + " |"]
    out.append("|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(header))) + "|")
    out += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
    return out
