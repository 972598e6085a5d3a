import { proxyActivities } from '@temporalio/workflow';
import type { ResynActivities } from '../activities';
import { pingInputSchema, type PingInput } from '../contracts/ping-input';
import { parseInput } from './parse-input';

const { appendOnce } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '2 seconds' },
});

export type { PingInput };

/** The trivial workflow that proves the wiring: one activity with an idempotent effect. */
export async function pingWorkflow(raw: PingInput): Promise<{ token: string; lines: number }> {
  const input = parseInput(pingInputSchema, raw, 'pingWorkflow');
  const lines = await appendOnce(input);
  return { token: input.token, lines };
}
