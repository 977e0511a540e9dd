import { describe, expect, it } from "vitest";
import { FALLBACK } from "../theme";
import { sweepRuns, sweepState, sweepStats } from "../testing-sweep";
import { drawState, runMeta } from "../testing";
import { loadFigure, loadNote, loadUpdate, loadView, sweepLoadFigure } from "./load";
import { paretoFigure } from "./pareto";
import { VIEWS } from "./registry";
import type { Figure } from "./common";

const colors = FALLBACK.light;

/** The traces of a figure that carry levels (what a click chooses), by name. */
function levelTraces(fig: Figure): Record<string, unknown>[] {
  return fig.data.filter((t) => Array.isArray(t["customdata"]));
}

function asFigure(fig: Figure | string): Figure {
  if (typeof fig === "string") throw new Error(`expected a figure, got the note ${JSON.stringify(fig)}`);
  return fig;
}

describe("load view", () => {
  it("draws each configuration's statistic against load (ms, log axis) with its CI band", () => {
    const fig = asFigure(sweepLoadFigure(sweepState(16), sweepRuns(16), colors));
    expect((fig.layout["xaxis"] as { type: string }).type).toBe("log");
    expect((fig.layout["xaxis"] as { title: { text: string } }).title.text).toBe("concurrency (requests in flight)");
    expect((fig.layout["yaxis"] as { title: { text: string } }).title.text).toBe("median TPOT (ms)");
    const [base, cand] = levelTraces(fig);
    expect(base!["x"]).toEqual([1, 16]);
    expect((base!["y"] as number[]).map((v) => Math.round(v * 10) / 10)).toEqual([20, 30]);
    expect(cand!["x"]).toEqual([1, 4, 16]);
    // user text escaped in plotly text; the palette of the other views
    expect(base!["name"]).toBe("base &lt;b&gt;");
    expect((base!["line"] as { color: string }).color).toBe("#4C78A8");
    expect((cand!["line"] as { color: string }).color).toBe("#F58518");
    // the band: the upper edge, then the lower one filled to it, in the configuration's colour
    const bands = fig.data.filter((t) => t["fill"] === "tonexty");
    expect(bands.length).toBe(2);
    expect((bands[0]!["y"] as number[]).map((v) => Math.round(v * 100) / 100)).toEqual([19, 28.5]);
  });

  it("marks the points compared with an interpolated baseline (open) and saturated levels (a cross)", () => {
    const fig = asFigure(sweepLoadFigure(sweepState(16), sweepRuns(16), colors));
    const cand = levelTraces(fig)[1]!;
    expect((cand["marker"] as { symbol: string[] }).symbol).toEqual(["circle", "circle-open", "x"]);
    const hover = cand["hovertext"] as string[];
    expect(hover[1]).toContain("baseline interpolated between its neighbouring levels");
    expect(hover[2]).toContain("saturated");
    expect(hover[0]).toContain("vs baseline \u221210.0% [\u221215.0%, \u22125.00%]: faster");
    expect(hover[0]).toContain("<b>cand &amp; co</b>");
  });

  it("clicks choose a level: each point carries its level's value", () => {
    const fig = asFigure(sweepLoadFigure(sweepState(16), sweepRuns(16), colors));
    const [base, cand] = levelTraces(fig);
    expect(base!["customdata"]).toEqual([1, 16]);
    expect(cand!["customdata"]).toEqual([1, 4, 16]);
    expect(loadView.choosesLevel).toBe(true);
  });

  it("draws the SLO line, the max-load marker with its interval, and the crossing open below", () => {
    const fig = asFigure(sweepLoadFigure(sweepState(16), sweepRuns(16), colors));
    const shapes = fig.layout["shapes"] as { y0: number; y1: number }[];
    expect(shapes.map((s) => [s.y0, s.y1])).toEqual([[30, 30]]);
    const markers = fig.data.filter((t) => t["error_x"] !== undefined);
    expect(markers.length).toBe(2); // the baseline's max load; the candidate always meets it
    const [maxLoad, crossing] = markers;
    expect(maxLoad!["x"]).toEqual([10]);
    expect(maxLoad!["error_x"]).toMatchObject({ array: [4], arrayminus: [4] });
    expect((maxLoad!["marker"] as { symbol: string }).symbol).toBe("triangle-down");
    // the crossing's interval is open below: its whisker reaches the lowest level
    expect(crossing!["x"]).toEqual([8]);
    expect(crossing!["error_x"]).toMatchObject({ array: [4.5], arrayminus: [7] });
    expect(crossing!["hovertemplate"]).toContain("below the lowest level to 12.5");
  });

  it("says the crossing and max load in words, open ends and statuses included", () => {
    const note = loadNote(sweepStats(), sweepRuns(16));
    expect(note).toContain("cand & co stops being faster than base <b> at concurrency 8 (95% CI below the lowest level to 12.5).");
    expect(note).toContain("Max load with \u2265 90% of requests within the SLO: base <b> concurrency 10 (95% CI 6 to 14); cand & co meets it at every level.");
    const none = loadNote(sweepStats({ crossing: [], max_load: [] }), sweepRuns(16));
    expect(none).toBe("");
  });

  it("marks the level chosen, and each configuration at the level it is shown at", () => {
    const fig = asFigure(sweepLoadFigure(sweepState(4), sweepRuns(4), colors));
    const band = fig.data[0]!;
    expect(band["x"]).toEqual([4, 4]);
    const rings = fig.data.find((t) => (t["marker"] as { size?: number } | undefined)?.size === 16)!;
    // the baseline did not run 4: it is shown (and ringed) at concurrency 1
    expect(rings["x"]).toEqual([1, 4]);
    expect(rings["marker"]).toMatchObject({ color: ["#4C78A8", "#F58518"] });
  });

  it("keeps its traces from one level to the next (incremental redraws)", () => {
    const a = asFigure(sweepLoadFigure(sweepState(16), sweepRuns(16), colors));
    const b = asFigure(sweepLoadFigure(sweepState(1), sweepRuns(1), colors));
    expect(b.data.map((t) => t["type"])).toEqual(a.data.map((t) => t["type"]));
  });

  it("leaves out a level with no place on the axis, and says so", () => {
    const stats = sweepStats();
    const curves = stats.curves.map((c) => ({
      ...c,
      points: [...c.points, { ...c.points[0]!, label: "throughput", load: null, level: { kind: "throughput" as const, value: null } }],
    }));
    const fig = asFigure(sweepLoadFigure(sweepState(16, { ...stats, curves }), sweepRuns(16), colors));
    expect(levelTraces(fig)[0]!["x"]).toEqual([1, 16]);
    expect(loadNote({ ...stats, curves }, sweepRuns(16))).toContain("Not on the concurrency axis: throughput");
  });

  it("shows a brush's new numbers without plotly: the figure's lines, bands and markers as shapes", () => {
    const columns = [0, 1].map(() => ({
      x: new Float32Array([1, 2]),
      y: new Float32Array([0.02, 0.03]),
      error: new Uint8Array([0, 0]),
    }));
    const state = drawState(columns, sweepRuns(16), { sweep: sweepState(16) });
    const fig = asFigure(sweepLoadFigure(sweepState(16), sweepRuns(16), colors));
    const { shapes, axes } = loadUpdate(state);
    // each configuration's line with its points, where the figure has them
    const lines = shapes.filter((s) => s.markers === 8);
    expect(lines.map((s) => Array.from(s.x))).toEqual(levelTraces(fig).map((t) => t["x"]));
    expect(lines.map((s) => Array.from(s.y))).toEqual(levelTraces(fig).map((t) => t["y"]));
    expect(lines.map((s) => s.color)).toEqual(["#4C78A8", "#F58518"]);
    // the baseline's band: out along the upper edge, back along the lower one, closed
    const band = shapes.find((s) => s.fill?.mode === "toself")!;
    const [upper, lower] = fig.data.filter((t) => t["line"] && (t["line"] as { width: number }).width === 0);
    expect(Array.from(band.y).slice(0, 4)).toEqual([...(upper!["y"] as number[]), ...(lower!["y"] as number[]).reverse()]);
    // the level chosen, the max load and the crossing on the marker axis, whiskers as in the figure
    const onMarkerAxis = shapes.filter((s) => s.yaxis === "yaxis2");
    expect(onMarkerAxis[0]).toMatchObject({ x: [16, 16], y: [0, 1], width: 8 });
    const whiskers = onMarkerAxis.filter((s) => s.width === 1.5).map((s) => s.x);
    expect(whiskers).toEqual([
      [6, 14],
      [1, 12.5],
    ]);
    // the axes it needs: log loads from the lowest level to the highest, every interval's values
    expect(axes?.xaxis?.reach).toEqual([0, Math.log10(16)]);
    const ys = fig.data.filter((t) => t["yaxis"] !== "y2").flatMap((t) => (t["y"] as (number | null)[]) ?? []);
    const finite = ys.filter((v): v is number => v !== null);
    expect(axes?.yaxis?.reach).toEqual([Math.min(...finite), Math.max(...finite)]);
    // the figure takes the ranges the preview asks for: new numbers move the axes by a
    // relayout (the preview stays), never by drawing the whole figure again
    expect((fig.layout["xaxis"] as { range: number[] }).range).toEqual(axes?.xaxis?.range);
    expect((fig.layout["yaxis"] as { range: number[] }).range).toEqual(axes?.yaxis?.range);
  });

  it("draws nothing in a widget of runs, where it has no box at all", () => {
    const runs = [runMeta("a", "#111"), runMeta("b", "#222")];
    const columns = [0, 1].map(() => ({
      x: new Float32Array([1, 2]),
      y: new Float32Array([0.02, 0.03]),
      error: new Uint8Array([0, 0]),
    }));
    expect(loadFigure(drawState(columns, runs))).toBe("");
    expect(paretoFigure(drawState(columns, runs))).toBe("");
    expect(VIEWS.filter((v) => v.sweepOnly === true).map((v) => v.id)).toEqual(["load", "pareto"]);
  });
});

