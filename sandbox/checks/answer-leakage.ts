/**
 * answer-leakage: the prompt must not contain its own answer. Counted against a baseline: how
 * often an instance's prompt contains its OWN solution versus ANOTHER instance's solution of the
 * same difficulty (short answers such as "3" or "yes" appear in many prompts by chance; a
 * leaked answer appears in its own prompt far more often).
 */
import { normaliseAnswer } from '../../lib/answer';
import { at, fmt, listFew, show } from './context';
import type { Check, Instance } from './types';

const MIN_OWN = 0.5;
const MIN_EXCESS = 0.3;

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
function contains(prompt: string, answer: string): boolean {
  const a = squash(normaliseAnswer(answer));
  if (a.length < 2) return false;
  const p = squash(prompt);
  let i = p.indexOf(a);
  while (i >= 0) {
    // A whole match: not inside a longer word or number.
    const before = p[i - 1] ?? ' ';
    const after = p[i + a.length] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    i = p.indexOf(a, i + 1);
  }
  return false;
}

export const answerLeakage: Check = {
  name: 'answer-leakage',
  rule: 'the prompt does not contain its own answer',
  needs: ['solutions'],
  async run(ctx) {
    const xs = ctx.solved!;
    let own = 0;
    let other = 0;
    let pairs = 0;
    const leaks: Instance[] = [];
    xs.forEach((x, i) => {
      if (contains(x.prompt, x.solution!)) {
        own++;
        leaks.push(x);
      }
      const y = xs.slice(i + 1).find((z) => z.difficulty === x.difficulty && z.solution!.trim() !== x.solution!.trim());
      if (y) {
        pairs++;
        if (contains(x.prompt, y.solution!)) other++;
      }
    });
    const ownRate = xs.length ? own / xs.length : 0;
    const otherRate = pairs ? other / pairs : 0;
    const ok = !(ownRate >= MIN_OWN && ownRate - otherRate >= MIN_EXCESS);
    const rates = `${fmt(100 * ownRate)}% of prompts contain their own answer, ${fmt(100 * otherRate)}% another instance's`;
    if (ok) return { ok, detail: rates };
    for (const x of leaks) ctx.example(x, { answer: x.solution! });
    return {
      ok,
      detail: `the prompt gives the answer away: ${rates}, e.g. ${listFew(
        leaks.map((x) => `${at(x)} answer ${show(x.solution!)}`),
        2,
      )}. The question must not contain its answer (not in examples, hints, debug text or the state dump); render only what the solver needs.`,
    };
  },
};
