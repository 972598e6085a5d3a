/**
 * Honest outcomes of growLibrary on the real server (worker, registry, sandbox; scripted LLM): a dead
 * LLM endpoint or a gate typo fails the run in seconds naming the variable; a run that accepted
 * nothing because its jobs failed ends FAILED (not "completed"); a budget stop is its own outcome,
 * and `resyn resume RUN --budget-tokens N` continues it without redoing anything.
 */
import * as assert from 'node:assert/strict';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { startResume, waitForNewRun } from '../cli/commands/resume';
import { CliError } from '../cli/output';
import { rootFailure } from '../contracts/failures';
import type { GrowInput } from '../contracts/grow-input';
import type { GrowProgress } from '../contracts/grow-rules';
import { RESYN_STATUS } from '../lib/search-attributes';
import type { ResynConfig } from '../temporal.config';
import { freePort } from '../worker/dev-server';
import type { ResumeResult } from '../workflows/resume-run';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from './support/fake-llm';
import { maybeSaveHistory } from './support/histories';
import { FAST_GROW, fakeLlmEnv, happyReply, keywordOf, stepOf } from './support/fake-synthesis';
import { startWorker, testClient, testConfig, type RunningWorker } from './support/temporal';

process.env.RESYN_LOG_LEVEL ??= 'ERROR';

let seq = 0;
async function startGrow(client: Client, cfg: ResynConfig, input: GrowInput, name: string): Promise<WorkflowHandle> {
  return client.workflow.start('growLibrary', {
    taskQueue: cfg.temporal.taskQueue,
    workflowId: `${name}-${process.pid}-${Date.now().toString(36)}-${seq++}`,
    args: [input],
  });
}

/** The run's failure (type and message) and its ResynStatus, once it ended. */
async function failureOf(h: WorkflowHandle): Promise<{ type: string; message: string; resynStatus: unknown; status: string }> {
  const err = await h.result().then(
    () => assert.fail('the run should fail'),
    (e) => e,
  );
  assert.ok(err instanceof WorkflowFailedError, String(err));
  const root = rootFailure(err);
  assert.ok(root, 'a typed failure');
  const d = await h.describe();
  return { ...root, resynStatus: d.typedSearchAttributes.get(RESYN_STATUS), status: d.status.name };
}

