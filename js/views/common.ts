/**
 * What every view shares: the view contract (ViewSpec), the draw state handed to views,
 * plotly layout pieces (theme colours, axes, titles), run labels, and the SLO lines.
 *
 * How a view is drawn (js/widget.ts), cheapest path first:
 * - `update(state)`, if the view has it, while the brush moves: the shapes that stand in for
 *   the figure's traces (hidden meanwhile) on every brush step — and, for a view of the
 *   kernel's numbers, on every answer that comes while dragging. No plotly call: one canvas
 *   redraw per animation frame, whatever the number of rows (a view of the selection reads
 *   `state.selection`, sorted samples answered in O(log n), never the rows themselves).
 * - When the brush rests: if the figure's layout is what plotly shows, the shapes stay (they
 *   are the figure) and plotly catches up when the page is idle or the pointer comes to the
 *   view (hover, zoom and the PNG download read plotly's data), re-plotting the traces only;
 *   a new title or axis range is a relayout of those alone; anything else, a new figure.
 * - `figure(state)` on the view's triggers (`redrawOn`), with `Plotly.react`: one view per
 *   task, views in the viewport first, the others when they scroll into view (except full
 *   draws: new data, theme, SLO, a typed range, a level). A figure memoised on its inputs
 *   (views/memo.ts) is not redrawn at all.
 * - `overlay(state)`: shapes always drawn over the figure, redrawn on every brush step (the
 *   time view's rolling quantiles over its WebGL points).
 * So that the cheap paths apply, a figure keeps the number and types of its traces (an empty
 * trace, not a missing one) and fixed axis ranges computed here (never plotly's autorange),
 * and its update() looks like its traces for the same state.
 */

import { plotlyText } from "../data";
import type { Unit } from "../format";
import { columnLabel, shortColumnLabel } from "../labels";
import { labelOf } from "../panel";
import type { LoadLevel, LoadLevelValue, RunMeta, Stats, SweepStats } from "../protocol";
import type { Prepared } from "../prepared";
import { unitScale } from "../prepared";
import type { Range } from "../range";
import type { RunSelection } from "../selection";
import type { PlotColors } from "../theme";

/** A plotly figure spec (typed loosely here; plotly validates it). */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Everything a view draws from (one object per draw; views never mutate it). */
export interface DrawState {
  prep: Prepared;
  runs: readonly RunMeta[];
  colors: PlotColors;
  logAxis: boolean;
  tokenRange: Range;
  timeRange: Range;
  /** Each run's values inside / outside both ranges (display units, as sorted samples). */
  selection: readonly RunSelection[];
  /** The kernel's statistics (in the report: those it was written with). */
  stats: Stats;
  /** SLO objectives: column → seconds ({} = none). */
  slo: Readonly<Record<string, number>>;
  /** The plot div's width in pixels (for label lengths; measured by a ResizeObserver). */
  width: number;
  /** With sweeps (TPOTCompare of Sweeps): every level compared; absent or null otherwise. */
  sweep?: SweepState | null;
}

/** What the load and Pareto views draw: the sweep comparison and the level chosen. */
export interface SweepState {
  /** `sweep_stats`: every level compared, the crossing, max load, the Pareto points. */
  stats: SweepStats;
  /** The level chosen (`load_level`: the user's latest choice, before the kernel answers). */
  level: LoadLevelValue | null;
  /** The levels offered (`_choices.load_levels`). */
  levels: readonly LoadLevel[];
  /** Each column's display unit (`_choices.units`). */
  units: Readonly<Record<string, Unit>>;
}

/**
 * Why a view redraws: new data (dimension pair, theme, SLO), a brush step, a settled time
 * range, new stats, another load level chosen (before the kernel answers).
 */
export type Trigger = "data" | "selection" | "filter" | "stats" | "level";

