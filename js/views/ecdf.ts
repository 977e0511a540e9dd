/**
 * The ECDF view: the cumulative share of the selected requests at or below each value, per
 * run, the rows outside the ranges as a faint dotted curve; log x when `log_axis`. Each curve
 * is the selection's values at evenly spaced ranks (order statistics of the selection), exact
 * at every drawn point; the x axis spans every run's values, fixed while brushing.
 */

import { plotlyText } from "../data";
import { ecdfPoints, positivePart, type SortedSample } from "../sample";
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
  type OverlayShape,
  type ViewSpec,
  type ViewUpdate,
} from "./common";

export const ECDF_Y_TITLE = "cumulative share of requests";
/**
 * Points per drawn curve (exact at each; the same whatever the run's size): about one per
 * pixel column of a view (more would be drawn into the same columns, at a cost on every brush
 * step: each point is an order statistic of the selection).
 */
export const ECDF_POINTS = 500;

type Curve = { x: number[]; y: number[] };

/** Per run: the ECDF of the rows outside the ranges and of those inside (empty: none). */
function ecdfCurves(state: DrawState): { outside: Curve; inside: Curve }[] {
  const curve = (s: SortedSample): Curve => ecdfPoints(state.logAxis ? positivePart(s) : s, ECDF_POINTS);
  return state.runs.map((_, i) => {
    const sel = state.selection[i];
    if (!sel) return { outside: { x: [], y: [] }, inside: { x: [], y: [] } };
    return { outside: curve(sel.outside), inside: curve(sel.inside) };
  });
}

/** The x axis: every run's values (the positive ones on a log axis), a little padding. */
function xRange(state: DrawState): [number, number] | undefined {
  const ext = state.prep.valueExtent;
  if (ext === null) return undefined;
  const log = state.logAxis;
  if (log && !(ext.minPositive < Number.POSITIVE_INFINITY && ext.max > 0)) return undefined;
  const lo = log ? Math.log10(ext.minPositive) : ext.min;
  const hi = log ? Math.log10(ext.max) : ext.max;
  const pad = hi > lo ? (hi - lo) * 0.02 : log ? 0.05 : Math.max(Math.abs(hi) * 0.05, 1e-9);
  return [lo - pad, hi + pad];
}

export function ecdfFigure(state: DrawState): Figure {
  const { prep, runs, colors, logAxis } = state;
  const curves = ecdfCurves(state);
  const data: Record<string, unknown>[] = [];
  runs.forEach((run, i) => {
    const name = plotlyText(run.name);
    const c = curves[i] as { outside: Curve; inside: Curve };
    data.push({
      type: "scatter",
      mode: "lines",
      x: c.outside.x,
      y: c.outside.y,
      line: { shape: "hv", color: withAlpha(run.color, 0.45), width: 1, dash: "dot" },
      name: `${name} (outside the range)`,
      hovertemplate: `${name} (outside the range)<br>%{x:.3~f}: %{y:.1%}<extra></extra>`,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      x: c.inside.x,
      y: c.inside.y,
      line: { shape: "hv", color: run.color, width: 1.8 },
      name,
      hovertemplate: `${name}<br>%{x:.3~f}: %{y:.1%}<extra></extra>`,
    });
  });
  const range = selectionOf(state);
  const x = xRange(state);
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
        ...(x ? { range: x, autorange: false } : {}),
      }),
      yaxis: axis(colors, {
        range: [0, 1.02],
        autorange: false,
        tickformat: ".0%",
        title: { text: ECDF_Y_TITLE, standoff: 6 },
      }),
      hovermode: "closest",
      shapes: sloShapes(state.slo, colors, { x: { column: prep.dimension, scale: prep.yScale } }),
    },
  };
}

/** A brush step: the figure's curves as shapes. */
export function ecdfUpdate(state: DrawState): ViewUpdate {
  const curves = ecdfCurves(state);
  const shapes: OverlayShape[] = [];
  state.runs.forEach((run, i) => {
    const c = curves[i];
    if (!c) return;
    shapes.push({ ...c.outside, color: withAlpha(run.color, 0.45) ?? run.color, width: 1, dash: "dot", steps: true });
    shapes.push({ ...c.inside, color: run.color, width: 1.8, steps: true });
  });
  return { shapes };
}

export const ecdfView: ViewSpec = {
  id: "ecdf",
  area: "grid",
  redrawOn: ["data", "selection"],
  note: emptySelectionNote,
  figure: ecdfFigure,
  update: ecdfUpdate,
};
