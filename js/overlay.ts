/**
 * Shapes over a plotly graph drawn on one small canvas, without a plotly redraw: the time
 * view's rolling median / p90, and the previews that stand in for a view's plotly traces while
 * the brush moves (step histograms, ECDFs, boxes, shift functions). Styled as plotly draws the
 * same traces (line widths, plotly's dash patterns, fills, markers). A canvas, not SVG: a
 * redraw on every brush step is a few draw calls, with no elements to style, lay out and paint.
 */

import { axisGeometry, placeBelowTopLayer, type AxisGeometry } from "./plotly-adapter";
import type { OverlayShape } from "./views/common";

/** plotly's dash pattern (px) for a dash name at a line width (Drawing.dashStyle's rule). */
export function dashPattern(dash: string | undefined, width: number): number[] {
  if (dash === undefined || dash === "solid" || dash === "") return [];
  const w = Math.max(width, 3);
  if (dash === "dot") return [w, w];
  if (dash === "dash") return [3 * w, 3 * w];
  if (dash === "longdash") return [5 * w, 5 * w];
  // an SVG dash array ("5 3", "4px,2px")
  return dash
    .split(/[\s,]+/)
    .map((part) => Number.parseFloat(part))
    .filter((v) => Number.isFinite(v) && v >= 0);
}

/** Where a shape's outline goes (Path2D, or a recorder in tests). */
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
}

/**
 * A shape with more points than this is drawn one pixel column at a time (see tracePath): an
 * ECDF of 1000 points over a 400 px wide plot draws a few hundred segments, not 2000.
 */
export const DENSE_POINTS = 256;

/**
 * Trace a shape in pixels of the plot area: its outline into `line`, the area it fills into
 * `fill` (down to y = 0, or the closed outline). A non-finite point starts a new segment.
 * A dense shape (over DENSE_POINTS points) is drawn one pixel column at a time: the points
 * after the first in a column become one vertical stroke over their extent, ending at the
 * last one's height (what the canvas would have drawn there, with far fewer segments).
 */
export function tracePath(
  shape: OverlayShape,
  xa: Pick<AxisGeometry, "toPixel">,
  ya: Pick<AxisGeometry, "toPixel">,
  line: PathSink,
  fill?: PathSink,
): void {
  const zero = shape.fill?.mode === "tozeroy" ? ya.toPixel(0) : Number.NaN;
  const n = Math.min(shape.x.length, shape.y.length);
  const dense = n > DENSE_POINTS;
  let first: number | null = null;
  let px = 0;
  let py = 0;
  // dense shapes: the pixel column being drawn (x), and the points held in it (not drawn
  // yet): their lowest and highest y; the pen stands at (colX, penY) meanwhile
  let colX = 0;
  let penY = 0;
  let colLo = 0;
  let colHi = 0;
  let held = false;
  const to = (x: number, y: number): void => {
    line.lineTo(x, y);
    fill?.lineTo(x, y);
  };
  const hold = (y: number): void => {
    if (!held) {
      held = true;
      penY = py;
      colLo = y;
      colHi = y;
    } else {
      colLo = Math.min(colLo, y);
      colHi = Math.max(colHi, y);
    }
    py = y;
  };
  const flush = (): void => {
    if (!held) return;
    held = false;
    // one vertical stroke from the pen to the last point, reaching the column's extremes
    if (colLo < Math.min(penY, py)) to(colX, colLo);
    if (colHi > Math.max(penY, py)) to(colX, colHi);
    to(colX, py);
  };
  const end = (): void => {
    flush();
    if (first === null || fill === undefined || !shape.fill) return;
    if (shape.fill.mode === "tozeroy" && Number.isFinite(zero)) {
      fill.lineTo(px, zero);
      fill.lineTo(first, zero);
    }
    fill.closePath();
  };
  for (let i = 0; i < n; i++) {
    const x = shape.x[i] as number;
    const y = shape.y[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      end();
      first = null;
      continue;
    }
    const nx = xa.toPixel(x);
    const ny = ya.toPixel(y);
    if (first === null) {
      first = nx;
      line.moveTo(nx, ny);
      fill?.moveTo(nx, ny);
      colX = nx;
      px = nx;
      py = ny;
      continue;
    }
    if (dense && Math.abs(nx - colX) < 1) {
      hold(ny); // the same pixel column
      continue;
    }
    flush();
    colX = nx;
    px = nx;
    if (shape.steps) {
      to(nx, py);
      if (dense) {
        hold(ny); // the step up is drawn with the column's other points
        continue;
      }
    }
    to(nx, ny);
    py = ny;
  }
  end();
}

