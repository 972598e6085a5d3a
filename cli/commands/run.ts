/**
 * `resyn run` (npm start): the main job on the embedded defaults. Starts the dev server and a
 * worker, then: register the seed library, grow it when an LLM endpoint is configured, sample a
 * dataset from it, and print where everything is.
 */
import type { Command } from 'commander';
import { sha256 } from '../../lib/hash';
import { endpointProblem } from '../../llm/client';
import { importSeedEnvironments } from '../../registry/import-seeds';
import { openRegistry, registryLocation } from '../../registry/open';
import type { Registry } from '../../registry/registry';
import { sharedPool } from '../../sandbox';
import type { ResynConfig } from '../../temporal.config';
import type { SampleOutcome } from '../../workflows/sample-training-data';
import { action, cliConfig, note, printJson } from '../output';
import { intFlag } from '../options';
import { ProgressReporter } from '../progress';
import { startStack, type Stack } from '../stack';
import { followGrow, growInputFromOptions } from './grow';
import { runSample, sampleWorkflowId } from './sample';

interface RunOptions {
  grow: string;
  proposals: string;
  instancesPerEnv: string;
  json?: boolean;
}

async function registerSeedLibrary(registry: Registry, cfg: ResynConfig): Promise<void> {
  note('checking and registering the seed library (seeds/environments)...');
  const r = await importSeedEnvironments(registry, sharedPool(cfg.sandbox));
  note(`  seed library: ${r.imported} registered, ${r.skipped} already registered, ${r.failed.length} failed the checks`);
  for (const f of r.failed) note(`  ! ${f.name}: ${f.detail.split('\n')[0]}`);
}

/** Grows the library by a few untried seed keywords, or says how to configure an LLM. */
async function growWhenConfigured(stack: Stack, cfg: ResynConfig, keywords: number, proposals: number): Promise<void> {
  if (keywords === 0) return;
  const problem = endpointProblem({ ...cfg.llm.generator, name: 'generator' }) ?? endpointProblem({ ...cfg.llm.judge, name: 'judge' });
  if (problem) {
    note(`skipping library growth: ${problem}.`);
    note('  then run `npm start` again (or `resyn grow --count 3 --wait` while `resyn up` runs).');
    return;
  }
  const input = growInputFromOptions({ count: String(keywords), proposals: String(proposals) }, cfg);
  const workflowId = `run-grow-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  note(`growing the library by ${keywords} untried keyword(s) with ${cfg.llm.generator.model} (growLibrary ${workflowId})...`);
  await stack.client.workflow.start('growLibrary', { taskQueue: cfg.temporal.taskQueue, workflowId, args: [input] });
  await followGrow(stack.client, workflowId, false);
}

/** The dataset is named after the accepted library: the same library gives the same dataset, byte for byte. */
async function libraryDatasetName(registry: Registry): Promise<string> {
  const ids = (await registry.listEnvironments({ status: 'accepted' })).map((e) => e.id).sort();
  return `library-${sha256(ids.join('\n')).slice(0, 12)}`;
}

async function sampleDataset(stack: Stack, cfg: ResynConfig, registry: Registry, instancesPerEnv: number): Promise<SampleOutcome> {
  const name = await libraryDatasetName(registry);
  note(`sampling dataset "${name}" (${instancesPerEnv} instances per environment, difficulties 1..10, JSONL + Parquet)...`);
  const out = await runSample(
    stack.client,
    cfg,
    { name, instancesPerEnv, difficulties: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    new ProgressReporter(sampleWorkflowId(name), 'sampleTrainingData'),
  );
  return out;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'the main job: start the embedded Temporal server and a worker, register the seed library, grow it (with an LLM endpoint), sample a dataset, print where it is',
    )
    .option('--grow <n>', 'untried seed keywords to grow the library by when an LLM endpoint is configured (0: skip)', '3')
    .option('--proposals <n>', 'task proposals per keyword while growing', '2')
    .option('--instances-per-env <n>', 'dataset instances per environment', '100')
    .option('--json', 'print a JSON summary on stdout')
    .action(
      action(async (o: RunOptions) => {
        const cfg = cliConfig();
        const grow = intFlag('--grow', o.grow);
        const proposals = intFlag('--proposals', o.proposals, 1);
        const instancesPerEnv = intFlag('--instances-per-env', o.instancesPerEnv, 1);
        const t0 = Date.now();
        const stack = await startStack(cfg, note);
        // The process's one registry handle, shared with the worker's activities.
        const registry = await openRegistry(cfg);
        try {
          note(`Temporal: ${stack.address}${stack.uiUrl ? `   Web UI: ${stack.uiUrl}` : ''}`);
          await registerSeedLibrary(registry, cfg);
          await growWhenConfigured(stack, cfg, grow, proposals);
          const out = await sampleDataset(stack, cfg, registry, instancesPerEnv);
          const envs = (await registry.listEnvironments({ status: 'accepted' })).length;
          note('');
          note(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s. Library: ${envs} accepted environments (${registryLocation(cfg)}).`);
          note(
            `dataset: ${out.rows} rows (${out.train} train, ${out.validation} validation) from ${out.environments} environments in ${out.shards} shard(s)`,
          );
          note(`  ${out.outDir}`);
          note(`  manifest: ${out.manifestPath}`);
          note('next: `resyn env list`, `resyn serve-rewards`, `resyn up` for the Web UI (docs/trainers.md for verl / TRL / OpenRLHF).');
          if (o.json) printJson({ library: envs, registry: registryLocation(cfg), dataset: out });
        } finally {
          await sharedPool(cfg.sandbox).close();
          await stack.shutdown();
          await registry.close();
        }
      }),
    );
}
