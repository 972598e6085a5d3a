/**
 * The registry schema, as an ordered list of migrations. Append a new one for any change (a
 * table for a new gate, a column); never edit or reorder a released one: registries in the
 * field have applied it already (their schema_version table says which).
 *
 * The SQL must run unchanged on SQLite and PostgreSQL: TEXT, INTEGER, BIGINT, DOUBLE PRECISION,
 * CREATE ... IF NOT EXISTS. Version 1 uses IF NOT EXISTS so a registry file written before
 * migrations existed adopts it as is.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'environments, synthesis history, llm calls, calibration',
    sql: `
CREATE TABLE IF NOT EXISTS environments (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, tags TEXT NOT NULL, family TEXT, keyword TEXT,
  source TEXT NOT NULL, status TEXT NOT NULL, origin TEXT NOT NULL, rounds INTEGER NOT NULL, run_id TEXT, parent_id TEXT,
  scores TEXT NOT NULL, created_at TEXT NOT NULL, code_fp TEXT, behavior_fp TEXT);
CREATE INDEX IF NOT EXISTS environments_name ON environments(name);
CREATE INDEX IF NOT EXISTS environments_keyword ON environments(keyword);
CREATE INDEX IF NOT EXISTS environments_code_fp ON environments(code_fp);
CREATE INDEX IF NOT EXISTS environments_behavior_fp ON environments(behavior_fp);
CREATE TABLE IF NOT EXISTS synthesis_rounds (
  workflow_id TEXT NOT NULL, round INTEGER NOT NULL, keyword TEXT NOT NULL, proposal TEXT NOT NULL,
  env_id TEXT, source TEXT, gates TEXT NOT NULL, feedback TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (workflow_id, round));
CREATE INDEX IF NOT EXISTS synthesis_rounds_env ON synthesis_rounds(env_id);
CREATE TABLE IF NOT EXISTS synthesis_runs (
  workflow_id TEXT PRIMARY KEY, parent_workflow_id TEXT, keyword TEXT NOT NULL, proposal TEXT NOT NULL,
  outcome TEXT NOT NULL, env_id TEXT, rounds INTEGER NOT NULL, reason TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS synthesis_runs_keyword ON synthesis_runs(keyword);
CREATE INDEX IF NOT EXISTS synthesis_runs_parent ON synthesis_runs(parent_workflow_id);
CREATE TABLE IF NOT EXISTS llm_calls (
  key TEXT PRIMARY KEY, role TEXT NOT NULL, model TEXT NOT NULL, workflow_id TEXT, keyword TEXT,
  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, cost_usd DOUBLE PRECISION NOT NULL,
  ok INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS llm_calls_workflow ON llm_calls(workflow_id);
CREATE TABLE IF NOT EXISTS calibration_attempts (
  env_id TEXT NOT NULL, seed BIGINT NOT NULL, difficulty INTEGER NOT NULL, model TEXT NOT NULL,
  response TEXT NOT NULL, answer TEXT, reward DOUBLE PRECISION NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (env_id, seed, difficulty, model));
CREATE TABLE IF NOT EXISTS calibration_levels (
  env_id TEXT NOT NULL, model TEXT NOT NULL, difficulty INTEGER NOT NULL,
  attempts INTEGER NOT NULL, solved INTEGER NOT NULL, solve_rate DOUBLE PRECISION NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (env_id, model, difficulty));
CREATE TABLE IF NOT EXISTS calibration_verdicts (
  env_id TEXT NOT NULL, model TEXT NOT NULL, kept INTEGER NOT NULL, detail TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (env_id, model));
`,
  },
  {
    version: 2,
    name: 'pass-rate rollouts (per-instance selection: k attempts of the policy model per instance)',
    sql: `
CREATE TABLE IF NOT EXISTS pass_rate_rollouts (
  env_id TEXT NOT NULL, seed BIGINT NOT NULL, difficulty INTEGER NOT NULL, model TEXT NOT NULL, attempt INTEGER NOT NULL,
  response TEXT NOT NULL, answer TEXT, reward DOUBLE PRECISION NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (env_id, model, seed, difficulty, attempt));
`,
  },
  {
    version: 3,
    name: 'per-stage accounting: the stage of every LLM call, and the wall time of every stage activity',
    sql: `
ALTER TABLE llm_calls ADD COLUMN stage TEXT;
CREATE TABLE IF NOT EXISTS stage_timings (
  key TEXT PRIMARY KEY, workflow_id TEXT, keyword TEXT, stage TEXT NOT NULL, activity_type TEXT NOT NULL,
  attempt INTEGER NOT NULL, duration_ms DOUBLE PRECISION NOT NULL, ok INTEGER NOT NULL, started_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stage_timings_workflow ON stage_timings(workflow_id);
`,
  },
];
