/**
 * The activity wrapper that keeps each stage's wall time: an activity interceptor (registered by
 * ReSynPlugin, so it also times a team's own gates) that records, when a stage activity ends, how
 * long that execution took and whether it failed (registry and metrics), and a gate's verdict (metrics);
 * a retried activity's usage is made whole with what its earlier attempts were billed. An execution whose worker died is not recorded
 * (nothing ended); its retry is. A failed write is logged, never fails the activity.
 */
import { randomUUID } from 'node:crypto';
import { Context, type Info } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { GateResult } from '../contracts/gates';
import { isStageActivity, stageOf } from '../contracts/stages';
import type { UsageTotals } from '../contracts/usage';
import { resynMetrics } from '../lib/metrics';
import { openRegistry } from '../registry/open';
import { activityCallsKey } from './llm';
import { registeredActivities } from './registered';
import type { ResynConfig } from '../temporal.config';

/** The keyword a stage activity works on (every synthesis step's input carries it), else null. */
function keywordOf(args: unknown[]): string | null {
  const k = (args[0] as { keyword?: unknown } | undefined)?.keyword;
  return typeof k === 'string' ? k : null;
}

/**
 * A result's LLM usage made whole: an earlier attempt of this activity that failed or died took
 * its usage with it, though the provider billed its replies. When there can have been one (a
 * retry, or a local activity, which starts again at attempt 1 after a lost workflow task), the
 * usage becomes what the registry recorded for every attempt, so the run's budget counts it too.
 */
async function withEarlierUsage(cfg: ResynConfig, info: Info, out: unknown): Promise<unknown> {
  const usage = (out as { usage?: Partial<UsageTotals> } | null | undefined)?.usage;
  if (!usage || typeof usage.calls !== 'number' || (info.attempt <= 1 && !info.isLocal)) return out;
  try {
    const all = await (await openRegistry(cfg)).spendByKeyPrefix(activityCallsKey(info));
    if (all.calls <= usage.calls) return out;
    return { ...(out as object), usage: { ...usage, ...all } };
  } catch (err) {
    // The result stands (failing now would only make the provider bill the same calls again).
    Context.current().log.warn('could not read the earlier attempts usage', { error: (err as Error).message });
    return out;
  }
}

export function stageTimingInterceptors(cfg: ResynConfig): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        const ctx = Context.current();
        const info = ctx.info;
        const known = isStageActivity(info.activityType, info.workflowType, registeredActivities(info.taskQueue)?.gates);
        // Another activity of a synthesis run is a stage when it answers as a gate does (a verdict).
        if (!known && info.workflowType !== 'synthesizeEnvironment') return next(input);
        const startedAt = new Date();
        const t0 = performance.now();
        const stage = stageOf(info.activityType);
        let ok = false;
        let gate = false;
        try {
          const out = await withEarlierUsage(cfg, info, await next(input));
          ok = true;
          const verdict = (out as Partial<GateResult> | undefined)?.verdict;
          gate = typeof verdict === 'string';
          if (gate) resynMetrics().gateVerdicts.inc({ gate: stage, verdict: verdict! });
          return out;
        } finally {
          const durationMs = performance.now() - t0;
          if (known || gate) await record(stage, durationMs);
        }
        async function record(stage: string, durationMs: number): Promise<void> {
          resynMetrics().stageDuration.observe({ stage, ok: String(ok) }, durationMs / 1000);
          const workflowId = info.workflowExecution?.workflowId ?? null;
          try {
            await (await openRegistry(cfg)).recordStageTiming({
              key: `${workflowId}/${info.workflowExecution?.runId}/${info.activityId}/${info.attempt}/${randomUUID()}`,
              workflowId,
              keyword: keywordOf(input.args),
              stage,
              activityType: info.activityType,
              attempt: info.attempt,
              durationMs,
              ok,
              startedAt: startedAt.toISOString(),
            });
          } catch (err) {
            ctx.log.warn('could not record the stage wall time', { error: (err as Error).message });
          }
        }
      },
    },
  });
}
