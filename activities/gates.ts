/**
 * The gates a candidate environment passes, each an activity with ONE interface
 * (Candidate in -> GateResult out), named in cfg.synthesis.gates, so a team adds or reorders a
 * gate (an audit, a calibration) by registering an activity and listing its name.
 */
import { ANSWER_INSTRUCTION } from '../lib/answer';
import { parseJudge, type Proposal } from '../llm/parse';
import { renderPrompt } from '../llm/prompts';
import { checkEnvironment, checkFeedback, sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { heartbeating } from './heartbeat';
import { addUsage, callRole, CONTRACT_RETRIES, zeroUsage, type UsageTotals } from './llm';

export interface Candidate {
  source: string;
  keyword: string;
  proposal: Proposal;
  round: number;
}
export interface GateResult {
  gate: string;
  verdict: 'pass' | 'revise' | 'reject';
  feedback: string;
  scores?: Record<string, number>;
  /** Gate-specific detail kept in the round history (e.g. the check report). */
  detail?: unknown;
  usage?: UsageTotals;
}

/** Instances the question judge reads. */
const QUESTION_SAMPLES = [
  { seed: 11, difficulty: 1 },
  { seed: 12, difficulty: 5 },
  { seed: 13, difficulty: 10 },
];

async function judge(
  cfg: ResynConfig,
  gate: string,
  template: 'code-judge' | 'question-judge',
  c: Candidate,
  extra: Record<string, string>,
): Promise<GateResult> {
  const messages = renderPrompt(template, {
    keyword: c.keyword,
    proposal_name: c.proposal.name,
    proposal_description: c.proposal.description,
    ...extra,
  });
  let usage = zeroUsage();
  let error = '';
  // A verdict that breaks the JSON contract is re-asked a few times, then counts as "revise".
  for (let i = 0; i <= CONTRACT_RETRIES; i++) {
    const r = await callRole(cfg, 'judge', messages, c.keyword, i);
    usage = addUsage(usage, r.usage);
    const v = parseJudge(r.content);
    if (v.ok) {
      const verdict = v.value.verdict === 'accept' ? 'pass' : v.value.verdict;
      return { gate, verdict, feedback: v.value.feedback, scores: v.value.scores, usage };
    }
    error = v.error;
  }
  return { gate, verdict: 'revise', feedback: `the ${gate} reply could not be read (${error}); review again after revision`, usage };
}

export function gateActivities(cfg: ResynConfig) {
  return {
    /** The sandbox's automatic checks (no LLM): failing checks become revision feedback. */
    async automaticChecks(c: Candidate): Promise<GateResult> {
      const report = await heartbeating(() => checkEnvironment(c.source, { pool: sharedPool(cfg.sandbox), config: cfg.checks }));
      const detail = { ok: report.ok, checks: report.checks, durationMs: report.durationMs };
      if (report.ok) return { gate: 'automaticChecks', verdict: 'pass', feedback: '', detail };
      return { gate: 'automaticChecks', verdict: 'revise', feedback: checkFeedback(report), detail };
    },

    /** Judge stage 1: the code (verifier logic, completeness, difficulty scaling). */
    async codeJudge(c: Candidate): Promise<GateResult> {
      return judge(cfg, 'codeJudge', 'code-judge', c, { source: c.source.trim() });
    },

    /** Judge stage 2: the questions as a solver sees them (specification, format, loopholes). */
    async questionJudge(c: Candidate): Promise<GateResult> {
      const pool = sharedPool(cfg.sandbox);
      const sampled = await pool.sample(c.source, QUESTION_SAMPLES);
      const okStates = sampled.map((s) => (s.ok ? s.value.state : null));
      const solved = await pool.solve(c.source, okStates);
      const samples = QUESTION_SAMPLES.map((q, i) => {
        const s = sampled[i]!;
        const a = solved[i]!;
        const question = s.ok ? `${s.value.prompt}\n${ANSWER_INSTRUCTION}` : `(sampling failed: ${s.error.message})`;
        const answer = a.ok ? a.value : `(solve failed: ${a.error.message})`;
        return `--- seed ${q.seed}, difficulty ${q.difficulty}\n${question}\n--- reference answer\n${answer}`;
      }).join('\n\n');
      return judge(cfg, 'questionJudge', 'question-judge', c, { samples });
    },
  };
}
