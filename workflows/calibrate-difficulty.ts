/**
 * calibrateDifficulty: the policy model attempts instances of each selected environment at
 * several difficulty levels (one activity per environment, bounded parallelism); the registry
 * records the solve rate per level and whether the environment is kept (solve rate falls as
 * difficulty rises: Cochran–Armitage trend test, or the paper's one-sided Wald test). Cached
 * attempts make a re-run free.
 */
import { defineQuery, patched, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { ResynActivities } from '../activities';
import type { CalibrationSummary } from '../activities/calibration';
import { calibrateInputSchema, type CalibrateRequest } from '../contracts/calibrate-input';
import { parseInput } from './parse-input';
import { RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';

const { listCalibrationTargets } = proxyActivities<ResynActivities>({ startToCloseTimeout: '2 minutes' });
const { calibrateEnvironment } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface CalibrateProgress {
  envsDone: number;
  envsTotal: number;
  kept: number;
  dropped: number;
  llmCalls: number;
}
export interface CalibrateOutcome extends CalibrateProgress {
  results: CalibrationSummary[];
}

export type { CalibrateRequest };

export const calibrateProgressQuery = defineQuery<CalibrateProgress>('progress');

export async function calibrateDifficulty(input: CalibrateRequest): Promise<CalibrateOutcome> {
  const req = parseInput(calibrateInputSchema, input, 'calibrateDifficulty');
  upsertSearchAttributes([
    { key: RESYN_RUN_KIND, value: 'calibrate' },
    { key: RESYN_STATUS, value: 'running' },
  ]);
  const progress: CalibrateProgress = { envsDone: 0, envsTotal: 0, kept: 0, dropped: 0, llmCalls: 0 };
  setHandler(calibrateProgressQuery, () => progress);

  const targets = await listCalibrationTargets(req.filter);
  progress.envsTotal = targets.length;
  const results: CalibrationSummary[] = new Array(targets.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < targets.length) {
      const k = next++;
      const r = await calibrateEnvironment({
        envId: targets[k]!.id,
        levels: req.levels,
        instancesPerLevel: req.instancesPerLevel,
        alpha: req.alpha,
        model: req.model,
        parallel: req.parallelCalls,
        ...(req.test && patched('calibration-test-choice') ? { test: req.test } : {}),
      });
      results[k] = r;
      progress.envsDone++;
      progress.llmCalls += r.llmCalls;
      if (r.kept) progress.kept++;
      else progress.dropped++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(req.concurrency, targets.length) }, lane));
  upsertSearchAttributes([{ key: RESYN_STATUS, value: 'done' }]);
  return { ...progress, results };
}
