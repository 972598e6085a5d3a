/** Creates resyn's worker on a connection: the plugin, the task queue, bounded concurrency. */
import { DefaultLogger, type NativeConnection, Runtime, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createLogger, levelFromEnv } from '../lib/logger';
import type { ResynConfig } from '../temporal.config';
import { ReSynPlugin } from './plugin';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  config: ResynConfig;
  taskQueue?: string;
  workflowBundle?: WorkflowBundleOption;
}

/**
 * Every workflow re-evaluates the bundle's modules in its own module scope (the SDK isolates
 * workflows); zod's module setup was the biggest share of that. Preloaded, it is evaluated once per
 * V8 context and shared (frozen): it keeps no per-workflow state; our schemas are still built per workflow.
 */
export const WORKFLOW_PRELOAD_MODULES = ['zod'];

export async function createResynWorker(o: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.config.temporal.namespace,
    taskQueue: o.taskQueue ?? o.config.temporal.taskQueue,
    plugins: [new ReSynPlugin({ config: o.config, workflowBundle: o.workflowBundle })],
    shutdownGraceTime: '5 seconds',
    // A prebuilt bundle (tests) is made with the same WORKFLOW_PRELOAD_MODULES.
    ...(o.workflowBundle ? {} : { bundlerOptions: { preloadModules: WORKFLOW_PRELOAD_MODULES } }),
  });
}

/** The SDK's own logs as resyn's JSON lines; RESYN_LOG_LEVEL sets the threshold, WARN by default (INFO is chatty). */
function sdkLogger(): DefaultLogger {
  const log = createLogger({ component: 'temporal-sdk' }, { level: 'debug' });
  const level = process.env.RESYN_LOG_LEVEL ? levelFromEnv() : 'warn';
  return new DefaultLogger(level.toUpperCase() as Uppercase<typeof level>, (e) => {
    const fields = (e.meta ?? {}) as Record<string, unknown>;
    if (e.level === 'ERROR') log.error(e.message, fields);
    else if (e.level === 'WARN') log.warn(e.message, fields);
    else if (e.level === 'INFO') log.info(e.message, fields);
    else log.debug(e.message, fields);
  });
}

/** Installs the SDK runtime once per process (before the first connection), with Prometheus metrics when a port is set. */
let runtimeInstalled = false;
export function installRuntime(cfg: ResynConfig): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: sdkLogger(),
    telemetryOptions: cfg.metricsPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${cfg.metricsPort}` } } } : undefined,
  });
}
