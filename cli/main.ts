#!/usr/bin/env node
/** The `resyn` command line. Each command lives in cli/commands/<name>.ts. */
import { Command } from 'commander';
import { registerRun } from './commands/run';
import { registerUp } from './commands/up';

export function buildProgram(): Command {
  const program = new Command('resyn')
    .description('Grow verifiable reasoning environments and RLVR training data with an LLM, on Temporal.')
    .version(require('../../package.json').version)
    .showHelpAfterError();
  registerRun(program);
  registerUp(program);
  return program;
}

if (require.main === module) {
  buildProgram().parseAsync(process.argv).catch((err) => {
    process.stderr.write(`resyn: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
