/**
 * The density view of a big run, one definition for every view that draws points (the
 * scatter, the time view): above `density_threshold` points a run is drawn as a 2-D histogram
 * binned here in one pass (plotly then only sums the few non-empty cells), in the run's colour
 * with an opacity ramp that keeps sparse regions visible next to a dense spike.
 */

import { binCentre, binCounts2d, plotlyText, type Bins, type Points } from "../data";
import type { RunMeta } from "../protocol";
import { withAlpha } from "../theme";

/** Colour-scale stops (share of the densest cell → opacity): steep at the low end. */
const DENSITY_STOPS: readonly [number, number][] = [
  [0, 0],
  [0.0001, 0.12],
  [0.01, 0.3],
  [0.05, 0.5],
  [0.2, 0.75],
  [1, 0.95],
];

/** plotly's xbins / ybins for equal-width bins. */
export function binsSpec(b: Bins): Record<string, number> {
  return { start: b.start, end: b.start + b.count * b.size, size: b.size };
}

/** The non-empty cells of a 2-D histogram as (x centre, y centre, count) columns. */
export function densityCells(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  bx: Bins,
  by: Bins,
): { x: number[]; y: number[]; z: number[] } {
  const counts = binCounts2d(xs, ys, bx, by);
  const cells = { x: [] as number[], y: [] as number[], z: [] as number[] };
  for (let j = 0; j < by.count; j++) {
    for (let i = 0; i < bx.count; i++) {
      const c = counts[j * bx.count + i] as number;
      if (c === 0) continue;
      cells.x.push(binCentre(bx, i));
      cells.y.push(binCentre(by, j));
      cells.z.push(c);
    }
  }
  return cells;
}

/** A run's points as a density trace on the (bx, by) grid; `extra` adds trace keys (axes...). */
export function densityTrace(
  points: Points,
  bx: Bins,
  by: Bins,
  run: RunMeta,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const cells = densityCells(points.x, points.y, bx, by);
  const name = plotlyText(run.name);
  return {
    type: "histogram2d",
    x: cells.x,
    y: cells.y,
    z: cells.z,
    histfunc: "sum",
    xbins: binsSpec(bx),
    ybins: binsSpec(by),
    colorscale: DENSITY_STOPS.map(([stop, alpha]) => [stop, withAlpha(run.color, alpha) ?? run.color]),
    showscale: false,
    hovertemplate: `${name}<br>%{z} requests<extra></extra>`,
    name,
    ...extra,
  };
}
