/**
 * The red-team gate: the judge model gets the code and numbered instances and proposes answers it
 * claims are wrong-but-accepted or right-but-rejected; each is scored by the real verify in the
 * sandbox (normalised as for training), and every confirmed hole goes back as revision feedback
 * with the instance's state and the answer.
 */
import type { Candidate, GateResult } from '../contracts/gates';
import { normaliseAnswer } from '../lib/answer';
import { clip, formatInstances } from '../llm/evidence';
import { parseRedTeam, type RedTeamClaim } from '../llm/parse';
import { renderPrompt } from '../llm/prompts';
import { sharedPool } from '../sandbox';
import type { ResynConfig } from '../temporal.config';
import { heartbeating } from './heartbeat';
import { askJudge, sampleEvidence, spreadInstances } from './judge-io';

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
  /** The answer is solve()'s own: a claim that it is wrong says solve() and verify share a mistake. */
  isReference?: boolean;
}

function holeText(h: Hole): string {
  const got = h.error ? `verify failed (${h.error})` : `verify returned ${h.reward}`;
  const claim = h.kind === 'wrong-accepted' ? 'claimed WRONG, but accepted' : 'claimed RIGHT, but rejected';
  const same = h.isReference ? " (this is solve()'s own answer)" : '';
  return `- seed ${h.seed}, difficulty ${h.difficulty}; state: ${clip(h.state, 1500)}\n  answer: ${JSON.stringify(clip(h.answer, 500))}${same}: ${claim}: ${got}. Why: ${h.why || '(not given)'}`;
}

export function redTeamActivities(cfg: ResynConfig) {
  return {
    /**
     * The red team: the judge model proposes answers it claims are wrong-but-accepted or
     * right-but-rejected; each is scored by the real verify in the sandbox, and every confirmed
     * hole (wrong scored >= 0.5, right scored < 1, or verify failing; the answer normalised as for
     * training) goes back as feedback.
     */
    async redTeam(c: Candidate): Promise<GateResult> {
      const rt = cfg.synthesis.redTeam;
      const pool = sharedPool(cfg.sandbox);
      const { evidence, states, answers } = await sampleEvidence(pool, c.source, spreadInstances(rt.instances));
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
      const { value: claims, usage } = await askJudge(cfg, messages, c.keyword, parseRedTeam, 'redTeam');
      const seen = new Set<string>();
      // Claims on an instance that could not be sampled, or with an answer longer than any verify is
      // handed (the host refuses it before verify runs), say nothing about verify.
      const usable = claims
        .filter((cl) => states[cl.instance - 1] !== undefined && cl.answer.length <= cfg.sandbox.maxAnswerChars)
        .filter((cl) => {
          const k = `${cl.instance}\u0000${cl.kind}\u0000${cl.answer}`;
          return !seen.has(k) && seen.add(k);
        })
        .slice(0, rt.maxClaims);
      const rewards = usable.length
        ? await heartbeating(() =>
            pool.score(
              c.source,
              // Scored as training scores it: the framework's wrappers stripped first (lib/answer.ts).
              usable.map((cl) => ({ state: states[cl.instance - 1], answer: normaliseAnswer(cl.answer) })),
            ),
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
          ...(answers[cl.instance - 1]?.trim() === cl.answer.trim() ? { isReference: true } : {}),
          ...(r.ok ? { reward: r.value } : { error: `${r.error.kind}: ${clip(r.error.message, 200)}` }),
        });
      });
      const detail = { claims: claims.length, scored: usable.length, holes };
      if (!holes.length) return { gate: 'redTeam', verdict: 'pass', feedback: '', detail, usage, holes: 0 };
      const feedback = [
        `The red team found ${holes.length} confirmed hole(s) in verify (each answer was scored by verify in the sandbox):`,
        ...holes.map(holeText),
        'Fix verify so that every wrong answer scores 0 and every right answer, in the forms models write, scores 1; keep verify(state, solve(state)) = 1.',
      ].join('\n');
      return { gate: 'redTeam', verdict: 'revise', feedback, detail, usage, holes: holes.length };
    },
  };
}
