/**
 * Every run's rows selected by the token and time ranges, as sorted samples (js/sample.ts) of
 * the compared dimension inside and outside the ranges, and the time view's per-bin quantiles
 * of the rows in the token range. Both read RankIndexes built once per dimension pair (and per
 * range that is held fixed while the other one is brushed), so a brush step costs O(log n)
 * reads per summary, whatever the number of rows.
 */

import { binnedQuantiles, type Bins } from "./data";
import type { Prepared } from "./prepared";
import { inRange, rangesEqual, type Range } from "./range";
import { RankIndex, type Spans } from "./rank-index";
import { arraySample, EMPTY_SAMPLE, indexSample, type SortedSample } from "./sample";

/** The range a brush moves: the token range (x dimension) or the time range (start time). */
export type BrushKey = "token" | "time";

/** One run's values inside both ranges and outside them (every usable row is in one). */
export interface RunSelection {
  inside: SortedSample;
  outside: SortedSample;
}

/** A run's index of one key, built for a value of the other range (rows outside it last). */
interface KeyedIndex {
  other: Range;
  index: RankIndex;
}

/** The time view's lines: per time bin, an index of its rows by x. */
interface LineIndex {
  bins: Bins;
  perBin: RankIndex[];
}

interface Cache {
  keyed: Map<string, KeyedIndex>;
  lines: Map<number, LineIndex>;
  /** The quantile lines over every row (no token range), per run and bins. */
  allLines: Map<string, Float64Array[]>;
}

const caches = new WeakMap<Prepared, Cache>();

function cacheOf(prep: Prepared): Cache {
  let cache = caches.get(prep);
  if (cache === undefined) {
    cache = { keyed: new Map(), lines: new Map(), allLines: new Map() };
    caches.set(prep, cache);
  }
  return cache;
}

/** Rank → 1 where the row is inside `range` on `column` (a missing column: every row). */
function passing(column: Float32Array | null, range: Range): Uint8Array | undefined {
  if (range === null || column === null) return undefined;
  const out = new Uint8Array(column.length);
  for (let r = 0; r < column.length; r++) out[r] = inRange(column[r] as number, range) ? 1 : 0;
  return out;
}

/** Run `i`'s index by `key`, its rows outside `other` (the other key's range) set apart. */
function keyedIndex(prep: Prepared, i: number, key: BrushKey, other: Range): RankIndex {
  const cache = cacheOf(prep);
  const name = `${i}|${key}`;
  const hit = cache.keyed.get(name);
  if (hit !== undefined && rangesEqual(hit.other, other)) return hit.index;
  const rows = prep.sorted[i];
  if (rows === undefined) throw new Error(`no run ${i}`);
  const n = rows.y.length;
  const keys = key === "token" ? rows.x : (rows.t ?? new Float32Array(n).fill(Number.NaN));
  const index = new RankIndex(rows.y, keys, passing(key === "token" ? rows.t : rows.x, other));
  cache.keyed.set(name, { other, index });
  return index;
}

/**
 * Select every run's rows by the ranges. `active` is the range being brushed: its index is
 * the one read (built once for the other range's current value), so each step of a drag is
 * O(log n). A run without start times ignores the time range (as the kernel refuses it).
 */
export function selectRuns(
  prep: Prepared,
  tokenRange: Range,
  timeRange: Range,
  active: BrushKey = "token",
): RunSelection[] {
  return prep.sorted.map((rows, i) => {
    const time = rows.t === null ? null : timeRange;
    if (tokenRange === null && time === null) {
      return { inside: arraySample(rows.y), outside: EMPTY_SAMPLE };
    }
    const key: BrushKey = tokenRange !== null && (time === null || active === "token") ? "token" : "time";
    const index = keyedIndex(prep, i, key, key === "token" ? time : tokenRange);
    const [from, to] = index.span(key === "token" ? tokenRange : time);
    const outside: Spans = [
      [0, from],
      [to, index.size],
    ];
    return { inside: indexSample(index, [[from, to]]), outside: indexSample(index, outside) };
  });
}

