/**
 * One OpenAI-compatible chat client for every role (generator, judge, reviser, policy) and every
 * provider (OpenAI, vLLM, llama.cpp, Ollama, LM Studio). The client never retries (maxRetries 0):
 * retries belong to Temporal's activity retry policy, so every failure is classified here as
 * retryable (rate limit, 5xx, timeout, connection, malformed body) or not (bad request, auth,
 * unknown model), with a message naming the role, the endpoint and the model.
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

export type LlmErrorKind = 'rate-limit' | 'server' | 'timeout' | 'connection' | 'malformed' | 'client' | 'config';

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

export function classifyError(err: unknown, where: string): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new LlmError(`${where}: request timed out`, 'timeout', true);
  if (err instanceof OpenAI.APIUserAbortError) return new LlmError(`${where}: request aborted`, 'timeout', true);
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = (err as { cause?: Error }).cause?.message;
    return new LlmError(`${where}: connection failed${cause ? ` (${cause})` : ''}`, 'connection', true);
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const msg = `${where}: HTTP ${status} ${err.message.replace(/^\d+\s*/, '').slice(0, 300)}`;
    if (status === 429) return new LlmError(msg, 'rate-limit', true, parseRetryAfter(err.headers));
    if (status === 408 || status === 409 || status >= 500) return new LlmError(msg, 'server', true, parseRetryAfter(err.headers));
    const hint =
      status === 401 || status === 403 ? ' (check the API key)' : status === 404 ? ' (check the base URL and the model name)' : '';
    return new LlmError(msg + hint, 'client', false);
  }
  // Unparseable bodies (SyntaxError), resets mid-body and the like: transient from our side.
  return new LlmError(`${where}: ${(err as Error)?.message ?? String(err)}`, 'malformed', true);
}

/** One chat completion for a role. Throws LlmError. */
export async function chat(role: LlmRole & { name: RoleName }, messages: ChatMessage[], opts: ChatOptions): Promise<ChatResult> {
  const where = `LLM ${role.name} (model ${role.model} at ${role.baseURL ?? 'https://api.openai.com/v1'})`;
  const problem = endpointProblem(role);
  if (problem) throw new LlmError(problem, 'config', false);
  let res: OpenAI.Chat.Completions.ChatCompletion;
  try {
    res = await clientFor(role, opts.timeoutMs).chat.completions.create(
      {
        model: role.model,
        messages,
        ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
        ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
      },
      { signal: opts.signal },
    );
  } catch (err) {
    throw classifyError(err, where);
  }
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

export function costUsd(usage: Usage, prices: { inputCostPerMTok: number; outputCostPerMTok: number }): number {
  return (usage.promptTokens * prices.inputCostPerMTok + usage.completionTokens * prices.outputCostPerMTok) / 1e6;
}
