/**
 * Ranges of rows (token_range on the x dimension, time_range on request_start): the type, the
 * kernel's inclusive rule, and the conversions from drags and from synced trait values.
 */

import type { WireRange } from "./protocol";

/** A range: [lo, hi] (either side may be null = open) or null = every row. */
export type Range = WireRange;
/** A token range (on `x_dimension`). */
export type TokenRange = Range;

/** Two ranges select the same rows (null = open on that side). */
export function rangesEqual(a: Range, b: Range): boolean {
  if (a === null || b === null) return a === b;
  return a[0] === b[0] && a[1] === b[1];
}

/**
 * A drag's x extent as a token range: ordered, and shrunk to the whole tokens inside it when
 * the axis holds token counts (99.6..400.3 → 100..400: the same rows, readable numbers).
 */
export function rangeFromDrag(x0: number, x1: number, integral: boolean): Range {
  if (!Number.isFinite(x0) || !Number.isFinite(x1)) return null;
  let lo = Math.min(x0, x1);
  let hi = Math.max(x0, x1);
  if (integral) {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
    if (hi < lo) hi = lo;
  }
  return [lo, hi];
}

/** Parse a token range from the kernel (a list, a tuple, or null). */
export function parseRange(value: unknown): Range {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const num = (v: unknown): number | null =>
    typeof v === "number" && Number.isFinite(v) ? v : null;
  const lo = num(value[0]);
  const hi = num(value[1]);
  return lo === null && hi === null ? null : [lo, hi];
}

/** Rows the kernel selects: lo <= v <= hi (null = open); NaN only with no range at all. */
export function inRange(v: number, range: Range): boolean {
  if (range === null) return true;
  if (Number.isNaN(v)) return false;
  const [lo, hi] = range;
  return (lo === null || v >= lo) && (hi === null || v <= hi);
}
