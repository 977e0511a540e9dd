import { describe, expect, it } from "vitest";
import { sharedEdges } from "./data";
import { RankIndex } from "./rank-index";
import {
  arraySample,
  binShares,
  boxSummary,
  ecdfPoints,
  indexSample,
  positivePart,
  quantile,
  type SortedSample,
} from "./sample";

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** numpy's linear quantile of an ascending array (the reference). */
function npQuantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Random values with ties, negatives and a long tail; keys with ties and missing ones. */
function randomRun(n: number, seed: number): { values: Float64Array; keys: Float32Array } {
  const rand = lcg(seed);
  const raw = Array.from({ length: n }, () => {
    const r = rand();
    return r < 0.03 ? -rand() : r < 0.1 ? Math.round(rand() * 10) : 5 + 40 * rand() ** 3;
  });
  const values = Float64Array.from(raw).sort();
  const keys = Float32Array.from({ length: n }, () => (rand() < 0.02 ? Number.NaN : Math.floor(rand() * 500)));
  return { values, keys };
}

/** The values of the rows (by rank) whose key is in [lo, hi], and of the others, ascending. */
function bruteSplit(values: Float64Array, keys: Float32Array, lo: number, hi: number): [number[], number[]] {
  const inside: number[] = [];
  const outside: number[] = [];
  values.forEach((v, r) => {
    const k = keys[r] as number;
    (k >= lo && k <= hi ? inside : outside).push(v);
  });
  return [inside, outside];
}

describe("rank index", () => {
  it("reads the k-th value and counts of any key range, and of its complement, like a sort", () => {
    const { values, keys } = randomRun(3000, 5);
    const index = RankIndex.build(values, keys);
    const rand = lcg(9);
    for (let trial = 0; trial < 40; trial++) {
      const a = Math.floor(rand() * 520) - 10;
      const b = a + Math.floor(rand() * 300);
      const [inside, outside] = bruteSplit(values, keys, a, b);
      const [from, to] = index.span([a, b]);
      const samples: [SortedSample, number[]][] = [
        [indexSample(index, [[from, to]]), inside],
        [
          indexSample(index, [
            [0, from],
            [to, index.size],
          ]),
          outside,
        ],
      ];
      for (const [sample, brute] of samples) {
        expect(sample.size).toBe(brute.length);
        for (let k = 0; k < brute.length; k += 37) expect(sample.at(k)).toBe(brute[k]);
        if (brute.length > 0) expect(sample.at(brute.length - 1)).toBe(brute[brute.length - 1]);
        for (const v of [-0.5, 0, 3, 7.25, 20, 60]) {
          expect(sample.count(v)).toBe(brute.filter((x) => x < v).length);
          expect(sample.count(v, true)).toBe(brute.filter((x) => x <= v).length);
        }
        expect(sample.sum()).toBeCloseTo(brute.reduce((s, x) => s + x, 0), 6);
        expect(sample.sum(true)).toBeCloseTo(brute.filter((x) => x > 0).reduce((s, x) => s + x, 0), 6);
      }
    }
  });

  it("keeps rows outside its filter, and rows without a key, out of every key range", () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const keys = Float32Array.from([10, Number.NaN, 30, 40, 50, 60]);
    const passes = Uint8Array.from([1, 1, 1, 0, 1, 1]);
    const index = RankIndex.build(values, keys, passes);
    expect(index.keyed).toBe(4);
    expect(index.passing).toBe(5);
    const [from, to] = index.span([0, 100]);
    expect(indexSample(index, [[from, to]]).size).toBe(4); // not the missing key, not the filtered row
    expect(index.span(null)).toEqual([0, 5]); // no range: every passing row, missing keys too
    const outside = indexSample(index, [
      [0, from],
      [to, index.size],
    ]);
    expect([outside.at(0), outside.at(1)]).toEqual([2, 4]);
    expect(index.span([35, 45])).toEqual([2, 2]); // 40 is filtered out: empty
  });

  it("handles the smallest runs", () => {
    for (const n of [0, 1, 2]) {
      const values = Float64Array.from({ length: n }, (_, i) => i);
      const index = RankIndex.build(values, Float32Array.from({ length: n }, (_, i) => i));
      const s = indexSample(index, [index.span(null)]);
      expect(s.size).toBe(n);
      if (n > 0) expect(s.at(n - 1)).toBe(n - 1);
      expect(s.count(0.5)).toBe(Math.min(n, 1));
    }
  });
});

