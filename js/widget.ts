/**
 * TPOTCompare's front end (anywidget AFM): builds the DOM, draws the registered views
 * (js/views/registry.ts), turns drags on them into token / time ranges and shows the kernel's
 * statistics. The stylesheet is the widget's `_css` (js/widget.css), not injected here.
 */

import type { AnyModel, RenderProps } from "@anywidget/types";
import { attachPointerBrush, type PointerBrush } from "./brush";
import { copyText } from "./clipboard";
import { columnKey, runColumnKeys } from "./codecs";
import {
  choicesOf,
  contextFor,
  disposeContext,
  runsMeta,
  type ModelContext,
  type Payload,
  type WidgetModel,
} from "./context";
import { createControls, type Controls, type Parsed } from "./controls";
import type { RunColumns } from "./data";
import { learnLabels } from "./labels";
import { comparedLevel, levelOfPoint, sweepStatsOf } from "./levels";
import { LineOverlay } from "./overlay";
import {
  createPanel,
  h,
  kernelSentence,
  renderHeader,
  renderStats,
  setStale,
  type PanelElements,
} from "./panel";
import Plotly from "./plotly";
import { hasSelections, isDrawn, onPlotlyEvent } from "./plotly-adapter";
import { prepare, refilterPoints, splitRuns, type Prepared, type Split } from "./prepared";
import type { LoadLevelValue, ReportInfo, Stats } from "./protocol";
import { parseRange, rangesEqual, type Range } from "./range";
import { detectTheme, plotColors, watchTheme, type PlotColors } from "./theme";
import { RangeVeil } from "./veil";
import type { DrawState, Figure, SweepState, Trigger, ViewSpec } from "./views/common";
import { VIEWS } from "./views/registry";

/** The two brushable ranges (traits of the same name). */
type RangeKey = "token_range" | "time_range";

/**
 * Longest wait (ms) of the brushed views for the kernel's answer before drawing after a range
 * change: their plotly redraws then never delay the numbers.
 */
const VIEWS_WAIT_MS = 90;

/** plotly's config of every view: the mode bar on hover, its PNG download named after the view. */
function plotConfig(viewId: string): Record<string, unknown> {
  return {
    displaylogo: false,
    responsive: false,
    displayModeBar: "hover",
    modeBarButtonsToRemove: ["lasso2d", "sendDataToCloud"],
    toImageButtonOptions: { format: "png", filename: `tpot_${viewId}`, scale: 2 },
  };
}

/** The title of the controls a report without a kernel cannot serve. */
const KERNEL_ONLY =
  "Needs the kernel: this report holds the statistics it was written with. Open the runs in " +
  "TPOTCompare, or rerun tpot-compare with other options.";

function react(div: HTMLElement, fig: Figure, viewId: string): Promise<unknown> {
  return Plotly.react(div, fig.data as never, fig.layout as never, plotConfig(viewId) as never);
}

/** One registered view in the page: its plot div, note line and interactive extras. */
interface Slot {
  spec: ViewSpec;
  /** The view's box (note + plot). */
  box: HTMLDivElement;
  /** The plotly graph div (data-testid = the view's id). */
  plot: HTMLDivElement;
  /** A sentence shown instead of (or above) the plot. */
  note: HTMLDivElement;
  ready: boolean;
  brush: PointerBrush | null;
  veil: RangeVeil | null;
  overlay: LineOverlay | null;
}

