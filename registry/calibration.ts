/**
 * Difficulty calibration records, in the registry (own tables): the policy model's attempts
 * cached by (instance, model) so a re-run costs no LLM call, the solve rate per difficulty level,
 * and the verdict of the difficulty test (an environment is kept only where the solve rate falls
 * as difficulty rises). The statistics are in rewards/trend-test.ts; the SQL in sql-registry.ts.
 */
import type { Attempt, CalibrationVerdict, LevelStat } from './records';
import type { Registry } from './registry';

export type { Attempt, CalibrationVerdict, LevelStat };

/** The calibration view of a registry. */
export class CalibrationStore {
  constructor(readonly registry: Registry) {}

  getAttempt(envId: string, seed: number, difficulty: number, model: string): Promise<Attempt | undefined> {
    return this.registry.calibrationAttempt(envId, seed, difficulty, model);
  }

  /** First write wins: a retried activity keeps the attempt already paid for. */
  putAttempt(envId: string, seed: number, difficulty: number, model: string, a: Attempt): Promise<void> {
    return this.registry.putCalibrationAttempt(envId, seed, difficulty, model, a);
  }

  record(v: Omit<CalibrationVerdict, 'updatedAt'>): Promise<CalibrationVerdict> {
    return this.registry.recordCalibration(v);
  }

  /** Measured solve rate per level (every level ever measured for this model). */
  levels(envId: string, model: string): Promise<LevelStat[]> {
    return this.registry.calibrationLevels(envId, model);
  }

  verdict(envId: string, model: string): Promise<CalibrationVerdict | undefined> {
    return this.registry.calibrationVerdict(envId, model);
  }
}
