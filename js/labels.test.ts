import { describe, expect, it } from "vitest";
import { columnLabel, shortColumnLabel, statisticLabel } from "./labels";

describe("labels the kernel sends (_choices.columns, _choices.statistics)", () => {
  it("are read by name; a name never sent shows as itself", () => {
    expect(columnLabel("time_per_output_token")).toBe("time per output token (TPOT)");
    expect(shortColumnLabel("time_to_last_token")).toBe("E2E latency");
    expect(statisticLabel("p95")).toBe("95th percentile");
    expect(columnLabel("some_new_column")).toBe("some new column");
    expect(statisticLabel("p97")).toBe("p97");
  });
});
