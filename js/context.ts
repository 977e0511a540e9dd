/**
 * Per-model state shared by every view of one widget: the column cache (filled by binary
 * custom messages, each column requested once), and the request scheduler whose sequence
 * numbers classify the kernel's answers.
 */

import type { AnyModel } from "@anywidget/types";
import { RequestScheduler, type AnswerKind } from "./brush";
import { decodeColumnsMessage, isColumnsMessage, type Column } from "./codecs";
import type { Stats, RunMeta } from "./panel";
import type { Unit } from "./format";

/** The synced traits of TPOTCompare (src/tpot_widget/widget.py). */
export interface WidgetModel {
  dimension: string;
  x_dimension: string;
  statistic: string;
  confidence_level: number;
  log_axis: boolean;
  token_range: [number | null, number | null] | null;
  stats: Stats | Record<string, never>;
  runs_meta: RunMeta[];
  choices: { dimensions: string[]; x_dimensions: string[]; units: Record<string, Unit> };
  error_message: string;
  density_threshold: number;
  _request_seq: number;
  _stats_seq: number;
}

export type Payload = Partial<
  Pick<WidgetModel, "dimension" | "x_dimension" | "statistic" | "confidence_level" | "log_axis" | "token_range">
>;

type AnswerListener = (kind: Exclude<AnswerKind, "late">) => void;

export class ModelContext {
  readonly model: AnyModel<WidgetModel>;
  readonly columns = new Map<string, Column>();
  readonly scheduler: RequestScheduler<Payload>;
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly requested = new Set<string>();
  private readonly listeners = new Set<AnswerListener>();
  private readonly offset: number;
  private lastAnswer = 0;
  private answerQueued = false;

  constructor(model: AnyModel<WidgetModel>) {
    this.model = model;
    // Sequence numbers continue from the kernel's (a re-rendered page must not reuse them).
    this.offset = Math.max(model.get("_request_seq") ?? 0, model.get("_stats_seq") ?? 0);
    this.lastAnswer = 0;
    this.scheduler = new RequestScheduler<Payload>({
      wait: 12,
      maxWait: 30,
      timeout: 5000,
      leading: true,
      send: (payload, seq) => {
        for (const [key, value] of Object.entries(payload)) {
          model.set(key as keyof WidgetModel, value as never);
        }
        model.set("_request_seq", this.offset + seq);
        model.save_changes();
      },
    });
    model.on("msg:custom", (msg: unknown, buffers: DataView[]) => this.onMessage(msg, buffers));
    const queue = (): void => {
      if (this.answerQueued) return;
      this.answerQueued = true;
      queueMicrotask(() => {
        this.answerQueued = false;
        this.onAnswer();
      });
    };
    model.on("change:_stats_seq", queue);
    model.on("change:stats", queue);
    model.on("change:error_message", queue);
  }

  /** Resolve once every key is in the cache (asking the kernel only for missing ones). */
  ensure(keys: readonly string[]): Promise<void> {
    const missing = keys.filter((k) => !this.columns.has(k));
    if (missing.length === 0) return Promise.resolve();
    const toRequest = missing.filter((k) => !this.requested.has(k));
    const done = Promise.all(
      missing.map(
        (k) =>
          new Promise<void>((resolve) => {
            const list = this.waiters.get(k) ?? [];
            list.push(resolve);
            this.waiters.set(k, list);
          }),
      ),
    ).then(() => undefined);
    if (toRequest.length > 0) {
      toRequest.forEach((k) => this.requested.add(k));
      this.model.send({ type: "columns", keys: toRequest });
    }
    return done;
  }

  /** Subscribe a view to the kernel's answers; returns the unsubscribe function. */
  onAnswerReceived(listener: AnswerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onMessage(msg: unknown, buffers: DataView[]): void {
    if (!isColumnsMessage(msg)) return;
    const decoded = decodeColumnsMessage(msg, buffers);
    for (const [key, column] of decoded) {
      this.columns.set(key, column);
      this.requested.delete(key);
      const list = this.waiters.get(key);
      this.waiters.delete(key);
      list?.forEach((resolve) => resolve());
    }
    for (const key of msg.rejected) {
      console.warn(`tpot_widget: the kernel has no column ${key}`);
      this.requested.delete(key);
      const list = this.waiters.get(key);
      this.waiters.delete(key);
      list?.forEach((resolve) => resolve()); // the view then reports the missing column
    }
  }

  private onAnswer(): void {
    const seq = (this.model.get("_stats_seq") ?? 0) - this.offset;
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
