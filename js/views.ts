/**
 * The three plotly figures as pure data: scatter + marginal histograms (WebGL, or 2-D
 * histograms above the density threshold), box plots and overlaid histograms of the
 * selected rows (the rows outside the range faint behind). No DOM, no plotly calls here.
 */

import type { TokenRange } from "./brush";
import {
  binCentre,
  binCounts,
  binCounts2d,
  binSharesSorted,
  boxSummary,
  coverBins,
  extent,
  positivePart,
  plotlyText,
  sharedEdges,
  shorten,
  sortRowsByY,
  splitSorted,
  stepLine,
  usablePoints,
  type Bins,
  type Points,
  type RunColumns,
  type SortedRows,
} from "./data";
import { columnLabel, shortColumnLabel, type Unit } from "./format";
import type { RunMeta } from "./panel";
import { withAlpha, type PlotColors } from "./theme";

/** A plotly figure spec (typed loosely here; plotly validates it). */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Everything that depends only on (runs, dimension, x dimension): computed once per pair. */
export interface Prepared {
  dimension: string;
  xDimension: string;
  yUnit: Unit;
  xUnit: Unit;
  /** Multiplier from kernel units to display units (seconds → ms). */
  yScale: number;
  columns: RunColumns[];
  /** Usable rows per run sorted by y (display units): brush steps split without sorting. */
  sorted: SortedRows[];
  /** Per-run buffers the brush splits are written into (no allocation per brush step). */
  scratch: { inside: Float64Array; outside: Float64Array }[];
  points: Points[];
  density: boolean[];
  xExtent: [number, number] | null;
  yExtent: [number, number] | null;
  edges: { linear: Float64Array | null; log: Float64Array | null };
}

export const HIST_BINS = 60;
/** Bins of the scatter's marginal histograms and of the density (2-D histogram) view. */
const MARGINAL_BINS = 60;
const DENSITY_BINS_X = 90;
const DENSITY_BINS_Y = 70;
/** Colour-scale stops (share of the densest bin → opacity) of the 2-D histogram view. */
const DENSITY_STOPS: readonly [number, number][] = [
  [0, 0],
  [0.0001, 0.12],
  [0.01, 0.3],
  [0.05, 0.5],
  [0.2, 0.75],
  [1, 0.95],
];

/** Display scale and axis suffix for a unit. */
export function unitScale(unit: Unit): { scale: number; suffix: string } {
  if (unit === "s") return { scale: 1000, suffix: " (ms)" };
  if (unit === "s-offset") return { scale: 1, suffix: " (s)" };
  return { scale: 1, suffix: "" };
}

/** Prepare the per-run data for a dimension pair (filters, extents, shared bins). */
export function prepare(
  columns: RunColumns[],
  dimension: string,
  xDimension: string,
  units: Record<string, Unit>,
  densityThreshold: number,
): Prepared {
  const yUnit = units[dimension] ?? "s";
  const xUnit = units[xDimension] ?? "tokens";
  const yScale = unitScale(yUnit).scale;
  const points = columns.map((c) => usablePoints(c, yScale));
  const ys = points.map((p) => p.y);
  const sorted = columns.map((c) => sortRowsByY(c, yScale));
  return {
    dimension,
    xDimension,
    yUnit,
    xUnit,
    yScale,
    columns,
    sorted,
    scratch: sorted.map((r) => ({
      inside: new Float64Array(r.y.length),
      outside: new Float64Array(r.y.length),
    })),
    points,
    density: points.map((p) => p.x.length > densityThreshold),
    xExtent: extent(points.map((p) => p.x)),
    yExtent: extent(ys),
    edges: { linear: sharedEdges(ys, HIST_BINS, false), log: sharedEdges(ys, HIST_BINS, true) },
  };
}

function axisTitle(column: string, unit: Unit, short = false): string {
  return (short ? shortColumnLabel(column) : columnLabel(column)) + unitScale(unit).suffix;
}

