/**
 * Scores model responses with the environments' verifiers: parse each item's instance, extract
 * the final answer (last <answer>...</answer>), group by environment and then by instance, and
 * verify in the sandbox slots through the fair scheduler (rewards/scheduler.ts). Never throws on
 * bad items: each gets reward 0 and the reason. Throws Overloaded only when the whole request
 * cannot be queued.
 *
 * Where the time goes (bench/rewards.ts) is the QuickJS guest, so the host avoids guest work:
 * - an (instance, answer) pair repeated in a request is verified once (verify is deterministic:
 *   the sandbox has no clock and no Math.random) — GRPO's responses to one prompt often agree;
 * - a chunk carries whole instances, each with all its answers (pool.verifyBatch): the worker
 *   generates an instance once (and caches its state by (env, seed, difficulty)), the state never
 *   crosses the thread boundary, and a GRPO group pays one generate per prompt, not per response;
 * - a chunk runs under the request's remaining time budget: slow items still running when it
 *   ends fail with a reason and the rest of the chunk keeps its rewards.
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
  lookup(envId: string): SourceLookup | Promise<SourceLookup>;
  /** Items waiting across all requests before a request is refused (Overloaded). */
  queueItems: number;
  /** Time budget per request; items not started by then get a reason instead of a reward. */
  budgetMs: number;
  /** Called by close() after the pools are closed (e.g. closes the registry). */
  onClose?: () => void | Promise<void>;
}

function reasonFor(reward: number): string {
  return reward >= 1 ? 'correct' : reward <= 0 ? 'incorrect' : 'partially correct';
}

function toReward(r: Result<number>): Reward {
  if (!r.ok) return { reward: 0, reason: `verifier ${r.error.kind}: ${r.error.message}` };
  const reward = Number.isFinite(r.value) ? Math.min(1, Math.max(0, r.value)) : 0;
  return { reward, reason: reasonFor(reward) };
}

/** One instance of a request and its distinct answers, each with the item indexes that carry it. */
interface Inst {
  ref: InstanceRef;
  answers: string[];
  indexes: number[][];
}
interface Group {
  source: string;
  insts: Inst[];
  next: number;
}

export class Scorer {
  readonly scheduler: FairScheduler;

  constructor(readonly opts: ScorerOptions) {
    this.scheduler = new FairScheduler(opts.pools.length, opts.queueItems);
  }

  async close(): Promise<void> {
    await Promise.all(this.opts.pools.map((p) => p.close()));
    await this.opts.onClose?.();
  }

  /** A request's work as the scheduler sees it: chunks of whole instances of one environment at a time. */
  private job(groups: Map<string, Group>, out: Reward[], deadline: number): Job {
    let pending = 0;
    for (const x of groups.values()) for (const i of x.insts) pending += i.answers.length;
    const fill = (inst: Inst, j: number, r: Reward) => {
      for (const i of inst.indexes[j]!) out[i] = r;
    };
    return {
      pending: () => pending,
      envs: () => groups.keys(),
      take: (env, max, slot) => {
        const group = groups.get(env)!;
        const chunk: Inst[] = [];
        let answers = 0;
        while (group.next < group.insts.length && (chunk.length === 0 || answers + group.insts[group.next]!.answers.length <= max)) {
          const inst = group.insts[group.next++]!;
          chunk.push(inst);
          answers += inst.answers.length;
        }
        pending -= answers;
        if (group.next >= group.insts.length) groups.delete(env);
        // The request's remaining budget bounds this call too: items still running when it ends
        // fail with a timeout reason, the rest of the chunk keeps its rewards.
        const budgetMs = Math.max(1, deadline - Date.now());
        return this.opts.pools[slot]!.verifyBatch(
          group.source,
          chunk.map((inst) => ({ seed: inst.ref.seed, difficulty: inst.ref.difficulty, answers: inst.answers })),
          { budgetMs },
        ).then(
          (results) => chunk.forEach((inst, c) => inst.answers.forEach((_, j) => fill(inst, j, toReward(results[c]![j]!)))),
          (e: Error) => {
            const r = { reward: 0, reason: `not scored: ${e?.message ?? String(e)}` };
            for (const inst of chunk) inst.answers.forEach((_, j) => fill(inst, j, r));
          },
        );
      },
      expire: (reason) => {
        for (const group of groups.values()) {
          for (; group.next < group.insts.length; group.next++) {
            const inst = group.insts[group.next]!;
            inst.answers.forEach((_, j) => fill(inst, j, { reward: 0, reason }));
            pending -= inst.answers.length;
          }
        }
        groups.clear();
      },
    };
  }

  /** Scores a request's items in order. `client` names who asked, for fair scheduling between clients. */
  async score(items: ScoreItem[], client = 'local'): Promise<Reward[]> {
    const out: Reward[] = new Array(items.length);
    // env id -> "seed:difficulty" -> instance with its distinct answers (answer -> position)
    const byEnv = new Map<string, Map<string, Inst & { at: Map<string, number> }>>();
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
      const ref = p.value;
      let env = byEnv.get(ref.env_id);
      if (!env) byEnv.set(ref.env_id, (env = new Map()));
      const key = `${ref.seed}:${ref.difficulty}`;
      let inst = env.get(key);
      if (!inst) env.set(key, (inst = { ref, answers: [], indexes: [], at: new Map() }));
      const j = inst.at.get(answer);
      if (j !== undefined) inst.indexes[j]!.push(i);
      else {
        inst.at.set(answer, inst.answers.length);
        inst.answers.push(answer);
        inst.indexes.push([i]);
      }
    }
    const groups = new Map<string, Group>();
    for (const [envId, env] of byEnv) {
      const src = await this.opts.lookup(envId);
      if (!src.ok) {
        for (const inst of env.values()) for (const ix of inst.indexes) for (const i of ix) out[i] = { reward: 0, reason: src.reason };
        continue;
      }
      groups.set(envId, { source: src.source, insts: [...env.values()], next: 0 });
    }
    await this.scheduler.submit(this.job(groups, out, Date.now() + this.opts.budgetMs), client, this.opts.budgetMs);
    return out;
  }
}
