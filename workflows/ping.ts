import { proxyActivities } from '@temporalio/workflow';
import type { ResynActivities } from '../activities';

const { appendOnce } = proxyActivities<ResynActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '2 seconds' },
});

export interface PingInput {
  file: string;
  token: string;
  delayMs?: number;
}

/** The trivial workflow that proves the wiring: one activity with an idempotent effect. */
export async function pingWorkflow(input: PingInput): Promise<{ token: string; lines: number }> {
  const lines = await appendOnce(input);
  return { token: input.token, lines };
}
