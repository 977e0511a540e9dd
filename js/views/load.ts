/**
 * The load view (sweep widgets only): the statistic with its CI band against load on a log
 * axis, one line per configuration; the SLO line (an objective on the compared column), each
 * configuration's max load within the SLO and each candidate's crossing (the load where it
 * stops being faster than the baseline), each with its interval; the level chosen marked. A
 * click on a point chooses its level. Everything comes from `sweep_stats` (the kernel's
 * `compare_sweeps(...).to_dict()`): the view computes no statistic.
 */

import { plotlyText } from "../data";
import { formatCI, formatCount, formatPercent, formatPercentCI, formatShare, formatSignificant, formatValue } from "../format";
import { shortColumnLabel, statisticLabel } from "../labels";
import { levelByLabel, levelByValue } from "../levels";
import { unitScale } from "../prepared";
import type {
  Crossing,
  CurvePoint,
  LevelDifferencePoint,
  MaxLoad,
  RunMeta,
  SweepStats,
  Unit,
} from "../protocol";
import { withAlpha, type PlotColors } from "../theme";
import { oncePerState, sameFor } from "./memo";
import {
  axis,
  baseLayout,
  panelTitle,
  runLabel,
  sloShapes,
  type DrawState,
  type Figure,
  type OverlayShape,
  type SweepState,
  type ViewSpec,
  type ViewUpdate,
} from "./common";

/** Where a configuration's max-load marker sits (y2, 0..1, from the top) and the crossings'. */
const MAX_LOAD_ROW = (i: number): number => 0.95 - 0.06 * i;
const CROSSING_ROW = (j: number): number => 0.05 + 0.06 * j;

/** A max load or a crossing: an estimated load with its interval, either end possibly open. */
type IntervalOfLoad = {
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  open_low: boolean;
  open_high: boolean;
};

/** A load on the sweep's axis in words: "concurrency 11.5", "2.5 req/s". */
export function loadText(load: number, kind: SweepStats["axis"]["kind"]): string {
  const value = formatSignificant(load, 3, true);
  return kind === "rate" ? `${value} req/s` : `concurrency ${value}`;
}

/** An interval of loads in words, open ends said as such: "6.25 to 17.3". */
function loadInterval(x: { ci_low: number | null; ci_high: number | null; open_low: boolean; open_high: boolean }): string {
  const lo = x.open_low ? "below the lowest level" : x.ci_low === null ? "n/a" : formatSignificant(x.ci_low, 3, true);
  const hi = x.open_high ? "above the highest level" : x.ci_high === null ? "n/a" : formatSignificant(x.ci_high, 3, true);
  return `${lo} to ${hi}`;
}

/** The configuration `name`'s run metadata (the runs are the configurations, in order). */
function metaOf(runs: readonly RunMeta[], name: string, index: number): RunMeta | undefined {
  return runs.find((r) => r.name === name) ?? runs[index];
}

function labelOf(runs: readonly RunMeta[], name: string, index: number): string {
  const meta = metaOf(runs, name, index);
  return meta === undefined ? name : runLabel(meta);
}

/** The load of a point if it can be placed on the log axis, else null. */
function placed(load: number | null): number | null {
  return load !== null && Number.isFinite(load) && load > 0 ? load : null;
}

