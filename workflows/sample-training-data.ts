/**
 * sampleTrainingData: plan (which environments, how many instances: fixed once, in history),
 * then one idempotent activity per shard with bounded parallelism, then the manifest. Large
 * requests continue-as-new, carrying the plan and the finished shards.
 */
import {
  continueAsNew,
  defineQuery,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ResynActivities } from '../activities';
import { SPLITS, shardInput, shardSpecs, type SamplePlan, type ShardSpec } from '../dataset/plan';
import { parseInput } from './parse-input';
import { sampleRequestSchema, type NormalizedSampleRequest, type SampleRequest } from '../contracts/sample-request';
import type { ShardResult } from '../dataset/shard';
import { RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';

const { planSample, writeSampleManifest } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const { measurePassRates } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});
const { writeShard } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '1 hour',
  // A killed worker's shard is retried elsewhere after this (the activity heartbeats per batch).
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export interface SampleProgress {
  phase: 'planning' | 'rollouts' | 'sampling' | 'manifest' | 'done';
  shardsDone: number;
  shardsTotal: number;
  rows: number;
}
export interface SampleOutcome {
  manifestPath: string;
  outDir: string;
  name: string;
  shards: number;
  rows: number;
  train: number;
  validation: number;
  dropped: number;
  environments: number;
}
/** Carried across continue-as-new. */
export interface SampleResume {
  plan: SamplePlan;
  results: ShardResult[];
  /** The pass-rate rollouts are done (per-instance selection). */
  rolloutsDone?: boolean;
}

export const sampleProgressQuery = defineQuery<SampleProgress>('progress');

export async function sampleTrainingData(input: SampleRequest, resume?: SampleResume): Promise<SampleOutcome> {
  const req: NormalizedSampleRequest = parseInput(sampleRequestSchema, input, 'sampleTrainingData');
  const progress: SampleProgress = { phase: 'planning', shardsDone: 0, shardsTotal: 0, rows: 0 };
  setHandler(sampleProgressQuery, () => progress);
  upsertSearchAttributes([
    { key: RESYN_RUN_KIND, value: 'sample' },
    { key: RESYN_STATUS, value: 'running' },
  ]);

  const plan = resume?.plan ?? (await planSample(req));
  // Per-instance selection: k rollouts of the policy model per planned instance, before any shard
  // reads their pass rates (cached in the registry: a retry or a re-run asks only what is missing).
  const passRate = plan.selection?.passRate;
  if (passRate && !resume?.rolloutsDone && patched('per-instance-pass-rate')) {
    progress.phase = 'rollouts';
    const jobs = plan.envs.flatMap((e) =>
      SPLITS.filter((split) => e[split] > 0).map((split) => ({
        envId: e.id,
        split,
        from: 0,
        to: e[split],
        levels: e.levels,
        k: passRate.k,
        model: passRate.model,
        parallel: req.passRateFilter?.parallel ?? 4,
      })),
    );
    let nextJob = 0;
    const rolloutLane = async (): Promise<void> => {
      while (nextJob < jobs.length) await measurePassRates(jobs[nextJob++]!);
    };
    await Promise.all(Array.from({ length: Math.min(req.concurrency, jobs.length) }, rolloutLane));
  }
  const results = resume?.results.slice() ?? [];
  const specs = shardSpecs(plan);
  const done = new Set(results.map((r) => `${r.split}/${r.index}`));
  const todo = specs.filter((s) => !done.has(`${s.split}/${s.index}`));
  progress.phase = 'sampling';
  progress.shardsTotal = specs.length;
  progress.shardsDone = results.length;
  progress.rows = results.reduce((a, r) => a + r.rows, 0);

  const budget = Math.min(todo.length, req.shardsPerRun);
  let next = 0;
  const runOne = async (s: ShardSpec): Promise<void> => {
    // Plans made before row selection existed carry none: their shard inputs stay as recorded.
    const r = await writeShard(shardInput(plan, s, { withSelection: !!plan.selection && patched('shard-row-selection') }));
    results.push(r);
    progress.shardsDone++;
    progress.rows += r.rows;
  };
  const lane = async (): Promise<void> => {
    while (next < budget && !workflowInfo().continueAsNewSuggested) await runOne(todo[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(req.concurrency, budget) }, lane));

  if (results.length < specs.length) {
    return continueAsNew<typeof sampleTrainingData>(input, { plan, results, ...(passRate ? { rolloutsDone: true } : {}) });
  }

  progress.phase = 'manifest';
  const m = await writeSampleManifest({ plan, request: req, results });
  progress.phase = 'done';
  upsertSearchAttributes([{ key: RESYN_STATUS, value: 'done' }]);
  return {
    manifestPath: m.path,
    outDir: plan.outDir,
    name: plan.name,
    shards: m.shards,
    rows: m.totals.rows,
    train: m.totals.train,
    validation: m.totals.validation,
    dropped: m.totals.dropped,
    environments: plan.envs.length,
  };
}
