import { describe, expect, it } from "vitest";
import type { RunMeta } from "./protocol";
import { FALLBACK, type PlotColors } from "./theme";
import { boxFigure, wrapLabel } from "./views/box";
import { emptySelectionNote, zeroBasedRange } from "./views/common";
import { VIEWS } from "./views/registry";
import { densityCells } from "./views/density";
import { histFigure } from "./views/hist";
import { scatterFigure } from "./views/scatter";
import { timeFigure } from "./views/time";
import { prepare } from "./prepared";
import { drawState, runMeta } from "./testing";
import { veilSpans } from "./veil";
import { coverBins } from "./data";

const colors: PlotColors = FALLBACK.light;
const units = { time_per_output_token: "s", num_tokens_output: "tokens" } as const;

function meta(name: string, color: string): RunMeta {
  return runMeta(name, color, { n_errors: 1 });
}

const runs = [meta("<img src=x onerror=alert(1)>", "#4C78A8"), meta("b & c", "#F58518")];
const columns = [
  {
    x: new Float32Array([100, 200, 300, 400]),
    y: new Float32Array([0.02, 0.022, 0.024, 0.03]),
    error: new Uint8Array([0, 0, 0, 1]),
  },
  {
    x: new Float32Array([100, 200, 300, 400]),
    y: new Float32Array([0.018, 0.019, 0.02, 0.021]),
    error: new Uint8Array([0, 0, 0, 0]),
  },
];

describe("short labels", () => {
  const long = (end: string): RunMeta => ({
    ...meta(`llama-3.1-70b-instruct / vllm 0.11 / H100x4 / tp4 / max_num_seqs=${end}`, "#111"),
    label: `max_num_seqs=${end}`,
  });
  it("puts the kernel's short labels in legends and box labels, full names in hovers", () => {
    const labelled = [long("256"), long("128")];
    const prep = prepare(columns, "time_per_output_token", "num_tokens_output", { ...units }, 200_000);
    const fig = scatterFigure(prep, labelled, colors);
    const legend = fig.data.filter((t) => t["showlegend"] === true).map((t) => t["name"]);
    expect(legend).toEqual(["max_num_seqs=256", "max_num_seqs=128"]);
    const hover = fig.data.find((t) => t["type"] === "scattergl")?.["hovertemplate"] as string;
    expect(hover).toContain("tp4 / max_num_seqs=256");
    const box = boxFigure(drawState(columns, labelled));
    const xaxis = box.layout["xaxis"] as { ticktext: string[] };
    expect(xaxis.ticktext).toEqual(["max_num_seqs=256", "max_num_seqs=128"]);
  });

  it("wraps long box labels at spaces into two lines, cutting only what still does not fit", () => {
    expect(wrapLabel("baseline \u00b7 max_num_seqs=256", 16)).toEqual(["baseline \u00b7", "max_num_seqs=256"]);
    expect(wrapLabel("short", 16)).toEqual(["short"]);
    const lines = wrapLabel("a b c d e f g h i j k l m n o p q r s t u v w x y z end", 10);
    expect(lines.length).toBe(2);
    expect(lines[1]!.endsWith("end")).toBe(true);
    expect(lines.every((l) => l.length <= 10)).toBe(true);
  });

  it("keeps the mode bar in the scatter's top margin, above the x marginal", () => {
    const prep = prepare(columns, "time_per_output_token", "num_tokens_output", { ...units }, 200_000);
    const fig = scatterFigure(prep, runs, colors);
    expect((fig.layout["margin"] as { t: number }).t).toBeGreaterThanOrEqual(28);
  });
});