/** The crossing sentences and the max-load sentence of the view's note ("" when none). */
export function loadNote(stats: SweepStats, runs: readonly RunMeta[]): string {
  const kind = stats.axis.kind;
  const level = `${Math.round(stats.confidence_level * 1000) / 10}%`;
  const parts: string[] = [];
  stats.crossing.forEach((c: Crossing, j) => {
    const name = labelOf(runs, c.name, j + 1);
    const base = labelOf(runs, c.baseline, 0);
    if (c.status === "within the sweep" && c.estimate !== null) {
      parts.push(
        `\u2715 ${name} stops being faster than ${base} at ${loadText(c.estimate, kind)} ` +
          `(${level} CI ${loadInterval(c)}).`,
      );
    } else if (c.status === "none within the sweep") {
      parts.push(`${name} is faster than ${base} at every level compared (no crossing).`);
    } else if (c.status === "not faster at the lowest level") {
      parts.push(`${name} is not faster than ${base} at the lowest level (no crossing).`);
    } else {
      parts.push(`${name} vs ${base}: not enough data for a crossing.`);
    }
  });
  if (stats.max_load.length > 0) {
    const target = formatShare(stats.slo_target, 0);
    const each = stats.max_load.map((m: MaxLoad, i) => {
      const name = labelOf(runs, m.name, i);
      if (m.status === "within the sweep" && m.estimate !== null) {
        return `${name} ${loadText(m.estimate, kind)} (${level} CI ${loadInterval(m)})`;
      }
      if (m.status === "always met") return `${name} meets it at every level`;
      if (m.status === "not reached") return `${name} misses it already at the lowest level`;
      return `${name}: not enough data`;
    });
    parts.push(`\u25bc Max load with \u2265 ${target} of requests within the SLO: ${each.join("; ")}.`);
  }
  const unplaced = stats.curves.flatMap((c) => c.points.filter((p) => placed(p.load) === null).map((p) => p.label));
  if (unplaced.length > 0) {
    const names = [...new Set(unplaced)].join(", ");
    parts.push(`Not on the ${kind} axis: ${names} (choose it in the level control).`);
  }
  return parts.join(" ");
}

/** The hover text of a configuration's point (plotly text: user names escaped). */
function pointHover(
  name: string,
  point: CurvePoint,
  diff: LevelDifferencePoint | undefined,
  stats: SweepStats,
  unit: Unit,
): string {
  const level = `${Math.round(stats.confidence_level * 1000) / 10}%`;
  const what = `${statisticLabel(stats.statistic)} ${shortColumnLabel(stats.dimension)}`;
  const lines = [
    `<b>${plotlyText(name)}</b>`,
    plotlyText(point.label),
    `${what} ${formatValue(point.estimate, unit)} ${formatCI(point.ci_low, point.ci_high, unit)} (${level} CI)`,
    `${formatCount(point.n)} requests` + (point.n_runs > 1 ? `, ${point.n_runs} runs` : ""),
  ];
  if (diff !== undefined) {
    lines.push(
      `vs baseline ${formatPercent(diff.relative)} ${formatPercentCI(diff.relative_ci_low, diff.relative_ci_high)}: ` +
        diff.verdict +
        (diff.interpolated ? " (baseline interpolated between its neighbouring levels)" : ""),
    );
  }
  if (point.attainment !== null) {
    lines.push(
      `SLO attainment ${formatShare(point.attainment)} [${formatShare(point.attainment_ci_low)}, ` +
        `${formatShare(point.attainment_ci_high)}]`,
    );
  }
  if (point.saturated) {
    const share = point.served_share === null ? "" : ` (served ${formatShare(point.served_share, 0)} of it)`;
    lines.push(`saturated: the offered load was not achieved${share}`);
  }
  lines.push("click: compare the configurations here");
  return lines.join("<br>");
}

/** A marker with its interval on the y2 row `row` (max load, crossing), open ends to the edges. */
/** A max load's or crossing's estimate and the loads its interval spans (open ends to the edges). */
function intervalSpan(x: IntervalOfLoad, edges: [number, number]): { estimate: number; lo: number; hi: number } | null {
  const e = x.estimate;
  if (e === null || !(e > 0)) return null;
  const lo = x.open_low ? Math.min(edges[0], e) : (x.ci_low ?? e);
  const hi = x.open_high ? Math.max(edges[1], e) : (x.ci_high ?? e);
  return { estimate: e, lo, hi };
}

