/**
 * The shift-function view: for each run against the baseline, the difference (run − baseline)
 * at each quantile with its simultaneous band and a zero line, from the kernel's
 * `stats.shift_function`; redrawn with every statistics update. "Faster only in the tail"
 * shows as a curve below zero at the right end only.
 */

import { plotlyText } from "../data";
import { shortColumnLabel } from "../labels";
import { unitScale } from "../prepared";
import { withAlpha } from "../theme";
import { axis, baseLayout, panelTitle, runLabel, type DrawState, type Figure, type ViewSpec } from "./common";

export function shiftFigure(state: DrawState): Figure | string {
  const { stats, runs, colors, prep } = state;
  // a run without enough requests in the selection has no value at any quantile
  const entries = stats.shift_function.filter((e) => e.difference.some((v) => v !== null));
  if (entries.length === 0) {
    return "Not enough data for a shift function: it needs requests of the baseline and of another run in the selection.";
  }
  const unit = stats.dimension === prep.dimension ? prep.yUnit : "s";
  const { scale, suffix } = unitScale(unit);
  const data: Record<string, unknown>[] = [];
  for (const entry of entries) {
    const run = runs.find((r) => r.name === entry.name);
    const color = run?.color ?? colors.muted;
    const name = plotlyText(`${runLabel(run) || entry.name} \u2212 ${runLabel(runs.find((r) => r.name === entry.baseline)) || entry.baseline}`);
    const q = entry.quantiles;
    const ms = (v: readonly (number | null)[]): (number | null)[] =>
      v.map((x) => (x !== null && Number.isFinite(x) ? x * scale : null));
    data.push({
      type: "scatter",
      mode: "lines",
      x: q,
      y: ms(entry.ci_high),
      line: { width: 0, color },
      hoverinfo: "skip",
      showlegend: false,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      x: q,
      y: ms(entry.ci_low),
      fill: "tonexty",
      fillcolor: withAlpha(color, 0.18),
      line: { width: 0, color },
      hoverinfo: "skip",
      showlegend: false,
    });
    data.push({
      type: "scatter",
      mode: "lines+markers",
      x: q,
      y: ms(entry.difference),
      line: { color, width: 1.8 },
      marker: { color, size: 4 },
      name,
      hovertemplate: `${name}<br>quantile %{x:.2f}: %{y:+.3~f}${plotlyText(suffix)}<extra></extra>`,
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

export const shiftView: ViewSpec = {
  id: "shift",
  area: "grid",
  redrawOn: ["data", "stats"],
  figure: shiftFigure,
};
