"""A self-contained offline HTML report of a comparison: figures, statistics, provenance.

One file, no network: plotly.js is inlined once, figure data is embedded as compact JSON
(base64 typed arrays, identical arrays stored once), and every piece of user data (run
names, paths) is escaped text. The statistics are `compare()`'s at export time; the
figures zoom and hover without a kernel.

The figures are the widget's views, static: the scatter, the view over time (rolling median
and p90, the time range shaded), the box plots and histograms, the ECDFs and the shift
function, all of `compare`'s selection (token range and time range), with the SLO objectives
as dashed lines. A figure with nothing to draw (an empty selection) is replaced by a note;
the statistics tables then say "not enough data".

Runs are named in full in the header's run list and in `script#tpot-stats`; where space is
short (the tables' run cells, the figures' legends and box-plot axis) by their short labels
(`display.short_labels`: the part of the names that tells the runs apart), with the full name
one hover away (a cell's `title`, a figure's hover label).

DOM (for tests): `[data-testid="report-header"]`, `[data-testid="synthetic-note"]` (only for
synthetic runs), `table[data-testid="stats-table"]` with one `tr[data-testid="stat-run"]`
per run and `table[data-testid="diff-table"]` with one `tr[data-testid="stat-diff"]` per
non-baseline run (attributes `data-estimate`, `data-ci-low`, `data-ci-high`, `data-n`,
`data-verdict`, `data-relative`: Python `repr` of the float, "" when None),
`table[data-testid="slo-table"]` with `tr[data-testid="slo-run"]` and
`table[data-testid="slo-diff-table"]` with `tr[data-testid="slo-diff"]` when objectives are
given. Every run row has `data-name` (the FULL name) and `data-label` (the short label its
first cell, `td[data-testid="run-label"]`, shows, with the full name as its `title`). Plot
divs `[data-testid="scatter"]`, `"time"`, `"compare"`, `"ecdf"` and `"shift"` (each
`data-rendered="true"` once drawn) or in a plot's place `p[data-testid="<plot>-empty"]`;
`p[data-testid="scatter-sampled"]` when the scatter draws a sample of a big run's points
(`SCATTER_MAX_POINTS`); the statistics as JSON in `script#tpot-stats`.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import plotly.offline

from .display import (
    format_count,
    format_percent,
    format_percent_ci,
    format_points,
    format_points_ci,
    format_range,
    format_value,
    short_column_label,
    short_labels,
    statistic_label,
)
from .params import Parameters
from .plotting import (
    MAX_POINTS,
    TIME_DIMENSIONS,
    NothingToPlot,
    as_runs,
    compare_figure,
    dimension_label,
    ecdf_figure,
    scatter_histogram_2d_runs,
    shift_figure,
    time_figure,
)
from .run import Run

__all__ = ["render_html", "write_html"]

#: The figures' plotly template: light, clean, readable.
TEMPLATE = "plotly_white"
#: Plotly config: no logo, no cloud links, responsive, zoom / pan / hover / PNG only.
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud"],
}
_BLOB_KEY = "$blob"
#: Above this many points per run the scatter draws an evenly spread, seeded sample of them
#: (its marginal histograms and every statistic still count every request), and says so.
SCATTER_MAX_POINTS = MAX_POINTS


def is_synthetic(run: Run) -> bool:
    """True for the generated demo runs (never measurements)."""
    from .demo import SYNTHETIC_PREFIX

    return (
        bool(run.metadata.get("synthetic"))
        or run.format == "demo"
        or run.name.startswith(SYNTHETIC_PREFIX)
    )


def write_html(
    runs: Sequence[Any],
    path: str | os.PathLike[str],
    *,
    parameters: Parameters | None = None,
    log_axis: bool = True,
    title: str | None = None,
    comparison: Any = None,
    random_state: Any = None,
    **values: Any,
) -> Path:
    """Write the report of `runs` to `path`; returns the path written.

    Parameters
    ----------
    runs
        Runs or arms (the first is the baseline): `Run`s, `Arm`s, LLMeter Results or paths.
    path
        The HTML file to write.
    parameters
        A validated `Parameters`, or instead the keyword arguments of `compare`
        (`dimension`, `statistic`, `token_range`, `time_range`, `threshold`, `slo`, ...),
        validated by `params` exactly as `compare` does.
    log_axis
        Log scale for the distribution views.
    title
        The page title (default: what is compared, how many runs).
    comparison
        A `Comparison` for exactly these arguments: skips recomputing the statistics (the
        widget's export).
    random_state
        As in `compare`.
    """
    text = render_html(
        runs,
        parameters=parameters,
        log_axis=log_axis,
        title=title,
        comparison=comparison,
        random_state=random_state,
        **values,
    )
    out = Path(path)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OSError(f"{out}: cannot write the report ({exc.strerror})") from exc
    return out


def render_html(
    runs: Sequence[Any],
    *,
    parameters: Parameters | None = None,
    log_axis: bool = True,
    title: str | None = None,
    comparison: Any = None,
    random_state: Any = None,
    **values: Any,
) -> str:
    """The report as one HTML string (see `write_html`)."""
    from . import __version__
    from .comparison import Comparer

    if parameters is None:
        parameters = Parameters.from_user(**values)
    elif values:
        raise TypeError("pass either parameters= or compare's keyword arguments, not both")
    p = parameters
    comparer = Comparer(_as_units(runs), p.dimension, p.x_dimension)
    run_list = [r for r in comparer.runs if isinstance(r, Run)]
    if comparison is None:
        comparison = comparer.compare(p, random_state=random_state)
    stats = comparison if isinstance(comparison, Mapping) else comparison.to_dict()
    token_range, time_range = p.token_range, p.time_range
    slo = (stats.get("slo") or {}).get("objectives")
    builders: dict[str, Any] = {
        "scatter": lambda: scatter_histogram_2d_runs(
            run_list,
            p.x_dimension,
            p.dimension,
            token_range=token_range,
            time_range=time_range,
            slo=slo,
            max_points=SCATTER_MAX_POINTS,
            template=TEMPLATE,
        ),
        "time": lambda: time_figure(
            run_list,
            p.dimension,
            time_range,
            token_range=token_range,
            x_dimension=p.x_dimension,
            slo=slo,
            template=TEMPLATE,
        ),
        "compare": lambda: compare_figure(
            run_list,
            p.dimension,
            p.x_dimension,
            token_range=token_range,
            time_range=time_range,
            log_axis=log_axis,
            comparison=stats,
            slo=slo,
            template=TEMPLATE,
        ),
        "ecdf": lambda: ecdf_figure(
            run_list,
            p.dimension,
            token_range,
            time_range,
            log_axis,
            x_dimension=p.x_dimension,
            slo=slo,
            template=TEMPLATE,
        ),
        "shift": lambda: shift_figure(stats, template=TEMPLATE),
    }
    figures: dict[str, Any] = {}
    missing: set[str] = set()
    for key, build in builders.items():
        if key == "time" and not any(np.isfinite(r["request_start"]).any() for r in run_list):
            missing.add(key)  # no run knows when its requests started
            continue
        try:
            figures[key] = build()
        except NothingToPlot:
            missing.add(key)
    payload = _figures_payload(figures)
    names = [str(row.get("name")) for row in stats.get("runs", [])]
    meta = {
        "runs": run_list,
        "labels": dict(zip(names, short_labels(names), strict=True)),
        "sampled": _sampled(figures.get("scatter")),
        "dimension": p.dimension,
        "x_dimension": p.x_dimension,
        "token_range": token_range,
        "time_range": time_range,
        "slo": slo,
        "missing": missing,
        "statistic": p.statistic,
        "method": p.method,
        "confidence_level": p.confidence_level,
        "n_resamples": p.n_resamples,
        "random_state": random_state,
        "version": __version__,
        "plotly_version": plotly.offline.get_plotlyjs_version(),
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return _page(title or _default_title(run_list, p.dimension), meta, stats, payload)


def _sampled(figure: Any) -> list[tuple[str, int, int]]:
    """(run, points drawn, requests) of each run whose scatter points are a sample."""
    if figure is None:
        return []
    return [
        (str(t.meta["run"]), int(t.meta["drawn"]), int(t.meta["total"]))
        for t in figure.data
        if isinstance(t.meta, dict)
        and t.meta.get("role") == "points"
        and t.meta["drawn"] < t.meta["total"]
    ]


def _as_units(runs: Any) -> list[Any]:
    """Runs and arms as given; paths and Results loaded (a file of several runs adds them all)."""
    from .arm import Arm, as_arm_or_run

    items = [runs] if isinstance(runs, (Run, Arm)) or not isinstance(runs, (list, tuple)) else runs
    out: list[Any] = []
    for item in items:
        item = as_arm_or_run(item)
        out.extend([item] if isinstance(item, (Run, Arm)) else as_runs(item))
    return out


def _default_title(runs: Sequence[Run], dimension: str) -> str:
    return f"{dimension_label(dimension)}: comparison of {len(runs)} runs"


# --- figure data -------------------------------------------------------------------------


def _figures_payload(figures: Mapping[str, Any]) -> dict[str, Any]:
    """Figures as JSON-able dicts; one template and each distinct typed array stored once."""
    blobs: list[str] = []
    index: dict[str, int] = {}

    def dedupe(node: Any) -> Any:
        if isinstance(node, dict):
            if "bdata" in node and "dtype" in node:
                key = node["bdata"]
                if key not in index:
                    index[key] = len(blobs)
                    blobs.append(key)
                ref = {k: v for k, v in node.items() if k != "bdata"}
                ref[_BLOB_KEY] = index[key]
                return ref
            return {k: dedupe(v) for k, v in node.items()}
        if isinstance(node, list):
            return [dedupe(v) for v in node]
        return node

    template: Any = None
    out: dict[str, Any] = {}
    for key, fig in figures.items():
        data = json.loads(fig.to_json())
        layout = data.get("layout", {})
        template = layout.pop("template", template)
        out[key] = {"data": dedupe(data.get("data", [])), "layout": dedupe(layout)}
    return {"template": template, "blobs": blobs, "figures": out, "config": PLOTLY_CONFIG}


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' characters at all."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- number formatting -------------------------------------------------------------------


def _time_unit(values: Sequence[float | None]) -> tuple[str, float]:
    """A display unit (name, factor) for seconds, chosen from the largest magnitude."""
    finite = [abs(v) for v in values if v is not None]
    top = max(finite, default=0.0)
    if top >= 1.0:
        return "s", 1.0
    if top >= 1e-3:
        return "ms", 1e3
    return "µs", 1e6


def _fmt(value: float | None, unit: tuple[str, float] | None) -> str:
    if value is None:
        return "–"
    if unit is None:
        return _sig(value)
    name, factor = unit
    return f"{_sig(value * factor)} {name}"


def _sig(value: float) -> str:
    """Four significant digits, trailing zeros kept (21.00, 0.1230, 1234)."""
    text = f"{value:#.4g}"
    return text[:-1] if text.endswith(".") else text


def _estimate(value: float | None, unit: tuple[str, float] | None) -> str:
    """An estimate, or "not enough data" when there is none (fewer than 2 values)."""
    return "not enough data" if value is None else _fmt(value, unit)


def _fmt_signed(value: float | None, unit: tuple[str, float] | None) -> str:
    text = _fmt(value, unit)
    return "+" + text if value is not None and value > 0 else text


def _fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.2f}%"


def _fmt_p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _ci_cell(low: str, high: str) -> str:
    """A CI cell "[low, high]" that may wrap after the comma only (narrow windows)."""
    return f'<td class="ci">[<span>{low},</span> <span>{high}</span>]</td>'


def _name_cell(name: Any, labels: Mapping[str, str]) -> str:
    """A run's table cell: its short label, the full name as the hover title (both text)."""
    full = str(name)
    label = labels.get(full, full)
    return f'<td data-testid="run-label" title="{html.escape(full)}">{html.escape(label)}</td>'


def _label_attr(name: Any, labels: Mapping[str, str]) -> str:
    """The data-label attribute of a run's row (the short label its first cell shows)."""
    full = str(name)
    return f'data-label="{html.escape(labels.get(full, full))}"'


def _attr(value: Any) -> str:
    """A data-* attribute value: repr of a float (round-trips), "" for None."""
    if value is None:
        return ""
    return html.escape(repr(value) if isinstance(value, float) else str(value))


# --- the page ----------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --bg-soft: #f6f8fa; --faster: #1a7f37; --slower: #cf222e; --same: #59636e;
  --unknown: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--fg); font: 15px/1.5 system-ui,
  -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 600; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 28px 0 8px; font-weight: 600; overflow-wrap: anywhere; }
