/**
 * Input schemas of the operations workflows (nightlyGrowth, resumeRun). Pure (zod only): the
 * workflows validate with them and the CLI checks a schedule's input before creating it.
 */
import { z } from 'zod';
import { sampleRequestSchema } from './sample-request';

/** sampleTrainingData's request without `name` (the nightly run names its dataset). */
const sampleOptions = sampleRequestSchema.partial({ name: true });

export const nightlyInputSchema = z.strictObject({
  /** Seed keywords to draw (never tried in this registry). Default: target, else 4. */
  count: z.number().int().positive('must be a positive integer').max(10_000).optional(),
  /** Draw from these keywords instead of the seed keywords (seeds/keywords.json). */
  keywordPool: z.array(z.string().trim().min(1, 'keywords must be non-empty strings').max(200)).min(1).optional(),
  /** Stop growing once this many environments were accepted. */
  target: z.number().int().positive('must be a positive integer').optional(),
  concurrency: z.number().int().min(1).max(500).optional(),
  budget: z
    .strictObject({
      maxTokens: z.number().int().positive().optional(),
      maxCostUsd: z.number().positive().optional(),
    })
    .optional(),
  proposalsPerKeyword: z.number().int().min(1).max(32).optional(),
  maxRevisions: z.number().int().min(0).max(20).optional(),
  gates: z.array(z.string().min(1)).min(1).optional(),
  /** After growing, sample a dataset from the whole accepted library: true, or sampleTrainingData options (without name). */
  sample: z.union([z.boolean(), sampleOptions]).default(false),
});
export type NightlyInput = z.input<typeof nightlyInputSchema>;

export const resumeInputSchema = z.strictObject({
  workflowId: z.string().trim().min(1, 'must name the workflow id of the run to resume'),
  /** A specific run of that id (default: its latest run). */
  runId: z.string().trim().min(1).optional(),
  /** A new total budget for a growLibrary run (one stopped at its budget resumes only with a larger one). */
  budget: z
    .strictObject({
      maxTokens: z.number().int().positive().optional(),
      maxCostUsd: z.number().positive().optional(),
    })
    .optional(),
});
export type ResumeInput = z.input<typeof resumeInputSchema>;

/** A dataset name from a workflow id (scheduled ids carry a timestamp with ':'). */
export function datasetNameFor(workflowId: string): string {
  const n = workflowId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return (n || 'nightly').slice(0, 100);
}
