#!/usr/bin/env node
/**
 * resyn's ready worker process: connects to TEMPORAL_ADDRESS (default 127.0.0.1:7233) and runs
 * resyn's workflows and activities on the configured task queue until SIGINT/SIGTERM. Applies
 * pending registry migrations first (once across all workers: they run under a lock). Serves resyn's own
 * metrics on RESYN_OWN_METRICS_PORT beside the SDK's on RESYN_METRICS_PORT.
 */
import { NativeConnection } from '@temporalio/worker';
import { openRegistry, registryLocation } from '../registry/open';
import { loadConfig } from '../temporal.config';
import { serveOwnMetrics } from './metrics-server';
import { createResynWorker, installRuntime } from './worker';

async function main(): Promise<void> {
  const cfg = loadConfig();
  installRuntime(cfg);
  // resyn's own metrics beside the SDK's (a taken port fails here, naming RESYN_OWN_METRICS_PORT).
  const metrics = await serveOwnMetrics(cfg);
  // Open (and migrate, under the registry's lock) now: a wrong RESYN_REGISTRY_URL fails here, not at the first activity.
  await openRegistry(cfg);
  const address = cfg.temporal.address ?? `${cfg.temporal.devServerIp}:${cfg.temporal.devServerPort}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await createResynWorker({ connection, config: cfg });
  console.error(
    `resyn worker: task queue "${cfg.temporal.taskQueue}" on ${address} (namespace ${cfg.temporal.namespace}), registry ${registryLocation(cfg)}`,
  );
  await worker.run();
  await connection.close();
  await metrics?.close();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`resyn worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
