/**
 * The last step of a dataset: make the folder self-contained and describe it. Writes the source
 * of every environment the rows use (`environments/<env_id>.js`), gathers the per-row numbers
 * the shards left, then the card (README.md) and the manifest, manifest last (its presence says
 * the dataset is complete). Idempotent: the same inputs give the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCard } from './card';
import { datasetInsights, type InsightDeps } from './insights';
import { environmentFile, writeEnvironmentSources } from './environments';
import { buildManifest, writeManifest, type Manifest } from './manifest';
import { SPLITS, shardBaseName, shardSpecs, type SamplePlan } from './plan';
import { promptTokenCounter, TOKENIZER_NAME } from './prompt-length';
import type { NormalizedSampleRequest } from '../contracts/sample-request';
import { readRowStats } from './row-stats';
import { DEFAULT_MAX_PROMPT_TOKENS, type RowStat } from './selection';
import type { ShardResult } from './shard';
import { writeIfChanged } from './writers';

export const CARD_FILE = 'README.md';

export interface EnvDescription {
  description: string | null;
  keyword: string | null;
}

export interface FinishDeps {
  source(envId: string): string | Promise<string>;
  describe(envId: string): Promise<EnvDescription>;
  /** Charts and the contamination report (dataset/insights.ts). */
  insights?: InsightDeps;
}

/** Row numbers of a shard written before its sidecar existed: recounted from its JSONL (pass rates unknown). */
async function recount(outDir: string, r: ShardResult): Promise<RowStat[] | undefined> {
  const f = r.files.find((x) => x.format === 'jsonl');
  if (!f) return undefined;
  const counter = await promptTokenCounter();
  return fs
    .readFileSync(path.join(outDir, f.file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const row = JSON.parse(l);
      const c: string = row.prompt[0].content;
      return [row.id, row.extra_info.split, c.length, counter.count(c), null] as RowStat;
    });
}

export async function gatherRowStats(plan: SamplePlan, results: ShardResult[]): Promise<RowStat[] | undefined> {
  const counts = new Map(shardSpecs(plan).map((s) => [`${s.split}/${s.index}`, s.count]));
  const sorted = results.slice().sort((a, b) => SPLITS.indexOf(a.split) - SPLITS.indexOf(b.split) || a.index - b.index);
  const out: RowStat[] = [];
  for (const r of sorted) {
    const base = shardBaseName({ split: r.split, index: r.index, count: counts.get(`${r.split}/${r.index}`) ?? 0 });
    const stats = readRowStats(plan.outDir, base) ?? (await recount(plan.outDir, r));
    if (!stats || stats.length !== r.rows) return undefined;
    out.push(...stats);
  }
  return out;
}

export async function finishDataset(
  plan: SamplePlan,
  request: NormalizedSampleRequest,
  results: ShardResult[],
  deps: FinishDeps,
): Promise<Manifest> {
  await writeEnvironmentSources(
    plan.outDir,
    plan.envs.map((e) => e.id),
    deps.source,
  );
  const rowStats = await gatherRowStats(plan, results);
  const described = new Map<string, EnvDescription>();
  for (const e of plan.envs) described.set(e.id, await deps.describe(e.id));
  let m = buildManifest(plan, request, results, {
    license: request.license ?? 'mit',
    describe: (id) => described.get(id) ?? { description: null, keyword: null },
    sourceFile: (id) => path.relative(plan.outDir, environmentFile(plan.outDir, id)),
    rowStats,
    tokenizer: TOKENIZER_NAME,
    maxPromptTokens: plan.selection?.maxPromptTokens ?? request.maxPromptTokens ?? DEFAULT_MAX_PROMPT_TOKENS,
    overlong: request.overlongPrompts ?? 'warn',
    passRate: plan.selection?.passRate,
  });
  const insights = await datasetInsights(plan.outDir, m, deps.insights ?? {});
  m = { ...m, ...insights.fields };
  const sections = insights.sections;
  writeIfChanged(path.join(plan.outDir, CARD_FILE), buildCard(m, { sections }));
  writeManifest(plan.outDir, m);
  return m;
}
