/**
 * A run's rows ordered by a key (output tokens, start time), each carrying the rank of its value
 * (the compared dimension) among all the run's rows: a wavelet matrix over those ranks. Among the
 * rows of any key range — or of everything outside it — it finds the k-th smallest value and the
 * number of values below a bound in O(log n), without touching the rows: a brush step at a
 * million rows per run is summarised (quantiles, bin counts, an ECDF) in microseconds.
 */

import { argsortFloat32, bound } from "./data";
import type { Range } from "./range";

/**
 * Half-open spans [from, to) of key-ordered positions, read as one set of rows: a key range,
 * or the two spans outside it (at most two).
 */
export type Spans = readonly (readonly [number, number])[];

/** Set bits of a 32-bit word. */
function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * One bit per row with the count of ones before every 32-bit word, interleaved (count, bits)
 * so that a rank reads one cache line: rank in O(1).
 */
class BitVector {
  readonly data: Uint32Array;

  /** `data` as filled by `partitionLevel`. */
  constructor(data: Uint32Array) {
    this.data = data;
  }

  /** Ones among positions [0, i). */
  ones(i: number): number {
    const w = (i >>> 5) << 1;
    const r = i & 31;
    const data = this.data;
    return r === 0 ? (data[w] as number) : (data[w] as number) + popcount((data[w + 1] as number) & ((1 << r) - 1));
  }
}

/**
 * One level of the wavelet matrix in one pass: the bit `shift` of every value of `cur` as a
 * bit vector, and `cur` stably partitioned into `next` (zeros first, `zeros` of them).
 */
function partitionLevel(cur: Uint32Array, next: Uint32Array, shift: number, zeros: number): Uint32Array {
  const n = cur.length;
  const words = (n >>> 5) + 1;
  const data = new Uint32Array(2 * words + 2);
  let zi = 0;
  let oi = zeros;
  let ones = 0;
  for (let w = 0; w < words; w++) {
    let word = 0;
    const end = Math.min(n, (w + 1) << 5);
    for (let p = w << 5; p < end; p++) {
      const v = cur[p] as number;
      if (((v >>> shift) & 1) === 0) {
        next[zi++] = v;
      } else {
        word |= 1 << (p & 31);
        next[oi++] = v;
      }
    }
    data[2 * w] = ones;
    data[2 * w + 1] = word;
    ones += popcount(word);
  }
  data[2 * words] = ones;
  return data;
}

/** How many integers in [0, n) have bit `shift` clear (the ranks are a permutation of them). */
function zerosAt(n: number, shift: number): number {
  const period = 2 ** (shift + 1);
  const half = 2 ** shift;
  return n - (Math.floor(n / period) * half + Math.max(0, (n % period) - half));
}

/** What a RankIndex is made of (plain typed arrays: built in a worker, sent back as is). */
export interface RankIndexParts {
  size: number;
  keyed: number;
  passing: number;
  keys: Float32Array;
  /** Per level of the wavelet matrix, its bit vector (counts and bits interleaved). */
  levels: Uint32Array[];
  zeros: Uint32Array;
  prefix: Float64Array;
  prefixPositive: Float64Array;
}

/**
 * Index rows given by rank: `values` ascending (rank r's value), `keys[r]` the key of rank r
 * (NaN = none), `passes[r]` 0 for a row outside the index's filter (the other range).
 */
export function buildRankIndex(values: Float64Array, keys: Float32Array, passes?: Uint8Array): RankIndexParts {
  const n = values.length;
  // positions: rows with a key (sorted by it), rows without one, rows outside the filter
  const keyedRanks = new Uint32Array(n);
  const rest = new Uint32Array(n);
  let nKeyed = 0;
  let nUnkeyed = 0;
  let nFailing = 0;
  for (let r = 0; r < n; r++) {
    if (passes !== undefined && passes[r] === 0) nFailing++;
    else if (Number.isFinite(keys[r] as number)) keyedRanks[nKeyed++] = r;
    else rest[nUnkeyed++] = r;
  }
  // the failing rows after the unkeyed ones, in rank order
  if (nFailing > 0) {
    let f = nUnkeyed;
    for (let r = 0; r < n; r++) if (passes?.[r] === 0) rest[f++] = r;
  }
  const order = new Uint32Array(n);
  order.set(argsortFloat32(keys, keyedRanks.subarray(0, nKeyed)), 0);
  order.set(rest.subarray(0, nUnkeyed + nFailing), nKeyed);
  const sortedKeys = new Float32Array(nKeyed);
  for (let p = 0; p < nKeyed; p++) sortedKeys[p] = keys[order[p] as number] as number;

  const prefix = new Float64Array(n + 1);
  const prefixPositive = new Float64Array(n + 1);
  for (let p = 0; p < n; p++) {
    const v = values[order[p] as number] as number;
    prefix[p + 1] = (prefix[p] as number) + v;
    prefixPositive[p + 1] = (prefixPositive[p] as number) + (v > 0 ? v : 0);
  }

  // the wavelet matrix: one bit vector per bit of the rank, most significant first; each
  // level stably moves the rows with a 0 bit in front of those with a 1
  const depth = Math.max(1, Math.ceil(Math.log2(Math.max(n, 2))));
  const levels: Uint32Array[] = [];
  const zeros = new Uint32Array(depth);
  let cur = order;
  let next = new Uint32Array(n);
  for (let level = 0; level < depth; level++) {
    const shift = depth - 1 - level;
    const z = zerosAt(n, shift);
    zeros[level] = z;
    levels.push(partitionLevel(cur, next, shift, z));
    [cur, next] = [next, cur];
  }
  return { size: n, keyed: nKeyed, passing: nKeyed + nUnkeyed, keys: sortedKeys, levels, zeros, prefix, prefixPositive };
}

