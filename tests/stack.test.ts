/**
 * The supervised stack with real processes and kill -9: `resyn up` (the real CLI) starting the real
 * dev server binary; a second `resyn up` on the same port or the same data folder; the dev server
 * killed under `resyn up` (restarted, or `resyn up` exits non-zero with the reason); a stale stack
 * left by a kill -9 of `resyn up`.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { commandLine, isAlive } from '../lib/processes';
import { projectRoot } from '../lib/paths';
import type { StackRecord } from '../cli/stack-lock';
import { freePort } from '../worker/dev-server';
import { tmpDir, waitFor } from './support/temporal';

const cli = path.join(projectRoot, 'dist/cli/main.js');

interface Up {
  child: ChildProcess;
  dataDir: string;
  port: number;
  uiPort: number;
  output(): string;
  exited: Promise<number | null>;
}

async function startUp(o: { dataDir?: string; port?: number; uiPort?: number; env?: Record<string, string> } = {}): Promise<Up> {
  const dataDir = o.dataDir ?? tmpDir('up-');
  const port = o.port ?? (await freePort());
  const uiPort = o.uiPort ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RESYN_DATA_DIR: dataDir,
    RESYN_DEV_SERVER_PORT: String(port),
    RESYN_DEV_SERVER_UI_PORT: String(uiPort),
    RESYN_METRICS_PORT: '0',
    ...o.env,
  };
  delete env.TEMPORAL_ADDRESS;
  const child = spawn(process.execPath, [cli, 'up'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, dataDir, port, uiPort, output: () => out, exited };
}

const ready = (up: Up) => waitFor(`resyn up ready:\n${up.output()}`, () => /ready in [\d.]+ s/.test(up.output()), 90_000, 100);
const lockOf = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'stack.pid'), 'utf8')) as StackRecord;

async function stopUp(up: Up): Promise<number | null> {
  if (up.child.exitCode === null && up.child.signalCode === null) up.child.kill('SIGINT');
  return up.exited;
}

async function answers(port: number): Promise<boolean> {
  try {
    const c = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 2000 });
    try {
      await c.workflowService.getSystemInfo({});
      return true;
    } finally {
      await c.close();
    }
  } catch {
    return false;
  }
}

/** Runs the trivial workflow on the stack's worker (task queue "resyn"): proves the worker is connected. */
async function pingThrough(port: number, dataDir: string, token: string): Promise<void> {
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  try {
    const client = new Client({ connection });
    const r = await client.workflow.execute('pingWorkflow', {
      taskQueue: 'resyn',
      workflowId: `ping-${token}`,
      args: [{ file: path.join(dataDir, 'ping.txt'), token }],
      workflowExecutionTimeout: '60 seconds',
    });
    assert.equal(r.token, token);
  } finally {
    await connection.close();
  }
}

