/**
 * The Markdown report of one growLibrary run, built from the registry alone (its synthesis runs
 * and rounds, the run's spend and its tokens, calls, cost and wall time per stage), so it can be rebuilt at any time — after a crash, a
 * resume, or on another machine with the same registry.
 * Knows nothing of Temporal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadKeywords } from '../lib/seeds';
import { funnelFromOutcomes } from '../charts/funnel';
import { renderSvg } from '../charts/render';
import { funnelSpec, solveRateSpec } from '../charts/specs';
import { checkContamination } from '../contamination/environment';
import { contaminationMarkdown } from '../contamination/report';
import type { Registry, StageUsage } from '../registry/registry';
import { type FunnelRow, stageFunnel } from './stage-funnel';
import type { SandboxPool } from '../sandbox';

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
  /** The synthesizeEnvironment run that made it. */
  workflowId: string;
  keyword: string;
  family: string;
  name: string;
  outcome: string;
  rounds: number;
  envId: string | null;
  reason: string;
  /** This environment's tokens, calls, cost and wall time per stage. */
  stages: StageUsage[];
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
  /** The run's tokens, calls, cost and wall time per stage (proposals included), in pipeline order. */
  stages: StageUsage[];
  /** proposed -> written -> each gate -> revised -> registered (reports/stage-funnel.ts). */
  funnel: FunnelRow[];
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

