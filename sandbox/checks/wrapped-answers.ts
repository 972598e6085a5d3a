/**
 * wrapped-answers: models wrap final answers (\boxed{}, $...$, **...**, "The answer is", "x =",
 * a trailing period); the framework strips those (lib/answer.ts) before verify, and solve()'s
 * answer must still score 1 after wrapping and normalising. Fails environments whose answers
 * do not survive normalisation (e.g. an answer that must end with a period).
 */
import { ANSWER_WRAPPERS, normaliseAnswer } from '../../lib/answer';
import { at, errText, listFew, PROBED_PER_DIFFICULTY, show } from './context';
import type { Check, Instance } from './types';

export const wrappedAnswers: Check = {
  name: 'wrapped-answers',
  rule: 'solve()\'s answer still scores 1 after it is wrapped in \\\\boxed{}, $...$, **...**, "The answer is", "x =" or a trailing period and the framework strips the wrapper again',
  needs: ['solutions'],
  async run(ctx) {
    const xs = ctx.solved!.filter((x) => x.k < PROBED_PER_DIFFICULTY / 2);
    const probes: { x: Instance; answer: string; wrapper: string }[] = [];
    for (const x of xs) {
      const seen = new Set<string>();
      for (const w of [{ name: 'no wrapper', wrap: (a: string) => a, strip: () => '' }, ...ANSWER_WRAPPERS]) {
        const wrapped = w.wrap(x.solution!.trim());
        // A wrapper the normaliser declines for this answer (e.g. "x =" before "a=1, b=2") is not tested.
        if (w.name !== 'no wrapper' && w.strip(wrapped) === null) continue;
        const answer = normaliseAnswer(wrapped);
        if (seen.has(answer)) continue;
        seen.add(answer);
        probes.push({ x, answer, wrapper: w.name });
      }
    }
    const rs = await ctx.score(probes);
    const bad: string[] = [];
    probes.forEach((p, i) => {
      const r = rs[i]!;
      if (r.ok && r.value === 1) return;
      bad.push(`${p.wrapper} (${at(p.x)}): verify saw ${show(p.answer)} and gave ${r.ok ? r.value : errText(r.error)}`);
      ctx.example(p.x, r.ok ? { answer: p.answer, reward: r.value } : { answer: p.answer, error: r.error });
    });
    if (bad.length === 0)
      return {
        ok: true,
        detail: `solve()'s answer still scores 1 after wrapping in each of ${ANSWER_WRAPPERS.map((w) => w.name).join(', ')} and normalising (${xs.length} instances)`,
      };
    return {
      ok: false,
      detail: `after the framework strips the usual wrappers (docs/answers.md), verify rejected solve()'s answer: ${listFew(bad)}. The answer verify sees has \\boxed{}, $...$, **...**, a leading "The answer is"/"x =" and one trailing period removed: do not require them, and make solve()'s answer a form that survives this (no trailing period that matters).`,
    };
  },
};
