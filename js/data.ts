/**
 * Row preparation for the linked views (the statistics themselves come from the kernel):
 * usable points, rows sorted by value, shared histogram bins, binned counts, the time view's
 * per-bin quantiles, and the text escaping plotly needs. Pure functions (unit-tested); the
 * selection by the ranges and its summaries are js/selection.ts and js/sample.ts.
 */

import { inRange, type TokenRange } from "./range";

export { inRange };

/** One run's columns for the current x / y dimensions (float32; NaN = missing). */
export interface RunColumns {
  x: Float32Array;
  y: Float32Array;
  /** 1 where the request failed (excluded from statistics and views). */
  error: Uint8Array;
  /** request_start (s since the run's first request; NaN = unknown), when loaded. */
  t?: Float32Array;
}

/** The usable points of a run: no error, x and y finite (for the scatter). */
export interface Points {
  x: Float32Array;
  y: Float32Array;
}

/** A run's usable rows (no error, finite y) ordered by y: x, t and y × scale, ascending y. */
export interface SortedRows {
  x: Float32Array;
  y: Float64Array;
  /** Request start times (s) of the rows, when the run has them. */
  t: Float32Array | null;
}

/** Float32 bits → an unsigned key with the same order (negatives reversed, below positives). */
function orderKey(bits: number): number {
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/**
 * Sort `keys` ascending carrying `values` along (stable LSD radix sort, 11 bits a pass, the
 * three digit histograms counted in one pass first, passes every key agrees on skipped):
 * O(n), no comparator calls. Returns the sorted pair of arrays (the inputs are reused as
 * scratch).
 */
export function radixSortPairs(keys: Uint32Array, values: Uint32Array): [Uint32Array, Uint32Array] {
  const n = keys.length;
  const size = 2048;
  const mask = size - 1;
  const counts = new Uint32Array(3 * size);
  for (let k = 0; k < n; k++) {
    const key = keys[k] as number;
    const a = key & mask;
    const b = size + ((key >>> 11) & mask);
    const c = 2 * size + (key >>> 22);
    counts[a] = (counts[a] as number) + 1;
    counts[b] = (counts[b] as number) + 1;
    counts[c] = (counts[c] as number) + 1;
  }
  let keyA: Uint32Array = keys;
  let valA: Uint32Array = values;
  let keyB: Uint32Array | null = null;
  let valB: Uint32Array | null = null;
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * size;
    const shift = pass * 11;
    // the digit histograms do not depend on the order: one shared by every key is a no-op
    if (n === 0 || counts[base + (((keyA[0] as number) >>> shift) & mask)] === n) continue;
    keyB ??= new Uint32Array(n);
    valB ??= new Uint32Array(n);
    let sum = 0;
    for (let d = base; d < base + size; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const key = keyA[k] as number;
      const d = base + ((key >>> shift) & mask);
      const to = counts[d] as number;
      counts[d] = to + 1;
      keyB[to] = key;
      valB[to] = valA[k] as number;
    }
    [keyA, keyB] = [keyB, keyA];
    [valA, valB] = [valB, valA];
  }
  return [keyA, valA];
}

/**
 * Indices `idx` reordered so that `keys[idx[k]]` ascend (stable; O(n) radix sort on the float
 * bits: sorting 1M rows takes tens of ms, not a second). No NaN at the listed indices.
 */
export function argsortFloat32(keys: Float32Array, idx: Uint32Array): Uint32Array {
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, keys.length);
  const k = new Uint32Array(idx.length);
  for (let i = 0; i < idx.length; i++) k[i] = orderKey(bits[idx[i] as number] as number);
  return radixSortPairs(k, Uint32Array.from(idx))[1];
}

/**
 * Sort the usable rows by y once per dimension (what the selection indexes and the views read).
 * The row indices ride along the radix sort; x (and t) are gathered once afterwards.
 */
export function sortRowsByY(run: RunColumns, scale = 1): SortedRows {
  const n = run.y.length;
  const yBits = new Uint32Array(run.y.buffer, run.y.byteOffset, n);
  const keys = new Uint32Array(n);
  const vals = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (run.error[i] === 1 || !Number.isFinite(run.y[i] as number)) continue;
    keys[m] = orderKey(yBits[i] as number);
    vals[m] = i;
    m++;
  }
  const idx = radixSortPairs(keys.subarray(0, m), vals.subarray(0, m))[1];
  const x = new Float32Array(m);
  const t = run.t ? new Float32Array(m) : null;
  const yOut = new Float64Array(m);
  const xs = run.x;
  const ys = run.y;
  for (let k = 0; k < m; k++) {
    const i = idx[k] as number;
    x[k] = xs[i] as number;
    yOut[k] = (ys[i] as number) * scale;
  }
  const ts = run.t;
  if (t !== null && ts) for (let k = 0; k < m; k++) t[k] = ts[idx[k] as number] as number;
  return { x, y: yOut, t };
}

/**
 * Points with no error and finite x and y, y × scale (what the scatter draws); with a time
 * range, only the rows whose start time is inside it.
 */
