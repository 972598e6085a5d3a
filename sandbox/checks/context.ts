/**
 * What the checks share: the source, the pool, the settings, the facts established so far
 * (exports, sampled instances, solutions), every verify result in call order (statefulness
 * re-runs some of them), and the limit breaches each check saw (within-limits reports them,
 * naming the check).
 */
import type { SandboxPool } from '../pool';
import { sharedPool } from '../pool';
import type { EnvInfo, Result, SandboxError } from '../types';
import type { CheckConfig } from './config';
import type { CheckExample, Instance } from './types';

export const DIFFICULTIES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
export const TOP_DIFFICULTY = 10;
/** Seeds used by the checks (spread out, not 0..n, so nothing is tuned to small seeds). */
export const seedFor = (k: number, d: number): number => 1009 * (k + 1) + 17 * d;
/** Instances per difficulty that also get the expensive probes (determinism, garbage, perturbations). */
export const PROBED_PER_DIFFICULTY = 8;
export const LIMIT_KINDS = new Set(['timeout', 'out-of-memory', 'stack-overflow', 'output-too-large', 'host-crash']);

const MAX_EXAMPLES = 3;
const MAX_EXAMPLE_CHARS = 2000;

export const clip = (s: string, n = 160): string => (s.length > n ? `${s.slice(0, n)}…` : s);
export const show = (s: string): string => JSON.stringify(clip(s, 80));
export const errText = (e: SandboxError): string => `${e.kind}: ${clip(e.message, 300)}`;
export const at = (x: { seed: number; difficulty: number }): string => `seed ${x.seed}, difficulty ${x.difficulty}`;
export const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export function listFew(lines: string[], n = 3): string {
  const head = lines.slice(0, n).join('; ');
  return lines.length > n ? `${head}; and ${lines.length - n} more` : head;
}

/** One verify call made by a check, kept in call order. */
export interface Scored {
  x: Instance;
  answer: string;
  result: Result<number>;
}

export class CheckContext {
  env?: EnvInfo;
  instances?: Instance[];
  /** Instances whose solve() succeeded (set by solve-verifies). */
  solved?: Instance[];
  /** Sampling failures that were about the prompt size (prompt-bounded reports them). */
  promptProblems: string[] = [];
  /** Sampling failures that were about non-JSON states (json-round-trip reports them). */
  nonJson: string[] = [];
  /** Calls that threw or returned the wrong type (exports-and-types reports them). */
  typeFailures: string[] = [];
  /** Limit breaches, each with the check that saw it. */
  limitFailures: { check: string; line: string }[] = [];
  /** Rewards of the wrong answers rejects-wrong fed (partial-credit reads them). */
  wrong: { x: Instance; label: string; answer: string; reward: number }[] = [];
  /** Failing cases per check (the first MAX_EXAMPLES). */
  examples = new Map<string, CheckExample[]>();
  /** Every verify call in order. */
  history: Scored[] = [];
  /** The check now running (failures are attributed to it). */
  current = '';
  /** When the running check's time budget ends. */
  deadline = Number.POSITIVE_INFINITY;
  private freshCount = 0;

  constructor(
    readonly source: string,
    readonly pool: SandboxPool,
    readonly cfg: CheckConfig,
  ) {}

  /** Keeps a failing case for a check (default: the check now running). */
  example(x: Instance, extra: { answer?: string; reward?: number; error?: SandboxError } = {}, check = this.current): void {
    const list = this.examples.get(check) ?? [];
    if (list.length >= MAX_EXAMPLES) return;
    list.push({
      seed: x.seed,
      difficulty: x.difficulty,
      state: clip(x.stateJson, MAX_EXAMPLE_CHARS),
      ...(extra.answer !== undefined ? { answer: clip(extra.answer, MAX_EXAMPLE_CHARS) } : {}),
      ...(extra.reward !== undefined ? { reward: extra.reward } : {}),
      ...(extra.error ? { error: errText(extra.error) } : {}),
    });
    this.examples.set(check, list);
  }

  /** Routes a failed call: limit breaches to within-limits (naming the check), contract breaches to exports-and-types. */
  failed(where: string, e: SandboxError, x?: Instance, answer?: string): void {
    const line = `${where}: ${errText(e)}`;
    const to = LIMIT_KINDS.has(e.kind) ? 'within-limits' : e.kind === 'non-json' ? 'json-round-trip' : 'exports-and-types';
    if (to === 'within-limits') this.limitFailures.push({ check: this.current, line });
    else if (to === 'json-round-trip') this.nonJson.push(line);
    else this.typeFailures.push(line);
    if (x) this.example(x, { ...(answer !== undefined ? { answer } : {}), error: e }, to);
  }

  /** Call options that stop a batch when the running check's budget ends (no work outlives its check). */
  opts(): { budgetMs?: number } {
    return Number.isFinite(this.deadline) ? { budgetMs: Math.max(1, this.deadline - Date.now()) } : {};
  }

  byDifficulty(xs: Instance[], d: number): Instance[] {
    return xs.filter((x) => x.difficulty === d);
  }

  /** Scores answers against instances' states in one batch; records every call in `history`. */
  async score(probes: { x: Instance; answer: string }[], source = this.source, pool = this.pool): Promise<Result<number>[]> {
    if (probes.length === 0) return [];
    const rs = await pool.score(
      source,
      probes.map((p) => ({ state: p.x.state, answer: p.answer })),
      this.opts(),
    );
    if (source === this.source && pool === this.pool) probes.forEach((p, i) => this.history.push({ ...p, result: rs[i]! }));
    return rs;
  }

  /** Scores with a tighter per-call deadline (a pool of its own, shared per process per limits). */
  scoreWithDeadline(probes: { x: Instance; answer: string }[], callTimeoutMs: number): Promise<Result<number>[]> {
    const tight = sharedPool({ ...this.pool.limits, callTimeoutMs, workers: 1 });
    return this.score(probes, this.source, tight);
  }

  /**
   * The same environment under another id, so the pool loads it into a fresh context (the cache
   * is keyed by environment id; a trailing comment changes the id and nothing else).
   */
  freshSource(): string {
    return `${this.source}\n// resyn-checks: fresh context ${++this.freshCount}\n`;
  }
}