function intervalMarker(
  x: IntervalOfLoad,
  edges: [number, number],
  row: number,
  style: { color: string; symbol: string; hover: string },
): Record<string, unknown>[] {
  const span = intervalSpan(x, edges);
  if (span === null) {
    return [{ type: "scatter", x: [], y: [], yaxis: "y2", hoverinfo: "skip" }, { type: "scatter", x: [], y: [], yaxis: "y2", hoverinfo: "skip" }];
  }
  const { estimate: e, lo, hi } = span;
  return [
    {
      type: "scatter",
      mode: "lines",
      x: [e, e],
      y: [0, 1],
      yaxis: "y2",
      line: { color: style.color, width: 1, dash: "dot" },
      hoverinfo: "skip",
    },
    {
      type: "scatter",
      mode: "markers",
      x: [e],
      y: [row],
      yaxis: "y2",
      marker: { color: style.color, symbol: style.symbol, size: 10, line: { color: style.color, width: 1 } },
      error_x: {
        type: "data",
        symmetric: false,
        array: [Math.max(0, hi - e)],
        arrayminus: [Math.max(0, e - lo)],
        color: style.color,
        thickness: 1.5,
        width: 4,
      },
      hovertemplate: `${style.hover}<extra></extra>`,
    },
  ];
}

/** The load view's figure, or why it has nothing to draw. */
export function loadFigure(state: DrawState): Figure | string {
  const sweep = state.sweep;
  if (!sweep) return "";
  return sweepLoadFigure(sweep, state.runs, state.colors);
}

/** Everything the load view's figure and preview are drawn from, as a value (memo.ts). */
const loadInputs = oncePerState((state: DrawState): string => {
  const sweep = state.sweep;
  if (!sweep) return "";
  const { stats } = sweep;
  return JSON.stringify([
    stats.curves,
    stats.differences,
    stats.crossing,
    stats.max_load,
    stats.slo,
    stats.dimension,
    stats.statistic,
    stats.confidence_level,
    stats.slo_target,
    stats.axis,
    sweep.level,
    sweep.levels,
    sweep.units[stats.dimension],
    state.runs.map((r) => [r.name, r.label, r.color, r.load_level]),
    state.colors,
  ]);
});

/** A configuration's curve as drawn: its placed points, their loads and scaled values. */
interface LoadCurve {
  /** The configuration's name in the statistics (its differences are keyed by it). */
  key: string;
  meta: RunMeta | undefined;
  /** The name shown (the run's label). */
  name: string;
  color: string;
  points: CurvePoint[];
  x: number[];
  estimate: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
}

/** What the figure and the preview both draw from: the curves, the axis edges, the chosen level. */
interface LoadGeometry {
  curves: LoadCurve[];
  /** The lowest and highest load placed on the axis. */
  edges: [number, number];
  /** Where the level chosen sits on the axis (null: not placed). */
  chosenLoad: number | null;
  unit: Unit;
}

function loadGeometry(sweep: SweepState, runs: readonly RunMeta[], colors: PlotColors): LoadGeometry | string {
  const { stats, levels } = sweep;
  const unit: Unit = sweep.units[stats.dimension] ?? "s";
  const scale = unitScale(unit).scale;
  const kind = stats.axis.kind;
  const loads = stats.curves.flatMap((c) => c.points.map((p) => placed(p.load))).filter((v): v is number => v !== null);
  if (loads.length === 0) return `No level of these sweeps has a place on the ${kind} axis.`;
  const chosen = levelByValue(levels, sweep.level);
  const curves = stats.curves.map((curve, i): LoadCurve => {
    const meta = metaOf(runs, curve.name, i);
    const points = curve.points.filter((p) => placed(p.load) !== null);
    const scaled = (pick: (p: CurvePoint) => number | null): (number | null)[] =>
      points.map((p) => {
        const v = pick(p);
        return v === null ? null : v * scale;
      });
    return {
      key: curve.name,
      meta,
      name: meta === undefined ? curve.name : runLabel(meta),
      color: meta?.color ?? colors.muted,
      points,
      x: points.map((p) => p.load as number),
      estimate: scaled((p) => p.estimate),
      low: scaled((p) => p.ci_low),
      high: scaled((p) => p.ci_high),
    };
  });
  return {
    curves,
    edges: [Math.min(...loads), Math.max(...loads)],
    chosenLoad: chosen === undefined ? null : placedLoadOf(stats, chosen.label),
    unit,
  };
}

