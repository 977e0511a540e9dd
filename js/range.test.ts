import { describe, expect, it } from "vitest";
import { inRange, parseRange, rangeFromDrag, rangesEqual } from "./range";

describe("ranges", () => {
  it("orders a drag and shrinks it to whole tokens", () => {
    expect(rangeFromDrag(400.3, 99.6, true)).toEqual([100, 400]);
    expect(rangeFromDrag(1.25, 3.5, false)).toEqual([1.25, 3.5]);
    expect(rangeFromDrag(10.2, 10.7, true)).toEqual([11, 11]);
    expect(rangeFromDrag(Number.NaN, 3, true)).toBeNull();
  });

  it("compares and parses ranges", () => {
    expect(rangesEqual(null, null)).toBe(true);
    expect(rangesEqual([1, null], [1, null])).toBe(true);
    expect(rangesEqual([1, 2], [1, 3])).toBe(false);
    expect(rangesEqual([1, 2], null)).toBe(false);
    expect(parseRange([100, 400])).toEqual([100, 400]);
    expect(parseRange([null, 400])).toEqual([null, 400]);
    expect(parseRange([null, null])).toBeNull();
    expect(parseRange(null)).toBeNull();
    expect(parseRange("100-400")).toBeNull();
  });
});

describe("inRange", () => {
  it("is inclusive on both ends, open on a null side, and drops NaN only under a range", () => {
    expect(inRange(5, [5, 10])).toBe(true);
    expect(inRange(10, [5, 10])).toBe(true);
    expect(inRange(10.5, [5, 10])).toBe(false);
    expect(inRange(1e9, [5, null])).toBe(true);
    expect(inRange(Number.NaN, null)).toBe(true);
    expect(inRange(Number.NaN, [null, 3])).toBe(false);
  });
});
