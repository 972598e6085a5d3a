/**
 * Difficulty calibration records, in the registry (own tables): the policy model's attempts
 * cached by (instance, model) so a re-run costs no LLM call, the solve rate per difficulty level,
 * and the verdict of the one-sided Wald test (ReSyn keeps an environment only where the solve
 * rate falls as difficulty rises). The statistics are here; the SQL is in sql-registry.ts.
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

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * One-sided Wald test of H0: p_low <= p_high against H1: p_low > p_high (the solve rate falls
 * from the lowest to the highest level). z = (p_low - p_high) / sqrt(p_low(1-p_low)/n_low +
 * p_high(1-p_high)/n_high); with a zero standard error (e.g. 100% vs 0%) z is +inf when p_low >
 * p_high, else 0. Reject H0 (keep the environment) when z > z_(1-alpha).
 */
export function waldTest(
  low: { attempts: number; solved: number },
  high: { attempts: number; solved: number },
  alpha = 0.05,
): { z: number; critical: number; reject: boolean } {
  const critical = normalQuantile(1 - alpha);
  if (low.attempts === 0 || high.attempts === 0) return { z: 0, critical, reject: false };
  const pl = low.solved / low.attempts;
  const ph = high.solved / high.attempts;
  const se = Math.sqrt((pl * (1 - pl)) / low.attempts + (ph * (1 - ph)) / high.attempts);
  // A perfect separation has no finite z; 1e6 stands for it (JSON has no Infinity).
  const z = se === 0 ? (pl > ph ? 1e6 : 0) : (pl - ph) / se;
  return { z, critical, reject: z > critical };
}
