/**
 * The judges' criteria and the rule that turns a judge's reply into a gate verdict: the score
 * thresholds the judge prompt states are enforced here, so an "accept" with low scores never
 * registers an environment.
 */
import type { JudgeVerdict } from './parse';

export type JudgeName = 'code-judge' | 'question-judge';

/** Each judge's criteria (name: what a 5 means), rendered into its prompt and required in its reply. */
export const JUDGE_CRITERIA: Record<JudgeName, Record<string, string>> = {
  'code-judge': {
    verifier_logic:
      "verify checks the answer by the task's own rules for this state, not by string comparison with solve()'s possibly wrong output; it accepts every correct answer, in the forms models write",
    verifier_robust:
      'verify never throws, scores empty/garbage/near-miss answers 0 and gives no partial credit to wrong answers without a reason',
    complete: 'generate, prompt, verify and solve are all implemented, deterministic given rng, with no state kept between calls',
    difficulty_scales: 'difficulty 1..10 makes the reasoning harder (a bigger search space, longer chains), not only the text longer',
    solver_correct: 'solve() returns a correct answer for every instance, within the time limit at difficulty 10',
    not_guessable: 'no constant or easily guessed answer (yes/no, a small number, the most common solution) scores well',
  },
  'question-judge': {
    self_contained: 'the question states everything needed; no hidden conventions',
    answer_format: 'the question says exactly what the final answer looks like',
    no_loopholes: 'no trivial or degenerate answer (always "0", yes/no, copying the input) scores well',
    diverse: 'instances differ in substance, not only in numbers of the same shape',
    needs_reasoning: 'solving takes several reasoning steps, not recall of facts',
    difficulty_real: 'higher difficulties are harder to solve, not only longer to read',
  },
};

export interface Thresholds {
  minScore: number;
  minScores: Record<string, number>;
}

export const thresholdOf = (t: Thresholds, criterion: string): number => t.minScores[criterion] ?? t.minScore;

/** The gate verdict for a readable judge reply: an "accept" below any threshold becomes "revise" naming the low criteria. */
export function enforceThresholds(
  v: JudgeVerdict,
  criteria: readonly string[],
  t: Thresholds,
): { verdict: 'pass' | 'revise' | 'reject'; feedback: string; low: string[] } {
  if (v.verdict !== 'accept') return { verdict: v.verdict, feedback: v.feedback, low: [] };
  const low = criteria.filter((c) => (v.scores[c] ?? 0) < thresholdOf(t, c));
  if (low.length === 0) return { verdict: 'pass', feedback: v.feedback, low };
  const named = low.map((c) => `${c} ${v.scores[c] ?? 'missing'} (needs ${thresholdOf(t, c)})`).join(', ');
  return {
    verdict: 'revise',
    feedback: `The judge answered "accept" but scored below the required threshold: ${named}. Improve these criteria. Judge's feedback: ${v.feedback || '(none)'}`,
    low,
  };
}
