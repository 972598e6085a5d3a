import type { Command } from 'commander';
import * as path from 'node:path';
import { sha256 } from '../../lib/hash';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { sampleRequestSchema, type SampleRequest } from '../../contracts/sample-request';
import { describeZodError } from '../../lib/zod-errors';
import { listFlag, numberFlag, optional } from '../options';
import { dataPaths, type ResynConfig } from '../../temporal.config';
import type { SampleOutcome, SampleProgress } from '../../workflows/sample-training-data';
import { action, CliError, cliConfig, note, printJson } from '../output';
import { followProgress, ProgressReporter, retryingTrouble, sampleOutcomeView, sampleView } from '../progress';
import { connectClient } from '../stack';

/** A default dataset name from the request's content: the same request lands in the same folder. */
export function defaultDatasetName(req: Omit<SampleRequest, 'name'>): string {
  const parsed = sampleRequestSchema.parse({ ...req, name: 'x' });
  const { name: _n, ...rest } = parsed;
  return `ds-${sha256(JSON.stringify(rest)).slice(0, 10)}`;
}

export const sampleWorkflowId = (name: string) => `resyn-sample-${name}`;

/**
 * Starts sampleTrainingData (or attaches to the running one with the same name), shows its progress
 * through `reporter` (cli/progress.ts) when given, and returns the outcome (manifest path and
 * counts). For `resyn sample` and `resyn run`.
 */
