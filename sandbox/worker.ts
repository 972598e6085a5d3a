/**
 * worker_threads entry of the sandbox pool: one QuickJsRunner per thread. Per item it bumps a
 * heartbeat in shared memory (slot 0) and records the item index (slot 1, -1 while loading), so
 * the pool's watchdog on the main thread can stop a builtin that overruns the deadline (the
 * interrupt handler is only polled between bytecodes) and knows which item was to blame.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { QuickJsRunner, type Job } from './runner';
import type { ResolvedLimits } from './types';

const { limits, heartbeat } = workerData as { limits: ResolvedLimits; heartbeat: SharedArrayBuffer };
const hb = new Int32Array(heartbeat);
const runner = new QuickJsRunner(limits, (i) => {
  Atomics.store(hb, 1, i);
  Atomics.add(hb, 0, 1);
});

export interface JobMessage {
  id: number;
  job: Job;
}
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; results: import('./types').WireResult[] }
  | { type: 'failed'; id: number; message: string };

const port = parentPort!;
runner.warm().then(
  () => port.postMessage({ type: 'ready' } satisfies WorkerReply),
  (e) => {
    throw e;
  },
);
port.on('message', async ({ id, job }: JobMessage) => {
  Atomics.store(hb, 1, -1);
  Atomics.add(hb, 0, 1);
  try {
    const results = await runner.runJob(job);
    port.postMessage({ type: 'done', id, results } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ type: 'failed', id, message: (e as Error)?.message ?? String(e) } satisfies WorkerReply);
  }
});
