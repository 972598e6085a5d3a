/**
 * `resyn resume <workflowId>`: restarts a failed, cancelled, terminated or timed-out growLibrary
 * or sampleTrainingData run through the resumeRun workflow (which the UI can start too).
 */
import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { inspectRun, resumeRefusal } from '../../activities/ops';
import { RESUME_REFUSALS, rootFailure } from '../../contracts/failures';
import type { ResumeProgress, ResumeResult } from '../../workflows/resume-run';
import type { ResynConfig } from '../../temporal.config';
import { action, CliError, cliConfig, note, printJson } from '../output';
import { intFlag, optional, positiveNumberFlag } from '../options';
import { followProgress, ProgressReporter, retryingTrouble, viewsFor } from '../progress';
import { connectClient } from '../stack';

export interface StartedResume {
  resumeWorkflowId: string;
  resumedFrom: { workflowId: string; runId: string; status: string };
  type: string;
}

/** Checks the run can be resumed (clear error if not), then starts resumeRun for it. */
export async function startResume(
  client: Client,
  cfg: ResynConfig,
  workflowId: string,
  runId?: string,
  budget?: { maxTokens?: number; maxCostUsd?: number },
): Promise<StartedResume> {
  let info;
  try {
    info = await inspectRun(client, workflowId, runId);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new CliError(
        `no run with workflow id ${JSON.stringify(workflowId)}${runId ? ` and run id ${runId}` : ''} in namespace ${cfg.temporal.namespace}`,
        1,
      );
    throw err;
  }
  const refusal = resumeRefusal(info, { budget });
  if (refusal) throw new CliError(refusal, 1);
  // One resume per old run: starting it twice finds the first one.
  const resumeWorkflowId = `resume/${info.workflowId}/${info.runId}`;
  try {
    await client.workflow.start('resumeRun', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: resumeWorkflowId,
      args: [{ workflowId: info.workflowId, runId: info.runId, ...(budget ? { budget } : {}) }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { resumeWorkflowId, resumedFrom: { workflowId: info.workflowId, runId: info.runId, status: info.status }, type: info.type };
}

/** Polls the resume workflow's progress until the new run has started (needs a worker). */
export async function waitForNewRun(client: Client, resumeWorkflowId: string, timeoutMs = 60_000): Promise<ResumeProgress> {
  const h = client.workflow.getHandle(resumeWorkflowId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await h.describe();
    if (d.status.name !== 'RUNNING') {
      try {
        return (await h.result()) as ResumeResult;
      } catch (err) {
        // A refusal the CLI's own check could not see (e.g. the run closed meanwhile): its message, not a stack.
        const root = err instanceof WorkflowFailedError ? rootFailure(err) : undefined;
        if (root && RESUME_REFUSALS.includes(root.type)) throw new CliError(`cannot resume: ${root.message}`, 1);
        throw err;
      }
    }
    try {
      const p = await h.query<ResumeProgress>('progress');
      if (p.runId) return p;
    } catch {
      /* not yet queryable */
    }
    if (Date.now() > deadline)
      throw new CliError(
        `the resume workflow ${resumeWorkflowId} has not started the new run after ${timeoutMs / 1000}s: is a resyn worker running (\`resyn up\`)?`,
        1,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits for the resume workflow's result, showing the new run's progress meanwhile (cli/progress.ts:
 * a bar on a terminal, JSON lines with --json, lines otherwise). The new run keeps the old workflow
 * id; its latest run is followed (a continued-as-new grow run goes on under the same id).
 */
export async function followResumed(client: Client, s: StartedResume, p: ResumeProgress, json: boolean): Promise<ResumeResult> {
  const done = client.workflow.getHandle(s.resumeWorkflowId).result() as Promise<ResumeResult>;
  const views = viewsFor(s.type);
  if (!views || !p.workflowId) return done;
  const run = client.workflow.getHandle(p.workflowId);
  const reporter = new ProgressReporter(p.workflowId, s.type, { json });
  try {
    await followProgress({
      query: () => run.query('progress'),
      view: views.running,
      done,
      reporter,
      trouble: retryingTrouble(client, p.workflowId),
    });
    const r = await done;
    reporter.show(views.finished(r.result));
    return r;
  } finally {
    reporter.stop();
  }
}

export function registerResume(program: Command): void {
  program
    .command('resume <workflowId>')
    .description(
      'restart a failed, cancelled, terminated or timed-out growLibrary or sampleTrainingData run where it stopped (nothing finished is redone)',
    )
    .option('--run-id <runId>', 'a specific run of that workflow id (default: the latest)')
    .option('--budget-tokens <n>', 'growLibrary: a new total token budget (a run stopped at its budget resumes only with a larger one)')
    .option('--budget-usd <x>', 'growLibrary: a new total cost budget in dollars')
    .option('--wait', 'wait for the resumed run to finish, with its progress on stderr (a bar on a terminal), and print its result')
    .option('--json', 'print JSON (with --wait: progress as JSON lines on stderr, the result on stdout)')
    .action(
      action(
        async (workflowId: string, o: { runId?: string; wait?: boolean; json?: boolean; budgetTokens?: string; budgetUsd?: string }) => {
          const cfg = cliConfig();
          const maxTokens = optional(intFlag)('--budget-tokens', o.budgetTokens, 1);
          const maxCostUsd = o.budgetUsd === undefined ? undefined : positiveNumberFlag('--budget-usd', o.budgetUsd);
          const budget = maxTokens || maxCostUsd ? { maxTokens, maxCostUsd } : undefined;
          const client = await connectClient(cfg);
          try {
            const s = await startResume(client, cfg, workflowId, o.runId, budget);
            if (!o.json)
              note(
                `resuming ${s.type} ${s.resumedFrom.workflowId} (run ${s.resumedFrom.runId}, ${s.resumedFrom.status}) via workflow ${s.resumeWorkflowId}`,
              );
            const p = await waitForNewRun(client, s.resumeWorkflowId);
            const out = {
              resumeWorkflowId: s.resumeWorkflowId,
              type: s.type,
              resumedFrom: s.resumedFrom,
              workflowId: p.workflowId,
              runId: p.runId,
            };
            if (!o.wait) {
              if (o.json) printJson(out);
              else note(`new run: ${p.workflowId} (run ${p.runId}); follow it with \`resyn status ${p.workflowId}\``);
              return;
            }
            if (!o.json) note(`new run: ${p.workflowId} (run ${p.runId}); waiting for it to finish...`);
            try {
              const r = await followResumed(client, s, p, !!o.json);
              if (o.json) printJson({ ...out, result: r.result, report: r.report });
              else note(`finished: ${JSON.stringify(r.result)}${r.report ? `\nreport: ${r.report}` : ''}`);
            } catch (err) {
              if (err instanceof WorkflowFailedError)
                throw new CliError(`the resumed run failed: ${(err.cause as Error | undefined)?.message ?? err.message}`, 1);
              throw err;
            }
          } finally {
            await client.connection.close();
          }
        },
      ),
    );
}
