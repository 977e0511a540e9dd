/**
 * The run header and the stats panel: DOM built with textContent only (run names, notes and
 * error texts are user data, never HTML), with the data-* attributes of the DOM contract.
 * Run names show as their short labels, the full name one hover away (title); nothing that
 * holds a name is clipped (names wrap).
 */

import {
  formatCI,
  formatCount,
  formatDelta,
  formatP,
  formatPercent,
  formatPercentCI,
  formatPoints,
  formatPointsCI,
  formatRate,
  formatShare,
  formatThreshold,
  formatValue,
  rawAttr,
  verdictSentence,
  type Unit,
} from "./format";
import { columnLabel, shortColumnLabel, statisticLabel } from "./labels";
import type { LevelInfo } from "./levels";
import type { DiffStats, RunMeta, SloStats, Stats } from "./protocol";
import { rangesEqual, type Range, type TokenRange } from "./range";

/** Create an element with a class and (text-only) content. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A run's short label (the kernel's), its name when the label is empty. */
export function labelOf(run: RunMeta | undefined, fallback = ""): string {
  if (run === undefined) return fallback;
  return run.label !== "" ? run.label : run.name;
}

/** The short label of the run called `name` (stats name their runs by full name). */
function labelByName(runs: readonly RunMeta[], name: string): string {
  return labelOf(
    runs.find((r) => r.name === name),
    name,
  );
}

/** An element holding a run's label as text, the full name on hover. */
function nameSpan(className: string, label: string, name: string): HTMLSpanElement {
  const span = h("span", className, label);
  span.title = name;
  return span;
}

/**
 * A table cell naming run `name`: its colour dot and short label, the full name as the title.
 * `meta` is the run's header data (by position); the label follows the name if they disagree.
 */
function runNameCell(
  name: string,
  meta: RunMeta | undefined,
  runs: readonly RunMeta[],
): { cell: HTMLElement; label: HTMLSpanElement } {
  const cell = h("td", "tpot-name");
  cell.title = name;
  const dot = h("span", "tpot-dot");
  dot.style.background = meta?.color ?? "gray";
  const text = meta?.name === name ? labelOf(meta) : labelByName(runs, name);
  const label = nameSpan("tpot-name-text", text, name);
  cell.append(dot, label);
  return { cell, label };
}

/** One header chip per run: colour, label, request count, error count (errors on hover). */
export function renderHeader(container: HTMLElement, runs: readonly RunMeta[]): void {
  container.replaceChildren();
  runs.forEach((run, i) => {
    const chip = h("div", "tpot-run");
    chip.dataset["testid"] = "run-header";
    chip.dataset["runIndex"] = String(i);
    chip.title = run.name;
    const swatch = h("span", "tpot-swatch");
    swatch.style.background = run.color;
    const name = nameSpan("tpot-run-name", labelOf(run), run.name);
    name.dataset["testid"] = "run-name";
    name.dataset["name"] = run.name;
    const role = h("span", "tpot-run-role", i === 0 ? "baseline" : `run ${i + 1}`);
    const parts: HTMLElement[] = [swatch, name, role];
    if (run.n_runs > 1) {
      const arm = h("span", "tpot-run-role", `arm of ${run.n_runs} runs`);
      arm.dataset["testid"] = "run-arm";
      parts.push(arm);
    }
    const count = h("span", "tpot-run-count", `${formatCount(run.n_requests)} requests`);
    count.dataset["testid"] = "run-count";
    count.dataset["count"] = String(run.n_requests);
    const errors = h(
      "span",
      "tpot-run-errors",
      `${formatCount(run.n_errors)} ${run.n_errors === 1 ? "error" : "errors"}` +
        (run.n_errors > 0 ? " (excluded)" : ""),
    );
    errors.dataset["testid"] = "run-errors";
    errors.dataset["count"] = String(run.n_errors);
    if (run.top_errors.length > 0) {
      errors.title =
        "Failed requests (excluded from the statistics):\n" +
        run.top_errors.map(([text, n]) => `${formatCount(n)} × ${text}`).join("\n");
    }
    chip.append(...parts, count, errors);
    container.append(chip);
  });
}