export async function buildGrowReport(reg: Registry, workflowId: string): Promise<GrowReport> {
  const runs = await reg.growRunRows(workflowId);
  const kwFamily = keywordFamilies();
  const byWorkflow = await reg.stageUsageByWorkflow(workflowId);
  const environments: EnvRow[] = runs.map((r) => ({
    workflowId: r.workflowId,
    keyword: r.keyword,
    family: r.envFamily ?? kwFamily.get(r.keyword) ?? 'unknown',
    name: r.envName ?? String(r.proposal?.name ?? ''),
    outcome: r.outcome,
    rounds: r.rounds,
    envId: r.envId,
    reason: r.reason,
    stages: byWorkflow.filter((u) => u.workflowId === r.workflowId).map(({ workflowId: _w, ...u }) => u),
  }));

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

  const u = await reg.runSpend(workflowId);

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
    usage: u,
    topRejections,
    stages: await reg.stageUsage(workflowId),
    funnel: stageFunnel(runs, await reg.growRounds(workflowId)),
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
/** Markdown table cells: no pipes or newlines. */
const cell = (s: string | number): string =>
  String(s)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

export function renderGrowReport(
  r: GrowReport,
  extra: { status?: string; progress?: unknown; generatedAt?: string; sections?: { title: string; body: string }[] } = {},
): string {
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
  out.push(...stageUsageMarkdown(r), ...funnelMarkdown(r.funnel));
  out.push('## Top rejection reasons', '');
  if (!r.topRejections.length) out.push('(none)');
  else {
    out.push('| count | reason |', '|---:|---|');
    for (const t of r.topRejections) out.push(`| ${t.count} | ${cell(t.reason)} |`);
  }
  for (const sec of extra.sections ?? []) out.push('', `## ${sec.title}`, '', sec.body);
  if (extra.progress !== undefined) out.push('', '## Last progress', '', '```json', JSON.stringify(extra.progress, null, 2), '```');
  return out.join('\n') + '\n';
}

const secs = (ms: number): string => (ms / 1000).toFixed(1);
const tokens = (u: StageUsage): number => u.promptTokens + u.completionTokens;

/** Per stage for the run, then per environment (its tokens by stage on one line). */
function stageUsageMarkdown(r: GrowReport): string[] {
  const out = [
    '## Per stage',
    '',
    'Tokens as the provider reported them for every reply received (retried attempts included: they were billed); ' +
      'wall time summed over the stage activity executions that ended (failed attempts included).',
    '',
    '| stage | LLM calls | prompt tokens | completion tokens | cost | executions | failed | wall time (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of r.stages)
    out.push(
      `| ${cell(s.stage)} | ${s.calls} | ${s.promptTokens} | ${s.completionTokens} | $${s.costUsd.toFixed(4)} | ${s.executions} | ${s.failed} | ${secs(s.wallMs)} |`,
    );
  if (!r.stages.length) out.push('| (none yet) | 0 | 0 | 0 | - | 0 | 0 | - |');
  out.push(
    '',
    '### Per environment',
    '',
    '| keyword | environment | outcome | tokens | cost | wall time (s) | tokens by stage |',
    '|---|---|---|---:|---:|---:|---|',
  );
  for (const e of r.environments) {
    const sum = (f: (u: StageUsage) => number) => e.stages.reduce((a, u) => a + f(u), 0);
    const byStage = e.stages.filter((u) => tokens(u) > 0).map((u) => `${u.stage} ${tokens(u)}`);
    out.push(
      `| ${cell(e.keyword)} | ${cell(e.name || '-')} | ${e.outcome} | ${sum(tokens)} | $${sum((u) => u.costUsd).toFixed(4)} | ${secs(sum((u) => u.wallMs))} | ${cell(byStage.join(', ') || '-')} |`,
    );
  }
  if (!r.environments.length) out.push('| (none yet) | | | | | | |');
  out.push('');
  return out;
}

/** The funnel table, then each stage's top rejection reasons in full (fenced: they are often multi-line check output). */
function funnelMarkdown(funnel: FunnelRow[]): string[] {
  const out = [
    '## Stage funnel',
    '',
    '`proposed` and `registered` count proposals; the stages between count rounds (a revised draft goes through the gates again).',
    '',
    '| stage | ran | passed | not passed | proposals that passed |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const f of funnel) out.push(`| ${cell(f.stage)} | ${f.ran} | ${f.passed} | ${f.ran - f.passed} | ${f.proposals} |`);
  out.push('');
  const withReasons = funnel.filter((f) => f.topReasons.length);
  if (withReasons.length) out.push('### Top rejection reasons per stage', '');
  for (const f of withReasons) {
    out.push(`**${f.stage}**`, '');
    for (const t of f.topReasons) {
      // Indented fence (a list item's body); a fence inside the reason would end it early.
      const body = t.reason.split('\n').map((l) => `  ${l.replace(/`{3,}/g, "'''")}`);
      out.push(`- ${t.count}×`, '', '  ```text', ...body, '  ```', '');
    }
  }
  return out;
}

export function reportFile(reportsDir: string, workflowId: string): string {
  return path.join(reportsDir, `${workflowId.replace(/[^A-Za-z0-9._-]/g, '_')}.md`);
}

/** Writes <reportsDir>/<workflowId>.md atomically (a reader never sees half a report). */
export async function writeGrowReport(
  reg: Registry,
  reportsDir: string,
  workflowId: string,
  extra: { status?: string; progress?: unknown; pool?: SandboxPool; policyModel?: string } = {},
): Promise<{ file: string; report: GrowReport }> {
  const report = await buildGrowReport(reg, workflowId);
  const file = reportFile(reportsDir, workflowId);
  fs.mkdirSync(reportsDir, { recursive: true });
  const sections = await reportInsights(reg, report, file, extra);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, renderGrowReport(report, { status: extra.status, progress: extra.progress, sections }));
  fs.renameSync(tmp, file);
  return { file, report };
}

/**
 * Charts (SVG next to the report: the synthesis funnel, the policy model's solve rate against
 * difficulty when calibrated) and the contamination check of the accepted environments (when a
 * sandbox pool is given to render their prompts).
 */
async function reportInsights(
  reg: Registry,
  report: GrowReport,
  file: string,
  extra: { pool?: SandboxPool; policyModel?: string },
): Promise<{ title: string; body: string }[]> {
  const dir = `${file.replace(/\.md$/, '')}.charts`;
  const rel = (f: string) => `${path.basename(dir)}/${f}`;
  const write = async (f: string, spec: Record<string, unknown>) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, f), await renderSvg(spec));
  };
  const images: string[] = [];
  await write('funnel.svg', funnelSpec(funnelFromOutcomes(report.environments.map((e) => e.outcome))));
  images.push(`![Synthesis funnel](${rel('funnel.svg')})`);
  const accepted = report.environments.filter((e) => e.outcome === 'accepted' && e.envId);
  if (extra.policyModel) {
    const points = [];
    for (const e of accepted)
      for (const l of await reg.calibrationLevels(e.envId!, extra.policyModel))
        points.push({ env: e.name, difficulty: l.difficulty, solveRate: l.solveRate, attempts: l.attempts });
    if (points.length) {
      await write('solve-rate.svg', solveRateSpec(points, extra.policyModel));
      images.push(`![Solve rate against difficulty](${rel('solve-rate.svg')})`);
    }
  }
  const sections = [{ title: 'Charts', body: images.join('\n\n') }];
  if (extra.pool && accepted.length) {
    const results = [];
    for (const e of accepted) {
      const rec = await reg.getEnvironment(e.envId!);
      if (rec) results.push(await checkContamination(extra.pool, rec));
    }
    sections.push({ title: 'Contamination check (BIG-Bench Hard, BBEH)', body: contaminationMarkdown(results) });
  }
  return sections;
}
