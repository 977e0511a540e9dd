/**
 * A sorted sample — one run's values of the compared dimension in a selection — read only
 * through order statistics and counts, and the summaries the views draw from it (box-plot
 * numbers, shared-bin shares, a thinned ECDF). A plain ascending array and a RankIndex's span
 * answer the same reads, so the views never care whether a selection was copied out of the
 * rows (small data, tests) or is read in O(log n) from an index while the brush moves.
 */

import { bound, quantileAt } from "./data";
import type { RankIndex, Spans } from "./rank-index";

export interface SortedSample {
  /** Number of values. */
  readonly size: number;
  /** The k-th smallest value (0 ≤ k < size). */
  at(k: number): number;
  /** How many values are below v (or at most v when `inclusive`). */
  count(v: number, inclusive?: boolean): number;
  /** Sum of the values, or of the positive ones only (what a log axis shows). */
  sum(positiveOnly?: boolean): number;
  /** The k-th smallest value and how many values are at most it (one read where it can). */
  atWithCount?(k: number): [number, number];
}

/** An ascending array as a sample. */
export function arraySample(sorted: Float64Array): SortedSample {
  let total: number | null = null;
  let positive: number | null = null;
  return {
    size: sorted.length,
    at: (k) => sorted[k] as number,
    count: (v, inclusive = false) => bound(sorted, v, inclusive),
    sum(positiveOnly = false): number {
      if (total === null || positive === null) {
        total = 0;
        positive = 0;
        for (let i = 0; i < sorted.length; i++) {
          const v = sorted[i] as number;
          total += v;
          if (v > 0) positive += v;
        }
      }
      return positiveOnly ? positive : total;
    },
  };
}

/** The rows of `index` at `spans` as a sample. */
export function indexSample(index: RankIndex, spans: Spans): SortedSample {
  let size = 0;
  for (const [from, to] of spans) size += to - from;
  const values = index.values;
  return {
    size,
    at: (k) => values[index.kthRank(spans, k)] as number,
    count: (v, inclusive = false) => index.countRanksBelow(spans, bound(values, v, inclusive)),
    sum: (positiveOnly = false) => index.sum(spans, positiveOnly),
    atWithCount: (k) => {
      const rank = index.kthRank(spans, k);
      const v = values[rank] as number;
      // values equal to v at higher ranks may be in the sample too: count them (ties only)
      const count = values[rank + 1] === v ? index.countRanksBelow(spans, bound(values, v, true)) : k + 1;
      return [v, count];
    },
  };
}

/** The empty sample. */
export const EMPTY_SAMPLE: SortedSample = arraySample(new Float64Array(0));

/** The values above 0 of `sample` (a log axis cannot show the rest). */
export function positivePart(sample: SortedSample): SortedSample {
  const skip = sample.count(0, true);
  if (skip === 0) return sample;
  const base = sample.atWithCount?.bind(sample);
  return {
    size: sample.size - skip,
    at: (k) => sample.at(k + skip),
    count: (v, inclusive = false) => Math.max(0, sample.count(v, inclusive) - skip),
    sum: () => sample.sum(true),
    ...(base ? { atWithCount: (k: number): [number, number] => {
      const [v, c] = base(k + skip);
      return [v, c - skip];
    } } : {}),
  };
}

/** numpy's default (linear) quantile at q in [0, 1]; NaN for an empty sample. */
export function quantile(sample: SortedSample, q: number): number {
  return quantileAt(sample.size, (k) => sample.at(k), q);
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

/** Box-plot numbers of a sample (a handful of order statistics); null when it is empty. */
export function boxSummary(sample: SortedSample): BoxSummary | null {
  const n = sample.size;
  if (n === 0) return null;
  const q1 = quantile(sample, 0.25);
  const median = quantile(sample, 0.5);
  const q3 = quantile(sample, 0.75);
  const iqr = q3 - q1;
  // the smallest value ≥ q1 − 1.5 IQR and the largest ≤ q3 + 1.5 IQR (q1 and q3 lie between)
  const lowerfence = sample.at(Math.min(sample.count(q1 - 1.5 * iqr), n - 1));
  const upperfence = sample.at(Math.max(sample.count(q3 + 1.5 * iqr, true) - 1, 0));
  return { n, q1, median, q3, mean: sample.sum() / n, lowerfence, upperfence };
}

/**
 * The share of the sample in each bin of ascending `edges`, out of all its values: values
 * beyond the outer edges count in the total but in no bin (no spikes of outliers in the end
 * bins); the last bin includes its upper edge. One count per edge: O(bins log n).
 */
export function binShares(sample: SortedSample, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const shares = new Float64Array(Math.max(bins, 0));
  const n = sample.size;
  if (n === 0 || bins < 1) return shares;
  let prev = sample.count(edges[0] as number);
  for (let b = 0; b < bins; b++) {
    const next = b === bins - 1 ? sample.count(edges[bins] as number, true) : sample.count(edges[b + 1] as number);
    shares[b] = (next - prev) / n;
    prev = next;
  }
  return shares;
}

/**
 * The ECDF of a sample as at most `points` steps (x = value, y = share ≤ x): values at evenly
 * spaced ranks, the smallest and the largest always among them, each with its exact share —
 * a million values drawn with a few thousand points, exact at every drawn point.
 */
export function ecdfPoints(sample: SortedSample, points: number): { x: number[]; y: number[] } {
  const n = sample.size;
  const x: number[] = [];
  const y: number[] = [];
  if (n === 0) return { x, y };
  const m = Math.max(1, Math.min(points, n));
  for (let k = 0; k < m; k++) {
    const idx = m === 1 ? n - 1 : Math.round((k * (n - 1)) / (m - 1));
    // the share at or below the value (past every value equal to it: the step's top)
    const [v, atMost] = sample.atWithCount?.(idx) ?? [sample.at(idx), Number.NaN];
    x.push(v);
    y.push((Number.isNaN(atMost) ? sample.count(v, true) : atMost) / n);
  }
  return { x, y };
}
