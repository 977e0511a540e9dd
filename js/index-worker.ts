/**
 * The index worker's entry (bundled on its own, inlined into the widget and the report as a
 * string by esbuild.mjs, started from a blob URL by js/index-builder.ts): builds the rank
 * indexes of js/index-jobs.ts off the main thread.
 */

import { resultBuffers, runIndexJob, type IndexJob } from "./index-jobs";

interface Scope {
  onmessage: ((event: MessageEvent<{ id: number; job: IndexJob }>) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

const scope = globalThis as unknown as Scope;
scope.onmessage = (event) => {
  const { id, job } = event.data;
  const result = runIndexJob(job);
  scope.postMessage({ id, result }, resultBuffers(result));
};
