/**
 * Per-stage accounting and the stage funnel on the real stack (Temporal, sandbox, SQLite registry,
 * the scripted LLM over HTTP): the tokens and calls the registry keeps per stage equal what the
 * scripted server itself delivered, also when a worker process is SIGKILLed while a judge call is
 * in flight; the funnel counts what a scripted run with known rejections did; `resyn status RUN
 * --json` shows both; the worker's own metrics endpoint has the same numbers.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import type { GrowProgress } from '../contracts/grow-rules';
import { projectRoot } from '../lib/paths';
import { openRegistry } from '../registry/open';
import type { StageUsage } from '../registry/registry';
import type { ResynConfig } from '../temporal.config';
import { freePort } from '../worker/dev-server';
import { startFakeLlm, type FakeBilled, type FakeLlm, type FakeReply, type FakeRequest } from './support/fake-llm';
import { accept, fakeLlmEnv, fence, happyReply, keywordOf, stepOf, taskNameOf, tinyEnv, verdict } from './support/fake-synthesis';
import { killProcess, spawnWorkerProcess, startWorker, testClient, testConfig, waitFor } from './support/temporal';

const execFileAsync = promisify(execFile);
const GATES = ['automaticChecks', 'codeJudge', 'questionJudge', 'redTeam'];

/** What the scripted server delivered, per stage (its prompt marker names the step; 'generate' is the write stage). */
function billedByStage(billed: FakeBilled[]): Map<string, { calls: number; promptTokens: number; completionTokens: number }> {
  const out = new Map<string, { calls: number; promptTokens: number; completionTokens: number }>();
  for (const b of billed) {
    const step = stepOf(b.request);
    const stage = step === 'generate' ? 'write' : step;
    const s = out.get(stage) ?? { calls: 0, promptTokens: 0, completionTokens: 0 };
    s.calls++;
    s.promptTokens += b.promptTokens;
    s.completionTokens += b.completionTokens;
    out.set(stage, s);
  }
  return out;
}