/** A path drawn over a view without plotly (data coordinates of its xaxis / yaxis). */
export interface OverlayShape {
  /** The points; a non-finite x or y breaks the path. */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  /** Line width (px); 0 draws the fill only. */
  width: number;
  /** plotly's dash names ("dot", "dash", ...) or an SVG dash array. */
  dash?: string;
  /** Steps as plotly's `line.shape: "hv"` (across, then up or down). */
  steps?: boolean;
  /** A dot of this diameter (px) at every point, as plotly's `mode: "lines+markers"`. */
  markers?: number;
  /** A fill down to y = 0 ("tozeroy") or of the closed outline ("toself"). */
  fill?: { mode: "tozeroy" | "toself"; color: string };
  /** The y axis the points are on: "yaxis" (default) or an overlaying "yaxis2". */
  yaxis?: "yaxis" | "yaxis2";
}

/** A brush step of a view: its shapes, and what they need of the axes. */
export interface ViewUpdate {
  shapes: OverlayShape[];
  /**
   * Per axis (plotly's units: log10 on log axes), the extent the shapes reach and the range
   * the figure takes for this state: the axis is moved to `range` only when `reach` does not
   * fit in it as drawn (while brushing an axis grows, rarely, and never shrinks).
   */
  axes?: Partial<Record<"xaxis" | "yaxis", { reach: [number, number]; range: [number, number] }>>;
}

/** One registered view: a plot div in the widget, redrawn on its triggers. */
export interface ViewSpec {
  /** data-testid of the plot div. */
  id: string;
  /** "main" = beside the stats panel (the scatter); "grid" = the views below. */
  area: "main" | "grid";
  /** What redraws the figure. */
  redrawOn: readonly Trigger[];
  /** Columns the view needs besides the x / y dimensions and the error flags. */
  needs?: readonly ("request_start")[];
  /** A pointer brush on the view's x axis sets this range (over these y axes). */
  brush?: { range: "token_range" | "time_range"; yAxes: readonly string[] };
  /** A sentence shown above the figure (e.g. which runs it leaves out), "" for none. */
  note?(state: DrawState): string;
  /**
   * The figure, or a sentence saying why the view has nothing to draw. Keep the traces and the
   * axis ranges stable (see the top of this file) so that redraws are incremental.
   */
  figure(state: DrawState): Figure | string;
  /**
   * A brush step without plotly (views of the selection), or new statistics (views redrawn
   * on "stats"): shapes standing in for the figure's traces until plotly catches up when the
   * page is idle; must look like the figure's traces for the same state, and reach no further
   * than the figure's axis ranges for it (new numbers then move the axes by a relayout).
   */
  update?(state: DrawState): ViewUpdate;
  /** Shapes always drawn over the figure and redrawn on every brush step (no plotly redraw). */
  overlay?(state: DrawState): OverlayShape[];
  /**
   * Work done after a full draw (off the main thread where it can) so that brush steps find
   * it done: the indexes they read.
   */
  warm?(state: DrawState): Promise<void>;
  /** Only in a sweep widget (TPOTCompare of Sweeps): a widget of runs has no box for it. */
  sweepOnly?: boolean;
  /** A click on a point whose customdata is a load level (`LoadLevel.value`) chooses it. */
  choosesLevel?: boolean;
}

/** The short label of a run (Python's differing part of the names), the name as fallback. */
export function runLabel(run: RunMeta | undefined): string {
  return labelOf(run);
}

/** An axis title for a column in its display unit. */
export function axisTitle(column: string, unit: Unit, short = false): string {
  return (short ? shortColumnLabel(column) : columnLabel(column)) + unitScale(unit).suffix;
}

/** The layout every figure starts from (transparent, theme font, no legend). */
export function baseLayout(colors: PlotColors): Record<string, unknown> {
  return {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: colors.font, family: colors.fontFamily, size: 12 },
    hoverlabel: { bgcolor: colors.hoverBg, font: { color: colors.font }, bordercolor: colors.line },
    showlegend: false,
    // the mode bar sits on hover in the top margin, above the plot area (never over a trace)
    modebar: { orientation: "h", bgcolor: "rgba(0,0,0,0)", color: colors.muted, activecolor: colors.font },
  };
}

