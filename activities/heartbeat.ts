/** Heartbeats while a long call runs, so a worker that dies mid-call has the activity retried after heartbeatTimeout, not startToCloseTimeout. */
import { Context } from '@temporalio/activity';

export async function heartbeating<T>(fn: () => Promise<T>, everyMs = 3000): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const t = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(t);
  }
}
