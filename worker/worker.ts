/** Creates resyn's worker on a connection: the plugin, the task queue, bounded concurrency. */
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
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

/** Installs the SDK runtime once per process, with Prometheus metrics when a port is set. */
let runtimeInstalled = false;
export function installRuntime(cfg: ResynConfig): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Imported lazily: the Runtime must be installed before the first connection is made.
  const { Runtime, DefaultLogger } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  Runtime.install({
    // The SDK's own log level follows RESYN_LOG_LEVEL (debug|info|warn|error), WARN by default.
    logger: new DefaultLogger(((process.env.RESYN_LOG_LEVEL || 'warn').toUpperCase() as 'WARN')),
    telemetryOptions: cfg.metricsPort
      ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${cfg.metricsPort}` } } }
      : undefined,
  });
}
