/**
 * tail-latency: generate and solve at the top difficulty over many seeds (cfg tailSeeds, 50:
 * p99 is then the slowest or second slowest call), each timed on its own; the p99 of each must
 * stay under tailFraction of the per-call deadline, so scoring and sampling never hit the
 * deadline on an unlucky seed or a busy machine.
 */
import { fmt, TOP_DIFFICULTY } from './context';
import type { Check } from './types';

const p99 = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)] ?? 0;
};

export const tailLatency: Check = {
  name: 'tail-latency',
  rule: "generate and solve stay fast at difficulty 10 on every seed (p99 under half the call deadline)",
  needs: ['solutions'],
  async run(ctx) {
    const n = ctx.cfg.tailSeeds;
    const limit = ctx.cfg.tailFraction * ctx.pool.limits.callTimeoutMs;
    const gen: number[] = [];
    const sol: number[] = [];
    const failed: string[] = [];
    for (let k = 0; k < n; k++) {
      const seed = 7919 * (k + 1) + 3;
      let t = performance.now();
      const [s] = await ctx.pool.sample(ctx.source, [{ seed, difficulty: TOP_DIFFICULTY }]);
      gen.push(performance.now() - t);
      if (!s!.ok) {
        failed.push(`sample(seed ${seed}): ${s!.error.kind}`);
        ctx.failed(`sample(seed ${seed}, difficulty ${TOP_DIFFICULTY})`, s!.error);
        continue;
      }
      t = performance.now();
      const [a] = await ctx.pool.solve(ctx.source, [s!.value.state]);
      sol.push(performance.now() - t);
      if (!a!.ok) {
        failed.push(`solve(seed ${seed}): ${a!.error.kind}`);
        ctx.failed(`solve(state of seed ${seed}, difficulty ${TOP_DIFFICULTY})`, a!.error);
      }
    }
    const g = p99(gen);
    const s = p99(sol);
    const ok = g <= limit && s <= limit && failed.length === 0;
    const nums = `p99 over ${n} seeds at difficulty ${TOP_DIFFICULTY}: generate+prompt ${fmt(Math.round(g))} ms, solve ${fmt(Math.round(s))} ms (limit ${fmt(limit)} ms, ${fmt(100 * ctx.cfg.tailFraction)}% of the ${ctx.pool.limits.callTimeoutMs} ms deadline)`;
    if (ok) return { ok, detail: nums };
    return {
      ok,
      detail: `${nums}${failed.length ? `; ${failed.length} calls failed (${failed.slice(0, 3).join(', ')})` : ''}. Bound the work at the top difficulty for every seed: cap search (use a constructive generator that knows its solution, or smaller sizes), avoid exponential backtracking in solve(), and keep generate() free of retry loops without a cap.`,
    };
  },
};
