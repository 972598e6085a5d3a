/**
 * Test helpers on the real Temporal server of the global fixture: a client, a config with a
 * temp data folder, resyn workers on unique task queues, and worker processes that tests kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type ResynConfig } from '../../temporal.config';
import { projectRoot } from '../../lib/paths';
import { RESYN_WORKFLOWS_PATH } from '../../worker/plugin';
import { createResynWorker, WORKFLOW_PRELOAD_MODULES } from '../../worker/worker';

export function testAddress(): string {
  const a = process.env.RESYN_TEST_TEMPORAL_ADDRESS;
  if (!a) throw new Error('no test Temporal server: run the tests with mocha (global fixture)');
  return a;
}

export function tmpDir(prefix = 'resyn-'): string {
  return fs.mkdtempSync(path.join(process.env.RESYN_TEST_TMP ?? os.tmpdir(), prefix));
}

let seq = 0;
export function uniqueQueue(name: string): string {
  return `test-${name}-${process.pid}-${Date.now().toString(36)}-${seq++}`;
}

/** A config for one test: temp data folder, the test server, a unique task queue, env overrides. */
export function testConfig(env: Record<string, string> = {}, name = 'q'): ResynConfig {
  return loadConfig({
    RESYN_DATA_DIR: tmpDir(),
    TEMPORAL_ADDRESS: testAddress(),
    RESYN_TASK_QUEUE: uniqueQueue(name),
    RESYN_METRICS_PORT: '0',
    ...env,
  });
}

export async function testClient(address = testAddress()): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One workflow bundle per test process (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: RESYN_WORKFLOWS_PATH, preloadModules: WORKFLOW_PRELOAD_MODULES, logger: quietLogger });
  return bundle;
}
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as any;

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/** A resyn worker in this process on cfg's task queue. */
export async function startWorker(cfg: ResynConfig): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: cfg.temporal.address! });
  const worker = await createResynWorker({ connection, config: cfg, workflowBundle: await workflowBundle() });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** Runs fn with a worker, stopping it afterwards. */
export async function withWorker<T>(cfg: ResynConfig, fn: () => Promise<T>): Promise<T> {
  const w = await startWorker(cfg);
  try {
    return await fn();
  } finally {
    await w.stop();
  }
}

/** The ready worker process (dist/worker/main.js), for crash tests; env carries the config. */
export function spawnWorkerProcess(cfg: ResynConfig, env: Record<string, string> = {}): ChildProcess {
  const log = fs.openSync(path.join(cfg.dataDir, 'worker.log'), 'a');
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/worker/main.js')], {
    env: {
      ...process.env,
      RESYN_DATA_DIR: cfg.dataDir,
      TEMPORAL_ADDRESS: cfg.temporal.address!,
      RESYN_TASK_QUEUE: cfg.temporal.taskQueue,
      RESYN_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  return child;
}

export async function killProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** Polls until predicate holds (or throws after timeoutMs, with what was last seen). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
