/**
 * Operations activities: inspecting an old run so resumeRun can restart it, and writing the
 * Markdown report of a growLibrary run. They reach Temporal through the worker's own client
 * (Context.current().client), so they need no address of their own.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, arrayFromPayloads, defaultPayloadConverter } from '@temporalio/common';
import { createLogger } from '../lib/logger';
import { loadKeywords } from '../lib/seeds';
import { openRegistry } from '../registry/open';
import { writeGrowReport } from '../reports/grow-report';
import { sharedPool } from '../sandbox';
import { dataPaths, type ResynConfig } from '../temporal.config';
import { synthesisChildId } from '../contracts/child-ids';
import { Failure } from '../contracts/failures';
import type { GrowInput } from '../contracts/grow-input';
import { budgetSpent } from '../contracts/grow-rules';
import { RESYN_STATUS } from '../lib/search-attributes';
import { growHistoryFacts, rebuildGrowState } from './grow-resume';

/** Workflow types resumeRun knows how to restart: both are idempotent by workflow id / registry / shard markers. */
export const RESUMABLE_TYPES = ['growLibrary', 'sampleTrainingData'] as const;
/** Closed statuses a run can be resumed from. */
export const RESUMABLE_STATUSES = ['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'] as const;

export interface RunInfo {
  workflowId: string;
  runId: string;
  type: string;
  /** Temporal's status name: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW. */
  status: string;
  taskQueue: string;
  /** The run's start arguments (for a continued-as-new chain: the latest run's, which carry its progress). */
  args: unknown[];
  memo: Record<string, unknown>;
  /** The run's ResynStatus search attribute (growLibrary: completed, budget-exhausted, failed...), when set. */
  resynStatus: string | null;
  startTime: string;
  closeTime: string | null;
}

/** Describes a run and reads its start arguments (first history event; default data converter). */
export async function inspectRun(client: Client, workflowId: string, runId?: string): Promise<RunInfo> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const d = await handle.describe();
  const hist = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId: d.runId },
    maximumPageSize: 1,
  });
  const started = hist.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const args = arrayFromPayloads(defaultPayloadConverter, started?.input?.payloads ?? []);
  return {
    workflowId,
    runId: d.runId,
    type: d.type,
    status: d.status.name,
    taskQueue: d.taskQueue,
    args,
    memo: (d.memo ?? {}) as Record<string, unknown>,
    resynStatus: d.typedSearchAttributes.get(RESYN_STATUS) ?? null,
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime?.toISOString() ?? null,
  };
}

type Budget = { maxTokens?: number; maxCostUsd?: number };
const hasBudget = (b: Budget | undefined): boolean => !!(b?.maxTokens || b?.maxCostUsd);

/** Why a run cannot be resumed (null when it can). Messages say what to do instead. */
export function resumeRefusal(info: RunInfo, opts: { budget?: Budget } = {}): string | null {
  if (!(RESUMABLE_TYPES as readonly string[]).includes(info.type)) {
    return `run ${info.workflowId} is a ${info.type} workflow; resume restarts only ${RESUMABLE_TYPES.join(' or ')} runs`;
  }
  if (info.status === 'RUNNING')
    return `run ${info.workflowId} (${info.runId}) is still running: nothing to resume (watch it with \`resyn status ${info.workflowId}\`)`;
  if (info.status === 'COMPLETED' && info.type === 'growLibrary' && info.resynStatus === 'budget-exhausted') {
    if (hasBudget(opts.budget)) return null;
    return `run ${info.workflowId} stopped at its budget: resume it with a larger one (\`resyn resume ${info.workflowId} --budget-tokens N\` or --budget-usd X, a new total)`;
  }
  if (info.status === 'COMPLETED') return `run ${info.workflowId} (${info.runId}) completed: nothing to resume (start a new run instead)`;
  if (info.status === 'CONTINUED_AS_NEW')
    return `run ${info.runId} of ${info.workflowId} continued as new: resume the latest run (omit the run id)`;
  if (!(RESUMABLE_STATUSES as readonly string[]).includes(info.status))
    return `run ${info.workflowId} has status ${info.status}, which resume does not handle`;
  return null;
}

const isNotFound = (err: unknown): boolean => (err as Error)?.name === 'WorkflowNotFoundError';

/**
 * Children of the old run may still be closing (a terminated parent asks them to cancel): the
 * new run must not meet one still running under the same id, or it would count it as lost.
 * Waits up to a minute, then fails (retryably: the activity is retried).
 */