.sub { color: var(--muted); margin: 0 0 16px; }
.note { border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px;
  padding: 8px 12px; margin: 12px 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px;
  margin: 12px 0 0; padding: 12px 16px; background: var(--bg-soft);
  border: 1px solid var(--line); border-radius: 6px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
ul.runs { margin: 0; padding-left: 18px; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 6px 10px; border-bottom: 1px solid var(--line);
  white-space: nowrap; }
th { font-weight: 600; color: var(--muted); font-size: 13px; }
th:first-child, td:first-child { text-align: left; white-space: normal;
  overflow-wrap: break-word; }
td.ci { white-space: normal; }
td.ci span { white-space: nowrap; }
tbody tr:hover { background: var(--bg-soft); }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px;
  font-weight: 600; border: 1px solid currentColor; }
.verdict.faster { color: var(--faster); }
.verdict.slower { color: var(--slower); }
.verdict.same { color: var(--same); }
.verdict.unknown { color: var(--unknown); }
.plot { width: 100%; min-height: 420px; margin: 4px 0 8px; border-radius: 6px;
  outline: 1px solid var(--line); outline-offset: -1px; }
/* an outline, not a border: plotly sizes its SVG to the div's outer width, and a border
   would make the figure 2 px wider than the box it is drawn in */
.explain { color: var(--muted); font-size: 13px; margin: 4px 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; }
"""

_BOOT_JS = """
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("tpot-data").textContent);
  function resolve(node) {
    if (Array.isArray(node)) { return node.map(resolve); }
    if (node !== null && typeof node === "object") {
      var out = {};
      for (var key in node) {
        if (key === "$blob") { out.bdata = payload.blobs[node[key]]; }
        else { out[key] = resolve(node[key]); }
      }
      return out;
    }
    return node;
  }
  Object.keys(payload.figures).forEach(function (id) {
    var fig = payload.figures[id];
    var layout = resolve(fig.layout);
    layout.template = payload.template;
    var el = document.querySelector('[data-testid="' + id + '"]');
    Plotly.newPlot(el, resolve(fig.data), layout, payload.config).then(function () {
      el.setAttribute("data-rendered", "true");
    });
  });
})();
"""


def _verdict_cell(verdict: str | None) -> str:
    css = {
        "faster": "faster",
        "slower": "slower",
        "no significant difference": "same",
        "equivalent": "same",
    }.get(verdict or "", "unknown")
    label = "~ no significant difference" if verdict == "no significant difference" else verdict
    return f'<span class="verdict {css}">{html.escape(label or "–")}</span>'


def _header(title: str, meta: Mapping[str, Any], stats: Mapping[str, Any]) -> str:
    runs: list[Run] = meta["runs"]
    labels: Mapping[str, str] = meta.get("labels", {})
    esc = html.escape
    run_items = []
    for i, run in enumerate(runs):
        source = f" — <code>{esc(run.source)}</code>" if run.source else ""
        label = labels.get(run.name, run.name)
        notes = (["baseline"] if i == 0 else []) + (
            [] if label == run.name else [f"shown as “{esc(label)}”"]
        )
        role = f" ({'; '.join(notes)})" if notes else ""
        run_items.append(
            f"<li><strong>{esc(run.name)}</strong>{role}: {esc(run.format)}, "
            f"{len(run)} requests, {run.n_errors} failed{source}</li>"
        )
    selection = _selection_text(meta)
    level = meta["confidence_level"]
    seed = meta["random_state"]
    seed_text = "fixed default seed (0)" if seed is None else f"seed {esc(str(seed))}"
    synthetic = [run.name for run in runs if is_synthetic(run)]
    note = ""
    if synthetic:
        names = ", ".join(esc(n) for n in synthetic)
        note = (
            '<p class="note" data-testid="synthetic-note"><strong>Synthetic data.</strong> '
            f"{names}: generated by <code>tpot_widget.demo</code> to show the tool; "
            "these are not measurements.</p>"
        )
    names_text = " vs ".join(esc(run.name) for run in runs)
    return f"""
