/**
 * One OpenAI-compatible chat client for every role (generator, judge, reviser, policy) and every
 * provider (OpenAI, vLLM, llama.cpp, Ollama, LM Studio). The client never retries (maxRetries 0):
 * retries belong to Temporal's activity retry policy, so every failure is classified here as
 * retryable (rate limit, 5xx, timeout, reset connection, malformed body) or not (bad request, auth,
 * unknown model, an endpoint that refuses connections after a short bounded retry), with a message
 * naming the role, the endpoint, the model and the variable a user sets to fix it.
 */
import OpenAI from 'openai';
import type { LlmRole } from '../temporal.config';

export type RoleName = 'generator' | 'judge' | 'reviser' | 'policy';
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}
export interface ChatResult {
  content: string;
  usage: Usage;
  model: string;
}
export interface ChatOptions {
  timeoutMs: number;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export type LlmErrorKind =
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'malformed'
  | 'client'
  | 'config'
  /** 401/403: the key is wrong or lacks access. */
  | 'auth'
  /** 404 (or a 400 that says so): no such model or route at that base URL. */
  | 'not-found'
  /** Connection refused / host unknown, still so after a short bounded retry. */
  | 'unreachable';

export class LlmError extends Error {
  override name = 'LlmError';
  constructor(
    message: string,
    readonly kind: LlmErrorKind,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const ENV_HINT: Record<RoleName, string> = {
  generator: 'RESYN_GENERATOR_BASE_URL / RESYN_GENERATOR_API_KEY',
  judge: 'RESYN_JUDGE_BASE_URL / RESYN_JUDGE_API_KEY',
  reviser: 'RESYN_REVISER_BASE_URL / RESYN_REVISER_API_KEY',
  policy: 'RESYN_POLICY_BASE_URL / RESYN_POLICY_API_KEY',
};

type Setting = 'BASE_URL' | 'API_KEY' | 'MODEL';
const OPENAI_DEFAULT: Partial<Record<Setting, string>> = { BASE_URL: 'OPENAI_BASE_URL', API_KEY: 'OPENAI_API_KEY' };

/**
 * The environment variable that set a role's base URL, key or model in this process (the reviser
 * inherits the generator's unless configured itself), or the choices when none is set.
 */
export function settingVariable(role: RoleName, setting: Setting, env: NodeJS.ProcessEnv = process.env): string {
  const own = `RESYN_${role.toUpperCase()}_${setting}`;
  if (env[own]) return own;
  const reviserOwn = ['BASE_URL', 'API_KEY', 'MODEL'].some((k) => env[`RESYN_REVISER_${k}`]);
  if (role === 'reviser' && !reviserOwn && env[`RESYN_GENERATOR_${setting}`]) return `RESYN_GENERATOR_${setting}`;
  const shared = OPENAI_DEFAULT[setting];
  if (shared && env[shared]) return shared;
  return shared ? `${shared} or ${own}` : own;
}

/** What to check for each non-retryable kind, naming the variables. */
function fixHint(kind: LlmErrorKind, role: RoleName): string {
  if (kind === 'auth') return `; check the API key (${settingVariable(role, 'API_KEY')})`;
  if (kind === 'not-found')
    return `; check the model name (${settingVariable(role, 'MODEL')}) and the base URL (${settingVariable(role, 'BASE_URL')})`;
  if (kind === 'unreachable') return `; check ${settingVariable(role, 'BASE_URL')} and that the server is up`;
  return '';
}

/** Why a role cannot reach any endpoint (no base URL and no key), or null when it can try. */
export function endpointProblem(role: LlmRole & { name: RoleName }): string | null {
  if (role.baseURL || role.apiKey) return null;
  return (
    `no LLM endpoint configured for the ${role.name} role: set OPENAI_BASE_URL and OPENAI_API_KEY ` +
    `(every role) or ${ENV_HINT[role.name]}; e.g. OPENAI_BASE_URL=http://127.0.0.1:8000/v1 for a local vLLM/llama.cpp/Ollama server`
  );
}

const clients = new Map<string, OpenAI>();
function clientFor(role: LlmRole, timeoutMs: number): OpenAI {
  const key = JSON.stringify([role.baseURL ?? '', role.apiKey ?? '', timeoutMs]);
  let c = clients.get(key);
  if (!c) {
    // Local servers take any key; the openai package insists on one.
    c = new OpenAI({ baseURL: role.baseURL, apiKey: role.apiKey || 'none', maxRetries: 0, timeout: timeoutMs });
    clients.set(key, c);
  }
  return c;
}

/** Seconds or an HTTP date, as Retry-After allows; also OpenAI's retry-after-ms. */
export function parseRetryAfter(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.round(Number(ra) * 1000);
  const t = Date.parse(ra);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

/** The errno-style code (ECONNREFUSED, ENOTFOUND...) somewhere in an error's cause chain. */
function causeCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, d = 0; e && d < 6; e = e.cause as typeof e, d++) {
    if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** Codes that mean "nothing answers at that address" (as opposed to a reset or a slow server). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function classifyError(err: unknown, where: string, role?: RoleName): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new LlmError(`${where}: request timed out`, 'timeout', true);
  if (err instanceof OpenAI.APIUserAbortError) return new LlmError(`${where}: request aborted`, 'timeout', true);
  if (err instanceof OpenAI.APIConnectionError) {
    const code = causeCode(err);
    const cause = code ?? (err as { cause?: Error }).cause?.message;
    const kind: LlmErrorKind = code && UNREACHABLE_CODES.has(code) ? 'unreachable' : 'connection';
    return new LlmError(`${where}: connection failed${cause ? ` (${cause})` : ''}`, kind, true);
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const text = err.message.replace(/^\d+\s*/, '').slice(0, 300);
    const msg = `${where}: HTTP ${status} ${text}`;
    if (status === 429) return new LlmError(msg, 'rate-limit', true, parseRetryAfter(err.headers));
    if (status === 408 || status === 409 || status >= 500) return new LlmError(msg, 'server', true, parseRetryAfter(err.headers));
    const kind: LlmErrorKind =
      status === 401 || status === 403
        ? 'auth'
        : status === 404 || /model.*(not found|does not exist|unknown)|unknown model|no such model/i.test(text)
          ? 'not-found'
          : 'client';
    return new LlmError(msg + (role ? fixHint(kind, role) : ''), kind, false);
  }
  // Unparseable bodies (SyntaxError), resets mid-body and the like: transient from our side.
  return new LlmError(`${where}: ${(err as Error)?.message ?? String(err)}`, 'malformed', true);
}

/** Connection refused is retried this many times, briefly, inside the call; then it is not retryable. */
export const CONNECT_ATTEMPTS = 3;
const CONNECT_BACKOFF_MS = [500, 1500];

/**
 * Runs one request; an endpoint that refuses connections (or whose host is unknown) is tried
 * CONNECT_ATTEMPTS times over ~2 s, then fails for good naming the variable: waiting half an hour
 * of activity retries for a server that is not there helps no one.
 */
async function withConnectRetry<T>(role: RoleName, where: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const e = classifyError(err, where, role);
      if (e.kind !== 'unreachable') throw e;
      if (attempt >= CONNECT_ATTEMPTS || signal?.aborted) {
        throw new LlmError(`${e.message} in ${attempt} attempts${fixHint('unreachable', role)}`, 'unreachable', false);
      }
      await new Promise((r) => setTimeout(r, CONNECT_BACKOFF_MS[attempt - 1] ?? 1500));
    }
  }
}

const whereOf = (role: LlmRole & { name: RoleName }) =>
  `LLM ${role.name} (model ${role.model} at ${role.baseURL ?? 'https://api.openai.com/v1'})`;

/** One chat completion for a role. Throws LlmError. */
export async function chat(role: LlmRole & { name: RoleName }, messages: ChatMessage[], opts: ChatOptions): Promise<ChatResult> {
  const where = whereOf(role);
  const problem = endpointProblem(role);
  if (problem) throw new LlmError(problem, 'config', false);
  const res: OpenAI.Chat.Completions.ChatCompletion = await withConnectRetry(
    role.name,
    where,
    () =>
      clientFor(role, opts.timeoutMs).chat.completions.create(
        {
          model: role.model,
          messages,
          ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
          ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
        },
        { signal: opts.signal },
      ),
    opts.signal,
  );
  const content = (res as any)?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') {
    throw new LlmError(
      `${where}: malformed reply (no choices[0].message.content): ${JSON.stringify(res).slice(0, 200)}`,
      'malformed',
      true,
    );
  }
  return {
    content,
    usage: { promptTokens: res.usage?.prompt_tokens ?? 0, completionTokens: res.usage?.completion_tokens ?? 0 },
    model: res.model ?? role.model,
  };
}