describe('resyn up: a supervised stack (real processes, kill -9)', () => {
  before(function () {
    if (!process.env.RESYN_TEST_TEMPORAL_BIN) this.skip(); // needs the binary, not an external cluster
  });

  it('a second resyn up on the same port or the same data folder is refused, naming the owner and the variable', async () => {
    const a = await startUp();
    try {
      await ready(a);
      const serverPid = lockOf(a.dataDir).server!.pid;

      const samePort = await startUp({ port: a.port });
      assert.equal(await samePort.exited, 1, samePort.output());
      assert.match(
        samePort.output(),
        new RegExp(`port ${a.port} for the Temporal dev server \\(gRPC\\) is in use by pid ${serverPid} \\(.*server start-dev`),
      );
      assert.match(samePort.output(), /set RESYN_DEV_SERVER_PORT to a free port/);
      assert.doesNotMatch(samePort.output(), /ready in/);
      assert.equal(fs.existsSync(path.join(samePort.dataDir, 'stack.pid')), false, 'the refused stack left no lock');

      const sameFolder = await startUp({ dataDir: a.dataDir });
      assert.equal(await sameFolder.exited, 1, sameFolder.output());
      assert.match(sameFolder.output(), new RegExp(`in use by another resyn stack \\(pid ${a.child.pid},`));
      assert.match(
        sameFolder.output(),
        /set RESYN_DATA_DIR to another folder, or use that stack from here with TEMPORAL_ADDRESS=127\.0\.0\.1:\d+/,
      );

      assert.ok(await answers(a.port), 'the first stack still serves');
      assert.equal(lockOf(a.dataDir).pid, a.child.pid, 'the first stack keeps its lock');
    } finally {
      assert.equal(await stopUp(a), 0, a.output());
    }
    assert.equal(fs.existsSync(path.join(a.dataDir, 'stack.pid')), false, 'Ctrl-C releases the lock');
  });

  it('restarts its dev server after a kill -9, and exits non-zero with the reason when the restart fails', async () => {
    // TEMPORAL_CLI_PATH is a wrapper the test can break later (it execs the real binary: same pid, same command line).
    const dir = tmpDir('wrap-');
    const wrapper = path.join(dir, 'temporal');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${process.env.RESYN_TEST_TEMPORAL_BIN} "$@"\n`, { mode: 0o755 });
    const up = await startUp({ env: { TEMPORAL_CLI_PATH: wrapper } });
    try {
      await ready(up);
      const first = lockOf(up.dataDir).server!.pid;
      await pingThrough(up.port, up.dataDir, 'before');
      process.kill(first, 'SIGKILL');
      await waitFor('the restart', () => /restarted the Temporal dev server \(pid \d+\)/.test(up.output()), 60_000);
      assert.match(up.output(), new RegExp(`the Temporal dev server \\(pid ${first}\\) stopped unexpectedly \\(signal SIGKILL\\)`));
      const second = lockOf(up.dataDir).server!.pid;
      assert.notEqual(second, first);
      assert.match(commandLine(second) ?? '', /server start-dev/);
      await pingThrough(up.port, up.dataDir, 'after-restart'); // the same worker reconnected, on the same database

      fs.writeFileSync(wrapper, '#!/bin/sh\necho "temporal: cannot start (broken by the test)" >&2\nexit 3\n', { mode: 0o755 });
      process.kill(second, 'SIGKILL');
      assert.equal(await up.exited, 1, up.output());
      assert.match(
        up.output(),
        new RegExp(
          `the Temporal dev server \\(pid ${second}\\) died \\(signal SIGKILL\\) and could not be restarted: .*exited with code 3`,
        ),
      );
      assert.match(up.output(), /cannot start \(broken by the test\)/);
      assert.equal(fs.existsSync(path.join(up.dataDir, 'stack.pid')), false, 'the lock is released on the way out');
    } finally {
      await stopUp(up);
    }
  });

  it('after a kill -9 of resyn up, the next one reports the stale stack, stops the orphaned dev server and starts', async () => {
    const a = await startUp();
    await ready(a);
    const orphan = lockOf(a.dataDir).server!.pid;
    a.child.kill('SIGKILL');
    await a.exited;
    assert.ok(isAlive(orphan) && /server start-dev/.test(commandLine(orphan) ?? ''), 'kill -9 leaves the dev server running');

    const b = await startUp({ dataDir: a.dataDir, port: a.port, uiPort: a.uiPort });
    try {
      await ready(b);
      const out = b.output();
      assert.match(out, new RegExp(`found a stale stack lock .*: resyn \\(pid ${a.child.pid}, started .*\\) is no longer running`));
      assert.match(out, new RegExp(`its Temporal dev server is still running \\(pid ${orphan}, 127\\.0\\.0\\.1:${a.port}`));
      assert.match(out, new RegExp(`stopped pid ${orphan}\\.`));
      assert.equal(commandLine(orphan), undefined, 'the orphan is gone');
      const rec = lockOf(b.dataDir);
      assert.equal(rec.pid, b.child.pid);
      assert.notEqual(rec.server!.pid, orphan);
      await pingThrough(b.port, b.dataDir, 'after-stale');
    } finally {
      assert.equal(await stopUp(b), 0, b.output());
    }
  });
});