<header data-testid="report-header">
<h1>{esc(title)}</h1>
<p class="sub">{names_text}</p>
{note}
<dl class="meta">
<dt>Runs</dt><dd><ul class="runs">{"".join(run_items)}</ul></dd>
<dt>Dimension</dt><dd>{esc(dimension_label(meta["dimension"]))}
  (<code>{esc(meta["dimension"])}</code>)</dd>
<dt>Selection</dt><dd>{selection}</dd>
<dt>Statistic</dt><dd>{esc(str(meta["statistic"]))}</dd>
<dt>Confidence interval</dt><dd>{level:.0%} {esc(str(meta["method"]))} bootstrap,
  {meta["n_resamples"]} resamples, {seed_text}</dd>
<dt>Difference test</dt><dd>Mann–Whitney U p-value; verdict from the CI of the
  difference (lower is better)</dd>
<dt>Generated</dt><dd>{esc(meta["generated"])} by tpot_widget {esc(meta["version"])}
  (plotly.js {esc(meta["plotly_version"])})</dd>
</dl>
</header>"""


def _selection_text(meta: Mapping[str, Any]) -> str:
    """The selection in words, escaped: the token range and the time range (both inclusive)."""
    parts = []
    token_range = meta["token_range"]
    if token_range is not None:
        lo, hi = token_range
        lo_text = "−∞" if lo is None else f"{lo:g}"
        hi_text = "∞" if hi is None else f"{hi:g}"
        x_label = dimension_label(meta["x_dimension"])
        parts.append(f"{x_label} in [{lo_text}, {hi_text}] (inclusive)")
    if meta.get("time_range") is not None:
        parts.append(
            f"{format_range(meta['time_range'], 'request_start')} "
            "(seconds since each run's first request, inclusive)"
        )
    return html.escape(" and ".join(parts)) if parts else "all requests"


def _stats_tables(meta: Mapping[str, Any], stats: Mapping[str, Any]) -> str:
    esc = html.escape
    labels: Mapping[str, str] = meta.get("labels", {})
    dimension = meta["dimension"]
    run_rows: list[Mapping[str, Any]] = list(stats.get("runs", []))
    diff_rows: list[Mapping[str, Any]] = list(stats.get("differences", []))
    unit = (
        _time_unit([r.get("estimate") for r in run_rows]) if dimension in TIME_DIMENSIONS else None
    )
    statistic = esc(str(stats.get("statistic", meta["statistic"])))
    level = float(stats.get("confidence_level", meta["confidence_level"]))
    ci = f"{level:.0%} CI"
    body = []
    for row in run_rows:
        body.append(
            f'<tr data-testid="stat-run" data-name="{_attr(row.get("name"))}" '
            f"{_label_attr(row.get('name'), labels)} "
            f'data-n="{_attr(row.get("n"))}" data-estimate="{_attr(row.get("estimate"))}" '
            f'data-ci-low="{_attr(row.get("ci_low"))}" '
            f'data-ci-high="{_attr(row.get("ci_high"))}">'
            f"{_name_cell(row.get('name'), labels)}<td>{row.get('n')}</td>"
            f"<td>{row.get('n_errors')}</td><td>{_estimate(row.get('estimate'), unit)}</td>"
            f"{_ci_cell(_fmt(row.get('ci_low'), unit), _fmt(row.get('ci_high'), unit))}"
            "</tr>"
        )
    runs_table = (
        '<table data-testid="stats-table"><thead><tr><th>Run</th><th>n</th>'
        f"<th>errors</th><th>{statistic}</th><th>{ci}</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    baseline = esc(str(diff_rows[0].get("baseline"))) if diff_rows else ""
    body = []
    for row in diff_rows:
        delta_ci = _ci_cell(
            _fmt_signed(row.get("ci_low"), unit), _fmt_signed(row.get("ci_high"), unit)
        )
        relative_ci = _ci_cell(
            _fmt_pct(row.get("relative_ci_low")), _fmt_pct(row.get("relative_ci_high"))
        )
        body.append(
            f'<tr data-testid="stat-diff" data-name="{_attr(row.get("name"))}" '
            f"{_label_attr(row.get('name'), labels)} "
            f'data-estimate="{_attr(row.get("estimate"))}" '
            f'data-ci-low="{_attr(row.get("ci_low"))}" '
            f'data-ci-high="{_attr(row.get("ci_high"))}" '
            f'data-relative="{_attr(row.get("relative"))}" '
            f'data-p-value="{_attr(row.get("p_value"))}" '
            f'data-verdict="{_attr(row.get("verdict"))}">'
            f"{_name_cell(row.get('name'), labels)}"
            f"<td>{_fmt_signed(row.get('estimate'), unit)}</td>"
            f"{delta_ci}"
            f"<td>{_fmt_pct(row.get('relative'))}</td>"
            f"{relative_ci}"
            f"<td>{_fmt_p(row.get('p_value'))}</td>"
            f"<td>{_fmt_p(row.get('p_value_adjusted'))}</td>"
            f"<td>{_verdict_cell(row.get('verdict'))}</td></tr>"
        )
    diff_table = (
        '<table data-testid="diff-table"><thead><tr><th>Run</th>'
        f"<th>Δ {statistic}</th><th>{ci}</th><th>relative</th><th>{ci}</th>"
        "<th>p</th><th>p (Holm)</th><th>verdict</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return f"""
