/**
 * The embedded Temporal dev server (`temporal server start-dev`), persisted to SQLite with
 * --db-filename, with the Web UI and resyn's search attributes. The binary comes from
 * ensureTemporalBinary (temporal-binary.ts); cli/stack.ts supervises it for `resyn up`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { RESYN_SEARCH_ATTRIBUTES } from '../lib/search-attributes';
import { listeningPid } from '../lib/processes';
import { portOwner } from './ports';

export interface DevServerOptions {
  /** The `temporal` binary (ensureTemporalBinary). */
  bin: string;
  dbFile: string;
  ip?: string;
  port: number;
  uiPort?: number;
  headless?: boolean;
  namespace?: string;
  /** Extra `--dynamic-config-value KEY=JSON` pairs (e.g. a low limit.historyCount.suggestContinueAsNew). */
  dynamicConfig?: Record<string, unknown>;
  /** Where the server's own output goes (default: <dbFile>.log). */
  logFile?: string;
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  pid: number;
  dbFile: string;
  logFile: string;
  /** Resolves when the server process ends, with how it ended ("exit code 1", "signal SIGKILL"). */
  exited: Promise<string>;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** Kills the server at once, as a crash would. */
  kill(): void;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function serverArgs(o: DevServerOptions): string[] {
  const args = [
    '--db-filename',
    o.dbFile,
    '--ip',
    o.ip ?? '127.0.0.1',
    '--port',
    String(o.port),
    '--log-level',
    'warn',
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
  ];
  if (o.namespace && o.namespace !== 'default') args.push('--namespace', o.namespace);
  if (o.headless || !o.uiPort) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort));
  for (const [k, t] of Object.entries(RESYN_SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${k}=${t}`);
  // Eager activity dispatch: an activity scheduled by a workflow task goes straight back to the worker that
  // completed it (one round trip less per activity; measured ~4% of a growLibrary run's wall time).
  const dynamicConfig = { 'system.enableActivityEagerExecution': true, ...o.dynamicConfig };
  for (const [k, v] of Object.entries(dynamicConfig)) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  return args;
}

/** Polls the frontend until it answers, or the process dies, or the deadline passes. */
async function waitReady(address: string, proc: ChildProcess | undefined, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`the Temporal dev server exited with code ${proc.exitCode} while starting:\n${tail}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.getSystemInfo({});
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastErr = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the Temporal dev server at ${address} did not become ready in ${timeoutMs} ms: ${String(lastErr)}`);
}

/**
 * The port answered, but is it our server? Another program already on the port answers too while
 * ours fails with "address already in use": never report someone else's server as ours.
 */
function assertServedBy(port: number, proc: ChildProcess): void {
  const owner = listeningPid(port);
  if (owner !== undefined && owner !== proc.pid) {
    throw new Error(`port ${port} is served by ${portOwner(port)}, not by the dev server resyn started (pid ${proc.pid})`);
  }
  if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the Temporal dev server exited while starting (port ${port})`);
}

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  fs.mkdirSync(path.dirname(o.dbFile), { recursive: true });
  const ip = o.ip ?? '127.0.0.1';
  const address = `${ip}:${o.port}`;
  const uiUrl = o.headless || !o.uiPort ? undefined : `http://${ip}:${o.uiPort}`;
  const logFile = o.logFile ?? `${o.dbFile}.log`;
  const out = fs.openSync(logFile, 'a');
  const proc = spawn(o.bin, ['server', 'start-dev', ...serverArgs(o)], { stdio: ['ignore', out, out], detached: false });
  fs.closeSync(out);
  const exited = new Promise<string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)),
  );
  // Never outlive this process (a test run stopped half-way, an uncaught error): no orphan servers holding ports.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then(() => process.removeListener('exit', killOnExit));
  try {
    await waitReady(address, proc, o.readyTimeoutMs ?? 60_000, logFile);
    assertServedBy(o.port, proc);
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    uiUrl,
    pid: proc.pid!,
    dbFile: o.dbFile,
    logFile,
    exited,
    kill: () => {
      proc.kill('SIGKILL');
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