export class RankIndex {
  /** Rows indexed (every row of the run: keyed, then key missing, then filtered out). */
  readonly size: number;
  /** Rows that pass the index's filter and have a finite key: positions [0, keyed). */
  readonly keyed: number;
  /** Rows that pass the filter (keyed ones, then those without a key): positions [0, passing). */
  readonly passing: number;
  /** Ascending keys of positions [0, keyed). */
  readonly keys: Float32Array;
  /** Every row's value, ascending: the value of rank r is values[r]. */
  readonly values: Float64Array;
  private readonly levels: BitVector[];
  private readonly zeros: Uint32Array;
  /** Sum of the values over positions [0, p), and of the positive ones. */
  private readonly prefix: Float64Array;
  private readonly prefixPositive: Float64Array;

  /** The index of `values` (ascending) from its parts (buildRankIndex's, here or in a worker). */
  constructor(values: Float64Array, parts: RankIndexParts) {
    this.size = parts.size;
    this.values = values;
    this.keyed = parts.keyed;
    this.passing = parts.passing;
    this.keys = parts.keys;
    this.levels = parts.levels.map((data) => new BitVector(data));
    this.zeros = parts.zeros;
    this.prefix = parts.prefix;
    this.prefixPositive = parts.prefixPositive;
  }

  /** Build the index here (see buildRankIndex). */
  static build(values: Float64Array, keys: Float32Array, passes?: Uint8Array): RankIndex {
    return new RankIndex(values, buildRankIndex(values, keys, passes));
  }

  /** Positions of the passing rows whose key is in `range` (bounds included); null: all passing. */
  span(range: Range): [number, number] {
    if (range === null) return [0, this.passing];
    const lo = range[0] ?? Number.NEGATIVE_INFINITY;
    const hi = range[1] ?? Number.POSITIVE_INFINITY;
    const from = bound(this.keys, lo);
    const to = bound(this.keys, hi, true);
    return to > from ? [from, to] : [from, from];
  }

  /** The rank of the k-th smallest value (0-based) among the rows at `spans` (one or two). */
  kthRank(spans: Spans, k: number): number {
    // one or two spans (a range, or everything outside it), walked in local variables: the
    // ECDF of a brush step reads thousands of order statistics, with no allocation per read
    const [a0, b0] = spans[0] ?? [0, 0];
    const [a1, b1] = spans[1] ?? [0, 0];
    let from0 = a0;
    let to0 = b0;
    let from1 = a1;
    let to1 = b1;
    let rank = 0;
    const depth = this.levels.length;
    for (let level = 0; level < depth; level++) {
      const bits = this.levels[level] as BitVector;
      const f0 = bits.ones(from0);
      const t0 = bits.ones(to0);
      const f1 = bits.ones(from1);
      const t1 = bits.ones(to1);
      const zerosHere = to0 - from0 - (t0 - f0) + (to1 - from1 - (t1 - f1));
      if (k < zerosHere) {
        from0 -= f0;
        to0 -= t0;
        from1 -= f1;
        to1 -= t1;
      } else {
        k -= zerosHere;
        rank |= 1 << (depth - 1 - level);
        const z = this.zeros[level] as number;
        from0 = z + f0;
        to0 = z + t0;
        from1 = z + f1;
        to1 = z + t1;
      }
    }
    return rank;
  }

  /** How many rows at `spans` (one or two) have a rank below `rank`. */
  countRanksBelow(spans: Spans, rank: number): number {
    const [a0, b0] = spans[0] ?? [0, 0];
    const [a1, b1] = spans[1] ?? [0, 0];
    const total = b0 - a0 + (b1 - a1);
    if (rank <= 0) return 0;
    if (rank >= this.size) return total;
    let from0 = a0;
    let to0 = b0;
    let from1 = a1;
    let to1 = b1;
    let count = 0;
    const depth = this.levels.length;
    for (let level = 0; level < depth; level++) {
      const bits = this.levels[level] as BitVector;
      const f0 = bits.ones(from0);
      const t0 = bits.ones(to0);
      const f1 = bits.ones(from1);
      const t1 = bits.ones(to1);
      if (((rank >>> (depth - 1 - level)) & 1) === 1) {
        count += to0 - from0 - (t0 - f0) + (to1 - from1 - (t1 - f1));
        const z = this.zeros[level] as number;
        from0 = z + f0;
        to0 = z + t0;
        from1 = z + f1;
        to1 = z + t1;
      } else {
        from0 -= f0;
        to0 -= t0;
        from1 -= f1;
        to1 -= t1;
      }
    }
    return count;
  }

  /** Sum of the values of the rows at `spans` (only the positive ones when `positiveOnly`). */
  sum(spans: Spans, positiveOnly = false): number {
    const p = positiveOnly ? this.prefixPositive : this.prefix;
    let s = 0;
    for (const [from, to] of spans) s += (p[to] as number) - (p[from] as number);
    return s;
  }
}
