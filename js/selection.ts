/**
 * Every run's rows selected by the token and time ranges, as sorted samples (js/sample.ts) of
 * the compared dimension inside and outside the ranges, and the time view's per-bin quantiles
 * of the rows in the token range. Both read RankIndexes, built off the main thread once per
 * dimension pair (and per value of the range held fixed while the other one is brushed), so
 * a brush step costs O(log n) reads per summary, whatever the number of rows. Until an index
 * has come, a pass over the rows answers instead (O(n), the same numbers) and asks for it.
 */

import { binnedQuantiles, type Bins, type SortedRows } from "./data";
import { runOffMainThread } from "./index-builder";
import type { IndexJob } from "./index-jobs";
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
  /** Builds asked for and not back yet (by what they build). */
  building: Map<string, Promise<void>>;
  /** The quantile lines over every row (no token range), per run and bins. */
  allLines: Map<string, Float64Array[]>;
  /** Buffers the passes over the rows write into (no allocation per brush step). */
  scratch: Map<number, { inside: Float64Array; outside: Float64Array }>;
}

const caches = new WeakMap<Prepared, Cache>();

function cacheOf(prep: Prepared): Cache {
  let cache = caches.get(prep);
  if (cache === undefined) {
    cache = { keyed: new Map(), lines: new Map(), building: new Map(), allLines: new Map(), scratch: new Map() };
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

/** Run `i`'s cached index by `key` for this value of the other range, or undefined. */
function cachedKeyed(prep: Prepared, i: number, key: BrushKey, other: Range): RankIndex | undefined {
  const hit = cacheOf(prep).keyed.get(`${i}|${key}`);
  return hit !== undefined && rangesEqual(hit.other, other) ? hit.index : undefined;
}

/**
 * Build run `i`'s index by `key`, its rows outside `other` (the other key's range) set apart,
 * off the main thread; resolves once it is in the cache (at once if it is).
 */
function buildKeyed(prep: Prepared, i: number, key: BrushKey, other: Range): Promise<void> {
  if (cachedKeyed(prep, i, key, other) !== undefined) return Promise.resolve();
  const cache = cacheOf(prep);
  const name = `${i}|${key}|${JSON.stringify(other)}`;
  const running = cache.building.get(name);
  if (running !== undefined) return running;
  const rows = prep.sorted[i];
  if (rows === undefined) return Promise.resolve();
  const n = rows.y.length;
  const keys = key === "token" ? rows.x : (rows.t ?? new Float32Array(n).fill(Number.NaN));
  const passes = passing(key === "token" ? rows.t : rows.x, other);
  const job: IndexJob = { kind: "keyed", values: rows.y, keys, ...(passes ? { passes } : {}) };
  const done = runOffMainThread(job).then((result) => {
    cache.building.delete(name);
    if (result.kind === "keyed") cache.keyed.set(`${i}|${key}`, { other, index: new RankIndex(rows.y, result.parts) });
  });
  cache.building.set(name, done);
  return done;
}

/**
 * A pass over the rows sorted by value: the values inside both ranges and outside them, both
 * ascending (the numbers an index gives, before it has come).
 */
function splitRows(rows: SortedRows, token: Range, time: Range, into: { inside: Float64Array; outside: Float64Array }): RunSelection {
  const n = rows.y.length;
  let a = 0;
  let b = 0;
  const { x, y, t } = rows;
  for (let r = 0; r < n; r++) {
    const xv = x[r] as number;
    const ok = (token === null || (xv === xv && inRange(xv, token))) && (time === null || t === null || inRange(t[r] as number, time));
    if (ok) into.inside[a++] = y[r] as number;
    else into.outside[b++] = y[r] as number;
  }
  return { inside: arraySample(into.inside.subarray(0, a)), outside: arraySample(into.outside.subarray(0, b)) };
}

/** Which index answers a selection: the brushed key's, built for the other range's value. */
function keyFor(tokenRange: Range, time: Range, active: BrushKey): { key: BrushKey; range: Range; other: Range } {
  const key: BrushKey = tokenRange !== null && (time === null || active === "token") ? "token" : "time";
  return key === "token" ? { key, range: tokenRange, other: time } : { key, range: time, other: tokenRange };
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
    const { key, range, other } = keyFor(tokenRange, time, active);
    const index = cachedKeyed(prep, i, key, other);
    if (index === undefined) {
      void buildKeyed(prep, i, key, other);
      const cache = cacheOf(prep);
      let into = cache.scratch.get(i);
      if (into === undefined) {
        into = { inside: new Float64Array(rows.y.length), outside: new Float64Array(rows.y.length) };
        cache.scratch.set(i, into);
      }
      return splitRows(rows, tokenRange, time, into);
    }
    const [from, to] = index.span(range);
    const outside: Spans = [
      [0, from],
      [to, index.size],
    ];
    return { inside: indexSample(index, [[from, to]]), outside: indexSample(index, outside) };
  });
}

/**
 * Build (off the main thread) the indexes selections by these ranges read; resolves once
 * they are there. With no range: those of the first token brush.
 */
export async function prepareSelection(
  prep: Prepared,
  tokenRange: Range,
  timeRange: Range,
  active: BrushKey = "token",
): Promise<void> {
  await Promise.all(
    prep.sorted.map((rows, i) => {
      const time = rows.t === null ? null : timeRange;
      if (tokenRange === null && time === null) return buildKeyed(prep, i, "token", null);
      const { key, other } = keyFor(tokenRange, time, active);
      return buildKeyed(prep, i, key, other);
    }),
  );
}

function sameBins(a: Bins, b: Bins): boolean {
  return a.start === b.start && a.size === b.size && a.count === b.count;
}

/** Build (off the main thread) the time view's per-bin index of run `i`: its lines' reads. */
export function prepareLines(prep: Prepared, i: number, bins: Bins): Promise<void> {
  const rows = prep.sorted[i];
  const t = rows?.t;
  if (!rows || !t) return Promise.resolve();
  const cache = cacheOf(prep);
  const hit = cache.lines.get(i);
  if (hit && sameBins(hit.bins, bins)) return Promise.resolve();
  const name = `lines|${i}|${bins.start}|${bins.size}|${bins.count}`;
  const running = cache.building.get(name);
  if (running !== undefined) return running;
  const done = runOffMainThread({ kind: "lines", y: rows.y, x: rows.x, t, bins }).then((result) => {
    cache.building.delete(name);
    if (result.kind !== "lines") return;
    const perBin = result.parts.map((parts, k) => new RankIndex(result.values[k] as Float64Array, parts));
    cache.lines.set(i, { bins, perBin });
  });
  cache.building.set(name, done);
  return done;
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
  const cache = cacheOf(prep);
  if (tokenRange === null) {
    // every row: one pass, kept (the lines are redrawn on every brush step and relayout)
    const name = `${i}|${bins.start}|${bins.size}|${bins.count}|${quantiles.join(",")}|${minCount}`;
    let all = cache.allLines.get(name);
    if (all === undefined) {
      all = binnedQuantiles(rows, null, bins, quantiles, minCount);
      cache.allLines.set(name, all);
    }
    return all;
  }
  const lines = cache.lines.get(i);
  if (!lines || !sameBins(lines.bins, bins)) {
    void prepareLines(prep, i, bins);
    return binnedQuantiles(rows, tokenRange, bins, quantiles, minCount);
  }
  const out = quantiles.map(() => new Float64Array(bins.count).fill(Number.NaN));
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
