/**
 * The registry's every SQL statement, written once for both back ends (SQLite and PostgreSQL
 * accept the same text: `?` placeholders, INSERT ... ON CONFLICT, RETURNING). Orderings that
 * depend on text collation are done here in JavaScript, so both back ends sort alike.
 */
import { compareStages } from '../contracts/stages';
import type { SqlDriver, SqlExecutor } from './driver';
import { codeFingerprint } from './fingerprint';
import type {
  Attempt,
  CalibrationVerdict,
  EnvironmentFilter,
  EnvironmentRecord,
  EnvStatus,
  FamilyCount,
  GrowRunRow,
  LevelStat,
  LlmCallRow,
  NewEnvironment,
  Registration,
  Rollout,
  RoundRow,
  SpendTotals,
  StageTimingRow,
  StageUsage,
  SynthesisOutcome,
  SynthesisRunRow,
} from './records';
import type { Registry } from './registry';

interface EnvRow {
  id: string;
  name: string;
  description: string;
  tags: string;
  family: string | null;
  keyword: string | null;
  source: string;
  status: string;
  origin: string;
  rounds: number;
  run_id: string | null;
  parent_id: string | null;
  scores: string;
  created_at: string;
}
const toEnv = (r: EnvRow): EnvironmentRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  tags: JSON.parse(r.tags),
  family: r.family,
  keyword: r.keyword,
  source: r.source,
  status: r.status as EnvStatus,
  origin: r.origin as EnvironmentRecord['origin'],
  rounds: Number(r.rounds),
  runId: r.run_id,
  parentId: r.parent_id,
  scores: JSON.parse(r.scores),
  createdAt: r.created_at,
});

interface RawRound {
  workflow_id: string;
  round: number;
  keyword: string;
  proposal: string;
  env_id: string | null;
  source: string | null;
  gates: string;
  feedback: string;
  created_at: string;
}
const toRound = (r: RawRound): RoundRow => ({
  workflowId: r.workflow_id,
  round: Number(r.round),
  keyword: r.keyword,
  proposal: JSON.parse(r.proposal),
  envId: r.env_id,
  source: r.source,
  gates: JSON.parse(r.gates),
  feedback: r.feedback,
  createdAt: r.created_at,
});

interface RawRun {
  workflow_id: string;
  parent_workflow_id: string | null;
  keyword: string;
  proposal: string;
  outcome: string;
  env_id: string | null;
  rounds: number;
  reason: string;
  created_at: string;
}
const toRun = (r: RawRun): SynthesisRunRow => ({
  workflowId: r.workflow_id,
  parentWorkflowId: r.parent_workflow_id,
  keyword: r.keyword,
  proposal: JSON.parse(r.proposal),
  outcome: r.outcome as SynthesisOutcome,
  envId: r.env_id,
  rounds: Number(r.rounds),
  reason: r.reason,
  createdAt: r.created_at,
});

