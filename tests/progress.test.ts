/**
 * What a person or a script sees while `resyn sample --wait` and `resyn resume --wait` run (the real
 * CLI as a process, the real server, a real worker and registry): JSON lines on stderr with --json
 * (the result alone on stdout), readable lines when stderr is not a terminal, and a bar on one
 * (cli/progress.ts, checked on a stream that says it is a terminal).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { ProgressReporter, sampleView } from '../cli/progress';
import type { SampleRequest } from '../contracts/sample-request';
import { projectRoot } from '../lib/paths';
import type { ResynConfig } from '../temporal.config';
import type { SampleOutcome, SampleProgress } from '../workflows/sample-training-data';
import { seedLibrary } from './support/dataset';
import { startWorker, testClient, testConfig, waitFor, type RunningWorker } from './support/temporal';

const execFileAsync = promisify(execFile);
process.env.RESYN_LOG_LEVEL ??= 'ERROR';

/** A writable that keeps what it was given, optionally claiming to be a terminal. */
function capture(isTTY: boolean): Writable & { isTTY: boolean; text: () => string; columns: number } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY: boolean; text: () => string; columns: number; cursorTo: unknown; clearLine: unknown; moveCursor: unknown };
  w.isTTY = isTTY;
  w.columns = 160;
  w.text = () => chunks.join('');
  return w;
}

const progress = (shardsDone: number, shardsTotal: number, rows: number): SampleProgress => ({
  phase: 'sampling',
  shardsDone,
  shardsTotal,
  rows,
});

describe('progress of waiting commands: bars on a terminal, JSON lines with --json, lines otherwise', function () {
  this.timeout(120_000);

  describe('the reporter (cli/progress.ts)', () => {
    it('plain lines: one per change, no terminal escapes', () => {
      const out = capture(false);
      const r = new ProgressReporter('resyn-sample-x', 'sampleTrainingData', { stream: out });
      r.show(sampleView(progress(0, 4, 0)));
      r.show(sampleView(progress(0, 4, 0)));
      r.show(sampleView(progress(2, 4, 100)));
      r.trouble('  retrying rollout in x: attempt 2');
      r.stop();
      assert.equal(out.text(), '[sampling] shards 0/4 · rows 0\n[sampling] shards 2/4 · rows 100\n  retrying rollout in x: attempt 2\n');
    });

    it('--json: one JSON object per line and change, with the run, the counts, the text and the progress object', () => {
      const out = capture(true); // --json wins over a terminal
      const r = new ProgressReporter('resyn-sample-x', 'sampleTrainingData', { stream: out, json: true });
      r.show(sampleView(progress(1, 4, 50)));
      r.show(sampleView(progress(1, 4, 50)));
      r.trouble('retrying x');
      r.stop();
      const lines = out
        .text()
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(lines, [
        {
          type: 'progress',
          workflowId: 'resyn-sample-x',
          workflowType: 'sampleTrainingData',
          done: 1,
          total: 4,
          unit: 'shards',
          text: '[sampling] shards 1/4 · rows 50',
          progress: progress(1, 4, 50),
        },
        { type: 'retrying', workflowId: 'resyn-sample-x', workflowType: 'sampleTrainingData', text: 'retrying x' },
      ]);
    });

    it('a terminal gets a bar with the counts, redrawn in place', () => {
      const out = capture(true);
      const r = new ProgressReporter('resyn-sample-x', 'sampleTrainingData', { stream: out });
      r.show(sampleView(progress(1, 4, 50)));
      r.show(sampleView(progress(3, 4, 150)));
      r.stop();
      const text = out.text();
      assert.match(text, /\[█{15}░{5}\] \[sampling\] shards 3\/4 · rows 150/);
      assert.match(text, /\u001b\[/, 'terminal control sequences (the bar is redrawn in place)');
    });
  });

  describe('the CLI on the real stack', () => {
    let client: Client;
    let cfg: ResynConfig;
    let worker: RunningWorker;
    let env: NodeJS.ProcessEnv;
    let seq = 0;
    const cli = (...args: string[]) => execFileAsync(process.execPath, [path.join(projectRoot, 'dist/cli/main.js'), ...args], { env });

    before(async () => {
      client = await testClient();
      cfg = testConfig({ RESYN_SANDBOX_WORKERS: '1' }, 'progress');
      await seedLibrary(cfg);
      worker = await startWorker(cfg);
      env = {
        ...process.env,
        RESYN_DATA_DIR: cfg.dataDir,
        TEMPORAL_ADDRESS: cfg.temporal.address!,
        RESYN_TASK_QUEUE: cfg.temporal.taskQueue,
        RESYN_METRICS_PORT: '0',
      };
    });
    after(async () => {
      await worker?.stop();
      await client?.connection.close();
    });

    it('`resyn sample --wait --json`: progress as JSON lines on stderr ending at every shard done, the outcome alone on stdout', async () => {
      const name = `progress-json-${process.pid}-${++seq}`;
      const { stdout, stderr } = await cli(
        'sample',
        '--name',
        name,
        '--instances-per-env',
        '40',
        '--difficulties',
        '1,2',
        '--shard-size',
        '10',
        '--format',
        'jsonl',
        '--concurrency',
        '1',
        '--wait',
        '--json',
      );
      const outcome = JSON.parse(stdout) as SampleOutcome;
      const lines = stderr
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.ok(lines.length >= 1, stderr);
      for (const l of lines) {
        assert.equal(l.type, 'progress');
        assert.equal(l.workflowId, `resyn-sample-${name}`);
        assert.equal(l.workflowType, 'sampleTrainingData');
        assert.equal(l.unit, 'shards');
        assert.ok(l.done <= l.total || l.total === 0, JSON.stringify(l));
      }
      const last = lines.at(-1);
      assert.deepEqual(
        [last.done, last.total, last.progress.rows, last.progress.phase],
        [outcome.shards, outcome.shards, outcome.rows, 'done'],
      );
      assert.ok(outcome.shards >= 2, 'several shards');
    });

    it('`resyn resume --wait` of a terminated sample run shows its progress as readable lines when stderr is not a terminal', async () => {
      const name = `progress-resume-${process.pid}-${++seq}`;
      const req: SampleRequest = { name, instancesPerEnv: 300, difficulties: [1, 2], shardSize: 20, formats: ['jsonl'], concurrency: 1 };
      const h = await client.workflow.start('sampleTrainingData', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `resyn-sample-${name}`,
        args: [req],
      });
      await waitFor('a shard written', async () => ((await h.query('progress')) as SampleProgress).shardsDone >= 1, 60_000, 20);
      await h.terminate('test: terminated mid-run');
      const { stdout, stderr } = await cli('resume', `resyn-sample-${name}`, '--wait');
      assert.equal(stdout, '', 'people read stderr; nothing on stdout without --json');
      assert.doesNotMatch(stderr, /\u001b\[/, 'no terminal control sequences in a log');
      const shardLines = stderr.split('\n').filter((l) => /^\[\w+\] shards \d+\/\d+ · rows \d+$/.test(l));
      assert.ok(shardLines.length >= 1, stderr);
      const m = /^\[done\] shards (\d+)\/(\d+) · rows (\d+)$/.exec(shardLines.at(-1)!);
      assert.ok(m, `ends with the finished run: ${shardLines.at(-1)}`);
      assert.equal(m[1], m[2]);
      const finished = /finished: (\{.*\})/.exec(stderr);
      assert.ok(finished, stderr);
      const result = JSON.parse(finished[1]!) as SampleOutcome;
      assert.equal(Number(m[3]), result.rows);
      assert.equal(Number(m[1]), result.shards);
    });
  });
});
