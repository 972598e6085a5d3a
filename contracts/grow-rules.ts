/**
 * The decisions of growLibrary as plain functions over its state (contracts/grow-input.ts), so
 * they are tested without a server and shared with resume (which recounts outcomes from the
 * registry). The workflow keeps only what needs Temporal: starting jobs, waiting, continue-as-new.
 * Pure and deterministic: bundled into workflows.
 */
import type { GrowState } from './grow-input';
import type { Proposal } from './proposal';
import { totalTokens, type UsageTotals } from './usage';

export type GrowStatus = 'running' | 'paused' | 'stopping' | 'completed' | 'cancelled' | 'budget-exhausted' | 'target-reached' | 'failed';

export interface GrowProgress {
  /** Keywords fully processed (proposed and every child finished). */
  done: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  failed: number;
  /** Jobs running now (proposal calls and child workflows). */
  inFlight: number;
  /** Keywords not started plus proposals not started. */
  pending: number;
  keywords: number;
  tokens: number;
  costUsd: number;
  paused: boolean;
  status: GrowStatus;
  lastError: string | null;
  continuedAsNew: number;
  /** Verifier holes the red team confirmed (and revision was asked to fix) over the finished children. */
  redTeamHoles: number;
}

export type GrowTask = GrowState['tasks'][number];
export type GrowControl = 'pause' | 'resume' | 'cancel';

/** The limits of a run (growLibrary's parsed input). */
export interface GrowLimits {
  budget: { maxTokens?: number; maxCostUsd?: number };
  target?: number;
  maxConsecutiveFailures: number;
}

/** Why no new job may start, in priority order, or null when jobs may start. */
export function haltReason(
  s: GrowState,
  limits: GrowLimits,
  historyFull: () => boolean,
): Exclude<GrowStatus, 'running' | 'paused' | 'stopping' | 'completed'> | 'continue-as-new' | null {
  if (s.cancelRequested) return 'cancelled';
  if (s.consecutiveFailures >= limits.maxConsecutiveFailures) return 'failed';
  if (budgetSpent(s, limits.budget)) return 'budget-exhausted';
  if (limits.target !== undefined && s.accepted >= limits.target) return 'target-reached';
  if (historyFull()) return 'continue-as-new';
  return null;
}

export function budgetSpent(s: Pick<GrowState, 'tokens' | 'costUsd'>, budget: GrowLimits['budget']): boolean {
  return (
    (budget.maxTokens !== undefined && s.tokens >= budget.maxTokens) || (budget.maxCostUsd !== undefined && s.costUsd >= budget.maxCostUsd)
  );
}

export type GrowJob = { kind: 'child'; task: GrowTask } | { kind: 'propose'; keyword: string };

/**
 * Takes up to `free` jobs off the queues, in start order: proposals already made first (finish
 * keywords already begun), then new keywords to propose for.
 */
export function takeJobs(s: GrowState, free: number): GrowJob[] {
  const jobs: GrowJob[] = [];
  while (jobs.length < free && s.tasks.length) jobs.push({ kind: 'child', task: s.tasks.shift()! });
  while (jobs.length < free && s.pendingKeywords.length) jobs.push({ kind: 'propose', keyword: s.pendingKeywords.shift()! });
  return jobs;
}

export const noWorkLeft = (s: GrowState): boolean => s.tasks.length === 0 && s.pendingKeywords.length === 0;

export type GrowStep = { kind: 'wait'; status: GrowStatus } | { kind: 'continue-as-new' } | { kind: 'end'; status: GrowStatus };

/**
 * What the run does after starting what it could: end (nothing runs and nothing is left, or it
 * halted), continue as new (history full with work left), or wait for a job or a signal.
 */
