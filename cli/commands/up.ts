import type { Command } from 'commander';
import { action, cliConfig, note } from '../output';
import { startStack } from '../stack';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'start the Temporal dev server (unless TEMPORAL_ADDRESS is set) and a resyn worker, in the foreground; one stack per data folder; Ctrl-C stops both',
    )
    .action(
      action(async () => {
        const cfg = cliConfig();
        const t0 = Date.now();
        const stack = await startStack(cfg, note);
        const server = stack.server();
        note(`Temporal: ${stack.address} (namespace ${cfg.temporal.namespace})${server ? `, dev server pid ${server.pid}` : ''}`);
        if (stack.uiUrl) note(`Temporal Web UI: ${stack.uiUrl}`);
        if (cfg.metricsPort) note(`Prometheus metrics: http://127.0.0.1:${cfg.metricsPort}/metrics`);
        if (cfg.ownMetricsPort) note(`resyn's own Prometheus metrics: http://127.0.0.1:${cfg.ownMetricsPort}/metrics`);
        note(`resyn worker on task queue "${cfg.temporal.taskQueue}", data ${cfg.dataDir}.`);
        note(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s. Press Ctrl-C to stop.`);
        try {
          await stack.running;
        } catch (err) {
          // The dev server died for good: say why and exit non-zero at once (the SDK runtime keeps the loop alive).
          note(`resyn: ${(err as Error).message}`);
          process.exit(1);
        }
        note('stopped.');
      }),
    );
}
