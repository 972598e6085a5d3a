/** `resyn up` and `--help`: the real CLI process, the real dev server binary, Ctrl-C stops both. */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { projectRoot } from '../lib/paths';
import { freePort } from '../worker/dev-server';
import { tmpDir, waitFor } from './support/temporal';

const cli = path.join(projectRoot, 'dist/cli/main.js');

describe('resyn CLI: up and help', () => {
  it('prints help for the program and every command', () => {
    const top = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    assert.equal(top.status, 0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    assert.ok(commands.includes('up') && commands.includes('run'), top.stdout);
    for (const c of commands) {
      const r = spawnSync(process.execPath, [cli, c, '--help'], { encoding: 'utf8' });
      assert.equal(r.status, 0, `resyn ${c} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: resyn/);
    }
  });

  it('up starts the dev server with its UI and a worker, and stops cleanly on SIGINT', async function () {
    if (!process.env.RESYN_TEST_TEMPORAL_BIN) this.skip(); // needs the binary, not an external cluster
    const port = await freePort();
    const uiPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RESYN_DATA_DIR: tmpDir('up-'),
      RESYN_DEV_SERVER_PORT: String(port),
      RESYN_DEV_SERVER_UI_PORT: String(uiPort),
      RESYN_METRICS_PORT: '0',
    };
    delete env.TEMPORAL_ADDRESS;
    const child = spawn(process.execPath, [cli, 'up'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor('the UI address', () => err.includes(`Temporal Web UI: http://127.0.0.1:${uiPort}`), 90_000, 100);
      const res = await fetch(`http://127.0.0.1:${uiPort}/`);
      assert.equal(res.status, 200, 'the Web UI answers');
      const conn = await Connection.connect({ address: `127.0.0.1:${port}` });
      const pollers = await conn.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: 'resyn' },
        taskQueueType: 1,
      });
      await conn.close();
      assert.ok((pollers.pollers ?? []).length >= 1, 'a resyn worker polls the "resyn" task queue');
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, err);
    assert.match(err, /stopped\./);
    await assert.rejects(
      Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 1000 }).then((c) => c.workflowService.getSystemInfo({})),
    );
  });
});
