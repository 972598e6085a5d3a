/**
 * `resyn schedule create|list|describe|pause|unpause|trigger|delete`: nightly growth as a
 * Temporal Schedule whose action starts the nightlyGrowth workflow (fresh keywords -> growLibrary
 * -> report -> optional sampleTrainingData). Overlap policy SKIP (a night that is still running
 * is not doubled) and a catch-up window (a server that was down catches up on missed runs only
 * within it).
 */
import type { Command } from 'commander';
import { describeZodError } from '../../lib/zod-errors';
import { endpointProblem } from '../../llm/client';
import { intFlag, positiveNumberFlag } from '../options';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import { RESYN_RUN_KIND } from '../../lib/search-attributes';
import { nightlyInputSchema, type NightlyInput } from '../../contracts/ops-input';
import type { ResynConfig } from '../../temporal.config';
import { action, CliError, cliConfig, note, printJson } from '../output';
import { connectClient } from '../stack';

const DURATION = /^\d+(ms|s|m|h|d)$/;

const int =
  (flag: string) =>
  (v: string): number =>
    intFlag(flag, v, 1);
const num =
  (flag: string) =>
  (v: string): number =>
    positiveNumberFlag(flag, v);

export interface CreateOptions {
  cron?: string;
  interval?: string;
  target?: number;
  count?: number;
  concurrency?: number;
  budgetTokens?: number;
  budgetUsd?: number;
  sample?: boolean;
  sampleInstances?: number;
  proposals?: number;
  maxRevisions?: number;
  gates?: string;
  keywords?: string;
  catchupWindow: string;
  paused?: boolean;
  json?: boolean;
}

/**
 * The nightlyGrowth input a `schedule create` command line stands for (validated like the
 * workflow does). With cfg, settings not given take the configured values (as `resyn grow` does).
 */
export function nightlyInputFrom(o: CreateOptions, cfg?: ResynConfig): NightlyInput {
  const budget =
    o.budgetTokens !== undefined || o.budgetUsd !== undefined
      ? {
          ...(o.budgetTokens !== undefined ? { maxTokens: o.budgetTokens } : {}),
          ...(o.budgetUsd !== undefined ? { maxCostUsd: o.budgetUsd } : {}),
        }
      : undefined;
  const input: NightlyInput = {
    ...(o.count !== undefined ? { count: o.count } : {}),
    ...(o.keywords
      ? {
          keywordPool: o.keywords
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean),
        }
      : {}),
    ...(o.target !== undefined ? { target: o.target } : {}),
    ...((o.concurrency ?? cfg?.grow.concurrency) !== undefined ? { concurrency: o.concurrency ?? cfg?.grow.concurrency } : {}),
    ...(budget ? { budget } : {}),
    ...((o.proposals ?? cfg?.synthesis.proposalsPerKeyword) !== undefined
      ? { proposalsPerKeyword: o.proposals ?? cfg?.synthesis.proposalsPerKeyword }
      : {}),
    ...((o.maxRevisions ?? cfg?.synthesis.maxRevisions) !== undefined
      ? { maxRevisions: o.maxRevisions ?? cfg?.synthesis.maxRevisions }
      : {}),
    ...(o.gates || cfg
      ? {
          gates: o.gates
            ? o.gates
                .split(',')
                .map((g) => g.trim())
                .filter(Boolean)
            : cfg!.synthesis.gates,
        }
      : {}),
    sample: o.sampleInstances !== undefined ? { instancesPerEnv: o.sampleInstances } : !!o.sample,
  };
  const r = nightlyInputSchema.safeParse(input);
  if (!r.success) throw new CliError(`invalid schedule input: ${describeZodError(r.error)}`);
  return input;
}

/** The schedule's essentials, for --json and for people. */
export function scheduleSummary(d: ScheduleDescription) {
  return {
    name: d.scheduleId,
    paused: d.state.paused,
    note: d.state.note ?? null,
    cron: typeof d.memo?.cron === 'string' ? [d.memo.cron] : [],
    intervals: (d.spec.intervals ?? []).map((i) => String(i.every)),
    input: d.action.type === 'startWorkflow' ? (d.action.args?.[0] ?? null) : null,
    overlap: d.policies.overlap,
    catchupWindowMs: d.policies.catchupWindow,
    nextActionTimes: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    recentActions: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
      runId: a.action.workflow.firstExecutionRunId,
    })),
    runningWorkflows: d.info.runningActions.map((a) => a.workflow.workflowId),
    actionCount: d.info.numActionsTaken,
    skippedForOverlap: d.info.numActionsSkippedOverlap,
  };
}

