import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeColumnsMessage, isColumnsMessage, type ColumnsMessage } from "./codecs";
import { ModelContext } from "./context";
import type { EmbeddedColumn, ReportModel } from "./protocol";
import { StaticModel } from "./static-model";
import { makeStats, runMeta, widgetState } from "./testing";
import { LEVELS, sweepRuns, sweepStats } from "./testing-sweep";

/** A column as report.py embeds it: little-endian bytes in base64. */
function embed(key: string, values: Float32Array | Uint8Array): EmbeddedColumn {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const dtype = values instanceof Float32Array ? "float32" : "uint8";
  return { key, dtype, shape: [values.length], data: btoa(String.fromCharCode(...bytes)) };
}

const runs = [runMeta("a", "#4C78A8"), runMeta("b", "#F58518")];
const x = new Float32Array([100, 200.5, Number.NaN, 1e-7]);
const errors = new Uint8Array([0, 1, 0, 0]);

function report(): ReportModel {
  return {
    state: widgetState(runs, { token_range: [100, 400], stats: makeStats(runs, { token_range: [100, 400] }) }),
    columns: [embed("0/num_tokens_output", x), embed("0/error", errors)],
  };
}

describe("StaticModel", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("gets every embedded trait and sets values with Backbone's change events", () => {
    const model = new StaticModel(report());
    expect(model.get("token_range")).toEqual([100, 400]);
    expect(model.get("_runs_meta").map((r) => r.name)).toEqual(["a", "b"]);
    expect(model.get("_report")).toBeUndefined(); // widgetState() is a live widget's state
    const seen: string[] = [];
    const onRange = (): void => {
      seen.push(`range ${JSON.stringify(model.get("token_range"))}`);
    };
    model.on("change:token_range", onRange);
    model.set("token_range", [200, 300]);
    model.set("token_range", [200, 300]); // no change, no event
    model.set("log_axis", false); // another trait: not this listener
    expect(seen).toEqual(["range [200,300]"]);
    model.off("change:token_range", onRange);
    model.set("token_range", null);
    expect(seen.length).toBe(1);
    model.on("change:log_axis", onRange);
    model.off(); // everything
    model.set("log_axis", true);
    expect(seen.length).toBe(1);
  });

  it("answers a request at once with the statistics it holds (the request's sequence number)", () => {
    const model = new StaticModel(report());
    const stats = model.get("stats");
    const answered: number[] = [];
    model.on("change:_stats_seq", () => answered.push(model.get("_stats_seq")));
    model.set("token_range", [250, 300]);
    model.set("_request_seq", 1);
    model.save_changes();
    expect(answered).toEqual([]); // asynchronously, as over a comm
    vi.runAllTimers();
    expect(answered).toEqual([1]);
    expect(model.get("stats")).toBe(stats);
    expect(model.get("token_range")).toEqual([250, 300]);
  });

  it("answers a columns request with the embedded bytes, the same float32 values, and rejects the rest", () => {
    const model = new StaticModel(report());
    const messages: [unknown, DataView[]][] = [];
    model.on("msg:custom", (msg: unknown, buffers: DataView[]) => messages.push([msg, buffers]));
    model.send({ type: "columns", keys: ["0/num_tokens_output", "0/error", "1/error", "0/error"] });
    model.send({ type: "something else" });
    vi.runAllTimers();
    expect(messages.length).toBe(1);
    const [msg, buffers] = messages[0]!;
    expect(isColumnsMessage(msg)).toBe(true);
    expect((msg as ColumnsMessage).rejected).toEqual(["1/error"]);
    const columns = decodeColumnsMessage(msg as ColumnsMessage, buffers);
    expect(Array.from(columns.get("0/num_tokens_output") as Float32Array)).toEqual(Array.from(x));
    expect(Array.from(columns.get("0/error") as Uint8Array)).toEqual([0, 1, 0, 0]);
  });

  it("serves the widget's own model context: columns resolve, requests are answered as current", async () => {
    const model = new StaticModel(report());
    const ctx = new ModelContext(model);
    const kinds: string[] = [];
    ctx.onAnswerReceived((kind) => kinds.push(kind));
    const loaded = ctx.ensure(["0/num_tokens_output", "0/error"]);
    vi.runAllTimers();
    await loaded;
    expect(Array.from(ctx.columns.get("0/error") ?? [])).toEqual([0, 1, 0, 0]);
    ctx.scheduler.sendNow({ token_range: [120, 180] });
    expect(ctx.scheduler.busy()).toBe(true);
    vi.runAllTimers();
    await Promise.resolve(); // the context classifies answers in a microtask
    expect(kinds).toEqual(["current"]);
    expect(ctx.scheduler.busy()).toBe(false);
    expect(model.get("token_range")).toEqual([120, 180]);
    ctx.dispose();
  });

  it("a sweep report answers a level chosen with that level's statistics and runs, as one answer", async () => {
    const at = (level: 1 | 4 | 16) => {
      const runs = sweepRuns(level);
      return { load_level: level, stats: makeStats(runs, { notes: [`level ${level}`] }), _runs_meta: runs, _summary_markdown: `**${level}**` };
    };
    const state = widgetState(sweepRuns(16), { load_level: 16, sweep_stats: sweepStats(), stats: at(16).stats });
    state._choices = { ...state._choices, load_levels: LEVELS };
    const model = new StaticModel({ state, columns: [], levels: [at(1), at(4), at(16)] });
    const ctx = new ModelContext(model);
    const seen: [string, string[], unknown][] = [];
    ctx.onAnswerReceived((kind) =>
      seen.push([kind, model.get("_runs_meta").map((r) => r.key), model.get("stats").notes[0]]),
    );
    // chosen three times in a row before any answer: the last one is shown, once, consistently
    for (const level of [1, 4, 1] as const) ctx.scheduler.sendNow({ load_level: level });
    vi.runAllTimers();
    await Promise.resolve();
    expect(seen).toEqual([["current", ["L0.C0", "L0.C1"], "level 1"]]);
    ctx.scheduler.sendNow({ load_level: 4 });
    vi.runAllTimers();
    await Promise.resolve();
    // the baseline did not run 4: it is at its nearest level (its own key), with its note
    expect(seen[1]).toEqual(["current", ["L0.C0", "L1.C1"], "level 4"]);
    expect(model.get("_runs_meta")[0]?.level_note).toContain("did not run concurrency 4");
    expect(model.get("_summary_markdown")).toBe("**4**");
    ctx.dispose();
  });

  it("a report without the levels keeps its statistics when a level is chosen", () => {
    const model = new StaticModel({ state: widgetState(sweepRuns(16), { load_level: 16 }), columns: [] });
    const stats = model.get("stats");
    model.set("load_level", 1);
    model.save_changes();
    vi.runAllTimers();
    expect(model.get("stats")).toBe(stats);
  });
});
