/**
 * What the LLM gates send and read: instances sampled and solved in the sandbox as evidence, and
 * the judge role asked until its reply parses.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { Failure } from '../contracts/failures';
import { addUsage, type UsageTotals, zeroUsage } from '../contracts/usage';
import { ANSWER_INSTRUCTION } from '../lib/answer';
import type { ChatMessage } from '../llm/client';
import { clip, type InstanceEvidence } from '../llm/evidence';
import type { Parsed } from '../llm/parse';
import type { SandboxPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { heartbeating } from './heartbeat';
import { callRole } from './llm';

/** `n` instances spread over difficulties 1..10 (fixed seeds: a retried activity sends the same prompt). */
export function spreadInstances(n: number): { seed: number; difficulty: number }[] {
  return Array.from({ length: n }, (_, i) => ({ seed: 101 + i, difficulty: n === 1 ? 10 : Math.round(1 + (9 * i) / (n - 1)) }));
}

/** Samples and solves instances; `states[i]` is undefined where sampling failed. */
export async function sampleEvidence(
  pool: SandboxPool,
  source: string,
  plan: { seed: number; difficulty: number }[],
): Promise<{ evidence: InstanceEvidence[]; states: unknown[]; answers: (string | undefined)[] }> {
  const sampled = await heartbeating(() => pool.sample(source, plan));
  const states = sampled.map((s) => (s.ok ? s.value.state : undefined));
  const solved = await heartbeating(() =>
    pool.solve(
      source,
      states.map((s) => s ?? null),
    ),
  );
  const answers = solved.map((a, i) => (a.ok && states[i] !== undefined ? a.value : undefined));
  const evidence = plan.map((p, i): InstanceEvidence => {
    const s = sampled[i]!;
    const a = solved[i]!;
    if (!s.ok) return { ...p, error: `sampling failed: ${s.error.kind}: ${clip(s.error.message, 300)}` };
    return {
      ...p,
      state: JSON.stringify(s.value.state),
      prompt: `${s.value.prompt}\n${ANSWER_INSTRUCTION}`,
      answer: a.ok ? a.value : `(solve failed: ${a.error.kind}: ${clip(a.error.message, 300)})`,
    };
  });
  return { evidence, states, answers };
}

/**
 * Asks the judge role until its reply parses (the parse error is fed back), at most
 * 1 + replyRetries times. An unreadable reply says nothing about the code, so it is never turned
 * into revision feedback: when every ask fails, the activity fails (retryable) and Temporal asks again later.
 */
export async function askJudge<T>(
  cfg: ResynConfig,
  messages: ChatMessage[],
  keyword: string,
  parse: (reply: string) => Parsed<T>,
  what: string,
): Promise<{ value: T; usage: UsageTotals }> {
  let usage = zeroUsage();
  let convo = messages;
  let error = '';
  for (let i = 0; i <= cfg.synthesis.judge.replyRetries; i++) {
    const r = await callRole(cfg, 'judge', convo, keyword, { seq: i });
    usage = addUsage(usage, r.usage);
    const p = parse(r.content);
    if (p.ok) return { value: p.value, usage };
    error = p.error;
    convo = [
      ...messages,
      { role: 'assistant', content: clip(r.content, 4000) },
      { role: 'user', content: `Your reply could not be read: ${error}. Reply again with the JSON object only, in the shape asked for.` },
    ];
  }
  throw ApplicationFailure.create({
    type: Failure.JudgeReplyUnreadable,
    message: `the ${what} reply could not be read after ${cfg.synthesis.judge.replyRetries + 1} asks: ${error}`,
  });
}
