/**
 * Benchmark: sample N instances (default 200,000) across the seed environments to Parquet and
 * JSONL, through the sampleTrainingData workflow (embedded dev server + in-process worker) and
 * through a plain loop over the same library calls without Temporal. Prints instances/s for both
 * and the orchestration overhead (target < 15%).
 *
 *   node dist/bench/sample.js            BENCH_SAMPLE_INSTANCES=50000 node dist/bench/sample.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildPlan } from '../dataset/planner';
import { shardInput, shardSpecs } from '../dataset/plan';
import { sampleRequestSchema, type SampleRequest } from '../contracts/sample-request';
import { writeShard } from '../dataset/shard';
import { runSample } from '../cli/commands/sample';
import { importSeedEnvironments } from '../registry/import-seeds';
import { openRegistry } from '../registry/open';
import { sharedPool } from '../sandbox';
import { dataPaths, loadConfig } from '../temporal.config';
import { freePort, startDevServer } from '../worker/dev-server';
import { ensureTemporalBinary } from '../worker/temporal-binary';
import { createResynWorker, installRuntime } from '../worker/worker';

async function main(): Promise<void> {
  const total = Number(process.env.BENCH_SAMPLE_INSTANCES ?? 200_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-bench-sample-'));
  const cfg = loadConfig({ ...process.env, RESYN_DATA_DIR: dir, RESYN_METRICS_PORT: '0', RESYN_TASK_QUEUE: 'bench-sample' });
  const pool = sharedPool(cfg.sandbox);
  const registry = await openRegistry(cfg);
  const imported = await importSeedEnvironments(registry, pool);
  const envs = (await registry.listEnvironments({ status: 'accepted' })).length;
  if (envs === 0) throw new Error(`no seed environment passed the checks: ${JSON.stringify(imported.failed)}`);
  const base: Omit<SampleRequest, 'name'> = {
    instancesPerEnv: Math.ceil(total / envs),
    difficulties: [1, 2, 3, 4, 5],
    split: { validationFraction: 0.05 },
    shardSize: 10_000,
    formats: ['jsonl', 'parquet'],
    concurrency: cfg.sandbox.workers,
  };
  const source = async (id: string) => (await registry.getEnvironment(id))!.source;

  // Plain loop: the same plan and shard writer, the same parallelism, no Temporal.
  const plainReq = sampleRequestSchema.parse({ ...base, name: 'plain' });
  let t0 = performance.now();
  const plan = await buildPlan(plainReq, { registry, datasetsDir: dataPaths(cfg).datasets, policyModel: cfg.llm.policy.model });
  const specs = shardSpecs(plan);
  let next = 0;
  let rowsPlain = 0;
  await Promise.all(
    Array.from({ length: plainReq.concurrency }, async () => {
      while (next < specs.length) {
        const s = specs[next++]!;
        const r = await writeShard(shardInput(plan, s), { pool, source });
        rowsPlain += r.rows;
      }
    }),
  );
  const plainS = (performance.now() - t0) / 1000;

  // Through the workflow.
  installRuntime(cfg);
  const bin = await ensureTemporalBinary(cfg, () => {});
  const server = await startDevServer({ bin, dbFile: path.join(dir, 'temporal.sqlite'), port: await freePort(), headless: true });
  const nc = await NativeConnection.connect({ address: server.address });
  const worker = await createResynWorker({ connection: nc, config: { ...cfg, temporal: { ...cfg.temporal, address: server.address } } });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  t0 = performance.now();
  const outcome = await runSample(client, cfg, { ...base, name: 'workflow' });
  const wfS = (performance.now() - t0) / 1000;
  worker.shutdown();
  await running;
  await nc.close();
  await connection.close();
  await server.stop();
  await pool.close();
  await registry.close();

  const plainIps = rowsPlain / plainS;
  const wfIps = outcome.rows / wfS;
  const overhead = (plainIps / wfIps - 1) * 100;
  console.error(
    `plain loop: ${rowsPlain} rows in ${plainS.toFixed(1)} s; workflow: ${outcome.rows} rows in ${wfS.toFixed(1)} s (${outcome.shards} shards, ${envs} envs, ${cfg.sandbox.workers} sandbox workers)`,
  );
  console.log(
    `BENCH sample instances=${outcome.rows} envs=${envs} workflow_ips=${wfIps.toFixed(0)} plain_ips=${plainIps.toFixed(0)} overhead_pct=${overhead.toFixed(1)} target_overhead_pct=15`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
