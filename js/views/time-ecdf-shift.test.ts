import { describe, expect, it } from "vitest";
import type { RunMeta, Stats } from "../protocol";
import { prepare } from "../prepared";
import { selectRuns } from "../selection";
import { makeStats, runMeta } from "../testing";
import { FALLBACK, type PlotColors } from "../theme";
import type { DrawState } from "./common";
import { ECDF_Y_TITLE, ecdfFigure } from "./ecdf";
import { VIEWS } from "./registry";
import { shiftFigure } from "./shift";
import { TIME_AXIS_TITLE, timeFigure, timeLines, timeView } from "./time";

const colors: PlotColors = FALLBACK.light;
const units = { time_per_output_token: "s", num_tokens_output: "tokens", request_start: "s-offset" } as const;

function meta(name: string, label: string, color: string): RunMeta {
  return runMeta(name, color, { label, n_requests: 8 });
}
const runs = [meta("cfg / seqs=256", "seqs=256", "#4C78A8"), meta("cfg / seqs=128", "seqs=128", "#F58518")];

function column(n: number, f: (i: number) => number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => f(i));
}

function state(withTimes: [boolean, boolean], extra: Partial<DrawState> = {}): DrawState {
  const n = 40;
  const cols = [0, 1].map((r) => ({
    x: column(n, (i) => 10 + i * 10),
    y: column(n, (i) => 0.02 + r * 0.005 + (i % 7) * 0.001),
    error: new Uint8Array(n),
    ...(withTimes[r] ? { t: column(n, (i) => i * 0.5) } : {}),
  }));
  const prep = prepare(cols, "time_per_output_token", "num_tokens_output", { ...units }, 200_000);
  return {
    prep,
    runs,
    colors,
    logAxis: false,
    tokenRange: null,
    timeRange: null,
    selection: selectRuns(prep, null, null),
    stats: makeStats(runs),
    slo: {},
    width: 600,
    ...extra,
  };
}

describe("registered views", () => {
  it("lists every view once, the scatter beside the panel", () => {
    const ids = VIEWS.map((v) => v.id);
    expect(ids).toEqual(["scatter", "load", "pareto", "time", "box", "hist", "ecdf", "shift"]);
    expect(VIEWS.filter((v) => v.area === "main").map((v) => v.id)).toEqual(["scatter"]);
    expect(VIEWS.find((v) => v.id === "time")?.brush?.range).toBe("time_range");
  });
});

describe("time view", () => {
  it("plots dimension against request start with the axis title naming it", () => {
    const fig = timeFigure(state([true, true]));
    expect(typeof fig).toBe("object");
    if (typeof fig === "string") return;
    const xaxis = fig.layout["xaxis"] as { title: { text: string } };
    expect(xaxis.title.text).toBe(TIME_AXIS_TITLE);
    expect(fig.data.map((t) => t["type"])).toEqual(["scattergl", "scattergl"]);
    expect(fig.layout["dragmode"]).toBe("select");
  });

  it("says so in words when runs have no start times", () => {
    expect(timeFigure(state([false, false]))).toMatch(/No request start times/);
    const s = state([true, false]);
    expect(timeView.note?.(s)).toMatch(/^seqs=128: no request start times/);
    expect(timeLines(s).length).toBe(2); // median + p90 of the run that has times
  });

  it("draws a median and a p90 line per run that follow the token range", () => {
    const all = timeLines(state([true, true]));
    const some = timeLines(state([true, true], { tokenRange: [300, 400] }));
    expect(all.length).toBe(4);
    expect(all[0]!.y).not.toEqual(some[0]!.y);
  });
});

describe("ECDF view", () => {
  it("draws one curve per run ending at 1, plus a faint one for the rows outside the range", () => {
    const s = state([true, true]);
    const fig = ecdfFigure(s);
    // two traces per run (outside, inside) always; nothing outside without a range
    expect(fig.data.length).toBe(4);
    expect(fig.data.filter((t) => (t["x"] as number[]).length > 0).length).toBe(2);
    const y = fig.data[1]!["y"] as number[];
    expect(y[y.length - 1]).toBe(1);
    expect((fig.layout["yaxis"] as { title: { text: string } }).title.text).toBe(ECDF_Y_TITLE);
    const ranged = { ...s, tokenRange: [100, 200] as [number, number] };
    const split = ecdfFigure({ ...ranged, selection: selectRuns(s.prep, ranged.tokenRange, null) });
    expect(split.data.length).toBe(4);
    expect((split.data[0]!["line"] as { dash?: string }).dash).toBe("dot");
    expect((ecdfFigure({ ...s, logAxis: true }).layout["xaxis"] as { type: string }).type).toBe("log");
  });

  it("draws an SLO objective on its column as a threshold line", () => {
    const fig = ecdfFigure(state([true, true], { slo: { time_per_output_token: 0.025 } }));
    const shapes = fig.layout["shapes"] as { x0: number }[];
    expect(shapes.length).toBe(1);
    expect(shapes[0]!.x0).toBeCloseTo(25, 9);
  });
});

describe("shift-function view", () => {
  it("draws the difference by quantile (ms) with its band and a zero line", () => {
    const stats: Stats = makeStats(runs, {
      shift_function: [
        {
          name: "cfg / seqs=128",
          baseline: "cfg / seqs=256",
          quantiles: [0.1, 0.5, 0.9],
          baseline_values: [0.02, 0.022, 0.03],
          run_values: [0.019, 0.02, 0.025],
          difference: [-0.001, -0.002, -0.005],
          ci_low: [-0.002, -0.003, -0.007],
          ci_high: [0, -0.001, -0.003],
        },
      ],
    });
    const fig = shiftFigure(state([true, true], { stats }));
    expect(typeof fig).toBe("object");
    if (typeof fig === "string") return;
    const line = fig.data[2]!;
    expect((line["y"] as number[]).map((v) => Math.round(v * 1000) / 1000)).toEqual([-1, -2, -5]);
    expect(fig.data[1]!["fill"]).toBe("tonexty");
    expect(line["name"]).toBe("seqs=128 \u2212 seqs=256");
    expect(shiftFigure(state([true, true]))).toMatch(/^Not enough data for a shift function/);
    const empty = makeStats(runs, {
      shift_function: [{ ...stats.shift_function[0]!, difference: [null, null, null] }],
    });
    expect(shiftFigure(state([true, true], { stats: empty }))).toMatch(/^Not enough data/);
  });
});