/** A small muted title in the top-left corner of a plot panel. */
export function panelTitle(text: string, colors: PlotColors): Record<string, unknown> {
  return { text, font: { size: 12, color: colors.muted }, x: 0.01, xanchor: "left", y: 0.98, yanchor: "top" };
}

/** An axis in the theme's colours. */
export function axis(colors: PlotColors, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    gridcolor: colors.grid,
    linecolor: colors.line,
    zerolinecolor: colors.line,
    tickcolor: colors.line,
    automargin: true,
    // automargin keeps the labels inside: measuring each one again for overflow (plotly's
    // default "hide past div") costs a forced layout per label, ~0.3 s per page of views
    ticklabeloverflow: "allow",
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

/** Fixed [lo, hi] of a value axis starting at zero (plotly's "tozero" autorange, done once). */
export function zeroBasedRange(ext: [number, number] | null): [number, number] {
  if (ext === null) return [0, 1];
  const lo = Math.min(0, ext[0]);
  const hi = Math.max(0, ext[1]);
  const pad = hi > lo ? (hi - lo) * 0.04 : 1;
  return [lo < 0 ? lo - pad : 0, hi + pad];
}

/**
 * Dashed SLO threshold lines as layout shapes: vertical on the x axis when it shows an
 * objective's column, horizontal on the y axis likewise. Values in seconds → display units.
 */
export function sloShapes(
  slo: Readonly<Record<string, number>>,
  colors: PlotColors,
  axes: { x?: { column: string; scale: number; ref?: string }; y?: { column: string; scale: number; ref?: string } },
): Record<string, unknown>[] {
  const shapes: Record<string, unknown>[] = [];
  const line = { color: colors.muted, width: 1.2, dash: "dash" };
  const xs = axes.x;
  const ys = axes.y;
  if (xs && typeof slo[xs.column] === "number") {
    const v = (slo[xs.column] as number) * xs.scale;
    shapes.push({ type: "line", xref: xs.ref ?? "x", yref: "paper", x0: v, x1: v, y0: 0, y1: 1, line });
  }
  if (ys && typeof slo[ys.column] === "number") {
    const v = (slo[ys.column] as number) * ys.scale;
    shapes.push({ type: "line", yref: ys.ref ?? "y", xref: "paper", y0: v, y1: v, x0: 0, x1: 1, line });
  }
  return shapes;
}

/** A run's name ready for plotly text (legend, hover): the short label. */
export function plotLabel(run: RunMeta): string {
  return plotlyText(runLabel(run));
}

/** The token range, or the time range when only that is set (for the titles). */
export function selectionOf(s: Pick<DrawState, "tokenRange" | "timeRange">): Range {
  return s.tokenRange ?? s.timeRange;
}

/** The note of a view of the selected rows when no run has one in the selection, else "". */
export function emptySelectionNote(state: Pick<DrawState, "selection">): string {
  if (state.selection.some((s) => s.inside.size > 0)) return "";
  return "Not enough data: no request in the selection (faint: the requests outside it).";
}

/** The smallest "nice" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at least `v` > 0. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const scale = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * scale >= v * (1 - 1e-12)) return step * scale;
  }
  return 10 * scale;
}

/**
 * A fixed value-axis range covering [lo, hi] with a margin, its ends rounded outwards to a nice
 * step of about a tenth of the span (so it moves only when the data cross a step): plotly's
 * units, log10 on a log axis.
 */
export function niceRange(lo: number, hi: number, log: boolean): [number, number] {
  if (log && !(lo > 0 && hi > 0)) return [0, 1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  let a = log ? Math.log10(lo) : lo;
  let b = log ? Math.log10(hi) : hi;
  const span = b > a ? b - a : Math.max(Math.abs(b) * 0.1, log ? 0.1 : 1e-9);
  a -= span * 0.04;
  b += span * 0.04;
  const step = niceCeil(span / 10);
  const range: [number, number] = [Math.floor(a / step) * step, Math.ceil(b / step) * step];
  if (!log && lo >= 0) range[0] = Math.max(0, range[0]); // latencies: no negative axis below them
  return range;
}
