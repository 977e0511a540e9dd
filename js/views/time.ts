/**
 * The time view: the compared dimension against each request's start time (seconds since the
 * run's first request), one colour per run, WebGL points (a 2-D histogram above the density
 * threshold), with a binned rolling median (solid) and p90 (dashed) per run over the rows in
 * the token range. Dragging across it sets `time_range` (its veil shows the range).
 */

import { coverBins, plotlyText, type Bins } from "../data";
import { binQuantiles, prepareLines } from "../selection";
import {
  axis,
  axisTitle,
  baseLayout,
  panelTitle,
  paddedRange,
  runLabel,
  sloShapes,
  zeroBasedRange,
  type DrawState,
  type Figure,
  type OverlayShape,
  type ViewSpec,
} from "./common";
import { densityTrace } from "./density";

export const TIME_AXIS_TITLE = "request start time (s since the run's first request)";
/** Most time bins of the median / p90 lines. */
const LINE_BINS = 48;
const DENSITY_BINS_X = 120;
const DENSITY_BINS_Y = 60;

/** Time bins of the lines: up to LINE_BINS, fewer for small runs (≈ 15+ rows per bin). */
function lineBins(state: DrawState): Bins | null {
  const ext = state.prep.tExtent;
  if (ext === null) return null;
  const sizes = state.prep.timePoints.flatMap((p) => (p === null ? [] : [p.x.length]));
  const fewest = sizes.length === 0 ? 0 : Math.min(...sizes);
  const count = Math.max(4, Math.min(LINE_BINS, Math.floor(fewest / 15)));
  return coverBins(ext[0], ext[1], count);
}

/** The time view's figure: points (or density cells) per run with start times. */
export function timeFigure(state: DrawState): Figure | string {
  const { prep, runs, colors } = state;
  if (prep.timePoints.every((p) => p === null)) {
    return "No request start times in these runs: the time view needs them.";
  }
  const data: Record<string, unknown>[] = [];
  const total = prep.timePoints.reduce((a, p) => a + (p?.x.length ?? 0), 0);
  const size = total <= 5_000 ? 4 : total <= 50_000 ? 3 : 2;
  const opacity = total <= 5_000 ? 0.45 : total <= 50_000 ? 0.3 : 0.18;
  const [tLo, tHi] = prep.tExtent ?? [0, 1];
  const [yLo, yHi] = prep.yExtent ?? [0, 1];
  const yTitle = axisTitle(prep.dimension, prep.yUnit);
  runs.forEach((run, i) => {
    const pts = prep.timePoints[i];
    if (!pts) return;
    const name = plotlyText(run.name);
    if (pts.x.length > prep.densityThreshold) {
      data.push(densityTrace(pts, coverBins(tLo, tHi, DENSITY_BINS_X), coverBins(yLo, yHi, DENSITY_BINS_Y), run));
      return;
    }
    data.push({
      type: "scattergl",
      mode: "markers",
      x: pts.x,
      y: pts.y,
      name,
      marker: { color: run.color, size, opacity, line: { width: 0 } },
      selected: { marker: { opacity } },
      unselected: { marker: { opacity } },
      hovertemplate: `${name}<br>start %{x:.1f} s<br>${plotlyText(yTitle)}: %{y:.3~f}<extra></extra>`,
    });
  });
  return {
    data,
    layout: {
      ...baseLayout(colors),
      margin: { l: 60, r: 10, t: 30, b: 40 },
      title: panelTitle(
        "Over time: solid = rolling median, dashed = p90 of the selected requests; drag to select a time range",
        colors,
      ),
      dragmode: "select",
      selectdirection: "h",
      hovermode: "closest",
      uirevision: `time|${prep.dimension}`,
      xaxis: axis(colors, {
        range: paddedRange(prep.tExtent),
        autorange: false,
        title: { text: plotlyText(TIME_AXIS_TITLE), standoff: 6 },
      }),
      yaxis: axis(colors, {
        range: zeroBasedRange(prep.yExtent),
        autorange: false,
        title: { text: plotlyText(axisTitle(prep.dimension, prep.yUnit, true)), standoff: 6 },
      }),
      shapes: sloShapes(state.slo, colors, { y: { column: prep.dimension, scale: prep.yScale } }),
    },
  };
}

/** The median and p90 lines per run, over the rows in the token range (all start times). */
export function timeLines(state: DrawState): OverlayShape[] {
  const bins = lineBins(state);
  if (bins === null) return [];
  const centres = Array.from({ length: bins.count }, (_, k) => bins.start + (k + 0.5) * bins.size);
  const lines: OverlayShape[] = [];
  state.runs.forEach((run, i) => {
    const rows = state.prep.sorted[i];
    if (!rows || rows.t === null || state.prep.timePoints[i] === null) return;
    const [median, p90] = binQuantiles(state.prep, i, state.tokenRange, bins, [0.5, 0.9]);
    lines.push({ x: centres, y: median as Float64Array, color: run.color, width: 2.2 });
    lines.push({ x: centres, y: p90 as Float64Array, color: run.color, width: 1.4, dash: "5 3" });
  });
  return lines;
}

export const timeView: ViewSpec = {
  id: "time",
  area: "grid",
  redrawOn: ["data"],
  needs: ["request_start"],
  brush: { range: "time_range", yAxes: ["yaxis"] },
  note: (state) => {
    const without = state.runs.filter((_, i) => state.prep.timePoints[i] === null).map(runLabel);
    if (without.length === 0 || without.length === state.runs.length) return "";
    return `${without.join(", ")}: no request start times, left out of the time view.`;
  },
  figure: timeFigure,
  overlay: timeLines,
  warm: async (state) => {
    const bins = lineBins(state);
    if (bins !== null) await Promise.all(state.prep.sorted.map((_, i) => prepareLines(state.prep, i, bins)));
  },
};
