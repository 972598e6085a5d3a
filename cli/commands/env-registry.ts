/** `resyn env list` and `resyn env show`: the registered environments and their synthesis history. */
import type { Command } from 'commander';
import { openRegistry } from '../../registry/open';
import type { EnvStatus } from '../../registry/registry';
import { checkContamination } from '../../contamination/environment';
import { sharedPool } from '../../sandbox';
import { action, CliError, cliConfig, printJson, stageBrief } from '../output';

export function registerEnvRegistry(env: Command): void {
  env
    .command('list')
    .description('list environments in the registry')
    .option('--status <status>', 'accepted, rejected or quarantined')
    .option('--origin <origin>', 'seed or synthesized')
    .option('--family <family>', 'a task family')
    .option('--json', 'print a JSON array')
    .action(
      action(async (o: { status?: string; origin?: string; family?: string; json?: boolean }) => {
        if (o.status && o.status !== 'accepted' && o.status !== 'rejected' && o.status !== 'quarantined')
          throw new CliError(`--status ${JSON.stringify(o.status)}: expected accepted, rejected or quarantined`);
        if (o.origin && o.origin !== 'seed' && o.origin !== 'synthesized')
          throw new CliError(`--origin ${JSON.stringify(o.origin)}: expected seed or synthesized`);
        const reg = await openRegistry(cliConfig());
        try {
          const envs = (
            await reg.listEnvironments({
              status: o.status as EnvStatus | undefined,
              origin: o.origin as 'seed' | undefined,
              family: o.family,
            })
          ).map(({ source: _s, ...e }) => e);
          if (o.json) return printJson(envs);
          if (!envs.length) return void process.stdout.write('no environments (grow some with `resyn grow --keywords ...`)\n');
          for (const e of envs) {
            process.stdout.write(
              `${e.id.slice(0, 12)}  ${e.status.padEnd(8)}  ${e.origin.padEnd(11)}  r${e.rounds}  ${e.name}${e.keyword ? `  (${e.keyword})` : ''}\n`,
            );
          }
        } finally {
          await reg.close();
        }
      }),
    );

  env
    .command('show')
    .description('one environment: record, source and every synthesis round (code, checks, verdicts, feedback)')
    .argument('<nameOrId>', 'environment name, id or id prefix')
    .option('--json', 'print JSON {environment, synthesis, rounds, stages, contamination}')
    .action(
      action(async (nameOrId: string, o: { json?: boolean }) => {
        const reg = await openRegistry(cliConfig());
        try {
          const e = await reg.getEnvironment(nameOrId);
          if (!e) throw new CliError(`no environment named or with id ${JSON.stringify(nameOrId)} (see \`resyn env list\`)`, 1);
          const synthesis = e.runId ? ((await reg.synthesisRunOf(e.runId)) ?? null) : null;
          const rounds = e.runId ? await reg.roundsOf(e.runId) : [];
          // What making it cost, per stage (its synthesis run's LLM calls and stage times).
          const stages = e.runId ? await reg.stageUsage(e.runId) : [];
          const cfg = cliConfig();
          const pool = sharedPool(cfg.sandbox);
          const contamination = await checkContamination(pool, e).finally(() => pool.close());
          if (o.json) return printJson({ environment: e, synthesis, rounds, stages, contamination });
          const out = process.stdout;
          out.write(
            `${e.name}  ${e.id}\n${e.description}\nstatus ${e.status} · origin ${e.origin} · keyword ${e.keyword ?? '-'} · family ${e.family ?? '-'} · rounds ${e.rounds} · tags ${e.tags.join(', ')}\n`,
          );
          if (e.parentId) out.write(`parent ${e.parentId}\n`);
          if (Object.keys(e.scores).length)
            out.write(
              `scores ${Object.entries(e.scores)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')}\n`,
            );
          if (synthesis) out.write(`synthesis ${synthesis.workflowId}: ${synthesis.outcome} — ${synthesis.reason}\n`);
          if (stages.length) out.write(`stages: ${stages.map(stageBrief).join('; ')}\n`);
          const best = contamination.matches[0]!;
          out.write(
            `contamination ${contamination.flagged ? 'FLAGGED' : 'ok'}: closest ${best.benchmark} ${best.task} (similarity ${best.similarity.toFixed(2)}; shared: ${best.shared.slice(0, 6).join(', ') || '-'})\n`,
          );
          for (const r of rounds) {
            out.write(`\n--- round ${r.round} (${r.envId?.slice(0, 12) ?? 'no code'})\n`);
            for (const g of r.gates)
              out.write(`  ${g.gate}: ${g.verdict}${g.feedback ? ` — ${g.feedback.split('\n')[0]!.slice(0, 160)}` : ''}\n`);
          }
          out.write(`\n${e.source}`);
        } finally {
          await reg.close();
        }
      }),
    );
}
