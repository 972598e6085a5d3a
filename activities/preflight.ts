/**
 * The checks a run makes before it fans out, so a misconfiguration fails it in seconds with the
 * variable to set instead of after half an hour of retries: every LLM role's endpoint answers
 * (one cheap request each), and every gate named in the input is an activity this worker runs.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Failure } from '../contracts/failures';
import { LlmError, probeEndpoint, type ProbeResult, type RoleName } from '../llm/client';
import type { ResynConfig } from '../temporal.config';
import { llmFailure } from './llm';
import { registeredActivities } from './registered';

export interface PreflightInput {
  roles: RoleName[];
  /** Gate activity names from the workflow input (`input.gates`, and where they came from for the message). */
  gates?: string[];
  gatesField?: string;
}

export interface PreflightResult {
  endpoints: ProbeResult[];
  /** Warnings worth a log line (a model the endpoint's list does not name). */
  notes: string[];
}

/** Unknown gate names as a non-retryable InvalidInput failure naming the field, the value and what is registered. */
export function checkGateNames(gates: string[], registered: ReadonlySet<string>, field = 'gates', taskQueue = ''): void {
  const unknown = gates.map((g, i) => ({ g, i })).filter(({ g }) => !registered.has(g));
  if (unknown.length === 0) return;
  const known = [...registered].filter((n) => /judge|check|gate|audit|team/i.test(n)).sort();
  throw ApplicationFailure.create({
    type: Failure.InvalidInput,
    nonRetryable: true,
    message:
      unknown.map(({ g, i }) => `${field}[${i}] = ${JSON.stringify(g)}: no activity of that name is registered on this worker`).join('; ') +
      `${taskQueue ? ` (task queue ${taskQueue})` : ''}. Gates it registers: ${known.join(', ')}. Check RESYN_GATES or the input's "${field}".`,
  });
}

export function preflightActivities(cfg: ResynConfig) {
  return {
    async preflight(input: PreflightInput): Promise<PreflightResult> {
      const ctx = Context.current();
      const taskQueue = ctx.info.taskQueue;
      const registered = registeredActivities(taskQueue);
      if (input.gates && registered) checkGateNames(input.gates, registered, input.gatesField, taskQueue);
      const endpoints: ProbeResult[] = [];
      const notes: string[] = [];
      const seen = new Map<string, ProbeResult>();
      for (const name of [...new Set(input.roles)]) {
        const role = { ...cfg.llm[name], name };
        const key = JSON.stringify([role.baseURL, role.apiKey, role.model]);
        const same = seen.get(key);
        if (same) {
          endpoints.push({ ...same, role: name });
          continue;
        }
        try {
          const r = await probeEndpoint(role, { timeoutMs: Math.min(cfg.llm.requestTimeoutMs, 30_000), signal: ctx.cancellationSignal });
          if (!r.modelListed) notes.push(`the ${name} endpoint ${r.baseURL} does not list model ${r.model}; the first call will tell`);
          seen.set(key, r);
          endpoints.push(r);
        } catch (err) {
          if (err instanceof LlmError) throw llmFailure(err);
          throw err;
        }
      }
      for (const n of notes) ctx.log.warn(n);
      return { endpoints, notes };
    },
  };
}
