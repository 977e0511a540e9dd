/**
 * Binary column codecs: the mirror of src/tpot_widget/_transport.py.
 *
 * A column arrives as a header {key, dtype, shape} plus one binary buffer (a DataView from
 * the widget manager, or an ArrayBuffer / typed array); decoding is zero-copy when aligned.
 * The HTML report embeds the same bytes as base64 text (`bytesFromBase64`).
 */

import type { DType } from "./protocol";

export type { DType };
export type Column = Float32Array | Float64Array | Int32Array | Uint8Array;

export interface ColumnHeader {
  key: string;
  dtype: DType;
  shape: number[];
}

export interface ColumnsMessage {
  type: "columns";
  columns: ColumnHeader[];
  rejected: string[];
  /** Set when the kernel failed to answer the request: what went wrong, as text. */
  error?: string;
  /** The keys of the failed request (with `error`). */
  keys?: string[];
}

type BufferLike = DataView | ArrayBuffer | ArrayBufferView;

const CONSTRUCTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
} as const;

/** The number of elements a shape holds (1-D columns in practice). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A typed array over `buffer` as described by `header`; throws on a size or dtype mismatch. */
export function decodeColumn(header: Pick<ColumnHeader, "dtype" | "shape">, buffer: BufferLike): Column {
  const Ctor = CONSTRUCTORS[header.dtype];
  if (Ctor === undefined) throw new Error(`unsupported dtype ${String(header.dtype)}`);
  const n = shapeSize(header.shape);
  const bytes =
    buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer)
      : new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
  if (bytes.byteLength !== n * Ctor.BYTES_PER_ELEMENT) {
    throw new Error(
      `column buffer has ${bytes.byteLength} bytes, expected ${n * Ctor.BYTES_PER_ELEMENT} ` +
        `for ${n} ${header.dtype} values`,
    );
  }
  if (bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) {
    return new Ctor(bytes.buffer, bytes.byteOffset, n);
  }
  // Unaligned view: copy once into fresh, aligned memory.
  return new Ctor(bytes.slice().buffer, 0, n);
}

/** Decode a whole "columns" message into key → typed array. */
export function decodeColumnsMessage(
  message: ColumnsMessage,
  buffers: readonly BufferLike[],
): Map<string, Column> {
  if (message.columns.length !== buffers.length) {
    throw new Error(
      `columns message describes ${message.columns.length} columns but carries ${buffers.length} buffers`,
    );
  }
  const out = new Map<string, Column>();
  message.columns.forEach((header, i) => {
    out.set(header.key, decodeColumn(header, buffers[i] as BufferLike));
  });
  return out;
}

/** Header + buffer for a typed array (the inverse of decodeColumn; used by tests and tools). */
export function encodeColumn(key: string, values: Column): [ColumnHeader, ArrayBuffer] {
  const dtype: DType =
    values instanceof Float32Array
      ? "float32"
      : values instanceof Float64Array
        ? "float64"
        : values instanceof Int32Array
          ? "int32"
          : "uint8";
  const copy = values.slice();
  return [{ key, dtype, shape: [values.length] }, copy.buffer as ArrayBuffer];
}

/**
 * The key a column is cached under: "<run key>/column" (as in _transport.column_key), the run
 * key being `RunMeta.key` ("0", "1"... for plain runs; "L3.C1" for a sweep's configuration at
 * a level: a level's columns stay cached when another level is chosen).
 */
export function columnKey(runKey: string | number, column: string): string {
  return `${runKey}/${column}`;
}

/** Runtime check that a custom message is a columns answer (or a failed columns request). */
export function isColumnsMessage(msg: unknown): msg is ColumnsMessage {
  if (typeof msg !== "object" || msg === null) return false;
  const m = msg as Record<string, unknown>;
  return m["type"] === "columns" && (Array.isArray(m["columns"]) || typeof m["error"] === "string");
}

/** The bytes of base64 `text` in a fresh (so aligned) buffer: a column the report embeds. */
export function bytesFromBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/**
 * The keys of the columns the views draw: `columns` of every run, and its start times when
 * `startTimes` (a view needs them) and the run has them; by each run's key (`RunMeta.key`).
 */
export function runColumnKeys(
  runs: readonly { key: string; has_start_times: boolean }[],
  columns: readonly string[],
  startTimes: boolean,
): string[] {
  return runs.flatMap((run) => [
    ...columns.map((c) => columnKey(run.key, c)),
    ...(startTimes && run.has_start_times ? [columnKey(run.key, "request_start")] : []),
  ]);
}
