/**
 * A small real dataset built with the library modules (real registry, real QuickJS, the
 * tokenizer), without a workflow: for tests of what a dataset folder holds and how trainers read
 * it. The workflow path itself is covered by sample.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkContamination } from '../../contamination/environment';
import { finishDataset } from '../../dataset/finish';
import type { Manifest } from '../../dataset/manifest';
import { shardInput, shardSpecs } from '../../dataset/plan';
import { buildPlan } from '../../dataset/planner';
import { promptTokenCounter } from '../../dataset/prompt-length';
import type { DatasetRow } from '../../dataset/rows';
import { sampleRequestSchema, type SampleRequest } from '../../contracts/sample-request';
import { shardAdmitter } from '../../dataset/row-stats';
import type { SelectionDeps } from '../../dataset/selection';
import { writeShard, type ShardResult } from '../../dataset/shard';
import { listSeedEnvironments } from '../../lib/seeds';
import { importSeedEnvironments } from '../../registry/import-seeds';
import { openRegistry } from '../../registry/open';
import type { Registry } from '../../registry/registry';
import { sharedPool, type SandboxPool } from '../../sandbox';
import { dataPaths, type ResynConfig } from '../../temporal.config';
import { loadConfig } from '../../temporal.config';
import { tmpDir } from './temporal';

export interface TestDataset {
  cfg: ResynConfig;
  registry: Registry;
  pool: SandboxPool;
  dir: string;
  manifest: Manifest;
}

/** A registry holding the named seed environments (default: the first three). */
export async function seededRegistry(names?: string[]): Promise<{ cfg: ResynConfig; registry: Registry; pool: SandboxPool }> {
  const cfg = loadConfig({ RESYN_DATA_DIR: tmpDir('resyn-ds-'), RESYN_SANDBOX_WORKERS: '1' });
  const registry = await openRegistry(cfg);
  const pool = sharedPool(cfg.sandbox);
  const all = listSeedEnvironments();
  const seeds = names ? all.filter((s) => names.includes(s.name)) : all.slice(0, 3);
  const r = await importSeedEnvironments(registry, pool, seeds);
  assert.equal(r.failed.length, 0, JSON.stringify(r.failed));
  return { cfg, registry, pool };
}

/** Registers the first `count` seed environments in cfg's registry and closes it: a library for a worker to sample from. */
export async function seedLibrary(cfg: ResynConfig, count = 2): Promise<void> {
  const registry = await openRegistry(cfg);
  try {
    const r = await importSeedEnvironments(registry, sharedPool(cfg.sandbox), listSeedEnvironments().slice(0, count));
    assert.equal(r.failed.length, 0, JSON.stringify(r.failed));
  } finally {
    await registry.close();
  }
}

export async function buildDataset(
  base: { cfg: ResynConfig; registry: Registry; pool: SandboxPool },
  request: Omit<SampleRequest, 'name'> & { name?: string },
  selectionDeps: Partial<SelectionDeps> = {},
): Promise<TestDataset> {
  const req = sampleRequestSchema.parse({ name: 'test-ds', ...request });
  const plan = await buildPlan(req, { registry: base.registry, datasetsDir: dataPaths(base.cfg).datasets, policyModel: 'policy-model' });
  const source = async (id: string) => (await base.registry.getEnvironment(id))!.source;
  const tokens = await promptTokenCounter();
  const results: ShardResult[] = [];
  for (const s of shardSpecs(plan)) {
    const input = shardInput(plan, s);
    results.push(
      await writeShard(input, {
        pool: base.pool,
        source,
        admit: shardAdmitter(input, { tokens, ...selectionDeps }),
      }),
    );
  }
  const manifest = await finishDataset(plan, req, results, {
    source,
    describe: async (id) => {
      const rec = await base.registry.getEnvironment(id);
      return { description: rec?.description ?? null, keyword: rec?.keyword ?? null };
    },
    insights: {
      contamination: async (id) => checkContamination(base.pool, (await base.registry.getEnvironment(id))!),
      funnel: async (m) => [
        { stage: 'accepted in the library', count: (await base.registry.listEnvironments({ status: 'accepted' })).length },
        { stage: 'in this dataset', count: m.environments.length },
      ],
    },
  });
  return { ...base, dir: plan.outDir, manifest };
}

export function readRows(dir: string, manifest: Manifest): DatasetRow[] {
  return manifest.shards.flatMap((s) =>
    fs
      .readFileSync(path.join(dir, s.files.find((f) => f.format === 'jsonl')!.file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as DatasetRow),
  );
}

/** Per row: its solver's answer (reward 1), a wrong answer and no answer at all. */
export async function scoringCases(ds: TestDataset, rows: DatasetRow[]): Promise<{ row: DatasetRow; response: string }[]> {
  const out: { row: DatasetRow; response: string }[] = [];
  for (const row of rows) {
    const src = (await ds.registry.getEnvironment(row.env_id))!.source;
    const [s] = await ds.pool.sample(src, [{ seed: row.seed, difficulty: row.difficulty }]);
    assert.ok(s?.ok);
    const [a] = await ds.pool.solve(src, [s.value.state]);
    assert.ok(a?.ok);
    out.push({ row, response: `Reasoning...\n<answer>${a.value}</answer>` });
    out.push({ row, response: '<answer>certainly not this</answer>' });
    out.push({ row, response: 'no final answer' });
  }
  return out;
}
