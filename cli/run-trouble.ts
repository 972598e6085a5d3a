/**
 * What is going wrong inside a running run, read from Temporal itself: activities that are being
 * retried (in the run and in its running children), with the error, the attempt and when the
 * next attempt is due; and the failed jobs of a growLibrary run (proposals and synthesis
 * children) with their full reasons. The workflow cannot see an activity's retries (only its
 * final failure), Temporal's pending-activity records can.
 */
import type { Client } from '@temporalio/client';

export interface Retrying {
  workflowId: string;
  activity: string;
  attempt: number;
  /** The last attempt's error, in full. */
  lastError: string;
  /** When the next attempt is scheduled (ISO), or null when one runs now. */
  nextRetry: string | null;
  maximumAttempts: number | null;
}

export interface FailedJob {
  /** The keyword (and proposal index, for a synthesis child). */
  job: string;
  workflowId: string;
  reason: string;
}

const tsToIso = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null => {
  if (!t?.seconds) return null;
  return new Date(Number(String(t.seconds)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
};

/** The full message of a failure and its causes ("a: b: c"). */
export function failureText(f: { message?: string | null; cause?: unknown } | null | undefined): string {
  const parts: string[] = [];
  for (let c = f as { message?: string | null; cause?: unknown } | null | undefined, d = 0; c && d < 10; c = c.cause as typeof c, d++)
    if (c.message && !parts.includes(c.message)) parts.push(c.message);
  return parts.join(': ');
}

async function retryingIn(client: Client, workflowId: string, runId?: string): Promise<{ retrying: Retrying[]; children: string[] }> {
  const d = await client.workflow.getHandle(workflowId, runId).describe();
  const retrying = (d.raw.pendingActivities ?? [])
    .filter((a) => (a.attempt ?? 1) > 1 && a.lastFailure)
    .map((a) => ({
      workflowId,
      activity: a.activityType?.name ?? '?',
      attempt: a.attempt ?? 1,
      lastError: failureText(a.lastFailure),
      nextRetry: tsToIso(a.nextAttemptScheduleTime),
      maximumAttempts: a.maximumAttempts || null,
    }));
  const children = (d.raw.pendingChildren ?? []).map((c) => c.workflowId ?? '').filter(Boolean);
  return { retrying, children };
}

/**
 * Activities being retried in the run and its running descendants (a nightly run's grow child's
 * synthesis children too), describing at most `maxRuns` runs.
 */
export async function retryingActivities(client: Client, workflowId: string, runId?: string, maxRuns = 50): Promise<Retrying[]> {
  const out: Retrying[] = [];
  const queue: { id: string; runId?: string }[] = [{ id: workflowId, runId }];
  for (let seen = 0; queue.length && seen < maxRuns; seen++) {
    const next = queue.shift()!;
    try {
      const r = await retryingIn(client, next.id, next.runId);
      out.push(...r.retrying);
      queue.push(...r.children.map((id) => ({ id })));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/** One line per retrying activity, for people. */
export const retryingLine = (r: Retrying): string =>
  `retrying ${r.activity} in ${r.workflowId}: attempt ${r.attempt}${r.maximumAttempts ? ` of ${r.maximumAttempts}` : ''}` +
  `${r.nextRetry ? `, next at ${r.nextRetry}` : ', running now'} — ${r.lastError}`;

/** A growLibrary run's failed jobs: proposal calls that failed for good, and failed synthesis children. */
export async function failedJobs(client: Client, growId: string, runId?: string): Promise<FailedJob[]> {
  const out: FailedJob[] = [];
  const history = await client.workflow.getHandle(growId, runId).fetchHistory();
  const scheduled = new Map<string, { type: string; input: string }>();
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) {
      const raw = s.input?.payloads?.[0]?.data;
      scheduled.set(String(e.eventId), { type: s.activityType?.name ?? '', input: raw ? Buffer.from(raw).toString('utf8') : '' });
    }
    const f = e.activityTaskFailedEventAttributes;
    if (f) {
      const a = scheduled.get(String(f.scheduledEventId));
      if (a?.type !== 'proposeTasks') continue;
      let keyword = '?';
      try {
        keyword = JSON.parse(a.input).keyword;
      } catch {
        /* not JSON */
      }
      out.push({ job: `${keyword} (proposals)`, workflowId: growId, reason: failureText(f.failure) });
    }
    const c = e.childWorkflowExecutionFailedEventAttributes;
    if (c) {
      const id = c.workflowExecution?.workflowId ?? '?';
      out.push({ job: id.startsWith(`${growId}/`) ? id.slice(growId.length + 1) : id, workflowId: id, reason: failureText(c.failure) });
    }
  }
  return out;
}