/** The figure of `sweep` (baseline first; `runs` name and colour the configurations). */
export function sweepLoadFigure(sweep: SweepState, runs: readonly RunMeta[], colors: PlotColors): Figure | string {
  const geometry = loadGeometry(sweep, runs, colors);
  if (typeof geometry === "string") return geometry;
  const { stats, levels } = sweep;
  const { edges, chosenLoad, unit } = geometry;
  const scale = unitScale(unit);
  const kind = stats.axis.kind;
  const level = `${Math.round(stats.confidence_level * 1000) / 10}%`;
  const data: Record<string, unknown>[] = [];

  // the level chosen: a faint vertical band (first: under everything)
  data.push({
    type: "scatter",
    mode: "lines",
    x: chosenLoad === null ? [] : [chosenLoad, chosenLoad],
    y: chosenLoad === null ? [] : [0, 1],
    yaxis: "y2",
    line: { color: withAlpha(colors.muted, 0.3) ?? colors.muted, width: 8 },
    hoverinfo: "skip",
  });

  const rings: { x: number[]; y: number[]; color: string[] } = { x: [], y: [], color: [] };
  geometry.curves.forEach((curve) => {
    const { meta, color, name, points, x } = curve;
    const diffs = new Map(
      (stats.differences.find((d) => d.name === curve.key)?.points ?? []).map((p) => [p.label, p] as const),
    );
    // the CI band: the upper edge, then the lower one filled up to it
    data.push({
      type: "scatter",
      mode: "lines",
      x,
      y: curve.high,
      line: { width: 0, color },
      hoverinfo: "skip",
    });
    data.push({
      type: "scatter",
      mode: "lines",
      x,
      y: curve.low,
      line: { width: 0, color },
      fill: "tonexty",
      fillcolor: withAlpha(color, 0.16) ?? color,
      hoverinfo: "skip",
    });
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: plotlyText(name),
      x,
      y: curve.estimate,
      customdata: points.map((p) => levelByLabel(levels, p.label)?.value ?? null),
      hovertext: points.map((p) => pointHover(meta?.name ?? curve.key, p, diffs.get(p.label), stats, unit)),
      hovertemplate: "%{hovertext}<extra></extra>",
      line: { color, width: 2 },
      marker: {
        color,
        size: 8,
        // open: compared with the baseline interpolated between its levels; a cross: saturated
        symbol: points.map((p) =>
          diffs.get(p.label)?.interpolated === true ? "circle-open" : p.saturated ? "x" : "circle",
        ),
        line: { color, width: 1.5 },
      },
    });
    // this configuration's point at the level it is shown at (the kernel's)
    const shown = levelByValue(levels, meta?.load_level ?? null);
    const at = shown === undefined ? undefined : points.find((p) => p.label === shown.label);
    if (at !== undefined && at.estimate !== null) {
      rings.x.push(at.load as number);
      rings.y.push(at.estimate * scale.scale);
      rings.color.push(color);
    }
  });
  data.push({
    type: "scatter",
    mode: "markers",
    x: rings.x,
    y: rings.y,
    marker: { symbol: "circle-open", size: 16, color: rings.color, line: { color: rings.color, width: 2 } },
    hoverinfo: "skip",
  });

  const target = formatShare(stats.slo_target, 0);
  stats.max_load.forEach((m, i) => {
    const meta = metaOf(runs, m.name, i);
    const color = meta?.color ?? colors.muted;
    const hover =
      `<b>${plotlyText(meta === undefined ? m.name : runLabel(meta))}</b><br>max load with \u2265 ${target} ` +
      `of requests within the SLO<br>${m.estimate === null ? "" : loadText(m.estimate, kind)} ` +
      `(${level} CI ${loadInterval(m)})`;
    data.push(...intervalMarker(m, edges, MAX_LOAD_ROW(i), { color, symbol: "triangle-down", hover }));
  });
  stats.crossing.forEach((c, j) => {
    const meta = metaOf(runs, c.name, j + 1);
    const color = meta?.color ?? colors.muted;
    const hover =
      `<b>${plotlyText(meta === undefined ? c.name : runLabel(meta))}</b><br>stops being faster than the ` +
      `baseline at<br>${c.estimate === null ? "" : loadText(c.estimate, kind)} (${level} CI ${loadInterval(c)})`;
    data.push(...intervalMarker(c, edges, CROSSING_ROW(j), { color, symbol: "x-thin-open", hover }));
  });

  const what = `${statisticLabel(stats.statistic)} ${shortColumnLabel(stats.dimension)}`;
  const ranges = loadAxes(stats, geometry);
  return {
    data,
    layout: {
      ...baseLayout(colors),
      margin: { l: 60, r: 12, t: 30, b: 10 },
      title: panelTitle(`${what} against load (${level} CI bands); click a level to compare there`, colors),
      shapes: sloShapes(stats.slo, colors, { y: { column: stats.dimension, scale: scale.scale } }),
      xaxis: axis(colors, {
        type: "log",
        range: ranges.xaxis?.range,
        autorange: false,
        title: { text: plotlyText(stats.axis.label), standoff: 4 },
      }),
      yaxis: axis(colors, {
        ...(ranges.yaxis ? { range: ranges.yaxis.range, autorange: false } : {}),
        title: { text: plotlyText(what + scale.suffix), standoff: 6 },
      }),
      yaxis2: { overlaying: "y", range: [0, 1], visible: false, fixedrange: true },
      hovermode: "closest",
    },
  };
}

