/**
 * Row selection and summaries computed in the browser for the linked views (the statistics
 * themselves come from the kernel): range filtering, box-plot summaries, shared histogram
 * bins, and the text escaping plotly needs. Pure functions (unit-tested).
 */

import type { TokenRange } from "./brush";

/** One run's columns for the current x / y dimensions (float32; NaN = missing). */
export interface RunColumns {
  x: Float32Array;
  y: Float32Array;
  /** 1 where the request failed (excluded from statistics and views). */
  error: Uint8Array;
}

/** The usable points of a run: no error, x and y finite (for the scatter). */
export interface Points {
  x: Float32Array;
  y: Float32Array;
}

/** Rows the kernel would select: lo <= x <= hi (null = open); null range = every row. */
export function inRange(x: number, range: TokenRange): boolean {
  if (range === null) return true;
  if (Number.isNaN(x)) return false;
  const [lo, hi] = range;
  return (lo === null || x >= lo) && (hi === null || x <= hi);
}

/** Usable (no error, finite y) values of `y`, split into inside / outside the range, × scale. */
export function splitByRange(
  run: RunColumns,
  range: TokenRange,
  scale = 1,
): { inside: Float64Array; outside: Float64Array } {
  const n = run.y.length;
  const inside = new Float64Array(n);
  const outside = new Float64Array(n);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const v = run.y[i] as number;
    if (run.error[i] === 1 || !Number.isFinite(v)) continue;
    if (inRange(run.x[i] as number, range)) inside[a++] = v * scale;
    else outside[b++] = v * scale;
  }
  return { inside: inside.subarray(0, a), outside: outside.subarray(0, b) };
}

/** A run's usable rows (no error, finite y) ordered by y: x and y × scale, ascending y. */
export interface SortedRows {
  x: Float32Array;
  y: Float64Array;
}

/** Sort the usable rows by y once per dimension, so every brush step splits in O(n), no sort. */
export function sortRowsByY(run: RunColumns, scale = 1): SortedRows {
  const n = run.y.length;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (run.error[i] !== 1 && Number.isFinite(run.y[i] as number)) idx.push(i);
  }
  idx.sort((a, b) => (run.y[a] as number) - (run.y[b] as number));
  const x = new Float32Array(idx.length);
  const y = new Float64Array(idx.length);
  idx.forEach((i, k) => {
    x[k] = run.x[i] as number;
    y[k] = (run.y[i] as number) * scale;
  });
  return { x, y };
}

/** `splitByRange` for rows sorted by y: both halves come out sorted ascending. */
export function splitSorted(
  rows: SortedRows,
  range: TokenRange,
): { inside: Float64Array; outside: Float64Array } {
  const n = rows.y.length;
  const inside = new Float64Array(n);
  const outside = new Float64Array(n);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (inRange(rows.x[i] as number, range)) inside[a++] = rows.y[i] as number;
    else outside[b++] = rows.y[i] as number;
  }
  return { inside: inside.subarray(0, a), outside: outside.subarray(0, b) };
}

/** Points with no error and finite x and y, y × scale (what the scatter draws). */
export function usablePoints(run: RunColumns, scale = 1): Points {
  const n = run.y.length;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const x = run.x[i] as number;
    const y = run.y[i] as number;
    if (run.error[i] === 1 || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    xs[k] = x;
    ys[k] = y * scale;
    k++;
  }
  return { x: xs.subarray(0, k), y: ys.subarray(0, k) };
}

/** numpy's default (linear) quantile of ascending `sorted` at q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export interface BoxSummary {
  n: number;
  q1: number;
  median: number;
  q3: number;
  mean: number;
  /** Tukey whiskers: the most extreme values within 1.5 IQR of the box. */
  lowerfence: number;
  upperfence: number;
}