export async function createSchedule(client: Client, cfg: ResynConfig, name: string, o: CreateOptions) {
  if (!o.cron === !o.interval) throw new CliError('give exactly one of --cron "<5-field cron>" or --interval <duration, e.g. 24h>');
  if (o.interval && !DURATION.test(o.interval))
    throw new CliError(`--interval: expected a duration like 30s, 15m, 24h or 1d, got ${JSON.stringify(o.interval)}`);
  if (!DURATION.test(o.catchupWindow))
    throw new CliError(`--catchup-window: expected a duration like 1h, got ${JSON.stringify(o.catchupWindow)}`);
  const input = nightlyInputFrom(o, cfg);
  const handle = await client.schedule.create({
    scheduleId: name,
    spec: o.cron ? { cronExpressions: [o.cron] } : { intervals: [{ every: o.interval as `${number}s` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'nightlyGrowth',
      workflowId: `nightly-${name}`,
      taskQueue: cfg.temporal.taskQueue,
      args: [input],
      typedSearchAttributes: [{ key: RESYN_RUN_KIND, value: 'nightly' }],
      memo: { schedule: name },
    },
    memo: o.cron ? { cron: o.cron } : { interval: o.interval },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: o.catchupWindow as `${number}h` },
    state: { paused: !!o.paused, note: o.paused ? 'created paused' : undefined },
  });
  return scheduleSummary(await handle.describe());
}

export interface TriggerResult {
  triggered: boolean;
  overlap: string;
  /** Runs of this schedule that were running when it was triggered. */
  running: string[];
  message: string;
}

/**
 * Triggers a run now under the schedule's own overlap policy (the SDK's trigger() defaults to
 * ALLOW_ALL, which would start a second night on the same keywords beside a running one).
 */
export async function triggerSchedule(client: Client, name: string): Promise<TriggerResult> {
  const h = client.schedule.getHandle(name);
  const d = await h.describe();
  const overlap = d.policies.overlap ?? ScheduleOverlapPolicy.SKIP; // the server's default when unset
  const running = d.info.runningActions.map((a) => a.workflow.workflowId);
  await h.trigger(overlap);
  if (running.length && overlap === ScheduleOverlapPolicy.SKIP) {
    return {
      triggered: false,
      overlap,
      running,
      message: `not started: ${running.join(', ')} is still running and the schedule's overlap policy is SKIP`,
    };
  }
  const after = running.length ? ` (${running.join(', ')} is running; overlap policy ${overlap} applies)` : '';
  return { triggered: true, overlap, running, message: `triggered schedule ${name}${after}` };
}

async function withSchedule<T>(_client: Client, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError)
      throw new CliError(`no schedule named ${JSON.stringify(name)} (see \`resyn schedule list\`)`, 1);
    throw err;
  }
}

function show(s: ReturnType<typeof scheduleSummary>): void {
  const when = [...s.cron.map((c) => `cron "${c}"`), ...s.intervals.map((i) => `every ${i}`)].join(', ');
  process.stdout.write(
    `${s.name}: ${s.paused ? 'PAUSED' : 'active'}; ${when}; next: ${s.nextActionTimes[0] ?? '-'}; runs so far: ${s.actionCount}` +
      (s.runningWorkflows.length ? `; running: ${s.runningWorkflows.join(', ')}` : '') +
      '\n',
  );
}

