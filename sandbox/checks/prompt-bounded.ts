/** prompt-bounded: every prompt is non-empty and under cfg.sandbox.maxPromptChars. */
import { at, listFew } from './context';
import type { Check } from './types';

export const promptBounded: Check = {
  name: 'prompt-bounded',
  rule: 'prompt(state) is non-empty and within the prompt size limit at every difficulty',
  needs: ['env'],
  async run(ctx) {
    const xs = ctx.instances ?? [];
    const max = ctx.pool.limits.maxPromptChars;
    const empty = xs.filter((x) => x.prompt.trim() === '').map(at);
    const longest = xs.reduce((m, x) => Math.max(m, x.prompt.length), 0);
    const ok = empty.length === 0 && ctx.promptProblems.length === 0 && xs.length > 0;
    if (ok) return { ok, detail: `prompts are non-empty; the longest has ${longest} characters (limit ${max})` };
    return {
      ok,
      detail:
        [
          empty.length ? `prompt() returned an empty question for ${listFew(empty)}` : '',
          ctx.promptProblems.length ? listFew(ctx.promptProblems) : '',
        ]
          .filter(Boolean)
          .join('; ') + `. prompt(state) must return a self-contained, non-empty question under ${max} characters at every difficulty.`,
    };
  },
};
