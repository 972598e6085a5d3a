/**
 * Workflow input schemas (zod, strict: an unknown key from the UI is a typo and fails the run) and the helpers both workflows share. Pure: bundled into workflows.
 */
import { z } from 'zod';
import type { SearchAttributePair } from '@temporalio/common';
import { RESYN_ENV_NAME, RESYN_KEYWORD, RESYN_RUN_KIND, RESYN_STATUS } from '../lib/search-attributes';

/**
 * Defaults the starter normally fills from cfg.synthesis (the workflow cannot read config). Runs
 * from before the patch 'synthesis-revise-step' used DEFAULT_GATES and 1 revision; later ones add
 * the red team and revise twice (synthesizeEnvironment picks by patch, so old histories replay).
 */
export const DEFAULT_GATES = ['automaticChecks', 'codeJudge', 'questionJudge'];
export const DEFAULT_GATES_V2 = [...DEFAULT_GATES, 'redTeam'];
export const DEFAULT_MAX_REVISIONS = 1;
export const DEFAULT_MAX_REVISIONS_V2 = 2;
export const DEFAULT_BLOCKING_GATES = ['automaticChecks'];
/** Gates run as local activities: quick, no LLM (the sandbox checks take milliseconds), so no server round trip. */
export const DEFAULT_LOCAL_GATES = ['automaticChecks'];

const proposal = z.strictObject({ name: z.string().min(1).max(200), description: z.string().min(1).max(4000) });
const gateName = z.string().regex(/^[A-Za-z_$][\w$]*$/, 'expected an activity name');

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
  proposal: proposal.optional(),
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

const budget = z.strictObject({
  maxTokens: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
});

export const growStateSchema = z.object({
  pendingKeywords: z.array(z.string()),
  tasks: z.array(z.object({ keyword: z.string(), index: z.number().int(), proposal })),
  outstanding: z.record(z.string(), z.number().int()),
  done: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  duplicates: z.number().int(),
  failed: z.number().int(),
  tokens: z.number(),
  costUsd: z.number(),
  paused: z.boolean(),
  cancelRequested: z.boolean(),
  consecutiveFailures: z.number().int(),
  lastError: z.string().nullable(),
  continuedAsNew: z.number().int(),
});
export type GrowState = z.infer<typeof growStateSchema>;

export const growInputSchema = z
  .strictObject({
    keywords: z
      .array(z.string().trim().min(1, 'keywords must be non-empty strings').max(200))
      .min(1, 'must list at least one keyword')
      .optional(),
    count: z.number().int().positive('must be a positive integer').max(100_000).optional(),
    target: z.number().int().positive().optional(),
    concurrency: z.number().int().min(1).max(500).default(16),
    budget: budget.default({}),
    gates: z.array(gateName).min(1).optional(),
    blockingGates: z.array(gateName).optional(),
    localGates: z.array(gateName).optional(),
    maxRevisions: z.number().int().min(0).max(20).optional(),
    proposalsPerKeyword: z.number().int().min(1).max(32).default(8),
    retry: retrySchema.optional(),
    /** Continue-as-new once history passes this many events (or when the server suggests it). */
    historyLimit: z.number().int().min(20).max(50_000).default(10_000),
    /** Stop after this many child failures in a row (a dead endpoint, a bad key). */
    maxConsecutiveFailures: z.number().int().min(1).default(5),
    /** Carried across continue-as-new; absent on a fresh start. */
    state: growStateSchema.optional(),
  })
  .refine((v) => v.state || (v.keywords === undefined) !== (v.count === undefined), {
    message: 'give exactly one of keywords (a list) or count (how many seed keywords to draw)',
    path: ['keywords'],
  });
export type GrowInput = z.input<typeof growInputSchema>;

/** A synthesizeEnvironment run's search attributes while it runs (growLibrary sets them at child start). */
export function synthesizeSearchAttributes(keyword: string, envName: string): SearchAttributePair[] {
  return [
    { key: RESYN_RUN_KIND, value: 'synthesize' },
    { key: RESYN_KEYWORD, value: keyword },
    { key: RESYN_ENV_NAME, value: envName },
    { key: RESYN_STATUS, value: 'running' },
  ];
}

/** A synthesizeEnvironment run's memo (what it works on), shown in the UI. */
export function synthesizeMemo(m: {
  keyword: string;
  proposal: { name: string; description: string };
  gates: string[];
  maxRevisions: number;
  parentWorkflowId: string | null;
}): Record<string, unknown> {
  return { keyword: m.keyword, proposal: m.proposal, gates: m.gates, maxRevisions: m.maxRevisions, parentWorkflowId: m.parentWorkflowId };
}

/** Deterministic, id-safe slug of a keyword plus a short hash (two keywords never share a child id). */
export function keywordSlug(keyword: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < keyword.length; i++) h = Math.imul(h ^ keyword.charCodeAt(i), 0x01000193) >>> 0;
  const slug =
    keyword
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'kw';
  return `${slug}-${h.toString(16).padStart(8, '0')}`;
}
