import { describe, expect, it } from "vitest";
import { comparedLevel, levelByLabel, levelByValue, levelOfPoint, sweepStatsOf } from "./levels";
import { runMeta } from "./testing";
import { LEVELS, sweepRuns, sweepStats } from "./testing-sweep";

describe("load levels", () => {
  it("finds a level by the value load_level holds (16.0 from Python is 16) or by its label", () => {
    expect(levelByValue(LEVELS, 16)?.label).toBe("concurrency 16");
    expect(levelByValue(LEVELS, 16.0)?.label).toBe("concurrency 16");
    expect(levelByValue(LEVELS, 2)).toBeUndefined();
    expect(levelByValue(LEVELS, null)).toBeUndefined();
    expect(levelByLabel(LEVELS, "concurrency 4")?.value).toBe(4);
    const named = [{ value: "throughput", kind: "throughput" as const, label: "throughput", configurations: [] }];
    expect(levelByValue(named, "throughput")?.kind).toBe("throughput");
  });

  it("the compared level is the one the configurations that ran it are at, with the others' notes", () => {
    expect(comparedLevel(sweepRuns(16), LEVELS)).toEqual({ value: 16, label: "concurrency 16", notes: [] });
    const at4 = comparedLevel(sweepRuns(4), LEVELS);
    expect(at4?.value).toBe(4); // the candidate's: the baseline is shown at its nearest, 1
    expect(at4?.label).toBe("concurrency 4");
    expect(at4?.notes).toEqual([sweepRuns(4)[0]?.level_note]);
    expect(comparedLevel([runMeta("a", "#111"), runMeta("b", "#222")], [])).toBeNull();
  });

  it("reads sweep_stats ({} without sweeps) and a clicked point's level", () => {
    expect(sweepStatsOf({})).toBeNull();
    expect(sweepStatsOf(sweepStats())?.axis.kind).toBe("concurrency");
    expect(levelOfPoint(16)).toBe(16);
    expect(levelOfPoint("synchronous")).toBe("synchronous");
    expect(levelOfPoint(undefined)).toBeNull();
    expect(levelOfPoint(null)).toBeNull();
  });
});
