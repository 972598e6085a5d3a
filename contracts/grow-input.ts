/**
 * growLibrary's input schema and the state it carries across continue-as-new (and that resume
 * rebuilds from the registry). Pure: bundled into workflows.
 */
import { z } from 'zod';
import { proposalSchema } from './proposal';
import { gateName, retrySchema } from './synthesis-input';

const budget = z.strictObject({
  maxTokens: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
});

export const growStateSchema = z.object({
  pendingKeywords: z.array(z.string()),
  tasks: z.array(z.object({ keyword: z.string(), index: z.number().int(), proposal: proposalSchema })),
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
  /** Verifier holes the red-team gate confirmed in this run's children (absent in states carried by older runs). */
  redTeamHoles: z.number().int().default(0),
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

/** The state of a fresh run: nothing drawn, nothing done. */
export function initialGrowState(): GrowState {
  return {
    pendingKeywords: [],
    tasks: [],
    outstanding: {},
    done: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    failed: 0,
    tokens: 0,
    costUsd: 0,
    paused: false,
    cancelRequested: false,
    consecutiveFailures: 0,
    lastError: null,
    continuedAsNew: 0,
    redTeamHoles: 0,
  };
}
