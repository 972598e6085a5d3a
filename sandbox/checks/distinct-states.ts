/** distinct-states: different seeds give different instances (>= 60% distinct, none constant per difficulty). */
import { DIFFICULTIES } from './context';
import type { Check } from './types';

export const distinctStates: Check = {
  name: 'distinct-states',
  rule: 'different seeds give different states at every difficulty (at least 60% distinct)',
  needs: ['instances'],
  async run(ctx) {
    const xs = ctx.instances!;
    const perD = DIFFICULTIES.map((d) => {
      const at = ctx.byDifficulty(xs, d);
      return { d, n: at.length, distinct: new Set(at.map((x) => x.stateJson)).size };
    });
    const distinctAll = new Set(xs.map((x) => x.stateJson)).size;
    const constantAt = perD.filter((x) => x.n > 1 && x.distinct < 2).map((x) => x.d);
    const ok = constantAt.length === 0 && distinctAll >= 0.6 * xs.length;
    return {
      ok,
      detail:
        `${distinctAll} distinct states out of ${xs.length} sampled (${ctx.cfg.instancesPerDifficulty} seeds at each difficulty 1..10)` +
        (ok
          ? ''
          : `${constantAt.length ? `; difficulty ${constantAt.join(', ')} gave the same state for every seed` : ''}. generate() must draw the instance from rng so that different seeds give different states (at least 60% distinct).`),
    };
  },
};
