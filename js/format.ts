/**
 * Number formatting for the header, stats panel and hover texts: durations in ms, CIs,
 * relative differences and the verdict in plain words. Pure functions (unit-tested).
 */

import { statisticLabel } from "./labels";
import type { Unit } from "./protocol";

export type { Unit };

const MINUS = "\u2212";

/**
 * `x` (finite) with `decimals` decimals, as Python's `f"{x:.{decimals}f}"` writes it: correctly
 * rounded, an exact tie (2.5, 30.25, 1234.5 tokens) to the even digit, where toFixed rounds up.
 */
export function toFixedEven(x: number, decimals: number): string {
  const abs = Math.abs(x);
  const rounded = abs.toFixed(decimals);
  // the exact decimal expansion of the double (exact for |x| >= 2^-47): is it a tie?
  const exact = abs.toFixed(100);
  const point = exact.indexOf(".");
  const rest = exact.slice(point + 1 + decimals);
  let text = rounded;
  if (/^50*$/.test(rest)) {
    const kept = exact.slice(0, decimals === 0 ? point : point + 1 + decimals);
    if (Number(kept.charAt(kept.length - 1)) % 2 === 0) text = kept;
  }
  return (x < 0 && Number(text) !== 0 ? "-" : "") + text;
}

/** "1234567.5" → "1,234,567.5" (the integer part grouped by thousands). */
function groupThousands(text: string): string {
  const [int, frac] = text.split(".");
  const grouped = (int as string).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** `x` with `digits` significant digits, thousands grouped, no exponent for everyday sizes. */
export function formatSignificant(x: number, digits = 3, trimZeros = false): string {
  if (!Number.isFinite(x)) return "n/a";
  if (x === 0) return "0";
  const abs = Math.abs(x);
  const magnitude = Math.floor(Math.log10(abs));
  const decimals = Math.max(0, digits - 1 - magnitude);
  let text = toFixedEven(abs, decimals);
  if (trimZeros && text.includes(".")) text = text.replace(/\.?0+$/, "");
  return (x < 0 ? MINUS : "") + groupThousands(text);
}

/** A value in its unit: seconds as "21.4 ms", tokens as "1,024 tokens"; null → "n/a". */
export function formatValue(x: number | null | undefined, unit: Unit): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  if (unit === "s") return `${formatSignificant(x * 1000)} ms`;
  if (unit === "tokens") return `${formatSignificant(x, 4, true)} tokens`;
  return `${formatSignificant(x)} s`;
}

/** A signed difference: "+1.23 ms" / "−0.52 ms". */
export function formatDelta(x: number | null | undefined, unit: Unit): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  const body = formatValue(Math.abs(x), unit);
  return (x > 0 ? "+" : x < 0 ? MINUS : "\u00b1") + body;
}

/** A CI as "[20.9, 22.0] ms" (one unit at the end); "n/a" when either bound is missing. */
export function formatCI(
  lo: number | null | undefined,
  hi: number | null | undefined,
  unit: Unit,
  signed = false,
): string {
  if (lo === null || lo === undefined || hi === null || hi === undefined) return "n/a";
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return "n/a";
  const scale = unit === "s" ? 1000 : 1;
  const suffix = unit === "s" ? " ms" : unit === "tokens" ? " tokens" : " s";
  const fmt = (v: number): string => {
    const t = formatSignificant(v * scale, unit === "tokens" ? 4 : 3, unit === "tokens");
    return signed && v > 0 ? `+${t}` : t;
  };
  return `[${fmt(lo)}, ${fmt(hi)}]${suffix}`;
}

/** A relative difference (b / a − 1) as "+5.1%" / "−12.3%". */
export function formatPercent(x: number | null | undefined, signed = true): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  const pct = x * 100;
  const abs = Math.abs(pct);
  const text = toFixedEven(abs, abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
  if (!signed) return `${text}%`;
  return (pct > 0 ? "+" : pct < 0 ? MINUS : "\u00b1") + `${text}%`;
}

/** A difference of two shares in percentage points: 0.0096 → "+0.96 pp" (not a relative %). */
export function formatPoints(x: number | null | undefined): string {
  const text = formatPercent(x);
  return text === "n/a" ? text : `${text.slice(0, -1)} pp`;
}

/** A CI of a difference of shares: "[−1.35, +3.26] pp". */
export function formatPointsCI(lo: number | null | undefined, hi: number | null | undefined): string {
  if (lo === null || lo === undefined || hi === null || hi === undefined) return "n/a";
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return "n/a";
  return `[${formatPercent(lo).slice(0, -1)}, ${formatPercent(hi).slice(0, -1)}] pp`;
}