/** "All requests" or "Selected: 100 ≤ output tokens ≤ 400". */
export function describeRange(range: TokenRange, xDimension: string, unit: Unit): string {
  if (range === null) {
    return `All requests — drag across the scatter to select a range of ${columnLabel(xDimension)}`;
  }
  return `Selected: ${rangeWords(range, columnLabel(xDimension), unit)}`;
}

/** "100 ≤ output tokens ≤ 400", "output tokens ≥ 100", ... (display.format_range's words) */
function rangeWords(range: [number | null, number | null], label: string, unit: Unit): string {
  const [lo, hi] = range;
  const fmt = (v: number): string =>
    unit === "tokens" ? formatCount(v) : unit === "s-offset" ? `${String(v)} s` : String(v);
  if (lo !== null && hi !== null) return `${fmt(lo)} \u2264 ${label} \u2264 ${fmt(hi)}`;
  if (lo !== null) return `${label} \u2265 ${fmt(lo)}`;
  return `${label} \u2264 ${fmt(hi as number)}`;
}

/** "Time: 12 s ≤ request start ≤ 300 s" for a time range; "" for none. */
export function describeTimeRange(range: Range): string {
  if (range === null) return "";
  return `Time: ${rangeWords(range, "request start", "s-offset")}`;
}

/** A range as a `tpot-compare` option value: "200:800", "30:", ":400". */
function optionValue(range: [number | null, number | null]): string {
  const side = (v: number | null): string => (v === null ? "" : String(v));
  return `${side(range[0])}:${side(range[1])}`;
}

/**
 * The sentence a report's panel shows once the views' ranges differ from the ranges its
 * statistics were computed for: the new range's statistics need the kernel, and how to get
 * them ("" when the ranges agree).
 */
export function kernelSentence(
  want: { token_range: Range; time_range: Range },
  stats: Pick<Stats, "token_range" | "time_range" | "x_dimension">,
  units: Record<string, Unit>,
  command: string,
): string {
  const tokenSame = rangesEqual(want.token_range, stats.token_range);
  const timeSame = rangesEqual(want.time_range, stats.time_range);
  if (tokenSame && timeSame) return "";
  const label = columnLabel(stats.x_dimension);
  const words: string[] = [];
  const options: string[] = [];
  if (want.token_range !== null) {
    words.push(rangeWords(want.token_range, label, units[stats.x_dimension] ?? "tokens"));
  }
  if (want.time_range !== null) words.push(rangeWords(want.time_range, "request start", "s-offset"));
  if (!tokenSame) {
    options.push(want.token_range === null ? "without --tokens" : `--tokens ${optionValue(want.token_range)}`);
  }
  if (!timeSame) {
    options.push(want.time_range === null ? "without --time" : `--time ${optionValue(want.time_range)}`);
  }
  const what = words.length === 0 ? "all requests" : words.join(" and ");
  return (
    `The statistics for ${what} need the kernel: open the runs in TPOTCompare, or rerun ` +
    `${command} ${options.join(" ")}. The views show this range; the numbers above are for ` +
    "the range the report was written with."
  );
}

export interface PanelHandlers {
  /** The "copy summary" button was pressed. */
  onCopy(): void;
  /** The warm-up hint's button: exclude the first `seconds`. */
  onWarmUp(seconds: number): void;
}

export interface PanelElements {
  root: HTMLElement;
  pending: HTMLElement;
  copy: HTMLButtonElement;
  selection: HTMLElement;
  /** With sweeps: the load level the numbers compare (and who is shown at another). */
  level: HTMLElement;
  /** The report's note that the views' range needs the kernel for its statistics. */
  kernel: HTMLElement;
  warmUp: HTMLElement;
  values: HTMLElement;
  slo: HTMLElement;
  notes: HTMLElement;
  error: HTMLElement;
  handlers: PanelHandlers;
}

