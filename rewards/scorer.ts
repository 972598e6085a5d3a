/**
 * Scores model responses with the registered verifiers: parse each item's instance, extract the
 * final answer (last <answer>...</answer>), group by environment, and verify in the sandbox pool.
 * Never throws on bad items: each gets reward 0 and the reason.
 *
 * Where the time goes (bench/rewards.ts) is the QuickJS guest, so the host avoids guest work:
 * - an (instance, answer) pair repeated in a request is verified once (verify is deterministic:
 *   the sandbox has no clock and no Math.random) — GRPO's responses to one prompt often agree;
 * - an instance whose state is cached (seen before: later epochs, validation sets) runs only
 *   verify (pool.score);
 * - any other instance is generated inside the guest next to its answers (pool.scoreInstances:
 *   one crossing, no prompt rendered, the state never crosses), once per chunk, so a GRPO batch
 *   pays one generate per prompt, not per response. An instance seen a second time gets its state
 *   fetched in the background and cached (bounded by entries and bytes).
 */
import { extractAnswer } from '../lib/answer';
import type { Result, SandboxPool } from '../sandbox';
import { parseInstance, type InstanceRef, type Parsed } from './instance';

export interface ScoreItem {
  ground_truth?: unknown;
  response?: unknown;
}
export interface Reward {
  reward: number;
  reason: string;
}

export interface ScorerDeps {
  pool: SandboxPool;
  /** The environment's source by id, or undefined when the registry does not have it. */
  source(envId: string): string | undefined | Promise<string | undefined>;
  /** Answers per sandbox call (the pool cuts calls into chunks itself; this bounds one call). */
  batchSize?: number;
}

function reasonFor(reward: number): string {
  return reward >= 1 ? 'correct' : reward <= 0 ? 'incorrect' : 'partially correct';
}

function toReward(r: Result<number>): Reward {
  if (!r.ok) return { reward: 0, reason: `verifier ${r.error.kind}: ${r.error.message}` };
  const reward = Number.isFinite(r.value) ? Math.min(1, Math.max(0, r.value)) : 0;
  return { reward, reason: reasonFor(reward) };
}

/** Bounds of the process-wide caches (shared by every request; a service runs for days). */
export const CACHE_LIMITS = { states: 50_000, stateBytes: 256 * 1024 * 1024, seen: 200_000, groundTruths: 100_000 };

/** Instance states by "env:seed:difficulty", insertion-ordered for FIFO eviction, with their JSON size. */
const states = new Map<string, { state: unknown; bytes: number }>();
let stateBytes = 0;
/** Instances seen once without a cached state (a second sighting fetches the state). */
let seen = new Set<string>();
/** Instances whose state is being fetched. */
const filling = new Set<string>();
/** ground_truth strings already parsed: the 8 responses of a GRPO prompt repeat the same string. */
let parsedGt = new Map<string, Parsed>();

function remember(key: string, state: unknown): void {
  const json = JSON.stringify(state);
  if (json === undefined || json.length > CACHE_LIMITS.stateBytes / 16) return;
  while (states.size > 0 && (states.size >= CACHE_LIMITS.states || stateBytes + json.length > CACHE_LIMITS.stateBytes)) {
    const [k, v] = states.entries().next().value!;
    states.delete(k);
    stateBytes -= v.bytes;
  }
  states.set(key, { state, bytes: json.length });
  stateBytes += json.length;
}

/** Cache sizes, for tests and the bench. */
export function scorerCacheStats(): { states: number; stateBytes: number; seen: number } {
  return { states: states.size, stateBytes, seen: seen.size };
}

function parseGt(gt: unknown): Parsed {
  if (typeof gt !== 'string') return parseInstance(gt);
  let p = parsedGt.get(gt);
  if (p === undefined) {
    p = parseInstance(gt);
    if (parsedGt.size >= CACHE_LIMITS.groundTruths) parsedGt = new Map();
    parsedGt.set(gt, p);
  }
  return p;
}

/** One distinct (instance, answer) pair of a request and the item indexes that carry it. */
interface Pair {
  key: string;
  inst: InstanceRef;
  answer: string;
  indexes: number[];
}

function fill(out: Reward[], pairs: Pair[], results: Result<number>[]): void {
  pairs.forEach((p, j) => {
    const r = toReward(results[j]!);
    for (const i of p.indexes) out[i] = r;
  });
}

