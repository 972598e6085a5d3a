/**
 * The gates a candidate environment passes, each an activity with ONE interface
 * (Candidate in -> GateResult out), named in cfg.synthesis.gates, so a team adds or reorders a
 * gate (an audit, a calibration) by registering an activity and listing its name.
 *
 * The LLM gates work from evidence: the code judge reads the checks' report and sampled instances
 * with solve()'s answers, the question judge the code and instances across difficulties, the red
 * team the code and instances whose states it attacks; its claims are scored in the sandbox.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { ANSWER_INSTRUCTION, normaliseAnswer } from '../lib/answer';
import { Failure } from '../contracts/failures';
import type { Candidate, GateResult } from '../contracts/gates';
import { addUsage, type UsageTotals, zeroUsage } from '../contracts/usage';
import type { ChatMessage } from '../llm/client';
import { clip, checksFeedback, formatInstances, formatReport, type InstanceEvidence } from '../llm/evidence';
import { enforceThresholds, JUDGE_CRITERIA, type JudgeName } from '../llm/judging';
import { type Parsed, parseJudge, parseRedTeam, type RedTeamClaim } from '../llm/parse';
import { judgeVars, renderPrompt } from '../llm/prompts';
import { type CheckReport, checkEnvironment, type SandboxPool, sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { heartbeating } from './heartbeat';
import { callRole } from './llm';

/** `n` instances spread over difficulties 1..10 (fixed seeds: a retried activity sends the same prompt). */
export function spreadInstances(n: number): { seed: number; difficulty: number }[] {
  return Array.from({ length: n }, (_, i) => ({ seed: 101 + i, difficulty: n === 1 ? 10 : Math.round(1 + (9 * i) / (n - 1)) }));
}

