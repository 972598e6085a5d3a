/** LLM usage totals as activities return them and workflows add them up (tokens, cost, calls). */

export interface UsageTotals {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  calls: number;
}

export const zeroUsage = (): UsageTotals => ({ promptTokens: 0, completionTokens: 0, costUsd: 0, calls: 0 });

/** a + b; an absent b (a gate that called no model) adds nothing. */
export function addUsage(a: UsageTotals, b?: UsageTotals): UsageTotals {
  return b
    ? {
        promptTokens: a.promptTokens + b.promptTokens,
        completionTokens: a.completionTokens + b.completionTokens,
        costUsd: a.costUsd + b.costUsd,
        calls: a.calls + b.calls,
      }
    : a;
}

/** Tokens a budget counts: prompt plus completion. */
export const totalTokens = (u: Pick<UsageTotals, 'promptTokens' | 'completionTokens'>): number => u.promptTokens + u.completionTokens;