describe("scatter", () => {
  it("draws one WebGL trace per run with escaped names, durations in ms, brush in select mode", () => {
    const prep = prepare(columns, "time_per_output_token", "num_tokens_output", { ...units }, 200_000);
    const fig = scatterFigure(prep, runs, colors);
    const gl = fig.data.filter((t) => t["type"] === "scattergl" && t["showlegend"] === false);
    expect(gl.map((t) => t["name"])).toEqual(["&lt;img src=x onerror=alert(1)&gt;", "b &amp; c"]);
    const legend = fig.data.filter((t) => t["showlegend"] === true).map((t) => t["name"]);
    expect(legend).toEqual(["&lt;img src=x onerror=alert(1)&gt;", "b &amp; c"]);
    expect(Array.from(gl[0]!["y"] as Float32Array).map((v) => Math.round(v))).toEqual([20, 22, 24]);
    expect(fig.layout["dragmode"]).toBe("select");
    expect(fig.layout["selectdirection"]).toBe("h");
    expect(fig.data.filter((t) => t["type"] === "histogram").length).toBe(4); // two marginals per run
  });

  it("switches a run above the density threshold to a 2-D histogram, keeping its legend entry", () => {
    const prep = prepare(columns, "time_per_output_token", "num_tokens_output", { ...units }, 3);
    expect(prep.density).toEqual([false, true]);
    const fig = scatterFigure(prep, runs, colors);
    const h2 = fig.data.filter((t) => t["type"] === "histogram2d");
    expect(h2.length).toBe(1);
    const legend = fig.data.filter((t) => t["showlegend"] === true).map((t) => t["name"]);
    expect(legend).toEqual(["&lt;img src=x onerror=alert(1)&gt;", "b &amp; c"]);
  });

  it("bins the density view and the marginals itself: plotly gets small arrays", () => {
    const prep = prepare(columns, "time_per_output_token", "num_tokens_output", { ...units }, 3);
    const fig = scatterFigure(prep, runs, colors);
    const h2 = fig.data.find((t) => t["type"] === "histogram2d")!;
    expect(h2["histfunc"]).toBe("sum");
    expect((h2["z"] as number[]).reduce((a: number, b: number) => a + b, 0)).toBe(4); // run 2's four points
    const marginals = fig.data.filter((t) => t["type"] === "histogram");
    for (const m of marginals) {
      expect(m["histfunc"]).toBe("sum");
      const shares = (m["xaxis"] === "x2" ? m["x"] : m["y"]) as number[];
      expect(shares.length).toBeLessThanOrEqual(60);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
    const yaxis = fig.layout["yaxis"] as Record<string, unknown>;
    expect(yaxis["autorange"]).toBe(false);
    expect((yaxis["range"] as number[])[0]).toBe(0);
    expect((yaxis["range"] as number[])[1]).toBeGreaterThan(24); // the largest y, 24 ms
  });

  it("draws a big run's density the same way in the scatter and the time view", () => {
    const timed = columns.map((c) => ({ ...c, t: new Float32Array([1, 2, 3, 4]) }));
    const s = drawState(timed, runs, {}, 3);
    const inScatter = scatterFigure(s.prep, s.runs, s.colors).data.filter((t) => t["type"] === "histogram2d");
    const fig = timeFigure(s);
    if (typeof fig === "string") throw new Error(fig);
    const inTime = fig.data.filter((t) => t["type"] === "histogram2d");
    expect(inScatter.length).toBe(1);
    expect(inTime.length).toBe(1);
    for (const key of ["colorscale", "histfunc", "hovertemplate", "name", "showscale"]) {
      expect(inTime[0]![key]).toEqual(inScatter[0]![key]);
    }
    // every usable point of the run in a cell, in both views
    const total = (t: Record<string, unknown>): number => (t["z"] as number[]).reduce((a, b) => a + b, 0);
    expect(total(inScatter[0]!)).toBe(4);
    expect(total(inTime[0]!)).toBe(4);
  });

  it("puts every point in exactly one density cell, at its bin's centre", () => {
    const xs = [1, 2, 2, 10, Number.NaN];
    const ys = [0.5, 0.5, 0.5, 3, 1];
    const bx = coverBins(1, 10, 3, true);
    const by = coverBins(0.5, 3, 2);
    const cells = densityCells(xs, ys, bx, by);
    expect(cells.z.reduce((a, b) => a + b, 0)).toBe(4);
    expect(cells.z).toEqual([3, 1]);
    expect(cells.y[0]).toBeCloseTo(0.5 + 0.625, 9);
  });

  it("veils the scatter outside the token range only, clipped to the plot area", () => {
    const toPixel = (x: number): number => x; // 1 px per token, axis 0..500 px
    expect(veilSpans(null, toPixel, 500)).toEqual({ veils: [], edges: [] });
    expect(veilSpans([150, 350], toPixel, 500)).toEqual({
      veils: [
        [0, 150],
        [350, 500],
      ],
      edges: [150, 350],
    });
    expect(veilSpans([null, 350], toPixel, 500).veils).toEqual([[350, 500]]);
    // an edge beyond the axis: the veil is clipped, no edge line drawn
    expect(veilSpans([-20, 900], toPixel, 500)).toEqual({ veils: [], edges: [] });
    expect(veilSpans([600, 900], toPixel, 500).veils).toEqual([[0, 500]]);
  });

  it("fixes the value axis from zero to just above the largest value", () => {
    expect(zeroBasedRange([5, 100])).toEqual([0, 104]);
    expect(zeroBasedRange(null)).toEqual([0, 1]);
    expect(zeroBasedRange([-10, 10])[0]).toBeLessThan(-10);
  });
});

/** The traces that draw something (a figure keeps empty ones: its traces stay put). */
function drawn(fig: { data: Record<string, unknown>[] }): Record<string, unknown>[] {
  return fig.data.filter((t) => ((t["x"] as unknown[] | undefined)?.length ?? 0) > 0);
}

describe("box and histogram views", () => {
  it("summarises only the selected rows, the rest as a faint box behind", () => {
    const range: [number, number] = [150, 400];
    const fig = boxFigure(drawState(columns, runs, { tokenRange: range, logAxis: true }));
    const selected = fig.data.filter((t) => t["boxmean"] === true);
    expect(selected.length).toBe(2);
    // run 1 in range: 0.022, 0.024 (0.03 is an error) → median 23 ms
    expect((selected[0]!["median"] as number[])[0]).toBeCloseTo(23, 5);
    expect(drawn(fig).length).toBe(4);
    expect((fig.layout["yaxis"] as Record<string, unknown>)["type"]).toBe("log");
  });

  it("draws shared-bin step histograms of the selection (fractions sum to at most 1)", () => {
    const fig = histFigure(drawState(columns, runs));
    expect(drawn(fig).length).toBe(2);
    const x0 = drawn(fig)[0]!["x"] as number[];
    const x1 = drawn(fig)[1]!["x"] as number[];
    expect(x0).toEqual(x1); // shared bins
    const y = drawn(fig)[1]!["y"] as number[];
    const total = y.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0.5);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    const logFig = histFigure(drawState(columns, runs, { logAxis: true }));
    expect((logFig.layout["xaxis"] as Record<string, unknown>)["type"]).toBe("log");
  });
});

describe("an empty selection", () => {
  it("is said in a note above every view of the selected rows, which still draws the rest", () => {
    const range: [number, number] = [5000, 6000];
    const s = drawState(columns, runs, { tokenRange: range });
    expect(emptySelectionNote(s)).toMatch(/^Not enough data: no request in the selection/);
    expect(emptySelectionNote(drawState(columns, runs))).toBe("");
    const noted = VIEWS.filter((v) => v.note?.(s) === emptySelectionNote(s)).map((v) => v.id);
    expect(noted).toEqual(["box", "hist", "ecdf"]);
    expect(drawn(boxFigure(s)).length).toBe(2); // the faint boxes of the requests outside
  });
});
