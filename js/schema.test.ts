import { describe, expect, it } from "vitest";
import { committedSchema, generateSchema } from "./schema.mjs";

describe("the wire's JSON Schema", () => {
  it("is up to date with js/protocol.ts (else: npm run schema, and commit it)", () => {
    expect(committedSchema()).toBe(generateSchema());
  }, 60_000);

  it("is strict: required keys, no extra keys, number | null where Python gives None", () => {
    const schema = JSON.parse(committedSchema()) as {
      definitions: Record<string, { required?: string[]; additionalProperties?: unknown; properties?: Record<string, unknown> }>;
    };
    const stats = schema.definitions["Stats"]!;
    expect(stats.additionalProperties).toBe(false);
    expect(stats.required).toContain("shift_function");
    expect(schema.definitions["RunStats"]!.properties!["estimate"]).toEqual({ type: ["number", "null"] });
    expect(schema.definitions["WidgetModel"]!.required).not.toContain("_report");
  });
});