export async function runSample(
  client: Client,
  cfg: ResynConfig,
  request: SampleRequest,
  reporter?: ProgressReporter,
): Promise<SampleOutcome> {
  const workflowId = sampleWorkflowId(request.name);
  let handle;
  try {
    handle = await client.workflow.start('sampleTrainingData', { taskQueue: cfg.temporal.taskQueue, workflowId, args: [request] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle(workflowId);
  }
  const result = handle.result() as Promise<SampleOutcome>;
  if (!reporter) return result;
  try {
    await followProgress({
      query: () => handle.query<SampleProgress>('progress'),
      view: sampleView,
      done: result,
      reporter,
      trouble: retryingTrouble(client, workflowId),
      everyMs: 500,
    });
    const outcome = await result;
    reporter.show(sampleOutcomeView(outcome));
    return outcome;
  } finally {
    reporter.stop();
  }
}

function intList(s: string): number[] {
  const out = listFlag(s).map(Number);
  if (out.some((n) => !Number.isInteger(n)))
    throw new CliError(`--difficulties: expected integers like 1,2,3 or a weighted mix like 1:2,5:1, got "${s}"`);
  return out;
}
function difficulties(s: string): SampleRequest['difficulties'] {
  if (!s.includes(':')) return intList(s);
  const m: Record<string, number> = {};
  for (const part of listFlag(s)) {
    const [k, w] = part.split(':');
    if (!k || !w || !Number.isFinite(Number(w))) throw new CliError(`--difficulties: bad weighted level "${part}" (expected LEVEL:WEIGHT)`);
    m[k.trim()] = Number(w);
  }
  return m;
}
const num = optional(numberFlag);

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('sample RLVR training data (JSONL/Parquet shards + manifest) from the registry with the sampleTrainingData workflow')
    .option('--name <name>', 'dataset name (folder under <dataDir>/datasets); default: derived from the request')
    .option('--instances-per-env <n>', 'instances per environment', '100')
    .option('--difficulties <list>', 'levels 1..10 ("1,2,3") or a weighted mix ("1:2,5:1")', '1,2,3,4,5')
    .option('--validation-fraction <f>', "share of each environment's instances in the validation split", '0.1')
    .option('--shard-size <n>', 'rows per shard file', '10000')
    .option('--format <list>', 'jsonl, parquet or both', 'jsonl,parquet')
    .option('--tags <list>', 'only environments with all these tags')
    .option('--ids <list>', 'only these environment ids')
    .option('--cap-per-env <n>', 'at most this many instances per environment')
    .option('--cap-per-tag <n>', 'at most this many instances per tag (shared fairly)')
    .option('--pass-rate <min:max>', 'keep only difficulty levels whose calibrated solve rate is in [min, max]')
    .option('--calibrated-only', 'only environments whose difficulty calibration passed')
    .option(
      '--instance-pass-rate <min:max>',
      'per-instance selection: the policy model makes --attempts tries at every instance; keep rows whose pass rate is in [min, max]',
    )
    .option('--attempts <k>', 'policy-model attempts per instance for --instance-pass-rate', '8')
    .option('--max-prompt-tokens <n>', "max prompt length in tokens (chat-templated; default 512, verl's default)")
    .option('--drop-overlong', 'leave out rows whose prompt is over --max-prompt-tokens (default: keep them, warn in the manifest)')
    .option('--license <id>', 'license in the dataset card (default mit)')
    .option('--exclude-contaminated', 'leave out environments the contamination report flags (close to a BIG-Bench Hard / BBEH task)')
    .option('--out <dir>', 'output folder (default <dataDir>/datasets/<name>)')
    .option('--concurrency <n>', 'shard activities at once', '4')
    .option('--wait', 'wait for the dataset, with its progress on stderr (a bar on a terminal, lines otherwise)')
    .option('--json', 'print JSON (with --wait: the outcome on stdout, progress as JSON lines on stderr)')
    .action(
      action(async (o: Record<string, string | boolean | undefined>) => {
        const cfg = cliConfig();
        let band: SampleRequest['passRateBand'];
        if (typeof o.passRate === 'string') {
          const [a, b] = o.passRate.split(':').map(Number);
          band = { min: a!, max: b! };
        }
        let instanceBand: SampleRequest['passRateFilter'];
        if (typeof o.instancePassRate === 'string') {
          const [a, b] = o.instancePassRate.split(':').map(Number);
          instanceBand = { min: a!, max: b!, k: num('--attempts', o.attempts as string)! };
        }
        const req: Omit<SampleRequest, 'name'> = {
          filter: {
            status: 'accepted',
            ...(o.tags ? { tags: listFlag(o.tags as string) } : {}),
            ...(o.ids ? { ids: listFlag(o.ids as string) } : {}),
            calibratedOnly: !!o.calibratedOnly,
          },
          instancesPerEnv: num('--instances-per-env', o.instancesPerEnv as string),
          difficulties: difficulties(o.difficulties as string),
          split: { validationFraction: num('--validation-fraction', o.validationFraction as string)! },
          shardSize: num('--shard-size', o.shardSize as string),
          formats: listFlag(o.format as string) as ('jsonl' | 'parquet')[],
          caps: {
            perEnv: num('--cap-per-env', o.capPerEnv as string | undefined),
            perTag: num('--cap-per-tag', o.capPerTag as string | undefined),
          },
          ...(band ? { passRateBand: band } : {}),
          ...(instanceBand ? { passRateFilter: instanceBand } : {}),
          ...(o.maxPromptTokens ? { maxPromptTokens: num('--max-prompt-tokens', o.maxPromptTokens as string) } : {}),
          ...(o.dropOverlong ? { overlongPrompts: 'drop' as const } : {}),
          ...(o.license ? { license: o.license as string } : {}),
          ...(o.excludeContaminated ? { excludeContaminated: true } : {}),
          ...(o.out ? { outDir: path.resolve(o.out as string) } : {}),
          concurrency: num('--concurrency', o.concurrency as string),
        };
        const checked = sampleRequestSchema.safeParse({ ...req, name: (o.name as string | undefined) ?? 'x' });
        if (!checked.success) throw new CliError(`invalid sample request: ${describeZodError(checked.error)}`);
        const request: SampleRequest = { ...req, name: (o.name as string | undefined) ?? defaultDatasetName(req) };
        const client = await connectClient(cfg);
        try {
          if (!o.wait) {
            const h = await client.workflow
              .start('sampleTrainingData', {
                taskQueue: cfg.temporal.taskQueue,
                workflowId: sampleWorkflowId(request.name),
                args: [request],
              })
              .catch((err) => {
                if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(sampleWorkflowId(request.name));
                throw err;
              });
            const outDir = request.outDir ?? path.join(dataPaths(cfg).datasets, request.name);
            if (o.json) printJson({ workflowId: h.workflowId, name: request.name, outDir });
            else note(`started ${h.workflowId}; the dataset goes to ${outDir} (add --wait to follow it)`);
            return;
          }
          const outcome = await runSample(
            client,
            cfg,
            request,
            new ProgressReporter(sampleWorkflowId(request.name), 'sampleTrainingData', { json: !!o.json }),
          );
          if (o.json) printJson(outcome);
          else {
            note(
              `${outcome.rows} rows (${outcome.train} train, ${outcome.validation} validation) from ${outcome.environments} environments in ${outcome.shards} shards`,
            );
            process.stdout.write(outcome.manifestPath + '\n');
          }
        } finally {
          await client.connection.close();
        }
      }),
    );
}
