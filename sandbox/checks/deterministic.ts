/**
 * deterministic: samples the instances every later check uses (instancesPerDifficulty seeds at
 * each difficulty 1..10); the first few per difficulty twice in a row in the same context, so
 * state kept between calls shows as a different second result.
 */
import { at, DIFFICULTIES, LIMIT_KINDS, listFew, PROBED_PER_DIFFICULTY, seedFor } from './context';
import type { Check, Instance } from './types';

export const deterministic: Check = {
  name: 'deterministic',
  rule: 'the same seed and difficulty give the same state and prompt, also on a second call in the same context',
  needs: ['env'],
  async run(ctx) {
    const n = ctx.cfg.instancesPerDifficulty;
    const plan = DIFFICULTIES.flatMap((d) =>
      Array.from({ length: n }, (_, k) => ({ k, seed: seedFor(k, d), difficulty: d, twice: k < PROBED_PER_DIFFICULTY })),
    );
    const items = (ps: typeof plan) => ps.flatMap((p) => (p.twice ? [p, p] : [p])).map(({ seed, difficulty }) => ({ seed, difficulty }));
    // The first seed of every difficulty first: a difficulty whose first instance breaks the limits
    // is not sampled further (each further call would cost a full deadline and say nothing new).
    const first = plan.filter((p) => p.k === 0);
    const firstResults = await ctx.pool.sample(ctx.source, items(first), ctx.opts());
    const broken = new Set(
      first
        .filter((_p, i) => !firstResults[2 * i]!.ok && LIMIT_KINDS.has((firstResults[2 * i] as { error: { kind: string } }).error.kind))
        .map((p) => p.difficulty),
    );
    const rest = plan.filter((p) => p.k > 0 && !broken.has(p.difficulty));
    const restResults = await ctx.pool.sample(ctx.source, items(rest), ctx.opts());
    const sampled = [...firstResults, ...restResults];
    const ordered = [...first, ...rest];
    const instances: Instance[] = [];
    const nondet: string[] = [];
    let k = 0;
    for (const p of ordered) {
      const a = sampled[k++]!;
      const b = p.twice ? sampled[k++]! : undefined;
      const where = `sample(${at(p)})`;
      if (!a.ok) {
        if (a.error.kind === 'output-too-large' && a.error.message.startsWith('the prompt'))
          ctx.promptProblems.push(`${where}: ${a.error.message}`);
        else ctx.failed(where, a.error);
        continue;
      }
      const stateJson = JSON.stringify(a.value.state);
      if (b && (!b.ok || JSON.stringify(b.value.state) !== stateJson || b.value.prompt !== a.value.prompt)) {
        nondet.push(at(p));
        ctx.example({ k: p.k, seed: p.seed, difficulty: p.difficulty, state: a.value.state, stateJson, prompt: a.value.prompt });
      }
      instances.push({ k: p.k, seed: p.seed, difficulty: p.difficulty, state: a.value.state, stateJson, prompt: a.value.prompt });
    }
    instances.sort((x, y) => x.difficulty - y.difficulty || x.k - y.k);
    if (broken.size)
      ctx.limitFailures.push({
        check: ctx.current,
        line: `difficulty ${[...broken].join(', ')}: the first seed broke the limits, so no further seeds were sampled there`,
      });
    if (instances.length === 0)
      return { ok: false, detail: 'no instance could be sampled (see exports-and-types, json-round-trip, prompt-bounded, within-limits)' };
    ctx.instances = instances;
    const twice = plan.filter((p) => p.twice).length;
    return nondet.length === 0
      ? {
          ok: true,
          detail: `generate() and prompt() gave identical results on a second run for ${twice} instances (${instances.length} sampled)`,
        }
      : {
          ok: false,
          detail: `generate()/prompt() gave different results for the same seed and difficulty (${listFew(nondet)}). Use only the rng argument for randomness and keep no state between calls (no module-level counters or caches that change results).`,
        };
  },
};
