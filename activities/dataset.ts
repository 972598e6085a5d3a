/** Activities of the sampleTrainingData workflow: thin adapters over dataset/ (plan, shard, manifest). */
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import { resynMetrics } from '../lib/metrics';
import { ApplicationFailure } from '@temporalio/common';
import { finishDataset } from '../dataset/finish';
import { MANIFEST_FILE, type Manifest } from '../dataset/manifest';
import { buildPlan } from '../dataset/planner';
import type { SamplePlan } from '../dataset/plan';
import { promptTokenCounter } from '../dataset/prompt-length';
import { shardAdmitter } from '../dataset/row-stats';
import { shardPassRateLookup } from '../rewards/pass-rate';
import { funnelFromOutcomes } from '../charts/funnel';
import { checkContamination } from '../contamination/environment';
import { CalibrationStore } from '../registry/calibration';
import { Failure } from '../contracts/failures';
import type { NormalizedSampleRequest } from '../contracts/sample-request';
import { writeShard, type ShardInput, type ShardResult } from '../dataset/shard';
import { sharedPool } from '../sandbox';
import { importSeedEnvironments } from '../registry/import-seeds';
import { openRegistry, registryLocation } from '../registry/open';
import { dataPaths, type ResynConfig } from '../temporal.config';

/** The process's registry and a source cache (environment ids are content hashes: immutable). */
export function registryAccess(cfg: ResynConfig) {
  const sources = new Map<string, string>();
  const open = () => openRegistry(cfg);
  return {
    registry: open,
    async source(envId: string): Promise<string> {
      let s = sources.get(envId);
      if (s === undefined) {
        const rec = await (await open()).getEnvironment(envId);
        if (!rec || rec.id !== envId)
          throw ApplicationFailure.nonRetryable(
            `environment ${envId} is not in the registry ${registryLocation(cfg)}`,
            Failure.UnknownEnvironment,
          );
        s = rec.source;
        sources.set(envId, s);
      }
      return s;
    },
  };
}

export function createDatasetActivities(cfg: ResynConfig) {
  const access = registryAccess(cfg);
  return {
    async planSample(req: NormalizedSampleRequest): Promise<SamplePlan> {
      const registry = await access.registry();
      // A fresh data folder (say, a run started from the UI before any `resyn run`) gets the seed library first.
      if ((await registry.listEnvironments({ status: 'accepted' })).length === 0)
        await importSeedEnvironments(registry, sharedPool(cfg.sandbox));
      const plan = await buildPlan(req, {
        registry,
        datasetsDir: dataPaths(cfg).datasets,
        policyModel: cfg.llm.policy.model,
        contamination: (rec) => checkContamination(sharedPool(cfg.sandbox), rec),
      });
      if (plan.envs.length === 0) {
        const why = plan.skipped
          .slice(0, 5)
          .map((s) => `${s.name}: ${s.reason}`)
          .join('; ');
        throw ApplicationFailure.nonRetryable(
          `no environment in ${registryLocation(cfg)} matches filter ${JSON.stringify(req.filter)}${why ? ` (${why})` : ''}; see \`resyn env list\``,
          Failure.NothingToSample,
        );
      }
      return plan;
    },

    async writeShard(input: ShardInput): Promise<ShardResult> {
      const tokens = await promptTokenCounter();
      const passRate = await shardPassRateLookup(await access.registry(), input);
      const r = await writeShard(input, {
        pool: sharedPool(cfg.sandbox),
        source: access.source,
        heartbeat: (d) => Context.current().heartbeat(d),
        admit: shardAdmitter(input, { tokens, passRate }, (shard, n) =>
          Context.current().log.warn(`${shard}: ${n} prompts over the max prompt length (kept; see the manifest)`),
        ),
      });
      if (!r.skipped) resynMetrics().datasetRows.inc({ split: r.split }, r.rows);
      return r;
    },

    async writeSampleManifest(args: {
      plan: SamplePlan;
      request: NormalizedSampleRequest;
      results: ShardResult[];
    }): Promise<{ path: string; totals: Manifest['totals']; shards: number }> {
      const registry = await access.registry();
      const pool = sharedPool(cfg.sandbox);
      const model = cfg.llm.policy.model;
      const m = await finishDataset(args.plan, args.request, args.results, {
        source: access.source,
        describe: async (id) => {
          const rec = await registry.getEnvironment(id);
          return { description: rec?.description ?? null, keyword: rec?.keyword ?? null };
        },
        insights: {
          contamination: async (id) => checkContamination(pool, (await registry.getEnvironment(id))!),
          solveRates: async (ids) => {
            const store = new CalibrationStore(registry);
            const points = [];
            for (const id of ids) {
              const name = (await registry.getEnvironment(id))?.name ?? id;
              for (const l of await store.levels(id, model))
                points.push({ env: name, difficulty: l.difficulty, solveRate: l.solveRate, attempts: l.attempts });
            }
            return { model, points };
          },
          funnel: async (mf) => {
            const outcomes = (await registry.synthesisRuns()).map((r) => r.outcome);
            const library = (await registry.listEnvironments({ status: 'accepted' })).length;
            return [
              ...(outcomes.length ? funnelFromOutcomes(outcomes) : []),
              { stage: 'accepted in the library', count: library },
              { stage: 'in this dataset', count: mf.environments.length },
            ];
          },
        },
      });
      return { path: path.join(args.plan.outDir, MANIFEST_FILE), totals: m.totals, shards: m.shards.length };
    },
  };
}
