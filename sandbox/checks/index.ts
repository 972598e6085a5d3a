/**
 * The automatic checks of DESIGN.md, run in the sandbox before any LLM judge looks: one file per
 * check (see registry.ts for the order), each with a name and a `detail` a reviser model can act
 * on. Each check has a total time budget (cfg.checks.budgetMs); a check over it fails, and the
 * checks after it are not run (their pool work would queue behind it).
 */
import type { SandboxPool } from '../pool';
import { type CheckConfig, DEFAULT_CHECK_CONFIG } from './config';
import { CheckContext } from './context';
import { CHECKS } from './registry';
import type { CheckReport, CheckResult, Verdict } from './types';

export { CHECK_NAMES, CHECK_RULES, CHECKS, type CheckName } from './registry';
export { type CheckConfig, DEFAULT_CHECK_CONFIG } from './config';
export type { Check, CheckExample, CheckReport, CheckResult, Verdict } from './types';

const OVER_BUDGET = Symbol('over budget');
/**
 * After this many calls broke the limits, the checks that need solved instances are not run: the
 * verdict is settled (within-limits fails) and each further call would cost a full deadline or an
 * out-of-memory rebuild (a verify that runs out of memory on every call cost 50 s of checks).
 */
const ENOUGH_LIMIT_FAILURES = 20;

export async function checkEnvironment(source: string, opts: { pool: SandboxPool; config?: Partial<CheckConfig> }): Promise<CheckReport> {
  const t0 = Date.now();
  const cfg = { ...DEFAULT_CHECK_CONFIG, ...opts.config };
  const ctx = new CheckContext(source, opts.pool, cfg);
  const verdicts = new Map<string, Verdict & { ms: number }>();
  let stop = '';
  for (const check of CHECKS) {
    const missing = check.needs.find((n) => (n === 'env' ? !ctx.env : n === 'instances' ? !ctx.instances?.length : !ctx.solved?.length));
    if (!stop && check.needs.includes('solutions') && ctx.limitFailures.length >= ENOUGH_LIMIT_FAILURES)
      stop = `${ctx.limitFailures.length} calls already broke the sandbox limits (see within-limits)`;
    if (stop && check.needs.length > 0) {
      verdicts.set(check.name, { ok: false, detail: `not run: ${stop}`, ms: 0 });
      continue;
    }
    if (missing) {
      verdicts.set(check.name, {
        ok: false,
        detail: `not run: an earlier check failed (no ${missing === 'solutions' ? 'solved instances' : missing === 'env' ? 'loadable module' : 'sampled instances'})`,
        ms: 0,
      });
      continue;
    }
    ctx.current = check.name;
    const t = Date.now();
    ctx.deadline = t + cfg.budgetMs;
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<typeof OVER_BUDGET>((resolve) => {
      timer = setTimeout(() => resolve(OVER_BUDGET), cfg.budgetMs);
    });
    let v: Verdict | typeof OVER_BUDGET;
    try {
      v = await Promise.race([check.run(ctx), budget]);
    } finally {
      clearTimeout(timer);
    }
    const ms = Date.now() - t;
    if (v === OVER_BUDGET) {
      stop = `the ${check.name} check ran out of its time budget`;
      v = {
        ok: false,
        detail: `ran out of its total time budget of ${cfg.budgetMs} ms: the environment's calls are too slow for the checks (and for training). Make generate, solve and verify fast at every difficulty (well under a millisecond to a few milliseconds per call).`,
      };
    }
    verdicts.set(check.name, { ...v, ms });
  }
  const checks: CheckResult[] = CHECKS.map((c) => {
    const v = verdicts.get(c.name)!;
    const final = c.conclude && !v.detail.startsWith('not run') ? c.conclude(ctx, v) : v;
    const examples = final.ok ? undefined : ctx.examples.get(c.name);
    return { name: c.name, ok: final.ok, detail: final.detail, ms: v.ms, ...(examples ? { examples } : {}) };
  });
  return { ok: checks.every((x) => x.ok), checks, ...(ctx.env ? { env: ctx.env } : {}), durationMs: Date.now() - t0 };
}

/** The failing checks' reasons, as revision feedback for an LLM. */
export function checkFeedback(report: CheckReport): string {
  const failing = report.checks.filter((x) => !x.ok && !x.detail.startsWith('not run'));
  if (failing.length === 0) return report.ok ? 'All automatic checks passed.' : 'The automatic checks did not pass.';
  return ['The environment failed these automatic checks:', ...failing.map((x) => `- ${x.name}: ${x.detail}`)].join('\n');
}
