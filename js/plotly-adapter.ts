/**
 * The one place that reads plotly.js internals (`_fullLayout`, axis `_offset`/`_length`/
 * `p2d`/`l2p`, `_toppaper`, the graph div's `on`): written against plotly.js 4.1.1 (pinned
 * in package.json). Everything else sees plain numbers and functions.
 */

/** Plotly's internal axis fields used to turn pointer positions into data values. */
interface AxisInternals {
  _offset: number;
  _length: number;
  p2d(px: number): number;
  l2p(v: number): number;
  type?: string;
}
interface GraphInternals extends HTMLElement {
  _fullLayout?: {
    dragmode?: string;
    _toppaper?: { node(): Element | null };
    [axis: string]: unknown;
  };
  layout?: { selections?: unknown[] };
  on?(event: string, cb: (ev: unknown) => void): void;
  removeAllListeners?(event: string): void;
}

/** One axis as the widget sees it: pixel offset and length, data ↔ pixel maps. */
export interface AxisGeometry {
  /** Pixels from the graph div's left (x) or top (y) edge to the axis start. */
  offset: number;
  /** Axis length in pixels. */
  length: number;
  /** Pixel (from the axis start) → data value. */
  toData(px: number): number;
  /** Data value → pixel (from the axis start); on log axes too (the value, not its log). */
  toPixel(v: number): number;
}

function internals(gd: HTMLElement): GraphInternals {
  return gd as GraphInternals;
}

/** True once plotly has drawn `gd` (it has a full layout). */
export function isDrawn(gd: HTMLElement): boolean {
  return internals(gd)._fullLayout !== undefined;
}

/** The axis `name` ("xaxis", "yaxis", "yaxis2", ...) of a drawn graph, or null. */
export function axisGeometry(gd: HTMLElement, name: string): AxisGeometry | null {
  const ax = internals(gd)._fullLayout?.[name] as AxisInternals | undefined;
  if (!ax || typeof ax.p2d !== "function" || typeof ax.l2p !== "function") return null;
  const log = ax.type === "log";
  return {
    offset: ax._offset,
    length: ax._length,
    toData: (px) => Number(ax.p2d(px)),
    toPixel: (v) => ax.l2p(log ? Math.log10(v) : v),
  };
}

/** Plotly's current drag mode ("select", "zoom", "pan", ...), or undefined before drawing. */
export function dragMode(gd: HTMLElement): string | undefined {
  return internals(gd)._fullLayout?.dragmode;
}

/** Plotly's top SVG layer (legend, hover labels): overlays go right below it. */
export function topLayer(gd: HTMLElement): Element | null {
  return internals(gd)._fullLayout?._toppaper?.node() ?? null;
}

/** The class every element placed by placeBelowTopLayer carries (overlays, veils). */
const PLACED = "tpot-below-top";

/**
 * Put `overlay` between the plot and plotly's top layers (or at the end of `gd`). Several
 * overlays of one graph stay in the order they were first placed: one already right below the
 * top layer, or above it only other placed overlays, is not moved (re-inserting an element
 * restyles and re-lays out the page).
 */
export function placeBelowTopLayer(gd: HTMLElement, overlay: Element): void {
  if (!overlay.classList.contains(PLACED)) overlay.classList.add(PLACED);
  const top = topLayer(gd);
  if (top?.parentNode) {
    if (overlay.parentNode === top.parentNode) {
      let next = overlay.nextSibling;
      while (next !== null && next !== top && (next as Element).classList?.contains(PLACED) === true) {
        next = next.nextSibling;
      }
      if (next === top) return;
    }
    top.parentNode.insertBefore(overlay, top);
  } else if (overlay.parentNode !== gd) {
    gd.append(overlay);
  }
}

/** Subscribe to a plotly event of `gd` (plotly_relayout, plotly_selected, ...). */
export function onPlotlyEvent(gd: HTMLElement, event: string, cb: (ev: unknown) => void): void {
  internals(gd).on?.(event, cb);
}

/** Whether plotly holds a drawn selection outline on `gd`. */
export function hasSelections(gd: HTMLElement): boolean {
  return (internals(gd).layout?.selections?.length ?? 0) > 0;
}

/** The range of axis `name` of a drawn graph (plotly's units: log10 on log axes), or null. */
export function axisRange(gd: HTMLElement, name: string): [number, number] | null {
  const ax = internals(gd)._fullLayout?.[name] as { range?: unknown } | undefined;
  const r = ax?.range;
  if (!Array.isArray(r) || r.length !== 2) return null;
  const [a, b] = r as [unknown, unknown];
  return typeof a === "number" && typeof b === "number" ? [a, b] : null;
}

/**
 * Show or hide the traces of a drawn graph (plotly's cartesian trace layers), leaving its
 * axes, grid, shapes and title in place: a brush-step preview stands in for them meanwhile.
 */
export function setTracesHidden(gd: HTMLElement, hidden: boolean): void {
  for (const layer of gd.querySelectorAll<SVGElement>(".cartesianlayer .plot")) {
    layer.style.visibility = hidden ? "hidden" : "";
  }
}
