import { describe, expect, it } from "vitest";
import examples from "./format.examples.json";
import {
  formatCI,
  formatCount,
  formatDelta,
  formatP,
  formatPercent,
  formatPercentCI,
  formatPoints,
  formatPointsCI,
  formatShare,
  formatThreshold,
  formatValue,
  type Unit,
} from "./format";

type Arg = number | string | boolean | null;

/** display.py's functions by name, as js/format.ts writes them (formatP without its "p = "). */
const MIRROR: Record<string, (...args: Arg[]) => string> = {
  format_value: (x, unit) => formatValue(x as number | null, unit as Unit),
  format_delta: (x, unit) => formatDelta(x as number | null, unit as Unit),
  format_ci: (lo, hi, unit, signed) => formatCI(lo as number | null, hi as number | null, unit as Unit, signed as boolean),
  format_percent: (x, signed = true) => formatPercent(x as number | null, signed as boolean),
  format_percent_ci: (lo, hi) => formatPercentCI(lo as number | null, hi as number | null),
  format_points: (x) => formatPoints(x as number | null),
  format_points_ci: (lo, hi) => formatPointsCI(lo as number | null, hi as number | null),
  format_p: (p) => formatP(p as number | null).replace(/^p (= )?/, ""),
  format_threshold: (t) => formatThreshold(t as number),
  format_share: (x) => formatShare(x as number | null),
  format_count: (n) => formatCount(n as number),
};

describe("js/format.ts mirrors display.py on the shared examples (js/format.examples.json)", () => {
  it.each(examples.examples.map((e) => [e.fn, JSON.stringify(e.args), e] as const))("%s(%s)", (fn, _, e) => {
    const mirror = MIRROR[fn];
    expect(mirror, `no mirror of ${fn}`).toBeDefined();
    expect(mirror!(...(e.args as Arg[]))).toBe(e.expected);
  });
});
