/** pingWorkflow's input (the trivial workflow that proves the wiring). */
import { z } from 'zod';

export const pingInputSchema = z.strictObject({
  file: z.string().min(1, 'must be a file path'),
  token: z.string().min(1, 'must be a non-empty token'),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});
export type PingInput = z.input<typeof pingInputSchema>;
