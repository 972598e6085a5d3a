/**
 * growLibrary: keywords -> task proposals -> one synthesizeEnvironment child per proposal, with
 * bounded concurrency, a token/cost budget, an accepted-count target, pause/resume/cancel, a
 * `progress` query, and continue-as-new (state carried) before the history grows too long.
 * Child ids are deterministic (contracts/child-ids.ts), so a continued or restarted run never
 * redoes a finished child. The decisions (what starts next, when to stop, how outcomes count)
 * are plain functions in contracts/grow-rules.ts; this file issues the commands.
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
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ResynActivities } from '../activities';
import { synthesisChildId } from '../contracts/child-ids';
import { Failure, rootMessage } from '../contracts/failures';
import { growInputSchema, initialGrowState, type GrowInput, type GrowState } from '../contracts/grow-input';
import {
  applyControl,
  countOutcome,
  finishChild,
  growProgress,
  haltReason,
  keywordsTotal,
  nextStep,
  noWorkLeft,
  recordChildFailure,
  recordChildResult,
  recordProposalFailure,
  recordProposals,
  takeJobs,
  type GrowControl,
  type GrowProgress,
  type GrowStatus,
  type GrowTask,
} from '../contracts/grow-rules';
import { growFailureMessage, honestEndStatus } from '../contracts/grow-outcome';
import { DEFAULT_GATES_V2, DEFAULT_MAX_REVISIONS_V2, retrySchema } from '../contracts/synthesis-input';
import { RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';
import { parseInput } from './parse-input';
import { synthesizeEnvironment } from './synthesize-environment';
import { synthesizeMemo, synthesizeSearchAttributes } from './synthesis-meta';

export const progressQuery = defineQuery<GrowProgress>('progress');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const cancelSignal = defineSignal('cancel');
/** The same controls as an update that returns the progress after the change. */
export const controlUpdate = defineUpdate<GrowProgress, [GrowControl]>('control');

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
  // One cheap request per endpoint: no heartbeat; a hung endpoint times out and retries like any call.
  const { preflight } = proxyActivities<ResynActivities>({
    startToCloseTimeout: '2 minutes',
    retry: {
      initialInterval: r.initialIntervalMs,
      backoffCoefficient: r.backoffCoefficient,
      maximumInterval: r.maximumIntervalMs,
      maximumAttempts: 5,
    },
  });
  const fresh = !input.state;
  const s: GrowState = input.state ?? initialGrowState();
  let inFlight = 0;
  let totalKeywords = 0;
  let status: GrowStatus = s.paused ? 'paused' : 'running';
  // Bumped whenever a job ends or a control arrives: the main loop waits for it to move.
  let tick = 0;

  const progress = () => growProgress(s, { inFlight, keywords: totalKeywords, status });
  const control = (a: GrowControl) => {
    applyControl(s, a);
    tick++;
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

  // Before fanning out: every LLM role's endpoint answers and every gate is registered, or the run fails in seconds saying why.
  if (fresh && patched('grow-preflight')) {
    try {
      await preflight({
        roles: ['generator', 'judge', 'reviser'],
        gates: input.gates ?? DEFAULT_GATES_V2,
        gatesField: 'gates',
        names: { blockingGates: input.blockingGates, localGates: input.localGates },
      });
    } catch (err) {
      if (isCancellation(err)) throw err;
      s.lastError = `preflight: ${rootMessage(err)}`;
      setStatus('failed');
      throw ApplicationFailure.create({
        message: `growLibrary preflight failed: ${rootMessage(err)}`,
        type: Failure.PreflightFailed,
        nonRetryable: true,
        details: [progress()],
        cause: err as Error,
      });
    }
  }

  if (fresh) {
    // Keywords this run (same workflow id, e.g. restarted after a failure) or, for `count`, any run already tried are skipped.
    s.pendingKeywords = input.keywords
      ? await acts.keywordsToDo({ keywords: [...new Set(input.keywords)], growId })
      : await acts.keywordsToDo({ count: input.count!, growId });
  }
  totalKeywords = keywordsTotal(s);

  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > input.historyLimit;

  const runProposal = async (keyword: string) => {
    try {
      const r = await acts.proposeTasks({ keyword, count: input.proposalsPerKeyword });
      recordProposals(s, keyword, r.proposals, r.usage);
      if (r.note) {
        s.proposalFallbacks = (s.proposalFallbacks ?? 0) + 1;
        s.lastError = `${keyword}: ${r.note}`;
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      recordProposalFailure(s, keyword, rootMessage(err));
    }
  };

  const runChild = async (t: GrowTask) => {
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
          // What the child uses when unset (the memo is display only; the child picks by its patch marker).
          gates: input.gates ?? DEFAULT_GATES_V2,
          maxRevisions: input.maxRevisions ?? DEFAULT_MAX_REVISIONS_V2,
          parentWorkflowId: growId,
        }),
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      recordChildResult(s, r.outcome, r.usage, r.redTeamHoles ?? 0); // results of children from before the red team have none
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        // Finished by an earlier run with this grow id: its outcome is in the registry already.
        countOutcome(s, await acts.synthesisOutcome({ workflowId }));
      } else if (isCancellation(err)) {
        throw err;
      } else {
        recordChildFailure(s, t, rootMessage(err));
      }
    }
    finishChild(s, t.keyword);
  };

  let fatal: unknown;
  const start = (job: () => Promise<void>) => {
    inFlight++;
    void job().then(
      () => {
        inFlight--;
        tick++;
      },
      (err) => {
        inFlight--;
        fatal = fatal ?? err;
        tick++;
      },
    );
  };

  for (;;) {
    if (fatal) throw fatal;
    const halt = haltReason(s, input, historyFull);
    if (!halt && !s.paused)
      for (const job of takeJobs(s, input.concurrency - inFlight)) {
        if (job.kind === 'child') start(() => runChild(job.task));
        else start(() => runProposal(job.keyword));
      }
    const step = nextStep({ halt, inFlight, noWork: noWorkLeft(s), paused: s.paused });
    if (step.kind === 'continue-as-new') {
      await condition(allHandlersFinished);
      return continueAsNew<typeof growLibrary>({ ...raw, state: { ...s, continuedAsNew: s.continuedAsNew + 1 } });
    }
    setStatus(step.status);
    if (step.kind === 'end') break;
    const seen = tick;
    await condition(() => tick !== seen);
  }
  await condition(allHandlersFinished);
  // Zero accepted because jobs failed is a failure, not "completed" (searchable as ResynStatus=failed).
  if (patched('grow-honest-outcome')) setStatus(honestEndStatus(s, status));
  if ((status as GrowStatus) === 'failed') {
    throw ApplicationFailure.nonRetryable(growFailureMessage(s, input.maxConsecutiveFailures), Failure.GrowFailed, progress());
  }
  return progress();
}
