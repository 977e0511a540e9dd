/**
 * The rank indexes the brush reads, as jobs that run the same in a worker or on the main
 * thread: one run's index by a key (js/rank-index.ts), or the time view's per-bin indexes
 * (each time bin's rows by x). Plain typed arrays in and out (a worker sends them back).
 */

import type { Bins } from "./data";
import { buildRankIndex, type RankIndexParts } from "./rank-index";

export type IndexJob =
  | { kind: "keyed"; values: Float64Array; keys: Float32Array; passes?: Uint8Array }
  | { kind: "lines"; y: Float64Array; x: Float32Array; t: Float32Array; bins: Bins };

export type IndexResult =
  | { kind: "keyed"; parts: RankIndexParts }
  | { kind: "lines"; values: Float64Array[]; parts: RankIndexParts[] };

/**
 * Rows sorted by value, split by start time into `bins` (non-finite times left out): each
 * bin's values (still ascending) and x. The last and first bins take the times beyond them.
 */
export function binRows(
  y: Float64Array,
  x: Float32Array,
  t: Float32Array,
  bins: Bins,
): { values: Float64Array[]; keys: Float32Array[] } {
  const binOf = new Int32Array(y.length);
  const counts = new Int32Array(bins.count);
  for (let r = 0; r < y.length; r++) {
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
  for (let r = 0; r < y.length; r++) {
    const k = binOf[r] as number;
    if (k < 0) continue;
    const j = filled[k] as number;
    (values[k] as Float64Array)[j] = y[r] as number;
    (keys[k] as Float32Array)[j] = x[r] as number;
    filled[k] = j + 1;
  }
  return { values, keys };
}

/** Do a job. */
export function runIndexJob(job: IndexJob): IndexResult {
  if (job.kind === "keyed") return { kind: "keyed", parts: buildRankIndex(job.values, job.keys, job.passes) };
  const { values, keys } = binRows(job.y, job.x, job.t, job.bins);
  return { kind: "lines", values, parts: values.map((v, k) => buildRankIndex(v, keys[k] as Float32Array)) };
}

/** The buffers of a result, to hand them over to the main thread without a copy. */
export function resultBuffers(result: IndexResult): ArrayBuffer[] {
  const parts = result.kind === "keyed" ? [result.parts] : result.parts;
  const buffers: ArrayBuffer[] = [];
  for (const p of parts) {
    for (const a of [p.keys, p.zeros, p.prefix, p.prefixPositive, ...p.levels]) buffers.push(a.buffer as ArrayBuffer);
  }
  if (result.kind === "lines") for (const v of result.values) buffers.push(v.buffer as ArrayBuffer);
  return buffers;
}
