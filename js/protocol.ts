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

/** One entry of `_runs_meta` (baseline first): what the header and the views show of a run. */
export interface RunMeta {
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
}

/**
 * What the HTML report's static model adds (the `_report` key, absent in a live widget): the
 * statistics were computed when the report was written, and no kernel answers.
 */
export interface ReportInfo {
  /** The command that reproduces the report's statistics ("tpot-compare"). */
  command: string;
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

/** One column embedded in the report: its key ("run/column"), dtype, shape and base64 bytes. */
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
}
