/**
 * The checks a run makes before it fans out, so a misconfiguration fails it in seconds with the
 * variable to set instead of after half an hour of retries: every LLM role's endpoint answers
 * (one cheap request each), and every gate named in the input is an activity this worker runs
 * (checkInputNames alone for a synthesis run started directly, with no LLM request).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Failure } from '../contracts/failures';
import { LlmError, probeEndpoint, type ProbeResult, type RoleName } from '../llm/client';
import type { ResynConfig } from '../temporal.config';
import { llmFailure } from './llm';
import { type RegisteredActivities, registeredActivities } from './registered';

export interface PreflightInput {
  roles: RoleName[];
  /** Gate activity names from the workflow input (`input.gates`, and where they came from for the message). */
  gates?: string[];
  gatesField?: string;
  /** Other activity names of the input by field (`blockingGates`, `localGates`), checked with the gates. */
  names?: ActivityNameFields;
}

export interface PreflightResult {
  endpoints: ProbeResult[];
  /** Warnings worth a log line (a model the endpoint's list does not name). */
  notes: string[];
}

/** Names from a workflow input that must be activities on the worker: input field -> the names it lists. */
export type ActivityNameFields = Record<string, string[] | undefined>;

/**
 * Unknown activity names as one non-retryable InvalidInput failure naming each field, index and
 * value, the gates this worker registers, and the setting to fix. `fields` maps an input field
 * (`gates`, `blockingGates`, `localGates`) to its names.
 */
export function checkActivityNames(fields: ActivityNameFields, registered: RegisteredActivities, taskQueue = ''): void {
  const bad: string[] = [];
  for (const [field, names] of Object.entries(fields))
    (names ?? []).forEach((n, i) => {
      if (!registered.all.has(n)) bad.push(`${field}[${i}] = ${JSON.stringify(n)}: no activity of that name is registered on this worker`);
    });
  if (bad.length === 0) return;
  const fieldNames = Object.keys(fields).filter((f) => fields[f]?.length);
  throw ApplicationFailure.create({
    type: Failure.InvalidInput,
    nonRetryable: true,
    message:
      `${bad.join('; ')}${taskQueue ? ` (task queue ${taskQueue})` : ''}. Gates it registers: ${registered.gates.join(', ')}. ` +
      `Check RESYN_GATES or the input's ${fieldNames.map((f) => JSON.stringify(f)).join(', ')}.`,
  });
}

/** The activity names of a synthesis input (gates and the gate lists that qualify them). */
export interface InputNames {
  fields: ActivityNameFields;
}

export function preflightActivities(cfg: ResynConfig) {
  return {
    /**
     * The activity names a run's input lists (its gates) are registered on this worker: run as a
     * local activity at the start of a directly started synthesizeEnvironment, so a typo fails in
     * seconds instead of retrying "activity not registered" for minutes.
     */
    async checkInputNames(input: InputNames): Promise<void> {
      const taskQueue = Context.current().info.taskQueue;
      const registered = registeredActivities(taskQueue);
      if (registered) checkActivityNames(input.fields, registered, taskQueue);
    },
    async preflight(input: PreflightInput): Promise<PreflightResult> {
      const ctx = Context.current();
      const taskQueue = ctx.info.taskQueue;
      const registered = registeredActivities(taskQueue);
      if (registered)
        checkActivityNames(
          { ...(input.gates ? { [input.gatesField ?? 'gates']: input.gates } : {}), ...input.names },
          registered,
          taskQueue,
        );
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
