/**
 * The activity wrapper that keeps each stage's wall time: an activity interceptor (registered by
 * ReSynPlugin, so it also times a team's own gates) that records, when a stage activity ends, how
 * long that execution took and whether it failed (registry and metrics), and a gate's verdict (metrics). An execution whose worker died is not recorded
 * (nothing ended); its retry is. A failed write is logged, never fails the activity.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { GateResult } from '../contracts/gates';
import { isStageActivity, stageOf } from '../contracts/stages';
import { resynMetrics } from '../lib/metrics';
import { openRegistry } from '../registry/open';
import { registeredActivities } from './registered';
import type { ResynConfig } from '../temporal.config';

/** The keyword a stage activity works on (every synthesis step's input carries it), else null. */
function keywordOf(args: unknown[]): string | null {
  const k = (args[0] as { keyword?: unknown } | undefined)?.keyword;
  return typeof k === 'string' ? k : null;
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
          const out = await next(input);
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
