/**
 * LLM activities: proposing tasks for a keyword and writing/revising an environment. The Temporal
 * side of llm/: usage recorded per attempt, LlmError -> ApplicationFailure (retryable with the
 * server's Retry-After as nextRetryDelay, or non-retryable naming role, endpoint and model), and
 * contract-breaking replies returned as feedback instead of failing.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context, type Info } from '@temporalio/activity';
import { chat, costUsd, LlmError, type ChatMessage, type RoleName } from '../llm/client';
import { llmFailureType } from '../contracts/failures';
import type { Proposal } from '../contracts/proposal';
import { SYNTHESIS_STAGES, stageOf } from '../contracts/stages';
import { addUsage, zeroUsage, type UsageTotals } from '../contracts/usage';
import type { DraftResult, ReviseInput } from '../contracts/revision';
import { resynMetrics } from '../lib/metrics';
import { formatHistory } from '../llm/evidence';
import { extractCode, kebab, parseProposals } from '../llm/parse';
import { fewShotExamples, formatExamples, keywordFamily, renderPrompt } from '../llm/prompts';
import { openRegistry } from '../registry/open';
import type { ResynConfig } from '../temporal.config';
import { heartbeating } from './heartbeat';

/**
 * An LLM error as the Temporal failure every activity throws for it: `LlmError.<kind>`,
 * non-retryable when the call cannot succeed (bad key, bad request), else retryable with the
 * server's Retry-After as the next retry delay.
 */
export function llmFailure(err: LlmError): ApplicationFailure {
  const type = llmFailureType(err.kind);
  if (!err.retryable) return ApplicationFailure.create({ type, message: err.message, nonRetryable: true });
  return ApplicationFailure.create({
    type,
    message: err.message,
    ...(err.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(100, err.retryAfterMs) } : {}),
  });
}

/** The key prefix of every LLM call one activity makes, over all its attempts (activity ids are unique in a workflow run). */
export const activityCallsKey = (info: Info): string =>
  `${info.workflowExecution?.workflowId ?? null}/${info.workflowExecution?.runId}/${info.activityId}/`;

export interface CallOptions {
  /** Which of an activity's calls this is (readable keys). */
  seq?: number;
  /** Default: the activity's stage (contracts/stages.ts). */
  stage?: string;
  /** Another model than the role's (e.g. calibration against a named policy model). */
  model?: string;
}

/**
 * One chat call from inside an activity: records usage, maps errors to Temporal failures.
 *
 * Usage is what the provider billed: every reply that came back is recorded (under its stage, the
 * activity's by default) before anything else can fail, with a key of its own: a retried attempt's
 * new reply is counted again (it was billed again), while the same reply written twice is counted once.
 */
export async function callRole(
  cfg: ResynConfig,
  role: RoleName,
  messages: ChatMessage[],
  keyword: string | null,
  opts: CallOptions = {},
): Promise<{ content: string; usage: UsageTotals }> {
  const info = Context.current().info;
  const workflowId = info.workflowExecution?.workflowId ?? null;
  const stage = opts.stage ?? stageOf(info.activityType);
  const seq = opts.seq ?? 0;
  try {
    const res = await heartbeating(() =>
      chat({ ...cfg.llm[role], ...(opts.model ? { model: opts.model } : {}), name: role }, messages, {
        timeoutMs: cfg.llm.requestTimeoutMs,
        signal: Context.current().cancellationSignal,
      }),
    );
    const cost = costUsd(res.usage, cfg.llm);
    await (await openRegistry(cfg)).recordLlmCall({
      // The attempt does not tell replies apart (a local activity re-run after a lost workflow task starts again at
      // attempt 1): a random part per reply does.
      key: `${activityCallsKey(info)}${info.attempt}/${seq}/${randomUUID()}`,
      role,
      stage,
      model: res.model,
      workflowId,
      keyword,
      promptTokens: res.usage.promptTokens,
      completionTokens: res.usage.completionTokens,
      costUsd: cost,
      ok: true,
    });
    const m = resynMetrics();
    m.llmCalls.inc({ role, stage });
    m.llmTokens.inc({ role, stage, kind: 'prompt' }, res.usage.promptTokens);
    m.llmTokens.inc({ role, stage, kind: 'completion' }, res.usage.completionTokens);
    m.llmCost.inc({ role, stage }, cost);
    return { content: res.content, usage: { ...res.usage, costUsd: cost, calls: 1 } };
  } catch (err) {
    if (!(err instanceof LlmError)) throw err;
    resynMetrics().llmErrors.inc({ role, stage, kind: err.kind });
    throw llmFailure(err);
  }
}

