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
  /** Which test decided (older records: the Wald test). */
  test?: 'trend' | 'wald';
  /** One-sided p-value of "the solve rate does not fall with difficulty". */
  pValue?: number;
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
