/**
 * The sampling plan: how many instances each environment gets (caps applied fairly) and how the
 * rows are cut into shards. Pure and deterministic (no I/O): the planning activity builds it and
 * the workflow derives the shard list from it, so a replay or a continue-as-new sees the same plan.
 */
import type { RowSelection } from './selection';
import type { ShardInput } from './shard';
import type { LevelWeight, NormalizedSampleRequest } from '../contracts/sample-request';

export type Split = 'train' | 'validation';
export const SPLITS: Split[] = ['train', 'validation'];

export interface PlanEnv {
  id: string;
  name: string;
  family: string | null;
  tags: string[];
  train: number;
  validation: number;
  /** Difficulty levels this environment samples from (after a pass-rate band). */
  levels: LevelWeight[];
}

export interface SamplePlan {
  name: string;
  outDir: string;
  formats: ('jsonl' | 'parquet')[];
  shardSize: number;
  envs: PlanEnv[];
  skipped: { id: string; name: string; reason: string }[];
  totals: { train: number; validation: number };
  /** Row selection for every shard, when it changes which rows are kept (drop overlong, pass-rate band). */
  selection?: RowSelection;
  /** sha256 of the plan's content: shard files remember it to skip work on a re-run. */
  planHash: string;
}

/** A contiguous piece of one environment's split sequence [from, to). */
export interface Segment {
  env: number;
  from: number;
  to: number;
}
export interface ShardSpec {
  split: Split;
  index: number;
  count: number;
  /** Position of the shard's first row in the split (extra_info.index of that row). */
  start: number;
  segments: Segment[];
}

/** Instances per environment before caps: total n and the validation share. */
export function baseCounts(req: NormalizedSampleRequest): { total: number; validationFraction: number } {
  if ('train' in req.split) {
    const total = req.split.train + req.split.validation;
    return { total, validationFraction: req.split.validation / total };
  }
  return { total: req.instancesPerEnv, validationFraction: req.split.validationFraction };
}

/**
 * Water-filling: shares `cap` among demands so that no one gets more than it asked and small
 * demands leave their unused share to the others. Returns allowances in the input order.
 */
export function waterFill(demands: number[], cap: number): number[] {
  const order = demands.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d || a.i - b.i);
  const out = new Array<number>(demands.length).fill(0);
  let left = cap;
  order.forEach(({ d, i }, k) => {
    // Equal shares of what is left; a remainder smaller than the number of takers stays unused.
    const give = Math.min(d, Math.floor(left / (order.length - k)));
    out[i] = give;
    left -= give;
  });
  return out;
}

/**
 * Instances per environment after caps: perEnv first, then per tag (each tag's cap water-filled
 * among its environments; an environment gets the smallest allowance over its tags), so no
 * family dominates. Split into train/validation by the request's fraction.
 */
export function allocate(envs: { tags: string[] }[], req: NormalizedSampleRequest): { train: number; validation: number }[] {
  const { total, validationFraction } = baseCounts(req);
  const n = envs.map(() => Math.min(total, req.caps.perEnv ?? Infinity));
  if (req.caps.perTag !== undefined) {
    const cap = req.caps.perTag;
    const tags = [...new Set(envs.flatMap((e) => e.tags))].sort();
    const members = tags.map((t) => envs.map((e, i) => (e.tags.includes(t) ? i : -1)).filter((i) => i >= 0));
    // allow[t][k]: what tag t grants its k-th member. An environment asks each tag for what its
    // other tags grant it, so slack one tag leaves is taken up under another; a few passes settle it.
    let allow = members.map((m) => m.map((i) => n[i]!));
    const grantOthers = (i: number, except: number) =>
      members.reduce((a, m, t) => (t === except || !m.includes(i) ? a : Math.min(a, allow[t]![m.indexOf(i)]!)), n[i]!);
    for (let pass = 0; pass < 20; pass++) {
      const next = members.map((m, t) =>
        waterFill(
          m.map((i) => grantOthers(i, t)),
          cap,
        ),
      );
      const same = next.every((g, t) => g.every((x, k) => x === allow[t]![k]));
      allow = next;
      if (same) break;
    }
    members.forEach((m, t) =>
      m.forEach((i, k) => {
        n[i] = Math.min(n[i]!, allow[t]![k]!);
      }),
    );
  }
  return n.map((c) => {
    const validation = Math.round(c * validationFraction);
    return { train: c - validation, validation };
  });
}

/** The shards of both splits, in order: train-00000-of-N ..., validation-00000-of-M ... */
export function shardSpecs(plan: Pick<SamplePlan, 'envs' | 'shardSize'>): ShardSpec[] {
  const out: ShardSpec[] = [];
  for (const split of SPLITS) {
    const total = plan.envs.reduce((a, e) => a + e[split], 0);
    const count = Math.ceil(total / plan.shardSize);
    let env = 0;
    let offset = 0; // position inside envs[env]'s sequence
    for (let index = 0; index < count; index++) {
      const start = index * plan.shardSize;
      let need = Math.min(plan.shardSize, total - start);
      const segments: Segment[] = [];
      while (need > 0) {
        const avail = plan.envs[env]![split] - offset;
        if (avail <= 0) {
          env++;
          offset = 0;
          continue;
        }
        const take = Math.min(avail, need);
        segments.push({ env, from: offset, to: offset + take });
        offset += take;
        need -= take;
      }
      out.push({ split, index, count, start, segments });
    }
  }
  return out;
}

/**
 * What writeShard gets for one shard of a plan (the workflow, the test helper and the bench build
 * it here alone). `withSelection: false` keeps the shard inputs of runs that began before row
 * selection existed exactly as recorded.
 */
export function shardInput(
  plan: Pick<SamplePlan, 'outDir' | 'formats' | 'envs' | 'selection'>,
  s: ShardSpec,
  { withSelection = true } = {},
): ShardInput {
  return {
    outDir: plan.outDir,
    formats: plan.formats,
    split: s.split,
    index: s.index,
    count: s.count,
    start: s.start,
    segments: s.segments.map((g) => ({ env: plan.envs[g.env]!, from: g.from, to: g.to })),
    ...(plan.selection && withSelection ? { selection: plan.selection } : {}),
  };
}

/** File name of a shard (Hugging Face style), without the extension. */
export function shardBaseName(s: Pick<ShardSpec, 'split' | 'index' | 'count'>): string {
  const p = (n: number) => String(n).padStart(5, '0');
  return `${s.split}-${p(s.index)}-of-${p(s.count)}`;
}
