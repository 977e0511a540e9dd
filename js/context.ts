/**
 * Per-model state shared by every view of one widget: the column cache (filled by binary
 * custom messages, each column requested once), and the request scheduler whose sequence
 * numbers classify the kernel's answers.
 */

import type { AnyModel } from "@anywidget/types";
import { RequestScheduler, type AnswerKind } from "./scheduler";
import { decodeColumnsMessage, isColumnsMessage, type Column } from "./codecs";
import type { Choices, RunMeta, WidgetModel } from "./protocol";

export type { Choices, WidgetModel };

/** The traits the front end sets (a request to the kernel). */
export type Payload = Partial<
  Pick<
    WidgetModel,
    | "dimension"
    | "x_dimension"
    | "statistic"
    | "confidence_level"
    | "log_axis"
    | "token_range"
    | "time_range"
    | "slo"
    | "threshold"
    | "match"
    | "load_level"
  >
>;

/** The runs' metadata (baseline first). */
export function runsMeta(model: AnyModel<WidgetModel>): RunMeta[] {
  return model.get("_runs_meta");
}

/** What the controls offer: dimensions, x dimensions, SLO columns and each column's unit. */
export function choicesOf(model: AnyModel<WidgetModel>): Choices {
  return model.get("_choices");
}

/**
 * Fewest ms between two brush requests while the brush moves (the end of a drag is sent at
 * once). The kernel shares the machine's cores with the page: asked after every answer it
 * computes all drag long, and the views lag behind the pointer. Measured at 100k requests per
 * run (benchmarks/bench_widget.py, 2 cores): 0 → 11 view updates/s while dragging, panel
 * final p90 95 ms; 150 → 16/s, 116 ms; 250 → 18/s, 82 ms (the panel then changes 4 times a
 * second while dragging instead of 11).
 */
export const BRUSH_REQUEST_INTERVAL_MS = 250;

/** Longest wait (ms) for the kernel's columns before the request is reported as failed. */
export const COLUMNS_TIMEOUT_MS = 60_000;

/** A column request that failed (the kernel's error text, or no answer in time). */
export class ColumnsError extends Error {}

type AnswerListener = (kind: Exclude<AnswerKind, "late">) => void;

export class ModelContext {
  readonly model: AnyModel<WidgetModel>;
  readonly columns = new Map<string, Column>();
  readonly scheduler: RequestScheduler<Payload>;
  private readonly waiters = new Map<string, { resolve: () => void; reject: (e: Error) => void }[]>();
  private readonly cleanups: (() => void)[] = [];
  private readonly requested = new Set<string>();
  private readonly listeners = new Set<AnswerListener>();
  private readonly offset: number;
  private lastAnswer = 0;
  private answerQueued = false;