/** The panel's fixed skeleton (title, copy button, selection, values, SLO, notes, errors). */
export function createPanel(
  handlers: PanelHandlers = { onCopy: () => undefined, onWarmUp: () => undefined },
): PanelElements {
  const root = h("div", "tpot-panel");
  root.dataset["testid"] = "stats-panel";
  root.dataset["stale"] = "false";
  const title = h("div", "tpot-panel-title");
  const heading = h("span", "", "Statistics");
  const pending = h("span", "tpot-pending", "updating\u2026");
  pending.setAttribute("aria-live", "polite");
  const copy = h("button", "tpot-copy", "copy summary");
  copy.type = "button";
  copy.dataset["testid"] = "copy-summary";
  copy.title = "Copy the comparison as a Markdown table (for a pull request or a chat)";
  copy.addEventListener("click", () => handlers.onCopy());
  const right = h("span", "tpot-panel-actions");
  right.append(pending, copy);
  title.append(heading, right);
  const selection = h("div", "tpot-selection");
  selection.dataset["testid"] = "stats-selection";
  const level = h("div", "tpot-level-shown");
  level.dataset["testid"] = "stats-level";
  const kernel = h("div", "tpot-kernel-note");
  kernel.dataset["testid"] = "stats-kernel-note";
  kernel.setAttribute("aria-live", "polite");
  const warmUp = h("div", "tpot-warmup");
  warmUp.dataset["testid"] = "warm-up";
  const values = h("div", "tpot-values");
  const slo = h("div", "tpot-slo");
  slo.dataset["testid"] = "slo-table";
  const notes = h("ul", "tpot-notes");
  notes.dataset["testid"] = "stats-notes";
  const error = h("div", "tpot-error");
  error.dataset["testid"] = "stats-error";
  const note = h(
    "div",
    "tpot-note",
    "Failed requests are excluded from the statistics. CIs: bootstrap; differences are run \u2212 baseline (lower is faster).",
  );
  root.append(title, level, selection, kernel, warmUp, values, slo, notes, error, note);
  return { root, pending, copy, selection, level, kernel, warmUp, values, slo, notes, error, handlers };
}

/** What the panel shows: the kernel's statistics and what to say around them. */
export interface PanelInput {
  stats: Stats;
  runs: readonly RunMeta[];
  units: Record<string, Unit>;
  /** Errors to show (the kernel's refusal, a typed value not sent, a failed column request). */
  errorMessage: string;
  /**
   * Only in the report (no kernel): the sentence saying the views' range needs the kernel for
   * its statistics ("" while the views show the report's own range); null in a live widget.
   */
  kernelNote: string | null;
  /** With sweeps: the level these statistics compare (levels.comparedLevel); else null. */
  level?: LevelInfo | null;
}

/**
 * Fill the panel with `stats`: one row per run whose cells read exactly as the Markdown table's
 * (tables.markdown_table: n, errors, estimate, CI), one block per non-baseline run, SLO, notes.
 */