/** A value for a shape: null (no interval, no estimate) breaks the path. */
const orNaN = (v: number | null): number => (v === null ? Number.NaN : v);

/**
 * New statistics without plotly (a brush's answer): the figure's traces as shapes (the bands,
 * the lines and their points, the max-load and crossing markers with their intervals, the
 * level chosen), drawn at once; plotly catches up when the page is idle. Until then every
 * point is a dot (no open or crossed symbols, no ring on the level shown) and hover waits.
 */
export function loadUpdate(state: DrawState): ViewUpdate {
  const sweep = state.sweep;
  const geometry = sweep ? loadGeometry(sweep, state.runs, state.colors) : "";
  if (!sweep || typeof geometry === "string") return { shapes: [] };
  const { stats } = sweep;
  const { edges, chosenLoad } = geometry;
  const muted = state.colors.muted;
  const shapes: OverlayShape[] = [];
  if (chosenLoad !== null) {
    const color = withAlpha(muted, 0.3) ?? muted;
    shapes.push({ x: [chosenLoad, chosenLoad], y: [0, 1], yaxis: "yaxis2", color, width: 8 });
  }
  for (const curve of geometry.curves) {
    const { x, color } = curve;
    // the band: each stretch of levels with an interval, out along its upper edge and back
    // along its lower one (a break between stretches)
    const band = { x: [] as number[], y: [] as number[] };
    let stretch: number[] = [];
    const closeStretch = (): void => {
      if (stretch.length === 0) return;
      const out = stretch.map((i) => [x[i], curve.high[i]] as const);
      const back = stretch.map((i) => [x[i], curve.low[i]] as const).reverse();
      for (const [px, py] of [...out, ...back, [Number.NaN, Number.NaN] as const]) {
        band.x.push(px as number);
        band.y.push(py as number);
      }
      stretch = [];
    };
    x.forEach((_, i) => {
      if (curve.low[i] === null || curve.high[i] === null) closeStretch();
      else stretch.push(i);
    });
    closeStretch();
    const fill = withAlpha(color, 0.16) ?? color;
    shapes.push({ ...band, color, width: 0, fill: { mode: "toself", color: fill } });
    shapes.push({ x, y: curve.estimate.map(orNaN), color, width: 2, markers: 8 });
  }
  const markers = [
    ...stats.max_load.map((m, i) => ({ x: m, row: MAX_LOAD_ROW(i), meta: metaOf(state.runs, m.name, i) })),
    ...stats.crossing.map((c, j) => ({ x: c, row: CROSSING_ROW(j), meta: metaOf(state.runs, c.name, j + 1) })),
  ];
  for (const { x, row, meta } of markers) {
    const span = intervalSpan(x, edges);
    if (span === null) continue;
    const color = meta?.color ?? muted;
    const { estimate: e, lo, hi } = span;
    shapes.push({ x: [e, e], y: [0, 1], yaxis: "yaxis2", color, width: 1, dash: "dot" });
    shapes.push({ x: [lo, hi], y: [row, row], yaxis: "yaxis2", color, width: 1.5 });
    shapes.push({ x: [e], y: [row], yaxis: "yaxis2", color, width: 0, markers: 10 });
  }
  return { shapes, axes: loadAxes(stats, geometry) };
}

