import { describe, expect, it } from "vitest";
import {
  argsortFloat32,
  binCounts,
  coverBins,
  extent,
  inRange,
  plotlyText,
  quantileSorted,
  sharedEdges,
  shorten,
  sortRowsByY,
  stepLine,
  usablePoints,
  binnedQuantiles,
} from "./data";
import { arraySample, binShares, boxSummary } from "./sample";

const run = {
  x: new Float32Array([50, 100, 250, 400, 401, Number.NaN, 300]),
  y: new Float32Array([0.01, 0.02, 0.03, 0.04, 0.05, 0.06, Number.NaN]),
  error: new Uint8Array([0, 0, 1, 0, 0, 0, 0]),
};

describe("selection", () => {
  it("selects lo <= x <= hi like the kernel; NaN x only without a range", () => {
    expect(inRange(100, [100, 400])).toBe(true);
    expect(inRange(400, [100, 400])).toBe(true);
    expect(inRange(401, [100, 400])).toBe(false);
    expect(inRange(5, [null, 10])).toBe(true);
    expect(inRange(Number.NaN, [null, 10])).toBe(false);
    expect(inRange(Number.NaN, null)).toBe(true);
  });

  it("sorts the usable rows by value once (x and start time carried along)", () => {
    const rows = sortRowsByY(run, 1000);
    expect(Array.from(rows.y).map((v) => Math.round(v))).toEqual([10, 20, 40, 50, 60]);
    expect(Array.from(rows.x)).toEqual([50, 100, 400, 401, Number.NaN]);
  });

  it("keeps only points with finite x and y and no error for the scatter", () => {
    const p = usablePoints(run, 1000);
    expect(Array.from(p.x)).toEqual([50, 100, 400, 401]);
    expect(p.y.length).toBe(4);
  });
});

