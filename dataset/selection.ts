/**
 * Row selection while a shard is written: prompt length (tokens of the chat-templated prompt
 * against a max prompt length: warn or drop) and, when asked for, the policy model's
 * per-instance pass rate (keep rows whose pass rate lies in a band, as DAPO's dynamic sampling
 * and InternBootcamp's accuracy band do). Pure given its lookups; records each kept row's numbers
 * for the manifest.
 */
import type { DatasetRow } from './rows';
import type { TokenCounter } from './prompt-length';

/** verl's default data.max_prompt_length. */
export const DEFAULT_MAX_PROMPT_TOKENS = 512;

export interface PassRateFilter {
  min: number;
  max: number;
  /** Attempts per instance. */
  k: number;
  model: string;
}

/** What changes which rows a shard keeps (part of the shard's spec hash). */
export interface RowSelection {
  maxPromptTokens?: number;
  overlong?: 'warn' | 'drop';
  passRate?: PassRateFilter;
}

/** One kept row's numbers, as the manifest lists them. */
export type RowStat = [id: string, split: string, promptChars: number, promptTokens: number, passRate: number | null];
export const ROW_STAT_COLUMNS = ['id', 'split', 'prompt_chars', 'prompt_tokens', 'pass_rate'] as const;

export interface SelectionDeps {
  tokens: TokenCounter;
  /** Fraction of the k attempts the policy model solved, undefined when not measured. */
  passRate?(envId: string, seed: number, difficulty: number): number | undefined;
}

export function inBand(rate: number, band: { min: number; max: number }): boolean {
  return rate >= band.min - 1e-12 && rate <= band.max + 1e-12;
}

/** Verdict per row (null = keep, else why not) and the kept rows' stats. */
export function selectRows(
  rows: DatasetRow[],
  sel: RowSelection | undefined,
  deps: SelectionDeps,
): { verdicts: (string | null)[]; stats: RowStat[]; overlong: number } {
  const max = sel?.maxPromptTokens ?? DEFAULT_MAX_PROMPT_TOKENS;
  const stats: RowStat[] = [];
  let overlong = 0;
  const verdicts = rows.map((r) => {
    const content = r.prompt[0]!.content;
    const tokens = deps.tokens.count(content);
    let rate: number | null = null;
    if (sel?.passRate) {
      const p = deps.passRate?.(r.env_id, r.seed, r.difficulty);
      if (p === undefined)
        throw new Error(`no pass rate measured for ${r.env_name} seed ${r.seed} difficulty ${r.difficulty} (model ${sel.passRate.model})`);
      if (!inBand(p, sel.passRate))
        return `pass rate ${p.toFixed(3)} outside [${sel.passRate.min}, ${sel.passRate.max}] (${sel.passRate.k} attempts, ${sel.passRate.model})`;
      rate = p;
    }
    if (tokens > max) {
      if (sel?.overlong === 'drop') return `prompt of ${tokens} tokens over the max prompt length ${max}`;
      overlong++;
    }
    stats.push([r.id, r.extra_info.split, content.length, tokens, rate]);
    return null;
  });
  return { verdicts, stats, overlong };
}
