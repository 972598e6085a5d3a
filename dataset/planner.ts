/**
 * Builds the sampling plan from the registry: which environments (ids = content hashes, so the
 * versions are pinned), how many instances each, which difficulty levels. Deterministic for a
 * given registry content and request.
 */
import * as path from 'node:path';
import { CalibrationStore } from '../registry/calibration';
import type { ContaminationResult } from '../contamination/report';
import type { EnvironmentRecord, Registry } from '../registry/registry';
import { allocate, type PlanEnv, type SamplePlan } from './plan';
import { difficultyWeights, type NormalizedSampleRequest } from '../contracts/sample-request';
import { sha256 } from '../lib/hash';
import { DEFAULT_MAX_PROMPT_TOKENS, type RowSelection } from './selection';

export interface PlanContext {
  registry: Registry;
  /** <dataDir>/datasets, where a dataset goes unless the request names outDir. */
  datasetsDir: string;
  /** The policy model whose calibration a pass-rate band or calibratedOnly refers to by default. */
  policyModel: string;
  /** The contamination check (needed for excludeContaminated). */
  contamination?(rec: EnvironmentRecord): Promise<ContaminationResult>;
}

export async function buildPlan(req: NormalizedSampleRequest, ctx: PlanContext): Promise<SamplePlan> {
  const recs = await ctx.registry.listEnvironments({ status: req.filter.status, tags: req.filter.tags, ids: req.filter.ids });
  const skipped: SamplePlan['skipped'] = [];
  const weights = difficultyWeights(req.difficulties);
  const model = req.passRateBand?.model ?? ctx.policyModel;
  const calib = req.passRateBand || req.filter.calibratedOnly ? new CalibrationStore(ctx.registry) : undefined;
  const chosen: { rec: (typeof recs)[number]; levels: typeof weights }[] = [];
  if (req.excludeContaminated && !ctx.contamination) throw new Error('excludeContaminated: no contamination check available');
  for (const rec of recs) {
    let levels = weights;
    if (req.excludeContaminated) {
      const c = await ctx.contamination!(rec);
      if (c.flagged) {
        const best = c.matches[0]!;
        skipped.push({
          id: rec.id,
          name: rec.name,
          reason: `contamination: close to ${best.benchmark} ${best.task} (similarity ${best.similarity.toFixed(2)})`,
        });
        continue;
      }
    }
    if (calib && req.filter.calibratedOnly) {
      const v = await calib.verdict(rec.id, model);
      if (!v) {
        skipped.push({ id: rec.id, name: rec.name, reason: `not calibrated for model ${model}` });
        continue;
      }
      if (!v.kept) {
        skipped.push({ id: rec.id, name: rec.name, reason: `calibration: solve rate does not fall with difficulty (z=${v.z.toFixed(2)})` });
        continue;
      }
    }
    if (calib && req.passRateBand) {
      const band = req.passRateBand;
      const measured = new Map((await calib.levels(rec.id, model)).map((l) => [l.difficulty, l.solveRate]));
      levels = weights.filter((w) => {
        const r = measured.get(w.level);
        return r !== undefined && r >= band.min && r <= band.max;
      });
      if (levels.length === 0) {
        skipped.push({
          id: rec.id,
          name: rec.name,
          reason: `no requested level has a measured solve rate in [${band.min}, ${band.max}] for model ${model}`,
        });
        continue;
      }
    }
    chosen.push({ rec, levels });
  }
  const counts = allocate(
    chosen.map((c) => c.rec),
    req,
  );
  const envs: PlanEnv[] = [];
  chosen.forEach((c, i) => {
    const n = counts[i]!;
    if (n.train + n.validation === 0) {
      skipped.push({ id: c.rec.id, name: c.rec.name, reason: 'capped to 0 instances (caps.perTag)' });
      return;
    }
    envs.push({
      id: c.rec.id,
      name: c.rec.name,
      family: c.rec.family,
      tags: c.rec.tags,
      train: n.train,
      validation: n.validation,
      levels: c.levels,
    });
  });
  const outDir = path.resolve(req.outDir ?? path.join(ctx.datasetsDir, req.name));
  const totals = { train: envs.reduce((a, e) => a + e.train, 0), validation: envs.reduce((a, e) => a + e.validation, 0) };
  const selection = rowSelection(req, ctx.policyModel);
  const body = {
    name: req.name,
    formats: req.formats,
    shardSize: req.shardSize,
    envs,
    skipped,
    totals,
    ...(selection ? { selection } : {}),
  };
  return { ...body, outDir, planHash: sha256(JSON.stringify(body)) };
}

/** The row selection shards apply, when it changes which rows are kept (else undefined: plans stay as before). */
export function rowSelection(req: NormalizedSampleRequest, policyModel: string): RowSelection | undefined {
  const f = req.passRateFilter;
  if (!f && req.overlongPrompts !== 'drop') return undefined;
  return {
    ...(req.overlongPrompts === 'drop'
      ? { maxPromptTokens: req.maxPromptTokens ?? DEFAULT_MAX_PROMPT_TOKENS, overlong: 'drop' as const }
      : {}),
    ...(f ? { passRate: { min: f.min, max: f.max, k: f.k, model: f.model ?? policyModel } } : {}),
  };
}
