import type { Command } from 'commander';
import * as path from 'node:path';
import { action, cliConfig, note } from '../output';
import { startStack } from '../stack';

/**
 * The main job on the embedded defaults: the dev server, a worker, and the job itself. Each step
 * is one function below, in the order the README describes.
 */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('the main job: start the embedded Temporal server and a worker, run the pipeline, print where the results are')
    .action(action(async () => {
      const cfg = cliConfig();
      const stack = await startStack(cfg, note);
      try {
        if (stack.uiUrl) note(`Temporal Web UI: ${stack.uiUrl}`);
        const file = path.join(cfg.dataDir, 'ping.txt');
        const r = await stack.client.workflow.execute('pingWorkflow', {
          taskQueue: cfg.temporal.taskQueue,
          workflowId: `resyn-ping-${Date.now()}`,
          args: [{ file, token: `run-${Date.now()}` }],
        });
        note(`pipeline ok: ${JSON.stringify(r)}`);
      } finally {
        await stack.shutdown();
      }
    }));
}