export function usablePoints(run: RunColumns, scale = 1, timeRange: TokenRange = null): Points {
  const n = run.y.length;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  const ts = timeRange === null ? undefined : run.t;
  const tLo = timeRange?.[0] ?? Number.NEGATIVE_INFINITY;
  const tHi = timeRange?.[1] ?? Number.POSITIVE_INFINITY;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const x = run.x[i] as number;
    const y = run.y[i] as number;
    if (run.error[i] === 1 || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (ts) {
      const t = ts[i] as number;
      if (!(t >= tLo && t <= tHi)) continue;
    }
    xs[k] = x;
    ys[k] = y * scale;
    k++;
  }
  return { x: xs.subarray(0, k), y: ys.subarray(0, k) };
}

/** numpy's default (linear) quantile at q in [0, 1] of n ascending values read by `at`. */
export function quantileAt(n: number, at: (k: number) => number, q: number): number {
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const a = at(lo);
  if (pos === lo) return a;
  const b = at(Math.min(lo + 1, n - 1));
  return a + (b - a) * (pos - lo);
}

/** numpy's default (linear) quantile of ascending `sorted` at q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  return quantileAt(sorted.length, (k) => sorted[k] as number, q);
}

/** Index of the first element of ascending `a` that is ≥ v (or > v when `strict`). */
export function bound(a: ArrayLike<number>, v: number, strict = false, end = a.length): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = a[mid] as number;
    if (x < v || (strict && x === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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

/** Equal-width bins: `count` bins of `size` from `start` (what plotly's xbins/ybins take). */
export interface Bins {
  start: number;
  size: number;
  count: number;
}

/**
 * `count` bins covering [lo, hi]; for integral data (token counts) the width is a whole number
 * and the edges sit between integers, so no bin holds more integers than its neighbours.
 */
export function coverBins(lo: number, hi: number, count: number, integral = false): Bins {
  if (integral) {
    const size = Math.max(1, Math.ceil((Math.round(hi) - Math.round(lo) + 1) / count));
    const start = Math.round(lo) - 0.5;
    return { start, size, count: Math.max(1, Math.ceil((hi + 0.5 - start) / size)) };
  }
  if (!(hi > lo)) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    return { start: lo - pad, size: (2 * pad) / count, count };
  }
  return { start: lo, size: (hi - lo) / count, count };
}

/** The bin of `v` (values beyond the ends go into the end bins, like plotly's autobins). */
function binOf(v: number, b: Bins): number {
  const k = Math.floor((v - b.start) / b.size);
  return k < 0 ? 0 : k >= b.count ? b.count - 1 : k;
}

/** Counts per bin of the finite values (one typed-array pass; the marginal histograms). */
export function binCounts(values: ArrayLike<number>, b: Bins): Float64Array {
  const counts = new Float64Array(b.count);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const k = binOf(v, b);
    counts[k] = (counts[k] as number) + 1;
  }
  return counts;
}

/** Counts per (x bin, y bin) cell of the finite points, row-major by y (the density view). */
export function binCounts2d(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  bx: Bins,
  by: Bins,
): Float64Array {
  const counts = new Float64Array(bx.count * by.count);
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const k = binOf(y, by) * bx.count + binOf(x, bx);
    counts[k] = (counts[k] as number) + 1;
  }
  return counts;
}

/** Centre of bin `k`. */
export function binCentre(b: Bins, k: number): number {
  return b.start + (k + 0.5) * b.size;
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

/**
 * Quantiles of y per time bin for the rows whose x is in `range` (the time view's median and
 * p90 lines). `rows` are sorted by y, so one counting pass and one ascending pass find every
 * bin's nearest-rank quantiles: O(n) per brush step, no sort. Bins with fewer than
 * `minCount` rows get NaN (a gap in the line).
 */
export function binnedQuantiles(
  rows: SortedRows,
  range: TokenRange,
  bins: Bins,
  quantiles: readonly number[],
  minCount = 5,
): Float64Array[] {
  const out = quantiles.map(() => new Float64Array(bins.count).fill(Number.NaN));
  const t = rows.t;
  if (t === null) return out;
  const n = rows.y.length;
  const lo = range?.[0] ?? Number.NEGATIVE_INFINITY;
  const hi = range?.[1] ?? Number.POSITIVE_INFINITY;
  const open = range === null;
  const xs = rows.x;
  const binOfRow = new Int32Array(n);
  const counts = new Int32Array(bins.count);
  for (let i = 0; i < n; i++) {
    const tv = t[i] as number;
    const x = xs[i] as number;
    if (!Number.isFinite(tv) || !(open || (x >= lo && x <= hi))) {
      binOfRow[i] = -1;
      continue;
    }
    const b = binOf(tv, bins);
    binOfRow[i] = b;
    counts[b] = (counts[b] as number) + 1;
  }
  // the rank (1-based) each quantile needs in each bin; 0 = bin too small
  const targets = quantiles.map((q) => {
    const r = new Int32Array(bins.count);
    for (let b = 0; b < bins.count; b++) {
      const c = counts[b] as number;
      r[b] = c >= minCount ? Math.max(1, Math.ceil(q * c)) : 0;
    }
    return r;
  });
  const seen = new Int32Array(bins.count);
  const ys = rows.y;
  for (let i = 0; i < n; i++) {
    const b = binOfRow[i] as number;
    if (b < 0) continue;
    const k = (seen[b] as number) + 1;
    seen[b] = k;
    for (let j = 0; j < targets.length; j++) {
      if ((targets[j] as Int32Array)[b] === k) (out[j] as Float64Array)[b] = ys[i] as number;
    }
  }
  return out;
}
