/**
 * `resyn status` on the real server: running runs with their progress, the library by family,
 * recent failures with their reasons, and one run's Markdown report (accept rate per family,
 * rounds, tokens, rejection reasons). Also the CLI process itself: --json output, and the error
 * that names the fix when the server is not reachable.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { overview, runStatus } from '../cli/commands/status';
import { projectRoot } from '../lib/paths';
import type { ResynConfig } from '../temporal.config';
import { freePort } from '../worker/dev-server';
import type { GrowProgress } from '../contracts/grow-rules';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from './support/fake-llm';
import { fakeLlmEnv, FAST_GROW, happyReply, keywordOf, stepOf, verdict } from './support/fake-synthesis';
import { startWorker, testAddress, testClient, testConfig, waitFor, type RunningWorker } from './support/temporal';

// resyn's JSON logs (lib/logger.ts) at warn and up: keeps the test output readable.
process.env.RESYN_LOG_LEVEL ??= 'WARN';

describe('resyn status (real Temporal, registry)', function () {
  this.timeout(120_000);
  let client: Client;
  let fake: FakeLlm;
  let cfg: ResynConfig;
  let worker: RunningWorker;
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const script = async (req: FakeRequest): Promise<FakeReply> => {
    const kw = keywordOf(req);
    if (kw.startsWith('st hang') && stepOf(req) === 'generate') await gate;
    if (kw.startsWith('st retry') && stepOf(req) === 'generate')
      return {
        status: 429,
        headers: { 'retry-after': '30' },
        body: JSON.stringify({ error: { message: 'Rate limit reached for requests' } }),
      };
    if (kw.startsWith('st broken') && stepOf(req) === 'propose')
      return {
        status: 403,
        body: JSON.stringify({ error: { message: 'project has no access\nto model gpt-4o-mini (second line kept)' } }),
      };
    if (kw.startsWith('st rejected') && stepOf(req) === 'code-judge')
      return verdict('reject', 'verify() accepts any answer: not a real verifier');
    return happyReply(req);
  };

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req) => script(req));
    cfg = testConfig(fakeLlmEnv(fake.baseURL, { RESYN_SANDBOX_WORKERS: '1' }), 'status');
    worker = await startWorker(cfg);
  });
  after(async () => {
    release();
    await worker?.stop();
    await fake?.close();
    await client?.connection.close();
  });

  it('shows running runs with progress, the library by family, recent failures, and a run report', async () => {
    const q = cfg.temporal.taskQueue;
    const doneId = `status-done-${tag}`;
    await client.workflow.execute('growLibrary', {
      taskQueue: q,
      workflowId: doneId,
      args: [{ keywords: ['st accepted one', 'st accepted two', 'st rejected three'], concurrency: 2, ...FAST_GROW }],
    });
    const running = await client.workflow.start('growLibrary', {
      taskQueue: q,
      workflowId: `status-running-${tag}`,
      args: [{ keywords: ['st hang four'], ...FAST_GROW }],
    });
    await waitFor('its child blocked in the LLM call', () =>
      fake.calls.some((c) => stepOf(c) === 'generate' && keywordOf(c) === 'st hang four'),
    );
    const killed = await client.workflow.start('growLibrary', {
      taskQueue: q,
      workflowId: `status-killed-${tag}`,
      args: [{ keywords: ['st hang five'], ...FAST_GROW }],
    });
    await killed.terminate('operator stopped it');
    const badInput = await client.workflow.start('growLibrary', {
      taskQueue: q,
      workflowId: `status-bad-input-${tag}`,
      args: [{ keywords: [] }],
    });
    await assert.rejects(badInput.result());

    const s = await overview(client, cfg, 50);
    const mine = s.running.find((r) => r.workflowId === running.workflowId);
    assert.ok(mine, 'the running run is listed');
    assert.equal(mine.type, 'growLibrary');
    assert.equal((mine.progress as GrowProgress).inFlight, 1, 'with its progress (query)');
    assert.ok(s.synthesesRunning >= 1, JSON.stringify(s.running.map((r) => r.type)) + ' syntheses: ' + s.synthesesRunning);
    assert.equal(s.library.accepted, 2);
    assert.equal(s.library.rejected, 1);
    const failure = s.recentFailures.find((f) => f.workflowId === killed.workflowId);
    assert.ok(failure, 'the terminated run is a recent failure');
    assert.equal(failure.status, 'TERMINATED');
    assert.match(failure.reason, /operator stopped it/);
    assert.equal(failure.failureType, null, 'a termination carries no failure type');
    const rejected = s.recentFailures.find((f) => f.workflowId === badInput.workflowId);
    assert.equal(rejected?.failureType, 'InvalidInput', 'the failure type, from contracts/failures.ts, is reported');
    assert.ok(
      s.topRejectionReasons.some((r) => /not a real verifier/.test(r.reason)),
      JSON.stringify(s.topRejectionReasons),
    );

    const one = await runStatus(client, cfg, doneId);
    assert.equal(one.status, 'COMPLETED');
    assert.ok(one.report);
    assert.equal(one.report.attempted, 3);
    assert.equal(one.report.accepted, 2);
    assert.ok(one.report.usage.calls >= 6 && one.report.usage.promptTokens > 0, 'tokens of the run and its children');
    const md = one.report.markdown;
    for (const s of [
      '## Accept rate per family',
      '## Rounds per environment',
      '## Tokens and cost',
      '## Top rejection reasons',
      'st accepted one',
      'not a real verifier',
    ])
      assert.ok(md.includes(s), `report has ${s}`);
    assert.equal(one.report.file, path.join(cfg.dataDir, 'reports', `${doneId}.md`));
    assert.ok(fs.existsSync(one.report.file));
  });

  it("shows an LLM call being retried (error, attempt, next retry), failed jobs in full, and Temporal's word for a terminated run", async () => {
    const q = cfg.temporal.taskQueue;
    const retrying = await client.workflow.start('growLibrary', {
      taskQueue: q,
      workflowId: `status-retrying-${tag}`,
      args: [{ keywords: ['st retry six'], ...FAST_GROW }],
    });
    const seen = await waitFor(
      'the retrying write to show',
      async () => (await runStatus(client, cfg, retrying.workflowId)).retrying.find((r) => r.activity === 'writeEnvironment'),
      60_000,
      250,
    );
    assert.ok(seen.attempt >= 2, JSON.stringify(seen));
    assert.match(seen.lastError, /LLM generator .*HTTP 429 Rate limit reached for requests/);
    assert.ok(seen.nextRetry && Date.parse(seen.nextRetry) > Date.now(), `next retry in the future: ${seen.nextRetry}`);
    assert.match(seen.workflowId, new RegExp(`^${retrying.workflowId}/`), 'found in the synthesis child');
    const listed = (await overview(client, cfg, 50)).running.find((r) => r.workflowId === retrying.workflowId);
    assert.ok(
      listed?.retrying.some((r) => r.activity === 'writeEnvironment' && /429/.test(r.lastError)),
      'the overview shows it too',
    );

    await retrying.terminate('stopped by the test');
    const t = await runStatus(client, cfg, retrying.workflowId);
    assert.equal(t.status, 'TERMINATED');
    assert.equal(t.outcome, 'terminated', "Temporal's word, not the stale ResynStatus");
    assert.equal(t.resynStatus, 'running', 'a terminated run cannot update its own search attribute');

    const broken = await client.workflow.start('growLibrary', {
      taskQueue: q,
      workflowId: `status-broken-${tag}`,
      args: [{ keywords: ['st broken seven'], ...FAST_GROW }],
    });
    await broken.result().catch(() => undefined);
    const b = await runStatus(client, cfg, broken.workflowId);
    assert.equal(b.outcome, 'failed');
    assert.deepEqual(
      b.failedJobs.map((f) => f.job),
      ['st broken seven (proposals)'],
    );
    assert.match(b.failedJobs[0]!.reason, /HTTP 403 project has no access\nto model gpt-4o-mini \(second line kept\); check the API key/);
    assert.match(b.reason ?? '', /accepted no environment.*\n?.*second line kept/s, "the run's reason is not cut to one line");
  });

  it('the CLI prints JSON, and names the fix when the server is not reachable', async () => {
    const env = { ...process.env, RESYN_DATA_DIR: cfg.dataDir, TEMPORAL_ADDRESS: testAddress(), RESYN_TASK_QUEUE: cfg.temporal.taskQueue };
    const cli = path.join(projectRoot, 'dist/cli/main.js');
    const ok = spawnSync(process.execPath, [cli, 'status', '--json'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(ok.status, 0, ok.stderr);
    const out = JSON.parse(ok.stdout);
    assert.equal(out.library.accepted, 2);
    const port = await freePort();
    const down = spawnSync(process.execPath, [cli, 'status'], {
      env: { ...env, TEMPORAL_ADDRESS: `127.0.0.1:${port}` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(down.status, 1);
    assert.match(down.stderr, /not reachable at TEMPORAL_ADDRESS=127\.0\.0\.1:\d+.*check TEMPORAL_ADDRESS/);
    const missing = spawnSync(process.execPath, [cli, 'status', 'no-such-run'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no run with workflow id "no-such-run"/);
  });
});
