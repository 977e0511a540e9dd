import { describe, expect, it } from "vitest";
import { layoutEdits, outgrows, withRanges } from "./figure-edits";

const drawn = {
  title: { text: "Share of requests per bin", font: { size: 12 } },
  xaxis: { range: [0, 10], autorange: false, type: "linear" },
  yaxis: { range: [0, 0.05], autorange: false },
  shapes: [],
};

describe("figure edits", () => {
  it("turns a new title or axis range into a relayout, and anything else into a new figure", () => {
    expect(layoutEdits(drawn, structuredClone(drawn))).toEqual({});
    const wanted = structuredClone(drawn);
    wanted.title.text = "Share of selected requests per bin";
    wanted.yaxis.range = [0, 0.08];
    expect(layoutEdits(drawn, wanted)).toEqual({
      "title.text": "Share of selected requests per bin",
      "yaxis.range": [0, 0.08],
    });
    expect(layoutEdits(drawn, { ...drawn, xaxis: { ...drawn.xaxis, type: "log" } })).toBeNull();
    expect(layoutEdits(drawn, { ...drawn, shapes: [{ type: "line" }] })).toBeNull();
  });

  it("keeps drawn axis ranges, and grows an axis only when shapes outgrow it", () => {
    const kept = withRanges(drawn, { yaxis: [0, 0.1] });
    expect(kept["yaxis"]).toEqual({ range: [0, 0.1], autorange: false });
    expect(drawn.yaxis.range).toEqual([0, 0.05]); // not written into
    expect(outgrows([0, 0.05], [0, 0.04])).toBe(false);
    expect(outgrows([0, 0.05], [0, 0.06])).toBe(true);
    expect(outgrows(null, [0, 1])).toBe(true);
  });
});
