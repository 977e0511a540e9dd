/**
 * The Pareto view (sweep widgets only): per configuration, output tokens/s per user (x)
 * against aggregate output tokens/s (y; per GPU when `sweep_stats.pareto.y` says so), one
 * point per load level with its intervals as error bars where they exist, the configuration's
 * frontier (the levels no other level of it beats on both) as a line, levels named on hover,
 * the level each configuration is shown at marked. A click on a point chooses its level. The
 * numbers are the kernel's (`sweep_stats.pareto`).
 */

import { plotlyText } from "../data";
import { formatCount, formatSignificant } from "../format";
import { levelByLabel, levelByValue } from "../levels";
import type { RunMeta, SweepParetoPoint, SweepStats } from "../protocol";
import { withAlpha, type PlotColors } from "../theme";
import { sameFor } from "./memo";
import { axis, baseLayout, panelTitle, runLabel, type DrawState, type Figure, type SweepState, type ViewSpec } from "./common";

/** The y quantity's fields of a Pareto point: aggregate or per GPU. */
function yOf(point: SweepParetoPoint, y: SweepStats["pareto"]["y"]): [number | null, number | null, number | null] {
  return y === "per_gpu"
    ? [point.per_gpu, point.per_gpu_ci_low, point.per_gpu_ci_high]
    : [point.throughput, point.throughput_ci_low, point.throughput_ci_high];
}

/** "1,234 tok/s [1,180, 1,290]" (no interval: "(no interval)"). */
function rateText(v: number | null, lo: number | null, hi: number | null): string {
  if (v === null) return "n/a";
  const f = (x: number): string => formatSignificant(x, 3, true);
  const ci = lo === null || hi === null ? " (no interval)" : ` [${f(lo)}, ${f(hi)}]`;
  return `${f(v)} tok/s${ci}`;
}

/** The y axis title: what the points' height is. */
export function paretoYTitle(y: SweepStats["pareto"]["y"]): string {
  return y === "per_gpu" ? "output tokens/s per GPU" : "output tokens/s (aggregate)";
}

/** Error bar arrays: the distance to each bound, NaN (no bar) where there is no interval. */
function errorBars(values: (number | null)[], lows: (number | null)[], highs: (number | null)[]): Record<string, unknown> {
  const plus = values.map((v, k) => (v === null || highs[k] == null ? Number.NaN : Math.max(0, (highs[k] as number) - v)));
  const minus = values.map((v, k) => (v === null || lows[k] == null ? Number.NaN : Math.max(0, v - (lows[k] as number))));
  return { type: "data", symmetric: false, array: plus, arrayminus: minus, thickness: 1, width: 3 };
}

/** The view's note: what the intervals cover and that a token range does not apply. */
export function paretoNote(stats: SweepStats): string {
  const parts: string[] = [];
  const points = stats.pareto.configurations.flatMap((c) => c.points);
  if (points.some((p) => p.n_runs <= 1)) {
    parts.push("A level with a single run has an interval on tokens/s per user only (repeats give one on the aggregate).");
  }
  if (stats.token_range !== null) {
    parts.push("Throughput counts every request in the time range: the token range does not apply here.");
  }
  return parts.join(" ");
}

/** The Pareto view's figure, or why it has nothing to draw. */
export function paretoFigure(state: DrawState): Figure | string {
  const sweep = state.sweep;
  if (!sweep) return "";
  return sweepParetoFigure(sweep, state.runs, state.colors);
}

