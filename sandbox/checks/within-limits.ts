/** within-limits: every call stayed within the time, memory, stack and output limits; names the check that saw each breach. */
import { listFew } from './context';
import type { Check } from './types';

export const withinLimits: Check = {
  name: 'within-limits',
  rule: 'every call stays within the time, memory, stack and output limits',
  needs: [],
  async run(ctx) {
    const f = ctx.limitFailures;
    if (f.length === 0) return { ok: true, detail: 'every call stayed within the time, memory, stack and output limits' };
    return {
      ok: false,
      detail: `calls broke the sandbox limits: ${listFew(f.map((x) => `${x.line} (seen by ${x.check || 'loading'})`))}. Keep every call small and fast: no unbounded loops or recursion, no huge arrays or strings, generate at most a few thousand elements even at difficulty 10.`,
    };
  },
};
