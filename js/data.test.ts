import { describe, expect, it } from "vitest";
import {
  binShares,
  boxSummary,
  extent,
  inRange,
  plotlyText,
  quantileSorted,
  sharedEdges,
  shorten,
  sortRowsByY,
  splitByRange,
  splitSorted,
  stepLine,
  usablePoints,
} from "./data";

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

  it("splits usable values (no error, finite) into inside and outside, scaled", () => {
    const s = splitByRange(run, [100, 400], 1000);
    expect(Array.from(s.inside).map((v) => Math.round(v))).toEqual([20, 40]);
    expect(Array.from(s.outside).map((v) => Math.round(v))).toEqual([10, 50, 60]);
    const all = splitByRange(run, null);
    expect(all.inside.length).toBe(5);
    expect(all.outside.length).toBe(0);
  });

  it("splits rows pre-sorted by y into sorted halves, the same rows as splitByRange", () => {
    const rows = sortRowsByY(run, 1000);
    expect(Array.from(rows.y).map((v) => Math.round(v))).toEqual([10, 20, 40, 50, 60]);
    const s = splitSorted(rows, [100, 400]);
    expect(Array.from(s.inside).map((v) => Math.round(v))).toEqual([20, 40]);
    expect(Array.from(s.outside).map((v) => Math.round(v))).toEqual([10, 50, 60]);
    const box = boxSummary(Float64Array.from([1, 2, 3]), true);
    expect(box?.median).toBe(2);
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
    const s = boxSummary(new Float64Array([5, 1, 2, 3, 4, 100]));
    expect(s).not.toBeNull();
    expect(s!.median).toBe(3.5);
    expect(s!.q1).toBe(2.25);
    expect(s!.q3).toBe(4.75);
    expect(s!.lowerfence).toBe(1);
    expect(s!.upperfence).toBe(5); // 100 is an outlier
    expect(s!.mean).toBeCloseTo(115 / 6);
    expect(boxSummary(new Float64Array([]))).toBeNull();
  });

  it("builds shared edges and shares that sum to the in-range fraction", () => {
    const a = Float64Array.from({ length: 1000 }, (_, i) => 10 + (i % 100));
    const b = Float64Array.from({ length: 1000 }, (_, i) => 20 + (i % 100));
    const edges = sharedEdges([a, b], 20, false)!;
    expect(edges.length).toBe(21);
    expect(edges[0]).toBeGreaterThanOrEqual(10);
    expect(edges[20]).toBeLessThanOrEqual(119);
    const shares = binShares(a, edges, false);
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
    expect(binShares(new Float64Array([5, 5]), edges, false).reduce((x, y) => x + y, 0)).toBe(1);
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
