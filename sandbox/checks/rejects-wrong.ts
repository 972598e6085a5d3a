/**
 * rejects-wrong: empty and garbage answers score 0 and never make verify throw; perturbed
 * solutions and other instances' solutions rarely get full credit (several answers can be
 * correct, so up to half may); verify is not constant.
 */
import { GARBAGE_ANSWERS, perturbations } from './probes';
import { at, errText, listFew, PROBED_PER_DIFFICULTY, show } from './context';
import type { Check, Instance } from './types';

/** Wrong answers may be right now and then (several correct answers); more than this share fails. */
const MAX_WRONG_ACCEPTED = 0.5;

export const rejectsWrong: Check = {
  name: 'rejects-wrong',
  rule: "empty and garbage answers score 0 and never make verify throw; perturbed solutions and other instances' solutions mostly score 0",
  needs: ['solutions'],
  async run(ctx) {
    const all = ctx.solved!;
    const xs = all.filter((x) => x.k < PROBED_PER_DIFFICULTY);
    type Probe = { x: Instance; answer: string; garbage: boolean; label: string };
    const probes: Probe[] = [];
    xs.forEach((x) => {
      const sol = x.solution!;
      for (const g of GARBAGE_ANSWERS) probes.push({ x, answer: g, garbage: true, label: `the garbage answer ${show(g)}` });
      for (const p of perturbations(sol)) probes.push({ x, answer: p, garbage: false, label: `the perturbed solution ${show(p)}` });
      const other = all.find(
        (y) => y !== x && y.difficulty === x.difficulty && y.stateJson !== x.stateJson && y.solution!.trim() !== sol.trim(),
      );
      if (other)
        probes.push({ x, answer: other.solution!, garbage: false, label: `the solution of seed ${other.seed} (${show(other.solution!)})` });
    });
    const rs = await ctx.score(probes);
    const garbageBad: string[] = [];
    const threw: string[] = [];
    const accepted: string[] = [];
    const values: number[] = [];
    let wrongTotal = 0;
    probes.forEach((p, i) => {
      const r = rs[i]!;
      if (!r.ok) {
        if (r.error.kind === 'guest-error' || r.error.kind === 'non-json') {
          threw.push(`${p.label} (${at(p.x)}): ${errText(r.error)}`);
          ctx.example(p.x, { answer: p.answer, error: r.error });
        } else ctx.failed(`verify(${at(p.x)}) on ${p.label}`, r.error, p.x, p.answer);
        return;
      }
      values.push(r.value);
      if (p.garbage) {
        if (r.value !== 0) {
          garbageBad.push(`${p.label} scored ${r.value}`);
          ctx.example(p.x, { answer: p.answer, reward: r.value });
        }
        return;
      }
      wrongTotal++;
      ctx.wrong.push({ x: p.x, label: p.label, answer: p.answer, reward: r.value });
      if (r.value >= 1) {
        accepted.push(`${p.label} for ${at(p.x)}`);
        ctx.example(p.x, { answer: p.answer, reward: r.value });
      }
    });
    const share = wrongTotal ? accepted.length / wrongTotal : 0;
    // Constant and never 0: every wrong and garbage answer scored the same positive reward.
    const constant = values.length > 0 && values[0]! > 0 && values.every((v) => v === values[0]);
    const ok = garbageBad.length === 0 && threw.length === 0 && wrongTotal > 0 && share <= MAX_WRONG_ACCEPTED && !constant;
    if (ok)
      return {
        ok,
        detail: `empty and garbage answers score 0; ${accepted.length} of ${wrongTotal} perturbed or other-instance answers got full credit (allowed up to ${MAX_WRONG_ACCEPTED * 100}%, since some tasks have several correct answers)`,
      };
    return {
      ok,
      detail:
        [
          threw.length ? `verify threw on wrong or malformed answers (a throw is a failed check, not a 0): ${listFew(threw)}` : '',
          garbageBad.length ? `empty and garbage answers must score 0: ${listFew(garbageBad)}` : '',
          constant ? `verify returned ${values[0]} for every answer it was given` : '',
          wrongTotal === 0 ? "no wrong answer could be built from solve()'s answers" : '',
          share > MAX_WRONG_ACCEPTED
            ? `${accepted.length} of ${wrongTotal} wrong answers (perturbed solutions, other instances' solutions) got full credit, e.g. ${listFew(accepted, 2)}`
            : '',
        ]
          .filter(Boolean)
          .join('; ') +
        '. verify(state, answer) must check the answer against this state and return 0 for anything that is not a correct answer; parse defensively and never throw (wrap parsing in try/catch and return 0).',
    };
  },
};
