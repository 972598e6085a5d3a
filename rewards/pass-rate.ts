/**
 * Per-instance pass rates (the selection DAPO's dynamic sampling and InternBootcamp's accuracy
 * band make): the policy model makes k attempts at every instance a dataset plans for one
 * environment and split; each rollout is recorded in the registry as it completes, keyed by
 * (environment, model, seed, difficulty, attempt), so a re-run or a retried activity asks only
 * for what is missing. The shards then keep the rows whose pass rate lies in the band.
 */
import { difficultyFor, seedRange } from '../dataset/instances';
import type { Split } from '../dataset/plan';
import type { ShardInput } from '../dataset/shard';
import type { LevelWeight } from '../contracts/sample-request';
import type { Registry } from '../registry/registry';
import { type AttemptDeps, type AttemptJob, runAttempts } from './attempts';

export interface PassRateInput {
  envId: string;
  split: Split;
  /** Positions [from, to) of the environment's sequence in this split (as the shards number them). */
  from: number;
  to: number;
  levels: LevelWeight[];
  k: number;
  model: string;
}

export interface PassRateDeps extends AttemptDeps {
  registry: Registry;
  source(envId: string): string | Promise<string>;
}

export const instanceKey = (seed: number, difficulty: number) => `${seed}:${difficulty}`;

/** Pass rate (solved / k, solved = reward 1) per instance key, for instances with all k rollouts recorded. */
export async function passRates(
  registry: Registry,
  envId: string,
  model: string,
  k: number,
  seeds: number[],
): Promise<Map<string, number>> {
  const solved = new Map<string, { n: number; ok: number }>();
  for (const r of await registry.rollouts(envId, model, seeds)) {
    if (r.attempt >= k) continue;
    const key = instanceKey(r.seed, r.difficulty);
    const s = solved.get(key) ?? { n: 0, ok: 0 };
    s.n++;
    if (r.reward >= 1) s.ok++;
    solved.set(key, s);
  }
  const out = new Map<string, number>();
  for (const [key, s] of solved) if (s.n === k) out.set(key, s.ok / k);
  return out;
}

export async function measurePassRates(input: PassRateInput, deps: PassRateDeps): Promise<{ instances: number; llmCalls: number }> {
  const seeds = seedRange(input.envId, input.split, input.from, input.to);
  const instances = seeds.map((seed, i) => ({ seed, difficulty: difficultyFor(input.levels, input.from + i) }));
  const have = new Set(
    (await deps.registry.rollouts(input.envId, input.model, seeds)).map((r) => `${instanceKey(r.seed, r.difficulty)}:${r.attempt}`),
  );
  const jobs: AttemptJob[] = [];
  for (const it of instances)
    for (let attempt = 0; attempt < input.k; attempt++)
      if (!have.has(`${instanceKey(it.seed, it.difficulty)}:${attempt}`)) jobs.push({ ...it, attempt });
  const source = await deps.source(input.envId);
  const llmCalls = await runAttempts(source, jobs, deps, (job, a) => deps.registry.putRollout(input.envId, input.model, { ...job, ...a }));
  return { instances: instances.length, llmCalls };
}

/** The pass-rate lookup a shard's row selection uses, loaded for the shard's instances. */
export async function shardPassRateLookup(
  registry: Registry,
  input: Pick<ShardInput, 'split' | 'segments' | 'selection'>,
): Promise<((envId: string, seed: number, difficulty: number) => number | undefined) | undefined> {
  const f = input.selection?.passRate;
  if (!f) return undefined;
  const byEnv = new Map<string, Map<string, number>>();
  for (const seg of input.segments) {
    const rates = await passRates(registry, seg.env.id, f.model, f.k, seedRange(seg.env.id, input.split, seg.from, seg.to));
    const m = byEnv.get(seg.env.id) ?? new Map<string, number>();
    for (const [k, v] of rates) m.set(k, v);
    byEnv.set(seg.env.id, m);
  }
  return (envId, seed, difficulty) => byEnv.get(envId)?.get(instanceKey(seed, difficulty));
}
