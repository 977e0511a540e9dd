/**
 * Index jobs (js/index-jobs.ts) run off the main thread: one worker per page, started from
 * the source esbuild.mjs inlines into the bundle (no file to fetch: the same in JupyterLab,
 * Notebook 7, marimo and the offline report). Where a worker cannot start (no Worker, a page
 * policy refusing blob: scripts, an error in it), the job runs on the main thread instead.
 */

import { runIndexJob, type IndexJob, type IndexResult } from "./index-jobs";

/** The worker's bundled source (esbuild.mjs `define`); undefined in unit tests. */
declare const __INDEX_WORKER__: string | undefined;

type Pending = { job: IndexJob; resolve: (result: IndexResult) => void };

let worker: Worker | null | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

/** Run the jobs still waiting on the main thread, and stop using the worker. */
function giveUp(): void {
  worker?.terminate();
  worker = null;
  for (const [id, p] of pending) {
    pending.delete(id);
    setTimeout(() => p.resolve(runIndexJob(p.job)), 0);
  }
}

function indexWorker(): Worker | null {
  if (worker !== undefined) return worker;
  worker = null;
  if (typeof Worker === "undefined" || typeof __INDEX_WORKER__ !== "string") return null;
  try {
    const url = URL.createObjectURL(new Blob([__INDEX_WORKER__], { type: "text/javascript" }));
    const started = new Worker(url);
    started.onmessage = (event: MessageEvent<{ id: number; result: IndexResult }>) => {
      const p = pending.get(event.data.id);
      pending.delete(event.data.id);
      p?.resolve(event.data.result);
    };
    started.onerror = (event) => {
      event.preventDefault();
      giveUp();
    };
    worker = started;
  } catch {
    worker = null;
  }
  return worker;
}

/** Whether jobs run off the main thread on this page (false until one was asked for). */
export function usesWorker(): boolean {
  return worker !== undefined && worker !== null;
}

/** Run a job in the worker (its arrays are copied there), or on the main thread if none. */
export function runOffMainThread(job: IndexJob): Promise<IndexResult> {
  return new Promise((resolve) => {
    const w = indexWorker();
    if (w === null) {
      setTimeout(() => resolve(runIndexJob(job)), 0);
      return;
    }
    const id = nextId++;
    pending.set(id, { job, resolve });
    try {
      w.postMessage({ id, job });
    } catch {
      giveUp();
    }
  });
}
