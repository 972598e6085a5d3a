/**
 * Resume on the real server: a growLibrary or sampleTrainingData run that failed, was cancelled
 * or terminated is restarted by resumeRun (through the CLI's functions). Nothing finished is
 * redone (no second LLM call for a finished environment, no shard rewritten), nothing is lost
 * (every keyword / every row ends up done), and the new run links to the old one.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { startResume, waitForNewRun } from '../cli/commands/resume';
import { CliError } from '../cli/output';
import type { SampleRequest } from '../contracts/sample-request';
import { listSeedEnvironments } from '../lib/seeds';
import { importSeedEnvironments } from '../registry/import-seeds';
import { openRegistry } from '../registry/open';
import { sharedPool } from '../sandbox';
import { dataPaths, type ResynConfig } from '../temporal.config';
import type { GrowProgress } from '../contracts/grow-rules';
import type { ResumeResult } from '../workflows/resume-run';
import type { SampleOutcome, SampleProgress } from '../workflows/sample-training-data';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from './support/fake-llm';
import { maybeSaveHistory } from './support/histories';
import { fakeLlmEnv, FAST_GROW, happyReply, keywordOf, stepOf, taskNameOf } from './support/fake-synthesis';
import { startWorker, testClient, testConfig, waitFor, type RunningWorker } from './support/temporal';

// resyn's JSON logs (lib/logger.ts) at warn and up: keeps the test output readable.
process.env.RESYN_LOG_LEVEL ??= 'WARN';

describe('resume a run that ended badly (real Temporal, registry, sandbox; scripted LLM)', function () {
  this.timeout(180_000);
  let client: Client;
  let fake: FakeLlm;
  let cfg: ResynConfig;
  let worker: RunningWorker;
  let script: (req: FakeRequest, i: number) => FakeReply | Promise<FakeReply> = happyReply;
  let seq = 0;

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req, i) => script(req, i));
    cfg = testConfig(fakeLlmEnv(fake.baseURL, { RESYN_LLM_TIMEOUT_MS: '10000', RESYN_SANDBOX_WORKERS: '1' }), 'resume');
    const reg = await openRegistry(cfg);
    try {
      const r = await importSeedEnvironments(reg, sharedPool(cfg.sandbox), listSeedEnvironments().slice(0, 3));
      assert.equal(r.failed.length, 0, JSON.stringify(r.failed));
    } finally {
      await reg.close();
    }
    worker = await startWorker(cfg);
  });
  after(async () => {
    await worker?.stop();
    await fake?.close();
    await client?.connection.close();
  });
  beforeEach(() => {
    script = happyReply;
  });

  const generateCalls = (keyword: string) => fake.calls.filter((c) => stepOf(c) === 'generate' && keywordOf(c) === keyword).length;
  const ended = (h: WorkflowHandle) =>
    h.result().then(
      () => assert.fail('the run should not complete'),
      () => undefined,
    );

  /** Resumes through the CLI's functions; returns the resume workflow's result. */
  async function resume(workflowId: string, oldRunId: string): Promise<ResumeResult> {
    const s = await startResume(client, cfg, workflowId);
    assert.deepEqual({ workflowId: s.resumedFrom.workflowId, runId: s.resumedFrom.runId }, { workflowId, runId: oldRunId });
    const p = await waitForNewRun(client, s.resumeWorkflowId);
    assert.equal(p.workflowId, workflowId, 'the new run keeps the workflow id (so child ids / shards match)');
    assert.notEqual(p.runId, oldRunId);
    const d = await client.workflow.getHandle(workflowId, p.runId!).describe();
    assert.deepEqual((d.memo as any).resumedFrom, { workflowId, runId: oldRunId, status: s.resumedFrom.status }, 'memo links the old run');
    assert.equal(d.parentExecution?.workflowId, s.resumeWorkflowId, 'the resume workflow is the parent in the UI');
    const result = (await client.workflow.getHandle(s.resumeWorkflowId).result()) as ResumeResult;
    await maybeSaveHistory(client.workflow.getHandle(s.resumeWorkflowId), `resumeRun-${s.type}`);
    return result;
  }

  async function growRuns(workflowId: string) {
    const reg = await openRegistry(cfg);
    try {
      return await reg.synthesisRuns({ parentWorkflowId: workflowId });
    } finally {
      await reg.close();
    }
  }

  it('growLibrary that FAILED (a non-retryable LLM error) resumes: finished keywords are not redone, the failed one is done', async () => {
    let broken = true;
    script = (req) =>
      broken && keywordOf(req) === 'rs fail zeta'
        ? { status: 400, body: JSON.stringify({ error: { message: 'bad request (scripted)' } }) }
        : happyReply(req);
    const id = `grow-resume-fail-${process.pid}-${++seq}`;
    const h = await client.workflow.start('growLibrary', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: id,
      args: [{ keywords: ['rs fail alpha', 'rs fail zeta', 'rs fail beta'], concurrency: 1, maxConsecutiveFailures: 1, ...FAST_GROW }],
    });
    const err = await h.result().then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof WorkflowFailedError, `the run failed: ${String(err)}`);
    const old = await h.describe();
    assert.equal(old.status.name, 'FAILED');
    assert.deepEqual(
      (await growRuns(id)).map((r) => r.keyword).sort(),
      ['rs fail alpha'],
      'alpha finished before zeta failed the run; beta never started',
    );

    broken = false;
    const r = await resume(id, old.runId);
    const progress = r.result as GrowProgress;
    assert.equal(progress.status, 'completed');
    const runs = await growRuns(id);
    assert.deepEqual(
      runs.map((x) => `${x.keyword}:${x.outcome}`).sort(),
      ['rs fail alpha:accepted', 'rs fail beta:accepted', 'rs fail zeta:accepted'],
      'nothing lost',
    );
    assert.equal(generateCalls('rs fail alpha'), 1, 'a finished environment is not generated again');
    assert.ok(r.report && fs.readFileSync(r.report, 'utf8').includes('rs fail zeta'), 'the run report is written');

    await assert.rejects(
      startResume(client, cfg, id),
      (e: unknown) => e instanceof CliError && /completed: nothing to resume/.test(e.message),
      'a completed run is refused',
    );
  });

  for (const how of ['cancel', 'terminate'] as const) {
    it(`growLibrary that was ${how === 'cancel' ? 'CANCELLED' : 'TERMINATED'} mid-run resumes without redoing accepted environments`, async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const slow = `rs ${how} slow`;
      script = async (req) => {
        if (keywordOf(req) === slow && stepOf(req) === 'generate') await gate;
        return happyReply(req);
      };
      const id = `grow-resume-${how}-${process.pid}-${++seq}`;
      const h = await client.workflow.start('growLibrary', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: id,
        args: [{ keywords: [`rs ${how} one`, `rs ${how} two`, slow], concurrency: 3, ...FAST_GROW }],
      });
      await waitFor('two environments accepted', async () => ((await h.query('progress')) as GrowProgress).accepted === 2);
      await assert.rejects(
        startResume(client, cfg, id),
        (e: unknown) => e instanceof CliError && /still running/.test(e.message),
        'a running run is refused',
      );
      if (how === 'cancel') await h.cancel();
      else await h.terminate('test: terminated mid-run');
      await ended(h);
      const old = await h.describe();
      assert.equal(old.status.name, how === 'cancel' ? 'CANCELLED' : 'TERMINATED');
      release();
      script = happyReply;

      const r = await resume(id, old.runId);
      assert.equal((r.result as GrowProgress).status, 'completed');
      const accepted = (await growRuns(id))
        .filter((x) => x.outcome === 'accepted')
        .map((x) => x.keyword)
        .sort();
      assert.deepEqual(accepted, [`rs ${how} one`, slow, `rs ${how} two`].sort(), 'every keyword accepted once');
      assert.equal(generateCalls(`rs ${how} one`), 1, 'accepted environments are not generated again');
      assert.equal(generateCalls(`rs ${how} two`), 1);
    });
  }

  it('growLibrary terminated half-way through one keyword resumes its unfinished proposals without asking for new ones', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    script = async (req) => {
      if (stepOf(req) === 'generate' && taskNameOf(req) === 'rs-partial-task-2') await gate;
      return happyReply(req);
    };
    const id = `grow-resume-partial-${process.pid}-${++seq}`;
    const h = await client.workflow.start('growLibrary', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: id,
      args: [{ keywords: ['rs partial', 'rs partial later'], concurrency: 1, ...FAST_GROW, proposalsPerKeyword: 3 }],
    });
    await waitFor('two of three proposals accepted', async () => ((await h.query('progress')) as GrowProgress).accepted === 2);
    await h.terminate('test: terminated half-way through a keyword');
    const old = await h.describe();
    release();
    script = happyReply;
    const r = await resume(id, old.runId);
    const p = r.result as GrowProgress;
    assert.equal(p.status, 'completed');
    assert.equal(p.accepted, 6, "the progress counts the old run's accepted environments too");
    const runs = await growRuns(id);
    assert.deepEqual(
      runs.filter((x) => x.keyword === 'rs partial' && x.outcome === 'accepted').length,
      3,
      'the third proposal is not lost',
    );
    assert.equal(runs.filter((x) => x.keyword === 'rs partial later').length, 3);
    assert.equal(
      fake.calls.filter((c) => stepOf(c) === 'propose' && keywordOf(c) === 'rs partial').length,
      1,
      'proposals are not asked for again',
    );
    for (const t of ['rs-partial-task-0', 'rs-partial-task-1'])
      assert.equal(fake.calls.filter((c) => stepOf(c) === 'generate' && taskNameOf(c) === t).length, 1, `${t} not generated again`);
  });

  /** Marker files of finished shards -> mtime (a rewritten shard gets a new one). */
  const markers = (dir: string) =>
    new Map(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.done.json'))
        .map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]),
    );
  const rowsIn = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(dir, f), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l).id as string),
      );

  for (const how of ['terminate', 'cancel'] as const) {
    it(`sampleTrainingData that was ${how === 'cancel' ? 'CANCELLED' : 'TERMINATED'} mid-run resumes: finished shards are kept, every row is written once`, async () => {
      const name = `resume-${how}-${process.pid}-${++seq}`;
      const req: SampleRequest = {
        name,
        instancesPerEnv: 400,
        difficulties: [1, 2, 3],
        split: { validationFraction: 0.25 },
        shardSize: 50,
        formats: ['jsonl'],
        concurrency: 1,
      };
      const h = await client.workflow.start('sampleTrainingData', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `sample-${name}`,
        args: [req],
      });
      await waitFor('a shard written', async () => ((await h.query('progress')) as SampleProgress).shardsDone >= 1, 60_000, 20);
      if (how === 'cancel') await h.cancel();
      else await h.terminate('test: terminated mid-run');
      await ended(h);
      const old = await h.describe();
      assert.equal(old.status.name, how === 'cancel' ? 'CANCELLED' : 'TERMINATED');
      const dir = path.join(dataPaths(cfg).datasets, name);
      const before = markers(dir);
      assert.ok(before.size >= 1, 'some shards were finished before the run ended');

      const r = await resume(`sample-${name}`, old.runId);
      const out = r.result as SampleOutcome;
      assert.equal(out.rows, out.environments * 400 - out.dropped);
      const after = markers(dir);
      for (const [f, t] of before) assert.equal(after.get(f), t, `shard ${f} finished before was not rewritten`);
      const ids = rowsIn(dir);
      assert.equal(ids.length, out.rows, 'every row once');
      assert.equal(new Set(ids).size, ids.length, 'no row twice');
      assert.ok(fs.existsSync(out.manifestPath));
    });
  }

  it('refuses a run that does not exist and a workflow type it does not handle', async () => {
    await assert.rejects(
      startResume(client, cfg, `no-such-run-${Date.now()}`),
      (e: unknown) => e instanceof CliError && /no run with workflow id/.test(e.message),
    );
    const h = await client.workflow.start('resumeRun', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: `resume-bad-${process.pid}-${++seq}`,
      args: [{ workflowId: 'x', bogus: true }],
    });
    await h.result().catch(() => undefined);
    await assert.rejects(
      startResume(client, cfg, h.workflowId),
      (e: unknown) => e instanceof CliError && /resume restarts only growLibrary or sampleTrainingData/.test(e.message),
    );
  });
});
