/**
 * synthesizeEnvironment's input schema (zod, strict: an unknown key from the UI is a typo and
 * fails the run), the gate defaults and the activity retry policy growLibrary passes down. Pure:
 * bundled into workflows.
 */
import { z } from 'zod';
import { proposalSchema } from './proposal';

/**
 * Defaults the starter normally fills from cfg.synthesis (the workflow cannot read config). Runs
 * from before the patch 'synthesis-revise-step' used DEFAULT_GATES and 1 revision; later ones add
 * the red team and revise twice (synthesizeEnvironment picks by patch, so old histories replay).
 */
export const DEFAULT_GATES = ['automaticChecks', 'codeJudge', 'questionJudge'];
export const DEFAULT_GATES_V2 = [...DEFAULT_GATES, 'redTeam'];
/** Gates resyn brings that are off unless listed (the calibration gate needs a policy model). */
export const OPTIONAL_GATES = ['difficultyCalibration'];
export const DEFAULT_MAX_REVISIONS = 1;
export const DEFAULT_MAX_REVISIONS_V2 = 2;
export const DEFAULT_BLOCKING_GATES = ['automaticChecks'];
/** Gates run as local activities: quick, no LLM (the sandbox checks take milliseconds), so no server round trip. */
export const DEFAULT_LOCAL_GATES = ['automaticChecks'];

export const gateName = z.string().regex(/^[A-Za-z_$][\w$]*$/, 'expected an activity name');

/** Activity retry policy (LLM endpoints fail, rate-limit and time out; Temporal retries with backoff). */
export const retrySchema = z.strictObject({
  initialIntervalMs: z.number().int().min(10).default(1000),
  backoffCoefficient: z.number().min(1).max(10).default(2),
  maximumIntervalMs: z.number().int().min(10).default(120_000),
  maximumAttempts: z.number().int().min(1).default(20),
});
export type RetryInput = z.input<typeof retrySchema>;

export const synthesizeInputSchema = z.strictObject({
  keyword: z.string().trim().min(1, 'must be a non-empty keyword').max(200),
  proposal: proposalSchema.optional(),
  /** Ordered gate activities; a candidate is accepted when every one passes. Unset: DEFAULT_GATES(_V2). */
  gates: z.array(gateName).min(1, 'needs at least one gate').optional(),
  /** Gates whose failure ends the round early (no point asking judges about code that does not run). */
  blockingGates: z.array(gateName).default(DEFAULT_BLOCKING_GATES),
  /** Gates run as local activities (quick, no LLM call; a local activity cannot heartbeat). */
  localGates: z.array(gateName).default(DEFAULT_LOCAL_GATES),
  /** Unset: DEFAULT_MAX_REVISIONS(_V2). */
  maxRevisions: z.number().int().min(0).max(20).optional(),
  parentWorkflowId: z.string().nullable().default(null),
  retry: retrySchema.default(retrySchema.parse({})),
});
export type SynthesizeInput = z.input<typeof synthesizeInputSchema>;
