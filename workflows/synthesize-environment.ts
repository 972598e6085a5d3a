/**
 * synthesizeEnvironment: one task proposal -> environment, as in the paper's figure:
 * generate -> gates (checks, judges, red team, in the order given) -> revise with every round's
 * verdicts, up to maxRevisions rounds -> register (or record the rejection). Every round is kept
 * in the registry. Deterministic: all work is in activities.
 *
 * Versions (docs/versioning.md): runs with the marker 'synthesis-revise-step' revise through the
 * named reviseEnvironment step with the whole round history, pass each gate the verdicts of the
 * gates before it, and default to the red-team gate and 2 revisions; older histories replay the
 * earlier path (writeEnvironment with the last round's feedback).
 */
import {
  ApplicationFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ResynActivities } from '../activities';
import type { Candidate, GateResult } from '../contracts/gates';
import type { Proposal } from '../contracts/proposal';
import type { DraftResult, RoundVerdicts } from '../contracts/revision';
import {
  DEFAULT_GATES,
  DEFAULT_GATES_V2,
  DEFAULT_MAX_REVISIONS,
  DEFAULT_MAX_REVISIONS_V2,
  type RetryInput,
  type SynthesizeInput,
  synthesizeInputSchema,
} from '../contracts/synthesis-input';
import { Failure, rootMessage } from '../contracts/failures';
import { addUsage, type UsageTotals, zeroUsage } from '../contracts/usage';
import { RESYN_ENV_NAME, RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';
import { synthesizeMemo, synthesizeSearchAttributes } from './synthesis-meta';
import { parseInput } from './parse-input';

/** Patch marker of the named revise step (see the file comment). */
export const REVISE_STEP_PATCH = 'synthesis-revise-step';
/** Patch marker of the name check at the start of a directly started run (see checkNames). */
export const CHECK_NAMES_PATCH = 'synthesis-check-names';

function activities(r: RetryInput) {
  const retry = {
    initialInterval: r.initialIntervalMs!,
    backoffCoefficient: r.backoffCoefficient!,
    maximumInterval: r.maximumIntervalMs!,
    maximumAttempts: r.maximumAttempts!,
  };
  // LLM calls: long, heartbeating (so a dead worker's call is retried within heartbeatTimeout).
  const llm = proxyActivities<ResynActivities>({ startToCloseTimeout: '15 minutes', heartbeatTimeout: '15 seconds', retry });
  // Short local steps (sandbox checks, registry writes: milliseconds, idempotent) run as LOCAL activities: no
  // activity task round trip through the server and no extra workflow task, just a marker in the history. A
  // worker that dies mid-step makes the workflow task time out and the step run again on another worker.
  const local = proxyLocalActivities<ResynActivities>({
    startToCloseTimeout: '5 minutes',
    localRetryThreshold: '10 seconds',
    retry: { ...retry, maximumAttempts: Math.min(10, retry.maximumAttempts) },
  });
  // Gates are called by name from the input, so a team's own gate activity needs no code here.
  type Gates = Record<string, (c: Candidate) => Promise<GateResult>>;
  return { llm, local, gates: llm as unknown as Gates, localGates: local as unknown as Gates };
}

export type SynthesisOutcomeKind = 'accepted' | 'rejected' | 'duplicate';
export interface SynthesizeResult {
  keyword: string;
  proposal: Proposal;
  outcome: SynthesisOutcomeKind;
  envId: string | null;
  name: string;
  rounds: number;
  reason: string;
  usage: UsageTotals;
  /** Verifier holes the red team confirmed, over all rounds (0 without a red-team gate). */
  redTeamHoles: number;
}

export async function synthesizeEnvironment(raw: SynthesizeInput): Promise<SynthesizeResult> {
  const input = parseInput(synthesizeInputSchema, raw, 'synthesizeEnvironment');
  const keyword = input.keyword;
  const { llm, local, gates, localGates } = activities(input.retry);
  const withReviseStep = patched(REVISE_STEP_PATCH);
  const gateNames = input.gates ?? (withReviseStep ? DEFAULT_GATES_V2 : DEFAULT_GATES);
  const maxRevisions = input.maxRevisions ?? (withReviseStep ? DEFAULT_MAX_REVISIONS_V2 : DEFAULT_MAX_REVISIONS);
  const proposal = input.proposal ?? {
    name:
      keyword
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'task',
    description: keyword,
  };
  const parentWorkflowId = input.parentWorkflowId ?? workflowInfo().parent?.workflowId ?? null;
  // growLibrary sets these when it starts the child (no upsert events, one visibility write less); a run
  // started from the UI or CLI sets them here.
  if (workflowInfo().typedSearchAttributes.get(RESYN_RUN_KIND) !== 'synthesize') {
    upsertSearchAttributes(synthesizeSearchAttributes(keyword, proposal.name));
    upsertMemo(synthesizeMemo({ keyword, proposal, gates: gateNames, maxRevisions, parentWorkflowId }));
  }

  // Started directly (UI, CLI, a team's code) rather than by growLibrary, whose preflight already did it: every
  // activity name in the input must be registered on this worker, or a typo'd gate retries "activity not
  // registered" for minutes. A local activity: it reads what this worker registered, no server round trip.
  if (!workflowInfo().parent && patched(CHECK_NAMES_PATCH)) {
    try {
      await local.checkInputNames({ fields: { gates: gateNames, blockingGates: input.blockingGates, localGates: input.localGates } });
    } catch (err) {
      if (isCancellation(err)) throw err;
      upsertSearchAttributes([{ key: RESYN_STATUS, value: 'failed' }]);
      throw ApplicationFailure.create({
        type: Failure.InvalidInput,
        nonRetryable: true,
        message: `invalid synthesizeEnvironment input: ${rootMessage(err)}`,
        cause: err as Error,
      });
    }
  }

  let usage: UsageTotals = zeroUsage();
  let source: string | null = null;
  let feedback = '';
  const history: RoundVerdicts[] = [];
  let redTeamHoles = 0;
  // Lineage: the id of the round whose code the current source revised.
  let lastEnvId: string | null = null;
  let parentId: string | null = null;

  /** The first draft, or a fresh one after a reply with no code. */
  const generate = (round: number): Promise<DraftResult> =>
    llm.writeEnvironment({ keyword, proposal, round, previousSource: source, feedback });

  /** A revision of the last code from every round's verdicts (before the patch: the last round's feedback only). */
  const revise = (round: number, code: string): Promise<DraftResult> =>
    withReviseStep
      ? llm.reviseEnvironment({ keyword, proposal, round, source: code, history })
      : llm.writeEnvironment({ keyword, proposal, round, previousSource: code, feedback });

  /** The gates in order; a reject, or a failing blocking gate, ends the round early. */
  const runGates = async (code: string, round: number): Promise<GateResult[]> => {
    const results: GateResult[] = [];
    for (const gate of gateNames) {
      const earlier = results.map(({ usage: _u, ...g }) => g);
      const candidate: Candidate = { source: code, keyword, proposal, round, ...(withReviseStep ? { earlier } : {}) };
      const r = await (input.localGates.includes(gate) ? localGates : gates)[gate]!(candidate);
      usage = addUsage(usage, r.usage);
      results.push(r);
      if (r.verdict === 'reject' || (r.verdict !== 'pass' && input.blockingGates.includes(gate))) break;
    }
    return results;
  };

  type RoundRow = Parameters<ResynActivities['recordSynthesisRound']>[0];
  const register = async (
    status: 'accepted' | 'rejected',
    rounds: number,
    reason: string,
    scores: Record<string, number>,
    roundRow: RoundRow,
  ) => {
    const reg = await local.registerEnvironment({
      keyword,
      proposal,
      source,
      status,
      rounds,
      parentId,
      scores,
      reason,
      parentWorkflowId,
      round: roundRow,
    });
    upsertSearchAttributes([
      { key: RESYN_STATUS, value: status === 'accepted' ? reg.outcome : 'rejected' },
      { key: RESYN_ENV_NAME, value: reg.name },
    ]);
    return reg;
  };

  for (let round = 0; round <= maxRevisions; round++) {
    const rounds = round + 1;
    const w: DraftResult = round === 0 || source === null ? await generate(round) : await revise(round, source);
    usage = addUsage(usage, w.usage);
    let results: GateResult[];
    if (w.source === null) {
      // No code in the reply: the round fails with that as feedback; the previous code (if any) is revised again.
      results = [{ gate: 'write', verdict: 'revise', feedback: w.error ?? 'no code' }];
    } else {
      source = w.source;
      parentId = lastEnvId;
      results = await runGates(source, round);
    }
    const passed = w.source !== null && results.length === gateNames.length && results.every((r) => r.verdict === 'pass');
    for (const r of results) redTeamHoles += r.holes ?? 0;
    feedback = results
      .filter((r) => r.verdict !== 'pass')
      .map((r) => `[${r.gate}: ${r.verdict}] ${r.feedback}`)
      .join('\n\n');
    history.push({
      round,
      gates: results.map(({ gate, verdict, feedback, scores }) => ({ gate, verdict, feedback, ...(scores ? { scores } : {}) })),
    });
    const scores: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.scores ?? {})) scores[`${r.gate}.${k}`] = v;
    const roundRow = { round, keyword, proposal, source: w.source, gates: results.map(({ usage: _u, ...g }) => g), feedback };
    const result = { keyword, proposal, rounds, usage, redTeamHoles };
    if (passed) {
      // The last round's row is written by registerEnvironment itself (one activity less per environment).
      const reg = await register('accepted', rounds, `accepted after ${rounds} round(s)`, scores, roundRow);
      return {
        ...result,
        outcome: reg.outcome === 'duplicate' ? 'duplicate' : 'accepted',
        envId: reg.envId,
        name: reg.name,
        reason: reg.duplicateOf ? `near-duplicate of ${reg.duplicateOf.name}` : `accepted after ${rounds} round(s)`,
      };
    }
    if (round === maxRevisions) {
      const reason = `rejected after ${rounds} round(s): ${feedback.slice(0, 500)}`;
      const reg = await register('rejected', rounds, reason, scores, roundRow);
      return { ...result, outcome: 'rejected', envId: reg.envId, name: reg.name, reason };
    }
    // Between rounds only: the UI shows how a long revision is going (the outcome is the result and the status attribute).
    upsertMemo({ rounds, lastFeedback: feedback.slice(0, 2000) });
    const envId: string | null = await local.recordSynthesisRound(roundRow);
    if (envId) lastEnvId = envId;
  }
  throw new Error('unreachable: the last round always registers');
}