export function nextStep(o: { halt: ReturnType<typeof haltReason>; inFlight: number; noWork: boolean; paused: boolean }): GrowStep {
  if (o.inFlight === 0 && (o.halt || o.noWork)) {
    if (o.halt === 'continue-as-new' && !o.noWork) return { kind: 'continue-as-new' };
    return { kind: 'end', status: o.noWork ? 'completed' : (o.halt as GrowStatus) };
  }
  return { kind: 'wait', status: o.halt && o.halt !== 'continue-as-new' ? 'stopping' : o.paused ? 'paused' : 'running' };
}

export function applyControl(s: GrowState, action: GrowControl): void {
  if (action === 'pause') s.paused = true;
  else if (action === 'resume') s.paused = false;
  else s.cancelRequested = true;
}

export function addSpend(s: GrowState, usage: Pick<UsageTotals, 'promptTokens' | 'completionTokens' | 'costUsd'>): void {
  s.tokens += totalTokens(usage);
  s.costUsd += usage.costUsd;
}

/** A keyword's proposals arrived: each becomes a task, the keyword is outstanding until all finish. */
export function recordProposals(s: GrowState, keyword: string, proposals: Proposal[], usage: UsageTotals): void {
  addSpend(s, usage);
  s.outstanding[keyword] = proposals.length;
  proposals.forEach((proposal, index) => s.tasks.push({ keyword, index, proposal }));
  s.consecutiveFailures = 0;
}

/** Proposing for a keyword failed: the keyword is done (as failed) and the failure streak grows. */
export function recordProposalFailure(s: GrowState, keyword: string, message: string): void {
  s.failed++;
  s.done++;
  s.consecutiveFailures++;
  s.lastError = `${keyword}: ${message}`;
}

/** Counts a child's outcome as the registry records it; anything else (or none) is a failure. */
export function countOutcome(
  s: Pick<GrowState, 'accepted' | 'duplicates' | 'rejected' | 'failed'>,
  outcome: string | null | undefined,
): void {
  if (outcome === 'accepted') s.accepted++;
  else if (outcome === 'duplicate') s.duplicates++;
  else if (outcome === 'rejected') s.rejected++;
  else s.failed++;
}

/** A child finished in this run: its usage, its outcome, and the failure streak ends. */
export function recordChildResult(
  s: GrowState,
  outcome: 'accepted' | 'duplicate' | 'rejected',
  usage: UsageTotals,
  redTeamHoles = 0,
): void {
  addSpend(s, usage);
  s.redTeamHoles = (s.redTeamHoles ?? 0) + redTeamHoles;
  countOutcome(s, outcome);
  s.consecutiveFailures = 0;
}

/** A child failed (not cancelled): the failure streak grows. */
export function recordChildFailure(s: GrowState, t: GrowTask, message: string): void {
  s.failed++;
  s.consecutiveFailures++;
  s.lastError = `${t.keyword}#${t.index}: ${message}`;
}

/** One of a keyword's children is finished; the keyword is done with its last. */
export function finishChild(s: GrowState, keyword: string): void {
  s.outstanding[keyword] = (s.outstanding[keyword] ?? 1) - 1;
  if (s.outstanding[keyword]! <= 0) {
    delete s.outstanding[keyword];
    s.done++;
  }
}

/** Keywords this run covers: done, not started, and begun. */
export const keywordsTotal = (s: GrowState): number => s.done + s.pendingKeywords.length + Object.keys(s.outstanding).length;

export function growProgress(s: GrowState, o: { inFlight: number; keywords: number; status: GrowStatus }): GrowProgress {
  return {
    done: s.done,
    accepted: s.accepted,
    rejected: s.rejected,
    duplicates: s.duplicates,
    failed: s.failed,
    inFlight: o.inFlight,
    pending: s.pendingKeywords.length + s.tasks.length,
    keywords: o.keywords,
    tokens: s.tokens,
    costUsd: s.costUsd,
    paused: s.paused,
    status: o.status,
    lastError: s.lastError,
    continuedAsNew: s.continuedAsNew,
    redTeamHoles: s.redTeamHoles ?? 0,
  };
}