async function waitForChildrenClosed(client: Client, growId: string, childIds: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const id of childIds) {
    for (;;) {
      let status: string;
      try {
        status = (await client.workflow.getHandle(id).describe()).status.name;
      } catch (err) {
        if (isNotFound(err)) break;
        throw err;
      }
      if (status !== 'RUNNING') break;
      if (Date.now() > deadline)
        throw ApplicationFailure.retryable(
          `child ${id} of ${growId} is still running; waiting for it to close before resuming`,
          Failure.ChildStillRunning,
        );
      Context.current().heartbeat(id);
      await Context.current().sleep(1000);
    }
  }
}

export function opsActivities(cfg: ResynConfig) {
  const log = createLogger({ component: 'ops' });
  const ctxLog = () => {
    const i = Context.current().info;
    return log.child({ workflowId: i.workflowExecution?.workflowId, runId: i.workflowExecution?.runId, activity: i.activityType });
  };
  return {
    /**
     * The old run resumeRun restarts: its type, task queue and start arguments. Fails
     * non-retryably (no point retrying) when the run is unknown, still running, completed or of
     * a type resume does not handle.
     */
    async inspectRunForResume(input: { workflowId: string; runId?: string; budget?: Budget }): Promise<RunInfo> {
      let info: RunInfo;
      try {
        info = await inspectRun(Context.current().client, input.workflowId, input.runId);
      } catch (err) {
        if (isNotFound(err))
          throw ApplicationFailure.nonRetryable(
            `no workflow run ${input.workflowId}${input.runId ? ` (run ${input.runId})` : ''} in namespace ${cfg.temporal.namespace}`,
            Failure.RunNotFound,
          );
        throw err;
      }
      const refusal = resumeRefusal(info, input);
      if (refusal) throw ApplicationFailure.nonRetryable(refusal, Failure.NotResumable);
      let rebuilt: unknown;
      if (info.type === 'growLibrary') {
        const oldInput = info.args[0] as GrowInput;
        // A new total budget replaces the old one (the spend so far still counts against it).
        const budget = hasBudget(input.budget) ? { ...oldInput.budget, ...input.budget } : oldInput.budget;
        // Start from what the old run and the registry hold (proposals made, children finished), not from scratch.
        const plan = await rebuildGrowState(
          await openRegistry(cfg),
          info.workflowId,
          { ...oldInput, budget },
          await growHistoryFacts(Context.current().client, info.workflowId, info.runId),
        );
        if (hasBudget(input.budget) && plan.input.state && budgetSpent(plan.input.state, budget ?? {}))
          throw ApplicationFailure.nonRetryable(
            `run ${info.workflowId} already spent ${plan.input.state.tokens} tokens ($${plan.input.state.costUsd.toFixed(4)}): ` +
              `the new budget ${JSON.stringify(input.budget)} must be larger (it is a new total)`,
            Failure.NotResumable,
          );
        info = { ...info, args: [plan.input, ...info.args.slice(1)] };
        rebuilt = plan.summary;
        await waitForChildrenClosed(
          Context.current().client,
          info.workflowId,
          (plan.input.state?.tasks ?? []).map((t) => synthesisChildId(info.workflowId, t.keyword, t.index)),
        );
      }
      ctxLog().info('resuming run', {
        resumedWorkflowId: info.workflowId,
        resumedRunId: info.runId,
        type: info.type,
        status: info.status,
        rebuilt,
      });
      return info;
    },

    /**
     * Up to `count` keywords never tried in this registry (no synthesis run, no environment), from
     * `pool` when given, else from the seed keywords (seeds/keywords.json), in their order.
     */
    async freshKeywords(input: { count: number; pool?: string[] }): Promise<string[]> {
      let pool = input.pool;
      if (!pool) {
        try {
          pool = loadKeywords().map((k) => k.keyword);
        } catch (err) {
          // A missing or broken keywords file does not mend itself: fail at once, saying which file.
          throw ApplicationFailure.nonRetryable(`cannot draw fresh keywords: ${(err as Error).message}`, Failure.SeedKeywordsUnreadable);
        }
      }
      const tried = await (await openRegistry(cfg)).triedKeywords();
      return [...new Set(pool)].filter((k) => !tried.has(k)).slice(0, input.count);
    },

    /** Writes <dataDir>/reports/<workflowId>.md for a growLibrary run from the registry. */
    async writeRunReport(input: {
      workflowId: string;
      status?: string;
      progress?: unknown;
    }): Promise<{ file: string; attempted: number; accepted: number }> {
      const { file, report } = await writeGrowReport(await openRegistry(cfg), dataPaths(cfg).reports, input.workflowId, {
        status: input.status,
        progress: input.progress,
        pool: sharedPool(cfg.sandbox),
        policyModel: cfg.llm.policy.model,
      });
      ctxLog().info('wrote run report', { report: file, attempted: report.attempted, accepted: report.accepted });
      return { file, attempted: report.attempted, accepted: report.accepted };
    },
  };
}
