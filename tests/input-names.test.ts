/**
 * Every activity name in a workflow input is checked at start against what the worker registers
 * (real server, real worker with a team's own gate next to resyn's; scripted LLM): a typo'd gate
 * of a synthesizeEnvironment started directly (the UI, the CLI, a team's code) fails at once,
 * non-retryable, naming the field, the value and the gates the worker has, before any LLM call or
 * gate activity; a team's own registered gate runs.
 */
import * as assert from 'node:assert/strict';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Candidate, GateResult } from '../contracts/gates';
import { rootFailure } from '../contracts/failures';
import { RESYN_STATUS } from '../lib/search-attributes';
import type { ResynConfig } from '../temporal.config';
import { ReSynPlugin } from '../worker/plugin';
import { startFakeLlm, type FakeLlm } from './support/fake-llm';
import { fakeLlmEnv, happyReply } from './support/fake-synthesis';
import { maybeSaveHistory } from './support/histories';
import { testClient, testConfig, workflowBundle } from './support/temporal';

process.env.RESYN_LOG_LEVEL ??= 'ERROR';

describe('workflow input names are checked against the worker at start', function () {
  this.timeout(120_000);
  let client: Client;
  let fake: FakeLlm;
  let cfg: ResynConfig;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const audited: string[] = [];
  let seq = 0;

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm(happyReply);
    cfg = testConfig(fakeLlmEnv(fake.baseURL), 'names');
    connection = await NativeConnection.connect({ address: cfg.temporal.address! });
    // A team's worker: its own gate activity next to resyn's plugin.
    worker = await Worker.create({
      connection,
      taskQueue: cfg.temporal.taskQueue,
      activities: {
        async licenseAudit(c: Candidate): Promise<GateResult> {
          audited.push(c.keyword);
          return { gate: 'licenseAudit', verdict: 'pass', feedback: '' };
        },
      },
      plugins: [new ReSynPlugin({ config: cfg, workflowBundle: await workflowBundle() })],
    });
    running = worker.run();
  });
  after(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    await fake?.close();
    await client?.connection.close();
  });

  const start = (input: Record<string, unknown>): Promise<WorkflowHandle> =>
    client.workflow.start('synthesizeEnvironment', {
      taskQueue: cfg.temporal.taskQueue,
      workflowId: `names-test-${process.pid}-${Date.now().toString(36)}-${seq++}`,
      args: [{ retry: { initialIntervalMs: 200, backoffCoefficient: 1.5 }, ...input }],
    });

  it('a typo in gates fails a directly started synthesizeEnvironment at once, naming the bad and the valid names', async () => {
    const calls = fake.calls.length;
    const h = await start({ keyword: 'typo gate direct', gates: ['automaticChecks', 'codeJudg'] });
    const err = await h.result().then(
      () => assert.fail('the run should fail'),
      (e) => e,
    );
    assert.ok(err instanceof WorkflowFailedError, String(err));
    const root = rootFailure(err);
    assert.equal(root?.type, 'InvalidInput');
    assert.match(
      err.cause!.message,
      /^invalid synthesizeEnvironment input: gates\[1\] = "codeJudg": no activity of that name is registered/,
    );
    assert.equal((err.cause as { nonRetryable?: boolean }).nonRetryable, true);
    // The valid ones: resyn's gates and the team's own, not resyn's other activities.
    const listed = /Gates it registers: ([^.]*)\./.exec(err.cause!.message)?.[1]?.split(', ');
    assert.deepEqual(listed, ['automaticChecks', 'codeJudge', 'difficultyCalibration', 'licenseAudit', 'questionJudge', 'redTeam']);
    assert.match(err.cause!.message, /Check RESYN_GATES or the input's "gates"/);
    assert.equal(fake.calls.length, calls, 'no LLM call was made');
    const events = (await h.fetchHistory()).events ?? [];
    assert.ok(!events.some((e) => e.activityTaskScheduledEventAttributes), 'no activity was scheduled (nothing retried)');
    const d = await h.describe();
    assert.equal(d.status.name, 'FAILED');
    assert.equal(d.typedSearchAttributes.get(RESYN_STATUS), 'failed');
    await maybeSaveHistory(h, 'synthesize-environment-check-names');
  });

  it('a typo in localGates or blockingGates is named with its field too', async () => {
    const h = await start({ keyword: 'typo local', gates: ['automaticChecks'], localGates: ['automaticCheck'], blockingGates: ['x'] });
    const err = await h.result().catch((e) => e);
    assert.ok(err instanceof WorkflowFailedError, String(err));
    assert.match(err.cause!.message, /localGates\[0\] = "automaticCheck": no activity/);
    assert.match(err.cause!.message, /blockingGates\[0\] = "x": no activity/);
    assert.match(err.cause!.message, /the input's "gates", "blockingGates", "localGates"/);
  });

  it("a team's own registered gate passes the check and runs", async () => {
    const h = await start({ keyword: 'audited sums', gates: ['automaticChecks', 'licenseAudit'], maxRevisions: 0 });
    const r = (await h.result()) as { outcome: string };
    assert.equal(r.outcome, 'accepted');
    assert.deepEqual(audited, ['audited sums']);
  });
});
