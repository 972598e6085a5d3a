/**
 * The dataset manifest (manifest.json next to the shards): the shards with row counts and
 * sha256 checksums, the environment versions (content hashes) used, the request, and the mix per
 * environment, tag, family and difficulty. No timestamps: the same request gives the same bytes.
 */
import * as path from 'node:path';
import { difficultyFor, splitOfSeed } from './instances';
import { SPLITS, type SamplePlan } from './plan';
import type { NormalizedSampleRequest } from '../contracts/sample-request';
import type { ShardResult } from './shard';
import type { ContaminationResult } from '../contamination/report';
import { lengthSummary } from './prompt-length';
import { ROW_STAT_COLUMNS, type PassRateFilter, type RowStat } from './selection';
import { atomicWrite } from './writers';

export const MANIFEST_FILE = 'manifest.json';

type Counts = { train: number; validation: number };

export interface Manifest {
  format: 'resyn-dataset/1';
  name: string;
  planHash: string;
  request: NormalizedSampleRequest;
  totals: Counts & { rows: number; dropped: number };
  shards: { split: string; index: number; rows: number; files: ShardResult['files'] }[];
  license: string;
  environments: {
    id: string;
    name: string;
    family: string | null;
    tags: string[];
    description: string | null;
    keyword: string | null;
    /** The environment's source in this folder (content-addressed). */
    source: string;
    train: number;
    validation: number;
    levels: { level: number; weight: number }[];
  }[];
  skipped: SamplePlan['skipped'];
  mix: {
    byEnv: Record<string, Counts>;
    byTag: Record<string, Counts>;
    byFamily: Record<string, Counts>;
    byDifficulty: Record<string, Counts>;
    /** family -> difficulty -> rows (both splits). */
    byFamilyDifficulty: Record<string, Record<string, number>>;
  };
  dropped: ShardResult['dropped'];
  promptLength?: {
    tokenizer: string;
    maxPromptTokens: number;
    overlong: 'warn' | 'drop';
    overlongRows: number;
    chars: ReturnType<typeof lengthSummary>;
    tokens: ReturnType<typeof lengthSummary>;
  };
  selection?: { passRate?: PassRateFilter };
  /** Per environment: closeness to BIG-Bench Hard / BBEH tasks (flagged above the threshold). */
  contamination?: ContaminationResult[];
  /** SVG charts in this folder (relative paths). */
  charts?: string[];
  /** One entry per row, in shard order: [id, split, prompt_chars, prompt_tokens, pass_rate]. */
  rows?: { columns: typeof ROW_STAT_COLUMNS; data: RowStat[] };
}

/** What the manifest adds beyond the plan and the shard results (gathered by dataset/finish.ts). */
export interface ManifestExtras {
  license: string;
  describe(envId: string): { description: string | null; keyword: string | null };
  sourceFile(envId: string): string;
  rowStats?: RowStat[];
  tokenizer?: string;
  maxPromptTokens?: number;
  overlong?: 'warn' | 'drop';
  passRate?: PassRateFilter;
}

function add(m: Record<string, Counts>, k: string, split: 'train' | 'validation', n: number): void {
  m[k] ??= { train: 0, validation: 0 };
  m[k]![split] += n;
}

export function buildManifest(
  plan: SamplePlan,
  request: NormalizedSampleRequest,
  results: ShardResult[],
  extras: ManifestExtras,
): Manifest {
  const sorted = results.slice().sort((a, b) => SPLITS.indexOf(a.split) - SPLITS.indexOf(b.split) || a.index - b.index);
  const dropped = sorted.flatMap((r) => r.dropped);
  const mix: Manifest['mix'] = { byEnv: {}, byTag: {}, byFamily: {}, byDifficulty: {}, byFamilyDifficulty: {} };
  // The mix as planned, less the instances an environment failed on.
  const droppedBy = new Map<string, number>();
  for (const d of dropped) {
    const k = `${d.env_id}/${splitOfSeed(d.seed)}/${d.difficulty}`;
    droppedBy.set(k, (droppedBy.get(k) ?? 0) + 1);
  }
  for (const e of plan.envs) {
    for (const split of SPLITS) {
      const perLevel = new Map<number, number>();
      for (let p = 0; p < e[split]; p++) {
        const d = difficultyFor(e.levels, p);
        perLevel.set(d, (perLevel.get(d) ?? 0) + 1);
      }
      let n = 0;
      for (const [d, c] of perLevel) {
        const kept = c - (droppedBy.get(`${e.id}/${split}/${d}`) ?? 0);
        add(mix.byDifficulty, String(d), split, kept);
        const fam = (mix.byFamilyDifficulty[e.family ?? '(none)'] ??= {});
        fam[String(d)] = (fam[String(d)] ?? 0) + kept;
        n += kept;
      }
      add(mix.byEnv, e.name, split, n);
      add(mix.byFamily, e.family ?? '(none)', split, n);
      for (const t of e.tags) add(mix.byTag, t, split, n);
    }
  }
  const rows = sorted.reduce((a, r) => a + r.rows, 0);
  const bySplit = (s: string) => sorted.filter((r) => r.split === s).reduce((a, r) => a + r.rows, 0);
  return {
    format: 'resyn-dataset/1',
    name: plan.name,
    planHash: plan.planHash,
    request,
    totals: { train: bySplit('train'), validation: bySplit('validation'), rows, dropped: dropped.length },
    shards: sorted.map((r) => ({ split: r.split, index: r.index, rows: r.rows, files: r.files })),
    license: extras.license,
    environments: plan.envs.map((e) => ({
      id: e.id,
      name: e.name,
      family: e.family,
      tags: e.tags,
      ...extras.describe(e.id),
      source: extras.sourceFile(e.id),
      train: e.train,
      validation: e.validation,
      levels: e.levels,
    })),
    skipped: plan.skipped,
    mix,
    dropped,
    ...(extras.rowStats && extras.tokenizer
      ? {
          promptLength: {
            tokenizer: extras.tokenizer,
            maxPromptTokens: extras.maxPromptTokens ?? 0,
            overlong: extras.overlong ?? 'warn',
            overlongRows: extras.rowStats.filter((r) => r[3] > (extras.maxPromptTokens ?? Infinity)).length,
            chars: lengthSummary(extras.rowStats.map((r) => r[2])),
            tokens: lengthSummary(extras.rowStats.map((r) => r[3])),
          },
        }
      : {}),
    ...(extras.passRate ? { selection: { passRate: extras.passRate } } : {}),
    ...(extras.rowStats ? { rows: { columns: ROW_STAT_COLUMNS, data: extras.rowStats } } : {}),
  };
}

export function writeManifest(outDir: string, m: Manifest): string {
  const file = path.join(outDir, MANIFEST_FILE);
  atomicWrite(file, JSON.stringify(m, null, 2) + '\n');
  return file;
}
