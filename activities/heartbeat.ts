/**
 * Heartbeats while a long call runs, so a worker that dies mid-call has the activity retried after
 * heartbeatTimeout, not startToCloseTimeout. The first heartbeat goes out after `everyMs`, not at
 * once: the heartbeat timeout already counts from the activity's start, and an immediate heartbeat
 * is one more server round trip (a mutable-state write) per activity. Local activities cannot
 * heartbeat (their workflow task is the liveness signal), so they skip it.
 */
import { Context } from '@temporalio/activity';

export async function heartbeating<T>(fn: () => Promise<T>, everyMs = 3000): Promise<T> {
  const ctx = Context.current();
  if (ctx.info.isLocal) return fn();
  const t = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(t);
  }
}
