/**
 * The wire between the kernel and the front end, typed once: the statistics dict
 * (`Comparison.to_dict()`, the `stats` trait), the `_runs_meta` entries, `_choices`, the synced
 * traits of TPOTCompare, and the model the HTML report embeds (js/report.ts).
 *
 * The contract is checked: `npm run schema` writes js/protocol.schema.json from these types
 * (ts-json-schema-generator; a vitest test fails when it is out of date), and
 * tests/test_protocol.py validates real `compare(...).to_dict()` outputs against it. Keep every
 * shape exact: required keys, `number | null` where Python may give None, no extra keys.
 */

/** A whole number (an integer in the schema). @asType integer */
export type Integer = number;

/** An inclusive range: [lo, hi] (either side null = open) or null = every row. */
export type WireRange = [number | null, number | null] | null;

/** How a column's values are shown: "s" = seconds shown as ms, "tokens", "s-offset" = s. */
export type Unit = "s" | "tokens" | "s-offset";

/** The verdict of a run against the baseline (`comparison.Verdict`). */
export type Verdict =
  | "faster"
  | "slower"
  | "no significant difference"
  | "equivalent"
  | "inconclusive"
  | "not enough data";

/** The verdict of an SLO attainment difference (`stats.slo.SLOVerdict`). */
export type SloVerdict = "better" | "worse" | "no significant difference" | "not enough data";

/** One run's (or arm's) estimate of the statistic over its selected requests. */
export interface RunStats {
  name: string;
  /** Successful requests in the selection (what the statistic uses). */
  n: Integer;
  /** Failed requests in the selection (excluded). */
  n_errors: Integer;
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Runs pooled into this arm (1 for a single run). */
  n_runs: Integer;
  /** Share of the variance between the runs of an arm (null for a single run). */
  between_run_share: number | null;
}

/** A run against the baseline: b − a, b / a − 1, p-values, effect sizes, verdict. */
export interface DiffStats {
  name: string;
  baseline: string;
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  relative: number | null;
  relative_ci_low: number | null;
  relative_ci_high: number | null;
  p_value: number | null;
  /** Holm-adjusted across the non-baseline runs. */
  p_value_adjusted: number | null;
  verdict: Verdict;
  /** P(a request of this run is faster than one of the baseline). */
  prob_faster: number | null;
  /** The Hodges–Lehmann shift (median of pairwise differences) with its CI. */
  hl_estimate: number | null;
  hl_ci_low: number | null;
  hl_ci_high: number | null;
}

/** One run's SLO attainment (Wilson CI) and goodput. */
export interface SloRunStats {
  name: string;
  n: Integer;
  met: Integer;
  n_errors: Integer;
  attainment: number | null;
  ci_low: number | null;
  ci_high: number | null;
  duration_s: number | null;
  goodput_rps: number | null;
  goodput_tokens_per_s: number | null;
  /** Objective columns this run did not measure (its attainment is then unknown, not 0 %). */
  unmeasured: string[];
}

/** A run's attainment against the baseline's, in shares (Newcombe's CI). */
export interface SloDiffStats {
  name: string;
  baseline: string;
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  verdict: SloVerdict;
}

/** The SLO attainment table (`stats.slo`), present when objectives were given. */
export interface SloStats {
  /** Objectives: duration column → seconds. */
  objectives: Record<string, number>;
  confidence_level: number;
  runs: SloRunStats[];
  differences: SloDiffStats[];
}

/** A suggested warm-up cut (no time range set, and some run looks warmed up). */
export interface WarmUp {
  seconds: number;
  runs: string[];
  message: string;
}

/** A run − baseline at each quantile of the baseline, with a simultaneous band. */
export interface ShiftFunction {
  name: string;
  baseline: string;
  quantiles: (number | null)[];
  baseline_values: (number | null)[];
  run_values: (number | null)[];
  difference: (number | null)[];
  ci_low: (number | null)[];
  ci_high: (number | null)[];
}

/** `Comparison.to_dict()`: the parameters, then the results (the `stats` trait). */
export interface Stats {
  dimension: string;
  x_dimension: string;
  statistic: string;
  confidence_level: number;
  method: string;
  n_resamples: Integer;
  token_range: WireRange;
  time_range: WireRange;
  threshold: number | null;
  match: string[] | null;
  /** The fewest requests a run needs for the statistic at the level ("not enough data" below). */
  minimum_n: Integer;
  runs: RunStats[];
  differences: DiffStats[];
  notes: string[];
  slo: SloStats | null;
  warm_up: WarmUp | null;
  shift_function: ShiftFunction[];
}

/** A load level as `load_level` holds it: a concurrency or rate level's number, else the
 * kind's name ("synchronous", "throughput"; "throughput=50" if such a level has a value). */
export type LoadLevelValue = number | string;

/** The kinds of load level (`load.Load.kind`). */
export type LoadKind = "concurrency" | "rate" | "synchronous" | "throughput";

/** `Load.to_dict()`: a level's kind and value (null for throughput). */
export interface LoadDict {
  kind: LoadKind;
  value: number | null;
}

