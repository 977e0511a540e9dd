/**
 * The box view: box plots of the selected rows per run (Tukey whiskers, mean marked), the rows
 * outside the ranges as a faint wider box behind; short run labels on the category axis. The
 * box numbers are order statistics of the selection (a handful of O(log n) reads), handed to
 * plotly's box trace precomputed.
 */

import { plotlyText, shorten } from "../data";
import type { RunMeta } from "../protocol";
import { boxSummary, positivePart, type BoxSummary, type SortedSample } from "../sample";
import { withAlpha } from "../theme";
import {
  axis,
  axisTitle,
  baseLayout,
  emptySelectionNote,
  niceRange,
  panelTitle,
  runLabel,
  selectionOf,
  sloShapes,
  type DrawState,
  type Figure,
  type OverlayShape,
  type ViewSpec,
  type ViewUpdate,
} from "./common";

function categoryLabels(runs: readonly RunMeta[], widthPx: number): string[] {
  const seen = new Map<string, number>();
  // about 8.5 px per character (12 px font), a little space between neighbours
  const max = Math.max(6, Math.min(40, Math.floor((widthPx - 80) / runs.length / 8.5) - 1));
  return runs.map((run) => {
    let label = runLabel(run);
    const count = seen.get(label) ?? 0;
    seen.set(label, count + 1);
    if (count > 0) label = `${label} (${count + 1})`;
    return wrapLabel(label, max).map(plotlyText).join("<br>");
  });
}

/**
 * A label as at most two lines of `max` characters, broken at spaces; what does not fit is cut
 * in the middle (the differing end stays readable).
 */
export function wrapLabel(label: string, max: number): string[] {
  if (label.length <= max) return [label];
  const words = label.split(" ");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const next = line === "" ? word : `${line} ${word}`;
    if (next.length <= max || line === "") {
      line = next;
    } else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  if (lines.length <= 2) return lines.map((l) => shorten(l, max));
  // keep the first line and the end of the label (where the names differ)
  const first = shorten(lines[0] as string, max);
  return [first, shorten(lines.slice(1).join(" "), max)];
}

/** The box of the rows outside the ranges (faint, wide) and of those inside (mean marked). */
const OUTSIDE_WIDTH = 0.7;
const INSIDE_WIDTH = 0.42;

/** Per run: box numbers of the rows outside and inside the ranges (null: none), and the y axis. */
function boxes(state: DrawState): {
  runs: { outside: BoxSummary | null; inside: BoxSummary | null }[];
  yRange: [number, number];
  /** The fences' extent (plotly's units). */
  reach: [number, number];
} {
  const { selection, logAxis } = state;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const summary = (sample: SortedSample): BoxSummary | null => {
    const s = boxSummary(logAxis ? positivePart(sample) : sample);
    if (s !== null) {
      lo = Math.min(lo, s.lowerfence);
      hi = Math.max(hi, s.upperfence);
    }
    return s;
  };
  const runs = state.runs.map((_, i) => {
    const sel = selection[i];
    if (!sel) return { outside: null, inside: null };
    return { outside: summary(sel.outside), inside: summary(sel.inside) };
  });
  if (!Number.isFinite(lo)) return { runs, yRange: [0, 1], reach: [0, 1] };
  const reach: [number, number] = logAxis ? [Math.log10(lo), Math.log10(hi)] : [lo, hi];
  return { runs, yRange: niceRange(lo, hi, logAxis), reach };
}