function assertTokensMatch(stages: StageUsage[], billed: FakeBilled[]): void {
  const want = [...billedByStage(billed).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const got = stages
    .filter((s) => s.calls > 0)
    .map((s) => [s.stage, { calls: s.calls, promptTokens: s.promptTokens, completionTokens: s.completionTokens }] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  assert.deepEqual(got, want);
}

describe('per-stage accounting and the stage funnel (real Temporal, scripted LLM)', function () {
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

  const llmEnv = () => fakeLlmEnv(fake.baseURL, { RESYN_LLM_TIMEOUT_MS: '20000' });
  /** `resyn ARGS` on this test's data folder and task queue, its JSON output parsed. */
  const cliJson = async (cfg: ResynConfig, ...args: string[]) => {
    const env = {
      ...process.env,
      ...llmEnv(),
      RESYN_DATA_DIR: cfg.dataDir,
      TEMPORAL_ADDRESS: cfg.temporal.address!,
      RESYN_TASK_QUEUE: cfg.temporal.taskQueue,
      RESYN_METRICS_PORT: '0',
    };
    const { stdout } = await execFileAsync(process.execPath, [path.join(projectRoot, 'dist/cli/main.js'), ...args], { env });
    return JSON.parse(stdout);
  };
  const start = (cfg: ResynConfig, input: Record<string, unknown>) =>
    client.workflow.start('growLibrary', {
      taskQueue: cfg.temporal.taskQueue,
      args: [input],
      workflowId: `stages-test-${process.pid}-${++seq}`,
    });

  it('counts each stage as the LLM billed it and funnels a run with known rejections; status --json shows both', async () => {
    const cfg = testConfig(llmEnv(), 'stages');
    const asked = new Map<string, number>();
    const nth = (key: string) => {
      const n = (asked.get(key) ?? 0) + 1;
      asked.set(key, n);
      return n;
    };
    script = (req) => {
      const step = stepOf(req);
      const kw = keywordOf(req);
      // beta: the first draft's solve() is wrong (the checks send it back); the revision is right.
      if (kw === 'stage beta' && step === 'generate') return fence(tinyEnv(taskNameOf(req), { broken: true }));
      // gamma: the code judge asks for a revision every time (two lines: reasons are kept whole).
      if (kw === 'stage gamma' && step === 'code-judge')
        return verdict('revise', 'GAMMA-CODE: the verifier is too lenient\nsecond line: compare exact integers');
      // delta: the question judge rejects the first draft, accepts the revision.
      if (kw === 'stage delta' && step === 'question-judge' && nth('delta-q') === 1)
        return verdict('reject', 'DELTA-Q: the question omits the modulus\nsee line two');
      // alpha: the code judge's first reply is unreadable (asked again inside the same activity: both billed).
      if (kw === 'stage alpha' && step === 'code-judge' && nth('alpha-code') === 1) return 'It looks fine to me.';
      if (step === 'code-judge' || step === 'question-judge') return accept();
      return happyReply(req);
    };
    const billedBefore = fake.billed.length;
    const w = await startWorker(cfg);
    let h;
    try {
      h = await start(cfg, {
        keywords: ['stage alpha', 'stage beta', 'stage gamma', 'stage delta'],
        proposalsPerKeyword: 1,
        gates: GATES,
        maxRevisions: 1,
        concurrency: 4,
      });
      const final = (await h.result()) as GrowProgress;
      assert.equal(final.accepted, 3, JSON.stringify(final));
      assert.equal(final.rejected, 1);
    } finally {
      await w.stop();
    }
    const billed = fake.billed.slice(billedBefore);
    const reg = await openRegistry(cfg);
    const stages = await reg.stageUsage(h.workflowId);
    assertTokensMatch(stages, billed);
    assert.equal(billedByStage(billed).get('code-judge')?.calls, 7, 'alpha 2 (one unreadable), beta 1, gamma 2, delta 2');

    // Per environment: each synthesis run's stages add up to what was billed for its keyword.
    const perEnv = await reg.stageUsageByWorkflow(h.workflowId);
    for (const run of await reg.synthesisRuns({ parentWorkflowId: h.workflowId })) {
      const mine = perEnv.filter((u) => u.workflowId === run.workflowId);
      assertTokensMatch(
        mine,
        billed.filter((b) => keywordOf(b.request) === run.keyword && stepOf(b.request) !== 'propose'),
      );
    }

    // One environment's own accounting, as `resyn env show --json` gives it: alpha's code judge was asked twice.
    const alpha = (await reg.listEnvironments({ status: 'accepted' })).find((e) => e.keyword === 'stage alpha')!;
    const shown = await cliJson(cfg, 'env', 'show', alpha.name, '--json');
    assert.deepEqual(
      shown.stages.map((u: StageUsage) => [u.stage, u.calls, u.executions]),
      [
        ['write', 1, 1],
        ['checks', 0, 1],
        ['code-judge', 2, 1],
        ['question-judge', 1, 1],
        ['red-team', 1, 1],
      ],
    );

    // Wall time: one execution per round a gate ran (no retries here), each timed. A judge's "revise" does not end the
    // round (only a reject or a blocking gate does): gamma's drafts still meet the question judge and the red team.
    const exec = Object.fromEntries(stages.map((s) => [s.stage, s.executions]));
    assert.deepEqual(
      {
        propose: exec.propose,
        write: exec.write,
        checks: exec.checks,
        codeJudge: exec['code-judge'],
        questionJudge: exec['question-judge'],
        redTeam: exec['red-team'],
        revise: exec.revise,
      },
      { propose: 4, write: 4, checks: 7, codeJudge: 6, questionJudge: 6, redTeam: 5, revise: 3 },
    );
    for (const s of stages.filter((x) => x.executions > 0)) assert.ok(s.wallMs > 0, `${s.stage} has wall time`);

    // The funnel, through `resyn status RUN --json` (the report inside it) as a user reads it.
    const status = await cliJson(cfg, 'status', h.workflowId, '--json');
    const funnel = Object.fromEntries(
      (status.report.funnel as { stage: string; ran: number; passed: number; proposals: number }[]).map((f) => [
        f.stage,
        [f.ran, f.passed, f.proposals],
      ]),
    );
    assert.deepEqual(funnel, {
      proposed: [4, 4, 4],
      write: [7, 7, 4],
      checks: [7, 6, 4],
      'code-judge': [6, 4, 3],
      'question-judge': [6, 5, 4],
      'red-team': [5, 5, 4],
      revise: [3, 2, 2],
      registered: [3, 3, 3],
    });
    const reasons = (stage: string) => status.report.funnel.find((f: { stage: string }) => f.stage === stage).topReasons;
    const gamma = reasons('code-judge');
    assert.equal(gamma.length, 1);
    assert.equal(gamma[0].count, 2);
    assert.match(gamma[0].reason, /^\[revise\] GAMMA-CODE: the verifier is too lenient\nsecond line: compare exact integers/);
    assert.match(reasons('question-judge')[0].reason, /^\[reject\] DELTA-Q: the question omits the modulus\nsee line two/);
    assert.match(reasons('checks')[0].reason, /verify/i, 'the checks say what failed');
    assert.deepEqual(
      status.report.stages.map((s: StageUsage) => s.stage),
      ['propose', 'write', 'checks', 'code-judge', 'question-judge', 'red-team', 'revise'],
    );
    assert.match(status.report.markdown, /## Per stage/);
    assert.match(status.report.markdown, /## Stage funnel/);
    assert.match(status.report.markdown, /second line: compare exact integers/);
  });

  it('after a worker process is SIGKILLed during a judge call, each stage still counts exactly what the LLM delivered', async () => {
    const cfg = testConfig(llmEnv(), 'stageskill');
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let judgeAsks = 0;
    let heldArrived = false;
    script = async (req) => {
      if (stepOf(req) !== 'code-judge') return happyReply(req);
      judgeAsks++;
      // First ask: unreadable, delivered and billed; the activity asks again in the same attempt...
      if (judgeAsks === 1) return 'no verdict here';
      // ...and that second ask hangs until the worker is dead (its reply then reaches no one).
      if (judgeAsks === 2) {
        heldArrived = true;
        await held;
      }
      return accept();
    };
    const billedBefore = fake.billed.length;
    let worker = spawnWorkerProcess(cfg, llmEnv());
    try {
      const h = await start(cfg, {
        keywords: ['killed stage kw'],
        proposalsPerKeyword: 1,
        gates: ['automaticChecks', 'codeJudge'],
        maxRevisions: 0,
      });
      await waitFor('the second judge ask in flight', () => heldArrived, 90_000, 50);
      // While it runs, `resyn status --json` shows the run's stages so far: the unreadable judge reply is already counted.
      const live = await cliJson(cfg, 'status', '--json');
      const mine = live.running.find((r: { workflowId: string }) => r.workflowId === h.workflowId);
      const calls = Object.fromEntries(mine.stages.map((u: StageUsage) => [u.stage, u.calls]));
      assert.deepEqual(calls, { propose: 1, write: 1, checks: 0, 'code-judge': 1 });
      assert.deepEqual(
        live.stages.map((u: StageUsage) => [u.stage, u.calls]),
        mine.stages.map((u: StageUsage) => [u.stage, u.calls]),
        'the whole registry (this test has its own) has just this run',
      );
      await killProcess(worker, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 300)); // the server sees the connection close
      release();
      worker = spawnWorkerProcess(cfg, llmEnv());
      const final = (await h.result()) as GrowProgress;
      assert.equal(final.accepted, 1, JSON.stringify(final));
      const billed = fake.billed.slice(billedBefore);
      const reg = await openRegistry(cfg);
      const stages = await reg.stageUsage(h.workflowId);
      assertTokensMatch(stages, billed);
      assert.equal(judgeAsks, 3, 'the retried attempt asked once more');
      assert.equal(
        billedByStage(billed).get('code-judge')?.calls,
        2,
        'the unreadable reply and the retry: the held one was never delivered',
      );
      const judge = stages.find((s) => s.stage === 'code-judge')!;
      assert.equal(judge.executions, 1, 'the killed execution never ended; its retry did');
      // The run's own count (its budget) includes the killed attempt's billed reply too.
      const spend = await reg.runSpend(h.workflowId);
      assert.equal(final.tokens, spend.promptTokens + spend.completionTokens);
    } finally {
      await killProcess(worker, 'SIGKILL');
    }
  });
  it("the worker process serves resyn's own metrics at RESYN_OWN_METRICS_PORT with the run's true values", async () => {
    const port = await freePort();
    const cfg = testConfig(llmEnv(), 'stagesmetrics');
    script = (req) => {
      // One of the two keywords is rejected by the code judge (no revision allowed).
      if (keywordOf(req) === 'metric beta' && stepOf(req) === 'code-judge') return verdict('reject', 'METRIC-BETA: not a task');
      return happyReply(req);
    };
    const billedBefore = fake.billed.length;
    const worker = spawnWorkerProcess(cfg, { ...llmEnv(), RESYN_OWN_METRICS_PORT: String(port) });
    try {
      const h = await start(cfg, {
        keywords: ['metric alpha', 'metric beta'],
        proposalsPerKeyword: 1,
        gates: ['automaticChecks', 'codeJudge'],
        maxRevisions: 0,
      });
      const final = (await h.result()) as GrowProgress;
      assert.deepEqual([final.accepted, final.rejected], [1, 1]);
      const envs = await (await openRegistry(cfg)).listEnvironments({ status: 'accepted' });
      const sample = (await client.workflow.execute('sampleTrainingData', {
        taskQueue: cfg.temporal.taskQueue,
        workflowId: `stages-metrics-sample-${process.pid}-${++seq}`,
        args: [
          {
            name: `metrics-${seq}`,
            filter: { ids: envs.map((e) => e.id) },
            instancesPerEnv: 40,
            difficulties: [1, 2],
            split: { validationFraction: 0.25 },
            formats: ['jsonl'],
            shardSize: 15,
          },
        ],
      })) as { rows: number; train: number; validation: number };
      assert.ok(sample.rows > 0);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const value = (series: string): number => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        assert.ok(line, `${series} in\n${text}`);
        return Number(line.slice(series.length + 1));
      };
      const billed = billedByStage(fake.billed.slice(billedBefore));
      for (const [stage, b] of billed) {
        const role = stage === 'code-judge' ? 'judge' : 'generator';
        assert.equal(value(`resyn_llm_tokens_total{role="${role}",stage="${stage}",kind="prompt"}`), b.promptTokens, stage);
        assert.equal(value(`resyn_llm_tokens_total{role="${role}",stage="${stage}",kind="completion"}`), b.completionTokens, stage);
        assert.equal(value(`resyn_llm_calls_total{role="${role}",stage="${stage}"}`), b.calls, stage);
      }
      assert.equal(value('resyn_environments_total{outcome="accepted",gate="none"}'), 1);
      assert.equal(value('resyn_environments_total{outcome="rejected",gate="code-judge"}'), 1);
      assert.equal(value('resyn_gate_verdicts_total{gate="checks",verdict="pass"}'), 2);
      assert.equal(value('resyn_gate_verdicts_total{gate="code-judge",verdict="pass"}'), 1);
      assert.equal(value('resyn_gate_verdicts_total{gate="code-judge",verdict="reject"}'), 1);
      assert.equal(value('resyn_stage_duration_seconds_count{stage="checks",ok="true"}'), 2);
      assert.equal(value('resyn_stage_duration_seconds_count{stage="propose",ok="true"}'), 2);
      assert.equal(value('resyn_dataset_rows_total{split="train"}'), sample.train);
      assert.equal(value('resyn_dataset_rows_total{split="validation"}'), sample.validation);
      assert.match(text, /^# TYPE resyn_llm_errors_total counter$/m);
    } finally {
      await killProcess(worker, 'SIGTERM');
    }
    // A second worker on the same port fails at start, naming the variable.
    const blocker = spawnWorkerProcess(cfg, { ...llmEnv(), RESYN_OWN_METRICS_PORT: String(port) });
    const second = spawnWorkerProcess(cfg, { ...llmEnv(), RESYN_OWN_METRICS_PORT: String(port) });
    try {
      const exits = await Promise.race([
        new Promise<number | null>((r) => second.once('exit', r)),
        new Promise<number | null>((r) => blocker.once('exit', r)),
      ]);
      assert.equal(exits, 1);
      const log = fs.readFileSync(path.join(cfg.dataDir, 'worker.log'), 'utf8');
      assert.match(
        log,
        new RegExp(`port ${port} for resyn's own Prometheus metrics is in use by .*; set RESYN_OWN_METRICS_PORT to a free port`),
      );
    } finally {
      await killProcess(blocker, 'SIGKILL');
      await killProcess(second, 'SIGKILL');
    }
  });
});
