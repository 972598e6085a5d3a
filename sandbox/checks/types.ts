/** Shapes shared by the automatic checks: one check's verdict, the report, a sampled instance. */
import type { EnvInfo } from '../types';
import type { CheckContext } from './context';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** Failing cases (the first few) with the state and the answer, so a reviser sees what failed. */
  examples?: CheckExample[];
  /** Wall-clock time this check spent (ms). */
  ms?: number;
}
/** One concrete failing case of a check: the instance, and the answer verify got (if any) with its result. */
export interface CheckExample {
  seed: number;
  difficulty: number;
  /** The state as JSON, clipped. */
  state: string;
  answer?: string;
  reward?: number;
  error?: string;
}
export interface CheckReport {
  ok: boolean;
  checks: CheckResult[];
  env?: EnvInfo;
  durationMs: number;
}

export interface Verdict {
  ok: boolean;
  detail: string;
}

/** One automatic check: a name (stable, in `resyn env check --json`) and what it needs to run. */
export interface Check {
  name: string;
  /** What the check demands, in one line (the generator's and reviser's prompts list these). */
  rule: string;
  /** Facts earlier checks must have established in the context (else: not run). */
  needs: ('env' | 'instances' | 'solutions')[];
  run(ctx: CheckContext): Promise<Verdict>;
  /** Revises the verdict after every check ran (for failures later checks saw on its behalf). */
  conclude?(ctx: CheckContext, v: Verdict): Verdict;
}

export interface Instance {
  /** Index among the instances of its difficulty (the first PROBED_PER_DIFFICULTY get the costly probes). */
  k: number;
  seed: number;
  difficulty: number;
  state: unknown;
  stateJson: string;
  prompt: string;
  solution?: string;
}