export function registerSchedule(program: Command): void {
  const cmd = program
    .command('schedule')
    .description('nightly growth of the library as a Temporal Schedule (starts the nightlyGrowth workflow)');

  cmd
    .command('create <name>')
    .description('create a schedule that grows the library from fresh seed keywords (and optionally samples a dataset)')
    .option('--cron <expr>', 'when to run, a 5-field cron expression in UTC, e.g. "0 2 * * *"')
    .option('--interval <duration>', 'or run every <duration> (30s, 15m, 24h, 1d)')
    .option('--target <n>', 'stop a night once this many environments were accepted', int('--target'))
    .option('--count <n>', 'seed keywords (never tried before) to draw per night; default: --target, else 4', int('--count'))
    .option('--keywords <list>', 'comma-separated keyword pool to draw from instead of the seed keywords')
    .option('--concurrency <n>', 'synthesis child workflows in flight', int('--concurrency'))
    .option('--budget-tokens <n>', 'LLM token budget per night', int('--budget-tokens'))
    .option('--budget-usd <x>', 'LLM cost budget per night (USD)', num('--budget-usd'))
    .option('--proposals <n>', 'task proposals per keyword (default: config, 8 as in the paper)', int('--proposals'))
    .option('--max-revisions <n>', 'revision rounds after the first draft', (v) => intFlag('--max-revisions', v, 0))
    .option('--gates <list>', 'comma-separated gate activities, in order (default: config synthesis.gates / RESYN_GATES)')
    .option('--sample', 'after growing, sample an updated dataset from the accepted library')
    .option('--sample-instances <n>', 'instances per environment for that dataset (implies --sample)', int('--sample-instances'))
    .option('--catchup-window <duration>', 'how late a missed run may still start (e.g. after downtime)', '1h')
    .option('--paused', 'create the schedule paused')
    .option('--json', 'print the schedule as JSON')
    .action(
      action(async (name: string, o: CreateOptions) => {
        const cfg = cliConfig();
        const client = await connectClient(cfg);
        try {
          const s = await createSchedule(client, cfg, name, o).catch((err: unknown) => {
            if ((err as Error).name === 'ScheduleAlreadyRunning')
              throw new CliError(`a schedule named ${JSON.stringify(name)} exists already (delete it first, or pick another name)`, 1);
            throw err;
          });
          if (o.json) printJson(s);
          else show(s);
          // Not an error: the worker may have its own endpoint variables. But a night without an LLM fails, so say it now.
          const problem = endpointProblem({ ...cfg.llm.generator, name: 'generator' });
          if (problem) note(`warning: ${problem} — the worker that runs the schedule needs them`);
        } finally {
          await client.connection.close();
        }
      }),
    );

  cmd
    .command('list')
    .description('list schedules that start resyn workflows')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        const cfg = cliConfig();
        const client = await connectClient(cfg);
        try {
          const out = [];
          for await (const s of client.schedule.list()) {
            if (s.action?.type !== 'startWorkflow' || s.action.workflowType !== 'nightlyGrowth') continue;
            out.push(scheduleSummary(await client.schedule.getHandle(s.scheduleId).describe()));
          }
          if (o.json) printJson(out);
          else if (!out.length) note('no resyn schedules (create one with `resyn schedule create nightly --cron "0 2 * * *" --target 10`)');
          else out.forEach(show);
        } finally {
          await client.connection.close();
        }
      }),
    );

  const simple = (verb: string, description: string, fn: (client: Client, name: string) => Promise<void>) =>
    cmd
      .command(`${verb} <name>`)
      .description(description)
      .option('--json', 'print the schedule as JSON afterwards')
      .action(
        action(async (name: string, o: { json?: boolean }) => {
          const cfg = cliConfig();
          const client = await connectClient(cfg);
          try {
            await withSchedule(client, name, () => fn(client, name));
            if (verb === 'delete') {
              if (o.json) printJson({ name, deleted: true });
              else note(`deleted schedule ${name}`);
              return;
            }
            const s = scheduleSummary(await client.schedule.getHandle(name).describe());
            if (o.json) printJson(s);
            else show(s);
          } finally {
            await client.connection.close();
          }
        }),
      );

  simple('describe', 'show a schedule: state, next runs, recent runs', async () => {});
  simple('pause', 'pause a schedule (no runs start until unpaused)', (c, n) =>
    c.schedule.getHandle(n).pause('paused with resyn schedule pause'),
  );
  simple('unpause', 'unpause a schedule', (c, n) => c.schedule.getHandle(n).unpause('unpaused with resyn schedule unpause'));
  cmd
    .command('trigger <name>')
    .description("start a run now, under the schedule's overlap policy (SKIP: not while a run is still going; exit 1 then)")
    .option('--json', 'print {triggered, overlap, running, message} as JSON')
    .action(
      action(async (name: string, o: { json?: boolean }) => {
        const client = await connectClient(cliConfig());
        try {
          const r = await withSchedule(client, name, () => triggerSchedule(client, name));
          if (o.json) printJson(r);
          else note(r.message);
          if (!r.triggered) process.exitCode = 1;
        } finally {
          await client.connection.close();
        }
      }),
    );
  simple('delete', 'delete a schedule (runs already started continue)', (c, n) => c.schedule.getHandle(n).delete());
}