/**
 * The load view's axes for these numbers (log10 loads on x): every level and every interval
 * on them with 5% to spare. The figure takes these ranges and the preview reaches them, so
 * that new numbers move the axes by a relayout, never by a redraw of everything.
 */
function loadAxes(stats: SweepStats, geometry: LoadGeometry): NonNullable<ViewUpdate["axes"]> {
  const { edges } = geometry;
  let [xLo, xHi] = edges;
  for (const x of [...stats.max_load, ...stats.crossing]) {
    const span = intervalSpan(x, edges);
    if (span === null) continue;
    xLo = Math.min(xLo, span.lo);
    xHi = Math.max(xHi, span.hi);
  }
  const xReach: [number, number] = [Math.log10(xLo), Math.log10(xHi)];
  const axes: NonNullable<ViewUpdate["axes"]> = { xaxis: { reach: xReach, range: padded(xReach, 0.1) } };
  const ys = geometry.curves
    .flatMap((c) => [...c.low, ...c.high, ...c.estimate])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (ys.length > 0) {
    const yReach: [number, number] = [Math.min(...ys), Math.max(...ys)];
    axes.yaxis = { reach: yReach, range: padded(yReach, Math.abs(yReach[1]) * 0.05 || 1e-9) };
  }
  return axes;
}

/** `reach` with 5% of its span more on each side (`least` when it spans nothing). */
function padded(reach: [number, number], least: number): [number, number] {
  const pad = reach[1] > reach[0] ? (reach[1] - reach[0]) * 0.05 : least;
  return [reach[0] - pad, reach[1] + pad];
}

/** The axis position of the level labelled `label` (any configuration that ran it). */
function placedLoadOf(stats: SweepStats, label: string): number | null {
  for (const curve of stats.curves) {
    const point = curve.points.find((p) => p.label === label);
    const load = point === undefined ? null : placed(point.load);
    if (load !== null) return load;
  }
  return null;
}

export const loadView: ViewSpec = {
  id: "load",
  area: "grid",
  redrawOn: ["data", "stats", "level"],
  sweepOnly: true,
  choosesLevel: true,
  note: (state) => (state.sweep ? loadNote(state.sweep.stats, state.runs) : ""),
  figure: sameFor(loadInputs, loadFigure),
  update: sameFor(loadInputs, loadUpdate),
};
