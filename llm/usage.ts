/**
 * Token usage and cost per LLM call, in the registry database (table llm_calls). Keyed by the
 * calling activity (workflow id, activity id, attempt): replaying the same attempt's write
 * changes nothing, while a real retry that called the model again is real spend and counts.
 */
import type { Registry } from '../registry/store';
import type { Usage } from './client';

export interface LlmCallRow {
  key: string;
  role: string;
  model: string;
  workflowId: string | null;
  keyword: string | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  ok: boolean;
}

const usageTableReady = new WeakSet<Registry>();
export function ensureUsageTable(reg: Registry): void {
  if (usageTableReady.has(reg)) return;
  reg.db.exec(`CREATE TABLE IF NOT EXISTS llm_calls (
    key TEXT PRIMARY KEY, role TEXT NOT NULL, model TEXT NOT NULL, workflow_id TEXT, keyword TEXT,
    prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
    ok INTEGER NOT NULL, created_at TEXT NOT NULL)`);
  reg.db.exec('CREATE INDEX IF NOT EXISTS llm_calls_workflow ON llm_calls(workflow_id)');
  usageTableReady.add(reg);
}

export function recordCall(reg: Registry, row: LlmCallRow): void {
  ensureUsageTable(reg);
  reg.db
    .prepare(`INSERT OR IGNORE INTO llm_calls (key, role, model, workflow_id, keyword, prompt_tokens, completion_tokens, cost_usd, ok, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
      row.key,
      row.role,
      row.model,
      row.workflowId,
      row.keyword,
      row.promptTokens,
      row.completionTokens,
      row.costUsd,
      row.ok ? 1 : 0,
      new Date().toISOString(),
    );
}

/** Totals, optionally for workflow ids starting with a prefix (a grow run's children). */
export function usageTotals(reg: Registry, workflowIdPrefix?: string): Usage & { calls: number; costUsd: number } {
  ensureUsageTable(reg);
  const r = reg.db
    .prepare(`SELECT COUNT(*) AS calls, COALESCE(SUM(prompt_tokens),0) AS p, COALESCE(SUM(completion_tokens),0) AS c,
    COALESCE(SUM(cost_usd),0) AS cost FROM llm_calls ${workflowIdPrefix ? 'WHERE workflow_id LIKE ?' : ''}`)
    .get(...(workflowIdPrefix ? [`${workflowIdPrefix}%`] : [])) as { calls: number; p: number; c: number; cost: number };
  return { calls: r.calls, promptTokens: r.p, completionTokens: r.c, costUsd: r.cost };
}
