import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AnyModel } from "@anywidget/types";
import { encodeColumn } from "./codecs";
import { COLUMNS_TIMEOUT_MS, ModelContext, type WidgetModel } from "./context";

/** A minimal stand-in for the widget manager's model (Backbone-like events). */
function fakeModel(initial: Partial<WidgetModel>) {
  const state: Record<string, unknown> = { _request_seq: 0, _stats_seq: 0, ...initial };
  const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  const sentMessages: unknown[] = [];
  const saved: Record<string, unknown>[] = [];
  const emit = (event: string, ...args: unknown[]) => listeners.get(event)?.forEach((f) => f(...args));
  const model = {
    get: (k: string) => state[k],
    set: (k: string, v: unknown) => {
      state[k] = v;
      emit(`change:${k}`);
    },
    on: (event: string, cb: (...a: unknown[]) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), cb]);
    },
    off: (event: string, cb: (...a: unknown[]) => void) => {
      listeners.set(event, (listeners.get(event) ?? []).filter((f) => f !== cb));
    },
    save_changes: () => saved.push({ ...state }),
    send: (msg: unknown) => sentMessages.push(msg),
    widget_manager: {} as never,
  };
  /** The kernel's answer: new stats and the sequence number they belong to. */
  const answer = (seq: number, stats: unknown) => {
    state["stats"] = stats;
    state["_stats_seq"] = seq;
    emit("change:stats");
    emit("change:_stats_seq");
  };
  return { model: model as unknown as AnyModel<WidgetModel>, state, sentMessages, saved, emit, answer };
}

const flush = () => new Promise<void>((r) => queueMicrotask(r));

describe("ModelContext", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
  afterEach(() => vi.useRealTimers());

  it("asks the kernel once per missing column and resolves when the buffers arrive", async () => {
    const f = fakeModel({});
    const ctx = new ModelContext(f.model);
    const p1 = ctx.ensure(["0/num_tokens_output", "0/error"]);
    const p2 = ctx.ensure(["0/num_tokens_output"]);
    expect(f.sentMessages).toEqual([{ type: "columns", keys: ["0/num_tokens_output", "0/error"] }]);
    const [h1, b1] = encodeColumn("0/num_tokens_output", new Float32Array([5, 6]));
    const [h2, b2] = encodeColumn("0/error", new Uint8Array([0, 1]));
    f.emit("msg:custom", { type: "columns", columns: [h1, h2], rejected: [] }, [new DataView(b1), new DataView(b2)]);
    await Promise.all([p1, p2]);
    expect(Array.from(ctx.columns.get("0/num_tokens_output") ?? [])).toEqual([5, 6]);
    // cached: a second view or a dimension switch back asks for nothing
    await ctx.ensure(["0/error"]);
    expect(f.sentMessages.length).toBe(1);
  });

  it("continues the kernel's sequence numbers and drops late answers to older brushes", async () => {
    const f = fakeModel({ _request_seq: 41, _stats_seq: 41 });
    const ctx = new ModelContext(f.model);
    const kinds: string[] = [];
    ctx.onAnswerReceived((k) => kinds.push(k));
    ctx.scheduler.sendNow({ token_range: [1, 10] });
    ctx.scheduler.sendNow({ token_range: [1, 20] });
    expect(f.saved.map((s) => [s["_request_seq"], s["token_range"]])).toEqual([
      [42, [1, 10]],
      [43, [1, 20]],
    ]);
    f.answer(43, { runs: [] });
    await flush();
    f.answer(42, { runs: [] }); // an older brush answered late
    await flush();
    expect(kinds).toEqual(["current"]);
    expect(ctx.scheduler.busy()).toBe(false);
  });

  it("switching levels rapidly: the answer to an older level is never shown after a newer one", async () => {
    const f = fakeModel({ _request_seq: 7, _stats_seq: 7, load_level: 16 });
    const ctx = new ModelContext(f.model);
    const shown: [string, unknown][] = [];
    ctx.onAnswerReceived((k) => shown.push([k, f.state["stats"]]));
    for (const level of [1, 4, 128]) ctx.scheduler.sendNow({ load_level: level });
    expect(f.saved.map((s) => [s["_request_seq"], s["load_level"]])).toEqual([
      [8, 1],
      [9, 4],
      [10, 128],
    ]);
    f.answer(8, { level: 1 }); // an earlier level's answer while newer ones are pending
    await flush();
    f.answer(10, { level: 128 });
    await flush();
    f.answer(9, { level: 4 }); // answered after the last level's: dropped
    await flush();
    expect(shown).toEqual([
      ["intermediate", { level: 1 }],
      ["current", { level: 128 }],
    ]);
    expect(ctx.scheduler.busy()).toBe(false);
  });

  it("treats a change made in Python (no new sequence number) as current when idle", async () => {
    const f = fakeModel({});
    const ctx = new ModelContext(f.model);
    const kinds: string[] = [];
    ctx.onAnswerReceived((k) => kinds.push(k));
    f.state["stats"] = { runs: [] };
    f.emit("change:stats");
    await flush();
    expect(kinds).toEqual(["current"]);
  });

  it("rejects a column request the kernel answers with an error, with the kernel's text", async () => {
    const f = fakeModel({});
    const ctx = new ModelContext(f.model);
    const p = ctx.ensure(["0/time_to_first_token"]);
    f.emit("msg:custom", { type: "columns", error: "MemoryError: too big", keys: ["0/time_to_first_token"] }, []);
    await expect(p).rejects.toThrow("MemoryError: too big");
    // a later request asks the kernel again instead of waiting on the failed one
    void ctx.ensure(["0/time_to_first_token"]).catch(() => undefined);
    expect(f.sentMessages.length).toBe(2);
  });

  it("never waits forever: an unanswered column request fails after the timeout", async () => {
    const f = fakeModel({});
    const ctx = new ModelContext(f.model);
    const p = ctx.ensure(["1/error"]);
    vi.advanceTimersByTime(COLUMNS_TIMEOUT_MS + 1);
    await expect(p).rejects.toThrow(/did not send/);
  });

  it("dispose removes its model listeners and fails what still waits", async () => {
    const f = fakeModel({});
    const ctx = new ModelContext(f.model);
    const kinds: string[] = [];
    ctx.onAnswerReceived((k) => kinds.push(k));
    const p = ctx.ensure(["0/error"]);
    ctx.dispose();
    await expect(p).rejects.toThrow(/closed/);
    f.answer(5, { runs: [] });
    await flush();
    expect(kinds).toEqual([]);
  });
});
