/**
 * The pointer brush: a horizontal drag over a plotly graph's plot area brushes a range of its
 * x axis. In plotly's "select" drag mode the brush takes the drag over itself: it follows every
 * pointer move (plotly throttles its selecting events to 100 ms and re-styles every WebGL point
 * on each move), draws a light band while dragging, and reports the range on each move and at
 * the end. A double click clears the range. Other drag modes (zoom, pan) stay plotly's.
 */

import { axisGeometry, dragMode, onPlotlyEvent } from "./plotly-adapter";
import { rangeFromDrag, type Range } from "./range";

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
  // The band: placed over the plot area once per drag, then moved by transforms alone (its
  // fill scaled, its edges shifted): a move re-lays out and repaints nothing, where moving a
  // box's left / width re-lays out and re-layerizes the whole page on every pointer move.
  const band = document.createElement("div");
  band.className = "tpot-brush";
  band.hidden = true;
  const fill = document.createElement("div");
  fill.className = "tpot-brush-fill";
  const edges = [document.createElement("div"), document.createElement("div")];
  for (const edge of edges) edge.className = "tpot-brush-edge";
  band.append(fill, ...edges);
  gd.append(band);
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
    band.style.left = `${xa.offset}px`;
    band.style.width = `${xa.length}px`;
    band.style.top = `${ys[0]}px`;
    band.style.height = `${ys[1] - ys[0]}px`;
  };
  /** Show the band from pixel p0 to p1 of the x axis: transforms only. */
  const showBand = (p0: number, p1: number): void => {
    const lo = Math.min(p0, p1);
    const hi = Math.max(p0, p1);
    fill.style.transform = `translateX(${lo}px) scaleX(${hi - lo})`;
    (edges[0] as HTMLDivElement).style.transform = `translateX(${lo}px)`;
    (edges[1] as HTMLDivElement).style.transform = `translateX(${hi - 1}px)`;
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
