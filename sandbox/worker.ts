/**
 * worker_threads entry of the sandbox pool: one QuickJsRunner per thread. It reports progress in
 * shared memory for the pool's watchdog: slot 0 is a heartbeat bumped on every step (an item
 * starts, its instance starts generating, results come back from the guest, a reply is sent),
 * slot 1 the item index (-1 while loading), slot 2 is 1 while the item generates its instance's
 * state (a failure there belongs to the whole instance), slot 3 the id of the last job whose
 * results were sent (a finished job is never a stall, however long the main thread takes to read it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { QuickJsRunner, type Isolation, type Job } from './runner';
import type { ResolvedLimits, WireResult } from './types';

const { limits, heartbeat, isolation } = workerData as { limits: ResolvedLimits; heartbeat: SharedArrayBuffer; isolation: Isolation };
const hb = new Int32Array(heartbeat);
const runner = new QuickJsRunner(
  limits,
  (i, generating) => {
    Atomics.store(hb, 1, i);
    Atomics.store(hb, 2, generating ? 1 : 0);
    Atomics.add(hb, 0, 1);
  },
  isolation,
);

export interface JobMessage {
  id: number;
  job: Job;
}
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; results: WireResult[] }
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
  Atomics.store(hb, 2, 0);
  Atomics.add(hb, 0, 1);
  let reply: WorkerReply;
  try {
    reply = { type: 'done', id, results: await runner.runJob(job) };
  } catch (e) {
    reply = { type: 'failed', id, message: (e as Error)?.message ?? String(e) };
  }
  Atomics.store(hb, 3, id);
  Atomics.add(hb, 0, 1);
  port.postMessage(reply);
});
