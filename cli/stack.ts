/**
 * The Temporal side of CLI commands: connecting a client with an error that says what to do, and
 * the embedded stack (dev server + in-process worker) that `resyn up` and `resyn run` start:
 * one stack per data folder (stack-lock.ts), every port checked before "ready", and a dev server
 * that is restarted when it dies (or the stack ends with the reason).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { listeningPid } from '../lib/processes';
import type { ResynConfig } from '../temporal.config';
import { type DevServer, type DevServerOptions, startDevServer } from '../worker/dev-server';
import { type MetricsServer, serveOwnMetrics } from '../worker/metrics-server';
import { assertPortsFree, stackPorts } from '../worker/ports';
import { ensureTemporalBinary } from '../worker/temporal-binary';
import { createResynWorker, installRuntime } from '../worker/worker';
import { acquireStackLock, isDevServerOf, type StackLock, stopOrphanedServer } from './stack-lock';
import * as path from 'node:path';

export function temporalAddress(cfg: ResynConfig): string {
  return cfg.temporal.address ?? `${cfg.temporal.devServerIp}:${cfg.temporal.devServerPort}`;
}

/** A client for the configured cluster, or an error naming the address, the variable and the fix. */
export async function connectClient(cfg: ResynConfig): Promise<Client> {
  const address = temporalAddress(cfg);
  try {
    const connection = await Connection.connect({ address, connectTimeout: 3000 });
    await connection.workflowService.getSystemInfo({});
    return new Client({ connection, namespace: cfg.temporal.namespace });
  } catch (err) {
    const where = cfg.temporal.address
      ? `TEMPORAL_ADDRESS=${address}`
      : `${address} (the embedded dev server's address: RESYN_DEV_SERVER_IP:RESYN_DEV_SERVER_PORT)`;
    const fix = cfg.temporal.address
      ? 'check TEMPORAL_ADDRESS (host:port of the cluster frontend) and that the cluster is up'
      : 'start the embedded server and a worker with `resyn up` (or set TEMPORAL_ADDRESS to an existing cluster)';
    throw new Error(`Temporal server not reachable at ${where}: ${(err as Error).message.split('\n')[0]}; ${fix}`);
  }
}