/** Fetches and caches the states of instances seen twice, off the request's path. */
function fetchStates(source: string, list: { key: string; inst: InstanceRef }[], deps: ScorerDeps): void {
  for (const x of list) filling.add(x.key);
  deps.pool
    .sample(
      source,
      list.map((x) => ({ seed: x.inst.seed, difficulty: x.inst.difficulty })),
    )
    .then(
      (sampled) =>
        sampled.forEach((r, k) => {
          if (r.ok) remember(list[k]!.key, r.value.state);
        }),
      () => {
        /* the pool was closed: nothing to cache */
      },
    )
    .finally(() => {
      for (const x of list) filling.delete(x.key);
    });
}

function scoreGroup(source: string, pairs: Pair[], out: Reward[], deps: ScorerDeps, size: number): Promise<void>[] {
  const cached: Pair[] = [];
  const cachedStates: unknown[] = [];
  const fresh: Pair[] = [];
  const toFetch = new Map<string, InstanceRef>();
  const thisRequest = new Set<string>();
  for (const p of pairs) {
    const s = states.get(p.key);
    if (s !== undefined) {
      cached.push(p);
      cachedStates.push(s.state);
      continue;
    }
    fresh.push(p);
    // One sighting per request: the 8 answers to a prompt are one sighting.
    if (thisRequest.has(p.key)) continue;
    thisRequest.add(p.key);
    if (filling.has(p.key)) continue;
    if (seen.has(p.key)) {
      seen.delete(p.key);
      toFetch.set(p.key, p.inst);
    } else {
      if (seen.size >= CACHE_LIMITS.seen) seen = new Set();
      seen.add(p.key);
    }
  }
  if (toFetch.size)
    fetchStates(
      source,
      [...toFetch].map(([key, inst]) => ({ key, inst })),
      deps,
    );
  // Answers to one instance next to each other, so the guest generates it once per chunk.
  fresh.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const jobs: Promise<void>[] = [];
  for (let k = 0; k < cached.length; k += size) {
    const chunk = cached.slice(k, k + size);
    const st = cachedStates.slice(k, k + size);
    jobs.push(
      deps.pool
        .score(
          source,
          chunk.map((p, j) => ({ state: st[j], answer: p.answer })),
        )
        .then((r) => fill(out, chunk, r)),
    );
  }
  for (let k = 0; k < fresh.length; k += size) {
    const chunk = fresh.slice(k, k + size);
    jobs.push(
      deps.pool
        .scoreInstances(
          source,
          chunk.map((p) => ({ seed: p.inst.seed, difficulty: p.inst.difficulty, answer: p.answer })),
        )
        .then((r) => fill(out, chunk, r)),
    );
  }
  return jobs;
}

export async function scoreResponses(items: ScoreItem[], deps: ScorerDeps): Promise<Reward[]> {
  const out: Reward[] = new Array(items.length);
  // env id -> distinct "instance\0answer" -> pair
  const groups = new Map<string, Map<string, Pair>>();
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!it || typeof it !== 'object') {
      out[i] = { reward: 0, reason: 'malformed item: expected an object {ground_truth, response}' };
      continue;
    }
    const p = parseGt(it.ground_truth);
    if (!p.ok) {
      out[i] = { reward: 0, reason: p.reason };
      continue;
    }
    if (typeof it.response !== 'string') {
      out[i] = { reward: 0, reason: 'malformed item: response must be a string' };
      continue;
    }
    const answer = extractAnswer(it.response);
    if (answer === null) {
      out[i] = { reward: 0, reason: 'no <answer>...</answer> in the response' };
      continue;
    }
    const inst = p.value;
    let g = groups.get(inst.env_id);
    if (!g) groups.set(inst.env_id, (g = new Map()));
    const key = `${inst.env_id}:${inst.seed}:${inst.difficulty}`;
    const pk = `${key}\u0000${answer}`;
    const pair = g.get(pk);
    if (pair) pair.indexes.push(i);
    else g.set(pk, { key, inst, answer, indexes: [i] });
  }
  const size = deps.batchSize ?? 1024;
  const jobs: Promise<void>[] = [];
  for (const [envId, g] of groups) {
    const source = await deps.source(envId);
    if (source === undefined) {
      for (const p of g.values())
        for (const i of p.indexes) out[i] = { reward: 0, reason: `unknown environment ${envId} (not in the registry)` };
      continue;
    }
    jobs.push(...scoreGroup(source, [...g.values()], out, deps, size));
  }
  await Promise.all(jobs);
  return out;
}