<section>
<h2>Statistics</h2>
{runs_table}
<h2>Versus the baseline, {baseline}</h2>
{diff_table}
{_notes_html(stats)}
{_slo_html(stats, labels)}
<p class="explain">Δ is run − baseline; relative is run / baseline − 1. "faster" means the
whole confidence interval of Δ is below 0, "slower" above 0; otherwise "~" (no significant
difference).</p>
</section>"""


def _notes_html(stats: Mapping[str, Any]) -> str:
    """What the intervals cover, confounds, warm-up hints, the threshold: as text."""
    notes = [str(n) for n in stats.get("notes") or []]
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f'<h2>Notes</h2><ul class="notes" data-testid="notes">{items}</ul>'


def _slo_html(stats: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The SLO attainment table (Wilson CIs) and each run against the baseline (Newcombe)."""
    slo = stats.get("slo")
    if not slo:
        return ""
    esc = html.escape
    objectives = ", ".join(
        f"{esc(short_column_label(c))} ≤ {esc(format_value(v, 's'))}"
        for c, v in slo["objectives"].items()
    )
    rows = "".join(
        f'<tr data-testid="slo-run" data-name="{_attr(r.get("name"))}" '
        f"{_label_attr(r.get('name'), labels)} "
        f'data-met="{_attr(r.get("met"))}" data-n="{_attr(r.get("n"))}" '
        f'data-attainment="{_attr(r.get("attainment"))}">'
        f"{_name_cell(r.get('name'), labels)}<td>{r.get('n')}</td><td>{r.get('met')}</td>"
        f"<td>{esc(format_percent(r.get('attainment'), signed=False))}</td>"
        f"<td>{esc(format_percent_ci(r.get('ci_low'), r.get('ci_high')))}</td>"
        f"<td>{esc(_goodput(r))}</td></tr>"
        for r in slo["runs"]
    )
    diffs = "".join(
        f'<tr data-testid="slo-diff" data-name="{_attr(d.get("name"))}" '
        f"{_label_attr(d.get('name'), labels)}>"
        f"{_name_cell(d.get('name'), labels)}"
        f"<td>{esc(format_points(d.get('estimate')))}</td>"
        f"<td>{esc(format_points_ci(d.get('ci_low'), d.get('ci_high')))}</td>"
        f"<td>{esc(str(d.get('verdict')))}</td></tr>"
        for d in slo.get("differences", [])
    )
    return (
        f"<h2>SLO attainment: {objectives}</h2>"
        '<table data-testid="slo-table"><thead><tr><th>Run</th><th>n</th><th>met</th>'
        "<th>attainment</th><th>CI (Wilson)</th><th>goodput</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        '<table data-testid="slo-diff-table"><thead><tr><th>Run</th><th>Δ attainment (pp)</th>'
        f"<th>CI (Newcombe)</th><th>verdict</th></tr></thead><tbody>{diffs}</tbody></table>"
        '<p class="explain">A request meets the SLO when it succeeded and meets every '
        "objective; failed requests miss. Goodput: requests and output tokens per second that "
        "met it.</p>"
    )


