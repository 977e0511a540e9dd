"""A self-contained offline HTML report: the widget's own views over a static, embedded model.

The page is a shell around the widget: a header saying what was compared (runs, sources,
selection, statistic, interval method, when and by which version), the widget's stylesheet
and script (static/report.js, built from js/report.ts) inlined, and one JSON model in
``<script type="application/json" id="tpot-model">`` (js/protocol.ts ``ReportModel``): every
synced trait of a `TPOTCompare` of these runs and parameters (``state.stats`` is `compare()`'s
``to_dict()``) and the columns its views draw, as base64 float32 / uint8 bytes, thinned evenly
above `MAX_POINTS` rows per run (the page says so). Python builds no figure: every view
registered in js/views/registry.ts, the legend and the statistics panel are drawn by the same
code as in the notebook. The views follow a brush; the statistics are those the report was
written with (the panel says which range they are for, and that another range needs the
kernel). No network request; every piece of user text is escaped.

DOM (for tests): ``[data-testid="report-header"]``, ``[data-testid="synthetic-note"]`` (only
for synthetic runs), ``[data-testid="thinned-note"]`` (only when a run is thinned),
``#tpot-report`` (the widget: its DOM contract is js/widget.ts's), ``script#tpot-model``, and
the statistics alone, machine-readable, in ``script#tpot-stats`` (= the model's ``state.stats``).
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _transport
from .display import column_label, format_count, format_range
from .params import Parameters
from .run import Run
from .tables import markdown_table

if TYPE_CHECKING:
    from .widget import TPOTCompare

__all__ = ["MAX_POINTS", "render_html", "render_widget", "write_html", "write_widget"]

_STATIC = Path(__file__).parent / "static"
#: The report's script (js/report.ts + the widget + plotly.js) and the widget's stylesheet.
REPORT_JS = _STATIC / "report.js"
WIDGET_CSS = _STATIC / "widget.css"
#: Above this many requests a run's embedded columns are an evenly spread, seeded sample of
#: its rows (the statistics count every request), so a report of big runs stays small.
MAX_POINTS = 20_000
#: What the static model says of itself (js/protocol.ts `ReportInfo`).
REPORT_INFO: dict[str, str] = {"command": "tpot-compare"}


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
        Runs or arms (the first is the baseline): `Run`s, `Arm`s, LLMeter Results or paths
        (a file of several runs adds them all).
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
        A `Comparison` (or its ``to_dict()``) for exactly these arguments: the statistics
        shown (e.g. the CLI's, computed with its ``--seed``).
    random_state
        As in `compare`; also named in the header.
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
    return _write(text, path)


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
    from .comparison import Comparer
    from .widget import TPOTCompare

    if parameters is None:
        parameters = Parameters.from_user(**values)
    elif values:
        raise TypeError("pass either parameters= or compare's keyword arguments, not both")
    p = parameters
    units = _as_units(runs)
    if comparison is None and random_state is not None:
        comparison = Comparer(units, p.dimension, p.x_dimension).compare(
            p, random_state=random_state
        )
    widget = TPOTCompare(
        *units,
        dimension=p.dimension,
        x_dimension=p.x_dimension,
        statistic=p.statistic,
        confidence_level=p.confidence_level,
        token_range=p.token_range,
        time_range=p.time_range,
        threshold=p.threshold,
        match=None if p.match is None else list(p.match),
        slo=dict(p.slo),
        method=p.method,
        n_resamples=p.n_resamples,
        log_axis=log_axis,
    )
    try:
        stats = None
        if comparison is not None:
            stats = dict(comparison) if isinstance(comparison, Mapping) else comparison.to_dict()
        return render_widget(widget, title=title, stats=stats, random_state=random_state)
    finally:
        widget.close()


def write_widget(
    widget: TPOTCompare, path: str | os.PathLike[str], *, title: str | None = None
) -> Path:
    """Write the report of `widget` as it is now (its runs, parameters, ranges, statistics)."""
    return _write(render_widget(widget, title=title), path)


def render_widget(
    widget: TPOTCompare,
    *,
    title: str | None = None,
    stats: Mapping[str, Any] | None = None,
    random_state: Any = None,
) -> str:
    """The report of `widget` as one HTML string; `stats` replaces its statistics (the same
    parameters computed with another `random_state`, say)."""
    from .widget import TPOTCompare

    # every synced trait TPOTCompare defines (not the anywidget / ipywidgets plumbing)
    state = widget.get_state(key=sorted(TPOTCompare.class_own_traits(sync=True)))
    if stats is not None:
        state["stats"] = dict(stats)
        state["_summary_markdown"] = markdown_table(stats)
    state["_report"] = dict(REPORT_INFO)
    runs = list(widget.runs)
    model = {
        "state": state,
        "columns": _transport.embedded_columns(runs, _columns(state), MAX_POINTS),
    }
    title = title or _default_title(len(runs), state["dimension"])
    return _page(title, _header(title, widget, state, random_state), model)


def _columns(state: Mapping[str, Any]) -> list[list[str]]:
    """Per run, the columns the views ask for (js/widget.ts refreshData): the compared pair,
    the error flags, and the start times of a run that has them (`ViewSpec.needs`)."""
    pair = [state["x_dimension"], state["dimension"], _transport.ERROR_FLAG]
    return [
        list(dict.fromkeys(pair + (["request_start"] if meta["has_start_times"] else [])))
        for meta in state["_runs_meta"]
    ]


def _write(text: str, path: str | os.PathLike[str]) -> Path:
    out = Path(path)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OSError(f"{out}: cannot write the report ({exc.strerror})") from exc
    return out


def _as_units(runs: Any) -> list[Any]:
    """Runs and arms as given; paths and Results loaded (a file of several runs adds them all)."""
    from .arm import Arm, as_arm_or_run
    from .loaders import load_runs

    items = [runs] if isinstance(runs, (Run, Arm)) or not isinstance(runs, (list, tuple)) else runs
    out: list[Any] = []
    for item in items:
        item = as_arm_or_run(item)
        out.extend([item] if isinstance(item, (Run, Arm)) else load_runs(item))
    return out


def _default_title(n_runs: int, dimension: str) -> str:
    label = column_label(dimension)
    return f"{label[:1].upper()}{label[1:]}: comparison of {n_runs} runs"


# --- the page ----------------------------------------------------------------------------


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' characters at all."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _inline(path: Path, closing: str) -> str:
    """A built asset's text, checked to be safe inline (no closing tag of its element)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path} is missing: build the front end first (npm run build, or make js)"
        ) from None
    if closing in text.lower():  # pragma: no cover - guards a future build
        raise RuntimeError(f"{path.name} contains {closing!r}; it cannot be inlined")
    return text