class WidgetView {
  private readonly ctx: ModelContext;
  private readonly model: AnyModel<WidgetModel>;
  private readonly root: HTMLDivElement;
  private readonly header: HTMLDivElement;
  private readonly controls: Controls;
  private readonly panel: PanelElements;
  private readonly slots: Slot[];
  /** The report's static model says what it is (no kernel answers); null in a live widget. */
  private readonly report: ReportInfo | null;
  private readonly cleanups: (() => void)[] = [];
  private prep: Prepared | null = null;
  private prepKey = "";
  private ranges: Record<RangeKey, Range>;
  private splits: { token: Range; time: Range; prep: Prepared; value: Split[] } | null = null;
  private colors: PlotColors;
  private dragging: RangeKey | null = null;
  private selectionFrame = 0;
  /** The views a full draw (drawAll) draws in the next animation frame. */
  private drawQueue: Slot[] = [];
  private drawFrame = 0;
  private viewsTimer = 0;
  private clearingSelection = false;
  private disposed = false;
  /** Why the views have no data (a failed column request), shown in the panel's error line. */
  private dataError = "";
  /** Why a typed threshold was not sent (not a number, outside 0–100 %), in the error line. */
  private thresholdError = "";
  /** Each plot div's figure as last handed to plotly. */
  private readonly drawnFigures = new WeakMap<HTMLElement, Figure>();

  constructor(model: AnyModel<WidgetModel>, el: HTMLElement) {
    this.model = model;
    this.ctx = contextFor(model);
    this.report = model.get("_report") ?? null;
    learnLabels(choicesOf(model));
    this.ranges = {
      token_range: parseRange(model.get("token_range")),
      time_range: parseRange(model.get("time_range")),
    };

    this.root = h("div", "tpot-widget");
    const theme = detectTheme();
    this.root.dataset["theme"] = theme;
    this.root.dataset["stale"] = "false";
    this.header = h("div", "tpot-header");
    this.controls = createControls(choicesOf(model), {
      onDimension: (v) => this.request({ dimension: v }, true),
      onXDimension: (v) => this.request({ x_dimension: v }, true),
      onStatistic: (v) => this.request({ statistic: v }),
      onConfidence: (v) => this.request({ confidence_level: v }),
      onLogAxis: (v) => {
        this.request({ log_axis: v });
        this.redraw("selection");
      },
      onRange: (r) => this.setRangeFromControl("token_range", r),
      onTimeRange: (r) => this.setRangeFromControl("time_range", r),
      onSlo: (slo) => this.request({ slo }),
      onThreshold: (result) => this.setThreshold(result),
      onMatch: (match) => this.request({ match }),
      onLoadLevel: (value) => this.chooseLevel(value),
      onReset: () => {
        this.setRangeFromControl("token_range", null);
        this.setRangeFromControl("time_range", null);
      },
    }, this.report === null ? null : KERNEL_ONLY, this.report?.levels_note ?? null);
    this.panel = createPanel({
      onCopy: () => void this.copySummary(),
      onWarmUp: (seconds) => this.setRangeFromControl("time_range", [seconds, null]),
    });
    // the load and Pareto views exist only in a sweep widget (it offers load levels)
    const sweep = choicesOf(model).load_levels.length > 0;
    this.slots = VIEWS.filter((spec) => sweep || spec.sweepOnly !== true).map((spec) => this.createSlot(spec));
    const main = h("div", "tpot-main");
    const grid = h("div", "tpot-grid");
    for (const slot of this.slots) (slot.spec.area === "main" ? main : grid).append(slot.box);
    main.append(this.panel.root);
    const note = h("div", "tpot-note");
    if (runsMeta(model).some((r) => r.synthetic)) {
      note.textContent = "Synthetic demo data (generated by tpot_widget.demo), not a measurement.";
    }
    this.root.append(this.header, this.controls.root, main, grid, note);
    el.append(this.root);

    this.colors = plotColors(this.root, theme);
    renderHeader(this.header, runsMeta(model));
    this.updateControls();
    this.showStats();
    for (const slot of this.slots) slot.note.textContent = "loading columns\u2026";

    this.listen();
    void this.refreshData();
  }

  private createSlot(spec: ViewSpec): Slot {
    const box = h("div", "tpot-view");
    box.dataset["view"] = spec.id;
    const note = h("div", "tpot-view-note");
    const plot = h("div", "tpot-plot");
    plot.dataset["testid"] = spec.id;
    box.append(note, plot);
    return { spec, box, plot, note, ready: false, brush: null, veil: null, overlay: null };
  }