def _goodput(row: Mapping[str, Any]) -> str:
    rps, tps = row.get("goodput_rps"), row.get("goodput_tokens_per_s")
    if rps is None:
        return "n/a (no start times)"
    tokens = "" if tps is None else f", {tps:,.0f} tokens/s"
    return f"{rps:.3g} req/s{tokens}"


def _figure_sections(meta: Mapping[str, Any], stats: Mapping[str, Any]) -> str:
    """One section per figure: a title, a sentence saying how to read it, the plot (or a
    note saying why there is nothing to draw)."""
    esc = html.escape
    x_label = esc(dimension_label(meta["x_dimension"]))
    y_label = esc(dimension_label(meta["dimension"]))
    statistic = esc(statistic_label(str(meta["statistic"])))
    level = float(stats.get("confidence_level", meta["confidence_level"]))
    selection = _selection_text(meta)
    slo = meta.get("slo") or {}
    dimension = meta["dimension"]

    def slo_words(*columns: str) -> str:
        shown = [c for c in columns if c in slo]
        if not shown:
            return ""
        names = " and ".join(esc(short_column_label(c)) for c in shown)
        return f" The dashed line marks the SLO objective on {names}."

    empty = f"Not enough data: no request in the selection ({selection}) to draw."
    sections = [
        (
            "scatter",
            f"{y_label} against {x_label}",
            ("The successful requests" if meta.get("sampled") else "Every successful request")
            + ("" if meta.get("time_range") is None else " in the time range")
            + "; marginal histograms are fractions of each run's requests. The shaded band is "
            "the selected range. Drag to zoom, double-click to reset."
            + slo_words(meta["x_dimension"], dimension),
            "No successful request in the time range to draw.",
        ),
        (
            "time",
            f"{y_label} over each run's time",
            "Every successful request by when it started (seconds since its run's first "
            "request); per run the solid line is the rolling median and the dashed line the "
            "rolling p90 of the requests in the token range, in consecutive time bins. A "
            "drifting line shows warm-up, cool-down or load changes; the shaded band is the "
            "selected time range (compare's time_range=(lo, hi) trims the rest)."
            + slo_words(dimension),
            "No request start times in these runs: the view over time needs them (their "
            "tools did not record when each request started).",
        ),
        (
            "compare",
            f"Distribution of {y_label} in the selection",
            f"Box plots (the diamond is the {statistic} with its confidence interval) and "
            "overlaid histograms of the requests the statistics use." + slo_words(dimension),
            empty,
        ),
        (
            "ecdf",
            f"Cumulative distribution of {y_label} in the selection",
            "The share of each run's selected requests at or below each value: a curve to the "
            "left is faster, and where two curves cross neither run is faster everywhere. The "
            "dotted curve is the same run's requests outside the selection." + slo_words(dimension),
            empty,
        ),
        (
            "shift",
            f"Shift function: {y_label}, each run − the baseline by quantile",
            "The difference run − baseline at each decile of the baseline, with a "
            f"{level:.0%} simultaneous band (covering all deciles at once). Below zero the "
            "run is faster at that part of the distribution: a change only in the tail shows "
            "at the right end only.",
            "Not enough data for a shift function: it needs requests of the baseline and of "
            f"another run in the selection ({selection}).",
        ),
    ]
    out = []
    for testid, heading, explain, note in sections:
        if testid in meta.get("missing", ()):
            body = f'<p class="note" data-testid="{testid}-empty">{note}</p>'
        else:
            body = f'<div class="plot" data-testid="{testid}"></div>'
        if testid == "scatter" and meta.get("sampled"):
            body = _sampled_note(meta["sampled"]) + "\n" + body
        out.append(
            f'<section>\n<h2>{heading}</h2>\n<p class="explain">{explain}</p>\n{body}\n</section>'
        )
    return "\n".join(out)