def _thinned_note(runs: Sequence[Run]) -> str:
    """The sentence saying which runs the views draw a sample of (escaped), or ""."""
    big = [run for run in runs if len(run) > MAX_POINTS]
    if not big:
        return ""
    parts = ", ".join(
        f"{format_count(MAX_POINTS)} of the {format_count(len(run))} requests of "
        f"<strong>{html.escape(run.name)}</strong>"
        for run in big
    )
    return (
        f'<p class="note" data-testid="thinned-note">The views draw an evenly spread sample '
        f"of the requests, to keep this file small: {parts}. The statistics count every "
        "request.</p>"
    )


def _header(title: str, widget: TPOTCompare, state: Mapping[str, Any], random_state: Any) -> str:
    """Title, what was compared and how (escaped text)."""
    from . import __version__

    esc = html.escape
    runs = list(widget.runs)
    metas: list[Mapping[str, Any]] = state["_runs_meta"]
    stats: Mapping[str, Any] = state["stats"]
    items = []
    for i, (run, meta) in enumerate(zip(runs, metas, strict=True)):
        notes = (["baseline"] if i == 0 else []) + (
            [] if meta["label"] == run.name else [f"shown as “{esc(meta['label'])}”"]
        )
        if meta["n_runs"] > 1:
            notes.append(f"an arm of {meta['n_runs']} runs")
        role = f" ({'; '.join(notes)})" if notes else ""
        source = f" — <code>{esc(run.source)}</code>" if run.source else ""
        items.append(
            f"<li><strong>{esc(run.name)}</strong>{role}: {esc(run.format)}, "
            f"{format_count(len(run))} requests, {format_count(run.n_errors)} failed{source}</li>"
        )
    synthetic = [run.name for run in runs if is_synthetic(run)]
    note = ""
    if synthetic:
        note = (
            '<p class="note" data-testid="synthetic-note"><strong>Synthetic data.</strong> '
            f"{', '.join(esc(n) for n in synthetic)}: generated by <code>tpot_widget.demo</code> "
            "to show the tool; these are not measurements.</p>"
        )
    seed = "fixed default seed (0)" if random_state is None else f"seed {esc(str(random_state))}"
    level = float(stats["confidence_level"])
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    dimension = str(stats["dimension"])
    return f"""
<header data-testid="report-header">
<h1>{esc(title)}</h1>
<p class="sub">{" vs ".join(esc(run.name) for run in runs)}</p>
{note}
<dl class="meta">
<dt>Runs</dt><dd><ul class="runs">{"".join(items)}</ul></dd>
<dt>Dimension</dt><dd>{esc(column_label(dimension))} (<code>{esc(dimension)}</code>)</dd>
<dt>Selection</dt><dd data-testid="report-selection">{esc(_selection_text(stats))}</dd>
<dt>Statistic</dt><dd>{esc(str(stats["statistic"]))}</dd>
<dt>Confidence interval</dt><dd>{level:.0%} {esc(str(stats["method"]))} bootstrap,
  {stats["n_resamples"]} resamples, {seed}</dd>
<dt>Difference test</dt><dd>Mann–Whitney U p-value; verdict from the CI of the
  difference (lower is better)</dd>
<dt>Generated</dt><dd>{generated} by tpot_widget {esc(__version__)}</dd>
</dl>
{_thinned_note(runs)}
<p class="explain">Drag across the scatter (or the time view) to select a range: every view
follows it. The statistics are those this report was written with; another range's need the
kernel (the panel says so). Each view's mode bar zooms, pans and downloads it as a PNG; click
a legend entry to hide a run.</p>
</header>"""