export function renderStats(panel: PanelElements, input: PanelInput): void {
  const { stats, runs, units } = input;
  panel.error.textContent = input.errorMessage;
  const unit: Unit = units[stats.dimension] ?? "s";
  const timeText = describeTimeRange(stats.time_range);
  const scope =
    input.kernelNote === null ? [] : [h("div", "tpot-scope", "Statistics of the report, as it was written, for:")];
  panel.selection.replaceChildren(
    ...scope,
    h("div", "", describeRange(stats.token_range, stats.x_dimension, units[stats.x_dimension] ?? "tokens")),
    ...(timeText ? [h("div", "", timeText)] : []),
  );
  renderLevel(panel.level, input.level ?? null);
  panel.kernel.textContent = input.kernelNote ?? "";
  panel.root.dataset["kernelNeeded"] = input.kernelNote ? "true" : "false";
  const level = `${String(Math.round(stats.confidence_level * 1000) / 10)}%`;
  const threshold = stats.threshold;

  const table = h("table", "tpot-table");
  const head = h("tr");
  const estimateHead = h("th", "", `${statisticLabel(stats.statistic)} ${shortColumnLabel(stats.dimension)}`);
  estimateHead.append(h("span", "tpot-ci tpot-block", `(${level} CI)`));
  const errorsHead = h("th", "", "errors");
  errorsHead.title = "Failed requests in the selection (excluded from the statistics)";
  head.append(h("th", "", "run"), h("th", "", "n"), errorsHead, estimateHead);
  const thead = h("thead");
  thead.append(head);
  const tbody = h("tbody");
  stats.runs.forEach((run, i) => {
    const meta = runs[i];
    const tr = h("tr");
    tr.dataset["testid"] = "stat-run";
    tr.dataset["name"] = run.name;
    tr.dataset["n"] = String(run.n);
    tr.dataset["estimate"] = rawAttr(run.estimate);
    tr.dataset["ciLow"] = rawAttr(run.ci_low);
    tr.dataset["ciHigh"] = rawAttr(run.ci_high);
    const { cell: name, label } = runNameCell(run.name, meta, runs);
    label.dataset["testid"] = "stat-run-name";
    if (run.n_runs > 1) {
      const share = run.between_run_share === null ? "" : ` (${formatShare(run.between_run_share, 0)} between runs)`;
      const arm = h("div", "tpot-ci", `arm of ${run.n_runs} runs${share}`);
      arm.dataset["testid"] = "stat-run-arm";
      name.append(arm);
    }
    // n and errors as the Markdown table prints them (plain integers)
    const n = h("td", "tpot-num", String(run.n));
    n.dataset["testid"] = "stat-run-n";
    const errors = h("td", "tpot-num", String(run.n_errors));
    errors.dataset["testid"] = "stat-run-errors";
    const est = h("td");
    const value = h("span", "tpot-num", formatValue(run.estimate, unit));
    value.dataset["testid"] = "stat-run-estimate";
    const ci = h("span", "tpot-ci", formatCI(run.ci_low, run.ci_high, unit));
    ci.dataset["testid"] = "stat-run-ci";
    est.append(value, document.createElement("br"), ci);
    tr.append(name, n, errors, est);
    tbody.append(tr);
  });
  table.append(thead, tbody);

  const blocks: HTMLElement[] = [table];
  if (threshold !== null) {
    const t = h("div", "tpot-note", `Practical threshold ${formatThreshold(threshold)} (relative difference)`);
    t.dataset["testid"] = "threshold";
    blocks.push(t);
  }
  for (const diff of stats.differences) blocks.push(diffBlock(diff, stats, runs, unit, threshold));
  panel.values.replaceChildren(...blocks);
  renderWarmUp(panel, stats);
  renderSlo(panel.slo, stats.slo, runs, level);
  // a configuration shown at its nearest level is said under the level, not again in the notes
  const levelNotes = input.level?.notes ?? [];
  const notes = stats.notes.filter((text) => !levelNotes.includes(text));
  panel.notes.replaceChildren(...notes.map((text) => h("li", "", text)));
}

/** "Load level: concurrency 16", and under it why a configuration shows another level. */
function renderLevel(container: HTMLElement, level: LevelInfo | null): void {
  if (level === null) {
    container.replaceChildren();
    delete container.dataset["level"];
    return;
  }
  container.dataset["level"] = String(level.value);
  const line = h("div", "tpot-level-line");
  line.append(document.createTextNode("Load level: "), h("strong", "", level.label));
  const notes = level.notes.map((text) => {
    const note = h("div", "tpot-level-note", text);
    note.dataset["testid"] = "stats-level-note";
    return note;
  });
  container.replaceChildren(line, ...notes);
}

