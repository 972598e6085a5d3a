/**
 * monotone-difficulty: larger difficulty must mean more reasoning work, over ALL levels 1..10,
 * not just "something changed between 1 and 10". Proxies of work, none of them text length
 * (padding a prompt moves none of them):
 * - solution steps: tokens in solve()'s answer (moves in a plan, cells, items of a list);
 * - instance size: values in the state (numbers, booleans, array items; a string counts by its
 *   length up to 64), i.e. how much the solver has to look at;
 * - answer magnitude: log10(1 + the largest number in the answer) (the size of a numeric answer space).
 * Passes when one proxy rises with a clear trend (Kendall's tau over the ten level means >= 0.6)
 * and grows from levels 1-2 to 9-10 by >= 20%; fails a knob that is flat or that makes tasks
 * smaller (any proxy whose level mean falls below 60% of the largest mean of an easier level,
 * e.g. an optimal plan of 11.8 moves at difficulty 5 and 3.0 at 6).
 */
import { DIFFICULTIES, fmt } from './context';
import type { Check, Instance } from './types';

const MIN_TAU = 0.6;
const MIN_GROWTH = 1.2;
const MAX_DROP = 0.6;

function instanceSize(v: unknown, depth = 0): number {
  if (depth > 100) return 0;
  if (typeof v === 'string') return Math.min(v.length, 64);
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + Math.max(1, instanceSize(x, depth + 1)), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((s: number, x) => s + instanceSize(x, depth + 1), 0);
  return 1;
}
const steps = (x: Instance) => (x.solution!.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N},;:]/gu) ?? []).length;
const magnitude = (x: Instance) =>
  Math.log10(1 + (x.solution!.match(/\d+(?:\.\d+)?/g) ?? []).reduce((m, s) => Math.max(m, Math.min(Number(s), 1e300)), 0));

export const PROXIES: { what: string; f: (x: Instance) => number }[] = [
  { what: 'solution steps', f: steps },
  { what: 'instance size', f: (x) => instanceSize(x.state) },
  { what: 'answer magnitude (log10)', f: magnitude },
];

/** Kendall's tau-b between the level index and the values. */
export function kendallTau(ys: number[]): number {
  let c = 0;
  let d = 0;
  let tiesY = 0;
  for (let i = 0; i < ys.length; i++)
    for (let j = i + 1; j < ys.length; j++) {
      const s = Math.sign(ys[j]! - ys[i]!);
      if (s > 0) c++;
      else if (s < 0) d++;
      else tiesY++;
    }
  const n0 = (ys.length * (ys.length - 1)) / 2;
  const denom = Math.sqrt(n0 * (n0 - tiesY));
  return denom === 0 ? 0 : (c - d) / denom;
}

export const monotoneDifficulty: Check = {
  name: 'monotone-difficulty',
  rule: 'each step of difficulty 1..10 means more reasoning work (more solution steps, a bigger instance or answer space), never less; a longer prompt alone does not count',
  needs: ['solutions'],
  async run(ctx) {
    const all = ctx.solved!;
    const levels = DIFFICULTIES.map((d) => ctx.byDifficulty(all, d)).filter((xs) => xs.length > 0);
    if (levels.length < DIFFICULTIES.length)
      return { ok: false, detail: 'not every difficulty 1..10 has solved instances (see solve-verifies)' };
    const mean = (xs: Instance[], f: (x: Instance) => number) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
    const rows = PROXIES.map((p) => {
      const means = levels.map((xs) => mean(xs, p.f));
      const lo = (means[0]! + means[1]!) / 2;
      const hi = (means[8]! + means[9]!) / 2;
      const tau = kendallTau(means);
      let drop: string | null = null;
      let peak = means[0]!;
      for (let i = 1; i < means.length && !drop; i++) {
        if (means[i]! < MAX_DROP * peak)
          drop = `${p.what} falls to ${fmt(means[i]!)} at difficulty ${i + 1} after ${fmt(peak)} at an easier level`;
        peak = Math.max(peak, means[i]!);
      }
      const rises = tau >= MIN_TAU && hi >= MIN_GROWTH * lo && hi > lo;
      return { ...p, means, tau, rises, drop, lo, hi };
    });
    const series = (r: (typeof rows)[number]) => `${r.what} ${r.means.map(fmt).join(' / ')} (tau ${fmt(r.tau)})`;
    const drops = rows.filter((r) => r.drop);
    const rising = rows.filter((r) => r.rises);
    if (rising.length > 0 && drops.length === 0) return { ok: true, detail: `over difficulties 1..10: ${rising.map(series).join('; ')}` };
    const why = drops.length
      ? `difficulty makes some tasks easier: ${drops.map((r) => r.drop).join('; ')}`
      : 'no measure of reasoning work grows steadily with difficulty';
    return {
      ok: false,
      detail: `${why} (level means 1..10: ${rows.map(series).join('; ')}). Each step of difficulty must make the task harder: more items, longer chains, a bigger search space or answer space, at every level and without resets (e.g. switching to another variant that is easier); a longer prompt alone is not harder.`,
    };
  },
};