/** Code-point order on text keys (the same on both back ends, whatever the database collation). */
function byKeys<T>(...keys: ((x: T) => string)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = k(a),
        y = k(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

const SPEND_COLUMNS = `COUNT(*) AS calls, COALESCE(SUM(prompt_tokens),0) AS p, COALESCE(SUM(completion_tokens),0) AS c,
  COALESCE(SUM(cost_usd),0) AS cost`;
type SpendRow = { calls: number; p: number; c: number; cost: number };
const toSpend = (r: SpendRow | undefined): SpendTotals => ({
  calls: Number(r?.calls ?? 0),
  promptTokens: Number(r?.p ?? 0),
  completionTokens: Number(r?.c ?? 0),
  costUsd: Number(r?.cost ?? 0),
});

/**
 * Rows of one run: the workflow itself, any workflow whose id starts with `<id>/` (children,
 * grandchildren: the child-id rule), and any synthesis run recorded with it as parent. Literal
 * prefix (no LIKE wildcards). Three parameters: inRunParams(id).
 */
const IN_RUN = `(workflow_id = ? OR substr(workflow_id, 1, ?) = ?
  OR workflow_id IN (SELECT workflow_id FROM synthesis_runs WHERE parent_workflow_id = ?))`;
const inRunParams = (workflowId: string) => [workflowId, workflowId.length + 1, `${workflowId}/`, workflowId];

/** Inserts the environment, or moves a rejected one to accepted; keeps the first behaviour fingerprint. */
const UPSERT_ENVIRONMENT = `INSERT INTO environments
  (id, name, description, tags, family, keyword, source, status, origin, rounds, run_id, parent_id, scores, created_at, code_fp, behavior_fp)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET
    name = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN excluded.name ELSE environments.name END,
    description = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN excluded.description ELSE environments.description END,
    tags = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN excluded.tags ELSE environments.tags END,
    keyword = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN COALESCE(environments.keyword, excluded.keyword) ELSE environments.keyword END,
    rounds = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN excluded.rounds ELSE environments.rounds END,
    run_id = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN excluded.run_id ELSE environments.run_id END,
    parent_id = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN excluded.parent_id ELSE environments.parent_id END,
    scores = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN excluded.scores ELSE environments.scores END,
    status = CASE WHEN environments.status = 'rejected' AND excluded.status = 'accepted' THEN 'accepted' ELSE environments.status END,
    behavior_fp = COALESCE(environments.behavior_fp, excluded.behavior_fp)
  RETURNING *`;

export class SqlRegistry implements Registry {
  readonly backend: Registry['backend'];
  readonly location: string;

  constructor(
    private readonly db: SqlDriver,
    /** Whether close() really closes (open.ts counts the holders of a shared handle). */
    private readonly release: () => boolean = () => true,
  ) {
    this.backend = db.backend;
    this.location = db.location;
  }

  // --- environments

  private async upsertWith(q: SqlExecutor, rec: NewEnvironment, behaviorFp: string | null | undefined): Promise<EnvironmentRecord> {
    const [row] = await q.all<EnvRow>(UPSERT_ENVIRONMENT, [
      rec.id,
      rec.name,
      rec.description,
      JSON.stringify(rec.tags ?? []),
      rec.family ?? null,
      rec.keyword ?? null,
      rec.source,
      rec.status,
      rec.origin,
      rec.rounds,
      rec.runId ?? null,
      rec.parentId ?? null,
      JSON.stringify(rec.scores ?? {}),
      rec.createdAt ?? new Date().toISOString(),
      codeFingerprint(rec.source),
      behaviorFp ?? null,
    ]);
    return toEnv(row!);
  }

  upsertEnvironment(rec: NewEnvironment, extra: { behaviorFp?: string | null } = {}): Promise<EnvironmentRecord> {
    return this.upsertWith(this.db, rec, extra.behaviorFp);
  }

  registerEnvironment(rec: NewEnvironment, extra: { behaviorFp: string | null }): Promise<Registration> {
    return this.db.transaction(
      async (tx): Promise<Registration> => {
        if (rec.status === 'accepted') {
          const [same] = await tx.all<EnvRow>('SELECT * FROM environments WHERE id = ?', [rec.id]);
          const dup =
            same && same.status === 'accepted' && same.run_id !== rec.runId
              ? toEnv(same)
              : await this.duplicateWith(tx, { codeFp: codeFingerprint(rec.source), behaviorFp: extra.behaviorFp }, rec.id);
          if (dup) return { duplicateOf: dup };
        }
        return { record: await this.upsertWith(tx, rec, extra.behaviorFp) };
      },
      { lock: 'register' },
    );
  }

  async getEnvironment(idOrName: string): Promise<EnvironmentRecord | undefined> {
    const [byId] = await this.db.all<EnvRow>('SELECT * FROM environments WHERE id = ?', [idOrName]);
    if (byId) return toEnv(byId);
    const [byName] = await this.db.all<EnvRow>(
      `SELECT * FROM environments WHERE name = ?
      ORDER BY CASE status WHEN 'accepted' THEN 0 ELSE 1 END, created_at DESC LIMIT 1`,
      [idOrName],
    );
    if (byName) return toEnv(byName);
    // A unique id prefix (as people copy short ids).
    if (/^[0-9a-f]{6,63}$/.test(idOrName)) {
      const rows = await this.db.all<EnvRow>('SELECT * FROM environments WHERE id LIKE ? LIMIT 2', [`${idOrName}%`]);
      if (rows.length === 1) return toEnv(rows[0]!);
    }
    return undefined;
  }

  async setEnvironmentStatus(id: string, status: EnvStatus): Promise<boolean> {
    const [hit] = await this.db.all<{ id: string }>('SELECT id FROM environments WHERE id = ?', [id]);
    if (!hit) return false;
    await this.db.run('UPDATE environments SET status = ? WHERE id = ?', [status, id]);
    return true;
  }

  async listEnvironments(filter: EnvironmentFilter = {}): Promise<EnvironmentRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.family) {
      where.push('family = ?');
      args.push(filter.family);
    }
    if (filter.origin) {
      where.push('origin = ?');
      args.push(filter.origin);
    }
    if (filter.ids) {
      if (filter.ids.length === 0) return [];
      where.push(`id IN (${filter.ids.map(() => '?').join(',')})`);
      args.push(...filter.ids);
    }
    const rows = await this.db.all<EnvRow>(`SELECT * FROM environments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, args);
    let recs = rows.map(toEnv).sort(
      byKeys(
        (r) => r.name,
        (r) => r.id,
      ),
    );
    if (filter.tags?.length) recs = recs.filter((r) => filter.tags!.every((t) => r.tags.includes(t)));
    return recs;
  }

  private async duplicateWith(
    q: SqlExecutor,
    fp: { codeFp: string; behaviorFp?: string | null },
    excludeId?: string,
  ): Promise<EnvironmentRecord | undefined> {
    const byBehavior = fp.behaviorFp ? ' OR behavior_fp = ?' : '';
    const [row] = await q.all<EnvRow>(
      `SELECT * FROM environments WHERE status = 'accepted' AND id <> ? AND (code_fp = ?${byBehavior})
      ORDER BY created_at, id LIMIT 1`,
      [excludeId ?? '', fp.codeFp, ...(fp.behaviorFp ? [fp.behaviorFp] : [])],
    );
    return row ? toEnv(row) : undefined;
  }

  findDuplicate(fp: { codeFp: string; behaviorFp?: string | null }, excludeId?: string): Promise<EnvironmentRecord | undefined> {
    return this.duplicateWith(this.db, fp, excludeId);
  }

  async libraryByFamily(): Promise<FamilyCount[]> {
    const rows = await this.db.all<FamilyCount>(
      `SELECT COALESCE(family, 'unknown') AS family,
        SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS accepted, SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END) AS rejected
      FROM environments GROUP BY COALESCE(family, 'unknown')`,
    );
    return rows
      .map((r) => ({ family: r.family, accepted: Number(r.accepted), rejected: Number(r.rejected) }))
      .sort(byKeys((r) => r.family));
  }

  // --- synthesis history

  async recordRound(r: RoundRow): Promise<void> {
    await this.db.run(
      `INSERT INTO synthesis_rounds (workflow_id, round, keyword, proposal, env_id, source, gates, feedback, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (workflow_id, round) DO UPDATE SET keyword = excluded.keyword, proposal = excluded.proposal, env_id = excluded.env_id,
        source = excluded.source, gates = excluded.gates, feedback = excluded.feedback`,
      [
        r.workflowId,
        r.round,
        r.keyword,
        JSON.stringify(r.proposal),
        r.envId,
        r.source,
        JSON.stringify(r.gates),
        r.feedback,
        r.createdAt ?? new Date().toISOString(),
      ],
    );
  }

  async recordSynthesisRun(r: SynthesisRunRow): Promise<void> {
    await this.db.run(
      `INSERT INTO synthesis_runs (workflow_id, parent_workflow_id, keyword, proposal, outcome, env_id, rounds, reason, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (workflow_id) DO UPDATE SET parent_workflow_id = excluded.parent_workflow_id, keyword = excluded.keyword,
        proposal = excluded.proposal, outcome = excluded.outcome, env_id = excluded.env_id, rounds = excluded.rounds, reason = excluded.reason`,
      [
        r.workflowId,
        r.parentWorkflowId,
        r.keyword,
        JSON.stringify(r.proposal),
        r.outcome,
        r.envId,
        r.rounds,
        r.reason,
        r.createdAt ?? new Date().toISOString(),
      ],
    );
  }

  async roundsOf(workflowId: string): Promise<RoundRow[]> {
    return (await this.db.all<RawRound>('SELECT * FROM synthesis_rounds WHERE workflow_id = ? ORDER BY round', [workflowId])).map(toRound);
  }

  async synthesisRuns(filter: { keyword?: string; parentWorkflowId?: string } = {}): Promise<SynthesisRunRow[]> {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.keyword) {
      where.push('keyword = ?');
      args.push(filter.keyword);
    }
    if (filter.parentWorkflowId) {
      where.push('parent_workflow_id = ?');
      args.push(filter.parentWorkflowId);
    }
    const rows = await this.db.all<RawRun>(`SELECT * FROM synthesis_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, args);
    return rows.map(toRun).sort(
      byKeys(
        (r) => r.createdAt ?? '',
        (r) => r.workflowId,
      ),
    );
  }

  async synthesisRunOf(workflowId: string): Promise<SynthesisRunRow | undefined> {
    const [r] = await this.db.all<RawRun>('SELECT * FROM synthesis_runs WHERE workflow_id = ?', [workflowId]);
    return r ? toRun(r) : undefined;
  }

  async growRunRows(growWorkflowId: string): Promise<GrowRunRow[]> {
    const rows = await this.db.all<RawRun & { env_name: string | null; env_family: string | null }>(
      `SELECT r.*, e.name AS env_name, e.family AS env_family
      FROM synthesis_runs r LEFT JOIN environments e ON e.id = r.env_id WHERE r.parent_workflow_id = ?`,
      [growWorkflowId],
    );
    return rows
      .map((r) => ({ ...toRun(r), envName: r.env_name, envFamily: r.env_family }))
      .sort(
        byKeys(
          (r) => r.keyword,
          (r) => r.workflowId,
        ),
      );
  }

  async recentRejectionReasons(limit: number): Promise<string[]> {
    const rows = await this.db.all<{ reason: string }>(
      `SELECT reason FROM synthesis_runs WHERE outcome <> 'accepted' ORDER BY created_at DESC, workflow_id DESC LIMIT ?`,
      [limit],
    );
    return rows.map((r) => r.reason);
  }

  async triedKeywords(): Promise<Set<string>> {
    const rows = await this.db.all<{ keyword: string }>(
      'SELECT keyword FROM synthesis_runs UNION SELECT keyword FROM environments WHERE keyword IS NOT NULL',
    );
    return new Set(rows.map((r) => r.keyword));
  }

  // --- LLM usage

  async recordLlmCall(row: LlmCallRow): Promise<void> {
    await this.db.run(
      `INSERT INTO llm_calls (key, role, stage, model, workflow_id, keyword, prompt_tokens, completion_tokens, cost_usd, ok, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      [
        row.key,
        row.role,
        row.stage ?? null,
        row.model,
        row.workflowId,
        row.keyword,
        row.promptTokens,
        row.completionTokens,
        row.costUsd,
        row.ok ? 1 : 0,
        new Date().toISOString(),
      ],
    );
  }

  async usageTotals(): Promise<SpendTotals> {
    return toSpend((await this.db.all<SpendRow>(`SELECT ${SPEND_COLUMNS} FROM llm_calls`))[0]);
  }

  async runSpend(workflowId: string): Promise<SpendTotals> {
    return toSpend((await this.db.all<SpendRow>(`SELECT ${SPEND_COLUMNS} FROM llm_calls WHERE ${IN_RUN}`, inRunParams(workflowId)))[0]);
  }

  async spendByKeyPrefix(prefix: string): Promise<SpendTotals> {
    const [r] = await this.db.all<SpendRow>(`SELECT ${SPEND_COLUMNS} FROM llm_calls WHERE substr(key, 1, ?) = ?`, [prefix.length, prefix]);
    return toSpend(r);
  }

  async recordStageTiming(row: StageTimingRow): Promise<void> {
    await this.db.run(
      `INSERT INTO stage_timings (key, workflow_id, keyword, stage, activity_type, attempt, duration_ms, ok, started_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      [row.key, row.workflowId, row.keyword, row.stage, row.activityType, row.attempt, row.durationMs, row.ok ? 1 : 0, row.startedAt],
    );
  }

  stageUsage(runWorkflowId?: string): Promise<StageUsage[]> {
    return this.stageRows(runWorkflowId, false);
  }

  stageUsageByWorkflow(runWorkflowId: string): Promise<(StageUsage & { workflowId: string | null })[]> {
    return this.stageRows(runWorkflowId, true);
  }

  /** LLM spend and stage wall time grouped by stage (and workflow), merged; calls from before stages count as 'unknown'. */
  private async stageRows(run: string | undefined, byWorkflow: boolean): Promise<(StageUsage & { workflowId: string | null })[]> {
    const where = run === undefined ? '' : `WHERE ${IN_RUN}`;
    const params = run === undefined ? [] : inRunParams(run);
    const wf = byWorkflow ? 'workflow_id' : 'NULL';
    const group = byWorkflow ? 'workflow_id, ' : '';
    const spend = await this.db.all<SpendRow & { wf: string | null; stage: string }>(
      `SELECT ${wf} AS wf, COALESCE(stage, 'unknown') AS stage, ${SPEND_COLUMNS} FROM llm_calls ${where}
      GROUP BY ${group}COALESCE(stage, 'unknown')`,
      params,
    );
    const time = await this.db.all<{ wf: string | null; stage: string; n: number; failed: number; ms: number }>(
      `SELECT ${wf} AS wf, stage, COUNT(*) AS n, COALESCE(SUM(1 - ok), 0) AS failed, COALESCE(SUM(duration_ms), 0) AS ms
      FROM stage_timings ${where} GROUP BY ${group}stage`,
      params,
    );
    const out = new Map<string, StageUsage & { workflowId: string | null }>();
    const row = (w: string | null, stage: string) => {
      const k = JSON.stringify([w, stage]);
      let r = out.get(k);
      if (!r) {
        r = { workflowId: w, stage, calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, executions: 0, failed: 0, wallMs: 0 };
        out.set(k, r);
      }
      return r;
    };
    for (const s of spend) Object.assign(row(s.wf, s.stage), toSpend(s));
    for (const t of time) Object.assign(row(t.wf, t.stage), { executions: Number(t.n), failed: Number(t.failed), wallMs: Number(t.ms) });
    return [...out.values()].sort((a, b) => compareStages(a.stage, b.stage) || ((a.workflowId ?? '') < (b.workflowId ?? '') ? -1 : 1));
  }

  async growRounds(growWorkflowId: string): Promise<RoundRow[]> {
    const rows = await this.db.all<RawRound>(
      `SELECT r.* FROM synthesis_rounds r JOIN synthesis_runs s ON s.workflow_id = r.workflow_id WHERE s.parent_workflow_id = ?`,
      [growWorkflowId],
    );
    return rows.map(toRound).sort(
      byKeys(
        (r) => r.workflowId,
        (r) => String(r.round).padStart(4, '0'),
      ),
    );
  }

  // --- difficulty calibration

  async calibrationAttempt(envId: string, seed: number, difficulty: number, model: string): Promise<Attempt | undefined> {
    const [r] = await this.db.all<Attempt>(
      'SELECT response, answer, reward FROM calibration_attempts WHERE env_id = ? AND seed = ? AND difficulty = ? AND model = ?',
      [envId, seed, difficulty, model],
    );
    return r ? { response: r.response, answer: r.answer, reward: Number(r.reward) } : undefined;
  }

  async putCalibrationAttempt(envId: string, seed: number, difficulty: number, model: string, a: Attempt): Promise<void> {
    await this.db.run(
      `INSERT INTO calibration_attempts (env_id, seed, difficulty, model, response, answer, reward, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (env_id, seed, difficulty, model) DO NOTHING`,
      [envId, seed, difficulty, model, a.response, a.answer, a.reward, new Date().toISOString()],
    );
  }

  async recordCalibration(v: Omit<CalibrationVerdict, 'updatedAt'>): Promise<CalibrationVerdict> {
    const updatedAt = new Date().toISOString();
    const { envId: _e, model: _m, kept: _k, ...detail } = v;
    await this.db.transaction(async (tx) => {
      for (const l of v.levels)
        await tx.run(
          `INSERT INTO calibration_levels (env_id, model, difficulty, attempts, solved, solve_rate, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (env_id, model, difficulty) DO UPDATE SET
          attempts = excluded.attempts, solved = excluded.solved, solve_rate = excluded.solve_rate, updated_at = excluded.updated_at`,
          [v.envId, v.model, l.difficulty, l.attempts, l.solved, l.solveRate, updatedAt],
        );
      await tx.run(
        `INSERT INTO calibration_verdicts (env_id, model, kept, detail, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (env_id, model) DO UPDATE SET kept = excluded.kept, detail = excluded.detail, updated_at = excluded.updated_at`,
        [v.envId, v.model, v.kept ? 1 : 0, JSON.stringify(detail), updatedAt],
      );
    });
    return { ...v, updatedAt };
  }

  async calibrationLevels(envId: string, model: string): Promise<LevelStat[]> {
    const rows = await this.db.all<LevelStat>(
      `SELECT difficulty, attempts, solved, solve_rate AS "solveRate" FROM calibration_levels
      WHERE env_id = ? AND model = ? ORDER BY difficulty`,
      [envId, model],
    );
    return rows.map((l) => ({
      difficulty: Number(l.difficulty),
      attempts: Number(l.attempts),
      solved: Number(l.solved),
      solveRate: Number(l.solveRate),
    }));
  }

  async calibrationVerdict(envId: string, model: string): Promise<CalibrationVerdict | undefined> {
    const [r] = await this.db.all<{ kept: number; detail: string; updated_at: string }>(
      'SELECT kept, detail, updated_at FROM calibration_verdicts WHERE env_id = ? AND model = ?',
      [envId, model],
    );
    if (!r) return undefined;
    return { envId, model, kept: Number(r.kept) === 1, ...JSON.parse(r.detail), updatedAt: r.updated_at };
  }

  // --- per-instance pass rates

  async rollouts(envId: string, model: string, seeds: number[]): Promise<Rollout[]> {
    const out: Rollout[] = [];
    // Chunks keep the IN list well under either back end's parameter limit.
    for (let i = 0; i < seeds.length; i += 500) {
      const chunk = seeds.slice(i, i + 500);
      const rows = await this.db.all<Rollout>(
        `SELECT seed, difficulty, attempt, reward FROM pass_rate_rollouts WHERE env_id = ? AND model = ? AND seed IN (${chunk.map(() => '?').join(', ')})`,
        [envId, model, ...chunk],
      );
      for (const r of rows)
        out.push({ seed: Number(r.seed), difficulty: Number(r.difficulty), attempt: Number(r.attempt), reward: Number(r.reward) });
    }
    return out;
  }

  async putRollout(envId: string, model: string, r: Rollout & Attempt): Promise<void> {
    await this.db.run(
      `INSERT INTO pass_rate_rollouts (env_id, seed, difficulty, model, attempt, response, answer, reward, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (env_id, model, seed, difficulty, attempt) DO NOTHING`,
      [envId, r.seed, r.difficulty, model, r.attempt, r.response, r.answer, r.reward, new Date().toISOString()],
    );
  }

  async schemaVersions(): Promise<number[]> {
    return (await this.db.all<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).map((r) => Number(r.version));
  }

  async close(): Promise<void> {
    if (this.release()) await this.db.close();
  }
}
