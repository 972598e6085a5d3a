/**
 * Scores model responses with the registered verifiers: parse each item's instance, extract the
 * final answer (last <answer>...</answer>), group by environment, generate each distinct
 * instance's state once (cached) and verify the answers in batches in the sandbox pool. Never
 * throws on bad items: each gets reward 0 and the reason.
 */
import { extractAnswer } from '../lib/answer';
import type { SandboxPool } from '../sandbox';
import { parseInstance, type InstanceRef } from './instance';

export interface ScoreItem { ground_truth?: unknown; response?: unknown }
export interface Reward { reward: number; reason: string }

export interface ScorerDeps {
  pool: SandboxPool;
  /** The environment's source by id, or undefined when the registry does not have it. */
  source(envId: string): string | undefined;
  /** Answers per sandbox call. */
  batchSize?: number;
}

function reasonFor(reward: number): string {
  return reward >= 1 ? 'correct' : reward <= 0 ? 'incorrect' : 'partially correct';
}

/**
 * Instance states by (env, seed, difficulty), bounded: GRPO-style batches score many responses
 * per instance, so each state is generated once and only verify runs per answer.
 */
const STATE_CACHE_MAX = 50_000;
const states = new Map<string, unknown>();
function remember(key: string, state: unknown): void {
  if (states.size >= STATE_CACHE_MAX) states.delete(states.keys().next().value!);
  states.set(key, state);
}

async function scoreGroup(envId: string, source: string, g: { index: number; inst: InstanceRef; answer: string }[], out: Reward[], deps: ScorerDeps, size: number): Promise<void> {
  const key = (x: InstanceRef) => `${envId}:${x.seed}:${x.difficulty}`;
  const missing = new Map<string, InstanceRef>();
  for (const x of g) if (!states.has(key(x.inst)) && !missing.has(key(x.inst))) missing.set(key(x.inst), x.inst);
  const failed = new Map<string, string>();
  if (missing.size) {
    const list = [...missing.values()];
    const sampled = await deps.pool.sample(source, list.map((i) => ({ seed: i.seed, difficulty: i.difficulty })));
    sampled.forEach((r, k) => {
      if (r.ok) remember(key(list[k]!), r.value.state);
      else failed.set(key(list[k]!), `instance could not be generated: ${r.error.kind}: ${r.error.message}`);
    });
  }
  const ready: { index: number; state: unknown; answer: string }[] = [];
  for (const x of g) {
    const f = failed.get(key(x.inst));
    if (f) { out[x.index] = { reward: 0, reason: f }; continue; }
    ready.push({ index: x.index, state: states.get(key(x.inst)), answer: x.answer });
  }
  const jobs: Promise<void>[] = [];
  for (let k = 0; k < ready.length; k += size) {
    const chunk = ready.slice(k, k + size);
    jobs.push(deps.pool.score(source, chunk.map((x) => ({ state: x.state, answer: x.answer }))).then((results) => results.forEach((r, j) => {
      const x = chunk[j]!;
      if (!r.ok) out[x.index] = { reward: 0, reason: `verifier ${r.error.kind}: ${r.error.message}` };
      else {
        const reward = Number.isFinite(r.value) ? Math.min(1, Math.max(0, r.value)) : 0;
        out[x.index] = { reward, reason: reasonFor(reward) };
      }
    })));
  }
  await Promise.all(jobs);
}

export async function scoreResponses(items: ScoreItem[], deps: ScorerDeps): Promise<Reward[]> {
  const out: Reward[] = new Array(items.length);
  const groups = new Map<string, { index: number; inst: InstanceRef; answer: string }[]>();
  items.forEach((it, i) => {
    if (!it || typeof it !== 'object') { out[i] = { reward: 0, reason: 'malformed item: expected an object {ground_truth, response}' }; return; }
    const p = parseInstance(it.ground_truth);
    if (!p.ok) { out[i] = { reward: 0, reason: p.reason }; return; }
    if (typeof it.response !== 'string') { out[i] = { reward: 0, reason: 'malformed item: response must be a string' }; return; }
    const answer = extractAnswer(it.response);
    if (answer === null) { out[i] = { reward: 0, reason: 'no <answer>...</answer> in the response' }; return; }
    let g = groups.get(p.value.env_id);
    if (!g) groups.set(p.value.env_id, (g = []));
    g.push({ index: i, inst: p.value, answer });
  });
  const size = deps.batchSize ?? 1024;
  const jobs: Promise<void>[] = [];
  for (const [envId, g] of groups) {
    const source = deps.source(envId);
    if (source === undefined) {
      for (const x of g) out[x.index] = { reward: 0, reason: `unknown environment ${envId} (not in the registry)` };
      continue;
    }
    jobs.push(scoreGroup(envId, source, g, out, deps, size));
  }
  await Promise.all(jobs);
  return out;
}
