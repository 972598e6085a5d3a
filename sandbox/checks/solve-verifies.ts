/** solve-verifies: verify(state, solve(state)) = 1 for every instance, also with surrounding whitespace. */
import { at, errText, listFew, show } from './context';
import type { Check } from './types';

export const solveVerifies: Check = {
  name: 'solve-verifies',
  rule: 'verify(state, solve(state)) is 1 for every sampled instance at difficulties 1..10, also with surrounding whitespace',
  needs: ['instances'],
  async run(ctx) {
    const xs = ctx.instances!.filter((x) => x.k < ctx.cfg.solvedPerDifficulty);
    const solved = await ctx.pool.solve(
      ctx.source,
      xs.map((x) => x.state),
      ctx.opts(),
    );
    solved.forEach((r, i) => {
      const x = xs[i]!;
      if (r.ok) x.solution = r.value;
      else ctx.failed(`solve(state of ${at(x)})`, r.error, x);
    });
    const withSol = xs.filter((x) => x.solution !== undefined);
    const probes = withSol.flatMap((x) => [
      { x, answer: x.solution!, padded: false },
      { x, answer: `  ${x.solution!}\n`, padded: true },
    ]);
    const rs = await ctx.score(probes);
    const notOne: string[] = [];
    const paddedBad: string[] = [];
    probes.forEach((p, i) => {
      const r = rs[i]!;
      if (!r.ok) {
        ctx.failed(`verify(${at(p.x)}) on its solve() answer`, r.error, p.x, p.answer);
        ctx.example(p.x, { answer: p.answer, error: r.error });
        (p.padded ? paddedBad : notOne).push(`${at(p.x)}: verify failed on ${show(p.answer)} (${errText(r.error)})`);
      } else if (r.value !== 1) {
        (p.padded ? paddedBad : notOne).push(`${at(p.x)}: verify(state, ${show(p.answer)}) = ${r.value}`);
        ctx.example(p.x, { answer: p.answer, reward: r.value });
      }
    });
    ctx.solved = withSol;
    const ok = withSol.length === xs.length && notOne.length === 0 && paddedBad.length === 0;
    if (ok)
      return {
        ok,
        detail: `verify(state, solve(state)) = 1 for all ${withSol.length} solved instances at difficulties 1..10, also with surrounding whitespace`,
      };
    return {
      ok,
      detail:
        [
          withSol.length < xs.length
            ? `solve() failed on ${xs.length - withSol.length} of ${xs.length} instances (see exports-and-types / within-limits)`
            : '',
          notOne.length
            ? `verify(state, solve(state)) must be 1 but was not for ${notOne.length} of ${withSol.length} instances: ${listFew(notOne)}`
            : '',
          paddedBad.length
            ? `verify must ignore surrounding whitespace, but "  " + solution + "\\n" did not score 1 for ${listFew(paddedBad)}`
            : '',
        ]
          .filter(Boolean)
          .join('; ') +
        '. Make solve() return an answer in exactly the format the prompt asks for, and verify() parse answers tolerantly (trim, ignore case where irrelevant).',
    };
  },
};