function diffBlock(
  diff: DiffStats,
  stats: Stats,
  runs: readonly RunMeta[],
  unit: Unit,
  threshold: number | null,
): HTMLElement {
  const block = h("div", "tpot-diff");
  block.dataset["testid"] = "stat-diff";
  block.dataset["estimate"] = rawAttr(diff.estimate);
  block.dataset["ciLow"] = rawAttr(diff.ci_low);
  block.dataset["ciHigh"] = rawAttr(diff.ci_high);
  block.dataset["relative"] = rawAttr(diff.relative);
  block.dataset["verdict"] = diff.verdict;
  block.dataset["pValueAdjusted"] = rawAttr(diff.p_value_adjusted);
  block.dataset["probFaster"] = rawAttr(diff.prob_faster);
  const title = h("div", "tpot-diff-title");
  title.title = `${diff.name} vs ${diff.baseline}`;
  title.append(
    nameSpan("", labelByName(runs, diff.name), diff.name),
    document.createTextNode(" vs "),
    nameSpan("", labelByName(runs, diff.baseline), diff.baseline),
  );
  const abs = h("div", "tpot-diff-line");
  abs.append(
    document.createTextNode("difference "),
    h("span", "tpot-num", formatDelta(diff.estimate, unit)),
    document.createTextNode(" "),
    h("span", "tpot-ci", formatCI(diff.ci_low, diff.ci_high, unit, true)),
  );
  const rel = h("div", "tpot-diff-line");
  rel.append(
    document.createTextNode("relative "),
    h("span", "tpot-num", formatPercent(diff.relative)),
    document.createTextNode(" "),
    h("span", "tpot-ci", formatPercentCI(diff.relative_ci_low, diff.relative_ci_high)),
  );
  const lines: HTMLElement[] = [title, abs, rel];
  if (diff.hl_estimate !== null) {
    const hl = h("div", "tpot-diff-line");
    hl.dataset["testid"] = "stat-hl";
    hl.title = "Hodges\u2013Lehmann shift: the median of all pairwise differences";
    hl.append(
      document.createTextNode("HL shift "),
      h("span", "tpot-num", formatDelta(diff.hl_estimate, unit)),
      document.createTextNode(" "),
      h("span", "tpot-ci", formatCI(diff.hl_ci_low, diff.hl_ci_high, unit, true)),
    );
    lines.push(hl);
  }
  const extras: string[] = [];
  if (diff.prob_faster !== null) {
    extras.push(`P(${labelByName(runs, diff.name)} faster) ${formatShare(diff.prob_faster)}`);
  }
  if (diff.p_value !== null) extras.push(formatP(diff.p_value));
  if (diff.p_value_adjusted !== null) {
    extras.push(formatP(diff.p_value_adjusted, "adjusted p"));
  }
  if (extras.length > 0) {
    const line = h("div", "tpot-diff-line tpot-ci", extras.join(" \u00b7 "));
    line.dataset["testid"] = "stat-extras";
    lines.push(line);
  }
  const verdict = h(
    "div",
    "tpot-verdict",
    verdictSentence(diff, stats.confidence_level, stats.statistic, threshold, stats.minimum_n),
  );
  verdict.dataset["verdict"] = diff.verdict;
  lines.push(verdict);
  block.append(...lines);
  return block;
}

/** The warm-up hint: the kernel's message and a button that excludes the first seconds. */
function renderWarmUp(panel: PanelElements, stats: Stats): void {
  const w = stats.warm_up;
  const timeRange = stats.time_range;
  if (w === null || (timeRange !== null && timeRange[0] !== null)) {
    panel.warmUp.replaceChildren();
    return;
  }
  const seconds = w.seconds;
  const text = h("span", "", w.message);
  const button = h("button", "tpot-link", `exclude the first ${formatSeconds(seconds)}?`);
  button.type = "button";
  button.dataset["testid"] = "warm-up-exclude";
  button.dataset["seconds"] = String(seconds);
  button.addEventListener("click", () => panel.handlers.onWarmUp(seconds));
  panel.warmUp.replaceChildren(text, document.createTextNode(" "), button);
}

