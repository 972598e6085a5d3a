/**
 * The Markdown report of one growLibrary run, built from the registry alone (synthesis_runs rows
 * carry the grow run as parent_workflow_id; llm_calls carry the calling workflow id), so it can
 * be rebuilt at any time — after a crash, a resume, or on another machine with the same registry.
 * Knows nothing of Temporal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadKeywords } from '../lib/seeds';
import type { Registry } from '../registry/store';
import { ensureSynthesisTables } from '../registry/synthesis-log';
import { ensureUsageTable } from '../llm/usage';

export interface FamilyStats {
  family: string;
  attempted: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  failed: number;
  acceptRate: number;
}
export interface EnvRow {
  keyword: string;
  family: string;
  name: string;
  outcome: string;
  rounds: number;
  envId: string | null;
  reason: string;
}
export interface GrowReport {
  workflowId: string;
  attempted: number;
  accepted: number;
  acceptRate: number;
  families: FamilyStats[];
  environments: EnvRow[];
  usage: { calls: number; promptTokens: number; completionTokens: number; costUsd: number };
  topRejections: { reason: string; count: number }[];
}

interface RawRun {
  workflow_id: string;
  keyword: string;
  proposal: string;
  outcome: string;
  env_id: string | null;
  rounds: number;
  reason: string;
  env_name: string | null;
  env_family: string | null;
}

/** One line, bounded: reasons are often multi-line check output. */
export function shortReason(reason: string, max = 140): string {
  const line =
    reason
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? '(no reason recorded)';
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

function keywordFamilies(): Map<string, string> {
  try {
    return new Map(loadKeywords().map((k) => [k.keyword, k.family]));
  } catch {
    return new Map();
  }
}

export function buildGrowReport(reg: Registry, workflowId: string): GrowReport {
  ensureSynthesisTables(reg);
  ensureUsageTable(reg);
  const runs = reg.db
    .prepare(`SELECT r.workflow_id, r.keyword, r.proposal, r.outcome, r.env_id, r.rounds, r.reason,
      e.name AS env_name, e.family AS env_family
    FROM synthesis_runs r LEFT JOIN environments e ON e.id = r.env_id
    WHERE r.parent_workflow_id = ? ORDER BY r.keyword, r.workflow_id`)
    .all(workflowId) as RawRun[];
  const kwFamily = keywordFamilies();
  const environments: EnvRow[] = runs.map((r) => {
    let proposalName = '';
    try {
      proposalName = String(JSON.parse(r.proposal)?.name ?? '');
    } catch {
      /* keep empty */
    }
    return {
      keyword: r.keyword,
      family: r.env_family ?? kwFamily.get(r.keyword) ?? 'unknown',
      name: r.env_name ?? proposalName ?? '',
      outcome: r.outcome,
      rounds: r.rounds,
      envId: r.env_id,
      reason: r.reason,
    };
  });

  const byFamily = new Map<string, FamilyStats>();
  for (const e of environments) {
    const f = byFamily.get(e.family) ?? {
      family: e.family,
      attempted: 0,
      accepted: 0,
      rejected: 0,
      duplicate: 0,
      failed: 0,
      acceptRate: 0,
    };
    f.attempted++;
    if (e.outcome === 'accepted' || e.outcome === 'rejected' || e.outcome === 'duplicate' || e.outcome === 'failed') f[e.outcome]++;
    byFamily.set(e.family, f);
  }
  const families = [...byFamily.values()].sort((a, b) => a.family.localeCompare(b.family));
  for (const f of families) f.acceptRate = f.attempted ? f.accepted / f.attempted : 0;

  // Spend of the run itself and of its children (child ids are not guaranteed to share a prefix).
  const ids = [workflowId, ...runs.map((r) => r.workflow_id)];
  const u = reg.db
    .prepare(`SELECT COUNT(*) AS calls, COALESCE(SUM(prompt_tokens),0) AS p, COALESCE(SUM(completion_tokens),0) AS c,
      COALESCE(SUM(cost_usd),0) AS cost FROM llm_calls
    WHERE workflow_id IN (SELECT value FROM json_each(?)) OR workflow_id LIKE ? ESCAPE '\\'`)
    .get(JSON.stringify(ids), workflowId.replace(/[\\%_]/g, (m) => '\\' + m) + '/%') as {
    calls: number;
    p: number;
    c: number;
    cost: number;
  };

  const reasons = new Map<string, number>();
  for (const e of environments) {
    if (e.outcome === 'accepted') continue;
    const k = shortReason(e.reason);
    reasons.set(k, (reasons.get(k) ?? 0) + 1);
  }
  const topRejections = [...reasons.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, 10);

  const accepted = environments.filter((e) => e.outcome === 'accepted').length;
  return {
    workflowId,
    attempted: environments.length,
    accepted,
    acceptRate: environments.length ? accepted / environments.length : 0,
    families,
    environments,
    usage: { calls: u.calls, promptTokens: u.p, completionTokens: u.c, costUsd: u.cost },
    topRejections,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
/** Markdown table cells: no pipes or newlines. */
const cell = (s: string | number): string =>
  String(s)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

export function renderGrowReport(r: GrowReport, extra: { status?: string; progress?: unknown; generatedAt?: string } = {}): string {
  const out: string[] = [];
  out.push(`# growLibrary run \`${r.workflowId}\``, '');
  if (extra.status) out.push(`Status: **${extra.status}**  `);
  out.push(`Generated: ${extra.generatedAt ?? new Date().toISOString()}`, '');
  out.push(`Environments attempted: **${r.attempted}**, accepted: **${r.accepted}** (${pct(r.acceptRate)}).`, '');
  out.push(
    '## Accept rate per family',
    '',
    '| family | attempted | accepted | rejected | duplicate | failed | accept rate |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const f of r.families)
    out.push(
      `| ${cell(f.family)} | ${f.attempted} | ${f.accepted} | ${f.rejected} | ${f.duplicate} | ${f.failed} | ${pct(f.acceptRate)} |`,
    );
  if (!r.families.length) out.push('| (none yet) | 0 | 0 | 0 | 0 | 0 | - |');
  out.push('', '## Rounds per environment', '', '| keyword | family | environment | outcome | rounds |', '|---|---|---|---|---:|');
  for (const e of r.environments)
    out.push(`| ${cell(e.keyword)} | ${cell(e.family)} | ${cell(e.name || '-')} | ${e.outcome} | ${e.rounds} |`);
  if (!r.environments.length) out.push('| (none yet) | | | | |');
  out.push(
    '',
    '## Tokens and cost',
    '',
    `LLM calls: ${r.usage.calls}; prompt tokens: ${r.usage.promptTokens}; completion tokens: ${r.usage.completionTokens}; ` +
      `cost: $${r.usage.costUsd.toFixed(4)} (prices from RESYN_LLM_INPUT_COST_PER_MTOK / RESYN_LLM_OUTPUT_COST_PER_MTOK).`,
    '',
  );
  out.push('## Top rejection reasons', '');
  if (!r.topRejections.length) out.push('(none)');
  else {
    out.push('| count | reason |', '|---:|---|');
    for (const t of r.topRejections) out.push(`| ${t.count} | ${cell(t.reason)} |`);
  }
  if (extra.progress !== undefined) out.push('', '## Last progress', '', '```json', JSON.stringify(extra.progress, null, 2), '```');
  return out.join('\n') + '\n';
}

export function reportFile(reportsDir: string, workflowId: string): string {
  return path.join(reportsDir, `${workflowId.replace(/[^A-Za-z0-9._-]/g, '_')}.md`);
}

/** Writes <reportsDir>/<workflowId>.md atomically (a reader never sees half a report). */
export function writeGrowReport(
  reg: Registry,
  reportsDir: string,
  workflowId: string,
  extra: { status?: string; progress?: unknown } = {},
): { file: string; report: GrowReport } {
  const report = buildGrowReport(reg, workflowId);
  const file = reportFile(reportsDir, workflowId);
  fs.mkdirSync(reportsDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, renderGrowReport(report, extra));
  fs.renameSync(tmp, file);
  return { file, report };
}