function baseLayout(colors: PlotColors): Record<string, unknown> {
  return {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: colors.font, family: colors.fontFamily, size: 12 },
    hoverlabel: { bgcolor: colors.hoverBg, font: { color: colors.font }, bordercolor: colors.line },
    showlegend: false,
  };
}

/** A small muted title in the top-left corner of a plot panel. */
function panelTitle(text: string, colors: PlotColors): Record<string, unknown> {
  return { text, font: { size: 12, color: colors.muted }, x: 0.01, xanchor: "left", y: 0.98, yanchor: "top" };
}

function axis(colors: PlotColors, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    gridcolor: colors.grid,
    linecolor: colors.line,
    zerolinecolor: colors.line,
    tickcolor: colors.line,
    automargin: true,
    ...extra,
  };
}

/** Padded [min, max] of the x data (fixed, so the range veil never moves the axis). */
export function paddedRange(ext: [number, number] | null): [number, number] {
  if (ext === null) return [0, 1];
  const [lo, hi] = ext;
  const pad = hi > lo ? (hi - lo) * 0.02 : Math.max(1, Math.abs(lo) * 0.05);
  return [lo - pad, hi + pad];
}

/** Pixel spans (from the plot area's left edge) of the range veil over the scatter. */
export interface VeilSpans {
  /** Veiled [from, to] pixel spans outside the range (clipped to the plot area). */
  veils: [number, number][];
  /** Pixel positions of the range's edges that fall inside the plot area. */
  edges: number[];
}

/**
 * Where to draw the veil outside the token range on an x axis `length` pixels long, given the
 * axis' data → pixel map. Drawn as plain DOM boxes over the plot: moving them costs no plotly
 * redraw (a `shapes` relayout re-lays out the whole WebGL figure).
 */
export function veilSpans(
  range: TokenRange,
  toPixel: (x: number) => number,
  length: number,
): VeilSpans {
  const out: VeilSpans = { veils: [], edges: [] };
  if (range === null) return out;
  const clip = (p: number): number => Math.min(Math.max(p, 0), length);
  const [lo, hi] = range;
  if (lo !== null) {
    const p = toPixel(lo);
    if (p > 0) out.veils.push([0, clip(p)]);
    if (p >= 0 && p <= length) out.edges.push(p);
  }
  if (hi !== null) {
    const p = toPixel(hi);
    if (p < length) out.veils.push([clip(p), length]);
    if (p >= 0 && p <= length) out.edges.push(p);
  }
  return out;
}

/** Fixed [lo, hi] of a value axis starting at zero (plotly's "tozero" autorange, done once). */
export function zeroBasedRange(ext: [number, number] | null): [number, number] {
  if (ext === null) return [0, 1];
  const lo = Math.min(0, ext[0]);
  const hi = Math.max(0, ext[1]);
  const pad = hi > lo ? (hi - lo) * 0.04 : 1;
  return [lo < 0 ? lo - pad : 0, hi + pad];
}

function binsSpec(b: Bins): Record<string, number> {
  return { start: b.start, end: b.start + b.count * b.size, size: b.size };
}

/** Share of `values` per bin (the marginal histograms, binned here not by plotly). */
function marginal(values: Float32Array, b: Bins): { centres: number[]; shares: number[] } {
  const counts = binCounts(values, b);
  const total = values.length || 1;
  const centres: number[] = [];
  const shares: number[] = [];
  counts.forEach((c, k) => {
    centres.push(binCentre(b, k));
    shares.push(c / total);
  });
  return { centres, shares };
}

/** The non-empty cells of a 2-D histogram as (x centre, y centre, count) columns. */
export function densityCells(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  bx: Bins,
  by: Bins,
): { x: number[]; y: number[]; z: number[] } {
  const counts = binCounts2d(xs, ys, bx, by);
  const cells = { x: [] as number[], y: [] as number[], z: [] as number[] };
  for (let j = 0; j < by.count; j++) {
    for (let i = 0; i < bx.count; i++) {
      const c = counts[j * bx.count + i] as number;
      if (c === 0) continue;
      cells.x.push(binCentre(bx, i));
      cells.y.push(binCentre(by, j));
      cells.z.push(c);
    }
  }
  return cells;
}