describe("summaries", () => {
  it("matches numpy's linear quantiles", () => {
    const sorted = [1, 2, 3, 4];
    expect(quantileSorted(sorted, 0.5)).toBe(2.5);
    expect(quantileSorted(sorted, 0.25)).toBe(1.75);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it("computes Tukey box numbers with whiskers at the last value inside 1.5 IQR", () => {
    const s = boxSummary(arraySample(new Float64Array([1, 2, 3, 4, 5, 100])));
    expect(s).not.toBeNull();
    expect(s!.median).toBe(3.5);
    expect(s!.q1).toBe(2.25);
    expect(s!.q3).toBe(4.75);
    expect(s!.lowerfence).toBe(1);
    expect(s!.upperfence).toBe(5); // 100 is an outlier
    expect(s!.mean).toBeCloseTo(115 / 6);
    expect(boxSummary(arraySample(new Float64Array([])))).toBeNull();
  });

  it("builds shared edges and shares that sum to the in-range fraction", () => {
    const a = Float64Array.from({ length: 1000 }, (_, i) => 10 + (i % 100));
    const b = Float64Array.from({ length: 1000 }, (_, i) => 20 + (i % 100));
    const edges = sharedEdges([a, b], 20, false)!;
    expect(edges.length).toBe(21);
    expect(edges[0]).toBeGreaterThanOrEqual(10);
    expect(edges[20]).toBeLessThanOrEqual(119);
    const shares = binShares(arraySample(a.slice().sort()), edges);
    const total = shares.reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThan(0.98);
    expect(total).toBeLessThanOrEqual(1 + 1e-12);
    const logEdges = sharedEdges([a, b], 10, true)!;
    expect(logEdges[1]! / logEdges[0]!).toBeCloseTo(logEdges[10]! / logEdges[9]!);
    expect(sharedEdges([new Float64Array()], 10, false)).toBeNull();
  });

  it("widens a constant sample into a visible bin", () => {
    const edges = sharedEdges([new Float64Array([5, 5, 5])], 4, false)!;
    expect(edges[0]).toBeLessThan(5);
    expect(edges[4]).toBeGreaterThan(5);
    expect(binShares(arraySample(new Float64Array([5, 5])), edges).reduce((x, y) => x + y, 0)).toBe(1);
  });

  it("draws a closed step outline", () => {
    const line = stepLine(new Float64Array([0, 1, 2]), new Float64Array([0.25, 0.75]));
    expect(line.x).toEqual([0, 0, 1, 2]);
    expect(line.y).toEqual([0, 0.25, 0.75, 0]);
  });

  it("finds the finite extent of several arrays", () => {
    expect(extent([new Float32Array([3, 1]), new Float32Array([7])])).toEqual([1, 7]);
    expect(extent([new Float32Array()])).toBeNull();
  });
});

describe("text for plotly", () => {
  it("escapes markup so a run name cannot inject HTML and still reads literally", () => {
    expect(plotlyText('<img src=x onerror="alert(1)"> & co')).toBe(
      '&lt;img src=x onerror="alert(1)"&gt; &amp; co',
    );
  });

  it("shortens long labels in the middle", () => {
    const s = shorten("synthetic: baseline (TP=1, max_num_seqs=256)", 20);
    expect(s.length).toBe(20);
    expect(s).toContain("\u2026");
    expect(shorten("short", 20)).toBe("short");
  });
});

/** A small deterministic pseudo-random generator (tests must not flake). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("fast sorting and binning", () => {
  it("orders indices like a comparator sort, negatives, zeros, ties and infinities included", () => {
    const rand = lcg(7);
    const keys = new Float32Array(5000);
    for (let i = 0; i < keys.length; i++) {
      const r = rand();
      keys[i] = r < 0.1 ? -0 : r < 0.2 ? Math.round(r * 50) : (r - 0.5) * 1e6 * rand();
    }
    keys[3] = Number.POSITIVE_INFINITY;
    keys[4] = Number.NEGATIVE_INFINITY;
    keys[5] = 1e-40; // subnormal
    const idx = Uint32Array.from({ length: keys.length }, (_, i) => i).filter((i) => i % 3 !== 0);
    const order = argsortFloat32(keys, idx);
    expect(order.length).toBe(idx.length);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from(idx)); // a permutation
    const sorted = Array.from(order, (i) => keys[i] as number);
    const reference = Array.from(idx, (i) => keys[i] as number).sort((a, b) => a - b);
    expect(sorted).toEqual(reference);
  });

  it("bins every finite value once; integer data gets whole-number bins between integers", () => {
    const b = coverBins(1, 100, 60, true);
    expect(b.size).toBe(2);
    expect(b.start).toBe(0.5);
    expect(b.start + b.count * b.size).toBeGreaterThanOrEqual(100.5);
    const values = Float32Array.from({ length: 100 }, (_, i) => i + 1);
    const counts = binCounts(values, b);
    expect(Array.from(counts).every((c) => c === 2)).toBe(true); // no comb pattern
    const cont = coverBins(0, 1, 4);
    const c2 = binCounts([0, 0.1, 0.3, 0.99, 1, Number.NaN, 7], cont);
    expect(Array.from(c2)).toEqual([2, 1, 0, 3]); // the maximum and beyond go to the last bin
    expect(coverBins(5, 5, 10).size).toBeGreaterThan(0); // constant data: still a visible bin
  });
});

describe("time range", () => {
  it("leaves the scatter's points outside the time range out", () => {
    const run = {
      x: new Float32Array([1, 2, 3]),
      y: new Float32Array([1, 2, 3]),
      error: new Uint8Array([0, 0, 0]),
      t: new Float32Array([0, 10, 20]),
    };
    expect(Array.from(usablePoints(run, 1, [5, null]).x)).toEqual([2, 3]);
    expect(Array.from(usablePoints(run, 1, null).x)).toEqual([1, 2, 3]);
  });
});

describe("time view lines and ECDFs", () => {
  it("finds each time bin's median and p90 (nearest rank) like a brute-force sort", () => {
    const n = 3000;
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const run = {
      x: Float32Array.from({ length: n }, () => Math.floor(rand() * 500)),
      y: Float32Array.from({ length: n }, () => rand() * 0.05),
      error: new Uint8Array(n),
      t: Float32Array.from({ length: n }, () => rand() * 100),
    };
    const rows = sortRowsByY(run, 1000);
    const bins = coverBins(0, 100, 10);
    const [med, p90] = binnedQuantiles(rows, [100, 400], bins, [0.5, 0.9]);
    for (let b = 0; b < 10; b++) {
      const inBin: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = run.t[i] as number;
        const x = run.x[i] as number;
        const k = Math.min(9, Math.floor((t - bins.start) / bins.size));
        if (k === b && x >= 100 && x <= 400) inBin.push((run.y[i] as number) * 1000);
      }
      inBin.sort((a, c) => a - c);
      const rank = (q: number) => inBin[Math.max(1, Math.ceil(q * inBin.length)) - 1] as number;
      expect(med![b]).toBeCloseTo(rank(0.5), 3);
      expect(p90![b]).toBeCloseTo(rank(0.9), 3);
    }
  });

  it("leaves bins with too few rows empty (a gap) and runs without start times blank", () => {
    const run = {
      x: new Float32Array([1, 2, 3]),
      y: new Float32Array([1, 2, 3]),
      error: new Uint8Array(3),
      t: new Float32Array([0, 1, 2]),
    };
    const [med] = binnedQuantiles(sortRowsByY(run), null, coverBins(0, 2, 2), [0.5]);
    expect(Array.from(med!).every(Number.isNaN)).toBe(true);
    const noT = sortRowsByY({ x: run.x, y: run.y, error: run.error });
    expect(noT.t).toBeNull();
  });
});
