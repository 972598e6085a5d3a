/**
 * `resyn status [RUN]`: what resyn is doing — running runs with their progress, the library's
 * size by family, recent failures with their reasons — or, for one run, its progress and its
 * Markdown report (growLibrary runs; nightly and resume runs show their growLibrary child's).
 */
import type { Command } from 'commander';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Failure } from '../../contracts/failures';
import { openRegistry } from '../../registry/open';
import { shortReason, writeGrowReport, type GrowReport } from '../../reports/grow-report';
import { dataPaths, type ResynConfig } from '../../temporal.config';
import { action, CliError, cliConfig, printJson, stageBrief } from '../output';
import { failedJobs, failureText, retryingActivities, retryingLine } from '../run-trouble';
import { connectClient } from '../stack';
import { RESYN_STATUS } from '../../lib/search-attributes';

/** Top-level run types (synthesizeEnvironment children are counted, not listed). */
export const RUN_TYPES = [
  'growLibrary',
  'sampleTrainingData',
  'nightlyGrowth',
  'resumeRun',
  'calibrateDifficulty',
  'synthesizeEnvironment',
];
const typeClause = `WorkflowType IN (${RUN_TYPES.map((t) => `'${t}'`).join(', ')})`;
const BAD_END = `(ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'Canceled' OR ExecutionStatus = 'TimedOut')`;

/** A query answer, or null when no worker answers in time (the run still shows). */
async function progressOf(client: Client, workflowId: string, runId?: string, ms = 3000): Promise<unknown> {
  // A gRPC deadline, not a timer race: an abandoned call would outlive the connection.
  return client.withDeadline(Date.now() + ms, () => client.workflow.getHandle(workflowId, runId).query('progress')).catch(() => null);
}

/** Why a closed run ended: the failure message or termination reason (last history event). */
async function endReason(client: Client, workflowId: string, runId: string): Promise<string> {
  return (await endOf(client, workflowId, runId)).reason;
}

/** The last event's reason and, for a failure, the innermost failure type (contracts/failures.ts). */
async function endOf(client: Client, workflowId: string, runId: string): Promise<{ reason: string; failureType: string | null }> {
  try {
    const h = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: 1,
    });
    const e = h.history?.events?.[0];
    const f = e?.workflowExecutionFailedEventAttributes?.failure;
    if (f) {
      let failureType: string | null = null;
      for (let c: typeof f | null | undefined = f; c; c = c.cause) failureType = c.applicationFailureInfo?.type || failureType;
      // In full: the cause chain is the reason (an LLM error names the variable to fix); no cut to one line.
      return { reason: failureText(f) || 'failed', failureType };
    }
    const reason = e?.workflowExecutionTerminatedEventAttributes
      ? `terminated: ${e.workflowExecutionTerminatedEventAttributes.reason || '(no reason)'}`
      : e?.workflowExecutionCanceledEventAttributes
        ? 'cancelled'
        : e?.workflowExecutionTimedOutEventAttributes
          ? 'timed out'
          : '';
    return { reason, failureType: null };
  } catch {
    return { reason: '', failureType: null };
  }
}

/** The status of a newer run with the same workflow id (e.g. after `resyn resume`), if any. */
async function laterRun(client: Client, workflowId: string, runId: string): Promise<{ runId: string; status: string } | null> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.runId === runId ? null : { runId: d.runId, status: d.status.name };
  } catch {
    return null;
  }
}

async function list(client: Client, query: string, limit: number) {
  const out = [];
  for await (const w of client.workflow.list({ query, pageSize: limit })) {
    out.push(w);
    if (out.length >= limit) break;
  }
  return out;
}

