/**
 * The run header and the stats panel: DOM built with textContent only (run names and error
 * texts are user data, never HTML), with the data-* attributes of the DOM contract.
 */

import type { TokenRange } from "./range";
import {
  columnLabel,
  formatCI,
  formatCount,
  formatDelta,
  formatPercent,
  formatPercentCI,
  formatValue,
  rawAttr,
  shortColumnLabel,
  statisticLabel,
  verdictSentence,
  type Unit,
} from "./format";

export interface RunMeta {
  name: string;
  /** The short label (the part of the names that differs), computed by the kernel. */
  label?: string;
  color: string;
  /** Runs pooled into this arm (> 1: "arm of N runs"). */
  n_runs?: number;
  /** false when the run has no request start times (no time view, no time range). */
  has_start_times?: boolean;
  n_requests: number;
  n_errors: number;
  top_errors: [string, number][];
  synthetic: boolean;
}

export interface RunStats {
  name: string;
  n: number;
  n_errors: number;
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

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
  verdict: string;
}

export interface Stats {
  dimension: string;
  statistic: string;
  method: string;
  confidence_level: number;
  token_range: [number | null, number | null] | null;
  runs: RunStats[];
  differences: DiffStats[];
}

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

/** One header chip per run: colour, name, request count, error count (errors listed on hover). */
export function renderHeader(container: HTMLElement, runs: readonly RunMeta[]): void {
  container.replaceChildren();
  runs.forEach((run, i) => {
    const chip = h("div", "tpot-run");
    chip.dataset["testid"] = "run-header";
    chip.dataset["runIndex"] = String(i);
    const swatch = h("span", "tpot-swatch");
    swatch.style.background = run.color;
    const name = h("span", "tpot-run-name", run.name);
    name.dataset["testid"] = "run-name";
    name.title = run.name;
    const role = h("span", "tpot-run-role", i === 0 ? "baseline" : `run ${i + 1}`);
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
    chip.append(swatch, name, role, count, errors);
    container.append(chip);
  });
}

/** "All requests" or "100 ≤ output tokens ≤ 400". */
export function describeRange(range: TokenRange, xDimension: string, unit: Unit): string {
  if (range === null) {
    return `All requests — drag across the scatter to select a range of ${columnLabel(xDimension)}`;
  }
  const [lo, hi] = range;
  const fmt = (v: number): string => (unit === "tokens" ? formatCount(v) : String(v));
  const label = columnLabel(xDimension);
  if (lo !== null && hi !== null) return `Selected: ${fmt(lo)} \u2264 ${label} \u2264 ${fmt(hi)}`;
  if (lo !== null) return `Selected: ${label} \u2265 ${fmt(lo)}`;
  return `Selected: ${label} \u2264 ${fmt(hi as number)}`;
}

export interface PanelElements {
  root: HTMLElement;
  pending: HTMLElement;
  selection: HTMLElement;
  values: HTMLElement;
  error: HTMLElement;
}

/** The panel's fixed skeleton (title, pending marker, selection line, values, error line). */
export function createPanel(): PanelElements {
  const root = h("div", "tpot-panel");
  root.dataset["testid"] = "stats-panel";
  root.dataset["stale"] = "false";
  const title = h("div", "tpot-panel-title");
  const heading = h("span", "", "Statistics");
  const pending = h("span", "tpot-pending", "updating\u2026");
  pending.setAttribute("aria-live", "polite");
  title.append(heading, pending);
  const selection = h("div", "tpot-selection");
  const values = h("div", "tpot-values");
  const error = h("div", "tpot-error");
  error.dataset["testid"] = "stats-error";
  const note = h(
    "div",
    "tpot-note",
    "Failed requests are excluded from the statistics. CIs: bootstrap; differences are run \u2212 baseline (lower is faster).",
  );
  root.append(title, selection, values, error, note);
  return { root, pending, selection, values, error };
}

/** Fill the panel with `stats` (per-run rows, then one block per non-baseline run). */
export function renderStats(
  panel: PanelElements,
  stats: Stats | null,
  runs: readonly RunMeta[],
  units: Record<string, Unit>,
  xDimension: string,
  errorMessage: string,
): void {
  panel.error.textContent = errorMessage;
  if (stats === null || !Array.isArray(stats.runs)) {
    panel.values.replaceChildren(h("div", "tpot-note", "waiting for the kernel\u2026"));
    return;
  }
  const unit: Unit = units[stats.dimension] ?? "s";
  panel.selection.textContent = describeRange(stats.token_range, xDimension, units[xDimension] ?? "tokens");
  const level = `${String(Math.round(stats.confidence_level * 1000) / 10)}%`;

  const table = h("table", "tpot-table");
  const head = h("tr");
  head.append(
    h("th", "", "run"),
    h("th", "", "n"),
    h("th", "", `${statisticLabel(stats.statistic)} ${shortColumnLabel(stats.dimension)}`),
  );
  const thead = h("thead");
  thead.append(head);
  const tbody = h("tbody");
  stats.runs.forEach((run, i) => {
    const tr = h("tr");
    tr.dataset["testid"] = "stat-run";
    tr.dataset["n"] = String(run.n);
    tr.dataset["estimate"] = rawAttr(run.estimate);
    tr.dataset["ciLow"] = rawAttr(run.ci_low);
    tr.dataset["ciHigh"] = rawAttr(run.ci_high);
    const name = h("td", "tpot-name");
    const dot = h("span", "tpot-dot");
    dot.style.background = runs[i]?.color ?? "gray";
    name.append(dot, document.createTextNode(run.name));
    name.title = run.name;
    const n = h("td", "tpot-num", formatCount(run.n));
    const est = h("td");
    est.append(
      h("span", "tpot-num", formatValue(run.estimate, unit)),
      document.createElement("br"),
      h("span", "tpot-ci", `${level} CI ${formatCI(run.ci_low, run.ci_high, unit)}`),
    );
    tr.append(name, n, est);
    tbody.append(tr);
  });
  table.append(thead, tbody);

  const blocks: HTMLElement[] = [table];
  for (const diff of stats.differences) {
    const block = h("div", "tpot-diff");
    block.dataset["testid"] = "stat-diff";
    block.dataset["estimate"] = rawAttr(diff.estimate);
    block.dataset["ciLow"] = rawAttr(diff.ci_low);
    block.dataset["ciHigh"] = rawAttr(diff.ci_high);
    block.dataset["relative"] = rawAttr(diff.relative);
    block.dataset["verdict"] = diff.verdict;
    const title = h("div", "tpot-diff-title", `${diff.name} vs ${diff.baseline}`);
    title.title = title.textContent ?? "";
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
    const verdict = h(
      "div",
      "tpot-verdict",
      verdictSentence(diff, stats.confidence_level, stats.statistic),
    );
    verdict.dataset["verdict"] = diff.verdict;
    block.append(title, abs, rel, verdict);
    blocks.push(block);
  }
  panel.values.replaceChildren(...blocks);
}

/** Mark the numbers as stale (a recompute is pending) or fresh, on the panel and the root. */
export function setStale(panel: PanelElements, root: HTMLElement, stale: boolean): void {
  const v = stale ? "true" : "false";
  panel.root.dataset["stale"] = v;
  root.dataset["stale"] = v;
}
