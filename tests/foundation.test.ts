/**
 * The foundation on a real Temporal dev server: the trivial workflow, a worker SIGKILLed while an
 * activity runs, and the dev server stopped and restarted on the same SQLite file (replay of the
 * recorded histories: tests/unit/histories.test.ts).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { freePort, startDevServer } from '../worker/dev-server';
import { maybeSaveHistory } from './support/histories';
import { killProcess, spawnWorkerProcess, testClient, testConfig, tmpDir, waitFor, withWorker } from './support/temporal';

const readLines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

async function activityStarted(handle: WorkflowHandle): Promise<boolean> {
  const d = await handle.describe();
  return (d.raw.pendingActivities ?? []).some((a) => String(a.state) === 'PENDING_ACTIVITY_STATE_STARTED' || a.state === 2);
}

describe('foundation: Temporal wiring', () => {
  let client: Client;
  before(async () => {
    client = await testClient();
  });
  after(async () => {
    await client.connection.close();
  });

  it('runs the trivial workflow to completion through ReSynPlugin', async () => {
    const cfg = testConfig();
    const file = path.join(cfg.dataDir, 'effect.txt');
    const result = await withWorker(cfg, async () => {
      const handle = await client.workflow.start('pingWorkflow', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `ping-${cfg.temporal.taskQueue}`,
        args: [{ file, token: 'hello' }],
      });
      const r = await handle.result();
      await maybeSaveHistory(handle, 'ping');
      return r;
    });
    assert.deepEqual(result, { token: 'hello', lines: 1 });
    assert.deepEqual(readLines(file), ['hello']);
  });

  it('finishes a workflow whose worker was SIGKILLed mid-activity, applying the effect once', async () => {
    const cfg = testConfig({}, 'kill');
    const file = path.join(cfg.dataDir, 'effect.txt');
    let worker = spawnWorkerProcess(cfg);
    const handle = await client.workflow.start('pingWorkflow', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: `ping-kill-${cfg.temporal.taskQueue}`,
      args: [{ file, token: 'once', delayMs: 4000 }],
    });
    await waitFor('the activity to start on the worker process', () => activityStarted(handle), 60_000, 100);
    await killProcess(worker, 'SIGKILL');
    assert.equal(fs.existsSync(file), false, 'the killed activity must not have applied its effect yet');
    worker = spawnWorkerProcess(cfg);
    try {
      const r = await handle.result();
      assert.deepEqual(r, { token: 'once', lines: 1 });
      assert.deepEqual(readLines(file), ['once']);
      const history = await handle.fetchHistory();
      const failedAttempts = history.events!.filter((e) => e.activityTaskTimedOutEventAttributes || e.activityTaskFailedEventAttributes);
      assert.equal(failedAttempts.length, 0, 'retries happen within the activity, not as failed events');
      const d = await handle.describe();
      assert.equal(d.status.name, 'COMPLETED');
    } finally {
      await killProcess(worker, 'SIGTERM');
    }
  });

  it('keeps and finishes a workflow across a dev-server restart on the same --db-filename', async function () {
    const bin = process.env.RESYN_TEST_TEMPORAL_BIN;
    if (!bin) this.skip(); // only when the suite runs its own server binary (not TEMPORAL_ADDRESS)
    const dir = tmpDir('restart-');
    const dbFile = path.join(dir, 'temporal.sqlite');
    const port = await freePort();
    let server = await startDevServer({ bin, dbFile, port, headless: true });
    const cfg = testConfig({ TEMPORAL_ADDRESS: server.address }, 'restart');
    const file = path.join(cfg.dataDir, 'effect.txt');
    const workflowId = `ping-restart-${cfg.temporal.taskQueue}`;
    let conn = await Connection.connect({ address: server.address });
    await new Client({ connection: conn }).workflow.start('pingWorkflow', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId,
      args: [{ file, token: 'survives' }],
    });
    await conn.close();
    await server.stop(); // no worker ran yet: the workflow exists only in the SQLite file

    server = await startDevServer({ bin, dbFile, port, headless: true });
    conn = await Connection.connect({ address: server.address });
    const c = new Client({ connection: conn });
    try {
      const handle = c.workflow.getHandle(workflowId);
      assert.equal((await handle.describe()).status.name, 'RUNNING');
      const listed = await waitFor(
        'the run in the visibility list after restart',
        async () => {
          const ids: string[] = [];
          for await (const w of c.workflow.list({ query: `WorkflowId = "${workflowId}"` })) ids.push(w.workflowId);
          return ids.length ? ids : undefined;
        },
        30_000,
        250,
      );
      assert.deepEqual(listed, [workflowId]);
      const r = await withWorker(cfg, () => handle.result());
      assert.deepEqual(r, { token: 'survives', lines: 1 });
      assert.equal((await handle.describe()).status.name, 'COMPLETED');
      const closed = await waitFor(
        'the completed run listed',
        async () => {
          for await (const w of c.workflow.list({ query: `WorkflowId = "${workflowId}" AND ExecutionStatus = "Completed"` }))
            return w.status.name;
          return undefined;
        },
        30_000,
        250,
      );
      assert.equal(closed, 'COMPLETED');
    } finally {
      await conn.close();
      await server.stop();
    }
  });
});
