/**
 * The range veil: faint DOM boxes over a graph outside a range of its x axis, with dotted
 * edges. Placed from plotly's axes (via the adapter) between the plot and plotly's top layers:
 * moving it costs no plotly redraw (a `shapes` relayout re-lays out a whole WebGL figure).
 */

import { axisGeometry, placeBelowTopLayer } from "./plotly-adapter";
import type { Range } from "./range";

/** Pixel spans (from the plot area's left edge) of the veil. */
export interface VeilSpans {
  /** Veiled [from, to] pixel spans outside the range (clipped to the plot area). */
  veils: [number, number][];
  /** Pixel positions of the range's edges that fall inside the plot area. */
  edges: number[];
}

/** Where to draw the veil outside `range` on an x axis `length` pixels long. */
export function veilSpans(range: Range, toPixel: (x: number) => number, length: number): VeilSpans {
  const out: VeilSpans = { veils: [], edges: [] };
  if (range === null) return out;
  const clip = (p: number): number => Math.min(Math.max(p, 0), length);
  const [lo, hi] = range;
  if (lo !== null) {
    const p = toPixel(lo);
    if (p > 0) out.veils.push([0, clip(p)]);
    if (p >= 0 && p <= length) out.edges.push(p);
  }
  if (hi !== null) {
    const p = toPixel(hi);
    if (p < length) out.veils.push([clip(p), length]);
    if (p >= 0 && p <= length) out.edges.push(p);
  }
  return out;
}

/** The veil element of one graph; `draw` places it for a range. */
export class RangeVeil {
  readonly el: HTMLDivElement;
  private readonly gd: HTMLElement;
  private readonly yAxes: readonly string[];
  /** What the veil shows now ("" when hidden): a redraw of the same is no DOM write. */
  private shown = "";

  constructor(gd: HTMLElement, yAxes: readonly string[]) {
    this.gd = gd;
    this.yAxes = yAxes;
    this.el = document.createElement("div");
    this.el.className = "tpot-veil";
    this.el.hidden = true;
  }

  /** Veil everything outside `range` (nothing for null), in `veilColor` with `edgeColor` edges. */
  draw(range: Range, veilColor: string, edgeColor: string): void {
    const xa = axisGeometry(this.gd, "xaxis");
    if (!xa) return;
    let top = Number.POSITIVE_INFINITY;
    let bottom = Number.NEGATIVE_INFINITY;
    for (const name of this.yAxes) {
      const a = axisGeometry(this.gd, name);
      if (!a) continue;
      top = Math.min(top, a.offset);
      bottom = Math.max(bottom, a.offset + a.length);
    }
    if (!Number.isFinite(top)) return;
    placeBelowTopLayer(this.gd, this.el);
    const spans = veilSpans(range, (v) => xa.toPixel(v), xa.length);
    // the same veil again (another view's brush step): no DOM write, which would restyle,
    // re-lay out and repaint the page
    const shown = JSON.stringify([xa.offset, xa.length, top, bottom, spans, veilColor, edgeColor]);
    if (shown === this.shown) return;
    this.shown = shown;
    const style = this.el.style;
    style.left = `${xa.offset}px`;
    style.width = `${xa.length}px`;
    style.top = `${top}px`;
    style.height = `${bottom - top}px`;
    const boxes: HTMLElement[] = [];
    for (const [a, b] of spans.veils) {
      const box = document.createElement("div");
      box.className = "tpot-veil-side";
      box.style.left = `${a}px`;
      box.style.width = `${b - a}px`;
      box.style.background = veilColor;
      boxes.push(box);
    }
    for (const p of spans.edges) {
      const edge = document.createElement("div");
      edge.className = "tpot-veil-edge";
      edge.style.left = `${p}px`;
      edge.style.borderLeftColor = edgeColor;
      boxes.push(edge);
    }
    this.el.replaceChildren(...boxes);
    this.el.hidden = boxes.length === 0;
  }

  /** Hide the veil (e.g. while a brush band shows the new range). */
  hide(): void {
    this.shown = "";
    if (!this.el.hidden) this.el.hidden = true;
  }
}