export async function overview(client: Client, cfg: ResynConfig, limit = 10) {
  const runningAll = await list(client, `ExecutionStatus = 'Running' AND ${typeClause}`, 1000);
  const running = await Promise.all(
    runningAll
      .filter((w) => w.type !== 'synthesizeEnvironment')
      .slice(0, limit)
      .map(async (w) => ({
        workflowId: w.workflowId,
        runId: w.runId,
        type: w.type,
        startTime: w.startTime.toISOString(),
        resynStatus: w.typedSearchAttributes.get(RESYN_STATUS) ?? null,
        progress: await progressOf(client, w.workflowId, w.runId),
        retrying: await retryingActivities(client, w.workflowId, w.runId),
      })),
  );
  // Children cancelled because their parent ended are noise here: the parent's line says it.
  const failed = (await list(client, `${BAD_END} AND ${typeClause}`, limit * 5))
    .filter((w) => !(w.type === 'synthesizeEnvironment' && w.parentExecution))
    .slice(0, limit);
  const failures = await Promise.all(
    failed.map(async (w) => ({
      workflowId: w.workflowId,
      runId: w.runId,
      type: w.type,
      status: w.status.name,
      closeTime: w.closeTime?.toISOString() ?? null,
      ...(await endOf(client, w.workflowId, w.runId)),
      laterRun: await laterRun(client, w.workflowId, w.runId),
    })),
  );
  const reg = await openRegistry(cfg);
  try {
    const families = await reg.libraryByFamily();
    const reasons = new Map<string, number>();
    for (const reason of await reg.recentRejectionReasons(500)) {
      const k = shortReason(reason);
      reasons.set(k, (reasons.get(k) ?? 0) + 1);
    }
    return {
      // With each run's tokens, calls, cost and wall time per stage so far (the run and its children).
      running: await Promise.all(running.map(async (r) => ({ ...r, stages: await reg.stageUsage(r.workflowId) }))),
      /** Tokens, calls, cost and wall time per stage over every run this registry has seen. */
      stages: await reg.stageUsage(),
      synthesesRunning: runningAll.filter((w) => w.type === 'synthesizeEnvironment').length,
      library: {
        accepted: families.reduce((a, f) => a + f.accepted, 0),
        rejected: families.reduce((a, f) => a + f.rejected, 0),
        byFamily: families,
      },
      recentFailures: failures,
      topRejectionReasons: [...reasons.entries()]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count)
        .slice(0, 5),
    };
  } finally {
    await reg.close();
  }
}

/** The growLibrary run whose report describes `type`/`workflowId` (nightly: its child; resume: the resumed run). */
function growRunOf(type: string, workflowId: string, progress: any, memo: Record<string, unknown>): string | null {
  if (type === 'growLibrary') return workflowId;
  if (type === 'nightlyGrowth') return progress?.growWorkflowId ?? `${workflowId}/grow`;
  if (type === 'resumeRun') {
    const t = progress?.type ?? (memo.resumedFrom as any)?.type;
    const id = progress?.resumedFrom?.workflowId ?? (memo.resumedFrom as any)?.workflowId;
    return (t === undefined || t === 'growLibrary') && id ? id : null;
  }
  return null;
}

/** Temporal's word for runs closed badly (terminated, cancelled, timed out, failed), else the run's own ResynStatus. */
export function outcomeOf(status: string, resynStatus: string | null): string {
  if (['TERMINATED', 'CANCELLED', 'CANCELED', 'TIMED_OUT', 'FAILED'].includes(status)) return status.toLowerCase();
  return resynStatus ?? status.toLowerCase();
}

export async function runStatus(client: Client, cfg: ResynConfig, workflowId: string) {
  let d;
  try {
    d = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new CliError(
        `no run with workflow id ${JSON.stringify(workflowId)} in namespace ${cfg.temporal.namespace} (see \`resyn status\`)`,
        1,
      );
    throw err;
  }
  const progress = await progressOf(client, workflowId, d.runId);
  const memo = (d.memo ?? {}) as Record<string, unknown>;
  const status = d.status.name;
  const reason = status === 'RUNNING' || status === 'COMPLETED' ? '' : await endReason(client, workflowId, d.runId);
  const resynStatus = d.typedSearchAttributes.get(RESYN_STATUS) ?? null;
  const retrying = status === 'RUNNING' ? await retryingActivities(client, workflowId, d.runId) : [];
  const failed = d.type === 'growLibrary' ? await failedJobs(client, workflowId, d.runId) : [];
  const growId = growRunOf(d.type, workflowId, progress, memo);
  let report: (GrowReport & { file: string; markdown: string }) | null = null;
  if (growId) {
    const reg = await openRegistry(cfg);
    try {
      const r = await writeGrowReport(reg, dataPaths(cfg).reports, growId, {
        status: d.type === 'growLibrary' ? status.toLowerCase() : undefined,
        progress: d.type === 'growLibrary' ? (progress ?? undefined) : undefined,
      });
      report = { ...r.report, file: r.file, markdown: require('node:fs').readFileSync(r.file, 'utf8') };
    } finally {
      await reg.close();
    }
  }
  return {
    workflowId,
    runId: d.runId,
    type: d.type,
    status,
    /** What happened, in one word: Temporal's status for a run it closed badly (a terminated run cannot update ResynStatus), else ResynStatus. */
    outcome: outcomeOf(status, resynStatus),
    resynStatus,
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime?.toISOString() ?? null,
    reason: reason || null,
    retrying,
    failedJobs: failed,
    memo,
    progress,
    report,
  };
}