/** Samples and solves instances; `states[i]` is undefined where sampling failed. */
async function sampleEvidence(
  pool: SandboxPool,
  source: string,
  plan: { seed: number; difficulty: number }[],
): Promise<{ evidence: InstanceEvidence[]; states: unknown[]; answers: (string | undefined)[] }> {
  const sampled = await pool.sample(source, plan);
  const states = sampled.map((s) => (s.ok ? s.value.state : undefined));
  const solved = await pool.solve(
    source,
    states.map((s) => s ?? null),
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
async function askReadable<T>(
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
    const r = await callRole(cfg, 'judge', convo, keyword, i);
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

async function judge(cfg: ResynConfig, gate: string, name: JudgeName, c: Candidate, evidence: Record<string, string>): Promise<GateResult> {
  const criteria = Object.keys(JUDGE_CRITERIA[name]);
  const messages = renderPrompt(
    name,
    {
      keyword: c.keyword,
      proposal_name: c.proposal.name,
      proposal_description: c.proposal.description,
      source: c.source.trim(),
      ...judgeVars(name, cfg),
      ...evidence,
    },
    cfg,
  );
  const { value, usage } = await askReadable(cfg, messages, c.keyword, (s) => parseJudge(s, criteria), gate);
  const e = enforceThresholds(value, criteria, cfg.synthesis.judge);
  const detail = { judgeVerdict: value.verdict, ...(e.low.length ? { belowThreshold: e.low } : {}) };
  return { gate, verdict: e.verdict, feedback: e.feedback, scores: value.scores, detail, usage };
}

/** The checks' report an earlier gate of this round produced, if any. */
function earlierReport(c: Candidate): CheckReport | undefined {
  const d = c.earlier?.find((g) => g.gate === 'automaticChecks')?.detail as Partial<CheckReport> | undefined;
  return d && Array.isArray(d.checks) ? (d as CheckReport) : undefined;
}

/** A red-team claim the sandbox confirmed, with what verify returned. */
export interface Hole {
  seed: number;
  difficulty: number;
  state: string;
  answer: string;
  kind: RedTeamClaim['kind'];
  why: string;
  reward?: number;
  error?: string;
}

function holeText(h: Hole, reference: string | undefined): string {
  const got = h.error ? `verify failed (${h.error})` : `verify returned ${h.reward}`;
  const claim = h.kind === 'wrong-accepted' ? 'claimed WRONG, but accepted' : 'claimed RIGHT, but rejected';
  const same = reference !== undefined && reference.trim() === h.answer.trim() ? " (this is solve()'s own answer)" : '';
  return `- seed ${h.seed}, difficulty ${h.difficulty}; state: ${clip(h.state, 1500)}\n  answer: ${JSON.stringify(clip(h.answer, 500))}${same}: ${claim}: ${got}. Why: ${h.why || '(not given)'}`;
}

export function gateActivities(cfg: ResynConfig) {
  const pool = () => sharedPool(cfg.sandbox);
  return {
    /** The sandbox's automatic checks (no LLM): failing checks, with their failing cases, become revision feedback. */
    async automaticChecks(c: Candidate): Promise<GateResult> {
      const report = await heartbeating(() => checkEnvironment(c.source, { pool: pool(), config: cfg.checks }));
      const detail = { ok: report.ok, checks: report.checks, durationMs: report.durationMs };
      if (report.ok) return { gate: 'automaticChecks', verdict: 'pass', feedback: '', detail };
      return { gate: 'automaticChecks', verdict: 'revise', feedback: checksFeedback(report), detail };
    },

    /** Judge stage 1: the code, with the checks' report and sampled instances with solve()'s answers. */
    async codeJudge(c: Candidate): Promise<GateResult> {
      const report = earlierReport(c) ?? (await heartbeating(() => checkEnvironment(c.source, { pool: pool(), config: cfg.checks })));
      const { evidence } = await sampleEvidence(pool(), c.source, spreadInstances(cfg.synthesis.judge.codeInstances));
      return judge(cfg, 'codeJudge', 'code-judge', c, {
        report: formatReport(report),
        instances: formatInstances(evidence, { state: true }),
      });
    },

    /** Judge stage 2: the questions as a solver sees them, across difficulties, with the code that makes and grades them. */
    async questionJudge(c: Candidate): Promise<GateResult> {
      const { evidence } = await sampleEvidence(pool(), c.source, spreadInstances(cfg.synthesis.judge.questionInstances));
      return judge(cfg, 'questionJudge', 'question-judge', c, { instances: formatInstances(evidence, { state: false }) });
    },

    /**
     * The red team: the judge model proposes answers it claims are wrong-but-accepted or
     * right-but-rejected; each is scored by the real verify in the sandbox, and every confirmed
     * hole (wrong scored >= 0.5, right scored < 1, or verify failing; the answer normalised as for
     * training) goes back as feedback.
     */
    async redTeam(c: Candidate): Promise<GateResult> {
      const rt = cfg.synthesis.redTeam;
      const { evidence, states, answers } = await sampleEvidence(pool(), c.source, spreadInstances(rt.instances));
      const messages = renderPrompt(
        'red-team',
        {
          keyword: c.keyword,
          proposal_name: c.proposal.name,
          proposal_description: c.proposal.description,
          source: c.source.trim(),
          instances: formatInstances(evidence, { state: true, numbered: true }),
          max_claims: rt.maxClaims,
        },
        cfg,
      );
      const { value: claims, usage } = await askReadable(cfg, messages, c.keyword, parseRedTeam, 'redTeam');
      const seen = new Set<string>();
      const usable = claims
        .filter((cl) => states[cl.instance - 1] !== undefined)
        .filter((cl) => {
          const k = `${cl.instance}\u0000${cl.kind}\u0000${cl.answer}`;
          return !seen.has(k) && seen.add(k);
        })
        .slice(0, rt.maxClaims);
      const rewards = usable.length
        ? await pool().score(
            c.source,
            // Scored as training scores it: the framework's wrappers stripped first (lib/answer.ts).
            usable.map((cl) => ({ state: states[cl.instance - 1], answer: normaliseAnswer(cl.answer) })),
          )
        : [];
      const holes: Hole[] = [];
      usable.forEach((cl, i) => {
        const r = rewards[i]!;
        const x = evidence[cl.instance - 1]!;
        const confirmed = !r.ok || (cl.kind === 'wrong-accepted' ? r.value >= 0.5 : r.value < 1);
        if (!confirmed) return;
        holes.push({
          seed: x.seed,
          difficulty: x.difficulty,
          state: x.state!,
          answer: cl.answer,
          kind: cl.kind,
          why: cl.why,
          ...(r.ok ? { reward: r.value } : { error: `${r.error.kind}: ${clip(r.error.message, 200)}` }),
        });
      });
      const detail = { claims: claims.length, scored: usable.length, holes };
      if (!holes.length) return { gate: 'redTeam', verdict: 'pass', feedback: '', detail, usage, holes: 0 };
      const lines = holes.map((h) => holeText(h, answers[evidence.findIndex((x) => x.seed === h.seed)]));
      const feedback = [
        `The red team found ${holes.length} confirmed hole(s) in verify (each answer was scored by verify in the sandbox):`,
        ...lines,
        'Fix verify so that every wrong answer scores 0 and every right answer, in the forms models write, scores 1; keep verify(state, solve(state)) = 1.',
      ].join('\n');
      return { gate: 'redTeam', verdict: 'revise', feedback, detail, usage, holes: holes.length };
    },
  };
}
