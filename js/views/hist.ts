/**
 * The histogram view: overlaid step histograms (shared bins, share of requests) of the
 * selected rows per run, the rows outside the ranges as a faint dotted outline. Bin shares
 * come from the selection's counts at the bin edges (O(bins log n) per brush step).
 */

import { plotlyText, stepLine } from "../data";
import { binShares } from "../sample";
import { withAlpha } from "../theme";
import {
  axis,
  axisTitle,
  baseLayout,
  emptySelectionNote,
  niceCeil,
  panelTitle,
  selectionOf,
  sloShapes,
  type DrawState,
  type Figure,
  type OverlayShape,
  type ViewSpec,
  type ViewUpdate,
} from "./common";

type Line = { x: number[]; y: number[] };

/** Per run: the step outlines of the rows outside the ranges and inside them (empty: none). */
interface HistLines {
  edges: Float64Array | null;
  runs: { outside: Line; inside: Line }[];
  /** The share axis: from 0 to a nice number above the highest bin. */
  yRange: [number, number];
  /** The highest bin. */
  top: number;
}

const NONE: Line = { x: [], y: [] };

function histLines(state: DrawState): HistLines {
  const { prep, runs, selection, logAxis } = state;
  const edges = logAxis ? prep.edges.log : prep.edges.linear;
  let top = 0;
  const lines = runs.map((_, i) => {
    const sel = selection[i];
    if (edges === null || sel === undefined) return { outside: NONE, inside: NONE };
    const line = (shares: Float64Array): Line => {
      for (const v of shares) top = Math.max(top, v);
      return stepLine(edges, shares);
    };
    return {
      outside: sel.outside.size > 0 ? line(binShares(sel.outside, edges)) : NONE,
      inside: sel.inside.size > 0 ? line(binShares(sel.inside, edges)) : NONE,
    };
  });
  return { edges, runs: lines, yRange: [0, niceCeil(Math.max(top, 0.01) * 1.05)], top };
}

function xRange(edges: Float64Array | null, log: boolean): [number, number] | undefined {
  if (edges === null) return undefined;
  const lo = edges[0] as number;
  const hi = edges[edges.length - 1] as number;
  return log ? [Math.log10(lo), Math.log10(hi)] : [lo, hi];
}

/** Overlaid step histograms (shared bins, share of requests) of the selected rows per run. */
export function histFigure(state: DrawState): Figure {
  const { prep, runs, logAxis, colors, slo } = state;
  const range = selectionOf(state);
  const lines = histLines(state);
  const data: Record<string, unknown>[] = [];
  runs.forEach((run, i) => {
    const name = plotlyText(run.name);
    const line = lines.runs[i] ?? { outside: NONE, inside: NONE };
    data.push({
      type: "scatter",
      mode: "lines",
      x: line.outside.x,
      y: line.outside.y,
      line: { shape: "hv", color: withAlpha(run.color, 0.45), width: 1, dash: "dot" },
      name: `${name} (outside the range)`,
      hovertemplate: `${name} (outside the range)<br>%{y:.1%}<extra></extra>`,
      showlegend: false,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      x: line.inside.x,
      y: line.inside.y,
      line: { shape: "hv", color: run.color, width: 1.6 },
      fill: "tozeroy",
      fillcolor: withAlpha(run.color, 0.16),
      name,
      hovertemplate: `${name}<br>%{x:.3~f}: %{y:.1%}<extra></extra>`,
      showlegend: false,
    });
  });
  const title = axisTitle(prep.dimension, prep.yUnit, true);
  const x = xRange(lines.edges, logAxis);
  return {
    data,
    layout: {
      ...baseLayout(colors),
      margin: { l: 55, r: 10, t: 30, b: 10 },
      shapes: sloShapes(slo, colors, { x: { column: prep.dimension, scale: prep.yScale } }),
      title: panelTitle(
        range === null
          ? "Share of requests per bin"
          : "Share of selected requests per bin (dotted: outside the range)",
        colors,
      ),
      xaxis: axis(colors, {
        type: logAxis ? "log" : "linear",
        title: { text: plotlyText(title), standoff: 6 },
        ...(x ? { range: x, autorange: false } : {}),
      }),
      yaxis: axis(colors, { tickformat: ".0%", range: lines.yRange, autorange: false }),
      hovermode: "closest",
    },
  };
}

/** A brush step: the figure's step lines as shapes. */
export function histUpdate(state: DrawState): ViewUpdate {
  const lines = histLines(state);
  const shapes: OverlayShape[] = [];
  state.runs.forEach((run, i) => {
    const line = lines.runs[i];
    if (!line) return;
    const faint = withAlpha(run.color, 0.45) ?? run.color;
    shapes.push({ ...line.outside, color: faint, width: 1, dash: "dot", steps: true });
    const fill = { mode: "tozeroy" as const, color: withAlpha(run.color, 0.16) ?? run.color };
    shapes.push({ ...line.inside, color: run.color, width: 1.6, steps: true, fill });
  });
  return { shapes, axes: { yaxis: { reach: [0, lines.top], range: lines.yRange } } };
}

export const histView: ViewSpec = {
  id: "hist",
  area: "grid",
  redrawOn: ["data", "selection"],
  note: emptySelectionNote,
  figure: histFigure,
  update: histUpdate,
};