/** One load level a sweep widget offers (`_choices.load_levels`, sorted by load). */
export interface LoadLevel {
  /** What `load_level` holds when this level is chosen (and what the front end sets). */
  value: LoadLevelValue;
  kind: LoadKind;
  /** "concurrency 16", "rate 2.5", "throughput". */
  label: string;
  /** The configurations that ran it, baseline first (the others show their nearest level). */
  configurations: string[];
}

/** One entry of `_runs_meta` (baseline first): what the header and the views show of a run. */
export interface RunMeta {
  /**
   * The run part of its column keys ("<key>/<column>"): "0", "1"... for plain runs; in a
   * sweep widget "L<level>.C<config>" (<level> indexes `_choices.load_levels`: the level this
   * configuration's runs are at). The kernel answers any valid key, whichever level is current.
   */
  key: string;
  name: string;
  /** The short label (the part of the names that differs), computed by the kernel. */
  label: string;
  color: string;
  n_requests: Integer;
  n_errors: Integer;
  /** Runs pooled into this arm (> 1: "arm of N runs"). */
  n_runs: Integer;
  /** The most frequent error texts with their counts. */
  top_errors: [string, Integer][];
  synthetic: boolean;
  /** false when the run has no request start times (no time view, no time range). */
  has_start_times: boolean;
  /** The level this entry's runs are at (null without sweeps); differs from `load_level`
   * when the configuration did not run the chosen level. */
  load_level: LoadLevelValue | null;
  /** Why this configuration shows another level than the chosen one; else null. */
  level_note: string | null;
}

/** A column of a Run as `_choices.columns` describes it (src/tpot_widget/columns.py). */
export interface ColumnChoice {
  name: string;
  /** In words: "time per output token (TPOT)". */
  label: string;
  /** On an axis or in a table: "TPOT". */
  short_label: string;
  /** Its values' unit: "s", "tokens" or "" (the error text). */
  unit: "s" | "tokens" | "";
  kind: "duration" | "tokens" | "time" | "text";
}

/** A statistic the controls offer (`_choices.statistics`, the statistics registry). */
export interface StatisticChoice {
  name: string;
  /** In words: "90th percentile". */
  label: string;
  kind: "quantile" | "moment";
}

/** `_choices`: what the controls offer, the columns and each column's display unit. */
export interface Choices {
  dimensions: string[];
  x_dimensions: string[];
  units: Record<string, Unit>;
  /** Duration columns an SLO objective may be set on. */
  slo_columns: string[];
  /** Every column of a Run, with its labels. */
  columns: ColumnChoice[];
  /** The statistics offered, in order. */
  statistics: StatisticChoice[];
  /** The load levels of every configuration, sorted ([] without sweeps). */
  load_levels: LoadLevel[];
}

/** The load axis of a sweep comparison. */
export interface SweepAxis {
  kind: "concurrency" | "rate";
  label: string;
  scale: "log";
}

/** A configuration of a sweep comparison. */
export interface SweepConfiguration {
  name: string;
  baseline: boolean;
  gpus: Integer | null;
}

/** One configuration at one level: the load view's point with its CI band. */
export interface CurvePoint {
  level: LoadDict;
  label: string;
  /** Where the level sits on the load axis; null: not placeable. */
  load: number | null;
  n: Integer;
  n_runs: Integer;
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  served_share: number | null;
  saturated: boolean;
  /** Share of the selected requests meeting every SLO objective (null without `slo`). */
  attainment: number | null;
  attainment_ci_low: number | null;
  attainment_ci_high: number | null;
}

/** One configuration's curve, by load. */
export interface Curve {
  name: string;
  points: CurvePoint[];
}

/** A non-baseline configuration against the baseline at one of its levels. */
export interface LevelDifferencePoint {
  level: LoadDict;
  label: string;
  load: number | null;
  difference: number | null;
  difference_ci_low: number | null;
  difference_ci_high: number | null;
  relative: number | null;
  relative_ci_low: number | null;
  relative_ci_high: number | null;
  p_value: number | null;
  /** Holm-adjusted across every compared level and configuration. */
  p_value_adjusted: number | null;
  verdict: Verdict;
  /** The baseline did not run this level: interpolated between its neighbouring levels. */
  interpolated: boolean;
}

/** One non-baseline configuration's compared levels. */
export interface LevelDifference {
  name: string;
  baseline: string;
  points: LevelDifferencePoint[];
}

/** Where a configuration stops being faster than the baseline, with its CI (a null bound
 * with open_low / open_high: beyond the compared levels). */
export interface Crossing {
  name: string;
  baseline: string;
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  status:
    | "within the sweep"
    | "none within the sweep"
    | "not faster at the lowest level"
    | "not enough data";
  open_low: boolean;
  open_high: boolean;
}

/** The highest load meeting the SLO target, with its CI. */
export interface MaxLoad {
  name: string;
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  status: "within the sweep" | "always met" | "not reached" | "not enough data";
  target: number;
  open_low: boolean;
  open_high: boolean;
}