/** Scatter of x vs y per run (WebGL or 2-D histogram), with marginal histograms. */
export function scatterFigure(prep: Prepared, runs: readonly RunMeta[], colors: PlotColors): Figure {
  const data: Record<string, unknown>[] = [];
  const integral = prep.xUnit === "tokens";
  const [xLo, xHi] = prep.xExtent ?? [0, 1];
  const [yLo, yHi] = prep.yExtent ?? [0, 1];
  const xBins = coverBins(xLo, xHi, MARGINAL_BINS, integral);
  const yBins = coverBins(yLo, yHi, MARGINAL_BINS);
  const densityX = coverBins(xLo, xHi, DENSITY_BINS_X, integral);
  const densityY = coverBins(yLo, yHi, DENSITY_BINS_Y);
  const total = prep.points.reduce((a, p) => a + p.x.length, 0);
  const size = total <= 5_000 ? 5 : total <= 50_000 ? 3.5 : 2.5;
  const opacity = total <= 5_000 ? 0.6 : total <= 50_000 ? 0.4 : 0.25;
  const xTitle = axisTitle(prep.xDimension, prep.xUnit);
  const yTitle = axisTitle(prep.dimension, prep.yUnit);
  const yFormat = prep.yUnit === "s" ? ":.3~f" : "";
  runs.forEach((run, i) => {
    const pts = prep.points[i] as Points;
    const name = plotlyText(run.name);
    const hover =
      `${name}<br>${plotlyText(xTitle)}: %{x}<br>${plotlyText(yTitle)}: %{y${yFormat}}<extra></extra>`;
    if (prep.density[i]) {
      // binned here (one pass over the points); plotly only sums the few non-empty cells
      const cells = densityCells(pts.x, pts.y, densityX, densityY);
      data.push({
        type: "histogram2d",
        x: cells.x,
        y: cells.y,
        z: cells.z,
        histfunc: "sum",
        xbins: binsSpec(densityX),
        ybins: binsSpec(densityY),
        // steep at the low end: sparse regions stay visible next to a dense spike
        colorscale: DENSITY_STOPS.map(([stop, alpha]) => [stop, withAlpha(run.color, alpha) ?? run.color]),
        showscale: false,
        hovertemplate: `${name}<br>%{z} requests<extra></extra>`,
        name,
        legendgroup: `run${i}`,
      });
    } else {
      data.push({
        type: "scattergl",
        mode: "markers",
        x: pts.x,
        y: pts.y,
        name,
        legendgroup: `run${i}`,
        marker: { color: run.color, size, opacity, line: { width: 0 } },
        selected: { marker: { opacity } },
        unselected: { marker: { opacity } },
        hovertemplate: hover,
        showlegend: false,
      });
    }
    // The legend entry: an empty trace drawn at full opacity (the points themselves are faint);
    // SVG, so that the density view (no WebGL points) starts no WebGL context just for it.
    data.push({
      type: "scatter",
      mode: "markers",
      x: [null],
      y: [null],
      name,
      legendgroup: `run${i}`,
      marker: { color: run.color, size: 9 },
      showlegend: true,
      hoverinfo: "skip",
    });
  });
  runs.forEach((run, i) => {
    const pts = prep.points[i] as Points;
    const mx = marginal(pts.x, xBins);
    const my = marginal(pts.y, yBins);
    // Marginals are pre-binned shares, drawn as histograms summing one value per bin.
    const marginalTrace = {
      type: "histogram",
      histfunc: "sum",
      marker: { color: withAlpha(run.color, 0.5) ?? run.color, line: { width: 0 } },
      name: plotlyText(run.name),
      legendgroup: `run${i}`,
      showlegend: false,
    };
    data.push({
      ...marginalTrace,
      x: mx.centres,
      y: mx.shares,
      xbins: binsSpec(xBins),
      yaxis: "y2",
      bingroup: "xmarginal",
      hovertemplate: `${plotlyText(run.name)}<br>%{x}: %{y:.1%}<extra></extra>`,
      selected: { marker: { opacity: 1 } },
      unselected: { marker: { opacity: 1 } },
    });
    data.push({
      ...marginalTrace,
      y: my.centres,
      x: my.shares,
      ybins: binsSpec(yBins),
      xaxis: "x2",
      orientation: "h",
      bingroup: "ymarginal",
      hovertemplate: `${plotlyText(run.name)}<br>%{y${yFormat}}: %{x:.1%}<extra></extra>`,
    });
  });
  const xRange = paddedRange(prep.xExtent);
  return {
    data,
    layout: {
      ...baseLayout(colors),
      showlegend: true,
      legend: {
        orientation: "h",
        x: 0,
        xanchor: "left",
        y: -0.14,
        yanchor: "top",
        font: { size: 12 },
        itemsizing: "constant",
      },
      margin: { l: 60, r: 10, t: 10, b: 40 },
      barmode: "overlay",
      dragmode: "select",
      selectdirection: "h",
      hovermode: "closest",
      uirevision: `${prep.dimension}|${prep.xDimension}`,
      xaxis: axis(colors, {
        domain: [0, 0.82],
        range: xRange,
        autorange: false,
        title: { text: plotlyText(xTitle), standoff: 6 },
        anchor: "y",
      }),
      yaxis: axis(colors, {
        domain: [0, 0.79],
        title: { text: plotlyText(yTitle), standoff: 6 },
        anchor: "x",
        // fixed (computed once): plotly need not scan every point for its autorange
        range: zeroBasedRange(prep.yExtent),
        autorange: false,
      }),
      yaxis2: axis(colors, {
        domain: [0.81, 1],
        anchor: "x",
        showticklabels: false,
        showgrid: false,
        zeroline: false,
      }),
      xaxis2: axis(colors, {
        domain: [0.835, 1],
        anchor: "y",
        showticklabels: false,
        showgrid: false,
        zeroline: false,
      }),
    },
  };
}

