/**
 * Reply contracts (DESIGN.md): generator/reviser -> the LAST fenced ```js / ```javascript block;
 * judge -> a JSON verdict (raw or in ```json); proposer -> a JSON list of {name, description}.
 * Parsers return a result, never throw: a contract-breaking reply becomes feedback, not a crash.
 */
import { z } from 'zod';
import type { Proposal } from '../contracts/proposal';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The last ```js or ```javascript fenced block. */
export function extractCode(reply: string): Parsed<string> {
  const re = /```[ \t]*(js|javascript|mjs)[ \t]*\r?\n([\s\S]*?)```/gi;
  let last: string | undefined;
  for (let m = re.exec(reply); m; m = re.exec(reply)) last = m[2];
  if (last === undefined || !last.trim()) {
    return {
      ok: false,
      error: 'the reply contained no ```js fenced code block; reply with the complete environment module in one ```js block',
    };
  }
  return { ok: true, value: last.trimEnd() + '\n' };
}

/** The JSON payload: the last ```json block, else the whole reply, else the outermost {...} / [...]. */
export function extractJson(reply: string, open: '{' | '['): Parsed<unknown> {
  const candidates: string[] = [];
  const re = /```[ \t]*(json)?[ \t]*\r?\n([\s\S]*?)```/gi;
  const blocks: string[] = [];
  for (let m = re.exec(reply); m; m = re.exec(reply)) blocks.push(m[2]!);
  candidates.push(...blocks.reverse(), reply);
  const close = open === '{' ? '}' : ']';
  const a = reply.indexOf(open),
    b = reply.lastIndexOf(close);
  if (a >= 0 && b > a) candidates.push(reply.slice(a, b + 1));
  let lastErr = 'no JSON found';
  for (const c of candidates) {
    try {
      return { ok: true, value: JSON.parse(c.trim()) };
    } catch (err) {
      lastErr = (err as Error).message;
    }
  }
  return { ok: false, error: `the reply is not valid JSON (${lastErr})` };
}

export const judgeVerdictSchema = z.object({
  verdict: z.enum(['accept', 'revise', 'reject']),
  scores: z.record(z.string(), z.number().min(1).max(5)),
  feedback: z.string(),
});
export type JudgeVerdict = z.infer<typeof judgeVerdictSchema>;

const issuesText = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** A judge verdict; with `criteria`, an "accept" that leaves a criterion unscored breaks the contract too (its thresholds cannot be checked). */
export function parseJudge(reply: string, criteria: readonly string[] = []): Parsed<JudgeVerdict> {
  const j = extractJson(reply, '{');
  if (!j.ok) return j;
  const v = judgeVerdictSchema.safeParse(j.value);
  if (!v.success) {
    return {
      ok: false,
      error: `the verdict JSON does not match {verdict: accept|revise|reject, scores: {criterion: 1..5}, feedback}: ${issuesText(v.error)}`,
    };
  }
  const missing = v.data.verdict === 'accept' ? criteria.filter((c) => v.data.scores[c] === undefined) : [];
  if (missing.length)
    return { ok: false, error: `the verdict gives no score for ${missing.join(', ')}; score every criterion from 1 to 5` };
  return { ok: true, value: v.data };
}

export const RED_TEAM_KINDS = ['wrong-accepted', 'right-rejected'] as const;
const redTeamClaim = z.object({
  instance: z.number().int().min(1),
  answer: z.string(),
  kind: z.enum(RED_TEAM_KINDS),
  why: z.string().default(''),
});
export type RedTeamClaim = z.infer<typeof redTeamClaim>;

/** The red team's reply: {"claims": [{instance, answer, kind, why}]} (or the bare list); an empty list is a valid reply. */
export function parseRedTeam(reply: string): Parsed<RedTeamClaim[]> {
  const j = extractJson(reply, '{');
  const list = j.ok && !Array.isArray(j.value) ? (j.value as any)?.claims : undefined;
  const raw =
    list ??
    (() => {
      const a = extractJson(reply, '[');
      return a.ok ? a.value : undefined;
    })();
  const v = z.array(redTeamClaim).safeParse(raw);
  if (!v.success) {
    return {
      ok: false,
      error: `expected {"claims": [{"instance": n, "answer": "...", "kind": "wrong-accepted" | "right-rejected", "why": "..."}]}${raw === undefined ? ' (no JSON found)' : `: ${issuesText(v.error)}`}`,
    };
  }
  return { ok: true, value: v.data };
}

const proposalsSchema = z.array(z.object({ name: z.string().min(1), description: z.string().min(1) }));

/** Distinct (by kebab-case name) task proposals, at most `max`. */
export function parseProposals(reply: string, max: number): Parsed<Proposal[]> {
  const j = extractJson(reply, '[');
  if (!j.ok) return j;
  const raw = Array.isArray(j.value) ? j.value : ((j.value as any)?.tasks ?? (j.value as any)?.proposals);
  const v = proposalsSchema.safeParse(raw);
  if (!v.success) return { ok: false, error: `expected a JSON list of {name, description}: ${v.error.issues[0]?.message}` };
  const seen = new Set<string>();
  const out: Proposal[] = [];
  for (const p of v.data) {
    const name = kebab(p.name);
    if (!name || seen.has(name)) continue;
    seen.add(name);
    out.push({ name, description: p.description.trim() });
    if (out.length >= max) break;
  }
  return out.length ? { ok: true, value: out } : { ok: false, error: 'the proposal list is empty' };
}

export function kebab(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
