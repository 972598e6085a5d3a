/**
 * synthesizeEnvironment: one task proposal -> environment. Write -> gates (in the order given) ->
 * revise with the combined feedback, up to maxRevisions rounds -> register (or record the
 * rejection). Every round is kept in the registry. Deterministic: all work is in activities.
 */
import { proxyActivities, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ResynActivities } from '../activities';
import type { GateResult } from '../activities/gates';
import type { UsageTotals } from '../activities/llm';
import { RESYN_ENV_NAME, RESYN_KEYWORD, RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';
import { synthesizeInputSchema, type RetryInput, type SynthesizeInput } from './synthesis-input';
import { parseInput } from './parse-input';

function activities(r: RetryInput) {
  const retry = { initialInterval: r.initialIntervalMs!, backoffCoefficient: r.backoffCoefficient!, maximumInterval: r.maximumIntervalMs!, maximumAttempts: r.maximumAttempts! };
  // LLM calls: long, heartbeating (so a dead worker's call is retried within heartbeatTimeout).
  const llm = proxyActivities<ResynActivities>({ startToCloseTimeout: '15 minutes', heartbeatTimeout: '15 seconds', retry });
  const local = proxyActivities<ResynActivities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '15 seconds', retry: { ...retry, maximumAttempts: Math.min(10, retry.maximumAttempts) } });
  // Gates are called by name from the input, so a team's own gate activity needs no code here.
  return { llm, local, gates: llm as unknown as Record<string, (c: unknown) => Promise<GateResult>> };
}

export type SynthesisOutcomeKind = 'accepted' | 'rejected' | 'duplicate';
export interface SynthesizeResult {
  keyword: string;
  proposal: { name: string; description: string };
  outcome: SynthesisOutcomeKind;
  envId: string | null;
  name: string;
  rounds: number;
  reason: string;
  usage: UsageTotals;
}

const add = (a: UsageTotals, b?: UsageTotals): UsageTotals => (b ? {
  promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens,
  costUsd: a.costUsd + b.costUsd, calls: a.calls + b.calls,
} : a);

export async function synthesizeEnvironment(raw: SynthesizeInput): Promise<SynthesizeResult> {
  const input = parseInput(synthesizeInputSchema, raw, 'synthesizeEnvironment');
  const keyword = input.keyword;
  const { llm, local, gates } = activities(input.retry);
  const proposal = input.proposal ?? { name: keyword.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'task', description: keyword };
  upsertSearchAttributes([
    { key: RESYN_RUN_KIND, value: 'synthesize' }, { key: RESYN_KEYWORD, value: keyword },
    { key: RESYN_ENV_NAME, value: proposal.name }, { key: RESYN_STATUS, value: 'running' },
  ]);
  upsertMemo({ keyword, proposal, gates: input.gates, maxRevisions: input.maxRevisions, parentWorkflowId: input.parentWorkflowId ?? workflowInfo().parent?.workflowId ?? null });

  let usage: UsageTotals = { promptTokens: 0, completionTokens: 0, costUsd: 0, calls: 0 };
  let source: string | null = null;
  let feedback = '';
  // Lineage: the id of the round whose code the current source revised.
  let lastEnvId: string | null = null;
  let parentId: string | null = null;
  let scores: Record<string, number> = {};
  let rounds = 0;

  for (let round = 0; round <= input.maxRevisions; round++) {
    rounds = round + 1;
    const w: { source: string | null; error?: string; usage: UsageTotals } = await llm.writeEnvironment({ keyword, proposal, round, previousSource: source, feedback });
    usage = add(usage, w.usage);
    const results: GateResult[] = [];
    if (w.source === null) {
      // No code in the reply: the round fails with that as feedback; the previous code (if any) is revised again.
      results.push({ gate: 'write', verdict: 'revise', feedback: w.error ?? 'no code' });
    } else {
      source = w.source;
      parentId = lastEnvId;
      const candidate = { source, keyword, proposal, round };
      for (const gate of input.gates) {
        const r = await gates[gate]!(candidate);
        usage = add(usage, r.usage);
        results.push(r);
        if (r.verdict === 'reject' || (r.verdict !== 'pass' && input.blockingGates.includes(gate))) break;
      }
    }
    const passed = w.source !== null && results.length === input.gates.length && results.every((r) => r.verdict === 'pass');
    feedback = results.filter((r) => r.verdict !== 'pass').map((r) => `[${r.gate}: ${r.verdict}] ${r.feedback}`).join('\n\n');
    scores = {};
    for (const r of results) for (const [k, v] of Object.entries(r.scores ?? {})) scores[`${r.gate}.${k}`] = v;
    const roundRow = { round, keyword, proposal, source: w.source, gates: results.map(({ usage: _u, ...g }) => g), feedback };
    upsertMemo({ rounds, lastFeedback: feedback.slice(0, 2000) });
    const parentWorkflowId = input.parentWorkflowId ?? workflowInfo().parent?.workflowId ?? null;
    if (passed) {
      // The last round's row is written by registerEnvironment itself (one activity less per environment).
      const reg = await local.registerEnvironment({
        keyword, proposal, source, status: 'accepted', rounds, parentId, scores,
        reason: `accepted after ${rounds} round(s)`, parentWorkflowId, round: roundRow,
      });
      upsertSearchAttributes([{ key: RESYN_STATUS, value: reg.outcome }, { key: RESYN_ENV_NAME, value: reg.name }]);
      upsertMemo({ outcome: reg.outcome, envId: reg.envId, duplicateOf: reg.duplicateOf ?? null });
      return { keyword, proposal, outcome: reg.outcome === 'duplicate' ? 'duplicate' : 'accepted', envId: reg.envId, name: reg.name, rounds, reason: reg.duplicateOf ? `near-duplicate of ${reg.duplicateOf.name}` : `accepted after ${rounds} round(s)`, usage };
    }
    if (round === input.maxRevisions) {
      const reason = `rejected after ${rounds} round(s): ${feedback.slice(0, 500)}`;
      const reg = await local.registerEnvironment({ keyword, proposal, source, status: 'rejected', rounds, parentId, scores, reason, parentWorkflowId, round: roundRow });
      upsertSearchAttributes([{ key: RESYN_STATUS, value: 'rejected' }, { key: RESYN_ENV_NAME, value: reg.name }]);
      upsertMemo({ outcome: 'rejected', envId: reg.envId });
      return { keyword, proposal, outcome: 'rejected', envId: reg.envId, name: reg.name, rounds, reason, usage };
    }
    const envId: string | null = await local.recordSynthesisRound(roundRow);
    if (envId) lastEnvId = envId;
  }
  throw new Error('unreachable: the last round always registers');
}
