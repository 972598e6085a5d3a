/** How CLI commands report: JSON for scripts, plain lines for people, errors with an exit code. */
import { ConfigError, loadConfig, type ResynConfig } from '../temporal.config';
import type { StageUsage } from '../registry/registry';

/** Exit codes: 0 ok, 1 the thing checked failed, 2 usage or unreadable input / bad config. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Progress and notes go to stderr so stdout stays machine-readable. */
export const note = (msg: string): void => {
  process.stderr.write(msg + '\n');
};

export function cliConfig(): ResynConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
}

/** Wraps a command action: errors print one line (no stack) and set the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (err) {
      const e = err as Error;
      process.stderr.write(`resyn: ${e.message}\n`);
      if (process.env.RESYN_DEBUG) process.stderr.write(`${e.stack}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
    }
  };
}

/** One stage in a line: calls, tokens (prompt+completion), cost, wall time, failed executions. */
export function stageBrief(u: StageUsage): string {
  const failed = u.failed ? `, ${u.failed} failed` : '';
  return `${u.stage} ${u.calls} calls ${u.promptTokens + u.completionTokens} tokens $${u.costUsd.toFixed(4)} ${(u.wallMs / 1000).toFixed(1)} s${failed}`;
}
