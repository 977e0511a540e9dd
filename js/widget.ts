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
import { ShapeOverlay } from "./overlay";
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
import { axisRange, hasSelections, isDrawn, onPlotlyEvent, setTracesHidden } from "./plotly-adapter";
import { prepare, refilterPoints, type Prepared } from "./prepared";
import type { LoadLevelValue, ReportInfo, Stats } from "./protocol";
import { parseRange, rangesEqual, type Range } from "./range";
import { detectTheme, plotColors, watchTheme, type PlotColors } from "./theme";
import { RangeVeil } from "./veil";
import { layoutEdits, outgrows, withRanges, type AxisRanges } from "./figure-edits";
import { usesWorker } from "./index-builder";
import { prepareSelection, selectRuns, type BrushKey, type RunSelection } from "./selection";
import type { DrawState, Figure, OverlayShape, SweepState, Trigger, ViewSpec, ViewUpdate } from "./views/common";
import { VIEWS } from "./views/registry";

/** The two brushable ranges (traits of the same name). */
type RangeKey = "token_range" | "time_range";

/** The event a view's plot div fires whenever it shows something new (tests, benchmarks). */
export const DRAWN_EVENT = "tpot-drawn";

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

/**
 * Draw a figure. With `transition` set (no duration), plotly redraws a figure whose traces and
 * axes are unchanged but for animatable data (x, y of lines and bars) by re-plotting its traces
 * only — no axes, margins, legend or mode bar — and takes its full path otherwise.
 */
function react(div: HTMLElement, fig: Figure, viewId: string, incremental: boolean): Promise<unknown> {
  const layout = incremental ? { transition: { duration: 0 }, ...fig.layout } : fig.layout;
  return Plotly.react(div, fig.data as never, layout as never, plotConfig(viewId) as never);
}

/**
 * A drawn axis range is kept (no axis redraw, no jump) while the shapes reach within it and
 * span at least this share of it.
 */
const KEEP_AXIS_FILL = 0.4;

/** An axis a brush step outgrows grows by this share of its new span more (fewer relayouts). */
const GROW_HEADROOM = 0.2;

/**
 * Fewest ms between two writes of the range inputs while a brush moves (and at its end): a
 * write re-lays out and repaints the page, which costs a frame its budget on every step; the
 * band shows where the brush is meanwhile.
 */
const RANGE_INPUTS_INTERVAL_MS = 200;

/**
 * At the end of a drag, the views of the selection settle (their axes move if the drag
 * outgrew them) once the kernel's answer is shown, or after this long (ms) without one.
 */
const SETTLE_WITHOUT_ANSWER_MS = 300;

/**
 * Fewest ms between two axis moves of one view while a brush moves: a relayout redraws the
 * view's axes and traces in plotly (≈ 10 ms at 100k rows per run); until the next one, a
 * preview that outgrows its axes is drawn clipped. The brush at rest settles the axes.
 */
const PREVIEW_RELAYOUT_INTERVAL_MS = 1000;

/**
 * After a preview stood in for a figure whose layout is unchanged, plotly catches up this
 * long (ms) after the last change, when the page is idle (or at once when the pointer comes).
 */
const SYNC_DELAY_MS = 250;

/** Set an element's text if it differs (a write re-lays out the widget, even the same text). */
function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** A span of the widget's own work on the page's performance timeline (traces show it). */
function measure(name: string, start: number): void {
  try {
    performance.measure(name, { start, end: performance.now() });
  } catch {
    // a page without User Timing Level 3: no span
  }
}

