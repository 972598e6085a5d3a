/**
 * nightlyGrowth: what a Temporal Schedule starts every night. Draws seed keywords never tried in
 * this registry, grows the library from them (growLibrary child), writes the run's Markdown
 * report, then — when asked — samples an updated dataset (sampleTrainingData child).
 * Keywords are drawn here and passed to growLibrary explicitly, so the child's input in the UI
 * says exactly what it works on, and a resumed child works on the same list.
 */
import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ResynActivities } from '../activities';
import { RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';
import type { GrowProgress } from '../contracts/grow-rules';
import type { growLibrary } from './grow-library';
import type { sampleTrainingData, SampleOutcome } from './sample-training-data';
import { datasetNameFor, nightlyInputSchema, type NightlyInput } from '../contracts/ops-input';
import { Failure } from '../contracts/failures';
import { parseInput } from './parse-input';

const { freshKeywords, writeRunReport } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export interface NightlyProgress {
  phase: 'drawing-keywords' | 'growing' | 'reporting' | 'sampling' | 'done' | 'failed';
  keywords: string[];
  growWorkflowId: string | null;
  sampleWorkflowId: string | null;
  grow: GrowProgress | null;
  report: string | null;
  sample: SampleOutcome | null;
  error: string | null;
}
export type NightlyResult = NightlyProgress;

export type { NightlyInput };
export const nightlyProgressQuery = defineQuery<NightlyProgress>('progress');

export async function nightlyGrowth(raw: NightlyInput): Promise<NightlyResult> {
  const input = parseInput(nightlyInputSchema, raw, 'nightlyGrowth');
  const id = workflowInfo().workflowId;
  const p: NightlyProgress = {
    phase: 'drawing-keywords',
    keywords: [],
    growWorkflowId: null,
    sampleWorkflowId: null,
    grow: null,
    report: null,
    sample: null,
    error: null,
  };
  setHandler(nightlyProgressQuery, () => p);
  upsertSearchAttributes([
    { key: RESYN_RUN_KIND, value: 'nightly' },
    { key: RESYN_STATUS, value: 'running' },
  ]);

  p.keywords = await freshKeywords({ count: input.count ?? input.target ?? 4, pool: input.keywordPool });
  upsertMemo({ keywords: p.keywords });
  if (p.keywords.length > 0) {
    p.phase = 'growing';
    p.growWorkflowId = `${id}/grow`;
    let failure: unknown;
    try {
      p.grow = await executeChild<typeof growLibrary>('growLibrary', {
        workflowId: p.growWorkflowId,
        args: [
          {
            keywords: p.keywords,
            target: input.target,
            concurrency: input.concurrency,
            budget: input.budget,
            proposalsPerKeyword: input.proposalsPerKeyword,
            maxRevisions: input.maxRevisions,
            gates: input.gates,
          },
        ],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        memo: { startedBy: id },
      });
    } catch (err) {
      failure = err;
    }
    // The report is worth having most when the grow run failed.
    p.phase = 'reporting';
    const growId = p.growWorkflowId;
    const r = await CancellationScope.nonCancellable(() =>
      writeRunReport({ workflowId: growId, status: failure ? 'failed' : p.grow?.status, progress: p.grow ?? undefined }),
    );
    p.report = r.file;
    if (failure) {
      p.phase = 'failed';
      p.error = ((failure as Error).cause as Error | undefined)?.message ?? (failure as Error).message;
      upsertSearchAttributes([{ key: RESYN_STATUS, value: 'failed' }]);
      if (isCancellation(failure)) throw failure;
      throw ApplicationFailure.nonRetryable(
        `nightly growth: growLibrary ${p.growWorkflowId} failed: ${p.error} (resume it with \`resyn resume ${p.growWorkflowId}\`)`,
        Failure.GrowFailed,
      );
    }
  }

  if (input.sample !== false) {
    p.phase = 'sampling';
    p.sampleWorkflowId = `${id}/sample`;
    const opts: Record<string, unknown> = input.sample === true ? {} : { ...(raw.sample as object) };
    p.sample = await executeChild<typeof sampleTrainingData>('sampleTrainingData', {
      workflowId: p.sampleWorkflowId,
      args: [{ ...opts, name: typeof opts.name === 'string' ? opts.name : datasetNameFor(id) } as Parameters<typeof sampleTrainingData>[0]],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
  }
  p.phase = 'done';
  upsertSearchAttributes([{ key: RESYN_STATUS, value: 'done' }]);
  return p;
}
