/**
 * guessability: no constant answer may score well. A policy under RL finds the best constant
 * within a few hundred steps; if "yes" wins 5/8 of the time it never learns the task.
 *
 * Candidates per difficulty: small integers -1..10, yes/no/true/false, an empty list, "none",
 * the most common solutions at other difficulties, and the most common solutions at this
 * difficulty. Each constant's mean reward over the instances of that difficulty
 * (instancesPerDifficulty, default 40: see config.ts for why) must stay at or under maxGuessRate
 * (default 5%), counting only constants with at least MIN_WINS wins. A candidate taken from this difficulty's own solutions is scored only on the
 * half of the instances it was NOT taken from: otherwise a value that merely repeats by chance
 * in the sample would be counted against the environment (selection bias). Two stages keep it
 * cheap: every candidate on the first part of its instances, and only those that won anything
 * there on the rest.
 */
import { normaliseAnswer } from '../../lib/answer';
import { DIFFICULTIES, fmt, show } from './context';
import type { Check, Instance } from './types';

const FIXED = ['-1', ...Array.from({ length: 11 }, (_, i) => String(i)), 'yes', 'no', 'true', 'false', '[]', 'none'];
/**
 * Fewest wins (summed reward) that count as evidence: two instances out of 32-40 sharing an
 * answer is an ordinary coincidence in a few hundred possible answers, three is not.
 */
const MIN_WINS = 3;
/** Most common solutions tried per difficulty, and overall. */
const COMMON_AT_LEVEL = 8;
const COMMON_OVERALL = 4;

function mostCommon(xs: Instance[], n: number): string[] {
  const counts = new Map<string, number>();
  for (const x of xs) {
    const a = normaliseAnswer(x.solution!);
    counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([a]) => a);
}

interface Trial {
  d: number;
  answer: string;
  on: Instance[];
  sum: number;
  /** An instance the constant won, for the failure's example. */
  won?: Instance;
}

export const guessability: Check = {
  name: 'guessability',
  rule: 'no constant answer (a small integer, yes/no/true/false, an empty list, a common solution) scores more than 5% at any difficulty',
  needs: ['solutions'],
  async run(ctx) {
    const solved = ctx.solved!;
    const trials: Trial[] = [];
    for (const d of DIFFICULTIES) {
      const xs = ctx.byDifficulty(ctx.instances!, d);
      const sol = ctx.byDifficulty(solved, d);
      if (xs.length === 0) continue;
      const elsewhere = mostCommon(
        solved.filter((x) => x.difficulty !== d),
        COMMON_OVERALL,
      );
      for (const answer of new Set([...FIXED, ...elsewhere])) trials.push({ d, answer, on: xs, sum: 0 });
      // Candidates from one half of the solved instances, scored on every instance outside that half.
      const half = Math.ceil(sol.length / 2);
      for (const part of [sol.slice(0, half), sol.slice(half)]) {
        if (part.length === 0) continue;
        const on = xs.filter((x) => !part.includes(x));
        for (const answer of mostCommon(part, COMMON_AT_LEVEL)) trials.push({ d, answer, on, sum: 0 });
      }
    }
    const run = async (ts: Trial[], part: (t: Trial) => Instance[]) => {
      const probes = ts.flatMap((t) => part(t).map((x) => ({ t, x, answer: t.answer })));
      const rs = await ctx.score(probes);
      probes.forEach((p, i) => {
        const r = rs[i]!;
        if (!r.ok) ctx.failed(`verify(seed ${p.x.seed}, difficulty ${p.x.difficulty}) on the constant answer ${show(p.answer)}`, r.error);
        else {
          p.t.sum += r.value;
          if (r.value > 0) p.t.won ??= p.x;
        }
      });
    };
    const cut = (t: Trial) => Math.ceil(t.on.length / 2);
    await run(trials, (t) => t.on.slice(0, cut(t)));
    await run(
      trials.filter((t) => t.sum > 0),
      (t) => t.on.slice(cut(t)),
    );
    const worst = new Map<number, { d: number; answer: string; rate: number; n: number; won?: Instance }>();
    for (const t of trials) {
      const rate = t.sum >= MIN_WINS ? t.sum / t.on.length : 0;
      const w = worst.get(t.d);
      if (!w || rate > w.rate) worst.set(t.d, { d: t.d, answer: t.answer, rate, n: t.on.length, ...(t.won ? { won: t.won } : {}) });
    }
    const max = ctx.cfg.maxGuessRate;
    const levels = [...worst.values()];
    const over = levels.filter((w) => w.rate > max);
    for (const w of over) if (w.won) ctx.example(w.won, { answer: w.answer, reward: 1 });
    const top = levels.reduce((m, w) => (w.rate > m.rate ? w : m), { d: 0, answer: '', rate: 0, n: 0 });
    const pct = (r: number) => `${fmt(100 * r)}%`;
    const n = ctx.cfg.instancesPerDifficulty;
    if (over.length === 0)
      return {
        ok: true,
        detail: `no constant answer scores over ${pct(max)} at any difficulty (${n} instances each); the best is ${top.rate ? `${show(top.answer)} with ${pct(top.rate)} at difficulty ${top.d}` : 'none (every constant scored 0)'}`,
      };
    return {
      ok: false,
      detail: `a constant answer scores too often: ${over
        .map((w) => `${show(w.answer)} gets ${pct(w.rate)} of the reward at difficulty ${w.d} (${w.n} instances)`)
        .join(
          '; ',
        )} (limit ${pct(max)}). A policy would learn to always answer that. Widen the answer space: ask for the witness (an assignment, a path, the set) instead of yes/no or a count, draw instances so that the answer is spread out (balance or reject instances whose answer is the common one), and make small levels big enough that their answers vary.`,
    };
  },
};
