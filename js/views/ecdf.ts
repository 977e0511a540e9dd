/**
 * The ECDF view: the cumulative share of the selected requests at or below each value, per
 * run, the rows outside the ranges as a faint dotted curve; log x when `log_axis`.
 */

import { ecdfPoints, plotlyText, positivePart } from "../data";
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

export const ECDF_Y_TITLE = "cumulative share of requests";
/** Points per drawn curve (exact at each; a few hundred whatever the run size). */
const ECDF_POINTS = 240;

export function ecdfFigure(state: DrawState): Figure {
  const { prep, runs, splits, colors, logAxis } = state;
  const data: Record<string, unknown>[] = [];
  runs.forEach((run, i) => {
    const split = splits[i];
    if (!split) return;
    const name = plotlyText(run.name);
    const values = (v: Float64Array): Float64Array => (logAxis ? positivePart(v) : v);
    if (split.outside.length > 0) {
      const e = ecdfPoints(values(split.outside), ECDF_POINTS);
      data.push({
        type: "scatter",
        mode: "lines",
        x: e.x,
        y: e.y,
        line: { shape: "hv", color: withAlpha(run.color, 0.45), width: 1, dash: "dot" },
        name: `${name} (outside the range)`,
        hovertemplate: `${name} (outside the range)<br>%{x:.3~f}: %{y:.1%}<extra></extra>`,
      });
    }
    const e = ecdfPoints(values(split.inside), ECDF_POINTS);
    data.push({
      type: "scatter",
      mode: "lines",
      x: e.x,
      y: e.y,
      line: { shape: "hv", color: run.color, width: 1.8 },
      name,
      hovertemplate: `${name}<br>%{x:.3~f}: %{y:.1%}<extra></extra>`,
    });
  });
  const range = selectionOf(state);
  return {
    data,
    layout: {
      ...baseLayout(colors),
      margin: { l: 55, r: 10, t: 30, b: 10 },
      title: panelTitle(
        range === null ? "ECDF per run" : "ECDF of the selected requests (dotted: outside the range)",
        colors,
      ),
      xaxis: axis(colors, {
        type: logAxis ? "log" : "linear",
        title: { text: plotlyText(axisTitle(prep.dimension, prep.yUnit, true)), standoff: 6 },
      }),
      yaxis: axis(colors, {
        range: [0, 1.02],
        tickformat: ".0%",
        title: { text: ECDF_Y_TITLE, standoff: 6 },
      }),
      hovermode: "closest",
      shapes: sloShapes(state.slo, colors, { x: { column: prep.dimension, scale: prep.yScale } }),
    },
  };
}

export const ecdfView: ViewSpec = {
  id: "ecdf",
  area: "grid",
  redrawOn: ["data", "selection"],
  note: emptySelectionNote,
  figure: ecdfFigure,
};