  // --- model → view -----------------------------------------------------------------------

  private listen(): void {
    const on = (event: string, cb: () => void): void => {
      this.model.on(event, cb);
      this.cleanups.push(() => this.model.off(event as never, cb));
    };
    const onDims = (): void => {
      this.updateControls();
      void this.refreshData();
    };
    on("change:dimension", onDims);
    on("change:x_dimension", onDims);
    on("change:statistic", () => this.updateControls());
    on("change:confidence_level", () => this.updateControls());
    on("change:log_axis", () => {
      this.updateControls();
      this.redraw("selection");
    });
    on("change:slo", () => {
      this.updateControls();
      this.drawAll();
    });
    on("change:threshold", () => {
      if (this.thresholdError !== "") {
        this.thresholdError = "";
        this.showStats();
      }
      this.updateControls();
    });
    on("change:match", () => this.updateControls());
    on("change:load_level", () => {
      // chosen here or set from Python: the level's mark moves next, the rest with the answer
      // (after this task: a level chosen here is sent to the kernel before anything is drawn)
      this.updateControls();
      window.setTimeout(() => this.redraw("level"), 0);
    });
    on("change:token_range", () => this.adoptModelRanges());
    on("change:time_range", () => this.adoptModelRanges());
    const onMeta = (): void => {
      // another level's runs (sweeps): their columns are asked for by their keys, once the
      // numbers that came with them are shown (drawing cached columns must not delay them)
      renderHeader(this.header, runsMeta(this.model));
      window.setTimeout(() => void this.refreshData(), 0);
    };
    on("change:_runs_meta", onMeta);
    this.cleanups.push(
      this.ctx.onAnswerReceived((kind) => {
        // the numbers first: anything drawn after them must not delay them
        this.showStats();
        if (kind === "current") this.adoptModelRanges();
        window.setTimeout(() => this.redraw("stats"), 0);
        if (this.viewsTimer) {
          // the brushed views were waiting for these numbers: draw them next
          window.clearTimeout(this.viewsTimer);
          this.viewsTimer = 0;
          window.setTimeout(() => this.redraw("selection", true), 0);
        }
      }),
    );
    this.cleanups.push(
      watchTheme((theme) => {
        this.root.dataset["theme"] = theme;
        this.colors = plotColors(this.root, theme);
        this.drawAll();
      }),
    );
    if (typeof ResizeObserver !== "undefined") {
      let frame = 0;
      // a resize replots the whole figure (all WebGL points): only when a size really changed
      const sizes = new Map<Element, string>();
      const observer = new ResizeObserver((entries) => {
        const changed = entries.filter((e) => {
          const size = `${Math.round(e.contentRect.width)}x${Math.round(e.contentRect.height)}`;
          const before = sizes.get(e.target);
          sizes.set(e.target, size);
          return before !== undefined && before !== size;
        });
        if (changed.length === 0) return;
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          for (const slot of this.slots) {
            if (isDrawn(slot.plot)) void Plotly.Plots.resize(slot.plot);
          }
        });
      });
      this.slots.forEach((s) => observer.observe(s.plot));
      this.cleanups.push(() => {
        cancelAnimationFrame(frame);
        observer.disconnect();
      });
    }
  }

  /** Take the kernel's ranges (set from Python, or normalised) unless the user is mid-brush. */
  private adoptModelRanges(): void {
    if (this.dragging !== null || this.ctx.scheduler.busy()) return;
    let changed = false;
    for (const key of ["token_range", "time_range"] as const) {
      const range = parseRange(this.model.get(key));
      if (rangesEqual(range, this.ranges[key])) continue;
      this.ranges[key] = range;
      changed = true;
    }
    if (!changed) return;
    this.updateControls();
    this.redraw("selection");
    this.settleTimeFilter();
    this.drawVeils();
  }

  private updateControls(): void {
    this.controls.update({
      dimension: this.model.get("dimension"),
      x_dimension: this.model.get("x_dimension"),
      statistic: this.model.get("statistic"),
      confidence_level: this.model.get("confidence_level"),
      log_axis: this.model.get("log_axis"),
      token_range: this.ranges.token_range,
      time_range: this.ranges.time_range,
      has_start_times: runsMeta(this.model).some((r) => r.has_start_times),
      slo: this.model.get("slo"),
      threshold: this.model.get("threshold"),
      match: this.model.get("match"),
      load_level: this.model.get("load_level"),
    });
  }

  private currentStats(): Stats {
    return this.model.get("stats");
  }

  private showStats(): void {
    const stats = this.currentStats();
    const choices = choicesOf(this.model);
    const units = choices.units;
    const runs = runsMeta(this.model);
    renderStats(this.panel, {
      stats,
      runs,
      level: comparedLevel(runs, choices.load_levels),
      units,
      errorMessage: [this.model.get("error_message"), this.thresholdError, this.dataError]
        .filter((t) => t !== "")
        .join("\n"),
      kernelNote:
        this.report === null ? null : kernelSentence(this.ranges, stats, units, this.report.command),
    });
    setStale(this.panel, this.root, this.ctx.scheduler.busy());
  }

  // --- view → model -----------------------------------------------------------------------

  /** Copy the kernel's Markdown summary; the button says "copied" (or failed) for a moment. */
  private async copySummary(): Promise<void> {
    const button = this.panel.copy;
    const text = this.model.get("_summary_markdown");
    const ok = text !== "" && (await copyText(text));
    if (this.disposed) return;
    button.textContent = ok ? "copied ✓" : "copy failed";
    button.dataset["copied"] = ok ? "true" : "false";
    window.setTimeout(() => {
      button.textContent = "copy summary";
      delete button.dataset["copied"];
    }, 1500);
  }

  /** A committed threshold input: sent when it is a new value, else its refusal is shown. */
  private setThreshold(result: Parsed<number | null>): void {
    const error = result.ok ? "" : result.error;
    const changed = error !== this.thresholdError;
    this.thresholdError = error;
    if (changed) this.showStats();
    if (result.ok && result.value !== this.model.get("threshold")) {
      this.request({ threshold: result.value });
    }
  }

  /** A level chosen in the controls or by a click on a sweep view: every view follows it. */
  private chooseLevel(value: LoadLevelValue): void {
    if (value === this.model.get("load_level")) return;
    this.request({ load_level: value });
  }

  private request(payload: Payload, reloadData = false): void {
    this.ctx.scheduler.sendNow(payload);
    setStale(this.panel, this.root, true);
    if (reloadData) void this.refreshData();
  }

  private setRange(key: RangeKey, range: Range): void {
    this.ranges[key] = range;
    if (key === "token_range") this.controls.setRange(range);
    else this.controls.setTimeRange(range);
  }

  private setRangeFromControl(key: RangeKey, range: Range): void {
    const modelRange = parseRange(this.model.get(key));
    if (rangesEqual(range, this.ranges[key]) && rangesEqual(range, modelRange)) return;
    this.setRange(key, range);
    this.request({ [key]: range });
    this.drawVeils();
    this.drawViewsAfterAnswer();
    this.clearPlotlySelections();
    if (key === "time_range") this.settleTimeFilter();
  }

  /** Redraw the brushed views once the kernel's answer is shown, or after VIEWS_WAIT_MS. */
  private drawViewsAfterAnswer(): void {
    this.drawOverlays();
    if (this.viewsTimer) return;
    this.viewsTimer = window.setTimeout(() => {
      this.viewsTimer = 0;
      this.redraw("selection");
    }, VIEWS_WAIT_MS);
  }

  /**
   * One brush step: the kernel is asked first (debounced), then the brushed views are redrawn
   * as soon as its answer is shown or after VIEWS_WAIT_MS, whichever is first, so that
   * drawing them does not delay the numbers.
   */
  private brushTo(key: RangeKey, range: Range): void {
    this.dragging = key;
    if (rangesEqual(range, this.ranges[key])) return;
    this.setRange(key, range);
    this.ctx.scheduler.push({ [key]: range });
    setStale(this.panel, this.root, true);
    for (const slot of this.slots) if (slot.spec.brush?.range === key) slot.veil?.hide();
    this.drawViewsAfterAnswer();
  }

  /** End of a drag: send the final range now, swap plotly's outline for the range veil. */
  private finishBrush(key: RangeKey): void {
    this.dragging = null;
    this.ctx.scheduler.sendNow();
    setStale(this.panel, this.root, this.ctx.scheduler.busy());
    window.setTimeout(() => {
      if (this.dragging !== null || this.disposed) return;
      this.clearPlotlySelections();
      this.drawVeils();
      if (key === "time_range") this.settleTimeFilter();
    }, 0);
  }

  // --- data & drawing ---------------------------------------------------------------------

  /** What the prepared data are of: the dimension pair and the runs' column keys. */
  private dataKey(): string {
    const keys = runsMeta(this.model).map((r) => r.key);
    return `${this.model.get("dimension")}|${this.model.get("x_dimension")}|${keys.join(",")}`;
  }

  /** Mark the views of the requests as showing the previous runs while the new ones load. */
  private setLoading(loading: boolean): void {
    for (const slot of this.slots) {
      if (slot.spec.sweepOnly === true) continue;
      if (loading) slot.box.dataset["loading"] = "true";
      else delete slot.box.dataset["loading"];
    }
  }

  private async refreshData(): Promise<void> {
    const dimension = this.model.get("dimension");
    const xDimension = this.model.get("x_dimension");
    const key = this.dataKey();
    if (key === this.prepKey) return;
    const runs = runsMeta(this.model);
    const wantTimes = this.slots.some((s) => s.spec.needs?.includes("request_start"));
    const keys = runColumnKeys(runs, [xDimension, dimension, "error"], wantTimes);
    if (this.prep !== null && keys.some((k) => !this.ctx.columns.has(k))) this.setLoading(true);
    try {
      await this.ctx.ensure(keys);
    } catch (exc) {
      if (this.disposed) return;
      const text = exc instanceof Error ? exc.message : String(exc);
      this.dataError = `Could not load the data: ${text}`;
      this.showStats();
      for (const slot of this.slots) slot.note.textContent = "no data (see the panel)";
      return;
    }
    if (this.disposed) return;
    // switched again meanwhile (another dimension, or another level's runs): that refresh draws
    if (this.dataKey() !== key) return;
    this.setLoading(false);
    const missing = keys.filter((k) => !this.ctx.columns.has(k) && !k.endsWith("/request_start"));
    if (missing.length > 0) {
      this.dataError = `The kernel did not send the column(s) ${missing.join(", ")}.`;
      this.showStats();
      return;
    }
    this.dataError = "";
    const columns: RunColumns[] = runs.map((run) => {
      const t = this.ctx.columns.get(columnKey(run.key, "request_start"));
      return {
        x: this.ctx.columns.get(columnKey(run.key, xDimension)) as Float32Array,
        y: this.ctx.columns.get(columnKey(run.key, dimension)) as Float32Array,
        error: this.ctx.columns.get(columnKey(run.key, "error")) as Uint8Array,
        ...(t instanceof Float32Array ? { t } : {}),
      };
    });
    this.prep = prepare(
      columns,
      dimension,
      xDimension,
      choicesOf(this.model).units,
      this.model.get("density_threshold"),
      this.ranges.time_range,
    );
    this.prepKey = key;
    this.splits = null;
    this.drawAll();
  }

  /** Each run split by the current ranges (computed once per brush step). */
  private currentSplits(prep: Prepared): Split[] {
    const token = this.ranges.token_range;
    const time = this.ranges.time_range;
    const s = this.splits;
    if (s && s.prep === prep && rangesEqual(s.token, token) && rangesEqual(s.time, time)) {
      return s.value;
    }
    const value = splitRuns(prep, token, time);
    this.splits = { token, time, prep, value };
    return value;
  }

  private drawState(prep: Prepared, slot: Slot): DrawState {
    return {
      prep,
      runs: runsMeta(this.model),
      colors: this.colors,
      logAxis: this.model.get("log_axis"),
      tokenRange: this.ranges.token_range,
      timeRange: this.ranges.time_range,
      splits: this.currentSplits(prep),
      stats: this.currentStats(),
      slo: this.model.get("slo"),
      width: slot.plot.clientWidth || 500,
      sweep: this.sweepState(),
    };
  }

  /** What the sweep views draw (null in a widget of runs). */
  private sweepState(): SweepState | null {
    const stats = sweepStatsOf(this.model.get("sweep_stats"));
    if (stats === null) return null;
    const choices = choicesOf(this.model);
    return { stats, level: this.model.get("load_level"), levels: choices.load_levels, units: choices.units };
  }

  /**
   * Draw every view: the main one (the scatter, beside the panel) now, the others in the next
   * animation frame, so the page paints the panel and the scatter before the rest (one paint
   * between them: a paint per view costs more than it shows in software-rendered WebGL).
   */
  private drawAll(): void {
    if (this.prep === null) return;
    const main = this.slots.filter((s) => s.spec.area === "main");
    this.drawQueue = this.slots.filter((s) => s.spec.area !== "main");
    main.forEach((s) => this.drawSlot(s));
    if (this.drawFrame === 0) {
      this.drawFrame = requestAnimationFrame(() => {
        this.drawFrame = 0;
        if (this.disposed) return;
        const rest = this.drawQueue;
        this.drawQueue = [];
        rest.forEach((s) => this.drawSlot(s));
      });
    }
  }

  /**
   * Redraw the views that redraw on `trigger` (selection: once per animation frame, or `now`
   * when the kernel's numbers have just been shown and the views were waiting for them).
   */
  private redraw(trigger: Trigger, now = false): void {
    if (this.prep === null) return;
    const slots = this.slots.filter((s) => s.spec.redrawOn.includes(trigger));
    if (trigger !== "selection") {
      slots.forEach((s) => this.drawSlot(s));
      return;
    }
    this.drawOverlays();
    if (now) {
      if (this.selectionFrame) cancelAnimationFrame(this.selectionFrame);
      this.selectionFrame = 0;
      slots.forEach((s) => this.drawSlot(s));
      return;
    }
    if (this.selectionFrame) return;
    this.selectionFrame = requestAnimationFrame(() => {
      this.selectionFrame = 0;
      if (this.disposed) return;
      slots.forEach((s) => this.drawSlot(s));
    });
  }

  private drawSlot(slot: Slot): void {
    const prep = this.prep;
    if (prep === null || this.disposed) return;
    const state = this.drawState(prep, slot);
    const fig = slot.spec.figure(state);
    if (typeof fig === "string") {
      slot.note.textContent = fig;
      slot.plot.hidden = true;
      return;
    }
    slot.plot.hidden = false;
    slot.note.textContent = slot.spec.note?.(state) ?? "";
    // the figure drawn last (a view memoising its figure, views/memo.ts): nothing to redraw
    if (this.drawnFigures.get(slot.plot) === fig) return;
    this.drawnFigures.set(slot.plot, fig);
    void react(slot.plot, fig, slot.spec.id).then(() => {
      if (this.disposed) return;
      if (!slot.ready) {
        slot.ready = true;
        this.attachExtras(slot);
      }
      this.drawSlotExtras(slot);
    });
  }

  /** After the first draw: the view's brush and veil, its overlay, and their redraw hooks. */
  private attachExtras(slot: Slot): void {
    const spec = slot.spec;
    const gd = slot.plot;
    if (spec.brush) {
      const key = spec.brush.range;
      slot.veil = new RangeVeil(gd, spec.brush.yAxes);
      slot.brush = attachPointerBrush(gd, {
        yAxes: spec.brush.yAxes,
        integral: () => key === "token_range" && this.prep?.xUnit === "tokens",
        onBrush: (range) => this.brushTo(key, range),
        onFinish: () => this.finishBrush(key),
        onClear: () => {
          this.dragging = null;
          if (this.ranges[key] !== null) this.setRangeFromControl(key, null);
        },
        onDeselect: () => {
          if (this.clearingSelection) return;
          if (this.ranges[key] !== null) this.setRangeFromControl(key, null);
        },
      });
      this.cleanups.push(() => slot.brush?.dispose());
    }
    if (spec.overlay) slot.overlay = new LineOverlay(gd);
    if (spec.choosesLevel === true) {
      // a click on a level's point (its customdata) chooses that level
      onPlotlyEvent(gd, "plotly_click", (event) => {
        const point = (event as { points?: { customdata?: unknown }[] }).points?.[0];
        const value = levelOfPoint(point?.customdata);
        if (value !== null) this.chooseLevel(value);
      });
    }
    // zoom, pan, autoscale and resizes move the axes: veils and overlays follow
    onPlotlyEvent(gd, "plotly_relayout", () => this.drawSlotExtras(slot));
    onPlotlyEvent(gd, "plotly_afterplot", () => this.drawSlotExtras(slot));
  }

  private drawSlotExtras(slot: Slot): void {
    if (!slot.ready || this.prep === null) return;
    const key = slot.spec.brush?.range;
    if (slot.veil && key && this.dragging !== key) {
      slot.veil.draw(this.ranges[key], this.colors.veil, this.colors.muted);
    }
    if (slot.overlay && slot.spec.overlay) {
      slot.overlay.draw(slot.spec.overlay(this.drawState(this.prep, slot)));
    }
  }

  private drawVeils(): void {
    for (const slot of this.slots) if (slot.veil) this.drawSlotExtras(slot);
  }

  private drawOverlays(): void {
    for (const slot of this.slots) if (slot.overlay) this.drawSlotExtras(slot);
  }

  /** Once a time range is settled, the views that leave its rows out redraw (not mid-drag). */
  private settleTimeFilter(): void {
    const prep = this.prep;
    if (prep === null || this.dragging === "time_range") return;
    if (rangesEqual(prep.pointsTimeRange, this.ranges.time_range)) return;
    refilterPoints(prep, this.ranges.time_range);
    this.redraw("filter");
  }

  private clearPlotlySelections(): void {
    for (const slot of this.slots) {
      if (!slot.ready || !hasSelections(slot.plot)) continue;
      this.clearingSelection = true;
      void Plotly.relayout(slot.plot, { selections: [] } as never).finally(() => {
        this.clearingSelection = false;
      });
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.viewsTimer) window.clearTimeout(this.viewsTimer);
    if (this.selectionFrame) cancelAnimationFrame(this.selectionFrame);
    if (this.drawFrame) cancelAnimationFrame(this.drawFrame);
    this.cleanups.forEach((fn) => fn());
    for (const slot of this.slots) Plotly.purge(slot.plot);
    this.root.remove();
  }
}

/** Mount the widget in `el` over `model` (a live kernel's, or the report's static model). */
function render({ model, el }: Pick<RenderProps<WidgetModel>, "model" | "el">): () => void {
  const view = new WidgetView(model, el);
  return () => view.dispose();
}

/** Create the model's shared state; the returned cleanup removes its listeners and scheduler. */
function initialize({ model }: { model: AnyModel<WidgetModel> }): () => void {
  contextFor(model);
  return () => disposeContext(model);
}

export default { initialize, render };