const familyOf = keywordFamily;

const taskVars = (i: { keyword: string; proposal: Proposal }) => ({
  keyword: i.keyword,
  proposal_name: i.proposal.name,
  proposal_description: i.proposal.description,
});

/** The code of a generator/reviser reply, or why there is none. */
function draft(r: { content: string; usage: UsageTotals }): DraftResult {
  const code = extractCode(r.content);
  return code.ok ? { source: code.value, usage: r.usage } : { source: null, error: code.error, usage: r.usage };
}

/** Bounded re-asks when a reply breaks the JSON contract, before falling back. */
export const CONTRACT_RETRIES = 2;

export function llmActivities(cfg: ResynConfig) {
  return {
    /**
     * The paper's proposal step: `count` distinct tasks for a keyword. A reply that is not a usable
     * JSON list is re-asked a bounded number of times; then the keyword itself is the one task.
     */
    async proposeTasks(input: { keyword: string; count: number }): Promise<{ proposals: Proposal[]; usage: UsageTotals; note?: string }> {
      const family = familyOf(input.keyword);
      const messages = renderPrompt('propose', { keyword: input.keyword, family: family ?? 'any', count: input.count }, cfg);
      let usage = zeroUsage();
      let error = '';
      for (let i = 0; i <= CONTRACT_RETRIES; i++) {
        const r = await callRole(cfg, 'generator', messages, input.keyword, { seq: i });
        usage = addUsage(usage, r.usage);
        const p = parseProposals(r.content, input.count);
        if (p.ok) return { proposals: p.value, usage };
        error = p.error;
      }
      const note = `proposal reply unusable after ${CONTRACT_RETRIES + 1} calls (${error}); using the keyword as the one task instead of ${input.count}`;
      // Not silent: the run counts it (progress.proposalFallbacks) and the worker log says why.
      Context.current().log.warn(note, { keyword: input.keyword });
      return {
        proposals: [{ name: kebab(input.keyword) || 'task', description: input.keyword }],
        usage,
        note,
      };
    },

    /**
     * The generator writes the environment (few-shot with seed environments); after a round whose
     * reply had no code, `feedback` says why. (Histories from before the named revise step also
     * revise through here: round > 0 with previousSource.) No code block -> source null and the
     * reason as feedback for the next round.
     */
    async writeEnvironment(input: {
      keyword: string;
      proposal: Proposal;
      round: number;
      previousSource?: string | null;
      feedback?: string;
    }): Promise<DraftResult> {
      if (input.round > 0 && input.previousSource) {
        const history = [{ round: input.round - 1, gates: [{ gate: 'review', verdict: 'revise', feedback: input.feedback || '(none)' }] }];
        return revise({ ...input, source: input.previousSource, history });
      }
      const messages = renderPrompt(
        'generate',
        { ...taskVars(input), examples: formatExamples(fewShotExamples(input.keyword, familyOf(input.keyword))) },
        cfg,
      );
      if (input.feedback) messages.push({ role: 'user', content: `Your previous attempt failed: ${input.feedback}` });
      return draft(await callRole(cfg, 'generator', messages, input.keyword));
    },

    /**
     * The named revise step: the reviser rewrites the code from every earlier round's verdicts
     * (with the failing states and answers the checks and the red team report) and the real limits.
     */
    async reviseEnvironment(input: ReviseInput): Promise<DraftResult> {
      return revise(input);
    },
  };

  async function revise(input: ReviseInput): Promise<DraftResult> {
    const messages = renderPrompt(
      'revise',
      { ...taskVars(input), round: input.round, source: input.source.trim(), history: formatHistory(input.history) },
      cfg,
    );
    // Also reached from writeEnvironment when an old history revises through it: still the revise stage.
    return draft(await callRole(cfg, 'reviser', messages, input.keyword, { stage: SYNTHESIS_STAGES.reviseEnvironment }));
  }
}
