/**
 * The model the HTML report mounts the widget over: the interface the widget's `render()` uses
 * (get / set / on / off / save_changes / send, and answers to its "columns" messages) over the
 * model the report embeds (protocol.ReportModel) instead of a kernel's comm — as quak's
 * `embed()` and lonboard's HTML export run their front end over a second transport.
 *
 * Every trait the widget reads is in the embedded state, so a view registered later reads its
 * traits here too. What differs on purpose: no kernel recomputes the statistics. A request
 * (a brush, a typed range) is answered at once with the statistics the report was written
 * with (the panel then says the new range's numbers need the kernel), so nothing waits; a
 * request for columns is answered from the embedded base64 bytes. A sweep report that embeds
 * every level (`ReportModel.levels`) answers a level chosen with that level's statistics and
 * runs, as the kernel would (their columns are embedded by run key).
 */

import type { AnyModel } from "@anywidget/types";
import { bytesFromBase64, type ColumnHeader, type ColumnsMessage } from "./codecs";
import type { EmbeddedColumn, ReportLevel, ReportModel, WidgetModel } from "./protocol";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;
type Key = keyof WidgetModel;

/** Two trait values hold the same data (Backbone fires change events only on a change). */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

export class StaticModel implements AnyModel<WidgetModel> {
  private readonly state: WidgetModel;
  private readonly embedded = new Map<string, EmbeddedColumn>();
  private readonly bytes = new Map<string, ArrayBuffer>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly levels: readonly ReportLevel[];
  private answerTimer: ReturnType<typeof setTimeout> | null = null;

  readonly widget_manager = {
    get_model: (): Promise<never> => Promise.reject(new Error("the report has no widget manager")),
  };

  constructor(model: ReportModel) {
    this.state = { ...model.state };
    for (const column of model.columns) this.embedded.set(column.key, column);
    this.levels = model.levels ?? [];
  }

  get<K extends Key>(key: K): WidgetModel[K] {
    return this.state[key];
  }

  set<K extends Key>(key: K, value: WidgetModel[K]): void {
    if (sameValue(this.state[key], value)) return;
    this.state[key] = value;
    this.emit(`change:${key}`);
  }

  on(eventName: string, callback: Listener): void {
    let set = this.listeners.get(eventName);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(eventName, set);
    }
    set.add(callback);
  }

  off(eventName?: string | null, callback?: Listener | null): void {
    if (eventName === undefined || eventName === null) {
      if (callback === undefined || callback === null) this.listeners.clear();
      else this.listeners.forEach((set) => set.delete(callback));
      return;
    }
    if (callback === undefined || callback === null) this.listeners.delete(eventName);
    else this.listeners.get(eventName)?.delete(callback);
  }

  /**
   * The widget's request (new ranges, log axis, a level ...): answered at once, as a kernel
   * answers it, but with the statistics the report holds for the level chosen (`_stats_seq` =
   * the request's sequence number).
   */
  save_changes(): void {
    if (this.answerTimer !== null) return;
    this.answerTimer = setTimeout(() => {
      this.answerTimer = null;
      this.showLevel();
      this.set("_stats_seq", this.state._request_seq);
    }, 0);
  }

  /** The chosen level's statistics and runs, when the report holds them (as one answer). */
  private showLevel(): void {
    const level = this.levels.find((l) => l.load_level === this.state.load_level);
    if (level === undefined) return;
    this.set("_runs_meta", level._runs_meta);
    this.set("_summary_markdown", level._summary_markdown);
    this.set("stats", level.stats);
  }

  /** A custom message: a "columns" request is answered (asynchronously, as over a comm). */
  send(content: unknown): void {
    const request = content as { type?: unknown; keys?: unknown };
    if (request.type !== "columns" || !Array.isArray(request.keys)) return;
    const keys = request.keys.filter((k): k is string => typeof k === "string");
    const [message, buffers] = this.columnsAnswer(keys);
    setTimeout(() => this.emit("msg:custom", message, buffers), 0);
  }

  /** The answer a kernel gives to a request for `keys` (what is not embedded is rejected). */
  columnsAnswer(keys: readonly string[]): [ColumnsMessage, DataView[]] {
    const columns: ColumnHeader[] = [];
    const buffers: DataView[] = [];
    const rejected: string[] = [];
    for (const key of new Set(keys)) {
      const column = this.embedded.get(key);
      if (column === undefined) {
        rejected.push(key);
        continue;
      }
      let buffer = this.bytes.get(key);
      if (buffer === undefined) {
        buffer = bytesFromBase64(column.data);
        this.bytes.set(key, buffer);
      }
      columns.push({ key, dtype: column.dtype, shape: column.shape });
      buffers.push(new DataView(buffer));
    }
    return [{ type: "columns", columns, rejected }, buffers];
  }

  private emit(event: string, ...args: unknown[]): void {
    this.listeners.get(event)?.forEach((listener) => listener(...args));
  }
}
