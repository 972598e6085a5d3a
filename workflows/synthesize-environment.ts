/**
 * synthesizeEnvironment: one task proposal -> environment. Write -> gates (in the order given) ->
 * revise with the combined feedback, up to maxRevisions rounds -> register (or record the
 * rejection). Every round is kept in the registry. Deterministic: all work is in activities.
 */
import { proxyActivities, proxyLocalActivities, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ResynActivities } from '../activities';
import type { GateResult } from '../contracts/gates';
import type { Proposal } from '../contracts/proposal';
import { addUsage, zeroUsage, type UsageTotals } from '../contracts/usage';
import { RESYN_ENV_NAME, RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';
import { synthesizeInputSchema, type RetryInput, type SynthesizeInput } from '../contracts/synthesis-input';
import { synthesizeMemo, synthesizeSearchAttributes } from './synthesis-meta';
import { parseInput } from './parse-input';

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
  type Gates = Record<string, (c: unknown) => Promise<GateResult>>;
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
}

export async function synthesizeEnvironment(raw: SynthesizeInput): Promise<SynthesizeResult> {
  const input = parseInput(synthesizeInputSchema, raw, 'synthesizeEnvironment');
  const keyword = input.keyword;
  const { llm, local, gates, localGates } = activities(input.retry);
  const proposal = input.proposal ?? {
    name:
      keyword
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'task',
    description: keyword,
  };
  // growLibrary sets these when it starts the child (no upsert events, one visibility write less); a run
  // started from the UI or CLI sets them here.
  if (workflowInfo().typedSearchAttributes.get(RESYN_RUN_KIND) !== 'synthesize') {
    upsertSearchAttributes(synthesizeSearchAttributes(keyword, proposal.name));
    upsertMemo(
      synthesizeMemo({
        keyword,
        proposal,
        gates: input.gates,
        maxRevisions: input.maxRevisions,
        parentWorkflowId: input.parentWorkflowId ?? workflowInfo().parent?.workflowId ?? null,
      }),
    );
  }

  let usage: UsageTotals = zeroUsage();
  let source: string | null = null;
  let feedback = '';
  // Lineage: the id of the round whose code the current source revised.
  let lastEnvId: string | null = null;
  let parentId: string | null = null;
  let scores: Record<string, number> = {};
  let rounds = 0;

  for (let round = 0; round <= input.maxRevisions; round++) {
    rounds = round + 1;
    const w: { source: string | null; error?: string; usage: UsageTotals } = await llm.writeEnvironment({
      keyword,
      proposal,
      round,
      previousSource: source,
      feedback,
    });
    usage = addUsage(usage, w.usage);
    const results: GateResult[] = [];
    if (w.source === null) {
      // No code in the reply: the round fails with that as feedback; the previous code (if any) is revised again.
      results.push({ gate: 'write', verdict: 'revise', feedback: w.error ?? 'no code' });
    } else {
      source = w.source;
      parentId = lastEnvId;
      const candidate = { source, keyword, proposal, round };
      for (const gate of input.gates) {
        const r = await (input.localGates.includes(gate) ? localGates : gates)[gate]!(candidate);
        usage = addUsage(usage, r.usage);
        results.push(r);
        if (r.verdict === 'reject' || (r.verdict !== 'pass' && input.blockingGates.includes(gate))) break;
      }
    }
    const passed = w.source !== null && results.length === input.gates.length && results.every((r) => r.verdict === 'pass');
    feedback = results
      .filter((r) => r.verdict !== 'pass')
      .map((r) => `[${r.gate}: ${r.verdict}] ${r.feedback}`)
      .join('\n\n');
    scores = {};
    for (const r of results) for (const [k, v] of Object.entries(r.scores ?? {})) scores[`${r.gate}.${k}`] = v;
    const roundRow = { round, keyword, proposal, source: w.source, gates: results.map(({ usage: _u, ...g }) => g), feedback };
    const parentWorkflowId = input.parentWorkflowId ?? workflowInfo().parent?.workflowId ?? null;
    if (passed) {
      // The last round's row is written by registerEnvironment itself (one activity less per environment).
      const reg = await local.registerEnvironment({
        keyword,
        proposal,
        source,
        status: 'accepted',
        rounds,
        parentId,
        scores,
        reason: `accepted after ${rounds} round(s)`,
        parentWorkflowId,
        round: roundRow,
      });
      upsertSearchAttributes([
        { key: RESYN_STATUS, value: reg.outcome },
        { key: RESYN_ENV_NAME, value: reg.name },
      ]);
      return {
        keyword,
        proposal,
        outcome: reg.outcome === 'duplicate' ? 'duplicate' : 'accepted',
        envId: reg.envId,
        name: reg.name,
        rounds,
        reason: reg.duplicateOf ? `near-duplicate of ${reg.duplicateOf.name}` : `accepted after ${rounds} round(s)`,
        usage,
      };
    }
    if (round === input.maxRevisions) {
      const reason = `rejected after ${rounds} round(s): ${feedback.slice(0, 500)}`;
      const reg = await local.registerEnvironment({
        keyword,
        proposal,
        source,
        status: 'rejected',
        rounds,
        parentId,
        scores,
        reason,
        parentWorkflowId,
        round: roundRow,
      });
      upsertSearchAttributes([
        { key: RESYN_STATUS, value: 'rejected' },
        { key: RESYN_ENV_NAME, value: reg.name },
      ]);
      return { keyword, proposal, outcome: 'rejected', envId: reg.envId, name: reg.name, rounds, reason, usage };
    }
    // Between rounds only: the UI shows how a long revision is going (the outcome is the result and the status attribute).
    upsertMemo({ rounds, lastFeedback: feedback.slice(0, 2000) });
    const envId: string | null = await local.recordSynthesisRound(roundRow);
    if (envId) lastEnvId = envId;
  }
  throw new Error('unreachable: the last round always registers');
}