describe('growLibrary outcomes say what happened', function () {
  this.timeout(120_000);
  let client: Client;
  let fake: FakeLlm;
  let cfg: ResynConfig;
  let worker: RunningWorker;
  let script: (req: FakeRequest, i: number) => FakeReply | Promise<FakeReply> = happyReply;

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req, i) => script(req, i));
    cfg = testConfig(fakeLlmEnv(fake.baseURL, { RESYN_SANDBOX_WORKERS: '1' }), 'outcomes');
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

  it('a dead LLM endpoint fails the run within a minute, naming the error and the variable', async () => {
    const closed = await freePort(); // nothing listens: connection refused
    const dead = testConfig(fakeLlmEnv(`http://127.0.0.1:${closed}/v1`), 'dead-llm');
    const w = await startWorker(dead);
    try {
      const t0 = Date.now();
      const h = await startGrow(client, dead, { keywords: ['dead one', 'dead two'], ...FAST_GROW }, 'grow-dead');
      const f = await failureOf(h);
      assert.ok(Date.now() - t0 < 60_000, `ended after ${Date.now() - t0} ms`);
      assert.equal(f.status, 'FAILED');
      assert.equal(f.type, 'LlmError.unreachable');
      assert.match(f.message, /LLM generator .*connection failed \(ECONNREFUSED\) in 3 attempts; check OPENAI_BASE_URL/);
      assert.equal(f.resynStatus, 'failed');
      const failed = (await h.fetchHistory()).events!.find((e) => e.workflowExecutionFailedEventAttributes);
      assert.match(failed!.workflowExecutionFailedEventAttributes!.failure!.message!, /^growLibrary preflight failed: /);
      await maybeSaveHistory(h, 'grow-library-preflight-failed');
    } finally {
      await w.stop();
    }
  });

  it('a gate name the worker does not register fails the run at start, naming the field and the value', async () => {
    const before = fake.calls.length;
    const h = await startGrow(client, cfg, { keywords: ['typo gate'], ...FAST_GROW, gates: ['automaticChecks', 'codeJudg'] }, 'grow-typo');
    const f = await failureOf(h);
    assert.equal(f.type, 'InvalidInput');
    assert.match(f.message, /gates\[1\] = "codeJudg": no activity of that name is registered on this worker/);
    assert.match(f.message, /Gates it registers: .*codeJudge/);
    assert.match(f.message, /Check RESYN_GATES/);
    assert.equal(f.resynStatus, 'failed');
    assert.equal(fake.calls.length, before, 'no LLM completion was paid for');
  });

  it('zero accepted because every job failed is FAILED (not completed), with the count and the last reason', async () => {
    script = () => ({ status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided' } }) });
    const h = await startGrow(
      client,
      cfg,
      { keywords: ['nothing one', 'nothing two'], ...FAST_GROW, maxConsecutiveFailures: 100 },
      'grow-nothing',
    );
    const f = await failureOf(h);
    assert.equal(f.type, 'GrowFailed');
    assert.match(
      f.message,
      /growLibrary accepted no environment: 2 job\(s\) failed \(rejected 0, duplicates 0\); last failure: nothing (one|two): /,
    );
    await maybeSaveHistory(h, 'grow-library-nothing-accepted');
    assert.match(f.message, /HTTP 401 Incorrect API key provided; check the API key \(OPENAI_API_KEY or RESYN_GENERATOR_API_KEY\)/);
    assert.equal(f.resynStatus, 'failed');
  });

  it('a budget stop is its own outcome, and resume with a larger budget finishes it without redoing anything', async () => {
    const keywords = ['budget sums a', 'budget sums b', 'budget sums c', 'budget sums d'];
    const h = await startGrow(client, cfg, { keywords, ...FAST_GROW, concurrency: 1, budget: { maxTokens: 2500 } }, 'grow-budget');
    const stopped = (await h.result()) as GrowProgress;
    assert.equal(stopped.status, 'budget-exhausted');
    assert.ok(stopped.done < keywords.length, JSON.stringify(stopped));
    const d = await h.describe();
    assert.equal(d.status.name, 'COMPLETED');
    assert.equal(d.typedSearchAttributes.get(RESYN_STATUS), 'budget-exhausted');

    await assert.rejects(
      () => startResume(client, cfg, h.workflowId),
      (e: unknown) => e instanceof CliError && /stopped at its budget: resume it with a larger one .*--budget-tokens N/.test(e.message),
    );
    await assert.rejects(
      async () => {
        const s = await startResume(client, cfg, h.workflowId, undefined, { maxTokens: 10 });
        await waitForNewRun(client, s.resumeWorkflowId);
      },
      (e: unknown) => e instanceof CliError && /already spent \d+ tokens .*must be larger/.test(e.message),
    );

    const s = await startResume(client, cfg, h.workflowId, undefined, { maxTokens: 10_000_000 });
    await waitForNewRun(client, s.resumeWorkflowId);
    const resumed = (await client.workflow.getHandle(s.resumeWorkflowId).result()) as ResumeResult;
    const final = resumed.result as GrowProgress;
    assert.equal(final.status, 'completed');
    assert.equal(final.done, keywords.length);
    assert.equal(final.accepted, keywords.length);
    assert.ok(final.tokens > stopped.tokens, 'the spend before the stop still counts');
    for (const k of keywords) {
      const generated = fake.calls.filter((c) => stepOf(c) === 'generate' && keywordOf(c) === k).length;
      assert.equal(generated, 1, `${k} written once`);
    }
    await maybeSaveHistory(client.workflow.getHandle(h.workflowId), 'grow-library-budget-resumed');
  });
});