/** Run `fn` when the page is idle (within a second at worst). */
function whenIdle(fn: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(fn, { timeout: 1000 });
  else window.setTimeout(fn, 0);
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
  /** The SVG layer of the view's brush-step preview and permanent overlay shapes. */
  overlay: ShapeOverlay | null;
  /** In the viewport (IntersectionObserver): views out of it are drawn when they scroll in. */
  visible: boolean;
  /** The figure is out of date: drawn when the view is visible again. */
  stale: boolean;
  /** The preview shapes standing in for the figure's (hidden) traces; null: none. */
  preview: OverlayShape[] | null;
  /** Counts previews: a figure drawn before the latest one does not end it. */
  previewSeq: number;
  /** The plot div's width (ResizeObserver; 0 until measured). */
  width: number;
  /** The layout of the figure plotly shows (a preview's axis moves included). */
  drawnLayout: Record<string, unknown> | null;
  /** What the last preview needed of the axes (ViewUpdate.axes). */
  lastAxes: ViewUpdate["axes"];
  /** Drawn axis ranges kept instead of the figure's (see settle); {} for the figure's own. */
  keep: AxisRanges;
  /** Plotly is to catch up with the preview (same layout, new traces) when the page is idle. */
  sync: boolean;
  /** The update the last preview drew (a view memoising its updates returns it again). */
  lastUpdate: ViewUpdate | null;
  /** The update the view last settled with (see settle): new statistics that give it again
   * (a sweep's views when only the chosen level's numbers came) change nothing there. */
  settledUpdate: ViewUpdate | null;
  /** When (performance.now()) a preview last moved the view's axes. */
  relayoutAt: number;
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
  private selection: {
    token: Range;
    time: Range;
    prep: Prepared;
    active: BrushKey;
    value: RunSelection[];
  } | null = null;
  /** The range inputs do not show the brushed range yet (they follow a drag a few times a second). */
  private rangeInputsBehind = false;
  /** What waits for the answer to the last brush to be shown (then runs once), or null. */
  private afterAnswer: (() => void) | null = null;
  /** When (performance.now()) the range inputs were last written. */
  private rangeInputsShownAt = Number.NEGATIVE_INFINITY;
  /** The range brushed (or typed) last: the selection reads its index. */
  private active: BrushKey = "token";
  private colors: PlotColors;
  private dragging: RangeKey | null = null;
  /** The animation frame of the next brush step's drawing (one per frame, whatever the moves). */
  private stepFrame = 0;
  /** The views a full draw (drawAll) draws in the next animation frame. */
  private drawQueue: Slot[] = [];
  private drawFrame = 0;
  /** Figures to redraw, one per task (the kernel's answers and the pointer get in between). */
  private figureQueue: Slot[] = [];
  private figureTimer = 0;
  private warmTimer = 0;
  private syncTimer = 0;
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
    return {
      spec,
      box,
      plot,
      note,
      ready: false,
      brush: null,
      veil: null,
      overlay: null,
      visible: true,
      stale: false,
      preview: null,
      previewSeq: 0,
      width: 0,
      drawnLayout: null,
      lastAxes: undefined,
      keep: {},
      sync: false,
      lastUpdate: null,
      settledUpdate: null,
      relayoutAt: Number.NEGATIVE_INFINITY,
    };
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
        this.redraw("stats");
        if (kind === "current") window.setTimeout(() => this.runAfterAnswer(), 0);
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
          const slot = this.slots.find((s) => s.plot === e.target);
          if (slot) slot.width = e.contentRect.width; // read here, never in a draw (no forced layout)
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
    if (typeof IntersectionObserver !== "undefined") {
      const observer = new IntersectionObserver((entries) => {
        for (const e of entries) {
          const slot = this.slots.find((s) => s.box === e.target);
          if (!slot) continue;
          slot.visible = e.isIntersecting;
          if (slot.visible && slot.stale) this.queueFigure(slot);
        }
      });
      this.slots.forEach((s) => observer.observe(s.box));
      this.cleanups.push(() => observer.disconnect());
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

  /** Take a range; its inputs show it now, or with the next brush step's frame (`later`). */
  private setRange(key: RangeKey, range: Range, later = false): void {
    this.ranges[key] = range;
    if (later) this.rangeInputsBehind = true;
    else this.showRangeInputs();
  }

  private showRangeInputs(): void {
    this.rangeInputsBehind = false;
    this.rangeInputsShownAt = performance.now();
    this.controls.setRange(this.ranges.token_range);
    this.controls.setTimeRange(this.ranges.time_range);
  }

  private setRangeFromControl(key: RangeKey, range: Range): void {
    const modelRange = parseRange(this.model.get(key));
    if (rangesEqual(range, this.ranges[key]) && rangesEqual(range, modelRange)) return;
    this.setRange(key, range);
    this.active = key === "token_range" ? "token" : "time";
    this.request({ [key]: range });
    this.drawVeils();
    this.redraw("selection");
    this.clearPlotlySelections();
    if (key === "time_range") this.settleTimeFilter();
  }

  /**
   * One brush step: the kernel is asked (debounced), and the views of the selection follow in
   * the next animation frame without plotly (their previews; one frame whatever the moves).
   */
  private brushTo(key: RangeKey, range: Range): void {
    this.dragging = key;
    this.active = key === "token_range" ? "token" : "time";
    if (rangesEqual(range, this.ranges[key])) return;
    this.setRange(key, range, true);
    this.ctx.scheduler.push({ [key]: range });
    setStale(this.panel, this.root, true);
    for (const slot of this.slots) if (slot.spec.brush?.range === key) slot.veil?.hide();
    if (this.stepFrame === 0) {
      this.stepFrame = requestAnimationFrame(() => {
        this.stepFrame = 0;
        this.drawStep();
      });
    }
  }

  /** Run what waited for the last brush's answer (at most once). */
  private runAfterAnswer(): void {
    const run = this.afterAnswer;
    this.afterAnswer = null;
    run?.();
  }

  /**
   * End of a drag: send the final range now, draw the figures the previews stood in for (one
   * per task), swap plotly's outline for the range veil.
   */
  private finishBrush(key: RangeKey): void {
    this.dragging = null;
    this.ctx.scheduler.sendNow();
    setStale(this.panel, this.root, this.ctx.scheduler.busy());
    if (this.stepFrame !== 0) {
      cancelAnimationFrame(this.stepFrame);
      this.stepFrame = 0;
      this.drawStep(); // the last move's step: the views now show the final selection
    }
    if (this.rangeInputsBehind) this.showRangeInputs();
    // the views of the kernel's numbers settle with the answer to the last brush; the others
    // (axes a drag outgrew: relayouts) once that answer is shown, so as not to delay it
    const settleSelectionViews = (): void => {
      if (this.dragging !== null || this.disposed) return;
      for (const slot of this.slots) {
        if (slot.preview !== null && !slot.spec.redrawOn.includes("stats")) this.settle(slot, false);
      }
    };
    if (this.ctx.scheduler.busy()) {
      this.afterAnswer = settleSelectionViews;
      window.setTimeout(() => this.runAfterAnswer(), SETTLE_WITHOUT_ANSWER_MS);
    } else {
      for (const slot of this.slots) if (slot.preview !== null) this.settle(slot, false);
    }
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
    const asked = performance.now();
    try {
      await this.ctx.ensure(keys);
      measure("tpot:columns", asked);
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
    const t0 = performance.now();
    this.prep = prepare(
      columns,
      dimension,
      xDimension,
      choicesOf(this.model).units,
      this.model.get("density_threshold"),
      this.ranges.time_range,
    );
    measure("tpot:prepare", t0);
    this.prepKey = key;
    this.selection = null;
    this.drawAll();
    this.warmUp();
  }

  /**
   * After a full draw, build what the first brush step reads (the token-range index of every
   * run, the time view's per-bin indexes) off the main thread, so that it does not wait.
   */
  private warmUp(): void {
    if (this.warmTimer) window.clearTimeout(this.warmTimer);
    if (this.syncTimer) window.clearTimeout(this.syncTimer);
    this.warmTimer = window.setTimeout(() => {
      this.warmTimer = 0;
      const prep = this.prep;
      if (prep === null || this.disposed) return;
      const t0 = performance.now();
      void Promise.all([
        prepareSelection(prep, this.ranges.token_range, this.ranges.time_range, this.active),
        ...this.slots.map((slot) => slot.spec.warm?.(this.drawState(prep, slot))),
      ]).then(() => {
        measure("tpot:warm-up", t0);
        // where the indexes were built: "worker", or "main" where the page allows no worker
        this.root.dataset["indexes"] = usesWorker() ? "worker" : "main";
      });
    }, 300);
  }

  /** Every run's rows inside / outside the ranges (computed once per brush step). */
  private currentSelection(prep: Prepared): RunSelection[] {
    const token = this.ranges.token_range;
    const time = this.ranges.time_range;
    const s = this.selection;
    if (s && s.prep === prep && s.active === this.active && rangesEqual(s.token, token) && rangesEqual(s.time, time)) {
      return s.value;
    }
    const value = selectRuns(prep, token, time, this.active);
    this.selection = { token, time, prep, active: this.active, value };
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
      selection: this.currentSelection(prep),
      stats: this.currentStats(),
      slo: this.model.get("slo"),
      // measured by the ResizeObserver; read from the div (a layout) only before it reports
      width: slot.width || slot.plot.clientWidth || 500,
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
    main.forEach((s) => this.drawIfShown(s));
    if (this.drawFrame === 0) {
      this.drawFrame = requestAnimationFrame(() => {
        this.drawFrame = 0;
        if (this.disposed) return;
        const rest = this.drawQueue;
        this.drawQueue = [];
        rest.forEach((s) => this.drawIfShown(s));
      });
    }
  }

  /** Draw a view's figure now (in view or not: a full draw, e.g. new dimensions or theme). */
  private drawIfShown(slot: Slot): void {
    slot.keep = {};
    this.figureQueue = this.figureQueue.filter((s) => s !== slot);
    this.drawSlot(slot);
  }

  /**
   * Redraw the views that redraw on `trigger`: "data" all of them (drawAll); new statistics
   * as previews while a brush moves, else as figures (one per task); a range set otherwise
   * than by a drag, as figures.
   */
  private redraw(trigger: Trigger): void {
    if (this.prep === null) return;
    if (trigger === "data") {
      this.drawAll();
      return;
    }
    for (const slot of this.slots) {
      if (!slot.spec.redrawOn.includes(trigger)) continue;
      const previews = slot.spec.update !== undefined && slot.ready && slot.drawnLayout !== null;
      if (trigger === "stats" && (slot.preview !== null || previews)) {
        // new numbers as a preview at once, plotly catching up when idle (see settle); an
        // answer to an older brush (more to come) is shown as a preview only
        this.settle(slot, this.dragging !== null || this.ctx.scheduler.busy());
      } else {
        slot.keep = {};
        // a range set otherwise than by a drag, a level chosen: one-offs, every view (in view first)
        this.queueFigure(slot, trigger === "selection" || trigger === "level");
      }
    }
    if (trigger === "selection") this.drawOverlays();
  }

  /**
   * A view whose preview stands in for its figure, once the state it shows changed for the
   * last time (the brush rests, or the answer to the last brush came): the preview stays and
   * plotly catches up when idle if the figure's layout is what is drawn (its axes kept while
   * the shapes still fit them well: no axis jumps), else the figure is drawn now.
   * `moving`: the brush still moves (new statistics mid-drag): only the preview follows.
   */
  private settle(slot: Slot, moving: boolean): void {
    const prep = this.prep;
    if (prep === null || this.disposed) return;
    if (!slot.visible) {
      slot.stale = true;
      return;
    }
    const state = this.drawState(prep, slot);
    // a view of the kernel's numbers has new ones to show; the others' last step is current
    const update = slot.spec.redrawOn.includes("stats") ? slot.spec.update?.(state) : undefined;
    // the preview drawn last again (a view memoising it, views/memo.ts): nothing to draw
    const fresh = update !== undefined && update !== slot.lastUpdate;
    if (!moving && update !== undefined && update === slot.settledUpdate) return;
    if (moving) {
      if (fresh) this.drawPreview(slot, update);
      return;
    }
    const keep: AxisRanges = {};
    for (const [name, axis] of Object.entries(update?.axes ?? slot.lastAxes ?? {})) {
      const drawn = axisRange(slot.plot, name);
      if (drawn === null || outgrows(drawn, axis.reach)) continue;
      const span = Math.abs(drawn[1] - drawn[0]);
      if (span > 0 && (axis.reach[1] - axis.reach[0]) / span >= KEEP_AXIS_FILL) keep[name as keyof AxisRanges] = drawn;
    }
    slot.keep = keep;
    const fig = slot.spec.figure(state);
    const wanted =
      typeof fig === "string" ? null : (JSON.parse(JSON.stringify(withRanges(fig.layout, keep))) as Record<string, unknown>);
    const edits = wanted === null || slot.drawnLayout === null ? null : layoutEdits(slot.drawnLayout, wanted);
    if (edits === null || wanted === null) {
      this.queueFigure(slot);
      slot.settledUpdate = update ?? null;
      return;
    }
    if (Object.keys(edits).length > 0) {
      // a new title or axis range only: plotly redraws those (a relayout), not the traces
      slot.drawnLayout = wanted;
      void Plotly.relayout(slot.plot, edits as never);
      if (!update) this.emitDrawn(slot, "preview");
    }
    if (fresh) this.drawPreview(slot, update);
    this.scheduleSync(slot);
    slot.settledUpdate = update ?? null;
  }

  /** Let plotly catch up with a view's preview once the page is idle (see SYNC_DELAY_MS). */
  private scheduleSync(slot: Slot): void {
    slot.sync = true;
    if (this.syncTimer) window.clearTimeout(this.syncTimer);
    this.syncTimer = window.setTimeout(() => {
      this.syncTimer = 0;
      whenIdle(() => this.syncNext());
    }, SYNC_DELAY_MS);
  }

  /** Draw the next figure plotly is behind on (one per idle period; none while dragging). */
  private syncNext(): void {
    if (this.disposed || this.dragging !== null || this.syncTimer) return;
    const slot = this.slots.find((s) => s.sync && s.visible);
    if (slot === undefined) return;
    this.drawSlot(slot, "sync");
    if (this.slots.some((s) => s.sync && s.visible)) whenIdle(() => this.syncNext());
  }

  /**
   * Redraw a view's figure in a task of its own (after any already queued; views in view
   * first): between two figures the page takes the kernel's answers and the pointer. A view
   * out of view is drawn when it scrolls in, unless `everywhere`.
   */
  private queueFigure(slot: Slot, everywhere = false): void {
    if (!everywhere && !slot.visible && slot.ready) {
      slot.stale = true;
      return;
    }
    if (!this.figureQueue.includes(slot)) {
      const behind = this.figureQueue.findIndex((s) => !s.visible);
      if (slot.visible && behind >= 0) this.figureQueue.splice(behind, 0, slot);
      else this.figureQueue.push(slot);
    }
    if (this.figureTimer === 0) this.figureTimer = window.setTimeout(() => this.drawNextFigure(), 0);
  }

  private drawNextFigure(): void {
    this.figureTimer = 0;
    const slot = this.figureQueue.shift();
    if (slot === undefined || this.disposed) return;
    this.drawSlot(slot, "figure");
    if (this.figureQueue.length > 0) this.figureTimer = window.setTimeout(() => this.drawNextFigure(), 0);
  }

  /**
   * A brush step, in one animation frame: the views of the selection draw their previews
   * (no plotly), the overlays follow; views out of view are marked for later.
   */
  private drawStep(): void {
    if (this.rangeInputsBehind && performance.now() - this.rangeInputsShownAt >= RANGE_INPUTS_INTERVAL_MS) {
      this.showRangeInputs();
    }
    const prep = this.prep;
    if (prep === null || this.disposed) return;
    if (this.syncTimer) {
      window.clearTimeout(this.syncTimer); // plotly catches up once the brush rests again
      this.syncTimer = 0;
    }
    for (const slot of this.slots) {
      if (!slot.ready) continue;
      const spec = slot.spec;
      const follows = spec.redrawOn.includes("selection");
      if (!slot.visible) {
        if (follows || spec.overlay) slot.stale = true;
        continue;
      }
      if (follows && spec.update) {
        this.figureQueue = this.figureQueue.filter((s) => s !== slot);
        this.drawPreview(slot, spec.update(this.drawState(prep, slot)));
      } else if (follows) {
        this.queueFigure(slot); // a view without previews: its figure, at plotly's pace
      } else if (spec.overlay) {
        this.drawSlotExtras(slot);
        this.emitDrawn(slot, "overlay");
      }
    }
  }

  /**
   * Show shapes in place of the view's traces (a brush step, or new statistics mid-drag),
   * growing an axis first when they do not fit in it.
   */
  private drawPreview(slot: Slot, update: ViewUpdate): void {
    const prep = this.prep;
    if (prep === null || !slot.ready) return;
    if (slot.preview === null) setTracesHidden(slot.plot, true);
    slot.previewSeq += 1;
    slot.lastUpdate = update;
    slot.settledUpdate = null;
    slot.preview = update.shapes;
    slot.lastAxes = update.axes;
    slot.sync = false;
    setText(slot.note, slot.spec.note?.(this.drawState(prep, slot)) ?? "");
    const moves: Record<string, unknown> = {};
    const grown: AxisRanges = {};
    for (const [name, axis] of Object.entries(update.axes ?? {})) {
      const drawn = axisRange(slot.plot, name);
      if (outgrows(drawn, axis.reach)) {
        // a fifth more on the side that grew: the next steps of the drag fit in it
        const [lo, hi] = axis.range;
        const more = (hi - lo) * GROW_HEADROOM;
        const range: [number, number] = [
          drawn !== null && axis.reach[0] < Math.min(...drawn) && lo !== 0 ? lo - more : lo,
          drawn === null || axis.reach[1] > Math.max(...drawn) ? hi + more : hi,
        ];
        moves[`${name}.range`] = range;
        moves[`${name}.autorange`] = false;
        grown[name as keyof AxisRanges] = range;
      }
    }
    const now = performance.now();
    const relayout =
      Object.keys(moves).length > 0 && (this.dragging === null || now - slot.relayoutAt >= PREVIEW_RELAYOUT_INTERVAL_MS);
    if (relayout) {
      // rare: the preview is drawn once the axis moved (plotly_relayout → drawSlotExtras)
      slot.relayoutAt = now;
      if (slot.drawnLayout !== null) slot.drawnLayout = withRanges(slot.drawnLayout, grown);
      void Plotly.relayout(slot.plot, moves as never);
    } else {
      this.drawSlotExtras(slot);
    }
    this.emitDrawn(slot, "preview");
  }

  /**
   * Draw a view's figure with plotly (ending its preview): "figure" when it shows something
   * new, "sync" when plotly catches up with a preview that already showed it.
   */
  private drawSlot(slot: Slot, kind: "figure" | "sync" = "figure"): void {
    const prep = this.prep;
    if (prep === null || this.disposed) return;
    slot.stale = false;
    slot.sync = false;
    if (kind === "figure") slot.settledUpdate = null;
    const state = this.drawState(prep, slot);
    const fig = slot.spec.figure(state);
    const previewSeq = slot.previewSeq;
    if (typeof fig === "string") {
      setText(slot.note, fig);
      slot.plot.hidden = true;
      this.endPreview(slot);
      return;
    }
    slot.plot.hidden = false;
    setText(slot.note, slot.spec.note?.(state) ?? "");
    // the figure drawn last (a view memoising its figure, views/memo.ts): nothing to redraw
    if (this.drawnFigures.get(slot.plot) === fig && Object.keys(slot.keep).length === 0) {
      this.endPreview(slot);
      return;
    }
    this.drawnFigures.set(slot.plot, fig);
    const layout = withRanges(fig.layout, slot.keep);
    // a copy: plotly writes into the layout it is given
    const drawnLayout = JSON.parse(JSON.stringify(layout)) as Record<string, unknown>;
    const t0 = performance.now();
    // plotly's short path (traces only) where only traces change: what a sync is
    const drawn = react(slot.plot, { data: fig.data, layout }, slot.spec.id, kind === "sync");
    measure(`tpot:${kind}:${slot.spec.id}`, t0);
    void drawn.then(() => {
      if (this.disposed) return;
      slot.drawnLayout = drawnLayout;
      if (!slot.ready) {
        slot.ready = true;
        this.attachExtras(slot);
      }
      // a preview drawn since this figure started stays (the brush moved on)
      if (slot.previewSeq === previewSeq) this.endPreview(slot);
      this.drawSlotExtras(slot);
      this.emitDrawn(slot, kind);
    });
  }

  /** The figure's traces are shown again, the preview shapes go. */
  private endPreview(slot: Slot): void {
    if (slot.preview === null) return;
    slot.preview = null;
    setTracesHidden(slot.plot, false);
  }

  /**
   * Tell tests and benchmarks that a view was drawn: something new ("figure", "preview",
   * "overlay") or plotly catching up with what a preview showed ("sync": nothing new).
   */
  private emitDrawn(slot: Slot, kind: "figure" | "preview" | "overlay" | "sync"): void {
    slot.plot.dispatchEvent(new CustomEvent(DRAWN_EVENT, { detail: { view: slot.spec.id, kind } }));
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
    if (spec.overlay || spec.update) slot.overlay = new ShapeOverlay(gd);
    // hover, zoom and the download read plotly's traces: it catches up with a preview at once
    gd.addEventListener("pointerenter", () => {
      if (slot.sync && this.dragging === null) this.drawSlot(slot, "sync");
    });
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

  /** The veil and the shapes over the figure (the preview's, then the permanent overlay's). */
  private drawSlotExtras(slot: Slot): void {
    if (!slot.ready || this.prep === null) return;
    const key = slot.spec.brush?.range;
    if (slot.veil && key && this.dragging !== key) {
      slot.veil.draw(this.ranges[key], this.colors.veil, this.colors.muted);
    }
    if (slot.overlay) {
      const permanent = slot.spec.overlay?.(this.drawState(this.prep, slot)) ?? [];
      slot.overlay.draw(slot.preview === null ? permanent : [...slot.preview, ...permanent]);
    }
  }

  private drawVeils(): void {
    for (const slot of this.slots) if (slot.veil) this.drawSlotExtras(slot);
  }

  /** Redraw the permanent overlays (a range changed). */
  private drawOverlays(): void {
    for (const slot of this.slots) if (slot.overlay && slot.spec.overlay) this.drawSlotExtras(slot);
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
    if (this.stepFrame) cancelAnimationFrame(this.stepFrame);
    if (this.drawFrame) cancelAnimationFrame(this.drawFrame);
    if (this.figureTimer) window.clearTimeout(this.figureTimer);
    if (this.warmTimer) window.clearTimeout(this.warmTimer);
    if (this.syncTimer) window.clearTimeout(this.syncTimer);
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
