import type { Command } from 'commander';
import { scorerDeps } from '../../rewards/deps';
import { startRewardServer } from '../../rewards/server';
import { action, CliError, cliConfig, note } from '../output';

export function registerServeRewards(program: Command): void {
  program
    .command('serve-rewards')
    .description('HTTP reward service for RL trainers: POST /v1/rewards, POST /openrlhf/reward, GET /healthz')
    .option('--port <port>', 'port (default from config: RESYN_REWARDS_PORT, 8765; 0 = any free port)')
    .option('--host <host>', 'bind address (default from config: RESYN_REWARDS_HOST, 127.0.0.1)')
    .action(
      action(async (o: { port?: string; host?: string }) => {
        const cfg = cliConfig();
        const port = o.port === undefined ? cfg.rewards.port : Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: expected 0..65535, got "${o.port}"`);
        const deps = scorerDeps(cfg);
        const server = await startRewardServer(deps, { port, host: o.host ?? cfg.rewards.host });
        // The first stdout line is the URL, for scripts that start the service on port 0.
        process.stdout.write(`${server.url}\n`);
        note(`resyn reward service on ${server.url} (POST /v1/rewards, POST /openrlhf/reward, GET /healthz); Ctrl-C stops it`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        await deps.close();
        await deps.pool.close();
      }),
    );
}
