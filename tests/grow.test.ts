/**
 * growLibrary on the real Temporal server against the scripted LLM: fan-out, progress, controls,
 * budget, continue-as-new, and a worker process SIGKILLed mid-run.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../lib/paths';
import type { Client } from '@temporalio/client';
import type { ResynConfig } from '../temporal.config';
import { openRegistry } from '../registry/open';
import type { GrowProgress } from '../contracts/grow-rules';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from './support/fake-llm';
import { fakeLlmEnv, FAST_GROW, happyReply } from './support/fake-synthesis';
import { synthesisChildId } from '../contracts/child-ids';
import { maybeSaveHistory, recordingWorkflowId } from './support/histories';
import { killProcess, spawnWorkerProcess, startWorker, testClient, testConfig, waitFor, type RunningWorker } from './support/temporal';

const execFileAsync = promisify(execFile);

describe('growLibrary (real Temporal, sandbox, registry; scripted LLM)', function () {
  this.timeout(180_000);
  let client: Client;
  let fake: FakeLlm;
  let script: (req: FakeRequest, i: number) => FakeReply | Promise<FakeReply> = happyReply;
  let seq = 0;

  before(async () => {
    client = await testClient();
    fake = await startFakeLlm((req, i) => script(req, i));
  });
  after(async () => {
    await fake?.close();
    await client?.connection.close();
  });
  beforeEach(() => {
    script = happyReply;
  });

  const llmEnv = () => fakeLlmEnv(fake.baseURL, { RESYN_LLM_TIMEOUT_MS: '5000' });
  // A run whose history is recorded gets the history's name as its id: replay derives child ids from it.
  const start = (cfg: ResynConfig, input: Record<string, unknown>, record?: string) =>
    client.workflow.start('growLibrary', {
      taskQueue: cfg.temporal.taskQueue,
      args: [input],
      workflowId: (record && recordingWorkflowId(record)) ?? `grow-test-${process.pid}-${++seq}`,
    });
  const progress = (h: { query: (q: string) => Promise<unknown> }) => h.query('progress') as Promise<GrowProgress>;

  describe('with an in-process worker', () => {
    let cfg: ResynConfig;
    let worker: RunningWorker;
    before(async () => {
      cfg = testConfig(llmEnv(), 'grow');
      worker = await startWorker(cfg);
    });
    after(async () => {
      await worker?.stop();
    });

    it('fans out one child per proposal, reports progress and registers every accepted environment', async () => {
      const h = await start(
        cfg,
        { keywords: ['alpha sums', 'beta sums', 'gamma sums'], concurrency: 4, ...FAST_GROW, proposalsPerKeyword: 2 },
        'grow-library',
      );
      const final = (await h.result()) as GrowProgress;
      assert.equal(final.status, 'completed');
      assert.equal(final.done, 3);
      assert.equal(final.accepted, 6);
      assert.equal(final.inFlight, 0);
      assert.equal(final.pending, 0);
      assert.ok(final.tokens > 0);
      assert.deepEqual(await progress(h), final, 'the query answers after completion too');
      await maybeSaveHistory(h, 'grow-library');
      const reg = await openRegistry(cfg);
      try {
        const runs = await reg.synthesisRuns({ parentWorkflowId: h.workflowId });
        assert.equal(runs.length, 6);
        // Children run under the deterministic ids resume relies on: one per (keyword, proposal index).
        const expected = ['alpha sums', 'beta sums', 'gamma sums'].flatMap((kw) =>
          [0, 1].map((i) => synthesisChildId(h.workflowId, kw, i)),
        );
        assert.deepEqual(runs.map((r) => r.workflowId).sort(), expected.sort());
        assert.equal((await reg.listEnvironments({ status: 'accepted' })).filter((e) => e.keyword?.endsWith(' sums')).length, 6);
      } finally {
        await reg.close();
      }
      const desc = await h.describe();
      assert.equal(desc.typedSearchAttributes.get({ name: 'ResynRunKind', type: 'KEYWORD' } as any), 'grow');
    });

    it('`resyn grow --wait --json` runs a growLibrary and `resyn env list/show --json` read the registry', async () => {
      const env = {
        ...process.env,
        ...llmEnv(),
        RESYN_DATA_DIR: cfg.dataDir,
        TEMPORAL_ADDRESS: cfg.temporal.address!,
        RESYN_TASK_QUEUE: cfg.temporal.taskQueue,
        RESYN_GATES: 'automaticChecks,codeJudge',
        RESYN_METRICS_PORT: '0',
      };
      const cli = (...args: string[]) => execFileAsync(process.execPath, [path.join(projectRoot, 'dist/cli/main.js'), ...args], { env });
      const { stdout, stderr } = await cli(
        'grow',
        '--keywords',
        'cli kw one,cli kw two',
        '--proposals',
        '1',
        '--max-revisions',
        '0',
        '--wait',
        '--json',
      );
      const final = JSON.parse(stdout);
      assert.equal(final.status, 'completed', stderr);
      assert.equal(final.accepted, 2);
      assert.match(final.workflowId, /^grow-/);
      assert.match(stderr, /keywords 2\/2/);
      const list = JSON.parse((await cli('env', 'list', '--json', '--status', 'accepted')).stdout) as any[];
      const mine = list.filter((e) => e.keyword?.startsWith('cli kw'));
      assert.equal(mine.length, 2);
      for (const k of ['id', 'name', 'keyword', 'status', 'rounds']) assert.ok(k in mine[0], k);
      const shown = JSON.parse((await cli('env', 'show', mine[0].name, '--json')).stdout);
      assert.equal(shown.environment.id, mine[0].id);
      assert.equal(shown.rounds.length, 1);
      assert.equal(shown.synthesis.outcome, 'accepted');
    });

    it('pauses, resumes and cancels cleanly (no new children, in-flight ones finish)', async () => {
      let release!: () => void;
      let gate = new Promise<void>((r) => {
        release = r;
      });
      script = async (req) => {
        await gate;
        return happyReply(req);
      };
      const h = await start(
        cfg,
        { keywords: Array.from({ length: 8 }, (_, i) => `paused kw ${i}`), concurrency: 2, ...FAST_GROW },
        'grow-library-paused-cancelled',
      );
      await waitFor('two jobs in flight', async () => (await progress(h)).inFlight === 2);
      const paused = (await h.executeUpdate('control', { args: ['pause'] })) as GrowProgress;
      assert.equal(paused.paused, true);
      release();
      await waitFor('in-flight work drained while paused', async () => (await progress(h)).inFlight === 0);
      const p = await progress(h);
      assert.equal(p.status, 'paused');
      assert.ok(p.pending > 0);
      const before = fake.calls.length;
      gate = new Promise<void>((r) => {
        release = r;
      });
      await h.signal('resume');
      await waitFor('work resumed', async () => fake.calls.length > before);
      await h.signal('cancel');
      release();
      const final = (await h.result()) as GrowProgress;
      assert.equal(final.status, 'cancelled');
      assert.equal(final.inFlight, 0);
      assert.ok(final.done < 8 && final.pending > 0, JSON.stringify(final));
      await maybeSaveHistory(h, 'grow-library-paused-cancelled');
    });

    it('stops cleanly when the token budget is spent', async () => {
      const h = await start(
        cfg,
        {
          keywords: Array.from({ length: 10 }, (_, i) => `budget kw ${i}`),
          concurrency: 1,
          ...FAST_GROW,
          budget: { maxTokens: 6000 },
        },
        'grow-library-budget',
      );
      const final = (await h.result()) as GrowProgress;
      assert.equal(final.status, 'budget-exhausted');
      assert.ok(final.done >= 1 && final.done < 10, JSON.stringify(final));
      assert.ok(final.tokens >= 6000);
      assert.equal(final.inFlight, 0);
      await maybeSaveHistory(h, 'grow-library-budget');
    });

    it('continues as new before the history limit, carrying its state', async () => {
      const h = await start(
        cfg,
        { keywords: Array.from({ length: 6 }, (_, i) => `can kw ${i}`), concurrency: 2, ...FAST_GROW, historyLimit: 30 },
        'grow-library-continued',
      );
      const final = (await h.result()) as GrowProgress;
      assert.equal(final.status, 'completed');
      assert.equal(final.done, 6);
      assert.equal(final.accepted, 6);
      assert.ok(final.continuedAsNew >= 1, JSON.stringify(final));
      await maybeSaveHistory(h, 'grow-library-continued');
    });

    it('stops as failed after consecutive failures (a bad API key) instead of burning through the keywords', async () => {
      script = () => ({ status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key' } }) });
      const h = await start(
        cfg,
        {
          keywords: Array.from({ length: 10 }, (_, i) => `badkey kw ${i}`),
          concurrency: 1,
          ...FAST_GROW,
          maxConsecutiveFailures: 3,
        },
        'grow-library-failures',
      );
      await assert.rejects(h.result(), (err: any) => {
        assert.match(String(err.cause?.message), /3 failures in a row.*401/);
        return true;
      });
      const p = await progress(h);
      assert.equal(p.status, 'failed');
      assert.equal(p.failed, 3);
      assert.equal(p.pending, 7);
      await maybeSaveHistory(h, 'grow-library-failures');
    });

    it('draws untried seed keywords for --count, and stops at the target', async () => {
      const h = await start(cfg, { count: 3, target: 2, concurrency: 1, ...FAST_GROW }, 'grow-library-target');
      const final = (await h.result()) as GrowProgress;
      assert.equal(final.status, 'target-reached');
      assert.equal(final.accepted, 2);
      await maybeSaveHistory(h, 'grow-library-target');
      const h2 = await start(cfg, { count: 2, concurrency: 2, ...FAST_GROW });
      const again = (await h2.result()) as GrowProgress;
      assert.equal(again.accepted, 2);
      const reg = await openRegistry(cfg);
      try {
        const first = (await reg.synthesisRuns({ parentWorkflowId: h.workflowId })).map((r) => r.keyword);
        const second = (await reg.synthesisRuns({ parentWorkflowId: h2.workflowId })).map((r) => r.keyword);
        assert.equal(first.length, 2);
        assert.equal(second.length, 2);
        assert.equal(new Set([...first, ...second]).size, 4, 'the second run drew keywords the first had not tried');
      } finally {
        await reg.close();
      }
    });
  });

  it('a worker process SIGKILLed mid-run of 20 keywords is restarted; every keyword is done exactly once', async () => {
    const cfg = testConfig(llmEnv(), 'growkill');
    script = async (req) => {
      await new Promise((r) => setTimeout(r, 100));
      return happyReply(req);
    };
    let w = spawnWorkerProcess(cfg, llmEnv());
    try {
      const keywords = Array.from({ length: 20 }, (_, i) => `killed kw ${i}`);
      const h = await start(cfg, { keywords, concurrency: 4, ...FAST_GROW });
      await waitFor(
        'some keywords done',
        async () => {
          const p = await progress(h).catch(() => undefined);
          return p && p.done >= 4;
        },
        120_000,
        200,
      );
      await killProcess(w, 'SIGKILL');
      w = spawnWorkerProcess(cfg, llmEnv());
      const final = (await h.result()) as GrowProgress;
      assert.equal(final.status, 'completed');
      assert.equal(final.done, 20);
      assert.equal(final.accepted, 20, JSON.stringify(final));
      const reg = await openRegistry(cfg);
      try {
        const runs = await reg.synthesisRuns({ parentWorkflowId: h.workflowId });
        assert.equal(runs.length, 20);
        assert.deepEqual([...new Set(runs.map((r) => r.keyword))].sort(), [...keywords].sort());
        const envs = (await reg.listEnvironments()).filter((e) => e.keyword?.startsWith('killed kw'));
        assert.equal(envs.length, 20, 'no duplicate registry rows');
        assert.equal(new Set(envs.map((e) => e.name)).size, 20);
      } finally {
        await reg.close();
      }
      const desc = await h.describe();
      assert.equal(desc.status.name, 'COMPLETED');
    } finally {
      await killProcess(w, 'SIGKILL');
    }
  });
});
