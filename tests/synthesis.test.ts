/**
 * synthesizeEnvironment on the real Temporal server, real sandbox and real SQLite registry, with
 * the real `openai` client talking to the scripted LLM on loopback.
 */
import * as assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { growStateSchema, initialGrowState } from '../contracts/grow-input';
import { growProgress, recordChildResult } from '../contracts/grow-rules';
import { zeroUsage } from '../contracts/usage';
import { enforceThresholds, JUDGE_CRITERIA } from '../llm/judging';
import { parseJudge, parseRedTeam } from '../llm/parse';
import { judgeVars, renderPrompt } from '../llm/prompts';
import { openRegistry } from '../registry/open';
import { CHECK_NAMES, ENV_NAME_PATTERN } from '../sandbox';
import { loadConfig, type ResynConfig } from '../temporal.config';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from './support/fake-llm';
import {
  accept,
  allScores,
  claims,
  cosmeticVariant,
  fakeLlmEnv,
  fence,
  happyReply,
  stepOf,
  taskNameOf,
  tinyEnv,
  verdict,
} from './support/fake-synthesis';
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
      'synthesize-environment-revise-step',
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
        rounds[1]!.gates.map((g) => `${g.gate}:${g.verdict}`),
        ['automaticChecks:pass', 'codeJudge:pass', 'questionJudge:pass', 'redTeam:pass'],
        'the default gates of a new run end with the red team',
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

  const userText = (req: FakeRequest) =>
    req.messages
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join('\n');
  const callsOf = (step: string, task: string) => fake.calls.filter((c) => stepOf(c) === step && taskNameOf(c) === task);

  it('the judges see evidence: the checks report and solved instances (code), the code and 10 instances over 1..10 (questions)', async () => {
    const res = await run({ keyword: 'evidence', proposal: { name: 'evidence-task', description: 'x' }, maxRevisions: 0 });
    assert.equal(res.outcome, 'accepted', res.reason);
    const code = userText(callsOf('code-judge', 'evidence-task')[0]!);
    assert.match(code, /- solve-verifies: ok — verify\(state, solve\(state\)\) = 1/, 'the check report is in the code judge prompt');
    assert.equal((code.match(/^solve\(\) answers: "\d+"$/gm) ?? []).length, cfg.synthesis.judge.codeInstances);
    assert.match(code, /^state \(JSON\): \{"xs":\[/m);
    const question = userText(callsOf('question-judge', 'evidence-task')[0]!);
    assert.match(question, /export default \{/, 'the question judge reads the code');
    const heads = [...question.matchAll(/^--- seed \d+, difficulty (\d+)$/gm)].map((m) => Number(m[1]));
    assert.ok(heads.length >= 8, `${heads.length} instances`);
    assert.equal(Math.min(...heads), 1);
    assert.equal(Math.max(...heads), 10);
    assert.match(question, /no_loopholes \(accept needs at least 4\)/, 'thresholds rendered into the prompt');
  });

  it('a code judge without a checks gate before it runs the checks itself for its evidence', async () => {
    const res = await run({
      keyword: 'judge only',
      proposal: { name: 'judge-only', description: 'x' },
      gates: ['codeJudge'],
      maxRevisions: 0,
    });
    assert.equal(res.outcome, 'accepted', res.reason);
    assert.match(userText(callsOf('code-judge', 'judge-only')[0]!), /- rejects-wrong: ok — /);
  });

  it('a judge "accept" with scores below the threshold is not registered: it becomes revise naming the low criteria', async () => {
    script = (req) => (stepOf(req) === 'code-judge' ? accept('fine by me', allScores(1)) : happyReply(req));
    const res = await run({ keyword: 'low scores', proposal: { name: 'low-scores', description: 'x' }, maxRevisions: 1 });
    assert.equal(res.outcome, 'rejected', res.reason);
    const reg = await registry();
    try {
      assert.equal((await reg.listEnvironments({ status: 'accepted' })).filter((e) => e.keyword === 'low scores').length, 0);
      const rounds = await reg.roundsOf((await reg.getEnvironment(res.envId))!.runId!);
      for (const r of rounds) {
        const cj = r.gates.find((g) => g.gate === 'codeJudge')!;
        assert.equal(cj.verdict, 'revise');
        assert.match(cj.feedback, /verifier_logic 1 \(needs 4\)/);
        assert.deepEqual((cj.detail as any).judgeVerdict, 'accept');
      }
    } finally {
      await reg.close();
    }
    assert.match(userText(callsOf('revise', 'low-scores')[0]!), /scored below the required threshold: verifier_logic 1 \(needs 4\)/);
  });

  it('an unreadable judge reply is re-asked with the parse error, then by a retried activity, never sent to revision', async () => {
    let asked = 0;
    script = (req) => {
      if (stepOf(req) === 'question-judge' && taskNameOf(req) === 'unreadable-judge' && asked++ < cfg.synthesis.judge.replyRetries + 1)
        return asked === 2 ? '{"verdict": "accept", "scores": {"diverse": 5}, "feedback": "one score only"}' : 'Looks great to me!';
      return happyReply(req);
    };
    const res = await run({ keyword: 'unreadable', proposal: { name: 'unreadable-judge', description: 'x' }, maxRevisions: 2 });
    assert.equal(res.outcome, 'accepted', res.reason);
    assert.equal(res.rounds, 1, 'no revision round was spent on an unreadable reply');
    assert.equal(callsOf('revise', 'unreadable-judge').length, 0);
    const calls = callsOf('question-judge', 'unreadable-judge');
    assert.equal(
      calls.length,
      cfg.synthesis.judge.replyRetries + 2,
      'every ask of the first attempt failed; the retried activity asked again',
    );
    assert.match(userText(calls[1]!), /Your reply could not be read: the reply is not valid JSON/);
    assert.match(userText(calls[2]!), /gives no score for self_contained/);
    assert.equal(calls[3]!.messages.length, 2, 'the retried activity starts a fresh conversation');
  });

  it('the red team: a confirmed hole (a wrong answer verify accepts) goes back with its state and answer; holes are counted', async () => {
    const task = 'red-team-task';
    script = (req) => {
      const step = stepOf(req);
      if (step === 'generate') return fence(tinyEnv(task, { backdoor: '9999' }));
      if (step === 'red-team') {
        // Instance 3's right answer in a wrapper the framework strips: scored as training scores it, not a hole.
        const third = [...userText(req).matchAll(/^solve\(\) answers: "(\d+)"$/gm)][2]![1]!;
        return claims([
          { instance: 2, kind: 'wrong-accepted', answer: '9999', why: 'verify has a special case for 9999' },
          { instance: 1, kind: 'wrong-accepted', answer: '12345678', why: 'maybe any 8 digits pass' },
          { instance: 3, kind: 'right-rejected', answer: `The answer is **${third}**.`, why: 'verify may not read prose' },
        ]);
      }
      return happyReply(req);
    };
    const res = await run({ keyword: 'red team', proposal: { name: task, description: 'x' } });
    assert.equal(res.outcome, 'accepted', res.reason);
    assert.equal(res.rounds, 2);
    assert.equal(res.redTeamHoles, 1, 'the 8-digit claim scored 0 and the wrapped right answer 1: neither is a hole');
    const revise = userText(callsOf('revise', task)[0]!);
    assert.match(revise, /red team found 1 confirmed hole/);
    assert.match(revise, /seed 102, difficulty \d+; state: \{"xs":\[[\d,]+\],"m":\d+\}/, 'the state of the instance');
    assert.match(revise, /answer: "9999": claimed WRONG, but accepted: verify returned 1/);
    assert.doesNotMatch(revise, /12345678|The answer is/);
    const reg = await registry();
    try {
      const rounds = await reg.roundsOf((await reg.getEnvironment(res.envId))!.runId!);
      const rt = rounds.map((r) => r.gates.find((g) => g.gate === 'redTeam')!);
      assert.equal(rt[0]!.verdict, 'revise');
      assert.equal((rt[0]!.detail as any).holes.length, 1);
      assert.equal((rt[0]!.detail as any).holes[0].answer, '9999');
      assert.equal(rt[1]!.verdict, 'pass', 'the revised verify rejects 9999');
    } finally {
      await reg.close();
    }
  });

  it('the reviser sees every earlier round (by default 2 revisions), the failing state and answer, and the real limits', async () => {
    const task = 'history-task';
    let judged = 0;
    script = (req) => {
      const step = stepOf(req);
      if (step === 'generate') return fence(tinyEnv(task, { broken: true }));
      if (step === 'code-judge' && judged++ === 0) return verdict('revise', 'JUDGE-ROUND-2: say what the modulus is for');
      return happyReply(req);
    };
    const res = await run({ keyword: 'history', proposal: { name: task, description: 'x' } });
    assert.equal(res.outcome, 'accepted', res.reason);
    assert.equal(res.rounds, 3, 'three rounds fit the default of 2 revisions');
    const [first, second] = callsOf('revise', task).map(userText);
    // Round 1 failed solve-verifies: the prompt carries a failing state and the answer solve() gave for it.
    const ex = /- solve-verifies:\n {2}seed \d+, difficulty \d+; state: (\{.*\})\n {2}answer: "(\d+)" -> verify returned 0/.exec(first!);
    assert.ok(ex, first);
    const state = JSON.parse(ex[1]!);
    const sum = state.xs.reduce((a: number, b: number) => a + b, 0);
    assert.equal(Number(ex[2]), (sum % state.m) + 7, "the broken solve()'s answer for that state");
    assert.match(second!, /### Round 1\n\[automaticChecks: revise\][\s\S]*- solve-verifies:/, 'round 1 is still shown in round 3');
    assert.match(second!, /### Round 2\n[\s\S]*\[codeJudge: revise\] scores \{"verifier_logic":2\}\nJUDGE-ROUND-2/);
    const system = callsOf('revise', task)[0]!.messages[0]!.content;
    assert.match(system, new RegExp(`time: ${cfg.sandbox.callTimeoutMs} ms per call`));
    assert.match(system, new RegExp(`prompt: at most ${cfg.sandbox.maxPromptChars} characters`));
    assert.match(system, /- rejects-wrong: /, 'the checks are listed');
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

describe('judge thresholds, red-team replies and rendered prompts (no server)', () => {
  const t = { minScore: 4, minScores: { verifier_logic: 5 } };
  const criteria = Object.keys(JUDGE_CRITERIA['code-judge']);
  const scores = (n: number) => Object.fromEntries(criteria.map((c) => [c, n]));

  it('enforces every criterion threshold on an "accept", per criterion', () => {
    assert.equal(enforceThresholds({ verdict: 'accept', scores: scores(5), feedback: '' }, criteria, t).verdict, 'pass');
    const low = enforceThresholds(
      { verdict: 'accept', scores: { ...scores(5), verifier_logic: 4, complete: 3 }, feedback: 'ok' },
      criteria,
      t,
    );
    assert.equal(low.verdict, 'revise');
    assert.deepEqual(low.low, ['verifier_logic', 'complete']);
    assert.match(low.feedback, /verifier_logic 4 \(needs 5\), complete 3 \(needs 4\)/);
    const reject = enforceThresholds({ verdict: 'reject', scores: scores(5), feedback: 'no task' }, criteria, t);
    assert.deepEqual([reject.verdict, reject.feedback], ['reject', 'no task']);
  });

  it('reads an "accept" that leaves a criterion unscored as unreadable; red-team claims raw, fenced or bare', () => {
    const partial = JSON.stringify({ verdict: 'accept', scores: { complete: 5 }, feedback: '' });
    const r = parseJudge(partial, criteria);
    assert.ok(!r.ok && /no score for verifier_logic/.test(r.error));
    assert.ok(parseJudge(JSON.stringify({ verdict: 'revise', scores: { complete: 2 }, feedback: 'x' }), criteria).ok);
    const c = { instance: 1, kind: 'wrong-accepted', answer: 'yes' };
    assert.deepEqual(parseRedTeam(`Found one:\n\`\`\`json\n${JSON.stringify({ claims: [c] })}\n\`\`\``), {
      ok: true,
      value: [{ ...c, why: '' }],
    });
    assert.deepEqual(parseRedTeam(JSON.stringify([c])), { ok: true, value: [{ ...c, why: '' }] });
    assert.deepEqual(parseRedTeam('{"claims": []}'), { ok: true, value: [] });
    assert.ok(!parseRedTeam('{"claims": [{"instance": 0, "kind": "odd", "answer": 1}]}').ok);
    assert.ok(!parseRedTeam('nothing to report').ok);
  });

  it('renders the limits, thresholds and name rule from the config, not from the templates', () => {
    const cfg = loadConfig({
      RESYN_SANDBOX_CALL_TIMEOUT_MS: '1234',
      RESYN_SANDBOX_MEMORY_MB: '48',
      RESYN_JUDGE_MIN_SCORES: 'solver_correct=5',
    });
    const [system] = renderPrompt('generate', { keyword: 'k', proposal_name: 'p', proposal_description: 'd', examples: '' }, cfg);
    assert.match(system!.content, /time: 1234 ms per call/);
    assert.match(system!.content, /memory: 48 MB/);
    assert.match(system!.content, new RegExp(`must match /${ENV_NAME_PATTERN.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&')}/`));
    for (const name of CHECK_NAMES) assert.match(system!.content, new RegExp(`^- ${name}: `, 'm'));
    for (const form of ['\\frac{1}{2}', '18 + 20 = 38', '1: 1, 2: 1', 'fill jug B', 'The answer is 1/2', '**1/2**', '$1/2$', 'x = 1/2'])
      assert.ok(system!.content.includes(form), form);
    assert.match(judgeVars('code-judge', cfg).criteria, /solver_correct \(accept needs at least 5\)/);
    assert.match(judgeVars('code-judge', cfg).criteria, /complete \(accept needs at least 4\)/);
  });

  it("a grow run's progress sums its children's red-team holes (states carried by older runs start at 0)", () => {
    const { redTeamHoles: _absent, ...old } = initialGrowState();
    const s = growStateSchema.parse(old);
    recordChildResult(s, 'accepted', zeroUsage(), 2);
    recordChildResult(s, 'rejected', zeroUsage(), 1);
    recordChildResult(s, 'accepted', zeroUsage());
    assert.equal(growProgress(s, { inFlight: 0, keywords: 1, status: 'completed' }).redTeamHoles, 3);
  });

  it('the red team is in the default gates unless RESYN_RED_TEAM=0; an explicit gate list is kept as given', () => {
    assert.deepEqual(loadConfig({}).synthesis.gates, ['automaticChecks', 'codeJudge', 'questionJudge', 'redTeam']);
    assert.deepEqual(loadConfig({ RESYN_RED_TEAM: '0' }).synthesis.gates, ['automaticChecks', 'codeJudge', 'questionJudge']);
    assert.deepEqual(loadConfig({ RESYN_RED_TEAM: 'off', RESYN_GATES: 'automaticChecks,redTeam' }).synthesis.gates, [
      'automaticChecks',
      'redTeam',
    ]);
    assert.throws(() => loadConfig({ RESYN_RED_TEAM: 'maybe' }), /RESYN_RED_TEAM="maybe": expected 1\/0/);
    assert.throws(() => loadConfig({ RESYN_JUDGE_MIN_SCORES: 'complete=9' }), /synthesis.judge.minScores.complete/);
    assert.equal(loadConfig({}).synthesis.maxRevisions, 2);
  });
});