function categoryLabels(runs: readonly RunMeta[], widthPx: number): string[] {
  const seen = new Map<string, number>();
  // about 8.5 px per character (12 px font), a little space between neighbours
  const max = Math.max(6, Math.min(40, Math.floor((widthPx - 80) / runs.length / 8.5) - 1));
  return runs.map((run) => {
    let label = shorten(run.name, max);
    const count = seen.get(label) ?? 0;
    seen.set(label, count + 1);
    if (count > 0) label = `${label} (${count + 1})`;
    return plotlyText(label);
  });
}

/** Each run's usable values (display units, ascending) inside / outside the range. */
export interface Split {
  inside: Float64Array;
  outside: Float64Array;
}

/** Split every run by the range (once per brush step; shared by the box and hist views). */
export function splitRuns(prep: Prepared, range: TokenRange): Split[] {
  return prep.sorted.map((rows, i) => splitSorted(rows, range, prep.scratch[i]));
}

/** Box plots of the selected rows per run, the rows outside the range as a faint wider box. */
export function boxFigure(
  prep: Prepared,
  runs: readonly RunMeta[],
  splits: readonly Split[],
  range: TokenRange,
  logAxis: boolean,
  colors: PlotColors,
  widthPx = 500,
): Figure {
  const data: Record<string, unknown>[] = [];
  const labels = categoryLabels(runs, widthPx);
  runs.forEach((run, i) => {
    const split = splits[i] as Split;
    const name = plotlyText(run.name);
    const box = (values: Float64Array, selected: boolean): void => {
      const s = boxSummary(logAxis ? positivePart(values) : values, true);
      if (s === null) return;
      data.push({
        type: "box",
        x: [i],
        q1: [s.q1],
        median: [s.median],
        q3: [s.q3],
        lowerfence: [s.lowerfence],
        upperfence: [s.upperfence],
        mean: [s.mean],
        boxmean: selected,
        boxpoints: false,
        width: selected ? 0.42 : 0.7,
        name: selected ? name : `${name} (outside the range)`,
        marker: { color: run.color },
        line: { color: selected ? run.color : withAlpha(run.color, 0.35), width: selected ? 1.6 : 1 },
        fillcolor: withAlpha(run.color, selected ? 0.3 : 0.07),
        hoverinfo: "y",
        hoverlabel: { namelength: -1 },
        showlegend: false,
      });
    };
    if (split.outside.length > 0) box(split.outside, false);
    box(split.inside, true);
  });
  const title = axisTitle(prep.dimension, prep.yUnit, true);
  return {
    data,
    layout: {
      ...baseLayout(colors),
      boxmode: "overlay",
      margin: { l: 60, r: 10, t: 30, b: 10 },
      title: panelTitle(
        range === null ? "All requests per run" : "Selected requests per run (faint: outside the range)",
        colors,
      ),
      xaxis: axis(colors, {
        tickvals: runs.map((_, i) => i),
        ticktext: labels,
        range: [-0.6, runs.length - 0.4],
        tickangle: 0,
        showgrid: false,
        zeroline: false,
      }),
      yaxis: axis(colors, {
        type: logAxis ? "log" : "linear",
        title: { text: plotlyText(title), standoff: 6 },
      }),
      hovermode: "closest",
    },
  };
}

