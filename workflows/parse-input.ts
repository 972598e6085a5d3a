/** Workflow input validation: every workflow parses its one JSON object first. Pure: bundled into workflows. */
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { Failure } from '../contracts/failures';
import { describeZodError } from '../lib/zod-errors';

/** Parses a workflow input or fails fast, non-retryable, naming each bad field (a typo from the UI never retries). */
export function parseInput<S extends z.ZodTypeAny>(schema: S, raw: unknown, workflow: string): z.output<S> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  throw ApplicationFailure.nonRetryable(`invalid ${workflow} input: ${describeZodError(r.error)}`, Failure.InvalidInput);
}
