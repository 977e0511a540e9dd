import { describe, expect, it } from "vitest";
import { FALLBACK } from "../theme";
import { sweepRuns, sweepState, sweepStats } from "../testing-sweep";
import { drawState } from "../testing";
import type { Figure } from "./common";
import { paretoNote, paretoView, sweepParetoFigure } from "./pareto";

const colors = FALLBACK.light;

/** The traces of a figure that carry levels (what a click chooses), by name. */
function levelTraces(fig: Figure): Record<string, unknown>[] {
  return fig.data.filter((t) => Array.isArray(t["customdata"]));
}

function asFigure(fig: Figure | string): Figure {
  if (typeof fig === "string") throw new Error(`expected a figure, got the note ${JSON.stringify(fig)}`);
  return fig;
}

describe("Pareto view", () => {
  it("plots tokens/s per user against the aggregate, intervals as error bars where they exist", () => {
    const fig = asFigure(sweepParetoFigure(sweepState(16), sweepRuns(16), colors));
    expect((fig.layout["xaxis"] as { title: { text: string } }).title.text).toBe("output tokens/s per user");
    expect((fig.layout["yaxis"] as { title: { text: string } }).title.text).toBe("output tokens/s (aggregate)");
    const [base, cand] = levelTraces(fig);
    expect(base!["x"]).toEqual([50, 33]);
    expect(base!["y"]).toEqual([50, 530]);
    const ey = base!["error_y"] as { array: number[]; arrayminus: number[] };
    expect(ey.array.map((v) => Math.round(v))).toEqual([5, 53]);
    // no upper bound on the per-user interval: no bar on that side (NaN), never a zero bar
    const ex = base!["error_x"] as { array: number[]; arrayminus: number[] };
    expect(ex.array.every((v) => Number.isNaN(v))).toBe(true);
    expect(ex.arrayminus.map((v) => Math.round(v * 100) / 100)).toEqual([2.5, 1.65]);
    expect(cand!["customdata"]).toEqual([1, 4, 16]);
    expect(paretoView.choosesLevel).toBe(true);
  });

  it("draws each configuration's frontier through its frontier points, by speed per user", () => {
    const fig = asFigure(sweepParetoFigure(sweepState(16), sweepRuns(16), colors));
    const lines = fig.data.filter((t) => t["mode"] === "lines");
    expect(lines.map((t) => t["x"])).toEqual([
      [33, 50],
      [30, 55],
    ]);
  });

  it("uses tokens/s per GPU when the comparison says so", () => {
    const stats = sweepStats();
    const perGpu = {
      ...stats,
      pareto: {
        ...stats.pareto,
        y: "per_gpu" as const,
        configurations: stats.pareto.configurations.map((c) => ({
          ...c,
          points: c.points.map((p) => ({ ...p, per_gpu: (p.throughput ?? 0) / 4, per_gpu_ci_low: null, per_gpu_ci_high: null })),
        })),
      },
    };
    const fig = asFigure(sweepParetoFigure(sweepState(16, perGpu), sweepRuns(16), colors));
    expect((fig.layout["yaxis"] as { title: { text: string } }).title.text).toBe("output tokens/s per GPU");
    expect(levelTraces(fig)[0]!["y"]).toEqual([12.5, 132.5]);
  });

  it("names the levels on hover and rings each configuration at the level it is shown at", () => {
    const fig = asFigure(sweepParetoFigure(sweepState(4), sweepRuns(4), colors));
    const hover = levelTraces(fig)[1]!["hovertext"] as string[];
    expect(hover[1]).toContain("concurrency 4");
    expect(hover[1]).toContain("per user 40 tok/s");
    const rings = fig.data[fig.data.length - 1]!;
    expect(rings["x"]).toEqual([50, 40]);
  });

  it("says that a token range does not apply to throughput", () => {
    expect(paretoNote(sweepStats())).toBe("");
    expect(paretoNote(sweepStats({ token_range: [100, 500] }))).toContain("the token range does not apply");
  });
});

describe("redraws with nothing new", () => {
  it("keeps its figure while only the token range changes (it does not apply to throughput)", () => {
    const columns = [0, 1].map(() => ({
      x: new Float32Array([1, 2]),
      y: new Float32Array([0.02, 0.03]),
      error: new Uint8Array([0, 0]),
    }));
    const at = (stats: ReturnType<typeof sweepStats>) =>
      drawState(columns, sweepRuns(16), { sweep: sweepState(16, stats) });
    const all = paretoView.figure(at(sweepStats()));
    expect(paretoView.figure(at(sweepStats({ token_range: [100, 400] })))).toBe(all);
    const stats = sweepStats();
    const moved = { ...stats, pareto: { ...stats.pareto, y: "per_gpu" as const } };
    expect(paretoView.figure(at(moved))).not.toBe(all);
  });
});
