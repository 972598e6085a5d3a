/**
 * exports-and-types: the module evaluates and its default export has the contract's shape, with
 * metadata inside the limits (name, description and tags are copied into every dataset row);
 * at the end, any call that threw or returned the wrong type on a valid input.
 */
import { errText, LIMIT_KINDS, listFew } from './context';
import type { Check } from './types';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const exportsAndTypes: Check = {
  name: 'exports-and-types',
  rule: 'the module evaluates; its default export has name (kebab-case, at most 64 characters), description (at most 500), tags (at most 16, each at most 40 characters), generate, prompt, verify, solve with the right result types, and no call throws on a valid input',
  needs: [],
  async run(ctx) {
    const info = await ctx.pool.describe(ctx.source, ctx.opts());
    if (!info.ok) {
      const e = info.error;
      if (LIMIT_KINDS.has(e.kind)) {
        ctx.failed('loading the module', e);
        return { ok: false, detail: 'the module could not be loaded within the sandbox limits (see within-limits)' };
      }
      return {
        ok: false,
        detail: `${errText(e)}. The file must be an ES module whose default export is { name, description, tags, generate(rng, difficulty), prompt(state), verify(state, answer), solve(state) }, with no imports and no top-level await.`,
      };
    }
    const { name, description, tags } = info.value;
    const c = ctx.cfg;
    const problems: string[] = [];
    if (!KEBAB.test(name) || name.length > c.maxNameChars)
      problems.push(
        `name must be kebab-case and at most ${c.maxNameChars} characters (got ${name.length}: ${JSON.stringify(name.slice(0, 80))})`,
      );
    if (description.length > c.maxDescriptionChars)
      problems.push(`description has ${description.length} characters; keep it to one or two sentences, at most ${c.maxDescriptionChars}`);
    if (tags.length > c.maxTags) problems.push(`tags has ${tags.length} entries; use at most ${c.maxTags}`);
    const longTags = tags.filter((t) => t.length > c.maxTagChars);
    if (longTags.length)
      problems.push(
        `${longTags.length} tags are longer than ${c.maxTagChars} characters (e.g. ${JSON.stringify(longTags[0]!.slice(0, 60))}); tags are short kebab-case topics`,
      );
    // Over the limits: nothing else is checked (and every call would rebuild the oversized metadata).
    if (!problems.length) ctx.env = info.value;
    if (problems.length)
      return { ok: false, detail: `the metadata is over its limits (it is copied into every dataset row): ${problems.join('; ')}.` };
    return {
      ok: true,
      detail: `default export ${JSON.stringify(name)} has name, description, tags, generate, prompt, verify and solve; results have the right types`,
    };
  },
  conclude(ctx, v) {
    if (!v.ok || ctx.typeFailures.length === 0) return v;
    return {
      ok: false,
      detail: `calls returned the wrong type or threw: ${listFew(ctx.typeFailures)}. generate(rng, difficulty) must return a JSON-serialisable state, prompt(state) a string, solve(state) the answer string, verify(state, answer) true/false or a number in [0, 1], and none may throw on valid states.`,
    };
  },
};
