/**
 * Benchmark: growLibrary of N keywords (default 200, one proposal each, default gates, 1 revision
 * allowed) against the scripted OpenAI-compatible server on loopback, on a fresh dev server with an
 * in-process worker.
 *  1. zero LLM latency: orchestration + sandbox overhead, as environments per minute;
 *  2. 1 s latency per call at concurrency 32: wall time against the ideal calls × latency / concurrency.
 * Prints one `BENCH grow ...` line per scenario.
 *
 *   node dist/bench/grow.js [--keywords 200] [--latency-ms 1000] [--concurrency 32] [--only zero|latency]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../temporal.config';
import { ensureTemporalBinary } from '../worker/temporal-binary';
import { freePort, startDevServer } from '../worker/dev-server';
import { createResynWorker, installRuntime } from '../worker/worker';
import { startFakeLlm } from '../tests/support/fake-llm';
import { happyReply } from '../tests/support/fake-synthesis';
import type { GrowProgress } from '../workflows/grow-library';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

async function scenario(o: { label: string; address: string; keywords: number; latencyMs: number; concurrency: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `resyn-bench-grow-${o.label}-`));
  const fake = await startFakeLlm(async (req) => {
    if (o.latencyMs) await new Promise((r) => setTimeout(r, o.latencyMs));
    return happyReply(req);
  });
  const cfg = loadConfig({
    ...process.env, RESYN_DATA_DIR: dir, TEMPORAL_ADDRESS: o.address, RESYN_TASK_QUEUE: `bench-grow-${o.label}`,
    OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'bench', RESYN_METRICS_PORT: '0',
  });
  const connection = await NativeConnection.connect({ address: o.address });
  const worker = await createResynWorker({ connection, config: cfg });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: o.address }) });
  try {
    const keywords = Array.from({ length: o.keywords }, (_, i) => `bench ${o.label} keyword ${i}`);
    const t0 = Date.now();
    const h = await client.workflow.start('growLibrary', {
      taskQueue: cfg.temporal.taskQueue, workflowId: `bench-grow-${o.label}-${Date.now()}`,
      args: [{ keywords, concurrency: o.concurrency, proposalsPerKeyword: 1, gates: cfg.synthesis.gates, maxRevisions: cfg.synthesis.maxRevisions }],
    });
    let last = 0;
    const ticker = setInterval(async () => {
      const p = (await h.query('progress').catch(() => undefined)) as GrowProgress | undefined;
      if (p && p.done !== last) { last = p.done; process.stderr.write(`  ${o.label}: ${p.done}/${o.keywords} keywords, ${((Date.now() - t0) / 1000).toFixed(1)} s\n`); }
    }, 5000);
    const final = (await h.result()) as GrowProgress;
    clearInterval(ticker);
    const wallS = (Date.now() - t0) / 1000;
    return { final, wallS, calls: fake.calls.length };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await client.connection.close();
    await fake.close();
  }
}

async function main() {
  const keywords = Number(arg('keywords', '200'));
  const latencyMs = Number(arg('latency-ms', '1000'));
  const concurrency = Number(arg('concurrency', '32'));
  const only = arg('only', '');
  const base = loadConfig({ ...process.env, RESYN_METRICS_PORT: '0' });
  installRuntime(base);
  const bin = await ensureTemporalBinary(base, (m) => process.stderr.write(`${m}\n`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-bench-grow-'));
  const server = await startDevServer({ bin, dbFile: path.join(dir, 'temporal.sqlite'), port: await freePort(), headless: true });
  try {
    if (only !== 'latency') {
      const r = await scenario({ label: 'zero', address: server.address, keywords, latencyMs: 0, concurrency });
      const perMin = (r.final.accepted / r.wallS) * 60;
      process.stdout.write(`BENCH grow scenario=zero-latency keywords=${keywords} concurrency=${concurrency} accepted=${r.final.accepted} ` +
        `llm_calls=${r.calls} wall_s=${r.wallS.toFixed(1)} envs_per_min=${perMin.toFixed(1)}\n`);
    }
    if (only !== 'zero') {
      const r = await scenario({ label: 'latency', address: server.address, keywords, latencyMs, concurrency });
      const idealS = (r.calls * latencyMs) / 1000 / concurrency;
      process.stdout.write(`BENCH grow scenario=latency latency_ms=${latencyMs} keywords=${keywords} concurrency=${concurrency} accepted=${r.final.accepted} ` +
        `llm_calls=${r.calls} wall_s=${r.wallS.toFixed(1)} ideal_s=${idealS.toFixed(1)} ratio=${(r.wallS / idealS).toFixed(2)} target_ratio=1.25\n`);
    }
  } finally {
    await server.stop();
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
