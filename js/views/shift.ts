/**
 * The shift-function view: for each run against the baseline, the difference (run − baseline)
 * at each quantile with its simultaneous band and a zero line, from the kernel's
 * `stats.shift_function`; redrawn with every statistics update (while brushing as shapes,
 * see js/views/common.ts). "Faster only in the tail" shows as a curve below zero at the right
 * end only.
 */

import { plotlyText } from "../data";
import { shortColumnLabel } from "../labels";
import { unitScale } from "../prepared";
import { withAlpha } from "../theme";
import {
  axis,
  baseLayout,
  niceRange,
  panelTitle,
  runLabel,
  type DrawState,
  type Figure,
  type OverlayShape,
  type ViewSpec,
  type ViewUpdate,
} from "./common";

/** One run's curve against the baseline in display units (null: no value at that quantile). */
interface ShiftCurve {
  name: string;
  color: string;
  q: readonly (number | null)[];
  high: (number | null)[];
  low: (number | null)[];
  difference: (number | null)[];
}

/** Every run's curve (its traces stay when it has no values), the y axis, and its unit suffix. */
function shiftCurves(state: DrawState): { curves: ShiftCurve[]; lo: number; hi: number; suffix: string } | string {
  const { stats, runs, colors, prep } = state;
  // a run without enough requests in the selection has no value at any quantile (its traces
  // stay, empty: the figure keeps its traces, so new numbers redraw it incrementally)
  const entries = stats.shift_function;
  if (!entries.some((e) => e.difference.some((v) => v !== null))) {
    return "Not enough data for a shift function: it needs requests of the baseline and of another run in the selection.";
  }
  const unit = stats.dimension === prep.dimension ? prep.yUnit : "s";
  const { scale, suffix } = unitScale(unit);
  let lo = 0;
  let hi = 0;
  const ms = (v: readonly (number | null)[]): (number | null)[] =>
    v.map((x) => {
      if (x === null || !Number.isFinite(x)) return null;
      lo = Math.min(lo, x * scale);
      hi = Math.max(hi, x * scale);
      return x * scale;
    });
  const curves = entries.map((entry) => {
    const run = runs.find((r) => r.name === entry.name);
    const base = runs.find((r) => r.name === entry.baseline);
    return {
      name: plotlyText(`${runLabel(run) || entry.name} \u2212 ${runLabel(base) || entry.baseline}`),
      color: run?.color ?? colors.muted,
      q: entry.quantiles,
      high: ms(entry.ci_high),
      low: ms(entry.ci_low),
      difference: ms(entry.difference),
    };
  });
  return { curves, lo, hi, suffix };
}

export function shiftFigure(state: DrawState): Figure | string {
  const { stats, colors } = state;
  const parts = shiftCurves(state);
  if (typeof parts === "string") return parts;
  const { curves, suffix } = parts;
  const data: Record<string, unknown>[] = [];
  for (const c of curves) {
    data.push({
      type: "scatter",
      mode: "lines",
      x: c.q,
      y: c.high,
      line: { width: 0, color: c.color },
      hoverinfo: "skip",
      showlegend: false,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      x: c.q,
      y: c.low,
      fill: "tonexty",
      fillcolor: withAlpha(c.color, 0.18),
      line: { width: 0, color: c.color },
      hoverinfo: "skip",
      showlegend: false,
    });
    data.push({
      type: "scatter",
      mode: "lines+markers",
      x: c.q,
      y: c.difference,
      line: { color: c.color, width: 1.8 },
      marker: { color: c.color, size: 4 },
      name: c.name,
      hovertemplate: `${c.name}<br>quantile %{x:.2f}: %{y:+.3~f}${plotlyText(suffix)}<extra></extra>`,
    });
  }
  return {
    data,
    layout: {
      ...baseLayout(colors),
      margin: { l: 60, r: 10, t: 30, b: 10 },
      title: panelTitle("Shift function: run \u2212 baseline at each quantile (band: simultaneous CI)", colors),
      xaxis: axis(colors, { range: [0, 1], tickformat: ".0%", title: { text: "quantile", standoff: 6 } }),
      yaxis: axis(colors, {
        range: niceRange(parts.lo, parts.hi, false),
        autorange: false,
        zeroline: true,
        zerolinecolor: colors.muted,
        title: { text: plotlyText(`difference in ${shortColumnLabel(stats.dimension)}${suffix}`), standoff: 6 },
      }),
      shapes: [
        {
          type: "line",
          xref: "paper",
          x0: 0,
          x1: 1,
          yref: "y",
          y0: 0,
          y1: 0,
          line: { color: colors.muted, width: 1, dash: "dot" },
        },
      ],
      hovermode: "closest",
    },
  };
}

/** A kernel answer while brushing: the figure's bands and curves as shapes. */
export function shiftUpdate(state: DrawState): ViewUpdate {
  const parts = shiftCurves(state);
  if (typeof parts === "string") return { shapes: [] };
  const shapes: OverlayShape[] = [];
  for (const c of parts.curves) {
    // the band between the interval's ends, where both exist
    const at = c.q.map((_, k) => k).filter((k) => c.q[k] != null && c.high[k] != null && c.low[k] != null);
    shapes.push({
      x: [...at.map((k) => c.q[k] as number), ...at.map((k) => c.q[k] as number).reverse()],
      y: [...at.map((k) => c.high[k] as number), ...at.map((k) => c.low[k] as number).reverse()],
      color: c.color,
      width: 0,
      fill: { mode: "toself", color: withAlpha(c.color, 0.18) ?? c.color },
    });
    shapes.push({
      x: c.q.map((v) => v ?? Number.NaN),
      y: c.difference.map((v) => v ?? Number.NaN),
      color: c.color,
      width: 1.8,
      markers: 4,
    });
  }
  return { shapes, axes: { yaxis: { reach: [parts.lo, parts.hi], range: niceRange(parts.lo, parts.hi, false) } } };
}

export const shiftView: ViewSpec = {
  id: "shift",
  area: "grid",
  redrawOn: ["data", "stats"],
  figure: shiftFigure,
  update: shiftUpdate,
};