export interface ProbeResult {
  role: RoleName;
  baseURL: string;
  model: string;
  /** How the endpoint was checked: its model list, or a 1-token completion where it has none. */
  via: 'models' | 'completion';
  /** False when the model list was read and does not name the model (some servers list one alias and accept any name). */
  modelListed: boolean;
}

/**
 * One cheap request that proves a role's endpoint works before a run fans out: GET /models
 * (reachability and the key), or a 1-token completion when the server has no model list.
 * Throws the same LlmError a real call would (unreachable, auth, not-found: not retryable).
 */
export async function probeEndpoint(
  role: LlmRole & { name: RoleName },
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<ProbeResult> {
  const problem = endpointProblem(role);
  if (problem) throw new LlmError(problem, 'config', false);
  const base = { role: role.name, baseURL: role.baseURL ?? 'https://api.openai.com/v1', model: role.model };
  try {
    const page = await withConnectRetry(
      role.name,
      whereOf(role),
      () => clientFor(role, opts.timeoutMs).models.list({ signal: opts.signal }),
      opts.signal,
    );
    const ids = page.data.map((m) => m.id);
    return { ...base, via: 'models', modelListed: ids.includes(role.model) };
  } catch (err) {
    if (!(err instanceof LlmError) || err.kind !== 'not-found') throw err;
  }
  await chat(role, [{ role: 'user', content: 'ping' }], { timeoutMs: opts.timeoutMs, maxTokens: 1, signal: opts.signal });
  return { ...base, via: 'completion', modelListed: true };
}

export function costUsd(usage: Usage, prices: { inputCostPerMTok: number; outputCostPerMTok: number }): number {
  return (usage.promptTokens * prices.inputCostPerMTok + usage.completionTokens * prices.outputCostPerMTok) / 1e6;
}
