/**
 * The box view: box plots of the selected rows per run (Tukey whiskers, mean marked), the rows
 * outside the ranges as a faint wider box behind; short run labels on the category axis.
 */

import { boxSummary, plotlyText, positivePart, shorten } from "../data";
import type { Split } from "../prepared";
import type { RunMeta } from "../protocol";
import { withAlpha } from "../theme";
import {
  axis,
  axisTitle,
  baseLayout,
  emptySelectionNote,
  panelTitle,
  runLabel,
  selectionOf,
  sloShapes,
  type DrawState,
  type Figure,
  type ViewSpec,
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

/** Box plots of the selected rows per run, the rows outside the range as a faint wider box. */
export function boxFigure(state: DrawState): Figure {
  const { prep, runs, splits, logAxis, colors, slo } = state;
  const range = selectionOf(state);
  const data: Record<string, unknown>[] = [];
  const labels = categoryLabels(runs, state.width);
  runs.forEach((run, i) => {
    const split = splits[i] as Split;
    const name = plotlyText(run.name);
    const box = (values: Float64Array, selected: boolean): void => {
      const s = boxSummary(logAxis ? positivePart(values) : values, true);
      if (s === null) return;
      data.push({
        type: "box",
        x: [i],
        q1: [s.q1],
        median: [s.median],
        q3: [s.q3],
        lowerfence: [s.lowerfence],
        upperfence: [s.upperfence],
        mean: [s.mean],
        boxmean: selected,
        boxpoints: false,
        width: selected ? 0.42 : 0.7,
        name: selected ? name : `${name} (outside the range)`,
        marker: { color: run.color },
        line: { color: selected ? run.color : withAlpha(run.color, 0.35), width: selected ? 1.6 : 1 },
        fillcolor: withAlpha(run.color, selected ? 0.3 : 0.07),
        hoverinfo: "y",
        hoverlabel: { namelength: -1 },
        showlegend: false,
      });
    };
    if (split.outside.length > 0) box(split.outside, false);
    box(split.inside, true);
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
        tickangle: 0,
        showgrid: false,
        zeroline: false,
      }),
      yaxis: axis(colors, {
        type: logAxis ? "log" : "linear",
        title: { text: plotlyText(title), standoff: 6 },
      }),
      hovermode: "closest",
    },
  };
}


export const boxView: ViewSpec = {
  id: "box",
  area: "grid",
  redrawOn: ["data", "selection"],
  note: emptySelectionNote,
  figure: boxFigure,
};
