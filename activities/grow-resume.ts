/**
 * What a resumed growLibrary run starts from, rebuilt from the old run's history and the
 * registry, so nothing is lost and nothing is paid for twice:
 *
 *   - keywords drawn (keywordsToDo's result) or carried (a continued-as-new run's state);
 *   - proposals already made (proposeTasks results): not asked of the LLM again;
 *   - per proposal, the child's outcome in the registry (synthesis_runs, keyed by the child's
 *     deterministic id): finished ones are counted, the rest (never started, cancelled, failed)
 *     are tasks of the new run;
 *   - tokens and cost spent so far (llm_calls of the run and its children), so the budget holds
 *     across the resume.
 *
 * The result is growLibrary's own `state` input (validated by its schema when the run starts).
 */
import type { Client } from '@temporalio/client';
import { arrayFromPayloads, defaultPayloadConverter } from '@temporalio/common';
import type { Registry } from '../registry/registry';
import { synthesisChildId } from '../contracts/child-ids';
import { initialGrowState, type GrowInput, type GrowState } from '../contracts/grow-input';
import { countOutcome } from '../contracts/grow-rules';
import type { Proposal } from '../contracts/proposal';
const num = (v: unknown): number => Number(String(v ?? 0));

/** Proposal lists and drawn keywords found in one run's history. */
export async function growHistoryFacts(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<{ drawn: string[] | null; proposals: Map<string, Proposal[]> }> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const scheduled = new Map<number, { type: string; input: unknown }>();
  let drawn: string[] | null = null;
  const proposals = new Map<string, Proposal[]>();
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) {
      scheduled.set(num(e.eventId), {
        type: s.activityType?.name ?? '',
        input: arrayFromPayloads(defaultPayloadConverter, s.input?.payloads ?? [])[0],
      });
      continue;
    }
    const c = e.activityTaskCompletedEventAttributes;
    if (!c) continue;
    const a = scheduled.get(num(c.scheduledEventId));
    if (!a) continue;
    const result = arrayFromPayloads(defaultPayloadConverter, c.result?.payloads ?? [])[0] as any;
    if (a.type === 'keywordsToDo' && Array.isArray(result)) drawn = result as string[];
    if (a.type === 'proposeTasks' && Array.isArray(result?.proposals))
      proposals.set((a.input as { keyword: string }).keyword, result.proposals as Proposal[]);
  }
  return { drawn, proposals };
}

export interface GrowResumePlan {
  input: GrowInput;
  summary: { pendingKeywords: number; tasks: number; finished: number; accepted: number };
}

export async function rebuildGrowState(
  reg: Registry,
  growId: string,
  oldInput: GrowInput,
  facts: { drawn: string[] | null; proposals: Map<string, Proposal[]> },
): Promise<GrowResumePlan> {
  const base: GrowState | undefined = oldInput.state as GrowState | undefined;
  // Counts carry over; controls (pause, cancel, failure streak) start afresh.
  const s: GrowState = {
    ...initialGrowState(),
    done: base?.done ?? 0,
    accepted: base?.accepted ?? 0,
    rejected: base?.rejected ?? 0,
    duplicates: base?.duplicates ?? 0,
    failed: base?.failed ?? 0,
    continuedAsNew: base?.continuedAsNew ?? 0,
  };
  // Keywords still to propose: the carried or drawn list, minus those proposed in the old run.
  const keywords = base ? base.pendingKeywords : (facts.drawn ?? [...new Set(oldInput.keywords ?? [])]);
  s.pendingKeywords = keywords.filter((k) => !facts.proposals.has(k));
  // Proposals not yet finished: carried tasks (not started before continue-as-new) plus the old run's proposals.
  const tasks: GrowState['tasks'] = [...(base?.tasks ?? [])];
  for (const [keyword, list] of facts.proposals) list.forEach((proposal, index) => tasks.push({ keyword, index, proposal }));
  const remaining: Record<string, number> = { ...(base?.outstanding ?? {}) };
  for (const [keyword, list] of facts.proposals) remaining[keyword] = list.length;
  let finished = 0;
  for (const t of tasks) {
    const outcome = (await reg.synthesisRunOf(synthesisChildId(growId, t.keyword, t.index)))?.outcome;
    if (!outcome) {
      s.tasks.push(t);
      continue;
    }
    finished++;
    countOutcome(s, outcome);
    remaining[t.keyword] = (remaining[t.keyword] ?? 1) - 1;
  }
  for (const [k, n] of Object.entries(remaining)) {
    if (n > 0) s.outstanding[k] = n;
    else s.done++;
  }
  const spent = await reg.runSpend(growId);
  s.tokens = spent.promptTokens + spent.completionTokens;
  s.costUsd = spent.costUsd;
  const { state: _old, ...rest } = oldInput;
  return {
    input: { ...rest, state: s },
    summary: { pendingKeywords: s.pendingKeywords.length, tasks: s.tasks.length, finished, accepted: s.accepted },
  };
}
