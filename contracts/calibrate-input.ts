/** calibrateDifficulty's input (from the CLI, the UI or a schedule). Pure: bundled into workflows. */
import { z } from 'zod';

export const calibrateInputSchema = z
  .object({
    filter: z
      .object({
        status: z.enum(['accepted', 'rejected']).default('accepted'),
        tags: z.array(z.string().min(1)).optional(),
        ids: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .default({ status: 'accepted' }),
    /** Levels attempted (the trend test uses every one; wald compares the lowest with the highest). */
    levels: z
      .array(z.number().int().min(1).max(10))
      .min(2, 'give at least two levels')
      .default([1, 4, 7, 10])
      .refine((l) => new Set(l).size >= 2, 'give at least two distinct levels'),
    instancesPerLevel: z.number().int().min(1).max(10_000).default(16),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    /** trend: Cochran–Armitage over every level (the default when absent); wald: the paper's lowest-vs-highest test. */
    test: z.enum(['trend', 'wald']).optional(),
    /** Policy model name; default the configured policy role's model. */
    model: z.string().min(1).optional(),
    /** Environments calibrated at once, and LLM calls in flight per environment. */
    concurrency: z.number().int().min(1).max(64).default(2),
    parallelCalls: z.number().int().min(1).max(64).default(4),
  })
  .strict();
export type CalibrateRequest = z.input<typeof calibrateInputSchema>;
