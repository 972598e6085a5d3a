/**
 * statefulness: nothing an environment does may outlive the call that does it. Re-runs a spread
 * of earlier calls — verify calls from the start and from the end of the run (after thousands
 * of calls in a reused context) and sample calls — in a fresh context, again in that same
 * context, and in shuffled order in another fresh context; every result must be identical.
 */
import { at, listFew, show } from './context';
import type { Scored } from './context';
import type { Check } from './types';

const VERIFY_PROBES = 48;
const SAMPLE_PROBES = 20;

/** Deterministic shuffle (the same order on every run). */
function shuffled<T>(xs: T[]): T[] {
  const out = xs.slice();
  let s = 0x9e3779b9;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const same = (a: Scored['result'], b: Scored['result']) =>
  a.ok && b.ok ? a.value === b.value : !a.ok && !b.ok ? a.error.kind === b.error.kind : false;

export const statefulness: Check = {
  name: 'statefulness',
  rule: 'results never depend on earlier calls, call order or context reuse (no module-level counters, caches or mutated globals)',
  needs: ['solutions'],
  async run(ctx) {
    const h = ctx.history.filter((s) => s.result.ok || s.result.error.kind === 'guest-error');
    // Calls spread evenly over the whole run (a verify that flips after N calls shows in the later
    // ones), plus the very last ones.
    const step = Math.max(1, Math.floor(h.length / (VERIFY_PROBES - 16)));
    const picked = [...new Set([...h.filter((_, i) => i % step === 0), ...h.slice(-16)])];
    const sampleXs = ctx
      .instances!.filter((_, i, xs) => i % Math.max(1, Math.floor(xs.length / SAMPLE_PROBES)) === 0)
      .slice(0, SAMPLE_PROBES);
    const problems: string[] = [];

    const freshA = ctx.freshSource();
    const freshB = ctx.freshSource();
    const runA = await ctx.score(picked, freshA);
    const againA = await ctx.score(picked, freshA);
    const order = shuffled(picked.map((_, i) => i));
    const runBShuffled = await ctx.score(
      order.map((i) => picked[i]!),
      freshB,
    );
    const runB = new Array<Scored['result']>(picked.length);
    order.forEach((i, k) => (runB[i] = runBShuffled[k]!));
    picked.forEach((p, i) => {
      const where = `verify(${at(p.x)}, ${show(p.answer)})`;
      const r0 = p.result;
      const desc = (r: Scored['result']) => (r.ok ? String(r.value) : r.error.kind);
      if (!same(r0, runA[i]!) || !same(runA[i]!, againA[i]!) || !same(runA[i]!, runB[i]!)) ctx.example(p.x, { answer: p.answer });
      if (!same(r0, runA[i]!)) problems.push(`${where} gave ${desc(r0)} during the checks but ${desc(runA[i]!)} in a fresh context`);
      else if (!same(runA[i]!, againA[i]!))
        problems.push(`${where} gave ${desc(runA[i]!)} then ${desc(againA[i]!)} when called again in the same context`);
      else if (!same(runA[i]!, runB[i]!)) problems.push(`${where} gave ${desc(runA[i]!)} in order and ${desc(runB[i]!)} in shuffled order`);
    });

    const items = sampleXs.map((x) => ({ seed: x.seed, difficulty: x.difficulty }));
    const fresh = await ctx.pool.sample(freshA, items.slice().reverse(), ctx.opts());
    fresh.reverse();
    // Again in the contexts the checks used all along (after every call so far).
    const reused = await ctx.pool.sample(ctx.source, items, ctx.opts());
    sampleXs.forEach((x, i) => {
      const differs = (r: (typeof fresh)[number]) => !r.ok || JSON.stringify(r.value.state) !== x.stateJson || r.value.prompt !== x.prompt;
      if (differs(fresh[i]!))
        problems.push(`generate/prompt(${at(x)}) gave another instance in a fresh context, in reversed order, than during the checks`);
      else if (differs(reused[i]!))
        problems.push(`generate/prompt(${at(x)}) gave another instance when sampled again after the checks' other calls`);
    });
    if (problems.length === 0)
      return {
        ok: true,
        detail: `${picked.length} verify calls and ${sampleXs.length} sample calls gave the same results in a fresh context, again in that context, and in shuffled order`,
      };
    return {
      ok: false,
      detail: `results depend on earlier calls: ${listFew(problems)}. Keep no state between calls: no module-level counters, caches or mutable variables that change results, no changes to built-in prototypes or globals; compute everything from the arguments.`,
    };
  },
};
