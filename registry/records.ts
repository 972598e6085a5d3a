/** The rows the registry keeps, as the rest of resyn sees them (no SQL types here). */
import type { GateOutcome, RoundRow, SynthesisOutcome, SynthesisRunRow } from './synthesis-log';

export type { GateOutcome, RoundRow, SynthesisOutcome, SynthesisRunRow };

/** quarantined: was accepted, fails the current automatic checks (`resyn env audit --quarantine`); kept, never sampled or scored. */
export type EnvStatus = 'accepted' | 'rejected' | 'quarantined';
export interface EnvironmentRecord {
  id: string;
  name: string;
  description: string;
  tags: string[];
  family: string | null;
  keyword: string | null;
  source: string;
  status: EnvStatus;
  origin: 'seed' | 'synthesized';
  rounds: number;
  runId: string | null;
  parentId: string | null;
  scores: Record<string, number>;
  createdAt: string;
}
export type NewEnvironment = Omit<EnvironmentRecord, 'createdAt'> & { createdAt?: string };

export interface EnvironmentFilter {
  status?: EnvStatus;
  tags?: string[];
  ids?: string[];
  family?: string;
  origin?: 'seed' | 'synthesized';
}

/** What registerEnvironment did: registered (the stored record) or found the same task already accepted. */
export type Registration = { record: EnvironmentRecord; duplicateOf?: undefined } | { record?: undefined; duplicateOf: EnvironmentRecord };

/** A synthesis run of a grow run, with the name and family of the environment it registered. */
export type GrowRunRow = SynthesisRunRow & { envName: string | null; envFamily: string | null };

export interface LlmCallRow {
  /** One per reply received: a reply recorded twice is counted once; two replies are never one. */
  key: string;
  role: string;
  /** The synthesis stage (contracts/stages.ts) or the activity that made the call; null in rows from before stages. */
  stage?: string | null;
  model: string;
  workflowId: string | null;
  keyword: string | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  ok: boolean;
}
export interface SpendTotals {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** The wall time of one execution (attempt) of a stage activity, recorded when it ends. */
export interface StageTimingRow {
  key: string;
  workflowId: string | null;
  keyword: string | null;
  stage: string;
  activityType: string;
  attempt: number;
  durationMs: number;
  ok: boolean;
  startedAt: string;
}

/** Spend and time of one stage (of a run, of one synthesis workflow, or of everything). */
export interface StageUsage extends SpendTotals {
  stage: string;
  /** Stage activity executions that ended (attempts included), and the failed ones among them. */
  executions: number;
  failed: number;
  /** Summed wall time of those executions. */
  wallMs: number;
}

export interface FamilyCount {
  family: string;
  accepted: number;
  rejected: number;
}

export interface LevelStat {
  difficulty: number;
  attempts: number;
  solved: number;
  solveRate: number;
}
export interface CalibrationVerdict {
  envId: string;
  model: string;
  kept: boolean;
  z: number;
  critical: number;
  alpha: number;
  lowLevel: number;
  highLevel: number;
  /** Which test decided (older records: the Wald test). */
  test?: 'trend' | 'wald';
  /** One-sided p-value of "the solve rate does not fall with difficulty". */
  pValue?: number;
  levels: LevelStat[];
  updatedAt: string;
}
export interface Attempt {
  response: string;
  reward: number;
  answer: string | null;
}
/** One of the k attempts of the policy model at an instance (per-instance pass-rate selection). */
export interface Rollout {
  seed: number;
  difficulty: number;
  attempt: number;
  reward: number;
}
