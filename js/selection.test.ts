import { describe, expect, it } from "vitest";
import { binnedQuantiles, coverBins, type RunColumns } from "./data";
import { prepare } from "./prepared";
import type { Range } from "./range";
import { binQuantiles, prepareLines, prepareSelection, selectRuns } from "./selection";
import type { SortedSample } from "./sample";

const UNITS = { time_per_output_token: "s", num_tokens_output: "tokens", request_start: "s-offset" } as const;

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomColumns(n: number, seed: number, withTimes = true): RunColumns {
  const rand = lcg(seed);
  return {
    x: Float32Array.from({ length: n }, () => (rand() < 0.02 ? Number.NaN : Math.floor(rand() * 800))),
    y: Float32Array.from({ length: n }, () => (rand() < 0.02 ? Number.NaN : 0.005 + rand() ** 3 * 0.1)),
    error: Uint8Array.from({ length: n }, () => (rand() < 0.04 ? 1 : 0)),
    ...(withTimes ? { t: Float32Array.from({ length: n }, () => (rand() < 0.02 ? Number.NaN : rand() * 300)) } : {}),
  };
}

function within(v: number, range: Range): boolean {
  if (range === null) return true;
  return v >= (range[0] ?? Number.NEGATIVE_INFINITY) && v <= (range[1] ?? Number.POSITIVE_INFINITY);
}

/** The rows' values (ms) inside both ranges and outside them, by a pass over every row. */
function bruteSelect(c: RunColumns, token: Range, time: Range): [number[], number[]] {
  const inside: number[] = [];
  const outside: number[] = [];
  const timed = c.t !== undefined && time !== null;
  for (let i = 0; i < c.y.length; i++) {
    const y = c.y[i] as number;
    if (c.error[i] === 1 || !Number.isFinite(y)) continue;
    const ms = Math.fround(y) * 1000;
    const inTokens = token === null || (Number.isFinite(c.x[i] as number) && within(c.x[i] as number, token));
    const inTime = !timed || (Number.isFinite(c.t![i] as number) && within(c.t![i] as number, time));
    (inTokens && inTime ? inside : outside).push(ms);
  }
  const asc = (a: number, b: number): number => a - b;
  return [inside.sort(asc), outside.sort(asc)];
}

function values(s: SortedSample): number[] {
  return Array.from({ length: s.size }, (_, k) => s.at(k));
}

describe("selection by the ranges", () => {
  const columns = [randomColumns(2500, 1), randomColumns(1800, 2), randomColumns(900, 3, false)];
  const prep = prepare(columns, "time_per_output_token", "num_tokens_output", { ...UNITS }, 200_000);

  const cases: [Range, Range][] = [
    [null, null],
    [[100, 400], null],
    [[null, 250], null],
    [null, [50, 120]],
    [[300, null], [10, 200]],
    [[900, 1000], null],
  ];

  it("selects the same rows as a pass over every row, whichever range is brushed", async () => {
    const fresh = prepare(columns, "time_per_output_token", "num_tokens_output", { ...UNITS }, 200_000);
    for (const [token, time] of cases) {
      for (const active of ["token", "time"] as const) {
        // before the index is built (a pass over the rows), and from the index
        const before = selectRuns(fresh, token, time, active);
        await prepareSelection(fresh, token, time, active);
        const after = selectRuns(fresh, token, time, active);
        for (const selection of [before, after]) {
          columns.forEach((c, i) => {
            const [inside, outside] = bruteSelect(c, token, time);
            expect(values(selection[i]!.inside)).toEqual(inside);
            expect(values(selection[i]!.outside)).toEqual(outside);
          });
        }
      }
    }
  });

  it("follows a drag: each step of one range against the other's fixed value", async () => {
    const time: Range = [20, 260];
    await prepareSelection(prep, [0, 1], time, "token");
    for (let lo = 0; lo < 700; lo += 70) {
      const token: Range = [lo, lo + 150];
      const selection = selectRuns(prep, token, time, "token");
      columns.forEach((c, i) => {
        const [inside] = bruteSelect(c, token, time);
        expect(selection[i]!.inside.size).toBe(inside.length);
        if (inside.length > 0) expect(selection[i]!.inside.at(inside.length >> 1)).toBe(inside[inside.length >> 1]);
      });
    }
  });

  it("gives the time view's per-bin quantiles of a pass over every row", async () => {
    const rows = prep.sorted[0]!;
    const bins = coverBins(0, 300, 24);
    await prepareLines(prep, 0, bins);
    for (const token of [null, [100, 500], [790, 800], [2000, 3000]] as Range[]) {
      const fast = binQuantiles(prep, 0, token, bins, [0.5, 0.9]);
      const slow = binnedQuantiles(rows, token, bins, [0.5, 0.9]);
      expect(fast.map((a) => Array.from(a))).toEqual(slow.map((a) => Array.from(a)));
    }
  });
});