def _selection_text(stats: Mapping[str, Any]) -> str:
    """The statistics' selection in words: the token range and the time range (inclusive)."""
    parts = []
    if stats["token_range"] is not None:
        parts.append(format_range(stats["token_range"], str(stats["x_dimension"])))
    if stats["time_range"] is not None:
        parts.append(format_range(stats["time_range"], "request_start"))
    if not parts:
        return "all requests"
    text = " and ".join(parts)
    if stats["time_range"] is not None:
        text += " (seconds since each run's first request)"
    return f"{text}, inclusive"


_CSS = """
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --bg-soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--fg); font: 15px/1.5 system-ui,
  -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 600; overflow-wrap: anywhere; }
.sub { color: var(--muted); margin: 0 0 16px; overflow-wrap: anywhere; }
.note { border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px;
  padding: 8px 12px; margin: 12px 0; overflow-wrap: anywhere; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px;
  margin: 12px 0 0; padding: 12px 16px; background: var(--bg-soft);
  border: 1px solid var(--line); border-radius: 6px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
ul.runs { margin: 0; padding-left: 18px; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.explain { color: var(--muted); font-size: 13px; margin: 8px 0 12px; }
#tpot-report { margin-top: 8px; }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; }
"""


def _page(title: str, header: str, model: Mapping[str, Any]) -> str:
    from . import __version__

    widget_css = _inline(WIDGET_CSS, "</style")
    report_js = _inline(REPORT_JS, "</script")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tpot_widget {html.escape(__version__)}">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
<style>{widget_css}</style>
</head>
<body>
<main>
{header}
<div id="tpot-report" data-testid="report-widget"></div>
<footer>Self-contained report: works offline, makes no network request.</footer>
</main>
<script type="application/json" id="tpot-stats">{_script_json(model["state"]["stats"])}</script>
<script type="application/json" id="tpot-model">{_script_json(model)}</script>
<script>{report_js}</script>
</body>
</html>
"""
