/**
 * The control row: the load level (sweep widgets), dimension / x-dimension / statistic /
 * confidence dropdowns, the practical threshold (±%) and the matched-workload selector, log
 * axis, the numeric token range (mirrors the brush) and "reset selection".
 */

import type { TokenRange } from "./range";
import { columnLabel, shortColumnLabel, statisticLabel } from "./labels";
import { h } from "./panel";
import { levelByValue } from "./levels";
import type { Choices, LoadLevel, LoadLevelValue } from "./protocol";

export const CONFIDENCE_LEVELS: readonly number[] = [0.8, 0.9, 0.95, 0.99];

export interface ControlState {
  dimension: string;
  x_dimension: string;
  statistic: string;
  confidence_level: number;
  log_axis: boolean;
  token_range: TokenRange;
  time_range: TokenRange;
  /** false when no run has request start times: the time range inputs are hidden. */
  has_start_times: boolean;
  /** SLO objectives in seconds ({} = none). */
  slo: Record<string, number>;
  /** Relative practical threshold (0.02 = ±2%) or null. */
  threshold: number | null;
  /** Token columns the differences are matched on, or null. */
  match: string[] | null;
  /** With sweeps: the level chosen (`load_level`); null without. */
  load_level: LoadLevelValue | null;
}

export interface ControlHandlers {
  onDimension(value: string): void;
  onXDimension(value: string): void;
  onStatistic(value: string): void;
  onConfidence(value: number): void;
  onLogAxis(value: boolean): void;
  onRange(range: TokenRange): void;
  onTimeRange(range: TokenRange): void;
  onSlo(slo: Record<string, number>): void;
  /** A committed threshold input: the relative threshold, or why the text was not sent. */
  onThreshold(result: Parsed<number | null>): void;
  onMatch(match: string[] | null): void;
  /** With sweeps: a level picked in the level control. */
  onLoadLevel(value: LoadLevelValue): void;
  onReset(): void;
}

/** A control's text read as a value, or the sentence saying why it cannot be. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Controls {
  root: HTMLElement;
  update(state: ControlState): void;
  setRange(range: TokenRange): void;
  setTimeRange(range: TokenRange): void;
}

function select(testid: string, options: readonly [string, string][]): HTMLSelectElement {
  const el = h("select");
  el.dataset["testid"] = testid;
  for (const [value, label] of options) {
    const opt = h("option", "", label);
    opt.value = value;
    el.append(opt);
  }
  return el;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = h("label");
  label.append(document.createTextNode(text), control);
  return label;
}

/** The number shown in a range input ("" for an open side). */
export function rangeInputValue(v: number | null): string {
  return v === null ? "" : String(v);
}

/** The range two inputs describe; null sides are open; swapped when typed in reverse. */
export function rangeFromInputs(minText: string, maxText: string): TokenRange {
  const parse = (t: string): number | null => {
    if (t.trim() === "") return null;
    const v = Number(t);
    return Number.isFinite(v) ? v : null;
  };
  let lo = parse(minText);
  let hi = parse(maxText);
  if (lo === null && hi === null) return null;
  if (lo !== null && hi !== null && lo > hi) [lo, hi] = [hi, lo];
  return [lo, hi];
}

/** Ensure `value` is among the options (e.g. a statistic set from Python such as "p95"). */
function ensureOption(el: HTMLSelectElement, value: string, label: string): void {
  if (![...el.options].some((o) => o.value === value)) {
    const opt = h("option", "", label);
    opt.value = value;
    el.append(opt);
  }
  el.value = value;
}

/** Milliseconds typed in an SLO input → seconds (null for empty or not a positive number). */
export function sloSeconds(text: string): number | null {
  if (text.trim() === "") return null;
  const ms = Number(text);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : null;
}

/** Seconds → the milliseconds an SLO input shows ("" for none). */
export function sloInputValue(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "";
  return String(Math.round(seconds * 1000 * 1000) / 1000);
}

/** Rounds away binary noise of a ×/÷100 (1.1 / 100 = 0.011, not 0.011000000000000001). */
function decimal(v: number): number {
  return Number(v.toPrecision(12));
}

/**
 * The threshold input's percent text → the relative threshold (2 → 0.02; empty → null, no
 * threshold). Refused here (with the sentence shown in the panel's error line): what is not a
 * number, and percentages outside (0, 100), which the kernel would refuse too.
 */