export function registerStatus(program: Command): void {
  program
    .command('status [workflowId]')
    .description("running runs and their progress, the library by family, recent failures; or one run's progress and report")
    .option(
      '--limit <n>',
      'runs to list per section',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new CliError('--limit: expected a positive integer');
        return n;
      },
      10,
    )
    .option('--json', 'print JSON')
    .action(
      action(async (workflowId: string | undefined, o: { limit: number; json?: boolean }) => {
        const cfg = cliConfig();
        const client = await connectClient(cfg);
        try {
          if (workflowId) {
            const s = await runStatus(client, cfg, workflowId);
            if (o.json) {
              printJson(s);
              return;
            }
            process.stdout.write(
              `${s.type} ${s.workflowId} (run ${s.runId}): ${s.status} (${s.outcome})${s.reason ? ` — ${s.reason}` : ''}\n`,
            );
            if (s.progress) process.stdout.write(`progress: ${JSON.stringify(s.progress)}\n`);
            for (const r of s.retrying) process.stdout.write(`  ${retryingLine(r)}\n`);
            if (s.failedJobs.length) process.stdout.write(`failed jobs (${s.failedJobs.length}):\n`);
            for (const f of s.failedJobs) process.stdout.write(`  ${f.job}: ${f.reason}\n`);
            if (s.report) process.stdout.write(`\n${s.report.markdown}\n(report file: ${s.report.file})\n`);
            return;
          }
          const s = await overview(client, cfg, o.limit);
          if (o.json) {
            printJson(s);
            return;
          }
          const w = (l: string) => process.stdout.write(l + '\n');
          w(`Running (${s.running.length}; synthesis children: ${s.synthesesRunning}):`);
          for (const r of s.running)
            w(
              `  ${r.type} ${r.workflowId} since ${r.startTime}  ${r.progress ? JSON.stringify(r.progress) : '(no progress: is a worker up?)'}`,
            );
          for (const r of s.running) {
            for (const t of r.retrying) w(`    ${retryingLine(t)}`);
            if (r.stages.length) w(`    stages: ${r.stages.map(stageBrief).join('; ')}`);
          }
          w(`Library: ${s.library.accepted} accepted, ${s.library.rejected} rejected`);
          for (const f of s.library.byFamily)
            w(`  ${f.family.padEnd(24)} ${String(f.accepted).padStart(5)} accepted ${String(f.rejected).padStart(5)} rejected`);
          w(`Recent failures (${s.recentFailures.length}):`);
          for (const f of s.recentFailures) {
            // A run rejected for its input would fail the same way again: it needs a new start, not a resume.
            const badInput = f.failureType === Failure.InvalidInput;
            const next = f.laterRun
              ? `  (a later run is ${f.laterRun.status})`
              : badInput
                ? '  -> fix the input and start it again'
                : ['growLibrary', 'sampleTrainingData'].includes(f.type)
                  ? `  -> resyn resume ${f.workflowId}`
                  : '';
            w(`  ${f.type} ${f.workflowId} ${f.status} ${f.closeTime ?? ''} ${f.reason}${next}`);
          }
          if (s.stages.length) {
            w('Per stage (all runs):');
            for (const u of s.stages) w(`  ${stageBrief(u)}`);
          }
          if (s.topRejectionReasons.length) {
            w('Top rejection reasons:');
            for (const r of s.topRejectionReasons) w(`  ${String(r.count).padStart(4)}  ${r.reason}`);
          }
        } finally {
          await client.connection.close();
        }
      }),
    );
}