function formatSeconds(s: number): string {
  return `${Number.isInteger(s) ? String(s) : s.toFixed(1)} s`;
}

/** The SLO attainment table (per run) and the attainment differences against the baseline. */
function renderSlo(container: HTMLElement, slo: SloStats | null, runs: readonly RunMeta[], level: string): void {
  if (slo === null) {
    container.replaceChildren();
    return;
  }
  const objectives = Object.entries(slo.objectives)
    .map(([col, s]) => `${shortColumnLabel(col)} \u2264 ${formatValue(s, "s")}`)
    .join(", ");
  const title = h("div", "tpot-slo-title", `SLO: ${objectives}`);
  const table = h("table", "tpot-table tpot-slo-runs");
  const head = h("tr");
  head.append(h("th", "", "run"), h("th", "", "met"), h("th", "", "attainment"), h("th", "", "goodput"));
  const thead = h("thead");
  thead.append(head);
  const tbody = h("tbody");
  slo.runs.forEach((run, i) => {
    const meta = runs[i];
    const tr = h("tr");
    tr.dataset["testid"] = "slo-run";
    tr.dataset["n"] = String(run.n);
    tr.dataset["met"] = String(run.met);
    tr.dataset["attainment"] = rawAttr(run.attainment);
    tr.dataset["ciLow"] = rawAttr(run.ci_low);
    tr.dataset["ciHigh"] = rawAttr(run.ci_high);
    tr.dataset["goodputRps"] = rawAttr(run.goodput_rps);
    tr.dataset["goodputTokensPerS"] = rawAttr(run.goodput_tokens_per_s);
    const { cell: name } = runNameCell(run.name, meta, runs);
    const met = h("td", "tpot-num", `${formatCount(run.met)} / ${formatCount(run.n)}`);
    const att = h("td");
    att.append(
      h("span", "tpot-num", formatShare(run.attainment)),
      document.createElement("br"),
      h("span", "tpot-ci", `${level} CI [${formatShare(run.ci_low)}, ${formatShare(run.ci_high)}]`),
    );
    const good = h("td", "tpot-ci");
    good.append(
      document.createTextNode(formatRate(run.goodput_rps, "req/s")),
      document.createElement("br"),
      document.createTextNode(formatRate(run.goodput_tokens_per_s, "tok/s")),
    );
    tr.append(name, met, att, good);
    tbody.append(tr);
  });
  table.append(thead, tbody);
  const diffs = slo.differences.map((d) => {
    const line = h("div", "tpot-diff-line");
    line.dataset["testid"] = "slo-diff";
    line.dataset["estimate"] = rawAttr(d.estimate);
    line.dataset["ciLow"] = rawAttr(d.ci_low);
    line.dataset["ciHigh"] = rawAttr(d.ci_high);
    line.dataset["verdict"] = d.verdict;
    line.append(
      nameSpan("", labelByName(runs, d.name), d.name),
      document.createTextNode(` vs baseline: attainment ${formatPoints(d.estimate)} `),
      h("span", "tpot-ci", formatPointsCI(d.ci_low, d.ci_high)),
      document.createTextNode(` \u2014 ${d.verdict}`),
    );
    return line;
  });
  container.replaceChildren(title, table, ...diffs);
}

/** Mark the numbers as stale (a recompute is pending) or fresh, on the panel and the root. */
export function setStale(panel: PanelElements, root: HTMLElement, stale: boolean): void {
  const v = stale ? "true" : "false";
  // unchanged: no write (an attribute write restyles the whole widget, on every brush step)
  if (panel.root.dataset["stale"] !== v) panel.root.dataset["stale"] = v;
  if (root.dataset["stale"] !== v) root.dataset["stale"] = v;
}
