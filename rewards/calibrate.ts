/**
 * Difficulty calibration of one environment (ReSyn): the policy model attempts N instances per
 * difficulty level; the solve rate per level is recorded, and the environment is kept only if
 * the solve rate falls from the lowest to the highest level (one-sided Wald test). Attempts are
 * cached by (instance, model) in the registry, so a re-run makes no LLM call.
 */
import { createHash } from 'node:crypto';
import { extractAnswer } from '../lib/answer';
import { type CalibrationStore, waldTest, type CalibrationVerdict, type LevelStat } from '../registry/calibration';
import type { SandboxPool } from '../sandbox';
import { userContent } from '../dataset/rows';

export interface CalibrateInput {
  envId: string;
  levels: number[];
  instancesPerLevel: number;
  alpha: number;
}

export interface CalibrateDeps {
  pool: SandboxPool;
  store: CalibrationStore;
  source(envId: string): string | Promise<string>;
  model: string;
  /** Asks the policy model; returns the reply text. */
  ask(prompt: string): Promise<string>;
  /** LLM calls in flight at once. */
  parallel: number;
  heartbeat?(detail: unknown): void;
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
    if (todo.length) {
      const sampled = await deps.pool.sample(
        source,
        todo.map((seed) => ({ seed, difficulty })),
      );
      let next = 0;
      const worker = async () => {
        while (next < todo.length) {
          const k = next++;
          const seed = todo[k]!;
          const s = sampled[k]!;
          if (!s.ok) {
            // The environment fails on its own instance: counts as unsolvable, recorded once.
            await deps.store.putAttempt(input.envId, seed, difficulty, deps.model, { response: '', answer: null, reward: 0 });
            continue;
          }
          const response = await deps.ask(userContent(s.value.prompt));
          llmCalls++;
          const answer = extractAnswer(response);
          let reward = 0;
          if (answer !== null) {
            const [r] = await deps.pool.score(source, [{ state: s.value.state, answer }]);
            reward = r?.ok ? r.value : 0;
          }
          await deps.store.putAttempt(input.envId, seed, difficulty, deps.model, { response, answer, reward });
          deps.heartbeat?.({ difficulty, done: k + 1, of: todo.length });
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.parallel, todo.length)) }, worker));
    }
    const attempts = (await Promise.all(seeds.map((seed) => deps.store.getAttempt(input.envId, seed, difficulty, deps.model)))).map(
      (a) => a!,
    );
    const solved = attempts.filter((a) => a.reward >= 1).length;
    stats.push({ difficulty, attempts: attempts.length, solved, solveRate: solved / attempts.length });
  }
  const low = stats[0]!;
  const high = stats[stats.length - 1]!;
  const t = waldTest(low, high, input.alpha);
  const verdict = await deps.store.record({
    envId: input.envId,
    model: deps.model,
    kept: levels.length >= 2 && t.reject,
    z: t.z,
    critical: t.critical,
    alpha: input.alpha,
    lowLevel: low.difficulty,
    highLevel: high.difficulty,
    levels: stats,
  });
  return { ...verdict, llmCalls };
}
