/**
 * Every ApplicationFailure type resyn throws, in one place: activities and workflows throw with
 * these names, and `resyn status` / `resyn resume` match them. A failure type is part of the
 * contract with users (they filter on it in the Temporal UI), so names only ever get added.
 */
export const Failure = {
  /** A workflow input that fails its zod schema (non-retryable; names the field). */
  InvalidInput: 'InvalidInput',
  /** growLibrary stopped after too many child failures in a row (and nightlyGrowth on top of it). */
  GrowFailed: 'GrowFailed',
  /** growLibrary's checks before it fans out failed (an LLM endpoint down or misconfigured, an unknown gate). */
  PreflightFailed: 'PreflightFailed',
  /** The seed keywords file (seeds/keywords.json) is missing or broken. */
  SeedKeywordsUnreadable: 'SeedKeywordsUnreadable',
  /** sampleTrainingData: an environment id not in the registry. */
  UnknownEnvironment: 'UnknownEnvironment',
  /** sampleTrainingData: no environment matches the filter. */
  NothingToSample: 'NothingToSample',
  /** resumeRun: no such workflow run. */
  RunNotFound: 'RunNotFound',
  /** resumeRun: the run is running, completed, or of a type resume does not handle. */
  NotResumable: 'NotResumable',
  /** resumeRun waits (retryably) for an old run's child to close. */
  ChildStillRunning: 'ChildStillRunning',
  /** A judge or red-team reply stayed unreadable after its bounded re-asks (retryable: Temporal asks again later). */
  JudgeReplyUnreadable: 'JudgeReplyUnreadable',
} as const;
export type FailureType = (typeof Failure)[keyof typeof Failure];

const LLM_PREFIX = 'LlmError.';

/** The failure type of an LLM call that failed: `LlmError.<kind>` (rate-limit, server, timeout, client, config, ...). */
export const llmFailureType = (kind: string): string => `${LLM_PREFIX}${kind}`;
export const isLlmFailureType = (type: string | null | undefined): boolean => !!type?.startsWith(LLM_PREFIX);

/** Failure types `resyn resume` reports as a refusal (exit 1, the message) rather than a crash. */
export const RESUME_REFUSALS: readonly string[] = [Failure.RunNotFound, Failure.NotResumable];

/**
 * The innermost typed failure in an error's cause chain (activity and child failures wrap the
 * ApplicationFailure that names what went wrong), or undefined when none carries a type.
 */
export function rootFailure(err: unknown): { type: string; message: string } | undefined {
  let found: { type: string; message: string } | undefined;
  for (
    let e = err as { type?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 20;
    e = e.cause as typeof e, depth++
  )
    if (typeof e.type === 'string' && e.type) found = { type: e.type, message: String(e.message ?? '') };
  return found;
}

/** The root cause's message (activity and child failures wrap it). */
export function rootMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  return String(e?.message ?? err);
}
