/**
 * The synthesis history next to the environments: one row per synthesizeEnvironment run
 * (keyword, proposal, outcome) and one per round (code, check report, every gate's verdict and
 * feedback). Keyed by the workflow id (deterministic) and the round number: idempotent writes.
 */
import type { GateOutcome } from '../contracts/gates';
import type { Proposal } from '../contracts/proposal';
import type { Registry } from './store';

export interface RoundRow {
  workflowId: string;
  round: number;
  keyword: string;
  proposal: Proposal;
  envId: string | null;
  source: string | null;
  gates: GateOutcome[];
  feedback: string;
  createdAt?: string;
}

export type SynthesisOutcome = 'accepted' | 'rejected' | 'duplicate' | 'failed';
export interface SynthesisRunRow {
  workflowId: string;
  parentWorkflowId: string | null;
  keyword: string;
  proposal: Proposal;
  outcome: SynthesisOutcome;
  envId: string | null;
  rounds: number;
  reason: string;
  createdAt?: string;
}

const synthesisTablesReady = new WeakSet<Registry>();
export function ensureSynthesisTables(reg: Registry): void {
  if (synthesisTablesReady.has(reg)) return;
  reg.db.exec(`
    CREATE TABLE IF NOT EXISTS synthesis_rounds (
      workflow_id TEXT NOT NULL, round INTEGER NOT NULL, keyword TEXT NOT NULL, proposal TEXT NOT NULL,
      env_id TEXT, source TEXT, gates TEXT NOT NULL, feedback TEXT NOT NULL, created_at TEXT NOT NULL,
      PRIMARY KEY (workflow_id, round));
    CREATE INDEX IF NOT EXISTS synthesis_rounds_env ON synthesis_rounds(env_id);
    CREATE TABLE IF NOT EXISTS synthesis_runs (
      workflow_id TEXT PRIMARY KEY, parent_workflow_id TEXT, keyword TEXT NOT NULL, proposal TEXT NOT NULL,
      outcome TEXT NOT NULL, env_id TEXT, rounds INTEGER NOT NULL, reason TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS synthesis_runs_keyword ON synthesis_runs(keyword);
  `);
  synthesisTablesReady.add(reg);
}

export function recordRound(reg: Registry, r: RoundRow): void {
  ensureSynthesisTables(reg);
  reg.db
    .prepare(`INSERT OR REPLACE INTO synthesis_rounds (workflow_id, round, keyword, proposal, env_id, source, gates, feedback, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT created_at FROM synthesis_rounds WHERE workflow_id = ? AND round = ?), ?))`)
    .run(
      r.workflowId,
      r.round,
      r.keyword,
      JSON.stringify(r.proposal),
      r.envId,
      r.source,
      JSON.stringify(r.gates),
      r.feedback,
      r.workflowId,
      r.round,
      r.createdAt ?? new Date().toISOString(),
    );
}

export function recordSynthesisRun(reg: Registry, r: SynthesisRunRow): void {
  ensureSynthesisTables(reg);
  reg.db
    .prepare(`INSERT OR REPLACE INTO synthesis_runs (workflow_id, parent_workflow_id, keyword, proposal, outcome, env_id, rounds, reason, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT created_at FROM synthesis_runs WHERE workflow_id = ?), ?))`)
    .run(
      r.workflowId,
      r.parentWorkflowId,
      r.keyword,
      JSON.stringify(r.proposal),
      r.outcome,
      r.envId,
      r.rounds,
      r.reason,
      r.workflowId,
      r.createdAt ?? new Date().toISOString(),
    );
}

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
  round: r.round,
  keyword: r.keyword,
  proposal: JSON.parse(r.proposal),
  envId: r.env_id,
  source: r.source,
  gates: JSON.parse(r.gates),
  feedback: r.feedback,
  createdAt: r.created_at,
});

export function roundsOf(reg: Registry, workflowId: string): RoundRow[] {
  ensureSynthesisTables(reg);
  return (reg.db.prepare('SELECT * FROM synthesis_rounds WHERE workflow_id = ? ORDER BY round').all(workflowId) as RawRound[]).map(toRound);
}

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
  rounds: r.rounds,
  reason: r.reason,
  createdAt: r.created_at,
});

export function synthesisRuns(reg: Registry, filter: { keyword?: string; parentWorkflowId?: string } = {}): SynthesisRunRow[] {
  ensureSynthesisTables(reg);
  const where: string[] = [],
    args: string[] = [];
  if (filter.keyword) {
    where.push('keyword = ?');
    args.push(filter.keyword);
  }
  if (filter.parentWorkflowId) {
    where.push('parent_workflow_id = ?');
    args.push(filter.parentWorkflowId);
  }
  return (
    reg.db
      .prepare(`SELECT * FROM synthesis_runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, workflow_id`)
      .all(...args) as RawRun[]
  ).map(toRun);
}

export function synthesisRunOf(reg: Registry, workflowId: string): SynthesisRunRow | undefined {
  ensureSynthesisTables(reg);
  const r = reg.db.prepare('SELECT * FROM synthesis_runs WHERE workflow_id = ?').get(workflowId) as RawRun | undefined;
  return r ? toRun(r) : undefined;
}

/** Keywords with any synthesis run or environment already in the registry. */
export function triedKeywords(reg: Registry): Set<string> {
  ensureSynthesisTables(reg);
  const rows = reg.db
    .prepare(`SELECT keyword FROM synthesis_runs UNION SELECT keyword FROM environments WHERE keyword IS NOT NULL`)
    .all() as { keyword: string }[];
  return new Set(rows.map((r) => r.keyword));
}
