/**
 * Observability: the worker process exposes the Temporal SDK's metrics to Prometheus on
 * 127.0.0.1:<RESYN_METRICS_PORT> and resyn's own on <RESYN_OWN_METRICS_PORT>; resyn's structured logger (and the SDK's logs through it) writes JSON lines with run ids.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../lib/logger';
import { freePort } from '../worker/dev-server';
import { killProcess, spawnWorkerProcess, testClient, testConfig, waitFor } from './support/temporal';

describe('observability', function () {
  this.timeout(120_000);

  it('the worker process serves temporal_ metrics on /metrics at RESYN_METRICS_PORT', async () => {
    const cfg = testConfig({}, 'metrics');
    const port = await freePort();
    const ownPort = await freePort();
    const child = spawnWorkerProcess(cfg, {
      RESYN_METRICS_PORT: String(port),
      RESYN_OWN_METRICS_PORT: String(ownPort),
      RESYN_LOG_LEVEL: 'info',
    });
    const client = await testClient();
    try {
      // Some work, so worker task metrics exist beside the poller gauges.
      const h = await client.workflow.start('resumeRun', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `metrics-${process.pid}-${Date.now()}`,
        args: [{ bogus: 1 }],
      });
      await h.result().catch(() => undefined);
      const body = await waitFor(
        'temporal_ metrics on /metrics',
        async () => {
          try {
            const res = await fetch(`http://127.0.0.1:${port}/metrics`);
            const text = await res.text();
            return res.ok && /^temporal_workflow_task_execution_latency/m.test(text) ? text : undefined;
          } catch {
            return undefined;
          }
        },
        60_000,
        500,
      );
      assert.match(body, /^# (HELP|TYPE) temporal_/m);
      assert.match(body, new RegExp(`task_queue="${cfg.temporal.taskQueue}"`));
      assert.doesNotMatch(body, /^resyn_/m, "the SDK's exporter serves only the SDK's series");
      // resyn's own series, beside them on their own port (their values: stages.test.ts).
      const own = await (await fetch(`http://127.0.0.1:${ownPort}/metrics`)).text();
      assert.match(own, /^# TYPE resyn_environments_total counter$/m);
      assert.match(own, /^# TYPE resyn_llm_tokens_total counter$/m);
    } finally {
      await killProcess(child, 'SIGTERM');
      await client.connection.close();
    }
    // The SDK's own log lines (worker state changes at INFO) are JSON lines too, with the task queue.
    const sdkLines = fs
      .readFileSync(path.join(cfg.dataDir, 'worker.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((r) => r.component === 'temporal-sdk');
    assert.ok(
      sdkLines.some((r) => r.level === 'info' && r.taskQueue === cfg.temporal.taskQueue),
      JSON.stringify(sdkLines.slice(0, 3)),
    );
  });

  it('the logger writes one JSON object per line with the bound run ids, and honours the level', () => {
    const lines: string[] = [];
    const log = createLogger({ component: 'ops' }, { level: 'info', write: (l) => lines.push(l) }).child({ workflowId: 'w1', runId: 'r1' });
    log.debug('hidden');
    log.info('resuming', { from: 'r0' });
    log.error('boom', { err: new Error('bad thing') });
    assert.equal(lines.length, 2);
    const a = JSON.parse(lines[0]!),
      b = JSON.parse(lines[1]!);
    assert.deepEqual(
      { level: a.level, msg: a.msg, component: a.component, workflowId: a.workflowId, runId: a.runId, from: a.from },
      { level: 'info', msg: 'resuming', component: 'ops', workflowId: 'w1', runId: 'r1', from: 'r0' },
    );
    assert.ok(!Number.isNaN(Date.parse(a.time)));
    assert.equal(b.err.message, 'bad thing');
  });
});
