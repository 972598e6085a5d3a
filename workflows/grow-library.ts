/**
 * growLibrary: keywords -> task proposals -> one synthesizeEnvironment child per proposal, with
 * bounded concurrency, a token/cost budget, an accepted-count target, pause/resume/cancel, a
 * `progress` query, and continue-as-new (state carried) before the history grows too long.
 * Child ids are deterministic (<grow id>/<keyword slug>/<proposal index>), so a continued or
 * restarted run never redoes a finished child.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ResynActivities } from '../activities';
import { RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';
import { synthesisChildId } from '../contracts/child-ids';
import { Failure } from '../contracts/failures';
import { growInputSchema, initialGrowState, type GrowInput, type GrowState } from '../contracts/grow-input';
import { DEFAULT_GATES, retrySchema } from '../contracts/synthesis-input';
import { totalTokens } from '../contracts/usage';
import { synthesizeMemo, synthesizeSearchAttributes } from './synthesis-meta';
import { parseInput } from './parse-input';
import { synthesizeEnvironment } from './synthesize-environment';

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
}

/** The root cause's message (activity and child failures wrap it). */
function errorMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  return String(e?.message ?? err);
}

export const progressQuery = defineQuery<GrowProgress>('progress');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const cancelSignal = defineSignal('cancel');
/** The same controls as an update that returns the progress after the change. */
export const controlUpdate = defineUpdate<GrowProgress, ['pause' | 'resume' | 'cancel']>('control');

