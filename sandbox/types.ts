/** The sandbox's public types: limits (cfg.sandbox), environment info and typed per-item results. */

/** = cfg.sandbox. The optional fields have defaults (DEFAULT_SANDBOX_EXTRAS). */
export interface SandboxLimits {
  memoryMb: number;
  stackKb: number;
  callTimeoutMs: number;
  workers: number;
  /** A prompt longer than this fails with output-too-large (and the prompt-bounded check). */
  maxPromptChars?: number;
  /** One item's result (state + prompt, or a solution) as JSON text; longer fails with output-too-large. */
  maxOutputBytes?: number;
  /** Answers longer than this are not handed to verify (output-too-large). */
  maxAnswerChars?: number;
  /** Generated states cached per worker thread, by (environment id, seed, difficulty), in MiB of JSON text. */
  stateCacheMb?: number;
}

export const DEFAULT_SANDBOX_EXTRAS = { maxPromptChars: 16_000, maxOutputBytes: 1_000_000, maxAnswerChars: 100_000, stateCacheMb: 64 };

export type ResolvedLimits = Required<SandboxLimits>;

export function resolveLimits(l: SandboxLimits): ResolvedLimits {
  return {
    memoryMb: l.memoryMb,
    stackKb: l.stackKb,
    callTimeoutMs: l.callTimeoutMs,
    workers: l.workers,
    maxPromptChars: l.maxPromptChars ?? DEFAULT_SANDBOX_EXTRAS.maxPromptChars,
    maxOutputBytes: l.maxOutputBytes ?? DEFAULT_SANDBOX_EXTRAS.maxOutputBytes,
    maxAnswerChars: l.maxAnswerChars ?? DEFAULT_SANDBOX_EXTRAS.maxAnswerChars,
    stateCacheMb: l.stateCacheMb ?? DEFAULT_SANDBOX_EXTRAS.stateCacheMb,
  };
}

/** An environment's name rule, checked in the guest and stated in the generator's prompt. */
export const ENV_NAME_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export const ENV_NAME_MAX = 80;

export interface EnvInfo {
  id: string;
  name: string;
  description: string;
  tags: string[];
}

export type SandboxErrorKind =
  | 'timeout'
  | 'out-of-memory'
  | 'stack-overflow'
  | 'guest-error'
  | 'invalid-module'
  | 'non-json'
  | 'output-too-large'
  | 'host-crash';

export interface SandboxError {
  kind: SandboxErrorKind;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: SandboxError };

/** The operations a worker runs; one batch of items per operation. */
export type SandboxOp = 'describe' | 'sample' | 'solve' | 'verify';

/**
 * One instance to verify answers against: its state is given (`state`), or generated in the
 * sandbox from (seed, difficulty) and cached in the worker by (environment id, seed, difficulty).
 * A GRPO group is one instance with many answers: its state crosses (or is generated) once.
 */
export interface VerifyInstance {
  seed?: number;
  difficulty?: number;
  state?: unknown;
  answers: string[];
}

/** Per-call limits a caller (the checks, the reward service) can tighten. */
export interface CallOptions {
  /** Deadline of one item (one generate, prompt, verify or solve call); default cfg callTimeoutMs. */
  callTimeoutMs?: number;
  /**
   * Time budget of the whole batch, from the moment it is submitted. Items not finished when it
   * runs out fail with kind `timeout` ("not run: ... budget"); the rest of the batch keeps its results.
   */
  budgetMs?: number;
  /**
   * Out-of-memory failures and traps each cost a fresh WASM module (and a watchdog kill a fresh
   * worker); after this many in one chunk (default 3) its remaining items fail "not run" with the
   * same kind. Infinity keeps every item independent (bound the cost with budgetMs then).
   */
  maxRebuilds?: number;
}

/** One item's result as it crosses from the guest: a value or an error. */
export type WireResult = { v: unknown } | { e: SandboxErrorKind; m: string };

export function toResult<T>(w: WireResult): Result<T> {
  return 'e' in w ? { ok: false, error: { kind: w.e, message: w.m } } : { ok: true, value: w.v as T };
}
