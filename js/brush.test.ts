import { describe, expect, it } from "vitest";
import { BAND_FILL_ALPHA, paintBand, type BandPainter } from "./brush";

/** A painter that records what it was asked to paint: [op, alpha, colour, x, y, w, h]. */
function recorder(): BandPainter & { ops: (string | number)[][] } {
  const ops: (string | number)[][] = [];
  const painter = {
    ops,
    fillStyle: "" as BandPainter["fillStyle"],
    globalAlpha: 1,
    clearRect: (x: number, y: number, w: number, h: number) => ops.push(["clear", x, y, w, h]),
    fillRect: (x: number, y: number, w: number, h: number) =>
      ops.push(["fill", painter.globalAlpha, String(painter.fillStyle), x, y, w, h]),
  };
  return painter;
}

describe("the brush band", () => {
  it("clears the plot area, fills the dragged span lightly and draws an edge at each end", () => {
    const ctx = recorder();
    paintBand(ctx, 400, 200, 120.4, 40.6, "#1f6feb"); // dragged right to left
    expect(ctx.ops).toEqual([
      ["clear", 0, 0, 400, 200],
      ["fill", BAND_FILL_ALPHA, "#1f6feb", 41, 0, 79, 200],
      ["fill", 1, "#1f6feb", 41, 0, 1, 200],
      ["fill", 1, "#1f6feb", 119, 0, 1, 200],
    ]);
  });

  it("stays inside the plot area and draws one edge for a span under a pixel", () => {
    const ctx = recorder();
    paintBand(ctx, 300, 100, -20, 350, "red");
    expect(ctx.ops[1]).toEqual(["fill", BAND_FILL_ALPHA, "red", 0, 0, 300, 100]);
    const thin = recorder();
    paintBand(thin, 300, 100, 50.2, 50.3, "red");
    expect(thin.ops.slice(2)).toEqual([
      ["fill", 1, "red", 50, 0, 1, 100],
      ["fill", 1, "red", 50, 0, 1, 100],
    ]);
  });
});