export function thresholdFromPercent(text: string, badInput = false): Parsed<number | null> {
  const t = text.trim();
  if (badInput) return { ok: false, error: "Threshold ±%: not a number (e.g. 2 for ±2%)." };
  if (t === "") return { ok: true, value: null };
  const pct = Number(t);
  if (!Number.isFinite(pct)) {
    return { ok: false, error: `Threshold ±%: ${t} is not a number (e.g. 2 for ±2%).` };
  }
  if (!(pct > 0 && pct < 100)) {
    return {
      ok: false,
      error:
        `Threshold ±%: ${t} is outside (0, 100); give a percentage such as 2 for ±2%, ` +
        "or leave it empty for no threshold.",
    };
  }
  return { ok: true, value: decimal(pct / 100) };
}

/** The relative threshold → the percent the input shows (0.02 → "2"; null → ""). */
export function percentInputValue(threshold: number | null | undefined): string {
  if (threshold === null || threshold === undefined || !Number.isFinite(threshold)) return "";
  return String(decimal(threshold * 100));
}

/** The matched-workload choices: option value, label, the `match` list (null = none). */
export const MATCH_CHOICES: readonly [string, string, string[] | null][] = [
  ["", "none", null],
  ["num_tokens_output", "output tokens", ["num_tokens_output"]],
  ["num_tokens_input", "input tokens", ["num_tokens_input"]],
  ["num_tokens_output,num_tokens_input", "both", ["num_tokens_output", "num_tokens_input"]],
];

/** The match selector's option value → the `match` trait (a list of token columns, or null). */
export function matchFromOption(value: string): string[] | null {
  const columns = value.split(",").filter((c) => c !== "");
  return columns.length === 0 ? null : columns;
}

/** The `match` trait → the option value showing it (order ignored: both orders are "both"). */
export function matchOptionValue(match: readonly string[] | null | undefined): string {
  if (!match || match.length === 0) return "";
  const wanted = [...new Set(match)].sort().join(",");
  for (const [value, , columns] of MATCH_CHOICES) {
    if (columns !== null && [...columns].sort().join(",") === wanted) return value;
  }
  return [...new Set(match)].join(",");
}

/** The label of an option value (the known choices, else the column labels joined). */
function matchLabel(value: string): string {
  const known = MATCH_CHOICES.find(([v]) => v === value);
  if (known) return known[1];
  return (matchFromOption(value) ?? []).map((c) => shortColumnLabel(c)).join(" + ");
}

function numberInput(testid: string, placeholder: string): HTMLInputElement {
  const el = h("input");
  el.type = "number";
  el.step = "any";
  el.placeholder = placeholder;
  el.dataset["testid"] = testid;
  return el;
}

/** Call `fn` when the input is committed (change, or Enter without leaving the field). */
function onCommit(input: HTMLInputElement, fn: () => void): void {
  input.addEventListener("change", fn);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") fn();
  });
}

/** Who ran a level: the level control's option title. */
export function levelTitle(level: LoadLevel, configurations: readonly string[]): string {
  const ran = level.configurations;
  const missing = configurations.filter((c) => !ran.includes(c));
  if (missing.length === 0) return `${level.label}: every configuration ran it`;
  return (
    `${level.label}: run by ${ran.join(", ")}; ${missing.join(", ")} ` +
    `${missing.length === 1 ? "is" : "are"} shown at the nearest level by achieved request rate`
  );
}

/** The level select: one option per level (value = its index in `levels`). */
function levelSelect(levels: readonly LoadLevel[]): HTMLSelectElement {
  const el = select(
    "load-level-select",
    levels.map((l, i) => [String(i), l.label]),
  );
  const configurations = [...new Set(levels.flatMap((l) => l.configurations))];
  levels.forEach((l, i) => {
    const option = el.options[i];
    if (option) option.title = levelTitle(l, configurations);
  });
  el.title = "The load level every view and the statistics compare the configurations at (or click a level in the load view)";
  return el;
}

/**
 * Build the control row; handlers fire only on user input, never on `update`. With
 * `kernelOnly` (the report, which has no kernel), the controls that change the statistics
 * (dimensions, statistic, confidence, threshold, match, SLO) are disabled, `kernelOnly` as
 * their title; the ranges, log axis and reset stay (the views follow them). The level control
 * (sweep widgets: `choices.load_levels`) stays unless `levelsNote` says why it cannot (a
 * report holding one level only).
 */
