import { proxyActivities } from '@temporalio/workflow';
import { z } from 'zod';
import type { ResynActivities } from '../activities';
import { parseInput } from './parse-input';

const { appendOnce } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '2 seconds' },
});

const pingInputSchema = z.strictObject({
  file: z.string().min(1, 'must be a file path'),
  token: z.string().min(1, 'must be a non-empty token'),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});
export type PingInput = z.input<typeof pingInputSchema>;

/** The trivial workflow that proves the wiring: one activity with an idempotent effect. */
export async function pingWorkflow(raw: PingInput): Promise<{ token: string; lines: number }> {
  const input = parseInput(pingInputSchema, raw, 'pingWorkflow');
  const lines = await appendOnce(input);
  return { token: input.token, lines };
}