/** Box-plot numbers of `values` (sorted in place unless `sorted`); null when empty. */
export function boxSummary(values: Float64Array, sorted = false): BoxSummary | null {
  const n = values.length;
  if (n === 0) return null;
  if (!sorted) values.sort();
  const q1 = quantileSorted(values, 0.25);
  const median = quantileSorted(values, 0.5);
  const q3 = quantileSorted(values, 0.75);
  const iqr = q3 - q1;
  const loLimit = q1 - 1.5 * iqr;
  const hiLimit = q3 + 1.5 * iqr;
  let lowerfence = values[0] as number;
  let upperfence = values[n - 1] as number;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  for (let i = 0; i < n; i++) {
    if ((values[i] as number) >= loLimit) {
      lowerfence = values[i] as number;
      break;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    if ((values[i] as number) <= hiLimit) {
      upperfence = values[i] as number;
      break;
    }
  }
  return { n, q1, median, q3, mean: sum / n, lowerfence, upperfence };
}

/**
 * Bin edges shared by every run: `bins` equal steps (log-spaced when `log`) between the
 * 0.5th and 99.5th percentiles of all values, so the runs' histograms are comparable and stay
 * put while brushing. Null when there is nothing to bin.
 */
export function sharedEdges(
  samples: readonly ArrayLike<number>[],
  bins: number,
  log: boolean,
): Float64Array | null {
  let total = 0;
  for (const s of samples) total += s.length;
  if (total === 0) return null;
  const stride = Math.max(1, Math.floor(total / 200_000));
  const pooled: number[] = [];
  let k = 0;
  for (const s of samples) {
    for (let i = 0; i < s.length; i++, k++) {
      const v = s[i] as number;
      if (k % stride !== 0 || !Number.isFinite(v) || (log && v <= 0)) continue;
      pooled.push(v);
    }
  }
  if (pooled.length === 0) return null;
  const sorted = Float64Array.from(pooled).sort();
  let lo = quantileSorted(sorted, 0.005);
  let hi = quantileSorted(sorted, 0.995);
  if (!(hi > lo)) {
    // (almost) constant data: one visible bin around the value
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    lo = log ? lo / 1.1 : lo - pad;
    hi = log ? hi * 1.1 : hi + pad;
  }
  const edges = new Float64Array(bins + 1);
  if (log) {
    const a = Math.log(lo);
    const step = (Math.log(hi) - a) / bins;
    for (let i = 0; i <= bins; i++) edges[i] = Math.exp(a + step * i);
  } else {
    const step = (hi - lo) / bins;
    for (let i = 0; i <= bins; i++) edges[i] = lo + step * i;
  }
  return edges;
}

/**
 * The share of `values` in each bin of `edges` (equal steps, log-spaced when `log`), out of
 * all finite values: values beyond the outer edges count in the total but in no bin, so
 * the few outliers do not pile up as spikes in the end bins.
 */
export function binShares(values: ArrayLike<number>, edges: Float64Array, log: boolean): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const n = values.length;
  if (n === 0 || bins < 1) return counts;
  const first = edges[0] as number;
  const last = edges[bins] as number;
  const a = log ? Math.log(first) : first;
  const width = ((log ? Math.log(last) : last) - a) / bins;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    total++;
    if (v < first || v > last) continue;
    let b = Math.floor(((log ? Math.log(v) : v) - a) / width);
    if (b < 0) b = 0;
    else if (b >= bins) b = bins - 1;
    counts[b] = (counts[b] as number) + 1;
  }
  if (total > 0) for (let b = 0; b < bins; b++) counts[b] = (counts[b] as number) / total;
  return counts;
}

/** A step outline for bins: x = edges, y = shares (for plotly's `line.shape: "hv"`). */
export function stepLine(edges: Float64Array, shares: Float64Array): { x: number[]; y: number[] } {
  const x: number[] = [edges[0] as number];
  const y: number[] = [0];
  for (let b = 0; b < shares.length; b++) {
    x.push(edges[b] as number);
    y.push(shares[b] as number);
  }
  x.push(edges[edges.length - 1] as number);
  y.push(0);
  return { x, y };
}

/** Finite min and max of several arrays; null when none is finite. */
export function extent(arrays: readonly ArrayLike<number>[]): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
}

/**
 * Text for plotly labels (legend, hover, tick labels): plotly parses a small HTML-like
 * markup, so `<`, `>` and `&` become entities; it shows them back as the literal characters.
 */
export function plotlyText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A label at most `max` characters long (ellipsis in the middle keeps both ends readable). */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) * 0.6);
  const tail = max - 1 - head;
  return `${text.slice(0, head)}\u2026${text.slice(text.length - tail)}`;
}
