/**
 * resumeRun: restarts a failed, cancelled, terminated or timed-out growLibrary or
 * sampleTrainingData run, startable from the UI with {"workflowId": "..."}.
 *
 * The new run is a child with the SAME workflow id, type and task queue as the old one, and its
 * start arguments (for a continued-as-new chain: the latest run's). For growLibrary the
 * activity rebuilds the run's `state` from the old history and the registry (proposals made,
 * children finished, spend), so nothing is proposed, synthesized or paid for twice, and nothing
 * unfinished is dropped; its children have deterministic ids under the grow id. For
 * sampleTrainingData the shards are idempotent files keyed by the request. The link to the old run
 * is the child's memo `resumedFrom` and this workflow (its parent) in the UI.
 */
import {
  CancellationScope,
  defineQuery,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ResynActivities } from '../activities';
import { RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';
import { resumeInputSchema, type ResumeInput } from '../contracts/ops-input';
import { parseInput } from './parse-input';

const { inspectRunForResume, writeRunReport } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export type { ResumeInput };

export interface ResumeProgress {
  phase: 'inspecting' | 'running' | 'done';
  type: string | null;
  resumedFrom: { workflowId: string; runId: string | null; status: string | null };
  /** The new run: same workflow id, new run id. */
  workflowId: string | null;
  runId: string | null;
}
export interface ResumeResult extends ResumeProgress {
  result: unknown;
  report: string | null;
}

export const resumeProgressQuery = defineQuery<ResumeProgress>('progress');

export async function resumeRun(raw: ResumeInput): Promise<ResumeResult> {
  const input = parseInput(resumeInputSchema, raw, 'resumeRun');
  const p: ResumeProgress = {
    phase: 'inspecting',
    type: null,
    resumedFrom: { workflowId: input.workflowId, runId: input.runId ?? null, status: null },
    workflowId: null,
    runId: null,
  };
  setHandler(resumeProgressQuery, () => p);
  upsertSearchAttributes([
    { key: RESYN_RUN_KIND, value: 'resume' },
    { key: RESYN_STATUS, value: 'running' },
  ]);

  const old = await inspectRunForResume(input);
  p.type = old.type;
  p.resumedFrom = { workflowId: old.workflowId, runId: old.runId, status: old.status };
  const child = await startChild(old.type, {
    workflowId: old.workflowId,
    taskQueue: old.taskQueue,
    args: old.args,
    memo: { ...old.memo, resumedFrom: p.resumedFrom },
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
  p.phase = 'running';
  p.workflowId = child.workflowId;
  p.runId = child.firstExecutionRunId;
  upsertMemo({ resumedFrom: p.resumedFrom, newRun: { workflowId: p.workflowId, runId: p.runId } });

  let report: string | null = null;
  try {
    const result = await child.result();
    p.phase = 'done';
    upsertSearchAttributes([{ key: RESYN_STATUS, value: 'done' }]);
    if (old.type === 'growLibrary')
      report = (await writeRunReport({ workflowId: old.workflowId, status: 'completed', progress: result })).file;
    return { ...p, result, report };
  } catch (err) {
    // The report even when the new run ends badly too (not cancellable: it is what a person reads next).
    if (old.type === 'growLibrary')
      await CancellationScope.nonCancellable(() => writeRunReport({ workflowId: old.workflowId, status: 'failed' }));
    throw err;
  }
}