  constructor(model: AnyModel<WidgetModel>) {
    this.model = model;
    // Sequence numbers continue from the kernel's (a re-rendered page must not reuse them).
    this.offset = Math.max(model.get("_request_seq"), model.get("_stats_seq"));
    this.lastAnswer = 0;
    this.scheduler = new RequestScheduler<Payload>({
      wait: 12,
      maxWait: 30,
      timeout: 5000,
      leading: true,
      interval: BRUSH_REQUEST_INTERVAL_MS,
      send: (payload, seq) => {
        for (const [key, value] of Object.entries(payload)) {
          model.set(key as keyof WidgetModel, value as never);
        }
        model.set("_request_seq", this.offset + seq);
        model.save_changes();
      },
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const on = (event: string, cb: (...args: any[]) => void): void => {
      model.on(event, cb);
      this.cleanups.push(() => model.off(event as never, cb));
    };
    on("msg:custom", (msg: unknown, buffers: DataView[]) => this.onMessage(msg, buffers));
    const queue = (): void => {
      if (this.answerQueued) return;
      this.answerQueued = true;
      queueMicrotask(() => {
        this.answerQueued = false;
        this.onAnswer();
      });
    };
    on("change:_stats_seq", queue);
    on("change:stats", queue);
    on("change:sweep_stats", queue); // sent after `stats`, in a message of its own
    on("change:error_message", queue);
  }

  /** Remove every listener, stop the request scheduler, fail what still waits for columns. */
  dispose(): void {
    this.cleanups.forEach((fn) => fn());
    this.cleanups.length = 0;
    this.scheduler.dispose();
    this.fail([...this.waiters.keys()], "the widget was closed");
    this.listeners.clear();
  }

  /**
   * Resolve once every key is in the cache (asking the kernel only for missing ones). Rejects
   * with a ColumnsError when the kernel answers with an error or not within COLUMNS_TIMEOUT_MS.
   */
  ensure(keys: readonly string[]): Promise<void> {
    const missing = keys.filter((k) => !this.columns.has(k));
    if (missing.length === 0) return Promise.resolve();
    const toRequest = missing.filter((k) => !this.requested.has(k));
    const done = Promise.all(
      missing.map(
        (k) =>
          new Promise<void>((resolve, reject) => {
            const list = this.waiters.get(k) ?? [];
            list.push({ resolve, reject });
            this.waiters.set(k, list);
          }),
      ),
    ).then(() => undefined);
    if (toRequest.length > 0) {
      toRequest.forEach((k) => this.requested.add(k));
      this.model.send({ type: "columns", keys: toRequest });
      const timer = setTimeout(() => {
        const late = toRequest.filter((k) => this.waiters.has(k));
        this.fail(late, `the kernel did not send the columns within ${COLUMNS_TIMEOUT_MS / 1000} s`);
      }, COLUMNS_TIMEOUT_MS);
      void done.then(
        () => clearTimeout(timer),
        () => clearTimeout(timer),
      );
    }
    return done;
  }

  /** Reject everyone waiting for `keys` with `text`. */
  private fail(keys: readonly string[], text: string): void {
    if (keys.length === 0) return;
    const error = new ColumnsError(text);
    for (const key of keys) {
      this.requested.delete(key);
      const list = this.waiters.get(key);
      this.waiters.delete(key);
      list?.forEach((w) => w.reject(error));
    }
  }

  /** Subscribe a view to the kernel's answers; returns the unsubscribe function. */
  onAnswerReceived(listener: AnswerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onMessage(msg: unknown, buffers: DataView[]): void {
    if (!isColumnsMessage(msg)) return;
    if (typeof msg.error === "string") {
      const keys = Array.isArray(msg.keys) ? msg.keys : [...this.waiters.keys()];
      this.fail(keys, msg.error);
    }
    let decoded: Map<string, Column>;
    try {
      decoded = decodeColumnsMessage({ ...msg, columns: msg.columns ?? [] }, buffers ?? []);
    } catch (exc) {
      const keys = (msg.columns ?? []).map((c) => c.key);
      this.fail(keys, `could not read the kernel's columns: ${String(exc)}`);
      return;
    }
    for (const [key, column] of decoded) {
      this.columns.set(key, column);
      this.requested.delete(key);
      const list = this.waiters.get(key);
      this.waiters.delete(key);
      list?.forEach((w) => w.resolve());
    }
    for (const key of msg.rejected ?? []) {
      console.warn(`tpot_widget: the kernel has no column ${key}`);
      this.requested.delete(key);
      const list = this.waiters.get(key);
      this.waiters.delete(key);
      list?.forEach((w) => w.resolve()); // the view then reports the missing column
    }
  }

  private onAnswer(): void {
    const seq = this.model.get("_stats_seq") - this.offset;
    let kind: AnswerKind;
    if (seq > this.lastAnswer) {
      this.lastAnswer = seq;
      kind = this.scheduler.receive(seq);
    } else if (seq < this.lastAnswer) {
      kind = "late"; // an answer to an older brush after a newer one: dropped
    } else {
      // A change made in Python (no new sequence number).
      kind = this.scheduler.busy() ? "intermediate" : "current";
    }
    if (kind === "late") return;
    this.listeners.forEach((listener) => listener(kind as Exclude<AnswerKind, "late">));
  }
}

const contexts = new WeakMap<object, ModelContext>();

/** The one context of `model` (created on first use). */
export function contextFor(model: AnyModel<WidgetModel>): ModelContext {
  let ctx = contexts.get(model);
  if (ctx === undefined) {
    ctx = new ModelContext(model);
    contexts.set(model, ctx);
  }
  return ctx;
}

/** Dispose `model`'s context (the model is going away, or the module is being replaced). */
export function disposeContext(model: AnyModel<WidgetModel>): void {
  contexts.get(model)?.dispose();
  contexts.delete(model);
}
