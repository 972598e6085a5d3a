/**
 * partial-credit: wrong answers must not collect much reward. A policy maximises expected
 * reward: if near-misses score above 0.5, it learns to produce near-misses. Answers that got
 * full credit are not counted here (several answers can be correct; rejects-wrong bounds them).
 */
import { at, fmt, listFew } from './context';
import type { Check } from './types';

/** Wrong answers scoring in (HIGH, 1) count against the environment; more than MAX_SHARE of them fails. */
const HIGH = 0.5;
const MAX_SHARE = 0.1;

export const partialCredit: Check = {
  name: 'partial-credit',
  rule: 'wrong answers get at most 0.5 partial credit (near-misses must not pay)',
  needs: ['solutions'],
  async run(ctx) {
    const wrong = ctx.wrong.filter((w) => w.reward < 1);
    const high = wrong.filter((w) => w.reward > HIGH);
    const mean = wrong.length ? wrong.reduce((s, w) => s + w.reward, 0) / wrong.length : 0;
    const ok = wrong.length === 0 || high.length / wrong.length <= MAX_SHARE;
    if (!ok) for (const w of high) ctx.example(w.x, { answer: w.answer, reward: w.reward });
    if (ok) return { ok, detail: `wrong answers score ${fmt(mean)} on average; ${high.length} of ${wrong.length} scored above ${HIGH}` };
    return {
      ok,
      detail: `${high.length} of ${wrong.length} wrong answers (perturbed or other instances' solutions) scored above ${HIGH}, e.g. ${listFew(
        high.map((w) => `${w.label} for ${at(w.x)} scored ${fmt(w.reward)}`),
        2,
      )}. Give 0 for a wrong answer, or at most ${HIGH} partial credit for a nearly right one: a policy trained on this reward learns to stop at near-misses.`,
    };
  },
};
