/**
 * json-round-trip: a state must survive JSON serialisation unchanged, because every consumer
 * (prompt, solve, verify, a dataset row rebuilt elsewhere) sees the round-tripped state. The
 * sandbox already hands prompt() the parsed JSON and rejects non-plain values (Infinity, NaN,
 * undefined, Dates, Maps, class instances) as `non-json`; this check reports those, and any
 * number that JSON would change (-0).
 */
import { at, listFew } from './context';
import type { Check } from './types';

function changesInJson(v: unknown, depth = 0): string | null {
  if (depth > 100) return null;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0 (becomes 0)' : null;
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = changesInJson(x, depth + 1);
      if (r) return r;
    }
  } else if (v && typeof v === 'object') {
    for (const x of Object.values(v)) {
      const r = changesInJson(x, depth + 1);
      if (r) return r;
    }
  }
  return null;
}

export const jsonRoundTrip: Check = {
  name: 'json-round-trip',
  rule: 'states are plain JSON (no Infinity, NaN, undefined, -0, Date, Map, class instances): they must survive JSON.parse(JSON.stringify(state)) unchanged',
  needs: ['env'],
  async run(ctx) {
    const problems = [...ctx.nonJson];
    for (const x of ctx.instances ?? []) {
      const r = changesInJson(x.state);
      if (r) problems.push(`the state of ${at(x)} contains ${r}`);
    }
    if (problems.length === 0)
      return {
        ok: true,
        detail: `all ${ctx.instances?.length ?? 0} states are plain JSON and survive JSON.parse(JSON.stringify(state)) unchanged`,
      };
    return {
      ok: false,
      detail: `${listFew(problems)}. The state must be plain JSON (objects, arrays, strings, finite numbers, booleans, null) because prompt, solve and verify all see JSON.parse(JSON.stringify(state)): no Infinity/NaN, undefined, Date, Map/Set, class instances or functions; encode them (e.g. null for "no limit", an ISO string for a date).`,
    };
  },
};
