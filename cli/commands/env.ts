/**
 * `resyn env check|sample|score|solve FILE`: run one environment file in the sandbox, with no LLM and
 * no Temporal server. Exit 0 ok / accepted, 1 rejected (or the environment failed the call),
 * 2 usage or unreadable input.
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { extractAnswer, normaliseAnswer } from '../../lib/answer';
import { checkEnvironment, type Result, sharedPool, type SandboxPool } from '../../sandbox';
import { intFlag } from '../options';
import { action, CliError, cliConfig, printJson } from '../output';

function readSource(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
  }
}

async function withPool<T>(fn: (pool: SandboxPool) => Promise<T>): Promise<T> {
  const pool = sharedPool(cliConfig().sandbox);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

/** sample/score/solve name one instance the same way: FILE --seed N --difficulty D [--json]. */
function instanceCommand(env: Command, name: string, description: string): Command {
  return env
    .command(name)
    .description(description)
    .argument('<file>', 'environment module')
    .requiredOption('--seed <n>', 'seed (non-negative integer)')
    .requiredOption('--difficulty <d>', 'difficulty 1..10')
    .option('--json', 'print JSON');
}
interface InstanceOpts {
  seed: string;
  difficulty: string;
  json?: boolean;
}
const instanceOf = (opts: InstanceOpts) => ({
  seed: intFlag('--seed', opts.seed, 0),
  difficulty: intFlag('--difficulty', opts.difficulty, 1, 10),
});

/** The call's value, or exit 1 naming the failure (also as `{"error"}` JSON with --json). */
function valueOrFail<T>(r: Result<T>, json: boolean | undefined): T {
  if (r.ok) return r.value;
  if (json) printJson({ error: r.error });
  throw new CliError(`${r.error.kind}: ${r.error.message}`, 1);
}

export function registerEnv(program: Command): Command {
  const env = program.command('env').description('work with environment files and the environment registry');

  env
    .command('check')
    .description('run the automatic checks on an environment file (exit 0 accepted, 1 rejected, 2 unreadable)')
    .argument('<file>', 'environment module (.js, export default {...})')
    .option('--json', 'print the report as one JSON object')
    .action(
      action(async (file: string, opts: { json?: boolean }) => {
        const source = readSource(file);
        const report = await withPool((pool) => checkEnvironment(source, { pool, config: cliConfig().checks }));
        if (opts.json) {
          printJson(report);
        } else {
          process.stdout.write(
            `${file}: ${report.env ? `${report.env.name} ` : ''}${report.ok ? 'ACCEPTED' : 'REJECTED'} (${report.durationMs} ms)\n`,
          );
          for (const c of report.checks) process.stdout.write(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
        }
        if (!report.ok) process.exitCode = 1;
      }),
    );

  instanceCommand(env, 'sample', 'generate one instance: prints {"state", "prompt"}').action(
    action(async (file: string, opts: InstanceOpts) => {
      const source = readSource(file);
      const [r] = await withPool((pool) => pool.sample(source, [instanceOf(opts)]));
      const v = valueOrFail(r!, opts.json);
      if (opts.json) printJson({ state: v.state, prompt: v.prompt });
      else process.stdout.write(`${v.prompt}\n\nstate: ${JSON.stringify(v.state)}\n`);
    }),
  );

  instanceCommand(
    env,
    'score',
    'score one answer for an instance: prints {"reward"} (<answer> tags are extracted and wrappers stripped first, see docs/answers.md)',
  )
    .requiredOption('--answer <text>', 'the final answer, or a full response with <answer>...</answer>')
    .action(
      action(async (file: string, opts: InstanceOpts & { answer: string }) => {
        const source = readSource(file);
        const answer = extractAnswer(opts.answer) ?? normaliseAnswer(opts.answer);
        const [r] = await withPool((pool) => pool.scoreInstances(source, [{ ...instanceOf(opts), answer }]));
        const reward = valueOrFail(r!, opts.json);
        if (opts.json) printJson({ reward });
        else process.stdout.write(`reward: ${reward}\n`);
      }),
    );

  instanceCommand(env, 'solve', 'print the reference solver\'s answer for an instance: prints {"answer"}').action(
    action(async (file: string, opts: InstanceOpts) => {
      const source = readSource(file);
      const r = await withPool(async (pool) => {
        const [s] = await pool.sample(source, [instanceOf(opts)]);
        if (!s!.ok) return s!;
        const [a] = await pool.solve(source, [s!.value.state]);
        return a!;
      });
      const answer = valueOrFail(r, opts.json);
      if (opts.json) printJson({ answer });
      else process.stdout.write(`${answer}\n`);
    }),
  );

  // Commander's own usage errors (missing option, unknown flag) exit 1 by default; the contract says 2.
  for (const c of [env, ...env.commands]) c.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  return env;
}
