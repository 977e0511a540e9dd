/**
 * The pointer brush: a horizontal drag over a plotly graph's plot area brushes a range of its
 * x axis. In plotly's "select" drag mode the brush takes the drag over itself: it follows every
 * pointer move (plotly throttles its selecting events to 100 ms and re-styles every WebGL point
 * on each move), draws a light band while dragging, and reports the range on each move and at
 * the end. A double click clears the range. Other drag modes (zoom, pan) stay plotly's.
 */

import { placeCanvas } from "./overlay";
import { axisGeometry, dragMode, onPlotlyEvent, placeBelowTopLayer } from "./plotly-adapter";
import { rangeFromDrag, type Range } from "./range";
import { cssVar } from "./theme";

/** The band's fill: the accent colour at this opacity (its edges: the accent, opaque). */
export const BAND_FILL_ALPHA = 0.14;
/** The accent when the page defines no --tpot-accent (widget.css's light default). */
const FALLBACK_ACCENT = "#1f6feb";

/** What the band is painted with: a canvas 2D context, or a recorder in tests. */
export interface BandPainter {
  fillStyle: string | CanvasGradient | CanvasPattern;
  globalAlpha: number;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
}

/**
 * Paint the band from pixel p0 to p1 of a `width` × `height` plot area: a light fill and a
 * 1 px edge at each end, in `color`; everything else cleared.
 */
export function paintBand(
  ctx: BandPainter,
  width: number,
  height: number,
  p0: number,
  p1: number,
  color: string,
): void {
  const lo = Math.round(Math.max(Math.min(p0, p1), 0));
  const hi = Math.round(Math.min(Math.max(p0, p1), width));
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = color;
  ctx.globalAlpha = BAND_FILL_ALPHA;
  ctx.fillRect(lo, 0, hi - lo, height);
  ctx.globalAlpha = 1;
  ctx.fillRect(lo, 0, 1, height);
  ctx.fillRect(Math.max(hi - 1, lo), 0, 1, height);
}

export interface BrushOptions {
  /** The y axes whose plot areas start a brush (e.g. the scatter and its x marginal). */
  yAxes: readonly string[];
  /** Whole numbers only (token counts): a drag is shrunk to the integers inside it. */
  integral(): boolean;
  /** Every pointer move of a drag, with the range it covers now. */
  onBrush(range: Range): void;
  /** The drag ended (after at least one onBrush). */
  onFinish(): void;
  /** A double click: select everything again. */
  onClear(): void;
  /** Plotly cleared its own selection outline (the user's deselect, not the widget's). */
  onDeselect?(): void;
}

/** A pointer brush attached to a drawn graph; `dragging` is true mid-drag. */
export interface PointerBrush {
  readonly dragging: boolean;
  dispose(): void;
}

