import type { Command } from 'commander';
import { createScorer, serviceLimits } from '../../rewards/deps';
import { startRewardServer } from '../../rewards/server';
import { intFlag } from '../options';
import { action, CliError, cliConfig, note } from '../output';

export function registerServeRewards(program: Command): void {
  program
    .command('serve-rewards')
    .description('HTTP reward service for RL trainers: POST /v1/rewards, POST /openrlhf/reward, GET /v1/stats, GET /metrics, GET /healthz')
    .option('--port <port>', 'port (default from config: RESYN_REWARDS_PORT, 8765; 0 = any free port)')
    .option('--host <host>', 'bind address (default from config: RESYN_REWARDS_HOST, 127.0.0.1)')
    .option('--dataset <dir>', 'score from this dataset folder alone (its environments/ sources), no registry')
    .option('--workers <n>', 'sandbox worker threads (default RESYN_REWARDS_WORKERS, one per core)')
    .action(
      action(async (o: { port?: string; host?: string; dataset?: string; workers?: string }) => {
        const cfg = cliConfig();
        const port = o.port === undefined ? cfg.rewards.port : intFlag('--port', o.port, 0, 65535);
        const workers = o.workers === undefined ? undefined : intFlag('--workers', o.workers, 1, 64);
        let scorer: ReturnType<typeof createScorer>;
        try {
          scorer = createScorer(cfg, { dataset: o.dataset, workers });
        } catch (e) {
          throw new CliError((e as Error).message);
        }
        const server = await startRewardServer(scorer, { port, host: o.host ?? cfg.rewards.host, ...serviceLimits(cfg) });
        // The first stdout line is the URL, for scripts that start the service on port 0.
        process.stdout.write(`${server.url}\n`);
        note(
          `resyn reward service on ${server.url} (POST /v1/rewards, POST /openrlhf/reward, GET /v1/stats, GET /metrics, GET /healthz), ` +
            `${scorer.opts.pools.length} sandbox workers, scoring from ${o.dataset ? `dataset ${o.dataset}` : 'the registry (accepted environments)'}; Ctrl-C stops it`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        await scorer.close();
      }),
    );
}
