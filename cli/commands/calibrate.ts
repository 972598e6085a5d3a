import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { sha256 } from '../../lib/hash';
import type { CalibrateOutcome, CalibrateProgress, CalibrateRequest } from '../../workflows/calibrate-difficulty';
import { action, CliError, cliConfig, note, printJson } from '../output';
import { intFlag, listFlag, numberFlag } from '../options';
import { connectClient } from '../stack';

function testName(s: string): 'trend' | 'wald' {
  if (s !== 'trend' && s !== 'wald') throw new CliError(`--test: expected trend or wald, got "${s}"`);
  return s;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description(
      'difficulty calibration: the policy model attempts instances per level; keep environments whose solve rate falls with difficulty (Cochran–Armitage trend test, or --test wald)',
    )
    .option('--levels <list>', 'difficulty levels attempted', '1,4,7,10')
    .option('--instances <n>', 'instances per level', '16')
    .option('--alpha <a>', 'significance level of the one-sided test', '0.05')
    .option('--test <name>', 'trend (Cochran–Armitage over every level) or wald (lowest vs highest level, as the ReSyn paper)', 'trend')
    .option('--model <name>', 'policy model (default: the configured policy role, RESYN_POLICY_MODEL)')
    .option('--tags <list>', 'only environments with all these tags')
    .option('--ids <list>', 'only these environment ids')
    .option('--concurrency <n>', 'environments at once', '2')
    .option('--wait', 'wait for the result')
    .option('--json', 'print JSON')
    .action(
      action(async (o: Record<string, string | boolean | undefined>) => {
        const cfg = cliConfig();
        const levels = listFlag(o.levels as string).map((l) => intFlag('--levels', l, 1, 10));
        if (new Set(levels).size < 2) throw new CliError(`--levels: expected two or more distinct integers 1..10, got "${o.levels}"`);
        const n = intFlag('--instances', o.instances as string, 1);
        const alpha = numberFlag('--alpha', o.alpha as string);
        if (!(alpha > 0 && alpha < 0.5)) throw new CliError(`--alpha: expected a number in (0, 0.5), got "${o.alpha}"`);
        const concurrency = intFlag('--concurrency', o.concurrency as string, 1);
        const req: CalibrateRequest = {
          filter: {
            status: 'accepted',
            ...(o.tags ? { tags: listFlag(o.tags as string) } : {}),
            ...(o.ids ? { ids: listFlag(o.ids as string) } : {}),
          },
          levels,
          instancesPerLevel: n,
          alpha,
          test: testName(o.test as string),
          concurrency,
          model: (o.model as string | undefined) ?? cfg.llm.policy.model,
        };
        const workflowId = `resyn-calibrate-${sha256(JSON.stringify(req)).slice(0, 10)}`;
        const client = await connectClient(cfg);
        try {
          let handle;
          try {
            handle = await client.workflow.start('calibrateDifficulty', { taskQueue: cfg.temporal.taskQueue, workflowId, args: [req] });
          } catch (err) {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            handle = client.workflow.getHandle(workflowId);
          }
          if (!o.wait) {
            if (o.json) printJson({ workflowId });
            else note(`started ${workflowId} (add --wait to follow it)`);
            return;
          }
          const result = handle.result() as Promise<CalibrateOutcome>;
          let done = false;
          void (async () => {
            while (!done) {
              await new Promise((r) => setTimeout(r, 2000));
              if (done) break;
              try {
                const p = await handle.query<CalibrateProgress>('progress');
                note(
                  `calibrated ${p.envsDone}/${p.envsTotal} environments (kept ${p.kept}, dropped ${p.dropped}, ${p.llmCalls} LLM calls)`,
                );
              } catch {
                /* finished */
              }
            }
          })();
          const out = await result.finally(() => {
            done = true;
          });
          if (o.json) printJson(out);
          else
            for (const r of out.results) {
              process.stdout.write(
                `${r.kept ? 'keep' : 'drop'}  ${r.name}  ${r.test} z=${r.z.toFixed(2)} p=${r.pValue.toPrecision(2)}  ${r.levels.map((l) => `d${l.difficulty}:${(l.solveRate * 100).toFixed(0)}%`).join(' ')}\n`,
              );
            }
        } finally {
          await client.connection.close();
        }
      }),
    );
}
