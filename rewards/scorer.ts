/**
 * Scores model responses with the environments' verifiers: parse each item's instance, extract
 * the final answer (last <answer>...</answer>), group by environment, and verify in the sandbox
 * slots through the fair scheduler (rewards/scheduler.ts). Never throws on bad items: each gets
 * reward 0 and the reason. Throws Overloaded only when the whole request cannot be queued.
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
import { parseInstance, type InstanceRef } from './instance';
import { FairScheduler, type Job } from './scheduler';
import type { SourceLookup } from './sources';

export interface ScoreItem {
  ground_truth?: unknown;
  response?: unknown;
}
export interface Reward {
  reward: number;
  reason: string;
}

export interface ScorerOptions {
  /** One single-worker pool per sandbox slot (the scheduler routes chunks to slots by environment). */
  pools: SandboxPool[];
  lookup(envId: string): SourceLookup;
  /** Items waiting across all requests before a request is refused (Overloaded). */
  queueItems: number;
  /** Time budget per request; items not started by then get a reason instead of a reward. */
  budgetMs: number;
  /** Bytes of instance states kept (JSON size). */
  stateCacheBytes: number;
  /** Called by close() after the pools are closed (e.g. closes the registry). */
  onClose?: () => void;
}

function reasonFor(reward: number): string {
  return reward >= 1 ? 'correct' : reward <= 0 ? 'incorrect' : 'partially correct';
}

function toReward(r: Result<number>): Reward {
  if (!r.ok) return { reward: 0, reason: `verifier ${r.error.kind}: ${r.error.message}` };
  const reward = Number.isFinite(r.value) ? Math.min(1, Math.max(0, r.value)) : 0;
  return { reward, reason: reasonFor(reward) };
}

const MAX_STATES = 50_000;
const MAX_SEEN = 200_000;

/** One distinct (instance, answer) pair of a request and the item indexes that carry it. */
interface Pair {
  key: string;
  inst: InstanceRef;
  answer: string;
  indexes: number[];
  state?: unknown;
}
interface Group {
  envId: string;
  source: string;
  /** Pairs whose instance state is cached (verify only), then the rest (generate + verify), sorted by instance. */
  pairs: Pair[];
  /** pairs[0..cached) have a cached state. */
  cached: number;
  next: number;
}

export class Scorer {
  readonly scheduler: FairScheduler;
  /** Instance states by "env:seed:difficulty", insertion-ordered for FIFO eviction, with their JSON size. */
  private states = new Map<string, { state: unknown; bytes: number }>();
  private stateBytes = 0;
  /** Instances seen once without a cached state (a second sighting fetches the state). */
  private seen = new Set<string>();
  /** Instances whose state is being fetched. */
  private filling = new Set<string>();
  private fetchSlot = 0;

  constructor(readonly opts: ScorerOptions) {
    this.scheduler = new FairScheduler(opts.pools.length, opts.queueItems);
  }

  cacheStats(): { states: number; stateBytes: number; seen: number } {
    return { states: this.states.size, stateBytes: this.stateBytes, seen: this.seen.size };
  }

  async close(): Promise<void> {
    await Promise.all(this.opts.pools.map((p) => p.close()));
    this.opts.onClose?.();
  }

  private remember(key: string, state: unknown): void {
    const json = JSON.stringify(state);
    const cap = this.opts.stateCacheBytes;
    if (json === undefined || json.length > cap / 16) return;
    while (this.states.size > 0 && (this.states.size >= MAX_STATES || this.stateBytes + json.length > cap)) {
      const [k, v] = this.states.entries().next().value!;
      this.states.delete(k);
      this.stateBytes -= v.bytes;
    }
    this.states.set(key, { state, bytes: json.length });
    this.stateBytes += json.length;
  }

  /** Fetches and caches the states of instances seen twice, off the request's path. */
  private fetchStates(source: string, list: { key: string; inst: InstanceRef }[]): void {
    for (const x of list) this.filling.add(x.key);
    const pool = this.opts.pools[this.fetchSlot++ % this.opts.pools.length]!;
    pool
      .sample(
        source,
        list.map((x) => ({ seed: x.inst.seed, difficulty: x.inst.difficulty })),
      )
      .then(
        (sampled) =>
          sampled.forEach((r, k) => {
            if (r.ok) this.remember(list[k]!.key, r.value.state);
          }),
        () => {
          /* the pool was closed: nothing to cache */
        },
      )
      .finally(() => {
        for (const x of list) this.filling.delete(x.key);
      });
  }

