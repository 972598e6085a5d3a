/**
 * synthesizeEnvironment on the real Temporal server, real sandbox and real SQLite registry, with
 * the real `openai` client talking to the scripted LLM on loopback.
 */
import * as assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { ResynConfig } from '../temporal.config';
import { openRegistry } from '../registry/open';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from './support/fake-llm';
import { cosmeticVariant, fakeLlmEnv, fence, happyReply, stepOf, taskNameOf, tinyEnv, verdict } from './support/fake-synthesis';
import { maybeSaveHistory } from './support/histories';
import { startWorker, testClient, testConfig, type RunningWorker } from './support/temporal';

describe('synthesizeEnvironment (real Temporal, sandbox, registry; scripted LLM)', function () {
  this.timeout(120_000);
  let client: Client;
  let fake: FakeLlm;
  let script: (req: FakeRequest, i: number) => FakeReply | Promise<FakeReply> = happyReply;
  let cfg: ResynConfig;
  let worker: RunningWorker;
  let seq = 0;

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req, i) => script(req, i));
    cfg = testConfig(fakeLlmEnv(fake.baseURL, { RESYN_LLM_TIMEOUT_MS: '1500' }), 'synth');
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

  // Short retry backoff: the faults test retries six times.
  const run = async (args: Record<string, unknown>, record?: string) => {
    const h = await client.workflow.start('synthesizeEnvironment', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: `synth-test-${process.pid}-${++seq}`,
      args: [{ retry: { initialIntervalMs: 200, backoffCoefficient: 1.5 }, ...args }],
    });
    const res = await h.result();
    if (record) await maybeSaveHistory(h, record);
    return res as any;
  };
  const registry = () => openRegistry(cfg);

  it('a first draft that fails an automatic check is fixed on revision and registered with 2 rounds', async () => {
    script = (req) => {
      const step = stepOf(req);
      if (step === 'generate') return fence(tinyEnv(taskNameOf(req), { broken: true }));
      return happyReply(req);
    };
    const res = await run(
      { keyword: 'modular sums', proposal: { name: 'modular-sum-a', description: 'sum mod m' }, maxRevisions: 1 },
      'synthesize-environment-revised',
    );
    assert.equal(res.outcome, 'accepted', res.reason);
    assert.equal(res.rounds, 2);
    const reviseCall = fake.calls.find((c) => stepOf(c) === 'revise' && taskNameOf(c) === 'modular-sum-a');
    assert.ok(reviseCall, 'the reviser was called');
    assert.match(reviseCall!.messages[1]!.content, /automaticChecks/, 'the reviser saw the check feedback');
    const reg = await registry();
    try {
      const env = (await reg.getEnvironment(res.envId))!;
      assert.equal(env.status, 'accepted');
      assert.equal(env.rounds, 2);
      assert.equal(env.keyword, 'modular sums');
      assert.equal(env.origin, 'synthesized');
      const rounds = await reg.roundsOf(env.runId!);
      assert.equal(rounds.length, 2);
      assert.equal(rounds[0]!.gates[0]!.gate, 'automaticChecks');
      assert.equal(rounds[0]!.gates[0]!.verdict, 'revise');
      assert.ok(rounds[0]!.feedback.length > 0);
      assert.equal(env.parentId, rounds[0]!.envId, 'lineage: parent is the first draft');
      assert.deepEqual(
        rounds[1]!.gates.map((g) => g.verdict),
        ['pass', 'pass', 'pass'],
      );
      assert.ok(env.scores['codeJudge.verifier_logic'] === 5);
      assert.ok((await reg.runSpend(env.runId!)).calls >= 4, 'token usage recorded per call');
    } finally {
      await reg.close();
    }
  });

  it('a draft the judge rejects on every round ends rejected with its full history', async () => {
    let judged = 0;
    script = (req) => {
      if (stepOf(req) === 'code-judge') {
        judged++;
        return verdict('reject', `verify compares strings with solve() (review ${judged})`);
      }
      return happyReply(req);
    };
    const res = await run({ keyword: 'judged harshly', proposal: { name: 'harsh-task', description: 'x' }, maxRevisions: 2 });
    assert.equal(res.outcome, 'rejected');
    assert.equal(res.rounds, 3);
    assert.equal(judged, 3);
    const reg = await registry();
    try {
      const run = (await reg.synthesisRunOf((await reg.getEnvironment(res.envId))!.runId!))!;
      assert.equal(run.outcome, 'rejected');
      const rounds = await reg.roundsOf(run.workflowId);
      assert.equal(rounds.length, 3);
      for (const [i, r] of rounds.entries()) {
        const cj = r.gates.find((g) => g.gate === 'codeJudge')!;
        assert.equal(cj.verdict, 'reject');
        assert.match(cj.feedback, new RegExp(`review ${i + 1}`));
        assert.ok(r.source?.includes('export default'));
      }
      assert.equal((await reg.getEnvironment(res.envId))!.status, 'rejected');
      assert.equal((await reg.listEnvironments({ status: 'accepted' })).filter((e) => e.keyword === 'judged harshly').length, 0);
    } finally {
      await reg.close();
    }
  });

  it('survives 429 with Retry-After, 500, timeouts, truncated/not-JSON/choice-less bodies and unreadable verdicts', async () => {
    const faults: FakeReply[] = [
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 500 },
      { delayMs: 3000, reply: 'too late' },
      { malformed: 'truncated' },
      { malformed: 'not-json' },
      { malformed: 'no-choices' },
    ];
    let gen = 0,
      judge = 0;
    script = (req) => {
      const step = stepOf(req);
      if (step === 'generate' && gen < faults.length) return faults[gen++]!;
      if (step === 'generate' && gen++ === faults.length) return 'Sure! I wrote it but forgot the code block.';
      if (step === 'code-judge' && judge++ === 0) return 'I think it is great, accept!';
      return happyReply(req);
    };
    const res = await run({ keyword: 'flaky endpoint', proposal: { name: 'flaky-task', description: 'x' }, maxRevisions: 1 });
    assert.equal(res.outcome, 'accepted', res.reason);
    assert.equal(gen, faults.length + 2, 'every fault was retried, a reply without code became feedback, round 2 wrote afresh');
    assert.equal(res.rounds, 2, 'the code-less reply used up round 1');
    assert.equal(judge, 2, 'an unreadable verdict was asked again');
  });

  it('a near-duplicate (renamed identifiers, comments, another name) is not registered twice', async () => {
    const original = tinyEnv('dup-original');
    script = (req) => {
      const step = stepOf(req);
      if (step === 'generate')
        return fence(taskNameOf(req) === 'dup-original' ? original : cosmeticVariant('dup-original', 'totally-new-task'));
      return happyReply(req);
    };
    const a = await run({ keyword: 'dup one', proposal: { name: 'dup-original', description: 'x' } });
    const b = await run({ keyword: 'dup two', proposal: { name: 'dup-copy', description: 'y' } });
    assert.equal(a.outcome, 'accepted');
    assert.equal(b.outcome, 'duplicate', b.reason);
    assert.notEqual(a.envId, b.envId, 'the copy differs byte-wise');
    const reg = await registry();
    try {
      assert.equal(await reg.getEnvironment(b.envId), undefined, 'the copy is not in the registry');
      assert.equal((await reg.listEnvironments({ status: 'accepted' })).filter((e) => e.keyword?.startsWith('dup ')).length, 1);
      const rec = (await reg.synthesisRunOf(`synth-test-${process.pid}-${seq}`))!;
      assert.equal(rec.outcome, 'duplicate');
      assert.match(rec.reason, /near-duplicate of dup-original/);
    } finally {
      await reg.close();
    }
  });

  it('an auth error fails fast, non-retryable, naming the role, the endpoint and the model', async () => {
    script = () => ({ status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided' } }) });
    await assert.rejects(run({ keyword: 'no key', proposal: { name: 'nokey', description: 'x' } }), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      const msg = String((err.cause as any)?.cause?.message ?? (err.cause as any)?.message);
      assert.match(msg, /generator/);
      assert.match(msg, new RegExp(fake.baseURL.replace(/[/.]/g, '\\$&')));
      assert.match(msg, /gpt-4o-mini/);
      assert.match(msg, /401/);
      return true;
    });
  });

  it('bad input fails fast with a non-retryable error naming the field', async () => {
    await assert.rejects(run({ keyword: '', maxRevisions: 99 }), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      const cause = err.cause as any;
      assert.equal(cause?.nonRetryable, true);
      assert.match(cause.message, /keyword/);
      assert.match(cause.message, /maxRevisions/);
      return true;
    });
    await assert.rejects(
      client.workflow.execute('growLibrary', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `grow-bad-${process.pid}-${++seq}`,
        args: [{ keywords: ['a'], concurrency: 0 }],
      }),
      (err: unknown) => {
        const cause = (err as any).cause;
        assert.equal(cause?.nonRetryable, true);
        assert.match(cause.message, /concurrency/);
        return true;
      },
    );
    await assert.rejects(
      client.workflow.execute('growLibrary', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `grow-bad-${process.pid}-${++seq}`,
        args: [{ keywords: ['a'], count: 3 }],
      }),
      (err: unknown) => {
        const cause = (err as any).cause;
        assert.equal(cause?.nonRetryable, true);
        assert.match(cause.message, /exactly one of keywords/);
        return true;
      },
    );
  });
});