/** The figure of `sweep`'s Pareto points (`runs` name and colour the configurations). */
export function sweepParetoFigure(sweep: SweepState, runs: readonly RunMeta[], colors: PlotColors): Figure | string {
  const { stats, levels } = sweep;
  const pareto = stats.pareto;
  const yName = pareto.y;
  const data: Record<string, unknown>[] = [];
  const rings: { x: number[]; y: number[]; color: string[] } = { x: [], y: [], color: [] };
  let any = false;
  pareto.configurations.forEach((config, i) => {
    const meta = runs.find((r) => r.name === config.name) ?? runs[i];
    const color = meta?.color ?? colors.muted;
    const name = meta === undefined ? config.name : runLabel(meta);
    const points = config.points.filter((p) => p.per_user !== null && yOf(p, yName)[0] !== null);
    any ||= points.length > 0;
    const frontier = points.filter((p) => p.on_frontier).sort((a, b) => (a.per_user as number) - (b.per_user as number));
    data.push({
      type: "scatter",
      mode: "lines",
      x: frontier.map((p) => p.per_user),
      y: frontier.map((p) => yOf(p, yName)[0]),
      line: { color, width: 2 },
      hoverinfo: "skip",
    });
    const ys = points.map((p) => yOf(p, yName));
    data.push({
      type: "scatter",
      mode: "markers",
      name: plotlyText(name),
      x: points.map((p) => p.per_user),
      y: ys.map((v) => v[0]),
      error_x: {
        ...errorBars(
          points.map((p) => p.per_user),
          points.map((p) => p.per_user_ci_low),
          points.map((p) => p.per_user_ci_high),
        ),
        color: withAlpha(color, 0.6) ?? color,
      },
      error_y: {
        ...errorBars(
          ys.map((v) => v[0]),
          ys.map((v) => v[1]),
          ys.map((v) => v[2]),
        ),
        color: withAlpha(color, 0.6) ?? color,
      },
      customdata: points.map((p) => levelByLabel(levels, p.label)?.value ?? null),
      hovertext: points.map((p, k) => {
        const [v, lo, hi] = ys[k] as [number | null, number | null, number | null];
        const lines = [
          `<b>${plotlyText(meta?.name ?? config.name)}</b>`,
          plotlyText(p.label),
          `per user ${rateText(p.per_user, p.per_user_ci_low, p.per_user_ci_high)}`,
          `${yName === "per_gpu" ? "per GPU" : "aggregate"} ${rateText(v, lo, hi)}`,
          p.n_runs > 1 ? `${formatCount(p.n_runs)} runs (run-level intervals)` : "one run",
        ];
        if (p.on_overall_frontier) lines.push("on the frontier of every configuration");
        else if (p.on_frontier) lines.push("on this configuration's frontier");
        lines.push("click: compare the configurations here");
        return lines.join("<br>");
      }),
      hovertemplate: "%{hovertext}<extra></extra>",
      marker: {
        color: points.map((p) => (p.on_frontier ? color : withAlpha(color, 0.35) ?? color)),
        size: 8,
        line: { color, width: 1 },
      },
    });
    const shown = levelByValue(levels, meta?.load_level ?? null);
    const at = shown === undefined ? undefined : points.find((p) => p.label === shown.label);
    if (at !== undefined) {
      rings.x.push(at.per_user as number);
      rings.y.push(yOf(at, yName)[0] as number);
      rings.color.push(color);
    }
  });
  if (!any) return "No level has both output tokens/s per user and in total: no Pareto point to draw.";
  data.push({
    type: "scatter",
    mode: "markers",
    x: rings.x,
    y: rings.y,
    marker: { symbol: "circle-open", size: 16, color: rings.color, line: { color: rings.color, width: 2 } },
    hoverinfo: "skip",
  });
  return {
    data,
    layout: {
      ...baseLayout(colors),
      margin: { l: 64, r: 12, t: 30, b: 10 },
      title: panelTitle("Throughput against speed per user, one point per level (line: the frontier)", colors),
      xaxis: axis(colors, { title: { text: "output tokens/s per user", standoff: 4 }, rangemode: "tozero" }),
      yaxis: axis(colors, { title: { text: paretoYTitle(yName), standoff: 6 }, rangemode: "tozero" }),
      hovermode: "closest",
    },
  };
}

/** Everything the Pareto view's figure is drawn from, as a value (memo.ts): not the token
 * range, which does not apply to throughput. */
function paretoInputs(state: DrawState): string {
  const sweep = state.sweep;
  if (!sweep) return "";
  return JSON.stringify([
    sweep.stats.pareto,
    sweep.levels,
    state.runs.map((r) => [r.name, r.label, r.color, r.load_level]),
    state.colors,
  ]);
}

export const paretoView: ViewSpec = {
  id: "pareto",
  area: "grid",
  redrawOn: ["data", "stats", "level"],
  sweepOnly: true,
  choosesLevel: true,
  note: (state) => (state.sweep ? paretoNote(state.sweep.stats) : ""),
  figure: sameFor(paretoInputs, paretoFigure),
};