describe("summaries of a sorted sample", () => {
  it("counts any range's bin shares from the edges exactly as a direct count", () => {
    const { values, keys } = randomRun(4000, 3);
    const index = RankIndex.build(values, keys);
    const rand = lcg(4);
    for (const log of [false, true]) {
      const edges = sharedEdges([values], 60, log)!;
      for (let trial = 0; trial < 20; trial++) {
        const a = Math.floor(rand() * 500);
        const b = a + Math.floor(rand() * 200);
        const [inside] = bruteSplit(values, keys, a, b);
        const shares = binShares(indexSample(index, [index.span([a, b])]), edges);
        for (let bin = 0; bin < 60; bin++) {
          const lo = edges[bin]!;
          const hi = edges[bin + 1]!;
          const direct = inside.filter((v) => v >= lo && (bin === 59 ? v <= hi : v < hi)).length;
          expect(shares[bin]! * inside.length).toBeCloseTo(direct, 9);
        }
      }
    }
    expect(Array.from(binShares(arraySample(new Float64Array(0)), Float64Array.from([0, 1])))).toEqual([0]);
  });

  it("gives the box numbers of a sort of the selected values (quartiles, Tukey fences, mean)", () => {
    const { values, keys } = randomRun(3000, 11);
    const index = RankIndex.build(values, keys);
    for (const [a, b] of [
      [0, 499],
      [200, 650],
      [37, 41],
      [499, 499],
    ] as const) {
      const [inside] = bruteSplit(values, keys, a, b);
      for (const log of [false, true]) {
        const brute = log ? inside.filter((v) => v > 0) : inside;
        const sample = indexSample(index, [index.span([a, b])]);
        const box = boxSummary(log ? positivePart(sample) : sample)!;
        const q1 = npQuantile(brute, 0.25);
        const q3 = npQuantile(brute, 0.75);
        expect(box.n).toBe(brute.length);
        expect(box.q1).toBeCloseTo(q1, 12);
        expect(box.median).toBeCloseTo(npQuantile(brute, 0.5), 12);
        expect(box.q3).toBeCloseTo(q3, 12);
        expect(box.mean).toBeCloseTo(brute.reduce((s, v) => s + v, 0) / brute.length, 9);
        expect(box.lowerfence).toBe(Math.min(...brute.filter((v) => v >= q1 - 1.5 * (q3 - q1))));
        expect(box.upperfence).toBe(Math.max(...brute.filter((v) => v <= q3 + 1.5 * (q3 - q1))));
      }
    }
    expect(boxSummary(arraySample(new Float64Array(0)))).toBeNull();
    expect(quantile(arraySample(Float64Array.from([1, 2, 3, 4])), 0.25)).toBe(1.75);
  });

  it("thins an ECDF keeping both ends, monotone, exact at every drawn point", () => {
    const { values, keys } = randomRun(5000, 21);
    const index = RankIndex.build(values, keys);
    const [inside] = bruteSplit(values, keys, 100, 400);
    const e = ecdfPoints(indexSample(index, [index.span([100, 400])]), 200);
    expect(e.x.length).toBe(200);
    expect(e.x[0]).toBe(inside[0]);
    expect(e.x[e.x.length - 1]).toBe(inside[inside.length - 1]);
    expect(e.y[e.y.length - 1]).toBe(1);
    for (let k = 1; k < e.x.length; k++) {
      expect(e.x[k]!).toBeGreaterThanOrEqual(e.x[k - 1]!);
      expect(e.y[k]!).toBeGreaterThanOrEqual(e.y[k - 1]!);
    }
    e.x.forEach((x, k) => expect(e.y[k]).toBe(inside.filter((v) => v <= x).length / inside.length));
    // fewer values than points: every value drawn
    expect(ecdfPoints(arraySample(Float64Array.from([1, 2, 2, 3])), 200)).toEqual({
      x: [1, 2, 2, 3],
      y: [0.25, 0.75, 0.75, 1],
    });
    expect(ecdfPoints(arraySample(new Float64Array(0)), 10).x).toEqual([]);
  });

  it("takes the positive part of a sample for log axes", () => {
    const s = positivePart(arraySample(Float64Array.from([-2, 0, 0, 0.5, 3])));
    expect(s.size).toBe(2);
    expect([s.at(0), s.at(1)]).toEqual([0.5, 3]);
    expect(s.count(1)).toBe(1);
    expect(s.sum()).toBe(3.5);
  });
});
