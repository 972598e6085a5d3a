/**
 * Nightly growth on Temporal Schedules (real server, scripted LLM): a schedule with a 2 s interval
 * fires, each run grows the library from seed keywords never tried before, writes the run report
 * and samples a dataset; a paused schedule does not fire.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Client } from '@temporalio/client';
import { createSchedule, nightlyInputFrom, scheduleSummary, triggerSchedule } from '../cli/commands/schedule';
import { CliError } from '../cli/output';
import { openRegistry } from '../registry/open';
import type { ResynConfig } from '../temporal.config';
import type { NightlyResult } from '../workflows/nightly-growth';
import { startFakeLlm, type FakeLlm } from './support/fake-llm';
import { maybeSaveHistory } from './support/histories';
import { fakeLlmEnv, happyReply } from './support/fake-synthesis';
import { startWorker, testClient, testConfig, waitFor, type RunningWorker } from './support/temporal';

// resyn's JSON logs (lib/logger.ts) at warn and up: keeps the test output readable.
process.env.RESYN_LOG_LEVEL ??= 'WARN';

describe('nightly growth schedule (real Temporal Schedules)', function () {
  this.timeout(180_000);
  let client: Client;
  let fake: FakeLlm;
  let cfg: ResynConfig;
  let worker: RunningWorker;
  const name = `nightly-test-${process.pid}-${Date.now().toString(36)}`;

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req) => happyReply(req));
    cfg = testConfig(fakeLlmEnv(fake.baseURL, { RESYN_SANDBOX_WORKERS: '1' }), 'schedule');
    worker = await startWorker(cfg);
  });
  after(async () => {
    await client?.schedule
      .getHandle(name)
      .delete()
      .catch(() => undefined);
    await worker?.stop();
    await fake?.close();
    await client?.connection.close();
  });

  it('checks the command line before creating anything', () => {
    assert.throws(
      () => nightlyInputFrom({ catchupWindow: '1h', count: 0 } as any),
      (e: unknown) => e instanceof CliError && /count/.test(e.message),
    );
    assert.deepEqual(nightlyInputFrom({ catchupWindow: '1h', target: 5, budgetTokens: 1000, sample: true }), {
      target: 5,
      budget: { maxTokens: 1000 },
      sample: true,
    });
  });

  it('fires on its interval, each run growing from fresh keywords, reporting and sampling; paused, it does not fire', async () => {
    const created = await createSchedule(client, cfg, name, {
      interval: '2s',
      count: 1,
      keywords: 'nightly sums one,nightly sums two,nightly sums three',
      proposals: 1,
      maxRevisions: 0,
      gates: 'automaticChecks,codeJudge',
      sampleInstances: 4,
      catchupWindow: '1h',
    });
    assert.equal(created.paused, false);
    assert.equal(created.overlap, 'SKIP');
    assert.equal(created.catchupWindowMs, 3_600_000);
    const h = client.schedule.getHandle(name);

    // Two runs finished (overlap SKIP: a run still going is not doubled).
    const done = await waitFor(
      'two finished nightly runs',
      async () => {
        const d = await h.describe();
        const ids = d.info.recentActions.map((a) => a.action.workflow.workflowId);
        if (ids.length < 2) return undefined;
        const results: NightlyResult[] = [];
        for (const id of ids.slice(0, 2)) {
          const wd = await client.workflow.getHandle(id).describe();
          if (wd.status.name === 'RUNNING') return undefined;
          assert.equal(wd.status.name, 'COMPLETED', `nightly run ${id} completed`);
          assert.equal(wd.typedSearchAttributes.get({ name: 'ResynRunKind', type: 'KEYWORD' } as any), 'nightly');
          results.push((await client.workflow.getHandle(id).result()) as NightlyResult);
        }
        return results;
      },
      150_000,
      500,
    );

    await h.pause('test: paused');
    for (const r of done) {
      assert.equal(r.phase, 'done');
      assert.equal(r.keywords.length, 1);
      assert.equal(r.grow?.status, 'completed');
      assert.equal(r.grow?.accepted, 1);
      assert.ok(r.report && fs.readFileSync(r.report, 'utf8').includes(r.keywords[0]!), 'the report names the keyword');
      assert.ok(r.sample && r.sample.rows > 0 && fs.existsSync(r.sample.manifestPath), 'a dataset was sampled');
    }
    assert.notEqual(done[0]!.keywords[0], done[1]!.keywords[0], 'each night draws keywords never tried');
    const reg = await openRegistry(cfg);
    try {
      const kws = (await reg.listEnvironments({ status: 'accepted' })).map((e) => e.keyword);
      for (const r of done) assert.ok(kws.includes(r.keywords[0]!), `the registry holds the environment of ${r.keywords[0]}`);
    } finally {
      await reg.close();
    }

    // Paused: no action over several intervals.
    const before = await h.describe();
    assert.equal(before.state.paused, true);
    const taken = before.info.numActionsTaken;
    await new Promise((r) => setTimeout(r, 7_000));
    const after = scheduleSummary(await h.describe());
    assert.equal(after.paused, true);
    assert.equal(after.actionCount, taken, 'a paused schedule does not fire');
  });

  it('runs nightlyGrowth started by hand to the end (recorded for the replay test with RESYN_RECORD_HISTORIES=<tag>)', async () => {
    const h = await client.workflow.start('nightlyGrowth', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: 'nightlyGrowth-history',
      args: [
        {
          count: 1,
          keywordPool: ['history sums'],
          proposalsPerKeyword: 1,
          maxRevisions: 0,
          gates: ['automaticChecks', 'codeJudge'],
          sample: { instancesPerEnv: 2, formats: ['jsonl'] },
        },
      ],
    });
    assert.equal(((await h.result()) as NightlyResult).phase, 'done');
    await maybeSaveHistory(h, 'nightlyGrowth-history');
  });
});

describe('resyn schedule trigger applies the overlap policy', function () {
  this.timeout(180_000);
  let client: Client;
  let fake: FakeLlm;
  let worker: RunningWorker;
  let cfg: ResynConfig;
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const name = `trigger-test-${process.pid}-${Date.now().toString(36)}`;

  before(async () => {
    client = await testClient();
    // Every LLM reply waits for the test: the first night stays running until released.
    fake = await startFakeLlm(async (req) => {
      await released;
      return happyReply(req);
    });
    cfg = testConfig(fakeLlmEnv(fake.baseURL, { RESYN_SANDBOX_WORKERS: '1' }), 'trigger');
    worker = await startWorker(cfg);
  });
  after(async () => {
    release();
    await client?.schedule
      .getHandle(name)
      .delete()
      .catch(() => undefined);
    await worker?.stop();
    await fake?.close();
    await client?.connection.close();
  });

  it('a trigger during a running night starts no second run (SKIP), and says so', async () => {
    await createSchedule(client, cfg, name, {
      interval: '24h',
      count: 1,
      keywords: 'trigger sums one,trigger sums two',
      proposals: 1,
      maxRevisions: 0,
      gates: 'automaticChecks,codeJudge',
      catchupWindow: '1m',
    });
    const h = client.schedule.getHandle(name);
    const first = await triggerSchedule(client, name);
    assert.equal(first.triggered, true, first.message);
    const running = await waitFor('the first night to run', async () => {
      const d = await h.describe();
      return d.info.runningActions.length === 1 ? d.info.runningActions[0]!.workflow.workflowId : undefined;
    });
    await waitFor('the night to ask the LLM', () => fake.calls.length > 0);

    const second = await triggerSchedule(client, name);
    assert.equal(second.triggered, false);
    assert.equal(second.overlap, 'SKIP');
    assert.deepEqual(second.running, [running]);
    assert.match(second.message, new RegExp(`not started: ${running} is still running and the schedule's overlap policy is SKIP`));
    const skipped = await waitFor('the server to record the skipped trigger', async () => {
      const d = await h.describe();
      return d.info.numActionsSkippedOverlap >= 1 ? d : undefined;
    });
    assert.equal(skipped.info.numActionsTaken, 1, 'one run started in all');
    assert.deepEqual(
      skipped.info.runningActions.map((a) => a.workflow.workflowId),
      [running],
    );

    release();
    const done = await client.workflow.getHandle(running).result();
    assert.equal((done as NightlyResult).phase, 'done');
    assert.equal((await h.describe()).info.numActionsTaken, 1);
  });
});