/** Box plots of the selected rows per run, the rows outside the range as a faint wider box. */
export function boxFigure(state: DrawState): Figure {
  const { prep, runs, logAxis, colors, slo } = state;
  const range = selectionOf(state);
  const data: Record<string, unknown>[] = [];
  const labels = categoryLabels(runs, state.width);
  const parts = boxes(state);
  runs.forEach((run, i) => {
    const part = parts.runs[i] ?? { outside: null, inside: null };
    const name = plotlyText(run.name);
    const box = (s: BoxSummary | null, selected: boolean): void => {
      // an empty box trace rather than none: the figure keeps its traces (incremental redraws)
      const one = (v: number): number[] => (s === null ? [] : [v]);
      data.push({
        type: "box",
        x: s === null ? [] : [i],
        q1: one(s?.q1 ?? 0),
        median: one(s?.median ?? 0),
        q3: one(s?.q3 ?? 0),
        lowerfence: one(s?.lowerfence ?? 0),
        upperfence: one(s?.upperfence ?? 0),
        mean: one(s?.mean ?? 0),
        boxmean: selected,
        boxpoints: false,
        width: selected ? INSIDE_WIDTH : OUTSIDE_WIDTH,
        name: selected ? name : `${name} (outside the range)`,
        marker: { color: run.color },
        line: { color: selected ? run.color : withAlpha(run.color, 0.35), width: selected ? 1.6 : 1 },
        fillcolor: withAlpha(run.color, selected ? 0.3 : 0.07),
        hoverinfo: "y",
        hoverlabel: { namelength: -1 },
        showlegend: false,
      });
    };
    box(part.outside, false);
    box(part.inside, true);
  });
  const title = axisTitle(prep.dimension, prep.yUnit, true);
  return {
    data,
    layout: {
      ...baseLayout(colors),
      boxmode: "overlay",
      margin: { l: 60, r: 10, t: 30, b: 10 },
      shapes: sloShapes(slo, colors, { y: { column: prep.dimension, scale: prep.yScale } }),
      title: panelTitle(
        range === null ? "All requests per run" : "Selected requests per run (faint: outside the range)",
        colors,
      ),
      xaxis: axis(colors, {
        tickvals: runs.map((_, i) => i),
        ticktext: labels,
        range: [-0.6, runs.length - 0.4],
        autorange: false,
        tickangle: 0,
        showgrid: false,
        zeroline: false,
      }),
      yaxis: axis(colors, {
        type: logAxis ? "log" : "linear",
        title: { text: plotlyText(title), standoff: 6 },
        range: parts.yRange,
        autorange: false,
      }),
      hovermode: "closest",
    },
  };
}

/** A box as shapes drawn like plotly's box trace (whisker caps half as wide, dashed mean). */
function boxShapes(s: BoxSummary, at: number, width: number, style: { line: string; fill: string; lineWidth: number; mean: boolean }): OverlayShape[] {
  const a = at - width / 2;
  const b = at + width / 2;
  const capA = at - width / 4;
  const capB = at + width / 4;
  const line = { color: style.line, width: style.lineWidth };
  const shapes: OverlayShape[] = [
    { x: [a, b, b, a, a], y: [s.q1, s.q1, s.q3, s.q3, s.q1], ...line, fill: { mode: "toself", color: style.fill } },
    {
      x: [a, b, Number.NaN, at, at, Number.NaN, at, at, Number.NaN, capA, capB, Number.NaN, capA, capB],
      y: [s.median, s.median, Number.NaN, s.q3, s.upperfence, Number.NaN, s.q1, s.lowerfence, Number.NaN,
        s.upperfence, s.upperfence, Number.NaN, s.lowerfence, s.lowerfence],
      ...line,
    },
  ];
  if (style.mean) {
    shapes.push({ x: [a, b], y: [s.mean, s.mean], ...line, dash: `${2 * style.lineWidth}px,${style.lineWidth}px` });
  }
  return shapes;
}

/** A brush step: the figure's boxes as shapes. */
export function boxUpdate(state: DrawState): ViewUpdate {
  const parts = boxes(state);
  const shapes: OverlayShape[] = [];
  state.runs.forEach((run, i) => {
    const part = parts.runs[i];
    if (part?.outside) {
      shapes.push(...boxShapes(part.outside, i, OUTSIDE_WIDTH, {
        line: withAlpha(run.color, 0.35) ?? run.color, fill: withAlpha(run.color, 0.07) ?? run.color, lineWidth: 1, mean: false,
      }));
    }
    if (part?.inside) {
      shapes.push(...boxShapes(part.inside, i, INSIDE_WIDTH, {
        line: run.color, fill: withAlpha(run.color, 0.3) ?? run.color, lineWidth: 1.6, mean: true,
      }));
    }
  });
  return { shapes, axes: { yaxis: { reach: parts.reach, range: parts.yRange } } };
}

export const boxView: ViewSpec = {
  id: "box",
  area: "grid",
  redrawOn: ["data", "selection"],
  note: emptySelectionNote,
  figure: boxFigure,
  update: boxUpdate,
};
