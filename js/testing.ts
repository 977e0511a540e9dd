/**
 * Fixtures of the front end's unit tests (never bundled): run metadata, a statistics dict and
 * a draw state shaped exactly as the wire types (js/protocol.ts) say.
 */

import type { DrawState } from "./views/common";
import { prepare } from "./prepared";
import { selectRuns } from "./selection";
import fixture from "./labels.fixture.json";
import type { ColumnChoice, DiffStats, RunMeta, RunStats, StatisticChoice, Stats, WidgetModel } from "./protocol";
import type { RunColumns } from "./data";
import { FALLBACK } from "./theme";

/** A run's `_runs_meta` entry (label = name unless given). */
export function runMeta(name: string, color: string, extra: Partial<RunMeta> = {}): RunMeta {
  return {
    name,
    label: name,
    color,
    n_requests: 4,
    n_errors: 0,
    n_runs: 1,
    top_errors: [],
    synthetic: false,
    has_start_times: true,
    key: name,
    load_level: null,
    level_note: null,
    ...extra,
  };
}

/** One run's row of a statistics dict. */
export function runStats(name: string, extra: Partial<RunStats> = {}): RunStats {
  return {
    name,
    n: 100,
    n_errors: 0,
    estimate: 0.02,
    ci_low: 0.019,
    ci_high: 0.021,
    n_runs: 1,
    between_run_share: null,
    ...extra,
  };
}

/** A run against the baseline, every number missing unless given. */
export function diffStats(name: string, baseline: string, extra: Partial<DiffStats> = {}): DiffStats {
  return {
    name,
    baseline,
    estimate: null,
    ci_low: null,
    ci_high: null,
    relative: null,
    relative_ci_low: null,
    relative_ci_high: null,
    p_value: null,
    p_value_adjusted: null,
    verdict: "not enough data",
    prob_faster: null,
    hl_estimate: null,
    hl_ci_low: null,
    hl_ci_high: null,
    ...extra,
  };
}

/** `Comparison.to_dict()` of `runs` (the first is the baseline) with defaults for the rest. */
export function makeStats(runs: readonly RunMeta[], extra: Partial<Stats> = {}): Stats {
  const [base, ...others] = runs.map((r) => r.name);
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
    minimum_n: 2,
    runs: runs.map((r) => runStats(r.name)),
    differences: others.map((name) => diffStats(name, base ?? "")),
    notes: [],
    slo: null,
    warm_up: null,
    shift_function: [],
    ...extra,
  };
}

/** Every trait of a TPOTCompare over `runs` (what the kernel, or the report, sends). */
export function widgetState(runs: readonly RunMeta[], extra: Partial<WidgetModel> = {}): WidgetModel {
  return {
    dimension: "time_per_output_token",
    x_dimension: "num_tokens_output",
    statistic: "median",
    confidence_level: 0.95,
    method: "BCa",
    n_resamples: 9999,
    log_axis: true,
    token_range: null,
    time_range: null,
    threshold: null,
    match: null,
    slo: {},
    density_threshold: 200_000,
    stats: makeStats(runs),
    error_message: "",
    load_level: null,
    slo_target: 0.9,
    gpus: null,
    sweep_stats: {},
    _runs_meta: [...runs],
    _choices: {
      dimensions: ["time_per_output_token"],
      x_dimensions: ["num_tokens_output"],
      units: { time_per_output_token: "s", num_tokens_output: "tokens", request_start: "s-offset" },
      slo_columns: ["time_per_output_token"],
      columns: fixture.columns as ColumnChoice[],
      statistics: fixture.statistics as StatisticChoice[],
      load_levels: [],
    },
    _summary_markdown: "",
    _request_seq: 0,
    _stats_seq: 0,
    ...extra,
  };
}

const UNITS = { time_per_output_token: "s", num_tokens_output: "tokens", request_start: "s-offset" } as const;

/** A draw state over `columns` (TPOT against output tokens), light theme, selected by the ranges in `extra`. */
export function drawState(
  columns: RunColumns[],
  runs: readonly RunMeta[],
  extra: Partial<DrawState> = {},
  densityThreshold = 200_000,
): DrawState {
  const prep = prepare(columns, "time_per_output_token", "num_tokens_output", { ...UNITS }, densityThreshold);
  return {
    prep,
    runs,
    colors: FALLBACK.light,
    logAxis: false,
    tokenRange: null,
    timeRange: null,
    selection: selectRuns(prep, extra.tokenRange ?? null, extra.timeRange ?? null),
    stats: makeStats(runs),
    slo: {},
    width: 600,
    ...extra,
  };
}