  /** Orders a group's pairs (cached states first) and starts background state fetches for second sightings. */
  private plan(envId: string, source: string, all: Pair[]): Group {
    const cached: Pair[] = [];
    const fresh: Pair[] = [];
    const toFetch = new Map<string, InstanceRef>();
    const thisRequest = new Set<string>();
    for (const p of all) {
      const s = this.states.get(p.key);
      if (s !== undefined) {
        p.state = s.state;
        cached.push(p);
        continue;
      }
      fresh.push(p);
      // One sighting per request: the 8 answers to a prompt are one sighting.
      if (thisRequest.has(p.key)) continue;
      thisRequest.add(p.key);
      if (this.filling.has(p.key)) continue;
      if (this.seen.has(p.key)) {
        this.seen.delete(p.key);
        toFetch.set(p.key, p.inst);
      } else {
        if (this.seen.size >= MAX_SEEN) this.seen = new Set();
        this.seen.add(p.key);
      }
    }
    if (toFetch.size)
      this.fetchStates(
        source,
        [...toFetch].map(([key, inst]) => ({ key, inst })),
      );
    // Answers to one instance next to each other, so the guest generates it once per chunk.
    fresh.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { envId, source, pairs: [...cached, ...fresh], cached: cached.length, next: 0 };
  }

  /** A request's work as the scheduler sees it: chunks of one environment's pairs at a time. */
  private job(groups: Group[], out: Reward[]): Job {
    let g = 0;
    let pending = groups.reduce((n, x) => n + x.pairs.length, 0);
    const fill = (pairs: Pair[], rewards: Reward[]) =>
      pairs.forEach((p, j) => {
        for (const i of p.indexes) out[i] = rewards[j]!;
      });
    return {
      pending: () => pending,
      nextEnv: () => groups[g]?.envId,
      take: (max, slot) => {
        const group = groups[g]!;
        const pool = this.opts.pools[slot]!;
        const from = group.next;
        const withStates = from < group.cached;
        const chunk = group.pairs.slice(from, Math.min(from + max, withStates ? group.cached : group.pairs.length));
        group.next += chunk.length;
        pending -= chunk.length;
        if (group.next >= group.pairs.length) g++;
        const run = withStates
          ? pool.score(
              group.source,
              chunk.map((p) => ({ state: p.state, answer: p.answer })),
            )
          : pool.scoreInstances(
              group.source,
              chunk.map((p) => ({ seed: p.inst.seed, difficulty: p.inst.difficulty, answer: p.answer })),
            );
        return run.then(
          (results) => fill(chunk, results.map(toReward)),
          (e: Error) =>
            fill(
              chunk,
              chunk.map(() => ({ reward: 0, reason: `not scored: ${e?.message ?? String(e)}` })),
            ),
        );
      },
      expire: (reason) => {
        for (; g < groups.length; g++) {
          const group = groups[g]!;
          fill(
            group.pairs.slice(group.next),
            group.pairs.slice(group.next).map(() => ({ reward: 0, reason })),
          );
          pending -= group.pairs.length - group.next;
          group.next = group.pairs.length;
        }
      },
    };
  }

  /** Scores a request's items in order. `client` names who asked, for fair scheduling between clients. */
  async score(items: ScoreItem[], client = 'local'): Promise<Reward[]> {
    const out: Reward[] = new Array(items.length);
    // env id -> distinct "instance\0answer" -> pair
    const byEnv = new Map<string, Map<string, Pair>>();
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (!it || typeof it !== 'object') {
        out[i] = { reward: 0, reason: 'malformed item: expected an object {ground_truth, response}' };
        continue;
      }
      const p = parseInstance(it.ground_truth);
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
      let g = byEnv.get(inst.env_id);
      if (!g) byEnv.set(inst.env_id, (g = new Map()));
      const key = `${inst.env_id}:${inst.seed}:${inst.difficulty}`;
      const pk = `${key}\u0000${answer}`;
      const pair = g.get(pk);
      if (pair) pair.indexes.push(i);
      else g.set(pk, { key, inst, answer, indexes: [i] });
    }
    const groups: Group[] = [];
    for (const [envId, g] of byEnv) {
      const src = this.opts.lookup(envId);
      if (!src.ok) {
        for (const p of g.values()) for (const i of p.indexes) out[i] = { reward: 0, reason: src.reason };
        continue;
      }
      groups.push(this.plan(envId, src.source, [...g.values()]));
    }
    await this.scheduler.submit(this.job(groups, out), client, this.opts.budgetMs);
    return out;
  }
}
