/**
 * adversarial-answers: verify meets policy output during RL, which searches for slow paths.
 * Long, repetitive, near-miss, odd-unicode and answer-space answers (probes.ts) at difficulties
 * 1, 5 and 10, each verify call held to its own deadline (cfg adversarialCallMs, 1 s: a backtracking
 * regex on a 30,000-digit run takes minutes, a linear verify milliseconds): any call over
 * it, any throw, any invalid reward rejects the environment.
 */
import { adversarialAnswers } from './probes';
import { at, errText, listFew } from './context';
import type { Check, Instance } from './types';

export const adversarialAnswersCheck: Check = {
  name: 'adversarial-answers',
  rule: 'verify returns a valid reward within a few hundred milliseconds on long, repetitive, nested, near-miss and odd-unicode answers (no backtracking regexes, no work proportional to a huge answer)',
  needs: ['solutions'],
  async run(ctx) {
    const all = ctx.solved!;
    const probes: { x: Instance; answer: string; label: string }[] = [];
    for (const d of [1, 5, 10]) {
      const x = all.find((y) => y.difficulty === d);
      if (x) for (const a of adversarialAnswers(x.solution!)) probes.push({ x, ...a });
    }
    const ms = Math.min(ctx.cfg.adversarialCallMs, ctx.pool.limits.callTimeoutMs);
    // One batch per answer: a batch of fifty 40,000-character answers is megabytes of JSON that the
    // sandbox parses under the same tight deadline before any verify runs.
    const rs = (await Promise.all(probes.map((p) => ctx.scoreWithDeadline([p], ms)))).flat();
    const bad: string[] = [];
    probes.forEach((p, i) => {
      const r = rs[i]!;
      if (!r.ok) ctx.example(p.x, { answer: p.answer, error: r.error });
      if (!r.ok) bad.push(`${p.label} (${at(p.x)}): ${r.error.kind === 'timeout' ? `verify took over ${ms} ms` : errText(r.error)}`);
    });
    if (bad.length === 0)
      return {
        ok: true,
        detail: `verify returned a valid reward within ${ms} ms for ${probes.length} long, repetitive, near-miss, nested and odd-unicode answers`,
      };
    return {
      ok: false,
      detail: `verify failed on adversarial answers: ${listFew(bad)}. Model answers can be long and malformed: verify must not throw, must not backtrack (no nested quantifiers like /(\\d+)+$/ on the raw answer), must not loop or allocate in proportion to a huge answer (reject answers longer than any correct one first), and must return true/false or a number in [0, 1] for any string within ${ms} ms.`,
    };
  },
};
