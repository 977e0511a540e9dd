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

Sweeps (`Sweep`s, or a sweep widget) add the load and Pareto views (registered views, drawn
from the embedded ``state.sweep_stats``) and every level's statistics and runs
(``model.levels``), so that another level can be chosen in the page as in the notebook: every
configuration-level's columns are embedded by run key, thinned harder (an equal share of
`SWEEP_POINTS` each; the page says so). Where even that would leave too few points per
configuration-level, the report holds the level it shows only and its level control says why.

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

from . import _transport, params
from .display import column_label, format_count, format_range
from .params import Parameters
from .run import Run
from .sweep import Sweep
from .tables import markdown_table

if TYPE_CHECKING:
    from .widget import TPOTCompare

__all__ = [
    "MAX_POINTS",
    "MIN_LEVEL_POINTS",
    "SWEEP_POINTS",
    "render_html",
    "render_widget",
    "write_html",
    "write_widget",
]

_STATIC = Path(__file__).parent / "static"
#: The report's script (js/report.ts + the widget + plotly.js) and the widget's stylesheet.
REPORT_JS = _STATIC / "report.js"
WIDGET_CSS = _STATIC / "widget.css"
#: Above this many requests a run's embedded columns are an evenly spread, seeded sample of
#: its rows (the statistics count every request), so a report of big runs stays small.
MAX_POINTS = 20_000
#: Sweeps: the rows every configuration-level's embedded columns hold together at most (an
#: equal share each, itself at most `MAX_POINTS`), so that a report in which any level can be
#: chosen stays small: 2 configurations × 12 levels × 3 runs × 10k requests is ~6 MB.
SWEEP_POINTS = 240_000
#: Below this many rows per configuration-level, a sample would show too little of a level:
#: the sweep report then holds the level it shows only (at `MAX_POINTS`) and says so.
MIN_LEVEL_POINTS = 1_000
#: The traits of a sweep widget that decide its statistics (copied to a report's probe).
_SWEEP_TRAITS: tuple[str, ...] = (*params.NAMES, "log_axis", "load_level", "slo_target", "gpus")
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
    slo_target: float | None = None,
    gpus: int | Sequence[int | None] | None = None,
    **values: Any,
) -> Path:
    """Write the report of `runs` to `path`; returns the path written.

    Parameters
    ----------
    runs
        Runs or arms (the first is the baseline): `Run`s, `Arm`s, LLMeter Results or paths
        (a file of several runs adds them all); or 2..8 `Sweep`s (configurations across load
        levels): the report then has the load and Pareto views and every level.
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
        shown (e.g. the CLI's, computed with its ``--seed``); with sweeps a `SweepComparison`
        (or its ``to_dict()``): the load and Pareto views'.
    random_state
        As in `compare`; also named in the header.
    slo_target, gpus
        With sweeps, as in `compare_sweeps`.
    """
    text = render_html(
        runs,
        parameters=parameters,
        log_axis=log_axis,
        title=title,
        comparison=comparison,
        random_state=random_state,
        slo_target=slo_target,
        gpus=gpus,
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
    slo_target: float | None = None,
    gpus: int | Sequence[int | None] | None = None,
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
    sweeps = _sweeps_of(runs)
    if sweeps is not None:
        return _render_sweeps(
            sweeps, p, log_axis, title, comparison, random_state, slo_target, gpus
        )
    if slo_target is not None or gpus is not None:
        raise ValueError("slo_target and gpus apply to sweeps (a report of Sweeps)")
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
    """Write the report of `widget` as it is now (its runs, parameters, ranges, statistics;
    with sweeps every level, opening at the one it shows)."""
    return _write(render_widget(widget, title=title), path)


def render_widget(
    widget: TPOTCompare,
    *,
    title: str | None = None,
    stats: Mapping[str, Any] | None = None,
    random_state: Any = None,
) -> str:
    """The report of `widget` as one HTML string; `stats` replaces its statistics (the same
    parameters computed with another `random_state`, say; with sweeps, `random_state` gives
    every level's)."""
    if widget.sweeps:
        if stats is not None:
            raise ValueError("stats= replaces one comparison: a sweep report has one per level")
        probe = _probe(widget)  # moved between levels: the user's widget is left as it is
        try:
            return _render_sweep_widget(widget, probe, title, None, random_state)
        finally:
            probe.close()
    state = _state(widget)
    if stats is not None:
        state["stats"] = dict(stats)
        state["_summary_markdown"] = markdown_table(stats)
    runs = list(widget.runs)
    model = {
        "state": state,
        "columns": _transport.embedded_columns(runs, _columns(state), MAX_POINTS),
    }
    title = title or _default_title(len(runs), state["dimension"])
    return _page(title, _header(title, widget, state, random_state), model)


def _state(widget: TPOTCompare) -> dict[str, Any]:
    """Every synced trait TPOTCompare defines (not the anywidget / ipywidgets plumbing), and
    what the static model says of itself (`_report`)."""
    from .widget import TPOTCompare

    state = widget.get_state(key=sorted(TPOTCompare.class_own_traits(sync=True)))
    state["_report"] = dict(REPORT_INFO)
    return state


def _columns(state: Mapping[str, Any]) -> list[list[str]]:
    """Per run, the columns the views ask for (js/widget.ts refreshData)."""
    return [_run_columns(state, meta) for meta in state["_runs_meta"]]


def _run_columns(state: Mapping[str, Any], meta: Mapping[str, Any]) -> list[str]:
    """The columns the views ask for of one run: the compared pair, the error flags, and the
    start times if it has them (`ViewSpec.needs`)."""
    pair = [state["x_dimension"], state["dimension"], _transport.ERROR_FLAG]
    return list(dict.fromkeys(pair + (["request_start"] if meta["has_start_times"] else [])))


# --- sweeps ------------------------------------------------------------------------------


def _sweeps_of(runs: Any) -> list[Sweep] | None:
    """The Sweeps a report is asked for (runs are not mixed in: TPOTCompare refuses that)."""
    items = [runs] if not isinstance(runs, (list, tuple)) else list(runs)
    return items if items and any(isinstance(x, Sweep) for x in items) else None


def _render_sweeps(
    sweeps: Sequence[Sweep],
    p: Parameters,
    log_axis: bool,
    title: str | None,
    comparison: Any,
    random_state: Any,
    slo_target: float | None,
    gpus: int | Sequence[int | None] | None,
) -> str:
    """`render_html` of sweeps: a sweep widget's report; `comparison` (a `SweepComparison` or
    its dict) replaces its load and Pareto views' numbers."""
    from .widget import DEFAULT_SLO_TARGET, TPOTCompare

    widget = TPOTCompare(
        *sweeps,
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
        slo_target=DEFAULT_SLO_TARGET if slo_target is None else slo_target,
        gpus=gpus,
    )
    try:
        sweep_stats = None
        if comparison is not None:
            sweep_stats = (
                dict(comparison) if isinstance(comparison, Mapping) else comparison.to_dict()
            )
        # the widget is this report's own: it can be moved between levels itself
        return _render_sweep_widget(widget, widget, title, sweep_stats, random_state)
    finally:
        widget.close()


def _probe(widget: TPOTCompare) -> TPOTCompare:
    """A sweep widget comparing what `widget` compares, to be moved between levels."""
    from .widget import TPOTCompare

    return TPOTCompare(*widget.sweeps, **{name: getattr(widget, name) for name in _SWEEP_TRAITS})


def _render_sweep_widget(
    widget: TPOTCompare,
    probe: TPOTCompare,
    title: str | None,
    sweep_stats: Mapping[str, Any] | None,
    random_state: Any,
) -> str:
    """The report of sweep `widget` at its level, every level read from `probe` (a widget
    comparing the same, moved between levels here; it may be `widget` itself)."""
    state = _state(widget)  # before the probe moves
    if sweep_stats is not None:
        state["sweep_stats"] = dict(sweep_stats)
    levels, runs = _levels(probe, random_state)
    shown = next(level for level in levels if level["load_level"] == state["load_level"])
    state.update(stats=shown["stats"], _summary_markdown=shown["_summary_markdown"])
    per_run = min(MAX_POINTS, SWEEP_POINTS // max(1, len(runs)))
    model: dict[str, Any]
    if per_run >= MIN_LEVEL_POINTS:
        metas = {meta["key"]: meta for level in levels for meta in level["_runs_meta"]}
        keys = list(runs)
        columns = [_run_columns(state, metas[key]) for key in keys]
        embedded = _transport.embedded_columns([runs[k] for k in keys], columns, per_run, keys)
        model = {"state": state, "columns": embedded, "levels": levels}
        thinned = _sweep_thinned_note(list(runs.values()), per_run)
    else:
        keys = [meta["key"] for meta in state["_runs_meta"]]
        shown_runs = [runs[k] for k in keys]
        embedded = _transport.embedded_columns(shown_runs, _columns(state), MAX_POINTS, keys)
        state["_report"]["levels_note"] = (
            f"This report holds the level it shows only: the {len(runs)} configuration-levels' "
            f"requests would leave fewer than {format_count(MIN_LEVEL_POINTS)} points each in a "
            "file of this size. Open the sweeps in TPOTCompare, or write the report of another "
            "level (w.load_level = ...; w.to_html(path))."
        )
        model = {"state": state, "columns": embedded}
        thinned = _thinned_note(shown_runs)
    title = title or _default_sweep_title(widget, state["dimension"])
    return _page(title, _sweep_header(title, widget, state, random_state, thinned), model)


def _levels(probe: TPOTCompare, random_state: Any) -> tuple[list[dict[str, Any]], dict[str, Run]]:
    """Every level's statistics and runs as the widget shows them (js/protocol.ts
    `ReportLevel`), and the runs shown at any level by run key; with `random_state`, each
    level's statistics computed with it (as `compare(..., random_state=)` would)."""
    from .comparison import Comparer
    from .sweep_levels import SweepLevels

    reseeded = None if random_state is None else SweepLevels(probe.sweeps)
    parameters = Parameters.from_user(**{name: getattr(probe, name) for name in params.NAMES})
    levels: list[dict[str, Any]] = []
    runs: dict[str, Run] = {}
    for offered in probe.get_state(["_choices"])["_choices"]["load_levels"]:
        probe.load_level = offered["value"]
        state = probe.get_state(["load_level", "stats", "_runs_meta", "_summary_markdown"])
        if reseeded is not None:
            choice = reseeded.choose(reseeded.resolve(offered["value"]))
            comparer = Comparer(choice.units, parameters.dimension, parameters.x_dimension)
            comparison = choice.annotate(comparer.compare(parameters, random_state=random_state))
            state["stats"] = comparison.to_dict()
            state["_summary_markdown"] = choice.summary(state["stats"])
        levels.append(state)
        runs.update(
            {meta["key"]: run for meta, run in zip(state["_runs_meta"], probe.runs, strict=True)}
        )
    return levels, runs


def _default_sweep_title(widget: TPOTCompare, dimension: str) -> str:
    label = column_label(dimension)
    n_levels = len(widget.get_state(["_choices"])["_choices"]["load_levels"])
    return (
        f"{label[:1].upper()}{label[1:]}: {len(widget.sweeps)} configurations across "
        f"{n_levels} load levels"
    )


def _sweep_thinned_note(runs: Sequence[Run], per_run: int) -> str:
    """The sentence saying the views draw a sample of each configuration-level, or ""."""
    big = [run for run in runs if len(run) > per_run]
    if not big:
        return ""
    most = max(len(run) for run in big)
    return (
        f'<p class="note" data-testid="thinned-note">The views draw an evenly spread sample '
        f"of at most {format_count(per_run)} requests per configuration and load level (of "
        f"up to {format_count(most)}), so that every level can be chosen in this file and it "
        "stays small. The statistics count every request.</p>"
    )


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
    esc = html.escape
    runs = list(widget.runs)
    metas: list[Mapping[str, Any]] = state["_runs_meta"]
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
    explain = (
        "Drag across the scatter (or the time view) to select a range: every view follows it. "
        "The statistics are those this report was written with; another range's need the "
        "kernel (the panel says so)."
    )
    return _header_html(
        title,
        " vs ".join(esc(run.name) for run in runs),
        f'<dt>Runs</dt><dd><ul class="runs">{"".join(items)}</ul></dd>',
        [run.name for run in runs if is_synthetic(run)],
        state,
        random_state,
        _thinned_note(runs),
        explain,
    )


def _sweep_header(
    title: str, widget: TPOTCompare, state: Mapping[str, Any], random_state: Any, thinned: str
) -> str:
    """A sweep report's title, configurations, the level it opens at, and how (escaped)."""
    esc = html.escape
    sweeps = widget.sweeps
    items = []
    for i, sweep in enumerate(sweeps):
        runs = sweep.runs
        formats = ", ".join(sorted({run.format for run in runs}))
        role = " (baseline)" if i == 0 else ""
        items.append(
            f"<li><strong>{esc(sweep.name)}</strong>{role}: {esc(formats)}, "
            f"{len(sweep.levels)} load levels, {format_count(len(runs))} runs, "
            f"{format_count(sum(len(run) for run in runs))} requests</li>"
        )
    levels = state["_choices"]["load_levels"]
    opened = next((lv["label"] for lv in levels if lv["value"] == state["load_level"]), "")
    rows = (
        f'<dt>Configurations</dt><dd><ul class="runs">{"".join(items)}</ul></dd>'
        f'<dt>Load level</dt><dd data-testid="report-level">{esc(opened)} (the views and the '
        "panel; the load and Pareto views show every level)</dd>"
    )
    explain = (
        "The load view shows the statistic against load for every level; click a level there "
        "(or choose it in the controls) and every other view and the panel compare the "
        "configurations at that level. Drag across the scatter (or the time view) to select a "
        "range: the views follow it; the statistics are those this report was written with."
    )
    synthetic = [s.name for s in sweeps if any(is_synthetic(run) for run in s.runs)]
    subtitle = " vs ".join(esc(s.name) for s in sweeps)
    return _header_html(title, subtitle, rows, synthetic, state, random_state, thinned, explain)


def _header_html(
    title: str,
    subtitle: str,
    compared: str,
    synthetic: Sequence[str],
    state: Mapping[str, Any],
    random_state: Any,
    thinned: str,
    explain: str,
) -> str:
    """The header: `compared` (the <dt>/<dd> rows of what was compared, escaped already),
    the synthetic note, the parameters, `thinned` and the `explain` text (plain)."""
    from . import __version__

    esc = html.escape
    stats: Mapping[str, Any] = state["stats"]
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
<p class="sub">{subtitle}</p>
{note}
<dl class="meta">
{compared}
<dt>Dimension</dt><dd>{esc(column_label(dimension))} (<code>{esc(dimension)}</code>)</dd>
<dt>Selection</dt><dd data-testid="report-selection">{esc(_selection_text(stats))}</dd>
<dt>Statistic</dt><dd>{esc(str(stats["statistic"]))}</dd>
<dt>Confidence interval</dt><dd>{level:.0%} {esc(str(stats["method"]))} bootstrap,
  {stats["n_resamples"]} resamples, {seed}</dd>
<dt>Difference test</dt><dd>Mann–Whitney U p-value; verdict from the CI of the
  difference (lower is better)</dd>
<dt>Generated</dt><dd>{generated} by tpot_widget {esc(__version__)}</dd>
</dl>
{thinned}
<p class="explain">{esc(explain)} Each view's mode bar zooms, pans and downloads it as a PNG;
click a legend entry to hide a run.</p>
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
