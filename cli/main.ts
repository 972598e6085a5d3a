#!/usr/bin/env node
/** The `resyn` command line. Each command lives in cli/commands/<name>.ts. */
import { Command } from 'commander';
import { registerRun } from './commands/run';
import { registerUp } from './commands/up';
import { registerEnv } from './commands/env';
import { registerEnvAudit } from './commands/env-audit';
import { registerEnvRegistry } from './commands/env-registry';
import { registerGrow } from './commands/grow';
import { registerSample } from './commands/sample';
import { registerScore } from './commands/score';
import { registerServeRewards } from './commands/serve-rewards';
import { registerCalibrate } from './commands/calibrate';
import { registerSchedule } from './commands/schedule';
import { registerResume } from './commands/resume';
import { registerStatus } from './commands/status';
import { registerMigrate } from './commands/migrate';

export function buildProgram(): Command {
  const program = new Command('resyn')
    .description('Grow verifiable reasoning environments and RLVR training data with an LLM, on Temporal.')
    .version(require('../../package.json').version)
    .showHelpAfterError();
  registerRun(program);
  registerUp(program);
  const env = registerEnv(program);
  registerEnvRegistry(env);
  registerEnvAudit(env);
  registerGrow(program);
  registerSample(program);
  registerScore(program);
  registerServeRewards(program);
  registerCalibrate(program);
  registerSchedule(program);
  registerResume(program);
  registerStatus(program);
  registerMigrate(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err) => {
      process.stderr.write(`resyn: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    });
}