/**
 * Put canvas `el` at (left, top) of its positioned container, `width` × `height` CSS pixels,
 * its backing store at the device's pixel `ratio` (the overlays' and the brush band's box).
 */
export function placeCanvas(el: HTMLCanvasElement, left: number, top: number, width: number, height: number, ratio: number): void {
  const style = el.style;
  style.left = `${left}px`;
  style.top = `${top}px`;
  style.width = `${width}px`;
  style.height = `${height}px`;
  el.width = Math.max(1, Math.round(width * ratio));
  el.height = Math.max(1, Math.round(height * ratio));
}

export class ShapeOverlay {
  readonly el: HTMLCanvasElement;
  private readonly gd: HTMLElement;
  private box = "";

  constructor(gd: HTMLElement) {
    this.gd = gd;
    this.el = document.createElement("canvas");
    this.el.className = "tpot-overlay";
    this.el.dataset["testid"] = "overlay";
  }

  /** Draw `shapes` (data coordinates of the graph's xaxis / yaxis), clipped to the plot area. */
  draw(shapes: readonly OverlayShape[]): void {
    const xa = axisGeometry(this.gd, "xaxis");
    const ya = axisGeometry(this.gd, "yaxis");
    if (!xa || !ya) return;
    placeBelowTopLayer(this.gd, this.el);
    const ratio = window.devicePixelRatio || 1;
    const box = `${xa.offset} ${ya.offset} ${xa.length} ${ya.length} ${ratio}`;
    if (box !== this.box) {
      this.box = box;
      placeCanvas(this.el, xa.offset, ya.offset, xa.length, ya.length, ratio);
    }
    const ctx = this.context();
    if (ctx === null) return;
    // shapes on an overlaying y axis (same place, its own range): only when one asks for it
    const ya2 = shapes.some((s) => s.yaxis === "yaxis2") ? axisGeometry(this.gd, "yaxis2") : null;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, xa.length, ya.length);
    for (const shape of shapes) {
      const yAxis = shape.yaxis === "yaxis2" ? ya2 : ya;
      if (yAxis === null) continue;
      const line = new Path2D();
      const fill = shape.fill ? new Path2D() : undefined;
      tracePath(shape, xa, yAxis, line, fill);
      if (fill && shape.fill) {
        ctx.fillStyle = shape.fill.color;
        ctx.fill(fill);
      }
      if (shape.markers) {
        const r = shape.markers / 2;
        const dots = new Path2D();
        for (let i = 0; i < Math.min(shape.x.length, shape.y.length); i++) {
          const x = shape.x[i] as number;
          const y = shape.y[i] as number;
          if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
          const cx = xa.toPixel(x);
          const cy = yAxis.toPixel(y);
          dots.moveTo(cx + r, cy);
          dots.arc(cx, cy, r, 0, 2 * Math.PI);
        }
        ctx.fillStyle = shape.color;
        ctx.fill(dots);
      }
      if (shape.width > 0) {
        ctx.strokeStyle = shape.color;
        ctx.lineWidth = shape.width;
        ctx.setLineDash(dashPattern(shape.dash, shape.width));
        ctx.stroke(line);
      }
    }
  }

  /** Remove every shape. */
  clear(): void {
    this.context()?.clearRect(0, 0, this.el.width, this.el.height);
  }

  /** The canvas's 2D context. */
  private context(): CanvasRenderingContext2D | null {
    return this.el.getContext("2d");
  }
}
