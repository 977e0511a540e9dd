import { describe, expect, it } from "vitest";
import {
  formatCI,
  formatCount,
  formatDelta,
  formatPercent,
  formatPercentCI,
  formatSignificant,
  formatValue,
  rawAttr,
  verdictSentence,
  formatP,
  formatShare,
  formatThreshold,
  formatPoints,
  formatPointsCI,
} from "./format";
import { columnLabel, statisticLabel } from "./labels";

const diff = (verdict: string, relative: number | null, lo: number | null, hi: number | null) => ({
  name: "b",
  baseline: "a",
  relative,
  relative_ci_low: lo,
  relative_ci_high: hi,
  verdict,
});

describe("durations", () => {
  it("shows seconds as milliseconds with three significant digits", () => {
    expect(formatValue(0.0214, "s")).toBe("21.4 ms");
    expect(formatValue(0.000512, "s")).toBe("0.512 ms");
    expect(formatValue(2.345, "s")).toBe("2,345 ms");
    expect(formatValue(null, "s")).toBe("n/a");
    expect(formatValue(512, "tokens")).toBe("512 tokens");
  });

  it("signs differences with a real minus sign", () => {
    expect(formatDelta(-0.00334, "s")).toBe("\u22123.34 ms");
    expect(formatDelta(0.0012, "s")).toBe("+1.20 ms");
    expect(formatDelta(null, "s")).toBe("n/a");
  });

  it("formats CIs with one unit and n/a when a bound is missing", () => {
    expect(formatCI(0.0209, 0.022, "s")).toBe("[20.9, 22.0] ms");
    expect(formatCI(-0.00353, 0.00014, "s", true)).toBe("[\u22123.53, +0.140] ms");
    expect(formatCI(null, 0.02, "s")).toBe("n/a");
  });

  it("keeps significant digits for small and large numbers", () => {
    expect(formatSignificant(0)).toBe("0");
    expect(formatSignificant(123456)).toBe("123,456");
    expect(formatSignificant(-0.0001234)).toBe("\u22120.000123");
    expect(formatSignificant(Number.NaN)).toBe("n/a");
  });
});

describe("percentages and counts", () => {
  it("formats relative differences", () => {
    expect(formatPercent(-0.1266)).toBe("\u221212.7%");
    expect(formatPercent(0.051)).toBe("+5.10%");
    expect(formatPercent(1.5)).toBe("+150%");
    expect(formatPercent(0)).toBe("\u00b10.00%");
    expect(formatPercentCI(-0.139, -0.115)).toBe("[\u221213.9%, \u221211.5%]");
    expect(formatPercentCI(null, 0.1)).toBe("n/a");
  });

  it("groups thousands and writes raw attributes as String(x)", () => {
    expect(formatCount(4951)).toBe("4,951");
    expect(rawAttr(0.1 + 0.2)).toBe(String(0.1 + 0.2));
    expect(rawAttr(null)).toBe("");
    expect(rawAttr(0)).toBe("0");
  });
});

describe("verdict words", () => {
  it("says faster / slower with the relative difference and its CI", () => {
    expect(verdictSentence(diff("faster", -0.137, -0.144, -0.129), 0.95, "median")).toBe(
      "Faster than the baseline: median 13.7% lower (95% CI 12.9% to 14.4%)",
    );
    expect(verdictSentence(diff("slower", 0.05, 0.02, 0.08), 0.9, "p99")).toBe(
      "Slower than the baseline: 99th percentile 5.00% higher (90% CI 2.00% to 8.00%)",
    );
  });

  it("says when there is no significant difference or not enough data", () => {
    expect(verdictSentence(diff("no significant difference", 0.01, -0.02, 0.03), 0.95, "mean")).toBe(
      "No significant difference in the mean at 95% confidence",
    );
    expect(verdictSentence(diff("not enough data", null, null, null), 0.95, "median")).toMatch(
      /^Not enough data/,
    );
    // the kernel's minimum_n: the fewest requests the statistic needs at this level
    expect(verdictSentence(diff("not enough data", null, null, null), 0.95, "p99", null, 299)).toBe(
      "Not enough data: the 99th percentile needs at least 299 successful requests per run in the selection",
    );
  });

  it("names statistics and columns in words", () => {
    expect(statisticLabel("p90")).toBe("90th percentile");
    expect(statisticLabel("median")).toBe("median");
    expect(columnLabel("time_per_output_token")).toBe("time per output token (TPOT)");
    expect(columnLabel("some_column")).toBe("some column");
  });
});

describe("equivalence, p-values and shares", () => {
  it("words the threshold verdicts with the ±threshold band", () => {
    const d = (verdict: string) => ({
      name: "b",
      baseline: "a",
      relative: 0.004,
      relative_ci_low: -0.01,
      relative_ci_high: 0.015,
      verdict,
    });
    expect(formatThreshold(0.02)).toBe("\u00b12%");
    expect(verdictSentence(d("equivalent"), 0.95, "median", 0.02)).toMatch(/^Equivalent.*within \u00b12%/);
    expect(verdictSentence(d("inconclusive"), 0.95, "median", 0.02)).toMatch(/^Inconclusive.*\u00b12%/);
  });

  it("formats p-values and shares", () => {
    expect(formatP(0.0004)).toBe("p < 0.001");
    expect(formatP(0.0123)).toBe("p = 0.012");
    expect(formatP(0.5, "adjusted p")).toBe("adjusted p = 0.50");
    expect(formatP(null)).toBe("p n/a");
    expect(formatShare(0.9342)).toBe("93.4%");
  });
});

describe("formatPoints", () => {
  it("writes a difference of shares in percentage points", () => {
    expect(formatPoints(0.0096)).toBe("+0.96 pp");
    expect(formatPoints(-0.125)).toBe("\u221212.5 pp");
    expect(formatPoints(null)).toBe("n/a");
    expect(formatPointsCI(-0.0135, 0.0326)).toBe("[\u22121.35, +3.26] pp");
    expect(formatPointsCI(null, 0.1)).toBe("n/a");
  });
});