/** Build what the next brush will read (the token index of every run), e.g. while idle. */
export function prepareSelection(prep: Prepared, timeRange: Range): void {
  prep.sorted.forEach((rows, i) => keyedIndex(prep, i, "token", rows.t === null ? null : timeRange));
}

/** Build the time view's per-bin index of run `i` (what its lines read under a token range). */
export function prepareLines(prep: Prepared, i: number, bins: Bins): void {
  lineIndex(prep, i, bins);
}

function lineIndex(prep: Prepared, i: number, bins: Bins): LineIndex | null {
  const rows = prep.sorted[i];
  const t = rows?.t;
  if (!rows || !t) return null;
  const cache = cacheOf(prep);
  const hit = cache.lines.get(i);
  if (hit && hit.bins.start === bins.start && hit.bins.size === bins.size && hit.bins.count === bins.count) {
    return hit;
  }
  // each bin's rows in rank order: their values ascending, their x as the key
  const binOf = new Int32Array(rows.y.length);
  const counts = new Int32Array(bins.count);
  for (let r = 0; r < rows.y.length; r++) {
    const tv = t[r] as number;
    if (!Number.isFinite(tv)) {
      binOf[r] = -1;
      continue;
    }
    const k = Math.min(Math.max(Math.floor((tv - bins.start) / bins.size), 0), bins.count - 1);
    binOf[r] = k;
    counts[k] = (counts[k] as number) + 1;
  }
  const values = Array.from(counts, (c) => new Float64Array(c));
  const keys = Array.from(counts, (c) => new Float32Array(c));
  const filled = new Int32Array(bins.count);
  for (let r = 0; r < rows.y.length; r++) {
    const k = binOf[r] as number;
    if (k < 0) continue;
    const j = filled[k] as number;
    (values[k] as Float64Array)[j] = rows.y[r] as number;
    (keys[k] as Float32Array)[j] = rows.x[r] as number;
    filled[k] = j + 1;
  }
  const built = { bins, perBin: values.map((v, k) => new RankIndex(v, keys[k] as Float32Array)) };
  cache.lines.set(i, built);
  return built;
}

/**
 * Quantiles (nearest rank) of the compared dimension per time bin over run `i`'s rows in the
 * token range (the time view's median and p90 lines); NaN in bins with fewer than `minCount`
 * rows (a gap in the line). Every row has a bin by its start time, whatever the time range.
 */
export function binQuantiles(
  prep: Prepared,
  i: number,
  tokenRange: Range,
  bins: Bins,
  quantiles: readonly number[],
  minCount = 5,
): Float64Array[] {
  const rows = prep.sorted[i];
  if (!rows) return quantiles.map(() => new Float64Array(bins.count).fill(Number.NaN));
  if (tokenRange === null) {
    // every row: one pass, kept (the lines are redrawn on every brush step and relayout)
    const cache = cacheOf(prep);
    const name = `${i}|${bins.start}|${bins.size}|${bins.count}|${quantiles.join(",")}|${minCount}`;
    let all = cache.allLines.get(name);
    if (all === undefined) {
      all = binnedQuantiles(rows, null, bins, quantiles, minCount);
      cache.allLines.set(name, all);
    }
    return all;
  }
  const out = quantiles.map(() => new Float64Array(bins.count).fill(Number.NaN));
  const lines = lineIndex(prep, i, bins);
  if (lines === null) return out;
  lines.perBin.forEach((index, b) => {
    const [from, to] = index.span(tokenRange);
    const c = to - from;
    if (c < minCount) return;
    quantiles.forEach((q, j) => {
      const rank = Math.max(1, Math.ceil(q * c)) - 1;
      (out[j] as Float64Array)[b] = index.values[index.kthRank([[from, to]], rank)] as number;
    });
  });
  return out;
}
