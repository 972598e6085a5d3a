import type { Command } from 'commander';
import { action, cliConfig, note } from '../output';
import { startStack } from '../stack';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start the Temporal dev server (unless TEMPORAL_ADDRESS is set) and a resyn worker, in the foreground; Ctrl-C stops both')
    .action(
      action(async () => {
        const cfg = cliConfig();
        const t0 = Date.now();
        const stack = await startStack(cfg, note);
        note(`Temporal: ${stack.address} (namespace ${cfg.temporal.namespace})`);
        if (stack.uiUrl) note(`Temporal Web UI: ${stack.uiUrl}   (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        note(`resyn worker on task queue "${cfg.temporal.taskQueue}". Press Ctrl-C to stop.`);
        await stack.running;
        note('stopped.');
      }),
    );
}
