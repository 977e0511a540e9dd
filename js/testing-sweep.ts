/**
 * Fixtures of the sweep front end's unit tests (never bundled): a sweep widget's levels, run
 * metadata and `sweep_stats`, shaped exactly as js/protocol.ts says (`SweepStats` is
 * `compare_sweeps(...).to_dict()`).
 */

import type {
  Crossing,
  CurvePoint,
  LevelDifferencePoint,
  LoadLevel,
  MaxLoad,
  RunMeta,
  SweepParetoPoint,
  SweepStats,
} from "./protocol";
import { runMeta } from "./testing";
import type { SweepState } from "./views/common";

export const BASE = "base <b>";
export const CAND = "cand & co";

/** Concurrency 1, 4 and 16 (both ran 1 and 16; only the candidate ran 4). */
export const LEVELS: LoadLevel[] = [
  { value: 1, kind: "concurrency", label: "concurrency 1", configurations: [BASE, CAND] },
  { value: 4, kind: "concurrency", label: "concurrency 4", configurations: [CAND] },
  { value: 16, kind: "concurrency", label: "concurrency 16", configurations: [BASE, CAND] },
];

/** The configurations' metadata at `level` (the baseline at its nearest when it lacks it). */
export function sweepRuns(level: 1 | 4 | 16): RunMeta[] {
  const baseAt = level === 4 ? 1 : level;
  const index = (v: number): number => LEVELS.findIndex((l) => l.value === v);
  return [
    runMeta(BASE, "#4C78A8", {
      key: `L${index(baseAt)}.C0`,
      load_level: baseAt,
      level_note: level === 4 ? `${BASE} did not run concurrency 4: it is shown at concurrency 1.` : null,
      n_runs: 3,
    }),
    runMeta(CAND, "#F58518", { key: `L${index(level)}.C1`, load_level: level, n_runs: 3 }),
  ];
}

function point(label: string, load: number, estimate: number, extra: Partial<CurvePoint> = {}): CurvePoint {
  return {
    level: { kind: "concurrency", value: load },
    label,
    load,
    n: 3000,
    n_runs: 3,
    estimate,
    ci_low: estimate * 0.95,
    ci_high: estimate * 1.05,
    served_share: 1,
    saturated: false,
    attainment: 0.95,
    attainment_ci_low: 0.93,
    attainment_ci_high: 0.97,
    ...extra,
  };
}

function diff(label: string, load: number, relative: number, interpolated: boolean): LevelDifferencePoint {
  return {
    level: { kind: "concurrency", value: load },
    label,
    load,
    difference: relative * 0.02,
    difference_ci_low: relative * 0.02 - 0.001,
    difference_ci_high: relative * 0.02 + 0.001,
    relative,
    relative_ci_low: relative - 0.05,
    relative_ci_high: relative + 0.05,
    p_value: 0.01,
    p_value_adjusted: 0.03,
    verdict: relative < 0 ? "faster" : "slower",
    interpolated,
  };
}

function pareto(label: string, load: number, perUser: number, throughput: number, frontier: boolean): SweepParetoPoint {
  return {
    level: { kind: "concurrency", value: load },
    label,
    load,
    n_runs: 3,
    throughput,
    throughput_ci_low: throughput * 0.9,
    throughput_ci_high: throughput * 1.1,
    per_user: perUser,
    per_user_ci_low: perUser * 0.95,
    per_user_ci_high: null,
    per_gpu: null,
    per_gpu_ci_low: null,
    per_gpu_ci_high: null,
    on_frontier: frontier,
    on_overall_frontier: false,
  };
}

/** `sweep_stats` of the two configurations, with an SLO on TPOT (30 ms). */
export function sweepStats(extra: Partial<SweepStats> = {}): SweepStats {
  const crossing: Crossing = {
    name: CAND,
    baseline: BASE,
    estimate: 8,
    ci_low: null,
    ci_high: 12.5,
    status: "within the sweep",
    open_low: true,
    open_high: false,
  };
  const maxLoad: MaxLoad[] = [
    { name: BASE, estimate: 10, ci_low: 6, ci_high: 14, status: "within the sweep", target: 0.9, open_low: false, open_high: false },
    { name: CAND, estimate: null, ci_low: null, ci_high: null, status: "always met", target: 0.9, open_low: false, open_high: false },
  ];
  return {
    dimension: "time_per_output_token",
    x_dimension: "num_tokens_output",
    statistic: "median",
    confidence_level: 0.95,
    method: "BCa",
    n_resamples: 9999,
    token_range: null,
    time_range: null,
    threshold: null,
    match: null,
    slo: { time_per_output_token: 0.03 },
    slo_target: 0.9,
    axis: { kind: "concurrency", label: "concurrency (requests in flight)", scale: "log" },
    configurations: [
      { name: BASE, baseline: true, gpus: null },
      { name: CAND, baseline: false, gpus: null },
    ],
    curves: [
      { name: BASE, points: [point("concurrency 1", 1, 0.02), point("concurrency 16", 16, 0.03)] },
      {
        name: CAND,
        points: [
          point("concurrency 1", 1, 0.018),
          point("concurrency 4", 4, 0.021),
          point("concurrency 16", 16, 0.034, { saturated: true, served_share: 0.8 }),
        ],
      },
    ],
    differences: [
      {
        name: CAND,
        baseline: BASE,
        points: [
          diff("concurrency 1", 1, -0.1, false),
          diff("concurrency 4", 4, -0.05, true),
          diff("concurrency 16", 16, 0.13, false),
        ],
      },
    ],
    slo_line: 0.03,
    crossing: [crossing],
    max_load: maxLoad,
    pareto: {
      x: "per_user",
      y: "throughput",
      configurations: [
        { name: BASE, points: [pareto("concurrency 1", 1, 50, 50, true), pareto("concurrency 16", 16, 33, 530, true)] },
        {
          name: CAND,
          points: [
            pareto("concurrency 1", 1, 55, 55, true),
            pareto("concurrency 4", 4, 40, 100, false),
            pareto("concurrency 16", 16, 30, 480, true),
          ],
        },
      ],
    },
    notes: [],
    ...extra,
  };
}

/** The sweep views' state with `level` chosen. */
export function sweepState(level: 1 | 4 | 16, stats: SweepStats = sweepStats()): SweepState {
  return {
    stats,
    level,
    levels: LEVELS,
    units: { time_per_output_token: "s", num_tokens_output: "tokens", request_start: "s-offset" },
  };
}