/** A relative CI as "[−14.0%, −10.1%]". */
export function formatPercentCI(lo: number | null | undefined, hi: number | null | undefined): string {
  if (lo === null || lo === undefined || hi === null || hi === undefined) return "n/a";
  return `[${formatPercent(lo)}, ${formatPercent(hi)}]`;
}

/** Whole numbers with thousands separators (one formatter: toLocaleString makes one per call). */
const COUNT_FORMAT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A count with thousands separators: 12,345. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(Math.round(n));
}

export interface DiffLike {
  name: string;
  baseline: string;
  relative: number | null;
  relative_ci_low: number | null;
  relative_ci_high: number | null;
  verdict: string;
}

/**
 * The verdict in plain words, e.g. "Faster than the baseline: median 12.3% lower (95% CI 10.1%
 * to 14.0%)", "No significant difference in the median at 95% confidence", "Not enough data…".
 */
export function verdictSentence(
  diff: DiffLike,
  confidence: number,
  statistic: string,
  threshold: number | null = null,
  minimumN = 2,
): string {
  const level = `${String(Math.round(confidence * 1000) / 10)}%`;
  const what = statisticLabel(statistic);
  const band = threshold === null ? "the threshold" : formatThreshold(threshold);
  if (diff.verdict === "equivalent") {
    return `Equivalent to the baseline: the ${level} CI of the relative difference in the ${what} lies within ${band}`;
  }
  if (diff.verdict === "inconclusive") {
    return `Inconclusive: the ${level} CI of the relative difference in the ${what} reaches beyond ${band}; more requests would tell`;
  }
  if (diff.verdict === "not enough data") {
    return `Not enough data: the ${what} needs at least ${formatCount(minimumN)} successful requests per run in the selection`;
  }
  if (diff.verdict === "faster" || diff.verdict === "slower") {
    const direction = diff.verdict === "faster" ? "lower" : "higher";
    const rel = diff.relative;
    const lo = diff.relative_ci_low;
    const hi = diff.relative_ci_high;
    const head = `${diff.verdict === "faster" ? "Faster" : "Slower"} than the baseline`;
    if (rel === null) return head;
    const ci =
      lo === null || hi === null
        ? ""
        : ` (${level} CI ${formatPercent(Math.min(Math.abs(lo), Math.abs(hi)), false)} to ${formatPercent(
            Math.max(Math.abs(lo), Math.abs(hi)),
            false,
          )})`;
    return `${head}: ${what} ${formatPercent(Math.abs(rel), false)} ${direction}${ci}`;
  }
  return `No significant difference in the ${what} at ${level} confidence`;
}

/** The attribute form of a number for the DOM contract: String(x), "" for null/undefined. */
export function rawAttr(x: number | null | undefined): string {
  return x === null || x === undefined ? "" : String(x);
}

/** A relative practical threshold as "±2%" (0.02). */
export function formatThreshold(threshold: number): string {
  const pct = Math.round(threshold * 1000) / 10;
  return `\u00b1${pct}%`;
}

/** A p-value as "p = 0.012" / "p < 0.001"; "p n/a" when missing. */
export function formatP(p: number | null | undefined, name = "p"): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return `${name} n/a`;
  if (p < 0.001) return `${name} < 0.001`;
  return `${name} = ${p >= 0.1 ? toFixedEven(p, 2) : twoSignificant(p)}`;
}

/** 0 < p < 0.1 with two significant digits, as Python's `f"{p:#.2g}"`: 0.012, 0.0010, 0.10. */
function twoSignificant(p: number): string {
  const magnitude = Math.floor(Math.log10(p));
  const text = toFixedEven(p, 1 - magnitude);
  // rounded up into the next decade (0.0999 → 0.100): two significant digits are one decimal less
  return Number(text) >= 10 ** (magnitude + 1) ? toFixedEven(p, -magnitude) : text;
}

/** A share as "93.4%" (0.934), or with `decimals` others ("12%"); n/a when missing. */
export function formatShare(x: number | null | undefined, decimals = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  return `${toFixedEven(x * 100, decimals)}%`;
}

/** A rate with its unit: "12.3 req/s". */
export function formatRate(x: number | null | undefined, unit: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  return `${formatSignificant(x, 3, true)} ${unit}`;
}