/** A Pareto point: output tokens/s (aggregate, per GPU) against per user, at one level. */
export interface SweepParetoPoint {
  level: LoadDict;
  label: string;
  load: number | null;
  n_runs: Integer;
  throughput: number | null;
  throughput_ci_low: number | null;
  throughput_ci_high: number | null;
  per_user: number | null;
  per_user_ci_low: number | null;
  per_user_ci_high: number | null;
  per_gpu: number | null;
  per_gpu_ci_low: number | null;
  per_gpu_ci_high: number | null;
  on_frontier: boolean;
  on_overall_frontier: boolean;
}

/** One configuration's Pareto points. */
export interface SweepParetoConfiguration {
  name: string;
  points: SweepParetoPoint[];
}

/** The Pareto view: x = per-user output tokens/s; y = per GPU when every configuration has a
 * GPU count, else aggregate output tokens/s. */
export interface SweepPareto {
  x: "per_user";
  y: "per_gpu" | "throughput";
  configurations: SweepParetoConfiguration[];
}

/** `SweepComparison.to_dict()` (the `sweep_stats` trait; {} without sweeps). */
export interface SweepStats {
  dimension: string;
  x_dimension: string;
  statistic: string;
  confidence_level: number;
  method: string;
  n_resamples: Integer;
  token_range: WireRange;
  time_range: WireRange;
  threshold: number | null;
  match: string[] | null;
  slo: Record<string, number>;
  slo_target: number;
  axis: SweepAxis;
  configurations: SweepConfiguration[];
  curves: Curve[];
  differences: LevelDifference[];
  /** The SLO objective on the compared dimension (seconds): the load view's SLO line. */
  slo_line: number | null;
  crossing: Crossing[];
  /** One per configuration with `slo`; [] without. */
  max_load: MaxLoad[];
  pareto: SweepPareto;
  notes: string[];
}

/** No keys: `sweep_stats` of a widget without sweeps. */
export type EmptyObject = Record<string, never>;

/**
 * What the HTML report's static model adds (the `_report` key, absent in a live widget): the
 * statistics were computed when the report was written, and no kernel answers.
 */
export interface ReportInfo {
  /** The command that reproduces the report's statistics ("tpot-compare"). */
  command: string;
  /**
   * With sweeps, when the report holds only the level it shows (every level's columns would
   * have made the file too big): why another level cannot be chosen (the level control's
   * title). Absent when every level is embedded (`ReportModel.levels`), or without sweeps.
   */
  levels_note?: string;
}

/** What a sweep report shows at one level (`load_level`): its statistics and runs. */
export interface ReportLevel {
  load_level: LoadLevelValue;
  stats: Stats;
  _runs_meta: RunMeta[];
  _summary_markdown: string;
}

/** The synced traits of TPOTCompare (src/tpot_widget/widget.py) the front end reads. */
export interface WidgetModel {
  dimension: string;
  x_dimension: string;
  statistic: string;
  confidence_level: number;
  method: string;
  n_resamples: Integer;
  log_axis: boolean;
  token_range: WireRange;
  time_range: WireRange;
  threshold: number | null;
  match: string[] | null;
  slo: Record<string, number>;
  density_threshold: Integer;
  stats: Stats;
  error_message: string;
  /** With sweeps: the level compared (two-way); null without sweeps. */
  load_level: LoadLevelValue | null;
  /** With sweeps: the SLO attainment max load holds to. */
  slo_target: number;
  /** With sweeps: GPUs per configuration (null where unknown), or null. */
  gpus: (Integer | null)[] | null;
  /** With sweeps: every level compared (the load and Pareto views); {} without. */
  sweep_stats: SweepStats | EmptyObject;
  _runs_meta: RunMeta[];
  _choices: Choices;
  _summary_markdown: string;
  _request_seq: Integer;
  _stats_seq: Integer;
  /** Only in the report's static model (js/report.ts). */
  _report?: ReportInfo;
}

/** dtypes of the binary columns (src/tpot_widget/_transport.py). */
export type DType = "float32" | "float64" | "int32" | "uint8";

/** One column embedded in the report: its key ("<run key>/column", the run key being
 * `RunMeta.key`), dtype, shape and base64 bytes. */
export interface EmbeddedColumn {
  key: string;
  dtype: DType;
  shape: Integer[];
  /** The little-endian bytes, base64. */
  data: string;
}

/** The JSON the report embeds in `<script type="application/json" id="tpot-model">`. */
export interface ReportModel {
  /** Every synced trait of the widget, as the kernel would send it. */
  state: WidgetModel;
  /** The columns the views ask for (thinned evenly above the report's points per run). */
  columns: EmbeddedColumn[];
  /**
   * With sweeps: every level's statistics and runs, so that choosing a level in the report
   * shows it (its columns are in `columns`, by run key); absent without sweeps, or when the
   * report holds only the level it shows (`ReportInfo.levels_note` says why).
   */
  levels?: ReportLevel[];
}
