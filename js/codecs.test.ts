import { describe, expect, it } from "vitest";
import {
  columnKey,
  decodeColumn,
  decodeColumnsMessage,
  encodeColumn,
  isColumnsMessage,
  runColumnKeys,
  type ColumnsMessage,
} from "./codecs";

describe("decodeColumn", () => {
  it("reads float32 values from a DataView, NaN included, without copying", () => {
    const values = new Float32Array([0.021, Number.NaN, 1.5]);
    const view = new DataView(values.buffer);
    const out = decodeColumn({ dtype: "float32", shape: [3] }, view);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([values[0], Number.NaN, 1.5]);
    expect(out.buffer).toBe(values.buffer);
  });

  it("decodes uint8 error flags and int32 / float64 columns", () => {
    expect(Array.from(decodeColumn({ dtype: "uint8", shape: [3] }, new Uint8Array([0, 1, 0])))).toEqual([0, 1, 0]);
    const ints = new Int32Array([7, -3]);
    expect(Array.from(decodeColumn({ dtype: "int32", shape: [2] }, ints.buffer))).toEqual([7, -3]);
    const doubles = new Float64Array([1e-9, 2]);
    expect(Array.from(decodeColumn({ dtype: "float64", shape: [2] }, doubles))).toEqual([1e-9, 2]);
  });

  it("copies an unaligned view instead of failing", () => {
    const bytes = new Uint8Array(1 + 8);
    new DataView(bytes.buffer).setFloat32(1, 3.25, true);
    new DataView(bytes.buffer).setFloat32(5, -1, true);
    const view = new DataView(bytes.buffer, 1, 8);
    expect(Array.from(decodeColumn({ dtype: "float32", shape: [2] }, view))).toEqual([3.25, -1]);
  });

  it("rejects a buffer whose size does not match the header", () => {
    expect(() => decodeColumn({ dtype: "float32", shape: [4] }, new ArrayBuffer(12))).toThrow(/expected 16/);
  });
});

describe("columns messages", () => {
  it("round-trips through encodeColumn and decodeColumnsMessage", () => {
    const [h1, b1] = encodeColumn(columnKey(0, "num_tokens_output"), new Float32Array([10, 20]));
    const [h2, b2] = encodeColumn(columnKey(1, "error"), new Uint8Array([1, 0]));
    const msg: ColumnsMessage = { type: "columns", columns: [h1, h2], rejected: [] };
    expect(isColumnsMessage(msg)).toBe(true);
    const out = decodeColumnsMessage(msg, [new DataView(b1), new DataView(b2)]);
    expect([...out.keys()]).toEqual(["0/num_tokens_output", "1/error"]);
    expect(Array.from(out.get("0/num_tokens_output") ?? [])).toEqual([10, 20]);
    expect(out.get("1/error")).toBeInstanceOf(Uint8Array);
  });

  it("refuses a message whose buffers do not match its headers", () => {
    const [h1] = encodeColumn("0/x", new Float32Array([1]));
    expect(() => decodeColumnsMessage({ type: "columns", columns: [h1], rejected: [] }, [])).toThrow(/1 columns but carries 0/);
    expect(isColumnsMessage({ type: "other" })).toBe(false);
    expect(isColumnsMessage(null)).toBe(false);
  });
});

describe("runColumnKeys", () => {
  it("asks for each run's columns by its key: another sweep level's runs are other keys", () => {
    const runs = [
      { key: "L3.C0", has_start_times: true },
      { key: "L3.C1", has_start_times: false },
    ];
    expect(runColumnKeys(runs, ["num_tokens_output", "error"], true)).toEqual([
      "L3.C0/num_tokens_output",
      "L3.C0/error",
      "L3.C0/request_start",
      "L3.C1/num_tokens_output",
      "L3.C1/error",
    ]);
    expect(runColumnKeys([{ key: "0", has_start_times: true }], ["error"], false)).toEqual(["0/error"]);
  });
});
