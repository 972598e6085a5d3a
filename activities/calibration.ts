/** Activities of the calibrateDifficulty workflow: thin adapters over rewards/calibrate.ts. */
import { setMaxListeners } from 'node:events';
import { Context } from '@temporalio/activity';
import { chat, LlmError } from '../llm/client';
import { CalibrationStore } from '../registry/calibration';
import type { EnvStatus } from '../registry/registry';
import { calibrateEnvironment, type CalibrateInput } from '../rewards/calibrate';
import { sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { registryAccess } from './dataset';
import { llmFailure } from './llm';

export interface CalibrationTarget {
  id: string;
  name: string;
}
export interface CalibrationSummary {
  envId: string;
  name: string;
  model: string;
  kept: boolean;
  z: number;
  levels: { difficulty: number; solveRate: number; attempts: number }[];
  llmCalls: number;
}

export function createCalibrationActivities(cfg: ResynConfig) {
  const access = registryAccess(cfg);
  return {
    async listCalibrationTargets(filter: { status?: EnvStatus; tags?: string[]; ids?: string[] }): Promise<CalibrationTarget[]> {
      return (await (await access.registry()).listEnvironments(filter)).map((r) => ({ id: r.id, name: r.name }));
    },

    async calibrateEnvironment(input: CalibrateInput & { model?: string; parallel?: number }): Promise<CalibrationSummary> {
      const role = { ...cfg.llm.policy, ...(input.model ? { model: input.model } : {}), name: 'policy' as const };
      const ctx = Context.current();
      // Every in-flight LLM call listens on the activity's cancellation signal.
      setMaxListeners(0, ctx.cancellationSignal);
      try {
        const v = await calibrateEnvironment(input, {
          pool: sharedPool(cfg.sandbox),
          store: new CalibrationStore(await access.registry()),
          source: access.source,
          model: role.model,
          parallel: input.parallel ?? 4,
          ask: async (prompt) =>
            (await chat(role, [{ role: 'user', content: prompt }], { timeoutMs: cfg.llm.requestTimeoutMs, signal: ctx.cancellationSignal }))
              .content,
          heartbeat: (d) => ctx.heartbeat(d),
        });
        const name = (await (await access.registry()).getEnvironment(input.envId))?.name ?? input.envId;
        return {
          envId: v.envId,
          name,
          model: v.model,
          kept: v.kept,
          z: v.z,
          levels: v.levels.map((l) => ({ difficulty: l.difficulty, solveRate: l.solveRate, attempts: l.attempts })),
          llmCalls: v.llmCalls,
        };
      } catch (err) {
        if (err instanceof LlmError) throw llmFailure(err);
        throw err;
      }
    },
  };
}
