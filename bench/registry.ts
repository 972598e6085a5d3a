/**
 * Benchmark: the registry back ends, SQLite file vs PostgreSQL (a throwaway local cluster), with
 * 1 and 2 worker processes.
 *  1. registry writes per second: each writer process registers environments (near-duplicate
 *     check + upsert, one locked step), records a synthesis run and two LLM calls per environment;
 *  2. growLibrary at zero LLM latency (scripted server), worker processes on one task queue:
 *     environments per minute. SQLite workers share one data folder (one machine); PostgreSQL
 *     workers each have their own (two machines).
 * Prints one `BENCH registry ...` line per case.
 *
 *   node dist/bench/registry.js [--envs 400] [--keywords 60] [--concurrency 16] [--only writes|grow]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { GrowProgress } from '../contracts/grow-rules';
import { openRegistry } from '../registry/open';
import { loadConfig } from '../temporal.config';
import { startFakeLlm } from '../tests/support/fake-llm';
import { happyReply, tinyEnv } from '../tests/support/fake-synthesis';
import { freshDatabase, stopPostgres } from '../tests/support/postgres';
import { environmentId } from '../sandbox';
import { codeFingerprint } from '../registry/fingerprint';
import { ensureTemporalBinary } from '../worker/temporal-binary';
import { freePort, startDevServer } from '../worker/dev-server';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

/** Writer mode (a child process): writes `envs` environments to `target` from offset `from`, 8 at a time; prints its writes. */
async function writer(target: string, from: number, envs: number): Promise<void> {
  const reg = await openRegistry(target);
  let next = from;
  let writes = 0;
  const lane = async () => {
    while (next < from + envs) {
      const i = next++;
      const source = tinyEnv(`bench-writer-${i}`);
      const id = environmentId(source);
      const rec = { id, name: `bench-${i}`, description: 'd', tags: ['bench'], family: null, keyword: `kw ${i}`, source };
      await reg.registerEnvironment(
        { ...rec, status: 'accepted', origin: 'synthesized', rounds: 1, runId: `w${i}`, parentId: null, scores: {} },
        { behaviorFp: codeFingerprint(`${i}`) },
      );
      await reg.recordSynthesisRun({
        workflowId: `w${i}`,
        parentWorkflowId: 'bench',
        keyword: `kw ${i}`,
        proposal: { name: `bench-${i}`, description: 'd' },
        outcome: 'accepted',
        envId: id,
        rounds: 1,
        reason: '',
      });
      for (const k of [0, 1])
        await reg.recordLlmCall({
          key: `w${i}/${k}`,
          role: 'generator',
          model: 'm',
          workflowId: `w${i}`,
          keyword: `kw ${i}`,
          promptTokens: 100,
          completionTokens: 50,
          costUsd: 0,
          ok: true,
        });
      writes += 4;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  await reg.close();
  process.stdout.write(`${writes}\n`);
}

function runNode(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function writesCase(backend: string, target: string, workers: number, envs: number): Promise<void> {
  const self = path.join(__dirname, 'registry.js');
  // Open once first so the timed part does not include creating the schema.
  await (await openRegistry(target)).close();
  const t0 = Date.now();
  const outs = await Promise.all(
    Array.from({ length: workers }, (_, w) => runNode([self, '--writer', target, String(w * envs), String(envs)])),
  );
  const s = (Date.now() - t0) / 1000;
  const writes = outs.reduce((a, o) => a + Number(o.trim()), 0);
  process.stdout.write(
    `BENCH registry case=writes backend=${backend} workers=${workers} writes=${writes} wall_s=${s.toFixed(2)} writes_per_s=${(writes / s).toFixed(0)}\n`,
  );
}

function spawnWorker(env: Record<string, string>, log: string): ChildProcess {
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'worker', 'main.js')], {
    env: { ...process.env, RESYN_METRICS_PORT: '0', ...env },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  return child;
}

async function until(what: string, fn: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function growCase(o: {
  backend: string;
  registryUrl?: string;
  workers: number;
  address: string;
  baseURL: string;
  keywords: number;
  concurrency: number;
}): Promise<void> {
  const label = `${o.backend}-${o.workers}`;
  const queue = `bench-registry-${label}-${Date.now().toString(36)}`;
  const sharedDir = fs.mkdtempSync(path.join(os.tmpdir(), `resyn-bench-registry-${label}-`));
  const procs: ChildProcess[] = [];
  const logs: string[] = [];
  for (let w = 0; w < o.workers; w++) {
    // SQLite: one machine, one data folder for both processes. PostgreSQL: a data folder per machine.
    const dataDir = o.registryUrl ? fs.mkdtempSync(path.join(os.tmpdir(), `resyn-bench-machine-${w}-`)) : sharedDir;
    const log = path.join(dataDir, `worker-${w}.log`);
    logs.push(log);
    procs.push(
      spawnWorker(
        {
          RESYN_DATA_DIR: dataDir,
          TEMPORAL_ADDRESS: o.address,
          RESYN_TASK_QUEUE: queue,
          OPENAI_BASE_URL: o.baseURL,
          OPENAI_API_KEY: 'bench',
          RESYN_DATASET_ROOT: path.join(sharedDir, 'datasets'),
          ...(o.registryUrl ? { RESYN_REGISTRY_URL: o.registryUrl } : {}),
        },
        log,
      ),
    );
  }
  const client = new Client({ connection: await Connection.connect({ address: o.address }) });
  try {
    await until('workers to start', () => logs.every((l) => fs.existsSync(l) && fs.readFileSync(l, 'utf8').includes('resyn worker:')));
    const cfg = loadConfig({ ...process.env, RESYN_METRICS_PORT: '0' });
    const keywords = Array.from({ length: o.keywords }, (_, i) => `bench ${label} keyword ${i}`);
    const t0 = Date.now();
    const final = (await client.workflow.execute('growLibrary', {
      taskQueue: queue,
      workflowId: `bench-registry-${label}-${Date.now()}`,
      args: [
        {
          keywords,
          concurrency: o.concurrency,
          proposalsPerKeyword: 1,
          gates: cfg.synthesis.gates,
          maxRevisions: cfg.synthesis.maxRevisions,
        },
      ],
    })) as GrowProgress;
    const wallS = (Date.now() - t0) / 1000;
    process.stdout.write(
      `BENCH registry case=grow-zero-latency backend=${o.backend} workers=${o.workers} keywords=${o.keywords} concurrency=${o.concurrency} ` +
        `accepted=${final.accepted} wall_s=${wallS.toFixed(1)} envs_per_min=${((final.accepted / wallS) * 60).toFixed(1)}\n`,
    );
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    await client.connection.close();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--writer') return writer(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
  const envs = Number(arg('envs', '400'));
  const keywords = Number(arg('keywords', '60'));
  const concurrency = Number(arg('concurrency', '16'));
  const only = arg('only', '');
  try {
    if (only !== 'grow') {
      for (const workers of [1, 2]) {
        await writesCase(
          'sqlite',
          path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-bench-writes-')), 'registry.sqlite'),
          workers,
          envs,
        );
        await writesCase('postgres', await freshDatabase('bench_writes'), workers, envs);
      }
    }
    if (only !== 'writes') {
      const base = loadConfig({ ...process.env, RESYN_METRICS_PORT: '0' });
      const bin = await ensureTemporalBinary(base, (m) => process.stderr.write(`${m}\n`));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-bench-registry-'));
      const server = await startDevServer({ bin, dbFile: path.join(dir, 'temporal.sqlite'), port: await freePort(), headless: true });
      const fake = await startFakeLlm(happyReply);
      try {
        for (const workers of [1, 2]) {
          const common = { workers, address: server.address, baseURL: fake.baseURL, keywords, concurrency };
          await growCase({ backend: 'sqlite', ...common });
          await growCase({ backend: 'postgres', registryUrl: await freshDatabase('bench_grow'), ...common });
        }
      } finally {
        await fake.close();
        await server.stop();
      }
    }
  } finally {
    stopPostgres();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    stopPostgres();
    process.exit(1);
  },
);
