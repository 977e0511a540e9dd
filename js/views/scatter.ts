/**
 * The scatter view: x dimension against the compared dimension per run (WebGL points, or a
 * 2-D histogram above the density threshold) with marginal histograms; the token brush and
 * its veil live on it. Points outside the settled time range are left out.
 */

import { binCentre, binCounts, coverBins, plotlyText, type Bins, type Points } from "../data";
import type { RunMeta } from "../protocol";
import { unitScale, type Prepared } from "../prepared";
import { withAlpha, type PlotColors } from "../theme";
import {
  axis,
  axisTitle,
  baseLayout,
  paddedRange,
  plotLabel,
  sloShapes,
  zeroBasedRange,
  type Figure,
  type ViewSpec,
} from "./common";
import { binsSpec, densityTrace } from "./density";

/** Bins of the scatter's marginal histograms and of the density (2-D histogram) view. */
const MARGINAL_BINS = 60;
const DENSITY_BINS_X = 90;
const DENSITY_BINS_Y = 70;

/** Share of `values` per bin (the marginal histograms, binned here not by plotly). */
function marginal(values: Float32Array, b: Bins): { centres: number[]; shares: number[] } {
  const counts = binCounts(values, b);
  const total = values.length || 1;
  const centres: number[] = [];
  const shares: number[] = [];
  counts.forEach((c, k) => {
    centres.push(binCentre(b, k));
    shares.push(c / total);
  });
  return { centres, shares };
}

/** Scatter of x vs y per run (WebGL or 2-D histogram), with marginal histograms. */
export function scatterFigure(
  prep: Prepared,
  runs: readonly RunMeta[],
  colors: PlotColors,
  slo: Readonly<Record<string, number>> = {},
): Figure {
  const data: Record<string, unknown>[] = [];
  const integral = prep.xUnit === "tokens";
  const [xLo, xHi] = prep.xExtent ?? [0, 1];
  const [yLo, yHi] = prep.yExtent ?? [0, 1];
  const xBins = coverBins(xLo, xHi, MARGINAL_BINS, integral);
  const yBins = coverBins(yLo, yHi, MARGINAL_BINS);
  const densityX = coverBins(xLo, xHi, DENSITY_BINS_X, integral);
  const densityY = coverBins(yLo, yHi, DENSITY_BINS_Y);
  const total = prep.points.reduce((a, p) => a + p.x.length, 0);
  const size = total <= 5_000 ? 5 : total <= 50_000 ? 3.5 : 2.5;
  const opacity = total <= 5_000 ? 0.6 : total <= 50_000 ? 0.4 : 0.25;
  const xTitle = axisTitle(prep.xDimension, prep.xUnit);
  const yTitle = axisTitle(prep.dimension, prep.yUnit);
  const yFormat = prep.yUnit === "s" ? ":.3~f" : "";
  runs.forEach((run, i) => {
    const pts = prep.points[i] as Points;
    const name = plotlyText(run.name);
    const label = plotLabel(run);
    const hover =
      `${name}<br>${plotlyText(xTitle)}: %{x}<br>${plotlyText(yTitle)}: %{y${yFormat}}<extra></extra>`;
    if (prep.density[i]) {
      data.push(densityTrace(pts, densityX, densityY, run, { legendgroup: `run${i}` }));
    } else {
      data.push({
        type: "scattergl",
        mode: "markers",
        x: pts.x,
        y: pts.y,
        name,
        legendgroup: `run${i}`,
        marker: { color: run.color, size, opacity, line: { width: 0 } },
        selected: { marker: { opacity } },
        unselected: { marker: { opacity } },
        hovertemplate: hover,
        showlegend: false,
      });
    }
    // The legend entry: an empty trace drawn at full opacity (the points themselves are faint);
    // SVG, so that the density view (no WebGL points) starts no WebGL context just for it.
    data.push({
      type: "scatter",
      mode: "markers",
      x: [null],
      y: [null],
      name: label,
      legendgroup: `run${i}`,
      marker: { color: run.color, size: 9 },
      showlegend: true,
      hoverinfo: "skip",
    });
  });
  runs.forEach((run, i) => {
    const pts = prep.points[i] as Points;
    const mx = marginal(pts.x, xBins);
    const my = marginal(pts.y, yBins);
    // Marginals are pre-binned shares, drawn as histograms summing one value per bin.
    const marginalTrace = {
      type: "histogram",
      histfunc: "sum",
      marker: { color: withAlpha(run.color, 0.5) ?? run.color, line: { width: 0 } },
      name: plotlyText(run.name),
      legendgroup: `run${i}`,
      showlegend: false,
    };
    data.push({
      ...marginalTrace,
      x: mx.centres,
      y: mx.shares,
      xbins: binsSpec(xBins),
      yaxis: "y2",
      bingroup: "xmarginal",
      hovertemplate: `${plotlyText(run.name)}<br>%{x}: %{y:.1%}<extra></extra>`,
      selected: { marker: { opacity: 1 } },
      unselected: { marker: { opacity: 1 } },
    });
    data.push({
      ...marginalTrace,
      y: my.centres,
      x: my.shares,
      ybins: binsSpec(yBins),
      xaxis: "x2",
      orientation: "h",
      bingroup: "ymarginal",
      hovertemplate: `${plotlyText(run.name)}<br>%{y${yFormat}}: %{x:.1%}<extra></extra>`,
    });
  });
  const xRange = paddedRange(prep.xExtent);
  return {
    data,
    layout: {
      ...baseLayout(colors),
      showlegend: true,
      legend: {
        orientation: "h",
        x: 0,
        xanchor: "left",
        y: -0.14,
        yanchor: "top",
        font: { size: 12 },
        itemsizing: "constant",
      },
      // the top margin holds plotly's mode bar (shown on hover) above the x marginal histogram
      margin: { l: 60, r: 10, t: 30, b: 40 },
      shapes: sloShapes(slo, colors, {
        x: { column: prep.xDimension, scale: unitScale(prep.xUnit).scale },
        y: { column: prep.dimension, scale: prep.yScale },
      }),
      barmode: "overlay",
      dragmode: "select",
      selectdirection: "h",
      hovermode: "closest",
      uirevision: `${prep.dimension}|${prep.xDimension}`,
      xaxis: axis(colors, {
        domain: [0, 0.82],
        range: xRange,
        autorange: false,
        title: { text: plotlyText(xTitle), standoff: 6 },
        anchor: "y",
      }),
      yaxis: axis(colors, {
        domain: [0, 0.79],
        title: { text: plotlyText(yTitle), standoff: 6 },
        anchor: "x",
        // fixed (computed once): plotly need not scan every point for its autorange
        range: zeroBasedRange(prep.yExtent),
        autorange: false,
      }),
      yaxis2: axis(colors, {
        domain: [0.81, 1],
        anchor: "x",
        showticklabels: false,
        showgrid: false,
        zeroline: false,
      }),
      xaxis2: axis(colors, {
        domain: [0.835, 1],
        anchor: "y",
        showticklabels: false,
        showgrid: false,
        zeroline: false,
      }),
    },
  };
}


export const scatterView: ViewSpec = {
  id: "scatter",
  area: "main",
  redrawOn: ["data", "filter"],
  brush: { range: "token_range", yAxes: ["yaxis", "yaxis2"] },
  figure: (s) => scatterFigure(s.prep, s.runs, s.colors, s.slo),
};
