/**
 * Difficulty calibration records, in the registry's SQLite file (own tables): the policy model's
 * attempts cached by (instance, model) so a re-run costs no LLM call, the solve rate per
 * difficulty level, and the verdict of the one-sided Wald test (ReSyn keeps an environment only
 * where the solve rate falls as difficulty rises).
 */
import type { Registry } from './store';

export interface LevelStat {
  difficulty: number;
  attempts: number;
  solved: number;
  solveRate: number;
}
export interface CalibrationVerdict {
  envId: string;
  model: string;
  kept: boolean;
  z: number;
  critical: number;
  alpha: number;
  lowLevel: number;
  highLevel: number;
  levels: LevelStat[];
  updatedAt: string;
}
export interface Attempt {
  response: string;
  reward: number;
  answer: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS calibration_attempts (
  env_id TEXT NOT NULL, seed INTEGER NOT NULL, difficulty INTEGER NOT NULL, model TEXT NOT NULL,
  response TEXT NOT NULL, answer TEXT, reward REAL NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (env_id, seed, difficulty, model)
);
CREATE TABLE IF NOT EXISTS calibration_levels (
  env_id TEXT NOT NULL, model TEXT NOT NULL, difficulty INTEGER NOT NULL,
  attempts INTEGER NOT NULL, solved INTEGER NOT NULL, solve_rate REAL NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (env_id, model, difficulty)
);
CREATE TABLE IF NOT EXISTS calibration_verdicts (
  env_id TEXT NOT NULL, model TEXT NOT NULL, kept INTEGER NOT NULL, detail TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (env_id, model)
);
`;

export class CalibrationStore {
  constructor(readonly registry: Registry) {
    registry.db.exec(SCHEMA);
  }

  getAttempt(envId: string, seed: number, difficulty: number, model: string): Attempt | undefined {
    const r = this.registry.db
      .prepare('SELECT response, answer, reward FROM calibration_attempts WHERE env_id = ? AND seed = ? AND difficulty = ? AND model = ?')
      .get(envId, seed, difficulty, model) as Attempt | undefined;
    return r ? { response: r.response, answer: r.answer, reward: r.reward } : undefined;
  }

  /** First write wins: a retried activity keeps the attempt already paid for. */
  putAttempt(envId: string, seed: number, difficulty: number, model: string, a: Attempt): void {
    this.registry.db
      .prepare(`INSERT OR IGNORE INTO calibration_attempts (env_id, seed, difficulty, model, response, answer, reward, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(envId, seed, difficulty, model, a.response, a.answer, a.reward, new Date().toISOString());
  }

  record(v: Omit<CalibrationVerdict, 'updatedAt'>): CalibrationVerdict {
    const updatedAt = new Date().toISOString();
    const db = this.registry.db;
    this.registry.writeTransaction(() => {
      const up = db.prepare(`INSERT INTO calibration_levels (env_id, model, difficulty, attempts, solved, solve_rate, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (env_id, model, difficulty) DO UPDATE SET
        attempts = excluded.attempts, solved = excluded.solved, solve_rate = excluded.solve_rate, updated_at = excluded.updated_at`);
      for (const l of v.levels) up.run(v.envId, v.model, l.difficulty, l.attempts, l.solved, l.solveRate, updatedAt);
      const { envId: _e, model: _m, kept: _k, ...detail } = v;
      db.prepare(`INSERT INTO calibration_verdicts (env_id, model, kept, detail, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (env_id, model) DO UPDATE SET kept = excluded.kept, detail = excluded.detail, updated_at = excluded.updated_at`).run(
        v.envId,
        v.model,
        v.kept ? 1 : 0,
        JSON.stringify(detail),
        updatedAt,
      );
    });
    return { ...v, updatedAt };
  }

  /** Measured solve rate per level (every level ever measured for this model). */
  levels(envId: string, model: string): LevelStat[] {
    return this.registry.db
      .prepare(`SELECT difficulty, attempts, solved, solve_rate AS solveRate FROM calibration_levels
      WHERE env_id = ? AND model = ? ORDER BY difficulty`)
      .all(envId, model) as LevelStat[];
  }

  verdict(envId: string, model: string): CalibrationVerdict | undefined {
    const r = this.registry.db
      .prepare('SELECT kept, detail, updated_at FROM calibration_verdicts WHERE env_id = ? AND model = ?')
      .get(envId, model) as { kept: number; detail: string; updated_at: string } | undefined;
    if (!r) return undefined;
    return { envId, model, kept: r.kept === 1, ...JSON.parse(r.detail), updatedAt: r.updated_at };
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
