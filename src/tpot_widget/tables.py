"""A comparison as a table of text: benchstat-style for the terminal, Markdown for a pull request.

Both read `Comparison.to_dict()` (what `w.stats` holds), so the CLI, the widget's "Copy
summary" button and a CI job print the same numbers, formatted by `display`. A sweep
comparison (`SweepComparison.to_dict()`, `w.sweep_stats`) prints as its per-level table, the
crossing, max load within the SLO and the Pareto table (`sweep_text_table`,
`sweep_markdown_table`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    format_share,
    format_share_ci,
    format_threshold,
    format_value,
    short_column_label,
    short_labels,
    unit_of,
)
from .load import Load

__all__ = ["markdown_table", "sweep_markdown_table", "sweep_text_table", "text_table"]

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
                format_share(r.get("attainment")),
                format_share_ci(r.get("ci_low"), r.get("ci_high")),
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


# --- sweeps ---------------------------------------------------------------------------------

#: How a load on each axis is written after its number.
_LOAD_UNIT = {"concurrency": "concurrent", "rate": "req/s"}
#: A level a configuration did not run.
_ABSENT = "—"


@dataclass
class _Table:
    """One table of a sweep report: a title, the header, the rows, right-aligned columns."""

    title: str
    header: list[str]
    rows: list[list[str]]
    right: set[int] = field(default_factory=set)


@dataclass
class _SweepReport:
    """A sweep comparison laid out once, printed as text or Markdown."""

    heading: str
    tables: list[_Table]
    findings: list[tuple[str, list[str]]]  # (title, one line per configuration)
    notes: list[str]


def _level_order(point: Mapping[str, Any]) -> tuple[int, float]:
    level = point["level"]
    return Load(level["kind"], level["value"]).sort_key


def _levels(groups: Sequence[Mapping[str, Any]]) -> list[str]:
    """The labels of every level in `groups`' points, in load order."""
    points = {p["label"]: p for g in groups for p in g["points"]}
    return [label for label, _ in sorted(points.items(), key=lambda item: _level_order(item[1]))]


def _interval(found: Mapping[str, Any], axis: str) -> str:
    """A crossing's or max load's estimate and interval in words, with its status:
    "14.1 [10.6, 17.4] concurrent (within the sweep)"."""
    if found["estimate"] is None:
        return str(found["status"])

    def load(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3g}"

    lo = "below the sweep" if found["open_low"] else load(found["ci_low"])
    hi = "above the sweep" if found["open_high"] else load(found["ci_high"])
    unit = _LOAD_UNIT.get(axis, "")
    return f"{load(found['estimate'])} [{lo}, {hi}] {unit} ({found['status']})"


def _per_s(x: float | None) -> str:
    """Tokens per second: 1,234 / 51.5 / 0.872; None → "n/a"."""
    if x is None:
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _per_s_ci(lo: float | None, hi: float | None) -> str:
    return "n/a" if lo is None or hi is None else f"[{_per_s(lo)}, {_per_s(hi)}]"


