/** `resyn grow`: start a growLibrary run (keywords or a count of seed keywords) and optionally follow it. */
import type { Command } from 'commander';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { endpointProblem } from '../../llm/client';
import { action, CliError, cliConfig, note, printJson } from '../output';
import { intFlag, listFlag, optional, positiveNumberFlag } from '../options';
import { followProgress, growView, ProgressReporter, retryingTrouble } from '../progress';
import { connectClient } from '../stack';
import type { ResynConfig } from '../../temporal.config';
import type { GrowInput } from '../../contracts/grow-input';
import type { GrowProgress } from '../../contracts/grow-rules';
import { growExitCode } from '../../contracts/grow-outcome';

interface GrowOptions {
  keywords?: string;
  count?: string;
  target?: string;
  concurrency?: string;
  budgetTokens?: string;
  budgetUsd?: string;
  proposals?: string;
  maxRevisions?: string;
  id?: string;
  wait?: boolean;
  json?: boolean;
  llmCheck?: boolean;
}

const int = (name: string, v: string | undefined, min = 1) => optional(intFlag)(`--${name}`, v, min);

/** The growLibrary input from the flags, defaults from config (gates, revisions, proposals, concurrency). */
export function growInputFromOptions(o: GrowOptions, cfg: ResynConfig): GrowInput {
  const keywords = o.keywords === undefined ? undefined : listFlag(o.keywords);
  if ((keywords === undefined) === (o.count === undefined)) throw new CliError('give exactly one of --keywords a,b,c or --count N');
  if (keywords && !keywords.length) throw new CliError('--keywords: no keyword given');
  const usd = o.budgetUsd === undefined ? undefined : positiveNumberFlag('--budget-usd', o.budgetUsd);
  return {
    ...(keywords ? { keywords } : { count: int('count', o.count) }),
    target: int('target', o.target),
    concurrency: int('concurrency', o.concurrency) ?? cfg.grow.concurrency,
    budget: { maxTokens: int('budget-tokens', o.budgetTokens), maxCostUsd: usd },
    gates: cfg.synthesis.gates,
    maxRevisions: int('max-revisions', o.maxRevisions, 0) ?? cfg.synthesis.maxRevisions,
    proposalsPerKeyword: int('proposals', o.proposals) ?? cfg.synthesis.proposalsPerKeyword,
  };
}

/** Follows a run, showing its progress on stderr (cli/progress.ts); resolves with the final progress. */
export async function followGrow(client: Client, workflowId: string, json: boolean): Promise<GrowProgress> {
  const handle = client.workflow.getHandle(workflowId);
  const reporter = new ProgressReporter(workflowId, 'growLibrary', { json });
  const result = handle.result() as Promise<GrowProgress>;
  try {
    await followProgress({
      query: () => handle.query<GrowProgress>('progress'),
      view: growView,
      done: result,
      reporter,
      // LLM calls being retried (the workflow only hears of a call's final failure).
      trouble: retryingTrouble(client, workflowId),
    });
    const final = await result;
    reporter.show(growView(final));
    return final;
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      let c: any = err.cause;
      while (c?.cause) c = c.cause;
      throw new CliError(`grow run ${workflowId} failed: ${c?.message ?? err.message}`, 1);
    }
    throw err;
  } finally {
    reporter.stop();
  }
}

export function registerGrow(program: Command): void {
  program
    .command('grow')
    .description(
      'grow the environment library: propose tasks per keyword, synthesize, check, judge, revise, register (a growLibrary workflow)',
    )
    .option('--keywords <list>', 'comma-separated seed keywords')
    .option('--count <n>', 'draw N untried keywords from seeds/keywords.json')
    .option('--target <n>', 'stop once N environments are accepted')
    .option('--concurrency <n>', 'child workflows in flight (default: config grow.concurrency)')
    .option('--budget-tokens <n>', 'stop starting work once N tokens are spent')
    .option('--budget-usd <x>', 'stop starting work once $X is spent (needs RESYN_LLM_*_COST_PER_MTOK)')
    .option('--proposals <n>', 'task proposals per keyword (default: config, 8 as in the paper)')
    .option('--max-revisions <n>', 'revision rounds after the first draft (default: config)')
    .option('--id <workflowId>', "workflow id (default grow-<timestamp>); reusing a failed run's id skips its finished keywords")
    .option('--no-llm-check', 'do not require an LLM endpoint in this shell (the worker has its own config)')
    .option(
      '--wait',
      'follow progress on stderr (a bar on a terminal) until the run ends; exit 0 completed or target reached, 1 failed, 3 stopped at the budget',
    )
    .option('--json', 'print JSON (the run id, or with --wait the final progress object; progress as JSON lines on stderr)')
    .addHelpText(
      'after',
      '\nExamples:\n  resyn grow --keywords "sudoku,graph coloring" --wait\n  resyn grow --count 50 --target 20 --budget-tokens 2000000 --wait --json\n\n' +
        'The LLM endpoint comes from OPENAI_BASE_URL / OPENAI_API_KEY (or RESYN_GENERATOR_BASE_URL, RESYN_JUDGE_BASE_URL ...)\nin the environment of the worker (`resyn up`).',
    )
    .action(
      action(async (o: GrowOptions) => {
        const cfg = cliConfig();
        const input = growInputFromOptions(o, cfg);
        if (o.llmCheck !== false) {
          const problem =
            endpointProblem({ ...cfg.llm.generator, name: 'generator' }) ?? endpointProblem({ ...cfg.llm.judge, name: 'judge' });
          if (problem)
            throw new CliError(`${problem} (the worker needs them; pass --no-llm-check if only the worker's environment has them)`);
        }
        const client = await connectClient(cfg);
        try {
          const workflowId = o.id ?? `grow-${new Date().toISOString().replace(/[:.]/g, '-')}`;
          await client.workflow.start('growLibrary', { taskQueue: cfg.temporal.taskQueue, workflowId, args: [input] });
          note(`started growLibrary ${workflowId} on task queue ${cfg.temporal.taskQueue}`);
          if (!o.wait) {
            if (o.json) printJson({ workflowId });
            else note(`follow it: resyn grow ... --wait, or the Temporal UI (ResynRunKind = "grow")`);
            return;
          }
          const final = await followGrow(client, workflowId, !!o.json);
          if (o.json) printJson({ workflowId, ...final });
          if (final.status === 'budget-exhausted')
            note(`stopped at its budget; continue it with: resyn resume ${workflowId} --budget-tokens N (a new, larger total)`);
          process.exitCode = growExitCode(final.status);
        } finally {
          await client.connection.close();
        }
      }),
    );
}
