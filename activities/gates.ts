/**
 * The gates a candidate environment passes, each an activity with ONE interface
 * (Candidate in -> GateResult out), named in cfg.synthesis.gates, so a team adds or reorders a
 * gate (an audit, a calibration) by registering an activity and listing its name.
 *
 * The judges work from evidence: the code judge reads the checks' report and sampled instances
 * with solve()'s answers, the question judge the code and instances across difficulties. Their
 * score thresholds are enforced here (llm/judging.ts). The red team is in ./red-team.ts.
 */
import type { Candidate, GateResult } from '../contracts/gates';
import { checksFeedback, formatInstances, formatReport } from '../llm/evidence';
import { enforceThresholds, JUDGE_CRITERIA, type JudgeName } from '../llm/judging';
import { parseJudge } from '../llm/parse';
import { judgeVars, renderPrompt } from '../llm/prompts';
import { type CheckReport, checkEnvironment, sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { heartbeating } from './heartbeat';
import { askJudge, sampleEvidence, spreadInstances } from './judge-io';
import { redTeamActivities } from './red-team';

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
  const { value, usage } = await askJudge(cfg, messages, c.keyword, (s) => parseJudge(s, criteria), gate);
  const e = enforceThresholds(value, criteria, cfg.synthesis.judge);
  const detail = { judgeVerdict: value.verdict, ...(e.low.length ? { belowThreshold: e.low } : {}) };
  return { gate, verdict: e.verdict, feedback: e.feedback, scores: value.scores, detail, usage };
}

/** The checks' report an earlier gate of this round produced, if any. */
function earlierReport(c: Candidate): CheckReport | undefined {
  const d = c.earlier?.find((g) => g.gate === 'automaticChecks')?.detail as Partial<CheckReport> | undefined;
  return d && Array.isArray(d.checks) ? (d as CheckReport) : undefined;
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

    ...redTeamActivities(cfg),
  };
}
