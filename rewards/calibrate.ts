/**
 * Difficulty calibration of one environment (ReSyn): the policy model attempts N instances per
 * difficulty level; the solve rate per level is recorded, and the environment is kept only if
 * the solve rate falls as difficulty rises (Cochran–Armitage trend test over every level, or the
 * paper's one-sided Wald test of the lowest against the highest level). Attempts are
 * cached by (instance, model) in the registry, so a re-run makes no LLM call.
 */
import { createHash } from 'node:crypto';
import type { CalibrationStore, CalibrationVerdict, LevelStat } from '../registry/calibration';
import { difficultyTest, type TrendTestName } from './trend-test';
import { type AttemptDeps, runAttempts } from './attempts';

export interface CalibrateInput {
  envId: string;
  levels: number[];
  instancesPerLevel: number;
  alpha: number;
  /** trend (Cochran–Armitage over every level, default) or wald (lowest vs highest, as the paper). */
  test?: TrendTestName;
}

export interface CalibrateDeps extends AttemptDeps {
  store: CalibrationStore;
  source(envId: string): string | Promise<string>;
  model: string;
}

/** Calibration seeds: their own stream per (environment, level), apart from the dataset's seed streams. */
export function calibrationSeeds(envId: string, level: number, n: number): number[] {
  const off = createHash('sha256').update(`resyn-calibration/${envId}/${level}`).digest().readUInt32BE(0);
  return Array.from({ length: n }, (_, i) => (off + i) % 2 ** 32);
}

export async function calibrateEnvironment(input: CalibrateInput, deps: CalibrateDeps): Promise<CalibrationVerdict & { llmCalls: number }> {
  const source = await deps.source(input.envId);
  const levels = [...new Set(input.levels)].sort((a, b) => a - b);
  const stats: LevelStat[] = [];
  let llmCalls = 0;
  for (const difficulty of levels) {
    const seeds = calibrationSeeds(input.envId, difficulty, input.instancesPerLevel);
    const cached = await Promise.all(seeds.map((seed) => deps.store.getAttempt(input.envId, seed, difficulty, deps.model)));
    const todo = seeds.filter((_, i) => !cached[i]);
    llmCalls += await runAttempts(
      source,
      todo.map((seed) => ({ seed, difficulty, attempt: 0 })),
      deps,
      (job, a) => deps.store.putAttempt(input.envId, job.seed, difficulty, deps.model, a),
    );
    const attempts = (await Promise.all(seeds.map((seed) => deps.store.getAttempt(input.envId, seed, difficulty, deps.model)))).map(
      (a) => a!,
    );
    const solved = attempts.filter((a) => a.reward >= 1).length;
    stats.push({ difficulty, attempts: attempts.length, solved, solveRate: solved / attempts.length });
  }
  const low = stats[0]!;
  const high = stats[stats.length - 1]!;
  const t = difficultyTest(stats, input.test ?? 'trend', input.alpha);
  const verdict = await deps.store.record({
    envId: input.envId,
    model: deps.model,
    kept: levels.length >= 2 && t.reject,
    z: t.z,
    critical: t.critical,
    test: t.test,
    pValue: t.pValue,
    alpha: input.alpha,
    lowLevel: low.difficulty,
    highLevel: high.difficulty,
    levels: stats,
  });
  return { ...verdict, llmCalls };
}