/** Attach a horizontal pointer brush to `gd` (a drawn plotly graph div). */
export function attachPointerBrush(gd: HTMLElement, opts: BrushOptions): PointerBrush {
  // The band: a canvas over the plot area, placed once per drag and painted on each move. A
  // canvas among the views' other overlays: moving a band of elements (even by transforms)
  // made Chromium re-layerize the whole page on every pointer move (~1.5 ms in the report,
  // more in JupyterLab: benchmarks/bench_widget.py's drag rate).
  const band = document.createElement("canvas");
  band.className = "tpot-brush";
  band.dataset["testid"] = "brush-band";
  band.hidden = true;
  let bandWidth = 0;
  let bandHeight = 0;
  let accent = FALLBACK_ACCENT;
  let dragging = false;
  let moved = false;
  let startPx = 0;
  let lastClick = 0;

  const local = (clientX: number, clientY: number): [number, number] => {
    const rect = gd.getBoundingClientRect();
    // plotly measures from inside the border
    return [clientX - rect.left - gd.clientLeft, clientY - rect.top - gd.clientTop];
  };
  const yExtent = (): [number, number] | null => {
    let top = Number.POSITIVE_INFINITY;
    let bottom = Number.NEGATIVE_INFINITY;
    for (const name of opts.yAxes) {
      const a = axisGeometry(gd, name);
      if (!a) continue;
      top = Math.min(top, a.offset);
      bottom = Math.max(bottom, a.offset + a.length);
    }
    return Number.isFinite(top) ? [top, bottom] : null;
  };
  const xPixel = (clientX: number): number | null => {
    const xa = axisGeometry(gd, "xaxis");
    if (!xa) return null;
    const [px] = local(clientX, 0);
    return Math.min(Math.max(px - xa.offset, 0), xa.length);
  };
  const inPlotArea = (clientX: number, clientY: number): boolean => {
    const xa = axisGeometry(gd, "xaxis");
    if (!xa) return false;
    const [px, py] = local(clientX, clientY);
    if (px < xa.offset || px > xa.offset + xa.length) return false;
    return opts.yAxes.some((name) => {
      const a = axisGeometry(gd, name);
      return a !== null && py >= a.offset && py <= a.offset + a.length;
    });
  };
  /** Put the band over the plot area (at a drag's start; hidden until the first move). */
  const placeBand = (): void => {
    const xa = axisGeometry(gd, "xaxis");
    const ys = yExtent();
    if (!xa || !ys) return;
    placeBelowTopLayer(gd, band);
    const ratio = window.devicePixelRatio || 1;
    bandWidth = xa.length;
    bandHeight = ys[1] - ys[0];
    placeCanvas(band, xa.offset, ys[0], bandWidth, bandHeight, ratio);
    band.getContext("2d")?.setTransform(ratio, 0, 0, ratio, 0, 0);
    accent = cssVar(gd, "--tpot-accent", FALLBACK_ACCENT);
  };
  /** Show the band from pixel p0 to p1 of the x axis. */
  const showBand = (p0: number, p1: number): void => {
    const ctx = band.getContext("2d");
    if (ctx !== null) paintBand(ctx, bandWidth, bandHeight, p0, p1, accent);
    band.hidden = false;
  };
  const onMove = (e: PointerEvent): void => {
    if (!dragging) return;
    const p1 = xPixel(e.clientX);
    const xa = axisGeometry(gd, "xaxis");
    if (p1 === null || !xa) return;
    if (!moved && Math.abs(p1 - startPx) < 4) return;
    moved = true;
    showBand(startPx, p1);
    opts.onBrush(rangeFromDrag(xa.toData(startPx), xa.toData(p1), opts.integral()));
  };
  const stopListening = (): void => {
    window.removeEventListener("pointermove", onMove, true);
    window.removeEventListener("pointerup", onUp, true);
    window.removeEventListener("pointercancel", onUp, true);
  };
  const onUp = (e: PointerEvent): void => {
    stopListening();
    if (!dragging) return;
    dragging = false;
    band.hidden = true;
    if (moved) {
      opts.onFinish();
    } else if (e.timeStamp - lastClick < 450) {
      lastClick = 0;
      opts.onClear(); // double click: select all
    } else {
      lastClick = e.timeStamp;
    }
  };
  const onDown = (e: PointerEvent): void => {
    if (e.button !== 0 || dragMode(gd) !== "select") return;
    if (!inPlotArea(e.clientX, e.clientY)) return;
    const p = xPixel(e.clientX);
    if (p === null) return;
    e.preventDefault(); // no mousedown: plotly's own select drag does not start
    dragging = true;
    moved = false;
    startPx = p;
    placeBand();
    window.addEventListener("pointermove", onMove, true);
    window.addEventListener("pointerup", onUp, true);
    window.addEventListener("pointercancel", onUp, true);
  };
  gd.addEventListener("pointerdown", onDown, true);
  // Should plotly run a selection itself (e.g. a touch drag), its final range counts too.
  onPlotlyEvent(gd, "plotly_selected", (ev) => {
    const r = (ev as { range?: { x?: unknown } } | undefined)?.range?.x;
    if (dragging || !Array.isArray(r) || r.length !== 2) return;
    const [a, b] = r as [unknown, unknown];
    if (typeof a !== "number" || typeof b !== "number") return;
    opts.onBrush(rangeFromDrag(a, b, opts.integral()));
    opts.onFinish();
  });
  onPlotlyEvent(gd, "plotly_deselect", () => opts.onDeselect?.());
  return {
    get dragging() {
      return dragging;
    },
    dispose(): void {
      gd.removeEventListener("pointerdown", onDown, true);
      stopListening();
      band.remove();
    },
  };
}
