/** Activities of the calibrateDifficulty workflow: thin adapters over rewards/calibrate.ts. */
import { setMaxListeners } from 'node:events';
import { Context } from '@temporalio/activity';
import { addUsage, type UsageTotals, zeroUsage } from '../contracts/usage';
import { CalibrationStore } from '../registry/calibration';
import type { EnvStatus } from '../registry/registry';
import { calibrateEnvironment, type CalibrateInput } from '../rewards/calibrate';
import { measurePassRates, type PassRateInput } from '../rewards/pass-rate';
import { sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import type { Candidate, GateResult } from '../contracts/gates';
import { environmentId } from '../sandbox/env-id';
import { registryAccess } from './dataset';
import { callRole } from './llm';

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
  test: 'trend' | 'wald';
  pValue: number;
  levels: { difficulty: number; solveRate: number; attempts: number }[];
  llmCalls: number;
}

/** The difficulty-calibration gate's measurement (kept small: it runs once per candidate round). */
export const CALIBRATION_GATE = { levels: [1, 4, 7, 10], instancesPerLevel: 8, alpha: 0.05, test: 'trend' as const, parallel: 4 };

/**
 * The policy role (optionally another model) as a prompt -> reply function, cancelled with the
 * activity. Every reply is recorded like any other LLM call (callRole: per stage, what was billed);
 * `usage()` is what this activity's calls cost, for the run's budget.
 */
function policyModel(
  cfg: ResynConfig,
  opts: { model?: string; keyword?: string | null } = {},
): { model: string; ask(prompt: string): Promise<string>; usage(): UsageTotals } {
  // Every in-flight LLM call listens on the activity's cancellation signal.
  setMaxListeners(0, Context.current().cancellationSignal);
  let usage = zeroUsage();
  return {
    model: opts.model ?? cfg.llm.policy.model,
    ask: async (prompt) => {
      const r = await callRole(cfg, 'policy', [{ role: 'user', content: prompt }], opts.keyword ?? null, { model: opts.model });
      usage = addUsage(usage, r.usage);
      return r.content;
    },
    usage: () => usage,
  };
}

/** Revision feedback a generator can act on, from the measured solve rates. */
export function calibrationFeedback(model: string, levels: { difficulty: number; solveRate: number }[], z: number, pValue: number): string {
  const rates = levels.map((l) => `level ${l.difficulty}: ${Math.round(l.solveRate * 100)}%`).join(', ');
  const all = (r: number) => levels.every((l) => l.solveRate === r);
  const hint = all(0)
    ? 'Even level 1 is never solved: make the low levels small and easy, and check that the question states everything needed.'
    : all(1)
      ? 'Every level is always solved: make higher levels genuinely harder (bigger instances, longer reasoning chains).'
      : 'The solve rate does not fall as difficulty rises: make each level clearly harder than the one below (bigger instances, more steps), keeping level 1 easy.';
  return `Difficulty calibration with the policy model ${model}: solved ${rates} (trend z=${z.toFixed(2)}, p=${pValue.toPrecision(2)}). ${hint}`;
}

export function createCalibrationActivities(cfg: ResynConfig) {
  const access = registryAccess(cfg);
  return {
    async listCalibrationTargets(filter: { status?: EnvStatus; tags?: string[]; ids?: string[] }): Promise<CalibrationTarget[]> {
      return (await (await access.registry()).listEnvironments(filter)).map((r) => ({ id: r.id, name: r.name }));
    },

    async calibrateEnvironment(input: CalibrateInput & { model?: string; parallel?: number }): Promise<CalibrationSummary> {
      const policy = policyModel(cfg, { model: input.model });
      const ctx = Context.current();
      // LLM errors arrive as Temporal failures already (callRole).
      const v = await calibrateEnvironment(input, {
        pool: sharedPool(cfg.sandbox),
        store: new CalibrationStore(await access.registry()),
        source: access.source,
        model: policy.model,
        parallel: input.parallel ?? 4,
        ask: policy.ask,
        heartbeat: (d) => ctx.heartbeat(d),
      });
      const name = (await (await access.registry()).getEnvironment(input.envId))?.name ?? input.envId;
      return {
        envId: v.envId,
        name,
        model: v.model,
        kept: v.kept,
        z: v.z,
        test: v.test ?? 'wald',
        pValue: v.pValue ?? Number.NaN,
        levels: v.levels.map((l) => ({ difficulty: l.difficulty, solveRate: l.solveRate, attempts: l.attempts })),
        llmCalls: v.llmCalls,
      };
    },

    /** k rollouts of the policy model per planned instance of one environment and split (cached in the registry). */
    async measurePassRates(input: PassRateInput & { parallel?: number }): Promise<{ envId: string; instances: number; llmCalls: number }> {
      const policy = policyModel(cfg, { model: input.model });
      const ctx = Context.current();
      const registry = await access.registry();
      const r = await measurePassRates(input, {
        registry,
        source: access.source,
        pool: sharedPool(cfg.sandbox),
        ask: policy.ask,
        parallel: input.parallel ?? 4,
        heartbeat: (d) => ctx.heartbeat(d),
      });
      return { envId: input.envId, ...r };
    },

    /**
     * Gate (list `difficultyCalibration` in RESYN_GATES when a policy model is configured): the
     * policy model attempts the candidate at levels 1, 4, 7, 10; it passes when its solve rate
     * falls with difficulty (Cochran–Armitage), else goes back for revision with the rates.
     * Attempts are cached by instance and model, so a retried activity asks nothing twice.
     */
    async difficultyCalibration(c: Candidate): Promise<GateResult> {
      const envId = environmentId(c.source);
      const policy = policyModel(cfg, { keyword: c.keyword });
      const ctx = Context.current();
      const registry = await access.registry();
      const v = await calibrateEnvironment(
        { envId, ...CALIBRATION_GATE },
        {
          pool: sharedPool(cfg.sandbox),
          store: new CalibrationStore(registry),
          source: (id) => (id === envId ? c.source : access.source(id)),
          model: policy.model,
          parallel: CALIBRATION_GATE.parallel,
          ask: policy.ask,
          heartbeat: (d) => ctx.heartbeat(d),
        },
      );
      const detail = { model: v.model, test: v.test, z: v.z, pValue: v.pValue, levels: v.levels, llmCalls: v.llmCalls };
      const usage = policy.usage();
      if (v.kept) return { gate: 'difficultyCalibration', verdict: 'pass', feedback: '', detail, usage };
      return {
        gate: 'difficultyCalibration',
        verdict: 'revise',
        feedback: calibrationFeedback(v.model, v.levels, v.z, v.pValue ?? 1),
        detail,
        usage,
      };
    },
  };
}
