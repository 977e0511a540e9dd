/**
 * Per-dimension-pair data the views share: usable points, rows sorted by y (with x and start
 * time carried along), extents and shared histogram edges, computed once per (dimension,
 * x dimension). The selection by the ranges is js/selection.ts's.
 */

import {
  bound,
  extent,
  sharedEdges,
  sortRowsByY,
  usablePoints,
  type Points,
  type RunColumns,
  type SortedRows,
} from "./data";
import type { Unit } from "./format";
import type { Range } from "./range";

export const HIST_BINS = 60;

/** Everything that depends only on (runs, dimension, x dimension): computed once per pair. */
export interface Prepared {
  dimension: string;
  xDimension: string;
  yUnit: Unit;
  xUnit: Unit;
  /** Multiplier from kernel units to display units (seconds → ms). */
  yScale: number;
  /** Multiplier of the x axis (seconds → ms when x is a duration). */
  xScale: number;
  columns: RunColumns[];
  /** Usable rows per run sorted by y (display units): what the selection indexes are built from. */
  sorted: SortedRows[];
  /** The scatter's points (rows outside `pointsTimeRange` left out). */
  points: Points[];
  /** The time range the points were filtered with. */
  pointsTimeRange: Range;
  /** (start time, y) points per run for the time view; null where the run has no times. */
  timePoints: (Points | null)[];
  density: boolean[];
  xExtent: [number, number] | null;
  yExtent: [number, number] | null;
  tExtent: [number, number] | null;
  /** Smallest and largest usable value of every run (all rows), and the smallest above 0. */
  valueExtent: { min: number; max: number; minPositive: number } | null;
  edges: { linear: Float64Array | null; log: Float64Array | null };
  densityThreshold: number;
}

/** Display scale and axis suffix for a unit. */
export function unitScale(unit: Unit): { scale: number; suffix: string } {
  if (unit === "s") return { scale: 1000, suffix: " (ms)" };
  if (unit === "s-offset") return { scale: 1, suffix: " (s)" };
  return { scale: 1, suffix: "" };
}

/** (t, y × scale) of the rows with no error and finite t and y; null when no t is finite. */
export function timePointsOf(run: RunColumns, scale: number): Points | null {
  const t = run.t;
  if (!t) return null;
  const n = run.y.length;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const tv = t[i] as number;
    const y = run.y[i] as number;
    if (run.error[i] === 1 || !Number.isFinite(tv) || !Number.isFinite(y)) continue;
    xs[k] = tv;
    ys[k] = y * scale;
    k++;
  }
  return k === 0 ? null : { x: xs.subarray(0, k), y: ys.subarray(0, k) };
}

/** Prepare the per-run data for a dimension pair (filters, extents, shared bins). */
export function prepare(
  columns: RunColumns[],
  dimension: string,
  xDimension: string,
  units: Record<string, Unit>,
  densityThreshold: number,
  timeRange: Range = null,
): Prepared {
  const yUnit = units[dimension] ?? "s";
  const xUnit = units[xDimension] ?? "tokens";
  const yScale = unitScale(yUnit).scale;
  const points = columns.map((c) => usablePoints(c, yScale, timeRange));
  const sorted = columns.map((c) => sortRowsByY(c, yScale));
  const ys = sorted.map((r) => r.y);
  const timePoints = columns.map((c) => timePointsOf(c, yScale));
  return {
    dimension,
    xDimension,
    yUnit,
    xUnit,
    yScale,
    xScale: 1,
    columns,
    sorted,
    points,
    pointsTimeRange: timeRange,
    timePoints,
    density: points.map((p) => p.x.length > densityThreshold),
    xExtent: extent(points.map((p) => p.x)),
    yExtent: extent(points.map((p) => p.y)),
    tExtent: extent(timePoints.flatMap((p) => (p === null ? [] : [p.x]))),
    valueExtent: valueExtent(ys),
    edges: { linear: sharedEdges(ys, HIST_BINS, false), log: sharedEdges(ys, HIST_BINS, true) },
    densityThreshold,
  };
}

/** The scatter's points again for another time range (the rest of `prep` is unchanged). */
export function refilterPoints(prep: Prepared, timeRange: Range): void {
  prep.points = prep.columns.map((c) => usablePoints(c, prep.yScale, timeRange));
  prep.density = prep.points.map((p) => p.x.length > prep.densityThreshold);
  prep.pointsTimeRange = timeRange;
}

/** The extremes of ascending arrays (and the smallest positive value: log axes); null if empty. */
export function valueExtent(sorted: readonly Float64Array[]): Prepared["valueExtent"] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let minPositive = Number.POSITIVE_INFINITY;
  for (const a of sorted) {
    if (a.length === 0) continue;
    min = Math.min(min, a[0] as number);
    max = Math.max(max, a[a.length - 1] as number);
    const k = bound(a, 0, true);
    if (k < a.length) minPositive = Math.min(minPositive, a[k] as number);
  }
  return Number.isFinite(min) ? { min, max, minPositive } : null;
}
