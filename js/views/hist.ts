/**
 * The histogram view: overlaid step histograms (shared bins, share of requests) of the
 * selected rows per run, the rows outside the ranges as a faint dotted outline.
 */

import { binSharesSorted, plotlyText, stepLine } from "../data";
import type { Split } from "../prepared";
import { withAlpha } from "../theme";
import {
  axis,
  axisTitle,
  baseLayout,
  emptySelectionNote,
  panelTitle,
  selectionOf,
  sloShapes,
  type DrawState,
  type Figure,
  type ViewSpec,
} from "./common";

/** Overlaid step histograms (shared bins, share of requests) of the selected rows per run. */
export function histFigure(state: DrawState): Figure {
  const { prep, runs, splits, logAxis, colors, slo } = state;
  const range = selectionOf(state);
  const edges = logAxis ? prep.edges.log : prep.edges.linear;
  const data: Record<string, unknown>[] = [];
  if (edges !== null) {
    runs.forEach((run, i) => {
      const split = splits[i] as Split;
      const name = plotlyText(run.name);
      if (split.outside.length > 0) {
        const line = stepLine(edges, binSharesSorted(split.outside, edges));
        data.push({
          type: "scatter",
          mode: "lines",
          x: line.x,
          y: line.y,
          line: { shape: "hv", color: withAlpha(run.color, 0.45), width: 1, dash: "dot" },
          name: `${name} (outside the range)`,
          hovertemplate: `${name} (outside the range)<br>%{y:.1%}<extra></extra>`,
          showlegend: false,
        });
      }
      if (split.inside.length > 0) {
        const line = stepLine(edges, binSharesSorted(split.inside, edges));
        data.push({
          type: "scatter",
          mode: "lines",
          x: line.x,
          y: line.y,
          line: { shape: "hv", color: run.color, width: 1.6 },
          fill: "tozeroy",
          fillcolor: withAlpha(run.color, 0.16),
          name,
          hovertemplate: `${name}<br>%{x:.3~f}: %{y:.1%}<extra></extra>`,
          showlegend: false,
        });
      }
    });
  }
  const title = axisTitle(prep.dimension, prep.yUnit, true);
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
      }),
      yaxis: axis(colors, { tickformat: ".0%", rangemode: "tozero" }),
      hovermode: "closest",
    },
  };
}

export const histView: ViewSpec = {
  id: "hist",
  area: "grid",
  redrawOn: ["data", "selection"],
  note: emptySelectionNote,
  figure: histFigure,
};
