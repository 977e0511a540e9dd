/**
 * Lines over a plotly graph drawn as one small SVG (no plotly redraw): the time view's rolling
 * median / p90 follow every brush step this way while the WebGL points stay put.
 */

import { axisGeometry, placeBelowTopLayer } from "./plotly-adapter";
import type { OverlayLine } from "./views/common";

const SVG_NS = "http://www.w3.org/2000/svg";

export class LineOverlay {
  readonly el: SVGSVGElement;
  private readonly gd: HTMLElement;

  constructor(gd: HTMLElement) {
    this.gd = gd;
    this.el = document.createElementNS(SVG_NS, "svg");
    this.el.setAttribute("class", "tpot-overlay");
    this.el.dataset["testid"] = "overlay";
  }

  /** Draw `lines` (data coordinates of the graph's xaxis / yaxis), clipped to the plot area. */
  draw(lines: readonly OverlayLine[]): void {
    const xa = axisGeometry(this.gd, "xaxis");
    const ya = axisGeometry(this.gd, "yaxis");
    if (!xa || !ya) return;
    placeBelowTopLayer(this.gd, this.el);
    const style = this.el.style;
    style.left = `${xa.offset}px`;
    style.top = `${ya.offset}px`;
    style.width = `${xa.length}px`;
    style.height = `${ya.length}px`;
    this.el.setAttribute("viewBox", `0 0 ${xa.length} ${ya.length}`);
    const paths = lines.map((line) => {
      const path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", linePath(line, xa.toPixel, ya.toPixel));
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", line.color);
      path.setAttribute("stroke-width", String(line.width));
      if (line.dash) path.setAttribute("stroke-dasharray", line.dash);
      return path;
    });
    this.el.replaceChildren(...paths);
  }
}

/** An SVG path through the finite points of `line` (a gap where a value is missing). */
export function linePath(
  line: Pick<OverlayLine, "x" | "y">,
  toX: (v: number) => number,
  toY: (v: number) => number,
): string {
  const parts: string[] = [];
  let pen = false;
  const n = Math.min(line.x.length, line.y.length);
  for (let i = 0; i < n; i++) {
    const x = line.x[i] as number;
    const y = line.y[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? "L" : "M"}${toX(x).toFixed(1)},${toY(y).toFixed(1)}`);
    pen = true;
  }
  return parts.join("");
}