export function createControls(
  choices: Pick<Choices, "dimensions" | "x_dimensions" | "slo_columns" | "statistics"> &
    Partial<Pick<Choices, "load_levels">>,
  handlers: ControlHandlers,
  kernelOnly: string | null = null,
  levelsNote: string | null = null,
): Controls {
  const root = h("div", "tpot-controls");
  const levels = choices.load_levels ?? [];
  const level = levelSelect(levels);
  const levelLabel = labelled("load level", level);
  levelLabel.classList.add("tpot-level");
  levelLabel.hidden = levels.length === 0;
  level.addEventListener("change", () => {
    const chosen = levels[Number(level.value)];
    if (chosen !== undefined) handlers.onLoadLevel(chosen.value);
  });
  if (levelsNote !== null) {
    level.disabled = true;
    level.title = levelsNote;
    levelLabel.title = levelsNote;
  }
  const dim = select(
    "dimension-select",
    choices.dimensions.map((c) => [c, columnLabel(c)]),
  );
  const xdim = select(
    "x-dimension-select",
    choices.x_dimensions.map((c) => [c, columnLabel(c)]),
  );
  const stat = select(
    "statistic-select",
    choices.statistics.map((st) => [st.name, st.name]),
  );
  for (const option of stat.options) option.title = statisticLabel(option.value);
  const conf = select(
    "confidence-select",
    CONFIDENCE_LEVELS.map((c) => [String(c), `${Math.round(c * 100)}%`]),
  );
  const log = h("input");
  log.type = "checkbox";
  log.dataset["testid"] = "log-axis";
  const min = h("input");
  min.type = "number";
  min.step = "any";
  min.placeholder = "min";
  min.dataset["testid"] = "token-min";
  const max = h("input");
  max.type = "number";
  max.step = "any";
  max.placeholder = "max";
  max.dataset["testid"] = "token-max";
  const tmin = numberInput("time-min", "from");
  const tmax = numberInput("time-max", "to");
  const timeLabel = h("label");
  timeLabel.title = "Seconds since each run's first request (drag across the time view)";
  timeLabel.append(h("span", "", "start time (s)"), tmin, document.createTextNode("\u2013"), tmax);
  timeLabel.hidden = true;
  const onTimeInput = (): void => handlers.onTimeRange(rangeFromInputs(tmin.value, tmax.value));
  onCommit(tmin, onTimeInput);
  onCommit(tmax, onTimeInput);

  // SLO objectives: one input (ms) per duration column; empty = no objective on it
  const sloColumns = choices.slo_columns;
  const sloBox = h("span", "tpot-slo-inputs");
  sloBox.dataset["testid"] = "slo-inputs";
  sloBox.append(h("span", "", "SLO (ms)"));
  const sloInputs = new Map<string, HTMLInputElement>();
  const onSloInput = (): void => {
    const slo: Record<string, number> = {};
    for (const [col, input] of sloInputs) {
      const s = sloSeconds(input.value);
      if (s !== null) slo[col] = s;
    }
    handlers.onSlo(slo);
  };
  for (const col of sloColumns) {
    const input = numberInput(`slo-${col}`, "\u2014");
    input.min = "0";
    input.title = `Objective on ${columnLabel(col)} in ms: a request meets the SLO when it succeeded and meets every objective`;
    onCommit(input, onSloInput);
    sloInputs.set(col, input);
    sloBox.append(labelled(shortColumnLabel(col), input));
  }

  // the practical threshold (±%, empty = none) and the matched-workload selector
  const threshold = numberInput("threshold-input", "none");
  threshold.min = "0";
  threshold.max = "100";
  threshold.title =
    "Practical threshold in percent: verdicts compare the relative CI with \u00b1this " +
    "(faster, slower, equivalent or inconclusive); empty = no threshold";
  const thresholdLabel = labelled("threshold \u00b1%", threshold);
  thresholdLabel.classList.add("tpot-threshold");
  let thresholdEdited = false;
  let thresholdShown: number | null | undefined;
  threshold.addEventListener("input", () => {
    thresholdEdited = true;
  });
  onCommit(threshold, () => {
    thresholdEdited = false;
    const result = thresholdFromPercent(threshold.value, threshold.validity.badInput);
    if (result.ok) threshold.removeAttribute("aria-invalid");
    else threshold.setAttribute("aria-invalid", "true");
    handlers.onThreshold(result);
  });
  const offered = MATCH_CHOICES.filter(
    ([, , columns]) =>
      columns === null ||
      choices.x_dimensions.length === 0 ||
      columns.every((c) => choices.x_dimensions.includes(c)),
  );
  const match = select(
    "match-select",
    offered.map(([value, label]) => [value, label]),
  );
  match.title =
    "Compare the runs on the same workload: differences matched on these token counts over " +
    "the runs' common support (the notes say how many requests fall outside it)";
  const matchLabelEl = labelled("match workloads on", match);
  match.addEventListener("change", () => handlers.onMatch(matchFromOption(match.value)));

  const reset = h("button", "", "reset selection");
  reset.type = "button";
  reset.dataset["testid"] = "reset-selection";
  reset.title = "Select every request again";

  dim.addEventListener("change", () => handlers.onDimension(dim.value));
  xdim.addEventListener("change", () => handlers.onXDimension(xdim.value));
  stat.addEventListener("change", () => handlers.onStatistic(stat.value));
  conf.addEventListener("change", () => handlers.onConfidence(Number(conf.value)));
  log.addEventListener("change", () => handlers.onLogAxis(log.checked));
  const onRangeInput = (): void => handlers.onRange(rangeFromInputs(min.value, max.value));
  for (const input of [min, max]) {
    input.addEventListener("change", onRangeInput);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") onRangeInput();
    });
  }
  reset.addEventListener("click", () => handlers.onReset());

  const rangeLabel = h("label");
  const rangeName = h("span", "", "range");
  rangeLabel.append(rangeName, min, document.createTextNode("\u2013"), max);

  root.append(
    levelLabel,
    labelled("y", dim),
    labelled("x", xdim),
    labelled("statistic", stat),
    labelled("confidence", conf),
    thresholdLabel,
    matchLabelEl,
    labelled("log axis", log),
    rangeLabel,
    timeLabel,
    reset,
    sloBox,
  );

  sloBox.hidden = sloInputs.size === 0;
  if (kernelOnly !== null) {
    const statistics = [dim, xdim, stat, conf, threshold, match, ...sloInputs.values()];
    for (const control of statistics) {
      control.disabled = true;
      control.title = kernelOnly;
      // a disabled control gets no pointer events: its label carries the reason too
      const label = control.closest("label");
      if (label) label.title = kernelOnly;
    }
    sloBox.title = kernelOnly;
  }

  const setTimeRange = (range: TokenRange): void => {
    const [lo, hi] = range ?? [null, null];
    const [a, b] = [rangeInputValue(lo), rangeInputValue(hi)];
    if (document.activeElement !== tmin && tmin.value !== a) tmin.value = a;
    if (document.activeElement !== tmax && tmax.value !== b) tmax.value = b;
  };

  const setRange = (range: TokenRange): void => {
    const [lo, hi] = range ?? [null, null];
    const [a, b] = [rangeInputValue(lo), rangeInputValue(hi)];
    if (document.activeElement !== min && min.value !== a) min.value = a;
    if (document.activeElement !== max && max.value !== b) max.value = b;
  };

  return {
    root,
    setRange,
    setTimeRange,
    update(state: ControlState): void {
      const chosen = levelByValue(levels, state.load_level);
      if (chosen !== undefined) level.value = String(levels.indexOf(chosen));
      timeLabel.hidden = !state.has_start_times;
      setTimeRange(state.time_range);
      for (const [col, input] of sloInputs) {
        if (document.activeElement !== input) input.value = sloInputValue(state.slo[col]);
      }
      if (state.threshold !== thresholdShown) {
        // the kernel's value changed (set from Python, or the typed one accepted); a text
        // being typed is left alone, and a refused text stays until the value changes
        if (!(thresholdEdited && document.activeElement === threshold)) {
          threshold.value = percentInputValue(state.threshold);
          threshold.removeAttribute("aria-invalid");
          thresholdEdited = false;
        }
        thresholdShown = state.threshold;
      }
      const matched = matchOptionValue(state.match);
      ensureOption(match, matched, matchLabel(matched));
      ensureOption(dim, state.dimension, columnLabel(state.dimension));
      ensureOption(xdim, state.x_dimension, columnLabel(state.x_dimension));
      ensureOption(stat, state.statistic, state.statistic);
      const confValue = String(state.confidence_level);
      ensureOption(conf, confValue, `${Math.round(state.confidence_level * 1000) / 10}%`);
      log.checked = state.log_axis;
      rangeName.textContent = `${columnLabel(state.x_dimension)}`;
      setRange(state.token_range);
    },
  };
}
