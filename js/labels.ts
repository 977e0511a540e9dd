/**
 * Column and statistic labels as the kernel defines them once (src/tpot_widget/columns.py and
 * the statistics registry) and sends them in `_choices.columns` / `_choices.statistics`: the
 * widget learns them when it is created; every view, the panel and the controls read them
 * here. A name never sent is shown as itself (underscores as spaces).
 */

import type { ColumnChoice, StatisticChoice } from "./protocol";

const columns = new Map<string, ColumnChoice>();
const statistics = new Map<string, StatisticChoice>();

/** Remember the kernel's column and statistic labels (`_choices`). */
export function learnLabels(choices: {
  columns: readonly ColumnChoice[];
  statistics: readonly StatisticChoice[];
}): void {
  for (const c of choices.columns) columns.set(c.name, c);
  for (const s of choices.statistics) statistics.set(s.name, s);
}

/** A column in words: "time_per_output_token" → "time per output token (TPOT)". */
export function columnLabel(column: string): string {
  return columns.get(column)?.label ?? column.replace(/_/g, " ");
}

/** A column on an axis or in a table: "TPOT", "TTFT", "E2E latency", "output tokens"... */
export function shortColumnLabel(column: string): string {
  return columns.get(column)?.short_label ?? column.replace(/_/g, " ");
}

/** A statistic in words: "p90" → "90th percentile"; "median", "mean" as they are. */
export function statisticLabel(statistic: string): string {
  return statistics.get(statistic)?.label ?? statistic;
}