def _sampled_note(sampled: Sequence[tuple[str, int, int]]) -> str:
    """The note above a scatter that draws a sample of big runs' points (escaped text)."""
    parts = [
        f"showing {format_count(drawn)} of {format_count(total)} requests of "
        f"<strong>{html.escape(name)}</strong>"
        for name, drawn, total in sampled
    ]
    return (
        '<p class="explain" data-testid="scatter-sampled">Points: '
        + "; ".join(parts)
        + " (an evenly spread, seeded sample, to keep this file small). The marginal "
        "histograms and every statistic count every request.</p>"
    )


def _page(
    title: str, meta: Mapping[str, Any], stats: Mapping[str, Any], payload: Mapping[str, Any]
) -> str:
    plotly_js = plotly.offline.get_plotlyjs()
    if "</script" in plotly_js.lower():  # pragma: no cover - guards a future plotly release
        raise RuntimeError("the bundled plotly.js contains '</script'; cannot inline it")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tpot_widget {html.escape(meta["version"])}">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
{_header(title, meta, stats)}
{_stats_tables(meta, stats)}
{_figure_sections(meta, stats)}
<footer>Self-contained report: works offline, no network requests.</footer>
</main>
<script type="application/json" id="tpot-stats">{_script_json(stats)}</script>
<script type="application/json" id="tpot-data">{_script_json(payload)}</script>
<script>window.PlotlyConfig = {{MathJaxConfig: "local"}};</script>
<script>{plotly_js}</script>
<script>{_BOOT_JS}</script>
</body>
</html>
"""