def _sweep_report(sweep: Mapping[str, Any], labels: Mapping[str, str]) -> _SweepReport:
    """The per-level table, SLO attainment, crossing, max load and Pareto table of `sweep`
    (`SweepComparison.to_dict()`), configurations named by `labels`."""
    unit = unit_of(str(sweep["dimension"]))
    level_ci = f"{float(sweep['confidence_level']):.0%} CI"
    statistic = str(sweep["statistic"])
    axis = str(sweep["axis"]["kind"])
    names = [str(c["name"]) for c in sweep["configurations"]]
    curves = {str(c["name"]): {p["label"]: p for p in c["points"]} for c in sweep["curves"]}
    diffs = {str(d["name"]): {p["label"]: p for p in d["points"]} for d in sweep["differences"]}
    levels = _levels(sweep["curves"])

    header = ["level"]
    for name in names:
        header += [f"{labels[name]} {statistic}", level_ci]
    for name in names[1:]:
        header += [f"Δ% {labels[name]}", level_ci, "p", "p (Holm)", "verdict"]
    rows = []
    for label in levels:
        row = [label]
        for name in names:
            point = curves[name].get(label)
            row += (
                [_ABSENT, ""]
                if point is None
                else [
                    format_value(point["estimate"], unit),
                    format_ci(point["ci_low"], point["ci_high"], unit),
                ]
            )
        for name in names[1:]:
            d = diffs[name].get(label)
            if d is None:
                row += [_ABSENT, "", "", "", ""]
                continue
            verdict = str(d["verdict"]) + (" (interpolated)" if d["interpolated"] else "")
            row += [
                format_percent(d["relative"]),
                format_percent_ci(d["relative_ci_low"], d["relative_ci_high"]),
                format_p(d["p_value"]),
                format_p(d["p_value_adjusted"]),
                verdict,
            ]
        rows.append(row)
    n = len(names)
    right = {1 + 2 * i for i in range(n)} | {
        1 + 2 * n + 5 * j + k for j in range(n - 1) for k in (0, 2, 3)
    }
    tables = [_Table(f"{statistic} per {axis} level", header, rows, right)]

    slo = sweep.get("slo") or {}
    findings: list[tuple[str, list[str]]] = []
    if slo:
        objectives = ", ".join(
            f"{short_column_label(c)} ≤ {format_value(v, 's')}" for c, v in slo.items()
        )
        header = ["level"]
        for name in names:
            header += [f"{labels[name]} met", level_ci]
        rows = []
        for label in levels:
            row = [label]
            for name in names:
                point = curves[name].get(label)
                row += (
                    [_ABSENT, ""]
                    if point is None
                    else [
                        format_share(point["attainment"]),
                        format_share_ci(point["attainment_ci_low"], point["attainment_ci_high"]),
                    ]
                )
            rows.append(row)
        tables.append(
            _Table(f"SLO attainment ({objectives})", header, rows, {1 + 2 * i for i in range(n)})
        )
    findings.append(
        (
            "crossing: the load where each configuration stops being faster than "
            f"{labels[names[0]]}",
            [f"{labels[str(c['name'])]}: {_interval(c, axis)}" for c in sweep["crossing"]],
        )
    )
    if sweep["max_load"]:
        target = float(sweep["slo_target"])
        findings.append(
            (
                f"max load within the SLO (≥ {target:.0%} of requests meet every objective)",
                [f"{labels[str(m['name'])]}: {_interval(m, axis)}" for m in sweep["max_load"]],
            )
        )

    pareto = sweep["pareto"]
    per_gpu = pareto["y"] == "per_gpu"
    header = ["configuration", "level", "per user tok/s", level_ci, "output tok/s", level_ci]
    if per_gpu:
        header += ["per GPU tok/s", level_ci]
    header.append("frontier")
    rows = []
    for config in pareto["configurations"]:
        for q in sorted(config["points"], key=_level_order):
            row = [
                labels[str(config["name"])],
                str(q["label"]),
                _per_s(q["per_user"]),
                _per_s_ci(q["per_user_ci_low"], q["per_user_ci_high"]),
                _per_s(q["throughput"]),
                _per_s_ci(q["throughput_ci_low"], q["throughput_ci_high"]),
            ]
            if per_gpu:
                row += [_per_s(q["per_gpu"]), _per_s_ci(q["per_gpu_ci_low"], q["per_gpu_ci_high"])]
            mark = (
                "own + overall" if q["on_overall_frontier"] else "own" if q["on_frontier"] else ""
            )
            rows.append([*row, mark if q["on_frontier"] or q["on_overall_frontier"] else ""])
    right = {2, 4} | ({6} if per_gpu else set())
    tables.append(
        _Table(
            "Pareto: output tokens/s per user against "
            + ("per GPU" if per_gpu else "in total")
            + " (frontier: no level of the configuration / of any configuration beats it on both)",
            header,
            rows,
            right,
        )
    )
    notes = list(sweep.get("notes") or [])
    return _SweepReport(_heading(sweep) + f"; across {axis} levels", tables, findings, notes)


def sweep_text_table(sweep: Mapping[str, Any], *, full_names: bool = False) -> str:
    """A sweep comparison (`SweepComparison.to_dict()`) as benchstat-style text: the
    per-level table (`~` = no significant difference), SLO attainment, the crossing, max load
    and the Pareto table, then the notes."""
    names = [str(c["name"]) for c in sweep["configurations"]]
    short = names if full_names else short_labels(names)
    report = _sweep_report(sweep, dict(zip(names, short, strict=True)))
    lines = [report.heading]
    for table in report.tables:
        rows = [[_TEXT_VERDICT.get(c, c) for c in row] for row in table.rows]
        lines += ["", table.title, *_align([table.header, *rows], table.right)]
    for title, items in report.findings:
        lines += ["", title, *(f"  {item}" for item in items)]
    notes = report.notes
    if any(label != name for label, name in zip(short, names, strict=True)):
        pairs = zip(short, names, strict=True)
        notes = [*notes, "configurations: " + "; ".join(f"{a} = {b}" for a, b in pairs)]
    if notes:
        lines += ["", *(f"note: {n}" for n in notes)]
    return "\n".join(lines)


def sweep_markdown_table(sweep: Mapping[str, Any]) -> str:
    """A sweep comparison as Markdown: the same tables and findings, full names, notes quoted."""
    if not sweep:
        return ""
    names = [str(c["name"]) for c in sweep["configurations"]]
    report = _sweep_report(sweep, {n: n for n in names})
    lines = [f"**{_md_escape(report.heading)}**"]
    for table in report.tables:
        lines += ["", f"*{_md_escape(table.title)}*", "", *_md_rows(table.header, table.rows)]
    for title, items in report.findings:
        lines += ["", f"*{_md_escape(title)}*", "", *(f"- {_md_escape(i)}" for i in items)]
    for note in report.notes:
        lines += ["", f"> {_md_escape(note)}"]
    return "\n".join(lines) + "\n"