export interface Stack {
  client: Client;
  address: string;
  uiUrl?: string;
  worker: Worker;
  /** The dev server this stack runs now (after restarts, the current one); undefined with TEMPORAL_ADDRESS. */
  server(): DevServer | undefined;
  /** Resolves when the worker stops (Ctrl-C or shutdown()); rejects with the reason when the dev server died for good. */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

interface Supervisor {
  current(): DevServer;
  /** Resolves (never rejects) with the reason when the server died and could not be restarted. */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/** Restarts the dev server once per death (same database, same ports); a failed restart ends the stack. */
function superviseDevServer(
  first: DevServer,
  start: () => Promise<DevServer>,
  log: (m: string) => void,
  onStarted: (s: DevServer) => void,
): Supervisor {
  let current = first;
  let stopping = false;
  let fail!: (e: Error) => void;
  const failed = new Promise<Error>((r) => {
    fail = r;
  });
  const watch = (s: DevServer) => {
    void s.exited.then(async (how) => {
      if (stopping) return;
      log(`the Temporal dev server (pid ${s.pid}) stopped unexpectedly (${how}); its log: ${s.logFile}. Restarting it...`);
      await new Promise((r) => setTimeout(r, 500));
      try {
        const next = await start();
        if (stopping) return void (await next.stop());
        current = next;
        onStarted(next);
        log(`restarted the Temporal dev server (pid ${next.pid}) on ${next.address} with the same database; the worker reconnects.`);
        watch(next);
      } catch (err) {
        fail(new Error(`the Temporal dev server (pid ${s.pid}) died (${how}) and could not be restarted: ${(err as Error).message}`));
      }
    });
  };
  watch(first);
  return {
    current: () => current,
    failed,
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}

/** A dev server on our port that runs on our database but holds no lock (a crash before the lock was written). */
async function stopUnlockedOrphan(cfg: ResynConfig, dbFile: string, log: (m: string) => void): Promise<void> {
  const pid = listeningPid(cfg.temporal.devServerPort);
  if (pid === undefined || !isDevServerOf(pid, dbFile)) return;
  log(
    `found a Temporal dev server on port ${cfg.temporal.devServerPort} that runs on this data folder's database but belongs to no running resyn:`,
  );
  await stopOrphanedServer({ pid, dbFile, address: temporalAddress(cfg) }, log);
}

async function startEmbeddedServer(cfg: ResynConfig, lock: StackLock, log: (m: string) => void): Promise<Supervisor> {
  const bin = await ensureTemporalBinary(cfg, log);
  const opts: DevServerOptions = {
    bin,
    dbFile: path.join(cfg.dataDir, 'temporal.sqlite'),
    ip: cfg.temporal.devServerIp,
    port: cfg.temporal.devServerPort,
    uiPort: cfg.temporal.devServerUiPort,
    namespace: cfg.temporal.namespace,
  };
  const ports = stackPorts(cfg, { devServer: true }).filter(
    (p) => p.variable !== 'RESYN_METRICS_PORT' && p.variable !== 'RESYN_OWN_METRICS_PORT',
  );
  const start = async () => {
    await assertPortsFree(ports);
    return startDevServer(opts);
  };
  const record = (s: DevServer) => lock.setServer({ pid: s.pid, dbFile: s.dbFile, address: s.address, uiUrl: s.uiUrl });
  log(`starting the Temporal dev server (data: ${cfg.dataDir})...`);
  const first = await startDevServer(opts);
  record(first);
  return superviseDevServer(first, start, log, record);
}

/**
 * Starts what a run needs: the embedded dev server unless TEMPORAL_ADDRESS is set (never attaching
 * to a server it did not start), and a resyn worker in this process. Ctrl-C (SIGINT/SIGTERM) stops
 * the worker, then the server.
 */
export async function startStack(cfg: ResynConfig, log: (m: string) => void): Promise<Stack> {
  const embedded = !cfg.temporal.address;
  const lock = embedded ? await acquireStackLock(cfg.dataDir, log) : undefined;
  let supervisor: Supervisor | undefined;
  let metrics: MetricsServer | null = null;
  try {
    if (embedded) await stopUnlockedOrphan(cfg, path.join(cfg.dataDir, 'temporal.sqlite'), log);
    await assertPortsFree(stackPorts(cfg, { devServer: embedded }));
    installRuntime(cfg);
    metrics = await serveOwnMetrics(cfg);
    if (lock) supervisor = await startEmbeddedServer(cfg, lock, log);
    const address = supervisor?.current().address ?? temporalAddress(cfg);
    const nativeConnection = await NativeConnection.connect({ address });
    const client = await connectClient({ ...cfg, temporal: { ...cfg.temporal, address } });
    const worker = await createResynWorker({ connection: nativeConnection, config: cfg });
    const workerDone = worker.run();
    const never = new Promise<never>(() => {});
    const running = (async () => {
      const died = await Promise.race([workerDone.then(() => undefined), supervisor?.failed ?? never]);
      if (died) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await Promise.race([workerDone.catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
        throw died;
      }
    })().finally(async () => {
      await nativeConnection.close().catch(() => {});
      await client.connection.close().catch(() => {});
      await supervisor?.stop();
      await metrics?.close();
      lock?.release();
    });
    return {
      client,
      address,
      uiUrl: supervisor?.current().uiUrl,
      worker,
      server: () => supervisor?.current(),
      running,
      async shutdown() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
  } catch (err) {
    await supervisor?.stop();
    await metrics?.close();
    lock?.release();
    throw err;
  }
}
