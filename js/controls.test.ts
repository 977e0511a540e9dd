import { describe, expect, it } from "vitest";
import {
  levelTitle,
  MATCH_CHOICES,
  matchFromOption,
  matchOptionValue,
  percentInputValue,
  thresholdFromPercent,
} from "./controls";

describe("threshold input (percent) ↔ the relative threshold", () => {
  it("reads a percentage as a relative threshold, without binary noise", () => {
    expect(thresholdFromPercent("2")).toEqual({ ok: true, value: 0.02 });
    expect(thresholdFromPercent(" 2.5 ")).toEqual({ ok: true, value: 0.025 });
    expect(thresholdFromPercent("1.1")).toEqual({ ok: true, value: 0.011 });
    expect(thresholdFromPercent("0.5")).toEqual({ ok: true, value: 0.005 });
    expect(thresholdFromPercent("99")).toEqual({ ok: true, value: 0.99 });
  });

  it("takes an empty input as no threshold", () => {
    expect(thresholdFromPercent("")).toEqual({ ok: true, value: null });
    expect(thresholdFromPercent("   ")).toEqual({ ok: true, value: null });
  });

  it("refuses what the kernel would refuse, saying what to type", () => {
    for (const text of ["0", "-2", "100", "150"]) {
      const r = thresholdFromPercent(text);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toContain(text);
        expect(r.error).toContain("2 for \u00b12%");
      }
    }
    const nan = thresholdFromPercent("abc");
    expect(nan.ok).toBe(false);
    // a number input whose text is not a number reports "" with badInput: not "no threshold"
    const bad = thresholdFromPercent("", true);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("not a number");
  });

  it("shows a relative threshold as the percentage typed", () => {
    expect(percentInputValue(0.02)).toBe("2");
    expect(percentInputValue(0.011)).toBe("1.1");
    expect(percentInputValue(0.025)).toBe("2.5");
    expect(percentInputValue(null)).toBe("");
    expect(percentInputValue(undefined)).toBe("");
  });

  it("round-trips: what the input shows reads back as the same threshold", () => {
    for (const t of [0.001, 0.011, 0.02, 0.033, 0.07, 0.15, 0.5]) {
      expect(thresholdFromPercent(percentInputValue(t))).toEqual({ ok: true, value: t });
    }
  });
});

describe("match selector ↔ the match list", () => {
  it("offers none, output tokens, input tokens and both", () => {
    expect(MATCH_CHOICES.map(([, label]) => label)).toEqual([
      "none",
      "output tokens",
      "input tokens",
      "both",
    ]);
  });

  it("turns each option into the list of token columns (none = null)", () => {
    const lists = MATCH_CHOICES.map(([value]) => matchFromOption(value));
    expect(lists).toEqual([
      null,
      ["num_tokens_output"],
      ["num_tokens_input"],
      ["num_tokens_output", "num_tokens_input"],
    ]);
    expect(lists).toEqual(MATCH_CHOICES.map(([, , columns]) => columns));
  });

  it("shows a list as its option, whatever its order", () => {
    expect(matchOptionValue(null)).toBe("");
    expect(matchOptionValue(undefined)).toBe("");
    expect(matchOptionValue([])).toBe("");
    expect(matchOptionValue(["num_tokens_output"])).toBe("num_tokens_output");
    expect(matchOptionValue(["num_tokens_input"])).toBe("num_tokens_input");
    const both = MATCH_CHOICES[3]![0];
    expect(matchOptionValue(["num_tokens_output", "num_tokens_input"])).toBe(both);
    expect(matchOptionValue(["num_tokens_input", "num_tokens_output"])).toBe(both);
  });

  it("round-trips every option", () => {
    for (const [value] of MATCH_CHOICES) {
      expect(matchOptionValue(matchFromOption(value))).toBe(value);
    }
  });
});

describe("the level control", () => {
  it("says who ran a level, and who is shown at their nearest level instead", () => {
    const level = { value: 4, kind: "concurrency" as const, label: "concurrency 4", configurations: ["b"] };
    expect(levelTitle(level, ["a", "b"])).toBe(
      "concurrency 4: run by b; a is shown at the nearest level by achieved request rate",
    );
    expect(levelTitle({ ...level, configurations: ["a", "b"] }, ["a", "b"])).toBe(
      "concurrency 4: every configuration ran it",
    );
  });
});