/** Overlaid step histograms (shared bins, share of requests) of the selected rows per run. */
export function histFigure(
  prep: Prepared,
  runs: readonly RunMeta[],
  splits: readonly Split[],
  range: TokenRange,
  logAxis: boolean,
  colors: PlotColors,
): Figure {
  const edges = logAxis ? prep.edges.log : prep.edges.linear;
  const data: Record<string, unknown>[] = [];
  if (edges !== null) {
    runs.forEach((run, i) => {
      const split = splits[i] as Split;
      const name = plotlyText(run.name);
      if (split.outside.length > 0) {
        const line = stepLine(edges, binSharesSorted(split.outside, edges));
        data.push({
          type: "scatter",
          mode: "lines",
          x: line.x,
          y: line.y,
          line: { shape: "hv", color: withAlpha(run.color, 0.45), width: 1, dash: "dot" },
          name: `${name} (outside the range)`,
          hovertemplate: `${name} (outside the range)<br>%{y:.1%}<extra></extra>`,
          showlegend: false,
        });
      }
      if (split.inside.length > 0) {
        const line = stepLine(edges, binSharesSorted(split.inside, edges));
        data.push({
          type: "scatter",
          mode: "lines",
          x: line.x,
          y: line.y,
          line: { shape: "hv", color: run.color, width: 1.6 },
          fill: "tozeroy",
          fillcolor: withAlpha(run.color, 0.16),
          name,
          hovertemplate: `${name}<br>%{x:.3~f}: %{y:.1%}<extra></extra>`,
          showlegend: false,
        });
      }
    });
  }
  const title = axisTitle(prep.dimension, prep.yUnit, true);
  return {
    data,
    layout: {
      ...baseLayout(colors),
      margin: { l: 55, r: 10, t: 30, b: 10 },
      title: panelTitle(
        range === null
          ? "Share of requests per bin"
          : "Share of selected requests per bin (dotted: outside the range)",
        colors,
      ),
      xaxis: axis(colors, {
        type: logAxis ? "log" : "linear",
        title: { text: plotlyText(title), standoff: 6 },
      }),
      yaxis: axis(colors, { tickformat: ".0%", rangemode: "tozero" }),
      hovermode: "closest",
    },
  };
}
