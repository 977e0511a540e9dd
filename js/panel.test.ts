import { describe, expect, it } from "vitest";
import { kernelSentence } from "./panel";
import { makeStats, runMeta } from "./testing";

const units = { num_tokens_output: "tokens", time_per_output_token: "s" } as const;
const stats = makeStats([runMeta("a", "#111"), runMeta("b", "#222")], { token_range: [100, 800] });

describe("the report's kernel sentence", () => {
  it("is empty while the views show the range the statistics are for", () => {
    expect(kernelSentence({ token_range: [100, 800], time_range: null }, stats, units, "tpot-compare")).toBe("");
  });

  it("names the new range and the tpot-compare options that compute it", () => {
    const text = kernelSentence({ token_range: [200, 1500], time_range: null }, stats, units, "tpot-compare");
    expect(text).toMatch(/^The statistics for 200 ≤ output tokens ≤ 1,500 need the kernel: open the runs in TPOTCompare/);
    expect(text).toContain("rerun tpot-compare --tokens 200:1500.");
    const timed = kernelSentence({ token_range: [100, 800], time_range: [30, null] }, stats, units, "tpot-compare");
    expect(timed).toContain("100 ≤ output tokens ≤ 800 and request start ≥ 30 s");
    expect(timed).toContain("rerun tpot-compare --time 30:.");
    const all = kernelSentence({ token_range: null, time_range: null }, stats, units, "tpot-compare");
    expect(all).toMatch(/^The statistics for all requests need the kernel/);
    expect(all).toContain("rerun tpot-compare without --tokens.");
  });
});
