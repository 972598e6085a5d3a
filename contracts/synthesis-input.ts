/**
 * synthesizeEnvironment's input schema (zod, strict: an unknown key from the UI is a typo and
 * fails the run), the gate defaults and the activity retry policy growLibrary passes down. Pure:
 * bundled into workflows.
 */
import { z } from 'zod';
import { proposalSchema } from './proposal';

/** Defaults the starter normally fills from cfg.synthesis (the workflow cannot read config). */
export const DEFAULT_GATES = ['automaticChecks', 'codeJudge', 'questionJudge'];
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
  /** Ordered gate activities; a candidate is accepted when every one passes. */
  gates: z.array(gateName).min(1, 'needs at least one gate').default(DEFAULT_GATES),
  /** Gates whose failure ends the round early (no point asking judges about code that does not run). */
  blockingGates: z.array(gateName).default(DEFAULT_BLOCKING_GATES),
  /** Gates run as local activities (quick, no LLM call; a local activity cannot heartbeat). */
  localGates: z.array(gateName).default(DEFAULT_LOCAL_GATES),
  maxRevisions: z.number().int().min(0).max(20).default(1),
  parentWorkflowId: z.string().nullable().default(null),
  retry: retrySchema.default(retrySchema.parse({})),
});
export type SynthesizeInput = z.input<typeof synthesizeInputSchema>;
