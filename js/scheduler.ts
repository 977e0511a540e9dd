/**
 * The request scheduler: brush → kernel requests with a debounce, a maxWait and a fewest
 * interval between sends (stats flow while dragging, without keeping the kernel busy all
 * drag long), sequence numbers on every request, at most one request in flight (no backlog
 * in the kernel), and classification of answers so that late answers to older brushes are
 * dropped.
 */

/** What an answer means for the display. */
export type AnswerKind =
  /** answers the newest request: show it, nothing pending any more (unless more is queued) */
  | "current"
  /** answers an older request than the newest sent: show it but keep it marked stale */
  | "intermediate"
  /** older than an answer already shown: drop it */
  | "late";

export interface SchedulerOptions<P> {
  /** Quiet time (ms) after the last push before sending. */
  wait: number;
  /** Longest time (ms) a push may wait while pushes keep coming (≈30 ms: live while dragging). */
  maxWait: number;
  /** After this long (ms) without an answer the in-flight request is given up on. */
  timeout: number;
  /** Sends the merged payload with its sequence number. */
  send: (payload: P, seq: number) => void;
  /**
   * Send the first push of a burst at once when nothing is queued or in flight (the kernel is
   * idle, so waiting would only add latency); the pushes after it are debounced as usual.
   */
  leading?: boolean;
  /**
   * Fewest ms between two sends while pushes keep coming (sendNow excepted): the kernel,
   * which shares the machine with the page, answers at most 1000 / interval brush steps a
   * second while the user drags, and is more often idle when the drag ends.
   */
  interval?: number;
}

export class RequestScheduler<P extends object> {
  private readonly opts: SchedulerOptions<P>;
  private sentSeq = 0;
  private appliedSeq = 0;
  private inflight: number | null = null;
  private pending: P | null = null;
  private due = false;
  private waitTimer: ReturnType<typeof setTimeout> | null = null;
  private maxTimer: ReturnType<typeof setTimeout> | null = null;
  private inflightTimer: ReturnType<typeof setTimeout> | null = null;
  private intervalTimer: ReturnType<typeof setTimeout> | null = null;
  private lastSend = Number.NEGATIVE_INFINITY;

  constructor(opts: SchedulerOptions<P>) {
    this.opts = opts;
  }

  /** Queue a change (merged into any queued one); sent after the debounce/maxWait. */
  push(payload: P): void {
    const idle = this.pending === null && this.inflight === null && this.waitTimer === null;
    this.pending = { ...(this.pending ?? {}), ...payload } as P;
    if (this.opts.leading && idle) {
      this.transmit();
      return;
    }
    if (this.waitTimer !== null) clearTimeout(this.waitTimer);
    this.waitTimer = setTimeout(() => this.fire(), this.opts.wait);
    if (this.maxTimer === null) {
      this.maxTimer = setTimeout(() => this.fire(), this.opts.maxWait);
    }
  }

  /** Send a change right away (with anything queued), e.g. a dropdown or the end of a drag. */
  sendNow(payload?: P): void {
    if (payload !== undefined) this.pending = { ...(this.pending ?? {}), ...payload } as P;
    this.clearTimers();
    if (this.pending !== null) this.transmit(true);
  }

  /** Classify the kernel's answer to request `seq` and release the in-flight slot. */
  receive(seq: number): AnswerKind {
    if (seq <= this.appliedSeq) return "late";
    this.appliedSeq = seq;
    if (this.inflight !== null && seq >= this.inflight) {
      this.inflight = null;
      if (this.inflightTimer !== null) clearTimeout(this.inflightTimer);
      this.inflightTimer = null;
      if (this.due && this.pending !== null) this.transmit();
    }
    return seq >= this.sentSeq && !this.busy() ? "current" : "intermediate";
  }

  /** True while a change has no answer yet (queued, or sent and unanswered). */
  busy(): boolean {
    return this.pending !== null || this.inflight !== null;
  }

  /** The sequence number of the newest request sent. */
  get lastSent(): number {
    return this.sentSeq;
  }

  /** Forget everything queued (the widget is going away). */
  dispose(): void {
    this.clearTimers();
    if (this.inflightTimer !== null) clearTimeout(this.inflightTimer);
    if (this.intervalTimer !== null) clearTimeout(this.intervalTimer);
    this.pending = null;
  }

  private fire(): void {
    this.clearTimers();
    if (this.pending === null) return;
    if (this.inflight !== null) {
      this.due = true; // sent as soon as the in-flight request is answered
      return;
    }
    this.transmit();
  }

  /** Send what is queued (`force`: now, else not before `interval` after the last send). */
  private transmit(force = false): void {
    const payload = this.pending;
    if (payload === null) return;
    const early = this.lastSend + (this.opts.interval ?? 0) - Date.now();
    if (!force && early > 0) {
      this.intervalTimer ??= setTimeout(() => {
        this.intervalTimer = null;
        if (this.inflight === null) this.transmit();
        else this.due = true; // sent as soon as the in-flight request is answered
      }, early);
      return;
    }
    if (this.intervalTimer !== null) clearTimeout(this.intervalTimer);
    this.intervalTimer = null;
    this.lastSend = Date.now();
    this.pending = null;
    this.due = false;
    this.sentSeq += 1;
    this.inflight = this.sentSeq;
    if (this.inflightTimer !== null) clearTimeout(this.inflightTimer);
    this.inflightTimer = setTimeout(() => {
      this.inflight = null;
      this.inflightTimer = null;
      if (this.due && this.pending !== null) this.transmit();
    }, this.opts.timeout);
    this.opts.send(payload, this.sentSeq);
  }

  private clearTimers(): void {
    if (this.waitTimer !== null) clearTimeout(this.waitTimer);
    if (this.maxTimer !== null) clearTimeout(this.maxTimer);
    this.waitTimer = null;
    this.maxTimer = null;
  }
}