export async function growLibrary(raw: GrowInput): Promise<GrowProgress> {
  const input = parseInput(growInputSchema, raw, 'growLibrary');
  const growId = workflowInfo().workflowId;
  const r = retrySchema.parse(input.retry ?? {});
  const acts = proxyActivities<ResynActivities>({
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '15 seconds',
    retry: {
      initialInterval: r.initialIntervalMs,
      backoffCoefficient: r.backoffCoefficient,
      maximumInterval: r.maximumIntervalMs,
      maximumAttempts: r.maximumAttempts,
    },
  });
  const fresh = !input.state;
  const s: GrowState = input.state ?? initialGrowState();
  let inFlight = 0;
  let totalKeywords = 0;
  let status: GrowStatus = s.paused ? 'paused' : 'running';
  let tick = 0;
  const bump = () => {
    tick++;
  };

  const progress = (): GrowProgress => ({
    done: s.done,
    accepted: s.accepted,
    rejected: s.rejected,
    duplicates: s.duplicates,
    failed: s.failed,
    inFlight,
    pending: s.pendingKeywords.length + s.tasks.length,
    keywords: totalKeywords,
    tokens: s.tokens,
    costUsd: s.costUsd,
    paused: s.paused,
    status,
    lastError: s.lastError,
    continuedAsNew: s.continuedAsNew,
  });
  const control = (a: 'pause' | 'resume' | 'cancel') => {
    if (a === 'pause') s.paused = true;
    else if (a === 'resume') s.paused = false;
    else s.cancelRequested = true;
    bump();
  };
  setHandler(progressQuery, progress);
  setHandler(pauseSignal, () => control('pause'));
  setHandler(resumeSignal, () => control('resume'));
  setHandler(cancelSignal, () => control('cancel'));
  setHandler(
    controlUpdate,
    (a) => {
      control(a);
      return progress();
    },
    {
      validator: (a) => {
        if (!['pause', 'resume', 'cancel'].includes(a)) throw new Error(`control: expected pause, resume or cancel, got ${String(a)}`);
      },
    },
  );

  const setStatus = (st: GrowStatus) => {
    if (st === status) return;
    status = st;
    upsertSearchAttributes([{ key: RESYN_STATUS, value: st }]);
  };
  upsertSearchAttributes([
    { key: RESYN_RUN_KIND, value: 'grow' },
    { key: RESYN_STATUS, value: status },
  ]);

  if (fresh) {
    // Keywords this run (same workflow id, e.g. restarted after a failure) or, for `count`, any run already tried are skipped.
    s.pendingKeywords = input.keywords
      ? await acts.keywordsToDo({ keywords: [...new Set(input.keywords)], growId })
      : await acts.keywordsToDo({ count: input.count!, growId });
  }
  totalKeywords = s.done + s.pendingKeywords.length + Object.keys(s.outstanding).length;

  const budgetSpent = () =>
    (input.budget.maxTokens !== undefined && s.tokens >= input.budget.maxTokens) ||
    (input.budget.maxCostUsd !== undefined && s.costUsd >= input.budget.maxCostUsd);
  const targetReached = () => input.target !== undefined && s.accepted >= input.target;
  const tooManyFailures = () => s.consecutiveFailures >= input.maxConsecutiveFailures;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > input.historyLimit;
  /** Why no new job may start (null: jobs may start). */
  const halt = (): GrowStatus | 'continue-as-new' | null => {
    if (s.cancelRequested) return 'cancelled';
    if (tooManyFailures()) return 'failed';
    if (budgetSpent()) return 'budget-exhausted';
    if (targetReached()) return 'target-reached';
    if (historyFull()) return 'continue-as-new';
    return null;
  };
  const finishChild = (keyword: string) => {
    s.outstanding[keyword] = (s.outstanding[keyword] ?? 1) - 1;
    if (s.outstanding[keyword]! <= 0) {
      delete s.outstanding[keyword];
      s.done++;
    }
  };

  const runProposal = async (keyword: string) => {
    try {
      const r = await acts.proposeTasks({ keyword, count: input.proposalsPerKeyword });
      s.tokens += totalTokens(r.usage);
      s.costUsd += r.usage.costUsd;
      s.outstanding[keyword] = r.proposals.length;
      r.proposals.forEach((proposal, index) => s.tasks.push({ keyword, index, proposal }));
      s.consecutiveFailures = 0;
    } catch (err) {
      if (isCancellation(err)) throw err;
      s.failed++;
      s.done++;
      s.consecutiveFailures++;
      s.lastError = `${keyword}: ${errorMessage(err)}`;
    }
  };

  const runChild = async (t: GrowState['tasks'][number]) => {
    const workflowId = synthesisChildId(growId, t.keyword, t.index);
    try {
      const r = await executeChild(synthesizeEnvironment, {
        workflowId,
        args: [
          {
            keyword: t.keyword,
            proposal: t.proposal,
            gates: input.gates,
            blockingGates: input.blockingGates,
            localGates: input.localGates,
            maxRevisions: input.maxRevisions,
            parentWorkflowId: growId,
            retry: input.retry,
          },
        ],
        // Set at start rather than upserted by the child: fewer history events and visibility writes per environment.
        typedSearchAttributes: synthesizeSearchAttributes(t.keyword, t.proposal.name),
        memo: synthesizeMemo({
          keyword: t.keyword,
          proposal: t.proposal,
          gates: input.gates ?? DEFAULT_GATES,
          maxRevisions: input.maxRevisions ?? 1,
          parentWorkflowId: growId,
        }),
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      s.tokens += totalTokens(r.usage);
      s.costUsd += r.usage.costUsd;
      if (r.outcome === 'accepted') s.accepted++;
      else if (r.outcome === 'duplicate') s.duplicates++;
      else s.rejected++;
      s.consecutiveFailures = 0;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        // Finished by an earlier run with this grow id: its outcome is in the registry already.
        const o = await acts.synthesisOutcome({ workflowId });
        if (o === 'accepted') s.accepted++;
        else if (o === 'duplicate') s.duplicates++;
        else if (o === 'rejected') s.rejected++;
        else s.failed++;
      } else if (isCancellation(err)) {
        throw err;
      } else {
        s.failed++;
        s.consecutiveFailures++;
        s.lastError = `${t.keyword}#${t.index}: ${errorMessage(err)}`;
      }
    }
    finishChild(t.keyword);
  };

  const start = (job: () => Promise<void>) => {
    inFlight++;
    void job().then(
      () => {
        inFlight--;
        bump();
      },
      (err) => {
        inFlight--;
        fatal = fatal ?? err;
        bump();
      },
    );
  };
  let fatal: unknown;

  for (;;) {
    if (fatal) throw fatal;
    const h = halt();
    if (!h && !s.paused) {
      // Finish keywords already begun before proposing new ones.
      while (inFlight < input.concurrency && s.tasks.length) start(() => runChild(s.tasks.shift()!));
      while (inFlight < input.concurrency && s.pendingKeywords.length) {
        const kw = s.pendingKeywords.shift()!;
        start(() => runProposal(kw));
      }
    }
    const noWork = s.tasks.length === 0 && s.pendingKeywords.length === 0;
    if (inFlight === 0 && (h || noWork)) {
      if (h === 'continue-as-new' && !noWork) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof growLibrary>({ ...raw, state: { ...s, continuedAsNew: s.continuedAsNew + 1 } });
      }
      setStatus(noWork ? 'completed' : (h as GrowStatus));
      break;
    }
    setStatus(h && h !== 'continue-as-new' ? 'stopping' : s.paused ? 'paused' : 'running');
    const seen = tick;
    await condition(() => tick !== seen);
  }
  await condition(allHandlersFinished);
  if ((status as GrowStatus) === 'failed') {
    throw ApplicationFailure.nonRetryable(
      `growLibrary stopped after ${s.consecutiveFailures} failures in a row; last: ${s.lastError}`,
      Failure.GrowFailed,
      progress(),
    );
  }
  return progress();
}
