/**
 * The Temporal side of CLI commands: connecting a client with an error that says what to do, and
 * the embedded stack (dev server + in-process worker) that `resyn up` and `resyn run` start.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { ResynConfig } from '../temporal.config';
import { startConfiguredDevServer, type DevServer } from '../worker/dev-server';
import { createResynWorker, installRuntime } from '../worker/worker';

export function temporalAddress(cfg: ResynConfig): string {
  return cfg.temporal.address ?? `${cfg.temporal.devServerIp}:${cfg.temporal.devServerPort}`;
}

/** A client for the configured cluster, or an error naming the address and the fix. */
export async function connectClient(cfg: ResynConfig): Promise<Client> {
  const address = temporalAddress(cfg);
  try {
    const connection = await Connection.connect({ address, connectTimeout: 3000 });
    await connection.workflowService.getSystemInfo({});
    return new Client({ connection, namespace: cfg.temporal.namespace });
  } catch (err) {
    const fix = cfg.temporal.address
      ? 'check TEMPORAL_ADDRESS and that the cluster is up'
      : 'start the embedded server and a worker with `resyn up` (or set TEMPORAL_ADDRESS to an existing cluster)';
    throw new Error(`Temporal server not reachable at ${address}: ${(err as Error).message.split('\n')[0]}; ${fix}`);
  }
}

export interface Stack {
  client: Client;
  address: string;
  uiUrl?: string;
  worker: Worker;
  /** Resolves when the worker stops (Ctrl-C or shutdown()). */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts what a run needs: the embedded dev server unless TEMPORAL_ADDRESS is set, and a resyn
 * worker in this process. Ctrl-C (SIGINT/SIGTERM) stops the worker, then the server.
 */
export async function startStack(cfg: ResynConfig, log: (m: string) => void): Promise<Stack> {
  installRuntime(cfg);
  let server: DevServer | undefined;
  if (!cfg.temporal.address) {
    log(`starting the Temporal dev server (data: ${cfg.dataDir})...`);
    server = await startConfiguredDevServer(cfg, log);
  }
  const address = server?.address ?? temporalAddress(cfg);
  let nativeConnection: NativeConnection;
  let client: Client;
  try {
    nativeConnection = await NativeConnection.connect({ address });
    client = await connectClient({ ...cfg, temporal: { ...cfg.temporal, address } });
  } catch (err) {
    await server?.stop();
    throw err;
  }
  const worker = await createResynWorker({ connection: nativeConnection, config: cfg });
  const running = worker.run().finally(async () => {
    await nativeConnection.close();
    await client.connection.close();
    await server?.stop();
  });
  return {
    client,
    address,
    uiUrl: server?.uiUrl,
    worker,
    running,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
