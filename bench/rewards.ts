/**
 * Benchmark: answers scored per second by the reward service over HTTP, in batches of 256
 * (target >= 10,000/s), GRPO-like: 32 instances x 8 responses per batch. Correct answers from
 * solve() across the seed environments (64 instances each, so states are cached after first
 * sight), a few concurrent clients.
 *
 *   node dist/bench/rewards.js           BENCH_REWARDS_ANSWERS=50000 node dist/bench/rewards.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { groundTruth } from '../dataset/rows';
import { importSeedEnvironments } from '../registry/import-seeds';
import { Registry } from '../registry/store';
import { scorerDeps } from '../rewards/deps';
import { startRewardServer } from '../rewards/server';
import { sharedPool } from '../sandbox';
import { dataPaths, loadConfig } from '../temporal.config';

async function main(): Promise<void> {
  const total = Number(process.env.BENCH_REWARDS_ANSWERS ?? 100_000);
  const batch = 256;
  const clients = Number(process.env.BENCH_REWARDS_CLIENTS ?? 4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resyn-bench-rewards-'));
  const cfg = loadConfig({ ...process.env, RESYN_DATA_DIR: dir, RESYN_METRICS_PORT: '0' });
  const pool = sharedPool(cfg.sandbox);
  const registry = Registry.open(dataPaths(cfg).registry);
  await importSeedEnvironments(registry, pool);
  const envs = registry.listEnvironments({ status: 'accepted' });
  // A pool of distinct items with their reference answers (64 per environment), cycled.
  const items: { ground_truth: string; response: string }[] = [];
  for (const env of envs) {
    const inst = Array.from({ length: 64 }, (_, i) => ({ seed: 10_000 + i, difficulty: 1 + (i % 5) }));
    const sampled = await pool.sample(env.source, inst);
    const solved = await pool.solve(env.source, sampled.map((s) => (s.ok ? s.value.state : null)));
    inst.forEach((it, i) => {
      const s = solved[i]!;
      if (sampled[i]!.ok && s.ok) items.push({ ground_truth: groundTruth(env.id, it.seed, it.difficulty), response: `<answer>${s.value}</answer>` });
    });
  }
  registry.close();
  const deps = scorerDeps(cfg);
  const server = await startRewardServer(deps, { port: 0, host: '127.0.0.1' });
  const url = `${server.url}/v1/rewards`;
  const batches = Math.ceil(total / batch);
  // GRPO-like batches: 32 instances x 8 responses each.
  const group = 8;
  const bodies = Array.from({ length: Math.min(batches, 64) }, (_, b) =>
    JSON.stringify({ items: Array.from({ length: batch }, (_, k) => items[(b * (batch / group) + Math.floor(k / group)) % items.length]) }));
  // Warm-up: every environment loaded in the sandbox workers.
  for (const body of bodies.slice(0, 4)) await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  let sent = 0;
  let correct = 0;
  let scored = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (sent < batches) {
      const b = sent++;
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[b % bodies.length] });
      const { rewards } = (await res.json()) as { rewards: { reward: number }[] };
      scored += rewards.length;
      correct += rewards.filter((r) => r.reward === 1).length;
    }
  }));
  const s = (performance.now() - t0) / 1000;
  await server.close();
  deps.close();
  await pool.close();
  console.error(`${scored} answers in ${s.toFixed(2)} s over ${envs.length} environments, ${clients} clients, ${cfg.sandbox.workers} sandbox workers; ${correct} scored 1`);
  console.log(`BENCH rewards answers=${scored} batch=${batch} responses_per_instance=${group} distinct_instances=${items.length} answers_per_s=${(scored / s).toFixed(0)} correct_rate=${(correct / scored).toFixed(3)} target_per_s=10000`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