describe("redraws with nothing new", () => {
  it("hand plotly the figure it drew when the inputs are the same values (a new message)", () => {
    const columns = [0, 1].map(() => ({
      x: new Float32Array([1, 2]),
      y: new Float32Array([0.02, 0.03]),
      error: new Uint8Array([0, 0]),
    }));
    const state = (level: 1 | 4 | 16, stats = sweepStats()) =>
      drawState(columns, sweepRuns(level), { sweep: sweepState(level, stats) });
    const first = loadView.figure(state(16));
    // the same numbers in a new object (the kernel's next answer): the same figure
    const again = JSON.parse(JSON.stringify(sweepStats())) as ReturnType<typeof sweepStats>;
    expect(loadView.figure(state(16, again))).toBe(first);
    // another level, or other numbers: a new one
    expect(loadView.figure(state(4))).not.toBe(first);
    const wider = sweepStats({ confidence_level: 0.99 });
    expect(loadView.figure(state(16, wider))).not.toBe(loadView.figure(state(16)));
    // the preview likewise: the chosen level's statistics alone (same sweep numbers) draw nothing new
    const preview = loadView.update?.(state(16));
    expect(loadView.update?.(state(16, again))).toBe(preview);
    expect(loadView.update?.(state(16, wider))).not.toBe(preview);
  });
});
