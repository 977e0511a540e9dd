import { describe, expect, it } from "vitest";
import { DENSE_POINTS, dashPattern, tracePath, type PathSink } from "./overlay";

/** A path sink that records its commands. */
function recorder(): PathSink & { ops: string[] } {
  const ops: string[] = [];
  return {
    ops,
    moveTo: (x, y) => ops.push(`M${x},${y}`),
    lineTo: (x, y) => ops.push(`L${x},${y}`),
    closePath: () => ops.push("Z"),
  };
}

const identity = { toPixel: (v: number) => v };
const flipped = { toPixel: (v: number) => 100 - v }; // y grows downwards on screen

describe("overlay shapes", () => {
  it("draws steps across then up, and breaks the path at a missing value", () => {
    const line = recorder();
    tracePath({ x: [0, 10, 20, Number.NaN, 40, 50], y: [1, 2, 3, 4, 5, 6], color: "#000", width: 1, steps: true }, identity, identity, line);
    expect(line.ops).toEqual(["M0,1", "L10,1", "L10,2", "L20,2", "L20,3", "M40,5", "L50,5", "L50,6"]);
  });

  it("fills down to y = 0, or the closed outline", () => {
    const line = recorder();
    const fill = recorder();
    const shape = { x: [0, 10], y: [5, 7], color: "#000", width: 1, fill: { mode: "tozeroy" as const, color: "red" } };
    tracePath(shape, identity, flipped, line, fill);
    expect(fill.ops).toEqual(["M0,95", "L10,93", "L10,100", "L0,100", "Z"]);
    const self = recorder();
    tracePath({ ...shape, fill: { mode: "toself", color: "red" } }, identity, identity, recorder(), self);
    expect(self.ops).toEqual(["M0,5", "L10,7", "Z"]);
  });

  it("dashes lines like plotly's dash names, or an SVG dash array", () => {
    expect(dashPattern(undefined, 1)).toEqual([]);
    expect(dashPattern("dot", 1)).toEqual([3, 3]);
    expect(dashPattern("dash", 2)).toEqual([9, 9]);
    expect(dashPattern("5 3", 2)).toEqual([5, 3]);
    expect(dashPattern("3.2px,1.6px", 1.6)).toEqual([3.2, 1.6]);
  });
  it("draws a dense curve one pixel column at a time, over every point's height", () => {
    // an ECDF-like staircase: 4 points per pixel column, y up by one per point
    const n = 4 * (DENSE_POINTS + 4);
    const x = Array.from({ length: n }, (_, i) => Math.floor(i / 4) + (i % 4) * 0.2);
    const y = Array.from({ length: n }, (_, i) => i);
    const line = recorder();
    tracePath({ x, y, color: "#000", width: 1, steps: true }, identity, identity, line);
    // every column: the step across, then one stroke up to its last point
    expect(line.ops.length).toBe(1 + 1 + 2 * (n / 4 - 1));
    expect(line.ops.slice(0, 6)).toEqual(["M0,0", "L0,3", "L1,3", "L1,7", "L2,7", "L2,11"]);
    expect(line.ops.at(-1)).toBe(`L${n / 4 - 1},${n - 1}`);
  });

  it("reaches the highest and lowest point of a dense column that goes up and down", () => {
    const n = DENSE_POINTS + 3;
    // column 0 holds 0 → 9 → -5 → 2, the other points are one per column
    const x = [0, 0.2, 0.4, 0.6, ...Array.from({ length: n - 4 }, (_, i) => i + 1)];
    const y = [0, 9, -5, 2, ...Array.from({ length: n - 4 }, () => 2)];
    const line = recorder();
    tracePath({ x, y, color: "#000", width: 1 }, identity, identity, line);
    expect(line.ops.slice(0, 5)).toEqual(["M0,0", "L0,-5", "L0,9", "L0,2", "L1,2"]);
  });
});
